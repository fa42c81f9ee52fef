// Whether a restore reaches the replicas: the confirmation says whether the load goes to the
// target's binary log and how many replicas read it now; with a replica connected the operator
// must choose (--enable-binlog or --skip-binlog, exit 2 without either), and the replica then
// gets the load or not, as chosen. On a server without a binary log the confirmation says that
// nothing is replicated (before, it warned that the restore "will replicate" there).
#include <chrono>
#include <thread>

#include "restore_fixture.h"
#include "throwaway_server.h"

namespace myvault::it {
namespace {

constexpr char kDb[] = "mv_rbinlog";

constexpr char kSourceSetup[] = R"sql(
DROP DATABASE IF EXISTS mv_rbinlog; CREATE DATABASE mv_rbinlog; USE mv_rbinlog;
CREATE TABLE mv_rbinlog.t (id INT PRIMARY KEY, v VARCHAR(20)) ENGINE=InnoDB;
INSERT INTO mv_rbinlog.t SELECT seq, CONCAT('row ', seq) FROM seq_1_to_300;
)sql";

class RestoreBinlog : public RestoreTest {
 protected:
  void Prepare() override {
    ASSERT_OK(source_->Exec(kSourceSetup));
    ASSERT_OK(
        target_->Exec("DROP DATABASE IF EXISTS mv_rbinlog; "
                      "DROP DATABASE IF EXISTS mv_rbinlog_marker; "
                      "DROP DATABASE IF EXISTS _myvault_restore"));
    archive_ = dir_->Join("binlog.sql.gz");
    ASSERT_OK(DumpArchive(archive_, {"--databases", kDb}));
  }

  // Polls `sql` on `server` until it returns `want` (at most 60 s).
  static bool WaitFor(TestServer& server, const std::string& sql, const std::string& want) {
    for (int i = 0; i < 600; ++i) {
      auto v = server.QueryValue(sql);
      if (v.ok() && *v == want) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  std::string archive_;
};

TEST_F(RestoreBinlog, ConnectedReplicaNeedsAChoiceAndGetsWhatWasChosen) {
  ASSERT_FALSE(target_config_.host.empty() || target_config_.port == 0)
      << "the replica needs the target over TCP";
  ASSERT_OK_AND_ASSIGN(auto replica_server,
                       ThrowawayServer::Start(dir_->Join("replica"), "--server-id=2"));
  ASSERT_OK_AND_ASSIGN(auto replica, TestServer::Connect(replica_server->config()));
  ASSERT_OK_AND_ASSIGN(auto position, target_->Query("SHOW MASTER STATUS"));
  ASSERT_EQ(position.size(), 1u) << "the target writes no binary log";
  ASSERT_OK(replica->Exec(
      "CHANGE MASTER TO MASTER_HOST='" + target_config_.host +
      "', MASTER_PORT=" + std::to_string(target_config_.port) + ", MASTER_USER='" +
      target_config_.user + "', MASTER_PASSWORD='" + target_config_.password +
      "', MASTER_LOG_FILE='" + position[0][0].value_or("") +
      "', MASTER_LOG_POS=" + position[0][1].value_or("4") + ", MASTER_USE_GTID=no; START SLAVE"));
  ASSERT_TRUE(WaitFor(*target_,
                      "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE COMMAND LIKE "
                      "'Binlog Dump%'",
                      "1"))
      << "the replica never connected to the target";

  // No choice: refused before anything changes, naming both flags.
  ASSERT_OK_AND_ASSIGN(CommandResult refused, Restore(archive_, {"--yes", "--quiet"}));
  ExpectRestoreFailure(refused, kExitUsage,
                       "the target has 1 connected replica: choose --enable-binlog .* or "
                       "--skip-binlog .*nothing was changed on the target");
  EXPECT_FALSE(*TargetHasDatabase(kDb));

  // --skip-binlog: loaded here, not on the replica (which does see what comes after).
  ASSERT_OK_AND_ASSIGN(CommandResult skipped,
                       Restore(archive_, {"--yes", "--skip-binlog", "--progress", "lines"}));
  ASSERT_EQ(skipped.exit_code, 0) << skipped.Describe();
  EXPECT_NE(skipped.err.find("binary log: on; this load is NOT written to it (--skip-binlog): "
                             "replicas will not follow (1 connected replica)"),
            std::string::npos)
      << skipped.err;
  ASSERT_OK(target_->Exec("CREATE DATABASE mv_rbinlog_marker"));
  ASSERT_TRUE(WaitFor(*replica,
                      "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = "
                      "'mv_rbinlog_marker'",
                      "1"))
      << "the replica stopped replicating";
  EXPECT_EQ(*replica->QueryValue("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE "
                                 "SCHEMA_NAME = 'mv_rbinlog'"),
            "0")
      << "--skip-binlog reached the replica";

  // --enable-binlog: the replica replays the load.
  ASSERT_OK(target_->Exec("DROP DATABASE mv_rbinlog"));  // not logged there anyway: IF EXISTS
  ASSERT_OK_AND_ASSIGN(CommandResult enabled,
                       Restore(archive_, {"--yes", "--enable-binlog", "--progress", "lines"}));
  ASSERT_EQ(enabled.exit_code, 0) << enabled.Describe();
  EXPECT_NE(enabled.err.find("binary log: on; this load is written to it (--enable-binlog): "
                             "1 connected replica will replay it"),
            std::string::npos)
      << enabled.err;
  EXPECT_TRUE(WaitFor(*replica, "SELECT COUNT(*) FROM mv_rbinlog.t", "300"))
      << "the replica did not replay the load";
  ASSERT_OK_AND_ASSIGN(Fingerprint want, TakeFingerprint(source_config_, {kDb}));
  ASSERT_OK_AND_ASSIGN(Fingerprint got, TakeFingerprint(replica_server->config(), {kDb}));
  EXPECT_EQ(Diff(want, got), "");
  EXPECT_OK(replica->Exec("STOP SLAVE"));
  EXPECT_OK(target_->Exec("DROP DATABASE IF EXISTS mv_rbinlog_marker"));
}

// A server without a binary log, and an account that may not set sql_log_bin: nothing is
// replicated, and the confirmation says so (no warning that the restore "will replicate").
TEST_F(RestoreBinlog, ServerWithoutABinaryLogSaysNothingIsReplicated) {
  ASSERT_OK_AND_ASSIGN(auto server, ThrowawayServer::Start(dir_->Join("nolog"), "--skip-log-bin"));
  ASSERT_OK_AND_ASSIGN(auto root, TestServer::Connect(server->config()));
  ASSERT_OK_AND_ASSIGN(
      std::string cnf,
      AccountOptionFile(*root, "mv_rbinlog", "restore-pw",
                        "GRANT SELECT, INSERT, CREATE, DROP, ALTER ON `mv_rbinlog`.* TO "
                        "'mv_rbinlog'@'%'; GRANT SELECT, INSERT, DELETE, CREATE, DROP ON "
                        "`\\_myvault\\_restore`.* TO 'mv_rbinlog'@'%'; GRANT PROCESS ON *.* "
                        "TO 'mv_rbinlog'@'%'"));
  ASSERT_OK_AND_ASSIGN(CommandResult r,
                       RestoreWith(cnf, archive_, {"--yes", "--progress", "lines"}));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_NE(r.err.find("binary log: off on this server; nothing is replicated"), std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("replicate)"), std::string::npos) << "a wrong binlog warning:\n" << r.err;
  EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace myvault::it
