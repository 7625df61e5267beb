/* bind.c — lesson 02 skeleton: replace each body with your implementation (see bind.h). */
#define _POSIX_C_SOURCE 200809L
#include "bind.h"

#include <errno.h>

int bind_ipv4(int fd, const char *ip, uint16_t port)
{
    (void)fd;
    (void)ip;
    (void)port;
    errno = ENOSYS; /* TODO: inet_pton(AF_INET, ...) must return 1 (else EINVAL), htons(), bind() */
    return -1;
}

int enable_address_reuse(int fd)
{
    (void)fd;
    errno = ENOSYS; /* TODO: setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, ...) with the value 1 */
    return -1;
}

int local_endpoint(int fd, char *buf, size_t cap)
{
    (void)fd;
    (void)buf;
    (void)cap;
    errno = ENOSYS; /* TODO: getsockname(), inet_ntop(), ntohs(), snprintf() (ENOSPC if cut) */
    return -1;
}
