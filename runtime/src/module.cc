//===- runtime/src/module.cc - Module::load -------------------------------===//

#include "src/module.h"

#include "loader/verify.h"
#include "src/signatures.h"

#include <algorithm>

namespace kiln {

Module::Module(std::unique_ptr<Impl> P) : P(std::move(P)) {}
Module::~Module() = default;

const format::Artifact &Module::artifact() const { return P->Art; }
MemoryMode Module::memoryMode() const { return P->Art.Mode; }

std::span<const uint8_t> Module::functionCode(size_t DefinedIndex) const {
  if (DefinedIndex >= P->Art.Functions.size())
    return {};
  const format::FunctionRec &F = P->Art.Functions[DefinedIndex];
  return {P->Image.base() + F.CodeOffset, F.CodeSize};
}

Expected<std::shared_ptr<Module>> Module::load(std::span<const uint8_t> Bytes,
                                               const LoadOptions &Opts) {
  // Nothing is mapped before the verifier has checked every field, index
  // and offset of the artifact.
  Expected<format::Artifact> A = loader::verifyArtifact(Bytes, Opts);
  if (!A)
    return A.takeError();
  Expected<loader::MappedImage> Image =
      loader::MappedImage::map(A->Image, A->Relocs);
  if (!Image)
    return Image.takeError();
  return Impl::create(std::move(*A), std::move(*Image));
}

Expected<format::Artifact> Module::verify(std::span<const uint8_t> Bytes,
                                          const LoadOptions &Opts) {
  return loader::verifyArtifact(Bytes, Opts);
}

Module::Impl::Impl(format::Artifact A, loader::MappedImage Img)
    : Art(std::move(A)), Image(std::move(Img)) {}

Expected<std::shared_ptr<Module>>
Module::Impl::create(format::Artifact A, loader::MappedImage Image) {
  auto P = std::make_unique<Impl>(std::move(A), std::move(Image));
  const format::Artifact &Art = P->Art;

  for (const format::FuncTypeRec &T : Art.Types) {
    P->Sigs.push_back(rt::funcSigOf(T));
    P->SigIds.push_back(rt::canonicalSigId(P->Sigs.back()));
  }
  for (const format::ImportRec &I : Art.Imports) {
    switch (format::ExternKind(I.Kind)) {
    case format::ExternKind::Func:
      ++P->NumImportedFuncs;
      break;
    case format::ExternKind::Table:
      ++P->NumImportedTables;
      break;
    case format::ExternKind::Memory:
      ++P->NumImportedMemories;
      break;
    case format::ExternKind::Global:
      ++P->NumImportedGlobals;
      break;
    }
  }

  uint32_t N = uint32_t(Art.Functions.size());
  for (uint32_t I = 0; I < N; ++I)
    P->ByCode.push_back(P->NumImportedFuncs + I);
  P->ByWasmOffset = P->ByCode;
  auto Rec = [&](uint32_t F) -> const format::FunctionRec & {
    return Art.Functions[F - P->NumImportedFuncs];
  };
  std::sort(P->ByCode.begin(), P->ByCode.end(), [&](uint32_t X, uint32_t Y) {
    return Rec(X).CodeOffset < Rec(Y).CodeOffset;
  });
  std::sort(P->ByWasmOffset.begin(), P->ByWasmOffset.end(),
            [&](uint32_t X, uint32_t Y) {
              return Rec(X).WasmOffset < Rec(Y).WasmOffset;
            });

  if (Art.Image.TextSize != 0) {
    uintptr_t Base = reinterpret_cast<uintptr_t>(P->Image.base());
    Expected<rt::CodeRange> R =
        rt::CodeRange::add(Base, Base + Art.Image.TextSize, P.get());
    if (!R)
      return R.takeError();
    P->Text = std::move(*R);
  }

  Impl *Raw = P.get();
  std::shared_ptr<Module> M(new Module(std::move(P)));
  Raw->Self = M;
  return M;
}

uint32_t Module::Impl::funcTypeIndex(uint32_t FuncIndex) const {
  if (FuncIndex >= NumImportedFuncs)
    return Art.Functions[FuncIndex - NumImportedFuncs].TypeIndex;
  uint32_t Seen = 0;
  for (const format::ImportRec &I : Art.Imports) {
    if (format::ExternKind(I.Kind) != format::ExternKind::Func)
      continue;
    if (Seen++ == FuncIndex)
      return I.TypeIndex;
  }
  KILN_UNREACHABLE("function index beyond the imports");
}

uint32_t Module::Impl::funcIndexAtPc(uintptr_t Pc) const {
  uintptr_t Base = reinterpret_cast<uintptr_t>(Image.base());
  if (Pc < Base || Pc - Base >= Art.Image.TextSize)
    return NoIndex;
  uint64_t Off = Pc - Base;
  // The last function starting at or before Off, if Off is inside it.
  auto It = std::upper_bound(
      ByCode.begin(), ByCode.end(), Off, [&](uint64_t O, uint32_t F) {
        return O < Art.Functions[F - NumImportedFuncs].CodeOffset;
      });
  if (It == ByCode.begin())
    return NoIndex;
  const format::FunctionRec &R = Art.Functions[*--It - NumImportedFuncs];
  return Off - R.CodeOffset < R.CodeSize ? *It : NoIndex;
}

uint32_t Module::Impl::funcIndexAtWasmOffset(uint32_t Off) const {
  auto It = std::upper_bound(
      ByWasmOffset.begin(), ByWasmOffset.end(), Off,
      [&](uint32_t O, uint32_t F) {
        return O < Art.Functions[F - NumImportedFuncs].WasmOffset;
      });
  if (It == ByWasmOffset.begin())
    return NoIndex;
  return *--It;
}

} // namespace kiln
