/* 14-poll.c — tests of lesson 14: wait_readable_poll, serve_line_acks_poll, serve_line_acks_epoll.
 */
#define _GNU_SOURCE
#include "pollers.h"
#include "lab.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define GREETING "Connect\n"
#define ACK "Information received\n"
#define ANSWER_WAIT_MS 1000 /* one answer on loopback: generous, a loaded CI machine is slow */
#define STOP_WAIT_MS 2000   /* from the stop byte to the return of the server */
#define REPLY_MAX 8192      /* most bytes one expected reply may have */
#define IDLE_WINDOW_MS 300  /* how long an idle server's CPU time is measured */
#define IDLE_CPU_MAX_MS 150 /* CPU an idle server may use in that window: a busy loop uses ~300 */

static const char *const NOT_AT_ONCE_EN = "nothing: this call should return at once";
static const char *const NOT_AT_ONCE_ZH = "无：这个调用应立即返回";

/* ---- epoll_wait() and epoll_ctl(), interposed here (wrap.c has neither) ---------------------- */

static int epoll_wait_eintr_left; /* epoll_wait() calls still to fail with EINTR */
static int epoll_wait_calls;      /* epoll_wait() calls made by the code under test */

extern int __real_epoll_wait(int, struct epoll_event *, int, int) __attribute__((weak));
int __wrap_epoll_wait(int epfd, struct epoll_event *events, int max, int timeout);
int __wrap_epoll_wait(int epfd, struct epoll_event *events, int max, int timeout)
{
    if (lab_in_student_code())
        __atomic_add_fetch(&epoll_wait_calls, 1, __ATOMIC_SEQ_CST);
    if (lab_in_student_code() && __atomic_load_n(&epoll_wait_eintr_left, __ATOMIC_SEQ_CST) > 0) {
        __atomic_sub_fetch(&epoll_wait_eintr_left, 1, __ATOMIC_SEQ_CST);
        errno = EINTR; /* as if a signal had arrived */
        return -1;
    }
    return __real_epoll_wait(epfd, events, max, timeout);
}

/* Registrations (EPOLL_CTL_ADD and _MOD) made by the code under test. */
#define MAX_REGISTRATIONS 256
struct registration {
    int fd;
    uint32_t events;
};
static struct registration registrations[MAX_REGISTRATIONS];
static int registration_count;
static pthread_mutex_t registration_lock = PTHREAD_MUTEX_INITIALIZER;

extern int __real_epoll_ctl(int, int, int, struct epoll_event *) __attribute__((weak));
int __wrap_epoll_ctl(int epfd, int op, int fd, struct epoll_event *event);
int __wrap_epoll_ctl(int epfd, int op, int fd, struct epoll_event *event)
{
    int rc = __real_epoll_ctl(epfd, op, fd, event);
    int err = errno;
    if (lab_in_student_code() && rc == 0 && event && (op == EPOLL_CTL_ADD || op == EPOLL_CTL_MOD)) {
        pthread_mutex_lock(&registration_lock);
        if (registration_count < MAX_REGISTRATIONS)
            registrations[registration_count++] = (struct registration){fd, event->events};
        pthread_mutex_unlock(&registration_lock);
    }
    errno = err;
    return rc;
}

/* ---- helpers: time, descriptors, signals --------------------------------------------------------
 */

/* Raises the soft RLIMIT_NOFILE to at least `want` if the hard limit allows; returns the soft
 * limit now in force. */
static long raise_descriptor_limit(long want)
{
    struct rlimit lim;

    LAB_SETUP(getrlimit(RLIMIT_NOFILE, &lim) == 0, "getrlimit(RLIMIT_NOFILE)");
    if (lim.rlim_cur == RLIM_INFINITY || lim.rlim_cur >= (rlim_t)want)
        return lim.rlim_cur == RLIM_INFINITY ? want : (long)lim.rlim_cur;
    lim.rlim_cur =
        lim.rlim_max == RLIM_INFINITY || lim.rlim_max >= (rlim_t)want ? (rlim_t)want : lim.rlim_max;
    LAB_SETUP(setrlimit(RLIMIT_NOFILE, &lim) == 0, "setrlimit(RLIMIT_NOFILE)");
    return (long)lim.rlim_cur;
}

/* Moves fd to descriptor number `want` (or the highest the limits allow, if lower); returns the
 * new number. */
static int move_to_high_descriptor(int fd, int want)
{
    long limit = raise_descriptor_limit(want + 1L);
    int target = limit > want ? want : (int)limit - 1;
    LAB_SETUP(target > fd && dup2(fd, target) == target, "dup2() to a high descriptor");
    close(fd);
    return target;
}

/* ---- wait_readable_poll ------------------------------------------------------------------------
 */

LAB_TEST(test_wait_readable_poll_data_arrives, 2)
{
    int client, server;
    lab_tcp_pair(&client, &server);
    struct lab_delayed_write later = {client, 100};
    void *peer;
    lab_thread_start(lab_write_later, &later, &peer);

    double start = lab_now();
    int rc = LAB_CALL("wait_readable_poll(fd, 2000)", "poll()", wait_readable_poll(server, 2000));
    int err = errno;
    double ms = lab_ms_since(start);
    lab_thread_join(peer);
    LAB_ASSERT(
        rc == 1 && ms < 1500,
        LAB_TR("wait_readable_poll(fd, 2000), a byte arriving after 100 ms",
               "wait_readable_poll(fd, 2000)，100 毫秒后到来一个字节"),
        LAB_TR("1, soon after the byte arrives", "字节到达后很快返回 1"),
        lab_fmt(LAB_TR("%s after %.0f ms", "%s，用时 %.0f 毫秒"), lab_result_text(rc, err), ms),
        LAB_TR("struct pollfd p = {fd, POLLIN}; poll(&p, 1, timeout_ms) returns 1 when "
               "something happened: return as soon as it does",
               "struct pollfd p = {fd, POLLIN}；poll(&p, 1, timeout_ms) 在有事发生时返回 1："
               "一返回就结束等待"));
    close(client);
    close(server);
}

static void expect_ready_now(int fd, const char *what, const char *hint)
{
    double start = lab_now();
    int rc = LAB_CALL(lab_fmt("wait_readable_poll(<%s>, 0)", what),
                      lab_tr(NOT_AT_ONCE_EN, NOT_AT_ONCE_ZH), wait_readable_poll(fd, 0));
    int err = errno;
    LAB_ASSERT(rc == 1 && lab_ms_since(start) < 500, lab_fmt("wait_readable_poll(<%s>, 0)", what),
               LAB_TR("1 at once", "立即返回 1"),
               lab_fmt("%s (%.0f ms)", lab_result_text(rc, err), lab_ms_since(start)), hint);
}

LAB_TEST(test_wait_readable_poll_ready_at_once, 1)
{
    const char *hint =
        LAB_TR("poll() reports POLLIN when a read would not block: data, end of file, or a "
               "connection waiting for accept(); a zero timeout only looks",
               "只要读不会阻塞，poll() 就报告 POLLIN：有数据、对端已关闭、或有连接等待 accept()；"
               "超时为 0 时只看一眼");
    int client, server;
    lab_tcp_pair(&client, &server);
    lab_write_all(client, "x", 1);
    LAB_SETUP(lab_wait_readable(server, 1000), "a byte for the test");
    expect_ready_now(server, "socket with data waiting", hint);
    close(client);
    close(server);

    uint16_t port;
    int listener = lab_tcp_listener(&port, 4);
    int waiting = lab_tcp_connect(port);
    LAB_SETUP(lab_wait_readable(listener, 1000), "a connection waiting on the listener");
    expect_ready_now(listener, "listener with a connection waiting", hint);
    close(waiting);
    close(listener);
}

LAB_TEST(test_wait_readable_poll_times_out, 2)
{
    int client, server;
    lab_tcp_pair(&client, &server);

    double start = lab_now();
    int rc = LAB_CALL("wait_readable_poll(<idle socket>, 200)", "poll()",
                      wait_readable_poll(server, 200));
    int err = errno;
    double ms = lab_ms_since(start);
    LAB_ASSERT(
        rc == 0 && ms >= 150 && ms <= 1500, "wait_readable_poll(<idle socket>, 200)",
        LAB_TR("0 after about 200 ms", "约 200 毫秒后返回 0"),
        lab_fmt(LAB_TR("%s after %.0f ms", "%s，用时 %.0f 毫秒"), lab_result_text(rc, err), ms),
        LAB_TR("poll()'s timeout is in milliseconds (no struct timeval): pass 200, and "
               "poll() returns 0 when it runs out",
               "poll() 的超时以毫秒为单位（没有 struct timeval）：传 200，时间到了 poll() 返回 0"));

    start = lab_now();
    rc = LAB_CALL("wait_readable_poll(<idle socket>, 0)", lab_tr(NOT_AT_ONCE_EN, NOT_AT_ONCE_ZH),
                  wait_readable_poll(server, 0));
    err = errno;
    ms = lab_ms_since(start);
    LAB_ASSERT(
        rc == 0 && ms < 500, "wait_readable_poll(<idle socket>, 0)",
        LAB_TR("0 at once", "立即返回 0"),
        lab_fmt(LAB_TR("%s after %.0f ms", "%s，用时 %.0f 毫秒"), lab_result_text(rc, err), ms),
        LAB_TR("a timeout of 0 makes poll() only look; -1 would wait forever",
               "超时为 0 时 poll() 只看一眼；-1 才是永远等待"));
    close(client);
    close(server);
}

LAB_TEST(test_wait_readable_poll_negative_timeout_waits, 1)
{
    int client, server;
    lab_tcp_pair(&client, &server);
    struct lab_delayed_write later = {client, 300};
    void *peer;
    lab_thread_start(lab_write_later, &later, &peer);

    double start = lab_now();
    int rc = LAB_CALL("wait_readable_poll(fd, -1)", "poll()", wait_readable_poll(server, -1));
    int err = errno;
    double ms = lab_ms_since(start);
    lab_thread_join(peer);
    LAB_ASSERT(
        rc == 1 && ms >= 250,
        LAB_TR("wait_readable_poll(fd, -1), a byte arriving after 300 ms",
               "wait_readable_poll(fd, -1)，300 毫秒后到来一个字节"),
        LAB_TR("1 after about 300 ms", "约 300 毫秒后返回 1"),
        lab_fmt(LAB_TR("%s after %.0f ms", "%s，用时 %.0f 毫秒"), lab_result_text(rc, err), ms),
        LAB_TR("a negative timeout means \"no limit\": give poll() -1, and compute no "
               "deadline from it",
               "负的超时表示“不限时”：给 poll() 传 -1，也不要拿它去算截止时刻"));
    close(client);
    close(server);
}

