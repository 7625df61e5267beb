/* 03-listen.c — tests of lesson 03: start_listening, is_listening, create_listener. */
#define _GNU_SOURCE
#include "listen.h"
#include "lab.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define WAIT_MS 2000        /* generous bound for anything that happens on loopback */
#define TCP_STATE_LISTEN 10 /* tcpi_state of a listening socket (TCP_LISTEN in the kernel) */
#define MANY_FAILURES 200   /* calls in the leak test */
#define SOCK_TYPE_MASK 0xf  /* socket()'s type without SOCK_NONBLOCK / SOCK_CLOEXEC */

/* ---- helpers: what the kernel says, asked by the test itself ---------------------------- */

/* SO_ACCEPTCONN as the test reads it: 1 listening, 0 not. */
static int accepts_connections(int fd)
{
    int value = -1;
    socklen_t len = sizeof value;
    LAB_SETUP(getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &value, &len) == 0,
              "getsockopt(SO_ACCEPTCONN)");
    return value != 0;
}

/*
 * On a listening TCP socket, Linux's TCP_INFO reports the backlog that
 * listen() received (capped at net.core.somaxconn) in tcpi_sacked and the
 * connections waiting in the accept queue in tcpi_unacked.
 */
static struct tcp_info listener_info(int fd)
{
    struct tcp_info info;
    socklen_t len = sizeof info;
    memset(&info, 0, sizeof info);
    LAB_SETUP(getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) == 0, "getsockopt(TCP_INFO)");
    LAB_SETUP(info.tcpi_state == TCP_STATE_LISTEN, "TCP_INFO of a listening socket");
    return info;
}

static unsigned backlog_of(int fd)
{
    return listener_info(fd).tcpi_sacked;
}

/* Waits until @p want connections sit in the accept queue; returns how many do. */
static unsigned wait_queued(int fd, unsigned want)
{
    double deadline = lab_now() + WAIT_MS / 1000.0;
    unsigned queued = listener_info(fd).tcpi_unacked;
    while (queued < want && lab_now() < deadline) {
        lab_sleep_ms(5);
        queued = listener_info(fd).tcpi_unacked;
    }
    return queued;
}

/* An IPv4 TCP socket bound to 127.0.0.1:0, not listening. */
static int bound_socket(void)
{
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    LAB_SETUP(fd >= 0, "socket()");
    LAB_SETUP(bind(fd, (struct sockaddr *)&addr, sizeof addr) == 0, "bind(127.0.0.1:0)");
    return fd;
}

/*
 * A client connected to ip:port within WAIT_MS, or -1 with errno
 * (ECONNREFUSED when nothing listens, ETIMEDOUT when the time runs out).
 */
static int connect_within(const char *ip, uint16_t port)
{
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port)};
    LAB_SETUP(inet_pton(AF_INET, ip, &addr.sin_addr) == 1, "inet_pton() in the test");
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    LAB_SETUP(fd >= 0, "socket() for a test client");
    int err = 0;
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
        err = errno;
        if (err == EINPROGRESS) {
            struct pollfd pfd = {.fd = fd, .events = POLLOUT};
            socklen_t len = sizeof err;
            if (poll(&pfd, 1, WAIT_MS) != 1)
                err = ETIMEDOUT;
            else
                LAB_SETUP(getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0,
                          "getsockopt(SO_ERROR)");
        }
    }
    if (err) {
        close(fd);
        errno = err;
        return -1;
    }
    LAB_SETUP(fcntl(fd, F_SETFL, 0) == 0, "fcntl(F_SETFL) on a test client");
    return fd;
}

/* The local address of @p fd as "ip:port". */
static const char *local_text(int fd)
{
    struct sockaddr_in addr;
    socklen_t len = sizeof addr;
    char ip[INET_ADDRSTRLEN] = "?";
    memset(&addr, 0, sizeof addr);
    if (getsockname(fd, (struct sockaddr *)&addr, &len) < 0)
        return lab_fmt("getsockname: %s", lab_errno_text(errno));
    if (addr.sin_family != AF_INET)
        return lab_fmt("family %d", addr.sin_family);
    inet_ntop(AF_INET, &addr.sin_addr, ip, sizeof ip);
    return lab_fmt("%s:%u", ip, ntohs(addr.sin_port));
}

static uint16_t swapped(uint16_t port)
{
    return (uint16_t)((port >> 8) | (port << 8));
}

/* ---- start_listening ------------------------------------------------------------------ */

