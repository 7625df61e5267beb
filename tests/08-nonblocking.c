/* 08-nonblocking.c — tests of lesson 08: set_nonblocking, try_read, connect_timeout. */
#define _GNU_SOURCE
#include "nonblock.h"
#include "lab.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The document's client sends these 11 bytes; its server reads them with one recvfrom(). */
#define DOC_MESSAGE "hello world"
#define DOC_READ_CAP 8192
#define LOOPBACK "127.0.0.1"
/* Generous limits: a loaded CI machine is slow, a blocking call is much slower. */
#define AT_ONCE_S 0.5
#define REFUSED_AT_ONCE_S 1.0
#define WAIT_MS 2000

/* ---- helpers ----------------------------------------------------------------------------- */

static int status_flags(int fd)
{
    int flags = fcntl(fd, F_GETFL);
    LAB_SETUP(flags >= 0, "fcntl(F_GETFL)");
    return flags;
}

/* "O_RDWR|O_NONBLOCK|O_APPEND (0xc02)": the flags a student cares about, by name. */
static const char *flags_text(int flags)
{
    int mode = flags & O_ACCMODE;
    return lab_fmt("%s%s%s%s (%#x)",
                   mode == O_RDONLY   ? "O_RDONLY"
                   : mode == O_WRONLY ? "O_WRONLY"
                                      : "O_RDWR",
                   flags & O_NONBLOCK ? "|O_NONBLOCK" : "", flags & O_APPEND ? "|O_APPEND" : "",
                   flags & O_ASYNC ? "|O_ASYNC" : "", (unsigned)flags);
}

static const char *ms_text(double seconds)
{
    return lab_fmt("%.0f ms", seconds * 1000.0);
}

/*
 * A listener whose accept queue is full, so that the kernel drops every new
 * SYN and a connect() to it can only time out. listen(fd, 0) allows one
 * completed connection in the queue; the listener never accepts. Clients
 * connect until the queue is full (TCP_INFO on a listener: tcpi_unacked is
 * the queue length, tcpi_sacked its limit), or until a connect stays in
 * progress (its SYN was dropped).
 */
#define FILLERS_MAX 16
#define PROBE_WAIT_MS 200
struct full_listener {
    int listener;
    uint16_t port;
    int fillers[FILLERS_MAX];
    int count;
};

static int accept_queue_full(int listener)
{
    struct tcp_info info;
    socklen_t len = sizeof info;
    if (getsockopt(listener, IPPROTO_TCP, TCP_INFO, &info, &len) < 0)
        return 0; /* unknown: the probe below decides */
    return info.tcpi_unacked > info.tcpi_sacked;
}

static void full_listener_open(struct full_listener *f)
{
    f->listener = lab_tcp_listener(&f->port, 0);
    f->count = 0;
    while (!accept_queue_full(f->listener)) {
        LAB_SETUP(f->count < FILLERS_MAX, "filling a listener's accept queue");
        int probe = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        LAB_SETUP(probe >= 0, "socket() for a filler client");
        struct sockaddr_in addr = {.sin_family = AF_INET,
                                   .sin_port = htons(f->port),
                                   .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        int rc = connect(probe, (struct sockaddr *)&addr, sizeof addr);
        LAB_SETUP(rc == 0 || errno == EINPROGRESS, "connect() of a filler client");
        struct pollfd pfd = {.fd = probe, .events = POLLOUT};
        if (poll(&pfd, 1, PROBE_WAIT_MS) == 0) {
            close(probe); /* still in progress: its SYN was dropped, the queue is full */
            break;
        }
        f->fillers[f->count++] = probe;
    }
}

static void full_listener_close(struct full_listener *f)
{
    for (int i = 0; i < f->count; i++)
        close(f->fillers[i]);
    close(f->listener);
}

/* ---- set_nonblocking --------------------------------------------------------------------- */

LAB_TEST(test_set_nonblocking_turns_on_and_off, 3)
{
    int client, server;
    lab_tcp_pair(&client, &server);

    int rc = LAB_CALL("set_nonblocking(fd, 1)", NULL, set_nonblocking(server, 1));
    int err = errno;
    LAB_ASSERT(rc == 0, "set_nonblocking(fd, 1)", "0", lab_result_text(rc, err),
               LAB_TR("fcntl(fd, F_GETFL), add O_NONBLOCK, fcntl(fd, F_SETFL, flags); return 0",
                      "fcntl(fd, F_GETFL)，加上 O_NONBLOCK，再 fcntl(fd, F_SETFL, flags)；返回 0"));
    int flags = status_flags(server);
    LAB_ASSERT(flags & O_NONBLOCK, "set_nonblocking(fd, 1)",
               LAB_TR("F_GETFL shows O_NONBLOCK", "F_GETFL 显示有 O_NONBLOCK"), flags_text(flags),
               LAB_TR("O_NONBLOCK is a file status flag: F_GETFL/F_SETFL, not F_GETFD/F_SETFD "
                      "(those hold only FD_CLOEXEC)",
                      "O_NONBLOCK 是文件状态标志：用 F_GETFL/F_SETFL，而不是 F_GETFD/F_SETFD"
                      "（后者只管 FD_CLOEXEC）"));
    /* Now a read with nothing to read must fail at once instead of waiting. */
    char byte;
    errno = 0;
    ssize_t n = read(server, &byte, 1);
    LAB_ASSERT(n == -1 && errno == EAGAIN, "read() after set_nonblocking(fd, 1)",
               "-1, errno EAGAIN", lab_result_text(n, errno),
               LAB_TR("in non-blocking mode a read with no data fails with EAGAIN",
                      "非阻塞模式下，没有数据时 read 以 EAGAIN 失败"));

    rc = LAB_CALL("set_nonblocking(fd, 0)", NULL, set_nonblocking(server, 0));
    err = errno;
    flags = status_flags(server);
    LAB_ASSERT(rc == 0 && !(flags & O_NONBLOCK), "set_nonblocking(fd, 0)",
               LAB_TR("0, and F_GETFL without O_NONBLOCK", "0，且 F_GETFL 中没有 O_NONBLOCK"),
               lab_fmt("%s, %s", lab_result_text(rc, err), flags_text(flags)),
               LAB_TR("on == 0 clears O_NONBLOCK: flags & ~O_NONBLOCK",
                      "on == 0 时清除 O_NONBLOCK：flags & ~O_NONBLOCK"));
    close(client);
    close(server);
}

/* Sets O_APPEND (status flag) and FD_CLOEXEC (descriptor flag), then checks they survive. */
static void expect_other_flags_kept(int fd, const char *what)
{
    LAB_SETUP(fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_APPEND) == 0, "fcntl(F_SETFL, O_APPEND)");
    LAB_SETUP(fcntl(fd, F_SETFD, FD_CLOEXEC) == 0, "fcntl(F_SETFD, FD_CLOEXEC)");
    int before = status_flags(fd);
    for (int on = 1; on >= 0; on--) {
        const char *call =
            lab_fmt("set_nonblocking(<%s with O_APPEND and FD_CLOEXEC>, %d)", what, on);
        int rc = LAB_CALL(call, NULL, set_nonblocking(fd, on));
        int err = errno;
        int want = on ? before | O_NONBLOCK : before;
        int flags = status_flags(fd);
        LAB_ASSERT(rc == 0 && flags == want, call, lab_fmt("0, %s", flags_text(want)),
                   lab_fmt("%s, %s", lab_result_text(rc, err), flags_text(flags)),
                   LAB_TR("F_SETFL replaces all status flags: read them with F_GETFL first and "
                          "change only the O_NONBLOCK bit",
                          "F_SETFL 会替换全部状态标志：先用 F_GETFL 读出，只改 O_NONBLOCK 这一位"));
        int fd_flags = fcntl(fd, F_GETFD);
        LAB_ASSERT(fd_flags == FD_CLOEXEC, call, "F_GETFD = FD_CLOEXEC (1)",
                   lab_fmt("F_GETFD = %d", fd_flags),
                   LAB_TR("leave the descriptor flags (F_GETFD/F_SETFD) alone: FD_CLOEXEC is "
                          "not a status flag",
                          "不要动描述符标志（F_GETFD/F_SETFD）：FD_CLOEXEC 不是状态标志"));
    }
}

