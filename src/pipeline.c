#include "pipeline.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "bundle.h"
#include "bwrap-argv.h"
#include "collect.h"
#include "compile.h"
#include "doctor.h"
#include "error.h"
#include "fdutil.h"
#include "host.h"
#include "intoto.h"
#include "json-writer.h"
#include "launch.h"
#include "sandbox-limits.h"
#include "sign.h"
#include "paths.h"
#include "policy.h"
#include "profile.h"
#include "workdir.h"

#define MIN_BWRAP_MINOR 5   /* 0.5.0: --clearenv; --json-status-fd is 0.3.2 */

/* What a run owns and must undo on every path. */
typedef struct
{
  const AttestRunOptions *o;
  AttestEvidence *ev;
  AttestProfile *profile;
  AttestPolicy *policy;
  AttestFilter *filter;
  AttestMatrix *matrix;
  AttestWorkdir *workdir;    /* private: staging mount point, created in/out, probe copy */
  gboolean made_evidence;
  char *evidence_dir;
  char *trusted_probe_sha256;  /* the tool's own probe: the only one run vouches for */
  gint64 t0;
  GBytes *probe_bytes;       /* the private copy's bytes, until hashed with the host facts */
  gboolean host_recorded;
  AttestBwrapVersionRun *bwrap_version;  /* runs while the policy compiles */
} Run;

void
attest_run_result_free (AttestRunResult *r)
{
  if (r == NULL)
    return;
  g_free (r->bundle_path);
  g_free (r->statement_path);
  g_free (r->signature_path);
  g_clear_pointer (&r->judgement, attest_judgement_free);
  g_free (r->kept_in);
  g_free (r->kept_out);
  g_free (r);
}

static void
timing_value (Run *run, const char *stage, gint64 us)
{
  g_hash_table_insert (run->ev->timings_us, g_strdup (stage), g_memdup2 (&us, sizeof us));
}

static void
timing (Run *run, const char *stage, gint64 since)
{
  timing_value (run, stage, g_get_monotonic_time () - since);
}

