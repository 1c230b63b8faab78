//===- runtime/wasi/errno_map.cc - Host errno to WASI errno ---------------===//

#include "wasi/errno_map.h"

#include <iterator>

namespace kiln::wasi {

namespace {
struct ErrnoRow {
  int Host;
  Errno Wasi;
};
} // namespace

// A table, not a switch: some host names share a value (EWOULDBLOCK and
// EAGAIN, EOPNOTSUPP and ENOTSUP on Linux), which a switch cannot list twice.
static constexpr ErrnoRow Rows[] = {
#define KILN_WASI_ERRNO(Name, Value, HostErrno) {HostErrno, Errno::Name},
#include "wasi/errno.def"
    {EWOULDBLOCK, Errno::Again},
    {EOPNOTSUPP, Errno::NotSup},
};

Errno fromHostErrno(int E) {
  if (E == 0)
    return Errno::Io; // a call failed without saying why: never "success"
  for (const ErrnoRow &R : Rows)
    if (R.Host == E && R.Host != 0)
      return R.Wasi;
  return Errno::Io;
}

} // namespace kiln::wasi
