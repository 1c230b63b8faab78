//===- tools/kiln/module_loader.cc - .kiln or .wasm to a Module -----------===//

#include "tools/kiln/module_loader.h"

#ifdef KILN_WITH_COMPILER
#include "kiln/format_writer.h"
#endif

namespace kiln::cli {

bool isWasmBinary(std::span<const uint8_t> Bytes) {
  return Bytes.size() >= 4 && Bytes[0] == 0x00 && Bytes[1] == 'a' &&
         Bytes[2] == 's' && Bytes[3] == 'm';
}

Expected<std::shared_ptr<Module>> loadModuleBytes(std::span<const uint8_t> Bytes,
                                                  const ModuleSource &Src) {
  if (!isWasmBinary(Bytes))
    return Module::load(Bytes, Src.Load);
#ifdef KILN_WITH_COMPILER
  Expected<format::Artifact> Art = codegen::compileWasm(Bytes, Src.Compile);
  if (!Art)
    return Art.takeError();
  std::vector<uint8_t> Serialized = format::writeArtifact(*Art);
  // With trusted keys this is refused as unsigned, as it should be: only
  // artifacts signed on the build machine run then.
  return Module::load(Serialized, Src.Load);
#else
  (void)Src;
  return Error::make(ErrorKind::Usage,
                     "this is a .wasm module and this build of kiln is "
                     "runtime-only; compile it with 'kiln compile' on a build "
                     "machine");
#endif
}

} // namespace kiln::cli
