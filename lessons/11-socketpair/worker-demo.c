/* worker-demo.c — document 002's front end and background worker: two processes, one socket pair.
 */
#define _POSIX_C_SOURCE 200809L
#include "readwrite.h"
#include "socketpair.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define LINE_CAP 1024     /* longest line handled in one piece, NUL included */
#define MAX_LINES 200     /* the worker reports its count as an exit status (0-255) */
#define WORKER_FAILED 255 /* exit status of a worker whose socket failed */

static const char *const default_lines[] = {"hello world", "SOME data", "测试成功！"};

/* The background worker: answers every line with the same line in upper case (ASCII letters;
 * other bytes, such as UTF-8 Chinese, pass unchanged); at end of file returns how many lines it
 * answered. */
static int uppercase_worker(int fd, void *arg)
{
    struct line_reader reader;
    char line[LINE_CAP];
    ssize_t len;
    int answered = 0;

    (void)arg;
    line_reader_init(&reader, fd);
    while ((len = line_reader_next(&reader, line, sizeof line)) > 0) {
        for (ssize_t i = 0; i < len; i++)
            if (line[i] >= 'a' && line[i] <= 'z')
                line[i] = (char)(line[i] - 'a' + 'A');
        if (write_all(fd, line, (size_t)len) < 0)
            return WORKER_FAILED;
        answered++;
    }
    return len < 0 ? WORKER_FAILED : answered;
}

/* The front end's side of one request: send the line, print it and the worker's answer. */
static int ask_worker(int fd, struct line_reader *reader, const char *text)
{
    char reply[LINE_CAP];
    ssize_t len;

    if (write_all(fd, text, strlen(text)) < 0 || write_all(fd, "\n", 1) < 0)
        return -1;
    len = line_reader_next(reader, reply, sizeof reply);
    if (len == 0)
        errno = ECONNRESET; /* the worker went away without answering */
    if (len <= 0)
        return -1;
    printf("sent:  %s\nreply: %s", text, reply);
    return 0;
}

/* 1 when every argument is one line: no CR or LF inside (each would split it in two). */
static int single_lines(int count, const char *const *lines)
{
    for (int i = 0; i < count; i++)
        if (strpbrk(lines[i], "\r\n") != NULL)
            return 0;
    return 1;
}

int main(int argc, char **argv)
{
    const char *const *lines = argc > 1 ? (const char *const *)argv + 1 : default_lines;
    int count = argc > 1 ? argc - 1 : (int)(sizeof default_lines / sizeof default_lines[0]);
    struct line_reader reader;
    struct sigaction ignore;
    int fd, failed = 0;

    if (count > MAX_LINES || !single_lines(count, lines)) {
        fprintf(stderr, "usage: %s [LINE...]  (at most %d lines, without CR or LF)\n", argv[0],
                MAX_LINES);
        return 2;
    }
    /* Line-buffered even into a pipe, so each line shows up as it happens. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    /* A worker that has died makes write() fail with EPIPE instead of killing the front end. */
    memset(&ignore, 0, sizeof ignore);
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    if (sigaction(SIGPIPE, &ignore, NULL) < 0) {
        perror("sigaction(SIGPIPE)");
        return 1;
    }

    pid_t pid = start_worker(&fd, uppercase_worker, NULL);
    if (pid < 0) {
        fprintf(stderr, "%s: cannot start the worker: %s\n", argv[0], strerror(errno));
        return 1;
    }
    printf("front end %ld started worker %ld\n", (long)getpid(), (long)pid);
    line_reader_init(&reader, fd);
    for (int i = 0; i < count && !failed; i++) {
        if (ask_worker(fd, &reader, lines[i]) < 0) {
            fprintf(stderr, "%s: talking to the worker failed: %s\n", argv[0], strerror(errno));
            failed = 1;
        }
    }
    /* Closing our end is the worker's end of file: it answers no more and exits. */
    int status = finish_worker(pid, fd);
    if (status < 0) {
        fprintf(stderr, "%s: waiting for the worker failed: %s\n", argv[0], strerror(errno));
        return 1;
    }
    /* The worker's exit status is the number of lines it answered. */
    printf("worker %ld exited with status %d\n", (long)pid, status);
    return failed || status != count ? 1 : 0;
}
