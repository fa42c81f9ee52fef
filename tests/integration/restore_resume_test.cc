// A restore killed with SIGKILL in the middle of the data (seen through the journal on the
// target: `_myvault_restore`.`progress` rows with step = 'chunk') is finished by
// `--resume --yes`, or redone by a plain re-run; either way the target ends equal to the source,
// with no row loaded twice (a table without a unique key shows duplicates in its row count) and
// no journal left behind.
#include <signal.h>

#include <chrono>
#include <functional>
#include <regex>
#include <thread>

#include "archive_index.h"
#include "restore_fixture.h"

namespace myvault::it {
namespace {

constexpr char kResumeDb[] = "mv_rresume";
constexpr long kSbRows = 100000;         // per sysbench-like table
constexpr long kHeapRows = 100000;       // keyless table: 5000 distinct rows, 20 copies of each
constexpr long kStringKeyRows = 100000;  // skey: a VARCHAR primary key in random order

// Two sysbench-like tables (~60 MB of SQL with the others) and two tables without a unique key
// (InnoDB and MyISAM), where a chunk loaded twice would add rows instead of failing on a
// duplicate key.
constexpr char kDataset[] = R"sql(
SET SESSION sql_log_bin = 0;
DROP DATABASE IF EXISTS mv_rresume; CREATE DATABASE mv_rresume; USE mv_rresume;
CREATE TABLE sb1 (id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  k INT UNSIGNED NOT NULL DEFAULT 0, c CHAR(120) NOT NULL DEFAULT '',
  pad CHAR(60) NOT NULL DEFAULT '', KEY k_1 (k)) ENGINE = InnoDB;
INSERT INTO sb1 SELECT seq, (seq * 7919) % 100000, CONCAT(SHA2(seq, 256), '-', MD5(seq), '-', seq),
  MD5(seq * 3) FROM seq_1_to_100000;
CREATE TABLE sb2 LIKE sb1; INSERT INTO sb2 SELECT * FROM sb1;
CREATE TABLE heap (a INT NOT NULL, b VARCHAR(64) NOT NULL, KEY (a)) ENGINE = InnoDB;
INSERT INTO heap SELECT seq % 5000, MD5(seq % 5000) FROM seq_1_to_100000;
CREATE TABLE heap_myisam (a INT NOT NULL, b VARCHAR(64) NOT NULL) ENGINE = MyISAM;
INSERT INTO heap_myisam SELECT * FROM heap;
CREATE TABLE skey (k VARCHAR(48) NOT NULL PRIMARY KEY, v INT NOT NULL, pad CHAR(100) NOT NULL)
  ENGINE = InnoDB;
INSERT INTO skey SELECT CONCAT(MD5(seq), '-', seq), seq, SHA2(seq, 256) FROM seq_1_to_100000;
SET SESSION sql_log_bin = 1;
)sql";

// Loads the dataset unless the source already holds it (the tests run in separate processes).
Status EnsureResumeDataset(TestServer& server) {
  Result<std::string> have = server.QueryValue(
      "SELECT CONCAT((SELECT COUNT(*) FROM mv_rresume.sb1), '/', (SELECT COUNT(*) FROM "
      "mv_rresume.sb2), '/', (SELECT COUNT(*) FROM mv_rresume.heap), '/', (SELECT COUNT(*) FROM "
      "mv_rresume.heap_myisam), '/', (SELECT COUNT(*) FROM mv_rresume.skey))");
  const std::string want = std::to_string(kSbRows) + "/" + std::to_string(kSbRows) + "/" +
                           std::to_string(kHeapRows) + "/" + std::to_string(kHeapRows) + "/" +
                           std::to_string(kStringKeyRows);
  if (have.ok() && *have == want) return Status::Ok();
  return server.Exec(kDataset);
}

class RestoreResume : public RestoreTest {
 protected:
  void Prepare() override {
    ASSERT_OK(EnsureResumeDataset(*source_));
    ASSERT_OK_AND_ASSIGN(source_fp_, TakeFingerprint(source_config_, {kResumeDb}));
    ASSERT_OK(target_->Exec(std::string("DROP DATABASE IF EXISTS ") + kResumeDb +
                            "; DROP DATABASE IF EXISTS " + kJournalDb));
    archive_ = dir_->Join("resume.sql.gz");
    std::vector<std::string> dump = {"--threads", "2",           "--chunk-size",
                                     "65536",     "--databases", kResumeDb};
    dump.insert(dump.end(), dump_extra_.begin(), dump_extra_.end());
    ASSERT_OK(DumpArchive(archive_, dump));
    if (restore_extra_.empty()) {
      ASSERT_OK_AND_ASSIGN(std::string bytes, ReadFile(archive_));
      ASSERT_OK_AND_ASSIGN(ArchiveIndex index, ReadArchiveIndex(bytes));
      for (const IndexMember& m : index.members) data_chunks_ += m.kind == "data" ? 1 : 0;
    } else {  // a sealed index: verify with the key counts the chunks
      std::vector<std::string> argv = {"verify", archive_};
      argv.insert(argv.end(), restore_extra_.begin(), restore_extra_.end());
      ASSERT_OK_AND_ASSIGN(CommandResult v, RunMyvault(argv));
      ASSERT_EQ(v.exit_code, 0) << v.Describe();
      std::smatch m;
      ASSERT_TRUE(std::regex_search(v.out, m, std::regex(R"((\d+) chunks)"))) << v.out;
      data_chunks_ = std::stol(m[1]);
    }
    ASSERT_GE(data_chunks_, 200) << "the dataset in 64 KiB chunks should make hundreds";
  }

