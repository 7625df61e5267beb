/* 06-close.c — tests of lesson 06: half_close, abort_connection, request_reply, send_nosignal. */
#define _GNU_SOURCE
#include "close.h"
#include "lab.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* A bound on events that take microseconds on loopback: generous for a loaded machine. */
#define WAIT_MS 2000

/* ---- shared helpers ------------------------------------------------------------------ */

/* Test-side send loop that never fails the test (peers run in threads). */
static int peer_send_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* The test's own abort (SO_LINGER {1, 0} + close), independent of the student's. */
static void peer_reset(int fd)
{
    struct linger abort_on_close = {.l_onoff = 1, .l_linger = 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close);
    close(fd);
}

static char pattern_byte(size_t i)
{
    return (char)('a' + i % 26);
}

static void fill_pattern(char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++)
        buf[i] = pattern_byte(i);
}

/* SIGPIPE at its default action (end the process) and not blocked, as in a fresh program. */
static void default_sigpipe(void)
{
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    LAB_SETUP(sigaction(SIGPIPE, &dfl, NULL) == 0, "sigaction(SIGPIPE, SIG_DFL)");
    sigset_t pipe_only;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    LAB_SETUP(sigprocmask(SIG_UNBLOCK, &pipe_only, NULL) == 0, "sigprocmask(SIG_UNBLOCK)");
}

/* ---- a server thread that plays document 002's server -------------------------------- */

/* Document 002's reply prefix: 10 bytes in UTF-8. */
#define PREFIX "数据是 "
#define REQUEST_MAX (512 * 1024)
/* How long the test's server waits for the end of a request before it gives up. */
#define EOF_PATIENCE_MS 2000
/* Document 002's server waits forever; this is far past the test's time limit. */
#define DOCUMENT_PATIENCE_MS 60000
/* How often the server looks at its stop flag. */
#define ACCEPT_POLL_MS 20

enum reply_kind {
    REPLY_PREFIX,       /* "数据是 " + the request, like document 002 */
    REPLY_PATTERN,      /* pattern_len bytes of pattern */
    REPLY_RESET,        /* abort the connection: the client gets ECONNRESET */
    REPLY_BY_FIRST_BYTE /* 'B': pattern, 'X': reset, else prefix */
};

struct server {
    int listener;
    uint16_t port;
    enum reply_kind kind;
    size_t pattern_len;
    int patience_ms;
    void *thread;
    atomic_int stop;
    atomic_int served;      /* connections finished and closed */
    atomic_int missing_eof; /* requests that never ended within patience_ms */
    ssize_t request_len;    /* length of the last request received */
};

static char server_request[REQUEST_MAX + 1];
static char server_reply[REQUEST_MAX + sizeof PREFIX];

static enum reply_kind kind_for(const struct server *s, ssize_t len)
{
    if (s->kind != REPLY_BY_FIRST_BYTE)
        return s->kind;
    if (len > 0 && server_request[0] == 'B')
        return REPLY_PATTERN;
    if (len > 0 && server_request[0] == 'X')
        return REPLY_RESET;
    return REPLY_PREFIX;
}

static void serve_connection(struct server *s, int conn)
{
    /* Like document 002's server: read everything until end of file first. */
    ssize_t len = lab_read_until_eof(conn, server_request, REQUEST_MAX, s->patience_ms);
    if (len < 0) {
        atomic_fetch_add(&s->missing_eof, 1);
        close(conn); /* give up without an answer: the client then reads end of file */
        return;
    }
    s->request_len = len;
    switch (kind_for(s, len)) {
    case REPLY_PREFIX:
        memcpy(server_reply, PREFIX, strlen(PREFIX));
        memcpy(server_reply + strlen(PREFIX), server_request, (size_t)len);
        peer_send_all(conn, server_reply, strlen(PREFIX) + (size_t)len);
        break;
    case REPLY_PATTERN:
        fill_pattern(server_reply, s->pattern_len);
        peer_send_all(conn, server_reply, s->pattern_len);
        break;
    case REPLY_RESET:
        peer_reset(conn);
        return;
    default:
        break;
    }
    close(conn);
}

static void *server_main(void *arg)
{
    struct server *s = arg;
    while (!atomic_load(&s->stop)) {
        if (!lab_wait_readable(s->listener, ACCEPT_POLL_MS))
            continue;
        int conn = accept(s->listener, NULL, NULL);
        if (conn < 0)
            continue;
        serve_connection(s, conn);
        atomic_fetch_add(&s->served, 1);
    }
    return NULL;
}

static void server_start(struct server *s, enum reply_kind kind, size_t pattern_len,
                         int patience_ms)
{
    memset(s, 0, sizeof *s);
    s->listener = lab_tcp_listener(&s->port, 64);
    s->kind = kind;
    s->pattern_len = pattern_len;
    s->patience_ms = patience_ms;
    s->request_len = -1;
    lab_thread_start(server_main, s, &s->thread);
}

/* Waits (bounded) until the server has finished @p connections connections. */
static int server_wait_served(struct server *s, int connections)
{
    double deadline = lab_now() + WAIT_MS / 1000.0;
    while (atomic_load(&s->served) < connections) {
        if (lab_now() > deadline)
            return 0;
        struct timespec tick = {0, 50 * 1000};
        nanosleep(&tick, NULL);
    }
    return 1;
}

/* Lets the server finish the connection it is on, then stops it and closes the listener. */
static void server_finish(struct server *s)
{
    atomic_store(&s->stop, 1);
    lab_thread_join(s->thread);
    close(s->listener);
}

/* What a request_reply() call may block on, shown when a test times out. */
static const char *reply_wait_text(void)
{
    return LAB_TR("recv(): the reply. The test's server, like document 002's, answers only after "
                  "it reads end of file: without shutdown(fd, SHUT_WR) after sending, the server "
                  "waits for your end of file and your client waits for its reply, forever",
                  "recv()：等待回复。测试的服务端和文档 002 的一样，读到文件结束（EOF）之后才回答："
                  "发送完不调用 shutdown(fd, SHUT_WR)，服务端等你的 EOF，你的客户端等它的回复，"
                  "双方永远等下去");
}

static void expect_server_saw_eof(struct server *s, const char *function)
{
    LAB_ASSERT(atomic_load(&s->missing_eof) == 0, function,
               LAB_TR("the server reads end of file after the request",
                      "服务端在请求之后读到文件结束（EOF）"),
               lab_fmt(LAB_TR("no end of file within %d ms: the server gave up and closed",
                              "%d 毫秒内没有收到 EOF：服务端放弃并关闭了连接"),
                       s->patience_ms),
               LAB_TR("after sending the whole request, call shutdown(fd, SHUT_WR): the server "
                      "reads until end of file before it answers",
                      "发送完整个请求后调用 shutdown(fd, SHUT_WR)：服务端要读到 EOF 才会回答"));
}

