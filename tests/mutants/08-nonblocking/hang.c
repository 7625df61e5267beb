/* mutant: every function blocks forever in pause().
 * expect-score: 0
 */
#define _POSIX_C_SOURCE 200809L
#include "nonblock.h"

#include <unistd.h>

int set_nonblocking(int fd, int on)
{
    (void)fd, (void)on;
    for (;;)
        pause();
}

ssize_t try_read(int fd, void *buf, size_t cap)
{
    (void)fd, (void)buf, (void)cap;
    for (;;)
        pause();
}

int connect_timeout(const char *ip, uint16_t port, int timeout_ms)
{
    (void)ip, (void)port, (void)timeout_ms;
    for (;;)
        pause();
}
