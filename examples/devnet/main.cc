// beamcore-devnet: N libbeamcore nodes (public C ABI only) with V validators, real
// TEST-scheme XMSS keys, an in-memory network with latency, jitter, loss and
// partitions on a gossip mesh with relay, simulated (fast) or wall-clock (realtime)
// time, and live progress. Exit status 0 only if finality stayed live (liveness.h):
// no conflicting finalization, finality resumed after every fault window, and at the
// end every node's finalized slot is within the lag limit of its head.

#include <beamcore/beamcore.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "api_server.h"
#include "byzantine.h"
#include "demo_crypto.h"
#include "devnet_node.h"
#include "liveness.h"
#include "options.h"
#include "sim_network.h"

namespace devnet {
namespace {

constexpr uint64_t kIntervalsPerSlot = 5;
constexpr uint64_t kIntervalMs = 800;

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string Hex4(const uint8_t* root) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02x%02x%02x%02x", root[0], root[1], root[2], root[3]);
  return buf;
}

std::string HexRoot(const uint8_t* root) {
  std::string s = "0x";
  char buf[3];
  for (int i = 0; i < 32; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", root[i]);
    s += buf;
  }
  return s;
}

// Sum of a metric's samples (all label sets) in Prometheus text.
double MetricSum(beam_node* node, const char* name) {
  beam_buffer text{nullptr, 0};
  if (beam_node_metrics_text(node, &text) != BEAM_OK) return 0;
  const std::string body(reinterpret_cast<const char*>(text.data), text.len);
  beam_buffer_free(&text);
  double sum = 0;
  const std::string prefix = name;
  size_t pos = 0;
  while ((pos = body.find(prefix, pos)) != std::string::npos) {
    const bool line_start = pos == 0 || body[pos - 1] == '\n';
    const char next = pos + prefix.size() < body.size() ? body[pos + prefix.size()] : '\0';
    if (line_start && (next == ' ' || next == '{')) {
      const size_t eol = body.find('\n', pos);
      const size_t space = body.rfind(' ', eol);
      sum += std::strtod(body.c_str() + space + 1, nullptr);
    }
    pos += prefix.size();
  }
  return sum;
}

// Peak resident set of this process (VmHWM), in MiB; 0 if unknown.
double PeakRssMiB() {
  FILE* f = std::fopen("/proc/self/status", "r");
  if (f == nullptr) return 0;
  char line[256];
  double kib = 0;
  while (std::fgets(line, sizeof line, f) != nullptr) {
    if (std::strncmp(line, "VmHWM:", 6) == 0) kib = std::strtod(line + 6, nullptr);
  }
  std::fclose(f);
  return kib / 1024.0;
}

std::vector<Fault> FaultsOf(const Options& o) {
  std::vector<Fault> faults;
  // Hostile nodes are not a window: they stay for the whole run and are checked by the
  // end-of-run criteria (honest nodes live, hostile ones reported).
  for (const Partition& p : o.partitions) faults.push_back(Fault{"partition " + p.spec, p.from_slot, p.to_slot});
  if (o.restart_at) {
    faults.push_back(Fault{"node" + std::to_string(o.nodes - 1) + " down for a restart", *o.restart_at, *o.restart_at + o.restart_down});
  }
  return faults;
}

struct Validator {
  beam_xmss_key* attestation_key = nullptr;
  int node = 0;
};

class Devnet {
 public:
  explicit Devnet(Options options)
      : o_(std::move(options)), net_(o_, o_.nodes), monitor_(FaultsOf(o_), o_.max_finality_lag) {}
  ~Devnet() {
    servers_.clear();
    actors_.clear();
    nodes_.clear();
    for (Validator& v : validators_) beam_xmss_key_destroy(v.attestation_key);
  }

  int Run();

 private:
  bool Setup();
  void ConnectAll(int node);
  void DeliverUntil(uint64_t t_ms);
  void WaitIdle();
  void TickAll(uint64_t interval);
  void Propose(uint64_t slot);
  void Attest(uint64_t slot);
  std::vector<NodeView> Views() const;
  void Report(uint64_t slot, const std::vector<NodeView>& views);
  bool Hostile(int node) const { return node < o_.byzantine; }  // the first K: --restart-at takes the last
  ByzantineActor* ActorOf(int node) const { return actors_.empty() ? nullptr : actors_[static_cast<size_t>(node)].get(); }
  // A hostile node's flood straight into every honest node (no network queue).
  void FloodHonest(int from, beam_topic_kind topic, const std::vector<uint8_t>& bytes);
  int Verdict();

