/* lab.c — helpers every test suite uses: messages in two languages, escaping, loopback sockets,
 * peers. */
#define _GNU_SOURCE
#include "lab.h"
#include "lab_internal.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct lab_shared *lab_shared;

/* ---- registration ---------------------------------------------------------- */

#define LAB_MAX_TESTS 256
static struct lab_registered registered[LAB_MAX_TESTS];
static int registered_count;

void lab_add_test(const TTest *test, int points, double timeout_s)
{
    if (registered_count == LAB_MAX_TESTS) {
        fprintf(stderr, "lab: more than %d tests in one suite\n", LAB_MAX_TESTS);
        exit(2);
    }
    registered[registered_count].test = test;
    registered[registered_count].points = points;
    registered[registered_count].timeout_s = timeout_s;
    registered_count++;
}

int lab_registered_count(void)
{
    return registered_count;
}

const struct lab_registered *lab_registered_at(int i)
{
    return &registered[i];
}

void lab_test_started(const char *name)
{
    (void)name;
    if (lab_shared)
        lab_shared->started = 1;
}

void lab_test_finished(void)
{
    if (lab_shared)
        lab_shared->finished = 1;
}

/* ---- language -------------------------------------------------------------- */

int lab_lang_zh(void)
{
    /* LAB_LANG wins; then the usual locale order: LC_ALL, LC_MESSAGES, LANG. */
    static const char *const vars[] = {"LAB_LANG", "LC_ALL", "LC_MESSAGES", "LANG"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *value = getenv(vars[i]);
        if (value && *value)
            return strncmp(value, "zh", 2) == 0;
    }
    return 0;
}

const char *lab_tr(const char *en, const char *zh)
{
    return lab_lang_zh() ? zh : en;
}

/* ---- formatting ------------------------------------------------------------ */

#define RING_SLOTS 16
#define RING_SLOT_SIZE 4096

static char *ring_slot(void)
{
    static __thread char ring[RING_SLOTS][RING_SLOT_SIZE];
    static __thread unsigned next;
    return ring[next++ % RING_SLOTS];
}

const char *lab_fmt(const char *fmt, ...)
{
    char *out = ring_slot();
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out, RING_SLOT_SIZE, fmt, ap);
    va_end(ap);
    return out;
}

/* Bytes shown before "..." in an escaped string: enough to see a protocol line. */
#define ESCAPE_SHOWN 400

const char *lab_escape(const void *bytes, size_t len)
{
    const unsigned char *p = bytes;
    char *out = ring_slot();
    size_t used = 0;
    size_t shown = len < ESCAPE_SHOWN ? len : ESCAPE_SHOWN;

    if (!bytes)
        return "NULL";
    out[used++] = '"';
    for (size_t i = 0; i < shown && used < RING_SLOT_SIZE - 64; i++) {
        unsigned char c = p[i];
        switch (c) {
        case '\n':
            used += (size_t)sprintf(out + used, "\\n");
            break;
        case '\r':
            used += (size_t)sprintf(out + used, "\\r");
            break;
        case '\t':
            used += (size_t)sprintf(out + used, "\\t");
            break;
        case '\0':
            used += (size_t)sprintf(out + used, "\\0");
            break;
        case '"':
            used += (size_t)sprintf(out + used, "\\\"");
            break;
        case '\\':
            used += (size_t)sprintf(out + used, "\\\\");
            break;
        default:
            if (c >= 0x20 && c < 0x7f)
                out[used++] = (char)c;
            else
                used += (size_t)sprintf(out + used, "\\x%02x", c);
        }
    }
    out[used++] = '"';
    out[used] = '\0';
    if (shown < len)
        snprintf(out + used, RING_SLOT_SIZE - used, "... (%zu bytes)", len);
    return out;
}

const char *lab_escape_str(const char *s)
{
    return s ? lab_escape(s, strlen(s)) : "NULL";
}

const char *lab_errno_text(int err)
{
    if (err == 0)
        return "0";
    const char *name = strerrorname_np(err);
    return lab_fmt("%s (%s)", name ? name : lab_fmt("%d", err), strerror(err));
}

const char *lab_result_text(long ret, int err)
{
    if (ret == -1)
        return lab_fmt("-1, errno %s", lab_errno_text(err));
    return lab_fmt("%ld", ret);
}

/* ---- failures -------------------------------------------------------------- */

static void store_message(const char *text)
{
    if (lab_shared)
        snprintf(lab_shared->message, sizeof lab_shared->message, "%s", text);
}