LAB_TEST(test_start_listening_accepts_connections, 3)
{
    int fd = bound_socket();
    uint16_t port = lab_local_port(fd);
    int rc = LAB_CALL("start_listening(fd, 5)", NULL, start_listening(fd, 5));
    int err = errno;
    LAB_ASSERT(rc == 0, "start_listening(<socket bound to 127.0.0.1>, 5)", "0",
               lab_result_text(rc, err),
               LAB_TR("call listen(fd, backlog) and return its result",
                      "调用 listen(fd, backlog) 并返回它的结果"));
    LAB_ASSERT(
        accepts_connections(fd), "start_listening(fd, 5)",
        LAB_TR("SO_ACCEPTCONN = 1 (the socket listens)", "SO_ACCEPTCONN = 1（socket 在监听）"),
        "SO_ACCEPTCONN = 0",
        LAB_TR("returning 0 is not enough: the socket must really listen",
               "只返回 0 不够：socket 必须真的在监听"));

    /* The kernel completes the handshakes itself: both clients are connected
     * before anybody calls accept(). */
    int first = connect_within("127.0.0.1", port);
    err = errno;
    LAB_ASSERT(first >= 0, lab_fmt("connect() to 127.0.0.1:%u after start_listening()", port),
               LAB_TR("the connection completes (before any accept())",
                      "连接完成（在任何 accept() 之前）"),
               lab_result_text(first, err),
               LAB_TR("listen() must be called on the descriptor passed in",
                      "要对传入的那个描述符调用 listen()"));
    int second = connect_within("127.0.0.1", port);
    LAB_SETUP(second >= 0, "second connect()");
    unsigned queued = wait_queued(fd, 2);
    LAB_ASSERT(queued == 2, "start_listening(fd, 5)",
               LAB_TR("2 connections waiting in the accept queue", "接受队列里有 2 个等待的连接"),
               lab_fmt("%u", queued),
               LAB_TR("connections wait in the queue until accept() takes them",
                      "连接会在队列里等待，直到 accept() 把它们取走"));
    close(first);
    close(second);
    close(fd);
}

LAB_TEST(test_start_listening_passes_backlog, 2)
{
    static const int backlogs[] = {7, 1};
    for (size_t i = 0; i < sizeof backlogs / sizeof backlogs[0]; i++) {
        int fd = bound_socket();
        const char *call = lab_fmt("start_listening(fd, %d)", backlogs[i]);
        int rc = LAB_CALL(call, NULL, start_listening(fd, backlogs[i]));
        int err = errno;
        LAB_ASSERT(rc == 0 && accepts_connections(fd), call,
                   LAB_TR("0, and the socket listens", "0，并且 socket 在监听"),
                   lab_result_text(rc, err),
                   LAB_TR("call listen(fd, backlog)", "调用 listen(fd, backlog)"));
        unsigned got = backlog_of(fd);
        LAB_ASSERT(
            got == (unsigned)backlogs[i], call,
            lab_fmt(
                LAB_TR("backlog %d (as TCP_INFO reports it)", "backlog %d（TCP_INFO 报告的值）"),
                backlogs[i]),
            lab_fmt("backlog %u", got),
            LAB_TR("pass the backlog to listen() unchanged; do not replace it with SOMAXCONN "
                   "or a constant such as 5",
                   "把 backlog 原样传给 listen()，不要换成 SOMAXCONN 或 5 之类的常数"));
        close(fd);
    }
}

LAB_TEST(test_start_listening_again_changes_backlog, 1)
{
    int fd = bound_socket();
    LAB_SETUP(listen(fd, 3) == 0, "listen(fd, 3) in the test");
    int rc = LAB_CALL("start_listening(<already listening, backlog 3>, 9)", NULL,
                      start_listening(fd, 9));
    int err = errno;
    unsigned got = backlog_of(fd);
    LAB_ASSERT(rc == 0 && got == 9, "start_listening(<already listening, backlog 3>, 9)",
               LAB_TR("0, backlog 9", "0，backlog 9"),
               lab_fmt("%s, backlog %u", lab_result_text(rc, err), got),
               LAB_TR("listen() on a listening socket is allowed and sets the new backlog: "
                      "just call it, do not skip it",
                      "对已在监听的 socket 再调用 listen() 是允许的，会设置新的 "
                      "backlog：直接调用，不要跳过"));
    close(fd);
}

/* start_listening(fd, 4) on @p fd must succeed and make it listen. */
static void expect_listens(int fd, const char *what)
{
    const char *call = lab_fmt("start_listening(<%s>, 4)", what);
    int rc = LAB_CALL(call, NULL, start_listening(fd, 4));
    int err = errno;
    LAB_ASSERT(rc == 0 && accepts_connections(fd), call,
               LAB_TR("0, and the socket listens", "0，并且 socket 在监听"),
               lab_result_text(rc, err),
               LAB_TR("listen() works for every stream socket, not only IPv4",
                      "listen() 对所有流式 socket 都有效，不只是 IPv4"));
}

