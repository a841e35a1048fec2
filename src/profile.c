#include "profile.h"

#include <string.h>

#include "error.h"

AttestProfile *
attest_profile_new_default (void)
{
  AttestProfile *p = g_new0 (AttestProfile, 1);

  p->uid = ATTEST_SANDBOX_UID;
  p->gid = ATTEST_SANDBOX_GID;
  p->limits.pids_max = 64;
  p->limits.memory_bytes = 256u * 1024u * 1024u;
  p->limits.swap_bytes = 0;
  p->limits.cpu_quota_us = 100000;
  p->limits.cpu_period_us = 100000;
  p->seccomp = TRUE;
  p->tmp_noexec = TRUE;
  p->unshare_net = TRUE;
  p->drop_caps = TRUE;
  p->clear_env = TRUE;
  p->in_read_only = TRUE;
  return p;
}

void
attest_profile_free (AttestProfile *p)
{
  if (p == NULL)
    return;
  g_free (p->bwrap);
  g_free (p->probe);
  g_free (p->policy);
  g_free (p->in_dir);
  g_free (p->out_dir);
  g_free (p->run_date);
  g_strfreev (p->ro_binds);
  g_strfreev (p->command);
  g_free (p);
}

typedef struct
{
  const char *name;
  gsize offset;
} Protection;

static const Protection protections[] = {
  { "seccomp", G_STRUCT_OFFSET (AttestProfile, seccomp) },
  { "tmp-noexec", G_STRUCT_OFFSET (AttestProfile, tmp_noexec) },
  { "network", G_STRUCT_OFFSET (AttestProfile, unshare_net) },
  { "capabilities", G_STRUCT_OFFSET (AttestProfile, drop_caps) },
  { "env", G_STRUCT_OFFSET (AttestProfile, clear_env) },
  { "in-ro", G_STRUCT_OFFSET (AttestProfile, in_read_only) },
};

gboolean
attest_profile_weaken (AttestProfile *profile, const char *what, GError **error)
{
  for (gsize i = 0; i < G_N_ELEMENTS (protections); i++)
    if (strcmp (protections[i].name, what) == 0)
      {
        G_STRUCT_MEMBER (gboolean, profile, protections[i].offset) = FALSE;
        return TRUE;
      }
  g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_USAGE,
               "--weaken: unknown protection \"%s\" (seccomp, tmp-noexec, network, capabilities, env, in-ro)", what);
  return FALSE;
}

char *
attest_profile_weakened (const AttestProfile *profile)
{
  g_autoptr(GString) s = g_string_new (NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (protections); i++)
    if (!G_STRUCT_MEMBER (gboolean, profile, protections[i].offset))
      g_string_append_printf (s, "%s%s", s->len ? "," : "", protections[i].name);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

char *
attest_profile_digest_text (const char *const *argv, const char *bpf_sha256, const AttestDigestLimit *limits,
                            guint n_limits, const char *bwrap_version)
{
  g_autoptr(GString) t = g_string_new ("sandbox-attest-profile/1\n");

  g_string_append_printf (t, "bwrap %s\nbpf %s\n", bwrap_version != NULL ? bwrap_version : "?",
                          bpf_sha256 != NULL ? bpf_sha256 : "none");
  for (guint i = 0; i < n_limits; i++)
    g_string_append_printf (t, "limit %s %" G_GINT64_FORMAT " %s %s\n", limits[i].name, limits[i].wanted,
                            limits[i].enforcer, limits[i].equivalent ? "equivalent" : "degraded");
  /* argv[0] is bwrap itself (its version is above); stop at the command.
   * The argv may come from an untrusted bundle: never step past its end. */
  for (guint i = argv[0] != NULL ? 1 : 0; argv[i] != NULL && strcmp (argv[i], "--") != 0; i++)
    {
      if (strcmp (argv[i], "--ro-bind") == 0 && argv[i + 1] != NULL && strcmp (argv[i + 1], "PROBE") == 0
          && argv[i + 2] != NULL)
        {
          i += 2;
          continue;
        }
      g_string_append_printf (t, "arg %s\n", argv[i]);
    }
  return g_string_free (g_steal_pointer (&t), FALSE);
}

void
attest_profile_digest_limits (const AttestLimits *limits, AttestDigestLimit out[ATTEST_N_LIMITS])
{
  for (int k = 0; k < ATTEST_N_LIMITS; k++)
    {
      const AttestLimitResult *r = attest_limits_result (limits, (AttestLimitKind) k);
      out[k] = (AttestDigestLimit) { r->name, (gint64) r->wanted, attest_enforcer_name (r->enforcer), r->equivalent };
    }
}
