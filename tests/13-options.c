/* 13-options.c — tests of lesson 13: int options, buffer sizes, TCP_NODELAY, keepalive, timeouts,
 * linger. */
#define _GNU_SOURCE
#include "options.h"
#include "lab.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

/* A bound on events that take microseconds on loopback: generous for a loaded machine. */
#define WAIT_MS 2000
/* The kernel rounds a timeout up to its clock tick (HZ 100..1000: 1 to 10 ms) and back. */
#define TICK_SLACK_US 20000
/* A timeout of TIMEOUT_MS must end a blocking call between these bounds (seconds). */
#define TIMEOUT_MS 200
#define TIMEOUT_EARLIEST_S 0.15
#define TIMEOUT_LATEST_S 1.5
/* Sentinels: values that no call below should produce, to see whether an output was written. */
#define UNTOUCHED (-7777)
/* An option number that no level has. */
#define NO_SUCH_OPTION 9999
/* Far above any net.core.rmem_max/wmem_max: the kernel must clamp it. */
#define HUGE_BUFFER (1 << 30)
/* Bytes per send() while filling a connection in the send-timeout test, and a bound on sends. */
#define FILL_CHUNK 65536
#define FILL_MAX_SENDS 4096

/* ---- the test's own view of the options (never through the student's code) ---------------- */

static int tcp_socket(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    LAB_SETUP(fd >= 0, "socket(AF_INET, SOCK_STREAM)");
    return fd;
}

static int udp_socket(void)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    LAB_SETUP(fd >= 0, "socket(AF_INET, SOCK_DGRAM)");
    return fd;
}

/* A descriptor number that is not open (nothing else opens one during a test). */
static int closed_descriptor(void)
{
    int fd = tcp_socket();
    close(fd);
    return fd;
}

static int own_int(int fd, int level, int name)
{
    int value = UNTOUCHED;
    socklen_t len = sizeof value;
    LAB_SETUP(getsockopt(fd, level, name, &value, &len) == 0 && len == sizeof value,
              "the test's own getsockopt() of an int option");
    return value;
}

static void own_set_int(int fd, int level, int name, int value)
{
    LAB_SETUP(setsockopt(fd, level, name, &value, sizeof value) == 0,
              "the test's own setsockopt() of an int option");
}

static struct timeval own_timeval(int fd, int name)
{
    struct timeval tv = {-1, -1};
    socklen_t len = sizeof tv;
    LAB_SETUP(getsockopt(fd, SOL_SOCKET, name, &tv, &len) == 0 && len == sizeof tv,
              "the test's own getsockopt(SO_RCVTIMEO/SO_SNDTIMEO)");
    return tv;
}

static struct linger own_linger(int fd)
{
    struct linger lg = {-1, -1};
    socklen_t len = sizeof lg;
    LAB_SETUP(getsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, &len) == 0 && len == sizeof lg,
              "the test's own getsockopt(SO_LINGER)");
    return lg;
}

static void own_set_linger(int fd, int on, int seconds)
{
    struct linger lg = {.l_onoff = on, .l_linger = seconds};
    LAB_SETUP(setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg) == 0,
              "the test's own setsockopt(SO_LINGER)");
}

/*
 * What this kernel keeps for a buffer request: set the same request on a
 * scratch socket of the same kind and read it back. This is exact on any
 * Linux, whatever its rmem_max/wmem_max and minimums.
 */
static int kernel_buffer_for(int type, int name, int request)
{
    int scratch = socket(AF_INET, type, 0);
    LAB_SETUP(scratch >= 0, "socket() for a scratch socket");
    own_set_int(scratch, SOL_SOCKET, name, request);
    int kept = own_int(scratch, SOL_SOCKET, name);
    close(scratch);
    return kept;
}

static const char *timeval_text(struct timeval tv)
{
    return lab_fmt("{%ld, %ld}", (long)tv.tv_sec, (long)tv.tv_usec);
}

static long long timeval_us(struct timeval tv)
{
    return (long long)tv.tv_sec * 1000000 + tv.tv_usec;
}

/* ---- get_int_option ------------------------------------------------------------------------ */

static void expect_get_int(int fd, int level, int name, const char *call, int want,
                           const char *hint)
{
    int value = UNTOUCHED;
    int rc = LAB_CALL(call, NULL, get_int_option(fd, level, name, &value));
    int err = errno;
    LAB_ASSERT(rc == 0 && value == want, call, lab_fmt("0, v = %d", want),
               lab_fmt("%s, v = %d", lab_result_text(rc, err), value), hint);
}

LAB_TEST(test_get_int_option_reads_values, 2)
{
    int tcp = tcp_socket(), udp = udp_socket();
    const char *hint = LAB_TR("getsockopt(fd, level, name, &v, &len) with len = sizeof(int); "
                              "store v in *value and return 0",
                              "getsockopt(fd, level, name, &v, &len)，len = sizeof(int)；"
                              "把 v 存入 *value，返回 0");
    expect_get_int(tcp, SOL_SOCKET, SO_TYPE,
                   "get_int_option(<TCP socket>, SOL_SOCKET, SO_TYPE, &v)", SOCK_STREAM, hint);
    expect_get_int(udp, SOL_SOCKET, SO_TYPE,
                   "get_int_option(<UDP socket>, SOL_SOCKET, SO_TYPE, &v)", SOCK_DGRAM, hint);
    own_set_int(tcp, SOL_SOCKET, SO_REUSEADDR, 1);
    expect_get_int(tcp, SOL_SOCKET, SO_REUSEADDR,
                   "get_int_option(fd, SOL_SOCKET, SO_REUSEADDR, &v) after the test set it to 1", 1,
                   hint);
    own_set_int(tcp, IPPROTO_TCP, TCP_KEEPIDLE, 321);
    expect_get_int(tcp, IPPROTO_TCP, TCP_KEEPIDLE,
                   "get_int_option(fd, IPPROTO_TCP, TCP_KEEPIDLE, &v) after the test set it to 321",
                   321,
                   LAB_TR("pass level and name through unchanged", "level 和 name 原样传下去"));
    close(tcp);
    close(udp);
}

