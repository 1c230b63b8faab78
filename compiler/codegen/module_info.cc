//===- compiler/codegen/module_info.cc - Module model to records ----------===//

#include "compiler/codegen/module_info.h"

#include "compiler/codegen/module_lowering.h"
#include "compiler/codegen/trampolines.h"

namespace kiln::codegen {

static format::LimitsRec limits(const wasm::Limits &L) {
  format::LimitsRec R;
  R.Min = L.Min;
  R.HasMax = L.Max.has_value();
  R.Max = L.Max.value_or(0);
  return R;
}

static format::ConstExprRec constExpr(const wasm::ConstExpr &E) {
  // Validation guarantees a Wasm 2.0 constant expression: one instruction.
  const wasm::ConstInstr &I = E.Instrs.front();
  format::ConstExprRec R;
  R.Bits = I.Imm;
  R.Index = I.Index;
  switch (I.Opcode) {
  case wasm::Op::I32Const:
    R.Kind = uint8_t(format::ConstKind::I32);
    break;
  case wasm::Op::I64Const:
    R.Kind = uint8_t(format::ConstKind::I64);
    break;
  case wasm::Op::F32Const:
    R.Kind = uint8_t(format::ConstKind::F32);
    break;
  case wasm::Op::F64Const:
    R.Kind = uint8_t(format::ConstKind::F64);
    break;
  case wasm::Op::V128Const:
    R.Kind = uint8_t(format::ConstKind::V128);
    break;
  case wasm::Op::GlobalGet:
    R.Kind = uint8_t(format::ConstKind::GlobalGet);
    break;
  case wasm::Op::RefNull:
    R.Kind = uint8_t(format::ConstKind::RefNull);
    R.Type = uint8_t(I.RefType);
    break;
  case wasm::Op::RefFunc:
    R.Kind = uint8_t(format::ConstKind::RefFunc);
    break;
  default:
    KILN_UNREACHABLE("validated constant expression with another opcode");
  }
  return R;
}

static std::vector<uint8_t> typeBytes(const std::vector<wasm::ValType> &Ts) {
  std::vector<uint8_t> Out;
  for (wasm::ValType T : Ts)
    Out.push_back(uint8_t(T));
  return Out;
}

static Expected<SymbolPlacement> symbol(const LaidOutImage &Img,
                                        const std::string &Name) {
  auto It = Img.Symbols.find(Name);
  if (It == Img.Symbols.end())
    return Error::make(ErrorKind::Unsupported,
                       "internal compiler error: no code for symbol " + Name);
  return It->second;
}

Error describeModule(const wasm::Module &M, LaidOutImage &Img,
                     format::Artifact &Art) {
  for (const wasm::FuncType &T : M.Types)
    Art.Types.push_back({typeBytes(T.Params), typeBytes(T.Results)});
  for (const wasm::Import &I : M.Imports) {
    format::ImportRec R;
    R.Module = I.Module;
    R.Field = I.Field;
    R.Kind = uint8_t(I.Kind);
    R.TypeIndex = I.FuncTypeIndex;
    R.ElemType = uint8_t(I.Table.Elem);
    if (I.Kind == wasm::ExternKind::Table)
      R.Lim = limits(I.Table.Lim);
    if (I.Kind == wasm::ExternKind::Memory)
      R.Lim = limits(I.Memory.Lim);
    R.ValType = uint8_t(I.Global.Type);
    R.Mutable = I.Global.Mutable;
    Art.Imports.push_back(std::move(R));
  }
  for (uint32_t F = M.NumImportedFuncs; F < M.Funcs.size(); ++F) {
    Expected<SymbolPlacement> P = symbol(Img, funcSymbol(F));
    if (!P)
      return P.takeError();
    Art.Functions.push_back({M.Funcs[F], P->Offset, P->Size,
                             uint32_t(M.body(F).Offset)});
  }
  for (size_t I = M.NumImportedTables; I < M.Tables.size(); ++I)
    Art.Tables.push_back({uint8_t(M.Tables[I].Elem), limits(M.Tables[I].Lim)});
  for (size_t I = M.NumImportedMemories; I < M.Memories.size(); ++I)
    Art.Memories.push_back({limits(M.Memories[I].Lim)});
  for (size_t I = M.NumImportedGlobals; I < M.Globals.size(); ++I)
    Art.Globals.push_back({uint8_t(M.Globals[I].Type.Type),
                           uint8_t(M.Globals[I].Type.Mutable),
                           constExpr(M.Globals[I].Init)});
  for (const wasm::Export &E : M.Exports)
    Art.Exports.push_back({E.Name, uint8_t(E.Kind), E.Index});
  Art.Start = M.Start.value_or(format::NoIndex);
  for (const wasm::ElemSegment &S : M.Elems) {
    format::ElemRec R;
    R.Mode = uint8_t(S.Mode);
    R.Table = S.Table;
    if (S.Mode == wasm::SegmentMode::Active)
      R.Offset = constExpr(S.Offset);
    R.ElemType = uint8_t(S.Type);
    for (const wasm::ConstExpr &Item : S.Items)
      R.Items.push_back(constExpr(Item));
    Art.Elems.push_back(std::move(R));
  }
  for (const wasm::DataSegment &D : M.Datas) {
    format::DataRec R;
    R.Mode = uint8_t(D.Mode);
    R.Memory = D.Memory;
    if (D.Mode == wasm::SegmentMode::Active)
      R.Offset = constExpr(D.Offset);
    std::span<const uint8_t> Bytes = M.bytes(D.BytesOffset, D.BytesSize);
    R.Bytes.assign(Bytes.begin(), Bytes.end());
    Art.Datas.push_back(std::move(R));
  }
  std::vector<uint32_t> Canon = trampolineTypes(M);
  Art.Trampolines.reserve(M.Types.size());
  for (uint32_t T = 0; T < M.Types.size(); ++T) {
    if (Canon[T] != T) { // the same code as the first type of its signature
      format::TrampolineRec Same = Art.Trampolines[Canon[T]];
      Art.Trampolines.push_back(Same);
      continue;
    }
    Expected<SymbolPlacement> Entry = symbol(Img, entrySymbol(T));
    if (!Entry)
      return Entry.takeError();
    Expected<SymbolPlacement> Exit = symbol(Img, exitSymbol(T));
    if (!Exit)
      return Exit.takeError();
    Art.Trampolines.push_back({Entry->Offset, Exit->Offset});
  }
  Art.Relocs = std::move(Img.Relocs);
  Art.Image = std::move(Img.Image);
  return Error::success();
}

} // namespace kiln::codegen
