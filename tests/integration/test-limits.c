/* Resource limits with real cgroups and real processes: a forked child
 * is attached the way the launcher attaches bwrap, then forks, touches
 * memory or spins until the limit stops it.
 *
 * As root, or as attest-tester inside the delegated cgroups that
 * tests/as-tester.sh prepares, every limit must be a cgroup's.  The
 * no-cgroup case runs for real in a forked "runner": as root it drops to
 * attest-tester (whose own cgroups are then root's, unwritable); as
 * attest-tester it moves into the root-owned attest-tester-nocg cgroups.
 *
 * Never a fork bomb: every fork loop stops at FORK_CAP, every process is
 * killed and reaped (the test is a child subreaper, so orphans come back
 * to it), every cgroup is removed. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "sandbox-limits.h"

#define FORK_CAP 200
#define MEM_CAP_MIB 512
#define MEM_FAIL_MIB 300
#define TESTER "attest-tester"
#define MIB (G_GUINT64_CONSTANT (1) << 20)

static gboolean
must_work (void)
{
  return g_strcmp0 (g_getenv ("ATTEST_TESTS_MUST_WORK"), "1") == 0;
}

/* A host feature is missing: skip, unless the run promised it works. */
static void
missing (const char *why)
{
  if (must_work ())
    g_test_fail_printf ("%s (ATTEST_TESTS_MUST_WORK=1)", why);
  else
    g_test_skip (why);
}

/* Root, or attest-tester under tests/as-tester.sh, must get cgroups. */
static gboolean
cgroups_expected (void)
{
  return getuid () == 0 || g_getenv ("ATTEST_TESTER_CGROUPS") != NULL;
}

static void
reap_all (void)
{
  gint64 deadline = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      pid_t pid = waitpid (-1, NULL, WNOHANG);

      if (pid < 0 && errno == ECHILD)
        return;
      if (pid <= 0)
        g_usleep (1000);
    }
  g_test_fail_printf ("children still alive 2 s after the test");
}

static void
print_json (const AttestLimits *limits)
{
  g_autoptr(JsonNode) node = attest_limits_to_json (limits);
  g_autofree char *text = json_to_string (node, TRUE);

  g_test_message ("%s", text);
}

/* ---- what a test leaves behind ---- */

#define MAX_CHILDREN 4

/* Everything a test creates, so that fixture_tear_down and, when an
 * assertion aborts the test, the SIGABRT handler can kill, reap and
 * remove it. */
typedef struct
{
  AttestLimits *limits;
  pid_t children[MAX_CHILDREN];  /* process group leaders */
  int n_children;
} Fixture;

static Fixture *current;

static void
kill_children (Fixture *f)
{
  for (int i = 0; i < f->n_children; i++)
    if (f->children[i] > 0)
      (void) kill (-f->children[i], SIGKILL);
  f->n_children = 0;
}

/* Once its group is dead and reaped, a pid may be reused: forget it. */
static void
forget_child (Fixture *f, pid_t pid)
{
  for (int i = 0; i < f->n_children; i++)
    if (f->children[i] == pid)
      f->children[i] = 0;
}

/* Best effort on the way down (not async-signal-safe, but the process
 * is dying anyway and a leaked cgroup outlives it). */
static void
on_abort (int sig)
{
  if (current != NULL)
    {
      kill_children (current);
      if (current->limits != NULL)
        (void) attest_limits_teardown (current->limits, NULL);
      for (int i = 0; i < 1000 && waitpid (-1, NULL, WNOHANG) >= 0; i++)
        g_usleep (1000);
    }
  signal (sig, SIG_DFL);
  raise (sig);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  (void) data;
  current = f;
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  (void) data;
  kill_children (f);
  g_clear_pointer (&f->limits, attest_limits_free);
  reap_all ();
  current = NULL;
}

/* ---- children ---- */

typedef void (*Body) (int out, const AttestLimits *in_child);

