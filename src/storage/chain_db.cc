#include "storage/chain_db.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "ssz/codec.h"
#include "ssz/container.h"

namespace beam::storage {
namespace {

constexpr int kSchemaVersion = 1;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS blocks (
  root BLOB PRIMARY KEY,
  slot INTEGER NOT NULL,
  parent_root BLOB NOT NULL,
  ssz BLOB NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS blocks_by_slot ON blocks (slot);
CREATE TABLE IF NOT EXISTS states (
  root BLOB PRIMARY KEY,
  ssz BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS finalized (
  slot INTEGER PRIMARY KEY,
  root BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS votes (
  seq INTEGER PRIMARY KEY,
  ssz BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value BLOB NOT NULL
) WITHOUT ROWID;
)sql";

absl::Status SqlError(sqlite3* db, absl::string_view what) {
  return absl::InternalError(absl::StrCat("storage: ", what, ": ", sqlite3_errmsg(db)));
}

// A prepared statement, finalized on scope exit.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) { rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  bool ok() const { return rc_ == SQLITE_OK; }
  Statement& Bind(int i, ssz::ByteView bytes) {
    // SQLITE_TRANSIENT: SQLite copies; a zero-length blob is still a blob (not NULL).
    sqlite3_bind_blob(stmt_, i, bytes.empty() ? "" : static_cast<const void*>(bytes.data()),
                      static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& Bind(int i, uint64_t v) {
    sqlite3_bind_int64(stmt_, i, static_cast<sqlite3_int64>(v));
    return *this;
  }
  Statement& Bind(int i, const char* text) {
    sqlite3_bind_text(stmt_, i, text, -1, SQLITE_TRANSIENT);
    return *this;
  }
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int Step() { return sqlite3_step(stmt_); }
  ssz::ByteVec Blob(int col) const {
    const auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(stmt_, col));
    return ssz::ByteVec(p, p + sqlite3_column_bytes(stmt_, col));
  }
  ssz::Root RootAt(int col) const {
    ssz::Root r{};
    if (sqlite3_column_bytes(stmt_, col) == 32) std::memcpy(r.data(), sqlite3_column_blob(stmt_, col), 32);
    return r;
  }
  uint64_t U64(int col) const { return static_cast<uint64_t>(sqlite3_column_int64(stmt_, col)); }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  int rc_;
};

absl::Status Exec(sqlite3* db, const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    absl::Status s = absl::InternalError(absl::StrCat("storage: ", message != nullptr ? message : "error", " (", sql, ")"));
    sqlite3_free(message);
    return s;
  }
  return absl::OkStatus();
}

// Runs `body` inside BEGIN IMMEDIATE ... COMMIT; rolls back if it fails.
template <class Fn>
absl::Status InTransaction(sqlite3* db, Fn body) {
  if (absl::Status s = Exec(db, "BEGIN IMMEDIATE"); !s.ok()) return s;
  absl::Status s = body();
  if (s.ok()) s = Exec(db, "COMMIT");
  if (!s.ok()) (void)Exec(db, "ROLLBACK");
  return s;
}

absl::Status StepDone(Statement& st, sqlite3* db, absl::string_view what) {
  if (!st.ok()) return SqlError(db, what);
  const int rc = st.Step();
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) return SqlError(db, what);
  return absl::OkStatus();
}

absl::Status PutMeta(sqlite3* db, const char* key, ssz::ByteView value) {
  Statement st(db, "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)");
  st.Bind(1, key).Bind(2, value);
  return StepDone(st, db, "meta write");
}

absl::StatusOr<std::optional<ssz::ByteVec>> GetMeta(sqlite3* db, const char* key) {
  Statement st(db, "SELECT value FROM meta WHERE key = ?1");
  if (!st.ok()) return SqlError(db, "meta read");
  st.Bind(1, key);
  const int rc = st.Step();
  if (rc == SQLITE_DONE) return std::optional<ssz::ByteVec>();
  if (rc != SQLITE_ROW) return SqlError(db, "meta read");
  return std::optional<ssz::ByteVec>(st.Blob(0));
}

// Checkpoints are stored as their SSZ encoding (root, slot little-endian).
std::optional<consensus::Checkpoint> CheckpointFrom(const ssz::ByteVec& b) {
  absl::StatusOr<consensus::Checkpoint> c = ssz::Decode<consensus::Checkpoint>(ssz::ByteView(b.data(), b.size()));
  if (!c.ok()) return std::nullopt;
  return *c;
}

}  // namespace

absl::StatusOr<std::unique_ptr<ChainDb>> ChainDb::Open(const std::string& data_dir, const ChainDbOptions& options) {
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) return absl::InvalidArgumentError(absl::StrCat("storage: cannot create ", data_dir, ": ", ec.message()));
  const std::string lock_path = data_dir + "/LOCK";
  const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return absl::InvalidArgumentError(absl::StrCat("storage: cannot open ", lock_path, ": ", std::strerror(errno)));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) {
      return absl::FailedPreconditionError(
          absl::StrCat("storage: the data directory ", data_dir, " is in use by another process (", lock_path, " is locked)"));
    }
    return absl::InternalError(absl::StrCat("storage: cannot lock ", lock_path, ": ", std::strerror(err)));
  }
  sqlite3* db = nullptr;
  const std::string path = data_dir + "/chain.sqlite";
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      options.vfs.empty() ? nullptr : options.vfs.c_str()) != SQLITE_OK) {
    absl::Status s = absl::InternalError(absl::StrCat("storage: cannot open ", path, ": ",
                                                      db != nullptr ? sqlite3_errmsg(db) : "out of memory"));
    sqlite3_close(db);
    ::close(fd);
    return s;
  }
  std::unique_ptr<ChainDb> chain_db(new ChainDb(fd, db));
  // WAL: a killed writer leaves the last committed transaction; see SyncMode for
  // what a power loss leaves.
  const char* sync = options.sync == SyncMode::kFull ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL";
  // temp_store=MEMORY: the finalization's live set is a temp table, rebuilt at every
  // finalization; on disk that was a temp file written per block.
  for (const char* pragma : {"PRAGMA journal_mode=WAL", sync, "PRAGMA foreign_keys=OFF", "PRAGMA temp_store=MEMORY"}) {
    if (absl::Status s = Exec(db, pragma); !s.ok()) return s;
  }
  sqlite3_busy_timeout(db, 5000);
  if (absl::Status s = Exec(db, kSchema); !s.ok()) return s;
  {
    Statement st(db, "PRAGMA user_version");
    if (!st.ok() || st.Step() != SQLITE_ROW) return SqlError(db, "schema version");
    const uint64_t version = st.U64(0);
    if (version != 0 && version != kSchemaVersion) {
      return absl::FailedPreconditionError(
          absl::StrCat("storage: ", path, " has schema version ", version, "; this build reads ", kSchemaVersion));
    }
  }
  if (absl::Status s = Exec(db, absl::StrCat("PRAGMA user_version=", kSchemaVersion).c_str()); !s.ok()) return s;
  return chain_db;
}