static gboolean
usage_error (GError **error, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static gboolean
usage_error (GError **error, const char *fmt, ...)
{
  va_list ap;
  g_autofree char *msg = NULL;

  va_start (ap, fmt);
  msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error_literal (error, ATTEST_ERROR, ATTEST_ERROR_USAGE, msg);
  return FALSE;
}

/* ---- 0. inputs ---- */

static gboolean
valid_run_date (const char *date)
{
  g_autoptr(GDateTime) dt = NULL;
  g_autofree char *iso = NULL;

  if (date == NULL || strlen (date) != 10)
    return FALSE;
  iso = g_strconcat (date, "T00:00:00Z", NULL);
  dt = g_date_time_new_from_iso8601 (iso, NULL);
  return dt != NULL;
}

static char *
today (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  return g_date_time_format (now, "%Y-%m-%d");
}

static gboolean
existing_dir (const char *what, const char *path, GError **error)
{
  struct stat st;

  if (lstat (path, &st) < 0 || !S_ISDIR (st.st_mode))
    return usage_error (error, "%s %s: not an existing folder (symbolic links refused)", what, path);
  return TRUE;
}

static gboolean
resolve_inputs (Run *run, GError **error)
{
  const AttestRunOptions *o = run->o;
  AttestProfile *p = run->profile;
  AttestEvidence *ev = run->ev;
  const char *ci = attest_host_ci_venue ();

  p->policy = o->policy != NULL ? g_strdup (o->policy) : attest_paths_policy ();
  p->probe = o->probe != NULL ? g_canonicalize_filename (o->probe, NULL) : attest_paths_probe ();
  p->bwrap = o->bwrap != NULL ? g_strdup (o->bwrap) : attest_paths_bwrap ();
  p->run_date = o->run_date != NULL ? g_strdup (o->run_date) : today ();
  if (!valid_run_date (p->run_date))
    return usage_error (error, "--run-date %s: not a date of the form YYYY-MM-DD", p->run_date);
  if (!g_file_test (p->probe, G_FILE_TEST_IS_REGULAR))
    return usage_error (error, "--probe %s: no such file", p->probe);
  if (o->in_dir != NULL && !existing_dir ("--in", o->in_dir, error))
    return FALSE;
  if (o->out_dir != NULL && !existing_dir ("--out", o->out_dir, error))
    return FALSE;
  if (o->evidence_dir != NULL && !existing_dir ("--evidence", o->evidence_dir, error))
    return FALSE;
  p->ro_binds = g_strdupv (o->ro_binds);
  for (guint i = 0; o->weaken != NULL && o->weaken[i] != NULL; i++)
    if (!attest_profile_weaken (p, o->weaken[i], error))
      return FALSE;
  if (o->venue != NULL && *o->venue == '\0')
    return usage_error (error, "--venue: must not be empty");
  /* The packet names a CI runner's venue CI, whatever the operator says. */
  ev->venue = g_strdup (ci != NULL ? ci : o->venue != NULL ? o->venue : ATTEST_DEFAULT_VENUE);
  ev->venue_source = g_strdup (ci != NULL ? "ci-detected" : o->venue != NULL ? "operator" : "default");
  ev->run_date = g_strdup (p->run_date);
  ev->allow_degraded_limits = o->allow_degraded_limits;
  ev->weakened = attest_profile_weakened (p);
  return TRUE;
}

/* ---- 1-2. policy and compile ---- */

static gboolean
compile_policy (Run *run, GError **error)
{
  g_autofree char *matrix_path = run->o->matrix != NULL ? g_strdup (run->o->matrix) : attest_paths_matrix ();
  AttestCompileOptions options = { 0 };
  gint64 t = g_get_monotonic_time ();

  run->matrix = attest_matrix_load_file (matrix_path, error);
  if (run->matrix == NULL)
    return FALSE;
  run->policy = attest_policy_load_file (run->profile->policy, error);
  if (run->policy == NULL)
    return FALSE;
  run->filter = attest_compile (run->policy, &options, error);
  if (run->filter == NULL)
    return FALSE;
  timing (run, "compile", t);
  run->ev->policy_path = g_strdup (run->profile->policy);
  run->ev->policy_sha256 = g_strdup (run->policy->sha256);
  run->ev->compile_manifest = attest_filter_manifest (run->filter);
  return TRUE;
}

/* ---- 3. profile: folders ---- */

/* The probe runs from a private copy: the digest (taken with the host
 * facts) is of the bytes that ran (no swap between hashing and exec), and
 * the copy is reachable by the sandbox's uid wherever the original lives. */
static gboolean
copy_probe (Run *run, GError **error)
{
  g_autofree char *copy = g_build_filename (run->workdir->path, "probe", NULL);
  g_autoptr(GBytes) bytes = attest_read_file_limited (run->profile->probe, 64 * 1024 * 1024, FALSE, error);
  attest_autofd fd = -1;

  if (bytes == NULL)
    return FALSE;
  fd = open (copy, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0555);
  if (fd < 0 || !attest_write_all (fd, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), error))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_FAILED, "%s: %s", copy, g_strerror (errno));
      return FALSE;
    }
  run->ev->probe_path = g_strdup (run->profile->probe);
  run->probe_bytes = g_steal_pointer (&bytes);
  g_free (run->profile->probe);
  run->profile->probe = g_steal_pointer (&copy);
  return TRUE;
}

static gboolean
prepare_folders (Run *run, GError **error)
{
  const AttestRunOptions *o = run->o;
  AttestProfile *p = run->profile;
  gint64 t = g_get_monotonic_time ();

  run->workdir = attest_workdir_new (o->in_dir, o->out_dir, error);
  if (run->workdir == NULL || !copy_probe (run, error))
    return FALSE;
  p->in_dir = g_strdup (run->workdir->in_dir);
  p->out_dir = g_strdup (run->workdir->out_dir);
  /* The sandbox writes /out: a folder there could be a link elsewhere by
   * the time the bundle is written. */
  if (o->evidence_dir != NULL && o->out_dir != NULL && attest_paths_within (o->evidence_dir, o->out_dir))
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_USAGE, "--evidence %s is inside --out %s, which the sandbox "
                   "writes: choose an evidence folder outside it", o->evidence_dir, o->out_dir);
      return FALSE;
    }
  if (o->evidence_dir != NULL)
    run->evidence_dir = g_strdup (o->evidence_dir);
  else
    {
      g_autofree char *template = g_strdup_printf ("sandbox-attest-%s-XXXXXX", p->run_date);
      run->evidence_dir = g_mkdtemp_full (g_steal_pointer (&template), 0755);
      if (run->evidence_dir == NULL)
        {
          g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_BLOCKED, "creating an evidence folder here: %s",
                       g_strerror (errno));
          return FALSE;
        }
      run->made_evidence = TRUE;
    }
  timing (run, "prepare", t);
  return TRUE;
}

