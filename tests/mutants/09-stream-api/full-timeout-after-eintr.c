/* mutant: after EINTR, poll() starts the whole timeout again.
 * expect-fail: test_stream_socket_accept_retries_eintr_with_remaining_time
 */
#define _POSIX_C_SOURCE 200809L
#include "stream.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_PORT 65535
#define MS_PER_SECOND 1000.0
/* Wait without limit in poll(). */
#define POLL_FOREVER (-1)
/* The events PHP asks for while connecting (strace in document 003); only
 * POLLOUT matters, POLLERR and POLLHUP are reported even when not asked. */
#define CONNECT_EVENTS (POLLIN | POLLOUT | POLLERR | POLLHUP)

/* Where stream_socket_server/client report an error, PHP's &$error_code and &$error_message. */
struct error_report {
    int *code;
    char *msg;
    size_t cap;
};

/* What a URI names: the socket type and the address to bind or connect to. */
struct endpoint {
    int type; /* SOCK_STREAM or SOCK_DGRAM */
    struct sockaddr_storage addr;
    socklen_t addr_len;
};

/* ---- error reporting ------------------------------------------------------------------ */

/* Fills the caller's error slots (either may be NULL) and sets errno; returns -1. */
static int report(const struct error_report *out, int code, const char *text, const char *uri)
{
    if (out->code)
        *out->code = code;
    /* snprintf never writes more than cap bytes and always terminates. */
    if (out->msg && out->cap > 0) {
        if (uri)
            snprintf(out->msg, out->cap, "Failed to parse address \"%s\"", uri);
        else
            snprintf(out->msg, out->cap, "%s", text);
    }
    errno = code;
    return -1;
}

static int report_malformed(const struct error_report *out, const char *uri)
{
    return report(out, EINVAL, NULL, uri);
}

/* The call that just failed: its errno and strerror(), as PHP reports it. */
static int report_errno(const struct error_report *out)
{
    int err = errno;
    return report(out, err, strerror(err), NULL);
}

static void report_success(const struct error_report *out)
{
    if (out->code)
        *out->code = 0;
    if (out->msg && out->cap > 0)
        out->msg[0] = '\0';
}

/* ---- the URI: [tcp:// | udp://]host:port ---------------------------------------------- */

/* Decimal digits only, 0-65535: strtol would also take " 80", "+80" and "80x". */
static int parse_port(const char *text, in_port_t *port)
{
    unsigned long value = 0;

    if (*text == '\0')
        return -1;
    for (; *text; text++) {
        if (*text < '0' || *text > '9')
            return -1;
        value = value * 10 + (unsigned long)(*text - '0');
        if (value > MAX_PORT) /* checked at every digit, so it cannot overflow */
            return -1;
    }
    *port = htons((in_port_t)value);
    return 0;
}

/* "127.0.0.1", "localhost" or "[::1]" (len bytes, not terminated) with the port, into ep. */
static int parse_host(const char *host, size_t len, in_port_t port, struct endpoint *ep)
{
    char text[INET6_ADDRSTRLEN];
    struct sockaddr_in *in = (struct sockaddr_in *)&ep->addr;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ep->addr;

    memset(&ep->addr, 0, sizeof ep->addr);
    if (len >= 2 && host[0] == '[' && host[len - 1] == ']') {
        if (len - 2 >= sizeof text)
            return -1;
        memcpy(text, host + 1, len - 2);
        text[len - 2] = '\0';
        if (inet_pton(AF_INET6, text, &in6->sin6_addr) != 1)
            return -1;
        in6->sin6_family = AF_INET6;
        in6->sin6_port = port;
        ep->addr_len = sizeof *in6;
        return 0;
    }
    if (len >= sizeof text)
        return -1;
    memcpy(text, host, len);
    text[len] = '\0';
    /* localhost is always the loopback address: asking DNS would be slow and could lie. */
    if (strcmp(text, "localhost") == 0)
        in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    else if (inet_pton(AF_INET, text, &in->sin_addr) != 1)
        return -1;
    in->sin_family = AF_INET;
    in->sin_port = port;
    ep->addr_len = sizeof *in;
    return 0;
}

