#include "assemble.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <json-glib/json-glib.h>

#include "bundle.h"
#include "cli.h"
#include "collect.h"
#include "error.h"
#include "fdutil.h"
#include "host.h"
#include "paths.h"
#include "pipeline.h"
#include "profile.h"
#include "json-writer.h"

#define CAPTURE_MAX_BYTES (64u * 1024u)
#define DOCKER_INFO_MAX_BYTES (1024u * 1024u)

/* ---- the docker run argv ---- */

/* The options of the reference command that take a value, and the flags. */
static const char *const value_options[] = {
  "--name", "--network", "--user", "--tmpfs", "--cap-drop", "--security-opt", "--pids-limit", "--memory",
  "--memory-swap", "--cpus", "--env-file", "-v", "--volume", "--cgroupns", NULL,
};
static const char *const flag_options[] = { "--rm", "--read-only", NULL };

void
attest_docker_argv_free (AttestDockerArgv *a)
{
  if (a == NULL)
    return;
  g_clear_pointer (&a->options, g_hash_table_unref);
  g_clear_pointer (&a->unknown, g_ptr_array_unref);
  g_free (a->program);
  g_free (a->image);
  g_strfreev (a->args);
  g_free (a);
}

static void
add_option (AttestDockerArgv *a, const char *name, const char *value)
{
  GPtrArray *values;

  if (strcmp (name, "--volume") == 0)
    name = "-v";
  values = g_hash_table_lookup (a->options, name);
  if (values == NULL)
    {
      values = g_ptr_array_new_with_free_func (g_free);
      g_hash_table_insert (a->options, g_strdup (name), values);
    }
  g_ptr_array_add (values, g_strdup (value));
}

AttestDockerArgv *
attest_docker_argv_parse (const char *const *argv)
{
  AttestDockerArgv *a = g_new0 (AttestDockerArgv, 1);
  guint i = 2;

  a->options = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  a->unknown = g_ptr_array_new_with_free_func (g_free);
  if (argv == NULL || argv[0] == NULL)
    return a;
  a->program = g_strdup (argv[0]);
  a->is_run = argv[1] != NULL && strcmp (argv[1], "run") == 0;
  if (argv[1] == NULL)
    return a;
  for (; argv[i] != NULL; i++)
    {
      const char *t = argv[i];
      const char *eq = strchr (t, '=');

      if (t[0] != '-')
        break;
      if (strcmp (t, "--") == 0)
        {
          g_ptr_array_add (a->unknown, g_strdup (t));
          continue;
        }
      if (g_str_has_prefix (t, "--") && eq != NULL)
        {
          g_autofree char *name = g_strndup (t, eq - t);
          if (g_strv_contains (value_options, name))
            add_option (a, name, eq + 1);
          else
            g_ptr_array_add (a->unknown, g_strdup (t));
        }
      else if (g_strv_contains (value_options, t) && argv[i + 1] != NULL)
        {
          add_option (a, t, argv[i + 1]);
          i++;
        }
      else if (g_strv_contains (flag_options, t))
        add_option (a, t, "");
      else
        g_ptr_array_add (a->unknown, g_strdup (t));
    }
  if (argv[i] != NULL)
    {
      a->image = g_strdup (argv[i]);
      a->args = g_strdupv ((char **) argv + i + 1);
    }
  else
    a->args = g_new0 (char *, 1);
  return a;
}

const char *
attest_docker_argv_value (const AttestDockerArgv *a, const char *option, guint *count)
{
  GPtrArray *values = g_hash_table_lookup (a->options, option);

  if (count != NULL)
    *count = values != NULL ? values->len : 0;
  return values != NULL && values->len > 0 ? g_ptr_array_index (values, values->len - 1) : NULL;
}

