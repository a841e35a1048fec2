/* probe-seccomp.c: seccomp presence, default action, the full sweep and the
 * foreign ABIs (x32 and i386 int 0x80).
 *
 * Poisoned arguments (bubblewrap tests/try-syscall.c): every call gets
 * arguments the kernel must reject with its own errno (fd -1 → EBADF, a
 * kernel address → EFAULT, all flag bits → EINVAL). A filter errno (EPERM,
 * ENOSYS) or SIGSYS therefore means the filter stopped the call; anything
 * else means it reached the kernel, without side effects. Calls that are
 * unsafe even so are skipped with a reason (sweep_skips below), and a few
 * get tailored arguments (sweep_tailored). Every call runs in its own child
 * with a deadline. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "errnames.h"
#include "probes.h"
#include "sha256.h"
#include "syscalls.h"

/* ---- PR-SECCOMP-1 ------------------------------------------------------------ */

static void
get_seccomp (void *arg, AttestCallResult *res)
{
  (void) arg;
  int v = prctl (PR_GET_SECCOMP, 0, 0, 0, 0);
  attest_result_errno (res, v);
  if (v == 2)
    snprintf (res->token, sizeof res->token, "FILTER");
  else if (v == 0)
    snprintf (res->token, sizeof res->token, "DISABLED");
  attest_result_detail (res, "returned %d", v);
}

void
attest_probe_seccomp_1 (AttestCtx *ctx)
{
  char mode[32] = "", filters[32] = "";
  if (!attest_status_field ("Seccomp", mode, sizeof mode))
    {
      attest_record (ctx, "/proc/self/status Seccomp", "FIELD_MISSING", -1, 0, "no Seccomp line");
      attest_error (ctx, "/proc/self/status has no Seccomp line (kernel without CONFIG_SECCOMP?)");
    }
  else
    {
      const char *token = strcmp (mode, "2") == 0 ? "FILTER" : strcmp (mode, "1") == 0 ? "STRICT" : "DISABLED";
      attest_record (ctx, "/proc/self/status Seccomp", token, atoi (mode), 0, "Seccomp: %s", mode);
    }
  if (attest_status_field ("Seccomp_filters", filters, sizeof filters))
    attest_fact_int (ctx, "seccomp_filters", atoi (filters));
  attest_try (ctx, "prctl(PR_GET_SECCOMP)", get_seccomp, NULL, 0, 0);
}

/* ---- raw calls --------------------------------------------------------------- */

typedef struct {
  long nr;
  long a[6];
} RawCall;

static void
raw_call (void *arg, AttestCallResult *res)
{
  RawCall *c = arg;
  long r = syscall (c->nr, c->a[0], c->a[1], c->a[2], c->a[3], c->a[4], c->a[5]);
  attest_result_errno (res, r);
}

/* ---- PR-SECCOMP-2, PR-SECCOMP-ENOSYS ------------------------------------------ */

void
attest_probe_seccomp_2 (AttestCtx *ctx)
{
  /* Syscalls the deny-by-default policy does not name, with arguments that
   * make the kernel answer EFAULT: the policy's default errno must answer. */
  RawCall sysinfo_call = { SYS_sysinfo, { 1 } };
  RawCall getcpu_call = { SYS_getcpu, { 1, 1, 0 } };
  attest_try (ctx, "sysinfo((void *) 1) (not named by the policy; EFAULT if it reaches the kernel)", raw_call, &sysinfo_call, 0, 0);
  attest_try (ctx, "getcpu((void *) 1, (void *) 1, NULL) (not named by the policy; EFAULT if it reaches the kernel)",
              raw_call, &getcpu_call, 0, 0);
}

void
attest_probe_seccomp_enosys (AttestCtx *ctx)
{
  /* runc and crun answer numbers above the policy's highest with ENOSYS so
   * that new syscalls fall back cleanly; the bwrap venue must match. */
  RawCall c1000 = { 1000, { 0 } };
  RawCall chigh = { 0x3fffffff, { 0 } };
  attest_try (ctx, "syscall(1000)", raw_call, &c1000, 0, 0);
  attest_try (ctx, "syscall(0x3fffffff)", raw_call, &chigh, 0, 0);
}

/* ---- PR-SECCOMP-3: the sweep ---------------------------------------------------- */