  // Starts a restore, waits until `ready` (polled on a connection of its own to the target)
  // says so, and kills the restore with SIGKILL. Returns the chunks the journal holds then.
  long KillRestoreWhen(const std::function<bool(TestServer&)>& ready, const std::string& what) {
    std::unique_ptr<ChildProcess> child;
    std::vector<std::string> argv = {"restore", archive_,  "--defaults-file", target_cnf_,
                                     "--yes",   "--quiet", "--threads",       "2"};
    argv.insert(argv.end(), restore_extra_.begin(), restore_extra_.end());
    Result<ChildProcess*> started = StartMyvault(argv, &child);
    EXPECT_TRUE(started.ok()) << started.status().message();
    if (!started.ok()) return -1;
    Result<std::unique_ptr<TestServer>> poller = TestServer::Connect(target_config_);
    EXPECT_TRUE(poller.ok()) << poller.status().message();
    if (!poller.ok()) return -1;
    bool seen = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!seen && child->Running() && std::chrono::steady_clock::now() < deadline) {
      seen = ready(**poller);
      if (!seen) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    EXPECT_TRUE(seen) << "never saw " << what << ": "
                      << (child->Running() ? "still running" : child->Wait().Describe());
    EXPECT_TRUE(child->Running()) << "the restore ended before the kill: "
                                  << child->Wait().Describe();
    double seconds = 0;
    Result<CommandResult> killed = SignalAndWait(*child, SIGKILL, &seconds);
    EXPECT_TRUE(killed.ok() && killed->term_signal == SIGKILL)
        << (killed.ok() ? killed->Describe() : killed.status().message());
    Result<long> after = CommittedChunks(**poller);
    EXPECT_TRUE(after.ok()) << after.status().message();
    return after.ok() ? *after : -1;
  }

  // Kills a restore once the journal shows 20 committed chunks.
  long KillMidRestore() {
    return KillRestoreWhen(
        [this](TestServer& target) {
          Result<long> n = CommittedChunks(target);
          return n.ok() && *n >= 20;
        },
        "20 committed chunks in the journal");
  }

  // Kills a restore while `table` holds some of its `rows` but not all, and checks that the
  // kill landed there: after it the table still holds some of its rows but not all (for an
  // InnoDB table: some of its chunks committed, not all), so the resume starts mid-table.
  void KillWhilePartlyLoaded(const std::string& table, long rows) {
    const std::string count = "SELECT COUNT(*) FROM " + QualifiedName(kResumeDb, table);
    KillRestoreWhen(
        [&count, rows](TestServer& target) {
          Result<std::string> n = target.QueryValue(count);
          return n.ok() && *n != "0" && *n != std::to_string(rows);
        },
        table + " partly loaded");
    Result<std::string> after = target_->QueryValue(count);
    ASSERT_TRUE(after.ok()) << after.status().message();
    EXPECT_NE(*after, "0") << "the kill did not land inside " << table;
    EXPECT_NE(*after, std::to_string(rows)) << "the kill did not land inside " << table;
  }
  void KillWhileHeapMyisamIsPartlyLoaded() { KillWhilePartlyLoaded("heap_myisam", kHeapRows); }

