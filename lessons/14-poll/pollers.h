/* pollers.h — lesson 14: poll() and epoll, document 004's server without select()'s limits. */
#ifndef LABS_POLLERS_H
#define LABS_POLLERS_H

#include <stdio.h>

/**
 * @file pollers.h
 * \~english
 * @brief Lesson 14-poll: `poll()` and `epoll` (edge-triggered), `POLLHUP`/`POLLERR`, no
 *        `FD_SETSIZE` limit.
 *
 * Lesson 07 served document 004's protocol to many clients with `select()`,
 * and met its limits: an `fd_set` holds descriptors 0 to 1023 only, and the
 * sets are rewritten by every call, so they are built again each time.
 * This lesson serves the same protocol twice more:
 *
 * - with `poll()`, which takes an array of `struct pollfd` (descriptor,
 *   events wanted, events that happened): any descriptor number, and the
 *   request (`events`) is kept apart from the answer (`revents`);
 * - with Linux's `epoll`: the kernel keeps the list of watched descriptors
 *   (`epoll_ctl()` once per descriptor) and `epoll_wait()` returns only
 *   those that are ready. Client sockets are registered
 *   **edge-triggered** (`EPOLLET`): an event says that something *new*
 *   arrived, once; the server must then read until `EAGAIN`, or the rest
 *   waits for an event that never comes.
 *
 * Both report conditions nobody asked for: `POLLHUP` (hang-up: a pipe
 * whose writers are gone, a connection reset) and `POLLERR` (an error is
 * pending). A loop that ignores them sees the same descriptor "ready"
 * forever and spins.
 *
 * Conventions: failure is -1 with `errno` set by the call that failed, and
 * nothing opened by the function is left open.
 *
 * @see @ref lesson14 (the lesson text), @ref phpmap (PHP to C).
 * \~chinese
 * @brief 第 14 课 poll：`poll()` 与 `epoll`（边缘触发）、`POLLHUP`/`POLLERR`，没有 `FD_SETSIZE`
 *        限制。
 *
 * 第 07 课用 `select()` 为多个客户端提供文档 004 的协议，也碰到了它的限制：一个 `fd_set`
 * 只能放 0 到 1023 号描述符，而且每次调用都会改写集合，所以每次都要重建。本课再把同一个协议
 * 实现两遍：
 *
 * - 用 `poll()`：它接收一个 `struct pollfd` 数组（描述符、想等的事件、实际发生的事件）：
 *   描述符号多大都行，请求（`events`）和结果（`revents`）分开存放；
 * - 用 Linux 的 `epoll`：由内核保存被监视的描述符清单（每个描述符调用一次 `epoll_ctl()`），
 *   `epoll_wait()` 只返回已就绪的那些。客户端 socket 以<b>边缘触发</b>（`EPOLLET`）方式注册：
 *   一个事件只说一次“有<em>新</em>东西到了”；服务端必须一直读到 `EAGAIN`，否则剩下的数据
 *   要等一个永远不会来的事件。
 *
 * 两者都会报告没人要求的状况：`POLLHUP`（挂断：写端都已关闭的管道、被重置的连接）和
 * `POLLERR`（有待处理的错误）。忽略它们的循环会一直看到同一个描述符“就绪”，于是空转。
 *
 * 约定：失败时返回 -1，`errno` 由失败的那个调用设置；函数打开过的东西都不会留着不关。
 *
 * @see @ref lesson14 （课文）、@ref phpmap （从 PHP 到 C）。
 */

/**
 * \~english
 * Longest piece of a line the servers answer at once: document 004 reads
 * with `socket_read($connection, 1024, PHP_NORMAL_READ)`, so a longer line
 * is answered once per 1024 bytes.
 * \~chinese
 * 服务端一次应答的一行最长多少字节：文档 004 用
 * `socket_read($connection, 1024, PHP_NORMAL_READ)` 读取，所以更长的行每 1024 字节应答一次。
 */
#define POLL_LINE_MAX 1024