LAB_TEST(test_wait_readable_poll_high_descriptor, 2)
{
    int client, server;
    lab_tcp_pair(&client, &server);
    /* 5000: far beyond FD_SETSIZE (1024); lower only if the hard limit forbids it. */
    int high = move_to_high_descriptor(server, 5000);
    struct lab_delayed_write later = {client, 100};
    void *peer;
    lab_thread_start(lab_write_later, &later, &peer);

    int rc = LAB_CALL(lab_fmt("wait_readable_poll(%d, 1500)", high), "poll()",
                      wait_readable_poll(high, 1500));
    int err = errno;
    lab_thread_join(peer);
    LAB_ASSERT(rc == 1,
               lab_fmt(LAB_TR("wait_readable_poll(%d, 1500), a byte arriving after 100 ms "
                              "(FD_SETSIZE is %d)",
                              "wait_readable_poll(%d, 1500)，100 毫秒后到来一个字节（FD_SETSIZE 为 "
                              "%d）"),
                       high, FD_SETSIZE),
               "1", lab_result_text(rc, err),
               LAB_TR("poll() takes the descriptor's number in struct pollfd: no fd_set, no "
                      "FD_SETSIZE limit. Do not copy lesson 07's fd < FD_SETSIZE check",
                      "poll() 在 struct pollfd 里直接放描述符号：没有 fd_set，也没有 FD_SETSIZE "
                      "限制。不要照搬第 07 课 fd < FD_SETSIZE 的检查"));
    close(high);
    close(client);
}

/* A connected UDP socket with ECONNREFUSED pending (an ICMP "port unreachable" came back), or
 * -1 if the kernel did not report one in time. */
static int udp_with_pending_error(void)
{
    uint16_t port;
    int gone = lab_udp_socket(&port);
    close(gone); /* nothing listens on that port now */
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in to = {
        .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    LAB_SETUP(fd >= 0, "socket(AF_INET, SOCK_DGRAM)");
    LAB_SETUP(connect(fd, (struct sockaddr *)&to, sizeof to) == 0, "connect() of a UDP socket");
    LAB_SETUP(send(fd, "x", 1, 0) == 1, "send() of a datagram");
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, 1000) == 1 && (p.revents & POLLERR) && !(p.revents & POLLIN))
        return fd;
    close(fd);
    return -1;
}

LAB_TEST(test_wait_readable_poll_hangup_and_error_are_ready, 2)
{
    int p[2];
    LAB_SETUP(pipe(p) == 0, "pipe()");
    close(p[1]); /* the only writer is gone: poll() says POLLHUP, without POLLIN */
    double start = lab_now();
    int rc = LAB_CALL("wait_readable_poll(<pipe whose write end is closed>, 1000)",
                      lab_tr(NOT_AT_ONCE_EN, NOT_AT_ONCE_ZH), wait_readable_poll(p[0], 1000));
    int err = errno;
    double ms = lab_ms_since(start);
    LAB_ASSERT(
        rc == 1 && ms < 500, "wait_readable_poll(<pipe whose write end is closed>, 1000)",
        LAB_TR("1 at once (a read returns 0, end of file)", "立即返回 1（读会返回 0，文件结束）"),
        lab_fmt(LAB_TR("%s after %.0f ms", "%s，用时 %.0f 毫秒"), lab_result_text(rc, err), ms),
        LAB_TR("poll() reports POLLHUP here, and Linux sets no POLLIN with it: count POLLHUP "
               "(and POLLERR) as ready, so the caller's read sees the end or the error",
               "这里 poll() 报告的是 POLLHUP，Linux 不会同时给 POLLIN：把 POLLHUP（以及 POLLERR）"
               "也算作就绪，调用者接下来的读就会看到结束或错误"));
    close(p[0]);

    int udp = udp_with_pending_error();
    if (udp < 0)
        return; /* no ICMP answer in time (rate limit): the pipe alone has to do */
    start = lab_now();
    rc = LAB_CALL("wait_readable_poll(<UDP socket, ECONNREFUSED pending>, 1000)",
                  lab_tr(NOT_AT_ONCE_EN, NOT_AT_ONCE_ZH), wait_readable_poll(udp, 1000));
    err = errno;
    ms = lab_ms_since(start);
    LAB_ASSERT(
        rc == 1 && ms < 500, "wait_readable_poll(<UDP socket, ECONNREFUSED pending>, 1000)",
        LAB_TR("1 at once (a recv() then fails with ECONNREFUSED)",
               "立即返回 1（之后的 recv() 会以 ECONNREFUSED 失败）"),
        lab_fmt(LAB_TR("%s after %.0f ms", "%s，用时 %.0f 毫秒"), lab_result_text(rc, err), ms),
        LAB_TR("a pending error is reported as POLLERR only, even if you did not ask for it: "
               "it counts as ready",
               "待处理的错误只以 POLLERR 报告，即使你没有请求它：它也算就绪"));
    close(udp);
}

LAB_TEST(test_wait_readable_poll_bad_descriptors, 1)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    LAB_SETUP(fd >= 0, "socket()");
    close(fd);
    int rc = LAB_CALL("wait_readable_poll(<closed fd>, 100)",
                      lab_tr(NOT_AT_ONCE_EN, NOT_AT_ONCE_ZH), wait_readable_poll(fd, 100));
    int err = errno;
    LAB_ASSERT_FAILS_WITH(
        "wait_readable_poll(<closed descriptor>, 100)", rc, err, EBADF,
        LAB_TR("poll() itself succeeds and sets POLLNVAL in revents: turn that into -1 with "
               "errno = EBADF",
               "poll() 本身会成功，并在 revents 里置 POLLNVAL：把它变成 -1，errno = EBADF"));
    double start = lab_now();
    rc = LAB_CALL("wait_readable_poll(-1, 100)", lab_tr(NOT_AT_ONCE_EN, NOT_AT_ONCE_ZH),
                  wait_readable_poll(-1, 100));
    err = errno;
    LAB_ASSERT_FAILS_WITH("wait_readable_poll(-1, 100)", rc, err, EINVAL,
                          LAB_TR("poll() silently skips a negative fd (and would just wait out "
                                 "the timeout): check fd >= 0 first",
                                 "poll() 会悄悄跳过负的 fd（然后只是等满超时）：先检查 fd >= 0"));
    LAB_ASSERT(
        lab_ms_since(start) < 90, "wait_readable_poll(-1, 100)",
        LAB_TR("EINVAL at once", "立即得到 EINVAL"),
        lab_fmt(LAB_TR("after %.0f ms", "用时 %.0f 毫秒"), lab_ms_since(start)),
        LAB_TR("check the descriptor before calling poll()", "调用 poll() 之前先检查描述符"));
}

LAB_TEST(test_wait_readable_poll_signal_does_not_end_wait, 1)
{
    lab_install_interrupting_handler(SIGUSR1);
    int client, server;
    lab_tcp_pair(&client, &server);
    struct lab_delayed_write later = {client, 200};
    struct lab_signal_plan plan = {.target = pthread_self(), .first_ms = 50};
    void *peer, *signaller;
    lab_thread_start(lab_write_later, &later, &peer);
    lab_thread_start(lab_send_signals, &plan, &signaller);

    double start = lab_now();
    int rc = LAB_CALL("wait_readable_poll(fd, 2000)", "poll()", wait_readable_poll(server, 2000));
    int err = errno;
    double ms = lab_ms_since(start);
    lab_stop_signals(&plan, signaller);
    lab_thread_join(peer);
    LAB_ASSERT(
        rc == 1 && ms >= 150,
        LAB_TR("wait_readable_poll(fd, 2000), a signal after 50 ms, data after 200 ms",
               "wait_readable_poll(fd, 2000)，50 毫秒时来信号，200 毫秒时来数据"),
        LAB_TR("1 after about 200 ms", "约 200 毫秒后返回 1"),
        lab_fmt(LAB_TR("%s after %.0f ms", "%s，用时 %.0f 毫秒"), lab_result_text(rc, err), ms),
        LAB_TR("a signal makes poll() fail with EINTR (even with SA_RESTART): call it "
               "again, it is not an error of the wait",
               "信号会让 poll() 以 EINTR 失败（即使设置了 SA_RESTART）：再调用一次，"
               "这不是等待本身出错"));
    LAB_SETUP(lab_signals_caught() > 0, "SIGUSR1 sent to the test thread");
    close(client);
    close(server);
}

LAB_TEST(test_wait_readable_poll_signals_do_not_stretch_timeout, 2)
{
    lab_install_interrupting_handler(SIGUSR1);
    int client, server;
    lab_tcp_pair(&client, &server);
    struct lab_signal_plan plan = {
        .target = pthread_self(), .first_ms = 50, .every_ms = 50, .until_ms = 2500};
    void *signaller;
    lab_thread_start(lab_send_signals, &plan, &signaller);

    double start = lab_now();
    int rc = LAB_CALL("wait_readable_poll(<idle socket>, 300)", "poll()",
                      wait_readable_poll(server, 300));
    int err = errno;
    double ms = lab_ms_since(start);
    lab_stop_signals(&plan, signaller);
    LAB_ASSERT(
        rc == 0 && ms >= 250 && ms <= 1500,
        LAB_TR("wait_readable_poll(<idle socket>, 300), a signal every 50 ms for 2.5 s",
               "wait_readable_poll(<空闲 socket>, 300)，2.5 秒内每 50 毫秒一个信号"),
        LAB_TR("0 after about 300 ms", "约 300 毫秒后返回 0"),
        lab_fmt(LAB_TR("%s after %.0f ms", "%s，用时 %.0f 毫秒"), lab_result_text(rc, err), ms),
        LAB_TR("after EINTR wait only for the time LEFT: fix a deadline with "
               "clock_gettime(CLOCK_MONOTONIC) before the loop and give poll() the milliseconds "
               "remaining; restarting with the full 300 ms never ends while signals come",
               "EINTR 之后只等剩下的时间：循环前用 clock_gettime(CLOCK_MONOTONIC) 定好截止时刻，"
               "每次给 poll() 传剩余的毫秒数；每次都重新等满 300 毫秒，信号不停就永远等不完"));
    LAB_SETUP(lab_signals_caught() > 0, "SIGUSR1 sent to the test thread");
    close(client);
    close(server);
}

