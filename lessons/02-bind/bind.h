/* bind.h — lesson 02: give a socket its address, allow quick rebinding, read the address back. */
#ifndef LABS_BIND_H
#define LABS_BIND_H

#include <stddef.h>
#include <stdint.h>

/**
 * @file bind.h
 * \~english
 * @brief Lesson 02-bind: `bind()`, `inet_pton()`, `htons()`, `setsockopt(SO_REUSEADDR)`,
 *        `getsockname()`, `inet_ntop()`, `ntohs()`.
 *
 * A new socket has no address. `bind()` gives it one: an IP address of this
 * machine and a port. A server binds before it listens, so that clients know
 * where to find it (document 002's server binds `127.0.0.1:12387`). The
 * address travels in a `struct sockaddr_in` whose fields are in network byte
 * order (big-endian), so the port goes through `htons()` on the way in and
 * `ntohs()` on the way out.
 *
 * Port 0 asks the kernel to pick a free port; getsockname() (here
 * local_endpoint()) tells you which one it picked.
 *
 * Every function returns -1 with `errno` set on failure. None of them closes
 * the descriptor it is given: the caller owns it, also after a failure.
 *
 * @see @ref lesson02 (the lesson text), @ref phpmap (PHP to C).
 * \~chinese
 * @brief 第 02 课 bind：`bind()`、`inet_pton()`、`htons()`、`setsockopt(SO_REUSEADDR)`、
 *        `getsockname()`、`inet_ntop()`、`ntohs()`。
 *
 * 新建的 socket 没有地址。`bind()` 给它一个：本机的一个 IP 地址加一个端口。
 * 服务端要先绑定再监听，客户端才知道去哪儿找它（文档 002 的服务端绑定 `127.0.0.1:12387`）。
 * 地址放在 `struct sockaddr_in` 里传递，其中的字段采用网络字节序（大端），
 * 所以端口传进去时要经过 `htons()`，读出来时要经过 `ntohs()`。
 *
 * 端口 0 让内核挑一个空闲端口；getsockname()（在本课里是 local_endpoint()）
 * 告诉你它挑了哪一个。
 *
 * 每个函数失败时都返回 -1 并设置 `errno`。它们都不会关闭传进来的描述符：描述符属于调用者，
 * 失败之后也是如此。
 *
 * @see @ref lesson02 （课文）、@ref phpmap （PHP 到 C）。
 */

