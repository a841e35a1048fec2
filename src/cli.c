#include "cli.h"

#include <gio/gio.h>
#include <unistd.h>

#include "bundle.h"
#include "compile.h"
#include "error.h"
#include "fdutil.h"
#include "exec.h"
#include "intoto.h"
#include "json-writer.h"
#include "paths.h"
#include "pipeline.h"
#include "policy.h"
#include "sign.h"
#include "timings.h"

static const AttestCommand commands[] = {
  { "run", attest_cli_run, "Attest: build the sandbox, run the probe, write the evidence bundle" },
  { "exec", attest_cli_exec, "Run a command in the sandbox an accepted bundle attests", TRUE },
  { "verify", attest_cli_verify, "Judge evidence bundles against the acceptance matrix (read-only)" },
  { "report", attest_cli_report, "Show a bundle as a terminal table, Markdown or HTML" },
  { "compile", attest_cli_compile, "Compile a Docker-format seccomp policy into BPF" },
  { "doctor", attest_cli_doctor, "Diagnose whether this host can attest, and how to fix it" },
  { "assemble", attest_cli_assemble, "Docker venue: build the bundle of a reference docker run (scripts/attest-docker)" },
  { "parity", attest_cli_parity, "Compare a bwrap-venue bundle with a Docker-venue bundle, probe by probe" },
  { "sign", attest_cli_sign, "Wrap a bundle as an in-toto Statement and sign it with an ssh key" },
  { NULL, NULL, NULL, FALSE },
};

const AttestCommand *
attest_cli_commands (void)
{
  return commands;
}

static gboolean
parse_options (GOptionContext *context, int *argc, char ***argv, GError **error)
{
  if (g_option_context_parse (context, argc, argv, error))
    return TRUE;
  (*error)->domain = ATTEST_ERROR;
  (*error)->code = ATTEST_ERROR_USAGE;
  return FALSE;
}

static void
print_compile_summary (const AttestFilter *filter)
{
  g_print ("policy %s sha256 %s\n", filter->policy_source, filter->policy_sha256);
  g_print ("bpf %u instructions (%u in the ENOSYS stub) sha256 %s\n", filter->n_insns,
           filter->n_stub_insns, filter->bpf_sha256);
  g_print ("default %s, bad architecture %s, libseccomp %s\n", filter->default_action,
           filter->badarch_action, filter->libseccomp_version);
  for (guint i = 0; i < filter->arches->len; i++)
    {
      AttestFilterArch *arch = g_ptr_array_index (filter->arches, i);
      g_autofree char *skipped = NULL;

      g_ptr_array_add (arch->skipped, NULL);
      skipped = g_strjoinv (" ", (char **) arch->skipped->pdata);
      g_ptr_array_remove_index (arch->skipped, arch->skipped->len - 1);
      g_print ("arch %s: highest syscall %d%s; not on this arch (%u): %s\n", arch->arch, arch->max_nr,
               arch->stub ? ", ENOSYS above it" : "", arch->skipped->len,
               arch->skipped->len > 0 ? skipped : "-");
    }
  g_print ("skipped unknown (%u):", filter->unknown->len);
  for (guint i = 0; i < filter->unknown->len; i++)
    g_print (" %s", (const char *) g_ptr_array_index (filter->unknown, i));
  g_print ("\n");
  for (guint i = 0; i < filter->dropped->len; i++)
    g_print ("dropped %s\n", (const char *) g_ptr_array_index (filter->dropped, i));
  for (guint i = 0; i < filter->notes->len; i++)
    g_print ("note %s\n", (const char *) g_ptr_array_index (filter->notes, i));
}

