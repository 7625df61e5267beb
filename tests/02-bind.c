/* 02-bind.c — tests of lesson 02: bind_ipv4, enable_address_reuse, local_endpoint. */
#define _GNU_SOURCE
#include "bind.h"
#include "lab.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* How long the kernel may take to move a closed connection to TIME_WAIT (generous). */
#define TIME_WAIT_DEADLINE_MS 2000
/* A kernel-chosen port may be taken by someone else before we bind it: retry this often. */
#define PORT_ATTEMPTS 5
/* /proc/net/tcp writes the state as a hex number; 06 is TIME_WAIT. */
#define PROC_TCP_TIME_WAIT 0x06

/* ---- helpers (the test's own calls, never the student's) ------------------------------ */

static int new_socket(int domain, int type)
{
    int fd = socket(domain, type, 0);
    LAB_SETUP(fd >= 0, lab_fmt("socket(%d, %d, 0)", domain, type));
    return fd;
}

static struct sockaddr_in ipv4_address(const char *ip, uint16_t port)
{
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    LAB_SETUP(inet_pton(AF_INET, ip, &addr.sin_addr) == 1, lab_fmt("inet_pton(\"%s\")", ip));
    return addr;
}

static int bind_to(int fd, const char *ip, uint16_t port)
{
    struct sockaddr_in addr = ipv4_address(ip, port);
    return bind(fd, (struct sockaddr *)&addr, sizeof addr);
}

/* The local endpoint as the test sees it: "127.0.0.1:5000", "[::1]:5000", or why not. */
static const char *endpoint_of(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    char host[INET6_ADDRSTRLEN];
    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
        return lab_fmt("getsockname(): %s", lab_errno_text(errno));
    if (ss.ss_family == AF_INET) {
        struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
        inet_ntop(AF_INET, &in4->sin_addr, host, sizeof host);
        return lab_fmt("%s:%u", host, ntohs(in4->sin_port));
    }
    if (ss.ss_family == AF_INET6) {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
        inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
        return lab_fmt("[%s]:%u", host, ntohs(in6->sin6_port));
    }
    return lab_fmt("family %d", ss.ss_family);
}

static uint16_t swap_bytes(uint16_t port)
{
    return (uint16_t)((port << 8) | (port >> 8));
}

/* A free port whose two bytes differ, so that a missing htons()/ntohs() shows. */
static uint16_t port_with_distinct_bytes(void)
{
    uint16_t port;
    do {
        port = lab_free_port();
    } while (swap_bytes(port) == port);
    return port;
}

/* An IPv4 TCP socket bound by the test to 127.0.0.1 on a kernel-chosen port with distinct bytes. */
static int bound_loopback_socket(uint16_t *port)
{
    for (;;) {
        int fd = new_socket(AF_INET, SOCK_STREAM);
        LAB_SETUP(bind_to(fd, "127.0.0.1", 0) == 0, "bind(127.0.0.1:0)");
        *port = lab_local_port(fd);
        if (swap_bytes(*port) != *port)
            return fd;
        close(fd);
    }
}

/* 1 if the socket is IPv4 and still has no address (getsockname says 0.0.0.0:0). */
static int is_unbound_ipv4(int fd)
{
    struct sockaddr_in addr;
    socklen_t len = sizeof addr;
    if (getsockname(fd, (struct sockaddr *)&addr, &len) < 0)
        return 0;
    return addr.sin_family == AF_INET && addr.sin_port == 0 && addr.sin_addr.s_addr == 0;
}

/* ---- bind_ipv4 ------------------------------------------------------------------------ */

LAB_TEST(test_bind_ipv4_loopback_port_zero, 2)
{
    int fd = new_socket(AF_INET, SOCK_STREAM);
    int before = lab_count_fds();
    int rc = LAB_CALL("bind_ipv4(fd, \"127.0.0.1\", 0)", NULL, bind_ipv4(fd, "127.0.0.1", 0));
    int err = errno;
    LAB_ASSERT(
        rc == 0, "bind_ipv4(fd, \"127.0.0.1\", 0)", "0", lab_result_text(rc, err),
        LAB_TR("fill a zeroed struct sockaddr_in (AF_INET, htons(port), inet_pton) and bind()",
               "填好一个清零的 struct sockaddr_in（AF_INET、htons(port)、inet_pton）再 bind()"));
    const char *got = endpoint_of(fd);
    LAB_ASSERT(strncmp(got, "127.0.0.1:", 10) == 0 && lab_local_port(fd) != 0,
               "bind_ipv4(fd, \"127.0.0.1\", 0)",
               LAB_TR("getsockname() shows 127.0.0.1:<a port the kernel chose, not 0>",
                      "getsockname() 显示 127.0.0.1:<内核选的端口，不是 0>"),
               got,
               LAB_TR("bind the socket passed in, to the address passed in",
                      "绑定传进来的那个 socket，用传进来的地址"));
    LAB_ASSERT_NO_FD_LEAK(
        "bind_ipv4()", before,
        LAB_TR("bind_ipv4() needs no descriptor of its own", "bind_ipv4() 不需要自己打开描述符"));
    close(fd);
}

