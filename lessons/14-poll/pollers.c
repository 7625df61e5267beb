/* pollers.c — lesson 14 skeleton: replace each body with your implementation (see pollers.h). */
#define _GNU_SOURCE
#include "pollers.h"

#include <errno.h>

int wait_readable_poll(int fd, int timeout_ms)
{
    (void)fd;
    (void)timeout_ms;
    errno = ENOSYS; /* TODO: reject fd < 0 (EINVAL), then poll() on {fd, POLLIN} in a loop that
                     * retries EINTR with the time left (clock_gettime); POLLIN, POLLHUP and
                     * POLLERR are "readable", POLLNVAL is EBADF */
    return -1;
}

long serve_line_acks_poll(int listen_fd, int stop_fd, const char *greeting_line,
                          const char *ack_line, FILE *log)
{
    (void)listen_fd;
    (void)stop_fd;
    (void)greeting_line;
    (void)ack_line;
    (void)log;
    errno = ENOSYS; /* TODO: fcntl(F_GETFL/F_SETFL O_NONBLOCK) on listen_fd, then a loop over an
                     * array of struct pollfd: poll(), accept4(), recv()/send() that never wait,
                     * per-client buffers, POLLHUP/POLLERR closing a client; restore the flags,
                     * close the clients */
    return -1;
}

long serve_line_acks_epoll(int listen_fd, int stop_fd, const char *greeting_line,
                           const char *ack_line, FILE *log)
{
    (void)listen_fd;
    (void)stop_fd;
    (void)greeting_line;
    (void)ack_line;
    (void)log;
    errno = ENOSYS; /* TODO: epoll_create1(EPOLL_CLOEXEC), epoll_ctl(EPOLL_CTL_ADD) for listen_fd
                     * and stop_fd, then clients O_NONBLOCK with EPOLLIN | EPOLLOUT | EPOLLRDHUP |
                     * EPOLLET; epoll_wait(), read until EAGAIN after every event; close the
                     * epoll descriptor and the clients at the end */
    return -1;
}
