/* 11-socketpair.c — tests of lesson 11: socket pairs, forked workers, Unix sockets at a path. */
#define _GNU_SOURCE
#include "socketpair.h"
#include "lab.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Every wait of the test is bounded by this (milliseconds); passing runs never come close. */
#define WAIT_MS 2000
/* How long a worker of the tests waits for its parent before it gives up (milliseconds). */
#define WORKER_WAIT_MS 1500

/* Exit statuses of the tests' workers that say what went wrong in the child. */
#define WORKER_NO_EOF 97        /* no end of file came within WORKER_WAIT_MS */
#define WORKER_IO_ERROR 98      /* read or send failed in the worker */
#define RETURNED_INTO_CALLER 99 /* the child came back from start_worker() into the test */

/* Room for any path the tests build (the longest, 147 bytes, is well past sun_path). */
#define PATH_CAP 256
/* sun_path on this system (108 on Linux): a path of SUN_PATH_SIZE - 1 bytes is the longest. */
#define SUN_PATH_SIZE sizeof(((struct sockaddr_un *)0)->sun_path)

/* ---- helpers: descriptors and sockets ------------------------------------------------------- */

static int socket_option(int fd, int name)
{
    int value = -1;
    socklen_t len = sizeof value;
    if (getsockopt(fd, SOL_SOCKET, name, &value, &len) < 0)
        return -1;
    return value;
}

static int is_unix_stream(int fd)
{
    return socket_option(fd, SO_DOMAIN) == AF_UNIX && socket_option(fd, SO_TYPE) == SOCK_STREAM;
}

static int close_on_exec(int fd)
{
    int flags = fcntl(fd, F_GETFD);
    return flags >= 0 && (flags & FD_CLOEXEC);
}

/* 1 when a byte sent on @p a arrives on @p b. */
static int carries_byte(int a, int b, char byte)
{
    char got = 0;
    lab_write_all(a, &byte, 1);
    return lab_read_exact(b, &got, 1, WAIT_MS) == 1 && got == byte;
}

/* 1 when this process has no child at all (nothing running, no zombie). */
static int no_children(void)
{
    return waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD;
}

/* ---- helpers: the workers the tests start (they run in the child: no LAB_ASSERT there) ------- */

/* Sends everything, or returns -1. */
static int worker_send_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Waits up to WORKER_WAIT_MS for @p fd: 1 readable, 0 timed out, -1 error. */
static int worker_wait(int fd)
{
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    int rc;
    do {
        rc = poll(&pfd, 1, WORKER_WAIT_MS);
    } while (rc < 0 && errno == EINTR);
    return rc;
}

/* A line, newline kept: its length; 0 at end of file; -1 if the parent went silent; -2 on error. */
static ssize_t worker_read_line(int fd, char *buf, size_t cap)
{
    size_t used = 0;
    while (used + 1 < cap) {
        int ready = worker_wait(fd);
        if (ready <= 0)
            return ready == 0 ? -1 : -2;
        ssize_t n = read(fd, buf + used, 1); /* one byte: never read past the line */
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -2;
        if (n == 0)
            break;
        if (buf[used++] == '\n')
            break;
    }
    buf[used] = '\0';
    return (ssize_t)used;
}

/* The front end's worker: answers each line with arg (a prefix) + the line in upper case (ASCII
 * letters only), and returns the number of lines answered once it reads end of file. */
static int upper_worker(int fd, void *arg)
{
    const char *prefix = arg;
    char line[256], reply[512];
    int answered = 0;
    for (;;) {
        ssize_t n = worker_read_line(fd, line, sizeof line);
        if (n == 0)
            return answered;
        if (n < 0)
            return n == -1 ? WORKER_NO_EOF : WORKER_IO_ERROR;
        size_t len = strlen(prefix);
        memcpy(reply, prefix, len);
        for (ssize_t i = 0; i < n; i++) {
            char c = line[i];
            reply[len++] = c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
        }
        if (worker_send_all(fd, reply, len) < 0)
            return WORKER_IO_ERROR;
        answered++;
    }
}

struct eof_plan {
    int status;    /* returned after end of file */
    int linger_ms; /* time spent after end of file, before returning */
};

/* Waits for end of file (ignoring any data), lingers, returns plan->status; WORKER_NO_EOF when no
 * end of file comes within WORKER_WAIT_MS. */
static int eof_worker(int fd, void *arg)
{
    const struct eof_plan *plan = arg;
    char scratch[64];
    for (;;) {
        int ready = worker_wait(fd);
        if (ready == 0)
            return WORKER_NO_EOF;
        if (ready < 0)
            return WORKER_IO_ERROR;
        ssize_t n = read(fd, scratch, sizeof scratch);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return WORKER_IO_ERROR;
        if (n == 0)
            break;
    }
    struct timespec pause_for = {plan->linger_ms / 1000, (plan->linger_ms % 1000) * 1000000L};
    while (nanosleep(&pause_for, &pause_for) < 0 && errno == EINTR) {
    }
    return plan->status;
}

/* Returns at once with *(int *)arg. */
static int status_worker(int fd, void *arg)
{
    (void)fd;
    return *(const int *)arg;
}

/* Says "bye\n" and ends at once, without waiting for the parent. */
static int bye_worker(int fd, void *arg)
{
    (void)arg;
    return worker_send_all(fd, "bye\n", 4) == 0 ? 0 : WORKER_IO_ERROR;
}

/* Dies from SIGKILL. */
static int killed_worker(int fd, void *arg)
{
    (void)fd;
    (void)arg;
    raise(SIGKILL);
    return 0;
}

/* The exit status a test expected, or what a test worker's special status means. */
static const char *worker_status_text(int status, int err)
{
    switch (status) {
    case WORKER_NO_EOF:
        return lab_fmt(LAB_TR("%d: the worker waited %.1f s for end of file that never came",
                              "%d：工作进程等了 %.1f 秒，始终没有等到文件结束"),
                       status, WORKER_WAIT_MS / 1000.0);
    case WORKER_IO_ERROR:
        return lab_fmt(LAB_TR("%d: reading or writing its socket failed in the worker",
                              "%d：工作进程读写 socket 失败"),
                       status);
    case RETURNED_INTO_CALLER:
        return lab_fmt(LAB_TR("%d: the child returned from start_worker() into the test's code",
                              "%d：子进程从 start_worker() 返回到了测试代码里"),
                       status);
    default:
        return lab_result_text(status, err);
    }
}

/* The hint for a worker status that is not the one expected. */
static const char *worker_status_hint(int status, const char *otherwise)
{
    if (status == WORKER_NO_EOF)
        return LAB_TR("the worker never read end of file: every copy of the parent's end must be "
                      "closed, the child's copy in start_worker() and the parent's in "
                      "finish_worker() (before waitpid())",
                      "工作进程始终没读到文件结束：父进程那一端的每个副本都必须关闭，"
                      "start_worker() 里子进程的副本，以及 finish_worker() 里父进程的副本"
                      "（在 waitpid() 之前）");
    if (status == RETURNED_INTO_CALLER)
        return LAB_TR("the child must end with _exit(work(...)), never return from start_worker()",
                      "子进程必须以 _exit(work(...)) 结束，绝不能从 start_worker() 返回");
    return otherwise;
}

/* ---- helpers: a fresh directory for socket files -------------------------------------------- */

/*
 * Each test that needs socket files makes its own directory, /tmp/lab11-<pid>-XXXXXX, and removes
 * it at the end. A failing test ends with _exit(), which runs no atexit() handler, so the asserts
 * of these tests (DIR_ASSERT...) remove the directory before they fail. A test killed at its time
 * limit cannot clean up: the next run removes directories whose process is gone.
 */
#define TEMP_PREFIX "lab11-"

static char temp_dir[PATH_CAP];

/* Removes the files in @p dir (no subdirectories are ever made) and then @p dir. */
static void remove_dir(const char *dir_path)
{
    DIR *dir = opendir(dir_path);
    if (dir) {
        struct dirent *entry;
        while ((entry = readdir(dir)) != NULL)
            if (strcmp(entry->d_name, ".") != 0 && strcmp(entry->d_name, "..") != 0)
                unlinkat(dirfd(dir), entry->d_name, 0);
        closedir(dir);
    }
    rmdir(dir_path);
}

static void remove_temp_dir(void)
{
    if (temp_dir[0])
        remove_dir(temp_dir);
    temp_dir[0] = '\0';
}

/* Removes our directories left by earlier runs whose test process no longer exists. */
static void sweep_abandoned_dirs(void)
{
    DIR *tmp = opendir("/tmp");
    struct dirent *entry;
    if (!tmp)
        return;
    while ((entry = readdir(tmp)) != NULL) {
        char path[sizeof "/tmp/" + sizeof entry->d_name];
        struct stat st;
        long pid;
        if (sscanf(entry->d_name, TEMP_PREFIX "%ld-", &pid) != 1 || pid <= 0)
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue; /* its test is still running (or belongs to someone we may not signal) */
        snprintf(path, sizeof path, "/tmp/%s", entry->d_name);
        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == getuid())
            remove_dir(path);
    }
    closedir(tmp);
}