typedef struct
{
  Fixture *f;
  pid_t pid;
  int go;                    /* write a byte: the child proceeds */
  int out;                   /* what the child reports */
} Child;

/* Forks a child that waits, like the launcher's, until the parent has
 * attached it; then, if @in_child, enters a user namespace and applies
 * the rlimits there (as the launcher's child does before exec'ing bwrap). */
static Child
start_child (Fixture *f, Body body, const AttestLimits *in_child)
{
  int go[2], out[2];
  Child c = { f, -1, -1, -1 };
  char byte;

  g_assert_no_errno (pipe2 (go, O_CLOEXEC));
  g_assert_no_errno (pipe2 (out, O_CLOEXEC));
  c.pid = fork ();
  g_assert_cmpint (c.pid, >=, 0);
  if (c.pid == 0)
    {
      close (go[1]);
      close (out[0]);
      setpgid (0, 0);  /* the parent can kill the whole family at once */
      if (read (go[0], &byte, 1) != 1)
        _exit (100);
      if (in_child != NULL
          && (unshare (CLONE_NEWUSER) < 0 || attest_limits_apply_in_child (in_child) != 0))
        _exit (101);
      body (out[1], in_child);
      _exit (0);
    }
  close (go[0]);
  close (out[1]);
  setpgid (c.pid, c.pid);
  g_assert_cmpint (f->n_children, <, MAX_CHILDREN);
  f->children[f->n_children++] = c.pid;
  c.go = go[1];
  c.out = out[0];
  return c;
}

static void
release_child (Child *c)
{
  g_assert_cmpint (write (c->go, "g", 1), ==, 1);
  close (c->go);
  c->go = -1;
}

/* Reads up to @len bytes until EOF or @len. */
static gsize
read_report (Child *c, void *buf, gsize len)
{
  gsize got = 0;

  while (got < len)
    {
      ssize_t n = read (c->out, (char *) buf + got, len - got);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      got += (gsize) n;
    }
  return got;
}

/* SIGKILLs the child's process group (it and everything it forked) and
 * returns its wait status. */
static int
kill_child (Child *c)
{
  int status = 0;

  (void) kill (-c->pid, SIGKILL);
  g_assert_cmpint (waitpid (c->pid, &status, 0), ==, c->pid);
  reap_all ();
  forget_child (c->f, c->pid);
  if (c->out >= 0)
    close (c->out);
  c->out = -1;
  return status;
}

static int
wait_child (Child *c, struct rusage *out_usage)
{
  int status = 0;
  struct rusage usage;

  g_assert_cmpint (wait4 (c->pid, &status, 0, &usage), ==, c->pid);
  if (out_usage != NULL)
    *out_usage = usage;
  (void) kill (-c->pid, SIGKILL);  /* anything it left behind */
  reap_all ();
  forget_child (c->f, c->pid);
  return status;
}

typedef struct
{
  int forks;
  int err;
  int n_pids;
  pid_t pids[FORK_CAP];
} ForkReport;

/* Forks paused children until fork fails, at most FORK_CAP; reports,
 * then waits to be killed with them. */
static void
fork_loop (int out, const AttestLimits *in_child)
{
  ForkReport r = { 0 };

  (void) in_child;
  for (int i = 0; i < FORK_CAP; i++)
    {
      pid_t pid = fork ();

      if (pid == 0)
        for (;;)
          pause ();
      if (pid < 0)
        {
          r.err = errno;
          break;
        }
      r.pids[r.n_pids++] = pid;
      r.forks++;
    }
  (void) !write (out, &r, sizeof r);
  close (out);
  for (;;)
    pause ();
}

/* Touches memory in 1 MiB steps up to MEM_CAP_MIB, reporting each step;
 * -step when mmap refused it (an rlimit), nothing more when killed. */
