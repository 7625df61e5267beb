/* mutant: every function blocks forever in pause().
 * expect-score: 0
 */
#define _POSIX_C_SOURCE 200809L
#include "readwrite.h"

#include <unistd.h>

ssize_t write_all(int fd, const void *buf, size_t len)
{
    (void)fd, (void)buf, (void)len;
    for (;;)
        pause();
}

ssize_t read_once(int fd, void *buf, size_t cap)
{
    (void)fd, (void)buf, (void)cap;
    for (;;)
        pause();
}

void line_reader_init(struct line_reader *reader, int fd)
{
    (void)reader, (void)fd;
    for (;;)
        pause();
}

ssize_t line_reader_next(struct line_reader *reader, char *line, size_t cap)
{
    (void)reader, (void)line, (void)cap;
    for (;;)
        pause();
}

ssize_t read_to_eof(int fd, void *buf, size_t cap)
{
    (void)fd, (void)buf, (void)cap;
    for (;;)
        pause();
}

int serve_prefix_reply(int conn, const char *prefix)
{
    (void)conn, (void)prefix;
    for (;;)
        pause();
}

long serve_line_acks(int conn, const char *greeting_line, const char *ack_line, FILE *log)
{
    (void)conn, (void)greeting_line, (void)ack_line, (void)log;
    for (;;)
        pause();
}
