// VerifyPool: threads that check gossip vote signatures ahead of the chain worker.
//
// The chain worker still decides every vote, in its queue order, with the checks of
// the sequential path. What moves off it is the XMSS verification, the costly part:
// when a vote is queued for the worker, the pool is asked to verify its signature
// under the key its validator has in the head state (a Ticket). When the worker
// reaches the vote it runs the usual prechecks and, if the key it would verify under
// is the ticket's, takes the ticket's answer instead of verifying again. Verification
// is a pure function of (key, slot, message, signature), so the result is the one the
// sequential path would get; a different key (a registry that changed) is verified
// inline.
//
// Batching: a pool thread takes up to 8 waiting vote tickets at once and verifies
// them together (SignatureVerifier::VerifyMany: batched XMSS, one signature per AVX2
// lane).
//
// Order: the worker takes the newest vote first, pool threads the oldest ticket
// first, so they work from both ends of the backlog instead of queueing behind each
// other (newest-first pool threads kept the worker waiting on the ticket a thread had
// just taken: one thread gave no gain over none). A worker that reaches a ticket no
// thread has started verifies it itself (Result), so with N pool threads N + 1
// verifications run at once.
//
// Jobs: the same for a block's signatures and a gossip aggregate's proof (SubmitJob):
// the check runs against the head state's validator registry when the item is
// queued, and the worker takes its answer only when the registry it would check
// against has the same hash-tree root (the checks read nothing else of the state).
//
// Bounds: at most `queue_limit` tickets wait; a new one drops the oldest waiting
// ticket (which the worker then verifies itself, if the vote is still queued): lean_verify_pool_dropped_total.
// Depth, drops and who verified are exported (lean_verify_pool_*).
//
// Thread-safe. The pool's mutex is a leaf: nothing else is locked while it is held,
// and the verifier runs outside it.

#ifndef BEAMCORE_CHAIN_VERIFY_POOL_H_
#define BEAMCORE_CHAIN_VERIFY_POOL_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/types/span.h"
#include "base/mutex.h"
#include "crypto/verifier.h"
#include "crypto/xmss/containers.h"
#include "metrics/registry.h"
#include "ssz/bytes.h"

namespace beam::chain {

class VerifyPool {
 public:
  class Ticket;

  // `verifier` must outlive the pool. `threads` >= 1.
  VerifyPool(size_t threads, size_t queue_limit, const crypto::SignatureVerifier* verifier,
             metrics::Registry* registry);
  ~VerifyPool();  // stops the threads; waiting tickets stay unverified (Result verifies them)
  VerifyPool(const VerifyPool&) = delete;
  VerifyPool& operator=(const VerifyPool&) = delete;

  // Queues the verification of `signature` over (message, slot) under `key` (decoded
  // from `key_ssz`, the 52 bytes the state holds). Never blocks.
  std::shared_ptr<Ticket> Submit(const ssz::Bytes52& key_ssz, const crypto::xmss::PublicKey& key, uint64_t slot,
                                 const ssz::Root& message, crypto::xmss::Signature signature)
      ABSL_LOCKS_EXCLUDED(mu_);

  // Queues `job` (a check whose answer depends only on the registry with hash-tree
  // root `registry_root`, besides its own inputs). Never blocks.
  std::shared_ptr<Ticket> SubmitJob(const ssz::Root& registry_root, std::function<absl::Status()> job)
      ABSL_LOCKS_EXCLUDED(mu_);

  // The ticket's answer: waits while a pool thread verifies it; verifies it on this
  // thread when none has started. Result for Submit's tickets, JobResult for jobs.
  bool Result(Ticket& ticket) ABSL_LOCKS_EXCLUDED(mu_);
  absl::Status JobResult(Ticket& ticket) ABSL_LOCKS_EXCLUDED(mu_);

  // The raw key the ticket verifies under (to compare with the key the worker would use).
  static const ssz::Bytes52& KeyOf(const Ticket& ticket);
  // The registry root a job ran against.
  static const ssz::Root& RegistryOf(const Ticket& ticket);

  size_t threads() const { return threads_.size(); }

 private:
  void Run() ABSL_LOCKS_EXCLUDED(mu_);
  // Queues `ticket` (dropping the oldest waiting one when full) and wakes a thread.
  std::shared_ptr<Ticket> Enqueue(std::shared_ptr<Ticket> ticket) ABSL_LOCKS_EXCLUDED(mu_);
  // Runs the ticket's check (outside the lock) and records the answer.
  void Check(Ticket& ticket, metrics::Counter* by) ABSL_LOCKS_EXCLUDED(mu_);
  // Waits for or runs the ticket; its answer is then recorded.
  void Finish(Ticket& ticket) ABSL_LOCKS_EXCLUDED(mu_);
  // Verifies vote tickets together (SignatureVerifier::VerifyMany) and records them.
  void CheckVotes(absl::Span<const std::shared_ptr<Ticket>> batch) ABSL_LOCKS_EXCLUDED(mu_);

  // Vote signatures a pool thread takes at once: one per lane of the batched kernels.
  static constexpr size_t kBatch = 8;

  const crypto::SignatureVerifier* const verifier_;
  const size_t queue_limit_;
  metrics::Gauge* depth_;
  metrics::Counter* dropped_;
  metrics::Counter* verified_by_pool_;
  metrics::Counter* verified_by_caller_;

  mutable Mutex mu_;
  CondVar work_cv_;  // a ticket was queued, or stop
  CondVar done_cv_;  // a ticket was verified
  std::deque<std::shared_ptr<Ticket>> queue_ ABSL_GUARDED_BY(mu_);  // newest at the back
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace beam::chain

#endif  // BEAMCORE_CHAIN_VERIFY_POOL_H_
