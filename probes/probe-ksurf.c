/* probe-ksurf.c: nested namespaces and high-risk kernel surfaces
 * (PR-USERNS-1, PR-KSURF-1, PR-KEYRING-1).
 *
 * Everything a successful call creates belongs to the attempt child (a new
 * namespace, an fd, a process keyring) and ends with it. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/io_uring.h>
#include <linux/keyctl.h>
#include <linux/perf_event.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "probes.h"

/* ---- PR-USERNS-1 ------------------------------------------------------------- */

static void
do_unshare (void *arg, AttestCallResult *res)
{
  attest_result_errno (res, syscall (SYS_unshare, (long) arg));
}

static void
clone_flags (void *arg, AttestCallResult *res)
{
  long flags = (long) arg;
  /* fork-like raw clone: the new process shares nothing and exits at once */
  long pid = syscall (SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);
  if (pid == 0)
    syscall (SYS_exit_group, 0);
  attest_result_errno (res, pid);
  if (pid > 0)
    waitpid ((pid_t) pid, NULL, 0);
}

static void
clone3_flags (void *arg, AttestCallResult *res)
{
  struct clone_args ca;
  memset (&ca, 0, sizeof ca);
  ca.flags = (unsigned long) arg;
  ca.exit_signal = SIGCHLD;
  long pid = syscall (SYS_clone3, &ca, sizeof ca);
  if (pid == 0)
    syscall (SYS_exit_group, 0);
  attest_result_errno (res, pid);
  if (pid > 0)
    waitpid ((pid_t) pid, NULL, 0);
}

static void
setns_own_user (void *arg, AttestCallResult *res)
{
  (void) arg;
  int fd = open ("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      attest_result_errno (res, fd);
      snprintf (res->token, sizeof res->token, "SETUP_FAILED");
      return;
    }
  /* Joining one's own user namespace is EINVAL in the kernel: nothing can
   * change, and EPERM shows the filter stopped the call. */
  attest_result_errno (res, syscall (SYS_setns, fd, CLONE_NEWUSER));
  close (fd);
}

void
attest_probe_userns_1 (AttestCtx *ctx)
{
  static const struct { long flag; const char *name; } flags[] = {
    { CLONE_NEWUSER, "CLONE_NEWUSER" }, { CLONE_NEWNS, "CLONE_NEWNS" }, { CLONE_NEWNET, "CLONE_NEWNET" },
    { CLONE_NEWPID, "CLONE_NEWPID" }, { CLONE_NEWIPC, "CLONE_NEWIPC" }, { CLONE_NEWUTS, "CLONE_NEWUTS" },
    { CLONE_NEWCGROUP, "CLONE_NEWCGROUP" }, { 0x00000080 /* CLONE_NEWTIME */, "CLONE_NEWTIME" },
  };
  char method[ATTEST_METHOD_MAX];
  for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
    {
      attest_format (method, sizeof method, "unshare(%s)", flags[i].name);
      attest_try (ctx, method, do_unshare, (void *) flags[i].flag, 0, 0);
    }
  attest_try (ctx, "clone(CLONE_NEWUSER|SIGCHLD)", clone_flags, (void *) (long) CLONE_NEWUSER, 0, 0);
  attest_try (ctx, "clone3({.flags = CLONE_NEWUSER})", clone3_flags, (void *) (long) CLONE_NEWUSER, 0, 0);
  attest_try (ctx, "setns(open(\"/proc/self/ns/user\"), CLONE_NEWUSER)", setns_own_user, NULL, 0, 0);
  AttestBuf b;
  attest_buf_init (&b);
  if (attest_read_file ("/proc/sys/user/max_user_namespaces", 64, &b) > 0)
    attest_fact_int (ctx, "max_user_namespaces", atoll (b.data));
  attest_buf_free (&b);
}

/* ---- PR-KSURF-1 ------------------------------------------------------------------ */

static void
close_if_fd (AttestCallResult *res, long r, const char *what)
{
  attest_result_errno (res, r);
  if (r >= 0)
    {
      attest_result_detail (res, "%s (closed again)", what);
      close ((int) r);
    }
}

static void
io_uring_setup_call (void *arg, AttestCallResult *res)
{
  (void) arg;
  struct io_uring_params p;
  memset (&p, 0, sizeof p);
  close_if_fd (res, syscall (SYS_io_uring_setup, 1, &p), "created an io_uring instance");
}

static void
bpf_map_create (void *arg, AttestCallResult *res)
{
  (void) arg;
  union bpf_attr attr;
  memset (&attr, 0, sizeof attr);
  attr.map_type = BPF_MAP_TYPE_ARRAY;
  attr.key_size = 4;
  attr.value_size = 4;
  attr.max_entries = 1;
  close_if_fd (res, syscall (SYS_bpf, BPF_MAP_CREATE, &attr, sizeof attr), "created a BPF map");
}

