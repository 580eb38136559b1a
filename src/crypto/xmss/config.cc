#include "crypto/xmss/config.h"

namespace beam::crypto::xmss {

const XmssConfig* ConfigByName(absl::string_view name) {
  if (name == kTestConfig.name) return &kTestConfig;
  if (name == kProdConfig.name) return &kProdConfig;
  return nullptr;
}

}  // namespace beam::crypto::xmss
