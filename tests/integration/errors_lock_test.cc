// When another session keeps the backup lock out, the dump gives up after --lock-wait-timeout
// with exit 8, a message naming the lock, and no file.
//
// What blocks what on MariaDB 10.11 (measured with lock_wait_timeout = 2):
//   blocker (another session)                 BACKUP STAGE START..BLOCK_COMMIT    FTWRL
//   LOCK TABLES t WRITE (InnoDB or MyISAM)    times out at START                 times out
//   running UPDATE on a MyISAM table          times out at BLOCK_DDL             times out
//   running UPDATE on an InnoDB table         passes                             times out
//   open transaction with uncommitted writes  passes                             passes
//   long SELECT (InnoDB or MyISAM)            passes                             passes
//   FLUSH TABLES WITH READ LOCK held          passes                             passes
// The tests use the two blockers that stop both kinds of backup lock.
#include <signal.h>

#include <thread>

#include "fixture.h"

namespace myvault::it {
namespace {

constexpr char kLockSetup[] = R"sql(
CREATE DATABASE IF NOT EXISTS mv_err_lock;
CREATE TABLE IF NOT EXISTS mv_err_lock.m (id INT PRIMARY KEY, v INT) ENGINE = MyISAM;
CREATE TABLE IF NOT EXISTS mv_err_lock.i (id INT PRIMARY KEY, v INT) ENGINE = InnoDB;
CREATE TABLE IF NOT EXISTS mv_err_lock.j (id INT PRIMARY KEY, v INT) ENGINE = InnoDB;
INSERT IGNORE INTO mv_err_lock.m VALUES (1, 1), (2, 2), (3, 3);
INSERT IGNORE INTO mv_err_lock.i VALUES (1, 1);
INSERT IGNORE INTO mv_err_lock.j VALUES (1, 1);
)sql";

class DumpLockTimeout : public ServerPairTest {
 protected:
  void Prepare() override {
    ASSERT_OK(source_->Exec(kLockSetup));
    ASSERT_OK_AND_ASSIGN(blocker_, TestServer::Connect(source_config_));
    archive_ = dir_->Join("lock.sql.gz");
  }

  void ExpectLockTimeout(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"--quiet", "--lock-wait-timeout", "2", "--databases",
                                     "mv_err_lock"};
    args.insert(args.end(), extra.begin(), extra.end());
    ASSERT_OK_AND_ASSIGN(CommandResult r, Dump(archive_, args));
    ExpectCleanFailure(r, kExitLockTimeout, "lock", archive_);
    EXPECT_LT(r.seconds, 10.0) << "--lock-wait-timeout 2 should give up within seconds";
  }

  std::unique_ptr<TestServer> blocker_;
  std::string archive_;
};

TEST_F(DumpLockTimeout, LockTablesWriteHeldElsewhereTimesOut) {
  ASSERT_OK(blocker_->Exec("LOCK TABLES mv_err_lock.m WRITE"));
  ExpectLockTimeout();
  EXPECT_OK(blocker_->Exec("UNLOCK TABLES"));
}

TEST_F(DumpLockTimeout, RunningMyisamWriteTimesOut) {
  // Three rows, SLEEP(10) each: the UPDATE holds its MyISAM write lock for ~30 s unless killed.
  std::unique_ptr<TestServer> writer;
  ASSERT_OK_AND_ASSIGN(writer, TestServer::Connect(source_config_));
  const unsigned long writer_id = writer->ConnectionId();
  Status update_status;
  std::thread update(
      [&] { update_status = writer->Exec("UPDATE mv_err_lock.m SET v = v + SLEEP(10)"); });
  std::string running = "0";
  for (int i = 0; i < 500 && running == "0"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    Result<std::string> n =
        source_->QueryValue("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = " +
                            std::to_string(writer_id) + " AND INFO LIKE 'UPDATE mv_err_lock.m%'");
    if (n.ok()) running = *n;
  }
  EXPECT_EQ(running, "1") << "the blocking UPDATE never started";
  if (running == "1") ExpectLockTimeout();
  EXPECT_OK(source_->Exec("KILL QUERY " + std::to_string(writer_id)));
  update.join();
  EXPECT_FALSE(update_status.ok()) << "the UPDATE should have been running until killed";
}

