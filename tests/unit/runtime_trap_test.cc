//===- tests/unit/runtime_trap_test.cc - Calls into Wasm, traps, signals --===//
//
// The signal handler must leave faults that are not Kiln's alone, so these
// run in forked children (death tests) and check the child dies of SIGSEGV.
//
// On x86-64 and AArch64, a small artifact with hand-written machine code in
// place of generated code exercises the whole call path: entry trampolines, results,
// the Trap builtin (function index and Wasm offset), guard-page faults that
// become traps, builtins that trap, the stack limit, host calls through an
// exit trampoline, host errors, re-entrancy, threads and the reuse of the
// runtime after traps.
//
//===----------------------------------------------------------------------===//

#include "kiln/format_writer.h"
#include "kiln/runtime.h"
#include "src/code_registry.h"
#include "src/memory.h"
#include "src/func.h"
#include "src/signals_posix.h"
#include "src/table.h"

#include <gtest/gtest.h>

#include <csignal>
#include <pthread.h>
#include <sys/mman.h>
#include <thread>
#include <unistd.h>

using namespace kiln;
using FK = format::ExternKind;

static volatile int *protNonePage() {
  void *P = mmap(nullptr, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return static_cast<volatile int *>(P);
}

TEST(RuntimeSignalsDeathTest, FaultOutsideGeneratedCodeStillKillsTheProcess) {
  EXPECT_EXIT(
      {
        rt::ensureThreadReady(); // Kiln's handlers are installed
        *protNonePage() = 1;
      },
      testing::KilledBySignal(SIGSEGV), "");
}

TEST(RuntimeSignalsDeathTest, FaultInRegisteredCodeOutsideACallIsNotATrap) {
  EXPECT_EXIT(
      {
        rt::ensureThreadReady();
        volatile int *P = protNonePage();
        // Even with all of the address space registered as generated
        // code, no activation is running, so the fault is not Kiln's.
        Expected<rt::CodeRange> R =
            rt::CodeRange::add(1, ~uintptr_t(0), nullptr);
        if (!R)
          std::abort();
        *P = 1;
      },
      testing::KilledBySignal(SIGSEGV), "");
}

TEST(RuntimeSignalsDeathTest, SentSignalIsNotSwallowed) {
  EXPECT_EXIT(
      {
        rt::ensureThreadReady();
        raise(SIGSEGV);
      },
      testing::KilledBySignal(SIGSEGV), "");
}

TEST(RuntimeCodeRegistry, RangesAreFoundAndReleased) {
  int Owner = 0;
  Expected<rt::CodeRange> A = rt::CodeRange::add(0x1000, 0x2000, &Owner);
  ASSERT_TRUE(bool(A));
  EXPECT_TRUE(rt::codeRangeContains(0x1000));
  EXPECT_TRUE(rt::codeRangeContains(0x1fff));
  EXPECT_FALSE(rt::codeRangeContains(0x2000));
  EXPECT_EQ(rt::codeRangeOwner(0x1800), &Owner);
  {
    rt::CodeRange Moved = std::move(*A);
    EXPECT_TRUE(rt::codeRangeContains(0x1800));
  }
  EXPECT_FALSE(rt::codeRangeContains(0x1800));
  EXPECT_EQ(rt::codeRangeOwner(0x1800), nullptr);
}

#if defined(__x86_64__) || defined(__aarch64__)

namespace {
/// Assembles the test module's text and records where each piece starts.
struct Code {
  std::vector<uint8_t> Bytes;
  uint32_t here() const { return uint32_t(Bytes.size()); }
  void emit(std::initializer_list<uint8_t> B) {
    Bytes.insert(Bytes.end(), B.begin(), B.end());
  }
  void words(std::initializer_list<uint32_t> Ws) { // AArch64 instructions
    for (uint32_t W : Ws)
      for (int I = 0; I < 4; ++I)
        Bytes.push_back(uint8_t(W >> (8 * I)));
  }
};

// Function indices: 0 is the import "host" "get" : [] -> [i32].
enum : uint32_t {
  FRet42 = 1,   // return 42
  FTrap,        // Trap builtin: unreachable at Wasm offset 0x1234
  FOob,         // load at memory base + 0x10000 (1-page memory: faults)
  FCallImport,  // return host.get()
  FRecurse,     // infinite recursion with a prologue stack check
  FFill,        // memory.fill(0xff00, 1, 0x200): out of bounds
  FGrow,        // memory.grow(1)
  NumFuncs
};

/// The functions above (in order), then entry_T0 and exit_T0, for this
/// host: VMContext offsets are those of kiln/abi.h for 8-byte pointers
/// (StackLimit 16, Builtins 24, ImportedFuncs 32).
struct TestCode {
  Code C;
  std::vector<format::FunctionRec> Funcs;
  uint32_t Entry = 0, Exit = 0;
  void begin(uint32_t WasmOffset) {
    Funcs.push_back({0, C.here(), 0, WasmOffset});
  }
  void end() { Funcs.back().CodeSize = C.here() - Funcs.back().CodeOffset; }
};
} // namespace

#if defined(__x86_64__)
static void emitTestCode(TestCode &T) {
  Code &C = T.C;
  T.begin(0x1000); // FRet42
  C.emit({0xb8, 42, 0, 0, 0, 0xc3}); // mov eax, 42; ret
  T.end();

  T.begin(0x1200); // FTrap
  C.emit({0x48, 0x83, 0xec, 0x08,    // sub rsp, 8
          0x48, 0x8b, 0x47, 0x18,    // mov rax, [rdi+24]  (Builtins)
          0xbe, 0x01, 0, 0, 0,       // mov esi, 1         (Unreachable)
          0xba, 0x34, 0x12, 0, 0,    // mov edx, 0x1234
          0xff, 0x10,                // call [rax]         (Trap)
          0x0f, 0x0b});              // ud2
  T.end();

  T.begin(0x1300); // FOob
  C.emit({0x48, 0x8b, 0x07,                   // mov rax, [rdi] (MemoryBase)
          0x8b, 0x80, 0x00, 0x00, 0x01, 0x00, // mov eax, [rax+0x10000]
          0xc3});
  T.end();

  T.begin(0x1400); // FCallImport
  C.emit({0x48, 0x83, 0xec, 0x08, // sub rsp, 8
          0x48, 0x8b, 0x47, 0x20, // mov rax, [rdi+32] (ImportedFuncs)
          0x48, 0x8b, 0x78, 0x08, // mov rdi, [rax+8]  (Ctx)
          0xff, 0x10,             // call [rax]        (Code)
          0x48, 0x83, 0xc4, 0x08, // add rsp, 8
          0xc3});
  T.end();

  T.begin(0x1500); // FRecurse
  uint32_t RecStart = C.here();
  C.emit({0x48, 0x83, 0xec, 0x08,  // sub rsp, 8
          0x48, 0x3b, 0x67, 0x10,  // cmp rsp, [rdi+16] (StackLimit)
          0x72, 0x0a,              // jb trap
          0xe8});                  // call RecStart
  int32_t Rel = int32_t(RecStart) - int32_t(C.here() + 4);
  for (int I = 0; I < 4; ++I)
    C.Bytes.push_back(uint8_t(uint32_t(Rel) >> (8 * I)));
  C.emit({0x48, 0x83, 0xc4, 0x08,  // add rsp, 8
          0xc3,                    // ret
          0x48, 0x8b, 0x47, 0x18,  // trap: mov rax, [rdi+24]
          0xbe, 0x0a, 0, 0, 0,     // mov esi, 10 (StackOverflow)
          0x31, 0xd2,              // xor edx, edx
          0xff, 0x10,              // call [rax]
          0x0f, 0x0b});
  T.end();

  T.begin(0x1600); // FFill
  C.emit({0x48, 0x83, 0xec, 0x08,  // sub rsp, 8
          0x48, 0x8b, 0x47, 0x18,  // mov rax, [rdi+24]
          0xbe, 0x00, 0xff, 0, 0,  // mov esi, 0xff00
          0xba, 0x01, 0, 0, 0,     // mov edx, 1
          0xb9, 0x00, 0x02, 0, 0,  // mov ecx, 0x200
          0xff, 0x50, 0x10,        // call [rax+16] (MemoryFill)
          0x31, 0xc0,              // xor eax, eax
          0x48, 0x83, 0xc4, 0x08,  // add rsp, 8
          0xc3});
  T.end();

  T.begin(0x1700); // FGrow
  C.emit({0x48, 0x83, 0xec, 0x08,  // sub rsp, 8
          0x48, 0x8b, 0x47, 0x18,  // mov rax, [rdi+24]
          0xbe, 0x01, 0, 0, 0,     // mov esi, 1
          0xff, 0x50, 0x08,        // call [rax+8] (MemoryGrow)
          0x48, 0x83, 0xc4, 0x08,  // add rsp, 8
          0xc3});
  T.end();

  T.Entry = C.here(); // entry_T0(Code, Ctx, Slots)
  C.emit({0x53,                    // push rbx
          0x48, 0x89, 0xd3,        // mov rbx, rdx (Slots)
          0x48, 0x89, 0xf8,        // mov rax, rdi (Code)
          0x48, 0x89, 0xf7,        // mov rdi, rsi (Ctx)
          0xff, 0xd0,              // call rax
          0x89, 0x03,              // mov [rbx], eax
          0x5b, 0xc3});            // pop rbx; ret
  T.Exit = C.here(); // exit_T0(HostCtx)
  C.emit({0x48, 0x83, 0xec, 0x18,  // sub rsp, 24
          0x48, 0x89, 0xe6,        // mov rsi, rsp (Slots)
          0x48, 0x8b, 0x47, 0x18,  // mov rax, [rdi+24]
          0xff, 0x50, 0x58,        // call [rax+88] (HostCall)
          0x8b, 0x04, 0x24,        // mov eax, [rsp]
          0x48, 0x83, 0xc4, 0x18,  // add rsp, 24
          0xc3});
}
#else // __aarch64__
static void emitTestCode(TestCode &T) {
  Code &C = T.C;
  const uint32_t Push = 0xa9bf7bfd; // stp x29, x30, [sp, #-16]!
  const uint32_t Pop = 0xa8c17bfd;  // ldp x29, x30, [sp], #16
  const uint32_t Ret = 0xd65f03c0;
  const uint32_t LoadBuiltins = 0xf9400c08; // ldr x8, [x0, #24]
  const uint32_t CallX8 = 0xd63f0100;       // blr x8

  T.begin(0x1000); // FRet42
  C.words({0x52800540, Ret}); // mov w0, #42
  T.end();

  T.begin(0x1200); // FTrap
  C.words({Push, LoadBuiltins,
           0xf9400108,  // ldr x8, [x8]        (Trap)
           0x52800021,  // mov w1, #1          (Unreachable)
           0x52824682,  // mov w2, #0x1234
           CallX8,
           0xd4200000}); // brk #0
  T.end();

  T.begin(0x1300); // FOob
  C.words({0xf9400008,  // ldr x8, [x0]        (MemoryBase)
           0x52a00029,  // mov w9, #0x10000
           0xb8696900,  // ldr w0, [x8, x9]
           Ret});
  T.end();

  T.begin(0x1400); // FCallImport
  C.words({Push,
           0xf9401008,  // ldr x8, [x0, #32]   (ImportedFuncs)
           0xf9400500,  // ldr x0, [x8, #8]    (Ctx)
           0xf9400108,  // ldr x8, [x8]        (Code)
           CallX8, Pop, Ret});
  T.end();

  T.begin(0x1500); // FRecurse
  C.words({Push,        // 0
           0xf9400808,  // 1: ldr x8, [x0, #16] (StackLimit)
           0x910003e9,  // 2: mov x9, sp
           0xeb08013f,  // 3: cmp x9, x8
           0x54000083,  // 4: b.lo 8
           0x97fffffb,  // 5: bl 0
           Pop, Ret,    // 6, 7
           LoadBuiltins, // 8
           0xf9400108,  // ldr x8, [x8]
           0x52800141,  // mov w1, #10 (StackOverflow)
           0x52800002,  // mov w2, #0
           CallX8,
           0xd4200000}); // brk #0
  T.end();

  T.begin(0x1600); // FFill
  C.words({Push, LoadBuiltins,
           0xf9400908,  // ldr x8, [x8, #16]   (MemoryFill)
           0x529fe001,  // mov w1, #0xff00
           0x52800022,  // mov w2, #1
           0x52804003,  // mov w3, #0x200
           CallX8,
           0x52800000,  // mov w0, #0
           Pop, Ret});
  T.end();

  T.begin(0x1700); // FGrow
  C.words({Push, LoadBuiltins,
           0xf9400508,  // ldr x8, [x8, #8]    (MemoryGrow)
           0x52800021,  // mov w1, #1
           CallX8, Pop, Ret});
  T.end();

  T.Entry = C.here(); // entry_T0(Code, Ctx, Slots)
  C.words({0xa9be7bfd,  // stp x29, x30, [sp, #-32]!
           0xf9000bf3,  // str x19, [sp, #16]
           0xaa0203f3,  // mov x19, x2 (Slots)
           0xaa0003e8,  // mov x8, x0  (Code)
           0xaa0103e0,  // mov x0, x1  (Ctx)
           CallX8,
           0xb9000260,  // str w0, [x19]
           0xf9400bf3,  // ldr x19, [sp, #16]
           0xa8c27bfd,  // ldp x29, x30, [sp], #32
           Ret});
  T.Exit = C.here(); // exit_T0(HostCtx)
  C.words({0xa9be7bfd,  // stp x29, x30, [sp, #-32]!
           0x910043e1,  // add x1, sp, #16 (Slots)
           LoadBuiltins,
           0xf9402d08,  // ldr x8, [x8, #88]   (HostCall)
           CallX8,
           0xb94013e0,  // ldr w0, [sp, #16]
           0xa8c27bfd,  // ldp x29, x30, [sp], #32
           Ret});
}
#endif

static format::Artifact testArtifact() {
  TestCode T;
  emitTestCode(T);
  Code &C = T.C;
  std::vector<format::FunctionRec> &Funcs = T.Funcs;
  uint32_t Entry = T.Entry, Exit = T.Exit;

  format::Artifact A;
  A.TargetArch = hostArch();
  A.Mode = MemoryMode::Guard;
  A.PointerBytes = 8;
  A.Target.Triple = archTriple(hostArch());
  A.Types.push_back({{}, {0x7f}});
  format::ImportRec Imp;
  Imp.Module = "host";
  Imp.Field = "get";
  Imp.Kind = uint8_t(FK::Func);
  A.Imports.push_back(Imp);
  A.Functions = Funcs;
  format::LimitsRec Lim;
  Lim.Min = 1;
  Lim.HasMax = 1;
  Lim.Max = 2;
  A.Memories.push_back({Lim});
  const char *Names[] = {"get", "ret42", "trap", "oob", "callimp",
                         "recurse", "fill", "grow"};
  for (uint32_t I = 0; I < NumFuncs; ++I)
    A.Exports.push_back({Names[I], uint8_t(FK::Func), I});
  A.Exports.push_back({"mem", uint8_t(FK::Memory), 0});
  A.Trampolines.push_back({Entry, Exit});
  uint32_t Page = uint32_t(sysconf(_SC_PAGESIZE));
  A.Image.PageAlign = Page;
  A.Image.TextSize = C.here();
  A.Image.ReadOnlyOffset = Page;
  A.Image.Bytes = C.Bytes;
  A.Image.Bytes.resize(Page, 0);
  return A;
}

class RuntimeCall : public testing::Test {
protected:
  void SetUp() override {
    Expected<std::shared_ptr<Module>> M =
        Module::load(format::writeArtifact(testArtifact()));
    ASSERT_TRUE(bool(M)) << M.takeError().str();
    Mod = *M;
  }

  std::unique_ptr<Instance> instantiate(HostFunc Get) {
    Linker L;
    L.defineFunc("host", "get", {{}, {ValType::I32}}, std::move(Get));
    Expected<std::unique_ptr<Instance>> I = L.instantiate(*Mod);
    EXPECT_TRUE(bool(I)) << (I ? "" : I.takeError().str());
    return I ? std::move(*I) : nullptr;
  }

  static HostFunc constant(uint32_t V) {
    return [V](std::span<const Value>, std::span<Value> R) {
      R[0] = Value::i32(V);
      return Error::success();
    };
  }

  static uint32_t callI32(Instance &I, const char *Name) {
    Expected<std::vector<Value>> R = I.call(Name, {});
    EXPECT_TRUE(bool(R)) << (R ? "" : R.takeError().str());
    if (!R || R->size() != 1)
      return ~0u;
    EXPECT_EQ((*R)[0].Type, ValType::I32);
    return (*R)[0].i32();
  }

  static Error callTrap(Instance &I, const char *Name) {
    Expected<std::vector<Value>> R = I.call(Name, {});
    if (R)
      return Error::make(ErrorKind::Usage, "returned normally");
    return R.takeError();
  }

  std::shared_ptr<Module> Mod;
};

TEST_F(RuntimeCall, ReturnsResultsThroughTheEntryTrampoline) {
  std::unique_ptr<Instance> I = instantiate(constant(7));
  ASSERT_TRUE(I);
  EXPECT_EQ(callI32(*I, "ret42"), 42u);
}

TEST_F(RuntimeCall, TrapBuiltinNamesTheFunctionAndOffset) {
  std::unique_ptr<Instance> I = instantiate(constant(7));
  ASSERT_TRUE(I);
  Error E = callTrap(*I, "trap");
  ASSERT_EQ(E.kind(), ErrorKind::Trap);
  EXPECT_EQ(E.trapCode(), uint32_t(TrapCode::Unreachable));
  EXPECT_EQ(E.message(), "unreachable");
  EXPECT_EQ(E.funcIndex(), uint32_t(FTrap));
  EXPECT_EQ(E.offset(), 0x1234u);
  // The runtime stays usable.
  EXPECT_EQ(callI32(*I, "ret42"), 42u);
}

TEST_F(RuntimeCall, GuardPageFaultBecomesAMemoryTrap) {
  std::unique_ptr<Instance> I = instantiate(constant(7));
  ASSERT_TRUE(I);
  Error E = callTrap(*I, "oob");
  ASSERT_EQ(E.kind(), ErrorKind::Trap) << E.str();
  EXPECT_EQ(E.trapCode(), uint32_t(TrapCode::MemoryOutOfBounds));
  EXPECT_EQ(E.message(), "out of bounds memory access");
  EXPECT_EQ(E.funcIndex(), uint32_t(FOob));
  // After memory.grow the same access is in bounds.
  EXPECT_EQ(callI32(*I, "grow"), 1u);
  EXPECT_EQ(callI32(*I, "oob"), 0u);
  EXPECT_EQ(callI32(*I, "grow"), ~0u); // max 2 pages
}

TEST_F(RuntimeCall, BuiltinBoundsCheckTrapsInTheCallingFunction) {
  std::unique_ptr<Instance> I = instantiate(constant(7));
  ASSERT_TRUE(I);
  Error E = callTrap(*I, "fill");
  ASSERT_EQ(E.kind(), ErrorKind::Trap) << E.str();
  EXPECT_EQ(E.message(), "out of bounds memory access");
  EXPECT_EQ(E.funcIndex(), uint32_t(FFill));
  std::optional<Extern> Mem = I->exportOf("mem");
  ASSERT_TRUE(Mem);
  EXPECT_EQ(memoryData(*Mem->M)[0xff00], 0); // nothing written
  EXPECT_EQ(callI32(*I, "grow"), 1u);
  EXPECT_EQ(callI32(*I, "fill"), 0u); // fits in two pages
  EXPECT_EQ(memoryData(*Mem->M)[0xff00], 1);
  EXPECT_EQ(memoryData(*Mem->M)[0x100ff], 1);
}

TEST_F(RuntimeCall, StackExhaustionTrapsAtTheLimit) {
  std::unique_ptr<Instance> I = instantiate(constant(7));
  ASSERT_TRUE(I);
  for (size_t Bytes : {size_t(64 * 1024), size_t(512 * 1024)}) {
    I->setMaxStackBytes(Bytes);
    Error E = callTrap(*I, "recurse");
    ASSERT_EQ(E.kind(), ErrorKind::Trap) << E.str();
    EXPECT_EQ(E.message(), "call stack exhausted");
    EXPECT_EQ(E.funcIndex(), uint32_t(FRecurse));
  }
  EXPECT_EQ(callI32(*I, "ret42"), 42u);
}

TEST_F(RuntimeCall, CallsHostFunctionsThroughTheExitTrampoline) {
  std::unique_ptr<Instance> I = instantiate(constant(1234));
  ASSERT_TRUE(I);
  EXPECT_EQ(callI32(*I, "callimp"), 1234u);
  // The import's own export calls the host function directly.
  EXPECT_EQ(callI32(*I, "get"), 1234u);
}

TEST_F(RuntimeCall, HostErrorTrapsWithItsMessage) {
  std::unique_ptr<Instance> I =
      instantiate([](std::span<const Value>, std::span<Value>) {
        return Error::make(ErrorKind::Usage, "sensor offline");
      });
  ASSERT_TRUE(I);
  Error E = callTrap(*I, "callimp");
  ASSERT_EQ(E.kind(), ErrorKind::Trap);
  EXPECT_EQ(E.trapCode(), uint32_t(TrapCode::HostError));
  EXPECT_EQ(E.message(), "sensor offline");
  EXPECT_EQ(E.funcIndex(), 0u); // the import that failed
}

TEST_F(RuntimeCall, HostFunctionsCanCallBackIntoWasm) {
  Instance *Self = nullptr;
  int Depth = 0;
  std::unique_ptr<Instance> I =
      instantiate([&](std::span<const Value>, std::span<Value> R) {
        // Wasm -> host -> Wasm (a normal return, then a trap that the host
        // sees as an Error), then back to the outer Wasm frame.
        ++Depth;
        Expected<std::vector<Value>> Inner = Self->call("ret42", {});
        if (!Inner)
          return Inner.takeError();
        Expected<std::vector<Value>> Trapped = Self->call("trap", {});
        EXPECT_FALSE(Trapped);
        if (!Trapped)
          EXPECT_EQ(Trapped.takeError().kind(), ErrorKind::Trap);
        if (Depth < 3) { // and nested once more through the import
          Expected<std::vector<Value>> Again = Self->call("callimp", {});
          if (!Again)
            return Again.takeError();
        }
        R[0] = Value::i32((*Inner)[0].i32() + 1);
        return Error::success();
      });
  ASSERT_TRUE(I);
  Self = I.get();
  EXPECT_EQ(callI32(*I, "callimp"), 43u);
  EXPECT_EQ(Depth, 3);
}

TEST_F(RuntimeCall, TrapInsideANestedCallUnwindsOnlyToIt) {
  Instance *Self = nullptr;
  std::unique_ptr<Instance> I =
      instantiate([&](std::span<const Value>, std::span<Value> R) {
        Expected<std::vector<Value>> Oob = Self->call("oob", {});
        if (Oob)
          return Error::make(ErrorKind::Usage, "expected a trap");
        Error E = Oob.takeError();
        R[0] = Value::i32(E.trapCode());
        return Error::success();
      });
  ASSERT_TRUE(I);
  Self = I.get();
  EXPECT_EQ(callI32(*I, "callimp"), uint32_t(TrapCode::MemoryOutOfBounds));
}

TEST_F(RuntimeCall, ManyTrapsInARow) {
  std::unique_ptr<Instance> I = instantiate(constant(7));
  ASSERT_TRUE(I);
  for (int K = 0; K < 2000; ++K) {
    Error E = callTrap(*I, K % 2 ? "oob" : "trap");
    ASSERT_EQ(E.kind(), ErrorKind::Trap);
  }
  EXPECT_EQ(callI32(*I, "ret42"), 42u);
}

TEST_F(RuntimeCall, TrapsOnOtherThreads) {
  std::vector<std::thread> Threads;
  std::atomic<int> Ok{0};
  for (int T = 0; T < 4; ++T)
    Threads.emplace_back([&] {
      std::unique_ptr<Instance> I = instantiate(constant(5));
      if (!I)
        return;
      for (int K = 0; K < 100; ++K) {
        Error E = callTrap(*I, "oob");
        if (E.trapCode() != uint32_t(TrapCode::MemoryOutOfBounds))
          return;
        Error S = callTrap(*I, "recurse");
        if (S.trapCode() != uint32_t(TrapCode::StackOverflow))
          return;
      }
      if (callI32(*I, "callimp") == 5)
        ++Ok;
    });
  for (std::thread &T : Threads)
    T.join();
  EXPECT_EQ(Ok.load(), 4);
}

TEST_F(RuntimeCall, ArgumentsAreChecked) {
  std::unique_ptr<Instance> I = instantiate(constant(7));
  ASSERT_TRUE(I);
  Value Arg[] = {Value::i32(1)};
  Expected<std::vector<Value>> R = I->call("ret42", Arg);
  ASSERT_FALSE(R);
  Error E = R.takeError();
  EXPECT_EQ(E.kind(), ErrorKind::Usage);
  EXPECT_EQ(E.message(), "expected 0 arguments, got 1");
}

TEST_F(RuntimeCall, ExportedFunctionsKeepTheirInstanceAlive) {
  std::shared_ptr<Func> F;
  {
    std::unique_ptr<Instance> I = instantiate(constant(99));
    ASSERT_TRUE(I);
    std::optional<Extern> X = I->exportOf("callimp");
    ASSERT_TRUE(X && X->F);
    F = X->F;
  }
  Expected<std::vector<Value>> R = callFunc(*F, {});
  ASSERT_TRUE(bool(R)) << R.takeError().str();
  EXPECT_EQ((*R)[0].i32(), 99u);
  EXPECT_EQ(funcSig(*F), (FuncSig{{}, {ValType::I32}}));
}

TEST_F(RuntimeCall, HostCrashInsideACallIsNotSwallowed) {
  std::unique_ptr<Instance> I =
      instantiate([](std::span<const Value>, std::span<Value> R) {
        *protNonePage() = 1; // a bug in the host: not a guest trap
        R[0] = Value::i32(0);
        return Error::success();
      });
  ASSERT_TRUE(I);
  EXPECT_EXIT((void)I->call("callimp", {}), testing::KilledBySignal(SIGSEGV),
              "");
}

/// testArtifact() plus an imported funcref table "env" "tab" with active
/// segments: ret42 at 0, then (if Fail) a segment past the table's end.
static format::Artifact tableArtifact(bool Fail) {
  format::Artifact A = testArtifact();
  format::ImportRec T;
  T.Module = "env";
  T.Field = "tab";
  T.Kind = uint8_t(FK::Table);
  T.ElemType = uint8_t(ValType::FuncRef);
  T.Lim.Min = 2;
  A.Imports.push_back(T);
  format::ElemRec Seg;
  Seg.Mode = uint8_t(format::SegmentMode::Active);
  Seg.Offset.Kind = uint8_t(format::ConstKind::I32);
  Seg.ElemType = uint8_t(ValType::FuncRef);
  format::ConstExprRec Ref;
  Ref.Kind = uint8_t(format::ConstKind::RefFunc);
  Ref.Index = FRet42;
  Seg.Items = {Ref};
  A.Elems.push_back(Seg);
  if (Fail) {
    Seg.Offset.Bits[0] = 1;
    Seg.Items = {Ref, Ref};
    A.Elems.push_back(Seg);
  }
  return A;
}

static std::shared_ptr<Table> linkTable(Linker &L) {
  Expected<std::shared_ptr<Table>> T =
      createTable(ValType::FuncRef, 2, std::nullopt);
  EXPECT_TRUE(bool(T));
  Extern E;
  E.Kind = kiln::ExternKind::Table;
  E.T = *T;
  L.define("env", "tab", E);
  L.defineFunc("host", "get", {{}, {ValType::I32}},
               [](std::span<const Value>, std::span<Value> R) {
                 R[0] = Value::i32(0);
                 return Error::success();
               });
  return *T;
}

TEST(RuntimeFuncRef, FunctionsOfAFailedInstantiationStayCallable) {
  // linking.wast: "active element segments stored before an out-of-bounds
  // access persist after the instantiation failure", and stay callable.
  Expected<std::shared_ptr<Module>> M =
      Module::load(format::writeArtifact(tableArtifact(true)));
  ASSERT_TRUE(bool(M)) << M.takeError().str();
  std::shared_ptr<Table> T;
  {
    Linker L;
    T = linkTable(L);
    Expected<std::unique_ptr<Instance>> I = L.instantiate(**M);
    ASSERT_FALSE(I);
    EXPECT_EQ(I.takeError().message(), "out of bounds table access");
    M->reset(); // the Linker keeps the failed instance (and code) alive
    ASSERT_NE(T->elems()[0], nullptr);
    EXPECT_EQ(T->elems()[1], nullptr);
    Func *F = rt::funcFromRef(T->elems()[0]);
    Expected<std::vector<Value>> R = callFunc(*F, {});
    ASSERT_TRUE(bool(R)) << R.takeError().str();
    EXPECT_EQ((*R)[0].i32(), 42u);
  }
  // With the Linker gone, so is the failed instance, and its entry is null.
  EXPECT_EQ(T->elems()[0], nullptr);
}

TEST(RuntimeFuncRef, DestroyedInstanceLeavesNoDanglingTableEntries) {
  Expected<std::shared_ptr<Module>> M =
      Module::load(format::writeArtifact(tableArtifact(false)));
  ASSERT_TRUE(bool(M)) << M.takeError().str();
  Linker L;
  std::shared_ptr<Table> T = linkTable(L);
  {
    Expected<std::unique_ptr<Instance>> I = L.instantiate(**M);
    ASSERT_TRUE(bool(I)) << I.takeError().str();
    ASSERT_NE(T->elems()[0], nullptr);
    const rt::FuncRefEntry *E =
        static_cast<const rt::FuncRefEntry *>(T->elems()[0]);
    Expected<std::vector<Value>> R = callFunc(*rt::funcFromRef(T->elems()[0]), {});
    ASSERT_TRUE(bool(R));
    EXPECT_EQ((*R)[0].i32(), 42u);
    EXPECT_NE(E->SigId, 0u);
  }
  // The instance is gone: call_indirect through the table now finds null
  // ("uninitialized element") instead of freed code.
  EXPECT_EQ(T->elems()[0], nullptr);
}

static void *recurseOnSmallStack(void *Arg) {
  auto *I = static_cast<Instance *>(Arg);
  Expected<std::vector<Value>> R = I->call("recurse", {});
  if (R)
    return nullptr;
  Error E = R.takeError();
  return reinterpret_cast<void *>(uintptr_t(E.trapCode()));
}

TEST_F(RuntimeCall, SmallThreadStacksTrapInsteadOfOverflowing) {
  std::unique_ptr<Instance> I = instantiate(constant(7));
  ASSERT_TRUE(I);
  I->setMaxStackBytes(size_t(16) << 20); // more than the thread has
  pthread_attr_t Attr;
  pthread_attr_init(&Attr);
  pthread_attr_setstacksize(&Attr, 256 * 1024);
  pthread_t T;
  ASSERT_EQ(pthread_create(&T, &Attr, recurseOnSmallStack, I.get()), 0);
  void *Result = nullptr;
  pthread_join(T, &Result);
  pthread_attr_destroy(&Attr);
  EXPECT_EQ(uintptr_t(Result), uintptr_t(TrapCode::StackOverflow));
}

#endif // __x86_64__ || __aarch64__
