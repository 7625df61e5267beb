/* mutant: request_reply() returns at once when connect() fails, leaking the socket.
 * expect-fail: test_request_reply_refused test_request_reply_no_leak_1000_calls
 */
#define _POSIX_C_SOURCE 200809L
#include "close.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

/* poll() timeout meaning "no limit". */
#define WAIT_FOREVER (-1)

int half_close(int fd)
{
    /* SHUT_WR queues a FIN behind the data already written: the peer reads
     * everything, then 0. Our receive direction stays open for its answer;
     * SHUT_RDWR would close that too, and close() would drop the descriptor. */
    return shutdown(fd, SHUT_WR);
}

int abort_connection(int fd)
{
    /* Linger on with a zero timeout turns close() into an abort: unsent data
     * is dropped and RST goes out instead of FIN, so the peer sees
     * ECONNRESET and this side keeps no TIME_WAIT state. */
    const struct linger abort_on_close = {.l_onoff = 1, .l_linger = 0};

    if (setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close) < 0) {
        int saved = errno;
        /* The caller handed the descriptor over: close it anyway (an
         * ordinary close), and report why the abort could not be set up. */
        (void)close(fd);
        errno = saved;
        return -1;
    }
    /* Never retried: after close() returns, even with an error, Linux has
     * released the descriptor, and a second close() could hit a new one. */
    return close(fd);
}

ssize_t send_nosignal(int fd, const void *buf, size_t len)
{
    const char *next = buf;
    size_t left = len;

    while (left > 0) {
        /* MSG_NOSIGNAL: when the peer is gone, send() fails with EPIPE
         * instead of raising SIGPIPE, whose default action kills us. */
        ssize_t sent = send(fd, next, left, MSG_NOSIGNAL);
        if (sent < 0) {
            if (errno == EINTR)
                continue;
            return -1; /* the caller cannot know how much arrived anyway */
        }
        next += sent;
        left -= (size_t)sent;
    }
    return (ssize_t)len;
}

/*
 * connect() interrupted by a signal goes on in the background; calling it
 * again would fail with EALREADY. Wait until the socket is writable and
 * take the outcome from SO_ERROR instead.
 */
static int connect_restarting(int fd, const struct sockaddr *addr, socklen_t len)
{
    if (connect(fd, addr, len) == 0)
        return 0;
    if (errno != EINTR)
        return -1;

    struct pollfd wait_for = {.fd = fd, .events = POLLOUT};
    int ready;
    while ((ready = poll(&wait_for, 1, WAIT_FOREVER)) < 0 && errno == EINTR) {
    }
    if (ready < 0)
        return -1;

    int pending = 0;
    socklen_t pending_len = sizeof pending;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &pending, &pending_len) < 0)
        return -1;
    if (pending != 0) {
        errno = pending;
        return -1;
    }
    return 0;
}

/*
 * Reads until the peer closes, storing at most cap bytes. Once the buffer
 * is full, one more byte is asked for only to learn whether the reply was
 * longer than cap (EMSGSIZE) or ends exactly there (read returns 0).
 */
static ssize_t read_until_eof(int fd, char *reply, size_t cap)
{
    size_t got = 0;
    char overflow;

    for (;;) {
        char *into = got < cap ? reply + got : &overflow;
        size_t room = got < cap ? cap - got : sizeof overflow;
        ssize_t n = recv(fd, into, room, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (n == 0)
            return (ssize_t)got;
        if (got == cap) {
            errno = EMSGSIZE;
            return -1;
        }
        got += (size_t)n;
    }
}

ssize_t request_reply(const char *ip, uint16_t port, const void *req, size_t len, void *reply,
                      size_t cap)
{
    struct sockaddr_in server = {.sin_family = AF_INET, .sin_port = htons(port)};
    ssize_t got;
    int fd, saved;

    /* Check the address before opening anything: a bad one costs nothing. */
    if (ip == NULL || inet_pton(AF_INET, ip, &server.sin_addr) != 1) {
        errno = EINVAL;
        return -1;
    }
    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    if (connect_restarting(fd, (const struct sockaddr *)&server, sizeof server) < 0)
        return -1;
    if (send_nosignal(fd, req, len) < 0)
        goto fail;
    /* The step document 002's client misses: the server reads until end of
     * file before it answers, so tell it the request is complete. */
    if (half_close(fd) < 0)
        goto fail;
    got = read_until_eof(fd, reply, cap);
    if (got < 0)
        goto fail;
    if (close(fd) < 0)
        return -1;
    return got;

fail:
    saved = errno; /* close() may change errno even when it succeeds */
    (void)close(fd);
    errno = saved;
    return -1;
}
