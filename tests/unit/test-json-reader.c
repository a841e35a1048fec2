#include <string.h>

#include "error.h"
#include "json-reader.h"

static AttestJson *
parse (const char *text, GError **error)
{
  return attest_json_parse (text, strlen (text), "t.json", error);
}

static void
test_rejects_duplicate_key (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AttestJson) root = parse ("{\"a\": {\"b\": 1, \"b\": 2}}", &error);

  g_assert_null (root);
  g_assert_error (error, ATTEST_ERROR, ATTEST_ERROR_JSON);
  g_assert_nonnull (strstr (error->message, "t.json: a.b "));
  g_assert_nonnull (strstr (error->message, "duplicate key"));
}

/* Past 16 keys an object checks for duplicates with a set, not a scan:
 * a duplicate is found at every position, and distinct keys all pass. */
static void
test_rejects_duplicate_key_in_wide_object (void)
{
  for (guint dup = 0; dup < 40; dup++)
    {
      g_autoptr(GString) text = g_string_new ("{\"o\": {");
      g_autoptr(GError) error = NULL;
      g_autoptr(AttestJson) root = NULL;
      g_autofree char *where = g_strdup_printf ("t.json: o.k%u ", dup);

      for (guint i = 0; i < 40; i++)
        g_string_append_printf (text, "\"k%u\": %u, ", i, i);
      g_string_append_printf (text, "\"k%u\": 0}}", dup);
      root = parse (text->str, &error);
      g_assert_null (root);
      g_assert_error (error, ATTEST_ERROR, ATTEST_ERROR_JSON);
      g_assert_nonnull (strstr (error->message, where));
      g_assert_nonnull (strstr (error->message, "duplicate key"));
    }
  {
    g_autoptr(GString) text = g_string_new ("{");
    g_autoptr(GError) error = NULL;
    g_autoptr(AttestJson) root = NULL;

    for (guint i = 0; i < 40; i++)
      g_string_append_printf (text, "%s\"k%u\": %u", i > 0 ? ", " : "", i, i);
    g_string_append (text, "}");
    root = parse (text->str, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (root->keys->len, ==, 40);
    g_assert_cmpstr (((AttestJson *) g_ptr_array_index (root->items, 39))->text, ==, "39");
  }
}

static void
test_locates_errors_in_arrays (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AttestJson) root = parse ("{\"s\": [1, {\"x\": tru}]}", &error);

  g_assert_null (root);
  g_assert_nonnull (strstr (error->message, "s[1].x"));
}

static void
test_rejects_trailing_data_and_truncation (void)
{
  const char *bad[] = { "{} {}", "{\"a\": [1, 2", "{\"a\": \"x", "[01]", "[1.]", "[\"\\u0000\"]",
                        "[\"\\ud800\"]", "{\"a\" 1}", "[1,]", "", "nul" };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(AttestJson) root = parse (bad[i], &error);

      g_test_message ("input %s", bad[i]);
      g_assert_null (root);
      g_assert_error (error, ATTEST_ERROR, ATTEST_ERROR_JSON);
    }
}

static void
test_rejects_deep_nesting (void)
{
  g_autoptr(GString) s = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AttestJson) root = NULL;

  for (int i = 0; i < ATTEST_JSON_MAX_DEPTH + 1; i++)
    g_string_append_c (s, '[');
  for (int i = 0; i < ATTEST_JSON_MAX_DEPTH + 1; i++)
    g_string_append_c (s, ']');
  root = parse (s->str, &error);
  g_assert_null (root);
  g_assert_nonnull (strstr (error->message, "nested too deeply"));
}

