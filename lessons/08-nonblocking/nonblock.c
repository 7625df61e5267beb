/* nonblock.c — lesson 08 skeleton: replace each body with your implementation (see nonblock.h). */
#define _POSIX_C_SOURCE 200809L
#include "nonblock.h"

#include <errno.h>

int set_nonblocking(int fd, int on)
{
    (void)fd;
    (void)on;
    errno = ENOSYS; /* TODO: fcntl(F_GETFL), change O_NONBLOCK only, fcntl(F_SETFL) */
    return -1;
}

ssize_t try_read(int fd, void *buf, size_t cap)
{
    (void)fd;
    (void)buf;
    (void)cap;
    errno = ENOSYS; /* TODO: recv() with MSG_DONTWAIT */
    return -1;
}

int connect_timeout(const char *ip, uint16_t port, int timeout_ms)
{
    (void)ip;
    (void)port;
    (void)timeout_ms;
    errno = ENOSYS; /* TODO: inet_pton, socket, fcntl(O_NONBLOCK), connect, poll(POLLOUT),
                       getsockopt(SO_ERROR), fcntl(old flags) */
    return -1;
}
