// PeerSync: a node's peers, req/resp serving and catch-up sync, over a Network.
//
// - Peers exchange Status on connect, and every kStatusRefreshSlots after (also when
//   a fetch finds no peer with a block), so a node whose gossip missed a fork learns
//   its peers are ahead.
// - A peer ahead by kRangeSyncMinGap slots or more is synced by BlocksByRange
//   batches, one range stream at a time, chunks checked to be in range and in
//   increasing slot order; nearer, its head by root, then unknown parents by root
//   (from the peer that sent the child), each root asked of distinct peers in turn.
// - Range sync never asks for more blocks than the chain's block queue has room for:
//   the next batch waits ("parked") until the worker has imported enough, and a batch
//   whose blocks did not fit continues from the first one dropped. (Asking ahead of
//   the import let a fast peer overflow the queue; what was dropped then came back one
//   parent at a time.)
// - A peer whose head waits in the block cache for missing ancestors gets one range
//   request from our finalized slot (a whole lost fork in one stream).
// - Serving: Status; BlocksByRoot; BlocksByRange from the chain's canonical roots with
//   leanSpec's count (1..1024) and history-window rules.
// - Requests expire after the request timeout in node time: the peer is reported and
//   what it owed is asked of another.
//
// Thread-safe: every method may be called from any thread (host threads, the chain
// worker through the node's observer, the clock). It holds no lock while calling the
// network or the chain.

#ifndef BEAMCORE_NODE_PEER_SYNC_H_
#define BEAMCORE_NODE_PEER_SYNC_H_

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "chain/beam_chain.h"
#include "node/log_sink.h"
#include "node/network.h"
#include "node/outbound_requests.h"
#include "ssz/bytes.h"
#include "locking/locked_map.h"
#include "wire/messages.h"

namespace beam::node {

class PeerSync {
 public:
  static constexpr uint64_t kMinSlotsForBlockRequests = 3600;  // leanSpec MIN_SLOTS_FOR_BLOCK_REQUESTS
  struct Options {
    uint64_t request_timeout_intervals = 13;  // leanSpec RESP_TIMEOUT 10 s in 800 ms intervals
    uint64_t range_sync_batch = 64;           // blocks per BlocksByRange request (1..1024)
    // Start slots further back than this from the current slot are RESOURCE_UNAVAILABLE.
    uint64_t serve_history_slots = kMinSlotsForBlockRequests;
  };
  // A peer this many slots or more ahead is synced by range; nearer, by root.
  static constexpr uint64_t kRangeSyncMinGap = 4;
  // Roots a peer did not deliver are asked of other peers, this many in all.
  static constexpr int kMaxFetchAttempts = 3;
  static constexpr uint64_t kStatusRefreshSlots = 8;

  // `chain`, `network` and `log` must outlive this object.
  PeerSync(chain::BeamChain* chain, Network* network, const Logger* log, const Options& options);

  // --- Peers ---
  void OnPeerConnected(const std::string& peer);
  // NotFound for a peer that is not connected.
  absl::Status OnPeerDisconnected(const std::string& peer);
  void ReportPeer(const std::string& peer, PeerAction action, const std::string& reason) const;

  // --- Serving a peer's request (the answer goes out through the network) ---
  // InvalidArgument / DECODE_ERROR for a malformed request (answered INVALID_REQUEST).
  absl::Status OnRequest(const std::string& peer, ReqProtocol protocol, ssz::ByteView ssz, uint64_t request_id);

  // --- Answers to our requests ---
  // NotFound for an unknown or finished request; the chunk's rejection otherwise.
  absl::Status OnResponseChunk(uint64_t request_id, ssz::ByteView ssz);
  absl::Status OnResponseEnd(uint64_t request_id, ResponseCode result);

  // --- Node time (every tick path calls this) ---
  // Records the interval, expires overdue requests and refreshes peers' Status.
  void OnTime(uint64_t interval);

  // --- Blocks the chain needs ---
  // Asks a connected peer for `roots` (deduplicated): `preferred` if it is connected
  // (the peer that sent a child has its parents), else the best other peer; with no
  // peer, the network's RequestBlockElsewhere.
  void FetchBlocks(const std::vector<ssz::Root>& roots, const std::optional<std::string>& preferred = std::nullopt);
  // Which peer a block came from (gossip or a response), until its fate is known
  // (bounded): the parent is asked of it, and it is reported if the block is invalid.
  void RememberBlockSource(const ssz::Root& root, const std::string& peer);
  std::optional<std::string> BlockSource(const ssz::Root& root) const;
  std::optional<std::string> TakeBlockSource(const ssz::Root& root);

  // The chain imported a block (its queue has room again): a parked range batch
  // goes out if it now fits. Cheap when nothing is parked.
  void OnBlockImported();

  size_t outstanding_requests() const { return requests_.Count(); }

 private:
  uint64_t SendRequest(const std::string& peer, ReqProtocol protocol, const ssz::ByteVec& payload,
                       OutboundRequest request);
  void FetchBlocksFrom(const std::vector<ssz::Root>& roots, const std::optional<std::string>& preferred,
                       std::vector<std::string> asked, int attempt);
  void RefreshPeerStatus(uint64_t min_gap_intervals);
  void RequestRange(const std::string& peer, uint64_t start, const wire::Status& target);
  // Blocks of room the block queue needs before a range batch is asked for.
  uint64_t RangeBatchRoom() const;
  void ResumeParkedRange(bool check_room);
  bool RangeSyncBusy() const;
  void MaybeSync(const std::string& peer, const wire::Status& theirs);
  std::vector<ssz::Root> Undelivered(const std::vector<ssz::Root>& roots) const;
  void FinishRequest(const OutboundRequest& request, ResponseCode result);
  ResponseCode ServeRange(const wire::BlocksByRangeRequest& request, uint64_t request_id);
  absl::Status SubmitFetchedBlock(consensus::SignedBlock block, const ssz::Root& root);

  chain::BeamChain* const chain_;
  Network* const network_;
  const Logger* const log_;
  const Options options_;
  std::atomic<uint64_t> current_interval_{0};
  std::atomic<uint64_t> next_request_id_{1};
  // When Status was last sent to every peer (node time; 0: never).
  std::atomic<uint64_t> last_status_refresh_{0};
  OutboundRequests requests_;
  // The next range batch, waiting for room in the chain's block queue. Leaf lock.
  struct ParkedRange {
    std::string peer;
    uint64_t start = 0;
  };
  mutable Mutex parked_mu_;
  std::optional<ParkedRange> parked_range_ ABSL_GUARDED_BY(parked_mu_);
  std::atomic<bool> range_parked_{false};  // parked_range_.has_value(), read without the lock
  LockedMap<ssz::Root, std::string> block_sources_{"gossip_block_sources"};
};

}  // namespace beam::node

#endif  // BEAMCORE_NODE_PEER_SYNC_H_