LAB_TEST(test_start_listening_other_stream_sockets, 1)
{
    /* An AF_UNIX socket bound with an empty name gets an abstract address. */
    struct sockaddr_un local = {.sun_family = AF_UNIX};
    int unix_fd = socket(AF_UNIX, SOCK_STREAM, 0);
    LAB_SETUP(unix_fd >= 0, "socket(AF_UNIX)");
    LAB_SETUP(bind(unix_fd, (struct sockaddr *)&local, sizeof(sa_family_t)) == 0,
              "bind(AF_UNIX, autobind)");
    expect_listens(unix_fd, "AF_UNIX stream socket");
    close(unix_fd);

    struct sockaddr_in6 v6 = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    int v6_fd = socket(AF_INET6, SOCK_STREAM, 0);
    /* A machine without IPv6 still runs the rest. */
    if (v6_fd >= 0 && bind(v6_fd, (struct sockaddr *)&v6, sizeof v6) == 0)
        expect_listens(v6_fd, "TCP socket bound to [::1]:0");
    lab_close(v6_fd);
}

LAB_TEST(test_start_listening_udp_socket, 1)
{
    uint16_t port;
    int fd = lab_udp_socket(&port);
    int rc = LAB_CALL("start_listening(<UDP socket>, 5)", NULL, start_listening(fd, 5));
    int err = errno;
    LAB_ASSERT_FAILS_WITH(
        "start_listening(<UDP socket>, 5)", rc, err, EOPNOTSUPP,
        LAB_TR("UDP has no connections to accept: listen() fails with EOPNOTSUPP; "
               "return -1 and keep that errno",
               "UDP 没有可接受的连接：listen() 以 EOPNOTSUPP 失败；返回 -1 并保留该 errno"));
    LAB_ASSERT(lab_fd_is_open(fd), "start_listening(<UDP socket>, 5)",
               LAB_TR("the descriptor still open", "描述符仍然打开"),
               LAB_TR("the descriptor was closed", "描述符被关闭了"),
               LAB_TR("the descriptor belongs to the caller: do not close it on failure",
                      "描述符属于调用者：失败时不要关闭它"));
    close(fd);
}

LAB_TEST(test_start_listening_not_a_socket, 1)
{
    int fds[2];
    LAB_SETUP(pipe(fds) == 0, "pipe()");
    int rc = LAB_CALL("start_listening(<pipe>, 5)", NULL, start_listening(fds[0], 5));
    int err = errno;
    LAB_ASSERT_FAILS_WITH("start_listening(<read end of a pipe>, 5)", rc, err, ENOTSOCK,
                          LAB_TR("return -1 and keep listen()'s errno (ENOTSOCK)",
                                 "返回 -1，并保留 listen() 的 errno (ENOTSOCK)"));
    close(fds[0]);
    close(fds[1]);
}

LAB_TEST(test_start_listening_closed_descriptor, 1)
{
    int fd = bound_socket();
    close(fd);
    int rc = LAB_CALL("start_listening(<closed fd>, 5)", NULL, start_listening(fd, 5));
    int err = errno;
    LAB_ASSERT_FAILS_WITH("start_listening(<closed descriptor>, 5)", rc, err, EBADF,
                          LAB_TR("return -1 and keep listen()'s errno (EBADF)",
                                 "返回 -1，并保留 listen() 的 errno (EBADF)"));
}

/* ---- is_listening ---------------------------------------------------------------------- */

static void expect_is_listening(int fd, const char *what, int want)
{
    const char *call = lab_fmt("is_listening(<%s>)", what);
    int rc = LAB_CALL(call, NULL, is_listening(fd));
    int err = errno;
    LAB_ASSERT(rc == want, call, lab_fmt("%d", want), lab_result_text(rc, err),
               rc < 0 ? LAB_TR("getsockopt(SO_ACCEPTCONN) works on every socket: return the "
                               "value it stores (1 or 0)",
                               "getsockopt(SO_ACCEPTCONN) 对任何 socket 都能用：返回它写入的值"
                               "（1 或 0）")
               : want ? LAB_TR("return the SO_ACCEPTCONN value that getsockopt() stores, not "
                               "getsockopt()'s own result (0 means only \"asking worked\")",
                               "返回 getsockopt() 写入的 SO_ACCEPTCONN 值，而不是 getsockopt() "
                               "自己的返回值（0 只表示“查询成功”）")
                      : LAB_TR("only a socket on which listen() was called accepts connections: "
                               "read SO_ACCEPTCONN, do not guess from the socket type",
                               "只有调用过 listen() 的 socket 才接受连接：读取 SO_ACCEPTCONN，"
                               "不要根据 socket 类型去猜"));
}

LAB_TEST(test_is_listening_listener, 2)
{
    uint16_t port;
    int fd = lab_tcp_listener(&port, 4);
    expect_is_listening(fd, "listening TCP socket", 1);
    close(fd);
}

