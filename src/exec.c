#include "exec.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "bwrap-argv.h"
#include "collect.h"
#include "compile.h"
#include "doctor.h"
#include "error.h"
#include "fdutil.h"
#include "host.h"
#include "intoto.h"
#include "launch.h"
#include "paths.h"
#include "policy.h"
#include "profile.h"
#include "sandbox-limits.h"
#include "verify.h"
#include "workdir.h"

#define FUTURE_SLACK_S 300   /* clock skew a bundle's created_at may show */

typedef struct
{
  const AttestExecOptions *o;
  AttestJson *bundle;
  AttestPolicy *policy;
  AttestFilter *filter;
  AttestProfile *profile;
  AttestWorkdir *workdir;
  AttestLimits *limits;
  AttestBwrapVersionRun *bwrap_run;  /* `bwrap --version`, run while the bundle is judged */
  char *bwrap_version;
} Exec;

static gboolean
refuse (GError **error, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static gboolean
refuse (GError **error, const char *fmt, ...)
{
  va_list ap;
  g_autofree char *msg = NULL;

  va_start (ap, fmt);
  msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_BLOCKED, "%s; nothing was run", msg);
  return FALSE;
}

gboolean
attest_exec_parse_duration (const char *text, gint64 *out_seconds)
{
  static const struct { char unit; gint64 seconds; } units[] = {
    { 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 },
  };
  g_autofree char *number = NULL;
  gsize len = text != NULL ? strlen (text) : 0;
  guint64 n;

  if (len < 2)
    return FALSE;
  number = g_strndup (text, len - 1);
  if (!g_ascii_string_to_unsigned (number, 10, 1, G_MAXINT32, &n, NULL))
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (units); i++)
    if (text[len - 1] == units[i].unit)
      {
        *out_seconds = (gint64) n * units[i].seconds;
        return TRUE;
      }
  return FALSE;
}

static const char *
host_str (JsonNode *node, const char *path)
{
  g_auto(GStrv) parts = g_strsplit (path, ".", -1);

  for (guint i = 0; node != NULL && parts[i] != NULL; i++)
    {
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      node = o != NULL && json_object_has_member (o, parts[i]) ? json_object_get_member (o, parts[i]) : NULL;
    }
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
         ? json_node_get_string (node) : NULL;
}

/* ---- the bundle: accepted, this host, young enough ---- */

static gboolean
bundle_accepted (Exec *x, GError **error)
{
  g_autofree char *matrix_path = x->o->matrix != NULL ? g_strdup (x->o->matrix) : attest_paths_matrix ();
  g_autoptr(AttestMatrix) matrix = attest_matrix_load_file (matrix_path, error);
  AttestVerifyOptions options = { x->o->allow_degraded_limits, x->policy->sha256, NULL };
  g_autoptr(AttestJudgement) j = NULL;

  if (matrix == NULL)
    return FALSE;
  j = attest_verify (x->bundle, matrix, &options, error);
  if (j == NULL)
    {
      g_prefix_error (error, "%s: ", x->o->bundle);
      return FALSE;
    }
  for (guint i = 0; !j->accepted && i < j->rows->len; i++)
    {
      const AttestRowResult *r = g_ptr_array_index (j->rows, i);
      if (r->status == ATTEST_ROW_FAIL)
        return refuse (error, "the bundle is BLOCKED: %s: %s", r->id, r->message != NULL ? r->message : "failed");
    }
  return TRUE;
}

static gboolean
same_host (Exec *x, GError **error)
{
  static const char *const fields[] = { "hostname", "uname.sysname", "uname.release", "uname.machine",
                                        "os_release.ID", "os_release.VERSION_ID", NULL };
  g_autoptr(JsonNode) here = attest_host_identity ();

  for (guint i = 0; fields[i] != NULL; i++)
    {
      g_autofree char *path = g_strconcat ("venue_identity.", fields[i], NULL);
      const char *theirs = attest_json_string_at (x->bundle, path);
      const char *ours = host_str (here, fields[i]);

      if (g_strcmp0 (theirs, ours) != 0)
        return refuse (error, "the bundle is of another host: %s is %s there, %s here", fields[i],
                       theirs != NULL ? theirs : "(none)", ours != NULL ? ours : "(none)");
    }
  return TRUE;
}

