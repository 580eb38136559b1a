// Peers, req/resp serving and catch-up sync of the C node, all through the host's
// network vtable: Status exchange on connect; far behind, BlocksByRange batches; near,
// the peer's head and then unknown parents by root. Requests expire after
// request_timeout_ms of node time.

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "capi_internal.h"
#include "consensus/rejection.h"
#include "node_internal.h"
#include "ssz/codec.h"
#include "ssz/container.h"
#include "wire/messages.h"

namespace beam::capi {
namespace {

// A peer this many slots or more ahead is synced by range; nearer, by root.
constexpr uint64_t kRangeSyncMinGap = 4;
constexpr uint64_t kMaxRequestBlocks = wire::kMaxRequestBlocks;
constexpr uint64_t kMinSlotsForBlockRequests = 3600;   // leanSpec MIN_SLOTS_FOR_BLOCK_REQUESTS
// Roots a peer did not deliver are asked of other peers, this many peers in all.
constexpr int kMaxFetchAttempts = 3;
// Peers' Status is refreshed this often (and when a fetch finds no peer with the
// block): a node whose gossip missed a fork learns that its peers are ahead and
// range-syncs instead of waiting for a block that will never come by gossip.
constexpr uint64_t kStatusRefreshIntervals = 8 * 5;  // 8 slots
constexpr uint64_t kMinStatusRefreshIntervals = 5;   // at most once a slot
constexpr size_t kMaxTrackedBlockSources = 4096;

uint64_t SendRequest(beam_node* node, const std::string& peer, beam_req_protocol protocol, const ssz::ByteVec& payload,
                     OutboundRequest request) {
  const uint64_t id = node->next_request_id.fetch_add(1);
  request.peer = peer;
  request.protocol = protocol;
  request.deadline_interval = node->current_interval.load(std::memory_order_relaxed) + node->request_timeout_intervals;
  node->requests.Add(id, std::move(request));
  node->network.send_request(peer.c_str(), protocol, payload.data(), payload.size(), id, node->network.user_data);
  return id;
}

// Sends our Status to every peer (their answers refresh what we know of them and
// start a sync with any that is ahead), unless that was done less than `min_gap`
// intervals ago.
void RefreshPeerStatus(beam_node* node, uint64_t min_gap) {
  if (node->network.send_request == nullptr) return;
  const uint64_t now = node->current_interval.load(std::memory_order_relaxed);
  uint64_t last = node->last_status_refresh_interval.load(std::memory_order_relaxed);
  do {
    if (last != 0 && now < last + min_gap) return;
  } while (!node->last_status_refresh_interval.compare_exchange_weak(last, std::max<uint64_t>(now, 1)));
  const ssz::ByteVec status = ssz::Encode(node->chain->GetStatus());
  for (const std::string& peer : node->chain->peers().PeerIds()) {
    SendRequest(node, peer, BEAM_REQ_STATUS, status, {});
  }
}

void FetchBlocksVia(beam_node* node, const std::vector<ssz::Root>& roots, const std::optional<std::string>& preferred,
                    std::vector<std::string> asked, int attempt = 1) {
  chain::BeamChain& chain = *node->chain;
  std::vector<ssz::Root> to_fetch = chain.SelectRootsToFetch(roots);
  if (to_fetch.empty()) return;
  std::optional<std::string> peer;
  if (preferred && std::find(asked.begin(), asked.end(), *preferred) == asked.end() &&
      chain.peers().Contains(*preferred)) {
    peer = preferred;
  }
  if (!peer) peer = chain.peers().SelectPeerExcept(asked);
  if (!peer && !asked.empty()) {
    // Every peer was asked: nobody we know of has these blocks now. Refresh what we
    // know of our peers (one ahead of us is then synced by range).
    chain.ReportFetch(to_fetch, chain::FetchOutcome::kFetchFailed);
    chain.ForgetPendingFetch(to_fetch);
    RefreshPeerStatus(node, kMinStatusRefreshIntervals);
    return;
  }
  if (!peer || node->network.send_request == nullptr) {
    chain.ReportFetch(to_fetch, chain::FetchOutcome::kFetchNoPeers);
    // Not pending any more: a later attempt (a new peer) may ask again.
    chain.ForgetPendingFetch(to_fetch);
    if (node->network.request_block != nullptr) {
      for (const ssz::Root& r : to_fetch) node->network.request_block(r.data(), node->network.user_data);
    }
    return;
  }
  wire::BlocksByRootRequest request;
  request.roots.items = to_fetch;
  OutboundRequest pending;
  pending.roots = to_fetch;
  pending.attempt = attempt;
  asked.push_back(*peer);
  pending.asked = std::move(asked);
  if (node->LogEnabled(BEAM_LOG_DEBUG)) {
    node->Log(BEAM_LOG_DEBUG, absl::StrCat("fetching ", to_fetch.size(), " block(s) by root from ", *peer, " (attempt ",
                                           attempt, "), first ", ssz::ToHex(to_fetch.front())));
  }
  SendRequest(node, *peer, BEAM_REQ_BLOCKS_BY_ROOT, ssz::Encode(request), std::move(pending));
  chain.ReportFetch(to_fetch, chain::FetchOutcome::kFetched);
}


// The roots of a by-root request that neither fork choice nor the block cache holds.
std::vector<ssz::Root> Undelivered(chain::BeamChain& chain, const std::vector<ssz::Root>& roots) {
  std::vector<ssz::Root> missing;
  for (const ssz::Root& r : roots) {
    if (!chain.HasBlock(r) && !chain.block_cache().Contains(r)) missing.push_back(r);
  }
  return missing;
}

// Sends the BlocksByRange request for [start, start + count) towards `target`.
void RequestRange(beam_node* node, const std::string& peer, uint64_t start, const wire::Status& target) {
  if (target.head.slot < start) return;
  const uint64_t count = std::min(node->range_sync_batch, target.head.slot - start + 1);
  wire::BlocksByRangeRequest request{start, count};
  OutboundRequest pending;
  pending.range_start = start;
  pending.range_count = count;
  pending.next_slot = start;
  pending.roots = {target.head.root};  // the sync target: by root if the ranges miss it
  node->Log(BEAM_LOG_DEBUG, absl::StrCat("range sync: asking ", peer, " for slots ", start, "..", start + count - 1,
                                         " (its head is at slot ", target.head.slot, ")"));
  SendRequest(node, peer, BEAM_REQ_BLOCKS_BY_RANGE, ssz::Encode(request), std::move(pending));
}

// Starts catching up with `peer` whose latest Status is `theirs`, if it is ahead.
void MaybeSync(beam_node* node, const std::string& peer, const wire::Status& theirs) {
  chain::BeamChain& chain = *node->chain;
  if (chain.HasBlock(theirs.head.root) || node->network.send_request == nullptr) return;
  if (std::optional<ssz::Root> missing = chain.block_cache().FirstUncachedAncestor(theirs.head.root)) {
    // Gossip brought its head but not the way to it (earlier fetches asked peers that
    // did not have it): this peer has every ancestor of its head. The gap can be a
    // whole fork (after a partition): one range stream from our finalized block
    // fetches it at once, where parents by root would take a round trip each.
    if (chain.HasBlock(*missing)) return;  // it is being imported
    if (!node->requests.RangeSyncInFlight()) {
      node->Log(BEAM_LOG_INFO, absl::StrCat("range sync from ", peer, ": its head waits for missing ancestors"));
      RequestRange(node, peer, chain.HeadInfo().finalized.slot + 1, theirs);
    } else {
      FetchBlocksVia(node, {*missing}, peer, {});
    }
    return;
  }
  const chain::ChainHeadInfo ours = chain.HeadInfo();
  // At or below our finalized slot it is finalized history (pruned from fork choice)
  // or a dead fork: nothing to fetch.
  if (theirs.head.slot <= ours.finalized.slot) return;
  if (theirs.head.slot >= ours.head.slot + kRangeSyncMinGap) {
    if (node->requests.RangeSyncInFlight()) return;  // one range stream at a time
    // We share the peer's chain up to its finalized block if we know that block:
    // start after it, or after our head if that is lower. If we do not know it and it
    // is past our finalized slot, our head is on a fork the peer's chain left behind
    // somewhere after our finalized block: start right after that. Never below our
    // own finalized slot.
    const bool share_their_finalized =
        theirs.finalized.slot <= ours.finalized.slot || chain.HasBlock(theirs.finalized.root);
    const uint64_t from =
        share_their_finalized ? std::min(ours.head.slot, theirs.finalized.slot) + 1 : ours.finalized.slot + 1;
    const uint64_t start = std::max<uint64_t>(ours.finalized.slot + 1, from);
    node->Log(BEAM_LOG_INFO, absl::StrCat("range sync from ", peer, ": our head slot ", ours.head.slot, ", theirs ",
                                          theirs.head.slot));
    RequestRange(node, peer, start, theirs);
    return;
  }
  FetchBlocksVia(node, {theirs.head.root}, std::nullopt, {});
}

beam_status SubmitFetchedBlock(beam_node* node, consensus::SignedBlock block, const ssz::Root& root) {
  chain::BeamChain& chain = *node->chain;
  if (node->inline_mode) {
    absl::Status s = chain.OnBlock(block, root);
    // A block waiting for its parent or its slot is fine: the parent is being fetched.
    if (!s.ok() && consensus::GetRejectionReason(s) != consensus::RejectionReason::kUNKNOWN_PARENT_BLOCK &&
        !absl::IsUnavailable(s)) {
      return Fail(s);
    }
    return Ok();
  }
  if (!chain.SubmitBlock(std::move(block), root)) {
    return Fail(BEAM_ERR_RESOURCE_EXHAUSTED, "the block queue is full; the block was dropped");
  }
  return Ok();
}

// The end of one of our requests: frees what it owed and continues sync.
void FinishRequest(beam_node* node, const OutboundRequest& request, int32_t result) {
  chain::BeamChain& chain = *node->chain;
  if (result != BEAM_RESP_SUCCESS) {
    node->Log(BEAM_LOG_DEBUG, absl::StrCat("request to ", request.peer, " ended with result ", result));
    if (result == BEAM_RESP_SERVER_ERROR) node->ReportPeer(request.peer, BEAM_PEER_HIGH_TOLERANCE, "server error");
  }
  switch (request.protocol) {
    case BEAM_REQ_BLOCKS_BY_ROOT: {
      // The peer announced what we asked for (its Status or a child's parent link).
      if (result == BEAM_RESP_SUCCESS && request.chunks == 0) {
        node->ReportPeer(request.peer, BEAM_PEER_HIGH_TOLERANCE, "an empty answer to blocks_by_root");
      }
      // Roots the answer did not deliver are asked of another peer (a few in turn).
      const std::vector<ssz::Root> missing = Undelivered(chain, request.roots);
      chain.ForgetPendingFetch(missing);
      if (!missing.empty() && request.chunks < request.roots.size()) {
        if (request.attempt < kMaxFetchAttempts) {
          FetchBlocksVia(node, missing, std::nullopt, request.asked, request.attempt + 1);
        } else {
          RefreshPeerStatus(node, kMinStatusRefreshIntervals);  // nobody we asked had them
        }
      }
      return;
    }
    case BEAM_REQ_BLOCKS_BY_RANGE: {
      std::optional<chain::PeerInfo> peer = chain.peers().Get(request.peer);
      if (!peer || !peer->latest_status || result != BEAM_RESP_SUCCESS) return;
      const wire::Status& target = *peer->latest_status;
      const uint64_t next = request.range_start + request.range_count;
      if (next <= target.head.slot) {
        RequestRange(node, request.peer, next, target);
      } else if (!chain.HasBlock(target.head.root) && request.next_slot <= target.head.slot) {
        // The ranges ended before the peer's head (it moved, or is on another fork).
        FetchBlocksVia(node, {target.head.root}, std::nullopt, {});
      }
      return;
    }
    default:
      return;
  }
}

// Serves BlocksByRange: canonical blocks of the range in slot order.
int32_t ServeRange(beam_node* node, const wire::BlocksByRangeRequest& request,
                   const std::function<void(const ssz::ByteVec&)>& chunk) {
  if (request.count == 0 || request.count > kMaxRequestBlocks) return BEAM_RESP_INVALID_REQUEST;
  const uint64_t current_slot = node->chain->CurrentSlot();
  const uint64_t floor = current_slot >= kMinSlotsForBlockRequests ? current_slot - kMinSlotsForBlockRequests : 0;
  if (request.start_slot < floor) return BEAM_RESP_RESOURCE_UNAVAILABLE;
  for (const auto& [slot, root] : node->chain->CanonicalBlockRoots(request.start_slot, request.count)) {
    if (std::optional<ssz::ByteVec> block = node->chain->GetBlockSsz(root)) chunk(*block);
  }
  return BEAM_RESP_SUCCESS;
}

}  // namespace

void FetchBlocks(beam_node* node, const std::vector<ssz::Root>& roots, const std::optional<std::string>& preferred) {
  FetchBlocksVia(node, roots, preferred, {});
}

void RememberBlockSource(beam_node* node, const ssz::Root& root, const std::string& peer) {
  if (node->block_sources.Count() < kMaxTrackedBlockSources) node->block_sources.Put(root, peer);
}

void ExpireRequests(beam_node* node) {
  for (auto& [id, request] : node->requests.TakeExpired(node->current_interval.load(std::memory_order_relaxed))) {
    node->Log(BEAM_LOG_WARN, absl::StrCat("request ", id, " to ", request.peer, " timed out"));
    node->ReportPeer(request.peer, BEAM_PEER_MID_TOLERANCE, "request timed out");
    chain::BeamChain& chain = *node->chain;
    if (request.protocol == BEAM_REQ_BLOCKS_BY_ROOT) {
      const std::vector<ssz::Root> missing = Undelivered(chain, request.roots);
      chain.ForgetPendingFetch(missing);
      chain.ReportFetch(missing, chain::FetchOutcome::kFetchFailed);
      if (!missing.empty()) FetchBlocksVia(node, missing, std::nullopt, request.asked, request.attempt + 1);
    } else if (request.protocol == BEAM_REQ_BLOCKS_BY_RANGE) {
      // Continue with another peer that is ahead, if any.
      std::optional<std::string> other = chain.peers().SelectPeer(absl::string_view(request.peer));
      if (other) {
        std::optional<chain::PeerInfo> info = chain.peers().Get(*other);
        if (info && info->latest_status) MaybeSync(node, *other, *info->latest_status);
      }
    }
  }
}

void OnNodeTime(beam_node* node, uint64_t interval) {
  uint64_t seen = node->current_interval.load(std::memory_order_relaxed);
  while (seen < interval && !node->current_interval.compare_exchange_weak(seen, interval)) {
  }
  ExpireRequests(node);
  // Status is exchanged on connect; refreshing it now and then lets a node that fell
  // onto a fork nobody builds on any more see that its peers are ahead.
  if (interval >= kStatusRefreshIntervals) RefreshPeerStatus(node, kStatusRefreshIntervals);
}

}  // namespace beam::capi

