/* mutant: every function blocks forever in pause().
 * expect-score: 0
 */
#define _POSIX_C_SOURCE 200809L
#include "create.h"

#include <unistd.h>

int create_tcp_socket(void)
{
    for (;;)
        pause();
}
int create_udp_socket(void)
{
    for (;;)
        pause();
}
int socket_kind(int fd, int *domain, int *type, int *protocol)
{
    (void)fd, (void)domain, (void)type, (void)protocol;
    for (;;)
        pause();
}
int socket_take_error(int fd)
{
    (void)fd;
    for (;;)
        pause();
}
int format_socket_error(char *buf, size_t cap, const char *call, int err)
{
    (void)buf, (void)cap, (void)call, (void)err;
    for (;;)
        pause();
}
