/* options.h — lesson 13: socket options (buffers, Nagle, keepalive, timeouts, linger). */
#ifndef LABS_OPTIONS_H
#define LABS_OPTIONS_H

/**
 * @file options.h
 * \~english
 * @brief Lesson 13-options: `getsockopt()`, `setsockopt()` and the options every server meets.
 *
 * A socket carries settings that change how the kernel treats it: how much
 * data it buffers (`SO_RCVBUF`, `SO_SNDBUF`), whether TCP may hold back a
 * small segment (`TCP_NODELAY`), whether an idle connection is probed
 * (`SO_KEEPALIVE` and the `TCP_KEEP*` timings), how long a blocking call may
 * wait (`SO_RCVTIMEO`, `SO_SNDTIMEO`) and what `close()` does with unsent
 * data (`SO_LINGER`). Each option lives at a *level*: `SOL_SOCKET` for the
 * socket layer, `IPPROTO_TCP` for TCP itself.
 *
 * The rule of the lesson: **read an option back**. The kernel does not
 * always store what you asked for: Linux doubles a buffer size (the extra
 * half pays for its bookkeeping) and clamps it between a minimum and
 * `net.core.rmem_max` / `net.core.wmem_max`; it rounds a timeout to its
 * clock tick. What `getsockopt()` reports is what is in force.
 *
 * Every function returns 0 on success, or -1 with `errno` set by the call
 * that failed: `EBADF` for a descriptor that is not open, `ENOTSOCK` for one
 * that is not a socket, `ENOPROTOOPT` for an option the socket's protocol
 * does not have (a TCP option on a UDP socket), `EINVAL` for a value the
 * kernel refuses. No function opens or closes a descriptor.
 *
 * @see @ref lesson13 (the lesson text), @ref phpmap (PHP to C).
 * \~chinese
 * @brief 第 13 课 options：`getsockopt()`、`setsockopt()` 以及每个服务器都会用到的选项。
 *
 * socket 带着一些设置，决定内核怎样对待它：缓冲多少数据（`SO_RCVBUF`、
 * `SO_SNDBUF`），TCP 能否把小报文段先压着不发（`TCP_NODELAY`），空闲的连接
 * 要不要探测（`SO_KEEPALIVE` 以及 `TCP_KEEP*` 几个时间参数），阻塞调用最多
 * 等多久（`SO_RCVTIMEO`、`SO_SNDTIMEO`），以及 `close()` 怎样处理还没发出的
 * 数据（`SO_LINGER`）。每个选项属于一个“层”（level）：socket 层是
 * `SOL_SOCKET`，TCP 自己的是 `IPPROTO_TCP`。
 *
 * 本课的规矩：**设置之后读回来**。内核并不总是照你给的值保存：Linux 会把
 * 缓冲区大小翻倍（多出的一半用于内核自己的簿记开销），并限制在一个下限和
 * `net.core.rmem_max` / `net.core.wmem_max` 之间；超时会按时钟节拍取整。
 * `getsockopt()` 报告的才是实际生效的值。
 *
 * 每个函数成功时返回 0；失败时返回 -1，`errno` 由失败的那个调用设置：
 * 描述符没有打开是 `EBADF`，不是 socket 是 `ENOTSOCK`，socket 的协议没有这个
 * 选项是 `ENOPROTOOPT`（例如在 UDP socket 上设置 TCP 选项），内核拒绝这个值是
 * `EINVAL`。这些函数都不打开也不关闭描述符。
 *
 * @see @ref lesson13 （课文），@ref phpmap （PHP 到 C 的对照）。
 */

