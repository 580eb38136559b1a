#include "crypto/xmss/tweak_hash.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "crypto/fp.h"
#include "crypto/poseidon1.h"

namespace beam::crypto::xmss {
namespace {

constexpr uint32_t kP = kKoalaBearPrime;

inline uint32_t AddModP(uint32_t a, uint32_t b) {
  const uint32_t s = a + b;  // < 2^32 since a, b < 2^31
  return s >= kP ? s - kP : s;
}

void Permute(uint32_t* state, size_t width) {
  if (width == 16) {
    Poseidon1Permute16(state);
  } else {
    Poseidon1Permute24(state);
  }
}

// Packed tweaks (leanSpec PoseidonXmss.tweak_hash).
inline unsigned __int128 TreeTweak(uint32_t level, uint64_t index) {
  return (static_cast<unsigned __int128>(level) << 40) | (static_cast<unsigned __int128>(index) << 8) |
         kTweakPrefixTree;
}
inline unsigned __int128 ChainTweak(uint64_t epoch, uint32_t chain_index, uint32_t step) {
  return (static_cast<unsigned __int128>(epoch) << 24) | (uint64_t{chain_index} << 16) | (uint64_t{step} << 8) |
         kTweakPrefixChain;
}

// The width-16 chain input: digest, parameter, tweak, one zero.
void FillChainInput(const ParameterElems& parameter, uint64_t epoch, uint32_t chain_index, uint32_t step,
                    const Digest& in, uint32_t state[16]) {
  std::copy(in.begin(), in.end(), state);
  std::copy(parameter.begin(), parameter.end(), state + 8);
  IntToBaseP(ChainTweak(epoch, chain_index, step), state + 13, kTweakLengthFieldElements);
  state[15] = 0;
}

// The width-24 node input: parameter, tweak, left, right, one zero.
void FillTreeNodeInput(const ParameterElems& parameter, uint32_t level, uint64_t index, const Digest& left,
                       const Digest& right, uint32_t input[24]) {
  std::copy(parameter.begin(), parameter.end(), input);
  IntToBaseP(TreeTweak(level, index), input + 5, kTweakLengthFieldElements);
  std::copy(left.begin(), left.end(), input + 7);
  std::copy(right.begin(), right.end(), input + 15);
  input[23] = 0;
}

// The length of a leaf's sponge input (parameter, tweak, chain ends), zero-padded to
// whole blocks of the rate.
size_t LeafInputLength(size_t rate, size_t num_chain_ends) {
  const size_t len = kParameterLength + kTweakLengthFieldElements + num_chain_ends * kHashLengthFieldElements;
  return (len + rate - 1) / rate * rate;
}

// Writes the unpadded leaf input to `input` (the caller zeroes the padding).
void FillLeafInput(const ParameterElems& parameter, uint64_t epoch, absl::Span<const Digest> chain_ends,
                   uint32_t* input) {
  input = std::copy(parameter.begin(), parameter.end(), input);
  IntToBaseP(TreeTweak(0, epoch), input, kTweakLengthFieldElements);
  input += kTweakLengthFieldElements;
  for (const Digest& d : chain_ends) input = std::copy(d.begin(), d.end(), input);
}

// The sponge's capacity value for a leaf of `dimension` chain ends (safe_domain_separator).
std::array<uint32_t, 24> DomainSeparator(const XmssConfig& config) {
  unsigned __int128 packed = 0;
  for (uint32_t length : {static_cast<uint32_t>(kParameterLength), kTweakLengthFieldElements, config.dimension,
                          static_cast<uint32_t>(kHashLengthFieldElements)}) {
    packed = (packed << 32) | length;
  }
  uint32_t limbs[24];
  IntToBaseP(packed, limbs, 24);
  std::array<uint32_t, 24> out{};
  Compress(absl::MakeConstSpan(limbs, 24), 24, out.data(), config.capacity);
  return out;
}

const std::array<uint32_t, 24>& CachedDomainSeparator(const XmssConfig& config) {
  // One per known configuration; computed once.
  static const std::array<uint32_t, 24> kTest = DomainSeparator(kTestConfig);
  static const std::array<uint32_t, 24> kProd = DomainSeparator(kProdConfig);
  if (config.dimension == kTestConfig.dimension) return kTest;
  if (config.dimension == kProdConfig.dimension) return kProd;
  thread_local std::array<uint32_t, 24> other;
  other = DomainSeparator(config);
  return other;
}

}  // namespace

void IntToBaseP(unsigned __int128 value, uint32_t* limbs, size_t num_limbs) {
  // 128-bit division is a library call (tens of cycles, several per hash). Tweaks fit
  // in 64 bits once the epoch is below 2^32, and 64-bit division by the constant p
  // compiles to a multiplication.
  size_t i = 0;
  for (; i < num_limbs && (value >> 64) != 0; ++i) {
    limbs[i] = static_cast<uint32_t>(value % kP);
    value /= kP;
  }
  uint64_t rest = static_cast<uint64_t>(value);
  for (; i < num_limbs; ++i) {
    limbs[i] = static_cast<uint32_t>(rest % kP);
    rest /= kP;
  }
}

void Compress(absl::Span<const uint32_t> in, size_t width, uint32_t* out, size_t out_len) {
  uint32_t state[24] = {};
  uint32_t input[24] = {};
  std::copy(in.begin(), in.end(), input);
  std::copy(input, input + width, state);
  Permute(state, width);
  for (size_t i = 0; i < out_len; ++i) out[i] = AddModP(state[i], input[i]);
}

Digest ChainStep(const ParameterElems& parameter, uint64_t epoch, uint32_t chain_index, uint32_t step,
                 const Digest& in) {
  uint32_t input[16];
  FillChainInput(parameter, epoch, chain_index, step, in, input);
  uint32_t state[16];
  std::memcpy(state, input, sizeof(state));
  Poseidon1Permute16(state);
  Digest out;
  for (size_t i = 0; i < out.size(); ++i) out[i] = AddModP(state[i], input[i]);
  return out;
}

Digest HashChain(const ParameterElems& parameter, uint64_t epoch, uint32_t chain_index, uint32_t start_step,
                 uint32_t num_steps, const Digest& start) {
  Digest d = start;
  for (uint32_t i = 0; i < num_steps; ++i) d = ChainStep(parameter, epoch, chain_index, start_step + i + 1, d);
  return d;
}

void HashChains(const ParameterElems& parameter, uint64_t epoch, absl::Span<ChainJob> jobs) {
  // Lanes take the chains with steps left; each round advances up to kPoseidonLanes
  // chains by one step. Longest chains first keeps the lanes full to the end.
  std::vector<size_t> order(jobs.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::vector<uint32_t> done(jobs.size(), 0);
  uint32_t states[kPoseidonLanes][16];
  uint32_t inputs[kPoseidonLanes][16];
  size_t lane_job[kPoseidonLanes];
  while (true) {
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return jobs[a].num_steps - done[a] > jobs[b].num_steps - done[b];
    });
    size_t lanes = 0;
    for (size_t k = 0; k < order.size() && lanes < kPoseidonLanes; ++k) {
      const size_t j = order[k];
      if (done[j] == jobs[j].num_steps) break;
      lane_job[lanes++] = j;
    }
    if (lanes == 0) return;
    if (lanes < 3) {  // a batch would mostly permute padding
      for (size_t l = 0; l < lanes; ++l) {
        ChainJob& job = jobs[lane_job[l]];
        job.digest = ChainStep(parameter, epoch, job.chain_index, job.start_step + ++done[lane_job[l]], job.digest);
      }
      continue;
    }
    for (size_t l = 0; l < kPoseidonLanes; ++l) {
      if (l < lanes) {
        const ChainJob& job = jobs[lane_job[l]];
        FillChainInput(parameter, epoch, job.chain_index, job.start_step + done[lane_job[l]] + 1, job.digest,
                       inputs[l]);
      } else {
        std::memset(inputs[l], 0, sizeof(inputs[l]));
      }
      std::memcpy(states[l], inputs[l], sizeof(states[l]));
    }
    Poseidon1Permute16xN(states);
    for (size_t l = 0; l < lanes; ++l) {
      ChainJob& job = jobs[lane_job[l]];
      for (size_t i = 0; i < job.digest.size(); ++i) job.digest[i] = AddModP(states[l][i], inputs[l][i]);
      ++done[lane_job[l]];
    }
  }
}

