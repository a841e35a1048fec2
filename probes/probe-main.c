/* probe-main.c: sandbox-probe, the in-sandbox attestation harness.
 *
 *   sandbox-probe --attest --run-date YYYY-MM-DD [--in DIR] [--out DIR]
 *   sandbox-probe --baseline --run-date YYYY-MM-DD [--in DIR] [--out DIR]
 *
 * Runs every probe of the table in probes.c in its own forked child, prints
 * TAP 14 on stdout for people and writes <out>/sandbox-attestation-inside.json
 * atomically. Exit 0 when the report was written (whatever the verdicts), 1
 * when it could not be, 2 on bad usage. The probe runs as a static binary in
 * an empty root: no library beyond static libc, no locale, no NSS. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "harness.h"
#include "probes.h"

#define ATTEST_PROBE_VERSION "0.1.0"
#define ATTEST_SCHEMA "sandbox-attest/inside/1"
#define ATTEST_REPORT_NAME "sandbox-attestation-inside.json"
#define ATTEST_RAW_CAP (256u << 10)

extern char **environ;

static void
usage_error (const char *msg)
{
  fprintf (stderr, "sandbox-probe: %s (usage: sandbox-probe --attest|--baseline --run-date YYYY-MM-DD [--in DIR] [--out DIR])\n", msg);
  exit (2);
}

static bool
valid_date (const char *s)
{
  if (strlen (s) != 10 || s[4] != '-' || s[7] != '-')
    return false;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
      return false;
  int month = (s[5] - '0') * 10 + (s[6] - '0');
  int day = (s[8] - '0') * 10 + (s[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

static void
parse_options (int argc, char **argv, AttestOptions *opts)
{
  bool have_mode = false;
  memset (opts, 0, sizeof *opts);
  opts->in_dir = "/in";
  opts->out_dir = "/out";
  opts->tmp_dir = "/tmp";
  for (int i = 1; i < argc; i++)
    {
      const char *a = argv[i];
      if (strcmp (a, "--attest") == 0 || strcmp (a, "--baseline") == 0)
        {
          if (have_mode)
            usage_error ("give exactly one of --attest and --baseline");
          have_mode = true;
          opts->mode = a[2] == 'a' ? ATTEST_MODE_ATTEST : ATTEST_MODE_BASELINE;
        }
      else if (strcmp (a, "--run-date") == 0 || strcmp (a, "--in") == 0 || strcmp (a, "--out") == 0)
        {
          if (i + 1 >= argc || argv[i + 1][0] == '\0')
            usage_error ("an option is missing its value");
          const char *v = argv[++i];
          if (a[2] == 'r')
            opts->run_date = v;
          else if (a[2] == 'i')
            opts->in_dir = v;
          else
            opts->out_dir = v;
        }
      else
        usage_error ("unknown argument");
    }
  if (!have_mode)
    usage_error ("--attest or --baseline is required");
  if (opts->run_date == NULL || !valid_date (opts->run_date))
    usage_error ("--run-date YYYY-MM-DD is required");
}

static void
make_nonce (AttestOptions *opts)
{
  unsigned char r[6] = { 0 };
  if (getrandom (r, sizeof r, GRND_NONBLOCK) != (ssize_t) sizeof r)
    {
      int64_t t = attest_now_us ();
      memcpy (r, &t, sizeof r);
    }
  snprintf (opts->nonce, sizeof opts->nonce, "%d-%02x%02x%02x%02x%02x%02x",
            (int) getpid (), r[0], r[1], r[2], r[3], r[4], r[5]);
}

/* ---- TAP ------------------------------------------------------------------ */

static void
tap_line (AttestBuf *b, const char *key, const char *value)
{
  attest_buf_printf (b, "  %s: ", key);
  attest_json_escape (b, value, strlen (value));   /* a JSON string is valid YAML */
  attest_buf_puts (b, "\n");
}