// LOCK TABLES (the method without RELOAD) cannot be had while a transaction keeps a dumped table
// written: its NOWAIT requests are refused until --lock-wait-timeout, and the transaction, which
// a waiting LOCK TABLES could have made a deadlock victim, commits afterwards.
TEST_F(DumpLockTimeout, LockTablesGivesUpOnAnOpenWriteTransaction) {
  ASSERT_OK(blocker_->Exec("START TRANSACTION"));
  ASSERT_OK(blocker_->Exec("UPDATE mv_err_lock.i SET v = v + 1"));
  ExpectLockTimeout({"--snapshot-method", "lock-tables"});
  EXPECT_OK(blocker_->Exec("COMMIT"));
  Result<std::string> held = source_->QueryValue(
      "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'LOCK TABLES%'");
  ASSERT_TRUE(held.ok()) << held.status().message();
  EXPECT_EQ(*held, "0");
}

// A transaction that writes j, then (while the dump wants every table) i: a LOCK TABLES that
// waited would hold i (sorted first) while waiting for j, and the server would roll the
// transaction back as the deadlock victim (measured: it does). The dump's NOWAIT requests never
// hold while waiting: the transaction commits, and then the dump gets its locks.
TEST_F(DumpLockTimeout, LockTablesNeverMakesAnApplicationTransactionADeadlockVictim) {
  ASSERT_OK(blocker_->Exec("START TRANSACTION"));
  ASSERT_OK(blocker_->Exec("UPDATE mv_err_lock.j SET v = v + 1"));
  std::unique_ptr<ChildProcess> child;
  ASSERT_OK(StartMyvault({"dump", "--defaults-file", source_cnf_, "--output", archive_, "--quiet",
                          "--lock-wait-timeout", "20", "--snapshot-method", "lock-tables",
                          "--databases", "mv_err_lock"},
                         &child)
                .status());
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // the dump is asking by now
  EXPECT_OK(blocker_->Exec("UPDATE mv_err_lock.i SET v = v + 1"));
  EXPECT_OK(blocker_->Exec("COMMIT"));
  CommandResult r = child->Wait();
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
}

// Ctrl-C while the lock request waits: the pending lock (which makes every new write on the
// server queue behind it) is withdrawn at once, not after --lock-wait-timeout.
TEST_F(DumpLockTimeout, SigintWhileWaitingForTheLockCancelsPromptly) {
  ASSERT_OK(blocker_->Exec("LOCK TABLES mv_err_lock.m WRITE"));
  std::unique_ptr<ChildProcess> child;
  ASSERT_OK(StartMyvault({"dump", "--defaults-file", source_cnf_, "--output", archive_, "--quiet",
                          "--lock-wait-timeout", "60", "--databases", "mv_err_lock"},
                         &child)
                .status());
  // Wait until the dump's lock request is queued on the server.
  std::string waiting = "0";
  for (int i = 0; i < 500 && waiting == "0"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    Result<std::string> n = source_->QueryValue(
        "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'BACKUP STAGE%' "
        "OR INFO LIKE 'FLUSH TABLES WITH READ LOCK%'");
    if (n.ok()) waiting = *n;
  }
  ASSERT_EQ(waiting, "1") << "the dump never queued its lock request";
  double seconds = 0;
  ASSERT_OK_AND_ASSIGN(CommandResult r, SignalAndWait(*child, SIGINT, &seconds));
  ExpectCleanFailure(r, kExitCancelled, "cancel|interrupt", archive_);
  EXPECT_LT(seconds, 5.0) << "SIGINT during the lock wait must not wait for the 60 s timeout";
  Result<std::string> left = source_->QueryValue(
      "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'BACKUP STAGE%' "
      "OR INFO LIKE 'FLUSH TABLES WITH READ LOCK%'");
  ASSERT_TRUE(left.ok()) << left.status().message();
  EXPECT_EQ(*left, "0") << "the lock request is still queued on the server";
  EXPECT_OK(blocker_->Exec("UNLOCK TABLES"));
}

}  // namespace
}  // namespace myvault::it