/* ---- the servers: one set of test bodies, run against each ----------------------------------- */

typedef long (*serve_fn)(int listen_fd, int stop_fd, const char *greeting_line,
                         const char *ack_line, FILE *log);

struct server_kind {
    const char *call;     /* the call, for messages */
    const char *waits_in; /* what it may be blocked on, for timeouts */
    serve_fn serve;
    int epoll;
};

static const struct server_kind POLL_SERVER = {
    "serve_line_acks_poll(listen_fd, stop_fd, \"Connect\\n\", \"Information received\\n\", log)",
    "poll(), or a read or write on one client", serve_line_acks_poll, 0};
static const struct server_kind EPOLL_SERVER = {
    "serve_line_acks_epoll(listen_fd, stop_fd, \"Connect\\n\", \"Information received\\n\", log)",
    "epoll_wait(), or a read or write on one client", serve_line_acks_epoll, 1};

/* One test body, registered once per server. */
#define SERVER_TEST(name, points)                                                                  \
    static void name(const struct server_kind *k);                                                 \
    LAB_TEST(test_serve_line_acks_poll_##name, points)                                             \
    {                                                                                              \
        name(&POLL_SERVER);                                                                        \
    }                                                                                              \
    LAB_TEST(test_serve_line_acks_epoll_##name, points)                                            \
    {                                                                                              \
        name(&EPOLL_SERVER);                                                                       \
    }                                                                                              \
    static void name(const struct server_kind *k)

struct server_run {
    const struct server_kind *kind;
    int listen_fd;
    uint16_t port;
    int stop[2]; /* the test writes one byte to stop[1] */
    int stop_fd; /* what the server watches: stop[0], or a copy of it */
    int done[2]; /* the server thread writes here when the call has returned */
    FILE *log;
    char *log_text;
    size_t log_len;
    long result;
    int err;
    void *thread;
    clockid_t cpu_clock; /* the server thread's CPU time */
    int fds_before;
};

static void *run_server(void *arg)
{
    struct server_run *r = arg;
    LAB_SETUP(pthread_getcpuclockid(pthread_self(), &r->cpu_clock) == 0, "pthread_getcpuclockid()");
    r->result = LAB_CALL(r->kind->call, r->kind->waits_in,
                         r->kind->serve(r->listen_fd, r->stop_fd, GREETING, ACK, r->log));
    r->err = errno;
    LAB_SETUP(write(r->done[1], "d", 1) == 1, "write() to the test's done pipe");
    return NULL;
}

/* Listener, pipes and log; the server starts with launch_server(). */
static void prepare_server(struct server_run *r, const struct server_kind *k)
{
    memset(r, 0, sizeof *r);
    r->kind = k;
    r->listen_fd = lab_tcp_listener(&r->port, 128);
    LAB_SETUP(pipe(r->stop) == 0 && pipe(r->done) == 0, "pipe()");
    r->stop_fd = r->stop[0];
    r->log = open_memstream(&r->log_text, &r->log_len);
    LAB_SETUP(r->log != NULL, "open_memstream() for the log");
}

static void launch_server(struct server_run *r)
{
    r->fds_before = lab_count_fds();
    lab_thread_start(run_server, r, &r->thread);
}

static void start_server(struct server_run *r, const struct server_kind *k)
{
    prepare_server(r, k);
    launch_server(r);
}

static int server_returned(const struct server_run *r)
{
    struct pollfd pfd = {.fd = r->done[0], .events = POLLIN};
    return poll(&pfd, 1, 0) == 1;
}

static void fail_returned_early(const struct server_run *r, const char *what)
{
    lab_fail(__FILE__, __LINE__, r->kind->call, what,
             lab_fmt(LAB_TR("it returned %s before stop_fd was readable",
                            "stop_fd 可读之前它就返回了 %s"),
                     lab_result_text(r->result, r->err)),
             LAB_TR("keep serving until stop_fd becomes readable; one client's error or EOF must "
                    "not end the loop",
                    "一直服务到 stop_fd 可读为止；单个客户端的错误或 EOF 不能让循环结束"));
}

/*
 * Reads exactly `want` from a client within timeout_ms, failing the test
 * with `hint` otherwise (at once if the server has returned).
 */
static void expect_reply(const struct server_run *r, int fd, const char *want, size_t len,
                         int timeout_ms, const char *what, const char *hint)
{
    char got[REPLY_MAX];
    size_t n = 0;
    int closed = 0;
    double deadline = lab_now() + timeout_ms / 1000.0;

    LAB_SETUP(len <= sizeof got, "an expected reply that fits the test's buffer");
    while (n < len && !closed) {
        int left = (int)((deadline - lab_now()) * 1000.0);
        struct pollfd pfd[2] = {{.fd = fd, .events = POLLIN}, {.fd = r->done[0], .events = POLLIN}};
        if (left <= 0)
            break;
        int ready = poll(pfd, 2, left);
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready <= 0)
            break;
        if (pfd[0].revents) {
            ssize_t got_now = recv(fd, got + n, len - n, 0);
            if (got_now < 0 && errno == EINTR)
                continue;
            if (got_now <= 0)
                closed = 1;
            else
                n += (size_t)got_now;
        } else {
            fail_returned_early(r, what); /* only done[0] is readable */
        }
    }
    if (n < len && server_returned(r))
        fail_returned_early(r, what);
    if (n < len) {
        const char *why =
            closed ? LAB_TR("(the server closed the connection) ", "（服务端关闭了连接）")
                   : LAB_TR("(nothing more came in time) ", "（没有按时收到更多数据）");
        hint = lab_fmt("%s%s", why, hint);
    }
    LAB_ASSERT_BYTES(lab_fmt("%s: %s", r->kind->call, what), got, n, want, len, hint);
}

static void expect_greeting(const struct server_run *r, int fd, const char *who)
{
    expect_reply(r, fd, GREETING, strlen(GREETING), ANSWER_WAIT_MS,
                 lab_fmt(LAB_TR("the greeting (within 1 s) to %s", "1 秒内发给%s的问候"), who),
                 LAB_TR("send the greeting as soon as accept() returns the new client; never wait "
                        "on one client (for the rest of its line, or for room to write to a "
                        "client that does not read) while others are connected",
                        "accept() 一返回新客户端就发问候；有其他客户端在线时不要只等一个客户端"
                        "（无论是等它的半行补全，还是等一个不读数据的客户端腾出写入空间）"));
}

/* The test side of a send; a closed connection fails the test (the server's doing). */
static void send_text(const struct server_run *r, int fd, const char *text, size_t len,
                      const char *who)
{
    while (len > 0) {
        ssize_t n = send(fd, text, len, MSG_NOSIGNAL);
        int err = errno;
        if (n < 0 && err == EINTR)
            continue;
        LAB_ASSERT(n > 0, r->kind->call,
                   lab_fmt(LAB_TR("%s can send its lines", "%s能发送它的行"), who),
                   lab_fmt("send(): %s", lab_errno_text(err)),
                   LAB_TR("the server closed this connection too early: close a client only "
                          "after its EOF (and its answers) or its error",
                          "服务端过早关闭了这个连接：只在客户端 EOF（并已应答）或出错时才关闭它"));
        text += n;
        len -= (size_t)n;
    }
}

static void round_trip(const struct server_run *r, int fd, const char *line, const char *who)
{
    send_text(r, fd, line, strlen(line), who);
    expect_reply(
        r, fd, ACK, strlen(ACK), ANSWER_WAIT_MS,
        lab_fmt(LAB_TR("answer to %s's line %s within 1 s", "1 秒内对%s的行 %s 的应答"), who,
                lab_escape_str(line)),
        LAB_TR("answer every complete line at once; one client that is silent, sends half a "
               "line or reads nothing must not hold up the others",
               "每收到一整行就立即应答；一个不说话、只发了半行或从不读的客户端不能拖住其他客户端"));
}

/* Waits for the call to return after the test asked it to stop (fails the test if it does not). */
static void wait_returned(struct server_run *r, const char *how, const char *hint)
{
    LAB_ASSERT(lab_wait_readable(r->done[0], STOP_WAIT_MS), r->kind->call,
               lab_fmt(LAB_TR("to return within 2 s once %s", "%s后 2 秒内返回"), how),
               LAB_TR("still running", "仍在运行"), hint);
    lab_thread_join(r->thread);
    r->thread = NULL;
    fclose(r->log);
    r->log = NULL;
}

/* Makes stop_fd readable and waits for the call to return. */
static void stop_server(struct server_run *r)
{
    LAB_SETUP(write(r->stop[1], "S", 1) == 1, "write() to the stop pipe");
    wait_returned(r, LAB_TR("stop_fd is readable", "stop_fd 可读"),
                  LAB_TR("watch stop_fd for POLLIN in every round (EPOLLIN for epoll) and return "
                         "when it is reported; never block on a single client",
                         "每一轮都监视 stop_fd 的 POLLIN（epoll 则是 EPOLLIN），一报告就返回；"
                         "永远不要阻塞在单个客户端上"));
}

static void expect_answered(const struct server_run *r, long want)
{
    LAB_ASSERT(
        r->result == want, r->kind->call,
        lab_fmt(
            LAB_TR("%ld (lines answered, all clients together)", "%ld（所有客户端合计应答的行数）"),
            want),
        lab_result_text(r->result, r->err),
        LAB_TR("count one per line answered, over all clients; an error of one client is not "
               "an error of the server",
               "每应答一行计一次，所有客户端合计；单个客户端出错不是服务端出错"));
}

static void expect_log(const struct server_run *r, const char *want, size_t len)
{
    LAB_ASSERT_BYTES(
        lab_fmt("%s: %s", r->kind->call, LAB_TR("the log", "日志")), r->log_text, r->log_len, want,
        len,
        LAB_TR("log \"Buffer: <line>\\n\" per line, the line with its terminator, in the "
               "order each client sent them",
               "每行记录 \"Buffer: <行>\\n\"，行带着它的结束符，按各客户端发送的顺序"));
}

/*
 * Reads and drops what comes until the server closes the connection (EOF
 * or reset); returns 1 if it did within timeout_ms, and the bytes read in *extra.
 */
static int wait_closed_by_server(int fd, int timeout_ms, size_t *extra)
{
    char scratch[4096];
    double deadline = lab_now() + timeout_ms / 1000.0;

    *extra = 0;
    for (;;) {
        int left = (int)((deadline - lab_now()) * 1000.0);
        if (left <= 0 || !lab_wait_readable(fd, left))
            return 0;
        ssize_t n = recv(fd, scratch, sizeof scratch, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return 1; /* EOF, or ECONNRESET when the server had unread data */
        *extra += (size_t)n;
    }
}

static void expect_closed(const struct server_run *r, int fd, const char *who, int expect_no_more)
{
    size_t extra;
    int closed = wait_closed_by_server(fd, ANSWER_WAIT_MS, &extra);
    LAB_ASSERT(closed, r->kind->call,
               lab_fmt(LAB_TR("%s's connection closed by the server", "服务端关闭%s的连接"), who),
               LAB_TR("still open after 1 s", "1 秒后仍未关闭"),
               LAB_TR("close every client connection before returning (and a client that sent EOF "
                      "once its answers are sent)",
                      "返回前关闭所有客户端连接（发来 EOF 的客户端在应答发完后关闭）"));
    LAB_ASSERT(!expect_no_more || extra == 0, r->kind->call,
               lab_fmt(LAB_TR("no more bytes for %s", "没有再发给%s的字节"), who),
               lab_fmt(LAB_TR("%zu more bytes", "又收到 %zu 个字节"), extra),
               LAB_TR("exactly one greeting per client and one answer per line",
                      "每个客户端一个问候，每行一个应答，不多不少"));
}

static void expect_no_leak(const struct server_run *r)
{
    LAB_ASSERT_NO_FD_LEAK(r->kind->call, r->fds_before,
                          r->kind->epoll
                              ? LAB_TR("close every accepted descriptor, and the epoll descriptor, "
                                       "before returning",
                                       "返回前关闭每个 accept 得到的描述符，以及 epoll 描述符")
                              : LAB_TR("close every accepted descriptor before returning",
                                       "返回前关闭每个 accept 得到的描述符"));
}

static void finish_server(struct server_run *r)
{
    free(r->log_text);
    lab_close(r->stop[0]);
    lab_close(r->stop[1]);
    if (r->stop_fd != r->stop[0])
        lab_close(r->stop_fd);
    close(r->done[0]);
    close(r->done[1]);
    close(r->listen_fd);
}

/*
 * A client with small socket buffers: answers it does not read pile up on
 * the server at once, and what it sends goes no faster than the server reads.
 */
static int connect_small_buffers(uint16_t port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int size = 4096;
    struct sockaddr_in addr = {
        .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    LAB_SETUP(fd >= 0, "socket()");
    LAB_SETUP(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size) == 0,
              "setsockopt(SO_RCVBUF)");
    LAB_SETUP(setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size) == 0,
              "setsockopt(SO_SNDBUF)");
    LAB_SETUP(connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0, "connect()");
    return fd;
}

/*
 * Small buffers for the connections the server accepts (they inherit them from the listener):
 * a client that does not read fills them after a few hundred answers, whatever the kernel's
 * buffer auto-tuning would have done. Call before launch_server().
 */
static void small_server_buffers(const struct server_run *r, int receive_too)
{
    int size = 4096;
    LAB_SETUP(setsockopt(r->listen_fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size) == 0,
              "setsockopt(SO_SNDBUF) on the listener");
    LAB_SETUP(!receive_too ||
                  setsockopt(r->listen_fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size) == 0,
              "setsockopt(SO_RCVBUF) on the listener");
}

/*
 * Sends empty lines ("\n") without ever reading the answers, until `limit`
 * bytes are sent, or the server stops taking them for 300 ms, or closes.
 */
static size_t flood_with_lines(int fd, size_t limit)
{
    static char newlines[64 * 1024];
    size_t sent = 0;
    double last_progress = lab_now();

    memset(newlines, '\n', sizeof newlines);
    while (sent < limit) {
        ssize_t n = send(fd, newlines, sizeof newlines, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n > 0) {
            sent += (size_t)n;
            last_progress = lab_now();
        } else if (n < 0 && errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK) {
            break; /* the server dropped this client: allowed */
        } else if (lab_ms_since(last_progress) > 300) {
            break;
        } else {
            lab_sleep_ms(5);
        }
    }
    return sent;
}

/* Server-side connections still open: sockets of this process whose local port is the server's
 * and which are not the listener. */
static int server_connections(const struct server_run *r)
{
    DIR *dir = opendir("/proc/self/fd");
    struct dirent *entry;
    int count = 0;

    LAB_SETUP(dir != NULL, "opendir(/proc/self/fd)");
    while ((entry = readdir(dir)) != NULL) {
        int fd = atoi(entry->d_name);
        struct stat st;
        struct sockaddr_in local;
        socklen_t len = sizeof local;
        int listening = 0;
        socklen_t optlen = sizeof listening;
        if (entry->d_name[0] == '.' || fd == dirfd(dir) || fstat(fd, &st) < 0 ||
            !S_ISSOCK(st.st_mode))
            continue;
        if (getsockname(fd, (struct sockaddr *)&local, &len) == 0 && local.sin_family == AF_INET &&
            ntohs(local.sin_port) == r->port &&
            getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &optlen) == 0 && !listening)
            count++;
    }
    closedir(dir);
    return count;
}

