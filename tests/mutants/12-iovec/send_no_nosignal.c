/* mutant: send_descriptor() calls sendmsg() without MSG_NOSIGNAL: a closed peer kills the process.
 * expect-fail: test_send_descriptor_short_sendmsg_and_errors
 */
#define _GNU_SOURCE /* MSG_CMSG_CLOEXEC is a Linux extension */
#include "iovec.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

/* Capacity of the element array the first time iovec_array_add() has to grow it. */
#define FIRST_CAPACITY 4

/* Bytes to allocate for a buffer of @p len: malloc(0) may return NULL, which would look like
 * ENOMEM, so an empty buffer gets one byte (its iov_len stays 0). */
#define ALLOC_SIZE(len) ((len) > 0 ? (len) : 1)

/* Room for this many descriptors in receive_descriptor()'s control buffer: more than the one
 * we want, so that a sender that sends a few is seen (and each one closed) without truncation,
 * and a credentials message (SCM_CREDENTIALS, 12 bytes) fits too. */
#define CONTROL_ROOM_FDS 4

/* ---- the socket_iovec_* family --------------------------------------------------------- */

void iovec_array_free(struct iovec_array *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->count; i++)
        free(a->iov[i].iov_base);
    free(a->iov);
    /* Zeroed, the array is empty again: a second call frees nothing twice. */
    a->iov = NULL;
    a->count = 0;
    a->capacity = 0;
}

int iovec_array_alloc(struct iovec_array *a, size_t count, size_t each_len)
{
    int saved;

    a->iov = NULL;
    a->count = 0;
    a->capacity = 0;
    if (count == 0)
        return 0;
    /* calloc() checks count * sizeof(struct iovec) for overflow, as malloc(a * b) would not. */
    a->iov = calloc(count, sizeof *a->iov);
    if (!a->iov)
        return -1; /* calloc() set ENOMEM */
    a->capacity = count;
    while (a->count < count) {
        void *buffer = calloc(1, ALLOC_SIZE(each_len));
        if (!buffer)
            goto fail;
        a->iov[a->count].iov_base = buffer;
        a->iov[a->count].iov_len = each_len;
        a->count++; /* counted as soon as it exists, so that iovec_array_free() sees it */
    }
    return 0;

fail:
    saved = errno; /* older C libraries let free() change errno */
    iovec_array_free(a);
    errno = saved;
    return -1;
}

/* Makes room for one more element: doubles the capacity when the array is full. */
static int reserve_one_more(struct iovec_array *a)
{
    if (a->count < a->capacity)
        return 0;
    size_t wanted = a->capacity ? 2 * a->capacity : FIRST_CAPACITY;
    if (wanted > SIZE_MAX / sizeof *a->iov) {
        errno = ENOMEM;
        return -1;
    }
    /* realloc() into a new pointer: on failure the old array is still ours and intact. */
    struct iovec *grown = realloc(a->iov, wanted * sizeof *grown);
    if (!grown)
        return -1;
    a->iov = grown;
    a->capacity = wanted;
    return 0;
}

int iovec_array_add(struct iovec_array *a, size_t len)
{
    if (reserve_one_more(a) < 0)
        return -1;
    void *buffer = calloc(1, ALLOC_SIZE(len));
    if (!buffer)
        return -1; /* the bigger capacity is kept; count and buffers are unchanged */
    a->iov[a->count].iov_base = buffer;
    a->iov[a->count].iov_len = len;
    a->count++;
    return 0;
}

int iovec_array_set(struct iovec_array *a, size_t index, const void *data, size_t len)
{
    if (index >= a->count || (!data && len > 0)) {
        errno = EINVAL;
        return -1;
    }
    /* A new buffer first, the old one freed last: on ENOMEM nothing has changed. */
    void *copy = malloc(ALLOC_SIZE(len));
    if (!copy)
        return -1;
    if (len > 0)
        memcpy(copy, data, len);
    free(a->iov[index].iov_base);
    a->iov[index].iov_base = copy;
    a->iov[index].iov_len = len;
    return 0;
}

ssize_t iovec_array_fetch(const struct iovec_array *a, size_t index, void *out, size_t cap)
{
    if (index >= a->count) {
        errno = EINVAL;
        return -1;
    }
    size_t len = a->iov[index].iov_len;
    if (cap < len) {
        errno = ENOSPC;
        return -1;
    }
    if (len > 0)
        memcpy(out, a->iov[index].iov_base, len);
    return (ssize_t)len;
}

int iovec_array_delete(struct iovec_array *a, size_t index)
{
    if (index >= a->count) {
        errno = EINVAL;
        return -1;
    }
    free(a->iov[index].iov_base);
    /* Close the gap: the buffers after it move down one place, order kept. */
    memmove(&a->iov[index], &a->iov[index + 1], (a->count - index - 1) * sizeof *a->iov);
    a->count--;
    return 0;
}

/* ---- writev / readv until done --------------------------------------------------------- */

/* Checks count and adds up the lengths; EINVAL where writev()/readv() would refuse them. */
static int vector_total(const struct iovec *iov, int count, size_t *total)
{
    *total = 0;
    if (count < 0 || count > IOV_MAX) {
        errno = EINVAL;
        return -1;
    }
    for (int i = 0; i < count; i++) {
        if (iov[i].iov_len > (size_t)SSIZE_MAX - *total) {
            errno = EINVAL;
            return -1;
        }
        *total += iov[i].iov_len;
    }
    return 0;
}