LAB_TEST(test_set_nonblocking_keeps_other_flags, 3)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    LAB_SETUP(fd >= 0, "socket()");
    expect_other_flags_kept(fd, "TCP socket");
    close(fd);
    int fds[2];
    LAB_SETUP(pipe(fds) == 0, "pipe()");
    expect_other_flags_kept(fds[1], "write end of a pipe");
    close(fds[0]);
    close(fds[1]);
}

LAB_TEST(test_set_nonblocking_is_idempotent, 2)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    LAB_SETUP(fd >= 0, "socket()");
    static const struct {
        int on;
        int want_nonblock;
        const char *call;
    } steps[] = {
        {0, 0, "set_nonblocking(<blocking socket>, 0)"}, {1, 1, "set_nonblocking(fd, 1)"},
        {1, 1, "set_nonblocking(fd, 1) again"},          {0, 0, "set_nonblocking(fd, 0)"},
        {0, 0, "set_nonblocking(fd, 0) again"},          {2, 1, "set_nonblocking(fd, 2)"},
    };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        int rc = LAB_CALL(steps[i].call, NULL, set_nonblocking(fd, steps[i].on));
        int err = errno;
        int flags = status_flags(fd);
        LAB_ASSERT(
            rc == 0 && !!(flags & O_NONBLOCK) == steps[i].want_nonblock, steps[i].call,
            lab_fmt("0, %s", steps[i].want_nonblock ? "O_NONBLOCK set" : "O_NONBLOCK clear"),
            lab_fmt("%s, %s", lab_result_text(rc, err), flags_text(flags)),
            LAB_TR("set or clear the bit (| O_NONBLOCK, & ~O_NONBLOCK), never toggle it "
                   "with ^; any non-zero on means \"on\"",
                   "置位或清零（| O_NONBLOCK、& ~O_NONBLOCK），不要用 ^ 翻转；on 非 0 即为“开”"));
    }
    close(fd);
}

LAB_TEST(test_set_nonblocking_works_on_pipes, 1)
{
    int fds[2];
    LAB_SETUP(pipe(fds) == 0, "pipe()");
    int rc = LAB_CALL("set_nonblocking(<read end of a pipe>, 1)", NULL, set_nonblocking(fds[0], 1));
    int err = errno;
    int flags = status_flags(fds[0]);
    LAB_ASSERT(rc == 0 && (flags & O_NONBLOCK), "set_nonblocking(<read end of a pipe>, 1)",
               "0, O_NONBLOCK set", lab_fmt("%s, %s", lab_result_text(rc, err), flags_text(flags)),
               LAB_TR("fcntl() works on every descriptor; do not use socket-only calls here",
                      "fcntl() 适用于任何描述符；这里不要用只对 socket 有效的调用"));
    char byte;
    errno = 0;
    ssize_t n = read(fds[0], &byte, 1);
    LAB_ASSERT(n == -1 && errno == EAGAIN, "read() on the empty pipe after set_nonblocking(fd, 1)",
               "-1, errno EAGAIN", lab_result_text(n, errno),
               LAB_TR("the pipe must really be non-blocking now", "管道此时应真的处于非阻塞模式"));
    close(fds[0]);
    close(fds[1]);
}

LAB_TEST(test_set_nonblocking_closed_descriptor, 1)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    LAB_SETUP(fd >= 0, "socket()");
    close(fd);
    int rc = LAB_CALL("set_nonblocking(<closed fd>, 1)", NULL, set_nonblocking(fd, 1));
    int err = errno;
    LAB_ASSERT_FAILS_WITH("set_nonblocking(<closed descriptor>, 1)", rc, err, EBADF,
                          LAB_TR("check fcntl()'s result: -1 means failure, keep its errno",
                                 "检查 fcntl() 的返回值：-1 表示失败，保留它的 errno"));
}