/* Both files or neither: a manifest that fails removes the BPF written just before. */
static gboolean
write_compile_outputs (const AttestFilter *filter, const char *bpf_path, const char *manifest_path,
                       GError **error)
{
  if (bpf_path != NULL && !attest_write_file_atomic (bpf_path, filter->bpf, TRUE, error))
    return FALSE;
  if (manifest_path != NULL)
    {
      g_autoptr(JsonNode) manifest = attest_filter_manifest (filter);
      g_autoptr(GBytes) bytes = attest_json_to_bytes (manifest);

      if (!attest_write_file_atomic (manifest_path, bytes, TRUE, error))
        {
          if (bpf_path != NULL)
            (void) unlink (bpf_path);
          return FALSE;
        }
    }
  return TRUE;
}

int
attest_cli_compile (int argc, char **argv, GError **error)
{
  g_autofree char *out_path = NULL;
  g_autofree char *manifest_path = NULL;
  gboolean pfc = FALSE, allow_unknown = FALSE;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &out_path, "Write the BPF program to FILE", "FILE" },
    { "manifest", 0, 0, G_OPTION_ARG_FILENAME, &manifest_path, "Write the compile manifest (JSON) to FILE", "FILE" },
    { "pfc", 0, 0, G_OPTION_ARG_NONE, &pfc, "Print libseccomp's PFC text (and keep it in the manifest)", NULL },
    { "allow-unknown", 0, 0, G_OPTION_ARG_NONE, &allow_unknown,
      "Skip syscall names libseccomp does not know even where that changes what a rule denies", NULL },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("POLICY.json");
  g_autoptr(AttestPolicy) policy = NULL;
  g_autoptr(AttestFilter) filter = NULL;
  AttestCompileOptions options = { 0 };

  g_option_context_set_summary (context, "Compile a Docker/OCI seccomp policy into a BPF program for bwrap --seccomp.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!parse_options (context, &argc, &argv, error))
    return 2;
  if (argc != 2)
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_USAGE, "compile takes exactly one POLICY.json");
      return 2;
    }
  policy = attest_policy_load_file (argv[1], error);
  if (policy == NULL)
    return attest_error_exit_status (*error);
  options.allow_unknown = allow_unknown;
  options.want_pfc = pfc;
  filter = attest_compile (policy, &options, error);
  if (filter == NULL || !write_compile_outputs (filter, out_path, manifest_path, error))
    return attest_error_exit_status (*error);
  if (pfc)
    g_print ("%s", filter->pfc);
  else
    print_compile_summary (filter);
  return 0;
}

static void
print_rows (const AttestJudgement *j, gboolean failed_only)
{
  for (guint i = 0; i < j->rows->len; i++)
    {
      const AttestRowResult *r = g_ptr_array_index (j->rows, i);

      if (failed_only && r->status != ATTEST_ROW_FAIL && r->status != ATTEST_ROW_WARN)
        continue;
      g_print ("  %-22s %-6s %-4s %s%s%s\n", r->id, attest_row_level_name (r->level), attest_row_status_name (r->status),
               r->observed != NULL ? r->observed : "", r->message != NULL ? " -- " : "",
               r->message != NULL ? r->message : "");
    }
}

static void
print_run_result (const AttestRunResult *r, gboolean json)
{
  if (json)
    {
      g_autoptr(JsonNode) node = attest_judgement_to_json (r->judgement);

      json_object_set_string_member (json_node_get_object (node), "bundle", r->bundle_path);
      if (r->statement_path != NULL)
        json_object_set_string_member (json_node_get_object (node), "statement", r->statement_path);
      if (r->signature_path != NULL)
        json_object_set_string_member (json_node_get_object (node), "signature", r->signature_path);
      attest_json_print (node);
      return;
    }
  g_print ("verdict: %s\n", r->accepted ? "ACCEPTED" : "BLOCKED");
  print_rows (r->judgement, FALSE);
  if (r->kept_in != NULL || r->kept_out != NULL)
    g_print ("kept: %s %s\n", r->kept_in != NULL ? r->kept_in : "", r->kept_out != NULL ? r->kept_out : "");
  g_print ("bundle: %s\n", r->bundle_path);
  if (r->statement_path != NULL)
    g_print ("in-toto statement: %s\n", r->statement_path);
  if (r->signature_path != NULL)
    g_print ("signature: %s\n", r->signature_path);
}