GStrv
attest_docker_argv_normalise (const char *const *argv)
{
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
  gboolean image_seen = FALSE;

  for (guint i = 0; argv != NULL && argv[i] != NULL; i++)
    {
      const char *t = argv[i];
      const char *prev = i > 0 ? argv[i - 1] : "";

      if (image_seen)
        g_strv_builder_add (b, strcmp (prev, "--run-date") == 0 ? "DATE" : t);
      else if ((strcmp (prev, "-v") == 0 || strcmp (prev, "--volume") == 0) && strchr (t, ':') != NULL)
        {
          g_autofree char *rest = g_strdup (strchr (t, ':'));
          g_autofree char *v = g_strconcat (g_str_has_prefix (rest, ":/in") ? "IN" : g_str_has_prefix (rest, ":/out") ? "OUT" : "SRC",
                                            rest, NULL);
          g_strv_builder_add (b, v);
        }
      else if (g_str_has_prefix (t, "seccomp=") && strcmp (t, "seccomp=unconfined") != 0)
        g_strv_builder_add (b, "seccomp=POLICY");
      else if (strcmp (prev, "--name") == 0)
        g_strv_builder_add (b, "NAME");
      else if (i >= 2 && t[0] != '-' && !g_strv_contains (value_options, prev))
        {
          image_seen = TRUE;
          g_strv_builder_add (b, "IMAGE");
        }
      else
        g_strv_builder_add (b, t);
    }
  return g_strv_builder_end (b);
}

/* ---- facts ---- */

static GBytes *
read_capped_text (const char *path, gsize max, gboolean *truncated, GError **error)
{
  g_autoptr(GBytes) all = attest_read_file_limited (path, 64u * 1024u * 1024u, FALSE, error);

  if (all == NULL)
    return NULL;
  *truncated = g_bytes_get_size (all) > max;
  return *truncated ? g_bytes_new_from_bytes (all, g_bytes_get_size (all) - max, max) : g_steal_pointer (&all);
}



/* The members of `docker info` a verifier needs: which engine, on which
 * kernel, whether it can enforce each limit, and its security options. */
static JsonNode *
engine_facts (const char *path, GError **error)
{
  static const char *const keys[] = { "ServerVersion", "OperatingSystem", "KernelVersion", "CgroupVersion",
                                      "CgroupDriver", "DefaultRuntime", "SecurityOptions", "MemoryLimit",
                                      "SwapLimit", "PidsLimit", "CpuCfsQuota", "Name", NULL };
  g_autoptr(GBytes) bytes = attest_read_file_limited (path, DOCKER_INFO_MAX_BYTES, FALSE, error);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonBuilder) b = json_builder_new ();
  JsonObject *info;

  if (bytes == NULL)
    return NULL;
  if (!json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), (gssize) g_bytes_get_size (bytes), error))
    {
      g_prefix_error (error, "--docker-info %s: ", path);
      (*error)->domain = ATTEST_ERROR;
      (*error)->code = ATTEST_ERROR_JSON;
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_JSON, "--docker-info %s: not a JSON object", path);
      return NULL;
    }
  info = json_node_get_object (json_parser_get_root (parser));
  json_builder_begin_object (b);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      JsonNode *n = json_object_get_member (info, keys[i]);
      json_builder_set_member_name (b, keys[i]);
      if (n != NULL)
        json_builder_add_value (b, json_node_copy (n));
      else
        json_builder_add_null_value (b);
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static JsonNode *
runtime_facts (const AttestAssembleOptions *o, JsonNode *engine)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  JsonObject *e = engine != NULL ? json_node_get_object (engine) : NULL;
  JsonNode *server = e != NULL ? json_object_get_member (e, "ServerVersion") : NULL;
  JsonNode *runtime = e != NULL ? json_object_get_member (e, "DefaultRuntime") : NULL;
  g_autoptr(JsonNode) host = attest_host_runtime (NULL, NULL);

  json_builder_begin_object (b);
  attest_json_add_string_member (b, "tool", "sandbox-attest " PACKAGE_VERSION);
  attest_json_add_string_member (b, "kind", "docker");
  attest_json_add_string_member (b, "docker_client", o->docker_version);
  attest_json_add_string_member (b, "docker_version", server != NULL && JSON_NODE_HOLDS_VALUE (server)
                                      ? json_node_get_string (server) : NULL);
  attest_json_add_string_member (b, "oci_runtime", runtime != NULL && JSON_NODE_HOLDS_VALUE (runtime)
                                   ? json_node_get_string (runtime) : NULL);
  attest_json_add_string_member (b, "kernel", json_object_get_string_member (json_node_get_object (host), "kernel"));
  /* The filter is compiled by runc's libseccomp, which the engine does not report. */
  attest_json_add_string_member (b, "libseccomp", NULL);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static JsonNode *