/* A new empty directory under /tmp (short, so that paths near the sun_path limit fit). */
static void make_temp_dir(void)
{
    sweep_abandoned_dirs();
    snprintf(temp_dir, sizeof temp_dir, "/tmp/" TEMP_PREFIX "%ld-XXXXXX", (long)getpid());
    LAB_SETUP(mkdtemp(temp_dir) != NULL, "mkdtemp(/tmp/lab11-<pid>-XXXXXX)");
    LAB_SETUP(atexit(remove_temp_dir) == 0, "atexit(remove_temp_dir)"); /* a passing test */
}

/* LAB_ASSERT that removes the test's directory first (the message is built before that). */
#define DIR_ASSERT(cond, function, expected, got, hint)                                            \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            const char *function_ = (function), *expected_ = (expected), *got_ = (got);            \
            const char *hint_ = (hint);                                                            \
            remove_temp_dir();                                                                     \
            lab_fail(__FILE__, __LINE__, function_, expected_, got_, hint_);                       \
        }                                                                                          \
    } while (0)

/* LAB_ASSERT_FAILS_WITH that removes the test's directory first. */
#define DIR_ASSERT_FAILS_WITH(function, ret, err, want, hint)                                      \
    do {                                                                                           \
        long ret_ = (long)(ret);                                                                   \
        int err_ = (err), want_ = (want);                                                          \
        DIR_ASSERT(ret_ == -1 && err_ == want_, (function),                                        \
                   lab_fmt("-1, errno %s", lab_errno_text(want_)), lab_result_text(ret_, err_),    \
                   (hint));                                                                        \
    } while (0)

/* LAB_ASSERT_NO_FD_LEAK that removes the test's directory first. */
#define DIR_ASSERT_NO_FD_LEAK(function, before, hint)                                              \
    do {                                                                                           \
        int before_ = (before), now_ = lab_count_fds();                                            \
        DIR_ASSERT(                                                                                \
            now_ <= before_, (function),                                                           \
            lab_fmt(LAB_TR("%d open descriptors (as before the calls)",                            \
                           "%d 个打开的描述符（与调用前相同）"),                                   \
                    before_),                                                                      \
            lab_fmt(LAB_TR("%d open descriptors: %d leaked", "%d 个打开的描述符：泄漏了 %d 个"),   \
                    now_, now_ - before_),                                                         \
            (hint));                                                                               \
    } while (0)

/* LAB_SETUP that removes the test's directory first. */
#define DIR_SETUP(cond, what)                                                                      \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            remove_temp_dir();                                                                     \
            lab_setup_failed(__FILE__, __LINE__, (what));                                          \
        }                                                                                          \
    } while (0)

/* Writes temp_dir/name into @p path. */
static void temp_path(char *path, const char *name)
{
    int len = snprintf(path, PATH_CAP, "%s/%s", temp_dir, name);
    DIR_SETUP(len > 0 && len < PATH_CAP, "a path in the test directory");
}

static void unix_address(struct sockaddr_un *addr, const char *path)
{
    memset(addr, 0, sizeof *addr);
    addr->sun_family = AF_UNIX;
    DIR_SETUP(strlen(path) < sizeof addr->sun_path, "the test's path fits in sun_path");
    memcpy(addr->sun_path, path, strlen(path) + 1);
}

/* The test's own listener at @p path. */
static int test_listener(const char *path)
{
    struct sockaddr_un addr;
    unix_address(&addr, path);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    DIR_SETUP(fd >= 0, "socket(AF_UNIX)");
    DIR_SETUP(bind(fd, (struct sockaddr *)&addr, sizeof addr) == 0, "bind() of the test listener");
    DIR_SETUP(listen(fd, 8) == 0, "listen() of the test listener");
    return fd;
}

/* A socket file nobody listens on: what a crashed server leaves behind. */
static void make_stale_socket(const char *path)
{
    close(test_listener(path)); /* closed without unlink(): the file stays */
}

/* The test's own client: a connected descriptor, or -1 with errno. */
static int test_connect(const char *path)
{
    struct sockaddr_un addr;
    unix_address(&addr, path);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    DIR_SETUP(fd >= 0, "socket(AF_UNIX)");
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
        int err = errno;
        close(fd);
        errno = err;
        return -1;
    }
    return fd;
}

static int accept_within(int listener)
{
    if (!lab_wait_readable(listener, WAIT_MS))
        return -1;
    return accept(listener, NULL, NULL);
}

static void make_regular_file(const char *path, const char *content)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
    DIR_SETUP(fd >= 0, "open() a regular file in the test directory");
    DIR_SETUP(write(fd, content, strlen(content)) == (ssize_t)strlen(content), "write() the file");
    close(fd);
}

/* The content of a regular file (up to 255 bytes), or "" when it cannot be read. */
static const char *file_content(const char *path)
{
    static char content[256];
    int fd = open(path, O_RDONLY);
    ssize_t n = fd >= 0 ? read(fd, content, sizeof content - 1) : -1;
    if (fd >= 0)
        close(fd);
    content[n > 0 ? n : 0] = '\0';
    return content;
}

/* lstat's file type of @p path as text, for messages. */
static const char *file_kind(const char *path)
{
    struct stat st;
    if (lstat(path, &st) < 0)
        return LAB_TR("nothing (no such file)", "什么都没有（文件不存在）");
    if (S_ISSOCK(st.st_mode))
        return LAB_TR("a socket file", "一个 socket 文件");
    if (S_ISREG(st.st_mode))
        return LAB_TR("a regular file", "一个普通文件");
    if (S_ISLNK(st.st_mode))
        return LAB_TR("a symbolic link", "一个符号链接");
    return LAB_TR("another kind of file", "其他类型的文件");
}

static int is_socket_file(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0 && S_ISSOCK(st.st_mode);
}

static int exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/* ---- make_socket_pair ----------------------------------------------------------------------- */

LAB_TEST(test_make_socket_pair_connected_both_ways, 2)
{
    int before = lab_count_fds();
    int fds[2] = {-7, -7};
    int rc = LAB_CALL("make_socket_pair(fds)", NULL, make_socket_pair(fds));
    int err = errno;
    LAB_ASSERT(rc == 0 && fds[0] >= 0 && fds[1] >= 0 && fds[0] != fds[1], "make_socket_pair(fds)",
               LAB_TR("0 and two new descriptors", "0，以及两个新描述符"),
               lab_fmt("%s, fds = {%d, %d}", lab_result_text(rc, err), fds[0], fds[1]),
               LAB_TR("socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds)",
                      "socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds)"));
    LAB_ASSERT(lab_count_fds() == before + 2, "make_socket_pair(fds)",
               LAB_TR("exactly two more open descriptors", "打开的描述符正好多两个"),
               lab_fmt("%+d", lab_count_fds() - before),
               LAB_TR("open nothing but the pair", "除了这一对，什么都不要打开"));
    LAB_ASSERT(is_unix_stream(fds[0]) && is_unix_stream(fds[1]), "make_socket_pair(fds)",
               LAB_TR("two AF_UNIX stream sockets", "两个 AF_UNIX 流式 socket"),
               lab_fmt("SO_DOMAIN %d/%d, SO_TYPE %d/%d", socket_option(fds[0], SO_DOMAIN),
                       socket_option(fds[1], SO_DOMAIN), socket_option(fds[0], SO_TYPE),
                       socket_option(fds[1], SO_TYPE)),
               LAB_TR("AF_UNIX and SOCK_STREAM: a byte stream, like TCP",
                      "AF_UNIX 加 SOCK_STREAM：字节流，和 TCP 一样"));
    static const char there[] = "request\n", back[] = "answer: 测试成功！\n";
    char got[64];
    lab_write_all(fds[0], there, strlen(there));
    size_t n = lab_read_exact(fds[1], got, strlen(there), WAIT_MS);
    LAB_ASSERT_BYTES("make_socket_pair(fds): sent on fds[0], read on fds[1]", got, n, there,
                     strlen(there),
                     LAB_TR("the two ends are connected to each other", "两端必须互相连接"));
    lab_write_all(fds[1], back, strlen(back));
    n = lab_read_exact(fds[0], got, strlen(back), WAIT_MS);
    LAB_ASSERT_BYTES(
        "make_socket_pair(fds): sent on fds[1], read on fds[0]", got, n, back, strlen(back),
        LAB_TR("a socket pair works both ways (unlike a pipe)", "socket 对是双向的（管道不是）"));
    close(fds[0]);
    close(fds[1]);
}

