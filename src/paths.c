#include "paths.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"

#define REMOVE_MAX_DEPTH 256

gboolean
attest_paths_in_build_tree (void)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = exe != NULL ? g_path_get_dirname (exe) : NULL;
  g_autofree char *build_src = g_build_filename (ATTEST_BUILD_BUILDDIR, "src", NULL);

  return dir != NULL && strcmp (dir, build_src) == 0;
}

char *
attest_paths_probe (void)
{
  if (attest_paths_in_build_tree ())
    return g_build_filename (ATTEST_BUILD_BUILDDIR, "probes", "sandbox-probe", NULL);
  return g_build_filename (ATTEST_PKGLIBEXECDIR, "sandbox-probe", NULL);
}

static char *
data_file (const char *subdir, const char *name)
{
  if (attest_paths_in_build_tree ())
    return g_build_filename (ATTEST_BUILD_SRCDIR, subdir, name, NULL);
  return g_build_filename (ATTEST_PKGDATADIR, name, NULL);
}

char *
attest_paths_policy (void)
{
  return data_file ("seccomp", "deny-by-default.json");
}

char *
attest_paths_matrix (void)
{
  return data_file ("data", "matrix.json");
}

char *
attest_paths_bundle_schema (void)
{
  return data_file ("schemas", "bundle.schema.json");
}

char *
attest_paths_bwrap (void)
{
  if (*ATTEST_BWRAP_PINNED != '\0')
    return g_strdup (ATTEST_BWRAP_PINNED);
  return g_find_program_in_path ("bwrap");
}

static gboolean
remove_at (int parent, const char *name, guint depth, GError **error)
{
  struct stat st;
  int fd;
  DIR *dir;
  struct dirent *e;
  gboolean ok = TRUE;

  if (fstatat (parent, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return errno == ENOENT;
  if (!S_ISDIR (st.st_mode))
    return unlinkat (parent, name, 0) == 0 || errno == ENOENT;
  if (depth > REMOVE_MAX_DEPTH)
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_FAILED, "%s: nested deeper than %d folders", name, REMOVE_MAX_DEPTH);
      return FALSE;
    }
  (void) fchmodat (parent, name, 0700, 0);
  fd = openat (parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 || (dir = fdopendir (fd)) == NULL)
    {
      int errsv = errno;
      if (fd >= 0)
        close (fd);
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_FAILED, "%s: %s", name, g_strerror (errsv));
      return FALSE;
    }
  while (ok && (e = readdir (dir)) != NULL)
    if (strcmp (e->d_name, ".") != 0 && strcmp (e->d_name, "..") != 0)
      ok = remove_at (dirfd (dir), e->d_name, depth + 1, error);
  closedir (dir);
  if (ok && unlinkat (parent, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
    {
      int errsv = errno;
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_FAILED, "%s: %s", name, g_strerror (errsv));
      return FALSE;
    }
  return ok;
}

gboolean
attest_paths_remove_tree (const char *path, GError **error)
{
  if (!remove_at (AT_FDCWD, path, 0, error))
    {
      g_prefix_error (error, "removing %s: ", path);
      return FALSE;
    }
  return TRUE;
}

gboolean
attest_paths_within (const char *path, const char *dir)
{
  g_autofree char *real_path = realpath (path, NULL);
  g_autofree char *real_dir = realpath (dir, NULL);
  gsize n = real_dir != NULL ? strlen (real_dir) : 0;

  if (real_path == NULL || real_dir == NULL)
    return FALSE;
  return strncmp (real_path, real_dir, n) == 0
         && (real_path[n] == '\0' || real_path[n] == '/' || strcmp (real_dir, "/") == 0);
}
