/* iovec.h — lesson 12: scatter/gather buffers, complete writev/readv, passing descriptors. */
#ifndef LABS_IOVEC_H
#define LABS_IOVEC_H

#include <stddef.h>
#include <sys/types.h>
#include <sys/uio.h>

/**
 * @file iovec.h
 * \~english
 * @brief Lesson 12-iovec: arrays of `struct iovec`, `writev()`/`readv()` until every byte has
 *        moved, and `sendmsg()`/`recvmsg()` passing an open descriptor (`SCM_RIGHTS`).
 *
 * A `struct iovec` is one buffer: a start address (`iov_base`) and a length
 * (`iov_len`). An array of them describes several separate buffers as one
 * run of bytes. `writev()` sends the bytes of all the buffers, in order, in
 * **one** system call (*gather*), and `readv()` spreads what arrives over the
 * buffers, filling each before the next (*scatter*). A server that sends a
 * header and a body kept in two places can hand both to the kernel at once,
 * without copying them together first and without paying for two calls.
 *
 * Like `write()` and `read()`, `writev()` and `readv()` may move fewer bytes
 * than asked. The count can stop anywhere, even in the middle of a buffer,
 * so finishing the job means skipping the buffers that are done and starting
 * the next call part-way into the one that was cut.
 *
 * `sendmsg()` and `recvmsg()` are the most general transfer calls: an iovec
 * array for the data, plus *ancillary* (control) data that travels beside it.
 * On an `AF_UNIX` socket one kind of control message, `SCM_RIGHTS`, carries
 * open descriptors: the receiver gets new descriptors for the same open files
 * (a pipe, a file, a socket), as if `dup()` had worked across processes.
 *
 * The first six functions are the C counterpart of PHP's `socket_iovec_*`
 * family: a small growable array of buffers that the program owns.
 *
 * Conventions: failure is -1 with `errno` set by the call that failed, and
 * nothing opened or allocated by the function is left behind.
 *
 * @see @ref lesson12 (the lesson text), @ref phpmap (PHP to C).
 * \~chinese
 * @brief 第 12 课 iovec：`struct iovec` 数组，把每个字节都传完的 `writev()`/`readv()`，
 *        以及用 `sendmsg()`/`recvmsg()` 传递打开的描述符（`SCM_RIGHTS`）。
 *
 * 一个 `struct iovec` 就是一块缓冲区：起始地址（`iov_base`）加长度
 * （`iov_len`）。由它们组成的数组把几块分开的缓冲区描述成一串连续的字节。
 * `writev()` 在**一次**系统调用里按顺序发出所有缓冲区的字节（*聚合*），
 * `readv()` 把到达的字节依次填进各个缓冲区，填满一块再填下一块（*分散*）。
 * 服务端要发送放在两处的头部和正文时，可以一次交给内核，既不用先把它们拷贝到
 * 一起，也不用付出两次调用的代价。
 *
 * 和 `write()`、`read()` 一样，`writev()` 和 `readv()` 传输的字节可能少于要求的。
 * 计数可能停在任何地方，甚至停在某块缓冲区的中间；要把活干完，就得跳过已经
 * 传完的缓冲区，下一次调用从被截断的那一块的中间开始。
 *
 * `sendmsg()` 和 `recvmsg()` 是最通用的传输调用：数据用 iovec 数组描述，旁边还
 * 可以带上*辅助*（控制）数据。在 `AF_UNIX` socket 上，有一种控制消息
 * `SCM_RIGHTS` 可以携带打开的描述符：接收方会得到指向同一个打开文件（管道、
 * 文件、socket）的新描述符，就像 `dup()` 跨进程生效了一样。
 *
 * 前六个函数对应 PHP 的 `socket_iovec_*` 系列：一个由程序自己管理、可以增长的
 * 小缓冲区数组。
 *
 * 约定：失败时返回 -1，`errno` 由失败的那个调用设置；函数打开或分配的东西都不会
 * 留下。
 *
 * @see @ref lesson12 （课文）、@ref phpmap （从 PHP 到 C）。
 */

