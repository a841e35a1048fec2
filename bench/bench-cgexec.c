/* Runs a command inside fresh cgroup v1 limits equal to the reference
 * `docker run` (pids 64, memory 256m, memory+swap 256m, cpu quota
 * 100000/100000), the way a minimal launcher would: create, attach the
 * child before it execs, wait, read the peaks, remove.  It is the fair
 * baseline for `sandbox-attest run`: bare bwrap in the same limits, so the
 * probe's limit probes behave alike in both.
 *
 * Usage: bench-cgexec [--peaks FILE] -- COMMAND [ARG...]
 * Needs root and the v1 pids, memory and cpu hierarchies under
 * /sys/fs/cgroup (memory: below the caller's own memory cgroup).
 * Exit status: the command's (128+N for a signal), 125 on a set-up error.
 *
 * --peaks FILE: the command's stdout is read line by line; after every TAP
 * line of the probe ("ok N - PR-X ..." / "not ok ...") the memory cgroup's
 * max_usage_in_bytes is read and reset, so FILE gets one "ID BYTES" line per
 * probe (the peak while that probe ran; the next probe's first instants can
 * fall into it), then "all BYTES" for the whole run and "limit BYTES". */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define LIMIT_BYTES "268435456"

enum { PIDS, MEMORY, CPU, N_CG };

static char cg[N_CG][512];

static int
write_file (const char *dir, const char *file, const char *text)
{
  char path[640];
  int fd, ok;

  snprintf (path, sizeof path, "%s/%s", dir, file);
  fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  ok = write (fd, text, strlen (text)) == (ssize_t) strlen (text);
  close (fd);
  return ok ? 0 : -1;
}

static long long
read_number (const char *dir, const char *file)
{
  char path[640], buf[64] = "";
  int fd;
  ssize_t n;

  snprintf (path, sizeof path, "%s/%s", dir, file);
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  n = read (fd, buf, sizeof buf - 1);
  close (fd);
  return n > 0 ? atoll (buf) : -1;
}

/* The caller's memory cgroup, from /proc/self/cgroup ("4:memory:/a/b"). */
static int
own_memcg (char *out, size_t size)
{
  char line[512];
  FILE *f = fopen ("/proc/self/cgroup", "re");
  int found = 0;

  while (f != NULL && !found && fgets (line, sizeof line, f) != NULL)
    {
      char *p = strstr (line, ":memory:");
      if (p != NULL)
        {
          p[strcspn (p, "\n")] = '\0';
          snprintf (out, size, "%s", strcmp (p + 8, "/") == 0 ? "" : p + 8);
          found = 1;
        }
    }
  if (f != NULL)
    fclose (f);
  return found ? 0 : -1;
}

static int
make_cgroups (void)
{
  char memcg[400];
  int pid = (int) getpid ();

  if (own_memcg (memcg, sizeof memcg) < 0)
    return -1;
  snprintf (cg[PIDS], sizeof cg[PIDS], "/sys/fs/cgroup/pids/bench-cgexec-%d", pid);
  snprintf (cg[MEMORY], sizeof cg[MEMORY], "/sys/fs/cgroup/memory%s/bench-cgexec-%d", memcg, pid);
  snprintf (cg[CPU], sizeof cg[CPU], "/sys/fs/cgroup/cpu/bench-cgexec-%d", pid);
  for (int i = 0; i < N_CG; i++)
    if (mkdir (cg[i], 0755) < 0)
      return -1;
  return write_file (cg[PIDS], "pids.max", "64")
         | write_file (cg[MEMORY], "memory.limit_in_bytes", LIMIT_BYTES)
         | write_file (cg[MEMORY], "memory.memsw.limit_in_bytes", LIMIT_BYTES)
         | write_file (cg[CPU], "cpu.cfs_period_us", "100000")
         | write_file (cg[CPU], "cpu.cfs_quota_us", "100000");
}