static void
bpf_prog_load (void *arg, AttestCallResult *res)
{
  (void) arg;
  /* r0 = 0; exit: a socket filter that drops everything, never attached */
  struct bpf_insn insns[2];
  memset (insns, 0, sizeof insns);
  insns[0].code = BPF_ALU64 | BPF_MOV | BPF_K;
  insns[0].dst_reg = BPF_REG_0;
  insns[1].code = BPF_JMP | BPF_EXIT;
  static const char license[] = "GPL";
  union bpf_attr attr;
  memset (&attr, 0, sizeof attr);
  attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
  attr.insn_cnt = 2;
  attr.insns = (uint64_t) (uintptr_t) insns;
  attr.license = (uint64_t) (uintptr_t) license;
  close_if_fd (res, syscall (SYS_bpf, BPF_PROG_LOAD, &attr, sizeof attr), "loaded a BPF program (never attached)");
}

static void
perf_open (void *arg, AttestCallResult *res)
{
  (void) arg;
  struct perf_event_attr pa;
  memset (&pa, 0, sizeof pa);
  pa.type = PERF_TYPE_SOFTWARE;
  pa.size = sizeof pa;
  pa.config = PERF_COUNT_SW_CPU_CLOCK;
  pa.disabled = 1;
  pa.exclude_kernel = 1;
  pa.exclude_hv = 1;
  close_if_fd (res, syscall (SYS_perf_event_open, &pa, 0, -1, -1, 0), "opened a perf event on itself");
}

static void
uffd_open (void *arg, AttestCallResult *res)
{
  (void) arg;
  close_if_fd (res, syscall (SYS_userfaultfd, O_CLOEXEC | 1 /* UFFD_USER_MODE_ONLY */), "created a userfaultfd");
}

static void
fanotify_call (void *arg, AttestCallResult *res)
{
  (void) arg;
  close_if_fd (res, syscall (SYS_fanotify_init, 0x00000001 /* FAN_CLOEXEC */, O_RDONLY), "created a fanotify group");
}

