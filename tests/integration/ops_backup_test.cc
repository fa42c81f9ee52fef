// `myvault backup` and `myvault daemon` against the real server: verified archives named by UTC
// time, the latest link, retention after a backup, the directory lock, the environment of the
// seed's .env, Slack messages received by a loopback listener, and the failure rules: a failed
// backup notifies and leaves `latest` and every older backup as they were.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <regex>
#include <thread>

#include "../unit/http_listener.h"
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

constexpr char kDb[] = "mv_ops";

class OpsBackup : public ServerPairTest {
 protected:
  void Prepare() override {
    ASSERT_OK(EnsureRandomTable(*source_, {kDb, "t", 64, 1 << 10, 4}));  // 1024 rows, 1 MiB
    backups_ = dir_->Join("backups");
    fs::create_directory(backups_);
  }

  // `myvault backup --dir BACKUPS --defaults-file SOURCE --databases mv_ops ARGS`.
  Result<CommandResult> Backup(const std::vector<std::string>& args, CommandOptions options = {}) {
    std::vector<std::string> argv = {"backup",    "--dir",       backups_, "--defaults-file",
                                     source_cnf_, "--databases", kDb};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunMyvault(argv, std::move(options));
  }

  std::vector<BackupFile> List() { return BackupsIn(backups_); }
  std::string Latest() { return LatestIn(backups_); }

  // Waits until `n` backups are done (the latest link points at the n-th: listed alone, an
  // archive may still be under verification), the daemon exits or `seconds` pass.
  void WaitForFinishedBackups(size_t n, ChildProcess& daemon, int seconds) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (daemon.Running() && std::chrono::steady_clock::now() < deadline) {
      const std::vector<BackupFile> files = List();
      if (files.size() >= n && Latest() == files.back().backup.name) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  // Every file in the backup directory, sorted (the lock file included).
  std::vector<std::string> Entries() {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(backups_)) names.push_back(e.path().filename());
    std::sort(names.begin(), names.end());
    return names;
  }

  // An auto backup file dated `days_ago` days before now, with a .sha256 (contents unchecked by
  // retention), for the prune tests.
  std::string FakeBackup(BackupKind kind, double days_ago) {
    const int64_t t = static_cast<int64_t>(std::time(nullptr) - days_ago * 86400);
    const std::string name = ops::BackupFileName("myvault", kind, t);
    EXPECT_OK(WriteFile(backups_ + "/" + name, "old"));
    EXPECT_OK(WriteFile(backups_ + "/" + name + ".sha256", "x"));
    return name;
  }

  std::string backups_;
};

TEST_F(OpsBackup, ABackupIsVerifiedNamedByUtcTimeAndBecomesLatest) {
  ASSERT_OK_AND_ASSIGN(CommandResult r, Backup({}));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  std::vector<BackupFile> files = List();
  ASSERT_EQ(files.size(), 1u);
  const BackupFile& b = files[0];
  EXPECT_EQ(b.backup.kind, BackupKind::kAuto);
  EXPECT_LE(std::abs(b.backup.time - static_cast<int64_t>(std::time(nullptr))), 60)
      << b.backup.name << " is not stamped with the current UTC time";
  EXPECT_EQ(Latest(), b.backup.name);
  // The .sha256 names the file by its base name: sha256sum -c works inside the directory.
  ExpectCompleteArchive(b.backup.name, backups_);
  ASSERT_OK_AND_ASSIGN(std::string sum, ReadFile(b.path + ".sha256"));
  EXPECT_EQ(sum.substr(64), "  " + b.backup.name + "\n");
  EXPECT_NE(r.err.find("verified " + b.backup.name), std::string::npos) << r.err;
  // `myvault verify` through the link checks the target's .sha256.
  ASSERT_OK_AND_ASSIGN(CommandResult v,
                       RunMyvault({"verify", backups_ + "/myvault-latest.sql.gz"}));
  EXPECT_EQ(v.exit_code, 0) << v.Describe();
  EXPECT_NE(v.out.find(".sha256 matches"), std::string::npos) << v.out;
  // A second backup (a manual one) moves the link; nothing else is in the directory.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  ASSERT_OK_AND_ASSIGN(r, Backup({"--kind", "manual"}));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  files = List();
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[1].backup.kind, BackupKind::kManual);
  EXPECT_EQ(Latest(), files[1].backup.name);
  std::vector<std::string> expected = {".myvault.lock",
                                       files[0].backup.name,
                                       files[0].backup.name + ".sha256",
                                       files[1].backup.name,
                                       files[1].backup.name + ".sha256",
                                       "myvault-latest.sql.gz"};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(Entries(), expected);
}

