/* mutant: after fork() the parent does not close the child's end of the pair.
 * expect-fail: test_start_worker_one_descriptor_in_parent test_start_worker_request_reply
 */
#define _POSIX_C_SOURCE 200809L
#include "socketpair.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

/* The shell's convention for "killed by signal N": exit status 128 + N. */
#define SIGNAL_STATUS_BASE 128

/* Only the permission bits of a mode are the caller's business here. */
#define PERMISSION_BITS 0777

/* close() that keeps errno: clean-up must not hide the error being reported. */
static void close_keep_errno(int fd)
{
    int saved = errno;
    close(fd);
    errno = saved;
}

int make_socket_pair(int fds[2])
{
    int pair[2];

    /* SOCK_CLOEXEC in the same call: no moment in which another thread's
     * fork() + exec() could carry the ends into an unrelated program. */
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0)
        return -1;
    fds[0] = pair[0]; /* written only on success: the caller's values survive a failure */
    fds[1] = pair[1];
    return 0;
}

/* The child's side of start_worker(): never returns. */
static _Noreturn void run_worker(int parent_end, int child_end, worker_fn *work, void *arg)
{
    /* Our copy of the parent's end would keep it open: the worker would
     * then never read end of file when the parent closes its own copy. */
    close(parent_end);
    int status = work(child_end, arg);
    /* _exit, not exit: exit() would flush the copies of the parent's stdio
     * buffers that fork() gave us (their contents would appear twice) and
     * run the parent's atexit() handlers. The kernel keeps the low 8 bits. */
    _exit(status);
}

pid_t start_worker(int *parent_end, worker_fn *work, void *arg)
{
    int pair[2];
    pid_t pid;

    if (parent_end == NULL || work == NULL) {
        errno = EINVAL;
        return -1;
    }
    if (make_socket_pair(pair) < 0)
        return -1;
    pid = fork();
    if (pid < 0)
        goto fail;
    if (pid == 0)
        run_worker(pair[0], pair[1], work, arg);
    /* Parent: the worker's end lives on in the child only. Keeping a copy
     * here would hide the worker's end of file from us. */
    *parent_end = pair[0]; /* pair[1] stays open here too */
    return pid;

fail:
    close_keep_errno(pair[0]);
    close_keep_errno(pair[1]);
    return -1;
}

int finish_worker(pid_t pid, int parent_end)
{
    int status;
    pid_t done;

    if (parent_end >= 0)
        close(parent_end); /* first: a worker reading until EOF ends only after this */
    if (pid <= 0) {
        /* waitpid(-1) would reap any child, waitpid(0) any of the group. */
        errno = EINVAL;
        return -1;
    }
    do {
        done = waitpid(pid, &status, 0);
    } while (done < 0 && errno == EINTR);
    if (done < 0)
        return -1;
    if (WIFSIGNALED(status))
        return SIGNAL_STATUS_BASE + WTERMSIG(status);
    return WEXITSTATUS(status);
}

/* Fills a sockaddr_un with the whole of path, or fails: never a cut-off name. */
static int unix_address(const char *path, struct sockaddr_un *addr)
{
    size_t len;

    if (path == NULL) {
        errno = EINVAL;
        return -1;
    }
    len = strlen(path);
    if (len == 0) {
        errno = ENOENT; /* as every file-system call says for "" */
        return -1;
    }
    if (len > UNIX_PATH_LIMIT) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memset(addr, 0, sizeof *addr);
    addr->sun_family = AF_UNIX;
    memcpy(addr->sun_path, path, len + 1); /* the NUL fits: len < sizeof sun_path */
    return 0;
}

/* 1 when a server accepts (or queues) connections at addr, 0 when it refuses: nobody listens. */
static int someone_listens(const struct sockaddr_un *addr)
{
    /* Non-blocking: a full queue of a live server answers EAGAIN at once
     * instead of making us wait for room in it. */
    int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int refused;

    if (probe < 0)
        return -1;
    refused = connect(probe, (const struct sockaddr *)addr, sizeof *addr) < 0 &&
              (errno == ECONNREFUSED || errno == ENOENT);
    close(probe);
    /* Anything but a refusal (success, EAGAIN, EACCES...) may be a live
     * server, or one we cannot judge: its path must not be taken. */
    return !refused;
}

/* After bind() said EADDRINUSE: removes addr's file if it is a socket nobody listens on.
 * 0 when bind() may be tried again; -1 with errno (EADDRINUSE: the path is not ours to take). */
static int remove_if_stale(const struct sockaddr_un *addr)
{
    struct stat st;
    int listening;

    if (lstat(addr->sun_path, &st) < 0)
        return errno == ENOENT ? 0 : -1; /* gone meanwhile: just bind again */
    if (!S_ISSOCK(st.st_mode)) {
        errno = EADDRINUSE; /* someone's file: never deleted */
        return -1;
    }
    listening = someone_listens(addr);
    if (listening < 0)
        return -1;
    if (listening) {
        errno = EADDRINUSE; /* a live server: do not steal its address */
        return -1;
    }
    if (unlink(addr->sun_path) < 0 && errno != ENOENT)
        return -1;
    return 0;
}

/* bind(), replacing a stale socket file once. */
static int bind_unix(int fd, const struct sockaddr_un *addr)
{
    if (bind(fd, (const struct sockaddr *)addr, sizeof *addr) == 0)
        return 0;
    if (errno != EADDRINUSE || remove_if_stale(addr) < 0)
        return -1;
    /* Once only: if someone took the path meanwhile, that is their server. */
    return bind(fd, (const struct sockaddr *)addr, sizeof *addr);
}

int unix_listener(const char *path, int backlog, mode_t mode)
{
    struct sockaddr_un addr;
    int fd, saved;

    if (unix_address(path, &addr) < 0)
        return -1;
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (bind_unix(fd, &addr) < 0)
        goto fail;
    /* chmod on the path (fchmod on a socket does not reach its file), and
     * before listen(): until then every connect() is refused anyway. */
    if (chmod(path, mode & PERMISSION_BITS) < 0 || listen(fd, backlog) < 0)
        goto fail_unlink;
    return fd;

fail_unlink:
    saved = errno;
    unlink(path); /* the file is ours: we just created it */
    errno = saved;
fail:
    close_keep_errno(fd);
    return -1;
}

int unix_connect(const char *path)
{
    struct sockaddr_un addr;
    int fd, rc;

    if (unix_address(path, &addr) < 0)
        return -1;
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    do {
        /* An AF_UNIX connect() waits only for room in a full queue; when a
         * signal cuts that wait short, nothing was started: ask again. */
        rc = connect(fd, (const struct sockaddr *)&addr, sizeof addr);
    } while (rc < 0 && errno == EINTR);
    if (rc < 0)
        goto fail;
    return fd;

fail:
    close_keep_errno(fd);
    return -1;
}

int unix_remove(const char *path)
{
    struct stat st;

    if (path == NULL) {
        errno = EINVAL;
        return -1;
    }
    if (lstat(path, &st) < 0)
        return -1;
    if (!S_ISSOCK(st.st_mode)) {
        errno = ENOTSOCK;
        return -1;
    }
    return unlink(path);
}
