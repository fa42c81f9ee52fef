// Locks around `myvault restore`: a session holding the database being replaced (an open
// transaction that read one of its tables, a LOCK TABLES) makes the DROP DATABASE wait at most
// --lock-wait-timeout, and the error names that session (exit 8, nothing changed); SIGTERM ends
// the waiting DROP at once; a second restore into the same databases stops at once, naming the
// first, which then finishes; the confirmation lists the sessions using the databases.
#include <signal.h>

#include <chrono>
#include <thread>

#include "restore_fixture.h"

namespace myvault::it {
namespace {

constexpr char kDb[] = "mv_rlock";

constexpr char kSourceSetup[] = R"sql(
DROP DATABASE IF EXISTS mv_rlock; CREATE DATABASE mv_rlock; USE mv_rlock;
CREATE TABLE mv_rlock.t (id INT PRIMARY KEY, v VARCHAR(20)) ENGINE=InnoDB;
INSERT INTO mv_rlock.t SELECT seq, CONCAT('source ', seq) FROM seq_1_to_1000;
CREATE TABLE mv_rlock.m (id INT PRIMARY KEY) ENGINE=MyISAM;
INSERT INTO mv_rlock.m SELECT seq FROM seq_1_to_10;
)sql";

constexpr char kTargetSetup[] = R"sql(
DROP DATABASE IF EXISTS mv_rlock; CREATE DATABASE mv_rlock;
CREATE TABLE mv_rlock.t (id INT PRIMARY KEY, v VARCHAR(20)) ENGINE=InnoDB;
INSERT INTO mv_rlock.t VALUES (1, 'target');
CREATE TABLE mv_rlock.m (id INT PRIMARY KEY) ENGINE=MyISAM;
DROP DATABASE IF EXISTS _myvault_restore;
)sql";

class RestoreLocks : public RestoreTest {
 protected:
  void Prepare() override {
    ASSERT_OK(source_->Exec(kSourceSetup));
    ASSERT_OK(target_->Exec(kTargetSetup));
    archive_ = dir_->Join("lock.sql.gz");
    ASSERT_OK(DumpArchive(archive_, {"--databases", kDb}));
    ASSERT_OK_AND_ASSIGN(before_, TakeServerState(*target_, {kDb}));
    ASSERT_OK_AND_ASSIGN(blocker_, TestServer::Connect(target_config_));
    blocker_id_ = std::to_string(blocker_->ConnectionId());
  }

  void TearDown() override {
    if (blocker_ != nullptr) {
      EXPECT_OK(blocker_->Exec("ROLLBACK"));
      EXPECT_OK(blocker_->Exec("UNLOCK TABLES"));
    }
  }

