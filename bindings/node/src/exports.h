// The addon's export groups; each adds its functions (and constants) to `exports`.

#ifndef BEAMCORE_BINDINGS_NODE_EXPORTS_H_
#define BEAMCORE_BINDINGS_NODE_EXPORTS_H_

#include "napi_util.h"

namespace beamnode {

bool RegisterStandalone(napi_env env, napi_value exports);  // version, hashes, STF, genesis
bool RegisterWire(napi_env env, napi_value exports);        // exports.wire: the wire codecs
bool RegisterXmss(napi_env env, napi_value exports);        // XmssKey handles, verify
bool RegisterNode(napi_env env, napi_value exports);        // the node handle

// One function property.
bool AddFunction(napi_env env, napi_value target, const char* name, napi_callback fn, void* data = nullptr);
bool AddInt(napi_env env, napi_value target, const char* name, int64_t value);

}  // namespace beamnode

#endif  // BEAMCORE_BINDINGS_NODE_EXPORTS_H_