TEST_F(OpsBackup, RetentionRunsAfterTheBackupAndKeepsManualOnes) {
  // With --weekly 1 --monthly 1, an auto backup 40 days old is in no class any more.
  const std::string expired = FakeBackup(BackupKind::kAuto, 40);
  const std::string daily = FakeBackup(BackupKind::kAuto, 2);
  const std::string manual = FakeBackup(BackupKind::kManual, 400);
  ASSERT_OK_AND_ASSIGN(CommandResult r, Backup({"--weekly", "1", "--monthly", "1"}));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_FALSE(fs::exists(backups_ + "/" + expired));
  EXPECT_FALSE(fs::exists(backups_ + "/" + expired + ".sha256"));
  EXPECT_TRUE(fs::exists(backups_ + "/" + daily));
  EXPECT_TRUE(fs::exists(backups_ + "/" + manual));
  EXPECT_NE(r.err.find("pruned " + expired), std::string::npos) << r.err;
  // --daily 0 --weekly 0 --monthly 0 from the environment (the seed's names) keeps only the new
  // backup of the autos; --no-prune keeps everything.
  ASSERT_OK_AND_ASSIGN(r, Backup({"--no-prune"}, {.env = {{"DAILY_RETENTION", "0"}}}));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_TRUE(fs::exists(backups_ + "/" + daily));
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  ASSERT_OK_AND_ASSIGN(r, Backup({}, {.env = {{"DAILY_RETENTION", "0"},
                                              {"WEEKLY_RETENTION", "0"},
                                              {"MONTHLY_RETENTION", "0"}}}));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  std::vector<BackupFile> files = List();
  ASSERT_EQ(files.size(), 2u) << r.err;
  EXPECT_EQ(files[0].backup.name, manual);
  EXPECT_EQ(files[1].backup.name, Latest());
}

// The --copy-to directory follows the same retention: its expired copies go (with their
// .sha256), its others and files that are not this prefix's backups stay.
TEST_F(OpsBackup, OffsiteCopiesFollowRetention) {
  const std::string offsite = dir_->Join("nfs");
  fs::create_directory(offsite);
  const std::string expired = FakeBackup(BackupKind::kAuto, 40);
  const std::string daily = FakeBackup(BackupKind::kAuto, 2);
  for (const std::string& name : {expired, daily}) {
    fs::rename(backups_ + "/" + name, offsite + "/" + name);
    fs::rename(backups_ + "/" + name + ".sha256", offsite + "/" + name + ".sha256");
  }
  const std::string other = ops::BackupFileName("otherstack", BackupKind::kAuto, 86400);
  ASSERT_OK(WriteFile(offsite + "/" + other, "not ours"));
  ASSERT_OK_AND_ASSIGN(CommandResult r,
                       Backup({"--weekly", "1", "--monthly", "1", "--copy-to", offsite}));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  const std::string made = Latest();
  EXPECT_FALSE(fs::exists(offsite + "/" + expired));
  EXPECT_FALSE(fs::exists(offsite + "/" + expired + ".sha256"));
  EXPECT_TRUE(fs::exists(offsite + "/" + daily));
  EXPECT_TRUE(fs::exists(offsite + "/" + other));
  EXPECT_TRUE(fs::exists(offsite + "/" + made));
  ExpectCompleteArchive(made, offsite);  // sha256sum -c works there
  EXPECT_NE(r.err.find("pruned offsite " + offsite + "/" + expired), std::string::npos) << r.err;
  // --no-prune leaves the offsite directory alone too.
  const std::string expired2 = FakeBackup(BackupKind::kAuto, 41);
  fs::rename(backups_ + "/" + expired2, offsite + "/" + expired2);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  ASSERT_OK_AND_ASSIGN(
      r, Backup({"--weekly", "1", "--monthly", "1", "--copy-to", offsite, "--no-prune"}));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_TRUE(fs::exists(offsite + "/" + expired2));
}

