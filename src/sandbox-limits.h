/* Resource limits of the sandbox: docker's --pids-limit, --memory,
 * --memory-swap and --cpus, which bwrap has no option for
 * (containers/bubblewrap#233).
 *
 * The strongest mechanism the host offers wins, per limit: a cgroup we
 * can write (v2 preferred, then v1), a systemd user scope (detected
 * only), then rlimits set in the launcher's child after it entered the
 * staging user namespace (RLIMIT_NPROC is counted per user namespace
 * since Linux 5.14, so it counts only the sandbox's processes), and
 * nothing for CPU.  Every result says what enforced it and whether that
 * is as strong as Docker's, because the bundle must not claim a limit
 * that only an rlimit approximates.  See DESIGN.md, research/perf.md §3.
 *
 * Lifecycle, driven by the launcher:
 *   setup (parent) -> fork -> attach (parent, child waits on a pipe)
 *   -> child: unshare(CLONE_NEWUSER) -> apply_in_child -> exec bwrap
 *   -> ... -> to_json (evidence) -> teardown -> free
 *
 * Rootless, the sandbox runs as the caller's uid, and in a delegated
 * cgroup the limit files (pids.max, memory.limit_in_bytes, ...) are the
 * caller's too: the sandbox must never reach a writable cgroupfs, or it
 * can raise its own limits.  bwrap gives it none unless told to.
 *
 * Not named limits.h: GCC's own <limits.h> reaches any limits.h on the
 * search path through #include_next, -iquote directories included.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>
#include <sys/types.h>

G_BEGIN_DECLS

typedef enum
{
  ATTEST_LIMIT_PIDS,
  ATTEST_LIMIT_MEMORY,
  ATTEST_LIMIT_SWAP,
  ATTEST_LIMIT_CPU,
  ATTEST_N_LIMITS
} AttestLimitKind;

typedef enum
{
  ATTEST_ENFORCER_NONE,          /* nothing enforces it */
  ATTEST_ENFORCER_CGROUP_V2,
  ATTEST_ENFORCER_CGROUP_V1,
  ATTEST_ENFORCER_SYSTEMD_SCOPE,
  ATTEST_ENFORCER_RLIMIT,        /* RLIMIT_NPROC / RLIMIT_AS: a weaker fallback */
  ATTEST_ENFORCER_HOST_NO_SWAP,  /* swap: the host has no swap at all (only valid for SWAP, and only if no cgroup can set it) */
} AttestEnforcer;

/* A zero pids_max, memory_bytes or cpu_quota_us means "not requested";
 * swap_bytes is the swap allowed on top of memory (docker's
 * --memory-swap minus --memory), so 0 means "no swap". */
typedef struct
{
  guint pids_max;                /* 64 */
  guint64 memory_bytes;          /* 256 MiB */
  guint64 swap_bytes;            /* 0 (docker --memory-swap 256m == memory) */
  guint64 cpu_quota_us, cpu_period_us;  /* 100000 / 100000 == 1 CPU */
} AttestLimitsWanted;

/* docker run --pids-limit 64 --memory 256m --memory-swap 256m --cpus 1 */
#define ATTEST_LIMITS_WANTED_DOCKER { 64, G_GUINT64_CONSTANT (256) << 20, 0, 100000, 100000 }

typedef struct
{
  AttestLimitKind kind;
  const char *name;              /* "pids", "memory", "swap", "cpu" */
  guint64 wanted;                /* value asked for (cpu: quota in µs per period) */
  AttestEnforcer enforcer;
  gboolean equivalent;           /* TRUE when the enforcer is as strong as Docker's (a cgroup or scope) */
  char *detail;                  /* e.g. "/sys/fs/cgroup/pids/…/pids.max=64" or "RLIMIT_NPROC=64 in the staging user namespace" or why nothing */
} AttestLimitResult;

typedef struct _AttestLimits AttestLimits;

/* "cgroup-v2", "cgroup-v1", "systemd-scope", "rlimit", "host-no-swap", "none" */
const char *attest_enforcer_name (AttestEnforcer e);

/* Plans and prepares: creates uniquely named cgroups (safe with 20 runs
 * in parallel from one account), writes the values and reads them back;
 * decides fallbacks.  Does not fail because a mechanism is missing (that
 * is recorded); fails (GError) only on unexpected errors, cleaning up
 * what it created. */
AttestLimits *attest_limits_setup (const AttestLimitsWanted *wanted, GError **error);

/* Parent side, before the child proceeds: moves @pid into every cgroup
 * created. */
gboolean attest_limits_attach (AttestLimits *limits, pid_t pid, GError **error);

/* Child side, after unshare(CLONE_NEWUSER): async-signal-safe (only
 * setrlimit calls on values prepared by setup); returns 0 or -errno. */
int attest_limits_apply_in_child (const AttestLimits *limits);

/* Kills every process still in the cgroups (SIGKILL), waits (at most
 * 2 s) until they are empty, removes them.  Safe to call twice and on a
 * half-set-up object. */
gboolean attest_limits_teardown (AttestLimits *limits, GError **error);

const AttestLimitResult *attest_limits_result (const AttestLimits *limits, AttestLimitKind kind);

/* The cgroup directory that enforces @kind, NULL when none does (or
 * after teardown).  For tests and diagnostics. */
const char *attest_limits_cgroup_dir (const AttestLimits *limits, AttestLimitKind kind);

/* Array of {limit, wanted, enforcer, equivalent, detail, observed?}.
 * "observed" holds what a cgroup counted, for the evidence bundle: pids
 * peak and "max" events, memory peak, failcnt and OOM kills, throttling.
 * Read live while the cgroups exist; teardown keeps a last snapshot. */
JsonNode *attest_limits_to_json (const AttestLimits *limits);

void attest_limits_free (AttestLimits *limits);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttestLimits, attest_limits_free)

G_END_DECLS
