/* 04-accept.c — tests of lesson 04: accept_client, peer_endpoint, connect_ipv4, serve_greetings. */
#define _GNU_SOURCE
#include "accept.h"
#include "lab.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The documents' exchange: the server's greeting (16 bytes of UTF-8) and the client's message. */
#define DOC_GREETING "测试成功！\n"
#define DOC_MESSAGE "hello \r\n"
#define DOC_LOG_LINE "收到的信息:hello \r\n\n"
#define EMPTY_LOG_LINE "收到的信息:\n"

/* Every wait of a test is bounded by this (milliseconds); passing runs never come close. */
#define WAIT_MS 2000

/* ---- helpers ------------------------------------------------------------------------------ */

/* 1 when a missing ntohs()/htons() would go unnoticed: both bytes of the port are equal. */
static int port_hides_byte_order(uint16_t port)
{
    return (port >> 8) == (port & 0xff);
}

static uint16_t swapped(uint16_t port)
{
    return (uint16_t)((port >> 8) | (port << 8));
}

/* A loopback listener whose port shows a missing htons() (its two bytes differ). */
static int telling_listener(uint16_t *port, int backlog)
{
    int fd = lab_tcp_listener(port, backlog);
    while (port_hides_byte_order(*port)) {
        int other = lab_tcp_listener(port, backlog); /* the old one still holds its port */
        close(fd);
        fd = other;
    }
    return fd;
}

/* A client of the listener at @p port whose local port shows a missing ntohs(). */
static int telling_client(int listener, uint16_t port)
{
    for (;;) {
        int fd = lab_tcp_connect(port);
        if (!port_hides_byte_order(lab_local_port(fd)))
            return fd;
        /* Take that connection off the queue, so the next accept() gets the new one. */
        int conn = accept(listener, NULL, NULL);
        LAB_SETUP(conn >= 0, "accept() to skip a client");
        close(conn);
        close(fd);
    }
}

static const char *endpoint4(uint16_t port)
{
    return lab_fmt("127.0.0.1:%u", port);
}

/* The test's own view of a socket's peer port (0 if not connected). */
static uint16_t peer_port(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (getpeername(fd, (struct sockaddr *)&ss, &len) < 0)
        return 0;
    if (ss.ss_family == AF_INET)
        return ntohs(((struct sockaddr_in *)&ss)->sin_port);
    if (ss.ss_family == AF_INET6)
        return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    return 0;
}

/* Accepts a connection the test expects to be queued, without blocking forever. */
static int accept_within(int listener, int timeout_ms)
{
    if (!lab_wait_readable(listener, timeout_ms))
        return -1;
    return accept(listener, NULL, NULL);
}

/* 1 when @p a and @p b are the two ends of one connection: a byte sent on one arrives on the other.
 */
static int same_connection(int a, int b)
{
    char got = 0;
    lab_write_all(a, "!", 1);
    return lab_read_exact(b, &got, 1, WAIT_MS) == 1 && got == '!';
}

/* 1 when the other end closed @p fd's connection (EOF or reset) within the time limit. */
static int sees_end(int fd)
{
    char scratch[64];
    double deadline = lab_now() + WAIT_MS / 1000.0;
    while (lab_now() < deadline) {
        if (!lab_wait_readable(fd, 50))
            continue;
        ssize_t n = recv(fd, scratch, sizeof scratch, MSG_DONTWAIT);
        if (n == 0 || (n < 0 && errno == ECONNRESET))
            return 1;
        if (n < 0 && errno != EINTR && errno != EAGAIN)
            return 0;
    }
    return 0;
}

/* An IPv6 listener on [::1]:0, or -1 when this machine has no IPv6 loopback. */
static int ipv6_listener(uint16_t *port)
{
    struct sockaddr_in6 addr = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    int fd = socket(AF_INET6, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(fd, 8) < 0) {
        close(fd);
        return -1;
    }
    *port = lab_local_port(fd);
    return fd;
}