TEST_F(OpsBackup, EverythingCanComeFromTheSeedsEnvironment) {
  const std::string password = source_config_.password;
  CommandOptions env;
  env.env = {{"DB_HOST", source_config_.host},
             {"DB_PORT", std::to_string(source_config_.port)},
             {"DB_DATABASE", kDb},
             {"DB_USERNAME", source_config_.user},
             {"DB_PASSWORD", password},
             {"BACKUP_DIR", backups_},
             {"BACKUP_PREFIX", "shop"}};
  ASSERT_OK_AND_ASSIGN(CommandResult r, RunMyvault({"backup", "--no-defaults", "-q"}, env));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_EQ(r.err, "");
  ASSERT_OK_AND_ASSIGN(std::vector<BackupFile> files, ops::ListBackups(backups_, "shop"));
  ASSERT_EQ(files.size(), 1u);
  ASSERT_OK_AND_ASSIGN(std::string sql, DecompressArchive(files[0].path));
  EXPECT_EQ(CreatedDatabases(sql), std::vector<std::string>{kDb}) << "DB_DATABASE narrows it";
  EXPECT_TRUE(fs::is_symlink(backups_ + "/shop-latest.sql.gz"));
  // A flag beats the environment.
  ASSERT_OK_AND_ASSIGN(r, RunMyvault({"backup", "--no-defaults", "-q", "--prefix", "other"}, env));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_TRUE(fs::is_symlink(backups_ + "/other-latest.sql.gz"));
}

TEST_F(OpsBackup, ASecondBackupWhileTheDirectoryIsLockedIsRefused) {
  // flock(1) holds the lock while its command runs; --no-fork makes `sleep` the process that
  // holds it, so killing that one process releases the lock.
  ASSERT_OK_AND_ASSIGN(
      std::unique_ptr<ChildProcess> holder,
      ChildProcess::Start({"flock", "--no-fork", backups_ + "/.myvault.lock", "sleep", "30"}));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_OK_AND_ASSIGN(CommandResult r, Backup({}));
  EXPECT_EQ(r.exit_code, 8) << r.Describe();
  EXPECT_NE(r.err.find("is running a backup in " + backups_), std::string::npos) << r.err;
  EXPECT_TRUE(List().empty());
  double seconds = 0;
  ASSERT_OK(SignalAndWait(*holder, SIGKILL, &seconds).status());
  ASSERT_OK_AND_ASSIGN(r, Backup({}));
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
}

