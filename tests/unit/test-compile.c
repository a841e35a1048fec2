/* The compiler's decisions, read from its output without loading it
 * (tests/bpf loads the programs and checks real syscalls). */
#include <linux/filter.h>
#include <string.h>

#include "compile.h"
#include "error.h"

static AttestFilter *
compile_text (const char *text, const AttestCompileOptions *options, GError **error)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));
  g_autoptr(AttestPolicy) policy = attest_policy_load_bytes (bytes, "inline.json", error);
  AttestCompileOptions defaults = { 0 };

  if (policy == NULL)
    return NULL;
  return attest_compile (policy, options != NULL ? options : &defaults, error);
}

static AttestFilter *
compile_file (const char *path, const AttestCompileOptions *options, GError **error)
{
  g_autoptr(AttestPolicy) policy = attest_policy_load_file (path, error);
  AttestCompileOptions defaults = { 0 };

  if (policy == NULL)
    return NULL;
  return attest_compile (policy, options != NULL ? options : &defaults, error);
}

static gboolean
contains (GPtrArray *strings, const char *needle)
{
  for (guint i = 0; i < strings->len; i++)
    if (strstr (g_ptr_array_index (strings, i), needle) != NULL)
      return TRUE;
  return FALSE;
}

static AttestFilterArch *
arch_named (AttestFilter *filter, const char *name)
{
  for (guint i = 0; i < filter->arches->len; i++)
    {
      AttestFilterArch *arch = g_ptr_array_index (filter->arches, i);
      if (strcmp (arch->arch, name) == 0)
        return arch;
    }
  return NULL;
}

static char *
testdata (const char *name)
{
  return g_build_filename (g_getenv ("ATTEST_SRCDIR"), "..", "shared", "testdata", "seccomp", name, NULL);
}

static void
test_moby_accepted_with_skips (void)
{
  g_autofree char *path = testdata ("moby-default.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(AttestFilter) filter = NULL;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("shared/testdata is not beside the checkout");
      return;
    }
  filter = compile_file (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (filter->n_insns, <=, BPF_MAXINSNS);
  g_assert_true (contains (filter->unknown, "mseal"));
  g_assert_nonnull (arch_named (filter, "SCMP_ARCH_X86"));
  g_assert_nonnull (arch_named (filter, "SCMP_ARCH_X32"));
  /* socket() has argument rules and i386 multiplexes: socketcall is closed. */
  g_assert_cmpint (arch_named (filter, "SCMP_ARCH_X86")->socketcall_nr, ==, 102);
  g_assert_true (contains (arch_named (filter, "SCMP_ARCH_X86_64")->skipped, "socketcall"));
  g_assert_true (contains (filter->dropped, "includes.caps: the sandbox does not keep CAP_SYS_ADMIN"));
}

static void
test_deterministic (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("ATTEST_SRCDIR"), "seccomp", "deny-by-default.json", NULL);
  g_autoptr(AttestFilter) a = compile_file (path, NULL, NULL);
  g_autoptr(AttestFilter) b = compile_file (path, NULL, NULL);

  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_true (g_bytes_equal (a->bpf, b->bpf));
  g_assert_cmpstr (a->bpf_sha256, ==, b->bpf_sha256);
}

static void
test_unknown_skipped_when_stricter (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AttestFilter) f = compile_text ("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": ["
                                            "{\"names\": [\"getpid\", \"no_such_syscall\"], \"action\": \"SCMP_ACT_ALLOW\"}]}",
                                            NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (f->unknown->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (f->unknown, 0), ==, "no_such_syscall");
}

static void
test_unknown_refused_when_looser (void)
{
  const char *text = "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
                     "{\"names\": [\"getpid\", \"no_such_syscall\"], \"action\": \"SCMP_ACT_ERRNO\"}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(AttestFilter) f = compile_text (text, NULL, &error);
  AttestCompileOptions allow = { .allow_unknown = TRUE };
  g_autoptr(AttestFilter) g = NULL;

  g_assert_null (f);
  g_assert_error (error, ATTEST_ERROR, ATTEST_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "inline.json: syscalls[0].names[1]: unknown syscall \"no_such_syscall\""));
  g = compile_text (text, &allow, NULL);
  g_assert_nonnull (g);
  g_assert_cmpuint (g->unknown->len, ==, 1);
}

