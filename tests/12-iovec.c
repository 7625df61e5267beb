/* 12-iovec.c — tests of lesson 12: buffer arrays, writev_all, readv_full, passing descriptors. */
#define _GNU_SOURCE
#include "iovec.h"
#include "lab.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * How the hard conditions are made on purpose:
 * - allocations: tests/12-iovec.wrap also wraps malloc, calloc, realloc,
 *   reallocarray and free. Inside student code the wrappers below keep a
 *   list of the blocks still allocated (a leak check that works without
 *   ASan) and can make the nth allocation fail with ENOMEM;
 * - short writev/readv/sendmsg and EINTR: the wrappers of wrap.c clip a
 *   copy of the iovec array, or fail the call (lab_inject);
 * - real short writev: a small send buffer and a slow reader that keeps
 *   interrupting the writer with a signal (SA_RESTART): a blocking writev()
 *   that has moved some bytes returns that partial count;
 * - descriptors: the test's own sendmsg()/recvmsg() (raw_send_fds,
 *   raw_recv_fds) play the other side, so each student function is checked
 *   against a known-good peer; forked children make it cross processes.
 */

#define WAIT_MS 3000    /* a peer gives up after this long: every wait is bounded */
#define NOTHING_MS 500  /* how long "nothing arrives" is watched */
#define TEST_MAX_FDS 32 /* descriptors one raw message may carry in these tests */
#define MANY_FDS 16     /* more than any sensible receive buffer expects */
#define DOUBLING_ADDS 1000

/* ---- allocations made by the code under test ----------------------------------------------- */

/*
 * Only calls made inside LAB_CALL (lab_in_student_code) are tracked; the
 * test's own allocations and those of its peer threads pass straight
 * through. Student code runs in one thread at a time, so no lock is needed.
 */
#define TRACKED_MAX 8192
static void *tracked[TRACKED_MAX];
static int tracked_count;
static int allocation_calls; /* allocating calls since allocations_count_from_now() */
static int fail_at;          /* that call (1-based) fails with ENOMEM; 0: none */
static int failure_happened;

static void track(void *p)
{
    if (p && tracked_count < TRACKED_MAX)
        tracked[tracked_count++] = p;
}

static void untrack(void *p)
{
    for (int i = 0; i < tracked_count; i++)
        if (tracked[i] == p) {
            tracked[i] = tracked[--tracked_count];
            return;
        }
}

/* Counts one allocating call; 1 if this one must fail. */
static int allocation_must_fail(void)
{
    allocation_calls++;
    if (fail_at > 0 && allocation_calls == fail_at) {
        failure_happened = 1;
        errno = ENOMEM;
        return 1;
    }
    return 0;
}

static void allocations_count_from_now(int fail_number)
{
    allocation_calls = 0;
    fail_at = fail_number;
    failure_happened = 0;
}

/* Blocks that the code under test allocated and has not freed. */
static int live_allocations(void)
{
    return tracked_count;
}

extern void *__real_malloc(size_t) __attribute__((weak));
extern void *__real_calloc(size_t, size_t) __attribute__((weak));
extern void *__real_realloc(void *, size_t) __attribute__((weak));
extern void *__real_reallocarray(void *, size_t, size_t) __attribute__((weak));
extern void __real_free(void *) __attribute__((weak));
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t count, size_t size);
void *__wrap_realloc(void *old, size_t size);
void *__wrap_reallocarray(void *old, size_t count, size_t size);
void __wrap_free(void *p);

void *__wrap_malloc(size_t size)
{
    if (!lab_in_student_code())
        return __real_malloc(size);
    if (allocation_must_fail())
        return NULL;
    void *p = __real_malloc(size);
    track(p);
    return p;
}

void *__wrap_calloc(size_t count, size_t size)
{
    if (!lab_in_student_code())
        return __real_calloc(count, size);
    if (allocation_must_fail())
        return NULL;
    void *p = __real_calloc(count, size);
    track(p);
    return p;
}

/* After realloc(old, ...) returned @p p: the old block is gone unless the call failed. */
static void *moved(void *old, void *p, size_t size)
{
    if (p || size == 0) /* realloc(old, 0) may free old and return NULL */
        untrack(old);
    track(p);
    return p;
}

void *__wrap_realloc(void *old, size_t size)
{
    if (!lab_in_student_code())
        return __real_realloc(old, size);
    if (allocation_must_fail())
        return NULL;
    return moved(old, __real_realloc(old, size), size);
}

void *__wrap_reallocarray(void *old, size_t count, size_t size)
{
    if (!lab_in_student_code())
        return __real_reallocarray(old, count, size);
    if (allocation_must_fail())
        return NULL;
    return moved(old, __real_reallocarray(old, count, size), count * size);
}

void __wrap_free(void *p)
{
    if (lab_in_student_code())
        untrack(p);
    __real_free(p);
}

/* ---- small helpers ------------------------------------------------------------------------- */

static const char *array_text(const struct iovec_array *a)
{
    return lab_fmt("{iov %s, count %zu, capacity %zu}", a->iov ? "set" : "NULL", a->count,
                   a->capacity);
}

static int all_zero(const void *p, size_t len)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < len; i++)
        if (b[i])
            return 0;
    return 1;
}

/* Bytes that reveal a lost, repeated or reordered block (not periodic in powers of two). */
static void fill_pattern(unsigned char *buf, size_t len)
{
    unsigned state = 2463534242u;
    for (size_t i = 0; i < len; i++) {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        buf[i] = (unsigned char)state;
    }
}

static size_t first_difference(const unsigned char *a, const unsigned char *b, size_t len)
{
    size_t i = 0;
    while (i < len && a[i] == b[i])
        i++;
    return i;
}

static void unix_pair(int type, int sv[2])
{
    LAB_SETUP(socketpair(AF_UNIX, type, 0, sv) == 0, "socketpair(AF_UNIX)");
}

static void make_pipe(int p[2])
{
    LAB_SETUP(pipe(p) == 0, "pipe()");
}

/* A descriptor number that is not open now. */
static int closed_descriptor(void)
{
    int fd = dup(0);
    LAB_SETUP(fd >= 0, "dup(0)");
    close(fd);
    return fd;
}

static void close_all(const int *fds, int n)
{
    for (int i = 0; i < n; i++)
        lab_close(fds[i]);
}

/* The bytes that an iovec array describes, one after the other (test side). */
static size_t flatten(const struct iovec *iov, int count, char *out, size_t cap)
{
    size_t used = 0;
    for (int i = 0; i < count; i++) {
        LAB_SETUP(used + iov[i].iov_len <= cap, "flatten: buffer too small");
        memcpy(out + used, iov[i].iov_base, iov[i].iov_len);
        used += iov[i].iov_len;
    }
    return used;
}

/* Which entry of an iovec array differs from its copy, or -1. */
static int changed_entry(const struct iovec *now, const struct iovec *before, int count)
{
    for (int i = 0; i < count; i++)
        if (now[i].iov_base != before[i].iov_base || now[i].iov_len != before[i].iov_len)
            return i;
    return -1;
}

static int writes_other_than_writev(void)
{
    return lab_recorded_count("write") + lab_recorded_count("send") + lab_recorded_count("sendto") +
           lab_recorded_count("sendmsg");
}

/* ---- the test's own descriptor passing (the known-good peer) ------------------------------- */

union test_control {
    char bytes[CMSG_SPACE(sizeof(int) * TEST_MAX_FDS)];
    struct cmsghdr align;
};

/* sendmsg() with one SCM_RIGHTS message of @p nfds descriptors (none: plain data). Safe in a
 * forked child: returns -1 instead of failing the test. */
static int raw_send_fds(int sock, const int *fds, int nfds, const void *data, size_t len)
{
    union test_control control;
    struct iovec iov = {.iov_base = (void *)data, .iov_len = len};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
    memset(&control, 0, sizeof control);
    if (nfds > 0) {
        msg.msg_control = control.bytes;
        msg.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)nfds);
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)nfds);
        memcpy(CMSG_DATA(c), fds, sizeof(int) * (size_t)nfds);
    }
    return sendmsg(sock, &msg, MSG_NOSIGNAL) == (ssize_t)len ? 0 : -1;
}

/* What one raw recvmsg() brought. */
struct received {
    ssize_t len; /* data bytes, -1 if nothing came in time */
    int fds[TEST_MAX_FDS];
    int nfds;            /* descriptors, over all SCM_RIGHTS messages */
    int rights_messages; /* SCM_RIGHTS control messages */
    int truncated;       /* MSG_CTRUNC */
};

/* One recvmsg() with room for many descriptors, after waiting up to @p timeout_ms. */
static void raw_recv_fds(int sock, void *buf, size_t cap, struct received *r, int timeout_ms)
{
    union test_control control;
    struct iovec iov = {.iov_base = buf, .iov_len = cap};
    struct msghdr msg = {.msg_iov = &iov,
                         .msg_iovlen = 1,
                         .msg_control = control.bytes,
                         .msg_controllen = sizeof control.bytes};
    memset(r, 0, sizeof *r);
    r->len = -1;
    if (!lab_wait_readable(sock, timeout_ms))
        return;
    r->len = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
    r->truncated = (msg.msg_flags & MSG_CTRUNC) != 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); r->len >= 0 && c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
            continue;
        r->rights_messages++;
        size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < n && r->nfds < TEST_MAX_FDS; i++)
            memcpy(&r->fds[r->nfds++], CMSG_DATA(c) + i * sizeof(int), sizeof(int));
    }
}

/* ---- peer threads -------------------------------------------------------------------------- */

/* Sends its bytes one per send(), a few milliseconds apart. */
struct trickle {
    int fd;
    const char *data;
    size_t len;
    int delay_ms;
};

static void *trickle_thread(void *arg)
{
    struct trickle *t = arg;
    for (size_t i = 0; i < t->len; i++) {
        lab_sleep_ms(t->delay_ms);
        if (send(t->fd, t->data + i, 1, MSG_NOSIGNAL) != 1)
            break;
    }
    return NULL;
}

/* Reads until EOF in small chunks, sending SIGUSR1 to `target` every few reads. */
struct drainer {
    int fd;
    unsigned char *buf;
    size_t cap;
    size_t got;
    pthread_t target;
};

#define DRAIN_CHUNK 1000
#define DRAIN_SIGNAL_EVERY 16

static void *drainer_thread(void *arg)
{
    struct drainer *d = arg;
    for (int reads = 1; d->got < d->cap; reads++) {
        if (!lab_wait_readable(d->fd, WAIT_MS))
            break;
        size_t want = d->cap - d->got < DRAIN_CHUNK ? d->cap - d->got : DRAIN_CHUNK;
        ssize_t n = read(d->fd, d->buf + d->got, want);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        d->got += (size_t)n;
        if (reads % DRAIN_SIGNAL_EVERY == 0) {
            pthread_kill(d->target, SIGUSR1);
            lab_sleep_ms(1);
        }
    }
    return NULL;
}

static void ignore_signal(int sig)
{
    (void)sig;
}

/* ---- iovec_array_alloc / iovec_array_free --------------------------------------------------- */