docker_facts (const AttestAssembleOptions *o, const char *probe_sha256, JsonNode *engine, GPtrArray *problems)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_auto(GStrv) normalised = attest_docker_argv_normalise ((const char *const *) o->docker_argv);
  const struct { const char *name, *path; } captures[] = { { "stdout", o->stdout_file }, { "stderr", o->stderr_file } };

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "argv");
  json_builder_begin_array (b);
  for (guint i = 0; o->docker_argv[i] != NULL; i++)
    json_builder_add_string_value (b, o->docker_argv[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "argv_normalised");
  json_builder_begin_array (b);
  for (guint i = 0; normalised[i] != NULL; i++)
    json_builder_add_string_value (b, normalised[i]);
  json_builder_end_array (b);
  attest_json_add_string_member (b, "image", o->image);
  attest_json_add_string_member (b, "image_id", o->image_id);
  attest_json_add_string_member (b, "probe_sha256", probe_sha256);
  attest_json_add_string_member (b, "client_version", o->docker_version);
  json_builder_set_member_name (b, "engine");
  if (engine != NULL)
    json_builder_add_value (b, json_node_copy (engine));
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "exit_status");
  if (o->exit_status >= 0)
    json_builder_add_int_value (b, o->exit_status);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "timed_out");
  json_builder_add_boolean_value (b, o->timed_out);
  for (gsize i = 0; i < G_N_ELEMENTS (captures); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) text = NULL;
      gboolean truncated = FALSE;

      if (captures[i].path != NULL && (text = read_capped_text (captures[i].path, CAPTURE_MAX_BYTES, &truncated, &error)) == NULL)
        g_ptr_array_add (problems, g_strdup_printf ("docker run's %s: %s", captures[i].name, error->message));
      attest_json_add_text_member (b, captures[i].name, text);
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static gboolean
usage (GError **error, const char *msg)
{
  g_set_error_literal (error, ATTEST_ERROR, ATTEST_ERROR_USAGE, msg);
  return FALSE;
}

static gboolean
check_options (const AttestAssembleOptions *o, GError **error)
{
  g_autoptr(GDateTime) dt = NULL;
  g_autofree char *iso = NULL;

  if (o->run_date == NULL || strlen (o->run_date) != 10)
    return usage (error, "--run-date YYYY-MM-DD is required");
  iso = g_strconcat (o->run_date, "T00:00:00Z", NULL);
  if ((dt = g_date_time_new_from_iso8601 (iso, NULL)) == NULL)
    return usage (error, "--run-date: not a date of the form YYYY-MM-DD");
  if (o->policy == NULL || o->probe == NULL || o->image == NULL || o->image_id == NULL || o->docker_version == NULL)
    return usage (error, "--policy, --probe, --image, --image-id and --docker-version are required");
  if ((o->inside == NULL) == (o->out_dir == NULL))
    return usage (error, "give exactly one of --inside FILE and --out DIR");
  if (o->docker_argv == NULL || o->docker_argv[0] == NULL)
    return usage (error, "the docker argv that ran is required after --");
  if (o->venue != NULL && *o->venue == '\0')
    return usage (error, "--venue: must not be empty");
  return TRUE;
}

static GBytes *
read_inside (const AttestAssembleOptions *o, GError **error)
{
  g_autoptr(GBytes) bytes = NULL;

  if (o->out_dir != NULL)
    return attest_collect_inside (o->out_dir, error);
  bytes = attest_read_file_limited (o->inside, ATTEST_INSIDE_MAX_BYTES, TRUE, error);
  if (bytes != NULL && !g_utf8_validate (g_bytes_get_data (bytes, NULL), (gssize) g_bytes_get_size (bytes), NULL))
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_BLOCKED, "%s: not valid UTF-8", o->inside);
      return NULL;
    }
  return g_steal_pointer (&bytes);
}

