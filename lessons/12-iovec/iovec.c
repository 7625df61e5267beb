/* iovec.c — lesson 12 skeleton: replace each body with your implementation (see iovec.h). */
#define _GNU_SOURCE /* MSG_CMSG_CLOEXEC is a Linux extension */
#include "iovec.h"

#include <errno.h>

int iovec_array_alloc(struct iovec_array *a, size_t count, size_t each_len)
{
    (void)a;
    (void)count;
    (void)each_len;
    errno =
        ENOSYS; /* TODO: calloc() the iovec array, then calloc() each buffer; free all on ENOMEM */
    return -1;
}

int iovec_array_add(struct iovec_array *a, size_t len)
{
    (void)a;
    (void)len;
    errno = ENOSYS; /* TODO: realloc() to twice the capacity when full, calloc() the new buffer */
    return -1;
}

int iovec_array_set(struct iovec_array *a, size_t index, const void *data, size_t len)
{
    (void)a;
    (void)index;
    (void)data;
    (void)len;
    errno = ENOSYS; /* TODO: check index, malloc() + memcpy() the new bytes, free() the old */
    return -1;
}

ssize_t iovec_array_fetch(const struct iovec_array *a, size_t index, void *out, size_t cap)
{
    (void)a;
    (void)index;
    (void)out;
    (void)cap;
    errno = ENOSYS; /* TODO: check index and cap (ENOSPC), memcpy() */
    return -1;
}

int iovec_array_delete(struct iovec_array *a, size_t index)
{
    (void)a;
    (void)index;
    errno = ENOSYS; /* TODO: free() the buffer, memmove() the later ones down, count-- */
    return -1;
}

void iovec_array_free(struct iovec_array *a)
{
    (void)a; /* TODO: free() every buffer and the array, then zero the structure */
}

ssize_t writev_all(int fd, const struct iovec *iov, int count)
{
    (void)fd;
    (void)iov;
    (void)count;
    errno = ENOSYS; /* TODO: copy the array, writev() in a loop, advance past what was written */
    return -1;
}

ssize_t readv_full(int fd, const struct iovec *iov, int count)
{
    (void)fd;
    (void)iov;
    (void)count;
    errno = ENOSYS; /* TODO: copy the array, readv() in a loop until full or 0 (end of file) */
    return -1;
}

int send_descriptor(int sock, int fd_to_pass, const void *data, size_t len)
{
    (void)sock;
    (void)fd_to_pass;
    (void)data;
    (void)len;
    errno = ENOSYS; /* TODO: sendmsg() with one SCM_RIGHTS cmsg (CMSG_LEN), >= 1 data byte */
    return -1;
}

int receive_descriptor(int sock, void *data, size_t cap, size_t *received)
{
    (void)sock;
    (void)data;
    (void)cap;
    (void)received;
    errno =
        ENOSYS; /* TODO: recvmsg(MSG_CMSG_CLOEXEC), walk CMSG_FIRSTHDR/CMSG_NXTHDR, MSG_CTRUNC */
    return -1;
}
