#include "bwrap-argv.h"

#include <stdarg.h>
#include <string.h>

const char *const attest_dev_nodes[] = { "null", "zero", "full", "random", "urandom", "tty", NULL };

static void
add (GPtrArray *argv, ...) G_GNUC_NULL_TERMINATED;

static void
add (GPtrArray *argv, ...)
{
  va_list ap;
  const char *arg;

  va_start (ap, argv);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (argv, g_strdup (arg));
  va_end (ap);
}

/* --unshare-all implies only --unshare-user-try: the user namespace is
 * asked for explicitly, and the uid/gid are explicit also as root. */
static void
add_namespaces (GPtrArray *argv, const AttestProfile *p)
{
  g_autofree char *uid = g_strdup_printf ("%u", p->uid);
  g_autofree char *gid = g_strdup_printf ("%u", p->gid);

  add (argv, "--unshare-all", "--unshare-user", NULL);
  if (!p->unshare_net)
    add (argv, "--share-net", NULL);
  add (argv, "--uid", uid, "--gid", gid, "--hostname", ATTEST_SANDBOX_HOSTNAME, NULL);
  add (argv, "--die-with-parent", "--new-session", NULL);
  /* As root bwrap keeps every capability unless told otherwise. */
  if (p->drop_caps)
    add (argv, "--cap-drop", "ALL", NULL);
}

/* Docker's --env-file /dev/null still sets PATH, HOME and HOSTNAME. */
static void
add_environment (GPtrArray *argv, const AttestProfile *p)
{
  if (p->clear_env)
    add (argv, "--clearenv", NULL);
  add (argv, "--setenv", "PATH", ATTEST_SANDBOX_PATH, "--setenv", "HOME", "/",
       "--setenv", "HOSTNAME", ATTEST_SANDBOX_HOSTNAME, NULL);
}

static void
add_filesystem (GPtrArray *argv, const AttestProfile *p, const char *staged_tmp)
{
  g_autofree char *size = g_strdup_printf ("%u", ATTEST_TMP_SIZE);

  if (p->command == NULL)
    add (argv, "--ro-bind", p->probe, "/probe", NULL);
  add (argv, p->in_read_only ? "--ro-bind" : "--bind", p->in_dir, "/in", NULL);
  add (argv, "--bind", p->out_dir, "/out", NULL);
  if (staged_tmp != NULL)
    add (argv, "--bind", staged_tmp, "/tmp", NULL);
  else
    add (argv, "--size", size, "--perms", "1777", "--tmpfs", "/tmp", NULL);
  add (argv, "--proc", "/proc", "--dir", "/dev", NULL);
  for (guint i = 0; attest_dev_nodes[i] != NULL; i++)
    {
      g_autofree char *node = g_strconcat ("/dev/", attest_dev_nodes[i], NULL);
      add (argv, "--dev-bind", node, node, NULL);
    }
  for (guint i = 0; p->ro_binds != NULL && p->ro_binds[i] != NULL && p->ro_binds[i + 1] != NULL; i += 2)
    add (argv, "--ro-bind", p->ro_binds[i], p->ro_binds[i + 1], NULL);
  /* Last: the root (and the /dev directory on it) becomes read-only. */
  add (argv, "--remount-ro", "/", NULL);
}

GPtrArray *
attest_bwrap_argv_build (const AttestProfile *p, const char *staged_tmp)
{
  GPtrArray *argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *status_fd = g_strdup_printf ("%d", ATTEST_FD_JSON_STATUS);
  g_autofree char *seccomp_fd = g_strdup_printf ("%d", ATTEST_FD_SECCOMP);

  add (argv, p->bwrap, NULL);
  add_namespaces (argv, p);
  add_environment (argv, p);
  add (argv, "--json-status-fd", status_fd, NULL);
  if (p->seccomp)
    add (argv, "--seccomp", seccomp_fd, NULL);
  add_filesystem (argv, p, p->tmp_noexec ? staged_tmp : NULL);
  add (argv, "--chdir", "/", "--", NULL);
  if (p->command != NULL)
    for (guint i = 0; p->command[i] != NULL; i++)
      g_ptr_array_add (argv, g_strdup (p->command[i]));
  else
    add (argv, "/probe", "--attest", "--run-date", p->run_date, "--in", "/in", "--out", "/out", NULL);
  g_ptr_array_add (argv, NULL);
  return argv;
}

GPtrArray *
attest_bwrap_argv_normalise (GPtrArray *argv, const AttestProfile *p, const char *staged_tmp)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  const struct { const char *path; const char *as; } subst[] = {
    { p->bwrap, "BWRAP" }, { p->probe, "PROBE" }, { p->in_dir, "IN" }, { p->out_dir, "OUT" },
    { staged_tmp, "STAGED_TMP" }, { p->run_date, "RUN_DATE" },
  };

  for (guint i = 0; i < argv->len && g_ptr_array_index (argv, i) != NULL; i++)
    {
      const char *arg = g_ptr_array_index (argv, i);
      const char *as = arg;

      for (gsize j = 0; j < G_N_ELEMENTS (subst); j++)
        if (subst[j].path != NULL && strcmp (arg, subst[j].path) == 0)
          as = subst[j].as;
      g_ptr_array_add (out, g_strdup (as));
    }
  return out;
}
