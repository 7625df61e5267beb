/* mutant: at EOF the bytes after the last terminator are thrown away, not answered.
 * expect-fail: test_serve_line_acks_select_eof_mid_line
 */
#define _POSIX_C_SOURCE 200809L
#include "select.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define MS_PER_SECOND 1000L
#define NS_PER_MS 1000000L
#define NS_PER_SECOND 1000000000L
#define NS_PER_US 1000L

/* Answers a client may owe before the server stops reading its lines: a
 * client that never reads slows down only itself, and memory stays bounded. */
#define ACKS_OWED_MAX 64

/* An fd_set is a bitmap of FD_SETSIZE bits: FD_SET() of anything outside
 * it writes past the end of the set (undefined behaviour, stack damage). */
static int fits_fd_set(int fd)
{
    return fd >= 0 && fd < FD_SETSIZE;
}

/* ---- wait_readable ----------------------------------------------------------------- */

static int deadline_after(struct timespec *deadline, int timeout_ms)
{
    if (clock_gettime(CLOCK_MONOTONIC, deadline) < 0)
        return -1;
    deadline->tv_sec += timeout_ms / MS_PER_SECOND;
    deadline->tv_nsec += (timeout_ms % MS_PER_SECOND) * NS_PER_MS;
    if (deadline->tv_nsec >= NS_PER_SECOND) {
        deadline->tv_sec++;
        deadline->tv_nsec -= NS_PER_SECOND;
    }
    return 0;
}

/* The time from now until the deadline, never negative: after a signal the
 * wait goes on for what is left, not for the whole timeout again. */
static int time_left(const struct timespec *deadline, struct timeval *left)
{
    struct timespec now;

    if (clock_gettime(CLOCK_MONOTONIC, &now) < 0)
        return -1;
    long long ns = (long long)(deadline->tv_sec - now.tv_sec) * NS_PER_SECOND +
                   (deadline->tv_nsec - now.tv_nsec);
    if (ns < 0)
        ns = 0; /* select() with a zero timeout still looks once */
    left->tv_sec = (time_t)(ns / NS_PER_SECOND);
    left->tv_usec = (suseconds_t)(ns % NS_PER_SECOND / NS_PER_US);
    return 0;
}

int wait_readable(int fd, int timeout_ms)
{
    struct timespec deadline;

    if (!fits_fd_set(fd)) {
        errno = EINVAL;
        return -1;
    }
    if (timeout_ms >= 0 && deadline_after(&deadline, timeout_ms) < 0)
        return -1;
    for (;;) {
        fd_set readable;
        struct timeval left;
        struct timeval *limit = NULL; /* NULL: wait without limit */

        if (timeout_ms >= 0) {
            if (time_left(&deadline, &left) < 0)
                return -1;
            limit = &left;
        }
        /* select() rewrote the set last time: build it again every time. */
        FD_ZERO(&readable);
        FD_SET(fd, &readable);
        int ready = select(fd + 1, &readable, NULL, NULL, limit);
        if (ready >= 0)
            return ready > 0;
        if (errno != EINTR)
            return -1;
    }
}

/* ---- serve_line_acks_select: the state ----------------------------------------------- */

/* One client. Every answer is the same ack line, so what it is still owed
 * is a count, plus how far into the first owed answer a short send got. */
struct client {
    int open;                      /* this slot holds a connection */
    int eof;                       /* the client shut down its sending side */
    size_t greeting_sent;          /* bytes of the greeting already sent */
    long acks_owed;                /* answers queued but not fully sent */
    size_t ack_sent;               /* bytes of the first owed answer already sent */
    size_t pending_len;            /* bytes waiting in pending */
    char pending[SELECT_LINE_MAX]; /* received bytes not answered yet */
};

struct server {
    int listen_fd;
    int stop_fd;
    const char *greeting;
    size_t greeting_len;
    const char *ack;
    size_t ack_len;
    FILE *log;
    long answered;
    /* Indexed by descriptor: select() only handles descriptors below
     * FD_SETSIZE, so this table holds every client the loop can watch. */
    struct client clients[FD_SETSIZE];
};

static void drop_client(struct server *s, int fd)
{
    s->clients[fd].open = 0;
    /* Nothing to do if close() fails; it must not be retried on EINTR
     * either (Linux has released the descriptor already). */
    close(fd);
}

