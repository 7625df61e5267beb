/* create.c — lesson 01 reference: sockets, their kind, their pending error, error messages. */
#define _GNU_SOURCE /* SO_DOMAIN and SO_PROTOCOL are Linux extensions */
#include "create.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

int create_tcp_socket(void)
{
    /* The protocol database (/etc/protocols) may be missing in a minimal
     * container; IPPROTO_TCP is the number it would have given. */
    const struct protoent *entry = getprotobyname("tcp");
    int protocol = entry ? entry->p_proto : IPPROTO_TCP;

    return socket(AF_INET, SOCK_STREAM, protocol);
}

int create_udp_socket(void)
{
    return socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
}

/* One integer option at SOL_SOCKET level; -1 with errno from getsockopt. */
static int get_int_option(int fd, int option, int *value)
{
    socklen_t len = sizeof *value;
    return getsockopt(fd, SOL_SOCKET, option, value, &len);
}

int socket_kind(int fd, int *domain, int *type, int *protocol)
{
    int d, t, p;

    /* Read all three before writing any, so a failure leaves the caller's
     * variables untouched. */
    if (get_int_option(fd, SO_DOMAIN, &d) < 0 || get_int_option(fd, SO_TYPE, &t) < 0 ||
        get_int_option(fd, SO_PROTOCOL, &p) < 0)
        return -1;
    if (domain)
        *domain = d;
    if (type)
        *type = t;
    if (protocol)
        *protocol = p;
    return 0;
}

int socket_take_error(int fd)
{
    int pending;

    /* The kernel hands the error over and resets it to 0 in the same call. */
    if (get_int_option(fd, SO_ERROR, &pending) < 0)
        return -1;
    return pending;
}

int format_socket_error(char *buf, size_t cap, const char *call, int err)
{
    /* snprintf already has the semantics the header promises: it writes at
     * most cap bytes, NUL included, and returns the untruncated length. */
    return snprintf(buf, cap, "%s() failed: %s", call, strerror(err));
}
