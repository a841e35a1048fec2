/* Unit tests of the probe's pure parts: JSON escaping of arbitrary bytes,
 * errno and signal naming, the verdict rule and SHA-256. The probe itself
 * links no GLib; only these tests do. */
#include <errno.h>
#include <glib.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>

#include "errnames.h"
#include "json-out.h"
#include "result.h"
#include "sha256.h"

static char *
escape (const char *s, size_t len)
{
  AttestBuf b;
  attest_buf_init (&b);
  attest_json_escape (&b, s, len);
  g_assert_false (attest_buf_failed (&b));
  char *out = g_strdup (attest_buf_cstr (&b));
  attest_buf_free (&b);
  return out;
}

/* Parses @json as a JSON document and returns its root string value. */
static char *
parse_string (const char *json)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *doc = g_strdup_printf ("[%s]", json);
  json_parser_load_from_data (parser, doc, -1, &error);
  g_assert_no_error (error);
  JsonArray *a = json_node_get_array (json_parser_get_root (parser));
  return g_strdup (json_array_get_string_element (a, 0));
}

static void
test_escape_every_byte (void)
{
  for (int c = 0; c < 256; c++)
    {
      char in = (char) c;
      g_autofree char *got = escape (&in, 1);
      g_autofree char *want = NULL;
      switch (c)
        {
        case '"': want = g_strdup ("\"\\\"\""); break;
        case '\\': want = g_strdup ("\"\\\\\""); break;
        case '\b': want = g_strdup ("\"\\b\""); break;
        case '\f': want = g_strdup ("\"\\f\""); break;
        case '\n': want = g_strdup ("\"\\n\""); break;
        case '\r': want = g_strdup ("\"\\r\""); break;
        case '\t': want = g_strdup ("\"\\t\""); break;
        default:
          if (c < 0x20 || c == 0x7f)
            want = g_strdup_printf ("\"\\u%04x\"", c);
          else if (c < 0x80)
            want = g_strdup_printf ("\"%c\"", c);
          else
            want = g_strdup ("\"\\ufffd\"");   /* a lone byte ≥ 0x80 is never UTF-8 */
          break;
        }
      g_assert_cmpstr (got, ==, want);
      /* and every result is a JSON string a strict parser accepts */
      g_autofree char *back = parse_string (got);
      g_assert_nonnull (back);
    }
}

static void
test_escape_all_bytes_in_one_string (void)
{
  char all[256];
  for (int c = 0; c < 256; c++)
    all[c] = (char) c;
  g_autofree char *got = escape (all, sizeof all);
  g_autofree char *back = parse_string (got);   /* a strict parser accepts it */
  g_assert_nonnull (back);
  g_assert_true (g_str_has_prefix (got, "\"\\u0000\\u0001"));
  /* the 128 bytes 0x80..0xff in increasing order never form UTF-8: one U+FFFD each */
  g_autoptr (GString) tail = g_string_new ("~\\u007f");
  for (int i = 0; i < 128; i++)
    g_string_append (tail, "\\ufffd");
  g_string_append_c (tail, '"');
  g_assert_true (g_str_has_suffix (got, tail->str));
}

static void
test_escape_valid_utf8 (void)
{
  const char *samples[] = { "é", "€", "\xf0\x9f\x98\x80", "ascii", "\xef\xbf\xbf", "\xf4\x8f\xbf\xbf" };
  for (size_t i = 0; i < G_N_ELEMENTS (samples); i++)
    {
      g_autofree char *got = escape (samples[i], strlen (samples[i]));
      g_autofree char *want = g_strdup_printf ("\"%s\"", samples[i]);
      g_assert_cmpstr (got, ==, want);
      g_autofree char *back = parse_string (got);
      g_assert_cmpstr (back, ==, samples[i]);
    }
}

