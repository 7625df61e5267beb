/* mutant: every function blocks forever in pause(); the grader must time each test out.
 * expect-score: 0
 */
#define _GNU_SOURCE
#include "options.h"

#include <unistd.h>

int get_int_option(int fd, int level, int name, int *value)
{
    (void)fd;
    (void)level;
    (void)name;
    (void)value;
    pause();
    return -1;
}

int set_int_option(int fd, int level, int name, int value)
{
    (void)fd;
    (void)level;
    (void)name;
    (void)value;
    pause();
    return -1;
}

int set_buffer_sizes(int fd, int rcvbuf, int sndbuf, int *rcv_actual, int *snd_actual)
{
    (void)fd;
    (void)rcvbuf;
    (void)sndbuf;
    (void)rcv_actual;
    (void)snd_actual;
    pause();
    return -1;
}

int set_nodelay(int fd, int on)
{
    (void)fd;
    (void)on;
    pause();
    return -1;
}

int set_keepalive(int fd, int idle_s, int interval_s, int count)
{
    (void)fd;
    (void)idle_s;
    (void)interval_s;
    (void)count;
    pause();
    return -1;
}

int set_timeouts(int fd, int recv_ms, int send_ms)
{
    (void)fd;
    (void)recv_ms;
    (void)send_ms;
    pause();
    return -1;
}

int set_linger(int fd, int on, int seconds)
{
    (void)fd;
    (void)on;
    (void)seconds;
    pause();
    return -1;
}

int get_linger(int fd, int *on, int *seconds)
{
    (void)fd;
    (void)on;
    (void)seconds;
    pause();
    return -1;
}
