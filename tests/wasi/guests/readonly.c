// Every way to change something under a read-only preopen (/ro), through
// wasi-libc as programs do it. argv[1] is a writable preopen (/rw) that
// links and renames may not carry read-only files into. Prints one line
// per attempt and exits with the number that succeeded or failed with the
// wrong errno (0 = the directory stayed read-only).
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int Wrong;

/// Expects ENOTCAPABLE, or Want: wasi-libc's read() and write() turn the
/// runtime's ENOTCAPABLE into POSIX's EBADF ("not open for writing").
static void refusedWith(int Result, int Want, const char *What) {
  int Ok = Result < 0 && errno == Want;
  printf("%s - %s (%s)\n", Ok ? "refused" : "WRONG", What,
         Result < 0 ? strerror(errno) : "succeeded");
  Wrong += !Ok;
}

static void refused(int Result, const char *What) {
  refusedWith(Result, ENOTCAPABLE, What);
}

static int writeTo(const char *Path, int Flags) {
  int Fd = open(Path, Flags, 0644);
  if (Fd < 0)
    return -1;
  int R = write(Fd, "PWNED", 5) == 5 ? 0 : -1;
  int Saved = errno;
  close(Fd);
  errno = Saved;
  return R;
}

int main(void) {
  char Buf[64];
  int Fd = open("/ro/data.txt", O_RDONLY);
  ssize_t N = Fd < 0 ? -1 : read(Fd, Buf, sizeof Buf);
  printf("%s - read /ro/data.txt\n", N == 10 ? "ok" : "WRONG");
  Wrong += N != 10;
  if (Fd >= 0)
    close(Fd);

  refusedWith(writeTo("/ro/data.txt", O_WRONLY), EBADF, "write");
  refusedWith(writeTo("/ro/data.txt", O_WRONLY | O_APPEND), EBADF, "append");
  refused(writeTo("/ro/data.txt", O_WRONLY | O_TRUNC), "truncate on open");
  refused(writeTo("/ro/new.txt", O_WRONLY | O_CREAT), "create a file");
  refusedWith(writeTo("/ro/sub/data.txt", O_WRONLY), EBADF,
              "write in a subdirectory");
  Fd = open("/ro/data.txt", O_RDONLY);
  refused(ftruncate(Fd, 0), "ftruncate");
  close(Fd);
  refused(mkdir("/ro/newdir", 0755), "mkdir");
  refused(mkdir("/ro/sub/newdir", 0755), "mkdir in a subdirectory");
  refused(unlink("/ro/data.txt"), "unlink");
  refused(rmdir("/ro/sub"), "rmdir");
  refused(rename("/ro/data.txt", "/ro/moved.txt"), "rename inside");
  refused(rename("/ro/data.txt", "/rw/stolen.txt"), "rename out");
  refused(link("/ro/data.txt", "/rw/hardlink.txt"), "hard link out");
  refused(symlink("data.txt", "/ro/link"), "symlink");
  struct timespec Ts[2] = {{0, 0}, {0, 0}};
  refused(utimensat(AT_FDCWD, "/ro/data.txt", Ts, 0), "set times");
  printf("%d wrong\n", Wrong);
  return Wrong;
}
