#include "sandbox-limits.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "error.h"
#include "fdutil.h"

/* Bounded: a sandbox that outlives teardown by more than this is an error,
 * not something to wait for. */
#define TEARDOWN_TIMEOUT_US (10 * G_USEC_PER_SEC)  /* generous: a loaded 2-core CI host */
#define TEARDOWN_POLL_US 5000
/* /proc/self/mountinfo and cgroup.procs are small; a cap still applies. */
#define READ_MAX (4u << 20)

typedef enum { SET_OK, SET_REFUSED, SET_FAILED } SetOutcome;

static const char *const limit_names[ATTEST_N_LIMITS] = { "pids", "memory", "swap", "cpu" };
/* The cgroup controller each limit needs. */
static const char *const limit_controllers[ATTEST_N_LIMITS] = { "pids", "memory", "memory", "cpu" };
static const char *const controllers[] = { "pids", "memory", "cpu", NULL };

/* One mounted cgroup hierarchy and the caller's place in it. */
typedef struct
{
  int version;               /* 1 or 2 */
  char *mount;
  char *root;                /* the mount's root inside the hierarchy */
  GStrv options;             /* v1: superblock options, which name the controllers */
  char *rel;                 /* the caller's cgroup, as /proc/self/cgroup shows it */
  char *dir;                 /* ... and where that is on the filesystem */
} Hierarchy;

/* A cgroup we created; only ever freed with the object, so the
 * results can point at it after teardown. */
typedef struct
{
  int version;
  char *mount;               /* identifies the hierarchy (v1: one per controller set) */
  char *dir;
  char *rel;                 /* as /proc/PID/cgroup shows it: the membership test */
  gboolean removed;
} Cgroup;

struct _AttestLimits
{
  AttestLimitsWanted wanted;
  AttestLimitResult results[ATTEST_N_LIMITS];
  Cgroup *where[ATTEST_N_LIMITS];      /* the cgroup enforcing each limit, not owned */
  GString *why[ATTEST_N_LIMITS];       /* why no cgroup enforces it */
  GPtrArray *cgroups;                  /* Cgroup, in creation order */
  JsonObject *observed[ATTEST_N_LIMITS];  /* snapshot taken by teardown */
  char *scope_note;
  gboolean set_nproc, set_as;
  struct rlimit nproc, as;
};

const char *
attest_enforcer_name (AttestEnforcer e)
{
  switch (e)
    {
    case ATTEST_ENFORCER_CGROUP_V2: return "cgroup-v2";
    case ATTEST_ENFORCER_CGROUP_V1: return "cgroup-v1";
    case ATTEST_ENFORCER_SYSTEMD_SCOPE: return "systemd-scope";
    case ATTEST_ENFORCER_RLIMIT: return "rlimit";
    case ATTEST_ENFORCER_HOST_NO_SWAP: return "host-no-swap";
    case ATTEST_ENFORCER_NONE:
    default: return "none";
    }
}

/* ---- small file helpers ---- */

static void
hierarchy_free (Hierarchy *h)
{
  g_free (h->mount);
  g_free (h->root);
  g_strfreev (h->options);
  g_free (h->rel);
  g_free (h->dir);
  g_free (h);
}

static void
cgroup_free (Cgroup *cg)
{
  g_free (cg->mount);
  g_free (cg->dir);
  g_free (cg->rel);
  g_free (cg);
}

/* Returns 0 and the contents, or an errno. */
static int
read_text (const char *path, char **out_text)
{
  attest_autofd fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
  g_autoptr(GBytes) bytes = NULL;

  if (fd < 0)
    return errno;
  bytes = attest_read_fd_limited (fd, READ_MAX, path, NULL);
  if (bytes == NULL)
    return EIO;
  /* An empty file (cgroup.procs of an empty cgroup) has NULL data. */
  *out_text = g_bytes_get_size (bytes) > 0 ? g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes))
                                           : g_strdup ("");
  return 0;
}

static int
cg_read (const char *dir, const char *file, char **out_value)
{
  g_autofree char *path = g_build_filename (dir, file, NULL);
  g_autofree char *text = NULL;
  int e = read_text (path, &text);

  if (e != 0)
    return e;
  *out_value = g_strdup (g_strstrip (text));
  return 0;
}

/* cgroup files take one write(2) each: a partial write is an error. */
static int
cg_write (const char *dir, const char *file, const char *value)
{
  g_autofree char *path = g_build_filename (dir, file, NULL);
  attest_autofd fd = open (path, O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
  size_t len = strlen (value);
  ssize_t n;

  if (fd < 0)
    return errno;
  do
    n = write (fd, value, len);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return errno;
  return (size_t) n == len ? 0 : EIO;
}

/* The errnos that mean "this mechanism is not available to us" (recorded,
 * the limit falls back) rather than "something is broken" (setup fails). */
static gboolean
errno_means_unavailable (int e)
{
  return e == EACCES || e == EPERM || e == EROFS || e == ENOENT || e == ENOSPC || e == EBUSY
         || e == EINVAL || e == EOPNOTSUPP || e == ENODEV;
}

static gboolean
host_has_swap (void)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  guint n = 0;

  /* Unreadable counts as "has swap": never claim what we cannot see. */
  if (read_text ("/proc/swaps", &text) != 0)
    return TRUE;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)   /* line 0 is the header */
    if (*g_strstrip (lines[i]) != '\0')
      n++;
  return n > 0;
}

/* ---- reasons ---- */

static void G_GNUC_PRINTF (3, 4)
note_why_kind (AttestLimits *l, AttestLimitKind kind, const char *fmt, ...)
{
  va_list ap;

  if (l->why[kind]->len > 0)
    g_string_append (l->why[kind], "; ");
  va_start (ap, fmt);
  g_string_append_vprintf (l->why[kind], fmt, ap);
  va_end (ap);
}

