#include "forkchoice/state_table.h"

#include <utility>

namespace beam::forkchoice {
namespace {

BEAM_LOCK_SITE(kSiteGet, "states.get");
BEAM_LOCK_SITE(kSiteInsert, "states.insert");
BEAM_LOCK_SITE(kSitePrune, "states.prune");
BEAM_LOCK_SITE(kSiteBorrow, "states.borrow");

}  // namespace

StateTable::RcState StateTable::Get(const Root& root) const {
  TieredReaderLock lock(&mu_, kSiteGet);
  auto it = states_.find(root);
  return it == states_.end() ? nullptr : it->second;
}

bool StateTable::Contains(const Root& root) const {
  TieredReaderLock lock(&mu_, kSiteGet);
  return states_.contains(root);
}

void StateTable::InsertKeepExisting(const Root& root, RcState state) {
  TieredWriterLock lock(&mu_, kSiteInsert);
  states_.try_emplace(root, std::move(state));
}

std::vector<StateTable::Root> StateTable::EraseIf(const std::function<bool(const Root&)>& drop) {
  std::vector<Root> dropped;
  std::vector<RcState> freed;  // the last references go after the unlock
  {
    TieredWriterLock lock(&mu_, kSitePrune);
    for (auto it = states_.begin(); it != states_.end();) {
      if (drop(it->first)) {
        dropped.push_back(it->first);
        freed.push_back(std::move(it->second));
        states_.erase(it++);
      } else {
        ++it;
      }
    }
  }
  return dropped;
}

size_t StateTable::size() const {
  TieredReaderLock lock(&mu_, kSiteGet);
  return states_.size();
}

StateTable::RcState StateTable::LockSharedAndFind(const Root& root, LockTimer* timer) const {
  *timer = LockTimer(mu_.stats(), &kSiteBorrow);
  mu_.ReaderLock();
  timer->Acquired();
  auto it = states_.find(root);
  if (it == states_.end()) {
    mu_.ReaderUnlock();
    timer->Released();
    return nullptr;
  }
  return it->second;
}

}  // namespace beam::forkchoice
