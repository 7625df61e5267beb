/* options.c — lesson 13 skeleton: replace each body with your implementation (see options.h). */
#define _GNU_SOURCE
#include "options.h"

#include <errno.h>

int get_int_option(int fd, int level, int name, int *value)
{
    (void)fd;
    (void)level;
    (void)name;
    (void)value;
    errno = ENOSYS; /* TODO: getsockopt() into an int; check the length that comes back */
    return -1;
}

int set_int_option(int fd, int level, int name, int value)
{
    (void)fd;
    (void)level;
    (void)name;
    (void)value;
    errno = ENOSYS; /* TODO: setsockopt(fd, level, name, &value, sizeof value) */
    return -1;
}

int set_buffer_sizes(int fd, int rcvbuf, int sndbuf, int *rcv_actual, int *snd_actual)
{
    (void)fd;
    (void)rcvbuf;
    (void)sndbuf;
    (void)rcv_actual;
    (void)snd_actual;
    /* TODO: setsockopt(SO_RCVBUF), setsockopt(SO_SNDBUF) (skip a request <= 0),
       then getsockopt() both: report what the kernel uses, not the request */
    errno = ENOSYS;
    return -1;
}

int set_nodelay(int fd, int on)
{
    (void)fd;
    (void)on;
    errno = ENOSYS; /* TODO: setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, ...) */
    return -1;
}

int set_keepalive(int fd, int idle_s, int interval_s, int count)
{
    (void)fd;
    (void)idle_s;
    (void)interval_s;
    (void)count;
    /* TODO: idle_s <= 0: setsockopt(SO_KEEPALIVE, 0). Else setsockopt(IPPROTO_TCP,
       TCP_KEEPIDLE / TCP_KEEPINTVL / TCP_KEEPCNT), then setsockopt(SOL_SOCKET, SO_KEEPALIVE, 1) */
    errno = ENOSYS;
    return -1;
}

int set_timeouts(int fd, int recv_ms, int send_ms)
{
    (void)fd;
    (void)recv_ms;
    (void)send_ms;
    /* TODO: milliseconds to struct timeval (tv_usec < 1000000), then
       setsockopt(SO_RCVTIMEO) and setsockopt(SO_SNDTIMEO) */
    errno = ENOSYS;
    return -1;
}

int set_linger(int fd, int on, int seconds)
{
    (void)fd;
    (void)on;
    (void)seconds;
    errno = ENOSYS; /* TODO: check seconds, then setsockopt(SO_LINGER, struct linger) */
    return -1;
}

int get_linger(int fd, int *on, int *seconds)
{
    (void)fd;
    (void)on;
    (void)seconds;
    errno = ENOSYS; /* TODO: getsockopt(SO_LINGER) into a struct linger; check the length */
    return -1;
}
