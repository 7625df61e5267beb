/* accept.h — lesson 04: accept connections, name the peer, connect, serve greetings. */
#ifndef LABS_ACCEPT_H
#define LABS_ACCEPT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/**
 * @file accept.h
 * \~english
 * @brief Lesson 04-accept: `accept()`, `getpeername()`, `connect()` and the greeting server.
 *
 * A listening socket never carries data. Each time a client completes the
 * TCP handshake, the kernel puts a new connection in the listener's queue;
 * `accept()` takes the oldest one out and hands back a *new* descriptor for
 * talking to that one client, while the listener keeps waiting for more.
 * `getpeername()` tells who is on the other end, and `connect()` is the
 * client's side of the same handshake.
 *
 * The lesson ends with the server of documents 000 and 001: per client it
 * sends a greeting, reads one message, logs it and hangs up, five times.
 *
 * Conventions: failure is -1 with `errno` set by the call that failed, and
 * nothing opened by the function is left open. An endpoint string is
 * `"ip:port"` for IPv4 (`"127.0.0.1:52814"`) and `"[ip]:port"` for IPv6
 * (`"[::1]:52814"`), port in decimal; a function that writes one into a
 * buffer of @c cap bytes fails with `ENOSPC` when the text and its NUL do
 * not fit, and then sets the buffer to `""` when @c cap > 0.
 *
 * @see @ref lesson04 (the lesson text), @ref phpmap (PHP to C).
 * \~chinese
 * @brief 第 04 课 accept：`accept()`、`getpeername()`、`connect()` 和问候服务端。
 *
 * 监听 socket 本身从不收发数据。每当一个客户端完成 TCP 握手，
 * 内核就把一个新连接放进监听 socket 的队列；`accept()` 取出最早的那个连接，
 * 交回一个<em>新的</em>描述符，专门用来和这一个客户端通信，监听 socket
 * 则继续等待更多的客户端。`getpeername()` 告诉你另一端是谁，`connect()`
 * 则是同一次握手的客户端一侧。
 *
 * 本课最后实现文档 000 和 001 中的服务端：对每个客户端，发送问候语，
 * 读一条消息，记入日志，然后挂断，一共五次。
 *
 * 约定：失败时返回 -1，`errno` 由失败的那个调用设置，
 * 函数自己打开的东西不会留着不关。端点字符串对 IPv4 是
 * `"ip:port"`（`"127.0.0.1:52814"`），对 IPv6 是
 * `"[ip]:port"`（`"[::1]:52814"`），端口用十进制；把端点写进 @c cap
 * 字节缓冲区的函数，在文本加上结尾的 NUL 放不下时以 `ENOSPC` 失败，并且在
 * @c cap > 0 时把缓冲区设为 `""`。
 *
 * @see @ref lesson04 （课文）、@ref phpmap （PHP 到 C）。
 */

/**
 * \~english
 * Most bytes serve_greetings() reads per client: the documents' `socket_read($msgsock, 8192)`.
 * \~chinese
 * serve_greetings() 对每个客户端最多读取的字节数：即文档中的
 * `socket_read($msgsock, 8192)`。
 */
#define GREETING_READ_MAX 8192

/**
 * \~english
 * What serve_greetings() writes to the log before each client's message: the documents' text.
 * \~chinese
 * serve_greetings() 在每个客户端的消息之前写进日志的文字：即文档中的原文。
 */
#define GREETING_LOG_PREFIX "收到的信息:"

