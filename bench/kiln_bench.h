//===- bench/kiln_bench.h - The parts of kiln-bench -------------*- C++ -*-===//
//
// Each part registers its Google Benchmark benchmarks; false means its setup
// failed (the reason is already reported through reportFailure()).
//
//===----------------------------------------------------------------------===//
#ifndef KILN_BENCH_KILN_BENCH_H
#define KILN_BENCH_KILN_BENCH_H

namespace kiln::bench {

bool registerKernelBenchmarks();  // kernel_bench.cc
bool registerMicroBenchmarks();   // micro_bench.cc
bool registerCompileBenchmarks(); // compile_bench.cc
bool registerLimitBenchmarks();   // limit_bench.cc

} // namespace kiln::bench

#endif // KILN_BENCH_KILN_BENCH_H
