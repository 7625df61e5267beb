/* mutant: every function blocks forever in pause(), as a blocked waitpid() or connect() would.
 * expect-score: 0
 */
#define _POSIX_C_SOURCE 200809L
#include "socketpair.h"

#include <errno.h>
#include <unistd.h>

int make_socket_pair(int fds[2])
{
    (void)fds;
    pause();
    errno = EINTR;
    return -1;
}

pid_t start_worker(int *parent_end, worker_fn *work, void *arg)
{
    (void)parent_end;
    (void)work;
    (void)arg;
    pause();
    errno = EINTR;
    return -1;
}

int finish_worker(pid_t pid, int parent_end)
{
    (void)pid;
    (void)parent_end;
    pause();
    errno = EINTR;
    return -1;
}

int unix_listener(const char *path, int backlog, mode_t mode)
{
    (void)path;
    (void)backlog;
    (void)mode;
    pause();
    errno = EINTR;
    return -1;
}

int unix_connect(const char *path)
{
    (void)path;
    pause();
    errno = EINTR;
    return -1;
}

int unix_remove(const char *path)
{
    (void)path;
    pause();
    errno = EINTR;
    return -1;
}