/* ---- half_close ------------------------------------------------------------------------ */

LAB_TEST(test_half_close_peer_sees_eof, 2)
{
    int client, server;
    lab_tcp_pair(&client, &server);
    lab_write_all(client, "hello \n", 7);
    int rc = LAB_CALL("half_close(fd)", NULL, half_close(client));
    int err = errno;
    LAB_ASSERT(
        rc == 0, "half_close(fd)", "0", lab_result_text(rc, err),
        LAB_TR("return what shutdown(fd, SHUT_WR) returns", "返回 shutdown(fd, SHUT_WR) 的结果"));
    char got[64];
    ssize_t n = lab_read_until_eof(server, got, sizeof got, WAIT_MS);
    LAB_ASSERT(n >= 0, "half_close(fd)",
               LAB_TR("the peer reads the data, then end of file (read() returns 0)",
                      "对端先读到数据，然后读到文件结束（read() 返回 0）"),
               LAB_TR("no end of file within 2 s", "2 秒内没有读到文件结束"),
               LAB_TR("shutdown(fd, SHUT_WR) sends FIN after the queued data: that is the "
                      "peer's end of file",
                      "shutdown(fd, SHUT_WR) 在已排队的数据之后发送 FIN，对端据此读到 EOF"));
    LAB_ASSERT_BYTES(LAB_TR("half_close(fd), then the peer reads until end of file",
                            "half_close(fd)，然后对端一直读到文件结束"),
                     got, (size_t)n, "hello \n", 7,
                     LAB_TR("data written before the half-close must still arrive",
                            "半关闭之前写入的数据必须照常送达"));
    close(client);
    close(server);
}

LAB_TEST(test_half_close_keeps_read_side_open, 3)
{
    int client, server;
    lab_tcp_pair(&client, &server);
    int rc = LAB_CALL("half_close(fd)", NULL, half_close(client));
    int err = errno;
    LAB_ASSERT(
        rc == 0, "half_close(fd)", "0", lab_result_text(rc, err),
        LAB_TR("return what shutdown(fd, SHUT_WR) returns", "返回 shutdown(fd, SHUT_WR) 的结果"));
    LAB_ASSERT(lab_wait_readable(server, WAIT_MS), "half_close(fd)",
               LAB_TR("the peer sees end of file", "对端读到文件结束"),
               LAB_TR("nothing within 2 s", "2 秒内什么都没有"),
               LAB_TR("use shutdown(fd, SHUT_WR)", "使用 shutdown(fd, SHUT_WR)"));

    /* Nothing has been sent to the client yet: a read must find "no data", not end of file. */
    char byte;
    ssize_t n = recv(client, &byte, 1, MSG_DONTWAIT);
    err = errno;
    LAB_ASSERT(n == -1 && (err == EAGAIN || err == EWOULDBLOCK),
               LAB_TR("half_close(fd), then recv(fd, ..., MSG_DONTWAIT) before the peer answers",
                      "half_close(fd)，然后在对端回答之前 recv(fd, ..., MSG_DONTWAIT)"),
               LAB_TR("-1, errno EAGAIN: no data yet, the receiving side still open",
                      "-1，errno EAGAIN：还没有数据，接收方向仍然开着"),
               lab_result_text(n, err),
               n == 0
                   ? LAB_TR("0 means your side's reading was shut down too: use SHUT_WR, not "
                            "SHUT_RDWR (or SHUT_RD)",
                            "0 表示你这一端的读方向也被关掉了：用 SHUT_WR，不要用 SHUT_RDWR（或 "
                            "SHUT_RD）")
                   : LAB_TR("half_close() must not close the descriptor: shutdown(), not close()",
                            "half_close() 不能关闭描述符：用 shutdown()，不要用 close()"));

    const char answer[] = PREFIX "hello \n";
    lab_write_all(server, answer, sizeof answer - 1);
    close(server);
    char got[64];
    ssize_t len = lab_read_until_eof(client, got, sizeof got, WAIT_MS);
    LAB_ASSERT(
        len >= 0,
        LAB_TR("half_close(fd), then read the peer's answer", "half_close(fd)，然后读对端的回答"),
        LAB_TR("the answer, then end of file", "先读到回答，再读到文件结束"),
        lab_result_text(len, errno),
        LAB_TR("after SHUT_WR this side can still read everything the peer sends",
               "SHUT_WR 之后，这一端仍然可以读到对端发来的一切"));
    LAB_ASSERT_BYTES(
        LAB_TR("half_close(fd), then read the peer's answer", "half_close(fd)，然后读对端的回答"),
        got, (size_t)len, answer, sizeof answer - 1,
        LAB_TR("the receiving direction must stay open: use SHUT_WR",
               "接收方向必须保持打开：用 SHUT_WR"));
    close(client);
}

LAB_TEST(test_half_close_write_side_fails_with_epipe, 1)
{
    int client, server;
    lab_tcp_pair(&client, &server);
    int rc = LAB_CALL("half_close(fd)", NULL, half_close(client));
    int err = errno;
    LAB_ASSERT(
        rc == 0, "half_close(fd)", "0", lab_result_text(rc, err),
        LAB_TR("return what shutdown(fd, SHUT_WR) returns", "返回 shutdown(fd, SHUT_WR) 的结果"));
    ssize_t n = send(client, "x", 1, MSG_NOSIGNAL);
    err = errno;
    LAB_ASSERT_FAILS_WITH(LAB_TR("half_close(fd), then send(fd, \"x\", 1, MSG_NOSIGNAL)",
                                 "half_close(fd)，然后 send(fd, \"x\", 1, MSG_NOSIGNAL)"),
                          n, err, EPIPE,
                          LAB_TR("after SHUT_WR the sending direction is over: send() gives EPIPE",
                                 "SHUT_WR 之后发送方向已经结束：send() 得到 EPIPE"));
    close(client);
    close(server);
}

LAB_TEST(test_half_close_keeps_descriptor, 1)
{
    int client, server;
    lab_tcp_pair(&client, &server);
    int before = lab_count_fds();
    int rc = LAB_CALL("half_close(fd)", NULL, half_close(client));
    int err = errno;
    LAB_ASSERT(
        rc == 0, "half_close(fd)", "0", lab_result_text(rc, err),
        LAB_TR("return what shutdown(fd, SHUT_WR) returns", "返回 shutdown(fd, SHUT_WR) 的结果"));
    int now = lab_count_fds();
    LAB_ASSERT(lab_fd_is_open(client) && now == before, "half_close(fd)",
               lab_fmt(LAB_TR("fd %d still open, %d descriptors", "fd %d 仍然打开，共 %d 个描述符"),
                       client, before),
               lab_fmt(LAB_TR("fd %d %s, %d descriptors", "fd %d %s，共 %d 个描述符"), client,
                       lab_fd_is_open(client) ? LAB_TR("open", "打开") : LAB_TR("closed", "已关闭"),
                       now),
               LAB_TR("shutdown() ends a direction of the connection but keeps the descriptor; "
                      "the caller closes it later",
                      "shutdown() 结束连接的一个方向，但保留描述符；之后由调用者关闭它"));
    close(client);
    close(server);
}

