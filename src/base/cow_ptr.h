// CowPtr<T>: a reference-counted pointer to copy-on-write storage.
//
// Copies share one T. Mutable() hands out a writable T, cloning it first when another
// CowPtr still shares it. Unlike shared_ptr::use_count() (a relaxed load), the
// uniqueness check here is an acquire load paired with the release of every dropped
// reference, so a thread that finds itself the sole owner also sees every read the
// previous owners made: writing in place cannot race with them.
//
// Thread safety: distinct CowPtr objects may be used from different threads even when
// they share storage; one CowPtr object is thread-compatible.

#ifndef BEAMCORE_BASE_COW_PTR_H_
#define BEAMCORE_BASE_COW_PTR_H_

#include <atomic>
#include <utility>

namespace beam {

template <class T>
class CowPtr {
 public:
  CowPtr() = default;
  template <class... Args>
  static CowPtr Make(Args&&... args) {
    CowPtr p;
    p.node_ = new Node(std::forward<Args>(args)...);
    return p;
  }

  CowPtr(const CowPtr& other) : node_(other.node_) {
    if (node_ != nullptr) node_->refs.fetch_add(1, std::memory_order_relaxed);
  }
  CowPtr(CowPtr&& other) noexcept : node_(std::exchange(other.node_, nullptr)) {}
  CowPtr& operator=(CowPtr other) noexcept {
    std::swap(node_, other.node_);
    return *this;
  }
  ~CowPtr() { Release(); }

  explicit operator bool() const { return node_ != nullptr; }
  const T& operator*() const { return node_->value; }
  const T* operator->() const { return &node_->value; }
  const T* get() const { return node_ == nullptr ? nullptr : &node_->value; }

  // The storage, made unique first (cloned when shared). Requires a non-null pointer.
  T& Mutable() {
    if (node_->refs.load(std::memory_order_acquire) != 1) *this = Make(node_->value);
    return node_->value;
  }

 private:
  struct Node {
    template <class... Args>
    explicit Node(Args&&... args) : value(std::forward<Args>(args)...) {}
    std::atomic<int> refs{1};
    T value;
  };

  void Release() {
    if (node_ != nullptr && node_->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete node_;
    node_ = nullptr;
  }

  Node* node_ = nullptr;
};

}  // namespace beam

#endif  // BEAMCORE_BASE_COW_PTR_H_
