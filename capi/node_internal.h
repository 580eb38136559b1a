// The beam_node handle's definition, shared by the files of the extern "C" node layer
// (node.cc: lifecycle, ingress and reads; reqresp.cc: peers, req/resp and sync).

#ifndef BEAMCORE_CAPI_NODE_INTERNAL_H_
#define BEAMCORE_CAPI_NODE_INTERNAL_H_

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "beamcore/beamcore.h"
#include "capi_internal.h"
#include "consensus/rejection.h"
#include "ssz/codec.h"
#include "chain/beam_chain.h"
#include "crypto/aggregate_prover.h"
#include "crypto/verifier.h"
#include "host_crypto.h"
#include "metrics/registry.h"
#include "outbound_requests.h"
#include "storage/chain_db.h"
#include "sync/locked_map.h"
#include "sync/mutex.h"

namespace beam::capi {

// Reads the host's clock on a thread of its own and ticks the node at each interval
// boundary. Waits at most 100 ms of real time between reads, so a host clock that
// runs faster than real time is followed with that lag.
class HostClockDriver {
 public:
  HostClockDriver(const beam_clock_vtable& clock, uint64_t genesis_time_s, std::function<void(uint64_t)> tick);
  ~HostClockDriver();  // stops and joins the thread
  HostClockDriver(const HostClockDriver&) = delete;
  HostClockDriver& operator=(const HostClockDriver&) = delete;

 private:
  void Run();

  const beam_clock_vtable clock_;
  const uint64_t genesis_ms_;
  const std::function<void(uint64_t)> tick_;
  Mutex mu_;
  CondVar cv_;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;  // last: started after everything above exists
};

}  // namespace beam::capi

struct beam_node {
  bool inline_mode = false;
  beam_network_vtable network{};
  beam_log_sink log{};
  uint64_t request_timeout_intervals = 13;  // RESP_TIMEOUT 10 s in 800 ms intervals, rounded up
  uint64_t range_sync_batch = 64;

  // Node time: the last interval the host (or the clock driver) ticked to.
  std::atomic<uint64_t> current_interval{0};
  std::atomic<uint64_t> next_request_id{1};
  // When Status was last sent to every peer (node time), to refresh their views.
  std::atomic<uint64_t> last_status_refresh_interval{0};
  beam::capi::OutboundRequests requests;
  // Which peer sent a gossip block still being processed, to report it if the block
  // turns out invalid (bounded; cleared when the block's fate is known).
  beam::LockedMap<beam::ssz::Root, std::string> block_sources{"gossip_block_sources"};

  std::unique_ptr<beam::crypto::XmssSignatureVerifier> signature_verifier;
  beam::crypto::MockedAggregateVerifier mocked_verifier;
  beam::crypto::MockedAggregateProver mocked_prover;
  std::unique_ptr<beam::capi::HostCrypto> host_crypto;
  const beam::crypto::AggregateProver* prover = nullptr;  // mocked or host
  beam::metrics::Registry registry;
  std::unique_ptr<beam::chain::ChainObserver> observer;
  std::unique_ptr<beam::storage::ChainDb> db;  // outlives the chain
  std::unique_ptr<beam::chain::BeamChain> chain;
  std::unique_ptr<beam::capi::HostClockDriver> clock_driver;  // last: stopped first

  ~beam_node() {
    clock_driver.reset();
    chain.reset();
  }

  bool LogEnabled(beam_log_level level) const {
    return log.log != nullptr && static_cast<int>(level) <= static_cast<int>(log.max_level);
  }
  void Log(beam_log_level level, const std::string& message) const {
    if (LogEnabled(level)) log.log(level, message.c_str(), log.user_data);
  }
  void ReportPeer(const std::string& peer, beam_peer_action action, const std::string& reason) const;
};

namespace beam::capi {

// BEAM_ERR_INVALID_ARGUMENT (with `fn` in the message) for a NULL node; else BEAM_OK.
inline beam_status NodeArg(const beam_node* node, const char* fn) {
  if (node == nullptr || node->chain == nullptr) {
    return Fail(BEAM_ERR_INVALID_ARGUMENT, std::string(fn) + ": node is NULL");
  }
  return BEAM_OK;
}

// Decodes a host-supplied SSZ value of `what`; malformed bytes are a DECODE_ERROR
// rejection (BEAM_ERR_DECODE), a NULL pointer with a length InvalidArgument.
template <class T>
absl::StatusOr<T> DecodeArg(const uint8_t* ssz, size_t len, const char* what) {
  if (ssz == nullptr && len != 0) return absl::InvalidArgumentError(std::string(what) + " is NULL");
  absl::StatusOr<T> v = ssz::Decode<T>(ssz::ByteView(ssz == nullptr ? reinterpret_cast<const uint8_t*>("") : ssz, len));
  if (!v.ok()) {
    return consensus::Reject(consensus::RejectionReason::kDECODE_ERROR,
                             std::string(what) + ": " + std::string(v.status().message()));
  }
  return v;
}

// Req/resp and sync (reqresp.cc).
// Asks a connected peer for `roots` (deduplicated): `preferred` if it is connected
// (the peer that sent a child of theirs has them), else the best other peer; or tells
// the host it must.
void FetchBlocks(beam_node* node, const std::vector<ssz::Root>& roots,
                 const std::optional<std::string>& preferred = std::nullopt);
// Bounded map root -> the peer a block came from (gossip or a response).
void RememberBlockSource(beam_node* node, const ssz::Root& root, const std::string& peer);
// Expires requests past their deadline: reports their peers, frees what they owed.
void ExpireRequests(beam_node* node);
// Records the interval and expires overdue requests (all tick paths call this).
void OnNodeTime(beam_node* node, uint64_t interval);

}  // namespace beam::capi

#endif  // BEAMCORE_CAPI_NODE_INTERNAL_H_