void beam_node::ReportPeer(const std::string& peer, beam_peer_action action, const std::string& reason) const {
  Log(BEAM_LOG_DEBUG, absl::StrCat("peer ", peer, " reported (action ", static_cast<int>(action), "): ", reason));
  if (network.report_peer != nullptr && !peer.empty()) {
    network.report_peer(peer.c_str(), action, reason.c_str(), network.user_data);
  }
}

using namespace beam;

extern "C" {

BEAM_EXPORT beam_status beam_node_peer_connected(beam_node* node, const char* peer_id) {
  return capi::Guard([&]() -> beam_status {
    if (beam_status s = capi::NodeArg(node, "beam_node_peer_connected"); s != BEAM_OK) return s;
    if (peer_id == nullptr) return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_node_peer_connected: peer_id is NULL");
    node->chain->peers().Connect(peer_id, 0);
    node->Log(BEAM_LOG_INFO, absl::StrCat("peer connected: ", peer_id));
    if (node->network.send_request != nullptr) {
      capi::SendRequest(node, peer_id, BEAM_REQ_STATUS, ssz::Encode(node->chain->GetStatus()), {});
    }
    return capi::Ok();
  });
}

BEAM_EXPORT beam_status beam_node_peer_disconnected(beam_node* node, const char* peer_id) {
  return capi::Guard([&]() -> beam_status {
    if (beam_status s = capi::NodeArg(node, "beam_node_peer_disconnected"); s != BEAM_OK) return s;
    if (peer_id == nullptr) return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_node_peer_disconnected: peer_id is NULL");
    if (!node->chain->peers().Disconnect(peer_id)) return capi::Fail(BEAM_ERR_NOT_FOUND, "unknown peer");
    node->Log(BEAM_LOG_INFO, absl::StrCat("peer disconnected: ", peer_id));
    return capi::Ok();
  });
}

BEAM_EXPORT beam_status beam_node_on_request(beam_node* node, const char* peer_id, beam_req_protocol protocol,
                                             const uint8_t* ssz, size_t len, uint64_t request_id) {
  return capi::Guard([&]() -> beam_status {
    if (beam_status s = capi::NodeArg(node, "beam_node_on_request"); s != BEAM_OK) return s;
    const beam_network_vtable& net = node->network;
    const std::string peer = peer_id != nullptr ? peer_id : "";
    auto end = [&](int32_t result) {
      if (net.send_response_end != nullptr) net.send_response_end(request_id, result, net.user_data);
    };
    auto chunk = [&](const ssz::ByteVec& bytes) {
      if (net.send_response_chunk != nullptr) net.send_response_chunk(request_id, bytes.data(), bytes.size(), net.user_data);
    };
    auto invalid = [&](const absl::Status& why) {
      end(BEAM_RESP_INVALID_REQUEST);
      node->ReportPeer(peer, BEAM_PEER_LOW_TOLERANCE, absl::StrCat("undecodable request: ", why.message()));
      return capi::Fail(why);
    };
    switch (capi::RawEnum(protocol)) {
      case BEAM_REQ_STATUS: {
        absl::StatusOr<wire::Status> theirs = capi::DecodeArg<wire::Status>(ssz, len, "status request");
        if (!theirs.ok()) return invalid(theirs.status());
        chunk(ssz::Encode(node->chain->GetStatus()));
        end(BEAM_RESP_SUCCESS);
        if (!peer.empty() && node->chain->peers().SetLatestStatus(peer, *theirs)) capi::MaybeSync(node, peer, *theirs);
        return capi::Ok();
      }
      case BEAM_REQ_BLOCKS_BY_ROOT: {
        absl::StatusOr<wire::BlocksByRootRequest> request =
            capi::DecodeArg<wire::BlocksByRootRequest>(ssz, len, "blocks_by_root request");
        if (!request.ok()) return invalid(request.status());
        for (const ssz::Root& root : request->roots.items) {
          if (std::optional<ssz::ByteVec> block = node->chain->GetBlockSsz(root)) {
            chunk(*block);
          } else if (node->LogEnabled(BEAM_LOG_DEBUG)) {
            node->Log(BEAM_LOG_DEBUG, absl::StrCat("blocks_by_root from ", peer, ": no block ", ssz::ToHex(root)));
          }
        }
        end(BEAM_RESP_SUCCESS);
        return capi::Ok();
      }
      case BEAM_REQ_BLOCKS_BY_RANGE: {
        absl::StatusOr<wire::BlocksByRangeRequest> request =
            capi::DecodeArg<wire::BlocksByRangeRequest>(ssz, len, "blocks_by_range request");
        if (!request.ok()) return invalid(request.status());
        const int32_t result = capi::ServeRange(node, *request, chunk);
        end(result);
        if (result == BEAM_RESP_INVALID_REQUEST) {
          return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "blocks_by_range request: count must be 1..1024");
        }
        return capi::Ok();
      }
    }
    end(BEAM_RESP_INVALID_REQUEST);
    return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_node_on_request: unknown protocol");
  });
}