static void
tap_probe (int n, const AttestProbeRun *run)
{
  AttestBuf b;
  attest_buf_init (&b);
  const AttestProbeDef *d = run->def;
  bool ok = run->verdict == ATTEST_VERDICT_PASS || run->verdict == ATTEST_VERDICT_SKIP
            || run->verdict == ATTEST_VERDICT_INFO;
  attest_buf_printf (&b, "%s %d - %s %s", ok ? "ok" : "not ok", n, d->id, d->title);
  if (run->verdict == ATTEST_VERDICT_SKIP)
    attest_buf_printf (&b, " # SKIP %s", run->reason);
  else if (run->verdict == ATTEST_VERDICT_WARN)
    attest_buf_puts (&b, " # TODO WARN (SHOULD-level)");
  attest_buf_puts (&b, "\n");
  if (run->verdict != ATTEST_VERDICT_PASS)
    {
      attest_buf_puts (&b, "  ---\n");
      tap_line (&b, "verdict", attest_verdict_name (run->verdict));
      if (run->reason[0] != '\0')
        tap_line (&b, "reason", run->reason);
      if (run->decisive >= 0)
        {
          const AttestAttempt *a = &run->attempts[run->decisive];
          tap_line (&b, "method", a->method);
          tap_line (&b, "observed", a->outcome);
          if (a->detail[0] != '\0')
            tap_line (&b, "detail", a->detail);
        }
      attest_buf_puts (&b, "  expected: [");
      for (size_t i = 0; d->expected != NULL && d->expected[i] != NULL; i++)
        attest_buf_printf (&b, "%s%s", i ? ", " : "", d->expected[i]);
      attest_buf_puts (&b, "]\n  ...\n");
    }
  attest_write_all (STDOUT_FILENO, b.data, b.len);
  attest_buf_free (&b);
}

/* ---- the report ---------------------------------------------------------- */

static void
write_raw_file (AttestJson *j, const char *key, const char *path)
{
  AttestBuf b;
  attest_buf_init (&b);
  attest_json_key (j, key);
  if (attest_read_file (path, ATTEST_RAW_CAP, &b) < 0)
    attest_json_null (j);
  else
    attest_json_string_len (j, b.data ? b.data : "", b.len);
  attest_buf_free (&b);
}

static void
write_probe (AttestJson *j, const AttestProbeRun *run, AttestMode mode)
{
  const AttestProbeDef *d = run->def;
  attest_json_begin_object (j);
  attest_json_kv_string (j, "id", d->id);
  attest_json_kv_string (j, "title", d->title);
  attest_json_kv_bool (j, "required", d->required);
  attest_json_kv_string (j, "group", d->group);
  attest_json_kv_string (j, "level", attest_level_name (d->level));
  attest_json_key (j, "expected");
  attest_json_begin_array (j);
  for (size_t i = 0; d->expected != NULL && d->expected[i] != NULL; i++)
    attest_json_string (j, d->expected[i]);
  attest_json_end_array (j);
  attest_json_key (j, "observed");
  if (run->decisive >= 0)
    attest_attempt_to_json (j, &run->attempts[run->decisive], false);
  else
    attest_json_null (j);
  attest_json_key (j, "attempts");
  attest_json_begin_array (j);
  for (size_t i = 0; i < run->n_attempts; i++)
    attest_attempt_to_json (j, &run->attempts[i], true);
  attest_json_end_array (j);
  attest_json_kv_string (j, "verdict", attest_verdict_name (run->verdict));
  char reason[ATTEST_DETAIL_MAX + ATTEST_METHOD_MAX + 64];
  if (run->reason[0] != '\0')
    snprintf (reason, sizeof reason, "%s", run->reason);
  else if (run->verdict == ATTEST_VERDICT_PASS)
    snprintf (reason, sizeof reason, "all %zu attempts gave an expected outcome", run->n_attempts);
  else if (run->verdict == ATTEST_VERDICT_INFO)
    snprintf (reason, sizeof reason, "informational probe");
  else if (run->decisive >= 0)
    snprintf (reason, sizeof reason, "%s gave %s, which is not expected",
              run->attempts[run->decisive].method, run->attempts[run->decisive].outcome);
  else
    snprintf (reason, sizeof reason, "no attempt was made");
  attest_json_kv_string (j, "reason", reason);
  attest_json_kv_string (j, "method", run->decisive >= 0 ? run->attempts[run->decisive].method : "");
  attest_json_kv_int (j, "duration_us", run->duration_us);
  if (mode == ATTEST_MODE_BASELINE)
    attest_json_kv_bool (j, "discriminating",
                         run->verdict == ATTEST_VERDICT_FAIL || run->verdict == ATTEST_VERDICT_WARN);
  attest_json_key (j, "facts");
  AttestBuf facts;
  attest_buf_init (&facts);
  attest_buf_puts (&facts, "{");
  if (run->facts.len > 0)
    attest_buf_append (&facts, run->facts.data, run->facts.len);
  attest_buf_puts (&facts, "}");
  attest_json_raw (j, facts.data, facts.len);
  attest_buf_free (&facts);
  attest_json_end_object (j);
}

