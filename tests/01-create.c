/* 01-create.c — tests of lesson 01: create_tcp_socket, create_udp_socket, socket_kind,
 * socket_take_error, format_socket_error. */
#define _GNU_SOURCE
#include "create.h"
#include "lab.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* What the kernel says a descriptor is, asked by the test itself. */
static void kind_of(int fd, int *domain, int *type, int *protocol)
{
    socklen_t len = sizeof(int);
    LAB_SETUP(getsockopt(fd, SOL_SOCKET, SO_DOMAIN, domain, &len) == 0, "getsockopt(SO_DOMAIN)");
    LAB_SETUP(getsockopt(fd, SOL_SOCKET, SO_TYPE, type, &len) == 0, "getsockopt(SO_TYPE)");
    LAB_SETUP(getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, protocol, &len) == 0,
              "getsockopt(SO_PROTOCOL)");
}

static const char *kind_text(int domain, int type, int protocol)
{
    return lab_fmt("domain %d, type %d, protocol %d", domain, type, protocol);
}

/* ---- create_tcp_socket ---------------------------------------------------------------- */

LAB_TEST(test_create_tcp_socket_is_ipv4_stream_tcp, 2)
{
    int fd = LAB_CALL("create_tcp_socket()", NULL, create_tcp_socket());
    int err = errno;
    LAB_ASSERT(fd >= 0, "create_tcp_socket()", LAB_TR("a descriptor >= 0", "一个 >= 0 的描述符"),
               lab_result_text(fd, err),
               LAB_TR("return what socket(AF_INET, SOCK_STREAM, protocol) returns",
                      "返回 socket(AF_INET, SOCK_STREAM, protocol) 的结果"));
    int domain, type, protocol;
    kind_of(fd, &domain, &type, &protocol);
    LAB_ASSERT(domain == AF_INET && type == SOCK_STREAM && protocol == IPPROTO_TCP,
               "create_tcp_socket()", kind_text(AF_INET, SOCK_STREAM, IPPROTO_TCP),
               kind_text(domain, type, protocol),
               LAB_TR("AF_INET (2) is IPv4, SOCK_STREAM (1) is a byte stream, and "
                      "getprotobyname(\"tcp\")->p_proto is 6",
                      "AF_INET (2) 是 IPv4，SOCK_STREAM (1) 是字节流，"
                      "getprotobyname(\"tcp\")->p_proto 是 6"));
    close(fd);
}

LAB_TEST(test_create_tcp_socket_new_descriptor_each_call, 1)
{
    int before = lab_count_fds();
    int first = LAB_CALL("create_tcp_socket()", NULL, create_tcp_socket());
    int second = LAB_CALL("create_tcp_socket()", NULL, create_tcp_socket());
    LAB_ASSERT(first >= 0 && second >= 0 && first != second, "create_tcp_socket()",
               LAB_TR("two different descriptors from two calls", "两次调用得到两个不同的描述符"),
               lab_fmt("%d, %d", first, second),
               LAB_TR("make a new socket on every call; do not keep one in a static variable",
                      "每次调用都新建一个 socket，不要把它存在 static 变量里"));
    close(first);
    close(second);
    LAB_ASSERT_NO_FD_LEAK(
        "create_tcp_socket()", before,
        LAB_TR("the function must open exactly one descriptor: the one it returns",
               "函数只应打开一个描述符：它返回的那个"));
}

LAB_TEST(test_create_tcp_socket_asks_for_tcp, 1)
{
    lab_record_reset();
    int fd = LAB_CALL("create_tcp_socket()", NULL, create_tcp_socket());
    int asked = 0;
    for (int i = 0; i < lab_record_count(); i++) {
        const struct lab_call *c = lab_recorded(i);
        if (strcmp(c->name, "getprotobyname") == 0 && memcmp(&c->arg[0], "tcp", 4) == 0)
            asked = 1;
    }
    lab_close(fd);
    LAB_ASSERT(asked, "create_tcp_socket()",
               LAB_TR("a call getprotobyname(\"tcp\")", "调用 getprotobyname(\"tcp\")"),
               lab_recorded_text(),
               LAB_TR("look the protocol number up by name, as document 004's server does",
                      "像文档 004 的服务端那样，按名字查协议号"));
}

