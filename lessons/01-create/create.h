/* create.h — lesson 01: make a socket, ask it what it is, and report errors the way the documents
 * do. */
#ifndef LABS_CREATE_H
#define LABS_CREATE_H

#include <stddef.h>

/**
 * @file create.h
 * @brief Lesson 01-create: `socket()`, `getprotobyname()`, `getsockopt(SO_ERROR)`, `strerror()`.
 *
 * A socket is a descriptor like a file's, but it is not connected to
 * anything yet: `socket()` only makes the kernel object. This lesson makes
 * TCP and UDP sockets, reads back what kind they are, takes their pending
 * error, and turns an error number into the message the documents print
 * with `or die(...)`.
 *
 * Every function returns -1 with `errno` set on failure and leaves nothing
 * open that it opened.
 *
 * @see @ref lesson01 (the lesson text), @ref phpmap (PHP to C).
 */

/**
 * @brief Makes an IPv4 TCP socket, looking the protocol up by name.
 *
 * Calls `getprotobyname("tcp")` for the protocol number, as document 004's
 * server does, then `socket(AF_INET, SOCK_STREAM, protocol)`. When the
 * protocol database has no entry (`getprotobyname()` returns NULL, as in a
 * container without `/etc/protocols`), it uses `IPPROTO_TCP`, the number
 * the database would have given.
 *
 * @return a new descriptor (>= 0), or -1 with `errno` from `socket()`
 *         (`EMFILE` when the process has no descriptor left, ...).
 * @par PHP
 * `socket_create(AF_INET, SOCK_STREAM, getprotobyname("tcp"))`
 */
int create_tcp_socket(void);

/**
 * @brief Makes an IPv4 UDP socket.
 *
 * `socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP)`.
 *
 * @return a new descriptor (>= 0), or -1 with `errno` from `socket()`.
 * @par PHP
 * `socket_create(AF_INET, SOCK_DGRAM, SOL_UDP)`
 */
int create_udp_socket(void);

/**
 * @brief Reads back the domain, type and protocol of a socket.
 *
 * Uses `getsockopt()` with `SO_DOMAIN`, `SO_TYPE` and `SO_PROTOCOL` at level
 * `SOL_SOCKET`. A pointer that is NULL is not wanted and not written.
 *
 * @param fd       the descriptor to ask.
 * @param domain   receives the address family (`AF_INET`, `AF_INET6`, `AF_UNIX`, ...), or NULL.
 * @param type     receives the socket type (`SOCK_STREAM`, `SOCK_DGRAM`, ...), or NULL.
 * @param protocol receives the protocol number (`IPPROTO_TCP`, `IPPROTO_UDP`, 0 for `AF_UNIX`), or
 * NULL.
 * @return 0, or -1 with `errno` from `getsockopt()`: `EBADF` for a closed
 *         descriptor, `ENOTSOCK` for a descriptor that is not a socket (a
 *         pipe, a file). Nothing is written on failure.
 * @par PHP
 * No single PHP function: PHP keeps these in the socket resource.
 */
int socket_kind(int fd, int *domain, int *type, int *protocol);

/**
 * @brief Takes the socket's pending error, which clears it.
 *
 * `getsockopt(fd, SOL_SOCKET, SO_ERROR, ...)`. The kernel keeps one error
 * per socket for failures that happen after a call returned (a refused
 * non-blocking `connect()`, an ICMP "port unreachable" for UDP). Reading it
 * clears it, so a second call returns 0.
 *
 * @param fd the socket.
 * @return the pending error number (0 when there is none), or -1 with
 *         `errno` from `getsockopt()` (`EBADF`, `ENOTSOCK`).
 * @par PHP
 * `socket_last_error($socket)` followed by `socket_clear_error($socket)`.
 */
int socket_take_error(int fd);

/**
 * @brief Writes the documents' error message: `"<call>() failed: <strerror(err)>"`.
 *
 * For example `format_socket_error(buf, sizeof buf, "connect", ECONNREFUSED)`
 * writes `connect() failed: Connection refused`. It behaves like
 * `snprintf()`: it writes at most @p cap bytes including the terminating
 * NUL (nothing at all when @p cap is 0, and then @p buf may be NULL), and
 * returns the length the whole message has, so a return value >= @p cap
 * means the text was cut.
 *
 * @param buf  where the message goes.
 * @param cap  size of @p buf in bytes.
 * @param call the name of the call that failed, without parentheses.
 * @param err  the error number (an `errno` value, or the result of socket_take_error()).
 * @return the full length of the message (not counting the NUL), or -1 if
 *         formatting fails.
 * @par PHP
 * `socket_strerror(socket_last_error())`, as in `or die("connect() failed: ...")`.
 */
int format_socket_error(char *buf, size_t cap, const char *call, int err);

#endif
