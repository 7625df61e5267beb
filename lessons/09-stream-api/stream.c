/* stream.c — lesson 09 skeleton: replace each body with your implementation (see stream.h). */
#define _POSIX_C_SOURCE 200809L
#include "stream.h"

#include <errno.h>
#include <stdio.h>

int stream_socket_server(const char *uri, int *err_code, char *err_msg, size_t err_cap)
{
    (void)uri;
    (void)err_code;
    (void)err_msg;
    (void)err_cap;
    /* TODO: parse the URI (inet_pton), then socket(), setsockopt(SO_REUSEADDR),
     * bind(), listen(fd, STREAM_LISTEN_BACKLOG) for TCP; fill err_code/err_msg */
    errno = ENOSYS;
    return -1;
}

int stream_socket_accept(int server, double timeout_s, char *peer, size_t peer_cap)
{
    (void)server;
    (void)timeout_s;
    (void)peer;
    (void)peer_cap;
    errno = ENOSYS; /* TODO: poll(POLLIN) with the time left (retry EINTR), accept(), inet_ntop() */
    return -1;
}

int stream_socket_client(const char *uri, int *err_code, char *err_msg, size_t err_cap,
                         double timeout_s)
{
    (void)uri;
    (void)err_code;
    (void)err_msg;
    (void)err_cap;
    (void)timeout_s;
    /* TODO: socket(), fcntl(F_GETFL/F_SETFL O_NONBLOCK), connect() -> EINPROGRESS,
     * poll(POLLOUT), getsockopt(SO_ERROR), fcntl(F_SETFL) to restore the flags */
    errno = ENOSYS;
    return -1;
}

FILE *stream_socket_fdopen(int fd, const char *mode)
{
    (void)fd;
    (void)mode;
    errno = ENOSYS; /* TODO: fdopen() */
    return NULL;
}
