/* accept.c — lesson 04 skeleton: replace each body with your implementation (see accept.h). */
#define _POSIX_C_SOURCE 200809L
#include "accept.h"

#include <errno.h>

int accept_client(int listen_fd, char *peer, size_t peer_cap)
{
    (void)listen_fd;
    (void)peer;
    (void)peer_cap;
    errno = ENOSYS; /* TODO: accept() (retry EINTR, ECONNABORTED), inet_ntop, ntohs, snprintf */
    return -1;
}

int peer_endpoint(int fd, char *buf, size_t cap)
{
    (void)fd;
    (void)buf;
    (void)cap;
    errno = ENOSYS; /* TODO: getpeername(), then the same "ip:port" text as accept_client() */
    return -1;
}

int connect_ipv4(const char *ip, uint16_t port)
{
    (void)ip;
    (void)port;
    errno = ENOSYS; /* TODO: inet_pton(), socket(), connect(); after EINTR poll() + SO_ERROR */
    return -1;
}

long serve_greetings(int listen_fd, const char *greeting, int max_clients, FILE *log)
{
    (void)listen_fd;
    (void)greeting;
    (void)max_clients;
    (void)log;
    errno = ENOSYS; /* TODO: accept, send(MSG_NOSIGNAL) all, recv() once, log, close */
    return -1;
}
