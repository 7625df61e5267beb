/* socketpair.h — lesson 11: a socket pair for a forked worker; Unix-domain sockets at a path. */
#ifndef LABS_SOCKETPAIR_H
#define LABS_SOCKETPAIR_H

#include <stddef.h>
#include <sys/types.h>
#include <sys/un.h>

/**
 * @file socketpair.h
 * \~english
 * @brief Lesson 11-socketpair: `socketpair(AF_UNIX)`, `fork()` + `_exit()` + `waitpid()` for a
 *        worker process, and Unix-domain stream sockets bound to a path.
 *
 * Not every socket goes over a network. Document 002 starts from a web front
 * end that hands long jobs to a background worker (a daemon) on the same
 * machine and talks to it over a socket. Between two processes of one
 * machine the `AF_UNIX` family does this without TCP/IP: no ports, no
 * handshake over the loopback interface, and the kernel copies the bytes
 * straight from one process to the other.
 *
 * There are two ways to get such a connection:
 * - `socketpair()` makes two sockets that are already connected to each
 *   other. Nobody listens and nobody connects. After a `fork()` the parent
 *   keeps one end and the child the other: a private two-way channel between
 *   a front end and its worker.
 * - a *listening* `AF_UNIX` socket bound to a path in the file system (for
 *   example `/run/myapp/worker.sock`) lets unrelated processes `connect()`
 *   to it by name, like a TCP server on a port. The file's permissions
 *   decide who may connect.
 *
 * Conventions: failure is -1 with `errno` set by the call that failed, and
 * nothing opened by the function is left open (no descriptor, no socket
 * file that it created). Every descriptor this lesson makes is
 * close-on-exec (`SOCK_CLOEXEC`): a program started later with `exec()`
 * does not inherit it.
 *
 * \~chinese
 * @brief 第 11 课 socketpair：`socketpair(AF_UNIX)`，用 `fork()` + `_exit()` + `waitpid()`
 *        管理工作进程，以及绑定到路径上的 Unix 域流式 socket。
 *
 * socket 不一定要走网络。文档 002 的出发点就是：Web 前端把耗时任务交给
 * 同一台机器上的后台工作进程（守护进程），两者之间用 socket 通信。同一台机器上
 * 的两个进程之间，`AF_UNIX` 协议族不经过 TCP/IP 就能做到这一点：没有端口，
 * 不在回环网卡上握手，内核直接把字节从一个进程拷给另一个进程。
 *
 * 建立这种连接有两种办法：
 * - `socketpair()` 一次造出两个已经互相连好的 socket，不需要监听，也不需要
 *   连接。`fork()` 之后父进程留一端，子进程留另一端，前端和工作进程之间就有
 *   了一条私有的双向通道。
 * - 绑定到文件系统路径（例如 `/run/myapp/worker.sock`）上的 `AF_UNIX`
 *   *监听* socket，让互不相干的进程按名字 `connect()` 过来，就像端口上的
 *   TCP 服务端一样。谁能连接，由这个文件的权限决定。
 *
 * 约定：失败时返回 -1，`errno` 由失败的那个调用设置，函数自己打开的东西
 * （描述符、它创建的 socket 文件）一律不留下。本课创建的每个描述符都带
 * close-on-exec（`SOCK_CLOEXEC`）：之后用 `exec()` 启动的程序不会继承它。
 * \~
 * @see @ref lesson11 (the lesson text), @ref phpmap (PHP to C).
 */

/**
 * \~english
 * @brief The longest path a Unix-domain socket can be bound to: `sizeof sun_path` minus the
 *        NUL (107 bytes on Linux, 103 on the BSDs and macOS).
 * \~chinese
 * @brief Unix 域 socket 能绑定的最长路径：`sizeof sun_path` 减去结尾的 NUL
 *        （Linux 上是 107 字节，BSD 和 macOS 上是 103）。
 */
#define UNIX_PATH_LIMIT (sizeof(((struct sockaddr_un *)0)->sun_path) - 1)

