// AttestationPool: an insertion-ordered map from AttestationData to a set of values,
// the shape of the Store's three vote pools (leanSpec containers/store.py):
// raw signatures, pending ("new") proofs and counted ("known") proofs.
//
// The spec's pools are Python dicts, and their order is observable: the latest vote
// of a validator with two votes in one slot is the first one inserted, and on_block
// moves a block's votes to the front. So this keeps the order, supports moving an
// entry to the front, and gives every entry a stable address for its lifetime.
// Values are kept with set semantics (operator==).
//
// Thread-compatible.

#ifndef BEAMCORE_FORKCHOICE_ATTESTATION_POOL_H_
#define BEAMCORE_FORKCHOICE_ATTESTATION_POOL_H_

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/node_hash_map.h"
#include "consensus/types/attestation.h"
#include "consensus/types/checkpoint.h"
#include "crypto/xmss/containers.h"
#include "ssz/codec.h"
#include "ssz/container.h"

namespace beam::forkchoice {

using consensus::AttestationData;
using ssz::Root;

template <class Value>
class AttestationPool {
 public:
  struct Entry {
    AttestationData data;
    Root data_root;  // hash_tree_root(data)
    std::vector<Value> values;
    int64_t order = 0;  // position key: smaller is earlier
    // Fork-choice node of data.head, cached by the vote tracker (-2: not resolved).
    int32_t head_node = -2;
  };

  AttestationPool() = default;
  AttestationPool(const AttestationPool&) = delete;  // entries' addresses are identities
  AttestationPool& operator=(const AttestationPool&) = delete;

  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }

  Entry* Find(const AttestationData& data) {
    auto it = entries_.find(data);
    return it == entries_.end() ? nullptr : &it->second;
  }
  const Entry* Find(const AttestationData& data) const {
    auto it = entries_.find(data);
    return it == entries_.end() ? nullptr : &it->second;
  }

  // The entry for `data`, appended at the end (with no values) if absent.
  std::pair<Entry*, bool> FindOrAppend(const AttestationData& data) { return FindOrInsert(data, next_back_++); }

  // Moves the entry for `data` to the front, creating it (with no values) if absent.
  std::pair<Entry*, bool> MoveToFront(const AttestationData& data) {
    auto [entry, inserted] = FindOrInsert(data, next_front_--);
    if (!inserted) {
      order_.erase(entry->order);
      entry->order = next_front_--;
      order_.emplace(entry->order, entry);
    }
    return {entry, inserted};
  }

  // Adds `value` unless an equal one is present; true if added.
  static bool AddValue(Entry* entry, Value value) {
    if (std::find(entry->values.begin(), entry->values.end(), value) != entry->values.end()) return false;
    entry->values.push_back(std::move(value));
    return true;
  }

  void Erase(Entry* entry) {
    order_.erase(entry->order);
    entries_.erase(entry->data);
  }

  void Clear() {
    order_.clear();
    entries_.clear();
  }

  // Visits entries in order. `fn` must not insert or erase.
  template <typename Fn>
  void ForEach(Fn fn) const {
    for (const auto& [order, entry] : order_) fn(*entry);
  }
  template <typename Fn>
  void ForEachMutable(Fn fn) {
    for (const auto& [order, entry] : order_) fn(*entry);
  }
  // Entries in order (stable pointers; valid until erased).
  std::vector<Entry*> InOrder() const {
    std::vector<Entry*> out;
    out.reserve(order_.size());
    for (const auto& [order, entry] : order_) out.push_back(entry);
    return out;
  }

 private:
  std::pair<Entry*, bool> FindOrInsert(const AttestationData& data, int64_t order) {
    auto [it, inserted] = entries_.try_emplace(data);
    Entry* entry = &it->second;
    if (inserted) {
      entry->data = data;
      entry->data_root = ssz::HashTreeRoot(data);
      entry->order = order;
      order_.emplace(order, entry);
    }
    return {entry, inserted};
  }

  absl::node_hash_map<AttestationData, Entry> entries_;
  absl::btree_map<int64_t, Entry*> order_;
  int64_t next_back_ = 0;
  int64_t next_front_ = -1;
};

// One raw gossip signature held by an aggregator (AttestationSignatureEntry).
struct SignatureEntry {
  consensus::ValidatorIndex validator_index = 0;
  crypto::xmss::Signature signature;
  friend bool operator==(const SignatureEntry&, const SignatureEntry&) = default;
};

using SignaturePool = AttestationPool<SignatureEntry>;
using PayloadPool = AttestationPool<consensus::SingleMessageAggregate>;

}  // namespace beam::forkchoice

#endif  // BEAMCORE_FORKCHOICE_ATTESTATION_POOL_H_
