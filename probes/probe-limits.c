/* probe-limits.c: resource ceilings hit for real, and rlimits
 * (PR-RES-PIDS, PR-RES-MEM, PR-RES-CPU, PR-RLIMIT-1).
 *
 * Every ceiling is bounded so that the probe is harmless where no limit
 * exists: at most 256 processes, at most 512 MiB touched (less when the host
 * has less available), at most 0.25 s of spinning on 4 processes. Everything
 * is killed and reaped before the attempt returns. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
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
#define ATTEST_CPU_SPIN_US 250000
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

/* Maps ATTEST_MEM_CHUNK_MIB at a time and writes one byte in every 4 KiB page
 * (a write fault allocates and charges the page; filling it adds nothing).
 * Each chunk is aligned to 2 MiB and marked MADV_HUGEPAGE, so that where
 * transparent huge pages are enabled the kernel backs it with 2 MiB pages:
 * the same memory charged with 1/512 of the page faults, and a faster exit
 * (this took 170 ms at 4 KiB pages). The slack of the aligned mapping is
 * unmapped again, so that an address-space limit (RLIMIT_AS) refuses at the
 * same point as before; madvise failing (no THP, a filter) changes nothing
 * but the speed. Progress is counted per MiB. */
#define ATTEST_MEM_CHUNK_MIB 8

