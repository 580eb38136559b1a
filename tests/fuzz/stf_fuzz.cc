// The state transition: a pre-state (from the fixtures' chains, tests/fuzz/
// make_native_seeds.cc) and a block, as a peer could send it. Input: the State's SSZ
// length (4 bytes LE), the State, then the Block.
//
// The custom mutator edits the block as a structure, not as bytes, so the fuzzer gets
// past the first checks into justification and finalization: slot and proposer moves,
// parent roots right and wrong, attestations dropped, copied, added (checkpoints taken
// from the state's history) and edited, aggregation bits flipped and resized; then,
// most of the time, it fixes the parent and state roots so the block is accepted up to
// whatever it broke on purpose, and sometimes moves on to the next slot with the
// post-state as the new pre-state. A quarter of the time it leaves the bytes to
// libFuzzer's own mutator (the whole input, or the block only).
//
// Properties: no crash; the transition is deterministic, also from a freshly decoded
// pre-state with no hash caches; the pre-state is unchanged; an accepted block gives
// a post-state at the block's slot whose root is the block's state_root, with
// finalized <= justified (when the pre-state had it: byte-mutated pre-states need
// not), and that re-encodes to a state with the same root (the incremental hash caches
// agree with a full rehash); a rejection carries the spec's reason (or, where the spec
// raises an SSZ error or assertion, names the limit or comes from a broken pre-state).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <optional>
#include <random>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "consensus/rejection.h"
#include "consensus/state_transition.h"
#include "consensus/types/block.h"
#include "consensus/types/state.h"
#include "ssz/codec.h"
#include "tests/fuzz/fuzz_check.h"

// libFuzzer's byte mutator; absent (null) in the plain replay driver, which never
// calls the custom mutator.
extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size) __attribute__((weak));

namespace {

using beam::consensus::AggregatedAttestation;
using beam::consensus::Block;
using beam::consensus::Checkpoint;
using beam::consensus::State;
using beam::ssz::ByteVec;
using beam::ssz::ByteView;
using beam::ssz::Root;

struct Input {
  State state;
  Block block;
};

std::optional<Input> Parse(const uint8_t* data, size_t size) {
  if (size < 4) return std::nullopt;
  uint32_t state_len;
  std::memcpy(&state_len, data, 4);
  if (state_len > size - 4) return std::nullopt;
  absl::StatusOr<State> state = beam::ssz::Decode<State>(ByteView(data + 4, state_len));
  if (!state.ok()) return std::nullopt;
  absl::StatusOr<Block> block = beam::ssz::Decode<Block>(ByteView(data + 4 + state_len, size - 4 - state_len));
  if (!block.ok()) return std::nullopt;
  return Input{std::move(*state), std::move(*block)};
}

ByteVec Serialize(const State& state, const Block& block) {
  const ByteVec state_bytes = beam::ssz::Encode(state);
  const ByteVec block_bytes = beam::ssz::Encode(block);
  ByteVec out(4);
  const uint32_t state_len = static_cast<uint32_t>(state_bytes.size());
  std::memcpy(out.data(), &state_len, 4);
  out.insert(out.end(), state_bytes.begin(), state_bytes.end());
  out.insert(out.end(), block_bytes.begin(), block_bytes.end());
  return out;
}

// What holds of every state reached from genesis by valid blocks, and what the spec
// asserts before it counts votes. A hostile checkpoint-sync state need not hold it; the
// transition must still not crash on one.
bool Consistent(const State& state) {
  if (state.latest_finalized.slot > state.latest_justified.slot) return false;
  const size_t roots = state.justifications_roots.size();
  if (state.justifications_validators.size() != roots * state.validators.size()) return false;
  // Pending justifications name blocks of the unfinalized history (the spec asserts it
  // when finalization moves).
  absl::flat_hash_set<Root> history;
  for (size_t i = state.latest_finalized.slot + 1; i < state.historical_block_hashes.size(); ++i) {
    history.insert(state.historical_block_hashes[i]);
  }
  for (size_t i = 0; i < roots; ++i) {
    if (state.justifications_roots[i].IsZero() || !history.contains(state.justifications_roots[i])) return false;
  }
  return true;
}

void CheckTransition(const uint8_t* data, size_t size, const Input& input) {
  const Root pre_root = beam::ssz::HashTreeRoot(input.state);  // fills the hash caches
  absl::StatusOr<State> first = beam::consensus::StateTransition(input.state, input.block);
  BEAM_FUZZ_CHECK(beam::ssz::HashTreeRoot(input.state) == pre_root, "the transition changed its pre-state");

  std::optional<Input> fresh = Parse(data, size);  // no caches: everything is hashed anew
  BEAM_FUZZ_CHECK(fresh.has_value(), "an input that parsed once does not parse again");
  absl::StatusOr<State> second = beam::consensus::StateTransition(fresh->state, fresh->block);
  BEAM_FUZZ_CHECK(first.ok() == second.ok(), "the transition is not deterministic (accepted once, rejected once)");

  if (!first.ok()) {
    BEAM_FUZZ_CHECK(first.status() == second.status(), "the transition rejects the same block for other reasons");
    // The spec names a reason for every rejection of a block, except a list pushed past
    // its SSZ limit (a huge slot gap: an SSZ error there; ours names the limit) and a
    // pre-state that contradicts itself (its assertions; ours is Internal).
    const bool limit = first.status().code() == absl::StatusCode::kInvalidArgument &&
                       absl::StrContains(first.status().message(), "limit");
    const bool broken_state = first.status().code() == absl::StatusCode::kInternal && !Consistent(input.state);
    if (!beam::consensus::GetRejectionReason(first.status()).has_value() && !limit && !broken_state) {
      std::fprintf(stderr, "status: %s\n", first.status().ToString().c_str());
      BEAM_FUZZ_CHECK(false, "a rejected block carries no rejection reason");
    }
    return;
  }
  const State& post = *first;
  const Root post_root = beam::ssz::HashTreeRoot(post);
  BEAM_FUZZ_CHECK(post_root == beam::ssz::HashTreeRoot(*second), "two transitions of one block differ");
  BEAM_FUZZ_CHECK(post_root == input.block.state_root, "an accepted block's state root is not the post-state's");
  BEAM_FUZZ_CHECK(post.slot == input.block.slot, "the post-state is not at the block's slot");
  if (Consistent(input.state)) {
    BEAM_FUZZ_CHECK(post.latest_finalized.slot <= post.latest_justified.slot, "finalized is after justified");
  }
  absl::StatusOr<State> reread = beam::ssz::Decode<State>(beam::ssz::Encode(post));
  BEAM_FUZZ_CHECK(reread.ok(), "a post-state does not decode from its own encoding");
  BEAM_FUZZ_CHECK(beam::ssz::HashTreeRoot(*reread) == post_root, "cached and full hashes of the post-state differ");
}

// ---- The structure-aware mutator ----

class Mutator {
 public:
  Mutator(Input& input, unsigned seed) : in_(input), rng_(seed) {}

