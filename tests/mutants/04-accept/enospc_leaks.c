/* mutant: accept_client() fails with ENOSPC but leaves the accepted connection open.
 * expect-fail: test_accept_client_peer_too_small
 */
#define _POSIX_C_SOURCE 200809L
#include "accept.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Wait forever in poll(): connect() itself has the kernel's own time limit. */
#define POLL_FOREVER (-1)

/* "ip:port" or "[ip]:port" for an IPv4 or IPv6 address; ENOSPC if it does not fit. */
static int format_endpoint(const struct sockaddr_storage *addr, char *buf, size_t cap)
{
    char ip[INET6_ADDRSTRLEN];
    unsigned port;
    int len;

    if (cap > 0)
        buf[0] = '\0';
    if (addr->ss_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)addr;
        inet_ntop(AF_INET, &in->sin_addr, ip, sizeof ip); /* cannot fail: ip is big enough */
        port = ntohs(in->sin_port);
        len = snprintf(buf, cap, "%s:%u", ip, port);
    } else if (addr->ss_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)addr;
        inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof ip);
        port = ntohs(in6->sin6_port);
        len = snprintf(buf, cap, "[%s]:%u", ip, port);
    } else {
        errno = EAFNOSUPPORT;
        return -1;
    }
    /* snprintf returns the length it wanted: a cut-off endpoint would name
     * the wrong peer, so it is an error, never a shorter answer. */
    if (len < 0 || (size_t)len >= cap) {
        if (cap > 0)
            buf[0] = '\0';
        errno = ENOSPC;
        return -1;
    }
    return 0;
}

int accept_client(int listen_fd, char *peer, size_t peer_cap)
{
    struct sockaddr_storage addr;
    socklen_t len;
    int conn, saved;

    do {
        len = sizeof addr;
        conn = accept(listen_fd, (struct sockaddr *)&addr, &len);
        /* EINTR: a signal came while we waited. ECONNABORTED: that client
         * reset before we took it; others may be queued behind it. */
    } while (conn < 0 && (errno == EINTR || errno == ECONNABORTED));
    if (conn < 0)
        return -1;
    if (peer && format_endpoint(&addr, peer, peer_cap) < 0)
        goto fail;
    return conn;

fail:
    saved = errno; /* forgets to close conn */
    errno = saved;
    return -1;
}

int peer_endpoint(int fd, char *buf, size_t cap)
{
    struct sockaddr_storage addr;
    socklen_t len = sizeof addr;

    if (getpeername(fd, (struct sockaddr *)&addr, &len) < 0)
        return -1;
    return format_endpoint(&addr, buf, cap);
}

/* Waits until a connect() under way has an outcome; returns it as an errno value, or -1. */
static int wait_connect_outcome(int fd)
{
    struct pollfd pfd = {.fd = fd, .events = POLLOUT};
    int pending;
    socklen_t len = sizeof pending;
    int rc;

    do {
        rc = poll(&pfd, 1, POLL_FOREVER);
    } while (rc < 0 && errno == EINTR);
    if (rc < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &pending, &len) < 0)
        return -1;
    return pending;
}

/* connect() that survives signals: see accept.h for why EINTR needs care. */
static int connect_through_signals(int fd, const struct sockaddr *addr, socklen_t len)
{
    if (connect(fd, addr, len) == 0)
        return 0;
    while (errno == EINTR || errno == EALREADY || errno == EINPROGRESS) {
        /* The handshake goes on in the background: wait for its outcome. */
        int outcome = wait_connect_outcome(fd);
        if (outcome < 0)
            return -1;
        if (outcome > 0) {
            errno = outcome;
            return -1;
        }
        /* SO_ERROR is also 0 when no handshake was ever started (a socket
         * that was never connecting is "writable" at once). Asking again
         * tells the two apart: EISCONN (or 0) means connected, and an idle
         * socket starts its handshake now. */
        if (connect(fd, addr, len) == 0 || errno == EISCONN)
            return 0;
    }
    return -1;
}

int connect_ipv4(const char *ip, uint16_t port)
{
    struct sockaddr_in addr;
    int fd, saved;

    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    /* inet_pton returns 0 for text that is not a dotted quad: check for > 0. */
    if (inet_pton(AF_INET, ip, &addr.sin_addr) <= 0) {
        errno = EINVAL;
        return -1;
    }
    fd = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (fd < 0)
        return -1;
    if (connect_through_signals(fd, (struct sockaddr *)&addr, sizeof addr) < 0)
        goto fail;
    return fd;

fail:
    saved = errno;
    close(fd);
    errno = saved;
    return -1;
}

/* Sends all of buf; -1 with errno on the first real error. */
static int send_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        /* MSG_NOSIGNAL: a client that has gone away makes send() fail with
         * EPIPE instead of raising SIGPIPE, whose default action would end
         * the whole server because of one bad client. */
        ssize_t sent = send(fd, buf, len, MSG_NOSIGNAL);
        if (sent < 0 && errno == EINTR)
            continue;
        if (sent < 0)
            return -1;
        buf += sent; /* a short send: the rest goes in the next call */
        len -= (size_t)sent;
    }
    return 0;
}

/* One read, retried on EINTR; an error or EOF is an empty message (0). */
static size_t read_message(int fd, char *buf, size_t cap)
{
    ssize_t got;

    do {
        got = recv(fd, buf, cap, 0);
    } while (got < 0 && errno == EINTR);
    return got > 0 ? (size_t)got : 0;
}

/* One client of documents 000/001: greeting, one read, log line. */
static void greet_client(int conn, const char *greeting, FILE *log)
{
    char message[GREETING_READ_MAX];
    size_t len = 0;

    /* A client that went away cannot be greeted, but it still has a line in
     * the log (an empty message), as the PHP server would print. */
    if (send_all(conn, greeting, strlen(greeting)) == 0)
        len = read_message(conn, message, sizeof message);
    if (log) {
        /* The log is a report, like the PHP script's echo: if it fails, the
         * clients are still served, so its errors do not stop the loop. */
        (void)fputs(GREETING_LOG_PREFIX, log);
        (void)fwrite(message, 1, len, log);
        (void)fputc('\n', log);
        (void)fflush(log); /* one line per client, visible as it happens */
    }
}

long serve_greetings(int listen_fd, const char *greeting, int max_clients, FILE *log)
{
    long served = 0;

    if (max_clients < 0) {
        errno = EINVAL;
        return -1;
    }
    while (served < max_clients) {
        int conn = accept_client(listen_fd, NULL, 0);
        if (conn < 0)
            return -1;
        greet_client(conn, greeting, log);
        /* Nothing useful to do if close() fails here; it must not be retried
         * on EINTR either (Linux has already released the descriptor). */
        close(conn);
        served++;
    }
    return served;
}
