//===- tools/kiln/realtime.h - Real-time settings for kiln bench -*- C++ -*-===//
//
// What a real-time task does to itself before its first period, so that
// `kiln bench` measures a module the way a controller runs it: pin the
// thread to one CPU, raise it to SCHED_FIFO, lock its memory. Each one says
// why it was refused (usually a missing privilege) instead of silently
// measuring something else.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TOOLS_REALTIME_H
#define KILN_TOOLS_REALTIME_H

#include "kiln/error.h"

namespace kiln::cli {

/// Pins the calling thread to CPU `Cpu` (sched_setaffinity).
Error pinToCpu(int Cpu);

/// Makes the calling thread SCHED_FIFO at priority `Priority` (1..99).
Error useFifoScheduling(int Priority);

/// Sets the calling thread's timer slack to 1 ns (the default, 50 us,
/// lets the kernel serve a periodic release up to 50 us late to batch
/// wake-ups; SCHED_FIFO threads have none).
Error minimizeTimerSlack();

/// Locks every current and future page in memory (mlockall), so that no
/// page fault lands inside a timed call.
Error lockAllMemory();

} // namespace kiln::cli

#endif // KILN_TOOLS_REALTIME_H