void HashChains(absl::Span<KeyedChainJob> jobs) {
  // Each lane runs chains one after another and, when its chain ends, takes the
  // longest chain nobody has started: the lanes then finish within a chain length of
  // each other, so almost every batch is full. (The single-key HashChains re-sorts by
  // steps left every round instead, which costs too much for hundreds of chains.)
  std::vector<size_t> queue;
  queue.reserve(jobs.size());
  for (size_t j = 0; j < jobs.size(); ++j) {
    if (jobs[j].chain.num_steps > 0) queue.push_back(j);
  }
  std::stable_sort(queue.begin(), queue.end(),
                   [&](size_t a, size_t b) { return jobs[a].chain.num_steps > jobs[b].chain.num_steps; });
  size_t next = 0;
  constexpr size_t kIdle = ~size_t{0};
  size_t lane_job[kPoseidonLanes];
  uint32_t lane_done[kPoseidonLanes] = {};
  for (size_t& j : lane_job) j = kIdle;
  uint32_t states[kPoseidonLanes][16];
  uint32_t inputs[kPoseidonLanes][16];
  while (true) {
    size_t busy = 0;
    for (size_t l = 0; l < kPoseidonLanes; ++l) {
      if (lane_job[l] == kIdle && next < queue.size()) {
        lane_job[l] = queue[next++];
        lane_done[l] = 0;
      }
      busy += lane_job[l] != kIdle;
    }
    if (busy == 0) return;
    if (busy < 3) {  // the last few steps: a batch would mostly permute padding
      for (size_t l = 0; l < kPoseidonLanes; ++l) {
        if (lane_job[l] == kIdle) continue;
        KeyedChainJob& job = jobs[lane_job[l]];
        for (; lane_done[l] < job.chain.num_steps; ++lane_done[l]) {
          job.chain.digest = ChainStep(*job.parameter, job.epoch, job.chain.chain_index,
                                       job.chain.start_step + lane_done[l] + 1, job.chain.digest);
        }
        lane_job[l] = kIdle;
      }
      continue;
    }
    for (size_t l = 0; l < kPoseidonLanes; ++l) {
      if (lane_job[l] != kIdle) {
        const KeyedChainJob& job = jobs[lane_job[l]];
        FillChainInput(*job.parameter, job.epoch, job.chain.chain_index, job.chain.start_step + lane_done[l] + 1,
                       job.chain.digest, inputs[l]);
      } else {
        std::memset(inputs[l], 0, sizeof(inputs[l]));
      }
      std::memcpy(states[l], inputs[l], sizeof(states[l]));
    }
    Poseidon1Permute16xN(states);
    for (size_t l = 0; l < kPoseidonLanes; ++l) {
      if (lane_job[l] == kIdle) continue;
      KeyedChainJob& job = jobs[lane_job[l]];
      for (size_t i = 0; i < job.chain.digest.size(); ++i) {
        job.chain.digest[i] = AddModP(states[l][i], inputs[l][i]);
      }
      if (++lane_done[l] == job.chain.num_steps) lane_job[l] = kIdle;
    }
  }
}

