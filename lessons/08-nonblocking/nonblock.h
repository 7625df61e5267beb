/* nonblock.h — lesson 08: non-blocking mode, reads that never wait, connect() with a time limit. */
#ifndef LABS_NONBLOCK_H
#define LABS_NONBLOCK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/**
 * @file nonblock.h
 * \~english
 * @brief Lesson 08-nonblocking: `fcntl(F_GETFL/F_SETFL, O_NONBLOCK)`, `recv(MSG_DONTWAIT)`, and
 *        the non-blocking `connect()` + `poll()` + `SO_ERROR` sequence of document 003.
 *
 * A blocking call (`accept`, `read`, `connect`) puts the program to sleep
 * until something happens; the peer decides how long. A descriptor in
 * non-blocking mode never sleeps: a call that would have to wait fails at
 * once with `EAGAIN` (for `connect`: fails with `EINPROGRESS` and goes on in the
 * background). Non-blocking mode is a *file status flag*, `O_NONBLOCK`, kept
 * with the open file next to others such as `O_APPEND`; it is read with
 * `fcntl(fd, F_GETFL)` and written with `fcntl(fd, F_SETFL, flags)`, which
 * replaces all of them at once.
 *
 * Document 003 shows, with `strace`, how PHP's `stream_socket_client()`
 * connects: it switches the new socket to non-blocking mode, starts
 * `connect()` (which fails with `EINPROGRESS`), waits for the outcome with
 * `poll()` and a time limit, reads the outcome with
 * `getsockopt(SO_ERROR)`, and puts the old flags back. Its server reads with
 * `recvfrom(..., MSG_DONTWAIT)`: non-blocking for that one call only.
 *
 * Conventions: failure is -1 with `errno` set by the call that failed, and
 * nothing opened by the function is left open.
 *
 * @see @ref lesson08 (the lesson text), @ref phpmap (PHP to C).
 * \~chinese
 * @brief 第 08 课 nonblocking：`fcntl(F_GETFL/F_SETFL, O_NONBLOCK)`、`recv(MSG_DONTWAIT)`，以及文档
 *        003 中非阻塞 `connect()` + `poll()` + `SO_ERROR` 的调用序列。
 *
 * 阻塞调用（`accept`、`read`、`connect`）会让程序一直睡眠，直到有事情发生；睡多久由对方决定。
 * 处于非阻塞模式的描述符从不睡眠：需要等待的调用会立即失败，`errno` 为 `EAGAIN`（对 `connect`
 * 来说：返回 `EINPROGRESS`，连接在后台继续进行）。非阻塞模式是一个<em>文件状态标志</em>
 * `O_NONBLOCK`，和 `O_APPEND` 等其他标志一起保存在打开的文件上；用 `fcntl(fd, F_GETFL)` 读出，用
 * `fcntl(fd, F_SETFL, flags)` 写入，后者一次替换全部标志。
 *
 * 文档 003 用 `strace` 展示了 PHP 的 `stream_socket_client()` 如何连接：它把新 socket
 * 切到非阻塞模式，发起 `connect()`（得到的回答是 `EINPROGRESS`），用 `poll()` 带时限地等待结果，用
 * `getsockopt(SO_ERROR)` 读出结果，再恢复原来的标志。文档中的服务端用 `recvfrom(..., MSG_DONTWAIT)`
 * 读取：只有这一次调用是非阻塞的。
 *
 * 约定：失败时返回 -1，`errno` 由失败的那个调用设置；函数打开过的东西都不会留着不关。
 *
 * @see @ref lesson08 （课文）、@ref phpmap （从 PHP 到 C）。
 */