/**
 * \~english
 * @brief Reads an option whose value is an `int`.
 *
 * `getsockopt(fd, level, name, &v, &len)` with `len = sizeof(int)`. The
 * kernel writes back how many bytes it stored in `len`; an option whose value
 * is not an `int` (a string, a structure, nothing at all) comes back with
 * another length, and then the value is not trustworthy: the function fails
 * with `EINVAL` instead of returning part of it.
 *
 * @param fd    a socket.
 * @param level `SOL_SOCKET`, `IPPROTO_TCP`, ...
 * @param name  the option at that level (`SO_TYPE`, `SO_RCVBUF`, `TCP_NODELAY`, ...).
 * @param value receives the value (must not be NULL); written only on success.
 * @return 0, or -1 with `errno`: from `getsockopt()` (`EBADF`, `ENOTSOCK`,
 *         `ENOPROTOOPT`), or `EINVAL` when the length that came back is not
 *         `sizeof(int)`.
 * \~chinese
 * @brief 读取一个值为 `int` 的选项。
 *
 * 调用 `getsockopt(fd, level, name, &v, &len)`，其中 `len = sizeof(int)`。
 * 内核会把实际写入的字节数写回 `len`；值不是 `int` 的选项（字符串、结构体，
 * 或者什么都没有）返回的长度不同，这时的值不可信：函数以 `EINVAL` 失败，
 * 而不是返回一部分数据。
 *
 * @param fd    一个 socket。
 * @param level `SOL_SOCKET`、`IPPROTO_TCP` 等。
 * @param name  该层上的选项（`SO_TYPE`、`SO_RCVBUF`、`TCP_NODELAY` 等）。
 * @param value 接收选项的值（不能为 NULL）；只在成功时写入。
 * @return 0；失败时返回 -1，`errno` 来自 `getsockopt()`（`EBADF`、`ENOTSOCK`、
 *         `ENOPROTOOPT`），或者在返回的长度不是 `sizeof(int)` 时为 `EINVAL`。
 * \~
 * @par PHP
 * `socket_get_option($socket, SOL_SOCKET, SO_TYPE)` (an int option; PHP returns the int).
 */
int get_int_option(int fd, int level, int name, int *value);

/**
 * \~english
 * @brief Sets an option whose value is an `int`.
 *
 * `setsockopt(fd, level, name, &value, sizeof value)`. Flags such as
 * `SO_REUSEADDR` and `SO_KEEPALIVE` take 0 (off) or non-zero (on).
 *
 * @param fd    a socket.
 * @param level `SOL_SOCKET`, `IPPROTO_TCP`, ...
 * @param name  the option at that level.
 * @param value the new value.
 * @return 0, or -1 with `errno` from `setsockopt()`: `EBADF`, `ENOTSOCK`,
 *         `ENOPROTOOPT` (no such option at this level for this socket),
 *         `EINVAL` (a value out of range).
 * \~chinese
 * @brief 设置一个值为 `int` 的选项。
 *
 * 调用 `setsockopt(fd, level, name, &value, sizeof value)`。`SO_REUSEADDR`、
 * `SO_KEEPALIVE` 这类开关取 0（关）或非 0（开）。
 *
 * @param fd    一个 socket。
 * @param level `SOL_SOCKET`、`IPPROTO_TCP` 等。
 * @param name  该层上的选项。
 * @param value 新的值。
 * @return 0；失败时返回 -1，`errno` 来自 `setsockopt()`：`EBADF`、`ENOTSOCK`、
 *         `ENOPROTOOPT`（这个 socket 在该层没有这个选项）、`EINVAL`（值超出范围）。
 * \~
 * @par PHP
 * `socket_set_option($socket, SOL_SOCKET, SO_REUSEADDR, 1)`.
 */
int set_int_option(int fd, int level, int name, int value);