/**
 * \~english
 * @brief Binds an IPv4 socket to the address @p ip and the port @p port.
 *
 * Converts @p ip with `inet_pton(AF_INET, ...)` (which must return 1) and
 * @p port with `htons()`, then calls `bind()` with a zeroed
 * `struct sockaddr_in`.
 *
 * Only the dotted quad that `inet_pton()` accepts is an address here:
 * `"127.0.0.1"`, `"0.0.0.0"`, `"192.168.1.20"`. The older forms that
 * `inet_aton()` and `inet_addr()` also take (`"127.1"`, `"2130706433"`,
 * `"0x7f.0.0.1"`, `"1.2.3"`, `"010.0.0.1"`, trailing blanks) are refused, and
 * so are host names (`"localhost"`: no name lookups in this lesson), IPv6
 * text, out-of-range parts (`"127.0.0.256"`), the empty string, blanks
 * around the address and NULL. For all of these the function returns -1
 * with `errno = EINVAL`, without calling `bind()`: the socket stays open and
 * unbound, so the caller may try again.
 *
 * @param fd   an IPv4 socket (`AF_INET`, TCP or UDP) that is not bound yet.
 * @param ip   the local address as a dotted quad, e.g. `"127.0.0.1"`.
 * @param port the port in host byte order (12387 means port 12387); 0 lets
 *             the kernel pick a free port.
 * @return 0, or -1 with `errno`:
 *         - `EINVAL`: @p ip is not a dotted quad (see above), or `bind()`
 *           said so because the socket is already bound;
 *         - `EADDRINUSE`: another socket holds that address and port;
 *         - `EADDRNOTAVAIL`: @p ip is not an address of this machine;
 *         - `EACCES`: a port below 1024 without the privilege to use it;
 *         - `EBADF`, `ENOTSOCK`: @p fd is not an open socket;
 *         - any other error of `bind()`, unchanged.
 *
 *         @p fd is never closed, whatever happens.
 * \~chinese
 * @brief 把 IPv4 socket 绑定到地址 @p ip 和端口 @p port 上。
 *
 * @p ip 用 `inet_pton(AF_INET, ...)` 转换（它必须返回 1），@p port 用 `htons()`
 * 转换，然后拿一个清零过的 `struct sockaddr_in` 调用 `bind()`。
 *
 * 这里只有 `inet_pton()` 接受的点分四段才算地址：`"127.0.0.1"`、`"0.0.0.0"`、
 * `"192.168.1.20"`。`inet_aton()` 和 `inet_addr()` 还接受的那些老写法（`"127.1"`、
 * `"2130706433"`、`"0x7f.0.0.1"`、`"1.2.3"`、`"010.0.0.1"`、末尾带空白）一律拒绝；
 * 主机名（`"localhost"`：本课不查名字）、IPv6 文本、超出范围的段（`"127.0.0.256"`）、
 * 空字符串、地址两边带空白以及 NULL 也同样拒绝。遇到这些情况，函数都返回 -1 并设
 * `errno = EINVAL`，不调用 `bind()`：socket 仍然打开、未绑定，调用者可以再试。
 *
 * @param fd   尚未绑定的 IPv4 socket（`AF_INET`，TCP 或 UDP）。
 * @param ip   点分四段形式的本地地址，例如 `"127.0.0.1"`。
 * @param port 主机字节序的端口（12387 就是端口 12387）；0 让内核挑一个空闲端口。
 * @return 0；失败时返回 -1，`errno` 为：
 *         - `EINVAL`：@p ip 不是点分四段（见上文），或者 `bind()` 因 socket
 *           已经绑定过而报告此错误；
 *         - `EADDRINUSE`：另一个 socket 占着这个地址和端口；
 *         - `EADDRNOTAVAIL`：@p ip 不是本机的地址；
 *         - `EACCES`：没有相应权限却要用 1024 以下的端口；
 *         - `EBADF`、`ENOTSOCK`：@p fd 不是打开的 socket；
 *         - `bind()` 的其他任何错误，原样返回。
 *
 *         无论发生什么，@p fd 都不会被关闭。
 * \~
 * @par PHP
 * `socket_bind($socket, $address, $port)`
 */
int bind_ipv4(int fd, const char *ip, uint16_t port);

/**
 * \~english
 * @brief Lets the socket bind a port that a connection closed a moment ago still holds.
 *
 * Sets the socket option `SO_REUSEADDR` to 1
 * (`setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one)`). Call it
 * after `socket()` and before `bind()`.
 *
 * Why: the side of a TCP connection that closes first keeps it in the
 * `TIME_WAIT` state for a while (60 seconds on Linux), so that late packets of
 * the old connection cannot be taken for a new one. A server that is stopped
 * and started again finds its port held by those `TIME_WAIT` connections, and
 * a plain `bind()` fails with `EADDRINUSE`. With `SO_REUSEADDR` the new socket
 * may bind the port anyway; a port on which some socket still *listens*
 * remains refused. On Linux the socket that left the `TIME_WAIT` behind must
 * have had the option as well, which is the case when the same server program
 * restarts. PHP's `stream_socket_server()` sets this option before `bind()`
 * (document 003's `strace` shows it).
 *
 * @param fd the socket, before bind().
 * @return 0, or -1 with `errno` from `setsockopt()` (`EBADF` for a closed
 *         descriptor, `ENOTSOCK` for one that is not a socket).
 * \~chinese
 * @brief 让 socket 能绑定一个仍被刚关闭的连接占着的端口。
 *
 * 把 socket 选项 `SO_REUSEADDR` 设为 1（即
 * `setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one)`）。
 * 在 `socket()` 之后、`bind()` 之前调用它。
 *
 * 原因：TCP 连接中先关闭的一方会让这条连接在 `TIME_WAIT` 状态里再待一会儿（Linux
 * 上是 60 秒），以免旧连接迟到的数据包被当成新连接的。服务端停掉后再启动，
 * 会发现它的端口被这些 `TIME_WAIT` 连接占着，普通的 `bind()` 以 `EADDRINUSE` 失败。设置了
 * `SO_REUSEADDR`，新 socket 照样可以绑定这个端口；但如果还有 socket
 * 在这个端口上<em>监听</em>着，仍会被拒绝。在 Linux 上，留下 `TIME_WAIT` 的那个 socket
 * 也必须设置过这个选项；同一个服务程序重启时正是如此。PHP 的 `stream_socket_server()` 会在
 * `bind()` 之前设置这个选项（文档 003 的 `strace` 里能看到）。
 *
 * @param fd 这个 socket，须在 bind() 之前调用。
 * @return 0；失败时返回 -1，`errno` 来自 `setsockopt()`（已关闭的描述符为 `EBADF`，不是
 *         socket 的描述符为 `ENOTSOCK`）。
 * \~
 * @par PHP
 * `socket_set_option($socket, SOL_SOCKET, SO_REUSEADDR, 1)`
 */
