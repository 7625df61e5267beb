/* 09-stream-api.c — tests of lesson 09: stream_socket_server, _accept, _client, _fdopen. */
#define _GNU_SOURCE
#include "stream.h"
#include "lab.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Marks err_code as "not written by the call". */
#define UNTOUCHED (-77)
#define MSG_CAP 256

/* ---- name lookups: wrapped here, so that no test ever sends a DNS query ------------------ */

static int name_lookups; /* lookups of names (not numeric addresses) made by the code under test */

extern int __real_getaddrinfo(const char *, const char *, const struct addrinfo *,
                              struct addrinfo **) __attribute__((weak));
int __wrap_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                       struct addrinfo **res);
int __wrap_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                       struct addrinfo **res)
{
    unsigned char scratch[sizeof(struct in6_addr)];
    int numeric = node == NULL || inet_pton(AF_INET, node, scratch) == 1 ||
                  inet_pton(AF_INET6, node, scratch) == 1;
    if (!lab_in_student_code() || numeric)
        return __real_getaddrinfo(node, service, hints, res);
    name_lookups++;
    return EAI_NONAME; /* a name: answer "unknown" without asking anyone */
}

extern struct hostent *__real_gethostbyname(const char *) __attribute__((weak));
struct hostent *__wrap_gethostbyname(const char *name);
struct hostent *__wrap_gethostbyname(const char *name)
{
    if (!lab_in_student_code())
        return __real_gethostbyname(name);
    name_lookups++;
    h_errno = HOST_NOT_FOUND;
    return NULL;
}

/* ---- helpers -------------------------------------------------------------------------------- */

static const char *code_text(int code)
{
    return code == UNTOUCHED ? LAB_TR("-77 (not written)", "-77（没有被写入）")
                             : lab_errno_text(code);
}

static int int_option(int fd, int level, int name)
{
    int value = -1;
    socklen_t len = sizeof value;
    LAB_SETUP(getsockopt(fd, level, name, &value, &len) == 0,
              "getsockopt() on the returned socket");
    return value;
}

/* The local address of fd as "ip:port" / "[ip]:port", asked by the test itself. */
static const char *local_text(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    char ip[INET6_ADDRSTRLEN] = "?";
    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
        return lab_fmt("getsockname: %s", lab_errno_text(errno));
    if (ss.ss_family == AF_INET6) {
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, ip, sizeof ip);
        return lab_fmt("[%s]:%u", ip, lab_local_port(fd));
    }
    if (ss.ss_family == AF_INET) {
        inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, ip, sizeof ip);
        return lab_fmt("%s:%u", ip, lab_local_port(fd));
    }
    return lab_fmt("family %d", ss.ss_family);
}

static int is_blocking(int fd)
{
    int flags = fcntl(fd, F_GETFL);
    LAB_SETUP(flags >= 0, "fcntl(F_GETFL) on the returned socket");
    return !(flags & O_NONBLOCK);
}

/* Every recorded call with its four arguments, for messages. */
static const char *recorded_calls(void)
{
    static char text[4096];
    size_t used = 0;
    text[0] = '\0';
    for (int i = 0; i < lab_record_count() && used < sizeof text - 200; i++) {
        const struct lab_call *c = lab_recorded(i);
        used += (size_t)snprintf(text + used, sizeof text - used, "%s%s(%ld, %ld, %ld, %ld) = %s",
                                 i ? "\n          " : "", c->name, c->arg[0], c->arg[1], c->arg[2],
                                 c->arg[3], lab_result_text(c->ret, c->err));
    }
    return lab_record_count() ? text : LAB_TR("(no calls)", "（没有调用）");
}

/* Index of the first recorded call of name at or after from, or -1. */
static int find_call(const char *name, int from)
{
    for (int i = from; i < lab_record_count(); i++)
        if (strcmp(lab_recorded(i)->name, name) == 0)
            return i;
    return -1;
}

/* An IPv6 TCP listener on [::1]:0; -1 (with *err) when the kernel has no IPv6 loopback. */
static int v6_listener(uint16_t *port, int *err)
{
    struct sockaddr_in6 addr = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    int fd = socket(AF_INET6, SOCK_STREAM, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(fd, 8) < 0) {
        *err = errno;
        lab_close(fd);
        return -1;
    }
    *port = lab_local_port(fd);
    return fd;
}

