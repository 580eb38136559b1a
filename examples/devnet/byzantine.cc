#include "byzantine.h"

#include <cstring>
#include <utility>

namespace devnet {
namespace {

struct Name {
  const char* name;
  Behaviour behaviour;
};
constexpr Name kNames[] = {
    {"equivocate", kEquivocate}, {"badsig", kBadSignatures}, {"badroot", kBadStateRoot},
    {"future", kFutureBlocks},   {"replay", kReplay},        {"junk", kJunkVotes},
    {"undecodable", kUndecodable}, {"oversized", kOversized}, {"wrongblocks", kWrongBlocks},
    {"silent", kSilent},
};

constexpr uint64_t kReplayAge = 32;     // slots: past the 30-slot seen-cache of the mesh
constexpr uint64_t kHistorySlots = 40;  // what the replayer keeps
constexpr uint64_t kFutureSlots = 1000;
constexpr size_t kOversizedBytes = 10 * 1024 * 1024 + 1;  // above MAX_PAYLOAD_SIZE

// SignedBlock: [offset of block][offset of proof], then Block = slot, proposer_index,
// parent_root, state_root, [offset of body], ...
size_t BlockOffset(const std::vector<uint8_t>& b) {
  if (b.size() < 8) return 0;
  uint32_t off = 0;
  std::memcpy(&off, b.data(), 4);
  return off + 84 <= b.size() ? off : 0;
}

// SignedAttestation: validator_index (8), AttestationData (128), Signature. In a TEST
// signature (424 bytes): rho at +4 (7 field elements), the path's siblings at +40 (64),
// the chain hashes at +296 (32). Offset of the low byte of field element `k`.
constexpr size_t kVoteSignature = 8 + 128;
constexpr size_t kTestSignatureBytes = 424;
constexpr uint32_t kSignatureElements = 7 + 64 + 32;
size_t ElementLowByte(uint32_t k) {
  k %= kSignatureElements;
  if (k < 7) return kVoteSignature + 4 + 4 * k;
  if (k < 71) return kVoteSignature + 40 + 4 * (k - 7);
  return kVoteSignature + 296 + 4 * (k - 71);
}

void PutU64(std::vector<uint8_t>& b, size_t at, uint64_t v) {
  if (at + 8 <= b.size()) std::memcpy(b.data() + at, &v, 8);
}

}  // namespace

bool ParseBehaviours(const std::string& list, uint32_t* mask) {
  *mask = 0;
  size_t start = 0;
  while (start <= list.size()) {
    const size_t comma = list.find(',', start);
    const std::string name = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    bool known = name == "all";
    if (known) *mask |= kAllBehaviours;
    for (const Name& n : kNames) {
      if (name == n.name) {
        *mask |= n.behaviour;
        known = true;
      }
    }
    if (!known) return false;
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return *mask != 0;
}

std::string BehaviourNames(uint32_t mask) {
  std::string out;
  for (const Name& n : kNames) {
    if ((mask & n.behaviour) == 0) continue;
    if (!out.empty()) out += ",";
    out += n.name;
  }
  return out;
}

std::string CheckReported(int node, uint64_t reportable_sent, uint64_t reports) {
  if (reportable_sent == 0 || reports > 0) return "";
  return "hostile node" + std::to_string(node) + " sent " + std::to_string(reportable_sent) +
         " invalid messages or unanswered requests and was never reported by an honest node";
}

std::vector<uint8_t> WithFlippedStateRoot(const std::vector<uint8_t>& signed_block) {
  std::vector<uint8_t> out = signed_block;
  const size_t block = BlockOffset(out);
  if (block != 0) out[block + 48] ^= 0xff;
  return out;
}

std::vector<uint8_t> WithSlot(const std::vector<uint8_t>& signed_block, uint64_t slot) {
  std::vector<uint8_t> out = signed_block;
  const size_t block = BlockOffset(out);
  if (block != 0) PutU64(out, block, slot);
  return out;
}

std::vector<uint8_t> WithBrokenSignature(const std::vector<uint8_t>& vote, uint64_t validator, uint32_t which,
                                         uint8_t x) {
  std::vector<uint8_t> out = vote;
  PutU64(out, 0, validator);
  if (out.size() == kVoteSignature + kTestSignatureBytes) {
    out[ElementLowByte(which)] ^= x == 0 ? 1 : x;
  } else if (out.size() >= 4) {
    out[out.size() - 4] ^= x == 0 ? 1 : x;  // another scheme: the last element's low byte
  }
  return out;
}

ByzantineActor::ByzantineActor(uint32_t behaviours, uint64_t validators, uint64_t junk_per_slot, uint64_t seed,
                               Publish publish, Deliver deliver)
    : behaviours_(behaviours),
      validators_(validators),
      junk_per_slot_(junk_per_slot),
      publish_(std::move(publish)),
      deliver_(std::move(deliver)),
      rng_(seed) {}

ByzantineActor::~ByzantineActor() { beam_node_destroy(shadow_); }

bool ByzantineActor::Start(const std::vector<uint8_t>& genesis, const std::vector<uint64_t>& validators,
                           std::string* error) {
  if ((behaviours_ & kEquivocate) == 0) return true;
  beam_node_config config = BEAM_NODE_CONFIG_INIT;
  config.anchor_state_ssz = genesis.data();
  config.anchor_state_len = genesis.size();
  config.validator_indices = validators.data();
  config.validator_count = validators.size();
  config.chain_worker = 0;
  if (beam_node_create(&config, &shadow_) != BEAM_OK) {
    *error = std::string("byzantine shadow node: ") + beam_last_error();
    shadow_ = nullptr;
    return false;
  }
  return true;
}

void ByzantineActor::Observe(beam_topic_kind topic, const std::vector<uint8_t>& bytes, uint64_t slot) {
  if (topic == BEAM_TOPIC_BLOCK) {
    last_block_ = bytes;
    // The shadow follows the blocks (never the votes): its own blocks carry none.
    if (shadow_ != nullptr) {
      // A block the shadow refuses (a fork it cannot place yet) only costs it a block.
      const beam_status ignored = beam_node_on_gossip(shadow_, BEAM_TOPIC_BLOCK, bytes.data(), bytes.size(), nullptr);
      (void)ignored;
    }
  } else if (topic == BEAM_TOPIC_ATTESTATION) {
    last_vote_ = bytes;
  }
  if (behaviours_ & kReplay) {
    history_.push_back(Seen{slot, topic, bytes});
    while (!history_.empty() && history_.front().slot + kHistorySlots < slot) history_.pop_front();
  }
}

void ByzantineActor::Tick(uint64_t interval) {
  if (shadow_ == nullptr) return;
  const beam_status ignored = beam_node_tick(shadow_, interval);  // inline: cannot fail for a later interval
  (void)ignored;
}

void ByzantineActor::OnOwnBlock(uint64_t slot, uint64_t proposer, const std::vector<uint8_t>& block) {
  if (shadow_ == nullptr) return;
  beam_buffer other{nullptr, 0};
  if (beam_node_produce_block(shadow_, slot, proposer, &other) != BEAM_OK) {
    ++stats_.equivocation_failed;
    return;
  }
  const std::vector<uint8_t> second(other.data, other.data + other.len);
  beam_buffer_free(&other);
  uint8_t a[32], b[32];
  if (beam_block_root(block.data(), block.size(), a) != BEAM_OK ||
      beam_block_root(second.data(), second.size(), b) != BEAM_OK || std::memcmp(a, b, 32) == 0) {
    ++stats_.equivocation_same_block;
    return;
  }
  publish_(BEAM_TOPIC_BLOCK, second);
  ++stats_.equivocations;
}

void ByzantineActor::Act(uint64_t slot) {
  if ((behaviours_ & kBadSignatures) && !last_vote_.empty()) {
    for (int i = 0; i < 4; ++i) {
      publish_(BEAM_TOPIC_ATTESTATION,
               WithBrokenSignature(last_vote_, rng_() % validators_, static_cast<uint32_t>(rng_()),
                                   static_cast<uint8_t>(1 + rng_() % 255)));
      ++stats_.bad_signatures;
    }
  }
  if ((behaviours_ & kBadStateRoot) && !last_block_.empty()) {
    publish_(BEAM_TOPIC_BLOCK, WithFlippedStateRoot(last_block_));
    ++stats_.bad_state_roots;
  }
  if ((behaviours_ & kFutureBlocks) && !last_block_.empty()) {
    publish_(BEAM_TOPIC_BLOCK, WithSlot(last_block_, slot + kFutureSlots));
    ++stats_.future_blocks;
  }
  if ((behaviours_ & kReplay) && slot > kReplayAge) {
    for (const Seen& s : history_) {
      if (s.slot != slot - kReplayAge) continue;
      publish_(s.topic, s.bytes);
      ++stats_.replays;
    }
  }
  if ((behaviours_ & kJunkVotes) && !last_vote_.empty()) {
    for (uint64_t i = 0; i < junk_per_slot_; ++i) {
      const uint64_t n = junk_counter_++;
      std::vector<uint8_t> junk;
      if (n % 2 == 0) {
        // Names blocks nobody has (random head, target and source roots).
        junk = last_vote_;
        PutU64(junk, 0, rng_() % validators_);
        PutU64(junk, 8, slot);
        for (size_t root : {16u, 56u, 96u}) {
          for (size_t j = 0; j < 32 && root + j < junk.size(); j += 8) PutU64(junk, root + j, rng_());
        }
      } else {
        // The slot's real vote data under a signature that does not verify: unique by
        // two edits chosen from the counter.
        const uint64_t k = n / 2;
        junk = WithBrokenSignature(last_vote_, rng_() % validators_, static_cast<uint32_t>(k % kSignatureElements),
                                   static_cast<uint8_t>(1 + (k / kSignatureElements) % 255));
        const uint64_t k2 = k / (kSignatureElements * 255);
        if (k2 != 0 && junk.size() == kVoteSignature + kTestSignatureBytes) {
          junk[ElementLowByte(static_cast<uint32_t>(k2 % kSignatureElements + 1))] ^=
              static_cast<uint8_t>(1 + (k2 / kSignatureElements) % 255);
        }
      }
      deliver_(BEAM_TOPIC_ATTESTATION, junk);
      ++stats_.junk_votes;
    }
  }
  if (behaviours_ & kUndecodable) {
    for (beam_topic_kind topic : {BEAM_TOPIC_BLOCK, BEAM_TOPIC_ATTESTATION}) {
      std::vector<uint8_t> junk(1 + rng_() % 700);
      for (uint8_t& b : junk) b = static_cast<uint8_t>(rng_());
      deliver_(topic, junk);
      ++stats_.undecodable;
    }
  }
  if ((behaviours_ & kOversized) && slot % 8 == 0) {
    std::vector<uint8_t> big(kOversizedBytes, 0);
    if (!last_block_.empty()) std::memcpy(big.data(), last_block_.data(), last_block_.size());
    deliver_(BEAM_TOPIC_BLOCK, big);
    ++stats_.oversized;
  }
}

}  // namespace devnet
