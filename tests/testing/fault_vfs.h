// A SQLite VFS for storage fault tests: it forwards every call to SQLite's default VFS
// and fails the operations a test chooses, the way a failing disk shows up to SQLite
// (an I/O error on a write, an fsync or a read; SQLITE_FULL on a write, as with no
// space left). Open a ChainDb with ChainDbOptions::vfs = FaultVfs::kName.
//
// Faults are set per kind of operation: "after N more succeed, fail every one of
// them" (sticky, as a dead disk stays dead) until Clear(). Counters tell how many
// operations of each kind ran, so a test can aim at a chosen point of a transaction.
// Thread-safe: the counters and settings are atomics (the chain worker writes while
// the test thread arms faults).

#ifndef BEAMCORE_TESTS_TESTING_FAULT_VFS_H_
#define BEAMCORE_TESTS_TESTING_FAULT_VFS_H_

#include <sqlite3.h>

#include <atomic>
#include <cstring>

namespace beam::testing {

class FaultVfs {
 public:
  static constexpr const char* kName = "beam-fault";
  enum Op { kWrite = 0, kSync = 1, kRead = 2, kOpCount = 3 };

  // The one instance, registered with SQLite on first use (not as the default VFS).
  static FaultVfs& Get() {
    static FaultVfs* vfs = new FaultVfs();  // never destroyed: SQLite keeps a pointer
    return *vfs;
  }

  // From now on, `op` succeeds `after` more times and then fails with `code`
  // (SQLITE_IOERR_WRITE, SQLITE_FULL, SQLITE_IOERR_FSYNC, SQLITE_IOERR_READ...)
  // every time until Clear().
  void FailAfter(Op op, int after, int code) {
    code_[op].store(code);
    remaining_[op].store(after);
  }
  // No faults; counters keep counting.
  void Clear() {
    for (auto& r : remaining_) r.store(-1);
  }
  int count(Op op) const { return count_[op].load(); }
  int failures() const { return failures_.load(); }

 private:
  struct File {
    sqlite3_file base;   // pMethods = &methods_ (ours)
    sqlite3_file* real;  // the default VFS's file, allocated right after this struct
  };

