/* 10-udp.c — tests of lesson 10: udp_bind, udp_send_to, udp_receive_from, udp_echo_serve,
 * udp_connect. */
#define _GNU_SOURCE
#include "lab.h"
#include "udp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Every wait of a test is bounded by this (milliseconds); passing runs never come close. */
#define WAIT_MS 1500
/* How long "nothing more arrives" is watched (milliseconds). */
#define QUIET_MS 100
/* Buffer of the test's own receives: bigger than any datagram. */
#define BIG 70000

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

static const char *endpoint4(uint16_t port)
{
    return lab_fmt("127.0.0.1:%u", port);
}

/* A UDP socket on 127.0.0.1 whose port shows a missing htons()/ntohs() (its two bytes differ). */
static int telling_udp_socket(uint16_t *port)
{
    int fd = lab_udp_socket(port);
    while (port_hides_byte_order(*port)) {
        int other = lab_udp_socket(port); /* the old one still holds its port */
        close(fd);
        fd = other;
    }
    return fd;
}

/* A UDP port that was free a moment ago and shows a missing htons(). */
static uint16_t free_udp_port(void)
{
    uint16_t port;
    close(telling_udp_socket(&port));
    return port;
}

/*
 * A UDP port where nobody receives, reserved while *holder is open: the
 * holder is bound to it and connected to itself, so the kernel delivers it
 * only datagrams from its own address and answers everyone else with ICMP
 * "port unreachable".
 */
static uint16_t closed_udp_port(int *holder)
{
    uint16_t port;
    *holder = lab_udp_socket(&port);
    struct sockaddr_in self = {.sin_family = AF_INET, .sin_port = htons(port)};
    self.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    LAB_SETUP(connect(*holder, (struct sockaddr *)&self, sizeof self) == 0,
              "connect() of the holder of a closed UDP port");
    return port;
}

/* The test sends one datagram from @p fd to 127.0.0.1:port (fails the test on error). */
static void send_datagram(int fd, uint16_t port, const void *data, size_t len)
{
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(port)};
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ssize_t n;
    do {
        n = sendto(fd, data, len, 0, (struct sockaddr *)&to, sizeof to);
    } while (n < 0 && errno == EINTR);
    LAB_SETUP(n == (ssize_t)len, lab_fmt("sendto() of a %zu-byte test datagram", len));
}

static const char *sender_text(const struct sockaddr_storage *ss)
{
    char ip[INET6_ADDRSTRLEN] = "?";
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
        inet_ntop(AF_INET, &in->sin_addr, ip, sizeof ip);
        return lab_fmt("%s:%u", ip, ntohs(in->sin_port));
    }
    if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
        inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof ip);
        return lab_fmt("[%s]:%u", ip, ntohs(in6->sin6_port));
    }
    return "?";
}

/*
 * The test's own receive: one datagram within @p timeout_ms. Returns its
 * real length (MSG_TRUNC), or -1 when none came (errno ETIMEDOUT) or the
 * receive failed; the sender's endpoint into *from when not NULL.
 */
static ssize_t take_datagram(int fd, void *buf, size_t cap, const char **from, int timeout_ms)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    ssize_t n;

    memset(&ss, 0, sizeof ss);
    if (from)
        *from = "";
    if (!lab_wait_readable(fd, timeout_ms)) {
        errno = ETIMEDOUT;
        return -1;
    }
    do {
        n = recvfrom(fd, buf, cap, MSG_TRUNC | MSG_DONTWAIT, (struct sockaddr *)&ss, &len);
    } while (n < 0 && errno == EINTR);
    if (n >= 0 && from)
        *from = sender_text(&ss);
    return n;
}

/* "a 15-byte datagram "hello, datagram"", or just its size when it is long. */
static const char *datagram_text(const void *bytes, size_t len)
{
    if (len > 64)
        return lab_fmt(
            LAB_TR("a %zu-byte datagram (test pattern)", "一个 %zu 字节的数据报（测试数据）"), len);
    return lab_fmt(LAB_TR("a %zu-byte datagram %s", "一个 %zu 字节的数据报 %s"), len,
                   lab_escape(bytes, len));
}

/* "nothing", or what the test received, for messages. */
static const char *received_text(ssize_t n, int err, const char *buf, size_t cap)
{
    if (n < 0 && err == ETIMEDOUT)
        return LAB_TR("no datagram arrived", "没有收到数据报");
    if (n < 0)
        return lab_result_text(n, err);
    return datagram_text(buf, (size_t)n < cap ? (size_t)n : cap);
}

/* The test expects exactly @p want (of @p want_len bytes) on @p fd, sent from @p want_from. */
static void expect_datagram(const char *function, int fd, const void *want, size_t want_len,
                            const char *want_from, const char *hint)
{
    static char got[BIG];
    const char *from;
    ssize_t n = take_datagram(fd, got, sizeof got, &from, WAIT_MS);
    int err = errno;
    LAB_ASSERT(n == (ssize_t)want_len && memcmp(got, want, want_len) == 0, function,
               datagram_text(want, want_len), received_text(n, err, got, sizeof got), hint);
    if (want_from)
        LAB_ASSERT(strcmp(from, want_from) == 0, function,
                   lab_fmt(LAB_TR("it comes from %s", "它来自 %s"), want_from),
                   lab_fmt(LAB_TR("it came from %s", "它来自 %s"), from), hint);
}

/* Fails the test when a datagram is waiting on @p fd (watched for QUIET_MS). */
static void expect_nothing_more(const char *function, int fd, const char *hint)
{
    char got[256];
    ssize_t n = take_datagram(fd, got, sizeof got, NULL, QUIET_MS);
    int err = errno;
    LAB_ASSERT(n < 0 && err == ETIMEDOUT, function, LAB_TR("no further datagram", "没有更多数据报"),
               received_text(n, err, got, sizeof got), hint);
}

/* The pattern bytes of a large test datagram. */
static void fill_pattern(char *buf, size_t len, unsigned seed)
{
    for (size_t i = 0; i < len; i++)
        buf[i] = (char)('A' + (i * 7 + seed) % 26);
}

static int socket_type(int fd)
{
    int type = -1;
    socklen_t len = sizeof type;
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0)
        return -1;
    return type;
}

/* The test's own view of the address a socket is bound to ("?" if unknown). */
static const char *local_text(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    memset(&ss, 0, sizeof ss);
    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
        return "?";
    return sender_text(&ss);
}

static const char *peer_text(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    memset(&ss, 0, sizeof ss);
    if (getpeername(fd, (struct sockaddr *)&ss, &len) < 0)
        return LAB_TR("not connected", "未连接");
    return sender_text(&ss);
}

static const char *const NOT_DOTTED_QUADS[] = {"localhost", "127.0.0.256", "1.2.3",     "",
                                               "::1",       "127.0.0.1 ",  "0x7f.0.0.1"};
#define NOT_DOTTED_QUAD_COUNT (sizeof NOT_DOTTED_QUADS / sizeof NOT_DOTTED_QUADS[0])

/* ---- udp_bind ----------------------------------------------------------------------------- */

