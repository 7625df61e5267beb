/* prefix-server.c — document 002's server: read until EOF, answer "数据是 " + the data. */
#define _POSIX_C_SOURCE 200809L
#include "accept.h"
#include "bind.h"
#include "demo_args.h"
#include "listen.h"
#include "readwrite.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_PORT 12387 /* document 002's port */
#define LISTEN_BACKLOG 4   /* document 002 listens with a backlog of 4 */
#define REPLY_PREFIX "数据是 "

int main(int argc, char **argv)
{
    const char *host = argc > 1 ? argv[1] : "127.0.0.1";
    uint16_t port = DEFAULT_PORT;
    char endpoint[64], peer[64];

    if (argc > 3 || (argc > 2 && demo_parse_port(argv[0], argv[2], &port) < 0)) {
        fprintf(stderr, "usage: %s [HOST [PORT]]\n", argv[0]);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);

    int listener = create_listener(host, port, LISTEN_BACKLOG);
    if (listener < 0 || local_endpoint(listener, endpoint, sizeof endpoint) < 0) {
        fprintf(stderr, "%s: cannot listen on %s:%u: %s\n", argv[0], host, port, strerror(errno));
        return 1;
    }
    printf("Binding the socket on %s ... \n", endpoint);

    /* One client at a time, forever (Ctrl-C ends it), as in the document. */
    for (;;) {
        int conn = accept_client(listener, peer, sizeof peer);
        if (conn < 0) {
            fprintf(stderr, "%s: accept() failed: %s\n", argv[0], strerror(errno));
            close(listener);
            return 1;
        }
        if (serve_prefix_reply(conn, REPLY_PREFIX) < 0)
            fprintf(stderr, "%s: client %s: %s\n", argv[0], peer, strerror(errno));
        else
            printf("answered %s\n", peer);
        close(conn);
    }
}