static void G_GNUC_PRINTF (3, 4)
note_why (AttestLimits *l, const char *ctrl, const char *fmt, ...)
{
  g_autofree char *text = NULL;
  va_list ap;

  va_start (ap, fmt);
  text = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  for (int k = 0; k < ATTEST_N_LIMITS; k++)
    if (strcmp (limit_controllers[k], ctrl) == 0)
      note_why_kind (l, k, "%s", text);
}

static gboolean
wanted_kind (const AttestLimits *l, AttestLimitKind kind)
{
  switch (kind)
    {
    case ATTEST_LIMIT_PIDS: return l->wanted.pids_max > 0;
    case ATTEST_LIMIT_MEMORY:
    case ATTEST_LIMIT_SWAP: return l->wanted.memory_bytes > 0;
    case ATTEST_LIMIT_CPU: return l->wanted.cpu_quota_us > 0;
    case ATTEST_N_LIMITS:
    default: return FALSE;
    }
}

static gboolean
wanted_controller (const AttestLimits *l, const char *ctrl)
{
  for (int k = 0; k < ATTEST_N_LIMITS; k++)
    if (strcmp (limit_controllers[k], ctrl) == 0 && wanted_kind (l, k))
      return TRUE;
  return FALSE;
}

static void G_GNUC_PRINTF (5, 6)
record (AttestLimits *l, AttestLimitKind kind, AttestEnforcer enforcer, Cgroup *cg, const char *fmt, ...)
{
  AttestLimitResult *r = &l->results[kind];
  va_list ap;

  r->enforcer = enforcer;
  r->equivalent = enforcer == ATTEST_ENFORCER_CGROUP_V1 || enforcer == ATTEST_ENFORCER_CGROUP_V2
                  || enforcer == ATTEST_ENFORCER_SYSTEMD_SCOPE;
  l->where[kind] = cg;
  g_free (r->detail);
  va_start (ap, fmt);
  r->detail = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_debug ("limits: %s: %s: %s", r->name, attest_enforcer_name (enforcer), r->detail);
}

/* ---- discovery: /proc/self/mountinfo and /proc/self/cgroup ---- */

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static char *
unescape_octal (const char *s)
{
  GString *out = g_string_new (NULL);

  for (; *s != '\0'; s++)
    {
      if (s[0] == '\\' && s[1] >= '0' && s[1] <= '7' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0'
          && s[3] <= '7')
        {
          g_string_append_c (out, (char) (((s[1] - '0') << 6) | ((s[2] - '0') << 3) | (s[3] - '0')));
          s += 3;
        }
      else
        g_string_append_c (out, *s);
    }
  return g_string_free (out, FALSE);
}

static GPtrArray *
read_cgroup_mounts (GError **error)
{
  g_autoptr(GPtrArray) mounts = g_ptr_array_new_with_free_func ((GDestroyNotify) hierarchy_free);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  int e = read_text ("/proc/self/mountinfo", &text);

  if (e != 0)
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_BLOCKED, "/proc/self/mountinfo: %s", g_strerror (e));
      return NULL;
    }
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i], " ", -1);
      guint n = g_strv_length (f), sep = 6;
      Hierarchy *h;

      while (sep < n && strcmp (f[sep], "-") != 0)
        sep++;
      if (sep + 3 >= n)
        continue;
      if (strcmp (f[sep + 1], "cgroup") != 0 && strcmp (f[sep + 1], "cgroup2") != 0)
        continue;
      h = g_new0 (Hierarchy, 1);
      h->version = strcmp (f[sep + 1], "cgroup2") == 0 ? 2 : 1;
      h->root = unescape_octal (f[3]);
      h->mount = unescape_octal (f[4]);
      h->options = g_strsplit (f[sep + 3], ",", -1);
      g_ptr_array_add (mounts, h);
    }
  return g_steal_pointer (&mounts);
}

/* Where @rel (a path in the hierarchy) is under a mount of its root
 * @root, or NULL when that mount does not show it. */
static char *
dir_in_mount (const char *mount, const char *root, const char *rel)
{
  gsize len = strlen (root);

  /* "/.." prefixes mark a cgroup outside our cgroup namespace. */
  if (rel[0] != '/' || strstr (rel, "/..") != NULL)
    return NULL;
  if (strcmp (root, "/") == 0)
    len = 0;
  else if (strncmp (rel, root, len) != 0 || (rel[len] != '/' && rel[len] != '\0'))
    return NULL;
  /* The hierarchy's root is the mount point itself, without a "/" tail. */
  return rel[len] == '\0' || strcmp (rel + len, "/") == 0 ? g_strdup (mount)
                                                         : g_build_filename (mount, rel + len, NULL);
}

static Hierarchy *
match_mount (GPtrArray *mounts, int version, const char *ctrl, const char *rel)
{
  for (guint i = 0; i < mounts->len; i++)
    {
      Hierarchy *h = g_ptr_array_index (mounts, i);
      char *dir;

      if (h->version != version || h->rel != NULL)
        continue;
      if (version == 1 && !g_strv_contains ((const char *const *) h->options, ctrl))
        continue;
      dir = dir_in_mount (h->mount, h->root, rel);
      if (dir == NULL)
        continue;
      h->rel = g_strdup (rel);
      h->dir = dir;
      return h;
    }
  return NULL;
}

/* The hierarchies the caller is a member of, with its cgroup's
 * directory in each.  Nothing is hard-coded: a container may mount them
 * anywhere, under a cgroup namespace. */
