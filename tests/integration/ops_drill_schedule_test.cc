// `daemon --drill-schedule`: restore drills on a schedule into the second test server, named by
// the option file group [myvault-drill] (the password stays in the file). A passed drill is
// recorded in the backup directory, shows in `status` and in the metrics; a failed one turns
// `status` unhealthy; a drill target that is the backups' own server is refused unless
// --drill-on-source.
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "../unit/http_listener.h"
#include "restore_fixture.h"

namespace myvault::it {
namespace {

constexpr char kSourceData[] = R"sql(
DROP DATABASE IF EXISTS mvsched_shop; CREATE DATABASE mvsched_shop; USE mvsched_shop;
CREATE TABLE mvsched_shop.orders (id INT PRIMARY KEY, note VARCHAR(40));
INSERT INTO mvsched_shop.orders SELECT seq, CONCAT('order ', seq) FROM seq_1_to_321;
)sql";

class DrillSchedule : public RestoreTest {
 protected:
  void Prepare() override {
    ASSERT_OK(source_->Exec(kSourceData));
    ASSERT_OK(target_->Exec("DROP DATABASE IF EXISTS mvsched_shop_drill"));
    backups_ = dir_->Join("backups");
    std::filesystem::create_directories(backups_);
    // The backups' connection in [client], the drill target in [myvault-drill].
    ASSERT_OK_AND_ASSIGN(std::string source, ReadFile(source_cnf_));
    ASSERT_OK_AND_ASSIGN(std::string target, ReadFile(target_cnf_));
    target.replace(target.find("[client]"), 8, "[myvault-drill]");
    cnf_ = dir_->Join("daemon.cnf");
    ASSERT_OK(WriteFile(cnf_, source + target));
  }

  // Starts the daemon with `extra` flags; backups hourly, so only the catch-up backup runs.
  Result<ChildProcess*> StartDaemon(const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"daemon",
                                     "--dir",
                                     backups_,
                                     "--defaults-file",
                                     cnf_,
                                     "--schedule",
                                     "@every 1h",
                                     "--databases",
                                     "mvsched_shop",
                                     "--metrics-file",
                                     dir_->Join("m.prom")};
    args.insert(args.end(), extra.begin(), extra.end());
    return StartMyvault(args, &holder_, {.env = {{"NOTIFY_SLACK", "false"}}});
  }

  // Waits (bounded) until the drill state file exists; its text, or "" after the bound.
  std::string WaitForDrillState() {
    const std::string path = backups_ + "/myvault-drill.state";
    for (int i = 0; i < 1200 && !std::filesystem::exists(path); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    auto text = ReadFile(path);
    return text.ok() ? *text : "";
  }

  Result<CommandResult> RunStatus(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"status", "--dir", backups_};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunMyvault(args);
  }

  std::string backups_, cnf_;
  std::unique_ptr<ChildProcess> holder_;
};