LAB_TEST(test_make_socket_pair_eof_after_close, 1)
{
    int fds[2] = {-7, -7};
    int rc = LAB_CALL("make_socket_pair(fds)", NULL, make_socket_pair(fds));
    int err = errno;
    LAB_ASSERT(rc == 0, "make_socket_pair(fds)", "0", lab_result_text(rc, err),
               LAB_TR("socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds)",
                      "socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds)"));
    lab_write_all(fds[1], "last", 4);
    close(fds[1]);
    char got[16];
    ssize_t n = lab_read_until_eof(fds[0], got, sizeof got, WAIT_MS);
    LAB_ASSERT(
        n == 4 && memcmp(got, "last", 4) == 0, "make_socket_pair(fds), then close(fds[1])",
        LAB_TR("fds[0] reads \"last\", then end of file", "fds[0] 读到 \"last\"，然后是文件结束"),
        n < 0 ? LAB_TR("no end of file within 2 s", "2 秒内没有文件结束")
              : lab_escape(got, (size_t)n),
        LAB_TR("a stream pair: closing one end is end of file at the other",
               "流式 socket 对：关闭一端，另一端就读到文件结束"));
    close(fds[0]);
}

LAB_TEST(test_make_socket_pair_close_on_exec, 1)
{
    int fds[2] = {-7, -7};
    int rc = LAB_CALL("make_socket_pair(fds)", NULL, make_socket_pair(fds));
    int err = errno;
    LAB_ASSERT(rc == 0, "make_socket_pair(fds)", "0", lab_result_text(rc, err),
               LAB_TR("socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds)",
                      "socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds)"));
    LAB_ASSERT(close_on_exec(fds[0]) && close_on_exec(fds[1]), "make_socket_pair(fds)",
               LAB_TR("FD_CLOEXEC set on both ends", "两端都设置了 FD_CLOEXEC"),
               lab_fmt("FD_CLOEXEC %d/%d", close_on_exec(fds[0]), close_on_exec(fds[1])),
               LAB_TR("add SOCK_CLOEXEC to the type: a program started with exec() must not "
                      "inherit the ends (its copy would keep the connection open)",
                      "在 type 里加上 SOCK_CLOEXEC：exec() 启动的程序不应继承这两端"
                      "（它手里的副本会让连接一直不结束）"));
    close(fds[0]);
    close(fds[1]);
}

LAB_TEST(test_make_socket_pair_emfile_untouched, 1)
{
    int before = lab_count_fds();
    int fds[2] = {-7, -7};
    lab_exhaust_descriptors();
    int rc = LAB_CALL("make_socket_pair(fds) with no free descriptor", NULL, make_socket_pair(fds));
    int err = errno;
    lab_release_descriptors();
    LAB_ASSERT_FAILS_WITH(
        "make_socket_pair(fds) with no free descriptor", rc, err, EMFILE,
        LAB_TR("return -1 with socketpair()'s errno", "返回 -1，保留 socketpair() 的 errno"));
    LAB_ASSERT(fds[0] == -7 && fds[1] == -7, "make_socket_pair(fds) with no free descriptor",
               LAB_TR("fds untouched: {-7, -7}", "fds 保持原样：{-7, -7}"),
               lab_fmt("{%d, %d}", fds[0], fds[1]),
               LAB_TR("write fds only when socketpair() succeeded (use a local array)",
                      "只在 socketpair() 成功后才写 fds（先用局部数组）"));
    LAB_ASSERT_NO_FD_LEAK(
        "make_socket_pair(fds) with no free descriptor", before,
        LAB_TR("nothing stays open after a failure", "失败后不留下任何打开的描述符"));
}

/* ---- start_worker / finish_worker ----------------------------------------------------------- */

#define FINISH_BLOCKS_ON                                                                                                    \
    LAB_TR("waitpid(): the worker ends when it reads end of file; close parent_end before "                                 \
           "waiting, and make sure the child closed its copy",                                                              \
           "waitpid()：工作进程读到文件结束才会退出；等待之前先关闭 parent_end，并确认子进程" \
           "关闭了它手里的副本")

/* start_worker() from the test, which the child must never come back to. */
static pid_t start_checked(int *parent_end, worker_fn *work, void *arg, const char *call)
{
    pid_t me = getpid();
    pid_t pid = LAB_CALL(call, LAB_TR("nothing: fork() returns at once", "无：fork() 会立即返回"),
                         start_worker(parent_end, work, arg));
    int err = errno;
    if (getpid() != me)
        _exit(RETURNED_INTO_CALLER); /* the worker's child came back here: its status says so */
    LAB_ASSERT(pid > 0 && *parent_end >= 0, call,
               LAB_TR("the worker's pid, and parent_end set", "工作进程的 pid，并设置 parent_end"),
               lab_fmt("%s, parent_end = %d", lab_result_text(pid, err), *parent_end),
               LAB_TR("make_socket_pair(), fork(); the parent returns the child's pid",
                      "make_socket_pair()、fork()；父进程返回子进程的 pid"));
    return pid;
}

LAB_TEST(test_start_worker_request_reply, 3)
{
    static const char *const lines[] = {"hello\n", "socket pair\n", "测试成功！ok\n"};
    static const char *const replies[] = {"OK HELLO\n", "OK SOCKET PAIR\n", "OK 测试成功！OK\n"};
    int before = lab_count_fds();
    int parent_end = -7;
    pid_t pid = start_checked(&parent_end, upper_worker, "OK ",
                              "start_worker(&parent_end, upper_worker, \"OK \")");
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        char reply[128];
        lab_write_all(parent_end, lines[i], strlen(lines[i]));
        ssize_t n = lab_read_line(parent_end, reply, sizeof reply, WAIT_MS);
        LAB_ASSERT_BYTES(lab_fmt("start_worker(): request %s", lab_escape_str(lines[i])), reply,
                         n < 0 ? 0 : (size_t)n, replies[i], strlen(replies[i]),
                         LAB_TR("the worker runs work(child_end, arg) with the arg given and the "
                                "other end of parent_end",
                                "工作进程要用给定的 arg 和 parent_end 的另一端执行 "
                                "work(child_end, arg)"));
    }
    int status = LAB_CALL("finish_worker(pid, parent_end)", FINISH_BLOCKS_ON,
                          finish_worker(pid, parent_end));
    int err = errno;
    LAB_ASSERT(
        status == 3, "finish_worker(pid, parent_end)",
        LAB_TR("3: the worker's exit status (it answered 3 lines)",
               "3：工作进程的退出状态（它回答了 3 行）"),
        worker_status_text(status, err),
        worker_status_hint(status, LAB_TR("close parent_end, waitpid(), WEXITSTATUS(status); "
                                          "the child _exit()s with work()'s return value",
                                          "关闭 parent_end，waitpid()，WEXITSTATUS(status)；"
                                          "子进程用 work() 的返回值 _exit()")));
    LAB_ASSERT(
        no_children(), "finish_worker(pid, parent_end)",
        LAB_TR("no child left (not even a zombie)", "不留下子进程（僵尸进程也不行）"),
        LAB_TR("a child is still there", "还有子进程"),
        LAB_TR("waitpid() the worker: that reaps it", "对工作进程调用 waitpid()：这样才能回收它"));
    LAB_ASSERT_NO_FD_LEAK(
        "start_worker() + finish_worker()", before,
        LAB_TR("finish_worker() closes parent_end; start_worker() closes the "
               "child's end in the parent",
               "finish_worker() 关闭 parent_end；start_worker() 在父进程里关闭子进程那一端"));
}

LAB_TEST(test_start_worker_one_descriptor_in_parent, 2)
{
    int before = lab_count_fds();
    int parent_end = -7;
    pid_t pid =
        start_checked(&parent_end, bye_worker, NULL, "start_worker(&parent_end, bye_worker, NULL)");
    int opened = lab_count_fds() - before;
    LAB_ASSERT(opened == 1, "start_worker(&parent_end, bye_worker, NULL)",
               LAB_TR("exactly one new descriptor in the parent: parent_end",
                      "父进程里正好多一个描述符：parent_end"),
               lab_fmt("%+d", opened),
               LAB_TR("the parent closes the child's end after fork(): only the worker uses it",
                      "fork() 之后父进程要关闭子进程那一端：只有工作进程用它"));
    LAB_ASSERT(is_unix_stream(parent_end) && close_on_exec(parent_end),
               "start_worker(&parent_end, bye_worker, NULL)",
               LAB_TR("parent_end: an AF_UNIX stream socket, close-on-exec",
                      "parent_end：AF_UNIX 流式 socket，带 close-on-exec"),
               lab_fmt("SO_DOMAIN %d, SO_TYPE %d, FD_CLOEXEC %d",
                       socket_option(parent_end, SO_DOMAIN), socket_option(parent_end, SO_TYPE),
                       close_on_exec(parent_end)),
               LAB_TR("make the pair with make_socket_pair()", "用 make_socket_pair() 创建这一对"));
    char got[16];
    ssize_t n = lab_read_until_eof(parent_end, got, sizeof got, WAIT_MS);
    LAB_ASSERT(n == 4 && memcmp(got, "bye\n", 4) == 0,
               "start_worker(&parent_end, bye_worker, NULL)",
               LAB_TR("\"bye\\n\" from the worker, then end of file when it exits",
                      "工作进程发来 \"bye\\n\"，它退出后是文件结束"),
               n < 0 ? LAB_TR("no end of file within 2 s after the worker exited",
                              "工作进程退出后 2 秒内没有文件结束")
                     : lab_escape(got, (size_t)n),
               LAB_TR("while the parent keeps a copy of the child's end, the connection stays "
                      "open after the worker exits: close it in the parent",
                      "父进程留着子进程那一端的副本，工作进程退出后连接也不会结束："
                      "在父进程里关闭它"));
    int status = LAB_CALL("finish_worker(pid, parent_end)", FINISH_BLOCKS_ON,
                          finish_worker(pid, parent_end));
    int err = errno;
    LAB_ASSERT(status == 0, "finish_worker(pid, parent_end)", "0", worker_status_text(status, err),
               worker_status_hint(
                   status, LAB_TR("return WEXITSTATUS(status)", "返回 WEXITSTATUS(status)")));
}

