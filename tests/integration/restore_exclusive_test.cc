// restore --exclusive: the target's durability settings are relaxed for the load and put back
// at the end whatever happens (success, an error, SIGTERM); after a kill -9 the journal still
// names the original values, and the next run (a --resume, with or without --exclusive, or a
// fresh run) puts them back. Without the flag nothing changes. Checked on the globals the
// flavour's BulkLoadSettings name (MariaDB and MySQL: innodb_flush_log_at_trx_commit,
// sync_binlog), read from another connection while the restore is held in its data phase.
//
// How a restore is held in its data phase, with the server's own locks (no hook in myvault):
// a first blocker holds a metadata lock on the target's old copy of the database, so the
// restore's DROP DATABASE waits (its journal is started and its settings tuned by then); a
// second blocker then inserts, in an open transaction, the journal rows of every chunk the
// restore could write; the first one lets go. Each chunk's transaction ends with its journal row,
// whose key the second blocker holds: the loader waits there, its rows inserted, until the
// second blocker rolls back.
#include <signal.h>

#include <chrono>
#include <thread>

#include "restore_fixture.h"

namespace myvault::it {
namespace {

constexpr char kDb[] = "mv_rexcl";

constexpr char kSourceSetup[] = R"sql(
DROP DATABASE IF EXISTS mv_rexcl; CREATE DATABASE mv_rexcl; USE mv_rexcl;
CREATE TABLE t (id INT PRIMARY KEY AUTO_INCREMENT, v VARCHAR(40), KEY (v)) ENGINE=InnoDB;
INSERT INTO t SELECT seq, MD5(seq) FROM seq_1_to_20000;
)sql";

// The values the test sets before each restore: not the tuned ones (0), so a change shows.
constexpr char kSettings[] =
    "SELECT CONCAT(@@GLOBAL.innodb_flush_log_at_trx_commit, '/', @@GLOBAL.sync_binlog)";

class RestoreExclusive : public RestoreTest {
 protected:
  void Prepare() override {
    ASSERT_OK(source_->Exec(kSourceSetup));
    ASSERT_OK(target_->Exec(std::string("DROP DATABASE IF EXISTS ") + kDb + "; CREATE DATABASE " +
                            kDb + "; CREATE TABLE " + kDb +
                            ".t (id INT PRIMARY KEY); DROP DATABASE IF EXISTS " + kJournalDb));
    ASSERT_OK_AND_ASSIGN(
        saved_, target_->QueryValue("SELECT CONCAT('SET GLOBAL innodb_flush_log_at_trx_commit = ', "
                                    "@@GLOBAL.innodb_flush_log_at_trx_commit, ', GLOBAL "
                                    "sync_binlog = ', @@GLOBAL.sync_binlog)"));
    ASSERT_OK(
        target_->Exec("SET GLOBAL innodb_flush_log_at_trx_commit = 1, GLOBAL sync_binlog = 1"));
    archive_ = dir_->Join("exclusive.sql.gz");
    ASSERT_OK(DumpArchive(archive_, {"--databases", kDb}));
    ASSERT_OK_AND_ASSIGN(blocker_, TestServer::Connect(target_config_));
    ASSERT_OK_AND_ASSIGN(chunk_blocker_, TestServer::Connect(target_config_));
  }

  void TearDown() override {
    if (blocker_ != nullptr) EXPECT_OK(blocker_->Exec("ROLLBACK"));
    if (chunk_blocker_ != nullptr) EXPECT_OK(chunk_blocker_->Exec("ROLLBACK"));
    if (!saved_.empty()) EXPECT_OK(target_->Exec(saved_));
  }

  std::string Settings() {
    Result<std::string> v = target_->QueryValue(kSettings);
    EXPECT_TRUE(v.ok()) << v.status().message();
    return v.ok() ? *v : "?";
  }

