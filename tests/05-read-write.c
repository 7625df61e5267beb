/* 05-read-write.c — tests of lesson 05: writes, reads, the line reader and the two servers. */
#define _GNU_SOURCE
#include "readwrite.h"
#include "lab.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

/*
 * How the hard conditions are made on purpose:
 * - short writes and EINTR "on a schedule": the wrappers (tests/05-read-write.wrap)
 *   shorten or fail read/recv/recvfrom and write/send/sendto, all of them, so
 *   an implementation is tested whichever of these calls it uses;
 * - real short writes: a writer with a small send buffer and a slow reader
 *   that keeps interrupting it with a signal (SA_RESTART): a blocking write
 *   that has moved some bytes returns that partial count;
 * - real EINTR: a handler installed WITHOUT SA_RESTART, and a peer thread
 *   that waits until the thread under test sleeps in the kernel before it
 *   sends the signal;
 * - a reset: SO_LINGER {1, 0} then close() makes the kernel send RST.
 * SIGPIPE is ignored in the tests that write to a vanished peer, so the
 * error comes back as EPIPE (lesson 06 teaches how to avoid SIGPIPE).
 */

#define DOC_PREFIX "数据是 "
#define DOC_GREETING "Connect\n"
#define DOC_ACK "Information received\n"
#define PEER_WAIT_MS 3000 /* a peer gives up after this long: every wait is bounded */

/* ---- small helpers ----------------------------------------------------------------------- */

/* The same disturbance for every call that can read (or write): the student picks one. */
static void inject_reads(int nth, int times, int err, size_t max_bytes)
{
    lab_inject("read", nth, times, err, max_bytes);
    lab_inject("recv", nth, times, err, max_bytes);
    lab_inject("recvfrom", nth, times, err, max_bytes);
}

static void inject_writes(int nth, int times, int err, size_t max_bytes)
{
    lab_inject("write", nth, times, err, max_bytes);
    lab_inject("send", nth, times, err, max_bytes);
    lab_inject("sendto", nth, times, err, max_bytes);
}

static int read_calls_made(void)
{
    return lab_recorded_count("read") + lab_recorded_count("recv") + lab_recorded_count("recvfrom");
}

/* Bytes that reveal a lost, repeated or reordered block (not periodic in powers of two). */
static void fill_pattern(unsigned char *buf, size_t len)
{
    unsigned state = 12345u;
    for (size_t i = 0; i < len; i++) {
        state = state * 1103515245u + 12345u;
        buf[i] = (unsigned char)(state >> 16);
    }
}

/* First index where two buffers differ, or the shorter length. */
static size_t first_difference(const unsigned char *a, const unsigned char *b, size_t len)
{
    size_t i = 0;
    while (i < len && a[i] == b[i])
        i++;
    return i;
}

static void set_buffer_sizes(int writer, int reader, int bytes)
{
    LAB_SETUP(setsockopt(writer, SOL_SOCKET, SO_SNDBUF, &bytes, sizeof bytes) == 0,
              "setsockopt(SO_SNDBUF)");
    LAB_SETUP(setsockopt(reader, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes) == 0,
              "setsockopt(SO_RCVBUF)");
}

/*
 * A connected AF_UNIX stream pair with a small send buffer: a 1 MiB write
 * must block many times. (Loopback TCP with tiny buffers crawls, held up
 * by delayed ACKs; a local pair moves bytes as soon as the reader reads.)
 */
static void small_buffer_pair(int *writer, int *reader)
{
    int fds[2], bytes = 4096;
    LAB_SETUP(socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0, "socketpair(AF_UNIX, SOCK_STREAM)");
    LAB_SETUP(setsockopt(fds[0], SOL_SOCKET, SO_SNDBUF, &bytes, sizeof bytes) == 0,
              "setsockopt(SO_SNDBUF)");
    *writer = fds[0];
    *reader = fds[1];
}

/* Closes with SO_LINGER {1, 0}: the kernel sends RST, the peer gets ECONNRESET. */
static void reset_connection(int fd)
{
    struct linger abort_now = {.l_onoff = 1, .l_linger = 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_now, sizeof abort_now);
    close(fd);
}

/* Sends from a peer thread: never fails the test itself (that would end the process). */
static int peer_send(int fd, const void *buf, size_t len)
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

/* Waits until at least @p want bytes are queued for reading on @p fd. */
static void wait_queued(int fd, int want)
{
    double deadline = lab_now() + PEER_WAIT_MS / 1000.0;
    int queued = 0;
    while (lab_now() < deadline) {
        LAB_SETUP(ioctl(fd, FIONREAD, &queued) == 0, "ioctl(FIONREAD)");
        if (queued >= want)
            return;
        lab_sleep_ms(1);
    }
    LAB_SETUP(0, "waiting for the test's bytes to arrive on loopback");
}

static int still_open(int fd)
{
    return fcntl(fd, F_GETFD) != -1;
}

/* ---- signals ----------------------------------------------------------------------------- */

static volatile sig_atomic_t signals_caught;

static void count_signal(int sig)
{
    (void)sig;
    signals_caught++;
}

/* SIGUSR1 runs count_signal; flags 0 means a blocked call fails with EINTR. */
static void install_sigusr1(int flags)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = count_signal;
    action.sa_flags = flags;
    sigemptyset(&action.sa_mask);
    LAB_SETUP(sigaction(SIGUSR1, &action, NULL) == 0, "sigaction(SIGUSR1)");
}

static pid_t thread_id(void)
{
    return (pid_t)syscall(SYS_gettid);
}

/*
 * Waits until thread @p tid of this process sleeps in the kernel (state S in
 * /proc/self/task/TID/stat), that is: it is blocked in the call under test.
 */
static int wait_until_sleeping(pid_t tid, int timeout_ms)
{
    char path[64], stat[512];
    double deadline = lab_now() + timeout_ms / 1000.0;
    snprintf(path, sizeof path, "/proc/self/task/%d/stat", (int)tid);
    while (lab_now() < deadline) {
        FILE *f = fopen(path, "r");
        size_t n = f ? fread(stat, 1, sizeof stat - 1, f) : 0;
        if (f)
            fclose(f);
        stat[n] = '\0';
        const char *paren = strrchr(stat, ')'); /* the name may hold spaces */
        if (paren && paren[1] == ' ' && paren[2] == 'S')
            return 1;
        lab_sleep_ms(1);
    }
    return 0;
}

/* ---- peer threads ------------------------------------------------------------------------ */

/* Sends a script (optionally one byte at a time), then shuts down its sending side. */
struct sender {
    int fd;
    const char *data;
    size_t len;
    int byte_delay_ms;  /* > 0: one byte per send(), this many ms apart */
    int piece_delay_ms; /* > 0: pieces of piece_len bytes, this many ms apart */
    size_t piece_len;
    int shut_after;
};

static void *sender_thread(void *arg)
{
    struct sender *s = arg;
    size_t step = s->byte_delay_ms > 0 ? 1 : s->piece_delay_ms > 0 ? s->piece_len : s->len;
    int delay = s->byte_delay_ms > 0 ? s->byte_delay_ms : s->piece_delay_ms;
    for (size_t off = 0; off < s->len; off += step) {
        size_t n = s->len - off < step ? s->len - off : step;
        if (off > 0 && delay > 0)
            lab_sleep_ms(delay);
        if (peer_send(s->fd, s->data + off, n) < 0)
            break;
    }
    if (s->shut_after)
        shutdown(s->fd, SHUT_WR);
    return NULL;
}

/* Reads until EOF (slowly if asked), interrupting thread `target` every few chunks. */
struct drainer {
    int fd;
    unsigned char *buf;
    size_t cap;
    size_t got;
    size_t chunk;      /* bytes per read() */
    int pause_every;   /* > 0: sleep 1 ms after this many reads ... */
    int signal_target; /* ... and then send SIGUSR1 to `target` */
    pthread_t target;
};

static void *drainer_thread(void *arg)
{
    struct drainer *d = arg;
    for (int reads = 1;; reads++) {
        if (!lab_wait_readable(d->fd, PEER_WAIT_MS))
            break;
        size_t want = d->cap - d->got < d->chunk ? d->cap - d->got : d->chunk;
        if (want == 0)
            break;
        ssize_t n = read(d->fd, d->buf + d->got, want);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        d->got += (size_t)n;
        if (d->pause_every > 0 && reads % d->pause_every == 0) {
            if (d->signal_target)
                pthread_kill(d->target, SIGUSR1);
            lab_sleep_ms(1);
        }
    }
    return NULL;
}

/* ---- write_all ----------------------------------------------------------------------------- */