/* ---- try_read ---------------------------------------------------------------------------- */

/*
 * No EINTR test here: with MSG_DONTWAIT the kernel answers EAGAIN before it would
 * ever sleep, so a signal has nothing to interrupt. A blocking try_read is caught
 * by the time limit instead, with the note below.
 */

/* What a blocking try_read waits in, for the timeout message. */
static const char *try_read_blocked(void)
{
    return LAB_TR("recv()/read() on an empty socket: try_read blocked instead of failing at once "
                  "with EAGAIN (use MSG_DONTWAIT)",
                  "在空的 socket 上 recv()/read()：try_read 阻塞了，而不是立即以 EAGAIN 失败"
                  "（用 MSG_DONTWAIT）");
}

LAB_TEST(test_try_read_nothing_there_eagain_at_once, 3)
{
    int client, server;
    lab_tcp_pair(&client, &server);
    char buf[DOC_READ_CAP];
    double start = lab_now();
    ssize_t n = LAB_CALL("try_read(<blocking socket, nothing sent>, buf, 8192)", try_read_blocked(),
                         try_read(server, buf, sizeof buf));
    int err = errno;
    double elapsed = lab_now() - start;
    LAB_ASSERT_FAILS_WITH("try_read(<blocking socket, nothing sent>, buf, 8192)", n, err, EAGAIN,
                          LAB_TR("recv(fd, buf, cap, MSG_DONTWAIT) fails with EAGAIN when no byte "
                                 "is there, even on a blocking socket",
                                 "recv(fd, buf, cap, MSG_DONTWAIT) 在没有数据时以 EAGAIN 失败，"
                                 "即使 socket 是阻塞的"));
    LAB_ASSERT(
        elapsed < AT_ONCE_S, "try_read(<blocking socket, nothing sent>)",
        LAB_TR("an answer at once (< 500 ms)", "立即返回（< 500 ms）"), ms_text(elapsed),
        LAB_TR("do not wait or poll for data: try means one look", "不要等待数据：只看一眼"));
    close(client);
    close(server);
}

/* Calls try_read, checks its result (want, or EAGAIN when want is -1), then that the
 * socket's flags are exactly as before. */
static void try_read_keeping_flags(int fd, ssize_t want, const char *what)
{
    char buf[64];
    int before = status_flags(fd);
    const char *call = lab_fmt("try_read(<%s>, buf, %zu)", what, sizeof buf);
    ssize_t n = LAB_CALL(call, try_read_blocked(), try_read(fd, buf, sizeof buf));
    int err = errno;
    int after = status_flags(fd);
    LAB_ASSERT(n == want && (want >= 0 || err == EAGAIN), call,
               want < 0 ? "-1, errno EAGAIN" : lab_fmt("%zd", want), lab_result_text(n, err),
               LAB_TR("-1 with EAGAIN when nothing is there, the byte count when data is, 0 at EOF",
                      "没有数据时 -1 加 EAGAIN，有数据时返回字节数，EOF 时返回 0"));
    LAB_ASSERT(
        after == before, call,
        lab_fmt(lab_tr("flags as before: %s", "标志与调用前相同：%s"), flags_text(before)),
        flags_text(after),
        LAB_TR("MSG_DONTWAIT affects one call and leaves the descriptor's flags alone; if you "
               "change O_NONBLOCK, put the old flags back on every path",
               "MSG_DONTWAIT 只影响这一次调用，不改描述符的标志；若改了 O_NONBLOCK，"
               "每条路径上都要恢复原来的标志"));
}

LAB_TEST(test_try_read_leaves_blocking_socket_blocking, 2)
{
    int client, server;
    lab_tcp_pair(&client, &server);
    try_read_keeping_flags(server, -1, "blocking socket, nothing sent");
    lab_write_all(client, "abc", 3);
    LAB_SETUP(lab_wait_readable(server, WAIT_MS), "data to arrive");
    try_read_keeping_flags(server, 3, "blocking socket, 3 bytes queued");
    LAB_SETUP(shutdown(client, SHUT_WR) == 0, "shutdown(SHUT_WR)");
    LAB_SETUP(lab_wait_readable(server, WAIT_MS), "EOF to arrive");
    try_read_keeping_flags(server, 0, "blocking socket at EOF");
    close(client);
    close(server);
}

LAB_TEST(test_try_read_keeps_nonblocking_socket_nonblocking, 1)
{
    int client, server;
    lab_tcp_pair(&client, &server);
    LAB_SETUP(fcntl(server, F_SETFL, fcntl(server, F_GETFL) | O_NONBLOCK) == 0,
              "fcntl(O_NONBLOCK)");
    try_read_keeping_flags(server, -1, "non-blocking socket, nothing sent");
    lab_write_all(client, "abc", 3);
    LAB_SETUP(lab_wait_readable(server, WAIT_MS), "data to arrive");
    try_read_keeping_flags(server, 3, "non-blocking socket, 3 bytes queued");
    close(client);
    close(server);
}

LAB_TEST(test_try_read_document_hello_world, 2)
{
    int client, server;
    lab_tcp_pair(&client, &server);
    lab_write_all(client, DOC_MESSAGE, strlen(DOC_MESSAGE));
    LAB_SETUP(lab_wait_readable(server, WAIT_MS), "the client's bytes to arrive");
    static char buf[DOC_READ_CAP];
    ssize_t n = LAB_CALL("try_read(conn, buf, 8192)", try_read_blocked(),
                         try_read(server, buf, sizeof buf));
    int err = errno;
    LAB_ASSERT(n == (ssize_t)strlen(DOC_MESSAGE), "try_read(conn, buf, 8192)", "11",
               lab_result_text(n, err),
               LAB_TR("return what recv() returned: the number of bytes read, as document 003's "
                      "recvfrom(4, \"hello world\", 8192, MSG_DONTWAIT, ...) = 11",
                      "返回 recv() 的结果，即读到的字节数，如文档 003 中 "
                      "recvfrom(4, \"hello world\", 8192, MSG_DONTWAIT, ...) = 11"));
    LAB_ASSERT_BYTES("try_read(conn, buf, 8192)", buf, (size_t)n, DOC_MESSAGE, strlen(DOC_MESSAGE),
                     LAB_TR("the bytes the peer sent, unchanged", "对端发送的字节，原样不变"));
    close(client);
    close(server);
}

