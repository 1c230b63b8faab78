//===- kiln/error.h - Errors carried from both halves of Kiln ---*- C++ -*-===//
//
// One error type for the compiler and the runtime. The runtime cannot use
// LLVM's Error, and neither half throws exceptions, so failures travel as
// values: `Error` (success or one failure) and `Expected<T>` (a T or an
// Error). Both are [[nodiscard]] so that a dropped error is a compile warning
// (an error under -Werror), the static analogue of LLVM's "unchecked Error"
// abort.
//
// Unchecked failures are found at run time too, as LLVM's are: in builds
// with KILN_ERROR_CHECKS (Debug, sanitizer and fuzz builds), or run with
// KILN_ERROR_CHECKS=1 in the environment, the process aborts with the error's
// text when an Error holding a failure is destroyed without having been
// handled (passed on, read, or consumed; testing it is not enough), and
// reading the value of an Expected that holds an error always aborts (it
// would be undefined behaviour otherwise). Unlike LLVM, a success that was
// never tested is not reported: [[nodiscard]] covers that statically.
//
// A failure carries what went wrong (the kind, which maps onto the spec's
// assert_malformed / assert_invalid and onto loader refusals) and where: the
// byte offset in the input, the section, and the function index when there is
// one. `str()` renders all of it the same way everywhere.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_ERROR_H
#define KILN_ERROR_H

#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kiln {

enum class ErrorKind : uint8_t {
  Malformed,   // the bytes do not decode (spec: assert_malformed)
  Invalid,     // decodes but breaks a validation rule (spec: assert_invalid)
  Unsupported, // valid Wasm this build or target does not support
  Limit,       // exceeds an implementation limit (too many locals, ...)
  Refused,     // the loader will not trust an artifact
  Io,          // a file could not be read or written
  Usage,       // wrong arguments to a command or API
  Link,        // an import could not be satisfied
  Trap,        // a guest trapped (kiln/trap.h gives the code)
  Exit,        // a guest asked to exit (WASI proc_exit): exitCode() says how
};

const char *errorKindName(ErrorKind K);

inline constexpr uint64_t NoOffset = ~uint64_t(0);
inline constexpr uint32_t NoIndex = ~uint32_t(0);

/// A source position, from the DWARF of a module compiled with -g.
struct SourceLocation {
  std::string Function; // empty when unknown
  std::string File;     // empty when unknown
  uint32_t Line = 0;    // 0 when unknown
  uint32_t Column = 0;  // 0 when unknown
};

/// One Wasm frame of a trap's backtrace.
struct TrapFrame {
  uint32_t FuncIndex = NoIndex;
  /// Of the trapping instruction in the innermost frame, of the call in the
  /// others (NoOffset when the artifact has no code map).
  uint64_t WasmOffset = NoOffset;
  /// Inlined by Kiln's compiler into the next frame: no native frame of
  /// its own, found from the code map.
  bool Inlined = false;
  /// From the module's name section, else an export's name; may be empty.
  std::string FuncName;
  /// The source lines of WasmOffset, innermost first: more than one where
  /// the module's compiler inlined functions into this Wasm function.
  std::vector<SourceLocation> Source;
};

struct ErrorInfo {
  ErrorKind Kind;
  std::string Message;
  uint64_t Offset = NoOffset;   // byte offset in the input
  uint32_t FuncIndex = NoIndex; // Wasm function index (imports included)
  const char *Section = nullptr; // static string: "code", "type", ...
  uint32_t TrapCode = 0;          // Kind == Trap: a kiln::TrapCode value
  uint32_t ExitCode = 0;          // Kind == Exit: the guest's exit status
  /// Kind == Trap: the Wasm function indices on the stack when the guest
  /// trapped, innermost first, as far as the runtime could walk them.
  std::vector<uint32_t> Backtrace;
  /// Kind == Trap: the same frames with offsets, names and source lines.
  std::vector<TrapFrame> Frames;
  /// Kind == Trap: frames deeper than the runtime records (Frames ends
  /// there), 0 when the backtrace is complete.
  uint32_t FramesLeftOut = 0;
};

