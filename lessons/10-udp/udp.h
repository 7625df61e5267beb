/* udp.h — lesson 10: UDP datagrams: bind, send to an address, receive with the sender, echo. */
#ifndef LABS_UDP_H
#define LABS_UDP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/**
 * @file udp.h
 * \~english
 * @brief Lesson 10-udp: `socket(SOCK_DGRAM)`, `sendto()`, `recvfrom(MSG_TRUNC)`, an echo server,
 *        and `connect()` on a UDP socket.
 *
 * A UDP socket sends and receives *datagrams*: separate messages, each
 * delivered whole or not at all, never merged with the next one and never
 * split. There is no connection, no `listen()` and no `accept()`: one
 * socket talks to any number of peers. So every datagram that is sent
 * names its destination (`sendto()`), and every datagram that arrives
 * comes with the address of its sender (`recvfrom()`), which is where a
 * server sends its answer.
 *
 * What UDP does not do matters as much: nothing is retransmitted, nothing
 * is put in order, and the receiver's buffer decides how much of a
 * datagram it keeps. A datagram longer than the buffer given to
 * `recvfrom()` is cut, and the rest is thrown away for good; the flag
 * `MSG_TRUNC` makes `recvfrom()` tell the real length, so the cut can be
 * noticed. A datagram of zero bytes is a real datagram: `recvfrom()`
 * returning 0 is *not* an end of file, as it is for TCP.
 *
 * Conventions: failure is -1 with `errno` set by the call that failed,
 * and nothing opened by the function is left open. Ports are in host byte
 * order. An endpoint string is `"ip:port"` for IPv4
 * (`"127.0.0.1:52814"`) and `"[ip]:port"` for IPv6; a function that
 * writes one into a buffer of @c cap bytes fails with `ENOSPC` when the
 * text and its NUL do not fit, and then sets the buffer to `""` when
 * @c cap > 0.
 *
 * @see @ref lesson10 (the lesson text), @ref phpmap (PHP to C).
 * \~chinese
 * @brief 第 10 课 udp：`socket(SOCK_DGRAM)`、`sendto()`、`recvfrom(MSG_TRUNC)`、回显服务端，
 *        以及对 UDP socket 调用 `connect()`。
 *
 * UDP socket 收发的是**数据报**：一条条独立的消息，每条要么完整送达、要么
 * 根本不到，既不会和下一条合并，也不会被拆开。UDP 没有连接，没有
 * `listen()` 也没有 `accept()`：一个 socket 可以和任意多个对端通信。所以
 * 发出的每个数据报都要写明目的地（`sendto()`），收到的每个数据报都附带
 * 发送方的地址（`recvfrom()`），服务端就把回复发往这个地址。
 *
 * UDP **不做**的事同样重要：不重传，不排序，数据报能保留多少由接收方的
 * 缓冲区决定。比交给 `recvfrom()` 的缓冲区更长的数据报会被截断，多出来的
 * 部分永远丢失；加上标志 `MSG_TRUNC`，`recvfrom()` 会返回数据报的真实长度，
 * 于是截断可以被发现。零字节的数据报也是一个真正的数据报：`recvfrom()`
 * 返回 0 **不是**文件结束，这一点和 TCP 不同。
 *
 * 约定：失败时返回 -1，`errno` 由失败的那个调用设置，函数自己打开的东西
 * 不会留着不关。端口用主机字节序。端点字符串对 IPv4 是 `"ip:port"`
 * （`"127.0.0.1:52814"`），对 IPv6 是 `"[ip]:port"`；把端点写进
 * @c cap 字节缓冲区的函数，在文本加 NUL 放不下时以 `ENOSPC` 失败，
 * 并在 @c cap > 0 时把缓冲区设为 `""`。
 *
 * @see @ref lesson10 （课文）、@ref phpmap （PHP 到 C）。
 */

/**
 * \~english
 * @brief The largest payload of one UDP datagram over IPv4: 65535 - 20 (IP header) - 8 (UDP
 *        header) = 65507 bytes.
 *
 * udp_send_to() of more fails with `EMSGSIZE`. udp_echo_serve() receives
 * into a buffer of this size, so no datagram that reaches an IPv4 socket
 * can be cut.
 * \~chinese
 * @brief IPv4 上一个 UDP 数据报最多能携带的数据：65535 - 20（IP 头）- 8（UDP 头）
 *        = 65507 字节。
 *
 * udp_send_to() 发送更多字节会以 `EMSGSIZE` 失败。udp_echo_serve() 用这么大
 * 的缓冲区接收，所以到达 IPv4 socket 的任何数据报都不会被截断。
 */