static const struct { long nr; const char *reason; } sweep_skips[] = {
  { SYS_rt_sigreturn, "restores a signal frame that does not exist" },
  { SYS_pause, "blocks until a signal arrives" },
  { SYS_clone, "creates a process; PR-USERNS-1 and PR-RES-PIDS cover it" },
  { SYS_fork, "creates a process; PR-RES-PIDS covers it" },
  { SYS_vfork, "creates a process; PR-RES-PIDS covers it" },
  { SYS_exit, "ends the attempt child before it can report" },
  { SYS_exit_group, "ends the attempt child before it can report" },
  { SYS_vhangup, "hangs up the controlling terminal" },
  { SYS_acct, "switches host process accounting" },
  { SYS_swapon, "changes host swap" },
  { SYS_swapoff, "changes host swap" },
  { SYS_reboot, "reboots the host" },
  { SYS_init_module, "loads a kernel module image" },
  { SYS_kexec_load, "loads a new kernel" },
  { SYS_kexec_file_load, "loads a new kernel" },
  { SYS_seccomp, "installs filters; PR-SECCOMP-1 covers seccomp" },
};

/* Arguments that differ from the all-ones poison because all-ones would be
 * dangerous or would make the kernel answer ENOSYS itself. */
static bool
sweep_tailored (long nr, long a[6])
{
  switch (nr)
    {
    case SYS_kill:
      /* pid -1 means "every process": use a pid above PID_MAX_LIMIT, sig 0 */
      a[0] = 0x7ffffff0; a[1] = 0;
      return true;
    case SYS_futex:
      /* an invalid op makes futex answer ENOSYS; FUTEX_WAKE on an unaligned
       * address is EINVAL */
      a[0] = -1; a[1] = FUTEX_WAKE; a[2] = 0;
      return true;
    case SYS_modify_ldt:
      /* an invalid func is ENOSYS; reading into a kernel address is EFAULT */
      a[0] = 0; a[1] = -1; a[2] = 16;
      return true;
    case SYS_msgget:
    case SYS_semget:
    case SYS_shmget:
      /* all-ones flags include IPC_CREAT: look up a key without creating */
      a[0] = 0x61747374; a[1] = 0; a[2] = 0;
      return true;
    default:
      return false;
    }
}

static const char *
skip_reason (long nr)
{
  for (size_t i = 0; i < sizeof sweep_skips / sizeof sweep_skips[0]; i++)
    if (sweep_skips[i].nr == nr)
      return sweep_skips[i].reason;
  return NULL;
}

static bool
filtered_outcome (const char *outcome)
{
  return strcmp (outcome, "EPERM") == 0 || strcmp (outcome, "ENOSYS") == 0 || strcmp (outcome, "SIGSYS") == 0;
}

#define ATTEST_SWEEP_CALL_MS 250

