/* 07-select.c — tests of lesson 07: wait_readable and serve_line_acks_select. */
#define _GNU_SOURCE
#include "select.h"
#include "lab.h"

#include <errno.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#define GREETING "Connect\n"
#define ACK "Information received\n"
#define ANSWER_WAIT_MS 1000 /* one answer on loopback: generous, a loaded CI machine is slow */
#define STOP_WAIT_MS 2000   /* from the stop byte to the return of the server */
#define REPLY_MAX 8192      /* most bytes one expected reply may have */

static const char *const NOT_AT_ONCE_EN = "nothing: this call should return at once";
static const char *const NOT_AT_ONCE_ZH = "无：这个调用应立即返回";

/* ---- helpers: time, peers, descriptors ------------------------------------------------ */

/*
 * Puts a copy of fd at descriptor number `want`, raising the soft
 * RLIMIT_NOFILE up to the hard limit if needed; -1 if the limits forbid it.
 */
static int copy_to_descriptor(int fd, int want)
{
    struct rlimit lim;

    LAB_SETUP(getrlimit(RLIMIT_NOFILE, &lim) == 0, "getrlimit(RLIMIT_NOFILE)");
    if (lim.rlim_cur != RLIM_INFINITY && lim.rlim_cur <= (rlim_t)want) {
        if (lim.rlim_max != RLIM_INFINITY && lim.rlim_max <= (rlim_t)want)
            return -1;
        lim.rlim_cur = (rlim_t)want + 1;
        if (setrlimit(RLIMIT_NOFILE, &lim) < 0)
            return -1;
    }
    return dup2(fd, want) == want ? want : -1;
}

/* ---- wait_readable ---------------------------------------------------------------------- */

LAB_TEST(test_wait_readable_data_arrives, 2)
{
    int client, server;
    lab_tcp_pair(&client, &server);
    struct lab_delayed_write later = {client, 100};
    void *peer;
    lab_thread_start(lab_write_later, &later, &peer);

    double start = lab_now();
    int rc = LAB_CALL("wait_readable(fd, 2000)", "select()", wait_readable(server, 2000));
    int err = errno;
    double ms = lab_ms_since(start);
    lab_thread_join(peer);
    LAB_ASSERT(rc == 1,
               LAB_TR("wait_readable(fd, 2000), a byte arriving after 100 ms",
                      "wait_readable(fd, 2000)，100 毫秒后到来一个字节"),
               "1", lab_result_text(rc, err),
               LAB_TR("put fd in the read set and call select(fd + 1, &set, NULL, NULL, &timeout): "
                      "nfds is the highest descriptor PLUS ONE, select() looks at 0 .. nfds-1 only",
                      "把 fd 放进读集合，调用 select(fd + 1, &set, NULL, NULL, &timeout)："
                      "nfds 是最大的描述符再加一，select() 只看 0 .. nfds-1"));
    LAB_ASSERT(ms < 1500, "wait_readable(fd, 2000)",
               LAB_TR("to return soon after the byte arrives (about 100 ms)",
                      "在字节到达后很快返回（约 100 毫秒）"),
               lab_fmt(LAB_TR("returned after %.0f ms", "%.0f 毫秒后才返回"), ms),
               LAB_TR("return as soon as select() reports the descriptor; do not sleep",
                      "select() 一报告描述符就绪就返回，不要 sleep"));
    close(client);
    close(server);
}

static void expect_ready_now(int fd, const char *what)
{
    double start = lab_now();
    int rc = LAB_CALL(lab_fmt("wait_readable(<%s>, 0)", what),
                      lab_tr(NOT_AT_ONCE_EN, NOT_AT_ONCE_ZH), wait_readable(fd, 0));
    int err = errno;
    LAB_ASSERT(
        rc == 1 && lab_ms_since(start) < 500, lab_fmt("wait_readable(<%s>, 0)", what),
        LAB_TR("1 at once", "立即返回 1"),
        lab_fmt("%s (%.0f ms)", lab_result_text(rc, err), lab_ms_since(start)),
        LAB_TR("select() reports a descriptor readable when a read would not block: data, "
               "end of file, or a connection waiting for accept(); a zero timeout only looks",
               "只要读不会阻塞，select() 就报告可读：有数据、对端已关闭、或有连接等待 accept()；"
               "超时为 0 时只看一眼"));
}

LAB_TEST(test_wait_readable_ready_at_once, 1)
{
    int client, server;
    lab_tcp_pair(&client, &server);
    lab_write_all(client, "x", 1);
    LAB_SETUP(lab_wait_readable(server, 1000), "a byte for the test");
    expect_ready_now(server, "socket with data waiting");
    close(client);
    close(server);

    lab_tcp_pair(&client, &server);
    close(client);
    LAB_SETUP(lab_wait_readable(server, 1000), "the peer's FIN");
    expect_ready_now(server, "socket whose peer has closed");
    close(server);

    uint16_t port;
    int listener = lab_tcp_listener(&port, 4);
    int waiting = lab_tcp_connect(port);
    LAB_SETUP(lab_wait_readable(listener, 1000), "a connection waiting on the listener");
    expect_ready_now(listener, "listener with a connection waiting");
    close(waiting);
    close(listener);
}

LAB_TEST(test_wait_readable_times_out, 2)
{
    int client, server;
    lab_tcp_pair(&client, &server);

    double start = lab_now();
    int rc = LAB_CALL("wait_readable(<idle socket>, 200)", "select()", wait_readable(server, 200));
    int err = errno;
    double ms = lab_ms_since(start);
    LAB_ASSERT(
        rc == 0 && ms >= 150 && ms <= 1500, "wait_readable(<idle socket>, 200)",
        LAB_TR("0 after about 200 ms", "约 200 毫秒后返回 0"),
        lab_fmt(LAB_TR("%s after %.0f ms", "%s，用时 %.0f 毫秒"), lab_result_text(rc, err), ms),
        LAB_TR("pass the timeout to select() as a struct timeval {sec, usec}: 200 ms is "
               "{0, 200000}; select() returns 0 when it runs out",
               "把超时以 struct timeval {秒, 微秒} 传给 select()：200 毫秒是 {0, 200000}；"
               "时间到了 select() 返回 0"));

    start = lab_now();
    rc = LAB_CALL("wait_readable(<idle socket>, 0)", lab_tr(NOT_AT_ONCE_EN, NOT_AT_ONCE_ZH),
                  wait_readable(server, 0));
    err = errno;
    ms = lab_ms_since(start);
    LAB_ASSERT(
        rc == 0 && ms < 500, "wait_readable(<idle socket>, 0)", LAB_TR("0 at once", "立即返回 0"),
        lab_fmt(LAB_TR("%s after %.0f ms", "%s，用时 %.0f 毫秒"), lab_result_text(rc, err), ms),
        LAB_TR(
            "a zero timeout is a timeval of {0, 0}: select() only looks (NULL would wait forever)",
            "超时为 0 就是 timeval {0, 0}：select() 只看一眼（传 NULL 才是永远等待）"));
    close(client);
    close(server);
}