#define UDP_MAX_PAYLOAD 65507

/**
 * \~english
 * @brief Makes a UDP socket bound to an IPv4 address and port: a place datagrams can be sent to.
 *
 * Converts @p ip with `inet_pton()` (a dotted quad such as `"127.0.0.1"`,
 * or `"0.0.0.0"` for every local address; no host names), makes an IPv4
 * datagram socket and `bind()`s it. Port 0 lets the kernel choose a free
 * port (read it back with `getsockname()`).
 *
 * `SO_REUSEADDR` is deliberately *not* set: on a UDP socket it does not
 * just skip a waiting period as on TCP, it lets several sockets share
 * one port (and then one of them gets each datagram). A port that is in
 * use therefore gives `EADDRINUSE`.
 *
 * @param ip   the local IPv4 address, dotted quad.
 * @param port the local port, host order; 0 for any free port.
 * @return a bound datagram socket (>= 0), which the caller must close; or
 *         -1 with `errno`: `EINVAL` when @p ip is not a dotted quad (nothing
 *         is opened), `EADDRINUSE` when another socket has the port,
 *         `EADDRNOTAVAIL` for an address that is not local, `EMFILE`, ...
 *         from `socket()` or `bind()`. On failure no descriptor stays open.
 * \~chinese
 * @brief 创建一个绑定到 IPv4 地址和端口的 UDP socket：别人可以往这里发数据报。
 *
 * 用 `inet_pton()` 转换 @p ip（点分十进制，如 `"127.0.0.1"`，`"0.0.0.0"`
 * 表示本机所有地址；不接受主机名），创建 IPv4 数据报 socket 并 `bind()`。
 * 端口 0 表示由内核挑一个空闲端口（用 `getsockname()` 读回来）。
 *
 * 这里**故意不设** `SO_REUSEADDR`：在 UDP socket 上它不只是像 TCP 那样跳过
 * 一段等待时间，而是允许多个 socket 共用同一个端口（每个数据报只交给其中
 * 一个）。所以端口已被占用时得到 `EADDRINUSE`。
 *
 * @param ip   本地 IPv4 地址，点分十进制。
 * @param port 本地端口，主机字节序；0 表示任意空闲端口。
 * @return 已绑定的数据报 socket（>= 0），由调用者负责关闭；失败时返回 -1，
 *         `errno`：@p ip 不是点分十进制时为 `EINVAL`（什么都不打开），端口已被
 *         别的 socket 占用时为 `EADDRINUSE`，地址不属于本机时为
 *         `EADDRNOTAVAIL`，以及 `socket()` 或 `bind()` 给出的 `EMFILE` 等。
 *         失败时不留下任何打开的描述符。
 * \~
 * @par PHP
 * `socket_create(AF_INET, SOCK_DGRAM, SOL_UDP)` + `socket_bind($socket, $ip, $port)`
 */
int udp_bind(const char *ip, uint16_t port);

/**
 * \~english
 * @brief Sends one datagram to an IPv4 address and port.
 *
 * One `sendto()`: the @p len bytes of @p buf leave as one datagram, which
 * arrives whole or not at all (UDP has no short sends: `sendto()` returns
 * @p len or fails). A datagram of 0 bytes is allowed and is sent. More
 * than #UDP_MAX_PAYLOAD bytes cannot go in one IPv4 datagram: the kernel
 * refuses with `EMSGSIZE`. `EINTR` (a signal while the socket's send
 * buffer was full) is retried: nothing was sent then.
 *
 * "Sent" only means handed to the network: whether anyone receives it is
 * not known. Nothing comes back when nobody listens at the destination
 * (see udp_connect() for the one case where the kernel tells).
 *
 * @param fd   a datagram socket (bound or not: an unbound one gets a free
 *             port at its first send).
 * @param buf  the bytes of the datagram.
 * @param len  their number, 0 to #UDP_MAX_PAYLOAD.
 * @param ip   the destination's IPv4 address, dotted quad.
 * @param port the destination's port, host order.
 * @return @p len, or -1 with `errno`: `EINVAL` when @p ip is not a dotted
 *         quad (nothing is sent), `EMSGSIZE` when @p len is too large,
 *         `EBADF`, `ENOTSOCK`, `EAGAIN` (non-blocking socket, buffer
 *         full), ... from `sendto()`.
 * \~chinese
 * @brief 向一个 IPv4 地址和端口发送一个数据报。
 *
 * 一次 `sendto()`：@p buf 的 @p len 个字节作为一个数据报发出，它要么完整
 * 送达，要么根本不到（UDP 没有“只发出一部分”：`sendto()` 要么返回 @p len，
 * 要么失败）。允许发送 0 字节的数据报，它也会被发出。一个 IPv4 数据报装不下
 * 超过 #UDP_MAX_PAYLOAD 字节，内核会以 `EMSGSIZE` 拒绝。遇到 `EINTR`（socket
 * 发送缓冲区满时来了信号）就重试：那时什么都没有发出。
 *
 * “发出”只表示交给了网络，有没有人收到并不知道。目的地没有人监听时，
 * 什么都不会返回（只有一种情况内核会告诉你，见 udp_connect()）。
 *
 * @param fd   数据报 socket（绑定与否都行：未绑定的在第一次发送时自动得到
 *             一个空闲端口）。
 * @param buf  数据报的内容。
 * @param len  字节数，在 0 到 #UDP_MAX_PAYLOAD 之间。
 * @param ip   目的地的 IPv4 地址，点分十进制。
 * @param port 目的地的端口，主机字节序。
 * @return @p len；失败时返回 -1，`errno`：@p ip 不是点分十进制时为 `EINVAL`
 *         （什么都不发送），@p len 太大时为 `EMSGSIZE`，以及 `sendto()` 给出的
 *         `EBADF`、`ENOTSOCK`、`EAGAIN`（非阻塞 socket 缓冲区已满）等。
 * \~
 * @par PHP
 * `socket_sendto($socket, $buf, $len, 0, $ip, $port)`
 */