TEST_F(DrillSchedule, EveryDrillRestoresIntoTheDrillTargetAndIsRecorded) {
  ASSERT_OK_AND_ASSIGN(ChildProcess * daemon, StartDaemon({"--drill-schedule", "@every 3s"}));
  const std::string state = WaitForDrillState();
  double seconds = 0;
  ASSERT_OK_AND_ASSIGN(CommandResult r, SignalAndWait(*daemon, SIGTERM, &seconds));
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  ASSERT_NE(state, "") << r.Describe();
  EXPECT_NE(state.find("\nok 1\n"), std::string::npos) << state;
  EXPECT_NE(state.find("\nrows 321\n"), std::string::npos) << state;
  EXPECT_NE(r.out.find("restore drill OK: myvault-auto-"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("321 rows checked"), std::string::npos) << r.out;
  // Into the drill target, and dropped again; never into the source.
  ASSERT_OK_AND_ASSIGN(bool on_target, TargetHasDatabase("mvsched_shop_drill"));
  EXPECT_FALSE(on_target);
  ASSERT_OK_AND_ASSIGN(auto on_source, DatabasesLike(*source_, "mvsched_shop_drill"));
  EXPECT_TRUE(on_source.empty());
  ASSERT_OK_AND_ASSIGN(std::string metrics, ReadFile(dir_->Join("m.prom")));
  EXPECT_NE(metrics.find("\nmyvault_drill_last_success 1\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("\nmyvault_drill_rto_seconds "), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("\nmyvault_drill_rpo_seconds "), std::string::npos) << metrics;
  ASSERT_OK_AND_ASSIGN(CommandResult status, RunStatus({"--max-drill-age", "1h"}));
  EXPECT_EQ(status.exit_code, 0) << status.Describe();
  EXPECT_NE(status.out.find("last drill: OK"), std::string::npos) << status.out;
  // Too old a drill is unhealthy once --max-drill-age says so.
  std::this_thread::sleep_for(std::chrono::seconds(2));
  ASSERT_OK_AND_ASSIGN(status, RunStatus({"--max-drill-age", "1s"}));
  EXPECT_EQ(status.exit_code, 9) << status.Describe();
  EXPECT_NE(status.err.find("more than --max-drill-age 1s"), std::string::npos) << status.err;
}

TEST_F(DrillSchedule, AFailedDrillTurnsStatusUnhealthy) {
  // A drill target nothing listens on: the drill fails and says why.
  const std::string port = std::to_string(testutil::HttpListener::UnusedPort());
  ASSERT_OK_AND_ASSIGN(ChildProcess * daemon,
                       StartDaemon({"--drill-schedule", "@every 2s", "--drill-port", port}));
  const std::string state = WaitForDrillState();
  double seconds = 0;
  ASSERT_OK_AND_ASSIGN(CommandResult r, SignalAndWait(*daemon, SIGTERM, &seconds));
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_NE(state.find("\nok 0\n"), std::string::npos) << state << r.Describe();
  EXPECT_NE(r.out.find("restore drill FAILED: "), std::string::npos) << r.out;
  ASSERT_OK_AND_ASSIGN(CommandResult status, RunStatus());
  EXPECT_EQ(status.exit_code, 9) << status.Describe();
  EXPECT_NE(status.err.find(") FAILED: "), std::string::npos) << status.err;
  EXPECT_NE(status.err.find("the last restore drill ("), std::string::npos) << status.err;
  ASSERT_OK_AND_ASSIGN(std::string metrics, ReadFile(dir_->Join("m.prom")));
  EXPECT_NE(metrics.find("\nmyvault_drill_last_success 0\n"), std::string::npos) << metrics;
}

TEST_F(DrillSchedule, TheBackupsOwnServerNeedsDrillOnSource) {
  const ServerConfig& source = source_->config();
  std::vector<std::string> same = {"--drill-schedule", "@every 1h"};
  if (source.host.empty()) {
    same.insert(same.end(), {"--drill-socket", source.socket});
  } else {
    same.insert(same.end(),
                {"--drill-host", source.host, "--drill-port", std::to_string(source.port)});
  }
  std::vector<std::string> args = {"daemon", "--dir", backups_, "--defaults-file", source_cnf_};
  args.insert(args.end(), same.begin(), same.end());
  // The drill account comes from the environment (DRILL_*), never from the backups' [client].
  CommandOptions drill_account{.env = {{"DRILL_USERNAME", source.user},
                                       {"DRILL_PASSWORD", source.password},
                                       {"NOTIFY_SLACK", "false"}}};
  ASSERT_OK_AND_ASSIGN(CommandResult r, RunMyvault(args, drill_account));
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  EXPECT_NE(r.err.find("is the server the backups come from; a drill there needs "
                       "--drill-on-source"),
            std::string::npos)
      << r.err;
  // No target at all is refused too: the drill never falls back to the backups' server.
  ASSERT_OK_AND_ASSIGN(r, RunMyvault({"daemon", "--dir", backups_, "--defaults-file", source_cnf_,
                                      "--drill-schedule", "@every 1h"}));
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  EXPECT_NE(r.err.find("--drill-schedule needs a drill target"), std::string::npos) << r.err;
  EXPECT_TRUE(std::filesystem::is_empty(backups_));
}

}  // namespace
}  // namespace myvault::it
