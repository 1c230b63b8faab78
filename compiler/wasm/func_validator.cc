//===- compiler/wasm/func_validator.cc - Operand/control stacks -----------===//

#include "compiler/wasm/func_validator.h"

#include <algorithm>

namespace kiln::wasm {

/// Single-element spans for block types written as one value type.
static std::span<const ValType> singleType(ValType T) {
  static const ValType Types[] = {ValType::I32,     ValType::I64,
                                  ValType::F32,     ValType::F64,
                                  ValType::V128,    ValType::FuncRef,
                                  ValType::ExternRef};
  for (const ValType &S : Types)
    if (S == T)
      return std::span<const ValType>(&S, 1);
  KILN_UNREACHABLE("not a value type");
}

static ValType fromOpType(OpType T) {
  switch (T) {
  case OpType::I32:
    return ValType::I32;
  case OpType::I64:
    return ValType::I64;
  case OpType::F32:
    return ValType::F32;
  case OpType::F64:
    return ValType::F64;
  case OpType::V128:
    return ValType::V128;
  case OpType::FuncRef:
    return ValType::FuncRef;
  case OpType::ExternRef:
    return ValType::ExternRef;
  case OpType::Void:
  case OpType::Any:
    break;
  }
  KILN_UNREACHABLE("no single value type for this column");
}

static const char *typeName(ValType T) {
  return T == UnknownType ? "unknown" : valTypeName(T);
}

FuncValidator::FuncValidator(const ModuleContext &Ctx, uint32_t FuncIndex)
    : Ctx(Ctx), M(Ctx.M), FuncIndex(FuncIndex) {
  const FuncType &T = M.funcType(FuncIndex);
  const FuncBody &B = M.body(FuncIndex);
  Params = T.Params;
  Runs = B.Locals;
  NumLocals = T.Params.size();
  RunEnds.reserve(B.Locals.size());
  for (const LocalRun &Run : B.Locals)
    RunEnds.push_back(NumLocals += Run.Count);
  pushFrame(Op::Nop, {}, T.Results);
}

std::optional<ValType> FuncValidator::localType(uint32_t Index) const {
  if (Index < Params.size())
    return Params[Index];
  if (Index >= NumLocals)
    return std::nullopt;
  // The first run that ends after Index holds it.
  size_t Run = std::upper_bound(RunEnds.begin(), RunEnds.end(),
                                uint64_t(Index)) -
               RunEnds.begin();
  return Runs[Run].Type;
}

Error FuncValidator::fail(const Instr &I, std::string Msg) const {
  return Error::make(ErrorKind::Invalid, std::move(Msg))
      .atOffset(I.Offset)
      .inFunction(FuncIndex);
}

Error FuncValidator::typeMismatch(const Instr &I, ValType Want,
                                  ValType Got) const {
  return fail(I, formatString("type mismatch: %s expected %s, found %s",
                              opName(I.Opcode), typeName(Want),
                              typeName(Got)));
}

Error FuncValidator::pop(const Instr &I, ValType &Got) {
  const ControlFrame &F = Frames.back();
  if (Operands.size() == F.Height) {
    if (F.Unreachable) {
      Got = UnknownType;
      return Error::success();
    }
    return fail(I, formatString("type mismatch: %s expected an operand, "
                                "the stack is empty",
                                opName(I.Opcode)));
  }
  Got = Operands.back();
  Operands.pop_back();
  return Error::success();
}

Error FuncValidator::popExpect(const Instr &I, ValType Want) {
  ValType Got = {};
  KILN_CHECK(pop(I, Got));
  if (Got != Want && Got != UnknownType && Want != UnknownType)
    return typeMismatch(I, Want, Got);
  return Error::success();
}

Error FuncValidator::popAll(const Instr &I, std::span<const ValType> Ts) {
  for (size_t K = Ts.size(); K-- > 0;)
    KILN_CHECK(popExpect(I, Ts[K]));
  return Error::success();
}

void FuncValidator::pushFrame(Op O, std::span<const ValType> Params,
                              std::span<const ValType> Results) {
  Frames.push_back(
      ControlFrame{O, Params, Results, uint32_t(Operands.size()), false});
}

Error FuncValidator::popFrame(const Instr &I, ControlFrame &Out) {
  const ControlFrame &F = Frames.back();
  KILN_CHECK(popAll(I, F.Results));
  if (Operands.size() != F.Height)
    return fail(I, formatString("type mismatch: %zu extra value(s) on the "
                                "stack at the end of the block",
                                Operands.size() - F.Height));
  Out = F;
  Frames.pop_back();
  return Error::success();
}

void FuncValidator::markUnreachable() {
  ControlFrame &F = Frames.back();
  Operands.resize(F.Height);
  F.Unreachable = true;
}

Error FuncValidator::blockSignature(const Instr &I,
                                    std::span<const ValType> &Params,
                                    std::span<const ValType> &Results) {
  switch (I.Block.K) {
  case BlockType::Empty:
    Params = Results = {};
    return Error::success();
  case BlockType::Value:
    Params = {};
    Results = singleType(I.Block.Type);
    return Error::success();
  case BlockType::TypeIndex:
    if (I.Block.Index >= M.Types.size())
      return fail(I, formatString("unknown type %u", I.Block.Index));
    Params = M.Types[I.Block.Index].Params;
    Results = M.Types[I.Block.Index].Results;
    return Error::success();
  }
  KILN_UNREACHABLE("unhandled block type kind");
}

Error FuncValidator::checkMemory(const Instr &I, uint32_t Index) const {
  if (Index >= M.Memories.size())
    return fail(I, formatString("unknown memory %u", Index));
  return Error::success();
}

Error FuncValidator::checkTable(const Instr &I, uint32_t Index) const {
  if (Index >= M.Tables.size())
    return fail(I, formatString("unknown table %u", Index));
  return Error::success();
}

Error FuncValidator::checkMemArg(const Instr &I) const {
  KILN_CHECK(checkMemory(I, I.Mem.Memory));
  unsigned Width = opInfo(I.Opcode).Width;
  if (I.Mem.AlignLog2 >= 32 || (uint64_t(1) << I.Mem.AlignLog2) > Width)
    return fail(I, formatString("alignment must not be larger than natural "
                                "(%s: 2^%u > %u)",
                                opName(I.Opcode), I.Mem.AlignLog2, Width));
  return Error::success();
}

Error FuncValidator::step(const Instr &I) {
  if (Done)
    return Error::make(ErrorKind::Malformed,
                       "operators remaining after end of function")
        .atOffset(I.Offset)
        .inFunction(FuncIndex);
  switch (opInfo(I.Opcode).Category) {
  case OpCategory::Control:
    return stepControl(I);
  case OpCategory::Call:
    return stepCall(I);
  case OpCategory::Parametric:
    return stepParametric(I);
  case OpCategory::Variable:
    return stepVariable(I);
  case OpCategory::Table:
    return stepTable(I);
  case OpCategory::Reference:
    return stepReference(I);
  case OpCategory::Memory:
    return stepMemory(I);
  case OpCategory::Load:
  case OpCategory::Store:
  case OpCategory::Const:
  case OpCategory::Unary:
  case OpCategory::Binary:
  case OpCategory::Compare:
  case OpCategory::Test:
  case OpCategory::Convert:
  case OpCategory::SimdLoad:
  case OpCategory::SimdStore:
  case OpCategory::SimdLoadLane:
  case OpCategory::SimdStoreLane:
  case OpCategory::SimdConst:
  case OpCategory::SimdShuffle:
  case OpCategory::SimdSwizzle:
  case OpCategory::SimdSplat:
  case OpCategory::SimdExtractLane:
  case OpCategory::SimdReplaceLane:
  case OpCategory::SimdCompare:
  case OpCategory::SimdBitwise:
  case OpCategory::SimdTest:
  case OpCategory::SimdShift:
  case OpCategory::SimdUnary:
  case OpCategory::SimdBinary:
  case OpCategory::SimdConvert:
  case OpCategory::SimdRelaxed:
    return stepPure(I);
  }
  KILN_UNREACHABLE("unhandled opcode category");
}

Error FuncValidator::stepPure(const Instr &I) {
  const OpInfo &Info = opInfo(I.Opcode);
  switch (Info.Imm) {
  case ImmKind::MemArg:
    KILN_CHECK(checkMemArg(I));
    break;
  case ImmKind::MemArgLane:
    KILN_CHECK(checkMemArg(I));
    if (I.Lane >= 16 / Info.Width)
      return fail(I, formatString("invalid lane index %u", I.Lane));
    break;
  case ImmKind::LaneIdx:
    if (I.Lane >= Info.Width)
      return fail(I, formatString("invalid lane index %u", I.Lane));
    break;
  case ImmKind::Shuffle:
    for (uint8_t L : I.Bytes)
      if (L >= 32)
        return fail(I, formatString("invalid lane index %u", L));
    break;
  default:
    break;
  }
  // Operands are popped last-pushed first.
  for (OpType P : {Info.P2, Info.P1, Info.P0})
    if (P != OpType::Void)
      KILN_CHECK(popExpect(I, fromOpType(P)));
  if (Info.Result != OpType::Void)
    push(fromOpType(Info.Result));
  return Error::success();
}

Error FuncValidator::stepControl(const Instr &I) {
  switch (I.Opcode) {
  case Op::Unreachable:
    markUnreachable();
    return Error::success();
  case Op::Nop:
    return Error::success();
  case Op::Block:
  case Op::Loop:
  case Op::If: {
    std::span<const ValType> Params, Results;
    KILN_CHECK(blockSignature(I, Params, Results));
    if (I.Opcode == Op::If)
      KILN_CHECK(popExpect(I, ValType::I32));
    KILN_CHECK(popAll(I, Params));
    pushFrame(I.Opcode, Params, Results);
    pushAll(Params);
    return Error::success();
  }
  case Op::Else: {
    if (Frames.back().Opcode != Op::If)
      return Error::make(ErrorKind::Malformed, "else without matching if")
          .atOffset(I.Offset)
          .inFunction(FuncIndex);
    ControlFrame F;
    KILN_CHECK(popFrame(I, F));
    pushFrame(Op::Else, F.Params, F.Results);
    pushAll(F.Params);
    return Error::success();
  }
  case Op::End: {
    ControlFrame F;
    KILN_CHECK(popFrame(I, F));
    // An `if` without `else` has an implicit else that passes its
    // parameters through, so they must equal its results.
    if (F.Opcode == Op::If &&
        !std::equal(F.Params.begin(), F.Params.end(), F.Results.begin(),
                    F.Results.end()))
      return fail(I, "type mismatch: if without else must have matching "
                     "parameter and result types");
    pushAll(F.Results);
    if (Frames.empty())
      Done = true;
    return Error::success();
  }
  case Op::Br:
  case Op::BrIf: {
    if (I.Index >= Frames.size())
      return fail(I, formatString("unknown label %u", I.Index));
    std::span<const ValType> Ts = Frames[Frames.size() - 1 - I.Index].labelTypes();
    if (I.Opcode == Op::BrIf)
      KILN_CHECK(popExpect(I, ValType::I32));
    KILN_CHECK(popAll(I, Ts));
    if (I.Opcode == Op::Br)
      markUnreachable();
    else
      pushAll(Ts);
    return Error::success();
  }
  case Op::BrTable: {
    KILN_CHECK(popExpect(I, ValType::I32));
    const std::vector<uint32_t> &Targets = *I.Targets;
    for (uint32_t L : Targets)
      if (L >= Frames.size())
        return fail(I, formatString("unknown label %u", L));
    auto LabelOf = [&](uint32_t L) {
      return Frames[Frames.size() - 1 - L].labelTypes();
    };
    std::span<const ValType> Default = LabelOf(Targets.back());
    // Every target must accept the operands; check each against the stack
    // without consuming it, then consume the default's.
    for (size_t K = 0; K + 1 < Targets.size(); ++K) {
      std::span<const ValType> Ts = LabelOf(Targets[K]);
      if (Ts.size() != Default.size())
        return fail(I, formatString("type mismatch: br_table target %u has "
                                    "%zu values, the default has %zu",
                                    Targets[K], Ts.size(), Default.size()));
      std::vector<ValType> Saved(Operands.begin() + Frames.back().Height,
                                 Operands.end());
      KILN_CHECK(popAll(I, Ts));
      Operands.resize(Frames.back().Height);
      Operands.insert(Operands.end(), Saved.begin(), Saved.end());
    }
    KILN_CHECK(popAll(I, Default));
    markUnreachable();
    return Error::success();
  }
  case Op::Return:
    KILN_CHECK(popAll(I, Frames.front().Results));
    markUnreachable();
    return Error::success();
  default:
    break;
  }
  KILN_UNREACHABLE("control opcode without a rule");
}

Error FuncValidator::stepCall(const Instr &I) {
  const FuncType *T;
  if (I.Opcode == Op::Call) {
    if (I.Index >= M.Funcs.size())
      return fail(I, formatString("unknown function %u", I.Index));
    T = &M.funcType(I.Index);
  } else {
    KILN_CHECK(checkTable(I, I.Index2));
    if (M.Tables[I.Index2].Elem != ValType::FuncRef)
      return fail(I, formatString("type mismatch: call_indirect on table "
                                  "%u of externref",
                                  I.Index2));
    if (I.Index >= M.Types.size())
      return fail(I, formatString("unknown type %u", I.Index));
    T = &M.Types[I.Index];
    KILN_CHECK(popExpect(I, ValType::I32));
  }
  KILN_CHECK(popAll(I, T->Params));
  pushAll(T->Results);
  return Error::success();
}

Error FuncValidator::stepParametric(const Instr &I) {
  if (I.Opcode == Op::Drop) {
    ValType Ignored = {};
    return pop(I, Ignored);
  }
  if (I.Opcode == Op::SelectT) {
    if (I.SelectArity != 1)
      return fail(I, formatString("invalid result arity %u for select",
                                  I.SelectArity));
    KILN_CHECK(popExpect(I, ValType::I32));
    KILN_CHECK(popExpect(I, I.Type));
    KILN_CHECK(popExpect(I, I.Type));
    push(I.Type);
    return Error::success();
  }
  // Untyped select: both operands of one numeric or vector type.
  KILN_CHECK(popExpect(I, ValType::I32));
  ValType A = {}, B = {};
  KILN_CHECK(pop(I, A));
  KILN_CHECK(pop(I, B));
  auto NumOrVec = [](ValType T) {
    return T == UnknownType || isNumType(T) || T == ValType::V128;
  };
  if (!NumOrVec(A) || !NumOrVec(B))
    return fail(I, "type mismatch: select without a type needs numeric or "
                   "vector operands");
  if (A != B && A != UnknownType && B != UnknownType)
    return typeMismatch(I, B, A);
  push(A == UnknownType ? B : A);
  return Error::success();
}

Error FuncValidator::stepVariable(const Instr &I) {
  switch (I.Opcode) {
  case Op::LocalGet:
  case Op::LocalSet:
  case Op::LocalTee: {
    std::optional<ValType> Local = localType(I.Index);
    if (!Local)
      return fail(I, formatString("unknown local %u", I.Index));
    ValType T = *Local;
    if (I.Opcode == Op::LocalGet) {
      push(T);
      return Error::success();
    }
    KILN_CHECK(popExpect(I, T));
    if (I.Opcode == Op::LocalTee)
      push(T);
    return Error::success();
  }
  case Op::GlobalGet:
  case Op::GlobalSet: {
    if (I.Index >= M.Globals.size())
      return fail(I, formatString("unknown global %u", I.Index));
    const GlobalType &G = M.Globals[I.Index].Type;
    if (I.Opcode == Op::GlobalGet) {
      push(G.Type);
      return Error::success();
    }
    if (!G.Mutable)
      return fail(I, formatString("global is immutable: global.set %u",
                                  I.Index));
    return popExpect(I, G.Type);
  }
  default:
    break;
  }
  KILN_UNREACHABLE("variable opcode without a rule");
}

Error FuncValidator::stepTable(const Instr &I) {
  if (I.Opcode == Op::ElemDrop) {
    if (I.Index >= M.Elems.size())
      return fail(I, formatString("unknown elem segment %u", I.Index));
    return Error::success();
  }
  if (I.Opcode == Op::TableInit) {
    if (I.Index >= M.Elems.size())
      return fail(I, formatString("unknown elem segment %u", I.Index));
    KILN_CHECK(checkTable(I, I.Index2));
    if (M.Elems[I.Index].Type != M.Tables[I.Index2].Elem)
      return fail(I, "type mismatch: table.init element type differs from "
                     "the table's");
    for (int K = 0; K < 3; ++K)
      KILN_CHECK(popExpect(I, ValType::I32));
    return Error::success();
  }
  if (I.Opcode == Op::TableCopy) {
    KILN_CHECK(checkTable(I, I.Index));
    KILN_CHECK(checkTable(I, I.Index2));
    if (M.Tables[I.Index].Elem != M.Tables[I.Index2].Elem)
      return fail(I, "type mismatch: table.copy between tables of different "
                     "element types");
    for (int K = 0; K < 3; ++K)
      KILN_CHECK(popExpect(I, ValType::I32));
    return Error::success();
  }
  KILN_CHECK(checkTable(I, I.Index));
  ValType T = M.Tables[I.Index].Elem;
  switch (I.Opcode) {
  case Op::TableGet:
    KILN_CHECK(popExpect(I, ValType::I32));
    push(T);
    return Error::success();
  case Op::TableSet:
    KILN_CHECK(popExpect(I, T));
    return popExpect(I, ValType::I32);
  case Op::TableSize:
    push(ValType::I32);
    return Error::success();
  case Op::TableGrow:
    KILN_CHECK(popExpect(I, ValType::I32));
    KILN_CHECK(popExpect(I, T));
    push(ValType::I32);
    return Error::success();
  case Op::TableFill:
    KILN_CHECK(popExpect(I, ValType::I32));
    KILN_CHECK(popExpect(I, T));
    return popExpect(I, ValType::I32);
  default:
    break;
  }
  KILN_UNREACHABLE("table opcode without a rule");
}

Error FuncValidator::stepReference(const Instr &I) {
  switch (I.Opcode) {
  case Op::RefNull:
    push(I.Type);
    return Error::success();
  case Op::RefIsNull: {
    ValType T = {};
    KILN_CHECK(pop(I, T));
    if (T != UnknownType && !isRefType(T))
      return fail(I, formatString("type mismatch: ref.is_null expected a "
                                  "reference, found %s",
                                  typeName(T)));
    push(ValType::I32);
    return Error::success();
  }
  case Op::RefFunc:
    if (I.Index >= M.Funcs.size())
      return fail(I, formatString("unknown function %u", I.Index));
    if (!Ctx.DeclaredRefs[I.Index])
      return fail(I, formatString("undeclared function reference %u",
                                  I.Index));
    push(ValType::FuncRef);
    return Error::success();
  default:
    break;
  }
  KILN_UNREACHABLE("reference opcode without a rule");
}

Error FuncValidator::stepMemory(const Instr &I) {
  // memory.init and data.drop name data segments before the data section
  // is seen, which is what the data count section exists for. Without it
  // the module is malformed, which outranks any validation error here.
  if ((I.Opcode == Op::MemoryInit || I.Opcode == Op::DataDrop) &&
      !M.DataCount)
    return Error::make(ErrorKind::Malformed, "data count section required")
        .atOffset(I.Offset)
        .inFunction(FuncIndex);
  if (I.Opcode != Op::DataDrop) // the one that touches no memory
    KILN_CHECK(checkMemory(I, 0));
  switch (I.Opcode) {
  case Op::MemorySize:
    push(ValType::I32);
    return Error::success();
  case Op::MemoryGrow:
    KILN_CHECK(popExpect(I, ValType::I32));
    push(ValType::I32);
    return Error::success();
  case Op::MemoryCopy:
  case Op::MemoryFill:
    for (int K = 0; K < 3; ++K)
      KILN_CHECK(popExpect(I, ValType::I32));
    return Error::success();
  case Op::MemoryInit:
  case Op::DataDrop:
    break;
  default:
    KILN_UNREACHABLE("memory opcode without a rule");
  }
  if (I.Index >= *M.DataCount)
    return fail(I, formatString("unknown data segment %u", I.Index));
  if (I.Opcode == Op::MemoryInit)
    for (int K = 0; K < 3; ++K)
      KILN_CHECK(popExpect(I, ValType::I32));
  return Error::success();
}

} // namespace kiln::wasm
