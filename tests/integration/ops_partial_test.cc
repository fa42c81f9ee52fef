// Partial backups in the backup directory, and backups taken while a restore loads a database.
// A backup of some tables (`--kind manual --tables db.t`, before a risky UPDATE) is kept and
// listed as partial, but never replaces a full backup as `latest` and never makes `status`
// healthy. A backup never saves a database a restore is loading (or left half-loaded): named, it
// is refused; otherwise it is left out, the archive says so and is partial, and the backup exits
// 10 and tells Slack. Drill copies (`*_drill`) are never in a default dump.
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <regex>
#include <thread>

#include "../unit/http_listener.h"
#include "archive_index.h"
#include "datasets.h"
#include "fixture.h"
#include "myvault/ops/backup_dir.h"
#include "myvault_cli.h"
#include "throwaway_server.h"

namespace myvault::it {
namespace {

namespace fs = std::filesystem;
using ops::BackupFile;
using ops::BackupKind;
using testutil::HttpListener;

constexpr char kDb[] = "mv_opartial";
constexpr int kExitRestoreInProgress = 10;

class OpsPartial : public ServerPairTest {
 protected:
  void Prepare() override {
    ASSERT_OK(EnsureRandomTable(*source_, {kDb, "t", 64, 1 << 10, 4}));
    ASSERT_OK(
        source_->Exec("CREATE TABLE IF NOT EXISTS mv_opartial.small (id INT PRIMARY KEY);"
                      "REPLACE INTO mv_opartial.small VALUES (1), (2), (3)"));
    backups_ = dir_->Join("backups");
    fs::create_directory(backups_);
  }

  Result<CommandResult> Backup(const std::string& cnf, const std::vector<std::string>& args,
                               CommandOptions options = {}) {
    std::vector<std::string> argv = {"backup", "--dir", backups_, "--defaults-file", cnf};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunMyvault(argv, std::move(options));
  }

  std::vector<BackupFile> List() { return BackupsIn(backups_); }
  std::string Latest() { return LatestIn(backups_); }

  // Renames backup `name` (and its .sha256, whose line names it) to the time `seconds_ago`.
  std::string Age(const std::string& name, int64_t seconds_ago) {
    const int64_t t = static_cast<int64_t>(std::time(nullptr)) - seconds_ago;
    const std::string older = ops::BackupFileName("myvault", BackupKind::kAuto, t);
    Result<std::string> sum = ReadFile(backups_ + "/" + name + ".sha256");
    EXPECT_TRUE(sum.ok());
    fs::rename(backups_ + "/" + name, backups_ + "/" + older);
    fs::remove(backups_ + "/" + name + ".sha256");
    EXPECT_OK(WriteFile(backups_ + "/" + older + ".sha256",
                        sum.ok() ? sum->substr(0, 64) + "  " + older + "\n" : ""));
    return older;
  }

  std::string backups_;
};

TEST_F(OpsPartial, APartialBackupIsListedAsPartialAndNeverTakesLatestFromAFullOne) {
  ASSERT_OK_AND_ASSIGN(CommandResult full, Backup(source_cnf_, {"--databases", kDb}));
  ASSERT_EQ(full.exit_code, 0) << full.Describe();
  const std::string full_name = Latest();
  ASSERT_FALSE(full_name.empty());
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // a name of its own

  ASSERT_OK_AND_ASSIGN(CommandResult part, Backup(source_cnf_, {"--kind", "manual", "--tables",
                                                                std::string(kDb) + ".small"}));
  ASSERT_EQ(part.exit_code, 0) << part.Describe();
  EXPECT_EQ(Latest(), full_name) << "a partial backup replaced the full one as latest";
  EXPECT_NE(part.err.find("partial backup"), std::string::npos) << part.err;
  const std::vector<BackupFile> files = List();
  ASSERT_EQ(files.size(), 2u);
  EXPECT_FALSE(files[0].partial);
  EXPECT_TRUE(files[1].partial);

  ASSERT_OK_AND_ASSIGN(CommandResult list, RunMyvault({"list", "--dir", backups_}));
  ASSERT_EQ(list.exit_code, 0) << list.Describe();
  EXPECT_TRUE(
      std::regex_search(list.out, std::regex("manual +partial [^\n]*" + files[1].backup.name)))
      << list.out;
  EXPECT_TRUE(std::regex_search(list.out, std::regex("auto +full [^\n]*" + full_name))) << list.out;
  ASSERT_OK_AND_ASSIGN(CommandResult json, RunMyvault({"list", "--dir", backups_, "--json"}));
  EXPECT_NE(json.out.find("\"contents\":\"partial\""), std::string::npos) << json.out;
}

TEST_F(OpsPartial, APartialBackupDoesNotMakeStatusHealthy) {
  ASSERT_OK_AND_ASSIGN(CommandResult full, Backup(source_cnf_, {"--databases", kDb}));
  ASSERT_EQ(full.exit_code, 0) << full.Describe();
  const std::string old_full = Age(Latest(), 10 * 3600);
  ASSERT_OK_AND_ASSIGN(CommandResult part, Backup(source_cnf_, {"--kind", "manual", "--tables",
                                                                std::string(kDb) + ".small"}));
  ASSERT_EQ(part.exit_code, 0) << part.Describe();
  ASSERT_OK_AND_ASSIGN(CommandResult status,
                       RunMyvault({"status", "--dir", backups_, "--max-age", "7h"}));
  EXPECT_EQ(status.exit_code, 9) << status.Describe();
  EXPECT_NE(status.out.find(old_full), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("1 partial"), std::string::npos) << status.out;
}

// On a server of its own: a default backup covers every database there.
TEST_F(OpsPartial, ABackupNeverSavesADatabaseThatARestoreIsLoading) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<ThrowawayServer> server,
                       ThrowawayServer::Start(dir_->Join("server")));
  ASSERT_OK_AND_ASSIGN(auto conn, TestServer::Connect(server->config()));
  ASSERT_OK(EnsureRandomTable(*conn, {"mv_live", "t", 64, 1 << 10, 2}));
  ASSERT_OK(EnsureRandomTable(*conn, {"mv_live_drill", "t", 8, 1 << 10, 0}));
  ASSERT_OK(EnsureRandomTable(*conn, {"mv_loading", "t", 64, 16 << 10, 2}));  // 4 MiB
  ASSERT_OK_AND_ASSIGN(std::string cnf, WriteOptionFile(server->config(), dir_->path(), "s.cnf"));
  const std::string archive = dir_->Join("loading.sql.gz");
  ASSERT_OK_AND_ASSIGN(CommandResult dumped,
                       RunMyvault({"dump", "--defaults-file", cnf, "--databases", "mv_loading",
                                   "--chunk-size", "65536", "-q", "--output", archive}));
  ASSERT_EQ(dumped.exit_code, 0) << dumped.Describe();
  ASSERT_OK_AND_ASSIGN(CommandResult full, Backup(cnf, {"--databases", "mv_live"}));
  ASSERT_EQ(full.exit_code, 0) << full.Describe();
  const std::string full_name = Latest();