static GPtrArray *
discover (GError **error)
{
  g_autoptr(GPtrArray) mounts = read_cgroup_mounts (error);
  g_autoptr(GPtrArray) found = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  int e;

  if (mounts == NULL)
    return NULL;
  e = read_text ("/proc/self/cgroup", &text);
  if (e != 0)
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_BLOCKED, "/proc/self/cgroup: %s", g_strerror (e));
      return NULL;
    }
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i], ":", 3);
      g_auto(GStrv) ctrls = NULL;

      if (g_strv_length (f) != 3)
        continue;
      if (strcmp (f[0], "0") == 0 && f[1][0] == '\0')
        {
          match_mount (mounts, 2, NULL, f[2]);
          continue;
        }
      ctrls = g_strsplit (f[1], ",", -1);
      /* Controllers are unique to one hierarchy, so the first names it;
       * named hierarchies (name=systemd) control nothing. */
      if (ctrls[0] != NULL && strchr (ctrls[0], '=') == NULL)
        match_mount (mounts, 1, ctrls[0], f[2]);
    }
  found = g_ptr_array_new_with_free_func ((GDestroyNotify) hierarchy_free);
  for (guint i = 0; i < mounts->len; i++)
    if (((Hierarchy *) g_ptr_array_index (mounts, i))->rel != NULL)
      g_ptr_array_add (found, g_ptr_array_steal_index (mounts, i--));
  return g_steal_pointer (&found);
}

static gboolean
word_in (const char *text, const char *word)
{
  g_auto(GStrv) words = g_strsplit_set (text, " \n", -1);
  return g_strv_contains ((const char *const *) words, word);
}

/* ---- creating and filling cgroups ---- */

/* Writes @value to @cg's @file and reads it back: a limit is recorded as
 * enforced only once the kernel shows it. */
static SetOutcome
set_value (const Cgroup *cg, const char *file, const char *value, char **out_why, GError **error)
{
  g_autofree char *seen = NULL;
  int e = cg_write (cg->dir, file, value);

  if (e == 0)
    e = cg_read (cg->dir, file, &seen);
  if (e != 0 && !errno_means_unavailable (e))
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_BLOCKED, "%s/%s: %s", cg->dir, file, g_strerror (e));
      return SET_FAILED;
    }
  if (e != 0)
    *out_why = g_strdup_printf ("%s/%s: %s", cg->dir, file, g_strerror (e));
  else if (strcmp (seen, value) != 0)
    *out_why = g_strdup_printf ("%s/%s reads back \"%s\" after writing \"%s\"", cg->dir, file, seen, value);
  else
    return SET_OK;
  return SET_REFUSED;
}

static AttestEnforcer
cgroup_enforcer (const Cgroup *cg)
{
  return cg->version == 2 ? ATTEST_ENFORCER_CGROUP_V2 : ATTEST_ENFORCER_CGROUP_V1;
}

static gboolean
apply_pids (AttestLimits *l, Cgroup *cg, GError **error)
{
  g_autofree char *value = g_strdup_printf ("%u", l->wanted.pids_max);
  g_autofree char *why = NULL;
  SetOutcome r = set_value (cg, "pids.max", value, &why, error);

  if (r == SET_OK)
    record (l, ATTEST_LIMIT_PIDS, cgroup_enforcer (cg), cg, "%s/pids.max=%s", cg->dir, value);
  else if (r == SET_REFUSED)
    note_why (l, "pids", "%s", why);
  return r != SET_FAILED;
}

/* Swap: v1 limits memory+swap (memsw, written after the memory limit it
 * must not undercut), v2 limits swap alone. */
static gboolean
apply_swap (AttestLimits *l, Cgroup *cg, guint64 memory, guint64 swap, GError **error)
{
  const char *file = cg->version == 2 ? "memory.swap.max" : "memory.memsw.limit_in_bytes";
  g_autofree char *path = g_build_filename (cg->dir, file, NULL);
  g_autofree char *value = g_strdup_printf ("%" G_GUINT64_FORMAT, cg->version == 2 ? swap : memory + swap);
  g_autofree char *why = NULL;
  SetOutcome r;

  if (access (path, F_OK) != 0)
    {
      note_why_kind (l, ATTEST_LIMIT_SWAP, "%s has no %s (swap accounting is off)", cg->dir, file);
      return TRUE;
    }
  r = set_value (cg, file, value, &why, error);
  if (r == SET_OK)
    record (l, ATTEST_LIMIT_SWAP, cgroup_enforcer (cg), cg, "%s=%s", path, value);
  else if (r == SET_REFUSED)
    note_why_kind (l, ATTEST_LIMIT_SWAP, "%s", why);
  return r != SET_FAILED;
}

static gboolean
apply_memory (AttestLimits *l, Cgroup *cg, GError **error)
{
  /* The kernel rounds limits down to pages; write what it will show. */
  guint64 page = (guint64) sysconf (_SC_PAGESIZE);
  guint64 memory = l->wanted.memory_bytes / page * page;
  guint64 swap = l->wanted.swap_bytes / page * page;
  const char *file = cg->version == 2 ? "memory.max" : "memory.limit_in_bytes";
  g_autofree char *value = g_strdup_printf ("%" G_GUINT64_FORMAT, memory);
  g_autofree char *why = NULL;
  SetOutcome r = set_value (cg, file, value, &why, error);

  if (r == SET_FAILED)
    return FALSE;
  if (r == SET_REFUSED)
    {
      note_why (l, "memory", "%s", why);
      return TRUE;
    }
  record (l, ATTEST_LIMIT_MEMORY, cgroup_enforcer (cg), cg, "%s/%s=%s", cg->dir, file, value);
  return apply_swap (l, cg, memory, swap, error);
}