LAB_TEST(test_bind_ipv4_port_in_network_order, 3)
{
    for (int attempt = 1;; attempt++) {
        uint16_t port = port_with_distinct_bytes();
        int fd = new_socket(AF_INET, SOCK_STREAM);
        const char *call = lab_fmt("bind_ipv4(fd, \"127.0.0.1\", %u)", port);
        int rc = LAB_CALL(call, NULL, bind_ipv4(fd, "127.0.0.1", port));
        int err = errno;
        if (rc == -1 && err == EADDRINUSE && attempt < PORT_ATTEMPTS) {
            close(fd); /* someone took the free port in between: pick another */
            continue;
        }
        LAB_ASSERT(rc == 0, call, "0", lab_result_text(rc, err),
                   LAB_TR("the port was free; bind() should succeed",
                          "这个端口是空闲的，bind() 应该成功"));
        uint16_t got = lab_local_port(fd);
        LAB_ASSERT(got == port, call, lab_fmt("127.0.0.1:%u", port), endpoint_of(fd),
                   got == swap_bytes(port)
                       ? LAB_TR("the bytes of the port are swapped: sin_port wants htons(port)",
                                "端口的两个字节颠倒了：sin_port 要填 htons(port)")
                       : LAB_TR("bind to exactly the port passed in (host order, convert with "
                                "htons())",
                                "绑定到传入的端口（主机字节序，用 htons() 转换）"));
        close(fd);
        return;
    }
}

LAB_TEST(test_bind_ipv4_udp_other_loopback_address, 1)
{
    /* All of 127.0.0.0/8 is loopback on Linux: 127.0.0.2 is a local address too. */
    int fd = new_socket(AF_INET, SOCK_DGRAM);
    int rc =
        LAB_CALL("bind_ipv4(<UDP socket>, \"127.0.0.2\", 0)", NULL, bind_ipv4(fd, "127.0.0.2", 0));
    int err = errno;
    LAB_ASSERT(rc == 0, "bind_ipv4(<UDP socket>, \"127.0.0.2\", 0)", "0", lab_result_text(rc, err),
               LAB_TR("bind() works the same for UDP sockets", "UDP socket 的 bind() 也一样"));
    const char *got = endpoint_of(fd);
    LAB_ASSERT(strncmp(got, "127.0.0.2:", 10) == 0, "bind_ipv4(<UDP socket>, \"127.0.0.2\", 0)",
               "127.0.0.2:<port>", got,
               LAB_TR("convert the ip argument with inet_pton(); do not use a fixed address",
                      "用 inet_pton() 转换 ip 参数，不要写死地址"));
    close(fd);
}

/* Each address must be refused with EINVAL, leaving the socket open and unbound. */
static void expect_rejected(const char *const *addresses, size_t count, const char *hint)
{
    for (size_t i = 0; i < count; i++) {
        const char *shown = lab_escape_str(addresses[i]);
        const char *call = lab_fmt("bind_ipv4(fd, %s, 0)", shown);
        int fd = new_socket(AF_INET, SOCK_STREAM);
        errno = 0;
        int rc = LAB_CALL(call, NULL, bind_ipv4(fd, addresses[i], 0));
        int err = errno;
        LAB_ASSERT_FAILS_WITH(call, rc, err, EINVAL, hint);
        LAB_ASSERT(lab_fd_is_open(fd), call, LAB_TR("the socket still open", "socket 仍然打开着"),
                   LAB_TR("the descriptor was closed", "描述符被关掉了"),
                   LAB_TR("the caller owns fd: never close it, also not when the address is bad",
                          "fd 归调用者所有：地址不对时也不要关闭它"));
        LAB_ASSERT(is_unbound_ipv4(fd), call,
                   LAB_TR("the socket still unbound (0.0.0.0:0)", "socket 仍未绑定（0.0.0.0:0）"),
                   endpoint_of(fd),
                   LAB_TR("return before bind() when inet_pton() does not return 1",
                          "inet_pton() 不返回 1 时，在 bind() 之前就返回"));
        close(fd);
    }
}