/**
 * \~english
 * @brief Turns non-blocking mode on or off, changing no other flag.
 *
 * Reads the file status flags with `fcntl(fd, F_GETFL)`, sets or clears
 * only `O_NONBLOCK`, and writes them back with `fcntl(fd, F_SETFL, ...)`.
 * Every other status flag (`O_APPEND`, `O_ASYNC`, ...) keeps its value, and
 * so does the descriptor flag `FD_CLOEXEC`, which is a different thing
 * (`F_GETFD`/`F_SETFD`) and must not be touched. Calling it twice with the
 * same @p on changes nothing the second time.
 *
 * The flags belong to the open file, not to the number: a `dup()` of @p fd,
 * or the same socket in a forked child, changes mode with it.
 *
 * Works on any descriptor whose flags `fcntl()` can change: sockets, pipes,
 * terminals, files.
 *
 * @param fd the descriptor.
 * @param on non-zero to turn non-blocking mode on, 0 to turn it off (blocking).
 * @return 0, or -1 with `errno` from `fcntl()` (`EBADF` for a descriptor
 *         that is not open).
 * @par PHP
 * `socket_set_nonblock($socket)` (@p on = 1) and `socket_set_block($socket)`
 * (@p on = 0); for streams `stream_set_blocking($stream, false/true)`.
 * \~chinese
 * @brief 打开或关闭非阻塞模式，不改动任何其他标志。
 *
 * 用 `fcntl(fd, F_GETFL)` 读出文件状态标志，只置位或清除 `O_NONBLOCK`，再用
 * `fcntl(fd, F_SETFL, ...)` 写回。其他每个状态标志（`O_APPEND`、`O_ASYNC`……）都保持原值，描述符标志
 * `FD_CLOEXEC` 也一样：它是另一回事（`F_GETFD`/`F_SETFD`），不能去碰。用同一个 @p on
 * 调用两次，第二次什么也不改变。
 *
 * 这些标志属于打开的文件，而不属于描述符编号：@p fd 的 `dup()` 副本，或 fork 出的子进程里的同一个
 * socket，会跟着一起改变模式。
 *
 * 适用于 `fcntl()` 能修改其标志的任何描述符：socket、管道、终端、文件。
 *
 * @param fd 描述符。
 * @param on 非 0 时打开非阻塞模式，为 0 时关闭它（即阻塞）。
 * @return 0；或者 -1，`errno` 来自 `fcntl()`（描述符没有打开时为 `EBADF`）。
 * @par PHP
 * `socket_set_nonblock($socket)`（@p on = 1）和 `socket_set_block($socket)`（@p on = 0）；对流则是
 * `stream_set_blocking($stream, false/true)`。
 */
int set_nonblocking(int fd, int on);

/**
 * \~english
 * @brief Reads what has already arrived on a socket, never waiting.
 *
 * One `recv(fd, buf, cap, MSG_DONTWAIT)`: the flag makes this single call
 * non-blocking, whatever mode @p fd is in, and leaves the descriptor's flags
 * exactly as they were (a blocking socket stays blocking, a non-blocking one
 * stays non-blocking). This is the read of document 003's server, a
 * `recvfrom()` of up to 8192 bytes with `MSG_DONTWAIT` that returned 11.
 *
 * It returns as soon as the kernel has answered: with the bytes already
 * queued (at most @p cap; the rest stays queued for the next call), with
 * 0 at end of stream, or with `EAGAIN` when nothing is there yet. Because it
 * never sleeps, no signal can interrupt it, so there is no `EINTR` to retry.
 *
 * @param fd  a connected socket, blocking or not.
 * @param buf where the bytes go.
 * @param cap size of @p buf in bytes (> 0).
 * @return the number of bytes read (1 .. @p cap); 0 when the peer has
 *         closed its side and every byte has been read; or -1 with `errno`:
 *         `EAGAIN` (== `EWOULDBLOCK` on Linux) when no byte is there now,
 *         `ECONNRESET` when the peer reset the connection, `EBADF`,
 *         `ENOTSOCK` (@p fd is not a socket), ... from `recv()`.
 * @par PHP
 * `socket_recv($socket, $buf, $len, MSG_DONTWAIT)`; PHP's stream functions
 * (`fread`, `stream_socket_recvfrom`) make this call internally.
 * \~chinese
 * @brief 读取 socket 上已经到达的数据，从不等待。
 *
 * 一次 `recv(fd, buf, cap, MSG_DONTWAIT)`：无论 @p fd 处于哪种模式，
 * 这个标志都只让这一次调用不阻塞，描述符的标志完全保持原样（阻塞 socket 仍是阻塞的，非阻塞 socket
 * 仍是非阻塞的）。文档 003 的服务端就是这样读的：一次最多 8192 字节、
 * 带 `MSG_DONTWAIT` 的 `recvfrom()`，返回 11。
 *
 * 内核一回答它就返回：要么带回已经排队的字节（最多 @p cap 个，其余的留在队列里等下一次调用），
 * 要么在流结束时返回 0，要么在还没有数据时得到 `EAGAIN`。它从不睡眠，所以没有信号能打断它，
 * 也就没有需要重试的 `EINTR`。
 *
 * @param fd  已连接的 socket，阻塞与否都可以。
 * @param buf 存放字节的地方。
 * @param cap @p buf 的大小，以字节计（> 0）。
 * @return 读到的字节数（1 .. @p cap）；对端已关闭它那一侧、而且所有字节都已读完时返回 0；或者 -1
 *         并设置 `errno`：此刻一个字节都没有时为 `EAGAIN`（在 Linux 上 == `EWOULDBLOCK`），
 *         对端重置了连接时为 `ECONNRESET`，以及来自 `recv()` 的 `EBADF`、`ENOTSOCK`（@p fd 不是
 *         socket）……
 * @par PHP
 * `socket_recv($socket, $buf, $len, MSG_DONTWAIT)`；PHP 的流函数（`fread`、
 * `stream_socket_recvfrom`）在内部做的就是这个调用。
 */
ssize_t try_read(int fd, void *buf, size_t cap);