static void
touch_memory (int out, const AttestLimits *in_child)
{
  (void) in_child;
  for (int mib = 1; mib <= MEM_CAP_MIB; mib++)
    {
      char *p = mmap (NULL, MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      int report = mib;

      if (p == MAP_FAILED)
        {
          report = -mib;
          (void) !write (out, &report, sizeof report);
          _exit (3);
        }
      memset (p, 0x5a, MIB);
      (void) !write (out, &report, sizeof report);
    }
}

static void
spin_one_second (int out, const AttestLimits *in_child)
{
  struct timespec start, now;

  (void) out;
  (void) in_child;
  clock_gettime (CLOCK_MONOTONIC, &start);
  do
    clock_gettime (CLOCK_MONOTONIC, &now);
  while ((now.tv_sec - start.tv_sec) * 1000000000L + (now.tv_nsec - start.tv_nsec) < 1000000000L);
}

typedef struct
{
  int reached;               /* MiB touched */
  gboolean refused;          /* mmap failed (RLIMIT_AS) */
  int signal;                /* killed by (the OOM killer sends SIGKILL) */
} MemOutcome;

static MemOutcome
memory_outcome (Child *c, int status)
{
  MemOutcome m = { 0, FALSE, WIFSIGNALED (status) ? WTERMSIG (status) : 0 };
  int step;

  while (read_report (c, &step, sizeof step) == sizeof step)
    {
      if (step < 0)
        m.refused = TRUE;
      m.reached = ABS (step) - (step < 0 ? 1 : 0);
    }
  close (c->out);
  c->out = -1;
  return m;
}

/* ---- cgroup cases ---- */

static const char *const kind_names[ATTEST_N_LIMITS] = { "pids", "memory", "swap", "cpu" };

static const AttestLimitKind all_kinds[] = {
  ATTEST_LIMIT_PIDS, ATTEST_LIMIT_MEMORY, ATTEST_LIMIT_SWAP, ATTEST_LIMIT_CPU,
};

/* Setup that must yield cgroups for every limit; NULL when the host
 * cannot (skipped or failed). */
static gboolean
cgroup_limits (Fixture *f, const AttestLimitsWanted *wanted)
{
  g_autoptr(GError) error = NULL;
  AttestLimits *limits = f->limits = attest_limits_setup (wanted, &error);

  g_assert_no_error (error);
  print_json (limits);
  for (gsize i = 0; i < G_N_ELEMENTS (all_kinds); i++)
    {
      const AttestLimitResult *r = attest_limits_result (limits, all_kinds[i]);

      if (r->enforcer == ATTEST_ENFORCER_CGROUP_V1 || r->enforcer == ATTEST_ENFORCER_CGROUP_V2)
        continue;
      if (cgroups_expected ())
        g_test_fail_printf ("%s: expected a cgroup, got %s: %s", r->name, attest_enforcer_name (r->enforcer),
                            r->detail);
      else
        missing ("no writable cgroup (as attest-tester, run through tests/as-tester.sh)");
      return FALSE;
    }
  return TRUE;
}

static gboolean
pid_in_cgroup_dir (pid_t pid, const char *dir)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/cgroup", (int) pid);
  g_autofree char *text = NULL;
  g_autofree char *name = g_path_get_basename (dir);
  g_autofree char *suffix = g_strconcat ("/", name, "\n", NULL);

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return strstr (text, suffix) != NULL;
}

