//===- tools/kiln/cli.h - Shared pieces of the kiln subcommands -*- C++ -*-===//
#ifndef KILN_TOOLS_CLI_H
#define KILN_TOOLS_CLI_H

#include "kiln/error.h"

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace kiln::cli {

/// Exit codes: 0 success, 1 the input was rejected or a test failed,
/// 2 the command line was wrong.
enum ExitCode : int { ExitOk = 0, ExitFailure = 1, ExitUsage = 2 };

/// A subcommand's entry point; Args excludes the program and command names.
using CommandMain = int (*)(const std::vector<std::string> &Args);

struct Subcommand {
  const char *Name;
  const char *Summary;
  CommandMain Main; // null when this build lacks the command
  const char *MissingReason;
};

/// The most `readFile` reads unless told otherwise: far above any real
/// module or artifact (the largest the spec suite or the benchmarks build are
/// a few MiB), far below what would exhaust a build machine or a device.
inline constexpr uint64_t DefaultMaxInputBytes = uint64_t(256) << 20;

/// Reads a whole input file, refusing one larger than `MaxBytes` (the error
/// names the file, its size and the limit) and anything that is not a file
/// to be read once: a directory, or a character or block device such as
/// /dev/zero that would be read forever. Pipes are read up to the bound.
Expected<std::vector<uint8_t>>
readFile(const std::string &Path, uint64_t MaxBytes = DefaultMaxInputBytes);

/// Parses a byte count: a decimal number with an optional suffix K, M, G
/// (or KiB, MiB, GiB; powers of 1024). False if it is not one.
bool parseByteSize(const std::string &S, uint64_t &Out);

/// "--max-file-size N" / "--max-file-size=N" (already split by
/// splitOptionValues) at Args[I]: sets MaxBytes and advances I. Returns -1 if
/// Args[I] is not that flag or was parsed, or an exit code for a bad value.
int parseMaxFileSizeFlag(const char *Cmd, const std::vector<std::string> &Args,
                         size_t &I, uint64_t &MaxBytes, bool &Matched);

/// The --help line of --max-file-size, for every command that reads files.
const char *maxFileSizeHelp();
/// Writes `Text` to `Path` (replacing it); the error names the file and why.
Error writeTextFile(const std::string &Path, std::string_view Text);

/// Whether two paths name one existing file (the same device and inode),
/// so that a command can refuse to write its output over its input.
bool sameFile(const std::string &A, const std::string &B);

bool isHelpFlag(const std::string &Arg);

/// Long options take their value either way, as wasmtime's do:
/// "--dir /data" or "--dir=/data". Returns Args with the second form of the
/// flags in ValueFlags split into the first, so a command parses one form.
/// With StopAtPositional, nothing after the first argument that is neither
/// an option nor a flag's value is touched (`kiln run FILE ARGS...`: those
/// are the guest's). "--flag=value" for any other flag is left whole, so
/// the command reports it as an unknown option.
std::vector<std::string>
splitOptionValues(const std::vector<std::string> &Args,
                  std::initializer_list<std::string_view> ValueFlags,
                  bool StopAtPositional);

/// Prints an error the way every subcommand does: "error: SUBJECT: KIND:
/// DETAILS", KIND one word of the shared vocabulary (errorKindName:
/// malformed, invalid, unsupported, limit, refused, io, link, ...), SUBJECT
/// the file (or nothing when the details name it). Traps have their own
/// report (trap_report.h).
void printError(const std::string &Subject, const Error &E);

/// An error whose message holds several problems, one per line (a
/// manifest's): each printed as its own "error: [SUBJECT: ]KIND: line".
void printErrorLines(const std::string &Subject, const Error &E);

/// Prints "kiln <cmd>: error: <msg>" to stderr and returns ExitUsage, with a
/// hint to run --help.
int usageError(const char *Cmd, const std::string &Msg);

} // namespace kiln::cli

#endif // KILN_TOOLS_CLI_H