/* ---- host facts ---- */

/* Nothing here decides how the sandbox is built, so it is done while the
 * sandbox runs (AttestLaunchSpec.while_running), or after it when the
 * sandbox never got that far. */
static void
record_host (gpointer data)
{
  Run *run = data;
  AttestEvidence *ev = run->ev;
  gint64 t = g_get_monotonic_time ();
  g_autofree char *own = NULL;
  g_autoptr(GBytes) own_bytes = NULL;

  if (run->host_recorded)
    return;
  run->host_recorded = TRUE;
  own = attest_paths_probe ();
  own_bytes = attest_read_file_limited (own, 64 * 1024 * 1024, FALSE, NULL);
  ev->probe_sha256 = attest_sha256_hex_bytes (run->probe_bytes);
  /* A probe given with --probe is run and recorded, but only the tool's
   * own probe can make the run ACCEPTED (IMAGE-DIGEST).  The same bytes
   * are not hashed twice. */
  if (own_bytes != NULL && g_bytes_equal (own_bytes, run->probe_bytes))
    run->trusted_probe_sha256 = g_strdup (ev->probe_sha256);
  else if (own_bytes != NULL)
    run->trusted_probe_sha256 = attest_sha256_hex_bytes (own_bytes);
  else
    g_ptr_array_add (ev->problems, g_strdup_printf ("the tool's own probe %s is missing", own));
  ev->identity = attest_host_identity ();
  ev->runtime = attest_host_runtime (run->profile->bwrap, ev->bwrap_version);
  /* Of the bytes written to the copy that ran, never of the file now: a
   * sandbox whose /out holds the work folder could replace it. */
  ev->dynimport = attest_host_check_dynimport_bytes (run->probe_bytes, NULL);
  ev->host_namespaces = attest_collect_host_namespaces ();
  g_clear_pointer (&run->probe_bytes, g_bytes_unref);
  timing (run, "host", t);
}

static gboolean
bwrap_usable (Run *run)
{
  g_autoptr(GError) error = NULL;
  guint major = 0, minor = 0, micro = 0;
  gint64 t = g_get_monotonic_time ();
  gboolean ran;

  if (run->profile->bwrap == NULL)
    {
      g_ptr_array_add (run->ev->problems, g_strdup ("bwrap not found in PATH (install the bubblewrap package, or pass --bwrap)"));
      return FALSE;
    }
  ran = attest_host_bwrap_version_finish (run->bwrap_version, &major, &minor, &micro, &run->ev->bwrap_version, &error);
  timing (run, "bwrap_version", t);
  if (!ran)
    {
      g_ptr_array_add (run->ev->problems, g_strdup_printf ("bwrap %s cannot run: %s", run->profile->bwrap, error->message));
      return FALSE;
    }
  if (major == 0 && minor < MIN_BWRAP_MINOR)
    {
      g_ptr_array_add (run->ev->problems, g_strdup_printf ("bwrap %u.%u.%u is too old: 0.%d.0 or newer is needed (--clearenv)",
                                                           major, minor, micro, MIN_BWRAP_MINOR));
      return FALSE;
    }
  return TRUE;
}

/* ---- 4-5. argv and launch ---- */

static char *
profile_text (Run *run, AttestLimits *limits)
{
  AttestDigestLimit rows[ATTEST_N_LIMITS];

  g_ptr_array_add (run->ev->argv_normalised, NULL);
  for (int k = 0; k < ATTEST_N_LIMITS; k++)
    {
      const AttestLimitResult *r = attest_limits_result (limits, (AttestLimitKind) k);
      rows[k] = (AttestDigestLimit) { r->name, (gint64) r->wanted, attest_enforcer_name (r->enforcer), r->equivalent };
    }
  return attest_profile_digest_text ((const char *const *) run->ev->argv_normalised->pdata,
                                     run->profile->seccomp ? run->filter->bpf_sha256 : NULL, rows, ATTEST_N_LIMITS,
                                     run->ev->bwrap_version);
}

