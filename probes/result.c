/* result.c: see result.h. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "result.h"

#include <stdio.h>
#include <string.h>

#include "errnames.h"

static const char *const verdict_names[ATTEST_VERDICT_COUNT] = {
  [ATTEST_VERDICT_NONE] = "NONE",
  [ATTEST_VERDICT_PASS] = "PASS",
  [ATTEST_VERDICT_FAIL] = "FAIL",
  [ATTEST_VERDICT_WARN] = "WARN",
  [ATTEST_VERDICT_SKIP] = "SKIP",
  [ATTEST_VERDICT_ERROR] = "ERROR",
  [ATTEST_VERDICT_INFO] = "INFO",
};

const char *
attest_verdict_name (AttestVerdict v)
{
  if ((int) v < 0 || (int) v >= ATTEST_VERDICT_COUNT)
    return "ERROR";
  return verdict_names[v];
}

const char *
attest_level_name (AttestLevel l)
{
  switch (l)
    {
    case ATTEST_LEVEL_MUST: return "MUST";
    case ATTEST_LEVEL_SHOULD: return "SHOULD";
    case ATTEST_LEVEL_INFO: return "INFO";
    default: return "MUST";
    }
}

void
attest_attempt_set_outcome (AttestAttempt *a, const char *token)
{
  char buf[ATTEST_NAME_BUF];
  const char *out;
  if (a->timed_out)
    out = "TIMEOUT";
  else if (a->signal != 0)
    out = attest_signal_name (a->signal, buf);
  else if (token != NULL && token[0] != '\0')
    out = token;
  else if (a->err != 0)
    out = attest_errno_name (a->err, buf);
  else
    out = "OK";
  snprintf (a->outcome, sizeof a->outcome, "%s", out);
}

bool
attest_token_expected (const char *const *expected, const char *token)
{
  for (size_t i = 0; expected != NULL && expected[i] != NULL; i++)
    if (strcmp (expected[i], token) == 0)
      return true;
  return false;
}

AttestVerdict
attest_verdict_compute (AttestLevel level, const char *const *expected,
                        const AttestAttempt *attempts, size_t n_attempts,
                        AttestVerdict forced, int *out_decisive)
{
  int decisive = n_attempts > 0 ? 0 : -1;
  bool all_expected = true;
  for (size_t i = 0; i < n_attempts; i++)
    if (!attest_token_expected (expected, attempts[i].outcome))
      {
        decisive = (int) i;
        all_expected = false;
        break;
      }
  if (out_decisive != NULL)
    *out_decisive = decisive;

  if (forced == ATTEST_VERDICT_SKIP || forced == ATTEST_VERDICT_ERROR)
    return forced;
  if (level == ATTEST_LEVEL_INFO)
    return ATTEST_VERDICT_INFO;
  if (n_attempts == 0)
    return ATTEST_VERDICT_ERROR;
  if (all_expected)
    return ATTEST_VERDICT_PASS;
  return level == ATTEST_LEVEL_SHOULD ? ATTEST_VERDICT_WARN : ATTEST_VERDICT_FAIL;
}

void
attest_attempt_to_json (AttestJson *j, const AttestAttempt *a, bool with_method)
{
  char buf[ATTEST_NAME_BUF];
  attest_json_begin_object (j);
  if (with_method)
    attest_json_kv_string (j, "method", a->method);
  attest_json_kv_string (j, "outcome", a->outcome);
  attest_json_kv_int (j, "ret", a->ret);
  attest_json_key (j, "errno");
  if (a->err != 0)
    attest_json_string (j, attest_errno_name (a->err, buf));
  else
    attest_json_null (j);
  attest_json_key (j, "errno_num");
  if (a->err != 0)
    attest_json_int (j, a->err);
  else
    attest_json_null (j);
  attest_json_key (j, "signal");
  if (a->signal != 0)
    attest_json_string (j, attest_signal_name (a->signal, buf));
  else
    attest_json_null (j);
  attest_json_kv_bool (j, "timed_out", a->timed_out);
  if (with_method || a->detail[0] != '\0')
    attest_json_kv_string (j, "detail", a->detail);
  attest_json_end_object (j);
}