LAB_TEST(test_get_int_option_checks_length, 1)
{
    int fd = tcp_socket();
    expect_get_int(fd, SOL_SOCKET, SO_TYPE, "get_int_option(<TCP socket>, SOL_SOCKET, SO_TYPE, &v)",
                   SOCK_STREAM,
                   LAB_TR("read the option with getsockopt()", "用 getsockopt() 读选项"));
    /* TCP_ULP's value is a name; with none attached Linux answers with 0 bytes. */
    int probe = 0;
    socklen_t probe_len = sizeof probe;
    if (getsockopt(fd, IPPROTO_TCP, TCP_ULP, &probe, &probe_len) == 0 &&
        probe_len != sizeof probe) {
        const char *call = "get_int_option(fd, IPPROTO_TCP, TCP_ULP, &v)";
        int value = UNTOUCHED;
        int rc = LAB_CALL(call, NULL, get_int_option(fd, IPPROTO_TCP, TCP_ULP, &value));
        int err = errno;
        LAB_ASSERT(
            rc == -1 && err == EINVAL && value == UNTOUCHED, call,
            lab_fmt(LAB_TR("-1, errno EINVAL, v untouched (%d)", "-1，errno EINVAL，v 不变（%d）"),
                    UNTOUCHED),
            lab_fmt("%s, v %d", lab_result_text(rc, err), value),
            lab_fmt(LAB_TR("the kernel answered with %u bytes, not an int: compare the "
                           "length getsockopt() gives back with sizeof(int), and fail with "
                           "EINVAL without writing *value",
                           "内核只回了 %u 个字节，不是一个 int：把 getsockopt() 写回的长度和 "
                           "sizeof(int) 比较，不相等就以 EINVAL 失败，且不写 *value"),
                    (unsigned)probe_len));
    }
    close(fd);
}

LAB_TEST(test_get_int_option_errors, 1)
{
    int fds[2];
    LAB_SETUP(pipe(fds) == 0, "pipe()");
    int fd = tcp_socket(), closed = closed_descriptor();
    struct {
        int fd, level, name, want;
        const char *call;
    } cases[] = {
        {closed, SOL_SOCKET, SO_TYPE, EBADF,
         "get_int_option(<closed descriptor>, SOL_SOCKET, SO_TYPE, &v)"},
        {fds[0], SOL_SOCKET, SO_TYPE, ENOTSOCK, "get_int_option(<pipe>, SOL_SOCKET, SO_TYPE, &v)"},
        {fd, SOL_SOCKET, NO_SUCH_OPTION, ENOPROTOOPT, "get_int_option(fd, SOL_SOCKET, 9999, &v)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int value = UNTOUCHED;
        int rc = LAB_CALL(cases[i].call, NULL,
                          get_int_option(cases[i].fd, cases[i].level, cases[i].name, &value));
        int err = errno;
        LAB_ASSERT_FAILS_WITH(cases[i].call, rc, err, cases[i].want,
                              LAB_TR("return -1 and leave getsockopt()'s errno as it is",
                                     "返回 -1，保留 getsockopt() 设置的 errno"));
        LAB_ASSERT(value == UNTOUCHED, cases[i].call, lab_fmt("v = %d", UNTOUCHED),
                   lab_fmt("v = %d", value),
                   LAB_TR("write *value only on success", "只在成功时写 *value"));
    }
    close(fd);
    close(fds[0]);
    close(fds[1]);
}

/* ---- set_int_option ------------------------------------------------------------------------ */

static void expect_set_int(int fd, int level, int name, int value, const char *call, int want)
{
    int rc = LAB_CALL(call, NULL, set_int_option(fd, level, name, value));
    int err = errno;
    int got = own_int(fd, level, name);
    LAB_ASSERT(
        rc == 0 && got == want, call,
        lab_fmt(LAB_TR("0, and getsockopt() reads %d", "0，且 getsockopt() 读回 %d"), want),
        lab_fmt(LAB_TR("%s, getsockopt() reads %d", "%s，getsockopt() 读回 %d"),
                lab_result_text(rc, err), got),
        LAB_TR("setsockopt(fd, level, name, &value, sizeof value): the address of an int "
               "and its size",
               "setsockopt(fd, level, name, &value, sizeof value)：传 int 的地址和它的大小"));
}

LAB_TEST(test_set_int_option_sets_and_reads_back, 2)
{
    int fd = tcp_socket();
    expect_set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1,
                   "set_int_option(fd, SOL_SOCKET, SO_REUSEADDR, 1)", 1);
    expect_set_int(fd, SOL_SOCKET, SO_REUSEADDR, 0,
                   "set_int_option(fd, SOL_SOCKET, SO_REUSEADDR, 0)", 0);
    expect_set_int(fd, SOL_SOCKET, SO_KEEPALIVE, 1,
                   "set_int_option(fd, SOL_SOCKET, SO_KEEPALIVE, 1)", 1);
    expect_set_int(fd, IPPROTO_TCP, TCP_KEEPINTVL, 17,
                   "set_int_option(fd, IPPROTO_TCP, TCP_KEEPINTVL, 17)", 17);
    close(fd);
}

