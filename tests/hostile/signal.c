/* Tries to kill, ptrace or signal whatever supervises it: the parent, the
 * sandbox's init (pid 1), every pid the namespace might hold, the process
 * group and session, through kill, tgkill, pidfd_send_signal, ptrace and
 * process_vm_writev.  The launcher must survive, write its bundle and
 * judge the payload; the sandbox's init must survive too (SANDBOX-EXIT
 * sees this process exit 0).  Reports each attempt. */
#include "hostile.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>

int
main (void)
{
  pid_t self = getpid (), parent = getppid ();
  int hits = 0;
  long rc;
  char byte = 0;
  struct iovec local = { &byte, 1 }, remote = { (void *) 0x400000, 1 };

  say ("signal: pid %d, parent %d", (int) self, (int) parent);
  rc = ptrace (PTRACE_ATTACH, parent, 0, 0);
  say ("signal: ptrace(ATTACH, parent): %s", outcome (rc, errno));
  rc = ptrace (PTRACE_SEIZE, 1, 0, 0);
  say ("signal: ptrace(SEIZE, 1): %s", outcome (rc, errno));
  rc = ptrace (PTRACE_TRACEME, 0, 0, 0);
  say ("signal: ptrace(TRACEME): %s", outcome (rc, errno));
  rc = process_vm_writev (1, &local, 1, &remote, 1, 0);
  say ("signal: process_vm_writev(1): %s", outcome (rc, errno));
  rc = open ("/proc/1/mem", O_RDWR);
  say ("signal: open /proc/1/mem: %s", outcome (rc, errno));
  rc = syscall (SYS_pidfd_open, 1, 0);
  say ("signal: pidfd_open(1): %s", outcome (rc, errno));
  if (rc >= 0)
    {
      long r2 = syscall (SYS_pidfd_send_signal, (int) rc, SIGKILL, NULL, 0);
      say ("signal: pidfd_send_signal(init, SIGKILL): %s", outcome (r2, errno));
    }
  rc = syscall (SYS_tgkill, 1, 1, SIGKILL);
  say ("signal: tgkill(1, 1, SIGKILL): %s", outcome (rc, errno));
  for (int sig = 1; sig < 32; sig++)
    if (sig != SIGKILL && sig != SIGSTOP)
      (void) signal (sig, SIG_IGN);
  rc = kill (parent, SIGKILL);
  say ("signal: kill(parent, SIGKILL): %s", outcome (rc, errno));
  rc = kill (1, SIGTERM);
  say ("signal: kill(1, SIGTERM): %s", outcome (rc, errno));
  rc = kill (-1, SIGKILL);
  say ("signal: kill(-1, SIGKILL): %s", outcome (rc, errno));
  rc = kill (0, SIGHUP);
  say ("signal: kill(0, SIGHUP): %s", outcome (rc, errno));
  rc = kill (-getsid (0), SIGTERM);
  say ("signal: kill(-session, SIGTERM): %s", outcome (rc, errno));
  /* Every pid a namespace could hand out below 1<<16: only our own
   * namespace's are reachable, so hits stay tiny. */
  for (pid_t pid = 2; pid < 65536; pid++)
    if (pid != self && kill (pid, SIGKILL) == 0)
      hits++;
  say ("signal: kill(2..65535, SIGKILL) reached %d processes", hits);
  say ("signal: still alive");
  return 0;
}