/**
 * \~english
 * @brief Makes two connected Unix-domain stream sockets.
 *
 * `socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ...)`. The two ends
 * are equal: bytes written on either one are read on the other, in order,
 * and when one end is closed the other reads end of file (0).
 *
 * Both ends are close-on-exec. A process that forks and then `exec()`s
 * another program (a shell command, a CGI script) would otherwise hand the
 * new program a copy of each end. That copy keeps the connection open, so
 * the other side never sees end of file, and the program can read and write
 * a channel that was never meant for it. Setting the flag inside
 * `socketpair()` (rather than with `fcntl()` afterwards) also leaves no
 * moment in which another thread's `fork()` + `exec()` could slip in.
 * `fork()` alone does not exec, so a forked worker still has its end.
 *
 * @param fds receives the two descriptors; left untouched on failure.
 * @return 0, or -1 with `errno` from `socketpair()`: `EMFILE` (no free
 *         descriptor in this process), `ENFILE`, `EFAULT`, ...
 *
 * \~chinese
 * @brief 创建两个互相连接的 Unix 域流式 socket。
 *
 * 调用 `socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ...)`。两端完全
 * 对等：在任一端写入的字节按顺序从另一端读出；一端关闭后，另一端读到文件
 * 结束（0）。
 *
 * 两端都带 close-on-exec。进程 fork 之后如果再 `exec()` 另一个程序（一条
 * shell 命令、一个 CGI 脚本），不加这个标志，新程序就会拿到两端的副本。
 * 这个副本让连接一直开着，对方永远等不到文件结束；新程序还能读写一条本不
 * 属于它的通道。在 `socketpair()` 里直接设置这个标志（而不是事后再用
 * `fcntl()`），也就不存在别的线程恰好在这中间 `fork()` + `exec()` 的
 * 空隙。单纯的 `fork()` 不会 exec，所以 fork 出来的工作进程照样拿得到它那一端。
 *
 * @param fds 接收两个描述符；失败时保持原样。
 * @return 0；失败时返回 -1，`errno` 来自 `socketpair()`：`EMFILE`（本进程
 *         没有空闲描述符）、`ENFILE`、`EFAULT` 等。
 * \~
 * @par PHP
 * `socket_create_pair(AF_UNIX, SOCK_STREAM, 0, $pair)`
 */
int make_socket_pair(int fds[2]);

/**
 * \~english
 * @brief What a worker process runs: it talks to its parent over @p fd and returns its exit status.
 * @param fd  the worker's end of the socket pair.
 * @param arg the pointer given to start_worker().
 * @return the worker's exit status, 0-255 (0 usually means success).
 * \~chinese
 * @brief 工作进程要执行的函数：通过 @p fd 与父进程通信，返回值就是它的退出状态。
 * @param fd  socket 对中属于工作进程的一端。
 * @param arg 传给 start_worker() 的指针。
 * @return 工作进程的退出状态，0-255（通常 0 表示成功）。
 */
typedef int worker_fn(int fd, void *arg);