static void
test_cgroup_all_enforced (Fixture *f, gconstpointer data)
{
  AttestLimitsWanted wanted = ATTEST_LIMITS_WANTED_DOCKER;
  AttestLimits *limits;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autofree char *pids_max = NULL;
  const char *dirs[ATTEST_N_LIMITS];
  Child c;
  int status;

  (void) data;
  if (!cgroup_limits (f, &wanted))
    return;
  limits = f->limits;
  for (gsize i = 0; i < G_N_ELEMENTS (all_kinds); i++)
    {
      const AttestLimitResult *r = attest_limits_result (limits, all_kinds[i]);

      g_assert_true (r->equivalent);
      dirs[i] = attest_limits_cgroup_dir (limits, all_kinds[i]);
      g_assert_nonnull (dirs[i]);
      g_assert_true (g_file_test (dirs[i], G_FILE_TEST_IS_DIR));
      g_assert_nonnull (strstr (r->detail, dirs[i]));
    }
  /* The kernel, not just our record, holds the value. */
  {
    g_autofree char *path = g_build_filename (dirs[0], "pids.max", NULL);
    g_assert_true (g_file_get_contents (path, &pids_max, NULL, NULL));
    g_assert_cmpstr (g_strstrip (pids_max), ==, "64");
  }
  json = attest_limits_to_json (limits);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (json)), ==, ATTEST_N_LIMITS);

  c = start_child (f, fork_loop, NULL);
  g_assert_true (attest_limits_attach (limits, c.pid, &error));
  g_assert_no_error (error);
  for (gsize i = 0; i < G_N_ELEMENTS (all_kinds); i++)
    g_assert_true (pid_in_cgroup_dir (c.pid, dirs[i]));

  /* Teardown kills what is inside (the child is still waiting) ... */
  g_assert_true (attest_limits_teardown (limits, &error));
  g_assert_no_error (error);
  g_assert_cmpint (waitpid (c.pid, &status, 0), ==, c.pid);
  forget_child (f, c.pid);
  g_assert_true (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);
  close (c.go);
  close (c.out);
  /* ... removes every directory, and a second call is harmless. */
  for (gsize i = 0; i < G_N_ELEMENTS (all_kinds); i++)
    g_assert_false (g_file_test (dirs[i], G_FILE_TEST_EXISTS));
  g_assert_true (attest_limits_teardown (limits, &error));
  g_assert_no_error (error);
  g_assert_null (attest_limits_cgroup_dir (limits, ATTEST_LIMIT_PIDS));
  reap_all ();
}

static gint64
observed (const AttestLimits *limits, AttestLimitKind kind, const char *name)
{
  g_autoptr(JsonNode) json = attest_limits_to_json (limits);
  JsonObject *entry = json_array_get_object_element (json_node_get_array (json), kind);
  JsonObject *seen = json_object_get_object_member (entry, "observed");

  return seen != NULL && json_object_has_member (seen, name) ? json_object_get_int_member (seen, name) : -1;
}

static void
test_cgroup_pids (Fixture *f, gconstpointer data)
{
  AttestLimitsWanted wanted = ATTEST_LIMITS_WANTED_DOCKER;
  AttestLimits *limits;
  g_autoptr(GError) error = NULL;
  ForkReport r = { 0 };
  Child c;

  wanted.pids_max = 16;
  (void) data;
  if (!cgroup_limits (f, &wanted))
    return;
  limits = f->limits;
  c = start_child (f, fork_loop, NULL);
  g_assert_true (attest_limits_attach (limits, c.pid, &error));
  release_child (&c);
  g_assert_cmpuint (read_report (&c, &r, sizeof r), ==, sizeof r);
  g_test_message ("pids.max=%u: %d forks, then %s", wanted.pids_max, r.forks, g_strerror (r.err));
  /* The forker itself is one of the pids. */
  g_assert_cmpint (r.err, ==, EAGAIN);
  g_assert_cmpint (r.forks, <=, (int) wanted.pids_max - 1);
  g_assert_cmpint (r.forks, >=, (int) wanted.pids_max / 2);
  g_assert_cmpint (observed (limits, ATTEST_LIMIT_PIDS, "max_events"), >=, 1);

  g_assert_true (attest_limits_teardown (limits, &error));
  g_assert_no_error (error);
  g_assert_true (WIFSIGNALED (kill_child (&c)));
  reap_all ();
  for (int i = 0; i < r.n_pids; i++)
    g_assert_true (kill (r.pids[i], 0) < 0 && errno == ESRCH);
}

