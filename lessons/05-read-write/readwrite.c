/* readwrite.c — lesson 05 skeleton: replace each body with your code (see readwrite.h). */
#define _POSIX_C_SOURCE 200809L
#include "readwrite.h"

#include <errno.h>

ssize_t write_all(int fd, const void *buf, size_t len)
{
    (void)fd;
    (void)buf;
    (void)len;
    errno = ENOSYS; /* TODO: write() in a loop: advance past short writes, retry EINTR */
    return -1;
}

ssize_t read_once(int fd, void *buf, size_t cap)
{
    (void)fd;
    (void)buf;
    (void)cap;
    errno = ENOSYS; /* TODO: one read(), made again only when it fails with EINTR */
    return -1;
}

void line_reader_init(struct line_reader *reader, int fd)
{
    (void)reader;
    (void)fd;
    /* TODO: set fd, start = end = 0, eof = 0 */
}

ssize_t line_reader_next(struct line_reader *reader, char *line, size_t cap)
{
    (void)reader;
    (void)line;
    (void)cap;
    errno =
        ENOSYS; /* TODO: find '\n' or '\r' in the buffer; read() more into it only when needed */
    return -1;
}

ssize_t read_to_eof(int fd, void *buf, size_t cap)
{
    (void)fd;
    (void)buf;
    (void)cap;
    errno = ENOSYS; /* TODO: read() until it returns 0; EMSGSIZE if a byte comes after cap */
    return -1;
}

int serve_prefix_reply(int conn, const char *prefix)
{
    (void)conn;
    (void)prefix;
    errno = ENOSYS; /* TODO: read_to_eof(), then write_all() the prefix and the data */
    return -1;
}

long serve_line_acks(int conn, const char *greeting_line, const char *ack_line, FILE *log)
{
    (void)conn;
    (void)greeting_line;
    (void)ack_line;
    (void)log;
    errno = ENOSYS; /* TODO: write_all() the greeting, then line_reader_next() and write_all() the
                       ack */
    return -1;
}