/* Parses the URI into ep; 0, or -1 when it is malformed. */
static int parse_uri(const char *uri, struct endpoint *ep)
{
    const char *rest = uri;
    const char *scheme_end = strstr(uri, "://");
    in_port_t port;

    ep->type = SOCK_STREAM; /* no transport means TCP, as in PHP */
    if (scheme_end) {
        size_t scheme_len = (size_t)(scheme_end - uri);
        if (scheme_len == 3 && strncmp(uri, "udp", 3) == 0)
            ep->type = SOCK_DGRAM;
        else if (scheme_len != 3 || strncmp(uri, "tcp", 3) != 0)
            return -1;
        rest = scheme_end + strlen("://");
    }
    /* The last colon: an IPv6 host has colons of its own, inside brackets. */
    const char *colon = strrchr(rest, ':');
    if (!colon || parse_port(colon + 1, &port) < 0)
        return -1;
    return parse_host(rest, (size_t)(colon - rest), port, ep);
}

/* ---- stream_socket_server ---------------------------------------------------------------- */

/* Lets a restarted server bind its port at once, while connections of the
 * previous run still sit in TIME_WAIT (PHP always sets it, see the strace). */
static int enable_address_reuse(int fd)
{
    int yes = 1;
    return setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
}

int stream_socket_server(const char *uri, int *err_code, char *err_msg, size_t err_cap)
{
    const struct error_report out = {err_code, err_msg, err_cap};
    struct endpoint ep;
    int fd, saved;

    if (parse_uri(uri, &ep) < 0)
        return report_malformed(&out, uri);
    fd = socket(ep.addr.ss_family, ep.type, 0);
    if (fd < 0)
        return report_errno(&out);
    if (enable_address_reuse(fd) < 0 || bind(fd, (struct sockaddr *)&ep.addr, ep.addr_len) < 0)
        goto fail;
    /* A datagram socket has no connections to queue: PHP does not listen() for udp://. */
    if (ep.type == SOCK_STREAM && listen(fd, STREAM_LISTEN_BACKLOG) < 0)
        goto fail;
    report_success(&out);
    return fd;

fail:
    saved = errno; /* close() may change errno even when it succeeds */
    close(fd);
    errno = saved;
    return report_errno(&out);
}

/* ---- time limits --------------------------------------------------------------------------- */

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts); /* cannot fail with CLOCK_MONOTONIC */
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Milliseconds for poll() from seconds: rounded up (so 0.0001 s still
 * waits), capped at what an int holds; negative (or NaN) is POLL_FOREVER. */
static int seconds_to_ms(double seconds)
{
    if (!(seconds >= 0))
        return POLL_FOREVER;
    double ms = seconds * MS_PER_SECOND;
    if (ms >= (double)INT_MAX)
        return INT_MAX;
    int whole = (int)ms;
    return whole < ms ? whole + 1 : whole;
}

/* What is left of a wait of timeout_ms that started at start (seconds). */
static int ms_left(int timeout_ms, double start)
{
    if (timeout_ms == POLL_FOREVER)
        return POLL_FOREVER;
    double left = start + timeout_ms / MS_PER_SECOND - now_seconds();
    return seconds_to_ms(left > 0 ? left : 0);
}

/* poll() one descriptor for at most timeout_ms (POLL_FOREVER: no limit).
 * A signal (EINTR) does not end the wait: it goes on for the time left.
 * Returns 1 when ready, 0 when the time ran out, -1 with errno. */
static int poll_one(int fd, short events, int timeout_ms)
{
    struct pollfd pfd = {.fd = fd, .events = events};
    int ms = timeout_ms;

    for (;;) {
        int rc = poll(&pfd, 1, ms);
        if (rc >= 0 || errno != EINTR)
            return rc;
        ms = timeout_ms;
    }
}

/* ---- stream_socket_accept ------------------------------------------------------------------ */

