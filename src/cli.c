#include "cli.h"

#include <gio/gio.h>
#include <unistd.h>

#include "compile.h"
#include "error.h"
#include "fdutil.h"
#include "pipeline.h"
#include "policy.h"

static const AttestCommand commands[] = {
  { "run", attest_cli_run, "Attest: build the sandbox, run the probe, write the evidence bundle" },
  { "compile", attest_cli_compile, "Compile a Docker-format seccomp policy into BPF" },
  { NULL, NULL, NULL },
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

static GBytes *
json_to_bytes (JsonNode *node)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autofree char *text = NULL;
  gsize len = 0;

  json_generator_set_root (gen, node);
  json_generator_set_pretty (gen, TRUE);
  text = json_generator_to_data (gen, &len);
  return g_bytes_new_take (g_strconcat (text, "\n", NULL), len + 1);
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
      g_autoptr(GBytes) bytes = json_to_bytes (manifest);

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
      g_autoptr(JsonGenerator) gen = json_generator_new ();
      g_autofree char *text = NULL;

      json_object_set_string_member (json_node_get_object (node), "bundle", r->bundle_path);
      json_generator_set_root (gen, node);
      json_generator_set_pretty (gen, TRUE);
      text = json_generator_to_data (gen, NULL);
      g_print ("%s\n", text);
      return;
    }
  g_print ("verdict: %s\n", r->accepted ? "ACCEPTED" : "BLOCKED");
  print_rows (r->judgement, FALSE);
  if (r->kept_in != NULL || r->kept_out != NULL)
    g_print ("kept: %s %s\n", r->kept_in != NULL ? r->kept_in : "", r->kept_out != NULL ? r->kept_out : "");
  g_print ("bundle: %s\n", r->bundle_path);
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
  gboolean json = FALSE;
  int timeout = ATTEST_DEFAULT_TIMEOUT;
  const GOptionEntry entries[] = {
    { "policy", 0, 0, G_OPTION_ARG_FILENAME, &o.policy, "Seccomp policy (default: the shipped deny-by-default.json)", "FILE" },
    { "probe", 0, 0, G_OPTION_ARG_FILENAME, &o.probe, "Probe binary to run (default: the installed sandbox-probe)", "PATH" },
    { "in", 0, 0, G_OPTION_ARG_FILENAME, &o.in_dir, "Folder bound read-only at /in (default: a fresh one with the reference fixture, removed after)", "DIR" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &o.out_dir, "Folder bound read-write at /out (default: a fresh one, removed after)", "DIR" },
    { "evidence", 0, 0, G_OPTION_ARG_FILENAME, &o.evidence_dir, "Folder for the bundle (default: a fresh ./sandbox-attest-DATE-XXXXXX)", "DIR" },
    { "venue", 0, 0, G_OPTION_ARG_STRING, &o.venue, "Venue name (default: CI on a CI runner, else " ATTEST_DEFAULT_VENUE ")", "NAME" },
    { "run-date", 0, 0, G_OPTION_ARG_STRING, &o.run_date, "Run date YYYY-MM-DD (default: today, UTC)", "DATE" },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout, "Kill the sandbox after SECONDS (default: 120)", "SECONDS" },
    { "matrix", 0, 0, G_OPTION_ARG_FILENAME, &o.matrix, "Acceptance matrix (default: the shipped matrix.json)", "FILE" },
    { "bwrap", 0, 0, G_OPTION_ARG_FILENAME, &o.bwrap, "bwrap to use (default: pinned at build time, else PATH)", "PATH" },
    { "allow-degraded-limits", 0, 0, G_OPTION_ARG_NONE, &o.allow_degraded_limits,
      "Accept limits that only a weaker fallback (rlimit) or nothing enforces; the bundle says so", NULL },
    { "keep", 0, 0, G_OPTION_ARG_NONE, &o.keep, "Keep the input and output folders run created", NULL },
    { "force", 0, 0, G_OPTION_ARG_NONE, &o.force, "Replace an existing bundle of the same venue and date", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the verdict and rows as JSON", NULL },
    { "weaken", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING_ARRAY, &o.weaken,
      "Tests only: turn a protection off to prove a probe catches it (the run is always BLOCKED)", "WHAT" },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(AttestRunResult) result = NULL;
  int status;

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
  else
    {
      o.timeout_s = (guint) timeout;
      result = attest_pipeline_run (&o, error);
      status = result == NULL ? attest_error_exit_status (*error) : result->accepted ? 0 : 3;
      if (result != NULL)
        print_run_result (result, json);
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
  g_strfreev (o.weaken);
  return status;
}