LAB_TEST(test_write_all_sends_everything, 2)
{
    enum { LEN = 300 * 1000 }; /* more than the socket buffers hold: write() must block and go on */
    int client, server;
    lab_tcp_pair(&client, &server);
    unsigned char *payload = malloc(LEN), *received = malloc(LEN + 1);
    LAB_SETUP(payload && received, "malloc");
    fill_pattern(payload, LEN);
    struct drainer d = {.fd = server, .buf = received, .cap = LEN + 1, .chunk = 65536};
    void *peer;
    lab_thread_start(drainer_thread, &d, &peer);

    ssize_t rc =
        LAB_CALL("write_all(fd, payload, 300000)",
                 LAB_TR("write(): the test reads everything", "write()：测试会读走全部数据"),
                 write_all(client, payload, LEN));
    int err = errno;
    LAB_ASSERT(rc == LEN, "write_all(fd, payload, 300000)", "300000", lab_result_text(rc, err),
               LAB_TR("return len once every byte is written", "所有字节都写出后返回 len"));
    /* Asked while the connection is healthy: writing 0 bytes may or may not call write(). */
    ssize_t zero = LAB_CALL("write_all(fd, payload, 0)", NULL, write_all(client, payload, 0));
    int zero_err = errno;
    LAB_ASSERT(zero == 0, "write_all(fd, payload, 0)", "0", lab_result_text(zero, zero_err),
               LAB_TR("nothing to write is a success: return 0", "没有要写的字节也算成功：返回 0"));
    shutdown(client, SHUT_WR);
    lab_thread_join(peer);
    LAB_ASSERT(
        d.got == LEN && memcmp(received, payload, LEN) == 0, "write_all(fd, payload, 300000)",
        LAB_TR("the peer receives the 300000 bytes, in order", "对端按顺序收到这 300000 个字节"),
        lab_fmt(LAB_TR("%zu bytes, first difference at byte %zu",
                       "%zu 个字节，第一个不同之处在第 %zu 字节"),
                d.got, first_difference(received, payload, d.got < LEN ? d.got : LEN)),
        LAB_TR("after a short write, continue from buf + written, with len - written",
               "短写之后，从 buf + 已写字节处继续，长度为 len - 已写字节"));
    free(payload);
    free(received);
    close(client);
    close(server);
}

LAB_TEST(test_write_all_short_writes_injected, 3)
{
    enum { LEN = 1000 };
    int client, server;
    lab_tcp_pair(&client, &server);
    unsigned char payload[LEN], received[LEN + 1];
    fill_pattern(payload, LEN);

    inject_writes(1, -1, 0, 7); /* every write()/send() moves at most 7 bytes */
    ssize_t rc = LAB_CALL("write_all(fd, payload, 1000) while every write() moves at most 7 bytes",
                          NULL, write_all(client, payload, LEN));
    int err = errno;
    lab_inject_clear();
    shutdown(client, SHUT_WR);
    ssize_t got = lab_read_until_eof(server, received, sizeof received, PEER_WAIT_MS);
    LAB_ASSERT(rc == LEN, "write_all(fd, payload, 1000) with 7-byte writes", "1000",
               lab_result_text(rc, err),
               LAB_TR("write() returning 7 is not an error and not the end: loop until all 1000 "
                      "bytes are written",
                      "write() 返回 7 既不是错误也不是结束：循环直到 1000 个字节全部写出"));
    LAB_ASSERT_BYTES("write_all(fd, payload, 1000) with 7-byte writes", received,
                     got < 0 ? 0 : (size_t)got, payload, LEN,
                     LAB_TR("each next write starts where the previous one stopped",
                            "每次 write 都从上一次停下的地方开始"));
    close(client);
    close(server);
}

LAB_TEST(test_write_all_real_short_writes, 3)
{
    enum { LEN = 1 << 20 };
    int client, server;
    small_buffer_pair(&client, &server);
    unsigned char *payload = malloc(LEN), *received = malloc(LEN + 1);
    LAB_SETUP(payload && received, "malloc");
    fill_pattern(payload, LEN);
    /* SA_RESTART: no EINTR here, only writes cut short by the signal. */
    install_sigusr1(SA_RESTART);
    struct drainer d = {.fd = server,
                        .buf = received,
                        .cap = LEN + 1,
                        .chunk = 1000,
                        .pause_every = 16,
                        .signal_target = 1,
                        .target = pthread_self()};
    void *peer;
    lab_record_reset();
    lab_thread_start(drainer_thread, &d, &peer);

    ssize_t rc = LAB_CALL("write_all(fd, 1 MiB, 1048576) to a slow reader that sends signals",
                          LAB_TR("write(): the reader is slow but reads everything",
                                 "write()：读端很慢，但会读完全部数据"),
                          write_all(client, payload, LEN));
    int err = errno;
    shutdown(client, SHUT_WR);
    lab_thread_join(peer);
    int short_writes = 0;
    for (int i = 0; i < lab_record_count(); i++) {
        const struct lab_call *c = lab_recorded(i);
        short_writes += c->ret >= 0 && c->ret < c->arg[2];
    }
    LAB_ASSERT(
        rc == LEN && d.got == LEN && memcmp(received, payload, LEN) == 0,
        "write_all(fd, payload, 1048576)",
        LAB_TR("1048576, and the reader gets the 1 MiB in order",
               "1048576，且读端按顺序收到这 1 MiB"),
        lab_fmt(LAB_TR("%s; the reader got %zu bytes, first difference at %zu "
                       "(%d of your writes were short)",
                       "%s；读端收到 %zu 字节，第一个不同之处在 %zu（你的 write 有 %d 次是短写）"),
                lab_result_text(rc, err), d.got,
                first_difference(received, payload, d.got < LEN ? d.got : LEN), short_writes),
        LAB_TR("a blocking write() interrupted by a signal returns the bytes it moved so "
               "far: add them up and write the rest",
               "被信号打断的阻塞 write() 会返回已写出的字节数：累加它们，再写剩下的"));
    free(payload);
    free(received);
    close(client);
    close(server);
}

LAB_TEST(test_write_all_retries_eintr_injected, 2)
{
    int client, server;
    lab_tcp_pair(&client, &server);
    inject_writes(1, 2, EINTR, 0); /* the first two writes are interrupted */
    ssize_t rc = LAB_CALL("write_all(fd, \"hello\", 5) with two EINTR first", NULL,
                          write_all(client, "hello", 5));
    int err = errno;
    lab_inject_clear();
    shutdown(client, SHUT_WR);
    char received[16];
    ssize_t got = lab_read_until_eof(server, received, sizeof received, PEER_WAIT_MS);
    LAB_ASSERT(rc == 5, "write_all(fd, \"hello\", 5)", "5", lab_result_text(rc, err),
               LAB_TR("EINTR means \"interrupted before anything was written\": write again",
                      "EINTR 表示“还没写出任何字节就被打断”：再写一次"));
    LAB_ASSERT_BYTES("write_all(fd, \"hello\", 5)", received, got < 0 ? 0 : (size_t)got, "hello", 5,
                     LAB_TR("the bytes are sent once, whole", "字节应完整地发送一次"));
    close(client);
    close(server);
}

/* Interrupts thread `target` several times while it sleeps in the kernel, then drains. */
struct interrupter {
    pthread_t target;
    pid_t target_tid;
    int signals;
    int fd; /* then: read everything from fd (write test) ... */
    unsigned char *buf;
    size_t cap;
    size_t got;
    const char *send; /* ... or send these bytes (read test) */
};

static void *interrupter_thread(void *arg)
{
    struct interrupter *it = arg;
    for (int i = 0; i < it->signals; i++) {
        if (!wait_until_sleeping(it->target_tid, PEER_WAIT_MS))
            break;
        pthread_kill(it->target, SIGUSR1);
        lab_sleep_ms(10);
    }
    if (it->send) {
        wait_until_sleeping(it->target_tid, PEER_WAIT_MS);
        peer_send(it->fd, it->send, strlen(it->send));
        return NULL;
    }
    struct drainer d = {.fd = it->fd, .buf = it->buf, .cap = it->cap, .chunk = 65536};
    drainer_thread(&d);
    it->got = d.got;
    return NULL;
}

LAB_TEST(test_write_all_retries_eintr_signal, 3)
{
    enum { LEN = 1 << 20 };
    int client, server;
    small_buffer_pair(&client, &server);
    unsigned char *payload = malloc(LEN), *received = malloc(LEN + 1);
    LAB_SETUP(payload && received, "malloc");
    fill_pattern(payload, LEN);
    install_sigusr1(0); /* no SA_RESTART: a write blocked on a full buffer fails with EINTR */
    /* The first signal cuts the first write short; the next ones hit writes
     * that are blocked before moving a byte, which fail with EINTR. */
    struct interrupter it = {.target = pthread_self(),
                             .target_tid = thread_id(),
                             .signals = 4,
                             .fd = server,
                             .buf = received,
                             .cap = LEN + 1};
    void *peer;
    signals_caught = 0;
    lab_thread_start(interrupter_thread, &it, &peer);

    ssize_t rc = LAB_CALL("write_all(fd, payload, 1048576) interrupted by SIGUSR1 (no SA_RESTART)",
                          LAB_TR("write(): the buffer is full until the signals are sent",
                                 "write()：发完信号之前缓冲区一直是满的"),
                          write_all(client, payload, LEN));
    int err = errno;
    shutdown(client, SHUT_WR);
    lab_thread_join(peer);
    LAB_ASSERT(rc == LEN, "write_all(fd, payload, 1048576) with signals", "1048576",
               lab_fmt(LAB_TR("%s (%d signals caught)", "%s（收到了 %d 个信号）"),
                       lab_result_text(rc, err), (int)signals_caught),
               LAB_TR("a write() interrupted before it moved a byte fails with EINTR: write again",
                      "在写出任何字节之前被打断的 write() 会以 EINTR 失败：再写一次"));
    LAB_ASSERT(
        it.got == LEN && memcmp(received, payload, LEN) == 0,
        "write_all(fd, payload, 1048576) with signals",
        LAB_TR("the reader gets the 1 MiB in order", "读端按顺序收到这 1 MiB"),
        lab_fmt(LAB_TR("%zu bytes, first difference at %zu", "%zu 字节，第一个不同之处在 %zu"),
                it.got, first_difference(received, payload, it.got < LEN ? it.got : LEN)),
        LAB_TR("after an interrupted write, continue exactly where it stopped",
               "写被打断后，准确地从停下的地方继续"));
    free(payload);
    free(received);
    close(client);
    close(server);
}