/* --timings: after the verdict, where the time went (stdout; stderr under
 * --json so that stdout stays one JSON document). */
static void
print_timings (const AttestRunResult *r, gboolean json)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = attest_timings_text (r->bundle_path, r->bundle_us, &error);

  if (text == NULL)
    g_printerr ("sandbox-attest run: --timings: %s\n", error->message);
  else if (json)
    g_printerr ("%s", text);
  else
    g_print ("%s", text);
}

/* Destinations the sandbox itself defines; a bind may not cover them. */
static const char *const reserved_destinations[] = { "/", "/in", "/out", "/tmp", "/proc", "/dev", "/probe", NULL };

/* "--ro-bind SRC DEST" takes two values, which GOption cannot: the pairs
 * are taken out of argv (up to "--") before the options are parsed. */
static gboolean
take_ro_binds (int *argc, char **argv, GStrv *out_binds, GError **error)
{
  g_autoptr(GStrvBuilder) binds = g_strv_builder_new ();
  int kept = 1;

  for (int i = 1; i < *argc; i++)
    {
      const char *src, *dest;

      if (strcmp (argv[i], "--") == 0)
        {
          while (i < *argc)
            argv[kept++] = argv[i++];
          break;
        }
      if (strcmp (argv[i], "--ro-bind") != 0)
        {
          argv[kept++] = argv[i];
          continue;
        }
      if (i + 2 >= *argc)
        {
          g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_USAGE, "--ro-bind takes two values: SRC DEST");
          return FALSE;
        }
      src = argv[++i];
      dest = argv[++i];
      if (!g_path_is_absolute (src) || !g_file_test (src, G_FILE_TEST_EXISTS))
        {
          g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_USAGE, "--ro-bind %s: not an existing absolute path", src);
          return FALSE;
        }
      if (!g_path_is_absolute (dest) || strstr (dest, "/..") != NULL
          || g_strv_contains (reserved_destinations, dest))
        {
          g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_USAGE,
                       "--ro-bind %s %s: DEST must be an absolute path other than / /in /out /tmp /proc /dev /probe",
                       src, dest);
          return FALSE;
        }
      g_strv_builder_add (binds, src);
      g_strv_builder_add (binds, dest);
    }
  argv[kept] = NULL;
  *argc = kept;
  *out_binds = g_strv_builder_end (binds);
  if ((*out_binds)[0] == NULL)
    g_clear_pointer (out_binds, g_strfreev);
  return TRUE;
}

/* One line on stderr that says why, for logs that keep only stderr. */
static void
print_blocked_line (const AttestRunResult *r)
{
  for (guint i = 0; i < r->judgement->rows->len; i++)
    {
      const AttestRowResult *row = g_ptr_array_index (r->judgement->rows, i);
      if (row->status == ATTEST_ROW_FAIL)
        {
          g_printerr ("sandbox-attest run: BLOCKED: %s: %s (%u failed rows; bundle %s)\n", row->id,
                      row->message != NULL ? row->message : "failed", r->judgement->n_fail, r->bundle_path);
          return;
        }
    }
}

