// UTF-8 checks for the text the wire carries (topic strings, req/resp error messages).
//
// Thread-safe: pure functions.

#ifndef BEAMCORE_WIRE_UTF8_H_
#define BEAMCORE_WIRE_UTF8_H_

#include <cstddef>

#include "absl/strings/string_view.h"

namespace beam::wire {

// Whether `text` is well-formed UTF-8 as Python's str.encode("utf-8") produces it:
// shortest forms only, no surrogates (U+D800..U+DFFF), nothing above U+10FFFF.
bool IsValidUtf8(absl::string_view text);

// The length of the longest prefix of the valid UTF-8 `text` that is at most
// `max_bytes` long and does not split a character.
size_t Utf8PrefixLength(absl::string_view text, size_t max_bytes);

}  // namespace beam::wire

#endif  // BEAMCORE_WIRE_UTF8_H_