static gboolean
apply_cpu (AttestLimits *l, Cgroup *cg, GError **error)
{
  g_autofree char *quota = g_strdup_printf ("%" G_GUINT64_FORMAT, l->wanted.cpu_quota_us);
  g_autofree char *period = g_strdup_printf ("%" G_GUINT64_FORMAT, l->wanted.cpu_period_us);
  g_autofree char *both = g_strdup_printf ("%s %s", quota, period);
  g_autofree char *why = NULL;
  SetOutcome r;

  if (cg->version == 2)
    r = set_value (cg, "cpu.max", both, &why, error);
  else
    {
      /* Period first: a quota is checked against the current period. */
      r = set_value (cg, "cpu.cfs_period_us", period, &why, error);
      if (r == SET_OK)
        r = set_value (cg, "cpu.cfs_quota_us", quota, &why, error);
    }
  if (r == SET_OK && cg->version == 2)
    record (l, ATTEST_LIMIT_CPU, ATTEST_ENFORCER_CGROUP_V2, cg, "%s/cpu.max=%s", cg->dir, both);
  else if (r == SET_OK)
    record (l, ATTEST_LIMIT_CPU, ATTEST_ENFORCER_CGROUP_V1, cg,
            "%s/cpu.cfs_quota_us=%s per cpu.cfs_period_us=%s", cg->dir, quota, period);
  else if (r == SET_REFUSED)
    note_why (l, "cpu", "%s", why);
  return r != SET_FAILED;
}

static gboolean
apply_controller (AttestLimits *l, Cgroup *cg, const char *ctrl, GError **error)
{
  if (strcmp (ctrl, "pids") == 0)
    return apply_pids (l, cg, error);
  if (strcmp (ctrl, "memory") == 0)
    return apply_memory (l, cg, error);
  return apply_cpu (l, cg, error);
}

/* A run killed with SIGKILL cannot remove its cgroups.  Before making
 * ours, remove the empty ones whose run is gone: "sandbox-attest-PID-…"
 * with no such PID.  rmdir refuses a cgroup that still has members, so a
 * live run (or a reused pid's) is never disturbed. */
static void
sweep_stale (const char *parent)
{
  g_autoptr(GDir) dir = g_dir_open (parent, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *proc = NULL;
      g_autofree char *path = NULL;
      int pid = 0;

      if (sscanf (name, "sandbox-attest-%d-", &pid) != 1 || pid <= 0)
        continue;
      proc = g_strdup_printf ("/proc/%d", pid);
      if (g_file_test (proc, G_FILE_TEST_EXISTS))
        continue;
      path = g_build_filename (parent, name, NULL);
      if (rmdir (path) == 0)
        g_debug ("removed the stale cgroup %s", path);
    }
}

/* mkdir of a name no parallel run can pick: our pid plus 32 random bits,
 * retried on the (unlikely) collision.  Returns 0 or an errno. */
static int
make_unique_dir (const char *parent, char **out_name)
{
  sweep_stale (parent);
  for (int attempt = 0; attempt < 8; attempt++)
    {
      g_autofree char *name = g_strdup_printf ("sandbox-attest-%d-%08x", (int) getpid (), g_random_int ());
      g_autofree char *path = g_build_filename (parent, name, NULL);

      if (mkdir (path, 0755) == 0)
        {
          *out_name = g_steal_pointer (&name);
          return 0;
        }
      if (errno != EEXIST)
        return errno;
    }
  return EEXIST;
}

/* Creates a child of the caller's cgroup in @h.  *out_cg is NULL when
 * the hierarchy is not writable (why noted for @ctrls): not an error. */
static gboolean
create_cgroup (AttestLimits *l, const Hierarchy *h, const char *const *ctrls, Cgroup **out_cg,
               GError **error)
{
  g_autofree char *name = NULL;
  int e = make_unique_dir (h->dir, &name);
  Cgroup *cg;

  if (e != 0 && errno_means_unavailable (e))
    {
      for (guint i = 0; ctrls[i] != NULL; i++)
        note_why (l, ctrls[i], "cgroup v%d: cannot create a cgroup in %s: %s", h->version, h->dir,
                  g_strerror (e));
      *out_cg = NULL;
      return TRUE;
    }
  if (e != 0)
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_BLOCKED, "creating a cgroup in %s: %s", h->dir,
                   g_strerror (e));
      return FALSE;
    }
  cg = g_new0 (Cgroup, 1);
  cg->version = h->version;
  cg->mount = g_strdup (h->mount);
  cg->dir = g_build_filename (h->dir, name, NULL);
  cg->rel = strcmp (h->rel, "/") == 0 ? g_strconcat ("/", name, NULL) : g_strconcat (h->rel, "/", name, NULL);
  g_ptr_array_add (l->cgroups, cg);
  g_debug ("limits: created %s", cg->dir);
  *out_cg = cg;
  return TRUE;
}

static gboolean
cgroup_in_use (const AttestLimits *l, const Cgroup *cg)
{
  for (int k = 0; k < ATTEST_N_LIMITS; k++)
    if (l->where[k] == cg)
      return TRUE;
  return FALSE;
}

/* A cgroup that ended up enforcing nothing goes at once: the sandbox
 * must not sit in a cgroup the bundle does not mention. */
static gboolean
drop_if_unused (AttestLimits *l, Cgroup *cg, GError **error)
{
  if (cgroup_in_use (l, cg))
    return TRUE;
  if (rmdir (cg->dir) < 0 && errno != ENOENT)
    {
      int errsv = errno;
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_BLOCKED, "removing %s: %s", cg->dir, g_strerror (errsv));
      return FALSE;
    }
  cg->removed = TRUE;
  return TRUE;
}