int
attest_cli_run (int argc, char **argv, GError **error)
{
  AttestRunOptions o = { 0 };
  gboolean json = FALSE, timings = FALSE;
  int timeout = ATTEST_DEFAULT_TIMEOUT;
  const GOptionEntry entries[] = {
    { "policy", 0, 0, G_OPTION_ARG_FILENAME, &o.policy, "Seccomp policy (default: the shipped deny-by-default.json)", "FILE" },
    { "probe", 0, 0, G_OPTION_ARG_FILENAME, &o.probe, "Probe binary to run (default: the installed sandbox-probe)", "PATH" },
    { "in", 0, 0, G_OPTION_ARG_FILENAME, &o.in_dir, "Folder bound read-only at /in (default: a fresh one with the reference fixture, removed after)", "DIR" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &o.out_dir, "Folder bound read-write at /out (default: a fresh one, removed after)", "DIR" },
    { "evidence", 0, 0, G_OPTION_ARG_FILENAME, &o.evidence_dir, "Folder for the bundle (default: a fresh ./sandbox-attest-DATE-XXXXXX)", "DIR" },
    { "venue", 0, 0, G_OPTION_ARG_STRING, &o.venue, "Venue name when not on a CI runner, where it is always CI (default: " ATTEST_DEFAULT_VENUE ")", "NAME" },
    { "run-date", 0, 0, G_OPTION_ARG_STRING, &o.run_date, "Run date YYYY-MM-DD (default: today, UTC)", "DATE" },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout, "Kill the sandbox after SECONDS (default: 120)", "SECONDS" },
    { "matrix", 0, 0, G_OPTION_ARG_FILENAME, &o.matrix, "Acceptance matrix (default: the shipped matrix.json)", "FILE" },
    { "bwrap", 0, 0, G_OPTION_ARG_FILENAME, &o.bwrap, "bwrap to use (default: pinned at build time, else PATH)", "PATH" },
    { "allow-degraded-limits", 0, 0, G_OPTION_ARG_NONE, &o.allow_degraded_limits,
      "Accept limits that only a weaker fallback (rlimit) or nothing enforces; the bundle says so", NULL },
    { "keep", 0, 0, G_OPTION_ARG_NONE, &o.keep, "Keep the input and output folders run created", NULL },
    { "force", 0, 0, G_OPTION_ARG_NONE, &o.force, "Replace an existing bundle of the same venue and date", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the verdict and rows as JSON", NULL },
    { "timings", 0, 0, G_OPTION_ARG_NONE, &timings,
      "After the verdict, print where the time went (the bundle's timings_us, the probe's groups)", NULL },
    { "in-toto", 0, 0, G_OPTION_ARG_NONE, &o.in_toto,
      "Also write the bundle as an in-toto Statement v1, BUNDLE.intoto.json", NULL },
    { "sign-key", 0, 0, G_OPTION_ARG_FILENAME, &o.sign_key,
      "Sign the in-toto Statement with this ssh private key (ssh-keygen -Y sign): STATEMENT.sig; implies --in-toto", "KEY" },
    { "weaken", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING_ARRAY, &o.weaken,
      "Tests only: turn a protection off to prove a probe catches it (the run is always BLOCKED)", "WHAT" },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(AttestRunResult) result = NULL;
  int status;

  if (!take_ro_binds (&argc, argv, &o.ro_binds, error))
    return 2;
  g_option_context_set_summary (context,
    "Builds the sandbox of the reference docker run with bubblewrap, runs the probe in it, and writes\n"
    "the evidence bundle.  Exit 0 ACCEPTED, 3 BLOCKED, 2 bad input.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!parse_options (context, &argc, &argv, error))
    status = 2;
  else if (argc != 1)
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_USAGE, "run takes no arguments, got \"%s\"", argv[1]);
      status = 2;
    }
  else if (timeout < 1 || timeout > 86400)
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_USAGE, "--timeout %d: must be 1 to 86400 seconds", timeout);
      status = 2;
    }
  else if (o.sign_key != NULL && !attest_sign_check_key (o.sign_key, error))
    status = 2;
  else
    {
      o.timeout_s = (guint) timeout;
      result = attest_pipeline_run (&o, error);
      status = result == NULL ? attest_error_exit_status (*error) : result->accepted ? 0 : 3;
      if (result != NULL)
        print_run_result (result, json);
      if (result != NULL && timings)
        print_timings (result, json);
      if (result != NULL && !result->accepted)
        print_blocked_line (result);
    }
  g_free (o.policy);
  g_free (o.probe);
  g_free (o.in_dir);
  g_free (o.out_dir);
  g_free (o.evidence_dir);
  g_free (o.venue);
  g_free (o.run_date);
  g_free (o.matrix);
  g_free (o.bwrap);
  g_free (o.sign_key);
  g_strfreev (o.weaken);
  g_strfreev (o.ro_binds);
  return status;
}

