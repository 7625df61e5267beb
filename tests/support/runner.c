/* runner.c — main() of every lesson's grader: runs each test in a forked, time-limited child and
 * scores it. */
#define _GNU_SOURCE
#include "lab.h"
#include "lab_internal.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef LAB_LESSON
#error "build with -DLAB_LESSON=\"NN-name\""
#endif
#ifndef LAB_UNIT
#define LAB_UNIT "?"
#endif

/* What the code under test may use in its child (it is killed at the timeout anyway). */
#define CHILD_FILE_SIZE_LIMIT (64L << 20) /* a runaway log cannot fill the disk */
#define CHILD_EXTRA_PROCESSES 64          /* enough for a forking server, not a fork bomb */

struct outcome {
    int passed;
    char text[LAB_MESSAGE_MAX + 2048];
};

static double timeout_multiplier(void)
{
    const char *m = getenv("CK_TIMEOUT_MULTIPLIER");
    double value = m ? strtod(m, NULL) : 1.0;
    return value > 0 ? value : 1.0;
}

static double test_timeout(const struct lab_registered *t)
{
    const char *forced = getenv("LAB_TIMEOUT"); /* selftest shortens it for hanging mutants */
    if (forced && strtod(forced, NULL) > 0)
        return strtod(forced, NULL);
    return t->timeout_s > 0 ? t->timeout_s : LAB_TIMEOUT_S;
}

/* Processes of our user: the base for RLIMIT_NPROC, which counts per user. */
static long processes_of_user(void)
{
    DIR *proc = opendir("/proc");
    struct dirent *entry;
    struct stat st;
    char path[300];
    long count = 0;
    if (!proc)
        return 0;
    while ((entry = readdir(proc)) != NULL) {
        if (!isdigit((unsigned char)entry->d_name[0]))
            continue;
        snprintf(path, sizeof path, "/proc/%s", entry->d_name);
        if (stat(path, &st) == 0 && st.st_uid == getuid())
            count++;
    }
    closedir(proc);
    return count;
}

static long child_process_limit;

/* Checked fixture: runs in the forked child, before the test body. */
static void limit_child(void)
{
    struct rlimit no_core = {0, 0};
    struct rlimit file_size = {CHILD_FILE_SIZE_LIMIT, CHILD_FILE_SIZE_LIMIT};
    setrlimit(RLIMIT_CORE, &no_core);
    setrlimit(RLIMIT_FSIZE, &file_size);
    if (getuid() != 0) { /* root is exempt from RLIMIT_NPROC anyway */
        struct rlimit procs = {(rlim_t)child_process_limit, (rlim_t)child_process_limit};
        setrlimit(RLIMIT_NPROC, &procs);
    }
    /* CPU seconds: the wall-clock timeout ends a busy loop first; this is the backstop. */
    struct rlimit cpu = {30, 31};
    setrlimit(RLIMIT_CPU, &cpu);
}

/* ---- leftover processes ------------------------------------------------------------ */

/* Kills @p pid unless it is a zombie (those are only reaped); 1 if killed. */
static int kill_if_alive(pid_t pid)
{
    char path[64], line[256];
    int zombie = 0;
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *stat = fopen(path, "r");
    if (!stat)
        return 0;
    if (fgets(line, sizeof line, stat)) {
        const char *state = strrchr(line, ')'); /* "pid (comm) S ...": comm may hold spaces */
        zombie = state && state[1] == ' ' && state[2] == 'Z';
    }
    fclose(stat);
    return !zombie && kill(pid, SIGKILL) == 0;
}

/* Kills every live child of this process (orphans of the test are reparented
 * to us); returns how many it killed. The kernel lists our children in
 * /proc/self/task/<tid>/children; without that file, scan all of /proc. */
