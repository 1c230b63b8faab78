//===- tools/kiln/bench_plot.cc - kiln bench --plot -----------------------===//

#include "tools/kiln/bench_plot.h"
#include "tools/kiln/cli.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <tuple>

namespace kiln::cli {

static const char *const KilnColour = "#1f77b4";
static const char *const NativeColour = "#ff7f0e";
static const char *const BudgetColour = "#d62728";

static constexpr double Width = 960, Left = 84, Right = 40;
static constexpr double PlotW = Width - Left - Right, PlotH = 250;
static constexpr double HistTop = 124, TimeTop = HistTop + PlotH + 90;
static constexpr double Height = TimeTop + PlotH + 64;
static constexpr size_t HistBins = 80;

namespace {
/// A log axis over [Lo, Hi], as a fraction of the axis length.
struct LogAxis {
  double Lo, Hi;
  double at(double V) const {
    V = std::clamp(V, Lo, Hi);
    return (std::log(V) - std::log(Lo)) / (std::log(Hi) - std::log(Lo));
  }
};
} // namespace

static std::string xmlText(const std::string &S) {
  std::string Out;
  for (char C : S) {
    if (C == '<')
      Out += "&lt;";
    else if (C == '>')
      Out += "&gt;";
    else if (C == '&')
      Out += "&amp;";
    else if (C == '"')
      Out += "&quot;";
    else
      Out += C;
  }
  return Out;
}

/// Whole decades around every latency and the budget, so both panels share
/// one latency axis and the budget is always on it.
static LogAxis latencyAxis(const BenchReport &R) {
  double Lo = double(R.Kiln.Min), Hi = double(R.Kiln.Max);
  if (R.hasNative()) {
    Lo = std::min(Lo, double(R.Native.Min));
    Hi = std::max(Hi, double(R.Native.Max));
  }
  if (R.BudgetNs) {
    Lo = std::min(Lo, double(R.BudgetNs));
    Hi = std::max(Hi, double(R.BudgetNs));
  }
  Lo = std::pow(10, std::floor(std::log10(std::max(Lo, 1.0))));
  Hi = std::pow(10, std::ceil(std::log10(std::max(Hi, 1.0))));
  if (Hi <= Lo)
    Hi = Lo * 10;
  return {Lo, Hi};
}

/// 1-2-5 ticks on a log axis; the 2s and 5s are labelled only when the
/// axis spans few decades, where they do not crowd each other.
static std::vector<std::pair<double, bool>> logTicks(const LogAxis &A) {
  std::vector<std::pair<double, bool>> Ticks;
  bool Few = std::log10(A.Hi / A.Lo) <= 2.01;
  for (double Decade = A.Lo; Decade <= A.Hi * 1.0001; Decade *= 10)
    for (double M : {1.0, 2.0, 5.0})
      if (M * Decade <= A.Hi * 1.0001)
        Ticks.push_back({M * Decade, M == 1 || Few});
  return Ticks;
}

/// A tick's label: ticks are 1, 2 or 5 times a power of ten, so "2 us"
/// says it all.
static std::string tickLabel(double Ns) {
  if (Ns < 1e3)
    return formatString("%g ns", Ns);
  if (Ns < 1e6)
    return formatString("%g us", Ns / 1e3);
  if (Ns < 1e9)
    return formatString("%g ms", Ns / 1e6);
  return formatString("%g s", Ns / 1e9);
}

static void axisLabel(std::string &Svg, double X, double Y,
                      const std::string &Text, bool Vertical = false) {
  if (Vertical)
    Svg += formatString("<text x=\"%.1f\" y=\"%.1f\" transform=\"rotate(-90 "
                        "%.1f %.1f)\" text-anchor=\"middle\">%s</text>\n",
                        X, Y, X, Y, xmlText(Text).c_str());
  else
    Svg += formatString("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">"
                        "%s</text>\n",
                        X, Y, xmlText(Text).c_str());
}

static void frame(std::string &Svg, double Top) {
  Svg += formatString("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                      "height=\"%.1f\" fill=\"none\" stroke=\"#444\"/>\n",
                      Left, Top, PlotW, PlotH);
}

static void histogram(std::string &Svg, const BenchReport &R,
                      const BenchSamples &S, const LogAxis &X) {
  std::vector<size_t> K = logHistogram(S.LatencyNs, X.Lo, X.Hi, HistBins);
  std::vector<size_t> N;
  if (R.hasNative())
    N = logHistogram(S.NativeLatencyNs, X.Lo, X.Hi, HistBins);
  size_t MaxCount = 1;
  for (size_t C : K)
    MaxCount = std::max(MaxCount, C);
  for (size_t C : N)
    MaxCount = std::max(MaxCount, C);
  // Counts on a log axis from 0.5, so that a bin of one call (the tail
  // this picture is for) is a visible bar, not a pixel.
  LogAxis Y{0.5, std::pow(10, std::ceil(std::log10(double(MaxCount) + 0.5)))};
  Svg += "<g class=\"histogram\">\n";
  frame(Svg, HistTop);
  for (const auto &[V, Label] : logTicks(X)) {
    double Px = Left + X.at(V) * PlotW;
    Svg += formatString("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                        "stroke=\"#ddd\"/>\n",
                        Px, HistTop, Px, HistTop + PlotH);
    if (Label)
      axisLabel(Svg, Px, HistTop + PlotH + 16, tickLabel(V));
  }
  for (double C = 1; C <= Y.Hi; C *= 10) {
    double Py = HistTop + PlotH - Y.at(C) * PlotH;
    Svg += formatString("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                        "stroke=\"#ddd\"/><text x=\"%.1f\" y=\"%.1f\" "
                        "text-anchor=\"end\">%.0f</text>\n",
                        Left, Py, Left + PlotW, Py, Left - 6, Py + 4, C);
  }
  // With a baseline each bin holds two bars side by side, Kiln on the left.
  double BinW = PlotW / double(HistBins);
  double BarW = R.hasNative() ? BinW / 2 : BinW;
  auto Bars = [&](const std::vector<size_t> &Counts, const char *Class,
                  const char *Colour, double Shift) {
    Svg += formatString("<g class=\"%s\" fill=\"%s\">\n", Class, Colour);
    for (size_t B = 0; B < Counts.size(); ++B) {
      if (!Counts[B])
        continue;
      double H = Y.at(double(Counts[B])) * PlotH;
      Svg += formatString("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                          "height=\"%.1f\"><title>%zu calls</title></rect>\n",
                          Left + double(B) * BinW + Shift, HistTop + PlotH - H,
                          BarW, H, Counts[B]);
    }
    Svg += "</g>\n";
  };
  Bars(K, "kiln", KilnColour, 0);
  if (R.hasNative())
    Bars(N, "native", NativeColour, BarW);
  // Kiln's median and p99, so the tail's distance from the body reads off.
  // The labels point away from each other, as the two are often close.
  for (auto [V, Name, Anchor, Dx] :
       {std::tuple{R.Kiln.P50, "p50", "end", -3.0},
        std::tuple{R.Kiln.P99, "p99", "start", 3.0}}) {
    double Px = Left + X.at(double(V)) * PlotW;
    Svg += formatString("<line class=\"percentile\" x1=\"%.1f\" y1=\"%.1f\" "
                        "x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                        "stroke-width=\"1\" stroke-dasharray=\"2 2\"/>"
                        "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" "
                        "fill=\"%s\">Kiln %s</text>\n",
                        Px, HistTop - 12, Px, HistTop + PlotH, KilnColour,
                        Px + Dx, HistTop - 4, Anchor, KilnColour, Name);
  }
  if (R.BudgetNs) {
    double Px = Left + X.at(double(R.BudgetNs)) * PlotW;
    Svg += formatString("<line class=\"budget\" x1=\"%.1f\" y1=\"%.1f\" "
                        "x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                        "stroke-width=\"2\" stroke-dasharray=\"6 4\"/>\n",
                        Px, HistTop, Px, HistTop + PlotH, BudgetColour);
  }
  axisLabel(Svg, Left + PlotW / 2, HistTop + PlotH + 36,
            "latency per call (log scale)");
  axisLabel(Svg, 24, HistTop + PlotH / 2, "calls (log scale)", true);
  Svg += "</g>\n";
}

/// Each call's latency against its index. With more calls than pixel
/// columns, a column shows the range of its calls as a vertical bar, so a
/// single slow call still reaches its height.
static void timeline(std::string &Svg, const BenchReport &R,
                     const BenchSamples &S, const LogAxis &Y) {
  Svg += "<g class=\"timeline\">\n";
  frame(Svg, TimeTop);
  for (const auto &[V, Label] : logTicks(Y)) {
    double Py = TimeTop + PlotH - Y.at(V) * PlotH;
    Svg += formatString("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                        "stroke=\"#ddd\"/>\n",
                        Left, Py, Left + PlotW, Py);
    if (Label)
      Svg += formatString("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">"
                          "%s</text>\n",
                          Left - 6, Py + 4, tickLabel(V).c_str());
  }
  size_t Count = S.LatencyNs.size();
  for (int T = 0; T <= 4; ++T) {
    double Px = Left + PlotW * T / 4;
    axisLabel(Svg, Px, TimeTop + PlotH + 16,
              formatString("%zu", size_t(double(Count) * T / 4)));
  }
  auto Series = [&](const std::vector<uint64_t> &Lat, const char *Class,
                    const char *Colour) {
    if (Lat.empty())
      return;
    size_t Columns = size_t(PlotW);
    bool Dots = Lat.size() <= Columns;
    std::string D;
    auto PyOf = [&](uint64_t V) {
      return TimeTop + PlotH - Y.at(double(V)) * PlotH;
    };
    if (Dots) {
      for (size_t I = 0; I < Lat.size(); ++I)
        D += formatString("M%.1f %.1fh0.01", Left + (double(I) + 0.5) *
                                                        PlotW /
                                                        double(Lat.size()),
                          PyOf(Lat[I]));
    } else {
      for (size_t C = 0; C < Columns; ++C) {
        size_t Begin = C * Lat.size() / Columns;
        size_t End = (C + 1) * Lat.size() / Columns;
        if (Begin == End)
          continue;
        auto [Lo, Hi] = std::minmax_element(Lat.begin() + Begin,
                                            Lat.begin() + End);
        double Top = PyOf(*Hi), Bottom = std::max(PyOf(*Lo), Top + 1);
        D += formatString("M%.1f %.1fV%.1f", Left + double(C) + 0.5, Top,
                          Bottom);
      }
    }
    Svg += formatString("<path class=\"%s\" d=\"%s\" stroke=\"%s\" "
                        "stroke-width=\"%s\" stroke-linecap=\"round\" "
                        "fill=\"none\" stroke-opacity=\"0.8\"/>\n",
                        Class, D.c_str(), Colour, Dots ? "2.5" : "1");
  };
  if (R.hasNative())
    Series(S.NativeLatencyNs, "native", NativeColour);
  Series(S.LatencyNs, "kiln", KilnColour);
  if (R.BudgetNs) {
    double Py = TimeTop + PlotH - Y.at(double(R.BudgetNs)) * PlotH;
    Svg += formatString("<line class=\"budget\" x1=\"%.1f\" y1=\"%.1f\" "
                        "x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                        "stroke-width=\"2\" stroke-dasharray=\"6 4\"/>\n",
                        Left, Py, Left + PlotW, Py, BudgetColour);
  }
  axisLabel(Svg, Left + PlotW / 2, TimeTop + PlotH + 36,
            R.PeriodNs ? formatString("call index (one call every %s)",
                                      formatDuration(double(R.PeriodNs)).c_str())
                       : std::string("call index (back to back)"));
  axisLabel(Svg, 24, TimeTop + PlotH / 2, "latency (log scale)", true);
  Svg += "</g>\n";
}

static void legend(std::string &Svg, const BenchReport &R) {
  struct Entry {
    const char *Colour, *Dash;
    std::string Text;
  };
  std::vector<Entry> Entries = {{KilnColour, "", "Kiln"}};
  if (R.hasNative())
    Entries.push_back({NativeColour, "", "native (" + R.NativeSpec + ")"});
  if (R.BudgetNs)
    Entries.push_back({BudgetColour, "6 4",
                       "budget " + formatDuration(double(R.BudgetNs))});
  double X = Left + PlotW - 250, Y = 58;
  Svg += formatString("<g class=\"legend\"><rect x=\"%.1f\" y=\"%.1f\" "
                      "width=\"250\" height=\"%.1f\" fill=\"white\" "
                      "stroke=\"#aaa\"/>\n",
                      X, Y - 14, 18.0 * double(Entries.size()) + 8);
  for (const Entry &E : Entries) {
    Svg += formatString("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                        "y2=\"%.1f\" stroke=\"%s\" stroke-width=\"3\" "
                        "stroke-dasharray=\"%s\"/><text x=\"%.1f\" "
                        "y=\"%.1f\">%s</text>\n",
                        X + 8, Y, X + 36, Y, E.Colour, E.Dash, X + 44, Y + 4,
                        xmlText(E.Text).c_str());
    Y += 18;
  }
  Svg += "</g>\n";
}

std::string latencySvg(const BenchReport &R, const BenchSamples &S) {
  LogAxis Axis = latencyAxis(R);
  std::string Svg = formatString(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
      "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" "
      "font-size=\"12\">\n<rect width=\"100%%\" height=\"100%%\" "
      "fill=\"white\"/>\n",
      Width, Height, Width, Height);
  std::string Args;
  for (const std::string &A : R.Args)
    Args += (Args.empty() ? "" : ", ") + A;
  // The file's name, not its path: a build directory's path would push
  // the title off the picture.
  std::string File = R.File.substr(R.File.rfind('/') + 1);
  Svg += formatString("<text x=\"%.1f\" y=\"24\" font-size=\"16\" "
                      "font-weight=\"bold\">kiln bench: %s(%s) in %s</text>\n",
                      Left, xmlText(R.Export).c_str(), xmlText(Args).c_str(),
                      xmlText(File).c_str());
  std::string Sub =
      formatString("%zu calls %s; Kiln p50 %s, p99 %s, max %s", R.Count,
                   R.PeriodNs ? ("every " + formatDuration(double(R.PeriodNs)))
                                    .c_str()
                              : "back to back",
                   formatDuration(double(R.Kiln.P50)).c_str(),
                   formatDuration(double(R.Kiln.P99)).c_str(),
                   formatDuration(double(R.Kiln.Max)).c_str());
  if (R.BudgetNs)
    Sub += formatString("; %zu over budget", R.Kiln.BudgetMisses);
  Svg += formatString("<text x=\"%.1f\" y=\"44\">%s</text>\n", Left,
                      xmlText(Sub).c_str());
  legend(Svg, R);
  histogram(Svg, R, S, Axis);
  timeline(Svg, R, S, Axis);
  Svg += "</svg>\n";
  return Svg;
}

Error writeLatencySvg(const std::string &Path, const BenchReport &R,
                      const BenchSamples &S) {
  return writeTextFile(Path, latencySvg(R, S));
}

} // namespace kiln::cli
