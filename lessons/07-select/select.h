/* select.h — lesson 07: wait on descriptors with select(), serve many clients in one thread. */
#ifndef LABS_SELECT_H
#define LABS_SELECT_H

#include <stdio.h>

/**
 * @file select.h
 * \~english
 * @brief Lesson 07-select: `select()`, `fd_set`, `FD_SETSIZE`, writes that never wait.
 *
 * Document 004's server talks to one client at a time: while it waits in
 * `socket_read()` for one client's next line, every other client waits
 * too. `select()` turns the question around: the server hands the kernel
 * the set of descriptors it cares about and sleeps until at least one of
 * them is ready, then serves exactly those, without ever waiting on a
 * single client.
 *
 * - wait_readable() waits for one descriptor, with a time limit that
 *   signals do not stretch.
 * - serve_line_acks_select() is document 004's protocol for many clients
 *   at once, in one thread.
 *
 * Three rules of `select()` that this lesson's tests check:
 * - `nfds` is the highest descriptor in the sets **plus one**;
 * - `select()` overwrites the sets (and, on Linux, the timeout) it is
 *   given, so they are built again before every call;
 * - an `fd_set` holds descriptors 0 to `FD_SETSIZE - 1` only (`FD_SETSIZE` is 1024):
 *   `FD_SET()` of a larger one writes past the end of the set.
 *
 * @see @ref lesson07 (the lesson text), @ref phpmap (PHP to C).
 * \~chinese
 * @brief 第 07 课 select：`select()`、`fd_set`、`FD_SETSIZE`、从不等待的写操作。
 *
 * 文档 004 的服务端一次只和一个客户端说话：它在 `socket_read()` 里等某个客户端的下一行时，
 * 其他所有客户端也都跟着等。`select()` 把问题反过来问：服务端把它关心的描述符集合交给内核，
 * 一直睡到其中至少一个就绪，然后只服务这几个，从不在某一个客户端身上等待。
 *
 * - wait_readable() 等待一个描述符，时限不会被信号拉长。
 * - serve_line_acks_select() 在一个线程里同时为多个客户端实现文档 004 的协议。
 *
 * 本课的测试检查 `select()` 的三条规则：
 * - `nfds` 是集合中最大的描述符<b>再加一</b>；
 * - `select()` 会改写传给它的集合（在 Linux 上还有超时参数），
 *   所以每次调用之前都要重新构建集合；
 * - 一个 `fd_set` 只放得下 0 到 `FD_SETSIZE - 1` 的描述符（`FD_SETSIZE` 为 1024）：
 *   对更大的描述符调用 `FD_SET()` 会写到集合外面去。
 *
 * @see @ref lesson07 （课文）、@ref phpmap （PHP 到 C）。
 */

/**
 * \~english
 * Longest piece of a line serve_line_acks_select() answers at once:
 * document 004 reads with `socket_read($connection, 1024, PHP_NORMAL_READ)`,
 * so a longer line is answered once per 1024 bytes.
 * \~chinese
 * serve_line_acks_select() 一次应答的一段行的最大长度：文档 004 用
 * `socket_read($connection, 1024, PHP_NORMAL_READ)`
 * 读取，所以更长的行每 1024 字节应答一次。
 */
#define SELECT_LINE_MAX 1024

/**
 * \~english
 * @brief Waits until @p fd is readable, or until @p timeout_ms milliseconds have passed.
 *
 * Uses `select()` with a set holding only @p fd, so `nfds` is `fd + 1`.
 * "Readable" means a `read()` would not wait: data has arrived, the peer
 * has closed (the read would return 0), an error is pending, or, on a
 * listening socket, a connection is waiting for `accept()`.
 *
 * A signal that interrupts the wait (`select()` fails with `EINTR`) does
 * not end it: the set is built again and the wait goes on for the time
 * that is **left** until the deadline (measured on the monotonic clock),
 * not for the whole @p timeout_ms again, so signals arriving every few
 * milliseconds cannot make the call wait longer than asked.
 *
 * @param fd         the descriptor to watch; it must fit in an `fd_set`
 *                   (0 to `FD_SETSIZE - 1`).
 * @param timeout_ms how long to wait at most, in milliseconds; 0 only
 *                   looks and returns at once; a negative value waits
 *                   without limit.
 * @return 1 when @p fd is readable, 0 when the time ran out first, or -1
 *         with `errno`: `EINVAL` when @p fd is negative or not below
 *         `FD_SETSIZE` (checked before any `FD_SET()`, which would write
 *         past the set), `EBADF` when @p fd is not open, or the error of
 *         `select()` or `clock_gettime()`.
 * @par PHP
 * `socket_select($read, $write, $except, $sec, $usec)` with one socket in
 * `$read`; PHP returns the number of ready sockets and rewrites `$read`
 * just as `select()` rewrites its `fd_set`.
 * \~chinese
 * @brief 等待 @p fd 变为可读，或者等满 @p timeout_ms 毫秒。
 *
 * 用只含 @p fd 的集合调用 `select()`，所以 `nfds` 是 `fd + 1`。“可读”的意思是 `read()`
 * 不会等待：数据已经到达，对端已经关闭（读会返回 0），有待处理的错误，或者在监听 socket
 * 上有连接在等待 `accept()`。
 *
 * 打断等待的信号（`select()` 以 `EINTR` 失败）不会结束等待：重新构建集合，
 * 继续等到截止时刻为止<b>剩下</b>的时间（按单调时钟计量），而不是重新等满 @p timeout_ms
 * 的全部时间，所以每隔几毫秒来一个信号，也不能让调用等得比要求的更久。
 *
 * @param fd         要监视的描述符；它必须放得进 `fd_set`（0 到 `FD_SETSIZE - 1`）。
 * @param timeout_ms 最多等多久，单位毫秒；0 表示只看一眼，立即返回；负值表示不限时地等。
 * @return @p fd 可读时返回 1，先到时限时返回 0；失败时返回 -1，`errno` 为：@p fd
 *         为负或不小于 `FD_SETSIZE` 时为 `EINVAL`（在任何 `FD_SET()` 之前检查，
 *         否则会写到集合外面），@p fd 未打开时为 `EBADF`，或者是 `select()` 或
 *         `clock_gettime()` 的错误。
 * @par PHP
 * `socket_select($read, $write, $except, $sec, $usec)`，`$read` 里只放一个 socket；PHP
 * 返回就绪 socket 的个数，并改写 `$read`，正如 `select()` 改写它的 `fd_set`。
 */
