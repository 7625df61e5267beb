/* close.c — lesson 06 skeleton: replace each body with your implementation (see close.h). */
#define _POSIX_C_SOURCE 200809L
#include "close.h"

#include <errno.h>

int half_close(int fd)
{
    (void)fd;
    errno = ENOSYS; /* TODO: shutdown(fd, SHUT_WR) */
    return -1;
}

int abort_connection(int fd)
{
    (void)fd;
    errno = ENOSYS; /* TODO: setsockopt(SO_LINGER, {1, 0}), then close(); close fd on every path */
    return -1;
}

ssize_t request_reply(const char *ip, uint16_t port, const void *req, size_t len, void *reply,
                      size_t cap)
{
    (void)ip;
    (void)port;
    (void)req;
    (void)len;
    (void)reply;
    (void)cap;
    /* TODO: inet_pton, socket, connect, send all of req, shutdown(SHUT_WR), recv until 0, close */
    errno = ENOSYS;
    return -1;
}

ssize_t send_nosignal(int fd, const void *buf, size_t len)
{
    (void)fd;
    (void)buf;
    (void)len;
    errno = ENOSYS; /* TODO: send(fd, ..., MSG_NOSIGNAL) in a loop (short sends, EINTR) */
    return -1;
}
