/* What a seccomp program costs per system call.  Each policy is compiled
 * here twice, as `sandbox-attest run` compiles it (libseccomp's binary
 * tree) and as a linear program, and each program is loaded exactly as
 * bwrap loads it (prctl NO_NEW_PRIVS, then PR_SET_SECCOMP with the
 * program) in a forked child that times a loop of calls:
 *
 *   allowed        getppid(): allowed outright, so the kernel's action
 *                  cache (Linux >= 5.11) can skip the program
 *   allowed-args   ioctl(/dev/null, TCGETS): the shipped policy allows
 *                  ioctl only for TCGETS, so the program runs every time
 *   denied         lookup_dcookie(0, NULL, 0): denied by both policies
 *                  (EPERM); without a filter the kernel's ENOSYS stub
 *
 * Rounds interleave the programs, the figure is the median over rounds
 * of ns per call, beside the program with no filter measured in the same
 * rounds.  Prints a Markdown table and, with --json FILE, writes JSON.
 *
 * Usage: bench-filter [--rounds N] [--calls N] [--json FILE] POLICY.json...
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "compile.h"

enum { CALL_ALLOWED, CALL_ALLOWED_ARGS, CALL_DENIED, N_CALLS };

static const char *const call_names[N_CALLS] = { "allowed", "allowed-args", "denied" };

typedef struct
{
  char *label;
  GBytes *bpf;               /* NULL: no filter */
  guint n_insns;
  double *ns[N_CALLS];       /* one per round */
  int err[N_CALLS];          /* errno of the last call, to show the filter acted */
} Program;

static double
now_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static long
one_call (int which, int null_fd)
{
  struct termios *none = NULL;

  switch (which)
    {
    case CALL_ALLOWED: return syscall (SYS_getppid);
    case CALL_ALLOWED_ARGS: return syscall (SYS_ioctl, null_fd, TCGETS, none);
    default: return syscall (SYS_lookup_dcookie, 0, NULL, 0);
    }
}

/* In the child: load @bpf like bwrap, then time each call. */
static void G_GNUC_NORETURN
measure_child (const Program *p, long calls, int out_fd)
{
  double result[2 * N_CALLS];
  int null_fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);

  if (p->bpf != NULL)
    {
      struct sock_fprog prog = { (unsigned short) (g_bytes_get_size (p->bpf) / sizeof (struct sock_filter)),
                                 (struct sock_filter *) g_bytes_get_data (p->bpf, NULL) };
      if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
        _exit (3);
    }
  for (int c = 0; c < N_CALLS; c++)
    {
      double t0;

      for (long i = 0; i < calls / 10; i++)   /* warm-up */
        one_call (c, null_fd);
      t0 = now_ns ();
      for (long i = 0; i < calls; i++)
        one_call (c, null_fd);
      result[c] = (now_ns () - t0) / (double) calls;
      errno = 0;
      result[N_CALLS + c] = one_call (c, null_fd) < 0 ? errno : 0;
    }
  _exit (write (out_fd, result, sizeof result) == sizeof result ? 0 : 4);
}

