/* stream.h — lesson 09: PHP's stream_socket_* functions rebuilt from the system calls they make. */
#ifndef LABS_STREAM_H
#define LABS_STREAM_H

#include <stddef.h>
#include <stdio.h>

/**
 * @file stream.h
 * \~english
 * @brief Lesson 09-stream-api: a server, an accept with a timeout and a client from one URI, as
 * PHP's `stream_socket_server()`, `stream_socket_accept()` and `stream_socket_client()`.
 *
 * PHP's stream functions hide the socket calls of lessons 01-08 behind one
 * string, the URI `"tcp://127.0.0.1:12345"`. Document 003 ran them under
 * `strace`, which shows what each one really does. This lesson makes the
 * same calls in the same order:
 *
 * <table>
 * <tr><th>PHP</th><th>system calls (document 003)</th></tr>
 * <tr><td>`stream_socket_server("tcp://0.0.0.0:12345")`</td>
 * <td>`socket`, `setsockopt(SO_REUSEADDR, 1)`, `bind`, `listen(fd, 32)`</td></tr>
 * <tr><td>`stream_socket_accept($sock, -1, $peer)`</td><td>`poll(POLLIN)`, `accept`</td></tr>
 * <tr><td>`stream_socket_client("tcp://127.0.0.1:12345")`</td>
 * <td>`socket`, `fcntl(F_GETFL)`, `fcntl(F_SETFL, O_NONBLOCK)`, `connect` (`EINPROGRESS`),
 * `poll(..., 60000)`, `getsockopt(SO_ERROR)`, `fcntl(F_SETFL)` (blocking again)</td></tr>
 * <tr><td>`fwrite($client, "hello world")`, `fclose($client)`</td>
 * <td>stream_socket_fdopen(), then `fwrite`, `fclose`</td></tr>
 * </table>
 *
 * @par The URI
 * `[transport://]host:port`, for example `"tcp://127.0.0.1:12345"`,
 * `"udp://[::1]:9000"` or `"localhost:0"`.
 * - transport: `tcp` or `udp` in lower case; without `transport://` the
 *   URI means TCP, as in PHP. Anything else (`http://`, and also `unix://`,
 *   which PHP has but this lesson does not) makes the URI malformed.
 * - host: a dotted quad (`127.0.0.1`, as `inet_pton()` reads it: exactly
 *   four decimal parts, so `127.1` is malformed), an IPv6 address in
 *   brackets (`[::1]`), or `localhost`, which means `127.0.0.1` without
 *   any name lookup. Host names are not resolved: `example.com` is
 *   malformed, and no DNS query is ever sent.
 * - port: required, one or more decimal digits (nothing else: no sign, no
 *   space, no `0x`), value 0 to 65535 (0: the kernel picks a free port).
 *   PHP takes `70000` and silently uses 70000 - 65536 = 4464; this lesson
 *   refuses it.
 *
 * @par Errors the PHP way
 * stream_socket_server() and stream_socket_client() return -1 on failure
 * and, like PHP's `&$error_code` and `&$error_message`, also fill in
 * @c err_code and @c err_msg:
 * - a malformed URI opens nothing: `EINVAL` and
 *   `Failed to parse address "<uri>"` (PHP's text, the URI as given);
 * - a failing system call: its `errno` and `strerror(errno)`, for example
 *   `ECONNREFUSED` and `Connection refused`;
 * - on success: 0 and `""`.
 *
 * Either pointer may be NULL (not wanted). The message is written with
 * `snprintf()` rules: at most @c err_cap bytes including the terminating
 * NUL, so a long message is cut but always terminated; with @c err_cap 0
 * nothing is written. `errno` is set to the same value as `*err_code`.
 * Nothing the function opened stays open when it fails.
 *
 * @see @ref lesson09 (the lesson text), @ref phpmap (PHP to C).
 * \~chinese
 * @brief 第 09 课 stream-api：由一个 URI 建立的服务端、带时限的 accept，以及由一个 URI
 *        建立的客户端，和 PHP 的 `stream_socket_server()`、`stream_socket_accept()`、
 *        `stream_socket_client()` 一样。
 *
 * PHP 的 stream 函数把第 01–08 课的 socket 调用藏在一个字符串后面，这个字符串就是 URI
 * `"tcp://127.0.0.1:12345"`。文档 003 在 `strace` 下运行了它们，`strace`
 * 显示出每个函数实际做了什么。本课按同样的顺序做同样的调用：
 *
 * <table>
 * <tr><th>PHP</th><th>系统调用（文档 003）</th></tr>
 * <tr><td>`stream_socket_server("tcp://0.0.0.0:12345")`</td>
 * <td>`socket`、`setsockopt(SO_REUSEADDR, 1)`、`bind`、`listen(fd, 32)`</td></tr>
 * <tr><td>`stream_socket_accept($sock, -1, $peer)`</td><td>`poll(POLLIN)`、`accept`</td></tr>
 * <tr><td>`stream_socket_client("tcp://127.0.0.1:12345")`</td>
 * <td>`socket`、`fcntl(F_GETFL)`、`fcntl(F_SETFL, O_NONBLOCK)`、`connect`（`EINPROGRESS`）、
 * `poll(..., 60000)`、`getsockopt(SO_ERROR)`、`fcntl(F_SETFL)`（恢复阻塞）</td></tr>
 * <tr><td>`fwrite($client, "hello world")`、`fclose($client)`</td>
 * <td>stream_socket_fdopen()，然后 `fwrite`、`fclose`</td></tr>
 * </table>
 *
 * @par URI
 * `[transport://]host:port`，例如 `"tcp://127.0.0.1:12345"`、`"udp://[::1]:9000"` 或
 * `"localhost:0"`。
 * - transport：小写的 `tcp` 或 `udp`；不写 `transport://` 时 URI 表示 TCP，和 PHP
 *   一样。其他任何写法（`http://`，还有 PHP 支持而本课不支持的 `unix://`）都使 URI 格式错误。
 * - host：点分四段地址（`127.0.0.1`，按 `inet_pton()` 的读法：正好四个十进制部分，所以 `127.1`
 *   是格式错误）、方括号里的 IPv6 地址（`[::1]`），或者 `localhost`——它表示
 *   `127.0.0.1`，不做任何名字查询。主机名不会被解析：`example.com` 是格式错误，也从不发送 DNS
 *   查询。
 * - port：必须有，一个或多个十进制数字（别的都不行：不能有正负号、空格或 `0x`），取值 0 到
 *   65535（0：由内核挑一个空闲端口）。PHP 接受 `70000`，并一声不吭地使用
 *   70000 - 65536 = 4464；本课拒绝它。
 *
 * @par PHP 式的错误报告
 * stream_socket_server() 和 stream_socket_client() 失败时返回 -1，并且像 PHP 的 `&$error_code` 和
 * `&$error_message` 那样，还会填写 @c err_code 和 @c err_msg 这两个参数：
 * - URI 格式错误时什么都不打开：`EINVAL` 和 `Failed to parse address "<uri>"`（PHP 的原文，URI
 *   照原样给出）；
 * - 系统调用失败时：它的 `errno` 和 `strerror(errno)`，例如 `ECONNREFUSED` 和
 *   `Connection refused`；
 * - 成功时：0 和 `""`。
 *
 * 两个指针都可以是 NULL（表示不需要）。消息按 `snprintf()` 的规则写入：最多 @c err_cap
 * 个字节，包括结尾的 NUL，所以过长的消息会被截断，但总是有结尾的 NUL；@c err_cap 为 0
 * 时什么都不写。`errno` 被设为与 @c err_code 相同的值。函数失败时，它打开的一切都不会留着。
 *
 * @see @ref lesson09 （课文）、@ref phpmap （从 PHP 到 C）。
 */

