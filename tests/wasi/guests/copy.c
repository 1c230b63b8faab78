// copy SRC DST: copies a file through read(2)/write(2), i.e. fd_read and
// fd_write, 64 KiB at a time. Exit 0 on success, 1 with a message otherwise.
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

static char Buf[1 << 16];

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: copy SRC DST\n");
    return 1;
  }
  int In = open(argv[1], O_RDONLY);
  int Out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (In < 0 || Out < 0) {
    perror("open");
    return 1;
  }
  for (;;) {
    ssize_t N = read(In, Buf, sizeof(Buf));
    if (N < 0) {
      perror("read");
      return 1;
    }
    if (N == 0)
      break;
    for (ssize_t Done = 0; Done < N;) {
      ssize_t W = write(Out, Buf + Done, (size_t)(N - Done));
      if (W <= 0) {
        perror("write");
        return 1;
      }
      Done += W;
    }
  }
  if (close(In) || close(Out)) {
    perror("close");
    return 1;
  }
  return 0;
}