ssize_t udp_send_to(int fd, const void *buf, size_t len, const char *ip, uint16_t port);

/**
 * \~english
 * @brief Receives one datagram, tells whether it was cut, and names its sender.
 *
 * One `recvfrom()` with the flag `MSG_TRUNC`: it blocks until a datagram
 * is there (unless @p fd is non-blocking), stores at most @p cap bytes of
 * it in @p buf, and returns the datagram's *real* length, which may be
 * larger than @p cap. This function returns the number of bytes stored
 * (never more than @p cap) and reports the cut through @p truncated.
 * The part that did not fit is lost: the next call gets the next
 * datagram, never the rest of this one. `EINTR` is retried.
 *
 * A datagram of 0 bytes gives 0, with @p truncated 0 and @p from filled
 * in. Unlike TCP, where `recv()` returning 0 means the peer closed the
 * connection, for UDP it is an empty message, and more may follow.
 *
 * When @p from is not NULL, the sender's endpoint is written there:
 * `"127.0.0.1:52814"` (port in host order, decimal) or `"[::1]:52814"`.
 * If it does not fit in @p from_cap bytes (NUL included), the call fails
 * with `ENOSPC` and @p from is `""` (when @p from_cap > 0); the datagram
 * has been received all the same and is gone. A sender without an IP
 * address (a datagram from an `AF_UNIX` socket) gives `EAFNOSUPPORT`,
 * also after the datagram is consumed. With @p from NULL, @p from_cap is
 * ignored.
 *
 * @param fd        a datagram socket.
 * @param buf       receives the datagram's bytes (may be NULL when @p cap is 0).
 * @param cap       size of @p buf in bytes; 0 receives and drops one datagram.
 * @param from      receives the sender's endpoint, or NULL if not wanted.
 * @param from_cap  size of @p from in bytes; `"127.0.0.1:65535"` needs 16.
 * @param truncated when not NULL, set to 1 if the datagram was longer than
 *                  @p cap (its end was thrown away), else to 0.
 * @return the number of bytes stored in @p buf (0 to @p cap); or -1 with
 *         `errno`: `EAGAIN` at once when @p fd is non-blocking and no
 *         datagram is waiting, `ECONNREFUSED` on a connected socket whose
 *         peer had nobody listening (see udp_connect()), `EBADF`,
 *         `ENOTSOCK`, ... from `recvfrom()`; `ENOSPC` or `EAFNOSUPPORT` as
 *         above. When @p truncated is not NULL it is set on success only.
 * \~chinese
 * @brief 接收一个数据报，报告它是否被截断，并给出发送方。
 *
 * 一次带 `MSG_TRUNC` 标志的 `recvfrom()`：阻塞到有数据报到达（除非 @p fd
 * 是非阻塞的），最多把其中 @p cap 个字节存进 @p buf，并返回数据报的**真实**
 * 长度，它可能大于 @p cap。本函数返回实际存下的字节数（不超过 @p cap），
 * 截断与否通过 @p truncated 报告。放不下的部分就此丢失：下一次调用拿到的是
 * 下一个数据报，而不是这个数据报剩下的部分。遇到 `EINTR` 重试。
 *
 * 0 字节的数据报返回 0，@p truncated 为 0，@p from 照常填写。TCP 的 `recv()`
 * 返回 0 表示对端关闭了连接；UDP 不同，它只是一条空消息，后面可能还有。
 *
 * @p from 不为 NULL 时，把发送方的端点写进去：`"127.0.0.1:52814"`（端口为
 * 主机字节序的十进制）或 `"[::1]:52814"`。如果 @p from_cap 字节（含 NUL）
 * 放不下，调用以 `ENOSPC` 失败，@p from 为 `""`（@p from_cap > 0 时）；这个
 * 数据报照样已被接收，再也拿不回来。发送方没有 IP 地址（来自 `AF_UNIX`
 * socket 的数据报）时得到 `EAFNOSUPPORT`，数据报同样已被取走。@p from 为
 * NULL 时忽略 @p from_cap。
 *
 * @param fd        数据报 socket。
 * @param buf       存放数据报的字节（@p cap 为 0 时可以是 NULL）。
 * @param cap       @p buf 的字节数；0 表示收下一个数据报并丢弃。
 * @param from      存放发送方端点，不需要时为 NULL。
 * @param from_cap  @p from 的字节数；`"127.0.0.1:65535"` 需要 16。
 * @param truncated 不为 NULL 时，数据报比 @p cap 长（尾部被丢弃）则设为 1，
 *                  否则设为 0。
 * @return 存进 @p buf 的字节数（0 到 @p cap）；失败时返回 -1，`errno`：@p fd
 *         非阻塞且没有等待中的数据报时立即返回 `EAGAIN`，已连接的 socket
 *         的对端无人监听时为 `ECONNREFUSED`（见 udp_connect()），以及
 *         `recvfrom()` 给出的 `EBADF`、`ENOTSOCK` 等；`ENOSPC` 或
 *         `EAFNOSUPPORT` 见上文。@p truncated 只在成功时设置。
 * \~
 * @par PHP
 * `socket_recvfrom($socket, $buf, $len, 0, $ip, $port)`
 */