static int ipv6_connect(uint16_t port)
{
    struct sockaddr_in6 addr = {
        .sin6_family = AF_INET6, .sin6_port = htons(port), .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    int fd = socket(AF_INET6, SOCK_STREAM, 0);
    LAB_SETUP(fd >= 0, "socket(AF_INET6)");
    LAB_SETUP(connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0, "connect() to [::1]");
    return fd;
}

/* Waits until @p n connections are in the listener's accept queue (Linux reports its length in
 * tcpi_unacked of a listening socket, which is what `ss` shows as Recv-Q). */
static void wait_accept_queue(int listener, unsigned n)
{
    double deadline = lab_now() + WAIT_MS / 1000.0;
    struct tcp_info info;
    socklen_t len;
    while (lab_now() < deadline) {
        len = sizeof info;
        if (getsockopt(listener, IPPROTO_TCP, TCP_INFO, &info, &len) != 0 || info.tcpi_unacked >= n)
            return;
        lab_sleep_ms(1);
    }
}

/* ---- accept_client ------------------------------------------------------------------------ */

#define ACCEPT_BLOCKS_ON                                                                           \
    LAB_TR("accept(): a client is already waiting, so it should return at once",                   \
           "accept()：已经有客户端在等待，应当立即返回")

LAB_TEST(test_accept_client_returns_connection_and_peer, 3)
{
    uint16_t port;
    int listener = lab_tcp_listener(&port, 8);
    int client = telling_client(listener, port);
    uint16_t client_port = lab_local_port(client);
    int before = lab_count_fds();
    char peer[64];
    memset(peer, 'Z', sizeof peer);

    int conn = LAB_CALL("accept_client(listener, peer, 64)", ACCEPT_BLOCKS_ON,
                        accept_client(listener, peer, sizeof peer));
    int err = errno;
    LAB_ASSERT(conn >= 0 && conn != listener, "accept_client(listener, peer, 64)",
               LAB_TR("a new connected descriptor", "一个新的已连接描述符"),
               lab_result_text(conn, err),
               LAB_TR("return what accept() returns: the connection, not the listener",
                      "返回 accept() 的结果：新连接，而不是监听 socket"));
    LAB_ASSERT(
        same_connection(client, conn), "accept_client(listener, peer, 64)",
        LAB_TR("a descriptor connected to the waiting client", "一个与等待中的客户端相连的描述符"),
        LAB_TR("a byte the client sent did not arrive on it", "客户端发出的字节没有到达它"),
        LAB_TR("return accept()'s descriptor unchanged", "原样返回 accept() 给的描述符"));
    const char *want = endpoint4(client_port);
    LAB_ASSERT(memchr(peer, '\0', sizeof peer) != NULL, "accept_client(listener, peer, 64)",
               lab_escape_str(want), LAB_TR("no NUL in peer", "peer 里没有 NUL"),
               LAB_TR("write a NUL-terminated \"ip:port\"", "写入以 NUL 结尾的 \"ip:port\""));
    const char *hint =
        strcmp(peer, endpoint4(swapped(client_port))) == 0
            ? LAB_TR("the port is byte-swapped: sin_port is in network order, "
                     "convert it with ntohs()",
                     "端口的两个字节反了：sin_port 是网络字节序，要用 ntohs() 转换")
            : LAB_TR("the client's address with inet_ntop(), then ':' and its port "
                     "(the client's own local port)",
                     "用 inet_ntop() 得到客户端地址，再加 ':' 和端口（客户端本地端口）");
    LAB_ASSERT_STR("accept_client(listener, peer, 64)", peer, want, hint);
    close(conn);
    close(client);
    close(listener);
    LAB_ASSERT_NO_FD_LEAK("accept_client()", before - 2,
                          LAB_TR("accept_client() opens exactly one descriptor: the one it returns",
                                 "accept_client() 只打开一个描述符：它返回的那个"));
}

LAB_TEST(test_accept_client_without_peer, 1)
{
    uint16_t port;
    int listener = lab_tcp_listener(&port, 8);
    int client = lab_tcp_connect(port);
    int conn = LAB_CALL("accept_client(listener, NULL, 0)", ACCEPT_BLOCKS_ON,
                        accept_client(listener, NULL, 0));
    int err = errno;
    LAB_ASSERT(conn >= 0 && peer_port(conn) == lab_local_port(client),
               "accept_client(listener, NULL, 0)",
               LAB_TR("the client's connection", "客户端的连接"), lab_result_text(conn, err),
               LAB_TR("peer NULL means \"not wanted\": accept, and do not write the endpoint "
                      "(peer_cap is then ignored, so 0 is no error)",
                      "peer 为 NULL 表示“不需要”：照样 accept，只是不写端点（此时忽略 peer_cap，"
                      "所以 0 不是错误）"));
    close(conn);
    close(client);
    close(listener);
}

LAB_TEST(test_accept_client_retries_eintr_and_connaborted, 2)
{
    static const int errors[] = {EINTR, ECONNABORTED};
    uint16_t port;
    int listener = lab_tcp_listener(&port, 8);
    for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++) {
        int client = lab_tcp_connect(port);
        lab_inject_clear();
        lab_inject("accept", 1, 1, errors[i], 0); /* the first accept() fails once */
        lab_inject("accept4", 1, 1, errors[i], 0);
        char peer[64] = "";
        int conn = LAB_CALL(lab_fmt("accept_client(listener, peer, 64), first accept() -> %s",
                                    lab_errno_text(errors[i])),
                            ACCEPT_BLOCKS_ON, accept_client(listener, peer, sizeof peer));
        int err = errno;
        lab_inject_clear();
        LAB_ASSERT(
            conn >= 0 && peer_port(conn) == lab_local_port(client),
            lab_fmt("accept_client() when accept() first fails with %s", lab_errno_text(errors[i])),
            LAB_TR("the client's connection (accept() called again)",
                   "客户端的连接（再调用一次 accept()）"),
            lab_result_text(conn, err),
            errors[i] == EINTR
                ? LAB_TR("EINTR only means a signal arrived while waiting: call accept() "
                         "again",
                         "EINTR 只表示等待时来了一个信号：再调用一次 accept()")
                : LAB_TR("ECONNABORTED means one client gave up before it was accepted; "
                         "the others still wait: call accept() again",
                         "ECONNABORTED 表示某个客户端在被 accept 之前放弃了，其他客户端仍在"
                         "等待：再调用一次 accept()"));
        close(conn);
        close(client);
    }
    close(listener);
}

/* A new client, accepted with a peer buffer one byte short (or of 0 bytes): must fail with ENOSPC.
 */
static void expect_enospc(int listener, uint16_t port, int zero_cap)
{
    int client = lab_tcp_connect(port);
    const char *endpoint = endpoint4(lab_local_port(client));
    size_t cap = zero_cap ? 0 : strlen(endpoint); /* the text fits, its NUL does not */
    int before = lab_count_fds();
    char peer[64];
    memset(peer, 'Z', sizeof peer);
    const char *call = lab_fmt("accept_client(listener, peer, %zu) for \"%s\"", cap, endpoint);
    int conn = LAB_CALL(call, ACCEPT_BLOCKS_ON, accept_client(listener, peer, cap));
    int err = errno;
    LAB_ASSERT_FAILS_WITH(call, conn, err, ENOSPC,
                          LAB_TR("the endpoint and its NUL do not fit: fail with ENOSPC, never "
                                 "return a cut-off endpoint",
                                 "端点文本加 NUL 放不下：以 ENOSPC 失败，绝不返回截断的端点"));
    if (zero_cap)
        LAB_ASSERT(peer[0] == 'Z', call,
                   LAB_TR("peer not written (cap 0)", "不写 peer（cap 为 0）"), lab_escape(peer, 1),
                   LAB_TR("with cap 0 there is no room even for the NUL: write nothing",
                          "cap 为 0 时连 NUL 都放不下：什么都不写"));
    else
        LAB_ASSERT(peer[0] == '\0' && peer[cap] == 'Z', call,
                   LAB_TR("peer set to \"\", nothing written past peer[cap - 1]",
                          "peer 设为 \"\"，peer[cap - 1] 之后不写"),
                   lab_escape(peer, cap + 1),
                   LAB_TR("on ENOSPC set peer to \"\" (when cap > 0); write at most cap bytes",
                          "ENOSPC 时把 peer 设为 \"\"（cap > 0 时）；最多写 cap 个字节"));
    LAB_ASSERT_NO_FD_LEAK(call, before,
                          LAB_TR("close the accepted connection before failing with ENOSPC "
                                 "(save errno first)",
                                 "以 ENOSPC 失败之前关闭已接受的连接（先保存 errno）"));
    LAB_ASSERT(sees_end(client), call,
               LAB_TR("the client sees its connection end", "客户端看到连接结束"),
               LAB_TR("the client got no end of file", "客户端没有收到连接结束"),
               LAB_TR("close() the connection you could not name", "关闭无法写出端点的那个连接"));
    close(client);
}

LAB_TEST(test_accept_client_peer_too_small, 2)
{
    uint16_t port;
    int listener = lab_tcp_listener(&port, 8);
    expect_enospc(listener, port, 0);
    expect_enospc(listener, port, 1);

    /* One byte more than the text: exactly enough. */
    int client = lab_tcp_connect(port);
    const char *want = endpoint4(lab_local_port(client));
    size_t cap = strlen(want) + 1;
    char peer[64];
    memset(peer, 'Z', sizeof peer);
    const char *call = lab_fmt("accept_client(listener, peer, %zu) for \"%s\"", cap, want);
    int conn = LAB_CALL(call, ACCEPT_BLOCKS_ON, accept_client(listener, peer, cap));
    int err = errno;
    LAB_ASSERT(conn >= 0, call, LAB_TR("a connected descriptor", "一个已连接的描述符"),
               lab_result_text(conn, err),
               LAB_TR("strlen + 1 bytes are exactly enough: the NUL fits",
                      "strlen + 1 个字节刚好够：NUL 也放得下"));
    LAB_ASSERT_STR(call, peer, want, LAB_TR("the whole endpoint", "完整的端点"));
    close(conn);
    close(client);
    close(listener);
}