static int kill_children_once(void)
{
    char path[64];
    int killed = 0;
    snprintf(path, sizeof path, "/proc/self/task/%d/children", (int)getpid());
    FILE *children = fopen(path, "r");
    if (children) {
        int pid;
        while (fscanf(children, "%d", &pid) == 1)
            killed += kill_if_alive(pid);
        fclose(children);
        return killed;
    }
    DIR *proc = opendir("/proc");
    struct dirent *entry;
    if (!proc)
        return 0;
    while ((entry = readdir(proc)) != NULL) {
        char status_path[300], line[256];
        if (!isdigit((unsigned char)entry->d_name[0]))
            continue;
        snprintf(status_path, sizeof status_path, "/proc/%s/status", entry->d_name);
        FILE *status = fopen(status_path, "r");
        if (!status)
            continue;
        while (fgets(line, sizeof line, status))
            if (strncmp(line, "PPid:", 5) == 0) {
                if (atoi(line + 5) == getpid())
                    killed += kill_if_alive(atoi(entry->d_name));
                break;
            }
        fclose(status);
    }
    closedir(proc);
    return killed;
}

/* Ends whatever the test left running; returns the number of processes killed. */
static int kill_leftovers(void)
{
    int total = 0;
    /* Repeat: a killed process's own children are reparented to us next. */
    for (int round = 0; round < 200; round++) {
        int killed = kill_children_once();
        /* SIGKILL cannot be caught: wait for each victim, so it is not counted twice. */
        for (int i = 0; i < killed; i++)
            while (waitpid(-1, NULL, 0) < 0 && errno == EINTR) {
            }
        while (waitpid(-1, NULL, WNOHANG) > 0) {
        }
        total += killed;
        if (killed == 0)
            break;
        usleep(1000);
    }
    return total;
}

/* ---- judging one result -------------------------------------------------------------- */