LAB_TEST(test_udp_bind_receives_on_port, 2)
{
    uint16_t port = free_udp_port();
    int before = lab_count_fds();
    const char *call = lab_fmt("udp_bind(\"127.0.0.1\", %u)", port);
    int fd = LAB_CALL(call, NULL, udp_bind("127.0.0.1", port));
    int err = errno;
    LAB_ASSERT(fd >= 0, call, LAB_TR("a bound UDP socket", "一个已绑定的 UDP socket"),
               lab_result_text(fd, err),
               LAB_TR("inet_pton(), socket(AF_INET, SOCK_DGRAM, 0), bind()",
                      "inet_pton()、socket(AF_INET, SOCK_DGRAM, 0)、bind()"));
    LAB_ASSERT(
        socket_type(fd) == SOCK_DGRAM, call, "SOCK_DGRAM",
        lab_fmt(LAB_TR("socket type %d", "socket 类型 %d"), socket_type(fd)),
        LAB_TR("UDP is socket(AF_INET, SOCK_DGRAM, 0)", "UDP 是 socket(AF_INET, SOCK_DGRAM, 0)"));
    const char *bound = local_text(fd);
    LAB_ASSERT(strcmp(bound, endpoint4(port)) == 0, call,
               lab_fmt(LAB_TR("bound to %s", "绑定到 %s"), endpoint4(port)),
               lab_fmt(LAB_TR("bound to %s", "绑定到 %s"), bound),
               strcmp(bound, endpoint4(swapped(port))) == 0
                   ? LAB_TR("the port is byte-swapped: sin_port = htons(port)",
                            "端口的两个字节反了：sin_port = htons(port)")
                   : LAB_TR("bind to the address and port given", "绑定到给定的地址和端口"));
    int sender = lab_udp_socket(NULL);
    send_datagram(sender, port, "to the port", 11);
    char got[64];
    ssize_t n = take_datagram(fd, got, sizeof got, NULL, WAIT_MS);
    LAB_ASSERT(n == 11 && memcmp(got, "to the port", 11) == 0, call,
               LAB_TR("the datagram sent to the port arrives on the socket",
                      "发往该端口的数据报到达这个 socket"),
               received_text(n, errno, got, sizeof got),
               LAB_TR("return the bound socket itself", "返回已绑定的那个 socket 本身"));
    close(sender);
    close(fd);
    LAB_ASSERT_NO_FD_LEAK(call, before,
                          LAB_TR("udp_bind() opens exactly one descriptor: the one it returns",
                                 "udp_bind() 只打开一个描述符：它返回的那个"));

    fd = LAB_CALL("udp_bind(\"127.0.0.1\", 0)", NULL, udp_bind("127.0.0.1", 0));
    err = errno;
    LAB_ASSERT(
        fd >= 0 && lab_local_port(fd) != 0, "udp_bind(\"127.0.0.1\", 0)",
        LAB_TR("a socket on a port the kernel chose", "一个绑定在内核所选端口上的 socket"),
        fd < 0 ? lab_result_text(fd, err) : local_text(fd),
        LAB_TR("port 0 asks the kernel for any free port", "端口 0 表示请内核挑一个空闲端口"));
    close(fd);
}

LAB_TEST(test_udp_bind_errors, 1)
{
    int before = lab_count_fds();
    for (size_t i = 0; i < NOT_DOTTED_QUAD_COUNT; i++) {
        const char *call = lab_fmt("udp_bind(%s, 0)", lab_escape_str(NOT_DOTTED_QUADS[i]));
        int fd = LAB_CALL(call, NULL, udp_bind(NOT_DOTTED_QUADS[i], 0));
        int err = errno;
        LAB_ASSERT_FAILS_WITH(call, fd, err, EINVAL,
                              LAB_TR("inet_pton() returns 0 for text that is not a dotted quad: "
                                     "fail with EINVAL",
                                     "文本不是点分十进制时 inet_pton() 返回 0：以 EINVAL 失败"));
        LAB_ASSERT_NO_FD_LEAK(call, before,
                              LAB_TR("check the address before socket(), or close it",
                                     "在 socket() 之前检查地址，或者失败时关闭它"));
    }
    lab_exhaust_descriptors();
    int fd = LAB_CALL("udp_bind(\"127.0.0.1\", 0) with no descriptor left", NULL,
                      udp_bind("127.0.0.1", 0));
    int err = errno;
    lab_release_descriptors();
    LAB_ASSERT_FAILS_WITH("udp_bind() with no descriptor left", fd, err, EMFILE,
                          LAB_TR("when socket() fails, return -1 with its errno",
                                 "socket() 失败时返回 -1，并保留它的 errno"));
}

LAB_TEST(test_udp_bind_port_in_use_leaks_nothing, 2)
{
    uint16_t port;
    int holder = lab_udp_socket(&port);
    int before = lab_count_fds();
    const char *call = lab_fmt(LAB_TR("udp_bind(\"127.0.0.1\", %u) (port in use)",
                                      "udp_bind(\"127.0.0.1\", %u)（端口已被占用）"),
                               port);
    for (int i = 0; i < 200; i++) {
        int fd = LAB_CALL(call, NULL, udp_bind("127.0.0.1", port));
        int err = errno;
        LAB_ASSERT_FAILS_WITH(call, fd, err, EADDRINUSE,
                              LAB_TR("another socket has the port: bind() fails with EADDRINUSE "
                                     "(and SO_REUSEADDR must not be set: on UDP it would share "
                                     "the port)",
                                     "端口已被另一个 socket 占用：bind() 以 EADDRINUSE 失败"
                                     "（不要设置 SO_REUSEADDR：在 UDP 上它会让端口被共用）"));
    }
    LAB_ASSERT_NO_FD_LEAK(call, before,
                          LAB_TR("close the socket when bind() fails (goto fail: save errno, "
                                 "close, restore errno)",
                                 "bind() 失败时关闭 socket（goto fail：保存 errno，关闭，恢复 "
                                 "errno）"));
    close(holder);
}

LAB_TEST(test_udp_bind_keeps_errno_over_close, 1)
{
    uint16_t port;
    int holder = lab_udp_socket(&port);
    lab_inject_errno_on_success("close", EIO); /* allowed by POSIX */
    const char *call =
        lab_fmt(LAB_TR("udp_bind(\"127.0.0.1\", %u) (port in use; close() changes errno)",
                       "udp_bind(\"127.0.0.1\", %u)（端口已被占用；close() 会改变 errno）"),
                port);
    int fd = LAB_CALL(call, NULL, udp_bind("127.0.0.1", port));
    int err = errno;
    lab_inject_clear();
    LAB_ASSERT_FAILS_WITH(call, fd, err, EADDRINUSE,
                          LAB_TR("save errno before the clean-up close(), restore it after",
                                 "清理用的 close() 之前保存 errno，之后恢复"));
    close(holder);
}

/* ---- udp_send_to -------------------------------------------------------------------------- */

LAB_TEST(test_udp_send_to_delivers_one_datagram, 2)
{
    uint16_t to_port, from_port;
    int receiver = telling_udp_socket(&to_port);
    int fd = lab_udp_socket(&from_port);
    static const char message[] = "hello, datagram";
    const char *call =
        lab_fmt("udp_send_to(fd, \"hello, datagram\", 15, \"127.0.0.1\", %u)", to_port);
    ssize_t n = LAB_CALL(call, NULL, udp_send_to(fd, message, 15, "127.0.0.1", to_port));
    int err = errno;
    LAB_ASSERT(n == 15, call, "15", lab_result_text(n, err),
               LAB_TR("sendto() sends the whole datagram: return len",
                      "sendto() 发出整个数据报：返回 len"));
    expect_datagram(call, receiver, message, 15, endpoint4(from_port),
                    LAB_TR("one sendto() from fd to 127.0.0.1:port, port through htons()",
                           "从 fd 调用一次 sendto() 发往 127.0.0.1:port，端口经过 htons()"));
    expect_nothing_more(call, receiver, LAB_TR("one datagram per call", "每次调用只发一个数据报"));
    close(fd);
    close(receiver);
}