LAB_TEST(test_accept_client_not_listening, 1)
{
    int holder;
    lab_closed_port(&holder); /* bound, never listened */
    int rc = LAB_CALL("accept_client(<bound socket, not listening>, peer, 64)",
                      LAB_TR("nothing: accept() fails at once", "无：accept() 会立即失败"),
                      accept_client(holder, NULL, 0));
    int err = errno;
    LAB_ASSERT_FAILS_WITH("accept_client(<socket that is not listening>)", rc, err, EINVAL,
                          LAB_TR("accept() fails with EINVAL before listen(): return -1 with its "
                                 "errno, do not retry",
                                 "listen() 之前 accept() 以 EINVAL 失败：返回 -1 并保留其 errno，"
                                 "不要重试"));
    close(holder);
    rc = LAB_CALL("accept_client(<closed descriptor>, NULL, 0)", NULL,
                  accept_client(holder, NULL, 0));
    err = errno;
    LAB_ASSERT_FAILS_WITH("accept_client(<closed descriptor>)", rc, err, EBADF,
                          LAB_TR("return -1 and keep accept()'s errno (EBADF)",
                                 "返回 -1，并保留 accept() 的 errno (EBADF)"));
}

LAB_TEST(test_accept_client_nonblocking_nobody_waiting, 1)
{
    uint16_t port;
    int listener = lab_tcp_listener(&port, 8);
    int flags = fcntl(listener, F_GETFL);
    LAB_SETUP(flags >= 0 && fcntl(listener, F_SETFL, flags | O_NONBLOCK) == 0,
              "fcntl(O_NONBLOCK) on the listener");
    char peer[64];
    double start = lab_now();
    int rc = LAB_CALL("accept_client(<non-blocking listener, no client>, peer, 64)",
                      LAB_TR("accept() on a non-blocking listener with nobody waiting: it must "
                             "return EAGAIN at once, not be retried",
                             "非阻塞监听 socket 上没有客户端时的 accept()：应立即返回 EAGAIN，"
                             "不要重试"),
                      accept_client(listener, peer, sizeof peer));
    int err = errno;
    double elapsed = lab_now() - start;
    LAB_ASSERT_FAILS_WITH("accept_client(<non-blocking listener, no client>)", rc, err, EAGAIN,
                          LAB_TR("retry only EINTR and ECONNABORTED; EAGAIN goes back to the "
                                 "caller",
                                 "只重试 EINTR 和 ECONNABORTED；EAGAIN 要交还给调用者"));
    LAB_ASSERT(elapsed < 1.0, "accept_client(<non-blocking listener>)",
               LAB_TR("an answer at once", "立即得到答复"), lab_fmt("%.2f s", elapsed),
               LAB_TR("do not wait or spin when accept() says EAGAIN",
                      "accept() 返回 EAGAIN 时不要等待，也不要空转"));
    close(listener);
}

LAB_TEST(test_accept_client_ipv6_peer, 1)
{
    uint16_t port;
    int listener = ipv6_listener(&port);
    int v6 = listener >= 0;
    if (!v6) /* no IPv6 loopback here: check the IPv4 form instead */
        listener = lab_tcp_listener(&port, 8);
    int client = v6 ? ipv6_connect(port) : lab_tcp_connect(port);
    const char *want =
        v6 ? lab_fmt("[::1]:%u", lab_local_port(client)) : endpoint4(lab_local_port(client));
    char peer[64] = "";
    int conn = LAB_CALL("accept_client(<[::1] listener>, peer, 64)", ACCEPT_BLOCKS_ON,
                        accept_client(listener, peer, sizeof peer));
    int err = errno;
    LAB_ASSERT(conn >= 0, "accept_client(<[::1] listener>, peer, 64)",
               LAB_TR("a connected descriptor", "一个已连接的描述符"), lab_result_text(conn, err),
               LAB_TR("give accept() a struct sockaddr_storage, big enough for IPv6",
                      "给 accept() 一个 struct sockaddr_storage，它装得下 IPv6 地址"));
    LAB_ASSERT_STR("accept_client(<[::1] listener>, peer, 64)", peer, want,
                   LAB_TR("an IPv6 endpoint is \"[ip]:port\": look at ss_family, use "
                          "struct sockaddr_in6 and inet_ntop(AF_INET6, ...)",
                          "IPv6 端点写作 \"[ip]:port\"：看 ss_family，用 struct sockaddr_in6 和 "
                          "inet_ntop(AF_INET6, ...)"));
    close(conn);
    close(client);
    close(listener);
}

/* ---- peer_endpoint ------------------------------------------------------------------------ */

LAB_TEST(test_peer_endpoint_both_sides, 2)
{
    uint16_t port;
    int listener = telling_listener(&port, 8);
    int client = telling_client(listener, port);
    int server = accept(listener, NULL, NULL);
    LAB_SETUP(server >= 0, "accept()");
    char buf[64];

    memset(buf, 'Z', sizeof buf);
    int rc = LAB_CALL("peer_endpoint(<server side>, buf, 64)", NULL,
                      peer_endpoint(server, buf, sizeof buf));
    int err = errno;
    LAB_ASSERT(
        rc == 0, "peer_endpoint(<server side>, buf, 64)", "0", lab_result_text(rc, err),
        LAB_TR("getpeername(), then format \"ip:port\"", "getpeername()，再写成 \"ip:port\""));
    LAB_ASSERT(memchr(buf, '\0', sizeof buf) != NULL, "peer_endpoint(<server side>, buf, 64)",
               LAB_TR("a NUL-terminated string", "以 NUL 结尾的字符串"),
               LAB_TR("no NUL in buf", "buf 里没有 NUL"),
               LAB_TR("terminate the text", "给文本加上结尾的 NUL"));
    LAB_ASSERT_STR("peer_endpoint(<server side>, buf, 64)", buf, endpoint4(lab_local_port(client)),
                   LAB_TR("on the server's side the peer is the client; its port is sin_port "
                          "through ntohs()",
                          "在服务端一侧，对端是客户端；端口是经过 ntohs() 的 sin_port"));

    rc = LAB_CALL("peer_endpoint(<client side>, buf, 64)", NULL,
                  peer_endpoint(client, buf, sizeof buf));
    err = errno;
    LAB_ASSERT(rc == 0, "peer_endpoint(<client side>, buf, 64)", "0", lab_result_text(rc, err),
               LAB_TR("getpeername() works on both ends", "getpeername() 在连接两端都能用"));
    LAB_ASSERT_STR("peer_endpoint(<client side>, buf, 64)", buf, endpoint4(port),
                   LAB_TR("on the client's side the peer is the server: the listener's address",
                          "在客户端一侧，对端是服务端：监听 socket 的地址"));
    close(server);
    close(client);
    close(listener);
}

