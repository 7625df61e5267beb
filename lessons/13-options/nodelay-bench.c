/* nodelay-bench.c — measures Nagle + delayed ACK on loopback: write-write-read with and without
 * TCP_NODELAY. */
#define _POSIX_C_SOURCE 200809L
#include "accept.h"
#include "demo_args.h"
#include "listen.h"
#include "options.h"
#include "readwrite.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_ROUNDS 200     /* round trips per fast case */
#define DEFAULT_SLOW_ROUNDS 50 /* the Nagle case costs about 40 ms each: 2 s */
#define MAX_ROUNDS 100000
#define WARMUP_ROUNDS 3 /* not measured: the connection's first segments are ACKed at once */
#define HEADER_BYTES 10
#define BODY_BYTES 10
#define REQUEST_BYTES (HEADER_BYTES + BODY_BYTES)
#define CASE_COUNT 3

/* One way to send a request. */
struct bench_case {
    const char *name;
    int nodelay;    /* TCP_NODELAY on the client */
    int one_write;  /* header and body in a single write */
    int slow;       /* uses the smaller round count */
    double *micros; /* the round-trip times measured */
    long rounds;
};

/* ---- the echo server: a thread that answers every 20-byte request with the same bytes --- */

/* read_once() until @p len bytes have come; 0 at end of file, -1 on error. */
static ssize_t read_exactly(int fd, char *buf, size_t len)
{
    size_t got = 0;
    while (got < len) {
        ssize_t n = read_once(fd, buf + got, len - got);
        if (n <= 0)
            return n;
        got += (size_t)n;
    }
    return (ssize_t)got;
}

static void *echo_server(void *arg)
{
    int listener = *(int *)arg;
    char request[REQUEST_BYTES];

    /* One connection per case, one after the other. */
    for (int c = 0; c < CASE_COUNT; c++) {
        int conn = accept_client(listener, NULL, 0);
        if (conn < 0)
            return "accept_client";
        ssize_t n;
        /* The reply goes out in one write: only the client's side is under test. */
        while ((n = read_exactly(conn, request, sizeof request)) > 0)
            if (write_all(conn, request, sizeof request) < 0)
                break;
        close(conn);
    }
    return NULL;
}

/* ---- the client -------------------------------------------------------------------------- */

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* One request/response: header and body (two writes, or one), then the 20-byte echo. */
static int round_trip(int fd, const struct bench_case *bc)
{
    static const char request[REQUEST_BYTES] = "HEADER-01|BODY-0001|";
    char reply[REQUEST_BYTES];

    if (bc->one_write) {
        if (write_all(fd, request, REQUEST_BYTES) < 0)
            return -1;
    } else if (write_all(fd, request, HEADER_BYTES) < 0 ||
               write_all(fd, request + HEADER_BYTES, BODY_BYTES) < 0) {
        return -1;
    }
    if (read_exactly(fd, reply, sizeof reply) != (ssize_t)sizeof reply) {
        if (errno == 0)
            errno = ECONNRESET; /* the echo server went away early */
        return -1;
    }
    return 0;
}

