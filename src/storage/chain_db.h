// ChainDb: a node's blocks, its restart anchor (a finalized block and its state),
// finalized-slot index and metadata in one SQLite file (<data_dir>/chain.sqlite, WAL
// journal).
//
// Crash safety: every write is one SQLite transaction (a block; a finalization's index
// rows, metadata, pruning and, when the anchor moves, its state together), so a process
// killed at any point leaves the file at the last committed transaction. Blocks are
// written before the chain imports them, so everything fork choice ever finalized can
// be rebuilt by replaying the stored blocks from the stored anchor state.
//
// A data directory is used by one process at a time: Open() takes an exclusive
// flock() on <data_dir>/LOCK (held until the ChainDb is destroyed) and refuses a
// directory another process (or another ChainDb in this one) holds.
//
// Thread-safe: one connection behind a leaf mutex (no method calls out while holding it).

#ifndef BEAMCORE_STORAGE_CHAIN_DB_H_
#define BEAMCORE_STORAGE_CHAIN_DB_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "consensus/types/checkpoint.h"
#include "ssz/bytes.h"
#include "base/mutex.h"

struct sqlite3;

namespace beam::storage {

// A block as stored: its root, slot, parent and SignedBlock SSZ.
struct StoredBlock {
  ssz::Root root;
  uint64_t slot = 0;
  ssz::Root parent_root;
  ssz::ByteVec ssz;
};

// Where a restart begins: the anchor (a finalized checkpoint, the latest or one a few
// dozen slots older), its post-state and its block
// (the inner Block SSZ; for an anchor that was never a received block, the block
// rebuilt from the state's header).
struct StoredAnchor {
  consensus::Checkpoint finalized;
  ssz::ByteVec state_ssz;
  ssz::ByteVec block_ssz;  // Block (not SignedBlock)
};

// What a committed write survives. Either way a killed process loses nothing it
// committed and the file stays consistent (WAL); the modes differ on power loss or an
// OS crash.
enum class SyncMode {
  // synchronous=NORMAL: commits are synced at WAL checkpoints, not one by one, so a
  // power loss may roll back the latest commits (the node then restarts at an older
  // head or finalized checkpoint and syncs the rest from peers). No fsync per block.
  kNormal,
  // synchronous=FULL: each commit is synced to the WAL before it returns; what was
  // committed survives a power loss. One fsync per stored block.
  kFull,
};

struct ChainDbOptions {
  SyncMode sync = SyncMode::kNormal;
  // The SQLite VFS to open the file with, by its registered name (empty: SQLite's
  // default). Tests register a fault-injecting one.
  std::string vfs;
};

class ChainDb {
 public:
  // Opens (creating if needed) the database in `data_dir` (created if missing).
  // FailedPrecondition when another process holds the directory.
  static absl::StatusOr<std::unique_ptr<ChainDb>> Open(const std::string& data_dir,
                                                       const ChainDbOptions& options = {});
  ~ChainDb();
  ChainDb(const ChainDb&) = delete;
  ChainDb& operator=(const ChainDb&) = delete;

  // First use of an empty database: records the anchor (as finalized) and the root
  // of the state the node was configured with, which every later open must match.
  absl::Status Initialize(const ssz::Root& configured_anchor_state_root, const consensus::Checkpoint& anchor,
                          ssz::ByteView anchor_state_ssz, ssz::ByteView anchor_block_ssz) ABSL_LOCKS_EXCLUDED(mu_);
  // The configured anchor-state root recorded by Initialize (nullopt: empty database).
  absl::StatusOr<std::optional<ssz::Root>> ConfiguredAnchorStateRoot() const ABSL_LOCKS_EXCLUDED(mu_);
  absl::StatusOr<StoredAnchor> LoadAnchor() const ABSL_LOCKS_EXCLUDED(mu_);

  // One transaction: the block and (if not empty) its post-state. Re-putting is a no-op.
  // The chain stores blocks only; a state stored here goes when the anchor next moves.
  absl::Status PutBlock(const StoredBlock& block, ssz::ByteView post_state_ssz) ABSL_LOCKS_EXCLUDED(mu_);
  std::optional<ssz::ByteVec> GetBlock(const ssz::Root& root) const ABSL_LOCKS_EXCLUDED(mu_);
  // Stored blocks with slot > `slot`, in (slot, root) order.
  absl::StatusOr<std::vector<StoredBlock>> BlocksAfterSlot(uint64_t slot) const ABSL_LOCKS_EXCLUDED(mu_);

  // One transaction: records `finalized` as the latest finalized checkpoint, adds
  // `finalized_chain` (slot, root) to the finalized index and, when `live_roots` is
  // given, drops blocks that are neither live nor finalized (dead forks). With
  // `anchor` (the finalized block's inner Block SSZ and post-state SSZ), `finalized`
  // also becomes the restart anchor: its state is written and every other stored
  // state dropped. Without it the anchor stays where it was: a restart replays the
  // finalized blocks above it (the chain moves the anchor every few dozen slots, so a
  // state is not written per finalization).
  struct AnchorSsz {
    ssz::ByteView block;
    ssz::ByteView state;
  };
  absl::Status Finalize(const consensus::Checkpoint& finalized, std::optional<AnchorSsz> anchor,
                        absl::Span<const std::pair<uint64_t, ssz::Root>> finalized_chain,
                        std::optional<absl::Span<const ssz::Root>> live_roots) ABSL_LOCKS_EXCLUDED(mu_);
  // Finalized-index entries with slot in [start, end), ascending.
  std::vector<std::pair<uint64_t, ssz::Root>> FinalizedRange(uint64_t start, uint64_t end) const
      ABSL_LOCKS_EXCLUDED(mu_);

  // The fork-choice votes (SignedAggregatedAttestation SSZ, in pool order) saved at a
  // clean shutdown, so a restart finds the same head. One transaction; replaces.
  absl::Status SaveVotes(absl::Span<const ssz::ByteVec> votes) ABSL_LOCKS_EXCLUDED(mu_);
  absl::StatusOr<std::vector<ssz::ByteVec>> LoadVotes() const ABSL_LOCKS_EXCLUDED(mu_);

  // For tests and metrics.
  size_t BlockCount() const ABSL_LOCKS_EXCLUDED(mu_);
  size_t StateCount() const ABSL_LOCKS_EXCLUDED(mu_);
  bool HasState(const ssz::Root& root) const ABSL_LOCKS_EXCLUDED(mu_);
  // SQLite's PRAGMA integrity_check: OK, or DataLoss with its report.
  absl::Status CheckIntegrity() const ABSL_LOCKS_EXCLUDED(mu_);
  // Tests: caps the database at its current size, so that the next write that needs a
  // new page fails (SQLITE_FULL), as on a full disk.
  absl::Status FreezeSizeForTesting() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  ChainDb(int lock_fd, sqlite3* db) : lock_fd_(lock_fd), db_(db) {}

  const int lock_fd_;
  mutable Mutex mu_;
  sqlite3* const db_ ABSL_PT_GUARDED_BY(mu_);
};

}  // namespace beam::storage

#endif  // BEAMCORE_STORAGE_CHAIN_DB_H_