LAB_TEST(test_peer_endpoint_errors, 1)
{
    char buf[64];
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    LAB_SETUP(fd >= 0, "socket()");
    int rc =
        LAB_CALL("peer_endpoint(<new socket>, buf, 64)", NULL, peer_endpoint(fd, buf, sizeof buf));
    int err = errno;
    LAB_ASSERT_FAILS_WITH(
        "peer_endpoint(<socket that is not connected>)", rc, err, ENOTCONN,
        LAB_TR("a socket without a connection has no peer: getpeername() says "
               "ENOTCONN; keep it",
               "没有连接的 socket 没有对端：getpeername() 返回 ENOTCONN，保留它"));
    close(fd);
    rc = LAB_CALL("peer_endpoint(<closed descriptor>, buf, 64)", NULL,
                  peer_endpoint(fd, buf, sizeof buf));
    err = errno;
    LAB_ASSERT_FAILS_WITH(
        "peer_endpoint(<closed descriptor>)", rc, err, EBADF,
        LAB_TR("return -1 with getpeername()'s errno", "返回 -1，并保留 getpeername() 的 errno"));
    int pair[2];
    LAB_SETUP(socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0, "socketpair(AF_UNIX)");
    rc = LAB_CALL("peer_endpoint(<AF_UNIX socket>, buf, 64)", NULL,
                  peer_endpoint(pair[0], buf, sizeof buf));
    err = errno;
    LAB_ASSERT_FAILS_WITH("peer_endpoint(<AF_UNIX socket pair>)", rc, err, EAFNOSUPPORT,
                          LAB_TR("only AF_INET and AF_INET6 have an \"ip:port\"; other families "
                                 "fail with EAFNOSUPPORT (see accept.h)",
                                 "只有 AF_INET 和 AF_INET6 才有 \"ip:port\"；其他地址族以 "
                                 "EAFNOSUPPORT 失败（见 accept.h）"));
    close(pair[0]);
    close(pair[1]);
}

LAB_TEST(test_peer_endpoint_too_small, 1)
{
    uint16_t port;
    int listener = lab_tcp_listener(&port, 8);
    int client = lab_tcp_connect(port);
    const char *want = endpoint4(port);
    size_t len = strlen(want);
    char buf[64];

    memset(buf, 'Z', sizeof buf);
    const char *call = lab_fmt("peer_endpoint(fd, buf, %zu) for \"%s\"", len, want);
    int rc = LAB_CALL(call, NULL, peer_endpoint(client, buf, len));
    int err = errno;
    LAB_ASSERT_FAILS_WITH(call, rc, err, ENOSPC,
                          LAB_TR("cap counts the NUL too: the text needs strlen + 1 bytes",
                                 "cap 也要算上 NUL：文本需要 strlen + 1 个字节"));
    LAB_ASSERT(buf[0] == '\0' && buf[len] == 'Z', call,
               LAB_TR("buf set to \"\", nothing written past buf[cap - 1]",
                      "buf 设为 \"\"，buf[cap - 1] 之后不写"),
               lab_escape(buf, len + 1),
               LAB_TR("on ENOSPC leave an empty string, not a cut-off endpoint",
                      "ENOSPC 时留下空字符串，而不是截断的端点"));

    call = lab_fmt("peer_endpoint(fd, buf, %zu) for \"%s\"", len + 1, want);
    rc = LAB_CALL(call, NULL, peer_endpoint(client, buf, len + 1));
    err = errno;
    LAB_ASSERT(rc == 0, call, "0", lab_result_text(rc, err),
               LAB_TR("strlen + 1 bytes are exactly enough", "strlen + 1 个字节刚好够"));
    LAB_ASSERT_STR(call, buf, want, LAB_TR("the whole endpoint", "完整的端点"));
    close(client);
    close(listener);
}

LAB_TEST(test_peer_endpoint_ipv6, 1)
{
    uint16_t port;
    int listener = ipv6_listener(&port);
    int v6 = listener >= 0;
    if (!v6)
        listener = lab_tcp_listener(&port, 8);
    int client = v6 ? ipv6_connect(port) : lab_tcp_connect(port);
    const char *want = v6 ? lab_fmt("[::1]:%u", port) : endpoint4(port);
    char buf[64] = "";
    int rc = LAB_CALL("peer_endpoint(<client of [::1]>, buf, 64)", NULL,
                      peer_endpoint(client, buf, sizeof buf));
    int err = errno;
    LAB_ASSERT(rc == 0, "peer_endpoint(<client of [::1]>, buf, 64)", "0", lab_result_text(rc, err),
               LAB_TR("getpeername() into a struct sockaddr_storage handles IPv6 too",
                      "用 struct sockaddr_storage 接 getpeername() 的结果，IPv6 也能处理"));
    LAB_ASSERT_STR(
        "peer_endpoint(<client of [::1]>, buf, 64)", buf, want,
        LAB_TR("an IPv6 endpoint is written \"[ip]:port\"", "IPv6 端点写作 \"[ip]:port\""));
    close(client);
    close(listener);
}

/* ---- connect_ipv4 ------------------------------------------------------------------------- */

#define CONNECT_BLOCKS_ON                                                                          \
    LAB_TR("connect() to a loopback listener: it should finish at once",                           \
           "connect() 到回环地址上的监听 socket：应当立即完成")

/* Checks that @p fd, returned by @p call, is connected to the listener at @p port. */
static void expect_connected(const char *call, int fd, int err, int listener, uint16_t port)
{
    LAB_ASSERT(fd >= 0, call, LAB_TR("a connected descriptor", "一个已连接的描述符"),
               lab_result_text(fd, err),
               LAB_TR("socket(AF_INET, SOCK_STREAM, 0), then connect() to the address",
                      "socket(AF_INET, SOCK_STREAM, 0)，然后 connect() 到该地址"));
    uint16_t got = peer_port(fd);
    LAB_ASSERT(got == port, call, lab_fmt(LAB_TR("connected to port %u", "连接到端口 %u"), port),
               got == 0 ? LAB_TR("not connected (getpeername: ENOTCONN)",
                                 "没有连接（getpeername：ENOTCONN）")
                        : lab_fmt(LAB_TR("connected to port %u", "连接到端口 %u"), got),
               got == 0 ? LAB_TR("return a socket only once connect() has succeeded; after "
                                 "EINTR check the outcome (poll + SO_ERROR, then connect() "
                                 "again: 0 or EISCONN)",
                                 "只有 connect() 成功后才返回 socket；遇到 EINTR 要确认结果"
                                 "（poll + SO_ERROR，再 connect() 一次：0 或 EISCONN）")
                        : LAB_TR("sin_port must be in network order: htons(port)",
                                 "sin_port 必须是网络字节序：htons(port)"));
    int conn = accept_within(listener, WAIT_MS);
    LAB_ASSERT(conn >= 0 && same_connection(fd, conn), call,
               LAB_TR("the listener's next connection is this client",
                      "监听 socket 接受的下一个连接就是这个客户端"),
               LAB_TR("no such connection", "没有这样的连接"),
               LAB_TR("connect once, with one socket", "用一个 socket 连接一次"));
    close(conn);
}

