/* mutant: every function blocks forever in pause().
 * expect-score: 0
 */
#define _POSIX_C_SOURCE 200809L
#include "select.h"

#include <unistd.h>

int wait_readable(int fd, int timeout_ms)
{
    (void)fd, (void)timeout_ms;
    for (;;)
        pause();
}

long serve_line_acks_select(int listen_fd, int stop_fd, const char *greeting_line,
                            const char *ack_line, FILE *log)
{
    (void)listen_fd, (void)stop_fd, (void)greeting_line, (void)ack_line, (void)log;
    for (;;)
        pause();
}
