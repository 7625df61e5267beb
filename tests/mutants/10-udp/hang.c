/* mutant: every function blocks forever in pause(), as a blocked recvfrom() would.
 * expect-score: 0
 */
#define _POSIX_C_SOURCE 200809L
#include "udp.h"

#include <errno.h>
#include <unistd.h>

int udp_bind(const char *ip, uint16_t port)
{
    (void)ip;
    (void)port;
    pause();
    errno = EINTR;
    return -1;
}

ssize_t udp_send_to(int fd, const void *buf, size_t len, const char *ip, uint16_t port)
{
    (void)fd;
    (void)buf;
    (void)len;
    (void)ip;
    (void)port;
    pause();
    errno = EINTR;
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
    pause();
    errno = EINTR;
    return -1;
}

long udp_echo_serve(int fd, long max_datagrams)
{
    (void)fd;
    (void)max_datagrams;
    pause();
    errno = EINTR;
    return -1;
}

int udp_connect(const char *ip, uint16_t port)
{
    (void)ip;
    (void)port;
    pause();
    errno = EINTR;
    return -1;
}