int wait_readable(int fd, int timeout_ms);

/**
 * \~english
 * @brief Document 004's server for many clients in one thread, until @p stop_fd is readable.
 *
 * One `select()` loop watches @p listen_fd (a new client), @p stop_fd (time
 * to stop) and every client. Each client gets what document 004's server
 * gives one client:
 * - @p greeting_line (the document's `"Connect\n"`) as soon as it is accepted;
 * - one @p ack_line (`"Information received\n"`) per line, in order. Lines
 *   are split as `PHP_NORMAL_READ` splits them: a line ends at a newline
 *   `\n` or at a carriage return `\r` and includes it (so `"x\r\n"` is two
 *   lines, `"x\r"` and `"\n"`); a line longer than #SELECT_LINE_MAX bytes is
 *   answered once per piece of #SELECT_LINE_MAX bytes;
 * - when @p log is not NULL, `"Buffer: <line>\n"` written to @p log for each
 *   line, before its answer (`<line>` keeps its terminator, so
 *   `"SOME data\n"` is logged as `"Buffer: SOME data\n\n"`). The lines of
 *   one client appear in the order it sent them.
 *
 * No client can hold up the others:
 * - a client that sends nothing, or half a line, is simply not ready: the
 *   server keeps what has arrived and answers the line when its end comes;
 * - the server never waits on a write: it sends with `MSG_DONTWAIT` and
 *   remembers, per client, what the socket could not take yet (the rest of
 *   the greeting, and how many answers it still owes), then sends it when
 *   `select()` reports the client writable. A client that does not read its
 *   answers makes the server stop reading its lines once a few dozen
 *   answers are waiting for it (back-pressure): its unread lines stay in
 *   the kernel's buffers and only that client slows down.
 *
 * A client that shuts down its sending side (EOF) still gets every answer:
 * a last line without terminator counts as a line (as PHP's read returns
 * it), is logged and answered; the server closes the connection once all
 * its answers are sent. A client that fails (`ECONNRESET`, `EPIPE`) is
 * closed at once. A new connection whose descriptor does not fit in an
 * `fd_set` (`>= FD_SETSIZE`) is closed right after `accept()`. Errors of
 * single clients never end the loop.
 *
 * While it runs, @p listen_fd is non-blocking, so that a client that gives
 * up between `select()` and `accept()` cannot block the loop; its file
 * flags are restored before the function returns. @p listen_fd and
 * @p stop_fd are never closed, and @p stop_fd is never read: the byte that
 * made it readable is still there afterwards.
 *
 * @param listen_fd     a listening socket (0 to `FD_SETSIZE - 1`).
 * @param stop_fd       a descriptor (0 to `FD_SETSIZE - 1`), for example a
 *                      pipe's read end: the loop ends when it becomes readable.
 * @param greeting_line NUL-terminated text sent to every new client.
 * @param ack_line      NUL-terminated text sent once per line.
 * @param log           where each line is logged, or NULL. Logging is a
 *                      report: if writing to @p log fails, the clients are
 *                      still served.
 * @return the number of lines answered, all clients together (an answer
 *         queued for a client that vanished before it was sent still
 *         counts), once @p stop_fd is readable; every client connection is
 *         then closed (answers not yet sent are dropped). -1 with `errno`
 *         on failure, with every client closed and the flags of
 *         @p listen_fd restored: `EINVAL` when @p listen_fd or @p stop_fd is
 *         negative or not below `FD_SETSIZE`; the error of `fcntl()`
 *         (`EBADF` for a closed @p listen_fd), of `select()` (not `EINTR`,
 *         which is retried), of `accept()` (not `EAGAIN`, `ECONNABORTED`,
 *         `EINTR` or `EPROTO`, which only mean that this client is gone:
 *         the loop goes on), or `ENOMEM`.
 * @par PHP
 * `socket_select()` in a loop over `socket_accept()`, `socket_read()` and
 * `socket_write()`: the multi-client form of document 004's server, which
 * the document's own loop cannot be.
 * \~chinese
 * @brief 在一个线程里为多个客户端运行文档 004 的服务端，直到 @p stop_fd 变为可读。
 *
 * 一个 `select()` 循环监视 @p listen_fd （有新客户端）、@p stop_fd （该停止了）
 * 和每一个客户端。每个客户端得到的，正是文档 004 的服务端给一个客户端的：
 * - 一被接受就收到 @p greeting_line （即文档里的 `"Connect\n"`）；
 * - 每一行按顺序得到一个 @p ack_line （`"Information received\n"`）。分行方式和
 *   `PHP_NORMAL_READ` 相同：一行在换行符 `\n` 或回车符 `\r` 处结束，并且包含这个字符（所以
 *   `"x\r\n"` 是两行：`"x\r"` 和 `"\n"`）；超过 #SELECT_LINE_MAX 字节的行，
 *   每 #SELECT_LINE_MAX 字节一段，分别应答；
 * - @p log 不为 NULL 时，每一行在应答之前往 @p log 写一条 `"Buffer: <line>\n"`（`<line>`
 *   保留行尾字符，所以 `"SOME data\n"` 记为 `"Buffer: SOME data\n\n"`）。
 *   同一个客户端的行按它发送的顺序出现。
 *
 * 任何客户端都拖不住别的客户端：
 * - 什么都不发、或者只发了半行的客户端只是没有就绪：服务端留着已经到达的内容，
 *   等行尾来了再应答这一行；
 * - 服务端从不在写操作上等待：它用 `MSG_DONTWAIT` 发送，为每个客户端记住 socket
 *   暂时还收不下的部分（问候语剩下的部分，以及还欠几个应答），等 `select()`
 *   报告这个客户端可写时再发。客户端不读应答的话，一旦有几十个应答在等它，
 *   服务端就不再读它的行（背压）：它没被读取的行留在内核的缓冲区里，
 *   慢下来的只有这个客户端。
 *
 * 半关闭了发送方向（EOF）的客户端仍会收到所有应答：没有行尾的最后一段也算一行（PHP
 * 的读取也会把它返回），照样记入日志并应答；它的应答全部发出后，服务端关闭连接。
 * 出错的客户端（`ECONNRESET`、`EPIPE`）立即被关闭。描述符放不进 `fd_set`（`>= FD_SETSIZE`）
 * 的新连接在 `accept()` 之后立即被关闭。单个客户端的错误从不结束循环。
 *
 * 运行期间 @p listen_fd 是非阻塞的，这样在 `select()` 和 `accept()`
 * 之间放弃的客户端就卡不住循环；函数返回前会恢复它的文件标志。@p listen_fd 和 @p stop_fd
 * 从不被关闭，@p stop_fd 也从不被读取：让它变为可读的那个字节事后仍在那里。
 *
 * @param listen_fd     监听 socket（0 到 `FD_SETSIZE - 1`）。
 * @param stop_fd       一个描述符（0 到 `FD_SETSIZE - 1`），例如管道的读端：
 *                      它变为可读时循环结束。
 * @param greeting_line 以 NUL 结尾的文本，发给每个新客户端。
 * @param ack_line      以 NUL 结尾的文本，每一行发一次。
 * @param log           每一行记录到这里，或为 NULL。日志只是一种报告：写 @p log 失败时，
 *                      客户端照样得到服务。
 * @return @p stop_fd 变为可读时，返回所有客户端加在一起应答的行数（已经为某个客户端排好、
 *         但它在发出前就消失了的应答也算在内）；
 *         这时每个客户端连接都被关闭（尚未发出的应答被丢弃）。失败时返回 -1 并设置
 *         `errno`，所有客户端都已关闭，@p listen_fd 的标志已经恢复：@p listen_fd 或
 *         @p stop_fd 为负或不小于 `FD_SETSIZE` 时为 `EINVAL`；或者是 `fcntl()`
 *         的错误（@p listen_fd 已关闭时为 `EBADF`）、`select()` 的错误（`EINTR`
 *         除外，它会重试）、`accept()` 的错误（`EAGAIN`、`ECONNABORTED`、`EINTR`、`EPROTO`
 *         除外，它们只说明这个客户端已经走了：循环继续），或者 `ENOMEM`。
 * @par PHP
 * 在循环里用 `socket_select()` 配合 `socket_accept()`、`socket_read()` 和
 * `socket_write()`：这是文档 004 服务端的多客户端形式，文档自己的循环做不到这一点。
 */
long serve_line_acks_select(int listen_fd, int stop_fd, const char *greeting_line,
                            const char *ack_line, FILE *log);

#endif