/**
 * \~english
 * @brief Waits with `poll()` until @p fd is readable, or @p timeout_ms milliseconds have passed.
 *
 * Lesson 07's `wait_readable()` without its limit: `poll()` takes the
 * descriptor's number, not a bit in a fixed-size set, so descriptor 5000
 * works as well as descriptor 3.
 *
 * "Readable" means a `read()` would not wait. `poll()` says so with
 * `POLLIN`, and also with `POLLHUP` (hang-up: a pipe whose write end is
 * closed, a connection reset; Linux may report it without `POLLIN`) and
 * `POLLERR` (an error is pending, such as `ECONNREFUSED` on a UDP socket).
 * Both count as readable here: the caller's next read then returns 0 or
 * the error, instead of the caller waiting for data that cannot come.
 *
 * A signal that interrupts the wait (`EINTR`) does not end it: the wait
 * goes on for the time **left** until the deadline (monotonic clock).
 *
 * @param fd         the descriptor to watch, any number the process may open.
 * @param timeout_ms how long to wait at most, in milliseconds; 0 only looks;
 *                   a negative value waits without limit.
 * @return 1 when @p fd is readable (data, end of file, hang-up or a pending
 *         error), 0 when the time ran out first, or -1 with `errno`:
 *         `EINVAL` when @p fd is negative (`poll()` would silently skip it
 *         and wait out the whole timeout), `EBADF` when @p fd is not open
 *         (`poll()` reports `POLLNVAL`), or the error of `poll()` or
 *         `clock_gettime()`.
 * \~chinese
 * @brief 用 `poll()` 等待 @p fd 可读，最多等 @p timeout_ms 毫秒。
 *
 * 这是去掉了限制的第 07 课 `wait_readable()`：`poll()` 接收的是描述符号本身，而不是固定大小
 * 集合里的一位，所以 5000 号描述符和 3 号一样能用。
 *
 * “可读”指 `read()` 不会等待。`poll()` 用 `POLLIN` 表示这一点，也会用 `POLLHUP`（挂断：写端已
 * 关闭的管道、被重置的连接；Linux 报告它时可能不带 `POLLIN`）和 `POLLERR`（有待处理的错误，比如
 * UDP socket 上的 `ECONNREFUSED`）表示。这里两者都算可读：调用者接下来的读会返回 0 或那个错误，
 * 而不是去等永远不会来的数据。
 *
 * 被信号打断（`EINTR`）不会结束等待：按截止时刻（单调时钟）只再等<b>剩下</b>的时间。
 *
 * @param fd         要监视的描述符，进程能打开的任何号码都行。
 * @param timeout_ms 最多等待多少毫秒；0 表示只看一眼；负数表示不限时地等。
 * @return @p fd 可读（有数据、文件结束、挂断或有待处理的错误）时返回 1，先超时返回 0；
 *         出错返回 -1 并设置 `errno`：@p fd 为负时是 `EINVAL`（`poll()` 会悄悄跳过它并等满整个
 *         超时），@p fd 没有打开时是 `EBADF`（`poll()` 报告 `POLLNVAL`），或者 `poll()`、
 *         `clock_gettime()` 的错误。
 * \~
 * @par PHP
 * `socket_select($read, $write, $except, $sec, $usec)` with one socket in
 * `$read` (PHP's socket extension offers `select()` only; inside, PHP waits
 * on a single socket with `poll()`).
 */
int wait_readable_poll(int fd, int timeout_ms);

