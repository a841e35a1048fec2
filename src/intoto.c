#include "intoto.h"

#include <string.h>

#include "bundle.h"
#include "error.h"

static gboolean
is_hex64 (const char *s)
{
  if (s == NULL || strlen (s) != 64)
    return FALSE;
  for (const char *p = s; *p != '\0'; p++)
    if (!g_ascii_isxdigit (*p) || g_ascii_isupper (*p))
      return FALSE;
  return TRUE;
}

/* ---- writing ---- */

static const char *
object_string (JsonObject *o, const char *member)
{
  JsonNode *n = o != NULL ? json_object_get_member (o, member) : NULL;

  return n != NULL && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING
           ? json_node_get_string (n) : NULL;
}

static void
add_subject (JsonBuilder *b, const char *name, const char *sha256)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, name);
  json_builder_set_member_name (b, "digest");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "sha256");
  json_builder_add_string_value (b, sha256);
  json_builder_end_object (b);
  json_builder_end_object (b);
}

/* The subject's name is the file's base name as the bundle recorded it. */
static char *
subject_name (const char *path, const char *fallback)
{
  return path != NULL && *path != '\0' ? g_path_get_basename (path) : g_strdup (fallback);
}

JsonNode *
attest_intoto_wrap (JsonNode *bundle, GError **error)
{
  JsonObject *o = JSON_NODE_HOLDS_OBJECT (bundle) ? json_node_get_object (bundle) : NULL;
  gboolean docker = g_strcmp0 (object_string (o, "venue_kind"), ATTEST_VENUE_KIND_DOCKER) == 0;
  const char *image = object_string (o, "image_digest");
  const char *probe = NULL;
  const char *policy = object_string (o, "seccomp_sha256");
  g_autofree char *probe_name = subject_name (object_string (o, "probe_path"), "sandbox-probe");
  g_autofree char *policy_name = subject_name (object_string (o, "policy_path"), "policy.json");
  g_autoptr(JsonBuilder) b = json_builder_new ();

  if (docker)
    {
      /* The Docker venue's image_digest is the image id; the probe it was built from is the subject. */
      JsonNode *d = o != NULL ? json_object_get_member (o, "docker") : NULL;
      probe = d != NULL && JSON_NODE_HOLDS_OBJECT (d) ? object_string (json_node_get_object (d), "probe_sha256") : NULL;
    }
  else if (image != NULL && g_str_has_prefix (image, "sha256:"))
    probe = image + strlen ("sha256:");
  if (!is_hex64 (probe) || !is_hex64 (policy))
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_BLOCKED,
                   "no in-toto Statement: the bundle records no %s digest to name as a subject",
                   !is_hex64 (probe) ? "probe" : "policy");
      return NULL;
    }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "_type");
  json_builder_add_string_value (b, ATTEST_INTOTO_STATEMENT_TYPE);
  json_builder_set_member_name (b, "subject");
  json_builder_begin_array (b);
  add_subject (b, probe_name, probe);
  add_subject (b, policy_name, policy);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "predicateType");
  json_builder_add_string_value (b, ATTEST_INTOTO_PREDICATE_TYPE);
  json_builder_set_member_name (b, "predicate");
  json_builder_add_value (b, json_node_copy (bundle));
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

char *
attest_intoto_path (const char *bundle_path)
{
  if (g_str_has_suffix (bundle_path, ".json"))
    {
      g_autofree char *stem = g_strndup (bundle_path, strlen (bundle_path) - strlen (".json"));
      return g_strconcat (stem, ATTEST_INTOTO_SUFFIX, NULL);
    }
  return g_strconcat (bundle_path, ATTEST_INTOTO_SUFFIX, NULL);
}

/* ---- reading ---- */

static const char *
member_string (const AttestJson *o, const char *key)
{
  const AttestJson *n = o != NULL && o->type == ATTEST_JSON_OBJECT ? attest_json_member (o, key) : NULL;

  return n != NULL && n->type == ATTEST_JSON_STRING ? n->text : NULL;
}

gboolean
attest_intoto_is_statement (const AttestJson *doc)
{
  return doc->type == ATTEST_JSON_OBJECT && attest_json_member (doc, "_type") != NULL;
}