LAB_TEST(test_half_close_not_connected, 1)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    LAB_SETUP(fd >= 0, "socket()");
    int rc = LAB_CALL("half_close(<unconnected socket>)", NULL, half_close(fd));
    int err = errno;
    LAB_ASSERT_FAILS_WITH("half_close(<unconnected TCP socket>)", rc, err, ENOTCONN,
                          LAB_TR("shutdown() on a socket with no connection fails with ENOTCONN: "
                                 "return -1 and keep that errno",
                                 "对没有连接的 socket 调用 shutdown() 会以 ENOTCONN 失败：返回 -1 "
                                 "并保留该 errno"));
    LAB_ASSERT(lab_fd_is_open(fd), "half_close(<unconnected socket>)",
               LAB_TR("the descriptor still open", "描述符仍然打开"), LAB_TR("closed", "已关闭"),
               LAB_TR("half_close() never closes the descriptor", "half_close() 从不关闭描述符"));
    close(fd);
}

LAB_TEST(test_half_close_bad_descriptors, 1)
{
    int fds[2];
    LAB_SETUP(pipe(fds) == 0, "pipe()");
    int rc = LAB_CALL("half_close(<pipe>)", NULL, half_close(fds[1]));
    int err = errno;
    LAB_ASSERT_FAILS_WITH("half_close(<write end of a pipe>)", rc, err, ENOTSOCK,
                          LAB_TR("shutdown() works on sockets only: keep its ENOTSOCK",
                                 "shutdown() 只能用于 socket：保留它的 ENOTSOCK"));
    close(fds[0]);
    close(fds[1]);
    rc = LAB_CALL("half_close(<closed fd>)", NULL, half_close(fds[1]));
    err = errno;
    LAB_ASSERT_FAILS_WITH("half_close(<closed descriptor>)", rc, err, EBADF,
                          LAB_TR("return -1 and keep shutdown()'s errno (EBADF)",
                                 "返回 -1，并保留 shutdown() 的 errno (EBADF)"));
}

/* ---- abort_connection ------------------------------------------------------------------- */

static void expect_abort_ok(int fd)
{
    int rc = LAB_CALL("abort_connection(fd)", NULL, abort_connection(fd));
    int err = errno;
    LAB_ASSERT(rc == 0, "abort_connection(fd)", "0", lab_result_text(rc, err),
               LAB_TR("setsockopt(fd, SOL_SOCKET, SO_LINGER, {1, 0}), then close(fd)",
                      "setsockopt(fd, SOL_SOCKET, SO_LINGER, {1, 0})，然后 close(fd)"));
}

LAB_TEST(test_abort_connection_peer_gets_reset, 3)
{
    int client, server;
    lab_tcp_pair(&client, &server);
    expect_abort_ok(client);
    LAB_ASSERT(lab_wait_readable(server, WAIT_MS), "abort_connection(fd)",
               LAB_TR("the peer sees the connection end", "对端看到连接结束"),
               LAB_TR("nothing reached the peer within 2 s", "2 秒内对端什么都没收到"),
               LAB_TR("the descriptor must be closed at the end", "最后必须关闭描述符"));
    char byte;
    ssize_t n = recv(server, &byte, 1, MSG_DONTWAIT);
    int err = errno;
    LAB_ASSERT(n == -1 && err == ECONNRESET,
               LAB_TR("abort_connection(fd), then the peer's recv()",
                      "abort_connection(fd)，然后对端 recv()"),
               lab_fmt("-1, errno %s", lab_errno_text(ECONNRESET)), lab_result_text(n, err),
               n == 0 ? LAB_TR("0 is an orderly end of file (FIN): a plain close(). Set SO_LINGER "
                               "to {l_onoff = 1, l_linger = 0} before close() so that it sends RST",
                               "0 表示正常的文件结束（FIN），即普通的 close()。close() 之前把 "
                               "SO_LINGER 设为 {l_onoff = 1, l_linger = 0}，它才会发送 RST")
                      : LAB_TR("with SO_LINGER {1, 0}, close() resets the connection",
                               "设置 SO_LINGER {1, 0} 后，close() 会重置连接"));
    close(server);
}

LAB_TEST(test_abort_connection_closes_descriptor, 1)
{
    int client, server;
    lab_tcp_pair(&client, &server);
    int before = lab_count_fds();
    expect_abort_ok(client);
    LAB_ASSERT(!lab_fd_is_open(client) && lab_count_fds() == before - 1, "abort_connection(fd)",
               LAB_TR("the descriptor closed", "描述符已关闭"),
               LAB_TR("the descriptor still open", "描述符仍然打开"),
               LAB_TR("setting SO_LINGER only prepares the abort: close(fd) performs it",
                      "设置 SO_LINGER 只是准备，真正中止连接的是 close(fd)"));
    close(server);
}