ChainDb::~ChainDb() {
  sqlite3_close(db_);
  ::close(lock_fd_);  // releases the flock
}

absl::Status ChainDb::Initialize(const ssz::Root& configured_anchor_state_root, const consensus::Checkpoint& anchor,
                                 ssz::ByteView anchor_state_ssz, ssz::ByteView anchor_block_ssz) {
  MutexLock lock(&mu_);
  return InTransaction(db_, [&]() -> absl::Status {
    if (absl::Status s = PutMeta(db_, "configured_anchor_state_root",
                                 ssz::ByteView(configured_anchor_state_root.data(), 32));
        !s.ok()) {
      return s;
    }
    const ssz::ByteVec cp = ssz::Encode(anchor);
    if (absl::Status s = PutMeta(db_, "finalized", cp); !s.ok()) return s;
    if (absl::Status s = PutMeta(db_, "finalized_block", anchor_block_ssz); !s.ok()) return s;
    Statement st(db_, "INSERT OR REPLACE INTO states (root, ssz) VALUES (?1, ?2)");
    st.Bind(1, ssz::ByteView(anchor.root.data(), 32)).Bind(2, anchor_state_ssz);
    if (absl::Status s = StepDone(st, db_, "anchor state write"); !s.ok()) return s;
    Statement fin(db_, "INSERT OR REPLACE INTO finalized (slot, root) VALUES (?1, ?2)");
    fin.Bind(1, anchor.slot).Bind(2, ssz::ByteView(anchor.root.data(), 32));
    return StepDone(fin, db_, "finalized index write");
  });
}