static void close_clients(struct server *s)
{
    for (int fd = 0; fd < FD_SETSIZE; fd++)
        if (s->clients[fd].open)
            drop_client(s, fd);
}

static int owes_output(const struct server *s, const struct client *c)
{
    return c->greeting_sent < s->greeting_len || c->acks_owed > 0;
}

static int wants_input(const struct client *c)
{
    return !c->eof && c->pending_len < SELECT_LINE_MAX;
}

/* ---- serve_line_acks_select: one client --------------------------------------------------- */

/* Sends what the client is owed without ever waiting: 1 when all of it is
 * sent, 0 when its socket buffer is full (select() says when to go on), -1
 * when the client is gone. */
static int flush_client(struct server *s, int fd)
{
    struct client *c = &s->clients[fd];

    while (owes_output(s, c)) {
        int greeting = c->greeting_sent < s->greeting_len;
        const char *next = greeting ? s->greeting + c->greeting_sent : s->ack + c->ack_sent;
        size_t left = greeting ? s->greeting_len - c->greeting_sent : s->ack_len - c->ack_sent;
        /* MSG_DONTWAIT: this one send never blocks, even on a blocking socket.
         * MSG_NOSIGNAL: a vanished client gives EPIPE, not a deadly SIGPIPE. */
        ssize_t sent = send(fd, next, left, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (sent < 0 && errno == EINTR)
            continue;
        if (sent < 0)
            return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
        if (greeting) {
            c->greeting_sent += (size_t)sent;
        } else if ((c->ack_sent += (size_t)sent) == s->ack_len) {
            c->acks_owed--;
            c->ack_sent = 0;
        }
    }
    return 1;
}

/* One read of what has arrived, never waiting: 0, or -1 when the client failed. */
static int receive(struct client *c, int fd)
{
    ssize_t got;

    do {
        got = recv(fd, c->pending + c->pending_len, SELECT_LINE_MAX - c->pending_len, MSG_DONTWAIT);
    } while (got < 0 && errno == EINTR);
    if (got < 0)
        return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
    if (got == 0) {
        c->eof = 1;
        c->pending_len = 0; /* a line without its end is no line */
    }
    c->pending_len += (size_t)got;
    return 0;
}

/* Length of the next complete line in pending, 0 if its end has not come. */
static size_t next_line_length(const struct client *c)
{
    for (size_t i = 0; i < c->pending_len; i++)
        if (c->pending[i] == '\n' || c->pending[i] == '\r')
            return i + 1;
    /* A full buffer is answered as one piece; at EOF the rest is a line. */
    if (c->pending_len == SELECT_LINE_MAX || c->eof)
        return c->pending_len;
    return 0;
}

static void log_line(FILE *log, const char *line, size_t len)
{
    if (!log)
        return;
    /* The log is a report, like the PHP script's printf: if it fails, the
     * clients are still served, so its errors do not stop the loop. */
    (void)fputs("Buffer: ", log);
    (void)fwrite(line, 1, len, log);
    (void)fputc('\n', log);
    (void)fflush(log);
}

/* Logs and queues an answer for every complete line, while the client
 * does not owe too many already; returns how many lines it answered. */
static long answer_lines(struct server *s, struct client *c)
{
    long answered = 0;
    size_t len;

    while (c->acks_owed < ACKS_OWED_MAX && (len = next_line_length(c)) > 0) {
        log_line(s->log, c->pending, len);
        if (s->ack_len > 0)
            c->acks_owed++;
        answered++;
        c->pending_len -= len;
        memmove(c->pending, c->pending + len, c->pending_len);
    }
    s->answered += answered;
    return answered;
}

static void serve_client(struct server *s, int fd, int readable)
{
    struct client *c = &s->clients[fd];
    int flushed;

    if (readable && receive(c, fd) < 0) {
        drop_client(s, fd);
        return;
    }
    /* Sending everything owed makes room for more answers: go on while
     * that happens and there are lines left. */
    do {
        long answered = answer_lines(s, c);
        flushed = flush_client(s, fd);
        if (answered == 0)
            break;
    } while (flushed == 1);
    if (flushed < 0 || (flushed == 1 && c->eof && c->pending_len == 0))
        drop_client(s, fd);
}

/* ---- serve_line_acks_select: the loop ------------------------------------------------------ */

/* errno values of accept() that only mean "this client is gone, or not yet
 * there": the loop goes on. */
static int accept_error_is_transient(int err)
{
    return err == EAGAIN || err == EWOULDBLOCK || err == ECONNABORTED || err == EINTR ||
           err == EPROTO;
}

static int accept_new_client(struct server *s)
{
    int fd = accept(s->listen_fd, NULL, NULL);

    if (fd < 0)
        return accept_error_is_transient(errno) ? 0 : -1;
    if (!fits_fd_set(fd)) {
        close(fd); /* select() could never watch it */
        return 0;
    }
    memset(&s->clients[fd], 0, sizeof s->clients[fd]);
    s->clients[fd].open = 1;
    /* The greeting goes out at once; what does not fit is sent later. */
    if (flush_client(s, fd) < 0)
        drop_client(s, fd);
    return 0;
}

/* Fills both sets from scratch and returns the highest descriptor in them. */
static int watch_descriptors(const struct server *s, fd_set *readable, fd_set *writable)
{
    int max_fd = s->listen_fd > s->stop_fd ? s->listen_fd : s->stop_fd;

    FD_ZERO(readable);
    FD_ZERO(writable);
    FD_SET(s->listen_fd, readable);
    FD_SET(s->stop_fd, readable);
    for (int fd = 0; fd < FD_SETSIZE; fd++) {
        const struct client *c = &s->clients[fd];
        if (!c->open)
            continue;
        if (wants_input(c))
            FD_SET(fd, readable);
        if (owes_output(s, c))
            FD_SET(fd, writable);
        if (fd > max_fd)
            max_fd = fd;
    }
    return max_fd;
}

/* One round: 1 to go on, 0 when stop_fd is readable, -1 on error. */
static int serve_once(struct server *s)
{
    fd_set readable, writable;
    /* select() rewrites the sets it is given: they are built anew each time. */
    int max_fd = watch_descriptors(s, &readable, &writable);

    if (select(max_fd + 1, &readable, &writable, NULL, NULL) < 0)
        return errno == EINTR ? 1 : -1;
    if (FD_ISSET(s->stop_fd, &readable))
        return 0;
    for (int fd = 0; fd <= max_fd; fd++) {
        if (!s->clients[fd].open)
            continue;
        int can_read = FD_ISSET(fd, &readable);
        if (can_read || FD_ISSET(fd, &writable))
            serve_client(s, fd, can_read);
    }
    /* Accept last: a new client may reuse the number of one just closed. */
    if (FD_ISSET(s->listen_fd, &readable))
        return accept_new_client(s) < 0 ? -1 : 1;
    return 1;
}

long serve_line_acks_select(int listen_fd, int stop_fd, const char *greeting_line,
                            const char *ack_line, FILE *log)
{
    struct server *s;
    long answered = -1;
    int status, err;

    if (!fits_fd_set(listen_fd) || !fits_fd_set(stop_fd)) {
        errno = EINVAL;
        return -1;
    }
    int flags = fcntl(listen_fd, F_GETFL);
    if (flags < 0)
        return -1;
    s = calloc(1, sizeof *s); /* about 1 MiB: too much for the stack */
    if (!s)
        return -1;
    s->listen_fd = listen_fd;
    s->stop_fd = stop_fd;
    s->greeting = greeting_line;
    s->greeting_len = strlen(greeting_line);
    s->ack = ack_line;
    s->ack_len = strlen(ack_line);
    s->log = log;
    /* Non-blocking while we run: a client that gives up between select()
     * and accept() must make accept() fail with EAGAIN, not block the loop. */
    if (fcntl(listen_fd, F_SETFL, flags | O_NONBLOCK) < 0)
        goto done;
    while ((status = serve_once(s)) > 0) {
    }
    if (status == 0)
        answered = s->answered;
    err = errno;
    /* Restore the caller's flags on every path, keeping the first error. */
    if (fcntl(listen_fd, F_SETFL, flags) < 0 && answered >= 0) {
        answered = -1;
        err = errno;
    }
    errno = err;
done:
    err = errno;
    close_clients(s);
    free(s);
    errno = err;
    return answered;
}