  // The connection id of the restore's DROP DATABASE once it waits for a lock; "" if it never
  // did within 30 s.
  std::string WaitForWaitingDrop() {
    for (int i = 0; i < 3000; ++i) {
      auto id = target_->Query(
          "SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE 'DROP DATABASE%mv_rlock%' "
          "AND STATE LIKE 'Waiting for%lock%'");
      if (id.ok() && !id->empty() && (*id)[0][0]) return *(*id)[0][0];
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return "";
  }

  void ExpectTargetUntouched() {
    ASSERT_OK_AND_ASSIGN(ServerState after, TakeServerState(*target_, {kDb}));
    EXPECT_EQ(DiffStates(before_, after), "") << "a restore that stopped changed the target";
  }

  void ExpectTargetRestored() {
    ASSERT_OK_AND_ASSIGN(Fingerprint want, TakeFingerprint(source_config_, {kDb}));
    ASSERT_OK_AND_ASSIGN(Fingerprint got, TakeFingerprint(target_config_, {kDb}));
    EXPECT_EQ(Diff(want, got), "");
    ExpectNoJournal();
  }

  std::string archive_;
  ServerState before_;
  std::unique_ptr<TestServer> blocker_;
  std::string blocker_id_;
};

// The walkthrough's case: an application left a transaction open after reading a table. The
// DROP waited 44 s in silence; now it gives up after --lock-wait-timeout and says who.
TEST_F(RestoreLocks, OpenTransactionMakesTheDropTimeOutNamingIt) {
  ASSERT_OK(blocker_->Exec("START TRANSACTION; SELECT COUNT(*) FROM mv_rlock.t"));
  ASSERT_OK_AND_ASSIGN(CommandResult r,
                       Restore(archive_, {"--yes", "--quiet", "--lock-wait-timeout", "2"}));
  ExpectRestoreFailure(r, kExitLockTimeout,
                       "DROP DATABASE.*lock wait timeout.*--lock-wait-timeout 2 s.*connection " +
                           blocker_id_ +
                           " \\(root@[^,]+, Sleep for [0-9]+ s, transaction open since "
                           ".*nothing was changed on the target");
  EXPECT_LT(r.seconds, 30.0) << "--lock-wait-timeout 2 must give up within seconds";
  ExpectTargetUntouched();
}

TEST_F(RestoreLocks, LockTablesWriteMakesTheDropTimeOutNamingTheTable) {
  ASSERT_OK(blocker_->Exec("LOCK TABLES mv_rlock.m WRITE"));
  ASSERT_OK_AND_ASSIGN(CommandResult r,
                       Restore(archive_, {"--yes", "--quiet", "--lock-wait-timeout", "2"}));
  ExpectRestoreFailure(r, kExitLockTimeout,
                       "--lock-wait-timeout 2 s.*tables in use by another session: "
                       "`mv_rlock`\\.`m`.*nothing was changed on the target");
  ASSERT_OK(blocker_->Exec("UNLOCK TABLES"));  // the fingerprint reads `m`
  ExpectTargetUntouched();
}

// SIGTERM while the DROP waits: the statement is killed at once, not after the timeout (or,
// before, after the server's lock_wait_timeout of a day).
TEST_F(RestoreLocks, SigtermWhileTheDropWaitsEndsTheRestoreAtOnce) {
  ASSERT_OK(blocker_->Exec("START TRANSACTION; SELECT COUNT(*) FROM mv_rlock.t"));
  CommandOptions options;
  options.timeout = std::chrono::seconds(40);
  std::unique_ptr<ChildProcess> holder;
  ASSERT_OK_AND_ASSIGN(ChildProcess * restore, StartMyvault({"restore", archive_, "--defaults-file",
                                                             target_cnf_, "--yes", "--quiet"},
                                                            &holder, options));
  ASSERT_NE(WaitForWaitingDrop(), "") << "the restore's DROP DATABASE never waited";
  double seconds = 0;
  ASSERT_OK_AND_ASSIGN(CommandResult r, SignalAndWait(*restore, SIGTERM, &seconds));
  ExpectRestoreFailure(r, kExitCancelled, "interrupted.*nothing was changed on the target");
  EXPECT_LT(seconds, 5.0) << "SIGTERM during the wait must end the restore at once";
  std::printf("SIGTERM to exit while the DROP waited: %.2f s\n", seconds);
  auto left = target_->QueryValue(
      "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'DROP DATABASE%'");
  ASSERT_TRUE(left.ok()) << left.status().message();
  EXPECT_EQ(*left, "0") << "the DROP DATABASE still waits on the server";
  ExpectTargetUntouched();
}

// Two restores of one archive into one target: the second stops at once naming the first
// (before, both waited and both failed, leaving a resume that could not finish), and the first
// goes on to the end.
TEST_F(RestoreLocks, SecondRestoreIntoTheSameDatabasesStopsAtOnceNamingTheFirst) {
  ASSERT_OK(blocker_->Exec("START TRANSACTION; SELECT COUNT(*) FROM mv_rlock.t"));
  std::unique_ptr<ChildProcess> holder;
  CommandOptions options;
  options.timeout = std::chrono::seconds(90);
  ASSERT_OK_AND_ASSIGN(ChildProcess * first, StartMyvault({"restore", archive_, "--defaults-file",
                                                           target_cnf_, "--yes", "--quiet"},
                                                          &holder, options));
  const std::string first_id = WaitForWaitingDrop();
  ASSERT_NE(first_id, "") << "the first restore's DROP DATABASE never waited";
  CommandOptions second_options;
  second_options.timeout = std::chrono::seconds(30);
  ASSERT_OK_AND_ASSIGN(CommandResult second,
                       Restore(archive_, {"--yes", "--quiet"}, second_options));
  ExpectRestoreFailure(second, kExitLockTimeout,
                       "another restore is loading `mv_rlock` into this server: connection " +
                           first_id + " \\(.*myvault-restore:mv_rlock");
  EXPECT_LT(second.seconds, 20.0);
  ASSERT_OK(blocker_->Exec("ROLLBACK"));
  CommandResult r = first->Wait();
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  ExpectTargetRestored();
}

// The confirmation names the sessions that use a database it is about to replace.
TEST_F(RestoreLocks, ConfirmationListsTheSessionsUsingTheDatabases) {
  ASSERT_OK(blocker_->Exec("USE mv_rlock"));
  ASSERT_OK_AND_ASSIGN(CommandResult r, Restore(archive_, {"--yes", "--progress", "lines"}));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_NE(r.err.find("1 open session(s) use the databases to be replaced"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("connection " + blocker_id_ + " (root@"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("db mv_rlock"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("other restores of these databases are locked out "
                       "(myvault-restore:mv_rlock)"),
            std::string::npos)
      << r.err;
  ExpectTargetRestored();
}

}  // namespace
}  // namespace myvault::it