LAB_TEST(test_is_listening_other_sockets, 2)
{
    int fresh = socket(AF_INET, SOCK_STREAM, 0);
    LAB_SETUP(fresh >= 0, "socket()");
    expect_is_listening(fresh, "new TCP socket", 0);
    int bound = bound_socket();
    expect_is_listening(bound, "TCP socket bound, not listening", 0);
    int client, server;
    lab_tcp_pair(&client, &server);
    expect_is_listening(client, "connected client", 0);
    expect_is_listening(server, "socket returned by accept()", 0);
    uint16_t port;
    int udp = lab_udp_socket(&port);
    expect_is_listening(udp, "UDP socket", 0);
    close(fresh);
    close(bound);
    close(client);
    close(server);
    close(udp);
}

LAB_TEST(test_is_listening_not_a_socket, 1)
{
    int fds[2];
    LAB_SETUP(pipe(fds) == 0, "pipe()");
    int rc = LAB_CALL("is_listening(<pipe>)", NULL, is_listening(fds[1]));
    int err = errno;
    LAB_ASSERT_FAILS_WITH(
        "is_listening(<write end of a pipe>)", rc, err, ENOTSOCK,
        LAB_TR("when getsockopt() itself fails, return -1 (not 0) and keep its errno",
               "getsockopt() 本身失败时返回 -1（不是 0），并保留它的 errno"));
    close(fds[0]);
    close(fds[1]);
}

LAB_TEST(test_is_listening_closed_descriptor, 1)
{
    uint16_t port;
    int fd = lab_tcp_listener(&port, 4);
    close(fd);
    int rc = LAB_CALL("is_listening(<closed fd>)", NULL, is_listening(fd));
    int err = errno;
    LAB_ASSERT_FAILS_WITH("is_listening(<closed descriptor>)", rc, err, EBADF,
                          LAB_TR("return -1 and keep getsockopt()'s errno (EBADF)",
                                 "返回 -1，并保留 getsockopt() 的 errno (EBADF)"));
}

/* ---- create_listener: normal path ------------------------------------------------------ */

/* create_listener(ip, port, backlog) must succeed; returns the descriptor. */
static int expect_listener(const char *ip, uint16_t port, int backlog)
{
    const char *call = lab_fmt("create_listener(\"%s\", %u, %d)", ip, port, backlog);
    int fd = LAB_CALL(call, NULL, create_listener(ip, port, backlog));
    int err = errno;
    LAB_ASSERT(fd >= 0, call, LAB_TR("a descriptor >= 0", "一个 >= 0 的描述符"),
               lab_result_text(fd, err),
               LAB_TR("socket(AF_INET, SOCK_STREAM, 0), setsockopt(SO_REUSEADDR), bind(), "
                      "listen(), then return the descriptor",
                      "socket(AF_INET, SOCK_STREAM, 0)、setsockopt(SO_REUSEADDR)、bind()、"
                      "listen()，然后返回描述符"));
    return fd;
}

LAB_TEST(test_create_listener_listens_on_loopback, 3)
{
    int fd = expect_listener("127.0.0.1", 0, 5);
    const char *call = "create_listener(\"127.0.0.1\", 0, 5)";
    int type = -1;
    socklen_t len = sizeof type;
    LAB_SETUP(getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0, "getsockopt(SO_TYPE)");
    LAB_ASSERT(type == SOCK_STREAM, call, lab_fmt("SO_TYPE %d (SOCK_STREAM)", SOCK_STREAM),
               lab_fmt("SO_TYPE %d", type),
               LAB_TR("a listener is a TCP socket: SOCK_STREAM",
                      "监听 socket 是 TCP socket：SOCK_STREAM"));
    uint16_t port = lab_local_port(fd);
    const char *where = local_text(fd);
    LAB_ASSERT(
        strncmp(where, "127.0.0.1:", 10) == 0 && port != 0, call,
        LAB_TR("bound to 127.0.0.1 with a port the kernel chose (not 0)",
               "绑定到 127.0.0.1，端口由内核选定（不是 0）"),
        where,
        LAB_TR("bind to the address given before listening (a socket that listens "
               "without bind() gets 0.0.0.0 and a random port)",
               "监听前先绑定到给定的地址（没 bind() 就 listen() 会得到 0.0.0.0 和随机端口）"));
    LAB_ASSERT(
        accepts_connections(fd), call,
        LAB_TR("SO_ACCEPTCONN = 1 (the socket listens)", "SO_ACCEPTCONN = 1（socket 在监听）"),
        "SO_ACCEPTCONN = 0", LAB_TR("call listen() after bind()", "bind() 之后调用 listen()"));
    int client = connect_within("127.0.0.1", port);
    int err = errno;
    LAB_ASSERT(client >= 0, lab_fmt("connect() to the listener at %s", where),
               LAB_TR("the connection completes", "连接成功"), lab_result_text(client, err),
               LAB_TR("the returned descriptor must be the listening socket",
                      "返回的描述符必须就是那个监听 socket"));
    LAB_ASSERT(lab_wait_readable(fd, WAIT_MS), call,
               LAB_TR("the listener readable: a connection waits for accept()",
                      "监听 socket 可读：有连接等待 accept()"),
               LAB_TR("not readable", "不可读"),
               LAB_TR("return the listening descriptor itself", "返回监听描述符本身"));
    int server = accept(fd, NULL, NULL);
    LAB_SETUP(server >= 0, "accept() in the test");
    close(server);
    close(client);
    close(fd);
}

