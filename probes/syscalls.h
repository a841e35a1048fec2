/* syscalls.h: the system call table the sweep walks. */
#pragma once

/* Native x86_64 numbers are below 512; 512..547 are x32-only. */
#define ATTEST_SYSCALL_SWEEP_MAX 511
/* The highest number the table names. */
#define ATTEST_SYSCALL_HIGHEST_KNOWN 469

/* The name of x86_64 system call @nr, or NULL for a number without one. */
const char *attest_syscall_name (long nr);