/**
 * \~english
 * @brief Document 004's server for many clients with one `poll()` loop, until @p stop_fd is
 *        readable.
 *
 * The protocol and its promises are those of lesson 07's
 * `serve_line_acks_select()`:
 * - every new client gets @p greeting_line (the document's `"Connect\n"`);
 * - every line gets one @p ack_line (`"Information received\n"`), in
 *   order. A line ends at a newline `\n` or at a carriage return `\r` and
 *   includes it (`PHP_NORMAL_READ`: `"x\r\n"` is two lines); a line longer
 *   than #POLL_LINE_MAX bytes is answered once per piece of #POLL_LINE_MAX
 *   bytes; at end of file, bytes after the last line end are a last line;
 * - when @p log is not NULL, `"Buffer: <line>\n"` is written to @p log for
 *   each line, before its answer (`"SOME data\n"` is logged as
 *   `"Buffer: SOME data\n\n"`);
 * - no client holds up the others: a silent client or half a line is just
 *   not ready; writes never wait (what a socket cannot take yet is sent
 *   when `poll()` reports it writable); a client that does not read its
 *   answers makes the server stop reading its lines once a few dozen
 *   answers wait for it (back-pressure), and go on as it reads them;
 * - a client that shut down its sending side gets its answers, then is
 *   closed; a client that fails (`ECONNRESET`, `EPIPE`) is closed at once.
 *
 * What `poll()` changes:
 * - descriptors of any number are served (no `FD_SETSIZE` limit), the
 *   listener, @p stop_fd and the clients alike;
 * - `POLLHUP` and `POLLERR` are handled: a client whose connection reports
 *   them is read one last time (which reports the end or the error) and
 *   closed, so a reset client never makes the loop spin; a hang-up of
 *   @p stop_fd (a pipe whose write end is closed) ends the loop like a byte;
 * - the loop asks only for what it can use: `POLLIN` for a client whose
 *   lines it will read now, `POLLOUT` only for a client it owes bytes, so
 *   an idle server sleeps in `poll()`;
 * - every descriptor that one `poll()` call reports ready is served before
 *   the next `poll()` call: removing a client from the array while walking
 *   it never skips the entry after it.
 *
 * While it runs, @p listen_fd is non-blocking; its file flags are restored
 * before the function returns. @p listen_fd and @p stop_fd are never
 * closed, and @p stop_fd is never read.
 *
 * @param listen_fd     a listening socket, any descriptor number.
 * @param stop_fd       a descriptor, for example a pipe's read end: the loop
 *                      ends when it becomes readable or hangs up.
 * @param greeting_line NUL-terminated text sent to every new client.
 * @param ack_line      NUL-terminated text sent once per line.
 * @param log           where each line is logged, or NULL. If writing to
 *                      @p log fails, the clients are still served.
 * @return the number of lines answered, all clients together, once
 *         @p stop_fd is readable; every client connection is then closed.
 *         -1 with `errno` on failure, with every client closed and the flags
 *         of @p listen_fd restored: `EINVAL` when @p listen_fd or @p stop_fd
 *         is negative; the error of `fcntl()` (`EBADF` for a closed
 *         @p listen_fd); `EBADF` when `poll()` reports `POLLNVAL` for
 *         @p listen_fd or @p stop_fd; the error of `poll()` (not `EINTR`,
 *         which is retried) or of `accept()` (not `EAGAIN`, `ECONNABORTED`,
 *         `EINTR` or `EPROTO`, which only mean that this client is gone);
 *         `ENOMEM`. A new client for which no memory is left is closed at
 *         once; the loop goes on.
 * \~chinese
 * @brief 用一个 `poll()` 循环为多个客户端提供文档 004 的服务，直到 @p stop_fd 可读。
 *
 * 协议和各项保证与第 07 课的 `serve_line_acks_select()` 相同：
 * - 每个新客户端收到 @p greeting_line（文档中的 `"Connect\n"`）；
 * - 每一行按顺序得到一个 @p ack_line（`"Information received\n"`）。
 *   行在换行符 LF 或回车符 CR 处结束并包含它（`PHP_NORMAL_READ`：`"x\r\n"`
 *   是两行）；超过 #POLL_LINE_MAX 字节的行每 #POLL_LINE_MAX 字节应答一次；
 *   文件结束时，最后一个行尾之后的字节算作最后一行；
 * - @p log 不为 NULL 时，每一行都在应答之前向 @p log 写入 `"Buffer: <行>\n"`
 *   （`"SOME data\n"` 记为 `"Buffer: SOME data\n\n"`）；
 * - 任何客户端都拖不住其他客户端：不说话的客户端或半行只是还没就绪；写从不等待（socket
 *   暂时收不下的部分，等 `poll()` 报告可写时再发）；不读应答的客户端积压了几十个应答后，
 *   服务端就暂停读它的行（背压），等它读走应答再继续；
 * - 关闭了发送方向的客户端会收到它的全部应答，然后被关闭；出错的客户端（`ECONNRESET`、
 *   `EPIPE`）立即关闭。
 *
 * `poll()` 带来的变化：
 * - 任何号码的描述符都能服务（没有 `FD_SETSIZE` 限制），监听 socket、@p stop_fd 和客户端都一样；
 * - 处理 `POLLHUP` 和 `POLLERR`：连接报告它们的客户端会被最后读一次（读会报告结束或错误）
 *   然后关闭，所以被重置的客户端永远不会让循环空转；@p stop_fd 挂断（写端已关闭的管道）
 *   和收到一个字节一样结束循环；
 * - 循环只请求它用得上的事件：只为马上要读其行的客户端请求 `POLLIN`，只为还欠着字节的客户端
 *   请求 `POLLOUT`，所以空闲的服务端睡在 `poll()` 里；
 * - 一次 `poll()` 报告就绪的每个描述符，都在下一次调用 `poll()` 之前得到处理：遍历数组时删掉
 *   一个客户端，绝不会跳过它后面的那一项。
 *
 * 运行期间 @p listen_fd 处于非阻塞模式；返回前恢复它的文件标志。@p listen_fd 和 @p stop_fd
 * 永远不会被关闭，@p stop_fd 也永远不会被读取。
 *
 * @param listen_fd     监听 socket，描述符号不限。
 * @param stop_fd       一个描述符，例如管道的读端：它变为可读或挂断时循环结束。
 * @param greeting_line 发给每个新客户端的文本，以 NUL 结尾。
 * @param ack_line      每行发送一次的文本，以 NUL 结尾。
 * @param log           记录每一行的地方，或 NULL。写 @p log 失败时，客户端仍照常服务。
 * @return @p stop_fd 可读时返回所有客户端合计应答的行数，此时所有客户端连接都已关闭。
 *         失败时返回 -1 并设置 `errno`，所有客户端都已关闭、@p listen_fd 的标志已恢复：
 *         @p listen_fd 或 @p stop_fd 为负时是 `EINVAL`；`fcntl()` 的错误（已关闭的
 *         @p listen_fd 得到 `EBADF`）；`poll()` 对 @p listen_fd 或 @p stop_fd 报告 `POLLNVAL`
 *         时是 `EBADF`；`poll()` 的错误（`EINTR` 除外，会重试）或 `accept()` 的错误（`EAGAIN`、
 *         `ECONNABORTED`、`EINTR`、`EPROTO` 除外，它们只表示这个客户端走了）；`ENOMEM`。
 *         没有内存接待的新客户端会被立即关闭，循环继续。
 * \~
 * @par PHP
 * `socket_select()` in a loop over `socket_accept()`, `socket_read()` and
 * `socket_write()`, as in lesson 07; PHP's socket extension has no `poll()`.
 */
