// Lock tiers: the lock hierarchy of the chain (the per-resource locking design).
//
//   1 finalization    2 network maps, block cache    4 pending blocks
//   5a pubkey cache   5b root-to-slot                5c events   6 fork choice
//   7 states (a leaf: the Store, their only owner, takes it under fork choice)
//
// Locks held at the same time must have been taken in strictly increasing tier order,
// and the tier-5 siblings are never held together. With BEAM_LOCK_CHECKS (debug and
// sanitizer builds) every tiered lock records itself in a thread-local list and a
// violation aborts naming both locks; otherwise the checks compile to nothing.
//
// The rule is about simultaneous holds, not about the order of all acquisitions ever
// made by a thread: releasing tier 4 and then taking tier 2 is fine.

#ifndef BEAMCORE_LOCKING_LOCK_TIER_H_
#define BEAMCORE_LOCKING_LOCK_TIER_H_

#include <cstddef>
#include <cstdint>

namespace beam {

struct LockTier {
  uint8_t level;    // 1..7
  char sibling;     // 'a'/'b'/'c' for the tier-5 siblings, 0 otherwise
};

inline constexpr LockTier kFinalizationTier{1, 0};
inline constexpr LockTier kNetworkTier{2, 0};
inline constexpr LockTier kPendingBlocksTier{4, 0};
inline constexpr LockTier kPubkeyCacheTier{5, 'a'};
inline constexpr LockTier kRootToSlotTier{5, 'b'};
inline constexpr LockTier kEventsTier{5, 'c'};
inline constexpr LockTier kForkChoiceTier{6, 0};
inline constexpr LockTier kStatesTier{7, 0};

namespace lock_order {

#if defined(BEAM_LOCK_CHECKS) && BEAM_LOCK_CHECKS
inline constexpr bool kEnabled = true;
// Called before blocking on `lock`: aborts if a lock already held by this thread has
// a tier >= `tier`, or if both are tier 5.
void OnAcquire(const void* lock, const char* name, LockTier tier, bool shared = false);
// Called after a successful try-lock: recorded, but not checked (a try-lock cannot
// wait, so it cannot deadlock).
void OnTryAcquired(const void* lock, const char* name, LockTier tier, bool shared = false);
// Aborts (naming the lock) unless this thread holds `lock`: exclusively, or at least
// shared when `shared_is_enough`.
void AssertHeld(const void* lock, const char* name, bool shared_is_enough);
// Called after releasing `lock` (a reader release of a shared lock too).
void OnRelease(const void* lock);
// Number of tier-5 locks this thread holds (0 or 1).
int Tier5Depth();
// Number of tiered locks this thread holds.
int HeldCount();
#else
inline constexpr bool kEnabled = false;
inline void OnAcquire(const void*, const char*, LockTier, bool = false) {}
inline void OnTryAcquired(const void*, const char*, LockTier, bool = false) {}
inline void AssertHeld(const void*, const char*, bool) {}
inline void OnRelease(const void*) {}
inline int Tier5Depth() { return 0; }
inline int HeldCount() { return 0; }
#endif

}  // namespace lock_order
}  // namespace beam

#endif  // BEAMCORE_LOCKING_LOCK_TIER_H_
