// AggregateCoverage: the attestation aggregate coverage report of leanMetrics, the
// gauges lean_attestation_aggregate_coverage_validators{section,subnet},
// lean_attestation_aggregate_coverage_subnets{section} and
// lean_attestation_aggregate_coverage_diff_validators{direction} (leanSpec
// node/metrics/registry.py registers them with these sections and seeds every
// {section, subnet="combined"} and {direction} series with 0).
//
// A section counts validators (distinct, per validator index) and the attestation
// subnets they are on (index % ATTESTATION_COMMITTEE_COUNT): {subnet="combined"} is the
// section's total, {subnet="subnet_N"} its count on subnet N, and the subnets gauge the
// number of subnets with at least one. The sections:
//
// Per voting round r (votes whose data.slot is r), reported at interval 1 of slot
// r + 1 (the block of slot r + 1, which normally carries round r, had interval 0 to
// arrive), and only when the head block carries votes for r (otherwise the gauges keep
// the previous round's values, so a missed block never reads as "the proposer dropped
// every vote"):
//   timely    validators with a pending (gossip) proof for r when the node last
//             promoted its pending proofs into the counted pool (interval 4, or a
//             proposal): what arrived in time to be counted
//   late      validators with a proof for r still pending at the report
//   block     validators whose vote for r the head block carries
//   combined  timely | late | block
//   and diff_validators: block_only = block \ timely, timely_only = timely \ block.
// On the event:
//   aggregate_start_new  validators with pending proofs (every round) when this node
//                        starts an aggregation round (interval 2, aggregators only)
//   proposal_payloads    validators in a block this node produced whose vote came from
//                        a counted proof for the same data
//   proposal_gossip      validators in it whose vote came from anywhere else (leanSpec's
//                        builder uses counted proofs only, so this stays 0 unless a
//                        builder starts folding in raw signatures)
//   proposal_combined    every validator the produced block carries
//
// Thread-safe: one mutex, under which only the metrics registry's lock is taken, so
// callers may hold chain locks.

#ifndef BEAMCORE_CHAIN_AGGREGATE_COVERAGE_H_
#define BEAMCORE_CHAIN_AGGREGATE_COVERAGE_H_

#include <cstddef>
#include <deque>
#include <optional>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "consensus/types/block.h"
#include "forkchoice/attestation_pool.h"
#include "metrics/registry.h"
#include "validator/attestation_selection.h"
#include "ssz/bytes.h"
#include "base/mutex.h"

namespace beam::chain {

class AggregateCoverage {
 public:
  // Votes as (data.slot, participants ascending).
  using Votes = std::vector<std::pair<consensus::Slot, std::vector<consensus::ValidatorIndex>>>;
  // Every proof of every entry of `pool`.
  static Votes FromPool(const forkchoice::PayloadPool& pool);
  // The block body's attestations.
  static Votes FromBlock(const consensus::Block& block);

  // Blocks whose votes are remembered for the round reports (the newest imports).
  static constexpr size_t kRememberedBlocks = 64;

  // Registers the families in `registry` (which must outlive this) with leanSpec's
  // default series.
  explicit AggregateCoverage(metrics::Registry* registry);
  AggregateCoverage(const AggregateCoverage&) = delete;
  AggregateCoverage& operator=(const AggregateCoverage&) = delete;

  // A block was imported: keeps its votes for the reports of the rounds it carries.
  void RememberBlock(const ssz::Root& root, Votes votes) ABSL_LOCKS_EXCLUDED(mu_);
  // The pending proofs are about to be promoted into the counted pool (an empty pool
  // leaves the previous snapshot in place: a round with nothing new keeps its report).
  void BeforePromotion(Votes pending) ABSL_LOCKS_EXCLUDED(mu_);
  // Interval 1 of slot round + 1: the timely/late/block/combined report of `round`.
  void ReportRound(consensus::Slot round, const ssz::Root& head, const Votes& pending, size_t validator_count)
      ABSL_LOCKS_EXCLUDED(mu_);
  // An aggregation round starts with `pending` proofs.
  void OnAggregationStart(const Votes& pending, size_t validator_count) ABSL_LOCKS_EXCLUDED(mu_);
  // This node produced `block` from the counted proofs `counted` (may be null).
  void OnProposal(const consensus::Block& block, absl::Span<const validator::AttestationCandidate> counted,
                  size_t validator_count)
      ABSL_LOCKS_EXCLUDED(mu_);

 private:
  // Validators (and their subnets) seen in one section.
  class Cover {
   public:
    explicit Cover(size_t validator_count);
    void Add(consensus::ValidatorIndex v);
    void Add(const Votes& votes, std::optional<consensus::Slot> round);
    bool Has(consensus::ValidatorIndex v) const { return v < seen_.size() && seen_[v]; }
    bool empty() const { return count_ == 0; }
    size_t count() const { return count_; }
    size_t size() const { return seen_.size(); }

   private:
    std::vector<bool> seen_;
    size_t count_ = 0;
  };

  void Record(absl::string_view section, const Cover& cover) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  metrics::Registry* const registry_;
  metrics::Gauge* block_only_;
  metrics::Gauge* timely_only_;

  Mutex mu_;  // serializes reports, so the gauges of one report are consistent
  // State below is protected by mu_.
  std::deque<std::pair<ssz::Root, Votes>> blocks_ ABSL_GUARDED_BY(mu_);  // newest last
  Votes timely_ ABSL_GUARDED_BY(mu_);
};

}  // namespace beam::chain

#endif  // BEAMCORE_CHAIN_AGGREGATE_COVERAGE_H_