void lab_fail(const char *file, int line, const char *function, const char *expected,
              const char *got, const char *hint)
{
    static char text[LAB_MESSAGE_MAX];
    int zh = lab_lang_zh();
    snprintf(text, sizeof text, "%s %s\n%s %s\n%s %s\n%s %s\n%s %s:%d",
             zh ? "函数：" : "function:", function, zh ? "期望：" : "expected:", expected,
             zh ? "实际：" : "got:     ", got, zh ? "提示：" : "hint:    ", hint,
             zh ? "位置：" : "test at: ", file, line);
    store_message(text);
    ck_abort_msg("%.1000s", text);
    abort(); /* not reached: ck_abort_msg ends the child */
}

void lab_setup_failed(const char *file, int line, const char *what)
{
    int err = errno;
    if (lab_shared)
        lab_shared->setup_failed = 1;
    lab_fail(file, line, lab_tr("(the grader itself)", "（评分程序本身）"), what,
             lab_errno_text(err),
             lab_tr("this is not your code's fault: tell the instructor",
                    "这不是你的代码的问题：请告诉老师"));
}

void lab_calling(const char *call, const char *blocked_on)
{
    extern __thread int lab_student_depth;
    lab_student_depth++;
    if (lab_shared) {
        snprintf(lab_shared->call, sizeof lab_shared->call, "%s", call);
        snprintf(lab_shared->blocked_on, sizeof lab_shared->blocked_on, "%s",
                 blocked_on ? blocked_on : "");
    }
}

void lab_called(void)
{
    extern __thread int lab_student_depth;
    if (lab_student_depth > 0)
        lab_student_depth--;
    if (lab_shared) {
        lab_shared->call[0] = '\0';
        lab_shared->blocked_on[0] = '\0';
    }
}

void lab_assert_fails_with(const char *file, int line, const char *function, long ret, int err,
                           int want_errno, const char *hint)
{
    if (ret == -1 && err == want_errno)
        return;
    lab_fail(file, line, function, lab_fmt("-1, errno %s", lab_errno_text(want_errno)),
             lab_result_text(ret, err), hint);
}

void lab_assert_bytes(const char *file, int line, const char *function, const void *got,
                      size_t got_len, const void *want, size_t want_len, const char *hint)
{
    if (got && got_len == want_len && memcmp(got, want, want_len) == 0)
        return;
    lab_fail(file, line, function, lab_fmt("%s (%zu bytes)", lab_escape(want, want_len), want_len),
             got ? lab_fmt("%s (%zu bytes)", lab_escape(got, got_len), got_len) : "NULL", hint);
}

/* ---- descriptors ------------------------------------------------------------ */

int lab_count_fds(void)
{
    DIR *dir = opendir("/proc/self/fd");
    int count = 0;
    struct dirent *entry;

    if (!dir)
        return -1;
    while ((entry = readdir(dir)) != NULL)
        if (entry->d_name[0] != '.')
            count++;
    closedir(dir);
    return count - 1; /* the directory stream's own descriptor */
}

int lab_fd_is_open(int fd)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    return fd >= 0 && access(path, F_OK) == 0;
}

void lab_assert_no_fd_leak(const char *file, int line, const char *function, int before,
                           const char *hint)
{
    int now = lab_count_fds();
    if (now <= before)
        return;
    lab_fail(file, line, function,
             lab_fmt(lab_tr("%d open descriptors (as before the calls)",
                            "%d 个打开的描述符（与调用前相同）"),
                     before),
             lab_fmt(lab_tr("%d open descriptors: %d leaked", "%d 个打开的描述符：泄漏了 %d 个"),
                     now, now - before),
             hint);
}

static int filler_low = -1, filler_high = -1;
static struct rlimit saved_nofile;

void lab_exhaust_descriptors(void)
{
    int highest = 0;
    for (int fd = 0; fd < 4096; fd++)
        if (lab_fd_is_open(fd))
            highest = fd;
    LAB_SETUP(getrlimit(RLIMIT_NOFILE, &saved_nofile) == 0, "getrlimit(RLIMIT_NOFILE)");
    struct rlimit limit = {(rlim_t)highest + 1, saved_nofile.rlim_max};
    LAB_SETUP(setrlimit(RLIMIT_NOFILE, &limit) == 0, "setrlimit(RLIMIT_NOFILE)");
    /* Slots below the limit that are free would still be handed out: fill them. */
    int fd;
    while ((fd = dup(STDERR_FILENO)) >= 0) {
        if (filler_low < 0 || fd < filler_low)
            filler_low = fd;
        if (fd > filler_high)
            filler_high = fd;
    }
}

