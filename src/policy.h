/* Stage 1, policy: a Docker/OCI seccomp JSON file read strictly into a
 * typed model.  Pure: no libseccomp state, no filesystem beyond the bytes
 * it is handed.  Every error names the file and the JSON location.
 */
#pragma once

#include <glib.h>
#include <seccomp.h>

G_BEGIN_DECLS

typedef enum
{
  ATTEST_ACTION_KILL_PROCESS,
  ATTEST_ACTION_KILL_THREAD,
  ATTEST_ACTION_TRAP,
  ATTEST_ACTION_ERRNO,
  ATTEST_ACTION_TRACE,
  ATTEST_ACTION_LOG,
  ATTEST_ACTION_ALLOW,
} AttestActionKind;

typedef struct
{
  AttestActionKind kind;
  gboolean has_errno_ret;
  guint errno_ret;           /* ERRNO and TRACE only; default EPERM for ERRNO */
} AttestAction;

typedef struct
{
  guint index;               /* 0..5 */
  guint64 value;
  guint64 value_two;
  enum scmp_compare op;
} AttestPolicyArg;

/* includes/excludes: Docker resolves these in the daemon. */
typedef struct
{
  GStrv caps;                /* CAP_* names */
  GStrv arches;              /* Go-style names: amd64, x86, arm64 ... */
  gboolean has_min_kernel;
  guint min_kernel_major;
  guint min_kernel_minor;
} AttestPolicyCondition;

typedef struct
{
  char *location;            /* "syscalls[3]" */
  GStrv names;
  AttestAction action;
  GArray *args;              /* AttestPolicyArg */
  char *comment;
  AttestPolicyCondition includes;
  AttestPolicyCondition excludes;
} AttestPolicyRule;

typedef struct
{
  char *architecture;        /* SCMP_ARCH_* */
  GStrv sub_architectures;
} AttestPolicyArchMap;

typedef struct
{
  char *source;              /* the path, for messages and the manifest */
  char *sha256;              /* of the file's bytes */
  AttestAction default_action;
  GStrv architectures;       /* SCMP_ARCH_* names, NULL when absent */
  GPtrArray *arch_map;       /* AttestPolicyArchMap, NULL when absent */
  GStrv flags;               /* SECCOMP_FILTER_FLAG_* */
  GPtrArray *rules;          /* AttestPolicyRule */
} AttestPolicy;

AttestPolicy *attest_policy_load_bytes (GBytes *bytes, const char *source, GError **error);
AttestPolicy *attest_policy_load_file (const char *path, GError **error);
void attest_policy_free (AttestPolicy *policy);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttestPolicy, attest_policy_free)

/* "SCMP_ACT_ERRNO(1)" style names for manifests and messages. */
char *attest_action_to_string (const AttestAction *action);
uint32_t attest_action_to_scmp (const AttestAction *action);
gboolean attest_action_equal (const AttestAction *a, const AttestAction *b);
/* TRUE for ALLOW and LOG: the actions that let a syscall run. */
gboolean attest_action_permits (const AttestAction *action);

/* SCMP_ARCH_X86_64 -> libseccomp token, 0 when unknown. */
uint32_t attest_arch_from_name (const char *name);
const char *attest_arch_to_name (uint32_t token);
/* libseccomp/Go-style name used by includes.arches: amd64, x86, arm64 ... */
const char *attest_arch_to_go_name (uint32_t token);

#define ATTEST_POLICY_MAX_BYTES (4u * 1024u * 1024u)
#define ATTEST_POLICY_MAX_RULES 4096u

G_END_DECLS