absl::StatusOr<std::optional<ssz::Root>> ChainDb::ConfiguredAnchorStateRoot() const {
  MutexLock lock(&mu_);
  absl::StatusOr<std::optional<ssz::ByteVec>> v = GetMeta(db_, "configured_anchor_state_root");
  if (!v.ok()) return v.status();
  if (!v->has_value()) return std::optional<ssz::Root>();
  if ((*v)->size() != 32) return absl::DataLossError("storage: corrupt configured_anchor_state_root");
  return std::optional<ssz::Root>(ssz::Root::FromSpan(ssz::ByteView((*v)->data(), 32)));
}

absl::StatusOr<StoredAnchor> ChainDb::LoadAnchor() const {
  MutexLock lock(&mu_);
  absl::StatusOr<std::optional<ssz::ByteVec>> cp = GetMeta(db_, "finalized");
  if (!cp.ok()) return cp.status();
  if (!cp->has_value()) return absl::NotFoundError("storage: no anchor recorded");
  std::optional<consensus::Checkpoint> finalized = CheckpointFrom(**cp);
  if (!finalized) return absl::DataLossError("storage: corrupt finalized checkpoint");
  absl::StatusOr<std::optional<ssz::ByteVec>> block = GetMeta(db_, "finalized_block");
  if (!block.ok()) return block.status();
  if (!block->has_value()) return absl::DataLossError("storage: the finalized block is missing");
  Statement st(db_, "SELECT ssz FROM states WHERE root = ?1");
  if (!st.ok()) return SqlError(db_, "state read");
  st.Bind(1, ssz::ByteView(finalized->root.data(), 32));
  if (st.Step() != SQLITE_ROW) return absl::DataLossError("storage: the finalized state is missing");
  return StoredAnchor{*finalized, st.Blob(0), std::move(**block)};
}

absl::Status ChainDb::PutBlock(const StoredBlock& block, ssz::ByteView post_state_ssz) {
  MutexLock lock(&mu_);
  return InTransaction(db_, [&]() -> absl::Status {
    Statement st(db_, "INSERT OR IGNORE INTO blocks (root, slot, parent_root, ssz) VALUES (?1, ?2, ?3, ?4)");
    st.Bind(1, ssz::ByteView(block.root.data(), 32))
        .Bind(2, block.slot)
        .Bind(3, ssz::ByteView(block.parent_root.data(), 32))
        .Bind(4, ssz::ByteView(block.ssz.data(), block.ssz.size()));
    if (absl::Status s = StepDone(st, db_, "block write"); !s.ok()) return s;
    if (post_state_ssz.empty()) return absl::OkStatus();
    Statement state(db_, "INSERT OR IGNORE INTO states (root, ssz) VALUES (?1, ?2)");
    state.Bind(1, ssz::ByteView(block.root.data(), 32)).Bind(2, post_state_ssz);
    return StepDone(state, db_, "state write");
  });
}

std::optional<ssz::ByteVec> ChainDb::GetBlock(const ssz::Root& root) const {
  MutexLock lock(&mu_);
  Statement st(db_, "SELECT ssz FROM blocks WHERE root = ?1");
  if (!st.ok()) return std::nullopt;
  st.Bind(1, ssz::ByteView(root.data(), 32));
  if (st.Step() != SQLITE_ROW) return std::nullopt;
  return st.Blob(0);
}

absl::StatusOr<std::vector<StoredBlock>> ChainDb::BlocksAfterSlot(uint64_t slot) const {
  MutexLock lock(&mu_);
  Statement st(db_, "SELECT root, slot, parent_root, ssz FROM blocks WHERE slot > ?1 ORDER BY slot, root");
  if (!st.ok()) return SqlError(db_, "block scan");
  st.Bind(1, slot);
  std::vector<StoredBlock> out;
  int rc;
  while ((rc = st.Step()) == SQLITE_ROW) {
    out.push_back(StoredBlock{st.RootAt(0), st.U64(1), st.RootAt(2), st.Blob(3)});
  }
  if (rc != SQLITE_DONE) return SqlError(db_, "block scan");
  return out;
}