LAB_TEST(test_try_read_respects_cap, 2)
{
    int client, server;
    lab_tcp_pair(&client, &server);
    lab_write_all(client, DOC_MESSAGE, strlen(DOC_MESSAGE));
    LAB_SETUP(lab_wait_readable(server, WAIT_MS), "the client's bytes to arrive");
    char buf[16];
    memset(buf, 'Z', sizeof buf);
    ssize_t n = LAB_CALL("try_read(conn, buf, 5)", try_read_blocked(), try_read(server, buf, 5));
    int err = errno;
    LAB_ASSERT(n == 5, "try_read(conn, buf, 5) with 11 bytes queued", "5", lab_result_text(n, err),
               LAB_TR("read at most cap bytes; the rest stays queued",
                      "最多读 cap 个字节；其余的留在队列里"));
    LAB_ASSERT_BYTES("try_read(conn, buf, 5)", buf, 8, "helloZZZ", 8,
                     LAB_TR("nothing may be written past buf[cap - 1]", "buf[cap - 1] 之后不能写"));
    memset(buf, 'Z', sizeof buf);
    n = LAB_CALL("try_read(conn, buf, 16)", try_read_blocked(), try_read(server, buf, sizeof buf));
    err = errno;
    LAB_ASSERT(n == 6, "try_read(conn, buf, 16) after reading 5 of 11 bytes", "6",
               lab_result_text(n, err),
               LAB_TR("the second call returns the 6 bytes that were left",
                      "第二次调用返回剩下的 6 个字节"));
    LAB_ASSERT_BYTES("try_read(conn, buf, 16)", buf, 6, " world", 6,
                     LAB_TR("the rest of the message, in order", "消息的剩余部分，按顺序"));
    n = LAB_CALL("try_read(conn, buf, 16) with nothing left", try_read_blocked(),
                 try_read(server, buf, sizeof buf));
    err = errno;
    LAB_ASSERT_FAILS_WITH("try_read(conn, buf, 16) with nothing left", n, err, EAGAIN,
                          LAB_TR("everything was read: now -1 with EAGAIN",
                                 "数据已读完：此时应返回 -1，errno 为 EAGAIN"));
    close(client);
    close(server);
}

LAB_TEST(test_try_read_eof_returns_zero, 2)
{
    int client, server;
    lab_tcp_pair(&client, &server);
    lab_write_all(client, "bye", 3);
    LAB_SETUP(shutdown(client, SHUT_WR) == 0, "shutdown(SHUT_WR)");
    LAB_SETUP(lab_wait_readable(server, WAIT_MS), "data to arrive");
    lab_sleep_ms(20); /* let the FIN follow the data */
    char buf[64];
    ssize_t n = LAB_CALL("try_read(conn, buf, 64) with \"bye\" and EOF queued", try_read_blocked(),
                         try_read(server, buf, sizeof buf));
    int err = errno;
    LAB_ASSERT(n == 3, "try_read(conn, buf, 64) with \"bye\" and EOF queued", "3",
               lab_result_text(n, err),
               LAB_TR("first the bytes that came before the end", "先返回结束前到达的字节"));
    n = LAB_CALL("try_read(conn, buf, 64) at EOF", try_read_blocked(),
                 try_read(server, buf, sizeof buf));
    err = errno;
    LAB_ASSERT(n == 0, "try_read(conn, buf, 64) after the peer's shutdown(SHUT_WR)", "0",
               lab_result_text(n, err),
               LAB_TR("recv() returns 0 at end of stream: pass it on (0 means EOF, -1 EAGAIN means "
                      "\"not yet\")",
                      "流结束时 recv() 返回 0：原样返回（0 表示 EOF，-1 加 EAGAIN 表示“还没有”）"));
    close(client);
    close(server);
}

LAB_TEST(test_try_read_uses_msg_dontwait, 1)
{
    int client, server;
    lab_tcp_pair(&client, &server);
    lab_write_all(client, DOC_MESSAGE, strlen(DOC_MESSAGE));
    LAB_SETUP(lab_wait_readable(server, WAIT_MS), "the client's bytes to arrive");
    int before = status_flags(server);
    char buf[DOC_READ_CAP];
    lab_record_reset();
    LAB_CALL("try_read(conn, buf, 8192)", try_read_blocked(), try_read(server, buf, sizeof buf));
    int dontwait = 0, made_nonblocking = 0, last_setfl = before;
    for (int i = 0; i < lab_record_count(); i++) {
        const struct lab_call *c = lab_recorded(i);
        if ((strcmp(c->name, "recv") == 0 || strcmp(c->name, "recvfrom") == 0 ||
             strcmp(c->name, "recvmsg") == 0) &&
            (c->arg[3] & MSG_DONTWAIT))
            dontwait = 1;
        if (strcmp(c->name, "fcntl") == 0 && c->arg[1] == F_SETFL && c->ret != -1) {
            made_nonblocking |= (c->arg[2] & O_NONBLOCK) != 0;
            last_setfl = (int)c->arg[2];
        }
    }
    LAB_ASSERT(dontwait || (made_nonblocking && last_setfl == before), "try_read(conn, buf, 8192)",
               LAB_TR("recv(fd, buf, 8192, MSG_DONTWAIT), as document 003's recvfrom()",
                      "recv(fd, buf, 8192, MSG_DONTWAIT)，与文档 003 的 recvfrom() 相同"),
               lab_recorded_text(),
               lab_fmt(LAB_TR("pass MSG_DONTWAIT (%d) in recv()'s flags: non-blocking for this "
                              "one call, without changing the socket",
                              "在 recv() 的 flags 中传 MSG_DONTWAIT（%d）：只对这一次调用非阻塞，"
                              "不改 socket"),
                       MSG_DONTWAIT));
    close(client);
    close(server);
}