/* Reads a little, then resets the connection while the writer is still busy. */
struct resetter {
    int fd;
    size_t read_first;
    size_t got;
};

static void *resetter_thread(void *arg)
{
    struct resetter *r = arg;
    char chunk[4096];
    while (r->got < r->read_first && lab_wait_readable(r->fd, PEER_WAIT_MS)) {
        ssize_t n = read(r->fd, chunk, sizeof chunk);
        if (n <= 0)
            break;
        r->got += (size_t)n;
    }
    reset_connection(r->fd);
    return NULL;
}

LAB_TEST(test_write_all_error_after_partial_write, 2)
{
    enum { LEN = 4 << 20 };
    int client, server;
    lab_tcp_pair(&client, &server);
    set_buffer_sizes(client, server, 16384);
    signal(SIGPIPE, SIG_IGN); /* the error must come back as EPIPE, not kill the test */
    unsigned char *payload = malloc(LEN);
    LAB_SETUP(payload, "malloc");
    fill_pattern(payload, LEN);
    struct resetter r = {.fd = server, .read_first = 65536};
    void *peer;
    lab_thread_start(resetter_thread, &r, &peer);

    ssize_t rc = LAB_CALL("write_all(fd, payload, 4 MiB) to a peer that resets after 64 KiB",
                          LAB_TR("write(): the peer resets after reading 64 KiB",
                                 "write()：对端读了 64 KiB 之后重置连接"),
                          write_all(client, payload, LEN));
    int err = errno;
    shutdown(client, SHUT_WR); /* if write_all gave up early, the peer sees EOF and stops waiting */
    lab_thread_join(peer);
    LAB_ASSERT(rc == -1 && (err == EPIPE || err == ECONNRESET),
               "write_all(fd, payload, 4194304) to a peer that reset",
               LAB_TR("-1, errno EPIPE or ECONNRESET", "-1，errno 为 EPIPE 或 ECONNRESET"),
               lab_result_text(rc, err),
               LAB_TR("when write() fails, return -1 with its errno, even though some bytes "
                      "were already sent (a half-sent message is no success)",
                      "write() 失败时返回 -1 并保留它的 errno，即使已经发出了一部分字节"
                      "（只发出一半的消息不算成功）"));
    free(payload);
    close(client);
}

/* ---- read_once ------------------------------------------------------------------------------ */

LAB_TEST(test_read_once_returns_what_one_read_gives, 2)
{
    int client, server;
    lab_tcp_pair(&client, &server);
    lab_write_all(client, "abc", 3);
    wait_queued(server, 3);
    char buf[100];
    ssize_t rc =
        LAB_CALL("read_once(fd, buf, 2) with \"abc\" waiting", NULL, read_once(server, buf, 2));
    int err = errno;
    LAB_ASSERT(
        rc == 2 && memcmp(buf, "ab", 2) == 0, "read_once(fd, buf, 2)", "2, \"ab\"",
        lab_fmt("%s, %s", lab_result_text(rc, err), lab_escape(buf, rc > 0 ? (size_t)rc : 0)),
        LAB_TR("read at most cap bytes, and return how many you read",
               "最多读 cap 个字节，返回读到的字节数"));
    rc = LAB_CALL("read_once(fd, buf, 100) with \"c\" waiting and the peer still open",
                  LAB_TR("read(): only 1 byte is there and no more will come; read once and "
                         "return it instead of waiting to fill the buffer",
                         "read()：只有 1 个字节，也不会再来更多；读一次就返回，不要等缓冲区填满"),
                  read_once(server, buf, sizeof buf));
    err = errno;
    LAB_ASSERT(
        rc == 1 && buf[0] == 'c', "read_once(fd, buf, 100)", "1, \"c\"",
        lab_fmt("%s, %s", lab_result_text(rc, err), lab_escape(buf, rc > 0 ? (size_t)rc : 0)),
        LAB_TR("one read() gives what has arrived; return it as it is",
               "一次 read() 得到已到达的数据，原样返回"));
    close(client);
    close(server);
}

LAB_TEST(test_read_once_eof_returns_zero, 1)
{
    int client, server;
    lab_tcp_pair(&client, &server);
    lab_write_all(client, "x", 1);
    shutdown(client, SHUT_WR);
    wait_queued(server, 1);
    char buf[16];
    ssize_t first = LAB_CALL("read_once(fd, buf, 16)", NULL, read_once(server, buf, sizeof buf));
    ssize_t second = LAB_CALL(
        "read_once(fd, buf, 16) after the peer's shutdown(SHUT_WR)",
        LAB_TR("read(): at end of file it returns 0 at once", "read()：到了文件末尾会立即返回 0"),
        read_once(server, buf, sizeof buf));
    int err = errno;
    LAB_ASSERT(
        first == 1 && second == 0, "read_once() twice on \"x\" then EOF",
        LAB_TR("1, then 0", "先 1，再 0"),
        lab_fmt(LAB_TR("%zd, then %s", "先 %zd，再 %s"), first, lab_result_text(second, err)),
        LAB_TR("read() returns 0 when the peer has finished sending: pass the 0 on",
               "对端发送完毕时 read() 返回 0：把 0 原样返回"));
    close(client);
    close(server);
}

LAB_TEST(test_read_once_retries_eintr_injected, 1)
{
    int client, server;
    lab_tcp_pair(&client, &server);
    lab_write_all(client, "data", 4);
    wait_queued(server, 4);
    char buf[16];
    inject_reads(1, 2, EINTR, 0);
    ssize_t rc = LAB_CALL("read_once(fd, buf, 16) whose first two reads fail with EINTR", NULL,
                          read_once(server, buf, sizeof buf));
    int err = errno;
    lab_inject_clear();
    LAB_ASSERT(
        rc == 4 && memcmp(buf, "data", 4) == 0, "read_once(fd, buf, 16) after EINTR", "4, \"data\"",
        lab_fmt("%s, %s", lab_result_text(rc, err), lab_escape(buf, rc > 0 ? (size_t)rc : 0)),
        LAB_TR("EINTR is not an error of the connection: read again",
               "EINTR 不是连接的错误：再读一次"));
    close(client);
    close(server);
}

LAB_TEST(test_read_once_retries_eintr_signal, 2)
{
    int client, server;
    lab_tcp_pair(&client, &server);
    install_sigusr1(0);
    struct interrupter it = {.target = pthread_self(),
                             .target_tid = thread_id(),
                             .signals = 3,
                             .fd = client,
                             .send = "late data"};
    void *peer;
    signals_caught = 0;
    lab_thread_start(interrupter_thread, &it, &peer);
    char buf[64];
    ssize_t rc =
        LAB_CALL("read_once(fd, buf, 64) interrupted by SIGUSR1 (no SA_RESTART)",
                 LAB_TR("read(): the data comes after the signals", "read()：数据在信号之后才到"),
                 read_once(server, buf, sizeof buf));
    int err = errno;
    lab_thread_join(peer);
    LAB_ASSERT(rc == 9 && memcmp(buf, "late data", 9) == 0,
               "read_once(fd, buf, 64) interrupted by signals", "9, \"late data\"",
               lab_fmt(LAB_TR("%s, %s (%d signals caught)", "%s, %s（收到了 %d 个信号）"),
                       lab_result_text(rc, err), lab_escape(buf, rc > 0 ? (size_t)rc : 0),
                       (int)signals_caught),
               LAB_TR("a read() blocked when a signal handler runs fails with EINTR (unless the "
                      "handler has SA_RESTART): read again",
                      "阻塞中的 read() 遇到信号处理函数时会以 EINTR 失败（除非设置了 "
                      "SA_RESTART）：再读一次"));
    close(client);
    close(server);
}

LAB_TEST(test_read_once_reports_reset, 1)
{
    int client, server;
    lab_tcp_pair(&client, &server);
    reset_connection(client);
    LAB_SETUP(lab_wait_readable(server, PEER_WAIT_MS), "waiting for the RST");
    char buf[16];
    ssize_t rc = LAB_CALL("read_once(fd, buf, 16) after the peer reset", NULL,
                          read_once(server, buf, sizeof buf));
    int err = errno;
    LAB_ASSERT_FAILS_WITH("read_once(<connection reset by the peer>)", rc, err, ECONNRESET,
                          LAB_TR("only EINTR is retried: return -1 with read()'s errno",
                                 "只有 EINTR 才重试：返回 -1 并保留 read() 的 errno"));
    close(server);
}