  // Polls `sql` (one value) every 10 ms until it is not "0"; false after 30 s.
  bool WaitUntilNonZero(const std::string& sql) {
    for (int i = 0; i < 3000; ++i) {
      auto n = target_->QueryValue(sql);
      if (n.ok() && *n != "0") return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  // Holds a metadata lock on the target's copy of the database: the restore's DROP DATABASE
  // (in the schema phase, after the tuning) waits for it.
  void Block() { ASSERT_OK(blocker_->Exec("START TRANSACTION; SELECT COUNT(*) FROM mv_rexcl.t")); }

  // Waits until the restore's DROP DATABASE waits for the blocker's lock.
  void WaitForWaitingDrop() {
    ASSERT_TRUE(
        WaitUntilNonZero("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE "
                         "'DROP DATABASE%mv_rexcl%' AND STATE LIKE 'Waiting for%lock%'"))
        << "the restore's DROP DATABASE never waited";
  }

  // Starts `restore ARGS...` and returns it once a loader waits for its chunk's journal row
  // (see the file comment): the restore is then in its data phase, some rows inserted.
  ChildProcess* StartHeldInDataPhase(const std::vector<std::string>& args,
                                     std::unique_ptr<ChildProcess>* holder) {
    Block();
    std::vector<std::string> argv = {"restore", archive_, "--defaults-file", target_cnf_, "--yes"};
    argv.insert(argv.end(), args.begin(), args.end());
    Result<ChildProcess*> child = StartMyvault(argv, holder);
    EXPECT_TRUE(child.ok()) << child.status().message();
    if (!child.ok()) return nullptr;
    WaitForWaitingDrop();
    if (HasFailure()) return nullptr;
    Result<std::string> id = target_->QueryValue(std::string("SELECT restore_id FROM ") +
                                                 kJournalDb + ".progress WHERE step = 'started'");
    EXPECT_TRUE(id.ok()) << id.status().message();
    if (!id.ok()) return nullptr;
    // Every chunk key the restore could write for its objects (one table here: a few ids).
    EXPECT_OK(chunk_blocker_->Exec(
        std::string("START TRANSACTION; INSERT INTO ") + kJournalDb +
        ".progress (restore_id, step, object_id, chunk, row_count, detail) SELECT '" + *id +
        "', 'chunk', o.seq, c.seq, 0, '' FROM " + kJournalDb + ".seq_0_to_31 o, " + kJournalDb +
        ".seq_0_to_255 c"));
    EXPECT_OK(blocker_->Exec("ROLLBACK"));
    // A journal row takes milliseconds to insert: one at it for a second or more waits.
    EXPECT_TRUE(WaitUntilNonZero(std::string("SELECT COUNT(*) FROM information_schema.PROCESSLIST "
                                             "WHERE INFO LIKE 'INSERT INTO `") +
                                 kJournalDb + "`.`progress`%''chunk''%' AND TIME >= 1"))
        << "no loader ever waited for its chunk's journal row";
    return HasFailure() ? nullptr : *child;
  }

  // Lets a held restore go on.
  void Release() { EXPECT_OK(chunk_blocker_->Exec("ROLLBACK")); }

  // Runs `restore ARGS...` held in its data phase, where the settings must read `during`, then
  // lets it finish: it must exit 0 with the settings at 1/1 (as the test set them).
  CommandResult RunHeld(const std::vector<std::string>& args, const std::string& during) {
    std::unique_ptr<ChildProcess> holder;
    ChildProcess* restore = StartHeldInDataPhase(args, &holder);
    if (restore == nullptr) return {};
    EXPECT_EQ(Settings(), during) << "while the data loads";
    Release();
    CommandResult r = restore->Wait();
    EXPECT_EQ(r.exit_code, 0) << r.Describe();
    EXPECT_EQ(Settings(), "1/1") << "after the restore";
    return r;
  }

  // Each of `texts` is in the restore's output.
  static void ExpectSaid(const CommandResult& r, const std::vector<std::string>& texts) {
    for (const std::string& text : texts) {
      EXPECT_NE((r.out + r.err).find(text), std::string::npos) << text << ": " << r.Describe();
    }
  }

  void ExpectTargetRestored() {
    ASSERT_OK_AND_ASSIGN(Fingerprint want, TakeFingerprint(source_config_, {kDb}));
    ASSERT_OK_AND_ASSIGN(Fingerprint got, TakeFingerprint(target_config_, {kDb}));
    EXPECT_EQ(Diff(want, got), "");
    ExpectNoJournal();
  }

  std::string archive_, saved_;
  std::unique_ptr<TestServer> blocker_, chunk_blocker_;
};

TEST_F(RestoreExclusive, WithoutTheFlagNothingIsChanged) {
  const CommandResult r = RunHeld({"--progress", "lines"}, "1/1");
  // Neither a change nor the warning that precedes one (the archive's name holds "exclusive").
  EXPECT_EQ((r.out + r.err).find("exclusive:"), std::string::npos) << r.Describe();
  EXPECT_EQ((r.out + r.err).find("--exclusive"), std::string::npos) << r.Describe();
  ExpectTargetRestored();
}

TEST_F(RestoreExclusive, SuccessPutsTheSettingsBackAndSaysWhat) {
  const CommandResult r = RunHeld({"--progress", "lines", "--exclusive"}, "0/0");
  // The undo statements, printed before anything changes (for a kill -9), then each change.
  ExpectSaid(r,
             {"SET GLOBAL sync_binlog = 1; SET GLOBAL innodb_flush_log_at_trx_commit = 1",
              "exclusive: innodb_flush_log_at_trx_commit 1 -> 0", "exclusive: sync_binlog 1 -> 0",
              "exclusive: innodb_flush_log_at_trx_commit put back to 1",
              "exclusive: sync_binlog put back to 1"});
  ExpectTargetRestored();
}

// A setting already at the tuned value is left alone, and is the same after the restore.
TEST_F(RestoreExclusive, ASettingAlreadyRelaxedIsLeftAsItIs) {
  ASSERT_OK(target_->Exec("SET GLOBAL sync_binlog = 0"));
  ASSERT_OK_AND_ASSIGN(CommandResult r,
                       Restore(archive_, {"--yes", "--progress", "lines", "--exclusive"}));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_EQ(Settings(), "1/0");
  ExpectSaid(r, {"exclusive: sync_binlog is already 0",
                 "exclusive: innodb_flush_log_at_trx_commit put back to 1"});
  EXPECT_EQ((r.out + r.err).find("sync_binlog put back"), std::string::npos) << r.Describe();
  ExpectTargetRestored();
}

// An account with the README's restore grants but without SUPER may not change
// innodb_flush_log_at_trx_commit: exit 3 naming the statement, nothing changed (the setting it
// may change, sync_binlog with BINLOG ADMIN, is tried after the refused one).
TEST_F(RestoreExclusive, AnAccountWithoutSuperIsRefusedWithNothingChanged) {
  ASSERT_OK_AND_ASSIGN(std::string cnf, AccountOptionFile(*target_, "mv_rexcl_restore", "pw", R"sql(
GRANT SELECT, INSERT, CREATE, DROP, ALTER ON `mv_rexcl`.* TO 'mv_rexcl_restore'@'%';
GRANT SELECT, INSERT, DELETE, CREATE, DROP ON `\_myvault\_restore`.* TO 'mv_rexcl_restore'@'%';
GRANT PROCESS, BINLOG ADMIN, SET USER ON *.* TO 'mv_rexcl_restore'@'%';
)sql"));
  ASSERT_OK_AND_ASSIGN(ServerState before, TakeServerState(*target_, {kDb}));
  ASSERT_OK_AND_ASSIGN(CommandResult r,
                       RestoreWith(cnf, archive_, {"--yes", "--quiet", "--exclusive"}));
  EXPECT_OK(target_->Exec("DROP USER IF EXISTS 'mv_rexcl_restore'@'%'"));
  ExpectRestoreFailure(r, kExitConnection,
                       "SET GLOBAL innodb_flush_log_at_trx_commit = 0.*SUPER.*nothing was changed");
  EXPECT_EQ(Settings(), "1/1");
  ASSERT_OK_AND_ASSIGN(ServerState after, TakeServerState(*target_, {kDb}));
  EXPECT_EQ(DiffStates(before, after), "");
}

// A restore that fails after the tuning (its DROP DATABASE times out behind an open
// transaction) puts the settings back before it exits.
TEST_F(RestoreExclusive, FailurePutsTheSettingsBack) {
  Block();
  std::unique_ptr<ChildProcess> holder;
  ASSERT_OK_AND_ASSIGN(ChildProcess * restore,
                       StartMyvault({"restore", archive_, "--defaults-file", target_cnf_, "--yes",
                                     "--quiet", "--exclusive", "--lock-wait-timeout", "3"},
                                    &holder));
  WaitForWaitingDrop();
  ASSERT_FALSE(HasFailure());
  EXPECT_EQ(Settings(), "0/0") << "the settings are tuned before the DROP times out";
  CommandResult r = restore->Wait();
  ExpectRestoreFailure(r, kExitLockTimeout, "DROP DATABASE.*lock wait timeout");
  EXPECT_EQ(Settings(), "1/1");
}

// SIGTERM while the data loads: the settings are put back before the exit.
TEST_F(RestoreExclusive, SigtermPutsTheSettingsBack) {
  std::unique_ptr<ChildProcess> holder;
  ChildProcess* restore = StartHeldInDataPhase({"--quiet", "--exclusive"}, &holder);
  ASSERT_NE(restore, nullptr);
  EXPECT_EQ(Settings(), "0/0") << "the settings are tuned while the data loads";
  double seconds = 0;
  ASSERT_OK_AND_ASSIGN(CommandResult r, SignalAndWait(*restore, SIGTERM, &seconds));
  ExpectRestoreFailure(r, kExitCancelled, "interrupted");
  EXPECT_EQ(Settings(), "1/1");
}

// kill -9 while the data loads cannot be cleaned up: the settings stay tuned and the journal
// records the original values; the next run of the same restore puts those back.
class RestoreExclusiveKilled : public RestoreExclusive {
 protected:
  // Kills a held --exclusive restore, then runs `restore ARGS...` (with --yes): it must end
  // with the target restored and the original values (1/1) back, not the tuned ones it found.
  // Returns its stdout and stderr.
  std::string KillThenRun(const std::vector<std::string>& args) {
    std::unique_ptr<ChildProcess> holder;
    ChildProcess* restore = StartHeldInDataPhase({"--quiet", "--exclusive"}, &holder);
    if (restore == nullptr) return "";
    double seconds = 0;
    EXPECT_OK(SignalAndWait(*restore, SIGKILL, &seconds).status());
    Release();
    EXPECT_EQ(Settings(), "0/0") << "nothing can undo after a kill -9";
    std::vector<std::string> argv = {"--yes"};
    argv.insert(argv.end(), args.begin(), args.end());
    Result<CommandResult> r = Restore(archive_, argv);
    EXPECT_TRUE(r.ok()) << r.status().message();
    if (!r.ok()) return "";
    EXPECT_EQ(r->exit_code, 0) << r->Describe();
    EXPECT_EQ(Settings(), "1/1");
    ExpectTargetRestored();
    return r->out + r->err;
  }
};

TEST_F(RestoreExclusiveKilled, ResumeWithoutTheFlagPutsTheOriginalsBack) {
  const std::string out = KillThenRun({"--resume", "--progress", "lines"});
  EXPECT_NE(out.find("innodb_flush_log_at_trx_commit put back to 1"), std::string::npos) << out;
}

// Tuned again for the load, then the originals (1), not the values the killed run left (0).
TEST_F(RestoreExclusiveKilled, ResumeWithTheFlagPutsTheOriginalsBack) {
  const std::string out = KillThenRun({"--resume", "--progress", "lines", "--exclusive"});
  EXPECT_NE(out.find("exclusive: sync_binlog 1 -> 0"), std::string::npos) << out;
  EXPECT_NE(out.find("exclusive: sync_binlog put back to 1"), std::string::npos) << out;
}

// A plain run (no --resume) after the kill also finds the recorded values.
TEST_F(RestoreExclusiveKilled, AFreshRunPutsTheOriginalsBack) { KillThenRun({"--quiet"}); }

}  // namespace
}  // namespace myvault::it
