#include "launch.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <grp.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bwrap-argv.h"
#include "error.h"
#include "fdutil.h"

#define OUT_CAP (256 * 1024)
#define ERR_CAP (64 * 1024)
#define STATUS_CAP (64 * 1024)
/* After bwrap exits, how long its pipes may stay open (a descendant that
 * escaped the pid namespace would hold them; the cgroup teardown kills it). */
#define DRAIN_MS 1000

static const int guarded_signals[] = { SIGINT, SIGTERM, SIGHUP };

typedef enum
{
  STEP_CREDS = 1, STEP_PDEATHSIG, STEP_GO, STEP_UNSHARE, STEP_MAPPED, STEP_RLIMITS, STEP_PRIVATE, STEP_TMPFS,
  STEP_FDS, STEP_EXEC,
} ChildStep;

static const char *
step_name (int step)
{
  switch (step)
    {
    case STEP_CREDS: return "dropping to the staging uid/gid";
    case STEP_PDEATHSIG: return "prctl(PR_SET_PDEATHSIG)";
    case STEP_GO: return "waiting for the parent";
    case STEP_UNSHARE: return "unshare(CLONE_NEWUSER|CLONE_NEWNS)";
    case STEP_MAPPED: return "waiting for the uid/gid maps";
    case STEP_RLIMITS: return "setting the rlimit fallbacks";
    case STEP_PRIVATE: return "making the staging mounts private";
    case STEP_TMPFS: return "mounting the noexec tmpfs for /tmp";
    case STEP_FDS: return "setting up file descriptors";
    case STEP_EXEC: return "executing bwrap";
    default: return "?";
    }
}

/* Everything the child needs, prepared before fork: after fork it uses
 * only async-signal-safe calls. */
typedef struct
{
  char *const *argv;
  char *const *envp;
  const char *staged_tmp;
  const AttestLimits *limits;
  pid_t parent;
  uid_t uid;                 /* the staging ids; differ from ours only as root */
  gid_t gid;
  sigset_t old_mask;
  int go_rd, err_wr, null_fd, out_wr, err_out_wr, status_wr, seccomp_fd;
} ChildPlan;

void
attest_launch_result_free (AttestLaunchResult *r)
{
  if (r == NULL)
    return;
  g_free (r->staging_error);
  g_clear_pointer (&r->json_status, g_bytes_unref);
  g_clear_pointer (&r->out, g_bytes_unref);
  g_clear_pointer (&r->err, g_bytes_unref);
  g_free (r);
}

void
attest_launch_block_signals (void)
{
  sigset_t set;

  sigemptyset (&set);
  for (gsize i = 0; i < G_N_ELEMENTS (guarded_signals); i++)
    sigaddset (&set, guarded_signals[i]);
  sigprocmask (SIG_BLOCK, &set, NULL);
}

int
attest_launch_pending_signal (void)
{
  sigset_t set;

  if (sigpending (&set) < 0)
    return 0;
  for (gsize i = 0; i < G_N_ELEMENTS (guarded_signals); i++)
    if (sigismember (&set, guarded_signals[i]))
      return guarded_signals[i];
  return 0;
}

/* ---- the child ---- */

static G_GNUC_NORETURN void
child_fail (const ChildPlan *plan, int step)
{
  int report[2] = { step, errno };
  ssize_t n G_GNUC_UNUSED = write (plan->err_wr, report, sizeof report);
  _exit (127);
}


/* Moves @fd to @target (clearing close-on-exec there), from a copy above
 * every target so that sources and targets can overlap. */
