/* mutant: every function blocks in pause(); the grader must time each test out and score 0.
 * expect-score: 0
 */
#define _POSIX_C_SOURCE 200809L
#include "bind.h"

#include <errno.h>
#include <unistd.h>

int bind_ipv4(int fd, const char *ip, uint16_t port)
{
    (void)fd;
    (void)ip;
    (void)port;
    pause();
    errno = EINTR;
    return -1;
}

int enable_address_reuse(int fd)
{
    (void)fd;
    pause();
    errno = EINTR;
    return -1;
}

int local_endpoint(int fd, char *buf, size_t cap)
{
    (void)fd;
    (void)buf;
    (void)cap;
    pause();
    errno = EINTR;
    return -1;
}