/* cgroup v2: one cgroup for every controller the caller's cgroup offers.
 * A controller must be enabled in the caller's cgroup.subtree_control to
 * reach a child.  That fails (EBUSY) when the caller's cgroup is not the
 * root and has processes, the "no internal processes" rule; a deeper
 * cgroup would not help, since a child can only enable what its parent
 * passed down, so the limit falls back and the reason is recorded. */
static gboolean
use_v2 (AttestLimits *l, const Hierarchy *h, GError **error)
{
  g_autofree char *offered = NULL, *enabled = NULL;
  g_autoptr(GPtrArray) usable = g_ptr_array_new ();
  Cgroup *cg;

  if (cg_read (h->dir, "cgroup.controllers", &offered) != 0
      || cg_read (h->dir, "cgroup.subtree_control", &enabled) != 0)
    {
      for (guint i = 0; controllers[i] != NULL; i++)
        note_why (l, controllers[i], "cgroup v2: %s is not readable", h->dir);
      return TRUE;
    }
  for (guint i = 0; controllers[i] != NULL; i++)
    {
      const char *ctrl = controllers[i];
      g_autofree char *plus = g_strconcat ("+", ctrl, NULL);
      int e;

      if (!wanted_controller (l, ctrl))
        continue;
      if (!word_in (offered, ctrl))
        {
          note_why (l, ctrl, "cgroup v2: %s does not offer %s", h->dir, ctrl);
          continue;
        }
      e = word_in (enabled, ctrl) ? 0 : cg_write (h->dir, "cgroup.subtree_control", plus);
      if (e == 0)
        g_ptr_array_add (usable, (gpointer) ctrl);
      else if (e == EBUSY)
        note_why (l, ctrl, "cgroup v2: %s cannot enable %s for a child: the caller's cgroup has processes "
                  "(no-internal-processes rule)", h->dir, ctrl);
      else if (errno_means_unavailable (e))
        note_why (l, ctrl, "cgroup v2: enabling %s in %s/cgroup.subtree_control: %s", ctrl, h->dir, g_strerror (e));
      else
        {
          g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_BLOCKED, "%s/cgroup.subtree_control: %s", h->dir,
                       g_strerror (e));
          return FALSE;
        }
    }
  if (usable->len == 0)
    return TRUE;
  g_ptr_array_add (usable, NULL);
  if (!create_cgroup (l, h, (const char *const *) usable->pdata, &cg, error))
    return FALSE;
  if (cg == NULL)
    return TRUE;
  for (guint i = 0; g_ptr_array_index (usable, i) != NULL; i++)
    if (!apply_controller (l, cg, g_ptr_array_index (usable, i), error))
      return FALSE;
  return drop_if_unused (l, cg, error);
}

static Cgroup *
cgroup_for_mount (const AttestLimits *l, const char *mount)
{
  for (guint i = 0; i < l->cgroups->len; i++)
    {
      Cgroup *cg = g_ptr_array_index (l->cgroups, i);
      if (!cg->removed && strcmp (cg->mount, mount) == 0)
        return cg;
    }
  return NULL;
}

/* cgroup v1: one cgroup per hierarchy (co-mounted controllers share it). */
static gboolean
use_v1 (AttestLimits *l, const Hierarchy *h, const char *ctrl, GError **error)
{
  const char *one[] = { ctrl, NULL };
  Cgroup *cg = cgroup_for_mount (l, h->mount);

  if (cg == NULL && !create_cgroup (l, h, one, &cg, error))
    return FALSE;
  if (cg == NULL)
    return TRUE;
  if (!apply_controller (l, cg, ctrl, error))
    return FALSE;
  return drop_if_unused (l, cg, error);
}

static const Hierarchy *
hierarchy_for (GPtrArray *hierarchies, int version, const char *ctrl)
{
  for (guint i = 0; i < hierarchies->len; i++)
    {
      const Hierarchy *h = g_ptr_array_index (hierarchies, i);
      if (h->version == version
          && (version == 2 || g_strv_contains ((const char *const *) h->options, ctrl)))
        return h;
    }
  return NULL;
}

static gboolean
plan_cgroups (AttestLimits *l, GError **error)
{
  g_autoptr(GPtrArray) hierarchies = discover (error);
  const Hierarchy *v2;

  if (hierarchies == NULL)
    return FALSE;
  /* v2 first: it is the one with a single, consistent model. */
  v2 = hierarchy_for (hierarchies, 2, NULL);
  if (v2 != NULL && !use_v2 (l, v2, error))
    return FALSE;
  for (guint i = 0; controllers[i] != NULL; i++)
    {
      const char *ctrl = controllers[i];
      AttestLimitKind primary = strcmp (ctrl, "pids") == 0     ? ATTEST_LIMIT_PIDS
                                : strcmp (ctrl, "memory") == 0 ? ATTEST_LIMIT_MEMORY
                                                               : ATTEST_LIMIT_CPU;
      const Hierarchy *h;

      if (!wanted_controller (l, ctrl) || l->where[primary] != NULL)
        continue;
      h = hierarchy_for (hierarchies, 1, ctrl);
      if (h == NULL)
        note_why (l, ctrl, "no cgroup hierarchy we are in has the %s controller", ctrl);
      else if (!use_v1 (l, h, ctrl, error))
        return FALSE;
    }
  return TRUE;
}

/* ---- fallbacks ---- */

/* Detection only: the transient-scope path is not implemented, so a
 * reachable manager is reported, never used. */
