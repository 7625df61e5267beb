/* stream-client.c — document 003's client: connect, fwrite a message, print the count. */
#define _POSIX_C_SOURCE 200809L
#include "stream.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_URI "tcp://127.0.0.1:12345"
#define DEFAULT_MESSAGE "hello world"

int main(int argc, char **argv)
{
    const char *uri = argc > 1 ? argv[1] : DEFAULT_URI;
    const char *text = argc > 2 ? argv[2] : DEFAULT_MESSAGE;
    char message[256];
    int code;

    if (argc > 3) {
        fprintf(stderr, "usage: %s [URI [MESSAGE]]\n", argv[0]);
        return 2;
    }
    /* A negative timeout: the default 60 s, as PHP's stream_socket_client. */
    int fd = stream_socket_client(uri, &code, message, sizeof message, -1.0);
    if (fd < 0) {
        fprintf(stderr, "%s: %s (%d)\n", argv[0], message, code);
        return 1;
    }
    FILE *stream = stream_socket_fdopen(fd, "w");
    if (!stream) {
        fprintf(stderr, "%s: fdopen failed: %s\n", argv[0], strerror(errno));
        close(fd); /* on failure the descriptor is still ours */
        return 1;
    }
    size_t written = fwrite(text, 1, strlen(text), stream);
    /* fclose flushes the buffer: only now do the bytes reach the socket. */
    if (fclose(stream) != 0 || written != strlen(text)) {
        fprintf(stderr, "%s: write failed: %s\n", argv[0], strerror(errno));
        return 1;
    }
    printf("%zu\n", written);
    return 0;
}