LAB_TEST(test_set_int_option_errors, 1)
{
    int fds[2];
    LAB_SETUP(pipe(fds) == 0, "pipe()");
    int tcp = tcp_socket(), udp = udp_socket(), closed = closed_descriptor();
    struct {
        int fd, level, name, value, want;
        const char *call;
    } cases[] = {
        {closed, SOL_SOCKET, SO_KEEPALIVE, 1, EBADF,
         "set_int_option(<closed descriptor>, SOL_SOCKET, SO_KEEPALIVE, 1)"},
        {fds[0], SOL_SOCKET, SO_KEEPALIVE, 1, ENOTSOCK,
         "set_int_option(<pipe>, SOL_SOCKET, SO_KEEPALIVE, 1)"},
        {tcp, SOL_SOCKET, NO_SUCH_OPTION, 1, ENOPROTOOPT,
         "set_int_option(fd, SOL_SOCKET, 9999, 1)"},
        {tcp, IPPROTO_TCP, TCP_KEEPCNT, 1000, EINVAL,
         "set_int_option(fd, IPPROTO_TCP, TCP_KEEPCNT, 1000) (Linux allows 1..127)"},
        {udp, IPPROTO_TCP, TCP_KEEPIDLE, 60, ENOPROTOOPT,
         "set_int_option(<UDP socket>, IPPROTO_TCP, TCP_KEEPIDLE, 60)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int rc =
            LAB_CALL(cases[i].call, NULL,
                     set_int_option(cases[i].fd, cases[i].level, cases[i].name, cases[i].value));
        int err = errno;
        LAB_ASSERT_FAILS_WITH(cases[i].call, rc, err, cases[i].want,
                              LAB_TR("return what setsockopt() returns; its errno says why",
                                     "返回 setsockopt() 的结果；它的 errno 说明原因"));
    }
    close(tcp);
    close(udp);
    close(fds[0]);
    close(fds[1]);
}

/* ---- set_buffer_sizes ---------------------------------------------------------------------- */

static const char *buffers_hint(void)
{
    return LAB_TR("set SO_RCVBUF and SO_SNDBUF, then read both back with getsockopt() and report "
                  "what it says: Linux doubles a request (and clamps it), so 4096 reads back as "
                  "8192 or so, never as 4096",
                  "设置 SO_RCVBUF 和 SO_SNDBUF，然后用 getsockopt() 把两者读回并报告读到的值："
                  "Linux 会把请求值翻倍（并加以限制），所以 4096 读回来一般是 8192，而不是 4096");
}

/*
 * Calls set_buffer_sizes(fd, rcv, snd, ...) and checks that it reports
 * want_rcv/want_snd and that the socket really has them.
 */
static void expect_buffers(int fd, int rcv, int snd, int want_rcv, int want_snd, const char *hint)
{
    const char *call = lab_fmt("set_buffer_sizes(fd, %d, %d, &rcv, &snd)", rcv, snd);
    int rcv_actual = UNTOUCHED, snd_actual = UNTOUCHED;
    int rc = LAB_CALL(call, NULL, set_buffer_sizes(fd, rcv, snd, &rcv_actual, &snd_actual));
    int err = errno;
    int own_rcv = own_int(fd, SOL_SOCKET, SO_RCVBUF);
    int own_snd = own_int(fd, SOL_SOCKET, SO_SNDBUF);
    LAB_ASSERT(rc == 0 && own_rcv == want_rcv && own_snd == want_snd, call,
               lab_fmt(LAB_TR("0; getsockopt() reads SO_RCVBUF %d, SO_SNDBUF %d",
                              "0；getsockopt() 读回 SO_RCVBUF %d、SO_SNDBUF %d"),
                       want_rcv, want_snd),
               lab_fmt(LAB_TR("%s; getsockopt() reads SO_RCVBUF %d, SO_SNDBUF %d",
                              "%s；getsockopt() 读回 SO_RCVBUF %d、SO_SNDBUF %d"),
                       lab_result_text(rc, err), own_rcv, own_snd),
               hint);
    LAB_ASSERT(rcv_actual == own_rcv && snd_actual == own_snd, call,
               lab_fmt(LAB_TR("rcv = %d, snd = %d (what getsockopt() reads)",
                              "rcv = %d，snd = %d（getsockopt() 读回的值）"),
                       own_rcv, own_snd),
               lab_fmt("rcv = %d, snd = %d", rcv_actual, snd_actual), buffers_hint());
}

LAB_TEST(test_set_buffer_sizes_reports_kernel_value, 3)
{
    int fd = tcp_socket();
    int want_rcv = kernel_buffer_for(SOCK_STREAM, SO_RCVBUF, 4096);
    int want_snd = kernel_buffer_for(SOCK_STREAM, SO_SNDBUF, 4096);
    expect_buffers(fd, 4096, 4096, want_rcv, want_snd, buffers_hint());
    close(fd);
    fd = udp_socket();
    want_rcv = kernel_buffer_for(SOCK_DGRAM, SO_RCVBUF, 16384);
    want_snd = kernel_buffer_for(SOCK_DGRAM, SO_SNDBUF, 16384);
    expect_buffers(fd, 16384, 16384, want_rcv, want_snd, buffers_hint());
    close(fd);
}

LAB_TEST(test_set_buffer_sizes_rcv_and_snd_independent, 2)
{
    const char *hint = LAB_TR("rcvbuf goes to SO_RCVBUF, sndbuf to SO_SNDBUF; read each back "
                              "into its own output",
                              "rcvbuf 设给 SO_RCVBUF，sndbuf 设给 SO_SNDBUF；分别读回到各自的输出");
    int fd = tcp_socket();
    expect_buffers(fd, 4096, 65536, kernel_buffer_for(SOCK_STREAM, SO_RCVBUF, 4096),
                   kernel_buffer_for(SOCK_STREAM, SO_SNDBUF, 65536), hint);
    expect_buffers(fd, 65536, 8192, kernel_buffer_for(SOCK_STREAM, SO_RCVBUF, 65536),
                   kernel_buffer_for(SOCK_STREAM, SO_SNDBUF, 8192), hint);
    close(fd);
}

LAB_TEST(test_set_buffer_sizes_nonpositive_leaves_unchanged, 2)
{
    const char *hint = LAB_TR("a request <= 0 means: do not call setsockopt() for that buffer "
                              "(setting 0 would shrink it to the minimum); still read it back",
                              "请求值 <= 0 表示：不要为这个缓冲区调用 setsockopt()（设成 0 会把它"
                              "缩到最小）；但仍然要读回");
    int fd = tcp_socket();
    int rcv = own_int(fd, SOL_SOCKET, SO_RCVBUF), snd = own_int(fd, SOL_SOCKET, SO_SNDBUF);
    expect_buffers(fd, 0, 0, rcv, snd, hint);
    expect_buffers(fd, -1, 4096, rcv, kernel_buffer_for(SOCK_STREAM, SO_SNDBUF, 4096), hint);
    close(fd);
    fd = tcp_socket();
    snd = own_int(fd, SOL_SOCKET, SO_SNDBUF);
    expect_buffers(fd, 4096, 0, kernel_buffer_for(SOCK_STREAM, SO_RCVBUF, 4096), snd, hint);
    /* Outputs may be NULL: nothing to report, the sizes are still set. */
    const char *call = "set_buffer_sizes(fd, 8192, 8192, NULL, NULL)";
    int rc = LAB_CALL(call, NULL, set_buffer_sizes(fd, 8192, 8192, NULL, NULL));
    int err = errno;
    int want = kernel_buffer_for(SOCK_STREAM, SO_SNDBUF, 8192);
    int got = own_int(fd, SOL_SOCKET, SO_SNDBUF);
    LAB_ASSERT(
        rc == 0 && got == want, call, lab_fmt(LAB_TR("0, SO_SNDBUF %d", "0，SO_SNDBUF %d"), want),
        lab_fmt(LAB_TR("%s, SO_SNDBUF %d", "%s，SO_SNDBUF %d"), lab_result_text(rc, err), got),
        LAB_TR("rcv_actual and snd_actual may be NULL: write them only when they are not",
               "rcv_actual 和 snd_actual 可以是 NULL：不是 NULL 时才写"));
    close(fd);
}

LAB_TEST(test_set_buffer_sizes_clamped_to_maximum, 1)
{
    int fd = tcp_socket();
    int want_rcv = kernel_buffer_for(SOCK_STREAM, SO_RCVBUF, HUGE_BUFFER);
    int want_snd = kernel_buffer_for(SOCK_STREAM, SO_SNDBUF, HUGE_BUFFER);
    LAB_SETUP(want_rcv < HUGE_BUFFER && want_snd < HUGE_BUFFER,
              "net.core.rmem_max/wmem_max below 1 GiB");
    expect_buffers(fd, HUGE_BUFFER, HUGE_BUFFER, want_rcv, want_snd,
                   LAB_TR("the kernel clamps a request to net.core.rmem_max / wmem_max (then "
                          "doubles it): report what getsockopt() reads, not the request",
                          "内核会把请求值限制在 net.core.rmem_max / wmem_max 以内（再翻倍）："
                          "报告 getsockopt() 读到的值，而不是请求值"));
    close(fd);
}

/* ---- set_nodelay ---------------------------------------------------------------------------- */

LAB_TEST(test_set_nodelay_on_and_off, 2)
{
    int client, server;
    lab_tcp_pair(&client, &server);
    static const struct {
        int on, want;
        const char *call;
    } steps[] = {
        {1, 1, "set_nodelay(fd, 1)"},
        {0, 0, "set_nodelay(fd, 0)"},
        {5, 1, "set_nodelay(fd, 5)"},
    };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        int rc = LAB_CALL(steps[i].call, NULL, set_nodelay(client, steps[i].on));
        int err = errno;
        int got = own_int(client, IPPROTO_TCP, TCP_NODELAY);
        LAB_ASSERT(rc == 0 && got == steps[i].want, steps[i].call,
                   lab_fmt(LAB_TR("0, getsockopt(IPPROTO_TCP, TCP_NODELAY) reads %d",
                                  "0，getsockopt(IPPROTO_TCP, TCP_NODELAY) 读回 %d"),
                           steps[i].want),
                   lab_fmt(LAB_TR("%s, it reads %d", "%s，读回 %d"), lab_result_text(rc, err), got),
                   LAB_TR("TCP_NODELAY is a TCP option: level IPPROTO_TCP, not SOL_SOCKET (there "
                          "the number 1 is SO_DEBUG)",
                          "TCP_NODELAY 是 TCP 的选项：level 用 IPPROTO_TCP，不是 SOL_SOCKET"
                          "（在 SOL_SOCKET 层编号 1 是 SO_DEBUG）"));
    }
    close(client);
    close(server);
}

