// File system and clock behaviour under WASI, against the directory
// pre-opened as /work. Prints one line per check and exits with the number
// of failed checks (0 = all passed).
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int Failed;

static void check(int Ok, const char *What) {
  printf("%s - %s\n", Ok ? "ok" : "FAIL", What);
  if (!Ok) {
    printf("  errno: %s\n", strerror(errno));
    ++Failed;
  }
}

static int writeFile(const char *Path, const char *Text) {
  FILE *F = fopen(Path, "w");
  if (!F)
    return 0;
  int Ok = fputs(Text, F) >= 0;
  return fclose(F) == 0 && Ok;
}

static int readFile(const char *Path, char *Buf, size_t Cap) {
  FILE *F = fopen(Path, "r");
  if (!F)
    return -1;
  size_t N = fread(Buf, 1, Cap - 1, F);
  Buf[N] = 0;
  fclose(F);
  return (int)N;
}

static int listed(const char *Dir, const char *Name) {
  DIR *D = opendir(Dir);
  if (!D)
    return 0;
  int Found = 0;
  struct dirent *E;
  while ((E = readdir(D)))
    if (!strcmp(E->d_name, Name))
      Found = 1;
  closedir(D);
  return Found;
}

int main(void) {
  char Buf[256];
  // Round trip.
  check(writeFile("/work/a.txt", "hello, wasi\n"), "write a file");
  check(readFile("/work/a.txt", Buf, sizeof Buf) == 12 &&
            !strcmp(Buf, "hello, wasi\n"),
        "read it back");
  // Append.
  FILE *F = fopen("/work/a.txt", "a");
  check(F && fputs("more\n", F) >= 0 && fclose(F) == 0, "append");
  check(readFile("/work/a.txt", Buf, sizeof Buf) == 17, "appended size");

  // Seek and tell.
  int Fd = open("/work/a.txt", O_RDWR);
  check(Fd >= 0, "open O_RDWR");
  check(lseek(Fd, 7, SEEK_SET) == 7, "lseek SEEK_SET");
  check(read(Fd, Buf, 4) == 4 && !memcmp(Buf, "wasi", 4), "read at offset");
  check(lseek(Fd, 0, SEEK_CUR) == 11, "tell after read");
  check(lseek(Fd, -5, SEEK_END) == 12, "lseek SEEK_END");
  check(write(Fd, "MORE", 4) == 4, "overwrite at offset");
  check(pread(Fd, Buf, 4, 12) == 4 && !memcmp(Buf, "MORE", 4), "pread");
  check(pwrite(Fd, "H", 1, 0) == 1 && pread(Fd, Buf, 5, 0) == 5 &&
            !memcmp(Buf, "Hello", 5),
        "pwrite");
  check(lseek(Fd, -100, SEEK_SET) < 0 && errno == EINVAL,
        "negative seek is EINVAL");
  check(ftruncate(Fd, 5) == 0, "ftruncate");
  close(Fd);

  // stat.
  struct stat St;
  check(stat("/work/a.txt", &St) == 0 && St.st_size == 5 &&
            S_ISREG(St.st_mode),
        "stat size and type");
  check(stat("/work", &St) == 0 && S_ISDIR(St.st_mode), "stat a directory");
  check(stat("/work/missing", &St) < 0 && errno == ENOENT,
        "stat missing is ENOENT");

  // Directories, listing, rename, unlink.
  check(mkdir("/work/sub", 0755) == 0, "mkdir");
  check(mkdir("/work/sub", 0755) < 0 && errno == EEXIST, "mkdir again EEXIST");
  check(writeFile("/work/sub/b.txt", "b"), "file in subdir");
  check(listed("/work/sub", "b.txt") && listed("/work/sub", "."),
        "readdir lists it");
  check(rename("/work/sub/b.txt", "/work/sub/c.txt") == 0, "rename");
  check(!listed("/work/sub", "b.txt") && listed("/work/sub", "c.txt"),
        "rename visible in readdir");
  check(rmdir("/work/sub") < 0 && errno == ENOTEMPTY, "rmdir non-empty");
  check(unlink("/work/sub/c.txt") == 0, "unlink");
  check(unlink("/work/sub/c.txt") < 0 && errno == ENOENT, "unlink again");
  check(unlink("/work/sub") < 0 && (errno == EISDIR || errno == EPERM),
        "unlink a directory fails");
  check(rmdir("/work/sub") == 0, "rmdir");
  check(open("/work/a.txt/x", O_RDONLY) < 0 && errno == ENOTDIR,
        "file as directory is ENOTDIR");
  check(open("/work/new", O_RDONLY) < 0 && errno == ENOENT,
        "open missing is ENOENT");
  Fd = open("/work/a.txt", O_WRONLY | O_CREAT | O_EXCL, 0644);
  check(Fd < 0 && errno == EEXIST, "O_EXCL on existing is EEXIST");

  // Symlinks inside the sandbox work.
  check(symlink("a.txt", "/work/link") == 0, "symlink inside");
  check(readFile("/work/link", Buf, sizeof Buf) == 5, "read via symlink");
  ssize_t L = readlink("/work/link", Buf, sizeof Buf);
  check(L == 5 && !memcmp(Buf, "a.txt", 5), "readlink");
  check(lstat("/work/link", &St) == 0 && S_ISLNK(St.st_mode), "lstat link");
  check(unlink("/work/link") == 0, "unlink link");

  // Clocks: monotonic never goes back; a 20 ms sleep takes >= 20 ms.
  struct timespec T0, T1, T2;
  clock_gettime(CLOCK_MONOTONIC, &T0);
  int Mono = 1;
  for (int I = 0; I < 1000; ++I) {
    clock_gettime(CLOCK_MONOTONIC, &T1);
    if (T1.tv_sec < T0.tv_sec ||
        (T1.tv_sec == T0.tv_sec && T1.tv_nsec < T0.tv_nsec))
      Mono = 0;
    T0 = T1;
  }
  check(Mono, "monotonic clock never goes back");
  clock_gettime(CLOCK_MONOTONIC, &T1);
  struct timespec Nap = {0, 20 * 1000 * 1000};
  check(nanosleep(&Nap, NULL) == 0, "nanosleep (poll_oneoff clock)");
  clock_gettime(CLOCK_MONOTONIC, &T2);
  long long Ns = (T2.tv_sec - T1.tv_sec) * 1000000000LL +
                 (T2.tv_nsec - T1.tv_nsec);
  check(Ns >= 20 * 1000 * 1000, "sleep lasted at least 20 ms");
  check(time(NULL) > 1600000000, "realtime clock is after 2020");
  struct timespec Res;
  check(clock_getres(CLOCK_MONOTONIC, &Res) == 0, "clock_getres");

  // Environment and arguments come through.
  const char *V = getenv("KILN_TEST");
  check(V && !strcmp(V, "yes"), "environment variable");
  printf("%d failed\n", Failed);
  return Failed;
}