/* As root the sandbox must not be host root: the staging namespace maps
 * its 0 to 65532, the id Docker's --user gives. */
static guint
staging_id (guint caller)
{
  return caller == 0 ? ATTEST_SANDBOX_UID : caller;
}

/* Where the sandbox's time went (scripts/bench, `run --timings`), from the
 * launcher's timestamps: the staging namespace up to bwrap's exec, bwrap's
 * own set-up up to its json-status child-pid, and up to the probe's first
 * output (bwrap's mounts and the probe's exec). */
static void
launch_timings (Run *run, const AttestLaunchResult *r)
{
  const struct { const char *name; gint64 from, to; } spans[] = {
    { "staging", 0, r->exec_at_us },
    { "bwrap_start", r->exec_at_us, r->status_at_us },
    { "sandbox_ready", r->exec_at_us, r->out_at_us },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (spans); i++)
    if (spans[i].to > 0 && (i == 0 || spans[i].from > 0))
      timing_value (run, spans[i].name, spans[i].to - spans[i].from);
}

static void
launch_sandbox (Run *run)
{
  AttestEvidence *ev = run->ev;
  g_autoptr(GError) error = NULL;
  g_autoptr(AttestLimits) limits = NULL;
  attest_autofd seccomp_fd = -1;
  gint64 t = g_get_monotonic_time ();
  AttestLaunchSpec spec;

  limits = attest_limits_setup (&run->profile->limits, &error);
  timing (run, "limits_setup", t);
  if (limits == NULL)
    {
      g_ptr_array_add (ev->problems, g_strdup_printf ("limits: %s", error->message));
      return;
    }
  ev->limits = attest_limits_to_json (limits);
  if (run->profile->seccomp && (seccomp_fd = attest_sealed_memfd_new ("sandbox-attest-bpf", run->filter->bpf, &error)) < 0)
    {
      g_ptr_array_add (ev->problems, g_strdup_printf ("seccomp: %s", error->message));
      attest_limits_teardown (limits, NULL);
      return;
    }
  ev->argv = attest_bwrap_argv_build (run->profile, run->workdir->staged_tmp);
  ev->argv_normalised = attest_bwrap_argv_normalise (ev->argv, run->profile, run->workdir->staged_tmp);
  ev->tmp_staged = run->profile->tmp_noexec;
  ev->profile_text = profile_text (run, limits);

  spec = (AttestLaunchSpec) { ev->argv, seccomp_fd, run->profile->tmp_noexec ? run->workdir->staged_tmp : NULL, limits,
                              run->o->timeout_s, staging_id (getuid ()), staging_id (getgid ()),
                              !run->profile->clear_env, FALSE, record_host, run };
  t = g_get_monotonic_time ();
  ev->launch = attest_launch (&spec, &error);
  timing (run, "sandbox", t);
  if (ev->launch != NULL)
    launch_timings (run, ev->launch);
  if (ev->launch == NULL)
    g_ptr_array_add (ev->problems, g_strdup_printf ("launch: %s", error->message));
  t = g_get_monotonic_time ();
  g_clear_error (&error);
  /* Observed peaks are read before the cgroups go away. */
  g_clear_pointer (&ev->limits, json_node_unref);
  ev->limits = attest_limits_to_json (limits);
  if (!attest_limits_teardown (limits, &error))
    g_ptr_array_add (ev->problems, g_strdup_printf ("limits teardown: %s", error->message));
  timing (run, "limits_teardown", t);
}

/* ---- 6. collect ---- */

/* The sandbox was not set up: name the cause and the fix as doctor would. */
static void
explain_setup_failure (AttestEvidence *ev)
{
  g_autofree char *err = g_strndup (g_bytes_get_data (ev->launch->err, NULL) != NULL
                                    ? g_bytes_get_data (ev->launch->err, NULL) : "",
                                    g_bytes_get_size (ev->launch->err));
  g_autofree char *why = attest_doctor_explain_bwrap_failure (err, ev->launch->staging_error);
  g_auto(GStrv) lines = g_strsplit (err, "\n", 2);

  if (ev->launch->timed_out || ev->launch->interrupted_by != 0)
    return;
  if (why != NULL)
    g_ptr_array_add (ev->problems, g_strdup_printf ("the sandbox could not be set up: %s", why));
  else if (ev->launch->staging_error != NULL)
    g_ptr_array_add (ev->problems, g_strdup_printf ("the staging namespace failed: %s", ev->launch->staging_error));
  else
    g_ptr_array_add (ev->problems, g_strdup_printf ("bwrap failed: %s", lines[0] != NULL && *lines[0] ? lines[0]
                                                                         : "no message"));
}