LAB_TEST(test_udp_send_to_limits_and_errors, 2)
{
    uint16_t to_port;
    int receiver = telling_udp_socket(&to_port);
    int rcvbuf = 1 << 20;
    setsockopt(receiver, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf); /* room for 64 KiB */
    int fd = lab_udp_socket(NULL);
    char *big = malloc(UDP_MAX_PAYLOAD + 1);
    LAB_SETUP(big != NULL, "malloc()");
    fill_pattern(big, UDP_MAX_PAYLOAD + 1, 3);

    const char *call = lab_fmt("udp_send_to(fd, buf, %d, \"127.0.0.1\", port)", UDP_MAX_PAYLOAD);
    ssize_t n = LAB_CALL(call, NULL, udp_send_to(fd, big, UDP_MAX_PAYLOAD, "127.0.0.1", to_port));
    int err = errno;
    LAB_ASSERT(n == UDP_MAX_PAYLOAD, call, lab_fmt("%d", UDP_MAX_PAYLOAD), lab_result_text(n, err),
               LAB_TR("65507 bytes is the largest IPv4 UDP payload: it goes in one datagram",
                      "65507 字节是 IPv4 UDP 的最大载荷：它能装进一个数据报"));
    expect_datagram(call, receiver, big, UDP_MAX_PAYLOAD, NULL,
                    LAB_TR("the largest datagram arrives whole", "最大的数据报完整到达"));

    call = lab_fmt("udp_send_to(fd, buf, %d, \"127.0.0.1\", port)", UDP_MAX_PAYLOAD + 1);
    n = LAB_CALL(call, NULL, udp_send_to(fd, big, UDP_MAX_PAYLOAD + 1, "127.0.0.1", to_port));
    err = errno;
    LAB_ASSERT_FAILS_WITH(call, n, err, EMSGSIZE,
                          LAB_TR("one byte more does not fit in an IPv4 datagram: return -1 with "
                                 "sendto()'s EMSGSIZE (never split it in two)",
                                 "多一个字节就装不进 IPv4 数据报：返回 -1 并保留 sendto() 的 "
                                 "EMSGSIZE（绝不要拆成两个）"));

    call = "udp_send_to(fd, \"\", 0, \"127.0.0.1\", port)";
    n = LAB_CALL(call, NULL, udp_send_to(fd, "", 0, "127.0.0.1", to_port));
    err = errno;
    LAB_ASSERT(n == 0, call, "0", lab_result_text(n, err),
               LAB_TR("a datagram of 0 bytes is allowed: send it and return 0",
                      "允许发送 0 字节的数据报：发出去并返回 0"));
    expect_datagram(call, receiver, "", 0, NULL,
                    LAB_TR("an empty datagram is still a datagram: call sendto() with len 0",
                           "空数据报也是数据报：用 len 0 调用 sendto()"));
    expect_nothing_more("udp_send_to()", receiver,
                        LAB_TR("one datagram per call, and nothing of the 65508-byte one",
                               "每次调用一个数据报，65508 字节的那个什么都不发"));

    for (size_t i = 0; i < NOT_DOTTED_QUAD_COUNT; i++) {
        call = lab_fmt("udp_send_to(fd, \"x\", 1, %s, port)", lab_escape_str(NOT_DOTTED_QUADS[i]));
        n = LAB_CALL(call, NULL, udp_send_to(fd, "x", 1, NOT_DOTTED_QUADS[i], to_port));
        err = errno;
        LAB_ASSERT_FAILS_WITH(call, n, err, EINVAL,
                              LAB_TR("check inet_pton()'s result (> 0) before sending",
                                     "发送之前检查 inet_pton() 的结果（> 0）"));
    }
    /* Linux delivers a datagram for 0.0.0.0 to this machine: an unchecked address shows here. */
    expect_nothing_more(
        "udp_send_to(fd, \"x\", 1, <not a dotted quad>, port)", receiver,
        LAB_TR("send nothing when the address is not valid", "地址无效时什么都不发送"));
    free(big);
    close(fd);
    close(receiver);
}

LAB_TEST(test_udp_send_to_retries_eintr, 1)
{
    uint16_t to_port, from_port;
    int receiver = telling_udp_socket(&to_port);
    int fd = lab_udp_socket(&from_port);
    lab_inject("sendto", 1, 1, EINTR, 0);
    lab_inject("sendmsg", 1, 1, EINTR, 0);
    lab_inject("send", 1, 1, EINTR, 0);
    const char *call =
        "udp_send_to(fd, \"again\", 5, \"127.0.0.1\", port), first sendto() -> EINTR";
    ssize_t n = LAB_CALL(call, NULL, udp_send_to(fd, "again", 5, "127.0.0.1", to_port));
    int err = errno;
    lab_inject_clear();
    LAB_ASSERT(n == 5, call, "5", lab_result_text(n, err),
               LAB_TR("EINTR means nothing was sent: call sendto() again",
                      "EINTR 表示什么都没发出：再调用一次 sendto()"));
    expect_datagram(call, receiver, "again", 5, endpoint4(from_port),
                    LAB_TR("the datagram arrives once", "数据报到达一次"));
    expect_nothing_more(call, receiver, LAB_TR("the datagram arrives once", "数据报只到达一次"));
    close(fd);
    close(receiver);
}

/* ---- udp_receive_from --------------------------------------------------------------------- */

#define RECEIVE_BLOCKS_ON                                                                          \
    LAB_TR("recvfrom(): the test sent a datagram first, so it should return at once",              \
           "recvfrom()：测试已先发出数据报，应当立即返回")

/* udp_receive_from() on @p fd with a buffer of @p cap bytes; checks the bytes, the sender and the
 * truncation flag. */
static void expect_received(int fd, size_t cap, const void *want, size_t want_len,
                            const char *want_from, int want_truncated, const char *hint)
{
    static char buf[BIG];
    char from[64];
    int truncated = -1;
    memset(from, 'Z', sizeof from);
    memset(buf, 0, cap + 1);
    const char *call = lab_fmt("udp_receive_from(fd, buf, %zu, from, 64, &truncated)", cap);
    ssize_t n = LAB_CALL(call, RECEIVE_BLOCKS_ON,
                         udp_receive_from(fd, buf, cap, from, sizeof from, &truncated));
    int err = errno;
    LAB_ASSERT(n == (ssize_t)want_len, call, lab_fmt("%zu", want_len), lab_result_text(n, err),
               hint);
    LAB_ASSERT_BYTES(call, buf, (size_t)n, want, want_len, hint);
    LAB_ASSERT(buf[cap] == 0, call,
               lab_fmt(LAB_TR("nothing written past buf[%zu]", "buf[%zu] 之后不写"), cap - 1),
               LAB_TR("bytes written past the end of buf", "写到了 buf 末尾之后"),
               LAB_TR("store at most cap bytes", "最多存 cap 个字节"));
    LAB_ASSERT(truncated == want_truncated, call, lab_fmt("truncated = %d", want_truncated),
               lab_fmt("truncated = %d", truncated),
               want_truncated
                   ? LAB_TR("recvfrom(..., MSG_TRUNC, ...) returns the datagram's real length: "
                            "when it is larger than cap, the datagram was cut",
                            "recvfrom(..., MSG_TRUNC, ...) 返回数据报的真实长度：它大于 cap 时，"
                            "数据报被截断了")
                   : LAB_TR("truncated is 0 when the whole datagram fit (even exactly)",
                            "整个数据报放得下（哪怕刚好放下）时 truncated 为 0"));
    LAB_ASSERT(memchr(from, '\0', sizeof from) != NULL, call, lab_escape_str(want_from),
               LAB_TR("no NUL in from", "from 里没有 NUL"),
               LAB_TR("write a NUL-terminated \"ip:port\"", "写入以 NUL 结尾的 \"ip:port\""));
    LAB_ASSERT_STR(call, from, want_from,
                   LAB_TR("the sender's address with inet_ntop(), ':' and its port through ntohs()",
                          "用 inet_ntop() 得到发送方地址，加 ':' 和经 ntohs() 转换的端口"));
}

LAB_TEST(test_udp_receive_from_keeps_boundaries, 3)
{
    uint16_t port, from_port;
    int fd = lab_udp_socket(&port);
    int sender = lab_udp_socket(&from_port);
    char middle[1000];
    fill_pattern(middle, sizeof middle, 1);
    /* Three datagrams back to back, all waiting before the first receive. */
    send_datagram(sender, port, "first", 5);
    send_datagram(sender, port, middle, sizeof middle);
    send_datagram(sender, port, "3!", 2);
    lab_sleep_ms(20);
    const char *hint = LAB_TR("one call receives one datagram, exactly as it was sent: UDP keeps "
                              "the boundaries (never loop to fill the buffer as for TCP)",
                              "一次调用接收一个数据报，与发送时完全一样：UDP 保留消息边界（不要像 "
                              "TCP 那样循环读满缓冲区）");
    expect_received(fd, 2048, "first", 5, endpoint4(from_port), 0, hint);
    expect_received(fd, 2048, middle, sizeof middle, endpoint4(from_port), 0, hint);
    expect_received(fd, 2048, "3!", 2, endpoint4(from_port), 0, hint);
    expect_nothing_more("udp_receive_from()", fd, hint);
    close(sender);
    close(fd);
}