static int
place_fds (const ChildPlan *plan)
{
  const int sources[] = { plan->null_fd, plan->out_wr, plan->err_out_wr, plan->seccomp_fd, plan->status_wr };
  const int targets[] = { 0, 1, 2, ATTEST_FD_SECCOMP, ATTEST_FD_JSON_STATUS };
  int high[G_N_ELEMENTS (sources)];

  for (gsize i = 0; i < G_N_ELEMENTS (sources); i++)
    {
      high[i] = sources[i] < 0 ? -1 : fcntl (sources[i], F_DUPFD_CLOEXEC, 64);
      if (sources[i] >= 0 && high[i] < 0)
        return -1;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (sources); i++)
    if (high[i] >= 0 && dup2 (high[i], targets[i]) < 0)
      return -1;
  /* Nothing else reaches bwrap: every other fd closes at exec (a leaked
   * directory fd is the runc CVE-2024-21626 escape).  The error pipe
   * stays open until then, so a failed exec can still be reported. */
  if (syscall (SYS_close_range, ATTEST_FD_FIRST_FREE, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
    return -1;
  if (plan->seccomp_fd < 0)
    (void) close (ATTEST_FD_SECCOMP);
  return 0;
}

static G_GNUC_NORETURN void
child_run (const ChildPlan *plan)
{
  char go;

  /* As root, become 65532 before anything else: a user namespace belongs
   * to the creds that make it, and no supplementary group (root's) may
   * reach the sandbox.  The death signal is set after, since a change of
   * credentials clears it. */
  if (plan->uid != getuid ()
      && (setgroups (0, NULL) < 0 || setresgid (plan->gid, plan->gid, plan->gid) < 0
          || setresuid (plan->uid, plan->uid, plan->uid) < 0))
    child_fail (plan, STEP_CREDS);
  if (prctl (PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid () != plan->parent)
    child_fail (plan, STEP_PDEATHSIG);
  (void) setpgid (0, 0);
  if (read (plan->go_rd, &go, 1) != 1)
    child_fail (plan, STEP_GO);
  if (unshare (CLONE_NEWUSER | CLONE_NEWNS) < 0)
    child_fail (plan, STEP_UNSHARE);
  /* The parent writes the maps: only it may map 0 to an id other than
   * its own (as root: 65532).  An empty report says "unshared". */
  if (write (plan->err_wr, "u", 1) != 1 || read (plan->go_rd, &go, 1) != 1)
    child_fail (plan, STEP_MAPPED);
  if (plan->limits != NULL && (errno = -attest_limits_apply_in_child (plan->limits)) != 0)
    child_fail (plan, STEP_RLIMITS);
  if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
    child_fail (plan, STEP_PRIVATE);
  if (plan->staged_tmp != NULL
      && mount ("tmpfs", plan->staged_tmp, "tmpfs", MS_NOEXEC | MS_NOSUID | MS_NODEV,
                "size=16777216,mode=1777") < 0)
    child_fail (plan, STEP_TMPFS);
  if (place_fds (plan) < 0)
    child_fail (plan, STEP_FDS);
  for (gsize i = 0; i < G_N_ELEMENTS (guarded_signals); i++)
    signal (guarded_signals[i], SIG_DFL);
  sigprocmask (SIG_SETMASK, &plan->old_mask, NULL);
  execve (plan->argv[0], plan->argv, plan->envp);
  child_fail (plan, STEP_EXEC);
}

/* ---- the parent ---- */

typedef struct
{
  int fd;
  GByteArray *data;
  gsize cap;
  gboolean truncated;
  gint64 first_at;           /* monotonic time of the first byte (timings only) */
} Sink;

/* Reads what is there; returns FALSE at EOF. */
static gboolean
sink_read (Sink *s)
{
  guint8 buf[16384];

  for (;;)
    {
      ssize_t n = read (s->fd, buf, sizeof buf);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        return TRUE;
      if (n <= 0)
        return FALSE;
      if (s->first_at == 0)
        s->first_at = g_get_monotonic_time ();
      if (s->data->len < s->cap)
        g_byte_array_append (s->data, buf, (guint) MIN ((gsize) n, s->cap - s->data->len));
      if (s->data->len >= s->cap && (gsize) n > 0)
        s->truncated = s->truncated || s->data->len + (gsize) n > s->cap;
    }
}

static int
pidfd_open_child (pid_t pid)
{
  return (int) syscall (SYS_pidfd_open, pid, 0);
}

static int
signalfd_new (void)
{
  sigset_t set;

  sigemptyset (&set);
  for (gsize i = 0; i < G_N_ELEMENTS (guarded_signals); i++)
    sigaddset (&set, guarded_signals[i]);
  return signalfd (-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

static void
kill_sandbox (pid_t pid)
{
  /* bwrap's own process group, then bwrap: --die-with-parent and the pid
   * namespace take everything below it down with it. */
  (void) kill (-pid, SIGKILL);
  (void) kill (pid, SIGKILL);
}

static int
wait_reap (pid_t pid)
{
  int status = 0;

  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  return status;
}

/* Polls the sandbox's pipes until bwrap exits, the deadline passes or a
 * guarded signal arrives. */
static void
supervise (const AttestLaunchSpec *spec, pid_t pid, int pidfd, int sigfd, Sink *sinks, guint n_sinks,
           AttestLaunchResult *r)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) spec->timeout_s * G_USEC_PER_SEC;
  gboolean worked = spec->while_running == NULL;
  gboolean exited = FALSE;
  gint64 drain_until = 0;

  for (;;)
    {
      struct pollfd pfd[8];
      guint n = 0;
      gint64 now = g_get_monotonic_time ();
      gint64 until = exited ? drain_until : deadline;
      int timeout_ms = (int) MAX (0, (until - now) / 1000);

      pfd[n++] = (struct pollfd) { pidfd, POLLIN, 0 };
      pfd[n++] = (struct pollfd) { sigfd, POLLIN, 0 };
      for (guint i = 0; i < n_sinks; i++)
        pfd[n++] = (struct pollfd) { sinks[i].fd, POLLIN, 0 };
      if (poll (pfd, n, timeout_ms) < 0 && errno != EINTR)
        break;
      for (guint i = 0; i < n_sinks; i++)
        if (sinks[i].fd >= 0 && (pfd[2 + i].revents & (POLLIN | POLLHUP | POLLERR)) && !sink_read (&sinks[i]))
          attest_close_fd (&sinks[i].fd);
      if (!exited && (pfd[1].revents & POLLIN))
        {
          struct signalfd_siginfo si;
          if (read (sigfd, &si, sizeof si) == sizeof si)
            r->interrupted_by = (int) si.ssi_signo;
          kill_sandbox (pid);
        }
      if (!exited && (pfd[0].revents & POLLIN))
        {
          r->wait_status = wait_reap (pid);
          exited = TRUE;
          drain_until = g_get_monotonic_time () + DRAIN_MS * 1000;
        }
      if (exited && (g_get_monotonic_time () >= drain_until || (sinks[0].fd < 0 && sinks[1].fd < 0 && sinks[2].fd < 0)))
        break;
      if (!exited && g_get_monotonic_time () >= deadline)
        {
          r->timed_out = TRUE;
          kill_sandbox (pid);
        }
      /* After the exit, signal and deadline checks of this round, so that
       * its time counts against none of them; the next poll comes after. */
      if (!worked && !exited && sinks[1].first_at != 0)
        {
          worked = TRUE;
          spec->while_running (spec->while_running_data);
        }
      /* poll skips negative fds, so a closed sink simply drops out. */
      for (guint i = 0; i < n_sinks; i++)
        if (sinks[i].fd < 0)
          pfd[2 + i].fd = -1;
    }
}

static gboolean
pipe_pair (int fds[2], gboolean nonblock_read, GError **error)
{
  if (pipe2 (fds, O_CLOEXEC) < 0)
    {
      int errsv = errno;
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_FAILED, "pipe2: %s", g_strerror (errsv));
      return FALSE;
    }
  if (nonblock_read)
    (void) fcntl (fds[0], F_SETFL, O_NONBLOCK);
  return TRUE;
}

static gboolean
write_proc (pid_t pid, const char *file, const char *text, GError **error)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/%s", (int) pid, file);
  attest_autofd fd = open (path, O_WRONLY | O_CLOEXEC);

  if (fd < 0 || write (fd, text, strlen (text)) != (ssize_t) strlen (text))
    {
      int errsv = errno;
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_BLOCKED, "staging namespace: writing %s: %s", path,
                   g_strerror (errsv));
      return FALSE;
    }
  return TRUE;
}