/* "ip:port" or "[ip]:port"; -1 with ENOSPC if it does not fit (buf then ""). */
static int format_endpoint(const struct sockaddr_storage *addr, char *buf, size_t cap)
{
    char ip[INET6_ADDRSTRLEN];
    int len;

    if (addr->ss_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)addr;
        inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof ip); /* cannot fail: ip is big enough */
        len = snprintf(buf, cap, "[%s]:%u", ip, (unsigned)ntohs(in6->sin6_port));
    } else {
        const struct sockaddr_in *in = (const struct sockaddr_in *)addr;
        inet_ntop(AF_INET, &in->sin_addr, ip, sizeof ip);
        len = snprintf(buf, cap, "%s:%u", ip, (unsigned)ntohs(in->sin_port));
    }
    /* A cut-off endpoint would name the wrong peer: an error, never a shorter answer. */
    if (len < 0 || (size_t)len >= cap) {
        if (cap > 0)
            buf[0] = '\0';
        errno = ENOSPC;
        return -1;
    }
    return 0;
}

int stream_socket_accept(int server, double timeout_s, char *peer, size_t peer_cap)
{
    int timeout_ms = seconds_to_ms(timeout_s);
    double start = now_seconds();
    struct sockaddr_storage addr;
    socklen_t len;
    int conn, saved;

    for (;;) {
        int ready = poll_one(server, POLLIN, ms_left(timeout_ms, start));
        if (ready < 0)
            return -1;
        if (ready == 0) {
            errno = ETIMEDOUT;
            return -1;
        }
        len = sizeof addr;
        conn = accept(server, (struct sockaddr *)&addr, &len);
        if (conn >= 0)
            break;
        /* The client left between poll() and accept() (or a signal came):
         * wait again for the next one, within the same time limit. */
        if (errno != EINTR && errno != ECONNABORTED && errno != EAGAIN && errno != EWOULDBLOCK)
            return -1;
    }
    if (peer && format_endpoint(&addr, peer, peer_cap) < 0)
        goto fail;
    return conn;

fail:
    saved = errno;
    close(conn);
    errno = saved;
    return -1;
}

/* ---- stream_socket_client ------------------------------------------------------------------ */

/* After connect() said EINPROGRESS: waits for the handshake and returns its
 * outcome; -1 with errno ETIMEDOUT, the connect error, or poll's error. */
static int wait_connected(int fd, double timeout_s)
{
    int timeout_ms = timeout_s < 0 ? STREAM_DEFAULT_CONNECT_TIMEOUT_MS : seconds_to_ms(timeout_s);
    int pending;
    socklen_t len = sizeof pending;

    int ready = poll_one(fd, CONNECT_EVENTS, timeout_ms);
    if (ready < 0)
        return -1;
    if (ready == 0) {
        errno = ETIMEDOUT;
        return -1;
    }
    /* Writable means "finished", not "succeeded": the outcome is in SO_ERROR. */
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &pending, &len) < 0)
        return -1;
    if (pending != 0) {
        errno = pending;
        return -1;
    }
    return 0;
}

/* connect() that gives up after timeout_s, leaving fd's file flags as they were. */
static int connect_with_timeout(int fd, const struct endpoint *ep, double timeout_s)
{
    int flags = fcntl(fd, F_GETFL);

    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
        return -1;
    /* A non-blocking connect() never sleeps, so no EINTR here: it returns
     * EINPROGRESS and the handshake goes on while we poll(). */
    if (connect(fd, (const struct sockaddr *)&ep->addr, ep->addr_len) < 0 &&
        (errno != EINPROGRESS || wait_connected(fd, timeout_s) < 0))
        return -1;
    /* Blocking again: the caller's reads and writes should wait as usual. */
    return fcntl(fd, F_SETFL, flags);
}

int stream_socket_client(const char *uri, int *err_code, char *err_msg, size_t err_cap,
                         double timeout_s)
{
    const struct error_report out = {err_code, err_msg, err_cap};
    struct endpoint ep;
    int fd, saved;

    if (parse_uri(uri, &ep) < 0)
        return report_malformed(&out, uri);
    fd = socket(ep.addr.ss_family, ep.type, 0);
    if (fd < 0)
        return report_errno(&out);
    if (connect_with_timeout(fd, &ep, timeout_s) < 0)
        goto fail;
    report_success(&out);
    return fd;

fail:
    saved = errno;
    close(fd);
    errno = saved;
    return report_errno(&out);
}

/* ---- stream_socket_fdopen ------------------------------------------------------------------ */

FILE *stream_socket_fdopen(int fd, const char *mode)
{
    /* fdopen() does not close fd when it fails, so the caller still owns it;
     * once it succeeds, fclose() closes fd. */
    return fdopen(fd, mode);
}