LAB_TEST(test_iovec_array_alloc_zeroed_buffers, 2)
{
    struct iovec_array a = {0};
    int rc = LAB_CALL("iovec_array_alloc(&a, 3, 16)", NULL, iovec_array_alloc(&a, 3, 16));
    int err = errno;
    LAB_ASSERT(
        rc == 0, "iovec_array_alloc(&a, 3, 16)", "0", lab_result_text(rc, err),
        LAB_TR("allocate the element array, then each buffer", "先分配元素数组，再分配每块缓冲区"));
    LAB_ASSERT(a.iov && a.count == 3 && a.capacity >= 3, "iovec_array_alloc(&a, 3, 16)",
               "{iov set, count 3, capacity >= 3}", array_text(&a),
               LAB_TR("count is the number of buffers in use; capacity the elements allocated",
                      "count 是使用中的缓冲区数；capacity 是已分配的元素数"));
    for (int i = 0; i < 3; i++) {
        LAB_ASSERT(a.iov[i].iov_base && a.iov[i].iov_len == 16 && all_zero(a.iov[i].iov_base, 16),
                   "iovec_array_alloc(&a, 3, 16)",
                   lab_fmt(LAB_TR("iov[%d]: 16 zero bytes", "iov[%d]：16 个零字节"), i),
                   lab_fmt("iov[%d] = {%s, %zu}%s", i, a.iov[i].iov_base ? "set" : "NULL",
                           a.iov[i].iov_len,
                           a.iov[i].iov_base && !all_zero(a.iov[i].iov_base, a.iov[i].iov_len)
                               ? LAB_TR(", not zeroed", "，没有清零")
                               : ""),
                   LAB_TR("calloc() gives zeroed memory; set iov_len to each_len",
                          "calloc() 分配的内存是清零的；把 iov_len 设为 each_len"));
    }
    LAB_ASSERT(a.iov[0].iov_base != a.iov[1].iov_base && a.iov[1].iov_base != a.iov[2].iov_base &&
                   a.iov[0].iov_base != a.iov[2].iov_base,
               "iovec_array_alloc(&a, 3, 16)", LAB_TR("three separate buffers", "三块不同的缓冲区"),
               LAB_TR("two elements point to the same buffer", "有两个元素指向同一块缓冲区"),
               LAB_TR("allocate every buffer on its own", "每块缓冲区单独分配"));
    LAB_CALL_VOID("iovec_array_free(&a)", NULL, iovec_array_free(&a));
    LAB_ASSERT(
        live_allocations() == 0, "iovec_array_free(&a)",
        LAB_TR("every block freed", "所有内存块都已释放"),
        lab_fmt(LAB_TR("%d blocks still allocated", "还有 %d 块内存没有释放"), live_allocations()),
        LAB_TR("free each buffer, then the element array", "先释放每块缓冲区，再释放元素数组"));

    struct iovec_array empty = {0};
    rc = LAB_CALL("iovec_array_alloc(&a, 0, 8)", NULL, iovec_array_alloc(&empty, 0, 8));
    err = errno;
    LAB_ASSERT(rc == 0 && empty.count == 0, "iovec_array_alloc(&a, 0, 8)", "0, {count 0}",
               lab_fmt("%s, %s", lab_result_text(rc, err), array_text(&empty)),
               LAB_TR("no buffers is a valid, empty array", "没有缓冲区也是合法的空数组"));
    LAB_CALL_VOID("iovec_array_free(&a)", NULL, iovec_array_free(&empty));
    LAB_ASSERT(live_allocations() == 0, "iovec_array_alloc(&a, 0, 8) + iovec_array_free(&a)", "0",
               lab_fmt("%d", live_allocations()),
               LAB_TR("free what alloc allocated", "释放 alloc 分配的东西"));
}

LAB_TEST(test_iovec_array_out_of_memory, 2)
{
    /* alloc: make the 1st, 2nd, ... allocation fail in turn. */
    for (int nth = 1; nth <= 8; nth++) {
        struct iovec sentinel;
        struct iovec_array a = {.iov = &sentinel, .count = 99, .capacity = 99};
        allocations_count_from_now(nth);
        int rc = LAB_CALL("iovec_array_alloc(&a, 3, 8) with one allocation failing", NULL,
                          iovec_array_alloc(&a, 3, 8));
        int err = errno;
        int hit = failure_happened;
        allocations_count_from_now(0);
        const char *call = lab_fmt(LAB_TR("iovec_array_alloc(&a, 3, 8), allocation #%d fails",
                                          "iovec_array_alloc(&a, 3, 8)，第 %d 次分配失败"),
                                   nth);
        if (rc == 0 && !hit) { /* fewer allocations than nth: all failures were tried */
            LAB_CALL_VOID("iovec_array_free(&a)", NULL, iovec_array_free(&a));
            break;
        }
        LAB_ASSERT_FAILS_WITH(call, rc, err, ENOMEM,
                              LAB_TR("a NULL from malloc/calloc is ENOMEM: return -1",
                                     "malloc/calloc 返回 NULL 就是 ENOMEM：返回 -1"));
        LAB_ASSERT(!a.iov && a.count == 0 && a.capacity == 0, call,
                   "{iov NULL, count 0, capacity 0}", array_text(&a),
                   LAB_TR("on failure leave the array empty", "失败时让数组保持为空"));
        LAB_ASSERT(live_allocations() == 0, call, LAB_TR("nothing leaked", "没有泄漏"),
                   lab_fmt(LAB_TR("%d blocks still allocated", "还有 %d 块内存没有释放"),
                           live_allocations()),
                   LAB_TR("free the buffers allocated before the failure, and the array",
                          "释放失败之前分配的缓冲区，以及元素数组"));
    }

    /* add to a full array: whichever allocation fails, the array stays as it was. */
    for (int nth = 1; nth <= 3; nth++) {
        struct iovec_array a = {0};
        int rc = LAB_CALL("iovec_array_alloc(&a, 4, 2)", NULL, iovec_array_alloc(&a, 4, 2));
        LAB_ASSERT(rc == 0, "iovec_array_alloc(&a, 4, 2)", "0", lab_result_text(rc, errno),
                   LAB_TR("iovec_array_alloc() must work first", "iovec_array_alloc() 要先能用"));
        for (size_t i = 0; i < 4; i++)
            memset(a.iov[i].iov_base, 'a' + (int)i, 2);
        allocations_count_from_now(nth);
        rc = LAB_CALL("iovec_array_add(&a, 5) with one allocation failing", NULL,
                      iovec_array_add(&a, 5));
        int err = errno;
        int hit = failure_happened;
        allocations_count_from_now(0);
        const char *call = lab_fmt(LAB_TR("iovec_array_add(&a, 5), allocation #%d fails",
                                          "iovec_array_add(&a, 5)，第 %d 次分配失败"),
                                   nth);
        if (!(rc == 0 && !hit)) {
            LAB_ASSERT_FAILS_WITH(call, rc, err, ENOMEM,
                                  LAB_TR("a NULL from malloc/realloc is ENOMEM: return -1",
                                         "malloc/realloc 返回 NULL 就是 ENOMEM：返回 -1"));
            int intact = a.count == 4;
            for (size_t i = 0; intact && i < 4; i++) {
                char want[2];
                memset(want, 'a' + (int)i, sizeof want);
                intact = a.iov[i].iov_len == 2 && memcmp(a.iov[i].iov_base, want, 2) == 0;
            }
            LAB_ASSERT(
                intact, call,
                LAB_TR("count 4 and the four buffers unchanged", "count 为 4，四块缓冲区不变"),
                array_text(&a),
                LAB_TR("realloc() into a new pointer: when it fails the old array is "
                       "still valid",
                       "realloc() 的结果先放进新指针：失败时旧数组仍然有效"));
        }
        LAB_CALL_VOID("iovec_array_free(&a)", NULL, iovec_array_free(&a));
        LAB_ASSERT(live_allocations() == 0, call, LAB_TR("nothing leaked", "没有泄漏"),
                   lab_fmt(LAB_TR("%d blocks still allocated after iovec_array_free()",
                                  "iovec_array_free() 之后还有 %d 块内存没有释放"),
                           live_allocations()),
                   LAB_TR("if the buffer was allocated and growing failed, free the buffer",
                          "如果缓冲区分配成功而扩容失败，要释放那块缓冲区"));
        if (rc == 0)
            break;
    }
}

/* ---- iovec_array_add --------------------------------------------------------------------------
 */

LAB_TEST(test_iovec_array_add_grows_past_capacity, 2)
{
    enum { ADDS = 100 };
    struct iovec_array a = {0};
    int rc = LAB_CALL("iovec_array_alloc(&a, 1, 4)", NULL, iovec_array_alloc(&a, 1, 4));
    LAB_ASSERT(rc == 0, "iovec_array_alloc(&a, 1, 4)", "0", lab_result_text(rc, errno),
               LAB_TR("iovec_array_alloc() must work first", "iovec_array_alloc() 要先能用"));
    memcpy(a.iov[0].iov_base, "abcd", 4);
    for (int i = 0; i < ADDS; i++) {
        rc = LAB_CALL("iovec_array_add(&a, i % 5)", NULL, iovec_array_add(&a, (size_t)(i % 5)));
        int err = errno;
        LAB_ASSERT(rc == 0 && a.count == (size_t)i + 2 && a.capacity >= a.count,
                   lab_fmt("iovec_array_add(&a, %d), call %d", i % 5, i + 1),
                   lab_fmt("0, {count %d, capacity >= %d}", i + 2, i + 2),
                   lab_fmt("%s, %s", lab_result_text(rc, err), array_text(&a)),
                   LAB_TR("when count == capacity, realloc() the element array bigger first",
                          "count == capacity 时，先用 realloc() 把元素数组变大"));
        struct iovec *added = &a.iov[a.count - 1];
        LAB_ASSERT(
            added->iov_len == (size_t)(i % 5) && (added->iov_len == 0 || added->iov_base) &&
                all_zero(added->iov_base, added->iov_len),
            lab_fmt("iovec_array_add(&a, %d)", i % 5),
            lab_fmt(LAB_TR("a new last buffer of %d zero bytes", "新的最后一块缓冲区，%d 个零字节"),
                    i % 5),
            lab_fmt("{%s, %zu}", added->iov_base ? "set" : "NULL", added->iov_len),
            LAB_TR("the new buffer goes at index count, zeroed (calloc)",
                   "新缓冲区放在下标 count 处，并清零（calloc）"));
        if (added->iov_len > 0) /* ASan sees buffers that overlap */
            memset(added->iov_base, 'A' + i % 26, added->iov_len);
    }
    LAB_ASSERT(a.iov[0].iov_len == 4 && memcmp(a.iov[0].iov_base, "abcd", 4) == 0,
               "iovec_array_add() x100",
               LAB_TR("buffer 0 still holds \"abcd\"", "缓冲区 0 仍然是 \"abcd\""),
               lab_escape(a.iov[0].iov_base, a.iov[0].iov_len),
               LAB_TR("growing moves the elements, never the buffers they point to",
                      "扩容搬动的是元素，而不是它们指向的缓冲区"));
    for (int i = 0; i < ADDS; i++) {
        const struct iovec *v = &a.iov[i + 1];
        char want[8];
        memset(want, 'A' + i % 26, sizeof want);
        LAB_ASSERT(v->iov_len == (size_t)(i % 5) &&
                       (v->iov_len == 0 || memcmp(v->iov_base, want, v->iov_len) == 0),
                   "iovec_array_add() x100",
                   lab_fmt(LAB_TR("buffer %d keeps its %d bytes", "缓冲区 %d 保留它的 %d 个字节"),
                           i + 1, i % 5),
                   lab_escape(v->iov_base, v->iov_len),
                   LAB_TR("keep every element when the array grows", "数组扩容时保留每个元素"));
    }
    LAB_CALL_VOID("iovec_array_free(&a)", NULL, iovec_array_free(&a));

    /* From a zeroed array, and many times: the element array grows by doubling. */
    struct iovec_array z = {0};
    allocations_count_from_now(0);
    for (int i = 0; i < DOUBLING_ADDS; i++) {
        rc = LAB_CALL("iovec_array_add(&empty, 1)", NULL, iovec_array_add(&z, 1));
        LAB_ASSERT(rc == 0 && z.count == (size_t)i + 1, "iovec_array_add(&empty, 1)",
                   lab_fmt("0, {count %d}", i + 1),
                   lab_fmt("%s, %s", lab_result_text(rc, errno), array_text(&z)),
                   LAB_TR("a zeroed struct iovec_array is a valid empty array",
                          "全零的 struct iovec_array 是合法的空数组"));
    }
    int calls = allocation_calls;
    LAB_CALL_VOID("iovec_array_free(&a)", NULL, iovec_array_free(&z));
    LAB_ASSERT(calls <= DOUBLING_ADDS + 40, "iovec_array_add(&a, 1) x1000 from an empty array",
               LAB_TR("at most 1040 allocations (1000 buffers + a few regrowths)",
                      "最多 1040 次分配（1000 块缓冲区 + 少数几次扩容）"),
               lab_fmt(LAB_TR("%d allocating calls", "%d 次分配调用"), calls),
               LAB_TR("double the capacity when the array is full, instead of growing it by one",
                      "数组满了就把容量翻倍，而不是每次只加一"));
    LAB_ASSERT(
        live_allocations() == 0, "iovec_array_free(&a)", "0",
        lab_fmt(LAB_TR("%d blocks still allocated", "还有 %d 块内存没有释放"), live_allocations()),
        LAB_TR("free every buffer and the element array", "释放每块缓冲区和元素数组"));
}

