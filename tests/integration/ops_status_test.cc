// prune, list, status and monitor against backup directories built by hand: the commands read
// names, sizes and .sha256 files only, so fake archives with matching checksums stand in for real
// dumps (no server needed). The monitor posts to a loopback HTTP listener.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "../unit/http_listener.h"
#include "harness.h"
#include "myvault/archive/format.h"
#include "myvault/archive/sha256.h"
#include "myvault/ops/backup_dir.h"
#include "myvault_cli.h"

namespace myvault::it {
namespace {

using ops::BackupKind;

constexpr int64_t kDay = 86400;
constexpr int64_t kNov26At6 = 1795672800;  // 2026-11-26 06:00:00 UTC

// Creates D/NAME with `content` and D/NAME.sha256 naming it; returns NAME.
std::string MakeBackup(const TempDir& dir, BackupKind kind, int64_t time,
                       const std::string& content = "archive") {
  const std::string name = ops::BackupFileName("myvault", kind, time);
  EXPECT_OK(WriteFile(dir.Join(name), content));
  const std::string hex = archive::Sha256Hex(archive::Sha256::Of(content));
  EXPECT_OK(WriteFile(dir.Join(name + ".sha256"), hex + "  " + name + "\n"));
  return name;
}

std::string Auto(int day) { return "myvault-auto-202611" + std::to_string(day) + "_060000.sql.gz"; }

// Nov 10 (Tue), 16 (Mon), 22 (Sun), 24, 25, 26 auto and Nov 1 manual. With --daily 2 --weekly 1
// --monthly 1: daily keeps 25 and 26, weekly the week of Sunday 22 (22), monthly November (10);
// 16 and 24 are expired.
class PruneTest : public ::testing::Test {
 protected:
  void SetUp() override {
    MakeBackup(dir_, BackupKind::kManual, kNov26At6 - 25 * kDay);
    for (int day : {10, 16, 22, 24, 25, 26}) {
      MakeBackup(dir_, BackupKind::kAuto, kNov26At6 - (26 - day) * kDay,
                 "backup " + std::to_string(day));
    }
    ASSERT_OK(ops::PointLatest(dir_.path(), "myvault", Auto(26)));
  }
  std::vector<std::string> Args(std::vector<std::string> extra) const {
    std::vector<std::string> args = {"prune",    "--dir", dir_.path(), "--daily", "2",
                                     "--weekly", "1",     "--monthly", "1"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
  bool Exists(const std::string& name) const { return std::filesystem::exists(dir_.Join(name)); }
  TempDir dir_;
};

TEST_F(PruneTest, DryRunPrintsDecisionsAndRemovesNothing) {
  ASSERT_OK_AND_ASSIGN(CommandResult r, RunMyvault(Args({"--dry-run"})));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_EQ(r.out,
            "keep   myvault-manual-20261101_060000.sql.gz  manual\n"
            "keep   myvault-auto-20261110_060000.sql.gz  monthly\n"
            "would remove myvault-auto-20261116_060000.sql.gz  expired\n"
            "keep   myvault-auto-20261122_060000.sql.gz  weekly\n"
            "would remove myvault-auto-20261124_060000.sql.gz  expired\n"
            "keep   myvault-auto-20261125_060000.sql.gz  daily\n"
            "keep   myvault-auto-20261126_060000.sql.gz  daily,newest\n"
            "would remove 2 of 7 backups (18 B), kept 5\n");
  for (int day : {10, 16, 22, 24, 25, 26}) {
    EXPECT_TRUE(Exists(Auto(day))) << day;
    EXPECT_TRUE(Exists(Auto(day) + ".sha256")) << day;
  }
}

TEST_F(PruneTest, RemovesExactlyTheExpiredWithTheirChecksums) {
  ASSERT_OK_AND_ASSIGN(CommandResult r, RunMyvault(Args({})));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_NE(r.out.find("remove myvault-auto-20261116_060000.sql.gz  expired\n"), std::string::npos);
  EXPECT_NE(r.out.find("removed 2 of 7 backups"), std::string::npos) << r.out;
  for (int day : {16, 24}) {
    EXPECT_FALSE(Exists(Auto(day))) << day;
    EXPECT_FALSE(Exists(Auto(day) + ".sha256")) << day;
  }
  for (int day : {10, 22, 25, 26}) EXPECT_TRUE(Exists(Auto(day))) << day;
  EXPECT_TRUE(Exists("myvault-manual-20261101_060000.sql.gz"));
  EXPECT_TRUE(Exists("myvault-latest.sql.gz"));
}

TEST_F(PruneTest, NeverRemovesTheLatestTarget) {
  ASSERT_OK(ops::PointLatest(dir_.path(), "myvault", Auto(16)));
  ASSERT_OK_AND_ASSIGN(CommandResult r, RunMyvault(Args({})));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_NE(r.out.find("keep   " + Auto(16) + "  latest\n"), std::string::npos) << r.out;
  EXPECT_TRUE(Exists(Auto(16)));
  EXPECT_TRUE(Exists(Auto(16) + ".sha256"));
  EXPECT_FALSE(Exists(Auto(24)));
}

TEST_F(PruneTest, JsonHasOneObjectPerBackup) {
  ASSERT_OK_AND_ASSIGN(CommandResult r, RunMyvault(Args({"--json", "--dry-run"})));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  ASSERT_GE(r.out.size(), 3U);
  EXPECT_EQ(r.out.front(), '[');
  EXPECT_EQ(r.out.substr(r.out.size() - 2), "]\n");
  size_t objects = 0;
  for (size_t at = r.out.find("{\"name\""); at != std::string::npos;
       at = r.out.find("{\"name\"", at + 1)) {
    ++objects;
  }
  EXPECT_EQ(objects, 7U);
  EXPECT_NE(r.out.find("{\"name\":\"myvault-auto-20261116_060000.sql.gz\","
                       "\"time\":\"2026-11-16T06:00:00Z\",\"kind\":\"auto\",\"size\":9,"
                       "\"keep\":false,\"reasons\":[\"expired\"]}"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("\"time\":\"2026-11-26T06:00:00Z\",\"kind\":\"auto\",\"size\":9,"
                       "\"keep\":true,\"reasons\":[\"daily\",\"newest\"]}"),
            std::string::npos)
      << r.out;
}

TEST_F(PruneTest, BusyLockExits8) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<ChildProcess> holder,
                       ChildProcess::Start({"flock", dir_.Join(".myvault.lock"), "sleep", "3"}));
  // flock(1) creates the file before it locks it: wait for a prune to see it busy.
  CommandResult r;
  for (int i = 0; i < 50; ++i) {
    ASSERT_OK_AND_ASSIGN(r, RunMyvault(Args({"--dry-run"})));
    if (r.exit_code == 8) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(r.exit_code, 8) << r.Describe();
  EXPECT_TRUE(Exists(Auto(16)));
  holder->Wait();  // flock(1) and its sleep end by themselves
}

TEST_F(PruneTest, ListShowsNewestFirstWithClasses) {
  ASSERT_OK_AND_ASSIGN(CommandResult r, RunMyvault({"list", "--dir", dir_.path(), "--daily", "2",
                                                    "--weekly", "1", "--monthly", "1", "--check"}));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  const size_t newest = r.out.find("2026-11-26 06:00:00  auto    full     daily,newest");
  const size_t expired = r.out.find("2026-11-16 06:00:00  auto    full     expired");
  const size_t manual = r.out.find("2026-11-01 06:00:00  manual  full     manual");
  ASSERT_NE(newest, std::string::npos) << r.out;
  ASSERT_NE(expired, std::string::npos) << r.out;
  ASSERT_NE(manual, std::string::npos) << r.out;
  EXPECT_LT(newest, expired);
  EXPECT_LT(expired, manual);
  EXPECT_NE(r.out.find("OK          " + Auto(26) + "  <- latest\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("7 backups, "), std::string::npos);
}

class StatusTest : public ::testing::Test {
 protected:
  Result<CommandResult> RunStatus(std::vector<std::string> extra = {}) const {
    std::vector<std::string> args = {"status", "--dir", dir_.path(), "--max-age", "7h"};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunMyvault(args);
  }
  int64_t now_ = std::time(nullptr);
  TempDir dir_;
};

TEST_F(StatusTest, HealthyExit0) {
  const std::string name = MakeBackup(dir_, BackupKind::kAuto, now_ - 3600);
  ASSERT_OK(ops::PointLatest(dir_.path(), "myvault", name));
  ASSERT_OK_AND_ASSIGN(CommandResult r, RunStatus());
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_NE(r.out.find("healthy: newest " + name), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(".sha256 OK"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("latest: " + name + "\n"), std::string::npos) << r.out;
  ASSERT_OK_AND_ASSIGN(r, RunStatus({"-q"}));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "");
}

TEST_F(StatusTest, StaleExit9) {
  const std::string name = MakeBackup(dir_, BackupKind::kAuto, now_ - 8 * 3600);
  ASSERT_OK_AND_ASSIGN(CommandResult r, RunStatus({"--json"}));
  EXPECT_EQ(r.exit_code, 9) << r.Describe();
  EXPECT_NE(r.err.find("newest backup " + name + " is 8h0m old, more than --max-age 7h"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.out.find("{\"healthy\":false,"), std::string::npos) << r.out;
}

// status --notify from cron: a Slack message when unhealthy, none when healthy.
TEST_F(StatusTest, NotifyPostsOnlyWhenUnhealthy) {
  testutil::HttpListener slack;
  CommandOptions options;
  options.env = {{"NOTIFY_SLACK", "true"},
                 {"SLACK_WEBHOOK_URL", slack.Url("/services/T0/B0/secret")},
                 {"DB_HOST", "db.example"}};
  const std::string name = MakeBackup(dir_, BackupKind::kAuto, now_ - 8 * 3600);
  const std::vector<std::string> args = {"status", "--dir", dir_.path(), "--max-age",
                                         "7h",     "-q",    "--notify"};
  ASSERT_OK_AND_ASSIGN(CommandResult r, RunMyvault(args, options));
  EXPECT_EQ(r.exit_code, 9) << r.Describe();
  ASSERT_TRUE(slack.WaitForRequests(1, std::chrono::seconds(5)));
  const std::string body = slack.requests()[0].body;
  EXPECT_NE(body.find("backups are STALE on myvault@db.example"), std::string::npos) << body;
  EXPECT_NE(body.find(name), std::string::npos) << body;
  MakeBackup(dir_, BackupKind::kAuto, std::time(nullptr) - 60);
  ASSERT_OK_AND_ASSIGN(r, RunMyvault(args, options));
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_EQ(slack.requests().size(), 1u) << "a healthy status says nothing";
  // Without --notify, no message even when unhealthy.
  TempDir empty;
  ASSERT_OK_AND_ASSIGN(r, RunMyvault({"status", "--dir", empty.path(), "-q"}, options));
  EXPECT_EQ(r.exit_code, 9);
  EXPECT_EQ(slack.requests().size(), 1u);
}

TEST_F(StatusTest, NoBackupExit9) {
  ASSERT_OK_AND_ASSIGN(CommandResult r, RunStatus());
  EXPECT_EQ(r.exit_code, 9) << r.Describe();
  EXPECT_NE(r.err.find("no backup in " + dir_.path()), std::string::npos) << r.err;
}

TEST_F(StatusTest, FlippedByteOrMissingChecksumExit7) {
  const std::string name = MakeBackup(dir_, BackupKind::kAuto, now_ - 60, "archive bytes");
  ASSERT_OK(WriteFile(dir_.Join(name), "archive bytez"));
  ASSERT_OK_AND_ASSIGN(CommandResult r, RunStatus());
  EXPECT_EQ(r.exit_code, 7) << r.Describe();
  ASSERT_OK_AND_ASSIGN(r, RunStatus({"--no-checksum"}));
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  std::filesystem::remove(dir_.Join(name + ".sha256"));
  ASSERT_OK_AND_ASSIGN(r, RunStatus());
  EXPECT_EQ(r.exit_code, 7) << r.Describe();
  EXPECT_NE(r.err.find(".sha256"), std::string::npos) << r.err;
}

TEST_F(StatusTest, MetricsFileWrittenWhateverTheHealth) {
  TempDir out;
  const std::string metrics = out.Join("myvault.prom");
  MakeBackup(dir_, BackupKind::kAuto, now_ - 8 * 3600, "12345");
  ASSERT_OK_AND_ASSIGN(CommandResult r, RunStatus({"--metrics-file", metrics}));
  EXPECT_EQ(r.exit_code, 9) << r.Describe();
  ASSERT_OK_AND_ASSIGN(std::string text, ReadFile(metrics));
  EXPECT_NE(text.find("\nmyvault_healthy 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nmyvault_newest_backup_size_bytes 5\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nmyvault_backups_total{kind=\"auto\"} 1\n"), std::string::npos) << text;
  EXPECT_FALSE(std::filesystem::exists(metrics + ".partial"));
}

TEST_F(StatusTest, MonitorNotifiesOnceWhenStaleAndOnceWhenRecovered) {
  testutil::HttpListener slack;
  const std::string url = slack.Url("/services/T0/B0/secret");
  MakeBackup(dir_, BackupKind::kAuto, now_ - 10 * 3600);
  CommandOptions options;
  options.env = {{"NOTIFY_SLACK", "true"}, {"SLACK_WEBHOOK_URL", url}};
  std::unique_ptr<ChildProcess> holder;
  ASSERT_OK_AND_ASSIGN(ChildProcess * child, StartMyvault({"monitor", "--dir", dir_.path(),
                                                           "--every", "1s", "--max-age", "7h"},
                                                          &holder, options));
  std::this_thread::sleep_for(std::chrono::milliseconds(3300));  // checks at 0, 1, 2, 3 s
  ASSERT_EQ(slack.requests().size(), 1U);
  EXPECT_NE(slack.requests()[0].body.find("STALE"), std::string::npos) << slack.requests()[0].body;
  MakeBackup(dir_, BackupKind::kAuto, std::time(nullptr) - 60);
  ASSERT_TRUE(slack.WaitForRequests(2, std::chrono::seconds(5)));
  EXPECT_NE(slack.requests()[1].body.find("recovered"), std::string::npos)
      << slack.requests()[1].body;
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(slack.requests().size(), 2U);
  double seconds = 0;
  ASSERT_OK_AND_ASSIGN(CommandResult r, SignalAndWait(*child, SIGTERM, &seconds));
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_LT(seconds, 2.0);
  EXPECT_NE(r.out.find("UNHEALTHY: newest backup"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("healthy: newest myvault-auto-"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("stopping on signal"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("secret"), std::string::npos) << r.out;
  EXPECT_EQ(r.err.find("secret"), std::string::npos) << r.err;
}

// A webhook that accepts the post and never answers must not hold up SIGTERM: the post in flight
// is abandoned at once.
TEST_F(StatusTest, MonitorStopsAtOnceWhileAWebhookHangs) {
  testutil::HttpListener slack(200, "", testutil::HttpListener::Mode::kNeverAnswer);
  MakeBackup(dir_, BackupKind::kAuto, now_ - 10 * 3600);  // stale: a post at the first check
  CommandOptions options;
  options.env = {{"NOTIFY_SLACK", "true"}, {"SLACK_WEBHOOK_URL", slack.Url("/services/secret")}};
  std::unique_ptr<ChildProcess> holder;
  ASSERT_OK_AND_ASSIGN(ChildProcess * child, StartMyvault({"monitor", "--dir", dir_.path(),
                                                           "--every", "1h", "--max-age", "7h"},
                                                          &holder, options));
  ASSERT_TRUE(slack.WaitForRequests(1, std::chrono::seconds(5)));
  double seconds = 0;
  ASSERT_OK_AND_ASSIGN(CommandResult r, SignalAndWait(*child, SIGTERM, &seconds));
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_LT(seconds, 2.0) << r.Describe();
  EXPECT_NE(r.out.find("notification failed: post to the Slack webhook (http://127.0.0.1) "
                       "abandoned on a signal"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("stopping on signal"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("secret"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace myvault::it
