// Hostile devnet nodes (--byzantine K): the first K nodes run the library as usual but
// their host misbehaves in the ways chosen with --behaviours. Everything is built from
// what a real attacker has: the gossip it receives, its own node's blocks and votes,
// a second node of its own (for a second block per slot), and byte edits of SSZ.
//
//   equivocate    a hostile proposer publishes two valid blocks for its slot (the
//                 second from a shadow node that never saw a vote)
//   badsig        votes with a corrupted signature (copies of real ones)
//   badroot       blocks with a wrong state root (copies of real ones)
//   future        blocks 1000 slots ahead (refused: ChainConfig::max_future_slots)
//   replay        valid gossip from more than 30 slots ago (past the seen-cache)
//   junk          unique junk votes every slot (--junk-per-slot): half name blocks
//                 nobody has, half carry the current vote data and a signature that
//                 does not verify
//   undecodable   bytes that are no SSZ value, on the block and vote topics
//   oversized     a gossip message above the 10 MiB payload limit, every 8 slots
//   wrongblocks   req/resp answers with other blocks than those asked for
//   silent        requests are never answered
//
// Thread-compatible: the devnet's driver thread calls it.

#ifndef BEAMCORE_EXAMPLES_DEVNET_BYZANTINE_H_
#define BEAMCORE_EXAMPLES_DEVNET_BYZANTINE_H_

#include <beamcore/beamcore.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace devnet {

enum Behaviour : uint32_t {
  kEquivocate = 1u << 0,
  kBadSignatures = 1u << 1,
  kBadStateRoot = 1u << 2,
  kFutureBlocks = 1u << 3,
  kReplay = 1u << 4,
  kJunkVotes = 1u << 5,
  kUndecodable = 1u << 6,
  kOversized = 1u << 7,
  kWrongBlocks = 1u << 8,
  kSilent = 1u << 9,
  kAllBehaviours = (1u << 10) - 1,
};

// "equivocate,badsig,..." or "all" -> a mask; false for an unknown name.
bool ParseBehaviours(const std::string& list, uint32_t* mask);
std::string BehaviourNames(uint32_t mask);

// The end-of-run check for one hostile node: it sent `reportable_sent` messages an
// honest node can prove invalid (or requests it left unanswered), and honest nodes
// reported it `reports` times. Empty when that is fine, else why the run fails.
std::string CheckReported(int node, uint64_t reportable_sent, uint64_t reports);

// SSZ edits (no decoding through the library: an attacker edits bytes).
std::vector<uint8_t> WithFlippedStateRoot(const std::vector<uint8_t>& signed_block);
std::vector<uint8_t> WithSlot(const std::vector<uint8_t>& signed_block, uint64_t slot);
// A copy of a SignedAttestation by `validator` whose signature no longer verifies
// (a low byte of one of the signature's last 32 field elements changed by `x`).
std::vector<uint8_t> WithBrokenSignature(const std::vector<uint8_t>& signed_attestation, uint64_t validator,
                                         uint32_t which, uint8_t x);

struct ByzantineStats {
  uint64_t equivocations = 0;  // second blocks published
  uint64_t equivocation_same_block = 0;  // the shadow's block was the same: none possible
  uint64_t equivocation_failed = 0;      // the shadow could not produce one
  uint64_t bad_signatures = 0;
  uint64_t bad_state_roots = 0;
  uint64_t future_blocks = 0;
  uint64_t replays = 0;
  uint64_t junk_votes = 0;
  uint64_t undecodable = 0;
  uint64_t oversized = 0;
  // What an honest node can prove invalid (the unknown-block half of the junk is not:
  // a node that lags could send it too).
  uint64_t reportable() const {
    return bad_signatures + bad_state_roots + future_blocks + junk_votes / 2 + undecodable + oversized;
  }
};

// One hostile node's host. `publish(topic, bytes)` sends through the gossip mesh as
// the node; `deliver(topic, bytes)` hands a message straight to every honest node
// (floods: no network queue, so the memory measured is the nodes').
class ByzantineActor {
 public:
  using Publish = std::function<void(beam_topic_kind, const std::vector<uint8_t>&)>;
  using Deliver = std::function<void(beam_topic_kind, const std::vector<uint8_t>&)>;

  ByzantineActor(uint32_t behaviours, uint64_t validators, uint64_t junk_per_slot, uint64_t seed, Publish publish,
                 Deliver deliver);
  ~ByzantineActor();
  ByzantineActor(const ByzantineActor&) = delete;
  ByzantineActor& operator=(const ByzantineActor&) = delete;

  // The shadow node for equivocation (same validators, memory only). False with a
  // message when it cannot be made.
  bool Start(const std::vector<uint8_t>& genesis, const std::vector<uint64_t>& validators, std::string* error);

  // Gossip the hostile node received (or published itself) at `slot`.
  void Observe(beam_topic_kind topic, const std::vector<uint8_t>& bytes, uint64_t slot);
  void Tick(uint64_t interval);
  // The node's own block of `slot` was published: equivocate with the shadow's.
  void OnOwnBlock(uint64_t slot, uint64_t proposer, const std::vector<uint8_t>& block);
  // After the slot's votes (interval 1): the rest of the behaviours.
  void Act(uint64_t slot);

  const ByzantineStats& stats() const { return stats_; }
  uint32_t behaviours() const { return behaviours_; }

 private:
  struct Seen {
    uint64_t slot;
    beam_topic_kind topic;
    std::vector<uint8_t> bytes;
  };

  const uint32_t behaviours_;
  const uint64_t validators_;
  const uint64_t junk_per_slot_;
  Publish publish_;
  Deliver deliver_;
  std::mt19937_64 rng_;
  beam_node* shadow_ = nullptr;
  std::vector<uint8_t> last_block_;
  std::vector<uint8_t> last_vote_;
  std::deque<Seen> history_;  // gossip of the last 64 slots, for replays
  uint64_t junk_counter_ = 0;
  ByzantineStats stats_;
};

}  // namespace devnet

#endif  // BEAMCORE_EXAMPLES_DEVNET_BYZANTINE_H_
