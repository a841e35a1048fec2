/* The bundle as an in-toto Statement v1: the wrapper (subjects are the
 * probe and the policy, the predicate is the bundle unchanged), the
 * reader, and the INTOTO-SUBJECTS check that ties the two together. */
#include <string.h>

#include "bundle.h"
#include "error.h"
#include "intoto.h"
#include "json-reader.h"

#define PROBE_SHA "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define POLICY_SHA "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define IMAGE_ID "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"
#define OTHER_SHA "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"

/* Only the members intoto.c reads, plus one it does not (to show the
 * predicate is carried whole). */
static const char bwrap_bundle[] =
  "{\"schema\": \"sandbox-attest/bundle/1\","
  " \"venue_kind\": \"" ATTEST_VENUE_KIND_BWRAP "\","
  " \"image_digest\": \"sha256:" PROBE_SHA "\","
  " \"seccomp_sha256\": \"" POLICY_SHA "\","
  " \"probe_path\": \"/usr/libexec/sandbox-attest/sandbox-probe\","
  " \"policy_path\": \"policies/default.json\","
  " \"verdict\": {\"pass\": true, \"checks\": [1, 2.5, null, \"x\"]}}";

/* The Docker venue: image_digest is the image id, the probe is in docker. */
static const char docker_bundle[] =
  "{\"venue_kind\": \"" ATTEST_VENUE_KIND_DOCKER "\","
  " \"image_digest\": \"sha256:" IMAGE_ID "\","
  " \"docker\": {\"probe_sha256\": \"" PROBE_SHA "\"},"
  " \"seccomp_sha256\": \"" POLICY_SHA "\"}";

static JsonNode *
node_of (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static AttestJson *
doc_of (const char *text)
{
  g_autoptr(GError) error = NULL;
  AttestJson *doc = attest_json_parse (text, strlen (text), "s.intoto.json", &error);

  g_assert_no_error (error);
  g_assert_nonnull (doc);
  return doc;
}

static JsonNode *
wrap_text (const char *bundle_text)
{
  g_autoptr(JsonNode) bundle = node_of (bundle_text);
  g_autoptr(GError) error = NULL;
  JsonNode *statement = attest_intoto_wrap (bundle, &error);

  g_assert_no_error (error);
  g_assert_nonnull (statement);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (statement));
  return statement;
}

static JsonArray *
subjects_of (JsonNode *statement)
{
  JsonNode *s = json_object_get_member (json_node_get_object (statement), "subject");

  g_assert_nonnull (s);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (s));
  return json_node_get_array (s);
}

static const char *
subject_sha (JsonArray *subjects, guint i)
{
  JsonObject *digest = json_object_get_object_member (json_array_get_object_element (subjects, i), "digest");

  return json_object_get_string_member (digest, "sha256");
}

/* ---- wrap ---- */

static void
test_wrap_statement_and_predicate_type (void)
{
  g_autoptr(JsonNode) statement = wrap_text (bwrap_bundle);
  JsonObject *o = json_node_get_object (statement);

  g_assert_cmpstr (json_object_get_string_member (o, "_type"), ==, ATTEST_INTOTO_STATEMENT_TYPE);
  g_assert_cmpstr (json_object_get_string_member (o, "predicateType"), ==, ATTEST_INTOTO_PREDICATE_TYPE);
  g_assert_cmpuint (json_object_get_size (o), ==, 4);
}

static void
test_wrap_predicate_is_bundle_unchanged (void)
{
  g_autoptr(JsonNode) bundle = node_of (bwrap_bundle);
  g_autofree char *before = json_to_string (bundle, FALSE);   /* before wrapping: wrap must not edit it */
  g_autoptr(JsonNode) statement = attest_intoto_wrap (bundle, NULL);
  JsonNode *predicate = NULL;
  g_autofree char *inside = NULL;

  g_assert_nonnull (statement);
  predicate = json_object_get_member (json_node_get_object (statement), "predicate");
  g_assert_nonnull (predicate);
  inside = json_to_string (predicate, FALSE);
  g_assert_cmpstr (inside, ==, before);
}

