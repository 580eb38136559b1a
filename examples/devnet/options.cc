#include "options.h"

#include "byzantine.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>

namespace devnet {
namespace {

constexpr const char* kUsage = R"(beamcore-devnet: a lean devnet of libbeamcore nodes in one process

Usage: beamcore-devnet [options]
  --nodes N             nodes (default 4)
  --validators V        validators, spread over the nodes (default 8)
  --slots S             slots to run (default 64)
  --mode fast|realtime  simulated time as fast as the CPU allows (default), or 4 s slots
  --data-dir DIR        each node's SQLite data directory is DIR/node<i> (default ./devnet-data)
  --latency-ms X        one-way message latency (default 50)
  --jitter-ms X         uniform extra latency 0..X (default 20)
  --loss P              gossip loss probability 0..1 (default 0)
  --partition SPEC      e.g. "0,1|2,3@10-20": groups cannot talk in slots [10, 20) (repeatable)
  --mesh-degree D       gossip mesh peers per node (gossipsub D, default 8); every node
                        forwards a first-seen message to its mesh (relay)
  --mesh-low L          graft when a node has fewer mesh peers (default: 3/4 of D, 6 for 8)
  --mesh-high H         prune when a node has more (default: 3/2 of D, 12 for 8)
  --max-lag N           pass only if every node ends with its finalized slot within N
                        slots of its head (default 12), finality live after every fault
  --restart-at SLOT     stop the last node at SLOT, reopen it from its data directory
  --restart-down N      slots it stays down before reopening (default 2)
  --http / --no-http    serve the lean API and /metrics on 127.0.0.1:<base port + i>
                        (default: on in realtime mode, off in fast mode)
  --http-port P         base port (default 5052)
  --proofs mocked|host  aggregate proofs: the spec's placeholders, or the host crypto vtable
  --byzantine K         the first K nodes are hostile (their validators' share of votes
                        stays honest; their host misbehaves), see --behaviours
  --behaviours LIST     comma list of equivocate, badsig, badroot, future, replay, junk,
                        undecodable, oversized, wrongblocks, silent, or all (default)
  --junk-per-slot N     junk votes each hostile node sends per slot (default 500)
  --max-rss-mib X       fail if the process's peak RSS exceeds X MiB
  --seed N              randomness of keys and network (default 1)
  --json                machine-readable events (one JSON object per line)
  --quiet               no per-slot lines
  --log LEVEL           nodes' log lines to stderr: error, warn, info or debug
)";

bool ParseU64(const char* s, uint64_t* out) {
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(s, &end, 10);
  if (errno != 0 || end == s || *end != '\0') return false;
  *out = v;
  return true;
}

bool ParseDouble(const char* s, double* out) {
  char* end = nullptr;
  const double v = std::strtod(s, &end);
  if (end == s || *end != '\0') return false;
  *out = v;
  return true;
}

// "0,1|2,3@10-20"
bool ParsePartition(const std::string& spec, int nodes, Partition* out) {
  out->spec = spec;
  const size_t at = spec.find('@');
  const size_t dash = spec.find('-', at == std::string::npos ? 0 : at);
  if (at == std::string::npos || dash == std::string::npos) return false;
  if (!ParseU64(spec.substr(at + 1, dash - at - 1).c_str(), &out->from_slot) ||
      !ParseU64(spec.substr(dash + 1).c_str(), &out->to_slot) || out->to_slot <= out->from_slot) {
    return false;
  }
  std::stringstream groups(spec.substr(0, at));
  std::string group;
  while (std::getline(groups, group, '|')) {
    std::vector<int> members;
    std::stringstream ids(group);
    std::string id;
    while (std::getline(ids, id, ',')) {
      uint64_t v = 0;
      if (!ParseU64(id.c_str(), &v) || v >= static_cast<uint64_t>(nodes)) return false;
      members.push_back(static_cast<int>(v));
    }
    if (members.empty()) return false;
    out->groups.push_back(members);
  }
  return out->groups.size() >= 2;
}

}  // namespace

