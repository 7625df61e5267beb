/* mutant: the clean-up close() runs before returning, without saving errno first.
 * expect-fail: test_create_listener_errno_survives_close
 */
#define _POSIX_C_SOURCE 200809L
#include "listen.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int start_listening(int fd, int backlog)
{
    /* The backlog goes through unchanged: the kernel caps it at
     * net.core.somaxconn itself, and only the caller knows how many
     * clients may arrive faster than it accepts them. */
    return listen(fd, backlog);
}

int is_listening(int fd)
{
    int accepting = 0;
    socklen_t len = sizeof accepting;

    /* getsockopt() returns 0 when asking worked; the answer is the value
     * it stores in `accepting`. */
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &len) < 0)
        return -1;
    return accepting ? 1 : 0;
}

/* Fills *addr with ip:port; -1 with EINVAL unless ip is a dotted quad. */
static int make_ipv4_address(struct sockaddr_in *addr, const char *ip, uint16_t port)
{
    memset(addr, 0, sizeof *addr);
    addr->sin_family = AF_INET;
    addr->sin_port = htons(port); /* the network wants the most significant byte first */
    /* inet_pton() returns 0 for text that is not an address and sets no
     * errno then, so the error number is ours to choose. */
    if (inet_pton(AF_INET, ip, &addr->sin_addr) != 1) {
        errno = EINVAL;
        return -1;
    }
    return 0;
}

/* A restarted server must be able to bind its port while connections of its
 * previous run sit in TIME_WAIT. bind() is what reads this flag, so it has
 * to be set before bind(), and the old sockets must have had it too. */
static int enable_address_reuse(int fd)
{
    int on = 1;
    return setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
}

int create_listener(const char *ip, uint16_t port, int backlog)
{
    struct sockaddr_in addr;
    int fd, saved_errno;

    /* Check the address before opening anything: a bad one then has
     * nothing to clean up. */
    if (make_ipv4_address(&addr, ip, port) < 0)
        return -1;
    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    if (enable_address_reuse(fd) < 0)
        goto fail;
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0)
        goto fail;
    if (start_listening(fd, backlog) < 0)
        goto fail;
    return fd;

fail:
    (void)saved_errno;
    close(fd); /* the mistake: errno is whatever close() left */
    return -1;
}
