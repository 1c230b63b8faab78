//===- tools/kiln/wasm_names.cc - Function names for people ---------------===//

#include "tools/kiln/wasm_names.h"

namespace kiln::cli {

FuncNames functionNames(const format::Artifact &A) {
  FuncNames Names;
  for (const format::FuncNameRec &N : A.Debug.FuncNames)
    Names.emplace(N.Func, N.Name);
  for (const format::ExportRec &E : A.Exports)
    if (format::ExternKind(E.Kind) == format::ExternKind::Func)
      Names.emplace(E.Index, E.Name);
  return Names;
}

} // namespace kiln::cli