void
attest_probe_seccomp_sweep (AttestCtx *ctx)
{
  AttestBuf outcomes, reached, skipped, timed_out;
  attest_buf_init (&outcomes);
  attest_buf_init (&reached);
  attest_buf_init (&skipped);
  attest_buf_init (&timed_out);
  attest_buf_puts (&outcomes, "{");
  attest_buf_puts (&skipped, "[");
  attest_buf_puts (&timed_out, "[");
  int n_reached = 0, n_filtered = 0, n_skipped = 0, n_timeout = 0, n_called = 0;
  AttestBuf reached_names;
  attest_buf_init (&reached_names);
  attest_buf_puts (&reached_names, "[");
  int64_t start = attest_now_us ();
  for (long nr = 0; nr <= ATTEST_SYSCALL_SWEEP_MAX; nr++)
    {
      const char *name = attest_syscall_name (nr);
      const char *why = skip_reason (nr);
      if (why != NULL)
        {
          attest_buf_printf (&skipped, "%s{\"nr\":%ld,\"name\":\"%s\",\"reason\":", n_skipped++ ? "," : "", nr, name ? name : "");
          attest_json_escape (&skipped, why, strlen (why));
          attest_buf_puts (&skipped, "}");
          continue;
        }
      RawCall c = { nr, { -1, -1, -1, -1, -1, -1 } };
      sweep_tailored (nr, c.a);
      AttestCallOutcome co;
      AttestAttempt a;
      memset (&a, 0, sizeof a);
      if (!attest_call (raw_call, &c, ATTEST_SWEEP_CALL_MS, &co))
        {
          attest_error (ctx, "cannot start a sweep child for syscall %ld: %s", nr, strerror (errno));
          break;
        }
      n_called++;
      attest_call_to_attempt (&co, 0, &a);
      attest_buf_printf (&outcomes, "%s\"%ld\":\"%s\"", nr ? "," : "", nr, a.outcome);
      if (a.timed_out)
        attest_buf_printf (&timed_out, "%s%ld", n_timeout++ ? "," : "", nr);
      if (filtered_outcome (a.outcome))
        n_filtered++;
      else
        {
          attest_buf_printf (&reached, "%s%ld", n_reached ? "," : "", nr);
          if (name != NULL)
            attest_buf_printf (&reached_names, "%s\"%s\"", n_reached ? "," : "", name);
          else
            attest_buf_printf (&reached_names, "%s\"nr_%ld\"", n_reached ? "," : "", nr);
          n_reached++;
        }
    }
  attest_buf_puts (&outcomes, "}");
  attest_buf_puts (&skipped, "]");
  attest_buf_puts (&timed_out, "]");
  attest_buf_puts (&reached_names, "]");
  /* The digest covers the canonical text: decimal numbers, ascending,
   * separated by single commas ("0,1,3"); the empty list hashes "". */
  char hex[65];
  attest_sha256_hex (reached.data ? reached.data : "", reached.len, hex);
  AttestBuf list;
  attest_buf_init (&list);
  attest_buf_printf (&list, "[%s]", reached.data ? reached.data : "");
  attest_fact_string (ctx, "arch", "x86_64");
  attest_fact_int (ctx, "max_nr", ATTEST_SYSCALL_SWEEP_MAX);
  attest_fact_raw (ctx, "reached", list.data, list.len);
  attest_fact_raw (ctx, "reached_names", reached_names.data, reached_names.len);
  attest_fact_string (ctx, "reached_sha256", hex);
  attest_fact_int (ctx, "reached_count", n_reached);
  attest_fact_int (ctx, "filtered_count", n_filtered);
  attest_fact_raw (ctx, "skipped", skipped.data, skipped.len);
  attest_fact_raw (ctx, "timed_out", timed_out.data, timed_out.len);
  attest_fact_raw (ctx, "outcomes", outcomes.data, outcomes.len);
  attest_fact_string (ctx, "classification",
                      "filtered: EPERM, ENOSYS or SIGSYS; reached: any other outcome (kernel errno, OK, another signal, TIMEOUT)");
  attest_record (ctx, "syscall(nr, poisoned arguments) for nr 0..511 in one child each",
                 "SWEPT", n_called, 0, "%d called, %d reached the kernel, %d filtered, %d skipped, %d timed out, %.0f ms",
                 n_called, n_reached, n_filtered, n_skipped, n_timeout, (attest_now_us () - start) / 1000.0);
  attest_buf_free (&list);
  attest_buf_free (&outcomes);
  attest_buf_free (&reached);
  attest_buf_free (&reached_names);
  attest_buf_free (&skipped);
  attest_buf_free (&timed_out);
}

/* ---- PR-SECCOMP-X32 ---------------------------------------------------------------- */

#define ATTEST_X32_BIT 0x40000000L

void
attest_probe_seccomp_x32 (AttestCtx *ctx)
{
  RawCall getpid_x32 = { ATTEST_X32_BIT | SYS_getpid, { 0 } };
  AttestCallOutcome co;
  if (attest_call (raw_call, &getpid_x32, 0, &co))
    {
      AttestAttempt a;
      memset (&a, 0, sizeof a);
      attest_call_to_attempt (&co, 0, &a);
      attest_fact_string (ctx, "x32_getpid_control", a.outcome);
    }
  RawCall socket_x32 = { ATTEST_X32_BIT | SYS_socket, { 2 /* AF_INET */, 1 /* SOCK_STREAM */, 0 } };
  attest_try (ctx, "syscall(0x40000000|__NR_socket, AF_INET, SOCK_STREAM, 0) (x32 ABI)", raw_call, &socket_x32, 0, 0);
  RawCall mount_x32 = { ATTEST_X32_BIT | SYS_mount, { 1, 1, 1, 0, 0 } };
  attest_try (ctx, "syscall(0x40000000|__NR_mount, 1, 1, 1, 0, 0) (x32 ABI; EFAULT if it reaches the kernel)", raw_call,
              &mount_x32, 0, 0);
}