/* The go channel is a socket pair, not a pipe: the child may die before
 * it reads (a uid it cannot take), and a write to a pipe nobody reads
 * would kill the tool with SIGPIPE, without a word.  A "g" that cannot be
 * sent is not an error here: the child's report on the error pipe, or its
 * silence, says what happened. */
static gboolean
go_channel (int fds[2], GError **error)
{
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0)
    {
      int errsv = errno;
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_FAILED, "socketpair: %s", g_strerror (errsv));
      return FALSE;
    }
  return TRUE;
}

static gboolean
send_go (int fd, GError **error)
{
  ssize_t n;

  do
    n = send (fd, "g", 1, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n == 1 || (n < 0 && errno == EPIPE))
    return TRUE;
  g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_FAILED, "telling the staging process to go on: %s",
               n < 0 ? g_strerror (errno) : "short write");
  return FALSE;
}

/* Waits for the child's "unshared" byte, then maps its 0 to @spec's ids. */
static gboolean
map_staging (pid_t pid, int err_rd, const AttestLaunchSpec *spec, AttestLaunchResult *r, GError **error)
{
  g_autofree char *uid_map = g_strdup_printf ("0 %u 1\n", (guint) spec->staging_uid);
  g_autofree char *gid_map = g_strdup_printf ("0 %u 1\n", (guint) spec->staging_gid);
  char c;
  ssize_t n;

  do
    n = read (err_rd, &c, 1);
  while (n < 0 && errno == EINTR);
  if (n != 1 || c != 'u')
    {
      int report[2] = { 0, 0 };
      if (n == 1)
        {
          ((char *) report)[0] = c;
          if (read (err_rd, ((char *) report) + 1, sizeof report - 1) == sizeof report - 1)
            r->staging_error = g_strdup_printf ("%s: %s", step_name (report[0]), g_strerror (report[1]));
        }
      if (r->staging_error == NULL)
        r->staging_error = g_strdup ("the staging process died before unsharing");
      return TRUE;
    }
  return write_proc (pid, "setgroups", "deny", error) && write_proc (pid, "uid_map", uid_map, error)
         && write_proc (pid, "gid_map", gid_map, error);
}

