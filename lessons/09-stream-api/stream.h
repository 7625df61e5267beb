/* stream.h — lesson 09: PHP's stream_socket_* functions rebuilt from the system calls they make. */
#ifndef LABS_STREAM_H
#define LABS_STREAM_H

#include <stddef.h>
#include <stdio.h>

/**
 * @file stream.h
 * @brief Lesson 09-stream-api: a server, an accept with a timeout and a client from one URI, as
 * PHP's `stream_socket_server()`, `stream_socket_accept()` and `stream_socket_client()`.
 *
 * PHP's stream functions hide the socket calls of lessons 01-08 behind one
 * string, the URI `"tcp://127.0.0.1:12345"`. Document 003 ran them under
 * `strace`, which shows what each one really does. This lesson makes the
 * same calls in the same order:
 *
 * | PHP | system calls (document 003) |
 * |---|---|
 * | `stream_socket_server("tcp://0.0.0.0:12345")` | `socket`, `setsockopt(SO_REUSEADDR, 1)`,
 * `bind`, `listen(fd, 32)` | | `stream_socket_accept($sock, -1, $peer)` | `poll(POLLIN)`, `accept`
 * | | `stream_socket_client("tcp://127.0.0.1:12345")` | `socket`, `fcntl(F_GETFL)`, `fcntl(F_SETFL,
 * O_NONBLOCK)`, `connect` (`EINPROGRESS`), `poll(..., 60000)`, `getsockopt(SO_ERROR)`,
 * `fcntl(F_SETFL)` (blocking again) | | `fwrite($client, "hello world")`, `fclose($client)` |
 * stream_socket_fdopen(), then `fwrite`, `fclose` |
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
 * nothing is written. `errno` is set to the same value as @c err_code.
 * Nothing the function opened stays open when it fails.
 *
 * @see @ref lesson09 (the lesson text), @ref phpmap (PHP to C).
 */

/** listen() backlog of stream_socket_server(), PHP's default (`listen(3, 32)` in document 003). */
#define STREAM_LISTEN_BACKLOG 32

/** How long stream_socket_client() waits for the connection when @c timeout_s is negative, in ms.
 */
#define STREAM_DEFAULT_CONNECT_TIMEOUT_MS 60000

/**
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
 * @par PHP
 * `stream_socket_server($address, $error_code, $error_message)`.
 */
int stream_socket_server(const char *uri, int *err_code, char *err_msg, size_t err_cap);

/**
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
 */
int stream_socket_accept(int server, double timeout_s, char *peer, size_t peer_cap);

/**
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
 * @par PHP
 * `stream_socket_client($address, $error_code, $error_message, $timeout)`.
 */
int stream_socket_client(const char *uri, int *err_code, char *err_msg, size_t err_cap,
                         double timeout_s);

/**
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
 */
FILE *stream_socket_fdopen(int fd, const char *mode);

#endif
