/* udp.c — lesson 10 skeleton: replace each body with your implementation (see udp.h). */
#define _POSIX_C_SOURCE 200809L
#include "udp.h"

#include <errno.h>

int udp_bind(const char *ip, uint16_t port)
{
    (void)ip;
    (void)port;
    errno = ENOSYS; /* TODO: inet_pton(), socket(AF_INET, SOCK_DGRAM, 0), bind(), close on error */
    return -1;
}

ssize_t udp_send_to(int fd, const void *buf, size_t len, const char *ip, uint16_t port)
{
    (void)fd;
    (void)buf;
    (void)len;
    (void)ip;
    (void)port;
    errno = ENOSYS; /* TODO: inet_pton(), htons(), sendto() (retry EINTR) */
    return -1;
}

ssize_t udp_receive_from(int fd, void *buf, size_t cap, char *from, size_t from_cap, int *truncated)
{
    (void)fd;
    (void)buf;
    (void)cap;
    (void)from;
    (void)from_cap;
    (void)truncated;
    errno = ENOSYS; /* TODO: recvfrom(..., MSG_TRUNC, ...) (retry EINTR), inet_ntop, ntohs */
    return -1;
}

long udp_echo_serve(int fd, long max_datagrams)
{
    (void)fd;
    (void)max_datagrams;
    errno = ENOSYS; /* TODO: recvfrom() into UDP_MAX_PAYLOAD bytes, sendto() the sender's address */
    return -1;
}

int udp_connect(const char *ip, uint16_t port)
{
    (void)ip;
    (void)port;
    errno = ENOSYS; /* TODO: inet_pton(), socket(AF_INET, SOCK_DGRAM, 0), connect() */
    return -1;
}