/**
 * \~english
 * @brief Sets the receive and send buffer sizes and reports what the kernel really uses.
 *
 * Sets `SO_RCVBUF` to @p rcvbuf and `SO_SNDBUF` to @p sndbuf (in that
 * order), then reads both back with `getsockopt()`. A request <= 0 leaves
 * that buffer unchanged (it is still read back). Linux stores twice the
 * request (the kernel counts its own per-packet overhead against the
 * buffer), after clamping the request to `net.core.rmem_max` (receive) or
 * `net.core.wmem_max` (send), and never less than a small minimum; so 4096
 * usually reads back as 8192. The reported values are the read-back ones,
 * never the requests.
 *
 * Setting a size also switches off the kernel's automatic tuning of that
 * buffer for this socket. For TCP, set the receive buffer before `listen()`
 * or `connect()`: the window scale is agreed in the handshake.
 *
 * @param fd         a socket.
 * @param rcvbuf     requested receive buffer in bytes; <= 0: leave it.
 * @param sndbuf     requested send buffer in bytes; <= 0: leave it.
 * @param rcv_actual receives the receive buffer size in force (may be NULL);
 *                   written only on success.
 * @param snd_actual receives the send buffer size in force (may be NULL);
 *                   written only on success.
 * @return 0, or -1 with `errno` from the `setsockopt()` or `getsockopt()`
 *         that failed (`EBADF`, `ENOTSOCK`, ...). If setting `SO_RCVBUF`
 *         fails, `SO_SNDBUF` is not touched.
 * \~chinese
 * @brief 设置接收和发送缓冲区大小，并报告内核实际使用的值。
 *
 * 先把 `SO_RCVBUF` 设为 @p rcvbuf，再把 `SO_SNDBUF` 设为 @p sndbuf，然后用
 * `getsockopt()` 把两者都读回来。请求值 <= 0 表示这个缓冲区不变（仍然读回）。
 * Linux 保存的是请求值的两倍（内核把自己每个数据包的开销也算在缓冲区里），
 * 翻倍之前先把请求值限制在 `net.core.rmem_max`（接收）或 `net.core.wmem_max`
 * （发送）以内，并且不会低于一个很小的下限；所以 4096 通常读回来是 8192。
 * 报告的是读回的值，绝不是请求值。
 *
 * 设置了大小之后，内核就不再为这个 socket 自动调整这个缓冲区。对 TCP 来说，
 * 接收缓冲区要在 `listen()` 或 `connect()` 之前设置：窗口扩大因子是在握手时
 * 商定的。
 *
 * @param fd         一个 socket。
 * @param rcvbuf     请求的接收缓冲区字节数；<= 0 表示不变。
 * @param sndbuf     请求的发送缓冲区字节数；<= 0 表示不变。
 * @param rcv_actual 接收实际生效的接收缓冲区大小（可以为 NULL）；只在成功时写入。
 * @param snd_actual 接收实际生效的发送缓冲区大小（可以为 NULL）；只在成功时写入。
 * @return 0；失败时返回 -1，`errno` 来自失败的那个 `setsockopt()` 或
 *         `getsockopt()`（`EBADF`、`ENOTSOCK` 等）。设置 `SO_RCVBUF` 失败时，
 *         不会再去动 `SO_SNDBUF`。
 * \~
 * @par PHP
 * `socket_set_option($socket, SOL_SOCKET, SO_RCVBUF, 4096)`, then
 * `socket_get_option($socket, SOL_SOCKET, SO_RCVBUF)` (the same for `SO_SNDBUF`).
 */
int set_buffer_sizes(int fd, int rcvbuf, int sndbuf, int *rcv_actual, int *snd_actual);