static void
test_u64_is_exact (void)
{
  g_autoptr(AttestJson) root = parse ("[18446744073709551615, 18446744073709551616, -1, 1.0, 1e3, 7]", NULL);
  guint64 v = 0;
  g_autoptr(GError) e1 = NULL, e2 = NULL, e3 = NULL, e4 = NULL, e5 = NULL;

  g_assert_nonnull (root);
  g_assert_true (attest_json_get_u64 (g_ptr_array_index (root->items, 0), "v", G_MAXUINT64, &v, NULL));
  g_assert_cmpuint (v, ==, G_MAXUINT64);
  g_assert_false (attest_json_get_u64 (g_ptr_array_index (root->items, 1), "v", G_MAXUINT64, &v, &e1));
  g_assert_nonnull (strstr (e1->message, "overflows"));
  g_assert_false (attest_json_get_u64 (g_ptr_array_index (root->items, 2), "v", G_MAXUINT64, &v, &e2));
  g_assert_nonnull (strstr (e2->message, "negative"));
  g_assert_false (attest_json_get_u64 (g_ptr_array_index (root->items, 3), "v", G_MAXUINT64, &v, &e3));
  g_assert_false (attest_json_get_u64 (g_ptr_array_index (root->items, 4), "v", G_MAXUINT64, &v, &e4));
  g_assert_false (attest_json_get_u64 (g_ptr_array_index (root->items, 5), "v", 6, &v, &e5));
  g_assert_nonnull (strstr (e5->message, "out of range"));
}

static void
test_strings_unescape (void)
{
  g_autoptr(AttestJson) root = parse ("[\"a\\n\\u00e9\\ud83d\\ude00\\\"\"]", NULL);

  g_assert_nonnull (root);
  g_assert_cmpstr (((AttestJson *) g_ptr_array_index (root->items, 0))->text, ==, "a\n\xc3\xa9\xf0\x9f\x98\x80\"");
}

/* Raw bytes are checked as UTF-8 wherever they sit: before, after and
 * between escapes, and a sequence cut by an escape is invalid. */
static void
test_strings_reject_bad_utf8_around_escapes (void)
{
  static const char *const bad[] = {
    "[\"\\n\xff\"]", "[\"\xff\\n\"]", "[\"a\\tb\xc3\"]", "[\"\xc3\\u00e9\"]", "[\"\xc3\\n\"]",
    "{\"k\\n\xff\": 1}",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(AttestJson) root = parse (bad[i], &error);

      g_assert_null (root);
      g_assert_error (error, ATTEST_ERROR, ATTEST_ERROR_JSON);
      g_assert_nonnull (strstr (error->message, "not valid UTF-8"));
    }
  {
    g_autoptr(AttestJson) root = parse ("[\"\xc3\xa9\\n\xc3\xa9\"]", NULL);

    g_assert_nonnull (root);
    g_assert_cmpstr (((AttestJson *) g_ptr_array_index (root->items, 0))->text, ==, "\xc3\xa9\n\xc3\xa9");
  }
}

static void
test_check_keys_names_case_variant (void)
{
  static const char *const allowed[] = { "defaultAction", NULL };
  g_autoptr(AttestJson) root = parse ("{\"DefaultAction\": 1}", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (attest_json_check_keys (root, "", allowed, &error));
  g_assert_error (error, ATTEST_ERROR, ATTEST_ERROR_POLICY_INVALID);
  g_assert_nonnull (strstr (error->message, "spelt \"defaultAction\""));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/json/parse/rejects-duplicate-key", test_rejects_duplicate_key);
  g_test_add_func ("/json/parse/rejects-duplicate-key-in-wide-object", test_rejects_duplicate_key_in_wide_object);
  g_test_add_func ("/json/parse/locates-errors-in-arrays", test_locates_errors_in_arrays);
  g_test_add_func ("/json/parse/rejects-malformed", test_rejects_trailing_data_and_truncation);
  g_test_add_func ("/json/parse/rejects-deep-nesting", test_rejects_deep_nesting);
  g_test_add_func ("/json/u64/is-exact", test_u64_is_exact);
  g_test_add_func ("/json/string/unescapes", test_strings_unescape);
  g_test_add_func ("/json/string/rejects-bad-utf8-around-escapes", test_strings_reject_bad_utf8_around_escapes);
  g_test_add_func ("/json/keys/names-case-variant", test_check_keys_names_case_variant);
  return g_test_run ();
}