int enable_address_reuse(int fd);

/**
 * \~english
 * @brief Writes the socket's local address as text: `"127.0.0.1:12387"` or `"[::1]:12387"`.
 *
 * Asks `getsockname()` for the local address and formats it with
 * `inet_ntop()` and `ntohs()`: `"ip:port"` for IPv4, `"[ip]:port"` for IPv6
 * (the brackets keep the address's colons apart from the port's). A socket
 * that is not bound yet gives `"0.0.0.0:0"` (IPv4) or `"[::]:0"` (IPv6); a
 * socket bound to port 0 shows the port the kernel picked.
 *
 * The text and its terminating NUL must fit in @p cap bytes. When they do
 * not, nothing is cut silently: the function returns -1 with `errno = ENOSPC`
 * and @p buf holds `""` (when @p cap > 0). So `"127.0.0.1:80"` (12
 * characters) needs @p cap >= 13. With @p cap 0 nothing is written and
 * @p buf may be NULL.
 *
 * @param fd  a socket.
 * @param buf where the text goes.
 * @param cap size of @p buf in bytes; 54 are enough for any address
 *            (`"[" + 45 characters + "]:65535"` and the NUL).
 * @return 0, or -1 with `errno`:
 *         - `ENOSPC`: the text does not fit (@p buf is `""` when @p cap > 0);
 *         - `EAFNOSUPPORT`: the socket is neither IPv4 nor IPv6 (an `AF_UNIX`
 *           socket, for example);
 *         - `EBADF`, `ENOTSOCK`: from `getsockname()`.
 *
 *         On the errors other than `ENOSPC`, @p buf is not written.
 * @par PHP
 * `socket_getsockname($socket, $address, $port)`, which returns the two parts
 * separately; here they are joined as `$address . ":" . $port`.
 * \~chinese
 * @brief 以文本形式写出 socket 的本地地址：`"127.0.0.1:12387"` 或 `"[::1]:12387"`。
 *
 * 用 `getsockname()` 取得本地地址，再用 `inet_ntop()` 和 `ntohs()` 格式化：IPv4 是
 * `"ip:port"`，IPv6 是 `"[ip]:port"`（方括号把地址里的冒号和端口前的冒号隔开）。尚未绑定的
 * socket 得到 `"0.0.0.0:0"`（IPv4）或 `"[::]:0"`（IPv6）；绑定到端口 0 的 socket
 * 显示内核挑选的端口。
 *
 * 文本连同结尾的 NUL 必须放得进 @p cap 个字节。放不下时不会悄悄截断：函数返回 -1，
 * `errno = ENOSPC`，@p buf 为 `""`（当 @p cap > 0 时）。所以 `"127.0.0.1:80"`（12 个字符）
 * 需要 @p cap >= 13。@p cap 为 0 时什么都不写，@p buf 可以是 NULL。
 *
 * @param fd  一个 socket。
 * @param buf 文本写到这里。
 * @param cap @p buf 的大小，以字节计；
 *            54 个字节足够放下任何地址（`"[" + 45 characters + "]:65535"` 再加 NUL）。
 * @return 0；失败时返回 -1，`errno` 为：
 *         - `ENOSPC`：文本放不下（@p cap > 0 时 @p buf 为 `""`）；
 *         - `EAFNOSUPPORT`：socket 既不是 IPv4 也不是 IPv6（例如 `AF_UNIX` socket）；
 *         - `EBADF`、`ENOTSOCK`：来自 `getsockname()`。
 *
 *         出 `ENOSPC` 以外的错误时，@p buf 不会被写入。
 * @par PHP
 * `socket_getsockname($socket, $address, $port)`，它把两部分分开返回；这里把它们拼成
 * `$address . ":" . $port`。
 */
int local_endpoint(int fd, char *buf, size_t cap);

#endif
