//===- tools/kiln/bench_plot.h - kiln bench --plot --------------*- C++ -*-===//
//
// A picture of a run, as one self-contained SVG file to open in a browser:
// on top the latency histogram on a log axis (a tail and a second mode show
// up where a mean hides them), below it every call's latency against its
// index (when the slow calls happened: at the start, periodically, in a
// burst), with the budget as a line on both and the native baseline in a
// second colour. Written by hand: SVG is text, and the runtime-only build
// of kiln has no plotting library to lean on.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TOOLS_BENCH_PLOT_H
#define KILN_TOOLS_BENCH_PLOT_H

#include "tools/kiln/bench_report.h"
#include "tools/kiln/bench_stats.h"

#include "kiln/error.h"

#include <string>

namespace kiln::cli {

/// The SVG document for a run.
std::string latencySvg(const BenchReport &R, const BenchSamples &S);

/// Writes latencySvg() to Path.
Error writeLatencySvg(const std::string &Path, const BenchReport &R,
                      const BenchSamples &S);

} // namespace kiln::cli

#endif // KILN_TOOLS_BENCH_PLOT_H