static char *
systemd_scope_note (void)
{
  const char *runtime = g_getenv ("XDG_RUNTIME_DIR");
  g_autofree char *private = NULL;
  struct stat st;

  if (access ("/run/systemd/system", F_OK) != 0)
    return g_strdup ("not available: no systemd user manager (systemd is not PID 1)");
  if (runtime == NULL || runtime[0] == '\0')
    return g_strdup ("not available: no systemd user manager (XDG_RUNTIME_DIR is unset)");
  private = g_build_filename (runtime, "systemd", "private", NULL);
  if (stat (private, &st) != 0 || !S_ISSOCK (st.st_mode))
    return g_strdup_printf ("not available: no systemd user manager (no %s)", private);
  return g_strdup ("not used: a systemd user manager is reachable, but sandbox-attest does not create scopes yet");
}

/* An rlimit cannot be raised above the hard limit we already have; a
 * lower hard limit is kept (stricter) and shows in the detail. */
static struct rlimit
capped_rlimit (int resource, guint64 wanted)
{
  struct rlimit cur = { RLIM_INFINITY, RLIM_INFINITY };
  rlim_t value = (rlim_t) wanted;

  if (getrlimit (resource, &cur) == 0 && cur.rlim_max != RLIM_INFINITY && cur.rlim_max < value)
    value = cur.rlim_max;
  return (struct rlimit) { value, value };
}

static char *
why_no_cgroup (const AttestLimits *l, AttestLimitKind kind)
{
  return g_strdup_printf ("no cgroup: %s; systemd-scope: %s",
                          l->why[kind]->len > 0 ? l->why[kind]->str : "none found", l->scope_note);
}

static void
plan_fallback (AttestLimits *l, AttestLimitKind kind)
{
  g_autofree char *why = why_no_cgroup (l, kind);

  switch (kind)
    {
    case ATTEST_LIMIT_PIDS:
      /* The kernel exempts the root user from RLIMIT_NPROC (copy_process
       * checks INIT_USER), user namespace or not. */
      if (getuid () == 0)
        {
          record (l, kind, ATTEST_ENFORCER_NONE, NULL,
                  "RLIMIT_NPROC does not bind uid 0, so nothing limits pids (%s)", why);
          break;
        }
      l->nproc = capped_rlimit (RLIMIT_NPROC, l->wanted.pids_max);
      l->set_nproc = TRUE;
      record (l, kind, ATTEST_ENFORCER_RLIMIT, NULL,
              "RLIMIT_NPROC=%" G_GUINT64_FORMAT " in the staging user namespace (%s)",
              (guint64) l->nproc.rlim_cur, why);
      break;
    case ATTEST_LIMIT_MEMORY:
      l->as = capped_rlimit (RLIMIT_AS, l->wanted.memory_bytes);
      l->set_as = TRUE;
      record (l, kind, ATTEST_ENFORCER_RLIMIT, NULL,
              "RLIMIT_AS=%" G_GUINT64_FORMAT " per process: address space, not resident memory (%s)",
              (guint64) l->as.rlim_cur, why);
      break;
    case ATTEST_LIMIT_SWAP:
      if (!host_has_swap ())
        record (l, kind, ATTEST_ENFORCER_HOST_NO_SWAP, NULL,
                "/proc/swaps lists no swap, so none can be used (%s)", why);
      else
        record (l, kind, ATTEST_ENFORCER_NONE, NULL, "the host has swap and nothing limits its use (%s)", why);
      break;
    case ATTEST_LIMIT_CPU:
      record (l, kind, ATTEST_ENFORCER_NONE, NULL, "no rlimit limits CPU rate (%s)", why);
      break;
    case ATTEST_N_LIMITS:
    default:
      g_assert_not_reached ();
    }
}

/* ---- public API ---- */

static gboolean
check_wanted (const AttestLimitsWanted *wanted, GError **error)
{
  /* The kernel's bounds for a CFS period: 1 ms to 1 s. */
  if (wanted->cpu_quota_us > 0 && (wanted->cpu_period_us < 1000 || wanted->cpu_period_us > 1000000))
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_USAGE,
                   "cpu period %" G_GUINT64_FORMAT " µs is outside 1000..1000000", wanted->cpu_period_us);
      return FALSE;
    }
  if (wanted->cpu_quota_us > 0 && wanted->cpu_quota_us < 1000)
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_USAGE,
                   "cpu quota %" G_GUINT64_FORMAT " µs is below the kernel's minimum of 1000", wanted->cpu_quota_us);
      return FALSE;
    }
  return TRUE;
}

static AttestLimits *
limits_new (const AttestLimitsWanted *wanted)
{
  AttestLimits *l = g_new0 (AttestLimits, 1);

  l->wanted = *wanted;
  l->cgroups = g_ptr_array_new_with_free_func ((GDestroyNotify) cgroup_free);
  for (int k = 0; k < ATTEST_N_LIMITS; k++)
    {
      AttestLimitResult *r = &l->results[k];

      r->kind = k;
      r->name = limit_names[k];
      r->enforcer = ATTEST_ENFORCER_NONE;
      r->wanted = k == ATTEST_LIMIT_PIDS     ? wanted->pids_max
                  : k == ATTEST_LIMIT_MEMORY ? wanted->memory_bytes
                  : k == ATTEST_LIMIT_SWAP   ? wanted->swap_bytes
                                             : wanted->cpu_quota_us;
      l->why[k] = g_string_new (NULL);
      if (!wanted_kind (l, k))
        {
          /* Docker without the flag has no limit either. */
          r->equivalent = TRUE;
          r->detail = g_strdup ("not requested");
        }
    }
  return l;
}

