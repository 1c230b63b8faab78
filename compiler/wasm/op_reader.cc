//===- compiler/wasm/op_reader.cc - Decodes one instruction ---------------===//

#include "compiler/wasm/op_reader.h"

namespace kiln::wasm {

Error readValType(Reader &R, ValType &Out) {
  uint64_t At = R.offset();
  uint8_t B = {};
  KILN_CHECK(R.readU8(B));
  std::optional<ValType> T = valTypeFromByte(B);
  if (!T)
    return Error::make(ErrorKind::Malformed,
                       formatString("malformed value type 0x%02x", B))
        .atOffset(At);
  Out = *T;
  return Error::success();
}

Error readRefType(Reader &R, ValType &Out) {
  uint64_t At = R.offset();
  uint8_t B = {};
  KILN_CHECK(R.readU8(B));
  std::optional<ValType> T = valTypeFromByte(B);
  if (!T || !isRefType(*T))
    return Error::make(ErrorKind::Malformed,
                       formatString("malformed reference type 0x%02x", B))
        .atOffset(At);
  Out = *T;
  return Error::success();
}

Error OpReader::readBlockType(BlockType &Out) {
  uint64_t At = R.offset();
  int64_t V = {};
  KILN_CHECK(R.readVarS33(V));
  if (V == -64) { // 0x40
    Out.K = BlockType::Empty;
    return Error::success();
  }
  if (V < 0) {
    std::optional<ValType> T = valTypeFromByte(uint8_t(V & 0x7f));
    if (!T || V < -64)
      return Error::make(ErrorKind::Malformed, "malformed block type")
          .atOffset(At);
    Out.K = BlockType::Value;
    Out.Type = *T;
    return Error::success();
  }
  if (V > int64_t(UINT32_MAX))
    return Error::make(ErrorKind::Malformed, "integer too large").atOffset(At);
  Out.K = BlockType::TypeIndex;
  Out.Index = uint32_t(V);
  return Error::success();
}

Error OpReader::readMemArg(MemArg &Out) {
  KILN_CHECK(R.readVarU32(Out.AlignLog2));
  uint32_t Off = {};
  KILN_CHECK(R.readVarU32(Off));
  Out.Offset = Off;
  Out.Memory = 0;
  return Error::success();
}

Error OpReader::readZeroByte() {
  uint8_t B = {};
  KILN_CHECK(R.readU8(B));
  if (B != 0)
    return Error::make(ErrorKind::Malformed, "zero byte expected")
        .atOffset(R.offset() - 1);
  return Error::success();
}

Error OpReader::next(Instr &Out) {
  Out.Offset = R.offset();
  uint8_t Prefix = {};
  KILN_CHECK(R.readU8(Prefix));
  uint32_t Code = Prefix;
  if (Prefix == 0xFC || Prefix == 0xFD) {
    KILN_CHECK(R.readVarU32(Code));
  } else {
    Prefix = 0;
  }
  std::optional<Op> O = lookupOp(Prefix, Code);
  if (!O || !F.allows(opInfo(*O).Feat)) {
    std::string What =
        Prefix ? formatString("0x%02x 0x%x", Prefix, Code)
               : formatString("0x%02x", Code);
    return Error::make(ErrorKind::Malformed, "illegal opcode " + What)
        .atOffset(Out.Offset);
  }
  Out.Opcode = *O;
  const OpInfo &Info = opInfo(*O);
  switch (Info.Imm) {
  case ImmKind::None:
    return Error::success();
  case ImmKind::BlockType:
    return readBlockType(Out.Block);
  case ImmKind::LabelIdx:
  case ImmKind::FuncIdx:
  case ImmKind::LocalIdx:
  case ImmKind::GlobalIdx:
  case ImmKind::TableIdx:
  case ImmKind::ElemIdx:
  case ImmKind::DataIdx:
    return R.readVarU32(Out.Index);
  case ImmKind::BrTable: {
    uint32_t N = {};
    KILN_CHECK(R.readCount(N)); // each target takes at least one byte
    Targets.clear();
    Targets.reserve(size_t(N) + 1);
    for (uint32_t I = 0; I <= N; ++I) { // N targets then the default
      uint32_t L = {};
      KILN_CHECK(R.readVarU32(L));
      Targets.push_back(L);
    }
    Out.Targets = &Targets;
    return Error::success();
  }
  case ImmKind::CallIndirect:
    KILN_CHECK(R.readVarU32(Out.Index));   // type
    return R.readVarU32(Out.Index2);       // table
  case ImmKind::MemArg:
    return readMemArg(Out.Mem);
  case ImmKind::MemArgLane:
    KILN_CHECK(readMemArg(Out.Mem));
    return R.readU8(Out.Lane);
  case ImmKind::MemIdx:
    Out.Index = 0;
    return readZeroByte();
  case ImmKind::I32: {
    int32_t V = {};
    KILN_CHECK(R.readVarS32(V));
    uint32_t U = uint32_t(V);
    Out.Bytes = {};
    for (unsigned I = 0; I < 4; ++I)
      Out.Bytes[I] = uint8_t(U >> (8 * I));
    return Error::success();
  }
  case ImmKind::I64: {
    int64_t V = {};
    KILN_CHECK(R.readVarS64(V));
    uint64_t U = uint64_t(V);
    Out.Bytes = {};
    for (unsigned I = 0; I < 8; ++I)
      Out.Bytes[I] = uint8_t(U >> (8 * I));
    return Error::success();
  }
  case ImmKind::F32:
  case ImmKind::F64:
  case ImmKind::V128:
  case ImmKind::Shuffle: {
    unsigned N = Info.Imm == ImmKind::F32 ? 4 : Info.Imm == ImmKind::F64 ? 8 : 16;
    uint64_t Begin = {};
    KILN_CHECK(R.readBytes(N, Begin));
    Out.Bytes = {};
    for (unsigned I = 0; I < N; ++I)
      Out.Bytes[I] = R.data()[Begin + I];
    return Error::success();
  }
  case ImmKind::LaneIdx:
    return R.readU8(Out.Lane);
  case ImmKind::SelectTypes: {
    KILN_CHECK(R.readCount(Out.SelectArity));
    for (uint32_t I = 0; I < Out.SelectArity; ++I)
      KILN_CHECK(readValType(R, Out.Type));
    return Error::success();
  }
  case ImmKind::RefType:
    return readRefType(R, Out.Type);
  case ImmKind::TableCopy:
    KILN_CHECK(R.readVarU32(Out.Index));  // destination
    return R.readVarU32(Out.Index2);      // source
  case ImmKind::TableInit:
    KILN_CHECK(R.readVarU32(Out.Index));  // element segment
    return R.readVarU32(Out.Index2);      // table
  case ImmKind::MemoryInit:
    KILN_CHECK(R.readVarU32(Out.Index));  // data segment
    return readZeroByte();
  case ImmKind::MemoryCopy:
    KILN_CHECK(readZeroByte());
    return readZeroByte();
  }
  KILN_UNREACHABLE("unhandled immediate kind");
}

} // namespace kiln::wasm