LAB_TEST(test_udp_receive_from_names_sender, 2)
{
    uint16_t port, a_port, b_port;
    int fd = lab_udp_socket(&port);
    int a = telling_udp_socket(&a_port);
    int b = telling_udp_socket(&b_port);
    send_datagram(a, port, "from a", 6);
    send_datagram(b, port, "from b", 6);
    for (int i = 0; i < 2; i++) {
        uint16_t want_port = i ? b_port : a_port;
        char buf[64], from[64] = "";
        const char *call = "udp_receive_from(fd, buf, 64, from, 64, NULL)";
        ssize_t n = LAB_CALL(call, RECEIVE_BLOCKS_ON,
                             udp_receive_from(fd, buf, sizeof buf, from, sizeof from, NULL));
        int err = errno;
        LAB_ASSERT(n == 6, call, "6", lab_result_text(n, err),
                   LAB_TR("return the number of bytes received (truncated may be NULL: then it is "
                          "not reported)",
                          "返回收到的字节数（truncated 可以为 NULL：这时不报告截断）"));
        const char *want = endpoint4(want_port);
        LAB_ASSERT_STR(call, from, want,
                       strcmp(from, endpoint4(swapped(want_port))) == 0
                           ? LAB_TR("the port is byte-swapped: sin_port is in network order, "
                                    "convert it with ntohs()",
                                    "端口的两个字节反了：sin_port 是网络字节序，要用 ntohs() 转换")
                           : LAB_TR("each datagram comes with its own sender: \"ip:port\" of "
                                    "the address recvfrom() filled in",
                                    "每个数据报都带着自己的发送方：recvfrom() 填入的地址，写成 "
                                    "\"ip:port\""));
    }
    close(a);
    close(b);
    close(fd);
}

LAB_TEST(test_udp_receive_from_detects_truncation, 3)
{
    uint16_t port, from_port;
    int fd = lab_udp_socket(&port);
    int sender = lab_udp_socket(&from_port);
    char hundred[100];
    fill_pattern(hundred, sizeof hundred, 0);
    send_datagram(sender, port, hundred, sizeof hundred);
    send_datagram(sender, port, "next!", 5);
    expect_received(fd, 10, hundred, 10, endpoint4(from_port), 1,
                    LAB_TR("a 100-byte datagram into 10 bytes: store 10, return 10, set "
                           "*truncated = 1 (recvfrom() with MSG_TRUNC returns 100)",
                           "100 字节的数据报放进 10 字节：存 10 个，返回 10，*truncated = 1"
                           "（带 MSG_TRUNC 的 recvfrom() 返回 100）"));
    expect_received(fd, 64, "next!", 5, endpoint4(from_port), 0,
                    LAB_TR("the rest of a cut datagram is lost: the next call gets the next "
                           "datagram",
                           "被截断的数据报剩下的部分丢失了：下一次调用得到下一个数据报"));
    close(sender);
    close(fd);
}

LAB_TEST(test_udp_receive_from_exact_fit, 1)
{
    uint16_t port, from_port;
    int fd = lab_udp_socket(&port);
    int sender = lab_udp_socket(&from_port);
    send_datagram(sender, port, "0123456789", 10);
    send_datagram(sender, port, "ABCDEFGHIJK", 11);
    expect_received(fd, 10, "0123456789", 10, endpoint4(from_port), 0,
                    LAB_TR("a datagram of exactly cap bytes is whole: truncated only when the "
                           "real length is larger than cap",
                           "恰好 cap 字节的数据报是完整的：只有真实长度大于 cap 才算截断"));
    char buf[10];
    const char *call = "udp_receive_from(fd, buf, 10, NULL, 0, NULL)";
    ssize_t n = LAB_CALL(call, RECEIVE_BLOCKS_ON, udp_receive_from(fd, buf, 10, NULL, 0, NULL));
    int err = errno;
    LAB_ASSERT(n == 10 && memcmp(buf, "ABCDEFGHIJ", 10) == 0, call,
               LAB_TR("10 bytes \"ABCDEFGHIJ\"", "10 字节 \"ABCDEFGHIJ\""),
               n < 0 ? lab_result_text(n, err) : lab_escape(buf, (size_t)n),
               LAB_TR("from and truncated may be NULL: receive all the same",
                      "from 和 truncated 可以为 NULL：照样接收"));
    close(sender);
    close(fd);
}

LAB_TEST(test_udp_receive_from_zero_length_datagram, 2)
{
    uint16_t port, from_port;
    int fd = lab_udp_socket(&port);
    int sender = lab_udp_socket(&from_port);
    send_datagram(sender, port, "", 0);
    send_datagram(sender, port, "more", 4);
    const char *hint = LAB_TR("an empty datagram returns 0, with from filled in; 0 is not an end "
                              "of file for UDP, and the next call gets the next datagram",
                              "空数据报返回 0，from 照常填写；对 UDP 来说 0 不是文件结束，"
                              "下一次调用得到下一个数据报");
    expect_received(fd, 64, "", 0, endpoint4(from_port), 0, hint);
    expect_received(fd, 64, "more", 4, endpoint4(from_port), 0, hint);
    close(sender);
    close(fd);
}

LAB_TEST(test_udp_receive_from_sender_too_long, 1)
{
    uint16_t port, from_port;
    int fd = lab_udp_socket(&port);
    int sender = lab_udp_socket(&from_port);
    const char *endpoint = endpoint4(from_port);
    size_t caps[] = {strlen(endpoint), 0};
    for (int i = 0; i < 2; i++) {
        char buf[64], from[64];
        memset(from, 'Z', sizeof from);
        send_datagram(sender, port, "lost", 4);
        send_datagram(sender, port, "kept", 4);
        const char *call =
            lab_fmt("udp_receive_from(fd, buf, 64, from, %zu, NULL) for \"%s\"", caps[i], endpoint);
        ssize_t n = LAB_CALL(call, RECEIVE_BLOCKS_ON,
                             udp_receive_from(fd, buf, sizeof buf, from, caps[i], NULL));
        int err = errno;
        LAB_ASSERT_FAILS_WITH(call, n, err, ENOSPC,
                              LAB_TR("the endpoint and its NUL do not fit: fail with ENOSPC, "
                                     "never write a cut-off endpoint",
                                     "端点文本加 NUL 放不下：以 ENOSPC 失败，绝不写截断的端点"));
        if (caps[i] > 0)
            LAB_ASSERT(from[0] == '\0' && from[caps[i]] == 'Z', call,
                       LAB_TR("from set to \"\", nothing written past from[cap - 1]",
                              "from 设为 \"\"，from[cap - 1] 之后不写"),
                       lab_escape(from, caps[i] + 1),
                       LAB_TR("on ENOSPC set from to \"\" (when from_cap > 0); write at most "
                              "from_cap bytes",
                              "ENOSPC 时把 from 设为 \"\"（from_cap > 0 时）；最多写 from_cap "
                              "个字节"));
        else
            LAB_ASSERT(from[0] == 'Z', call,
                       LAB_TR("from not written (cap 0)", "不写 from（cap 为 0）"),
                       lab_escape(from, 1),
                       LAB_TR("with from_cap 0 there is no room even for the NUL",
                              "from_cap 为 0 时连 NUL 都放不下"));
        /* The datagram was received all the same: the next call gets the next one. */
        n = LAB_CALL("udp_receive_from(fd, buf, 64, NULL, 0, NULL)", RECEIVE_BLOCKS_ON,
                     udp_receive_from(fd, buf, sizeof buf, NULL, 0, NULL));
        err = errno;
        LAB_ASSERT(n == 4 && memcmp(buf, "kept", 4) == 0,
                   "udp_receive_from(fd, buf, 64, NULL, 0, NULL) after ENOSPC",
                   LAB_TR("the next datagram \"kept\"", "下一个数据报 \"kept\""),
                   n < 0 ? lab_result_text(n, err) : lab_escape(buf, (size_t)n),
                   LAB_TR("receive first, then name the sender: the datagram of the ENOSPC call "
                          "is consumed (do not peek)",
                          "先接收，再写发送方：ENOSPC 那次调用的数据报已被取走（不要 peek）"));
    }
    close(sender);
    close(fd);
}

