/* result.h: the probe result model, outcome tokens and the verdict rule.
 *
 * Pure (no I/O), so unit tests reach it and the host verifier can mirror the
 * rule exactly. The rule, stated once (probes/README.md repeats it):
 *   1. a probe the harness marked SKIP or ERROR keeps that verdict (a reason
 *      is mandatory);
 *   2. a probe of level INFO is INFO;
 *   3. a probe without any attempt is ERROR ("nothing was tried"): PASS is
 *      never reported without having tried the operation;
 *   4. PASS iff the outcome of every attempt is one of the expected tokens;
 *   5. otherwise FAIL for level MUST, WARN for level SHOULD. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json-out.h"

typedef enum {
  ATTEST_LEVEL_MUST,
  ATTEST_LEVEL_SHOULD,
  ATTEST_LEVEL_INFO,
} AttestLevel;

typedef enum {
  ATTEST_VERDICT_NONE = 0,   /* not decided yet / no override */
  ATTEST_VERDICT_PASS,
  ATTEST_VERDICT_FAIL,
  ATTEST_VERDICT_WARN,
  ATTEST_VERDICT_SKIP,
  ATTEST_VERDICT_ERROR,
  ATTEST_VERDICT_INFO,
} AttestVerdict;

#define ATTEST_VERDICT_COUNT 7

#define ATTEST_TOKEN_MAX 48
#define ATTEST_METHOD_MAX 256
#define ATTEST_DETAIL_MAX 512

/* One attempted operation and what came of it. */
typedef struct {
  char method[ATTEST_METHOD_MAX];   /* the exact call, e.g. "socket(AF_INET, SOCK_STREAM, 0)" */
  char outcome[ATTEST_TOKEN_MAX];   /* OK, an errno name, a signal name, TIMEOUT or a fact token */
  int64_t ret;                      /* return value of the decisive call */
  int err;                          /* errno, 0 when none */
  int signal;                       /* terminating signal, 0 when none */
  bool timed_out;
  char detail[ATTEST_DETAIL_MAX];
} AttestAttempt;

const char *attest_verdict_name (AttestVerdict v);
const char *attest_level_name (AttestLevel l);

/* Fills @a->outcome from the other fields: TIMEOUT, else the signal name,
 * else @token when not NULL/empty, else the errno name when @err != 0, else
 * "OK". */
void attest_attempt_set_outcome (AttestAttempt *a, const char *token);

/* True when @token is one of the NULL-terminated @expected. */
bool attest_token_expected (const char *const *expected, const char *token);

/* The verdict rule above. @forced is ATTEST_VERDICT_NONE, SKIP or ERROR.
 * @out_decisive receives the index of the decisive attempt (the first whose
 * outcome is not expected, else the first), or -1 without attempts. */
AttestVerdict attest_verdict_compute (AttestLevel level,
                                      const char *const *expected,
                                      const AttestAttempt *attempts,
                                      size_t n_attempts,
                                      AttestVerdict forced,
                                      int *out_decisive);

/* Writes the attempt as a JSON object (without "method" when @with_method is
 * false: the "observed" member repeats it at probe level). */
void attest_attempt_to_json (AttestJson *j, const AttestAttempt *a, bool with_method);