static void
test_wrap_subjects_are_probe_and_policy (void)
{
  g_autoptr(JsonNode) statement = wrap_text (bwrap_bundle);
  JsonArray *subjects = subjects_of (statement);
  JsonObject *probe = NULL, *policy = NULL;

  g_assert_cmpuint (json_array_get_length (subjects), ==, 2);
  probe = json_array_get_object_element (subjects, 0);
  policy = json_array_get_object_element (subjects, 1);
  /* The name is the base name the bundle recorded. */
  g_assert_cmpstr (json_object_get_string_member (probe, "name"), ==, "sandbox-probe");
  g_assert_cmpstr (subject_sha (subjects, 0), ==, PROBE_SHA);
  g_assert_cmpstr (json_object_get_string_member (policy, "name"), ==, "default.json");
  g_assert_cmpstr (subject_sha (subjects, 1), ==, POLICY_SHA);
  g_assert_cmpuint (json_object_get_size (json_object_get_object_member (probe, "digest")), ==, 1);
  g_assert_cmpuint (json_object_get_size (json_object_get_object_member (policy, "digest")), ==, 1);
}

static void
test_wrap_docker_subject_is_probe_not_image (void)
{
  g_autoptr(JsonNode) statement = wrap_text (docker_bundle);
  JsonArray *subjects = subjects_of (statement);

  g_assert_cmpuint (json_array_get_length (subjects), ==, 2);
  g_assert_cmpstr (subject_sha (subjects, 0), ==, PROBE_SHA);
  g_assert_cmpstr (subject_sha (subjects, 1), ==, POLICY_SHA);
  /* No paths recorded: the fallback names. */
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (subjects, 0), "name"), ==,
                   "sandbox-probe");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (subjects, 1), "name"), ==,
                   "policy.json");
}

static void
test_wrap_fails_without_digests (void)
{
  static const struct
  {
    const char *bundle;
    const char *missing;
  } cases[] = {
    { "{\"seccomp_sha256\": \"" POLICY_SHA "\"}", "probe" },
    { "{\"image_digest\": \"" PROBE_SHA "\", \"seccomp_sha256\": \"" POLICY_SHA "\"}", "probe" },  /* no sha256: */
    { "{\"image_digest\": \"sha256:AAAA\", \"seccomp_sha256\": \"" POLICY_SHA "\"}", "probe" },
    { "{\"venue_kind\": \"docker\", \"image_digest\": \"sha256:" IMAGE_ID "\","
      " \"seccomp_sha256\": \"" POLICY_SHA "\"}", "probe" },  /* the image id is not the probe */
    { "{\"image_digest\": \"sha256:" PROBE_SHA "\"}", "policy" },
    { "{\"image_digest\": \"sha256:" PROBE_SHA "\", \"seccomp_sha256\": \"" PROBE_SHA "0\"}", "policy" },
    { "{\"image_digest\": \"sha256:" PROBE_SHA "\", \"seccomp_sha256\": 7}", "policy" },
    { "[]", "probe" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) bundle = node_of (cases[i].bundle);
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) statement = attest_intoto_wrap (bundle, &error);
      g_autofree char *want = g_strdup_printf ("no %s digest", cases[i].missing);

      g_test_message ("bundle %s", cases[i].bundle);
      g_assert_null (statement);
      g_assert_error (error, ATTEST_ERROR, ATTEST_ERROR_BLOCKED);
      g_assert_nonnull (strstr (error->message, want));
    }
}

/* ---- path ---- */