/* ---- verify ---- */

typedef struct
{
  char *path;
  AttestJudgement *judgement;
  char *venue, *run_date;
} Verified;

static void
verified_clear (Verified *v)
{
  g_free (v->path);
  g_clear_pointer (&v->judgement, attest_judgement_free);
  g_free (v->venue);
  g_free (v->run_date);
}

static char *
file_sha256 (const char *what, const char *path, GError **error)
{
  g_autoptr(GBytes) bytes = attest_read_file_limited (path, 256u * 1024u * 1024u, FALSE, error);

  if (bytes == NULL)
    {
      g_prefix_error (error, "%s: ", what);
      return NULL;
    }
  return attest_sha256_hex_bytes (bytes);
}

/* verify --allowed-signers: who may have signed, and as whom. */
typedef struct
{
  const char *allowed_signers;
  const char *identity;
} VerifySigning;

/* A plain bundle or an in-toto Statement of ours (detected by "_type"):
 * the Statement's predicate is judged as the bundle, and its subjects
 * must be the digests the predicate records (INTOTO-SUBJECTS).  With
 * --allowed-signers, PATH.sig must be a good signature over the exact
 * bytes judged (SIGNATURE). */
static gboolean
verify_one (const char *path, const AttestMatrix *matrix, const AttestVerifyOptions *options,
            const VerifySigning *signing, Verified *out, GError **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(AttestJson) doc = attest_bundle_load_file_bytes (path, &bytes, error);
  const AttestJson *bundle = NULL;
  const AttestJson *venue, *date;

  if (doc == NULL)
    return FALSE;
  out->judgement = attest_intoto_judge (doc, matrix, options, &bundle, error);
  if (out->judgement == NULL)
    {
      g_prefix_error (error, "%s: ", path);
      return FALSE;
    }
  if (signing->allowed_signers != NULL)
    {
      g_autofree char *sig_path = g_strconcat (path, ATTEST_SIGN_SUFFIX, NULL);
      g_autofree char *observed = NULL, *why = NULL;
      gboolean ok = attest_sign_verify (signing->allowed_signers, signing->identity, sig_path, bytes, &observed, &why);

      attest_judgement_add_row (out->judgement, "SIGNATURE", ATTEST_LEVEL_MUST, ok, observed, why);
    }
  out->path = g_strdup (path);
  venue = attest_json_member (bundle, "venue");
  date = attest_json_member (bundle, "run_date");
  out->venue = g_strdup (venue != NULL && venue->type == ATTEST_JSON_STRING ? venue->text : "?");
  out->run_date = g_strdup (date != NULL && date->type == ATTEST_JSON_STRING ? date->text : "?");
  return TRUE;
}

static void
print_verified_json (GArray *results)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (b);
  for (guint i = 0; i < results->len; i++)
    {
      Verified *v = &g_array_index (results, Verified, i);
      JsonNode *node = attest_judgement_to_json (v->judgement);

      json_object_set_string_member (json_node_get_object (node), "bundle", v->path);
      json_builder_add_value (b, node);
    }
  json_builder_end_array (b);
  root = json_builder_get_root (b);
  attest_json_print (root);
}

static void
print_verified_text (GArray *results)
{
  for (guint i = 0; i < results->len; i++)
    {
      Verified *v = &g_array_index (results, Verified, i);
      g_print ("%s: %s\n", v->path, v->judgement->accepted ? "ACCEPTED" : "BLOCKED");
      print_rows (v->judgement, TRUE);
    }
  if (results->len < 2)
    return;
  /* A fleet of hosts or CI jobs: one line each. */
  g_print ("\n%-8s %-12s %-20s %-6s %-6s %s\n", "verdict", "run date", "venue", "fail", "warn", "bundle");
  for (guint i = 0; i < results->len; i++)
    {
      Verified *v = &g_array_index (results, Verified, i);
      g_print ("%-8s %-12s %-20s %-6u %-6u %s\n", v->judgement->accepted ? "ACCEPTED" : "BLOCKED", v->run_date,
               v->venue, v->judgement->n_fail, v->judgement->n_warn, v->path);
    }
}

