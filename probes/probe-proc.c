/* probe-proc.c: identity, environment, capabilities, processes, descriptors
 * and terminals.
 *
 * Safety: ptrace, process_vm_readv, pidfd and /proc/PID/mem only ever target
 * a child the attempt itself forked, which waits on a pipe and is killed and
 * reaped before the attempt returns. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/kcmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "probes.h"

extern char **environ;

/* ---- state at entry ----------------------------------------------------- */

static AttestEntryState entry_state;

void
attest_capture_entry_state (void)
{
  /* fcntl(F_GETFD) opens nothing, so this sees exactly what was inherited. */
  for (int fd = 3; fd < 4096; fd++)
    if (fcntl (fd, F_GETFD) != -1)
      {
        if (entry_state.n_fds < ATTEST_MAX_ENTRY_FDS)
          entry_state.fds[entry_state.n_fds++] = fd;
        else
          entry_state.more_fds = true;
      }
  for (int r = 0; r < ATTEST_N_RLIMITS; r++)
    entry_state.rlimit_ok[r] = getrlimit (r, &entry_state.rlimits[r]) == 0;
}

const AttestEntryState *
attest_entry_state (void)
{
  return &entry_state;
}

/* ---- PR-ENV-1, PR-ENV-2 --------------------------------------------------- */

static bool
secret_looking (const char *key, size_t len)
{
  static const char *const substrings[] = {
    "TOKEN", "SECRET", "PASSWORD", "PASSWD", "PASSPHRASE", "KEY", "CREDENTIAL", "PRIVATE",
    "AUTH", "COOKIE", "SESSION", "APIKEY", NULL,
  };
  static const char *const prefixes[] = {
    "AWS_", "GITHUB_", "GH_", "GITLAB_", "CI_", "RUNNER_", "ACTIONS_", "AZURE_", "ARM_",
    "GOOGLE_", "GCP_", "GCLOUD_", "CLOUDSDK_", "DOCKER_", "NPM_", "PYPI_", "TWINE_", "VAULT_",
    "KUBE", "SSH_", "OP_", "HEROKU_", "DIGITALOCEAN_", "CARGO_REGISTRY", "DATABASE_URL", NULL,
  };
  char k[256];
  snprintf (k, sizeof k, "%.*s", (int) (len < 255 ? len : 255), key);
  for (size_t i = 0; substrings[i]; i++)
    if (attest_contains_ci (k, substrings[i]))
      return true;
  for (size_t i = 0; prefixes[i]; i++)
    if (strncasecmp (k, prefixes[i], strlen (prefixes[i])) == 0)
      return true;
  return false;
}

/* Scans NUL- or array-separated "KEY=value" entries; appends the names of
 * secret-looking keys (never values) to @found as JSON strings. */
static int
scan_env_block (const char *data, size_t len, AttestBuf *found)
{
  int hits = 0;
  size_t i = 0;
  while (i < len)
    {
      const char *e = data + i;
      size_t elen = strnlen (e, len - i);
      const char *eq = memchr (e, '=', elen);
      size_t klen = eq ? (size_t) (eq - e) : elen;
      if (klen > 0 && secret_looking (e, klen))
        {
          if (found->len > 1)
            attest_buf_puts (found, ",");
          attest_json_escape (found, e, klen);
          hits++;
        }
      i += elen + 1;
    }
  return hits;
}

static void
env_from_file (AttestCtx *ctx, const char *path, bool missing_is_error)
{
  char method[ATTEST_METHOD_MAX];
  attest_format (method, sizeof method, "read %s and look for secret-looking keys", path);
  AttestBuf b;
  attest_buf_init (&b);
  if (attest_read_file (path, 1 << 20, &b) < 0)
    {
      int e = errno;
      attest_record (ctx, method, NULL, -1, e, "cannot read %s", path);
      if (missing_is_error)
        attest_error (ctx, "cannot read %s: %s", path, strerror (e));
      attest_buf_free (&b);
      return;
    }
  AttestBuf found;
  attest_buf_init (&found);
  attest_buf_puts (&found, "[");
  int hits = scan_env_block (b.data ? b.data : "", b.len, &found);
  attest_buf_puts (&found, "]");
  attest_record (ctx, method, hits ? "SECRET_KEY_FOUND" : "CLEAN", hits, 0, "secret-looking keys: %s", found.data);
  attest_buf_free (&found);
  attest_buf_free (&b);
}

