/* select.c — lesson 07 skeleton: replace each body with your implementation (see select.h). */
#define _POSIX_C_SOURCE 200809L
#include "select.h"

#include <errno.h>

int wait_readable(int fd, int timeout_ms)
{
    (void)fd;
    (void)timeout_ms;
    errno = ENOSYS; /* TODO: check fd < FD_SETSIZE, then FD_ZERO/FD_SET and select(fd + 1, ...)
                     * in a loop that retries EINTR with the time left (clock_gettime) */
    return -1;
}

long serve_line_acks_select(int listen_fd, int stop_fd, const char *greeting_line,
                            const char *ack_line, FILE *log)
{
    (void)listen_fd;
    (void)stop_fd;
    (void)greeting_line;
    (void)ack_line;
    (void)log;
    errno = ENOSYS; /* TODO: fcntl(F_GETFL/F_SETFL O_NONBLOCK) on listen_fd, then a loop:
                     * build the fd_sets, select(max + 1, ...), accept(), recv()/send() with
                     * MSG_DONTWAIT, per-client buffers; restore the flags, close the clients */
    return -1;
}