static void
test_cgroup_memory (Fixture *f, gconstpointer data)
{
  AttestLimitsWanted wanted = ATTEST_LIMITS_WANTED_DOCKER;
  AttestLimits *limits;
  g_autoptr(GError) error = NULL;
  MemOutcome m;
  Child c;

  wanted.memory_bytes = 64 * MIB;
  (void) data;
  if (!cgroup_limits (f, &wanted))
    return;
  limits = f->limits;
  c = start_child (f, touch_memory, NULL);
  g_assert_true (attest_limits_attach (limits, c.pid, &error));
  release_child (&c);
  m = memory_outcome (&c, wait_child (&c, NULL));
  g_test_message ("memory limit 64 MiB: touched %d MiB, %s", m.reached,
                  m.signal != 0 ? g_strsignal (m.signal) : m.refused ? "mmap refused" : "not stopped");
  g_assert_true (m.signal == SIGKILL || m.refused);
  g_assert_cmpint (m.reached, <, MEM_FAIL_MIB);
  if (m.signal == SIGKILL)
    g_assert_cmpint (observed (limits, ATTEST_LIMIT_MEMORY, "oom_kills"), >=, 1);
  print_json (limits);
  g_assert_true (attest_limits_teardown (limits, &error));
  g_assert_no_error (error);
  reap_all ();
}

static void
test_cgroup_cpu (Fixture *f, gconstpointer data)
{
  AttestLimitsWanted wanted = ATTEST_LIMITS_WANTED_DOCKER;
  AttestLimits *limits;
  g_autoptr(GError) error = NULL;
  struct rusage usage;
  double cpu_s;
  Child c;

  wanted.cpu_quota_us = 20000;  /* 0.2 CPU */
  (void) data;
  if (!cgroup_limits (f, &wanted))
    return;
  limits = f->limits;
  c = start_child (f, spin_one_second, NULL);
  g_assert_true (attest_limits_attach (limits, c.pid, &error));
  release_child (&c);
  (void) wait_child (&c, &usage);
  close (c.out);
  cpu_s = (double) usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + (double) usage.ru_stime.tv_sec
          + usage.ru_stime.tv_usec / 1e6;
  g_test_message ("cpu quota 20000/100000 us: 1 s of spinning used %.3f s of CPU", cpu_s);
  /* Unthrottled it would be ~1 s. */
  g_assert_cmpfloat (cpu_s, <, 0.5);
  g_assert_cmpint (observed (limits, ATTEST_LIMIT_CPU, "nr_throttled"), >=, 1);
  g_assert_true (attest_limits_teardown (limits, &error));
  g_assert_no_error (error);
  reap_all ();
}

/* ---- no cgroup access: the rlimit fallbacks ---- */

typedef struct
{
  char error[256];
  AttestEnforcer enforcer[ATTEST_N_LIMITS];
  gboolean equivalent[ATTEST_N_LIMITS];
  char detail[ATTEST_N_LIMITS][400];
  ForkReport fork;
  MemOutcome mem;
} NocgReport;

static void G_GNUC_PRINTF (2, 3)
runner_fail (NocgReport *rep, const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  g_vsnprintf (rep->error, sizeof rep->error, fmt, ap);
  va_end (ap);
}

/* Moves the caller into cgroups it cannot write: as attest-tester, the
 * root-owned attest-tester-nocg set up by tests/as-tester.sh; as root,
 * by becoming attest-tester, whose cgroups are then root's. */
