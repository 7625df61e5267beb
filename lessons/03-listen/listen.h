/* listen.h — lesson 03: make a socket listen, ask whether it listens, build a listener. */
#ifndef LABS_LISTEN_H
#define LABS_LISTEN_H

#include <stdint.h>

/**
 * @file listen.h
 * \~english
 * @brief Lesson 03-listen: `listen()`, `getsockopt(SO_ACCEPTCONN)`, a listener in one call.
 *
 * A bound TCP socket still refuses every connection. `listen()` tells the
 * kernel to accept them on the program's behalf: from then on the kernel
 * finishes each client's three-way handshake by itself and parks the new
 * connection in the *accept queue*, where it waits until the program calls
 * `accept()` (lesson 04). The *backlog* argument of `listen()` is the length
 * the program asks for that queue; Linux caps it at
 * `/proc/sys/net/core/somaxconn`. A client's `connect()` therefore completes
 * before the server has called `accept()`.
 *
 * A socket that listens is a *listening socket* for good: it never carries
 * data itself, and `getsockopt(SO_ACCEPTCONN)` reports it.
 *
 * On Linux the backlog can be read back: `getsockopt(fd, IPPROTO_TCP,
 * TCP_INFO, ...)` on a listening socket stores the backlog in
 * `tcpi_sacked` and the number of connections waiting in the accept queue
 * in `tcpi_unacked`. The tests use this to check that the backlog you were
 * given is the one `listen()` received.
 *
 * Every function returns -1 with `errno` set by the call that failed, and
 * leaves nothing open that it opened.
 *
 * @see @ref lesson03 (the lesson text), @ref phpmap (PHP to C).
 * \~chinese
 * @brief 第 03 课 listen：`listen()`、`getsockopt(SO_ACCEPTCONN)`、一次调用建好监听 socket。
 *
 * 已绑定的 TCP socket 仍会拒绝所有连接。`listen()` 让内核替程序接受连接：从这以后，
 * 内核自己和每个客户端完成三次握手，并把新连接放进<em>接受队列</em>（accept queue），
 * 连接就在那里等着，直到程序调用 `accept()`（第 04 课）。`listen()` 的 <em>backlog</em>
 * 参数是程序希望这个队列有多长；Linux 会把它限制在 `/proc/sys/net/core/somaxconn`
 * 以内。因此，客户端的 `connect()` 在服务端调用 `accept()` 之前就已经完成。
 *
 * 开始监听的 socket 从此就是<em>监听 socket</em>：它自己从不传输数据，
 * `getsockopt(SO_ACCEPTCONN)` 可以报告这一点。
 *
 * 在 Linux 上可以读回 backlog：对监听 socket 调用
 * `getsockopt(fd, IPPROTO_TCP, TCP_INFO, ...)`，会把 backlog 存进 `tcpi_sacked`，
 * 把接受队列里正在等待的连接数存进 `tcpi_unacked`。测试就用它来检查 `listen()` 收到的
 * backlog 正是传给你的那个。
 *
 * 每个函数失败时都返回 -1，`errno` 由失败的那个调用设置，而且不会留下任何由它打开的东西。
 *
 * @see @ref lesson03 （课文）、@ref phpmap （PHP 到 C）。
 */