/**
 * \~english
 * @brief Connects to an IPv4 TCP server, giving up after @p timeout_ms milliseconds.
 *
 * The sequence of document 003, in this order:
 * -# `socket(AF_INET, SOCK_STREAM, 0)`;
 * -# `fcntl(fd, F_GETFL)` to learn the flags, then
 *    `fcntl(fd, F_SETFL, flags | O_NONBLOCK)`;
 * -# `connect()`, which answers -1 with `EINPROGRESS`: the handshake goes on
 *    in the background (any other error fails at once);
 * -# `poll()` on @p fd for `POLLOUT` with the time limit: the socket becomes
 *    writable when the handshake has an outcome, good or bad;
 * -# `getsockopt(fd, SOL_SOCKET, SO_ERROR)`: 0 means connected, anything
 *    else is the reason it failed (`ECONNREFUSED`, ...);
 * -# `fcntl(fd, F_SETFL, flags)`: exactly the old flags, so the caller gets
 *    an ordinary blocking socket.
 *
 * The limit covers the whole wait. If a signal interrupts `poll()`
 * (`EINTR`), it waits again for the time that is *left*, not the full
 * @p timeout_ms again. A negative @p timeout_ms waits without limit (the
 * kernel's own connect timeout, about two minutes, still applies).
 * @p timeout_ms 0 checks once without waiting: it succeeds only if the
 * handshake has already finished (on loopback it usually has).
 *
 * @param ip         the server's address as a dotted quad, for example `"127.0.0.1"`.
 * @param port       the server's port, host byte order.
 * @param timeout_ms the longest wait in milliseconds; negative: no limit.
 * @return a connected socket in blocking mode (>= 0), which the caller must
 *         close; or -1 with `errno`:
 *         `EINVAL` when @p ip is not a dotted quad (nothing opened);
 *         `ECONNREFUSED` when nothing listens on the port (at once, without
 *         waiting for the time limit); `ETIMEDOUT` when the time ran out
 *         first; `ENETUNREACH`, `EMFILE`, ... from the call that failed.
 *         On failure the socket is closed.
 * @par PHP
 * What `stream_socket_client("tcp://ip:port", $errno, $errstr, $timeout)`
 * does inside (document 003's `strace`); with the socket extension,
 * `socket_set_nonblock()`, `socket_connect()`, `socket_select()` and
 * `socket_set_block()`.
 * \~chinese
 * @brief 连接 IPv4 TCP 服务端，@p timeout_ms 毫秒后放弃。
 *
 * 文档 003 的调用序列，按以下顺序：
 * -# `socket(AF_INET, SOCK_STREAM, 0)`；
 * -# 用 `fcntl(fd, F_GETFL)` 读出标志，然后 `fcntl(fd, F_SETFL, flags | O_NONBLOCK)`；
 * -# `connect()`，它返回 -1，`errno` 为 `EINPROGRESS`：
 *    握手在后台继续进行（其他任何错误都立即失败）；
 * -# 带时限地对 @p fd `poll()`，等待 `POLLOUT`：握手一有结果，不管成败，socket 都会变成可写；
 * -# `getsockopt(fd, SOL_SOCKET, SO_ERROR)`：0 表示已连接，
 *    其他值就是失败的原因（`ECONNREFUSED`……）；
 * -# `fcntl(fd, F_SETFL, flags)`：原样恢复旧的标志，调用者拿到的就是一个普通的阻塞 socket。
 *
 * 时限涵盖整个等待过程。如果信号打断了 `poll()`（`EINTR`），就只再等<em>剩下</em>的时间，
 * 而不是再等满 @p timeout_ms。@p timeout_ms 为负时不限时（内核自己的 connect
 * 超时，大约两分钟，仍然有效）。@p timeout_ms 为 0 时只看一次、不等待：
 * 只有握手已经完成时才会成功（在回环地址上通常已经完成）。
 *
 * @param ip         服务端的地址，点分十进制形式，例如 `"127.0.0.1"`。
 * @param port       服务端的端口，主机字节序。
 * @param timeout_ms 最长等待时间，单位毫秒；负数：不限时。
 * @return 处于阻塞模式的已连接 socket（>= 0），调用者必须关闭它；或者 -1 并设置 `errno`：@p ip
 *         不是点分十进制地址时为 `EINVAL`（什么都不打开）；没有程序监听该端口时为
 *         `ECONNREFUSED`（立即返回，不等到时限）；时间先用完时为 `ETIMEDOUT`；
 *         以及失败的那个调用给出的 `ENETUNREACH`、`EMFILE`……失败时 socket 已关闭。
 * @par PHP
 * `stream_socket_client("tcp://ip:port", $errno, $errstr, $timeout)` 在内部做的事（见文档 003 的
 * `strace`）；用 socket 扩展则是 `socket_set_nonblock()`、`socket_connect()`、`socket_select()` 和
 * `socket_set_block()`。
 */
int connect_timeout(const char *ip, uint16_t port, int timeout_ms);

#endif
