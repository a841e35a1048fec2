/* probe-util.c: helpers shared by the probe groups; see probes.h. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "probes.h"

void
attest_unique_path (char *buf, size_t size, const AttestOptions *opts,
                    const char *dir, const char *tag)
{
  const char *sep = (dir[0] != '\0' && dir[strlen (dir) - 1] == '/') ? "" : "/";
  snprintf (buf, size, "%s%s.attest-probe-%s-%s", dir, sep, tag, opts->nonce);
}

bool
attest_status_field (const char *key, char *buf, size_t size)
{
  AttestBuf b;
  attest_buf_init (&b);
  bool found = false;
  if (attest_read_file ("/proc/self/status", 64 << 10, &b) > 0)
    {
      size_t klen = strlen (key);
      for (const char *line = b.data; line != NULL && *line; )
        {
          const char *nl = strchr (line, '\n');
          size_t llen = nl ? (size_t) (nl - line) : strlen (line);
          if (llen > klen && strncmp (line, key, klen) == 0 && line[klen] == ':')
            {
              const char *v = line + klen + 1;
              const char *end = line + llen;
              while (v < end && isspace ((unsigned char) *v))
                v++;
              while (end > v && isspace ((unsigned char) end[-1]))
                end--;
              snprintf (buf, size, "%.*s", (int) (end - v), v);
              found = true;
              break;
            }
          line = nl ? nl + 1 : NULL;
        }
    }
  attest_buf_free (&b);
  return found;
}

bool
attest_contains_ci (const char *name, const char *needle)
{
  size_t n = strlen (needle);
  for (const char *p = name; *p; p++)
    if (strncasecmp (p, needle, n) == 0)
      return true;
  return false;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void
unescape_field (char *dst, size_t size, const char *src, size_t len)
{
  size_t o = 0;
  for (size_t i = 0; i < len && o + 1 < size; i++)
    {
      if (src[i] == '\\' && i + 3 < len && src[i + 1] >= '0' && src[i + 1] <= '3')
        {
          dst[o++] = (char) ((src[i + 1] - '0') * 64 + (src[i + 2] - '0') * 8 + (src[i + 3] - '0'));
          i += 3;
        }
      else
        dst[o++] = src[i];
    }
  dst[o] = '\0';
}

/* True when mount point @mp contains @path (component-wise prefix). */
static bool
mount_contains (const char *mp, const char *path)
{
  if (strcmp (mp, "/") == 0)
    return path[0] == '/';
  size_t n = strlen (mp);
  return strncmp (mp, path, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

bool
attest_find_mount (const char *mountinfo, const char *path, bool containing, AttestMount *out)
{
  bool found = false;
  size_t best = 0;
  for (const char *line = mountinfo; line != NULL && *line; )
    {
      const char *nl = strchr (line, '\n');
      size_t llen = nl ? (size_t) (nl - line) : strlen (line);
      /* Fields: id parent major:minor root mount_point options [optional…] - fstype source super */
      const char *f[6];
      size_t fl[6];
      const char *p = line, *end = line + llen;
      int nf = 0;
      while (nf < 6 && p < end)
        {
          const char *s = p;
          while (p < end && *p != ' ')
            p++;
          f[nf] = s;
          fl[nf] = (size_t) (p - s);
          nf++;
          if (p < end)
            p++;
        }
      const char *dash = NULL;
      for (const char *q = p; q + 1 < end; q++)
        if (q[0] == '-' && q[1] == ' ' && (q == p || q[-1] == ' '))
          {
            dash = q;
            break;
          }
      if (nf == 6 && dash != NULL)
        {
          char mp[512];
          unescape_field (mp, sizeof mp, f[4], fl[4]);
          bool match = containing ? mount_contains (mp, path) && strlen (mp) >= best
                                  : strcmp (mp, path) == 0;
          if (match)
            {
              best = strlen (mp);
              AttestMount m;
              memset (&m, 0, sizeof m);
              snprintf (m.mount_point, sizeof m.mount_point, "%s", mp);
              snprintf (m.mount_options, sizeof m.mount_options, "%.*s", (int) fl[5], f[5]);
              size_t optlen = (size_t) (dash - p);
              snprintf (m.optional, sizeof m.optional, "%.*s", (int) (optlen > 0 ? optlen - 1 : 0), p);
              const char *r = dash + 2;
              const char *fs_end = memchr (r, ' ', (size_t) (end - r));
              if (fs_end != NULL)
                {
                  snprintf (m.fstype, sizeof m.fstype, "%.*s", (int) (fs_end - r), r);
                  const char *src = fs_end + 1;
                  const char *src_end = memchr (src, ' ', (size_t) (end - src));
                  if (src_end != NULL)
                    {
                      unescape_field (m.source, sizeof m.source, src, (size_t) (src_end - src));
                      snprintf (m.super_options, sizeof m.super_options, "%.*s",
                                (int) (end - src_end - 1), src_end + 1);
                    }
                }
              *out = m;
              found = true;   /* keep going: the last match is the visible one */
            }
        }
      line = nl ? nl + 1 : NULL;
    }
  return found;
}

bool
attest_has_option (const char *options, const char *opt)
{
  size_t n = strlen (opt);
  for (const char *p = options; p != NULL && *p; )
    {
      const char *c = strchr (p, ',');
      size_t len = c ? (size_t) (c - p) : strlen (p);
      if (len == n && strncmp (p, opt, n) == 0)
        return true;
      p = c ? c + 1 : NULL;
    }
  return false;
}