static void
write_identity (AttestJson *j)
{
  attest_json_key (j, "identity");
  attest_json_begin_object (j);
  attest_json_kv_int (j, "uid", getuid ());
  attest_json_kv_int (j, "gid", getgid ());
  attest_json_kv_int (j, "euid", geteuid ());
  attest_json_kv_int (j, "egid", getegid ());
  attest_json_kv_int (j, "pid", getpid ());
  attest_json_kv_int (j, "ppid", getppid ());
  struct utsname u;
  if (uname (&u) == 0)
    {
      attest_json_kv_string (j, "hostname", u.nodename);
      attest_json_kv_string (j, "kernel_release", u.release);
      attest_json_kv_string (j, "machine", u.machine);
    }
  else
    attest_json_kv_string (j, "hostname", NULL);
  attest_json_end_object (j);
}

static void
write_raw (AttestJson *j)
{
  attest_json_key (j, "raw");
  attest_json_begin_object (j);
  write_raw_file (j, "mountinfo", "/proc/self/mountinfo");
  attest_json_key (j, "env_keyset");
  attest_json_begin_array (j);
  for (char **e = environ; e != NULL && *e != NULL; e++)
    {
      const char *eq = strchr (*e, '=');
      attest_json_string_len (j, *e, eq ? (size_t) (eq - *e) : strlen (*e));   /* never the value */
    }
  attest_json_end_array (j);
  write_raw_file (j, "proc_net_dev", "/proc/net/dev");
  write_raw_file (j, "status", "/proc/self/status");
  write_raw_file (j, "uid_map", "/proc/self/uid_map");
  write_raw_file (j, "gid_map", "/proc/self/gid_map");
  write_raw_file (j, "cgroup", "/proc/self/cgroup");
  attest_json_end_object (j);
}

/* Temp file in the same folder, fsync, rename, fsync the folder; the temp
 * file is removed on any failure. */
static bool
write_report_atomically (const AttestOptions *opts, const AttestBuf *report)
{
  char tmp[4096], final[4096];
  if ((size_t) snprintf (final, sizeof final, "%s/%s", opts->out_dir, ATTEST_REPORT_NAME) >= sizeof final
      || (size_t) snprintf (tmp, sizeof tmp, "%s/.%s.%s.tmp", opts->out_dir, ATTEST_REPORT_NAME, opts->nonce) >= sizeof tmp)
    {
      fprintf (stderr, "sandbox-probe: output path too long\n");
      return false;
    }
  int fd = open (tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0)
    {
      fprintf (stderr, "sandbox-probe: cannot create %s: %s\n", tmp, strerror (errno));
      return false;
    }
  bool ok = attest_write_all (fd, report->data, report->len) && fsync (fd) == 0;
  int e = errno;
  if (close (fd) != 0 && ok)
    {
      ok = false;
      e = errno;
    }
  if (ok && rename (tmp, final) != 0)
    {
      ok = false;
      e = errno;
    }
  if (!ok)
    {
      unlink (tmp);
      fprintf (stderr, "sandbox-probe: cannot write %s: %s\n", final, strerror (e));
      return false;
    }
  int dfd = open (opts->out_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0)
    {
      fsync (dfd);
      close (dfd);
    }
  return true;
}