static struct sockaddr_in loopback_address(uint16_t port)
{
    struct sockaddr_in addr = {
        .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    return addr;
}

/*
 * A connected pair whose client was bound with bind(127.0.0.1:0) before connect(): bind()
 * picks a port that no other socket holds, not even one in TIME_WAIT (connect() alone may
 * pick a port that TIME_WAIT connections to other servers still hold).
 */
static void pair_on_free_port(int *client, int *server)
{
    uint16_t port;
    int listener = lab_tcp_listener(&port, 1);
    struct sockaddr_in local = loopback_address(0), remote = loopback_address(port);
    *client = socket(AF_INET, SOCK_STREAM, 0);
    LAB_SETUP(*client >= 0, "socket()");
    LAB_SETUP(bind(*client, (struct sockaddr *)&local, sizeof local) == 0, "bind(127.0.0.1:0)");
    LAB_SETUP(connect(*client, (struct sockaddr *)&remote, sizeof remote) == 0, "connect()");
    *server = accept(listener, NULL, NULL);
    LAB_SETUP(*server >= 0, "accept()");
    close(listener);
}

LAB_TEST(test_abort_connection_leaves_no_time_wait, 2)
{
    int client, server;
    pair_on_free_port(&client, &server);
    uint16_t port = lab_local_port(client);
    expect_abort_ok(client);
    /* Without SO_REUSEADDR, bind() fails while a connection on the port is in FIN_WAIT or
     * TIME_WAIT; after a reset nothing of the connection is left on this side. */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    LAB_SETUP(fd >= 0, "socket()");
    struct sockaddr_in addr = loopback_address(port);
    int rc = bind(fd, (struct sockaddr *)&addr, sizeof addr);
    int err = errno;
    LAB_ASSERT(rc == 0,
               lab_fmt(LAB_TR("abort_connection(fd), then bind() to its port %u again",
                              "abort_connection(fd)，然后再次 bind() 到它的端口 %u"),
                       port),
               "0", lab_result_text(rc, err),
               LAB_TR("an orderly close() leaves the connection in FIN_WAIT, then TIME_WAIT, "
                      "holding the port; SO_LINGER {1, 0} makes close() reset it at once",
                      "正常的 close() 会让连接进入 FIN_WAIT，再进入 TIME_WAIT，端口一直被占用；"
                      "SO_LINGER {1, 0} 让 close() 立即重置连接"));
    close(fd);
    close(server);
}

LAB_TEST(test_abort_connection_setsockopt_failure_still_closes, 1)
{
    int client, server;
    lab_tcp_pair(&client, &server);
    lab_inject("setsockopt", 1, -1, ENOMEM, 0);
    lab_inject_errno_on_success("close", EIO);
    int rc = LAB_CALL(LAB_TR(LAB_TR("abort_connection(fd), setsockopt() fails with ENOMEM",
                                    "abort_connection(fd)，setsockopt() 以 ENOMEM 失败"),
                             "abort_connection(fd)，setsockopt() 以 ENOMEM 失败"),
                      NULL, abort_connection(client));
    int err = errno;
    lab_inject_clear();
    LAB_ASSERT_FAILS_WITH(LAB_TR("abort_connection(fd), setsockopt() fails with ENOMEM",
                                 "abort_connection(fd)，setsockopt() 以 ENOMEM 失败"),
                          rc, err, ENOMEM,
                          LAB_TR("report setsockopt()'s error: save errno before close(), which "
                                 "may change it even when it succeeds",
                                 "报告 setsockopt() 的错误：在 close() 之前保存 errno，close() "
                                 "即使成功也可能改变它"));
    LAB_ASSERT(!lab_fd_is_open(client),
               LAB_TR("abort_connection(fd), setsockopt() fails",
                      "abort_connection(fd)，setsockopt() 失败"),
               LAB_TR("the descriptor closed all the same", "描述符照样被关闭"),
               LAB_TR("the descriptor still open", "描述符仍然打开"),
               LAB_TR("the caller gave the descriptor away: close it on the error path too",
                      "调用者已经把描述符交给了你：出错时也要关闭它"));
    close(server);
}

LAB_TEST(test_abort_connection_not_a_socket, 1)
{
    int fds[2];
    LAB_SETUP(pipe(fds) == 0, "pipe()");
    int rc = LAB_CALL("abort_connection(<pipe>)", NULL, abort_connection(fds[1]));
    int err = errno;
    LAB_ASSERT_FAILS_WITH("abort_connection(<write end of a pipe>)", rc, err, ENOTSOCK,
                          LAB_TR("setsockopt() fails with ENOTSOCK on a pipe: return -1 with it",
                                 "对管道调用 setsockopt() 会以 ENOTSOCK 失败：返回 -1 并保留它"));
    LAB_ASSERT(!lab_fd_is_open(fds[1]), "abort_connection(<pipe>)",
               LAB_TR("the descriptor closed all the same", "描述符照样被关闭"),
               LAB_TR("the descriptor still open", "描述符仍然打开"),
               LAB_TR("abort_connection() takes the descriptor over: it closes it on every path",
                      "abort_connection() 接管了描述符：每条路径都要关闭它"));
    close(fds[0]);
    rc = LAB_CALL("abort_connection(<closed fd>)", NULL, abort_connection(fds[1]));
    err = errno;
    LAB_ASSERT_FAILS_WITH("abort_connection(<closed descriptor>)", rc, err, EBADF,
                          LAB_TR("return -1 with the first failing call's errno (EBADF)",
                                 "返回 -1，errno 取第一个失败的调用 (EBADF)"));
}

/* ---- request_reply ---------------------------------------------------------------------- */

#define REPLY_CAP 256

static ssize_t call_request_reply(const char *text, const char *ip, uint16_t port, const void *req,
                                  size_t len, void *reply, size_t cap, int *err)
{
    ssize_t n = LAB_CALL(text, reply_wait_text(), request_reply(ip, port, req, len, reply, cap));
    *err = errno;
    return n;
}

static const char *document_002_hint(ssize_t n, int err)
{
    if (n == 0)
        return LAB_TR("0 bytes: your side read end of file before the answer came. Half-close "
                      "with shutdown(fd, SHUT_WR): SHUT_RDWR ends your receiving side too",
                      "0 字节：答复到达之前你这一端就读到了 EOF。用 shutdown(fd, SHUT_WR) 半关闭："
                      "SHUT_RDWR 会把你的接收方向也关掉");
    if (n == -1 && err == EBADF)
        return LAB_TR("EBADF: the descriptor was closed before the reply was read: half-close "
                      "with shutdown(fd, SHUT_WR), not close()",
                      "EBADF：读回复之前描述符就被关闭了：用 shutdown(fd, SHUT_WR) 半关闭，不要用 "
                      "close()");
    return LAB_TR("return the number of reply bytes: \"数据是 \" (10 bytes in UTF-8) + the 7 "
                  "bytes of the request",
                  "返回回复的字节数：\"数据是 \"（UTF-8 下 10 个字节）加上请求的 7 个字节");
}

LAB_TEST(test_request_reply_document_002, 3)
{
    struct server s;
    int before = lab_count_fds();
    server_start(&s, REPLY_PREFIX, 0, DOCUMENT_PATIENCE_MS);
    char reply[REPLY_CAP];
    int err;
    const char *call = "request_reply(\"127.0.0.1\", port, \"hello \\n\", 7, reply, 256)";
    ssize_t n =
        call_request_reply(call, "127.0.0.1", s.port, "hello \n", 7, reply, sizeof reply, &err);
    server_finish(&s);
    const char want[] = PREFIX "hello \n";
    LAB_ASSERT(n == (ssize_t)(sizeof want - 1), call, lab_fmt("%zu", sizeof want - 1),
               lab_result_text(n, err), document_002_hint(n, err));
    LAB_ASSERT_BYTES(call, reply, (size_t)n, want, sizeof want - 1,
                     LAB_TR("store the whole reply, read until the server closes",
                            "存下完整的回复：一直读到服务端关闭连接"));
    LAB_ASSERT_BYTES(lab_fmt("%s: %s", call, LAB_TR("what the server received", "服务端收到的")),
                     server_request, s.request_len > 0 ? (size_t)s.request_len : 0, "hello \n", 7,
                     LAB_TR("send the request bytes exactly", "原样发送请求的字节"));
    LAB_ASSERT_NO_FD_LEAK(call, before,
                          LAB_TR("close the socket before returning", "返回之前关闭 socket"));
}

#define LARGE_REQUEST (256 * 1024)

LAB_TEST(test_request_reply_large_request, 2)
{
    static char request[LARGE_REQUEST];
    static char reply[LARGE_REQUEST + 64];
    static char want[LARGE_REQUEST + 64];
    fill_pattern(request, sizeof request);
    memcpy(want, PREFIX, strlen(PREFIX));
    memcpy(want + strlen(PREFIX), request, sizeof request);
    size_t want_len = strlen(PREFIX) + sizeof request;

    struct server s;
    server_start(&s, REPLY_PREFIX, 0, EOF_PATIENCE_MS);
    int err;
    const char *call = "request_reply(\"127.0.0.1\", port, <256 KiB>, 262144, reply, 262208)";
    ssize_t n = call_request_reply(call, "127.0.0.1", s.port, request, sizeof request, reply,
                                   sizeof reply, &err);
    server_finish(&s);
    expect_server_saw_eof(&s, call);
    LAB_ASSERT(n >= 0, call, lab_fmt("%zu", want_len), lab_result_text(n, err),
               LAB_TR("send the whole request, half-close, read the whole reply",
                      "发送整个请求，半关闭，读完整个回复"));
    LAB_ASSERT_BYTES(lab_fmt("%s: %s", call, LAB_TR("what the server received", "服务端收到的")),
                     server_request, s.request_len > 0 ? (size_t)s.request_len : 0, request,
                     sizeof request,
                     LAB_TR("send all of the request: loop until every byte is sent",
                            "发送整个请求：循环直到每个字节都发出去"));
    LAB_ASSERT(n == (ssize_t)want_len, call, lab_fmt("%zu", want_len), lab_result_text(n, err),
               LAB_TR("the reply comes in many pieces: keep reading until recv() returns 0",
                      "回复分成很多段到达：一直读到 recv() 返回 0"));
    LAB_ASSERT_BYTES(call, reply, (size_t)n, want, want_len,
                     LAB_TR("append each piece after the previous one", "把每一段接在前一段后面"));
}

LAB_TEST(test_request_reply_short_transfers_and_eintr, 2)
{
    struct server s;
    server_start(&s, REPLY_PREFIX, 0, EOF_PATIENCE_MS);
    static const char *const senders[] = {"send", "write", "sendto"};
    static const char *const readers[] = {"recv", "read", "recvfrom"};
    for (int i = 0; i < 3; i++) {
        lab_inject(senders[i], 1, 1, EINTR, 0);
        lab_inject(senders[i], 1, -1, 0, 3);
        lab_inject(readers[i], 1, 1, EINTR, 0);
        lab_inject(readers[i], 1, -1, 0, 4);
    }
    char reply[REPLY_CAP];
    int err;
    const char *request = "GET /status HTTP/1.0\r\n";
    const char *call = LAB_TR(
        "request_reply(\"127.0.0.1\", port, \"GET /status HTTP/1.0\\r\\n\", 22, reply, 256), "
        "first EINTR, then at most 3 bytes per send and 4 per recv",
        "request_reply(\"127.0.0.1\", port, \"GET /status HTTP/1.0\\r\\n\", 22, reply, 256)，"
        "先是 EINTR，之后每次 send 最多 3 字节、每次 recv 最多 4 字节");
    ssize_t n = call_request_reply(call, "127.0.0.1", s.port, request, strlen(request), reply,
                                   sizeof reply, &err);
    lab_inject_clear();
    server_finish(&s);
    expect_server_saw_eof(&s, call);
    LAB_ASSERT(n >= 0, call, LAB_TR("the whole reply", "完整的回复"), lab_result_text(n, err),
               err == EINTR
                   ? LAB_TR("EINTR only means a signal arrived: call send()/recv() again",
                            "EINTR 只表示来了一个信号：再调用一次 send()/recv()")
                   : LAB_TR("loop over short sends and reads", "对不完整的发送和读取要循环处理"));
    char want[128];
    int want_len = snprintf(want, sizeof want, "%s%s", PREFIX, request);
    LAB_ASSERT_BYTES(
        call, reply, (size_t)n, want, (size_t)want_len,
        LAB_TR("send() may send fewer bytes than asked: send the rest; each recv() "
               "gives a piece: append it",
               "send() 可能只发出一部分：把剩下的继续发；每次 recv() 得到一段：接在后面"));
}

LAB_TEST(test_request_reply_empty_request, 1)
{
    struct server s;
    server_start(&s, REPLY_PREFIX, 0, EOF_PATIENCE_MS);
    char reply[REPLY_CAP];
    int err;
    const char *call = "request_reply(\"127.0.0.1\", port, NULL, 0, reply, 256)";
    ssize_t n = call_request_reply(call, "127.0.0.1", s.port, NULL, 0, reply, sizeof reply, &err);
    server_finish(&s);
    expect_server_saw_eof(&s, call);
    LAB_ASSERT(n == (ssize_t)strlen(PREFIX), call, lab_fmt("%zu", strlen(PREFIX)),
               lab_result_text(n, err),
               LAB_TR("an empty request is valid: send nothing, half-close, read the reply",
                      "空请求也是合法的：什么都不发，半关闭，然后读回复"));
    LAB_ASSERT_BYTES(call, reply, (size_t)n, PREFIX, strlen(PREFIX),
                     LAB_TR("the server answers \"数据是 \" to an empty request",
                            "对空请求，服务端回答 \"数据是 \""));
}

LAB_TEST(test_request_reply_reply_fills_cap, 1)
{
    struct server s;
    server_start(&s, REPLY_PATTERN, 100, EOF_PATIENCE_MS);
    char reply[101], want[100];
    reply[100] = '#';
    fill_pattern(want, sizeof want);
    int err;
    const char *call =
        LAB_TR("request_reply(\"127.0.0.1\", port, \"size?\", 5, reply, 100), reply of exactly "
               "100 bytes",
               "request_reply(\"127.0.0.1\", port, \"size?\", 5, reply, 100)，回复恰好 "
               "100 字节");
    ssize_t n = call_request_reply(call, "127.0.0.1", s.port, "size?", 5, reply, 100, &err);
    server_finish(&s);
    expect_server_saw_eof(&s, call);
    LAB_ASSERT(
        n == 100, call, "100", lab_result_text(n, err),
        LAB_TR("a reply of exactly cap bytes fits: after cap bytes, a read that returns 0 "
               "means there is no more",
               "恰好 cap 字节的回复放得下：读满 cap 字节后，再读一次返回 0 就说明没有更多了"));
    LAB_ASSERT_BYTES(call, reply, 100, want, 100,
                     LAB_TR("store the reply bytes in order", "按顺序存放回复的字节"));
    LAB_ASSERT(reply[100] == '#', call, LAB_TR("reply[100] untouched", "reply[100] 未被改动"),
               lab_escape(&reply[100], 1),
               LAB_TR("never write past reply[cap - 1]", "不要写到 reply[cap - 1] 之后"));
}

LAB_TEST(test_request_reply_reply_too_long, 2)
{
    struct server s;
    int before = lab_count_fds();
    server_start(&s, REPLY_PATTERN, 101, EOF_PATIENCE_MS);
    char reply[101];
    reply[100] = '#';
    lab_inject_errno_on_success("close", EIO);
    int err;
    const char *call =
        LAB_TR("request_reply(\"127.0.0.1\", port, \"size?\", 5, reply, 100), reply of 101 bytes",
               "request_reply(\"127.0.0.1\", port, \"size?\", 5, reply, 100)，回复有 101 字节");
    ssize_t n = call_request_reply(call, "127.0.0.1", s.port, "size?", 5, reply, 100, &err);
    lab_inject_clear();
    server_finish(&s);
    expect_server_saw_eof(&s, call);
    LAB_ASSERT_FAILS_WITH(call, n, err, EMSGSIZE,
                          LAB_TR("when more than cap bytes arrive, fail with EMSGSIZE (do not cut "
                                 "the reply silently); save errno before close()",
                                 "到达的字节超过 cap 时以 EMSGSIZE 失败（不要悄悄截断回复）；"
                                 "在 close() 之前保存 errno"));
    LAB_ASSERT(reply[100] == '#', call, LAB_TR("reply[100] untouched", "reply[100] 未被改动"),
               lab_escape(&reply[100], 1),
               LAB_TR("read the byte past cap into a scratch byte, not into reply[cap]",
                      "超出 cap 的那个字节读到一个临时变量里，不要读进 reply[cap]"));
    LAB_ASSERT_NO_FD_LEAK(call, before,
                          LAB_TR("close the socket on the EMSGSIZE path too",
                                 "EMSGSIZE 的出错路径上也要关闭 socket"));
}

LAB_TEST(test_request_reply_refused, 1)
{
    int holder;
    uint16_t port = lab_closed_port(&holder);
    int before = lab_count_fds();
    lab_inject_errno_on_success("close", EIO);
    char reply[REPLY_CAP];
    int err;
    const char *call = "request_reply(\"127.0.0.1\", <closed port>, \"hello \\n\", 7, reply, 256)";
    ssize_t n =
        call_request_reply(call, "127.0.0.1", port, "hello \n", 7, reply, sizeof reply, &err);
    lab_inject_clear();
    LAB_ASSERT_FAILS_WITH(call, n, err, ECONNREFUSED,
                          LAB_TR("return -1 with connect()'s errno; save it before close(), which "
                                 "may change errno even when it succeeds",
                                 "返回 -1 并保留 connect() 的 errno；在 close() 之前保存它，"
                                 "close() 即使成功也可能改变 errno"));
    LAB_ASSERT_NO_FD_LEAK(call, before,
                          LAB_TR("when connect() fails, close the socket before returning",
                                 "connect() 失败时，返回之前要关闭 socket"));
    close(holder);
}

LAB_TEST(test_request_reply_invalid_ip, 1)
{
    static const char *const bad[] = {"256.0.0.1", "localhost", "127.0.0.1:80", "", "::1", NULL};
    int before = lab_count_fds();
    char reply[REPLY_CAP];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *call =
            lab_fmt("request_reply(%s, 80, \"x\", 1, reply, 256)", lab_escape_str(bad[i]));
        int err;
        ssize_t n = call_request_reply(call, bad[i], 80, "x", 1, reply, sizeof reply, &err);
        LAB_ASSERT_FAILS_WITH(call, n, err, EINVAL,
                              LAB_TR("check the address with inet_pton(AF_INET, ...) == 1 "
                                     "(NULL too) and fail with EINVAL before opening anything",
                                     "先用 inet_pton(AF_INET, ...) == 1 检查地址（也要检查 NULL），"
                                     "不合法就以 EINVAL 失败，什么都不打开"));
        LAB_ASSERT_NO_FD_LEAK(call, before,
                              LAB_TR("a bad address must not leave a socket open",
                                     "地址不合法时不能留下打开的 socket"));
    }
}

