/* Closes every inherited descriptor, then tries to reopen them: its own
 * through /proc/self/fd, and the sandbox init's (pid 1) through
 * /proc/1/fd/N.  A reopened pipe to the host could forge bwrap's
 * json-status (the namespace ids NAMESPACES checks), so whatever opens
 * for writing gets a forged line.  Reports on a copy of stdout kept at
 * fd 100, which it closes last. */
#include "hostile.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <sys/syscall.h>

static const char forged[] = "{\"child-pid\": 2, \"cgroup-namespace\": 1, \"ipc-namespace\": 2, "
                             "\"mnt-namespace\": 3, \"net-namespace\": 4, \"pid-namespace\": 5, "
                             "\"uts-namespace\": 6, \"exit-code\": 0}\n";

static void
report (const char *text)
{
  (void) !write (100, text, strlen (text));
}

int
main (void)
{
  char line[512], path[64], target[256];
  int reopened = 0;

  if (dup2 (1, 100) != 100)
    return 1;
  for (int i = 0; i < 100; i++)
    {
      ssize_t n;
      snprintf (path, sizeof path, "/proc/self/fd/%d", i);
      if ((n = readlink (path, target, sizeof target - 1)) < 0)
        continue;
      target[n] = '\0';
      snprintf (line, sizeof line, "fds: inherited %d -> %s\n", i, target);
      report (line);
    }
  /* close_range may be denied by the policy: close one by one then. */
  if (syscall (SYS_close_range, 0, 99, 0) < 0)
    for (int i = 0; i < 100; i++)
      (void) close (i);
  for (int i = 0; i < 3; i++)
    {
      snprintf (path, sizeof path, "/proc/self/fd/%d", i);
      int fd = open (path, O_WRONLY);
      snprintf (line, sizeof line, "fds: reopen %s: %s\n", path, outcome (fd, errno));
      report (line);
    }
  for (int i = 0; i < 256; i++)
    {
      snprintf (path, sizeof path, "/proc/1/fd/%d", i);
      int fd = open (path, O_WRONLY | O_NONBLOCK);
      if (fd < 0 && (errno == ENOENT))
        continue;
      snprintf (line, sizeof line, "fds: reopen %s: %s\n", path, outcome (fd, errno));
      report (line);
      if (fd >= 0)
        {
          reopened++;
          (void) !write (fd, forged, sizeof forged - 1);
          close (fd);
        }
    }
  snprintf (line, sizeof line, "fds: reopened %d of the sandbox init's descriptors\n", reopened);
  report (line);
  close (100);
  return 0;
}
