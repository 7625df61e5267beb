/* mutant: every function blocks forever in pause().
 * expect-score: 0
 */
#define _POSIX_C_SOURCE 200809L
#include "listen.h"

#include <unistd.h>

int start_listening(int fd, int backlog)
{
    (void)fd, (void)backlog;
    for (;;)
        pause();
}

int is_listening(int fd)
{
    (void)fd;
    for (;;)
        pause();
}

int create_listener(const char *ip, uint16_t port, int backlog)
{
    (void)ip, (void)port, (void)backlog;
    for (;;)
        pause();
}
