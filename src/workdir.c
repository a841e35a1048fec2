#include "workdir.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "paths.h"
#include "profile.h"

static gboolean
fail (GError **error, AttestError code, const char *path)
{
  int errsv = errno;
  if (error != NULL && *error == NULL)
    g_set_error (error, ATTEST_ERROR, code, "%s: %s", path, g_strerror (errsv));
  return FALSE;
}

/* Every folder from / down to @path lets others pass (x for others). */
static gboolean
reachable_by_others (const char *path)
{
  g_autofree char *p = g_canonicalize_filename (path, NULL);

  for (;;)
    {
      struct stat st;
      char *slash;

      if (stat (p, &st) < 0 || !(st.st_mode & S_IXOTH))
        return FALSE;
      if (strcmp (p, "/") == 0)
        return TRUE;
      slash = strrchr (p, '/');
      slash[slash == p ? 1 : 0] = '\0';
    }
}

static gboolean
sandbox_reaches (const char *what, const char *path, GError **error)
{
  if (getuid () != 0 || reachable_by_others (path))
    return TRUE;
  g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_USAGE,
               "%s %s: the sandbox runs as host uid %u, which cannot reach it (a folder on the way is not o+x)",
               what, path, ATTEST_SANDBOX_UID);
  return FALSE;
}

/* Under $TMPDIR when the sandbox's uid can reach it, else under /tmp. */
static char *
make_private_dir (GError **error)
{
  g_autofree char *template = NULL;

  if (getuid () != 0 || reachable_by_others (g_get_tmp_dir ()))
    return g_dir_make_tmp ("sandbox-attest-XXXXXX", error);
  template = g_strdup ("/tmp/sandbox-attest-XXXXXX");
  if (g_mkdtemp (template) == NULL)
    {
      fail (error, ATTEST_ERROR_FAILED, template);
      return NULL;
    }
  return g_steal_pointer (&template);
}

static gboolean
make_fixture_in (const char *dir, GError **error)
{
  g_autofree char *fixture = g_build_filename (dir, ATTEST_FIXTURE_NAME, NULL);

  if (g_mkdir (dir, 0755) < 0)
    return fail (error, ATTEST_ERROR_OUTPUT, dir);
  if (!g_file_set_contents (fixture, ATTEST_FIXTURE_TEXT, -1, error))
    return FALSE;
  if (chmod (fixture, 0444) < 0 || chmod (dir, 0555) < 0)
    return fail (error, ATTEST_ERROR_OUTPUT, dir);
  return TRUE;
}

static gboolean
make_out (const char *dir, GError **error)
{
  if (g_mkdir (dir, 0755) < 0)
    return fail (error, ATTEST_ERROR_OUTPUT, dir);
  /* EINVAL: root of a user namespace that does not map 65532, where the
   * sandbox's uid cannot be had at all: the sandbox cannot be built. */
  if (getuid () == 0 && chown (dir, ATTEST_SANDBOX_UID, ATTEST_SANDBOX_GID) < 0)
    return fail (error, ATTEST_ERROR_BLOCKED, dir);
  return TRUE;
}

/* A folder bound into the sandbox must not hold the work folder: the
 * sandbox could then change the probe copy or the staged /tmp's mount
 * point (--out /tmp, or TMPDIR under --out). */
static gboolean
holds_workdir (const char *option, const char *dir, const char *work, GError **error)
{
  if (dir == NULL || !attest_paths_within (work, dir))
    return TRUE;
  g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_USAGE, "%s %s holds the work folder %s, which the sandbox must "
               "not reach: choose another folder, or set TMPDIR outside it", option, dir, work);
  return FALSE;
}

AttestWorkdir *
attest_workdir_new (const char *in_dir, const char *out_dir, GError **error)
{
  g_autoptr(AttestWorkdir) w = g_new0 (AttestWorkdir, 1);

  if ((in_dir != NULL && !sandbox_reaches ("--in", in_dir, error))
      || (out_dir != NULL && !sandbox_reaches ("--out", out_dir, error)))
    return NULL;
  w->path = make_private_dir (error);
  if (w->path == NULL)
    return NULL;
  if (!holds_workdir ("--in", in_dir, w->path, error) || !holds_workdir ("--out", out_dir, w->path, error))
    {
      attest_workdir_remove (w, NULL);
      return NULL;
    }
  if (getuid () == 0 && chmod (w->path, 0711) < 0)
    {
      fail (error, ATTEST_ERROR_FAILED, w->path);
      return NULL;
    }
  w->staged_tmp = g_build_filename (w->path, "tmp", NULL);
  w->made_in = in_dir == NULL;
  w->made_out = out_dir == NULL;
  w->in_dir = in_dir != NULL ? g_canonicalize_filename (in_dir, NULL) : g_build_filename (w->path, "in", NULL);
  w->out_dir = out_dir != NULL ? g_canonicalize_filename (out_dir, NULL) : g_build_filename (w->path, "out", NULL);
  if (g_mkdir (w->staged_tmp, 0700) < 0)
    {
      fail (error, ATTEST_ERROR_FAILED, w->staged_tmp);
      attest_workdir_remove (w, NULL);
      return NULL;
    }
  if ((w->made_in && !make_fixture_in (w->in_dir, error)) || (w->made_out && !make_out (w->out_dir, error)))
    {
      attest_workdir_remove (w, NULL);
      return NULL;
    }
  return g_steal_pointer (&w);
}

gboolean
attest_workdir_remove (AttestWorkdir *w, GError **error)
{
  if (w->path == NULL)
    return TRUE;
  if (!attest_paths_remove_tree (w->path, error))
    return FALSE;
  g_clear_pointer (&w->path, g_free);
  return TRUE;
}

void
attest_workdir_free (AttestWorkdir *w)
{
  if (w == NULL)
    return;
  g_free (w->path);
  g_free (w->staged_tmp);
  g_free (w->in_dir);
  g_free (w->out_dir);
  g_free (w);
}