LAB_TEST(test_set_nodelay_udp_fails, 1)
{
    int fd = udp_socket();
    const char *call = "set_nodelay(<UDP socket>, 1)";
    int rc = LAB_CALL(call, NULL, set_nodelay(fd, 1));
    int err = errno;
    LAB_ASSERT(
        rc == -1 && (err == ENOPROTOOPT || err == EOPNOTSUPP), call,
        LAB_TR("-1, errno ENOPROTOOPT (or EOPNOTSUPP)", "-1，errno ENOPROTOOPT（或 EOPNOTSUPP）"),
        lab_result_text(rc, err),
        LAB_TR("UDP has no TCP_NODELAY: setsockopt(fd, IPPROTO_TCP, TCP_NODELAY) fails; "
               "return its -1 and errno",
               "UDP 没有 TCP_NODELAY：setsockopt(fd, IPPROTO_TCP, TCP_NODELAY) 会失败；"
               "返回它的 -1 和 errno"));
    close(fd);
}

/* ---- set_keepalive --------------------------------------------------------------------------- */

static void expect_keepalive(int fd, const char *call, int idle, int interval, int count)
{
    int rc = LAB_CALL(call, NULL, set_keepalive(fd, idle, interval, count));
    int err = errno;
    int on = own_int(fd, SOL_SOCKET, SO_KEEPALIVE);
    int got_idle = own_int(fd, IPPROTO_TCP, TCP_KEEPIDLE);
    int got_interval = own_int(fd, IPPROTO_TCP, TCP_KEEPINTVL);
    int got_count = own_int(fd, IPPROTO_TCP, TCP_KEEPCNT);
    LAB_ASSERT(rc == 0 && got_idle == idle && got_interval == interval && got_count == count, call,
               lab_fmt(LAB_TR("0; TCP_KEEPIDLE %d, TCP_KEEPINTVL %d, TCP_KEEPCNT %d",
                              "0；TCP_KEEPIDLE %d，TCP_KEEPINTVL %d，TCP_KEEPCNT %d"),
                       idle, interval, count),
               lab_fmt(LAB_TR("%s; TCP_KEEPIDLE %d, TCP_KEEPINTVL %d, TCP_KEEPCNT %d",
                              "%s；TCP_KEEPIDLE %d，TCP_KEEPINTVL %d，TCP_KEEPCNT %d"),
                       lab_result_text(rc, err), got_idle, got_interval, got_count),
               LAB_TR("set TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT at level IPPROTO_TCP, each "
                      "from its own parameter",
                      "在 IPPROTO_TCP 层分别用各自的参数设置 TCP_KEEPIDLE、TCP_KEEPINTVL、"
                      "TCP_KEEPCNT"));
    LAB_ASSERT(on == 1, call, LAB_TR("SO_KEEPALIVE reads 1", "SO_KEEPALIVE 读回 1"),
               lab_fmt(LAB_TR("SO_KEEPALIVE reads %d", "SO_KEEPALIVE 读回 %d"), on),
               LAB_TR("the timings alone do nothing: setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, 1) "
                      "is what turns the probes on",
                      "只设时间参数不起作用：setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, 1) 才会"
                      "打开探测"));
}

LAB_TEST(test_set_keepalive_values, 3)
{
    int client, server;
    lab_tcp_pair(&client, &server);
    expect_keepalive(client, "set_keepalive(fd, 60, 10, 5)", 60, 10, 5);
    expect_keepalive(client, "set_keepalive(fd, 120, 3, 9)", 120, 3, 9);
    close(client);
    close(server);
}

LAB_TEST(test_set_keepalive_off, 1)
{
    int fd = tcp_socket();
    own_set_int(fd, SOL_SOCKET, SO_KEEPALIVE, 1);
    static const struct {
        int idle, interval, count;
        const char *call;
    } offs[] = {
        {0, 10, 5, "set_keepalive(<keepalive on>, 0, 10, 5)"},
        {-1, 0, 0, "set_keepalive(<keepalive on>, -1, 0, 0)"},
    };
    for (size_t i = 0; i < sizeof offs / sizeof offs[0]; i++) {
        own_set_int(fd, SOL_SOCKET, SO_KEEPALIVE, 1);
        int rc = LAB_CALL(offs[i].call, NULL,
                          set_keepalive(fd, offs[i].idle, offs[i].interval, offs[i].count));
        int err = errno;
        int on = own_int(fd, SOL_SOCKET, SO_KEEPALIVE);
        LAB_ASSERT(rc == 0 && on == 0, offs[i].call,
                   LAB_TR("0, SO_KEEPALIVE reads 0", "0，SO_KEEPALIVE 读回 0"),
                   lab_fmt(LAB_TR("%s, SO_KEEPALIVE reads %d", "%s，SO_KEEPALIVE 读回 %d"),
                           lab_result_text(rc, err), on),
                   LAB_TR("idle_s <= 0 turns keepalive off: only setsockopt(SO_KEEPALIVE, 0); the "
                          "other parameters are ignored (the kernel would refuse 0)",
                          "idle_s <= 0 表示关闭 keepalive：只调用 setsockopt(SO_KEEPALIVE, 0)；"
                          "其他参数忽略（内核会拒绝 0）"));
    }
    close(fd);
}

