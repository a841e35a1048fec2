/* `exec`: run a command in exactly the sandbox a bundle attests, and only
 * when the bundle is ACCEPTED, of this host, young enough, and of the same
 * profile (same profile digest).  Any mismatch: nothing runs. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ATTEST_EXEC_DEFAULT_MAX_AGE "24h"
#define ATTEST_EXEC_DEFAULT_TIMEOUT 3600

typedef struct
{
  char *bundle;
  char *max_age;             /* "90s", "30m", "24h", "7d" */
  char *policy;
  char *in_dir;
  char *out_dir;
  GStrv ro_binds;            /* SRC DEST pairs */
  GStrv command;
  char *matrix;
  char *bwrap;
  guint timeout_s;
  gboolean allow_degraded_limits;
} AttestExecOptions;

/* "30m" -> 1800; FALSE for anything else. */
gboolean attest_exec_parse_duration (const char *text, gint64 *out_seconds);

/* Returns the command's exit status (0-255, 128+signal), or -1 with an
 * error: usage or bad input (exit 2), refused or blocked (exit 3). */
int attest_exec (const AttestExecOptions *options, GError **error);

G_END_DECLS