LAB_TEST(test_try_read_closed_descriptor, 1)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    LAB_SETUP(fd >= 0, "socket()");
    close(fd);
    char buf[16];
    ssize_t n = LAB_CALL("try_read(<closed fd>, buf, 16)", NULL, try_read(fd, buf, sizeof buf));
    int err = errno;
    LAB_ASSERT_FAILS_WITH(
        "try_read(<closed descriptor>, buf, 16)", n, err, EBADF,
        LAB_TR("return -1 with the errno recv() set", "返回 -1，保留 recv() 设置的 errno"));
}

/* ---- connect_timeout --------------------------------------------------------------------- */

/* What a connect_timeout that ignores its time limit waits in. */
static const char *connect_blocked(void)
{
    return LAB_TR("connect() or poll(): the connection cannot complete, and the time limit was "
                  "not kept",
                  "connect() 或 poll()：连接无法完成，而时间限制没有起作用");
}

LAB_TEST(test_connect_timeout_connects_in_blocking_mode, 3)
{
    uint16_t port;
    int listener = lab_tcp_listener(&port, 4);
    int before = lab_count_fds();
    int fd = LAB_CALL("connect_timeout(\"127.0.0.1\", port, 2000)", connect_blocked(),
                      connect_timeout(LOOPBACK, port, WAIT_MS));
    int err = errno;
    LAB_ASSERT(fd >= 0, "connect_timeout(\"127.0.0.1\", <listening port>, 2000)",
               LAB_TR("a connected socket (>= 0)", "一个已连接的 socket（>= 0）"),
               lab_result_text(fd, err),
               LAB_TR("SO_ERROR 0 after poll() means connected: return the socket",
                      "poll() 之后 SO_ERROR 为 0 表示已连接：返回该 socket"));
    int flags = status_flags(fd);
    LAB_ASSERT(
        !(flags & O_NONBLOCK), "connect_timeout(\"127.0.0.1\", <listening port>, 2000)",
        LAB_TR("a blocking socket: F_GETFL without O_NONBLOCK",
               "阻塞的 socket：F_GETFL 中没有 O_NONBLOCK"),
        flags_text(flags),
        LAB_TR("put back the flags F_GETFL gave before connecting, like document 003's "
               "last fcntl(3, F_SETFL, O_RDWR)",
               "恢复连接前 F_GETFL 得到的标志，就像文档 003 最后的 fcntl(3, F_SETFL, O_RDWR)"));
    LAB_SETUP(lab_wait_readable(listener, WAIT_MS), "the connection in the listener's queue");
    int conn = accept(listener, NULL, NULL);
    LAB_SETUP(conn >= 0, "accept()");
    lab_write_all(fd, "ping", 4);
    char buf[4];
    size_t got = lab_read_exact(conn, buf, sizeof buf, WAIT_MS);
    LAB_ASSERT_BYTES(
        "connect_timeout(...), then write(fd, \"ping\", 4)", buf, got, "ping", 4,
        LAB_TR("the socket must be connected to the listener", "socket 应已连接到监听者"));
    close(fd);
    close(conn);
    LAB_ASSERT_NO_FD_LEAK("connect_timeout()", before,
                          LAB_TR("open exactly one descriptor: the socket returned",
                                 "只打开一个描述符：返回的那个 socket"));
    close(listener);
}

/* Index of the first recorded call from @p from on that matches, or -1. */
static int find_call(int from, const char *name, long a1, long a2)
{
    for (int i = from; i < lab_record_count(); i++) {
        const struct lab_call *c = lab_recorded(i);
        if (strcmp(c->name, name) == 0 && (a1 < 0 || c->arg[1] == a1) &&
            (a2 < 0 || c->arg[2] == a2))
            return i;
    }
    return -1;
}

/* Fails the sequence test at the step that is missing. */
static void expect_step(int found, const char *step)
{
    const char *order = LAB_TR(
        "document 003: fcntl(F_GETFL); fcntl(F_SETFL, flags | O_NONBLOCK); connect() = -1 "
        "EINPROGRESS; poll(POLLOUT, timeout); getsockopt(SO_ERROR); fcntl(F_SETFL, flags). "
        "In the list: fcntl(fd, cmd, arg) with F_GETFL = %d, F_SETFL = %d; poll(nfds, timeout, "
        "fd); getsockopt(fd, level, name) with SOL_SOCKET = %d, SO_ERROR = %d",
        "文档 003：fcntl(F_GETFL)；fcntl(F_SETFL, flags | O_NONBLOCK)；connect() = -1 "
        "EINPROGRESS；poll(POLLOUT, timeout)；getsockopt(SO_ERROR)；fcntl(F_SETFL, flags)。"
        "列表中：fcntl(fd, cmd, arg)，F_GETFL = %d，F_SETFL = %d；poll(nfds, timeout, fd)；"
        "getsockopt(fd, level, name)，SOL_SOCKET = %d，SO_ERROR = %d");
    LAB_ASSERT(
        found >= 0, "connect_timeout(\"127.0.0.1\", port, 2000)",
        lab_fmt(lab_tr("next in document 003's order: %s", "按文档 003 的顺序，下一步是：%s"),
                step),
        lab_recorded_text(), lab_fmt(order, F_GETFL, F_SETFL, SOL_SOCKET, SO_ERROR));
}

