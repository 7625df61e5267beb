/* udp-echo-server.c — a UDP echo server: every datagram goes back to its sender, MAX times. */
#define _POSIX_C_SOURCE 200809L
#include "bind.h"
#include "demo_args.h"
#include "udp.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_PORT 12500 /* not from the documents (they have no UDP program): this lesson's */
#define DEFAULT_DATAGRAMS 5

int main(int argc, char **argv)
{
    const char *host = argc > 1 ? argv[1] : "127.0.0.1";
    uint16_t port = DEFAULT_PORT;
    long datagrams = DEFAULT_DATAGRAMS;
    char endpoint[64];

    if (argc > 4 || (argc > 2 && demo_parse_port(argv[0], argv[2], &port) < 0) ||
        (argc > 3 && demo_parse_number(argv[3], 0, 1000000, &datagrams) < 0)) {
        fprintf(stderr, "usage: %s [HOST [PORT [MAX_DATAGRAMS]]]\n", argv[0]);
        return 2;
    }
    /* Line-buffered even into a pipe, so each line shows up as it happens. */
    setvbuf(stdout, NULL, _IOLBF, 0);

    int fd = udp_bind(host, port);
    if (fd < 0) {
        fprintf(stderr, "%s: cannot bind %s:%u: %s\n", argv[0], host, port, strerror(errno));
        return 1;
    }
    /* No listen(), no accept(): the bound socket is ready for datagrams now. */
    if (local_endpoint(fd, endpoint, sizeof endpoint) == 0)
        printf("listening on %s\n", endpoint); /* with PORT 0, the port the kernel chose */

    long echoed = udp_echo_serve(fd, datagrams);
    int err = errno;
    close(fd);
    if (echoed < 0) {
        fprintf(stderr, "%s: serving failed: %s\n", argv[0], strerror(err));
        return 1;
    }
    printf("echoed %ld datagrams\n", echoed);
    return 0;
}