void lab_release_descriptors(void)
{
    /* The fillers are the dups of stderr between filler_low and filler_high. */
    struct stat err_st, st;
    if (filler_low >= 0 && fstat(STDERR_FILENO, &err_st) == 0)
        for (int fd = filler_low; fd <= filler_high; fd++)
            if (fstat(fd, &st) == 0 && st.st_ino == err_st.st_ino && st.st_dev == err_st.st_dev)
                close(fd);
    filler_low = filler_high = -1;
    setrlimit(RLIMIT_NOFILE, &saved_nofile);
}

void lab_close(int fd)
{
    if (fd >= 0)
        close(fd);
}

/* ---- loopback sockets --------------------------------------------------------- */

static struct sockaddr_in loopback(uint16_t port)
{
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return addr;
}

uint16_t lab_local_port(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
        return 0;
    if (ss.ss_family == AF_INET)
        return ntohs(((struct sockaddr_in *)&ss)->sin_port);
    if (ss.ss_family == AF_INET6)
        return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    return 0;
}

int lab_tcp_listener(uint16_t *port, int backlog)
{
    struct sockaddr_in addr = loopback(0);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    LAB_SETUP(fd >= 0, "socket() for a test listener");
    LAB_SETUP(bind(fd, (struct sockaddr *)&addr, sizeof addr) == 0, "bind(127.0.0.1:0)");
    LAB_SETUP(listen(fd, backlog) == 0, "listen() on a test listener");
    if (port)
        *port = lab_local_port(fd);
    return fd;
}

int lab_tcp_connect(uint16_t port)
{
    struct sockaddr_in addr = loopback(port);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    LAB_SETUP(fd >= 0, "socket() for a test client");
    int rc;
    do {
        rc = connect(fd, (struct sockaddr *)&addr, sizeof addr);
    } while (rc < 0 && errno == EINTR);
    LAB_SETUP(rc == 0, lab_fmt("connect() to 127.0.0.1:%u", port));
    return fd;
}

void lab_tcp_pair(int *client, int *server)
{
    uint16_t port;
    int listener = lab_tcp_listener(&port, 1);
    *client = lab_tcp_connect(port);
    do {
        *server = accept(listener, NULL, NULL);
    } while (*server < 0 && errno == EINTR);
    LAB_SETUP(*server >= 0, "accept() for a test connection");
    close(listener);
}

int lab_udp_socket(uint16_t *port)
{
    struct sockaddr_in addr = loopback(0);
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    LAB_SETUP(fd >= 0, "socket(SOCK_DGRAM)");
    LAB_SETUP(bind(fd, (struct sockaddr *)&addr, sizeof addr) == 0, "bind(127.0.0.1:0) UDP");
    if (port)
        *port = lab_local_port(fd);
    return fd;
}

uint16_t lab_closed_port(int *holder)
{
    /* Bound but not listening: the kernel answers a SYN with RST, and no
     * other process can take the port while *holder stays open. */
    struct sockaddr_in addr = loopback(0);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    LAB_SETUP(fd >= 0, "socket() to reserve a closed port");
    LAB_SETUP(bind(fd, (struct sockaddr *)&addr, sizeof addr) == 0, "bind() to reserve a port");
    *holder = fd;
    return lab_local_port(fd);
}

uint16_t lab_free_port(void)
{
    int holder;
    uint16_t port = lab_closed_port(&holder);
    close(holder);
    return port;
}

int lab_wait_readable(int fd, int timeout_ms)
{
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    double deadline = lab_now() + timeout_ms / 1000.0;
    for (;;) {
        int left = (int)((deadline - lab_now()) * 1000.0);
        int rc = poll(&pfd, 1, left > 0 ? left : 0);
        if (rc >= 0 || errno != EINTR)
            return rc > 0;
    }
}

size_t lab_read_exact(int fd, void *buf, size_t len, int timeout_ms)
{
    size_t got = 0;
    double deadline = lab_now() + timeout_ms / 1000.0;
    while (got < len) {
        int left = (int)((deadline - lab_now()) * 1000.0);
        if (left <= 0 || !lab_wait_readable(fd, left))
            break;
        ssize_t n = read(fd, (char *)buf + got, len - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    return got;
}

ssize_t lab_read_until_eof(int fd, void *buf, size_t cap, int timeout_ms)
{
    size_t got = 0;
    double deadline = lab_now() + timeout_ms / 1000.0;
    for (;;) {
        int left = (int)((deadline - lab_now()) * 1000.0);
        if (left <= 0 || !lab_wait_readable(fd, left))
            return -1;
        char scratch[1];
        ssize_t n = got < cap ? read(fd, (char *)buf + got, cap - got) : read(fd, scratch, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == ECONNRESET)
            return (ssize_t)got;
        if (n <= 0)
            return n == 0 ? (ssize_t)got : -1;
        if (got >= cap)
            return (ssize_t)got + 1; /* more than fits: report an overflow */
        got += (size_t)n;
    }
}

void lab_write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        LAB_SETUP(n > 0, "send() from the test peer");
        p += n;
        len -= (size_t)n;
    }
}