static int run_case(uint16_t port, struct bench_case *bc)
{
    int fd = connect_ipv4("127.0.0.1", port);
    if (fd < 0)
        return -1;
    /* Set explicitly either way: the default is Nagle on, but say what is measured. */
    if (set_nodelay(fd, bc->nodelay) < 0)
        goto fail;
    for (long i = -WARMUP_ROUNDS; i < bc->rounds; i++) {
        double start = now_us();
        errno = 0;
        if (round_trip(fd, bc) < 0)
            goto fail;
        if (i >= 0)
            bc->micros[i] = now_us() - start;
    }
    return close(fd);

fail:;
    int saved = errno;
    close(fd);
    errno = saved;
    return -1;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The value below which @p percent of the sorted samples lie (nearest rank). */
static double percentile(const double *sorted, long n, int percent)
{
    long rank = (n * percent + 99) / 100;
    return sorted[rank > 0 ? rank - 1 : 0];
}

static int parse_rounds(const char *program, const char *text, long *rounds)
{
    if (demo_parse_number(text, 1, MAX_ROUNDS, rounds) < 0) {
        fprintf(stderr, "%s: \"%s\" is not a round count (1-%d)\n", program, text, MAX_ROUNDS);
        return -1;
    }
    return 0;
}

static void print_results(struct bench_case *cases)
{
    printf("%-44s %7s %12s %12s\n", "request written as", "rounds", "median (us)", "p99 (us)");
    for (int c = 0; c < CASE_COUNT; c++) {
        qsort(cases[c].micros, (size_t)cases[c].rounds, sizeof(double), by_value);
        printf("%-44s %7ld %12.1f %12.1f\n", cases[c].name, cases[c].rounds,
               percentile(cases[c].micros, cases[c].rounds, 50),
               percentile(cases[c].micros, cases[c].rounds, 99));
    }
    double nagle = percentile(cases[0].micros, cases[0].rounds, 50);
    double nodelay = percentile(cases[1].micros, cases[1].rounds, 50);
    printf("median ratio, Nagle / TCP_NODELAY: %.0fx\n", nodelay > 0 ? nagle / nodelay : 0.0);
}

int main(int argc, char **argv)
{
    long rounds = DEFAULT_ROUNDS, slow_rounds = DEFAULT_SLOW_ROUNDS;
    struct bench_case cases[CASE_COUNT] = {
        {"two writes (10 + 10 bytes), Nagle on", 0, 0, 1, NULL, 0},
        {"two writes (10 + 10 bytes), TCP_NODELAY", 1, 0, 0, NULL, 0},
        {"one write (20 bytes), Nagle on", 0, 1, 0, NULL, 0},
    };

    if (argc > 3 || (argc > 1 && parse_rounds(argv[0], argv[1], &rounds) < 0) ||
        (argc > 2 && parse_rounds(argv[0], argv[2], &slow_rounds) < 0)) {
        fprintf(stderr, "usage: %s [ROUNDS [SLOW_ROUNDS]]\n", argv[0]);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);

    int listener = create_listener("127.0.0.1", 0, 1);
    struct sockaddr_in bound;
    socklen_t bound_len = sizeof bound;
    if (listener < 0 || getsockname(listener, (struct sockaddr *)&bound, &bound_len) < 0) {
        fprintf(stderr, "%s: cannot listen on 127.0.0.1: %s\n", argv[0], strerror(errno));
        return 1;
    }
    uint16_t port = ntohs(bound.sin_port);
    printf("echo server on 127.0.0.1:%u\n", port);

    pthread_t server;
    if ((errno = pthread_create(&server, NULL, echo_server, &listener)) != 0) {
        fprintf(stderr, "%s: pthread_create: %s\n", argv[0], strerror(errno));
        return 1;
    }
    int status = 0;
    for (int c = 0; c < CASE_COUNT && status == 0; c++) {
        cases[c].rounds = cases[c].slow ? slow_rounds : rounds;
        cases[c].micros = malloc((size_t)cases[c].rounds * sizeof(double));
        if (cases[c].micros == NULL || run_case(port, &cases[c]) < 0) {
            fprintf(stderr, "%s: %s: %s\n", argv[0], cases[c].name, strerror(errno));
            status = 1;
        }
    }
    if (status != 0) {
        /* The server may wait in accept() for a client that will not come. */
        shutdown(listener, SHUT_RDWR);
    }
    void *failed;
    pthread_join(server, &failed);
    close(listener);
    if (status == 0 && failed != NULL) {
        fprintf(stderr, "%s: echo server: %s failed\n", argv[0], (const char *)failed);
        status = 1;
    }
    if (status == 0)
        print_results(cases);
    for (int c = 0; c < CASE_COUNT; c++)
        free(cases[c].micros);
    return status;
}