ssize_t udp_receive_from(int fd, void *buf, size_t cap, char *from, size_t from_cap,
                         int *truncated);

/**
 * \~english
 * @brief An echo server: sends every datagram back to whoever sent it, byte for byte.
 *
 * For each of @p max_datagrams datagrams: receive it with its sender's
 * address (`recvfrom()`, `EINTR` retried) into a buffer of
 * #UDP_MAX_PAYLOAD bytes, so that no datagram is cut; then send exactly
 * those bytes, as one datagram, to that address (`sendto()`, `EINTR`
 * retried). Clients are served in the order their datagrams arrive,
 * however they interleave: the answer goes to the address that came with
 * the datagram, never to a fixed or remembered one. An empty datagram is
 * echoed as an empty datagram and counts like any other: it does not
 * stop the server. (Only an IPv6 socket can receive a longer datagram,
 * up to 65527 bytes; such a one is counted but not answered, since a cut
 * echo would be wrong.)
 *
 * A datagram whose echo cannot be sent (`sendto()` fails for another
 * reason than `EINTR`) still counts, and the server goes on: UDP gives no
 * guarantee of delivery anyway, and one client must not stop the others.
 * A client that has gone away does not disturb the server either: on an
 * unconnected socket, Linux does not report the ICMP errors its answers
 * cause.
 *
 * @param fd            a bound datagram socket (from udp_bind()); it stays open.
 * @param max_datagrams how many datagrams to echo; 0 returns 0 at once,
 *                      without receiving anything.
 * @return the number of datagrams handled (= @p max_datagrams); or -1
 *         with `errno`: `EINVAL` when @p max_datagrams is negative; the
 *         error of `recvfrom()` when receiving fails for another reason
 *         than `EINTR` (`EBADF`, `ENOTSOCK`, `EAGAIN` on a non-blocking
 *         socket with nothing waiting, ...).
 * \~chinese
 * @brief 回显服务端：把每个数据报原样发回给它的发送方，一个字节不差。
 *
 * 对 @p max_datagrams 个数据报中的每一个：连同发送方地址一起接收
 * （`recvfrom()`，`EINTR` 重试），缓冲区大小为 #UDP_MAX_PAYLOAD 字节，所以
 * 不会截断任何数据报；然后把这些字节原样作为一个数据报发往那个地址
 * （`sendto()`，`EINTR` 重试）。客户端按数据报到达的顺序得到服务，无论它们
 * 如何交错：回复发往随数据报一起到来的地址，而不是某个固定的或记下来的地址。
 * 空数据报回显为空数据报，和其他数据报一样计数，它不会让服务端停下。
 * （只有 IPv6 socket 才能收到更长的数据报，最长 65527 字节；这样的数据报
 * 计数但不回显，因为截断的回显是错的。）
 *
 * 回显发不出去的数据报（`sendto()` 因 `EINTR` 以外的原因失败）照样计数，
 * 服务端继续工作：UDP 本来就不保证送达，一个客户端也不能拖住其他客户端。
 * 已经离开的客户端同样不会干扰服务端：对未连接的 socket，Linux 不报告
 * 回复引起的 ICMP 错误。
 *
 * @param fd            已绑定的数据报 socket（来自 udp_bind()）；它保持打开。
 * @param max_datagrams 要回显多少个数据报；0 表示立即返回 0，什么都不接收。
 * @return 处理的数据报个数（= @p max_datagrams）；失败时返回 -1，`errno`：
 *         @p max_datagrams 为负数时为 `EINVAL`；接收因 `EINTR` 以外的原因失败
 *         时为 `recvfrom()` 的错误（`EBADF`、`ENOTSOCK`、非阻塞 socket 上没有
 *         数据报时的 `EAGAIN` 等）。
 * \~
 * @par PHP
 * `while (...) { socket_recvfrom($socket, $buf, 65507, 0, $ip, $port);`
 * `socket_sendto($socket, $buf, strlen($buf), 0, $ip, $port); }`
 */
