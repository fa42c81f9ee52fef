// A server-wide statement time limit (max_statement_time, which a DBA sets against runaway
// queries) must not kill myvault's own statements: every session lifts it for itself, as
// mariadb-dump does since MDEV-18702. Each test holds a table lock in another session for longer
// than the global limit, so a dump's lock wait or SELECT outlives it, then releases the lock.
// mysqldump mode's --max-statement-time still limits its statements, as mariadb-dump's does.
#include <chrono>
#include <thread>

#include "mysqldump_fixture.h"

namespace myvault::it {
namespace {

constexpr char kDb[] = "mv_stmt_time";

// Sets the global max_statement_time for the test's duration and puts the old value back,
// whatever fails in between (a limit left behind would break every later test).
class GlobalStatementTimeLimit {
 public:
  GlobalStatementTimeLimit(TestServer* server, std::string seconds) : server_(server) {
    Result<std::string> old = server_->QueryValue("SELECT @@GLOBAL.max_statement_time");
    if (old.ok()) old_ = *old;
    status_ = server_->Exec("SET GLOBAL max_statement_time = " + seconds);
  }
  ~GlobalStatementTimeLimit() { (void)server_->Exec("SET GLOBAL max_statement_time = " + old_); }
  const Status& status() const { return status_; }

 private:
  TestServer* server_;
  std::string old_ = "0";
  Status status_;
};

class StatementTimeLimit : public MysqldumpTest {
 protected:
  void Prepare() override {
    ASSERT_OK(source_->Exec(std::string("DROP DATABASE IF EXISTS ") + kDb + "; CREATE DATABASE " +
                            kDb + "; CREATE TABLE " + kDb +
                            ".m (id INT PRIMARY KEY, v VARCHAR(10)) ENGINE = MyISAM; INSERT INTO " +
                            kDb + ".m VALUES (1, 'kept')"));
    // Connected before the limit is set: the limit applies to sessions that start later.
    ASSERT_OK_AND_ASSIGN(blocker_, TestServer::Connect(source_config_));
  }

  // Locks the table for writing now and releases it `hold` later, from another thread.
  void HoldWriteLock(std::chrono::milliseconds hold) {
    ASSERT_OK(blocker_->Exec(std::string("LOCK TABLES ") + kDb + ".m WRITE"));
    release_ = std::thread([this, hold] {
      std::this_thread::sleep_for(hold);
      unlocked_ = blocker_->Exec("UNLOCK TABLES");
    });
  }

  void TearDown() override {
    if (release_.joinable()) release_.join();
    EXPECT_OK(unlocked_);
    MysqldumpTest::TearDown();
  }

  std::unique_ptr<TestServer> blocker_;
  std::thread release_;
  Status unlocked_;
};

// The dump's backup lock waits past the 0.3 s limit for the table lock held for 2 s.
TEST_F(StatementTimeLimit, DumpOutlivesAGlobalLimit) {
  GlobalStatementTimeLimit limit(source_.get(), "0.3");
  ASSERT_OK(limit.status());
  HoldWriteLock(std::chrono::milliseconds(2000));
  const std::string archive = dir_->Join("limit.sql.gz");
  ASSERT_OK_AND_ASSIGN(CommandResult r,
                       Dump(archive, {"--quiet", "--lock-wait-timeout", "60", "--databases", kDb}));
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_GE(r.seconds, 1.5) << "the dump should have waited for the table lock";
}

// mysqldump mode, as MariaDB's mysqldump-timing test: with --skip-lock-tables the SELECT waits
// for the table lock; the global limit does not kill it, --max-statement-time=0.5 does (exit 2,
// no rows), for the stock client and for myvault alike.
TEST_F(StatementTimeLimit, MysqldumpOutlivesAGlobalLimitButNotItsOwn) {
  GlobalStatementTimeLimit limit(source_.get(), "0.3");
  ASSERT_OK(limit.status());
  for (const bool ours : {false, true}) {
    HoldWriteLock(std::chrono::milliseconds(2000));
    const std::vector<std::string> args = {"--skip-lock-tables", "--max-statement-time=0.5", kDb,
                                           "m"};
    ASSERT_OK_AND_ASSIGN(CommandResult limited, ours ? Mysqldump(args) : MariadbDump(args));
    EXPECT_EQ(limited.exit_code, 2) << (ours ? "myvault: " : "stock: ") << limited.Describe();
    EXPECT_EQ(limited.out.find("'kept'"), std::string::npos) << limited.out;
    release_.join();
    ASSERT_OK(unlocked_);

    HoldWriteLock(std::chrono::milliseconds(2000));
    const std::vector<std::string> plain = {"--skip-lock-tables", kDb, "m"};
    ASSERT_OK_AND_ASSIGN(CommandResult r, ours ? Mysqldump(plain) : MariadbDump(plain));
    EXPECT_EQ(r.exit_code, 0) << (ours ? "myvault: " : "stock: ") << r.Describe();
    EXPECT_NE(r.out.find("(1,'kept')"), std::string::npos) << r.out;
    release_.join();
    ASSERT_OK(unlocked_);
  }
}

}  // namespace
}  // namespace myvault::it
