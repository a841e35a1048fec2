/* probe-fs.c: filesystem, mount, /proc and /sys, and /dev probes.
 *
 * Safety: every write attempt creates a new uniquely named file with
 * O_CREAT|O_EXCL (or a new directory, or a node) and removes it at once when
 * the attempt succeeds. Files are only opened for writing without O_TRUNC and
 * without writing ("zero-byte open", linPEAS), which changes nothing. Mount
 * attempts target a directory the probe created, or are arranged to change
 * nothing when they succeed (see attest_probe_mount_2). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "probes.h"

/* ---- call functions ------------------------------------------------------ */

static void
create_excl (void *arg, AttestCallResult *res)
{
  const char *path = arg;
  int fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
  attest_result_errno (res, fd);
  if (fd >= 0)
    {
      close (fd);
      int r = unlink (path);
      attest_result_detail (res, r == 0 ? "created a new file, removed it again"
                                        : "created a new file; removing it failed");
    }
}

static void
make_dir (void *arg, AttestCallResult *res)
{
  const char *path = arg;
  int r = mkdir (path, 0700);
  attest_result_errno (res, r);
  if (r == 0)
    {
      unlinkat (AT_FDCWD, path, AT_REMOVEDIR);
      attest_result_detail (res, "created a new directory, removed it again");
    }
}