/**
 * \~english
 * listen() backlog of stream_socket_server(), PHP's default (`listen(3, 32)` in document 003).
 * \~chinese
 * stream_socket_server() 的 listen() backlog，即 PHP 的默认值（文档 003 中的 `listen(3, 32)`）。
 */
#define STREAM_LISTEN_BACKLOG 32

/**
 * \~english
 * How long stream_socket_client() waits for the connection when @c timeout_s is negative, in ms.
 * \~chinese
 * @c timeout_s 为负时 stream_socket_client() 等待连接的时长，单位毫秒。
 */
#define STREAM_DEFAULT_CONNECT_TIMEOUT_MS 60000

/**
 * \~english
 * @brief Opens a server socket from a URI: bound, and listening for TCP.
 *
 * For `tcp://` (or no transport): `socket(family, SOCK_STREAM, 0)`,
 * `setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)`, `bind()`, `listen(fd, 32)`,
 * in that order and nothing else. For `udp://`:
 * `socket(family, SOCK_DGRAM, 0)`, `SO_REUSEADDR`, `bind()` and no
 * `listen()` (a datagram socket has no connections to wait for), as PHP
 * does. The family is `AF_INET` for a dotted quad or `localhost`,
 * `AF_INET6` for `[IPv6]`.
 *
 * @param uri      `"tcp://127.0.0.1:12345"`, `"udp://127.0.0.1:0"`, `"[::1]:8080"`, ... (the URI
 * rules are in the file description).
 * @param err_code receives 0, `EINVAL` for a malformed URI, or the failing call's `errno`; or NULL.
 * @param err_msg  receives `""`, `Failed to parse address "<uri>"`, or `strerror(errno)`; or NULL.
 * @param err_cap  size of @p err_msg in bytes (NUL included).
 * @return the socket (>= 0), which the caller closes; or -1 with `errno`
 *         (= `*err_code`): `EINVAL` for a malformed URI, `EADDRINUSE` when
 *         the port is taken (`Address already in use`), `EADDRNOTAVAIL`
 *         for an address that is not this machine's, `EACCES` for a port
 *         below 1024 without privilege, `EMFILE`, `EAFNOSUPPORT` (no IPv6
 *         in the kernel), ... from `socket()`, `setsockopt()`, `bind()`,
 *         `listen()`.
 * \~chinese
 * @brief 按 URI 打开服务端 socket：已绑定；如果是 TCP，还在监听。
 *
 * 对 `tcp://`（或不写 transport）：依次调用 `socket(family, SOCK_STREAM, 0)`、
 * `setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)`、`bind()`、`listen(fd, 32)`，别的什么都不做。对
 * `udp://`：`socket(family, SOCK_DGRAM, 0)`、`SO_REUSEADDR`、`bind()`，不调用 `listen()`（数据报
 * socket 没有要等待的连接），和 PHP 一样。点分四段地址或 `localhost` 的地址族是 `AF_INET`，`[IPv6]`
 * 的是 `AF_INET6`。
 *
 * @param uri      `"tcp://127.0.0.1:12345"`、`"udp://127.0.0.1:0"`、`"[::1]:8080"`……（URI
 *                 的规则见文件说明）。
 * @param err_code 得到 0、URI 格式错误时的 `EINVAL`，或失败的那个调用的 `errno`；也可以是 NULL。
 * @param err_msg  得到 `""`、`Failed to parse address "<uri>"` 或 `strerror(errno)`；也可以是
 *                 NULL。
 * @param err_cap  @p err_msg 的大小，以字节计（包括 NUL）。
 * @return 这个 socket（>= 0），由调用者关闭；或者 -1 并设置 `errno`（= `*err_code`）：URI
 *         格式错误时为 `EINVAL`，端口已被占用时为 `EADDRINUSE`（`Address already in use`），
 *         地址不属于本机时为 `EADDRNOTAVAIL`，没有特权却用 1024 以下的端口时为 `EACCES`，以及来自
 *         `socket()`、`setsockopt()`、`bind()`、`listen()` 的 `EMFILE`、`EAFNOSUPPORT`（内核没有
 *         IPv6）……
 * \~
 * @par PHP
 * `stream_socket_server($address, $error_code, $error_message)`.
 */
