//===- hostlib/src/hostlib.cc - Registering kiln:dsp and kiln:nn ----------===//

#include "kiln/hostlib.h"

#include "src/registry.h"

#include <memory>

namespace kiln {

using namespace hostlib;

static FuncSig sigOf(const HostFnDef &D) {
  FuncSig S;
  auto TypeOf = [](char C) { return C == 'f' ? ValType::F32 : ValType::I32; };
  for (const char *P = D.Params; *P; ++P)
    S.Params.push_back(TypeOf(*P));
  if (*D.Result)
    S.Results.push_back(TypeOf(*D.Result));
  return S;
}

static void defineModule(Linker &L, const char *Module,
                         std::span<const HostFnDef> Defs,
                         const std::shared_ptr<HostlibState> &State) {
  for (const HostFnDef &D : Defs) {
    const HostFnDef *Def = &D;
    // Raw slots: these are hot imports (a short FIR block every few
    // microseconds), so a call converts nothing it does not need.
    Extern E;
    E.Kind = ExternKind::Func;
    E.F = createRawHostFunc(sigOf(D), [Module, Def, State](uint8_t(*Slots)[16]) {
      GuestCall C(Module, Def->Name, Slots);
      KILN_CHECK(C.begin());
      return Def->Run(C, *State);
    });
    L.define(Module, D.Name, std::move(E));
  }
}

Error defineHostlib(Linker &L) {
  auto State = std::make_shared<HostlibState>();
  defineModule(L, "kiln:dsp", dspFunctions(), State);
  defineModule(L, "kiln:nn", nnFunctions(), State);
  return Error::success();
}

std::vector<std::string> hostlibFunctionNames(std::string_view Module) {
  std::vector<std::string> Names;
  std::span<const HostFnDef> Defs = Module == "kiln:dsp"  ? dspFunctions()
                                    : Module == "kiln:nn" ? nnFunctions()
                                                          : std::span<const HostFnDef>();
  for (const HostFnDef &D : Defs)
    Names.push_back(D.Name);
  return Names;
}

} // namespace kiln
