/* Other system call ABIs: an x32 call (__X32_SYSCALL_BIT) and int 0x80
 * (i386), each in a child, then int 0x80 in the main process.  The
 * filter's bad-architecture action is KILL_PROCESS: each child dies by
 * SIGSYS and so does this process at the end (SANDBOX-EXIT).  A call that
 * ran would write an ESCAPED line. */
#include "hostile.h"

#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define X32_BIT 0x40000000L
#define I386_WRITE 4
#define I386_GETPID 20

static long
int80 (long nr, long a, long b, long c)
{
  long ret;
  __asm__ volatile ("int $0x80" : "=a" (ret) : "a" (nr), "b" (a), "c" (b), "d" (c) : "memory");
  return ret;
}

static const char escaped[] = "abi: ESCAPED through int 0x80\n";

static void
in_child (const char *what, int which)
{
  pid_t pid = fork ();
  int status = 0;

  if (pid == 0)
    {
      long rc;
      if (which == 0)
        rc = syscall (X32_BIT | SYS_getpid);
      else
        rc = int80 (I386_WRITE, 1, (long) escaped, (long) sizeof escaped - 1);
      say ("abi %s: ESCAPED, returned %ld (%s)", what, rc, outcome (rc, errno));
      _exit (0);
    }
  if (pid < 0 || waitpid (pid, &status, 0) < 0)
    {
      say ("abi %s: fork/wait %s", what, outcome (-1, errno));
      return;
    }
  if (WIFSIGNALED (status))
    say ("abi %s: killed by %s", what, sigabbrev_np (WTERMSIG (status)));
  else
    say ("abi %s: exited %d", what, WEXITSTATUS (status));
}

int
main (void)
{
  in_child ("x32", 0);
  in_child ("int80", 1);
  say ("abi main: int 0x80 next");
  int80 (I386_GETPID, 0, 0, 0);
  say ("abi main: ESCAPED, still running after int 0x80");
  return 0;
}