/**
 * \~english
 * @brief Forks a worker process connected to the caller by a socket pair.
 *
 * The front end / background worker pattern of document 002, inside one
 * program:
 * -# make_socket_pair();
 * -# `fork()`;
 * -# in the **child**: close the parent's end, run `work(child_end, arg)`,
 *    and end with `_exit(status)` where status is what @p work returned.
 *    The child never returns from start_worker() into the caller's code.
 *    It uses `_exit()`, not `exit()`: the child has a copy of every stdio
 *    buffer of the parent, and `exit()` would flush that copy, so output the
 *    parent had buffered but not yet written would come out twice (once
 *    from each process). `exit()` would also run the parent's `atexit()`
 *    handlers in the child. The worker writes to its socket with system
 *    calls, so nothing it needs is lost.
 * -# in the **parent**: close the child's end, store its own end in
 *    `*parent_end` and return the child's pid.
 *
 * Closing the other end on each side is what makes end of file work: a
 * connection ends only when *every* descriptor of one end is closed. If the
 * child kept a copy of the parent's end, the worker would never read end of
 * file after the parent closes its end; if the parent kept the child's end,
 * the parent would never see the worker go away.
 *
 * With several workers, each later child also inherits the parent ends of
 * the workers started before it (close-on-exec does not act on a plain
 * `fork()`); a @p work function that must see end of file promptly closes
 * them, or the parent finishes its workers in reverse order.
 *
 * @param parent_end receives the parent's end of the pair (a connected
 *                   socket, close-on-exec); untouched on failure.
 * @param work       the function the child runs (not NULL).
 * @param arg        passed to @p work unchanged (in the child's copy of
 *                   memory: what the child changes, the parent does not see).
 * @return the child's pid (> 0) in the parent; or -1 with `errno`:
 *         `EINVAL` when @p parent_end or @p work is NULL; from
 *         `socketpair()` (`EMFILE`, ...); from `fork()` (`EAGAIN`, `ENOMEM`),
 *         in which case both ends are closed again and no child exists.
 *
 * \~chinese
 * @brief fork 一个工作进程，并用 socket 对把它和调用者连起来。
 *
 * 这就是文档 002 里“前端 + 后台工作进程”的模式，只是放在一个程序里：
 * -# make_socket_pair()；
 * -# `fork()`；
 * -# **子进程**：关闭父进程那一端，执行 `work(child_end, arg)`，最后用
 *    `_exit(status)` 结束，status 就是 @p work 的返回值。子进程绝不从
 *    start_worker() 返回到调用者的代码里。这里用 `_exit()` 而不是
 *    `exit()`：子进程拥有父进程所有 stdio 缓冲区的副本，`exit()` 会把这份
 *    副本也刷出去，父进程已缓冲但还没写出的输出就会出现两次（两个进程各写
 *    一次）。`exit()` 还会在子进程里执行父进程注册的 `atexit()` 函数。工作
 *    进程是用系统调用写 socket 的，所以它需要的数据不会丢。
 * -# **父进程**：关闭子进程那一端，把自己的一端存入 `*parent_end`，返回子
 *    进程的 pid。
 *
 * 两边各自关掉对方的那一端，文件结束才能正常出现：一个连接只有在某一端的
 * *所有*描述符都关闭之后才算结束。子进程如果留着父进程那一端的副本，父进程
 * 关闭自己这一端后，工作进程永远读不到文件结束；父进程如果留着子进程那一端，
 * 就永远发现不了工作进程已经退出。
 *
 * 有多个工作进程时，后启动的子进程还会继承先前各个工作进程的父进程端
 * （单纯的 `fork()` 不受 close-on-exec 影响）；需要及时看到文件结束的
 * @p work 函数应当关闭它们，或者父进程按相反的顺序结束工作进程。
 *
 * @param parent_end 接收父进程这一端（已连接的 socket，带 close-on-exec）；
 *                   失败时保持原样。
 * @param work       子进程执行的函数（不能为 NULL）。
 * @param arg        原样传给 @p work（在子进程自己的内存副本里：子进程改了
 *                   什么，父进程看不到）。
 * @return 在父进程中返回子进程的 pid（> 0）；失败时返回 -1，`errno`：
 *         @p parent_end 或 @p work 为 NULL 时为 `EINVAL`；来自
 *         `socketpair()` 的错误（`EMFILE` 等）；来自 `fork()` 的错误
 *         （`EAGAIN`、`ENOMEM`），此时两端都已重新关闭，也没有子进程。
 * \~
 * @par PHP
 * `socket_create_pair(AF_UNIX, SOCK_STREAM, 0, $pair)` followed by
 * `pcntl_fork()`; the child `socket_close($pair[0])`s, the parent
 * `socket_close($pair[1])`s.
 */
pid_t start_worker(int *parent_end, worker_fn *work, void *arg);