/**
 * \~english
 * @brief A growable array of buffers, each described by a `struct iovec`: PHP's iovec resource.
 *
 * `iov` can be handed straight to `writev()`, `readv()` or `msg_iov` as
 * `writev(fd, a.iov, (int)a.count)`. Every `iov[i].iov_base` for `i < count`
 * was allocated by these functions and belongs to the array. A zeroed
 * structure (`struct iovec_array a = {0};`) is a valid empty array.
 * \~chinese
 * @brief 一个可以增长的缓冲区数组，每块缓冲区用一个 `struct iovec` 描述：对应 PHP 的
 *        iovec 资源。
 *
 * `iov` 可以直接交给 `writev()`、`readv()` 或 `msg_iov`，例如
 * `writev(fd, a.iov, (int)a.count)`。`i < count` 的每个 `iov[i].iov_base`
 * 都由这些函数分配，归数组所有。全零的结构体（`struct iovec_array a = {0};`）
 * 是一个合法的空数组。
 */
struct iovec_array {
    struct iovec *iov; /**< \~english the elements, `iov[0]` to `iov[count - 1]` in use; NULL when
                            `capacity` is 0 \~chinese 元素数组，使用中的是 `iov[0]` 到
                            `iov[count - 1]`；`capacity` 为 0 时为 NULL */
    size_t count;      /**< \~english buffers in use \~chinese 使用中的缓冲区个数 */
    size_t capacity;   /**< \~english elements allocated in `iov` (at least `count`), so that
                            adding is not one reallocation per buffer \~chinese `iov` 中已分配的
                            元素个数（不少于 `count`），这样不必每加一块缓冲区就重新分配一次 */
};

/**
 * \~english
 * @brief Makes an array of @p count buffers of @p each_len zeroed bytes each.
 *
 * Whatever @p a held before is overwritten, not freed (free an old array
 * with iovec_array_free() first). @p count 0 gives an empty array.
 *
 * @param a        the array to fill in.
 * @param count    how many buffers.
 * @param each_len the length of every buffer, in bytes (0 is allowed).
 * @return 0; or -1 with `errno` `ENOMEM` when an allocation fails: then
 *         everything allocated so far is freed and @p a is left empty
 *         (`iov` NULL, `count` and `capacity` 0).
 * \~chinese
 * @brief 创建一个数组，含 @p count 块缓冲区，每块 @p each_len 个字节，全部清零。
 *
 * @p a 原来的内容会被覆盖，而不会被释放（旧数组请先用 iovec_array_free()
 * 释放）。@p count 为 0 时得到空数组。
 *
 * @param a        要填写的数组。
 * @param count    缓冲区块数。
 * @param each_len 每块缓冲区的字节数（可以为 0）。
 * @return 0；分配失败时返回 -1，`errno` 为 `ENOMEM`：此时已分配的东西全部释放，
 *         @p a 为空（`iov` 为 NULL，`count` 和 `capacity` 为 0）。
 * \~
 * @par PHP
 * `socket_iovec_alloc($count, $len1, $len2, ...)` (PHP 4: one length per buffer).
 */
int iovec_array_alloc(struct iovec_array *a, size_t count, size_t each_len);

