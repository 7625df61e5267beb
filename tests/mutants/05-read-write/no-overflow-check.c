/* mutant: read_to_eof stops when the buffer is full and returns cap, never reporting EMSGSIZE.
 * expect-fail: test_read_to_eof_more_than_cap test_serve_prefix_reply_too_large
 */
#define _POSIX_C_SOURCE 200809L
#include "readwrite.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

ssize_t write_all(int fd, const void *buf, size_t len)
{
    const char *next = buf;
    size_t left = len;

    while (left > 0) {
        ssize_t n = write(fd, next, left);
        if (n < 0) {
            if (errno == EINTR) /* interrupted before anything moved: just go again */
                continue;
            /* Some bytes may be gone already, but half a message is no use
             * to the caller: report the error, not the partial count. */
            return -1;
        }
        /* A short write is normal (full buffer, then a signal): the rest
         * goes out on the next turn, starting where this one stopped. */
        next += n;
        left -= (size_t)n;
    }
    return (ssize_t)len;
}

ssize_t read_once(int fd, void *buf, size_t cap)
{
    ssize_t n;

    do {
        n = read(fd, buf, cap);
    } while (n < 0 && errno == EINTR);
    return n;
}

void line_reader_init(struct line_reader *reader, int fd)
{
    reader->fd = fd;
    reader->start = 0;
    reader->end = 0;
    reader->eof = 0;
}

/*
 * Length of the first line (or piece) among the buffered bytes, counting
 * its terminator; 0 when the buffered bytes do not make one yet.
 */
static size_t buffered_line_length(const struct line_reader *reader, size_t limit)
{
    size_t available = reader->end - reader->start;
    size_t scan = available < limit ? available : limit;
    const char *first = reader->buffer + reader->start;

    for (size_t i = 0; i < scan; i++)
        if (first[i] == '\n' || first[i] == '\r') /* PHP_NORMAL_READ stops at either */
            return i + 1;
    return available >= limit ? limit : 0;
}

/* Reads more bytes behind the buffered ones: 1 read some, 0 end of file, -1 error. */
static int fill_buffer(struct line_reader *reader)
{
    ssize_t n;

    /* Move the unused bytes to the front so the read gets all the free space. */
    if (reader->start > 0) {
        memmove(reader->buffer, reader->buffer + reader->start, reader->end - reader->start);
        reader->end -= reader->start;
        reader->start = 0;
    }
    do {
        n = read(reader->fd, reader->buffer + reader->end, LINE_READER_BUFFER - reader->end);
    } while (n < 0 && errno == EINTR);
    if (n < 0)
        return -1; /* the buffered bytes stay: the next call still has them */
    if (n == 0) {
        reader->eof = 1;
        return 0;
    }
    reader->end += (size_t)n;
    return 1;
}

/* Hands the first @p len buffered bytes to the caller as a NUL-terminated line. */
static ssize_t take_line(struct line_reader *reader, char *line, size_t len)
{
    memcpy(line, reader->buffer + reader->start, len);
    line[len] = '\0';
    reader->start += len;
    return (ssize_t)len;
}

ssize_t line_reader_next(struct line_reader *reader, char *line, size_t cap)
{
    if (cap < 2) { /* no room for one byte and the NUL */
        errno = EINVAL;
        return -1;
    }
    size_t limit = cap - 1 < LINE_READER_BUFFER ? cap - 1 : LINE_READER_BUFFER;

    for (;;) {
        size_t len = buffered_line_length(reader, limit);
        if (len > 0)
            return take_line(reader, line, len);
        if (reader->eof) /* the last line may lack a terminator; then 0 for ever */
            return take_line(reader, line, reader->end - reader->start);
        if (fill_buffer(reader) < 0)
            return -1;
    }
}

ssize_t read_to_eof(int fd, void *buf, size_t cap)
{
    char *into = buf;
    size_t got = 0;
    char probe;

    for (;;) {
        if (got == cap)
            return (ssize_t)got;
        /* With the buffer full, one more byte tells "exactly cap" from "too much". */
        ssize_t n = got < cap ? read_once(fd, into + got, cap - got) : read_once(fd, &probe, 1);
        if (n < 0)
            return -1;
        if (n == 0)
            return (ssize_t)got;
        if (got == cap) {
            errno = EMSGSIZE;
            return -1;
        }
        got += (size_t)n;
    }
}

int serve_prefix_reply(int conn, const char *prefix)
{
    size_t prefix_len = strlen(prefix);
    int saved_errno;
    int result = -1;

    /* One buffer for the whole answer, so it goes out in one write_all(). */
    char *reply = malloc(prefix_len + PREFIX_REPLY_INPUT_MAX);
    if (!reply)
        return -1;
    memcpy(reply, prefix, prefix_len);
    ssize_t got = read_to_eof(conn, reply + prefix_len, PREFIX_REPLY_INPUT_MAX);
    if (got < 0)
        goto done;
    if (write_all(conn, reply, prefix_len + (size_t)got) < 0)
        goto done;
    result = 0;
done:
    saved_errno = errno; /* free() must not hide why we failed */
    free(reply);
    errno = saved_errno;
    return result;
}

/* "Buffer: <line>\n", written byte for byte: a line may hold NUL bytes. */
static int log_line(FILE *log, const char *line, size_t len)
{
    if (!log)
        return 0;
    if (fputs("Buffer: ", log) == EOF || fwrite(line, 1, len, log) != len ||
        fputc('\n', log) == EOF)
        return -1;
    return 0;
}

long serve_line_acks(int conn, const char *greeting_line, const char *ack_line, FILE *log)
{
    struct line_reader reader;
    char line[LINE_ACKS_LINE_MAX + 1]; /* + 1 for the NUL */
    size_t ack_len = strlen(ack_line);
    long answered = 0;

    /* The client of document 004 reads the greeting before it says anything. */
    if (write_all(conn, greeting_line, strlen(greeting_line)) < 0)
        return -1;
    line_reader_init(&reader, conn);
    for (;;) {
        ssize_t len = line_reader_next(&reader, line, sizeof line);
        if (len < 0)
            return -1;
        if (len == 0)
            return answered; /* the client shut down its sending side */
        if (log_line(log, line, (size_t)len) < 0 || write_all(conn, ack_line, ack_len) < 0)
            return -1;
        answered++;
    }
}