/**
 * \~english
 * @brief Accepts one connection from a listening socket and names the peer.
 *
 * Calls `accept()` and blocks until a client is there (unless @p listen_fd
 * is non-blocking). Two failures are not the caller's business and are
 * retried: `EINTR` (a signal arrived while waiting) and `ECONNABORTED` (a
 * client gave up between its handshake and this call; the next one may be
 * fine). Every other error is returned.
 *
 * When @p peer is not NULL, the client's endpoint is written there, for
 * example `"127.0.0.1:52814"` (the port in host order, decimal) or
 * `"[::1]:52814"`. If it does not fit in @p peer_cap bytes (NUL included),
 * the new connection is closed at once (the client sees the connection
 * end), @p peer is set to `""` when @p peer_cap > 0, and the call fails with
 * `ENOSPC`. With @p peer NULL, @p peer_cap is ignored.
 *
 * @param listen_fd a socket on which listen() was called.
 * @param peer      receives the client's endpoint, or NULL if not wanted.
 * @param peer_cap  size of @p peer in bytes; `"127.0.0.1:65535"` needs 16,
 *                  an IPv6 endpoint up to 54.
 * @return the connected descriptor (>= 0), which the caller must close; or
 *         -1 with `errno`: `EAGAIN` when @p listen_fd is non-blocking and no
 *         client is waiting (at once, no waiting), `EINVAL` when it is not
 *         listening, `EBADF`, `ENOTSOCK`, `EMFILE`, ... from `accept()`;
 *         `ENOSPC` as above; `EAFNOSUPPORT` when @p peer is wanted and the
 *         listener is neither IPv4 nor IPv6 (the connection is closed).
 * @par PHP
 * `socket_accept($socket)`, followed by `socket_getpeername($msgsock, $ip, $port)`.
 * \~chinese
 * @brief 从监听 socket 接受一个连接，并给出对端的端点。
 *
 * 调用 `accept()`，一直阻塞到有客户端到来（除非 @p listen_fd
 * 是非阻塞的）。有两种失败与调用者无关，会自动重试：
 * `EINTR`（等待时来了一个信号）和 `ECONNABORTED`（某个客户端在完成握手之后、
 * 本次调用之前放弃了；下一个可能没事）。其他错误都返回给调用者。
 *
 * @p peer 不为 NULL 时，客户端的端点写到那里，例如
 * `"127.0.0.1:52814"`（端口已转成主机字节序，用十进制）或 `"[::1]:52814"`。
 * 如果在 @p peer_cap 个字节（含 NUL）里放不下，
 * 新连接立即关闭（客户端看到连接结束），@p peer_cap > 0 时 @p peer 设为
 * `""`，调用以 `ENOSPC` 失败。@p peer 为 NULL 时忽略 `peer_cap`。
 *
 * @param listen_fd 已经调用过 listen() 的 socket。
 * @param peer      接收客户端的端点；不需要时传 NULL。
 * @param peer_cap  @p peer 的字节数；`"127.0.0.1:65535"` 需要 16 字节，IPv6
 *                  端点最多需要 54 字节。
 * @return 已连接的描述符（>= 0），由调用者负责关闭；或者 -1 并设置
 *         `errno`：@p listen_fd 是非阻塞的而且没有客户端在等时为
 *         `EAGAIN`（立即返回，不等待），它没有在监听时为 `EINVAL`，还有来自
 *         `accept()` 的 `EBADF`、`ENOTSOCK`、`EMFILE` 等；`ENOSPC` 见上文；需要
 *         @p peer 而监听 socket 既不是 IPv4 也不是 IPv6 时为
 *         `EAFNOSUPPORT`（连接已关闭）。
 * @par PHP
 * `socket_accept($socket)`，随后 `socket_getpeername($msgsock, $ip, $port)`。
 */
int accept_client(int listen_fd, char *peer, size_t peer_cap);

/**
 * \~english
 * @brief Writes the endpoint of the other end of a connected socket.
 *
 * `getpeername()`, formatted as `"127.0.0.1:52814"` or `"[::1]:52814"`.
 * On the server's side of a connection that is the client's address and
 * port; on a client's side, the server's.
 *
 * @param fd  a connected socket.
 * @param buf receives the endpoint text.
 * @param cap size of @p buf in bytes (NUL included).
 * @return 0, or -1 with `errno`: `ENOTCONN` when @p fd is not connected,
 *         `EBADF`, `ENOTSOCK` from `getpeername()`; `ENOSPC` when the text
 *         does not fit (then @p buf is `""` if @p cap > 0); `EAFNOSUPPORT`
 *         for a socket that is neither IPv4 nor IPv6 (an `AF_UNIX` pair).
 * \~chinese
 * @brief 写出已连接 socket 另一端的端点。
 *
 * 即 `getpeername()` 的结果，格式为 `"127.0.0.1:52814"` 或 `"[::1]:52814"`。
 * 在连接的服务端一侧，得到的是客户端的地址和端口；在客户端一侧，
 * 得到的是服务端的。
 *
 * @param fd  已连接的 socket。
 * @param buf 接收端点文本。
 * @param cap @p buf 的字节数（含 NUL）。
 * @return 0；或者 -1 并设置 `errno`：@p fd 没有连接时为 `ENOTCONN`，还有来自
 *         `getpeername()` 的 `EBADF`、`ENOTSOCK`；文本放不下时为
 *         `ENOSPC`（此时若 @p cap > 0，`buf` 为 `""`）；socket 既不是 IPv4
 *         也不是 IPv6（例如 `AF_UNIX` socket 对）时为 `EAFNOSUPPORT`。
 * \~
 * @par PHP
 * `socket_getpeername($socket, $address, $port)`.
 */