/**
 * \~english
 * @brief Appends one new buffer of @p len zeroed bytes at the end of the array.
 *
 * When the array is full (`count == capacity`), the element array grows to
 * twice its capacity (at least 4 elements), so that adding n buffers costs
 * O(n) copying in all, not O(n²).
 *
 * @param a   an array made by iovec_array_alloc(), or a zeroed one.
 * @param len the new buffer's length in bytes (0 is allowed).
 * @return 0 (the new buffer is `a->iov[a->count - 1]`); or -1 with `errno`
 *         `ENOMEM`: then `count` and every existing buffer are unchanged and
 *         nothing leaks (`capacity` may have grown).
 * \~chinese
 * @brief 在数组末尾追加一块新的缓冲区，长 @p len 字节，全部清零。
 *
 * 数组满了（`count == capacity`）时，元素数组扩大到原容量的两倍（至少 4 个元素），
 * 这样追加 n 块缓冲区的拷贝总量是 O(n)，而不是 O(n²)。
 *
 * @param a   由 iovec_array_alloc() 创建的数组，或全零的数组。
 * @param len 新缓冲区的字节数（可以为 0）。
 * @return 0（新缓冲区是 `a->iov[a->count - 1]`）；失败时返回 -1，`errno` 为
 *         `ENOMEM`：此时 `count` 和已有的每块缓冲区都不变，也没有泄漏
 *         （`capacity` 可能已经变大）。
 * \~
 * @par PHP
 * `socket_iovec_add($iovec, $len)`.
 */
int iovec_array_add(struct iovec_array *a, size_t len);

/**
 * \~english
 * @brief Replaces buffer @p index with a copy of @p len bytes from @p data.
 *
 * As in PHP, the buffer takes the new value's length: afterwards
 * `a->iov[index].iov_len == len`, whatever it was before (the buffer is
 * reallocated when needed). Bytes may be anything, NUL included.
 *
 * @param a     the array.
 * @param index which buffer, from 0 to `a->count - 1`.
 * @param data  the new bytes (may be NULL when @p len is 0).
 * @param len   how many bytes.
 * @return 0; or -1 with `errno`: `EINVAL` when @p index >= `a->count` or
 *         @p data is NULL with @p len > 0; `ENOMEM` when the allocation
 *         fails. On failure the buffer is unchanged.
 * \~chinese
 * @brief 用 @p data 中 @p len 个字节的拷贝替换第 @p index 块缓冲区。
 *
 * 和 PHP 一样，缓冲区的长度变成新值的长度：之后 `a->iov[index].iov_len == len`，
 * 不管原来是多少（需要时重新分配缓冲区）。字节可以是任何值，包括 NUL。
 *
 * @param a     数组。
 * @param index 哪一块缓冲区，从 0 到 `a->count - 1`。
 * @param data  新的字节（@p len 为 0 时可以为 NULL）。
 * @param len   字节数。
 * @return 0；失败时返回 -1 并设置 `errno`：@p index >= `a->count`，或 @p data 为
 *         NULL 而 @p len > 0 时为 `EINVAL`；分配失败时为 `ENOMEM`。失败时缓冲区
 *         保持不变。
 * \~
 * @par PHP
 * `socket_iovec_set($iovec, $index, $value)`.
 */
int iovec_array_set(struct iovec_array *a, size_t index, const void *data, size_t len);

/**
 * \~english
 * @brief Copies the bytes of buffer @p index into @p out.
 *
 * @param a     the array.
 * @param index which buffer, from 0 to `a->count - 1`.
 * @param out   receives `a->iov[index].iov_len` bytes (no NUL is added).
 * @param cap   size of @p out in bytes.
 * @return the buffer's length (the number of bytes copied); or -1 with
 *         `errno`: `EINVAL` when @p index >= `a->count`; `ENOSPC` when
 *         @p cap is smaller than the buffer (then @p out is not touched).
 * \~chinese
 * @brief 把第 @p index 块缓冲区的字节拷贝到 @p out。
 *
 * @param a     数组。
 * @param index 哪一块缓冲区，从 0 到 `a->count - 1`。
 * @param out   接收 `a->iov[index].iov_len` 个字节（不追加 NUL）。
 * @param cap   @p out 的字节数。
 * @return 缓冲区的长度（即拷贝的字节数）；失败时返回 -1 并设置 `errno`：
 *         @p index >= `a->count` 时为 `EINVAL`；@p cap 小于缓冲区长度时为
 *         `ENOSPC`（此时不动 @p out）。
 * \~
 * @par PHP
 * `socket_iovec_fetch($iovec, $index)`.
 */