void
attest_probe_env_1 (AttestCtx *ctx)
{
  AttestBuf found;
  attest_buf_init (&found);
  attest_buf_puts (&found, "[");
  int hits = 0, n = 0;
  for (char **e = environ; e && *e; e++, n++)
    hits += scan_env_block (*e, strlen (*e) + 1, &found);
  attest_buf_puts (&found, "]");
  attest_fact_raw (ctx, "secret_looking_keys", found.data, found.len);
  attest_record (ctx, "scan the keys of environ for *TOKEN*, *SECRET*, *PASSWORD*, *KEY*, AWS_*, GITHUB_*, …",
                 hits ? "SECRET_KEY_FOUND" : "CLEAN", hits, 0, "%d variable(s), %d secret-looking: %s", n, hits, found.data);
  attest_buf_free (&found);
  env_from_file (ctx, "/proc/self/environ", true);
  /* pid 1 is the sandbox's init (bwrap) or the runtime's: its environment
   * is the launcher's unless the launcher cleared it. */
  env_from_file (ctx, "/proc/1/environ", false);
}

void
attest_probe_env_2 (AttestCtx *ctx)
{
  /* What Docker sets without -e: PATH, HOSTNAME, HOME (TERM with -t);
   * bwrap also always sets PWD after its chdir. */
  static const char *const allowed[] = { "PATH", "HOME", "HOSTNAME", "TERM", "PWD", NULL };
  AttestBuf extra;
  attest_buf_init (&extra);
  attest_buf_puts (&extra, "[");
  int n_extra = 0;
  for (char **e = environ; e && *e; e++)
    {
      const char *eq = strchr (*e, '=');
      size_t klen = eq ? (size_t) (eq - *e) : strlen (*e);
      bool ok = false;
      for (size_t i = 0; allowed[i]; i++)
        ok |= strlen (allowed[i]) == klen && strncmp (allowed[i], *e, klen) == 0;
      if (!ok)
        {
          if (n_extra++ > 0)
            attest_buf_puts (&extra, ",");
          attest_json_escape (&extra, *e, klen);
        }
    }
  attest_buf_puts (&extra, "]");
  attest_fact_raw (ctx, "extra_keys", extra.data, extra.len);
  attest_record (ctx, "environment keys ⊆ {PATH, HOME, HOSTNAME, TERM, PWD}", n_extra ? "EXTRA_KEYS" : "ONLY_RUNTIME_KEYS",
                 n_extra, 0, "extra keys: %s", extra.data);
  attest_buf_free (&extra);
}

/* ---- a target child for ptrace and friends ------------------------------- */

typedef struct {
  pid_t pid;
  int release_fd;   /* closing it lets the target exit */
} Target;

static volatile long target_marker = 0x61747465737421L;   /* read by process_vm_readv */

/* Fails as the attempt's SETUP_FAILED outcome in @res. */
static bool
target_start (Target *t, AttestCallResult *res)
{
  int p[2];
  pid_t pid = -1;
  if (pipe2 (p, O_CLOEXEC) == 0 && (pid = attest_fork ()) < 0)
    {
      close (p[0]);
      close (p[1]);
    }
  if (pid < 0)
    {
      attest_result_errno (res, -1);
      snprintf (res->token, sizeof res->token, "SETUP_FAILED");
      return false;
    }
  if (pid == 0)
    {
      close (p[1]);
      char c;
      while (read (p[0], &c, 1) < 0 && errno == EINTR)
        ;
      _exit (0);
    }
  close (p[0]);
  t->pid = pid;
  t->release_fd = p[1];
  return true;
}

static void
target_stop (Target *t)
{
  kill (t->pid, SIGKILL);
  close (t->release_fd);
  while (waitpid (t->pid, NULL, __WALL) < 0 && errno == EINTR)
    ;
}

/* ---- PR-PTRACE-1 ------------------------------------------------------------ */

static void
ptrace_attach_child (void *arg, AttestCallResult *res)
{
  long request = (long) arg;
  Target t;
  if (!target_start (&t, res))
    return;
  long r = ptrace ((int) request, t.pid, NULL, NULL);
  attest_result_errno (res, r);
  if (r == 0)
    {
      attest_result_detail (res, "attached to the probe's own child (detached and killed again)");
      if (request == PTRACE_ATTACH)
        waitpid (t.pid, NULL, __WALL);
      ptrace (PTRACE_DETACH, t.pid, NULL, NULL);
    }
  target_stop (&t);
}