// A killed backup leaves its NAME.partial (as large as what it had dumped) and, killed between
// the checksum and the rename, a NAME.sha256 without NAME. The next backup, under the lock,
// removes both for its own prefix, and nothing else: not another prefix's files, not a whole
// backup with its checksum. Before, a .partial stayed for ever.
TEST_F(OpsBackup, TheNextBackupRemovesWhatAKilledOneLeft) {
  ASSERT_OK_AND_ASSIGN(CommandResult first, Backup({}));
  ASSERT_EQ(first.exit_code, 0) << first.Describe();
  const std::vector<BackupFile> good = List();
  ASSERT_EQ(good.size(), 1u);
  const std::string dead = backups_ + "/myvault-auto-20200101_000000.sql.gz";
  const std::string torn = backups_ + "/myvault-manual-20200101_000001.sql.gz";
  const std::string other = backups_ + "/other-auto-20200101_000000.sql.gz.partial";
  ASSERT_OK(WriteFile(dead + ".partial", std::string(1 << 20, 'x')));
  ASSERT_OK(WriteFile(torn + ".sha256", "00  myvault-manual-20200101_000001.sql.gz\n"));
  ASSERT_OK(WriteFile(torn + ".partial", "x"));
  ASSERT_OK(WriteFile(other, "x"));
  ASSERT_OK_AND_ASSIGN(CommandResult next, Backup({}));
  ASSERT_EQ(next.exit_code, 0) << next.Describe();
  EXPECT_NE((next.out + next.err).find("removed 2 unfinished archive(s) (.partial)"),
            std::string::npos)
      << next.out << next.err;
  for (const std::string& gone : {dead + ".partial", torn + ".partial", torn + ".sha256"}) {
    EXPECT_FALSE(fs::exists(gone)) << gone;
  }
  EXPECT_TRUE(fs::exists(other)) << "another prefix's file was removed";
  EXPECT_TRUE(fs::exists(good[0].path));
  EXPECT_TRUE(fs::exists(good[0].path + ".sha256"));
  EXPECT_EQ(List().size(), 2u);
}

TEST_F(OpsBackup, ABackupOfAStoppedServerNotifiesAndTouchesNoGoodBackup) {
  HttpListener slack;
  const std::vector<std::pair<std::string, std::optional<std::string>>> notify = {
      {"NOTIFY_SLACK", "true"}, {"SLACK_WEBHOOK_URL", slack.Url("/services/T0/B0/SECRETPATH")}};
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<ThrowawayServer> server,
                       ThrowawayServer::Start(dir_->Join("server")));
  {
    ASSERT_OK_AND_ASSIGN(auto conn, TestServer::Connect(server->config()));
    ASSERT_OK(EnsureRandomTable(*conn, {kDb, "t", 64, 1 << 10, 2}));
  }
  ASSERT_OK_AND_ASSIGN(std::string cnf,
                       WriteOptionFile(server->config(), dir_->path(), "stopped.cnf"));
  const std::vector<std::string> args = {"backup", "--dir", backups_, "--defaults-file", cnf};
  ASSERT_OK_AND_ASSIGN(CommandResult good, RunMyvault(args, {.env = notify}));
  ASSERT_EQ(good.exit_code, 0) << good.Describe();
  ASSERT_TRUE(slack.WaitForRequests(1, std::chrono::seconds(5)));
  EXPECT_NE(slack.requests()[0].body.find("backup succeeded"), std::string::npos)
      << slack.requests()[0].body;
  const std::vector<std::string> before = Entries();
  const std::string latest = Latest();
  server.reset();  // stopped by its pid

  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  ASSERT_OK_AND_ASSIGN(CommandResult r, RunMyvault(args, {.env = notify}));
  EXPECT_EQ(r.exit_code, 3) << r.Describe();
  EXPECT_NE(r.err.find("myvault: error: "), std::string::npos) << r.err;
  EXPECT_EQ(Entries(), before) << "a failed backup must leave the directory as it was";
  EXPECT_EQ(Latest(), latest);
  ASSERT_TRUE(slack.WaitForRequests(2, std::chrono::seconds(5)));
  const std::string body = slack.requests()[1].body;
  EXPECT_NE(body.find("backup FAILED"), std::string::npos) << body;
  EXPECT_NE(body.find("connect"), std::string::npos) << "the cause is named: " << body;
  for (const std::string& text : {r.out, r.err, good.out, good.err}) {
    EXPECT_EQ(text.find("SECRETPATH"), std::string::npos) << "the webhook URL leaked: " << text;
  }
}

