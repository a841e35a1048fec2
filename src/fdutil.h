/* File-descriptor helpers: close-on-exec from birth, EINTR loops in one
 * place, capped reads of untrusted files, sealed memfds for data handed
 * to bwrap.
 */
#pragma once

#include <glib.h>
#include <sys/types.h>

G_BEGIN_DECLS

/* GLib 2.74 lacks g_autofd/g_clear_fd (2.76); this is the same idea.
 * close() is never retried on EINTR: on Linux the fd is gone either way. */
void attest_close_fd (int *fdp);

static inline void
attest_close_fd_cleanup (int *fdp)
{
  attest_close_fd (fdp);
}
#define attest_autofd __attribute__ ((cleanup (attest_close_fd_cleanup))) int

gboolean attest_write_all (int fd, const void *data, gsize len, GError **error);

/* Reads at most @max_bytes; more is an error (untrusted input). */
GBytes *attest_read_fd_limited (int fd, gsize max_bytes, const char *what, GError **error);

/* Opens @path with O_NOFOLLOW (when @nofollow) and reads it capped. */
GBytes *attest_read_file_limited (const char *path, gsize max_bytes, gboolean nofollow, GError **error);

/* A memfd holding @bytes, sealed against any change, offset 0. */
int attest_sealed_memfd_new (const char *name, GBytes *bytes, GError **error);

/* Writes @bytes to @path atomically: temp file in the same folder, fsync,
 * rename (or link when !@overwrite, so an existing file is never replaced).
 * On failure nothing is left at @path or in the temp name. */
gboolean attest_write_file_atomic (const char *path, GBytes *bytes, gboolean overwrite, GError **error);

char *attest_sha256_hex_bytes (GBytes *bytes);

G_END_DECLS