LAB_TEST(test_create_listener_binds_requested_port, 2)
{
    /* A port that was free a moment ago; another grader might take it, so
     * a busy port is retried with another one. */
    int fd = -1, err = 0;
    uint16_t port = 0;
    for (int attempt = 0; attempt < 5 && fd < 0; attempt++) {
        port = lab_free_port();
        fd = LAB_CALL(lab_fmt("create_listener(\"127.0.0.1\", %u, 5)", port), NULL,
                      create_listener("127.0.0.1", port, 5));
        err = errno;
        if (fd < 0 && err != EADDRINUSE)
            break;
    }
    const char *call = lab_fmt("create_listener(\"127.0.0.1\", %u, 5)", port);
    LAB_ASSERT(fd >= 0, call, LAB_TR("a descriptor >= 0", "一个 >= 0 的描述符"),
               lab_result_text(fd, err),
               LAB_TR("bind to the port given (in host order: convert it with htons())",
                      "绑定到给定的端口（主机字节序：用 htons() 转换）"));
    uint16_t got = lab_local_port(fd);
    LAB_ASSERT(got == port, call, lab_fmt("127.0.0.1:%u", port), local_text(fd),
               got == swapped(port)
                   ? LAB_TR("the bytes of the port are swapped: sin_port needs htons(port)",
                            "端口的两个字节颠倒了：sin_port 需要 htons(port)")
                   : LAB_TR("put the port given into sin_port, converted with htons()",
                            "把给定的端口用 htons() 转换后放进 sin_port"));
    close(fd);
}

LAB_TEST(test_create_listener_uses_given_address, 1)
{
    /* All of 127.0.0.0/8 is loopback on Linux; skip where 127.0.0.2 is not usable. */
    int probe = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET};
    LAB_SETUP(probe >= 0 && inet_pton(AF_INET, "127.0.0.2", &addr.sin_addr) == 1, "socket()");
    int usable = bind(probe, (struct sockaddr *)&addr, sizeof addr) == 0;
    close(probe);
    const char *ip = usable ? "127.0.0.2" : "127.0.0.1";
    int fd = expect_listener(ip, 0, 5);
    const char *where = local_text(fd);
    LAB_ASSERT(strncmp(where, ip, strlen(ip)) == 0 && where[strlen(ip)] == ':',
               lab_fmt("create_listener(\"%s\", 0, 5)", ip), lab_fmt("%s:<port>", ip), where,
               LAB_TR("convert the ip argument with inet_pton(); do not hard-code 127.0.0.1 "
                      "or INADDR_ANY",
                      "用 inet_pton() 转换 ip 参数，不要写死 127.0.0.1 或 INADDR_ANY"));
    close(fd);
}

LAB_TEST(test_create_listener_passes_backlog, 2)
{
    static const int backlogs[] = {7, 3};
    for (size_t i = 0; i < sizeof backlogs / sizeof backlogs[0]; i++) {
        int fd = expect_listener("127.0.0.1", 0, backlogs[i]);
        unsigned got = backlog_of(fd);
        LAB_ASSERT(got == (unsigned)backlogs[i],
                   lab_fmt("create_listener(\"127.0.0.1\", 0, %d)", backlogs[i]),
                   lab_fmt(LAB_TR("backlog %d (as TCP_INFO reports it)",
                                  "backlog %d（TCP_INFO 报告的值）"),
                           backlogs[i]),
                   lab_fmt("backlog %u", got),
                   LAB_TR("pass the backlog argument to listen(); do not use SOMAXCONN or a "
                          "constant such as 5 or 32",
                          "把 backlog 参数传给 listen()，不要用 SOMAXCONN 或 5、32 之类的常数"));
        close(fd);
    }
}

LAB_TEST(test_create_listener_sets_reuseaddr, 1)
{
    int fd = expect_listener("127.0.0.1", 0, 5);
    int value = -1;
    socklen_t len = sizeof value;
    LAB_SETUP(getsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &value, &len) == 0,
              "getsockopt(SO_REUSEADDR)");
    LAB_ASSERT(value == 1, "create_listener(\"127.0.0.1\", 0, 5)", "SO_REUSEADDR = 1",
               lab_fmt("SO_REUSEADDR = %d", value),
               LAB_TR("set SO_REUSEADDR to 1 with setsockopt() (document 003's strace shows it)",
                      "用 setsockopt() 把 SO_REUSEADDR 设为 1（文档 003 的 strace 里就有这一步）"));
    close(fd);
}