static void
ptrace_traceme (void *arg, AttestCallResult *res)
{
  (void) arg;
  long r = ptrace (PTRACE_TRACEME, 0, NULL, NULL);   /* this attempt child exits right after */
  attest_result_errno (res, r);
}

void
attest_probe_ptrace_1 (AttestCtx *ctx)
{
  attest_try (ctx, "ptrace(PTRACE_ATTACH, <own child>)", ptrace_attach_child, (void *) (long) PTRACE_ATTACH, 0, 0);
  attest_try (ctx, "ptrace(PTRACE_SEIZE, <own child>)", ptrace_attach_child, (void *) (long) PTRACE_SEIZE, 0, 0);
  attest_try (ctx, "ptrace(PTRACE_TRACEME)", ptrace_traceme, NULL, 0, 0);
}

/* ---- PR-PROCMEM-1, PR-PROCMEM-2 ------------------------------------------- */

static void
vm_readv_child (void *arg, AttestCallResult *res)
{
  (void) arg;
  Target t;
  if (!target_start (&t, res))
    return;
  long value = 0;
  struct iovec local = { &value, sizeof value };
  struct iovec remote = { (void *) &target_marker, sizeof value };
  ssize_t r = process_vm_readv (t.pid, &local, 1, &remote, 1, 0);
  attest_result_errno (res, r);
  if (r >= 0)
    attest_result_detail (res, "read %zd bytes of the probe's own child", r);
  target_stop (&t);
}

static void
pidfd_getfd_child (void *arg, AttestCallResult *res)
{
  (void) arg;
  Target t;
  if (!target_start (&t, res))
    return;
  long pidfd = syscall (SYS_pidfd_open, t.pid, 0);
  if (pidfd < 0)
    {
      attest_result_errno (res, pidfd);
      attest_result_detail (res, "pidfd_open refused");
    }
  else
    {
      long fd = syscall (SYS_pidfd_getfd, pidfd, 0, 0);
      attest_result_errno (res, fd);
      attest_result_detail (res, fd >= 0 ? "took a descriptor of the probe's own child" : "pidfd_open allowed, pidfd_getfd refused");
      if (fd >= 0)
        close ((int) fd);
      close ((int) pidfd);
    }
  target_stop (&t);
}

static void
kcmp_child (void *arg, AttestCallResult *res)
{
  (void) arg;
  Target t;
  if (!target_start (&t, res))
    return;
  long r = syscall (SYS_kcmp, getpid (), t.pid, KCMP_FILE, 0, 0);
  attest_result_errno (res, r);
  target_stop (&t);
}

void
attest_probe_procmem_1 (AttestCtx *ctx)
{
  attest_try (ctx, "process_vm_readv(<own child>, …)", vm_readv_child, NULL, 0, 0);
  attest_try (ctx, "pidfd_open(<own child>) + pidfd_getfd(pidfd, 0)", pidfd_getfd_child, NULL, 0, 0);
  attest_try (ctx, "kcmp(self, <own child>, KCMP_FILE, 0, 0)", kcmp_child, NULL, 0, 0);
}

static void
proc_mem_child (void *arg, AttestCallResult *res)
{
  (void) arg;
  Target t;
  if (!target_start (&t, res))
    return;
  char path[64];
  snprintf (path, sizeof path, "/proc/%d/mem", (int) t.pid);
  int fd = open (path, O_RDWR | O_CLOEXEC);
  if (fd < 0)
    attest_result_errno (res, fd);
  else
    {
      long value = 0;
      ssize_t n = pread (fd, &value, sizeof value, (off_t) (uintptr_t) &target_marker);
      attest_result_errno (res, n);
      attest_result_detail (res, "opened %s read-write; pread gave %zd", path, n);
      close (fd);
    }
  target_stop (&t);
}

void
attest_probe_procmem_2 (AttestCtx *ctx)
{
  /* Docker allows this too (same uid, own descendant): INFO only. */
  attest_try (ctx, "open(\"/proc/<own child>/mem\", O_RDWR) + pread", proc_mem_child, NULL, 0, 0);
}

/* ---- PR-CAP-1, PR-NNP-1 ------------------------------------------------------- */

