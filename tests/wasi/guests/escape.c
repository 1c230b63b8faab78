// Sandbox escape attempts against /sb (the pre-opened "inside" directory;
// the host test put "outside/secret.txt" next to it and symlinks inside that
// point out). Every attempt must fail; the program prints each one and
// exits with the number that did not (0 = sandbox held). It also passes
// wild pointers to raw WASI calls, which must come back EFAULT.
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/api.h>

#define WASI_IMPORT(Name)                                                      \
  __attribute__((import_module("wasi_snapshot_preview1"),                      \
                 import_name(#Name)))
WASI_IMPORT(path_open)
int raw_path_open(int Fd, int DirFlags, uint32_t Path, uint32_t Len,
                  int Oflags, uint64_t Rb, uint64_t Ri, int FdFlags,
                  uint32_t Out);
WASI_IMPORT(fd_write)
int raw_fd_write(int Fd, uint32_t Iovs, uint32_t N, uint32_t Out);
WASI_IMPORT(fd_read)
int raw_fd_read(int Fd, uint32_t Iovs, uint32_t N, uint32_t Out);
WASI_IMPORT(args_get)
int raw_args_get(uint32_t Argv, uint32_t Buf);
WASI_IMPORT(random_get)
int raw_random_get(uint32_t Buf, uint32_t Len);
WASI_IMPORT(fd_prestat_dir_name)
int raw_prestat_dir_name(int Fd, uint32_t Buf, uint32_t Len);

static int Escaped;

static void refused(int Ok, const char *What) {
  printf("%s - %s (%s)\n", Ok ? "refused" : "ESCAPED", What, strerror(errno));
  if (!Ok)
    ++Escaped;
}

static void expectErrno(int Got, int Want, const char *What) {
  printf("%s - %s (errno %d, want %d)\n", Got == Want ? "ok" : "WRONG", What,
         Got, Want);
  if (Got != Want)
    ++Escaped;
}

static int opens(const char *Path, int Flags) {
  int Fd = open(Path, Flags, 0644);
  if (Fd < 0)
    return 0;
  if (Flags & (O_WRONLY | O_RDWR))
    write(Fd, "PWNED", 5);
  close(Fd);
  return 1;
}

static const char *Targets[] = {
    "/sb/../outside/secret.txt",      // ".." above the preopen
    "/sb/sub/../../outside/secret.txt", // ".." deeper
    "/sb/link_out",                  // relative symlink leading out
    "/sb/abs_link",                  // absolute symlink
    "/sb/dirlink_out/secret.txt",    // symlinked directory leading out
    "/sb/chain1",                    // chain of symlinks, the last leads out
    "/sb/sub/up_link/outside/secret.txt", // symlink to ".." in a path
};

int main(void) {
  for (unsigned I = 0; I < sizeof Targets / sizeof *Targets; ++I) {
    char What[256];
    snprintf(What, sizeof What, "read %s", Targets[I]);
    refused(!opens(Targets[I], O_RDONLY), What);
    snprintf(What, sizeof What, "truncate+write %s", Targets[I]);
    refused(!opens(Targets[I], O_WRONLY | O_TRUNC), What);
    snprintf(What, sizeof What, "create through %s", Targets[I]);
    refused(!opens(Targets[I], O_WRONLY | O_CREAT), What);
    struct stat St;
    snprintf(What, sizeof What, "stat %s", Targets[I]);
    refused(stat(Targets[I], &St) != 0, What);
  }
  refused(mkdir("/sb/dirlink_out/newdir", 0755) != 0, "mkdir through link");
  refused(unlink("/sb/dirlink_out/secret.txt") != 0, "unlink through link");
  refused(rename("/sb/dirlink_out/secret.txt", "/sb/stolen") != 0,
          "rename out of the sandbox");
  refused(rename("/sb/file.txt", "/sb/dirlink_out/planted") != 0,
          "rename into outside");
  refused(link("/sb/dirlink_out/secret.txt", "/sb/hardlink") != 0,
          "hard link to outside");
  refused(symlink("/etc/passwd", "/sb/mylink") != 0,
          "create absolute symlink");
  refused(opens("/etc/passwd", O_RDONLY) == 0, "absolute path via libc");

  // Raw calls: absolute and ".." paths straight to path_open on fd 3.
  static char Abs[] = "/etc/passwd", Up[] = "../outside/secret.txt";
  uint32_t Fd;
  expectErrno(raw_path_open(3, 1, (uint32_t)Abs, strlen(Abs), 0, ~0ull, ~0ull,
                            0, (uint32_t)&Fd),
              __WASI_ERRNO_NOTCAPABLE, "raw path_open absolute");
  expectErrno(raw_path_open(3, 1, (uint32_t)Up, strlen(Up), 0, ~0ull, ~0ull, 0,
                            (uint32_t)&Fd),
              __WASI_ERRNO_NOTCAPABLE, "raw path_open ..");

  // Wild pointers and lengths: EFAULT, never a crash of the host.
  static char Name[] = "file.txt";
  uint32_t MemEnd = (uint32_t)__builtin_wasm_memory_size(0) * 65536u;
  expectErrno(raw_path_open(3, 1, 0xfffffff0u, 100, 0, ~0ull, ~0ull, 0,
                            (uint32_t)&Fd),
              __WASI_ERRNO_FAULT, "path beyond memory");
  expectErrno(raw_path_open(3, 1, (uint32_t)Name, 0xffffffffu, 0, ~0ull, ~0ull,
                            0, (uint32_t)&Fd),
              __WASI_ERRNO_FAULT, "path length wraps");
  expectErrno(raw_path_open(3, 1, (uint32_t)Name, strlen(Name), 0, ~0ull,
                            ~0ull, 0, MemEnd - 2),
              __WASI_ERRNO_FAULT, "result pointer straddles the end");
  uint32_t Iov[2] = {(uint32_t)Name, 0xffffffffu};
  uint32_t N;
  expectErrno(raw_fd_write(1, (uint32_t)Iov, 1, (uint32_t)&N),
              __WASI_ERRNO_FAULT, "iovec length beyond memory");
  expectErrno(raw_fd_write(1, 0xfffffff8u, 1, (uint32_t)&N),
              __WASI_ERRNO_FAULT, "iovec array beyond memory");
  expectErrno(raw_fd_write(1, (uint32_t)Iov, 0x20000000u, (uint32_t)&N),
              __WASI_ERRNO_FAULT, "iovec count * 8 beyond memory");
  Iov[0] = MemEnd - 4;
  Iov[1] = 8;
  expectErrno(raw_fd_read(0, (uint32_t)Iov, 1, (uint32_t)&N),
              __WASI_ERRNO_FAULT, "read buffer straddles the end");
  expectErrno(raw_args_get(0xfffffffcu, 0xfffffffcu), __WASI_ERRNO_FAULT,
              "args_get beyond memory");
  expectErrno(raw_random_get(MemEnd - 1, 2), __WASI_ERRNO_FAULT,
              "random_get straddles the end");
  expectErrno(raw_prestat_dir_name(3, MemEnd, 100), __WASI_ERRNO_FAULT,
              "prestat_dir_name beyond memory");
  Iov[0] = (uint32_t)Name;
  Iov[1] = 1;
  expectErrno(raw_fd_write(77, (uint32_t)Iov, 1, (uint32_t)&N),
              __WASI_ERRNO_BADF, "write to an fd never opened");

  printf("%d escaped\n", Escaped);
  return Escaped;
}
