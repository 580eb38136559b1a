// Storage under a failing disk: writes, fsyncs and reads that fail at chosen points
// (tests/testing/fault_vfs.h), and a full disk (a file-size limit in a child process).
// What must hold: the failure reaches the caller (status; for a node also the log and
// Health()), nothing is counted that was not stored, the file is never corrupt, nothing
// finalized before the fault is lost, and once the fault is gone a restart resumes at
// the right head and goes on.

#include <signal.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "chain/beam_chain.h"
#include "gtest/gtest.h"
#include "node/node.h"
#include "ssz/codec.h"
#include "storage/chain_db.h"
#include "tests/testing/chain_fixture.h"
#include "tests/testing/fault_vfs.h"
#include "tests/testing/feed.h"
#include "tests/testing/stored_chain.h"

namespace beam::storage {
namespace {

using testing::FaultVfs;

constexpr uint64_t kValidators = 4;
constexpr uint64_t kSlots = 24;

struct Env : testing::StoredChainEnv {
  Env() : StoredChainEnv(kValidators, kSlots, /*fork_every=*/5) {}
};

Env& SharedEnv() {
  static Env* env = new Env();
  return *env;
}

std::string FreshDir(const std::string& name) {
  const std::string dir = ::testing::TempDir() + "/beam_fault_" + name + "_" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  return dir;
}

ChainDbOptions Faulty(SyncMode sync = SyncMode::kNormal) {
  FaultVfs::Get();  // registered before SQLite looks the name up
  ChainDbOptions options;
  options.vfs = FaultVfs::kName;
  options.sync = sync;
  return options;
}

absl::StatusOr<std::unique_ptr<chain::BeamChain>> OpenChain(Env& env, ChainDb* db, metrics::Registry* registry) {
  return testing::OpenStoredChain(env, db, registry);
}

StoredBlock Stored(const consensus::SignedBlock& b) {
  return StoredBlock{ssz::HashTreeRoot(b.block), b.block.slot, b.block.parent_root, ssz::Encode(b)};
}

class StorageFaultTest : public ::testing::Test {
 protected:
  void SetUp() override { FaultVfs::Get().Clear(); }
  void TearDown() override { FaultVfs::Get().Clear(); }
};

// The shim itself: everything works through it, and an armed fault fails the
// operation it names, from the point it names.
TEST_F(StorageFaultTest, TheShimForwardsAndFailsWhereArmed) {
  Env& env = SharedEnv();
  const std::string dir = FreshDir("shim");
  auto db = ChainDb::Open(dir, Faulty());
  ASSERT_TRUE(db.ok()) << db.status();
  const int writes = FaultVfs::Get().count(FaultVfs::kWrite);
  ASSERT_TRUE((*db)->PutBlock(Stored(env.input.blocks[0]), {}).ok());
  EXPECT_GT(FaultVfs::Get().count(FaultVfs::kWrite), writes);
  EXPECT_TRUE((*db)->GetBlock(ssz::HashTreeRoot(env.input.blocks[0].block)).has_value());

  const int failures = FaultVfs::Get().failures();
  FaultVfs::Get().FailAfter(FaultVfs::kWrite, 0, SQLITE_IOERR_WRITE);
  const absl::Status s = (*db)->PutBlock(Stored(env.input.blocks[1]), {});
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("storage"), std::string::npos) << s;
  EXPECT_GT(FaultVfs::Get().failures(), failures);
  std::filesystem::remove_all(dir);
}

// A block whose write failed is not there, on this connection or after a reopen; the
// ones before it are, and the file is intact. Also with SQLITE_FULL (no space left).
TEST_F(StorageFaultTest, AFailedWriteIsNeverClaimed) {
  Env& env = SharedEnv();
  for (const int code : {SQLITE_IOERR_WRITE, SQLITE_FULL}) {
    SCOPED_TRACE(code);
    const std::string dir = FreshDir("claim");
    {
      auto db = ChainDb::Open(dir, Faulty());
      ASSERT_TRUE(db.ok()) << db.status();
      for (int i = 0; i < 3; ++i) ASSERT_TRUE((*db)->PutBlock(Stored(env.input.blocks[i]), {}).ok());
      FaultVfs::Get().FailAfter(FaultVfs::kWrite, 0, code);
      EXPECT_FALSE((*db)->PutBlock(Stored(env.input.blocks[3]), {}).ok());
      FaultVfs::Get().Clear();
      EXPECT_FALSE((*db)->GetBlock(ssz::HashTreeRoot(env.input.blocks[3].block)).has_value());
      // The same connection works again once the disk does.
      ASSERT_TRUE((*db)->PutBlock(Stored(env.input.blocks[4]), {}).ok());
    }
    auto db = ChainDb::Open(dir);
    ASSERT_TRUE(db.ok()) << db.status();
    EXPECT_TRUE((*db)->CheckIntegrity().ok());
    for (int i : {0, 1, 2, 4}) EXPECT_TRUE((*db)->GetBlock(ssz::HashTreeRoot(env.input.blocks[i].block)).has_value()) << i;
    EXPECT_FALSE((*db)->GetBlock(ssz::HashTreeRoot(env.input.blocks[3].block)).has_value());
    db->reset();
    std::filesystem::remove_all(dir);
  }
}

// SyncMode::kFull syncs each commit; kNormal does not (it syncs at WAL checkpoints),
// and a failing fsync fails a kFull commit.
TEST_F(StorageFaultTest, FullSyncSyncsEveryCommitAndReportsAFailedSync) {
  Env& env = SharedEnv();
  int syncs[2] = {0, 0};
  for (const SyncMode mode : {SyncMode::kNormal, SyncMode::kFull}) {
    const std::string dir = FreshDir("sync");
    auto db = ChainDb::Open(dir, Faulty(mode));
    ASSERT_TRUE(db.ok()) << db.status();
    const int before = FaultVfs::Get().count(FaultVfs::kSync);
    for (int i = 0; i < 5; ++i) ASSERT_TRUE((*db)->PutBlock(Stored(env.input.blocks[i]), {}).ok());
    syncs[mode == SyncMode::kFull] = FaultVfs::Get().count(FaultVfs::kSync) - before;
    if (mode == SyncMode::kFull) {
      FaultVfs::Get().FailAfter(FaultVfs::kSync, 0, SQLITE_IOERR_FSYNC);
      const absl::Status s = (*db)->PutBlock(Stored(env.input.blocks[5]), {});
      EXPECT_FALSE(s.ok()) << "a commit whose fsync failed was reported as stored";
      FaultVfs::Get().Clear();
    }
    db->reset();
    auto reopened = ChainDb::Open(dir);
    ASSERT_TRUE(reopened.ok()) << reopened.status();
    EXPECT_TRUE((*reopened)->CheckIntegrity().ok());
    // The commit whose fsync failed may or may not be found (its frames were written):
    // either is consistent, as long as the other five are there.
    EXPECT_GE((*reopened)->BlockCount(), 5u);
    reopened->reset();
    std::filesystem::remove_all(dir);
  }
  EXPECT_EQ(syncs[0], 0) << "NORMAL synced on commit";
  EXPECT_GE(syncs[1], 5) << "FULL did not sync each of 5 commits";
}

// What a run that meets a fault leaves behind, checked after the fault is cleared.
struct FaultRun {
  uint64_t head_slot = 0;       // the last head the chain had with nothing failed
  uint64_t finalized_slot = 0;  // its finalized slot then
  bool faulted = false;         // the chain reported a storage fault
};

// Imports the chain through the shim with `op` failing after `after` operations;
// stops at the chain's fault report.
FaultRun RunUntilFault(Env& env, const std::string& dir, const ChainDbOptions& options, FaultVfs::Op op, int after,
                       int code) {
  FaultRun run;
  auto db = ChainDb::Open(dir, options);
  if (!db.ok()) return run;
  metrics::Registry registry;
  auto chain = OpenChain(env, db->get(), &registry);
  if (!chain.ok()) return run;
  FaultVfs::Get().FailAfter(op, after, code);
  for (uint64_t slot = 1; slot <= kSlots; ++slot) {
    testing::FeedSlots(**chain, env.input, slot, slot);
    if ((*chain)->StorageFault().has_value()) {
      run.faulted = true;
      break;
    }
    run.head_slot = (*chain)->Head().slot;
    run.finalized_slot = (*chain)->Finalized().slot;
  }
  FaultVfs::Get().Clear();
  return run;
}

// After the fault: intact, nothing finalized lost, the head not behind the last good
// one, and the import goes on to the chain's end.
void CheckResume(Env& env, const std::string& dir, const FaultRun& run, const std::string& where) {
  auto db = ChainDb::Open(dir);
  ASSERT_TRUE(db.ok()) << where << ": " << db.status();
  ASSERT_TRUE((*db)->CheckIntegrity().ok()) << where;
  metrics::Registry registry;
  auto chain = OpenChain(env, db->get(), &registry);
  ASSERT_TRUE(chain.ok()) << where << ": " << chain.status();
  const consensus::Checkpoint finalized = (*chain)->Finalized();
  EXPECT_GE(finalized.slot, run.finalized_slot) << where << ": a finalization made before the fault was lost";
  EXPECT_GE((*chain)->Head().slot, run.head_slot) << where << ": the restarted head is behind the last good head";
  const auto at_finalized = (*chain)->CanonicalBlockRoots(finalized.slot, 1);
  ASSERT_EQ(at_finalized.size(), 1u) << where;
  EXPECT_EQ(at_finalized[0].second, finalized.root) << where;
  testing::FeedSlots(**chain, env.input, 1, kSlots);
  EXPECT_FALSE((*chain)->StorageFault().has_value()) << where;
  EXPECT_EQ((*chain)->Head().root, env.input.head) << where << ": the restarted node did not resume";
}

// A fault at every few operations of a whole import (blocks with their states,
// finalizations with pruning, WAL checkpoints): writes failing with an I/O error and
// with "disk full", and fsyncs failing under FULL sync.
TEST_F(StorageFaultTest, AFaultAnywhereInAnImportLosesNothingAndResumes) {
  Env& env = SharedEnv();
  struct Case {
    const char* name;
    FaultVfs::Op op;
    int code;
    SyncMode sync;
  };
  for (const Case& c : {Case{"write", FaultVfs::kWrite, SQLITE_IOERR_WRITE, SyncMode::kNormal},
                        Case{"full", FaultVfs::kWrite, SQLITE_FULL, SyncMode::kNormal},
                        Case{"fsync", FaultVfs::kSync, SQLITE_IOERR_FSYNC, SyncMode::kFull}}) {
    // How many such operations a fault-free import makes: the points to aim at.
    const std::string probe = FreshDir(std::string("probe_") + c.name);
    const int before = FaultVfs::Get().count(c.op);
    const FaultRun clean = RunUntilFault(env, probe, Faulty(c.sync), c.op, 1 << 30, c.code);
    const int total = FaultVfs::Get().count(c.op) - before;
    ASSERT_FALSE(clean.faulted);
    ASSERT_GT(total, 10) << c.name;
    std::filesystem::remove_all(probe);

    const int step = std::max(1, total / 40);
    int faulted = 0;
    for (int after = 0; after < total; after += step) {
      const std::string where = std::string(c.name) + " fault after " + std::to_string(after) + " of " +
                                std::to_string(total);
      const std::string dir = FreshDir(c.name);
      const FaultRun run = RunUntilFault(env, dir, Faulty(c.sync), c.op, after, c.code);
      faulted += run.faulted;
      CheckResume(env, dir, run, where);
      std::filesystem::remove_all(dir);
      if (HasFatalFailure()) return;
    }
    // Most points are inside a commit and must be reported (a failed checkpoint
    // after a commit is not a lost write and is retried by SQLite).
    EXPECT_GT(faulted, 0) << c.name << ": no fault ever reached the chain";
    RecordProperty(std::string("faults_reported_") + c.name, faulted);
  }
}

// Reads failing while a node restarts: the open fails with a clear error or succeeds,
// never crashes, and the stored data is untouched for the next (fault-free) restart.
TEST_F(StorageFaultTest, ReadFaultsAtRestartFailCleanly) {
  Env& env = SharedEnv();
  const std::string dir = FreshDir("read");
  FaultRun full;
  {
    auto db = ChainDb::Open(dir);
    ASSERT_TRUE(db.ok());
    metrics::Registry registry;
    auto chain = OpenChain(env, db->get(), &registry);
    ASSERT_TRUE(chain.ok());
    testing::FeedSlots(**chain, env.input, 1, 16);
    full.head_slot = (*chain)->Head().slot;
    full.finalized_slot = (*chain)->Finalized().slot;
  }
  int failed_opens = 0;
  for (int after = 0; after < 200; after += 7) {
    {
      auto db = ChainDb::Open(dir, Faulty());
      FaultVfs::Get().FailAfter(FaultVfs::kRead, after, SQLITE_IOERR_READ);
      if (db.ok()) {
        metrics::Registry registry;
        auto chain = OpenChain(env, db->get(), &registry);
        if (!chain.ok()) {
          ++failed_opens;
          EXPECT_FALSE(chain.status().message().empty());
        }
      } else {
        ++failed_opens;
      }
      FaultVfs::Get().Clear();
    }
    auto db = ChainDb::Open(dir);
    ASSERT_TRUE(db.ok()) << db.status();
    ASSERT_TRUE((*db)->CheckIntegrity().ok()) << "after a read fault at " << after;
  }
  EXPECT_GT(failed_opens, 0) << "no read fault ever failed a restart";
  CheckResume(env, dir, full, "after the read faults");
  std::filesystem::remove_all(dir);
}

// ---- The node: what the host sees ----

node::NodeOptions NodeOptionsFor(const testing::Genesis& genesis, const std::string& dir, node::LogSink* log) {
  node::NodeOptions options;
  options.anchor_state = genesis.state;
  options.anchor_block = genesis.block;
  options.validators = {0, 1, 2, 3};
  options.chain_worker = false;
  options.data_dir = dir;
  options.log = log;
  return options;
}

class CountingLog final : public node::LogSink {
 public:
  node::LogLevel max_level() const override { return node::LogLevel::kWarn; }
  void Write(node::LogLevel level, const std::string& line) override {
    if (level == node::LogLevel::kError && line.find("storage") != std::string::npos) ++storage_errors;
  }
  int storage_errors = 0;  // the node logs from the calling thread (no chain worker)
};

// Produces blocks at slots first..last until one fails; returns the failing status.
absl::Status ProduceUntilFailure(node::Node& node, uint64_t first, uint64_t last, uint64_t* last_good) {
  for (uint64_t slot = first; slot <= last; ++slot) {
    if (absl::Status s = node.Tick(slot * 5); !s.ok()) return s;
    absl::Status s = node.ProduceBlock(slot, slot % kValidators).status();
    if (!s.ok()) return s;
    *last_good = slot;
  }
  return absl::OkStatus();
}

TEST_F(StorageFaultTest, ANodeReportsAWriteFaultAndResumesAfterARestart) {
  const testing::Genesis genesis = testing::MakeGenesis(kValidators);
  const std::string dir = FreshDir("node");
  uint64_t last_good = 0;
  {
    CountingLog log;
    node::NodeOptions options = NodeOptionsFor(genesis, dir, &log);
    options.storage = Faulty();
    auto node = node::Node::Create(std::move(options));
    ASSERT_TRUE(node.ok()) << node.status();
    ASSERT_TRUE(ProduceUntilFailure(**node, 1, 6, &last_good).ok());
    FaultVfs::Get().FailAfter(FaultVfs::kWrite, 0, SQLITE_IOERR_WRITE);
    const absl::Status failed = ProduceUntilFailure(**node, 7, 7, &last_good);
    EXPECT_FALSE(failed.ok());
    EXPECT_EQ(last_good, 6u);
    const node::NodeHealth health = (*node)->Health();
    EXPECT_TRUE(health.storage_failed);
    EXPECT_NE(health.last_fault.find("storage"), std::string::npos) << health.last_fault;
    EXPECT_GE(log.storage_errors, 1);
    // The disk works again, but this node stays stopped until restarted: it does not
    // know what of its state the failed transaction had reached.
    FaultVfs::Get().Clear();
    EXPECT_FALSE(ProduceUntilFailure(**node, 8, 8, &last_good).ok());
  }
  CountingLog log;
  auto node = node::Node::Create(NodeOptionsFor(genesis, dir, &log));
  ASSERT_TRUE(node.ok()) << node.status();
  ASSERT_TRUE((*node)->Tick(7 * 5 + 4).ok());
  EXPECT_EQ((*node)->chain().Head().slot, 6u) << "the restarted node is not at the last stored block";
  EXPECT_TRUE(ProduceUntilFailure(**node, 7, 12, &last_good).ok());
  EXPECT_EQ(last_good, 12u);
  EXPECT_FALSE((*node)->Health().storage_failed);
  node->reset();
  std::filesystem::remove_all(dir);
}

// A real full disk, as the OS reports it: a child process whose file-size limit
// (RLIMIT_FSIZE, SIGXFSZ ignored: writes past it fail with EFBIG) stops the database
// from growing. The child runs a node until storage fails and reports the last block
// it stored; the parent restarts the directory without the limit.
TEST_F(StorageFaultTest, AFullDiskIsReportedAndTheNodeResumesAfterward) {
  const testing::Genesis genesis = testing::MakeGenesis(kValidators);
  const std::string dir = FreshDir("fsize");
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::close(fds[0]);
    ::signal(SIGXFSZ, SIG_IGN);
    CountingLog log;
    auto node = node::Node::Create(NodeOptionsFor(genesis, dir, &log));
    if (!node.ok()) _exit(3);
    const rlimit limit{1024 * 1024, 1024 * 1024};
    if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) _exit(4);
    uint64_t last_good = 0;
    const absl::Status failed = ProduceUntilFailure(**node, 1, 5000, &last_good);
    if (failed.ok()) _exit(5);  // 5000 blocks fit in 1 MiB?
    const node::NodeHealth health = (*node)->Health();
    if (!health.storage_failed || health.last_fault.find("storage") == std::string::npos) _exit(6);
    if (log.storage_errors < 1) _exit(7);
    if (::write(fds[1], &last_good, sizeof last_good) != sizeof last_good) _exit(8);
    _exit(0);
  }
  ::close(fds[1]);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << "the child died: status " << status;
  ASSERT_EQ(WEXITSTATUS(status), 0) << "3: no node, 4: no limit, 5: never full, 6: not in Health, 7: not logged";
  uint64_t last_good = 0;
  ASSERT_EQ(::read(fds[0], &last_good, sizeof last_good), static_cast<ssize_t>(sizeof last_good));
  ::close(fds[0]);
  ASSERT_GT(last_good, 10u);
  RecordProperty("blocks_before_full", static_cast<int>(last_good));
  {
    auto db = ChainDb::Open(dir);
    ASSERT_TRUE(db.ok()) << db.status();
    EXPECT_TRUE((*db)->CheckIntegrity().ok());
  }
  CountingLog log;
  auto node = node::Node::Create(NodeOptionsFor(genesis, dir, &log));
  ASSERT_TRUE(node.ok()) << node.status();
  ASSERT_TRUE((*node)->Tick((last_good + 1) * 5).ok());
  EXPECT_EQ((*node)->chain().Head().slot, last_good) << "the restarted node is not at the last stored block";
  uint64_t produced = 0;
  EXPECT_TRUE(ProduceUntilFailure(**node, last_good + 1, last_good + 5, &produced).ok());
  EXPECT_EQ(produced, last_good + 5);
  node->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace beam::storage
