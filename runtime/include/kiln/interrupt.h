//===- kiln/interrupt.h - Deadlines, interrupts and epochs ------*- C++ -*-===//
//
// Any call into Wasm can be stopped: generated code polls a word of its
// VMContext at function entries and loop headers (kiln/abi.h), so a call
// that passes its deadline, whose instance is interrupt()ed, or whose epoch
// deadline is reached ends with the Interrupted trap, with the function and
// the Wasm backtrace like any trap. The instance and the runtime stay
// usable. Three ways to bound a call:
//
//   - a wall-clock deadline (Deadline::after / Deadline::at): a watchdog
//     thread of the runtime sets the word when it passes (POSIX);
//   - an epoch deadline (Deadline::afterEpochs): the call stops once the
//     process-wide epoch has advanced by N; the embedder advances it with
//     incrementEpoch() from whatever tick it has (a timer thread, or on a
//     device without threads the timer interrupt: incrementEpoch() takes no
//     lock and allocates nothing), or lets an EpochTicker thread do it;
//   - Instance::interrupt(), from any thread, at any time.
//
// Nested calls (Wasm -> host -> Wasm) stop at the earliest deadline of
// the calls they are nested in. Artifacts compiled with --no-interrupt have
// no polls: a deadline on them is refused with an error, not ignored.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_INTERRUPT_H
#define KILN_INTERRUPT_H

#include <chrono>
#include <cstdint>
#include <climits>
#include <memory>

namespace kiln {

/// When a call must stop. A plain value: copy it, keep it per task.
class Deadline {
public:
  /// No bound (the default).
  static Deadline none() { return Deadline(); }
  /// `Budget` from the moment the call starts.
  static Deadline after(std::chrono::nanoseconds Budget) {
    Deadline D;
    D.K = Kind::Budget;
    D.Ns = Budget.count() < 0 ? 0 : uint64_t(Budget.count());
    return D;
  }
  /// At a point of the steady clock.
  static Deadline at(std::chrono::steady_clock::time_point T) {
    Deadline D;
    D.K = Kind::Absolute;
    auto Ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                  T.time_since_epoch())
                  .count();
    D.Ns = Ns <= 0 ? 1 : uint64_t(Ns);
    return D;
  }
  /// Once incrementEpoch() has been called `Ticks` times after the call
  /// starts.
  static Deadline afterEpochs(uint64_t Ticks) {
    Deadline D;
    D.K = Kind::Epochs;
    D.Ns = Ticks;
    return D;
  }

  /// Fuel: `Units` Wasm instructions (code compiled with --fuel), then the
  /// OutOfFuel trap, at the same instruction on every run and target. On
  /// its own or with a time bound: Deadline::after(10ms).withFuel(N).
  static Deadline fuel(uint64_t Units) { return Deadline().withFuel(Units); }
  Deadline withFuel(uint64_t Units) const {
    Deadline D = *this;
    D.FuelUnits = Units > uint64_t(INT64_MAX) ? uint64_t(INT64_MAX) : Units;
    D.HasFuel = true;
    return D;
  }
  bool hasFuel() const { return HasFuel; }
  uint64_t fuelUnits() const { return FuelUnits; }

  /// No time bound (fuel may still be given).
  bool isNone() const { return K == Kind::None; }
  bool isEpochs() const { return K == Kind::Epochs; }
  /// The steady-clock time in nanoseconds this deadline means for a call
  /// starting at `NowNs` (not for epoch deadlines).
  uint64_t clockNs(uint64_t NowNs) const {
    return K == Kind::Budget ? NowNs + Ns : Ns;
  }
  uint64_t epochTicks() const { return Ns; }

private:
  enum class Kind : uint8_t { None, Budget, Absolute, Epochs };
  Kind K = Kind::None;
  bool HasFuel = false;
  uint64_t Ns = 0;
  uint64_t FuelUnits = 0;
};

/// The process-wide epoch, and one tick of it. incrementEpoch() is
/// lock-free and async-signal-safe: a timer interrupt or a signal handler
/// may call it.
uint64_t currentEpoch();
void incrementEpoch();

/// A thread that calls incrementEpoch() every `Period` while it lives
/// (the runtime-driven epoch of a device with threads).
class EpochTicker {
public:
  explicit EpochTicker(std::chrono::nanoseconds Period);
  ~EpochTicker();
  EpochTicker(const EpochTicker &) = delete;
  EpochTicker &operator=(const EpochTicker &) = delete;

  struct Impl;

private:
  std::unique_ptr<Impl> P;
};

/// The steady clock in nanoseconds, as deadlines read it.
inline uint64_t steadyNowNs() {
  return uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
                      std::chrono::steady_clock::now().time_since_epoch())
                      .count());
}

} // namespace kiln

#endif // KILN_INTERRUPT_H
