/* probe-exec.c: no new code may run (PR-EXEC-1, PR-EXEC-2, PR-EXEC-OUT).
 *
 * Every exec runs either a shell with a no-op script or a copy of this very
 * binary with ATTEST_EXEC_NOOP_ARG, which exits 0 at once: a successful exec
 * is harmless. The attempt child's result pipe is close-on-exec, so a child
 * that exits without a result has replaced itself (ATTEST_CALL_EXEC). */
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
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "probes.h"

typedef struct {
  const char *path;
  const char *const *argv;
  int fd;              /* for execveat(fd, "", AT_EMPTY_PATH) when path is NULL */
} ExecArg;

/* Quiet and default signal state for the program about to be exec'ed. */
static void
prepare_exec (void)
{
  int null = open ("/dev/null", O_RDWR | O_CLOEXEC);
  for (int fd = 0; fd <= 2; fd++)
    {
      if (null >= 0)
        dup2 (null, fd);
      else
        close (fd);
    }
  sigset_t none;
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
}

static void
do_exec (void *arg, AttestCallResult *res)
{
  ExecArg *ea = arg;
  static char *const empty_env[] = { NULL };
  prepare_exec ();
  long r;
  if (ea->path != NULL)
    r = execve (ea->path, (char *const *) ea->argv, empty_env);
  else
    r = syscall (SYS_execveat, ea->fd, "", (char *const *) ea->argv, empty_env, AT_EMPTY_PATH);
  attest_result_errno (res, r);
}

void
attest_probe_exec_1 (AttestCtx *ctx)
{
  static const char *const sh_argv[] = { "sh", "-c", ":", NULL };
  static const char *const busybox_argv[] = { "busybox", "true", NULL };
  static const char *const env_argv[] = { "env", "true", NULL };
  static const char *const py_argv[] = { "python3", "-c", "pass", NULL };
  static const char *const perl_argv[] = { "perl", "-e", "1", NULL };
  static const struct { const char *path; const char *const *argv; } progs[] = {
    { "/bin/sh", sh_argv }, { "/bin/bash", sh_argv }, { "/bin/dash", sh_argv },
    { "/usr/bin/sh", sh_argv }, { "/bin/busybox", busybox_argv }, { "/usr/bin/env", env_argv },
    { "/usr/bin/python3", py_argv }, { "/usr/bin/perl", perl_argv },
  };
  for (size_t i = 0; i < sizeof progs / sizeof progs[0]; i++)
    {
      ExecArg ea = { progs[i].path, progs[i].argv, -1 };
      char method[ATTEST_METHOD_MAX];
      attest_format (method, sizeof method, "execve(\"%s\", [%s, …], {})", progs[i].path, progs[i].argv[0]);
      attest_try (ctx, method, do_exec, &ea, 0, ATTEST_CALL_EXEC);
    }
}

/* Copies /proc/self/exe to @path (mode 0700); false with errno on failure. */
static bool
copy_self (const char *path)
{
  AttestBuf b;
  attest_buf_init (&b);
  if (attest_read_file ("/proc/self/exe", 64u << 20, &b) <= 0)
    {
      attest_buf_free (&b);
      return false;
    }
  int fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0700);
  bool ok = fd >= 0 && attest_write_all (fd, b.data, b.len);
  int e = errno;
  if (fd >= 0)
    close (fd);
  if (!ok && fd >= 0)
    unlink (path);
  attest_buf_free (&b);
  errno = e;
  return ok;
}

