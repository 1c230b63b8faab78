//===- compiler/wasm/validator.cc - Module validation ---------------------===//
//
// Module-level rules of the Wasm 2.0 spec (section 3.4), in the spec's
// wording for the messages the test suite checks.
//
//===----------------------------------------------------------------------===//

#include "compiler/wasm/validator.h"

#include "compiler/wasm/func_validator.h"
#include "compiler/wasm/limits.h"
#include "compiler/wasm/op_reader.h"

#include <string_view>
#include <unordered_set>

namespace kiln::wasm {

static Error invalid(uint64_t Offset, std::string Msg) {
  return Error::make(ErrorKind::Invalid, std::move(Msg)).atOffset(Offset);
}

ModuleContext::ModuleContext(const Module &M)
    : M(M), DeclaredRefs(M.Funcs.size(), false) {
  // C.refs: every function named by ref.func outside function bodies, or
  // exported. Only these may be named by ref.func inside a body.
  auto Declare = [&](const ConstExpr &E) {
    for (const ConstInstr &C : E.Instrs)
      if (C.Opcode == Op::RefFunc && C.Index < DeclaredRefs.size())
        DeclaredRefs[C.Index] = true;
  };
  for (const Global &G : M.Globals)
    Declare(G.Init);
  for (const ElemSegment &S : M.Elems)
    for (const ConstExpr &Item : S.Items)
      Declare(Item);
  for (const Export &E : M.Exports)
    if (E.Kind == ExternKind::Func && E.Index < DeclaredRefs.size())
      DeclaredRefs[E.Index] = true;
}

/// Constant expressions see only imported globals (Wasm 2.0), must consist
/// of constant instructions, and must produce exactly one value of `Want`.
static Error validateConstExpr(const Module &M, const ConstExpr &E,
                               ValType Want, const char *What) {
  std::vector<ValType> Stack;
  for (const ConstInstr &C : E.Instrs) {
    switch (C.Opcode) {
    case Op::I32Const:
      Stack.push_back(ValType::I32);
      break;
    case Op::I64Const:
      Stack.push_back(ValType::I64);
      break;
    case Op::F32Const:
      Stack.push_back(ValType::F32);
      break;
    case Op::F64Const:
      Stack.push_back(ValType::F64);
      break;
    case Op::V128Const:
      Stack.push_back(ValType::V128);
      break;
    case Op::RefNull:
      Stack.push_back(C.RefType);
      break;
    case Op::RefFunc:
      if (C.Index >= M.Funcs.size())
        return invalid(C.Offset, formatString("unknown function %u", C.Index));
      Stack.push_back(ValType::FuncRef);
      break;
    case Op::GlobalGet: {
      if (C.Index >= M.NumImportedGlobals)
        return invalid(C.Offset,
                       formatString("unknown global %u: constant expressions "
                                    "may only read imported globals",
                                    C.Index));
      const GlobalType &G = M.Globals[C.Index].Type;
      if (G.Mutable)
        return invalid(C.Offset,
                       formatString("constant expression required: global "
                                    "%u is mutable",
                                    C.Index));
      Stack.push_back(G.Type);
      break;
    }
    default:
      return invalid(C.Offset, formatString("constant expression required: "
                                            "%s is not constant",
                                            opName(C.Opcode)));
    }
  }
  if (Stack.size() != 1 || Stack[0] != Want)
    return invalid(E.Offset,
                   formatString("type mismatch: %s must produce one %s, it "
                                "produces %zu value(s)%s%s",
                                What, valTypeName(Want), Stack.size(),
                                Stack.size() == 1 ? " of type " : "",
                                Stack.size() == 1 ? valTypeName(Stack[0])
                                                  : ""));
  return Error::success();
}

static Error validateLimits(uint64_t Offset, const Limits &L, uint64_t Range,
                            const char *Unit) {
  if (L.Min > Range || (L.Max && *L.Max > Range))
    return invalid(Offset, formatString("%s size must be at most %llu %s",
                                        Unit, (unsigned long long)Range,
                                        std::string_view(Unit) == "memory"
                                            ? "pages (4GiB)"
                                            : "elements"));
  if (L.Max && L.Min > *L.Max)
    return invalid(Offset,
                   formatString("size minimum must not be greater than "
                                "maximum (%llu > %llu)",
                                (unsigned long long)L.Min,
                                (unsigned long long)*L.Max));
  return Error::success();
}

static Error validateImportsAndTypes(const Module &M) {
  for (const Import &Imp : M.Imports) {
    switch (Imp.Kind) {
    case ExternKind::Func:
      if (Imp.FuncTypeIndex >= M.Types.size())
        return invalid(Imp.Offset,
                       formatString("unknown type %u", Imp.FuncTypeIndex));
      break;
    case ExternKind::Table:
      KILN_CHECK(validateLimits(Imp.Offset, Imp.Table.Lim, UINT32_MAX,
                                "table"));
      break;
    case ExternKind::Memory:
      KILN_CHECK(validateLimits(Imp.Offset, Imp.Memory.Lim, MaxMemoryPages,
                                "memory"));
      break;
    case ExternKind::Global:
      break;
    }
  }
  for (size_t I = M.NumImportedFuncs; I < M.Funcs.size(); ++I)
    if (M.Funcs[I] >= M.Types.size())
      return invalid(M.Bodies.empty() ? 0 : M.body(uint32_t(I)).Offset,
                     formatString("unknown type %u", M.Funcs[I]))
          .inFunction(uint32_t(I));
  for (size_t I = M.NumImportedTables; I < M.Tables.size(); ++I) {
    KILN_CHECK(validateLimits(0, M.Tables[I].Lim, UINT32_MAX, "table"));
    // After the spec's rules, so that an invalid table is reported as
    // invalid (the spec suite's "size minimum must not be greater than
    // maximum" for a minimum of 2^32-1).
    if (M.Tables[I].Lim.Min > MaxTableSize)
      return limitError(formatString("initial elements in table %zu", I),
                        M.Tables[I].Lim.Min, MaxTableSize, NoOffset)
          .inSection("table");
  }
  for (size_t I = M.NumImportedMemories; I < M.Memories.size(); ++I)
    KILN_CHECK(validateLimits(0, M.Memories[I].Lim, MaxMemoryPages, "memory")
                   .inSection("memory"));
  if (M.Memories.size() > 1)
    return invalid(0, formatString("multiple memories: %zu declared, Wasm 2.0 "
                                   "allows one",
                                   M.Memories.size()))
        .inSection("memory");
  return Error::success();
}

static Error validateSegments(const Module &M) {
  for (size_t I = 0; I < M.Elems.size(); ++I) {
    const ElemSegment &S = M.Elems[I];
    if (S.Mode == SegmentMode::Active) {
      if (S.Table >= M.Tables.size())
        return invalid(S.SourceOffset,
                       formatString("unknown table %u", S.Table));
      KILN_CHECK(validateConstExpr(M, S.Offset, ValType::I32,
                                   "an element segment offset"));
      if (M.Tables[S.Table].Elem != S.Type)
        return invalid(S.SourceOffset,
                       formatString("type mismatch: element segment %zu of "
                                    "%s for a table of %s",
                                    I, valTypeName(S.Type),
                                    valTypeName(M.Tables[S.Table].Elem)));
    }
    for (const ConstExpr &Item : S.Items)
      KILN_CHECK(validateConstExpr(M, Item, S.Type, "an element"));
  }
  for (const DataSegment &D : M.Datas) {
    if (D.Mode != SegmentMode::Active)
      continue;
    if (D.Memory >= M.Memories.size())
      return invalid(D.SourceOffset,
                     formatString("unknown memory %u", D.Memory));
    KILN_CHECK(validateConstExpr(M, D.Offset, ValType::I32,
                                 "a data segment offset"));
  }
  return Error::success();
}

static Error validateExports(const Module &M) {
  std::unordered_set<std::string_view> Names;
  Names.reserve(M.Exports.size());
  for (const Export &E : M.Exports) {
    if (!Names.insert(E.Name).second)
      return invalid(E.Offset,
                     formatString("duplicate export name \"%s\"",
                                  E.Name.c_str()));
    size_t Limit = 0;
    switch (E.Kind) {
    case ExternKind::Func:
      Limit = M.Funcs.size();
      break;
    case ExternKind::Table:
      Limit = M.Tables.size();
      break;
    case ExternKind::Memory:
      Limit = M.Memories.size();
      break;
    case ExternKind::Global:
      Limit = M.Globals.size();
      break;
    }
    if (E.Index >= Limit)
      return invalid(E.Offset,
                     formatString("unknown %s %u",
                                  E.Kind == ExternKind::Func
                                      ? "function"
                                      : externKindName(E.Kind),
                                  E.Index));
  }
  return Error::success();
}

Error validateModuleFields(const ModuleContext &Ctx) {
  const Module &M = Ctx.M;
  KILN_CHECK(validateImportsAndTypes(M));
  for (size_t I = M.NumImportedGlobals; I < M.Globals.size(); ++I)
    KILN_CHECK(validateConstExpr(M, M.Globals[I].Init, M.Globals[I].Type.Type,
                                 "a global initializer")
                   .inSection("global"));
  KILN_CHECK(validateExports(M));
  if (M.Start) {
    if (*M.Start >= M.Funcs.size())
      return invalid(0, formatString("unknown function %u", *M.Start))
          .inSection("start");
    const FuncType &T = M.funcType(*M.Start);
    if (!T.Params.empty() || !T.Results.empty())
      return invalid(0, formatString("start function %u must take no "
                                     "parameters and return nothing",
                                     *M.Start))
          .inSection("start");
  }
  return validateSegments(M);
}

static Error bodyEndsInsideBlock(uint64_t End) {
  return Error::make(ErrorKind::Malformed,
                     "END opcode expected: the body ends inside a block")
      .atOffset(End);
}

/// Decodes the rest of a body without validating it, tracking only block
/// nesting (`Depth` open blocks, the function's own included), and returns
/// the first encoding error, if any. Using a data index without a data count
/// section is an encoding error too (the spec's decoder checks it).
static Error findMalformedRest(const Module &M, OpReader &Ops, size_t Depth) {
  Instr I;
  while (!Ops.atEnd()) {
    KILN_CHECK(Ops.next(I));
    if (Depth == 0)
      return Error::make(ErrorKind::Malformed,
                         "operators remaining after end of function")
          .atOffset(I.Offset);
    if ((I.Opcode == Op::MemoryInit || I.Opcode == Op::DataDrop) &&
        !M.DataCount)
      return Error::make(ErrorKind::Malformed, "data count section required")
          .atOffset(I.Offset);
    if (I.Opcode == Op::Block || I.Opcode == Op::Loop || I.Opcode == Op::If)
      ++Depth;
    else if (I.Opcode == Op::End)
      --Depth;
  }
  if (Depth != 0)
    return bodyEndsInsideBlock(Ops.offset());
  return Error::success();
}

Error validateFunction(const ModuleContext &Ctx, uint32_t FuncIndex,
                       const Features &F) {
  const Module &M = Ctx.M;
  const FuncBody &B = M.body(FuncIndex);
  Reader R = Reader(M.Bytes).window(B.CodeStart, B.End - B.CodeStart);
  OpReader Ops(R, F);
  FuncValidator V(Ctx, FuncIndex);
  Instr I;
  while (!Ops.atEnd()) {
    if (Error E = Ops.next(I))
      return std::move(E).inFunction(FuncIndex).inSection("code");
    size_t Depth = V.frames().size();
    if (Error E = V.step(I)) {
      // Decoding comes before validation in the spec, so a malformed
      // encoding later in this body outranks the type error found here.
      if (I.Opcode == Op::Block || I.Opcode == Op::Loop || I.Opcode == Op::If)
        ++Depth;
      else if (I.Opcode == Op::End)
        --Depth;
      // A malformed error found by step() is already the first one.
      if (E.kind() != ErrorKind::Malformed)
        if (Error Mal = findMalformedRest(M, Ops, Depth))
          return std::move(Mal).inFunction(FuncIndex).inSection("code");
      return std::move(E).inSection("code");
    }
  }
  if (!V.done())
    return bodyEndsInsideBlock(B.End).inFunction(FuncIndex).inSection("code");
  return Error::success();
}

/// The first encoding error in the bodies of functions From.., if any.
static Error findMalformedBodies(const Module &M, uint32_t From,
                                 const Features &F) {
  for (uint32_t I = From; I < M.Funcs.size(); ++I) {
    const FuncBody &B = M.body(I);
    Reader R = Reader(M.Bytes).window(B.CodeStart, B.End - B.CodeStart);
    OpReader Ops(R, F);
    if (Error E = findMalformedRest(M, Ops, 1))
      return std::move(E).inFunction(I).inSection("code");
  }
  return Error::success();
}

Error validateModule(const Module &M, const Features &F) {
  ModuleContext Ctx(M);
  // Decoding precedes validation in the spec, so when validation fails, an
  // encoding error in a body not yet read is the module's real error. The
  // bodies are only re-read on that failure path.
  if (Error E = validateModuleFields(Ctx)) {
    // A malformed body outranks an invalid module field (the spec decodes
    // everything before it validates anything): the field's error goes.
    if (Error Mal = findMalformedBodies(M, M.NumImportedFuncs, F)) {
      std::move(E).consume();
      return Mal;
    }
    return E;
  }
  for (uint32_t I = M.NumImportedFuncs; I < M.Funcs.size(); ++I) {
    if (Error E = validateFunction(Ctx, I, F)) {
      if (E.kind() != ErrorKind::Malformed)
        if (Error Mal = findMalformedBodies(M, I + 1, F)) {
          std::move(E).consume();
          return Mal;
        }
      return E;
    }
  }
  return Error::success();
}

} // namespace kiln::wasm