static void
test_path (void)
{
  static const char *const cases[][2] = {
    { "X.json", "X.intoto.json" },
    { "out/run-1.json", "out/run-1.intoto.json" },
    { "bundle", "bundle.intoto.json" },
    { "bundle.txt", "bundle.txt.intoto.json" },
    { "a.json.bak", "a.json.bak.intoto.json" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = attest_intoto_path (cases[i][0]);

      g_assert_cmpstr (path, ==, cases[i][1]);
    }
}

/* ---- reading ---- */

static char *
wrapped_text (const char *bundle_text)
{
  g_autoptr(JsonNode) statement = wrap_text (bundle_text);

  return json_to_string (statement, FALSE);
}

static void
test_reads_our_statement (void)
{
  g_autofree char *text = wrapped_text (bwrap_bundle);
  g_autoptr(AttestJson) doc = doc_of (text);
  g_autoptr(AttestJson) bundle = doc_of (bwrap_bundle);
  g_autoptr(GError) error = NULL;
  const AttestJson *predicate = NULL;
  g_autoptr(JsonNode) got = NULL, want = NULL;
  g_autofree char *got_text = NULL, *want_text = NULL;

  g_assert_true (attest_intoto_is_statement (doc));
  predicate = attest_intoto_predicate (doc, &error);
  g_assert_no_error (error);
  g_assert_nonnull (predicate);
  g_assert_true (predicate == attest_json_member (doc, "predicate"));  /* borrowed */
  got = attest_json_to_node (predicate);
  want = attest_json_to_node (bundle);
  got_text = json_to_string (got, FALSE);
  want_text = json_to_string (want, FALSE);
  g_assert_cmpstr (got_text, ==, want_text);
}

static void
test_is_statement (void)
{
  g_autoptr(AttestJson) bundle = doc_of (bwrap_bundle);
  g_autoptr(AttestJson) other = doc_of ("{\"_type\": \"https://example.invalid/x\"}");
  g_autoptr(AttestJson) array = doc_of ("[{\"_type\": 1}]");

  g_assert_false (attest_intoto_is_statement (bundle));
  g_assert_false (attest_intoto_is_statement (array));
  /* Any _type makes it a Statement: the caller then refuses a foreign one. */
  g_assert_true (attest_intoto_is_statement (other));
}

static void
test_predicate_refuses (void)
{
  static const char predicate[] = "{\"seccomp_sha256\": \"" POLICY_SHA "\"}";
  static const char subject[] = "[{\"name\": \"p\", \"digest\": {\"sha256\": \"" PROBE_SHA "\"}}]";
  static const struct
  {
    const char *what;
    const char *type;
    const char *predicate_type;
    const char *subject;
    const char *predicate;
    const char *location;
  } cases[] = {
    { "wrong _type", "\"https://in-toto.io/Statement/v0.1\"", "\"" ATTEST_INTOTO_PREDICATE_TYPE "\"", subject, predicate,
      "_type: " },
    { "_type not a string", "1", "\"" ATTEST_INTOTO_PREDICATE_TYPE "\"", subject, predicate, "_type: " },
    { "wrong predicateType", "\"" ATTEST_INTOTO_STATEMENT_TYPE "\"", "\"https://slsa.dev/provenance/v1\"", subject,
      predicate, "predicateType: " },
    { "no predicateType", "\"" ATTEST_INTOTO_STATEMENT_TYPE "\"", NULL, subject, predicate, "predicateType: " },
    { "no subject", "\"" ATTEST_INTOTO_STATEMENT_TYPE "\"", "\"" ATTEST_INTOTO_PREDICATE_TYPE "\"", NULL, predicate,
      "subject: " },
    { "subject not an array", "\"" ATTEST_INTOTO_STATEMENT_TYPE "\"", "\"" ATTEST_INTOTO_PREDICATE_TYPE "\"",
      "{\"name\": \"p\"}", predicate, "subject: " },
    { "no predicate", "\"" ATTEST_INTOTO_STATEMENT_TYPE "\"", "\"" ATTEST_INTOTO_PREDICATE_TYPE "\"", subject, NULL,
      "predicate: " },
    { "predicate not an object", "\"" ATTEST_INTOTO_STATEMENT_TYPE "\"", "\"" ATTEST_INTOTO_PREDICATE_TYPE "\"",
      subject, "[]", "predicate: " },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) text = g_string_new ("{");
      g_autoptr(AttestJson) doc = NULL;
      g_autoptr(GError) error = NULL;

      g_string_append_printf (text, "\"_type\": %s", cases[i].type);
      if (cases[i].predicate_type != NULL)
        g_string_append_printf (text, ", \"predicateType\": %s", cases[i].predicate_type);
      if (cases[i].subject != NULL)
        g_string_append_printf (text, ", \"subject\": %s", cases[i].subject);
      if (cases[i].predicate != NULL)
        g_string_append_printf (text, ", \"predicate\": %s", cases[i].predicate);
      g_string_append (text, "}");
      g_test_message ("%s: %s", cases[i].what, text->str);
      doc = doc_of (text->str);
      g_assert_true (attest_intoto_is_statement (doc));
      g_assert_null (attest_intoto_predicate (doc, &error));
      g_assert_error (error, ATTEST_ERROR, ATTEST_ERROR_JSON);
      g_assert_true (g_str_has_prefix (error->message, cases[i].location));
    }
}

