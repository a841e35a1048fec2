/* sha256.h: SHA-256 (FIPS 180-4), small and dependency-free.
 *
 * The probe may not link any library beyond static libc, and it reports the
 * digest of the sorted list of syscall numbers that reached the kernel. */
#pragma once

#include <stddef.h>
#include <stdint.h>

typedef struct {
  uint32_t state[8];
  uint64_t total_len;
  uint8_t block[64];
  size_t block_len;
} AttestSha256;

void attest_sha256_init (AttestSha256 *ctx);
void attest_sha256_update (AttestSha256 *ctx, const void *data, size_t len);
void attest_sha256_final (AttestSha256 *ctx, uint8_t digest[32]);
/* One-shot helper: writes 64 lower-case hex digits and a NUL to @hex. */
void attest_sha256_hex (const void *data, size_t len, char hex[65]);