LAB_TEST(test_start_worker_child_closes_parent_end, 2)
{
    static const struct eof_plan plan = {0, 0};
    int parent_end = -7;
    pid_t pid = start_checked(&parent_end, eof_worker, (void *)&plan,
                              "start_worker(&parent_end, eof_worker, &plan)");
    close(parent_end); /* the test closes the parent's copy itself */
    int status = LAB_CALL("finish_worker(pid, -1) after close(parent_end)", FINISH_BLOCKS_ON,
                          finish_worker(pid, -1));
    int err = errno;
    LAB_ASSERT(status == 0, "start_worker(), close(parent_end), finish_worker(pid, -1)",
               LAB_TR("0: the worker read end of file once the parent closed its end",
                      "0：父进程关闭自己那一端后，工作进程读到了文件结束"),
               worker_status_text(status, err),
               status == WORKER_NO_EOF
                   ? LAB_TR("the child inherited parent_end in fork() and kept it open, so the "
                            "connection never ends: close the parent's end in the child first",
                            "子进程在 fork() 时继承了 parent_end 并一直开着，连接就永远不会结束："
                            "子进程要先关闭父进程那一端")
                   : worker_status_hint(
                         status, LAB_TR("return WEXITSTATUS(status)", "返回 WEXITSTATUS(status)")));
}

LAB_TEST(test_start_worker_no_double_flush, 2)
{
    static const int zero = 0;
    int pipe_fds[2];
    LAB_SETUP(pipe(pipe_fds) == 0, "pipe()");
    FILE *out = fdopen(pipe_fds[1], "w");
    LAB_SETUP(out != NULL, "fdopen() of the pipe");
    LAB_SETUP(setvbuf(out, NULL, _IOFBF, BUFSIZ) == 0, "setvbuf(_IOFBF)");
    fputs("written once\n", out); /* stays in the buffer: not flushed before the fork */
    int parent_end = -7;
    pid_t pid = start_checked(&parent_end, status_worker, (void *)&zero,
                              "start_worker(&parent_end, status_worker, &zero)");
    int status = LAB_CALL("finish_worker(pid, parent_end)", FINISH_BLOCKS_ON,
                          finish_worker(pid, parent_end));
    int err = errno;
    fclose(out); /* the parent's flush: the one and only copy */
    char got[64];
    ssize_t n = lab_read_until_eof(pipe_fds[0], got, sizeof got, WAIT_MS);
    close(pipe_fds[0]);
    LAB_ASSERT_BYTES("start_worker() with unflushed stdio output in the parent", got,
                     n < 0 ? 0 : (size_t)n, "written once\n", 13,
                     LAB_TR("the child ends with _exit(), not exit(): exit() flushes the child's "
                            "copy of the parent's stdio buffers, so buffered output appears twice",
                            "子进程用 _exit() 结束，而不是 exit()：exit() 会刷出子进程里那份父进程"
                            " stdio 缓冲区的副本，缓冲的输出就出现了两次"));
    LAB_ASSERT(status == 0, "finish_worker(pid, parent_end)", "0", worker_status_text(status, err),
               worker_status_hint(
                   status, LAB_TR("return WEXITSTATUS(status)", "返回 WEXITSTATUS(status)")));
}

/* The test's fork() wrapper (linked with --wrap=fork): fails with this errno when not 0. */
static int fork_fails_with;

extern pid_t __real_fork(void) __attribute__((weak));
pid_t __wrap_fork(void);
pid_t __wrap_fork(void)
{
    if (lab_in_student_code() && fork_fails_with) {
        errno = fork_fails_with;
        return -1;
    }
    return __real_fork();
}

static void expect_start_failure(const char *call, pid_t pid, int err, int want, int parent_end,
                                 int before, const char *hint)
{
    LAB_ASSERT_FAILS_WITH(call, pid, err, want, hint);
    LAB_ASSERT(parent_end == -7, call,
               LAB_TR("parent_end untouched (-7)", "parent_end 保持原样（-7）"),
               lab_fmt("%d", parent_end),
               LAB_TR("write *parent_end only on success", "只在成功时写 *parent_end"));
    LAB_ASSERT_NO_FD_LEAK(call, before,
                          LAB_TR("close both ends of the pair when fork() fails (save errno first)",
                                 "fork() 失败时关闭这一对的两端（先保存 errno）"));
    LAB_ASSERT(no_children(), call, LAB_TR("no child process", "没有子进程"),
               LAB_TR("a child exists", "有子进程"),
               LAB_TR("on failure no worker is started", "失败时不启动工作进程"));
}

LAB_TEST(test_start_worker_errors, 2)
{
    static const int zero = 0;
    int before = lab_count_fds();
    int parent_end = -7;

    pid_t pid = LAB_CALL("start_worker(&parent_end, NULL, NULL)", NULL,
                         start_worker(&parent_end, NULL, NULL));
    expect_start_failure("start_worker(&parent_end, NULL, NULL)", pid, errno, EINVAL, parent_end,
                         before,
                         LAB_TR("no work function: EINVAL, before anything is opened",
                                "没有 work 函数：EINVAL，在打开任何东西之前"));
    pid = LAB_CALL("start_worker(NULL, status_worker, &zero)", NULL,
                   start_worker(NULL, status_worker, (void *)&zero));
    expect_start_failure("start_worker(NULL, status_worker, &zero)", pid, errno, EINVAL, parent_end,
                         before, LAB_TR("parent_end NULL: EINVAL", "parent_end 为 NULL：EINVAL"));

    fork_fails_with = EAGAIN;
    lab_inject_errno_on_success("close", EIO);
    pid = LAB_CALL("start_worker(&parent_end, status_worker, &zero), fork() -> EAGAIN", NULL,
                   start_worker(&parent_end, status_worker, (void *)&zero));
    int err = errno;
    fork_fails_with = 0;
    lab_inject_clear();
    if (pid > 0)
        finish_worker(pid, parent_end);
    expect_start_failure("start_worker() when fork() fails with EAGAIN", pid, err, EAGAIN,
                         parent_end, before,
                         LAB_TR("return -1 with fork()'s errno, kept over the close() calls "
                                "(close() may change errno even when it succeeds)",
                                "返回 -1 并保留 fork() 的 errno，不能被 close() 改掉"
                                "（close() 成功时也可能改 errno）"));

    lab_exhaust_descriptors();
    pid = LAB_CALL("start_worker(&parent_end, status_worker, &zero) with no free descriptor", NULL,
                   start_worker(&parent_end, status_worker, (void *)&zero));
    err = errno;
    lab_release_descriptors();
    if (pid > 0)
        finish_worker(pid, parent_end);
    expect_start_failure("start_worker() with no free descriptor", pid, err, EMFILE, parent_end,
                         before,
                         LAB_TR("socketpair() fails with EMFILE: return it, do not fork",
                                "socketpair() 以 EMFILE 失败：返回它，不要 fork"));
}

LAB_TEST(test_finish_worker_exit_status, 2)
{
    static const int codes[] = {0, 7, 255};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        int parent_end = -7;
        pid_t pid =
            start_checked(&parent_end, status_worker, (void *)&codes[i],
                          lab_fmt("start_worker(&parent_end, <returns %d>, ...)", codes[i]));
        int status = LAB_CALL("finish_worker(pid, parent_end)", FINISH_BLOCKS_ON,
                              finish_worker(pid, parent_end));
        int err = errno;
        LAB_ASSERT(status == codes[i],
                   lab_fmt("finish_worker() of a worker whose work() returned %d", codes[i]),
                   lab_fmt("%d", codes[i]), worker_status_text(status, err),
                   worker_status_hint(
                       status, LAB_TR("the child _exit()s with work()'s return value; the "
                                      "parent returns WEXITSTATUS(status), not the raw "
                                      "status of waitpid()",
                                      "子进程用 work() 的返回值 _exit()；父进程返回 "
                                      "WEXITSTATUS(status)，而不是 waitpid() 给的原始状态")));
    }
    int parent_end = -7;
    pid_t pid = start_checked(&parent_end, killed_worker, NULL,
                              "start_worker(&parent_end, <killed by SIGKILL>, NULL)");
    int status = LAB_CALL("finish_worker(pid, parent_end)", FINISH_BLOCKS_ON,
                          finish_worker(pid, parent_end));
    int err = errno;
    LAB_ASSERT(status == 128 + SIGKILL, "finish_worker() of a worker killed by SIGKILL",
               lab_fmt("%d (128 + SIGKILL)", 128 + SIGKILL), worker_status_text(status, err),
               LAB_TR("WIFSIGNALED(status): return 128 + WTERMSIG(status), as the shell does",
                      "WIFSIGNALED(status) 时返回 128 + WTERMSIG(status)，和 shell 一样"));
}