/* CPU time the server thread has used, in ms. */
static double server_cpu_ms(const struct server_run *r)
{
    struct timespec t;
    LAB_SETUP(clock_gettime(r->cpu_clock, &t) == 0, "clock_gettime(<server thread's CPU clock>)");
    return t.tv_sec * 1000.0 + t.tv_nsec / 1e6;
}

/* ---- the protocol -------------------------------------------------------------------------------
 */

SERVER_TEST(document_exchange, 2)
{
    struct server_run r;
    start_server(&r, k);
    int client = lab_tcp_connect(r.port);
    expect_greeting(&r, client, LAB_TR("the client", "客户端"));
    round_trip(&r, client, "SOME data\n", LAB_TR("the client", "客户端"));
    stop_server(&r);
    expect_answered(&r, 1);
    static const char want_log[] = "Buffer: SOME data\n\n";
    expect_log(&r, want_log, sizeof want_log - 1);
    expect_closed(&r, client, LAB_TR("the client", "客户端"), 1);
    close(client);
    finish_server(&r);
}

SERVER_TEST(line_splitting, 1)
{
    enum { LONG_LINE = 2 * POLL_LINE_MAX + 452 };
    static char line[LONG_LINE + 1];
    static char want_log[LONG_LINE + 256];
    memset(line, 'a', LONG_LINE);
    line[LONG_LINE] = '\n';
    int used = snprintf(want_log, sizeof want_log,
                        "Buffer: a\r\nBuffer: \n\nBuffer: b\r\nBuffer: c\n\n"
                        "Buffer: %.*s\nBuffer: %.*s\nBuffer: %.*s\n\nBuffer: partial\n",
                        POLL_LINE_MAX, line, POLL_LINE_MAX, line, 452, line);

    struct server_run r;
    start_server(&r, k);
    int client = lab_tcp_connect(r.port);
    expect_greeting(&r, client, LAB_TR("the client", "客户端"));
    /* "a\r\nb\rc\n" in three pieces: four lines, "a\r", "\n", "b\r", "c\n". */
    send_text(&r, client, "a\r", 2, "client");
    lab_sleep_ms(30);
    send_text(&r, client, "\nb", 2, "client");
    lab_sleep_ms(30);
    send_text(&r, client, "\rc\n", 3, "client");
    expect_reply(
        &r, client, ACK ACK ACK ACK, 4 * strlen(ACK), ANSWER_WAIT_MS,
        LAB_TR("four answers to \"a\\r\" \"\\nb\" \"\\rc\\n\"",
               "对 \"a\\r\" \"\\nb\" \"\\rc\\n\" 的四个应答"),
        LAB_TR("a line ends at '\\n' OR at '\\r' (PHP_NORMAL_READ): \"a\\r\\nb\\rc\\n\" "
               "is four lines; the end of a line may come in a later read",
               "行在 '\\n' 或 '\\r' 处结束（PHP_NORMAL_READ）：\"a\\r\\nb\\rc\\n\" 是四行；"
               "一行的结尾可能在之后的读取中才到"));
    send_text(&r, client, line, sizeof line, "client");
    expect_reply(&r, client, ACK ACK ACK, 3 * strlen(ACK), ANSWER_WAIT_MS,
                 LAB_TR("three answers to a line of 2500 bytes + '\\n'",
                        "对 2500 字节 + '\\n' 的一行的三个应答"),
                 LAB_TR("a line longer than POLL_LINE_MAX (1024) is answered once per piece: "
                        "1024 + 1024 + 453",
                        "超过 POLL_LINE_MAX（1024）的行按段应答：1024 + 1024 + 453"));
    send_text(&r, client, "partial", 7, "client");
    LAB_SETUP(shutdown(client, SHUT_WR) == 0, "shutdown(SHUT_WR)");
    expect_reply(&r, client, ACK, strlen(ACK), ANSWER_WAIT_MS,
                 LAB_TR("an answer to \"partial\" followed by EOF", "对 \"partial\" 加 EOF 的应答"),
                 LAB_TR("at EOF the bytes after the last terminator are a line too: log and "
                        "answer it; the client has only shut down its sending side",
                        "遇到 EOF 时，最后一个结束符之后的字节也算一行：记录并应答；"
                        "客户端只是关闭了发送方向"));
    expect_closed(&r, client, LAB_TR("the client that sent EOF", "发来 EOF 的客户端"), 1);
    stop_server(&r);
    expect_answered(&r, 8);
    expect_log(&r, want_log, (size_t)used);
    close(client);
    finish_server(&r);
}