/**
 * \~english
 * @brief Turns Nagle's algorithm off (`TCP_NODELAY` on) or back on.
 *
 * `TCP_NODELAY` at level `IPPROTO_TCP` (not `SOL_SOCKET`: there the same
 * number means another option). With Nagle on (the default), TCP holds a
 * small segment back while earlier data is unacknowledged; together with
 * the peer's delayed ACK, a request written in two small pieces can wait
 * about 40 ms per round trip. `TCP_NODELAY` sends each write at once.
 *
 * @param fd a TCP socket.
 * @param on non-zero: `TCP_NODELAY` on (no delay); 0: off (Nagle again).
 * @return 0, or -1 with `errno` from `setsockopt()`: `ENOPROTOOPT` (Linux)
 *         or `EOPNOTSUPP` on a socket that is not TCP, such as UDP;
 *         `EBADF`, `ENOTSOCK`.
 * \~chinese
 * @brief 关闭 Nagle 算法（打开 `TCP_NODELAY`），或者重新打开它。
 *
 * `TCP_NODELAY` 在 `IPPROTO_TCP` 层（不是 `SOL_SOCKET`：在那一层同一个编号
 * 代表另一个选项）。Nagle 开着时（默认），只要之前的数据还没被确认，TCP 就会
 * 先压住小报文段；再加上对端的延迟确认（delayed ACK），分两小块写出的请求
 * 每个来回大约要多等 40 毫秒。打开 `TCP_NODELAY` 后每次写都立即发出。
 *
 * @param fd 一个 TCP socket。
 * @param on 非 0：打开 `TCP_NODELAY`（不延迟）；0：关闭（恢复 Nagle）。
 * @return 0；失败时返回 -1，`errno` 来自 `setsockopt()`：在不是 TCP 的
 *         socket（例如 UDP）上是 `ENOPROTOOPT`（Linux）或 `EOPNOTSUPP`；
 *         还有 `EBADF`、`ENOTSOCK`。
 * \~
 * @par PHP
 * `socket_set_option($socket, SOL_TCP, TCP_NODELAY, 1)`.
 */
int set_nodelay(int fd, int on);

/**
 * \~english
 * @brief Turns TCP keepalive on with the given timings, or off.
 *
 * With @p idle_s > 0: sets `TCP_KEEPIDLE` (@p idle_s seconds of silence
 * before the first probe), `TCP_KEEPINTVL` (@p interval_s seconds between
 * probes) and `TCP_KEEPCNT` (@p count unanswered probes before the
 * connection is dropped with `ETIMEDOUT`), all at `IPPROTO_TCP`, and then
 * `SO_KEEPALIVE` = 1 at `SOL_SOCKET`. The timings come first, so a timing
 * the kernel refuses leaves `SO_KEEPALIVE` as it was. Without
 * `SO_KEEPALIVE` the timings do nothing; without the timings, Linux waits
 * two hours (`net.ipv4.tcp_keepalive_time`) before the first probe.
 *
 * With @p idle_s <= 0: only `SO_KEEPALIVE` = 0; @p interval_s and @p count
 * are ignored.
 *
 * @param fd         a TCP socket.
 * @param idle_s     seconds idle before probing (Linux: 1 to 32767); <= 0: keepalive off.
 * @param interval_s seconds between probes (Linux: 1 to 32767).
 * @param count      probes before giving up (Linux: 1 to 127).
 * @return 0, or -1 with `errno` from `setsockopt()`: `EINVAL` for a timing
 *         out of range, `ENOPROTOOPT` on a socket that is not TCP, `EBADF`,
 *         `ENOTSOCK`.
 * \~chinese
 * @brief 按给定的时间参数打开 TCP keepalive，或者关闭它。
 *
 * @p idle_s > 0 时：先在 `IPPROTO_TCP` 层设置 `TCP_KEEPIDLE`（静默 @p idle_s
 * 秒后发第一个探测）、`TCP_KEEPINTVL`（探测之间隔 @p interval_s 秒）和
 * `TCP_KEEPCNT`（@p count 个探测都没有回应就以 `ETIMEDOUT` 断开连接），再在
 * `SOL_SOCKET` 层设置 `SO_KEEPALIVE` = 1。先设时间参数，这样内核拒绝某个
 * 参数时，`SO_KEEPALIVE` 保持原样。没有 `SO_KEEPALIVE`，时间参数不起作用；
 * 没有时间参数，Linux 要等两个小时（`net.ipv4.tcp_keepalive_time`）才发第一个
 * 探测。
 *
 * @p idle_s <= 0 时：只设置 `SO_KEEPALIVE` = 0，忽略 @p interval_s 和 @p count。
 *
 * @param fd         一个 TCP socket。
 * @param idle_s     空闲多少秒后开始探测（Linux：1 到 32767）；<= 0 表示关闭 keepalive。
 * @param interval_s 探测之间的秒数（Linux：1 到 32767）。
 * @param count      放弃之前的探测次数（Linux：1 到 127）。
 * @return 0；失败时返回 -1，`errno` 来自 `setsockopt()`：时间参数超出范围是
 *         `EINVAL`，不是 TCP 的 socket 是 `ENOPROTOOPT`，还有 `EBADF`、`ENOTSOCK`。
 * \~
 * @par PHP
 * `socket_set_option($socket, SOL_SOCKET, SO_KEEPALIVE, 1)` and
 * `socket_set_option($socket, SOL_TCP, TCP_KEEPIDLE, 60)` (likewise `TCP_KEEPINTVL` and
 * `TCP_KEEPCNT`).
 */