static int v6_connect(uint16_t port)
{
    struct sockaddr_in6 addr = {
        .sin6_family = AF_INET6, .sin6_port = htons(port), .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    int fd = socket(AF_INET6, SOCK_STREAM, 0);
    LAB_SETUP(fd >= 0, "socket(AF_INET6) for a test client");
    LAB_SETUP(connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0, "connect() to [::1]");
    return fd;
}

/* A listener with backlog 0 whose accept queue is full: a new connect() to
 * it stays in progress (the kernel drops its SYN), which makes a timeout. */
#define FILLERS_MAX 16
struct full_listener {
    int fd;
    uint16_t port;
    int fillers[FILLERS_MAX];
    int count;
};

static void make_full_listener(struct full_listener *full)
{
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int stuck = 0;

    full->fd = lab_tcp_listener(&full->port, 0);
    addr.sin_port = htons(full->port);
    for (full->count = 0; full->count < FILLERS_MAX && !stuck; full->count++) {
        int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        LAB_SETUP(c >= 0, "socket() to fill an accept queue");
        full->fillers[full->count] = c;
        if (connect(c, (struct sockaddr *)&addr, sizeof addr) == 0)
            continue;
        LAB_SETUP(errno == EINPROGRESS, "connect() to fill an accept queue");
        struct pollfd pfd = {.fd = c, .events = POLLOUT};
        stuck = poll(&pfd, 1, 300) == 0; /* still in progress after 300 ms: the queue is full */
    }
    LAB_SETUP(stuck, "filling the accept queue of a listener with backlog 0");
}

static void close_full_listener(struct full_listener *full)
{
    for (int i = 0; i < full->count; i++)
        close(full->fillers[i]);
    close(full->fd);
}

/* Calls one of the two URI functions (the client with a 1 s limit). */
enum uri_function { SERVER, CLIENT };

static const char *uri_call_text(enum uri_function which, const char *uri, const char *rest)
{
    return lab_fmt("%s(%s, %s)", which == SERVER ? "stream_socket_server" : "stream_socket_client",
                   lab_escape_str(uri), rest);
}

static int call_uri_function(enum uri_function which, const char *uri, int *code, char *msg,
                             size_t cap, const char *call)
{
    if (which == SERVER)
        return LAB_CALL(call, NULL, stream_socket_server(uri, code, msg, cap));
    return LAB_CALL(call, LAB_TR("poll() for the connection", "poll() 等待连接"),
                    stream_socket_client(uri, code, msg, cap, 1.0));
}

/* A malformed URI: -1, EINVAL in errno and err_code, PHP's message, nothing opened. */
static void expect_malformed(enum uri_function which, const char *uri, const char *hint)
{
    int code = UNTOUCHED;
    char msg[MSG_CAP];
    const char *call =
        uri_call_text(which, uri, which == SERVER ? "&code, msg, 256" : "&code, msg, 256, 1.0");
    memset(msg, 'Z', sizeof msg);
    int before = lab_count_fds();
    lab_record_reset();
    int rc = call_uri_function(which, uri, &code, msg, sizeof msg, call);
    int err = errno;
    int sockets = lab_recorded_count("socket");
    LAB_ASSERT_FAILS_WITH(call, rc, err, EINVAL, hint);
    LAB_ASSERT(
        code == EINVAL, call, lab_fmt("err_code = %s", lab_errno_text(EINVAL)),
        lab_fmt("err_code = %s", code_text(code)),
        LAB_TR("a malformed URI sets *err_code to EINVAL", "URI 格式错误时 *err_code 设为 EINVAL"));
    LAB_ASSERT(memchr(msg, '\0', sizeof msg) != NULL, call,
               LAB_TR("err_msg: a NUL-terminated string", "err_msg：以 NUL 结尾的字符串"),
               LAB_TR("no NUL in err_msg", "err_msg 里没有 NUL"),
               LAB_TR("write the message with snprintf(err_msg, err_cap, ...)",
                      "用 snprintf(err_msg, err_cap, ...) 写消息"));
    LAB_ASSERT_STR(
        lab_fmt("%s: err_msg", call), msg, lab_fmt("Failed to parse address \"%s\"", uri),
        LAB_TR("PHP's text, with the URI exactly as given", "PHP 的原文，URI 原样放在引号里"));
    LAB_ASSERT(sockets == 0, call, LAB_TR("no socket() call", "不调用 socket()"), recorded_calls(),
               LAB_TR("check the whole URI first; open a socket only for a valid one",
                      "先检查整个 URI，合法时才创建 socket"));
    LAB_ASSERT_NO_FD_LEAK(call, before,
                          LAB_TR("a malformed URI opens nothing", "URI 格式错误时什么都不打开"));
}

/* Calls stream_socket_server(uri) and fails the test unless it returns a socket. */
static int open_server(const char *uri, const char *hint)
{
    int code = UNTOUCHED;
    char msg[MSG_CAP] = "";
    const char *call = uri_call_text(SERVER, uri, "&code, msg, 256");
    int fd = LAB_CALL(call, NULL, stream_socket_server(uri, &code, msg, sizeof msg));
    int err = errno;
    LAB_ASSERT(fd >= 0, call, LAB_TR("a socket (>= 0)", "一个 socket（>= 0）"),
               lab_fmt("%s, err_code %s, err_msg %s", lab_result_text(fd, err), code_text(code),
                       lab_escape_str(msg)),
               hint);
    return fd;
}

/* ---- stream_socket_server -------------------------------------------------------------------- */

/* One expected step of the document's strace. */
struct step {
    const char *name;
    int ok;
    const char *hint_en, *hint_zh;
};

LAB_TEST(test_stream_socket_server_tcp_call_sequence, 3)
{
    lab_record_reset();
    int fd = open_server("tcp://127.0.0.1:0", LAB_TR("socket(), setsockopt(), bind(), listen()",
                                                     "socket()、setsockopt()、bind()、listen()"));
    int n = lab_record_count();
    const struct lab_call *c[4] = {lab_recorded(0), lab_recorded(1), lab_recorded(2),
                                   lab_recorded(3)};
    const struct step steps[] = {
        {"socket",
         n > 0 && c[0]->arg[0] == AF_INET && (c[0]->arg[1] & ~SOCK_CLOEXEC) == SOCK_STREAM &&
             c[0]->ret == fd,
         "first socket(AF_INET, SOCK_STREAM, 0), the socket you return",
         "第一步 socket(AF_INET, SOCK_STREAM, 0)，也就是你返回的那个"},
        {"setsockopt",
         n > 1 && c[1]->arg[0] == fd && c[1]->arg[1] == SOL_SOCKET &&
             c[1]->arg[2] == SO_REUSEADDR && c[1]->arg[3] == 1,
         "then setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) with one = 1, before "
         "bind()",
         "然后 setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one)，one = 1，在 bind() "
         "之前"},
        {"bind", n > 2 && c[2]->arg[0] == fd && c[2]->arg[1] == AF_INET && c[2]->arg[2] == 0,
         "then bind() to 127.0.0.1 port 0 (AF_INET)", "然后 bind() 到 127.0.0.1 端口 0（AF_INET）"},
        {"listen", n > 3 && c[3]->arg[0] == fd && c[3]->arg[1] == STREAM_LISTEN_BACKLOG,
         "then listen(fd, 32): PHP's backlog, as document 003's strace shows",
         "然后 listen(fd, 32)：PHP 的 backlog，文档 003 的 strace 就是这样"},
    };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        LAB_ASSERT(steps[i].ok && strcmp(c[i]->name, steps[i].name) == 0,
                   "stream_socket_server(\"tcp://127.0.0.1:0\", ...)",
                   lab_fmt("socket(AF_INET=2, SOCK_STREAM=1, *) = fd\n          "
                           "setsockopt(fd, SOL_SOCKET=1, SO_REUSEADDR=2, 1) = 0\n          "
                           "bind(fd, AF_INET=2, port 0, *) = 0\n          listen(fd, 32) = 0"),
                   recorded_calls(), LAB_TR(steps[i].hint_en, steps[i].hint_zh));
    LAB_ASSERT(n == 4, "stream_socket_server(\"tcp://127.0.0.1:0\", ...)",
               LAB_TR("exactly these 4 calls", "正好这 4 个调用"), recorded_calls(),
               LAB_TR("nothing else: no extra fcntl(), poll() or close()",
                      "没有别的调用：不要多余的 fcntl()、poll() 或 close()"));
    close(fd);
}

LAB_TEST(test_stream_socket_server_tcp_listens_on_loopback, 2)
{
    int fd = open_server("tcp://127.0.0.1:0",
                         LAB_TR("return the listening socket", "返回监听的 socket"));
    const char *where = local_text(fd);
    int listening = int_option(fd, SOL_SOCKET, SO_ACCEPTCONN);
    int reuse = int_option(fd, SOL_SOCKET, SO_REUSEADDR);
    int type = int_option(fd, SOL_SOCKET, SO_TYPE);
    uint16_t port = lab_local_port(fd);
    LAB_ASSERT(type == SOCK_STREAM && listening == 1 && reuse != 0 && port != 0 &&
                   strcmp(where, lab_fmt("127.0.0.1:%u", port)) == 0,
               "stream_socket_server(\"tcp://127.0.0.1:0\", ...)",
               LAB_TR("a TCP socket bound to 127.0.0.1:<port chosen by the kernel>, listening, "
                      "SO_REUSEADDR on",
                      "TCP socket，绑定在 127.0.0.1:<内核选的端口>，正在监听，SO_REUSEADDR 已打开"),
               lab_fmt("type %d, bound to %s, SO_ACCEPTCONN %d, SO_REUSEADDR %d", type, where,
                       listening, reuse),
               LAB_TR("socket(), setsockopt(SO_REUSEADDR), bind() to the URI's address, listen()",
                      "socket()、setsockopt(SO_REUSEADDR)、bind() 到 URI 里的地址、listen()"));
    int client = lab_tcp_connect(port); /* a listener takes the handshake */
    close(client);
    close(fd);
}

LAB_TEST(test_stream_socket_server_clears_error_on_success, 1)
{
    int code = UNTOUCHED;
    char msg[64] = "stale message from an earlier call";
    int fd = LAB_CALL("stream_socket_server(\"tcp://127.0.0.1:0\", &code, msg, 64)", NULL,
                      stream_socket_server("tcp://127.0.0.1:0", &code, msg, sizeof msg));
    int err = errno;
    LAB_ASSERT(
        fd >= 0 && code == 0 && msg[0] == '\0',
        "stream_socket_server(\"tcp://127.0.0.1:0\", &code, msg, 64)",
        LAB_TR("a socket, err_code 0, err_msg \"\"", "一个 socket，err_code 为 0，err_msg 为 \"\""),
        lab_fmt("%s, err_code %s, err_msg %s", lab_result_text(fd, err), code_text(code),
                lab_escape_str(msg)),
        LAB_TR("on success set *err_code = 0 and err_msg[0] = '\\0' (PHP clears them too)",
               "成功时设 *err_code = 0、err_msg[0] = '\\0'（PHP 也会清空它们）"));
    close(fd);
}

LAB_TEST(test_stream_socket_server_udp_binds_without_listen, 2)
{
    lab_record_reset();
    int fd =
        open_server("udp://127.0.0.1:0",
                    LAB_TR("udp://: socket(SOCK_DGRAM), SO_REUSEADDR, bind(), and no listen()",
                           "udp://：socket(SOCK_DGRAM)、SO_REUSEADDR、bind()，不调用 listen()"));
    int listens = lab_recorded_count("listen");
    const char *calls = recorded_calls();
    int type = int_option(fd, SOL_SOCKET, SO_TYPE);
    int reuse = int_option(fd, SOL_SOCKET, SO_REUSEADDR);
    uint16_t port = lab_local_port(fd);
    const char *where = local_text(fd);
    LAB_ASSERT(type == SOCK_DGRAM && reuse != 0 && port != 0 &&
                   strcmp(where, lab_fmt("127.0.0.1:%u", port)) == 0,
               "stream_socket_server(\"udp://127.0.0.1:0\", ...)",
               LAB_TR("a UDP socket (type 2) bound to 127.0.0.1:<port>, SO_REUSEADDR on",
                      "UDP socket（type 2），绑定在 127.0.0.1:<端口>，SO_REUSEADDR 已打开"),
               lab_fmt("type %d, bound to %s, SO_REUSEADDR %d", type, where, reuse),
               LAB_TR("udp:// means socket(AF_INET, SOCK_DGRAM, 0)",
                      "udp:// 表示 socket(AF_INET, SOCK_DGRAM, 0)"));
    LAB_ASSERT(listens == 0, "stream_socket_server(\"udp://127.0.0.1:0\", ...)",
               LAB_TR("no listen() call", "不调用 listen()"), calls,
               LAB_TR("a datagram socket has no connections: PHP does not listen() for udp://",
                      "数据报 socket 没有连接可排队：PHP 对 udp:// 不调用 listen()"));
    /* It receives datagrams sent to that port. */
    uint16_t sender_port;
    int sender = lab_udp_socket(&sender_port);
    struct sockaddr_in to = {
        .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    LAB_SETUP(sendto(sender, "ping", 4, 0, (struct sockaddr *)&to, sizeof to) == 4, "sendto()");
    char buf[8] = "";
    LAB_SETUP(lab_wait_readable(fd, 2000), "the datagram to arrive");
    ssize_t got = recv(fd, buf, sizeof buf, 0);
    LAB_ASSERT_BYTES("recv() on the udp:// server socket", buf, got > 0 ? (size_t)got : 0, "ping",
                     4,
                     LAB_TR("bind the socket to the URI's address and port",
                            "把 socket 绑定到 URI 的地址和端口"));
    close(sender);
    close(fd);
}

LAB_TEST(test_stream_socket_server_ipv6_loopback, 2)
{
    uint16_t probe_port;
    int no_v6 = 0;
    int probe = v6_listener(&probe_port, &no_v6);
    lab_close(probe);
    int code = UNTOUCHED;
    char msg[MSG_CAP] = "";
    const char *call = "stream_socket_server(\"tcp://[::1]:0\", &code, msg, 256)";
    int fd = LAB_CALL(call, NULL, stream_socket_server("tcp://[::1]:0", &code, msg, sizeof msg));
    int err = errno;
    if (probe < 0) {
        /* No IPv6 here: the kernel's error must come back the PHP way. */
        LAB_ASSERT(fd == -1 && code == no_v6 && strcmp(msg, strerror(no_v6)) == 0, call,
                   lab_fmt("-1, err_code %s, err_msg %s (this machine has no IPv6 loopback)",
                           lab_errno_text(no_v6), lab_escape_str(strerror(no_v6))),
                   lab_fmt("%s, err_code %s, err_msg %s", lab_result_text(fd, err), code_text(code),
                           lab_escape_str(msg)),
                   LAB_TR("a failing system call gives err_code = errno, err_msg = strerror(errno)",
                          "系统调用失败时 err_code = errno，err_msg = strerror(errno)"));
        return;
    }
    LAB_ASSERT(fd >= 0, call, LAB_TR("a socket (>= 0)", "一个 socket（>= 0）"),
               lab_fmt("%s, err_code %s, err_msg %s", lab_result_text(fd, err), code_text(code),
                       lab_escape_str(msg)),
               LAB_TR("[::1] is IPv6: inet_pton(AF_INET6, \"::1\", ...) into a sockaddr_in6, and "
                      "socket(AF_INET6, ...)",
                      "[::1] 是 IPv6：用 inet_pton(AF_INET6, \"::1\", ...) 填 sockaddr_in6，"
                      "并用 socket(AF_INET6, ...)"));
    uint16_t port = lab_local_port(fd);
    const char *where = local_text(fd);
    int listening = int_option(fd, SOL_SOCKET, SO_ACCEPTCONN);
    LAB_ASSERT(listening == 1 && port != 0 && strcmp(where, lab_fmt("[::1]:%u", port)) == 0, call,
               LAB_TR("listening on [::1]:<port>", "在 [::1]:<端口> 上监听"),
               lab_fmt("bound to %s, SO_ACCEPTCONN %d", where, listening),
               LAB_TR("the address is inside the brackets; the port follows \"]:\"",
                      "地址在方括号里，端口跟在 \"]:\" 后面"));
    int client = v6_connect(port);
    close(client);
    close(fd);
}

LAB_TEST(test_stream_socket_server_uri_without_transport_is_tcp, 1)
{
    int fd =
        open_server("127.0.0.1:0", LAB_TR("without \"transport://\" the URI means TCP, as in PHP",
                                          "没有 \"transport://\" 时表示 TCP，和 PHP 一样"));
    int type = int_option(fd, SOL_SOCKET, SO_TYPE);
    int listening = int_option(fd, SOL_SOCKET, SO_ACCEPTCONN);
    const char *where = local_text(fd);
    LAB_ASSERT(type == SOCK_STREAM && listening == 1 &&
                   strcmp(where, lab_fmt("127.0.0.1:%u", lab_local_port(fd))) == 0,
               "stream_socket_server(\"127.0.0.1:0\", ...)",
               LAB_TR("a listening TCP socket on 127.0.0.1", "在 127.0.0.1 上监听的 TCP socket"),
               lab_fmt("type %d, SO_ACCEPTCONN %d, bound to %s", type, listening, where),
               LAB_TR("no transport: the same as tcp://", "没有传输层前缀：和 tcp:// 一样"));
    close(fd);
}

LAB_TEST(test_stream_socket_server_localhost_without_dns, 1)
{
    const char *call = "stream_socket_server(\"tcp://localhost:0\", &code, msg, 256)";
    int code = UNTOUCHED;
    char msg[MSG_CAP] = "";
    name_lookups = 0;
    int fd =
        LAB_CALL(call, NULL, stream_socket_server("tcp://localhost:0", &code, msg, sizeof msg));
    int err = errno;
    const char *where = fd >= 0 ? local_text(fd) : "-";
    LAB_ASSERT(
        fd >= 0 && name_lookups == 0 &&
            strcmp(where, lab_fmt("127.0.0.1:%u", lab_local_port(fd))) == 0,
        call,
        LAB_TR("a socket bound to 127.0.0.1, no name lookup",
               "一个绑定在 127.0.0.1 的 socket，没有名字查询"),
        lab_fmt(LAB_TR("%s, err_msg %s, bound to %s, %d name lookups (getaddrinfo, "
                       "gethostbyname)",
                       "%s，err_msg %s，绑定在 %s，%d 次名字查询（getaddrinfo、gethostbyname）"),
                lab_result_text(fd, err), lab_escape_str(msg), where, name_lookups),
        LAB_TR(
            "compare the host with \"localhost\" and use INADDR_LOOPBACK: no DNS, "
            "no getaddrinfo()",
            "把主机和 \"localhost\" 比较，是就用 INADDR_LOOPBACK：不问 DNS，不调 getaddrinfo()"));
    close(fd);
}

LAB_TEST(test_stream_socket_server_rejects_bad_transports, 1)
{
    static const char *const uris[] = {"http://127.0.0.1:0",
                                       "unix:///tmp/lab.sock",
                                       "ftp://127.0.0.1:0",
                                       "://127.0.0.1:0",
                                       "tcp://",
                                       ""};
    for (size_t i = 0; i < sizeof uris / sizeof uris[0]; i++)
        expect_malformed(
            SERVER, uris[i],
            LAB_TR(
                "only tcp:// and udp:// (or none); anything else is malformed: "
                "-1 with errno EINVAL",
                "只接受 tcp:// 和 udp://（或不写）；其他都算格式错误：返回 -1，errno 为 EINVAL"));
}

LAB_TEST(test_stream_socket_server_rejects_bad_ports, 2)
{
    /* Every one of these, read carelessly (atoi, strtol without checks, a
     * 16-bit cast), becomes port 0: a wrong answer never takes a fixed port. */
    static const char *const uris[] = {
        "tcp://127.0.0.1",
        "tcp://127.0.0.1:",
        "tcp://127.0.0.1:65536",
        "tcp://127.0.0.1:131072",
        "tcp://127.0.0.1:4294967296",
        "tcp://127.0.0.1:18446744073709551616",
        "tcp://127.0.0.1:0x0",
        "tcp://127.0.0.1:+0",
        "tcp://127.0.0.1:-0",
        "tcp://127.0.0.1:-65536",
        "tcp://127.0.0.1: 0",
        "tcp://127.0.0.1:0 ",
        "tcp://127.0.0.1:0a",
        "tcp://127.0.0.1:0.0",
    };
    for (size_t i = 0; i < sizeof uris / sizeof uris[0]; i++)
        expect_malformed(SERVER, uris[i],
                         LAB_TR("the port is required, decimal digits only, at most 65535; atoi() "
                                "and strtol() accept signs, spaces, \"0x\" and trailing junk",
                                "端口必须有，只能是十进制数字，最大 65535；atoi() 和 strtol() "
                                "会接受正负号、空格、\"0x\" 和后面的杂字符"));
}

LAB_TEST(test_stream_socket_server_rejects_bad_hosts, 2)
{
    name_lookups = 0;
    static const char *const uris[] = {
        "tcp://example.com:0", "tcp://127.1:0",       "tcp://256.0.0.1:0",  "tcp://1.2.3.4.5:0",
        "tcp://[::1:0",        "tcp://[127.0.0.1]:0", "tcp://::1:0",        "tcp://:0",
        "tcp://127.0.0.1:0:0", "tcp://[::1]]:0",      "tcp:// 127.0.0.1:0",
    };
    for (size_t i = 0; i < sizeof uris / sizeof uris[0]; i++)
        expect_malformed(SERVER, uris[i],
                         LAB_TR("the host is a dotted quad (inet_pton(AF_INET) == 1), [IPv6] "
                                "(inet_pton(AF_INET6) == 1) or localhost; inet_aton() also takes "
                                "\"127.1\", and names are never looked up",
                                "主机只能是点分四段（inet_pton(AF_INET) == 1）、[IPv6]"
                                "（inet_pton(AF_INET6) == 1）或 localhost；inet_aton() 会接受 "
                                "\"127.1\"，主机名一律不查询"));
}

/* err_msg after a call with capacity cap into a buffer of 32 'Z's. */
static void expect_cut_message(const char *uri, size_t cap)
{
    char buf[32];
    char want[32];
    int code = UNTOUCHED;
    const char *full = lab_fmt("Failed to parse address \"%s\"", uri);
    memset(buf, 'Z', sizeof buf);
    memset(want, 'Z', sizeof want);
    memcpy(want, full, cap - 1);
    want[cap - 1] = '\0';
    const char *call = uri_call_text(SERVER, uri, lab_fmt("&code, msg, %zu", cap));
    int rc = LAB_CALL(call, NULL, stream_socket_server(uri, &code, buf, cap));
    lab_close(rc);
    LAB_ASSERT_BYTES(call, buf, sizeof buf, want, sizeof want,
                     LAB_TR("write at most err_cap bytes, the last one a NUL (snprintf does it); "
                            "the bytes after err_cap are not yours",
                            "最多写 err_cap 个字节，最后一个是 NUL（snprintf 就是这样）；"
                            "err_cap 之后的字节不属于你"));
}

LAB_TEST(test_stream_socket_server_err_msg_truncated, 2)
{
    expect_cut_message("tcp://127.0.0.1:", 1);
    expect_cut_message("tcp://127.0.0.1:", 8);
    expect_cut_message("tcp://127.0.0.1:", 16);

    /* A 4 KiB URI: its message does not fit in any small fixed buffer. */
    static char uri[4096 + 1], full[4096 + 64], msg[8192];
    static const char prefix[] = "Failed to parse address \"";
    memcpy(uri, "tcp://", 6);
    memset(uri + 6, 'a', sizeof uri - 7);
    uri[sizeof uri - 1] = '\0';
    memcpy(full, prefix, sizeof prefix - 1);
    memcpy(full + sizeof prefix - 1, uri, sizeof uri - 1);
    memcpy(full + sizeof prefix - 1 + sizeof uri - 1, "\"", 2);
    int code = UNTOUCHED;
    int rc = LAB_CALL("stream_socket_server(<4096-byte URI>, &code, msg, 8192)", NULL,
                      stream_socket_server(uri, &code, msg, sizeof msg));
    lab_close(rc);
    LAB_ASSERT(code == EINVAL && memchr(msg, '\0', sizeof msg) && strcmp(msg, full) == 0,
               "stream_socket_server(<4096-byte URI>, &code, msg, 8192)",
               lab_fmt("err_code %s, err_msg %s", lab_errno_text(EINVAL), lab_escape_str(full)),
               lab_fmt("err_code %s, err_msg %s", code_text(code),
                       lab_escape(msg, strnlen(msg, sizeof msg))),
               LAB_TR("the whole URI goes into the message when err_cap allows",
                      "err_cap 够大时，整个 URI 都放进消息里"));
    char small[80], expect[80];
    memset(small, 'Z', sizeof small);
    memset(expect, 'Z', sizeof expect);
    memcpy(expect, full, 63);
    expect[63] = '\0';
    rc = LAB_CALL("stream_socket_server(<4096-byte URI>, &code, msg, 64)", NULL,
                  stream_socket_server(uri, &code, small, 64));
    lab_close(rc);
    LAB_ASSERT_BYTES("stream_socket_server(<4096-byte URI>, &code, msg, 64)", small, sizeof small,
                     expect, sizeof expect,
                     LAB_TR("63 characters, a NUL, and nothing written after msg[63]: a long URI "
                            "must not overflow err_msg (no sprintf, no strcpy)",
                            "63 个字符加一个 NUL，msg[63] 之后不写：长 URI 不能让 err_msg 溢出"
                            "（不要用 sprintf、strcpy）"));
}

LAB_TEST(test_stream_socket_server_null_error_pointers, 1)
{
    errno = 0;
    int rc = LAB_CALL("stream_socket_server(\"tcp://127.0.0.1\", NULL, NULL, 0)", NULL,
                      stream_socket_server("tcp://127.0.0.1", NULL, NULL, 0));
    int err = errno;
    LAB_ASSERT_FAILS_WITH(
        "stream_socket_server(\"tcp://127.0.0.1\", NULL, NULL, 0)", rc, err, EINVAL,
        LAB_TR("err_code and err_msg may be NULL: check before writing; errno "
               "still tells the error",
               "err_code 和 err_msg 可以是 NULL：写之前先检查；errno 仍然给出错误"));
    char msg[8];
    memset(msg, 'Z', sizeof msg);
    rc = LAB_CALL("stream_socket_server(\"tcp://127.0.0.1\", NULL, msg, 0)", NULL,
                  stream_socket_server("tcp://127.0.0.1", NULL, msg, 0));
    LAB_ASSERT_BYTES("stream_socket_server(\"tcp://127.0.0.1\", NULL, msg, 0)", msg, sizeof msg,
                     "ZZZZZZZZ", 8,
                     LAB_TR("err_cap 0: write nothing at all into err_msg",
                            "err_cap 为 0：err_msg 里一个字节都不写"));
    int fd = LAB_CALL("stream_socket_server(\"tcp://127.0.0.1:0\", NULL, NULL, 0)", NULL,
                      stream_socket_server("tcp://127.0.0.1:0", NULL, NULL, 0));
    err = errno;
    LAB_ASSERT(fd >= 0, "stream_socket_server(\"tcp://127.0.0.1:0\", NULL, NULL, 0)",
               LAB_TR("a socket (>= 0)", "一个 socket（>= 0）"), lab_result_text(fd, err),
               LAB_TR("on success too, NULL pointers are not written", "成功时也不要写 NULL 指针"));
    close(fd);
}

LAB_TEST(test_stream_socket_server_address_in_use, 2)
{
    uint16_t port;
    int holder = lab_tcp_listener(&port, 1);
    const char *uri = lab_fmt("tcp://127.0.0.1:%u", port);
    const char *call = uri_call_text(SERVER, uri, "&code, msg, 256");
    int code = UNTOUCHED;
    char msg[MSG_CAP] = "";
    int before = lab_count_fds();
    lab_inject_errno_on_success("close", EIO); /* POSIX lets a successful close() change errno */
    int rc = LAB_CALL(call, NULL, stream_socket_server(uri, &code, msg, sizeof msg));
    int err = errno;
    lab_inject_clear();
    LAB_ASSERT(
        rc == -1 && code == EADDRINUSE && err == EADDRINUSE, call,
        lab_fmt(LAB_TR("-1, errno and err_code %s", "-1，errno 和 err_code 为 %s"),
                lab_errno_text(EADDRINUSE)),
        lab_fmt("%s, err_code %s", lab_result_text(rc, err), code_text(code)),
        LAB_TR("bind() fails on a port in use: keep ITS errno (save it before close(), which "
               "may change errno) and report it",
               "端口被占用时 bind() 失败：保留它的 errno（在 close() 之前保存，close() 可能改掉 "
               "errno）"
               "并报告它"));
    LAB_ASSERT_STR(lab_fmt("%s: err_msg", call), msg, "Address already in use",
                   LAB_TR("err_msg = strerror(errno) of the call that failed",
                          "err_msg = 失败那个调用的 strerror(errno)"));
    LAB_ASSERT_NO_FD_LEAK(call, before,
                          LAB_TR("close the socket when bind() fails", "bind() 失败时关闭 socket"));
    close(holder);
}

LAB_TEST(test_stream_socket_server_reports_emfile, 1)
{
    int code = UNTOUCHED;
    char msg[MSG_CAP] = "";
    lab_exhaust_descriptors();
    int rc = LAB_CALL("stream_socket_server(\"tcp://127.0.0.1:0\", &code, msg, 256)", NULL,
                      stream_socket_server("tcp://127.0.0.1:0", &code, msg, sizeof msg));
    int err = errno;
    lab_release_descriptors();
    LAB_ASSERT(rc == -1 && err == EMFILE && code == EMFILE && strcmp(msg, strerror(EMFILE)) == 0,
               "stream_socket_server(\"tcp://127.0.0.1:0\", ...) with no descriptor left",
               lab_fmt(LAB_TR("-1, errno and err_code %s, err_msg %s",
                              "-1，errno 和 err_code 为 %s，err_msg 为 %s"),
                       lab_errno_text(EMFILE), lab_escape_str(strerror(EMFILE))),
               lab_fmt("%s, err_code %s, err_msg %s", lab_result_text(rc, err), code_text(code),
                       lab_escape_str(msg)),
               LAB_TR("socket() fails with EMFILE: report errno and strerror(errno)",
                      "socket() 以 EMFILE 失败：报告 errno 和 strerror(errno)"));
}

/* ---- stream_socket_accept ----------------------------------------------------------------------
 */

static const char *accept_blocked_on(void)
{
    return LAB_TR("poll() or accept() waiting for a client", "poll() 或 accept() 在等客户端");
}

LAB_TEST(test_stream_socket_accept_returns_connection_and_peer, 3)
{
    uint16_t port;
    int listener = lab_tcp_listener(&port, 8);
    int client = lab_tcp_connect(port);
    char peer[64];
    memset(peer, 'Z', sizeof peer);
    int conn = LAB_CALL("stream_socket_accept(server, 2.0, peer, 64)", accept_blocked_on(),
                        stream_socket_accept(listener, 2.0, peer, sizeof peer));
    int err = errno;
    LAB_ASSERT(
        conn >= 0, "stream_socket_accept(server, 2.0, peer, 64)",
        LAB_TR("the connection (>= 0): a client is waiting", "连接（>= 0）：已经有客户端在等"),
        lab_result_text(conn, err),
        LAB_TR("poll() for POLLIN on the listener, then accept()",
               "对监听 socket poll() POLLIN，然后 accept()"));
    const char *want = lab_fmt("127.0.0.1:%u", lab_local_port(client));
    LAB_ASSERT(memchr(peer, '\0', sizeof peer) != NULL,
               "stream_socket_accept(server, 2.0, peer, 64)", want,
               LAB_TR("no NUL in peer", "peer 里没有 NUL"),
               LAB_TR("terminate the endpoint text", "给端点文本加上结尾的 NUL"));
    LAB_ASSERT_STR("stream_socket_accept(server, 2.0, peer, 64): peer", peer, want,
                   LAB_TR("the client's address and port (ntohs) from accept(), as \"ip:port\"",
                          "accept() 给出的客户端地址和端口（ntohs），格式 \"ip:port\""));
    lab_write_all(client, "ping", 4);
    char buf[4];
    LAB_ASSERT(lab_read_exact(conn, buf, 4, 2000) == 4 && memcmp(buf, "ping", 4) == 0,
               "stream_socket_accept(server, 2.0, peer, 64)",
               LAB_TR("the connected socket: it reads what the client wrote",
                      "已连接的 socket：能读到客户端写的数据"),
               LAB_TR("it did not read \"ping\"", "没有读到 \"ping\""),
               LAB_TR("return accept()'s descriptor, not the listener",
                      "返回 accept() 的描述符，不是监听 socket"));
    close(conn);
    close(client);
    close(listener);

    int no_v6;
    listener = v6_listener(&port, &no_v6);
    if (listener < 0)
        return; /* no IPv6 loopback on this machine: the IPv4 part is the test */
    client = v6_connect(port);
    conn = LAB_CALL("stream_socket_accept(<[::1] server>, 2.0, peer, 64)", accept_blocked_on(),
                    stream_socket_accept(listener, 2.0, peer, sizeof peer));
    err = errno;
    want = lab_fmt("[::1]:%u", lab_local_port(client));
    LAB_ASSERT(conn >= 0 && strcmp(peer, want) == 0,
               "stream_socket_accept(<[::1] server>, 2.0, peer, 64)", want,
               lab_fmt("%s, peer %s", lab_result_text(conn, err),
                       lab_escape(peer, strnlen(peer, sizeof peer))),
               LAB_TR("an IPv6 peer is written \"[ip]:port\" (inet_ntop(AF_INET6, ...))",
                      "IPv6 对端写成 \"[ip]:port\"（inet_ntop(AF_INET6, ...)）"));
    close(conn);
    close(client);
    close(listener);
}

LAB_TEST(test_stream_socket_accept_times_out, 2)
{
    uint16_t port;
    int listener = lab_tcp_listener(&port, 8);
    char peer[64] = "";
    double start = lab_now();
    int rc = LAB_CALL("stream_socket_accept(server, 0.2, peer, 64) with no client",
                      LAB_TR("a wait that should end after 0.2 s: poll() with a time limit",
                             "应在 0.2 秒后结束的等待：带时限的 poll()"),
                      stream_socket_accept(listener, 0.2, peer, sizeof peer));
    int err = errno;
    double took = lab_now() - start;
    LAB_ASSERT_FAILS_WITH("stream_socket_accept(server, 0.2, peer, 64) with no client", rc, err,
                          ETIMEDOUT,
                          LAB_TR("poll() returned 0: nobody came in time; set errno = ETIMEDOUT",
                                 "poll() 返回 0：规定时间内没人来；设 errno = ETIMEDOUT"));
    LAB_ASSERT(took >= 0.1 && took <= 1.5,
               "stream_socket_accept(server, 0.2, peer, 64) with no client",
               LAB_TR("about 0.2 s (between 0.1 and 1.5)", "大约 0.2 秒（0.1 到 1.5 之间）"),
               lab_fmt("%.3f s", took),
               LAB_TR("timeout_s is in seconds: poll() takes milliseconds (0.2 s = 200 ms)",
                      "timeout_s 的单位是秒，poll() 用毫秒（0.2 秒 = 200 毫秒）"));
    close(listener);
}

struct delayed_client {
    uint16_t port;
    int delay_ms;
    int fd;
};

static void *connect_later(void *arg)
{
    struct delayed_client *d = arg;
    struct sockaddr_in addr = {.sin_family = AF_INET,
                               .sin_port = htons(d->port),
                               .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    lab_sleep_ms(d->delay_ms);
    d->fd = socket(AF_INET, SOCK_STREAM, 0);
    if (d->fd >= 0 && connect(d->fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
        close(d->fd);
        d->fd = -1;
    }
    return NULL;
}

LAB_TEST(test_stream_socket_accept_negative_timeout_waits, 2)
{
    struct delayed_client later = {.delay_ms = 500, .fd = -1};
    int listener = lab_tcp_listener(&later.port, 8);
    void *thread;
    lab_thread_start(connect_later, &later, &thread);
    double start = lab_now();
    int conn = LAB_CALL("stream_socket_accept(server, -1, NULL, 0), a client comes after 0.5 s",
                        LAB_TR("poll() or accept(): the client connects after 0.5 s",
                               "poll() 或 accept()：客户端 0.5 秒后才连接"),
                        stream_socket_accept(listener, -1, NULL, 0));
    int err = errno;
    double took = lab_now() - start;
    lab_thread_join(thread);
    LAB_ASSERT(
        conn >= 0 && took >= 0.4, "stream_socket_accept(server, -1, NULL, 0)",
        LAB_TR("the connection, after waiting about 0.5 s for it", "等了大约 0.5 秒之后得到的连接"),
        lab_fmt("%s after %.3f s", lab_result_text(conn, err), took),
        LAB_TR("a negative timeout waits without limit: poll(..., -1); peer NULL means "
               "\"not wanted\"",
               "负的超时表示无限等待：poll(..., -1)；peer 为 NULL 表示不需要"));
    close(conn);
    lab_close(later.fd);
    close(listener);
}

struct pinger {
    pthread_t target;
    int stop;
    int sent;
};

static void on_signal(int sig)
{
    (void)sig;
}

/* Interrupts the target thread with SIGUSR1 every 50 ms, for 2.5 s at most. */
static void *send_signals(void *arg)
{
    struct pinger *p = arg;
    double end = lab_now() + 2.5;
    while (!__atomic_load_n(&p->stop, __ATOMIC_SEQ_CST) && lab_now() < end) {
        pthread_kill(p->target, SIGUSR1);
        p->sent++;
        lab_sleep_ms(50);
    }
    return NULL;
}

LAB_TEST(test_stream_socket_accept_retries_eintr_with_remaining_time, 2)
{
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: poll() fails with EINTR */
    sigemptyset(&sa.sa_mask);
    LAB_SETUP(sigaction(SIGUSR1, &sa, &old) == 0, "sigaction(SIGUSR1)");
    uint16_t port;
    int listener = lab_tcp_listener(&port, 8);
    struct pinger pinger = {.target = pthread_self()};
    void *thread;
    lab_thread_start(send_signals, &pinger, &thread);
    double start = lab_now();
    int rc = LAB_CALL(
        "stream_socket_accept(server, 0.6, NULL, 0), a signal every 50 ms",
        LAB_TR("poll() interrupted by signals again and again", "poll() 一次又一次被信号打断"),
        stream_socket_accept(listener, 0.6, NULL, 0));
    int err = errno;
    double took = lab_now() - start;
    __atomic_store_n(&pinger.stop, 1, __ATOMIC_SEQ_CST);
    lab_thread_join(thread);
    sigaction(SIGUSR1, &old, NULL);
    LAB_ASSERT_FAILS_WITH("stream_socket_accept(server, 0.6, NULL, 0), signals every 50 ms", rc,
                          err, ETIMEDOUT,
                          LAB_TR("poll() failing with EINTR is not an error: poll() again",
                                 "poll() 因 EINTR 失败不算错误：再 poll()"));
    LAB_ASSERT(
        took >= 0.4 && took <= 1.5,
        "stream_socket_accept(server, 0.6, NULL, 0), signals every 50 ms",
        LAB_TR("about 0.6 s in all (between 0.4 and 1.5)", "总共大约 0.6 秒（0.4 到 1.5 之间）"),
        lab_fmt("%.3f s", took),
        LAB_TR("after EINTR wait only for the time that is LEFT (keep a deadline with "
               "clock_gettime(CLOCK_MONOTONIC)), not the whole timeout again",
               "EINTR 之后只等剩下的时间（用 clock_gettime(CLOCK_MONOTONIC) 记住截止时间），"
               "不要重新等满整个超时"));
    close(listener);
}

LAB_TEST(test_stream_socket_accept_peer_does_not_fit, 1)
{
    uint16_t port;
    int listener = lab_tcp_listener(&port, 8);
    int client = lab_tcp_connect(port);
    char peer[16];
    memset(peer, 'Z', sizeof peer);
    int before = lab_count_fds();
    int rc = LAB_CALL("stream_socket_accept(server, 2.0, peer, 8)", accept_blocked_on(),
                      stream_socket_accept(listener, 2.0, peer, 8));
    int err = errno;
    LAB_ASSERT(
        rc == -1 && err == ENOSPC && peer[0] == '\0', "stream_socket_accept(server, 2.0, peer, 8)",
        lab_fmt("-1, errno %s, peer \"\"", lab_errno_text(ENOSPC)),
        lab_fmt("%s, peer %s", lab_result_text(rc, err), lab_escape(peer, 8)),
        LAB_TR("\"127.0.0.1:<port>\" needs 16 bytes or more: a cut endpoint names the wrong "
               "peer, so fail with ENOSPC and set peer to \"\"",
               "\"127.0.0.1:<端口>\" 至少要 16 个字节：截断的端点会指错对端，所以以 ENOSPC 失败，"
               "并把 peer 设为 \"\""));
    LAB_ASSERT_NO_FD_LEAK(
        "stream_socket_accept(server, 2.0, peer, 8)", before,
        LAB_TR("close the accepted connection before failing", "失败之前关闭已接受的连接"));
    char buf[8];
    LAB_ASSERT(lab_read_until_eof(client, buf, sizeof buf, 2000) == 0,
               "stream_socket_accept(server, 2.0, peer, 8)",
               LAB_TR("the client sees its connection end", "客户端看到连接结束"),
               LAB_TR("no EOF within 2 s", "2 秒内没有 EOF"),
               LAB_TR("close the accepted connection", "关闭已接受的连接"));
    close(client);
    close(listener);
}

/* ---- stream_socket_client
 * ------------------------------------------------------------------------ */

static const char *client_blocked_on(void)
{
    return LAB_TR("poll() for the connection", "poll() 等待连接");
}

LAB_TEST(test_stream_socket_client_connects_and_blocks, 3)
{
    uint16_t port;
    int listener = lab_tcp_listener(&port, 8);
    const char *uri = lab_fmt("tcp://127.0.0.1:%u", port);
    const char *call = uri_call_text(CLIENT, uri, "&code, msg, 64, 2.0");
    int code = UNTOUCHED;
    char msg[64] = "stale message from an earlier call";
    int fd =
        LAB_CALL(call, client_blocked_on(), stream_socket_client(uri, &code, msg, sizeof msg, 2.0));
    int err = errno;
    LAB_ASSERT(
        fd >= 0 && code == 0 && msg[0] == '\0', call,
        LAB_TR("a socket, err_code 0, err_msg \"\"", "一个 socket，err_code 为 0，err_msg 为 \"\""),
        lab_fmt("%s, err_code %s, err_msg %s", lab_result_text(fd, err), code_text(code),
                lab_escape_str(msg)),
        LAB_TR("connect to the URI's address; on success clear err_code and err_msg",
               "连接 URI 里的地址；成功时清空 err_code 和 err_msg"));
    LAB_ASSERT(
        is_blocking(fd), call,
        LAB_TR("a blocking socket (no O_NONBLOCK)", "阻塞的 socket（没有 O_NONBLOCK）"),
        LAB_TR("O_NONBLOCK is still set", "O_NONBLOCK 仍然打开"),
        LAB_TR("after the connection, fcntl(fd, F_SETFL, flags) with the flags F_GETFL gave before",
               "连接完成后，用之前 F_GETFL 得到的 flags 调 fcntl(fd, F_SETFL, flags)"));
    int conn = accept(listener, NULL, NULL);
    LAB_SETUP(conn >= 0, "accept() of the student's client");
    struct sockaddr_in from;
    socklen_t len = sizeof from;
    LAB_SETUP(getpeername(conn, (struct sockaddr *)&from, &len) == 0,
              "getpeername() of the accepted client");
    LAB_ASSERT(
        ntohs(from.sin_port) == lab_local_port(fd), call,
        lab_fmt(LAB_TR("the listener's client is this socket (port %u)",
                       "监听 socket 接受的客户端就是这个 socket（端口 %u）"),
                lab_local_port(fd)),
        lab_fmt(LAB_TR("the listener's client has port %u", "监听 socket 接受的客户端端口是 %u"),
                ntohs(from.sin_port)),
        LAB_TR("return the socket you connected", "返回你连接的那个 socket"));
    lab_write_all(conn, "pong", 4);
    char buf[4];
    LAB_ASSERT(lab_read_exact(fd, buf, 4, 2000) == 4 && memcmp(buf, "pong", 4) == 0, call,
               LAB_TR("a socket connected to the listener", "连到监听 socket 的 socket"),
               LAB_TR("it did not read what the server sent", "读不到服务端发来的数据"),
               LAB_TR("return the connected socket", "返回已连接的 socket"));
    close(conn);
    close(fd);
    close(listener);
}

LAB_TEST(test_stream_socket_client_nonblocking_connect_sequence, 2)
{
    uint16_t port;
    int listener = lab_tcp_listener(&port, 8);
    const char *uri = lab_fmt("tcp://127.0.0.1:%u", port);
    const char *call = uri_call_text(CLIENT, uri, "NULL, NULL, 0, 2.0");
    lab_record_reset();
    int fd = LAB_CALL(call, client_blocked_on(), stream_socket_client(uri, NULL, NULL, 0, 2.0));
    int err = errno;
    LAB_ASSERT(fd >= 0, call, LAB_TR("a socket (>= 0)", "一个 socket（>= 0）"),
               lab_result_text(fd, err),
               LAB_TR("connect to the URI's address", "连接 URI 里的地址"));
    int at = find_call("connect", 0);
    const struct lab_call *c = lab_recorded(at);
    LAB_ASSERT(
        c && c->arg[0] == fd && c->ret == -1 && c->err == EINPROGRESS, call,
        LAB_TR("connect(fd, ...) = -1 EINPROGRESS: the socket is non-blocking while it connects",
               "connect(fd, ...) = -1 EINPROGRESS：连接时 socket 是非阻塞的"),
        recorded_calls(),
        LAB_TR("fcntl(fd, F_GETFL), then fcntl(fd, F_SETFL, flags | O_NONBLOCK) before connect()",
               "connect() 之前先 fcntl(fd, F_GETFL)，再 fcntl(fd, F_SETFL, flags | O_NONBLOCK)"));
    int polled = find_call("poll", at);
    const struct lab_call *p = lab_recorded(polled);
    LAB_ASSERT(
        p && p->arg[0] == 1 && p->arg[2] == fd && (p->arg[3] & POLLOUT), call,
        LAB_TR("after connect(): poll() on that socket for POLLOUT",
               "connect() 之后：对这个 socket poll() POLLOUT"),
        recorded_calls(),
        LAB_TR("EINPROGRESS means \"still connecting\": wait with poll() until it is writable",
               "EINPROGRESS 表示“还在连接”：用 poll() 等到它可写"));
    LAB_ASSERT(
        is_blocking(fd), call,
        LAB_TR("blocking again afterwards (no O_NONBLOCK)", "之后恢复阻塞（没有 O_NONBLOCK）"),
        LAB_TR("O_NONBLOCK is still set", "O_NONBLOCK 仍然打开"),
        LAB_TR("restore the flags with fcntl(fd, F_SETFL, flags)",
               "用 fcntl(fd, F_SETFL, flags) 恢复原来的标志"));
    close(fd);
    close(listener);
}

LAB_TEST(test_stream_socket_client_default_timeout_is_60000, 2)
{
    uint16_t port;
    int listener = lab_tcp_listener(&port, 8);
    const char *uri = lab_fmt("tcp://127.0.0.1:%u", port);
    const char *call = uri_call_text(CLIENT, uri, "NULL, NULL, 0, -1");
    lab_record_reset();
    int fd = LAB_CALL(call, client_blocked_on(), stream_socket_client(uri, NULL, NULL, 0, -1));
    int err = errno;
    int first = find_call("poll", 0);
    const struct lab_call *p = lab_recorded(first);
    LAB_ASSERT(
        fd >= 0 && p && p->arg[1] == STREAM_DEFAULT_CONNECT_TIMEOUT_MS && (p->arg[3] & POLLOUT),
        call,
        LAB_TR("a socket, and a first poll(fds, 1, 60000) for POLLOUT, as in document 003",
               "一个 socket，且第一次 poll 为 poll(fds, 1, 60000)，等 POLLOUT，和文档 003 一样"),
        lab_fmt("%s; %s", lab_result_text(fd, err), recorded_calls()),
        LAB_TR(
            "a negative timeout_s means PHP's default of 60 s: STREAM_DEFAULT_CONNECT_TIMEOUT_MS",
            "负的 timeout_s 表示 PHP 的默认 60 秒：STREAM_DEFAULT_CONNECT_TIMEOUT_MS"));
    close(fd);
    close(listener);
}

LAB_TEST(test_stream_socket_client_refused, 2)
{
    int holder;
    uint16_t port = lab_closed_port(&holder);
    const char *uri = lab_fmt("tcp://127.0.0.1:%u", port);
    const char *call = uri_call_text(CLIENT, uri, "&code, msg, 256, 2.0");
    int code = UNTOUCHED;
    char msg[MSG_CAP] = "";
    int before = lab_count_fds();
    lab_inject_errno_on_success("close", EIO);
    int rc =
        LAB_CALL(call, client_blocked_on(), stream_socket_client(uri, &code, msg, sizeof msg, 2.0));
    int err = errno;
    lab_inject_clear();
    LAB_ASSERT(
        rc == -1 && code == ECONNREFUSED && err == ECONNREFUSED, call,
        lab_fmt(LAB_TR("-1, errno and err_code %s", "-1，errno 和 err_code 为 %s"),
                lab_errno_text(ECONNREFUSED)),
        lab_fmt("%s, err_code %s", lab_result_text(rc, err), code_text(code)),
        LAB_TR("POLLOUT means \"finished\", not \"connected\": getsockopt(SO_ERROR) gives the "
               "outcome; save it before close(), which may change errno",
               "POLLOUT 表示“结束了”，不是“连上了”：结果要用 getsockopt(SO_ERROR) 取；"
               "在 close() 之前保存它，close() 可能改掉 errno"));
    LAB_ASSERT_STR(lab_fmt("%s: err_msg", call), msg, "Connection refused",
                   LAB_TR("err_msg = strerror(err_code)", "err_msg = strerror(err_code)"));
    LAB_ASSERT_NO_FD_LEAK(
        call, before,
        LAB_TR("close the socket when the connection fails", "连接失败时关闭 socket"));
    close(holder);
}

LAB_TEST(test_stream_socket_client_times_out, 2)
{
    struct full_listener full;
    make_full_listener(&full);
    const char *uri = lab_fmt("tcp://127.0.0.1:%u", full.port);
    const char *call = uri_call_text(CLIENT, uri, "&code, msg, 256, 0.3");
    int code = UNTOUCHED;
    char msg[MSG_CAP] = "";
    int before = lab_count_fds();
    double start = lab_now();
    int rc =
        LAB_CALL(call,
                 LAB_TR("poll() for a connection that cannot complete (should end after 0.3 s)",
                        "poll() 等一个不可能完成的连接（应在 0.3 秒后结束）"),
                 stream_socket_client(uri, &code, msg, sizeof msg, 0.3));
    int err = errno;
    double took = lab_now() - start;
    LAB_ASSERT(rc == -1 && code == ETIMEDOUT && err == ETIMEDOUT &&
                   strcmp(msg, strerror(ETIMEDOUT)) == 0,
               call,
               lab_fmt(LAB_TR("-1, errno and err_code %s, err_msg %s",
                              "-1，errno 和 err_code 为 %s，err_msg 为 %s"),
                       lab_errno_text(ETIMEDOUT), lab_escape_str(strerror(ETIMEDOUT))),
               lab_fmt("%s, err_code %s, err_msg %s", lab_result_text(rc, err), code_text(code),
                       lab_escape_str(msg)),
               LAB_TR("poll() returning 0 means the time ran out: ETIMEDOUT",
                      "poll() 返回 0 表示超时：ETIMEDOUT"));
    LAB_ASSERT(took >= 0.15 && took <= 1.5, call,
               LAB_TR("about 0.3 s (between 0.15 and 1.5)", "大约 0.3 秒（0.15 到 1.5 之间）"),
               lab_fmt("%.3f s", took),
               LAB_TR("poll() takes milliseconds: 0.3 s is 300", "poll() 用毫秒：0.3 秒是 300"));
    LAB_ASSERT_NO_FD_LEAK(call, before,
                          LAB_TR("close the socket after a timeout", "超时后关闭 socket"));
    close_full_listener(&full);
}

LAB_TEST(test_stream_socket_client_rejects_malformed_uri, 1)
{
    static const char *const uris[] = {"tcp://127.0.0.1", "http://127.0.0.1:0",
                                       "tcp://127.0.0.1:65536", "tcp://127.1:0", ""};
    for (size_t i = 0; i < sizeof uris / sizeof uris[0]; i++)
        expect_malformed(CLIENT, uris[i],
                         LAB_TR("the client reads URIs by the same rules as the server",
                                "客户端和服务端按同样的规则解析 URI"));
}

LAB_TEST(test_stream_socket_client_udp_is_connected, 1)
{
    uint16_t port;
    int server = lab_udp_socket(&port);
    const char *uri = lab_fmt("udp://127.0.0.1:%u", port);
    const char *call = uri_call_text(CLIENT, uri, "&code, msg, 256, 1.0");
    int code = UNTOUCHED;
    char msg[MSG_CAP] = "";
    int fd =
        LAB_CALL(call, client_blocked_on(), stream_socket_client(uri, &code, msg, sizeof msg, 1.0));
    int err = errno;
    LAB_ASSERT(
        fd >= 0 && int_option(fd, SOL_SOCKET, SO_TYPE) == SOCK_DGRAM, call,
        LAB_TR("a UDP socket (SOCK_DGRAM)", "一个 UDP socket（SOCK_DGRAM）"),
        lab_fmt("%s, err_code %s, err_msg %s, type %d", lab_result_text(fd, err), code_text(code),
                lab_escape_str(msg), fd >= 0 ? int_option(fd, SOL_SOCKET, SO_TYPE) : -1),
        LAB_TR("udp://: socket(SOCK_DGRAM) and connect(); connect() on UDP returns 0 at once",
               "udp://：socket(SOCK_DGRAM) 再 connect()；UDP 的 connect() 立即返回 0"));
    ssize_t sent = write(fd, "ping", 4);
    LAB_ASSERT(sent == 4, call,
               LAB_TR("write() without an address works (a connected UDP socket)",
                      "不带地址的 write() 能用（已连接的 UDP socket）"),
               lab_fmt("write() = %s", lab_result_text(sent, errno)),
               LAB_TR("connect() the UDP socket to the URI's address",
                      "把 UDP socket connect() 到 URI 的地址"));
    struct sockaddr_in from;
    socklen_t len = sizeof from;
    char buf[8];
    LAB_SETUP(lab_wait_readable(server, 2000), "the datagram to arrive");
    ssize_t got = recvfrom(server, buf, sizeof buf, 0, (struct sockaddr *)&from, &len);
    LAB_ASSERT(got == 4 && memcmp(buf, "ping", 4) == 0 &&
                   ntohs(from.sin_port) == lab_local_port(fd) && is_blocking(fd),
               call,
               LAB_TR("\"ping\" from the client's port; the socket blocking",
                      "来自客户端端口的 \"ping\"；socket 是阻塞的"),
               lab_fmt("%zd bytes from port %u (client port %u), %s", got, ntohs(from.sin_port),
                       lab_local_port(fd), is_blocking(fd) ? "blocking" : "O_NONBLOCK"),
               LAB_TR("the same sequence as TCP: restore the flags afterwards",
                      "和 TCP 一样的步骤：之后恢复标志"));
    close(fd);
    close(server);
}

LAB_TEST(test_stream_socket_client_retries_eintr, 1)
{
    uint16_t port;
    int listener = lab_tcp_listener(&port, 8);
    const char *uri = lab_fmt("tcp://127.0.0.1:%u", port);
    const char *call = uri_call_text(CLIENT, uri, "&code, msg, 256, 2.0");
    int code = UNTOUCHED;
    char msg[MSG_CAP] = "";
    lab_inject("poll", 1, 1, EINTR, 0); /* the first poll() is interrupted by a signal */
    int fd =
        LAB_CALL(call, client_blocked_on(), stream_socket_client(uri, &code, msg, sizeof msg, 2.0));
    int err = errno;
    lab_inject_clear();
    LAB_ASSERT(fd >= 0 && code == 0, call,
               LAB_TR("a connected socket although the first poll() failed with EINTR",
                      "第一次 poll() 以 EINTR 失败，仍然得到已连接的 socket"),
               lab_fmt("%s, err_code %s, err_msg %s", lab_result_text(fd, err), code_text(code),
                       lab_escape_str(msg)),
               LAB_TR("a signal during poll() is not a failure: poll() again with the time left",
                      "poll() 期间来了信号不算失败：用剩下的时间再 poll()"));
    close(fd);
    close(listener);
}

/* ---- stream_socket_fdopen
 * ------------------------------------------------------------------------ */

LAB_TEST(test_stream_socket_fdopen_document_scenario, 3)
{
    /* Document 003: a server, a client writing "hello world" (fwrite says 11), fclose. */
    int server = open_server("tcp://127.0.0.1:0", LAB_TR("see the stream_socket_server tests",
                                                         "见 stream_socket_server 的测试"));
    const char *uri = lab_fmt("tcp://127.0.0.1:%u", lab_local_port(server));
    int code = UNTOUCHED;
    char msg[MSG_CAP] = "";
    int client =
        LAB_CALL(lab_fmt("stream_socket_client(\"%s\", &code, msg, 256, -1)", uri),
                 client_blocked_on(), stream_socket_client(uri, &code, msg, sizeof msg, -1));
    int err = errno;
    LAB_ASSERT(client >= 0, lab_fmt("stream_socket_client(\"%s\", ...)", uri),
               LAB_TR("a connected socket", "已连接的 socket"),
               lab_fmt("%s, err_code %s, err_msg %s", lab_result_text(client, err), code_text(code),
                       lab_escape_str(msg)),
               LAB_TR("see the stream_socket_client tests", "见 stream_socket_client 的测试"));
    uint16_t client_port = lab_local_port(client);
    char peer[64] = "";
    int conn = LAB_CALL("stream_socket_accept(server, -1, peer, 64)", accept_blocked_on(),
                        stream_socket_accept(server, -1, peer, sizeof peer));
    err = errno;
    LAB_ASSERT(conn >= 0 && strcmp(peer, lab_fmt("127.0.0.1:%u", client_port)) == 0,
               "stream_socket_accept(server, -1, peer, 64)", lab_fmt("127.0.0.1:%u", client_port),
               lab_fmt("%s, peer %s", lab_result_text(conn, err), lab_escape_str(peer)),
               LAB_TR("see the stream_socket_accept tests", "见 stream_socket_accept 的测试"));
    FILE *stream =
        LAB_CALL("stream_socket_fdopen(client, \"w\")", NULL, stream_socket_fdopen(client, "w"));
    err = errno;
    LAB_ASSERT(stream != NULL, "stream_socket_fdopen(client, \"w\")",
               LAB_TR("a FILE *", "一个 FILE *"), lab_fmt("NULL, errno %s", lab_errno_text(err)),
               LAB_TR("fdopen(fd, mode) makes a C stream of a descriptor",
                      "fdopen(fd, mode) 把描述符变成 C 流"));
    size_t written = fwrite("hello world", 1, 11, stream);
    int closed = fclose(stream);
    LAB_ASSERT(written == 11 && closed == 0, "fwrite(\"hello world\") and fclose() on the stream",
               LAB_TR("fwrite reports 11 (as PHP's echo fwrite(...) prints), fclose 0",
                      "fwrite 报告 11（和 PHP 的 echo fwrite(...) 打印的一样），fclose 返回 0"),
               lab_fmt("fwrite %zu, fclose %d", written, closed),
               LAB_TR("return fdopen()'s stream as it is", "直接返回 fdopen() 的流"));
    char buf[64];
    ssize_t got = lab_read_until_eof(conn, buf, sizeof buf, 2000);
    LAB_ASSERT_BYTES(
        "the server's connection, read until EOF", buf, got > 0 ? (size_t)got : 0, "hello world",
        11,
        LAB_TR("exactly the 11 bytes, then EOF: fclose() flushes and closes the socket",
               "正好 11 个字节，然后 EOF：fclose() 会刷新缓冲并关闭 socket"));
    close(conn);
    close(server);
}

LAB_TEST(test_stream_socket_fdopen_bad_mode_keeps_fd, 1)
{
    int client, server;
    lab_tcp_pair(&client, &server);
    errno = 0;
    FILE *stream =
        LAB_CALL("stream_socket_fdopen(fd, \"z\")", NULL, stream_socket_fdopen(client, "z"));
    int err = errno;
    int open_after = lab_fd_is_open(client);
    if (stream)
        fclose(stream);
    LAB_ASSERT(stream == NULL && err == EINVAL, "stream_socket_fdopen(fd, \"z\")",
               lab_fmt("NULL, errno %s", lab_errno_text(EINVAL)),
               stream ? "a FILE *" : lab_fmt("NULL, errno %s", lab_errno_text(err)),
               LAB_TR("\"z\" is not a mode: fdopen() fails with EINVAL; return its result",
                      "\"z\" 不是合法模式：fdopen() 以 EINVAL 失败；返回它的结果"));
    LAB_ASSERT(open_after, "stream_socket_fdopen(fd, \"z\")",
               LAB_TR("fd still open: on failure it still belongs to the caller",
                      "fd 仍然打开：失败时它还归调用者所有"),
               LAB_TR("fd was closed", "fd 被关掉了"),
               LAB_TR("do not close fd when fdopen() fails", "fdopen() 失败时不要关闭 fd"));
    close(client);
    close(server);
}

LAB_TEST(test_stream_socket_fdopen_reads_and_fclose_closes, 1)
{
    int client, server;
    lab_tcp_pair(&client, &server);
    lab_write_all(server, "line one\nline two\n", 18);
    FILE *stream =
        LAB_CALL("stream_socket_fdopen(fd, \"r\")", NULL, stream_socket_fdopen(client, "r"));
    int err = errno;
    LAB_ASSERT(stream != NULL, "stream_socket_fdopen(fd, \"r\")", LAB_TR("a FILE *", "一个 FILE *"),
               lab_fmt("NULL, errno %s", lab_errno_text(err)),
               LAB_TR("fdopen(fd, mode)", "fdopen(fd, mode)"));
    char first[32] = "", second[32] = "";
    if (!fgets(first, sizeof first, stream) || !fgets(second, sizeof second, stream))
        first[0] = '\0';
    LAB_ASSERT(strcmp(first, "line one\n") == 0 && strcmp(second, "line two\n") == 0,
               "fgets() twice on stream_socket_fdopen(fd, \"r\")",
               "\"line one\\n\", \"line two\\n\"",
               lab_fmt("%s, %s", lab_escape_str(first), lab_escape_str(second)),
               LAB_TR("the stream reads from fd itself", "流直接从 fd 读"));
    fclose(stream);
    LAB_ASSERT(!lab_fd_is_open(client), "fclose(stream_socket_fdopen(fd, \"r\"))",
               LAB_TR("fd closed by fclose()", "fd 被 fclose() 关闭"),
               LAB_TR("fd still open", "fd 仍然打开"),
               LAB_TR("wrap fd itself, not a dup() of it: fclose() must close the socket",
                      "包装 fd 本身，而不是它的 dup()：fclose() 要关闭这个 socket"));
    close(server);
}

void lab_register_tests(void)
{
    LAB_ADD(test_stream_socket_server_tcp_call_sequence);
    LAB_ADD(test_stream_socket_server_tcp_listens_on_loopback);
    LAB_ADD(test_stream_socket_server_clears_error_on_success);
    LAB_ADD(test_stream_socket_server_udp_binds_without_listen);
    LAB_ADD(test_stream_socket_server_ipv6_loopback);
    LAB_ADD(test_stream_socket_server_uri_without_transport_is_tcp);
    LAB_ADD(test_stream_socket_server_localhost_without_dns);
    LAB_ADD(test_stream_socket_server_rejects_bad_transports);
    LAB_ADD(test_stream_socket_server_rejects_bad_ports);
    LAB_ADD(test_stream_socket_server_rejects_bad_hosts);
    LAB_ADD(test_stream_socket_server_err_msg_truncated);
    LAB_ADD(test_stream_socket_server_null_error_pointers);
    LAB_ADD(test_stream_socket_server_address_in_use);
    LAB_ADD(test_stream_socket_server_reports_emfile);
    LAB_ADD(test_stream_socket_accept_returns_connection_and_peer);
    LAB_ADD(test_stream_socket_accept_times_out);
    LAB_ADD(test_stream_socket_accept_negative_timeout_waits);
    LAB_ADD_TIMEOUT(test_stream_socket_accept_retries_eintr_with_remaining_time, 5.0);
    LAB_ADD(test_stream_socket_accept_peer_does_not_fit);
    LAB_ADD(test_stream_socket_client_connects_and_blocks);
    LAB_ADD(test_stream_socket_client_nonblocking_connect_sequence);
    LAB_ADD(test_stream_socket_client_default_timeout_is_60000);
    LAB_ADD(test_stream_socket_client_refused);
    LAB_ADD_TIMEOUT(test_stream_socket_client_times_out, 6.0);
    LAB_ADD(test_stream_socket_client_rejects_malformed_uri);
    LAB_ADD(test_stream_socket_client_udp_is_connected);
    LAB_ADD(test_stream_socket_client_retries_eintr);
    LAB_ADD(test_stream_socket_fdopen_document_scenario);
    LAB_ADD(test_stream_socket_fdopen_bad_mode_keeps_fd);
    LAB_ADD(test_stream_socket_fdopen_reads_and_fclose_closes);
}