static gboolean
young_enough (Exec *x, GError **error)
{
  const char *created = attest_json_string_at (x->bundle, "created_at");
  g_autoptr(GDateTime) then = created != NULL ? g_date_time_new_from_iso8601 (created, NULL) : NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  gint64 max_age = 0, age;

  if (!attest_exec_parse_duration (x->o->max_age, &max_age))
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_USAGE, "--max-age %s: not a duration such as 90s, 30m, 24h or 7d",
                   x->o->max_age);
      return FALSE;
    }
  if (then == NULL)
    return refuse (error, "the bundle has no valid created_at");
  age = g_date_time_difference (now, then) / G_TIME_SPAN_SECOND;
  if (age < -FUTURE_SLACK_S)
    return refuse (error, "the bundle was created in the future (%s)", created);
  if (age > max_age)
    return refuse (error, "the bundle is %" G_GINT64_FORMAT "s old, older than --max-age %s", age, x->o->max_age);
  return TRUE;
}

/* ---- the sandbox: the same profile, or nothing ---- */

static gboolean
prepare (Exec *x, GError **error)
{
  const AttestExecOptions *o = x->o;
  AttestProfile *p = x->profile;
  AttestCompileOptions compile = { 0 };
  guint major, minor, micro;

  x->filter = attest_compile (x->policy, &compile, error);
  if (x->filter == NULL)
    return FALSE;
  if (x->bwrap_run == NULL
      || !attest_host_bwrap_version_finish (x->bwrap_run, &major, &minor, &micro, &x->bwrap_version, NULL))
    return refuse (error, "bwrap not found or not runnable (install the bubblewrap package, or pass --bwrap)");
  x->workdir = attest_workdir_new (o->in_dir, o->out_dir, error);
  if (x->workdir == NULL)
    return FALSE;
  p->in_dir = g_strdup (x->workdir->in_dir);
  p->out_dir = g_strdup (x->workdir->out_dir);
  p->run_date = g_strdup ("exec");
  p->ro_binds = g_strdupv (o->ro_binds);
  p->command = g_strdupv (o->command);
  x->limits = attest_limits_setup (&p->limits, error);
  return x->limits != NULL;
}

/* The first line where two profile texts differ, for the one-line refusal. */
static char *
first_difference (const char *ours, const char *theirs)
{
  g_auto(GStrv) a = g_strsplit (ours, "\n", -1);
  g_auto(GStrv) b = g_strsplit (theirs != NULL ? theirs : "", "\n", -1);
  guint i;

  for (i = 0; a[i] != NULL && b[i] != NULL && strcmp (a[i], b[i]) == 0; i++)
    ;
  return g_strdup_printf ("here \"%s\", attested \"%s\"", a[i] != NULL ? a[i] : "(end)",
                          b[i] != NULL ? b[i] : "(end)");
}

static gboolean
same_profile (Exec *x, GPtrArray *argv, GError **error)
{
  g_autoptr(GPtrArray) norm = attest_bwrap_argv_normalise (argv, x->profile, x->workdir->staged_tmp);
  AttestDigestLimit rows[ATTEST_N_LIMITS];
  g_autofree char *text = NULL, *digest = NULL, *diff = NULL;

  g_ptr_array_add (norm, NULL);
  attest_profile_digest_limits (x->limits, rows);
  text = attest_profile_digest_text ((const char *const *) norm->pdata, x->filter->bpf_sha256, rows,
                                     ATTEST_N_LIMITS, x->bwrap_version);
  digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
  if (g_strcmp0 (digest, attest_json_string_at (x->bundle, "profile.digest")) == 0)
    return TRUE;
  diff = first_difference (text, attest_json_string_at (x->bundle, "profile.text"));
  return refuse (error, "the sandbox would differ from the attested one (profile digest): %s", diff);
}

/* ---- running ---- */