absl::Status ChainDb::Finalize(const consensus::Checkpoint& finalized, std::optional<AnchorSsz> anchor,
                               absl::Span<const std::pair<uint64_t, ssz::Root>> finalized_chain,
                               std::optional<absl::Span<const ssz::Root>> live_roots) {
  MutexLock lock(&mu_);
  return InTransaction(db_, [&]() -> absl::Status {
    // Only forward: a stale finalization (replayed late) never moves anything back.
    // "latest_finalized" is absent until the first finalization after the anchor
    // ("finalized", the restart anchor, whose state is stored).
    absl::StatusOr<std::optional<ssz::ByteVec>> current = GetMeta(db_, "latest_finalized");
    if (current.ok() && !current->has_value()) current = GetMeta(db_, "finalized");
    if (!current.ok()) return current.status();
    if (!current->has_value()) return absl::FailedPreconditionError("storage: no anchor recorded yet");
    if (anchor.has_value() && (anchor->state.empty() || anchor->block.empty())) {
      return absl::InvalidArgumentError("storage: an anchor needs its block and its state");
    }
    // Blocks at or below the previous finalized slot were pruned then, and no block
    // imported since can be there (it must descend from that finalized block).
    uint64_t prune_from_slot = 0;
    if (current->has_value()) {
      std::optional<consensus::Checkpoint> c = CheckpointFrom(**current);
      if (c && c->slot >= finalized.slot) return absl::OkStatus();
      if (c) prune_from_slot = c->slot + 1;
    }
    for (const auto& [slot, root] : finalized_chain) {
      Statement st(db_, "INSERT OR REPLACE INTO finalized (slot, root) VALUES (?1, ?2)");
      st.Bind(1, slot).Bind(2, ssz::ByteView(root.data(), 32));
      if (absl::Status s = StepDone(st, db_, "finalized index write"); !s.ok()) return s;
    }
    if (absl::Status s = PutMeta(db_, "latest_finalized", ssz::Encode(finalized)); !s.ok()) return s;
    if (anchor.has_value()) {
      // The new restart anchor: its state replaces every stored one.
      if (absl::Status s = Exec(db_, "DELETE FROM states"); !s.ok()) return s;
      Statement st(db_, "INSERT INTO states (root, ssz) VALUES (?1, ?2)");
      st.Bind(1, ssz::ByteView(finalized.root.data(), 32)).Bind(2, anchor->state);
      if (absl::Status s = StepDone(st, db_, "anchor state write"); !s.ok()) return s;
      if (absl::Status s = PutMeta(db_, "finalized", ssz::Encode(finalized)); !s.ok()) return s;
      if (absl::Status s = PutMeta(db_, "finalized_block", anchor->block); !s.ok()) return s;
    }
    if (!live_roots.has_value()) return absl::OkStatus();

    if (absl::Status s = Exec(db_, "CREATE TEMP TABLE IF NOT EXISTS live (root BLOB PRIMARY KEY) WITHOUT ROWID");
        !s.ok()) {
      return s;
    }
    if (absl::Status s = Exec(db_, "DELETE FROM temp.live"); !s.ok()) return s;
    for (const ssz::Root& r : *live_roots) {
      Statement st(db_, "INSERT OR IGNORE INTO temp.live (root) VALUES (?1)");
      st.Bind(1, ssz::ByteView(r.data(), 32));
      if (absl::Status s = StepDone(st, db_, "live set"); !s.ok()) return s;
    }
    // Blocks: the finalized chain and live blocks are kept; dead forks go. Only the
    // slots since the previous finalization are looked at (the whole table each time
    // made every finalization cost the chain's length).
    Statement prune(db_,
                    "DELETE FROM blocks WHERE slot >= ?1 AND root NOT IN (SELECT root FROM temp.live) "
                    "AND NOT EXISTS (SELECT 1 FROM finalized f WHERE f.slot = blocks.slot AND f.root = blocks.root)");
    prune.Bind(1, prune_from_slot);
    return StepDone(prune, db_, "dead fork prune");
  });
}