/* ---- iovec_array_set / iovec_array_fetch --------------------------------------------------------
 */

static void expect_fetch(const struct iovec_array *a, size_t index, const void *want, size_t len,
                         const char *hint)
{
    char out[64];
    memset(out, '#', sizeof out);
    ssize_t n = LAB_CALL("iovec_array_fetch(&a, index, out, 64)", NULL,
                         iovec_array_fetch(a, index, out, sizeof out));
    int err = errno;
    const char *call = lab_fmt("iovec_array_fetch(&a, %zu, out, 64)", index);
    LAB_ASSERT(n == (ssize_t)len, call, lab_fmt("%zu", len), lab_result_text(n, err), hint);
    LAB_ASSERT_BYTES(call, out, (size_t)n, want, len, hint);
}

LAB_TEST(test_iovec_array_set_and_fetch, 2)
{
    struct iovec_array a = {0};
    int rc = LAB_CALL("iovec_array_alloc(&a, 3, 4)", NULL, iovec_array_alloc(&a, 3, 4));
    LAB_ASSERT(rc == 0, "iovec_array_alloc(&a, 3, 4)", "0", lab_result_text(rc, errno),
               LAB_TR("iovec_array_alloc() must work first", "iovec_array_alloc() 要先能用"));

    rc = LAB_CALL("iovec_array_set(&a, 1, \"hello, world\", 12)", NULL,
                  iovec_array_set(&a, 1, "hello, world", 12));
    int err = errno;
    LAB_ASSERT(rc == 0 && a.iov[1].iov_len == 12, "iovec_array_set(&a, 1, \"hello, world\", 12)",
               "0, iov[1].iov_len 12",
               lab_fmt("%s, iov[1].iov_len %zu", lab_result_text(rc, err), a.iov[1].iov_len),
               LAB_TR("as PHP does, the buffer takes the new value's length: allocate len bytes",
                      "和 PHP 一样，缓冲区的长度变成新值的长度：分配 len 个字节"));
    expect_fetch(&a, 1, "hello, world", 12,
                 LAB_TR("fetch copies iov_len bytes and returns that count",
                        "fetch 拷贝 iov_len 个字节并返回这个数"));

    rc = LAB_CALL("iovec_array_set(&a, 1, \"a\\0b\", 3)", NULL, iovec_array_set(&a, 1, "a\0b", 3));
    LAB_ASSERT(rc == 0 && a.iov[1].iov_len == 3, "iovec_array_set(&a, 1, \"a\\0b\", 3)",
               "0, iov[1].iov_len 3",
               lab_fmt("%s, iov[1].iov_len %zu", lab_result_text(rc, errno), a.iov[1].iov_len),
               LAB_TR("a shorter value shortens the buffer; bytes are binary (memcpy, not strcpy)",
                      "更短的值会让缓冲区变短；字节是二进制的（用 memcpy，不用 strcpy）"));
    expect_fetch(&a, 1, "a\0b", 3,
                 LAB_TR("copy len bytes with memcpy(): NUL is data too",
                        "用 memcpy() 拷贝 len 个字节：NUL 也是数据"));
    expect_fetch(&a, 0, "\0\0\0\0", 4,
                 LAB_TR("set changes only the buffer at index", "set 只改变 index 处的缓冲区"));
    expect_fetch(&a, 2, "\0\0\0\0", 4,
                 LAB_TR("set changes only the buffer at index", "set 只改变 index 处的缓冲区"));

    rc = LAB_CALL("iovec_array_set(&a, 2, NULL, 0)", NULL, iovec_array_set(&a, 2, NULL, 0));
    LAB_ASSERT(rc == 0 && a.iov[2].iov_len == 0, "iovec_array_set(&a, 2, NULL, 0)",
               "0, iov[2].iov_len 0",
               lab_fmt("%s, iov[2].iov_len %zu", lab_result_text(rc, errno), a.iov[2].iov_len),
               LAB_TR("an empty value is allowed (data may be NULL when len is 0)",
                      "空值是允许的（len 为 0 时 data 可以为 NULL）"));
    expect_fetch(&a, 2, "", 0, LAB_TR("an empty buffer fetches 0 bytes", "空缓冲区取出 0 个字节"));

    char exact[3];
    ssize_t n = LAB_CALL("iovec_array_fetch(&a, 1, out, 3)", NULL,
                         iovec_array_fetch(&a, 1, exact, sizeof exact));
    LAB_ASSERT(n == 3 && memcmp(exact, "a\0b", 3) == 0, "iovec_array_fetch(&a, 1, out, 3)", "3",
               lab_result_text(n, errno),
               LAB_TR("cap equal to the length is enough (no NUL is added)",
                      "cap 等于长度就够了（不追加 NUL）"));
    LAB_CALL_VOID("iovec_array_free(&a)", NULL, iovec_array_free(&a));
    LAB_ASSERT(
        live_allocations() == 0, "iovec_array_set() + iovec_array_free()", "0",
        lab_fmt(LAB_TR("%d blocks still allocated", "还有 %d 块内存没有释放"), live_allocations()),
        LAB_TR("free the old buffer when set replaces it", "set 替换缓冲区时要释放旧的"));
}

LAB_TEST(test_iovec_array_bad_index_and_small_buffer, 1)
{
    struct iovec_array a = {0};
    int rc = LAB_CALL("iovec_array_alloc(&a, 2, 3)", NULL, iovec_array_alloc(&a, 2, 3));
    LAB_ASSERT(rc == 0, "iovec_array_alloc(&a, 2, 3)", "0", lab_result_text(rc, errno),
               LAB_TR("iovec_array_alloc() must work first", "iovec_array_alloc() 要先能用"));
    memcpy(a.iov[0].iov_base, "xyz", 3);
    char out[8];

    const char *hint = LAB_TR("valid indexes are 0 to count - 1: index >= count is EINVAL",
                              "合法的下标是 0 到 count - 1：index >= count 时为 EINVAL");
    rc = LAB_CALL("iovec_array_set(&a, 2, \"x\", 1)", NULL, iovec_array_set(&a, 2, "x", 1));
    LAB_ASSERT_FAILS_WITH("iovec_array_set(&a, 2, \"x\", 1) on 2 buffers", rc, errno, EINVAL, hint);
    ssize_t n = LAB_CALL("iovec_array_fetch(&a, 2, out, 8)", NULL,
                         iovec_array_fetch(&a, 2, out, sizeof out));
    LAB_ASSERT_FAILS_WITH("iovec_array_fetch(&a, 2, out, 8) on 2 buffers", n, errno, EINVAL, hint);
    rc = LAB_CALL("iovec_array_delete(&a, 2)", NULL, iovec_array_delete(&a, 2));
    LAB_ASSERT_FAILS_WITH("iovec_array_delete(&a, 2) on 2 buffers", rc, errno, EINVAL, hint);
    LAB_ASSERT(a.count == 2, "iovec_array_delete(&a, 2) on 2 buffers", "count 2", array_text(&a),
               LAB_TR("a failed call changes nothing", "失败的调用什么都不改变"));
    rc = LAB_CALL("iovec_array_set(&a, 0, NULL, 5)", NULL, iovec_array_set(&a, 0, NULL, 5));
    LAB_ASSERT_FAILS_WITH(
        "iovec_array_set(&a, 0, NULL, 5)", rc, errno, EINVAL,
        LAB_TR("NULL data with len > 0 is EINVAL", "data 为 NULL 而 len > 0 时为 EINVAL"));

    memset(out, '#', sizeof out);
    n = LAB_CALL("iovec_array_fetch(&a, 0, out, 2)", NULL, iovec_array_fetch(&a, 0, out, 2));
    LAB_ASSERT_FAILS_WITH("iovec_array_fetch(&a, 0, out, 2) of a 3-byte buffer", n, errno, ENOSPC,
                          LAB_TR("cap smaller than the buffer: ENOSPC, never a cut copy",
                                 "cap 小于缓冲区时为 ENOSPC，绝不拷贝一半"));
    LAB_ASSERT(out[0] == '#' && out[1] == '#', "iovec_array_fetch(&a, 0, out, 2)",
               LAB_TR("out untouched", "out 没有被改动"), lab_escape(out, 2),
               LAB_TR("check cap before copying", "拷贝之前先检查 cap"));
    LAB_CALL_VOID("iovec_array_free(&a)", NULL, iovec_array_free(&a));

    struct iovec_array empty = {0};
    rc = LAB_CALL("iovec_array_delete(&empty, 0)", NULL, iovec_array_delete(&empty, 0));
    LAB_ASSERT_FAILS_WITH("iovec_array_delete(&empty, 0)", rc, errno, EINVAL, hint);
    n = LAB_CALL("iovec_array_fetch(&empty, 0, out, 8)", NULL,
                 iovec_array_fetch(&empty, 0, out, sizeof out));
    LAB_ASSERT_FAILS_WITH("iovec_array_fetch(&empty, 0, out, 8)", n, errno, EINVAL, hint);
}

/* ---- iovec_array_delete / iovec_array_free ------------------------------------------------------
 */

static const char *letters_text(const struct iovec_array *a)
{
    char text[64];
    size_t used = 0;
    for (size_t i = 0; i < a->count && used + 4 < sizeof text; i++)
        text[used++] = a->iov[i].iov_len == 1 ? *(char *)a->iov[i].iov_base : '?';
    text[used] = '\0';
    return lab_fmt("[%s] (count %zu)", text, a->count);
}

