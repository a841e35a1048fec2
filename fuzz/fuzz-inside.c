/* libFuzzer target: the probe's inside.json, untrusted bytes from the
 * sandbox.  First the strict reader alone, then the judge: the input
 * becomes inside.text of the golden ACCEPTED bundle (with a matching
 * sha256, so the judge gets past the digest and parses it) and the
 * bundle is verified against the shipped matrix, as `run` does. */
#include "fuzz-common.h"

#include <string.h>

static AttestMatrix *matrix;
static AttestJson *bundle;
static AttestJson *inside_text;    /* bundle's inside.text node */
static AttestJson *inside_sha256;  /* bundle's inside.sha256 node */

static AttestJson *
member (AttestJson *object, const char *key)
{
  AttestJson *node = object != NULL ? attest_json_member (object, key) : NULL;

  if (node == NULL)
    {
      g_printerr ("fuzz: the golden bundle has no %s\n", key);
      abort ();
    }
  return node;
}

int
LLVMFuzzerInitialize (int *argc G_GNUC_UNUSED, char ***argv G_GNUC_UNUSED)
{
  g_autoptr(GError) error = NULL;
  AttestJson *inside;

  matrix = fuzz_load_matrix ();
  bundle = attest_bundle_load_file (FUZZ_SRCDIR "/tests/data/bundles/accepted.json", &error);
  if (bundle == NULL)
    {
      g_printerr ("fuzz: %s\n", error->message);
      abort ();
    }
  inside = member (bundle, "inside");
  inside_text = member (inside, "text");
  inside_sha256 = member (inside, "sha256");
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AttestJson) parsed = attest_json_parse ((const char *) data, size, "inside.json", &error);
  g_autoptr(AttestJudgement) j = NULL;
  AttestVerifyOptions options = { FALSE, NULL, NULL };
  char *saved_text, *saved_sha;

  /* A JSON string holds valid UTF-8 without NUL: anything else cannot
   * reach the judge through a bundle. */
  if (memchr (data, 0, size) != NULL || !g_utf8_validate ((const char *) data, (gssize) size, NULL))
    return 0;
  saved_text = inside_text->text;
  saved_sha = inside_sha256->text;
  inside_text->text = g_strndup ((const char *) data, size);
  inside_sha256->text = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, size);
  g_clear_error (&error);
  j = attest_verify (bundle, matrix, &options, &error);
  g_free (inside_text->text);
  g_free (inside_sha256->text);
  inside_text->text = saved_text;
  inside_sha256->text = saved_sha;
  return 0;
}