/**
 * \~english
 * @brief Ends the conversation with a worker and collects its exit status.
 *
 * First closes @p parent_end, so the worker reads end of file and knows
 * there are no more requests; then `waitpid(pid, &status, 0)`, retried on
 * `EINTR`, until the worker has ended. The order matters: waiting first
 * would deadlock with a worker that reads until end of file.
 *
 * Waiting also *reaps* the child: until its parent waits for it, a child
 * that has ended stays in the process table as a zombie.
 *
 * @p parent_end is closed in every case (a failing `close()` is not
 * reported: on Linux the descriptor is released anyway, and the wait still
 * has to happen). Pass -1 when it is already closed.
 *
 * @param pid        the worker's pid, as start_worker() returned it (> 0).
 * @param parent_end the parent's end of the pair, or -1.
 * @return the worker's exit status (0-255); 128 + the signal number when a
 *         signal killed it (as the shell's `$?` reports it); or -1 with
 *         `errno`: `EINVAL` when @p pid <= 0 (`waitpid()` would then wait
 *         for *any* child, or a whole process group); `ECHILD` when @p pid is
 *         not a child of this process (or was already waited for).
 *
 * \~chinese
 * @brief 结束与工作进程的对话，并取得它的退出状态。
 *
 * 先关闭 @p parent_end，工作进程读到文件结束，就知道不会再有请求了；然后
 * 调用 `waitpid(pid, &status, 0)`（遇到 `EINTR` 重试），直到工作进程结束。
 * 顺序很重要：先等待再关闭，会和一直读到文件结束的工作进程互相死等。
 *
 * 等待同时也*回收*了子进程：已经结束的子进程，在父进程等待它之前，一直以
 * 僵尸进程的形式留在进程表里。
 *
 * 无论如何 @p parent_end 都会被关闭（`close()` 失败不报告：在 Linux 上描述符
 * 照样被释放，而等待仍然必须进行）。如果它已经关闭，传 -1。
 *
 * @param pid        工作进程的 pid，即 start_worker() 的返回值（> 0）。
 * @param parent_end 父进程这一端，或 -1。
 * @return 工作进程的退出状态（0-255）；被信号杀死时返回 128 + 信号编号（和
 *         shell 的 `$?` 一样）；失败时返回 -1，`errno`：@p pid <= 0 时为
 *         `EINVAL`（否则 `waitpid()` 会等*任意*子进程，或整个进程组）；
 *         @p pid 不是本进程的子进程（或已经被等待过）时为 `ECHILD`。
 * \~
 * @par PHP
 * `socket_close($pair[0])` followed by `pcntl_waitpid($pid, $status)` and
 * `pcntl_wexitstatus($status)`.
 */
int finish_worker(pid_t pid, int parent_end);