std::optional<Options> ParseOptions(int argc, char** argv, int* exit_code) {
  Options o;
  std::vector<std::string> partitions;
  std::optional<int> mesh_low, mesh_high;
  auto fail = [&](const std::string& why) -> std::optional<Options> {
    std::fprintf(stderr, "beamcore-devnet: %s\n(--help for usage)\n", why.c_str());
    *exit_code = 2;
    return std::nullopt;
  };
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    uint64_t u = 0;
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      *exit_code = 0;
      return std::nullopt;
    } else if (arg == "--nodes" || arg == "--validators" || arg == "--slots" || arg == "--mesh-degree" ||
               arg == "--mesh-low" || arg == "--mesh-high" || arg == "--max-lag" ||
               arg == "--restart-at" || arg == "--http-port" || arg == "--seed" || arg == "--byzantine" ||
               arg == "--junk-per-slot" || arg == "--restart-down") {
      const char* v = value();
      if (v == nullptr || !ParseU64(v, &u)) return fail(arg + " needs a number");
      if (arg == "--nodes") o.nodes = static_cast<int>(u);
      if (arg == "--validators") o.validators = static_cast<int>(u);
      if (arg == "--slots") o.slots = u;
      if (arg == "--mesh-degree") o.mesh_degree = static_cast<int>(std::min<uint64_t>(u, 1024));
      if (arg == "--mesh-low") mesh_low = static_cast<int>(std::min<uint64_t>(u, 1024));
      if (arg == "--mesh-high") mesh_high = static_cast<int>(std::min<uint64_t>(u, 1024));
      if (arg == "--restart-at") o.restart_at = u;
      if (arg == "--max-lag") o.max_finality_lag = u;
      if (arg == "--http-port") o.http_base_port = static_cast<int>(u);
      if (arg == "--seed") o.seed = u;
      if (arg == "--byzantine") o.byzantine = static_cast<int>(std::min<uint64_t>(u, 1024));
      if (arg == "--junk-per-slot") o.junk_per_slot = u;
      if (arg == "--restart-down") o.restart_down = u;
    } else if (arg == "--behaviours") {
      const char* v = value();
      if (v == nullptr || !ParseBehaviours(v, &o.behaviours)) {
        return fail("--behaviours is a comma list of equivocate, badsig, badroot, future, replay, junk, "
                    "undecodable, oversized, wrongblocks, silent, or all");
      }
    } else if (arg == "--latency-ms" || arg == "--jitter-ms" || arg == "--loss" || arg == "--max-rss-mib") {
      const char* v = value();
      double d = 0;
      if (v == nullptr || !ParseDouble(v, &d) || d < 0) return fail(arg + " needs a non-negative number");
      if (arg == "--latency-ms") o.latency_ms = d;
      if (arg == "--jitter-ms") o.jitter_ms = d;
      if (arg == "--max-rss-mib") o.max_rss_mib = d;
      if (arg == "--loss") {
        if (d > 1) return fail("--loss is a probability (0..1)");
        o.loss = d;
      }
    } else if (arg == "--mode") {
      const char* v = value();
      if (v == nullptr || (std::strcmp(v, "fast") != 0 && std::strcmp(v, "realtime") != 0)) {
        return fail("--mode is fast or realtime");
      }
      o.realtime = std::strcmp(v, "realtime") == 0;
    } else if (arg == "--proofs") {
      const char* v = value();
      if (v == nullptr || (std::strcmp(v, "mocked") != 0 && std::strcmp(v, "host") != 0)) {
        return fail("--proofs is mocked or host");
      }
      o.proofs = v;
    } else if (arg == "--log") {
      const char* v = value();
      const char* const levels[] = {"error", "warn", "info", "debug"};
      o.log_level = 0;
      for (int l = 0; l < 4 && v != nullptr; ++l) {
        if (std::strcmp(v, levels[l]) == 0) o.log_level = l + 1;
      }
      if (o.log_level == 0) return fail("--log is error, warn, info or debug");
    } else if (arg == "--data-dir") {
      const char* v = value();
      if (v == nullptr) return fail("--data-dir needs a directory");
      o.data_dir = v;
    } else if (arg == "--partition") {
      const char* v = value();
      if (v == nullptr) return fail("--partition needs a spec like 0,1|2,3@10-20");
      partitions.push_back(v);
    } else if (arg == "--http") {
      o.http = true;
    } else if (arg == "--no-http") {
      o.http = false;
    } else if (arg == "--json") {
      o.json = true;
    } else if (arg == "--quiet") {
      o.quiet = true;
    } else {
      return fail("unknown option " + arg);
    }
  }
  if (o.nodes < 1 || o.nodes > 64) return fail("--nodes must be 1..64");
  if (o.validators < 1 || o.validators > 4096) return fail("--validators must be 1..4096");
  if (o.slots < 1 || o.slots > 250) return fail("--slots must be 1..250 (TEST XMSS keys live 256 slots)");
  if (o.restart_at && (*o.restart_at < 1 || *o.restart_at >= o.slots)) return fail("--restart-at must be inside the run");
  if (o.restart_down < 1 || (o.restart_at && *o.restart_at + o.restart_down >= o.slots)) {
    return fail("--restart-down must be at least 1 and end inside the run");
  }
  if (o.byzantine < 0 || o.byzantine >= o.nodes) return fail("--byzantine must leave at least one honest node");
  if (o.behaviours != 0 && o.byzantine == 0) return fail("--behaviours needs --byzantine K");
  if (o.byzantine > 0 && o.behaviours == 0) o.behaviours = kAllBehaviours;
  o.mesh_low = mesh_low.value_or(std::max(1, o.mesh_degree * 3 / 4));
  o.mesh_high = mesh_high.value_or(o.mesh_degree * 3 / 2);
  if (o.mesh_degree < 1 || o.mesh_low < 1 || o.mesh_low > o.mesh_degree || o.mesh_high < o.mesh_degree) {
    return fail("the mesh needs 1 <= --mesh-low <= --mesh-degree <= --mesh-high");
  }
  for (const std::string& p : partitions) {
    Partition parsed;
    if (!ParsePartition(p, o.nodes, &parsed)) return fail("bad --partition " + p + " (e.g. 0,1|2,3@10-20)");
    o.partitions.push_back(parsed);
  }
  return o;
}

}  // namespace devnet
