#include "crypto/xmss/keys.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "hash/boringssl.h"
#include "crypto/xmss/encoding.h"

namespace beam::crypto::xmss {
namespace {

RandomBytes OrSystemRandom(const RandomBytes& rng) {
  if (rng) return rng;
  return [](uint8_t* out, size_t len) { hash::boringssl::Get().rand_bytes(out, len); };
}

// _expand_activation_time: whole bottom trees, at least two, within the lifetime.
std::pair<uint64_t, uint64_t> ExpandActivation(const XmssConfig& config, uint64_t activation, uint64_t count) {
  const uint64_t width = config.leaves_per_bottom_tree();
  const uint64_t mask = ~(width - 1);
  uint64_t start = activation & mask;
  uint64_t end = (activation + count + width - 1) & mask;
  if (end - start < 2 * width) end = start + 2 * width;
  const uint64_t lifetime = width * width;
  if (end > lifetime) {
    const uint64_t duration = end - start;
    if (duration > lifetime) {
      start = 0;
      end = lifetime;
    } else {
      end = lifetime;
      start = (lifetime - duration) & mask;
    }
  }
  return {start / width, end / width};
}

template <size_t N>
ssz::Vector<Fp, N> ToVector(const std::array<uint32_t, N>& a) {
  ssz::Vector<Fp, N> v;
  for (size_t i = 0; i < N; ++i) v.items[i].value = a[i];
  return v;
}

}  // namespace

absl::StatusOr<KeyPair> KeyGen(const XmssConfig& config, uint64_t activation_slot, uint64_t num_active_slots,
                               const RandomBytes& rng_in) {
  if (activation_slot > config.lifetime() || num_active_slots > config.lifetime() - activation_slot) {
    return absl::InvalidArgumentError("activation range exceeds the key's lifetime");
  }
  const RandomBytes rng = OrSystemRandom(rng_in);
  KeyPair pair;
  SecretKey& sk = pair.secret_key;
  sk.config = &config;
  for (uint32_t& e : sk.parameter) e = RandomFieldElement(rng);
  rng(sk.prf_key.data(), sk.prf_key.size());
  const auto [first_tree, end_tree] = ExpandActivation(config, activation_slot, num_active_slots);
  const uint64_t width = config.leaves_per_bottom_tree();
  sk.activation_slot = first_tree * width;
  sk.num_active_slots = (end_tree - first_tree) * width;
  sk.left_bottom_tree_index = first_tree;
  sk.left_bottom_tree = HashSubTree::FromPrfKey(config, sk.prf_key, first_tree, sk.parameter, rng);
  sk.right_bottom_tree = HashSubTree::FromPrfKey(config, sk.prf_key, first_tree + 1, sk.parameter, rng);
  std::vector<Digest> roots = {sk.left_bottom_tree.Root(), sk.right_bottom_tree.Root()};
  for (uint64_t t = first_tree + 2; t < end_tree; ++t) {
    roots.push_back(HashSubTree::FromPrfKey(config, sk.prf_key, t, sk.parameter, rng).Root());
  }
  sk.top_tree = HashSubTree::NewTopTree(config, first_tree, sk.parameter, roots, rng);
  pair.public_key.root = ToVector(sk.top_tree.Root());
  pair.public_key.parameter = ToVector(sk.parameter);
  return pair;
}

uint64_t PreparedStart(const SecretKey& key) {
  return key.left_bottom_tree_index * key.config->leaves_per_bottom_tree();
}

uint64_t PreparedEnd(const SecretKey& key) { return PreparedStart(key) + 2 * key.config->leaves_per_bottom_tree(); }

absl::StatusOr<Signature> Sign(const SecretKey& key, uint64_t slot, const ssz::Bytes32& message) {
  const XmssConfig& config = *key.config;
  if (slot < key.activation_slot || slot >= key.activation_slot + key.num_active_slots) {
    return absl::FailedPreconditionError(absl::StrCat("the key is not active for slot ", slot));
  }
  if (slot < PreparedStart(key) || slot >= PreparedEnd(key)) {
    return absl::FailedPreconditionError(absl::StrCat("slot ", slot, " is outside the prepared window [",
                                                      PreparedStart(key), ", ", PreparedEnd(key), ")"));
  }
  std::optional<std::vector<uint8_t>> codeword;
  RandomnessElems rho{};
  for (uint32_t attempt = 0; attempt < config.max_tries && !codeword.has_value(); ++attempt) {
    rho = DeriveRandomness(key.prf_key, slot, message, attempt);
    codeword = TargetSumEncode(config, key.parameter, slot, rho, message);
  }
  if (!codeword.has_value()) {
    return absl::InternalError(absl::StrCat("no codeword met the target sum in ", config.max_tries, " tries"));
  }
  std::vector<ChainJob> jobs(config.dimension);
  for (uint32_t c = 0; c < config.dimension; ++c) {
    jobs[c] = ChainJob{c, 0, (*codeword)[c], DeriveChainStart(key.prf_key, slot, c)};
  }
  HashChains(key.parameter, slot, absl::MakeSpan(jobs));

  const uint64_t width = config.leaves_per_bottom_tree();
  const HashSubTree& bottom = slot < PreparedStart(key) + width ? key.left_bottom_tree : key.right_bottom_tree;
  absl::StatusOr<std::vector<Digest>> bottom_path = bottom.Path(slot);
  if (!bottom_path.ok()) return bottom_path.status();
  absl::StatusOr<std::vector<Digest>> top_path = key.top_tree.Path(slot / width);
  if (!top_path.ok()) return top_path.status();

  Signature sig;
  for (const Digest& d : *bottom_path) sig.path_siblings.push_back(ToVector(d));
  for (const Digest& d : *top_path) sig.path_siblings.push_back(ToVector(d));
  sig.rho = ToVector(rho);
  for (const ChainJob& job : jobs) sig.hashes.push_back(ToVector(job.digest));
  return sig;
}

void AdvancePreparation(SecretKey& key, const RandomBytes& rng_in) {
  const XmssConfig& config = *key.config;
  const uint64_t width = config.leaves_per_bottom_tree();
  const uint64_t next_end = (key.left_bottom_tree_index + 3) * width;
  if (next_end > key.activation_slot + key.num_active_slots) return;
  const RandomBytes rng = OrSystemRandom(rng_in);
  HashSubTree next = HashSubTree::FromPrfKey(config, key.prf_key, key.left_bottom_tree_index + 2, key.parameter, rng);
  key.left_bottom_tree = std::move(key.right_bottom_tree);
  key.right_bottom_tree = std::move(next);
  ++key.left_bottom_tree_index;
}

}  // namespace beam::crypto::xmss