LAB_TEST(test_create_tcp_socket_without_protocol_database, 1)
{
    lab_inject("getprotobyname", 1, -1, ENOENT, 0); /* as if /etc/protocols were missing */
    int fd = LAB_CALL("create_tcp_socket() with getprotobyname() returning NULL",
                      LAB_TR("nothing: this call should return at once", "无：这个调用应立即返回"),
                      create_tcp_socket());
    int err = errno;
    LAB_ASSERT(fd >= 0, "create_tcp_socket()",
               LAB_TR("a TCP socket even when getprotobyname() returns NULL",
                      "即使 getprotobyname() 返回 NULL，也得到一个 TCP socket"),
               lab_result_text(fd, err),
               LAB_TR("check getprotobyname()'s result for NULL and fall back to IPPROTO_TCP",
                      "检查 getprotobyname() 是否返回 NULL，是则改用 IPPROTO_TCP"));
    int domain, type, protocol;
    kind_of(fd, &domain, &type, &protocol);
    LAB_ASSERT(
        protocol == IPPROTO_TCP && type == SOCK_STREAM, "create_tcp_socket()",
        kind_text(AF_INET, SOCK_STREAM, IPPROTO_TCP), kind_text(domain, type, protocol),
        LAB_TR("the fallback protocol is IPPROTO_TCP (6)", "备用的协议号是 IPPROTO_TCP (6)"));
    close(fd);
}

LAB_TEST(test_create_tcp_socket_reports_emfile, 1)
{
    lab_exhaust_descriptors();
    errno = 0;
    int fd = LAB_CALL("create_tcp_socket() with no descriptor left", NULL, create_tcp_socket());
    int err = errno;
    lab_release_descriptors();
    LAB_ASSERT_FAILS_WITH("create_tcp_socket()", fd, err, EMFILE,
                          LAB_TR("when socket() fails, return -1 and leave its errno alone",
                                 "socket() 失败时返回 -1，并保留它设置的 errno"));
}

/* ---- create_udp_socket ----------------------------------------------------------------- */

LAB_TEST(test_create_udp_socket_is_ipv4_dgram_udp, 2)
{
    int fd = LAB_CALL("create_udp_socket()", NULL, create_udp_socket());
    int err = errno;
    LAB_ASSERT(fd >= 0, "create_udp_socket()", LAB_TR("a descriptor >= 0", "一个 >= 0 的描述符"),
               lab_result_text(fd, err),
               LAB_TR("return what socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP) returns",
                      "返回 socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP) 的结果"));
    int domain, type, protocol;
    kind_of(fd, &domain, &type, &protocol);
    LAB_ASSERT(domain == AF_INET && type == SOCK_DGRAM && protocol == IPPROTO_UDP,
               "create_udp_socket()", kind_text(AF_INET, SOCK_DGRAM, IPPROTO_UDP),
               kind_text(domain, type, protocol),
               LAB_TR("UDP is SOCK_DGRAM (2) with protocol IPPROTO_UDP (17)",
                      "UDP 是 SOCK_DGRAM (2)，协议 IPPROTO_UDP (17)"));
    close(fd);
}

/* ---- socket_kind ----------------------------------------------------------------------- */

static void expect_kind(int fd, const char *what, int want_domain, int want_type, int want_protocol)
{
    int domain = -77, type = -77, protocol = -77;
    int rc = LAB_CALL(lab_fmt("socket_kind(<%s>, &domain, &type, &protocol)", what), NULL,
                      socket_kind(fd, &domain, &type, &protocol));
    int err = errno;
    LAB_ASSERT(rc == 0, lab_fmt("socket_kind(<%s>)", what), "0", lab_result_text(rc, err),
               LAB_TR("ask getsockopt(fd, SOL_SOCKET, SO_DOMAIN/SO_TYPE/SO_PROTOCOL, ...)",
                      "用 getsockopt(fd, SOL_SOCKET, SO_DOMAIN/SO_TYPE/SO_PROTOCOL, ...) 查询"));
    LAB_ASSERT(domain == want_domain && type == want_type && protocol == want_protocol,
               lab_fmt("socket_kind(<%s>)", what), kind_text(want_domain, want_type, want_protocol),
               kind_text(domain, type, protocol),
               LAB_TR("each value comes from its own getsockopt() option; do not guess them",
                      "每个值来自各自的 getsockopt() 选项，不要猜"));
}

