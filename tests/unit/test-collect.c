/* bwrap's json-status stream: the three cases bwrap's documentation and
 * research/bwrap.md §1.1 describe, plus hostile input. */
#include <string.h>

#include "collect.h"

static AttestStatus *
status_of (const char *text)
{
  g_autoptr(GBytes) b = g_bytes_new (text, strlen (text));
  return attest_collect_status (b);
}

static void
test_setup_failure_writes_nothing (void)
{
  g_autoptr(AttestStatus) s = status_of ("");

  g_assert_false (s->has_child_pid);
  g_assert_false (s->has_exit_code);
  g_assert_null (s->problem);
}

static void
test_exec_failure_has_no_exit_code (void)
{
  g_autoptr(AttestStatus) s = status_of ("{ \"child-pid\": 42, \"net-namespace\": 4026532300, \"new-member\": [1] }\n");

  g_assert_true (s->has_child_pid);
  g_assert_cmpint (s->child_pid, ==, 42);
  g_assert_false (s->has_exit_code);
  g_assert_cmpint (*(gint64 *) g_hash_table_lookup (s->namespaces, "net"), ==, 4026532300);
}

static void
test_normal_run (void)
{
  g_autoptr(AttestStatus) s = status_of ("{ \"child-pid\": 7, \"pid-namespace\": 1, \"mnt-namespace\": 2 }\n"
                                         "{ \"exit-code\": 137 }\n");

  g_assert_true (s->has_exit_code);
  g_assert_cmpint (s->exit_code, ==, 137);
  g_assert_cmpuint (g_hash_table_size (s->namespaces), ==, 2);
}

static void
test_garbage_is_a_problem_not_a_crash (void)
{
  g_autoptr(AttestStatus) s = status_of ("{ \"child-pid\": -1 }\n\xff\xfe not json\n{\"exit-code\": 1.5}\n");

  g_assert_false (s->has_child_pid);  /* negative: refused */
  g_assert_false (s->has_exit_code);  /* fractional: refused */
  g_assert_nonnull (s->problem);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/collect/status/setup-failure-writes-nothing", test_setup_failure_writes_nothing);
  g_test_add_func ("/collect/status/exec-failure-has-no-exit-code", test_exec_failure_has_no_exit_code);
  g_test_add_func ("/collect/status/normal-run", test_normal_run);
  g_test_add_func ("/collect/status/garbage-is-a-problem", test_garbage_is_a_problem_not_a_crash);
  return g_test_run ();
}
