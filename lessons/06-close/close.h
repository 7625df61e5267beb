/* close.h — lesson 06: end a connection well: half-close, abort, and send without SIGPIPE. */
#ifndef LABS_CLOSE_H
#define LABS_CLOSE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/**
 * @file close.h
 * \~english
 * @brief Lesson 06-close: `shutdown()`, `SO_LINGER`, `close()`, `send(MSG_NOSIGNAL)`.
 *
 * A TCP connection has two directions, and each side can end its own
 * direction separately. `close()` gives up the descriptor and both
 * directions at once; `shutdown(fd, SHUT_WR)` only says "I have nothing
 * more to send": the peer's `read()` returns 0 (end of file), and the
 * answer can still come back. This is what document 002's client lacks:
 * its server reads until end of file before it answers, its client waits
 * for that answer before it closes, and so both wait forever.
 *
 * The lesson also shows the two other ways a connection ends: abruptly
 * (`SO_LINGER` with a zero timeout, then `close()`: the kernel sends RST,
 * and the peer's next call fails with `ECONNRESET`), and from the other
 * side (writing to a peer that has gone raises `SIGPIPE`, which kills the
 * process unless the write says `MSG_NOSIGNAL`).
 *
 * Every function returns -1 with `errno` set on failure.
 *
 * @see @ref lesson06 (the lesson text), @ref phpmap (PHP to C).
 * \~chinese
 * @brief 第 06 课 close：`shutdown()`、`SO_LINGER`、`close()`、`send(MSG_NOSIGNAL)`。
 *
 * TCP 连接有两个方向，每一端都可以单独结束自己的那个方向。`close()`
 * 一下子交出描述符和两个方向；`shutdown(fd, SHUT_WR)`
 * 只是说“我没有更多要发的了”：对端的 `read()` 返回 0（文件结束），
 * 而回答仍然能传回来。文档 002 的客户端缺的正是这一步：
 * 它的服务端要读到文件结束才回答，它的客户端要等到回答才关闭，
 * 于是双方永远等下去。
 *
 * 本课还展示连接结束的另外两种方式：突然中止（把 `SO_LINGER` 的超时设为 0，再
 * `close()`：内核发出 RST，对端的下一次调用以 `ECONNRESET` 失败），
 * 以及由另一端结束（向已经离开的对端写数据会触发 `SIGPIPE`，除非这次写指定了
 * `MSG_NOSIGNAL`，否则进程会被它杀死）。
 *
 * 每个函数失败时都返回 -1 并设置 `errno`。
 *
 * @see @ref lesson06 （课文）、@ref phpmap （PHP 到 C）。
 */

/**
 * \~english
 * @brief Ends the sending direction of a connection; receiving goes on.
 *
 * `shutdown(fd, SHUT_WR)`. Data already written is still delivered, then
 * the peer's `read()` returns 0. This side can go on reading what the peer
 * sends; writing here fails with `EPIPE` from now on. The descriptor stays
 * open: the caller still closes it when done.
 *
 * @param fd a connected TCP socket.
 * @return 0, or -1 with `errno` from `shutdown()`: `ENOTCONN` for a socket
 *         that is not connected, `EBADF` for a descriptor that is not open,
 *         `ENOTSOCK` for one that is not a socket (a pipe, a file).
 * @par PHP
 * `socket_shutdown($socket, 1)` (1: stop writing; 0 stops reading, 2 both).
 * \~chinese
 * @brief 结束连接的发送方向；接收照常进行。
 *
 * 即 `shutdown(fd, SHUT_WR)`。已经写出的数据照样送达，然后对端的 `read()`
 * 返回 0。这一端可以继续读对端发来的数据；从此以后，在这一端写数据会以 `EPIPE`
 * 失败。描述符保持打开：用完之后仍由调用者关闭。
 *
 * @param fd 已连接的 TCP socket。
 * @return 0，或者 -1，`errno` 来自 `shutdown()`：socket 没有连接时为
 *         `ENOTCONN`，描述符没有打开时为 `EBADF`，描述符不是
 *         socket（管道、文件）时为 `ENOTSOCK`。
 * @par PHP
 * `socket_shutdown($socket, 1)`（1：停止写；0 停止读，2 两者都停）。
 */
int half_close(int fd);

/**
 * \~english
 * @brief Drops a connection at once: the peer gets a reset, not an end of file.
 *
 * Sets `SO_LINGER` to `{l_onoff = 1, l_linger = 0}`, then calls `close()`:
 * the kernel throws away unsent data and sends RST instead of FIN, so the
 * peer's next `read()` or `send()` fails with `ECONNRESET`, and no
 * `TIME_WAIT` state is left on this side (the local port is free again).
 *
 * The function takes ownership of @p fd: it is closed whatever happens. If
 * `setsockopt()` fails, the descriptor is still closed (with an ordinary
 * `close()`) and the function returns -1 with `setsockopt()`'s `errno`.
 *
 * @param fd a connected TCP socket.
 * @return 0, or -1 with `errno` from `setsockopt()` (`ENOTSOCK` for a pipe,
 *         `EBADF` for a descriptor that is not open), or from `close()`.
 * @par PHP
 * ``socket_set_option($socket, SOL_SOCKET, SO_LINGER, ['l_onoff' => 1, 'l_linger' => 0])``
 * followed by `socket_close($socket)`.
 * \~chinese
 * @brief 立即丢弃一个连接：对端得到的是重置，而不是文件结束。
 *
 * 把 `SO_LINGER` 设为 `{l_onoff = 1, l_linger = 0}`，然后调用
 * `close()`：内核丢掉还没发出的数据，发送 RST 而不是 FIN，于是对端的下一次
 * `read()` 或 `send()` 以 `ECONNRESET` 失败，这一端也不会留下 `TIME_WAIT`
 * 状态（本地端口马上又能用了）。
 *
 * @p fd 归本函数所有：无论发生什么都会被关闭。如果 `setsockopt()`
 * 失败，描述符照样关闭（用普通的 `close()`），函数返回 -1，并保留
 * `setsockopt()` 设置的 `errno`。
 *
 * @param fd 已连接的 TCP socket。
 * @return 0，或者 -1，`errno` 来自 `setsockopt()`（管道为 `ENOTSOCK`，
 *         没有打开的描述符为 `EBADF`）或 `close()`。
 * @par PHP
 * ``socket_set_option($socket, SOL_SOCKET, SO_LINGER, ['l_onoff' => 1,
 * 'l_linger' => 0])`` 然后 `socket_close($socket)`。
 */
int abort_connection(int fd);

/**
 * \~english
 * @brief The client of document 002, done right: send a request, half-close, read the reply.
 *
 * Connects to @p ip : @p port (IPv4), sends all @p len bytes of @p req
 * (short sends and `EINTR` handled, never `SIGPIPE`), half-closes the
 * connection so that the server sees end of file, then reads until the
 * server closes, storing at most @p cap bytes in @p reply. Without the
 * half-close, a server that reads until end of file before answering (the
 * one in document 002) and this client would wait for each other forever.
 *
 * The socket is closed before the function returns, on every path: no
 * descriptor is left open, whether it succeeds or fails.
 *
 * @param ip    the server's dotted-quad IPv4 address, such as `"127.0.0.1"`.
 * @param port  the server's port, host byte order.
 * @param req   the request bytes (may be NULL when @p len is 0).
 * @param len   number of request bytes; 0 sends nothing and half-closes at once.
 * @param reply where the reply goes (may be NULL when @p cap is 0).
 * @param cap   size of @p reply in bytes.
 * @return the number of reply bytes stored (0 to @p cap), or -1 with `errno`:
 *         `EINVAL` when @p ip is NULL or not a dotted quad (nothing is opened);
 *         `EMSGSIZE` when the server sends more than @p cap bytes;
 *         `ECONNREFUSED`, `ECONNRESET`, ... from the socket call that failed.
 * @par PHP
 * `socket_connect()`, `socket_write()`, `socket_shutdown($socket, 1)`, a
 * `socket_read()` loop until it returns `""`, `socket_close()`.
 * \~chinese
 * @brief 改对了的文档 002 客户端：发送请求，半关闭，读取回复。
 *
 * 连接到 @p ip : `port`（IPv4），发出 @p req 的全部 @p len
 * 个字节（处理不完整的发送和 `EINTR`，绝不触发 `SIGPIPE`），
 * 半关闭连接让服务端看到文件结束，然后一直读到服务端关闭，最多把 @p cap
 * 个字节存进 `reply`。如果不半关闭，一个要读到文件结束才回答的服务端（文档 002
 * 里的那个）和这个客户端就会永远互相等待。
 *
 * 无论走哪条路径，函数返回之前都会关闭 socket：不管成功还是失败，
 * 都不留下打开的描述符。
 *
 * @param ip    服务端的点分十进制 IPv4 地址，例如 `"127.0.0.1"`。
 * @param port  服务端的端口，主机字节序。
 * @param req   请求的字节（@p len 为 0 时可以为 NULL）。
 * @param len   请求的字节数；为 0 时什么都不发，立即半关闭。
 * @param reply 回复存放的位置（@p cap 为 0 时可以为 NULL）。
 * @param cap   @p reply 的字节数。
 * @return 存下的回复字节数（0 到 `cap`），或者 -1 并设置 `errno`：@p ip 为 NULL
 *         或者不是点分十进制时为 `EINVAL`（什么都不打开）；服务端发来超过
 *         @p cap 个字节时为 `EMSGSIZE`；还有来自失败的那个 socket 调用的
 *         `ECONNREFUSED`、`ECONNRESET` 等。
 * @par PHP
 * `socket_connect()`、`socket_write()`、`socket_shutdown($socket, 1)`，循环调用
 * `socket_read()` 直到它返回 `""`，最后 `socket_close()`。
 */
ssize_t request_reply(const char *ip, uint16_t port, const void *req, size_t len, void *reply,
                      size_t cap);

/**
 * \~english
 * @brief Sends a whole buffer on a socket; a peer that has gone gives `EPIPE`, not `SIGPIPE`.
 *
 * Calls `send(fd, ..., MSG_NOSIGNAL)` until all @p len bytes are sent,
 * carrying on after a short send and retrying after `EINTR`. Without
 * `MSG_NOSIGNAL`, writing to a connection whose peer has closed raises
 * `SIGPIPE`, whose default action ends the process. The function does not
 * change the process's signal disposition or signal mask.
 *
 * @param fd  a connected socket.
 * @param buf the bytes to send.
 * @param len how many.
 * @return @p len, or -1 with `errno` from `send()` (`EPIPE` when the peer
 *         has closed, `ECONNRESET` when it reset the connection, `EBADF`,
 *         ...), even when part of the buffer was sent before the error.
 * @par PHP
 * `socket_send($socket, $buf, $len, MSG_NOSIGNAL)` in a loop (the PHP CLI
 * ignores `SIGPIPE` at start-up, so there `socket_write()` just returns false).
 * \~chinese
 * @brief 在 socket 上发出整个缓冲区；对端已经离开时得到 `EPIPE`，而不是 `SIGPIPE`。
 *
 * 反复调用 `send(fd, ..., MSG_NOSIGNAL)`，直到 @p len 个字节全部发出：
 * 发送不完整就接着发，遇到 `EINTR` 就重试。没有 `MSG_NOSIGNAL` 时，
 * 向对端已经关闭的连接写数据会触发 `SIGPIPE`，而它的默认动作是结束进程。
 * 本函数不改变进程对信号的处置方式（disposition），也不改变信号掩码。
 *
 * @param fd  已连接的 socket。
 * @param buf 要发送的字节。
 * @param len 字节数。
 * @return `len`，或者 -1，`errno` 来自 `send()`（对端已关闭时为
 *         `EPIPE`，对端重置了连接时为 `ECONNRESET`，还有 `EBADF`
 *         等），即使出错之前已经发出了一部分缓冲区也是如此。
 * @par PHP
 * 循环调用 `socket_send($socket, $buf, $len, MSG_NOSIGNAL)`（PHP
 * 命令行程序启动时就忽略了 `SIGPIPE`，所以在 PHP 里 `socket_write()` 只是返回
 * false）。
 */
ssize_t send_nosignal(int fd, const void *buf, size_t len);

#endif