int stream_socket_server(const char *uri, int *err_code, char *err_msg, size_t err_cap);

/**
 * \~english
 * @brief Waits at most @p timeout_s seconds for a client, accepts it and names it.
 *
 * Waits with `poll()` for the listener to become readable (a connection is
 * queued), then calls `accept()`. A signal that interrupts the wait
 * (`EINTR`) does not end it: it goes on for the time that is left, not for
 * the whole timeout again. If the client vanished between `poll()` and
 * `accept()` (`ECONNABORTED`, `EAGAIN` on a non-blocking listener, or
 * `EINTR`), the function waits again, within the same time limit.
 *
 * When @p peer is not NULL, the client's endpoint is written there:
 * `"127.0.0.1:47412"` or `"[::1]:47412"` (the port in decimal). If it does
 * not fit in @p peer_cap bytes (NUL included), the new connection is
 * closed, @p peer is set to `""` when @p peer_cap > 0, and the call fails
 * with `ENOSPC`.
 *
 * @param server    a listening socket, for example from stream_socket_server().
 * @param timeout_s the longest wait in seconds (0.2 is 200 ms; 0 only looks
 *                  once); negative waits without limit, as the `-1` in
 *                  document 003's `stream_socket_accept($sock, -1, $ip)`.
 * @param peer      receives the client's endpoint, or NULL.
 * @param peer_cap  size of @p peer in bytes; `"127.0.0.1:65535"` needs 16.
 * @return the connected socket (>= 0), which the caller closes; or -1 with
 *         `errno`: `ETIMEDOUT` when no client came in time, `ENOSPC` as
 *         above, `EBADF`, `EINVAL` (not listening), `EMFILE`, ... from
 *         `poll()` or `accept()`.
 * @par PHP
 * `stream_socket_accept($server, $timeout, $peer_name)`, which returns
 * `false` and warns "Connection timed out" when nobody came in time.
 * \~chinese
 * @brief 最多等 @p timeout_s 秒，等来一个客户端后接受它，并给出它的地址和端口。
 *
 * 用 `poll()` 等监听 socket 变成可读（队列里有一个连接），然后调用 `accept()`。
 * 打断等待的信号（`EINTR`）不会结束等待：接着等剩下的时间，而不是再等满整个超时。如果客户端在
 * `poll()` 和 `accept()` 之间消失了（`ECONNABORTED`、非阻塞监听 socket 上的 `EAGAIN`，或者
 * `EINTR`），函数会在同一个时限内再等。
 *
 * @p peer 不是 NULL 时，客户端的地址和端口写到那里：`"127.0.0.1:47412"` 或
 * `"[::1]:47412"`（端口用十进制）。如果 @p peer_cap 个字节（包括 NUL）放不下，新连接会被关闭，
 * @p peer_cap > 0 时 @p peer 被设为 `""`，调用以 `ENOSPC` 失败。
 *
 * @param server    监听 socket，例如 stream_socket_server() 返回的那个。
 * @param timeout_s 最长等待时间，单位秒（0.2 即 200 毫秒；0 只看一次）；为负时不限时，就像文档 003
 *                  的 `stream_socket_accept($sock, -1, $ip)` 中的 `-1`。
 * @param peer      得到客户端的地址和端口；也可以是 NULL。
 * @param peer_cap  @p peer 的大小，以字节计；`"127.0.0.1:65535"` 需要 16。
 * @return 已连接的 socket（>= 0），由调用者关闭；或者 -1 并设置 `errno`：没有客户端及时到来时为
 *         `ETIMEDOUT`，`ENOSPC` 见上文，以及来自 `poll()` 或 `accept()` 的
 *         `EBADF`、`EINVAL`（不是监听 socket）、`EMFILE`……
 * @par PHP
 * `stream_socket_accept($server, $timeout, $peer_name)`；没人及时到来时，它返回 `false` 并发出警告
 * "Connection timed out"。
 */