LAB_TEST(test_finish_worker_reaps_child, 1)
{
    static const int zero = 0;
    int parent_end = -7;
    pid_t pid = start_checked(&parent_end, status_worker, (void *)&zero,
                              "start_worker(&parent_end, status_worker, &zero)");
    int status = LAB_CALL("finish_worker(pid, parent_end)", FINISH_BLOCKS_ON,
                          finish_worker(pid, parent_end));
    int err = errno;
    LAB_ASSERT(status == 0, "finish_worker(pid, parent_end)", "0", worker_status_text(status, err),
               worker_status_hint(
                   status, LAB_TR("return WEXITSTATUS(status)", "返回 WEXITSTATUS(status)")));
    pid_t left = waitpid(pid, NULL, WNOHANG);
    err = errno;
    LAB_ASSERT(left < 0 && err == ECHILD, "finish_worker(pid, parent_end)",
               LAB_TR("the worker reaped: waitpid(pid, WNOHANG) fails with ECHILD",
                      "工作进程已被回收：waitpid(pid, WNOHANG) 以 ECHILD 失败"),
               left == pid ? LAB_TR("the worker was still a zombie", "工作进程还是僵尸进程")
               : left == 0 ? LAB_TR("the worker was still running", "工作进程还在运行")
                           : lab_result_text(left, err),
               LAB_TR("finish_worker() must wait for the worker with waitpid(pid, &status, 0): "
                      "an ended child stays a zombie until its parent waits for it",
                      "finish_worker() 必须用 waitpid(pid, &status, 0) 等待工作进程：已结束的"
                      "子进程在父进程等待它之前一直是僵尸进程"));
}

LAB_TEST(test_finish_worker_closes_before_waiting, 2)
{
    static const struct eof_plan plan = {3, 0};
    int parent_end = -7;
    pid_t pid = start_checked(&parent_end, eof_worker, (void *)&plan,
                              "start_worker(&parent_end, <reads until EOF, returns 3>, ...)");
    int status = LAB_CALL("finish_worker(pid, parent_end)", FINISH_BLOCKS_ON,
                          finish_worker(pid, parent_end));
    int err = errno;
    LAB_ASSERT(status == 3, "finish_worker(pid, parent_end) of a worker that reads until EOF", "3",
               worker_status_text(status, err),
               status == WORKER_NO_EOF
                   ? LAB_TR("close parent_end first, then waitpid(): waiting first deadlocks "
                            "(the worker waits for end of file, the parent for the worker)",
                            "先关闭 parent_end，再 waitpid()：先等待会死锁（工作进程等文件结束，"
                            "父进程等工作进程）")
                   : worker_status_hint(
                         status, LAB_TR("return WEXITSTATUS(status)", "返回 WEXITSTATUS(status)")));
    LAB_ASSERT(!lab_fd_is_open(parent_end), "finish_worker(pid, parent_end)",
               LAB_TR("parent_end closed", "parent_end 已关闭"), LAB_TR("still open", "仍然打开"),
               LAB_TR("finish_worker() closes parent_end", "finish_worker() 负责关闭 parent_end"));
}

static void on_alarm(int signo)
{
    (void)signo;
}

LAB_TEST(test_finish_worker_retries_eintr, 1)
{
    static const struct eof_plan plan = {5, 400};
    int parent_end = -7;
    pid_t pid = start_checked(&parent_end, eof_worker, (void *)&plan,
                              "start_worker(&parent_end, <lingers 0.4 s after EOF>, ...)");
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm; /* no SA_RESTART: waitpid() fails with EINTR */
    sigemptyset(&sa.sa_mask);
    LAB_SETUP(sigaction(SIGALRM, &sa, NULL) == 0, "sigaction(SIGALRM)");
    struct itimerval every_20ms = {{0, 20000}, {0, 20000}}, off = {{0, 0}, {0, 0}};
    LAB_SETUP(setitimer(ITIMER_REAL, &every_20ms, NULL) == 0, "setitimer()");
    int status = LAB_CALL("finish_worker(pid, parent_end) with SIGALRM every 20 ms",
                          FINISH_BLOCKS_ON, finish_worker(pid, parent_end));
    int err = errno;
    setitimer(ITIMER_REAL, &off, NULL);
    LAB_ASSERT(status == 5, "finish_worker(pid, parent_end) with SIGALRM every 20 ms", "5",
               worker_status_text(status, err),
               err == EINTR && status == -1
                   ? LAB_TR("a signal handler ran during waitpid(): EINTR means \"call it "
                            "again\", the worker is still running",
                            "waitpid() 期间运行了信号处理函数：EINTR 的意思是“再调用一次”，"
                            "工作进程还在运行")
                   : worker_status_hint(status, LAB_TR("retry waitpid() on EINTR",
                                                       "waitpid() 遇到 EINTR 时重试")));
}

LAB_TEST(test_finish_worker_errors, 1)
{
    int fds[2];
    LAB_SETUP(socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0, "socketpair()");
    int rc = LAB_CALL("finish_worker(0, fd)", NULL, finish_worker(0, fds[0]));
    LAB_ASSERT_FAILS_WITH("finish_worker(0, fd)", rc, errno, EINVAL,
                          LAB_TR("pid 0 would wait for any child of the process group: EINVAL",
                                 "pid 为 0 会等待进程组里任意子进程：EINVAL"));
    LAB_ASSERT(!lab_fd_is_open(fds[0]), "finish_worker(0, fd)",
               LAB_TR("fd closed anyway", "fd 照样被关闭"), LAB_TR("still open", "仍然打开"),
               LAB_TR("parent_end is closed in every case", "parent_end 在任何情况下都要关闭"));
    rc = LAB_CALL("finish_worker(-1, -1)", NULL, finish_worker(-1, -1));
    LAB_ASSERT_FAILS_WITH(
        "finish_worker(-1, -1)", rc, errno, EINVAL,
        LAB_TR("pid -1 would wait for any child: EINVAL", "pid 为 -1 会等待任意子进程：EINVAL"));
    rc = LAB_CALL("finish_worker(getppid(), fd)", NULL, finish_worker(getppid(), fds[1]));
    LAB_ASSERT_FAILS_WITH(
        "finish_worker(<not a child>, fd)", rc, errno, ECHILD,
        LAB_TR("return -1 with waitpid()'s errno", "返回 -1，保留 waitpid() 的 errno"));
    LAB_ASSERT(!lab_fd_is_open(fds[1]), "finish_worker(<not a child>, fd)",
               LAB_TR("fd closed anyway", "fd 照样被关闭"), LAB_TR("still open", "仍然打开"),
               LAB_TR("close parent_end first, then wait", "先关闭 parent_end，再等待"));
}

/* ---- unix_listener -------------------------------------------------------------------------- */

/* unix_listener(path, backlog, mode) that must succeed; returns the descriptor. */
static int expect_listener(const char *path, mode_t mode, const char *what, const char *hint)
{
    const char *call = lab_fmt("unix_listener(\"%s\", 8, 0%o)%s", path, (unsigned)mode, what);
    int fd = LAB_CALL(call, NULL, unix_listener(path, 8, mode));
    int err = errno;
    DIR_ASSERT(fd >= 0, call, LAB_TR("a listening descriptor", "一个监听描述符"),
               lab_result_text(fd, err), hint);
    return fd;
}

/* A client at @p path reaches @p listener: connect, accept, a byte each way. */
static void expect_reachable(int listener, const char *path, const char *call)
{
    int client = test_connect(path);
    int err = errno;
    DIR_ASSERT(client >= 0, call,
               LAB_TR("a client can connect to the path", "客户端能连接这个路径"),
               lab_fmt("connect(): %s", lab_errno_text(err)),
               LAB_TR("bind() the socket to exactly this path, then listen()",
                      "把 socket 绑定到正好这个路径上，然后 listen()"));
    int conn = accept_within(listener);
    DIR_ASSERT(
        conn >= 0 && carries_byte(client, conn, 'x') && carries_byte(conn, client, 'y'), call,
        LAB_TR("the returned descriptor accepts that client", "返回的描述符能接受这个客户端"),
        LAB_TR("no connection came out of it", "从它那里没有得到连接"),
        LAB_TR("return the descriptor that was bound and is listening",
               "返回那个已绑定并在监听的描述符"));
    close(conn);
    close(client);
}

