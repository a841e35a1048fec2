/* Stage 3, profile: what the sandbox must be, flag for flag with the
 * reference `docker run`.  Defaults equal that command; the CLI can change
 * the paths, and tests weaken single protections on purpose (the weakened
 * fields exist so that a test can prove each probe catches the loss). */
#pragma once

#include <glib.h>

#include "sandbox-limits.h"

G_BEGIN_DECLS

#define ATTEST_SANDBOX_UID 65532
#define ATTEST_SANDBOX_GID 65532
#define ATTEST_SANDBOX_HOSTNAME "sandbox"
#define ATTEST_SANDBOX_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define ATTEST_TMP_SIZE (16u * 1024u * 1024u)

typedef struct
{
  char *bwrap;               /* absolute path of bwrap */
  char *probe;               /* host path of the static probe */
  char *policy;              /* host path of the seccomp policy */
  char *in_dir;              /* host folder bound read-only at /in */
  char *out_dir;             /* host folder bound read-write at /out */
  char *run_date;            /* YYYY-MM-DD */
  guint uid, gid;
  AttestLimitsWanted limits;
  GStrv ro_binds;            /* extra SRC DEST pairs, read-only */
  GStrv command;             /* `exec`: the command instead of the probe (NULL: the probe) */

  /* Protections; all TRUE by default.  Only tests turn one off, through
   * the hidden --weaken option, to prove a probe catches its loss. */
  gboolean seccomp;
  gboolean tmp_noexec;
  gboolean unshare_net;
  gboolean drop_caps;
  gboolean clear_env;
  gboolean in_read_only;
} AttestProfile;

AttestProfile *attest_profile_new_default (void);
void attest_profile_free (AttestProfile *profile);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttestProfile, attest_profile_free)

/* Turns one protection off by name (seccomp, tmp-noexec, network,
 * capabilities, env, in-ro). */
gboolean attest_profile_weaken (AttestProfile *profile, const char *what, GError **error);

/* The list of protections a profile has turned off ("" when none). */
char *attest_profile_weakened (const AttestProfile *profile);

/* One limit as the profile digest sees it. */
typedef struct
{
  const char *name;
  gint64 wanted;
  const char *enforcer;
  gboolean equivalent;
} AttestDigestLimit;

/* The text a profile digest is the sha256 of: everything that defines the
 * sandbox and nothing that changes from run to run.  @normalised_argv is
 * attest_bwrap_argv_normalise()'s; the command after "--" and the probe's
 * bind are left out, so that `exec` of another command in the same
 * sandbox has the same digest.  Line-based, so a verifier rebuilds it
 * from the bundle's members with this same function. */
/* The limits as the digest sees them, from what @limits set up. */
void attest_profile_digest_limits (const AttestLimits *limits, AttestDigestLimit out[ATTEST_N_LIMITS]);

char *attest_profile_digest_text (const char *const *normalised_argv, const char *bpf_sha256,
                                  const AttestDigestLimit *limits, guint n_limits, const char *bwrap_version);

G_END_DECLS