  // Kills the restore inside `table` (of `rows` rows), resumes it with two loaders and expects
  // the source's state, `table` holding exactly its rows.
  void KillInsideThenResume(const std::string& table, long rows) {
    KillWhilePartlyLoaded(table, rows);
    ASSERT_FALSE(HasFailure());
    ASSERT_OK_AND_ASSIGN(CommandResult r,
                         Restore(archive_, {"--resume", "--yes", "--quiet", "--threads", "2"}));
    ASSERT_EQ(r.exit_code, 0) << r.Describe();
    ExpectTargetEqualsSource();
    ASSERT_OK_AND_ASSIGN(std::string n, target_->QueryValue("SELECT COUNT(*) FROM " +
                                                            QualifiedName(kResumeDb, table)));
    EXPECT_EQ(n, std::to_string(rows));
  }

  // CommittedChunks on the target, or `fallback` when the query fails.
  long CommittedOr(long fallback) {
    Result<long> n = CommittedChunks(*target_);
    return n.ok() ? *n : fallback;
  }

  // The end state: the source's database exactly, no journal.
  void ExpectTargetEqualsSource() {
    ExpectNoJournal();
    ASSERT_OK_AND_ASSIGN(Fingerprint restored, TakeFingerprint(target_config_, {kResumeDb}));
    EXPECT_EQ(Diff(source_fp_, restored), "") << "the restored database differs from the source";
    for (const char* heap : {"heap", "heap_myisam"}) {
      ASSERT_OK_AND_ASSIGN(std::string rows, target_->QueryValue("SELECT COUNT(*) FROM " +
                                                                 QualifiedName(kResumeDb, heap)));
      EXPECT_EQ(rows, std::to_string(kHeapRows)) << "rows loaded twice (or lost) in " << heap;
    }
  }

  Fingerprint source_fp_;
  std::string archive_;
  long data_chunks_ = 0;
  std::vector<std::string> dump_extra_, restore_extra_;  // e.g. the encryption flags
};

// The same archive encrypted (format version 2): the journal and --resume work the same way
// with the key.
class EncryptedRestoreResume : public RestoreResume {
 protected:
  void Prepare() override {
    const std::string key = dir_->Join("resume.key");
    ASSERT_OK_AND_ASSIGN(CommandResult k, RunMyvault({"keygen", "--out", key}));
    ASSERT_EQ(k.exit_code, 0) << k.Describe();
    dump_extra_ = {"--encrypt-to", key + ".pub"};
    restore_extra_ = {"--decrypt-with", key};
    RestoreResume::Prepare();
  }
};

TEST_F(RestoreResume, KilledRestoreResumesToTheSourceState) {
  const long committed = KillMidRestore();
  ASSERT_FALSE(HasFailure());
  EXPECT_LT(committed, data_chunks_) << "every chunk committed: nothing left to resume";
  ASSERT_OK_AND_ASSIGN(CommandResult r, Restore(archive_, {"--resume", "--yes", "--progress",
                                                           "none", "--threads", "2"}));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  // The committed chunks were skipped, not loaded again: the report counts them (the MyISAM
  // table's, if any, are reloaded from its start, so at most as many as the journal held).
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex(R"(, (\d+) chunks already loaded)"))) << r.out;
  const long skipped = std::stol(m[1]);
  EXPECT_GT(skipped, 0) << r.out;
  EXPECT_LT(skipped, data_chunks_) << r.out;
  ExpectTargetEqualsSource();
}

TEST_F(EncryptedRestoreResume, KilledRestoreResumesWithTheKey) {
  const long committed = KillMidRestore();
  ASSERT_FALSE(HasFailure());
  EXPECT_LT(committed, data_chunks_) << "every chunk committed: nothing left to resume";
  std::vector<std::string> args = {"--resume", "--yes", "--progress", "none", "--threads", "2"};
  args.insert(args.end(), restore_extra_.begin(), restore_extra_.end());
  ASSERT_OK_AND_ASSIGN(CommandResult r, Restore(archive_, args));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex(R"(, (\d+) chunks already loaded)"))) << r.out;
  EXPECT_GT(std::stol(m[1]), 0) << r.out;
  ExpectTargetEqualsSource();
}

TEST_F(RestoreResume, KilledRestoreRerunWithoutResumeEndsTheSame) {
  KillMidRestore();
  ASSERT_FALSE(HasFailure());
  ASSERT_OK_AND_ASSIGN(CommandResult r, Restore(archive_, {"--yes", "--quiet", "--threads", "2"}));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  ExpectTargetEqualsSource();
}