/* ---- many clients, none holds up the others -----------------------------------------------------
 */

enum { MANY_CLIENTS = 50, LINES_EACH = 5, CHUNKS_EACH = 10 };

/* The five lines of client i, ending with '\n' or '\r'. */
static size_t lines_of_client(int i, char *buf, size_t cap)
{
    size_t used = 0;
    for (int line = 0; line < LINES_EACH; line++)
        used += (size_t)snprintf(buf + used, cap - used, "client %02d line %d%c", i, line,
                                 (i + line) % 3 == 0 ? '\r' : '\n');
    return used;
}

/* Every client's lines in the log, each client's in order, LINES_EACH of each. */
static void expect_log_in_order_per_client(const struct server_run *r)
{
    int next[MANY_CLIENTS] = {0};
    int entries = 0, in_order = 1;
    const char *end = r->log_text + r->log_len;

    for (const char *p = r->log_text; p && p < end;
         p = memmem(p + 1, (size_t)(end - p - 1), "Buffer: ", 8)) {
        int client, line;
        entries++;
        if (sscanf(p, "Buffer: client %d line %d", &client, &line) != 2 || client < 0 ||
            client >= MANY_CLIENTS || line != next[client]++)
            in_order = 0;
    }
    for (int i = 0; i < MANY_CLIENTS; i++)
        in_order = in_order && next[i] == LINES_EACH;
    LAB_ASSERT(in_order && entries == MANY_CLIENTS * LINES_EACH,
               lab_fmt("%s: %s", r->kind->call, LAB_TR("the log", "日志")),
               LAB_TR("250 entries \"Buffer: client NN line R...\", lines 0-4 of each client in "
                      "order",
                      "250 条 \"Buffer: client NN line R...\"，每个客户端的 0-4 行按顺序出现"),
               lab_fmt(LAB_TR("%d entries: %s", "%d 条：%s"), entries,
                       lab_escape(r->log_text, r->log_len)),
               LAB_TR("keep a separate input buffer for each client, so pieces of lines from "
                      "different clients never mix",
                      "每个客户端各有自己的输入缓冲区，不同客户端的半行才不会混在一起"));
}

SERVER_TEST(many_clients_interleaved, 2)
{
    static char text[MANY_CLIENTS][256];
    size_t len[MANY_CLIENTS];
    int clients[MANY_CLIENTS];
    struct server_run r;

    start_server(&r, k);
    for (int i = 0; i < MANY_CLIENTS; i++) {
        clients[i] = lab_tcp_connect(r.port);
        len[i] = lines_of_client(i, text[i], sizeof text[i]);
    }
    /* Round c sends the c-th tenth of every client's text: lines cut anywhere, interleaved. */
    for (int c = 0; c < CHUNKS_EACH; c++)
        for (int i = 0; i < MANY_CLIENTS; i++) {
            size_t from = len[i] * (size_t)c / CHUNKS_EACH,
                   to = len[i] * (size_t)(c + 1) / CHUNKS_EACH;
            send_text(&r, clients[i], text[i] + from, to - from, lab_fmt("client %d", i));
        }
    static const char want[] = GREETING ACK ACK ACK ACK ACK;
    for (int i = 0; i < MANY_CLIENTS; i++)
        expect_reply(&r, clients[i], want, sizeof want - 1, 3000,
                     lab_fmt(LAB_TR("client %d of 50: greeting and 5 answers",
                                    "50 个客户端中的第 %d 个：问候和 5 个应答"),
                             i),
                     LAB_TR("serve all clients from one loop: accept whoever is waiting, answer "
                            "each line as soon as it is complete",
                            "用一个循环服务所有客户端：有人等着就 accept，一行完整了就立即应答"));
    stop_server(&r);
    expect_answered(&r, MANY_CLIENTS * LINES_EACH);
    for (int i = 0; i < MANY_CLIENTS; i++) {
        expect_closed(&r, clients[i], lab_fmt("client %d", i), 1);
        close(clients[i]);
    }
    expect_log_in_order_per_client(&r);
    expect_no_leak(&r);
    finish_server(&r);
}

/* Opens copies of fd until the lowest free descriptor is at least `above`; returns how many. */
static int fill_descriptors_below(int fd, int above, int *copies, int cap)
{
    int n = 0;
    while (n < cap) {
        int copy = dup(fd);
        LAB_SETUP(copy >= 0, "dup() to fill low descriptor numbers");
        copies[n++] = copy;
        if (copy >= above)
            break;
    }
    return n;
}

SERVER_TEST(descriptors_beyond_fd_setsize, 2)
{
    enum { LISTENER_AT = 1500, CLIENTS_ABOVE = 1100, CLIENTS = 5, ROOM = 200 };
    static int copies[CLIENTS_ABOVE + 16];
    struct server_run r;

    prepare_server(&r, k);
    /* Lower numbers (still the highest possible) only if the hard limit forbids these. */
    long limit = raise_descriptor_limit(LISTENER_AT + ROOM);
    int listener_at = limit >= LISTENER_AT + ROOM ? LISTENER_AT : (int)limit - 20;
    int clients_above = limit >= LISTENER_AT + ROOM ? CLIENTS_ABOVE : (int)limit - 40;
    r.listen_fd = move_to_high_descriptor(r.listen_fd, listener_at);
    int stop_copy = dup(r.stop[0]);
    LAB_SETUP(stop_copy >= 0, "dup()");
    r.stop_fd = move_to_high_descriptor(stop_copy, listener_at + 1);
    /* Every free number below 1100 taken: accepted clients get numbers above FD_SETSIZE. */
    int filled = fill_descriptors_below(r.done[1], clients_above, copies,
                                        (int)(sizeof copies / sizeof *copies));
    launch_server(&r);

    int clients[CLIENTS];
    for (int i = 0; i < CLIENTS; i++) {
        clients[i] = lab_tcp_connect(r.port);
        expect_greeting(
            &r, clients[i],
            lab_fmt(LAB_TR("client %d (listener at %d, stop_fd at %d, every client "
                           "above %d)",
                           "客户端 %d（监听 socket 为 %d，stop_fd 为 %d，每个客户端都在 "
                           "%d 之上）"),
                    i, r.listen_fd, r.stop_fd, clients_above));
    }
    for (int i = 0; i < CLIENTS; i++)
        round_trip(&r, clients[i], lab_fmt("line of client %d\n", i),
                   LAB_TR("a client with a descriptor above FD_SETSIZE",
                          "描述符大于 FD_SETSIZE 的客户端"));
    stop_server(&r);
    expect_answered(&r, CLIENTS);
    for (int i = 0; i < CLIENTS; i++) {
        expect_closed(&r, clients[i], lab_fmt("client %d", i), 1);
        close(clients[i]);
    }
    expect_no_leak(&r);
    for (int i = 0; i < filled; i++)
        close(copies[i]);
    finish_server(&r);
}

SERVER_TEST(slow_clients_do_not_block, 2)
{
    struct server_run r;
    prepare_server(&r, k);
    small_server_buffers(&r, 1);
    launch_server(&r);
    int silent = lab_tcp_connect(r.port);
    expect_greeting(&r, silent, LAB_TR("a client that then says nothing", "之后不再说话的客户端"));
    int half = lab_tcp_connect(r.port);
    expect_greeting(&r, half,
                    LAB_TR("a client that then sends half a line", "之后只发半行的客户端"));
    send_text(&r, half, "half", 4, "client");
    int greedy = connect_small_buffers(r.port);
    /* 21 bytes of answer per byte sent: far more than any socket buffer holds. */
    flood_with_lines(greedy, 4 * 1024 * 1024);

    int other = lab_tcp_connect(r.port);
    expect_greeting(&r, other,
                    LAB_TR("a client, while others are silent, half-sent or never read",
                           "一个客户端（此时其他客户端不说话、只发了半行或从不读取）"));
    for (int i = 0; i < 5; i++)
        round_trip(&r, other, lab_fmt("ping %d\n", i),
                   LAB_TR("the client that reads", "正常读取的客户端"));
    round_trip(&r, half, " done\n",
               LAB_TR("the client that had sent half a line", "发了半行的客户端"));
    stop_server(&r);
    LAB_ASSERT(r.result >= 6, r.kind->call, LAB_TR("at least 6 lines answered", "至少应答了 6 行"),
               lab_result_text(r.result, r.err),
               LAB_TR("a client that does not read is not an error of the server",
                      "客户端不读取不是服务端的错误"));
    expect_closed(&r, silent, LAB_TR("the silent client", "不说话的客户端"), 1);
    expect_closed(&r, other, LAB_TR("the client that reads", "正常读取的客户端"), 1);
    expect_closed(&r, greedy, LAB_TR("the client that never reads", "从不读取的客户端"), 0);
    close(silent);
    close(half);
    close(greedy);
    close(other);
    expect_no_leak(&r);
    finish_server(&r);
}

/* ---- reading until EAGAIN (what edge-triggered epoll demands)
 * ------------------------------------ */