LAB_TEST(test_set_keepalive_refused_timing_leaves_it_off, 1)
{
    int tcp = tcp_socket(), udp = udp_socket();
    const char *hint = LAB_TR("set the three timings first and SO_KEEPALIVE last, stopping at the "
                              "first failure: then a refused timing does not leave keepalive "
                              "running with the two-hour default",
                              "先设三个时间参数，最后才设 SO_KEEPALIVE，遇到第一个失败就停下："
                              "这样某个参数被拒绝时，keepalive 不会带着两小时的默认值运行");
    struct {
        int fd, idle, interval, count, want;
        const char *call;
    } cases[] = {
        {tcp, 60, 10, 1000, EINVAL, "set_keepalive(fd, 60, 10, 1000) (Linux: count 1..127)"},
        {tcp, 60, 0, 5, EINVAL, "set_keepalive(fd, 60, 0, 5)"},
        {udp, 60, 10, 5, ENOPROTOOPT, "set_keepalive(<UDP socket>, 60, 10, 5)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int rc =
            LAB_CALL(cases[i].call, NULL,
                     set_keepalive(cases[i].fd, cases[i].idle, cases[i].interval, cases[i].count));
        int err = errno;
        LAB_ASSERT_FAILS_WITH(cases[i].call, rc, err, cases[i].want, hint);
        int on = own_int(cases[i].fd, SOL_SOCKET, SO_KEEPALIVE);
        LAB_ASSERT(on == 0, cases[i].call, LAB_TR("SO_KEEPALIVE still 0", "SO_KEEPALIVE 仍是 0"),
                   lab_fmt(LAB_TR("SO_KEEPALIVE reads %d", "SO_KEEPALIVE 读回 %d"), on), hint);
    }
    close(tcp);
    close(udp);
}

/* ---- set_timeouts -----------------------------------------------------------------------------
 */

static const char *timeval_hint(void)
{
    return LAB_TR("milliseconds to struct timeval: tv_sec = ms / 1000, tv_usec = (ms % 1000) * "
                  "1000 (tv_usec must stay below 1000000; the kernel refuses more with EDOM)",
                  "毫秒换成 struct timeval：tv_sec = ms / 1000，tv_usec = (ms % 1000) * 1000"
                  "（tv_usec 必须小于 1000000，否则内核以 EDOM 拒绝）");
}

/* Checks that option @p name reads back as want_us microseconds (up to one clock tick more). */
static void expect_timeout(int fd, int name, const char *name_text, const char *call, int rc,
                           int err, long long want_us)
{
    struct timeval got = own_timeval(fd, name);
    long long got_us = timeval_us(got);
    struct timeval want = {(time_t)(want_us / 1000000), (suseconds_t)(want_us % 1000000)};
    LAB_ASSERT(rc == 0 && got_us >= want_us && got_us < want_us + (want_us > 0 ? TICK_SLACK_US : 1),
               call,
               lab_fmt(LAB_TR("0; %s reads %s (up to one clock tick more)",
                              "0；%s 读回 %s（最多多一个时钟节拍）"),
                       name_text, timeval_text(want)),
               lab_fmt(LAB_TR("%s; %s reads %s", "%s；%s 读回 %s"), lab_result_text(rc, err),
                       name_text, timeval_text(got)),
               timeval_hint());
}

LAB_TEST(test_set_timeouts_stored_as_timeval, 3)
{
    int fd = tcp_socket();
    const char *call = "set_timeouts(fd, 1500, 250)";
    int rc = LAB_CALL(call, NULL, set_timeouts(fd, 1500, 250));
    int err = errno;
    expect_timeout(fd, SO_RCVTIMEO, "SO_RCVTIMEO", call, rc, err, 1500000);
    expect_timeout(fd, SO_SNDTIMEO, "SO_SNDTIMEO", call, rc, err, 250000);
    call = "set_timeouts(fd, 40, 2750)";
    rc = LAB_CALL(call, NULL, set_timeouts(fd, 40, 2750));
    err = errno;
    expect_timeout(fd, SO_RCVTIMEO, "SO_RCVTIMEO", call, rc, err, 40000);
    expect_timeout(fd, SO_SNDTIMEO, "SO_SNDTIMEO", call, rc, err, 2750000);
    close(fd);
}

LAB_TEST(test_set_timeouts_limits, 1)
{
    int fd = tcp_socket();
    static const int values_ms[] = {1, 999, 1000, 1001, 3600000, 86400000};
    for (size_t i = 0; i < sizeof values_ms / sizeof values_ms[0]; i++) {
        int ms = values_ms[i];
        const char *call = lab_fmt("set_timeouts(fd, %d, %d)", ms, ms);
        int rc = LAB_CALL(call, NULL, set_timeouts(fd, ms, ms));
        int err = errno;
        expect_timeout(fd, SO_RCVTIMEO, "SO_RCVTIMEO", call, rc, err, (long long)ms * 1000);
        expect_timeout(fd, SO_SNDTIMEO, "SO_SNDTIMEO", call, rc, err, (long long)ms * 1000);
    }
    close(fd);
}

LAB_TEST(test_set_timeouts_nonpositive_means_no_limit, 1)
{
    int fd = tcp_socket();
    static const struct {
        int recv_ms, send_ms;
        const char *call;
    } cases[] = {
        {0, 0, "set_timeouts(<timeouts 500 ms>, 0, 0)"},
        {-1, -250, "set_timeouts(<timeouts 500 ms>, -1, -250)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct timeval half = {0, 500000};
        LAB_SETUP(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &half, sizeof half) == 0 &&
                      setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &half, sizeof half) == 0,
                  "the test's own setsockopt(SO_RCVTIMEO/SO_SNDTIMEO, 500 ms)");
        int rc =
            LAB_CALL(cases[i].call, NULL, set_timeouts(fd, cases[i].recv_ms, cases[i].send_ms));
        int err = errno;
        struct timeval rcv = own_timeval(fd, SO_RCVTIMEO), snd = own_timeval(fd, SO_SNDTIMEO);
        LAB_ASSERT(rc == 0 && timeval_us(rcv) == 0 && timeval_us(snd) == 0, cases[i].call,
                   LAB_TR("0; SO_RCVTIMEO and SO_SNDTIMEO read {0, 0} (no limit)",
                          "0；SO_RCVTIMEO 和 SO_SNDTIMEO 读回 {0, 0}（不限时）"),
                   lab_fmt(LAB_TR("%s; SO_RCVTIMEO %s, SO_SNDTIMEO %s",
                                  "%s；SO_RCVTIMEO %s，SO_SNDTIMEO %s"),
                           lab_result_text(rc, err), timeval_text(rcv), timeval_text(snd)),
                   LAB_TR("a value <= 0 means no limit: pass {0, 0} (a negative value would give "
                          "a negative tv_usec, which the kernel refuses)",
                          "值 <= 0 表示不限时：传 {0, 0}（负数会算出负的 tv_usec，内核会拒绝）"));
    }
    close(fd);
}