static void
collect_results (Run *run)
{
  AttestEvidence *ev = run->ev;
  g_autoptr(GError) error = NULL;
  gint64 t = g_get_monotonic_time ();

  if (ev->launch == NULL)
    return;
  ev->json_status = g_bytes_ref (ev->launch->json_status);
  ev->status = attest_collect_status (ev->launch->json_status);
  if (ev->launch->staging_error != NULL || !ev->status->has_child_pid)
    explain_setup_failure (ev);
  ev->inside = attest_collect_inside (run->profile->out_dir, &error);
  if (ev->inside == NULL)
    ev->inside_error = g_strdup (error->message);
  timing (run, "collect", t);
}

/* ---- 7-8. bundle and verdict ---- */

static JsonNode *
judged_bundle (Run *run, AttestJudgement **out_judgement, GError **error)
{
  g_autoptr(JsonNode) bundle = attest_bundle_build (run->ev);
  g_autoptr(GBytes) bytes = attest_json_to_bytes (bundle);
  g_autoptr(AttestJson) parsed = attest_json_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                                    "bundle", error);
  AttestVerifyOptions options = { run->o->allow_degraded_limits, NULL,
                                  run->trusted_probe_sha256 != NULL ? run->trusted_probe_sha256 : "missing" };
  g_autoptr(AttestJudgement) j = NULL;
  JsonObject *root = json_node_get_object (bundle);
  JsonNode *judgement;

  /* The verifier judges the bytes as written, exactly as `verify` will. */
  if (parsed == NULL || (j = attest_verify (parsed, run->matrix, &options, error)) == NULL)
    return NULL;
  judgement = attest_judgement_to_json (j);
  json_object_set_string_member (root, "verdict", j->accepted ? "ACCEPTED" : "BLOCKED");
  json_object_set_member (root, "judgement", judgement);
  json_object_set_string_member (root, "matrix_sha256", run->matrix->sha256);
  *out_judgement = g_steal_pointer (&j);
  return g_steal_pointer (&bundle);
}

static gboolean
write_bundle (Run *run, JsonNode *bundle, char **out_path, GError **error)
{
  g_autofree char *name = attest_bundle_file_name (run->ev->venue, run->ev->run_date);
  g_autofree char *path = g_build_filename (run->evidence_dir, name, NULL);
  g_autoptr(GBytes) bytes = attest_json_to_bytes (bundle);

  if (!attest_write_file_atomic (path, bytes, run->o->force, error))
    {
      (*error)->code = g_error_matches (*error, ATTEST_ERROR, ATTEST_ERROR_OUTPUT) && strstr ((*error)->message, "already exists")
                       ? ATTEST_ERROR_USAGE : ATTEST_ERROR_BLOCKED;
      g_prefix_error (error, "writing the bundle (none was written): ");
      return FALSE;
    }
  *out_path = g_steal_pointer (&path);
  return TRUE;
}

/* --in-toto, --sign-key: the Statement beside the bundle, under the same
 * rules (atomic, never over an existing file unless --force), then its
 * signature.  All or nothing: when any of them cannot be written, what
 * was written, the bundle included, is removed and the run is BLOCKED, so
 * nobody takes an unsigned bundle for a signed one. */