static void
test_escape_invalid_utf8 (void)
{
  static const struct { const char *in; size_t len; const char *want; } cases[] = {
    { "\xc0\x80", 2, "\"\\ufffd\\ufffd\"" },                     /* overlong NUL */
    { "\xe0\x80\x80", 3, "\"\\ufffd\\ufffd\\ufffd\"" },          /* overlong */
    { "\xed\xa0\x80", 3, "\"\\ufffd\\ufffd\\ufffd\"" },          /* UTF-16 surrogate */
    { "\xf4\x90\x80\x80", 4, "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" }, /* above U+10FFFF */
    { "\xe2\x82", 2, "\"\\ufffd\\ufffd\"" },                     /* truncated */
    { "a\x80z", 3, "\"a\\ufffdz\"" },                            /* lone continuation */
    { "\xff\xfe", 2, "\"\\ufffd\\ufffd\"" },
    { "\xe2\x82\xac\xe2", 4, "\"\xe2\x82\xac\\ufffd\"" },         /* valid then truncated */
  };
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = escape (cases[i].in, cases[i].len);
      g_assert_cmpstr (got, ==, cases[i].want);
      g_autofree char *back = parse_string (got);
      g_assert_true (g_utf8_validate (back, -1, NULL));
    }
}

static void
test_escape_embedded_nul (void)
{
  g_autofree char *got = escape ("a\0b", 3);
  g_assert_cmpstr (got, ==, "\"a\\u0000b\"");
  g_autofree char *empty = escape ("", 0);
  g_assert_cmpstr (empty, ==, "\"\"");
}

static void
test_writer_structure (void)
{
  AttestBuf b;
  attest_buf_init (&b);
  AttestJson j;
  for (int pretty = 0; pretty <= 1; pretty++)
    {
      attest_buf_free (&b);
      attest_json_init (&j, &b, pretty);
      attest_json_begin_object (&j);
      attest_json_kv_string (&j, "id", "PR-\"X\"\n");
      attest_json_kv_int (&j, "n", -42);
      attest_json_kv_bool (&j, "ok", TRUE);
      attest_json_key (&j, "none");
      attest_json_null (&j);
      attest_json_key (&j, "empty");
      attest_json_begin_array (&j);
      attest_json_end_array (&j);
      attest_json_key (&j, "list");
      attest_json_begin_array (&j);
      attest_json_string (&j, "a");
      attest_json_int (&j, 1);
      attest_json_begin_object (&j);
      attest_json_end_object (&j);
      attest_json_raw (&j, "{\"k\":[1,2]}", 11);
      attest_json_end_array (&j);
      attest_json_end_object (&j);
      g_autoptr (JsonParser) parser = json_parser_new ();
      g_autoptr (GError) error = NULL;
      json_parser_load_from_data (parser, attest_buf_cstr (&b), -1, &error);
      g_assert_no_error (error);
      JsonObject *o = json_node_get_object (json_parser_get_root (parser));
      g_assert_cmpstr (json_object_get_string_member (o, "id"), ==, "PR-\"X\"\n");
      g_assert_cmpint (json_object_get_int_member (o, "n"), ==, -42);
      g_assert_true (json_object_get_boolean_member (o, "ok"));
      g_assert_true (json_object_get_null_member (o, "none"));
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "empty")), ==, 0);
      JsonArray *list = json_object_get_array_member (o, "list");
      g_assert_cmpuint (json_array_get_length (list), ==, 4);
      JsonObject *raw = json_array_get_object_element (list, 3);
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (raw, "k")), ==, 2);
    }
  attest_buf_free (&b);
}

static void
test_errno_names (void)
{
  char buf[ATTEST_NAME_BUF];
  g_assert_cmpstr (attest_errno_name (EPERM, buf), ==, "EPERM");
  g_assert_cmpint (EPERM, ==, 1);
  g_assert_cmpstr (attest_errno_name (ENOSYS, buf), ==, "ENOSYS");
  g_assert_cmpstr (attest_errno_name (EROFS, buf), ==, "EROFS");
  g_assert_cmpstr (attest_errno_name (EAFNOSUPPORT, buf), ==, "EAFNOSUPPORT");
  g_assert_cmpstr (attest_errno_name (EHWPOISON, buf), ==, "EHWPOISON");
  g_assert_cmpstr (attest_errno_name (524, buf), ==, "ENOTSUPP");
  g_assert_cmpstr (attest_errno_name (4095, buf), ==, "E4095");
  g_assert_cmpstr (attest_errno_name (41, buf), ==, "E41");    /* a gap in the Linux table */
  g_assert_cmpstr (attest_errno_name (0, buf), ==, "E0");
  g_assert_cmpstr (attest_errno_name (-3, buf), ==, "E-3");
  g_assert_cmpstr (attest_errno_name (G_MAXINT, buf), ==, "E2147483647");
  /* every name maps back to its number */
  for (int e = 1; e < 600; e++)
    {
      const char *name = attest_errno_name (e, buf);
      if (name[1] >= '0' && name[1] <= '9')
        continue;
      g_assert_cmpint (attest_errno_from_name (name), ==, e);
    }
  g_assert_cmpint (attest_errno_from_name ("EPERM"), ==, 1);
  g_assert_cmpint (attest_errno_from_name ("ENOPE"), ==, -1);
}

