/* mutant: set_buffer_sizes() sets SO_RCVBUF from sndbuf and SO_SNDBUF from rcvbuf.
 * expect-fail: test_set_buffer_sizes_rcv_and_snd_independent
 */
#define _GNU_SOURCE /* TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT are Linux extensions */
#include "options.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/time.h>

#define MS_PER_SECOND 1000
#define US_PER_MS 1000

int get_int_option(int fd, int level, int name, int *value)
{
    int read_back = 0;
    socklen_t len = sizeof read_back;

    if (getsockopt(fd, level, name, &read_back, &len) < 0)
        return -1;
    /* The kernel says how many bytes it wrote. Anything but a whole int
     * means the option is not an int (a name, a structure, nothing). */
    if (len != sizeof read_back) {
        errno = EINVAL;
        return -1;
    }
    *value = read_back;
    return 0;
}

int set_int_option(int fd, int level, int name, int value)
{
    return setsockopt(fd, level, name, &value, sizeof value);
}

/* Sets one buffer size unless the request says "leave it" (<= 0). */
static int request_buffer(int fd, int name, int bytes)
{
    if (bytes <= 0)
        return 0;
    return set_int_option(fd, SOL_SOCKET, name, bytes);
}

int set_buffer_sizes(int fd, int rcvbuf, int sndbuf, int *rcv_actual, int *snd_actual)
{
    int rcv_now, snd_now;

    if (request_buffer(fd, SO_RCVBUF, sndbuf) < 0 || request_buffer(fd, SO_SNDBUF, rcvbuf) < 0)
        return -1;
    /* Never report the request: Linux doubles it for its bookkeeping and
     * clamps it to [minimum, net.core.rmem_max / wmem_max]. Only getsockopt()
     * knows the size in force. */
    if (get_int_option(fd, SOL_SOCKET, SO_RCVBUF, &rcv_now) < 0 ||
        get_int_option(fd, SOL_SOCKET, SO_SNDBUF, &snd_now) < 0)
        return -1;
    if (rcv_actual != NULL)
        *rcv_actual = rcv_now;
    if (snd_actual != NULL)
        *snd_actual = snd_now;
    return 0;
}

int set_nodelay(int fd, int on)
{
    /* A TCP option, so level IPPROTO_TCP. At SOL_SOCKET the number 1 is
     * SO_DEBUG: the call might even succeed and change the wrong thing. */
    return set_int_option(fd, IPPROTO_TCP, TCP_NODELAY, on ? 1 : 0);
}

int set_keepalive(int fd, int idle_s, int interval_s, int count)
{
    if (idle_s <= 0)
        return set_int_option(fd, SOL_SOCKET, SO_KEEPALIVE, 0);
    /* Timings first: if the kernel refuses one, keepalive stays as it was
     * instead of running with the two-hour default. */
    if (set_int_option(fd, IPPROTO_TCP, TCP_KEEPIDLE, idle_s) < 0 ||
        set_int_option(fd, IPPROTO_TCP, TCP_KEEPINTVL, interval_s) < 0 ||
        set_int_option(fd, IPPROTO_TCP, TCP_KEEPCNT, count) < 0)
        return -1;
    /* The timings alone do nothing: this flag is what starts the probes. */
    return set_int_option(fd, SOL_SOCKET, SO_KEEPALIVE, 1);
}

/* Milliseconds as a struct timeval; <= 0 is {0, 0}, which means "no limit". */
static struct timeval timeval_from_ms(int ms)
{
    struct timeval tv = {0, 0};

    if (ms > 0) {
        /* tv_usec must stay below one second: 1500 ms is {1, 500000}.
         * {0, 1500000} would be refused with EDOM. */
        tv.tv_sec = ms / MS_PER_SECOND;
        tv.tv_usec = (suseconds_t)(ms % MS_PER_SECOND) * US_PER_MS;
    }
    return tv;
}

int set_timeouts(int fd, int recv_ms, int send_ms)
{
    struct timeval recv_limit = timeval_from_ms(recv_ms);
    struct timeval send_limit = timeval_from_ms(send_ms);

    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &recv_limit, sizeof recv_limit) < 0)
        return -1;
    return setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &send_limit, sizeof send_limit);
}

int set_linger(int fd, int on, int seconds)
{
    /* Linux takes a negative time as "wait for ever": refuse it here. */
    if (on && seconds < 0) {
        errno = EINVAL;
        return -1;
    }
    const struct linger lg = {.l_onoff = on ? 1 : 0, .l_linger = on ? seconds : 0};
    return setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
}

int get_linger(int fd, int *on, int *seconds)
{
    struct linger lg = {0, 0};
    socklen_t len = sizeof lg;

    if (getsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, &len) < 0)
        return -1;
    if (len != sizeof lg) { /* a short answer would leave l_linger unset */
        errno = EINVAL;
        return -1;
    }
    *on = lg.l_onoff != 0;
    *seconds = lg.l_linger;
    return 0;
}