static int
command_status (Exec *x, AttestLaunchResult *r, GError **error)
{
  g_autoptr(AttestStatus) s = attest_collect_status (r->json_status);
  g_autofree char *err = NULL, *why = NULL;

  if (r->interrupted_by != 0)
    return refuse (error, "interrupted by %s: the sandbox was killed", g_strsignal (r->interrupted_by)), -1;
  if (r->timed_out)
    return refuse (error, "the command overran --timeout %u s and was killed with its sandbox", x->o->timeout_s), -1;
  if (r->staging_error != NULL || !s->has_child_pid)
    {
      why = attest_doctor_explain_bwrap_failure ("", r->staging_error);
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_BLOCKED, "the sandbox could not be set up: %s",
                   why != NULL ? why : r->staging_error != NULL ? r->staging_error : "bwrap failed (see its message above)");
      return -1;
    }
  if (!s->has_exit_code)
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_BLOCKED, "%s could not be executed in the sandbox",
                   x->o->command[0]);
      return -1;
    }
  return (int) MIN (s->exit_code, 255);
}

static int
run_command (Exec *x, GError **error)
{
  g_autoptr(GPtrArray) argv = attest_bwrap_argv_build (x->profile, x->workdir->staged_tmp);
  g_autoptr(AttestLaunchResult) r = NULL;
  attest_autofd seccomp_fd = -1;
  AttestLaunchSpec spec;

  if (!same_profile (x, argv, error))
    return -1;
  seccomp_fd = attest_sealed_memfd_new ("sandbox-attest-bpf", x->filter->bpf, error);
  if (seccomp_fd < 0)
    return -1;
  spec = (AttestLaunchSpec) { argv, seccomp_fd, x->workdir->staged_tmp, x->limits, x->o->timeout_s,
                              getuid () == 0 ? ATTEST_SANDBOX_UID : getuid (),
                              getgid () == 0 ? ATTEST_SANDBOX_GID : getgid (), FALSE, TRUE };
  r = attest_launch (&spec, error);
  if (r == NULL)
    return -1;
  return command_status (x, r, error);
}

static void
exec_clear (Exec *x)
{
  if (x->limits != NULL)
    attest_limits_teardown (x->limits, NULL);
  if (x->workdir != NULL)
    attest_workdir_remove (x->workdir, NULL);
  g_clear_pointer (&x->limits, attest_limits_free);
  g_clear_pointer (&x->workdir, attest_workdir_free);
  g_clear_pointer (&x->bundle, attest_json_free);
  g_clear_pointer (&x->policy, attest_policy_free);
  g_clear_pointer (&x->filter, attest_filter_free);
  g_clear_pointer (&x->profile, attest_profile_free);
  g_clear_pointer (&x->bwrap_run, attest_host_bwrap_version_run_free);
  g_free (x->bwrap_version);
}

int
attest_exec (const AttestExecOptions *o, GError **error)
{
  g_autofree char *policy_path = o->policy != NULL ? g_strdup (o->policy) : attest_paths_policy ();
  Exec x = { o, NULL, NULL, NULL, attest_profile_new_default (), NULL, NULL, NULL, NULL };
  int status = -1;

  attest_launch_block_signals ();
  x.profile->bwrap = o->bwrap != NULL ? g_strdup (o->bwrap) : attest_paths_bwrap ();
  if (x.profile->bwrap != NULL)
    x.bwrap_run = attest_host_bwrap_version_start (x.profile->bwrap);
  x.bundle = attest_bundle_load_file (o->bundle, error);
  if (x.bundle != NULL && attest_intoto_is_statement (x.bundle))
    g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_USAGE, "%s is an in-toto Statement: exec takes the bundle it "
                 "wraps (verify --allowed-signers checks the Statement and its signature)", o->bundle);
  else if (x.bundle != NULL)
    x.policy = attest_policy_load_file (policy_path, error);
  if (x.policy != NULL && bundle_accepted (&x, error) && same_host (&x, error) && young_enough (&x, error)
      && prepare (&x, error))
    status = run_command (&x, error);
  exec_clear (&x);
  return status;
}