LAB_TEST(test_iovec_array_delete_shifts_down, 2)
{
    struct iovec_array a = {0};
    int rc = LAB_CALL("iovec_array_alloc(&a, 4, 1)", NULL, iovec_array_alloc(&a, 4, 1));
    LAB_ASSERT(rc == 0, "iovec_array_alloc(&a, 4, 1)", "0", lab_result_text(rc, errno),
               LAB_TR("iovec_array_alloc() must work first", "iovec_array_alloc() 要先能用"));
    for (size_t i = 0; i < 4; i++)
        *(char *)a.iov[i].iov_base = (char)('A' + i);
    int blocks = live_allocations();

    static const struct {
        size_t index;
        const char *left;
    } steps[] = {{1, "ACD"}, {2, "AC"}, {0, "C"}, {0, ""}};
    for (size_t s = 0; s < sizeof steps / sizeof steps[0]; s++) {
        const char *call =
            lab_fmt("iovec_array_delete(&a, %zu) on %s", steps[s].index, letters_text(&a));
        rc =
            LAB_CALL("iovec_array_delete(&a, index)", NULL, iovec_array_delete(&a, steps[s].index));
        int err = errno;
        LAB_ASSERT(rc == 0, call, "0", lab_result_text(rc, err),
                   LAB_TR("a valid index is deleted", "合法的下标应能删除"));
        LAB_ASSERT(strcmp(letters_text(&a),
                          lab_fmt("[%s] (count %zu)", steps[s].left, strlen(steps[s].left))) == 0,
                   call, lab_fmt("[%s] (count %zu)", steps[s].left, strlen(steps[s].left)),
                   letters_text(&a),
                   LAB_TR("move the later buffers down one place (memmove), keep their order, "
                          "count--",
                          "把后面的缓冲区依次前移一位（memmove），保持顺序，count 减一"));
        LAB_ASSERT(live_allocations() == blocks - 1 - (int)s, call,
                   lab_fmt(LAB_TR("%d blocks allocated", "%d 块已分配的内存"), blocks - 1 - (int)s),
                   lab_fmt("%d", live_allocations()),
                   LAB_TR("free the deleted buffer", "释放被删除的缓冲区"));
    }
    rc = LAB_CALL("iovec_array_add(&a, 2)", NULL, iovec_array_add(&a, 2));
    LAB_ASSERT(rc == 0 && a.count == 1 && a.iov[0].iov_len == 2,
               "iovec_array_add(&a, 2) after deleting everything", "0, {count 1}",
               lab_fmt("%s, %s", lab_result_text(rc, errno), array_text(&a)),
               LAB_TR("an array emptied by delete can grow again", "被删空的数组可以再次增长"));
    LAB_CALL_VOID("iovec_array_free(&a)", NULL, iovec_array_free(&a));
    LAB_ASSERT(live_allocations() == 0, "iovec_array_free(&a)", "0",
               lab_fmt("%d", live_allocations()),
               LAB_TR("free every buffer and the element array", "释放每块缓冲区和元素数组"));
}

LAB_TEST(test_iovec_array_free_resets_and_is_safe_twice, 2)
{
    struct iovec_array a = {0};
    int rc = LAB_CALL("iovec_array_alloc(&a, 3, 10)", NULL, iovec_array_alloc(&a, 3, 10));
    LAB_ASSERT(rc == 0, "iovec_array_alloc(&a, 3, 10)", "0", lab_result_text(rc, errno),
               LAB_TR("iovec_array_alloc() must work first", "iovec_array_alloc() 要先能用"));
    LAB_CALL_VOID("iovec_array_free(&a)", NULL, iovec_array_free(&a));
    LAB_ASSERT(!a.iov && a.count == 0 && a.capacity == 0, "iovec_array_free(&a)",
               "{iov NULL, count 0, capacity 0}", array_text(&a),
               LAB_TR("zero the structure after freeing: a second free then frees nothing twice",
                      "释放后把结构体清零：这样第二次 free 就不会重复释放"));
    LAB_ASSERT(
        live_allocations() == 0, "iovec_array_free(&a)", "0",
        lab_fmt(LAB_TR("%d blocks still allocated", "还有 %d 块内存没有释放"), live_allocations()),
        LAB_TR("free every buffer, then the element array", "先释放每块缓冲区，再释放元素数组"));
    LAB_CALL_VOID("iovec_array_free(&a) a second time", NULL, iovec_array_free(&a));
    LAB_CALL_VOID("iovec_array_free(NULL)", NULL, iovec_array_free(NULL));
    rc =
        LAB_CALL("iovec_array_add(&a, 5) after iovec_array_free(&a)", NULL, iovec_array_add(&a, 5));
    LAB_ASSERT(rc == 0 && a.count == 1, "iovec_array_add(&a, 5) after iovec_array_free(&a)",
               "0, {count 1}", lab_fmt("%s, %s", lab_result_text(rc, errno), array_text(&a)),
               LAB_TR("a freed array is an empty array, ready to use again",
                      "释放过的数组就是空数组，可以继续使用"));
    LAB_CALL_VOID("iovec_array_free(&a)", NULL, iovec_array_free(&a));
}

/* ---- writev_all ----------------------------------------------------------------------------- */

/* Five pieces of odd sizes, one empty: a cut can land inside any of them. */
static const char *const PIECES[] = {"The quick", "", " brown fox", "!",
                                     " jumps over the lazy dog."};
#define PIECE_COUNT 5

static void pieces_vector(struct iovec *iov)
{
    for (int i = 0; i < PIECE_COUNT; i++) {
        iov[i].iov_base = (void *)PIECES[i];
        iov[i].iov_len = strlen(PIECES[i]);
    }
}

LAB_TEST(test_writev_all_header_and_body_in_one_call, 3)
{
    static const char header[] =
        "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n\r\n";
    static const char body[] = "hello world\n";
    struct iovec iov[2] = {{(void *)header, sizeof header - 1}, {(void *)body, sizeof body - 1}};
    size_t total = sizeof header - 1 + sizeof body - 1;
    int client, server;
    lab_tcp_pair(&client, &server);

    lab_record_reset();
    ssize_t rc = LAB_CALL("writev_all(fd, {header, body}, 2)", NULL, writev_all(client, iov, 2));
    int err = errno;
    LAB_ASSERT(rc == (ssize_t)total, "writev_all(fd, {header, body}, 2)", lab_fmt("%zu", total),
               lab_result_text(rc, err),
               LAB_TR("return the total of the lengths once every byte is written",
                      "所有字节写出后返回长度之和"));
    LAB_ASSERT(
        lab_recorded_count("writev") == 1 && writes_other_than_writev() == 0,
        "writev_all(fd, {header, body}, 2)",
        LAB_TR("exactly one writev() and no other write call", "恰好一次 writev()，没有别的写调用"),
        lab_recorded_text(),
        LAB_TR("that is the point of writev: header and body in one system call",
               "这正是 writev 的意义：头部和正文在一次系统调用里发出"));
    shutdown(client, SHUT_WR);
    char got[256], want[256];
    ssize_t n = lab_read_until_eof(server, got, sizeof got, WAIT_MS);
    flatten(iov, 2, want, sizeof want);
    LAB_ASSERT_BYTES(
        "writev_all(fd, {header, body}, 2)", got, n < 0 ? 0 : (size_t)n, want, total,
        LAB_TR("the peer receives the header, then the body", "对端先收到头部，再收到正文"));
    close(client);
    close(server);
}

LAB_TEST(test_writev_all_short_writev_injected, 3)
{
    struct iovec iov[PIECE_COUNT];
    char want[128], got[128];
    pieces_vector(iov);
    size_t total = flatten(iov, PIECE_COUNT, want, sizeof want);
    int sv[2];
    unix_pair(SOCK_STREAM, sv);

    lab_record_reset();
    lab_inject("writev", 1, -1, 0, 5); /* every writev() moves at most 5 bytes */
    ssize_t rc = LAB_CALL("writev_all(fd, pieces, 5) while every writev() moves at most 5 bytes",
                          NULL, writev_all(sv[0], iov, PIECE_COUNT));
    int err = errno;
    lab_inject_clear();
    shutdown(sv[0], SHUT_WR);
    ssize_t n = lab_read_until_eof(sv[1], got, sizeof got, WAIT_MS);
    LAB_ASSERT(rc == (ssize_t)total, "writev_all(fd, pieces, 5) with 5-byte writev()",
               lab_fmt("%zu", total), lab_result_text(rc, err),
               LAB_TR("a short writev() is not the end: loop until every byte is written",
                      "writev() 写少了并不是结束：循环直到每个字节都写出"));
    LAB_ASSERT_BYTES("writev_all(fd, pieces, 5) with 5-byte writev()", got, n < 0 ? 0 : (size_t)n,
                     want, total,
                     LAB_TR("skip the buffers that are done and start inside the one that was cut "
                            "(iov_base + done, iov_len - done)",
                            "跳过已经写完的缓冲区，从被截断的那块中间开始"
                            "（iov_base + 已写, iov_len - 已写）"));
    close(sv[0]);
    close(sv[1]);
}

LAB_TEST(test_writev_all_leaves_caller_array_unchanged, 2)
{
    struct iovec iov[PIECE_COUNT], before[PIECE_COUNT];
    char want[256], got[256];
    pieces_vector(iov);
    memcpy(before, iov, sizeof iov);
    size_t total = flatten(iov, PIECE_COUNT, want, sizeof want);
    memcpy(want + total, want, total); /* the message, twice */
    int sv[2];
    unix_pair(SOCK_STREAM, sv);

    lab_inject("writev", 1, -1, 0, 4);
    ssize_t rc = LAB_CALL("writev_all(fd, iov, 5) with 4-byte writev()", NULL,
                          writev_all(sv[0], iov, PIECE_COUNT));
    int err = errno;
    lab_inject_clear();
    int changed = changed_entry(iov, before, PIECE_COUNT);
    LAB_ASSERT(rc == (ssize_t)total && changed < 0, "writev_all(fd, iov, 5) with 4-byte writev()",
               lab_fmt(LAB_TR("%zu, and iov[] as it was", "%zu，且 iov[] 保持原样"), total),
               changed < 0
                   ? lab_result_text(rc, err)
                   : lab_fmt(LAB_TR("%s; iov[%d] was {+0, %zu}, is now {%+td, %zu}",
                                    "%s；iov[%d] 原来是 {+0, %zu}，现在是 {%+td, %zu}"),
                             lab_result_text(rc, err), changed, before[changed].iov_len,
                             (char *)iov[changed].iov_base - (char *)before[changed].iov_base,
                             iov[changed].iov_len),
               LAB_TR("the array is const: advance in a copy, or keep an index and an offset",
                      "数组是 const 的：在副本里推进，或者自己记下标和偏移"));
    rc = LAB_CALL("writev_all(fd, iov, 5) again with the same array", NULL,
                  writev_all(sv[0], iov, PIECE_COUNT));
    shutdown(sv[0], SHUT_WR);
    ssize_t n = lab_read_until_eof(sv[1], got, sizeof got, WAIT_MS);
    LAB_ASSERT_BYTES(
        "writev_all(fd, iov, 5), twice", got, n < 0 ? 0 : (size_t)n, want, 2 * total,
        LAB_TR("the caller can send the same array again", "调用者可以再次发送同一个数组"));
    close(sv[0]);
    close(sv[1]);
}

