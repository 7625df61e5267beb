/* wrap.c — records and disturbs the system calls that the code under test makes (linked with
 * -Wl,--wrap=NAME). */
#define _GNU_SOURCE
#include "lab.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

/*
 * How this works: a lesson whose tests/NN-name.wrap lists "read" is linked
 * with -Wl,--wrap=read, so every call to read() in that program reaches
 * __wrap_read below, and __real_read is libc's read(). In a program linked
 * without that flag, __real_read is an unresolved weak symbol (NULL) and
 * __wrap_read is never called. Only calls made inside LAB_CALL, in the
 * thread that made it, are recorded or disturbed: the test's own I/O is not.
 */

__thread int lab_student_depth;

int lab_in_student_code(void)
{
    return lab_student_depth > 0;
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct lab_call calls[LAB_MAX_CALLS];
static int call_count;

#define MAX_INJECTIONS 16
struct injection {
    char name[16];
    int nth;   /* first affected call, 1-based */
    int times; /* affected calls in a row, -1 for all */
    int err;   /* errno to fail with, 0 to shorten the transfer */
    size_t max_bytes;
    int seen; /* calls of this name since lab_inject */
};
static struct injection injections[MAX_INJECTIONS];
static int injection_count;

/* Calls that, when they succeed, leave errno changed (POSIX allows it). */
static char clobber_name[8][16];
static int clobber_errno[8];
static int clobber_count;

void lab_record_reset(void)
{
    pthread_mutex_lock(&lock);
    call_count = 0;
    pthread_mutex_unlock(&lock);
}

int lab_record_count(void)
{
    return call_count;
}

const struct lab_call *lab_recorded(int i)
{
    return i >= 0 && i < call_count ? &calls[i] : NULL;
}

int lab_recorded_count(const char *name)
{
    int n = 0;
    for (int i = 0; i < call_count; i++)
        n += strcmp(calls[i].name, name) == 0;
    return n;
}

const char *lab_recorded_text(void)
{
    static char text[4096];
    size_t used = 0;
    text[0] = '\0';
    for (int i = 0; i < call_count && used < sizeof text - 128; i++) {
        const struct lab_call *c = &calls[i];
        used += (size_t)snprintf(text + used, sizeof text - used, "%s%s(%ld, %ld, %ld) = %s",
                                 i ? "\n          " : "", c->name, c->arg[0], c->arg[1], c->arg[2],
                                 lab_result_text(c->ret, c->err));
    }
    if (call_count == 0)
        snprintf(text, sizeof text, "%s", lab_tr("(no calls)", "（没有调用）"));
    return text;
}

void lab_inject(const char *name, int nth, int times, int err, size_t max_bytes)
{
    pthread_mutex_lock(&lock);
    if (injection_count < MAX_INJECTIONS) {
        struct injection *in = &injections[injection_count++];
        snprintf(in->name, sizeof in->name, "%s", name);
        in->nth = nth;
        in->times = times;
        in->err = err;
        in->max_bytes = max_bytes;
        in->seen = 0;
    }
    pthread_mutex_unlock(&lock);
}

void lab_inject_errno_on_success(const char *name, int err)
{
    pthread_mutex_lock(&lock);
    if (clobber_count < 8) {
        snprintf(clobber_name[clobber_count], sizeof clobber_name[0], "%s", name);
        clobber_errno[clobber_count++] = err;
    }
    pthread_mutex_unlock(&lock);
}

/* After a successful wrapped call: change errno if the test asked for it. */
static void clobber_after_success(const char *name)
{
    for (int i = 0; i < clobber_count; i++)
        if (strcmp(clobber_name[i], name) == 0)
            errno = clobber_errno[i];
}

void lab_inject_clear(void)
{
    pthread_mutex_lock(&lock);
    injection_count = 0;
    clobber_count = 0;
    pthread_mutex_unlock(&lock);
}

/* The injection that applies to this call of @p name, or NULL. */
static struct injection *injection_for(const char *name)
{
    struct injection *hit = NULL;
    pthread_mutex_lock(&lock);
    /* Every injection for this name counts the call, so several can be
     * scheduled on one call (EINTR on the 1st, EALREADY on the 2nd). */
    for (int i = 0; i < injection_count; i++) {
        struct injection *in = &injections[i];
        if (strcmp(in->name, name) != 0)
            continue;
        in->seen++;
        if (!hit && in->seen >= in->nth && (in->times < 0 || in->seen < in->nth + in->times))
            hit = in;
    }
    pthread_mutex_unlock(&lock);
    return hit;
}

static void record(const char *name, long a0, long a1, long a2, long a3, long ret, int err)
{
    pthread_mutex_lock(&lock);
    if (call_count < LAB_MAX_CALLS) {
        struct lab_call *c = &calls[call_count++];
        snprintf(c->name, sizeof c->name, "%s", name);
        c->arg[0] = a0;
        c->arg[1] = a1;
        c->arg[2] = a2;
        c->arg[3] = a3;
        c->ret = ret;
        c->err = err;
    }
    pthread_mutex_unlock(&lock);
}

/* Port (host order) of an address argument, for the log. */
static long port_of(const struct sockaddr *addr)
{
    if (!addr)
        return -1;
    if (addr->sa_family == AF_INET)
        return ntohs(((const struct sockaddr_in *)addr)->sin_port);
    if (addr->sa_family == AF_INET6)
        return ntohs(((const struct sockaddr_in6 *)addr)->sin6_port);
    return -1;
}

/*
 * WRAP_BODY: outside student code, call through untouched. Inside, apply an
 * injected failure if one is due, else call the real function; record it.
 * `len_var` names a size_t argument that a "short transfer" injection clips.
 */
#define STUDENT_FAILS(name, ret_on_fail, a0, a1, a2, a3)                                           \
    struct injection *in_ = injection_for(name);                                                   \
    if (in_ && in_->err) {                                                                         \
        record(name, (long)(a0), (long)(a1), (long)(a2), (long)(a3), -1, in_->err);                \
        errno = in_->err;                                                                          \
        return ret_on_fail;                                                                        \
    }

#define RECORD_RESULT(name, result, a0, a1, a2, a3)                                                \
    do {                                                                                           \
        int saved_ = errno;                                                                        \
        record(name, (long)(a0), (long)(a1), (long)(a2), (long)(a3), (long)(result),               \
               (long)(result) == -1 ? saved_ : 0);                                                 \
        errno = saved_;                                                                            \
    } while (0)

/* ---- wrappers with a plain int result -------------------------------------------- */

#define WRAP_SIMPLE(ret_t, name, params, args, a0, a1, a2, a3)                                     \
    extern ret_t __real_##name params __attribute__((weak));                                       \
    ret_t __wrap_##name params;                                                                    \
    ret_t __wrap_##name params                                                                     \
    {                                                                                              \
        if (!lab_in_student_code())                                                                \
            return __real_##name args;                                                             \
        STUDENT_FAILS(#name, -1, a0, a1, a2, a3)                                                   \
        ret_t result_ = __real_##name args;                                                        \
        RECORD_RESULT(#name, result_, a0, a1, a2, a3);                                             \
        if (result_ != -1)                                                                         \
            clobber_after_success(#name);                                                          \
        return result_;                                                                            \
    }

WRAP_SIMPLE(int, socket, (int domain, int type, int protocol), (domain, type, protocol), domain,
            type, protocol, 0)
WRAP_SIMPLE(int, bind, (int fd, const struct sockaddr *addr, socklen_t len), (fd, addr, len), fd,
            addr ? addr->sa_family : -1, port_of(addr), len)
WRAP_SIMPLE(int, listen, (int fd, int backlog), (fd, backlog), fd, backlog, 0, 0)
WRAP_SIMPLE(int, accept, (int fd, struct sockaddr *addr, socklen_t *len), (fd, addr, len), fd, 0, 0,
            0)
WRAP_SIMPLE(int, accept4, (int fd, struct sockaddr *addr, socklen_t *len, int flags),
            (fd, addr, len, flags), fd, flags, 0, 0)
WRAP_SIMPLE(int, connect, (int fd, const struct sockaddr *addr, socklen_t len), (fd, addr, len), fd,
            addr ? addr->sa_family : -1, port_of(addr), len)
WRAP_SIMPLE(int, close, (int fd), (fd), fd, 0, 0, 0)
WRAP_SIMPLE(int, shutdown, (int fd, int how), (fd, how), fd, how, 0, 0)
WRAP_SIMPLE(int, getsockopt, (int fd, int level, int name, void *value, socklen_t *len),
            (fd, level, name, value, len), fd, level, name, 0)
WRAP_SIMPLE(int, poll, (struct pollfd * fds, nfds_t n, int timeout), (fds, n, timeout), n, timeout,
            n > 0 ? fds[0].fd : -1, n > 0 ? fds[0].events : 0)
WRAP_SIMPLE(int, select, (int nfds, fd_set *rd, fd_set *wr, fd_set *ex, struct timeval *tv),
            (nfds, rd, wr, ex, tv), nfds, tv ? tv->tv_sec * 1000 + tv->tv_usec / 1000 : -1, 0, 0)

/* setsockopt: the log keeps the int value, which is what the lessons set. */
extern int __real_setsockopt(int, int, int, const void *, socklen_t) __attribute__((weak));
int __wrap_setsockopt(int fd, int level, int name, const void *value, socklen_t len);
int __wrap_setsockopt(int fd, int level, int name, const void *value, socklen_t len)
{
    long shown = value && len >= sizeof(int) ? *(const int *)value : -1;
    if (!lab_in_student_code())
        return __real_setsockopt(fd, level, name, value, len);
    STUDENT_FAILS("setsockopt", -1, fd, level, name, shown)
    int result = __real_setsockopt(fd, level, name, value, len);
    RECORD_RESULT("setsockopt", result, fd, level, name, shown);
    if (result != -1)
        clobber_after_success("setsockopt");
    return result;
}

/* fcntl is variadic: every command the lessons use takes an int or nothing. */
extern int __real_fcntl(int, int, ...) __attribute__((weak));
int __wrap_fcntl(int fd, int cmd, ...);
int __wrap_fcntl(int fd, int cmd, ...)
{
    long arg = 0;
    if (cmd != F_GETFL && cmd != F_GETFD) { /* those two take no argument */
        va_list ap;
        va_start(ap, cmd);
        arg = va_arg(ap, long);
        va_end(ap);
    }
    if (!lab_in_student_code())
        return __real_fcntl(fd, cmd, arg);
    STUDENT_FAILS("fcntl", -1, fd, cmd, arg, 0)
    int result = __real_fcntl(fd, cmd, arg);
    RECORD_RESULT("fcntl", result, fd, cmd, arg, 0);
    if (result != -1)
        clobber_after_success("fcntl");
    return result;
}

extern struct protoent *__real_getprotobyname(const char *) __attribute__((weak));
struct protoent *__wrap_getprotobyname(const char *name);
struct protoent *__wrap_getprotobyname(const char *name)
{
    if (!lab_in_student_code())
        return __real_getprotobyname(name);
    /* arg[0] holds the first letters of the name, to check "tcp" was asked for */
    long first = 0;
    if (name)
        memcpy(&first, name, strnlen(name, sizeof first - 1));
    STUDENT_FAILS("getprotobyname", NULL, first, 0, 0, 0)
    struct protoent *result = __real_getprotobyname(name);
    record("getprotobyname", first, 0, 0, 0, result ? result->p_proto : -1, 0);
    return result;
}

/* ---- transfers: may also be shortened ------------------------------------------------ */

#define WRAP_TRANSFER(name, params, buf_t, call_args, a0, a3)                                      \
    extern ssize_t __real_##name params __attribute__((weak));                                     \
    ssize_t __wrap_##name params;                                                                  \
    ssize_t __wrap_##name params                                                                   \
    {                                                                                              \
        if (!lab_in_student_code())                                                                \
            return __real_##name call_args;                                                        \
        STUDENT_FAILS(#name, -1, a0, 0, len, a3)                                                   \
        if (in_ && in_->max_bytes > 0 && len > in_->max_bytes)                                     \
            len = in_->max_bytes;                                                                  \
        ssize_t result_ = __real_##name call_args;                                                 \
        RECORD_RESULT(#name, result_, a0, 0, len, a3);                                             \
        return result_;                                                                            \
    }

WRAP_TRANSFER(read, (int fd, void *buf, size_t len), void *, (fd, buf, len), fd, 0)
WRAP_TRANSFER(write, (int fd, const void *buf, size_t len), const void *, (fd, buf, len), fd, 0)
WRAP_TRANSFER(recv, (int fd, void *buf, size_t len, int flags), void *, (fd, buf, len, flags), fd,
              flags)
WRAP_TRANSFER(send, (int fd, const void *buf, size_t len, int flags), const void *,
              (fd, buf, len, flags), fd, flags)
WRAP_TRANSFER(recvfrom,
              (int fd, void *buf, size_t len, int flags, struct sockaddr *from, socklen_t *fromlen),
              void *, (fd, buf, len, flags, from, fromlen), fd, flags)
WRAP_TRANSFER(sendto,
              (int fd, const void *buf, size_t len, int flags, const struct sockaddr *to,
               socklen_t tolen),
              const void *, (fd, buf, len, flags, to, tolen), fd, flags)

/* ---- scatter/gather: a shortened transfer gets a clipped copy of the iovec array ------- */

#include <limits.h>
#include <sys/uio.h>

/* Bytes described by an iovec array. */
static size_t iov_total(const struct iovec *iov, int count)
{
    size_t total = 0;
    for (int i = 0; i < count; i++)
        total += iov[i].iov_len;
    return total;
}

/* Copies @p iov into @p out, cut so that it describes at most @p max bytes; the new count. */
static int iov_clip(const struct iovec *iov, int count, size_t max, struct iovec *out)
{
    int n = 0;
    for (int i = 0; i < count && n < IOV_MAX && max > 0; i++) {
        out[n] = iov[i];
        if (out[n].iov_len > max)
            out[n].iov_len = max;
        max -= out[n].iov_len;
        n++;
    }
    return n;
}

#define WRAP_VECTOR(name, iov_const)                                                     \
    extern ssize_t __real_##name(int fd, iov_const struct iovec *iov, int count)         \
        __attribute__((weak));                                                           \
    ssize_t __wrap_##name(int fd, iov_const struct iovec *iov, int count);               \
    ssize_t __wrap_##name(int fd, iov_const struct iovec *iov, int count)                \
    {                                                                                    \
        if (!lab_in_student_code())                                                      \
            return __real_##name(fd, iov, count);                                        \
        size_t total = count > 0 ? iov_total(iov, count) : 0;                            \
        STUDENT_FAILS(#name, -1, fd, count, total, 0)                                    \
        ssize_t result;                                                                  \
        if (in_ && in_->max_bytes > 0 && count > 0 && total > in_->max_bytes) {          \
            static __thread struct iovec clipped[IOV_MAX];                               \
            int n = iov_clip(iov, count, in_->max_bytes, clipped);                       \
            total = in_->max_bytes;                                                      \
            result = __real_##name(fd, clipped, n);                                      \
        } else {                                                                         \
            result = __real_##name(fd, iov, count);                                      \
        }                                                                                \
        RECORD_RESULT(#name, result, fd, count, total, 0);                               \
        return result;                                                                   \
    }

WRAP_VECTOR(readv, const)
WRAP_VECTOR(writev, const)

#define WRAP_MESSAGE(name, msg_const)                                                    \
    extern ssize_t __real_##name(int fd, msg_const struct msghdr *msg, int flags)        \
        __attribute__((weak));                                                           \
    ssize_t __wrap_##name(int fd, msg_const struct msghdr *msg, int flags);              \
    ssize_t __wrap_##name(int fd, msg_const struct msghdr *msg, int flags)               \
    {                                                                                    \
        if (!lab_in_student_code())                                                      \
            return __real_##name(fd, msg, flags);                                        \
        int count = msg ? (int)msg->msg_iovlen : 0;                                      \
        size_t total = count > 0 ? iov_total(msg->msg_iov, count) : 0;                   \
        STUDENT_FAILS(#name, -1, fd, count, total, flags)                                \
        ssize_t result;                                                                  \
        if (in_ && in_->max_bytes > 0 && count > 0 && total > in_->max_bytes) {          \
            static __thread struct iovec clipped[IOV_MAX];                               \
            struct msghdr copy = *msg;                                                   \
            copy.msg_iov = clipped;                                                      \
            copy.msg_iovlen = (size_t)iov_clip(msg->msg_iov, count, in_->max_bytes, clipped); \
            total = in_->max_bytes;                                                      \
            result = __real_##name(fd, &copy, flags);                                    \
            if (result >= 0) { /* what the kernel reports back lives in msghdr */        \
                ((struct msghdr *)msg)->msg_flags = copy.msg_flags;                      \
                ((struct msghdr *)msg)->msg_controllen = copy.msg_controllen;            \
            }                                                                            \
        } else {                                                                         \
            result = __real_##name(fd, msg, flags);                                      \
        }                                                                                \
        RECORD_RESULT(#name, result, fd, count, total, flags);                           \
        return result;                                                                   \
    }

WRAP_MESSAGE(sendmsg, const)
WRAP_MESSAGE(recvmsg, )
