/* mutant: every function blocks forever in pause(); the grader must time each test out.
 * expect-score: 0
 */
#define _POSIX_C_SOURCE 200809L
#include "close.h"

#include <unistd.h>

int half_close(int fd)
{
    (void)fd;
    pause();
    return -1;
}

int abort_connection(int fd)
{
    (void)fd;
    pause();
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
    pause();
    return -1;
}

ssize_t send_nosignal(int fd, const void *buf, size_t len)
{
    (void)fd;
    (void)buf;
    (void)len;
    pause();
    return -1;
}
