/* mutant: every function blocks forever in pause(), as a blocked readv() or recvmsg() would.
 * expect-score: 0
 */
#define _GNU_SOURCE
#include "iovec.h"

#include <errno.h>
#include <unistd.h>

int iovec_array_alloc(struct iovec_array *a, size_t count, size_t each_len)
{
    (void)a;
    (void)count;
    (void)each_len;
    pause();
    errno = EINTR;
    return -1;
}

int iovec_array_add(struct iovec_array *a, size_t len)
{
    (void)a;
    (void)len;
    pause();
    errno = EINTR;
    return -1;
}

int iovec_array_set(struct iovec_array *a, size_t index, const void *data, size_t len)
{
    (void)a;
    (void)index;
    (void)data;
    (void)len;
    pause();
    errno = EINTR;
    return -1;
}

ssize_t iovec_array_fetch(const struct iovec_array *a, size_t index, void *out, size_t cap)
{
    (void)a;
    (void)index;
    (void)out;
    (void)cap;
    pause();
    errno = EINTR;
    return -1;
}

int iovec_array_delete(struct iovec_array *a, size_t index)
{
    (void)a;
    (void)index;
    pause();
    errno = EINTR;
    return -1;
}

void iovec_array_free(struct iovec_array *a)
{
    (void)a;
    pause();
}

ssize_t writev_all(int fd, const struct iovec *iov, int count)
{
    (void)fd;
    (void)iov;
    (void)count;
    pause();
    errno = EINTR;
    return -1;
}

ssize_t readv_full(int fd, const struct iovec *iov, int count)
{
    (void)fd;
    (void)iov;
    (void)count;
    pause();
    errno = EINTR;
    return -1;
}

int send_descriptor(int sock, int fd_to_pass, const void *data, size_t len)
{
    (void)sock;
    (void)fd_to_pass;
    (void)data;
    (void)len;
    pause();
    errno = EINTR;
    return -1;
}

int receive_descriptor(int sock, void *data, size_t cap, size_t *received)
{
    (void)sock;
    (void)data;
    (void)cap;
    (void)received;
    pause();
    errno = EINTR;
    return -1;
}