LAB_TEST(test_request_reply_peer_reset, 1)
{
    struct server s;
    int before = lab_count_fds();
    server_start(&s, REPLY_RESET, 0, EOF_PATIENCE_MS);
    char reply[REPLY_CAP];
    int err;
    const char *call = LAB_TR(
        "request_reply(\"127.0.0.1\", port, \"hello \\n\", 7, reply, 256), the server resets "
        "the connection",
        "request_reply(\"127.0.0.1\", port, \"hello \\n\", 7, reply, 256)，服务端重置连接");
    ssize_t n =
        call_request_reply(call, "127.0.0.1", s.port, "hello \n", 7, reply, sizeof reply, &err);
    server_finish(&s);
    expect_server_saw_eof(&s, call);
    LAB_ASSERT_FAILS_WITH(call, n, err, ECONNRESET,
                          LAB_TR("a reset is an error, not an end of file: return -1 with recv()'s "
                                 "ECONNRESET",
                                 "重置是错误，不是文件结束：返回 -1 并保留 recv() 的 ECONNRESET"));
    LAB_ASSERT_NO_FD_LEAK(
        call, before,
        LAB_TR("close the socket when recv() fails too", "recv() 失败时也要关闭 socket"));
}

enum call_kind { CALL_OK, CALL_REFUSED, CALL_TOO_LONG, CALL_RESET, CALL_BAD_IP, CALL_KINDS };