char *
attest_assemble (const AttestAssembleOptions *o, AttestJudgement **out_judgement, GError **error)
{
  g_autoptr(AttestEvidence) ev = attest_evidence_new ();
  g_autoptr(AttestMatrix) matrix = NULL;
  g_autoptr(GBytes) policy = NULL, probe = NULL, own = NULL, bytes = NULL;
  g_autoptr(GError) local = NULL;
  g_autoptr(JsonNode) engine = NULL, bundle = NULL;
  g_autoptr(AttestJson) parsed = NULL;
  g_autoptr(AttestJudgement) j = NULL;
  g_autofree char *matrix_path = o->matrix != NULL ? g_strdup (o->matrix) : attest_paths_matrix ();
  g_autofree char *own_path = attest_paths_probe ();
  g_autofree char *own_sha = NULL, *evidence = NULL, *name = NULL, *path = NULL;
  g_auto(GStrv) normalised = NULL;
  const char *ci = attest_host_ci_venue ();
  AttestVerifyOptions options = { FALSE, NULL, NULL };
  gint64 t0 = g_get_monotonic_time (), us;

  if (!check_options (o, error) || (matrix = attest_matrix_load_file (matrix_path, error)) == NULL)
    return NULL;
  if ((policy = attest_read_file_limited (o->policy, 16u * 1024u * 1024u, FALSE, error)) == NULL
      || (probe = attest_read_file_limited (o->probe, 64u * 1024u * 1024u, FALSE, error)) == NULL)
    {
      (*error)->code = ATTEST_ERROR_USAGE;
      return NULL;
    }
  if (o->docker_info != NULL && (engine = engine_facts (o->docker_info, error)) == NULL)
    return NULL;

  ev->venue_kind = g_strdup (ATTEST_VENUE_KIND_DOCKER);
  ev->run_date = g_strdup (o->run_date);
  ev->venue = g_strdup (o->venue != NULL ? o->venue : ci != NULL ? ci : ATTEST_DEFAULT_VENUE);
  ev->venue_source = g_strdup (o->venue != NULL ? "operator" : ci != NULL ? "ci-detected" : "default");
  ev->identity = attest_host_identity ();
  ev->runtime = runtime_facts (o, engine);
  ev->probe_path = g_canonicalize_filename (o->probe, NULL);
  ev->probe_sha256 = attest_sha256_hex_bytes (probe);
  ev->image_id = g_strdup (o->image_id);
  ev->policy_path = g_strdup (o->policy);
  ev->policy_sha256 = attest_sha256_hex_bytes (policy);
  ev->weakened = g_strdup ("");
  ev->dynimport = attest_host_check_dynimport (o->probe);
  ev->host_namespaces = attest_collect_host_namespaces ();
  if (o->docker_info == NULL)
    g_ptr_array_add (ev->problems, g_strdup ("the engine's facts were not recorded (--docker-info)"));
  if (o->exit_status < 0)
    g_ptr_array_add (ev->problems, g_strdup ("docker run's exit status was not recorded (--exit-status)"));
  ev->docker = docker_facts (o, ev->probe_sha256, engine, ev->problems);
  normalised = attest_docker_argv_normalise ((const char *const *) o->docker_argv);
  ev->profile_text = attest_profile_digest_text ((const char *const *) normalised, ev->policy_sha256, NULL, 0,
                                                 json_object_get_string_member_with_default (
                                                   json_node_get_object (ev->runtime), "docker_version", NULL));
  ev->inside = read_inside (o, &local);
  if (ev->inside == NULL)
    ev->inside_error = g_strdup (local->message);
  us = g_get_monotonic_time () - t0;
  g_hash_table_insert (ev->timings_us, g_strdup ("assemble"), g_memdup2 (&us, sizeof us));

  /* Judged exactly as `verify` will judge the bytes written; only the
   * tool's own probe can make the bundle ACCEPTED (IMAGE-DIGEST). */
  own = attest_read_file_limited (own_path, 64u * 1024u * 1024u, FALSE, NULL);
  own_sha = own != NULL ? attest_sha256_hex_bytes (own) : g_strdup ("missing");
  options.probe_sha256 = own_sha;
  bundle = attest_bundle_build (ev);
  bytes = attest_json_to_bytes (bundle);
  parsed = attest_json_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "bundle", error);
  if (parsed == NULL || (j = attest_verify (parsed, matrix, &options, error)) == NULL)
    return NULL;
  json_object_set_string_member (json_node_get_object (bundle), "verdict", j->accepted ? "ACCEPTED" : "BLOCKED");
  json_object_set_member (json_node_get_object (bundle), "judgement", attest_judgement_to_json (j));
  json_object_set_string_member (json_node_get_object (bundle), "matrix_sha256", matrix->sha256);
  g_clear_pointer (&bytes, g_bytes_unref);
  bytes = attest_json_to_bytes (bundle);

  if (o->evidence_dir != NULL)
    evidence = g_strdup (o->evidence_dir);
  else
    {
      evidence = g_strdup_printf ("sandbox-attest-%s-docker-XXXXXX", o->run_date);
      if (g_mkdtemp_full (evidence, 0755) == NULL)
        {
          g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_BLOCKED, "creating an evidence folder here: %s", g_strerror (errno));
          return NULL;
        }
    }
  name = attest_bundle_file_name (ev->venue, ev->run_date);
  path = g_build_filename (evidence, name, NULL);
  if (!attest_write_file_atomic (path, bytes, o->force, error))
    {
      g_prefix_error (error, "writing the bundle (none was written): ");
      return NULL;
    }
  *out_judgement = g_steal_pointer (&j);
  return g_steal_pointer (&path);
}

