// ChainWorker: the one thread that mutates the chain.
//
// Producers (network callbacks, the clock) only enqueue and return; they never run
// signature checks, the state transition or fork choice on their own threads. Work
// waits in bounded queues:
//   blocks        FIFO, 256 by default; when full the newest block is dropped
//   aggregates    LIFO, 512; when full the oldest is dropped
//   attestations  LIFO, 1024; when full the oldest is dropped
//   ticks         coalesced to the latest target interval (never dropped)
// The worker takes ticks first, then blocks, aggregates and attestations, several at
// a time when a queue is deep. Depths and drops are exported as
// lean_chain_queue_depth{queue} and lean_chain_queue_dropped_total{queue}.
//
// Thread-safe: every method may be called from any thread.

#ifndef BEAMCORE_CHAIN_CHAIN_WORKER_H_
#define BEAMCORE_CHAIN_CHAIN_WORKER_H_

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <thread>

#include "consensus/types/attestation.h"
#include "consensus/types/block.h"
#include "metrics/registry.h"
#include "base/mutex.h"
#include "chain/verify_pool.h"

namespace beam::chain {

struct ChainWorkerLimits {
  size_t blocks = 256;
  size_t attestations = 1024;
  size_t aggregates = 512;
  size_t batch = 32;  // most items taken per wake-up from a deep queue
};

// When a vote was queued (for its arrival-to-fork-choice latency).
using ArrivalTime = std::chrono::steady_clock::time_point;

// What the worker runs; called on the worker thread only, with no worker lock held.
class ChainWorkHandler {
 public:
  virtual ~ChainWorkHandler() = default;
  virtual void HandleTick(uint64_t interval) = 0;
  // `ticket`: its signatures' check ahead of time (VerifyPool::SubmitJob), or null.
  virtual void HandleBlock(consensus::SignedBlock block, const ssz::Root& root,
                           std::shared_ptr<VerifyPool::Ticket> ticket) = 0;
  // `source`: the peer the vote came from (empty if local or unknown); `arrived`: when
  // it was queued.
  virtual void HandleAggregate(consensus::SignedAggregatedAttestation aggregate, const std::string& source,
                               std::shared_ptr<VerifyPool::Ticket> ticket, ArrivalTime arrived) = 0;
  // `ticket`: its signature's verification ahead of time (VerifyPool), or null.
  virtual void HandleAttestation(consensus::SignedAttestation attestation, const std::string& source,
                                 std::shared_ptr<VerifyPool::Ticket> ticket, ArrivalTime arrived) = 0;
};

class ChainWorker {
 public:
  enum class Queue { kBlocks = 0, kAggregates = 1, kAttestations = 2 };

  ChainWorker(ChainWorkHandler* handler, const ChainWorkerLimits& limits, metrics::Registry* registry);
  ~ChainWorker();  // stops the thread; queued work is dropped
  ChainWorker(const ChainWorker&) = delete;
  ChainWorker& operator=(const ChainWorker&) = delete;

  // False when the block was dropped because the queue is full.
  bool EnqueueBlock(consensus::SignedBlock block, const ssz::Root& root,
                    std::shared_ptr<VerifyPool::Ticket> ticket = nullptr) ABSL_LOCKS_EXCLUDED(mu_);
  // Always queued; the oldest queued item is dropped when full. `source` travels with
  // the vote to its handler (peer scoring).
  void EnqueueAggregate(consensus::SignedAggregatedAttestation aggregate, std::string source = {},
                        std::shared_ptr<VerifyPool::Ticket> ticket = nullptr) ABSL_LOCKS_EXCLUDED(mu_);
  void EnqueueAttestation(consensus::SignedAttestation attestation, std::string source = {},
                          std::shared_ptr<VerifyPool::Ticket> ticket = nullptr) ABSL_LOCKS_EXCLUDED(mu_);
  void EnqueueTick(uint64_t interval) ABSL_LOCKS_EXCLUDED(mu_);

  // Blocks until every queue is empty and the worker is idle.
  void WaitIdle() ABSL_LOCKS_EXCLUDED(mu_);
  size_t depth(Queue q) const ABSL_LOCKS_EXCLUDED(mu_);
  // Blocks EnqueueBlock would still take now (the capacity less the queued blocks).
  size_t block_room() const ABSL_LOCKS_EXCLUDED(mu_);
  size_t block_capacity() const { return limits_.blocks; }
  uint64_t dropped(Queue q) const { return dropped_[static_cast<int>(q)]->value(); }

 private:
  void Run() ABSL_LOCKS_EXCLUDED(mu_);
  bool Empty() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return !tick_ && blocks_.empty() && aggregates_.empty() && attestations_.empty();
  }
  void PublishDepths() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  ChainWorkHandler* const handler_;
  const ChainWorkerLimits limits_;
  metrics::Gauge* depth_[3];
  metrics::Counter* dropped_[3];

  mutable Mutex mu_;
  CondVar work_cv_;
  CondVar idle_cv_;
  std::optional<uint64_t> tick_ ABSL_GUARDED_BY(mu_);
  struct QueuedBlock {
    consensus::SignedBlock block;
    ssz::Root root;
    std::shared_ptr<VerifyPool::Ticket> ticket;
  };
  std::deque<QueuedBlock> blocks_ ABSL_GUARDED_BY(mu_);
  struct QueuedAggregate {
    consensus::SignedAggregatedAttestation aggregate;
    std::string source;
    std::shared_ptr<VerifyPool::Ticket> ticket;
    ArrivalTime arrived;
  };
  std::deque<QueuedAggregate> aggregates_ ABSL_GUARDED_BY(mu_);
  struct QueuedAttestation {
    consensus::SignedAttestation attestation;
    std::string source;
    std::shared_ptr<VerifyPool::Ticket> ticket;
    ArrivalTime arrived;
  };
  std::deque<QueuedAttestation> attestations_ ABSL_GUARDED_BY(mu_);
  bool busy_ ABSL_GUARDED_BY(mu_) = false;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace beam::chain

#endif  // BEAMCORE_CHAIN_CHAIN_WORKER_H_
