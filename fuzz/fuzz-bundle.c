/* libFuzzer target: what `verify` reads.  The input as a bundle (strict
 * reader, then the judge with the shipped matrix) and as an acceptance
 * matrix (the matrix loader). */
#include "fuzz-common.h"

static AttestMatrix *matrix;

int
LLVMFuzzerInitialize (int *argc G_GNUC_UNUSED, char ***argv G_GNUC_UNUSED)
{
  matrix = fuzz_load_matrix ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AttestJson) parsed = attest_json_parse ((const char *) data, size, "bundle.json", &error);
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(AttestMatrix) as_matrix = NULL;
  AttestVerifyOptions options = { (size & 1) != 0, NULL, NULL };

  if (parsed != NULL)
    {
      g_autoptr(AttestJudgement) j = attest_verify (parsed, matrix, &options, NULL);
      if (j != NULL)
        json_node_unref (attest_judgement_to_json (j));
    }
  as_matrix = attest_matrix_load_bytes (bytes, "matrix.json", NULL);
  return 0;
}