// --metrics-file after a backup: this run's result and the directory, for node_exporter.
TEST_F(OpsBackup, MetricsFileDescribesTheLastRunAndTheDirectory) {
  const std::string metrics = dir_->Join("myvault.prom");
  ASSERT_OK_AND_ASSIGN(CommandResult r, Backup({"--metrics-file", metrics}));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  ASSERT_OK_AND_ASSIGN(std::string text, ReadFile(metrics));
  const std::vector<BackupFile> files = List();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_NE(text.find("\nmyvault_last_run_success 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nmyvault_last_run_size_bytes " + std::to_string(files[0].size) + "\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("\nmyvault_last_success_timestamp_seconds " +
                      std::to_string(files[0].backup.time) + "\n"),
            std::string::npos)
      << text;
  EXPECT_TRUE(std::regex_search(text, std::regex(R"(\nmyvault_last_run_duration_seconds 0?\.?\d)")))
      << text;
  EXPECT_TRUE(
      std::regex_search(text, std::regex(R"(\nmyvault_newest_backup_dump_duration_seconds \d+\n)")))
      << text;
  EXPECT_FALSE(fs::exists(metrics + ".partial"));
  // A failed run says so, and the directory's figures stay those of the good backup.
  ASSERT_OK_AND_ASSIGN(
      r, RunMyvault({"backup", "--dir", backups_, "--metrics-file", metrics, "--no-defaults", "-h",
                     "127.0.0.1", "-P", std::to_string(*FreeTcpPort()), "-u", "nobody"}));
  EXPECT_EQ(r.exit_code, 3) << r.Describe();
  ASSERT_OK_AND_ASSIGN(text, ReadFile(metrics));
  EXPECT_NE(text.find("\nmyvault_last_run_success 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nmyvault_backups_total{kind=\"auto\"} 1\n"), std::string::npos) << text;
}

