//===- runtime/src/global.cc - Globals ------------------------------------===//

#include "src/global.h"

#include "src/signatures.h"

#include <cstring>

namespace kiln {

Value Global::get() const { return rt::valueFromBytes(Type, Cell.Bytes); }

void Global::set(const Value &V) {
  std::memcpy(Cell.Bytes, V.Bits.data(), sizeof(Cell.Bytes));
}

void Global::scrub(const void *Begin, const void *End) {
  if (Type != ValType::FuncRef)
    return;
  auto P = reinterpret_cast<uintptr_t>(get().ref());
  if (P >= reinterpret_cast<uintptr_t>(Begin) &&
      P < reinterpret_cast<uintptr_t>(End))
    set(Value::funcRef(nullptr));
}

std::shared_ptr<Global> createGlobal(Value Init, bool Mutable) {
  auto G = std::make_shared<Global>(Init.Type, Mutable);
  G->set(Init);
  return G;
}

Value globalValue(const Global &G) { return G.get(); }

Error setGlobalValue(Global &G, const Value &V) {
  if (!G.isMutable())
    return Error::make(ErrorKind::Usage, "cannot set an immutable global");
  if (V.Type != G.type())
    return Error::make(ErrorKind::Usage,
                       formatString("cannot set a %s global to a %s value",
                                    valTypeName(G.type()),
                                    valTypeName(V.Type)));
  G.set(V);
  return Error::success();
}

} // namespace kiln