#define MIXED_CALLS 1000
#define MIXED_CAP 16
#define MIXED_TOO_LONG 64

/* One call of the mixed run; returns 1 if it reached the server. */
static int mixed_call(struct server *s, int i, uint16_t closed_port)
{
    static const char *const names_en[] = {"success", "refused", "reply too long", "server reset",
                                           "bad address"};
    static const char *const names_zh[] = {"成功", "被拒绝", "回复过长", "服务端重置",
                                           "地址不合法"};
    enum call_kind kind = (enum call_kind)(i % CALL_KINDS);
    const char *call = lab_fmt(LAB_TR("request_reply(...), call %d of %d (%s)",
                                      "request_reply(...)，第 %d 次调用，共 %d 次（%s）"),
                               i + 1, MIXED_CALLS, LAB_TR(names_en[kind], names_zh[kind]));
    char request[32], reply[MIXED_CAP], want[64];
    int len = snprintf(request, sizeof request, "%c%d\n",
                       kind == CALL_TOO_LONG ? 'B'
                       : kind == CALL_RESET  ? 'X'
                                             : 'R',
                       i);
    const char *ip = kind == CALL_BAD_IP ? "127.0.0.256" : "127.0.0.1";
    uint16_t port = kind == CALL_REFUSED ? closed_port : s->port;
    int err;
    ssize_t n = call_request_reply(call, ip, port, request, (size_t)len, reply, sizeof reply, &err);
    static const int expected_errno[] = {0, ECONNREFUSED, EMSGSIZE, ECONNRESET, EINVAL};
    int connects = kind == CALL_OK || kind == CALL_TOO_LONG || kind == CALL_RESET;
    if (connects)
        expect_server_saw_eof(s, call);
    if (kind == CALL_OK) {
        int want_len = snprintf(want, sizeof want, "%s%s", PREFIX, request);
        LAB_ASSERT(n == want_len, call, lab_fmt("%d", want_len), lab_result_text(n, err),
                   LAB_TR("the same call must work every time", "同样的调用每次都应该成功"));
        LAB_ASSERT_BYTES(call, reply, n >= 0 ? (size_t)n : 0, want, (size_t)want_len,
                         LAB_TR("the same call must work every time", "同样的调用每次都应该成功"));
    } else {
        LAB_ASSERT_FAILS_WITH(call, n, err, expected_errno[kind],
                              LAB_TR("every error path returns -1 with the errno of the call "
                                     "that failed",
                                     "每条出错路径都返回 -1，errno 取失败的那个调用"));
    }
    return connects;
}