LAB_TEST(test_connect_ipv4_connects, 2)
{
    uint16_t port;
    int listener = telling_listener(&port, 8);
    int before = lab_count_fds();
    int fd = LAB_CALL("connect_ipv4(\"127.0.0.1\", port)", CONNECT_BLOCKS_ON,
                      connect_ipv4("127.0.0.1", port));
    int err = errno;
    expect_connected("connect_ipv4(\"127.0.0.1\", port)", fd, err, listener, port);
    LAB_ASSERT(
        lab_count_fds() == before + 1, "connect_ipv4(\"127.0.0.1\", port)",
        lab_fmt(LAB_TR("%d open descriptors", "%d 个打开的描述符"), before + 1),
        lab_fmt(LAB_TR("%d open descriptors", "%d 个打开的描述符"), lab_count_fds()),
        LAB_TR("open exactly one socket: the one returned", "只打开一个 socket：返回的那个"));
    close(fd);
    close(listener);
}

LAB_TEST(test_connect_ipv4_refused, 2)
{
    int holder;
    uint16_t port = lab_closed_port(&holder);
    int before = lab_count_fds();
    int fd = LAB_CALL("connect_ipv4(\"127.0.0.1\", <closed port>)",
                      LAB_TR("connect() to a closed loopback port: refused at once",
                             "connect() 到没有监听的回环端口：会立即被拒绝"),
                      connect_ipv4("127.0.0.1", port));
    int err = errno;
    LAB_ASSERT_FAILS_WITH(
        "connect_ipv4(\"127.0.0.1\", <port where nothing listens>)", fd, err, ECONNREFUSED,
        LAB_TR("return -1 with connect()'s errno", "返回 -1，并保留 connect() 的 errno"));
    LAB_ASSERT_NO_FD_LEAK(
        "connect_ipv4(<refused>)", before,
        LAB_TR("close the socket when connect() fails", "connect() 失败时关闭 socket"));
    close(holder);
}

LAB_TEST(test_connect_ipv4_refused_leaks_nothing, 2)
{
    enum { ATTEMPTS = 1000 };
    int holder;
    uint16_t port = lab_closed_port(&holder);
    int before = lab_count_fds();
    for (int i = 0; i < ATTEMPTS; i++) {
        int fd = LAB_CALL("connect_ipv4(\"127.0.0.1\", <closed port>), 1000 times",
                          LAB_TR("connect() to a closed loopback port: refused at once",
                                 "connect() 到没有监听的回环端口：会立即被拒绝"),
                          connect_ipv4("127.0.0.1", port));
        int err = errno;
        if (fd != -1 || err != ECONNREFUSED)
            LAB_ASSERT_FAILS_WITH(lab_fmt("connect_ipv4(<closed port>), attempt %d", i + 1), fd,
                                  err, ECONNREFUSED,
                                  LAB_TR("every attempt is refused the same way; a leaked socket "
                                         "soon makes socket() fail with EMFILE",
                                         "每次都应同样被拒绝；泄漏的 socket 很快会让 socket() 以 "
                                         "EMFILE 失败"));
    }
    LAB_ASSERT_NO_FD_LEAK("connect_ipv4(<closed port>) x1000", before,
                          LAB_TR("a refused connection must close its socket: save errno, "
                                 "close(), restore errno",
                                 "被拒绝时必须关闭 socket：保存 errno，close()，再恢复 errno"));
    close(holder);
}

LAB_TEST(test_connect_ipv4_keeps_errno_over_close, 1)
{
    int holder;
    uint16_t port = lab_closed_port(&holder);
    lab_inject_errno_on_success("close", EIO); /* POSIX lets a successful close() change errno */
    int fd = LAB_CALL("connect_ipv4(\"127.0.0.1\", <closed port>)",
                      LAB_TR("connect() to a closed loopback port: refused at once",
                             "connect() 到没有监听的回环端口：会立即被拒绝"),
                      connect_ipv4("127.0.0.1", port));
    int err = errno;
    lab_inject_clear();
    LAB_ASSERT_FAILS_WITH("connect_ipv4(<closed port>) with a close() that changes errno", fd, err,
                          ECONNREFUSED,
                          LAB_TR("save connect()'s errno before close() and restore it after",
                                 "在 close() 之前保存 connect() 的 errno，之后再恢复"));
    close(holder);
}

LAB_TEST(test_connect_ipv4_not_a_dotted_quad, 1)
{
    static const char *const bad[] = {"localhost", "127.0.0.256", "1.2.3", "", "::1", "127.0.0.1 "};
    int before = lab_count_fds();
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *call = lab_fmt("connect_ipv4(%s, 80)", lab_escape_str(bad[i]));
        int fd = LAB_CALL(call, LAB_TR("nothing: the address is checked first", "无：应先检查地址"),
                          connect_ipv4(bad[i], 80));
        int err = errno;
        LAB_ASSERT_FAILS_WITH(call, fd, err, EINVAL,
                              LAB_TR("inet_pton() returns 0 for text that is not a dotted quad: "
                                     "fail with EINVAL (no DNS lookups)",
                                     "对不是点分十进制的文本 inet_pton() 返回 0：以 EINVAL 失败"
                                     "（不做 DNS 查询）"));
    }
    LAB_ASSERT_NO_FD_LEAK("connect_ipv4(<bad address>)", before,
                          LAB_TR("check the address before making the socket, or close it",
                                 "先检查地址再建 socket，否则要关闭它"));
}

LAB_TEST(test_connect_ipv4_emfile, 1)
{
    uint16_t port;
    int listener = lab_tcp_listener(&port, 8);
    lab_exhaust_descriptors();
    int fd = LAB_CALL("connect_ipv4(\"127.0.0.1\", port) with no descriptor left", NULL,
                      connect_ipv4("127.0.0.1", port));
    int err = errno;
    LAB_ASSERT_FAILS_WITH("connect_ipv4() with no descriptor left", fd, err, EMFILE,
                          LAB_TR("when socket() fails, return -1 with its errno",
                                 "socket() 失败时返回 -1，并保留它的 errno"));
    close(listener); /* a free slot: the sanitizers' exit checks open files too */
}

LAB_TEST(test_connect_ipv4_injected_eintr, 2)
{
    uint16_t port;
    int listener = telling_listener(&port, 8);
    /* The first connect() fails with EINTR without starting any handshake. */
    lab_inject("connect", 1, 1, EINTR, 0);
    int fd = LAB_CALL("connect_ipv4(\"127.0.0.1\", port), first connect() -> EINTR",
                      LAB_TR("poll() or connect() after EINTR: the listener is there, so it "
                             "should not block",
                             "EINTR 之后的 poll() 或 connect()：监听 socket 在，不应阻塞"),
                      connect_ipv4("127.0.0.1", port));
    int err = errno;
    lab_inject_clear();
    expect_connected("connect_ipv4(\"127.0.0.1\", port), first connect() interrupted", fd, err,
                     listener, port);
    close(fd);
    close(listener);
}

/* A real signal during connect(): the listener's queue is full, so the handshake waits for a
 * SYN retransmission (about 1 s) and the signal lands inside connect(). */
static volatile sig_atomic_t signals_caught;

static void count_signal(int sig)
{
    (void)sig;
    signals_caught++;
}

struct interrupter {
    pthread_t target;
    int listener;
};

