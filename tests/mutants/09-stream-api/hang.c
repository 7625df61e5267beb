/* mutant: every function blocks forever in pause().
 * expect-score: 0
 */
#define _POSIX_C_SOURCE 200809L
#include "stream.h"

#include <unistd.h>

int stream_socket_server(const char *uri, int *err_code, char *err_msg, size_t err_cap)
{
    (void)uri, (void)err_code, (void)err_msg, (void)err_cap;
    for (;;)
        pause();
}

int stream_socket_accept(int server, double timeout_s, char *peer, size_t peer_cap)
{
    (void)server, (void)timeout_s, (void)peer, (void)peer_cap;
    for (;;)
        pause();
}

int stream_socket_client(const char *uri, int *err_code, char *err_msg, size_t err_cap,
                         double timeout_s)
{
    (void)uri, (void)err_code, (void)err_msg, (void)err_cap, (void)timeout_s;
    for (;;)
        pause();
}

FILE *stream_socket_fdopen(int fd, const char *mode)
{
    (void)fd, (void)mode;
    for (;;)
        pause();
}