/* Fails unless option @p name is set to at most TIMEOUT_LATEST_S: checked before blocking on it. */
static void expect_short_timeout(int fd, int name, const char *name_text, const char *call)
{
    struct timeval got = own_timeval(fd, name);
    long long us = timeval_us(got);
    LAB_ASSERT(us > 0 && us <= (long long)(TIMEOUT_LATEST_S * 1000000), call,
               lab_fmt(LAB_TR("%s about {0, %d}", "%s 约为 {0, %d}"), name_text, TIMEOUT_MS * 1000),
               lab_fmt(LAB_TR("%s reads %s", "%s 读回 %s"), name_text, timeval_text(got)),
               timeval_hint());
}

LAB_TEST(test_set_timeouts_recv_times_out, 3)
{
    int client, server;
    lab_tcp_pair(&client, &server);
    const char *call = lab_fmt("set_timeouts(fd, %d, 0)", TIMEOUT_MS);
    int rc = LAB_CALL(call, NULL, set_timeouts(server, TIMEOUT_MS, 0));
    int err = errno;
    LAB_ASSERT(rc == 0, call, "0", lab_result_text(rc, err), timeval_hint());
    expect_short_timeout(server, SO_RCVTIMEO, "SO_RCVTIMEO", call);
    /* The peer says nothing: a blocking recv() must give up after about 200 ms. */
    char byte;
    double start = lab_now();
    ssize_t n = recv(server, &byte, 1, 0);
    int recv_err = errno;
    double took = lab_now() - start;
    LAB_ASSERT(n == -1 && (recv_err == EAGAIN || recv_err == EWOULDBLOCK),
               lab_fmt(LAB_TR("recv() on a silent connection after %s",
                              "%s 之后在没有数据的连接上 recv()"),
                       call),
               "-1, errno EAGAIN", lab_result_text(n, recv_err),
               LAB_TR("SO_RCVTIMEO makes a blocking recv() fail with EAGAIN when the time is up",
                      "SO_RCVTIMEO 让阻塞的 recv() 在时间到时以 EAGAIN 失败"));
    LAB_ASSERT(took >= TIMEOUT_EARLIEST_S && took <= TIMEOUT_LATEST_S,
               lab_fmt(LAB_TR("recv() on a silent connection after %s",
                              "%s 之后在没有数据的连接上 recv()"),
                       call),
               lab_fmt(LAB_TR("EAGAIN after about %d ms (%.0f to %.0f ms)",
                              "约 %d 毫秒后 EAGAIN（%.0f 到 %.0f 毫秒）"),
                       TIMEOUT_MS, TIMEOUT_EARLIEST_S * 1000, TIMEOUT_LATEST_S * 1000),
               lab_fmt(LAB_TR("after %.0f ms", "用了 %.0f 毫秒"), took * 1000), timeval_hint());
    close(client);
    close(server);
}

/* Sends until a send() fails; returns its result, with the duration of that last call. */
static ssize_t send_until_failure(int fd, double *last_took, int *last_err)
{
    static char chunk[FILL_CHUNK];
    ssize_t n = 0;
    for (int i = 0; i < FILL_MAX_SENDS; i++) {
        double start = lab_now();
        n = send(fd, chunk, sizeof chunk, MSG_NOSIGNAL);
        *last_err = errno;
        *last_took = lab_now() - start;
        if (n < 0)
            break;
    }
    return n;
}

LAB_TEST(test_set_timeouts_send_times_out, 2)
{
    int client, server;
    lab_tcp_pair(&client, &server);
    /* Small buffers so that the connection fills after a few sends; the server never reads. */
    own_set_int(client, SOL_SOCKET, SO_SNDBUF, 4096);
    own_set_int(server, SOL_SOCKET, SO_RCVBUF, 4096);
    const char *call = lab_fmt("set_timeouts(fd, 0, %d)", TIMEOUT_MS);
    int rc = LAB_CALL(call, NULL, set_timeouts(client, 0, TIMEOUT_MS));
    int err = errno;
    LAB_ASSERT(rc == 0, call, "0", lab_result_text(rc, err), timeval_hint());
    expect_short_timeout(client, SO_SNDTIMEO, "SO_SNDTIMEO", call);
    double took = 0;
    int send_err = 0;
    ssize_t n = send_until_failure(client, &took, &send_err);
    const char *what = lab_fmt(LAB_TR("send() of 64 KiB blocks to a peer that never reads, "
                                      "after %s",
                                      "%s 之后，向从不读取的对端不断 send() 64 KiB 的块"),
                               call);
    LAB_ASSERT(n == -1 && (send_err == EAGAIN || send_err == EWOULDBLOCK), what,
               LAB_TR("at last -1, errno EAGAIN", "最终 -1，errno EAGAIN"),
               lab_result_text(n, send_err),
               LAB_TR("SO_SNDTIMEO makes a blocking send() give up when the buffer stays full",
                      "发送缓冲区一直满时，SO_SNDTIMEO 让阻塞的 send() 放弃"));
    LAB_ASSERT(took >= TIMEOUT_EARLIEST_S && took <= TIMEOUT_LATEST_S, what,
               lab_fmt(LAB_TR("EAGAIN after about %d ms", "约 %d 毫秒后 EAGAIN"), TIMEOUT_MS),
               lab_fmt(LAB_TR("after %.0f ms", "用了 %.0f 毫秒"), took * 1000), timeval_hint());
    close(client);
    close(server);
}

/* ---- set_linger and get_linger ------------------------------------------------------------------
 */

