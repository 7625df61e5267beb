/* create.c — lesson 01 skeleton: replace each body with your implementation (see create.h). */
#define _POSIX_C_SOURCE 200809L
#include "create.h"

#include <errno.h>

int create_tcp_socket(void)
{
    errno = ENOSYS; /* TODO: getprotobyname("tcp"), then socket() */
    return -1;
}

int create_udp_socket(void)
{
    errno = ENOSYS; /* TODO: socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP) */
    return -1;
}

int socket_kind(int fd, int *domain, int *type, int *protocol)
{
    (void)fd;
    (void)domain;
    (void)type;
    (void)protocol;
    errno = ENOSYS; /* TODO: getsockopt() with SO_DOMAIN, SO_TYPE, SO_PROTOCOL */
    return -1;
}

int socket_take_error(int fd)
{
    (void)fd;
    errno = ENOSYS; /* TODO: getsockopt(SO_ERROR) */
    return -1;
}

int format_socket_error(char *buf, size_t cap, const char *call, int err)
{
    (void)buf;
    (void)cap;
    (void)call;
    (void)err;
    errno = ENOSYS; /* TODO: snprintf "<call>() failed: <strerror(err)>" */
    return -1;
}