static void
open_by_handle (void *arg, AttestCallResult *res)
{
  (void) arg;
  int mount_fd = open ("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  struct { unsigned int bytes; int type; unsigned char h[8]; } handle = { 8, 1, { 0 } };
  /* A made-up handle: where the call is allowed the kernel answers ESTALE or
   * EINVAL; the check for CAP_DAC_READ_SEARCH (Shocker) or the filter comes first. */
  close_if_fd (res, syscall (SYS_open_by_handle_at, mount_fd, &handle, O_RDONLY | O_CLOEXEC), "opened a file by handle");
  if (mount_fd >= 0)
    close (mount_fd);
}

static void
modify_ldt_read (void *arg, AttestCallResult *res)
{
  (void) arg;
  char buf[16];
  attest_result_errno (res, syscall (SYS_modify_ldt, 0, buf, sizeof buf));
}

static void
personality_rie (void *arg, AttestCallResult *res)
{
  (void) arg;
  attest_result_errno (res, syscall (SYS_personality, PER_LINUX | READ_IMPLIES_EXEC));
}

void
attest_probe_ksurf_1 (AttestCtx *ctx)
{
  attest_try (ctx, "io_uring_setup(1, &params)", io_uring_setup_call, NULL, 0, 0);
  attest_try (ctx, "bpf(BPF_MAP_CREATE, array 4/4/1)", bpf_map_create, NULL, 0, 0);
  attest_try (ctx, "bpf(BPF_PROG_LOAD, socket filter \"r0 = 0; exit\")", bpf_prog_load, NULL, 0, 0);
  attest_try (ctx, "perf_event_open(SW_CPU_CLOCK, self, any cpu)", perf_open, NULL, 0, 0);
  attest_try (ctx, "userfaultfd(O_CLOEXEC|UFFD_USER_MODE_ONLY)", uffd_open, NULL, 0, 0);
  attest_try (ctx, "fanotify_init(FAN_CLOEXEC, O_RDONLY)", fanotify_call, NULL, 0, 0);
  attest_try (ctx, "open_by_handle_at(\"/\", made-up handle, O_RDONLY)", open_by_handle, NULL, 0, 0);
  attest_try (ctx, "modify_ldt(0, buf, 16)", modify_ldt_read, NULL, 0, 0);
  attest_try (ctx, "personality(PER_LINUX|READ_IMPLIES_EXEC)", personality_rie, NULL, 0, 0);
  static const struct { const char *path, *key; } sysctls[] = {
    { "/proc/sys/kernel/io_uring_disabled", "io_uring_disabled" },
    { "/proc/sys/kernel/unprivileged_bpf_disabled", "unprivileged_bpf_disabled" },
    { "/proc/sys/kernel/perf_event_paranoid", "perf_event_paranoid" },
    { "/proc/sys/vm/unprivileged_userfaultfd", "unprivileged_userfaultfd" },
    { "/proc/sys/vm/memfd_noexec", "memfd_noexec" },
    { "/proc/sys/kernel/yama/ptrace_scope", "ptrace_scope" },
    { "/proc/sys/dev/tty/legacy_tiocsti", "legacy_tiocsti" },
  };
  for (size_t i = 0; i < sizeof sysctls / sizeof sysctls[0]; i++)
    {
      AttestBuf b;
      attest_buf_init (&b);
      if (attest_read_file (sysctls[i].path, 64, &b) > 0)
        attest_fact_int (ctx, sysctls[i].key, atoll (b.data));
      else
        attest_fact_raw (ctx, sysctls[i].key, "null", 4);
      attest_buf_free (&b);
    }
}

/* ---- PR-KEYRING-1 ------------------------------------------------------------------ */

static void
keyctl_get (void *arg, AttestCallResult *res)
{
  attest_result_errno (res, syscall (SYS_keyctl, KEYCTL_GET_KEYRING_ID, (long) arg, 0));
}

static void
add_key_process (void *arg, AttestCallResult *res)
{
  (void) arg;
  /* the process keyring dies with this attempt child */
  attest_result_errno (res, syscall (SYS_add_key, "user", "attest-probe", "x", 1, KEY_SPEC_PROCESS_KEYRING));
}

static void
request_key_call (void *arg, AttestCallResult *res)
{
  (void) arg;
  /* no callout info: the kernel never runs /sbin/request-key */
  attest_result_errno (res, syscall (SYS_request_key, "user", "attest-probe-absent", NULL, 0));
}

void
attest_probe_keyring_1 (AttestCtx *ctx)
{
  attest_try (ctx, "keyctl(KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0)", keyctl_get,
              (void *) (long) KEY_SPEC_SESSION_KEYRING, 0, 0);
  attest_try (ctx, "keyctl(KEYCTL_GET_KEYRING_ID, KEY_SPEC_USER_KEYRING, 0)", keyctl_get,
              (void *) (long) KEY_SPEC_USER_KEYRING, 0, 0);
  attest_try (ctx, "add_key(\"user\", \"attest-probe\", \"x\", 1, KEY_SPEC_PROCESS_KEYRING)", add_key_process, NULL, 0, 0);
  attest_try (ctx, "request_key(\"user\", \"attest-probe-absent\", NULL, 0)", request_key_call, NULL, 0, 0);
  AttestBuf b;
  attest_buf_init (&b);
  ssize_t n = attest_read_file ("/proc/keys", 64 << 10, &b);
  int lines = 0;
  for (ssize_t i = 0; i < n; i++)
    lines += b.data[i] == '\n';
  if (n < 0)
    attest_fact_raw (ctx, "proc_keys_lines", "null", 4);
  else
    attest_fact_int (ctx, "proc_keys_lines", lines);
  attest_buf_free (&b);
}

/* ---- PR-KINFO-1 ------------------------------------------------------------------ */

static void
kallsyms_addresses (void *arg, AttestCallResult *res)
{
  (void) arg;
  AttestBuf b;
  attest_buf_init (&b);
  if (attest_read_file ("/proc/kallsyms", 64 << 10, &b) < 0)
    {
      attest_result_errno (res, -1);
      return;
    }
  /* Without CAP_SYSLOG (and with kptr_restrict) every address reads as zero. */
  int lines = 0, nonzero = 0;
  for (char *line = b.data; line != NULL && *line && lines < 256; lines++)
    {
      if (strspn (line, "0") < 16)
        nonzero++;
      line = strchr (line, '\n');
      if (line)
        line++;
    }
  res->ret = nonzero;
  snprintf (res->token, sizeof res->token, nonzero ? "KALLSYMS_ADDRESSES" : "KALLSYMS_ZEROED");
  attest_result_detail (res, "%d of the first %d symbols have a non-zero address", nonzero, lines);
  attest_buf_free (&b);
}

static void
open_read (void *arg, AttestCallResult *res)
{
  int fd = open ((const char *) arg, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  attest_result_errno (res, fd);
  if (fd >= 0)
    {
      attest_result_detail (res, "opened for reading (closed again, nothing read)");
      close (fd);
    }
}

static void
syslog_size (void *arg, AttestCallResult *res)
{
  (void) arg;
  attest_result_errno (res, syscall (SYS_syslog, 10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0));
}

void
attest_probe_kinfo_1 (AttestCtx *ctx)
{
  attest_try (ctx, "read /proc/kallsyms: are kernel addresses visible?", kallsyms_addresses, NULL, 0, 0);
  static const char *const files[] = { "/proc/kcore", "/proc/timer_list", "/proc/sched_debug", "/sys/kernel/debug",
                                       "/sys/kernel/vmcoreinfo", "/sys/kernel/security", "/sys/firmware" };
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
    {
      char method[ATTEST_METHOD_MAX];
      attest_format (method, sizeof method, "open(\"%s\", O_RDONLY)", files[i]);
      attest_try (ctx, method, open_read, (void *) files[i], 0, 0);
    }
  attest_try (ctx, "syslog(SYSLOG_ACTION_SIZE_BUFFER, NULL, 0)", syslog_size, NULL, 0, 0);
  struct stat st;
  attest_fact_bool (ctx, "proc_config_gz_present", stat ("/proc/config.gz", &st) == 0);
}