/* ---- the subcommand ---- */

static void
print_judgement (const AttestJudgement *j, const char *path, gboolean json)
{
  if (json)
    {
      g_autoptr(JsonNode) node = attest_judgement_to_json (j);

      json_object_set_string_member (json_node_get_object (node), "bundle", path);
      attest_json_print (node);
    }
  else
    {
      g_print ("verdict: %s\n", j->accepted ? "ACCEPTED" : "BLOCKED");
      for (guint i = 0; i < j->rows->len; i++)
        {
          const AttestRowResult *r = g_ptr_array_index (j->rows, i);
          g_print ("  %-22s %-6s %-4s %s%s%s\n", r->id, attest_row_level_name (r->level),
                   attest_row_status_name (r->status), r->observed != NULL ? r->observed : "",
                   r->message != NULL ? " -- " : "", r->message != NULL ? r->message : "");
        }
      g_print ("bundle: %s\n", path);
    }
  /* One line on stderr that says why, for logs that keep only stderr. */
  for (guint i = 0; !j->accepted && i < j->rows->len; i++)
    {
      const AttestRowResult *r = g_ptr_array_index (j->rows, i);
      if (r->status == ATTEST_ROW_FAIL)
        {
          g_printerr ("sandbox-attest assemble: BLOCKED: %s: %s (%u failed rows; bundle %s)\n", r->id,
                      r->message != NULL ? r->message : "failed", j->n_fail, path);
          break;
        }
    }
}