LAB_TEST(test_set_linger_reads_back, 2)
{
    int fd = tcp_socket();
    static const struct {
        int on, seconds, want_on, want_seconds;
        const char *call;
    } steps[] = {
        {1, 5, 1, 5, "set_linger(fd, 1, 5)"},
        {1, 0, 1, 0, "set_linger(fd, 1, 0)"},
        {3, 12, 1, 12, "set_linger(fd, 3, 12)"},
        {0, 9, 0, -1, "set_linger(fd, 0, 9)"},
    };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        int rc = LAB_CALL(steps[i].call, NULL, set_linger(fd, steps[i].on, steps[i].seconds));
        int err = errno;
        struct linger got = own_linger(fd);
        int seconds_ok = steps[i].want_seconds < 0 || got.l_linger == steps[i].want_seconds;
        LAB_ASSERT(rc == 0 && got.l_onoff == steps[i].want_on && seconds_ok, steps[i].call,
                   steps[i].want_seconds < 0
                       ? LAB_TR("0; SO_LINGER reads l_onoff 0", "0；SO_LINGER 读回 l_onoff 0")
                       : lab_fmt(LAB_TR("0; SO_LINGER reads {l_onoff %d, l_linger %d}",
                                        "0；SO_LINGER 读回 {l_onoff %d, l_linger %d}"),
                                 steps[i].want_on, steps[i].want_seconds),
                   lab_fmt(LAB_TR("%s; SO_LINGER reads {l_onoff %d, l_linger %d}",
                                  "%s；SO_LINGER 读回 {l_onoff %d, l_linger %d}"),
                           lab_result_text(rc, err), got.l_onoff, got.l_linger),
                   LAB_TR("struct linger lg = {.l_onoff = on ? 1 : 0, .l_linger = seconds}; "
                          "setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg)",
                          "struct linger lg = {.l_onoff = on ? 1 : 0, .l_linger = seconds}；"
                          "setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg)"));
    }
    close(fd);
}

LAB_TEST(test_set_linger_zero_resets_peer, 2)
{
    int client, server;
    lab_tcp_pair(&client, &server);
    int rc = LAB_CALL("set_linger(fd, 1, 0)", NULL, set_linger(client, 1, 0));
    int err = errno;
    LAB_ASSERT(rc == 0, "set_linger(fd, 1, 0)", "0", lab_result_text(rc, err),
               LAB_TR("setsockopt(SO_LINGER) with {1, 0}", "用 {1, 0} 调用 setsockopt(SO_LINGER)"));
    close(client);
    char byte;
    int ready = lab_wait_readable(server, WAIT_MS);
    errno = 0;
    ssize_t n = ready ? recv(server, &byte, 1, MSG_DONTWAIT) : -2;
    int recv_err = errno;
    LAB_ASSERT(n == -1 && recv_err == ECONNRESET,
               LAB_TR("set_linger(fd, 1, 0), close(fd), then the peer's recv()",
                      "set_linger(fd, 1, 0)、close(fd)，然后对端 recv()"),
               "-1, errno ECONNRESET",
               n == -2 ? LAB_TR("nothing within 2 s", "2 秒内什么都没有")
                       : lab_result_text(n, recv_err),
               LAB_TR("linger on with 0 seconds makes close() send RST: l_onoff = 1 and "
                      "l_linger = 0 (in that order in struct linger)",
                      "linger 打开且为 0 秒时，close() 发送 RST：l_onoff = 1，l_linger = 0"
                      "（struct linger 中就是这个顺序）"));
    close(server);
}

LAB_TEST(test_set_linger_negative_seconds_refused, 1)
{
    int fd = tcp_socket();
    const char *call = "set_linger(fd, 1, -1)";
    int rc = LAB_CALL(call, NULL, set_linger(fd, 1, -1));
    int err = errno;
    struct linger got = own_linger(fd);
    LAB_ASSERT(
        rc == -1 && err == EINVAL && got.l_onoff == 0, call,
        LAB_TR("-1, errno EINVAL; SO_LINGER still off", "-1，errno EINVAL；SO_LINGER 仍然关闭"),
        lab_fmt(LAB_TR("%s; SO_LINGER {l_onoff %d, l_linger %d}",
                       "%s；SO_LINGER {l_onoff %d, l_linger %d}"),
                lab_result_text(rc, err), got.l_onoff, got.l_linger),
        LAB_TR("check seconds >= 0 before calling setsockopt(): Linux takes a negative "
               "l_linger as \"wait for ever\"",
               "调用 setsockopt() 之前检查 seconds >= 0：Linux 会把负的 l_linger 当成"
               "“永远等下去”"));
    call = "set_linger(fd, 0, -1)";
    rc = LAB_CALL(call, NULL, set_linger(fd, 0, -1));
    err = errno;
    LAB_ASSERT(rc == 0, call, "0", lab_result_text(rc, err),
               LAB_TR("with on == 0 the seconds are ignored", "on == 0 时忽略 seconds"));
    close(fd);
}

static void expect_get_linger(int fd, const char *call, int want_on, int want_seconds)
{
    int on = UNTOUCHED, seconds = UNTOUCHED;
    int rc = LAB_CALL(call, NULL, get_linger(fd, &on, &seconds));
    int err = errno;
    LAB_ASSERT(
        rc == 0 && on == want_on && seconds == want_seconds, call,
        lab_fmt(LAB_TR("0, on %d, seconds %d", "0，on %d，seconds %d"), want_on, want_seconds),
        lab_fmt(LAB_TR("%s, on %d, seconds %d", "%s，on %d，seconds %d"), lab_result_text(rc, err),
                on, seconds),
        LAB_TR("getsockopt(fd, SOL_SOCKET, SO_LINGER) into a struct linger with len = "
               "sizeof(struct linger); on = l_onoff != 0, seconds = l_linger",
               "用 getsockopt(fd, SOL_SOCKET, SO_LINGER) 读进 struct linger，len = "
               "sizeof(struct linger)；on = l_onoff != 0，seconds = l_linger"));
}

LAB_TEST(test_get_linger_reports, 2)
{
    int fd = tcp_socket();
    expect_get_linger(fd, "get_linger(<new socket>, &on, &seconds)", 0, 0);
    own_set_linger(fd, 1, 7);
    expect_get_linger(fd, "get_linger(<SO_LINGER {1, 7}>, &on, &seconds)", 1, 7);
    own_set_linger(fd, 1, 0);
    expect_get_linger(fd, "get_linger(<SO_LINGER {1, 0}>, &on, &seconds)", 1, 0);
    close(fd);
}

/* ---- every function: bad descriptors, failed calls ------------------------------------------ */

/* One call of each function, with arguments that succeed on a TCP socket. */
struct option_call {
    const char *text;
    int (*run)(int fd);
};

static int run_get_int(int fd)
{
    int value;
    return get_int_option(fd, SOL_SOCKET, SO_TYPE, &value);
}
static int run_set_int(int fd)
{
    return set_int_option(fd, SOL_SOCKET, SO_KEEPALIVE, 1);
}
static int run_buffers(int fd)
{
    int rcv, snd;
    return set_buffer_sizes(fd, 4096, 8192, &rcv, &snd);
}
static int run_buffers_unchanged(int fd)
{
    int rcv, snd;
    return set_buffer_sizes(fd, 0, 0, &rcv, &snd);
}
static int run_nodelay(int fd)
{
    return set_nodelay(fd, 1);
}
static int run_keepalive_on(int fd)
{
    return set_keepalive(fd, 60, 10, 5);
}
static int run_keepalive_off(int fd)
{
    return set_keepalive(fd, 0, 0, 0);
}
static int run_timeouts(int fd)
{
    return set_timeouts(fd, 1500, 250);
}
static int run_linger(int fd)
{
    return set_linger(fd, 1, 5);
}
static int run_get_linger(int fd)
{
    int on, seconds;
    return get_linger(fd, &on, &seconds);
}