Digest TreeNode(const ParameterElems& parameter, uint32_t level, uint64_t index, const Digest& left,
                const Digest& right) {
  uint32_t input[24];
  FillTreeNodeInput(parameter, level, index, left, right, input);
  Digest out;
  Compress(absl::MakeConstSpan(input, 24), 24, out.data(), out.size());
  return out;
}

void TreeNodes(const ParameterElems (&parameters)[kPoseidonLanes], uint32_t level,
               const uint64_t (&indices)[kPoseidonLanes], const Digest (&lefts)[kPoseidonLanes],
               const Digest (&rights)[kPoseidonLanes], Digest (&out)[kPoseidonLanes]) {
  uint32_t inputs[kPoseidonLanes][24];
  uint32_t states[kPoseidonLanes][24];
  for (size_t l = 0; l < kPoseidonLanes; ++l) {
    FillTreeNodeInput(parameters[l], level, indices[l], lefts[l], rights[l], inputs[l]);
  }
  std::memcpy(states, inputs, sizeof(states));
  Poseidon1Permute24xN(states);
  for (size_t l = 0; l < kPoseidonLanes; ++l) {
    for (size_t i = 0; i < out[l].size(); ++i) out[l][i] = AddModP(states[l][i], inputs[l][i]);
  }
}

