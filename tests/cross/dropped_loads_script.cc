//===- tests/cross/dropped_loads_script.cc - Loads in loops LLVM may delete -===//
//
// kiln-dropped-loads-script OUT_DIR FUNCS SEED
//
// Writes OUT_DIR/dropped_loads.wast, a spec-test script of FUNCS random
// functions, each a loop (or a tail recursion) whose loads' values are
// never needed: dropped, multiplied by zero into the loop counter, or
// kept in a local nobody reads. The counter lives in a global or a local
// and its final value is computable from the arguments, so without
// guard_traps.h's region keepers LLVM's loop deletion removes such a loop
// whole, with the loads that were the bounds checks of guard mode
// (found by differential fuzzing). The shapes: `loop if .. br 1` (the
// fuzzer's), do-while, `block loop br_if 1`, counting up, nested loops,
// a load on every other iteration, and self-recursion.
//
// Each function is (param $n i32) (param $a i32) (result i32): n
// iterations, loads at a + counter * stride + offset; it returns the
// counter's final value. For each function the script asserts a run whose
// highest access ends at memory's last byte (returns the model's counter),
// one a byte further (traps), and where the loop may run no load, a run
// with n = 0 and an out-of-bounds a (returns). Run in both memory modes at
// every optimization level, here and under qemu-user per target.
//
//===----------------------------------------------------------------------===//

#include <cstdint>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace {

constexpr int64_t MemBytes = 65536;

enum class Shape { IfBr, DoWhile, WhileExit, CountUp, Nested, EveryOther, Recursion };
constexpr Shape Shapes[] = {Shape::IfBr,   Shape::DoWhile,    Shape::WhileExit,
                            Shape::CountUp, Shape::Nested,    Shape::EveryOther,
                            Shape::Recursion};

/// A load and how its value becomes an i32.
struct LoadOp {
  const char *Instr;   // the opcode
  unsigned Width;      // bytes read
  const char *Lane;    // a lane load's lane immediate (after the memarg), or ""
  const char *ToI32;   // converts the loaded value to i32
};
constexpr LoadOp Loads[] = {
    {"i32.load", 4, "", ""},
    {"i32.load8_u", 1, "", ""},
    {"i32.load16_s", 2, "", ""},
    {"i64.load", 8, "", "i32.wrap_i64"},
    {"i64.load32_u", 4, "", "i32.wrap_i64"},
    {"f32.load", 4, "", "i32.reinterpret_f32"},
    {"f64.load", 8, "", "i64.reinterpret_f64 i32.wrap_i64"},
    {"v128.load", 16, "", "i32x4.extract_lane 1"},
    {"v128.load32_zero", 4, "", "i32x4.extract_lane 0"},
    {"v128.load64_splat", 8, "", "i32x4.extract_lane 3"},
    {"v128.load8x8_s", 8, "", "i32x4.extract_lane 2"},
    {"v128.load16_lane", 2, "3", "i32x4.extract_lane 0"},
};

/// What happens to the loaded value: nothing needs it.
enum class Use { Drop, TimesZeroIntoCounter, DeadLocal };

struct Func {
  Shape S;
  bool GlobalCounter;
  const LoadOp *Load;
  Use U;
  uint32_t Stride, Offset, N;
};

/// The counter values at which `F` loads, and the counter it returns, run
/// with n = N.
std::pair<std::vector<int64_t>, int64_t> model(const Func &F, int64_t N) {
  std::vector<int64_t> At;
  switch (F.S) {
  case Shape::IfBr:
  case Shape::WhileExit:
  case Shape::Recursion:
    for (int64_t C = N - 1; C >= 0; --C)
      At.push_back(C);
    return {At, 0};
  case Shape::DoWhile: // decrements, loads, and goes on while > 0
    for (int64_t C = N - 1;; --C) {
      At.push_back(C);
      if (C <= 0)
        return {At, C};
    }
  case Shape::CountUp:
    for (int64_t K = 0; K < N; ++K)
      At.push_back(K);
    return {At, N};
  case Shape::Nested: // two inner iterations per outer one
    for (int64_t C = N - 1; C >= 0; --C)
      At.insert(At.end(), {C, C});
    return {At, 0};
  case Shape::EveryOther:
    for (int64_t C = N - 1; C >= 0; --C)
      if (C % 2 == 0)
        At.push_back(C);
    return {At, 0};
  }
  return {At, 0};
}

