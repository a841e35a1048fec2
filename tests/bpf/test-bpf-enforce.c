/* Loads compiled programs the way bwrap does (no_new_privs, then
 * prctl(PR_SET_SECCOMP)) in forked children and checks what real syscalls
 * return.  Filters use a sentinel errno (EUCLEAN) as their default so a
 * denial by the filter cannot be mistaken for a failure of the call. */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "compile.h"
#include "error.h"

#define SENTINEL EUCLEAN
#define BADFD 1000

typedef struct
{
  long nr;
  long a[6];
  gboolean int80;            /* i386 ABI through int 0x80 */
} Call;

typedef struct
{
  int signal;                /* the child died of this signal, 0 if not */
  long ret;
  int err;
} Outcome;

static GBytes *
compile_text (const char *text)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));
  g_autoptr(GError) error = NULL;
  g_autoptr(AttestPolicy) policy = attest_policy_load_bytes (bytes, "inline.json", &error);
  g_autoptr(AttestFilter) filter = NULL;
  AttestCompileOptions options = { 0 };

  g_assert_no_error (error);
  filter = attest_compile (policy, &options, &error);
  g_assert_no_error (error);
  return g_bytes_ref (filter->bpf);
}

static long
call_int80 (const Call *c)
{
#if defined(__x86_64__)
  long ret;
  __asm__ volatile ("int $0x80"
                    : "=a" (ret)
                    : "a" (c->nr), "b" (c->a[0]), "c" (c->a[1]), "d" (c->a[2])
                    : "memory");
  return ret;
#else
  (void) c;
  return -ENOSYS;
#endif
}

/* In the child: nothing but raw syscalls after the filter is in place. */
static G_GNUC_NORETURN void
child (GBytes *bpf, const Call *c, int out)
{
  struct sock_fprog prog = { 0 };
  long r[2];

  if (bpf != NULL)
    {
      prog.len = (unsigned short) (g_bytes_get_size (bpf) / sizeof (struct sock_filter));
      prog.filter = (struct sock_filter *) g_bytes_get_data (bpf, NULL);
    }
  if (bpf != NULL
      && (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0))
    _exit (99);
  if (c->int80)
    {
      long ret = call_int80 (c);
      r[0] = ret < 0 && ret > -4096 ? -1 : ret;
      r[1] = ret < 0 && ret > -4096 ? -ret : 0;
    }
  else
    {
      errno = 0;
      r[0] = syscall (c->nr, c->a[0], c->a[1], c->a[2], c->a[3], c->a[4], c->a[5]);
      r[1] = errno;
    }
  if (write (out, r, sizeof r) != sizeof r)
    _exit (98);
  _exit (0);
}

static Outcome
run (GBytes *bpf, const Call *c)
{
  int fds[2];
  int status = 0;
  long r[2] = { 0, 0 };
  Outcome o = { 0 };
  pid_t pid;

  g_assert_cmpint (pipe2 (fds, O_CLOEXEC), ==, 0);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      close (fds[0]);
      child (bpf, c, fds[1]);
    }
  close (fds[1]);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  if (WIFSIGNALED (status))
    o.signal = WTERMSIG (status);
  else
    {
      g_assert_cmpint (WEXITSTATUS (status), ==, 0);
      g_assert_cmpint (read (fds[0], r, sizeof r), ==, sizeof r);
      o.ret = r[0];
      o.err = (int) r[1];
    }
  close (fds[0]);
  return o;
}

#define CALL(n, ...) (&(Call) { .nr = (n), .a = { __VA_ARGS__ } })

static void
assert_errno (GBytes *bpf, const Call *c, int expected)
{
  Outcome o = run (bpf, c);

  g_test_message ("syscall %ld(%ld, %ld, %ld): signal %d ret %ld errno %d", c->nr, c->a[0], c->a[1],
                  c->a[2], o.signal, o.ret, o.err);
  g_assert_cmpint (o.signal, ==, 0);
  g_assert_cmpint (o.ret, ==, -1);
  g_assert_cmpint (o.err, ==, expected);
}

