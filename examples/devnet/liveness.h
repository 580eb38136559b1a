// LivenessMonitor: the devnet's pass criterion. Fed every node's head and finalized
// checkpoint after each slot, it says whether finality stayed live:
//   - safety: no two nodes ever finalized different blocks at one slot;
//   - every fault window (a partition, a node down) is followed by new finalization:
//     once the fault heals, every running node must finalize past the highest
//     finalized slot any node had at the heal (the slots this took are reported);
//   - at the end, on every running node, the finalized slot is at most `max_lag`
//     slots behind the head, and past genesis.
//
// Pure logic over what it is fed (no libbeamcore calls), so it is unit-tested alone.
// Thread-compatible.

#ifndef BEAMCORE_EXAMPLES_DEVNET_LIVENESS_H_
#define BEAMCORE_EXAMPLES_DEVNET_LIVENESS_H_

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace devnet {

struct NodeView {
  bool running = false;
  uint64_t head_slot = 0;
  uint64_t finalized_slot = 0;
  std::array<uint8_t, 32> finalized_root{};
};

// A window of slots [from_slot, heal_slot) in which the network was faulty.
struct Fault {
  std::string name;
  uint64_t from_slot = 0;
  uint64_t heal_slot = 0;
};

struct FaultOutcome {
  Fault fault;
  bool healed = false;                  // the run reached heal_slot
  uint64_t finalized_at_heal = 0;       // highest finalized slot of any node at the heal
  std::optional<uint64_t> resumed_at;   // first slot every running node finalized past it
  std::optional<uint64_t> slots_to_recover() const {
    return resumed_at ? std::optional<uint64_t>(*resumed_at - fault.heal_slot) : std::nullopt;
  }
};

struct LivenessVerdict {
  bool ok = true;
  std::string reason;  // the first failure, empty when ok
  std::vector<FaultOutcome> faults;
  uint64_t max_lag_seen = 0;  // max over slots and running nodes of head - finalized
};

class LivenessMonitor {
 public:
  // Justification of the default lag: in fair weather a block at slot s justifies s-2
  // and finalizes s-3 (3SF-mini with every vote in the next block); 12 leaves room
  // for three missed proposals in a row and one justification round lost to
  // reordering, yet flags a finality stall within a minute of wall-clock time.
  static constexpr uint64_t kDefaultMaxLag = 12;

  LivenessMonitor(std::vector<Fault> faults, uint64_t max_lag = kDefaultMaxLag);

  // After slot `slot`'s duties: one view per node (index = node).
  void Observe(uint64_t slot, const std::vector<NodeView>& views);
  LivenessVerdict Finish() const;

 private:
  std::vector<FaultOutcome> faults_;
  const uint64_t max_lag_;
  uint64_t max_lag_seen_ = 0;
  uint64_t last_slot_ = 0;
  std::vector<NodeView> last_views_;
  std::map<uint64_t, std::array<uint8_t, 32>> finalized_roots_;  // slot -> the first root seen finalized
  std::string safety_violation_;
};

}  // namespace devnet

#endif  // BEAMCORE_EXAMPLES_DEVNET_LIVENESS_H_
