// Native handles held by JS objects: a type-tagged napi_external owning a `Box<T>`
// whose pointer is destroyed by close() or, failing that, by the garbage collector.
// The tag makes a wrong or forged handle a TypeError instead of a bad cast.

#ifndef BEAMCORE_BINDINGS_NODE_HANDLES_H_
#define BEAMCORE_BINDINGS_NODE_HANDLES_H_

#include <string>

#include "napi_util.h"

namespace beamnode {

// A box has `ptr`, Close() (idempotent) and Finalize(env), which the garbage collector
// calls once: it closes the box and deletes it.
template <class T, void (*Destroy)(T*)>
struct Box {
  T* ptr = nullptr;
  void Close() {
    if (ptr != nullptr) Destroy(ptr);
    ptr = nullptr;
  }
  void Finalize(napi_env) {
    Close();
    delete this;
  }
};

// Wraps `box` (heap-allocated, owned from now on) in a tagged external.
template <class B>
napi_value WrapBox(napi_env env, B* box, const napi_type_tag& tag) {
  napi_value external = nullptr;
  auto finalize = [](napi_env finalize_env, void* data, void*) { static_cast<B*>(data)->Finalize(finalize_env); };
  if (napi_create_external(env, box, finalize, nullptr, &external) != napi_ok) {
    box->Finalize(env);
    NapiOk(env, napi_generic_failure, "napi_create_external");
    return nullptr;
  }
  if (!NapiOk(env, napi_type_tag_object(env, external, &tag), "napi_type_tag_object")) return nullptr;
  return external;
}

// The box behind a handle argument; with `open`, also requires it not closed.
template <class B>
B* UnwrapBox(napi_env env, napi_value value, const napi_type_tag& tag, const char* what, bool open = true) {
  bool tagged = false;
  void* data = nullptr;
  napi_valuetype type;
  if (napi_typeof(env, value, &type) != napi_ok || type != napi_external ||
      napi_check_object_type_tag(env, value, &tag, &tagged) != napi_ok || !tagged ||
      napi_get_value_external(env, value, &data) != napi_ok) {
    ThrowType(env, std::string("not a ") + what + " handle");
    return nullptr;
  }
  B* box = static_cast<B*>(data);
  if (open && box->ptr == nullptr) {
    napi_throw_error(env, "ERR_BEAM_CLOSED", (std::string(what) + " is closed").c_str());
    return nullptr;
  }
  return box;
}

}  // namespace beamnode

#endif  // BEAMCORE_BINDINGS_NODE_HANDLES_H_