/**
 * \~english
 * @brief Makes a socket listen for connections: `listen(fd, backlog)`.
 *
 * The socket should be bound first (lesson 02); a stream socket that is not
 * bound gets a kernel-chosen port on every address, which is rarely what a
 * server wants. Calling it again on a listening socket changes the backlog.
 *
 * @param fd      a TCP (or other stream) socket, normally bound.
 * @param backlog the length of the accept queue to ask for, passed to
 *                `listen()` unchanged (the kernel caps it at `somaxconn`;
 *                document 003's PHP uses 32, documents 001 and 002 use 4).
 * @return 0, or -1 with `errno` from `listen()`: `EBADF` (not an open
 *         descriptor), `ENOTSOCK` (a pipe or file), `EOPNOTSUPP` (a UDP
 *         socket: datagram sockets have no connections to accept),
 *         `EADDRINUSE` (another socket already listens on that port).
 *         The descriptor stays open either way: it belongs to the caller.
 * \~chinese
 * @brief 让 socket 监听连接：`listen(fd, backlog)`。
 *
 * socket 应当先绑定（第 02 课）；未绑定的流式 socket
 * 会在所有地址上得到一个由内核选择的端口，这很少是服务端想要的。对已在监听的 socket
 * 再调用一次，会改变 backlog。
 *
 * @param fd      TCP（或其他流式）socket，通常已经绑定。
 * @param backlog 希望的接受队列长度，原样传给 `listen()`（内核会把它限制在 `somaxconn`
 *                以内；文档 003 的 PHP 用 32，文档 001 和 002 用 4）。
 * @return 0；失败时返回 -1，`errno` 来自 `listen()`：`EBADF`（不是打开的描述符）、
 *         `ENOTSOCK`（管道或文件）、`EOPNOTSUPP`（UDP socket：数据报 socket
 *         没有可接受的连接）、`EADDRINUSE`（另一个 socket 已经在这个端口上监听）。
 *         无论成败，描述符都保持打开：它属于调用者。
 * \~
 * @par PHP
 * `socket_listen($socket, $backlog)`
 */
int start_listening(int fd, int backlog);

/**
 * \~english
 * @brief Tells whether a socket is listening: `getsockopt(SO_ACCEPTCONN)`.
 *
 * @param fd the descriptor to ask.
 * @return 1 if @p fd is a listening socket; 0 for any other socket (new,
 *         bound, connected, accepted, UDP); -1 with `errno` from
 *         `getsockopt()` when it cannot be asked: `EBADF` (not open),
 *         `ENOTSOCK` (not a socket).
 * @note The answer is the option's *value*, which `getsockopt()` stores
 *       through its pointer argument; what `getsockopt()` itself returns
 *       (0) only says that asking worked.
 * @par PHP
 * No PHP function asks this; from outside, `netstat -an` shows such a socket
 * in the state `LISTEN` (document 004).
 * \~chinese
 * @brief 判断 socket 是否在监听：`getsockopt(SO_ACCEPTCONN)`。
 *
 * @param fd 要查询的描述符。
 * @return @p fd 是监听 socket 时返回 1；是其他任何 socket（新建、已绑定、已连接、accept
 *         得到的、UDP）时返回 0；无法查询时返回 -1，`errno` 来自 `getsockopt()`：
 *         `EBADF`（未打开）、`ENOTSOCK`（不是 socket）。
 * @note 答案是选项的<em>值</em>，由 `getsockopt()` 通过它的指针参数写入；`getsockopt()`
 *       本身的返回值（0）只说明查询成功了。
 * @par PHP
 * 没有 PHP 函数能问这个；从外部看，`netstat -an` 会把这样的 socket 显示为 `LISTEN`
 * 状态（文档 004）。
 */
int is_listening(int fd);

