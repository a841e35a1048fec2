/* Shared by the libFuzzer targets (fuzz/README in scripts/fuzz): the
 * shipped matrix and a golden bundle, loaded once.  Paths come from the
 * build (FUZZ_SRCDIR); a target that cannot load them aborts at start,
 * so a broken setup never fuzzes nothing quietly. */
#pragma once

#include <glib.h>
#include <stdint.h>
#include <stdlib.h>

#include "json-reader.h"
#include "verify.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static inline AttestMatrix *
fuzz_load_matrix (void)
{
  g_autoptr(GError) error = NULL;
  AttestMatrix *m = attest_matrix_load_file (FUZZ_SRCDIR "/data/matrix.json", &error);

  if (m == NULL)
    {
      g_printerr ("fuzz: %s\n", error->message);
      abort ();
    }
  return m;
}