  Options o_;
  SimNetwork net_;
  LivenessMonitor monitor_;
  std::vector<uint8_t> genesis_;
  std::vector<Validator> validators_;
  std::vector<std::unique_ptr<DevnetNode>> nodes_;
  std::vector<std::unique_ptr<ServedNode>> served_;
  std::vector<std::unique_ptr<ApiServer>> servers_;
  std::vector<std::unique_ptr<ByzantineActor>> actors_;  // by node; null for honest ones
  uint64_t flooded_ = 0;
  beam_crypto_vtable demo_crypto_{};
  Clock::time_point start_;
  double last_report_s_ = 0;
  double last_imports_ = 0;
  uint64_t failed_duties_ = 0;
  uint64_t restarts_ = 0;
  double setup_s_ = 0;  // keys, genesis, nodes (not part of slots/s)
};

bool Devnet::Setup() {
  // Keys: deterministic from the seed; the whole run fits one key's active range.
  const uint64_t active = std::max<uint64_t>(64, o_.slots + 2);
  const size_t n = static_cast<size_t>(o_.validators);
  std::vector<uint8_t> attestation_pks(n * BEAM_XMSS_PUBLIC_KEY_SIZE), proposal_pks(n * BEAM_XMSS_PUBLIC_KEY_SIZE);
  validators_.resize(n);
  std::atomic<bool> ok{true};  // written by both key-generating threads
  auto make = [&](size_t first, size_t step) {
    for (size_t v = first; v < n; v += step) {
      for (int role = 0; role < 2; ++role) {
        uint8_t seed[32] = {0};
        std::memcpy(seed, "beamcore-devnet", 15);
        std::memcpy(seed + 16, &o_.seed, 8);
        std::memcpy(seed + 24, &v, 4);
        seed[31] = static_cast<uint8_t>(role);
        beam_xmss_key* key = nullptr;
        if (beam_xmss_key_generate(BEAM_XMSS_TEST, seed, 0, active, &key) != BEAM_OK) {
          ok = false;
          return;
        }
        uint8_t* out = (role == 0 ? attestation_pks.data() : proposal_pks.data()) + v * BEAM_XMSS_PUBLIC_KEY_SIZE;
        if (beam_xmss_key_public(key, out) != BEAM_OK) {
          beam_xmss_key_destroy(key);
          ok = false;
          return;
        }
        if (role == 0) {
          validators_[v].attestation_key = key;
        } else {
          beam_xmss_key_destroy(key);  // blocks carry aggregate proofs (mocked or host)
        }
      }
      validators_[v].node = static_cast<int>(v % static_cast<size_t>(o_.nodes));
    }
  };
  std::thread helper(make, 1, 2);
  make(0, 2);
  helper.join();
  if (!ok) {
    std::fprintf(stderr, "key generation failed: %s\n", beam_last_error());
    return false;
  }
  beam_buffer genesis{nullptr, 0};
  if (beam_genesis_state(0, attestation_pks.data(), proposal_pks.data(), n, &genesis) != BEAM_OK) {
    std::fprintf(stderr, "genesis: %s\n", beam_last_error());
    return false;
  }
  genesis_.assign(genesis.data, genesis.data + genesis.len);
  beam_buffer_free(&genesis);

  std::error_code ec;
  std::filesystem::remove_all(o_.data_dir, ec);  // a fresh devnet every run
  if (o_.proofs == "host") demo_crypto_ = DemoCryptoVtable();
  const bool http = o_.http.value_or(o_.realtime);
  for (int i = 0; i < o_.nodes; ++i) {
    std::vector<uint64_t> mine;
    for (size_t v = 0; v < n; ++v) {
      if (validators_[v].node == i) mine.push_back(v);
    }
    nodes_.push_back(std::make_unique<DevnetNode>(i, &net_, o_.data_dir + "/node" + std::to_string(i), mine,
                                                  /*aggregator=*/true,
                                                  o_.proofs == "host" ? &demo_crypto_ : nullptr, o_.log_level));
    if (Hostile(i)) nodes_.back()->SetHostile(o_.behaviours);
    std::string error;
    if (!nodes_.back()->Start(genesis_, &error)) {
      std::fprintf(stderr, "%s\n", error.c_str());
      return false;
    }
    served_.push_back(std::make_unique<ServedNode>());
    served_.back()->Set(nodes_.back()->node());
    if (http) {
      servers_.push_back(std::make_unique<ApiServer>(served_.back().get(), o_.http_base_port + i));
      if (!servers_.back()->Start(&error)) {
        std::fprintf(stderr, "http: %s\n", error.c_str());
        return false;
      }
      if (!o_.json) std::printf("node%d: lean API on http://127.0.0.1:%d/lean/v0/health\n", i, o_.http_base_port + i);
    }
  }
  actors_.resize(static_cast<size_t>(o_.nodes));
  for (int i = 0; i < o_.byzantine; ++i) {
    actors_[static_cast<size_t>(i)] = std::make_unique<ByzantineActor>(
        o_.behaviours, static_cast<uint64_t>(o_.validators), o_.junk_per_slot, o_.seed * 1000 + static_cast<uint64_t>(i),
        [this, i](beam_topic_kind topic, const std::vector<uint8_t>& bytes) {
          net_.Publish(i, static_cast<int>(topic), bytes.data(), bytes.size());
        },
        [this, i](beam_topic_kind topic, const std::vector<uint8_t>& bytes) { FloodHonest(i, topic, bytes); });
    std::string error;
    if (!actors_[static_cast<size_t>(i)]->Start(genesis_, nodes_[static_cast<size_t>(i)]->validators(), &error)) {
      std::fprintf(stderr, "%s\n", error.c_str());
      return false;
    }
  }
  for (int i = 0; i < o_.nodes; ++i) ConnectAll(i);
  net_.Heartbeat();
  return true;
}

void Devnet::FloodHonest(int from, beam_topic_kind topic, const std::vector<uint8_t>& bytes) {
  Message m;
  m.kind = MessageKind::kGossip;
  m.from = from;
  m.topic_or_protocol = static_cast<int>(topic);
  m.bytes = bytes;
  for (int j = 0; j < o_.nodes; ++j) {
    if (Hostile(j) || !nodes_[static_cast<size_t>(j)]->running()) continue;
    m.to = j;
    nodes_[static_cast<size_t>(j)]->Deliver(m, NodeName(from));
    // A paced flood: the chain workers drain it in steps of 256 per node, so it
    // measures what the nodes keep, not how deep their queues may grow.
    if (++flooded_ % 256 == 0) WaitIdle();
  }
}

// Tells `node` and every running peer about each other.
void Devnet::ConnectAll(int node) {
  for (int j = 0; j < o_.nodes; ++j) {
    if (j == node || !nodes_[j]->running()) continue;
    nodes_[node]->PeerConnected(NodeName(j));
    nodes_[j]->PeerConnected(NodeName(node));
  }
}

void Devnet::WaitIdle() {
  for (auto& n : nodes_) {
    n->WaitIdle();
  }
}

// Delivers every message due by t_ms, in time order, including those the deliveries
// cause (nodes answer and gossip from their own threads: wait for them to settle).
void Devnet::DeliverUntil(uint64_t t_ms) {
  while (true) {
    bool any = false;
    while (std::optional<Message> m = net_.PopDue(t_ms)) {
      any = true;
      net_.SetNow(m->deliver_at_ms);
      const bool accepted = nodes_[static_cast<size_t>(m->to)]->Deliver(*m, NodeName(m->from));
      net_.Relay(*m, accepted);
      if (ByzantineActor* actor = ActorOf(m->to); actor != nullptr && accepted && m->kind == MessageKind::kGossip) {
        actor->Observe(static_cast<beam_topic_kind>(m->topic_or_protocol), m->bytes,
                       m->deliver_at_ms / (kIntervalsPerSlot * kIntervalMs));
      }
    }
    WaitIdle();
    if (!any) break;
  }
  net_.SetNow(t_ms);
}

void Devnet::TickAll(uint64_t interval) {
  for (auto& n : nodes_) {
    n->Tick(interval);
  }
  for (auto& a : actors_) {
    if (a != nullptr) a->Tick(interval);
  }
  WaitIdle();
}

void Devnet::Propose(uint64_t slot) {
  const uint64_t proposer = slot % static_cast<uint64_t>(o_.validators);
  DevnetNode& home = *nodes_[static_cast<size_t>(validators_[proposer].node)];
  if (!home.running()) return;  // its node is down: an empty slot
  beam_buffer block{nullptr, 0};
  if (beam_node_produce_block(home.node(), slot, proposer, &block) != BEAM_OK) {
    ++failed_duties_;
    if (o_.json) {
      std::printf("{\"event\":\"duty_failed\",\"slot\":%llu,\"duty\":\"propose\",\"node\":%d,\"error\":\"%s\"}\n",
                  static_cast<unsigned long long>(slot), home.index(), beam_last_error());
    }
    return;
  }
  net_.Publish(home.index(), BEAM_TOPIC_BLOCK, block.data, block.len);
  if (ByzantineActor* actor = ActorOf(home.index())) {
    const std::vector<uint8_t> bytes(block.data, block.data + block.len);
    actor->OnOwnBlock(slot, proposer, bytes);  // before the shadow sees this block
    actor->Observe(BEAM_TOPIC_BLOCK, bytes, slot);
  }
  beam_buffer_free(&block);
}

void Devnet::Attest(uint64_t slot) {
  // The slot's attestation data once per node; every validator's vote signed on all
  // cores (each key is its own: signing is the host's heaviest duty, 4096 keys at
  // ~100 us each), then published in validator order as before.
  std::vector<std::vector<uint8_t>> data(nodes_.size());
  std::vector<char> has_data(nodes_.size(), 0);
  for (size_t i = 0; i < nodes_.size(); ++i) {
    beam_buffer d{nullptr, 0};
    if (nodes_[i]->running() && beam_node_produce_attestation_data(nodes_[i]->node(), slot, &d) == BEAM_OK) {
      data[i].assign(d.data, d.data + d.len);
      has_data[i] = 1;
    }
    beam_buffer_free(&d);
  }
  std::vector<std::vector<uint8_t>> votes(validators_.size());
  std::vector<char> signed_ok(validators_.size(), 0);
  auto sign = [&](size_t begin, size_t end) {
    for (size_t v = begin; v < end; ++v) {
      const size_t home = static_cast<size_t>(validators_[v].node);
      if (!has_data[home]) continue;
      beam_buffer vote{nullptr, 0};
      if (beam_attestation_sign(validators_[v].attestation_key, v, data[home].data(), data[home].size(), &vote) ==
          BEAM_OK) {
        votes[v].assign(vote.data, vote.data + vote.len);
        signed_ok[v] = 1;
      }
      beam_buffer_free(&vote);
    }
  };
  const size_t threads = std::min<size_t>(std::max(1u, std::thread::hardware_concurrency()),
                                          std::max<size_t>(1, validators_.size() / 64));
  const size_t per = (validators_.size() + threads - 1) / threads;
  std::vector<std::thread> signers;
  for (size_t t = 1; t < threads; ++t) {
    signers.emplace_back(sign, std::min(validators_.size(), t * per), std::min(validators_.size(), (t + 1) * per));
  }
  sign(0, std::min(validators_.size(), per));
  for (std::thread& t : signers) t.join();
  for (size_t v = 0; v < validators_.size(); ++v) {
    DevnetNode& home = *nodes_[static_cast<size_t>(validators_[v].node)];
    if (!home.running()) continue;
    if (!signed_ok[v]) {
      ++failed_duties_;
      continue;
    }
    home.Gossip(BEAM_TOPIC_ATTESTATION, votes[v].data(), votes[v].size());
    net_.Publish(home.index(), BEAM_TOPIC_ATTESTATION, votes[v].data(), votes[v].size());
    if (ByzantineActor* actor = ActorOf(home.index())) actor->Observe(BEAM_TOPIC_ATTESTATION, votes[v], slot);
  }
}

std::vector<NodeView> Devnet::Views() const {
  std::vector<NodeView> views(nodes_.size());
  for (size_t i = 0; i < nodes_.size(); ++i) {
    // The pass criterion is about the honest nodes.
    if (!nodes_[i]->running() || Hostile(static_cast<int>(i))) continue;
    const DevnetNode::ChainView view = nodes_[i]->View();
    views[i].running = true;
    views[i].head_slot = view.head.slot;
    views[i].finalized_slot = view.finalized.slot;
    std::memcpy(views[i].finalized_root.data(), view.finalized.root, 32);
  }
  return views;
}

void Devnet::Report(uint64_t slot, const std::vector<NodeView>& node_views) {
  struct View {
    beam_checkpoint head{}, justified{}, finalized{};
  };
  std::vector<View> views(nodes_.size());
  double imports = 0, queue = 0;
  size_t running = 0;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (!node_views[i].running) continue;
    ++running;
    beam_node* n = nodes_[i]->node();
    const DevnetNode::ChainView view = nodes_[i]->View();
    views[i].head = view.head;
    views[i].justified = view.justified;
    views[i].finalized = view.finalized;
    imports += MetricSum(n, "lean_blocks_imported_total");
    queue += MetricSum(n, "lean_chain_queue_depth");
  }
  const double now = SecondsSince(start_);
  const double rate = now > last_report_s_ ? (imports - last_imports_) / (now - last_report_s_) : 0;
  last_report_s_ = now;
  last_imports_ = imports;
  if (o_.json) {
    std::printf("{\"event\":\"slot\",\"slot\":%llu,\"elapsed_s\":%.3f,\"nodes\":[", static_cast<unsigned long long>(slot),
                now);
    for (size_t i = 0; i < nodes_.size(); ++i) {
      if (i > 0) std::printf(",");
      if (!nodes_[i]->running()) {
        std::printf("{\"node\":%zu,\"running\":false}", i);
        continue;
      }
      std::printf("{\"node\":%zu,\"running\":true,\"head_slot\":%llu,\"head_root\":\"%s\",\"justified_slot\":%llu,"
                  "\"finalized_slot\":%llu,\"finalized_root\":\"%s\"}",
                  i, static_cast<unsigned long long>(views[i].head.slot), HexRoot(views[i].head.root).c_str(),
                  static_cast<unsigned long long>(views[i].justified.slot),
                  static_cast<unsigned long long>(views[i].finalized.slot), HexRoot(views[i].finalized.root).c_str());
    }
    std::printf("],\"imports_per_s\":%.1f,\"queue_depth\":%.0f}\n", rate, queue);
    std::fflush(stdout);
    return;
  }
  if (!o_.quiet) {
    std::string heads, just, fin;
    for (size_t i = 0; i < nodes_.size(); ++i) {
      char cell[32];
      if (!nodes_[i]->running()) {
        std::snprintf(cell, sizeof cell, " %4s", "down");
        heads += cell;
        just += cell;
        fin += cell;
        continue;
      }
      std::snprintf(cell, sizeof cell, " %4llu", static_cast<unsigned long long>(views[i].head.slot));
      heads += cell;
      std::snprintf(cell, sizeof cell, " %4llu", static_cast<unsigned long long>(views[i].justified.slot));
      just += cell;
      std::snprintf(cell, sizeof cell, " %4llu", static_cast<unsigned long long>(views[i].finalized.slot));
      fin += cell;
    }
    std::printf("slot %4llu | head%s | justified%s | finalized%s | peers %zu | queue %.0f | %.0f imports/s\n",
                static_cast<unsigned long long>(slot), heads.c_str(), just.c_str(), fin.c_str(),
                running > 0 ? running - 1 : 0, queue, rate);
  }
  if (!o_.realtime && isatty(STDERR_FILENO)) {
    const int width = 40;
    const int done = static_cast<int>(width * slot / o_.slots);
    std::fprintf(stderr, "\r[%s%s] slot %llu/%llu", std::string(static_cast<size_t>(done), '#').c_str(),
                 std::string(static_cast<size_t>(width - done), '.').c_str(), static_cast<unsigned long long>(slot),
                 static_cast<unsigned long long>(o_.slots));
    if (slot == o_.slots) std::fprintf(stderr, "\n");
  }
  std::fflush(stdout);
}

