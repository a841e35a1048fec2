/* A probe that never finishes: run must kill the sandbox at --timeout. */
#include <unistd.h>

int
main (void)
{
  for (;;)
    pause ();
}