LAB_TEST(test_request_reply_no_leak_1000_calls, 3)
{
    int holder;
    uint16_t closed_port = lab_closed_port(&holder);
    struct server s;
    server_start(&s, REPLY_BY_FIRST_BYTE, MIXED_TOO_LONG, EOF_PATIENCE_MS);
    int before = lab_count_fds();
    int connections = 0;
    for (int i = 0; i < MIXED_CALLS; i++) {
        connections += mixed_call(&s, i, closed_port);
        /* The server's end of the connection is a descriptor too: let it close first. */
        server_wait_served(&s, connections);
        if (lab_count_fds() > before)
            LAB_ASSERT_NO_FD_LEAK(lab_fmt(LAB_TR("request_reply(...), call %d of %d",
                                                 "request_reply(...)，第 %d 次调用，共 %d 次"),
                                          i + 1, MIXED_CALLS),
                                  before,
                                  LAB_TR("every path must close the socket it opened: one "
                                         "clean-up point (goto fail) is the easiest way",
                                         "每条路径都要关闭自己打开的 socket：最简单的做法是只有"
                                         "一个清理点（goto fail）"));
    }
    server_finish(&s);
    close(holder);
}

/* ---- send_nosignal ------------------------------------------------------------------------ */

#define BIG_SEND (1024 * 1024)

struct reader {
    int fd;
    char *buf;
    size_t len;
    size_t got;
};

static void *reader_main(void *arg)
{
    struct reader *r = arg;
    r->got = lab_read_exact(r->fd, r->buf, r->len, 5000);
    return NULL;
}

LAB_TEST(test_send_nosignal_sends_all, 2)
{
    static char out[BIG_SEND], in[BIG_SEND];
    fill_pattern(out, sizeof out);
    int client, server;
    lab_tcp_pair(&client, &server);
    struct reader r = {.fd = server, .buf = in, .len = sizeof in};
    void *thread;
    lab_thread_start(reader_main, &r, &thread);
    ssize_t n = LAB_CALL("send_nosignal(fd, <1 MiB>, 1048576)",
                         LAB_TR("send(): the peer reads everything", "send()：对端会读完全部数据"),
                         send_nosignal(client, out, sizeof out));
    int err = errno;
    shutdown(client, SHUT_WR); /* let the reader stop early if bytes are missing */
    lab_thread_join(thread);
    LAB_ASSERT(n == BIG_SEND, "send_nosignal(fd, <1 MiB>, 1048576)", "1048576",
               lab_result_text(n, err),
               LAB_TR("return len once every byte is sent", "所有字节都发出后返回 len"));
    LAB_ASSERT(
        r.got == sizeof in && memcmp(in, out, sizeof in) == 0,
        "send_nosignal(fd, <1 MiB>, 1048576)",
        LAB_TR("the peer receives the 1048576 bytes in order", "对端按顺序收到 1048576 个字节"),
        lab_fmt(LAB_TR("%zu bytes%s", "%zu 个字节%s"), r.got,
                r.got == sizeof in ? LAB_TR(", in a different order", "，顺序不对") : ""),
        LAB_TR("after a short send, continue from the first byte not yet sent",
               "发送不完整时，从第一个还没发出的字节继续"));
    close(client);
    close(server);
}

LAB_TEST(test_send_nosignal_short_sends_and_eintr, 2)
{
    int client, server;
    lab_tcp_pair(&client, &server);
    char out[100];
    fill_pattern(out, sizeof out);
    static const char *const senders[] = {"send", "write", "sendto"};
    for (int i = 0; i < 3; i++) {
        lab_inject(senders[i], 1, 1, EINTR, 0);
        lab_inject(senders[i], 1, -1, 0, 5);
    }
    const char *call = LAB_TR("send_nosignal(fd, <100 bytes>, 100), first EINTR, then at most 5 "
                              "bytes per send",
                              "send_nosignal(fd, <100 字节>, 100)，先是 EINTR，之后每次 send 最多 "
                              "5 字节");
    ssize_t n = LAB_CALL(call, NULL, send_nosignal(client, out, sizeof out));
    int err = errno;
    lab_inject_clear();
    LAB_ASSERT(n == 100, call, "100", lab_result_text(n, err),
               n == -1 && err == EINTR
                   ? LAB_TR("EINTR only means a signal arrived: call send() again",
                            "EINTR 只表示来了一个信号：再调用一次 send()")
                   : LAB_TR("send() may send fewer bytes than asked: loop until all are sent, "
                            "then return len",
                            "send() 可能只发出一部分：循环直到全部发出，然后返回 len"));
    char in[100];
    size_t got = lab_read_exact(server, in, sizeof in, WAIT_MS);
    LAB_ASSERT_BYTES(call, in, got, out, sizeof out,
                     LAB_TR("continue each send from the first byte not yet sent",
                            "每次都从第一个还没发出的字节继续发送"));
    close(client);
    close(server);
}

#define CLOSED_PEER_TRIES 200

/*
 * Closes the peer, then sends one byte at a time until send_nosignal() fails. The first
 * byte still goes out (the kernel cannot know yet); the peer's kernel answers it with RST,
 * and from then on sending fails with EPIPE -- and raises SIGPIPE without MSG_NOSIGNAL.
 */