LAB_TEST(test_connect_timeout_follows_document_003, 3)
{
    uint16_t port;
    int listener = lab_tcp_listener(&port, 4);
    lab_record_reset();
    int fd = LAB_CALL("connect_timeout(\"127.0.0.1\", port, 2000)", connect_blocked(),
                      connect_timeout(LOOPBACK, port, WAIT_MS));
    int err = errno;
    LAB_ASSERT(fd >= 0, "connect_timeout(\"127.0.0.1\", <listening port>, 2000)",
               LAB_TR("a connected socket (>= 0)", "一个已连接的 socket（>= 0）"),
               lab_result_text(fd, err), LAB_TR("see the other tests", "参见其他测试"));

    int i = find_call(0, "fcntl", F_GETFL, -1);
    expect_step(i, "fcntl(fd, F_GETFL)");
    long old = lab_recorded(i)->ret;
    i = find_call(i + 1, "fcntl", F_SETFL, old | O_NONBLOCK);
    expect_step(i, lab_fmt("fcntl(fd, F_SETFL, %ld) (= F_GETFL's %ld | O_NONBLOCK %d)",
                           old | O_NONBLOCK, old, O_NONBLOCK));
    i = find_call(i + 1, "connect", -1, -1);
    expect_step(i, "connect()");
    if (lab_recorded(i)->ret == -1) {
        int j = i;
        i = -1;
        /* The wait: poll() on the socket for POLLOUT, with (about) the time asked for. */
        while ((j = find_call(j + 1, "poll", -1, -1)) >= 0) {
            const struct lab_call *c = lab_recorded(j);
            if ((c->arg[3] & POLLOUT) && c->arg[1] > WAIT_MS - 200 && c->arg[1] <= WAIT_MS) {
                i = j;
                break;
            }
        }
        expect_step(i, "poll([{fd, POLLOUT}], 1, 2000)");
        i = find_call(i + 1, "getsockopt", SOL_SOCKET, SO_ERROR);
        expect_step(i, "getsockopt(fd, SOL_SOCKET, SO_ERROR)");
    }
    i = find_call(i + 1, "fcntl", F_SETFL, old);
    expect_step(i, lab_fmt("fcntl(fd, F_SETFL, %ld) (the old flags again)", old));
    close(fd);
    close(listener);
}

LAB_TEST(test_connect_timeout_refused_at_once, 3)
{
    int holder;
    uint16_t port = lab_closed_port(&holder);
    double start = lab_now();
    int fd = LAB_CALL("connect_timeout(\"127.0.0.1\", <closed port>, 5000)", connect_blocked(),
                      connect_timeout(LOOPBACK, port, 5000));
    int err = errno;
    double elapsed = lab_now() - start;
    LAB_ASSERT_FAILS_WITH(
        "connect_timeout(\"127.0.0.1\", <closed port>, 5000)", fd, err, ECONNREFUSED,
        LAB_TR("poll() says \"writable\" when the handshake is over, also when it "
               "failed: read getsockopt(SO_ERROR) and fail with that error",
               "握手结束时（失败也一样）poll() 都会报告“可写”：读取 "
               "getsockopt(SO_ERROR)，并以该错误失败"));
    LAB_ASSERT(elapsed < REFUSED_AT_ONCE_S, "connect_timeout(\"127.0.0.1\", <closed port>, 5000)",
               LAB_TR("ECONNREFUSED at once (< 1 s), not after the time limit",
                      "立即得到 ECONNREFUSED（< 1 s），而不是等到超时"),
               ms_text(elapsed),
               LAB_TR("a refused connect ends the wait: poll() returns as soon as the RST comes",
                      "连接被拒绝就结束等待：RST 一到 poll() 就返回"));
    close(holder);
}

LAB_TEST(test_connect_timeout_refused_leaks_nothing, 2)
{
    int holder;
    uint16_t port = lab_closed_port(&holder);
    int before = lab_count_fds();
    for (int i = 0; i < 20; i++) {
        int fd = LAB_CALL("connect_timeout(\"127.0.0.1\", <closed port>, 2000)", connect_blocked(),
                          connect_timeout(LOOPBACK, port, WAIT_MS));
        int err = errno;
        lab_close(fd);
        LAB_ASSERT_FAILS_WITH(
            lab_fmt("connect_timeout(\"127.0.0.1\", <closed port>, 2000), call %d", i + 1), fd, err,
            ECONNREFUSED,
            LAB_TR("every call is refused: -1 with ECONNREFUSED (from SO_ERROR)",
                   "每次调用都被拒绝：-1，errno 为 ECONNREFUSED（来自 SO_ERROR）"));
    }
    LAB_ASSERT_NO_FD_LEAK(
        "connect_timeout(\"127.0.0.1\", <closed port>, 2000) 20 times", before,
        LAB_TR("close the socket on every failure path (one cleanup point: goto fail)",
               "每条失败路径都要关闭 socket（一个清理点：goto fail）"));
    close(holder);
}

LAB_TEST(test_connect_timeout_times_out, 3)
{
    struct full_listener full;
    full_listener_open(&full);
    int before = lab_count_fds();
    double start = lab_now();
    int fd = LAB_CALL("connect_timeout(\"127.0.0.1\", <listener with a full queue>, 300)",
                      connect_blocked(), connect_timeout(LOOPBACK, full.port, 300));
    int err = errno;
    double elapsed = lab_now() - start;
    LAB_ASSERT_FAILS_WITH(
        "connect_timeout(\"127.0.0.1\", <listener with a full queue>, 300)", fd, err, ETIMEDOUT,
        LAB_TR("when poll() returns 0 the time is up: close the socket and fail "
               "with errno = ETIMEDOUT",
               "poll() 返回 0 表示时间到了：关闭 socket，以 errno = ETIMEDOUT 失败"));
    LAB_ASSERT(elapsed >= 0.2 && elapsed <= 2.5,
               "connect_timeout(\"127.0.0.1\", <listener with a full queue>, 300)",
               LAB_TR("about 300 ms (200 ms .. 2500 ms)", "约 300 ms（200 ms .. 2500 ms）"),
               ms_text(elapsed),
               LAB_TR("pass timeout_ms to poll() (milliseconds, not seconds)",
                      "把 timeout_ms 传给 poll()（单位是毫秒，不是秒）"));
    LAB_ASSERT_NO_FD_LEAK("connect_timeout(..., 300) that timed out", before,
                          LAB_TR("close the socket when the time runs out", "超时时要关闭 socket"));
    full_listener_close(&full);
}