/* ---- the line reader ------------------------------------------------------------------------- */

/* A reader whose fields start as garbage, set up by the student's line_reader_init(). */
static struct line_reader *new_reader(int fd)
{
    struct line_reader *reader = malloc(sizeof *reader);
    LAB_SETUP(reader, "malloc");
    memset(reader, 0xA5, sizeof *reader);
    /* LAB_CALL needs a value: the comma operator gives the void call one. */
    (void)LAB_CALL("line_reader_init(reader, fd)", NULL, (line_reader_init(reader, fd), 0));
    return reader;
}

/* Asserts that the next line is exactly @p want (its length: @p want_len), NUL-terminated. */
static void expect_line(struct line_reader *reader, size_t cap, const char *want, size_t want_len,
                        const char *hint)
{
    char line[LINE_READER_BUFFER + 64];
    memset(line, 'Z', sizeof line);
    const char *call = lab_fmt("line_reader_next(reader, line, %zu)", cap);
    ssize_t rc = LAB_CALL(
        call, LAB_TR("read(): the test has sent this line already", "read()：测试已经发出了这一行"),
        line_reader_next(reader, line, cap));
    int err = errno;
    LAB_ASSERT(rc == (ssize_t)want_len && memcmp(line, want, want_len) == 0, call,
               lab_fmt("%zu, %s", want_len, lab_escape(want, want_len)),
               lab_fmt("%s, %s", lab_result_text(rc, err),
                       lab_escape(line, rc > 0 && (size_t)rc < cap ? (size_t)rc : 0)),
               hint);
    LAB_ASSERT(line[want_len] == '\0', call,
               lab_fmt(LAB_TR("line[%zu] == '\\0'", "line[%zu] == '\\0'"), want_len),
               lab_fmt("line[%zu] == %s", want_len, lab_escape(&line[want_len], 1)),
               LAB_TR("terminate the line with a NUL after its last byte",
                      "在行的最后一个字节后面写一个 NUL"));
}

static void expect_end(struct line_reader *reader, const char *hint)
{
    char line[64];
    ssize_t rc = LAB_CALL("line_reader_next(reader, line, 64) at end of file",
                          LAB_TR("read(): the peer has shut down; read() returns 0",
                                 "read()：对端已关闭写方向，read() 返回 0"),
                          line_reader_next(reader, line, sizeof line));
    int err = errno;
    LAB_ASSERT(rc == 0, "line_reader_next(reader, line, 64) at end of file", "0",
               lab_result_text(rc, err), hint);
}

#define LINE(s) (s), sizeof(s) - 1

LAB_TEST(test_line_reader_init_sets_fields, 1)
{
    struct line_reader reader;
    memset(&reader, 0xA5, sizeof reader);
    (void)LAB_CALL("line_reader_init(&reader, 7)", NULL, (line_reader_init(&reader, 7), 0));
    LAB_ASSERT(reader.fd == 7 && reader.start == 0 && reader.end == 0 && reader.eof == 0,
               "line_reader_init(&reader, 7)", "fd 7, start 0, end 0, eof 0",
               lab_fmt("fd %d, start %zu, end %zu, eof %d", reader.fd, reader.start, reader.end,
                       reader.eof),
               LAB_TR("set every field: the struct may hold garbage before",
                      "设置每个字段：结构体原来可能是垃圾值"));
}

LAB_TEST(test_line_reader_next_newline_lines, 3)
{
    int client, server;
    lab_tcp_pair(&client, &server);
    static const char data[] = "first line\n\nnul\0inside\nlast\n";
    lab_write_all(client, data, sizeof data - 1); /* all at once: one read gets every line */
    shutdown(client, SHUT_WR);
    struct line_reader *reader = new_reader(server);
    const char *hint = LAB_TR("return one line per call, '\\n' included; keep the bytes after "
                              "it in the buffer for the next call",
                              "每次调用返回一行，包括 '\\n'；它后面的字节留在缓冲区里给下一次调用");
    expect_line(reader, 64, LINE("first line\n"), hint);
    expect_line(reader, 64, LINE("\n"), hint);
    expect_line(reader, 64, LINE("nul\0inside\n"),
                LAB_TR("a line is bytes, not a C string: count its length without strlen()",
                       "一行是字节序列，不是 C 字符串：不要用 strlen() 计算长度"));
    expect_line(reader, 64, LINE("last\n"), hint);
    expect_end(reader, LAB_TR("after the last line, read() returns 0: return 0",
                              "最后一行之后 read() 返回 0：返回 0"));
    free(reader);
    close(client);
    close(server);
}

LAB_TEST(test_line_reader_next_cr_ends_a_line, 2)
{
    int client, server;
    lab_tcp_pair(&client, &server);
    lab_write_all(client, "x\r\ny\rz\n", 7);
    shutdown(client, SHUT_WR);
    struct line_reader *reader = new_reader(server);
    const char *hint =
        LAB_TR("as PHP_NORMAL_READ, a line ends at '\\n' OR at '\\r': \"x\\r\\n\" is "
               "the two lines \"x\\r\" and \"\\n\"",
               "和 PHP_NORMAL_READ 一样，行在 '\\n' 或 '\\r' 处结束：\"x\\r\\n\" 是 "
               "\"x\\r\" 和 \"\\n\" 两行");
    expect_line(reader, 64, LINE("x\r"), hint);
    expect_line(reader, 64, LINE("\n"), hint);
    expect_line(reader, 64, LINE("y\r"), hint);
    expect_line(reader, 64, LINE("z\n"), hint);
    expect_end(reader, LAB_TR("at end of file return 0", "文件末尾返回 0"));
    free(reader);
    close(client);
    close(server);
}

LAB_TEST(test_line_reader_next_last_line_without_terminator, 2)
{
    int client, server;
    lab_tcp_pair(&client, &server);
    lab_write_all(client, "one\ntwo", 7);
    shutdown(client, SHUT_WR);
    struct line_reader *reader = new_reader(server);
    expect_line(reader, 64, LINE("one\n"), LAB_TR("one line per call", "每次调用返回一行"));
    expect_line(reader, 64, LINE("two"),
                LAB_TR("at end of file, the bytes left without a terminator are the last line",
                       "到了文件末尾，剩下的没有结束符的字节就是最后一行"));
    const char *hint = LAB_TR("once everything is returned, every call returns 0 (remember eof)",
                              "全部返回之后，每次调用都返回 0（记住 eof）");
    expect_end(reader, hint);
    expect_end(reader, hint);
    free(reader);
    close(client);
    close(server);
}

LAB_TEST(test_line_reader_next_long_line_in_pieces, 2)
{
    int client, server;
    lab_tcp_pair(&client, &server);
    static const char data[] = "abcdefghijklmnop\nabcdef\nq\n";
    lab_write_all(client, data, sizeof data - 1);
    shutdown(client, SHUT_WR);
    struct line_reader *reader = new_reader(server);
    const char *hint = LAB_TR("with cap 8 a line comes in pieces of at most 7 bytes (plus the NUL)",
                              "cap 为 8 时，一行按最多 7 个字节（加 NUL）分段返回");
    expect_line(reader, 8, LINE("abcdefg"), hint);
    expect_line(reader, 8, LINE("hijklmn"), hint);
    expect_line(reader, 8, LINE("op\n"), hint);
    expect_line(reader, 8, LINE("abcdef\n"),
                LAB_TR("a line of exactly cap - 1 bytes, terminator included, comes whole",
                       "恰好 cap - 1 个字节（含结束符）的一行应整行返回"));
    expect_line(reader, 8, LINE("q\n"), hint);
    expect_end(reader, LAB_TR("at end of file return 0", "文件末尾返回 0"));
    free(reader);
    close(client);
    close(server);
}

LAB_TEST(test_line_reader_next_cap_too_small, 1)
{
    int client, server;
    lab_tcp_pair(&client, &server);
    lab_write_all(client, "ab\n", 3);
    shutdown(client, SHUT_WR);
    struct line_reader *reader = new_reader(server);
    char line[4];
    for (size_t cap = 0; cap < 2; cap++) {
        const char *call = lab_fmt("line_reader_next(reader, line, %zu)", cap);
        ssize_t rc = LAB_CALL(call, NULL, line_reader_next(reader, line, cap));
        int err = errno;
        LAB_ASSERT_FAILS_WITH(call, rc, err, EINVAL,
                              LAB_TR("cap < 2 leaves no room for one byte and the NUL: EINVAL",
                                     "cap < 2 放不下一个字节加 NUL：EINVAL"));
    }
    const char *hint = LAB_TR("cap 2 gives one byte per call; the failed calls above must not "
                              "have used any byte",
                              "cap 为 2 时每次返回一个字节；上面失败的调用不应消耗任何字节");
    expect_line(reader, 2, LINE("a"), hint);
    expect_line(reader, 2, LINE("b"), hint);
    expect_line(reader, 2, LINE("\n"), hint);
    expect_end(reader, LAB_TR("at end of file return 0", "文件末尾返回 0"));
    free(reader);
    close(client);
    close(server);
}