/// printf-style formatting into a std::string (GCC 12 has no std::format).
[[gnu::format(printf, 1, 2)]] inline std::string formatString(const char *Fmt,
                                                              ...) {
  va_list Args;
  va_start(Args, Fmt);
  va_list Copy;
  va_copy(Copy, Args);
  int N = std::vsnprintf(nullptr, 0, Fmt, Copy);
  va_end(Copy);
  std::string S(N > 0 ? size_t(N) : 0, '\0');
  if (N > 0)
    std::vsnprintf(S.data(), S.size() + 1, Fmt, Args);
  va_end(Args);
  return S;
}

namespace detail {
/// Whether a dropped failure aborts (see the file comment): on in builds
/// with KILN_ERROR_CHECKS, and in any build run with KILN_ERROR_CHECKS=1 in
/// the environment (how a release build's whole test suite is run with the
/// checks). Changed, if at all, before any thread starts.
inline bool errorChecksByDefault() {
#ifdef KILN_ERROR_CHECKS
  return true;
#else
  const char *Env = std::getenv("KILN_ERROR_CHECKS");
  return Env && *Env && std::strcmp(Env, "0") != 0;
#endif
}
inline bool ErrorChecks = errorChecksByDefault();

[[noreturn]] inline void abortOnUncheckedError(const char *What,
                                               const std::string &Text) {
  std::fprintf(stderr,
               "kiln: %s: %s\n(an Error must be tested, passed on or "
               "handled before it is destroyed)\n",
               What, Text.c_str());
  std::abort();
}
} // namespace detail

template <typename T> class Expected;

class [[nodiscard]] Error {
public:
  Error() = default; // success
  Error(Error &&O) noexcept : Info(std::move(O.Info)), Checked(O.Checked) {
    O.Checked = true;
  }
  Error &operator=(Error &&O) noexcept {
    // `E = std::move(E).inFunction(F)` assigns an Error to itself.
    if (this == &O)
      return *this;
    checkDropped();
    Info = std::move(O.Info);
    Checked = O.Checked;
    O.Checked = true;
    return *this;
  }
  ~Error() { checkDropped(); }

  static Error success() { return Error(); }
  static Error make(ErrorKind K, std::string Message) {
    Error E;
    E.Info = std::make_unique<ErrorInfo>();
    E.Info->Kind = K;
    E.Info->Message = std::move(Message);
    return E;
  }

  /// A guest trap: `Code` is a kiln::TrapCode, `Message` its spec wording.
  static Error trap(uint32_t Code, std::string Message) {
    Error E = make(ErrorKind::Trap, std::move(Message));
    E.Info->TrapCode = Code;
    return E;
  }

  /// A guest's request to end the program with `Code` (WASI proc_exit). Not
  /// a failure of the guest; it unwinds the call like a trap does.
  static Error exit(uint32_t Code) {
    Error E = make(ErrorKind::Exit, formatString("exit with status %u", Code));
    E.Info->ExitCode = Code;
    return E;
  }

  /// True when this is a failure (LLVM's convention: `if (Error E = f())`).
  /// Testing a failure does not handle it: it must still be passed on,
  /// read or consumed.
  explicit operator bool() const { return Info != nullptr; }

  // Reading any part of a failure counts as handling it.
  ErrorKind kind() const { return info().Kind; }
  const std::string &message() const { return info().Message; }
  uint64_t offset() const { return info().Offset; }
  uint32_t funcIndex() const { return info().FuncIndex; }
  const char *section() const { return info().Section; }
  uint32_t trapCode() const { return info().TrapCode; }
  uint32_t exitCode() const { return info().ExitCode; }
  const std::vector<uint32_t> &backtrace() const { return info().Backtrace; }
  const std::vector<TrapFrame> &frames() const { return info().Frames; }
  uint32_t framesLeftOut() const { return info().FramesLeftOut; }

  /// Drops a failure on purpose (LLVM's consumeError): where the caller has
  /// a better answer than the error, e.g. a fallback.
  void consume() && { Checked = true; }
  /// Records the frames of a trap (the runtime's trap path sets these).
  Error &&withBacktrace(std::vector<uint32_t> Frames) && {
    if (Info)
      Info->Backtrace = std::move(Frames);
    return std::move(*this);
  }
  /// Records the frames of a trap in full; backtrace() becomes their
  /// function indices.
  Error &&withFrames(std::vector<TrapFrame> Frames, uint32_t LeftOut) && {
    if (Info) {
      Info->Backtrace.clear();
      for (const TrapFrame &F : Frames)
        Info->Backtrace.push_back(F.FuncIndex);
      Info->Frames = std::move(Frames);
      Info->FramesLeftOut = LeftOut;
    }
    return std::move(*this);
  }

