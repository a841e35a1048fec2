/* Stage 2, compile: policy model -> libseccomp -> BPF, plus a manifest of
 * every input that shaped the program and everything it left out.
 *
 * The program is libseccomp's binary-tree output with a runc-compatible
 * stub in front (research/seccomp.md §2.3): a syscall number above the
 * highest one the policy names gets ENOSYS, so glibc falls back as it
 * does under Docker.  The stub reads only the arch and the number, so the
 * kernel's per-syscall action cache keeps working.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "policy.h"

G_BEGIN_DECLS

typedef struct
{
  uint32_t native_arch;      /* 0: the running host's */
  guint kernel_major;        /* 0: the running kernel's (for minKernel) */
  guint kernel_minor;
  GStrv caps;                /* capabilities the sandbox keeps; NULL: none (--cap-drop ALL) */
  gboolean allow_unknown;    /* skip unknown names even where that loosens the filter */
  gboolean want_pfc;
  gboolean linear;           /* bench/ only: libseccomp's linear program, no binary tree */
} AttestCompileOptions;

typedef struct
{
  char *arch;                /* SCMP_ARCH_* */
  int max_nr;                /* highest syscall number the policy names; -1: none */
  gboolean stub;             /* an ENOSYS stub section was emitted */
  int socketcall_nr;         /* >= 0: the multiplexer is denied on this arch */
  int ipc_nr;
  GPtrArray *skipped;        /* names that do not exist on this arch */
} AttestFilterArch;

typedef struct
{
  GBytes *bpf;               /* struct sock_filter[], ready for bwrap --seccomp */
  char *bpf_sha256;
  guint n_insns;
  guint n_stub_insns;
  char *pfc;                 /* libseccomp's PFC text, when asked for */
  char *policy_source;
  char *policy_sha256;
  char *default_action;
  char *badarch_action;
  char *libseccomp_version;
  char *kernel;              /* "6.18" as used for minKernel */
  GPtrArray *arches;         /* AttestFilterArch, native first */
  GPtrArray *unknown;        /* names libseccomp does not know, skipped */
  GPtrArray *dropped;        /* "syscalls[3]: why" */
  GPtrArray *notes;          /* anything a reader should know */
  guint n_rules_added;
} AttestFilter;

AttestFilter *attest_compile (const AttestPolicy *policy, const AttestCompileOptions *options,
                              GError **error);
void attest_filter_free (AttestFilter *filter);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttestFilter, attest_filter_free)

JsonNode *attest_filter_manifest (const AttestFilter *filter);

G_END_DECLS