LAB_TEST(test_line_reader_next_few_system_calls, 3)
{
    enum { LINES = 8192, LINE_LEN = 8, TOTAL = LINES * LINE_LEN, MAX_READS = TOTAL / 1024 + 32 };
    int client, server;
    lab_tcp_pair(&client, &server);
    char *data = malloc(TOTAL + 1);
    LAB_SETUP(data, "malloc");
    for (int i = 0; i < LINES; i++)
        snprintf(data + i * LINE_LEN, LINE_LEN + 1, "%07u\n", (unsigned)i % 10000000u);
    struct sender s = {.fd = client, .data = data, .len = TOTAL, .shut_after = 1};
    void *peer;
    lab_thread_start(sender_thread, &s, &peer);
    struct line_reader *reader = new_reader(server);

    lab_record_reset();
    char line[64];
    for (int i = 0; i < LINES; i++) {
        ssize_t rc = LAB_CALL("line_reader_next(reader, line, 64) on 8192 lines of 8 bytes", NULL,
                              line_reader_next(reader, line, sizeof line));
        int err = errno;
        LAB_ASSERT(rc == LINE_LEN && memcmp(line, data + i * LINE_LEN, LINE_LEN) == 0,
                   lab_fmt("line_reader_next() for line %d of 8192", i),
                   lab_fmt("8, %s", lab_escape(data + i * LINE_LEN, LINE_LEN)),
                   lab_fmt("%s, %s", lab_result_text(rc, err),
                           lab_escape(line, rc > 0 && rc < 64 ? (size_t)rc : 0)),
                   LAB_TR("keep the bytes read ahead between calls; a line may straddle two "
                          "reads",
                          "在调用之间保留预读的字节；一行可能横跨两次 read"));
    }
    int reads = read_calls_made();
    lab_thread_join(peer);
    expect_end(reader, LAB_TR("at end of file return 0", "文件末尾返回 0"));
    LAB_ASSERT(reads <= MAX_READS, "line_reader_next() on 64 KiB of short lines",
               lab_fmt(LAB_TR("at most %d read()/recv() calls", "最多 %d 次 read()/recv() 调用"),
                       MAX_READS),
               lab_fmt(LAB_TR("%d calls%s", "%d 次调用%s"), reads,
                       reads >= LAB_MAX_CALLS ? LAB_TR(" or more", "或更多") : ""),
               LAB_TR("read a whole block into the buffer (all its free space), not one byte or "
                      "one line per read()",
                      "每次 read() 读满缓冲区的空闲空间，而不是一次只读一个字节或一行"));
    free(reader);
    free(data);
    close(client);
    close(server);
}

LAB_TEST(test_line_reader_next_byte_by_byte_peer, 2)
{
    int client, server;
    lab_tcp_pair(&client, &server);
    static const char data[] = "hello world\r\nsecond line\n";
    struct sender s = {
        .fd = client, .data = data, .len = sizeof data - 1, .byte_delay_ms = 1, .shut_after = 1};
    void *peer;
    lab_thread_start(sender_thread, &s, &peer);
    struct line_reader *reader = new_reader(server);
    const char *hint = LAB_TR("a line may arrive in many pieces: read more until a terminator "
                              "arrives, keeping what you have",
                              "一行可能分成很多段到达：保留已有的字节，继续读，直到出现结束符");
    expect_line(reader, 64, LINE("hello world\r"), hint);
    expect_line(reader, 64, LINE("\n"), hint);
    expect_line(reader, 64, LINE("second line\n"), hint);
    expect_end(reader, LAB_TR("at end of file return 0", "文件末尾返回 0"));
    lab_thread_join(peer);
    free(reader);
    close(client);
    close(server);
}

LAB_TEST(test_line_reader_next_error_keeps_read_ahead, 2)
{
    int client, server;
    lab_tcp_pair(&client, &server);
    lab_write_all(client, "one\ntwo\nthr", 11);
    wait_queued(server, 11);
    struct line_reader *reader = new_reader(server);
    inject_reads(2, 1, ECONNRESET, 0); /* the second read fails */
    const char *hint =
        LAB_TR("complete lines in the buffer need no read()", "缓冲区里已有的完整行不需要 read()");
    expect_line(reader, 64, LINE("one\n"), hint);
    expect_line(reader, 64, LINE("two\n"), hint);
    char line[64];
    ssize_t rc = LAB_CALL("line_reader_next(reader, line, 64) when read() fails with ECONNRESET",
                          NULL, line_reader_next(reader, line, sizeof line));
    int err = errno;
    LAB_ASSERT_FAILS_WITH("line_reader_next() when read() fails with ECONNRESET", rc, err,
                          ECONNRESET,
                          LAB_TR("the call whose read() fails returns -1 with that errno",
                                 "read() 失败的那次调用返回 -1 并保留该 errno"));
    lab_inject_clear();
    lab_write_all(client, "ee\nlast", 7);
    shutdown(client, SHUT_WR);
    hint = LAB_TR("bytes read ahead survive an error: \"thr\" was in the buffer and must begin "
                  "the next line",
                  "预读的字节在出错后仍然保留：\"thr\" 还在缓冲区里，应成为下一行的开头");
    expect_line(reader, 64, LINE("three\n"), hint);
    expect_line(reader, 64, LINE("last"), hint);
    expect_end(reader, LAB_TR("at end of file return 0", "文件末尾返回 0"));
    free(reader);
    close(client);
    close(server);
}

LAB_TEST(test_line_reader_next_retries_eintr, 1)
{
    int client, server;
    lab_tcp_pair(&client, &server);
    lab_write_all(client, "a\n", 2);
    shutdown(client, SHUT_WR);
    wait_queued(server, 2);
    struct line_reader *reader = new_reader(server);
    inject_reads(1, 1, EINTR, 0);
    expect_line(reader, 64, LINE("a\n"),
                LAB_TR("a read() that fails with EINTR is made again",
                       "以 EINTR 失败的 read() 要重新调用"));
    lab_inject_clear();
    free(reader);
    close(client);
    close(server);
}

LAB_TEST(test_line_reader_next_peer_reset, 1)
{
    int client, server;
    lab_tcp_pair(&client, &server);
    lab_write_all(client, "one\ntwo", 7);
    wait_queued(server, 7);
    reset_connection(client);
    struct line_reader *reader = new_reader(server);
    expect_line(reader, 64, LINE("one\n"),
                LAB_TR("the bytes that arrived before the reset are returned first",
                       "重置之前到达的字节先返回"));
    char line[64];
    ssize_t rc = LAB_CALL("line_reader_next(reader, line, 64) after the peer reset", NULL,
                          line_reader_next(reader, line, sizeof line));
    int err = errno;
    LAB_ASSERT_FAILS_WITH("line_reader_next() after the peer reset", rc, err, ECONNRESET,
                          LAB_TR("return -1 with read()'s errno; \"two\" stays in the buffer",
                                 "返回 -1 并保留 read() 的 errno；\"two\" 留在缓冲区里"));
    expect_line(reader, 64, LINE("two"),
                LAB_TR("after the error, read() returns 0: the kept bytes are the last line",
                       "出错之后 read() 返回 0：保留的字节就是最后一行"));
    free(reader);
    close(server);
}

/* ---- read_to_eof ------------------------------------------------------------------------------
 */

LAB_TEST(test_read_to_eof_collects_until_eof, 2)
{
    int client, server;
    lab_tcp_pair(&client, &server);
    static const char data[] = "part one, part two, part three";
    struct sender s = {.fd = client,
                       .data = data,
                       .len = sizeof data - 1,
                       .piece_delay_ms = 30,
                       .piece_len = 10,
                       .shut_after = 1};
    void *peer;
    lab_thread_start(sender_thread, &s, &peer);
    char buf[100];
    ssize_t rc = LAB_CALL("read_to_eof(fd, buf, 100)",
                          LAB_TR("read(): the peer sends 3 pieces, then shuts down",
                                 "read()：对端分 3 段发送，然后关闭写方向"),
                          read_to_eof(server, buf, sizeof buf));
    int err = errno;
    lab_thread_join(peer);
    LAB_ASSERT(
        rc == 30 && memcmp(buf, data, 30) == 0, "read_to_eof(fd, buf, 100)",
        lab_fmt("30, %s", lab_escape(data, 30)),
        lab_fmt("%s, %s", lab_result_text(rc, err), lab_escape(buf, rc > 0 ? (size_t)rc : 0)),
        LAB_TR("keep reading behind what you have until read() returns 0",
               "接在已读数据后面继续读，直到 read() 返回 0"));
    close(client);
    close(server);
}

