/* Pushes a command into the terminal's input queue with TIOCSTI, through
 * every descriptor it has, /dev/tty and the init's descriptors: if it reached the
 * operator's terminal, the shell would run it after the tool exits
 * (CVE-2016-7545 class).  seccomp allows only TCGETS among ioctls and
 * bwrap --new-session leaves no controlling terminal. */
#include "hostile.h"

#include <fcntl.h>
#include <sys/ioctl.h>

static const char injected[] = "echo HOSTILE-TIOCSTI-INJECTED\n";

static void
inject (const char *what, int fd)
{
  long rc = 0;
  int err = 0;

  for (const char *c = injected; *c != '\0' && rc == 0; c++)
    if ((rc = ioctl (fd, TIOCSTI, c)) < 0)
      err = errno;
  say ("tiocsti %s: %s", what, outcome (rc, err));
}

int
main (void)
{
  char what[96];
  int fd;

  for (int i = 0; i < 16; i++)
    {
      snprintf (what, sizeof what, "fd %d", i);
      if (fcntl (i, F_GETFD) >= 0)
        inject (what, i);
    }
  fd = open ("/dev/tty", O_RDWR | O_NOCTTY);
  if (fd < 0)
    say ("tiocsti open /dev/tty: %s", outcome (-1, errno));
  else
    inject ("/dev/tty", fd);
  for (int i = 0; i < 16; i++)
    {
      char path[64];
      snprintf (path, sizeof path, "/proc/1/fd/%d", i);
      fd = open (path, O_RDWR | O_NOCTTY);
      if (fd >= 0)
        {
          snprintf (what, sizeof what, "via %s", path);
          inject (what, fd);
        }
    }
  return 0;
}
