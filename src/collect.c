#include "collect.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "fdutil.h"

static const char *const namespace_names[] = { "cgroup", "ipc", "mnt", "net", "pid", "uts", "user", NULL };

void
attest_status_free (AttestStatus *s)
{
  if (s == NULL)
    return;
  g_clear_pointer (&s->namespaces, g_hash_table_unref);
  g_free (s->problem);
  g_free (s);
}

static gboolean
integer_member (const AttestJson *object, const char *key, gint64 *out)
{
  const AttestJson *node = attest_json_member (object, key);
  guint64 v;

  if (node == NULL || !attest_json_get_u64 (node, key, G_MAXINT64, &v, NULL))
    return FALSE;
  *out = (gint64) v;
  return TRUE;
}

static void
status_line (AttestStatus *s, const char *line)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AttestJson) obj = attest_json_parse (line, strlen (line), "json-status", &error);
  gint64 v;

  if (obj == NULL || obj->type != ATTEST_JSON_OBJECT)
    {
      if (s->problem == NULL)
        s->problem = g_strdup (error != NULL ? error->message : "json-status: a line is not an object");
      return;
    }
  if (integer_member (obj, "child-pid", &v))
    {
      s->has_child_pid = TRUE;
      s->child_pid = v;
    }
  if (integer_member (obj, "exit-code", &v))
    {
      s->has_exit_code = TRUE;
      s->exit_code = v;
    }
  for (guint i = 0; namespace_names[i] != NULL; i++)
    {
      g_autofree char *key = g_strconcat (namespace_names[i], "-namespace", NULL);
      if (integer_member (obj, key, &v))
        g_hash_table_insert (s->namespaces, g_strdup (namespace_names[i]), g_memdup2 (&v, sizeof v));
    }
}

AttestStatus *
attest_collect_status (GBytes *stream)
{
  AttestStatus *s = g_new0 (AttestStatus, 1);
  gsize len = 0;
  const char *data = g_bytes_get_data (stream, &len);
  g_autofree char *text = g_strndup (data != NULL ? data : "", len);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  s->namespaces = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; lines[i] != NULL; i++)
    if (*g_strstrip (lines[i]) != '\0')
      status_line (s, lines[i]);
  return s;
}

GHashTable *
attest_collect_host_namespaces (void)
{
  GHashTable *ns = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; namespace_names[i] != NULL; i++)
    {
      g_autofree char *path = g_strconcat ("/proc/self/ns/", namespace_names[i], NULL);
      struct stat st;
      gint64 inode;

      if (stat (path, &st) < 0)
        continue;
      inode = (gint64) st.st_ino;
      g_hash_table_insert (ns, g_strdup (namespace_names[i]), g_memdup2 (&inode, sizeof inode));
    }
  return ns;
}

GBytes *
attest_collect_inside (const char *out_dir, GError **error)
{
  attest_autofd dir = open (out_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  attest_autofd fd = -1;
  g_autoptr(GBytes) bytes = NULL;
  struct stat st;

  if (dir < 0)
    {
      int errsv = errno;
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_BLOCKED, "%s: %s", out_dir, g_strerror (errsv));
      return NULL;
    }
  /* O_NONBLOCK: a FIFO planted by the sandbox must not hang the host. */
  fd = openat (dir, ATTEST_INSIDE_NAME, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0)
    {
      int errsv = errno;
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_BLOCKED, "%s/%s: %s", out_dir, ATTEST_INSIDE_NAME,
                   errsv == ELOOP ? "is a symbolic link (refused)"
                   : errsv == ENOENT ? "the probe wrote no result" : g_strerror (errsv));
      return NULL;
    }
  if (fstat (fd, &st) < 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_BLOCKED, "%s/%s: not a regular file (refused)",
                   out_dir, ATTEST_INSIDE_NAME);
      return NULL;
    }
  if ((guint64) st.st_size > ATTEST_INSIDE_MAX_BYTES)
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_BLOCKED, "%s/%s: %" G_GINT64_FORMAT
                   " bytes, over the limit of %u (refused)", out_dir, ATTEST_INSIDE_NAME,
                   (gint64) st.st_size, ATTEST_INSIDE_MAX_BYTES);
      return NULL;
    }
  bytes = attest_read_fd_limited (fd, ATTEST_INSIDE_MAX_BYTES, ATTEST_INSIDE_NAME, error);
  if (bytes == NULL)
    {
      (*error)->code = ATTEST_ERROR_BLOCKED;
      return NULL;
    }
  if (!g_utf8_validate (g_bytes_get_data (bytes, NULL), (gssize) g_bytes_get_size (bytes), NULL))
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_BLOCKED, "%s/%s: not valid UTF-8", out_dir, ATTEST_INSIDE_NAME);
      return NULL;
    }
  return g_steal_pointer (&bytes);
}