LAB_TEST(test_create_listener_rebinds_during_time_wait, 2)
{
    /* A server that closes a connection first leaves it in TIME_WAIT on its
     * port; a restarted server must still be able to bind that port. */
    int first = expect_listener("127.0.0.1", 0, 5);
    uint16_t port = lab_local_port(first);
    int client = connect_within("127.0.0.1", port);
    LAB_SETUP(client >= 0 && lab_wait_readable(first, WAIT_MS), "connect() to the listener");
    int server = accept(first, NULL, NULL);
    LAB_SETUP(server >= 0, "accept()");
    close(server); /* the server side closes first: it is the one that waits in TIME_WAIT */
    char byte;
    LAB_SETUP(lab_read_until_eof(client, &byte, 1, WAIT_MS) == 0, "EOF at the client");
    close(client);
    close(first);

    const char *call = lab_fmt("create_listener(\"127.0.0.1\", %u, 5) again", port);
    int again = LAB_CALL(call, NULL, create_listener("127.0.0.1", port, 5));
    int err = errno;
    LAB_ASSERT(again >= 0, call,
               LAB_TR("a new listener on the same port, while the old connection is in TIME_WAIT",
                      "旧连接还处于 TIME_WAIT 时，在同一端口上得到新的监听 socket"),
               lab_result_text(again, err),
               LAB_TR("set SO_REUSEADDR before bind(): bind() is what looks at it",
                      "在 bind() 之前设置 SO_REUSEADDR：检查这个选项的正是 bind()"));
    close(again);
}

LAB_TEST(test_create_listener_follows_document_strace, 1)
{
    lab_record_reset();
    int fd = expect_listener("127.0.0.1", 0, 7);
    /* The order of document 003's strace: socket, SO_REUSEADDR, bind, listen
     * (other calls in between are allowed). */
    int step = 0;
    for (int i = 0; i < lab_record_count() && step < 4; i++) {
        const struct lab_call *c = lab_recorded(i);
        if (c->ret < 0)
            continue;
        if (step == 0 && strcmp(c->name, "socket") == 0 && c->arg[0] == AF_INET &&
            (c->arg[1] & SOCK_TYPE_MASK) == SOCK_STREAM && c->ret == fd)
            step = 1;
        else if (step == 1 && strcmp(c->name, "setsockopt") == 0 && c->arg[0] == fd &&
                 c->arg[1] == SOL_SOCKET && c->arg[2] == SO_REUSEADDR && c->arg[3] != 0)
            step = 2;
        else if (step == 2 && strcmp(c->name, "bind") == 0 && c->arg[0] == fd &&
                 c->arg[1] == AF_INET)
            step = 3;
        else if (step == 3 && strcmp(c->name, "listen") == 0 && c->arg[0] == fd && c->arg[1] == 7)
            step = 4;
    }
    const char *recorded = lab_recorded_text();
    close(fd);
    LAB_ASSERT(step == 4, "create_listener(\"127.0.0.1\", 0, 7)",
               lab_fmt("socket(%d, %d, 0) = fd\n          setsockopt(fd, %d, %d, 1)\n"
                       "          bind(fd, %d, 0)\n          listen(fd, 7)",
                       AF_INET, SOCK_STREAM, SOL_SOCKET, SO_REUSEADDR, AF_INET),
               recorded,
               LAB_TR("make the calls document 003's strace shows, in that order: socket, "
                      "setsockopt(SO_REUSEADDR, 1), bind, listen(fd, backlog)",
                      "按文档 003 的 strace 顺序调用：socket、setsockopt(SO_REUSEADDR, 1)、"
                      "bind、listen(fd, backlog)"));
}

/* ---- create_listener: errors ------------------------------------------------------------ */

LAB_TEST(test_create_listener_invalid_ip, 2)
{
    /* "127.1" and "127.0.0.1 " are accepted by inet_aton()/inet_addr(), not by inet_pton(). */
    static const char *const bad[] = {"localhost", "256.1.1.1", "", "127.1", "::1", "127.0.0.1 "};
    int before = lab_count_fds();
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *call = lab_fmt("create_listener(%s, 0, 5)", lab_escape_str(bad[i]));
        int fd = LAB_CALL(call, NULL, create_listener(bad[i], 0, 5));
        int err = errno;
        if (fd >= 0)
            close(fd);
        LAB_ASSERT_FAILS_WITH(
            call, fd, err, EINVAL,
            LAB_TR("inet_pton() returns 0 (and sets no errno) for text that is "
                   "not a dotted quad: set errno = EINVAL yourself",
                   "对不是点分十进制的文本，inet_pton() 返回 0（且不设置 errno）："
                   "自己设置 errno = EINVAL"));
        LAB_ASSERT_NO_FD_LEAK(
            call, before,
            LAB_TR("close the socket before returning -1 (or check the "
                   "address before opening it)",
                   "返回 -1 之前关闭 socket（或者在创建 socket 之前先检查地址）"));
    }
}