SERVER_TEST(burst_read_to_the_end, 2)
{
    enum { LINES = 64, LINE_LEN = 1024 };
    static char burst[LINES * LINE_LEN];
    static char want[LINES * sizeof ACK];
    for (int i = 0; i < LINES; i++) {
        memset(burst + i * LINE_LEN, 'a' + i % 26, LINE_LEN - 1);
        burst[i * LINE_LEN + LINE_LEN - 1] = '\n';
        memcpy(want + i * strlen(ACK), ACK, strlen(ACK));
    }
    struct server_run r;
    start_server(&r, k);
    int client = lab_tcp_connect(r.port);
    expect_greeting(&r, client, LAB_TR("the client", "客户端"));
    send_text(&r, client, burst, sizeof burst, "client"); /* 64 KiB in one send(), then nothing */
    expect_reply(
        &r, client, want, LINES * strlen(ACK), 2000,
        LAB_TR("64 answers to 64 KiB of lines sent at once", "对一次发来的 64 KiB 行的 64 个应答"),
        LAB_TR("an edge-triggered event comes once for all that arrived: after each event read "
               "until recv() fails with EAGAIN (a 1024-byte buffer needs 64 reads here), or the "
               "rest waits for an event that never comes",
               "边缘触发的事件对到达的全部数据只来一次：每个事件之后都要读到 recv() 以 EAGAIN "
               "失败为止（这里 1024 字节的缓冲区要读 64 次），否则剩下的数据要等一个永远不会来的"
               "事件"));
    stop_server(&r);
    expect_answered(&r, LINES);
    close(client);
    finish_server(&r);
}

SERVER_TEST(slow_reader_gets_every_answer, 1)
{
    enum { LINES = 10000 };
    static char newlines[LINES];
    static char got[LINES * sizeof ACK];
    size_t ack_len = strlen(ACK);
    memset(newlines, '\n', sizeof newlines);

    struct server_run r;
    prepare_server(&r, k);
    /* A small send buffer, but room for all 10000 bytes in its receive buffer: they are all
     * there before the server stops reading, and no more arrive to raise a new event. */
    small_server_buffers(&r, 0);
    launch_server(&r);
    int reader = connect_small_buffers(r.port);
    expect_greeting(&r, reader, LAB_TR("the client", "客户端"));
    send_text(&r, reader, newlines, sizeof newlines, "client");
    lab_sleep_ms(300); /* answers pile up; back-pressure stops the server reading these lines */
    size_t n = lab_read_exact(reader, got, LINES * ack_len, 5000);
    size_t whole = 0;
    while (whole < n / ack_len && memcmp(got + whole * ack_len, ACK, ack_len) == 0)
        whole++;
    LAB_ASSERT(
        n == LINES * ack_len && whole == LINES,
        lab_fmt("%s: %s", r.kind->call,
                LAB_TR("10000 lines sent at once, answers read only 300 ms later",
                       "一次发来 10000 行，300 毫秒后才开始读应答")),
        lab_fmt(
            LAB_TR("10000 answers (%zu bytes) within 5 s", "5 秒内收到 10000 个应答（%zu 字节）"),
            LINES * ack_len),
        lab_fmt(LAB_TR("%zu bytes, %zu whole answers", "%zu 字节，%zu 个完整应答"), n, whole),
        LAB_TR(
            "when back-pressure made you stop reading a client, remember that its input is "
            "still waiting and read on once its answers are out: with EPOLLET no new "
            "EPOLLIN comes for bytes that are already there",
            "背压让你停止读某个客户端时，要记住它还有输入在等，应答发出去后接着读：用 EPOLLET 时，"
            "对已经到达的字节不会再来新的 EPOLLIN"));
    stop_server(&r);
    expect_answered(&r, LINES);
    close(reader);
    finish_server(&r);
}

/* ---- clients that fail or hang up --------------------------------------------------------------
 */

/* Waits up to 1.5 s for the server to hold `want` connections; returns how many it holds. */
static int wait_server_connections(const struct server_run *r, int want)
{
    double start = lab_now();
    int open;
    while ((open = server_connections(r)) != want && lab_ms_since(start) < 1500)
        lab_sleep_ms(10);
    return open;
}

/* Calls of poll() or epoll_wait() the server has made since the last reset. */
static int server_waits(const struct server_run *r)
{
    return r->kind->epoll ? __atomic_load_n(&epoll_wait_calls, __ATOMIC_SEQ_CST)
                          : lab_recorded_count("poll");
}

static void reset_server_waits(void)
{
    lab_record_reset();
    __atomic_store_n(&epoll_wait_calls, 0, __ATOMIC_SEQ_CST);
}

/* Connects, waits for the greeting, and resets the connection (SO_LINGER {1, 0}) after sending
 * `lines` lines that it never reads the answers of. */
static void connect_and_reset(const struct server_run *r, int lines)
{
    int fd = lab_tcp_connect(r->port);
    expect_greeting(r, fd, LAB_TR("a client that then resets", "随后重置连接的客户端"));
    for (int i = 0; i < lines; i++)
        send_text(r, fd, "x\n", 2, "client");
    struct linger reset = {.l_onoff = 1, .l_linger = 0};
    LAB_SETUP(setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset) == 0, "SO_LINGER");
    close(fd);
}

SERVER_TEST(failed_clients_removed_no_busy_loop, 2)
{
    enum { HANGUP_LINES = 3000, IDLE_WAITS_MAX = 50 };
    static char newlines[HANGUP_LINES];
    memset(newlines, '\n', sizeof newlines);
    struct server_run r;
    prepare_server(&r, k);
    small_server_buffers(&r, 1);
    launch_server(&r);
    /* Sends more lines than the answers to them fit in the buffers, never reads, then shuts
     * down its sending side: the server owes it answers and stops reading its lines. */
    int hangup = connect_small_buffers(r.port);
    send_text(&r, hangup, newlines, sizeof newlines, "client");
    LAB_SETUP(shutdown(hangup, SHUT_WR) == 0, "shutdown(SHUT_WR)");
    int other = lab_tcp_connect(r.port);
    expect_greeting(&r, other, LAB_TR("an idle client", "空闲的客户端"));
    round_trip(&r, other, "ping\n", LAB_TR("the client", "客户端"));
    /* Last, so that no later client gets their descriptor numbers. */
    connect_and_reset(&r, 0);       /* resets while idle */
    connect_and_reset(&r, 20);      /* resets with answers on their way */
    close(lab_tcp_connect(r.port)); /* comes and goes at once */

    int open = wait_server_connections(&r, 2);
    LAB_ASSERT(
        open == 2,
        lab_fmt(
            "%s: %s", r.kind->call,
            LAB_TR("server-side connections still open after 1.5 s", "1.5 秒后服务端仍打开的连接")),
        LAB_TR("2 (the hung-up client still owed answers, and the idle one)",
               "2 个（还欠着应答的挂断客户端，和空闲的客户端）"),
        lab_fmt("%d", open),
        LAB_TR("close a client whose recv() fails (ECONNRESET), or that reports POLLHUP / "
               "POLLERR (EPOLLHUP / EPOLLERR), or that sent EOF and is owed nothing; take "
               "it out of the array (or the epoll set)",
               "recv() 失败（ECONNRESET）、报告 POLLHUP / POLLERR（EPOLLHUP / EPOLLERR），"
               "或已发来 EOF 且不再欠它数据的客户端要关闭，并从数组（或 epoll 集合）中移除"));
    reset_server_waits();
    double cpu_start = server_cpu_ms(&r);
    lab_sleep_ms(IDLE_WINDOW_MS);
    double cpu = server_cpu_ms(&r) - cpu_start;
    int waits = server_waits(&r);
    LAB_ASSERT(
        cpu < IDLE_CPU_MAX_MS && waits < IDLE_WAITS_MAX,
        lab_fmt("%s: %s", r.kind->call,
                LAB_TR("300 ms with nothing to do (a client that hung up and does not read its "
                       "answers, an idle one)",
                       "300 毫秒无事可做（一个挂断且不读应答的客户端，一个空闲的客户端）")),
        LAB_TR("the server asleep in poll()/epoll_wait(): a few calls, a few ms of CPU",
               "服务端睡在 poll()/epoll_wait() 里：几次调用，几毫秒 CPU"),
        lab_fmt(LAB_TR("%d calls of %s, %.0f ms of CPU: a busy loop",
                       "%d 次 %s 调用，%.0f 毫秒 CPU：在空转"),
                waits, r.kind->epoll ? "epoll_wait()" : "poll()", cpu),
        LAB_TR("an event that is reported but not acted on comes back at once: do not ask for "
               "POLLIN while you do not read a client (back-pressure, after EOF), nor for "
               "POLLOUT when nothing is owed; close a client on POLLHUP/POLLERR (epoll: register "
               "clients with EPOLLET)",
               "报告了却没处理的事件会立刻再来：不读某个客户端时（背压、EOF 之后）不要请求 "
               "POLLIN，没有欠发的数据时不要请求 POLLOUT；遇到 POLLHUP/POLLERR 就关闭客户端"
               "（epoll：客户端用 EPOLLET 注册）"));
    round_trip(&r, other, "pong\n", LAB_TR("the client", "客户端"));
    stop_server(&r);
    LAB_ASSERT(r.result >= 2, r.kind->call, LAB_TR("at least 2 lines answered", "至少应答了 2 行"),
               lab_result_text(r.result, r.err),
               LAB_TR("ECONNRESET or EPIPE on one client closes that client only; send with "
                      "MSG_NOSIGNAL",
                      "某个客户端上的 ECONNRESET 或 EPIPE 只关闭这个客户端；用 MSG_NOSIGNAL 发送"));
    close(hangup);
    close(other);
    expect_no_leak(&r);
    finish_server(&r);
}

/* A log whose writes wait while the test holds the gate closed: holds the server in the middle
 * of serving one line, so that events of several clients pile up for its next wait. */
struct log_gate {
    int closed; /* atomic: writes wait while set */
    int held;   /* atomic: a write is waiting */
};

static ssize_t gate_write(void *cookie, const char *buf, size_t size)
{
    struct log_gate *gate = cookie;
    double start = lab_now();
    (void)buf;
    while (__atomic_load_n(&gate->closed, __ATOMIC_SEQ_CST) && lab_ms_since(start) < 3000) {
        __atomic_store_n(&gate->held, 1, __ATOMIC_SEQ_CST);
        lab_sleep_ms(1);
    }
    return (ssize_t)size;
}