void
attest_probe_cap_1 (AttestCtx *ctx)
{
  static const char *const sets[] = { "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb" };
  for (size_t i = 0; i < 5; i++)
    {
      char v[64], method[96];
      attest_format (method, sizeof method, "/proc/self/status %s", sets[i]);
      if (!attest_status_field (sets[i], v, sizeof v))
        {
          attest_record (ctx, method, "FIELD_MISSING", -1, 0, "no %s line", sets[i]);
          attest_error (ctx, "/proc/self/status has no %s line", sets[i]);
          continue;
        }
      unsigned long long mask = strtoull (v, NULL, 16);
      attest_record (ctx, method, mask ? "NONZERO" : "ZERO", 0, 0, "%s", v);
      attest_fact_string (ctx, sets[i], v);
    }

  struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct data[2];
  memset (data, 0, sizeof data);
  long r = syscall (SYS_capget, &hdr, data);
  if (r != 0)
    attest_record (ctx, "capget(v3, self)", NULL, r, errno, "capget failed");
  else
    {
      bool any = data[0].effective | data[1].effective | data[0].permitted | data[1].permitted
                 | data[0].inheritable | data[1].inheritable;
      attest_record (ctx, "capget(v3, self): effective, permitted, inheritable", any ? "NONZERO" : "ZERO", 0, 0,
                     "eff=%08x%08x prm=%08x%08x inh=%08x%08x", data[1].effective, data[0].effective,
                     data[1].permitted, data[0].permitted, data[1].inheritable, data[0].inheritable);
    }

  int last = 63;
  AttestBuf b;
  attest_buf_init (&b);
  if (attest_read_file ("/proc/sys/kernel/cap_last_cap", 64, &b) > 0)
    last = atoi (b.data);
  attest_buf_free (&b);
  attest_fact_int (ctx, "cap_last_cap", last);
  int in_bounding = 0, ambient = 0, bad_errno = 0, ambient_errno = 0;
  char held[ATTEST_DETAIL_MAX] = "";
  size_t used = 0;
  for (int c = 0; c <= last && c < 64; c++)
    {
      int v = prctl (PR_CAPBSET_READ, c, 0, 0, 0);
      if (v < 0)
        {
          if (errno != EINVAL)
            bad_errno = errno;
          break;
        }
      if (v == 1)
        {
          in_bounding++;
          if (used < sizeof held)
            used += (size_t) snprintf (held + used, sizeof held - used, "%s%d", in_bounding > 1 ? "," : "", c);
        }
      int a = ambient_errno ? 0 : prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, c, 0, 0);
      if (a == 1)
        ambient++;
      else if (a < 0 && errno != EINVAL)
        ambient_errno = errno;
    }
  if (bad_errno != 0)
    {
      attest_record (ctx, "prctl(PR_CAPBSET_READ, cap) for every cap ≤ cap_last_cap", NULL, -1, bad_errno,
                     "the bounding set cannot be read");
      attest_error (ctx, "prctl(PR_CAPBSET_READ) refused: %s", strerror (bad_errno));
    }
  else
    attest_record (ctx, "prctl(PR_CAPBSET_READ, cap) for every cap ≤ cap_last_cap", in_bounding ? "NONZERO" : "ZERO",
                   in_bounding, 0, "%d capabilities in the bounding set%s%s", in_bounding, in_bounding ? ": " : "", held);
  /* A policy may allow only the read-only prctl options the harness needs;
   * the CapAmb line above already covers the ambient set then. */
  if (ambient_errno == 0)
    attest_record (ctx, "prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, cap) for every cap", ambient ? "NONZERO" : "ZERO",
                   ambient, 0, "%d ambient capabilities", ambient);
  else
    attest_fact_string (ctx, "ambient_prctl", "refused; the CapAmb line is the evidence");
  int sb = prctl (PR_GET_SECUREBITS, 0, 0, 0, 0);
  attest_fact_int (ctx, "securebits", sb);
}