LAB_TEST(test_create_listener_port_in_use, 2)
{
    uint16_t port;
    int holder = lab_tcp_listener(&port, 4);
    int before = lab_count_fds();
    const char *call = lab_fmt("create_listener(\"127.0.0.1\", %u, 5) <port in use>", port);
    int fd = LAB_CALL(call, NULL, create_listener("127.0.0.1", port, 5));
    int err = errno;
    if (fd >= 0)
        close(fd);
    LAB_ASSERT_FAILS_WITH(call, fd, err, EADDRINUSE,
                          LAB_TR("another socket listens on that port: bind() fails with "
                                 "EADDRINUSE; return -1 with that errno",
                                 "另一个 socket 已在该端口监听：bind() 以 EADDRINUSE 失败；"
                                 "返回 -1 并保留该 errno"));
    LAB_ASSERT_NO_FD_LEAK(call, before,
                          LAB_TR("when bind() fails, close the socket you opened before returning",
                                 "bind() 失败时，返回前关闭你打开的 socket"));
    LAB_ASSERT(
        lab_fd_is_open(holder) && accepts_connections(holder), call,
        LAB_TR("the other listener left alone", "另一个监听 socket 不受影响"),
        LAB_TR("it was closed or changed", "它被关闭或改动了"),
        LAB_TR("close only the descriptor your function opened", "只关闭你的函数自己打开的描述符"));
    close(holder);
}

LAB_TEST(test_create_listener_no_descriptor_left, 1)
{
    lab_exhaust_descriptors();
    int fd = LAB_CALL("create_listener(\"127.0.0.1\", 0, 5) with no descriptor left", NULL,
                      create_listener("127.0.0.1", 0, 5));
    int err = errno;
    lab_release_descriptors(); /* the sanitizers need descriptors at exit */
    lab_close(fd);
    LAB_ASSERT_FAILS_WITH(
        "create_listener(\"127.0.0.1\", 0, 5) <no descriptor left>", fd, err, EMFILE,
        LAB_TR("when socket() fails, return -1 at once with its errno (there is "
               "nothing to close)",
               "socket() 失败时立即返回 -1 并保留它的 errno（没有需要关闭的东西）"));
}

/* create_listener() with the nth call of @p name failing with @p err. */
static void expect_injected_failure(const char *name, int err_injected, const char *hint)
{
    int before = lab_count_fds();
    lab_inject(name, 1, 1, err_injected, 0);
    const char *call = lab_fmt("create_listener(\"127.0.0.1\", 0, 5) <%s() fails with %s>", name,
                               lab_errno_text(err_injected));
    int fd = LAB_CALL(call, NULL, create_listener("127.0.0.1", 0, 5));
    int err = errno;
    lab_inject_clear();
    if (fd >= 0)
        close(fd);
    LAB_ASSERT_FAILS_WITH(call, fd, err, err_injected, hint);
    LAB_ASSERT_NO_FD_LEAK(
        call, before,
        LAB_TR("close the socket on this error path too", "在这条错误路径上也要关闭 socket"));
}

LAB_TEST(test_create_listener_setsockopt_fails, 1)
{
    expect_injected_failure("setsockopt", ENOBUFS,
                            LAB_TR("check setsockopt()'s result; on failure close the socket and "
                                   "return -1 with setsockopt()'s errno",
                                   "检查 setsockopt() 的结果；失败时关闭 socket，返回 -1 并保留"
                                   " setsockopt() 的 errno"));
}

LAB_TEST(test_create_listener_listen_fails, 1)
{
    /* EACCES: what a security module (SELinux, AppArmor) answers when it denies listen(). */
    expect_injected_failure("listen", EACCES,
                            LAB_TR("check listen()'s result; on failure close the socket and "
                                   "return -1 with listen()'s errno",
                                   "检查 listen() 的结果；失败时关闭 socket，返回 -1 并保留"
                                   " listen() 的 errno"));
}