LAB_TEST(test_udp_receive_from_retries_eintr, 1)
{
    static const char *const calls[] = {"recvfrom", "recvmsg", "recv", "read"};
    uint16_t port, from_port;
    int fd = lab_udp_socket(&port);
    int sender = lab_udp_socket(&from_port);
    send_datagram(sender, port, "through", 7);
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++)
        lab_inject(calls[i], 1, 1, EINTR, 0); /* the first of each is interrupted once */
    char buf[64], from[64] = "";
    int truncated = -1;
    const char *call =
        "udp_receive_from(fd, buf, 64, from, 64, &truncated), first recvfrom() -> EINTR";
    ssize_t n = LAB_CALL(call, RECEIVE_BLOCKS_ON,
                         udp_receive_from(fd, buf, sizeof buf, from, sizeof from, &truncated));
    int err = errno;
    lab_inject_clear();
    LAB_ASSERT(n == 7 && memcmp(buf, "through", 7) == 0 && truncated == 0 &&
                   strcmp(from, endpoint4(from_port)) == 0,
               call,
               lab_fmt(LAB_TR("7 bytes \"through\" from %s", "来自 %s 的 7 字节 \"through\""),
                       endpoint4(from_port)),
               n < 0 ? lab_result_text(n, err)
                     : lab_fmt("%zd %s from %s", n, lab_escape(buf, (size_t)n), from),
               LAB_TR("EINTR only means a signal arrived while waiting: call recvfrom() again",
                      "EINTR 只表示等待时来了一个信号：再调用一次 recvfrom()"));
    close(sender);
    close(fd);
}

/* An IPv6 UDP socket on [::1]:0, or -1 when this machine has no IPv6 loopback. */
static int ipv6_udp_socket(uint16_t *port)
{
    struct sockaddr_in6 addr = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    int fd = socket(AF_INET6, SOCK_DGRAM, 0);
    if (fd < 0)
        return -1;
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
        close(fd);
        return -1;
    }
    *port = lab_local_port(fd);
    return fd;
}

LAB_TEST(test_udp_receive_from_ipv6_sender, 1)
{
    uint16_t port, from_port;
    int fd = ipv6_udp_socket(&port);
    if (fd < 0) { /* no IPv6 loopback here: check the IPv4 form instead */
        fd = lab_udp_socket(&port);
        int sender = lab_udp_socket(&from_port);
        send_datagram(sender, port, "v4", 2);
        expect_received(fd, 64, "v4", 2, endpoint4(from_port), 0, "");
        close(sender);
        close(fd);
        return;
    }
    int sender = ipv6_udp_socket(&from_port);
    LAB_SETUP(sender >= 0, "a second UDP socket on [::1]");
    struct sockaddr_in6 to = {
        .sin6_family = AF_INET6, .sin6_port = htons(port), .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    LAB_SETUP(sendto(sender, "v6", 2, 0, (struct sockaddr *)&to, sizeof to) == 2,
              "sendto() to [::1]");
    expect_received(fd, 64, "v6", 2, lab_fmt("[::1]:%u", from_port), 0,
                    LAB_TR("give recvfrom() a struct sockaddr_storage (big enough for IPv6); an "
                           "IPv6 sender is \"[ip]:port\"",
                           "给 recvfrom() 一个 struct sockaddr_storage（装得下 IPv6）；IPv6 "
                           "发送方写作 \"[ip]:port\""));
    close(sender);
    close(fd);
}

LAB_TEST(test_udp_receive_from_errors, 1)
{
    char buf[64], from[64];
    int truncated;

    /* A closed descriptor. */
    int fd = lab_udp_socket(NULL);
    close(fd);
    ssize_t n = LAB_CALL("udp_receive_from(<closed descriptor>, ...)", NULL,
                         udp_receive_from(fd, buf, sizeof buf, from, sizeof from, &truncated));
    int err = errno;
    LAB_ASSERT_FAILS_WITH(
        "udp_receive_from(<closed descriptor>, ...)", n, err, EBADF,
        LAB_TR("return -1 with recvfrom()'s errno", "返回 -1，并保留 recvfrom() 的 errno"));

    /* Non-blocking, nothing waiting: EAGAIN at once. */
    fd = lab_udp_socket(NULL);
    LAB_SETUP(fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == 0, "fcntl(O_NONBLOCK)");
    double start = lab_now();
    n = LAB_CALL("udp_receive_from(<non-blocking, nothing waiting>, ...)",
                 LAB_TR("recvfrom() on a non-blocking socket must not wait",
                        "非阻塞 socket 上的 recvfrom() 不应等待"),
                 udp_receive_from(fd, buf, sizeof buf, from, sizeof from, &truncated));
    err = errno;
    LAB_ASSERT_FAILS_WITH("udp_receive_from(<non-blocking, nothing waiting>, ...)", n, err, EAGAIN,
                          LAB_TR("EAGAIN goes back to the caller: do not retry it",
                                 "EAGAIN 要交还给调用者：不要重试"));
    LAB_ASSERT(lab_now() - start < 1.0, "udp_receive_from(<non-blocking, nothing waiting>, ...)",
               LAB_TR("at once", "立即返回"), lab_fmt("%.2f s", lab_now() - start),
               LAB_TR("do not wait or spin on EAGAIN", "遇到 EAGAIN 不要等待或空转"));
    close(fd);

    /* A connected socket whose peer port is closed: the ICMP error comes back as ECONNREFUSED. */
    int holder;
    uint16_t closed = closed_udp_port(&holder);
    fd = lab_udp_socket(NULL);
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(closed)};
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    LAB_SETUP(connect(fd, (struct sockaddr *)&to, sizeof to) == 0, "connect() of a UDP socket");
    LAB_SETUP(send(fd, "anyone?", 7, 0) == 7, "send() to a closed UDP port");
    LAB_SETUP(lab_wait_readable(fd, WAIT_MS), "the ICMP error after a send() to a closed UDP port");
    n = LAB_CALL("udp_receive_from(<connected to a closed port>, ...)",
                 LAB_TR("recvfrom(): the error is pending, it should return at once",
                        "recvfrom()：错误已经在等着，应当立即返回"),
                 udp_receive_from(fd, buf, sizeof buf, from, sizeof from, &truncated));
    err = errno;
    LAB_ASSERT_FAILS_WITH("udp_receive_from(<connected to a closed port>, ...)", n, err,
                          ECONNREFUSED,
                          LAB_TR("return -1 with recvfrom()'s errno (ECONNREFUSED here)",
                                 "返回 -1，并保留 recvfrom() 的 errno（这里是 ECONNREFUSED）"));
    close(fd);
    close(holder);

    /* A sender without an IP address: the datagram comes, its sender cannot be named. */
    int pair[2];
    LAB_SETUP(socketpair(AF_UNIX, SOCK_DGRAM, 0, pair) == 0, "socketpair(AF_UNIX, SOCK_DGRAM)");
    LAB_SETUP(send(pair[1], "unix", 4, 0) == 4 && send(pair[1], "next", 4, 0) == 4,
              "send() on a socketpair");
    n = LAB_CALL("udp_receive_from(<AF_UNIX datagram socket>, buf, 64, from, 64, NULL)",
                 RECEIVE_BLOCKS_ON,
                 udp_receive_from(pair[0], buf, sizeof buf, from, sizeof from, NULL));
    err = errno;
    LAB_ASSERT_FAILS_WITH("udp_receive_from(<AF_UNIX datagram socket>, buf, 64, from, 64, NULL)", n,
                          err, EAFNOSUPPORT,
                          LAB_TR("the sender has no IP address (recvfrom() leaves the address "
                                 "empty: its length is 0): fail with EAFNOSUPPORT",
                                 "发送方没有 IP 地址（recvfrom() 不填地址：长度为 0）：以 "
                                 "EAFNOSUPPORT 失败"));
    n = LAB_CALL("udp_receive_from(<AF_UNIX datagram socket>, buf, 64, NULL, 0, NULL)",
                 RECEIVE_BLOCKS_ON, udp_receive_from(pair[0], buf, sizeof buf, NULL, 0, NULL));
    err = errno;
    LAB_ASSERT(n == 4 && memcmp(buf, "next", 4) == 0,
               "udp_receive_from(<AF_UNIX datagram socket>, buf, 64, NULL, 0, NULL)",
               LAB_TR("the next datagram \"next\"", "下一个数据报 \"next\""),
               n < 0 ? lab_result_text(n, err) : lab_escape(buf, (size_t)n),
               LAB_TR("without from, any datagram socket works", "不要 from 时，任何数据报 "
                                                                 "socket 都能用"));
    close(pair[0]);
    close(pair[1]);
}