int peer_endpoint(int fd, char *buf, size_t cap);

/**
 * \~english
 * @brief Opens a TCP connection to an IPv4 address: the client side of the documents.
 *
 * Converts @p ip with `inet_pton()` (a dotted quad such as `"127.0.0.1"`;
 * no host names), makes a TCP socket and `connect()`s it to @p ip : @p port.
 *
 * A signal can interrupt `connect()` (`EINTR`). The handshake does not stop
 * then: POSIX says it goes on in the background. So the call must not simply
 * be repeated as if nothing had happened: on many systems the second
 * `connect()` fails with `EALREADY` ("already in progress") and a later one
 * with `EISCONN` ("already connected"), neither of which is a real failure.
 * The way out is to wait with `poll()` until the socket is writable, read
 * the outcome with `getsockopt(SO_ERROR)`, and then ask `connect()` once
 * more, which confirms the connection (0 or `EISCONN`) or, if the handshake
 * never started, makes it now. This function does that, so it returns a
 * connected socket or a real error, whatever signals arrive.
 *
 * @param ip   the server's IPv4 address, dotted quad.
 * @param port the server's port, host order.
 * @return a connected descriptor (>= 0), which the caller must close; or -1
 *         with `errno`: `EINVAL` when @p ip is not a dotted quad (nothing is
 *         opened), `ECONNREFUSED` when nothing listens there, `ETIMEDOUT`,
 *         `ENETUNREACH`, `EMFILE`, ... from `socket()` or `connect()`.
 *         On failure no descriptor stays open.
 * @par PHP
 * `socket_create(AF_INET, SOCK_STREAM, SOL_TCP)` followed by
 * `socket_connect($socket, $ip, $port)`.
 * \~chinese
 * @brief 向一个 IPv4 地址建立 TCP 连接：即文档中的客户端一侧。
 *
 * 用 `inet_pton()` 转换 `ip`（点分十进制，例如 `"127.0.0.1"`；不接受主机名），
 * 创建一个 TCP socket，再用 `connect()` 把它连到 @p ip : `port`。
 *
 * 信号可能打断 `connect()`（`EINTR`）。但握手并不会因此停下：POSIX
 * 规定它在后台继续进行。所以不能若无其事地把这次调用简单重复一遍：
 * 在许多系统上，第二次 `connect()` 会以 `EALREADY`（“正在进行中”）失败，
 * 再往后一次以 `EISCONN`（“已经连上了”）失败，而这两个都不是真正的失败。
 * 解决办法是：用 `poll()` 等到 socket 可写，用 `getsockopt(SO_ERROR)`
 * 读出握手的结果，然后再调用一次 `connect()`，它要么确认连接已经建立（0 或
 * `EISCONN`），要么在握手根本没开始的情况下现在发起连接。本函数就是这样做的，
 * 所以无论来了什么信号，它返回的要么是已连接的 socket，要么是真正的错误。
 *
 * @param ip   服务端的 IPv4 地址，点分十进制。
 * @param port 服务端的端口，主机字节序。
 * @return 已连接的描述符（>= 0），由调用者负责关闭；或者 -1 并设置
 *         `errno`：@p ip 不是点分十进制时为 `EINVAL`（什么都不打开），
 *         那里没有程序在监听时为 `ECONNREFUSED`，还有来自 `socket()` 或
 *         `connect()` 的 `ETIMEDOUT`、`ENETUNREACH`、`EMFILE` 等。
 *         失败时不留下任何打开的描述符。
 * @par PHP
 * `socket_create(AF_INET, SOCK_STREAM, SOL_TCP)`，随后
 * `socket_connect($socket, $ip, $port)`。
 */
int connect_ipv4(const char *ip, uint16_t port);