Digest TreeLeaf(const XmssConfig& config, const ParameterElems& parameter, uint64_t epoch,
                absl::Span<const Digest> chain_ends) {
  if (chain_ends.size() == 1) {
    uint32_t input[15];
    std::copy(chain_ends[0].begin(), chain_ends[0].end(), input);
    std::copy(parameter.begin(), parameter.end(), input + 8);
    IntToBaseP(TreeTweak(0, epoch), input + 13, kTweakLengthFieldElements);
    Digest out;
    Compress(absl::MakeConstSpan(input, 15), 16, out.data(), out.size());
    return out;
  }
  if (chain_ends.size() == 2) return TreeNode(parameter, 0, epoch, chain_ends[0], chain_ends[1]);
  // Sponge: capacity from the domain separator, the rest absorbed by replacement.
  const size_t capacity = config.capacity;
  const size_t rate = 24 - capacity;
  std::vector<uint32_t> input(LeafInputLength(rate, chain_ends.size()), 0);
  FillLeafInput(parameter, epoch, chain_ends, input.data());
  const std::array<uint32_t, 24>& cap = CachedDomainSeparator(config);
  uint32_t state[24] = {};
  std::copy(cap.begin(), cap.begin() + static_cast<ptrdiff_t>(capacity), state);
  for (size_t off = 0; off < input.size(); off += rate) {
    std::copy(input.begin() + static_cast<ptrdiff_t>(off), input.begin() + static_cast<ptrdiff_t>(off + rate),
              state + capacity);
    Poseidon1Permute24(state);
  }
  Digest out;
  std::copy(state + capacity, state + capacity + out.size(), out.begin());
  return out;
}

void TreeLeaves(const XmssConfig& config, const ParameterElems (&parameters)[kPoseidonLanes],
                const uint64_t (&epochs)[kPoseidonLanes], absl::Span<const Digest> chain_ends,
                Digest (&out)[kPoseidonLanes]) {
  const size_t n = config.dimension;
  if (n <= 2) {  // no sponge, and no configuration in use: left unbatched
    for (size_t l = 0; l < kPoseidonLanes; ++l) {
      out[l] = TreeLeaf(config, parameters[l], epochs[l], chain_ends.subspan(l * n, n));
    }
    return;
  }
  // TreeLeaf's sponge in every lane; all lanes absorb the same number of blocks.
  const size_t capacity = config.capacity;
  const size_t rate = 24 - capacity;
  const size_t len = LeafInputLength(rate, n);
  std::vector<uint32_t> inputs(kPoseidonLanes * len, 0);
  for (size_t l = 0; l < kPoseidonLanes; ++l) {
    FillLeafInput(parameters[l], epochs[l], chain_ends.subspan(l * n, n), inputs.data() + l * len);
  }
  const std::array<uint32_t, 24>& cap = CachedDomainSeparator(config);
  uint32_t states[kPoseidonLanes][24] = {};
  for (auto& state : states) std::copy(cap.begin(), cap.begin() + static_cast<ptrdiff_t>(capacity), state);
  for (size_t off = 0; off < len; off += rate) {
    for (size_t l = 0; l < kPoseidonLanes; ++l) {
      std::copy_n(inputs.data() + l * len + off, rate, states[l] + capacity);
    }
    Poseidon1Permute24xN(states);
  }
  for (size_t l = 0; l < kPoseidonLanes; ++l) {
    std::copy(states[l] + capacity, states[l] + capacity + out[l].size(), out[l].begin());
  }
}

}  // namespace beam::crypto::xmss