static char *
map_chunk (size_t len)
{
  const size_t huge = 2u << 20;
  char *raw = mmap (NULL, len + huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED)
    return mmap (NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  char *p = (char *) (((uintptr_t) raw + huge - 1) & ~(uintptr_t) (huge - 1));
  if (p > raw)
    munmap (raw, (size_t) (p - raw));
  if (p + len < raw + len + huge)
    munmap (p + len, (size_t) (raw + len + huge - (p + len)));
  madvise (p, len, MADV_HUGEPAGE);
  return p;
}

static void
touch_until_refused (void *arg, AttestCallResult *res)
{
  MemArg *m = arg;
  const size_t mib = 1u << 20;
  for (long i = 0; i < m->bound_mib; i += ATTEST_MEM_CHUNK_MIB)
    {
      long n = m->bound_mib - i < ATTEST_MEM_CHUNK_MIB ? m->bound_mib - i : ATTEST_MEM_CHUNK_MIB;
      char *p = map_chunk ((size_t) n * mib);
      if (p == MAP_FAILED)
        {
          attest_result_errno (res, -1);
          attest_result_detail (res, "mmap refused after %ld MiB", i);
          res->ret = i;
          return;
        }
      for (long j = 0; j < n; j++)
        {
          volatile char *q = p + (size_t) j * mib;
          for (size_t off = 0; off < mib; off += 4096)
            q[off] = 0x5a;
          *m->mib_done = i + j + 1;
        }
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
  attest_format (a.method, sizeof a.method, "mmap 8 MiB at a time (2 MiB-aligned, MADV_HUGEPAGE) and write every 4 KiB page until refused or killed (at most %ld MiB)", m.bound_mib);
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

/* A CFS quota hands the group quota µs of CPU per period and stops
 * (throttles) every task of the group once it is spent, until the next
 * period starts. Over an arbitrary window the ratio CPU/wall can exceed the
 * quota by what the group bursts, on several CPUs, in the partial periods at
 * both ends (with 2 CPUs up to one whole quota: 1.4 over 250 ms), which is
 * why a plain window had to be 0.5 s long. Here the window is cut at the ends of group
 * stalls instead: moments when no spinner had run for ATTEST_CPU_STALL_US and
 * one resumed. Under a quota those are period starts, so the window holds
 * whole periods and the ratio is at most the quota (plus a tick of overrun).
 * Without a quota the group never stalls while it has CPUs (the ratio is then
 * measured over the whole spin). A stall the host caused (every CPU taken
 * for 10 ms) can also end mid-period; a window starting there can overstate
 * a quota'd group, so the verdict takes the smaller of the window's ratio
 * and the whole spin's: unlimited, both measure the same rate. The spinners
 * stop once the window spans ATTEST_CPU_MIN_WINDOW_US, at the latest after
 * ATTEST_CPU_SPIN_US. */
#define ATTEST_CPU_STALL_US 10000
#define ATTEST_CPU_MIN_WINDOW_US 90000
#define ATTEST_CPU_MAX_MARKS 16

typedef struct {
  /* one cache line per spinner: its last moment on a CPU (ns, monotonic) */
  struct { volatile int64_t last_run_ns; char pad[56]; } run[ATTEST_CPU_SPINNERS];
  volatile bool lock;                            /* held while a mark is added */
  volatile int n_marks;                          /* stall ends seen so far */
  volatile int done;
  volatile int64_t mark_ns[ATTEST_CPU_MAX_MARKS];
  /* each spinner's own CPU time at each mark (-1: clock unreadable) */
  volatile int64_t cpu_at[ATTEST_CPU_MAX_MARKS][ATTEST_CPU_SPINNERS];
} CpuShared;

static int64_t
mono_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t
own_cpu_ns (void)
{
  struct timespec ts;
  if (clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts) != 0)
    return -1;
  return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void
spinner (CpuShared *sh, int me, int n, int64_t t0_ns)
{
  const int64_t stall_ns = ATTEST_CPU_STALL_US * 1000L;
  int seen = 0;
  int64_t prev = mono_ns ();
  for (;;)
    {
      int64_t now = mono_ns ();
      if (now - prev >= stall_ns)
        {
          /* Off the CPU for a while: did the whole group stall? Then this is
           * the first spinner back, and now is the end of the stall. */
          bool all = true;
          for (int j = 0; j < n; j++)
            if (j != me && sh->run[j].last_run_ns > now - stall_ns)
              all = false;
          /* Two spinners back at once: the one holding the lock records it. */
          if (all && now - t0_ns < ATTEST_CPU_SPIN_US * 1000L && !__atomic_test_and_set (&sh->lock, __ATOMIC_ACQUIRE))
            {
              int k = sh->n_marks;
              if (!sh->done && k < ATTEST_CPU_MAX_MARKS && (k == 0 || now - sh->mark_ns[k - 1] >= stall_ns))
                {
                  sh->mark_ns[k] = now;
                  __atomic_store_n (&sh->n_marks, k + 1, __ATOMIC_RELEASE);
                  if (now - sh->mark_ns[0] >= ATTEST_CPU_MIN_WINDOW_US * 1000L)
                    __atomic_store_n (&sh->done, 1, __ATOMIC_RELEASE);
                }
              __atomic_clear (&sh->lock, __ATOMIC_RELEASE);
            }
        }
      sh->run[me].last_run_ns = now;
      prev = now;
      /* A mark was set while this spinner was off the CPU or just now: its
       * CPU time has not moved since, so read it as the time at the mark. */
      int k = __atomic_load_n (&sh->n_marks, __ATOMIC_ACQUIRE);
      while (seen < k)
        sh->cpu_at[seen++][me] = own_cpu_ns ();
      if (__atomic_load_n (&sh->done, __ATOMIC_ACQUIRE) || now - t0_ns >= ATTEST_CPU_SPIN_US * 1000L)
        break;
    }
  _exit (0);
}

static void
spin_and_measure (void *arg, AttestCallResult *res)
{
  (void) arg;
  CpuShared *sh = mmap (NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (sh == MAP_FAILED)
    {
      attest_result_errno (res, -1);
      snprintf (res->token, sizeof res->token, "SETUP_FAILED");
      return;
    }
  memset ((void *) sh->cpu_at, 0xff, sizeof sh->cpu_at);   /* -1: not read (yet) */
  int64_t t0_ns = mono_ns ();
  for (int i = 0; i < ATTEST_CPU_SPINNERS; i++)
    sh->run[i].last_run_ns = t0_ns;   /* a spinner not yet started does not make a stall */
  pid_t pids[ATTEST_CPU_SPINNERS];
  int n = 0;
  for (; n < ATTEST_CPU_SPINNERS; n++)
    {
      pid_t pid = attest_fork ();
      if (pid < 0)
        break;
      if (pid == 0)
        spinner (sh, n, ATTEST_CPU_SPINNERS, t0_ns);
      pids[n] = pid;
    }
  if (n < ATTEST_CPU_SPINNERS)
    __atomic_store_n (&sh->done, 1, __ATOMIC_RELEASE);
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
  long wall_us = (long) ((mono_ns () - t0_ns) / 1000);
  if (n < ATTEST_CPU_SPINNERS)
    {
      attest_result_errno (res, -1);
      snprintf (res->token, sizeof res->token, "SETUP_FAILED");
      attest_result_detail (res, "only %d of %d spinners started", n, ATTEST_CPU_SPINNERS);
      munmap (sh, sizeof *sh);
      return;
    }
  /* The window: from the first stall end to the last one that every
   * spinner read its clock at (a spinner that already stopped reads none),
   * when it is long enough; else the whole spin (CPU from rusage). */
  int marks = sh->n_marks < ATTEST_CPU_MAX_MARKS ? sh->n_marks : ATTEST_CPU_MAX_MARKS;
  long win_cpu_us = cpu_us, win_us = wall_us;
  const char *how = "the whole spin (no whole quota period seen)";
  for (int m = marks - 1; m >= 1; m--)
    {
      if (sh->mark_ns[m] - sh->mark_ns[0] < ATTEST_CPU_MIN_WINDOW_US * 1000L)
        break;
      int64_t c = 0;
      bool ok = true;
      for (int i = 0; i < n; i++)
        {
          if (sh->cpu_at[0][i] < 0 || sh->cpu_at[m][i] < sh->cpu_at[0][i])
            ok = false;
          c += sh->cpu_at[m][i] - sh->cpu_at[0][i];
        }
      if (ok)
        {
          win_cpu_us = (long) (c / 1000);
          win_us = (long) ((sh->mark_ns[m] - sh->mark_ns[0]) / 1000);
          how = "between two ends of a group stall";
          break;
        }
    }
  munmap (sh, sizeof *sh);
  double whole = wall_us > 0 ? (double) cpu_us / (double) wall_us : 0;
  double ratio = win_us > 0 ? (double) win_cpu_us / (double) win_us : 0;
  if (whole < ratio)
    ratio = whole;
  res->ret = (int64_t) (ratio * 1000);
  snprintf (res->token, sizeof res->token, ratio <= ATTEST_CPU_RATIO_MAX ? "CPU_LIMITED" : "CPU_NOT_LIMITED");
  attest_result_detail (res, "%d spinners used %.2f CPUs, the smaller of %ld µs CPU in %ld µs wall (%s) and the whole "
                        "spin's %ld µs CPU in %ld µs; %d stall ends; ret is CPUs × 1000",
                        n, ratio, win_cpu_us, win_us, how, cpu_us, wall_us, marks);
}

void
attest_probe_res_cpu (AttestCtx *ctx)
{
  char cpus[256];
  if (attest_status_field ("Cpus_allowed_list", cpus, sizeof cpus))
    attest_fact_string (ctx, "cpus_allowed_list", cpus);
  attest_try (ctx, "4 processes spin (at most 0.25 s); CPU time / wall time over whole quota periods ≤ 1.2",
              spin_and_measure, NULL, 3000, 0);
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