ssize_t iovec_array_fetch(const struct iovec_array *a, size_t index, void *out, size_t cap);

/**
 * \~english
 * @brief Frees buffer @p index and moves the later buffers down one place.
 *
 * The order of the others is kept: deleting index 1 of [A, B, C] leaves
 * [A, C]. `count` goes down by one; `capacity` stays.
 *
 * @param a     the array.
 * @param index which buffer, from 0 to `a->count - 1`.
 * @return 0; or -1 with `errno` `EINVAL` when @p index >= `a->count`
 *         (nothing changes).
 * \~chinese
 * @brief 释放第 @p index 块缓冲区，并把它后面的缓冲区依次前移一位。
 *
 * 其余缓冲区的顺序保持不变：从 [A, B, C] 中删除下标 1，剩下 [A, C]。`count`
 * 减一，`capacity` 不变。
 *
 * @param a     数组。
 * @param index 哪一块缓冲区，从 0 到 `a->count - 1`。
 * @return 0；@p index >= `a->count` 时返回 -1，`errno` 为 `EINVAL`（什么都不变）。
 * \~
 * @par PHP
 * `socket_iovec_delete($iovec, $index)`.
 */
int iovec_array_delete(struct iovec_array *a, size_t index);

/**
 * \~english
 * @brief Frees every buffer and the element array, and leaves @p a empty.
 *
 * Afterwards `iov` is NULL and `count` and `capacity` are 0, so calling it
 * again, or using the array again with iovec_array_add(), is safe.
 *
 * @param a the array (NULL is allowed and does nothing).
 * \~chinese
 * @brief 释放每块缓冲区和元素数组，并把 @p a 置为空。
 *
 * 之后 `iov` 为 NULL，`count` 和 `capacity` 为 0，所以再调用一次，或者用
 * iovec_array_add() 继续使用这个数组，都是安全的。
 *
 * @param a 数组（可以为 NULL，此时什么都不做）。
 * \~
 * @par PHP
 * `socket_iovec_free($iovec)`.
 */
void iovec_array_free(struct iovec_array *a);

/**
 * \~english
 * @brief Writes every byte that @p iov describes, in order, with as few `writev()` calls as it
 *        takes.
 *
 * One `writev()` usually takes everything (one system call for header and
 * body together). When it writes less, the next call starts exactly after
 * the last byte written, which may be in the middle of a buffer; buffers of
 * length 0 are allowed anywhere. The caller's array is never changed (it
 * is `const`): the function works on its own copy or keeps its own place.
 * `EINTR` is retried. Writing to a peer that has gone away raises `SIGPIPE`,
 * as `write()` does (see lesson 06), unless the caller ignores it; then the
 * error is `EPIPE`.
 *
 * @param fd    a descriptor open for writing (a socket, a pipe, a file).
 * @param iov   the buffers (may be NULL when @p count is 0).
 * @param count how many, 0 to `IOV_MAX`.
 * @return the total number of bytes written (the sum of the lengths; 0 for
 *         @p count 0); or -1 with `errno`: `EINVAL` when @p count is
 *         negative or above `IOV_MAX`, or the lengths add up to more than
 *         `SSIZE_MAX`; `EBADF`, `EPIPE`, ... from `writev()`, even after part
 *         of the bytes went out.
 * \~chinese
 * @brief 按顺序写出 @p iov 描述的每个字节，需要几次 `writev()` 就调用几次。
 *
 * 通常一次 `writev()` 就能全部写完（头部和正文只用一次系统调用）。写少了的时候，
 * 下一次调用正好从最后写出的字节之后开始，这个位置可能在某块缓冲区的中间；
 * 长度为 0 的缓冲区可以出现在任何位置。调用者的数组永远不被修改（它是
 * `const` 的）：函数在自己的副本上工作，或者自己记住进度。`EINTR` 会重试。
 * 向已经离开的对端写数据会像 `write()` 一样引发 `SIGPIPE`（见第 06 课），除非
 * 调用者忽略了它，那时错误是 `EPIPE`。
 *
 * @param fd    一个可写的描述符（socket、管道、文件）。
 * @param iov   缓冲区数组（@p count 为 0 时可以为 NULL）。
 * @param count 个数，0 到 `IOV_MAX`。
 * @return 写出的总字节数（各长度之和；@p count 为 0 时为 0）；失败时返回 -1 并
 *         设置 `errno`：@p count 为负数或大于 `IOV_MAX`，或长度之和超过
 *         `SSIZE_MAX` 时为 `EINVAL`；`writev()` 给出的 `EBADF`、`EPIPE` 等，即使
 *         已经写出了一部分。
 * \~
 * @par PHP
 * `socket_writev($socket, $iovec)`.
 */
