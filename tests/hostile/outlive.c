/* A double fork that tries to outlive the sandbox: the grandchild leaves
 * the session, ignores every signal it can, clears its death signal and
 * keeps writing a heartbeat counter to /out/heartbeat; the payload itself
 * exits at once.  When the sandbox's init goes, the pid namespace goes
 * with it: the heartbeat must stop. */
#include "hostile.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>

int
main (void)
{
  pid_t child = fork ();

  if (child == 0)
    {
      (void) setsid ();
      if (fork () != 0)
        _exit (0);
      for (int sig = 1; sig < 65; sig++)
        (void) signal (sig, SIG_IGN);
      (void) prctl (PR_SET_PDEATHSIG, 0);
      for (long beat = 1;; beat++)
        {
          char text[32];
          int fd = open ("/out/heartbeat", O_WRONLY | O_CREAT | O_TRUNC, 0644);
          int len = snprintf (text, sizeof text, "%ld\n", beat);
          struct timespec ts = { 0, 20 * 1000 * 1000 };

          if (fd >= 0)
            {
              (void) !write (fd, text, (size_t) len);
              close (fd);
            }
          nanosleep (&ts, NULL);
        }
    }
  (void) waitpid (child, NULL, 0);
  {
    struct timespec ts = { 0, 300 * 1000 * 1000 };
    nanosleep (&ts, NULL);  /* let the grandchild beat a few times */
  }
  say ("outlive: grandchild detached, parent exits");
  return 0;
}
