/* mutant: every function blocks forever in pause(), as a blocked accept() or read() would.
 * expect-score: 0
 */
#define _POSIX_C_SOURCE 200809L
#include "accept.h"

#include <errno.h>
#include <unistd.h>

int accept_client(int listen_fd, char *peer, size_t peer_cap)
{
    (void)listen_fd;
    (void)peer;
    (void)peer_cap;
    pause();
    errno = EINTR;
    return -1;
}

int peer_endpoint(int fd, char *buf, size_t cap)
{
    (void)fd;
    (void)buf;
    (void)cap;
    pause();
    errno = EINTR;
    return -1;
}

int connect_ipv4(const char *ip, uint16_t port)
{
    (void)ip;
    (void)port;
    pause();
    errno = EINTR;
    return -1;
}

long serve_greetings(int listen_fd, const char *greeting, int max_clients, FILE *log)
{
    (void)listen_fd;
    (void)greeting;
    (void)max_clients;
    (void)log;
    pause();
    errno = EINTR;
    return -1;
}