LAB_TEST(test_bind_ipv4_rejects_inet_aton_forms, 2)
{
    /* inet_aton() and inet_addr() take all of these; inet_pton() takes none. */
    static const char *const forms[] = {"127.1",     "2130706433", "0x7f.0.0.1", "1.2.3",
                                        "010.0.0.1", "127.0.0.1 ", "127.0.0.1\n"};
    expect_rejected(forms, sizeof forms / sizeof forms[0],
                    LAB_TR("only a dotted quad is an address: use inet_pton(AF_INET, ...) and "
                           "accept only the result 1 (inet_aton/inet_addr accept shorthand forms); "
                           "then set errno = EINVAL yourself",
                           "只有点分四段才算地址：用 inet_pton(AF_INET, ...)，只认返回值 1"
                           "（inet_aton/inet_addr 会接受简写形式）；然后自己设 errno = EINVAL"));
}

LAB_TEST(test_bind_ipv4_rejects_malformed_addresses, 2)
{
    static const char *const bad[] = {"localhost", "127.0.0.256", "", " 127.0.0.1", "1.2.3.4.5",
                                      "::1",       "127.0.0.1:80"};
    expect_rejected(bad, sizeof bad / sizeof bad[0],
                    LAB_TR("inet_pton() returns 0 for text that is not an IPv4 address and does "
                           "not set errno: set errno = EINVAL and return -1 without calling bind()",
                           "对不是 IPv4 地址的文字，inet_pton() 返回 0 且不设置 errno："
                           "自己设 errno = EINVAL，不调用 bind()，返回 -1"));
}

LAB_TEST(test_bind_ipv4_rejects_null_address, 1)
{
    static const char *const none[] = {NULL};
    expect_rejected(none, 1,
                    LAB_TR("check ip for NULL before inet_pton() reads it",
                           "在 inet_pton() 读取之前，先检查 ip 是否为 NULL"));
}

LAB_TEST(test_bind_ipv4_port_in_use_keeps_socket, 2)
{
    int holder;
    uint16_t port = lab_closed_port(&holder); /* bound by the test, so it is in use */
    int fd = new_socket(AF_INET, SOCK_STREAM);
    const char *call = lab_fmt("bind_ipv4(fd, \"127.0.0.1\", %u)", port);
    int rc = LAB_CALL(call, NULL, bind_ipv4(fd, "127.0.0.1", port));
    int err = errno;
    LAB_ASSERT_FAILS_WITH(call, rc, err, EADDRINUSE,
                          LAB_TR("return bind()'s result and keep its errno (EADDRINUSE)",
                                 "返回 bind() 的结果，保留它的 errno（EADDRINUSE）"));
    LAB_ASSERT(lab_fd_is_open(fd) && bind_to(fd, "127.0.0.1", 0) == 0, call,
               LAB_TR("the socket still open and usable (the test could bind it to port 0)",
                      "socket 仍然打开、可用（测试能把它绑定到 0 端口）"),
               LAB_TR("the descriptor was closed", "描述符被关掉了"),
               LAB_TR("the caller owns fd: after a failed bind() it may try another port; do "
                      "not close it",
                      "fd 归调用者所有：bind() 失败后调用者可能换个端口再试，不要关闭它"));
    close(fd);
    close(holder);
}

LAB_TEST(test_bind_ipv4_already_bound, 1)
{
    uint16_t port;
    int fd = bound_loopback_socket(&port);
    int rc = LAB_CALL("bind_ipv4(<bound socket>, \"127.0.0.1\", 0)", NULL,
                      bind_ipv4(fd, "127.0.0.1", 0));
    int err = errno;
    LAB_ASSERT_FAILS_WITH("bind_ipv4(<socket already bound>, \"127.0.0.1\", 0)", rc, err, EINVAL,
                          LAB_TR("a socket is bound once: bind() fails with EINVAL, pass it on",
                                 "一个 socket 只能绑定一次：bind() 以 EINVAL 失败，原样返回"));
    LAB_ASSERT(lab_fd_is_open(fd) && lab_local_port(fd) == port, "bind_ipv4(<bound socket>)",
               lab_fmt("127.0.0.1:%u", port), endpoint_of(fd),
               LAB_TR("the socket keeps its first address and stays open",
                      "socket 保留原来的地址，并保持打开"));
    close(fd);
}