LAB_TEST(test_wait_readable_negative_timeout_waits, 1)
{
    int client, server;
    lab_tcp_pair(&client, &server);
    struct lab_delayed_write later = {client, 300};
    void *peer;
    lab_thread_start(lab_write_later, &later, &peer);

    double start = lab_now();
    int rc = LAB_CALL("wait_readable(fd, -1)", "select()", wait_readable(server, -1));
    int err = errno;
    double ms = lab_ms_since(start);
    lab_thread_join(peer);
    LAB_ASSERT(
        rc == 1 && ms >= 250,
        LAB_TR("wait_readable(fd, -1), a byte arriving after 300 ms",
               "wait_readable(fd, -1)，300 毫秒后到来一个字节"),
        LAB_TR("1 after about 300 ms", "约 300 毫秒后返回 1"),
        lab_fmt(LAB_TR("%s after %.0f ms", "%s，用时 %.0f 毫秒"), lab_result_text(rc, err), ms),
        LAB_TR("a negative timeout means \"no limit\": pass NULL as select()'s timeout "
               "(a timeval with negative fields is an error, EINVAL)",
               "负的超时表示“不限时”：给 select() 的超时参数传 NULL（字段为负的 timeval 会得到 "
               "EINVAL）"));
    close(client);
    close(server);
}

LAB_TEST(test_wait_readable_high_descriptor, 2)
{
    int client, server;
    lab_tcp_pair(&client, &server);
    int high = copy_to_descriptor(server, 1000);
    LAB_SETUP(high == 1000, "dup2() to descriptor 1000");
    struct lab_delayed_write later = {client, 100};
    void *peer;
    lab_thread_start(lab_write_later, &later, &peer);

    int rc = LAB_CALL("wait_readable(1000, 1500)", "select()", wait_readable(high, 1500));
    int err = errno;
    lab_thread_join(peer);
    LAB_ASSERT(rc == 1,
               LAB_TR("wait_readable(1000, 1500), a byte arriving after 100 ms",
                      "wait_readable(1000, 1500)，100 毫秒后到来一个字节"),
               "1", lab_result_text(rc, err),
               LAB_TR("select() watches descriptors 0 .. nfds-1: for descriptor 1000, nfds is 1001",
                      "select() 只看描述符 0 .. nfds-1：描述符 1000 对应的 nfds 是 1001"));
    close(high);
    close(client);
    close(server);
}

LAB_TEST(test_wait_readable_select_nfds, 1)
{
    int client, server;
    lab_tcp_pair(&client, &server);
    int high = copy_to_descriptor(server, 700);
    LAB_SETUP(high == 700, "dup2() to descriptor 700");
    lab_write_all(client, "x", 1);
    LAB_SETUP(lab_wait_readable(high, 1000), "a byte for the test");

    lab_record_reset();
    int rc = LAB_CALL("wait_readable(700, 500)", "select()", wait_readable(high, 500));
    int err = errno;
    int selects = lab_recorded_count("select");
    int right_nfds = selects > 0;
    for (int i = 0; i < lab_record_count(); i++) {
        const struct lab_call *c = lab_recorded(i);
        if (strcmp(c->name, "select") == 0 && c->arg[0] != high + 1)
            right_nfds = 0;
    }
    LAB_ASSERT(rc == 1 && right_nfds, "wait_readable(700, 500)",
               LAB_TR("1, from select(701, {700}, NULL, NULL, ...)",
                      "1，来自 select(701, {700}, NULL, NULL, ...)"),
               lab_fmt("%s; %s", lab_result_text(rc, err), lab_recorded_text()),
               LAB_TR("this lesson is about select(): call it with nfds = fd + 1 (the highest "
                      "descriptor in the sets plus one, not FD_SETSIZE and not fd)",
                      "这一课讲的是 select()：调用时 nfds = fd + 1（集合里最大的描述符加一，"
                      "不是 FD_SETSIZE，也不是 fd）"));
    close(high);
    close(client);
    close(server);
}

LAB_TEST(test_wait_readable_rejects_fd_beyond_fd_setsize, 2)
{
    int client, server;
    lab_tcp_pair(&client, &server);
    lab_write_all(client, "x", 1);
    LAB_SETUP(lab_wait_readable(server, 1000), "a byte for the test");
    /* An open, readable socket at 1100 if the limits allow; the number alone must be refused
     * anyway. */
    int big = FD_SETSIZE + 76;
    int opened = copy_to_descriptor(server, big) == big;

    int rc = LAB_CALL(lab_fmt("wait_readable(%d, 100)", big),
                      lab_tr(NOT_AT_ONCE_EN, NOT_AT_ONCE_ZH), wait_readable(big, 100));
    int err = errno;
    LAB_ASSERT_FAILS_WITH(
        lab_fmt(LAB_TR("wait_readable(%d, 100), FD_SETSIZE being %d",
                       "wait_readable(%d, 100)，FD_SETSIZE 为 %d"),
                big, FD_SETSIZE),
        rc, err, EINVAL,
        LAB_TR("an fd_set holds descriptors 0 .. FD_SETSIZE-1 only: FD_SET() of a "
               "larger one writes past the end of the set. Check fd < FD_SETSIZE "
               "first and fail with EINVAL (use poll() in real programs)",
               "fd_set 只能放 0 .. FD_SETSIZE-1 的描述符：对更大的描述符调用 "
               "FD_SET() 会写到集合外面。先检查 fd < FD_SETSIZE，否则以 EINVAL "
               "失败（实际程序里请用 poll()）"));
    rc = LAB_CALL("wait_readable(FD_SETSIZE, 100)", lab_tr(NOT_AT_ONCE_EN, NOT_AT_ONCE_ZH),
                  wait_readable(FD_SETSIZE, 100));
    err = errno;
    LAB_ASSERT_FAILS_WITH(
        lab_fmt("wait_readable(%d, 100)", FD_SETSIZE), rc, err, EINVAL,
        LAB_TR("FD_SETSIZE itself is already one too many", "FD_SETSIZE 本身就已经超出一个了"));
    rc = LAB_CALL("wait_readable(-1, 100)", lab_tr(NOT_AT_ONCE_EN, NOT_AT_ONCE_ZH),
                  wait_readable(-1, 100));
    err = errno;
    LAB_ASSERT_FAILS_WITH("wait_readable(-1, 100)", rc, err, EINVAL,
                          LAB_TR("a negative descriptor does not fit in an fd_set either",
                                 "负的描述符同样放不进 fd_set"));
    if (opened)
        close(big);
    close(client);
    close(server);
}