static void
assert_killed (GBytes *bpf, const Call *c)
{
  Outcome o = run (bpf, c);

  g_test_message ("syscall %ld: signal %d ret %ld errno %d", c->nr, o.signal, o.ret, o.err);
  g_assert_cmpint (o.signal, ==, SIGSYS);
}

/* Every test policy allows what the child needs after loading the filter. */
#define PRELUDE "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 117, \"syscalls\": [" \
  "{\"names\": [\"write\", \"exit_group\", \"exit\"], \"action\": \"SCMP_ACT_ALLOW\"}"

static void
test_allow_and_default (void)
{
  g_autoptr(GBytes) bpf = compile_text (PRELUDE ", {\"names\": [\"close\"], \"action\": \"SCMP_ACT_ALLOW\"}]}");

  assert_errno (bpf, CALL (SYS_close, BADFD), EBADF);   /* reached the kernel */
  assert_errno (bpf, CALL (SYS_dup, BADFD), SENTINEL);  /* not named: default */
}

static void
test_errno_ret (void)
{
  g_autoptr(GBytes) bpf = compile_text (PRELUDE ", {\"names\": [\"close\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 52}]}");

  assert_errno (bpf, CALL (SYS_close, BADFD), 52);
}

static void
test_args_and (void)
{
  g_autoptr(GBytes) bpf = compile_text (PRELUDE ", {\"names\": [\"lseek\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": ["
                                        "{\"index\": 1, \"value\": 5, \"op\": \"SCMP_CMP_EQ\"},"
                                        "{\"index\": 2, \"value\": 7, \"op\": \"SCMP_CMP_EQ\"}]}]}");

  assert_errno (bpf, CALL (SYS_lseek, BADFD, 5, 7), EBADF);
  assert_errno (bpf, CALL (SYS_lseek, BADFD, 5, 0), SENTINEL);
  assert_errno (bpf, CALL (SYS_lseek, BADFD, 0, 7), SENTINEL);
}

static void
test_args_repeated_index_is_or (void)
{
  g_autoptr(GBytes) bpf = compile_text (PRELUDE ", {\"names\": [\"lseek\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": ["
                                        "{\"index\": 1, \"value\": 5, \"op\": \"SCMP_CMP_EQ\"},"
                                        "{\"index\": 1, \"value\": 6, \"op\": \"SCMP_CMP_EQ\"}]}]}");

  assert_errno (bpf, CALL (SYS_lseek, BADFD, 5, 0), EBADF);
  assert_errno (bpf, CALL (SYS_lseek, BADFD, 6, 0), EBADF);
  assert_errno (bpf, CALL (SYS_lseek, BADFD, 7, 0), SENTINEL);
}

static void
test_masked_eq (void)
{
  g_autoptr(GBytes) bpf = compile_text (PRELUDE ", {\"names\": [\"lseek\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": ["
                                        "{\"index\": 1, \"value\": 240, \"valueTwo\": 48, \"op\": \"SCMP_CMP_MASKED_EQ\"}]}]}");

  assert_errno (bpf, CALL (SYS_lseek, BADFD, 0x35, 0), EBADF);
  assert_errno (bpf, CALL (SYS_lseek, BADFD, 0x45, 0), SENTINEL);
}

static void
test_64bit_comparisons (void)
{
  g_autoptr(GBytes) bpf = compile_text (PRELUDE ", {\"names\": [\"lseek\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": ["
                                        "{\"index\": 1, \"value\": 4294967296, \"op\": \"SCMP_CMP_GE\"}]}]}");

  assert_errno (bpf, CALL (SYS_lseek, BADFD, 0x100000000L, 0), EBADF);
  assert_errno (bpf, CALL (SYS_lseek, BADFD, 0xffffffffL, 0), SENTINEL);
}

static void
test_several_rules_one_syscall (void)
{
  g_autoptr(GBytes) bpf = compile_text (PRELUDE ", {\"names\": [\"lseek\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": ["
                                        "{\"index\": 2, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]},"
                                        "{\"names\": [\"lseek\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 52, \"args\": ["
                                        "{\"index\": 2, \"value\": 2, \"op\": \"SCMP_CMP_EQ\"}]}]}");

  assert_errno (bpf, CALL (SYS_lseek, BADFD, 0, 1), EBADF);
  assert_errno (bpf, CALL (SYS_lseek, BADFD, 0, 2), 52);
  assert_errno (bpf, CALL (SYS_lseek, BADFD, 0, 3), SENTINEL);
}

static void
test_enosys_stub (void)
{
  /* Highest named: exit_group (231).  Above it ENOSYS, below it the default. */
  g_autoptr(GBytes) bpf = compile_text (PRELUDE "]}");

  assert_errno (bpf, CALL (SYS_dup, BADFD), SENTINEL);
  assert_errno (bpf, CALL (SYS_openat, -1, 0, 0), ENOSYS);  /* 257 > 231 */
  assert_errno (bpf, CALL (1000), ENOSYS);
}

static void
test_x32_killed (void)
{
  g_autoptr(GBytes) bpf = compile_text (PRELUDE ", {\"names\": [\"close\"], \"action\": \"SCMP_ACT_ALLOW\"}]}");

  assert_killed (bpf, CALL (0x40000000 | SYS_close, BADFD));
  assert_killed (bpf, CALL (0x40000000 | 1000));
}

static gboolean
int80_available (void)
{
  Call getpid32 = { .nr = 20, .int80 = TRUE };
  Outcome o = run (NULL, &getpid32);
  return o.signal == 0 && o.ret > 0;
}

static void
test_int80_killed (void)
{
  g_autoptr(GBytes) bpf = compile_text (PRELUDE ", {\"names\": [\"getpid\"], \"action\": \"SCMP_ACT_ALLOW\"}]}");
  Call getpid32 = { .nr = 20, .int80 = TRUE };

  if (!int80_available ())
    {
      g_test_skip ("this kernel has no i386 emulation");
      return;
    }
  assert_killed (bpf, &getpid32);
}

static void
test_socketcall_closed_when_socket_has_args (void)
{
  /* i386 listed, socket() allowed for AF_UNIX only.  libseccomp alone would
   * turn that into socketcall(SYS_SOCKET) allowed for any family. */
  g_autoptr(GBytes) bpf = compile_text (
    "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 117, \"architectures\": [\"SCMP_ARCH_X86\"], \"syscalls\": ["
    "{\"names\": [\"write\", \"exit_group\", \"exit\", \"close\", \"futex_requeue\"], \"action\": \"SCMP_ACT_ALLOW\"},"
    "{\"names\": [\"socket\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]}]}");
  guint32 *args = mmap (NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
  Call socketcall = { .nr = 102, .a = { 1 /* SYS_SOCKET */ }, .int80 = TRUE };
  Call socket32_inet = { .nr = 359, .a = { 2 /* AF_INET */, 2 /* SOCK_DGRAM */, 0 }, .int80 = TRUE };
  Call close32 = { .nr = 6, .a = { BADFD }, .int80 = TRUE };
  Call socket32_unix = { .nr = 359, .a = { 1 /* AF_UNIX */, 2 /* SOCK_DGRAM */, 0 }, .int80 = TRUE };
  Outcome o;

  if (!int80_available ())
    {
      g_test_skip ("this kernel has no i386 emulation");
      return;
    }
  g_assert_true (args != MAP_FAILED);
  args[0] = 38; /* AF_ALG */
  args[1] = 5;  /* SOCK_SEQPACKET */
  args[2] = 0;
  socketcall.a[1] = (long) (guintptr) args;
  assert_errno (bpf, &close32, EBADF);               /* i386 rules work */
  /* futex_requeue (456) lifts the stub's maximum above socket (359). */
  o = run (bpf, &socket32_unix);
  g_assert_cmpint (o.signal, ==, 0);
  g_assert_cmpint (o.ret, >=, 0);                    /* direct socket(): allowed family */
  assert_errno (bpf, &socket32_inet, SENTINEL);      /* direct socket(): family checked */
  assert_errno (bpf, &socketcall, SENTINEL);         /* the multiplexer: closed */
  munmap (args, 4096);
}

static void
test_shipped_policy (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("ATTEST_SRCDIR"), "seccomp", "deny-by-default.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AttestPolicy) policy = attest_policy_load_file (path, &error);
  g_autoptr(AttestFilter) filter = NULL;
  AttestCompileOptions options = { 0 };
  GBytes *bpf;

  g_assert_no_error (error);
  filter = attest_compile (policy, &options, &error);
  g_assert_no_error (error);
  bpf = filter->bpf;
  assert_errno (bpf, CALL (SYS_socket, 1, 1, 0), EPERM);
  assert_errno (bpf, CALL (SYS_ptrace, 0 /* PTRACE_TRACEME */), EPERM);
  assert_errno (bpf, CALL (SYS_mount, 0, 0, 0, 0, 0), EPERM);
  assert_errno (bpf, CALL (SYS_unshare, 0x10000000 /* CLONE_NEWUSER */), EPERM);
  assert_errno (bpf, CALL (SYS_setns, -1, 0), EPERM);
  assert_errno (bpf, CALL (SYS_keyctl, 0), EPERM);
  assert_errno (bpf, CALL (SYS_bpf, 0, 0, 0), EPERM);
  assert_errno (bpf, CALL (SYS_perf_event_open, 0, 0, 0, 0, 0), EPERM);
  assert_errno (bpf, CALL (SYS_userfaultfd, 0), EPERM);
  assert_errno (bpf, CALL (SYS_io_uring_setup, 0, 0), EPERM);
  assert_errno (bpf, CALL (SYS_memfd_create, 0, 0), EPERM);
  assert_errno (bpf, CALL (SYS_clone, 0x10000000 | SIGCHLD), EPERM);
  assert_errno (bpf, CALL (SYS_clone3, 0, 0), ENOSYS);
  assert_errno (bpf, CALL (SYS_ioctl, 0, 0x5412 /* TIOCSTI */, 0), EPERM);
  assert_errno (bpf, CALL (SYS_ioctl, 0, 0x100005412L, 0), EPERM);
  assert_errno (bpf, CALL (SYS_close, BADFD), EBADF);
  assert_killed (bpf, CALL (0x40000000 | SYS_close, BADFD));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/bpf/allow-and-default", test_allow_and_default);
  g_test_add_func ("/bpf/errno-ret", test_errno_ret);
  g_test_add_func ("/bpf/args/distinct-indexes-and", test_args_and);
  g_test_add_func ("/bpf/args/repeated-index-or", test_args_repeated_index_is_or);
  g_test_add_func ("/bpf/args/masked-eq", test_masked_eq);
  g_test_add_func ("/bpf/args/64-bit-comparison", test_64bit_comparisons);
  g_test_add_func ("/bpf/rules/several-for-one-syscall", test_several_rules_one_syscall);
  g_test_add_func ("/bpf/stub/enosys-above-highest", test_enosys_stub);
  g_test_add_func ("/bpf/abi/x32-killed", test_x32_killed);
  g_test_add_func ("/bpf/abi/int80-killed", test_int80_killed);
  g_test_add_func ("/bpf/abi/socketcall-closed-when-socket-has-args", test_socketcall_closed_when_socket_has_args);
  g_test_add_func ("/bpf/shipped-policy/denies-escapes", test_shipped_policy);
  return g_test_run ();
}
