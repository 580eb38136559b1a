// Wire limits and domains (leanSpec node/networking/config.py).

#ifndef BEAMCORE_WIRE_CONFIG_H_
#define BEAMCORE_WIRE_CONFIG_H_

#include <array>
#include <cstddef>
#include <cstdint>

namespace beam::wire {

// MAX_PAYLOAD_SIZE: the largest uncompressed req/resp or gossip payload (10 MiB). Every
// decoder checks a declared size against it before allocating.
inline constexpr size_t kMaxPayloadSize = 10 * 1024 * 1024;

// MAX_ERROR_MESSAGE_SIZE: error messages in req/resp error chunks are cut to this many
// bytes when sent (ErrorMessage: List[byte, 256]).
inline constexpr size_t kMaxErrorMessageSize = 256;

// Gossip message-id domains: MESSAGE_DOMAIN_INVALID_SNAPPY / MESSAGE_DOMAIN_VALID_SNAPPY.
using MessageDomain = std::array<uint8_t, 4>;
inline constexpr MessageDomain kMessageDomainInvalidSnappy = {0x00, 0x00, 0x00, 0x00};
inline constexpr MessageDomain kMessageDomainValidSnappy = {0x01, 0x00, 0x00, 0x00};

}  // namespace beam::wire

#endif  // BEAMCORE_WIRE_CONFIG_H_