int Devnet::Verdict() {
  monitor_.Observe(o_.slots + 1, Views());  // after the settling slot
  const LivenessVerdict verdict = monitor_.Finish();
  // A host call the devnet expected to succeed failed: the run is broken whatever finality did.
  uint64_t api_errors = 0;
  for (auto& n : nodes_) api_errors += n->api_errors();
  bool ok = verdict.ok && api_errors == 0;
  std::string reason =
      api_errors == 0 ? verdict.reason : std::to_string(api_errors) + " host API calls failed (see stderr)";
  // Hostile nodes: each one whose behaviours an honest node can recognise must have
  // been reported (report_peer) by at least one honest node.
  std::vector<uint64_t> reported(nodes_.size(), 0);
  uint64_t honest_reported = 0;
  for (size_t j = 0; j < nodes_.size(); ++j) {
    if (Hostile(static_cast<int>(j))) continue;
    for (size_t h = 0; h < nodes_.size(); ++h) {
      const uint64_t r = nodes_[j]->reports_against(static_cast<int>(h));
      reported[h] += r;
      if (!Hostile(static_cast<int>(h))) honest_reported += r;
    }
  }
  for (int h = 0; h < o_.byzantine && ok; ++h) {
    const DevnetNode& n = *nodes_[static_cast<size_t>(h)];
    const uint64_t sent = actors_[static_cast<size_t>(h)]->stats().reportable() + n.chunks_corrupted() +
                          n.requests_dropped();
    const std::string why = CheckReported(h, sent, reported[static_cast<size_t>(h)]);
    if (!why.empty()) {
      ok = false;
      reason = why;
    }
  }
  const double peak_rss = PeakRssMiB();
  if (o_.max_rss_mib > 0 && peak_rss > o_.max_rss_mib && ok) {
    ok = false;
    char buf[128];
    std::snprintf(buf, sizeof buf, "peak RSS %.1f MiB is above the bound of %.1f MiB", peak_rss, o_.max_rss_mib);
    reason = buf;
  }
  for (int h = 0; h < o_.byzantine; ++h) {
    const ByzantineStats& b = actors_[static_cast<size_t>(h)]->stats();
    const DevnetNode& n = *nodes_[static_cast<size_t>(h)];
    // (JSON key, text label, count), printed either way.
    const std::vector<std::tuple<const char*, const char*, uint64_t>> counts = {
        {"equivocations", "equivocations", b.equivocations},
        {"no_second_block", "slots without a second block", b.equivocation_same_block + b.equivocation_failed},
        {"bad_signatures", "bad signatures", b.bad_signatures},
        {"bad_state_roots", "bad state roots", b.bad_state_roots},
        {"future_blocks", "future blocks", b.future_blocks},
        {"replays", "replays", b.replays},
        {"junk_votes", "junk votes", b.junk_votes},
        {"undecodable", "undecodable", b.undecodable},
        {"oversized", "oversized", b.oversized},
        {"wrong_chunks", "wrong blocks served", n.chunks_corrupted()},
        {"requests_dropped", "requests dropped", n.requests_dropped()},
        {"reports_by_honest", "reports by honest nodes", reported[static_cast<size_t>(h)]},
    };
    const std::string behaviours = BehaviourNames(o_.behaviours);
    if (o_.json) {
      std::printf("{\"event\":\"byzantine\",\"node\":%d,\"behaviours\":\"%s\"", h, behaviours.c_str());
    } else {
      std::printf("hostile node%d (%s):", h, behaviours.c_str());
    }
    for (size_t k = 0; k < counts.size(); ++k) {
      const auto& [key, label, value] = counts[k];
      if (o_.json) {
        std::printf(",\"%s\":%llu", key, static_cast<unsigned long long>(value));
      } else {
        std::printf(" %llu %s%s", static_cast<unsigned long long>(value), label, k + 1 < counts.size() ? "," : "");
      }
    }
    std::printf(o_.json ? "}\n" : "\n");
  }
  if (o_.byzantine > 0 && !o_.json) {
    std::printf("honest nodes reported honest peers %llu times\n", static_cast<unsigned long long>(honest_reported));
  }
  if (!o_.json) {
    std::printf("\n%-7s %-6s %-10s %-9s %-9s %-10s %-8s %-8s %-8s %-4s\n", "node", "head", "head root", "justified",
                "finalized", "final root", "imports", "by_range", "reports", "mesh");
  }
  uint64_t final_slot = 0;
  for (auto& n : nodes_) {
    if (!n->running()) continue;
    const auto [head, justified, finalized] = n->View();
    final_slot = std::max(final_slot, finalized.slot);
    const double imports = MetricSum(n->node(), "lean_blocks_imported_total");
    const size_t mesh = net_.MeshOf(n->index()).size();
    if (o_.json) {
      std::printf("{\"event\":\"node_summary\",\"node\":%d,\"head_slot\":%llu,\"justified_slot\":%llu,"
                  "\"finalized_slot\":%llu,\"finalized_root\":\"%s\",\"imports\":%.0f,\"range_requests\":%llu,"
                  "\"peer_reports\":%llu,\"mesh_peers\":%zu}\n",
                  n->index(), static_cast<unsigned long long>(head.slot), static_cast<unsigned long long>(justified.slot),
                  static_cast<unsigned long long>(finalized.slot), HexRoot(finalized.root).c_str(), imports,
                  static_cast<unsigned long long>(n->requests_sent(BEAM_REQ_BLOCKS_BY_RANGE)),
                  static_cast<unsigned long long>(n->peer_reports()), mesh);
    } else {
      std::printf("%-7s %-6llu %-10s %-9llu %-9llu %-10s %-8.0f %-8llu %-8llu %-4zu\n", n->name().c_str(),
                  static_cast<unsigned long long>(head.slot), Hex4(head.root).c_str(),
                  static_cast<unsigned long long>(justified.slot), static_cast<unsigned long long>(finalized.slot),
                  Hex4(finalized.root).c_str(), imports,
                  static_cast<unsigned long long>(n->requests_sent(BEAM_REQ_BLOCKS_BY_RANGE)),
                  static_cast<unsigned long long>(n->peer_reports()), mesh);
    }
  }
  if (!o_.json && !verdict.faults.empty()) std::printf("\n");
  std::string faults_json;
  for (const FaultOutcome& f : verdict.faults) {
    const std::optional<uint64_t> took = f.slots_to_recover();
    if (o_.json) {
      if (!faults_json.empty()) faults_json += ",";
      faults_json += "{\"fault\":\"" + f.fault.name + "\",\"from_slot\":" + std::to_string(f.fault.from_slot) +
                     ",\"heal_slot\":" + std::to_string(f.fault.heal_slot) +
                     ",\"finalized_at_heal\":" + std::to_string(f.finalized_at_heal) +
                     ",\"resumed_at\":" + (f.resumed_at ? std::to_string(*f.resumed_at) : "null") +
                     ",\"slots_to_recover\":" + (took ? std::to_string(*took) : "null") + "}";
    } else if (!f.healed) {
      std::printf("fault %s: not healed within the run\n", f.fault.name.c_str());
    } else if (took) {
      std::printf("fault %s: healed at slot %llu (finalized %llu); finality resumed at slot %llu, %llu slots after the heal\n",
                  f.fault.name.c_str(), static_cast<unsigned long long>(f.fault.heal_slot),
                  static_cast<unsigned long long>(f.finalized_at_heal), static_cast<unsigned long long>(*f.resumed_at),
                  static_cast<unsigned long long>(*took));
    } else {
      std::printf("fault %s: healed at slot %llu (finalized %llu); finality did NOT resume\n", f.fault.name.c_str(),
                  static_cast<unsigned long long>(f.fault.heal_slot), static_cast<unsigned long long>(f.finalized_at_heal));
    }
  }
  const NetworkStats stats = net_.stats();
  const double elapsed = SecondsSince(start_);
  const double rss = peak_rss;
  if (o_.json) {
    std::printf("{\"event\":\"summary\",\"ok\":%s,\"reason\":\"%s\",\"slots\":%llu,\"setup_s\":%.3f,\"elapsed_s\":%.3f,"
                "\"slots_per_s\":%.2f,\"finalized_slot\":%llu,\"max_finality_lag\":%llu,\"faults\":[%s],"
                "\"gossip_sent\":%llu,\"gossip_relayed\":%llu,\"gossip_lazy\":%llu,\"gossip_duplicates\":%llu,\"gossip_lost\":%llu,"
                "\"partitioned\":%llu,\"requests\":%llu,\"restarts\":%llu,\"failed_duties\":%llu,\"api_errors\":%llu,"
                "\"peak_rss_mib\":%.1f,\"peak_rss_mib_per_node\":%.1f,\"reports_against_honest\":%llu}\n",
                ok ? "true" : "false", reason.c_str(), static_cast<unsigned long long>(o_.slots), setup_s_,
                elapsed, o_.slots / elapsed, static_cast<unsigned long long>(final_slot),
                static_cast<unsigned long long>(verdict.max_lag_seen), faults_json.c_str(),
                static_cast<unsigned long long>(stats.gossip_sent), static_cast<unsigned long long>(stats.gossip_relayed),
                static_cast<unsigned long long>(stats.gossip_lazy),
                static_cast<unsigned long long>(stats.gossip_duplicates), static_cast<unsigned long long>(stats.gossip_lost),
                static_cast<unsigned long long>(stats.partitioned), static_cast<unsigned long long>(stats.requests),
                static_cast<unsigned long long>(restarts_), static_cast<unsigned long long>(failed_duties_),
                static_cast<unsigned long long>(api_errors), rss, rss / o_.nodes,
                static_cast<unsigned long long>(honest_reported));
  } else {
    std::printf("\n%llu slots in %.2f s (%.1f slots/s; setup %.2f s), %d nodes x %d validators; gossip %llu hops "
                "(%llu relayed, %llu lazy), %llu duplicates, %llu lost, %llu partitioned; %llu requests; %llu restarts; "
                "%llu failed duties; max finality lag %llu slots; peak RSS %.0f MiB (%.0f per node)\n",
                static_cast<unsigned long long>(o_.slots), elapsed, o_.slots / elapsed, setup_s_, o_.nodes, o_.validators,
                static_cast<unsigned long long>(stats.gossip_sent), static_cast<unsigned long long>(stats.gossip_relayed),
                static_cast<unsigned long long>(stats.gossip_lazy),
                static_cast<unsigned long long>(stats.gossip_duplicates), static_cast<unsigned long long>(stats.gossip_lost),
                static_cast<unsigned long long>(stats.partitioned), static_cast<unsigned long long>(stats.requests),
                static_cast<unsigned long long>(restarts_), static_cast<unsigned long long>(failed_duties_),
                static_cast<unsigned long long>(verdict.max_lag_seen), rss, rss / o_.nodes);
    if (ok) {
      std::printf("OK: finality is live on every node (finalized slot %llu, within %llu slots of each head)%s\n",
                  static_cast<unsigned long long>(final_slot), static_cast<unsigned long long>(o_.max_finality_lag),
                  verdict.faults.empty() ? "" : " and resumed after every fault");
    } else {
      std::printf("FAILED: %s\n", reason.c_str());
    }
  }
  return ok ? 0 : 1;
}

