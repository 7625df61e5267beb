/* mutant: after EINTR, poll() is called again with the whole timeout, not the time left.
 * expect-fail: test_wait_readable_poll_signals_do_not_stretch_timeout
 */
#define _GNU_SOURCE /* accept4(), SOCK_NONBLOCK, EPOLLRDHUP */
#include "pollers.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define MS_PER_SECOND 1000L
#define NS_PER_MS 1000000L
#define NS_PER_SECOND 1000000000L

/* Answers a client may owe before the server stops reading its lines: a
 * client that never reads slows down only itself, and memory stays bounded. */
#define ACKS_OWED_MAX 64

/* The poll() array: the listener and stop_fd first, then one slot per client. */
#define LISTEN_SLOT 0
#define STOP_SLOT 1
#define FIRST_CLIENT_SLOT 2
#define INITIAL_SLOTS 16

/* Events one epoll_wait() hands back at most; more simply wait for the next call. */
#define EPOLL_BATCH 64

/* ---- wait_readable_poll ----------------------------------------------------------------- */

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

/* Milliseconds from now until the deadline, never negative: after a signal
 * the wait goes on for what is left, not for the whole timeout again. */
static int ms_left(const struct timespec *deadline, int *left)
{
    struct timespec now;

    if (clock_gettime(CLOCK_MONOTONIC, &now) < 0)
        return -1;
    long long ns = (long long)(deadline->tv_sec - now.tv_sec) * NS_PER_SECOND +
                   (deadline->tv_nsec - now.tv_nsec);
    if (ns < 0)
        ns = 0; /* poll() with a zero timeout still looks once */
    /* Rounded up: poll() must not give up a fraction of a millisecond early. */
    *left = (int)((ns + NS_PER_MS - 1) / NS_PER_MS);
    return 0;
}

int wait_readable_poll(int fd, int timeout_ms)
{
    struct timespec deadline;

    /* poll() skips a negative fd without a word: the call would just time out. */
    if (fd < 0) {
        errno = EINVAL;
        return -1;
    }
    if (timeout_ms >= 0 && deadline_after(&deadline, timeout_ms) < 0)
        return -1;
    for (;;) {
        /* No fd_set: the descriptor's number goes in as it is, however large. */
        struct pollfd watch = {.fd = fd, .events = POLLIN};
        int limit = -1; /* -1: wait without limit */

        if (timeout_ms >= 0 && ms_left(&deadline, &limit) < 0)
            return -1;
        if (timeout_ms >= 0)
            limit = timeout_ms; /* the whole timeout again */
        int ready = poll(&watch, 1, limit);
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready <= 0)
            return ready;
        if (watch.revents & POLLNVAL) {
            errno = EBADF; /* poll() itself succeeds for a descriptor that is not open */
            return -1;
        }
        /* POLLIN, or POLLHUP / POLLERR, which poll() reports unasked and
         * possibly without POLLIN: a read would not wait in any case. */
        return 1;
    }
}

/* ---- one client: the protocol, shared by both servers ------------------------------------ */

/* One client. Every answer is the same ack line, so what it is still owed
 * is a count, plus how far into the first owed answer a short send got. */
struct client {
    int fd;
    int eof;                     /* the client shut down its sending side */
    int input_waiting;           /* bytes may be waiting in the kernel: read on */
    size_t greeting_sent;        /* bytes of the greeting already sent */
    long acks_owed;              /* answers queued but not fully sent */
    size_t ack_sent;             /* bytes of the first owed answer already sent */
    size_t pending_len;          /* bytes waiting in pending */
    char pending[POLL_LINE_MAX]; /* received bytes not answered yet */
    struct client *prev, *next;  /* the epoll server's list of open clients */
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
};

static void server_init(struct server *s, int listen_fd, int stop_fd, const char *greeting_line,
                        const char *ack_line, FILE *log)
{
    memset(s, 0, sizeof *s);
    s->listen_fd = listen_fd;
    s->stop_fd = stop_fd;
    s->greeting = greeting_line;
    s->greeting_len = strlen(greeting_line);
    s->ack = ack_line;
    s->ack_len = strlen(ack_line);
    s->log = log;
}

static void free_client(struct client *c)
{
    /* Nothing to do if close() fails; it must not be retried on EINTR
     * either (Linux has released the descriptor already). */
    close(c->fd);
    free(c);
}

static int owes_output(const struct server *s, const struct client *c)
{
    return c->greeting_sent < s->greeting_len || c->acks_owed > 0;
}

/* Whether the server reads this client's lines now (not after EOF, not
 * while it owes it too many answers: back-pressure). */
