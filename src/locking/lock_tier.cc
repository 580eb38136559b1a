#include "locking/lock_tier.h"

#if defined(BEAM_LOCK_CHECKS) && BEAM_LOCK_CHECKS

#include <cstdio>
#include <cstdlib>

namespace beam::lock_order {
namespace {

struct Held {
  const void* lock;
  const char* name;
  LockTier tier;
  bool shared;
};

constexpr int kMaxHeld = 32;
thread_local Held held[kMaxHeld];
thread_local int held_count = 0;

[[noreturn]] void Violation(const char* what, const Held& holding, const char* name, LockTier tier) {
  std::fprintf(stderr,
               "beamcore: lock order violation: %s: taking \"%s\" (tier %d%c) while holding \"%s\" (tier %d%c)\n",
               what, name, tier.level, tier.sibling ? tier.sibling : ' ', holding.name, holding.tier.level,
               holding.tier.sibling ? holding.tier.sibling : ' ');
  std::abort();
}

}  // namespace

void OnAcquire(const void* lock, const char* name, LockTier tier, bool shared) {
  for (int i = 0; i < held_count; ++i) {
    const Held& h = held[i];
    if (h.tier.level == 5 && tier.level == 5) Violation("tier-5 siblings are never held together", h, name, tier);
    if (h.tier.level >= tier.level) Violation("tiers must increase", h, name, tier);
  }
  if (held_count == kMaxHeld) {
    std::fprintf(stderr, "beamcore: more than %d tiered locks held by one thread\n", kMaxHeld);
    std::abort();
  }
  held[held_count++] = Held{lock, name, tier, shared};
}

void OnTryAcquired(const void* lock, const char* name, LockTier tier, bool shared) {
  if (held_count == kMaxHeld) {
    std::fprintf(stderr, "beamcore: more than %d tiered locks held by one thread\n", kMaxHeld);
    std::abort();
  }
  held[held_count++] = Held{lock, name, tier, shared};
}

void AssertHeld(const void* lock, const char* name, bool shared_is_enough) {
  for (int i = 0; i < held_count; ++i) {
    if (held[i].lock == lock && (shared_is_enough || !held[i].shared)) return;
  }
  std::fprintf(stderr, "beamcore: lock \"%s\" is not held %sby this thread where it must be\n", name,
               shared_is_enough ? "" : "exclusively ");
  std::abort();
}

void OnRelease(const void* lock) {
  // Usually the last one; locks may be released out of order.
  for (int i = held_count - 1; i >= 0; --i) {
    if (held[i].lock == lock) {
      for (int j = i; j + 1 < held_count; ++j) held[j] = held[j + 1];
      --held_count;
      return;
    }
  }
  std::fprintf(stderr, "beamcore: releasing a tiered lock this thread does not hold\n");
  std::abort();
}

int Tier5Depth() {
  int n = 0;
  for (int i = 0; i < held_count; ++i) n += held[i].tier.level == 5 ? 1 : 0;
  return n;
}

int HeldCount() { return held_count; }

}  // namespace beam::lock_order

#endif