static ssize_t send_to_closed_peer(int client, int server, int *err)
{
    close(server);
    LAB_SETUP(lab_wait_readable(client, WAIT_MS), "the closed peer's FIN");
    const char *call = LAB_TR("send_nosignal(fd, \"x\", 1), the peer has closed",
                              "send_nosignal(fd, \"x\", 1)，对端已关闭");
    const char *blocked = LAB_TR("send(): a peer that has gone", "send()：对端已经关闭");
    ssize_t n = 1;
    for (int i = 0; i < CLOSED_PEER_TRIES && n == 1; i++) {
        n = LAB_CALL(call, blocked, send_nosignal(client, "x", 1));
        *err = errno;
        if (n == 1)
            lab_sleep_ms(5); /* let the peer's RST come back */
    }
    if (n == -1 && *err == ECONNRESET) { /* the reset itself; the next send sees the end */
        n = LAB_CALL(call, blocked, send_nosignal(client, "x", 1));
        *err = errno;
    }
    return n;
}

LAB_TEST(test_send_nosignal_closed_peer_gives_epipe, 3)
{
    default_sigpipe(); /* a write that raises SIGPIPE ends this test with that signal */
    int client, server;
    lab_tcp_pair(&client, &server);
    int err = 0;
    ssize_t n = send_to_closed_peer(client, server, &err);
    LAB_ASSERT_FAILS_WITH(LAB_TR("send_nosignal(fd, \"x\", 1) after the peer closed",
                                 "对端关闭后 send_nosignal(fd, \"x\", 1)"),
                          n, err, EPIPE,
                          LAB_TR("pass MSG_NOSIGNAL to send(): the process lives and send() "
                                 "returns -1 with EPIPE",
                                 "给 send() 传 MSG_NOSIGNAL：进程不会被杀死，send() 返回 -1 和 "
                                 "EPIPE"));
    close(client);
}

LAB_TEST(test_send_nosignal_error_after_partial_send, 1)
{
    int client, server;
    lab_tcp_pair(&client, &server);
    char out[100];
    fill_pattern(out, sizeof out);
    static const char *const senders[] = {"send", "write", "sendto"};
    for (int i = 0; i < 3; i++) {
        lab_inject(senders[i], 1, 1, 0, 5);
        lab_inject(senders[i], 1, -1, ECONNRESET, 0);
    }
    const char *call = LAB_TR("send_nosignal(fd, <100 bytes>, 100), 5 bytes sent, then ECONNRESET",
                              "send_nosignal(fd, <100 字节>, 100)，发出 5 字节后 ECONNRESET");
    ssize_t n = LAB_CALL(call, NULL, send_nosignal(client, out, sizeof out));
    int err = errno;
    lab_inject_clear();
    LAB_ASSERT_FAILS_WITH(call, n, err, ECONNRESET,
                          LAB_TR("an error after part of the buffer went out is still an error: "
                                 "return -1 with send()'s errno",
                                 "发出一部分之后出错仍然是出错：返回 -1 并保留 send() 的 errno"));
    close(client);
    close(server);
}

LAB_TEST(test_send_nosignal_leaves_sigpipe_alone, 1)
{
    default_sigpipe();
    int client, server;
    lab_tcp_pair(&client, &server);
    int err = 0;
    ssize_t n = send_to_closed_peer(client, server, &err);
    LAB_ASSERT(n == -1 && (err == EPIPE || err == ECONNRESET),
               LAB_TR("send_nosignal(fd, \"x\", 1) after the peer closed",
                      "对端关闭后 send_nosignal(fd, \"x\", 1)"),
               lab_fmt("-1, errno %s", lab_errno_text(EPIPE)), lab_result_text(n, err),
               LAB_TR("report the peer's end as -1 with EPIPE", "用 -1 和 EPIPE 报告对端已关闭"));
    struct sigaction now;
    sigset_t mask;
    LAB_SETUP(sigaction(SIGPIPE, NULL, &now) == 0, "sigaction(SIGPIPE, NULL, &now)");
    LAB_SETUP(sigprocmask(SIG_BLOCK, NULL, &mask) == 0, "sigprocmask()");
    int changed_action = now.sa_handler != SIG_DFL;
    int blocked = sigismember(&mask, SIGPIPE) == 1;
    LAB_ASSERT(
        !changed_action && !blocked,
        LAB_TR("send_nosignal(fd, \"x\", 1) after the peer closed",
               "对端关闭后 send_nosignal(fd, \"x\", 1)"),
        LAB_TR("SIGPIPE left as it was: default action, not blocked",
               "SIGPIPE 保持原样：默认动作，未被阻塞"),
        changed_action ? LAB_TR("the SIGPIPE action was changed (signal()/sigaction())",
                                "SIGPIPE 的动作被改了（signal()/sigaction()）")
                       : LAB_TR("SIGPIPE left blocked", "SIGPIPE 仍被阻塞"),
        LAB_TR("the signal settings belong to the whole program: a send function must "
               "not change them; MSG_NOSIGNAL affects only this one call",
               "信号设置属于整个程序，一个发送函数不应改动它们；MSG_NOSIGNAL 只影响这一次调用"));
    close(client);
}

void lab_register_tests(void)
{
    LAB_ADD(test_half_close_peer_sees_eof);
    LAB_ADD(test_half_close_keeps_read_side_open);
    LAB_ADD(test_half_close_write_side_fails_with_epipe);
    LAB_ADD(test_half_close_keeps_descriptor);
    LAB_ADD(test_half_close_not_connected);
    LAB_ADD(test_half_close_bad_descriptors);
    LAB_ADD(test_abort_connection_peer_gets_reset);
    LAB_ADD(test_abort_connection_closes_descriptor);
    LAB_ADD(test_abort_connection_leaves_no_time_wait);
    LAB_ADD(test_abort_connection_setsockopt_failure_still_closes);
    LAB_ADD(test_abort_connection_not_a_socket);
    LAB_ADD(test_request_reply_document_002);
    LAB_ADD(test_request_reply_large_request);
    LAB_ADD(test_request_reply_short_transfers_and_eintr);
    LAB_ADD(test_request_reply_empty_request);
    LAB_ADD(test_request_reply_reply_fills_cap);
    LAB_ADD(test_request_reply_reply_too_long);
    LAB_ADD(test_request_reply_refused);
    LAB_ADD(test_request_reply_invalid_ip);
    LAB_ADD(test_request_reply_peer_reset);
    LAB_ADD_TIMEOUT(test_request_reply_no_leak_1000_calls, 10.0);
    LAB_ADD(test_send_nosignal_sends_all);
    LAB_ADD(test_send_nosignal_short_sends_and_eintr);
    LAB_ADD(test_send_nosignal_closed_peer_gives_epipe);
    LAB_ADD(test_send_nosignal_error_after_partial_send);
    LAB_ADD(test_send_nosignal_leaves_sigpipe_alone);
}