int set_keepalive(int fd, int idle_s, int interval_s, int count);

/**
 * \~english
 * @brief Limits how long a blocking receive or send may wait.
 *
 * Sets `SO_RCVTIMEO` and then `SO_SNDTIMEO` from milliseconds. The value is
 * a `struct timeval`, and `tv_usec` must stay below 1000000: 1500 ms is
 * `{.tv_sec = 1, .tv_usec = 500000}`; `{0, 1500000}` is refused (Linux:
 * `EDOM`). A value <= 0 means no limit (`{0, 0}`). Afterwards a blocking
 * `recv()` that gets nothing for about @p recv_ms fails with `EAGAIN`
 * (the same number as `EWOULDBLOCK` on Linux), and a blocking `send()` that
 * cannot queue anything for about @p send_ms does too (or returns the
 * count it managed to queue). The kernel rounds up to its clock tick
 * (1 to 10 ms).
 *
 * @param fd      a socket.
 * @param recv_ms receive limit in milliseconds; <= 0: wait without limit.
 * @param send_ms send limit in milliseconds; <= 0: wait without limit.
 * @return 0, or -1 with `errno` from `setsockopt()`: `EBADF`, `ENOTSOCK`,
 *         `EDOM` or `EINVAL` for a malformed `struct timeval`.
 * \~chinese
 * @brief 限制阻塞的接收或发送最多等多久。
 *
 * 把毫秒数换算后先设置 `SO_RCVTIMEO`，再设置 `SO_SNDTIMEO`。选项的值是
 * `struct timeval`，其中 `tv_usec` 必须小于 1000000：1500 毫秒是
 * `{.tv_sec = 1, .tv_usec = 500000}`；`{0, 1500000}` 会被拒绝（Linux：`EDOM`）。
 * 值 <= 0 表示不限时（`{0, 0}`）。设置之后，阻塞的 `recv()` 如果约 @p recv_ms
 * 毫秒内什么都没收到，就以 `EAGAIN` 失败（Linux 上它和 `EWOULDBLOCK` 是同一个
 * 数）；阻塞的 `send()` 如果约 @p send_ms 毫秒内一点都放不进发送队列，也同样
 * 失败（或者返回已经放进去的字节数）。内核会向上取整到它的时钟节拍（1 到
 * 10 毫秒）。
 *
 * @param fd      一个 socket。
 * @param recv_ms 接收时限，毫秒；<= 0 表示不限时。
 * @param send_ms 发送时限，毫秒；<= 0 表示不限时。
 * @return 0；失败时返回 -1，`errno` 来自 `setsockopt()`：`EBADF`、`ENOTSOCK`，
 *         `struct timeval` 不合法时是 `EDOM` 或 `EINVAL`。
 * \~
 * @par PHP
 * `socket_set_option($socket, SOL_SOCKET, SO_RCVTIMEO, ["sec" => 1, "usec" => 500000])`
 * (likewise `SO_SNDTIMEO`).
 */
int set_timeouts(int fd, int recv_ms, int send_ms);