static gboolean
lose_cgroup_access (NocgReport *rep)
{
  const char *nocg = g_getenv ("ATTEST_TESTER_NOCG_CGROUPS");

  if (getuid () == 0)
    {
      struct passwd *pw = getpwnam (TESTER);

      if (pw == NULL || setgroups (0, NULL) < 0 || setgid (pw->pw_gid) < 0 || setuid (pw->pw_uid) < 0)
        {
          runner_fail (rep, "becoming %s: %s", TESTER, pw == NULL ? "no such account" : g_strerror (errno));
          return FALSE;
        }
      return TRUE;
    }
  if (nocg != NULL)
    {
      g_auto(GStrv) dirs = g_strsplit (nocg, ":", -1);
      g_autofree char *self = g_strdup_printf ("%d", (int) getpid ());

      for (guint i = 0; dirs[i] != NULL; i++)
        {
          g_autofree char *procs = g_build_filename (dirs[i], "cgroup.procs", NULL);
          int fd = open (procs, O_WRONLY | O_CLOEXEC);
          gboolean ok = fd >= 0 && write (fd, self, strlen (self)) == (ssize_t) strlen (self);
          int errsv = errno;

          if (fd >= 0)
            close (fd);
          if (!ok)
            {
              runner_fail (rep, "moving into %s: %s", dirs[i], g_strerror (errsv));
              return FALSE;
            }
        }
    }
  return TRUE;
}

static void
runner (NocgReport *rep, const AttestLimitsWanted *wanted)
{
  g_autoptr(GError) error = NULL;
  AttestLimits *limits;
  Fixture own = { 0 };
  Child c;

  current = &own;  /* the parent's fixture is not ours to clean up */

  if (!lose_cgroup_access (rep))
    return;
  limits = own.limits = attest_limits_setup (wanted, &error);
  if (limits == NULL)
    {
      runner_fail (rep, "setup: %s", error->message);
      return;
    }
  for (int k = 0; k < ATTEST_N_LIMITS; k++)
    {
      const AttestLimitResult *r = attest_limits_result (limits, k);
      rep->enforcer[k] = r->enforcer;
      rep->equivalent[k] = r->equivalent;
      g_strlcpy (rep->detail[k], r->detail, sizeof rep->detail[k]);
    }
  /* The launcher's order: fork, (attach: nothing here), unshare, rlimits. */
  c = start_child (&own, fork_loop, limits);
  release_child (&c);
  if (read_report (&c, &rep->fork, sizeof rep->fork) != sizeof rep->fork)
    runner_fail (rep, "the forker reported nothing (status %d)", kill_child (&c));
  else
    (void) kill_child (&c);

  c = start_child (&own, touch_memory, limits);
  release_child (&c);
  rep->mem = memory_outcome (&c, wait_child (&c, NULL));
  if (!attest_limits_teardown (limits, &error))
    runner_fail (rep, "teardown: %s", error->message);
  kill_children (&own);
  g_clear_pointer (&own.limits, attest_limits_free);
}