static ssize_t read_to_eof_of(size_t sent, size_t cap, int *err, unsigned char *buf)
{
    int client, server;
    lab_tcp_pair(&client, &server);
    unsigned char *data = malloc(sent);
    LAB_SETUP(data, "malloc");
    fill_pattern(data, sent);
    lab_write_all(client, data, sent);
    shutdown(client, SHUT_WR);
    ssize_t rc = LAB_CALL(lab_fmt("read_to_eof(fd, buf, %zu) with %zu bytes sent", cap, sent),
                          LAB_TR("read(): the peer has sent everything and shut down",
                                 "read()：对端已全部发送并关闭写方向"),
                          read_to_eof(server, buf, cap));
    *err = errno;
    if (rc >= 0 && memcmp(buf, data, (size_t)rc) != 0)
        rc = -2; /* wrong bytes */
    free(data);
    close(client);
    close(server);
    return rc;
}

LAB_TEST(test_read_to_eof_exactly_cap, 1)
{
    unsigned char buf[64];
    int err;
    ssize_t rc = read_to_eof_of(64, 64, &err, buf);
    LAB_ASSERT(rc == 64, "read_to_eof(fd, buf, 64) with exactly 64 bytes then EOF",
               LAB_TR("64 (the bytes as sent)", "64（字节与发送的相同）"),
               rc == -2 ? LAB_TR("other bytes than were sent", "字节与发送的不同")
                        : lab_result_text(rc, err),
               LAB_TR("a full buffer is not an overflow yet: read once more (into a spare byte) "
                      "and see whether it returns 0",
                      "缓冲区满了还不算溢出：再读一次（读进一个备用字节），看它是否返回 0"));
}

LAB_TEST(test_read_to_eof_more_than_cap, 2)
{
    unsigned char buf[1000];
    int err;
    ssize_t rc = read_to_eof_of(65, 64, &err, buf);
    LAB_ASSERT_FAILS_WITH("read_to_eof(fd, buf, 64) with 65 bytes sent", rc, err, EMSGSIZE,
                          LAB_TR("a byte arriving after cap bytes is an overflow: -1 with EMSGSIZE",
                                 "在 cap 个字节之后又来了字节就是溢出：-1 和 EMSGSIZE"));
    rc = read_to_eof_of(1000, 64, &err, buf);
    LAB_ASSERT_FAILS_WITH("read_to_eof(fd, buf, 64) with 1000 bytes sent", rc, err, EMSGSIZE,
                          LAB_TR("never read past buf + cap, and never return a cut message as a "
                                 "success",
                                 "不要读到 buf + cap 之外，也不要把被截断的消息当成功返回"));
}

LAB_TEST(test_read_to_eof_retries_eintr, 1)
{
    int client, server;
    lab_tcp_pair(&client, &server);
    lab_write_all(client, "abc", 3);
    shutdown(client, SHUT_WR);
    wait_queued(server, 3);
    inject_reads(1, 2, EINTR, 0);
    char buf[16];
    ssize_t rc = LAB_CALL("read_to_eof(fd, buf, 16) whose first two reads fail with EINTR", NULL,
                          read_to_eof(server, buf, sizeof buf));
    int err = errno;
    lab_inject_clear();
    LAB_ASSERT(
        rc == 3 && memcmp(buf, "abc", 3) == 0, "read_to_eof(fd, buf, 16) after EINTR", "3, \"abc\"",
        lab_fmt("%s, %s", lab_result_text(rc, err), lab_escape(buf, rc > 0 ? (size_t)rc : 0)),
        LAB_TR("EINTR is retried, not returned", "EINTR 要重试，而不是返回"));
    close(client);
    close(server);
}

/* ---- the servers: a client thread plays the other side ------------------------------------ */

struct client {
    int fd;
    const char *request;
    size_t request_len;
    int byte_delay_ms;  /* > 0: one byte at a time */
    int piece_delay_ms; /* > 0: pieces of piece_len bytes */
    size_t piece_len;
    size_t wait_greeting;  /* > 0: read this many bytes before sending anything */
    int greeting_first;    /* out: the greeting came before we sent */
    int interactive_lines; /* > 0: send line by line, waiting for each ack */
    char *reply;
    size_t reply_cap;
    size_t reply_len;
    int acks_in_time; /* out: lines answered before the next was sent */
};

/* Receives up to @p len bytes within @p timeout_ms into the reply buffer. */
static size_t client_receive(struct client *c, size_t len, int timeout_ms)
{
    size_t room = c->reply_cap - c->reply_len;
    size_t got =
        lab_read_exact(c->fd, c->reply + c->reply_len, len < room ? len : room, timeout_ms);
    c->reply_len += got;
    return got;
}

static void *client_thread(void *arg)
{
    struct client *c = arg;
    if (c->wait_greeting > 0)
        c->greeting_first = client_receive(c, c->wait_greeting, 1000) == c->wait_greeting;
    if (c->interactive_lines > 0) {
        size_t ack_len = strlen(DOC_ACK);
        for (int i = 0; i < c->interactive_lines; i++) {
            if (peer_send(c->fd, "line\n", 5) < 0 || client_receive(c, ack_len, 1000) != ack_len)
                break;
            c->acks_in_time++;
        }
    } else {
        struct sender s = {.fd = c->fd,
                           .data = c->request,
                           .len = c->request_len,
                           .byte_delay_ms = c->byte_delay_ms,
                           .piece_delay_ms = c->piece_delay_ms,
                           .piece_len = c->piece_len};
        sender_thread(&s);
    }
    shutdown(c->fd, SHUT_WR);
    ssize_t rest = lab_read_until_eof(c->fd, c->reply + c->reply_len, c->reply_cap - c->reply_len,
                                      PEER_WAIT_MS);
    if (rest > 0)
        c->reply_len += (size_t)rest;
    return NULL;
}

static void start_client(struct client *c, int fd, size_t reply_cap, void **handle)
{
    c->fd = fd;
    c->reply = malloc(reply_cap);
    c->reply_cap = reply_cap;
    LAB_SETUP(c->reply, "malloc");
    lab_thread_start(client_thread, c, handle);
}

/* After the server function returned: end our side so the client sees EOF, drain, join. */
static void finish_client(int conn, void *handle)
{
    static char scratch[1 << 17];
    shutdown(conn, SHUT_WR);
    /* A server that failed early left the request unread: take it, so the client can finish. */
    lab_read_until_eof(conn, scratch, sizeof scratch, PEER_WAIT_MS);
    lab_thread_join(handle);
}

/* ---- serve_prefix_reply --------------------------------------------------------------------- */

static int run_prefix_reply(struct client *c, const char *call)
{
    int client, conn;
    lab_tcp_pair(&client, &conn);
    void *peer;
    start_client(c, client, (1 << 17) + 64, &peer);
    int rc = LAB_CALL(call,
                      LAB_TR("read(): the client shuts down its sending side when done",
                             "read()：客户端发完后会关闭写方向"),
                      serve_prefix_reply(conn, DOC_PREFIX));
    int err = errno;
    int open = still_open(conn);
    finish_client(conn, peer);
    LAB_ASSERT(open, call, LAB_TR("conn still open", "conn 仍然打开"),
               LAB_TR("conn was closed", "conn 被关闭了"),
               LAB_TR("the caller owns conn: do not close it", "conn 归调用者所有：不要关闭它"));
    close(client);
    close(conn);
    errno = err;
    return rc;
}

LAB_TEST(test_serve_prefix_reply_document_example, 3)
{
    struct client c = {.request = "hello \n", .request_len = 7};
    const char *call = "serve_prefix_reply(conn, \"" DOC_PREFIX "\") for \"hello \\n\"";
    int rc = run_prefix_reply(&c, call);
    int err = errno;
    LAB_ASSERT(rc == 0, call, "0", lab_result_text(rc, err),
               LAB_TR("read until read() returns 0, write the answer, return 0",
                      "读到 read() 返回 0，写出回答，返回 0"));
    LAB_ASSERT_BYTES(
        call, c.reply, c.reply_len, DOC_PREFIX "hello \n", strlen(DOC_PREFIX "hello \n"),
        LAB_TR("the answer is the prefix (UTF-8 bytes) followed by every byte received",
               "回答是前缀（UTF-8 字节）加上收到的全部字节"));
    free(c.reply);
}

LAB_TEST(test_serve_prefix_reply_waits_for_eof, 2)
{
    static const char request[] = "first piece, second piece, third piece\n";
    struct client c = {.request = request,
                       .request_len = sizeof request - 1,
                       .piece_delay_ms = 30,
                       .piece_len = 13};
    const char *call = "serve_prefix_reply(conn, prefix) for a request sent in 3 pieces";
    int rc = run_prefix_reply(&c, call);
    int err = errno;
    LAB_ASSERT(rc == 0, call, "0", lab_result_text(rc, err),
               LAB_TR("return 0 after the answer is written", "写出回答后返回 0"));
    LAB_ASSERT_BYTES(
        call, c.reply, c.reply_len, DOC_PREFIX "first piece, second piece, third piece\n",
        strlen(DOC_PREFIX) + sizeof request - 1,
        LAB_TR("one read() may return only the first piece: read until EOF, then answer",
               "一次 read() 可能只得到第一段：读到 EOF 再回答"));
    free(c.reply);
}

