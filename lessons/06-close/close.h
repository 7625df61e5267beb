/* close.h — lesson 06: end a connection well: half-close, abort, and send without SIGPIPE. */
#ifndef LABS_CLOSE_H
#define LABS_CLOSE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/**
 * @file close.h
 * @brief Lesson 06-close: `shutdown()`, `SO_LINGER`, `close()`, `send(MSG_NOSIGNAL)`.
 *
 * A TCP connection has two directions, and each side can end its own
 * direction separately. `close()` gives up the descriptor and both
 * directions at once; `shutdown(fd, SHUT_WR)` only says "I have nothing
 * more to send": the peer's `read()` returns 0 (end of file), and the
 * answer can still come back. This is what document 002's client lacks:
 * its server reads until end of file before it answers, its client waits
 * for that answer before it closes, and so both wait forever.
 *
 * The lesson also shows the two other ways a connection ends: abruptly
 * (`SO_LINGER` with a zero timeout, then `close()`: the kernel sends RST,
 * and the peer's next call fails with `ECONNRESET`), and from the other
 * side (writing to a peer that has gone raises `SIGPIPE`, which kills the
 * process unless the write says `MSG_NOSIGNAL`).
 *
 * Every function returns -1 with `errno` set on failure.
 *
 * @see @ref lesson06 (the lesson text), @ref phpmap (PHP to C).
 */

/**
 * @brief Ends the sending direction of a connection; receiving goes on.
 *
 * `shutdown(fd, SHUT_WR)`. Data already written is still delivered, then
 * the peer's `read()` returns 0. This side can go on reading what the peer
 * sends; writing here fails with `EPIPE` from now on. The descriptor stays
 * open: the caller still closes it when done.
 *
 * @param fd a connected TCP socket.
 * @return 0, or -1 with `errno` from `shutdown()`: `ENOTCONN` for a socket
 *         that is not connected, `EBADF` for a descriptor that is not open,
 *         `ENOTSOCK` for one that is not a socket (a pipe, a file).
 * @par PHP
 * `socket_shutdown($socket, 1)` (1: stop writing; 0 stops reading, 2 both).
 */
int half_close(int fd);

/**
 * @brief Drops a connection at once: the peer gets a reset, not an end of file.
 *
 * Sets `SO_LINGER` to `{l_onoff = 1, l_linger = 0}`, then calls `close()`:
 * the kernel throws away unsent data and sends RST instead of FIN, so the
 * peer's next `read()` or `send()` fails with `ECONNRESET`, and no
 * `TIME_WAIT` state is left on this side (the local port is free again).
 *
 * The function takes ownership of @p fd: it is closed whatever happens. If
 * `setsockopt()` fails, the descriptor is still closed (with an ordinary
 * `close()`) and the function returns -1 with `setsockopt()`'s `errno`.
 *
 * @param fd a connected TCP socket.
 * @return 0, or -1 with `errno` from `setsockopt()` (`ENOTSOCK` for a pipe,
 *         `EBADF` for a descriptor that is not open), or from `close()`.
 * @par PHP
 * `socket_set_option($socket, SOL_SOCKET, SO_LINGER, ['l_onoff' => 1, 'l_linger' => 0])`
 * followed by `socket_close($socket)`.
 */
int abort_connection(int fd);

/**
 * @brief The client of document 002, done right: send a request, half-close, read the reply.
 *
 * Connects to @p ip : @p port (IPv4), sends all @p len bytes of @p req
 * (short sends and `EINTR` handled, never `SIGPIPE`), half-closes the
 * connection so that the server sees end of file, then reads until the
 * server closes, storing at most @p cap bytes in @p reply. Without the
 * half-close, a server that reads until end of file before answering (the
 * one in document 002) and this client would wait for each other forever.
 *
 * The socket is closed before the function returns, on every path: no
 * descriptor is left open, whether it succeeds or fails.
 *
 * @param ip    the server's dotted-quad IPv4 address, such as `"127.0.0.1"`.
 * @param port  the server's port, host byte order.
 * @param req   the request bytes (may be NULL when @p len is 0).
 * @param len   number of request bytes; 0 sends nothing and half-closes at once.
 * @param reply where the reply goes (may be NULL when @p cap is 0).
 * @param cap   size of @p reply in bytes.
 * @return the number of reply bytes stored (0 to @p cap), or -1 with `errno`:
 *         `EINVAL` when @p ip is NULL or not a dotted quad (nothing is opened);
 *         `EMSGSIZE` when the server sends more than @p cap bytes;
 *         `ECONNREFUSED`, `ECONNRESET`, ... from the socket call that failed.
 * @par PHP
 * `socket_connect()`, `socket_write()`, `socket_shutdown($socket, 1)`, a
 * `socket_read()` loop until it returns `""`, `socket_close()`.
 */
ssize_t request_reply(const char *ip, uint16_t port, const void *req, size_t len, void *reply,
                      size_t cap);

/**
 * @brief Sends a whole buffer on a socket; a peer that has gone gives `EPIPE`, not `SIGPIPE`.
 *
 * Calls `send(fd, ..., MSG_NOSIGNAL)` until all @p len bytes are sent,
 * carrying on after a short send and retrying after `EINTR`. Without
 * `MSG_NOSIGNAL`, writing to a connection whose peer has closed raises
 * `SIGPIPE`, whose default action ends the process. The function does not
 * change the process's signal disposition or signal mask.
 *
 * @param fd  a connected socket.
 * @param buf the bytes to send.
 * @param len how many.
 * @return @p len, or -1 with `errno` from `send()` (`EPIPE` when the peer
 *         has closed, `ECONNRESET` when it reset the connection, `EBADF`,
 *         ...), even when part of the buffer was sent before the error.
 * @par PHP
 * `socket_send($socket, $buf, $len, MSG_NOSIGNAL)` in a loop (the PHP CLI
 * ignores `SIGPIPE` at start-up, so there `socket_write()` just returns false).
 */
ssize_t send_nosignal(int fd, const void *buf, size_t len);

#endif