long udp_echo_serve(int fd, long max_datagrams);

/**
 * \~english
 * @brief Makes a UDP socket connected to one IPv4 peer.
 *
 * Converts @p ip with `inet_pton()`, makes an IPv4 datagram socket and
 * `connect()`s it to @p ip : @p port. For UDP, `connect()` sends nothing
 * and waits for nothing (so it is never interrupted by a signal): it
 * records the peer in the kernel and binds a free local port. After it:
 * - `send()`/`write()` need no address: every datagram goes to the peer;
 * - `recv()`/`read()` get only datagrams *from* the peer: the kernel drops
 *   those from any other address;
 * - when nobody listens at the peer's port, its host answers a datagram
 *   with an ICMP "port unreachable" message, and the kernel reports it on
 *   the *next* `send()` or `recv()` on this socket as `ECONNREFUSED`. An
 *   unconnected socket is never told.
 *
 * So the error does not come from this function: with nobody listening,
 * it succeeds.
 *
 * @param ip   the peer's IPv4 address, dotted quad.
 * @param port the peer's port, host order.
 * @return a connected datagram socket (>= 0), which the caller must close;
 *         or -1 with `errno`: `EINVAL` when @p ip is not a dotted quad
 *         (nothing is opened), `ENETUNREACH`, `EMFILE`, ... from
 *         `socket()` or `connect()`. On failure no descriptor stays open.
 * \~chinese
 * @brief 创建一个连接到某个 IPv4 对端的 UDP socket。
 *
 * 用 `inet_pton()` 转换 @p ip，创建 IPv4 数据报 socket，并把它 `connect()`
 * 到 @p ip : @p port。对 UDP 来说，`connect()` 既不发送任何东西，也不等待
 * 任何东西（所以不会被信号打断）：它只是让内核记住对端，并绑定一个空闲的
 * 本地端口。之后：
 * - `send()`/`write()` 不需要地址：每个数据报都发给对端；
 * - `recv()`/`read()` 只收到**来自**对端的数据报：来自其他地址的数据报被
 *   内核丢弃；
 * - 对端端口没有人监听时，对方主机用 ICMP“端口不可达”消息回应数据报，
 *   内核在这个 socket 上的**下一次** `send()` 或 `recv()` 时报告
 *   `ECONNREFUSED`。未连接的 socket 永远得不到这个通知。
 *
 * 所以这个错误不是本函数给出的：没有人监听时，它照样成功。
 *
 * @param ip   对端的 IPv4 地址，点分十进制。
 * @param port 对端的端口，主机字节序。
 * @return 已连接的数据报 socket（>= 0），由调用者负责关闭；失败时返回 -1，
 *         `errno`：@p ip 不是点分十进制时为 `EINVAL`（什么都不打开），以及
 *         `socket()` 或 `connect()` 给出的 `ENETUNREACH`、`EMFILE` 等。
 *         失败时不留下任何打开的描述符。
 * \~
 * @par PHP
 * `socket_create(AF_INET, SOCK_DGRAM, SOL_UDP)` + `socket_connect($socket, $ip, $port)`;
 * `socket_send()`, `socket_recv()`
 */
int udp_connect(const char *ip, uint16_t port);

#endif