ssize_t writev_all(int fd, const struct iovec *iov, int count);

/**
 * \~english
 * @brief Fills every buffer of @p iov in order, with as many `readv()` calls as it takes, until
 *        all are full or the peer ends the stream.
 *
 * A short `readv()` (the peer sent only part so far) is not the end: the
 * next call continues exactly where the last byte landed, possibly in the
 * middle of a buffer. Only end of file (a `readv()` returning 0) stops early.
 * `EINTR` is retried. The caller's array is never changed.
 *
 * @param fd    a descriptor open for reading.
 * @param iov   the buffers (may be NULL when @p count is 0).
 * @param count how many, 0 to `IOV_MAX`.
 * @return the total number of bytes read: the sum of the lengths, or less
 *         when end of file came first; or -1 with `errno`: `EINVAL` as for
 *         writev_all(); `EBADF`, `ECONNRESET`, ... from `readv()` (the bytes
 *         read before the error are in the buffers, but their count is lost).
 * \~chinese
 * @brief 按顺序填满 @p iov 的每块缓冲区，需要几次 `readv()` 就调用几次，直到全部
 *        填满或对端结束数据流。
 *
 * `readv()` 读少了（对端目前只发了一部分）并不代表结束：下一次调用正好从最后
 * 一个字节落下的位置继续，这个位置可能在某块缓冲区的中间。只有文件结束
 * （`readv()` 返回 0）才会提前停止。`EINTR` 会重试。调用者的数组永远不被修改。
 *
 * @param fd    一个可读的描述符。
 * @param iov   缓冲区数组（@p count 为 0 时可以为 NULL）。
 * @param count 个数，0 到 `IOV_MAX`。
 * @return 读到的总字节数：各长度之和，文件先结束时会少一些；失败时返回 -1 并
 *         设置 `errno`：`EINVAL` 同 writev_all()；`readv()` 给出的 `EBADF`、
 *         `ECONNRESET` 等（出错前读到的字节已经在缓冲区里，但个数丢失了）。
 * \~
 * @par PHP
 * `socket_readv($socket, $iovec)`.
 */
ssize_t readv_full(int fd, const struct iovec *iov, int count);