static void *interrupt_then_make_room(void *arg)
{
    struct interrupter *it = arg;
    lab_sleep_ms(200);
    pthread_kill(it->target, SIGUSR1);
    lab_sleep_ms(200);
    /* Take the connection that filled the queue: the retransmitted SYN then gets in. */
    int conn = accept(it->listener, NULL, NULL);
    if (conn >= 0)
        close(conn);
    return NULL;
}

LAB_TEST(test_connect_ipv4_interrupted_by_signal, 2)
{
    uint16_t port;
    int listener = telling_listener(&port, 0); /* backlog 0: one queued connection fills it */
    int filler = lab_tcp_connect(port);
    wait_accept_queue(listener, 1); /* full now: the next SYN is dropped */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = count_signal; /* no SA_RESTART: connect() returns EINTR */
    LAB_SETUP(sigaction(SIGUSR1, &sa, NULL) == 0, "sigaction(SIGUSR1)");
    struct interrupter it = {.target = pthread_self(), .listener = listener};
    void *thread;
    lab_thread_start(interrupt_then_make_room, &it, &thread);

    int fd = LAB_CALL("connect_ipv4(\"127.0.0.1\", port), interrupted by a signal",
                      LAB_TR("connect() (or poll()) while the handshake waits for a SYN "
                             "retransmission, about 1 s",
                             "connect()（或 poll()）在等待 SYN 重传，大约 1 秒"),
                      connect_ipv4("127.0.0.1", port));
    int err = errno;
    lab_thread_join(thread);
    LAB_SETUP(signals_caught == 1, "SIGUSR1 delivered during the test");
    expect_connected("connect_ipv4(\"127.0.0.1\", port), interrupted by a signal", fd, err,
                     listener, port);
    close(fd);
    close(filler);
    close(listener);
}

/* ---- serve_greetings ---------------------------------------------------------------------- */

/* serve_greetings() running in a thread while the test plays its clients. */
struct server_run {
    int listen_fd;
    const char *greeting;
    int max_clients;
    FILE *log;
    long result;
    int err;
    int done;
    void *thread;
};

static void *server_main(void *arg)
{
    struct server_run *run = arg;
    run->result =
        LAB_CALL(lab_fmt("serve_greetings(listener, greeting, %d, log)", run->max_clients),
                 LAB_TR("accept(), send() or recv(): the test plays the clients, then "
                        "waits for serve_greetings() to return",
                        "accept()、send() 或 recv()：测试扮演客户端，然后等待 "
                        "serve_greetings() 返回"),
                 serve_greetings(run->listen_fd, run->greeting, run->max_clients, run->log));
    run->err = errno;
    __atomic_store_n(&run->done, 1, __ATOMIC_RELEASE);
    return NULL;
}

static void server_start(struct server_run *run, int listen_fd, const char *greeting,
                         int max_clients, FILE *log)
{
    memset(run, 0, sizeof *run);
    run->listen_fd = listen_fd;
    run->greeting = greeting;
    run->max_clients = max_clients;
    run->log = log;
    lab_thread_start(server_main, run, &run->thread);
}

static int server_done(struct server_run *run)
{
    return __atomic_load_n(&run->done, __ATOMIC_ACQUIRE);
}

static const char *server_state(struct server_run *run)
{
    if (!server_done(run))
        return LAB_TR("serve_greetings() still running", "serve_greetings() 仍在运行");
    return lab_fmt(LAB_TR("serve_greetings() had returned %s", "serve_greetings() 已返回 %s"),
                   lab_result_text(run->result, run->err));
}

/* Waits (bounded) for serve_greetings() to return and checks it served @p want clients. */
static void server_finish(struct server_run *run, long want)
{
    double deadline = lab_now() + WAIT_MS / 1000.0;
    while (!server_done(run) && lab_now() < deadline)
        lab_sleep_ms(5);
    const char *call = lab_fmt("serve_greetings(listener, greeting, %d, log)", run->max_clients);
    LAB_ASSERT(
        server_done(run), call,
        lab_fmt(LAB_TR("to return %ld once %d clients were served",
                       "返回 %ld（服务完 %d 个客户端之后）"),
                want, run->max_clients),
        LAB_TR("still running: it waits for another client", "仍在运行：它还在等下一个客户端"),
        LAB_TR("count every accepted client, even one that failed, and stop at "
               "max_clients",
               "每个接受的客户端都要计数（包括中途失败的），到 max_clients 就停"));
    lab_thread_join(run->thread);
    LAB_ASSERT(run->result == want, call, lab_fmt("%ld", want),
               lab_result_text(run->result, run->err),
               LAB_TR("return the number of clients served", "返回服务过的客户端数"));
}

/* Reads what the server sends until it closes (or WAIT_MS passes, or the server is gone). */
static size_t read_reply(int fd, char *buf, size_t cap, struct server_run *run, int *ended)
{
    size_t got = 0;
    double deadline = lab_now() + WAIT_MS / 1000.0;
    *ended = 0;
    while (lab_now() < deadline) {
        int finished = server_done(run);
        if (!lab_wait_readable(fd, 50)) {
            if (finished)
                break; /* the server returned and nothing more is coming */
            continue;
        }
        char scratch[256];
        ssize_t n =
            got < cap ? recv(fd, buf + got, cap - got, 0) : recv(fd, scratch, sizeof scratch, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            *ended = 1; /* EOF, or reset after the server closed */
            break;
        }
        got += got < cap ? (size_t)n : 0;
    }
    return got;
}

/* The document's client: connect, send @p message, read the reply until the server closes. */
static void play_client(uint16_t port, const char *message, const char *greeting,
                        struct server_run *run, int number)
{
    char reply[256];
    int fd = lab_tcp_connect(port);
    if (*message)
        lab_write_all(fd, message, strlen(message));
    int ended;
    size_t got = read_reply(fd, reply, sizeof reply, run, &ended);
    const char *call = lab_fmt(
        LAB_TR("serve_greetings(), client %d", "serve_greetings()，第 %d 个客户端"), number);
    LAB_ASSERT(got > 0 || !server_done(run), call,
               lab_fmt(LAB_TR("client %d to be served", "服务第 %d 个客户端"), number),
               server_state(run),
               LAB_TR("serve max_clients clients, one after the other: accept, greet, read, log, "
                      "close",
                      "逐个服务 max_clients 个客户端：accept、问候、读、记日志、关闭"));
    LAB_ASSERT(got == strlen(greeting) && memcmp(reply, greeting, got) == 0, call,
               lab_fmt(LAB_TR("%s, then the end of the connection", "%s，然后连接结束"),
                       lab_escape_str(greeting)),
               lab_fmt("%s (%s)", lab_escape(reply, got), server_state(run)),
               LAB_TR("send the whole greeting: send() may take only part of it, loop until "
                      "every byte is sent",
                      "要发完整个问候语：send() 可能只发出一部分，循环直到每个字节都发出"));
    LAB_ASSERT(
        ended, call,
        LAB_TR("the server closes the connection after one read", "服务端读一次之后关闭连接"),
        LAB_TR("the connection stayed open", "连接一直没有关闭"),
        LAB_TR("close() each client after logging its message", "记录完消息后 close() 这个客户端"));
    close(fd);
}