LAB_TEST(test_bind_ipv4_not_a_socket, 1)
{
    int fd = new_socket(AF_INET, SOCK_STREAM);
    close(fd);
    int rc =
        LAB_CALL("bind_ipv4(<closed fd>, \"127.0.0.1\", 0)", NULL, bind_ipv4(fd, "127.0.0.1", 0));
    int err = errno;
    LAB_ASSERT_FAILS_WITH("bind_ipv4(<closed descriptor>, \"127.0.0.1\", 0)", rc, err, EBADF,
                          LAB_TR("keep bind()'s errno (EBADF)", "保留 bind() 的 errno（EBADF）"));
    int fds[2];
    LAB_SETUP(pipe(fds) == 0, "pipe()");
    rc = LAB_CALL("bind_ipv4(<pipe>, \"127.0.0.1\", 0)", NULL, bind_ipv4(fds[0], "127.0.0.1", 0));
    err = errno;
    LAB_ASSERT_FAILS_WITH("bind_ipv4(<read end of a pipe>, \"127.0.0.1\", 0)", rc, err, ENOTSOCK,
                          LAB_TR("keep bind()'s errno (ENOTSOCK), do not replace it",
                                 "保留 bind() 的 errno（ENOTSOCK），不要替换成别的"));
    LAB_ASSERT(lab_fd_is_open(fds[0]), "bind_ipv4(<pipe>)",
               LAB_TR("the pipe still open", "管道仍然打开着"),
               LAB_TR("the descriptor was closed", "描述符被关掉了"),
               LAB_TR("never close the caller's descriptor", "不要关闭调用者的描述符"));
    close(fds[0]);
    close(fds[1]);
}

/* ---- enable_address_reuse --------------------------------------------------------------- */

static int reuse_option(int fd)
{
    int value = -1;
    socklen_t len = sizeof value;
    LAB_SETUP(getsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &value, &len) == 0,
              "getsockopt(SO_REUSEADDR)");
    return value;
}

LAB_TEST(test_enable_address_reuse_sets_option, 2)
{
    int tcp = new_socket(AF_INET, SOCK_STREAM);
    int udp = new_socket(AF_INET, SOCK_DGRAM);
    LAB_SETUP(reuse_option(tcp) == 0 && reuse_option(udp) == 0, "SO_REUSEADDR off by default");
    int rc = LAB_CALL("enable_address_reuse(<TCP socket>)", NULL, enable_address_reuse(tcp));
    int err = errno;
    LAB_ASSERT(
        rc == 0, "enable_address_reuse(<TCP socket>)", "0", lab_result_text(rc, err),
        LAB_TR("setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) with int one = 1",
               "setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one)，其中 int one = 1"));
    int value = reuse_option(tcp);
    LAB_ASSERT(value != 0, "enable_address_reuse(<TCP socket>)",
               LAB_TR("getsockopt(SO_REUSEADDR) reads 1", "getsockopt(SO_REUSEADDR) 读到 1"),
               lab_fmt("%d", value),
               LAB_TR("set SO_REUSEADDR (not SO_REUSEPORT) at level SOL_SOCKET, to a non-zero int",
                      "在 SOL_SOCKET 层设置 SO_REUSEADDR（不是 SO_REUSEPORT），值为非零 int"));
    rc = LAB_CALL("enable_address_reuse(<UDP socket>)", NULL, enable_address_reuse(udp));
    err = errno;
    value = reuse_option(udp);
    LAB_ASSERT(
        rc == 0 && value != 0, "enable_address_reuse(<UDP socket>)",
        LAB_TR("0, and getsockopt(SO_REUSEADDR) reads 1", "0，且 getsockopt(SO_REUSEADDR) 读到 1"),
        lab_fmt("%s, option %d", lab_result_text(rc, err), value),
        LAB_TR("set the option on the socket passed in, whatever its type",
               "在传进来的 socket 上设置，不论它是什么类型"));
    close(tcp);
    close(udp);
}

/* 1 when /proc/net/tcp lists a TIME_WAIT connection whose local end is 127.0.0.1:port. */
static int has_time_wait(uint16_t port)
{
    FILE *table = fopen("/proc/net/tcp", "r");
    char line[512];
    int found = 0;
    LAB_SETUP(table != NULL, "fopen(\"/proc/net/tcp\")");
    while (!found && fgets(line, sizeof line, table)) {
        unsigned address, local_port, state;
        if (sscanf(line, " %*u: %8X:%4X %*8X:%*4X %2X", &address, &local_port, &state) == 3)
            found = local_port == port && state == PROC_TCP_TIME_WAIT;
    }
    fclose(table);
    return found;
}

/*
 * Leaves a TIME_WAIT connection on a loopback port and returns the port: the
 * server side closes first, as a server that stops does, so the TIME_WAIT is
 * on the server's port. The listener had SO_REUSEADDR, as a server restarted
 * with the same program would (Linux asks it of both the old and the new socket).
 */