static int wants_input(const struct client *c)
{
    return !c->eof && c->acks_owed < ACKS_OWED_MAX && c->pending_len < POLL_LINE_MAX;
}

/* Sends what the client is owed without ever waiting: 1 when all of it is
 * sent, 0 when its socket buffer is full, -1 when the client is gone. */
static int flush_client(const struct server *s, struct client *c)
{
    while (owes_output(s, c)) {
        int greeting = c->greeting_sent < s->greeting_len;
        const char *next = greeting ? s->greeting + c->greeting_sent : s->ack + c->ack_sent;
        size_t left = greeting ? s->greeting_len - c->greeting_sent : s->ack_len - c->ack_sent;
        /* The socket is non-blocking: a full buffer gives EAGAIN, not a wait.
         * MSG_NOSIGNAL: a vanished client gives EPIPE, not a deadly SIGPIPE. */
        ssize_t sent = send(c->fd, next, left, MSG_NOSIGNAL);
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

/* One read into the client's buffer: 0, or -1 when the client failed.
 * EAGAIN means "drained": only a new event says when more has come. */
static int receive(struct client *c)
{
    ssize_t got;

    do {
        got = recv(c->fd, c->pending + c->pending_len, POLL_LINE_MAX - c->pending_len, 0);
    } while (got < 0 && errno == EINTR);
    if (got < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK)
            return -1;
        c->input_waiting = 0;
        return 0;
    }
    if (got == 0) {
        c->eof = 1;
        c->input_waiting = 0;
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
    if (c->pending_len == POLL_LINE_MAX || c->eof)
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

/* Logs, counts and queues an answer for every complete line, while the
 * client does not owe too many already. */
static void answer_lines(struct server *s, struct client *c)
{
    size_t len;

    while (c->acks_owed < ACKS_OWED_MAX && (len = next_line_length(c)) > 0) {
        log_line(s->log, c->pending, len);
        if (s->ack_len > 0)
            c->acks_owed++;
        s->answered++;
        c->pending_len -= len;
        memmove(c->pending, c->pending + len, c->pending_len);
    }
}

/*
 * Serves one client as far as it goes without waiting: answers complete
 * lines, sends what it owes, and reads on until recv() says EAGAIN (or
 * back-pressure stops it; input_waiting then remembers that bytes may be
 * left). Returns 1 while the connection stays open, 0 when it is to be
 * closed: the client failed, or it sent EOF and has all its answers.
 */
static int pump_client(struct server *s, struct client *c)
{
    for (;;) {
        answer_lines(s, c);
        int flushed = flush_client(s, c);
        if (flushed < 0)
            return 0;
        if (flushed == 1 && next_line_length(c) > 0)
            continue; /* all sent: room to answer the lines still in the buffer */
        if (!c->input_waiting || !wants_input(c))
            break;
        if (receive(c) < 0)
            return 0;
    }
    return !(c->eof && c->pending_len == 0 && !owes_output(s, c));
}

/* errno values of accept() that only mean "this client is gone, or not yet
 * there": the loop goes on. */
static int accept_error_is_transient(int err)
{
    return err == EAGAIN || err == EWOULDBLOCK || err == ECONNABORTED || err == EINTR ||
           err == EPROTO;
}

/* Accepts one waiting connection into *out (NULL when nobody was there
 * after all, or no memory was left for it); -1 only on a real error. */
static int accept_client(const struct server *s, struct client **out)
{
    *out = NULL;
    /* SOCK_NONBLOCK: reads and writes on a client never wait, which reading
     * "until EAGAIN" needs. SOCK_CLOEXEC: a program we exec keeps none. */
    int fd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0)
        return accept_error_is_transient(errno) ? 0 : -1;
    struct client *c = calloc(1, sizeof *c);
    if (!c) {
        close(fd); /* this one client is turned away; the others go on */
        return 0;
    }
    c->fd = fd;
    c->input_waiting = 1; /* it may have sent its first line already */
    *out = c;
    return 0;
}

/* Runs step(loop) until it says stop (0) or fails (-1), with listen_fd
 * non-blocking meanwhile: a client that gives up between the wake-up and
 * accept() must make accept() fail with EAGAIN, not block the loop. */
static long run_loop(const struct server *s, int (*step)(void *), void *loop)
{
    int status;
    int flags = fcntl(s->listen_fd, F_GETFL);

    if (flags < 0 || fcntl(s->listen_fd, F_SETFL, flags | O_NONBLOCK) < 0)
        return -1;
    while ((status = step(loop)) > 0) {
    }
    int err = errno;
    /* Restore the caller's flags on every path, keeping the first error. */
    if (fcntl(s->listen_fd, F_SETFL, flags) < 0 && status == 0) {
        status = -1;
        err = errno;
    }
    errno = err;
    return status == 0 ? s->answered : -1;
}

/* ---- serve_line_acks_poll ------------------------------------------------------------------ */

struct poll_loop {
    struct server server;
    struct pollfd *fds;      /* what poll() watches: LISTEN_SLOT, STOP_SLOT, then clients */
    struct client **clients; /* clients[i] goes with fds[i]; NULL for the first two */
    size_t count;
    size_t capacity;
};

static int add_slot(struct poll_loop *p, int fd, struct client *c)
{
    if (p->count == p->capacity) {
        size_t capacity = p->capacity ? 2 * p->capacity : INITIAL_SLOTS;
        struct pollfd *fds = realloc(p->fds, capacity * sizeof *fds);
        if (!fds)
            return -1;
        p->fds = fds;
        struct client **clients = realloc(p->clients, capacity * sizeof *clients);
        if (!clients)
            return -1;
        p->clients = clients;
        p->capacity = capacity;
    }
    p->fds[p->count] = (struct pollfd){.fd = fd};
    p->clients[p->count++] = c;
    return 0;
}

/* Closes the client in slot i and fills the hole with the last slot, which
 * keeps the array dense. The caller must look at slot i again: it now holds
 * a client (and its revents) it has not served yet. */
static void remove_slot(struct poll_loop *p, size_t i)
{
    free_client(p->clients[i]);
    p->count--;
    p->fds[i] = p->fds[p->count];
    p->clients[i] = p->clients[p->count];
}

/* Asks only for what the loop can use now: an event that is asked for but
 * not acted on comes back at once, and the loop would spin. */
static void choose_events(struct poll_loop *p)
{
    p->fds[LISTEN_SLOT].events = POLLIN;
    p->fds[STOP_SLOT].events = POLLIN;
    for (size_t i = FIRST_CLIENT_SLOT; i < p->count; i++) {
        const struct client *c = p->clients[i];
        p->fds[i].events =
            (short)((wants_input(c) ? POLLIN : 0) | (owes_output(&p->server, c) ? POLLOUT : 0));
    }
}

/* 1 while the client stays, 0 when it is to be closed. */
static int serve_polled_client(struct server *s, struct client *c, short revents)
{
    if (revents & (POLLIN | POLLHUP | POLLERR))
        c->input_waiting = 1;
    int open = pump_client(s, c);
    /* After a hang-up or an error the connection can take nothing more, and
     * poll() would report it again on every call: close it now. */
    return open && !(revents & (POLLHUP | POLLERR));
}

static void serve_ready_clients(struct poll_loop *p)
{
    size_t i = FIRST_CLIENT_SLOT;

    while (i < p->count) {
        short revents = p->fds[i].revents;
        if (revents && !serve_polled_client(&p->server, p->clients[i], revents)) {
            remove_slot(p, i);
            continue; /* not i++: slot i holds the moved client now */
        }
        i++;
    }
}

static int accept_into_array(struct poll_loop *p)
{
    struct client *c;

    if (accept_client(&p->server, &c) < 0)
        return -1;
    if (!c)
        return 0;
    if (add_slot(p, c->fd, c) < 0) {
        free_client(c); /* no memory for its slot: only this client is turned away */
        return 0;
    }
    /* The greeting goes out at once; what does not fit is sent later. */
    if (!pump_client(&p->server, c))
        remove_slot(p, p->count - 1);
    return 0;
}

/* One round: 1 to go on, 0 when stop_fd is readable, -1 on error. */
static int poll_once(void *loop)
{
    struct poll_loop *p = loop;

    choose_events(p);
    if (poll(p->fds, (nfds_t)p->count, -1) < 0)
        return errno == EINTR ? 1 : -1;
    short stop = p->fds[STOP_SLOT].revents, listener = p->fds[LISTEN_SLOT].revents;
    if ((stop | listener) & POLLNVAL) {
        errno = EBADF; /* closed under us: poll() would report it forever */
        return -1;
    }
    if (stop)
        return 0; /* POLLIN, or POLLHUP (the pipe's writers are gone): both end the loop */
    serve_ready_clients(p);
    /* Accept last: a new slot has no revents from this round. */
    if (listener && accept_into_array(p) < 0)
        return -1;
    return 1;
}

long serve_line_acks_poll(int listen_fd, int stop_fd, const char *greeting_line,
                          const char *ack_line, FILE *log)
{
    struct poll_loop p = {.count = 0};
    long answered = -1;

    if (listen_fd < 0 || stop_fd < 0) {
        errno = EINVAL;
        return -1;
    }
    server_init(&p.server, listen_fd, stop_fd, greeting_line, ack_line, log);
    if (add_slot(&p, listen_fd, NULL) == 0 && add_slot(&p, stop_fd, NULL) == 0)
        answered = run_loop(&p.server, poll_once, &p);
    int err = errno;
    for (size_t i = FIRST_CLIENT_SLOT; i < p.count; i++)
        free_client(p.clients[i]);
    free(p.fds);
    free(p.clients);
    errno = err;
    return answered;
}

/* ---- serve_line_acks_epoll ----------------------------------------------------------------- */

struct epoll_loop {
    struct server server;
    int epoll_fd;
    struct client *clients; /* every open client, to close them at the end */
};

/* epoll hands back the data word given to epoll_ctl(): a client pointer,
 * or the address of one of these two markers. */
static const char LISTENER_MARK, STOP_MARK;

static void link_client(struct epoll_loop *e, struct client *c)
{
    c->prev = NULL;
    c->next = e->clients;
    if (e->clients)
        e->clients->prev = c;
    e->clients = c;
}

static void drop_epoll_client(struct epoll_loop *e, struct client *c)
{
    if (c->prev)
        c->prev->next = c->next;
    else
        e->clients = c->next;
    if (c->next)
        c->next->prev = c->prev;
    /* close() also takes it out of the epoll set: accept4() made this
     * descriptor and nothing dup()ed it, so it is the file's last one. */
    free_client(c);
}

/* listen_fd and stop_fd are level-triggered: reported while they are ready. */
static int watch_level_triggered(int epoll_fd, int fd, const char *mark)
{
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = (void *)mark};
    return epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev);
}

