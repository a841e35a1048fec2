/* Compile time of a policy, in-process: load + compile + export, repeated.
 * Prints min/median/max in microseconds and the ratio of medians against
 * a baseline compiled in the same run (an empty deny-all policy), so a
 * noisy machine shows as a wide spread, not as a wrong ratio.
 * Usage: bench-compile POLICY.json [RUNS [JSON_LINES_FILE]]: the third
 * argument gets one JSON line appended (scripts/bench). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "compile.h"

static double
now_us (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static guint n_insns;

static double
one (GBytes *bytes)
{
  double t0 = now_us ();
  g_autoptr(AttestPolicy) policy = attest_policy_load_bytes (bytes, "bench", NULL);
  AttestCompileOptions options = { .allow_unknown = TRUE };
  g_autoptr(AttestFilter) filter = attest_compile (policy, &options, NULL);

  if (filter == NULL)
    {
      fprintf (stderr, "compile failed\n");
      exit (1);
    }
  n_insns = filter->n_insns;
  return now_us () - t0;
}

int
main (int argc, char **argv)
{
  const char *empty = "{\"defaultAction\": \"SCMP_ACT_ERRNO\"}";
  g_autoptr(GBytes) base = g_bytes_new_static (empty, strlen (empty));
  int runs = argc > 2 ? atoi (argv[2]) : 200;
  g_autofree double *t = NULL, *b = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *name = NULL;
  FILE *json;
  gsize len;
  char *data;

  if (argc < 2 || runs < 1 || !g_file_get_contents (argv[1], &data, &len, NULL))
    {
      fprintf (stderr, "usage: bench-compile POLICY.json [RUNS]\n");
      return 2;
    }
  bytes = g_bytes_new_take (data, len);
  name = g_path_get_basename (argv[1]);
  t = g_new (double, runs);
  b = g_new (double, runs);
  one (base);
  one (bytes);
  for (int i = 0; i < runs; i++)   /* interleaved A B A B */
    {
      t[i] = one (bytes);
      b[i] = one (base);
    }
  one (bytes);   /* leaves n_insns of this policy */
  qsort (t, runs, sizeof *t, cmp_double);
  qsort (b, runs, sizeof *b, cmp_double);
  printf ("| %s | %u | %d | %.0f | %.0f | %.0f | %.0f | %.1f |\n", name, n_insns, runs,
          t[0], t[runs / 2], t[runs - 1], b[runs / 2], t[runs / 2] / b[runs / 2]);
  if (argc > 3 && (json = fopen (argv[3], "ae")) != NULL)
    {
      fprintf (json, "{\"policy\": \"%s\", \"insns\": %u, \"runs\": %d, \"min_us\": %.1f, \"median_us\": %.1f, "
               "\"max_us\": %.1f, \"empty_policy_median_us\": %.1f}\n", name, n_insns, runs, t[0], t[runs / 2],
               t[runs - 1], b[runs / 2]);
      fclose (json);
    }
  return 0;
}