/**
 * \~english
 * @brief The server of documents 000 and 001: greet each client, read one message, log it, hang up.
 *
 * For each of @p max_clients clients, one after the other:
 * 1. accept it (as accept_client() does: `EINTR` and `ECONNABORTED` retried);
 * 2. send the whole of @p greeting, however many `send()` calls it takes;
 * 3. read once, at most #GREETING_READ_MAX bytes (what arrived in that read is
 *    the client's message; an end of file or an error gives an empty one);
 * 4. when @p log is not NULL, write `收到的信息:<message>\n` to it (the
 *    prefix is #GREETING_LOG_PREFIX; the message bytes as they came, so the
 *    document's `"hello \r\n"` gives the line `"收到的信息:hello \r\n\n"`),
 *    and flush it;
 * 5. close the connection.
 *
 * A client that fails midway (it closes before reading the greeting, or
 * resets the connection) still counts as served: its connection is closed
 * and the server goes on with the next one. The process is never killed by
 * `SIGPIPE` for writing to such a client.
 *
 * With the document's values, @p greeting `"测试成功！\n"` and five clients
 * each sending `"hello \r\n"`, every client receives exactly the greeting's
 * bytes followed by the end of the connection, the log holds five lines
 * `"收到的信息:hello \r\n\n"`, and the function returns 5.
 * (The document's PHP leaves the fifth connection open; this one closes it.)
 *
 * @param listen_fd  a listening socket; it stays open.
 * @param greeting   the text sent to each client (not NULL; `""` sends nothing).
 * @param max_clients how many clients to serve; 0 returns 0 at once, without
 *                   accepting anyone.
 * @param log        where the log lines go, or NULL for no log.
 * @return the number of clients served (= @p max_clients); or -1 with
 *         `errno`: `EINVAL` when @p max_clients is negative; the error of
 *         `accept()` when accepting fails for another reason than `EINTR`
 *         or `ECONNABORTED` (`EINVAL` for a socket that is not listening,
 *         `EBADF`, ...), in which case the clients served so far are lost
 *         from the count (their connections are all closed).
 * @par PHP
 * The `do { socket_accept(); socket_write(); socket_read(); echo; socket_close(); } while (...)`
 * loop of documents 000 and 001.
 * \~chinese
 * @brief 文档 000 和 001 中的服务端：向每个客户端问好，读一条消息，记入日志，然后挂断。
 *
 * 对 @p max_clients 个客户端，一个接一个地：
 * 1. 接受它（和 accept_client() 一样：`EINTR` 和 `ECONNABORTED` 会重试）；
 * 2. 发出整个 `greeting`，不管需要调用多少次 `send()`；
 * 3. 读一次，最多 #GREETING_READ_MAX 字节（这一次读到的就是客户端的消息；
 *    读到文件结束或者出错时，消息为空）；
 * 4. @p log 不为 NULL 时，向它写入 `收到的信息:<message>\n`（前缀是
 *    #GREETING_LOG_PREFIX 的内容；消息的字节按到达时的样子原样写入，
 *    所以文档中的 `"hello \r\n"` 得到的一行是 `"收到的信息:hello \r\n\n"`），
 *    然后刷新它；
 * 5. 关闭连接。
 *
 * 中途失败的客户端（还没读问候语就关闭了，或者重置了连接）也算服务过：
 * 它的连接被关闭，服务端接着服务下一个。进程绝不会因为向这样的客户端写数据而被
 * `SIGPIPE` 杀死。
 *
 * 取文档中的值：@p greeting 为 `"测试成功！\n"`，五个客户端各发送
 * `"hello \r\n"`。这时每个客户端恰好收到问候语的字节，然后是连接结束；
 * 日志中有五行 `"收到的信息:hello \r\n\n"`；函数返回 5。（文档中的 PHP
 * 没有关闭第五个连接；本函数会关闭它。）
 *
 * @param listen_fd  监听 socket；它保持打开。
 * @param greeting   发给每个客户端的文本（不能为 NULL；`""` 表示什么都不发）。
 * @param max_clients 要服务多少个客户端；为 0 时立即返回 0，不接受任何客户端。
 * @param log        日志行写到哪里；传 NULL 表示不记日志。
 * @return 服务过的客户端数（即 @p max_clients 个）；或者 -1 并设置
 *         `errno`：@p max_clients 为负数时为 `EINVAL`；接受连接因
 *         `EINTR`、`ECONNABORTED` 以外的原因失败时，为 `accept()`
 *         的错误（socket 没有在监听时为 `EINVAL`，还有 `EBADF`
 *         等），这时已经服务过的客户端不再计入（它们的连接都已关闭）。
 * @par PHP
 * 文档 000 和 001 中的循环：
 * `do { socket_accept(); socket_write(); socket_read(); echo; socket_close(); } while (...)`。
 */
long serve_greetings(int listen_fd, const char *greeting, int max_clients, FILE *log);

#endif