void
attest_probe_nnp_1 (AttestCtx *ctx)
{
  int v = prctl (PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
  if (v < 0)
    {
      int e = errno;
      attest_record (ctx, "prctl(PR_GET_NO_NEW_PRIVS)", NULL, v, e, "prctl refused");
      attest_error (ctx, "prctl(PR_GET_NO_NEW_PRIVS) refused: %s", strerror (e));
    }
  else
    attest_record (ctx, "prctl(PR_GET_NO_NEW_PRIVS)", v == 1 ? "NNP_SET" : "NNP_UNSET", v, 0, "returned %d", v);
  char s[32];
  if (attest_status_field ("NoNewPrivs", s, sizeof s))
    attest_record (ctx, "/proc/self/status NoNewPrivs", strcmp (s, "1") == 0 ? "NNP_SET" : "NNP_UNSET", atoi (s), 0, "%s", s);
  else
    attest_error (ctx, "/proc/self/status has no NoNewPrivs line");
}

/* ---- PR-ID-1 ------------------------------------------------------------------ */

#define ATTEST_SANDBOX_ID 65532

static bool
all_ids_equal (const char *field, unsigned want)
{
  unsigned v[4];
  return sscanf (field, "%u %u %u %u", &v[0], &v[1], &v[2], &v[3]) == 4
         && v[0] == want && v[1] == want && v[2] == want && v[3] == want;
}

static void
set_id_zero (void *arg, AttestCallResult *res)
{
  long nr = (long) arg;
  long r = nr == SYS_setgroups ? syscall (nr, 0, NULL) : syscall (nr, 0);
  attest_result_errno (res, r);
}

void
attest_probe_id_1 (AttestCtx *ctx)
{
  char v[256];
  if (attest_status_field ("Uid", v, sizeof v))
    attest_record (ctx, "/proc/self/status Uid (real, effective, saved, fs) all 65532",
                   all_ids_equal (v, ATTEST_SANDBOX_ID) ? "UID_65532" : "UID_OTHER", 0, 0, "%s", v);
  if (attest_status_field ("Gid", v, sizeof v))
    attest_record (ctx, "/proc/self/status Gid (real, effective, saved, fs) all 65532",
                   all_ids_equal (v, ATTEST_SANDBOX_ID) ? "GID_65532" : "GID_OTHER", 0, 0, "%s", v);
  if (attest_status_field ("Groups", v, sizeof v))
    {
      bool ok = true;
      for (char *tok = strtok (v, " \t"); tok; tok = strtok (NULL, " \t"))
        ok &= strtoul (tok, NULL, 10) == ATTEST_SANDBOX_ID;
      char g[256];
      attest_status_field ("Groups", g, sizeof g);
      attest_record (ctx, "/proc/self/status Groups ⊆ {65532}", ok ? "GROUPS_OK" : "GROUPS_EXTRA", 0, 0, "groups: %s", g);
    }
  attest_try (ctx, "setuid(0)", set_id_zero, (void *) (long) SYS_setuid, 0, 0);
  attest_try (ctx, "setgid(0)", set_id_zero, (void *) (long) SYS_setgid, 0, 0);
  attest_try (ctx, "setgroups(0, NULL)", set_id_zero, (void *) (long) SYS_setgroups, 0, 0);
  static const char *const files[] = { "/proc/self/uid_map", "/proc/self/gid_map", "/proc/self/setgroups" };
  static const char *const keys[] = { "uid_map", "gid_map", "setgroups" };
  for (size_t i = 0; i < 3; i++)
    {
      AttestBuf b;
      attest_buf_init (&b);
      if (attest_read_file (files[i], 4096, &b) >= 0)
        attest_fact_string (ctx, keys[i], b.data ? b.data : "");
      attest_buf_free (&b);
    }
}

/* ---- /proc/PID/stat --------------------------------------------------------- */

/* Fields 3.. of /proc/<pid>/stat after the comm; false when unreadable. */
static bool
read_stat (const char *path, char *comm, size_t comm_size, long *fields, int n_fields)
{
  AttestBuf b;
  attest_buf_init (&b);
  if (attest_read_file (path, 4096, &b) <= 0)
    {
      attest_buf_free (&b);
      return false;
    }
  char *lparen = strchr (b.data, '(');
  char *rparen = strrchr (b.data, ')');
  if (lparen == NULL || rparen == NULL || rparen < lparen)
    {
      attest_buf_free (&b);
      return false;
    }
  snprintf (comm, comm_size, "%.*s", (int) (rparen - lparen - 1), lparen + 1);
  char *p = rparen + 2;
  for (int i = 0; i < n_fields; i++)
    {
      /* field 3 is the state letter */
      fields[i] = i == 0 ? (long) *p : strtol (p, NULL, 10);
      p = strchr (p, ' ');
      if (p == NULL)
        break;
      p++;
    }
  attest_buf_free (&b);
  return true;
}

/* ---- PR-PID-1 ------------------------------------------------------------------- */

#define ATTEST_PF_KTHREAD 0x00200000

void
attest_probe_pid_1 (AttestCtx *ctx)
{
  DIR *d = opendir ("/proc");
  if (d == NULL)
    {
      int e = errno;
      attest_record (ctx, "list /proc", NULL, -1, e, "cannot list /proc");
      attest_error (ctx, "cannot list /proc: %s", strerror (e));
      return;
    }
  int count = 0, kthreads = 0;
  AttestBuf procs;
  attest_buf_init (&procs);
  attest_buf_puts (&procs, "[");
  struct dirent *de;
  while ((de = readdir (d)) != NULL)
    {
      if (de->d_name[0] < '0' || de->d_name[0] > '9')
        continue;
      count++;
      char path[300], comm[64];
      long f[8];
      snprintf (path, sizeof path, "/proc/%s/stat", de->d_name);
      if (!read_stat (path, comm, sizeof comm, f, 8))
        continue;
      /* f[0] state, f[1] ppid, … f[6] flags (field 9) */
      bool kt = (f[6] & ATTEST_PF_KTHREAD) != 0;
      kthreads += kt;
      if (count <= 32)
        {
          attest_buf_printf (&procs, "%s{\"pid\":%s,\"comm\":", count > 1 ? "," : "", de->d_name);
          attest_json_escape (&procs, comm, strlen (comm));
          attest_buf_printf (&procs, ",\"kthread\":%s}", kt ? "true" : "false");
        }
    }
  closedir (d);
  attest_buf_puts (&procs, "]");
  attest_fact_raw (ctx, "processes", procs.data, procs.len);
  attest_fact_int (ctx, "process_count", count);
  attest_buf_free (&procs);
  attest_record (ctx, "scan /proc/[0-9]*/stat for kernel threads (PF_KTHREAD)", kthreads ? "KTHREADS_VISIBLE" : "NO_KTHREADS",
                 kthreads, 0, "%d kernel thread(s) visible", kthreads);
  attest_record (ctx, "count /proc/[0-9]* (at most 16: init, the probe and its children)", count <= 16 ? "FEW_PIDS" : "MANY_PIDS",
                 count, 0, "%d process(es) visible", count);
}

/* ---- PR-NS-1 ------------------------------------------------------------------- */

void
attest_probe_ns_1 (AttestCtx *ctx)
{
  /* Fixed inode numbers of the initial namespaces (include/linux/proc_ns.h). */
  static const struct { const char *name; unsigned long init_ino; bool checked; } ns[] = {
    { "ipc", 0xEFFFFFFFUL, true }, { "uts", 0xEFFFFFFEUL, true }, { "user", 0xEFFFFFFDUL, false },
    { "pid", 0xEFFFFFFCUL, true }, { "cgroup", 0xEFFFFFFBUL, true }, { "time", 0xEFFFFFFAUL, false },
    { "net", 0, false }, { "mnt", 0, false },
  };
  AttestBuf ids;
  attest_buf_init (&ids);
  attest_buf_puts (&ids, "{");
  for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++)
    {
      char path[64], method[ATTEST_METHOD_MAX];
      snprintf (path, sizeof path, "/proc/self/ns/%s", ns[i].name);
      struct stat st;
      bool have = stat (path, &st) == 0;
      int e = errno;
      attest_buf_printf (&ids, "%s\"%s\":", i ? "," : "", ns[i].name);
      if (have)
        attest_buf_printf (&ids, "%llu", (unsigned long long) st.st_ino);
      else
        attest_buf_puts (&ids, "null");
      if (!ns[i].checked)
        continue;
      attest_format (method, sizeof method, "stat(\"%s\"): inode differs from the initial namespace's", path);
      if (!have)
        attest_record (ctx, method, NULL, -1, e, "cannot stat %s", path);
      else
        attest_record (ctx, method, st.st_ino == ns[i].init_ino ? "INIT_NS" : "CHILD_NS", (int64_t) st.st_ino, 0,
                       "inode %llu", (unsigned long long) st.st_ino);
    }
  attest_buf_puts (&ids, "}");
  attest_fact_raw (ctx, "namespace_inodes", ids.data, ids.len);
  attest_buf_free (&ids);
}