/* Unknown members are ignored (in-toto parsing rules). */
static void
test_predicate_ignores_unknown_members (void)
{
  g_autoptr(JsonNode) statement = wrap_text (bwrap_bundle);
  g_autofree char *text = NULL;
  g_autoptr(AttestJson) doc = NULL;
  g_autoptr(GError) error = NULL;

  json_object_set_string_member (json_node_get_object (statement), "futureField", "x");
  text = json_to_string (statement, FALSE);
  doc = doc_of (text);
  g_assert_nonnull (attest_intoto_predicate (doc, &error));
  g_assert_no_error (error);
}

/* ---- INTOTO-SUBJECTS ---- */

typedef void (*Mutation) (JsonArray *subjects);

/* Wraps @bundle_text, lets @mutate change the subjects, and runs the
 * check on the Statement read back as the verifier reads it. */
static gboolean
check (const char *bundle_text, Mutation mutate, char **out_why)
{
  g_autoptr(JsonNode) statement = wrap_text (bundle_text);
  g_autofree char *text = NULL;
  g_autoptr(AttestJson) doc = NULL;
  g_autoptr(GError) error = NULL;
  const AttestJson *predicate = NULL;
  g_autofree char *observed = NULL;
  char *why = NULL;
  gboolean ok;

  if (mutate != NULL)
    mutate (subjects_of (statement));
  text = json_to_string (statement, FALSE);
  doc = doc_of (text);
  predicate = attest_intoto_predicate (doc, &error);
  g_assert_no_error (error);
  ok = attest_intoto_check_subjects (doc, predicate, &observed, &why);
  g_test_message ("observed: %s; why: %s", observed, why != NULL ? why : "(none)");
  g_assert_nonnull (observed);
  g_assert_true (ok == (why == NULL));
  *out_why = why;
  return ok;
}

static void
set_sha (JsonArray *subjects, guint i, const char *sha)
{
  JsonObject *digest = json_object_get_object_member (json_array_get_object_element (subjects, i), "digest");

  json_object_set_string_member (digest, "sha256", sha);
}

static void
change_probe_digest (JsonArray *subjects)
{
  set_sha (subjects, 0, OTHER_SHA);
}

static void
change_policy_digest (JsonArray *subjects)
{
  set_sha (subjects, 1, OTHER_SHA);
}

static void
uppercase_probe_digest (JsonArray *subjects)
{
  g_autofree char *upper = g_ascii_strup (PROBE_SHA, -1);

  set_sha (subjects, 0, upper);
}

static void
append_subject (JsonArray *subjects, const char *name, const char *sha)
{
  JsonObject *s = json_object_new ();
  JsonObject *d = json_object_new ();

  json_object_set_string_member (d, "sha256", sha);
  json_object_set_string_member (s, "name", name);
  json_object_set_object_member (s, "digest", d);
  json_array_add_object_element (subjects, s);
}

static void
add_extra_subject (JsonArray *subjects)
{
  append_subject (subjects, "etc-shadow", OTHER_SHA);
}

/* The probe's bytes again under another name. */
static void
add_probe_again (JsonArray *subjects)
{
  append_subject (subjects, "evil", PROBE_SHA);
}

static void
remove_probe (JsonArray *subjects)
{
  json_array_remove_element (subjects, 0);
}