static uint16_t port_left_in_time_wait(void)
{
    int one = 1;
    int listener = new_socket(AF_INET, SOCK_STREAM);
    LAB_SETUP(setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0,
              "setsockopt(SO_REUSEADDR) on the old server's listener");
    LAB_SETUP(bind_to(listener, "127.0.0.1", 0) == 0 && listen(listener, 1) == 0,
              "bind(127.0.0.1:0) and listen() for the old server");
    uint16_t port = lab_local_port(listener);
    int client = lab_tcp_connect(port);
    int server = accept(listener, NULL, NULL);
    LAB_SETUP(server >= 0, "accept() in the old server");
    close(server);
    char byte;
    LAB_SETUP(lab_wait_readable(client, TIME_WAIT_DEADLINE_MS) && read(client, &byte, 1) == 0,
              "the client sees the server's FIN (EOF)");
    close(client);
    close(listener);
    double deadline = lab_now() + TIME_WAIT_DEADLINE_MS / 1000.0;
    while (!has_time_wait(port) && lab_now() < deadline)
        lab_sleep_ms(10);
    LAB_SETUP(has_time_wait(port), lab_fmt("a TIME_WAIT connection on 127.0.0.1:%u", port));
    return port;
}

LAB_TEST(test_enable_address_reuse_rebinds_time_wait_port, 3)
{
    uint16_t port = port_left_in_time_wait();
    int plain = new_socket(AF_INET, SOCK_STREAM);
    LAB_SETUP(bind_to(plain, "127.0.0.1", port) == -1 && errno == EADDRINUSE,
              "without SO_REUSEADDR, bind() to a port in TIME_WAIT fails with EADDRINUSE");
    close(plain);

    int fd = new_socket(AF_INET, SOCK_STREAM);
    int rc = LAB_CALL("enable_address_reuse(<new server socket>)", NULL, enable_address_reuse(fd));
    int err = errno;
    LAB_ASSERT(rc == 0, "enable_address_reuse(<new server socket>)", "0", lab_result_text(rc, err),
               LAB_TR("setsockopt(SO_REUSEADDR, 1) succeeds on a fresh socket",
                      "在新 socket 上 setsockopt(SO_REUSEADDR, 1) 应该成功"));
    rc = bind_to(fd, "127.0.0.1", port);
    err = errno;
    LAB_ASSERT(
        rc == 0, lab_fmt("bind(127.0.0.1:%u) after enable_address_reuse()", port),
        LAB_TR("0: the restarted server gets its port back", "0：重启的服务端拿回了它的端口"),
        lab_result_text(rc, err),
        LAB_TR("a plain socket got EADDRINUSE here (the port has a connection in "
               "TIME_WAIT); SO_REUSEADDR set to 1 is what lets bind() through",
               "普通 socket 在这里得到 EADDRINUSE（端口上有 TIME_WAIT 连接）；"
               "把 SO_REUSEADDR 设为 1 才能让 bind() 通过"));
    close(fd);
}

LAB_TEST(test_enable_address_reuse_errors, 1)
{
    int fd = new_socket(AF_INET, SOCK_STREAM);
    close(fd);
    int rc = LAB_CALL("enable_address_reuse(<closed fd>)", NULL, enable_address_reuse(fd));
    int err = errno;
    LAB_ASSERT_FAILS_WITH("enable_address_reuse(<closed descriptor>)", rc, err, EBADF,
                          LAB_TR("check setsockopt()'s result: return -1 and keep its errno",
                                 "检查 setsockopt() 的返回值：返回 -1 并保留它的 errno"));
    int fds[2];
    LAB_SETUP(pipe(fds) == 0, "pipe()");
    rc = LAB_CALL("enable_address_reuse(<pipe>)", NULL, enable_address_reuse(fds[1]));
    err = errno;
    LAB_ASSERT_FAILS_WITH("enable_address_reuse(<write end of a pipe>)", rc, err, ENOTSOCK,
                          LAB_TR("a pipe has no socket options: setsockopt() fails with ENOTSOCK",
                                 "管道没有 socket 选项：setsockopt() 以 ENOTSOCK 失败"));
    close(fds[0]);
    close(fds[1]);
}

/* ---- local_endpoint ------------------------------------------------------------------- */

#define ENDPOINT_BUFFER 64
#define UNTOUCHED 'Z'

/* Calls local_endpoint(fd, buf, ENDPOINT_BUFFER) and asserts it returns 0 and writes want. */
static void expect_endpoint(int fd, const char *what, const char *want, const char *hint)
{
    char buf[ENDPOINT_BUFFER];
    memset(buf, UNTOUCHED, sizeof buf);
    const char *call = lab_fmt("local_endpoint(<%s>, buf, %d)", what, ENDPOINT_BUFFER);
    int rc = LAB_CALL(call, NULL, local_endpoint(fd, buf, sizeof buf));
    int err = errno;
    LAB_ASSERT(rc == 0, call, "0", lab_result_text(rc, err), hint);
    LAB_ASSERT(memchr(buf, '\0', sizeof buf) != NULL, call,
               LAB_TR("a NUL-terminated string", "以 NUL 结尾的字符串"),
               LAB_TR("no NUL in the buffer", "缓冲区里没有 NUL"),
               LAB_TR("terminate the text", "给文字加上结尾的 NUL"));
    LAB_ASSERT_STR(call, buf, want, hint);
}