LAB_TEST(test_unix_listener_accepts_clients, 3)
{
    char path[PATH_CAP];
    make_temp_dir();
    temp_path(path, "worker.sock");
    int before = lab_count_fds();
    int fd = expect_listener(path, 0600, "",
                             LAB_TR("socket(AF_UNIX, SOCK_STREAM), bind() to the path, chmod(), "
                                    "listen()",
                                    "socket(AF_UNIX, SOCK_STREAM)，bind() 到这个路径，chmod()，"
                                    "listen()"));
    const char *call = lab_fmt("unix_listener(\"%s\", 8, 0600)", path);
    DIR_ASSERT(lab_count_fds() == before + 1, call,
               LAB_TR("exactly one more open descriptor", "打开的描述符正好多一个"),
               lab_fmt("%+d", lab_count_fds() - before),
               LAB_TR("close the stale-file probe and anything else but the listener",
                      "除了监听描述符，其余（包括探测用的 socket）都要关闭"));
    DIR_ASSERT(is_unix_stream(fd) && socket_option(fd, SO_ACCEPTCONN) == 1 && close_on_exec(fd),
               call,
               LAB_TR("a listening AF_UNIX stream socket, close-on-exec",
                      "一个正在监听的 AF_UNIX 流式 socket，带 close-on-exec"),
               lab_fmt("SO_DOMAIN %d, SO_TYPE %d, SO_ACCEPTCONN %d, FD_CLOEXEC %d",
                       socket_option(fd, SO_DOMAIN), socket_option(fd, SO_TYPE),
                       socket_option(fd, SO_ACCEPTCONN), close_on_exec(fd)),
               LAB_TR("socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), ..., listen(fd, backlog)",
                      "socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)，……，listen(fd, backlog)"));
    DIR_ASSERT(is_socket_file(path), call,
               LAB_TR("a socket file at the path", "路径上有一个 socket 文件"), file_kind(path),
               LAB_TR("bind() creates the socket file", "bind() 会创建 socket 文件"));
    expect_reachable(fd, path, call);
    expect_reachable(fd, path, call); /* a second client: it is a server, not a one-shot */
    close(fd);
    unlink(path);
    remove_temp_dir();
}

/* The permission bits of @p path, or -1. */
static int mode_of(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0 ? (int)(st.st_mode & 07777) : -1;
}

LAB_TEST(test_unix_listener_mode_despite_umask, 2)
{
    static const struct {
        mode_t umask_value, mode;
    } cases[] = {{022, 0600}, {077, 0666}, {0, 0660}};
    char path[PATH_CAP];
    make_temp_dir();
    temp_path(path, "modes.sock");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mode_t old = umask(cases[i].umask_value);
        const char *what = lab_fmt(" with umask 0%03o", (unsigned)cases[i].umask_value);
        int fd = expect_listener(
            path, cases[i].mode, what,
            LAB_TR("bind(), chmod(path, mode), listen()", "bind()，chmod(path, mode)，listen()"));
        umask(old);
        int got = mode_of(path);
        DIR_ASSERT(
            got == (int)cases[i].mode,
            lab_fmt("unix_listener(path, 8, 0%o)%s", (unsigned)cases[i].mode, what),
            lab_fmt(LAB_TR("socket file mode 0%o", "socket 文件权限 0%o"), (unsigned)cases[i].mode),
            lab_fmt("0%o", (unsigned)got),
            LAB_TR("bind() creates the file with 0777 & ~umask; set the mode asked for with "
                   "chmod() on the path (fchmod() on the socket does not change the file)",
                   "bind() 按 0777 & ~umask 创建文件；要用 chmod() 按路径设置所要求的权限"
                   "（对 socket 描述符 fchmod() 改不到这个文件）"));
        close(fd);
        unlink(path);
    }
    remove_temp_dir();
}

LAB_TEST(test_unix_listener_replaces_stale_socket, 2)
{
    char path[PATH_CAP];
    make_temp_dir();
    temp_path(path, "stale.sock");
    make_stale_socket(path);
    int before = lab_count_fds();
    int fd =
        expect_listener(path, 0600, " over a stale socket file",
                        LAB_TR("bind() fails with EADDRINUSE: the path is a socket (lstat) and "
                               "connecting to it is refused, so nobody listens: unlink() it "
                               "and bind() again",
                               "bind() 以 EADDRINUSE 失败：路径是 socket（lstat），连接被拒绝，"
                               "说明没人监听：unlink() 掉，再 bind() 一次"));
    DIR_ASSERT(
        lab_count_fds() == before + 1, "unix_listener() over a stale socket file",
        LAB_TR("exactly one more open descriptor", "打开的描述符正好多一个"),
        lab_fmt("%+d", lab_count_fds() - before),
        LAB_TR("close the probe socket used to test the old file", "关闭用来探测旧文件的 socket"));
    expect_reachable(fd, path, "unix_listener() over a stale socket file");
    close(fd);
    unlink(path);
    remove_temp_dir();
}

LAB_TEST(test_unix_listener_keeps_live_listener, 2)
{
    char path[PATH_CAP];
    make_temp_dir();
    temp_path(path, "live.sock");
    int owner = test_listener(path);
    struct stat before_st, after_st;
    DIR_SETUP(lstat(path, &before_st) == 0, "lstat() of the live socket file");
    int before = lab_count_fds();
    const char *call = "unix_listener(<path of a live listener>, 8, 0600)";
    int fd = LAB_CALL(call,
                      LAB_TR("connect() to the live listener should not block: use a "
                             "non-blocking probe",
                             "连接活着的监听 socket 不应阻塞：用非阻塞的探测 socket"),
                      unix_listener(path, 8, 0600));
    int err = errno;
    if (fd >= 0)
        close(fd);
    DIR_ASSERT(fd == -1 && err == EADDRINUSE, call,
               lab_fmt("-1, errno %s", lab_errno_text(EADDRINUSE)),
               fd >= 0 ? lab_fmt(LAB_TR("%d: a new listener; the live server lost its path",
                                        "%d：一个新的监听者；活着的服务端丢了它的路径"),
                                 fd)
                       : lab_result_text(fd, err),
               LAB_TR("someone listens at the path (connecting to it works): never unlink it, "
                      "fail with EADDRINUSE",
                      "路径上有人在监听（能连上）：绝不能 unlink，以 EADDRINUSE 失败"));
    DIR_ASSERT_NO_FD_LEAK(
        call, before,
        LAB_TR("close the new socket and the probe", "关闭新建的 socket 和探测 socket"));
    DIR_ASSERT(lstat(path, &after_st) == 0 && after_st.st_ino == before_st.st_ino, call,
               LAB_TR("the live listener's socket file left in place",
                      "活着的监听者的 socket 文件保持原样"),
               file_kind(path),
               LAB_TR("do not unlink a path someone listens on", "不要 unlink 有人在监听的路径"));
    /* The old server still gets new clients (first any probe connection, closed at once). */
    int client = test_connect(path);
    err = errno;
    DIR_ASSERT(client >= 0, call,
               LAB_TR("the old listener still reachable", "旧的监听者仍然可以连接"),
               lab_fmt("connect(): %s", lab_errno_text(err)),
               LAB_TR("leave the path alone when it is in use", "路径正在使用时不要动它"));
    lab_write_all(client, "?", 1);
    int served = 0;
    for (int i = 0; i < 3 && !served; i++) {
        int conn = accept_within(owner);
        char got = 0;
        if (conn < 0)
            break;
        served = lab_read_exact(conn, &got, 1, 200) == 1 && got == '?';
        close(conn);
    }
    DIR_ASSERT(served, call,
               LAB_TR("the old listener accepts the new client", "旧的监听者接受了新客户端"),
               LAB_TR("it did not", "没有接受到"),
               LAB_TR("leave the path alone when it is in use", "路径正在使用时不要动它"));
    close(client);
    close(owner);
    remove_temp_dir();
}

