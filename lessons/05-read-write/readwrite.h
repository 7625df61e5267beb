/* readwrite.h — lesson 05: whole writes, single reads, lines and reads to EOF on a socket. */
#ifndef LABS_READWRITE_H
#define LABS_READWRITE_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/**
 * @file readwrite.h
 * @brief Lesson 05-read-write: `read()`, `write()`, `recv()`, `send()` on a TCP connection.
 *
 * TCP carries a stream of bytes, not messages. One `write()` of 100 bytes
 * may reach the peer as one `read()` of 100 bytes, as ten reads of 10, or
 * together with the next write; and `write()` itself may take only part of
 * what it is given (a *short write*) when the socket's buffer is full and a
 * signal arrives. A blocking call interrupted by a signal handler that was
 * installed without `SA_RESTART` fails with `EINTR` and simply has to be
 * made again. This lesson writes the small loops every socket program
 * needs because of that:
 *
 * - write_all() keeps writing until every byte is gone;
 * - read_once() is one read, whatever size it gives (PHP's `PHP_BINARY_READ`);
 * - the line reader splits the stream into lines like PHP's
 *   `PHP_NORMAL_READ`, but reads in blocks, not one system call per byte;
 * - read_to_eof() reads until the peer says it has finished;
 * - serve_prefix_reply() and serve_line_acks() are the servers of
 *   documents 002 and 004 built from them.
 *
 * Every function but line_reader_init() returns -1 with `errno` set on
 * failure. None of them closes the descriptor it is given. Writing to a peer that
 * has gone raises `SIGPIPE`; lesson 06 shows how to avoid it, and the
 * tests of this lesson ignore that signal so that the error comes back as
 * `EPIPE`.
 *
 * @see @ref lesson05 (the lesson text), @ref phpmap (PHP to C).
 */

/** Bytes a line reader reads ahead; also the longest piece of a line it returns. */
#define LINE_READER_BUFFER 4096

/**
 * @brief A buffered line reader: the state between calls of line_reader_next().
 *
 * Bytes that `read()` returned but no line has used yet wait in `buffer`
 * from index `start` up to (not including) `end`. Set it up with
 * line_reader_init(); the fields are public so that you can see them in a
 * debugger, but only line_reader_next() should change them.
 */
struct line_reader {
    int fd;                          /**< descriptor read from */
    size_t start;                    /**< first unconsumed byte in buffer */
    size_t end;                      /**< one past the last valid byte */
    int eof;                         /**< read() returned 0 */
    char buffer[LINE_READER_BUFFER]; /**< bytes read ahead */
};

/** Most bytes serve_prefix_reply() accepts from a client before it refuses with `EMSGSIZE`. */
#define PREFIX_REPLY_INPUT_MAX (64 * 1024)

/**
 * Longest piece of a line serve_line_acks() handles at once: document 004
 * reads with `socket_read($connection, 1024, PHP_NORMAL_READ)`, so a longer
 * line is answered once per 1024 bytes.
 */
#define LINE_ACKS_LINE_MAX 1024

/**
 * @brief Writes all @p len bytes, looping over short writes and `EINTR`.
 *
 * `write()` (or `send()`) may move fewer bytes than asked; the rest is sent
 * by the next call, starting where the previous one stopped. A call that
 * fails with `EINTR` moved nothing and is made again. Any other error ends
 * the loop: then some bytes may already have reached the peer, but the
 * caller cannot use a partly sent message, so the result is -1, not the
 * count sent so far.
 *
 * @param fd  a connected socket (or any descriptor open for writing).
 * @param buf the bytes to send.
 * @param len how many; 0 sends nothing and returns 0.
 * @return @p len, or -1 with `errno` from the write that failed (`EPIPE`,
 *         `ECONNRESET` when the peer has gone, `EBADF`, ...).
 * @par PHP
 * `socket_write($socket, $buf, $len)` and `socket_send()`; unlike this
 * function, they return after one write, with the count it moved.
 */
ssize_t write_all(int fd, const void *buf, size_t len);

/**
 * @brief Reads once: whatever one `read()` returns, up to @p cap bytes.
 *
 * It does not wait for @p cap bytes: a read returns as soon as some bytes
 * have arrived. A read interrupted by a signal before any byte arrived
 * (`EINTR`) is made again; every other error is returned.
 *
 * @param fd  a connected socket.
 * @param buf where the bytes go (not NUL-terminated).
 * @param cap size of @p buf.
 * @return the number of bytes read (1 to @p cap), 0 at end of file (the
 *         peer closed or shut down its sending side), or -1 with `errno`
 *         (`ECONNRESET`, `EBADF`, ...).
 * @par PHP
 * `socket_read($socket, $cap, PHP_BINARY_READ)` and `socket_recv()`.
 */
ssize_t read_once(int fd, void *buf, size_t cap);

/**
 * @brief Prepares @p reader to read lines from @p fd.
 *
 * Sets `fd`, empties the buffer (`start` and `end` 0) and clears `eof`.
 * It reads nothing.
 *
 * @param reader the reader to set up (its previous contents do not matter).
 * @param fd     a connected socket; the reader never closes it.
 * @par PHP
 * None: PHP keeps no buffer, it reads one byte per system call.
 */
void line_reader_init(struct line_reader *reader, int fd);

/**
 * @brief Returns the next line, as PHP's `PHP_NORMAL_READ` splits them.
 *
 * A line ends at a newline `\n` or at a carriage return `\r`, and the
 * terminator belongs to the line: `"x\r\n"` is two lines, `"x\r"` and
 * `"\n"`, exactly as PHP returns them. The line is copied into @p line and
 * NUL-terminated; the returned length includes the terminator but not the
 * NUL (a line may itself hold NUL bytes, so use the length, not `strlen()`).
 *
 * - A line longer than `cap - 1` bytes comes in pieces of `cap - 1` bytes,
 *   the last piece ending with the terminator. A piece is never longer
 *   than #LINE_READER_BUFFER, so a @p cap above `LINE_READER_BUFFER + 1`
 *   gains nothing.
 * - The reader calls `read()` only when the bytes it holds do not make a
 *   whole line (or piece); each `read()` asks for all the free space in
 *   the buffer, never one byte at a time. Bytes read ahead stay for the
 *   next call.
 * - At end of file, the bytes left without a terminator are returned as
 *   the last line; after that every call returns 0.
 * - `EINTR` is retried. Any other `read()` error is returned as -1 with
 *   its `errno`, and the bytes already read ahead are kept: the next call
 *   starts with them (and reads again if it needs to).
 *
 * @param reader a reader set up with line_reader_init().
 * @param line   where the line goes, NUL-terminated.
 * @param cap    size of @p line, at least 2 (one byte and the NUL).
 * @return the length of the line (>= 1), 0 at end of file, or -1 with
 *         `errno`: `EINVAL` when @p cap < 2, or the error of `read()`.
 * @par PHP
 * `socket_read($socket, $cap - 1, PHP_NORMAL_READ)`.
 */
ssize_t line_reader_next(struct line_reader *reader, char *line, size_t cap);

/**
 * @brief Reads until end of file into @p buf.
 *
 * Keeps reading (and retrying `EINTR`) until a read returns 0. Exactly
 * @p cap bytes followed by end of file is a success; if a byte arrives
 * after @p cap bytes, the answer is `EMSGSIZE` (the first @p cap bytes are
 * then in @p buf, and the stream has not been read to its end).
 *
 * @param fd  a connected socket whose peer will shut down its sending side.
 * @param buf where the bytes go (not NUL-terminated).
 * @param cap size of @p buf.
 * @return the number of bytes read (0 to @p cap), or -1 with `errno`:
 *         `EMSGSIZE` when more than @p cap bytes arrive, or the error of
 *         `read()` (`ECONNRESET`, ...).
 * @par PHP
 * `while ($buf = socket_read($socket, 8192)) $out .= $buf;` as in document 002.
 */
ssize_t read_to_eof(int fd, void *buf, size_t cap);

/**
 * @brief The server side of document 002: read the request until EOF, answer prefix + request.
 *
 * Reads everything the client sends until the client shuts down its
 * sending side (at most #PREFIX_REPLY_INPUT_MAX bytes), then writes
 * @p prefix followed by those bytes, all of them (write_all() semantics).
 * With the document's prefix `"数据是 "` (UTF-8), a client that sends
 * `"hello \n"` receives `"数据是 hello \n"`. @p conn stays open: the caller
 * closes it.
 *
 * @param conn   a connected socket.
 * @param prefix the NUL-terminated text put before the data.
 * @return 0, or -1 with `errno`: `EMSGSIZE` when the client sends more than
 *         #PREFIX_REPLY_INPUT_MAX bytes (then nothing is written), `ENOMEM`,
 *         or the error of the read or write that failed.
 * @par PHP
 * Document 002's loop: `socket_read($msgsock, 8192)` until it returns
 * nothing, then `socket_write($msgsock, "数据是 $out")`.
 */
int serve_prefix_reply(int conn, const char *prefix);

/**
 * @brief The server side of document 004: greet, then acknowledge every line.
 *
 * Sends @p greeting_line (the document's `"Connect\n"`) before reading
 * anything, then reads lines exactly as line_reader_next() splits them,
 * with pieces of at most #LINE_ACKS_LINE_MAX bytes. For each line it writes
 * `"Buffer: <line>\n"` to @p log (when @p log is not NULL; `<line>` keeps
 * its terminator, so `"SOME data\n"` is logged as `"Buffer: SOME data\n\n"`)
 * and then sends @p ack_line (`"Information received\n"`) to the client.
 * Each line is answered as soon as it has arrived, without waiting for
 * the next one. It returns when the client shuts down its sending side;
 * @p conn stays open.
 *
 * @param conn          a connected socket.
 * @param greeting_line NUL-terminated text sent first.
 * @param ack_line      NUL-terminated text sent once per line.
 * @param log           where each line is logged, or NULL.
 * @return the number of lines answered (0 if the client sent nothing), or
 *         -1 with `errno` of the read, write or log write that failed
 *         (`ECONNRESET`, `EPIPE`, ...).
 * @par PHP
 * Document 004's server loop: `socket_write($connection, "Connect\n")`, then
 * `while ($data = socket_read($connection, 1024, PHP_NORMAL_READ))` printing
 * `"Buffer: "` and answering with `socket_write()`.
 */
long serve_line_acks(int conn, const char *greeting_line, const char *ack_line, FILE *log);

#endif
