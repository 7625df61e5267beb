/* mutant: every function blocks forever in pause().
 * expect-score: 0
 */
#define _GNU_SOURCE
#include "pollers.h"

#include <unistd.h>

int wait_readable_poll(int fd, int timeout_ms)
{
    (void)fd, (void)timeout_ms;
    for (;;)
        pause();
}

long serve_line_acks_poll(int listen_fd, int stop_fd, const char *greeting_line,
                          const char *ack_line, FILE *log)
{
    (void)listen_fd, (void)stop_fd, (void)greeting_line, (void)ack_line, (void)log;
    for (;;)
        pause();
}

long serve_line_acks_epoll(int listen_fd, int stop_fd, const char *greeting_line,
                           const char *ack_line, FILE *log)
{
    (void)listen_fd, (void)stop_fd, (void)greeting_line, (void)ack_line, (void)log;
    for (;;)
        pause();
}