SERVER_TEST(removal_does_not_skip_next, 2)
{
    static struct log_gate gate;
    struct server_run r;
    prepare_server(&r, k);
    fclose(r.log);
    r.log = fopencookie(&gate, "w", (cookie_io_functions_t){.write = gate_write});
    LAB_SETUP(r.log && setvbuf(r.log, NULL, _IONBF, 0) == 0, "fopencookie() for the log");
    launch_server(&r);
    /* Accepted in this order: in an array, a, b, c follow each other. */
    int holder = lab_tcp_connect(r.port);
    expect_greeting(&r, holder, "G");
    int a = lab_tcp_connect(r.port);
    expect_greeting(&r, a, "A");
    int b = lab_tcp_connect(r.port);
    expect_greeting(&r, b, "B");
    int c = lab_tcp_connect(r.port);
    expect_greeting(&r, c, "C");

    __atomic_store_n(&gate.closed, 1, __ATOMIC_SEQ_CST);
    send_text(&r, holder, "g\n", 2, "G");
    double start = lab_now();
    while (!__atomic_load_n(&gate.held, __ATOMIC_SEQ_CST) && lab_ms_since(start) < ANSWER_WAIT_MS)
        lab_sleep_ms(2);
    LAB_ASSERT(__atomic_load_n(&gate.held, __ATOMIC_SEQ_CST), r.kind->call,
               LAB_TR("\"g\\n\" written to the log within 1 s", "1 秒内把 \"g\\n\" 写入日志"),
               LAB_TR("nothing written to the log", "日志里什么也没写"),
               LAB_TR("log each line (fputs/fwrite to log) before sending its answer",
                      "发送应答之前先把每一行写入日志（对 log 调用 fputs/fwrite）"));
    /* While the server is held: A leaves, B and C send a line. */
    close(a);
    send_text(&r, b, "b\n", 2, "B");
    send_text(&r, c, "c\n", 2, "C");
    lab_sleep_ms(100);
    lab_record_reset();
    __atomic_store_n(&gate.closed, 0, __ATOMIC_SEQ_CST);

    const char *hint = LAB_TR(
        "when a client is removed from the array while walking it (the last entry moved into "
        "its slot), look at the same index again: i++ skips the moved entry",
        "遍历数组时删除一个客户端（把最后一项挪进它的位置）后，要再看一次同一个下标：i++ "
        "会跳过挪过来的那一项");
    expect_reply(&r, holder, ACK, strlen(ACK), ANSWER_WAIT_MS, "G", hint);
    expect_reply(&r, b, ACK, strlen(ACK), ANSWER_WAIT_MS, "B", hint);
    expect_reply(&r, c, ACK, strlen(ACK), ANSWER_WAIT_MS, "C", hint);
    lab_sleep_ms(50);
    if (!k->epoll) {
        int rounds = 0;
        for (int i = 0; i < lab_record_count(); i++) {
            const struct lab_call *call = lab_recorded(i);
            rounds += strcmp(call->name, "poll") == 0 && call->ret > 0;
        }
        LAB_ASSERT(rounds == 1,
                   lab_fmt("%s: %s", r.kind->call,
                           LAB_TR("A's end and the lines of B and C ready in the same poll()",
                                  "A 的结束和 B、C 的行在同一次 poll() 中就绪")),
                   LAB_TR("all three served after one poll()", "一次 poll() 之后三个都得到处理"),
                   lab_fmt(LAB_TR("poll() had to report ready descriptors %d times:\n          %s",
                                  "poll() 报告了 %d 次就绪：\n          %s"),
                           rounds, lab_recorded_text()),
                   hint);
    }
    stop_server(&r);
    expect_answered(&r, 3);
    close(holder);
    close(b);
    close(c);
    finish_server(&r);
}

/* ---- stopping -----------------------------------------------------------------------------------
 */

SERVER_TEST(stop_returns_count_and_closes_all, 2)
{
    struct server_run r;
    start_server(&r, k);
    int a = lab_tcp_connect(r.port), b = lab_tcp_connect(r.port), c = lab_tcp_connect(r.port);
    int silent = lab_tcp_connect(r.port);
    expect_greeting(&r, a, "A");
    expect_greeting(&r, b, "B");
    expect_greeting(&r, c, "C");
    expect_greeting(&r, silent, LAB_TR("a silent client", "不说话的客户端"));
    round_trip(&r, a, "one\n", "A");
    round_trip(&r, b, "one\n", "B");
    round_trip(&r, a, "two\n", "A");
    round_trip(&r, b, "two\n", "B");
    round_trip(&r, b, "three\n", "B");
    send_text(&r, c, "abc", 3, "C"); /* half a line: not answered, not counted */
    lab_sleep_ms(50);
    stop_server(&r);
    expect_answered(&r, 5);
    char byte = 0;
    int still_there =
        lab_wait_readable(r.stop[0], 0) && read(r.stop[0], &byte, 1) == 1 && byte == 'S';
    LAB_ASSERT(still_there, r.kind->call,
               LAB_TR("the byte 'S' still in stop_fd afterwards", "之后 stop_fd 里仍有字节 'S'"),
               LAB_TR("stop_fd was read", "stop_fd 被读取了"),
               LAB_TR("stop_fd only tells the loop to end: watch it, do not read it",
                      "stop_fd 只是通知循环结束：监视它，但不要读它"));
    expect_closed(&r, a, "A", 1);
    expect_closed(&r, b, "B", 1);
    expect_closed(&r, c, "C", 1);
    expect_closed(&r, silent, LAB_TR("the silent client", "不说话的客户端"), 1);
    close(a);
    close(b);
    close(c);
    close(silent);
    expect_no_leak(&r);
    LAB_ASSERT(lab_fd_is_open(r.listen_fd) && lab_fd_is_open(r.stop[0]), r.kind->call,
               LAB_TR("listen_fd and stop_fd still open", "listen_fd 和 stop_fd 仍然打开"),
               LAB_TR("one of them was closed", "其中一个被关闭了"),
               LAB_TR("the caller owns listen_fd and stop_fd: close only what you opened",
                      "listen_fd 和 stop_fd 属于调用者：只关闭你自己打开的描述符"));
    finish_server(&r);
}

SERVER_TEST(stop_pipe_hangup_ends_loop, 1)
{
    struct server_run r;
    start_server(&r, k);
    int client = lab_tcp_connect(r.port);
    expect_greeting(&r, client, LAB_TR("the client", "客户端"));
    round_trip(&r, client, "x\n", LAB_TR("the client", "客户端"));
    close(r.stop[1]); /* no byte: the pipe's only writer goes away */
    r.stop[1] = -1;
    wait_returned(&r, LAB_TR("the write end of the stop pipe is closed", "停止管道的写端关闭"),
                  LAB_TR("a pipe whose writers are gone is reported as POLLHUP (EPOLLHUP), "
                         "without POLLIN: it counts as readable (a read would return 0) and ends "
                         "the loop; ignored, it is reported again at once, forever",
                         "写端都已关闭的管道会报告 POLLHUP（EPOLLHUP），不带 POLLIN：它也算可读"
                         "（读会返回 0），应当结束循环；不理它的话，它会立刻再次被报告，没完没了"));
    expect_answered(&r, 1);
    expect_closed(&r, client, LAB_TR("the client", "客户端"), 1);
    close(client);
    finish_server(&r);
}

/* One whole run with a given file status of the listener; checks it is the same afterwards. */
static void run_with_listener_flags(const struct server_kind *k, int nonblocking)
{
    struct server_run r;
    prepare_server(&r, k);
    int flags = fcntl(r.listen_fd, F_GETFL);
    LAB_SETUP(flags >= 0, "fcntl(F_GETFL)");
    if (nonblocking) {
        LAB_SETUP(fcntl(r.listen_fd, F_SETFL, flags | O_NONBLOCK) == 0,
                  "fcntl(F_SETFL, O_NONBLOCK)");
        flags = fcntl(r.listen_fd, F_GETFL);
    }
    launch_server(&r);
    int client = lab_tcp_connect(r.port);
    expect_greeting(&r, client, LAB_TR("the client", "客户端"));
    round_trip(&r, client, "x\n", LAB_TR("the client", "客户端"));
    stop_server(&r);
    int after = fcntl(r.listen_fd, F_GETFL);
    LAB_ASSERT(
        after == flags, r.kind->call,
        lab_fmt(LAB_TR("listen_fd's file flags 0x%x (%s) as before",
                       "listen_fd 的文件标志仍为 0x%x（%s）"),
                flags, nonblocking ? "O_NONBLOCK" : LAB_TR("blocking", "阻塞")),
        after < 0 ? lab_fmt("fcntl(F_GETFL): %s", lab_errno_text(errno)) : lab_fmt("0x%x", after),
        LAB_TR("save F_GETFL before setting O_NONBLOCK and put exactly that value back before "
               "returning",
               "设置 O_NONBLOCK 之前先保存 F_GETFL 的值，返回前原样恢复"));
    close(client);
    finish_server(&r);
}

SERVER_TEST(keeps_listen_flags, 1)
{
    run_with_listener_flags(k, 0);
    run_with_listener_flags(k, 1);
}

/* ---- errors
 * -------------------------------------------------------------------------------------- */

SERVER_TEST(survives_eintr_and_aborted_accepts, 1)
{
    struct server_run r;
    prepare_server(&r, k);
    /* Three waits interrupted by a signal; two clients that give up before accept(). */
    if (k->epoll)
        __atomic_store_n(&epoll_wait_eintr_left, 3, __ATOMIC_SEQ_CST);
    else
        lab_inject("poll", 1, 3, EINTR, 0);
    lab_inject("accept", 1, 2, ECONNABORTED, 0);
    lab_inject("accept4", 1, 2, ECONNABORTED, 0);
    launch_server(&r);
    int client = lab_tcp_connect(r.port);
    expect_greeting(&r, client,
                    LAB_TR("the client (the wait fails with EINTR 3 times, accept() with "
                           "ECONNABORTED twice)",
                           "客户端（等待三次以 EINTR 失败，accept() 两次以 ECONNABORTED 失败）"));
    round_trip(&r, client, "SOME data\n", LAB_TR("the client", "客户端"));
    stop_server(&r);
    expect_answered(&r, 1);
    close(client);
    finish_server(&r);
}

