/* libFuzzer target: the policy loader (stage 1) and the compiler (stage
 * 2) on arbitrary bytes, as `run --policy` and `compile` read them. */
#include "fuzz-common.h"

#include "compile.h"
#include "policy.h"

int
LLVMFuzzerInitialize (int *argc G_GNUC_UNUSED, char ***argv G_GNUC_UNUSED)
{
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(AttestPolicy) policy = attest_policy_load_bytes (bytes, "fuzz.json", &error);
  AttestCompileOptions options = { 0 };
  g_autoptr(AttestFilter) filter = NULL;

  if (policy == NULL)
    return 0;
  options.want_pfc = (size & 1) != 0;
  filter = attest_compile (policy, &options, NULL);
  if (filter != NULL)
    json_node_unref (attest_filter_manifest (filter));
  return 0;
}