int Devnet::Run() {
  const auto setup_start = Clock::now();
  if (!Setup()) return 2;
  setup_s_ = SecondsSince(setup_start);
  start_ = Clock::now();
  if (!o_.json) {
    std::printf("beamcore-devnet (libbeamcore %s): %d nodes, %d validators, %llu slots, %s mode, proofs %s\n",
                beam_version_string(), o_.nodes, o_.validators, static_cast<unsigned long long>(o_.slots),
                o_.realtime ? "realtime" : "fast", o_.proofs.c_str());
    if (o_.byzantine > 0) {
      std::printf("hostile: node0..node%d (%s)\n", o_.byzantine - 1,
                  BehaviourNames(o_.behaviours).c_str());
    }
  }
  const auto wall_start = Clock::now();
  const int restart_node = o_.nodes - 1;
  // One extra slot without duties lets the last votes and aggregates land everywhere.
  const uint64_t last_slot = o_.slots + 1;
  for (uint64_t slot = 1; slot <= last_slot; ++slot) {
    const bool duties = slot <= o_.slots;
    for (uint64_t i = 0; i < kIntervalsPerSlot; ++i) {
      const uint64_t interval = slot * kIntervalsPerSlot + i;
      const uint64_t t_ms = interval * kIntervalMs;
      if (o_.realtime) std::this_thread::sleep_until(wall_start + std::chrono::milliseconds(t_ms - kIntervalsPerSlot * kIntervalMs));
      DeliverUntil(t_ms);
      if (i == 0 && o_.restart_at && slot == *o_.restart_at) {
        served_[restart_node]->Set(nullptr);
        for (int j = 0; j < o_.nodes; ++j) {
          if (j != restart_node && nodes_[j]->running()) {
            nodes_[j]->PeerDisconnected(NodeName(restart_node));
          }
        }
        nodes_[restart_node]->Stop();
        if (o_.json) std::printf("{\"event\":\"stop\",\"slot\":%llu,\"node\":%d}\n", static_cast<unsigned long long>(slot), restart_node);
      }
      if (i == 0 && o_.restart_at && slot == *o_.restart_at + o_.restart_down) {
        std::string error;
        if (!nodes_[restart_node]->Start(genesis_, &error)) {
          std::fprintf(stderr, "restart: %s\n", error.c_str());
          return 2;
        }
        served_[restart_node]->Set(nodes_[restart_node]->node());
        ++restarts_;
        nodes_[restart_node]->Tick(interval);
        ConnectAll(restart_node);
        if (o_.json) {
          std::printf("{\"event\":\"restart\",\"slot\":%llu,\"node\":%d}\n", static_cast<unsigned long long>(slot), restart_node);
        } else if (!o_.quiet) {
          std::printf("node%d reopened from its data directory at head slot %llu; catching up\n", restart_node,
                      static_cast<unsigned long long>(nodes_[restart_node]->View().head.slot));
        }
      }
      net_.Heartbeat();
      TickAll(interval);
      if (duties && i == 0) Propose(slot);
      if (duties && i == 1) {
        Attest(slot);
        for (auto& a : actors_) {
          if (a != nullptr) a->Act(slot);
        }
      }
    }
    if (duties) {
      const std::vector<NodeView> views = Views();
      monitor_.Observe(slot, views);
      Report(slot, views);
    }
  }
  DeliverUntil((last_slot + 1) * kIntervalsPerSlot * kIntervalMs);
  return Verdict();
}

}  // namespace
}  // namespace devnet

int main(int argc, char** argv) {
  int exit_code = 0;
  std::optional<devnet::Options> options = devnet::ParseOptions(argc, argv, &exit_code);
  if (!options) return exit_code;
  devnet::Devnet net(std::move(*options));
  return net.Run();
}