const AttestJson *
attest_intoto_predicate (const AttestJson *statement, GError **error)
{
  const AttestJson *subject = attest_json_member (statement, "subject");
  const AttestJson *predicate = attest_json_member (statement, "predicate");

  /* Unknown members are ignored, as the in-toto parsing rules require. */
  if (g_strcmp0 (member_string (statement, "_type"), ATTEST_INTOTO_STATEMENT_TYPE) != 0)
    g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_JSON, "_type: not an in-toto Statement (%s)",
                 ATTEST_INTOTO_STATEMENT_TYPE);
  else if (g_strcmp0 (member_string (statement, "predicateType"), ATTEST_INTOTO_PREDICATE_TYPE) != 0)
    g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_JSON, "predicateType: not a sandbox-attest bundle (%s)",
                 ATTEST_INTOTO_PREDICATE_TYPE);
  else if (subject == NULL || subject->type != ATTEST_JSON_ARRAY)
    g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_JSON, "subject: expected an array");
  else if (predicate == NULL || predicate->type != ATTEST_JSON_OBJECT)
    g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_JSON, "predicate: expected the bundle, an object");
  else
    return predicate;
  return NULL;
}

gboolean
attest_intoto_check_subjects (const AttestJson *statement, const AttestJson *predicate, char **out_observed,
                              char **out_why)
{
  const AttestJson *subjects = attest_json_member (statement, "subject");
  const AttestJson *docker = attest_json_member (predicate, "docker");
  const char *image = member_string (predicate, "image_digest");
  const char *probe = g_strcmp0 (member_string (predicate, "venue_kind"), ATTEST_VENUE_KIND_DOCKER) == 0
                        ? member_string (docker, "probe_sha256")
                        : image != NULL && g_str_has_prefix (image, "sha256:") ? image + 7 : NULL;
  const char *policy = member_string (predicate, "seccomp_sha256");
  g_autoptr(GString) observed = g_string_new (NULL);
  g_autoptr(GString) why = g_string_new (NULL);
  gboolean seen_probe = FALSE, seen_policy = FALSE;

  for (guint i = 0; subjects != NULL && i < subjects->items->len; i++)
    {
      const AttestJson *s = g_ptr_array_index (subjects->items, i);
      const char *name = member_string (s, "name");
      const char *sha = member_string (s != NULL && s->type == ATTEST_JSON_OBJECT ? attest_json_member (s, "digest") : NULL,
                                       "sha256");

      g_string_append_printf (observed, "%s%s sha256:%.12s", i > 0 ? ", " : "", name != NULL ? name : "(no name)",
                              sha != NULL ? sha : "(none)");
      if (why->len > 0)
        continue;
      if (!is_hex64 (sha))
        g_string_append_printf (why, "subject[%u] has no sha256 digest", i);
      else if (!seen_probe && is_hex64 (probe) && strcmp (sha, probe) == 0)
        seen_probe = TRUE;
      else if (!seen_policy && is_hex64 (policy) && strcmp (sha, policy) == 0)
        seen_policy = TRUE;
      else if (g_strcmp0 (sha, probe) == 0 || g_strcmp0 (sha, policy) == 0)
        g_string_append_printf (why, "subject[%u] (%s) repeats a digest an earlier subject names",
                                i, name != NULL ? name : "no name");
      else
        g_string_append_printf (why, "subject[%u] (%s) is neither the probe nor the policy the bundle records",
                                i, name != NULL ? name : "no name");
    }
  if (observed->len == 0)
    g_string_append (observed, "no subjects");
  if (why->len == 0 && !seen_probe)
    g_string_append (why, "no subject has the probe's digest the bundle records");
  if (why->len == 0 && !seen_policy)
    g_string_append (why, "no subject has the policy's digest the bundle records");
  *out_observed = g_strdup (observed->str);
  if (why->len > 0)
    *out_why = g_strdup (why->str);
  return why->len == 0;
}

AttestJudgement *
attest_intoto_judge (const AttestJson *doc, const AttestMatrix *matrix, const AttestVerifyOptions *options,
                     const AttestJson **out_bundle, GError **error)
{
  gboolean statement = attest_intoto_is_statement (doc);
  const AttestJson *bundle = statement ? attest_intoto_predicate (doc, error) : doc;
  g_autoptr(AttestJudgement) j = NULL;
  g_autofree char *observed = NULL, *why = NULL;

  if (bundle == NULL)
    return NULL;
  j = attest_verify (bundle, matrix, options, error);
  if (j == NULL)
    {
      if (statement)
        g_prefix_error (error, "predicate.");
      if (error != NULL && *error != NULL)
        {
          (*error)->domain = ATTEST_ERROR;
          (*error)->code = ATTEST_ERROR_JSON;
        }
      return NULL;
    }
  if (statement)
    {
      gboolean ok = attest_intoto_check_subjects (doc, bundle, &observed, &why);

      attest_judgement_add_row (j, "INTOTO-SUBJECTS", ATTEST_LEVEL_MUST, ok, observed, why);
    }
  *out_bundle = bundle;
  return g_steal_pointer (&j);
}