/* ---- udp_echo_serve ----------------------------------------------------------------------- */

/* udp_echo_serve() running in a thread while the test plays its clients. */
struct echo_run {
    int fd;
    long max;
    long result;
    int err;
    int done;
    void *thread;
};

static void *echo_main(void *arg)
{
    struct echo_run *run = arg;
    run->result = LAB_CALL(lab_fmt("udp_echo_serve(fd, %ld)", run->max),
                           LAB_TR("recvfrom(): the test sends its datagrams, then waits for "
                                  "udp_echo_serve() to return",
                                  "recvfrom()：测试发出数据报，然后等待 udp_echo_serve() 返回"),
                           udp_echo_serve(run->fd, run->max));
    run->err = errno;
    __atomic_store_n(&run->done, 1, __ATOMIC_RELEASE);
    return NULL;
}

static void echo_start(struct echo_run *run, int fd, long max)
{
    memset(run, 0, sizeof *run);
    run->fd = fd;
    run->max = max;
    lab_thread_start(echo_main, run, &run->thread);
}

static int echo_done(struct echo_run *run)
{
    return __atomic_load_n(&run->done, __ATOMIC_ACQUIRE);
}

static const char *echo_state(struct echo_run *run)
{
    if (!echo_done(run))
        return LAB_TR("udp_echo_serve() still running", "udp_echo_serve() 仍在运行");
    return lab_fmt(LAB_TR("udp_echo_serve() had returned %s", "udp_echo_serve() 已返回 %s"),
                   lab_result_text(run->result, run->err));
}

/* The echo of one datagram on @p client: exactly @p want, from the server's port. */
static void expect_echo(struct echo_run *run, int client, uint16_t server_port, const void *want,
                        size_t want_len, const char *who, const char *hint)
{
    static char got[BIG];
    const char *from = "";
    ssize_t n = -1;
    int err = ETIMEDOUT;
    double deadline = lab_now() + WAIT_MS / 1000.0;
    while (lab_now() < deadline) {
        int finished = echo_done(run);
        n = take_datagram(client, got, sizeof got, &from, 50);
        err = errno;
        if (n >= 0 || err != ETIMEDOUT || finished)
            break; /* a datagram, an error, or a server that returned and sent nothing */
    }
    const char *function = lab_fmt(
        LAB_TR("udp_echo_serve(fd, %ld), %s", "udp_echo_serve(fd, %ld)，%s"), run->max, who);
    LAB_ASSERT(n == (ssize_t)want_len && memcmp(got, want, want_len) == 0, function,
               lab_fmt(LAB_TR("the echo: %s", "回显：%s"), datagram_text(want, want_len)),
               lab_fmt("%s (%s)", received_text(n, err, got, sizeof got), echo_state(run)), hint);
    LAB_ASSERT(strcmp(from, endpoint4(server_port)) == 0, function,
               lab_fmt(LAB_TR("the echo comes from the server's %s", "回显来自服务端的 %s"),
                       endpoint4(server_port)),
               lab_fmt(LAB_TR("it came from %s", "它来自 %s"), from),
               LAB_TR("answer with sendto() on the server's own socket fd",
                      "用服务端自己的 socket fd 调用 sendto() 回复"));
}

/* Waits (bounded) for udp_echo_serve() to return and checks it returned @p want. */
static void echo_finish(struct echo_run *run, long want)
{
    double deadline = lab_now() + WAIT_MS / 1000.0;
    while (!echo_done(run) && lab_now() < deadline)
        lab_sleep_ms(5);
    const char *call = lab_fmt("udp_echo_serve(fd, %ld)", run->max);
    LAB_ASSERT(
        echo_done(run), call,
        lab_fmt(LAB_TR("to return %ld after %ld datagrams", "处理完 %ld 个数据报后返回 %ld"), want,
                run->max),
        LAB_TR("still running: it waits for another datagram", "仍在运行：它还在等下一个数据报"),
        LAB_TR("count every datagram received, and stop at max_datagrams",
               "收到的每个数据报都要计数，到 max_datagrams 就停"));
    lab_thread_join(run->thread);
    LAB_ASSERT(run->result == want, call, lab_fmt("%ld", want),
               lab_result_text(run->result, run->err),
               LAB_TR("return the number of datagrams handled", "返回处理过的数据报个数"));
}

LAB_TEST(test_udp_echo_serve_answers_each_sender, 3)
{
    uint16_t port, a_port, b_port;
    int fd = lab_udp_socket(&port);
    int a = lab_udp_socket(&a_port);
    int b = lab_udp_socket(&b_port);
    int before = lab_count_fds();
    struct echo_run run;
    echo_start(&run, fd, 4);
    const char *hint = LAB_TR("send each echo to the address recvfrom() gave with that datagram, "
                              "with sendto(): never to a fixed or remembered address",
                              "用 sendto() 把回显发往 recvfrom() 随该数据报给出的地址：不要发往"
                              "固定的或记下来的地址");
    /* Interleaved: a, b, then b, a. */
    send_datagram(a, port, "one from a", 10);
    send_datagram(b, port, "one from b", 10);
    expect_echo(&run, a, port, "one from a", 10, LAB_TR("client a", "客户端 a"), hint);
    expect_echo(&run, b, port, "one from b", 10, LAB_TR("client b", "客户端 b"), hint);
    send_datagram(b, port, "second b", 8);
    expect_echo(&run, b, port, "second b", 8, LAB_TR("client b", "客户端 b"), hint);
    send_datagram(a, port, "second a", 8);
    expect_echo(&run, a, port, "second a", 8, LAB_TR("client a", "客户端 a"), hint);
    echo_finish(&run, 4);
    expect_nothing_more("udp_echo_serve(fd, 4), client a", a, hint);
    expect_nothing_more("udp_echo_serve(fd, 4), client b", b, hint);
    LAB_ASSERT(lab_fd_is_open(fd), "udp_echo_serve(fd, 4)", LAB_TR("fd still open", "fd 仍然打开"),
               LAB_TR("fd was closed", "fd 被关闭了"),
               LAB_TR("the caller owns fd: do not close it", "fd 属于调用者：不要关闭它"));
    LAB_ASSERT_NO_FD_LEAK(
        "udp_echo_serve(fd, 4)", before,
        LAB_TR("answer on fd itself: open nothing", "就用 fd 回复：什么都不要打开"));
    close(a);
    close(b);
    close(fd);
}