static gboolean
write_statement (Run *run, JsonNode *bundle, AttestRunResult *result, GError **error)
{
  g_autoptr(JsonNode) statement = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) sig = NULL;
  g_autofree char *path = attest_intoto_path (result->bundle_path);
  g_autofree char *sig_path = g_strconcat (path, ATTEST_SIGN_SUFFIX, NULL);
  gboolean ok;

  if (!run->o->in_toto && run->o->sign_key == NULL)
    return TRUE;
  ok = (statement = attest_intoto_wrap (bundle, error)) != NULL;
  if (ok)
    {
      bytes = attest_json_to_bytes (statement);
      ok = attest_write_file_atomic (path, bytes, run->o->force, error);
    }
  if (ok && run->o->sign_key != NULL)
    {
      /* The signature is over the bytes just written, not a re-read. */
      ok = (sig = attest_sign_bytes (run->o->sign_key, bytes, error)) != NULL
           && attest_write_file_atomic (sig_path, sig, run->o->force, error);
      if (!ok)
        (void) unlink (path);
    }
  if (!ok)
    {
      (void) unlink (result->bundle_path);
      g_clear_pointer (&result->bundle_path, g_free);
      (*error)->domain = ATTEST_ERROR;
      (*error)->code = ATTEST_ERROR_BLOCKED;
      g_prefix_error (error, "%s (no bundle, Statement or signature was left): ",
                      run->o->sign_key != NULL ? "signing" : "writing the in-toto Statement");
      return FALSE;
    }
  result->statement_path = g_steal_pointer (&path);
  result->signature_path = sig != NULL ? g_steal_pointer (&sig_path) : NULL;
  return TRUE;
}

/* ---- clean-up ---- */

static void
cleanup (Run *run, AttestRunResult *result)
{
  g_autoptr(GError) error = NULL;

  if (run->workdir == NULL)
    return;
  if (run->o->keep && result != NULL)
    {
      result->kept_in = run->workdir->made_in ? g_strdup (run->profile->in_dir) : NULL;
      result->kept_out = run->workdir->made_out ? g_strdup (run->profile->out_dir) : NULL;
      (void) g_rmdir (run->workdir->staged_tmp);
      return;
    }
  /* Folders the operator named are never removed: they are outside the work folder. */
  if (!attest_workdir_remove (run->workdir, &error))
    g_warning ("%s", error->message);
}

static void
run_clear (Run *run)
{
  attest_evidence_free (run->ev);
  attest_profile_free (run->profile);
  attest_policy_free (run->policy);
  attest_filter_free (run->filter);
  attest_matrix_free (run->matrix);
  attest_workdir_free (run->workdir);
  g_free (run->evidence_dir);
  g_free (run->trusted_probe_sha256);
  g_clear_pointer (&run->probe_bytes, g_bytes_unref);
  g_clear_pointer (&run->bwrap_version, attest_host_bwrap_version_run_free);
}

static gboolean
interrupted (Run *run, GError **error)
{
  int sig = run->ev->launch != NULL && run->ev->launch->interrupted_by ? run->ev->launch->interrupted_by
                                                                        : attest_launch_pending_signal ();
  if (sig == 0)
    return FALSE;
  g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_BLOCKED, "interrupted by %s: the sandbox was killed, no bundle written",
               g_strsignal (sig));
  return TRUE;
}

AttestRunResult *
attest_pipeline_run (const AttestRunOptions *o, GError **error)
{
  Run run = { o, attest_evidence_new (), attest_profile_new_default (), NULL, NULL, NULL, NULL,
              FALSE, NULL, NULL, g_get_monotonic_time () };
  g_autoptr(AttestRunResult) result = g_new0 (AttestRunResult, 1);
  g_autoptr(JsonNode) bundle = NULL;
  gint64 t_bundle;
  gboolean ok;

  attest_launch_block_signals ();
  ok = resolve_inputs (&run, error);
  if (ok && run.profile->bwrap != NULL)
    run.bwrap_version = attest_host_bwrap_version_start (run.profile->bwrap);
  ok = ok && compile_policy (&run, error) && prepare_folders (&run, error);
  if (ok)
    {
      if (bwrap_usable (&run) && !interrupted (&run, NULL))
        launch_sandbox (&run);
      record_host (&run);  /* unless done while the sandbox ran */
      collect_results (&run);
      timing (&run, "total", run.t0);
      t_bundle = g_get_monotonic_time ();
      ok = !interrupted (&run, error)
           && (bundle = judged_bundle (&run, &result->judgement, error)) != NULL
           && write_bundle (&run, bundle, &result->bundle_path, error)
           && write_statement (&run, bundle, result, error);
      /* Not in the bundle: it is the time to write the bundle itself. */
      result->bundle_us = g_get_monotonic_time () - t_bundle;
    }
  cleanup (&run, ok ? result : NULL);
  if (!ok && run.made_evidence)
    (void) g_rmdir (run.evidence_dir);  /* only if empty: nothing half-written is left */
  run_clear (&run);
  if (!ok)
    return NULL;
  result->accepted = result->judgement->accepted;
  return g_steal_pointer (&result);
}
