/* select.h — lesson 07: wait on descriptors with select(), serve many clients in one thread. */
#ifndef LABS_SELECT_H
#define LABS_SELECT_H

#include <stdio.h>

/**
 * @file select.h
 * @brief Lesson 07-select: `select()`, `fd_set`, `FD_SETSIZE`, writes that never wait.
 *
 * Document 004's server talks to one client at a time: while it waits in
 * `socket_read()` for one client's next line, every other client waits
 * too. `select()` turns the question around: the server hands the kernel
 * the set of descriptors it cares about and sleeps until at least one of
 * them is ready, then serves exactly those, without ever waiting on a
 * single client.
 *
 * - wait_readable() waits for one descriptor, with a time limit that
 *   signals do not stretch.
 * - serve_line_acks_select() is document 004's protocol for many clients
 *   at once, in one thread.
 *
 * Three rules of `select()` that this lesson's tests check:
 * - `nfds` is the highest descriptor in the sets **plus one**;
 * - `select()` overwrites the sets (and, on Linux, the timeout) it is
 *   given, so they are built again before every call;
 * - an `fd_set` holds descriptors 0 to `FD_SETSIZE - 1` (1024) only:
 *   `FD_SET()` of a larger one writes past the end of the set.
 *
 * @see @ref lesson07 (the lesson text), @ref phpmap (PHP to C).
 */

/**
 * Longest piece of a line serve_line_acks_select() answers at once:
 * document 004 reads with `socket_read($connection, 1024, PHP_NORMAL_READ)`,
 * so a longer line is answered once per 1024 bytes.
 */
#define SELECT_LINE_MAX 1024

/**
 * @brief Waits until @p fd is readable, or until @p timeout_ms have passed.
 *
 * Uses `select()` with a set holding only @p fd, so `nfds` is `fd + 1`.
 * "Readable" means a `read()` would not wait: data has arrived, the peer
 * has closed (the read would return 0), an error is pending, or, on a
 * listening socket, a connection is waiting for `accept()`.
 *
 * A signal that interrupts the wait (`select()` fails with `EINTR`) does
 * not end it: the set is built again and the wait goes on for the time
 * that is **left** until the deadline (measured on the monotonic clock),
 * not for the whole @p timeout_ms again, so signals arriving every few
 * milliseconds cannot make the call wait longer than asked.
 *
 * @param fd         the descriptor to watch; it must fit in an `fd_set`
 *                   (0 to `FD_SETSIZE - 1`).
 * @param timeout_ms how long to wait at most, in milliseconds; 0 only
 *                   looks and returns at once; a negative value waits
 *                   without limit.
 * @return 1 when @p fd is readable, 0 when the time ran out first, or -1
 *         with `errno`: `EINVAL` when @p fd is negative or not below
 *         `FD_SETSIZE` (checked before any `FD_SET()`, which would write
 *         past the set), `EBADF` when @p fd is not open, or the error of
 *         `select()` or `clock_gettime()`.
 * @par PHP
 * `socket_select($read, $write, $except, $sec, $usec)` with one socket in
 * `$read`; PHP returns the number of ready sockets and rewrites `$read`
 * just as `select()` rewrites its `fd_set`.
 */
int wait_readable(int fd, int timeout_ms);

/**
 * @brief Document 004's server for many clients in one thread, until @p stop_fd is readable.
 *
 * One `select()` loop watches @p listen_fd (a new client), @p stop_fd (time
 * to stop) and every client. Each client gets what document 004's server
 * gives one client:
 * - @p greeting_line (the document's `"Connect\n"`) as soon as it is accepted;
 * - one @p ack_line (`"Information received\n"`) per line, in order. Lines
 *   are split as `PHP_NORMAL_READ` splits them: a line ends at a newline
 *   `\n` or at a carriage return `\r` and includes it (so `"x\r\n"` is two
 *   lines, `"x\r"` and `"\n"`); a line longer than #SELECT_LINE_MAX bytes is
 *   answered once per piece of #SELECT_LINE_MAX bytes;
 * - when @p log is not NULL, `"Buffer: <line>\n"` written to @p log for each
 *   line, before its answer (`<line>` keeps its terminator, so
 *   `"SOME data\n"` is logged as `"Buffer: SOME data\n\n"`). The lines of
 *   one client appear in the order it sent them.
 *
 * No client can hold up the others:
 * - a client that sends nothing, or half a line, is simply not ready: the
 *   server keeps what has arrived and answers the line when its end comes;
 * - the server never waits on a write: it sends with `MSG_DONTWAIT` and
 *   remembers, per client, what the socket could not take yet (the rest of
 *   the greeting, and how many answers it still owes), then sends it when
 *   `select()` reports the client writable. A client that does not read its
 *   answers makes the server stop reading its lines once a few dozen
 *   answers are waiting for it (back-pressure): its unread lines stay in
 *   the kernel's buffers and only that client slows down.
 *
 * A client that shuts down its sending side (EOF) still gets every answer:
 * a last line without terminator counts as a line (as PHP's read returns
 * it), is logged and answered; the server closes the connection once all
 * its answers are sent. A client that fails (`ECONNRESET`, `EPIPE`) is
 * closed at once. A new connection whose descriptor does not fit in an
 * `fd_set` (`>= FD_SETSIZE`) is closed right after `accept()`. Errors of
 * single clients never end the loop.
 *
 * While it runs, @p listen_fd is non-blocking, so that a client that gives
 * up between `select()` and `accept()` cannot block the loop; its file
 * flags are restored before the function returns. @p listen_fd and
 * @p stop_fd are never closed, and @p stop_fd is never read: the byte that
 * made it readable is still there afterwards.
 *
 * @param listen_fd     a listening socket (0 to `FD_SETSIZE - 1`).
 * @param stop_fd       a descriptor (0 to `FD_SETSIZE - 1`), for example a
 *                      pipe's read end: the loop ends when it becomes readable.
 * @param greeting_line NUL-terminated text sent to every new client.
 * @param ack_line      NUL-terminated text sent once per line.
 * @param log           where each line is logged, or NULL. Logging is a
 *                      report: if writing to @p log fails, the clients are
 *                      still served.
 * @return the number of lines answered, all clients together (an answer
 *         queued for a client that vanished before it was sent still
 *         counts), once @p stop_fd is readable; every client connection is
 *         then closed (answers not yet sent are dropped). -1 with `errno`
 *         on failure, with every client closed and the flags of
 *         @p listen_fd restored: `EINVAL` when @p listen_fd or @p stop_fd is
 *         negative or not below `FD_SETSIZE`; the error of `fcntl()`
 *         (`EBADF` for a closed @p listen_fd), of `select()` (not `EINTR`,
 *         which is retried), of `accept()` (not `EAGAIN`, `ECONNABORTED`,
 *         `EINTR` or `EPROTO`, which only mean that this client is gone:
 *         the loop goes on), or `ENOMEM`.
 * @par PHP
 * `socket_select()` in a loop over `socket_accept()`, `socket_read()` and
 * `socket_write()`: the multi-client form of document 004's server, which
 * the document's own loop cannot be.
 */
long serve_line_acks_select(int listen_fd, int stop_fd, const char *greeting_line,
                            const char *ack_line, FILE *log);

#endif
