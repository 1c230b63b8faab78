// Opens /sb/flip (a symlink the host flips between an inside file and a
// file outside the sandbox) and /sb/dflip/secret.txt (a symlinked directory
// flipped the same way) in a loop, for reading and for writing. Reading the
// outside content, or any successful write through an outside target, is an
// escape. Runs until it has seen both outcomes (inside opened, outside
// refused) at least MinEach times or MaxIters is reached.
// Prints "inside N refused N escaped N"; exits 0 only if nothing escaped
// and both outcomes were seen (so the race really happened).
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *Paths[] = {"/sb/flip", "/sb/dflip/secret.txt"};

int main(void) {
  long Inside = 0, Refused = 0, Escaped = 0;
  const long MinEach = 200, MaxIters = 400000;
  char Buf[16];
  for (long I = 0; I < MaxIters; ++I) {
    if (Inside >= MinEach && Refused >= MinEach)
      break;
    const char *P = Paths[I & 1];
    int Flags = (I & 2) ? O_RDONLY : O_WRONLY;
    int Fd = open(P, Flags);
    if (Fd < 0) {
      ++Refused;
      continue;
    }
    if (Flags == O_RDONLY) {
      ssize_t N = read(Fd, Buf, 6);
      if (N == 6 && !memcmp(Buf, "SECRET", 6))
        ++Escaped;
      else
        ++Inside;
    } else {
      // Writing "inside" over the first bytes is harmless to an inside
      // file; the host checks that the outside file never changes.
      if (write(Fd, "inside", 6) == 6)
        ++Inside;
    }
    close(Fd);
  }
  printf("inside %ld refused %ld escaped %ld\n", Inside, Refused, Escaped);
  return Escaped == 0 && Inside > 0 && Refused > 0 ? 0 : 1;
}