/* Closes the memstream, which makes its text and length final. */
static void log_close(FILE *log)
{
    LAB_SETUP(fclose(log) == 0, "fclose(<log memstream>)");
}

static void expect_log(const char *text, size_t len, const char *want, const char *hint)
{
    LAB_ASSERT_BYTES(LAB_TR("serve_greetings(): the log", "serve_greetings()：日志"), text, len,
                     want, strlen(want), hint);
}

#define LOG_HINT                                                                                   \
    LAB_TR("one line per client: \"收到的信息:\", the bytes of one read, then \"\\n\"",            \
           "每个客户端一行：\"收到的信息:\"，一次读到的字节，再加 \"\\n\"")

LAB_TEST(test_serve_greetings_document_example, 3)
{
    enum { CLIENTS = 5 };
    uint16_t port;
    int listener = lab_tcp_listener(&port, 8);
    char *text = NULL;
    size_t len = 0;
    FILE *log = open_memstream(&text, &len);
    LAB_SETUP(log != NULL, "open_memstream()");
    int before = lab_count_fds();
    struct server_run run;
    server_start(&run, listener, DOC_GREETING, CLIENTS, log);
    for (int i = 1; i <= CLIENTS; i++)
        play_client(port, DOC_MESSAGE, DOC_GREETING, &run, i);
    server_finish(&run, CLIENTS);
    LAB_ASSERT_NO_FD_LEAK("serve_greetings(listener, \"测试成功！\\n\", 5, log)", before,
                          LAB_TR("close every accepted connection, the last one too (the PHP "
                                 "script forgets it)",
                                 "关闭每一个接受的连接，包括最后一个（PHP 脚本忘了关它）"));
    LAB_ASSERT(
        lab_fd_is_open(listener), "serve_greetings()",
        LAB_TR("the listener still open", "监听 socket 仍然打开"),
        LAB_TR("the listener was closed", "监听 socket 被关闭了"),
        LAB_TR("the caller owns listen_fd: do not close it", "listen_fd 属于调用者：不要关闭它"));
    log_close(log);
    char want[512] = "";
    for (int i = 0; i < CLIENTS; i++)
        strcat(want, DOC_LOG_LINE);
    expect_log(text, len, want, LOG_HINT);
    free(text);
    close(listener);
}

LAB_TEST(test_serve_greetings_short_writes, 2)
{
    uint16_t port;
    int listener = lab_tcp_listener(&port, 8);
    char *text = NULL;
    size_t len = 0;
    FILE *log = open_memstream(&text, &len);
    LAB_SETUP(log != NULL, "open_memstream()");
    /* Every write()/send() of the server moves at most 3 bytes. */
    lab_inject("write", 1, -1, 0, 3);
    lab_inject("send", 1, -1, 0, 3);
    struct server_run run;
    server_start(&run, listener, DOC_GREETING, 2, log);
    play_client(port, DOC_MESSAGE, DOC_GREETING, &run, 1);
    play_client(port, DOC_MESSAGE, DOC_GREETING, &run, 2);
    server_finish(&run, 2);
    lab_inject_clear();
    log_close(log);
    expect_log(text, len, DOC_LOG_LINE DOC_LOG_LINE, LOG_HINT);
    free(text);
    close(listener);
}

LAB_TEST(test_serve_greetings_retries_eintr, 1)
{
    static const char *const calls[] = {"accept", "accept4", "read", "recv", "write", "send"};
    uint16_t port;
    int listener = lab_tcp_listener(&port, 8);
    char *text = NULL;
    size_t len = 0;
    FILE *log = open_memstream(&text, &len);
    LAB_SETUP(log != NULL, "open_memstream()");
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++)
        lab_inject(calls[i], 1, 1, EINTR, 0); /* the first of each is interrupted once */
    struct server_run run;
    server_start(&run, listener, DOC_GREETING, 1, log);
    play_client(port, DOC_MESSAGE, DOC_GREETING, &run, 1);
    server_finish(&run, 1);
    lab_inject_clear();
    log_close(log);
    expect_log(text, len, DOC_LOG_LINE,
               LAB_TR("EINTR from accept(), send() or recv() only means \"try again\"",
                      "accept()、send() 或 recv() 返回 EINTR 只表示“再试一次”"));
    free(text);
    close(listener);
}

LAB_TEST(test_serve_greetings_client_closes_at_once, 1)
{
    uint16_t port;
    int listener = lab_tcp_listener(&port, 8);
    char *text = NULL;
    size_t len = 0;
    FILE *log = open_memstream(&text, &len);
    LAB_SETUP(log != NULL, "open_memstream()");
    int before = lab_count_fds();
    struct server_run run;
    server_start(&run, listener, DOC_GREETING, 2, log);
    int quitter = lab_tcp_connect(port);
    close(quitter); /* connects, sends nothing, leaves */
    play_client(port, DOC_MESSAGE, DOC_GREETING, &run, 2);
    server_finish(&run, 2);
    LAB_ASSERT_NO_FD_LEAK(
        "serve_greetings()", before,
        LAB_TR("close the connection of a client that left, too", "已离开的客户端的连接也要关闭"));
    log_close(log);
    expect_log(text, len, EMPTY_LOG_LINE DOC_LOG_LINE,
               LAB_TR("a client that sends nothing still gets its line, with an empty message "
                      "(recv() returned 0)",
                      "什么都没发的客户端也有一行日志，消息为空（recv() 返回 0）"));
    free(text);
    close(listener);
}

/* Client that leaves before the server starts: closes (FIN) or resets (SO_LINGER 0). It is the
 * @p nth in the accept queue; a reset that overtook the end of the handshake would remove it. */
static void queue_departed_client(int listener, uint16_t port, unsigned nth, int reset)
{
    int fd = lab_tcp_connect(port);
    wait_accept_queue(listener, nth);
    if (reset) {
        struct linger abort_on_close = {.l_onoff = 1, .l_linger = 0};
        LAB_SETUP(setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close) ==
                      0,
                  "setsockopt(SO_LINGER {1, 0})");
    }
    close(fd);
}