std::vector<std::pair<uint64_t, ssz::Root>> ChainDb::FinalizedRange(uint64_t start, uint64_t end) const {
  MutexLock lock(&mu_);
  std::vector<std::pair<uint64_t, ssz::Root>> out;
  Statement st(db_, "SELECT slot, root FROM finalized WHERE slot >= ?1 AND slot < ?2 ORDER BY slot");
  if (!st.ok()) return out;
  // Slots are stored as signed 64-bit: clamp the bounds into that range.
  constexpr uint64_t kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  st.Bind(1, std::min(start, kMax)).Bind(2, std::min(end, kMax));
  while (st.Step() == SQLITE_ROW) out.emplace_back(st.U64(0), st.RootAt(1));
  return out;
}

absl::Status ChainDb::SaveVotes(absl::Span<const ssz::ByteVec> votes) {
  MutexLock lock(&mu_);
  return InTransaction(db_, [&]() -> absl::Status {
    if (absl::Status s = Exec(db_, "DELETE FROM votes"); !s.ok()) return s;
    uint64_t seq = 0;
    for (const ssz::ByteVec& v : votes) {
      Statement st(db_, "INSERT INTO votes (seq, ssz) VALUES (?1, ?2)");
      st.Bind(1, seq++).Bind(2, ssz::ByteView(v.data(), v.size()));
      if (absl::Status s = StepDone(st, db_, "vote write"); !s.ok()) return s;
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<ssz::ByteVec>> ChainDb::LoadVotes() const {
  MutexLock lock(&mu_);
  Statement st(db_, "SELECT ssz FROM votes ORDER BY seq");
  if (!st.ok()) return SqlError(db_, "vote read");
  std::vector<ssz::ByteVec> out;
  int rc;
  while ((rc = st.Step()) == SQLITE_ROW) out.push_back(st.Blob(0));
  if (rc != SQLITE_DONE) return SqlError(db_, "vote read");
  return out;
}

size_t ChainDb::BlockCount() const {
  MutexLock lock(&mu_);
  Statement st(db_, "SELECT COUNT(*) FROM blocks");
  return st.ok() && st.Step() == SQLITE_ROW ? st.U64(0) : 0;
}

size_t ChainDb::StateCount() const {
  MutexLock lock(&mu_);
  Statement st(db_, "SELECT COUNT(*) FROM states");
  return st.ok() && st.Step() == SQLITE_ROW ? st.U64(0) : 0;
}

bool ChainDb::HasState(const ssz::Root& root) const {
  MutexLock lock(&mu_);
  Statement st(db_, "SELECT 1 FROM states WHERE root = ?1");
  if (!st.ok()) return false;
  st.Bind(1, ssz::ByteView(root.data(), 32));
  return st.Step() == SQLITE_ROW;
}

absl::Status ChainDb::FreezeSizeForTesting() {
  MutexLock lock(&mu_);
  sqlite3_stmt* stmt = nullptr;
  int64_t pages = 0;
  if (sqlite3_prepare_v2(db_, "PRAGMA page_count", -1, &stmt, nullptr) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW) {
    pages = sqlite3_column_int64(stmt, 0);
  }
  sqlite3_finalize(stmt);
  // Checkpoint the WAL first: writes then need new pages in the main file.
  if (absl::Status s = Exec(db_, "PRAGMA wal_checkpoint(TRUNCATE)"); !s.ok()) return s;
  return Exec(db_, absl::StrCat("PRAGMA max_page_count = ", pages).c_str());
}

absl::Status ChainDb::CheckIntegrity() const {
  MutexLock lock(&mu_);
  Statement st(db_, "PRAGMA integrity_check");
  if (!st.ok()) return SqlError(db_, "integrity check");
  std::string report;
  while (st.Step() == SQLITE_ROW) {
    const ssz::ByteVec line = st.Blob(0);
    absl::StrAppend(&report, std::string(line.begin(), line.end()), "\n");
  }
  if (report == "ok\n") return absl::OkStatus();
  return absl::DataLossError(absl::StrCat("storage: integrity check failed: ", report));
}

}  // namespace beam::storage