static gboolean
measure (Program *p, int round, long calls)
{
  double result[2 * N_CALLS];
  int fds[2], status = 0;
  pid_t pid;

  if (pipe2 (fds, O_CLOEXEC) < 0 || (pid = fork ()) < 0)
    return FALSE;
  if (pid == 0)
    measure_child (p, calls, fds[1]);
  close (fds[1]);
  if (read (fds[0], result, sizeof result) != sizeof result)
    result[0] = -1;
  close (fds[0]);
  waitpid (pid, &status, 0);
  if (result[0] < 0 || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
    return FALSE;
  for (int c = 0; c < N_CALLS; c++)
    {
      p->ns[c][round] = result[c];
      p->err[c] = (int) result[N_CALLS + c];
    }
  return TRUE;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
median (double *v, int n)
{
  qsort (v, n, sizeof *v, cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static Program *
program_new (const char *label, GBytes *bpf, guint n_insns, int rounds)
{
  Program *p = g_new0 (Program, 1);

  p->label = g_strdup (label);
  p->bpf = bpf != NULL ? g_bytes_ref (bpf) : NULL;
  p->n_insns = n_insns;
  for (int c = 0; c < N_CALLS; c++)
    p->ns[c] = g_new0 (double, rounds);
  return p;
}

static gboolean
add_policy (GPtrArray *programs, const char *path, int rounds)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AttestPolicy) policy = attest_policy_load_file (path, &error);
  g_autofree char *base = g_path_get_basename (path);

  if (policy == NULL)
    {
      fprintf (stderr, "bench-filter: %s\n", error->message);
      return FALSE;
    }
  for (int linear = 0; linear <= 1; linear++)
    {
      AttestCompileOptions options = { .allow_unknown = TRUE, .linear = linear };
      g_autoptr(AttestFilter) f = attest_compile (policy, &options, &error);
      g_autofree char *label = g_strdup_printf ("%s, %s", base, linear ? "linear (no binary tree)" : "binary tree (as run)");

      if (f == NULL)
        {
          fprintf (stderr, "bench-filter: %s\n", error->message);
          return FALSE;
        }
      g_ptr_array_add (programs, program_new (label, f->bpf, f->n_insns, rounds));
    }
  return TRUE;
}

static void
report (GPtrArray *programs, int rounds, long calls, const char *json_path)
{
  Program *none = g_ptr_array_index (programs, 0);
  double base[N_CALLS];
  FILE *json = json_path != NULL ? fopen (json_path, "we") : NULL;

  for (int c = 0; c < N_CALLS; c++)
    base[c] = median (none->ns[c], rounds);
  printf ("| program | BPF insns | allowed ns | allowed-args ns | denied ns | denied vs no filter | errno (allowed-args, denied) |\n");
  printf ("|---|---:|---:|---:|---:|---:|---|\n");
  if (json != NULL)
    fprintf (json, "{\"rounds\": %d, \"calls\": %ld, \"programs\": [", rounds, calls);
  for (guint i = 0; i < programs->len; i++)
    {
      Program *p = g_ptr_array_index (programs, i);
      double m[N_CALLS];

      for (int c = 0; c < N_CALLS; c++)
        m[c] = i == 0 ? base[c] : median (p->ns[c], rounds);
      printf ("| %s | %u | %.0f | %.0f | %.0f | +%.0f ns (%.2f×) | %s, %s |\n", p->label, p->n_insns, m[0], m[1], m[2],
              m[2] - base[2], m[2] / base[2], p->err[1] ? strerror (p->err[1]) : "ok",
              p->err[2] ? strerror (p->err[2]) : "ok");
      if (json != NULL)
        {
          fprintf (json, "%s{\"program\": \"%s\", \"insns\": %u", i ? ", " : "", p->label, p->n_insns);
          for (int c = 0; c < N_CALLS; c++)
            fprintf (json, ", \"%s_ns\": %.1f, \"%s_errno\": %d", call_names[c], m[c], call_names[c], p->err[c]);
          fprintf (json, "}");
        }
    }
  if (json != NULL)
    {
      fprintf (json, "]}\n");
      fclose (json);
    }
}

int
main (int argc, char **argv)
{
  g_autoptr(GPtrArray) programs = g_ptr_array_new ();
  const char *json_path = NULL;
  int rounds = 9, argi = 1;
  long calls = 200000;

  for (; argi + 1 < argc && argv[argi][0] == '-'; argi += 2)
    if (strcmp (argv[argi], "--rounds") == 0)
      rounds = atoi (argv[argi + 1]);
    else if (strcmp (argv[argi], "--calls") == 0)
      calls = atol (argv[argi + 1]);
    else if (strcmp (argv[argi], "--json") == 0)
      json_path = argv[argi + 1];
    else
      break;
  if (argi >= argc || rounds < 1 || calls < 10)
    {
      fprintf (stderr, "usage: bench-filter [--rounds N] [--calls N] [--json FILE] POLICY.json...\n");
      return 2;
    }
  g_ptr_array_add (programs, program_new ("no filter", NULL, 0, rounds));
  for (; argi < argc; argi++)
    if (!add_policy (programs, argv[argi], rounds))
      return 1;
  for (int r = 0; r < rounds; r++)   /* interleaved: drift hits every program alike */
    for (guint i = 0; i < programs->len; i++)
      if (!measure (g_ptr_array_index (programs, i), r, calls))
        {
          fprintf (stderr, "bench-filter: %s: the measuring child failed\n",
                   ((Program *) g_ptr_array_index (programs, i))->label);
          return 1;
        }
  report (programs, rounds, calls, json_path);
  return 0;
}
