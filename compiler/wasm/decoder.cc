//===- compiler/wasm/decoder.cc - Binary module decoder -------------------===//
//
// One function per section, each reading from a Reader bound to exactly that
// section's payload, so a section can never read its neighbour's bytes.
// Error messages use the spec interpreter's wording where the spec suite
// tests them ("section size mismatch", "malformed import kind", ...).
//
//===----------------------------------------------------------------------===//

#include "compiler/wasm/decoder.h"

#include "compiler/wasm/limits.h"
#include "compiler/wasm/op_reader.h"
#include "compiler/wasm/reader.h"

namespace kiln::wasm {

namespace {

enum SectionId : uint8_t {
  CustomId = 0,
  TypeId = 1,
  ImportId = 2,
  FunctionId = 3,
  TableId = 4,
  MemoryId = 5,
  GlobalId = 6,
  ExportId = 7,
  StartId = 8,
  ElementId = 9,
  CodeId = 10,
  DataId = 11,
  DataCountId = 12,
};

const char *sectionName(uint8_t Id) {
  static const char *const Names[] = {
      "custom", "type",  "import", "function", "table", "memory",   "global",
      "export", "start", "element", "code",    "data",  "datacount"};
  return Id < sizeof(Names) / sizeof(Names[0]) ? Names[Id] : "unknown";
}

/// Position of a known section in the required order (datacount sits between
/// element and code).
unsigned orderRank(uint8_t Id) {
  switch (Id) {
  case DataCountId:
    return 10;
  case CodeId:
    return 11;
  case DataId:
    return 12;
  default:
    return Id;
  }
}

class Decoder {
public:
  Decoder(std::span<const uint8_t> Bytes, const Features &F)
      : File(Bytes), F(F) {}

  Expected<Module> run();

private:
  Error decodeHeader(Reader &R);
  Error decodeSection(uint8_t Id, Reader &R);
  Error decodeTypes(Reader &R);
  Error decodeImports(Reader &R);
  Error decodeFunctions(Reader &R);
  Error decodeTables(Reader &R);
  Error decodeMemories(Reader &R);
  Error decodeGlobals(Reader &R);
  Error decodeExports(Reader &R);
  Error decodeStart(Reader &R);
  Error decodeElements(Reader &R);
  Error decodeDataCount(Reader &R);
  Error decodeCode(Reader &R);
  Error decodeData(Reader &R);
  Error decodeCustom(Reader &R);

  Error readLimits(Reader &R, Limits &Out);
  Error readMemoryType(Reader &R, MemoryType &Out);
  Error readTableType(Reader &R, TableType &Out);
  Error readGlobalType(Reader &R, GlobalType &Out);
  Error readConstExpr(Reader &R, ConstExpr &Out);
  Error readFuncBody(Reader &R, FuncBody &Out);