int stream_socket_accept(int server, double timeout_s, char *peer, size_t peer_cap);

/**
 * \~english
 * @brief Connects to a URI, waiting at most @p timeout_s seconds, and returns a blocking socket.
 *
 * The sequence of document 003: `socket()`; `fcntl(F_GETFL)` and
 * `fcntl(F_SETFL, flags | O_NONBLOCK)`; `connect()`, which then returns at
 * once with `EINPROGRESS` while the handshake goes on; `poll()` for
 * `POLLOUT` with the time limit (a signal, `EINTR`, does not end the wait:
 * it goes on for the time left); `getsockopt(SO_ERROR)` for the outcome;
 * and `fcntl(F_SETFL, flags)` to make the socket blocking again, so the
 * caller's reads and writes wait as usual.
 *
 * With a negative @p timeout_s the wait is STREAM_DEFAULT_CONNECT_TIMEOUT_MS
 * (60 s, PHP's `default_socket_timeout`), and the first `poll()` is exactly
 * `poll(..., 60000)` as in the strace.
 *
 * `udp://` gives a *connected* UDP socket, as in PHP: `connect()` on a
 * datagram socket sends nothing, it only fixes the peer, so that `write()`
 * needs no address and only that peer's datagrams are received. It
 * succeeds at once even if nothing listens there.
 *
 * @param uri       `"tcp://127.0.0.1:12345"` and the like (the URI rules are in the file
 * description).
 * @param err_code  receives 0, `EINVAL` for a malformed URI, or the failing call's `errno`; or
 * NULL.
 * @param err_msg   receives `""`, `Failed to parse address "<uri>"` or `strerror(errno)`; or NULL.
 * @param err_cap   size of @p err_msg in bytes (NUL included).
 * @param timeout_s the longest wait for the connection in seconds; negative: 60 s.
 * @return the connected, blocking socket (>= 0), which the caller closes;
 *         or -1 with `errno` (= `*err_code`): `ECONNREFUSED`
 *         (`Connection refused`: nothing listens on that port),
 *         `ETIMEDOUT` (`Connection timed out`: no answer in time),
 *         `EINVAL` (malformed URI), `ENETUNREACH`, `EMFILE`, ... .
 * \~chinese
 * @brief 连接到一个 URI，最多等 @p timeout_s 秒，返回阻塞 socket。
 *
 * 文档 003 的调用序列：`socket()`；`fcntl(F_GETFL)` 和 `fcntl(F_SETFL, flags | O_NONBLOCK)`；
 * `connect()`，这时它立即以 `EINPROGRESS` 返回，握手则继续进行；带时限地 `poll()` 等待
 * `POLLOUT`（信号，即 `EINTR`，不会结束等待：接着等剩下的时间）；`getsockopt(SO_ERROR)`
 * 读出结果；最后 `fcntl(F_SETFL, flags)` 让 socket 重新变成阻塞的，这样调用者的读写照常等待。
 *
 * @p timeout_s 为负时，等待时间是 STREAM_DEFAULT_CONNECT_TIMEOUT_MS 毫秒（60 秒，PHP 的
 * `default_socket_timeout`），第一次 `poll()` 正好是 strace 里的 `poll(..., 60000)`。
 *
 * `udp://` 得到一个<em>已连接的</em> UDP socket，和 PHP 一样：对数据报 socket 调用 `connect()`
 * 不发送任何东西，只是把对端定下来，之后 `write()` 就不用带地址，而且只会收到这个对端的数据报。
 * 即使那里没有程序监听，它也立即成功。
 *
 * @param uri       `"tcp://127.0.0.1:12345"` 之类（URI 的规则见文件说明）。
 * @param err_code  得到 0、URI 格式错误时的 `EINVAL`，或失败的那个调用的 `errno`；也可以是 NULL。
 * @param err_msg   得到 `""`、`Failed to parse address "<uri>"` 或 `strerror(errno)`；也可以是
 *                  NULL。
 * @param err_cap   @p err_msg 的大小，以字节计（包括 NUL）。
 * @param timeout_s 等待连接的最长时间，单位秒；为负：60 秒。
 * @return 已连接的阻塞 socket（>= 0），由调用者关闭；或者 -1 并设置 `errno`（= `*err_code`）：
 *         `ECONNREFUSED`（`Connection refused`：那个端口上没有程序监听）、
 *         `ETIMEDOUT`（`Connection timed out`：没有及时得到回应）、`EINVAL`（URI
 *         格式错误）、`ENETUNREACH`、`EMFILE`……
 * \~
 * @par PHP
 * `stream_socket_client($address, $error_code, $error_message, $timeout)`.
 */