LAB_TEST(test_socket_kind_tcp_and_udp, 2)
{
    int tcp = socket(AF_INET, SOCK_STREAM, 0);
    int udp = socket(AF_INET, SOCK_DGRAM, 0);
    LAB_SETUP(tcp >= 0 && udp >= 0, "socket()");
    expect_kind(tcp, "TCP socket", AF_INET, SOCK_STREAM, IPPROTO_TCP);
    expect_kind(udp, "UDP socket", AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    close(tcp);
    close(udp);
}

LAB_TEST(test_socket_kind_ipv6_and_unix, 1)
{
    int pair[2];
    LAB_SETUP(socketpair(AF_UNIX, SOCK_DGRAM, 0, pair) == 0, "socketpair(AF_UNIX)");
    expect_kind(pair[0], "AF_UNIX datagram socket", AF_UNIX, SOCK_DGRAM, 0);
    int v6 = socket(AF_INET6, SOCK_STREAM, 0);
    if (v6 >= 0) /* a kernel without IPv6 still runs the rest */
        expect_kind(v6, "IPv6 TCP socket", AF_INET6, SOCK_STREAM, IPPROTO_TCP);
    lab_close(v6);
    close(pair[0]);
    close(pair[1]);
}

LAB_TEST(test_socket_kind_accepts_null_pointers, 1)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    LAB_SETUP(fd >= 0, "socket()");
    int type = -77;
    int rc = LAB_CALL("socket_kind(fd, NULL, &type, NULL)",
                      LAB_TR("nothing: this call should return at once", "无：这个调用应立即返回"),
                      socket_kind(fd, NULL, &type, NULL));
    int err = errno;
    LAB_ASSERT(rc == 0 && type == SOCK_DGRAM, "socket_kind(fd, NULL, &type, NULL)",
               lab_fmt("0, type %d", SOCK_DGRAM),
               lab_fmt("%s, type %d", lab_result_text(rc, err), type),
               LAB_TR("a NULL pointer means \"not wanted\": skip it instead of writing through it",
                      "NULL 指针表示“不需要”：跳过它，不要往里写"));
    close(fd);
}

LAB_TEST(test_socket_kind_not_a_socket, 1)
{
    int fds[2];
    LAB_SETUP(pipe(fds) == 0, "pipe()");
    int domain = -77, type = -77, protocol = -77;
    int rc =
        LAB_CALL("socket_kind(<pipe>, ...)", NULL, socket_kind(fds[0], &domain, &type, &protocol));
    int err = errno;
    LAB_ASSERT_FAILS_WITH(
        "socket_kind(<read end of a pipe>)", rc, err, ENOTSOCK,
        LAB_TR("getsockopt() fails with ENOTSOCK on a pipe: return -1 and keep that errno",
               "对管道调用 getsockopt() 会以 ENOTSOCK 失败：返回 -1 并保留该 errno"));
    LAB_ASSERT(domain == -77 && type == -77 && protocol == -77, "socket_kind(<pipe>)",
               LAB_TR("the three variables left untouched (-77)", "三个变量保持原值 (-77)"),
               kind_text(domain, type, protocol),
               LAB_TR("on failure write nothing: read every option first, then store the results",
                      "失败时什么都不写：先读完所有选项，再写结果"));
    close(fds[0]);
    close(fds[1]);
}

LAB_TEST(test_socket_kind_closed_descriptor, 1)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    LAB_SETUP(fd >= 0, "socket()");
    close(fd);
    int domain;
    int rc = LAB_CALL("socket_kind(<closed fd>, ...)", NULL, socket_kind(fd, &domain, NULL, NULL));
    int err = errno;
    LAB_ASSERT_FAILS_WITH("socket_kind(<closed descriptor>)", rc, err, EBADF,
                          LAB_TR("return -1 and keep getsockopt()'s errno (EBADF)",
                                 "返回 -1，并保留 getsockopt() 的 errno (EBADF)"));
}

/* ---- socket_take_error ----------------------------------------------------------------- */

