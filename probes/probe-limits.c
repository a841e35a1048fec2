/* probe-limits.c: resource ceilings hit for real, and rlimits
 * (PR-RES-PIDS, PR-RES-MEM, PR-RES-CPU, PR-RLIMIT-1).
 *
 * Every ceiling is bounded so that the probe is harmless where no limit
 * exists: at most 256 processes, at most 512 MiB touched (less when the host
 * has less available), at most 0.5 s of spinning on 4 processes. Everything
 * is killed and reaped before the attempt returns. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "probes.h"

/* Reference ceilings (docker run --pids-limit 64 --memory 256m --cpus 1). */
#define ATTEST_PIDS_LIMIT 64
#define ATTEST_PIDS_BOUND 256
#define ATTEST_MEM_LIMIT_MIB 256
#define ATTEST_MEM_SLACK_MIB 64
#define ATTEST_MEM_BOUND_MIB 512
#define ATTEST_CPU_SPINNERS 4
#define ATTEST_CPU_SPIN_US 500000
#define ATTEST_CPU_RATIO_MAX 1.2

/* ---- PR-RES-PIDS ------------------------------------------------------------- */

static void
fork_until_refused (void *arg, AttestCallResult *res)
{
  (void) arg;
  int p[2];
  if (pipe2 (p, O_CLOEXEC) != 0)
    {
      attest_result_errno (res, -1);
      snprintf (res->token, sizeof res->token, "SETUP_FAILED");
      return;
    }
  pid_t pids[ATTEST_PIDS_BOUND];
  int n = 0, err = 0;
  for (; n < ATTEST_PIDS_BOUND; n++)
    {
      pid_t pid = attest_fork ();
      if (pid < 0)
        {
          err = errno;
          break;
        }
      if (pid == 0)
        {
          close (p[1]);
          char c;
          while (read (p[0], &c, 1) < 0 && errno == EINTR)
            ;
          _exit (0);
        }
      pids[n] = pid;
    }
  close (p[1]);
  for (int i = 0; i < n; i++)
    kill (pids[i], SIGKILL);
  for (int i = 0; i < n; i++)
    while (waitpid (pids[i], NULL, 0) < 0 && errno == EINTR)
      ;
  res->ret = n;
  res->err = err;
  if (err == 0)
    {
      snprintf (res->token, sizeof res->token, "NOT_LIMITED");
      attest_result_detail (res, "forked %d processes without refusal (bound reached)", n);
    }
  else
    {
      snprintf (res->token, sizeof res->token, n <= ATTEST_PIDS_LIMIT ? "LIMITED" : "LIMIT_TOO_HIGH");
      attest_result_detail (res, "fork refused with %s after %d processes (the sandbox holds a few more)",
                            strerror (err), n);
    }
}

void
attest_probe_res_pids (AttestCtx *ctx)
{
  attest_try (ctx, "fork (clone(SIGCHLD)) until refused (at most 256), children wait on a pipe, then killed and reaped",
              fork_until_refused, NULL, 10000, 0);
}

/* ---- PR-RES-MEM -------------------------------------------------------------- */

typedef struct {
  volatile long *mib_done;   /* shared with the parent: survives an OOM kill */
  long bound_mib;
} MemArg;