AttestLimits *
attest_limits_setup (const AttestLimitsWanted *wanted, GError **error)
{
  g_autoptr(AttestLimits) l = NULL;

  if (!check_wanted (wanted, error))
    return NULL;
  l = limits_new (wanted);
  if (!plan_cgroups (l, error))
    {
      /* Free (via g_autoptr) tears down what was created. */
      g_prefix_error (error, "setting up resource limits: ");
      return NULL;
    }
  l->scope_note = systemd_scope_note ();
  for (int k = 0; k < ATTEST_N_LIMITS; k++)
    if (wanted_kind (l, k) && l->where[k] == NULL)
      plan_fallback (l, k);
  return g_steal_pointer (&l);
}

gboolean
attest_limits_attach (AttestLimits *limits, pid_t pid, GError **error)
{
  g_autofree char *value = g_strdup_printf ("%d", (int) pid);

  for (guint i = 0; i < limits->cgroups->len; i++)
    {
      Cgroup *cg = g_ptr_array_index (limits->cgroups, i);
      int e;

      if (cg->removed)
        continue;
      e = cg_write (cg->dir, "cgroup.procs", value);
      if (e != 0)
        {
          g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_BLOCKED, "moving pid %d into %s: %s", (int) pid,
                       cg->dir, g_strerror (e));
          return FALSE;
        }
    }
  return TRUE;
}

int
attest_limits_apply_in_child (const AttestLimits *limits)
{
  if (limits->set_nproc && setrlimit (RLIMIT_NPROC, &limits->nproc) < 0)
    return -errno;
  if (limits->set_as && setrlimit (RLIMIT_AS, &limits->as) < 0)
    return -errno;
  return 0;
}

/* ---- teardown ---- */

static gboolean
proc_in_cgroup (pid_t pid, const char *rel)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/cgroup", (int) pid);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  if (read_text (path, &text) != 0)
    return FALSE;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *p = strchr (lines[i], ':');
      if (p != NULL && (p = strchr (p + 1, ':')) != NULL && strcmp (p + 1, rel) == 0)
        return TRUE;
    }
  return FALSE;
}

/* A pid read from cgroup.procs may have exited and been reused by an
 * unrelated process before we signal it.  A pidfd pins one process: we
 * signal through it only if that process (the current owner of the
 * number, when it was opened) is a member of our cgroup; if it died
 * since, the signal fails with ESRCH and hits nobody. */
static void
kill_member (pid_t pid, const char *rel)
{
  attest_autofd pidfd = (int) syscall (SYS_pidfd_open, pid, 0);

  if (pidfd < 0)
    return;
  if (proc_in_cgroup (pid, rel))
    (void) syscall (SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
}

/* Returns how many members were seen (0: empty), or -1 with errno. */
static int
kill_members (const Cgroup *cg)
{
  g_autofree char *procs = NULL;
  g_auto(GStrv) pids = NULL;
  int n = 0, e;

  /* v2's cgroup.kill is atomic against forks (Linux 5.14); try it first. */
  if (cg->version == 2)
    (void) cg_write (cg->dir, "cgroup.kill", "1");
  e = cg_read (cg->dir, "cgroup.procs", &procs);
  if (e == ENOENT)
    return 0;
  if (e != 0)
    {
      errno = e;
      return -1;
    }
  pids = g_strsplit (procs, "\n", -1);
  for (guint i = 0; pids[i] != NULL; i++)
    {
      char *end = NULL;
      long pid = strtol (pids[i], &end, 10);

      if (end == pids[i] || pid <= 0)
        continue;
      kill_member ((pid_t) pid, cg->rel);
      n++;
    }
  return n;
}

/* Kill, then rmdir; fork races are caught by the next round, and
 * pids.max bounds how many rounds they can cause. */
static gboolean
remove_cgroup (Cgroup *cg, gint64 deadline, GError **error)
{
  for (;;)
    {
      int members = kill_members (cg), e;

      if (members < 0)
        {
          e = errno;
          g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_BLOCKED, "%s/cgroup.procs: %s", cg->dir, g_strerror (e));
          return FALSE;
        }
      if (members == 0)
        {
          if (rmdir (cg->dir) == 0 || errno == ENOENT)
            {
              g_debug ("limits: removed %s", cg->dir);
              cg->removed = TRUE;
              return TRUE;
            }
          e = errno;
          if (e != EBUSY)
            {
              g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_BLOCKED, "removing %s: %s", cg->dir, g_strerror (e));
              return FALSE;
            }
        }
      if (g_get_monotonic_time () > deadline)
        {
          g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_BLOCKED,
                       "%s still has %d processes %d s after SIGKILL", cg->dir, members,
                       (int) (TEARDOWN_TIMEOUT_US / G_USEC_PER_SEC));
          return FALSE;
        }
      g_usleep (TEARDOWN_POLL_US);
    }
}

/* ---- observations ---- */

/* What a cgroup counted, by file; key NULL: the file is one number.
 * version 0: the same file on v1 and v2. */
