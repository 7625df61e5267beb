/* mutant: set_nonblocking uses the descriptor flags (F_GETFD/F_SETFD) instead of the status
 * flags.
 * expect-fail: test_set_nonblocking_turns_on_and_off test_set_nonblocking_keeps_other_flags
 * expect-fail: test_set_nonblocking_is_idempotent test_set_nonblocking_works_on_pipes
 */
#define _POSIX_C_SOURCE 200809L
#include "nonblock.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MS_PER_S 1000LL
#define NS_PER_MS 1000000LL

int set_nonblocking(int fd, int on)
{
    int flags = fcntl(fd, F_GETFD);
    if (flags < 0)
        return -1;
    /* F_SETFL replaces every status flag at once: start from the current
     * ones so that O_APPEND, O_ASYNC, ... keep their values. Set or clear,
     * never toggle: asking twice for the same mode must change nothing. */
    int wanted = on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;
    if (wanted == flags)
        return 0;
    return fcntl(fd, F_SETFD, wanted) < 0 ? -1 : 0;
}

ssize_t try_read(int fd, void *buf, size_t cap)
{
    /* MSG_DONTWAIT makes this one call non-blocking without touching the
     * descriptor's flags, which the rest of the program (or another process
     * sharing the socket) relies on. A call that never sleeps cannot be
     * interrupted by a signal, so there is no EINTR to retry. */
    return recv(fd, buf, cap, MSG_DONTWAIT);
}

/* Milliseconds on a clock that never jumps (unlike the time of day). */
static long long monotonic_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now); /* cannot fail for CLOCK_MONOTONIC */
    return (long long)now.tv_sec * MS_PER_S + now.tv_nsec / NS_PER_MS;
}

/* Waits until fd is writable or the time is up; 1 ready, 0 timed out, -1 error. */
static int wait_writable(int fd, int timeout_ms)
{
    /* POLLOUT is enough: POLLERR and POLLHUP (a refused connect) are
     * reported whether asked for or not. */
    struct pollfd pfd = {.fd = fd, .events = POLLOUT};
    long long deadline = monotonic_ms() + timeout_ms;
    int wait_ms = timeout_ms;
    int ready;

    while ((ready = poll(&pfd, 1, wait_ms)) < 0 && errno == EINTR) {
        /* A signal cut the wait short: wait only for what is left, or a
         * steady stream of signals would keep us here for ever. */
        if (timeout_ms >= 0) {
            long long left = deadline - monotonic_ms();
            wait_ms = left > 0 ? (int)left : 0;
        }
    }
    return ready;
}

/* The outcome of a connect() under way: 0 connected, -1 with errno set. */
static int finish_connect(int fd, int timeout_ms)
{
    int pending;
    socklen_t len = sizeof pending;
    int ready = wait_writable(fd, timeout_ms);

    if (ready < 0)
        return -1;
    if (ready == 0) {
        errno = ETIMEDOUT;
        return -1;
    }
    /* "Writable" only says the handshake is over, not that it worked: the
     * kernel keeps the reason it failed in SO_ERROR. */
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &pending, &len) < 0)
        return -1;
    if (pending != 0) {
        errno = pending;
        return -1;
    }
    return 0;
}

int connect_timeout(const char *ip, uint16_t port, int timeout_ms)
{
    struct sockaddr_in addr;
    int fd, flags, saved;

    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    if (inet_pton(AF_INET, ip, &addr.sin_addr) != 1) {
        errno = EINVAL; /* inet_pton says "not an address" with 0 and no errno */
        return -1;
    }
    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
        goto fail;
    /* A non-blocking connect() never sleeps, so it cannot be interrupted:
     * it succeeds, fails at once, or says EINPROGRESS and goes on. */
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
        if (errno != EINPROGRESS || finish_connect(fd, timeout_ms) < 0)
            goto fail;
    }
    /* Exactly the old flags: the caller expects an ordinary blocking socket. */
    if (fcntl(fd, F_SETFL, flags) < 0)
        goto fail;
    return fd;

fail:
    saved = errno; /* close() may change errno even when it succeeds */
    close(fd);
    errno = saved;
    return -1;
}