/* ---- PR-SECCOMP-I386 ---------------------------------------------------------------- */

/* i386 numbers (arch/x86/entry/syscalls/syscall_32.tbl). */
enum {
  I386_CLOSE = 6, I386_GETPID = 20, I386_MOUNT = 21, I386_PTRACE = 26,
  I386_SOCKETCALL = 102, I386_SOCKET = 359,
};

static long
int80 (long nr, long a, long b, long c)
{
  long ret;
  /* The 32-bit entry takes ebx, ecx, edx, esi, edi, ebp and returns in eax. */
  __asm__ volatile ("int $0x80"
                    : "=a" (ret)
                    : "a" (nr), "b" (a), "c" (b), "d" (c)
                    : "memory", "cc");
  return (long) (int) ret;
}

typedef struct {
  long nr, a, b, c;
  bool returns_fd;
} Int80Call;

static void
int80_call (void *arg, AttestCallResult *res)
{
  Int80Call *c = arg;
  long a = c->a;
  if (c->nr == I386_SOCKETCALL)
    {
      /* socketcall takes a pointer to its arguments; it must fit in 32 bits */
      unsigned int *args = mmap (NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
      if (args == MAP_FAILED)
        {
          attest_result_errno (res, -1);
          snprintf (res->token, sizeof res->token, "SETUP_FAILED");
          return;
        }
      args[0] = 2;   /* AF_INET */
      args[1] = 1;   /* SOCK_STREAM */
      args[2] = 0;
      c->b = (long) (uintptr_t) args;
    }
  long r = int80 (c->nr, a, c->b, c->c);
  res->ret = r;
  res->err = r < 0 && r > -4096 ? (int) -r : 0;
  if (c->returns_fd && r >= 0)
    {
      attest_result_detail (res, "created descriptor %ld (closed again)", r);
      int80 (I386_CLOSE, r, 0, 0);
    }
}

void
attest_probe_seccomp_i386 (AttestCtx *ctx)
{
  Int80Call ctl = { I386_GETPID, 0, 0, 0, false };
  AttestCallOutcome co;
  if (!attest_call (int80_call, &ctl, 0, &co))
    {
      attest_error (ctx, "cannot start an attempt child: %s", strerror (errno));
      return;
    }
  AttestAttempt control;
  memset (&control, 0, sizeof control);
  attest_call_to_attempt (&co, 0, &control);
  attest_fact_string (ctx, "int80_getpid_control", control.outcome);
  if (strcmp (control.outcome, "SIGSEGV") == 0 || strcmp (control.outcome, "ENOSYS") == 0)
    {
      attest_skip (ctx, "IA32 emulation is not available on this kernel (int 0x80 getpid gave %s)", control.outcome);
      return;
    }
  Int80Call socketcall = { I386_SOCKETCALL, 1 /* SYS_SOCKET */, 0, 0, true };
  Int80Call sock = { I386_SOCKET, 2, 1, 0, true };
  Int80Call ptrace_call = { I386_PTRACE, 16 /* PTRACE_ATTACH */, 0x7ffffff0, 0, false };
  Int80Call mount_call = { I386_MOUNT, 1, 1, 1, false };
  attest_try (ctx, "int $0x80 socketcall(SYS_SOCKET, {AF_INET, SOCK_STREAM, 0}) (i386 nr 102)", int80_call, &socketcall, 0, 0);
  attest_try (ctx, "int $0x80 socket(AF_INET, SOCK_STREAM, 0) (i386 nr 359)", int80_call, &sock, 0, 0);
  attest_try (ctx, "int $0x80 ptrace(PTRACE_ATTACH, 0x7ffffff0) (i386 nr 26; ESRCH if it reaches the kernel)", int80_call,
              &ptrace_call, 0, 0);
  attest_try (ctx, "int $0x80 mount(1, 1, 1) (i386 nr 21; EFAULT if it reaches the kernel)", int80_call, &mount_call, 0, 0);
}