long serve_line_acks_poll(int listen_fd, int stop_fd, const char *greeting_line,
                          const char *ack_line, FILE *log);

/**
 * \~english
 * @brief Document 004's server for many clients with `epoll` (clients edge-triggered), until
 *        @p stop_fd is readable.
 *
 * The same protocol, promises, arguments and return value as
 * serve_line_acks_poll(), with an `epoll` instance instead of an array:
 * - the instance is created with `epoll_create1(EPOLL_CLOEXEC)` (a program
 *   started with `exec` does not inherit it) and closed before the function
 *   returns, on every path;
 * - @p listen_fd and @p stop_fd are registered level-triggered, for
 *   `EPOLLIN`; a hang-up or error of @p stop_fd ends the loop like a byte;
 * - every client socket is made non-blocking (`O_NONBLOCK`) and registered
 *   once, **edge-triggered**: `EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET`.
 *   An event only says that something changed, so after each event the
 *   server reads until `recv()` fails with `EAGAIN` (a client that sends
 *   64 KiB at once is answered completely) and sends until the answers are
 *   out or `send()` fails with `EAGAIN` (the next `EPOLLOUT` edge says when
 *   to go on). When back-pressure stops the reading, the server remembers
 *   that input is waiting and reads on once the client has taken its
 *   answers: no new event would come to say so;
 * - a client whose event carries `EPOLLHUP` or `EPOLLERR` is read one last
 *   time and closed.
 *
 * @param listen_fd     a listening socket, any descriptor number.
 * @param stop_fd       a descriptor, for example a pipe's read end: the loop
 *                      ends when it becomes readable or hangs up. It must be
 *                      something `epoll` can watch (a pipe or a socket, not
 *                      a regular file).
 * @param greeting_line NUL-terminated text sent to every new client.
 * @param ack_line      NUL-terminated text sent once per line.
 * @param log           where each line is logged, or NULL.
 * @return as serve_line_acks_poll(): the number of lines answered, or -1
 *         with `errno`: `EINVAL` for a negative @p listen_fd or @p stop_fd;
 *         the error of `fcntl()` (`EBADF` for a closed @p listen_fd), of
 *         `epoll_create1()`, of `epoll_ctl()` for @p listen_fd or @p stop_fd
 *         (`EPERM` for a regular file), of `epoll_wait()` (not `EINTR`,
 *         which is retried) or of `accept()` (not `EAGAIN`, `ECONNABORTED`,
 *         `EINTR` or `EPROTO`); `ENOMEM`.
 * \~chinese
 * @brief 用 `epoll`（客户端边缘触发）为多个客户端提供文档 004 的服务，直到 @p stop_fd 可读。
 *
 * 协议、各项保证、参数和返回值都与 serve_line_acks_poll() 相同，只是用 `epoll` 实例代替数组：
 * - 实例用 `epoll_create1(EPOLL_CLOEXEC)` 创建（`exec` 启动的程序不会继承它），函数返回前在
 *   每条路径上都关闭它；
 * - @p listen_fd 和 @p stop_fd 以水平触发方式注册 `EPOLLIN`；@p stop_fd 挂断或出错和收到一个
 *   字节一样结束循环；
 * - 每个客户端 socket 都设为非阻塞（`O_NONBLOCK`），并以<b>边缘触发</b>方式注册一次：
 *   `EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET`。一个事件只说明有东西变了，所以每个事件之后
 *   服务端都要一直读到 `recv()` 以 `EAGAIN` 失败（一次发来 64 KiB 的客户端会得到全部应答），
 *   一直发到应答发完或 `send()` 以 `EAGAIN` 失败（下一个 `EPOLLOUT` 边沿会说明何时继续）。
 *   背压让服务端停止读取时，它要记住还有输入在等，等客户端取走应答后接着读：不会再有新事件
 *   来提醒它；
 * - 事件中带 `EPOLLHUP` 或 `EPOLLERR` 的客户端会被最后读一次，然后关闭。
 *
 * @param listen_fd     监听 socket，描述符号不限。
 * @param stop_fd       一个描述符，例如管道的读端：它变为可读或挂断时循环结束。它必须是
 *                      `epoll` 能监视的东西（管道或 socket，不能是普通文件）。
 * @param greeting_line 发给每个新客户端的文本，以 NUL 结尾。
 * @param ack_line      每行发送一次的文本，以 NUL 结尾。
 * @param log           记录每一行的地方，或 NULL。
 * @return 同 serve_line_acks_poll()：应答的行数，或 -1 并设置 `errno`：@p listen_fd 或
 *         @p stop_fd 为负时是 `EINVAL`；`fcntl()` 的错误（已关闭的 @p listen_fd 得到
 *         `EBADF`）、`epoll_create1()` 的错误、对 @p listen_fd 或 @p stop_fd 调用 `epoll_ctl()`
 *         的错误（普通文件得到 `EPERM`）、`epoll_wait()` 的错误（`EINTR` 除外，会重试）或
 *         `accept()` 的错误（`EAGAIN`、`ECONNABORTED`、`EINTR`、`EPROTO` 除外）；`ENOMEM`。
 * \~
 * @par PHP
 * No PHP socket function uses `epoll`: `socket_select()` is the only
 * multiplexer the documents' PHP offers, and it is built on `select()`.
 */
long serve_line_acks_epoll(int listen_fd, int stop_fd, const char *greeting_line,
                           const char *ack_line, FILE *log);

#endif