LAB_TEST(test_unix_listener_never_deletes_other_files, 2)
{
    char file[PATH_CAP], link_path[PATH_CAP], target[PATH_CAP];
    make_temp_dir();
    temp_path(file, "notes.txt");
    make_regular_file(file, "keep me\n");
    int before = lab_count_fds();
    int fd =
        LAB_CALL("unix_listener(<a regular file>, 8, 0600)", NULL, unix_listener(file, 8, 0600));
    int err = errno;
    if (fd >= 0)
        close(fd);
    DIR_ASSERT(
        fd == -1 && err == EADDRINUSE, "unix_listener(<path of a regular file>, 8, 0600)",
        lab_fmt("-1, errno %s", lab_errno_text(EADDRINUSE)),
        fd >= 0 ? lab_fmt(LAB_TR("%d: the regular file was deleted to make room",
                                 "%d：普通文件被删掉，给 socket 让了位置"),
                          fd)
                : lab_result_text(fd, err),
        LAB_TR("the path holds a file that is not a socket: never unlink it, fail with "
               "bind()'s EADDRINUSE",
               "路径上是一个不是 socket 的文件：绝不能 unlink，以 bind() 的 EADDRINUSE 失败"));
    DIR_ASSERT(strcmp(file_content(file), "keep me\n") == 0,
               "unix_listener(<path of a regular file>, 8, 0600)",
               LAB_TR("the regular file intact: \"keep me\\n\"", "普通文件完好：\"keep me\\n\""),
               lab_fmt("%s %s", file_kind(file), lab_escape_str(file_content(file))),
               LAB_TR("check with lstat() and S_ISSOCK before you unlink anything",
                      "unlink 之前先用 lstat() 和 S_ISSOCK 检查"));
    DIR_ASSERT_NO_FD_LEAK("unix_listener(<path of a regular file>)", before,
                          LAB_TR("close the socket on failure", "失败时关闭 socket"));

    temp_path(target, "target.sock");
    temp_path(link_path, "link.sock");
    make_stale_socket(target);
    DIR_SETUP(symlink(target, link_path) == 0, "symlink()");
    fd = LAB_CALL("unix_listener(<symbolic link to a stale socket>, 8, 0600)", NULL,
                  unix_listener(link_path, 8, 0600));
    err = errno;
    if (fd >= 0)
        close(fd);
    DIR_ASSERT(fd == -1 && err == EADDRINUSE && exists(target),
               "unix_listener(<symbolic link to a stale socket>, 8, 0600)",
               LAB_TR("-1, EADDRINUSE; the link and its target left alone",
                      "-1，EADDRINUSE；链接及其目标都保持原样"),
               lab_fmt("%s; %s", lab_result_text(fd, err), file_kind(link_path)),
               LAB_TR("lstat(), not stat(): a symbolic link is not a socket, even when it points "
                      "to one",
                      "用 lstat()，不是 stat()：符号链接不是 socket，即使它指向一个 socket"));
    DIR_ASSERT(lstat(link_path, &(struct stat){0}) == 0 && !is_socket_file(link_path),
               "unix_listener(<symbolic link to a stale socket>, 8, 0600)",
               LAB_TR("the symbolic link still there", "符号链接仍然在"), file_kind(link_path),
               LAB_TR("lstat(), not stat(): never remove what is not a socket",
                      "用 lstat()，不是 stat()：不是 socket 的东西绝不删除"));
    remove_temp_dir();
}

/* temp_dir + "/" + a name of @p fill repeated: a path of exactly @p len bytes. */
static void path_of_length(char *path, size_t len, char fill)
{
    size_t dir_len = strlen(temp_dir);
    DIR_SETUP(len > dir_len + 1 && len < PATH_CAP, "a long path in the test directory");
    memcpy(path, temp_dir, dir_len);
    path[dir_len] = '/';
    memset(path + dir_len + 1, fill, len - dir_len - 1);
    path[len] = '\0';
}

LAB_TEST(test_unix_listener_path_length_limit, 2)
{
    char path[PATH_CAP], cut[PATH_CAP];
    make_temp_dir();
    size_t longest = SUN_PATH_SIZE - 1; /* 107 on Linux */
    int before = lab_count_fds();

    static const size_t extra[] = {1, 40};
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++) {
        path_of_length(path, longest + extra[i], 'b');
        memcpy(cut, path, longest); /* what a strncpy() into sun_path would bind */
        cut[longest] = '\0';
        const char *call = lab_fmt("unix_listener(<path of %zu bytes>, 8, 0600)", strlen(path));
        int fd = LAB_CALL(call, NULL, unix_listener(path, 8, 0600));
        int err = errno;
        if (fd >= 0)
            close(fd);
        DIR_ASSERT_FAILS_WITH(call, fd, err, ENAMETOOLONG,
                              lab_fmt(LAB_TR("sun_path holds %zu bytes and the NUL: a longer path "
                                             "fails with ENAMETOOLONG, never cut short",
                                             "sun_path 只放得下 %zu 字节加 NUL：更长的路径以 "
                                             "ENAMETOOLONG 失败，绝不截短"),
                                      longest));
        DIR_ASSERT(
            !exists(cut), call, LAB_TR("no file created", "没有创建任何文件"),
            lab_fmt(LAB_TR("%s at the first %zu bytes of the path", "在路径的前 %zu 字节处有%s"),
                    file_kind(cut), longest),
            LAB_TR("strncpy() into sun_path binds a different, cut-off name",
                   "strncpy() 进 sun_path 会绑定另一个被截短的名字"));
    }
    DIR_ASSERT_NO_FD_LEAK("unix_listener(<path too long>)", before,
                          LAB_TR("check the length before socket(): nothing to close then",
                                 "在 socket() 之前检查长度：那样就没有东西要关闭"));

    path_of_length(path, longest, 'c');
    const char *call = lab_fmt("unix_listener(<path of %zu bytes>, 8, 0600)", longest);
    int fd =
        expect_listener(path, 0600, lab_fmt(" (%zu bytes)", longest),
                        lab_fmt(LAB_TR("%zu bytes and the NUL fill sun_path exactly: that fits",
                                       "%zu 字节加 NUL 正好填满 sun_path：放得下"),
                                longest));
    DIR_ASSERT(is_socket_file(path), call,
               LAB_TR("the socket file at exactly that path", "socket 文件正好在这个路径上"),
               file_kind(path), LAB_TR("copy the whole path and its NUL", "复制整个路径和 NUL"));
    expect_reachable(fd, path, call);
    close(fd);
    remove_temp_dir();
}

LAB_TEST(test_unix_listener_errors, 1)
{
    char path[PATH_CAP];
    make_temp_dir();
    temp_path(path, "no-such-dir/server.sock");
    int before = lab_count_fds();
    lab_inject_errno_on_success("close", EIO);
    int fd = LAB_CALL("unix_listener(\"<dir>/no-such-dir/server.sock\", 8, 0600)", NULL,
                      unix_listener(path, 8, 0600));
    int err = errno;
    lab_inject_clear();
    DIR_ASSERT_FAILS_WITH("unix_listener(<path in a missing directory>, 8, 0600)", fd, err, ENOENT,
                          LAB_TR("return bind()'s ENOENT, kept over the clean-up close() (which "
                                 "may change errno even when it succeeds)",
                                 "返回 bind() 的 ENOENT，不能被清理时的 close() 改掉（close() "
                                 "成功时也可能改 errno）"));
    DIR_ASSERT_NO_FD_LEAK("unix_listener(<path in a missing directory>)", before,
                          LAB_TR("close the socket when bind() fails", "bind() 失败时关闭 socket"));
    fd = LAB_CALL("unix_listener(\"\", 8, 0600)", NULL, unix_listener("", 8, 0600));
    DIR_ASSERT_FAILS_WITH(
        "unix_listener(\"\", 8, 0600)", fd, errno, ENOENT,
        LAB_TR("an empty path names no file: ENOENT", "空路径不指向任何文件：ENOENT"));
    fd = LAB_CALL("unix_listener(NULL, 8, 0600)", NULL, unix_listener(NULL, 8, 0600));
    DIR_ASSERT_FAILS_WITH("unix_listener(NULL, 8, 0600)", fd, errno, EINVAL,
                          LAB_TR("no path: EINVAL", "没有路径：EINVAL"));
    DIR_ASSERT_NO_FD_LEAK(
        "unix_listener() errors", before,
        LAB_TR("nothing stays open after a failure", "失败后不留下任何打开的描述符"));
    remove_temp_dir();
}

LAB_TEST(test_unix_listener_listen_fails_cleans_up, 1)
{
    char path[PATH_CAP];
    make_temp_dir();
    temp_path(path, "half.sock");
    int before = lab_count_fds();
    lab_inject("listen", 1, 1, ENOBUFS, 0);
    int fd = LAB_CALL("unix_listener(path, 8, 0600), listen() -> ENOBUFS", NULL,
                      unix_listener(path, 8, 0600));
    int err = errno;
    lab_inject_clear();
    DIR_ASSERT_FAILS_WITH(
        "unix_listener() when listen() fails with ENOBUFS", fd, err, ENOBUFS,
        LAB_TR("return -1 with listen()'s errno", "返回 -1，保留 listen() 的 errno"));
    DIR_ASSERT_NO_FD_LEAK(
        "unix_listener() when listen() fails", before,
        LAB_TR("close the socket on every failure path", "每条失败路径上都要关闭 socket"));
    DIR_ASSERT(!exists(path), "unix_listener() when listen() fails",
               LAB_TR("no socket file left behind", "不留下 socket 文件"), file_kind(path),
               LAB_TR("bind() created the file: unlink() it when a later step fails",
                      "文件是 bind() 创建的：后面的步骤失败时要 unlink() 它"));
    remove_temp_dir();
}

/* ---- unix_connect --------------------------------------------------------------------------- */