static void
remove_policy (JsonArray *subjects)
{
  json_array_remove_element (subjects, 1);
}

static void
remove_all (JsonArray *subjects)
{
  json_array_remove_element (subjects, 1);
  json_array_remove_element (subjects, 0);
}

/* The policy's digest under sha512 only: it has no sha256. */
static void
policy_without_sha256 (JsonArray *subjects)
{
  JsonObject *digest = json_object_get_object_member (json_array_get_object_element (subjects, 1), "digest");

  json_object_remove_member (digest, "sha256");
  json_object_set_string_member (digest, "sha512", POLICY_SHA POLICY_SHA);
}

static void
probe_without_digest (JsonArray *subjects)
{
  json_object_remove_member (json_array_get_object_element (subjects, 0), "digest");
}

static void
test_subjects_pass (void)
{
  g_autofree char *why = NULL;

  g_assert_true (check (bwrap_bundle, NULL, &why));
  g_assert_null (why);
  g_assert_true (check (docker_bundle, NULL, &why));
  g_assert_null (why);
}

static void
test_subjects_observed_names_them (void)
{
  g_autoptr(JsonNode) statement = wrap_text (bwrap_bundle);
  g_autofree char *text = json_to_string (statement, FALSE);
  g_autoptr(AttestJson) doc = doc_of (text);
  const AttestJson *predicate = attest_intoto_predicate (doc, NULL);
  g_autofree char *observed = NULL, *why = NULL;

  g_assert_true (attest_intoto_check_subjects (doc, predicate, &observed, &why));
  g_assert_cmpstr (observed, ==, "sandbox-probe sha256:aaaaaaaaaaaa, default.json sha256:bbbbbbbbbbbb");
}

static void
test_subjects_refuse_changed_digest (void)
{
  g_autofree char *w1 = NULL, *w2 = NULL, *w3 = NULL, *w4 = NULL;

  g_assert_false (check (bwrap_bundle, change_probe_digest, &w1));
  g_assert_nonnull (strstr (w1, "subject[0] (sandbox-probe) is neither the probe nor the policy"));
  g_assert_false (check (bwrap_bundle, change_policy_digest, &w2));
  g_assert_nonnull (strstr (w2, "subject[1] (default.json) is neither the probe nor the policy"));
  /* Digests are lowercase hex (in-toto DigestSet); an uppercase one is not ours. */
  g_assert_false (check (bwrap_bundle, uppercase_probe_digest, &w3));
  g_assert_nonnull (strstr (w3, "subject[0] has no sha256"));
  /* Docker venue: a changed probe digest is refused there too. */
  g_assert_false (check (docker_bundle, change_probe_digest, &w4));
  g_assert_nonnull (strstr (w4, "subject[0]"));
}

/* A Docker Statement naming the image id in place of the probe. */
static void
test_subjects_docker_refuse_image_id (void)
{
  g_autofree char *why = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(AttestJson) doc = NULL;
  const AttestJson *predicate = NULL;
  g_autofree char *observed = NULL;

  g_string_append_printf (text,
                          "{\"_type\": \"%s\", \"predicateType\": \"%s\", \"subject\": ["
                          "{\"name\": \"image\", \"digest\": {\"sha256\": \"" IMAGE_ID "\"}},"
                          "{\"name\": \"policy.json\", \"digest\": {\"sha256\": \"" POLICY_SHA "\"}}],"
                          " \"predicate\": %s}",
                          ATTEST_INTOTO_STATEMENT_TYPE, ATTEST_INTOTO_PREDICATE_TYPE, docker_bundle);
  doc = doc_of (text->str);
  predicate = attest_intoto_predicate (doc, NULL);
  g_assert_nonnull (predicate);
  g_assert_false (attest_intoto_check_subjects (doc, predicate, &observed, &why));
  g_assert_nonnull (strstr (why, "subject[0] (image) is neither"));
}

