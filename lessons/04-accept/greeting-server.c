/* greeting-server.c — documents 000/001's server: greet each client, print its message. */
#define _POSIX_C_SOURCE 200809L
#include "accept.h"
#include "bind.h"
#include "demo_args.h"
#include "listen.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_PORT 12000 /* the documents' port */
#define DEFAULT_CLIENTS 5  /* the documents stop after five clients */
#define LISTEN_BACKLOG 16
#define GREETING "测试成功！\n"

int main(int argc, char **argv)
{
    const char *host = argc > 1 ? argv[1] : "127.0.0.1";
    uint16_t port = DEFAULT_PORT;
    long clients = DEFAULT_CLIENTS;
    char endpoint[64];

    if (argc > 4 || (argc > 2 && demo_parse_port(argv[0], argv[2], &port) < 0) ||
        (argc > 3 && demo_parse_number(argv[3], 0, 1000000, &clients) < 0)) {
        fprintf(stderr, "usage: %s [HOST [PORT [MAX_CLIENTS]]]\n", argv[0]);
        return 2;
    }
    /* Line-buffered even into a pipe, so each line shows up as it happens. */
    setvbuf(stdout, NULL, _IOLBF, 0);

    int listener = create_listener(host, port, LISTEN_BACKLOG);
    if (listener < 0) {
        fprintf(stderr, "%s: cannot listen on %s:%u: %s\n", argv[0], host, port, strerror(errno));
        return 1;
    }
    if (local_endpoint(listener, endpoint, sizeof endpoint) == 0)
        printf("listening on %s\n", endpoint); /* with PORT 0, the port the kernel chose */

    /* serve_greetings logs "收到的信息:<data>" per client, here to stdout. */
    long served = serve_greetings(listener, GREETING, (int)clients, stdout);
    int err = errno;
    close(listener);
    if (served < 0) {
        fprintf(stderr, "%s: serving failed: %s\n", argv[0], strerror(err));
        return 1;
    }
    printf("served %ld clients\n", served);
    return 0;
}