static const struct option_call every_call[] = {
    {"get_int_option(%s, SOL_SOCKET, SO_TYPE, &v)", run_get_int},
    {"set_int_option(%s, SOL_SOCKET, SO_KEEPALIVE, 1)", run_set_int},
    {"set_buffer_sizes(%s, 4096, 8192, &rcv, &snd)", run_buffers},
    {"set_buffer_sizes(%s, 0, 0, &rcv, &snd)", run_buffers_unchanged},
    {"set_nodelay(%s, 1)", run_nodelay},
    {"set_keepalive(%s, 60, 10, 5)", run_keepalive_on},
    {"set_keepalive(%s, 0, 0, 0)", run_keepalive_off},
    {"set_timeouts(%s, 1500, 250)", run_timeouts},
    {"set_linger(%s, 1, 5)", run_linger},
    {"get_linger(%s, &on, &seconds)", run_get_linger},
};
#define EVERY_CALL_COUNT (sizeof every_call / sizeof every_call[0])

static void expect_every_call_fails(int fd, const char *fd_text, int want)
{
    for (size_t i = 0; i < EVERY_CALL_COUNT; i++) {
        const char *call = lab_fmt(every_call[i].text, fd_text);
        int rc = LAB_CALL(call, NULL, every_call[i].run(fd));
        int err = errno;
        LAB_ASSERT_FAILS_WITH(call, rc, err, want,
                              LAB_TR("check the result of every getsockopt()/setsockopt() and "
                                     "return -1 with its errno",
                                     "检查每个 getsockopt()/setsockopt() 的结果，失败时返回 -1 "
                                     "并保留它的 errno"));
    }
}

LAB_TEST(test_options_closed_descriptor, 2)
{
    int closed = closed_descriptor();
    expect_every_call_fails(closed, "<closed descriptor>", EBADF);
}

LAB_TEST(test_options_not_a_socket, 1)
{
    int fds[2];
    LAB_SETUP(pipe(fds) == 0, "pipe()");
    expect_every_call_fails(fds[0], "<pipe>", ENOTSOCK);
    close(fds[0]);
    close(fds[1]);
}

/* Makes the k-th call of @p name fail with ENOBUFS, for every k the function makes. */
static void expect_failure_reported(const struct option_call *c, const char *name, int calls)
{
    for (int k = 1; k <= calls; k++) {
        int fd = tcp_socket();
        const char *call = lab_fmt(LAB_TR("%s, call %d of %s() made to fail with ENOBUFS",
                                          "%s，让第 %d 次 %s() 以 ENOBUFS 失败"),
                                   lab_fmt(c->text, "fd"), k, name);
        lab_record_reset();
        lab_inject(name, k, 1, ENOBUFS, 0);
        int rc = LAB_CALL(call, NULL, c->run(fd));
        int err = errno;
        lab_inject_clear();
        LAB_ASSERT(rc == -1 && err == ENOBUFS, call, "-1, errno ENOBUFS",
                   lab_fmt(LAB_TR("%s; calls made:\n          %s", "%s；实际调用：\n          %s"),
                           lab_result_text(rc, err), lab_recorded_text()),
                   LAB_TR("a setsockopt() or getsockopt() that fails must end the function with "
                          "-1 and that call's errno: never ignore a result",
                          "setsockopt() 或 getsockopt() 失败时，函数必须以 -1 结束并保留那次调用"
                          "的 errno：绝不能忽略返回值"));
        close(fd);
    }
}

LAB_TEST(test_options_report_every_failed_call, 2)
{
    for (size_t i = 0; i < EVERY_CALL_COUNT; i++) {
        const struct option_call *c = &every_call[i];
        int fd = tcp_socket();
        const char *call = lab_fmt(c->text, "fd");
        lab_record_reset();
        int rc = LAB_CALL(call, NULL, c->run(fd));
        int err = errno;
        int sets = lab_recorded_count("setsockopt"), gets = lab_recorded_count("getsockopt");
        close(fd);
        LAB_ASSERT(
            rc == 0 && sets + gets > 0, call,
            LAB_TR("0, through setsockopt()/getsockopt()", "0，并调用了 setsockopt()/getsockopt()"),
            lab_fmt(LAB_TR("%s; calls made:\n          %s", "%s；实际调用：\n          %s"),
                    lab_result_text(rc, err), lab_recorded_text()),
            LAB_TR("set or read the option with setsockopt()/getsockopt()",
                   "用 setsockopt()/getsockopt() 设置或读取选项"));
        expect_failure_reported(c, "setsockopt", sets);
        expect_failure_reported(c, "getsockopt", gets);
    }
}

void lab_register_tests(void)
{
    LAB_ADD(test_get_int_option_reads_values);
    LAB_ADD(test_get_int_option_checks_length);
    LAB_ADD(test_get_int_option_errors);
    LAB_ADD(test_set_int_option_sets_and_reads_back);
    LAB_ADD(test_set_int_option_errors);
    LAB_ADD(test_set_buffer_sizes_reports_kernel_value);
    LAB_ADD(test_set_buffer_sizes_rcv_and_snd_independent);
    LAB_ADD(test_set_buffer_sizes_nonpositive_leaves_unchanged);
    LAB_ADD(test_set_buffer_sizes_clamped_to_maximum);
    LAB_ADD(test_set_nodelay_on_and_off);
    LAB_ADD(test_set_nodelay_udp_fails);
    LAB_ADD(test_set_keepalive_values);
    LAB_ADD(test_set_keepalive_off);
    LAB_ADD(test_set_keepalive_refused_timing_leaves_it_off);
    LAB_ADD(test_set_timeouts_stored_as_timeval);
    LAB_ADD(test_set_timeouts_limits);
    LAB_ADD(test_set_timeouts_nonpositive_means_no_limit);
    LAB_ADD_TIMEOUT(test_set_timeouts_recv_times_out, 5.0);
    LAB_ADD_TIMEOUT(test_set_timeouts_send_times_out, 6.0);
    LAB_ADD(test_set_linger_reads_back);
    LAB_ADD(test_set_linger_zero_resets_peer);
    LAB_ADD(test_set_linger_negative_seconds_refused);
    LAB_ADD(test_get_linger_reports);
    LAB_ADD(test_options_closed_descriptor);
    LAB_ADD(test_options_not_a_socket);
    LAB_ADD(test_options_report_every_failed_call);
}
