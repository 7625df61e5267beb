/* mutant: udp_send_to() puts the port into sin_port without htons().
 * expect-fail: test_udp_send_to_delivers_one_datagram
 */
#define _POSIX_C_SOURCE 200809L
#include "udp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* What to do with a new socket and its address: name its own end, or fix its peer. */
enum attach_mode { ATTACH_BIND, ATTACH_CONNECT };

/* ip:port into a sockaddr_in; EINVAL when ip is not a dotted quad. */
static int ipv4_address(const char *ip, uint16_t port, struct sockaddr_in *addr)
{
    memset(addr, 0, sizeof *addr);
    addr->sin_family = AF_INET;
    addr->sin_port = htons(port); /* the network wants big-endian ports */
    /* inet_pton returns 0 for text that is not a dotted quad: check for > 0. */
    if (inet_pton(AF_INET, ip, &addr->sin_addr) <= 0) {
        errno = EINVAL;
        return -1;
    }
    return 0;
}

/* A new IPv4 datagram socket, bound to or connected to ip:port; nothing stays open on failure. */
static int open_udp_socket(const char *ip, uint16_t port, enum attach_mode mode)
{
    struct sockaddr_in addr;
    int fd, rc, saved;

    if (ipv4_address(ip, port, &addr) < 0)
        return -1; /* checked first, so a bad address opens nothing */
    fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    if (fd < 0)
        return -1;
    /* connect() on UDP sends nothing and never waits, so it cannot be
     * interrupted: no EINTR handling is needed here, unlike TCP. */
    if (mode == ATTACH_CONNECT)
        rc = connect(fd, (struct sockaddr *)&addr, sizeof addr);
    else
        rc = bind(fd, (struct sockaddr *)&addr, sizeof addr);
    if (rc < 0)
        goto fail;
    return fd;

fail:
    saved = errno; /* close() may change errno even when it succeeds */
    close(fd);
    errno = saved;
    return -1;
}

int udp_bind(const char *ip, uint16_t port)
{
    /* No SO_REUSEADDR: on UDP it would let two sockets share the port. */
    return open_udp_socket(ip, port, ATTACH_BIND);
}

int udp_connect(const char *ip, uint16_t port)
{
    return open_udp_socket(ip, port, ATTACH_CONNECT);
}

ssize_t udp_send_to(int fd, const void *buf, size_t len, const char *ip, uint16_t port)
{
    struct sockaddr_in addr;
    ssize_t sent;

    if (ipv4_address(ip, port, &addr) < 0)
        return -1;
    addr.sin_port = port; /* host order */
    /* One datagram, one call: sendto() on UDP sends all of it or nothing,
     * so there is no short send to loop over. EINTR means nothing left. */
    do {
        sent = sendto(fd, buf, len, 0, (struct sockaddr *)&addr, sizeof addr);
    } while (sent < 0 && errno == EINTR);
    return sent;
}

/* "ip:port" or "[ip]:port" of a sender; ENOSPC if it does not fit, EAFNOSUPPORT if not IP. */
static int format_endpoint(const struct sockaddr_storage *addr, char *buf, size_t cap)
{
    char ip[INET6_ADDRSTRLEN];
    int len;

    if (cap > 0)
        buf[0] = '\0';
    if (addr->ss_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)addr;
        inet_ntop(AF_INET, &in->sin_addr, ip, sizeof ip); /* cannot fail: ip is big enough */
        len = snprintf(buf, cap, "%s:%u", ip, (unsigned)ntohs(in->sin_port));
    } else if (addr->ss_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)addr;
        inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof ip);
        len = snprintf(buf, cap, "[%s]:%u", ip, (unsigned)ntohs(in6->sin6_port));
    } else {
        errno = EAFNOSUPPORT;
        return -1;
    }
    /* snprintf returns the length it wanted: a cut endpoint would name
     * somebody else, so it is an error, never a shorter answer. */
    if (len < 0 || (size_t)len >= cap) {
        if (cap > 0)
            buf[0] = '\0';
        errno = ENOSPC;
        return -1;
    }
    return 0;
}

/*
 * One datagram and its sender. Returns the datagram's real length, which
 * is larger than cap when it was cut: with MSG_TRUNC, Linux's recvfrom()
 * reports the length the datagram had, not the length it stored.
 */
static ssize_t receive_datagram(int fd, void *buf, size_t cap, struct sockaddr_storage *sender)
{
    socklen_t len;
    ssize_t got;

    do {
        len = sizeof *sender; /* value-result: reset before every call */
        /* A sender without an address (an unnamed AF_UNIX socket) leaves
         * the structure alone: make that recognisable. */
        sender->ss_family = AF_UNSPEC;
        got = recvfrom(fd, buf, cap, MSG_TRUNC, (struct sockaddr *)sender, &len);
    } while (got < 0 && errno == EINTR);
    return got;
}

ssize_t udp_receive_from(int fd, void *buf, size_t cap, char *from, size_t from_cap, int *truncated)
{
    struct sockaddr_storage sender;
    ssize_t real = receive_datagram(fd, buf, cap, &sender);

    if (real < 0)
        return -1;
    /* The datagram is consumed from here on, whatever happens next. */
    if (from && format_endpoint(&sender, from, from_cap) < 0)
        return -1;
    if (truncated)
        *truncated = (size_t)real > cap;
    /* 0 is an empty datagram, not an end of file: UDP has no connection to end. */
    return (size_t)real > cap ? (ssize_t)cap : real;
}

/* Sends one echo; a failure only loses this answer, as any UDP datagram can be lost. */
static void echo_back(int fd, const char *datagram, size_t len,
                      const struct sockaddr_storage *sender)
{
    /* The length that goes with the address depends on its family. */
    socklen_t addr_len =
        sender->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
    ssize_t sent;

    do {
        sent = sendto(fd, datagram, len, 0, (const struct sockaddr *)sender, addr_len);
    } while (sent < 0 && errno == EINTR);
}

long udp_echo_serve(int fd, long max_datagrams)
{
    /* Room for the largest IPv4 datagram: a smaller buffer would cut big
     * ones, and the echo would be wrong. 64 KiB fits any thread's stack. */
    char datagram[UDP_MAX_PAYLOAD];
    struct sockaddr_storage sender;
    long handled;

    if (max_datagrams < 0) {
        errno = EINVAL;
        return -1;
    }
    for (handled = 0; handled < max_datagrams; handled++) {
        ssize_t len = receive_datagram(fd, datagram, sizeof datagram, &sender);
        if (len < 0)
            return -1;
        /* Only an IPv6 socket can get more; half an echo would be a lie. */
        if ((size_t)len > sizeof datagram)
            continue;
        /* Answer whoever sent *this* datagram: the clients interleave. */
        echo_back(fd, datagram, (size_t)len, &sender);
    }
    return handled;
}