// Killed twice: the second run resumes from the first's journal, the third from the second's.
TEST_F(RestoreResume, ResumeAfterAKilledResumeFinishes) {
  KillMidRestore();
  ASSERT_FALSE(HasFailure());
  const long first = CommittedOr(-1);
  std::unique_ptr<ChildProcess> child;
  ASSERT_OK(StartMyvault({"restore", archive_, "--defaults-file", target_cnf_, "--resume", "--yes",
                          "--quiet", "--threads", "2"},
                         &child)
                .status());
  long now = first;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (child->Running() && now < first + 20 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    now = CommittedOr(now);
  }
  if (!child->Running()) {
    // The resumed run finished before 20 more chunks committed: it must have succeeded.
    const CommandResult r = child->Wait();
    ASSERT_EQ(r.exit_code, 0) << r.Describe();
    ExpectTargetEqualsSource();
    return;
  }
  double seconds = 0;
  ASSERT_OK(SignalAndWait(*child, SIGKILL, &seconds).status());
  EXPECT_GE(CommittedOr(-1), first) << "the resumed run lost committed chunks from the journal";
  ASSERT_OK_AND_ASSIGN(CommandResult r,
                       Restore(archive_, {"--resume", "--yes", "--quiet", "--threads", "2"}));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  ExpectTargetEqualsSource();
}

// MyISAM has no transactions: a chunk and its journal row cannot commit together, so a kill in
// the middle of the table leaves rows no journal row accounts for. Resuming must reload that
// table from its start, or the keyless table gains duplicates.
TEST_F(RestoreResume, KilledInsideANonTransactionalTableResumesWithoutDuplicates) {
  KillWhileHeapMyisamIsPartlyLoaded();
  ASSERT_FALSE(HasFailure());
  ASSERT_OK_AND_ASSIGN(CommandResult r,
                       Restore(archive_, {"--resume", "--yes", "--quiet", "--threads", "2"}));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  ExpectTargetEqualsSource();
}

// Killed in the middle of a table whose primary key is a string (chunks are ranges of that key,
// in an order the loaders do not share): the resume loads exactly the chunks left (issue 10).
TEST_F(RestoreResume, KilledInsideAStringKeyedTableResumesExactly) {
  KillInsideThenResume("skey", kStringKeyRows);
}

// Killed in the middle of a large AUTO_INCREMENT table (sb1: its chunks shared by both
// loaders): the resume loads exactly the chunks left, and the counter is the source's
// (the fingerprint compares SHOW CREATE TABLE, which carries it).
TEST_F(RestoreResume, KilledInsideAnAutoIncrementTableResumesExactly) {
  KillInsideThenResume("sb1", kSbRows);
}

// Killed in the middle of the InnoDB table without any unique key, where a chunk loaded twice
// adds rows instead of failing on a key: the resume must load each chunk exactly once.
TEST_F(RestoreResume, KilledInsideAKeylessInnodbTableResumesWithoutDuplicates) {
  KillWhilePartlyLoaded("heap", kHeapRows);
  ASSERT_FALSE(HasFailure());
  ASSERT_OK_AND_ASSIGN(CommandResult r,
                       Restore(archive_, {"--resume", "--yes", "--quiet", "--threads", "2"}));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  ExpectTargetEqualsSource();
}

// The kill can also land inside the table's first chunk, before any journal row names the
// table: rows are there, the journal says nothing of them. That state is made exactly here (the
// table's journal rows removed after the kill); resuming must still empty the table first.
TEST_F(RestoreResume, KilledInsideTheFirstChunkOfANonTransactionalTableResumesWithoutDuplicates) {
  const std::string count = "SELECT COUNT(*) FROM " + QualifiedName(kResumeDb, "heap_myisam");
  KillWhileHeapMyisamIsPartlyLoaded();
  ASSERT_FALSE(HasFailure());
  ASSERT_OK_AND_ASSIGN(std::string bytes, ReadFile(archive_));
  ASSERT_OK_AND_ASSIGN(ArchiveIndex index, ReadArchiveIndex(bytes));
  const IndexObject* heap = index.FindObject("table", kResumeDb, "heap_myisam");
  ASSERT_NE(heap, nullptr);
  ASSERT_OK(
      target_->Exec(std::string("DELETE FROM `") + kJournalDb +
                    "`.progress WHERE step = 'chunk' AND object_id = " + std::to_string(heap->id)));
  ASSERT_OK_AND_ASSIGN(std::string partial, target_->QueryValue(count));
  ASSERT_NE(partial, "0") << "the state under test needs rows no journal row accounts for";
  ASSERT_OK_AND_ASSIGN(CommandResult r,
                       Restore(archive_, {"--resume", "--yes", "--quiet", "--threads", "2"}));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  ExpectTargetEqualsSource();
}

}  // namespace
}  // namespace myvault::it
