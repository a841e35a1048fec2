#include "fdutil.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"

void
attest_close_fd (int *fdp)
{
  int errsv = errno;

  if (*fdp >= 0)
    (void) close (*fdp);
  *fdp = -1;
  errno = errsv;
}

gboolean
attest_write_all (int fd, const void *data, gsize len, GError **error)
{
  const guint8 *p = data;

  while (len > 0)
    {
      ssize_t n = write (fd, p, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int errsv = errno;
          g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_OUTPUT, "write: %s", g_strerror (errsv));
          return FALSE;
        }
      if (n == 0)
        {
          g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_OUTPUT, "write: %s", g_strerror (ENOSPC));
          return FALSE;
        }
      p += n;
      len -= (gsize) n;
    }
  return TRUE;
}

GBytes *
attest_read_fd_limited (int fd, gsize max_bytes, const char *what, GError **error)
{
  g_autoptr(GByteArray) buf = g_byte_array_new ();
  guint8 chunk[16384];

  for (;;)
    {
      ssize_t n = read (fd, chunk, sizeof chunk);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int errsv = errno;
          g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_IO, "%s: read: %s", what, g_strerror (errsv));
          return NULL;
        }
      if (n == 0)
        break;
      if (buf->len + (gsize) n > max_bytes)
        {
          g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_IO,
                       "%s: larger than the limit of %" G_GSIZE_FORMAT " bytes", what, max_bytes);
          return NULL;
        }
      g_byte_array_append (buf, chunk, (guint) n);
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&buf));
}

GBytes *
attest_read_file_limited (const char *path, gsize max_bytes, gboolean nofollow, GError **error)
{
  struct stat st;
  /* O_NONBLOCK: a FIFO named as an input must not hang the tool; the
   * regular-file check below then refuses it. */
  attest_autofd fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | (nofollow ? O_NOFOLLOW : 0));

  if (fd < 0)
    {
      int errsv = errno;
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_IO, "%s: %s", path,
                   errsv == ELOOP && nofollow ? "is a symbolic link (refused)" : g_strerror (errsv));
      return NULL;
    }
  if (fstat (fd, &st) < 0)
    {
      int errsv = errno;
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_IO, "%s: %s", path, g_strerror (errsv));
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_IO, "%s: not a regular file", path);
      return NULL;
    }
  if ((guint64) st.st_size > max_bytes)
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_IO,
                   "%s: larger than the limit of %" G_GSIZE_FORMAT " bytes", path, max_bytes);
      return NULL;
    }
  return attest_read_fd_limited (fd, max_bytes, path, error);
}

int
attest_sealed_memfd_new (const char *name, GBytes *bytes, GError **error)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  attest_autofd fd = memfd_create (name, MFD_CLOEXEC | MFD_ALLOW_SEALING);

  if (fd < 0)
    {
      int errsv = errno;
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_FAILED, "memfd_create: %s", g_strerror (errsv));
      return -1;
    }
  if (!attest_write_all (fd, data, len, error))
    return -1;
  if (fcntl (fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0
      || lseek (fd, 0, SEEK_SET) != 0)
    {
      int errsv = errno;
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_FAILED, "sealing memfd: %s", g_strerror (errsv));
      return -1;
    }
  return g_steal_fd (&fd);
}

static gboolean
fsync_dir_of (const char *path, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  attest_autofd dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (dfd < 0 || fsync (dfd) < 0)
    {
      int errsv = errno;
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_OUTPUT, "%s: fsync: %s", dir, g_strerror (errsv));
      return FALSE;
    }
  return TRUE;
}

gboolean
attest_write_file_atomic (const char *path, GBytes *bytes, gboolean overwrite, GError **error)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  g_autofree char *tmp = g_strdup_printf ("%s.tmp-XXXXXX", path);
  attest_autofd fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0644);
  int rc;

  if (fd < 0)
    {
      int errsv = errno;
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_OUTPUT, "%s: %s", path, g_strerror (errsv));
      return FALSE;
    }
  if (!attest_write_all (fd, data, len, error) || fsync (fd) < 0)
    {
      int errsv = errno;
      (void) unlink (tmp);
      if (error != NULL && *error == NULL)
        g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_OUTPUT, "fsync: %s", g_strerror (errsv));
      g_prefix_error (error, "%s: ", path);
      return FALSE;
    }
  /* link() fails with EEXIST instead of replacing: never over an existing file. */
  rc = overwrite ? rename (tmp, path) : link (tmp, path);
  if (rc < 0)
    {
      int errsv = errno;
      (void) unlink (tmp);
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_OUTPUT, "%s: %s", path,
                   errsv == EEXIST ? "already exists (refusing to overwrite)" : g_strerror (errsv));
      return FALSE;
    }
  if (!overwrite)
    (void) unlink (tmp);
  return fsync_dir_of (path, error);
}

char *
attest_sha256_hex_bytes (GBytes *bytes)
{
  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
}