int
attest_cli_verify (int argc, char **argv, GError **error)
{
  g_autofree char *matrix_path = NULL, *policy = NULL, *probe = NULL;
  g_autofree char *policy_sha = NULL, *probe_sha = NULL;
  g_autofree char *allowed_signers = NULL, *identity = NULL;
  gboolean json = FALSE, allow_degraded = FALSE;
  const GOptionEntry entries[] = {
    { "matrix", 0, 0, G_OPTION_ARG_FILENAME, &matrix_path, "Acceptance matrix (default: the shipped matrix.json)", "FILE" },
    { "policy", 0, 0, G_OPTION_ARG_FILENAME, &policy, "The policy the bundle must have been compiled from", "FILE" },
    { "probe", 0, 0, G_OPTION_ARG_FILENAME, &probe, "The probe binary the bundle must have run", "FILE" },
    { "allow-degraded-limits", 0, 0, G_OPTION_ARG_NONE, &allow_degraded,
      "Accept limits a weaker fallback enforced, where the run accepted them too", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the rows as JSON", NULL },
    { "allowed-signers", 0, 0, G_OPTION_ARG_FILENAME, &allowed_signers,
      "Require BUNDLE.sig, a good ssh signature by a key this file allows (ssh-keygen ALLOWED SIGNERS)", "FILE" },
    { "signer-identity", 0, 0, G_OPTION_ARG_STRING, &identity,
      "The principal that must have signed (default: the one the allowed-signers file gives the signing key)", "ID" },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("BUNDLE...");
  g_autoptr(AttestMatrix) matrix = NULL;
  g_autoptr(GArray) results = g_array_new (FALSE, TRUE, sizeof (Verified));
  AttestVerifyOptions options = { 0 };
  VerifySigning signing = { 0 };
  gboolean all_accepted = TRUE;

  g_array_set_clear_func (results, (GDestroyNotify) verified_clear);
  g_option_context_set_summary (context,
    "Re-judges evidence bundles (or in-toto Statements of them) without changing them: every verdict is\n"
    "recomputed from the observed values.  Exit 0 every bundle ACCEPTED, 3 any BLOCKED, 2 an unreadable\n"
    "or malformed bundle.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!parse_options (context, &argc, &argv, error))
    return 2;
  if (argc < 2)
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_USAGE, "verify needs at least one BUNDLE");
      return 2;
    }
  if (identity != NULL && allowed_signers == NULL)
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_USAGE, "--signer-identity needs --allowed-signers");
      return 2;
    }
  if (allowed_signers != NULL && !g_file_test (allowed_signers, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_USAGE, "--allowed-signers %s: not a file", allowed_signers);
      return 2;
    }
  signing = (VerifySigning) { allowed_signers, identity };
  if (matrix_path == NULL)
    matrix_path = attest_paths_matrix ();
  matrix = attest_matrix_load_file (matrix_path, error);
  if (matrix == NULL
      || (policy != NULL && (policy_sha = file_sha256 ("--policy", policy, error)) == NULL)
      || (probe != NULL && (probe_sha = file_sha256 ("--probe", probe, error)) == NULL))
    return 2;
  options = (AttestVerifyOptions) { allow_degraded, policy_sha, probe_sha };
  for (int i = 1; i < argc; i++)
    {
      Verified v = { 0 };
      if (!verify_one (argv[i], matrix, &options, &signing, &v, error))
        return 2;
      all_accepted = all_accepted && v.judgement->accepted;
      g_array_append_val (results, v);
    }
  if (json)
    print_verified_json (results);
  else
    print_verified_text (results);
  return all_accepted ? 0 : 3;
}

/* ---- exec ---- */

