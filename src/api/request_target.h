// The path an HTTP request target names, as the lean API's router matches it.
//
// A request target in origin form ("/lean/v0/fork_choice?x=1") is matched on its path
// alone, as leanSpec's aiohttp router does: the query (and a fragment, which clients
// do not send) is dropped and the path's percent-escapes are decoded, except an
// escaped "/" (%2F), which stays escaped so it can never act as a separator.
//
// Thread-safe: pure functions.

#ifndef BEAMCORE_API_REQUEST_TARGET_H_
#define BEAMCORE_API_REQUEST_TARGET_H_

#include <string>

#include "absl/strings/string_view.h"

namespace beam::api {

// The decoded path of `target` (never fails: a malformed escape is kept as written).
std::string RequestPath(absl::string_view target);

}  // namespace beam::api

#endif  // BEAMCORE_API_REQUEST_TARGET_H_
