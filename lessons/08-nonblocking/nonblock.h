/* nonblock.h — lesson 08: non-blocking mode, reads that never wait, connect() with a time limit. */
#ifndef LABS_NONBLOCK_H
#define LABS_NONBLOCK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/**
 * @file nonblock.h
 * @brief Lesson 08-nonblocking: `fcntl(F_GETFL/F_SETFL, O_NONBLOCK)`, `recv(MSG_DONTWAIT)`, and
 *        the non-blocking `connect()` + `poll()` + `SO_ERROR` sequence of document 003.
 *
 * A blocking call (`accept`, `read`, `connect`) puts the program to sleep
 * until something happens; the peer decides how long. A descriptor in
 * non-blocking mode never sleeps: a call that would have to wait fails at
 * once with `EAGAIN` (for `connect`: returns `EINPROGRESS` and goes on in the
 * background). Non-blocking mode is a *file status flag*, `O_NONBLOCK`, kept
 * with the open file next to others such as `O_APPEND`; it is read with
 * `fcntl(fd, F_GETFL)` and written with `fcntl(fd, F_SETFL, flags)`, which
 * replaces all of them at once.
 *
 * Document 003 shows, with `strace`, how PHP's `stream_socket_client()`
 * connects: it switches the new socket to non-blocking mode, starts
 * `connect()` (which answers `EINPROGRESS`), waits for the outcome with
 * `poll()` and a time limit, reads the outcome with
 * `getsockopt(SO_ERROR)`, and puts the old flags back. Its server reads with
 * `recvfrom(..., MSG_DONTWAIT)`: non-blocking for that one call only.
 *
 * Conventions: failure is -1 with `errno` set by the call that failed, and
 * nothing opened by the function is left open.
 *
 * @see @ref lesson08 (the lesson text), @ref phpmap (PHP to C).
 */

/**
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
 */
int set_nonblocking(int fd, int on);

/**
 * @brief Reads what has already arrived on a socket, never waiting.
 *
 * One `recv(fd, buf, cap, MSG_DONTWAIT)`: the flag makes this single call
 * non-blocking, whatever mode @p fd is in, and leaves the descriptor's flags
 * exactly as they were (a blocking socket stays blocking, a non-blocking one
 * stays non-blocking). This is the read of document 003's server:
 * `recvfrom(4, "hello world", 8192, MSG_DONTWAIT, NULL, NULL) = 11`.
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
 */
ssize_t try_read(int fd, void *buf, size_t cap);

/**
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
 */
int connect_timeout(const char *ip, uint16_t port, int timeout_ms);

#endif
