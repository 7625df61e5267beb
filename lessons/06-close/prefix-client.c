/* prefix-client.c — document 002's client done right: send, half-close, read the reply. */
#define _POSIX_C_SOURCE 200809L
#include "close.h"
#include "demo_args.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define DEFAULT_PORT 12387
#define DEFAULT_MESSAGE "hello \n"
#define REPLY_MAX 8192

int main(int argc, char **argv)
{
    const char *host = argc > 1 ? argv[1] : "127.0.0.1";
    const char *message = argc > 3 ? argv[3] : DEFAULT_MESSAGE;
    uint16_t port = DEFAULT_PORT;
    char reply[REPLY_MAX];

    if (argc > 4 || (argc > 2 && demo_parse_port(argv[0], argv[2], &port) < 0)) {
        fprintf(stderr, "usage: %s [HOST [PORT [MESSAGE]]]\n", argv[0]);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("try to connect to %s:%u...\n", host, port);

    /* request_reply half-closes after sending: that is what lets the
     * server's read-until-EOF finish (the document's client never does). */
    ssize_t n = request_reply(host, port, message, strlen(message), reply, sizeof reply);
    if (n < 0) {
        fprintf(stderr, "%s: request failed: %s\n", argv[0], strerror(errno));
        return 1;
    }
    printf("发送成功！\n");
    printf("接受内容为：%.*s \n", (int)n, reply);
    return 0;
}
