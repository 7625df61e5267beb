/* greeting-client.c — documents 000/001's client: send a message, print every answer. */
#define _POSIX_C_SOURCE 200809L
#include "accept.h"
#include "demo_args.h"
#include "readwrite.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_PORT 12000
#define DEFAULT_MESSAGE "hello \r\n"
#define READ_CHUNK 1024 /* the document's client reads up to 1024 bytes at a time */

int main(int argc, char **argv)
{
    const char *host = argc > 1 ? argv[1] : "127.0.0.1";
    const char *message = argc > 3 ? argv[3] : DEFAULT_MESSAGE;
    uint16_t port = DEFAULT_PORT;
    char chunk[READ_CHUNK];
    ssize_t n;

    if (argc > 4 || (argc > 2 && demo_parse_port(argv[0], argv[2], &port) < 0)) {
        fprintf(stderr, "usage: %s [HOST [PORT [MESSAGE]]]\n", argv[0]);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);

    int fd = connect_ipv4(host, port);
    if (fd < 0) {
        fprintf(stderr, "%s: connect() failed: %s\n", argv[0], strerror(errno));
        return 1;
    }
    if (write_all(fd, message, strlen(message)) < 0) {
        fprintf(stderr, "%s: write() failed: %s\n", argv[0], strerror(errno));
        close(fd);
        return 1;
    }
    /* One line of output per read: how TCP cut the stream shows through. */
    while ((n = read_once(fd, chunk, sizeof chunk)) > 0)
        printf("接受的内容为:%.*s", (int)n, chunk);
    int err = errno;
    close(fd);
    if (n < 0) {
        fprintf(stderr, "%s: read() failed: %s\n", argv[0], strerror(err));
        return 1;
    }
    return 0;
}