static void append(struct outcome *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void append(struct outcome *o, const char *fmt, ...)
{
    size_t used = strlen(o->text);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(o->text + used, sizeof o->text - used, fmt, ap);
    va_end(ap);
}

static void explain_running_call(struct outcome *o)
{
    int zh = lab_lang_zh();
    if (lab_shared->call[0]) {
        append(o, "\n%s %s", zh ? "当时在：" : "while in:", lab_shared->call);
        if (lab_shared->blocked_on[0])
            append(o, "\n%s %s", zh ? "阻塞在：" : "blocked on:", lab_shared->blocked_on);
    } else {
        append(o, "\n%s",
               zh ? "当时在：测试自己的代码中（学生函数已返回）"
                  : "while in: the test's own code, after your function returned");
    }
}

static void judge(TestResult *tr, double timeout_s, struct outcome *o)
{
    int zh = lab_lang_zh();
    const char *msg = tr_msg(tr);
    int signal_number;
    int exit_value;

    o->text[0] = '\0';
    o->passed = 0;
    switch (tr_rtype(tr)) {
    case CK_PASS:
        if (lab_shared->finished) {
            o->passed = 1;
            return;
        }
        append(o, "%s",
               zh ? "测试提前结束：进程以状态 0 退出，测试没有跑完。"
                  : "the test ended early: the process exited with status 0 before the "
                    "test finished.");
        explain_running_call(o);
        append(o, "\n%s %s", zh ? "提示：" : "hint:    ",
               zh ? "被测函数不应调用 exit()；出错时返回 -1 并设置 errno。"
                  : "the function under test must not call exit(); return -1 with errno set.");
        return;
    case CK_FAILURE:
        append(o, "%s", lab_shared->message[0] ? lab_shared->message : msg);
        return;
    default:
        break;
    }
    if (strstr(msg, "timeout")) {
        append(o, zh ? "超时：%.1f 秒内没有完成。" : "timed out: not finished within %.1f s.",
               timeout_s);
        explain_running_call(o);
        append(o, "\n%s %s", zh ? "提示：" : "hint:    ",
               zh ? "阻塞调用（accept、read、connect、select…）只有在对方行动时才会返回；"
                    "检查参数，并确保出错路径会返回而不是重试到永远。"
                  : "a blocking call (accept, read, connect, select...) returns only when the "
                    "peer acts; check its arguments, and make sure error paths return instead "
                    "of retrying forever.");
    } else if (sscanf(msg, "Received signal %d", &signal_number) == 1) {
        const char *name = sigabbrev_np(signal_number);
        append(o, zh ? "崩溃：收到信号 SIG%s（%s）。" : "crashed: signal SIG%s (%s).",
               name ? name : "?", strsignal(signal_number));
        explain_running_call(o);
        append(o, "\n%s %s", zh ? "提示：" : "hint:    ",
               signal_number == SIGPIPE
                   ? (zh ? "向已关闭的连接写入会触发 SIGPIPE：用 MSG_NOSIGNAL 或忽略该信号。"
                         : "writing to a closed connection raises SIGPIPE: use MSG_NOSIGNAL or "
                           "ignore the signal.")
                   : (zh ? "常见原因：空指针、越界写缓冲区、重复 free。用 gdb 或 "
                           "-fsanitize=address 找到出错的行。"
                         : "usual causes: a NULL pointer, writing past a buffer, a double free. "
                           "Find the line with gdb or -fsanitize=address."));
    } else if (sscanf(msg, "Early exit with return value %d", &exit_value) == 1) {
        append(o,
               zh ? "进程以状态 %d 退出，测试没有跑完。"
                  : "the process exited with status %d before the test finished.",
               exit_value);
        explain_running_call(o);
        append(o, "\n%s %s", zh ? "提示：" : "hint:    ",
               zh ? "被测函数不应调用 exit()；出错时返回 -1 并设置 errno。"
                  : "the function under test must not call exit(); return -1 with errno set.");
    } else {
        append(o, "%s", msg);
        explain_running_call(o);
    }
}

/* ---- running ---------------------------------------------------------------------------- */

static void run_one(const struct lab_registered *t, struct outcome *o, int *leftovers)
{
    double timeout_s = test_timeout(t);
    Suite *suite = suite_create(LAB_LESSON);
    TCase *tcase = tcase_create(t->test->name);

    tcase_set_timeout(tcase, timeout_s);
    tcase_add_checked_fixture(tcase, limit_child, NULL);
    tcase_add_test(tcase, t->test);
    suite_add_tcase(suite, tcase);

    memset(lab_shared, 0, sizeof *lab_shared);
    /* The child inherits our stdio buffers and flushes them when it exits:
     * empty them first, or the report and results.json get lines twice. */
    fflush(NULL);
    SRunner *runner = srunner_create(suite);
    srunner_set_fork_status(runner, CK_FORK); /* whatever CK_FORK says: isolation is the point */
    srunner_run_all(runner, CK_SILENT);
    *leftovers = kill_leftovers();

    TestResult **results = srunner_results(runner);
    if (srunner_ntests_run(runner) == 1) {
        judge(results[0], timeout_s * timeout_multiplier(), o);
    } else {
        o->passed = 0;
        snprintf(o->text, sizeof o->text, "%s", "the test did not run");
    }
    free(results);
    srunner_free(runner);
}

static void json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", out);
        else if (*p < 0x20)
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

static void print_indented(const char *text)
{
    printf("        ");
    for (const char *p = text; *p; p++) {
        putchar(*p);
        if (*p == '\n')
            printf("        ");
    }
    putchar('\n');
}

static int usage(const char *self)
{
    fprintf(stderr, "usage: %s [--out DIR] [--list] [TEST_NAME...]\n", self);
    return 2;
}

static int selected(const char *name, int argc, char **argv, int first)
{
    if (first >= argc)
        return 1;
    for (int i = first; i < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    const char *out_dir = NULL;
    int first = 1, list = 0;
    while (first < argc && argv[first][0] == '-') {
        if (strcmp(argv[first], "--out") == 0 && first + 1 < argc) {
            out_dir = argv[first + 1];
            first += 2;
        } else if (strcmp(argv[first], "--list") == 0) {
            list = 1;
            first++;
        } else {
            return usage(argv[0]);
        }
    }

    lab_register_tests();
    if (list) {
        for (int i = 0; i < lab_registered_count(); i++)
            printf("%s %d\n", lab_registered_at(i)->test->name, lab_registered_at(i)->points);
        return 0;
    }

    lab_shared =
        mmap(NULL, sizeof *lab_shared, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (lab_shared == MAP_FAILED) {
        perror("mmap");
        return 2;
    }
    /* Orphans of a test (a student's forked child) become ours, so we can end them. */
    if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
        perror("prctl(PR_SET_CHILD_SUBREAPER)");
    child_process_limit = processes_of_user() + CHILD_EXTRA_PROCESSES;
    /* Student code reading stdin must see EOF, not wait for a keyboard. */
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) {
        dup2(devnull, STDIN_FILENO);
        if (devnull != STDIN_FILENO)
            close(devnull);
    }
    setvbuf(stdout, NULL, _IOLBF, 0);

    FILE *json = NULL;
    char path[4096];
    if (out_dir) {
        snprintf(path, sizeof path, "%s/%s.json", out_dir, LAB_LESSON);
        json = fopen(path, "w");
        if (!json) {
            perror(path);
            return 2;
        }
    }

    int zh = lab_lang_zh();
    int passed = 0, run = 0, score = 0, max_score = 0;
    static struct outcome outcome;
    const char *unit = getenv("LAB_UNIT_SHOWN"); /* selftest names the mutant it grades */
    printf("== %s  (%s)\n", LAB_LESSON, unit && *unit ? unit : LAB_UNIT);
    for (int i = 0; i < lab_registered_count(); i++) {
        const struct lab_registered *t = lab_registered_at(i);
        if (!selected(t->test->name, argc, argv, first))
            continue;
        int leftovers = 0;
        run_one(t, &outcome, &leftovers);
        if (leftovers > 0) {
            char note[256];
            snprintf(note, sizeof note,
                     zh ? "%s注意：测试结束时还有 %d 个进程在运行，评分程序已将其结束。"
                        : "%snote: %d process(es) were still running when the test ended; the "
                          "grader killed them.",
                     outcome.text[0] ? "\n" : "", leftovers);
            strncat(outcome.text, note, sizeof outcome.text - strlen(outcome.text) - 1);
        }
        int got = outcome.passed ? t->points : 0;
        run++;
        passed += outcome.passed;
        score += got;
        max_score += t->points;
        printf("  %s  %-58s %2d/%d\n",
               outcome.passed ? (zh ? "通过" : "PASS") : (zh ? "失败" : "FAIL"), t->test->name, got,
               t->points);
        if (outcome.text[0])
            print_indented(outcome.text);
        if (json) {
            fprintf(json, "%s{\"name\": ", run > 1 ? ",\n" : "");
            json_string(json, lab_fmt("%s: %s", LAB_LESSON, t->test->name));
            fprintf(json, ", \"number\": \"%d.%d\"", atoi(LAB_LESSON), i + 1);
            fprintf(json,
                    ", \"score\": %d, \"max_score\": %d, \"status\": \"%s\", \"output\": ", got,
                    t->points, outcome.passed ? "passed" : "failed");
            json_string(json, outcome.text);
            fputc('}', json);
        }
    }
    printf(zh ? "%s：通过 %d/%d 个测试，得分 %d/%d\n" : "%s: %d/%d tests passed, %d/%d points\n",
           LAB_LESSON, passed, run, score, max_score);
    if (json) {
        fputc('\n', json);
        fclose(json);
        snprintf(path, sizeof path, "%s/%s.summary", out_dir, LAB_LESSON);
        FILE *summary = fopen(path, "w");
        if (!summary) {
            perror(path);
            return 2;
        }
        fprintf(summary, "%s %d %d %d %d\n", LAB_LESSON, passed, run, score, max_score);
        fclose(summary);
    }
    return passed == run ? 0 : 1;
}