LAB_TEST(test_writev_all_real_short_writes, 2)
{
    enum { LEN = 1 << 20 };
    static const size_t sizes[] = {1, 300007, 13, 748555}; /* adds up to 1 MiB */
    unsigned char *payload = malloc(LEN), *received = malloc(LEN);
    LAB_SETUP(payload && received, "malloc");
    fill_pattern(payload, LEN);
    struct iovec iov[4];
    size_t offset = 0;
    for (int i = 0; i < 4; i++) {
        iov[i].iov_base = payload + offset;
        iov[i].iov_len = sizes[i];
        offset += sizes[i];
    }
    LAB_SETUP(offset == LEN, "iovec sizes");

    int sv[2], small = 4096;
    unix_pair(SOCK_STREAM, sv);
    LAB_SETUP(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof small) == 0,
              "setsockopt(SO_SNDBUF)");
    /* SA_RESTART: no EINTR here, only writev() calls cut short by the signal. */
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = ignore_signal;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    LAB_SETUP(sigaction(SIGUSR1, &action, NULL) == 0, "sigaction(SIGUSR1)");
    struct drainer d = {.fd = sv[1], .buf = received, .cap = LEN, .target = pthread_self()};
    void *peer;
    lab_record_reset();
    lab_thread_start(drainer_thread, &d, &peer);

    ssize_t rc = LAB_CALL("writev_all(fd, 4 buffers, 1 MiB) to a slow reader that sends signals",
                          LAB_TR("writev(): the reader is slow but reads everything",
                                 "writev()：读端很慢，但会读完全部数据"),
                          writev_all(sv[0], iov, 4));
    int err = errno;
    shutdown(sv[0], SHUT_WR);
    lab_thread_join(peer);
    int short_calls = 0;
    for (int i = 0; i < lab_record_count(); i++) {
        const struct lab_call *c = lab_recorded(i);
        short_calls += strcmp(c->name, "writev") == 0 && c->ret >= 0 && c->ret < c->arg[2];
    }
    LAB_ASSERT(rc == LEN && d.got == LEN && memcmp(received, payload, LEN) == 0,
               "writev_all(fd, 4 buffers, 1048576 bytes)",
               LAB_TR("1048576, and the reader gets the 1 MiB in order",
                      "1048576，且读端按顺序收到这 1 MiB"),
               lab_fmt(LAB_TR("%s; the reader got %zu bytes, first difference at %zu "
                              "(%d of your writev() calls were short)",
                              "%s；读端收到 %zu 字节，第一个不同之处在 %zu（你的 writev() 有 %d "
                              "次写少了）"),
                       lab_result_text(rc, err), d.got, first_difference(received, payload, d.got),
                       short_calls),
               LAB_TR("a blocking writev() interrupted by a signal returns the bytes it moved: "
                      "add them up and write the rest, from the right place",
                      "被信号打断的阻塞 writev() 返回已写出的字节数：累加它们，从正确的位置"
                      "写剩下的"));
    free(payload);
    free(received);
    close(sv[0]);
    close(sv[1]);
}

LAB_TEST(test_writev_all_retries_eintr_and_reports_errors, 2)
{
    int sv[2];
    unix_pair(SOCK_STREAM, sv);
    struct iovec hello[2] = {{(void *)"he", 2}, {(void *)"llo", 3}};
    lab_inject("writev", 1, 2, EINTR, 0); /* the first two writev() calls are interrupted */
    ssize_t rc = LAB_CALL("writev_all(fd, {\"he\", \"llo\"}, 2) with two EINTR first", NULL,
                          writev_all(sv[0], hello, 2));
    int err = errno;
    lab_inject_clear();
    char got[16];
    size_t n = rc == 5 ? lab_read_exact(sv[1], got, 5, WAIT_MS) : 0;
    LAB_ASSERT(rc == 5 && n == 5 && memcmp(got, "hello", 5) == 0,
               "writev_all(fd, {\"he\", \"llo\"}, 2) with two EINTR first",
               LAB_TR("5, and the peer reads \"hello\"", "5，且对端读到 \"hello\""),
               lab_fmt("%s, %s", lab_result_text(rc, err), lab_escape(got, n)),
               LAB_TR("EINTR means nothing was written yet: call writev() again",
                      "EINTR 表示还没写出任何字节：再调用一次 writev()"));

    rc = LAB_CALL("writev_all(fd, NULL, 0)", NULL, writev_all(sv[0], NULL, 0));
    LAB_ASSERT(rc == 0, "writev_all(fd, NULL, 0)", "0", lab_result_text(rc, errno),
               LAB_TR("no buffers: nothing to write, return 0", "没有缓冲区：没什么可写，返回 0"));
    static struct iovec too_many[IOV_MAX + 1];
    rc = LAB_CALL("writev_all(fd, iov, -1)", NULL, writev_all(sv[0], too_many, -1));
    LAB_ASSERT_FAILS_WITH("writev_all(fd, iov, -1)", rc, errno, EINVAL,
                          LAB_TR("a negative count is EINVAL", "count 为负数时为 EINVAL"));
    rc = LAB_CALL("writev_all(fd, iov, IOV_MAX + 1)", NULL,
                  writev_all(sv[0], too_many, IOV_MAX + 1));
    LAB_ASSERT_FAILS_WITH(
        "writev_all(fd, iov, IOV_MAX + 1)", rc, errno, EINVAL,
        LAB_TR("more than IOV_MAX buffers is EINVAL", "多于 IOV_MAX 块缓冲区时为 EINVAL"));
    int dead = closed_descriptor();
    rc = LAB_CALL("writev_all(closed_fd, iov, 2)", NULL, writev_all(dead, hello, 2));
    LAB_ASSERT_FAILS_WITH("writev_all(closed_fd, iov, 2)", rc, errno, EBADF,
                          LAB_TR("return writev()'s error", "返回 writev() 的错误"));

    signal(SIGPIPE, SIG_IGN); /* as the header says: the caller ignores SIGPIPE, gets EPIPE */
    close(sv[1]);
    rc =
        LAB_CALL("writev_all(fd, iov, 2) after the peer closed", NULL, writev_all(sv[0], hello, 2));
    LAB_ASSERT_FAILS_WITH("writev_all(fd, iov, 2) after the peer closed", rc, errno, EPIPE,
                          LAB_TR("a real error ends the loop: return -1 with writev()'s errno",
                                 "真正的错误会结束循环：返回 -1，errno 来自 writev()"));
    close(sv[0]);
}

/* ---- readv_full ------------------------------------------------------------------------------ */

#define ALPHABET "abcdefghijklmnopqrstuvwxyz"

struct three_buffers {
    char b1[3], b2[7], b3[11]; /* odd sizes: 21 bytes */
    struct iovec iov[3];
};

static void three_buffers_init(struct three_buffers *t)
{
    memset(t->b1, '.', sizeof t->b1);
    memset(t->b2, '.', sizeof t->b2);
    memset(t->b3, '.', sizeof t->b3);
    t->iov[0] = (struct iovec){t->b1, sizeof t->b1};
    t->iov[1] = (struct iovec){t->b2, sizeof t->b2};
    t->iov[2] = (struct iovec){t->b3, sizeof t->b3};
}

static const char *three_text(const struct three_buffers *t)
{
    return lab_fmt("%s %s %s", lab_escape(t->b1, sizeof t->b1), lab_escape(t->b2, sizeof t->b2),
                   lab_escape(t->b3, sizeof t->b3));
}

static int three_hold_alphabet(const struct three_buffers *t)
{
    return memcmp(t->b1, "abc", 3) == 0 && memcmp(t->b2, "defghij", 7) == 0 &&
           memcmp(t->b3, "klmnopqrstu", 11) == 0;
}

#define THREE_WANT "\"abc\" \"defghij\" \"klmnopqrstu\""

LAB_TEST(test_readv_full_fills_buffers_in_order, 2)
{
    int sv[2];
    unix_pair(SOCK_STREAM, sv);
    struct three_buffers t;
    three_buffers_init(&t);
    lab_write_all(sv[0], ALPHABET, 26); /* 21 for the buffers, 5 left in the socket */

    ssize_t rc = LAB_CALL("readv_full(fd, {3, 7, 11 bytes}, 3)",
                          LAB_TR("readv(): 26 bytes are waiting", "readv()：已有 26 个字节在等待"),
                          readv_full(sv[1], t.iov, 3));
    int err = errno;
    LAB_ASSERT(rc == 21, "readv_full(fd, {3, 7, 11 bytes}, 3)", "21", lab_result_text(rc, err),
               LAB_TR("return the number of bytes read: the sum of the lengths",
                      "返回读到的字节数：各长度之和"));
    LAB_ASSERT(three_hold_alphabet(&t), "readv_full(fd, {3, 7, 11 bytes}, 3)", THREE_WANT,
               three_text(&t),
               LAB_TR("readv() fills each buffer before the next", "readv() 填满一块再填下一块"));
    char rest[8];
    size_t n = lab_read_exact(sv[1], rest, 5, WAIT_MS);
    LAB_ASSERT_BYTES("readv_full(fd, {3, 7, 11 bytes}, 3)", rest, n, "vwxyz", 5,
                     LAB_TR("read only what the buffers hold: the rest stays in the socket",
                            "只读缓冲区装得下的：其余的留在 socket 里"));
    close(sv[0]);
    close(sv[1]);
}

LAB_TEST(test_readv_full_peer_sends_byte_by_byte, 3)
{
    int sv[2];
    unix_pair(SOCK_STREAM, sv);
    struct three_buffers t;
    three_buffers_init(&t);
    struct trickle peer_data = {.fd = sv[0], .data = ALPHABET, .len = 21, .delay_ms = 2};
    void *peer;
    lab_thread_start(trickle_thread, &peer_data, &peer);

    ssize_t rc = LAB_CALL("readv_full(fd, {3, 7, 11 bytes}, 3) while the peer sends one byte "
                          "at a time",
                          LAB_TR("readv(): the peer sends 21 bytes, one every 2 ms",
                                 "readv()：对端发送 21 个字节，每 2 毫秒一个"),
                          readv_full(sv[1], t.iov, 3));
    int err = errno;
    lab_thread_join(peer);
    LAB_ASSERT(rc == 21 && three_hold_alphabet(&t), "readv_full(fd, {3, 7, 11 bytes}, 3)",
               lab_fmt("21, %s", THREE_WANT),
               lab_fmt("%s, %s", lab_result_text(rc, err), three_text(&t)),
               LAB_TR("readv() returns what has arrived, here often 1 byte: call it again, "
                      "starting where the last byte landed, until the buffers are full",
                      "readv() 返回已经到达的字节，这里常常只有 1 个：从最后一个字节落下的"
                      "位置继续调用，直到缓冲区全部填满"));
    close(sv[0]);
    close(sv[1]);
}

LAB_TEST(test_readv_full_short_readv_injected, 2)
{
    int sv[2];
    unix_pair(SOCK_STREAM, sv);
    struct three_buffers t;
    three_buffers_init(&t);
    struct iovec before[3];
    memcpy(before, t.iov, sizeof before);
    lab_write_all(sv[0], ALPHABET, 21);

    lab_inject("readv", 1, -1, 0, 2); /* every readv() moves at most 2 bytes */
    ssize_t rc = LAB_CALL("readv_full(fd, {3, 7, 11 bytes}, 3) with 2-byte readv()", NULL,
                          readv_full(sv[1], t.iov, 3));
    int err = errno;
    lab_inject_clear();
    LAB_ASSERT(rc == 21 && three_hold_alphabet(&t),
               "readv_full(fd, {3, 7, 11 bytes}, 3) with 2-byte readv()",
               lab_fmt("21, %s", THREE_WANT),
               lab_fmt("%s, %s", lab_result_text(rc, err), three_text(&t)),
               LAB_TR("after a short readv(), continue inside the buffer that was cut "
                      "(iov_base + done), never from the first buffer again",
                      "readv() 读少了之后，从被截断的那块缓冲区中间继续（iov_base + 已读），"
                      "不要从第一块重新开始"));
    int changed = changed_entry(t.iov, before, 3);
    LAB_ASSERT(changed < 0, "readv_full(fd, {3, 7, 11 bytes}, 3)",
               LAB_TR("iov[] as it was", "iov[] 保持原样"),
               lab_fmt(LAB_TR("iov[%d] changed", "iov[%d] 被改动了"), changed),
               LAB_TR("the array is const: advance in a copy", "数组是 const 的：在副本里推进"));
    close(sv[0]);
    close(sv[1]);
}