int
main (int argc, char **argv)
{
  /* Internal: the exec probes run a copy of this binary with this argument;
   * it must do nothing at all. */
  if (argc >= 2 && strcmp (argv[1], ATTEST_EXEC_NOOP_ARG) == 0)
    _exit (0);

  /* Before anything opens a file: which descriptors did we inherit? */
  attest_capture_entry_state ();

  AttestOptions opts;
  parse_options (argc, argv, &opts);
  make_nonce (&opts);
  int64_t start = attest_now_us ();

  /* A probe child killed by SIGSYS or SIGSEGV must not dump core (as root a
   * host core_pattern helper would run). The limits as inherited were saved
   * by attest_capture_entry_state() for PR-RLIMIT-1. */
  struct rlimit no_core = { 0, 0 };
  setrlimit (RLIMIT_CORE, &no_core);

  if (!attest_harness_init ())
    {
      fprintf (stderr, "sandbox-probe: cannot set up signal handling: %s\n", strerror (errno));
      return 1;
    }

  size_t n_probes = 0;
  const AttestProbeDef *probes = attest_probe_table (&n_probes);
  AttestProbeRun *runs = calloc (n_probes, sizeof *runs);
  if (runs == NULL)
    {
      fprintf (stderr, "sandbox-probe: out of memory\n");
      return 1;
    }

  AttestBuf tap;
  attest_buf_init (&tap);
  attest_buf_printf (&tap, "TAP version 14\n# sandbox-probe %s, mode %s, run date %s\n1..%zu\n",
                     ATTEST_PROBE_VERSION, opts.mode == ATTEST_MODE_ATTEST ? "attest" : "baseline",
                     opts.run_date, n_probes);
  attest_write_all (STDOUT_FILENO, tap.data, tap.len);
  attest_buf_free (&tap);

  int64_t counts[ATTEST_VERDICT_COUNT] = { 0 };
  for (size_t i = 0; i < n_probes; i++)
    {
      attest_run_probe (&probes[i], &opts, &runs[i]);
      counts[runs[i].verdict]++;
      tap_probe ((int) i + 1, &runs[i]);
    }

  AttestBuf report;
  attest_buf_init (&report);
  AttestJson j;
  attest_json_init (&j, &report, true);
  attest_json_begin_object (&j);
  attest_json_kv_string (&j, "schema", ATTEST_SCHEMA);
  attest_json_kv_string (&j, "tool", "sandbox-probe");
  attest_json_kv_string (&j, "version", ATTEST_PROBE_VERSION);
  attest_json_kv_string (&j, "mode", opts.mode == ATTEST_MODE_ATTEST ? "attest" : "baseline");
  attest_json_kv_string (&j, "run_date", opts.run_date);
  attest_json_kv_int (&j, "duration_us", attest_now_us () - start);
  write_identity (&j);
  attest_json_key (&j, "probes");
  attest_json_begin_array (&j);
  for (size_t i = 0; i < n_probes; i++)
    write_probe (&j, &runs[i], opts.mode);
  attest_json_end_array (&j);
  write_raw (&j);
  attest_json_key (&j, "summary");
  attest_json_begin_object (&j);
  for (int v = ATTEST_VERDICT_PASS; v < ATTEST_VERDICT_COUNT; v++)
    attest_json_kv_int (&j, attest_verdict_name ((AttestVerdict) v), counts[v]);
  attest_json_end_object (&j);
  attest_json_end_object (&j);
  attest_buf_puts (&report, "\n");

  AttestBuf tail;
  attest_buf_init (&tail);
  attest_buf_printf (&tail, "# PASS %lld, FAIL %lld, WARN %lld, SKIP %lld, ERROR %lld, INFO %lld\n",
                     (long long) counts[ATTEST_VERDICT_PASS], (long long) counts[ATTEST_VERDICT_FAIL],
                     (long long) counts[ATTEST_VERDICT_WARN], (long long) counts[ATTEST_VERDICT_SKIP],
                     (long long) counts[ATTEST_VERDICT_ERROR], (long long) counts[ATTEST_VERDICT_INFO]);
  attest_write_all (STDOUT_FILENO, tail.data, tail.len);
  attest_buf_free (&tail);

  if (attest_buf_failed (&report))
    {
      fprintf (stderr, "sandbox-probe: out of memory while encoding the report\n");
      return 1;
    }
  if (!write_report_atomically (&opts, &report))
    return 1;
  return 0;
}