  uint64_t Pick(uint64_t n) { return n == 0 ? 0 : std::uniform_int_distribution<uint64_t>(0, n - 1)(rng_); }
  bool OneIn(uint64_t n) { return Pick(n) == 0; }

  // The root of the header the block must name as parent, if its slot can follow.
  std::optional<Root> ExpectedParent() const {
    State s = in_.state;
    if (s.slot < in_.block.slot && !beam::consensus::ProcessSlots(s, in_.block.slot).ok()) return std::nullopt;
    return beam::ssz::HashTreeRoot(s.latest_block_header);
  }

  // A checkpoint of the state's history: a slot below the state's and the root there
  // (or the latest header's root for its own slot).
  Checkpoint HistoryCheckpoint() {
    const State& s = in_.state;
    if (OneIn(4)) return s.latest_justified;
    if (OneIn(6)) return s.latest_finalized;
    const size_t n = s.historical_block_hashes.size();
    if (n == 0 || OneIn(5)) {
      const std::optional<Root> parent = ExpectedParent();
      return Checkpoint{parent.value_or(Root{}), s.latest_block_header.slot};
    }
    const size_t slot = Pick(n);
    return Checkpoint{s.historical_block_hashes[slot], slot};
  }

  beam::consensus::AggregationBits RandomBits() {
    const size_t validators = in_.state.validators.size();
    size_t len = validators;
    if (OneIn(8)) len = Pick(validators + 3);
    beam::consensus::AggregationBits bits(len);
    const uint64_t density = 1 + Pick(4);  // 1/1 .. 1/4 of the validators
    for (size_t i = 0; i < len; ++i) bits.Set(i, Pick(density) == 0);
    return bits;
  }

  void AddAttestation() {
    AggregatedAttestation a;
    a.data.source = HistoryCheckpoint();
    a.data.target = HistoryCheckpoint();
    if (a.data.target.slot < a.data.source.slot && !OneIn(4)) std::swap(a.data.target, a.data.source);
    a.data.head = OneIn(2) ? a.data.target : HistoryCheckpoint();
    a.data.slot = in_.block.slot == 0 ? 0 : in_.block.slot - 1 - Pick(std::min<uint64_t>(in_.block.slot, 3));
    a.aggregation_bits = RandomBits();
    in_.block.body.attestations.items.push_back(std::move(a));
  }

