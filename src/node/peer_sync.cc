#include "node/peer_sync.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "consensus/config.h"
#include "consensus/rejection.h"
#include "ssz/codec.h"
#include "ssz/container.h"

namespace beam::node {
namespace {

constexpr size_t kMaxTrackedBlockSources = 4096;
constexpr uint64_t kStatusRefreshIntervals = PeerSync::kStatusRefreshSlots * consensus::kIntervalsPerSlot;
constexpr uint64_t kMinStatusRefreshIntervals = consensus::kIntervalsPerSlot;  // at most once a slot

// A peer's SSZ as a value of T; malformed bytes are a DECODE_ERROR rejection.
template <class T>
absl::StatusOr<T> DecodePeerSsz(ssz::ByteView bytes, const char* what) {
  absl::StatusOr<T> v = ssz::Decode<T>(bytes);
  if (!v.ok()) {
    return consensus::Reject(consensus::RejectionReason::kDECODE_ERROR,
                             absl::StrCat(what, ": ", v.status().message()));
  }
  return v;
}

}  // namespace

const char* ReqProtocolName(ReqProtocol protocol) {
  switch (protocol) {
    case ReqProtocol::kStatus:
      return "status";
    case ReqProtocol::kBlocksByRoot:
      return "blocks_by_root";
    case ReqProtocol::kBlocksByRange:
      return "blocks_by_range";
  }
  return "unknown";
}

PeerSync::PeerSync(chain::BeamChain* chain, Network* network, const Logger* log, const Options& options)
    : chain_(chain), network_(network), log_(log), options_(options) {}

// ---------------------------------------------------------------------------------
// Peers

void PeerSync::OnPeerConnected(const std::string& peer) {
  chain_->peers().Connect(peer, 0);
  log_->Log(LogLevel::kInfo, absl::StrCat("peer connected: ", peer));
  if (network_->CanSendRequests()) SendRequest(peer, ReqProtocol::kStatus, ssz::Encode(chain_->GetStatus()), {});
}

absl::Status PeerSync::OnPeerDisconnected(const std::string& peer) {
  if (!chain_->peers().Disconnect(peer)) return absl::NotFoundError(absl::StrCat("unknown peer ", peer));
  log_->Log(LogLevel::kInfo, absl::StrCat("peer disconnected: ", peer));
  return absl::OkStatus();
}

void PeerSync::ReportPeer(const std::string& peer, PeerAction action, const std::string& reason) const {
  if (log_->Enabled(LogLevel::kDebug)) {
    log_->Log(LogLevel::kDebug, absl::StrCat("peer ", peer, " reported (action ", static_cast<int>(action), "): ", reason));
  }
  if (!peer.empty()) network_->ReportPeer(peer, action, reason);
}

void PeerSync::RememberBlockSource(const ssz::Root& root, const std::string& peer) {
  if (block_sources_.Count() < kMaxTrackedBlockSources) block_sources_.Put(root, peer);
}

std::optional<std::string> PeerSync::BlockSource(const ssz::Root& root) const { return block_sources_.Get(root); }

std::optional<std::string> PeerSync::TakeBlockSource(const ssz::Root& root) { return block_sources_.FetchRemove(root); }

// ---------------------------------------------------------------------------------
// Our requests

uint64_t PeerSync::SendRequest(const std::string& peer, ReqProtocol protocol, const ssz::ByteVec& payload,
                               OutboundRequest request) {
  const uint64_t id = next_request_id_.fetch_add(1);
  request.peer = peer;
  request.protocol = protocol;
  request.deadline_interval = current_interval_.load(std::memory_order_relaxed) + options_.request_timeout_intervals;
  requests_.Add(id, std::move(request));
  network_->SendRequest(peer, protocol, ssz::ByteView(payload.data(), payload.size()), id);
  return id;
}

void PeerSync::RefreshPeerStatus(uint64_t min_gap_intervals) {
  if (!network_->CanSendRequests()) return;
  const uint64_t now = current_interval_.load(std::memory_order_relaxed);
  uint64_t last = last_status_refresh_.load(std::memory_order_relaxed);
  do {
    if (last != 0 && now < last + min_gap_intervals) return;
  } while (!last_status_refresh_.compare_exchange_weak(last, std::max<uint64_t>(now, 1)));
  const ssz::ByteVec status = ssz::Encode(chain_->GetStatus());
  for (const std::string& peer : chain_->peers().PeerIds()) SendRequest(peer, ReqProtocol::kStatus, status, {});
}

void PeerSync::FetchBlocks(const std::vector<ssz::Root>& roots, const std::optional<std::string>& preferred) {
  FetchBlocksFrom(roots, preferred, {}, 1);
}

void PeerSync::FetchBlocksFrom(const std::vector<ssz::Root>& roots, const std::optional<std::string>& preferred,
                               std::vector<std::string> asked, int attempt) {
  std::vector<ssz::Root> to_fetch = chain_->SelectRootsToFetch(roots);
  if (to_fetch.empty()) return;
  std::optional<std::string> peer;
  if (preferred && std::find(asked.begin(), asked.end(), *preferred) == asked.end() &&
      chain_->peers().Contains(*preferred)) {
    peer = preferred;
  }
  if (!peer) peer = chain_->peers().SelectPeerExcept(asked);
  if (!peer && !asked.empty()) {
    // Every peer was asked: nobody we know of has these blocks now. Refresh what we
    // know of our peers (one ahead of us is then synced by range).
    chain_->ReportFetch(to_fetch, chain::FetchOutcome::kFetchFailed);
    chain_->ForgetPendingFetch(to_fetch);
    RefreshPeerStatus(kMinStatusRefreshIntervals);
    return;
  }
  if (!peer || !network_->CanSendRequests()) {
    chain_->ReportFetch(to_fetch, chain::FetchOutcome::kFetchNoPeers);
    // Not pending any more: a later attempt (a new peer) may ask again.
    chain_->ForgetPendingFetch(to_fetch);
    for (const ssz::Root& r : to_fetch) network_->RequestBlockElsewhere(r);
    return;
  }
  wire::BlocksByRootRequest request;
  request.roots.items = to_fetch;
  OutboundRequest pending;
  pending.roots = to_fetch;
  pending.attempt = attempt;
  asked.push_back(*peer);
  pending.asked = std::move(asked);
  if (log_->Enabled(LogLevel::kDebug)) {
    log_->Log(LogLevel::kDebug, absl::StrCat("fetching ", to_fetch.size(), " block(s) by root from ", *peer,
                                             " (attempt ", attempt, "), first ", ssz::ToHex(to_fetch.front())));
  }
  SendRequest(*peer, ReqProtocol::kBlocksByRoot, ssz::Encode(request), std::move(pending));
  chain_->ReportFetch(to_fetch, chain::FetchOutcome::kFetched);
}

std::vector<ssz::Root> PeerSync::Undelivered(const std::vector<ssz::Root>& roots) const {
  std::vector<ssz::Root> missing;
  for (const ssz::Root& r : roots) {
    if (!chain_->HasBlock(r) && !chain_->block_cache().Contains(r)) missing.push_back(r);
  }
  return missing;
}

uint64_t PeerSync::RangeBatchRoom() const {
  // Half the queue at most, so gossip blocks still fit beside a batch.
  const uint64_t half_queue = std::max<uint64_t>(1, chain_->BlockQueueCapacity() / 2);
  return std::min<uint64_t>(options_.range_sync_batch, half_queue);
}

bool PeerSync::RangeSyncBusy() const {
  return range_parked_.load(std::memory_order_acquire) || requests_.RangeSyncInFlight();
}

void PeerSync::RequestRange(const std::string& peer, uint64_t start, const wire::Status& target) {
  if (target.head.slot < start) return;
  const uint64_t room = chain_->BlockQueueRoom();
  const uint64_t wanted = std::min(options_.range_sync_batch, target.head.slot - start + 1);
  if (room < std::min(wanted, RangeBatchRoom())) {
    MutexLock lock(&parked_mu_);
    parked_range_ = ParkedRange{peer, start};
    range_parked_.store(true, std::memory_order_release);
    return;
  }
  const uint64_t count = std::min(wanted, room);
  wire::BlocksByRangeRequest request{start, count};
  OutboundRequest pending;
  pending.range_start = start;
  pending.range_count = count;
  pending.next_slot = start;
  pending.roots = {target.head.root};  // the sync target: by root if the ranges miss it
  log_->Log(LogLevel::kDebug, absl::StrCat("range sync: asking ", peer, " for slots ", start, "..", start + count - 1,
                                           " (its head is at slot ", target.head.slot, ")"));
  SendRequest(peer, ReqProtocol::kBlocksByRange, ssz::Encode(request), std::move(pending));
}

void PeerSync::MaybeSync(const std::string& peer, const wire::Status& theirs) {
  if (chain_->HasBlock(theirs.head.root) || !network_->CanSendRequests()) return;
  const chain::ChainHeadInfo ours = chain_->HeadInfo();
  if (std::optional<ssz::Root> missing = chain_->block_cache().FirstUncachedAncestor(theirs.head.root)) {
    // Gossip brought its head but not the way to it (earlier fetches asked peers that
    // did not have it): this peer has every ancestor of its head. The gap can be a
    // whole fork (after a partition): one range stream from our finalized block
    // fetches it at once, where parents by root would take a round trip each.
    if (chain_->HasBlock(*missing)) return;  // it is being imported
    if (!RangeSyncBusy()) {
      log_->Log(LogLevel::kInfo, absl::StrCat("range sync from ", peer, ": its head waits for missing ancestors"));
      RequestRange(peer, ours.finalized.slot + 1, theirs);
    } else {
      FetchBlocksFrom({*missing}, peer, {}, 1);
    }
    return;
  }
  // At or below our finalized slot it is finalized history (pruned from fork choice)
  // or a dead fork: nothing to fetch.
  if (theirs.head.slot <= ours.finalized.slot) return;
  if (theirs.head.slot >= ours.head.slot + kRangeSyncMinGap) {
    if (RangeSyncBusy()) return;  // one range stream at a time
    // We share the peer's chain up to its finalized block if we know that block:
    // start after it, or after our head if that is lower. If we do not know it and it
    // is past our finalized slot, our head is on a fork the peer's chain left behind
    // somewhere after our finalized block: start right after that. Never below our
    // own finalized slot.
    const bool share_their_finalized =
        theirs.finalized.slot <= ours.finalized.slot || chain_->HasBlock(theirs.finalized.root);
    const uint64_t from =
        share_their_finalized ? std::min(ours.head.slot, theirs.finalized.slot) + 1 : ours.finalized.slot + 1;
    const uint64_t start = std::max<uint64_t>(ours.finalized.slot + 1, from);
    log_->Log(LogLevel::kInfo, absl::StrCat("range sync from ", peer, ": our head slot ", ours.head.slot, ", theirs ",
                                            theirs.head.slot));
    RequestRange(peer, start, theirs);
    return;
  }
  FetchBlocksFrom({theirs.head.root}, std::nullopt, {}, 1);
}

absl::Status PeerSync::SubmitFetchedBlock(consensus::SignedBlock block, const ssz::Root& root) {
  absl::Status s = chain_->SubmitBlock(std::move(block), root);
  // A block waiting for its parent or its slot is fine: the parent is being fetched.
  if (!s.ok() && (consensus::GetRejectionReason(s) == consensus::RejectionReason::kUNKNOWN_PARENT_BLOCK ||
                  absl::IsUnavailable(s))) {
    return absl::OkStatus();
  }
  return s;
}

absl::Status PeerSync::OnResponseChunk(uint64_t request_id, ssz::ByteView bytes) {
  std::optional<OutboundRequest> request = requests_.Update(request_id, [](OutboundRequest& r) {
    return r;  // a copy: the checks below run without the lock
  });
  if (!request) return absl::NotFoundError("a response chunk for an unknown request id");
  auto refuse = [&](PeerAction action, const absl::Status& why) {
    ReportPeer(request->peer, action, std::string(why.message()));
    return why;
  };
  if (request->protocol == ReqProtocol::kStatus) {
    absl::StatusOr<wire::Status> status = DecodePeerSsz<wire::Status>(bytes, "status response");
    if (!status.ok()) return refuse(PeerAction::kLowTolerance, status.status());
    if (chain_->peers().SetLatestStatus(request->peer, *status)) MaybeSync(request->peer, *status);
    return absl::OkStatus();
  }
  absl::StatusOr<consensus::SignedBlock> block = DecodePeerSsz<consensus::SignedBlock>(bytes, "block response");
  if (!block.ok()) return refuse(PeerAction::kLowTolerance, block.status());
  const ssz::Root root = ssz::HashTreeRoot(block->block);
  if (request->protocol == ReqProtocol::kBlocksByRoot) {
    if (std::find(request->roots.begin(), request->roots.end(), root) == request->roots.end()) {
      return refuse(PeerAction::kMidTolerance, absl::InvalidArgumentError("a block that was not requested"));
    }
    requests_.Update(request_id, [](OutboundRequest& r) { return ++r.chunks; });
  } else {
    // BlocksByRange: in the range, in increasing slot order (checked and advanced atomically).
    const uint64_t slot = block->block.slot;
    const std::optional<bool> in_order = requests_.Update(request_id, [&](OutboundRequest& r) {
      if (slot < r.next_slot || slot - r.range_start >= r.range_count) return false;
      r.next_slot = slot + 1;
      ++r.chunks;
      return true;
    });
    if (!in_order) return absl::NotFoundError("a response chunk for a request that has ended");
    if (!*in_order) {
      return refuse(PeerAction::kLowTolerance,
                    absl::InvalidArgumentError(
                        absl::StrCat("block at slot ", slot, " is outside the requested range or out of order")));
    }
    if (chain_->HasBlock(root)) return absl::OkStatus();  // already have it
    if (request->resume_slot <= slot) return absl::OkStatus();  // an earlier block did not fit
  }
  RememberBlockSource(root, request->peer);  // it has the block's ancestors
  const uint64_t block_slot = block->block.slot;
  absl::Status submitted = SubmitFetchedBlock(std::move(*block), root);
  if (absl::IsResourceExhausted(submitted) && request->protocol == ReqProtocol::kBlocksByRange) {
    // Our queue is full, not the peer's fault: the next batch starts here.
    TakeBlockSource(root);
    requests_.Update(request_id, [&](OutboundRequest& r) { return r.resume_slot = std::min(r.resume_slot, block_slot); });
    return absl::OkStatus();
  }
  return submitted;
}

absl::Status PeerSync::OnResponseEnd(uint64_t request_id, ResponseCode result) {
  std::optional<OutboundRequest> request = requests_.Remove(request_id);
  if (!request) return absl::NotFoundError("the end of an unknown request id");
  FinishRequest(*request, result);
  return absl::OkStatus();
}

// The end of one of our requests: frees what it owed and continues sync.
void PeerSync::FinishRequest(const OutboundRequest& request, ResponseCode result) {
  if (result != ResponseCode::kSuccess) {
    log_->Log(LogLevel::kDebug,
              absl::StrCat("request to ", request.peer, " ended with result ", static_cast<int32_t>(result)));
    if (result == ResponseCode::kServerError) ReportPeer(request.peer, PeerAction::kHighTolerance, "server error");
  }
  switch (request.protocol) {
    case ReqProtocol::kBlocksByRoot: {
      // The peer announced what we asked for (its Status or a child's parent link).
      if (result == ResponseCode::kSuccess && request.chunks == 0) {
        ReportPeer(request.peer, PeerAction::kHighTolerance, "an empty answer to blocks_by_root");
      }
      // Roots the answer did not deliver are asked of another peer (a few in turn).
      const std::vector<ssz::Root> missing = Undelivered(request.roots);
      chain_->ForgetPendingFetch(missing);
      if (!missing.empty() && request.chunks < request.roots.size()) {
        if (request.attempt < kMaxFetchAttempts) {
          FetchBlocksFrom(missing, std::nullopt, request.asked, request.attempt + 1);
        } else {
          RefreshPeerStatus(kMinStatusRefreshIntervals);  // nobody we asked had them
        }
      }
      return;
    }
    case ReqProtocol::kBlocksByRange: {
      std::optional<chain::PeerInfo> peer = chain_->peers().Get(request.peer);
      if (!peer || !peer->latest_status || result != ResponseCode::kSuccess) return;
      const wire::Status& target = *peer->latest_status;
      const uint64_t next = std::min(request.range_start + request.range_count, request.resume_slot);
      if (next <= target.head.slot) {
        RequestRange(request.peer, next, target);
      } else if (!chain_->HasBlock(target.head.root) && request.next_slot <= target.head.slot) {
        // The ranges ended before the peer's head (it moved, or is on another fork).
        FetchBlocksFrom({target.head.root}, std::nullopt, {}, 1);
      }
      return;
    }
    case ReqProtocol::kStatus:
      return;
  }
}

void PeerSync::OnBlockImported() { ResumeParkedRange(/*check_room=*/true); }

void PeerSync::ResumeParkedRange(bool check_room) {
  if (!range_parked_.load(std::memory_order_acquire)) return;
  if (check_room && chain_->BlockQueueRoom() < RangeBatchRoom()) return;
  std::optional<ParkedRange> parked;
  {
    MutexLock lock(&parked_mu_);
    parked.swap(parked_range_);
    range_parked_.store(false, std::memory_order_release);
  }
  if (!parked) return;
  std::optional<chain::PeerInfo> peer = chain_->peers().Get(parked->peer);
  if (!peer || !peer->latest_status) return;  // gone: the next Status refresh picks another
  RequestRange(parked->peer, parked->start, *peer->latest_status);  // parks again if still full
}

void PeerSync::OnTime(uint64_t interval) {
  uint64_t seen = current_interval_.load(std::memory_order_relaxed);
  while (seen < interval && !current_interval_.compare_exchange_weak(seen, interval)) {
  }
  ResumeParkedRange(/*check_room=*/true);
  for (auto& [id, request] : requests_.TakeExpired(current_interval_.load(std::memory_order_relaxed))) {
    log_->Log(LogLevel::kWarn, absl::StrCat("request ", id, " to ", request.peer, " timed out"));
    ReportPeer(request.peer, PeerAction::kMidTolerance, "request timed out");
    if (request.protocol == ReqProtocol::kBlocksByRoot) {
      const std::vector<ssz::Root> missing = Undelivered(request.roots);
      chain_->ForgetPendingFetch(missing);
      chain_->ReportFetch(missing, chain::FetchOutcome::kFetchFailed);
      if (!missing.empty()) FetchBlocksFrom(missing, std::nullopt, request.asked, request.attempt + 1);
    } else if (request.protocol == ReqProtocol::kBlocksByRange) {
      // Continue with another peer that is ahead, if any.
      std::optional<std::string> other = chain_->peers().SelectPeer(absl::string_view(request.peer));
      if (other) {
        std::optional<chain::PeerInfo> info = chain_->peers().Get(*other);
        if (info && info->latest_status) MaybeSync(*other, *info->latest_status);
      }
    }
  }
  // Status is exchanged on connect; refreshing it now and then lets a node that fell
  // onto a fork nobody builds on any more see that its peers are ahead.
  if (interval >= kStatusRefreshIntervals) RefreshPeerStatus(kStatusRefreshIntervals);
}

// ---------------------------------------------------------------------------------
// Serving

ResponseCode PeerSync::ServeRange(const wire::BlocksByRangeRequest& request, uint64_t request_id) {
  if (request.count == 0 || request.count > wire::kMaxRequestBlocks) return ResponseCode::kInvalidRequest;
  const uint64_t current_slot = chain_->CurrentSlot();
  const uint64_t window = options_.serve_history_slots;
  const uint64_t floor = current_slot >= window ? current_slot - window : 0;
  if (request.start_slot < floor) return ResponseCode::kResourceUnavailable;
  for (const auto& [slot, root] : chain_->CanonicalBlockRoots(request.start_slot, request.count)) {
    if (std::optional<ssz::ByteVec> block = chain_->GetBlockSsz(root)) {
      network_->SendResponseChunk(request_id, ssz::ByteView(block->data(), block->size()));
    }
  }
  return ResponseCode::kSuccess;
}

absl::Status PeerSync::OnRequest(const std::string& peer, ReqProtocol protocol, ssz::ByteView bytes,
                                 uint64_t request_id) {
  auto invalid = [&](const absl::Status& why) {
    network_->SendResponseEnd(request_id, ResponseCode::kInvalidRequest);
    ReportPeer(peer, PeerAction::kLowTolerance, absl::StrCat("undecodable request: ", why.message()));
    return why;
  };
  switch (protocol) {
    case ReqProtocol::kStatus: {
      absl::StatusOr<wire::Status> theirs = DecodePeerSsz<wire::Status>(bytes, "status request");
      if (!theirs.ok()) return invalid(theirs.status());
      const ssz::ByteVec ours = ssz::Encode(chain_->GetStatus());
      network_->SendResponseChunk(request_id, ssz::ByteView(ours.data(), ours.size()));
      network_->SendResponseEnd(request_id, ResponseCode::kSuccess);
      if (!peer.empty() && chain_->peers().SetLatestStatus(peer, *theirs)) MaybeSync(peer, *theirs);
      return absl::OkStatus();
    }
    case ReqProtocol::kBlocksByRoot: {
      absl::StatusOr<wire::BlocksByRootRequest> request =
          DecodePeerSsz<wire::BlocksByRootRequest>(bytes, "blocks_by_root request");
      if (!request.ok()) return invalid(request.status());
      for (const ssz::Root& root : request->roots.items) {
        if (std::optional<ssz::ByteVec> block = chain_->GetBlockSsz(root)) {
          network_->SendResponseChunk(request_id, ssz::ByteView(block->data(), block->size()));
        } else if (log_->Enabled(LogLevel::kDebug)) {
          log_->Log(LogLevel::kDebug, absl::StrCat("blocks_by_root from ", peer, ": no block ", ssz::ToHex(root)));
        }
      }
      network_->SendResponseEnd(request_id, ResponseCode::kSuccess);
      return absl::OkStatus();
    }
    case ReqProtocol::kBlocksByRange: {
      absl::StatusOr<wire::BlocksByRangeRequest> request =
          DecodePeerSsz<wire::BlocksByRangeRequest>(bytes, "blocks_by_range request");
      if (!request.ok()) return invalid(request.status());
      const ResponseCode result = ServeRange(*request, request_id);
      network_->SendResponseEnd(request_id, result);
      if (result == ResponseCode::kInvalidRequest) {
        return absl::InvalidArgumentError("blocks_by_range request: count must be 1..1024");
      }
      return absl::OkStatus();
    }
  }
  network_->SendResponseEnd(request_id, ResponseCode::kInvalidRequest);
  return absl::InvalidArgumentError(absl::StrCat("unknown req/resp protocol ", static_cast<int>(protocol)));
}

}  // namespace beam::node
