/* create.h — lesson 01: make a socket, ask it what it is, and report errors the way the documents
 * do. */
#ifndef LABS_CREATE_H
#define LABS_CREATE_H

#include <stddef.h>

/**
 * @file create.h
 * \~english
 * @brief Lesson 01-create: `socket()`, `getprotobyname()`, `getsockopt(SO_ERROR)`, `strerror()`.
 *
 * A socket is a descriptor like a file's, but it is not connected to
 * anything yet: `socket()` only makes the kernel object. This lesson makes
 * TCP and UDP sockets, reads back what kind they are, takes their pending
 * error, and turns an error number into the message the documents print
 * with `or die(...)`.
 *
 * Every function returns -1 with `errno` set on failure and leaves nothing
 * open that it opened.
 *
 * @see @ref lesson01 (the lesson text), @ref phpmap (PHP to C).
 * \~chinese
 * @brief 第 01 课 create：`socket()`、`getprotobyname()`、`getsockopt(SO_ERROR)`、`strerror()`。
 *
 * socket 和文件一样是一个描述符，但它还没有连到任何地方：`socket()` 只创建内核里的对象。
 * 本课创建 TCP 和 UDP socket，读回它们是哪一种，取出它们待处理的错误，并把错误号变成文档用
 * `or die(...)` 打印的那种消息。
 *
 * 每个函数失败时都返回 -1 并设置 `errno`，而且不会留下任何由它打开的东西。
 *
 * @see @ref lesson01 （课文）、@ref phpmap （PHP 到 C）。
 */

/**
 * \~english
 * @brief Makes an IPv4 TCP socket, looking the protocol up by name.
 *
 * Calls `getprotobyname("tcp")` for the protocol number, as document 004's
 * server does, then `socket(AF_INET, SOCK_STREAM, protocol)`. When the
 * protocol database has no entry (`getprotobyname()` returns NULL, as in a
 * container without `/etc/protocols`), it uses `IPPROTO_TCP`, the number
 * the database would have given.
 *
 * @return a new descriptor (>= 0), or -1 with `errno` from `socket()`
 *         (`EMFILE` when the process has no descriptor left, ...).
 * \~chinese
 * @brief 创建 IPv4 TCP socket，按名字查协议号。
 *
 * 像文档 004 的服务端那样，先用 `getprotobyname("tcp")` 取得协议号，再调用
 * `socket(AF_INET, SOCK_STREAM, protocol)`。协议数据库里没有这一项时（`getprotobyname()`
 * 返回 NULL，比如在没有 `/etc/protocols` 的容器里），就改用 `IPPROTO_TCP`，
 * 也就是数据库本来会给出的那个协议号。
 *
 * @return 新的描述符（>= 0）；失败时返回 -1，`errno` 来自 `socket()`（进程的描述符用尽时为
 *         `EMFILE`，……）。
 * \~
 * @par PHP
 * `socket_create(AF_INET, SOCK_STREAM, getprotobyname("tcp"))`
 */
int create_tcp_socket(void);

/**
 * \~english
 * @brief Makes an IPv4 UDP socket.
 *
 * `socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP)`.
 *
 * @return a new descriptor (>= 0), or -1 with `errno` from `socket()`.
 * \~chinese
 * @brief 创建 IPv4 UDP socket。
 *
 * 即 `socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP)`。
 *
 * @return 新的描述符（>= 0）；失败时返回 -1，`errno` 来自 `socket()`。
 * \~
 * @par PHP
 * `socket_create(AF_INET, SOCK_DGRAM, SOL_UDP)`
 */
int create_udp_socket(void);

/**
 * \~english
 * @brief Reads back the domain, type and protocol of a socket.
 *
 * Uses `getsockopt()` with `SO_DOMAIN`, `SO_TYPE` and `SO_PROTOCOL` at level
 * `SOL_SOCKET`. A pointer that is NULL is not wanted and not written.
 *
 * @param fd       the descriptor to ask.
 * @param domain   receives the address family (`AF_INET`, `AF_INET6`, `AF_UNIX`, ...), or NULL.
 * @param type     receives the socket type (`SOCK_STREAM`, `SOCK_DGRAM`, ...), or NULL.
 * @param protocol receives the protocol number (`IPPROTO_TCP`, `IPPROTO_UDP`, 0 for `AF_UNIX`), or
 * NULL.
 * @return 0, or -1 with `errno` from `getsockopt()`: `EBADF` for a closed
 *         descriptor, `ENOTSOCK` for a descriptor that is not a socket (a
 *         pipe, a file). Nothing is written on failure.
 * @par PHP
 * No single PHP function: PHP keeps these in the socket resource.
 * \~chinese
 * @brief 读回 socket 的 domain、type 和 protocol。
 *
 * 在 `SOL_SOCKET` 层级上用 `getsockopt()` 读取 `SO_DOMAIN`、`SO_TYPE` 和 `SO_PROTOCOL`。为
 * NULL 的指针表示不需要这一项，不会被写入。
 *
 * @param fd       要查询的描述符。
 * @param domain   接收地址族（`AF_INET`、`AF_INET6`、`AF_UNIX`……），或为 NULL。
 * @param type     接收 socket 类型（`SOCK_STREAM`、`SOCK_DGRAM`……），或为 NULL。
 * @param protocol 接收协议号（`IPPROTO_TCP`、`IPPROTO_UDP`，`AF_UNIX` 为 0），或为 NULL。
 * @return 0；失败时返回 -1，`errno` 来自 `getsockopt()`：已关闭的描述符为 `EBADF`，不是
 *         socket 的描述符（管道、文件）为 `ENOTSOCK`。失败时什么都不写。
 * @par PHP
 * 没有对应的单个 PHP 函数：PHP 把这些信息保存在 socket 资源里。
 */
