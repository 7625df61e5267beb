/* stream-server.c — document 003's server: accept one client, print its address and data. */
#define _POSIX_C_SOURCE 200809L
#include "bind.h"
#include "readwrite.h"
#include "stream.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_URI                                                                                \
    "tcp://127.0.0.1:12345" /* document 003 binds 0.0.0.0; loopback is enough here */
#define READ_CHUNK 8192

int main(int argc, char **argv)
{
    const char *uri = argc > 1 ? argv[1] : DEFAULT_URI;
    char message[256], endpoint[64], peer[64], chunk[READ_CHUNK];
    int code;
    ssize_t n;

    if (argc > 2) {
        fprintf(stderr, "usage: %s [URI]\n", argv[0]);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    int server = stream_socket_server(uri, &code, message, sizeof message);
    if (server < 0) {
        fprintf(stderr, "%s: %s (%d)\n", argv[0], message, code);
        return 1;
    }
    if (local_endpoint(server, endpoint, sizeof endpoint) == 0)
        printf("listening on %s\n", endpoint);

    int conn = stream_socket_accept(server, -1.0, peer, sizeof peer); /* -1: no time limit */
    if (conn < 0) {
        fprintf(stderr, "%s: accept failed: %s\n", argv[0], strerror(errno));
        close(server);
        return 1;
    }
    printf("%s\n", peer);
    while ((n = read_once(conn, chunk, sizeof chunk)) > 0)
        printf("%.*s", (int)n, chunk);
    int err = errno;
    printf("\n");
    close(conn);
    close(server);
    if (n < 0) {
        fprintf(stderr, "%s: read failed: %s\n", argv[0], strerror(err));
        return 1;
    }
    return 0;
}