TEST_F(OpsBackup, AWebhookThatFailsDoesNotFailTheBackup) {
  HttpListener slack(500, "no");
  ASSERT_OK_AND_ASSIGN(CommandResult r,
                       Backup({}, {.env = {{"NOTIFY_SLACK", "true"},
                                           {"SLACK_WEBHOOK_URL", slack.Url("/hook/SECRETPATH")}}}));
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_NE(r.err.find("notification not sent"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("SECRETPATH"), std::string::npos) << r.err;
  EXPECT_EQ(List().size(), 1u);
}

TEST_F(OpsBackup, OffsiteCopiesAreMadeAfterVerification) {
  const std::string offsite = dir_->Join("nfs");
  fs::create_directory(offsite);
  ASSERT_OK_AND_ASSIGN(CommandResult r, Backup({"--copy-to", offsite, "--copy-command",
                                                "cp {file} " + offsite + "/{name}.cmd"}));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  const std::string name = Latest();
  ASSERT_FALSE(name.empty());
  ASSERT_OK_AND_ASSIGN(std::string original, ReadFile(backups_ + "/" + name));
  ASSERT_OK_AND_ASSIGN(std::string copy, ReadFile(offsite + "/" + name));
  ASSERT_OK_AND_ASSIGN(std::string by_command, ReadFile(offsite + "/" + name + ".cmd"));
  EXPECT_TRUE(copy == original && by_command == original);
  ExpectCompleteArchive(name, offsite);
  // A failing command: the local backup is kept and latest moves, but the run says so (exit 6).
  // Latest already pointed at the new backup when the command ran: it reads the link.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  const std::string seen = dir_->Join("seen");
  ASSERT_OK_AND_ASSIGN(
      r, Backup({"--copy-command",
                 "readlink " + backups_ + "/myvault-latest.sql.gz > " + seen + "; exit 3"}));
  EXPECT_EQ(r.exit_code, 6) << r.Describe();
  EXPECT_NE(r.err.find("offsite copy failed"), std::string::npos) << r.err;
  const std::vector<BackupFile> files = List();
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(Latest(), files[1].backup.name);
  ASSERT_OK_AND_ASSIGN(std::string link, ReadFile(seen));
  EXPECT_EQ(link, files[1].backup.name + "\n") << "latest moved only after the copy";
}

// An offsite copy that never returns: killed at --copy-timeout with its whole process group, exit
// 6 and a Slack failure, while the verified backup is kept and `latest` already points at it
// (the command reads the link when it starts: it was moved before the copy).
TEST_F(OpsBackup, AHungCopyCommandIsKilledAtTheTimeoutWithLatestAlreadyMoved) {
  HttpListener slack;
  const std::string seen = dir_->Join("seen");
  const std::string pgid_file = dir_->Join("pgid");
  const std::string command = "echo $$ > " + pgid_file + "; readlink " + backups_ +
                              "/myvault-latest.sql.gz > " + seen + "; sleep 1000";
  const auto start = std::chrono::steady_clock::now();
  ASSERT_OK_AND_ASSIGN(
      CommandResult r,
      Backup({"--copy-command", command, "--copy-timeout", "2s"},
             {.env = {{"NOTIFY_SLACK", "true"}, {"SLACK_WEBHOOK_URL", slack.Url("/hook/x")}}}));
  const double took =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(r.exit_code, 6) << r.Describe();
  EXPECT_LT(took, 60.0) << "the copy was not stopped at its timeout";
  EXPECT_NE(r.err.find("offsite copy command did not finish within 2s (--copy-timeout): its "
                       "processes were stopped with SIGTERM"),
            std::string::npos)
      << r.err;
  const std::vector<BackupFile> files = List();
  ASSERT_EQ(files.size(), 1u);
  ExpectCompleteArchive(files[0].backup.name, backups_);
  EXPECT_EQ(Latest(), files[0].backup.name);
  ASSERT_OK_AND_ASSIGN(std::string link, ReadFile(seen));
  EXPECT_EQ(link, files[0].backup.name + "\n") << "latest was not moved before the copy";
  ASSERT_OK_AND_ASSIGN(std::string pgid, ReadFile(pgid_file));
  EXPECT_NE(::kill(-static_cast<pid_t>(std::stol(pgid)), 0), 0) << "the copy's processes live on";
  EXPECT_EQ(errno, ESRCH);
  ASSERT_TRUE(slack.WaitForRequests(1, std::chrono::seconds(5)));
  const std::string body = slack.requests()[0].body;
  EXPECT_NE(body.find("backup FAILED"), std::string::npos) << body;
  EXPECT_NE(body.find("is verified and kept, but its offsite copy failed"), std::string::npos)
      << body;
  // A bad duration is a usage error before anything is dumped.
  ASSERT_OK_AND_ASSIGN(r, Backup({"--copy-command", "true", "--copy-timeout", "soon"}));
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  EXPECT_NE(r.err.find("--copy-timeout: "), std::string::npos) << r.err;
  EXPECT_EQ(List().size(), 1u);
}

// A webhook that never answers must not hold up SIGTERM: the daemon's post after its backup is
// abandoned at once.
TEST_F(OpsBackup, DaemonStopsAtOnceWhileAWebhookHangs) {
  HttpListener slack(200, "", HttpListener::Mode::kNeverAnswer);
  std::unique_ptr<ChildProcess> daemon;
  ASSERT_OK(StartMyvault({"daemon", "--schedule", "0 0 1 1 *", "--dir", backups_, "--defaults-file",
                          source_cnf_, "--databases", kDb},
                         &daemon,
                         {.env = {{"NOTIFY_SLACK", "true"},
                                  {"SLACK_WEBHOOK_URL", slack.Url("/hook/SECRETPATH")}}})
                .status());
  ASSERT_TRUE(slack.WaitForRequests(1, std::chrono::seconds(30))) << "no post after the backup";
  double seconds = 0;
  ASSERT_OK_AND_ASSIGN(CommandResult r, SignalAndWait(*daemon, SIGTERM, &seconds));
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_LT(seconds, 2.0) << r.Describe();
  EXPECT_NE(r.out.find("abandoned on a signal"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("daemon stopping on signal"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("SECRETPATH"), std::string::npos) << r.out;
  ASSERT_EQ(List().size(), 1u);
  EXPECT_EQ(Latest(), List()[0].backup.name);
}

// The daemon on `@every 2s`: verified backups, a correct link, and SIGTERM a clean exit 0.
TEST_F(OpsBackup, DaemonMakesVerifiedBackupsAndStopsCleanlyOnSigterm) {
  std::unique_ptr<ChildProcess> daemon;
  ASSERT_OK(StartMyvault({"daemon", "--schedule", "@every 2s", "--dir", backups_, "--defaults-file",
                          source_cnf_, "--databases", kDb},
                         &daemon)
                .status());
  WaitForFinishedBackups(3, *daemon, 30);
  double seconds = 0;
  ASSERT_OK_AND_ASSIGN(CommandResult r, SignalAndWait(*daemon, SIGTERM, &seconds));
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_LT(seconds, 5.0);
  std::vector<BackupFile> files = List();
  ASSERT_GE(files.size(), 3u) << r.Describe();
  for (const BackupFile& f : files) {
    EXPECT_EQ(f.backup.kind, BackupKind::kAuto);
    ExpectCompleteArchive(f.backup.name, backups_);
  }
  EXPECT_EQ(Latest(), files.back().backup.name);
  for (const std::string& e : Entries()) EXPECT_EQ(e.find(".partial"), std::string::npos) << e;
  // Logs for docker logs: one stamped line per event on stdout.
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ daemon )"
                                                  R"(started: every 2s, )")))
      << r.out;
  EXPECT_NE(r.out.find("daemon stopping on signal"), std::string::npos) << r.out;
  // Slots are 2 s apart: never two backups within the same second (no burst, no stacking).
  for (size_t i = 1; i < files.size(); ++i) {
    EXPECT_GE(files[i].backup.time - files[i - 1].backup.time, 1) << files[i].backup.name;
  }
}