LAB_TEST(test_wait_readable_closed_descriptor, 1)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    LAB_SETUP(fd >= 0, "socket()");
    close(fd);
    int rc = LAB_CALL("wait_readable(<closed fd>, 100)", lab_tr(NOT_AT_ONCE_EN, NOT_AT_ONCE_ZH),
                      wait_readable(fd, 100));
    int err = errno;
    LAB_ASSERT_FAILS_WITH("wait_readable(<closed descriptor>, 100)", rc, err, EBADF,
                          LAB_TR("select() fails with EBADF: return -1 and keep its errno",
                                 "select() 会以 EBADF 失败：返回 -1 并保留它的 errno"));
}

LAB_TEST(test_wait_readable_signal_does_not_end_wait, 2)
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
    int rc = LAB_CALL("wait_readable(fd, 2000)", "select()", wait_readable(server, 2000));
    int err = errno;
    double ms = lab_ms_since(start);
    lab_stop_signals(&plan, signaller);
    lab_thread_join(peer);
    LAB_ASSERT(
        rc == 1 && ms >= 150,
        LAB_TR("wait_readable(fd, 2000), a signal after 50 ms, data after 200 ms",
               "wait_readable(fd, 2000)，50 毫秒时来信号，200 毫秒时来数据"),
        LAB_TR("1 after about 200 ms", "约 200 毫秒后返回 1"),
        lab_fmt(LAB_TR("%s after %.0f ms", "%s，用时 %.0f 毫秒"), lab_result_text(rc, err), ms),
        LAB_TR("a signal makes select() fail with EINTR: that is not an error of the wait, "
               "call select() again (with a freshly built set)",
               "信号会让 select() 以 EINTR 失败：这不是等待本身出错，"
               "重新调用 select()（集合要重新构建）"));
    /* checked after the call: a call that returns at once never sees the signal */
    LAB_SETUP(lab_signals_caught() > 0, "SIGUSR1 sent to the test thread");
    close(client);
    close(server);
}

LAB_TEST(test_wait_readable_signals_do_not_stretch_timeout, 2)
{
    lab_install_interrupting_handler(SIGUSR1);
    int client, server;
    lab_tcp_pair(&client, &server);
    struct lab_signal_plan plan = {
        .target = pthread_self(), .first_ms = 50, .every_ms = 50, .until_ms = 2500};
    void *signaller;
    lab_thread_start(lab_send_signals, &plan, &signaller);

    double start = lab_now();
    int rc = LAB_CALL("wait_readable(<idle socket>, 300)", "select()", wait_readable(server, 300));
    int err = errno;
    double ms = lab_ms_since(start);
    lab_stop_signals(&plan, signaller);
    LAB_ASSERT(
        rc == 0 && ms >= 250 && ms <= 1500,
        LAB_TR("wait_readable(<idle socket>, 300), a signal every 50 ms for 2.5 s",
               "wait_readable(<空闲 socket>, 300)，2.5 秒内每 50 毫秒一个信号"),
        LAB_TR("0 after about 300 ms", "约 300 毫秒后返回 0"),
        lab_fmt(LAB_TR("%s after %.0f ms", "%s，用时 %.0f 毫秒"), lab_result_text(rc, err), ms),
        LAB_TR(
            "after EINTR wait only for the time LEFT: fix a deadline with "
            "clock_gettime(CLOCK_MONOTONIC) before the loop and compute the remaining time "
            "before each select(); restarting with the full 300 ms never ends while signals come",
            "EINTR 之后只等剩下的时间：循环前用 clock_gettime(CLOCK_MONOTONIC) 定好截止时刻，"
            "每次 select() 前算出剩余时间；每次都重新等满 300 毫秒，信号不停就永远等不完"));
    /* checked after the call: a call that returns at once never sees the signal */
    LAB_SETUP(lab_signals_caught() > 0, "SIGUSR1 sent to the test thread");
    close(client);
    close(server);
}

/* ---- serve_line_acks_select: the server in a thread of the test --------------------------- */

struct server_run {
    int listen_fd;
    uint16_t port;
    int stop[2]; /* the test writes one byte to stop[1]; the server watches stop[0] */
    int done[2]; /* the server thread writes here when the call has returned */
    FILE *log;
    char *log_text;
    size_t log_len;
    long result;
    int err;
    void *thread;
    int fds_before;
};

#define SERVE_CALL                                                                                 \
    "serve_line_acks_select(listen_fd, stop_fd, \"Connect\\n\", \"Information received\\n\", log)"

static void *run_server(void *arg)
{
    struct server_run *r = arg;
    r->result = LAB_CALL(
        SERVE_CALL,
        LAB_TR("select(), or a read or write on one client", "select()，或者某个客户端上的读写"),
        serve_line_acks_select(r->listen_fd, r->stop[0], GREETING, ACK, r->log));
    r->err = errno;
    LAB_SETUP(write(r->done[1], "d", 1) == 1, "write() to the test's done pipe");
    return NULL;
}

