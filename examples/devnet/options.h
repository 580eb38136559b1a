// beamcore-devnet's command line.

#ifndef BEAMCORE_EXAMPLES_DEVNET_OPTIONS_H_
#define BEAMCORE_EXAMPLES_DEVNET_OPTIONS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace devnet {

// Messages between two groups of nodes are dropped during [from_slot, to_slot).
struct Partition {
  std::string spec;  // as given, e.g. "0,1|2,3@10-20"
  std::vector<std::vector<int>> groups;
  uint64_t from_slot = 0;
  uint64_t to_slot = 0;
};

struct Options {
  int nodes = 4;
  int validators = 8;
  uint64_t slots = 64;
  bool realtime = false;  // --mode realtime: 4-second slots on the wall clock
  std::string data_dir = "./devnet-data";
  double latency_ms = 50;
  double jitter_ms = 20;
  double loss = 0;  // gossip loss probability
  std::vector<Partition> partitions;
  // Gossip mesh (gossipsub D, D_low, D_high): each node keeps mesh_degree peers,
  // grafting below mesh_low and pruning above mesh_high.
  int mesh_degree = 8;
  int mesh_low = 6;
  int mesh_high = 12;
  std::optional<uint64_t> restart_at;  // slot at which the last node is stopped and reopened
  uint64_t restart_down = 2;           // slots it stays down
  // Pass criterion: at the end every node's finalized slot is within this many slots
  // of its head (LivenessMonitor::kDefaultMaxLag explains the default).
  uint64_t max_finality_lag = 12;
  bool json = false;
  std::optional<bool> http;  // default: on in realtime mode, off in fast mode
  int http_base_port = 5052;
  std::string proofs = "mocked";  // mocked | host
  uint64_t seed = 1;
  // Hostile nodes (byzantine.h): the first `byzantine` nodes, with these behaviours.
  int byzantine = 0;
  uint32_t behaviours = 0;      // a Behaviour mask; all when --byzantine is given alone
  uint64_t junk_per_slot = 500;  // junk votes per hostile node and slot
  // Pass only if the process's peak RSS stays at or below this (0: no bound).
  double max_rss_mib = 0;
  bool quiet = false;  // no per-slot lines (summary only)
  int log_level = 0;   // nodes' log lines to stderr: 0 none, 1 error .. 4 debug
};

// Parses argv; on error or --help prints to stderr / stdout and returns nullopt with
// *exit_code set.
std::optional<Options> ParseOptions(int argc, char** argv, int* exit_code);

}  // namespace devnet

#endif  // BEAMCORE_EXAMPLES_DEVNET_OPTIONS_H_
