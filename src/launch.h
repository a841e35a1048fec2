/* Stage 5, launch: the only stage with process side effects.
 *
 * Forks a child that enters a staging user+mount namespace of its own
 * (caller mapped to 0, setgroups denied), mounts the noexec /tmp there,
 * and execs bwrap with exactly the fds passed on purpose.  Bind mounts
 * keep the flags and the kernel locks them, because the mount belongs to
 * a more privileged user namespace than the sandbox's (DESIGN.md).
 * The parent attaches the child to the limits, reads bwrap's json-status
 * and the sandbox's output, enforces the deadline, and kills the whole
 * sandbox on timeout or on SIGINT/SIGTERM/SIGHUP.
 */
#pragma once

#include <glib.h>

#include "sandbox-limits.h"
#include "profile.h"

G_BEGIN_DECLS

typedef struct
{
  gboolean exec_ok;          /* bwrap was executed */
  char *staging_error;       /* the staging step that failed, with errno */
  gboolean timed_out;
  int interrupted_by;        /* the signal that interrupted the tool, 0 if none */
  int wait_status;           /* bwrap's, as waitpid reports it */
  GBytes *json_status;       /* bwrap's --json-status-fd stream (capped) */
  GBytes *out;               /* the sandbox's stdout (first bytes kept) */
  GBytes *err;               /* the sandbox's stderr (first bytes kept) */
  gboolean out_truncated, err_truncated;
  gint64 duration_us;
} AttestLaunchResult;

void attest_launch_result_free (AttestLaunchResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttestLaunchResult, attest_launch_result_free)

/* The signals that must not kill the tool before it has cleaned up.
 * attest_launch_block_signals() blocks them (call it first thing in
 * `run`); attest_launch_pending_signal() says whether one arrived. */
void attest_launch_block_signals (void);
int attest_launch_pending_signal (void);

/* @argv: from attest_bwrap_argv_build(); @seccomp_fd: a sealed memfd or
 * -1; @staged_tmp: where to mount the noexec tmpfs (NULL: none).
 * Fails (GError) only when the launch could not be attempted; what
 * happened to an attempted launch is in the result. */
AttestLaunchResult *attest_launch (GPtrArray *argv, int seccomp_fd, const char *staged_tmp,
                                   AttestLimits *limits, guint timeout_s, GError **error);

G_END_DECLS