  // A restore of mv_loading into the same server, killed half-way through its data.
  std::unique_ptr<ChildProcess> child;
  ASSERT_OK(StartMyvault(
                {"restore", archive, "--defaults-file", cnf, "--yes", "--quiet", "--threads", "1"},
                &child)
                .status());
  bool half = false;
  for (int i = 0; i < 6000 && !half && child->Running(); ++i) {
    Result<std::string> n =
        conn->QueryValue("SELECT COUNT(*) FROM _myvault_restore.progress WHERE step = 'chunk'");
    half = n.ok() && std::stol(*n) >= 3;
    if (!half) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_TRUE(half && child->Running()) << child->Wait().Describe();
  double seconds = 0;
  ASSERT_OK(SignalAndWait(*child, SIGKILL, &seconds).status());

  // Named: refused, nothing written.
  const size_t before = List().size();
  ASSERT_OK_AND_ASSIGN(CommandResult named, Backup(cnf, {"--databases", "mv_loading"}));
  EXPECT_EQ(named.exit_code, kExitRestoreInProgress) << named.Describe();
  EXPECT_NE(named.err.find("mv_loading"), std::string::npos) << named.err;
  EXPECT_EQ(List().size(), before);

  // Every database: mv_loading is left out, loudly; the drill copy is never in it.
  HttpListener slack;
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  ASSERT_OK_AND_ASSIGN(
      CommandResult all,
      Backup(cnf, {}, {.env = {{"NOTIFY_SLACK", "true"}, {"SLACK_WEBHOOK_URL", slack.Url("/x")}}}));
  EXPECT_EQ(all.exit_code, kExitRestoreInProgress) << all.Describe();
  EXPECT_NE(all.err.find("mv_loading"), std::string::npos) << all.err;
  const std::vector<BackupFile> files = List();
  ASSERT_EQ(files.size(), before + 1);
  const BackupFile& made = files.back();
  EXPECT_TRUE(made.partial);
  ExpectCompleteArchive(made.backup.name, backups_);
  EXPECT_EQ(Latest(), full_name) << "the partial backup became latest";
  ASSERT_OK_AND_ASSIGN(std::string bytes, ReadFile(made.path));
  ASSERT_OK_AND_ASSIGN(ArchiveIndex index, ReadArchiveIndex(bytes));
  EXPECT_EQ(index.Meta("database_excluded"), "mv_loading");
  EXPECT_EQ(index.Meta("database_complete"), "mv_live");
  EXPECT_EQ(index.FindObject("database", "mv_loading", ""), nullptr);
  EXPECT_EQ(index.FindObject("database", "mv_live_drill", ""), nullptr);
  ASSERT_TRUE(slack.WaitForRequests(1, std::chrono::seconds(5)));
  EXPECT_NE(slack.requests()[0].body.find("mv_loading"), std::string::npos)
      << slack.requests()[0].body;
  EXPECT_EQ(slack.requests()[0].body.find("succeeded"), std::string::npos)
      << slack.requests()[0].body;

  // Once the restore is finished, the backup is whole again.
  ASSERT_OK_AND_ASSIGN(CommandResult resumed, RunMyvault({"restore", archive, "--defaults-file",
                                                          cnf, "--yes", "--quiet", "--resume"}));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.Describe();
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  ASSERT_OK_AND_ASSIGN(CommandResult again, Backup(cnf, {}));
  EXPECT_EQ(again.exit_code, 0) << again.Describe();
  EXPECT_EQ(Latest(), List().back().backup.name);
  EXPECT_FALSE(List().back().partial);
}

}  // namespace
}  // namespace myvault::it
