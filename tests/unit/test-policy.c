/* One fixture per defect: each must be refused with the right error code
 * and a message naming the file and the JSON location. */
#include <string.h>

#include "error.h"
#include "policy.h"

typedef struct
{
  const char *file;
  AttestError code;
  const char *where;         /* must appear in the message */
} InvalidCase;

static const InvalidCase invalid_cases[] = {
  { "invalid-malformed.json", ATTEST_ERROR_JSON, "syscalls[0] (line 1" },
  { "invalid-truncated.json", ATTEST_ERROR_JSON, "syscalls[0].action (line 1, column 91): unterminated string" },
  { "invalid-wrong-type.json", ATTEST_ERROR_POLICY_INVALID, "syscalls[0].names: expected an array, found a string" },
  { "invalid-negative.json", ATTEST_ERROR_POLICY_INVALID, "syscalls[0].args[0].value: negative number -1" },
  { "invalid-overflow.json", ATTEST_ERROR_POLICY_INVALID, "syscalls[0].args[0].value: 18446744073709551616 overflows" },
  { "invalid-fraction.json", ATTEST_ERROR_POLICY_INVALID, "syscalls[0].args[0].index: 1.0 is not an integer" },
  { "invalid-index-range.json", ATTEST_ERROR_POLICY_INVALID, "syscalls[0].args[0].index: 6 is out of range" },
  { "invalid-duplicate-key.json", ATTEST_ERROR_JSON, "syscalls[0].action (line 1, column 111): duplicate key" },
  { "invalid-unknown-key.json", ATTEST_ERROR_POLICY_INVALID, "syscalls[0].reason: unknown key" },
  { "invalid-case-variant-key.json", ATTEST_ERROR_POLICY_INVALID, "DefaultAction: unknown key (the key is spelt \"defaultAction\")" },
  { "invalid-unknown-action.json", ATTEST_ERROR_POLICY_INVALID, "syscalls[0].action: unknown action \"SCMP_ACT_PERMIT\"" },
  { "invalid-unknown-arch.json", ATTEST_ERROR_POLICY_INVALID, "architectures[1]: unknown architecture \"SCMP_ARCH_VAX\"" },
  { "invalid-unknown-op.json", ATTEST_ERROR_POLICY_INVALID, "syscalls[0].args[0].op: unknown operator" },
  { "invalid-notify.json", ATTEST_ERROR_POLICY_INVALID, "syscalls[0].action: SCMP_ACT_NOTIFY is not supported" },
  { "invalid-listener-path.json", ATTEST_ERROR_POLICY_INVALID, "listenerPath: seccomp notification listeners" },
  { "invalid-errnoret-on-allow.json", ATTEST_ERROR_POLICY_INVALID, "syscalls[0].errnoRet: only SCMP_ACT_ERRNO" },
  { "invalid-errnoret-range.json", ATTEST_ERROR_POLICY_INVALID, "defaultErrnoRet: 70000 is out of range" },
  { "invalid-name-and-names.json", ATTEST_ERROR_POLICY_INVALID, "syscalls[0]: has both \"name\" and \"names\"" },
  { "invalid-empty-names.json", ATTEST_ERROR_POLICY_INVALID, "syscalls[0].names: must name at least one syscall" },
  { "invalid-missing-action.json", ATTEST_ERROR_POLICY_INVALID, "syscalls[0].action: required key is missing" },
  { "invalid-missing-default.json", ATTEST_ERROR_POLICY_INVALID, "defaultAction: required key is missing" },
  { "invalid-arches-and-archmap.json", ATTEST_ERROR_POLICY_INVALID, "archMap: \"architectures\" and \"archMap\" are mutually exclusive" },
  { "invalid-masked-dead.json", ATTEST_ERROR_POLICY_INVALID, "syscalls[0].args[0].valueTwo: 0xfffffffb has bits outside the mask" },
  { "invalid-min-kernel.json", ATTEST_ERROR_POLICY_INVALID, "syscalls[0].includes.minKernel: \"0.0\" is not a kernel version" },
  { "invalid-unknown-flag.json", ATTEST_ERROR_POLICY_INVALID, "flags[0]: unknown flag" },
  { "invalid-containers-extension.json", ATTEST_ERROR_POLICY_INVALID, "defaultErrno: unknown key (a containers/common extension" },
  { "invalid-top-level-array.json", ATTEST_ERROR_POLICY_INVALID, "top level: expected an object, found an array" },
  { "invalid-not-utf8.json", ATTEST_ERROR_JSON, "not valid UTF-8" },
  { "invalid-empty.json", ATTEST_ERROR_JSON, "empty file" },
};

static void
test_invalid (gconstpointer data)
{
  const InvalidCase *c = data;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "policies", c->file, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AttestPolicy) policy = attest_policy_load_file (path, &error);

  g_assert_null (policy);
  g_assert_error (error, ATTEST_ERROR, (gint) c->code);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, path));
  g_assert_nonnull (strstr (error->message, c->where));
  g_assert_null (strchr (error->message, '\n'));
}