  void EditAttestation() {
    auto& list = in_.block.body.attestations.items;
    if (list.empty()) return AddAttestation();
    AggregatedAttestation& a = list[Pick(list.size())];
    switch (Pick(7)) {
      case 0: a.data.source = HistoryCheckpoint(); break;
      case 1: a.data.target = HistoryCheckpoint(); break;
      case 2: a.data.head = HistoryCheckpoint(); break;
      case 3: a.data.slot = Pick(in_.block.slot + 2); break;
      case 4: a.aggregation_bits = RandomBits(); break;
      case 5:
        if (a.aggregation_bits.size() > 0) {
          const size_t i = Pick(a.aggregation_bits.size());
          a.aggregation_bits.Set(i, !a.aggregation_bits.Get(i));
        }
        break;
      case 6: a.data.target.slot += Pick(3) - 1; break;
    }
  }

  // Makes the block as valid as its edits allow: the right parent, the right state root.
  void FixRoots(bool parent) {
    if (parent) {
      if (std::optional<Root> root = ExpectedParent()) in_.block.parent_root = *root;
    }
    State s = in_.state;
    if (s.slot < in_.block.slot && beam::consensus::ProcessSlots(s, in_.block.slot).ok() &&
        beam::consensus::ProcessBlock(s, in_.block).ok()) {
      in_.block.state_root = beam::ssz::HashTreeRoot(s);
    }
  }

  // Applies the block when it is valid and starts the next one on top of it.
  void Advance() {
    absl::StatusOr<State> post = beam::consensus::StateTransition(in_.state, in_.block);
    if (!post.ok()) return;
    in_.state = std::move(*post);
    Block next;
    next.slot = in_.state.slot + 1 + Pick(3);
    const size_t n = in_.state.validators.size();
    next.proposer_index = n == 0 ? 0 : next.slot % n;
    in_.block = std::move(next);
    for (uint64_t i = Pick(3); i > 0; --i) AddAttestation();
  }

  void Mutate() {
    Block& b = in_.block;
    const size_t n = in_.state.validators.size();
    bool fix_parent = true;
    for (uint64_t edits = 1 + Pick(3); edits > 0; --edits) {
      switch (Pick(12)) {
        case 0: b.slot = in_.state.slot + 1 + Pick(4); break;
        case 1: {
          const uint64_t choices[] = {in_.state.slot, in_.state.latest_block_header.slot, b.slot + 1,
                                      b.slot == 0 ? 0 : b.slot - 1, uint64_t{1} << 18, ~uint64_t{0}};
          b.slot = choices[Pick(6)];
          break;
        }
        case 2: b.proposer_index = n == 0 ? 0 : b.slot % n; break;
        case 3: b.proposer_index = OneIn(2) ? Pick(n + 2) : ~uint64_t{0}; break;
        case 4:
          b.parent_root = HistoryCheckpoint().root;
          fix_parent = false;
          break;
        case 5:
          if (!b.body.attestations.items.empty()) {
            auto& list = b.body.attestations.items;
            list.erase(list.begin() + static_cast<ptrdiff_t>(Pick(list.size())));
          }
          break;
        case 6:
          if (!b.body.attestations.items.empty()) {
            auto& list = b.body.attestations.items;
            list.push_back(list[Pick(list.size())]);
          }
          break;
        case 7: AddAttestation(); break;
        case 8:
        case 9: EditAttestation(); break;
        case 10: Advance(); break;
        case 11: b.state_root.data()[Pick(32)] ^= static_cast<uint8_t>(1 + Pick(255)); break;
      }
    }
    if (!OneIn(4)) FixRoots(fix_parent);
  }

 private:
  Input& in_;
  std::mt19937_64 rng_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::optional<Input> input = Parse(data, size);
  if (!input) return 0;
  // Far more validators than the fixtures' chains only slow the search down.
  if (input->state.validators.size() > 64) return 0;
  CheckTransition(data, size, *input);
  return 0;
}

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size, unsigned int seed) {
  std::optional<Input> input = Parse(data, size);
  if (!LLVMFuzzerMutate) return size;
  // An eighth of the time libFuzzer edits the bytes of the whole input (hostile
  // pre-states, as checkpoint sync could bring), an eighth only the block's bytes.
  if (!input || seed % 8 == 0) return LLVMFuzzerMutate(data, size, max_size);
  if (seed % 8 == 1) {
    uint32_t state_len;
    std::memcpy(&state_len, data, 4);
    const size_t head = 4 + state_len;
    if (head >= max_size) return LLVMFuzzerMutate(data, size, max_size);
    return head + LLVMFuzzerMutate(data + head, size - head, max_size - head);
  }
  Mutator(*input, seed).Mutate();
  const ByteVec out = Serialize(input->state, input->block);
  if (out.size() > max_size) return LLVMFuzzerMutate(data, size, max_size);
  std::memcpy(data, out.data(), out.size());
  return out.size();
}