LAB_TEST(test_local_endpoint_loopback, 2)
{
    uint16_t port;
    int fd = bound_loopback_socket(&port);
    expect_endpoint(fd, "socket bound to 127.0.0.1", lab_fmt("127.0.0.1:%u", port),
                    LAB_TR("getsockname(), then inet_ntop() for the address and ntohs() for the "
                           "port, joined as \"ip:port\"",
                           "先 getsockname()，再用 inet_ntop() 转地址、ntohs() 转端口，"
                           "拼成 \"ip:port\""));
    close(fd);
}

LAB_TEST(test_local_endpoint_unbound_socket, 1)
{
    int fd = new_socket(AF_INET, SOCK_STREAM);
    expect_endpoint(fd, "unbound TCP socket", "0.0.0.0:0",
                    LAB_TR("getsockname() on an unbound IPv4 socket gives 0.0.0.0 and port 0; "
                           "that is not an error",
                           "对未绑定的 IPv4 socket，getsockname() 给出 0.0.0.0 和端口 0，"
                           "这不是错误"));
    close(fd);
}

LAB_TEST(test_local_endpoint_connected_socket, 1)
{
    int client, server;
    lab_tcp_pair(&client, &server);
    expect_endpoint(client, "connected client", endpoint_of(client),
                    LAB_TR("the local end is getsockname(); getpeername() would give the other "
                           "end",
                           "本地这端用 getsockname()；getpeername() 给的是对端"));
    expect_endpoint(server, "accepted connection", endpoint_of(server),
                    LAB_TR("an accepted socket's local end is the listener's address",
                           "accept 得到的 socket，本地端就是监听地址"));
    close(client);
    close(server);
}

LAB_TEST(test_local_endpoint_ipv6, 2)
{
    int fd = socket(AF_INET6, SOCK_STREAM, 0);
    if (fd < 0) {
        /* A kernel without IPv6: check an IPv4 UDP socket instead, so the test still counts. */
        int udp = new_socket(AF_INET, SOCK_DGRAM);
        LAB_SETUP(bind_to(udp, "127.0.0.2", 0) == 0, "bind(127.0.0.2:0)");
        expect_endpoint(udp, "UDP socket bound to 127.0.0.2", endpoint_of(udp),
                        LAB_TR("format the address that getsockname() reports",
                               "格式化 getsockname() 报告的地址"));
        close(udp);
        return;
    }
    expect_endpoint(fd, "unbound IPv6 socket", "[::]:0",
                    LAB_TR("an IPv6 address goes in brackets: \"[ip]:port\"; use "
                           "struct sockaddr_storage and look at ss_family",
                           "IPv6 地址要加方括号：\"[ip]:port\"；用 struct sockaddr_storage，"
                           "看 ss_family"));
    struct sockaddr_in6 addr;
    memset(&addr, 0, sizeof addr);
    addr.sin6_family = AF_INET6;
    addr.sin6_addr = in6addr_loopback;
    LAB_SETUP(bind(fd, (struct sockaddr *)&addr, sizeof addr) == 0, "bind([::1]:0)");
    expect_endpoint(fd, "socket bound to ::1", lab_fmt("[::1]:%u", lab_local_port(fd)),
                    LAB_TR("inet_ntop(AF_INET6, &sin6_addr, ...) and ntohs(sin6_port), "
                           "as \"[ip]:port\"",
                           "inet_ntop(AF_INET6, &sin6_addr, ...) 和 ntohs(sin6_port)，"
                           "格式是 \"[ip]:port\""));
    close(fd);
}

LAB_TEST(test_local_endpoint_exact_fit, 1)
{
    uint16_t port;
    int fd = bound_loopback_socket(&port);
    const char *want = lab_fmt("127.0.0.1:%u", port);
    size_t cap = strlen(want) + 1; /* the text and its NUL, not one byte more */
    char buf[ENDPOINT_BUFFER];
    memset(buf, UNTOUCHED, sizeof buf);
    const char *call = lab_fmt("local_endpoint(fd, buf, %zu) /* %s */", cap, want);
    int rc = LAB_CALL(call, NULL, local_endpoint(fd, buf, cap));
    int err = errno;
    LAB_ASSERT(rc == 0, call, "0", lab_result_text(rc, err),
               LAB_TR("the text fits when cap >= its length + 1 (for the NUL)",
                      "cap >= 长度 + 1（NUL 占一个字节）时就放得下"));
    char expected[ENDPOINT_BUFFER];
    memcpy(expected, want, cap); /* the text and its NUL */
    expected[cap] = UNTOUCHED;
    LAB_ASSERT_BYTES(call, buf, cap + 1, expected, cap + 1,
                     LAB_TR("the text, its NUL, and nothing written after buf[cap - 1]",
                            "文字和 NUL，buf[cap - 1] 之后什么都不写"));
    close(fd);
}