static const struct
{
  AttestLimitKind kind;
  int version;
  const char *file;
  const char *key;
  const char *name;
} observed_files[] = {
  { ATTEST_LIMIT_PIDS, 0, "pids.peak", NULL, "peak" },
  { ATTEST_LIMIT_PIDS, 0, "pids.events", "max", "max_events" },     /* forks refused */
  { ATTEST_LIMIT_MEMORY, 1, "memory.max_usage_in_bytes", NULL, "peak_bytes" },
  { ATTEST_LIMIT_MEMORY, 1, "memory.failcnt", NULL, "failcnt" },
  { ATTEST_LIMIT_MEMORY, 1, "memory.oom_control", "oom_kill", "oom_kills" },
  { ATTEST_LIMIT_MEMORY, 2, "memory.peak", NULL, "peak_bytes" },
  { ATTEST_LIMIT_MEMORY, 2, "memory.events", "max", "max_events" },
  { ATTEST_LIMIT_MEMORY, 2, "memory.events", "oom_kill", "oom_kills" },
  { ATTEST_LIMIT_SWAP, 1, "memory.memsw.max_usage_in_bytes", NULL, "memsw_peak_bytes" },
  { ATTEST_LIMIT_SWAP, 1, "memory.memsw.failcnt", NULL, "failcnt" },
  { ATTEST_LIMIT_SWAP, 2, "memory.swap.peak", NULL, "peak_bytes" },
  { ATTEST_LIMIT_CPU, 0, "cpu.stat", "nr_periods", "nr_periods" },
  { ATTEST_LIMIT_CPU, 0, "cpu.stat", "nr_throttled", "nr_throttled" },
  { ATTEST_LIMIT_CPU, 1, "cpu.stat", "throttled_time", "throttled_ns" },
  { ATTEST_LIMIT_CPU, 2, "cpu.stat", "throttled_usec", "throttled_usec" },
};

static gboolean
parse_observed (const char *text, const char *key, guint64 *out_value)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *p = lines[i];
      gsize len = key != NULL ? strlen (key) : 0;

      if (key != NULL && !(strncmp (p, key, len) == 0 && p[len] == ' '))
        continue;
      return g_ascii_string_to_unsigned (g_strstrip (lines[i] + len), 10, 0, G_MAXUINT64, out_value, NULL);
    }
  return FALSE;
}

static JsonObject *
observe (const AttestLimits *l, AttestLimitKind kind)
{
  const Cgroup *cg = l->where[kind];
  JsonObject *obj;

  if (cg == NULL || cg->removed)
    return NULL;
  obj = json_object_new ();
  for (gsize i = 0; i < G_N_ELEMENTS (observed_files); i++)
    {
      g_autofree char *text = NULL;
      guint64 value;

      if (observed_files[i].kind != kind
          || (observed_files[i].version != 0 && observed_files[i].version != cg->version))
        continue;
      if (cg_read (cg->dir, observed_files[i].file, &text) == 0
          && parse_observed (text, observed_files[i].key, &value))
        json_object_set_int_member (obj, observed_files[i].name, (gint64) MIN (value, (guint64) G_MAXINT64));
    }
  return obj;
}

gboolean
attest_limits_teardown (AttestLimits *limits, GError **error)
{
  gint64 deadline = g_get_monotonic_time () + TEARDOWN_TIMEOUT_US;
  gboolean ok = TRUE;

  for (int k = 0; k < ATTEST_N_LIMITS; k++)
    {
      JsonObject *obj = observe (limits, k);
      if (obj != NULL)
        {
          g_clear_pointer (&limits->observed[k], json_object_unref);
          limits->observed[k] = obj;
        }
    }
  /* Every cgroup gets its attempt even after one failed. */
  for (guint i = limits->cgroups->len; i > 0; i--)
    {
      Cgroup *cg = g_ptr_array_index (limits->cgroups, i - 1);
      g_autoptr(GError) local = NULL;

      if (cg->removed || remove_cgroup (cg, deadline, &local))
        continue;
      if (ok)
        g_propagate_error (error, g_steal_pointer (&local));
      ok = FALSE;
    }
  return ok;
}

const AttestLimitResult *
attest_limits_result (const AttestLimits *limits, AttestLimitKind kind)
{
  g_return_val_if_fail (kind < ATTEST_N_LIMITS, NULL);
  return &limits->results[kind];
}

const char *
attest_limits_cgroup_dir (const AttestLimits *limits, AttestLimitKind kind)
{
  const Cgroup *cg;

  g_return_val_if_fail (kind < ATTEST_N_LIMITS, NULL);
  cg = limits->where[kind];
  return cg != NULL && !cg->removed ? cg->dir : NULL;
}

JsonNode *
attest_limits_to_json (const AttestLimits *limits)
{
  JsonArray *array = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (int k = 0; k < ATTEST_N_LIMITS; k++)
    {
      const AttestLimitResult *r = &limits->results[k];
      JsonObject *obj = json_object_new ();
      JsonObject *seen = observe (limits, k);

      if (seen == NULL && limits->observed[k] != NULL)
        seen = json_object_ref (limits->observed[k]);
      json_object_set_string_member (obj, "limit", r->name);
      json_object_set_int_member (obj, "wanted", (gint64) MIN (r->wanted, (guint64) G_MAXINT64));
      json_object_set_string_member (obj, "enforcer", attest_enforcer_name (r->enforcer));
      json_object_set_boolean_member (obj, "equivalent", r->equivalent);
      json_object_set_string_member (obj, "detail", r->detail != NULL ? r->detail : "");
      if (seen != NULL)
        json_object_set_object_member (obj, "observed", seen);
      json_array_add_object_element (array, obj);
    }
  json_node_take_array (node, array);
  return node;
}

void
attest_limits_free (AttestLimits *limits)
{
  if (limits == NULL)
    return;
  /* No path may leave a cgroup behind; a failure here has nobody to
   * report to but the debug log. */
  if (!attest_limits_teardown (limits, NULL))
    g_debug ("limits: teardown on free failed");
  for (int k = 0; k < ATTEST_N_LIMITS; k++)
    {
      g_free (limits->results[k].detail);
      g_string_free (limits->why[k], TRUE);
      g_clear_pointer (&limits->observed[k], json_object_unref);
    }
  g_ptr_array_unref (limits->cgroups);
  g_free (limits->scope_note);
  g_free (limits);
}
