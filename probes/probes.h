/* probes.h: the probe table and the run function of every probe.
 *
 * Each probe group lives in its own file (probe-<group>.c); probes.c holds
 * the table (id, title, level, accepted outcomes, deadline), which is data:
 * probes/README.md documents every row. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/resource.h>

#include "harness.h"

/* argv[1] that makes the binary exit 0 at once: the exec probes run a copy
 * of the probe with it, so a successful exec runs nothing of interest. */
#define ATTEST_EXEC_NOOP_ARG "--attest-exec-noop"

const AttestProbeDef *attest_probe_table (size_t *out_n);

/* ---- state captured at entry, before the harness opened anything -------- */

#define ATTEST_MAX_ENTRY_FDS 64
#define ATTEST_N_RLIMITS 16

typedef struct {
  int fds[ATTEST_MAX_ENTRY_FDS];      /* open descriptors other than 0, 1, 2 */
  int n_fds;
  bool more_fds;                      /* more than ATTEST_MAX_ENTRY_FDS */
  struct rlimit rlimits[ATTEST_N_RLIMITS];
  bool rlimit_ok[ATTEST_N_RLIMITS];
} AttestEntryState;

void attest_capture_entry_state (void);
const AttestEntryState *attest_entry_state (void);

/* ---- helpers shared by the probe groups (probe-util.c) ------------------ */

/* "<dir>/.attest-probe-<tag>-<nonce>" into @buf. */
void attest_unique_path (char *buf, size_t size, const AttestOptions *opts,
                         const char *dir, const char *tag);
/* The value after "<key>:" in /proc/self/status, trimmed, into @buf; false
 * when absent or unreadable. */
bool attest_status_field (const char *key, char *buf, size_t size);
/* True when @name contains @needle, ignoring ASCII case. */
bool attest_contains_ci (const char *name, const char *needle);

/* One line of /proc/self/mountinfo, split into the fields the probes use. */
typedef struct {
  char mount_point[512];
  char mount_options[256];    /* per-mount options (field 6) */
  char optional[128];         /* optional fields (shared:N, master:N…) */
  char fstype[64];
  char source[256];
  char super_options[512];
} AttestMount;

/* Finds the last (topmost) mount at @path in mountinfo, or with @containing
 * the topmost mount whose mount point contains @path (the one whose flags
 * govern it); false when there is none. */
bool attest_find_mount (const char *mountinfo, const char *path, bool containing, AttestMount *out);
/* True when @opt is one of the comma-separated @options. */
bool attest_has_option (const char *options, const char *opt);

/* ---- probe run functions ------------------------------------------------ */

/* probe-net.c */
void attest_probe_net_1 (AttestCtx *ctx);
void attest_probe_net_2 (AttestCtx *ctx);
void attest_probe_sock_1 (AttestCtx *ctx);
void attest_probe_sock_2 (AttestCtx *ctx);
void attest_probe_sock_docker (AttestCtx *ctx);
void attest_probe_ipc_1 (AttestCtx *ctx);

/* probe-fs.c */
void attest_probe_fs_ro_in (AttestCtx *ctx);
void attest_probe_fs_esc_1 (AttestCtx *ctx);
void attest_probe_fs_esc_2 (AttestCtx *ctx);
void attest_probe_fs_out_ok (AttestCtx *ctx);
void attest_probe_mount_1 (AttestCtx *ctx);
void attest_probe_mount_2 (AttestCtx *ctx);
void attest_probe_mount_3 (AttestCtx *ctx);
void attest_probe_procsys_1 (AttestCtx *ctx);
void attest_probe_dev_1 (AttestCtx *ctx);
void attest_probe_secrets_fs (AttestCtx *ctx);

/* probe-exec.c */
void attest_probe_exec_1 (AttestCtx *ctx);
void attest_probe_exec_2 (AttestCtx *ctx);
void attest_probe_exec_out (AttestCtx *ctx);

/* probe-proc.c */
void attest_probe_env_1 (AttestCtx *ctx);
void attest_probe_env_2 (AttestCtx *ctx);
void attest_probe_ptrace_1 (AttestCtx *ctx);
void attest_probe_procmem_1 (AttestCtx *ctx);
void attest_probe_procmem_2 (AttestCtx *ctx);
void attest_probe_cap_1 (AttestCtx *ctx);
void attest_probe_nnp_1 (AttestCtx *ctx);
void attest_probe_id_1 (AttestCtx *ctx);
void attest_probe_pid_1 (AttestCtx *ctx);
void attest_probe_ns_1 (AttestCtx *ctx);
void attest_probe_fd_1 (AttestCtx *ctx);
void attest_probe_tty_1 (AttestCtx *ctx);
void attest_probe_tty_2 (AttestCtx *ctx);
void attest_probe_ctrl_1 (AttestCtx *ctx);
void attest_probe_lsm_1 (AttestCtx *ctx);

/* probe-seccomp.c */
void attest_probe_seccomp_1 (AttestCtx *ctx);
void attest_probe_seccomp_2 (AttestCtx *ctx);
void attest_probe_seccomp_enosys (AttestCtx *ctx);
void attest_probe_seccomp_sweep (AttestCtx *ctx);
void attest_probe_seccomp_x32 (AttestCtx *ctx);
void attest_probe_seccomp_i386 (AttestCtx *ctx);

/* probe-ksurf.c */
void attest_probe_userns_1 (AttestCtx *ctx);
void attest_probe_ksurf_1 (AttestCtx *ctx);
void attest_probe_keyring_1 (AttestCtx *ctx);
void attest_probe_kinfo_1 (AttestCtx *ctx);

/* probe-limits.c */
void attest_probe_res_pids (AttestCtx *ctx);
void attest_probe_res_mem (AttestCtx *ctx);
void attest_probe_res_cpu (AttestCtx *ctx);
void attest_probe_rlimit_1 (AttestCtx *ctx);
