/* ack-client.c — document 004's client: greeting, one line, the answers; half-closes to end. */
#define _POSIX_C_SOURCE 200809L
#include "accept.h"
#include "close.h"
#include "demo_args.h"
#include "readwrite.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_PORT 10008  /* document 004's port */
#define LINE_MAX_BYTES 1024 /* the document reads lines of up to 1024 bytes */
#define REQUEST_LINE "SOME data\n"

int main(int argc, char **argv)
{
    const char *host = argc > 1 ? argv[1] : "127.0.0.1";
    uint16_t port = DEFAULT_PORT;
    struct line_reader reader;
    char line[LINE_MAX_BYTES];
    ssize_t n;

    if (argc > 3 || (argc > 2 && demo_parse_port(argv[0], argv[2], &port) < 0)) {
        fprintf(stderr, "usage: %s [HOST [PORT]]\n", argv[0]);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);

    int fd = connect_ipv4(host, port);
    if (fd < 0) {
        fprintf(stderr, "%s: connect() failed: %s\n", argv[0], strerror(errno));
        return 1;
    }
    line_reader_init(&reader, fd);
    n = line_reader_next(&reader, line, sizeof line);
    if (n <= 0 || strstr(line, "not connect")) {
        printf("Don't connect\n");
        close(fd);
        return 1;
    }
    printf("Buffer Data: %s\n", line);
    printf("Writing to socket\n");
    /* Half-close after the request: the server sees EOF and ends this
     * connection, so the answers below end too. */
    if (write_all(fd, REQUEST_LINE, strlen(REQUEST_LINE)) < 0 || half_close(fd) < 0) {
        printf("Write failed\n");
        close(fd);
        return 1;
    }
    while ((n = line_reader_next(&reader, line, sizeof line)) > 0)
        printf("sent to Server:some data\n response from server is:%s\n", line);
    int err = errno;
    close(fd);
    if (n < 0) {
        fprintf(stderr, "%s: read() failed: %s\n", argv[0], strerror(err));
        return 1;
    }
    return 0;
}
