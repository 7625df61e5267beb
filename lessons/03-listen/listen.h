/* listen.h — lesson 03: make a socket listen, ask whether it listens, build a listener. */
#ifndef LABS_LISTEN_H
#define LABS_LISTEN_H

#include <stdint.h>

/**
 * @file listen.h
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
 */

/**
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
 * @par PHP
 * `socket_listen($socket, $backlog)`
 */
int start_listening(int fd, int backlog);

/**
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
 */
int is_listening(int fd);

/**
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
 */
int create_listener(const char *ip, uint16_t port, int backlog);

#endif