BEAM_EXPORT beam_status beam_node_on_response_chunk(beam_node* node, uint64_t request_id, const uint8_t* ssz,
                                                    size_t len) {
  return capi::Guard([&]() -> beam_status {
    if (beam_status s = capi::NodeArg(node, "beam_node_on_response_chunk"); s != BEAM_OK) return s;
    std::optional<capi::OutboundRequest> request = node->requests.Update(request_id, [](capi::OutboundRequest& r) {
      return r;  // a copy: the checks below run without the lock
    });
    if (!request) return capi::Fail(BEAM_ERR_NOT_FOUND, "beam_node_on_response_chunk: unknown request id");
    chain::BeamChain& chain = *node->chain;
    auto refuse = [&](beam_peer_action action, const absl::Status& why) {
      node->ReportPeer(request->peer, action, std::string(why.message()));
      return capi::Fail(why);
    };
    if (request->protocol == BEAM_REQ_STATUS) {
      absl::StatusOr<wire::Status> status = capi::DecodeArg<wire::Status>(ssz, len, "status response");
      if (!status.ok()) return refuse(BEAM_PEER_LOW_TOLERANCE, status.status());
      if (chain.peers().SetLatestStatus(request->peer, *status)) capi::MaybeSync(node, request->peer, *status);
      return capi::Ok();
    }
    absl::StatusOr<consensus::SignedBlock> block = capi::DecodeArg<consensus::SignedBlock>(ssz, len, "block response");
    if (!block.ok()) return refuse(BEAM_PEER_LOW_TOLERANCE, block.status());
    const ssz::Root root = ssz::HashTreeRoot(block->block);
    if (request->protocol == BEAM_REQ_BLOCKS_BY_ROOT) {
      if (std::find(request->roots.begin(), request->roots.end(), root) == request->roots.end()) {
        return refuse(BEAM_PEER_MID_TOLERANCE,
                      absl::InvalidArgumentError("beam_node_on_response_chunk: a block that was not requested"));
      }
      node->requests.Update(request_id, [](capi::OutboundRequest& r) { return ++r.chunks; });
    } else {
      // BlocksByRange: in the range, in increasing slot order (checked and advanced atomically).
      const uint64_t slot = block->block.slot;
      const std::optional<bool> in_order = node->requests.Update(request_id, [&](capi::OutboundRequest& r) {
        if (slot < r.next_slot || slot - r.range_start >= r.range_count) return false;
        r.next_slot = slot + 1;
        ++r.chunks;
        return true;
      });
      if (!in_order) return capi::Fail(BEAM_ERR_NOT_FOUND, "beam_node_on_response_chunk: the request has ended");
      if (!*in_order) {
        return refuse(BEAM_PEER_LOW_TOLERANCE, absl::InvalidArgumentError(absl::StrCat(
                                                   "beam_node_on_response_chunk: block at slot ", slot,
                                                   " is outside the requested range or out of order")));
      }
      if (chain.HasBlock(root)) return capi::Ok();  // already have it
    }
    capi::RememberBlockSource(node, root, request->peer);  // it has the block's ancestors
    return capi::SubmitFetchedBlock(node, std::move(*block), root);
  });
}

BEAM_EXPORT beam_status beam_node_on_response_end(beam_node* node, uint64_t request_id, int32_t result) {
  return capi::Guard([&]() -> beam_status {
    if (beam_status s = capi::NodeArg(node, "beam_node_on_response_end"); s != BEAM_OK) return s;
    std::optional<capi::OutboundRequest> request = node->requests.Remove(request_id);
    if (!request) return capi::Fail(BEAM_ERR_NOT_FOUND, "beam_node_on_response_end: unknown request id");
    capi::FinishRequest(node, *request, result);
    return capi::Ok();
  });
}

}  // extern "C"