LAB_TEST(test_serve_prefix_reply_largest_input, 1)
{
    char *request = malloc(PREFIX_REPLY_INPUT_MAX);
    char *want = malloc(strlen(DOC_PREFIX) + PREFIX_REPLY_INPUT_MAX);
    LAB_SETUP(request && want, "malloc");
    fill_pattern((unsigned char *)request, PREFIX_REPLY_INPUT_MAX);
    memcpy(want, DOC_PREFIX, strlen(DOC_PREFIX));
    memcpy(want + strlen(DOC_PREFIX), request, PREFIX_REPLY_INPUT_MAX);
    struct client c = {.request = request, .request_len = PREFIX_REPLY_INPUT_MAX};
    const char *call = "serve_prefix_reply(conn, prefix) for PREFIX_REPLY_INPUT_MAX bytes";
    int rc = run_prefix_reply(&c, call);
    int err = errno;
    LAB_ASSERT(rc == 0, call, "0", lab_result_text(rc, err),
               LAB_TR("exactly PREFIX_REPLY_INPUT_MAX bytes is allowed",
                      "恰好 PREFIX_REPLY_INPUT_MAX 个字节是允许的"));
    LAB_ASSERT_BYTES(call, c.reply, c.reply_len, want, strlen(DOC_PREFIX) + PREFIX_REPLY_INPUT_MAX,
                     LAB_TR("the whole answer, every byte in order", "完整的回答，每个字节按顺序"));
    free(c.reply);
    free(request);
    free(want);
}

LAB_TEST(test_serve_prefix_reply_too_large, 2)
{
    char *request = malloc(PREFIX_REPLY_INPUT_MAX + 1);
    LAB_SETUP(request, "malloc");
    memset(request, 'x', PREFIX_REPLY_INPUT_MAX + 1);
    struct client c = {.request = request, .request_len = PREFIX_REPLY_INPUT_MAX + 1};
    const char *call = "serve_prefix_reply(conn, prefix) for PREFIX_REPLY_INPUT_MAX + 1 bytes";
    int rc = run_prefix_reply(&c, call);
    int err = errno;
    LAB_ASSERT_FAILS_WITH(call, rc, err, EMSGSIZE,
                          LAB_TR("more than PREFIX_REPLY_INPUT_MAX bytes: -1 with EMSGSIZE",
                                 "超过 PREFIX_REPLY_INPUT_MAX 个字节：-1 和 EMSGSIZE"));
    LAB_ASSERT(c.reply_len == 0, call, LAB_TR("no answer at all", "没有任何回答"),
               lab_fmt(LAB_TR("%zu bytes of answer", "%zu 字节的回答"), c.reply_len),
               LAB_TR("refuse an oversized request without writing anything",
                      "拒绝过大的请求，什么都不要写"));
    free(c.reply);
    free(request);
}

LAB_TEST(test_serve_prefix_reply_short_writes, 2)
{
    struct client c = {.request = "hello \n", .request_len = 7};
    inject_writes(1, -1, 0, 5);
    const char *call = "serve_prefix_reply(conn, prefix) while every write() moves at most 5 bytes";
    int rc = run_prefix_reply(&c, call);
    int err = errno;
    lab_inject_clear();
    LAB_ASSERT(rc == 0, call, "0", lab_result_text(rc, err),
               LAB_TR("short writes are not errors", "短写不是错误"));
    LAB_ASSERT_BYTES(call, c.reply, c.reply_len, DOC_PREFIX "hello \n",
                     strlen(DOC_PREFIX "hello \n"),
                     LAB_TR("write the answer with write_all(), not a single write()",
                            "用 write_all() 写出回答，而不是一次 write()"));
    free(c.reply);
}

LAB_TEST(test_serve_prefix_reply_empty_request, 1)
{
    struct client c = {.request = "", .request_len = 0};
    const char *call = "serve_prefix_reply(conn, prefix) for a client that sends nothing";
    int rc = run_prefix_reply(&c, call);
    int err = errno;
    LAB_ASSERT(rc == 0, call, "0", lab_result_text(rc, err),
               LAB_TR("an empty request is still a request", "空请求也是请求"));
    LAB_ASSERT_BYTES(call, c.reply, c.reply_len, DOC_PREFIX, strlen(DOC_PREFIX),
                     LAB_TR("the answer is the prefix alone", "回答只有前缀"));
    free(c.reply);
}

/* ---- serve_line_acks ------------------------------------------------------------------------- */

struct acks_run {
    long rc;
    int err;
    char log[8192];
    size_t log_len;
};

static void run_line_acks(struct client *c, const char *call, int with_log, struct acks_run *run)
{
    int client, conn;
    lab_tcp_pair(&client, &conn);
    signal(SIGPIPE, SIG_IGN);
    FILE *log = with_log ? tmpfile() : NULL;
    LAB_SETUP(!with_log || log, "tmpfile()");
    void *peer;
    start_client(c, client, 1 << 17, &peer);
    run->rc = LAB_CALL(call,
                       LAB_TR("read(): the client shuts down its sending side when done",
                              "read()：客户端发完后会关闭写方向"),
                       serve_line_acks(conn, DOC_GREETING, DOC_ACK, log));
    run->err = errno;
    int open = still_open(conn);
    finish_client(conn, peer);
    run->log_len = 0;
    if (log) {
        fflush(log);
        rewind(log);
        run->log_len = fread(run->log, 1, sizeof run->log, log);
        fclose(log);
    }
    LAB_ASSERT(open, call, LAB_TR("conn still open", "conn 仍然打开"),
               LAB_TR("conn was closed", "conn 被关闭了"),
               LAB_TR("the caller owns conn: do not close it", "conn 归调用者所有：不要关闭它"));
    close(client);
    close(conn);
}

/* The greeting followed by @p acks acknowledgements. */
static const char *expected_reply(int acks, size_t *len)
{
    static char text[1 << 16];
    size_t used = (size_t)snprintf(text, sizeof text, "%s", DOC_GREETING);
    for (int i = 0; i < acks && used + sizeof DOC_ACK < sizeof text; i++)
        used += (size_t)snprintf(text + used, sizeof text - used, "%s", DOC_ACK);
    *len = used;
    return text;
}

static void expect_acks(const char *call, const struct acks_run *run, const struct client *c,
                        long lines, const char *hint)
{
    LAB_ASSERT(run->rc == lines, call, lab_fmt("%ld", lines), lab_result_text(run->rc, run->err),
               hint);
    size_t want_len;
    const char *want = expected_reply((int)lines, &want_len);
    LAB_ASSERT_BYTES(call, c->reply, c->reply_len, want, want_len, hint);
}

LAB_TEST(test_serve_line_acks_document_example, 3)
{
    struct client c = {.request = "SOME data\n", .request_len = 10};
    struct acks_run run;
    const char *call = "serve_line_acks(conn, \"Connect\\n\", \"Information received\\n\", log) "
                       "for \"SOME data\\n\"";
    run_line_acks(&c, call, 1, &run);
    expect_acks(call, &run, &c, 1,
                LAB_TR("send the greeting, then one acknowledgement per line; at EOF return the "
                       "number of lines",
                       "先发问候，再每行回一个确认；到 EOF 时返回行数"));
    LAB_ASSERT_BYTES(call, run.log, run.log_len, "Buffer: SOME data\n\n", 19,
                     LAB_TR("log \"Buffer: <line>\\n\", the line with its own '\\n'",
                            "日志写 \"Buffer: <line>\\n\"，行保留它自己的 '\\n'"));
    free(c.reply);
}

LAB_TEST(test_serve_line_acks_greets_before_reading, 2)
{
    struct client c = {
        .request = "SOME data\n", .request_len = 10, .wait_greeting = strlen(DOC_GREETING)};
    struct acks_run run;
    const char *call = "serve_line_acks(conn, greeting, ack, NULL) for a client that waits for "
                       "the greeting";
    run_line_acks(&c, call, 0, &run);
    LAB_ASSERT(c.greeting_first, call,
               LAB_TR("\"Connect\\n\" before the client sends anything",
                      "客户端发送任何东西之前先收到 \"Connect\\n\""),
               lab_fmt(LAB_TR("%s within 1 s", "1 秒内收到 %s"), lab_escape(c.reply, c.reply_len)),
               LAB_TR("the document's client reads the greeting first: send it before reading",
                      "文档中的客户端先读问候：在读取之前先把它发出去"));
    expect_acks(call, &run, &c, 1, LAB_TR("one line, one acknowledgement", "一行，一个确认"));
    free(c.reply);
}

LAB_TEST(test_serve_line_acks_cr_and_lf, 2)
{
    struct client c = {.request = "a\r\nb\n", .request_len = 5};
    struct acks_run run;
    const char *call = "serve_line_acks(conn, greeting, ack, log) for \"a\\r\\nb\\n\"";
    run_line_acks(&c, call, 1, &run);
    expect_acks(call, &run, &c, 3,
                LAB_TR("split lines as the line reader does: \"a\\r\", \"\\n\", \"b\\n\" are three "
                       "lines",
                       "像行读取器那样分行：\"a\\r\"、\"\\n\"、\"b\\n\" 是三行"));
    static const char want_log[] = "Buffer: a\r\nBuffer: \n\nBuffer: b\n\n";
    LAB_ASSERT_BYTES(
        call, run.log, run.log_len, want_log, sizeof want_log - 1,
        LAB_TR("one \"Buffer: <line>\\n\" per line", "每行一条 \"Buffer: <line>\\n\""));
    free(c.reply);
}