/* ---- PR-FD-1 ------------------------------------------------------------------ */

/* Walks ".." from the directory @fd up: true when it reaches our root. A
 * directory outside the root (a leaked host fd, runc CVE-2024-21626) ends at
 * a filesystem root whose ".." is itself and that is not our root. */
static bool
dir_inside_root (int fd)
{
  struct stat root, cur;
  if (stat ("/", &root) != 0)
    return false;
  int cur_fd = dup (fd);
  bool inside = false;
  for (int depth = 0; cur_fd >= 0 && depth < 1024; depth++)
    {
      if (fstat (cur_fd, &cur) != 0)
        break;
      if (cur.st_dev == root.st_dev && cur.st_ino == root.st_ino)
        {
          inside = true;
          break;
        }
      int up = openat (cur_fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      struct stat ust;
      if (up < 0 || fstat (up, &ust) != 0 || (ust.st_dev == cur.st_dev && ust.st_ino == cur.st_ino))
        {
          if (up >= 0)
            close (up);
          break;
        }
      close (cur_fd);
      cur_fd = up;
    }
  if (cur_fd >= 0)
    close (cur_fd);
  return inside;
}

void
attest_probe_fd_1 (AttestCtx *ctx)
{
  const AttestEntryState *es = attest_entry_state ();
  AttestBuf list;
  attest_buf_init (&list);
  attest_buf_puts (&list, "[");
  int outside = 0;
  for (int i = 0; i < es->n_fds; i++)
    {
      int fd = es->fds[i];
      char path[64], target[512];
      snprintf (path, sizeof path, "/proc/self/fd/%d", fd);
      ssize_t n = readlink (path, target, sizeof target - 1);
      target[n > 0 ? n : 0] = '\0';
      struct stat st;
      bool is_dir = fstat (fd, &st) == 0 && S_ISDIR (st.st_mode);
      bool out = is_dir && !dir_inside_root (fd);
      outside += out;
      attest_buf_printf (&list, "%s{\"fd\":%d,\"target\":", i ? "," : "", fd);
      attest_json_escape (&list, target, strlen (target));
      attest_buf_printf (&list, ",\"directory\":%s,\"outside_root\":%s}", is_dir ? "true" : "false", out ? "true" : "false");
    }
  attest_buf_puts (&list, "]");
  attest_fact_raw (ctx, "inherited_fds", list.data, list.len);
  attest_record (ctx, "descriptors open at entry (fcntl(F_GETFD) on 3..4095 before opening anything)",
                 es->n_fds || es->more_fds ? "EXTRA_FD" : "ONLY_STDIO", es->n_fds, 0,
                 "%d inherited beyond 0,1,2 (%d directories outside the root): %s", es->n_fds, outside, list.data);
  attest_buf_free (&list);

  int cwd = open (".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (cwd < 0)
    attest_record (ctx, "walk \"..\" from the working directory to \"/\"", NULL, -1, errno, "cannot open \".\"");
  else
    {
      char target[512];
      ssize_t n = readlink ("/proc/self/cwd", target, sizeof target - 1);
      target[n > 0 ? n : 0] = '\0';
      attest_record (ctx, "walk \"..\" from the working directory to \"/\"",
                     dir_inside_root (cwd) ? "CWD_INSIDE_ROOT" : "CWD_OUTSIDE_ROOT", 0, 0, "cwd %s", target);
      close (cwd);
    }
}

/* ---- PR-TTY-1, PR-TTY-2 -------------------------------------------------------- */

static void
ioctl_bad_fd (void *arg, AttestCallResult *res)
{
  unsigned long request = (unsigned long) arg;
  char c = 'x';
  /* fd -1: a call that passes the filter fails with EBADF and injects
   * nothing; a filter that catches the request answers EPERM. */
  long r = syscall (SYS_ioctl, -1, request, &c);
  attest_result_errno (res, r);
}

void
attest_probe_tty_1 (AttestCtx *ctx)
{
  attest_try (ctx, "ioctl(-1, TIOCSTI, \"x\")", ioctl_bad_fd, (void *) (unsigned long) TIOCSTI, 0, 0);
  attest_try (ctx, "ioctl(-1, 0x100000000|TIOCSTI, \"x\") (CVE-2019-10063 high-bit variant)", ioctl_bad_fd,
              (void *) ((1UL << 32) | TIOCSTI), 0, 0);
  attest_try (ctx, "ioctl(-1, 0x12300000000|TIOCSTI, \"x\")", ioctl_bad_fd, (void *) ((0x123UL << 32) | TIOCSTI), 0, 0);
  attest_try (ctx, "ioctl(-1, TIOCLINUX, …)", ioctl_bad_fd, (void *) (unsigned long) TIOCLINUX, 0, 0);
}

/* isatty() the way glibc does it, with TCGETS (the one ioctl the reference
 * policy allows): musl's isatty() asks TIOCGWINSZ, which the policy denies,
 * so a terminal would read as "not a terminal" there. */
static bool
is_terminal (int fd)
{
  struct termios t;
  return tcgetattr (fd, &t) == 0;
}

void
attest_probe_tty_2 (AttestCtx *ctx)
{
  char comm[64];
  long f[8];
  if (!read_stat ("/proc/self/stat", comm, sizeof comm, f, 8))
    {
      int e = errno;
      attest_record (ctx, "/proc/self/stat tty_nr", NULL, -1, e, "cannot read /proc/self/stat");
      attest_error (ctx, "cannot read /proc/self/stat: %s", strerror (e));
      return;
    }
  /* f[3] session, f[4] tty_nr */
  attest_fact_int (ctx, "session", f[3]);
  attest_fact_int (ctx, "tty_nr", f[4]);
  AttestBuf ttys;
  attest_buf_init (&ttys);
  attest_buf_printf (&ttys, "[%s,%s,%s]", is_terminal (0) ? "true" : "false",
                     is_terminal (1) ? "true" : "false", is_terminal (2) ? "true" : "false");
  attest_fact_raw (ctx, "isatty_0_1_2", ttys.data, ttys.len);
  attest_buf_free (&ttys);
  attest_record (ctx, "/proc/self/stat tty_nr: no controlling terminal (TIOCSTI needs one)",
                 f[4] == 0 ? "NO_CONTROLLING_TTY" : "CONTROLLING_TTY", f[4], 0, "tty_nr %ld, session %ld", f[4], f[3]);
}

/* ---- PR-CTRL-1 ------------------------------------------------------------------ */

static void
ctrl_getpid (void *arg, AttestCallResult *res)
{
  (void) arg;
  attest_result_errno (res, syscall (SYS_getpid));
}

static void
ctrl_read_bad_fd (void *arg, AttestCallResult *res)
{
  (void) arg;
  char c;
  attest_result_errno (res, read (-1, &c, 1));
}

void
attest_probe_ctrl_1 (AttestCtx *ctx)
{
  attest_try (ctx, "getpid() (must succeed)", ctrl_getpid, NULL, 0, 0);
  attest_try (ctx, "read(-1, buf, 1) (must reach the kernel: EBADF)", ctrl_read_bad_fd, NULL, 0, 0);
}

/* ---- PR-LSM-1 ------------------------------------------------------------------- */

void
attest_probe_lsm_1 (AttestCtx *ctx)
{
  static const struct { const char *path, *key; } attrs[] = {
    { "/proc/self/attr/current", "attr_current" },
    { "/proc/self/attr/apparmor/current", "apparmor_current" },
    { "/sys/kernel/security/lsm", "lsm_list" },
    { "/proc/sys/kernel/apparmor_restrict_unprivileged_userns", "apparmor_restrict_unprivileged_userns" },
  };
  for (size_t i = 0; i < sizeof attrs / sizeof attrs[0]; i++)
    {
      AttestBuf b;
      attest_buf_init (&b);
      if (attest_read_file (attrs[i].path, 4096, &b) >= 0)
        attest_fact_string (ctx, attrs[i].key, b.data ? b.data : "");
      else
        attest_fact_raw (ctx, attrs[i].key, "null", 4);
      attest_buf_free (&b);
    }
  /* landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION) gives the ABI version. */
  long abi = syscall (SYS_landlock_create_ruleset, NULL, 0, 1UL);
  attest_record (ctx, "landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION)", NULL, abi,
                 abi < 0 ? errno : 0, abi >= 0 ? "Landlock ABI %ld" : "no Landlock (%ld)", abi);
}