LAB_TEST(test_socket_take_error_none_pending, 1)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    LAB_SETUP(fd >= 0, "socket()");
    int rc = LAB_CALL("socket_take_error(<new socket>)", NULL, socket_take_error(fd));
    int err = errno;
    LAB_ASSERT(rc == 0, "socket_take_error(<new socket>)", "0", lab_result_text(rc, err),
               LAB_TR("a new socket has no pending error: return the SO_ERROR value, 0",
                      "新建的 socket 没有待处理的错误：返回 SO_ERROR 的值 0"));
    close(fd);
}

LAB_TEST(test_socket_take_error_refused_connect, 2)
{
    int holder;
    uint16_t port = lab_closed_port(&holder);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    LAB_SETUP(fd >= 0, "socket()");
    struct sockaddr_in addr = {
        .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    /* A non-blocking connect returns at once; the refusal arrives later as SO_ERROR. */
    int rc = connect(fd, (struct sockaddr *)&addr, sizeof addr);
    LAB_SETUP(rc == 0 || errno == EINPROGRESS || errno == ECONNREFUSED,
              "connect() to a closed port");
    struct pollfd pfd = {.fd = fd, .events = POLLOUT};
    LAB_SETUP(poll(&pfd, 1, 2000) == 1, "poll() for the refused connect");

    int first = LAB_CALL("socket_take_error(<refused connect>)", NULL, socket_take_error(fd));
    int err = errno;
    LAB_ASSERT(first == ECONNREFUSED, "socket_take_error(<socket whose connect was refused>)",
               lab_fmt("ECONNREFUSED (%d)", ECONNREFUSED), lab_result_text(first, err),
               LAB_TR("return the value getsockopt(SO_ERROR) stores, not getsockopt()'s own result",
                      "返回 getsockopt(SO_ERROR) 写入的值，而不是 getsockopt() 自己的返回值"));
    int second = LAB_CALL("socket_take_error(<same socket again>)", NULL, socket_take_error(fd));
    err = errno;
    LAB_ASSERT(second == 0, "socket_take_error(<second call>)", "0", lab_result_text(second, err),
               LAB_TR("reading SO_ERROR clears it: the second call must see 0",
                      "读取 SO_ERROR 会清除它：第二次调用应得到 0"));
    close(fd);
    close(holder);
}

LAB_TEST(test_socket_take_error_not_a_socket, 1)
{
    int fds[2];
    LAB_SETUP(pipe(fds) == 0, "pipe()");
    int rc = LAB_CALL("socket_take_error(<pipe>)", NULL, socket_take_error(fds[1]));
    int err = errno;
    LAB_ASSERT_FAILS_WITH("socket_take_error(<write end of a pipe>)", rc, err, ENOTSOCK,
                          LAB_TR("when getsockopt() itself fails, return -1 (not an error number)",
                                 "getsockopt() 本身失败时返回 -1（而不是错误号）"));
    close(fds[0]);
    close(fds[1]);
}

/* ---- format_socket_error --------------------------------------------------------------- */

LAB_TEST(test_format_socket_error_document_message, 2)
{
    char buf[128];
    memset(buf, 'Z', sizeof buf);
    int n = LAB_CALL("format_socket_error(buf, 128, \"connect\", ECONNREFUSED)", NULL,
                     format_socket_error(buf, sizeof buf, "connect", ECONNREFUSED));
    const char *want = "connect() failed: Connection refused";
    LAB_ASSERT(n == (int)strlen(want), "format_socket_error(buf, 128, \"connect\", ECONNREFUSED)",
               lab_fmt("%zu", strlen(want)), lab_fmt("%d", n),
               LAB_TR("return the length of the message, like snprintf()",
                      "像 snprintf() 一样返回消息的长度"));
    LAB_ASSERT(memchr(buf, '\0', sizeof buf) != NULL, "format_socket_error()",
               LAB_TR("a NUL-terminated string", "以 NUL 结尾的字符串"),
               LAB_TR("no NUL in the buffer", "缓冲区里没有 NUL"),
               LAB_TR("terminate the string", "给字符串加上结尾的 NUL"));
    LAB_ASSERT_STR("format_socket_error(buf, 128, \"connect\", ECONNREFUSED)", buf, want,
                   LAB_TR("the format is \"<call>() failed: <strerror(err)>\"",
                          "格式是 \"<call>() failed: <strerror(err)>\""));
}

LAB_TEST(test_format_socket_error_other_calls_and_errors, 1)
{
    char buf[128] = "";
    int n = LAB_CALL("format_socket_error(buf, 128, \"bind\", EADDRINUSE)", NULL,
                     format_socket_error(buf, sizeof buf, "bind", EADDRINUSE));
    (void)n;
    LAB_ASSERT_STR("format_socket_error(buf, 128, \"bind\", EADDRINUSE)", buf,
                   "bind() failed: Address already in use",
                   LAB_TR("use the call and the error passed in, not fixed text",
                          "使用传入的调用名和错误号，不要写死文字"));
    n = LAB_CALL("format_socket_error(buf, 128, \"socket\", 9999)", NULL,
                 format_socket_error(buf, sizeof buf, "socket", 9999));
    char want[128];
    snprintf(want, sizeof want, "socket() failed: %s", strerror(9999));
    LAB_ASSERT_STR("format_socket_error(buf, 128, \"socket\", 9999)", buf, want,
                   LAB_TR("strerror() has a text for every number, even unknown ones",
                          "strerror() 对任何数字都有文字，包括未知的错误号"));
}

LAB_TEST(test_format_socket_error_truncates_like_snprintf, 2)
{
    char buf[16];
    memset(buf, 'Z', sizeof buf);
    int n = LAB_CALL("format_socket_error(buf, 10, \"connect\", ECONNREFUSED)", NULL,
                     format_socket_error(buf, 10, "connect", ECONNREFUSED));
    LAB_ASSERT(n == (int)strlen("connect() failed: Connection refused"),
               "format_socket_error(buf, 10, ...)", "36", lab_fmt("%d", n),
               LAB_TR("return the full length even when it does not fit (snprintf semantics)",
                      "即使放不下也返回完整长度（snprintf 语义）"));
    LAB_ASSERT_BYTES(
        "format_socket_error(buf, 10, ...)", buf, 11, "connect()\0Z", 11,
        LAB_TR("write at most cap bytes: 9 characters and the NUL, nothing past buf[9]",
               "最多写 cap 个字节：9 个字符加 NUL，buf[9] 之后不动"));
}

LAB_TEST(test_format_socket_error_zero_capacity, 1)
{
    int n = LAB_CALL("format_socket_error(NULL, 0, \"listen\", EADDRINUSE)",
                     LAB_TR("nothing: this call should return at once", "无：这个调用应立即返回"),
                     format_socket_error(NULL, 0, "listen", EADDRINUSE));
    LAB_ASSERT(n == (int)strlen("listen() failed: Address already in use"),
               "format_socket_error(NULL, 0, \"listen\", EADDRINUSE)", "39", lab_fmt("%d", n),
               LAB_TR("with cap 0 write nothing (buf may be NULL) and return the length needed",
                      "cap 为 0 时什么都不写（buf 可以是 NULL），返回所需的长度"));
}

void lab_register_tests(void)
{
    LAB_ADD(test_create_tcp_socket_is_ipv4_stream_tcp);
    LAB_ADD(test_create_tcp_socket_new_descriptor_each_call);
    LAB_ADD(test_create_tcp_socket_asks_for_tcp);
    LAB_ADD(test_create_tcp_socket_without_protocol_database);
    LAB_ADD(test_create_tcp_socket_reports_emfile);
    LAB_ADD(test_create_udp_socket_is_ipv4_dgram_udp);
    LAB_ADD(test_socket_kind_tcp_and_udp);
    LAB_ADD(test_socket_kind_ipv6_and_unix);
    LAB_ADD(test_socket_kind_accepts_null_pointers);
    LAB_ADD(test_socket_kind_not_a_socket);
    LAB_ADD(test_socket_kind_closed_descriptor);
    LAB_ADD(test_socket_take_error_none_pending);
    LAB_ADD(test_socket_take_error_refused_connect);
    LAB_ADD(test_socket_take_error_not_a_socket);
    LAB_ADD(test_format_socket_error_document_message);
    LAB_ADD(test_format_socket_error_other_calls_and_errors);
    LAB_ADD(test_format_socket_error_truncates_like_snprintf);
    LAB_ADD(test_format_socket_error_zero_capacity);
}