LAB_TEST(test_serve_greetings_departed_clients_no_sigpipe, 2)
{
    /* A long greeting in pieces: after the first piece reaches a closed client, its kernel
     * answers with a reset, and the next send() to it fails with EPIPE, raising SIGPIPE
     * unless MSG_NOSIGNAL is used (or the signal ignored). */
    enum { GREETING_LEN = 64 * 1024, PIECE = 1024 };
    char *greeting = malloc(GREETING_LEN + 1);
    LAB_SETUP(greeting != NULL, "malloc()");
    for (size_t i = 0; i < GREETING_LEN; i++)
        greeting[i] = (char)('a' + i % 26);
    greeting[GREETING_LEN] = '\0';
    uint16_t port;
    int listener = lab_tcp_listener(&port, 8);
    char *text = NULL;
    size_t len = 0;
    FILE *log = open_memstream(&text, &len);
    LAB_SETUP(log != NULL, "open_memstream()");
    queue_departed_client(listener, port, 1, 0); /* closed */
    queue_departed_client(listener, port, 2, 1); /* reset */
    int stayer = lab_tcp_connect(port);
    lab_write_all(stayer, DOC_MESSAGE, strlen(DOC_MESSAGE));
    int before = lab_count_fds();
    lab_inject("write", 1, -1, 0, PIECE);
    lab_inject("send", 1, -1, 0, PIECE);
    struct server_run run;
    server_start(&run, listener, greeting, 3, log);

    char *reply = malloc(GREETING_LEN);
    LAB_SETUP(reply != NULL, "malloc()");
    int ended;
    size_t got = read_reply(stayer, reply, GREETING_LEN, &run, &ended);
    LAB_ASSERT(
        got == GREETING_LEN && memcmp(reply, greeting, got) == 0 && ended,
        "serve_greetings(), client 3 after a closed and a reset client",
        lab_fmt(LAB_TR("the %d-byte greeting, then the end", "%d 字节的问候语，然后连接结束"),
                GREETING_LEN),
        lab_fmt(LAB_TR("%zu bytes, %s (%s)", "%zu 字节，%s（%s）"), got,
                ended ? LAB_TR("then the end", "然后连接结束") : LAB_TR("no end", "连接没有结束"),
                server_state(&run)),
        LAB_TR("when send() fails for one client, close it and go on with the next",
               "给某个客户端 send() 失败时，关闭它，继续服务下一个"));
    server_finish(&run, 3);
    lab_inject_clear();
    LAB_ASSERT_NO_FD_LEAK(
        "serve_greetings()", before,
        LAB_TR("close the connection of a client that failed", "中途失败的客户端的连接也要关闭"));
    log_close(log);
    expect_log(text, len, EMPTY_LOG_LINE EMPTY_LOG_LINE DOC_LOG_LINE,
               LAB_TR("a client that failed still gets its line, with an empty message",
                      "中途失败的客户端也有一行日志，消息为空"));
    free(text);
    free(reply);
    free(greeting);
    close(stayer);
    close(listener);
}

LAB_TEST(test_serve_greetings_without_log, 1)
{
    uint16_t port;
    int listener = lab_tcp_listener(&port, 8);
    struct server_run run;
    server_start(&run, listener, DOC_GREETING, 2, NULL);
    play_client(port, DOC_MESSAGE, DOC_GREETING, &run, 1);
    play_client(port, DOC_MESSAGE, DOC_GREETING, &run, 2);
    server_finish(&run, 2);
    close(listener);
}

LAB_TEST(test_serve_greetings_limits_and_errors, 1)
{
    uint16_t port;
    int listener = lab_tcp_listener(&port, 8);
    char *text = NULL;
    size_t len = 0;
    FILE *log = open_memstream(&text, &len);
    LAB_SETUP(log != NULL, "open_memstream()");
    /* A client is waiting (and has sent its message, so a wrong answer cannot block). */
    int client = lab_tcp_connect(port);
    lab_write_all(client, DOC_MESSAGE, strlen(DOC_MESSAGE));

    long rc =
        LAB_CALL("serve_greetings(listener, greeting, 0, log)",
                 LAB_TR("nothing: zero clients means return at once", "无：0 个客户端表示立即返回"),
                 serve_greetings(listener, DOC_GREETING, 0, log));
    int err = errno;
    LAB_ASSERT(rc == 0, "serve_greetings(listener, greeting, 0, log)", "0",
               lab_result_text(rc, err),
               LAB_TR("max_clients 0: serve nobody and return 0",
                      "max_clients 为 0：不服务任何人，返回 0"));
    LAB_ASSERT(!lab_wait_readable(client, 100), "serve_greetings(listener, greeting, 0, log)",
               LAB_TR("the waiting client is not accepted", "等待中的客户端没有被接受"),
               LAB_TR("it was greeted or closed", "它收到了问候语或被关闭了"),
               LAB_TR("check the count before accept(), not after",
                      "在 accept() 之前检查计数，而不是之后"));

    rc = LAB_CALL("serve_greetings(listener, greeting, -1, log)",
                  LAB_TR("nothing: a negative count is an error", "无：负数是错误"),
                  serve_greetings(listener, DOC_GREETING, -1, log));
    err = errno;
    LAB_ASSERT_FAILS_WITH("serve_greetings(listener, greeting, -1, log)", rc, err, EINVAL,
                          LAB_TR("a negative max_clients is invalid (see accept.h)",
                                 "负的 max_clients 无效（见 accept.h）"));

    int holder;
    lab_closed_port(&holder);
    rc = LAB_CALL("serve_greetings(<socket not listening>, greeting, 1, log)",
                  LAB_TR("nothing: accept() fails at once", "无：accept() 会立即失败"),
                  serve_greetings(holder, DOC_GREETING, 1, log));
    err = errno;
    LAB_ASSERT_FAILS_WITH(
        "serve_greetings(<socket not listening>, greeting, 1, log)", rc, err, EINVAL,
        LAB_TR("when accept() fails (other than EINTR/ECONNABORTED), return -1 "
               "with its errno",
               "accept() 失败（EINTR/ECONNABORTED 以外）时返回 -1，并保留其 errno"));
    log_close(log);
    expect_log(text, len, "",
               LAB_TR("no client served, so nothing logged", "没有服务任何客户端，所以没有日志"));
    free(text);
    close(holder);
    close(client);
    close(listener);
}

void lab_register_tests(void)
{
    LAB_ADD(test_accept_client_returns_connection_and_peer);
    LAB_ADD(test_accept_client_without_peer);
    LAB_ADD(test_accept_client_retries_eintr_and_connaborted);
    LAB_ADD(test_accept_client_peer_too_small);
    LAB_ADD(test_accept_client_not_listening);
    LAB_ADD(test_accept_client_nonblocking_nobody_waiting);
    LAB_ADD(test_accept_client_ipv6_peer);
    LAB_ADD(test_peer_endpoint_both_sides);
    LAB_ADD(test_peer_endpoint_errors);
    LAB_ADD(test_peer_endpoint_too_small);
    LAB_ADD(test_peer_endpoint_ipv6);
    LAB_ADD(test_connect_ipv4_connects);
    LAB_ADD(test_connect_ipv4_refused);
    LAB_ADD(test_connect_ipv4_refused_leaks_nothing);
    LAB_ADD(test_connect_ipv4_keeps_errno_over_close);
    LAB_ADD(test_connect_ipv4_not_a_dotted_quad);
    LAB_ADD(test_connect_ipv4_emfile);
    LAB_ADD(test_connect_ipv4_injected_eintr);
    LAB_ADD_TIMEOUT(test_connect_ipv4_interrupted_by_signal, 8.0);
    LAB_ADD(test_serve_greetings_document_example);
    LAB_ADD(test_serve_greetings_short_writes);
    LAB_ADD(test_serve_greetings_retries_eintr);
    LAB_ADD(test_serve_greetings_client_closes_at_once);
    LAB_ADD(test_serve_greetings_departed_clients_no_sigpipe);
    LAB_ADD(test_serve_greetings_without_log);
    LAB_ADD(test_serve_greetings_limits_and_errors);
}