int
attest_cli_assemble (int argc, char **argv, GError **error)
{
  AttestAssembleOptions o = { 0 };
  g_autofree char *exit_text = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "run-date", 0, 0, G_OPTION_ARG_STRING, &o.run_date, "The run date given to the probe (required)", "DATE" },
    { "venue", 0, 0, G_OPTION_ARG_STRING, &o.venue, "Venue name (default: CI on a CI runner, else linux-host)", "NAME" },
    { "policy", 0, 0, G_OPTION_ARG_FILENAME, &o.policy, "The policy given to --security-opt seccomp= (required)", "FILE" },
    { "probe", 0, 0, G_OPTION_ARG_FILENAME, &o.probe, "The static probe the image was built from (required)", "FILE" },
    { "image", 0, 0, G_OPTION_ARG_STRING, &o.image, "The image reference that ran (required)", "REF" },
    { "image-id", 0, 0, G_OPTION_ARG_STRING, &o.image_id, "docker image inspect --format '{{.Id}}' (required)", "ID" },
    { "docker-version", 0, 0, G_OPTION_ARG_STRING, &o.docker_version, "docker --version (required)", "TEXT" },
    { "docker-info", 0, 0, G_OPTION_ARG_FILENAME, &o.docker_info, "docker info --format '{{json .}}' saved to FILE", "FILE" },
    { "inside", 0, 0, G_OPTION_ARG_FILENAME, &o.inside, "The probe's sandbox-attestation-inside.json", "FILE" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &o.out_dir, "The folder mounted at /out (holds the inside.json)", "DIR" },
    { "stdout", 0, 0, G_OPTION_ARG_FILENAME, &o.stdout_file, "docker run's stdout, saved", "FILE" },
    { "stderr", 0, 0, G_OPTION_ARG_FILENAME, &o.stderr_file, "docker run's stderr, saved", "FILE" },
    { "exit-status", 0, 0, G_OPTION_ARG_STRING, &exit_text, "docker run's exit status", "N" },
    { "timed-out", 0, 0, G_OPTION_ARG_NONE, &o.timed_out, "docker run was killed at a deadline", NULL },
    { "evidence", 0, 0, G_OPTION_ARG_FILENAME, &o.evidence_dir, "Folder for the bundle (default: a fresh one here)", "DIR" },
    { "matrix", 0, 0, G_OPTION_ARG_FILENAME, &o.matrix, "Acceptance matrix (default: the shipped matrix.json)", "FILE" },
    { "force", 0, 0, G_OPTION_ARG_NONE, &o.force, "Replace an existing bundle of the same venue and date", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the verdict and rows as JSON", NULL },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("[OPTION...] -- DOCKER-ARGV...");
  g_autoptr(AttestJudgement) j = NULL;
  g_autofree char *path = NULL;
  int status = 2;
  int dash = -1;

  g_option_context_set_summary (context,
    "Builds the Docker venue's evidence bundle (\"venue_kind\": \"docker\") from what scripts/attest-docker\n"
    "recorded around the reference docker run, and judges it with the same verifier and matrix as run.\n"
    "Exit 0 ACCEPTED, 3 BLOCKED, 2 bad input.");
  g_option_context_add_main_entries (context, entries, NULL);
  /* The docker argv after "--" is kept verbatim, away from GOption. */
  for (int i = 1; i < argc; i++)
    if (strcmp (argv[i], "--") == 0)
      {
        dash = i;
        break;
      }
  if (dash > 0)
    {
      o.docker_argv = g_strdupv (argv + dash + 1);
      argc = dash;
    }
  o.exit_status = -1;
  {
    g_autofree char **head = g_new0 (char *, argc + 1);
    char **hv = head;
    int hc = argc;

    memcpy (head, argv, sizeof (char *) * argc);
    if (!g_option_context_parse (context, &hc, &hv, error))
      {
        (*error)->domain = ATTEST_ERROR;
        (*error)->code = ATTEST_ERROR_USAGE;
        goto out;
      }
    if (hc > 1)
      {
        g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_USAGE, "unexpected argument %s (the docker argv goes after --)", hv[1]);
        goto out;
      }
  }
  if (exit_text != NULL)
    {
      guint64 v = 0;
      if (!g_ascii_string_to_unsigned (exit_text, 10, 0, 255, &v, NULL))
        {
          g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_USAGE, "--exit-status %s: not 0 to 255", exit_text);
          goto out;
        }
      o.exit_status = (int) v;
    }
  path = attest_assemble (&o, &j, error);
  if (path == NULL)
    {
      status = attest_error_exit_status (*error);
      goto out;
    }
  print_judgement (j, path, json);
  status = j->accepted ? 0 : 3;
out:
  g_free (o.run_date);
  g_free (o.venue);
  g_free (o.policy);
  g_free (o.probe);
  g_free (o.image);
  g_free (o.image_id);
  g_free (o.docker_version);
  g_free (o.docker_info);
  g_free (o.inside);
  g_free (o.out_dir);
  g_free (o.stdout_file);
  g_free (o.stderr_file);
  g_free (o.evidence_dir);
  g_free (o.matrix);
  g_strfreev (o.docker_argv);
  return status;
}