/*
 * Moves past @p done bytes of work[first..count-1]: buffers that were
 * completed are skipped, and the one that was cut starts after its last
 * byte that moved. Returns the index of the first buffer still to do.
 */
static int advance(struct iovec *work, int count, int first, size_t done)
{
    while (first < count && done >= work[first].iov_len) {
        done -= work[first].iov_len;
        first++;
    }
    if (first < count) {
        work[first].iov_base = (char *)work[first].iov_base + done;
        work[first].iov_len -= done;
    }
    return first;
}

ssize_t writev_all(int fd, const struct iovec *iov, int count)
{
    /* Our own copy to advance: the caller's array is const, and may be used again. At most
     * IOV_MAX (1024 on Linux) entries, 16 KiB: small enough for the stack. */
    struct iovec work[IOV_MAX];
    size_t total, written = 0;
    int first = 0;

    if (vector_total(iov, count, &total) < 0)
        return -1;
    if (count > 0)
        memcpy(work, iov, (size_t)count * sizeof *iov);
    while (written < total) {
        ssize_t n = writev(fd, work + first, count - first);
        if (n < 0 && errno == EINTR)
            continue; /* interrupted before anything moved: ask again */
        if (n < 0)
            return -1;
        written += (size_t)n;
        first = advance(work, count, first, (size_t)n);
    }
    return (ssize_t)written;
}

ssize_t readv_full(int fd, const struct iovec *iov, int count)
{
    struct iovec work[IOV_MAX];
    size_t total, filled = 0;
    int first = 0;

    if (vector_total(iov, count, &total) < 0)
        return -1;
    if (count > 0)
        memcpy(work, iov, (size_t)count * sizeof *iov);
    while (filled < total) {
        ssize_t n = readv(fd, work + first, count - first);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break; /* end of file: the buffers hold all there will ever be */
        filled += (size_t)n;
        first = advance(work, count, first, (size_t)n);
    }
    return (ssize_t)filled;
}

/* ---- descriptors over a Unix socket ---------------------------------------------------- */

/* The control buffer for one descriptor, aligned as struct cmsghdr must be. */
union one_descriptor_control {
    char bytes[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
};

/* Sends the bytes left after a partial sendmsg(): plain data, the descriptor has gone. */
static int send_rest(int sock, const char *rest, size_t len)
{
    while (len > 0) {
        ssize_t n = send(sock, rest, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        rest += n;
        len -= (size_t)n;
    }
    return 0;
}

int send_descriptor(int sock, int fd_to_pass, const void *data, size_t len)
{
    static const char zero_byte = '\0';
    union one_descriptor_control control;
    struct msghdr msg;
    struct iovec iov;
    ssize_t sent;

    if (!data && len > 0) {
        errno = EINVAL;
        return -1;
    }
    if (len == 0) { /* the descriptor needs a byte to ride on: send a zero byte */
        data = &zero_byte;
        len = 1;
    }
    iov.iov_base = (void *)data; /* sendmsg() only reads it; struct iovec has no const */
    iov.iov_len = len;
    memset(&control, 0, sizeof control);
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.bytes;
    msg.msg_controllen = sizeof control.bytes;

    struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int)); /* header + one int, without the padding */
    memcpy(CMSG_DATA(cmsg), &fd_to_pass, sizeof(int));

    do {
        sent = sendmsg(sock, &msg, 0);
    } while (sent < 0 && errno == EINTR);
    if (sent < 0)
        return -1;
    return send_rest(sock, (const char *)data + sent, len - (size_t)sent);
}

/*
 * Takes the descriptors that the control messages of @p msg brought: keeps
 * the first in *first, closes every other one (they are open in this
 * process already). Returns how many came.
 */
static int take_descriptors(struct msghdr *msg, int *first)
{
    int seen = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS || c->cmsg_len < CMSG_LEN(0))
            continue; /* credentials or other control data: not descriptors */
        /* cmsg_len = CMSG_LEN(n * sizeof(int)): it says how many descriptors follow. */
        size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < n; i++) {
            int fd;
            memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd); /* may be unaligned */
            if (seen++ == 0)
                *first = fd;
            else
                close(fd);
        }
    }
    return seen;
}

int receive_descriptor(int sock, void *data, size_t cap, size_t *received)
{
    union {
        char bytes[CMSG_SPACE(sizeof(int) * CONTROL_ROOM_FDS)];
        struct cmsghdr align;
    } control;
    struct iovec iov = {.iov_base = data, .iov_len = cap};
    struct msghdr msg;
    ssize_t got;
    int fd = -1;

    if (!data || cap == 0) {
        errno = EINVAL;
        return -1;
    }
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.bytes;
    msg.msg_controllen = sizeof control.bytes;
    /* MSG_CMSG_CLOEXEC: the new descriptor is close-on-exec from its first moment, so a
     * fork() + exec() in another thread cannot inherit it by accident. */
    do {
        got = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
    } while (got < 0 && errno == EINTR);
    if (got < 0)
        return -1;
    if (received)
        *received = (size_t)got;

    /* MSG_CTRUNC: the sender sent more control data than fit; what did fit is installed. */
    int truncated = (msg.msg_flags & MSG_CTRUNC) != 0;
    int seen = take_descriptors(&msg, &fd);
    if (seen == 1 && !truncated)
        return fd;
    if (seen > 0)
        close(fd); /* not the one descriptor we expected: none is handed out */
    errno = (seen == 0 && !truncated) ? ENOMSG : EBADMSG;
    return -1;
}
