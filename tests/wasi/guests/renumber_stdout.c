// fd_renumber with stdout, as a shell redirects it: park stdout in a save
// slot, put a file in its place, write, bring stdout back, write. argv[1] is
// the file (under a preopen). The first line must land in the file and the
// second on the real stdout; the exit status counts the calls that failed.
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <wasi/api.h>

static int Failed;

static void check(__wasi_errno_t E) {
  if (E != __WASI_ERRNO_SUCCESS)
    ++Failed;
}

static void say(const char *Text) {
  __wasi_ciovec_t Iov = {(const uint8_t *)Text, strlen(Text)};
  __wasi_size_t N;
  check(__wasi_fd_write(1, &Iov, 1, &N));
}

int main(int Argc, char **Argv) {
  if (Argc < 2)
    return 100;
  int File = open(Argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644); // A
  int Save = open(Argv[1], O_RDONLY);                             // B
  if (File < 0 || Save < 0)
    return 101;
  check(__wasi_fd_renumber(1, (__wasi_fd_t)Save));
  check(__wasi_fd_renumber((__wasi_fd_t)File, 1));
  say("to the file\n");
  check(__wasi_fd_renumber((__wasi_fd_t)Save, 1));
  say("to stdout\n");
  return Failed;
}