/**
 * \~english
 * @brief Makes a Unix-domain stream server listening at a file-system path.
 *
 * `socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC)`, `bind()` to @p path,
 * `chmod(path, mode)`, `listen(fd, backlog)`.
 *
 * **The path.** It is copied into `sun_path` whole, or not at all: a path
 * longer than #UNIX_PATH_LIMIT bytes fails with `ENAMETOOLONG` before
 * anything is opened. Cutting it to fit would bind a *different* file,
 * which a client using the real name would never find. An empty path fails
 * with `ENOENT`, as it does for every file-system call.
 *
 * **The mode.** `bind()` creates the socket file with the permissions
 * 0777 minus the process's umask (often 0755 or 0775), the way `open()`
 * creates a file. On Linux, connecting needs *write* permission on the
 * socket file, so those bits decide who may connect. The function sets
 * exactly @p mode with `chmod()` on the path (`fchmod()` on the socket
 * descriptor does not touch the file) *before* `listen()`: until `listen()`
 * every `connect()` is refused, so nobody can slip in while the mode is
 * still the umask's. (Changing the umask around `bind()` would also work,
 * but the umask is shared by all threads of the process.)
 *
 * **A file already at the path.** A server that crashed, or was killed,
 * leaves its socket file behind; `bind()` then fails with `EADDRINUSE`.
 * Only such a *stale* socket file is removed, and then `bind()` is tried
 * once more:
 * - the path must be a socket (`lstat()`, `S_ISSOCK`; a symbolic link is
 *   not followed). A regular file, a directory or anything else is never
 *   removed: the call fails with `EADDRINUSE`;
 * - a connection attempt to it must be refused (`ECONNREFUSED`): then no
 *   process listens there. If the attempt succeeds or the listener's queue
 *   is full, a live server owns the path and the call fails with
 *   `EADDRINUSE`, leaving the server alone (the probe connection it may
 *   see is closed at once: it reads end of file).
 * (A server that has bound the path but not yet called `listen()` also
 * refuses connections and would look stale; a lock file next to the socket
 * is the complete answer, beyond this lesson.)
 *
 * If `chmod()` or `listen()` fails, the socket file this call created is
 * removed again.
 *
 * @param path    where the socket file goes; at most #UNIX_PATH_LIMIT bytes.
 * @param backlog the length of the queue of connections waiting for
 *                `accept()`, as for `listen()`.
 * @param mode    the permission bits of the socket file, for example 0600
 *                (only the owner may connect) or 0666 (everyone).
 * @return the listening descriptor (close-on-exec), which the caller must
 *         close (and unlink @p path when done); or -1 with `errno`:
 *         `EINVAL` when @p path is NULL; `ENAMETOOLONG`; `ENOENT` (empty
 *         path, or a directory on the path does not exist); `EADDRINUSE` as
 *         above; `EACCES`, `EMFILE`, ... from `socket()`, `bind()`,
 *         `chmod()` or `listen()`.
 *
 * \~chinese
 * @brief 在文件系统路径上创建一个监听中的 Unix 域流式服务端。
 *
 * 依次调用 `socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC)`、`bind()` 到
 * @p path、`chmod(path, mode)`、`listen(fd, backlog)`。
 *
 * **路径。** 要么整个复制进 `sun_path`，要么不复制：比 #UNIX_PATH_LIMIT
 * 字节长的路径在打开任何东西之前就以 `ENAMETOOLONG` 失败。截短了再绑定，
 * 绑定的就是*另一个*文件，用真实名字连接的客户端永远找不到它。空路径和
 * 所有文件系统调用一样，以 `ENOENT` 失败。
 *
 * **权限。** 和 `open()` 创建文件一样，`bind()` 创建的 socket 文件权限是
 * 0777 去掉进程 umask 的部分（常见的是 0755 或 0775）。在 Linux 上，连接需要
 * 对 socket 文件有*写*权限，所以这些权限位决定了谁能连接。本函数用
 * `chmod()` 按路径把权限设成正好 @p mode（对 socket 描述符 `fchmod()` 改不到
 * 这个文件），而且在 `listen()` *之前*设置：`listen()` 之前所有 `connect()`
 * 都会被拒绝，所以权限还是 umask 给的那一套时，谁也钻不进来。（在 `bind()`
 * 前后改 umask 也行，但 umask 是整个进程所有线程共用的。）
 *
 * **路径上已经有文件。** 崩溃或被杀掉的服务端会把 socket 文件留下，这时
 * `bind()` 以 `EADDRINUSE` 失败。只有这种*过期*的 socket 文件才会被删除，
 * 删除后再试一次 `bind()`：
 * - 这个路径必须是 socket（`lstat()`、`S_ISSOCK`；不跟随符号链接）。普通
 *   文件、目录或其他任何东西都绝不删除：调用以 `EADDRINUSE` 失败；
 * - 尝试连接它必须被拒绝（`ECONNREFUSED`），这才说明没有进程在那里监听。
 *   如果连接成功，或者监听队列已满，说明路径属于一个活着的服务端，调用以
 *   `EADDRINUSE` 失败，不动那个服务端（它可能看到的探测连接会立即关闭：
 *   它会读到文件结束）。
 * （已经绑定路径、还没调用 `listen()` 的服务端同样会拒绝连接，看起来也像
 * 过期的；完整的办法是在 socket 旁边再放一个锁文件，这超出了本课的范围。）
 *
 * 如果 `chmod()` 或 `listen()` 失败，本次调用创建的 socket 文件会被删掉。
 *
 * @param path    socket 文件的位置；最多 #UNIX_PATH_LIMIT 字节。
 * @param backlog 等待 `accept()` 的连接队列长度，和 `listen()` 的一样。
 * @param mode    socket 文件的权限位，例如 0600（只有属主能连接）或 0666
 *                （所有人都能连接）。
 * @return 监听描述符（带 close-on-exec），调用者负责关闭（用完后还要 unlink
 *         @p path）；失败时返回 -1，`errno`：@p path 为 NULL 时为 `EINVAL`；
 *         `ENAMETOOLONG`；`ENOENT`（空路径，或路径中的某个目录不存在）；
 *         上面说的 `EADDRINUSE`；来自 `socket()`、`bind()`、`chmod()`、
 *         `listen()` 的 `EACCES`、`EMFILE` 等。
 * \~
 * @par PHP
 * `socket_create(AF_UNIX, SOCK_STREAM, 0)`, `socket_bind($socket, $path)`,
 * `chmod($path, $mode)`, `socket_listen($socket, $backlog)`; or
 * `stream_socket_server("unix://$path")`.
 */
