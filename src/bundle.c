#include "bundle.h"

#include <string.h>
#include <sys/wait.h>

#include "fdutil.h"
#include "json-writer.h"

AttestEvidence *
attest_evidence_new (void)
{
  AttestEvidence *ev = g_new0 (AttestEvidence, 1);

  ev->problems = g_ptr_array_new_with_free_func (g_free);
  ev->timings_us = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return ev;
}

void
attest_evidence_free (AttestEvidence *ev)
{
  if (ev == NULL)
    return;
  g_free (ev->run_date);
  g_free (ev->venue_kind);
  g_free (ev->venue);
  g_free (ev->venue_source);
  g_clear_pointer (&ev->identity, json_node_unref);
  g_clear_pointer (&ev->runtime, json_node_unref);
  g_free (ev->probe_path);
  g_free (ev->probe_sha256);
  g_free (ev->policy_path);
  g_free (ev->policy_sha256);
  g_clear_pointer (&ev->compile_manifest, json_node_unref);
  g_clear_pointer (&ev->argv, g_ptr_array_unref);
  g_clear_pointer (&ev->argv_normalised, g_ptr_array_unref);
  g_free (ev->profile_text);
  g_free (ev->bwrap_version);
  g_free (ev->weakened);
  g_clear_pointer (&ev->limits, json_node_unref);
  g_clear_pointer (&ev->dynimport, json_node_unref);
  g_clear_pointer (&ev->launch, attest_launch_result_free);
  g_clear_pointer (&ev->json_status, g_bytes_unref);
  g_clear_pointer (&ev->status, attest_status_free);
  g_clear_pointer (&ev->host_namespaces, g_hash_table_unref);
  g_clear_pointer (&ev->inside, g_bytes_unref);
  g_free (ev->inside_error);
  g_clear_pointer (&ev->problems, g_ptr_array_unref);
  g_clear_pointer (&ev->timings_us, g_hash_table_unref);
  g_free (ev->image_id);
  g_clear_pointer (&ev->docker, json_node_unref);
  g_free (ev);
}


static void
member_node (JsonBuilder *b, const char *name, JsonNode *node)
{
  json_builder_set_member_name (b, name);
  if (node != NULL)
    json_builder_add_value (b, json_node_copy (node));
  else
    json_builder_add_null_value (b);
}

static void
member_strings (JsonBuilder *b, const char *name, GPtrArray *strings)
{
  json_builder_set_member_name (b, name);
  if (strings == NULL)
    {
      json_builder_add_null_value (b);
      return;
    }
  json_builder_begin_array (b);
  for (guint i = 0; i < strings->len && g_ptr_array_index (strings, i) != NULL; i++)
    json_builder_add_string_value (b, g_ptr_array_index (strings, i));
  json_builder_end_array (b);
}


static void
member_namespaces (JsonBuilder *b, const char *name, GHashTable *ns)
{
  g_autoptr(GList) keys = NULL;

  json_builder_set_member_name (b, name);
  if (ns == NULL)
    {
      json_builder_add_null_value (b);
      return;
    }
  keys = g_list_sort (g_hash_table_get_keys (ns), (GCompareFunc) strcmp);
  json_builder_begin_object (b);
  for (GList *l = keys; l != NULL; l = l->next)
    {
      json_builder_set_member_name (b, l->data);
      json_builder_add_int_value (b, *(gint64 *) g_hash_table_lookup (ns, l->data));
    }
  json_builder_end_object (b);
}

static gboolean
is_docker (const AttestEvidence *ev)
{
  return g_strcmp0 (ev->venue_kind, ATTEST_VENUE_KIND_DOCKER) == 0;
}