int socket_kind(int fd, int *domain, int *type, int *protocol);

/**
 * \~english
 * @brief Takes the socket's pending error, which clears it.
 *
 * `getsockopt(fd, SOL_SOCKET, SO_ERROR, ...)`. The kernel keeps one error
 * per socket for failures that happen after a call returned (a refused
 * non-blocking `connect()`, an ICMP "port unreachable" for UDP). Reading it
 * clears it, so a second call returns 0.
 *
 * @param fd the socket.
 * @return the pending error number (0 when there is none), or -1 with
 *         `errno` from `getsockopt()` (`EBADF`, `ENOTSOCK`).
 * @par PHP
 * `socket_last_error($socket)` followed by `socket_clear_error($socket)`.
 * \~chinese
 * @brief 取出 socket 待处理的错误，同时把它清除。
 *
 * 即 `getsockopt(fd, SOL_SOCKET, SO_ERROR, ...)`。
 * 对于在调用返回之后才发生的失败（被拒绝的非阻塞 `connect()`，UDP 收到的
 * ICMP“端口不可达”），内核为每个 socket 保存一个错误。读取会把它清除，
 * 所以第二次调用返回 0。
 *
 * @param fd 这个 socket。
 * @return 待处理的错误号（没有错误时为 0）；失败时返回 -1，`errno` 来自
 *         `getsockopt()`（`EBADF`、`ENOTSOCK`）。
 * @par PHP
 * `socket_last_error($socket)`，随后调用 `socket_clear_error($socket)`。
 */
int socket_take_error(int fd);

/**
 * \~english
 * @brief Writes the documents' error message: `"<call>() failed: <strerror(err)>"`.
 *
 * For example `format_socket_error(buf, sizeof buf, "connect", ECONNREFUSED)`
 * writes `connect() failed: Connection refused`. It behaves like
 * `snprintf()`: it writes at most @p cap bytes including the terminating
 * NUL (nothing at all when @p cap is 0, and then @p buf may be NULL), and
 * returns the length the whole message has, so a return value >= @p cap
 * means the text was cut.
 *
 * @param buf  where the message goes.
 * @param cap  size of @p buf in bytes.
 * @param call the name of the call that failed, without parentheses.
 * @param err  the error number (an `errno` value, or the result of socket_take_error()).
 * @return the full length of the message (not counting the NUL), or -1 if
 *         formatting fails.
 * @par PHP
 * `socket_strerror(socket_last_error())`, as in `or die("connect() failed: ...")`.
 * \~chinese
 * @brief 写出文档里的那种错误消息：`"<call>() failed: <strerror(err)>"`。
 *
 * 例如 `format_socket_error(buf, sizeof buf, "connect", ECONNREFUSED)` 写出
 * `connect() failed: Connection refused`。它的行为和 `snprintf()` 一样：最多写 @p cap
 * 个字节，包括结尾的 NUL（@p cap 为 0 时什么都不写，这时 @p buf 可以是 NULL），
 * 并返回整条消息的长度，所以返回值 >= @p cap 就说明文字被截断了。
 *
 * @param buf  消息写到这里。
 * @param cap  @p buf 的大小，以字节计。
 * @param call 失败的调用的名字，不带括号。
 * @param err  错误号（一个 `errno` 值，或 socket_take_error() 的结果）。
 * @return 消息的完整长度（不算 NUL）；格式化失败时返回 -1。
 * @par PHP
 * `socket_strerror(socket_last_error())`，就像 `or die("connect() failed: ...")` 里那样。
 */
int format_socket_error(char *buf, size_t cap, const char *call, int err);

#endif