static void
test_subjects_refuse_extra (void)
{
  g_autofree char *why = NULL;

  g_autofree char *again = NULL;

  g_assert_false (check (bwrap_bundle, add_extra_subject, &why));
  g_assert_nonnull (strstr (why, "subject[2] (etc-shadow) is neither the probe nor the policy"));
  g_assert_false (check (bwrap_bundle, add_probe_again, &again));
  g_assert_nonnull (strstr (again, "subject[2] (evil) repeats a digest an earlier subject names"));
}

static void
test_subjects_refuse_missing (void)
{
  g_autofree char *w1 = NULL, *w2 = NULL, *w3 = NULL;

  g_assert_false (check (bwrap_bundle, remove_probe, &w1));
  g_assert_cmpstr (w1, ==, "no subject has the probe's digest the bundle records");
  g_assert_false (check (bwrap_bundle, remove_policy, &w2));
  g_assert_cmpstr (w2, ==, "no subject has the policy's digest the bundle records");
  g_assert_false (check (bwrap_bundle, remove_all, &w3));
  g_assert_cmpstr (w3, ==, "no subject has the probe's digest the bundle records");
}

/* The policy's bytes again under another name. */
static void
add_policy_again (JsonArray *subjects)
{
  append_subject (subjects, "policy-copy.json", POLICY_SHA);
}

static void
test_subjects_refuse_policy_twice (void)
{
  g_autofree char *why = NULL;

  g_assert_false (check (bwrap_bundle, add_policy_again, &why));
  g_assert_cmpstr (why, ==, "subject[2] (policy-copy.json) repeats a digest an earlier subject names");
}

/* ---- judging a document: a bundle, or a Statement of one ---- */

static const AttestRowResult *
row_of (const AttestJudgement *j, const char *id)
{
  for (guint i = 0; i < j->rows->len; i++)
    {
      const AttestRowResult *r = g_ptr_array_index (j->rows, i);
      if (strcmp (r->id, id) == 0)
        return r;
    }
  return NULL;
}

static AttestJudgement *
judge_text (const char *text, const AttestJson **out_bundle, AttestJson **out_doc, GError **error)
{
  g_autofree char *matrix_path = g_test_build_filename (G_TEST_DIST, "..", "data", "matrix.json", NULL);
  g_autoptr(AttestMatrix) matrix = attest_matrix_load_file (matrix_path, NULL);
  AttestVerifyOptions options = { FALSE, NULL, NULL };

  g_assert_nonnull (matrix);
  *out_doc = doc_of (text);
  return attest_intoto_judge (*out_doc, matrix, &options, out_bundle, error);
}

/* The golden ACCEPTED bundle's text. */
static char *
accepted_text (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "bundles", "accepted.json", NULL);
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

/* A Statement of @bundle_text as text, its subjects changed by @mutate. */
static char *
statement_text_of (const char *bundle_text, Mutation mutate)
{
  g_autoptr(JsonNode) statement = wrap_text (bundle_text);

  if (mutate != NULL)
    mutate (subjects_of (statement));
  return json_to_string (statement, FALSE);
}

static void
test_judge_bundle_and_statement (void)
{
  g_autofree char *text = accepted_text ();
  g_autofree char *statement_text = statement_text_of (text, NULL);
  g_autoptr(AttestJson) doc = NULL, sdoc = NULL;
  g_autoptr(AttestJudgement) plain = NULL, wrapped = NULL;
  const AttestJson *bundle = NULL, *predicate = NULL;

  plain = judge_text (text, &bundle, &doc, NULL);
  g_assert_nonnull (plain);
  g_assert_true (bundle == doc);
  g_assert_null (row_of (plain, "INTOTO-SUBJECTS"));

  wrapped = judge_text (statement_text, &predicate, &sdoc, NULL);
  g_assert_nonnull (wrapped);
  g_assert_true (predicate == attest_json_member (sdoc, "predicate"));
  g_assert_cmpuint (wrapped->rows->len, ==, plain->rows->len + 1);
  g_assert_cmpint (row_of (wrapped, "INTOTO-SUBJECTS")->status, ==, ATTEST_ROW_PASS);
  g_assert_cmpint (wrapped->accepted, ==, plain->accepted);
}