LAB_TEST(test_local_endpoint_too_small, 2)
{
    uint16_t port;
    int fd = bound_loopback_socket(&port);
    const char *want = lab_fmt("127.0.0.1:%u", port);
    size_t caps[] = {strlen(want), 1}; /* one byte short; room for the NUL only */
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
        size_t cap = caps[i];
        char buf[ENDPOINT_BUFFER];
        memset(buf, UNTOUCHED, sizeof buf);
        const char *call = lab_fmt("local_endpoint(fd, buf, %zu) /* %s */", cap, want);
        int rc = LAB_CALL(call, NULL, local_endpoint(fd, buf, cap));
        int err = errno;
        LAB_ASSERT_FAILS_WITH(call, rc, err, ENOSPC,
                              LAB_TR("snprintf() returns the length it needed: if that is >= "
                                     "cap, the text was cut; fail with ENOSPC instead",
                                     "snprintf() 返回所需长度：若 >= cap 说明被截断了，"
                                     "此时应以 ENOSPC 失败"));
        LAB_ASSERT(buf[0] == '\0', call, "\"\"", lab_escape(buf, cap),
                   LAB_TR("on ENOSPC, buf holds \"\": a cut endpoint would name a wrong port",
                          "ENOSPC 时 buf 应为 \"\"：截断的地址会指向错误的端口"));
        LAB_ASSERT(buf[cap] == UNTOUCHED, call,
                   LAB_TR("nothing written past buf[cap - 1]", "buf[cap - 1] 之后什么都不写"),
                   lab_fmt("buf[%zu] = %s", cap, lab_escape(buf + cap, 1)),
                   LAB_TR("never write more than cap bytes", "写入的字节数绝不能超过 cap"));
    }
    close(fd);
}

LAB_TEST(test_local_endpoint_zero_capacity, 1)
{
    uint16_t port;
    int fd = bound_loopback_socket(&port);
    char buf[4] = {UNTOUCHED, UNTOUCHED, UNTOUCHED, UNTOUCHED};
    int rc = LAB_CALL("local_endpoint(fd, buf, 0)", NULL, local_endpoint(fd, buf, 0));
    int err = errno;
    LAB_ASSERT_FAILS_WITH("local_endpoint(fd, buf, 0)", rc, err, ENOSPC,
                          LAB_TR("nothing fits in 0 bytes, not even the NUL: ENOSPC",
                                 "0 个字节连 NUL 都放不下：ENOSPC"));
    LAB_ASSERT_BYTES("local_endpoint(fd, buf, 0)", buf, sizeof buf, "ZZZZ", 4,
                     LAB_TR("with cap 0, write nothing at all (not even buf[0])",
                            "cap 为 0 时一个字节都不写（buf[0] 也不行）"));
    rc = LAB_CALL("local_endpoint(fd, NULL, 0)", NULL, local_endpoint(fd, NULL, 0));
    err = errno;
    LAB_ASSERT_FAILS_WITH("local_endpoint(fd, NULL, 0)", rc, err, ENOSPC,
                          LAB_TR("buf may be NULL when cap is 0: touch buf only when cap > 0",
                                 "cap 为 0 时 buf 可以是 NULL：只在 cap > 0 时才碰 buf"));
    close(fd);
}

LAB_TEST(test_local_endpoint_not_a_socket, 1)
{
    char buf[ENDPOINT_BUFFER] = "untouched";
    int fd = new_socket(AF_INET, SOCK_STREAM);
    close(fd);
    int rc =
        LAB_CALL("local_endpoint(<closed fd>, buf, 64)", NULL, local_endpoint(fd, buf, sizeof buf));
    int err = errno;
    LAB_ASSERT_FAILS_WITH("local_endpoint(<closed descriptor>, buf, 64)", rc, err, EBADF,
                          LAB_TR("check getsockname()'s result and keep its errno",
                                 "检查 getsockname() 的返回值，保留它的 errno"));
    int fds[2];
    LAB_SETUP(pipe(fds) == 0, "pipe()");
    rc = LAB_CALL("local_endpoint(<pipe>, buf, 64)", NULL, local_endpoint(fds[0], buf, sizeof buf));
    err = errno;
    close(fds[0]);
    close(fds[1]);
    LAB_ASSERT_FAILS_WITH("local_endpoint(<read end of a pipe>, buf, 64)", rc, err, ENOTSOCK,
                          LAB_TR("getsockname() fails with ENOTSOCK on a pipe: pass it on",
                                 "对管道调用 getsockname() 会以 ENOTSOCK 失败：原样返回"));
    LAB_ASSERT_STR(
        "local_endpoint(<not a socket>)", buf, "untouched",
        LAB_TR("on errors other than ENOSPC, buf is not written", "除 ENOSPC 外的错误，不写 buf"));
}

