/* socketpair.c — lesson 11 skeleton: write each function (the contract is in socketpair.h). */
#define _POSIX_C_SOURCE 200809L
#include "socketpair.h"

#include <errno.h>

int make_socket_pair(int fds[2])
{
    (void)fds;
    errno = ENOSYS; /* TODO: socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ...) */
    return -1;
}

pid_t start_worker(int *parent_end, worker_fn *work, void *arg)
{
    (void)parent_end;
    (void)work;
    (void)arg;
    errno =
        ENOSYS; /* TODO: make_socket_pair(), fork(); child: close, work(), _exit(); parent: close */
    return -1;
}

int finish_worker(pid_t pid, int parent_end)
{
    (void)pid;
    (void)parent_end;
    errno = ENOSYS; /* TODO: close(parent_end), then waitpid() (retry EINTR), WEXITSTATUS */
    return -1;
}

int unix_listener(const char *path, int backlog, mode_t mode)
{
    (void)path;
    (void)backlog;
    (void)mode;
    errno = ENOSYS; /* TODO: length check, socket(AF_UNIX), bind() (stale file: lstat, connect,
                       unlink), chmod(), listen() */
    return -1;
}

int unix_connect(const char *path)
{
    (void)path;
    errno = ENOSYS; /* TODO: length check, socket(AF_UNIX), connect() */
    return -1;
}

int unix_remove(const char *path)
{
    (void)path;
    errno = ENOSYS; /* TODO: lstat(), S_ISSOCK, unlink() */
    return -1;
}