static void
test_judge_statement_with_other_subject (void)
{
  g_autofree char *text = accepted_text ();
  g_autofree char *statement_text = statement_text_of (text, change_probe_digest);
  g_autoptr(AttestJson) sdoc = NULL;
  g_autoptr(AttestJudgement) j = NULL;
  const AttestJson *predicate = NULL;

  j = judge_text (statement_text, &predicate, &sdoc, NULL);
  g_assert_nonnull (j);
  g_assert_cmpint (row_of (j, "INTOTO-SUBJECTS")->status, ==, ATTEST_ROW_FAIL);
  g_assert_false (j->accepted);
}

static void
test_judge_malformed_predicate (void)
{
  g_autoptr(JsonNode) statement = wrap_text (bwrap_bundle);
  g_autofree char *text = json_to_string (statement, FALSE);
  g_autoptr(AttestJson) doc = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AttestJudgement) j = NULL;
  const AttestJson *predicate = NULL;

  /* bwrap_bundle carries only what wrapping reads: not a whole bundle */
  j = judge_text (text, &predicate, &doc, &error);
  g_assert_null (j);
  g_assert_error (error, ATTEST_ERROR, ATTEST_ERROR_JSON);
  g_assert_true (g_str_has_prefix (error->message, "predicate."));
}

static void
test_subjects_refuse_no_sha256 (void)
{
  g_autofree char *w1 = NULL, *w2 = NULL;

  g_assert_false (check (bwrap_bundle, policy_without_sha256, &w1));
  g_assert_cmpstr (w1, ==, "subject[1] has no sha256 digest");
  g_assert_false (check (bwrap_bundle, probe_without_digest, &w2));
  g_assert_cmpstr (w2, ==, "subject[0] has no sha256 digest");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/intoto/wrap/statement-and-predicate-type", test_wrap_statement_and_predicate_type);
  g_test_add_func ("/intoto/wrap/predicate-is-bundle-unchanged", test_wrap_predicate_is_bundle_unchanged);
  g_test_add_func ("/intoto/wrap/subjects-are-probe-and-policy", test_wrap_subjects_are_probe_and_policy);
  g_test_add_func ("/intoto/wrap/docker-subject-is-probe-not-image", test_wrap_docker_subject_is_probe_not_image);
  g_test_add_func ("/intoto/wrap/fails-without-digests", test_wrap_fails_without_digests);
  g_test_add_func ("/intoto/path/suffix", test_path);
  g_test_add_func ("/intoto/read/accepts-our-statement", test_reads_our_statement);
  g_test_add_func ("/intoto/read/is-statement-needs-type", test_is_statement);
  g_test_add_func ("/intoto/read/refuses-foreign-or-incomplete", test_predicate_refuses);
  g_test_add_func ("/intoto/read/ignores-unknown-members", test_predicate_ignores_unknown_members);
  g_test_add_func ("/intoto/subjects/pass", test_subjects_pass);
  g_test_add_func ("/intoto/subjects/observed-names-them", test_subjects_observed_names_them);
  g_test_add_func ("/intoto/subjects/refuses-changed-digest", test_subjects_refuse_changed_digest);
  g_test_add_func ("/intoto/subjects/refuses-docker-image-id", test_subjects_docker_refuse_image_id);
  g_test_add_func ("/intoto/subjects/refuses-extra-subject", test_subjects_refuse_extra);
  g_test_add_func ("/intoto/subjects/refuses-missing-subject", test_subjects_refuse_missing);
  g_test_add_func ("/intoto/subjects/refuses-subject-without-sha256", test_subjects_refuse_no_sha256);
  g_test_add_func ("/intoto/subjects/refuses-policy-twice", test_subjects_refuse_policy_twice);
  g_test_add_func ("/intoto/judge/bundle-and-statement", test_judge_bundle_and_statement);
  g_test_add_func ("/intoto/judge/statement-with-other-subject", test_judge_statement_with_other_subject);
  g_test_add_func ("/intoto/judge/malformed-predicate", test_judge_malformed_predicate);
  return g_test_run ();
}