LAB_TEST(test_local_endpoint_unix_socket, 1)
{
    int pair[2];
    LAB_SETUP(socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0, "socketpair(AF_UNIX)");
    char buf[ENDPOINT_BUFFER] = "untouched";
    int rc = LAB_CALL("local_endpoint(<AF_UNIX socket>, buf, 64)", NULL,
                      local_endpoint(pair[0], buf, sizeof buf));
    int err = errno;
    close(pair[0]);
    close(pair[1]);
    LAB_ASSERT_FAILS_WITH("local_endpoint(<AF_UNIX socket>, buf, 64)", rc, err, EAFNOSUPPORT,
                          LAB_TR("only AF_INET and AF_INET6 have an ip:port; for any other "
                                 "ss_family set errno = EAFNOSUPPORT",
                                 "只有 AF_INET 和 AF_INET6 才有 ip:port；其他 ss_family "
                                 "设 errno = EAFNOSUPPORT"));
    LAB_ASSERT_STR(
        "local_endpoint(<AF_UNIX socket>)", buf, "untouched",
        LAB_TR("on errors other than ENOSPC, buf is not written", "除 ENOSPC 外的错误，不写 buf"));
}

LAB_TEST(test_local_endpoint_after_bind_ipv4, 1)
{
    /* The lesson's whole story: bind a chosen port, then say where the socket is. */
    for (int attempt = 1;; attempt++) {
        uint16_t port = port_with_distinct_bytes();
        int fd = new_socket(AF_INET, SOCK_STREAM);
        const char *call = lab_fmt("bind_ipv4(fd, \"127.0.0.1\", %u)", port);
        int rc = LAB_CALL(call, NULL, bind_ipv4(fd, "127.0.0.1", port));
        int err = errno;
        if (rc == -1 && err == EADDRINUSE && attempt < PORT_ATTEMPTS) {
            close(fd);
            continue;
        }
        LAB_ASSERT(rc == 0, call, "0", lab_result_text(rc, err),
                   LAB_TR("the port was free; bind() should succeed",
                          "这个端口是空闲的，bind() 应该成功"));
        expect_endpoint(fd, "socket bound by bind_ipv4()", lab_fmt("127.0.0.1:%u", port),
                        LAB_TR("the endpoint names the port given to bind_ipv4(): htons() on "
                               "the way in, ntohs() on the way out",
                               "地址应显示传给 bind_ipv4() 的端口：进去用 htons()，"
                               "出来用 ntohs()"));
        close(fd);
        return;
    }
}

void lab_register_tests(void)
{
    LAB_ADD(test_bind_ipv4_loopback_port_zero);
    LAB_ADD(test_bind_ipv4_port_in_network_order);
    LAB_ADD(test_bind_ipv4_udp_other_loopback_address);
    LAB_ADD(test_bind_ipv4_rejects_inet_aton_forms);
    LAB_ADD(test_bind_ipv4_rejects_malformed_addresses);
    LAB_ADD(test_bind_ipv4_rejects_null_address);
    LAB_ADD(test_bind_ipv4_port_in_use_keeps_socket);
    LAB_ADD(test_bind_ipv4_already_bound);
    LAB_ADD(test_bind_ipv4_not_a_socket);
    LAB_ADD(test_enable_address_reuse_sets_option);
    LAB_ADD_TIMEOUT(test_enable_address_reuse_rebinds_time_wait_port, 8.0);
    LAB_ADD(test_enable_address_reuse_errors);
    LAB_ADD(test_local_endpoint_loopback);
    LAB_ADD(test_local_endpoint_unbound_socket);
    LAB_ADD(test_local_endpoint_connected_socket);
    LAB_ADD(test_local_endpoint_ipv6);
    LAB_ADD(test_local_endpoint_exact_fit);
    LAB_ADD(test_local_endpoint_too_small);
    LAB_ADD(test_local_endpoint_zero_capacity);
    LAB_ADD(test_local_endpoint_not_a_socket);
    LAB_ADD(test_local_endpoint_unix_socket);
    LAB_ADD(test_local_endpoint_after_bind_ipv4);
}
