/* lab_internal.h — state shared between the grader's runner and the forked test children. */
#ifndef LAB_INTERNAL_H
#define LAB_INTERNAL_H

#include <stddef.h>

#define LAB_NOTE_MAX 1024
#define LAB_MESSAGE_MAX 16384

/*
 * One page set, mapped MAP_SHARED before any test forks: the child writes,
 * the runner reads after the child is gone. Check's own message channel
 * is limited to a few kilobytes, so the full failure text travels here.
 */
struct lab_shared {
    int started;                   /* the test body was entered */
    int finished;                  /* the test body returned normally */
    int setup_failed;              /* the grader, not the student, failed */
    char call[LAB_NOTE_MAX];       /* student call running now, "" if none */
    char blocked_on[LAB_NOTE_MAX]; /* what that call may be waiting for */
    char message[LAB_MESSAGE_MAX]; /* the failure explanation */
};

extern struct lab_shared *lab_shared;

/* Registered tests, read by the runner. */
struct lab_registered {
    const TTest *test;
    int points;
    double timeout_s;
};
int lab_registered_count(void);
const struct lab_registered *lab_registered_at(int i);

#endif
