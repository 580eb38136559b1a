// beamcore.node: the Node.js addon over libbeamcore's C ABI. lib/index.js is its
// JavaScript face; this module only registers the export groups.

#include "exports.h"

namespace beamnode {

bool AddFunction(napi_env env, napi_value target, const char* name, napi_callback fn, void* data) {
  napi_value f = nullptr;
  if (!NapiOk(env, napi_create_function(env, name, NAPI_AUTO_LENGTH, fn, data, &f), name)) return false;
  return Set(env, target, name, f);
}

bool AddInt(napi_env env, napi_value target, const char* name, int64_t value) { return Set(env, target, name, Int(env, value)); }

namespace {

napi_value Init(napi_env env, napi_value exports) {
  if (!RegisterStandalone(env, exports) || !RegisterWire(env, exports) || !RegisterXmss(env, exports) ||
      !RegisterNode(env, exports)) {
    return nullptr;
  }
  return exports;
}

}  // namespace
}  // namespace beamnode

NAPI_MODULE(NODE_GYP_MODULE_NAME, beamnode::Init)
