/* listen.c — lesson 03 skeleton: replace each body with your implementation (see listen.h). */
#define _POSIX_C_SOURCE 200809L
#include "listen.h"

#include <errno.h>

int start_listening(int fd, int backlog)
{
    (void)fd;
    (void)backlog;
    errno = ENOSYS; /* TODO: listen(fd, backlog) */
    return -1;
}

int is_listening(int fd)
{
    (void)fd;
    errno = ENOSYS; /* TODO: getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, ...) and return the value */
    return -1;
}

int create_listener(const char *ip, uint16_t port, int backlog)
{
    (void)ip;
    (void)port;
    (void)backlog;
    errno = ENOSYS; /* TODO: inet_pton, socket, setsockopt(SO_REUSEADDR), bind, listen; close on
                       failure */
    return -1;
}