/**
 * \~english
 * @brief Sets what `close()` does with data not yet sent (`SO_LINGER`).
 *
 * `struct linger {.l_onoff = on ? 1 : 0, .l_linger = seconds}` at
 * `SOL_SOCKET`. Off (the default): `close()` returns at once and the kernel
 * delivers the rest in the background. On with @p seconds > 0: `close()` on
 * a blocking socket waits up to that long for the data to be acknowledged.
 * On with 0: `close()` drops unsent data and sends RST, so the peer gets
 * `ECONNRESET` (lesson 06's abort).
 *
 * @param fd      a socket.
 * @param on      non-zero: linger on; 0: off (@p seconds is then ignored and 0 is passed).
 * @param seconds how long `close()` may wait; must be >= 0 when @p on.
 * @return 0, or -1 with `errno`: `EINVAL` when @p on and @p seconds < 0
 *         (nothing is changed: Linux would take it as "wait for ever"); from
 *         `setsockopt()`: `EBADF`, `ENOTSOCK`.
 * \~chinese
 * @brief 设置 `close()` 怎样处理还没发出的数据（`SO_LINGER`）。
 *
 * 在 `SOL_SOCKET` 层设置 `struct linger {.l_onoff = on ? 1 : 0, .l_linger = seconds}`。
 * 关闭时（默认）：`close()` 立即返回，内核在后台把剩下的数据发完。打开且
 * @p seconds > 0：阻塞 socket 上的 `close()` 最多等这么久，等数据被确认。
 * 打开且为 0：`close()` 丢弃未发出的数据并发送 RST，对端得到 `ECONNRESET`
 * （第 06 课的中止连接）。
 *
 * @param fd      一个 socket。
 * @param on      非 0：打开 linger；0：关闭（此时忽略 @p seconds，传 0）。
 * @param seconds `close()` 最多等待的秒数；@p on 时必须 >= 0。
 * @return 0；失败时返回 -1，`errno`：@p on 且 @p seconds < 0 时为 `EINVAL`
 *         （什么都不改：Linux 会把它当成“永远等下去”）；来自 `setsockopt()`
 *         的 `EBADF`、`ENOTSOCK`。
 * \~
 * @par PHP
 * `socket_set_option($socket, SOL_SOCKET, SO_LINGER, ["l_onoff" => 1, "l_linger" => 5])`.
 */
int set_linger(int fd, int on, int seconds);

/**
 * \~english
 * @brief Reads `SO_LINGER` back.
 *
 * `getsockopt(fd, SOL_SOCKET, SO_LINGER, ...)` into a `struct linger`; the
 * length that comes back must be `sizeof(struct linger)`, else `EINVAL`.
 * When linger is off, Linux reports the time last set while it was on (or 0).
 *
 * @param fd      a socket.
 * @param on      receives 1 when linger is on, else 0 (must not be NULL); written only on success.
 * @param seconds receives `l_linger` (must not be NULL); written only on success.
 * @return 0, or -1 with `errno` from `getsockopt()` (`EBADF`, `ENOTSOCK`),
 *         or `EINVAL` for a length that is not `sizeof(struct linger)`.
 * \~chinese
 * @brief 读回 `SO_LINGER`。
 *
 * 用 `getsockopt(fd, SOL_SOCKET, SO_LINGER, ...)` 读进一个 `struct linger`；
 * 返回的长度必须是 `sizeof(struct linger)`，否则为 `EINVAL`。linger 关闭时，
 * Linux 报告的是上次打开时设置的秒数（或 0）。
 *
 * @param fd      一个 socket。
 * @param on      linger 打开时接收 1，否则接收 0（不能为 NULL）；只在成功时写入。
 * @param seconds 接收 `l_linger`（不能为 NULL）；只在成功时写入。
 * @return 0；失败时返回 -1，`errno` 来自 `getsockopt()`（`EBADF`、`ENOTSOCK`），
 *         或者在长度不是 `sizeof(struct linger)` 时为 `EINVAL`。
 * \~
 * @par PHP
 * `socket_get_option($socket, SOL_SOCKET, SO_LINGER)` returns `["l_onoff" => 1, "l_linger" => 5]`.
 */
int get_linger(int fd, int *on, int *seconds);

#endif