/**
 * \~english
 * @brief Sends @p fd_to_pass and @p len bytes of @p data over a Unix socket (`SCM_RIGHTS`).
 *
 * One `sendmsg()` carries the data and one control message (level
 * `SOL_SOCKET`, type `SCM_RIGHTS`, `cmsg_len` = `CMSG_LEN(sizeof(int))`)
 * holding the descriptor. The control data needs at least one byte of real
 * data to travel with: on a stream socket, a `sendmsg()` with no data sends
 * nothing at all, descriptor included. So when @p len is 0 this function
 * sends one byte of its own, a zero byte (NUL), which the receiver reads.
 * If `sendmsg()` sends only part of the data, the rest follows in further
 * calls **without** the control message (the descriptor went with the first
 * part; sending it again would give the receiver extra copies). `EINTR` is
 * retried. `MSG_NOSIGNAL` is used: a vanished peer gives `EPIPE`, never
 * `SIGPIPE`. @p fd_to_pass stays open here; the receiver gets its own
 * descriptor for the same open file.
 *
 * @param sock       a connected `AF_UNIX` socket (stream, datagram or seqpacket).
 * @param fd_to_pass the descriptor to send (any kind: pipe, file, socket).
 * @param data       the bytes that go with it (may be NULL when @p len is 0).
 * @param len        how many bytes; 0 sends a single zero byte.
 * @return 0 once the descriptor and every data byte are sent; or -1 with
 *         `errno`: `EINVAL` when @p data is NULL with @p len > 0; `EBADF`
 *         when @p fd_to_pass (or @p sock) is not open, `ENOTSOCK`, `EPIPE`,
 *         ... from `sendmsg()`. Only `AF_UNIX` sockets carry descriptors:
 *         on others `sendmsg()` refuses the control data (Linux: `EINVAL`).
 * \~chinese
 * @brief 通过 Unix socket 发送 @p fd_to_pass 以及 @p data 中的 @p len 个字节（`SCM_RIGHTS`）。
 *
 * 一次 `sendmsg()` 同时带上数据和一条控制消息（level 为 `SOL_SOCKET`，type 为
 * `SCM_RIGHTS`，`cmsg_len` 为 `CMSG_LEN(sizeof(int))`），消息里装着描述符。
 * 控制数据至少要搭着一个真正的数据字节才能传过去：在流式 socket 上，不带数据的
 * `sendmsg()` 什么都不会发送，描述符也不会。所以 @p len 为 0 时，本函数自己发
 * 一个字节：零字节（NUL），接收方会读到它。如果 `sendmsg()` 只发出了一部分
 * 数据，剩下的用后续调用发送，**不再**带控制消息（描述符已经随第一部分走了；
 * 再发一次，接收方会多收到几个副本）。`EINTR` 会重试。使用 `MSG_NOSIGNAL`：
 * 对端离开时得到 `EPIPE`，而不是 `SIGPIPE`。@p fd_to_pass 在这里保持打开；
 * 接收方得到的是指向同一个打开文件的自己的描述符。
 *
 * @param sock       一个已连接的 `AF_UNIX` socket（流式、数据报或 seqpacket）。
 * @param fd_to_pass 要发送的描述符（任何类型：管道、文件、socket）。
 * @param data       随它一起发送的字节（@p len 为 0 时可以为 NULL）。
 * @param len        字节数；为 0 时发送一个零字节。
 * @return 描述符和所有数据字节都发出后返回 0；失败时返回 -1 并设置 `errno`：
 *         @p data 为 NULL 而 @p len > 0 时为 `EINVAL`；@p fd_to_pass（或
 *         @p sock）没有打开时为 `EBADF`，以及 `sendmsg()` 给出的 `ENOTSOCK`、
 *         `EPIPE` 等。只有 `AF_UNIX` socket 能携带描述符：在其他 socket 上
 *         `sendmsg()` 会拒绝控制数据（Linux 上为 `EINVAL`）。
 * \~
 * @par PHP
 * `socket_sendmsg($socket, $message, 0)` (PHP 5.5 and later), where `$message`
 * holds the data under `iov` and, under `control`, one entry with level `SOL_SOCKET`,
 * type `SCM_RIGHTS` and data `[$fd]`.
 */
int send_descriptor(int sock, int fd_to_pass, const void *data, size_t len);

