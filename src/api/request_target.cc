#include "api/request_target.h"

namespace beam::api {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string RequestPath(absl::string_view target) {
  const absl::string_view path = target.substr(0, target.find_first_of("?#"));
  std::string out;
  out.reserve(path.size());
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '%' && i + 2 < path.size()) {
      const int hi = HexValue(path[i + 1]);
      const int lo = HexValue(path[i + 2]);
      const char decoded = static_cast<char>(hi * 16 + lo);
      if (hi >= 0 && lo >= 0 && decoded != '/') {
        out.push_back(decoded);
        i += 2;
        continue;
      }
    }
    out.push_back(path[i]);
  }
  return out;
}

}  // namespace beam::api