static void
mmap_exec (void *arg, AttestCallResult *res)
{
  int fd = open ((const char *) arg, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      attest_result_errno (res, fd);
      attest_result_detail (res, "open failed");
      return;
    }
  void *p = mmap (NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
  if (p == MAP_FAILED)
    attest_result_errno (res, -1);
  else
    {
      res->ret = 0;
      attest_result_detail (res, "mapped the file executable (unmapped again, not run)");
      munmap (p, 4096);
    }
  close (fd);
}

static void
memfd_exec (void *arg, AttestCallResult *res)
{
  const char *const *argv = arg;
  long fd = syscall (SYS_memfd_create, "attest-probe", 1u /* MFD_CLOEXEC */);
  if (fd < 0)
    {
      attest_result_errno (res, fd);
      attest_result_detail (res, "memfd_create refused");
      return;
    }
  AttestBuf b;
  attest_buf_init (&b);
  if (attest_read_file ("/proc/self/exe", 64u << 20, &b) <= 0 || !attest_write_all ((int) fd, b.data, b.len))
    {
      attest_result_errno (res, -1);
      snprintf (res->token, sizeof res->token, "SETUP_FAILED");
      attest_result_detail (res, "memfd_create allowed; copying the binary into it failed");
      return;
    }
  attest_buf_free (&b);
  ExecArg ea = { NULL, argv, (int) fd };
  do_exec (&ea, res);
  attest_result_detail (res, "memfd_create allowed; execveat(AT_EMPTY_PATH) refused");
}

void
attest_probe_exec_2 (AttestCtx *ctx)
{
  const AttestOptions *o = ctx->opts;
  char copy[4096];
  attest_unique_path (copy, sizeof copy, o, o->tmp_dir, "exe");
  if (!copy_self (copy))
    {
      attest_error (ctx, "cannot copy /proc/self/exe to %s: %s", copy, strerror (errno));
      return;
    }
  const char *const self_argv[] = { "attest-probe-copy", ATTEST_EXEC_NOOP_ARG, NULL };
  char method[ATTEST_METHOD_MAX];

  ExecArg ea = { copy, self_argv, -1 };
  attest_format (method, sizeof method, "execve(\"%s\") of a copy of the probe", copy);
  attest_try (ctx, method, do_exec, &ea, 0, ATTEST_CALL_EXEC);

  attest_format (method, sizeof method, "mmap(PROT_READ|PROT_EXEC, MAP_PRIVATE) of \"%s\"", copy);
  attest_try (ctx, method, mmap_exec, copy, 0, 0);

  attest_try (ctx, "memfd_create(\"attest-probe\", MFD_CLOEXEC) + write the probe + execveat(fd, \"\", AT_EMPTY_PATH)",
              memfd_exec, (void *) self_argv, 0, ATTEST_CALL_EXEC);

  /* ld.so maps the program itself; a noexec mount refuses that mapping and
   * ld.so exits non-zero (LDSO_REFUSED). Exit 0 means /tmp code ran. */
  static const char *const loaders[] = { "/lib64/ld-linux-x86-64.so.2", "/lib/ld-linux-x86-64.so.2", "/lib/ld-musl-x86_64.so.1" };
  const char *loader = loaders[0];
  for (size_t i = 0; i < sizeof loaders / sizeof loaders[0]; i++)
    if (access (loaders[i], F_OK) == 0)
      {
        loader = loaders[i];
        break;
      }
  const char *const ld_argv[] = { "ld.so", copy, ATTEST_EXEC_NOOP_ARG, NULL };
  ExecArg ld = { loader, ld_argv, -1 };
  AttestAttempt a;
  memset (&a, 0, sizeof a);
  attest_format (a.method, sizeof a.method, "execve(\"%s\", [ld.so, \"%s\"])", loader, copy);
  AttestCallOutcome co;
  attest_begin (ctx, a.method);
  if (attest_call (do_exec, &ld, 0, &co))
    {
      attest_call_to_attempt (&co, ATTEST_CALL_EXEC, &a);
      if (!co.has_result && co.child.exited && co.child.exit_code != 0)
        {
          attest_attempt_set_outcome (&a, "LDSO_REFUSED");
          attest_format (a.detail, sizeof a.detail, "the loader ran but exited with status %d: it could not run the file",
                         co.child.exit_code);
        }
      attest_record_attempt (ctx, &a);
    }
  else
    attest_error (ctx, "cannot start an attempt child: %s", strerror (errno));
  unlink (copy);
}

static void
mprotect_rx (void *arg, AttestCallResult *res)
{
  (void) arg;
  void *p = mmap (NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED)
    {
      attest_result_errno (res, -1);
      return;
    }
  int r = mprotect (p, 4096, PROT_READ | PROT_EXEC);
  attest_result_errno (res, r);
  munmap (p, 4096);
}

void
attest_probe_exec_out (AttestCtx *ctx)
{
  const AttestOptions *o = ctx->opts;
  char copy[4096];
  attest_unique_path (copy, sizeof copy, o, o->out_dir, "exe");
  if (!copy_self (copy))
    attest_error (ctx, "cannot copy /proc/self/exe to %s: %s", copy, strerror (errno));
  else
    {
      const char *const self_argv[] = { "attest-probe-copy", ATTEST_EXEC_NOOP_ARG, NULL };
      ExecArg ea = { copy, self_argv, -1 };
      char method[ATTEST_METHOD_MAX];
      attest_format (method, sizeof method, "execve(\"%s\") of a copy of the probe", copy);
      attest_try (ctx, method, do_exec, &ea, 0, ATTEST_CALL_EXEC);
      unlink (copy);
    }
  attest_try (ctx, "mmap(PROT_READ|PROT_WRITE, MAP_ANONYMOUS) + mprotect(PROT_READ|PROT_EXEC)", mprotect_rx, NULL, 0, 0);
}