class Writer {
public:
  Writer(const Func &F, unsigned Index)
      : F(F), Helper("$rec_" + std::to_string(Index)) {}

  std::string body() {
    if (F.S == Shape::Recursion)
      return "    local.get $n\n    local.get $a\n    call " + Helper + "\n";
    setCounter("local.get $n");
    switch (F.S) {
    case Shape::IfBr:
      line("loop $l");
      line("  " + get() + " if");
      decrement("    ");
      load("    ", get());
      line("    br $l");
      line("  end");
      line("end");
      break;
    case Shape::DoWhile:
      line("loop $l");
      decrement("  ");
      load("  ", get());
      line("  " + get() + " i32.const 0 i32.gt_s br_if $l");
      line("end");
      break;
    case Shape::WhileExit:
      line("block $out");
      line("  loop $l");
      line("    " + get() + " i32.eqz br_if $out");
      decrement("    ");
      load("    ", get());
      line("    br $l");
      line("  end");
      line("end");
      break;
    case Shape::CountUp: // k counts up to the counter, which holds n
      line("block $out");
      line("  loop $l");
      line("    local.get $k " + get() + " i32.ge_u br_if $out");
      load("    ", "local.get $k");
      line("    local.get $k i32.const 1 i32.add local.set $k");
      line("    br $l");
      line("  end");
      line("end");
      Out << "    local.get $k\n";
      return Out.str();
    case Shape::Nested:
      line("loop $outer");
      line("  " + get() + " if");
      decrement("    ");
      line("    i32.const 2 local.set $j");
      line("    loop $inner");
      line("      local.get $j if");
      line("        local.get $j i32.const 1 i32.sub local.set $j");
      load("        ", get());
      line("        br $inner");
      line("      end");
      line("    end");
      line("    br $outer");
      line("  end");
      line("end");
      break;
    case Shape::EveryOther:
      line("loop $l");
      line("  " + get() + " if");
      decrement("    ");
      line("    " + get() + " i32.const 1 i32.and i32.eqz if");
      load("      ", get());
      line("    end");
      line("    br $l");
      line("  end");
      line("end");
      break;
    case Shape::Recursion:
      break;
    }
    Out << "    " << get() << "\n";
    return Out.str();
  }

  /// Recursion's helper: rec(c, a) = c == 0 ? 0 : (load at c - 1; rec(c - 1, a)).
  std::string recursiveHelper() {
    std::ostringstream R;
    R << "  (func " << Helper << " (param $c i32) (param $a i32) (result i32)\n"
      << "    (local $sink i32)\n"
      << "    local.get $c i32.eqz if i32.const 0 return end\n"
      << "    local.get $c i32.const 1 i32.sub local.set $c\n";
    Out.str("");
    load("    ", "local.get $c", /*IntoCounter=*/false);
    R << Out.str() << "    local.get $c\n    local.get $a\n    call " << Helper
      << "\n    return)\n";
    Out.str("");
    return R.str();
  }

private:
  std::string get() const {
    return F.GlobalCounter ? "global.get $count" : "local.get $c";
  }
  std::string set() const {
    return F.GlobalCounter ? "global.set $count" : "local.set $c";
  }
  void line(const std::string &S) { Out << "    " << S << "\n"; }
  void setCounter(const std::string &Value) { line(Value + " " + set()); }
  void decrement(const std::string &Indent) {
    line(Indent + get() + " i32.const 1 i32.sub " + set());
  }