int
attest_cli_exec (int argc, char **argv, GError **error)
{
  AttestExecOptions o = { 0 };
  int timeout = ATTEST_EXEC_DEFAULT_TIMEOUT;
  const GOptionEntry entries[] = {
    { "bundle", 0, 0, G_OPTION_ARG_FILENAME, &o.bundle, "The accepted bundle that attests the sandbox (required)", "FILE" },
    { "max-age", 0, 0, G_OPTION_ARG_STRING, &o.max_age, "Refuse a bundle older than this (default: " ATTEST_EXEC_DEFAULT_MAX_AGE ")", "DURATION" },
    { "policy", 0, 0, G_OPTION_ARG_FILENAME, &o.policy, "Seccomp policy (default: the shipped deny-by-default.json)", "FILE" },
    { "in", 0, 0, G_OPTION_ARG_FILENAME, &o.in_dir, "Folder bound read-only at /in (default: a fresh one with the fixture)", "DIR" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &o.out_dir, "Folder bound read-write at /out (default: a fresh one, removed after)", "DIR" },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout, "Kill the command and its sandbox after SECONDS (default: 3600)", "SECONDS" },
    { "matrix", 0, 0, G_OPTION_ARG_FILENAME, &o.matrix, "Acceptance matrix (default: the shipped matrix.json)", "FILE" },
    { "bwrap", 0, 0, G_OPTION_ARG_FILENAME, &o.bwrap, "bwrap to use (default: pinned at build time, else PATH)", "PATH" },
    { "allow-degraded-limits", 0, 0, G_OPTION_ARG_NONE, &o.allow_degraded_limits,
      "Accept a bundle whose limits a weaker fallback enforced, where its run accepted them too", NULL },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("[--ro-bind SRC DEST]... -- COMMAND [ARG...]");
  int status = 2;

  g_option_context_set_summary (context,
    "Runs COMMAND in exactly the sandbox BUNDLE attests: only when the bundle is ACCEPTED, of this host,\n"
    "younger than --max-age, and the sandbox built now has the same profile digest.  Otherwise exit 3\n"
    "and nothing runs.  The command's stdout and stderr are streamed; its exit status is the tool's.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!take_ro_binds (&argc, argv, &o.ro_binds, error) || !parse_options (context, &argc, &argv, error))
    goto out;
  if (o.bundle == NULL || argc < 2 || (strcmp (argv[1], "--") == 0 && argc < 3))
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_USAGE, "exec needs --bundle FILE and -- COMMAND");
      goto out;
    }
  if (timeout < 1 || timeout > 7 * 86400)
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_USAGE, "--timeout %d: must be 1 to 604800 seconds", timeout);
      goto out;
    }
  if (o.max_age == NULL)
    o.max_age = g_strdup (ATTEST_EXEC_DEFAULT_MAX_AGE);
  o.timeout_s = (guint) timeout;
  o.command = g_strdupv (argv + (strcmp (argv[1], "--") == 0 ? 2 : 1));
  status = attest_exec (&o, error);
  if (status < 0)
    status = attest_error_exit_status (*error);
out:
  g_free (o.bundle);
  g_free (o.max_age);
  g_free (o.policy);
  g_free (o.in_dir);
  g_free (o.out_dir);
  g_strfreev (o.ro_binds);
  g_strfreev (o.command);
  g_free (o.matrix);
  g_free (o.bwrap);
  return status;
}

/* ---- sign ---- */

/* The bytes to sign and where the signature goes: a Statement is signed
 * as it is; a plain bundle is wrapped first and the Statement written
 * beside it (signing implies in-toto: the subjects say what the
 * signature is about). */
