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
  /* For `run --timings` and the bundle's timings_us: microseconds from the
   * start of the launch to bwrap's exec (the staging namespace is set up),
   * to bwrap's first json-status byte (child-pid: bwrap has cloned the
   * sandbox) and to the sandbox's first stdout byte (the probe runs); 0
   * when it did not happen. */
  gint64 exec_at_us, status_at_us, out_at_us;
} AttestLaunchResult;

void attest_launch_result_free (AttestLaunchResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttestLaunchResult, attest_launch_result_free)

/* The signals that must not kill the tool before it has cleaned up.
 * attest_launch_block_signals() blocks them (call it first thing in
 * `run`); attest_launch_pending_signal() says whether one arrived. */
void attest_launch_block_signals (void);
int attest_launch_pending_signal (void);

typedef struct
{
  GPtrArray *argv;           /* from attest_bwrap_argv_build() */
  int seccomp_fd;            /* a sealed memfd, or -1 */
  const char *staged_tmp;    /* where to mount the noexec tmpfs; NULL: none */
  AttestLimits *limits;
  guint timeout_s;
  /* The host ids the staging namespace's 0 maps to: the caller's own, or
   * as root 65532, so that the sandbox's uid 65532 is host uid 65532 as
   * under Docker and never host root (as root, bwrap alone would map the
   * sandbox to uid 0, which may write /proc/sys). */
  uid_t staging_uid;
  gid_t staging_gid;
  /* bwrap's own environment is readable in the sandbox as /proc/1/environ
   * (its init): it gets none, unless a test weakens the profile. */
  gboolean pass_environment;
  /* `exec`: the command's stdout and stderr are the tool's own (streamed,
   * not captured); stdin stays /dev/null. */
  gboolean passthrough;
  /* Work of the caller's that need not come before the sandbox (`run`'s
   * host facts): called once while the sandbox runs, after its first
   * output, so that it delays none of the timestamps above; not called
   * when no output came (the caller does the work afterwards). */
  void (*while_running) (gpointer data);
  gpointer while_running_data;
} AttestLaunchSpec;

/* Fails (GError) only when the launch could not be attempted; what
 * happened to an attempted launch is in the result. */
AttestLaunchResult *attest_launch (const AttestLaunchSpec *spec, GError **error);

G_END_DECLS