  FaultVfs() {
    for (auto& r : remaining_) r.store(-1);
    real_ = sqlite3_vfs_find(nullptr);
    vfs_ = *real_;
    vfs_.zName = kName;
    vfs_.pNext = nullptr;
    vfs_.szOsFile = static_cast<int>(sizeof(File)) + real_->szOsFile;
    vfs_.pAppData = this;
    vfs_.xOpen = &Open;
    vfs_.xDelete = [](sqlite3_vfs*, const char* name, int sync_dir) {
      return Self().real_->xDelete(Self().real_, name, sync_dir);
    };
    vfs_.xAccess = [](sqlite3_vfs*, const char* name, int flags, int* out) {
      return Self().real_->xAccess(Self().real_, name, flags, out);
    };
    vfs_.xFullPathname = [](sqlite3_vfs*, const char* name, int n, char* out) {
      return Self().real_->xFullPathname(Self().real_, name, n, out);
    };
    vfs_.xDlOpen = [](sqlite3_vfs*, const char* name) { return Self().real_->xDlOpen(Self().real_, name); };
    vfs_.xDlError = [](sqlite3_vfs*, int n, char* out) { Self().real_->xDlError(Self().real_, n, out); };
    vfs_.xDlSym = [](sqlite3_vfs*, void* h, const char* sym) { return Self().real_->xDlSym(Self().real_, h, sym); };
    vfs_.xDlClose = [](sqlite3_vfs*, void* h) { Self().real_->xDlClose(Self().real_, h); };
    vfs_.xRandomness = [](sqlite3_vfs*, int n, char* out) { return Self().real_->xRandomness(Self().real_, n, out); };
    vfs_.xSleep = [](sqlite3_vfs*, int us) { return Self().real_->xSleep(Self().real_, us); };
    vfs_.xCurrentTime = [](sqlite3_vfs*, double* out) { return Self().real_->xCurrentTime(Self().real_, out); };
    vfs_.xGetLastError = [](sqlite3_vfs*, int n, char* out) { return Self().real_->xGetLastError(Self().real_, n, out); };
    if (real_->iVersion >= 2) {
      vfs_.xCurrentTimeInt64 = [](sqlite3_vfs*, sqlite3_int64* out) {
        return Self().real_->xCurrentTimeInt64(Self().real_, out);
      };
    }
    // The system-call overrides of version 3 are not forwarded (tests do not use them).
    if (vfs_.iVersion > 2) vfs_.iVersion = 2;

    methods_.xClose = [](sqlite3_file* f) {
      sqlite3_file* real = Real(f);
      const int rc = real->pMethods != nullptr ? real->pMethods->xClose(real) : SQLITE_OK;
      f->pMethods = nullptr;
      return rc;
    };
    methods_.xRead = [](sqlite3_file* f, void* out, int n, sqlite3_int64 offset) {
      if (int rc = Self().Check(kRead); rc != SQLITE_OK) return rc;
      return Real(f)->pMethods->xRead(Real(f), out, n, offset);
    };
    methods_.xWrite = [](sqlite3_file* f, const void* data, int n, sqlite3_int64 offset) {
      if (int rc = Self().Check(kWrite); rc != SQLITE_OK) return rc;
      return Real(f)->pMethods->xWrite(Real(f), data, n, offset);
    };
    methods_.xTruncate = [](sqlite3_file* f, sqlite3_int64 size) {
      if (int rc = Self().Check(kWrite); rc != SQLITE_OK) return rc;
      return Real(f)->pMethods->xTruncate(Real(f), size);
    };
    methods_.xSync = [](sqlite3_file* f, int flags) {
      if (int rc = Self().Check(kSync); rc != SQLITE_OK) return rc;
      return Real(f)->pMethods->xSync(Real(f), flags);
    };
    methods_.xFileSize = [](sqlite3_file* f, sqlite3_int64* out) { return Real(f)->pMethods->xFileSize(Real(f), out); };
    methods_.xLock = [](sqlite3_file* f, int level) { return Real(f)->pMethods->xLock(Real(f), level); };
    methods_.xUnlock = [](sqlite3_file* f, int level) { return Real(f)->pMethods->xUnlock(Real(f), level); };
    methods_.xCheckReservedLock = [](sqlite3_file* f, int* out) {
      return Real(f)->pMethods->xCheckReservedLock(Real(f), out);
    };
    methods_.xFileControl = [](sqlite3_file* f, int op, void* arg) {
      return Real(f)->pMethods->xFileControl(Real(f), op, arg);
    };
    methods_.xSectorSize = [](sqlite3_file* f) { return Real(f)->pMethods->xSectorSize(Real(f)); };
    methods_.xDeviceCharacteristics = [](sqlite3_file* f) {
      return Real(f)->pMethods->xDeviceCharacteristics(Real(f));
    };
    methods_.xShmMap = [](sqlite3_file* f, int region, int size, int extend, void volatile** out) {
      return Real(f)->pMethods->xShmMap(Real(f), region, size, extend, out);
    };
    methods_.xShmLock = [](sqlite3_file* f, int offset, int n, int flags) {
      return Real(f)->pMethods->xShmLock(Real(f), offset, n, flags);
    };
    methods_.xShmBarrier = [](sqlite3_file* f) { Real(f)->pMethods->xShmBarrier(Real(f)); };
    methods_.xShmUnmap = [](sqlite3_file* f, int delete_flag) {
      return Real(f)->pMethods->xShmUnmap(Real(f), delete_flag);
    };
    // Version 2 (shared memory for WAL); no memory-mapped I/O (xFetch), so every page
    // read goes through xRead where it can fail.
    methods_.iVersion = 2;
    sqlite3_vfs_register(&vfs_, /*makeDflt=*/0);
  }

  static FaultVfs& Self() { return Get(); }
  static sqlite3_file* Real(sqlite3_file* f) { return reinterpret_cast<File*>(f)->real; }

  static int Open(sqlite3_vfs*, const char* name, sqlite3_file* out, int flags, int* out_flags) {
    FaultVfs& self = Self();
    File* file = reinterpret_cast<File*>(out);
    file->real = reinterpret_cast<sqlite3_file*>(file + 1);
    std::memset(file->real, 0, static_cast<size_t>(self.real_->szOsFile));
    out->pMethods = nullptr;
    const int rc = self.real_->xOpen(self.real_, name, file->real, flags, out_flags);
    // SQLite calls xClose when pMethods is set, even after a failed open.
    if (file->real->pMethods != nullptr) out->pMethods = &self.methods_;
    return rc;
  }

  // SQLITE_OK, or the armed fault's code when this operation is to fail.
  int Check(Op op) {
    count_[op].fetch_add(1);
    int remaining = remaining_[op].load();
    while (remaining > 0 && !remaining_[op].compare_exchange_weak(remaining, remaining - 1)) {
    }
    if (remaining != 0) return SQLITE_OK;
    failures_.fetch_add(1);
    return code_[op].load();
  }

  sqlite3_vfs* real_ = nullptr;
  sqlite3_vfs vfs_{};
  sqlite3_io_methods methods_{};
  std::atomic<int> remaining_[kOpCount];  // -1: no fault; 0: failing; n: n more succeed
  std::atomic<int> code_[kOpCount] = {};
  std::atomic<int> count_[kOpCount] = {};
  std::atomic<int> failures_{0};
};

}  // namespace beam::testing

#endif  // BEAMCORE_TESTS_TESTING_FAULT_VFS_H_
