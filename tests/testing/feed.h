// Feeding a ProducedChain into a BeamChain slot by slot, the way a live node sees it:
// the slot's start, its block(s), the votes at interval 1, the end of the slot.

#ifndef BEAMCORE_TESTS_TESTING_FEED_H_
#define BEAMCORE_TESTS_TESTING_FEED_H_

#include <functional>

#include "chain/beam_chain.h"
#include "tests/testing/chain_fixture.h"

namespace beam::testing {

// Feeds slots [first, last] of `input` into an inline chain; calls `after_slot(slot)`
// (if set) once each slot is done.
inline void FeedSlots(chain::BeamChain& chain, const ProducedChain& input, uint64_t first, uint64_t last,
                      const std::function<void(uint64_t)>& after_slot = {}) {
  for (uint64_t slot = first; slot <= last; ++slot) {
    (void)chain.OnTick(slot * 5);
    for (const auto& b : input.blocks) {
      if (b.block.slot == slot) (void)chain.OnBlock(b);
    }
    (void)chain.OnTick(slot * 5 + 1);
    for (const auto& a : input.aggregates) {
      if (a.data.slot == slot) (void)chain.OnGossipAggregate(a);
    }
    (void)chain.OnTick(slot * 5 + 4);
    if (after_slot) after_slot(slot);
  }
}

}  // namespace beam::testing

#endif  // BEAMCORE_TESTS_TESTING_FEED_H_
