#include "chain/chain_worker.h"

#include <utility>
#include <vector>

namespace beam::chain {
namespace {

constexpr const char* kQueueNames[3] = {"blocks", "aggregates", "attestations"};

}  // namespace

ChainWorker::ChainWorker(ChainWorkHandler* handler, const ChainWorkerLimits& limits, metrics::Registry* registry)
    : handler_(handler), limits_(limits) {
  static metrics::Registry* const fallback = new metrics::Registry();  // when the host keeps no metrics
  metrics::Registry* r = registry != nullptr ? registry : fallback;
  for (int q = 0; q < 3; ++q) {
    depth_[q] = r->GetGauge("lean_chain_queue_depth", "Items waiting in a chain-worker queue.",
                            {{"queue", kQueueNames[q]}});
    dropped_[q] = r->GetCounter("lean_chain_queue_dropped_total", "Items dropped because a chain queue was full.",
                                {{"queue", kQueueNames[q]}});
  }
  thread_ = std::thread([this] { Run(); });
}

ChainWorker::~ChainWorker() {
  {
    MutexLock lock(&mu_);
    stop_ = true;
  }
  work_cv_.SignalAll();
  thread_.join();
}

void ChainWorker::PublishDepths() {
  depth_[0]->Set(static_cast<double>(blocks_.size()));
  depth_[1]->Set(static_cast<double>(aggregates_.size()));
  depth_[2]->Set(static_cast<double>(attestations_.size()));
}

bool ChainWorker::EnqueueBlock(consensus::SignedBlock block, const ssz::Root& root,
                               std::shared_ptr<VerifyPool::Ticket> ticket) {
  {
    MutexLock lock(&mu_);
    if (blocks_.size() >= limits_.blocks) {
      dropped_[0]->Increment();
      return false;
    }
    blocks_.push_back(QueuedBlock{std::move(block), root, std::move(ticket)});
    PublishDepths();
  }
  work_cv_.Signal();
  return true;
}

void ChainWorker::EnqueueAggregate(consensus::SignedAggregatedAttestation aggregate, std::string source,
                                   std::shared_ptr<VerifyPool::Ticket> ticket) {
  {
    MutexLock lock(&mu_);
    if (aggregates_.size() >= limits_.aggregates) {
      aggregates_.pop_front();
      dropped_[1]->Increment();
    }
    aggregates_.push_back(
        QueuedAggregate{std::move(aggregate), std::move(source), std::move(ticket), std::chrono::steady_clock::now()});
    PublishDepths();
  }
  work_cv_.Signal();
}

void ChainWorker::EnqueueAttestation(consensus::SignedAttestation attestation, std::string source,
                                     std::shared_ptr<VerifyPool::Ticket> ticket) {
  {
    MutexLock lock(&mu_);
    if (attestations_.size() >= limits_.attestations) {
      attestations_.pop_front();
      dropped_[2]->Increment();
    }
    attestations_.push_back(QueuedAttestation{std::move(attestation), std::move(source), std::move(ticket),
                                              std::chrono::steady_clock::now()});
    PublishDepths();
  }
  work_cv_.Signal();
}

void ChainWorker::EnqueueTick(uint64_t interval) {
  {
    MutexLock lock(&mu_);
    if (!tick_ || *tick_ < interval) tick_ = interval;
  }
  work_cv_.Signal();
}

void ChainWorker::WaitIdle() {
  MutexLock lock(&mu_);
  while (!Empty() || busy_) idle_cv_.Wait(&mu_);
}

size_t ChainWorker::depth(Queue q) const {
  MutexLock lock(&mu_);
  switch (q) {
    case Queue::kBlocks:
      return blocks_.size();
    case Queue::kAggregates:
      return aggregates_.size();
    case Queue::kAttestations:
      return attestations_.size();
  }
  return 0;
}

size_t ChainWorker::block_room() const {
  MutexLock lock(&mu_);
  return blocks_.size() >= limits_.blocks ? 0 : limits_.blocks - blocks_.size();
}

void ChainWorker::Run() {
  while (true) {
    std::optional<uint64_t> tick;
    std::vector<QueuedBlock> blocks;
    std::vector<QueuedAggregate> aggregates;
    std::vector<QueuedAttestation> attestations;
    {
      MutexLock lock(&mu_);
      while (!stop_ && Empty()) work_cv_.Wait(&mu_);
      if (stop_) return;
      // Batch when deep: one item per wake-up while shallow keeps latency low.
      auto take = [&](size_t depth) { return depth > limits_.batch ? limits_.batch : size_t{1}; };
      if (tick_) {
        tick = tick_;
        tick_.reset();
      } else if (!blocks_.empty()) {
        for (size_t n = take(blocks_.size()); n > 0 && !blocks_.empty(); --n) {
          blocks.push_back(std::move(blocks_.front()));
          blocks_.pop_front();
        }
      } else if (!aggregates_.empty()) {
        for (size_t n = take(aggregates_.size()); n > 0 && !aggregates_.empty(); --n) {
          aggregates.push_back(std::move(aggregates_.back()));
          aggregates_.pop_back();
        }
      } else {
        for (size_t n = take(attestations_.size()); n > 0 && !attestations_.empty(); --n) {
          attestations.push_back(std::move(attestations_.back()));
          attestations_.pop_back();
        }
      }
      PublishDepths();
      busy_ = true;
    }
    if (tick) handler_->HandleTick(*tick);
    for (QueuedBlock& b : blocks) handler_->HandleBlock(std::move(b.block), b.root, std::move(b.ticket));
    for (QueuedAggregate& a : aggregates) {
      handler_->HandleAggregate(std::move(a.aggregate), a.source, std::move(a.ticket), a.arrived);
    }
    for (QueuedAttestation& a : attestations) {
      handler_->HandleAttestation(std::move(a.attestation), a.source, std::move(a.ticket), a.arrived);
    }
    {
      MutexLock lock(&mu_);
      busy_ = false;
      if (Empty()) idle_cv_.SignalAll();
    }
  }
}

}  // namespace beam::chain