SERVER_TEST(rejects_bad_descriptors, 1)
{
    uint16_t port;
    int listener = lab_tcp_listener(&port, 4);
    int stop[2];
    LAB_SETUP(pipe(stop) == 0, "pipe()");
    serve_fn serve = k->serve;
    const char *name = k->epoll ? "serve_line_acks_epoll" : "serve_line_acks_poll";

    long rc =
        LAB_CALL(lab_fmt("%s(listen_fd, -1, ...)", name), lab_tr(NOT_AT_ONCE_EN, NOT_AT_ONCE_ZH),
                 serve(listener, -1, GREETING, ACK, NULL));
    int err = errno;
    LAB_ASSERT_FAILS_WITH(
        lab_fmt("%s(listen_fd, -1, ...)", name), rc, err, EINVAL,
        LAB_TR("a negative descriptor is refused with EINVAL before anything "
               "else (poll() would ignore it and never stop)",
               "负的描述符要先以 EINVAL 拒绝（poll() 会忽略它，循环就永远停不下来）"));
    rc = LAB_CALL(lab_fmt("%s(-1, stop_fd, ...)", name), lab_tr(NOT_AT_ONCE_EN, NOT_AT_ONCE_ZH),
                  serve(-1, stop[0], GREETING, ACK, NULL));
    err = errno;
    LAB_ASSERT_FAILS_WITH(
        lab_fmt("%s(-1, stop_fd, ...)", name), rc, err, EINVAL,
        LAB_TR("a negative listen_fd is refused with EINVAL", "负的 listen_fd 以 EINVAL 拒绝"));

    /* A number far from the lowest free one, which a new descriptor (an epoll instance) would
     * get at once. */
    int closed = socket(AF_INET, SOCK_STREAM, 0);
    LAB_SETUP(closed >= 0 && dup2(closed, 900) == 900, "socket() and dup2() to 900");
    close(closed);
    close(900);
    closed = 900;
    int before = lab_count_fds();
    rc = LAB_CALL(lab_fmt("%s(<closed fd>, stop_fd, ...)", name),
                  lab_tr(NOT_AT_ONCE_EN, NOT_AT_ONCE_ZH),
                  serve(closed, stop[0], GREETING, ACK, NULL));
    err = errno;
    LAB_ASSERT_FAILS_WITH(lab_fmt("%s(<closed listen_fd>, stop_fd, ...)", name), rc, err, EBADF,
                          LAB_TR("fcntl() (or epoll_ctl()) fails with EBADF: return -1 with that "
                                 "errno instead of looping",
                                 "fcntl()（或 epoll_ctl()）会以 EBADF 失败：返回 -1 并保留该 "
                                 "errno，不要继续循环"));
    LAB_ASSERT_NO_FD_LEAK(lab_fmt("%s(<closed listen_fd>, stop_fd, ...)", name), before,
                          LAB_TR("close what you opened (the epoll descriptor) on the error path "
                                 "too",
                                 "出错的路径上也要关闭你打开的东西（epoll 描述符）"));
    close(stop[0]);
    close(stop[1]);
    close(listener);
}

/* ---- epoll only: the instance and the registrations
 * ---------------------------------------------- */

/* Descriptors of this process that are epoll instances; the first one in *fd. */
static int epoll_instances(int *fd)
{
    DIR *dir = opendir("/proc/self/fd");
    struct dirent *entry;
    int count = 0;

    LAB_SETUP(dir != NULL, "opendir(/proc/self/fd)");
    while ((entry = readdir(dir)) != NULL) {
        char path[64], target[64];
        if (entry->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "/proc/self/fd/%d", atoi(entry->d_name));
        ssize_t n = readlink(path, target, sizeof target - 1);
        if (n < 0)
            continue;
        target[n] = '\0';
        if (strcmp(target, "anon_inode:[eventpoll]") == 0 && count++ == 0)
            *fd = atoi(entry->d_name);
    }
    closedir(dir);
    return count;
}

LAB_TEST(test_serve_line_acks_epoll_instance_and_registration, 2)
{
    struct server_run r;
    pthread_mutex_lock(&registration_lock);
    registration_count = 0;
    pthread_mutex_unlock(&registration_lock);
    start_server(&r, &EPOLL_SERVER);
    int client = lab_tcp_connect(r.port);
    expect_greeting(&r, client, LAB_TR("the client", "客户端"));
    round_trip(&r, client, "SOME data\n", LAB_TR("the client", "客户端"));

    int epoll_fd = -1;
    int instances = epoll_instances(&epoll_fd);
    int fd_flags = instances == 1 ? fcntl(epoll_fd, F_GETFD) : -1;
    LAB_ASSERT(
        instances == 1 && fd_flags >= 0 && (fd_flags & FD_CLOEXEC), r.kind->call,
        LAB_TR("one epoll descriptor while it runs, with FD_CLOEXEC",
               "运行期间有一个 epoll 描述符，带 FD_CLOEXEC"),
        lab_fmt(LAB_TR("%d epoll descriptors; FD_CLOEXEC %s", "%d 个 epoll 描述符；FD_CLOEXEC %s"),
                instances,
                fd_flags >= 0 && (fd_flags & FD_CLOEXEC) ? LAB_TR("set", "已设置")
                                                         : LAB_TR("not set", "未设置")),
        LAB_TR("create one instance with epoll_create1(EPOLL_CLOEXEC): a program started "
               "with exec() must not inherit it",
               "用 epoll_create1(EPOLL_CLOEXEC) 创建一个实例：exec() 启动的程序不应继承它"));

    /* The client's registration: any fd that is neither the listener nor stop_fd. */
    int client_fd = -1;
    uint32_t events = 0;
    pthread_mutex_lock(&registration_lock);
    for (int i = 0; i < registration_count; i++)
        if (registrations[i].fd != r.listen_fd && registrations[i].fd != r.stop_fd) {
            client_fd = registrations[i].fd;
            events |= registrations[i].events;
        }
    pthread_mutex_unlock(&registration_lock);
    int flags = client_fd >= 0 ? fcntl(client_fd, F_GETFL) : -1;
    LAB_ASSERT(
        client_fd >= 0 && (events & EPOLLET) && (events & EPOLLIN) && flags >= 0 &&
            (flags & O_NONBLOCK),
        r.kind->call,
        LAB_TR("the client registered with EPOLLIN | EPOLLET, its socket O_NONBLOCK",
               "客户端以 EPOLLIN | EPOLLET 注册，它的 socket 带 O_NONBLOCK"),
        client_fd < 0
            ? LAB_TR("no epoll_ctl(ADD) for the client", "没有为客户端调用 "
                                                         "epoll_ctl(ADD)")
            : lab_fmt(LAB_TR("events 0x%x (EPOLLET %s), O_NONBLOCK %s",
                             "事件 0x%x（EPOLLET %s），O_NONBLOCK %s"),
                      (unsigned)events,
                      events & EPOLLET ? LAB_TR("set", "已设置") : LAB_TR("not set", "未设置"),
                      flags >= 0 && (flags & O_NONBLOCK) ? LAB_TR("set", "已设置")
                                                         : LAB_TR("not set", "未设置")),
        LAB_TR("this lesson's epoll server is edge-triggered: epoll_ctl(EPOLL_CTL_ADD) "
               "each client with EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, after making "
               "it non-blocking (accept4(..., SOCK_NONBLOCK) or fcntl)",
               "本课的 epoll 服务端是边缘触发的：先把客户端设为非阻塞（accept4(..., "
               "SOCK_NONBLOCK) 或 fcntl），再用 EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET "
               "调用 epoll_ctl(EPOLL_CTL_ADD)"));
    stop_server(&r);
    expect_answered(&r, 1);
    int left = epoll_instances(&epoll_fd);
    LAB_ASSERT(left == 0, r.kind->call,
               LAB_TR("no epoll descriptor left after it returned", "返回后不再有 epoll 描述符"),
               lab_fmt(LAB_TR("%d still open", "仍有 %d 个打开"), left),
               LAB_TR("close the epoll descriptor before returning", "返回前关闭 epoll 描述符"));
    close(client);
    finish_server(&r);
}

void lab_register_tests(void)
{
    LAB_ADD_TIMEOUT(test_wait_readable_poll_data_arrives, 6.0);
    LAB_ADD(test_wait_readable_poll_ready_at_once);
    LAB_ADD(test_wait_readable_poll_times_out);
    LAB_ADD(test_wait_readable_poll_negative_timeout_waits);
    LAB_ADD_TIMEOUT(test_wait_readable_poll_high_descriptor, 6.0);
    LAB_ADD_TIMEOUT(test_wait_readable_poll_hangup_and_error_are_ready, 6.0);
    LAB_ADD(test_wait_readable_poll_bad_descriptors);
    LAB_ADD_TIMEOUT(test_wait_readable_poll_signal_does_not_end_wait, 6.0);
    LAB_ADD_TIMEOUT(test_wait_readable_poll_signals_do_not_stretch_timeout, 8.0);
#define ADD_BOTH(name, seconds)                                                                    \
    LAB_ADD_TIMEOUT(test_serve_line_acks_poll_##name, seconds);                                    \
    LAB_ADD_TIMEOUT(test_serve_line_acks_epoll_##name, seconds)
    ADD_BOTH(document_exchange, 6.0);
    ADD_BOTH(line_splitting, 8.0);
    ADD_BOTH(many_clients_interleaved, 10.0);
    ADD_BOTH(descriptors_beyond_fd_setsize, 10.0);
    ADD_BOTH(slow_clients_do_not_block, 10.0);
    ADD_BOTH(burst_read_to_the_end, 6.0);
    ADD_BOTH(slow_reader_gets_every_answer, 10.0);
    ADD_BOTH(failed_clients_removed_no_busy_loop, 10.0);
    ADD_BOTH(removal_does_not_skip_next, 8.0);
    ADD_BOTH(stop_returns_count_and_closes_all, 8.0);
    ADD_BOTH(stop_pipe_hangup_ends_loop, 6.0);
    ADD_BOTH(keeps_listen_flags, 8.0);
    ADD_BOTH(survives_eintr_and_aborted_accepts, 6.0);
    ADD_BOTH(rejects_bad_descriptors, 4.0);
#undef ADD_BOTH
    LAB_ADD_TIMEOUT(test_serve_line_acks_epoll_instance_and_registration, 6.0);
}