/* Returns FALSE and fills r->staging_error when the child did not reach exec. */
static gboolean
await_exec (int err_rd, AttestLaunchResult *r)
{
  int report[2];
  ssize_t n;

  do
    n = read (err_rd, report, sizeof report);
  while (n < 0 && errno == EINTR);
  if (n == 0)
    return TRUE;
  if (n == sizeof report)
    r->staging_error = g_strdup_printf ("%s: %s", step_name (report[0]), g_strerror (report[1]));
  else
    r->staging_error = g_strdup ("the staging process died before reporting");
  return FALSE;
}

AttestLaunchResult *
attest_launch (const AttestLaunchSpec *spec, GError **error)
{
  static char *const no_env[] = { NULL };
  g_autoptr(AttestLaunchResult) r = g_new0 (AttestLaunchResult, 1);
  int go[2] = { -1, -1 }, err[2] = { -1, -1 }, out[2] = { -1, -1 }, errout[2] = { -1, -1 }, status[2] = { -1, -1 };
  attest_autofd null_fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);
  attest_autofd sigfd = signalfd_new ();
  attest_autofd pidfd = -1;
  Sink sinks[3];
  ChildPlan plan;
  gint64 start = g_get_monotonic_time ();
  gboolean ok = TRUE;
  pid_t pid;

  if (null_fd < 0 || sigfd < 0)
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_FAILED, "opening /dev/null or a signalfd failed");
      return NULL;
    }
  ok = go_channel (go, error) && pipe_pair (err, FALSE, error) && pipe_pair (status, TRUE, error)
       && (spec->passthrough || (pipe_pair (out, TRUE, error) && pipe_pair (errout, TRUE, error)));
  if (spec->passthrough)
    {
      /* Owned copies, so that the clean-up below closes only what is ours. */
      out[1] = fcntl (STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
      errout[1] = fcntl (STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
    }
  plan = (ChildPlan) { (char *const *) spec->argv->pdata, spec->pass_environment ? environ : no_env,
                       spec->staged_tmp, spec->limits, getpid (), spec->staging_uid, spec->staging_gid,
                       { { 0 } }, go[0], err[1], null_fd, out[1],
                       errout[1], status[1], spec->seccomp_fd };
  sigprocmask (SIG_BLOCK, NULL, &plan.old_mask);
  pid = ok ? fork () : -1;
  if (ok && pid < 0)
    {
      int errsv = errno;
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_FAILED, "fork: %s", g_strerror (errsv));
      ok = FALSE;
    }
  if (pid == 0)
    child_run (&plan);

  attest_close_fd (&go[0]);
  attest_close_fd (&err[1]);
  attest_close_fd (&out[1]);
  attest_close_fd (&errout[1]);
  attest_close_fd (&status[1]);
  if (ok && spec->limits != NULL && !attest_limits_attach (spec->limits, pid, error))
    ok = FALSE;
  if (ok && (pidfd = pidfd_open_child (pid)) < 0)
    {
      int errsv = errno;
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_FAILED, "pidfd_open: %s", g_strerror (errsv));
      ok = FALSE;
    }
  if (ok && !send_go (go[1], error))
    ok = FALSE;
  if (ok && !map_staging (pid, err[0], spec, r, error))
    ok = FALSE;
  if (ok && r->staging_error == NULL && !send_go (go[1], error))
    ok = FALSE;
  attest_close_fd (&go[1]);
  if (!ok)
    {
      if (pid > 0)
        {
          kill_sandbox (pid);
          wait_reap (pid);
        }
      attest_close_fd (&err[0]);
      attest_close_fd (&out[0]);
      attest_close_fd (&errout[0]);
      attest_close_fd (&status[0]);
      return NULL;
    }

  r->exec_ok = r->staging_error == NULL && await_exec (err[0], r);
  if (r->exec_ok)
    r->exec_at_us = g_get_monotonic_time () - start;
  attest_close_fd (&err[0]);
  sinks[0] = (Sink) { status[0], g_byte_array_new (), STATUS_CAP, FALSE, 0 };
  sinks[1] = (Sink) { out[0], g_byte_array_new (), OUT_CAP, FALSE, 0 };
  sinks[2] = (Sink) { errout[0], g_byte_array_new (), ERR_CAP, FALSE, 0 };
  supervise (spec, pid, pidfd, sigfd, sinks, G_N_ELEMENTS (sinks), r);
  for (guint i = 0; i < G_N_ELEMENTS (sinks); i++)
    attest_close_fd (&sinks[i].fd);
  r->json_status = g_byte_array_free_to_bytes (sinks[0].data);
  r->out = g_byte_array_free_to_bytes (sinks[1].data);
  r->err = g_byte_array_free_to_bytes (sinks[2].data);
  r->out_truncated = sinks[1].truncated;
  r->err_truncated = sinks[2].truncated;
  r->status_at_us = sinks[0].first_at != 0 ? sinks[0].first_at - start : 0;
  r->out_at_us = sinks[1].first_at != 0 ? sinks[1].first_at - start : 0;
  r->duration_us = g_get_monotonic_time () - start;
  return g_steal_pointer (&r);
}