  std::span<const uint8_t> File;
  const Features &F;
  Module M;
  uint32_t NumDeclaredFuncs = 0;
};

Error Decoder::decodeHeader(Reader &R) {
  static const uint8_t Magic[4] = {0x00, 0x61, 0x73, 0x6d};
  uint32_t Word = {};
  KILN_CHECK(R.readFixed32(Word)); // "unexpected end" if shorter
  for (unsigned I = 0; I < 4; ++I)
    if (uint8_t(Word >> (8 * I)) != Magic[I])
      return Error::make(ErrorKind::Malformed, "magic header not detected")
          .atOffset(0);
  KILN_CHECK(R.readFixed32(Word));
  if (Word != 1)
    return Error::make(ErrorKind::Malformed,
                       formatString("unknown binary version %u", Word))
        .atOffset(4);
  return Error::success();
}

Expected<Module> Decoder::run() {
  M.Bytes.assign(File.begin(), File.end());
  Reader R(M.Bytes);
  KILN_CHECK(decodeHeader(R));

  unsigned LastRank = 0;
  while (!R.atEnd()) {
    uint64_t SectionStart = R.offset();
    uint8_t Id = {};
    KILN_CHECK(R.readU8(Id));
    if (Id > DataCountId)
      return Error::make(ErrorKind::Malformed,
                         formatString("malformed section id %u", Id))
          .atOffset(SectionStart);
    uint32_t Size = {};
    KILN_CHECK(R.readVarU32(Size));
    if (Size > R.remaining())
      return Error::make(ErrorKind::Malformed,
                         formatString("length out of bounds: section %s "
                                      "declares %u bytes, %llu remain",
                                      sectionName(Id), Size,
                                      (unsigned long long)R.remaining()))
          .atOffset(SectionStart)
          .inSection(sectionName(Id));
    if (Id != CustomId) {
      unsigned Rank = orderRank(Id);
      if (Rank <= LastRank)
        return Error::make(ErrorKind::Malformed,
                           "unexpected content after last section")
            .atOffset(SectionStart)
            .inSection(sectionName(Id));
      LastRank = Rank;
    }
    Reader S = R.window(R.offset(), Size);
    if (Error E = decodeSection(Id, S))
      return std::move(E).inSection(sectionName(Id));
    if (!S.atEnd())
      return Error::make(ErrorKind::Malformed, "section size mismatch")
          .atOffset(S.offset())
          .inSection(sectionName(Id));
    R.seek(S.end());
  }

  if (NumDeclaredFuncs != M.Bodies.size())
    return Error::make(ErrorKind::Malformed,
                       formatString("function and code section have "
                                    "inconsistent lengths (%u functions, %zu "
                                    "bodies)",
                                    NumDeclaredFuncs, M.Bodies.size()))
        .atOffset(M.Bytes.size())
        .inSection("code");
  if (M.DataCount && *M.DataCount != M.Datas.size())
    return Error::make(ErrorKind::Malformed,
                       formatString("data count and data section have "
                                    "inconsistent lengths (%u declared, %zu "
                                    "segments)",
                                    *M.DataCount, M.Datas.size()))
        .atOffset(M.Bytes.size())
        .inSection("data");
  return std::move(M);
}

Error Decoder::decodeSection(uint8_t Id, Reader &R) {
  switch (Id) {
  case CustomId:
    return decodeCustom(R);
  case TypeId:
    return decodeTypes(R);
  case ImportId:
    return decodeImports(R);
  case FunctionId:
    return decodeFunctions(R);
  case TableId:
    return decodeTables(R);
  case MemoryId:
    return decodeMemories(R);
  case GlobalId:
    return decodeGlobals(R);
  case ExportId:
    return decodeExports(R);
  case StartId:
    return decodeStart(R);
  case ElementId:
    return decodeElements(R);
  case CodeId:
    return decodeCode(R);
  case DataId:
    return decodeData(R);
  case DataCountId:
    return decodeDataCount(R);
  }
  KILN_UNREACHABLE("section id checked by the caller");
}

Error Decoder::decodeCustom(Reader &R) {
  CustomSection C;
  KILN_CHECK(R.readName(C.Name));
  C.Offset = R.offset();
  C.Size = R.remaining();
  R.seek(R.end());
  M.Customs.push_back(std::move(C));
  return Error::success();
}

Error Decoder::decodeTypes(Reader &R) {
  uint32_t N = {};
  uint64_t CountAt = R.offset();
  KILN_CHECK(R.readCount(N, 3)); // form, param count, result count
  if (N > MaxTypes)
    return limitError("types", N, MaxTypes, CountAt);
  M.Types.reserve(N);
  for (uint32_t I = 0; I < N; ++I) {
    uint64_t At = R.offset();
    uint8_t Form = {};
    KILN_CHECK(R.readU8(Form));
    if (Form != 0x60)
      return Error::make(ErrorKind::Malformed,
                         formatString("malformed function type form 0x%02x "
                                      "(type %u)",
                                      Form, I))
          .atOffset(At);
    FuncType T;
    for (std::vector<ValType> *List : {&T.Params, &T.Results}) {
      bool Params = List == &T.Params;
      uint64_t ListAt = R.offset();
      uint32_t Count = {};
      KILN_CHECK(R.readCount(Count));
      uint32_t Limit = Params ? MaxFunctionParams : MaxFunctionResults;
      if (Count > Limit)
        return limitError(formatString("%s in type %u",
                                       Params ? "parameters" : "results", I),
                          Count, Limit, ListAt);
      List->resize(Count);
      for (ValType &V : *List)
        KILN_CHECK(readValType(R, V));
    }
    M.Types.push_back(std::move(T));
  }
  return Error::success();
}

Error Decoder::readLimits(Reader &R, Limits &Out) {
  uint64_t At = R.offset();
  uint8_t Flags = {};
  KILN_CHECK(R.readU8(Flags));
  if (Flags > 1)
    return Error::make(ErrorKind::Malformed,
                       formatString("integer too large: limits flags 0x%02x",
                                    Flags))
        .atOffset(At);
  uint32_t Min = {};
  KILN_CHECK(R.readVarU32(Min));
  Out.Min = Min;
  Out.Max.reset();
  if (Flags & 1) {
    uint32_t Max = {};
    KILN_CHECK(R.readVarU32(Max));
    Out.Max = Max;
  }
  return Error::success();
}

/// A memory's limits. Its flags have bits the table's lack: a shared
/// memory (threads, 0x02) and a 64-bit one (memory64, 0x04). Kiln does not
/// support them yet; say so rather than call the flag byte too large.
Error Decoder::readMemoryType(Reader &R, MemoryType &Out) {
  uint64_t At = R.offset();
  uint8_t Flags = {};
  KILN_CHECK(R.readU8(Flags));
  R.seek(At); // readLimits reads the flags again
  if (Flags > 1 && Flags < 8) {
    const char *What = Flags & 4 ? "64-bit memories (memory64)"
                                 : "shared memories (threads)";
    return Error::make(ErrorKind::Unsupported,
                       formatString("%s are not supported (memory limits "
                                    "flags 0x%02x)", What, Flags))
        .atOffset(At);
  }
  return readLimits(R, Out.Lim);
}

Error Decoder::readTableType(Reader &R, TableType &Out) {
  KILN_CHECK(readRefType(R, Out.Elem));
  return readLimits(R, Out.Lim);
}

Error Decoder::readGlobalType(Reader &R, GlobalType &Out) {
  KILN_CHECK(readValType(R, Out.Type));
  uint64_t At = R.offset();
  uint8_t Mut = {};
  KILN_CHECK(R.readU8(Mut));
  if (Mut > 1)
    return Error::make(ErrorKind::Malformed,
                       formatString("malformed mutability 0x%02x", Mut))
        .atOffset(At);
  Out.Mutable = Mut == 1;
  return Error::success();
}

Error Decoder::readConstExpr(Reader &R, ConstExpr &Out) {
  Out.Offset = R.offset();
  Out.Instrs.clear();
  OpReader Ops(R, F);
  Instr I;
  for (;;) {
    if (Ops.atEnd()) {
      R.seek(Ops.offset());
      return R.unexpectedEnd();
    }
    KILN_CHECK(Ops.next(I));
    if (I.Opcode == Op::End)
      break;
    // Non-constant instructions are kept too: rejecting them is the
    // validator's job ("constant expression required"), and a malformed
    // module must be reported as malformed first.
    ConstInstr C;
    C.Opcode = I.Opcode;
    C.Offset = I.Offset;
    C.Imm = I.Bytes;
    C.Index = I.Index;
    C.RefType = I.Type;
    Out.Instrs.push_back(C);
  }
  R.seek(Ops.offset());
  return Error::success();
}

Error Decoder::decodeImports(Reader &R) {
  uint32_t N = {};
  uint64_t CountAt = R.offset();
  KILN_CHECK(R.readCount(N, 4)); // two names, kind, descriptor
  if (N > MaxImports)
    return limitError("imports", N, MaxImports, CountAt);
  M.Imports.reserve(N);
  for (uint32_t I = 0; I < N; ++I) {
    Import Imp;
    Imp.Offset = R.offset();
    KILN_CHECK(R.readName(Imp.Module));
    KILN_CHECK(R.readName(Imp.Field));
    uint64_t KindAt = R.offset();
    uint8_t Kind = {};
    KILN_CHECK(R.readU8(Kind));
    switch (Kind) {
    case 0:
      Imp.Kind = ExternKind::Func;
      KILN_CHECK(R.readVarU32(Imp.FuncTypeIndex));
      M.Funcs.push_back(Imp.FuncTypeIndex);
      ++M.NumImportedFuncs;
      break;
    case 1:
      Imp.Kind = ExternKind::Table;
      KILN_CHECK(readTableType(R, Imp.Table));
      M.Tables.push_back(Imp.Table);
      ++M.NumImportedTables;
      break;
    case 2:
      Imp.Kind = ExternKind::Memory;
      KILN_CHECK(readMemoryType(R, Imp.Memory));
      M.Memories.push_back(Imp.Memory);
      ++M.NumImportedMemories;
      break;
    case 3: {
      Imp.Kind = ExternKind::Global;
      KILN_CHECK(readGlobalType(R, Imp.Global));
      Global G;
      G.Type = Imp.Global;
      M.Globals.push_back(std::move(G));
      ++M.NumImportedGlobals;
      break;
    }
    default:
      return Error::make(ErrorKind::Malformed,
                         formatString("malformed import kind 0x%02x", Kind))
          .atOffset(KindAt);
    }
    M.Imports.push_back(std::move(Imp));
  }
  return Error::success();
}

Error Decoder::decodeFunctions(Reader &R) {
  uint32_t N = {};
  uint64_t CountAt = R.offset();
  KILN_CHECK(R.readCount(N));
  if (uint64_t(M.NumImportedFuncs) + N > MaxFunctions)
    return limitError(formatString("functions (%u imported, %u defined)",
                                   M.NumImportedFuncs, N),
                      uint64_t(M.NumImportedFuncs) + N, MaxFunctions,
                      CountAt);
  NumDeclaredFuncs = N;
  M.Funcs.reserve(M.Funcs.size() + N);
  for (uint32_t I = 0; I < N; ++I) {
    uint32_t TypeIndex = {};
    KILN_CHECK(R.readVarU32(TypeIndex));
    M.Funcs.push_back(TypeIndex);
  }
  return Error::success();
}

Error Decoder::decodeTables(Reader &R) {
  uint32_t N = {};
  KILN_CHECK(R.readCount(N, 3));
  for (uint32_t I = 0; I < N; ++I) {
    TableType T;
    KILN_CHECK(readTableType(R, T));
    M.Tables.push_back(T);
  }
  return Error::success();
}

Error Decoder::decodeMemories(Reader &R) {
  uint32_t N = {};
  KILN_CHECK(R.readCount(N, 2));
  for (uint32_t I = 0; I < N; ++I) {
    MemoryType T;
    KILN_CHECK(readMemoryType(R, T));
    M.Memories.push_back(T);
  }
  return Error::success();
}

Error Decoder::decodeGlobals(Reader &R) {
  uint32_t N = {};
  uint64_t CountAt = R.offset();
  KILN_CHECK(R.readCount(N, 3));
  if (uint64_t(M.NumImportedGlobals) + N > MaxGlobals)
    return limitError(formatString("globals (%u imported, %u defined)",
                                   M.NumImportedGlobals, N),
                      uint64_t(M.NumImportedGlobals) + N, MaxGlobals, CountAt);
  M.Globals.reserve(M.Globals.size() + N);
  for (uint32_t I = 0; I < N; ++I) {
    Global G;
    KILN_CHECK(readGlobalType(R, G.Type));
    KILN_CHECK(readConstExpr(R, G.Init));
    M.Globals.push_back(std::move(G));
  }
  return Error::success();
}

Error Decoder::decodeExports(Reader &R) {
  uint32_t N = {};
  uint64_t CountAt = R.offset();
  KILN_CHECK(R.readCount(N, 3));
  if (N > MaxExports)
    return limitError("exports", N, MaxExports, CountAt);
  M.Exports.reserve(N);
  for (uint32_t I = 0; I < N; ++I) {
    Export E;
    E.Offset = R.offset();
    KILN_CHECK(R.readName(E.Name));
    uint64_t KindAt = R.offset();
    uint8_t Kind = {};
    KILN_CHECK(R.readU8(Kind));
    if (Kind > 3)
      return Error::make(ErrorKind::Malformed,
                         formatString("malformed export kind 0x%02x", Kind))
          .atOffset(KindAt);
    E.Kind = ExternKind(Kind);
    KILN_CHECK(R.readVarU32(E.Index));
    M.Exports.push_back(std::move(E));
  }
  return Error::success();
}

Error Decoder::decodeStart(Reader &R) {
  uint32_t Index = {};
  KILN_CHECK(R.readVarU32(Index));
  M.Start = Index;
  return Error::success();
}

Error Decoder::decodeElements(Reader &R) {
  uint32_t N = {};
  uint64_t CountAt = R.offset();
  KILN_CHECK(R.readCount(N, 2));
  if (N > MaxElemSegments)
    return limitError("element segments", N, MaxElemSegments, CountAt);
  M.Elems.reserve(N);
  for (uint32_t I = 0; I < N; ++I) {
    ElemSegment S;
    S.SourceOffset = R.offset();
    uint32_t Flags = {};
    KILN_CHECK(R.readVarU32(Flags));
    if (Flags > 7)
      return Error::make(ErrorKind::Malformed,
                         formatString("malformed elements segment flags %u",
                                      Flags))
          .atOffset(S.SourceOffset);
    // Bit 0: passive or declarative; bit 1: explicit table index (active) or
    // declarative (otherwise); bit 2: items are expressions, not indices.
    bool NotActive = Flags & 1, Bit1 = Flags & 2, Exprs = Flags & 4;
    S.Mode = !NotActive ? SegmentMode::Active
             : Bit1     ? SegmentMode::Declarative
                        : SegmentMode::Passive;
    if (S.Mode == SegmentMode::Active) {
      if (Bit1)
        KILN_CHECK(R.readVarU32(S.Table));
      KILN_CHECK(readConstExpr(R, S.Offset));
    }
    // Flags 0 and 4 imply funcref; all others spell out the kind or type.
    if (NotActive || Bit1) {
      if (Exprs) {
        KILN_CHECK(readRefType(R, S.Type));
      } else {
        uint64_t At = R.offset();
        uint8_t ElemKind = {};
        KILN_CHECK(R.readU8(ElemKind));
        if (ElemKind != 0)
          return Error::make(ErrorKind::Malformed,
                             formatString("malformed element kind 0x%02x",
                                          ElemKind))
              .atOffset(At);
      }
    }
    uint32_t Count = {};
    uint64_t CountAt = R.offset();
    KILN_CHECK(R.readCount(Count));
    if (Count > MaxElemSegmentItems)
      return limitError(formatString("elements in element segment %u", I),
                        Count, MaxElemSegmentItems, CountAt);
    S.Items.resize(Count);
    for (ConstExpr &Item : S.Items) {
      if (Exprs) {
        KILN_CHECK(readConstExpr(R, Item));
        continue;
      }
      ConstInstr C;
      C.Opcode = Op::RefFunc;
      C.Offset = Item.Offset = R.offset();
      KILN_CHECK(R.readVarU32(C.Index));
      Item.Instrs.push_back(C);
    }
    M.Elems.push_back(std::move(S));
  }
  return Error::success();
}

Error Decoder::decodeDataCount(Reader &R) {
  uint32_t N = {};
  KILN_CHECK(R.readVarU32(N));
  M.DataCount = N;
  return Error::success();
}

Error Decoder::readFuncBody(Reader &R, FuncBody &Out) {
  Out.Offset = R.offset();
  uint32_t Size = {};
  KILN_CHECK(R.readVarU32(Size));
  if (Size > R.remaining())
    return R.unexpectedEnd();
  if (Size > MaxFunctionBodySize)
    return Error::make(ErrorKind::Limit,
                       formatString("function body too large: %u bytes, the "
                                    "limit is %u",
                                    Size, MaxFunctionBodySize))
        .atOffset(Out.Offset);
  Reader B = R.window(R.offset(), Size);
  uint32_t Runs = {};
  KILN_CHECK(B.readCount(Runs, 2));
  uint64_t Total = 0;
  uint64_t LimitAt = NoOffset; // the run that crossed MaxFunctionLocals
  Out.Locals.reserve(Runs);
  for (uint32_t I = 0; I < Runs; ++I) {
    uint64_t At = B.offset();
    LocalRun Run;
    KILN_CHECK(B.readVarU32(Run.Count));
    Total += Run.Count;
    if (Total > UINT32_MAX)
      return Error::make(ErrorKind::Malformed, "too many locals").atOffset(At);
    if (Total > MaxFunctionLocals && LimitAt == NoOffset)
      LimitAt = At;
    KILN_CHECK(readValType(B, Run.Type));
    Out.Locals.push_back(Run);
  }
  // The implementation limit applies only once the declarations are known
  // to be well formed: more than 2^32-1 locals, or a bad type in a later
  // run, makes the module malformed, which outranks a limit. Only the small
  // LocalRun vector (bounded by the body size) has been allocated so far.
  if (LimitAt != NoOffset)
    return limitError("locals", Total, MaxFunctionLocals, LimitAt);
  Out.NumLocals = uint32_t(Total);
  Out.CodeStart = B.offset();
  Out.End = B.end();
  R.seek(B.end());
  return Error::success();
}

Error Decoder::decodeCode(Reader &R) {
  M.CodeSectionOffset = R.offset();
  uint32_t N = {};
  KILN_CHECK(R.readCount(N, 2)); // size byte, local-run count
  if (N != NumDeclaredFuncs)
    return Error::make(ErrorKind::Malformed,
                       formatString("function and code section have "
                                    "inconsistent lengths (%u functions, %u "
                                    "bodies)",
                                    NumDeclaredFuncs, N))
        .atOffset(R.offset());
  M.Bodies.resize(N);
  for (uint32_t I = 0; I < N; ++I)
    if (Error E = readFuncBody(R, M.Bodies[I]))
      return std::move(E).inFunction(M.NumImportedFuncs + I);
  return Error::success();
}

Error Decoder::decodeData(Reader &R) {
  uint32_t N = {};
  uint64_t CountAt = R.offset();
  KILN_CHECK(R.readCount(N, 2));
  if (N > MaxDataSegments)
    return limitError("data segments", N, MaxDataSegments, CountAt);
  M.Datas.reserve(N);
  for (uint32_t I = 0; I < N; ++I) {
    DataSegment D;
    D.SourceOffset = R.offset();
    uint32_t Flags = {};
    KILN_CHECK(R.readVarU32(Flags));
    switch (Flags) {
    case 0:
      KILN_CHECK(readConstExpr(R, D.Offset));
      break;
    case 1:
      D.Mode = SegmentMode::Passive;
      break;
    case 2:
      KILN_CHECK(R.readVarU32(D.Memory));
      KILN_CHECK(readConstExpr(R, D.Offset));
      break;
    default:
      return Error::make(ErrorKind::Malformed,
                         formatString("malformed data segment flags %u",
                                      Flags))
          .atOffset(D.SourceOffset);
    }
    uint32_t Size = {};
    KILN_CHECK(R.readVarU32(Size));
    if (Size > R.remaining())
      return Error::make(ErrorKind::Malformed,
                         formatString("unexpected end of section or "
                                      "function: data segment %u declares %u "
                                      "bytes, %llu remain",
                                      I, Size,
                                      (unsigned long long)R.remaining()))
          .atOffset(R.offset());
    D.BytesSize = Size;
    KILN_CHECK(R.readBytes(Size, D.BytesOffset));
    M.Datas.push_back(std::move(D));
  }
  return Error::success();
}

} // namespace

Expected<Module> decodeModule(std::span<const uint8_t> Bytes,
                              const Features &F) {
  return Decoder(Bytes, F).run();
}

} // namespace kiln::wasm