static AttestPolicy *
load_text (const char *text, GError **error)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));
  return attest_policy_load_bytes (bytes, "inline.json", error);
}

static void
test_reads_every_field (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AttestPolicy) p = load_text (
    "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38,"
    " \"archMap\": [{\"architecture\": \"SCMP_ARCH_X86_64\", \"subArchitectures\": [\"SCMP_ARCH_X86\"]},"
    "               {\"architecture\": \"SCMP_ARCH_RISCV64\", \"subArchitectures\": null}],"
    " \"flags\": [\"SECCOMP_FILTER_FLAG_TSYNC\"],"
    " \"syscalls\": [{\"name\": \"lseek\", \"action\": \"SCMP_ACT_TRACE\", \"errnoRet\": 5,"
    "   \"args\": [{\"index\": 2, \"value\": 18446744073709551615, \"valueTwo\": 3, \"op\": \"SCMP_CMP_MASKED_EQ\"}],"
    "   \"comment\": \"why\", \"includes\": {\"caps\": [\"CAP_SYS_ADMIN\"], \"minKernel\": \"5.10\"},"
    "   \"excludes\": {\"arches\": [\"s390x\"]}}]}", &error);
  AttestPolicyRule *rule;
  AttestPolicyArg *arg;

  g_assert_no_error (error);
  g_assert_cmpint (p->default_action.kind, ==, ATTEST_ACTION_ERRNO);
  g_assert_cmpuint (p->default_action.errno_ret, ==, 38);
  g_assert_cmpuint (p->arch_map->len, ==, 2);
  rule = g_ptr_array_index (p->rules, 0);
  g_assert_cmpstr (rule->location, ==, "syscalls[0]");
  g_assert_cmpstr (rule->names[0], ==, "lseek");
  g_assert_cmpint (rule->action.kind, ==, ATTEST_ACTION_TRACE);
  g_assert_cmpuint (rule->action.errno_ret, ==, 5);
  arg = &g_array_index (rule->args, AttestPolicyArg, 0);
  g_assert_cmpuint (arg->index, ==, 2);
  g_assert_cmpuint (arg->value, ==, G_MAXUINT64);
  g_assert_cmpuint (arg->value_two, ==, 3);
  g_assert_cmpint (arg->op, ==, SCMP_CMP_MASKED_EQ);
  g_assert_cmpstr (rule->comment, ==, "why");
  g_assert_true (rule->includes.has_min_kernel);
  g_assert_cmpuint (rule->includes.min_kernel_major, ==, 5);
  g_assert_cmpuint (rule->includes.min_kernel_minor, ==, 10);
  g_assert_cmpstr (rule->excludes.arches[0], ==, "s390x");
  g_assert_cmpuint (strlen (p->sha256), ==, 64);
}

static void
test_errno_default_is_eperm (void)
{
  g_autoptr(AttestPolicy) p = load_text ("{\"defaultAction\": \"SCMP_ACT_ERRNO\"}", NULL);

  g_assert_nonnull (p);
  g_assert_cmpuint (p->default_action.errno_ret, ==, 1);
  g_assert_cmpuint (p->rules->len, ==, 0);
}

static void
test_kill_means_kill_thread (void)
{
  g_autoptr(AttestPolicy) p = load_text ("{\"defaultAction\": \"SCMP_ACT_KILL\"}", NULL);
  g_autofree char *name = NULL;

  g_assert_nonnull (p);
  g_assert_cmpint (p->default_action.kind, ==, ATTEST_ACTION_KILL_THREAD);
  name = attest_action_to_string (&p->default_action);
  g_assert_cmpstr (name, ==, "SCMP_ACT_KILL_THREAD");
}

static void
test_shipped_policy_loads (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("ATTEST_SRCDIR"), "seccomp", "deny-by-default.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AttestPolicy) p = attest_policy_load_file (path, &error);

  g_assert_no_error (error);
  /* Every rule of the shipped policy says why it is there. */
  for (guint i = 0; i < p->rules->len; i++)
    {
      AttestPolicyRule *rule = g_ptr_array_index (p->rules, i);
      g_assert_nonnull (rule->comment);
      g_assert_cmpuint (strlen (rule->comment), >, 10);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (invalid_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/policy/load/rejects/%s", invalid_cases[i].file);
      g_test_add_data_func (name, &invalid_cases[i], test_invalid);
    }
  g_test_add_func ("/policy/load/reads-every-field", test_reads_every_field);
  g_test_add_func ("/policy/load/errno-default-is-eperm", test_errno_default_is_eperm);
  g_test_add_func ("/policy/load/kill-means-kill-thread", test_kill_means_kill_thread);
  g_test_add_func ("/policy/load/shipped-policy-gives-reasons", test_shipped_policy_loads);
  return g_test_run ();
}
