/* lab.h — the grader's support library: points, bilingual failure messages, loopback sockets, leak
 * checks. */
#ifndef LAB_H
#define LAB_H

#include <check.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * Writing a test
 * --------------
 *
 *     LAB_TEST(test_bind_port_in_network_order, 2)
 *     {
 *         ...
 *         LAB_ASSERT(got == want, "bind_ipv4",
 *                    lab_fmt("port %u", want), lab_fmt("port %u", got),
 *                    LAB_TR("convert the port with htons()", "用 htons() 转换端口"));
 *     }
 *
 * and register it in the suite's lab_register_tests():
 *
 *     void lab_register_tests(void) { LAB_ADD(test_bind_port_in_network_order); }
 *
 * Every test runs in its own forked child under a timeout (LAB_TIMEOUT_S,
 * multiplied by CK_TIMEOUT_MULTIPLIER), so a crash, a hang or an exit() in
 * student code fails that one test and nothing else.
 */

/** Default time limit of one test, in seconds (before CK_TIMEOUT_MULTIPLIER). */
#define LAB_TIMEOUT_S 2.0

/** Declares a test worth @p points; the body follows in braces. */
#define LAB_TEST(name, points)                                                                     \
    static void name##_body(void);                                                                 \
    static const int name##_points = (points);                                                     \
    START_TEST(name)                                                                               \
    {                                                                                              \
        lab_test_started(#name);                                                                   \
        name##_body();                                                                             \
        lab_test_finished();                                                                       \
    }                                                                                              \
    END_TEST                                                                                       \
    static void name##_body(void)

/** Registers a test declared with LAB_TEST (call from lab_register_tests). */
#define LAB_ADD(name) lab_add_test(name, name##_points, 0.0)
/** Registers a test with its own time limit in seconds. */
#define LAB_ADD_TIMEOUT(name, seconds) lab_add_test(name, name##_points, (seconds))

/** Every suite defines this: it calls LAB_ADD for each of its tests, in order. */
void lab_register_tests(void);
void lab_add_test(const TTest *test, int points, double timeout_s);

/* Per-test bookkeeping, called by LAB_TEST's wrapper. */
void lab_test_started(const char *name);
void lab_test_finished(void);

/* ---- language and messages ------------------------------------------------ */

/** 1 when messages should be Chinese (LAB_LANG, LC_ALL or LANG starts with "zh"). */
int lab_lang_zh(void);
/** Picks the English or the Chinese text. */
const char *lab_tr(const char *en, const char *zh);
#define LAB_TR(en, zh) lab_tr((en), (zh))

/** printf into one of a ring of buffers that live until the test ends. */
const char *lab_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** The bytes as a C string literal: "\xe6\xb5\x8b\r\n" (quotes included); long input is shortened.
 */
const char *lab_escape(const void *bytes, size_t len);
/** lab_escape of a NUL-terminated string, or NULL printed as NULL. */
const char *lab_escape_str(const char *s);
/** "ECONNREFUSED (Connection refused)"; "0" for no error. */
const char *lab_errno_text(int err);
/** A return value with errno: "-1, errno ENOSYS (Function not implemented)" or "3". */
const char *lab_result_text(long ret, int err);

/**
 * Fails the test with a structured message: which function, what was
 * expected, what happened, a hint. Never returns.
 */
void lab_fail(const char *file, int line, const char *function, const char *expected,
              const char *got, const char *hint) __attribute__((noreturn));

/** Fails unless @p cond holds; the message arguments are evaluated only on failure. */
#define LAB_ASSERT(cond, function, expected, got, hint)                                            \
    do {                                                                                           \
        if (!(cond))                                                                               \
            lab_fail(__FILE__, __LINE__, (function), (expected), (got), (hint));                   \
    } while (0)

/** The grader itself could not set up the test (not the student's fault). */
void lab_setup_failed(const char *file, int line, const char *what) __attribute__((noreturn));
#define LAB_SETUP(cond, what)                                                                      \
    do {                                                                                           \
        if (!(cond))                                                                               \
            lab_setup_failed(__FILE__, __LINE__, (what));                                          \
    } while (0)

/**
 * Says which student call is about to run and what it might block on, so a
 * timeout or a crash can be explained. lab_called() marks it finished.
 */
void lab_calling(const char *call, const char *blocked_on);
void lab_called(void);
/** Runs @p expr with lab_calling()/lab_called() around it and yields its value. */
#define LAB_CALL(call, blocked_on, expr)                                                           \
    __extension__({                                                                                \
        lab_calling((call), (blocked_on));                                                         \
        __typeof__(expr) lab_call_result_ = (expr);                                                \
        int lab_call_errno_ = errno;                                                               \
        lab_called();                                                                              \
        errno = lab_call_errno_;                                                                   \
        lab_call_result_;                                                                          \
    })

/** LAB_CALL for a call that returns nothing. */
#define LAB_CALL_VOID(call, blocked_on, stmt)                                                      \
    do {                                                                                           \
        lab_calling((call), (blocked_on));                                                         \
        stmt;                                                                                      \
        lab_called();                                                                              \
    } while (0)

/* ---- common assertions ---------------------------------------------------- */

/** Asserts ret == -1 and errno == want_errno after calling @p function. */
void lab_assert_fails_with(const char *file, int line, const char *function, long ret, int err,
                           int want_errno, const char *hint);
#define LAB_ASSERT_FAILS_WITH(function, ret, err, want_errno, hint)                                \
    lab_assert_fails_with(__FILE__, __LINE__, (function), (long)(ret), (err), (want_errno), (hint))

/** Asserts that two byte strings are equal, showing both escaped on failure. */
void lab_assert_bytes(const char *file, int line, const char *function, const void *got,
                      size_t got_len, const void *want, size_t want_len, const char *hint);
#define LAB_ASSERT_BYTES(function, got, got_len, want, want_len, hint)                             \
    lab_assert_bytes(__FILE__, __LINE__, (function), (got), (got_len), (want), (want_len), (hint))
#define LAB_ASSERT_STR(function, got, want, hint)                                                  \
    lab_assert_bytes(__FILE__, __LINE__, (function), (got), strlen(got), (want), strlen(want),     \
                     (hint))

/* ---- descriptors ---------------------------------------------------------- */

/** Number of open descriptors of this process (entries of /proc/self/fd). */
int lab_count_fds(void);
/** 1 if @p fd is open. */
int lab_fd_is_open(int fd);
/** Fails the test if more descriptors are open than @p before. */
void lab_assert_no_fd_leak(const char *file, int line, const char *function, int before,
                           const char *hint);
#define LAB_ASSERT_NO_FD_LEAK(function, before, hint)                                              \
    lab_assert_no_fd_leak(__FILE__, __LINE__, (function), (before), (hint))
/** Lowers RLIMIT_NOFILE and fills every free slot, so the next open fails with EMFILE. */
void lab_exhaust_descriptors(void);
/** Undoes lab_exhaust_descriptors (sanitizers need descriptors at exit). */
void lab_release_descriptors(void);
/** Closes @p fd if it is >= 0 and open (ignoring errors: test clean-up). */
void lab_close(int fd);

/* ---- loopback sockets (every one on 127.0.0.1 or ::1, port 0) --------------- */

/** A TCP listener on 127.0.0.1, kernel-chosen port written to *port. */
int lab_tcp_listener(uint16_t *port, int backlog);
/** A blocking TCP client connected to 127.0.0.1:port (fails the test on error). */
int lab_tcp_connect(uint16_t port);
/** A connected pair over loopback TCP: *client and *server. */
void lab_tcp_pair(int *client, int *server);
/** A UDP socket bound to 127.0.0.1:0. */
int lab_udp_socket(uint16_t *port);
/** The local port of a socket, host order (0 when unbound). */
uint16_t lab_local_port(int fd);
/** A loopback port on which nothing listens (bound, never listened; keep *holder open). */
uint16_t lab_closed_port(int *holder);
/** An IPv4 TCP port that was free a moment ago (for tests that must pick a port). */
uint16_t lab_free_port(void);

/** Waits up to @p timeout_ms for @p fd to be readable: 1, 0 on timeout. */
int lab_wait_readable(int fd, int timeout_ms);
/** Reads exactly @p len bytes within @p timeout_ms; returns the count read (less at EOF/timeout).
 */
size_t lab_read_exact(int fd, void *buf, size_t len, int timeout_ms);
/** Reads until EOF or @p timeout_ms; returns bytes read, -1 if the time ran out first. */
ssize_t lab_read_until_eof(int fd, void *buf, size_t cap, int timeout_ms);
/** Writes all bytes (test side), failing the test on error. */
void lab_write_all(int fd, const void *buf, size_t len);

/** Seconds on the monotonic clock. */
double lab_now(void);
/** Milliseconds since @p start (a lab_now() value). */
double lab_ms_since(double start);
/** Sleeps for @p ms milliseconds. */
void lab_sleep_ms(int ms);

/* ---- a peer that plays the other side --------------------------------------- */

/** Starts @p fn(arg) in a thread. */
void lab_thread_start(void *(*fn)(void *), void *arg, void **handle);
/** Joins a thread started with lab_thread_start; returns its result. */
void *lab_thread_join(void *handle);
/** Forks a child that runs @p fn(arg) then _exit(0)s; returns its pid. */
pid_t lab_fork_peer(void (*fn)(void *), void *arg);
/** Waits up to @p timeout_ms for a forked peer; returns its wait status or -1 (then kills it). */
int lab_wait_peer(pid_t pid, int timeout_ms);

/** A peer thread (lab_write_later) that writes one byte to @p fd after @p delay_ms. */
struct lab_delayed_write {
    int fd;
    int delay_ms;
};
void *lab_write_later(void *arg);

/* ---- signals that interrupt blocking calls ------------------------------------------- */

/** Installs a counting handler for @p sig WITHOUT SA_RESTART (blocking calls fail with EINTR). */
void lab_install_interrupting_handler(int sig);
/** Signals caught by that handler since it was installed. */
int lab_signals_caught(void);

/** A thread (lab_send_signals) that sends SIGUSR1 to @p target: first after first_ms, then
 * every every_ms (0: only once) until until_ms, or until lab_stop_signals(). */
struct lab_signal_plan {
    pthread_t target;
    int first_ms;
    int every_ms;
    int until_ms;
    int stop; /* set through lab_stop_signals() */
};
void *lab_send_signals(void *plan);
/** Ends a lab_send_signals thread and joins it. */
void lab_stop_signals(struct lab_signal_plan *plan, void *thread);

/* ---- programs (the demos) ------------------------------------------------------- */

/** Starts @p argv[0] with stdin from /dev/null and stdout+stderr on a pipe (*out, read end). */
pid_t lab_spawn(char *const argv[], int *out);
/** Reads one line (newline kept, NUL-terminated) from @p fd within @p timeout_ms; length, or -1. */
ssize_t lab_read_line(int fd, char *buf, size_t cap, int timeout_ms);

/* ---- system call interposition (lessons linked with --wrap, see tests/README.md) --- */

/*
 * Calls made by the code under test (inside LAB_CALL, in that thread) go
 * through the wrappers in wrap.c when the lesson's tests/NN-name.wrap file
 * lists them; the test can then read them back or make them fail.
 */

/** One recorded call: its name, first arguments, result and errno. */
struct lab_call {
    char name[16];
    long arg[4];
    long ret;
    int err;
};
#define LAB_MAX_CALLS 4096
/** Forgets the recorded calls. */
void lab_record_reset(void);
/** Number of calls recorded since the last reset. */
int lab_record_count(void);
/** The i-th recorded call (0-based). */
const struct lab_call *lab_recorded(int i);
/** Number of recorded calls of @p name. */
int lab_recorded_count(const char *name);
/** The recorded calls as text ("socket(2, 1, 6) = 3"), one per line, for messages. */
const char *lab_recorded_text(void);

/**
 * Makes calls of @p name from the code under test misbehave: starting with
 * the @p nth one (1-based, counting from this call), @p times calls in a row
 * (-1: all) fail with -1 and @p err; or, when @p err is 0 (read, write,
 * recv, send), transfer at most @p max_bytes bytes.
 */
void lab_inject(const char *name, int nth, int times, int err, size_t max_bytes);
/**
 * Makes every successful call of @p name from the code under test set errno
 * to @p err on return (allowed by POSIX): catches code that reads errno
 * after a clean-up close() instead of saving it first.
 */
void lab_inject_errno_on_success(const char *name, int err);
/** Removes every injection. */
void lab_inject_clear(void);
/** 1 while the calling thread runs code under test (inside LAB_CALL). */
int lab_in_student_code(void);

#endif