LAB_TEST(test_readv_full_stops_at_eof_and_errors, 2)
{
    int sv[2];
    unix_pair(SOCK_STREAM, sv);
    struct three_buffers t;
    three_buffers_init(&t);
    lab_write_all(sv[0], "0123456789", 10);
    shutdown(sv[0], SHUT_WR);
    ssize_t rc = LAB_CALL(
        "readv_full(fd, {3, 7, 11 bytes}, 3) when the peer sends 10 bytes and "
        "closes",
        LAB_TR("readv(): end of file after 10 bytes", "readv()：10 个字节之后就是文件结束"),
        readv_full(sv[1], t.iov, 3));
    int err = errno;
    LAB_ASSERT(rc == 10 && memcmp(t.b1, "012", 3) == 0 && memcmp(t.b2, "3456789", 7) == 0,
               "readv_full(fd, {3, 7, 11 bytes}, 3) with 10 bytes, then EOF",
               "10, \"012\" \"3456789\"",
               lab_fmt("%s, %s", lab_result_text(rc, err), three_text(&t)),
               LAB_TR("readv() returning 0 is end of file: stop and return what was read",
                      "readv() 返回 0 表示文件结束：停下来，返回已经读到的字节数"));
    rc = LAB_CALL("readv_full(fd, iov, 3) at end of file", NULL, readv_full(sv[1], t.iov, 3));
    LAB_ASSERT(rc == 0, "readv_full(fd, iov, 3) at end of file", "0", lab_result_text(rc, errno),
               LAB_TR("nothing more will come: return 0", "不会再有数据了：返回 0"));
    close(sv[0]);
    close(sv[1]);

    unix_pair(SOCK_STREAM, sv);
    three_buffers_init(&t);
    lab_write_all(sv[0], "abcdefghij", 10);
    lab_inject("readv", 1, 1, EINTR, 0);
    rc = LAB_CALL("readv_full(fd, {3, 7 bytes}, 2) with EINTR first", NULL,
                  readv_full(sv[1], t.iov, 2));
    err = errno;
    lab_inject_clear();
    LAB_ASSERT(rc == 10 && memcmp(t.b1, "abc", 3) == 0 && memcmp(t.b2, "defghij", 7) == 0,
               "readv_full(fd, {3, 7 bytes}, 2) with EINTR first", "10, \"abc\" \"defghij\"",
               lab_fmt("%s, %s", lab_result_text(rc, err), three_text(&t)),
               LAB_TR("EINTR means nothing was read yet: call readv() again",
                      "EINTR 表示还没读到任何字节：再调用一次 readv()"));

    static struct iovec too_many[IOV_MAX + 1];
    rc = LAB_CALL("readv_full(fd, iov, IOV_MAX + 1)", NULL,
                  readv_full(sv[1], too_many, IOV_MAX + 1));
    LAB_ASSERT_FAILS_WITH(
        "readv_full(fd, iov, IOV_MAX + 1)", rc, errno, EINVAL,
        LAB_TR("more than IOV_MAX buffers is EINVAL", "多于 IOV_MAX 块缓冲区时为 EINVAL"));
    rc = LAB_CALL("readv_full(fd, iov, -1)", NULL, readv_full(sv[1], too_many, -1));
    LAB_ASSERT_FAILS_WITH("readv_full(fd, iov, -1)", rc, errno, EINVAL,
                          LAB_TR("a negative count is EINVAL", "count 为负数时为 EINVAL"));
    int dead = closed_descriptor();
    rc = LAB_CALL("readv_full(closed_fd, iov, 3)", NULL, readv_full(dead, t.iov, 3));
    LAB_ASSERT_FAILS_WITH("readv_full(closed_fd, iov, 3)", rc, errno, EBADF,
                          LAB_TR("return readv()'s error", "返回 readv() 的错误"));
    close(sv[0]);
    close(sv[1]);
}

/* ---- send_descriptor ------------------------------------------------------------------------ */

static const char *received_text(const struct received *r, const char *buf)
{
    if (r->len < 0)
        return LAB_TR("nothing arrived", "什么都没有收到");
    return lab_fmt(LAB_TR("%s with %d descriptor(s) in %d SCM_RIGHTS message(s)%s",
                          "%s，带 %d 个描述符，在 %d 条 SCM_RIGHTS 消息里%s"),
                   lab_escape(buf, (size_t)r->len), r->nfds, r->rights_messages,
                   r->truncated ? " (MSG_CTRUNC)" : "");
}

LAB_TEST(test_send_descriptor_passes_one_descriptor, 3)
{
    int before = lab_count_fds();
    int sv[2], p[2];
    unix_pair(SOCK_STREAM, sv);
    make_pipe(p);

    int rc = LAB_CALL("send_descriptor(sock, pipe_write_end, \"fd\", 2)", NULL,
                      send_descriptor(sv[0], p[1], "fd", 2));
    int err = errno;
    LAB_ASSERT(rc == 0, "send_descriptor(sock, pipe_write_end, \"fd\", 2)", "0",
               lab_result_text(rc, err),
               LAB_TR("sendmsg() with the data in msg_iov and one SCM_RIGHTS control message",
                      "sendmsg()：数据放在 msg_iov 里，再加一条 SCM_RIGHTS 控制消息"));
    LAB_ASSERT(lab_fd_is_open(p[1]), "send_descriptor(sock, pipe_write_end, \"fd\", 2)",
               LAB_TR("fd_to_pass still open", "fd_to_pass 仍然打开"),
               LAB_TR("it was closed", "它被关闭了"),
               LAB_TR("the receiver gets its own copy: the sender keeps its descriptor",
                      "接收方得到自己的副本：发送方的描述符保持打开"));
    char buf[64];
    struct received r;
    raw_recv_fds(sv[1], buf, sizeof buf, &r, WAIT_MS);
    LAB_ASSERT(r.len == 2 && memcmp(buf, "fd", 2) == 0 && r.nfds == 1 && r.rights_messages == 1 &&
                   !r.truncated,
               "send_descriptor(sock, pipe_write_end, \"fd\", 2)",
               LAB_TR("\"fd\" with 1 descriptor in 1 SCM_RIGHTS message",
                      "\"fd\"，带 1 个描述符，在 1 条 SCM_RIGHTS 消息里"),
               received_text(&r, buf),
               LAB_TR("cmsg_level SOL_SOCKET, cmsg_type SCM_RIGHTS, cmsg_len "
                      "CMSG_LEN(sizeof(int)) (not CMSG_SPACE, which adds padding the kernel "
                      "would read as a second descriptor)",
                      "cmsg_level 为 SOL_SOCKET，cmsg_type 为 SCM_RIGHTS，cmsg_len 为 "
                      "CMSG_LEN(sizeof(int))（不是 CMSG_SPACE，它带的填充会被内核当成第二个"
                      "描述符）"));
    int copy = r.fds[0];
    LAB_SETUP(write(copy, "through the copy", 16) == 16, "write() through the received descriptor");
    close_all(r.fds, r.nfds);
    char got[32];
    size_t n = lab_read_exact(p[0], got, 16, WAIT_MS);
    LAB_ASSERT_BYTES("send_descriptor(sock, pipe_write_end, \"fd\", 2)", got, n, "through the copy",
                     16,
                     LAB_TR("the descriptor that arrives is the pipe's write end",
                            "收到的描述符就是管道的写端"));
    close_all(sv, 2);
    close_all(p, 2);
    LAB_ASSERT_NO_FD_LEAK("send_descriptor()", before,
                          LAB_TR("send_descriptor() opens nothing that stays open",
                                 "send_descriptor() 不会留下打开的东西"));
}

LAB_TEST(test_send_descriptor_without_data_sends_one_byte, 2)
{
    int sv[2], p[2];
    unix_pair(SOCK_STREAM, sv);
    make_pipe(p);
    int rc =
        LAB_CALL("send_descriptor(sock, fd, NULL, 0)", NULL, send_descriptor(sv[0], p[1], NULL, 0));
    int err = errno;
    LAB_ASSERT(rc == 0, "send_descriptor(sock, fd, NULL, 0)", "0", lab_result_text(rc, err),
               LAB_TR("len 0 is allowed: send one zero byte of your own",
                      "len 为 0 是允许的：自己发一个零字节"));
    char buf[16];
    struct received r;
    raw_recv_fds(sv[1], buf, sizeof buf, &r, NOTHING_MS);
    LAB_ASSERT(r.len == 1 && buf[0] == '\0' && r.nfds == 1, "send_descriptor(sock, fd, NULL, 0)",
               LAB_TR("\"\\0\" with 1 descriptor", "\"\\0\"，带 1 个描述符"),
               received_text(&r, buf),
               LAB_TR("on a stream socket a sendmsg() without data sends nothing, descriptor "
                      "included: the control data needs at least one real byte to ride on",
                      "在流式 socket 上，不带数据的 sendmsg() 什么都不发送，描述符也不发："
                      "控制数据至少要搭着一个真正的字节"));
    close_all(r.fds, r.nfds);
    close_all(sv, 2);
    close_all(p, 2);
}

struct child_ctx {
    int sv[2];
    int p[2];
};

/* Forked child: receives a descriptor with the test's own recvmsg() and writes through it. */
static void child_writes_through_received(void *arg)
{
    struct child_ctx *c = arg;
    char buf[16];
    struct received r;
    close(c->sv[0]);
    close(c->p[0]); /* only the descriptor that arrives may reach the pipe */
    close(c->p[1]);
    raw_recv_fds(c->sv[1], buf, sizeof buf, &r, WAIT_MS);
    if (r.nfds != 1)
        _exit(2);
    if (write(r.fds[0], "written by the child", 20) != 20)
        _exit(3);
    _exit(0);
}

LAB_TEST(test_send_descriptor_to_forked_child, 2)
{
    struct child_ctx c;
    unix_pair(SOCK_STREAM, c.sv);
    make_pipe(c.p);
    pid_t pid = lab_fork_peer(child_writes_through_received, &c);
    close(c.sv[1]);

    int rc = LAB_CALL("send_descriptor(sock, pipe_write_end, \"go\", 2) to a child process", NULL,
                      send_descriptor(c.sv[0], c.p[1], "go", 2));
    int err = errno;
    close(c.p[1]); /* now only the child's received copy can write to the pipe */
    LAB_ASSERT(rc == 0, "send_descriptor(sock, pipe_write_end, \"go\", 2)", "0",
               lab_result_text(rc, err),
               LAB_TR("sendmsg() with SCM_RIGHTS", "带 SCM_RIGHTS 的 sendmsg()"));
    char got[64];
    ssize_t n = lab_read_until_eof(c.p[0], got, sizeof got, WAIT_MS);
    int status = lab_wait_peer(pid, WAIT_MS);
    LAB_ASSERT(status == 0, "send_descriptor() to a child process",
               LAB_TR("the child receives one descriptor and writes through it",
                      "子进程收到一个描述符，并通过它写数据"),
               status > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 2
                   ? LAB_TR("the child received no descriptor (or several)",
                            "子进程没有收到描述符（或者收到了好几个）")
                   : lab_fmt(LAB_TR("child status %#x", "子进程状态 %#x"), (unsigned)status),
               LAB_TR("one SCM_RIGHTS message with one descriptor, and at least one data byte",
                      "一条 SCM_RIGHTS 消息，装一个描述符，并且至少带一个数据字节"));
    LAB_ASSERT_BYTES("send_descriptor() to a child process", got, n < 0 ? 0 : (size_t)n,
                     "written by the child", 20,
                     LAB_TR("the child writes into this process's pipe through its copy",
                            "子进程通过它的副本写进本进程的管道"));
    close(c.sv[0]);
    close(c.p[0]);
}