/* Listener, pipes and log; the server starts with launch_server(). */
static void prepare_server(struct server_run *r)
{
    memset(r, 0, sizeof *r);
    r->listen_fd = lab_tcp_listener(&r->port, 128);
    LAB_SETUP(pipe(r->stop) == 0 && pipe(r->done) == 0, "pipe()");
    r->log = open_memstream(&r->log_text, &r->log_len);
    LAB_SETUP(r->log != NULL, "open_memstream() for the log");
}

static void launch_server(struct server_run *r)
{
    r->fds_before = lab_count_fds();
    lab_thread_start(run_server, r, &r->thread);
}

static void start_server(struct server_run *r)
{
    prepare_server(r);
    launch_server(r);
}

static int server_returned(const struct server_run *r)
{
    struct pollfd pfd = {.fd = r->done[0], .events = POLLIN};
    return poll(&pfd, 1, 0) == 1;
}

static void fail_returned_early(const struct server_run *r, const char *what)
{
    lab_fail(__FILE__, __LINE__, SERVE_CALL, what,
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
    LAB_ASSERT_BYTES(lab_fmt("%s: %s", SERVE_CALL, what), got, n, want, len, hint);
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
static void send_text(int fd, const char *text, size_t len, const char *who)
{
    while (len > 0) {
        ssize_t n = send(fd, text, len, MSG_NOSIGNAL);
        int err = errno;
        if (n < 0 && err == EINTR)
            continue;
        LAB_ASSERT(n > 0, SERVE_CALL,
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
    send_text(fd, line, strlen(line), who);
    expect_reply(
        r, fd, ACK, strlen(ACK), ANSWER_WAIT_MS,
        lab_fmt(LAB_TR("answer to %s's line %s within 1 s", "1 秒内对%s的行 %s 的应答"), who,
                lab_escape_str(line)),
        LAB_TR("answer every complete line at once; one client that is silent, sends half a "
               "line or reads nothing must not hold up the others",
               "每收到一整行就立即应答；一个不说话、只发了半行或从不读的客户端不能拖住其他客户端"));
}

/* Makes stop_fd readable and waits for the call to return (the test fails if it does not). */
static void stop_server(struct server_run *r)
{
    LAB_SETUP(write(r->stop[1], "S", 1) == 1, "write() to the stop pipe");
    LAB_ASSERT(
        lab_wait_readable(r->done[0], STOP_WAIT_MS), SERVE_CALL,
        LAB_TR("to return within 2 s once stop_fd is readable", "stop_fd 可读后 2 秒内返回"),
        LAB_TR("still running", "仍在运行"),
        LAB_TR("put stop_fd in the read set before EVERY select() (the sets are rebuilt each "
               "time, nfds = highest descriptor + 1) and return when FD_ISSET(stop_fd, ...)",
               "每次 select() 之前都把 stop_fd 放进读集合（集合每次重建，nfds = 最大描述符 + 1），"
               "FD_ISSET(stop_fd, ...) 为真时返回"));
    lab_thread_join(r->thread);
    r->thread = NULL;
    fclose(r->log);
    r->log = NULL;
}

static void expect_answered(const struct server_run *r, long want)
{
    LAB_ASSERT(
        r->result == want, SERVE_CALL,
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
        lab_fmt("%s: %s", SERVE_CALL, LAB_TR("the log", "日志")), r->log_text, r->log_len, want,
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

static void expect_closed(int fd, const char *who, int expect_no_more)
{
    size_t extra;
    int closed = wait_closed_by_server(fd, ANSWER_WAIT_MS, &extra);
    LAB_ASSERT(closed, SERVE_CALL,
               lab_fmt(LAB_TR("%s's connection closed by the server", "服务端关闭%s的连接"), who),
               LAB_TR("still open after 1 s", "1 秒后仍未关闭"),
               LAB_TR("close every client connection before returning (and a client that sent EOF "
                      "once its answers are sent)",
                      "返回前关闭所有客户端连接（发来 EOF 的客户端在应答发完后关闭）"));
    LAB_ASSERT(!expect_no_more || extra == 0, SERVE_CALL,
               lab_fmt(LAB_TR("no more bytes for %s", "没有再发给%s的字节"), who),
               lab_fmt(LAB_TR("%zu more bytes", "又收到 %zu 个字节"), extra),
               LAB_TR("exactly one greeting per client and one answer per line",
                      "每个客户端一个问候，每行一个应答，不多不少"));
}

static void finish_server(struct server_run *r)
{
    free(r->log_text);
    close(r->stop[0]);
    close(r->stop[1]);
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

/* ---- serve_line_acks_select: the protocol --------------------------------------------------- */

LAB_TEST(test_serve_line_acks_select_document_exchange, 3)
{
    struct server_run r;
    start_server(&r);
    int client = lab_tcp_connect(r.port);
    expect_greeting(&r, client, LAB_TR("the client", "客户端"));
    round_trip(&r, client, "SOME data\n", LAB_TR("the client", "客户端"));
    stop_server(&r);
    expect_answered(&r, 1);
    static const char want_log[] = "Buffer: SOME data\n\n";
    expect_log(&r, want_log, sizeof want_log - 1);
    expect_closed(client, LAB_TR("the client", "客户端"), 1);
    close(client);
    finish_server(&r);
}

LAB_TEST(test_serve_line_acks_select_line_endings, 2)
{
    struct server_run r;
    start_server(&r);
    int client = lab_tcp_connect(r.port);
    expect_greeting(&r, client, LAB_TR("the client", "客户端"));
    /* "a\r\nb\rc\n" in three pieces: four lines, "a\r", "\n", "b\r", "c\n". */
    send_text(client, "a\r", 2, "client");
    lab_sleep_ms(50);
    send_text(client, "\nb", 2, "client");
    lab_sleep_ms(50);
    send_text(client, "\rc\n", 3, "client");
    expect_reply(
        &r, client, ACK ACK ACK ACK, 4 * strlen(ACK), ANSWER_WAIT_MS,
        LAB_TR("four answers to \"a\\r\" \"\\nb\" \"\\rc\\n\"",
               "对 \"a\\r\" \"\\nb\" \"\\rc\\n\" 的四个应答"),
        LAB_TR("a line ends at '\\n' OR at '\\r' (PHP_NORMAL_READ), so \"a\\r\\nb\\rc\\n\" "
               "is four lines: \"a\\r\", \"\\n\", \"b\\r\", \"c\\n\"; the end of a line may come "
               "in a later read",
               "行在 '\\n' 或 '\\r' 处结束（PHP_NORMAL_READ），所以 \"a\\r\\nb\\rc\\n\" 是四行："
               "\"a\\r\"、\"\\n\"、\"b\\r\"、\"c\\n\"；一行的结尾可能在之后的读取中才到"));
    stop_server(&r);
    expect_answered(&r, 4);
    static const char want_log[] = "Buffer: a\r\nBuffer: \n\nBuffer: b\r\nBuffer: c\n\n";
    expect_log(&r, want_log, sizeof want_log - 1);
    close(client);
    finish_server(&r);
}

LAB_TEST(test_serve_line_acks_select_long_line_in_pieces, 1)
{
    enum { LONG_LINE = 2 * SELECT_LINE_MAX + 452 };
    static char line[LONG_LINE + 1];
    static char want_log[LONG_LINE + 64];
    memset(line, 'a', LONG_LINE);
    line[LONG_LINE] = '\n';
    int used = snprintf(want_log, sizeof want_log, "Buffer: %.*s\nBuffer: %.*s\nBuffer: %.*s\n\n",
                        SELECT_LINE_MAX, line, SELECT_LINE_MAX, line, 452, line);

    struct server_run r;
    start_server(&r);
    int client = lab_tcp_connect(r.port);
    expect_greeting(&r, client, LAB_TR("the client", "客户端"));
    send_text(client, line, sizeof line, "client");
    expect_reply(
        &r, client, ACK ACK ACK, 3 * strlen(ACK), ANSWER_WAIT_MS,
        LAB_TR("three answers to a line of 2500 bytes + '\\n'",
               "对 2500 字节 + '\\n' 的一行的三个应答"),
        LAB_TR("a line longer than SELECT_LINE_MAX (1024) is answered once per piece of "
               "1024 bytes: 1024 + 1024 + 453",
               "超过 SELECT_LINE_MAX（1024）的行按每 1024 字节一段来应答：1024 + 1024 + 453"));
    stop_server(&r);
    expect_answered(&r, 3);
    expect_log(&r, want_log, (size_t)used);
    expect_closed(client, LAB_TR("the client", "客户端"), 1);
    close(client);
    finish_server(&r);
}

/* ---- serve_line_acks_select: many clients, none holds up the others ---------------------------
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
    LAB_ASSERT(
        in_order && entries == MANY_CLIENTS * LINES_EACH,
        lab_fmt("%s: %s", SERVE_CALL, LAB_TR("the log", "日志")),
        LAB_TR("250 entries \"Buffer: client NN line R...\", lines 0-4 of each client in order",
               "250 条 \"Buffer: client NN line R...\"，每个客户端的 0-4 行按顺序出现"),
        lab_fmt(LAB_TR("%d entries: %s", "%d 条：%s"), entries,
                lab_escape(r->log_text, r->log_len)),
        LAB_TR("keep a separate input buffer for each client, so pieces of lines from "
               "different clients never mix",
               "每个客户端各有自己的输入缓冲区，不同客户端的半行才不会混在一起"));
}

LAB_TEST(test_serve_line_acks_select_many_clients_interleaved, 3)
{
    static char text[MANY_CLIENTS][256];
    size_t len[MANY_CLIENTS];
    int clients[MANY_CLIENTS];
    struct server_run r;

    start_server(&r);
    for (int i = 0; i < MANY_CLIENTS; i++) {
        clients[i] = lab_tcp_connect(r.port);
        len[i] = lines_of_client(i, text[i], sizeof text[i]);
    }
    /* Round k sends the k-th tenth of every client's text: lines cut anywhere, clients interleaved.
     */
    for (int k = 0; k < CHUNKS_EACH; k++)
        for (int i = 0; i < MANY_CLIENTS; i++) {
            size_t from = len[i] * (size_t)k / CHUNKS_EACH,
                   to = len[i] * (size_t)(k + 1) / CHUNKS_EACH;
            send_text(clients[i], text[i] + from, to - from, lab_fmt("client %d", i));
        }
    static const char want[] = GREETING ACK ACK ACK ACK ACK;
    for (int i = 0; i < MANY_CLIENTS; i++)
        expect_reply(
            &r, clients[i], want, sizeof want - 1, 3000,
            lab_fmt(LAB_TR("client %d of 50: greeting and 5 answers",
                           "50 个客户端中的第 %d 个：问候和 5 个应答"),
                    i),
            LAB_TR("serve all clients from one select() loop: accept whoever is waiting, "
                   "answer each line as soon as it is complete",
                   "用一个 select() 循环服务所有客户端：有人等着就 accept，一行完整了就立即应答"));
    stop_server(&r);
    expect_answered(&r, MANY_CLIENTS * LINES_EACH);
    for (int i = 0; i < MANY_CLIENTS; i++) {
        expect_closed(clients[i], lab_fmt("client %d", i), 1);
        close(clients[i]);
    }
    expect_log_in_order_per_client(&r);
    LAB_ASSERT_NO_FD_LEAK(SERVE_CALL, r.fds_before,
                          LAB_TR("close every accepted descriptor before returning",
                                 "返回前关闭每个 accept 得到的描述符"));
    finish_server(&r);
}

LAB_TEST(test_serve_line_acks_select_silent_client_does_not_block, 2)
{
    struct server_run r;
    start_server(&r);
    int silent = lab_tcp_connect(r.port);
    expect_greeting(&r, silent,
                    LAB_TR("a client that then says nothing", "一个之后不再说话的客户端"));
    int other = lab_tcp_connect(r.port);
    expect_greeting(&r, other, LAB_TR("a second client", "第二个客户端"));
    for (int i = 0; i < 5; i++)
        round_trip(&r, other, lab_fmt("ping %d\n", i), LAB_TR("the second client", "第二个客户端"));
    stop_server(&r);
    expect_answered(&r, 5);
    expect_closed(silent, LAB_TR("the silent client", "不说话的客户端"), 1);
    close(silent);
    close(other);
    finish_server(&r);
}

LAB_TEST(test_serve_line_acks_select_half_line_does_not_block, 3)
{
    struct server_run r;
    start_server(&r);
    int half = lab_tcp_connect(r.port);
    expect_greeting(&r, half, LAB_TR("a client", "一个客户端"));
    send_text(half, "half", 4, "client");
    lab_sleep_ms(50); /* the server has seen "half" and must not wait for the rest */
    int other = lab_tcp_connect(r.port);
    expect_greeting(&r, other,
                    LAB_TR("a second client, while the first has sent half a line",
                           "第二个客户端（此时第一个只发了半行）"));
    for (int i = 0; i < 5; i++)
        round_trip(&r, other, lab_fmt("ping %d\n", i), LAB_TR("the second client", "第二个客户端"));
    round_trip(&r, half, " done\n", LAB_TR("the first client", "第一个客户端"));
    stop_server(&r);
    expect_answered(&r, 6);
    static const char want_log[] = "Buffer: ping 0\n\nBuffer: ping 1\n\nBuffer: ping 2\n\n"
                                   "Buffer: ping 3\n\nBuffer: ping 4\n\nBuffer: half done\n\n";
    expect_log(&r, want_log, sizeof want_log - 1);
    close(half);
    close(other);
    finish_server(&r);
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

LAB_TEST(test_serve_line_acks_select_non_reading_client, 3)
{
    struct server_run r;
    start_server(&r);
    int greedy = connect_small_buffers(r.port);
    /* 21 bytes of answer per byte sent: far more than any socket buffer holds. */
    flood_with_lines(greedy, 4 * 1024 * 1024);
    int other = lab_tcp_connect(r.port);
    expect_greeting(&r, other,
                    LAB_TR("a client, while another never reads its answers",
                           "一个客户端（此时另一个客户端从不读取应答）"));
    for (int i = 0; i < 5; i++)
        round_trip(&r, other, lab_fmt("ping %d\n", i),
                   LAB_TR("the reading client", "正常读取的客户端"));
    stop_server(&r);
    LAB_ASSERT(r.result >= 5, SERVE_CALL, LAB_TR("at least 5 lines answered", "至少应答了 5 行"),
               lab_result_text(r.result, r.err),
               LAB_TR("a client that does not read is not an error of the server",
                      "客户端不读取不是服务端的错误"));
    expect_closed(other, LAB_TR("the reading client", "正常读取的客户端"), 1);
    close(greedy);
    close(other);
    LAB_ASSERT_NO_FD_LEAK(SERVE_CALL, r.fds_before,
                          LAB_TR("close every accepted descriptor before returning",
                                 "返回前关闭每个 accept 得到的描述符"));
    finish_server(&r);
}

/* ---- serve_line_acks_select: clients that leave ---------------------------------------------- */

LAB_TEST(test_serve_line_acks_select_eof_mid_line, 2)
{
    struct server_run r;
    start_server(&r);
    int leaving = lab_tcp_connect(r.port);
    expect_greeting(&r, leaving, LAB_TR("a client", "一个客户端"));
    send_text(leaving, "partial", 7, "client");
    LAB_SETUP(shutdown(leaving, SHUT_WR) == 0, "shutdown(SHUT_WR)");
    expect_reply(&r, leaving, ACK, strlen(ACK), ANSWER_WAIT_MS,
                 LAB_TR("an answer to \"partial\" followed by EOF", "对 \"partial\" 加 EOF 的应答"),
                 LAB_TR("at EOF the bytes after the last terminator are a line too (PHP's read "
                        "returns them): log and answer it; the client has only shut down its "
                        "sending side and still reads",
                        "遇到 EOF 时，最后一个结束符之后的字节也算一行（PHP 的读取会返回它们）："
                        "记录并应答；客户端只是关闭了发送方向，仍然在读"));
    expect_closed(leaving, LAB_TR("the client that sent EOF", "发来 EOF 的客户端"), 1);
    lab_sleep_ms(50); /* the server goes on without that client before the next one comes */

    int next = lab_tcp_connect(r.port);
    expect_greeting(
        &r, next,
        LAB_TR("a client arriving after the first has gone", "第一个客户端离开之后到来的客户端"));
    round_trip(&r, next, "after\n", LAB_TR("the second client", "第二个客户端"));
    stop_server(&r);
    expect_answered(&r, 2);
    static const char want_log[] = "Buffer: partial\nBuffer: after\n\n";
    expect_log(&r, want_log, sizeof want_log - 1);
    close(leaving);
    close(next);
    finish_server(&r);
}

LAB_TEST(test_serve_line_acks_select_client_resets, 2)
{
    struct server_run r;
    start_server(&r);
    /* One client sends lines and resets the connection without reading anything... */
    int rude = lab_tcp_connect(r.port);
    for (int i = 0; i < 20; i++)
        send_text(rude, "x\n", 2, "client");
    struct linger reset = {.l_onoff = 1, .l_linger = 0};
    LAB_SETUP(setsockopt(rude, SOL_SOCKET, SO_LINGER, &reset, sizeof reset) == 0, "SO_LINGER");
    close(rude);
    /* ...another connects and leaves at once. */
    close(lab_tcp_connect(r.port));
    lab_sleep_ms(100);

    int other = lab_tcp_connect(r.port);
    expect_greeting(
        &r, other,
        LAB_TR("a client arriving after two others vanished", "两个客户端消失之后到来的客户端"));
    for (int i = 0; i < 3; i++)
        round_trip(&r, other, lab_fmt("ping %d\n", i), LAB_TR("the client", "客户端"));
    stop_server(&r);
    LAB_ASSERT(r.result >= 3 && r.result <= 23, SERVE_CALL,
               LAB_TR("3 to 23 lines answered (the reset client's lines may be lost)",
                      "应答了 3 到 23 行（被重置的客户端的行可能丢失）"),
               lab_result_text(r.result, r.err),
               LAB_TR("ECONNRESET or EPIPE on one client closes that client only; send with "
                      "MSG_NOSIGNAL so that a vanished client gives EPIPE instead of SIGPIPE",
                      "某个客户端上的 ECONNRESET 或 EPIPE 只关闭这个客户端；用 MSG_NOSIGNAL 发送，"
                      "这样消失的客户端带来的是 EPIPE 而不是 SIGPIPE"));
    close(other);
    LAB_ASSERT_NO_FD_LEAK(SERVE_CALL, r.fds_before,
                          LAB_TR("close the descriptor of a client that failed or left",
                                 "关闭出错或离开的客户端的描述符"));
    finish_server(&r);
}

/* ---- serve_line_acks_select: stopping
 * ------------------------------------------------------------ */

LAB_TEST(test_serve_line_acks_select_stop_returns_count, 2)
{
    struct server_run r;
    start_server(&r);
    int a = lab_tcp_connect(r.port), b = lab_tcp_connect(r.port), c = lab_tcp_connect(r.port);
    expect_greeting(&r, a, "A");
    expect_greeting(&r, b, "B");
    expect_greeting(&r, c, "C");
    round_trip(&r, a, "one\n", "A");
    round_trip(&r, b, "one\n", "B");
    round_trip(&r, a, "two\n", "A");
    round_trip(&r, b, "two\n", "B");
    round_trip(&r, b, "three\n", "B");
    send_text(c, "abc", 3, "C"); /* half a line: not answered, not counted */
    lab_sleep_ms(50);
    stop_server(&r);
    expect_answered(&r, 5);
    close(a);
    close(b);
    close(c);
    finish_server(&r);
}

LAB_TEST(test_serve_line_acks_select_leaves_stop_byte, 1)
{
    struct server_run r;
    start_server(&r);
    int client = lab_tcp_connect(r.port);
    expect_greeting(&r, client, LAB_TR("the client", "客户端"));
    stop_server(&r);
    char byte = 0;
    int still_there =
        lab_wait_readable(r.stop[0], 0) && read(r.stop[0], &byte, 1) == 1 && byte == 'S';
    LAB_ASSERT(still_there, SERVE_CALL,
               LAB_TR("the byte 'S' still in stop_fd afterwards", "之后 stop_fd 里仍有字节 'S'"),
               LAB_TR("stop_fd was read", "stop_fd 被读取了"),
               LAB_TR("stop_fd only tells the loop to end: watch it with select(), do not read it "
                      "(the caller may need the byte)",
                      "stop_fd 只是通知循环结束：用 select() "
                      "监视它，但不要读它（调用者可能还需要这个字节）"));
    close(client);
    finish_server(&r);
}

LAB_TEST(test_serve_line_acks_select_closes_every_client, 2)
{
    struct server_run r;
    start_server(&r);
    int silent = lab_tcp_connect(r.port);
    int half = lab_tcp_connect(r.port);
    int served = lab_tcp_connect(r.port);
    int greedy = connect_small_buffers(r.port);
    /* Every one greeted: accepted by the server, not waiting in the listen queue. */
    expect_greeting(&r, silent, LAB_TR("a client", "一个客户端"));
    expect_greeting(&r, half, LAB_TR("a client", "一个客户端"));
    expect_greeting(&r, served, LAB_TR("a client", "一个客户端"));
    expect_greeting(&r, greedy, LAB_TR("a client", "一个客户端"));
    round_trip(&r, served, "line\n", LAB_TR("a client", "一个客户端"));
    send_text(half, "abc", 3, "client");
    static char newlines[2000];
    memset(newlines, '\n', sizeof newlines);
    send_text(greedy, newlines, sizeof newlines, "client");
    lab_sleep_ms(100);
    stop_server(&r);
    expect_closed(silent, LAB_TR("a silent client", "不说话的客户端"), 0);
    expect_closed(half, LAB_TR("a client with half a line", "只发了半行的客户端"), 0);
    expect_closed(served, LAB_TR("a client served", "已服务的客户端"), 1);
    expect_closed(greedy, LAB_TR("a client that never reads", "从不读取的客户端"), 0);
    close(silent);
    close(half);
    close(served);
    close(greedy);
    LAB_ASSERT_NO_FD_LEAK(SERVE_CALL, r.fds_before,
                          LAB_TR("close every accepted descriptor before returning",
                                 "返回前关闭每个 accept 得到的描述符"));
    LAB_ASSERT(lab_fd_is_open(r.listen_fd) && lab_fd_is_open(r.stop[0]), SERVE_CALL,
               LAB_TR("listen_fd and stop_fd still open", "listen_fd 和 stop_fd 仍然打开"),
               LAB_TR("one of them was closed", "其中一个被关闭了"),
               LAB_TR("the caller owns listen_fd and stop_fd: close only what you accepted",
                      "listen_fd 和 stop_fd 属于调用者：只关闭你 accept 得到的描述符"));
    finish_server(&r);
}

/* One whole run with a given file status of the listener; checks it is the same afterwards. */
static void run_with_listener_flags(int nonblocking)
{
    struct server_run r;
    prepare_server(&r);
    int flags = fcntl(r.listen_fd, F_GETFL);
    LAB_SETUP(flags >= 0, "fcntl(F_GETFL)");
    if (nonblocking) {
        flags |= O_NONBLOCK;
        LAB_SETUP(fcntl(r.listen_fd, F_SETFL, flags) == 0, "fcntl(F_SETFL, O_NONBLOCK)");
        flags = fcntl(r.listen_fd, F_GETFL);
    }
    launch_server(&r);
    int client = lab_tcp_connect(r.port);
    expect_greeting(&r, client, LAB_TR("the client", "客户端"));
    round_trip(&r, client, "x\n", LAB_TR("the client", "客户端"));
    stop_server(&r);
    int after = fcntl(r.listen_fd, F_GETFL);
    LAB_ASSERT(
        after == flags, SERVE_CALL,
        lab_fmt(LAB_TR("listen_fd's file flags 0x%x (%s) as before",
                       "listen_fd 的文件标志仍为 0x%x（%s）"),
                flags, nonblocking ? "O_NONBLOCK" : LAB_TR("blocking", "阻塞")),
        after < 0 ? lab_fmt("fcntl(F_GETFL): %s", lab_errno_text(errno)) : lab_fmt("0x%x", after),
        LAB_TR("save F_GETFL before setting O_NONBLOCK and put exactly that value back before "
               "returning: do not clear O_NONBLOCK if the caller had set it",
               "设置 O_NONBLOCK 之前先保存 F_GETFL 的值，返回前原样恢复：调用者本来设了 "
               "O_NONBLOCK 就不要清掉它"));
    close(client);
    finish_server(&r);
}

LAB_TEST(test_serve_line_acks_select_keeps_listen_flags, 1)
{
    run_with_listener_flags(0);
    run_with_listener_flags(1);
}

/* ---- serve_line_acks_select: errors -------------------------------------------------------------
 */

LAB_TEST(test_serve_line_acks_select_retries_eintr, 1)
{
    struct server_run r;
    prepare_server(&r);
    lab_inject("select", 2, 3, EINTR, 0); /* the 2nd to 4th select() are interrupted by a signal */
    launch_server(&r);
    int client = lab_tcp_connect(r.port);
    expect_greeting(&r, client,
                    LAB_TR("the client (select() failing with EINTR 3 times)",
                           "客户端（select() 三次以 EINTR 失败）"));
    round_trip(&r, client, "SOME data\n", LAB_TR("the client", "客户端"));
    stop_server(&r);
    expect_answered(&r, 1);
    close(client);
    finish_server(&r);
}

LAB_TEST(test_serve_line_acks_select_survives_accept_race, 1)
{
    struct server_run r;
    prepare_server(&r);
    /* As when clients give up between select() and accept(). */
    lab_inject("accept", 1, 2, ECONNABORTED, 0);
    launch_server(&r);
    int client = lab_tcp_connect(r.port);
    expect_greeting(&r, client,
                    LAB_TR("a client (the first two accept() calls fail with ECONNABORTED)",
                           "客户端（前两次 accept() 以 ECONNABORTED 失败）"));
    round_trip(&r, client, "SOME data\n", LAB_TR("the client", "客户端"));
    stop_server(&r);
    expect_answered(&r, 1);
    close(client);
    finish_server(&r);
}

LAB_TEST(test_serve_line_acks_select_rejects_bad_descriptors, 1)
{
    uint16_t port;
    int listener = lab_tcp_listener(&port, 4);
    int stop[2];
    LAB_SETUP(pipe(stop) == 0, "pipe()");
    int big = FD_SETSIZE + 76;
    int opened = copy_to_descriptor(stop[0], big) == big;

    long rc = LAB_CALL(lab_fmt("serve_line_acks_select(listen_fd, %d, ...)", big),
                       lab_tr(NOT_AT_ONCE_EN, NOT_AT_ONCE_ZH),
                       serve_line_acks_select(listener, big, GREETING, ACK, NULL));
    int err = errno;
    LAB_ASSERT_FAILS_WITH(
        lab_fmt(LAB_TR("serve_line_acks_select(listen_fd, %d, ...), FD_SETSIZE being %d",
                       "serve_line_acks_select(listen_fd, %d, ...)，FD_SETSIZE 为 %d"),
                big, FD_SETSIZE),
        rc, err, EINVAL,
        LAB_TR("a descriptor >= FD_SETSIZE cannot go in an fd_set: refuse it with "
               "EINVAL before any FD_SET()",
               "描述符 >= FD_SETSIZE 放不进 fd_set：在任何 FD_SET() 之前以 EINVAL 拒绝"));
    if (opened)
        close(big);

    int closed = socket(AF_INET, SOCK_STREAM, 0);
    LAB_SETUP(closed >= 0, "socket()");
    close(closed);
    rc = LAB_CALL("serve_line_acks_select(<closed fd>, stop_fd, ...)",
                  lab_tr(NOT_AT_ONCE_EN, NOT_AT_ONCE_ZH),
                  serve_line_acks_select(closed, stop[0], GREETING, ACK, NULL));
    err = errno;
    LAB_ASSERT_FAILS_WITH(
        "serve_line_acks_select(<closed listen_fd>, stop_fd, ...)", rc, err, EBADF,
        LAB_TR("fcntl() or select() fails with EBADF: return -1 with that errno "
               "instead of looping",
               "fcntl() 或 select() 会以 EBADF 失败：返回 -1 并保留该 errno，不要继续循环"));
    close(stop[0]);
    close(stop[1]);
    close(listener);
}

void lab_register_tests(void)
{
    LAB_ADD_TIMEOUT(test_wait_readable_data_arrives, 6.0);
    LAB_ADD(test_wait_readable_ready_at_once);
    LAB_ADD(test_wait_readable_times_out);
    LAB_ADD(test_wait_readable_negative_timeout_waits);
    LAB_ADD_TIMEOUT(test_wait_readable_high_descriptor, 6.0);
    LAB_ADD(test_wait_readable_select_nfds);
    LAB_ADD(test_wait_readable_rejects_fd_beyond_fd_setsize);
    LAB_ADD(test_wait_readable_closed_descriptor);
    LAB_ADD_TIMEOUT(test_wait_readable_signal_does_not_end_wait, 6.0);
    LAB_ADD_TIMEOUT(test_wait_readable_signals_do_not_stretch_timeout, 8.0);
    LAB_ADD_TIMEOUT(test_serve_line_acks_select_document_exchange, 6.0);
    LAB_ADD_TIMEOUT(test_serve_line_acks_select_line_endings, 6.0);
    LAB_ADD_TIMEOUT(test_serve_line_acks_select_long_line_in_pieces, 6.0);
    LAB_ADD_TIMEOUT(test_serve_line_acks_select_many_clients_interleaved, 10.0);
    LAB_ADD_TIMEOUT(test_serve_line_acks_select_silent_client_does_not_block, 8.0);
    LAB_ADD_TIMEOUT(test_serve_line_acks_select_half_line_does_not_block, 8.0);
    LAB_ADD_TIMEOUT(test_serve_line_acks_select_non_reading_client, 10.0);
    LAB_ADD_TIMEOUT(test_serve_line_acks_select_eof_mid_line, 8.0);
    LAB_ADD_TIMEOUT(test_serve_line_acks_select_client_resets, 8.0);
    LAB_ADD_TIMEOUT(test_serve_line_acks_select_stop_returns_count, 8.0);
    LAB_ADD_TIMEOUT(test_serve_line_acks_select_leaves_stop_byte, 6.0);
    LAB_ADD_TIMEOUT(test_serve_line_acks_select_closes_every_client, 8.0);
    LAB_ADD_TIMEOUT(test_serve_line_acks_select_keeps_listen_flags, 8.0);
    LAB_ADD_TIMEOUT(test_serve_line_acks_select_retries_eintr, 6.0);
    LAB_ADD_TIMEOUT(test_serve_line_acks_select_survives_accept_race, 6.0);
    LAB_ADD(test_serve_line_acks_select_rejects_bad_descriptors);
}