double lab_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double lab_ms_since(double start)
{
    return (lab_now() - start) * 1000.0;
}

void lab_sleep_ms(int ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
    }
}

/* ---- interrupting signals ------------------------------------------------------------ */

static volatile sig_atomic_t signals_caught;

static void count_signal(int sig)
{
    (void)sig;
    signals_caught++;
}

void lab_install_interrupting_handler(int sig)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = count_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: that is the point */
    LAB_SETUP(sigaction(sig, &sa, NULL) == 0, "sigaction() for an interrupting signal");
    signals_caught = 0;
}

int lab_signals_caught(void)
{
    return signals_caught;
}

void *lab_send_signals(void *arg)
{
    struct lab_signal_plan *plan = arg;
    double start = lab_now();

    lab_sleep_ms(plan->first_ms);
    while (!__atomic_load_n(&plan->stop, __ATOMIC_SEQ_CST)) {
        pthread_kill(plan->target, SIGUSR1);
        if (plan->every_ms <= 0 || lab_ms_since(start) >= plan->until_ms)
            break;
        lab_sleep_ms(plan->every_ms);
    }
    return NULL;
}

void lab_stop_signals(struct lab_signal_plan *plan, void *thread)
{
    __atomic_store_n(&plan->stop, 1, __ATOMIC_SEQ_CST);
    lab_thread_join(thread);
}

/* ---- peers -------------------------------------------------------------------- */

void lab_thread_start(void *(*fn)(void *), void *arg, void **handle)
{
    pthread_t *thread = malloc(sizeof *thread);
    LAB_SETUP(thread != NULL, "malloc for a peer thread");
    errno = pthread_create(thread, NULL, fn, arg);
    LAB_SETUP(errno == 0, "pthread_create() for a peer");
    *handle = thread;
}

void *lab_thread_join(void *handle)
{
    pthread_t *thread = handle;
    void *result = NULL;
    pthread_join(*thread, &result);
    free(thread);
    return result;
}

void *lab_write_later(void *arg)
{
    const struct lab_delayed_write *d = arg;
    lab_sleep_ms(d->delay_ms);
    lab_write_all(d->fd, "x", 1);
    return NULL;
}

pid_t lab_fork_peer(void (*fn)(void *), void *arg)
{
    fflush(NULL);
    pid_t pid = fork();
    LAB_SETUP(pid >= 0, "fork() for a peer process");
    if (pid == 0) {
        lab_shared = NULL; /* the peer's messages are not the test's */
        fn(arg);
        _exit(0);
    }
    return pid;
}

int lab_wait_peer(pid_t pid, int timeout_ms)
{
    double deadline = lab_now() + timeout_ms / 1000.0;
    int status;
    for (;;) {
        pid_t done = waitpid(pid, &status, WNOHANG);
        if (done == pid)
            return status;
        if (done < 0 && errno != EINTR)
            return -1;
        if (lab_now() >= deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return -1;
        }
        lab_sleep_ms(5);
    }
}

/* ---- programs ------------------------------------------------------------------- */

pid_t lab_spawn(char *const argv[], int *out)
{
    int pipe_fds[2];
    LAB_SETUP(pipe(pipe_fds) == 0, "pipe() for a program's output");
    fflush(NULL);
    pid_t pid = fork();
    LAB_SETUP(pid >= 0, "fork() for a program");
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0)
            dup2(devnull, STDIN_FILENO);
        dup2(pipe_fds[1], STDOUT_FILENO);
        dup2(pipe_fds[1], STDERR_FILENO);
        close(pipe_fds[0]);
        close(pipe_fds[1]);
        execv(argv[0], argv);
        _exit(127);
    }
    close(pipe_fds[1]);
    *out = pipe_fds[0];
    return pid;
}

ssize_t lab_read_line(int fd, char *buf, size_t cap, int timeout_ms)
{
    size_t used = 0;
    double deadline = lab_now() + timeout_ms / 1000.0;
    while (used + 1 < cap) {
        int left = (int)((deadline - lab_now()) * 1000.0);
        if (left <= 0 || !lab_wait_readable(fd, left))
            break;
        ssize_t n = read(fd, buf + used, 1); /* one byte: never read past the line */
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        if (buf[used++] == '\n')
            break;
    }
    buf[used] = '\0';
    return used > 0 ? (ssize_t)used : -1;
}