  // Context is added as the error travels outward; the innermost (most
  // precise) value wins, so these only fill fields that are still empty.
  Error &&atOffset(uint64_t Off) && {
    if (Info && Info->Offset == NoOffset)
      Info->Offset = Off;
    return std::move(*this);
  }
  Error &&inSection(const char *Name) && {
    if (Info && !Info->Section)
      Info->Section = Name;
    return std::move(*this);
  }
  Error &&inFunction(uint32_t Index) && {
    if (Info && Info->FuncIndex == NoIndex)
      Info->FuncIndex = Index;
    return std::move(*this);
  }

  /// "offset 0x1a, section code, function 3: type mismatch in i32.add ..."
  std::string str() const {
    Checked = true;
    if (!Info)
      return "success";
    std::string Where;
    auto Add = [&](const std::string &Part) {
      Where += Where.empty() ? "" : ", ";
      Where += Part;
    };
    if (Info->Offset != NoOffset)
      Add(formatString("offset 0x%llx", (unsigned long long)Info->Offset));
    if (Info->Section)
      Add(std::string("section ") + Info->Section);
    if (Info->FuncIndex != NoIndex)
      Add(formatString("function %u", Info->FuncIndex));
    return Where.empty() ? Info->Message : Where + ": " + Info->Message;
  }

private:
  template <typename T> friend class Expected;

  const ErrorInfo &info() const {
    Checked = true;
    if (!Info)
      detail::abortOnUncheckedError("asked what went wrong with a success",
                                    "no error");
    return *Info;
  }
  void checkDropped() const {
    if (Info && !Checked && detail::ErrorChecks)
      detail::abortOnUncheckedError("an error was dropped", str());
  }

  std::unique_ptr<ErrorInfo> Info;
  /// Whether a failure has been examined. Only failures are checked, so a
  /// success's flag does not matter.
  mutable bool Checked = false;
};

template <typename T> class [[nodiscard]] Expected {
public:
  Expected(T Value) : Val(std::move(Value)) {}
  /// `E` must be a failure. It counts as unexamined again: whoever receives
  /// this Expected must test it.
  Expected(Error E) : Err(std::move(E)) { Err.Checked = false; }

  /// True when this holds a value. As with Error, testing a failure does
  /// not handle it: takeError() and pass it on, read it or consume it.
  explicit operator bool() const { return Val.has_value(); }
  T &operator*() { return value(); }
  const T &operator*() const { return value(); }
  T *operator->() { return &value(); }
  const T *operator->() const { return &value(); }

  /// Moves the error out (unexamined: the caller now owns it); only valid
  /// when this holds no value.
  Error takeError() { return std::move(Err); }

private:
  T &value() {
    if (!Val)
      detail::abortOnUncheckedError("read the value of a failed Expected",
                                    Err.str());
    return *Val;
  }
  const T &value() const { return const_cast<Expected *>(this)->value(); }

  std::optional<T> Val;
  Error Err;
};

inline const char *errorKindName(ErrorKind K) {
  switch (K) {
  case ErrorKind::Malformed:
    return "malformed";
  case ErrorKind::Invalid:
    return "invalid";
  case ErrorKind::Unsupported:
    return "unsupported";
  case ErrorKind::Limit:
    return "limit";
  case ErrorKind::Refused:
    return "refused";
  case ErrorKind::Io:
    return "io";
  case ErrorKind::Usage:
    return "usage";
  case ErrorKind::Link:
    return "link";
  case ErrorKind::Trap:
    return "trap";
  case ErrorKind::Exit:
    return "exit";
  }
  return "unknown";
}

/// Called where control cannot reach unless an invariant is broken.
[[noreturn]] inline void unreachableInternal(const char *Msg, const char *File,
                                             int Line) {
  std::fprintf(stderr, "kiln: unreachable executed at %s:%d: %s\n", File, Line,
               Msg);
  std::abort();
}

} // namespace kiln

#define KILN_UNREACHABLE(Msg) ::kiln::unreachableInternal(Msg, __FILE__, __LINE__)

/// Propagate a failing Error out of the current function.
#define KILN_CHECK(Expr)                                                       \
  do {                                                                         \
    if (::kiln::Error KilnErr_ = (Expr))                                       \
      return KilnErr_;                                                         \
  } while (0)

#endif // KILN_ERROR_H