static int accept_into_epoll(struct epoll_loop *e)
{
    struct client *c;

    if (accept_client(&e->server, &c) < 0)
        return -1;
    if (!c)
        return 0;
    /* Edge-triggered, both directions, once for the client's whole life:
     * each event means "something changed", and pump_client() then reads
     * until EAGAIN and sends until EAGAIN. */
    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, .data.ptr = c};
    if (epoll_ctl(e->epoll_fd, EPOLL_CTL_ADD, c->fd, &ev) < 0) {
        free_client(c); /* it cannot be watched: only this client is turned away */
        return 0;
    }
    link_client(e, c);
    if (!pump_client(&e->server, c))
        drop_epoll_client(e, c);
    return 0;
}

static void serve_epoll_client(struct epoll_loop *e, struct client *c, uint32_t events)
{
    if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
        c->input_waiting = 1;
    /* EPOLLOUT needs no flag: pump_client() sends whatever is owed, and
     * reads on if back-pressure had stopped it. */
    if (!pump_client(&e->server, c) || (events & (EPOLLHUP | EPOLLERR)))
        drop_epoll_client(e, c);
}

/* One round: 1 to go on, 0 when stop_fd is readable, -1 on error. */
static int epoll_once(void *loop)
{
    struct epoll_loop *e = loop;
    struct epoll_event events[EPOLL_BATCH];
    int ready = epoll_wait(e->epoll_fd, events, EPOLL_BATCH, -1);

    if (ready < 0)
        return errno == EINTR ? 1 : -1;
    for (int i = 0; i < ready; i++)
        if (events[i].data.ptr == &STOP_MARK)
            return 0; /* EPOLLIN, or EPOLLHUP: both end the loop */
    /* A client appears at most once in one batch, and only the client being
     * served is ever freed, so no later event points to freed memory. */
    for (int i = 0; i < ready; i++) {
        if (events[i].data.ptr != &LISTENER_MARK)
            serve_epoll_client(e, events[i].data.ptr, events[i].events);
        else if (accept_into_epoll(e) < 0)
            return -1;
    }
    return 1;
}

long serve_line_acks_epoll(int listen_fd, int stop_fd, const char *greeting_line,
                           const char *ack_line, FILE *log)
{
    struct epoll_loop e = {.clients = NULL};
    long answered = -1;

    if (listen_fd < 0 || stop_fd < 0) {
        errno = EINVAL;
        return -1;
    }
    server_init(&e.server, listen_fd, stop_fd, greeting_line, ack_line, log);
    /* EPOLL_CLOEXEC: a program started with exec() must not inherit it. */
    e.epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    if (e.epoll_fd < 0)
        return -1;
    if (watch_level_triggered(e.epoll_fd, listen_fd, &LISTENER_MARK) == 0 &&
        watch_level_triggered(e.epoll_fd, stop_fd, &STOP_MARK) == 0)
        answered = run_loop(&e.server, epoll_once, &e);
    int err = errno;
    while (e.clients)
        drop_epoll_client(&e, e.clients);
    close(e.epoll_fd);
    errno = err;
    return answered;
}
