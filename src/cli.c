#include "cli.h"

#include <gio/gio.h>
#include <unistd.h>

#include "compile.h"
#include "error.h"
#include "fdutil.h"
#include "policy.h"

static const AttestCommand commands[] = {
  { "compile", attest_cli_compile, "Compile a Docker-format seccomp policy into BPF" },
  { NULL, NULL, NULL },
};

const AttestCommand *
attest_cli_commands (void)
{
  return commands;
}

static gboolean
parse_options (GOptionContext *context, int *argc, char ***argv, GError **error)
{
  if (g_option_context_parse (context, argc, argv, error))
    return TRUE;
  (*error)->domain = ATTEST_ERROR;
  (*error)->code = ATTEST_ERROR_USAGE;
  return FALSE;
}

static GBytes *
json_to_bytes (JsonNode *node)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autofree char *text = NULL;
  gsize len = 0;

  json_generator_set_root (gen, node);
  json_generator_set_pretty (gen, TRUE);
  text = json_generator_to_data (gen, &len);
  return g_bytes_new_take (g_strconcat (text, "\n", NULL), len + 1);
}

static void
print_compile_summary (const AttestFilter *filter)
{
  g_print ("policy %s sha256 %s\n", filter->policy_source, filter->policy_sha256);
  g_print ("bpf %u instructions (%u in the ENOSYS stub) sha256 %s\n", filter->n_insns,
           filter->n_stub_insns, filter->bpf_sha256);
  g_print ("default %s, bad architecture %s, libseccomp %s\n", filter->default_action,
           filter->badarch_action, filter->libseccomp_version);
  for (guint i = 0; i < filter->arches->len; i++)
    {
      AttestFilterArch *arch = g_ptr_array_index (filter->arches, i);
      g_autofree char *skipped = NULL;

      g_ptr_array_add (arch->skipped, NULL);
      skipped = g_strjoinv (" ", (char **) arch->skipped->pdata);
      g_ptr_array_remove_index (arch->skipped, arch->skipped->len - 1);
      g_print ("arch %s: highest syscall %d%s; not on this arch (%u): %s\n", arch->arch, arch->max_nr,
               arch->stub ? ", ENOSYS above it" : "", arch->skipped->len,
               arch->skipped->len > 0 ? skipped : "-");
    }
  g_print ("skipped unknown (%u):", filter->unknown->len);
  for (guint i = 0; i < filter->unknown->len; i++)
    g_print (" %s", (const char *) g_ptr_array_index (filter->unknown, i));
  g_print ("\n");
  for (guint i = 0; i < filter->dropped->len; i++)
    g_print ("dropped %s\n", (const char *) g_ptr_array_index (filter->dropped, i));
  for (guint i = 0; i < filter->notes->len; i++)
    g_print ("note %s\n", (const char *) g_ptr_array_index (filter->notes, i));
}

/* Both files or neither: a manifest that fails removes the BPF written just before. */
static gboolean
write_compile_outputs (const AttestFilter *filter, const char *bpf_path, const char *manifest_path,
                       GError **error)
{
  if (bpf_path != NULL && !attest_write_file_atomic (bpf_path, filter->bpf, TRUE, error))
    return FALSE;
  if (manifest_path != NULL)
    {
      g_autoptr(JsonNode) manifest = attest_filter_manifest (filter);
      g_autoptr(GBytes) bytes = json_to_bytes (manifest);

      if (!attest_write_file_atomic (manifest_path, bytes, TRUE, error))
        {
          if (bpf_path != NULL)
            (void) unlink (bpf_path);
          return FALSE;
        }
    }
  return TRUE;
}

int
attest_cli_compile (int argc, char **argv, GError **error)
{
  g_autofree char *out_path = NULL;
  g_autofree char *manifest_path = NULL;
  gboolean pfc = FALSE, allow_unknown = FALSE;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &out_path, "Write the BPF program to FILE", "FILE" },
    { "manifest", 0, 0, G_OPTION_ARG_FILENAME, &manifest_path, "Write the compile manifest (JSON) to FILE", "FILE" },
    { "pfc", 0, 0, G_OPTION_ARG_NONE, &pfc, "Print libseccomp's PFC text (and keep it in the manifest)", NULL },
    { "allow-unknown", 0, 0, G_OPTION_ARG_NONE, &allow_unknown,
      "Skip syscall names libseccomp does not know even where that changes what a rule denies", NULL },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("POLICY.json");
  g_autoptr(AttestPolicy) policy = NULL;
  g_autoptr(AttestFilter) filter = NULL;
  AttestCompileOptions options = { 0 };

  g_option_context_set_summary (context, "Compile a Docker/OCI seccomp policy into a BPF program for bwrap --seccomp.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!parse_options (context, &argc, &argv, error))
    return 2;
  if (argc != 2)
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_USAGE, "compile takes exactly one POLICY.json");
      return 2;
    }
  policy = attest_policy_load_file (argv[1], error);
  if (policy == NULL)
    return attest_error_exit_status (*error);
  options.allow_unknown = allow_unknown;
  options.want_pfc = pfc;
  filter = attest_compile (policy, &options, error);
  if (filter == NULL || !write_compile_outputs (filter, out_path, manifest_path, error))
    return attest_error_exit_status (*error);
  if (pfc)
    g_print ("%s", filter->pfc);
  else
    print_compile_summary (filter);
  return 0;
}