LAB_TEST(test_udp_echo_serve_largest_datagram, 2)
{
    uint16_t port;
    int fd = lab_udp_socket(&port);
    int client = lab_udp_socket(NULL);
    int rcvbuf = 1 << 20;
    setsockopt(client, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    char *big = malloc(UDP_MAX_PAYLOAD);
    LAB_SETUP(big != NULL, "malloc()");
    fill_pattern(big, UDP_MAX_PAYLOAD, 5);
    struct echo_run run;
    echo_start(&run, fd, 2);
    send_datagram(client, port, big, UDP_MAX_PAYLOAD);
    const char *hint = LAB_TR("receive into a buffer of UDP_MAX_PAYLOAD (65507) bytes: a smaller "
                              "one cuts large datagrams, and the echo is wrong",
                              "用 UDP_MAX_PAYLOAD（65507）字节的缓冲区接收：更小的缓冲区会截断"
                              "大数据报，回显就错了");
    expect_echo(&run, client, port, big, UDP_MAX_PAYLOAD, LAB_TR("65507 bytes", "65507 字节"),
                hint);
    send_datagram(client, port, "small", 5);
    expect_echo(&run, client, port, "small", 5, LAB_TR("then 5 bytes", "然后 5 字节"),
                LAB_TR("echo exactly the bytes received, as many as arrived this time",
                       "原样回显这次收到的字节，收到多少回多少"));
    echo_finish(&run, 2);
    free(big);
    close(client);
    close(fd);
}

LAB_TEST(test_udp_echo_serve_zero_length_is_not_eof, 2)
{
    uint16_t port;
    int fd = lab_udp_socket(&port);
    int client = lab_udp_socket(NULL);
    struct echo_run run;
    echo_start(&run, fd, 3);
    const char *hint = LAB_TR("an empty datagram is a message like any other: echo it (an empty "
                              "datagram back), count it, and go on; 0 is no end of file for UDP",
                              "空数据报和其他消息一样：回显它（回一个空数据报），计数，然后继续；"
                              "对 UDP 来说 0 不是文件结束");
    send_datagram(client, port, "", 0);
    expect_echo(&run, client, port, "", 0, LAB_TR("an empty datagram", "一个空数据报"), hint);
    send_datagram(client, port, "after", 5);
    expect_echo(&run, client, port, "after", 5, LAB_TR("the datagram after it", "它之后的数据报"),
                hint);
    send_datagram(client, port, "", 0);
    expect_echo(&run, client, port, "", 0, LAB_TR("another empty one", "又一个空数据报"), hint);
    echo_finish(&run, 3);
    close(client);
    close(fd);
}

LAB_TEST(test_udp_echo_serve_retries_eintr, 1)
{
    static const char *const calls[] = {"recvfrom", "recvmsg", "recv", "read",
                                        "sendto",   "sendmsg", "send", "write"};
    uint16_t port;
    int fd = lab_udp_socket(&port);
    int client = lab_udp_socket(NULL);
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++)
        lab_inject(calls[i], 1, 1, EINTR, 0); /* the first of each is interrupted once */
    struct echo_run run;
    echo_start(&run, fd, 2);
    const char *hint = LAB_TR("EINTR from recvfrom() or sendto() only means \"try again\"",
                              "recvfrom() 或 sendto() 返回 EINTR 只表示“再试一次”");
    send_datagram(client, port, "ping 1", 6);
    expect_echo(&run, client, port, "ping 1", 6, LAB_TR("the first datagram", "第一个数据报"),
                hint);
    send_datagram(client, port, "ping 2", 6);
    expect_echo(&run, client, port, "ping 2", 6, LAB_TR("the second datagram", "第二个数据报"),
                hint);
    echo_finish(&run, 2);
    lab_inject_clear();
    close(client);
    close(fd);
}

LAB_TEST(test_udp_echo_serve_limits_and_errors, 1)
{
    uint16_t port;
    int fd = lab_udp_socket(&port);
    int client = lab_udp_socket(NULL);
    send_datagram(client, port, "waiting", 7);
    LAB_SETUP(lab_wait_readable(fd, WAIT_MS), "a datagram waiting for the server");

    long rc = LAB_CALL(
        "udp_echo_serve(fd, 0)",
        LAB_TR("nothing: zero datagrams means return at once", "无：0 个数据报表示立即返回"),
        udp_echo_serve(fd, 0));
    int err = errno;
    LAB_ASSERT(rc == 0, "udp_echo_serve(fd, 0)", "0", lab_result_text(rc, err),
               LAB_TR("max_datagrams 0: receive nothing and return 0",
                      "max_datagrams 为 0：什么都不接收，返回 0"));
    LAB_ASSERT(lab_wait_readable(fd, 0), "udp_echo_serve(fd, 0)",
               LAB_TR("the waiting datagram still there", "等待中的数据报还在"),
               LAB_TR("it was consumed", "它被取走了"),
               LAB_TR("check the count before recvfrom(), not after",
                      "在 recvfrom() 之前检查计数，而不是之后"));

    rc = LAB_CALL("udp_echo_serve(fd, -1)",
                  LAB_TR("nothing: a negative count is an error", "无：负数是错误"),
                  udp_echo_serve(fd, -1));
    err = errno;
    LAB_ASSERT_FAILS_WITH("udp_echo_serve(fd, -1)", rc, err, EINVAL,
                          LAB_TR("a negative max_datagrams is invalid (see udp.h)",
                                 "负的 max_datagrams 无效（见 udp.h）"));

    int closed = lab_udp_socket(NULL);
    close(closed);
    rc = LAB_CALL("udp_echo_serve(<closed descriptor>, 1)",
                  LAB_TR("nothing: recvfrom() fails at once", "无：recvfrom() 会立即失败"),
                  udp_echo_serve(closed, 1));
    err = errno;
    LAB_ASSERT_FAILS_WITH("udp_echo_serve(<closed descriptor>, 1)", rc, err, EBADF,
                          LAB_TR("when recvfrom() fails (other than EINTR), return -1 with its "
                                 "errno",
                                 "recvfrom() 失败（EINTR 以外）时返回 -1，并保留它的 errno"));
    close(client);
    close(fd);
}

/* ---- udp_connect -------------------------------------------------------------------------- */

LAB_TEST(test_udp_connect_talks_to_peer, 2)
{
    uint16_t port;
    int peer = telling_udp_socket(&port);
    int before = lab_count_fds();
    const char *call = lab_fmt("udp_connect(\"127.0.0.1\", %u)", port);
    int fd = LAB_CALL(
        call, LAB_TR("nothing: connect() on UDP does not wait", "无：UDP 上的 connect() 不等待"),
        udp_connect("127.0.0.1", port));
    int err = errno;
    LAB_ASSERT(fd >= 0, call, LAB_TR("a connected UDP socket", "一个已连接的 UDP socket"),
               lab_result_text(fd, err),
               LAB_TR("inet_pton(), socket(AF_INET, SOCK_DGRAM, 0), connect()",
                      "inet_pton()、socket(AF_INET, SOCK_DGRAM, 0)、connect()"));
    LAB_ASSERT(socket_type(fd) == SOCK_DGRAM, call, "SOCK_DGRAM",
               lab_fmt(LAB_TR("socket type %d", "socket 类型 %d"), socket_type(fd)),
               LAB_TR("UDP is SOCK_DGRAM", "UDP 是 SOCK_DGRAM"));
    const char *got_peer = peer_text(fd);
    LAB_ASSERT(
        strcmp(got_peer, endpoint4(port)) == 0, call,
        lab_fmt(LAB_TR("connected to %s", "连接到 %s"), endpoint4(port)),
        lab_fmt(LAB_TR("connected to %s", "连接到 %s"), got_peer),
        strcmp(got_peer, endpoint4(swapped(port))) == 0
            ? LAB_TR("the port is byte-swapped: sin_port = htons(port)",
                     "端口的两个字节反了：sin_port = htons(port)")
            : LAB_TR("connect() to the address and port given", "connect() 到给定的地址和端口"));
    /* No address needed: send() goes to the peer, which answers to fd's own port. */
    LAB_SETUP(send(fd, "via send", 8, 0) == 8, "send() on the connected UDP socket");
    uint16_t fd_port = lab_local_port(fd);
    expect_datagram(call, peer, "via send", 8, endpoint4(fd_port),
                    LAB_TR("send() on a connected UDP socket goes to the peer",
                           "已连接 UDP socket 上的 send() 发往对端"));
    send_datagram(peer, fd_port, "answer", 6);
    expect_datagram(call, fd, "answer", 6, endpoint4(port),
                    LAB_TR("the peer's datagrams arrive", "对端的数据报能收到"));
    close(fd);
    LAB_ASSERT_NO_FD_LEAK(call, before,
                          LAB_TR("udp_connect() opens exactly one descriptor: the one it returns",
                                 "udp_connect() 只打开一个描述符：它返回的那个"));
    close(peer);
}