int stream_socket_client(const char *uri, int *err_code, char *err_msg, size_t err_cap,
                         double timeout_s);

/**
 * \~english
 * @brief Wraps a socket in a C stream, PHP's stream resource.
 *
 * `fdopen(fd, mode)`: after it, `fwrite()`, `fprintf()`, `fgets()` and
 * `fread()` work on the socket, buffered by the C library, and `fclose()`
 * flushes what is buffered and closes @p fd (do not close it again).
 * A C stream cannot switch between reading and writing on a socket (that
 * needs `fseek()`, which a socket refuses), so use `"r"` or `"w"`; for both
 * directions open two streams, one of them on `dup(fd)`.
 *
 * @param fd   a socket (any open descriptor works).
 * @param mode an `fopen()` mode: `"r"`, `"w"`, `"r+"`, ... .
 * @return the stream; or NULL with `errno`: `EINVAL` for a mode that is
 *         not one (`"z"`), `EBADF` for a descriptor that is not open, or
 *         `ENOMEM`. On failure @p fd stays open and still belongs to the
 *         caller.
 * @par PHP
 * The resource that `stream_socket_client()` returns, used with
 * `fwrite($client, "hello world")` (which reports 11) and `fclose($client)`.
 * \~chinese
 * @brief 把 socket 包装成 C 的流，即 PHP 的流资源。
 *
 * `fdopen(fd, mode)`：之后 `fwrite()`、`fprintf()`、`fgets()` 和 `fread()` 都能用在这个 socket
 * 上，由 C 库做缓冲；`fclose()` 会刷新缓冲区里的内容并关闭 @p fd（不要再关闭它）。在 socket 上，C
 * 的流不能在读和写之间切换（切换需要 `fseek()`，而 socket 拒绝它），所以要用 `"r"` 或
 * `"w"`；两个方向都要用时就打开两个流，其中一个建在 `dup(fd)` 上。
 *
 * @param fd   一个 socket（任何已打开的描述符都可以）。
 * @param mode `fopen()` 的模式：`"r"`、`"w"`、`"r+"`……
 * @return 这个流；或者 NULL 并设置 `errno`：模式不是合法的模式时（`"z"`）为
 *         `EINVAL`，描述符没有打开时为 `EBADF`，或者 `ENOMEM`。失败时 @p fd
 *         仍然打开，仍归调用者所有。
 * @par PHP
 * `stream_socket_client()` 返回的资源，配合 `fwrite($client, "hello world")`（它报告 11）和
 * `fclose($client)` 使用。
 */
FILE *stream_socket_fdopen(int fd, const char *mode);

#endif
