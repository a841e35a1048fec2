/* harness.h: forked execution with deadlines, and the probe-side API.
 *
 * Process layout (research/probes.md §3.1: a kill action or a fork bomb must
 * never take the harness down):
 *
 *   sandbox-probe (harness)            collects results, writes inside.json
 *     └─ probe child, own process group, deadline per probe
 *          └─ attempt child per risky call, deadline per attempt
 *
 * The probe child streams records to the harness through a pipe: BEGIN
 * (method) before an attempt, END (the attempt) after it, FACT and FORCE. A
 * probe child that dies between BEGIN and END gets its death (signal or
 * timeout) recorded as the outcome of that attempt: SIGSYS is an observed
 * outcome, never a harness crash. After every probe the harness kills the
 * whole process group and reaps. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "json-out.h"
#include "result.h"

/* ---- generic fork + deadline ------------------------------------------ */

typedef void (*AttestChildBody) (int report_fd, void *arg);

typedef struct {
  bool exited;          /* normal exit: exit_code is valid */
  int exit_code;
  int signal;           /* terminating signal, 0 if none */
  bool timed_out;       /* the deadline passed; the child was SIGKILLed */
  AttestBuf data;       /* bytes the child wrote to report_fd (capped) */
  int64_t duration_us;
} AttestChildResult;

/* Blocks SIGCHLD and installs the handler the deadline wait relies on.
 * Call once at start-up, before any attest_spawn(). */
bool attest_harness_init (void);

/* Forks; the child runs @body (report_fd is the write end of a close-on-exec
 * pipe) and _exit(0)s. The parent collects what the child writes (at most
 * @cap bytes) until it exits or @timeout_ms passes, then SIGKILLs it (its
 * whole process group when @own_group) and reaps it. False when the child
 * could not be started (errno is set). */
bool attest_spawn (AttestChildBody body, void *arg, int timeout_ms,
                   bool own_group, size_t cap, AttestChildResult *out);

int64_t attest_now_us (void);

/* fork() for every child the probe starts: a bare clone(SIGCHLD), whatever
 * the C library's fork() would use. musl's fork() is the fork system call,
 * which the reference policy denies (it allows clone without CLONE_NEW*).
 * The child must not rely on the C library's idea of its thread id (raise,
 * abort, pthread_*): the library does not know it is a new process. The
 * probe's children only make system calls, format text and _exit(). */
pid_t attest_fork (void);

/* ---- calls in an attempt child ---------------------------------------- */

typedef struct {
  int64_t ret;
  int err;                              /* errno of the decisive call, 0 if it succeeded */
  char token[ATTEST_TOKEN_MAX];         /* optional: overrides the OK/errno outcome */
  char detail[ATTEST_DETAIL_MAX];
} AttestCallResult;

/* Runs in the attempt child. It must not return while other processes it
 * started are alive, except for exec, which replaces the child. */
typedef void (*AttestCallFn) (void *arg, AttestCallResult *res);

enum {
  /* A child that exits normally without a result replaced itself by execve:
   * the exec succeeded (outcome OK, detail says with which status). */
  ATTEST_CALL_EXEC = 1 << 0,
};

#define ATTEST_CALL_TIMEOUT_MS 1000

typedef struct {
  bool has_result;
  AttestCallResult res;
  AttestChildResult child;
} AttestCallOutcome;

/* Runs @fn in a forked child with a deadline, without recording anything. */
bool attest_call (AttestCallFn fn, void *arg, int timeout_ms, AttestCallOutcome *out);

/* Turns @co into @a (outcome, ret, errno, signal, timeout, detail). */
void attest_call_to_attempt (const AttestCallOutcome *co, unsigned flags, AttestAttempt *a);

/* ---- the probe-side API ------------------------------------------------ */

typedef enum {
  ATTEST_MODE_ATTEST,
  ATTEST_MODE_BASELINE,
} AttestMode;

