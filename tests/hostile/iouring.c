/* io_uring: its operations bypass seccomp once a ring exists (socket,
 * openat through the ring), so the policy must deny the setup itself. */
#include "hostile.h"

#include <linux/io_uring.h>
#include <sys/syscall.h>

int
main (void)
{
  struct io_uring_params params;
  long rc;

  memset (&params, 0, sizeof params);
  rc = syscall (__NR_io_uring_setup, 8, &params);
  say ("iouring setup: %s", outcome (rc, errno));
  rc = syscall (__NR_io_uring_enter, rc >= 0 ? rc : 0, 0, 0, 0, NULL, 0);
  say ("iouring enter: %s", outcome (rc, errno));
  rc = syscall (__NR_io_uring_register, 0, IORING_REGISTER_PROBE, NULL, 0);
  say ("iouring register: %s", outcome (rc, errno));
  return 0;
}
