/* mutant: SO_REUSEPORT instead of SO_REUSEADDR.
 * expect-fail: test_enable_address_reuse_sets_option
 * expect-fail: test_enable_address_reuse_rebinds_time_wait_port
 */
#define _DEFAULT_SOURCE /* SO_REUSEPORT */
#include "bind.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

int bind_ipv4(int fd, const char *ip, uint16_t port)
{
    struct sockaddr_in addr;

    /* Zeroed first: some systems reject a sin_zero that is not all zeros,
     * and no field is left holding stack garbage. */
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port); /* the kernel reads the port in network byte order */

    /* inet_pton() takes the dotted quad and nothing else; inet_aton() would
     * also take "127.1" or "0x7f.0.0.1", and inet_addr() cannot tell
     * "255.255.255.255" from an error. It returns 0 for bad text without
     * setting errno, so the error number is ours to give. */
    if (ip == NULL || inet_pton(AF_INET, ip, &addr.sin_addr) != 1) {
        errno = EINVAL;
        return -1;
    }
    /* bind() sets errno itself; the caller owns fd, so it stays open either way. */
    return bind(fd, (const struct sockaddr *)&addr, sizeof addr);
}

int enable_address_reuse(int fd)
{
    /* A restarted server must not wait for the TIME_WAIT connections of its
     * previous run to expire before it can bind its port again. */
    const int on = 1;

    return setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on);
}

/* "ip:port" or "[ip]:port" into buf; -1 with ENOSPC (buf "" when cap > 0) if it does not fit. */
static int format_endpoint(char *buf, size_t cap, const char *host, int bracketed, uint16_t port)
{
    int needed = snprintf(buf, cap, bracketed ? "[%s]:%u" : "%s:%u", host, (unsigned)port);

    /* snprintf() cuts the text to fit and still reports the full length:
     * a cut endpoint would name another port, so refuse it instead. */
    if (needed < 0 || (size_t)needed >= cap) {
        if (cap > 0)
            buf[0] = '\0';
        errno = ENOSPC;
        return -1;
    }
    return 0;
}

int local_endpoint(int fd, char *buf, size_t cap)
{
    /* sockaddr_storage holds an address of any family, so one call serves
     * IPv4 and IPv6 alike. */
    struct sockaddr_storage addr;
    socklen_t len = sizeof addr;
    char host[INET6_ADDRSTRLEN];
    const void *ip;
    uint16_t port;

    if (getsockname(fd, (struct sockaddr *)&addr, &len) < 0)
        return -1;
    if (addr.ss_family == AF_INET) {
        const struct sockaddr_in *in4 = (const struct sockaddr_in *)&addr;
        ip = &in4->sin_addr;
        port = ntohs(in4->sin_port);
    } else if (addr.ss_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&addr;
        ip = &in6->sin6_addr;
        port = ntohs(in6->sin6_port);
    } else {
        errno = EAFNOSUPPORT; /* an AF_UNIX socket has a path, not an ip:port */
        return -1;
    }
    /* host is large enough for any address of either family, so this only
     * fails on a family inet_ntop() does not know, which we excluded above. */
    if (inet_ntop(addr.ss_family, ip, host, sizeof host) == NULL)
        return -1;
    return format_endpoint(buf, cap, host, addr.ss_family == AF_INET6, port);
}