int unix_listener(const char *path, int backlog, mode_t mode);

/**
 * \~english
 * @brief Connects to a Unix-domain stream server at a path.
 *
 * `socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC)` and `connect()`. The path
 * rules are those of unix_listener(): never cut short (`ENAMETOOLONG`),
 * empty is `ENOENT`. `connect()` on an `AF_UNIX` socket either connects at
 * once or fails at once; it waits only while the server's queue is full,
 * and a signal arriving then (`EINTR`) leaves nothing started, so the call
 * is simply made again.
 *
 * @param path the server's socket file.
 * @return a connected descriptor (close-on-exec), which the caller must
 *         close; or -1 with `errno` (no descriptor left open): `EINVAL` when
 *         @p path is NULL, `ENAMETOOLONG`, `ENOENT` when no file is there,
 *         `ECONNREFUSED` when nobody listens (a stale socket file, or a
 *         file that is not a socket), `EACCES` when the socket file is not
 *         writable for this process, ... from `socket()` or `connect()`.
 *
 * \~chinese
 * @brief 连接到某个路径上的 Unix 域流式服务端。
 *
 * 调用 `socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC)` 和 `connect()`。路径
 * 规则与 unix_listener() 相同：绝不截短（`ENAMETOOLONG`），空路径为
 * `ENOENT`。`AF_UNIX` socket 上的 `connect()` 要么立即连上，要么立即失败；
 * 只有服务端队列已满时才会等待，这时到来的信号（`EINTR`）不会留下任何进行
 * 到一半的东西，所以直接再调用一次即可。
 *
 * @param path 服务端的 socket 文件。
 * @return 已连接的描述符（带 close-on-exec），调用者负责关闭；失败时返回 -1
 *         （不留下打开的描述符），`errno`：@p path 为 NULL 时为 `EINVAL`、
 *         `ENAMETOOLONG`、没有这个文件时为 `ENOENT`、没人监听时为
 *         `ECONNREFUSED`（过期的 socket 文件，或者根本不是 socket 的文件）、
 *         本进程对 socket 文件没有写权限时为 `EACCES`，以及来自 `socket()`、
 *         `connect()` 的其他错误。
 * \~
 * @par PHP
 * `socket_create(AF_UNIX, SOCK_STREAM, 0)` and `socket_connect($socket, $path)`; or
 * `stream_socket_client("unix://$path")`.
 */
int unix_connect(const char *path);

/**
 * \~english
 * @brief Removes a socket file, and nothing else.
 *
 * `lstat()`, then `unlink()` only if the path is a socket. A server calls it
 * when it shuts down, so the next one finds no stale file. A path mistyped
 * into a configuration file cannot make it delete someone's data.
 *
 * @param path the socket file.
 * @return 0, or -1 with `errno`: `EINVAL` when @p path is NULL; `ENOTSOCK`
 *         when the path exists but is not a socket (it is left alone);
 *         `ENOENT`, `EACCES`, ... from `lstat()` or `unlink()`.
 *
 * \~chinese
 * @brief 删除 socket 文件，别的什么都不删。
 *
 * 先 `lstat()`，只有路径是 socket 时才 `unlink()`。服务端关闭时调用它，下一个
 * 服务端就不会碰到过期的文件。即使配置文件里的路径写错了，它也不会删掉别人
 * 的数据。
 *
 * @param path socket 文件。
 * @return 0；失败时返回 -1，`errno`：@p path 为 NULL 时为 `EINVAL`；路径存在
 *         但不是 socket 时为 `ENOTSOCK`（文件保持原样）；来自 `lstat()` 或
 *         `unlink()` 的 `ENOENT`、`EACCES` 等。
 * \~
 * @par PHP
 * `if (filetype($path) === 'socket') unlink($path);`
 */
int unix_remove(const char *path);

#endif