// SIGTERM in the middle of a backup: the dump is abandoned, nothing half-written stays, exit 0.
TEST_F(OpsBackup, DaemonAbortsTheRunningBackupCleanlyOnSigterm) {
  ASSERT_OK(EnsureRandomTable(*source_, {"mv_ops_big", "blobs", 100, 16 << 10, 5}));  // 50 MiB
  std::unique_ptr<ChildProcess> daemon;
  ASSERT_OK(StartMyvault({"daemon", "--schedule", "0 0 1 1 *", "--dir", backups_, "--defaults-file",
                          source_cnf_, "--databases", "mv_ops_big", "--threads", "1",
                          "--compress-level", "9"},
                         &daemon)
                .status());
  // No backup yet: the daemon takes one at once; wait until its .partial holds 1 MiB.
  bool partial = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!partial && daemon->Running() && std::chrono::steady_clock::now() < deadline) {
    for (const std::string& e : Entries()) {
      std::error_code ec;
      partial |= e.find(".partial") != std::string::npos &&
                 fs::file_size(backups_ + "/" + e, ec) > (1u << 20) && !ec;
    }
    if (!partial) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(partial) << "never saw the catch-up backup write its first MiB";
  double seconds = 0;
  ASSERT_OK_AND_ASSIGN(CommandResult r, SignalAndWait(*daemon, SIGTERM, &seconds));
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_LT(seconds, 5.0);
  EXPECT_NE(r.out.find("no automatic backup in " + backups_ + " yet: taking one now"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(Entries(), std::vector<std::string>{".myvault.lock"}) << r.Describe();
}

// SIGTERM between the dump and the end of its verification: an archive nobody verified must
// not stay under a backup name, so the daemon removes it and exits 0.
TEST_F(OpsBackup, DaemonRemovesAnArchiveWhoseVerificationASignalInterrupted) {
  ASSERT_OK(EnsureRandomTable(*source_, {"mv_ops_big", "blobs", 100, 16 << 10, 5}));  // 50 MiB
  std::unique_ptr<ChildProcess> daemon;
  ASSERT_OK(StartMyvault({"daemon", "--schedule", "0 0 1 1 *", "--dir", backups_, "--defaults-file",
                          source_cnf_, "--databases", "mv_ops_big"},
                         &daemon)
                .status());
  // The archive is listed (renamed into place) while latest does not point at it yet: the
  // verification is under way (about 0.3 s for this archive on 2 threads).
  bool verifying = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!verifying && daemon->Running() && std::chrono::steady_clock::now() < deadline) {
    verifying = !List().empty() && Latest().empty();
    if (!verifying) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ASSERT_TRUE(verifying) << "never saw the archive before its verification ended";
  double seconds = 0;
  ASSERT_OK_AND_ASSIGN(CommandResult r, SignalAndWait(*daemon, SIGTERM, &seconds));
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_NE(r.out.find("whose verification the signal interrupted"), std::string::npos) << r.out;
  EXPECT_EQ(Entries(), std::vector<std::string>{".myvault.lock"}) << r.out;
}

// Down for a day on a 6-hourly schedule: one catch-up backup at start, not four. With a
// backup newer than the last slot, none.
TEST_F(OpsBackup, DaemonCatchesUpOnceAfterDowntimeNotInABurst) {
  const std::string old = FakeBackup(BackupKind::kAuto, 1.0);
  std::unique_ptr<ChildProcess> daemon;
  ASSERT_OK(StartMyvault({"daemon", "--schedule", "0 */6 * * *", "--dir", backups_,
                          "--defaults-file", source_cnf_, "--databases", kDb},
                         &daemon)
                .status());
  WaitForFinishedBackups(2, *daemon, 20);
  std::this_thread::sleep_for(std::chrono::seconds(2));  // time for a burst to show, if any
  double seconds = 0;
  ASSERT_OK_AND_ASSIGN(CommandResult r, SignalAndWait(*daemon, SIGTERM, &seconds));
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  ASSERT_EQ(List().size(), 2u) << r.out;
  EXPECT_NE(r.out.find("went by without a backup (newest: " + old + "): one catch-up backup now"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("next backup at "), std::string::npos) << r.out;

  // Now the newest backup is from this slot: a restart takes none.
  ASSERT_OK(StartMyvault({"daemon", "--schedule", "0 */6 * * *", "--dir", backups_,
                          "--defaults-file", source_cnf_, "--databases", kDb},
                         &daemon)
                .status());
  std::this_thread::sleep_for(std::chrono::seconds(2));
  ASSERT_OK_AND_ASSIGN(r, SignalAndWait(*daemon, SIGTERM, &seconds));
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_EQ(List().size(), 2u) << r.out;
  EXPECT_EQ(r.out.find("catch-up"), std::string::npos) << r.out;
}

// Backups longer than the interval: slots that go by during one are skipped, never queued.
TEST_F(OpsBackup, DaemonSkipsSlotsThatGoByDuringABackup) {
  ASSERT_OK(EnsureRandomTable(*source_, {"mv_ops_big", "blobs", 100, 16 << 10, 5}));  // 50 MiB
  std::unique_ptr<ChildProcess> daemon;
  ASSERT_OK(StartMyvault({"daemon", "--schedule", "@every 1s", "--dir", backups_, "--defaults-file",
                          source_cnf_, "--databases", "mv_ops_big", "--threads", "1",
                          "--compress-threads", "1", "--compress-level", "6"},
                         &daemon)
                .status());
  WaitForFinishedBackups(2, *daemon, 60);
  double seconds = 0;
  ASSERT_OK_AND_ASSIGN(CommandResult r, SignalAndWait(*daemon, SIGTERM, &seconds));
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  std::vector<BackupFile> files = List();
  ASSERT_GE(files.size(), 2u) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(skipped \d+ slot\(s\) that went by)")))
      << r.out;
  for (const std::string& e : Entries()) EXPECT_EQ(e.find(".partial"), std::string::npos) << e;
}

}  // namespace
}  // namespace myvault::it