LAB_TEST(test_create_listener_errno_survives_close, 2)
{
    /* A successful close() may change errno (POSIX allows it); here it does. */
    uint16_t port;
    int holder = lab_tcp_listener(&port, 4);
    struct {
        const char *what;
        const char *ip;
        uint16_t port;
        const char *inject;
        int want;
    } cases[] = {
        {"port in use", "127.0.0.1", port, NULL, EADDRINUSE},
        {"listen() fails", "127.0.0.1", 0, "listen", EACCES},
        {"setsockopt() fails", "127.0.0.1", 0, "setsockopt", ENOBUFS},
        {"bad address", "localhost", 0, NULL, EINVAL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        lab_inject_errno_on_success("close", EIO);
        if (cases[i].inject)
            lab_inject(cases[i].inject, 1, 1, cases[i].want, 0);
        const char *call = lab_fmt("create_listener(\"%s\", %u, 5) <%s; close() sets errno = EIO>",
                                   cases[i].ip, cases[i].port, cases[i].what);
        int fd = LAB_CALL(call, NULL, create_listener(cases[i].ip, cases[i].port, 5));
        int err = errno;
        lab_inject_clear();
        if (fd >= 0)
            close(fd);
        LAB_ASSERT_FAILS_WITH(call, fd, err, cases[i].want,
                              err == EIO
                                  ? LAB_TR("errno was overwritten by your clean-up close(): "
                                           "save errno before close() and restore it after",
                                           "errno 被你清理时的 close() 覆盖了：close() 之前"
                                           "保存 errno，之后再恢复")
                                  : LAB_TR("return -1 with the errno of the call that failed",
                                           "返回 -1，并保留失败的那个调用的 errno"));
    }
    close(holder);
}

LAB_TEST(test_create_listener_no_leak_over_many_failures, 1)
{
    uint16_t port;
    int holder = lab_tcp_listener(&port, 4);
    int before = lab_count_fds();
    int unexpected = 0;
    long last_fd = 0;
    int last_errno = 0;
    for (int i = 0; i < MANY_FAILURES; i++) {
        int busy = i % 2 == 0;
        int fd = LAB_CALL(busy ? "create_listener(\"127.0.0.1\", <busy port>, 5)"
                               : "create_listener(\"256.1.1.1\", 0, 5)",
                          NULL,
                          busy ? create_listener("127.0.0.1", port, 5)
                               : create_listener("256.1.1.1", 0, 5));
        int err = errno;
        if (fd >= 0)
            close(fd);
        if (fd != -1 || err != (busy ? EADDRINUSE : EINVAL)) {
            unexpected++;
            last_fd = fd;
            last_errno = err;
        }
    }
    LAB_ASSERT_NO_FD_LEAK(lab_fmt("%d failing calls of create_listener()", MANY_FAILURES), before,
                          LAB_TR("every failing call must close the socket it opened; a server "
                                 "that retries would run out of descriptors",
                                 "每次失败的调用都要关闭它打开的 socket；否则一个不断重试的服务器"
                                 "会耗尽描述符"));
    LAB_ASSERT(unexpected == 0, "create_listener() with a busy port or a bad address",
               LAB_TR("-1 every time, errno EADDRINUSE or EINVAL",
                      "每次都返回 -1，errno 为 EADDRINUSE 或 EINVAL"),
               lab_fmt(LAB_TR("%d calls did otherwise, the last: %s",
                              "有 %d 次调用不是这样，最后一次：%s"),
                       unexpected, lab_result_text(last_fd, last_errno)),
               LAB_TR("a busy port and a bad address are errors", "端口被占用和地址无效都是错误"));
    close(holder);
}

void lab_register_tests(void)
{
    LAB_ADD(test_start_listening_accepts_connections);
    LAB_ADD(test_start_listening_passes_backlog);
    LAB_ADD(test_start_listening_again_changes_backlog);
    LAB_ADD(test_start_listening_other_stream_sockets);
    LAB_ADD(test_start_listening_udp_socket);
    LAB_ADD(test_start_listening_not_a_socket);
    LAB_ADD(test_start_listening_closed_descriptor);
    LAB_ADD(test_is_listening_listener);
    LAB_ADD(test_is_listening_other_sockets);
    LAB_ADD(test_is_listening_not_a_socket);
    LAB_ADD(test_is_listening_closed_descriptor);
    LAB_ADD(test_create_listener_listens_on_loopback);
    LAB_ADD(test_create_listener_binds_requested_port);
    LAB_ADD(test_create_listener_uses_given_address);
    LAB_ADD(test_create_listener_passes_backlog);
    LAB_ADD(test_create_listener_sets_reuseaddr);
    LAB_ADD(test_create_listener_rebinds_during_time_wait);
    LAB_ADD(test_create_listener_follows_document_strace);
    LAB_ADD(test_create_listener_invalid_ip);
    LAB_ADD(test_create_listener_port_in_use);
    LAB_ADD(test_create_listener_no_descriptor_left);
    LAB_ADD(test_create_listener_setsockopt_fails);
    LAB_ADD(test_create_listener_listen_fails);
    LAB_ADD(test_create_listener_errno_survives_close);
    LAB_ADD(test_create_listener_no_leak_over_many_failures);
}