static void
add_sandbox (JsonBuilder *b, const AttestEvidence *ev)
{
  json_builder_set_member_name (b, "sandbox");
  json_builder_begin_object (b);
  member_strings (b, "bwrap_argv", ev->argv);
  member_strings (b, "bwrap_argv_normalised", ev->argv_normalised);
  attest_json_add_string_member (b, "weakened", ev->weakened);
  json_builder_set_member_name (b, "tmp");
  json_builder_begin_object (b);
  if (is_docker (ev))
    {
      /* What Docker was asked for; the probe's PR-MOUNT-1 and PR-EXEC-2 show what it did. */
      attest_json_add_string_member (b, "mechanism", "docker-tmpfs");
      attest_json_add_string_member (b, "mount_flags", "rw,noexec,nosuid,nodev");
    }
  else
    {
      attest_json_add_string_member (b, "mechanism", ev->tmp_staged ? "staging-namespace-tmpfs" : "bwrap-tmpfs");
      attest_json_add_string_member (b, "mount_flags", ev->tmp_staged ? "noexec,nosuid,nodev" : "nosuid,nodev");
    }
  json_builder_set_member_name (b, "size_bytes");
  json_builder_add_int_value (b, 16 * 1024 * 1024);
  json_builder_end_object (b);
  json_builder_end_object (b);
}

/* The profile digest: what `exec` compares before it runs anything. */
static void
add_profile (JsonBuilder *b, const AttestEvidence *ev)
{
  g_autofree char *digest = ev->profile_text != NULL
                            ? g_compute_checksum_for_string (G_CHECKSUM_SHA256, ev->profile_text, -1) : NULL;

  json_builder_set_member_name (b, "profile");
  json_builder_begin_object (b);
  attest_json_add_string_member (b, "digest", digest);
  attest_json_add_string_member (b, "text", ev->profile_text);
  json_builder_end_object (b);
}

static void
add_launch (JsonBuilder *b, const AttestEvidence *ev)
{
  const AttestLaunchResult *l = ev->launch;

  json_builder_set_member_name (b, "launch");
  if (l == NULL)
    {
      json_builder_add_null_value (b);
      return;
    }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "bwrap_executed");
  json_builder_add_boolean_value (b, l->exec_ok);
  attest_json_add_string_member (b, "staging_error", l->staging_error);
  json_builder_set_member_name (b, "timed_out");
  json_builder_add_boolean_value (b, l->timed_out);
  json_builder_set_member_name (b, "interrupted_by_signal");
  json_builder_add_int_value (b, l->interrupted_by);
  json_builder_set_member_name (b, "bwrap_exit_status");
  json_builder_add_int_value (b, WIFEXITED (l->wait_status) ? WEXITSTATUS (l->wait_status) : -1);
  json_builder_set_member_name (b, "bwrap_killed_by_signal");
  json_builder_add_int_value (b, WIFSIGNALED (l->wait_status) ? WTERMSIG (l->wait_status) : 0);
  json_builder_set_member_name (b, "duration_us");
  json_builder_add_int_value (b, l->duration_us);
  attest_json_add_text_member (b, "stdout", l->out);
  json_builder_set_member_name (b, "stdout_truncated");
  json_builder_add_boolean_value (b, l->out_truncated);
  attest_json_add_text_member (b, "stderr", l->err);
  json_builder_set_member_name (b, "stderr_truncated");
  json_builder_add_boolean_value (b, l->err_truncated);
  json_builder_end_object (b);
}

static void
add_status (JsonBuilder *b, const AttestEvidence *ev)
{
  const AttestStatus *s = ev->status;

  json_builder_set_member_name (b, "bwrap_status");
  json_builder_begin_object (b);
  attest_json_add_text_member (b, "stream", ev->json_status);
  json_builder_set_member_name (b, "child_pid");
  if (s != NULL && s->has_child_pid)
    json_builder_add_int_value (b, s->child_pid);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "exit_code");
  if (s != NULL && s->has_exit_code)
    json_builder_add_int_value (b, s->exit_code);
  else
    json_builder_add_null_value (b);
  member_namespaces (b, "namespaces", s != NULL ? s->namespaces : NULL);
  member_namespaces (b, "host_namespaces", ev->host_namespaces);
  attest_json_add_string_member (b, "problem", s != NULL ? s->problem : NULL);
  json_builder_end_object (b);
}