  /// The load at a + Counter * stride (+ offset), and its use.
  void load(const std::string &Indent, const std::string &Counter,
            bool IntoCounter = true) {
    std::string Addr = "local.get $a " + Counter + " i32.const " +
                       std::to_string(F.Stride) + " i32.mul i32.add";
    // A lane load takes the vector to insert into after the address.
    std::string Access =
        F.Load->Lane[0]
            ? Addr + " v128.const i64x2 0 0 " + F.Load->Instr + " offset=" +
                  std::to_string(F.Offset) + " " + F.Load->Lane
            : Addr + " " + F.Load->Instr + " offset=" + std::to_string(F.Offset);
    std::string ToI32 = F.Load->ToI32[0] ? std::string(" ") + F.Load->ToI32 : "";
    switch (F.U) {
    case Use::Drop:
      line(Indent + Access + " drop");
      break;
    case Use::TimesZeroIntoCounter:
      if (IntoCounter && F.S != Shape::CountUp) {
        line(Indent + Access + ToI32 + " i32.const 0 i32.mul " + get() +
             " i32.add " + set());
        break;
      }
      [[fallthrough]];
    case Use::DeadLocal:
      line(Indent + Access + ToI32 + " local.set $sink");
      break;
    }
  }

  const Func &F;
  std::string Helper; // Recursion: the recursive function's name
  std::ostringstream Out;
};

} // namespace

int main(int argc, char **argv) {
  if (argc != 4) {
    std::cerr << "usage: kiln-dropped-loads-script OUT_DIR FUNCS SEED\n";
    return 2;
  }
  std::string Dir = argv[1];
  unsigned Count = unsigned(std::stoul(argv[2]));
  std::mt19937_64 Rng(std::stoull(argv[3]));
  auto Pick = [&](unsigned N) { return unsigned(Rng() % N); };

  std::vector<Func> Funcs;
  for (unsigned I = 0; I < Count; ++I) {
    Func F;
    // Every shape and counter place first, then at random.
    F.S = Shapes[I < 14 ? I / 2 : Pick(std::size(Shapes))];
    F.GlobalCounter = I < 14 ? I % 2 == 0 : Pick(2) == 0;
    F.Load = &Loads[Pick(std::size(Loads))];
    F.U = Use(Pick(3));
    constexpr uint32_t Strides[] = {0, 0, 1, 8, 4096};
    constexpr uint32_t Offsets[] = {0, 0, 3, 1000};
    F.Stride = Strides[Pick(std::size(Strides))];
    F.Offset = Offsets[Pick(std::size(Offsets))];
    F.N = 1 + Pick(5);
    Funcs.push_back(F);
  }

  std::ostringstream Module, Asserts;
  Module << "(module\n  (memory 1)\n  (global $count (mut i32) (i32.const 0))\n";
  for (unsigned I = 0; I < Funcs.size(); ++I) {
    const Func &F = Funcs[I];
    Writer W(F, I);
    std::string Rec = F.S == Shape::Recursion ? W.recursiveHelper() : "";
    std::string Body = W.body();
    Module << Rec << "  (func (export \"f" << I
           << "\") (param $n i32) (param $a i32) (result i32)\n"
           << "    (local $c i32) (local $k i32) (local $j i32) (local $sink i32)\n"
           << Body << "  )\n";

    auto [At, Final] = model(F, F.N);
    int64_t MaxEnd = 0;
    for (int64_t C : At)
      MaxEnd = std::max(MaxEnd, C * F.Stride + F.Offset + F.Load->Width);
    int64_t Fits = MemBytes - MaxEnd;
    std::string Name = "\"f" + std::to_string(I) + "\"";
    Asserts << "(assert_return (invoke " << Name << " (i32.const " << F.N
            << ") (i32.const " << Fits << ")) (i32.const " << Final << "))\n"
            << "(assert_trap (invoke " << Name << " (i32.const " << F.N
            << ") (i32.const " << Fits + 1
            << ")) \"out of bounds memory access\")\n";
    if (model(F, 0).first.empty())
      Asserts << "(assert_return (invoke " << Name
              << " (i32.const 0) (i32.const 65536)) (i32.const "
              << model(F, 0).second << "))\n";
  }
  Module << ")\n";

  std::string Path = Dir + "/dropped_loads.wast";
  std::ofstream File(Path);
  File << ";; Generated by kiln-dropped-loads-script: loads in loops LLVM may delete.\n"
       << Module.str() << Asserts.str();
  if (!File.flush()) {
    std::cerr << "kiln-dropped-loads-script: cannot write " << Path << "\n";
    return 1;
  }
  std::cout << "dropped loads: " << Funcs.size() << " functions\n";
  return 0;
}
