#include "chain/aggregate_coverage.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "consensus/config.h"
#include "forkchoice/vote_tracker.h"

namespace beam::chain {
namespace {

// leanSpec node/metrics/registry.py ATTESTATION_AGGREGATE_COVERAGE_SECTIONS.
constexpr const char* kSections[] = {"timely",          "late",
                                     "block",           "combined",
                                     "aggregate_start_new", "proposal_payloads",
                                     "proposal_gossip", "proposal_combined"};

constexpr const char* kValidatorsName = "lean_attestation_aggregate_coverage_validators";
constexpr const char* kValidatorsHelp =
    "Validator coverage in attestation aggregate reports, by section and subnet (subnet=combined is the "
    "section total).";
constexpr const char* kSubnetsName = "lean_attestation_aggregate_coverage_subnets";
constexpr const char* kSubnetsHelp = "Number of covered subnets in attestation aggregate reports, by section.";
constexpr const char* kDiffName = "lean_attestation_aggregate_coverage_diff_validators";
constexpr const char* kDiffHelp =
    "Validators in the head block's votes but not in the timely pending proofs (block_only), and the reverse "
    "(timely_only), for the last reported round.";

uint64_t SubnetOf(consensus::ValidatorIndex v) { return v % consensus::kAttestationCommitteeCount; }

}  // namespace

AggregateCoverage::Votes AggregateCoverage::FromPool(const forkchoice::PayloadPool& pool) {
  Votes out;
  pool.ForEach([&](const forkchoice::PayloadPool::Entry& entry) {
    for (const consensus::SingleMessageAggregate& proof : entry.values) {
      out.emplace_back(entry.data.slot, consensus::ParticipantIndices(proof.participants));
    }
  });
  return out;
}

AggregateCoverage::Votes AggregateCoverage::FromBlock(const consensus::Block& block) {
  Votes out;
  for (const consensus::AggregatedAttestation& a : block.body.attestations) {
    out.emplace_back(a.data.slot, consensus::ParticipantIndices(a.aggregation_bits));
  }
  return out;
}

AggregateCoverage::Cover::Cover(size_t validator_count) : seen_(validator_count, false) {}

void AggregateCoverage::Cover::Add(consensus::ValidatorIndex v) {
  if (v >= seen_.size() || seen_[v]) return;  // outside the registry, or counted already
  seen_[v] = true;
  ++count_;
}

void AggregateCoverage::Cover::Add(const Votes& votes, std::optional<consensus::Slot> round) {
  for (const auto& [slot, participants] : votes) {
    if (round.has_value() && slot != *round) continue;
    for (consensus::ValidatorIndex v : participants) Add(v);
  }
}

AggregateCoverage::AggregateCoverage(metrics::Registry* registry)
    : registry_(registry),
      block_only_(registry->GetGauge(kDiffName, kDiffHelp, {{"direction", "block_only"}})),
      timely_only_(registry->GetGauge(kDiffName, kDiffHelp, {{"direction", "timely_only"}})) {
  // leanSpec's default series: every section's total and subnet count, at 0 until the
  // first report.
  for (const char* section : kSections) {
    registry->GetGauge(kValidatorsName, kValidatorsHelp, {{"section", section}, {"subnet", "combined"}});
    registry->GetGauge(kSubnetsName, kSubnetsHelp, {{"section", section}});
  }
}

void AggregateCoverage::Record(absl::string_view section, const Cover& cover) {
  const std::string s(section);
  std::vector<size_t> per_subnet(consensus::kAttestationCommitteeCount, 0);
  for (consensus::ValidatorIndex v = 0; v < cover.size(); ++v) {
    if (cover.Has(v)) ++per_subnet[SubnetOf(v)];
  }
  size_t subnets = 0;
  for (uint64_t n = 0; n < per_subnet.size(); ++n) {
    subnets += per_subnet[n] != 0 ? 1 : 0;
    registry_->GetGauge(kValidatorsName, kValidatorsHelp, {{"section", s}, {"subnet", absl::StrCat("subnet_", n)}})
        ->Set(static_cast<double>(per_subnet[n]));
  }
  registry_->GetGauge(kValidatorsName, kValidatorsHelp, {{"section", s}, {"subnet", "combined"}})
      ->Set(static_cast<double>(cover.count()));
  registry_->GetGauge(kSubnetsName, kSubnetsHelp, {{"section", s}})->Set(static_cast<double>(subnets));
}

void AggregateCoverage::RememberBlock(const ssz::Root& root, Votes votes) {
  MutexLock lock(&mu_);
  blocks_.emplace_back(root, std::move(votes));
  while (blocks_.size() > kRememberedBlocks) blocks_.pop_front();
}

void AggregateCoverage::BeforePromotion(Votes pending) {
  if (pending.empty()) return;
  MutexLock lock(&mu_);
  timely_ = std::move(pending);
}

void AggregateCoverage::ReportRound(consensus::Slot round, const ssz::Root& head, const Votes& pending,
                                    size_t validator_count) {
  MutexLock lock(&mu_);
  auto it = std::find_if(blocks_.rbegin(), blocks_.rend(), [&](const auto& b) { return b.first == head; });
  if (it == blocks_.rend()) return;  // an anchor, or a head imported long ago: no votes to report
  Cover block(validator_count);
  block.Add(it->second, round);
  if (block.empty()) return;  // the head block does not carry this round
  Cover timely(validator_count), late(validator_count), combined(validator_count);
  timely.Add(timely_, round);
  late.Add(pending, round);
  combined.Add(timely_, round);
  combined.Add(pending, round);
  combined.Add(it->second, round);
  Record("timely", timely);
  Record("late", late);
  Record("block", block);
  Record("combined", combined);
  size_t block_only = 0, timely_only = 0;
  for (consensus::ValidatorIndex v = 0; v < validator_count; ++v) {
    block_only += block.Has(v) && !timely.Has(v) ? 1 : 0;
    timely_only += timely.Has(v) && !block.Has(v) ? 1 : 0;
  }
  block_only_->Set(static_cast<double>(block_only));
  timely_only_->Set(static_cast<double>(timely_only));
}

void AggregateCoverage::OnAggregationStart(const Votes& pending, size_t validator_count) {
  Cover cover(validator_count);
  cover.Add(pending, std::nullopt);
  MutexLock lock(&mu_);
  Record("aggregate_start_new", cover);
}

void AggregateCoverage::OnProposal(const consensus::Block& block,
                                   absl::Span<const validator::AttestationCandidate> counted, size_t validator_count) {
  // Every validator the block carries, and those a counted proof for the same data
  // covers (what the builder drew on).
  Cover combined(validator_count), backed(validator_count);
  for (const consensus::AggregatedAttestation& a : block.body.attestations) {
    for (consensus::ValidatorIndex v : consensus::ParticipantIndices(a.aggregation_bits)) combined.Add(v);
    auto entry = std::find_if(counted.begin(), counted.end(),
                              [&](const validator::AttestationCandidate& c) { return c.data == a.data; });
    if (entry == counted.end()) continue;
    for (const consensus::SingleMessageAggregate& proof : entry->proofs) {
      for (consensus::ValidatorIndex v : consensus::ParticipantIndices(proof.participants)) backed.Add(v);
    }
  }
  Cover payloads(validator_count), gossip(validator_count);
  for (consensus::ValidatorIndex v = 0; v < validator_count; ++v) {
    if (combined.Has(v)) (backed.Has(v) ? payloads : gossip).Add(v);
  }
  MutexLock lock(&mu_);
  Record("proposal_payloads", payloads);
  Record("proposal_gossip", gossip);
  Record("proposal_combined", combined);
}

}  // namespace beam::chain