/* Open for writing without O_TRUNC and without writing: changes nothing. */
static void
open_for_write (void *arg, AttestCallResult *res)
{
  const char *path = arg;
  int fd = open (path, O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  attest_result_errno (res, fd);
  if (fd >= 0)
    {
      attest_result_detail (res, "opened for writing (closed again, nothing written)");
      close (fd);
    }
}

static void
open_for_read (void *arg, AttestCallResult *res)
{
  const char *path = arg;
  int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  attest_result_errno (res, fd);
  if (fd >= 0)
    {
      attest_result_detail (res, "opened for reading (closed again, nothing read)");
      close (fd);
    }
}

static void
try_path (AttestCtx *ctx, const char *verb, AttestCallFn fn, const char *path)
{
  char method[ATTEST_METHOD_MAX];
  attest_format (method, sizeof method, "%s(\"%s\")", verb, path);
  attest_try (ctx, method, fn, (void *) path, 0, 0);
}

#define CREATE_VERB "open(O_WRONLY|O_CREAT|O_EXCL)"

/* ---- PR-FS-RO-IN, PR-FS-ESC-1, PR-FS-ESC-2, PR-FS-OUT-OK ------------------ */

void
attest_probe_fs_ro_in (AttestCtx *ctx)
{
  /* Creating a name checks the mount before the directory's permissions
   * (EROFS first); opening an existing file would check its mode first and
   * answer EACCES for read-only content, which proves nothing about /in. */
  char file[4096], dir[4096];
  attest_unique_path (file, sizeof file, ctx->opts, ctx->opts->in_dir, "file");
  attest_unique_path (dir, sizeof dir, ctx->opts, ctx->opts->in_dir, "dir");
  try_path (ctx, CREATE_VERB, create_excl, file);
  try_path (ctx, "mkdir", make_dir, dir);
}

void
attest_probe_fs_esc_1 (AttestCtx *ctx)
{
  char file[256], dir[256];
  attest_unique_path (file, sizeof file, ctx->opts, "/", "file");
  attest_unique_path (dir, sizeof dir, ctx->opts, "/", "dir");
  try_path (ctx, CREATE_VERB, create_excl, file);
  try_path (ctx, "mkdir", make_dir, dir);
}

void
attest_probe_fs_esc_2 (AttestCtx *ctx)
{
  const AttestOptions *o = ctx->opts;
  char up_in[4096], up_out[4096], up_tmp[4096];
  snprintf (up_in, sizeof up_in, "%s/..", o->in_dir);
  snprintf (up_out, sizeof up_out, "%s/..", o->out_dir);
  snprintf (up_tmp, sizeof up_tmp, "%s/..", o->tmp_dir);
  const char *bases[] = { "/proc/1/root", "/proc/self/root", up_in, up_out, up_tmp, "/proc/self/cwd/.." };
  for (size_t i = 0; i < sizeof bases / sizeof bases[0]; i++)
    {
      char path[4096];
      attest_unique_path (path, sizeof path, o, bases[i], "esc");
      try_path (ctx, CREATE_VERB, create_excl, path);
    }
  /* A symlink in /out that points at "/": writing through it must still hit
   * the read-only root. The link itself is the probe's own, removed after. */
  char link[4096];
  attest_unique_path (link, sizeof link, o, o->out_dir, "link");
  if (symlink ("/", link) == 0)
    {
      char path[4096];
      attest_unique_path (path, sizeof path, o, link, "esc");
      try_path (ctx, CREATE_VERB, create_excl, path);
      unlink (link);
    }
  else
    attest_fact_string (ctx, "symlink_escape", "not tried: cannot create a symlink in the output folder");
}

static void
out_roundtrip (void *arg, AttestCallResult *res)
{
  const char *path = arg;
  char data[4096], back[4096];
  for (size_t i = 0; i < sizeof data; i++)
    data[i] = (char) ('a' + i % 26);
  int fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    {
      attest_result_errno (res, fd);
      attest_result_detail (res, "create failed");
      return;
    }
  bool ok = attest_write_all (fd, data, sizeof data);
  int e = errno;
  if (ok && fsync (fd) != 0)
    {
      ok = false;
      e = errno;
    }
  close (fd);
  if (!ok)
    {
      unlink (path);
      res->ret = -1;
      res->err = e;
      attest_result_detail (res, "write or fsync failed");
      return;
    }
  fd = open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  ssize_t n = fd >= 0 ? read (fd, back, sizeof back) : -1;
  e = errno;
  if (fd >= 0)
    close (fd);
  unlink (path);
  if (n < 0)
    {
      res->ret = -1;
      res->err = e;
      attest_result_detail (res, "read back failed");
      return;
    }
  res->ret = n;
  if (n != (ssize_t) sizeof data || memcmp (data, back, sizeof data) != 0)
    {
      snprintf (res->token, sizeof res->token, "READBACK_MISMATCH");
      attest_result_detail (res, "read back %zd bytes that differ from what was written", n);
      return;
    }
  attest_result_detail (res, "wrote 4096 bytes, fsync, read them back identical, removed the file");
}

void
attest_probe_fs_out_ok (AttestCtx *ctx)
{
  char path[4096], method[ATTEST_METHOD_MAX];
  attest_unique_path (path, sizeof path, ctx->opts, ctx->opts->out_dir, "outok");
  attest_format (method, sizeof method, "create, write 4096 bytes, fsync, read back and remove \"%s\"", path);
  attest_try (ctx, method, out_roundtrip, path, 0, 0);
}

/* ---- PR-MOUNT-1, PR-MOUNT-3 ---------------------------------------------- */

static bool
read_mountinfo (AttestCtx *ctx, AttestBuf *b, const char *method)
{
  attest_buf_init (b);
  if (attest_read_file ("/proc/self/mountinfo", 1 << 20, b) >= 0)
    return true;
  int e = errno;
  attest_record (ctx, method, NULL, -1, e, "cannot read /proc/self/mountinfo");
  attest_error (ctx, "cannot read /proc/self/mountinfo: %s", strerror (e));
  return false;
}

static void
check_ro_rw (AttestCtx *ctx, const char *mountinfo, const char *path, const char *prefix, bool want_ro)
{
  char method[ATTEST_METHOD_MAX], token[ATTEST_TOKEN_MAX];
  attest_format (method, sizeof method, "mountinfo: flags of the mount holding %s", path);
  AttestMount m;
  if (!attest_find_mount (mountinfo, path, true, &m))
    {
      snprintf (token, sizeof token, "%s_MISSING", prefix);
      attest_record (ctx, method, token, 0, 0, "no mount holds %s", path);
      return;
    }
  bool ro = attest_has_option (m.mount_options, "ro");
  snprintf (token, sizeof token, "%s_%s", prefix, ro ? "RO" : "RW");
  attest_record (ctx, method, token, 0, 0, "mount %s: %s (%s)%s", m.mount_point, m.mount_options,
                 m.fstype, want_ro == ro ? "" : " (unexpected)");
}

void
attest_probe_mount_1 (AttestCtx *ctx)
{
  AttestBuf b;
  if (!read_mountinfo (ctx, &b, "read /proc/self/mountinfo"))
    return;
  check_ro_rw (ctx, b.data, "/", "ROOT", true);
  check_ro_rw (ctx, b.data, ctx->opts->in_dir, "IN", true);
  check_ro_rw (ctx, b.data, ctx->opts->out_dir, "OUT", false);

  const char *tmp = ctx->opts->tmp_dir;
  char method[ATTEST_METHOD_MAX];
  attest_format (method, sizeof method, "mountinfo: %s is a noexec,nosuid,nodev mount", tmp);
  AttestMount m;
  if (!attest_find_mount (b.data, tmp, false, &m))
    attest_record (ctx, method, "TMP_NOT_A_MOUNT", 0, 0, "%s is not a mount point", tmp);
  else
    {
      const char *token = "TMP_HARDENED";
      if (!attest_has_option (m.mount_options, "noexec"))
        token = "NOEXEC_MISSING";
      else if (!attest_has_option (m.mount_options, "nosuid"))
        token = "NOSUID_MISSING";
      else if (!attest_has_option (m.mount_options, "nodev"))
        token = "NODEV_MISSING";
      else if (attest_has_option (m.mount_options, "ro"))
        token = "TMP_RO";
      attest_record (ctx, method, token, 0, 0, "%s: %s (%s %s)", m.mount_point, m.mount_options,
                     m.fstype, m.super_options);
    }
  attest_buf_free (&b);
}

static void
check_flags (AttestCtx *ctx, const char *mountinfo, const char *path, const char *const *flags)
{
  char method[ATTEST_METHOD_MAX];
  size_t used = (size_t) attest_format (method, sizeof method, "mountinfo: the mount holding %s has", path);
  for (size_t i = 0; flags[i] != NULL && used < sizeof method; i++)
    used += (size_t) snprintf (method + used, sizeof method - used, "%s%s", i ? "," : " ", flags[i]);
  AttestMount m;
  if (!attest_find_mount (mountinfo, path, true, &m))
    {
      attest_record (ctx, method, "MOUNT_MISSING", 0, 0, "no mount holds %s", path);
      return;
    }
  for (size_t i = 0; flags[i] != NULL; i++)
    if (!attest_has_option (m.mount_options, flags[i]))
      {
        char token[ATTEST_TOKEN_MAX];
        snprintf (token, sizeof token, "%s_MISSING", flags[i]);
        for (char *p = token; *p; p++)
          if (*p >= 'a' && *p <= 'z')
            *p = (char) (*p - 'a' + 'A');
        attest_record (ctx, method, token, 0, 0, "%s: %s", m.mount_point, m.mount_options);
        return;
      }
  attest_record (ctx, method, "FLAGS_OK", 0, 0, "%s: %s", m.mount_point, m.mount_options);
}

void
attest_probe_mount_3 (AttestCtx *ctx)
{
  AttestBuf b;
  if (!read_mountinfo (ctx, &b, "read /proc/self/mountinfo"))
    return;
  /* Propagation: a shared mount would let mounts travel between the sandbox
   * and the host (CIS Docker 5.20). */
  int shared = 0, kernel_rw = 0, total = 0;
  AttestBuf offenders;
  attest_buf_init (&offenders);
  attest_buf_puts (&offenders, "[");
  static const char *const kernel_fs[] = { "sysfs", "cgroup", "cgroup2", "debugfs", "securityfs", "bpf", "tracefs", "configfs", NULL };
  for (char *line = b.data; line != NULL && *line; )
    {
      char *nl = strchr (line, '\n');
      if (nl)
        *nl = '\0';
      total++;
      char *dash = strstr (line, " - ");
      if (dash != NULL)
        {
          *dash = '\0';
          bool is_shared = strstr (line, " shared:") != NULL;
          char fstype[64] = "";
          sscanf (dash + 3, "%63s", fstype);
          /* mount options are field 6 */
          char opts[256] = "", mp[512] = "";
          sscanf (line, "%*s %*s %*s %*s %511s %255s", mp, opts);
          bool kfs_rw = false;
          for (size_t k = 0; kernel_fs[k]; k++)
            if (strcmp (fstype, kernel_fs[k]) == 0 && !attest_has_option (opts, "ro"))
              kfs_rw = true;
          shared += is_shared;
          kernel_rw += kfs_rw;
          if (is_shared || kfs_rw)
            {
              attest_buf_printf (&offenders, "%s{\"mount_point\":", offenders.len > 1 ? "," : "");
              attest_json_escape (&offenders, mp, strlen (mp));
              attest_buf_printf (&offenders, ",\"shared\":%s,\"kernel_fs_rw\":%s}",
                                 is_shared ? "true" : "false", kfs_rw ? "true" : "false");
            }
        }
      line = nl ? nl + 1 : NULL;
    }
  attest_buf_puts (&offenders, "]");
  attest_fact_raw (ctx, "offending_mounts", offenders.data, offenders.len);
  attest_buf_free (&offenders);
  attest_buf_free (&b);
  if (!read_mountinfo (ctx, &b, "read /proc/self/mountinfo"))
    return;
  attest_record (ctx, "mountinfo: no mount has shared propagation", shared ? "SHARED_PROPAGATION" : "NO_SHARED_PROPAGATION",
                 shared, 0, "%d of %d mounts are shared", shared, total);
  attest_record (ctx, "mountinfo: no sysfs, cgroup, debugfs, securityfs, bpf, tracefs or configfs mounted rw",
                 kernel_rw ? "KERNEL_FS_RW" : "NO_KERNEL_FS_RW", kernel_rw, 0, "%d rw kernel filesystem mount(s)", kernel_rw);
  static const char *const nosuid_nodev[] = { "nosuid", "nodev", NULL };
  static const char *const proc_flags[] = { "nosuid", "nodev", "noexec", NULL };
  check_flags (ctx, b.data, ctx->opts->in_dir, nosuid_nodev);
  check_flags (ctx, b.data, ctx->opts->out_dir, nosuid_nodev);
  check_flags (ctx, b.data, "/proc", proc_flags);
  attest_buf_free (&b);
}

/* ---- PR-MOUNT-2 ------------------------------------------------------------ */

static void
mount_tmpfs_own (void *arg, AttestCallResult *res)
{
  const char *dir = arg;
  int r = mount ("attest-probe", dir, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4k");
  attest_result_errno (res, r);
  if (r == 0)
    {
      umount2 (dir, MNT_DETACH);
      attest_result_detail (res, "mounted a tmpfs on the probe's own directory, unmounted it again");
    }
}

static void
remount_rw (void *arg, AttestCallResult *res)
{
  const char *dir = arg;
  /* Was it read-only before? Then a successful rw remount is undone. */
  AttestBuf b;
  attest_buf_init (&b);
  AttestMount m;
  bool was_ro = attest_read_file ("/proc/self/mountinfo", 1 << 20, &b) >= 0
                && attest_find_mount (b.data, dir, false, &m) && attest_has_option (m.mount_options, "ro");
  attest_buf_free (&b);
  int r = mount (NULL, dir, NULL, MS_REMOUNT | MS_BIND, NULL);
  attest_result_errno (res, r);
  if (r == 0)
    {
      if (was_ro)
        mount (NULL, dir, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL);
      attest_result_detail (res, "remounted read-write%s", was_ro ? ", then read-only again" : "");
    }
}

static void
umount_expire (void *arg, AttestCallResult *res)
{
  /* MNT_EXPIRE only marks an unused mount (EAGAIN) and never detaches it on
   * the first call: harmless on the host, yet it needs the same permission
   * as a real unmount. */
  int r = umount2 ((const char *) arg, MNT_EXPIRE);
  attest_result_errno (res, r);
  if (r < 0 && (errno == EAGAIN || errno == EBUSY))
    attest_result_detail (res, "the kernel accepted the unmount request (the mount was only marked)");
}

static void
chroot_own (void *arg, AttestCallResult *res)
{
  int r = chroot ((const char *) arg);   /* affects this attempt child only */
  attest_result_errno (res, r);
}

static void
pivot_root_own (void *arg, AttestCallResult *res)
{
  /* new_root is the probe's own directory, which is not a mount point: the
   * kernel refuses with EINVAL after its permission checks, so nothing can
   * change even where pivot_root is allowed. */
  const char *dir = arg;
  long r = syscall (SYS_pivot_root, dir, dir);
  attest_result_errno (res, r);
}

static void
fsopen_tmpfs (void *arg, AttestCallResult *res)
{
  (void) arg;
  long fd = syscall (SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
  attest_result_errno (res, fd);
  if (fd >= 0)
    close ((int) fd);
}

static void
open_tree_clone (void *arg, AttestCallResult *res)
{
  long fd = syscall (SYS_open_tree, AT_FDCWD, (const char *) arg, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  attest_result_errno (res, fd);
  if (fd >= 0)
    {
      attest_result_detail (res, "cloned a detached mount tree (dropped again)");
      close ((int) fd);
    }
}

void
attest_probe_mount_2 (AttestCtx *ctx)
{
  const AttestOptions *o = ctx->opts;
  char own[4096];
  attest_unique_path (own, sizeof own, o, o->tmp_dir, "mnt");
  if (mkdir (own, 0700) != 0)
    {
      attest_unique_path (own, sizeof own, o, o->out_dir, "mnt");
      if (mkdir (own, 0700) != 0)
        {
          attest_error (ctx, "cannot create a directory of its own in %s or %s: %s", o->tmp_dir, o->out_dir, strerror (errno));
          return;
        }
    }
  char method[ATTEST_METHOD_MAX];
  attest_format (method, sizeof method, "mount(\"attest-probe\", \"%s\", \"tmpfs\", MS_NOSUID|MS_NODEV|MS_NOEXEC)", own);
  attest_try (ctx, method, mount_tmpfs_own, own, 0, 0);
  attest_format (method, sizeof method, "mount(NULL, \"%s\", NULL, MS_REMOUNT|MS_BIND, NULL) (read-write remount)", o->in_dir);
  attest_try (ctx, method, remount_rw, (void *) o->in_dir, 0, 0);
  attest_format (method, sizeof method, "umount2(\"%s\", MNT_EXPIRE)", o->in_dir);
  attest_try (ctx, method, umount_expire, (void *) o->in_dir, 0, 0);
  attest_format (method, sizeof method, "chroot(\"%s\")", own);
  attest_try (ctx, method, chroot_own, own, 0, 0);
  attest_format (method, sizeof method, "pivot_root(\"%s\", \"%s\")", own, own);
  attest_try (ctx, method, pivot_root_own, own, 0, 0);
  attest_try (ctx, "fsopen(\"tmpfs\", FSOPEN_CLOEXEC)", fsopen_tmpfs, NULL, 0, 0);
  attest_format (method, sizeof method, "open_tree(AT_FDCWD, \"%s\", OPEN_TREE_CLONE)", o->in_dir);
  attest_try (ctx, method, open_tree_clone, (void *) o->in_dir, 0, 0);
  umount2 (own, MNT_DETACH);   /* in case an attempt child was killed mid-way */
  unlinkat (AT_FDCWD, own, AT_REMOVEDIR);
}

/* ---- PR-PROCSYS-1 ------------------------------------------------------------ */

void
attest_probe_procsys_1 (AttestCtx *ctx)
{
  static const char *const fixed[] = {
    "/proc/sys/kernel/core_pattern", "/proc/sys/kernel/modprobe", "/proc/sysrq-trigger",
    "/proc/sys/vm/panic_on_oom", "/proc/sys/fs/suid_dumpable", "/proc/sys/fs/binfmt_misc/register",
    "/proc/sys/kernel/panic", "/sys/kernel/uevent_helper", "/sys/fs/cgroup/cgroup.procs",
    "/sys/fs/cgroup/release_agent", "/sys/fs/cgroup/memory/release_agent",
    "/sys/kernel/mm/transparent_hugepage/enabled", "/sys/power/state",
  };
  for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
    try_path (ctx, "open(O_WRONLY) without writing", open_for_write, fixed[i]);

  /* The probe's own cgroup (v2 line "0::/path"): its limits must not be
   * writable from inside. */
  AttestBuf b;
  attest_buf_init (&b);
  if (attest_read_file ("/proc/self/cgroup", 64 << 10, &b) > 0)
    {
      char *line = strstr (b.data, "0::");
      if (line != NULL && (line == b.data || line[-1] == '\n'))
        {
          char *end = strchr (line, '\n');
          if (end)
            *end = '\0';
          static const char *const files[] = { "cgroup.procs", "memory.max", "pids.max", "cpu.max" };
          for (size_t i = 0; i < 4; i++)
            {
              char path[4096];
              attest_format (path, sizeof path, "/sys/fs/cgroup%s%s%s", line + 3,
                        strcmp (line + 3, "/") == 0 ? "" : "/", files[i]);
              try_path (ctx, "open(O_WRONLY) without writing", open_for_write, path);
            }
        }
    }
  attest_buf_free (&b);
}

/* ---- PR-DEV-1 ---------------------------------------------------------------- */

static void
mknod_own (void *arg, AttestCallResult *res)
{
  const char *path = arg;
  int r = mknod (path, S_IFCHR | 0600, makedev (1, 3));
  attest_result_errno (res, r);
  if (r == 0)
    {
      unlink (path);
      attest_result_detail (res, "created a character device node (1:3), removed it again");
    }
}

void
attest_probe_dev_1 (AttestCtx *ctx)
{
  static const char *const allowed[] = {
    ".", "..", "null", "zero", "full", "random", "urandom", "tty", "ptmx", "pts", "shm", "fd",
    "stdin", "stdout", "stderr", "core", "console", "mqueue", NULL,
  };
  DIR *d = opendir ("/dev");
  if (d == NULL)
    attest_record (ctx, "list /dev", NULL, -1, errno, "cannot list /dev");
  else
    {
      AttestBuf entries, extra;
      attest_buf_init (&entries);
      attest_buf_init (&extra);
      attest_buf_puts (&entries, "[");
      attest_buf_puts (&extra, "[");
      int n = 0, n_extra = 0;
      struct dirent *de;
      while ((de = readdir (d)) != NULL)
        {
          if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
            continue;
          struct stat st;
          char path[512];
          attest_format (path, sizeof path, "/dev/%s", de->d_name);
          bool have = lstat (path, &st) == 0;
          char type = !have ? '?' : S_ISCHR (st.st_mode) ? 'c' : S_ISBLK (st.st_mode) ? 'b'
                      : S_ISDIR (st.st_mode) ? 'd' : S_ISLNK (st.st_mode) ? 'l' : S_ISSOCK (st.st_mode) ? 's' : '-';
          if (n++ < 256)
            {
              attest_buf_printf (&entries, "%s{\"name\":", n > 1 ? "," : "");
              attest_json_escape (&entries, de->d_name, strlen (de->d_name));
              attest_buf_printf (&entries, ",\"type\":\"%c\"", type);
              if (have && (type == 'c' || type == 'b'))
                attest_buf_printf (&entries, ",\"rdev\":\"%u:%u\"", major (st.st_rdev), minor (st.st_rdev));
              attest_buf_puts (&entries, "}");
            }
          bool ok = false;
          for (size_t k = 0; allowed[k]; k++)
            ok |= strcmp (allowed[k], de->d_name) == 0;
          if (!ok && n_extra++ < 64)
            {
              attest_buf_puts (&extra, n_extra > 1 ? "," : "");
              attest_json_escape (&extra, de->d_name, strlen (de->d_name));
            }
        }
      closedir (d);
      attest_buf_puts (&entries, "]");
      attest_buf_puts (&extra, "]");
      attest_fact_raw (ctx, "dev_entries", entries.data, entries.len);
      attest_fact_raw (ctx, "dev_unexpected", extra.data, extra.len);
      attest_record (ctx, "list /dev: only null, zero, full, random, urandom, tty, ptmx, pts, shm, fd, std*, core, console, mqueue",
                     n_extra ? "DEV_EXTRA" : "DEV_MINIMAL", n, 0, "%d entries, %d unexpected", n, n_extra);
      attest_buf_free (&entries);
      attest_buf_free (&extra);
    }
  static const char *const devices[] = {
    "/dev/mem", "/dev/kmem", "/dev/port", "/dev/kmsg", "/dev/sda", "/dev/vda", "/dev/nvme0n1",
    "/dev/xvda", "/dev/kvm", "/dev/fuse", "/dev/net/tun", "/dev/userfaultfd", "/dev/vhost-vsock",
    "/dev/loop-control", "/dev/mapper/control",
  };
  for (size_t i = 0; i < sizeof devices / sizeof devices[0]; i++)
    try_path (ctx, "open(O_RDONLY)", open_for_read, devices[i]);
  const char *dirs[] = { ctx->opts->tmp_dir, ctx->opts->out_dir };
  for (size_t i = 0; i < 2; i++)
    {
      char path[4096];
      attest_unique_path (path, sizeof path, ctx->opts, dirs[i], "node");
      char method[ATTEST_METHOD_MAX];
      attest_format (method, sizeof method, "mknod(\"%s\", S_IFCHR|0600, makedev(1, 3))", path);
      attest_try (ctx, method, mknod_own, path, 0, 0);
    }
}

/* ---- PR-SECRETS-FS ------------------------------------------------------------- */

void
attest_probe_secrets_fs (AttestCtx *ctx)
{
  static const char *const paths[] = {
    "/etc/shadow", "/etc/gshadow", "/etc/sudoers", "/root", "/root/.ssh", "/root/.aws/credentials",
    "/root/.docker/config.json", "/root/.kube/config", "/root/.git-credentials", "/home",
    "/var/run/secrets/kubernetes.io/serviceaccount/token", "/run/secrets", "/etc/ssh/ssh_host_ed25519_key",
  };
  for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
    try_path (ctx, "open(O_RDONLY)", open_for_read, paths[i]);
}