static void
remove_cgroups (void)
{
  for (int i = 0; i < N_CG; i++)
    if (cg[i][0] != '\0')
      (void) rmdir (cg[i]);
}

/* Reads the probe's TAP lines and takes the memory peak after each. */
static void
follow_tap (int fd, FILE *peaks)
{
  char buf[65536];
  size_t len = 0;
  ssize_t n;

  while ((n = read (fd, buf + len, sizeof buf - 1 - len)) > 0 || (n < 0 && errno == EINTR))
    {
      char *line = buf, *nl;

      len += n > 0 ? (size_t) n : 0;
      buf[len] = '\0';
      while ((nl = strchr (line, '\n')) != NULL)
        {
          char id[64];
          *nl = '\0';
          if (sscanf (line, "ok %*d - %63s", id) == 1 || sscanf (line, "not ok %*d - %63s", id) == 1)
            {
              fprintf (peaks, "%s %lld\n", id, read_number (cg[MEMORY], "memory.max_usage_in_bytes"));
              (void) write_file (cg[MEMORY], "memory.max_usage_in_bytes", "0");
            }
          line = nl + 1;
        }
      len -= (size_t) (line - buf);
      memmove (buf, line, len);
      if (len == sizeof buf - 1)
        len = 0;   /* an overlong line: dropped */
    }
}

int
main (int argc, char **argv)
{
  const char *peaks_path = NULL;
  FILE *peaks = NULL;
  int go[2], out[2] = { -1, -1 }, status = 0, argi = 1;
  long long all_peak;
  char pid_text[32];
  pid_t pid;

  if (argc > 2 && strcmp (argv[1], "--peaks") == 0)
    {
      peaks_path = argv[2];
      argi = 3;
    }
  if (argi >= argc || strcmp (argv[argi], "--") != 0 || argi + 1 >= argc)
    {
      fprintf (stderr, "usage: bench-cgexec [--peaks FILE] -- COMMAND [ARG...]\n");
      return 125;
    }
  argi++;
  if (make_cgroups () < 0 || pipe2 (go, O_CLOEXEC) < 0 || (peaks_path != NULL && pipe2 (out, O_CLOEXEC) < 0))
    {
      fprintf (stderr, "bench-cgexec: setting up cgroups: %s\n", strerror (errno));
      remove_cgroups ();
      return 125;
    }
  pid = fork ();
  if (pid == 0)
    {
      char c;
      if (read (go[0], &c, 1) != 1)
        _exit (125);
      if (out[1] >= 0)
        dup2 (out[1], 1);
      execvp (argv[argi], argv + argi);
      _exit (127);
    }
  snprintf (pid_text, sizeof pid_text, "%d", (int) pid);
  for (int i = 0; i < N_CG && pid > 0; i++)
    if (write_file (cg[i], "cgroup.procs", pid_text) < 0)
      {
        fprintf (stderr, "bench-cgexec: attaching: %s\n", strerror (errno));
        kill (pid, SIGKILL);
      }
  (void) write (go[1], "g", 1);
  close (go[0]);
  close (go[1]);
  if (out[1] >= 0)
    {
      close (out[1]);
      peaks = fopen (peaks_path, "we");
      if (peaks != NULL)
        {
          (void) write_file (cg[MEMORY], "memory.max_usage_in_bytes", "0");
          follow_tap (out[0], peaks);
        }
      close (out[0]);
    }
  while (pid > 0 && waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  all_peak = read_number (cg[MEMORY], "memory.max_usage_in_bytes");
  if (peaks != NULL)
    {
      fprintf (peaks, "limit %s\n", LIMIT_BYTES);
      fprintf (peaks, "last %lld\n", all_peak);
      fclose (peaks);
    }
  /* bwrap's pid 1 may still be tearing down: let the cgroups empty. */
  for (int i = 0; i < N_CG; i++)
    for (int tries = 0; tries < 500 && rmdir (cg[i]) < 0 && errno == EBUSY; tries++)
      usleep (1000);
  return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
}