static void
test_rule_equal_to_default_counts_for_stub (void)
{
  /* getpid (39) allowed, futex_requeue (456) denied like the default:
   * dropped as a rule, still the highest number for the stub. */
  g_autoptr(AttestFilter) f = compile_text ("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": ["
                                            "{\"names\": [\"getpid\"], \"action\": \"SCMP_ACT_ALLOW\"},"
                                            "{\"names\": [\"futex_requeue\"], \"action\": \"SCMP_ACT_ERRNO\"}]}",
                                            NULL, NULL);

  g_assert_nonnull (f);
  g_assert_true (contains (f->dropped, "syscalls[1]: the action equals the default action"));
  g_assert_cmpint (arch_named (f, "SCMP_ARCH_X86_64")->max_nr, ==, 456);
  g_assert_true (arch_named (f, "SCMP_ARCH_X86_64")->stub);
}

static void
test_no_stub_for_allow_default (void)
{
  g_autoptr(AttestFilter) f = compile_text ("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
                                            "{\"names\": [\"ptrace\"], \"action\": \"SCMP_ACT_ERRNO\"}]}",
                                            NULL, NULL);

  g_assert_nonnull (f);
  g_assert_cmpuint (f->n_stub_insns, ==, 0);
}

static void
test_min_kernel_against_kernel (void)
{
  const char *text = "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": ["
                     "{\"names\": [\"getpid\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"minKernel\": \"5.4\"}},"
                     "{\"names\": [\"getppid\"], \"action\": \"SCMP_ACT_ALLOW\", \"excludes\": {\"minKernel\": \"5.4\"}}]}";
  AttestCompileOptions old = { .kernel_major = 4, .kernel_minor = 19 };
  AttestCompileOptions recent = { .kernel_major = 5, .kernel_minor = 4 };
  g_autoptr(AttestFilter) a = compile_text (text, &old, NULL);
  g_autoptr(AttestFilter) b = compile_text (text, &recent, NULL);

  g_assert_true (contains (a->dropped, "syscalls[0]: includes.minKernel: kernel 4.19 is older than 5.4"));
  g_assert_false (contains (a->dropped, "syscalls[1]"));
  g_assert_true (contains (b->dropped, "syscalls[1]: excludes.minKernel: kernel 5.4 is at least 5.4"));
  g_assert_false (contains (b->dropped, "syscalls[0]"));
}

static void
test_caps_conditions (void)
{
  const char *text = "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": ["
                     "{\"names\": [\"getpid\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"caps\": [\"CAP_SYS_ADMIN\"]}},"
                     "{\"names\": [\"getppid\"], \"action\": \"SCMP_ACT_ALLOW\", \"excludes\": {\"caps\": [\"CAP_SYS_ADMIN\"]}}]}";
  char *admin[] = { (char *) "CAP_SYS_ADMIN", NULL };
  AttestCompileOptions with_admin = { .caps = admin };
  g_autoptr(AttestFilter) none = compile_text (text, NULL, NULL);
  g_autoptr(AttestFilter) some = compile_text (text, &with_admin, NULL);

  g_assert_true (contains (none->dropped, "syscalls[0]: includes.caps"));
  g_assert_false (contains (none->dropped, "syscalls[1]"));
  g_assert_true (contains (some->dropped, "syscalls[1]: excludes.caps: the sandbox keeps CAP_SYS_ADMIN"));
}

static void
test_conflicting_rules_noted (void)
{
  g_autoptr(AttestFilter) f = compile_text ("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": ["
                                            "{\"names\": [\"getpid\"], \"action\": \"SCMP_ACT_ALLOW\"},"
                                            "{\"names\": [\"getpid\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 38}]}",
                                            NULL, NULL);

  g_assert_nonnull (f);
  g_assert_true (contains (f->notes, "syscalls[1]: getpid repeats an earlier rule with another action"));
}

static void
test_flags_noted (void)
{
  g_autoptr(AttestFilter) f = compile_text ("{\"defaultAction\": \"SCMP_ACT_ERRNO\", "
                                            "\"flags\": [\"SECCOMP_FILTER_FLAG_TSYNC\", \"SECCOMP_FILTER_FLAG_LOG\"]}",
                                            NULL, NULL);

  g_assert_nonnull (f);
  g_assert_false (contains (f->notes, "TSYNC"));
  g_assert_true (contains (f->notes, "SECCOMP_FILTER_FLAG_LOG is not applied"));
}

static void
test_manifest_and_pfc (void)
{
  AttestCompileOptions pfc = { .want_pfc = TRUE };
  g_autoptr(AttestFilter) f = compile_text ("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": ["
                                            "{\"names\": [\"getpid\"], \"action\": \"SCMP_ACT_ALLOW\"}]}", &pfc, NULL);
  g_autoptr(JsonNode) manifest = attest_filter_manifest (f);
  JsonObject *o = json_node_get_object (manifest);

  g_assert_nonnull (strstr (f->pfc, "getpid"));
  g_assert_cmpstr (json_object_get_string_member (o, "bpf_sha256"), ==, f->bpf_sha256);
  g_assert_cmpint (json_object_get_int_member (o, "instructions"), ==, f->n_insns);
  g_assert_cmpstr (json_object_get_string_member (o, "badarch_action"), ==, "SCMP_ACT_KILL_PROCESS");
  g_assert_cmpuint (g_bytes_get_size (f->bpf), ==, f->n_insns * sizeof (struct sock_filter));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/compile/moby/accepted-with-skips-listed", test_moby_accepted_with_skips);
  g_test_add_func ("/compile/output/deterministic", test_deterministic);
  g_test_add_func ("/compile/unknown/skipped-when-stricter", test_unknown_skipped_when_stricter);
  g_test_add_func ("/compile/unknown/refused-when-looser", test_unknown_refused_when_looser);
  g_test_add_func ("/compile/rules/equal-to-default-counts-for-stub", test_rule_equal_to_default_counts_for_stub);
  g_test_add_func ("/compile/stub/absent-for-allow-default", test_no_stub_for_allow_default);
  g_test_add_func ("/compile/conditions/min-kernel", test_min_kernel_against_kernel);
  g_test_add_func ("/compile/conditions/caps", test_caps_conditions);
  g_test_add_func ("/compile/rules/conflict-noted", test_conflicting_rules_noted);
  g_test_add_func ("/compile/flags/noted", test_flags_noted);
  g_test_add_func ("/compile/manifest/records-output", test_manifest_and_pfc);
  return g_test_run ();
}