LAB_TEST(test_udp_connect_filters_other_senders, 2)
{
    uint16_t port;
    int peer = telling_udp_socket(&port);
    int intruder = lab_udp_socket(NULL);
    const char *call = lab_fmt("udp_connect(\"127.0.0.1\", %u)", port);
    int fd = LAB_CALL(call, NULL, udp_connect("127.0.0.1", port));
    int err = errno;
    LAB_ASSERT(fd >= 0, call, LAB_TR("a connected UDP socket", "一个已连接的 UDP socket"),
               lab_result_text(fd, err),
               LAB_TR("socket(AF_INET, SOCK_DGRAM, 0), then connect()",
                      "socket(AF_INET, SOCK_DGRAM, 0)，然后 connect()"));
    uint16_t fd_port = lab_local_port(fd);
    LAB_ASSERT(fd_port != 0, call, LAB_TR("a socket with a local port", "一个有本地端口的 socket"),
               LAB_TR("no local port", "没有本地端口"),
               LAB_TR("connect() binds a free local port", "connect() 会绑定一个空闲的本地端口"));
    send_datagram(intruder, fd_port, "intruder", 8);
    send_datagram(peer, fd_port, "peer", 4);
    const char *hint = LAB_TR("a connected UDP socket gets only its peer's datagrams: connect() "
                              "it (do not just remember the address)",
                              "已连接的 UDP socket 只收到对端的数据报：要真正调用 connect()"
                              "（不要只是记下地址）");
    expect_datagram(call, fd, "peer", 4, endpoint4(port), hint);
    expect_nothing_more(call, fd, hint);
    close(fd);
    close(intruder);
    close(peer);
}

LAB_TEST(test_udp_connect_refused, 2)
{
    int holder;
    uint16_t port = closed_udp_port(&holder);
    const char *call = lab_fmt(LAB_TR("udp_connect(\"127.0.0.1\", %u) (nobody listens)",
                                      "udp_connect(\"127.0.0.1\", %u)（没有人监听）"),
                               port);
    int fd = LAB_CALL(call, NULL, udp_connect("127.0.0.1", port));
    int err = errno;
    LAB_ASSERT(fd >= 0, call, LAB_TR("a connected UDP socket", "一个已连接的 UDP socket"),
               lab_result_text(fd, err),
               LAB_TR("connect() on UDP sends nothing: it succeeds even when nobody listens",
                      "UDP 上的 connect() 什么都不发送：即使没人监听也会成功"));
    /* The test's own send(): the ICMP "port unreachable" comes back as the socket's error. */
    /* The test's own send() and recv(): the ICMP "port unreachable" comes back as the socket's
     * pending error, reported by the next call. */
    ssize_t n = -1;
    err = ETIMEDOUT;
    double deadline = lab_now() + WAIT_MS / 1000.0;
    while (lab_now() < deadline) {
        if (send(fd, "anyone?", 7, 0) < 0) {
            err = errno; /* ECONNREFUSED here: the error of an earlier send() */
            break;
        }
        if (lab_wait_readable(fd, 200)) {
            char buf[16];
            n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
            err = n < 0 ? errno : 0;
            break;
        }
    }
    LAB_ASSERT(
        n < 0 && err == ECONNREFUSED, lab_fmt("send(), then recv() on %s", call),
        "-1, errno ECONNREFUSED",
        err == ETIMEDOUT ? LAB_TR("no error within the time limit", "限时内没有错误")
                         : lab_result_text(n, err),
        LAB_TR("connect() the socket: only a connected UDP socket hears of the ICMP "
               "\"port unreachable\", as ECONNREFUSED on its next send() or recv()",
               "要 connect() 这个 socket：只有已连接的 UDP socket 才会知道 ICMP“端口不可达”，"
               "表现为下一次 send() 或 recv() 的 ECONNREFUSED"));
    close(fd);
    close(holder);
}

LAB_TEST(test_udp_connect_errors, 1)
{
    int before = lab_count_fds();
    for (size_t i = 0; i < NOT_DOTTED_QUAD_COUNT; i++) {
        const char *call = lab_fmt("udp_connect(%s, 9)", lab_escape_str(NOT_DOTTED_QUADS[i]));
        int fd = LAB_CALL(call, NULL, udp_connect(NOT_DOTTED_QUADS[i], 9));
        int err = errno;
        LAB_ASSERT_FAILS_WITH(call, fd, err, EINVAL,
                              LAB_TR("inet_pton() returns 0 for text that is not a dotted quad: "
                                     "fail with EINVAL",
                                     "文本不是点分十进制时 inet_pton() 返回 0：以 EINVAL 失败"));
        LAB_ASSERT_NO_FD_LEAK(call, before,
                              LAB_TR("check the address before socket(), or close it",
                                     "在 socket() 之前检查地址，或者失败时关闭它"));
    }
    lab_exhaust_descriptors();
    int fd = LAB_CALL("udp_connect(\"127.0.0.1\", 9) with no descriptor left", NULL,
                      udp_connect("127.0.0.1", 9));
    int err = errno;
    lab_release_descriptors();
    LAB_ASSERT_FAILS_WITH("udp_connect() with no descriptor left", fd, err, EMFILE,
                          LAB_TR("when socket() fails, return -1 with its errno",
                                 "socket() 失败时返回 -1，并保留它的 errno"));
}

void lab_register_tests(void)
{
    LAB_ADD(test_udp_bind_receives_on_port);
    LAB_ADD(test_udp_bind_errors);
    LAB_ADD(test_udp_bind_port_in_use_leaks_nothing);
    LAB_ADD(test_udp_bind_keeps_errno_over_close);
    LAB_ADD(test_udp_send_to_delivers_one_datagram);
    LAB_ADD(test_udp_send_to_limits_and_errors);
    LAB_ADD(test_udp_send_to_retries_eintr);
    LAB_ADD(test_udp_receive_from_keeps_boundaries);
    LAB_ADD(test_udp_receive_from_names_sender);
    LAB_ADD(test_udp_receive_from_detects_truncation);
    LAB_ADD(test_udp_receive_from_exact_fit);
    LAB_ADD(test_udp_receive_from_zero_length_datagram);
    LAB_ADD(test_udp_receive_from_sender_too_long);
    LAB_ADD(test_udp_receive_from_retries_eintr);
    LAB_ADD(test_udp_receive_from_ipv6_sender);
    LAB_ADD(test_udp_receive_from_errors);
    LAB_ADD_TIMEOUT(test_udp_echo_serve_answers_each_sender, 6.0);
    LAB_ADD_TIMEOUT(test_udp_echo_serve_largest_datagram, 4.0);
    LAB_ADD_TIMEOUT(test_udp_echo_serve_zero_length_is_not_eof, 6.0);
    LAB_ADD_TIMEOUT(test_udp_echo_serve_retries_eintr, 4.0);
    LAB_ADD(test_udp_echo_serve_limits_and_errors);
    LAB_ADD(test_udp_connect_talks_to_peer);
    LAB_ADD(test_udp_connect_filters_other_senders);
    LAB_ADD(test_udp_connect_refused);
    LAB_ADD(test_udp_connect_errors);
}