LAB_TEST(test_unix_connect_connects, 2)
{
    char path[PATH_CAP];
    make_temp_dir();
    temp_path(path, "front.sock");
    int listener = test_listener(path);
    int before = lab_count_fds();
    int fd =
        LAB_CALL("unix_connect(path)",
                 LAB_TR("connect(): the listener's queue has room", "connect()：监听队列还有空位"),
                 unix_connect(path));
    int err = errno;
    DIR_ASSERT(fd >= 0, "unix_connect(path)",
               LAB_TR("a connected descriptor", "一个已连接的描述符"), lab_result_text(fd, err),
               LAB_TR("socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), connect() to the path",
                      "socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)，connect() 到这个路径"));
    DIR_ASSERT(lab_count_fds() == before + 1 && is_unix_stream(fd) && close_on_exec(fd),
               "unix_connect(path)",
               LAB_TR("one new AF_UNIX stream socket, close-on-exec",
                      "一个新的 AF_UNIX 流式 socket，带 close-on-exec"),
               lab_fmt("%+d descriptors; SO_DOMAIN %d, SO_TYPE %d, FD_CLOEXEC %d",
                       lab_count_fds() - before, socket_option(fd, SO_DOMAIN),
                       socket_option(fd, SO_TYPE), close_on_exec(fd)),
               LAB_TR("socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)",
                      "socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)"));
    int conn = accept_within(listener);
    DIR_ASSERT(conn >= 0 && carries_byte(fd, conn, 'a') && carries_byte(conn, fd, 'b'),
               "unix_connect(path)",
               LAB_TR("connected to the listener at path", "连接到 path 上的监听者"),
               LAB_TR("no byte got through", "字节没有送达"),
               LAB_TR("connect() to the whole path", "connect() 到完整的路径"));
    close(conn);
    close(fd);
    close(listener);
    remove_temp_dir();
}

static void expect_connect_fails(const char *path, const char *shown, int want, const char *hint)
{
    int before = lab_count_fds();
    const char *call = lab_fmt("unix_connect(%s)", shown);
    lab_inject_errno_on_success("close", EIO);
    int fd = LAB_CALL(call, NULL, unix_connect(path));
    int err = errno;
    lab_inject_clear();
    if (fd >= 0)
        close(fd);
    DIR_ASSERT_FAILS_WITH(call, fd, err, want, hint);
    DIR_ASSERT_NO_FD_LEAK(call, before,
                          LAB_TR("close the socket when connect() fails (save errno first)",
                                 "connect() 失败时关闭 socket（先保存 errno）"));
}

LAB_TEST(test_unix_connect_errors, 2)
{
    char path[PATH_CAP];
    make_temp_dir();
    temp_path(path, "nobody.sock");
    expect_connect_fails(path, "<no such file>", ENOENT,
                         LAB_TR("return connect()'s ENOENT (kept over close())",
                                "返回 connect() 的 ENOENT（不能被 close() 改掉）"));
    make_stale_socket(path);
    expect_connect_fails(path, "<stale socket file>", ECONNREFUSED,
                         LAB_TR("nobody listens: return connect()'s ECONNREFUSED",
                                "没人监听：返回 connect() 的 ECONNREFUSED"));
    temp_path(path, "plain.txt");
    make_regular_file(path, "not a socket\n");
    expect_connect_fails(path, "<regular file>", ECONNREFUSED,
                         LAB_TR("a file that is not a socket: connect() says ECONNREFUSED",
                                "不是 socket 的文件：connect() 返回 ECONNREFUSED"));
    path_of_length(path, SUN_PATH_SIZE, 'd');
    expect_connect_fails(path, lab_fmt("<path of %zu bytes>", SUN_PATH_SIZE), ENAMETOOLONG,
                         LAB_TR("the path does not fit in sun_path: ENAMETOOLONG, never cut short",
                                "路径放不进 sun_path：ENAMETOOLONG，绝不截短"));
    expect_connect_fails(
        "", "\"\"", ENOENT,
        LAB_TR("an empty path names no file: ENOENT", "空路径不指向任何文件：ENOENT"));
    remove_temp_dir();
}

/* ---- unix_remove ---------------------------------------------------------------------------- */

LAB_TEST(test_unix_remove_only_sockets, 1)
{
    char sock[PATH_CAP], file[PATH_CAP], link_path[PATH_CAP];
    make_temp_dir();
    temp_path(sock, "old.sock");
    make_stale_socket(sock);
    int rc = LAB_CALL("unix_remove(<socket file>)", NULL, unix_remove(sock));
    int err = errno;
    DIR_ASSERT(rc == 0 && !exists(sock), "unix_remove(<socket file>)",
               LAB_TR("0, and the file gone", "0，且文件已删除"),
               lab_fmt("%s; %s", lab_result_text(rc, err), file_kind(sock)),
               LAB_TR("lstat(), S_ISSOCK, then unlink()", "lstat()，S_ISSOCK，然后 unlink()"));
    rc = LAB_CALL("unix_remove(<gone>)", NULL, unix_remove(sock));
    DIR_ASSERT_FAILS_WITH("unix_remove(<no such file>)", rc, errno, ENOENT,
                          LAB_TR("return lstat()'s ENOENT", "返回 lstat() 的 ENOENT"));

    temp_path(file, "data.txt");
    make_regular_file(file, "keep me\n");
    rc = LAB_CALL("unix_remove(<regular file>)", NULL, unix_remove(file));
    DIR_ASSERT_FAILS_WITH("unix_remove(<regular file>)", rc, errno, ENOTSOCK,
                          LAB_TR("not a socket: ENOTSOCK, and leave it alone",
                                 "不是 socket：ENOTSOCK，并且不要动它"));
    DIR_ASSERT(strcmp(file_content(file), "keep me\n") == 0, "unix_remove(<regular file>)",
               LAB_TR("the file intact", "文件完好"), file_kind(file),
               LAB_TR("unlink() only what lstat() says is a socket",
                      "只 unlink() lstat() 认定是 socket 的东西"));

    temp_path(sock, "kept.sock");
    temp_path(link_path, "link.sock");
    make_stale_socket(sock);
    DIR_SETUP(symlink(sock, link_path) == 0, "symlink()");
    rc = LAB_CALL("unix_remove(<symbolic link to a socket>)", NULL, unix_remove(link_path));
    err = errno;
    DIR_ASSERT(rc == -1 && err == ENOTSOCK && exists(link_path) && is_socket_file(sock),
               "unix_remove(<symbolic link to a socket>)",
               LAB_TR("-1, ENOTSOCK; the link and the socket left alone",
                      "-1，ENOTSOCK；链接和 socket 都保持原样"),
               lab_fmt("%s; link: %s", lab_result_text(rc, err), file_kind(link_path)),
               LAB_TR("lstat(), not stat(): it does not follow the link",
                      "用 lstat()，不是 stat()：它不跟随链接"));
    rc = LAB_CALL("unix_remove(NULL)", NULL, unix_remove(NULL));
    DIR_ASSERT_FAILS_WITH("unix_remove(NULL)", rc, errno, EINVAL,
                          LAB_TR("no path: EINVAL", "没有路径：EINVAL"));
    remove_temp_dir();
}

void lab_register_tests(void)
{
    LAB_ADD(test_make_socket_pair_connected_both_ways);
    LAB_ADD(test_make_socket_pair_eof_after_close);
    LAB_ADD(test_make_socket_pair_close_on_exec);
    LAB_ADD(test_make_socket_pair_emfile_untouched);
    LAB_ADD_TIMEOUT(test_start_worker_request_reply, 5.0);
    LAB_ADD_TIMEOUT(test_start_worker_one_descriptor_in_parent, 5.0);
    LAB_ADD_TIMEOUT(test_start_worker_child_closes_parent_end, 5.0);
    LAB_ADD_TIMEOUT(test_start_worker_no_double_flush, 5.0);
    LAB_ADD(test_start_worker_errors);
    LAB_ADD(test_finish_worker_exit_status);
    LAB_ADD(test_finish_worker_reaps_child);
    LAB_ADD_TIMEOUT(test_finish_worker_closes_before_waiting, 5.0);
    LAB_ADD_TIMEOUT(test_finish_worker_retries_eintr, 5.0);
    LAB_ADD(test_finish_worker_errors);
    LAB_ADD(test_unix_listener_accepts_clients);
    LAB_ADD(test_unix_listener_mode_despite_umask);
    LAB_ADD(test_unix_listener_replaces_stale_socket);
    LAB_ADD(test_unix_listener_keeps_live_listener);
    LAB_ADD(test_unix_listener_never_deletes_other_files);
    LAB_ADD(test_unix_listener_path_length_limit);
    LAB_ADD(test_unix_listener_errors);
    LAB_ADD(test_unix_listener_listen_fails_cleans_up);
    LAB_ADD(test_unix_connect_connects);
    LAB_ADD(test_unix_connect_errors);
    LAB_ADD(test_unix_remove_only_sockets);
}
