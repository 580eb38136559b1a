#include "chain/verify_pool.h"

#include <memory>
#include <utility>
#include <vector>

namespace beam::chain {

class VerifyPool::Ticket {
 public:
  enum class State { kQueued, kRunning, kDone };

  // A vote signature.
  Ticket(const ssz::Bytes52& key_ssz, const crypto::xmss::PublicKey& key, uint64_t slot, const ssz::Root& message,
         crypto::xmss::Signature signature)
      : key_ssz(key_ssz), key(key), slot(slot), message(message), signature(std::move(signature)) {}
  // A job.
  Ticket(const ssz::Root& registry_root, std::function<absl::Status()> job)
      : registry_root(registry_root), job(std::move(job)) {}

  // Immutable after construction.
  const ssz::Bytes52 key_ssz{};
  const crypto::xmss::PublicKey key{};
  const uint64_t slot = 0;
  const ssz::Root message{};
  const crypto::xmss::Signature signature{};
  const ssz::Root registry_root{};
  const std::function<absl::Status()> job;

  // Guarded by the pool's mu_ (a leaf lock; not expressible as an annotation here).
  State state = State::kQueued;
  bool valid = false;
  absl::Status status;
};

VerifyPool::VerifyPool(size_t threads, size_t queue_limit, const crypto::SignatureVerifier* verifier,
                       metrics::Registry* registry)
    : verifier_(verifier), queue_limit_(queue_limit == 0 ? 1 : queue_limit) {
  static metrics::Registry* const fallback = new metrics::Registry();  // when the host keeps no metrics
  metrics::Registry* r = registry != nullptr ? registry : fallback;
  depth_ = r->GetGauge("lean_verify_pool_queue_depth", "Vote signatures waiting for a verification thread.");
  dropped_ = r->GetCounter("lean_verify_pool_dropped_total",
                           "Vote signatures not verified ahead because the pool's queue was full.");
  verified_by_pool_ = r->GetCounter("lean_verify_pool_verified_total", "Vote signatures verified ahead of the worker.",
                                    {{"by", "pool"}});
  verified_by_caller_ = r->GetCounter("lean_verify_pool_verified_total", "Vote signatures verified ahead of the worker.",
                                      {{"by", "worker"}});
  if (threads == 0) threads = 1;
  for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { Run(); });
}

VerifyPool::~VerifyPool() {
  {
    MutexLock lock(&mu_);
    stop_ = true;
  }
  work_cv_.SignalAll();
  for (std::thread& t : threads_) t.join();
}

std::shared_ptr<VerifyPool::Ticket> VerifyPool::Submit(const ssz::Bytes52& key_ssz, const crypto::xmss::PublicKey& key,
                                                       uint64_t slot, const ssz::Root& message,
                                                       crypto::xmss::Signature signature) {
  return Enqueue(std::make_shared<Ticket>(key_ssz, key, slot, message, std::move(signature)));
}

std::shared_ptr<VerifyPool::Ticket> VerifyPool::SubmitJob(const ssz::Root& registry_root,
                                                          std::function<absl::Status()> job) {
  return Enqueue(std::make_shared<Ticket>(registry_root, std::move(job)));
}

std::shared_ptr<VerifyPool::Ticket> VerifyPool::Enqueue(std::shared_ptr<Ticket> ticket) {
  {
    MutexLock lock(&mu_);
    if (queue_.size() >= queue_limit_) {
      queue_.pop_front();  // stays kQueued: whoever asks for its answer runs it
      dropped_->Increment();
    }
    queue_.push_back(ticket);
    depth_->Set(static_cast<double>(queue_.size()));
  }
  work_cv_.Signal();
  return ticket;
}

void VerifyPool::Check(Ticket& ticket, metrics::Counter* by) {
  bool valid = false;
  absl::Status status;
  if (ticket.job) {
    status = ticket.job();
  } else {
    valid = verifier_->Verify(ticket.key, ticket.slot, ticket.message, ticket.signature);
  }
  by->Increment();
  {
    MutexLock lock(&mu_);
    ticket.valid = valid;
    ticket.status = std::move(status);
    ticket.state = Ticket::State::kDone;
  }
  done_cv_.SignalAll();
}

void VerifyPool::Finish(Ticket& ticket) {
  {
    MutexLock lock(&mu_);
    while (ticket.state == Ticket::State::kRunning) done_cv_.Wait(&mu_);
    if (ticket.state == Ticket::State::kDone) return;
    ticket.state = Ticket::State::kRunning;  // ours now; a pool thread that pops it skips it
  }
  Check(ticket, verified_by_caller_);
}

bool VerifyPool::Result(Ticket& ticket) {
  Finish(ticket);
  MutexLock lock(&mu_);
  return ticket.valid;
}

absl::Status VerifyPool::JobResult(Ticket& ticket) {
  Finish(ticket);
  MutexLock lock(&mu_);
  return ticket.status;
}

const ssz::Bytes52& VerifyPool::KeyOf(const Ticket& ticket) { return ticket.key_ssz; }
const ssz::Root& VerifyPool::RegistryOf(const Ticket& ticket) { return ticket.registry_root; }

void VerifyPool::CheckVotes(absl::Span<const std::shared_ptr<Ticket>> batch) {
  std::vector<crypto::SignatureCheck> checks;
  checks.reserve(batch.size());
  for (const auto& t : batch) checks.push_back(crypto::SignatureCheck{&t->key, t->slot, &t->message, &t->signature});
  std::unique_ptr<bool[]> valid(new bool[batch.size()]());
  verifier_->VerifyMany(checks, absl::MakeSpan(valid.get(), batch.size()));
  verified_by_pool_->Increment(batch.size());
  {
    MutexLock lock(&mu_);
    for (size_t i = 0; i < batch.size(); ++i) {
      batch[i]->valid = valid[i];
      batch[i]->state = Ticket::State::kDone;
    }
  }
  done_cv_.SignalAll();
}

void VerifyPool::Run() {
  while (true) {
    std::vector<std::shared_ptr<Ticket>> batch;
    {
      MutexLock lock(&mu_);
      while (!stop_ && queue_.empty()) work_cv_.Wait(&mu_);
      if (stop_) return;
      // Oldest first: the worker takes the newest votes, so the two work toward each
      // other from both ends and rarely want the same ticket. A job alone, or up to
      // kBatch vote signatures verified together (one per vector lane).
      while (!queue_.empty() && batch.size() < kBatch) {
        Ticket& front = *queue_.front();
        if (front.state != Ticket::State::kQueued) {  // the worker took it
          queue_.pop_front();
          continue;
        }
        if (front.job && !batch.empty()) break;
        front.state = Ticket::State::kRunning;
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
        if (batch.back()->job) break;
      }
      depth_->Set(static_cast<double>(queue_.size()));
    }
    if (batch.empty()) continue;
    if (batch.front()->job) {
      Check(*batch.front(), verified_by_pool_);
    } else {
      CheckVotes(batch);
    }
  }
}

}  // namespace beam::chain