static void
test_signal_names (void)
{
  char buf[ATTEST_NAME_BUF];
  g_assert_cmpstr (attest_signal_name (SIGSYS, buf), ==, "SIGSYS");
  g_assert_cmpstr (attest_signal_name (SIGKILL, buf), ==, "SIGKILL");
  g_assert_cmpstr (attest_signal_name (SIGSEGV, buf), ==, "SIGSEGV");
  g_assert_cmpstr (attest_signal_name (32, buf), ==, "SIGRTMIN+0");
  g_assert_cmpstr (attest_signal_name (34, buf), ==, "SIGRTMIN+2");
  g_assert_cmpstr (attest_signal_name (99, buf), ==, "SIG99");
  g_assert_cmpstr (attest_signal_name (0, buf), ==, "SIG0");
}

static AttestAttempt
attempt (const char *outcome)
{
  AttestAttempt a;
  memset (&a, 0, sizeof a);
  g_strlcpy (a.method, "m", sizeof a.method);
  g_strlcpy (a.outcome, outcome, sizeof a.outcome);
  return a;
}

static void
test_verdict_rule (void)
{
  const char *const expected[] = { "EPERM", "ENOSYS", NULL };
  AttestAttempt ok[] = { attempt ("EPERM"), attempt ("ENOSYS") };
  AttestAttempt bad[] = { attempt ("EPERM"), attempt ("OK"), attempt ("EFAULT") };
  int decisive = 99;

  g_assert_cmpint (attest_verdict_compute (ATTEST_LEVEL_MUST, expected, ok, 2, ATTEST_VERDICT_NONE, &decisive),
                   ==, ATTEST_VERDICT_PASS);
  g_assert_cmpint (decisive, ==, 0);
  g_assert_cmpint (attest_verdict_compute (ATTEST_LEVEL_MUST, expected, bad, 3, ATTEST_VERDICT_NONE, &decisive),
                   ==, ATTEST_VERDICT_FAIL);
  g_assert_cmpint (decisive, ==, 1);   /* the first unexpected attempt decides */
  g_assert_cmpint (attest_verdict_compute (ATTEST_LEVEL_SHOULD, expected, bad, 3, ATTEST_VERDICT_NONE, NULL),
                   ==, ATTEST_VERDICT_WARN);
  /* nothing tried: never PASS */
  g_assert_cmpint (attest_verdict_compute (ATTEST_LEVEL_MUST, expected, NULL, 0, ATTEST_VERDICT_NONE, &decisive),
                   ==, ATTEST_VERDICT_ERROR);
  g_assert_cmpint (decisive, ==, -1);
  g_assert_cmpint (attest_verdict_compute (ATTEST_LEVEL_INFO, expected, bad, 3, ATTEST_VERDICT_NONE, NULL),
                   ==, ATTEST_VERDICT_INFO);
  /* SKIP and ERROR set by the harness are kept, even over passing attempts */
  g_assert_cmpint (attest_verdict_compute (ATTEST_LEVEL_MUST, expected, ok, 2, ATTEST_VERDICT_ERROR, NULL),
                   ==, ATTEST_VERDICT_ERROR);
  g_assert_cmpint (attest_verdict_compute (ATTEST_LEVEL_MUST, expected, ok, 2, ATTEST_VERDICT_SKIP, NULL),
                   ==, ATTEST_VERDICT_SKIP);
  /* a signal or a timeout is an outcome like any other */
  const char *const sigsys[] = { "SIGSYS", NULL };
  AttestAttempt killed[] = { attempt ("SIGSYS") };
  g_assert_cmpint (attest_verdict_compute (ATTEST_LEVEL_MUST, sigsys, killed, 1, ATTEST_VERDICT_NONE, NULL),
                   ==, ATTEST_VERDICT_PASS);
  AttestAttempt timeout[] = { attempt ("TIMEOUT") };
  g_assert_cmpint (attest_verdict_compute (ATTEST_LEVEL_MUST, expected, timeout, 1, ATTEST_VERDICT_NONE, NULL),
                   ==, ATTEST_VERDICT_FAIL);
  g_assert_cmpstr (attest_verdict_name (ATTEST_VERDICT_WARN), ==, "WARN");
  g_assert_cmpstr (attest_level_name (ATTEST_LEVEL_SHOULD), ==, "SHOULD");
}

