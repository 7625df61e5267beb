/* udp-echo-client.c — sends one datagram to a UDP echo server and prints the answer. */
#define _POSIX_C_SOURCE 200809L
#include "demo_args.h"
#include "select.h"
#include "udp.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define DEFAULT_PORT 12500 /* the port of udp-echo-server */
#define DEFAULT_MESSAGE "hello udp"
#define ANSWER_TIMEOUT_MS 3000 /* UDP may lose the datagram: never wait forever */

/* Sends the message and waits for its echo; prints it, or says why there is none. */
static int ask(const char *program, int fd, const char *message)
{
    char answer[UDP_MAX_PAYLOAD];
    char from[64];
    int truncated;
    ssize_t n;

    /* Connected: send() needs no address, and only the server can answer. */
    do {
        n = send(fd, message, strlen(message), 0);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        fprintf(stderr, "%s: send() failed: %s\n", program, strerror(errno));
        return -1;
    }
    int ready = wait_readable(fd, ANSWER_TIMEOUT_MS);
    if (ready == 0) {
        fprintf(stderr, "%s: no answer within %d ms\n", program, ANSWER_TIMEOUT_MS);
        return -1;
    }
    /* Readable can also mean an error waits: ECONNREFUSED when nobody listens there. */
    if (ready < 0 ||
        (n = udp_receive_from(fd, answer, sizeof answer, from, sizeof from, &truncated)) < 0) {
        fprintf(stderr, "%s: no echo: %s\n", program, strerror(errno));
        return -1;
    }
    printf("received %zd bytes from %s%s: %.*s\n", n, from, truncated ? " (cut)" : "", (int)n,
           answer);
    return 0;
}

int main(int argc, char **argv)
{
    const char *host = argc > 1 ? argv[1] : "127.0.0.1";
    const char *message = argc > 3 ? argv[3] : DEFAULT_MESSAGE;
    uint16_t port = DEFAULT_PORT;

    if (argc > 4 || (argc > 2 && demo_parse_port(argv[0], argv[2], &port) < 0)) {
        fprintf(stderr, "usage: %s [HOST [PORT [MESSAGE]]]\n", argv[0]);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);

    int fd = udp_connect(host, port);
    if (fd < 0) {
        fprintf(stderr, "%s: cannot connect to %s:%u: %s\n", argv[0], host, port, strerror(errno));
        return 1;
    }
    int rc = ask(argv[0], fd, message);
    close(fd);
    return rc < 0 ? 1 : 0;
}