/**
 * \~english
 * @brief Makes a listening TCP socket on @p ip : @p port in one call.
 *
 * Does what document 003's `strace` shows PHP's `stream_socket_server()`
 * doing, in the same order:
 * `socket(AF_INET, SOCK_STREAM, 0)`, `setsockopt(SO_REUSEADDR, 1)`, `bind()`
 * to @p ip : @p port, `listen(fd, backlog)`. `SO_REUSEADDR` comes before
 * `bind()` because it is `bind()` that looks at it: it lets a restarted
 * server bind its port while connections of the previous run are still in
 * `TIME_WAIT`.
 *
 * On any failure it closes the socket it opened and returns -1 with `errno`
 * as set by the call that failed (saved before that `close()`, which may
 * change `errno` even when it succeeds).
 *
 * @param ip      an IPv4 address as a dotted quad (`"127.0.0.1"`); anything
 *                else (a host name, an IPv6 address, `"127.0.0.1:80"`, or
 *                `"127.1"` and `"127.0.0.1 "`, which `inet_aton()` would
 *                accept) is rejected with `EINVAL`, and no socket is left
 *                open.
 * @param port    the port in host byte order; 0 lets the kernel choose one
 *                (read it back with `getsockname()`).
 * @param backlog passed to `listen()` unchanged, as in start_listening().
 * @return the listening descriptor (>= 0), or -1 with `errno`: `EINVAL` (bad
 *         @p ip), `EMFILE`/`ENFILE` (from `socket()`), `ENOBUFS`/`ENOMEM`
 *         (from `setsockopt()`), `EADDRINUSE` (another socket listens on that
 *         address and port), `EACCES` (a port below 1024 without privilege),
 *         `EADDRNOTAVAIL` (@p ip is not an address of this machine), or
 *         whatever `listen()` reports.
 * @par PHP
 * `socket_create_listen($port, $backlog)`, which binds every address
 * (`0.0.0.0`) where this function takes the address, and does not set
 * `SO_REUSEADDR`; or `stream_socket_server("tcp://ip:port")`, whose `strace`
 * in document 003 is exactly this sequence with a backlog of 32.
 * \~chinese
 * @brief 一次调用在 @p ip : @p port 上建好监听的 TCP socket。
 *
 * 做的正是文档 003 的 `strace` 里 PHP 的 `stream_socket_server()` 所做的事，顺序也相同：
 * `socket(AF_INET, SOCK_STREAM, 0)`、`setsockopt(SO_REUSEADDR, 1)`、`bind()` 到
 * @p ip : @p port 上、`listen(fd, backlog)`。`SO_REUSEADDR` 要在 `bind()` 之前设置，
 * 因为查看它的正是 `bind()`：它让重启的服务端在上一次运行留下的连接还处于 `TIME_WAIT`
 * 时也能绑定自己的端口。
 *
 * 任何一步失败，它都关闭自己打开的 socket，返回 -1，`errno` 是失败的那个调用设置的（在
 * `close()` 之前保存好，因为 `close()` 即使成功也可能改动 `errno`）。
 *
 * @param ip      点分十进制的 IPv4 地址（`"127.0.0.1"`）；其他任何文本（主机名、IPv6 地址、
 *                `"127.0.0.1:80"`，以及 `inet_aton()` 会接受的 `"127.1"` 和
 *                `"127.0.0.1 "`）都以 `EINVAL` 拒绝，而且不会留下打开的 socket。
 * @param port    主机字节序的端口；0 让内核选择一个（用 `getsockname()` 读回）。
 * @param backlog 原样传给 `listen()`，与 start_listening() 相同。
 * @return 监听描述符（>= 0）；失败时返回 -1，`errno` 为：`EINVAL`（@p ip 不合法）、
 *         `EMFILE`/`ENFILE`（来自 `socket()`）、`ENOBUFS`/`ENOMEM`（来自 `setsockopt()`）、
 *         `EADDRINUSE`（另一个 socket 在这个地址和端口上监听）、
 *         `EACCES`（没有权限却要用 1024 以下的端口）、`EADDRNOTAVAIL`（@p ip
 *         不是本机的地址），或者 `listen()` 报告的任何错误。
 * @par PHP
 * `socket_create_listen($port, $backlog)`，不过它绑定所有地址（`0.0.0.0`），
 * 而本函数由参数指定地址，它也不设置 `SO_REUSEADDR`；或者
 * `stream_socket_server("tcp://ip:port")`，它在文档 003 里的 `strace` 正是这个调用序列，
 * backlog 为 32。
 */
int create_listener(const char *ip, uint16_t port, int backlog);

#endif