static void
test_outcome_precedence (void)
{
  AttestAttempt a;
  memset (&a, 0, sizeof a);
  attest_attempt_set_outcome (&a, NULL);
  g_assert_cmpstr (a.outcome, ==, "OK");
  a.err = EPERM;
  attest_attempt_set_outcome (&a, NULL);
  g_assert_cmpstr (a.outcome, ==, "EPERM");
  attest_attempt_set_outcome (&a, "ONLY_LO");
  g_assert_cmpstr (a.outcome, ==, "ONLY_LO");
  a.signal = SIGSYS;
  attest_attempt_set_outcome (&a, "ONLY_LO");
  g_assert_cmpstr (a.outcome, ==, "SIGSYS");
  a.timed_out = TRUE;
  attest_attempt_set_outcome (&a, NULL);
  g_assert_cmpstr (a.outcome, ==, "TIMEOUT");
}

static void
test_attempt_json (void)
{
  AttestAttempt a = attempt ("EPERM");
  a.ret = -1;
  a.err = EPERM;
  g_strlcpy (a.detail, "d\x01\xff", sizeof a.detail);
  AttestBuf b;
  attest_buf_init (&b);
  AttestJson j;
  attest_json_init (&j, &b, FALSE);
  attest_attempt_to_json (&j, &a, TRUE);
  g_assert_cmpstr (attest_buf_cstr (&b), ==,
                   "{\"method\":\"m\",\"outcome\":\"EPERM\",\"ret\":-1,\"errno\":\"EPERM\",\"errno_num\":1,"
                   "\"signal\":null,\"timed_out\":false,\"detail\":\"d\\u0001\\ufffd\"}");
  attest_buf_free (&b);
}

static void
test_sha256_vectors (void)
{
  char hex[65];
  attest_sha256_hex ("", 0, hex);
  g_assert_cmpstr (hex, ==, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  attest_sha256_hex ("abc", 3, hex);
  g_assert_cmpstr (hex, ==, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const char *m448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  attest_sha256_hex (m448, strlen (m448), hex);
  g_assert_cmpstr (hex, ==, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  /* chunked updates across block boundaries give the same digest as GLib */
  g_autofree char *data = g_malloc (1000);
  for (int i = 0; i < 1000; i++)
    data[i] = (char) (i * 7);
  AttestSha256 ctx;
  attest_sha256_init (&ctx);
  for (size_t off = 0; off < 1000; off += 37)
    attest_sha256_update (&ctx, data + off, MIN (37, 1000 - off));
  guint8 d[32];
  attest_sha256_final (&ctx, d);
  g_autofree char *ours = g_malloc (65);
  for (int i = 0; i < 32; i++)
    g_snprintf (ours + 2 * i, 3, "%02x", d[i]);
  g_autofree char *glib = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) data, 1000);
  g_assert_cmpstr (ours, ==, glib);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/probe/json/escapes-each-of-the-256-byte-values", test_escape_every_byte);
  g_test_add_func ("/probe/json/escapes-all-bytes-in-one-string", test_escape_all_bytes_in_one_string);
  g_test_add_func ("/probe/json/keeps-valid-utf8", test_escape_valid_utf8);
  g_test_add_func ("/probe/json/replaces-invalid-utf8-byte-by-byte", test_escape_invalid_utf8);
  g_test_add_func ("/probe/json/escapes-embedded-nul-with-explicit-length", test_escape_embedded_nul);
  g_test_add_func ("/probe/json/writer-produces-parseable-structure", test_writer_structure);
  g_test_add_func ("/probe/errno/names-numbers-and-unknowns", test_errno_names);
  g_test_add_func ("/probe/signal/names-numbers-and-realtime", test_signal_names);
  g_test_add_func ("/probe/verdict/rule-is-mechanical", test_verdict_rule);
  g_test_add_func ("/probe/verdict/outcome-precedence", test_outcome_precedence);
  g_test_add_func ("/probe/verdict/attempt-encodes-as-json", test_attempt_json);
  g_test_add_func ("/probe/sha256/fips-vectors-and-chunking", test_sha256_vectors);
  return g_test_run ();
}