/* Sends SIGUSR1 to the test's thread every 100 ms until told to stop (at most 2.5 s). */
#define SIGNAL_EVERY_MS 100
#define SIGNALS_MAX 25
struct signaller {
    pthread_t target;
    volatile int stop;
};
static volatile sig_atomic_t signals_caught;

static void count_signal(int sig)
{
    (void)sig;
    signals_caught++;
}

static void *send_signals(void *arg)
{
    struct signaller *s = arg;
    for (int i = 0; i < SIGNALS_MAX && !s->stop; i++) {
        lab_sleep_ms(SIGNAL_EVERY_MS);
        if (!s->stop)
            pthread_kill(s->target, SIGUSR1);
    }
    return NULL;
}

LAB_TEST(test_connect_timeout_poll_retried_with_time_left, 2)
{
    struct full_listener full;
    full_listener_open(&full);
    /* No SA_RESTART: every signal makes poll() fail with EINTR. */
    struct sigaction action, old_action;
    memset(&action, 0, sizeof action);
    action.sa_handler = count_signal;
    sigemptyset(&action.sa_mask);
    LAB_SETUP(sigaction(SIGUSR1, &action, &old_action) == 0, "sigaction(SIGUSR1)");
    struct signaller s = {.target = pthread_self(), .stop = 0};
    void *thread;
    signals_caught = 0;
    lab_thread_start(send_signals, &s, &thread);

    double start = lab_now();
    int fd =
        LAB_CALL("connect_timeout(\"127.0.0.1\", <full queue>, 400) with a signal every 100 ms",
                 connect_blocked(), connect_timeout(LOOPBACK, full.port, 400));
    int err = errno;
    double elapsed = lab_now() - start;
    int caught = signals_caught;
    s.stop = 1;
    lab_thread_join(thread);
    sigaction(SIGUSR1, &old_action, NULL);

    const char *call = "connect_timeout(\"127.0.0.1\", <full queue>, 400), SIGUSR1 every 100 ms";
    LAB_ASSERT_FAILS_WITH(call, fd, err, ETIMEDOUT,
                          LAB_TR("poll() fails with EINTR when a signal arrives: that is not the "
                                 "outcome, call poll() again",
                                 "信号到来时 poll() 以 EINTR 失败：这不是结果，要再次调用 poll()"));
    LAB_ASSERT(
        elapsed >= 0.3 && elapsed <= 1.8, call,
        LAB_TR("about 400 ms in total (300 ms .. 1800 ms)", "总共约 400 ms（300 ms .. 1800 ms）"),
        ms_text(elapsed),
        LAB_TR("after EINTR wait only for the time left (deadline - now, on CLOCK_MONOTONIC), "
               "not the full timeout again",
               "EINTR 之后只等剩下的时间（截止时刻 - 现在，用 CLOCK_MONOTONIC），"
               "不要重新等满整个超时"));
    LAB_SETUP(caught >= 2, "signals during the call"); /* else the test proved nothing */
    full_listener_close(&full);
}

struct delayed_accept {
    int listener;
};

/* Accepts one queued connection after 400 ms: room in the queue for the next SYN. */
static void *accept_later(void *arg)
{
    struct delayed_accept *d = arg;
    lab_sleep_ms(400);
    int conn = accept(d->listener, NULL, NULL);
    if (conn >= 0)
        close(conn);
    return NULL;
}

LAB_TEST(test_connect_timeout_negative_waits_without_limit, 2)
{
    struct full_listener full;
    full_listener_open(&full);
    struct delayed_accept d = {.listener = full.listener};
    void *thread;
    lab_thread_start(accept_later, &d, &thread);
    lab_record_reset();
    double start = lab_now();
    /* The kernel sends the SYN again after about 1 s; by then there is room. */
    int fd = LAB_CALL("connect_timeout(\"127.0.0.1\", <queue full for 400 ms>, -1)",
                      connect_blocked(), connect_timeout(LOOPBACK, full.port, -1));
    int err = errno;
    double elapsed = lab_now() - start;
    lab_thread_join(thread);
    LAB_ASSERT(fd >= 0, "connect_timeout(\"127.0.0.1\", <queue full for 400 ms>, -1)",
               LAB_TR("a connected socket after about 1 s", "约 1 秒后得到已连接的 socket"),
               lab_fmt("%s after %s", lab_result_text(fd, err), ms_text(elapsed)),
               LAB_TR("a negative timeout means no limit: poll(..., -1)",
                      "负的超时表示不限时：poll(..., -1)"));
    for (int i = 0; i < lab_record_count(); i++) {
        const struct lab_call *c = lab_recorded(i);
        LAB_ASSERT(
            strcmp(c->name, "poll") != 0 || c->arg[1] < 0,
            "connect_timeout(\"127.0.0.1\", port, -1)",
            LAB_TR("poll() with a negative timeout (no limit)", "poll() 的超时为负（不限时）"),
            lab_recorded_text(),
            LAB_TR("do not turn \"no limit\" into a number: pass the negative value on",
                   "不要把“不限时”换成某个数：直接传负值"));
    }
    close(fd);
    full_listener_close(&full);
}

