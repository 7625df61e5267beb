/* accept.h — lesson 04: accept connections, name the peer, connect, serve greetings. */
#ifndef LABS_ACCEPT_H
#define LABS_ACCEPT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/**
 * @file accept.h
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
 */

/** Most bytes serve_greetings() reads per client: the documents' `socket_read($msgsock, 8192)`. */
#define GREETING_READ_MAX 8192

/** What serve_greetings() writes to the log before each client's message: the documents' text. */
#define GREETING_LOG_PREFIX "收到的信息:"

/**
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
 */
int accept_client(int listen_fd, char *peer, size_t peer_cap);

/**
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
 * @par PHP
 * `socket_getpeername($socket, $address, $port)`.
 */
int peer_endpoint(int fd, char *buf, size_t cap);

/**
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
 */
int connect_ipv4(const char *ip, uint16_t port);

/**
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
 */
long serve_greetings(int listen_fd, const char *greeting, int max_clients, FILE *log);

#endif