LAB_TEST(test_send_descriptor_short_sendmsg_and_errors, 2)
{
    int before = lab_count_fds();
    int sv[2], p[2];
    unix_pair(SOCK_STREAM, sv);
    make_pipe(p);

    lab_inject("sendmsg", 1, -1, 0, 3); /* every sendmsg() moves at most 3 data bytes */
    int rc = LAB_CALL("send_descriptor(sock, fd, \"0123456789\", 10) with 3-byte sendmsg()", NULL,
                      send_descriptor(sv[0], p[1], "0123456789", 10));
    int err = errno;
    lab_inject_clear();
    char all[32], buf[32];
    size_t got = 0;
    int fds = 0;
    struct received r;
    while (got < 10) {
        raw_recv_fds(sv[1], buf, sizeof buf, &r, NOTHING_MS);
        if (r.len <= 0)
            break;
        memcpy(all + got, buf, (size_t)r.len < sizeof all - got ? (size_t)r.len : sizeof all - got);
        got += (size_t)r.len;
        fds += r.nfds;
        close_all(r.fds, r.nfds);
    }
    LAB_ASSERT(
        rc == 0 && got == 10 && memcmp(all, "0123456789", 10) == 0 && fds == 1,
        "send_descriptor(sock, fd, \"0123456789\", 10) with 3-byte sendmsg()",
        LAB_TR("0; \"0123456789\" and exactly 1 descriptor", "0；\"0123456789\"，恰好 1 个描述符"),
        lab_fmt(LAB_TR("%s; %s and %d descriptor(s)", "%s；%s，%d 个描述符"),
                lab_result_text(rc, err), lab_escape(all, got > 32 ? 32 : got), fds),
        LAB_TR("after a short sendmsg(), send the rest of the data without the control "
               "message: the descriptor went with the first part",
               "sendmsg() 发少了之后，剩下的数据不再带控制消息发送：描述符已经随第一"
               "部分走了"));

    int dead = closed_descriptor();
    rc = LAB_CALL("send_descriptor(sock, closed_fd, \"x\", 1)", NULL,
                  send_descriptor(sv[0], dead, "x", 1));
    LAB_ASSERT_FAILS_WITH("send_descriptor(sock, closed_fd, \"x\", 1)", rc, errno, EBADF,
                          LAB_TR("the kernel checks the descriptor: return sendmsg()'s error",
                                 "内核会检查描述符：返回 sendmsg() 的错误"));
    rc =
        LAB_CALL("send_descriptor(sock, fd, NULL, 3)", NULL, send_descriptor(sv[0], p[1], NULL, 3));
    LAB_ASSERT_FAILS_WITH(
        "send_descriptor(sock, fd, NULL, 3)", rc, errno, EINVAL,
        LAB_TR("NULL data with len > 0 is EINVAL", "data 为 NULL 而 len > 0 时为 EINVAL"));
    rc = LAB_CALL("send_descriptor(pipe_end, fd, \"x\", 1)", NULL,
                  send_descriptor(p[0], p[1], "x", 1));
    LAB_ASSERT_FAILS_WITH("send_descriptor(pipe_end, fd, \"x\", 1)", rc, errno, ENOTSOCK,
                          LAB_TR("only a socket has sendmsg(): return its error",
                                 "只有 socket 能用 sendmsg()：返回它的错误"));
    close(sv[1]);
    rc = LAB_CALL("send_descriptor(sock, fd, \"x\", 1) after the peer closed", NULL,
                  send_descriptor(sv[0], p[1], "x", 1));
    LAB_ASSERT_FAILS_WITH("send_descriptor(sock, fd, \"x\", 1) after the peer closed", rc, errno,
                          EPIPE,
                          LAB_TR("pass MSG_NOSIGNAL to sendmsg(): EPIPE instead of SIGPIPE",
                                 "给 sendmsg() 传 MSG_NOSIGNAL：得到 EPIPE，而不是 SIGPIPE"));
    close(sv[0]);
    close_all(p, 2);
    LAB_ASSERT_NO_FD_LEAK("send_descriptor()", before,
                          LAB_TR("send_descriptor() opens nothing that stays open",
                                 "send_descriptor() 不会留下打开的东西"));
}

/* ---- receive_descriptor --------------------------------------------------------------------- */

LAB_TEST(test_receive_descriptor_new_cloexec_descriptor, 3)
{
    int sv[2], p[2];
    unix_pair(SOCK_STREAM, sv);
    make_pipe(p);
    LAB_SETUP(raw_send_fds(sv[0], &p[1], 1, "ab", 2) == 0, "sendmsg(SCM_RIGHTS)");
    int before = lab_count_fds();
    char buf[16];
    size_t got = 99;

    int fd = LAB_CALL("receive_descriptor(sock, buf, 16, &received)",
                      LAB_TR("recvmsg(): a message with a descriptor is waiting",
                             "recvmsg()：一条带描述符的消息正在等待"),
                      receive_descriptor(sv[1], buf, sizeof buf, &got));
    int err = errno;
    LAB_ASSERT(fd >= 0, "receive_descriptor(sock, buf, 16, &received)",
               LAB_TR("a new descriptor", "一个新的描述符"), lab_result_text(fd, err),
               LAB_TR("recvmsg() with a control buffer of CMSG_SPACE(sizeof(int)) bytes; the "
                      "descriptor is in CMSG_DATA of the SCM_RIGHTS message",
                      "recvmsg() 要带一块 CMSG_SPACE(sizeof(int)) 字节的控制缓冲区；描述符在 "
                      "SCM_RIGHTS 消息的 CMSG_DATA 里"));
    LAB_ASSERT(
        fd != p[1] && lab_count_fds() == before + 1 && lab_fd_is_open(fd),
        "receive_descriptor(sock, buf, 16, &received)",
        LAB_TR("one new descriptor, not the sender's number", "一个新的描述符，而不是发送方的编号"),
        lab_fmt(LAB_TR("descriptor %d (the sender's is %d), %d more open",
                       "描述符 %d（发送方的是 %d），多打开了 %d 个"),
                fd, p[1], lab_count_fds() - before),
        LAB_TR("the kernel installs a new descriptor in the receiving process",
               "内核会在接收进程里装上一个新的描述符"));
    LAB_ASSERT(got == 2 && memcmp(buf, "ab", 2) == 0,
               "receive_descriptor(sock, buf, 16, &received)", "*received 2, \"ab\"",
               lab_fmt("*received %zu, %s", got, lab_escape(buf, got > 16 ? 16 : got)),
               LAB_TR("the data bytes go into data, their count into *received",
                      "数据字节放进 data，个数放进 *received"));
    int flags = fcntl(fd, F_GETFD);
    LAB_ASSERT(flags >= 0 && (flags & FD_CLOEXEC), "receive_descriptor(sock, buf, 16, &received)",
               "FD_CLOEXEC", lab_fmt("F_GETFD = %#x", (unsigned)flags),
               LAB_TR("pass MSG_CMSG_CLOEXEC to recvmsg(): close-on-exec from the first moment",
                      "给 recvmsg() 传 MSG_CMSG_CLOEXEC：从一开始就设置 close-on-exec"));
    LAB_SETUP(write(fd, "via the copy", 12) == 12, "write() through the received descriptor");
    close(fd);
    char out[16];
    size_t n = lab_read_exact(p[0], out, 12, WAIT_MS);
    LAB_ASSERT_BYTES(
        "receive_descriptor(sock, buf, 16, &received)", out, n, "via the copy", 12,
        LAB_TR("the new descriptor is the pipe's write end", "新描述符就是管道的写端"));
    close_all(sv, 2);
    close_all(p, 2);
}

/* Forked child: sends the read end of its own pipe, which holds a message, then exits. */
static void child_sends_pipe_read_end(void *arg)
{
    int sock = *(int *)arg;
    int q[2];
    if (pipe(q) < 0)
        _exit(2);
    if (write(q[1], "hello from the child", 20) != 20)
        _exit(3);
    close(q[1]); /* the parent will read the message, then end of file */
    if (raw_send_fds(sock, &q[0], 1, "r", 1) < 0)
        _exit(4);
    _exit(0);
}

LAB_TEST(test_receive_descriptor_from_forked_child, 2)
{
    int sv[2];
    unix_pair(SOCK_STREAM, sv);
    pid_t pid = lab_fork_peer(child_sends_pipe_read_end, &sv[1]);
    close(sv[1]);
    char buf[8];
    size_t got = 0;
    int fd = LAB_CALL("receive_descriptor(sock, buf, 8, &received) from a child process",
                      LAB_TR("recvmsg(): the child sends a pipe's read end",
                             "recvmsg()：子进程发来一个管道的读端"),
                      receive_descriptor(sv[0], buf, sizeof buf, &got));
    int err = errno;
    int status = lab_wait_peer(pid, WAIT_MS);
    LAB_SETUP(status == 0, "the child sending a descriptor");
    LAB_ASSERT(fd >= 0 && got == 1 && buf[0] == 'r',
               "receive_descriptor(sock, buf, 8, &received) from a child process",
               LAB_TR("a descriptor, *received 1, \"r\"", "一个描述符，*received 为 1，\"r\""),
               lab_fmt("%s, *received %zu", lab_result_text(fd, err), got),
               LAB_TR("recvmsg() brings the byte and the SCM_RIGHTS message together",
                      "recvmsg() 会把字节和 SCM_RIGHTS 消息一起带回来"));
    char out[64];
    ssize_t n = lab_read_until_eof(fd, out, sizeof out, WAIT_MS);
    close(fd);
    LAB_ASSERT_BYTES("reading the descriptor received from the child", out, n < 0 ? 0 : (size_t)n,
                     "hello from the child", 20,
                     LAB_TR("the descriptor is the child's pipe, which outlives the child",
                            "这个描述符就是子进程的管道，子进程退出后它依然有效"));
    close(sv[0]);
}