static gboolean
sign_target (const char *path, const char *out_path, gboolean force, GBytes **out_bytes, char **out_target,
             gboolean *out_wrote, GError **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(AttestJson) doc = attest_bundle_load_file_bytes (path, &bytes, error);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) statement = NULL;
  g_autofree char *target = NULL;

  if (doc == NULL)
    return FALSE;
  if (attest_intoto_is_statement (doc))
    {
      if (attest_intoto_predicate (doc, error) == NULL)
        {
          g_prefix_error (error, "%s: ", path);
          return FALSE;
        }
      if (out_path != NULL)
        {
          g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_USAGE, "%s is a Statement already: it is signed as it is, "
                       "-o does not apply", path);
          return FALSE;
        }
      *out_bytes = g_steal_pointer (&bytes);
      *out_target = g_strdup (path);
      *out_wrote = FALSE;
      return TRUE;
    }
  if (doc->type != ATTEST_JSON_OBJECT || attest_json_member (doc, "schema") == NULL
      || attest_json_member (doc, "schema")->type != ATTEST_JSON_STRING
      || strcmp (attest_json_member (doc, "schema")->text, ATTEST_BUNDLE_SCHEMA) != 0)
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_JSON, "%s: schema: not a sandbox-attest bundle (%s)", path,
                   ATTEST_BUNDLE_SCHEMA);
      return FALSE;
    }
  node = attest_json_to_node (doc);
  if ((statement = attest_intoto_wrap (node, error)) == NULL)
    {
      (*error)->code = ATTEST_ERROR_JSON;
      g_prefix_error (error, "%s: ", path);
      return FALSE;
    }
  g_clear_pointer (&bytes, g_bytes_unref);
  bytes = attest_json_to_bytes (statement);
  target = out_path != NULL ? g_strdup (out_path) : attest_intoto_path (path);
  if (!attest_write_file_atomic (target, bytes, force, error))
    {
      g_prefix_error (error, "writing the in-toto Statement: ");
      return FALSE;
    }
  *out_bytes = g_steal_pointer (&bytes);
  *out_target = g_steal_pointer (&target);
  *out_wrote = TRUE;
  return TRUE;
}

int
attest_cli_sign (int argc, char **argv, GError **error)
{
  g_autofree char *key = NULL, *out_path = NULL;
  g_autofree char *target = NULL, *sig_path = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) sig = NULL;
  gboolean force = FALSE, wrote = FALSE;
  const GOptionEntry entries[] = {
    { "sign-key", 0, 0, G_OPTION_ARG_FILENAME, &key, "The ssh private key to sign with (required)", "KEY" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &out_path,
      "Write the Statement to FILE (default: BUNDLE.intoto.json beside the bundle)", "FILE" },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force, "Replace an existing Statement or signature", NULL },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("BUNDLE");

  g_option_context_set_summary (context,
    "Wraps BUNDLE as an in-toto Statement v1 (subjects: the probe and the policy with their sha256;\n"
    "predicate: the bundle) and signs it with ssh-keygen -Y sign, namespace " ATTEST_SIGN_NAMESPACE ":\n"
    "STATEMENT.sig.  A BUNDLE that is a Statement already is signed as it is.  Signing judges nothing:\n"
    "verify --allowed-signers does.  Exit 0 signed, 2 bad input, 3 signing failed (nothing left behind).");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!parse_options (context, &argc, &argv, error))
    return 2;
  if (argc != 2 || key == NULL)
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_USAGE, "sign takes one BUNDLE and --sign-key KEY");
      return 2;
    }
  if (!attest_sign_check_key (key, error) || !sign_target (argv[1], out_path, force, &bytes, &target, &wrote, error))
    return attest_error_exit_status (*error);
  sig_path = g_strconcat (target, ATTEST_SIGN_SUFFIX, NULL);
  if ((sig = attest_sign_bytes (key, bytes, error)) == NULL || !attest_write_file_atomic (sig_path, sig, force, error))
    {
      if (wrote)
        (void) unlink (target);
      (*error)->domain = ATTEST_ERROR;
      (*error)->code = ATTEST_ERROR_BLOCKED;
      g_prefix_error (error, "nothing signed%s: ", wrote ? " (the Statement was removed)" : "");
      return 3;
    }
  if (wrote)
    g_print ("in-toto statement: %s\n", target);
  g_print ("signature: %s\n", sig_path);
  return 0;
}