static void
test_fallback_rlimits (Fixture *f, gconstpointer data)
{
  AttestLimitsWanted wanted = ATTEST_LIMITS_WANTED_DOCKER;
  NocgReport rep = { { 0 } };
  Child c;
  int status;

  (void) data;
  if (getuid () == 0 && getpwnam (TESTER) == NULL)
    {
      missing ("no " TESTER " account to drop to (scripts/test creates it)");
      return;
    }
  if (getuid () != 0 && g_getenv ("ATTEST_TESTER_NOCG_CGROUPS") == NULL && cgroups_expected ())
    {
      missing ("no attest-tester-nocg cgroups (run through tests/as-tester.sh)");
      return;
    }
  wanted.pids_max = 16;
  wanted.memory_bytes = 64 * MIB;
  /* The runner reports through a pipe: a forked copy of this process
   * must not run GTest assertions of its own. */
  {
    int out[2];
    g_assert_no_errno (pipe2 (out, O_CLOEXEC));
    c.pid = fork ();
    g_assert_cmpint (c.pid, >=, 0);
    if (c.pid == 0)
      {
        close (out[0]);
        runner (&rep, &wanted);
        (void) !write (out[1], &rep, sizeof rep);
        _exit (0);
      }
    close (out[1]);
    c.out = out[0];
    c.go = -1;
    f->children[f->n_children++] = c.pid;  /* its own group: it kills what it forks */
  }
  g_assert_cmpuint (read_report (&c, &rep, sizeof rep), ==, sizeof rep);
  g_assert_cmpint (waitpid (c.pid, &status, 0), ==, c.pid);
  forget_child (f, c.pid);
  close (c.out);
  reap_all ();
  for (int k = 0; k < ATTEST_N_LIMITS; k++)
    g_test_message ("%s: %s: %s", kind_names[k], attest_enforcer_name (rep.enforcer[k]), rep.detail[k]);
  g_assert_cmpstr (rep.error, ==, "");
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);

  if (rep.enforcer[ATTEST_LIMIT_PIDS] == ATTEST_ENFORCER_CGROUP_V1
      || rep.enforcer[ATTEST_LIMIT_PIDS] == ATTEST_ENFORCER_CGROUP_V2)
    {
      missing ("the runner's cgroups are writable: no place without cgroup access");
      return;
    }
  g_assert_cmpint (rep.enforcer[ATTEST_LIMIT_PIDS], ==, ATTEST_ENFORCER_RLIMIT);
  g_assert_cmpint (rep.enforcer[ATTEST_LIMIT_MEMORY], ==, ATTEST_ENFORCER_RLIMIT);
  g_assert_cmpint (rep.enforcer[ATTEST_LIMIT_CPU], ==, ATTEST_ENFORCER_NONE);
  g_assert_true (rep.enforcer[ATTEST_LIMIT_SWAP] == ATTEST_ENFORCER_HOST_NO_SWAP
                 || rep.enforcer[ATTEST_LIMIT_SWAP] == ATTEST_ENFORCER_NONE);
  for (int k = 0; k < ATTEST_N_LIMITS; k++)
    g_assert_false (rep.equivalent[k]);
  g_assert_nonnull (strstr (rep.detail[ATTEST_LIMIT_PIDS], "RLIMIT_NPROC=16"));
  g_assert_nonnull (strstr (rep.detail[ATTEST_LIMIT_CPU], "no rlimit limits CPU rate"));

  g_test_message ("RLIMIT_NPROC=16 after unshare(CLONE_NEWUSER): %d forks, then %s; "
                  "RLIMIT_AS=64 MiB: touched %d MiB, %s",
                  rep.fork.forks, g_strerror (rep.fork.err), rep.mem.reached,
                  rep.mem.refused ? "mmap refused" : rep.mem.signal ? g_strsignal (rep.mem.signal) : "not stopped");
  /* Counted per user namespace: only the forker and its children. */
  g_assert_cmpint (rep.fork.err, ==, EAGAIN);
  g_assert_cmpint (rep.fork.forks, <=, (int) wanted.pids_max - 1);
  g_assert_cmpint (rep.fork.forks, >=, (int) wanted.pids_max - 3);
  g_assert_true (rep.mem.refused);
  g_assert_cmpint (rep.mem.reached, <, MEM_FAIL_MIB);
  for (int i = 0; i < rep.fork.n_pids; i++)
    g_assert_true (kill (rep.fork.pids[i], 0) < 0 && errno == ESRCH);
}

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* Orphans of the fork loops come back here to be reaped. */
  g_assert_no_errno (prctl (PR_SET_CHILD_SUBREAPER, 1));
  signal (SIGABRT, on_abort);

  ADD ("/limits/cgroup/all-enforced-attached-and-removed", test_cgroup_all_enforced);
  ADD ("/limits/cgroup/pids-max-stops-forks", test_cgroup_pids);
  ADD ("/limits/cgroup/memory-limit-stops-toucher", test_cgroup_memory);
  ADD ("/limits/cgroup/cpu-quota-throttles-spinner", test_cgroup_cpu);
  ADD ("/limits/fallback/no-cgroup-access-uses-rlimits", test_fallback_rlimits);
  return g_test_run ();
}