LAB_TEST(test_connect_timeout_zero_checks_once, 1)
{
    struct full_listener full;
    full_listener_open(&full);
    int before = lab_count_fds();
    double start = lab_now();
    int fd = LAB_CALL("connect_timeout(\"127.0.0.1\", <full queue>, 0)", connect_blocked(),
                      connect_timeout(LOOPBACK, full.port, 0));
    int err = errno;
    double elapsed = lab_now() - start;
    LAB_ASSERT_FAILS_WITH("connect_timeout(\"127.0.0.1\", <full queue>, 0)", fd, err, ETIMEDOUT,
                          LAB_TR("timeout 0: look once (poll(..., 0)); not connected yet means "
                                 "ETIMEDOUT",
                                 "超时为 0：只看一次（poll(..., 0)）；尚未连上就是 ETIMEDOUT"));
    LAB_ASSERT(elapsed < AT_ONCE_S, "connect_timeout(\"127.0.0.1\", <full queue>, 0)",
               LAB_TR("an answer at once (< 500 ms)", "立即返回（< 500 ms）"), ms_text(elapsed),
               LAB_TR("0 is not \"no limit\": only a negative timeout waits for ever",
                      "0 不是“不限时”：只有负的超时才无限等待"));
    LAB_ASSERT_NO_FD_LEAK("connect_timeout(..., 0) that timed out", before,
                          LAB_TR("close the socket when the time runs out", "超时时要关闭 socket"));
    full_listener_close(&full);
}

LAB_TEST(test_connect_timeout_bad_ip, 1)
{
    static const char *const bad[] = {"999.1.1.1", "localhost", "", "127.0.0.1 ", "::1"};
    int before = lab_count_fds();
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *call = lab_fmt("connect_timeout(%s, 80, 100)", lab_escape_str(bad[i]));
        int fd = LAB_CALL(call, NULL, connect_timeout(bad[i], 80, 100));
        int err = errno;
        LAB_ASSERT_FAILS_WITH(call, fd, err, EINVAL,
                              LAB_TR("inet_pton(AF_INET, ...) returns 0 for a string that is not a "
                                     "dotted quad and sets no errno: set EINVAL yourself",
                                     "inet_pton(AF_INET, ...) 对不是点分十进制的字符串返回 0，"
                                     "且不设置 errno：自己设 EINVAL"));
    }
    LAB_ASSERT_NO_FD_LEAK(
        "connect_timeout(<bad ip>, ...)", before,
        LAB_TR("check the address before socket(): then there is nothing to close",
               "在 socket() 之前检查地址：这样就没有需要关闭的东西"));
}

LAB_TEST(test_connect_timeout_keeps_errno_through_close, 1)
{
    int holder;
    uint16_t port = lab_closed_port(&holder);
    lab_inject_errno_on_success("close", EIO);
    int fd =
        LAB_CALL("connect_timeout(\"127.0.0.1\", <closed port>, 2000), close() clobbering errno",
                 connect_blocked(), connect_timeout(LOOPBACK, port, WAIT_MS));
    int err = errno;
    LAB_ASSERT_FAILS_WITH(
        "connect_timeout(\"127.0.0.1\", <closed port>, 2000)", fd, err, ECONNREFUSED,
        LAB_TR("close() may change errno even when it succeeds: save errno before "
               "the clean-up close() and restore it after",
               "close() 即使成功也可能改变 errno：清理用的 close() 之前先保存 "
               "errno，之后再恢复"));
    struct full_listener full;
    full_listener_open(&full);
    fd = LAB_CALL("connect_timeout(\"127.0.0.1\", <full queue>, 0), close() clobbering errno",
                  connect_blocked(), connect_timeout(LOOPBACK, full.port, 0));
    err = errno;
    lab_inject_clear();
    LAB_ASSERT_FAILS_WITH("connect_timeout(\"127.0.0.1\", <full queue>, 0)", fd, err, ETIMEDOUT,
                          LAB_TR("set ETIMEDOUT, then keep it through the clean-up close()",
                                 "设置 ETIMEDOUT，并让它在清理用的 close() 之后保持不变"));
    full_listener_close(&full);
    close(holder);
}

LAB_TEST(test_connect_timeout_reports_emfile, 1)
{
    int holder;
    uint16_t port = lab_closed_port(&holder);
    lab_exhaust_descriptors();
    int fd = LAB_CALL("connect_timeout(\"127.0.0.1\", port, 100) with no descriptor left", NULL,
                      connect_timeout(LOOPBACK, port, 100));
    int err = errno;
    lab_release_descriptors();
    LAB_ASSERT_FAILS_WITH("connect_timeout(\"127.0.0.1\", port, 100) with no descriptor left", fd,
                          err, EMFILE,
                          LAB_TR("when socket() fails, return -1 and keep its errno",
                                 "socket() 失败时返回 -1，并保留它的 errno"));
    close(holder);
}

void lab_register_tests(void)
{
    LAB_ADD(test_set_nonblocking_turns_on_and_off);
    LAB_ADD(test_set_nonblocking_keeps_other_flags);
    LAB_ADD(test_set_nonblocking_is_idempotent);
    LAB_ADD(test_set_nonblocking_works_on_pipes);
    LAB_ADD(test_set_nonblocking_closed_descriptor);
    LAB_ADD(test_try_read_nothing_there_eagain_at_once);
    LAB_ADD(test_try_read_leaves_blocking_socket_blocking);
    LAB_ADD(test_try_read_keeps_nonblocking_socket_nonblocking);
    LAB_ADD(test_try_read_document_hello_world);
    LAB_ADD(test_try_read_respects_cap);
    LAB_ADD(test_try_read_eof_returns_zero);
    LAB_ADD(test_try_read_uses_msg_dontwait);
    LAB_ADD(test_try_read_closed_descriptor);
    LAB_ADD(test_connect_timeout_connects_in_blocking_mode);
    LAB_ADD(test_connect_timeout_follows_document_003);
    LAB_ADD(test_connect_timeout_refused_at_once);
    LAB_ADD(test_connect_timeout_refused_leaks_nothing);
    LAB_ADD_TIMEOUT(test_connect_timeout_times_out, 6.0);
    LAB_ADD_TIMEOUT(test_connect_timeout_poll_retried_with_time_left, 6.0);
    LAB_ADD_TIMEOUT(test_connect_timeout_negative_waits_without_limit, 6.0);
    LAB_ADD(test_connect_timeout_zero_checks_once);
    LAB_ADD(test_connect_timeout_bad_ip);
    LAB_ADD(test_connect_timeout_keeps_errno_through_close);
    LAB_ADD(test_connect_timeout_reports_emfile);
}
