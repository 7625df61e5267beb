/* bind.h — lesson 02: give a socket its address, allow quick rebinding, read the address back. */
#ifndef LABS_BIND_H
#define LABS_BIND_H

#include <stddef.h>
#include <stdint.h>

/**
 * @file bind.h
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
 */

/**
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
 * @par PHP
 * `socket_bind($socket, $address, $port)`
 */
int bind_ipv4(int fd, const char *ip, uint16_t port);

/**
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
 * @par PHP
 * `socket_set_option($socket, SOL_SOCKET, SO_REUSEADDR, 1)`
 */
int enable_address_reuse(int fd);

/**
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
 */
int local_endpoint(int fd, char *buf, size_t cap);

#endif