typedef struct {
  AttestMode mode;
  const char *run_date;
  const char *in_dir;
  const char *out_dir;
  const char *tmp_dir;
  char nonce[40];        /* unique per run: names of files the probes create */
} AttestOptions;

typedef struct AttestCtx AttestCtx;

typedef struct {
  const char *id;
  const char *title;
  const char *group;
  bool required;
  AttestLevel level;
  const char *const *expected;    /* NULL-terminated accepted outcome tokens */
  int deadline_ms;
  void (*run) (AttestCtx *ctx);
} AttestProbeDef;

struct AttestCtx {
  int report_fd;
  const AttestOptions *opts;
  const AttestProbeDef *def;
  int n_attempts;
  AttestAttempt last;             /* the attempt recorded last */
};

/* Runs @fn in an attempt child and records the attempt; returns its
 * outcome token (valid until the next attempt). */
const char *attest_try (AttestCtx *ctx, const char *method, AttestCallFn fn,
                        void *arg, int timeout_ms, unsigned flags);

/* Records an attempt made in the probe process itself (fact checks and
 * calls that cannot hurt the harness). @token NULL → derived from @err. */
void attest_record (AttestCtx *ctx, const char *method, const char *token,
                    int64_t ret, int err, const char *detail_fmt, ...)
  __attribute__ ((format (printf, 6, 7)));

/* Records a fully prepared attempt (for probes that interpret an
 * attest_call() outcome themselves). */
void attest_record_attempt (AttestCtx *ctx, const AttestAttempt *a);

/* Announces an in-process attempt; if the probe process dies before the
 * matching attest_record(), its death is that attempt's outcome. */
void attest_begin (AttestCtx *ctx, const char *method);

/* Facts: probe-specific values copied into "facts". */
void attest_fact_raw (AttestCtx *ctx, const char *key, const char *json, size_t len);
void attest_fact_string (AttestCtx *ctx, const char *key, const char *value);
void attest_fact_int (AttestCtx *ctx, const char *key, int64_t value);
void attest_fact_bool (AttestCtx *ctx, const char *key, bool value);

/* Marks the probe SKIP (not applicable here) or ERROR (the probe itself
 * broke, e.g. a set-up step failed); the verdict rule keeps these. */
void attest_skip (AttestCtx *ctx, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
void attest_error (AttestCtx *ctx, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

/* Helpers for call functions. */
void attest_result_errno (AttestCallResult *res, int64_t ret);   /* ret + errno when ret < 0 */
void attest_result_detail (AttestCallResult *res, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));

/* ---- the record stream (probe child → harness) ------------------------ */

enum {
  ATTEST_MSG_BEGIN = 1,
  ATTEST_MSG_END = 2,
  ATTEST_MSG_FACT = 3,
  ATTEST_MSG_FORCE = 4,
};

typedef struct {
  const AttestProbeDef *def;
  AttestAttempt *attempts;
  size_t n_attempts;
  AttestBuf facts;            /* compact JSON members: "k":v,"k2":v2 */
  AttestVerdict forced;
  char reason[ATTEST_DETAIL_MAX];
  AttestVerdict verdict;
  int decisive;
  int64_t duration_us;
} AttestProbeRun;

/* Runs @def in a probe child and fills @run from the record stream. */
void attest_run_probe (const AttestProbeDef *def, const AttestOptions *opts, AttestProbeRun *run);
void attest_probe_run_free (AttestProbeRun *run);

/* ---- small I/O helpers shared by probes -------------------------------- */

/* Reads at most @cap bytes of @path into @buf (NUL-terminated). Returns the
 * byte count or -1 with errno set. */
ssize_t attest_read_file (const char *path, size_t cap, AttestBuf *buf);
/* snprintf() into @buf; truncation is intended (method and detail strings
 * are bounded), so it is not a warning. Returns @buf. */
char *attest_format (char *buf, size_t size, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));
/* write(2) until done, retrying on EINTR; false on error. */
bool attest_write_all (int fd, const void *data, size_t len);
