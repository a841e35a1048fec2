/* probes.c: the probe table.
 *
 * One row per probe: id, title, group, required (one of the twelve probes of
 * the reference packet), level (MUST → FAIL, SHOULD → WARN, INFO), the
 * accepted outcome tokens and the deadline of the probe child. The expected
 * outcomes are what the reference `docker run` (no network, uid 65532, ro
 * root, noexec /tmp, cap-drop ALL, no-new-privileges, the deny-by-default
 * policy, pids 64, memory 256m without swap, 1 CPU, empty env) gives.
 * probes/README.md documents every row; keep them in step. */
#include "probes.h"

#define EXPECT(...) ((const char *const[]) { __VA_ARGS__, NULL })
#define DEADLINE_MS 3000

static const AttestProbeDef probe_table[] = {
  /* ---- the twelve required probes ---- */
  { "PR-NET-1", "no route off the host: a UDP connect() to documentation addresses is refused", "network", true,
    ATTEST_LEVEL_MUST, EXPECT ("EPERM", "ENETUNREACH", "EAFNOSUPPORT"), DEADLINE_MS, attest_probe_net_1 },
  { "PR-NET-2", "only the loopback interface exists (/proc/net/dev)", "network", true,
    ATTEST_LEVEL_MUST, EXPECT ("ONLY_LO"), DEADLINE_MS, attest_probe_net_2 },
  { "PR-SOCK-1", "socket() is denied", "network", true,
    ATTEST_LEVEL_MUST, EXPECT ("EPERM"), DEADLINE_MS, attest_probe_sock_1 },
  { "PR-ENV-1", "no secret-looking environment key (environ, /proc/self/environ, /proc/1/environ)", "environment", true,
    ATTEST_LEVEL_MUST, EXPECT ("CLEAN", "EACCES", "EPERM", "ENOENT"), DEADLINE_MS, attest_probe_env_1 },
  { "PR-FS-RO-IN", "the input folder is read-only", "filesystem", true,
    ATTEST_LEVEL_MUST, EXPECT ("EROFS"), DEADLINE_MS, attest_probe_fs_ro_in },
  { "PR-FS-ESC-1", "the root filesystem is read-only", "filesystem", true,
    ATTEST_LEVEL_MUST, EXPECT ("EROFS"), DEADLINE_MS, attest_probe_fs_esc_1 },
  { "PR-FS-ESC-2", "escape paths (/proc/1/root, /in/.., /out/.., a symlink in /out) reach no writable place", "filesystem", true,
    ATTEST_LEVEL_MUST, EXPECT ("EROFS", "EACCES"), DEADLINE_MS, attest_probe_fs_esc_2 },
  { "PR-FS-OUT-OK", "the output folder is writable (positive control)", "filesystem", true,
    ATTEST_LEVEL_MUST, EXPECT ("OK"), DEADLINE_MS, attest_probe_fs_out_ok },
  { "PR-EXEC-1", "no shell or interpreter can be executed", "exec", true,
    ATTEST_LEVEL_MUST, EXPECT ("EPERM", "ENOENT"), DEADLINE_MS, attest_probe_exec_1 },
  { "PR-MOUNT-1", "mounts: root ro, /in ro, /out rw, /tmp noexec,nosuid,nodev", "mount", true,
    ATTEST_LEVEL_MUST, EXPECT ("ROOT_RO", "IN_RO", "OUT_RW", "TMP_HARDENED"), DEADLINE_MS, attest_probe_mount_1 },
  { "PR-SOCK-DOCKER", "no docker, containerd, podman, buildkit or crio socket is reachable", "ipc", true,
    ATTEST_LEVEL_MUST, EXPECT ("EPERM", "ENOENT", "ECONNREFUSED", "EACCES", "ENOTDIR", "NO_RUNTIME_SOCKET"), DEADLINE_MS,
    attest_probe_sock_docker },
  { "PR-PTRACE-1", "ptrace is denied, even on the probe's own child", "process", true,
    ATTEST_LEVEL_MUST, EXPECT ("EPERM"), DEADLINE_MS, attest_probe_ptrace_1 },

  /* ---- controls ---- */
  { "PR-CTRL-1", "controls: getpid succeeds and read(-1) reaches the kernel (EBADF)", "control", false,
    ATTEST_LEVEL_MUST, EXPECT ("OK", "EBADF"), DEADLINE_MS, attest_probe_ctrl_1 },

  /* ---- P0 ---- */
  { "PR-CAP-1", "all five capability sets are empty, the bounding set read cap by cap", "privilege", false,
    ATTEST_LEVEL_MUST, EXPECT ("ZERO"), DEADLINE_MS, attest_probe_cap_1 },
  { "PR-NNP-1", "no_new_privs is set", "privilege", false,
    ATTEST_LEVEL_MUST, EXPECT ("NNP_SET"), DEADLINE_MS, attest_probe_nnp_1 },
  { "PR-SECCOMP-1", "a seccomp filter is attached", "seccomp", false,
    ATTEST_LEVEL_MUST, EXPECT ("FILTER"), DEADLINE_MS, attest_probe_seccomp_1 },
  { "PR-SECCOMP-2", "a syscall the policy does not name gets the default errno (EPERM)", "seccomp", false,
    ATTEST_LEVEL_MUST, EXPECT ("EPERM"), DEADLINE_MS, attest_probe_seccomp_2 },
  { "PR-SECCOMP-ENOSYS", "numbers above the policy's highest get ENOSYS (as runc and crun)", "seccomp", false,
    ATTEST_LEVEL_MUST, EXPECT ("ENOSYS"), DEADLINE_MS, attest_probe_seccomp_enosys },
  { "PR-SECCOMP-SWEEP", "every syscall number 0..511 with poisoned arguments: which reach the kernel", "seccomp", false,
    ATTEST_LEVEL_INFO, EXPECT ("SWEPT"), 60000, attest_probe_seccomp_sweep },
  { "PR-SECCOMP-X32", "the x32 ABI (nr | 0x40000000) is killed or denied", "seccomp", false,
    ATTEST_LEVEL_MUST, EXPECT ("SIGSYS", "EPERM", "ENOSYS"), DEADLINE_MS, attest_probe_seccomp_x32 },
  { "PR-SECCOMP-I386", "the i386 ABI (int $0x80: socketcall, socket, ptrace, mount) is killed or denied", "seccomp", false,
    ATTEST_LEVEL_MUST, EXPECT ("SIGSYS", "EPERM", "ENOSYS"), DEADLINE_MS, attest_probe_seccomp_i386 },
  { "PR-SOCK-2", "socket() of every family and type is refused (AF_ALG, AF_VSOCK, AF_PACKET, AF_NETLINK, AF_XDP…)", "network",
    false, ATTEST_LEVEL_MUST, EXPECT ("EPERM", "EAFNOSUPPORT", "EPROTONOSUPPORT", "ESOCKTNOSUPPORT", "EINVAL"), 10000,
    attest_probe_sock_2 },
  { "PR-USERNS-1", "no nested namespaces: unshare, clone, clone3, setns", "namespaces", false,
    ATTEST_LEVEL_MUST, EXPECT ("EPERM", "ENOSPC", "ENOSYS"), DEADLINE_MS, attest_probe_userns_1 },
  { "PR-MOUNT-2", "no mount mutation: mount, remount, umount, chroot, pivot_root, fsopen, open_tree", "mount", false,
    ATTEST_LEVEL_MUST, EXPECT ("EPERM"), DEADLINE_MS, attest_probe_mount_2 },
  { "PR-PROCSYS-1", "/proc/sys, /proc/sysrq-trigger, /sys and the own cgroup cannot be opened for writing", "kernel-interfaces",
    false, ATTEST_LEVEL_MUST, EXPECT ("EROFS", "EACCES", "ENOENT", "EPERM"), DEADLINE_MS, attest_probe_procsys_1 },
  { "PR-FD-1", "no descriptor beyond 0, 1, 2 at entry; the working directory is inside the root", "process", false,
    ATTEST_LEVEL_MUST, EXPECT ("ONLY_STDIO", "CWD_INSIDE_ROOT"), DEADLINE_MS, attest_probe_fd_1 },
  { "PR-PROCMEM-1", "process_vm_readv, pidfd_getfd and kcmp are denied (own child)", "process", false,
    ATTEST_LEVEL_MUST, EXPECT ("EPERM", "ENOSYS"), DEADLINE_MS, attest_probe_procmem_1 },
  { "PR-PROCMEM-2", "/proc/<own child>/mem can be opened (Docker allows it too)", "process", false,
    ATTEST_LEVEL_INFO, EXPECT ("OK", "EACCES", "EPERM"), DEADLINE_MS, attest_probe_procmem_2 },

  /* ---- P1 ---- */
  { "PR-EXEC-2", "no noexec bypass: exec or mmap(PROT_EXEC) from /tmp, memfd + execveat, ld.so", "exec", false,
    ATTEST_LEVEL_MUST, EXPECT ("EACCES", "EPERM", "ENOENT", "LDSO_REFUSED"), 5000, attest_probe_exec_2 },
  { "PR-EXEC-OUT", "exec from /out and anonymous W→X (Docker allows both)", "exec", false,
    ATTEST_LEVEL_INFO, EXPECT ("OK", "EACCES", "EPERM"), 5000, attest_probe_exec_out },
  { "PR-KSURF-1", "io_uring, bpf, perf_event_open, userfaultfd, fanotify, open_by_handle_at, modify_ldt, personality", "kernel-surface",
    false, ATTEST_LEVEL_MUST, EXPECT ("EPERM", "ENOSYS"), DEADLINE_MS, attest_probe_ksurf_1 },
  { "PR-KEYRING-1", "the kernel keyring is unreachable", "kernel-surface", false,
    ATTEST_LEVEL_MUST, EXPECT ("EPERM", "ENOSYS"), DEADLINE_MS, attest_probe_keyring_1 },
  { "PR-TTY-1", "TIOCSTI and TIOCLINUX are filtered, including the high-bit variants", "terminal", false,
    ATTEST_LEVEL_SHOULD, EXPECT ("EPERM"), DEADLINE_MS, attest_probe_tty_1 },
  { "PR-TTY-2", "no controlling terminal (new session)", "terminal", false,
    ATTEST_LEVEL_MUST, EXPECT ("NO_CONTROLLING_TTY"), DEADLINE_MS, attest_probe_tty_2 },
  /* setuid(0) is EINVAL where uid 0 is not mapped in the user namespace. */
  { "PR-ID-1", "uid and gid 65532, no extra groups, setuid/setgid/setgroups refused", "identity", false,
    ATTEST_LEVEL_MUST, EXPECT ("UID_65532", "GID_65532", "GROUPS_OK", "EPERM", "EINVAL"), DEADLINE_MS, attest_probe_id_1 },
  { "PR-PID-1", "a private pid namespace: no kernel threads, few processes", "namespaces", false,
    ATTEST_LEVEL_MUST, EXPECT ("NO_KTHREADS", "FEW_PIDS"), DEADLINE_MS, attest_probe_pid_1 },
  { "PR-NS-1", "ipc, uts, pid and cgroup namespaces are not the initial ones", "namespaces", false,
    ATTEST_LEVEL_MUST, EXPECT ("CHILD_NS"), DEADLINE_MS, attest_probe_ns_1 },
  { "PR-DEV-1", "/dev is minimal, host devices cannot be opened, mknod is refused", "devices", false,
    ATTEST_LEVEL_MUST, EXPECT ("DEV_MINIMAL", "ENOENT", "EACCES", "EPERM"), DEADLINE_MS, attest_probe_dev_1 },
  { "PR-IPC-1", "no host unix sockets (D-Bus, systemd, X11…) and no SysV IPC objects", "ipc", false,
    ATTEST_LEVEL_MUST, EXPECT ("EPERM", "ENOENT", "ECONNREFUSED", "EACCES", "ENOTDIR", "NO_UNIX_SOCKETS", "SYSV_EMPTY"),
    DEADLINE_MS, attest_probe_ipc_1 },
  { "PR-MOUNT-3", "no shared propagation, no rw kernel filesystems, nosuid,nodev on /in and /out, noexec /proc", "mount", false,
    ATTEST_LEVEL_SHOULD, EXPECT ("NO_SHARED_PROPAGATION", "NO_KERNEL_FS_RW", "FLAGS_OK"), DEADLINE_MS, attest_probe_mount_3 },
  { "PR-ENV-2", "the environment holds only what the runtime sets (PATH, HOME, HOSTNAME, TERM, PWD)", "environment", false,
    ATTEST_LEVEL_SHOULD, EXPECT ("ONLY_RUNTIME_KEYS"), DEADLINE_MS, attest_probe_env_2 },
  { "PR-SECRETS-FS", "no credential file of the host is readable", "filesystem", false,
    ATTEST_LEVEL_SHOULD, EXPECT ("ENOENT", "EACCES", "EPERM"), DEADLINE_MS, attest_probe_secrets_fs },
  { "PR-KINFO-1", "no kernel addresses or kernel internals are readable (kallsyms, kcore, timer_list, debugfs, syslog)",
    "kernel-interfaces", false, ATTEST_LEVEL_SHOULD, EXPECT ("KALLSYMS_ZEROED", "ENOENT", "EACCES", "EPERM"), DEADLINE_MS,
    attest_probe_kinfo_1 },
  { "PR-LSM-1", "Linux security modules in force (AppArmor, SELinux, Landlock ABI)", "privilege", false,
    ATTEST_LEVEL_INFO, EXPECT ("OK"), DEADLINE_MS, attest_probe_lsm_1 },

  /* ---- P2: ceilings ---- */
  { "PR-RES-PIDS", "the pids ceiling: fork is refused at about 64 processes", "limits", false,
    ATTEST_LEVEL_MUST, EXPECT ("LIMITED"), 15000, attest_probe_res_pids },
  { "PR-RES-MEM", "the memory ceiling: touching memory is refused or killed at about 256 MiB", "limits", false,
    ATTEST_LEVEL_MUST, EXPECT ("SIGKILL", "ENOMEM"), 20000, attest_probe_res_mem },
  { "PR-RES-CPU", "the CPU quota: 4 spinning processes get at most about 1 CPU", "limits", false,
    ATTEST_LEVEL_MUST, EXPECT ("CPU_LIMITED"), 5000, attest_probe_res_cpu },
  { "PR-RLIMIT-1", "hard rlimits cannot be raised; the limits at entry are recorded", "limits", false,
    ATTEST_LEVEL_MUST, EXPECT ("EPERM"), DEADLINE_MS, attest_probe_rlimit_1 },
};

const AttestProbeDef *
attest_probe_table (size_t *out_n)
{
  *out_n = sizeof probe_table / sizeof probe_table[0];
  return probe_table;
}