static void
touch_until_refused (void *arg, AttestCallResult *res)
{
  MemArg *m = arg;
  const size_t chunk = 1 << 20;
  for (long i = 0; i < m->bound_mib; i++)
    {
      char *p = mmap (NULL, chunk, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (p == MAP_FAILED)
        {
          attest_result_errno (res, -1);
          attest_result_detail (res, "mmap refused after %ld MiB", i);
          res->ret = i;
          return;
        }
      memset (p, 0x5a, chunk);
      *m->mib_done = i + 1;
    }
  res->ret = m->bound_mib;
  snprintf (res->token, sizeof res->token, "NOT_LIMITED");
  attest_result_detail (res, "touched %ld MiB without refusal (bound reached)", m->bound_mib);
}

static long
mem_available_mib (void)
{
  AttestBuf b;
  attest_buf_init (&b);
  long mib = -1;
  if (attest_read_file ("/proc/meminfo", 64 << 10, &b) > 0)
    {
      char *p = strstr (b.data, "MemAvailable:");
      if (p != NULL)
        mib = strtol (p + 13, NULL, 10) / 1024;
    }
  attest_buf_free (&b);
  return mib;
}

void
attest_probe_res_mem (AttestCtx *ctx)
{
  volatile long *shared = mmap (NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (shared == MAP_FAILED)
    {
      attest_error (ctx, "cannot map a shared page: %s", strerror (errno));
      return;
    }
  *shared = 0;
  MemArg m = { shared, ATTEST_MEM_BOUND_MIB };
  /* Never push the host into memory pressure: at most half of what the
   * kernel says is available (a sandbox's own view is fine to exceed). */
  long avail = mem_available_mib ();
  if (avail > 0 && avail / 2 < m.bound_mib)
    m.bound_mib = avail / 2;
  attest_fact_int (ctx, "bound_mib", m.bound_mib);
  AttestAttempt a;
  memset (&a, 0, sizeof a);
  attest_format (a.method, sizeof a.method, "mmap and touch 1 MiB at a time until refused or killed (at most %ld MiB)", m.bound_mib);
  attest_begin (ctx, a.method);
  AttestCallOutcome co;
  if (!attest_call (touch_until_refused, &m, 15000, &co))
    {
      attest_error (ctx, "cannot start an attempt child: %s", strerror (errno));
      return;
    }
  attest_call_to_attempt (&co, 0, &a);
  long done = *shared;
  attest_fact_int (ctx, "touched_mib", done);
  bool refused = strcmp (a.outcome, "SIGKILL") == 0 || strcmp (a.outcome, "ENOMEM") == 0;
  if (refused && done > ATTEST_MEM_LIMIT_MIB + ATTEST_MEM_SLACK_MIB)
    attest_attempt_set_outcome (&a, "LIMIT_TOO_HIGH");
  if (co.child.signal != 0)
    attest_format (a.detail, sizeof a.detail, "killed by signal %d after %ld MiB", co.child.signal, done);
  a.ret = done;
  attest_record_attempt (ctx, &a);
  munmap ((void *) shared, 4096);
}

/* ---- PR-RES-CPU -------------------------------------------------------------- */

static void
spin_and_measure (void *arg, AttestCallResult *res)
{
  (void) arg;
  struct timespec t0, t1;
  clock_gettime (CLOCK_MONOTONIC, &t0);
  pid_t pids[ATTEST_CPU_SPINNERS];
  int n = 0;
  for (; n < ATTEST_CPU_SPINNERS; n++)
    {
      pid_t pid = attest_fork ();
      if (pid < 0)
        break;
      if (pid == 0)
        {
          struct timespec now;
          do
            clock_gettime (CLOCK_MONOTONIC, &now);
          while ((now.tv_sec - t0.tv_sec) * 1000000L + (now.tv_nsec - t0.tv_nsec) / 1000 < ATTEST_CPU_SPIN_US);
          _exit (0);
        }
      pids[n] = pid;
    }
  long cpu_us = 0;
  for (int i = 0; i < n; i++)
    {
      struct rusage ru;
      int status;
      while (wait4 (pids[i], &status, 0, &ru) < 0)
        if (errno != EINTR)
          {
            memset (&ru, 0, sizeof ru);
            break;
          }
      cpu_us += ru.ru_utime.tv_sec * 1000000L + ru.ru_utime.tv_usec + ru.ru_stime.tv_sec * 1000000L + ru.ru_stime.tv_usec;
    }
  clock_gettime (CLOCK_MONOTONIC, &t1);
  long wall_us = (t1.tv_sec - t0.tv_sec) * 1000000L + (t1.tv_nsec - t0.tv_nsec) / 1000;
  double ratio = wall_us > 0 ? (double) cpu_us / (double) wall_us : 0;
  res->ret = (int64_t) (ratio * 1000);
  if (n == 0)
    {
      attest_result_errno (res, -1);
      snprintf (res->token, sizeof res->token, "SETUP_FAILED");
      return;
    }
  snprintf (res->token, sizeof res->token, ratio <= ATTEST_CPU_RATIO_MAX ? "CPU_LIMITED" : "CPU_NOT_LIMITED");
  attest_result_detail (res, "%d spinners used %.2f CPUs (%ld µs CPU in %ld µs wall; ret is CPUs × 1000)", n, ratio,
                        cpu_us, wall_us);
}

void
attest_probe_res_cpu (AttestCtx *ctx)
{
  char cpus[256];
  if (attest_status_field ("Cpus_allowed_list", cpus, sizeof cpus))
    attest_fact_string (ctx, "cpus_allowed_list", cpus);
  attest_try (ctx, "4 processes spin for 0.5 s; CPU time / wall time ≤ 1.2", spin_and_measure, NULL, 3000, 0);
}

/* ---- PR-RLIMIT-1 --------------------------------------------------------------- */

static const char *const rlimit_names[ATTEST_N_RLIMITS] = {
  "RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK", "RLIMIT_CORE", "RLIMIT_RSS",
  "RLIMIT_NPROC", "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS", "RLIMIT_LOCKS",
  "RLIMIT_SIGPENDING", "RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_RTPRIO", "RLIMIT_RTTIME",
};

static void
raise_hard (void *arg, AttestCallResult *res)
{
  int r = (int) (long) arg;
  struct rlimit rl;
  if (getrlimit (r, &rl) != 0)
    {
      attest_result_errno (res, -1);
      snprintf (res->token, sizeof res->token, "SETUP_FAILED");
      return;
    }
  rl.rlim_max += 1;
  int ret = setrlimit (r, &rl);   /* this attempt child only */
  attest_result_errno (res, ret);
  attest_result_detail (res, "%s hard limit to %llu", rlimit_names[r], (unsigned long long) rl.rlim_max);
}

void
attest_probe_rlimit_1 (AttestCtx *ctx)
{
  const AttestEntryState *es = attest_entry_state ();
  AttestBuf b;
  attest_buf_init (&b);
  attest_buf_puts (&b, "{");
  for (int r = 0; r < ATTEST_N_RLIMITS; r++)
    {
      attest_buf_printf (&b, "%s\"%s\":", r ? "," : "", rlimit_names[r]);
      if (!es->rlimit_ok[r])
        {
          attest_buf_puts (&b, "null");
          continue;
        }
      const struct rlimit *rl = &es->rlimits[r];
      if (rl->rlim_cur == RLIM_INFINITY)
        attest_buf_puts (&b, "{\"soft\":\"unlimited\",");
      else
        attest_buf_printf (&b, "{\"soft\":%llu,", (unsigned long long) rl->rlim_cur);
      if (rl->rlim_max == RLIM_INFINITY)
        attest_buf_puts (&b, "\"hard\":\"unlimited\"}");
      else
        attest_buf_printf (&b, "\"hard\":%llu}", (unsigned long long) rl->rlim_max);
    }
  attest_buf_puts (&b, "}");
  attest_fact_raw (ctx, "rlimits_at_entry", b.data, b.len);
  attest_buf_free (&b);
  /* Raising any finite hard limit needs CAP_SYS_RESOURCE. RLIMIT_NOFILE is
   * avoided: above fs.nr_open even root gets EPERM. */
  static const int candidates[] = { RLIMIT_NPROC, RLIMIT_MEMLOCK, RLIMIT_MSGQUEUE, RLIMIT_SIGPENDING, RLIMIT_CORE };
  for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++)
    {
      struct rlimit rl;
      if (getrlimit (candidates[i], &rl) == 0 && rl.rlim_max != RLIM_INFINITY)
        {
          char method[ATTEST_METHOD_MAX];
          attest_format (method, sizeof method, "setrlimit(%s, hard + 1)", rlimit_names[candidates[i]]);
          attest_try (ctx, method, raise_hard, (void *) (long) candidates[i], 0, 0);
          return;
        }
    }
  attest_skip (ctx, "no resource has a finite hard limit to raise");
}