LAB_TEST(test_serve_line_acks_answers_each_line_at_once, 2)
{
    struct client c = {.wait_greeting = strlen(DOC_GREETING), .interactive_lines = 3};
    struct acks_run run;
    const char *call = "serve_line_acks(conn, greeting, ack, NULL) for a client that waits for "
                       "each acknowledgement";
    run_line_acks(&c, call, 0, &run);
    LAB_ASSERT(c.acks_in_time == 3, call,
               LAB_TR("each of 3 lines acknowledged before the client sends the next",
                      "3 行中的每一行都在客户端发下一行之前得到确认"),
               lab_fmt(LAB_TR("%d acknowledged in time", "%d 行及时得到确认"), c.acks_in_time),
               LAB_TR("answer a line as soon as it is complete; do not read ahead blocking when "
                      "the buffer already holds a whole line, nor wait for EOF",
                      "一行完整后立即回答；缓冲区里已有整行时不要再阻塞读取，也不要等到 EOF"));
    expect_acks(call, &run, &c, 3, LAB_TR("three lines, three acknowledgements", "三行，三个确认"));
    free(c.reply);
}

LAB_TEST(test_serve_line_acks_many_lines, 2)
{
    enum { LINES = 1000, LEN = 10 };
    static char request[LINES * LEN + 1];
    for (int i = 0; i < LINES; i++)
        snprintf(request + i * LEN, LEN + 1, "line %04u\n", (unsigned)i % 10000u);
    struct client c = {.request = request, .request_len = LINES * LEN};
    struct acks_run run;
    const char *call = "serve_line_acks(conn, greeting, ack, NULL) for 1000 lines sent at once";
    run_line_acks(&c, call, 0, &run);
    expect_acks(call, &run, &c, LINES,
                LAB_TR("lines that arrive together are still answered one by one; a NULL log "
                       "means no logging",
                       "一起到达的多行也要逐行回答；log 为 NULL 表示不记日志"));
    free(c.reply);
}

LAB_TEST(test_serve_line_acks_byte_by_byte, 2)
{
    struct client c = {.request = "first\nsecond\n", .request_len = 13, .byte_delay_ms = 1};
    struct acks_run run;
    const char *call =
        "serve_line_acks(conn, greeting, ack, log) for lines sent one byte at a time";
    run_line_acks(&c, call, 1, &run);
    expect_acks(
        call, &run, &c, 2,
        LAB_TR("a line that arrives in pieces is still one line", "分成多段到达的一行仍然是一行"));
    static const char want_log[] = "Buffer: first\n\nBuffer: second\n\n";
    LAB_ASSERT_BYTES(
        call, run.log, run.log_len, want_log, sizeof want_log - 1,
        LAB_TR("log whole lines, not the pieces read()", "日志记录整行，而不是 read() 读到的片段"));
    free(c.reply);
}

LAB_TEST(test_serve_line_acks_last_line_without_terminator, 1)
{
    struct client c = {.request = "one\ntwo", .request_len = 7};
    struct acks_run run;
    const char *call = "serve_line_acks(conn, greeting, ack, log) for \"one\\ntwo\"";
    run_line_acks(&c, call, 1, &run);
    expect_acks(call, &run, &c, 2,
                LAB_TR("the bytes before EOF without a terminator count as a line",
                       "EOF 之前没有结束符的字节也算一行"));
    static const char want_log[] = "Buffer: one\n\nBuffer: two\n";
    LAB_ASSERT_BYTES(
        call, run.log, run.log_len, want_log, sizeof want_log - 1,
        LAB_TR("one \"Buffer: <line>\\n\" per line", "每行一条 \"Buffer: <line>\\n\""));
    free(c.reply);
}

LAB_TEST(test_serve_line_acks_long_line, 1)
{
    enum { LEN = 3000 };
    static char request[LEN + 1];
    memset(request, 'x', LEN);
    request[LEN] = '\n';
    struct client c = {.request = request, .request_len = LEN + 1};
    struct acks_run run;
    const char *call = "serve_line_acks(conn, greeting, ack, NULL) for a line of 3000 bytes";
    run_line_acks(&c, call, 0, &run);
    expect_acks(
        call, &run, &c, 3,
        LAB_TR("a line longer than LINE_ACKS_LINE_MAX (1024) is answered per piece: "
               "1024 + 1024 + 953 bytes make 3 lines",
               "超过 LINE_ACKS_LINE_MAX (1024) 的行按段回答：1024 + 1024 + 953 字节是 3 行"));
    free(c.reply);
}

/* Reads the greeting, sends a line, reads its ack, then resets the connection. */
static void *reset_after_ack_thread(void *arg)
{
    int fd = *(int *)arg;
    char buf[64];
    size_t want = strlen(DOC_GREETING) + strlen(DOC_ACK);
    lab_read_exact(fd, buf, strlen(DOC_GREETING), PEER_WAIT_MS);
    peer_send(fd, "x\n", 2);
    lab_read_exact(fd, buf, want - strlen(DOC_GREETING), PEER_WAIT_MS);
    reset_connection(fd);
    return NULL;
}

LAB_TEST(test_serve_line_acks_peer_reset, 1)
{
    int client, conn;
    lab_tcp_pair(&client, &conn);
    signal(SIGPIPE, SIG_IGN);
    void *peer;
    lab_thread_start(reset_after_ack_thread, &client, &peer);
    long rc = LAB_CALL("serve_line_acks(conn, greeting, ack, NULL) with a client that resets",
                       LAB_TR("read(): the RST arrives after the first acknowledgement",
                              "read()：RST 在第一个确认之后到达"),
                       serve_line_acks(conn, DOC_GREETING, DOC_ACK, NULL));
    int err = errno;
    shutdown(conn, SHUT_WR); /* if it returned early, the client sees EOF and stops waiting */
    lab_thread_join(peer);
    LAB_ASSERT_FAILS_WITH("serve_line_acks() with a client that resets", rc, err, ECONNRESET,
                          LAB_TR("a failed read is an error, not the end of the stream: -1 with "
                                 "its errno",
                                 "读取失败是错误，不是数据流的结束：返回 -1 并保留它的 errno"));
    close(conn);
}

void lab_register_tests(void)
{
    LAB_ADD(test_write_all_sends_everything);
    LAB_ADD(test_write_all_short_writes_injected);
    LAB_ADD(test_write_all_real_short_writes);
    LAB_ADD(test_write_all_retries_eintr_injected);
    LAB_ADD(test_write_all_retries_eintr_signal);
    LAB_ADD(test_write_all_error_after_partial_write);
    LAB_ADD(test_read_once_returns_what_one_read_gives);
    LAB_ADD(test_read_once_eof_returns_zero);
    LAB_ADD(test_read_once_retries_eintr_injected);
    LAB_ADD(test_read_once_retries_eintr_signal);
    LAB_ADD(test_read_once_reports_reset);
    LAB_ADD(test_line_reader_init_sets_fields);
    LAB_ADD(test_line_reader_next_newline_lines);
    LAB_ADD(test_line_reader_next_cr_ends_a_line);
    LAB_ADD(test_line_reader_next_last_line_without_terminator);
    LAB_ADD(test_line_reader_next_long_line_in_pieces);
    LAB_ADD(test_line_reader_next_cap_too_small);
    LAB_ADD(test_line_reader_next_few_system_calls);
    LAB_ADD(test_line_reader_next_byte_by_byte_peer);
    LAB_ADD(test_line_reader_next_error_keeps_read_ahead);
    LAB_ADD(test_line_reader_next_retries_eintr);
    LAB_ADD(test_line_reader_next_peer_reset);
    LAB_ADD(test_read_to_eof_collects_until_eof);
    LAB_ADD(test_read_to_eof_exactly_cap);
    LAB_ADD(test_read_to_eof_more_than_cap);
    LAB_ADD(test_read_to_eof_retries_eintr);
    LAB_ADD(test_serve_prefix_reply_document_example);
    LAB_ADD(test_serve_prefix_reply_waits_for_eof);
    LAB_ADD(test_serve_prefix_reply_largest_input);
    LAB_ADD(test_serve_prefix_reply_too_large);
    LAB_ADD(test_serve_prefix_reply_short_writes);
    LAB_ADD(test_serve_prefix_reply_empty_request);
    LAB_ADD(test_serve_line_acks_document_example);
    LAB_ADD(test_serve_line_acks_greets_before_reading);
    LAB_ADD(test_serve_line_acks_cr_and_lf);
    LAB_ADD_TIMEOUT(test_serve_line_acks_answers_each_line_at_once, 6.0);
    LAB_ADD(test_serve_line_acks_many_lines);
    LAB_ADD(test_serve_line_acks_byte_by_byte);
    LAB_ADD(test_serve_line_acks_last_line_without_terminator);
    LAB_ADD(test_serve_line_acks_long_line);
    LAB_ADD(test_serve_line_acks_peer_reset);
}
