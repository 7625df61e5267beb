/* ack-server.c — document 004's server for many clients at once (select, poll or epoll); Ctrl-C
 * ends it. */
#define _POSIX_C_SOURCE 200809L
#include "bind.h"
#include "demo_args.h"
#include "listen.h"
#include "pollers.h"
#include "select.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_PORT 10008 /* document 004's port */
#define LISTEN_BACKLOG 64
#define GREETING_LINE "Connect\n"
#define ACK_LINE "Information received\n"

/* The self-pipe: a signal handler may only do async-signal-safe things,
 * and write() is one. The serving loop sees the pipe become readable. */
static int stop_pipe[2] = {-1, -1};

static void request_stop(int signo)
{
    (void)signo;
    int saved = errno; /* a handler must not change errno under the interrupted code */
    if (write(stop_pipe[1], "x", 1) < 0) {
        /* nothing to do: a byte is already waiting, or the pipe is gone */
    }
    errno = saved;
}

static int install_stop_handlers(void)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = request_stop;
    sigemptyset(&action.sa_mask);
    return sigaction(SIGINT, &action, NULL) == 0 && sigaction(SIGTERM, &action, NULL) == 0 ? 0 : -1;
}

/* The three loops of lessons 07 and 14 share one signature. */
typedef long (*serve_fn)(int listen_fd, int stop_fd, const char *greeting_line,
                         const char *ack_line, FILE *log);

static serve_fn loop_named(const char *name)
{
    if (strcmp(name, "select") == 0)
        return serve_line_acks_select;
    if (strcmp(name, "poll") == 0)
        return serve_line_acks_poll;
    if (strcmp(name, "epoll") == 0)
        return serve_line_acks_epoll;
    return NULL;
}

int main(int argc, char **argv)
{
    const char *host = argc > 1 ? argv[1] : "127.0.0.1";
    uint16_t port = DEFAULT_PORT;
    char endpoint[64];

    serve_fn serve = loop_named(argc > 3 ? argv[3] : "select");
    if (argc > 4 || !serve || (argc > 2 && demo_parse_port(argv[0], argv[2], &port) < 0)) {
        fprintf(stderr, "usage: %s [HOST [PORT [select|poll|epoll]]]\n", argv[0]);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (pipe(stop_pipe) < 0 || install_stop_handlers() < 0) {
        fprintf(stderr, "%s: cannot set up the stop signal: %s\n", argv[0], strerror(errno));
        return 1;
    }
    int listener = create_listener(host, port, LISTEN_BACKLOG);
    if (listener < 0 || local_endpoint(listener, endpoint, sizeof endpoint) < 0) {
        fprintf(stderr, "%s: cannot listen on %s:%u: %s\n", argv[0], host, port, strerror(errno));
        return 1;
    }
    printf("listening on %s\n", endpoint);

    /* Prints "Buffer: <line>" for every line of every client. */
    long lines = serve(listener, stop_pipe[0], GREETING_LINE, ACK_LINE, stdout);
    int err = errno;
    close(listener);
    if (lines < 0) {
        fprintf(stderr, "%s: serving failed: %s\n", argv[0], strerror(err));
        return 1;
    }
    printf("Closed the socket: %ld lines answered\n", lines);
    return 0;
}
