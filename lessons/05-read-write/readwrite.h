/* readwrite.h — lesson 05: whole writes, single reads, lines and reads to EOF on a socket. */
#ifndef LABS_READWRITE_H
#define LABS_READWRITE_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/**
 * @file readwrite.h
 * \~english
 * @brief Lesson 05-read-write: `read()`, `write()`, `recv()`, `send()` on a TCP connection.
 *
 * TCP carries a stream of bytes, not messages. One `write()` of 100 bytes
 * may reach the peer as one `read()` of 100 bytes, as ten reads of 10, or
 * together with the next write; and `write()` itself may take only part of
 * what it is given (a *short write*) when the socket's buffer is full and a
 * signal arrives. A blocking call interrupted by a signal handler that was
 * installed without `SA_RESTART` fails with `EINTR` and simply has to be
 * made again. This lesson writes the small loops every socket program
 * needs because of that:
 *
 * - write_all() keeps writing until every byte is gone;
 * - read_once() is one read, whatever size it gives (PHP's `PHP_BINARY_READ`);
 * - the line reader splits the stream into lines like PHP's
 *   `PHP_NORMAL_READ`, but reads in blocks, not one system call per byte;
 * - read_to_eof() reads until the peer says it has finished;
 * - serve_prefix_reply() and serve_line_acks() are the servers of
 *   documents 002 and 004 built from them.
 *
 * Every function but line_reader_init() returns -1 with `errno` set on
 * failure. None of them closes the descriptor it is given. Writing to a peer that
 * has gone raises `SIGPIPE`; lesson 06 shows how to avoid it, and the
 * tests of this lesson ignore that signal so that the error comes back as
 * `EPIPE`.
 *
 * @see @ref lesson05 (the lesson text), @ref phpmap (PHP to C).
 * \~chinese
 * @brief 第 05 课 read-write：在 TCP 连接上使用 `read()`、`write()`、`recv()`、`send()`。
 *
 * TCP 传的是字节流，不是消息。一次写 100 字节的 `write()`，
 * 到了对端可能是一次读到 100 字节的 `read()`，也可能是十次各读 10
 * 字节，还可能和下一次写的数据一起到达；而且在 socket 的缓冲区已满、
 * 又来了一个信号时，`write()` 本身也可能只收下交给它的一部分（<em>短写</em>）。
 * 阻塞中的调用如果被一个安装时没有设置 `SA_RESTART` 的信号处理函数打断，就会以
 * `EINTR` 失败，只需要再调用一次。正因为如此，每个 socket
 * 程序都需要几个小循环，本课就来写它们：
 *
 * - write_all() 一直写，直到每个字节都发出去；
 * - read_once() 只读一次，读到多少算多少（即 PHP 的 `PHP_BINARY_READ`）；
 * - 行读取器像 PHP 的 `PHP_NORMAL_READ` 一样把字节流切成行，但按块读取，
 *   而不是每个字节一次系统调用；
 * - read_to_eof() 一直读到对端表示它已经发完；
 * - serve_prefix_reply() 和 serve_line_acks() 是文档 002 和 004
 *   的服务端，由上面这些函数搭成。
 *
 * 除 line_reader_init() 外，每个函数失败时都返回 -1 并设置 `errno`。
 * 它们都不关闭传进来的描述符。向已经离开的对端写数据会触发 `SIGPIPE`；
 * 第 06 课讲怎样避免它，本课的测试忽略了这个信号，让错误以 `EPIPE` 的形式返回。
 *
 * @see @ref lesson05 （课文）、@ref phpmap （PHP 到 C）。
 */

/**
 * \~english
 * Bytes a line reader reads ahead; also the longest piece of a line it returns.
 * \~chinese
 * 行读取器一次预读的字节数；也是它返回的一段行的最大长度。
 */
#define LINE_READER_BUFFER 4096

/**
 * \~english
 * @brief A buffered line reader: the state between calls of line_reader_next().
 *
 * Bytes that `read()` returned but no line has used yet wait in `buffer`
 * from index `start` up to (not including) `end`. Set it up with
 * line_reader_init(); the fields are public so that you can see them in a
 * debugger, but only line_reader_next() should change them.
 * \~chinese
 * @brief 带缓冲的行读取器：两次调用 line_reader_next() 之间保存的状态。
 *
 * `read()` 已经返回、但还没有被任何一行用掉的字节，放在 `buffer` 中从下标
 * `start` 到 `end`（不含）的位置。用 line_reader_init() 初始化；字段是公开的，
 * 这样你能在调试器里看到它们，但只有 line_reader_next() 应该修改它们。
 */
struct line_reader {
    int fd;                          /**< \~english descriptor read from
                                          \~chinese 读取的描述符 */
    size_t start;                    /**< \~english first unconsumed byte in buffer
                                          \~chinese `buffer` 中第一个还没取走的字节 */
    size_t end;                      /**< \~english one past the last valid byte
                                          \~chinese 最后一个有效字节的下一个位置 */
    int eof;                         /**< \~english read() returned 0
                                          \~chinese read() 已返回 0 */
    char buffer[LINE_READER_BUFFER]; /**< \~english bytes read ahead
                                          \~chinese 预读的字节 */
};

/**
 * \~english
 * Most bytes serve_prefix_reply() accepts from a client before it refuses with `EMSGSIZE`.
 * \~chinese
 * serve_prefix_reply() 最多从一个客户端接受的字节数，再多就以 `EMSGSIZE` 拒绝。
 */
#define PREFIX_REPLY_INPUT_MAX (64 * 1024)

/**
 * \~english
 * Longest piece of a line serve_line_acks() handles at once: document 004
 * reads with `socket_read($connection, 1024, PHP_NORMAL_READ)`, so a longer
 * line is answered once per 1024 bytes.
 * \~chinese
 * serve_line_acks() 一次处理的一段行的最大长度：文档 004 用
 * `socket_read($connection, 1024, PHP_NORMAL_READ)` 读取，所以更长的行每 1024
 * 字节回答一次。
 */
#define LINE_ACKS_LINE_MAX 1024

/**
 * \~english
 * @brief Writes all @p len bytes, looping over short writes and `EINTR`.
 *
 * `write()` (or `send()`) may move fewer bytes than asked; the rest is sent
 * by the next call, starting where the previous one stopped. A call that
 * fails with `EINTR` moved nothing and is made again. Any other error ends
 * the loop: then some bytes may already have reached the peer, but the
 * caller cannot use a partly sent message, so the result is -1, not the
 * count sent so far.
 *
 * @param fd  a connected socket (or any descriptor open for writing).
 * @param buf the bytes to send.
 * @param len how many; 0 sends nothing and returns 0.
 * @return @p len, or -1 with `errno` from the write that failed (`EPIPE`,
 *         `ECONNRESET` when the peer has gone, `EBADF`, ...).
 * @par PHP
 * `socket_write($socket, $buf, $len)` and `socket_send()`; unlike this
 * function, they return after one write, with the count it moved.
 * \~chinese
 * @brief 写出全部 @p len 个字节，遇到短写和 `EINTR` 就继续循环。
 *
 * `write()`（或 `send()`）搬运的字节可能比要求的少；剩下的由下一次调用发送，
 * 从上一次停下的地方开始。以 `EINTR` 失败的调用什么都没有搬运，再调用一次即可。
 * 其他任何错误都会结束循环：这时可能已经有一部分字节到达对端，
 * 但调用者用不了只发出一部分的消息，所以结果是 -1，
 * 而不是到目前为止发出的字节数。
 *
 * @param fd  已连接的 socket（或任何为写入而打开的描述符）。
 * @param buf 要发送的字节。
 * @param len 字节数；为 0 时什么都不发，返回 0。
 * @return `len`；或者 -1，`errno` 来自失败的那次写（对端已经离开时为
 *         `EPIPE`、`ECONNRESET`，还有 `EBADF` 等）。
 * @par PHP
 * `socket_write($socket, $buf, $len)` 和 `socket_send()`；与本函数不同，
 * 它们只写一次就返回，返回值是那一次搬运的字节数。
 */
ssize_t write_all(int fd, const void *buf, size_t len);

/**
 * \~english
 * @brief Reads once: whatever one `read()` returns, up to @p cap bytes.
 *
 * It does not wait for @p cap bytes: a read returns as soon as some bytes
 * have arrived. A read interrupted by a signal before any byte arrived
 * (`EINTR`) is made again; every other error is returned.
 *
 * @param fd  a connected socket.
 * @param buf where the bytes go (not NUL-terminated).
 * @param cap size of @p buf.
 * @return the number of bytes read (1 to @p cap), 0 at end of file (the
 *         peer closed or shut down its sending side), or -1 with `errno`
 *         (`ECONNRESET`, `EBADF`, ...).
 * @par PHP
 * `socket_read($socket, $cap, PHP_BINARY_READ)` and `socket_recv()`.
 * \~chinese
 * @brief 只读一次：一次 `read()` 返回多少就是多少，最多 @p cap 个字节。
 *
 * 它不会等满 @p cap 个字节：只要有字节到达，读就会返回。
 * 还没有任何字节到达就被信号打断的读（`EINTR`）会重做；其他错误都返回给调用者。
 *
 * @param fd  已连接的 socket。
 * @param buf 字节存放的位置（不以 NUL 结尾）。
 * @param cap @p buf 的大小。
 * @return 读到的字节数（1 到 `cap`），文件结束时为 0（对端关闭了连接，
 *         或者关闭了它的发送方向），或者 -1 并设置 `errno`（`ECONNRESET`、
 *         `EBADF` 等）。
 * @par PHP
 * `socket_read($socket, $cap, PHP_BINARY_READ)` 和 `socket_recv()`。
 */
ssize_t read_once(int fd, void *buf, size_t cap);

/**
 * \~english
 * @brief Prepares @p reader to read lines from @p fd.
 *
 * Sets `fd`, empties the buffer (`start` and `end` 0) and clears `eof`.
 * It reads nothing.
 *
 * @param reader the reader to set up (its previous contents do not matter).
 * @param fd     a connected socket; the reader never closes it.
 * @par PHP
 * None: PHP keeps no buffer, it reads one byte per system call.
 * \~chinese
 * @brief 准备好 `reader`，从 @p fd 读取行。
 *
 * 设置 `fd`，清空缓冲区（`start` 和 `end` 为 0），并清除 `eof`。
 * 它不读取任何数据。
 *
 * @param reader 要初始化的读取器（它原来的内容无关紧要）。
 * @param fd     已连接的 socket；读取器从不关闭它。
 * @par PHP
 * 没有对应的函数：PHP 不做缓冲，每次系统调用只读一个字节。
 */
void line_reader_init(struct line_reader *reader, int fd);

/**
 * \~english
 * @brief Returns the next line, as PHP's `PHP_NORMAL_READ` splits them.
 *
 * A line ends at a newline `\n` or at a carriage return `\r`, and the
 * terminator belongs to the line: `"x\r\n"` is two lines, `"x\r"` and
 * `"\n"`, exactly as PHP returns them. The line is copied into @p line and
 * NUL-terminated; the returned length includes the terminator but not the
 * NUL (a line may itself hold NUL bytes, so use the length, not `strlen()`).
 *
 * - A line longer than `cap - 1` bytes comes in pieces of `cap - 1` bytes,
 *   the last piece ending with the terminator. A piece is never longer
 *   than #LINE_READER_BUFFER, so a @p cap above `LINE_READER_BUFFER + 1`
 *   gains nothing.
 * - The reader calls `read()` only when the bytes it holds do not make a
 *   whole line (or piece); each `read()` asks for all the free space in
 *   the buffer, never one byte at a time. Bytes read ahead stay for the
 *   next call.
 * - At end of file, the bytes left without a terminator are returned as
 *   the last line; after that every call returns 0.
 * - `EINTR` is retried. Any other `read()` error is returned as -1 with
 *   its `errno`, and the bytes already read ahead are kept: the next call
 *   starts with them (and reads again if it needs to).
 *
 * @param reader a reader set up with line_reader_init().
 * @param line   where the line goes, NUL-terminated.
 * @param cap    size of @p line, at least 2 (one byte and the NUL).
 * @return the length of the line (>= 1), 0 at end of file, or -1 with
 *         `errno`: `EINVAL` when @p cap < 2, or the error of `read()`.
 * \~chinese
 * @brief 返回下一行，分行方式与 PHP 的 `PHP_NORMAL_READ` 相同。
 *
 * 换行符 `\n` 或回车符 `\r` 都结束一行，结束符属于这一行：`"x\r\n"`
 * 是两行，`"x\r"` 和 `"\n"`，和 PHP 返回的完全一样。这一行被复制到 @p line 并以
 * NUL 结尾；返回的长度包括结束符，但不包括 NUL（行里本身可能含有 NUL
 * 字节，所以要用返回的长度，不要用 `strlen()`）。
 *
 * - 超过 `cap - 1` 字节的行按 `cap - 1` 字节分段返回，最后一段以结束符结尾。
 *   一段永远不会超过 #LINE_READER_BUFFER 字节，所以 @p cap 大于
 *   `LINE_READER_BUFFER + 1` 没有好处。
 * - 只有手上的字节凑不出一整行（或一段）时，读取器才调用 `read()`；每次
 *   `read()` 都要求填满缓冲区的全部空闲空间，从不一次只读一个字节。
 *   预读的字节留给下一次调用。
 * - 到文件结束时，剩下的没有结束符的字节作为最后一行返回；
 *   此后每次调用都返回 0。
 * - 遇到 `EINTR` 会重试。`read()` 的其他错误返回 -1 并保留它的
 *   `errno`，已经预读的字节不会丢：下一次调用从它们开始（需要时再读）。
 *
 * @param reader 用 line_reader_init() 初始化过的读取器。
 * @param line   行存放的位置，以 NUL 结尾。
 * @param cap    @p line 的大小，至少为 2（一个字节加 NUL）。
 * @return 行的长度（>= 1），文件结束时为 0，或者 -1 并设置 `errno`：@p cap < 2
 *         时为 `EINVAL`，否则为 `read()` 的错误。
 * \~
 * @par PHP
 * `socket_read($socket, $cap - 1, PHP_NORMAL_READ)`.
 */
ssize_t line_reader_next(struct line_reader *reader, char *line, size_t cap);

/**
 * \~english
 * @brief Reads until end of file into @p buf.
 *
 * Keeps reading (and retrying `EINTR`) until a read returns 0. Exactly
 * @p cap bytes followed by end of file is a success; if a byte arrives
 * after @p cap bytes, the answer is `EMSGSIZE` (the first @p cap bytes are
 * then in @p buf, and the stream has not been read to its end).
 *
 * @param fd  a connected socket whose peer will shut down its sending side.
 * @param buf where the bytes go (not NUL-terminated).
 * @param cap size of @p buf.
 * @return the number of bytes read (0 to @p cap), or -1 with `errno`:
 *         `EMSGSIZE` when more than @p cap bytes arrive, or the error of
 *         `read()` (`ECONNRESET`, ...).
 * @par PHP
 * `while ($buf = socket_read($socket, 8192)) $out .= $buf;` as in document 002.
 * \~chinese
 * @brief 一直读到文件结束，数据存进 `buf`。
 *
 * 不停地读（遇到 `EINTR` 就重试），直到某次读返回 0。恰好 @p cap
 * 个字节之后就是文件结束，算成功；如果在 @p cap 个字节之后又来了一个字节，
 * 结果就是 `EMSGSIZE`（这时前 @p cap 个字节已经在 @p buf 中，
 * 而数据流没有读到结尾）。
 *
 * @param fd  已连接的 socket，它的对端会关闭自己的发送方向。
 * @param buf 字节存放的位置（不以 NUL 结尾）。
 * @param cap @p buf 的大小。
 * @return 读到的字节数（0 到 `cap`），或者 -1 并设置 `errno`：收到超过 @p cap
 *         个字节时为 `EMSGSIZE`，否则为 `read()` 的错误（`ECONNRESET` 等）。
 * @par PHP
 * 文档 002 中的 `while ($buf = socket_read($socket, 8192)) $out .= $buf;`。
 */
ssize_t read_to_eof(int fd, void *buf, size_t cap);

/**
 * \~english
 * @brief The server side of document 002: read the request until EOF, answer prefix + request.
 *
 * Reads everything the client sends until the client shuts down its
 * sending side (at most #PREFIX_REPLY_INPUT_MAX bytes), then writes
 * @p prefix followed by those bytes, all of them (write_all() semantics).
 * With the document's prefix `"数据是 "` (UTF-8), a client that sends
 * `"hello \n"` receives `"数据是 hello \n"`. @p conn stays open: the caller
 * closes it.
 *
 * @param conn   a connected socket.
 * @param prefix the NUL-terminated text put before the data.
 * @return 0, or -1 with `errno`: `EMSGSIZE` when the client sends more than
 *         #PREFIX_REPLY_INPUT_MAX bytes (then nothing is written), `ENOMEM`,
 *         or the error of the read or write that failed.
 * @par PHP
 * Document 002's loop: `socket_read($msgsock, 8192)` until it returns
 * nothing, then `socket_write($msgsock, "数据是 $out")`.
 * \~chinese
 * @brief 文档 002 的服务端：读请求直到 EOF，回答前缀加请求内容。
 *
 * 读取客户端发来的全部内容，直到客户端关闭它的发送方向（最多
 * #PREFIX_REPLY_INPUT_MAX 字节），然后写出 @p prefix 和紧跟其后的这些字节，
 * 一个不少（与 write_all() 的语义相同）。用文档中的前缀 `"数据是 "`（UTF-8），
 * 发送 `"hello \n"` 的客户端会收到 `"数据是 hello \n"`。@p conn
 * 保持打开：由调用者关闭。
 *
 * @param conn   已连接的 socket。
 * @param prefix 放在数据前面的文本，以 NUL 结尾。
 * @return 0，或者 -1 并设置 `errno`：客户端发来超过 #PREFIX_REPLY_INPUT_MAX
 *         字节时为 `EMSGSIZE`（此时什么都不写），`ENOMEM`，
 *         或者失败的那次读或写的错误。
 * @par PHP
 * 文档 002 的循环：`socket_read($msgsock, 8192)` 直到它什么都不返回，然后
 * `socket_write($msgsock, "数据是 $out")`。
 */
int serve_prefix_reply(int conn, const char *prefix);

/**
 * \~english
 * @brief The server side of document 004: greet, then acknowledge every line.
 *
 * Sends @p greeting_line (the document's `"Connect\n"`) before reading
 * anything, then reads lines exactly as line_reader_next() splits them,
 * with pieces of at most #LINE_ACKS_LINE_MAX bytes. For each line it writes
 * `"Buffer: <line>\n"` to @p log (when @p log is not NULL; `<line>` keeps
 * its terminator, so `"SOME data\n"` is logged as `"Buffer: SOME data\n\n"`)
 * and then sends @p ack_line (`"Information received\n"`) to the client.
 * Each line is answered as soon as it has arrived, without waiting for
 * the next one. It returns when the client shuts down its sending side;
 * @p conn stays open.
 *
 * @param conn          a connected socket.
 * @param greeting_line NUL-terminated text sent first.
 * @param ack_line      NUL-terminated text sent once per line.
 * @param log           where each line is logged, or NULL.
 * @return the number of lines answered (0 if the client sent nothing), or
 *         -1 with `errno` of the read, write or log write that failed
 *         (`ECONNRESET`, `EPIPE`, ...).
 * @par PHP
 * Document 004's server loop: `socket_write($connection, "Connect\n")`, then
 * `while ($data = socket_read($connection, 1024, PHP_NORMAL_READ))` printing
 * `"Buffer: "` and answering with `socket_write()`.
 * \~chinese
 * @brief 文档 004 的服务端：先问候，然后确认每一行。
 *
 * 在读取任何数据之前先发送 `greeting_line`（文档中的 `"Connect\n"`），
 * 然后完全按 line_reader_next() 的分法读取行，每段最多 #LINE_ACKS_LINE_MAX
 * 字节。对每一行，它向 @p log 写入 `"Buffer: <line>\n"`（@p log 不为
 * NULL 时；`<line>` 保留结束符，所以 `"SOME data\n"` 记为
 * `"Buffer: SOME data\n\n"`），然后向客户端发送
 * `ack_line`（`"Information received\n"`）。每一行一到就回答，不等下一行。
 * 客户端关闭它的发送方向时返回；@p conn 保持打开。
 *
 * @param conn          已连接的 socket。
 * @param greeting_line 最先发送的文本，以 NUL 结尾。
 * @param ack_line      每行发送一次的文本，以 NUL 结尾。
 * @param log           每一行记录到哪里；或者 NULL。
 * @return 回答过的行数（客户端什么都没发时为 0），或者 -1，`errno`
 *         来自失败的那次读、写或日志写入（`ECONNRESET`、`EPIPE` 等）。
 * @par PHP
 * 文档 004 的服务端循环：先 `socket_write($connection, "Connect\n")`，然后
 * `while ($data = socket_read($connection, 1024, PHP_NORMAL_READ))`，打印
 * `"Buffer: "` 并用 `socket_write()` 回答。
 */
long serve_line_acks(int conn, const char *greeting_line, const char *ack_line, FILE *log);

#endif