static void
add_inside (JsonBuilder *b, const AttestEvidence *ev)
{
  g_autofree char *digest = ev->inside != NULL ? attest_sha256_hex_bytes (ev->inside) : NULL;

  json_builder_set_member_name (b, "inside");
  json_builder_begin_object (b);
  attest_json_add_string_member (b, "file", ATTEST_INSIDE_NAME);
  attest_json_add_string_member (b, "sha256", digest);
  attest_json_add_text_member (b, "text", ev->inside);
  attest_json_add_string_member (b, "error", ev->inside_error);
  json_builder_end_object (b);
}

static void
add_timings (JsonBuilder *b, const AttestEvidence *ev)
{
  g_autoptr(GList) keys = g_list_sort (g_hash_table_get_keys (ev->timings_us), (GCompareFunc) strcmp);

  json_builder_set_member_name (b, "timings_us");
  json_builder_begin_object (b);
  for (GList *l = keys; l != NULL; l = l->next)
    {
      json_builder_set_member_name (b, l->data);
      json_builder_add_int_value (b, *(gint64 *) g_hash_table_lookup (ev->timings_us, l->data));
    }
  json_builder_end_object (b);
}

JsonNode *
attest_bundle_build (const AttestEvidence *ev)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *created = g_date_time_format_iso8601 (now);
  g_autofree char *image = ev->image_id != NULL ? g_strdup (ev->image_id)
                           : ev->probe_sha256 != NULL ? g_strconcat ("sha256:", ev->probe_sha256, NULL) : NULL;

  json_builder_begin_object (b);
  attest_json_add_string_member (b, "schema", ATTEST_BUNDLE_SCHEMA);
  attest_json_add_string_member (b, "run_date", ev->run_date);
  attest_json_add_string_member (b, "created_at", created);
  attest_json_add_string_member (b, "venue_kind", is_docker (ev) ? ATTEST_VENUE_KIND_DOCKER : ATTEST_VENUE_KIND_BWRAP);
  attest_json_add_string_member (b, "venue", ev->venue);
  attest_json_add_string_member (b, "venue_source", ev->venue_source);
  member_node (b, "venue_identity", ev->identity);
  member_node (b, "runtime", ev->runtime);
  attest_json_add_string_member (b, "image_digest", image);
  attest_json_add_string_member (b, "image_digest_kind", is_docker (ev)
                                         ? "Docker image id (docker image inspect {{.Id}}) of the FROM scratch image holding the probe"
                                         : "sha256 of the static probe binary (bwrap venue)");
  attest_json_add_string_member (b, "probe_path", ev->probe_path);
  attest_json_add_string_member (b, "policy_path", ev->policy_path);
  attest_json_add_string_member (b, "seccomp_sha256", ev->policy_sha256);
  member_node (b, "seccomp", ev->compile_manifest);
  add_sandbox (b, ev);
  add_profile (b, ev);
  member_node (b, "limits", ev->limits);
  json_builder_set_member_name (b, "allow_degraded_limits");
  json_builder_add_boolean_value (b, ev->allow_degraded_limits);
  json_builder_set_member_name (b, "build_checks");
  json_builder_begin_object (b);
  member_node (b, "PR-DYNIMPORT", ev->dynimport);
  json_builder_end_object (b);
  add_launch (b, ev);
  add_status (b, ev);
  add_inside (b, ev);
  member_strings (b, "problems", ev->problems);
  add_timings (b, ev);
  member_node (b, "docker", ev->docker);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

char *
attest_bundle_file_name (const char *venue, const char *run_date)
{
  g_autofree char *safe = g_strdup (venue);

  g_strcanon (safe, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-", '_');
  return g_strdup_printf ("sandbox-attestation-evidence-%s-%s.json", safe, run_date);
}