/**
 * \~english
 * @brief Receives one descriptor and the data bytes that came with it (`recvmsg()`, `SCM_RIGHTS`).
 *
 * One `recvmsg()` (`EINTR` retried) reads at most @p cap bytes into @p data
 * and the control data into a buffer built with `CMSG_SPACE()`, with
 * `MSG_CMSG_CLOEXEC` so that the new descriptor is close-on-exec from the
 * start. The control messages are walked with `CMSG_FIRSTHDR()` /
 * `CMSG_NXTHDR()`; only those of level `SOL_SOCKET` and type `SCM_RIGHTS`
 * hold descriptors, and how many each holds follows from its `cmsg_len`
 * (`CMSG_LEN(n * sizeof(int))` for n descriptors). Other control messages
 * (credentials, for instance) are ignored.
 *
 * Exactly one descriptor is expected. If the control data was cut short
 * (`MSG_CTRUNC`: the sender sent more than fits) or held more than one
 * descriptor, every descriptor that did arrive is closed (they are open in
 * this process now; dropping them would leak them) and the call fails.
 *
 * @param sock     a connected `AF_UNIX` socket.
 * @param data     receives the data bytes.
 * @param cap      size of @p data, at least 1 (the descriptor rides on a byte).
 * @param received receives the number of data bytes read, on success and
 *                 on `ENOMSG`/`EBADMSG` (0 at end of file); may be NULL.
 * @return the new descriptor (close-on-exec), which the caller must close;
 *         or -1 with `errno`: `ENOMSG` when the bytes came without any
 *         descriptor (also at end of file, with `*received` 0); `EBADMSG`
 *         when the control data was truncated or held several descriptors
 *         (all closed); `EINVAL` when @p data is NULL or @p cap is 0;
 *         `EBADF`, `ENOTSOCK`, ... from `recvmsg()`.
 * \~chinese
 * @brief 接收一个描述符以及随它一起到达的数据字节（`recvmsg()`，`SCM_RIGHTS`）。
 *
 * 一次 `recvmsg()`（`EINTR` 会重试）最多读 @p cap 个字节到 @p data，控制数据读到
 * 一块用 `CMSG_SPACE()` 算出大小的缓冲区里，并带上 `MSG_CMSG_CLOEXEC`，让新描述符
 * 从一开始就设置了 close-on-exec。用 `CMSG_FIRSTHDR()` / `CMSG_NXTHDR()` 遍历
 * 控制消息；只有 level 为 `SOL_SOCKET`、type 为 `SCM_RIGHTS` 的消息装着描述符，
 * 每条消息装了几个，由它的 `cmsg_len` 算出（n 个描述符对应
 * `CMSG_LEN(n * sizeof(int))`）。其他控制消息（例如凭据）一律忽略。
 *
 * 期望恰好收到一个描述符。如果控制数据被截断（`MSG_CTRUNC`：发送方发来的多于
 * 放得下的），或者装了不止一个描述符，那么已经到达的每个描述符都要关闭（它们
 * 现在已经在本进程中打开了；丢下不管就会泄漏），然后调用失败。
 *
 * @param sock     一个已连接的 `AF_UNIX` socket。
 * @param data     接收数据字节。
 * @param cap      @p data 的字节数，至少为 1（描述符要搭着一个字节传过来）。
 * @param received 接收读到的数据字节数，成功时以及 `ENOMSG`/`EBADMSG` 时都会
 *                 设置（文件结束时为 0）；可以为 NULL。
 * @return 新的描述符（close-on-exec），由调用者关闭；失败时返回 -1 并设置
 *         `errno`：字节到了但没有带任何描述符时为 `ENOMSG`（文件结束时也是，
 *         此时 `*received` 为 0）；控制数据被截断或装了多个描述符时为
 *         `EBADMSG`（它们都已关闭）；@p data 为 NULL 或 @p cap 为 0 时为
 *         `EINVAL`；以及 `recvmsg()` 给出的 `EBADF`、`ENOTSOCK` 等。
 * \~
 * @par PHP
 * `socket_recvmsg($socket, $message, 0)` (PHP 5.5 and later), with the control
 * space of `$message` sized by `socket_cmsg_space(SOL_SOCKET, SCM_RIGHTS, 1)`.
 */
int receive_descriptor(int sock, void *data, size_t cap, size_t *received);

#endif
