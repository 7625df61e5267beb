/* mutant: every function leaves a detached child behind (setsid, then sleep) and fails.
 * expect-score: 0
 */
#define _POSIX_C_SOURCE 200809L
#include "create.h"

#include <errno.h>
#include <unistd.h>

/* A child in its own session escapes Check's process-group kill: the grader must still end it. */
static int leave_child_and_fail(void)
{
    if (fork() == 0) {
        setsid();
        if (fork() == 0)
            sleep(60);
        sleep(60);
        _exit(0);
    }
    errno = ENOSYS;
    return -1;
}

int create_tcp_socket(void)
{
    return leave_child_and_fail();
}
int create_udp_socket(void)
{
    return leave_child_and_fail();
}
int socket_kind(int fd, int *domain, int *type, int *protocol)
{
    (void)fd, (void)domain, (void)type, (void)protocol;
    return leave_child_and_fail();
}
int socket_take_error(int fd)
{
    (void)fd;
    return leave_child_and_fail();
}
int format_socket_error(char *buf, size_t cap, const char *call, int err)
{
    (void)buf, (void)cap, (void)call, (void)err;
    return leave_child_and_fail();
}