LAB_TEST(test_receive_descriptor_without_descriptor, 2)
{
    int sv[2];
    unix_pair(SOCK_STREAM, sv);
    int before = lab_count_fds();
    char buf[16];
    size_t got = 99;
    lab_write_all(sv[0], "hi", 2);
    int fd = LAB_CALL("receive_descriptor(sock, buf, 16, &received) of plain \"hi\"", NULL,
                      receive_descriptor(sv[1], buf, sizeof buf, &got));
    int err = errno;
    LAB_ASSERT_FAILS_WITH("receive_descriptor(sock, buf, 16, &received) of plain \"hi\"", fd, err,
                          ENOMSG,
                          LAB_TR("no SCM_RIGHTS message came: -1 with ENOMSG",
                                 "没有收到 SCM_RIGHTS 消息：返回 -1，errno 为 ENOMSG"));
    LAB_ASSERT(got == 2 && memcmp(buf, "hi", 2) == 0,
               "receive_descriptor(sock, buf, 16, &received) of plain \"hi\"",
               "*received 2, \"hi\"", lab_fmt("*received %zu", got),
               LAB_TR("the data still counts: set *received", "数据照样算数：设置 *received"));
    shutdown(sv[0], SHUT_WR);
    got = 99;
    fd = LAB_CALL("receive_descriptor(sock, buf, 16, &received) at end of file", NULL,
                  receive_descriptor(sv[1], buf, sizeof buf, &got));
    err = errno;
    LAB_ASSERT(fd == -1 && err == ENOMSG && got == 0,
               "receive_descriptor(sock, buf, 16, &received) at end of file",
               "-1, errno ENOMSG, *received 0",
               lab_fmt("%s, *received %zu", lab_result_text(fd, err), got),
               LAB_TR("recvmsg() returning 0 is end of file: no descriptor, 0 bytes",
                      "recvmsg() 返回 0 表示文件结束：没有描述符，0 个字节"));
    close_all(sv, 2);
    LAB_ASSERT_NO_FD_LEAK("receive_descriptor()", before,
                          LAB_TR("no descriptor came, so none may be open afterwards",
                                 "没有收到描述符，之后也就不该多出打开的描述符"));
}

/*
 * Makes descriptor number @p number open (a dup of @p with) unless it is open already or above
 * the limit; returns 1 if it did. A receiver that takes a credentials message for SCM_RIGHTS
 * "closes" the pid, uid and gid it holds: open descriptors at those numbers show it.
 */
static int occupy_number(int number, int with)
{
    struct rlimit limit;
    if (number < 0 || lab_fd_is_open(number) || getrlimit(RLIMIT_NOFILE, &limit) != 0 ||
        (rlim_t)number >= limit.rlim_cur)
        return 0;
    return dup2(with, number) == number;
}

LAB_TEST(test_receive_descriptor_ignores_credentials, 1)
{
    /* With SO_PASSCRED on, the kernel adds an SCM_CREDENTIALS message: pid, uid, gid. */
    int sv[2], on = 1;
    unix_pair(SOCK_STREAM, sv);
    LAB_SETUP(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on) == 0,
              "setsockopt(SO_PASSCRED)");
    const int numbers[3] = {(int)getpid(), (int)getuid(), (int)getgid()};
    int occupied[3], was_open[3];
    for (int i = 0; i < 3; i++) {
        occupied[i] = occupy_number(numbers[i], sv[0]);
        was_open[i] = lab_fd_is_open(numbers[i]);
    }
    int before = lab_count_fds();
    lab_write_all(sv[0], "x", 1);
    char buf[16];
    size_t got;
    int fd = LAB_CALL("receive_descriptor(sock, buf, 16, &received) of \"x\" with credentials",
                      NULL, receive_descriptor(sv[1], buf, sizeof buf, &got));
    int err = errno;
    int closed = -1;
    for (int i = 0; i < 3; i++)
        if (was_open[i] && !lab_fd_is_open(numbers[i]))
            closed = numbers[i];
    const char *call = "receive_descriptor(sock, buf, 16, &received) of \"x\" with SCM_CREDENTIALS";
    const char *hint = LAB_TR("check cmsg_level == SOL_SOCKET and cmsg_type == SCM_RIGHTS: a "
                              "credentials message holds a process id, a user id and a group id, "
                              "not descriptors",
                              "检查 cmsg_level == SOL_SOCKET 且 cmsg_type == SCM_RIGHTS：凭据消息"
                              "里装的是进程号、用户号和组号，而不是描述符");
    LAB_ASSERT(fd == -1 && (err == ENOMSG || err == EBADMSG), call,
               LAB_TR("-1, errno ENOMSG (or EBADMSG if the credentials did not fit)",
                      "-1，errno 为 ENOMSG（凭据放不下时为 EBADMSG）"),
               lab_fmt(LAB_TR("%s (pid %d, uid %d, gid %d)", "%s（pid %d，uid %d，gid %d）"),
                       lab_result_text(fd, err), numbers[0], numbers[1], numbers[2]),
               hint);
    LAB_ASSERT(closed < 0, call,
               LAB_TR("no descriptor of this process closed", "本进程的描述符一个都没有被关闭"),
               lab_fmt(LAB_TR("descriptor %d was closed (pid %d, uid %d, gid %d)",
                              "描述符 %d 被关闭了（pid %d，uid %d，gid %d）"),
                       closed, numbers[0], numbers[1], numbers[2]),
               hint);
    LAB_ASSERT_NO_FD_LEAK("receive_descriptor()", before,
                          LAB_TR("no descriptor came, so none may be open afterwards",
                                 "没有收到描述符，之后也就不该多出打开的描述符"));
    for (int i = 0; i < 3; i++)
        if (occupied[i])
            lab_close(numbers[i]);
    close_all(sv, 2);
}

LAB_TEST(test_receive_descriptor_too_many_descriptors, 2)
{
    int sv[2], p[2];
    unix_pair(SOCK_STREAM, sv);
    make_pipe(p);
    int before = lab_count_fds();
    int many[MANY_FDS];
    for (int i = 0; i < MANY_FDS; i++)
        many[i] = p[1];
    char buf[16];
    size_t got;

    static const int counts[] = {2, MANY_FDS};
    for (int k = 0; k < 2; k++) {
        LAB_SETUP(raw_send_fds(sv[0], many, counts[k], "n", 1) == 0, "sendmsg(SCM_RIGHTS)");
        const char *call = lab_fmt(LAB_TR("receive_descriptor() of a message with %d descriptors",
                                          "receive_descriptor() 接收一条带 %d 个描述符的消息"),
                                   counts[k]);
        int fd = LAB_CALL("receive_descriptor(sock, buf, 16, &received) of several descriptors",
                          NULL, receive_descriptor(sv[1], buf, sizeof buf, &got));
        int err = errno;
        int leaked = lab_count_fds() - before;
        if (fd >= 0)
            lab_close(fd);
        LAB_ASSERT_FAILS_WITH(call, fd, err, EBADMSG,
                              k == 0 ? LAB_TR("one control message can hold several descriptors: "
                                              "count them from cmsg_len, (cmsg_len - CMSG_LEN(0)) "
                                              "/ sizeof(int)",
                                              "一条控制消息可以装好几个描述符：用 cmsg_len 算出"
                                              "个数，(cmsg_len - CMSG_LEN(0)) / sizeof(int)")
                                     : LAB_TR("MSG_CTRUNC in msg_flags: the control data was cut; "
                                              "fail with EBADMSG",
                                              "msg_flags 里有 MSG_CTRUNC：控制数据被截断了；以 "
                                              "EBADMSG 失败"));
        LAB_ASSERT(leaked <= 0, call, LAB_TR("no new descriptor left open", "没有多出打开的描述符"),
                   lab_fmt(LAB_TR("%d more descriptor(s) open", "多打开了 %d 个描述符"), leaked),
                   LAB_TR("every descriptor that arrived is open in this process: close each one "
                          "(also when MSG_CTRUNC is set)",
                          "每个收到的描述符都已经在本进程中打开：逐个关闭（设置了 MSG_CTRUNC "
                          "时也一样）"));
    }
    close_all(sv, 2);
    close_all(p, 2);
}

LAB_TEST(test_receive_descriptor_errors, 1)
{
    int sv[2], p[2];
    unix_pair(SOCK_STREAM, sv);
    make_pipe(p);
    char buf[8];
    size_t got;

    int fd = LAB_CALL("receive_descriptor(sock, buf, 0, &received)", NULL,
                      receive_descriptor(sv[1], buf, 0, &got));
    LAB_ASSERT_FAILS_WITH("receive_descriptor(sock, buf, 0, &received)", fd, errno, EINVAL,
                          LAB_TR("cap 0 leaves no room for the byte the descriptor rides on",
                                 "cap 为 0 就没有地方放描述符所搭的那个字节"));
    fd = LAB_CALL("receive_descriptor(sock, NULL, 8, &received)", NULL,
                  receive_descriptor(sv[1], NULL, 8, &got));
    LAB_ASSERT_FAILS_WITH("receive_descriptor(sock, NULL, 8, &received)", fd, errno, EINVAL,
                          LAB_TR("data NULL is EINVAL", "data 为 NULL 时为 EINVAL"));
    fd = LAB_CALL("receive_descriptor(pipe_end, buf, 8, &received)", NULL,
                  receive_descriptor(p[0], buf, sizeof buf, &got));
    LAB_ASSERT_FAILS_WITH("receive_descriptor(pipe_end, buf, 8, &received)", fd, errno, ENOTSOCK,
                          LAB_TR("return recvmsg()'s error", "返回 recvmsg() 的错误"));

    LAB_SETUP(raw_send_fds(sv[0], &p[1], 1, "e", 1) == 0, "sendmsg(SCM_RIGHTS)");
    lab_inject("recvmsg", 1, 1, EINTR, 0);
    fd = LAB_CALL("receive_descriptor(sock, buf, 8, NULL) with EINTR first", NULL,
                  receive_descriptor(sv[1], buf, sizeof buf, NULL));
    int err = errno;
    lab_inject_clear();
    LAB_ASSERT(fd >= 0, "receive_descriptor(sock, buf, 8, NULL) with EINTR first",
               LAB_TR("a descriptor", "一个描述符"), lab_result_text(fd, err),
               LAB_TR("EINTR means nothing was received yet: call recvmsg() again (received may "
                      "be NULL)",
                      "EINTR 表示还什么都没收到：再调用一次 recvmsg()（received 可以为 NULL）"));
    lab_close(fd);
    close_all(sv, 2);
    close_all(p, 2);
}

void lab_register_tests(void)
{
    LAB_ADD(test_iovec_array_alloc_zeroed_buffers);
    LAB_ADD(test_iovec_array_out_of_memory);
    LAB_ADD(test_iovec_array_add_grows_past_capacity);
    LAB_ADD(test_iovec_array_set_and_fetch);
    LAB_ADD(test_iovec_array_bad_index_and_small_buffer);
    LAB_ADD(test_iovec_array_delete_shifts_down);
    LAB_ADD(test_iovec_array_free_resets_and_is_safe_twice);
    LAB_ADD(test_writev_all_header_and_body_in_one_call);
    LAB_ADD(test_writev_all_short_writev_injected);
    LAB_ADD(test_writev_all_leaves_caller_array_unchanged);
    LAB_ADD_TIMEOUT(test_writev_all_real_short_writes, 6.0);
    LAB_ADD(test_writev_all_retries_eintr_and_reports_errors);
    LAB_ADD(test_readv_full_fills_buffers_in_order);
    LAB_ADD(test_readv_full_peer_sends_byte_by_byte);
    LAB_ADD(test_readv_full_short_readv_injected);
    LAB_ADD(test_readv_full_stops_at_eof_and_errors);
    LAB_ADD(test_send_descriptor_passes_one_descriptor);
    LAB_ADD(test_send_descriptor_without_data_sends_one_byte);
    LAB_ADD_TIMEOUT(test_send_descriptor_to_forked_child, 4.0);
    LAB_ADD(test_send_descriptor_short_sendmsg_and_errors);
    LAB_ADD(test_receive_descriptor_new_cloexec_descriptor);
    LAB_ADD_TIMEOUT(test_receive_descriptor_from_forked_child, 4.0);
    LAB_ADD(test_receive_descriptor_without_descriptor);
    LAB_ADD(test_receive_descriptor_ignores_credentials);
    LAB_ADD(test_receive_descriptor_too_many_descriptors);
    LAB_ADD(test_receive_descriptor_errors);
}
