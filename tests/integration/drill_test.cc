// `myvault drill` end to end: a real backup directory (an archive dumped from the source under a
// backup name, its .sha256, the latest link) drilled into the target server. The target holds
// its own `mvdrill_shop` with a sentinel row, which every drill must leave alone; the scratch
// copies must be gone afterwards (or, with --keep, hold the archive's rows); a damaged archive
// must fail before any database is created; the Slack message must arrive without the webhook
// path showing anywhere; SIGTERM mid-restore must still drop the copies.
#include "myvault/ops/drill.h"

#include <signal.h>

#include <chrono>
#include <ctime>
#include <regex>
#include <thread>

#include "../unit/http_listener.h"
#include "myvault/ops/backup_dir.h"
#include "restore_fixture.h"

namespace myvault::it {
namespace {

constexpr char kSourceData[] = R"sql(
DROP DATABASE IF EXISTS mvdrill_shop; CREATE DATABASE mvdrill_shop; USE mvdrill_shop;
CREATE TABLE mvdrill_shop.orders (id INT PRIMARY KEY, total DECIMAL(10,2), note VARCHAR(40));
INSERT INTO mvdrill_shop.orders SELECT seq, seq * 1.5, CONCAT('order ', seq) FROM seq_1_to_1200;
CREATE TABLE mvdrill_shop.customers (id INT PRIMARY KEY, name VARCHAR(40));
INSERT INTO mvdrill_shop.customers SELECT seq, CONCAT('c', seq) FROM seq_1_to_34;
CREATE TABLE mvdrill_shop.empty_t (id INT PRIMARY KEY);
DROP DATABASE IF EXISTS mvdrill_crm; CREATE DATABASE mvdrill_crm;
CREATE TABLE mvdrill_crm.contacts (id INT PRIMARY KEY, email VARCHAR(60));
INSERT INTO mvdrill_crm.contacts SELECT seq, CONCAT('u', seq, '@example.com') FROM seq_1_to_200;
)sql";
constexpr uint64_t kRows = 1200 + 34 + 200;

// The target's own `mvdrill_shop`: production data the drill must not touch.
constexpr char kTargetData[] = R"sql(
DROP DATABASE IF EXISTS mvdrill_shop; CREATE DATABASE mvdrill_shop;
CREATE TABLE mvdrill_shop.sentinel (id INT PRIMARY KEY, v VARCHAR(40));
INSERT INTO mvdrill_shop.sentinel VALUES (1, 'production row');
DROP DATABASE IF EXISTS mvdrill_crm;
DROP DATABASE IF EXISTS mvdrill_shop_drill; DROP DATABASE IF EXISTS mvdrill_crm_drill;
DROP DATABASE IF EXISTS _myvault_restore;
)sql";

constexpr int64_t kBackupAge = 3 * 3600 + 25 * 60;  // the name says 3h25m ago

class Drill : public RestoreTest {
 protected:
  void Prepare() override {
    ASSERT_OK(source_->Exec(kSourceData));
    ASSERT_OK(target_->Exec(kTargetData));
    backups_ = dir_->Join("backups");
    ASSERT_OK(RunCommand({"mkdir", "-p", backups_}).status());
    name_ = ops::BackupFileName("myvault", ops::BackupKind::kAuto, std::time(nullptr) - kBackupAge);
    ASSERT_OK_AND_ASSIGN(CommandResult d,
                         Dump(backups_ + "/" + name_, {"--databases", "mvdrill_shop", "mvdrill_crm",
                                                       "--chunk-size", "4096", "--quiet"}));
    ASSERT_EQ(d.exit_code, 0) << d.Describe();
    ASSERT_OK(ops::PointLatest(backups_, "myvault", name_));
  }

  Result<CommandResult> RunDrill(const std::vector<std::string>& args,
                                 CommandOptions options = {}) {
    return RunDrillWith(target_cnf_, args, std::move(options));
  }

  // The same with another account's option file.
  Result<CommandResult> RunDrillWith(const std::string& cnf, const std::vector<std::string>& args,
                                     CommandOptions options = {}) {
    std::vector<std::string> argv = {"drill", "--dir", backups_, "--defaults-file", cnf};
    argv.insert(argv.end(), args.begin(), args.end());
    if (options.env.empty()) options.env = {{"NOTIFY_SLACK", "false"}};
    return RunMyvault(argv, options);
  }

  // The target's databases whose names start with mvdrill.
  std::vector<std::string> TargetDatabases() {
    auto names = DatabasesLike(*target_, "mvdrill%");
    EXPECT_TRUE(names.ok()) << names.status().message();
    return names.ok() ? *names : std::vector<std::string>{};
  }

  void ExpectSentinelIntact() {
    auto tables = target_->QueryValue(
        "SELECT GROUP_CONCAT(TABLE_NAME) FROM information_schema.TABLES "
        "WHERE TABLE_SCHEMA = 'mvdrill_shop'");
    ASSERT_TRUE(tables.ok()) << tables.status().message();
    EXPECT_EQ(*tables, "sentinel") << "the drill changed the target's own mvdrill_shop";
    auto row = target_->QueryValue("SELECT CONCAT(id, ':', v) FROM mvdrill_shop.sentinel");
    ASSERT_TRUE(row.ok()) << row.status().message();
    EXPECT_EQ(*row, "1:production row");
  }

  std::string backups_;
  std::string name_;
};

TEST_F(Drill, RestoresChecksAndDropsTheScratchCopies) {
  ASSERT_OK_AND_ASSIGN(CommandResult r, RunDrill({}));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  const std::regex line(
      "drill OK: " + name_ +
      R"re( \([0-9.]+ [KMG]?i?B\) restored into mvdrill_crm_drill, mvdrill_shop_drill in )re"
      R"re([0-9]+\.[0-9] s \(RTO\), backup age 3h2[45]m \(RPO\), 4 tables, 1,434 rows checked\n)re");
  EXPECT_TRUE(std::regex_match(r.out, line)) << r.out;
  EXPECT_EQ(TargetDatabases(), std::vector<std::string>{"mvdrill_shop"})
      << "scratch copies left behind, or an original name created";
  ExpectSentinelIntact();
}

TEST_F(Drill, KeepLeavesTheCopyWithTheArchiveRowCounts) {
  ASSERT_OK_AND_ASSIGN(CommandResult r, RunDrill({"--keep", "--json"}));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_NE(r.out.find("\"ok\":true"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"rows\":" + std::to_string(kRows)), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"databases\":[\"mvdrill_crm_drill\",\"mvdrill_shop_drill\"]"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("\"problem\":null"), std::string::npos) << r.out;
  EXPECT_EQ(TargetDatabases(),
            (std::vector<std::string>{"mvdrill_crm_drill", "mvdrill_shop", "mvdrill_shop_drill"}));
  for (const auto& [table, rows] :
       std::vector<std::pair<std::string, std::string>>{{"mvdrill_shop_drill.orders", "1200"},
                                                        {"mvdrill_shop_drill.customers", "34"},
                                                        {"mvdrill_shop_drill.empty_t", "0"},
                                                        {"mvdrill_crm_drill.contacts", "200"}}) {
    auto n = target_->QueryValue("SELECT COUNT(*) FROM " + table);
    ASSERT_TRUE(n.ok()) << n.status().message();
    EXPECT_EQ(*n, rows) << table;
  }
  ExpectSentinelIntact();

  // A second drill replaces the kept copies (ours by their suffix) and drops them.
  ASSERT_OK_AND_ASSIGN(CommandResult again, RunDrill({"--quiet"}));
  ASSERT_EQ(again.exit_code, 0) << again.Describe();
  EXPECT_EQ(again.out, "");
  EXPECT_EQ(TargetDatabases(), std::vector<std::string>{"mvdrill_shop"});
}

// A drill run by hand counts for `status --max-drill-age` like a scheduled one (it recorded
// nothing before); a drill of a named --file is not a drill of the directory and records nothing.
TEST_F(Drill, AManualDrillOfTheLatestBackupIsRecorded) {
  const std::vector<std::string> status_argv = {"status", "--dir",           backups_, "--max-age",
                                                "1d",     "--max-drill-age", "7d"};
  CommandOptions quiet;
  quiet.env = {{"NOTIFY_SLACK", "false"}};
  ASSERT_OK_AND_ASSIGN(CommandResult before, RunMyvault(status_argv, quiet));
  EXPECT_EQ(before.exit_code, 9) << "no drill recorded yet: " << before.Describe();

  ASSERT_OK_AND_ASSIGN(CommandResult named, RunDrill({"--file", backups_ + "/" + name_}));
  ASSERT_EQ(named.exit_code, 0) << named.Describe();
  ASSERT_OK_AND_ASSIGN(auto none, ops::ReadDrillState(backups_, "myvault"));
  EXPECT_FALSE(none.has_value()) << "a drill of a named --file was recorded";

  ASSERT_OK_AND_ASSIGN(CommandResult r, RunDrill({"--quiet"}));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  ASSERT_OK_AND_ASSIGN(auto state, ops::ReadDrillState(backups_, "myvault"));
  ASSERT_TRUE(state.has_value()) << "the manual drill left no record";
  EXPECT_TRUE(state->ok);
  EXPECT_EQ(state->file, name_);
  EXPECT_EQ(state->rows, kRows);
  ASSERT_OK_AND_ASSIGN(CommandResult after, RunMyvault(status_argv, quiet));
  EXPECT_EQ(after.exit_code, 0) << after.Describe();
  EXPECT_NE(after.out.find("last drill:"), std::string::npos) << after.out;

  // A failed manual drill is recorded as failed and turns the directory unhealthy.
  const std::string path = backups_ + "/" + name_;
  ASSERT_OK_AND_ASSIGN(std::string bytes, ReadFile(path));
  bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x20);
  ASSERT_OK(WriteFile(path, bytes));
  ASSERT_OK_AND_ASSIGN(CommandResult bad, RunDrill({"--quiet"}));
  EXPECT_EQ(bad.exit_code, kExitCorrupt) << bad.Describe();
  ASSERT_OK_AND_ASSIGN(auto failed, ops::ReadDrillState(backups_, "myvault"));
  ASSERT_TRUE(failed.has_value());
  EXPECT_FALSE(failed->ok);
}

TEST_F(Drill, DamagedArchiveFailsBeforeAnyDatabaseIsCreated) {
  const std::string path = backups_ + "/" + name_;
  ASSERT_OK_AND_ASSIGN(std::string bytes, ReadFile(path));
  bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x20);
  ASSERT_OK(WriteFile(path, bytes));
  ASSERT_OK_AND_ASSIGN(CommandResult r, RunDrill({}));
  EXPECT_EQ(r.exit_code, kExitCorrupt) << r.Describe();
  EXPECT_EQ(r.out.rfind("drill FAILED: drill: verification failed, no server was touched: ", 0), 0u)
      << r.out;
  EXPECT_NE(r.err.find("damaged"), std::string::npos) << r.err;
  EXPECT_EQ(TargetDatabases(), std::vector<std::string>{"mvdrill_shop"});
  auto journal = DatabasesLike(*target_, "\\_myvault\\_restore");
  ASSERT_TRUE(journal.ok());
  EXPECT_TRUE(journal->empty()) << "the restore started on a damaged archive";
  ExpectSentinelIntact();
}

TEST_F(Drill, NoBackupIsNotFound) {
  const std::string empty = dir_->Join("empty");
  ASSERT_OK(RunCommand({"mkdir", "-p", empty}).status());
  CommandOptions options;
  options.env = {{"NOTIFY_SLACK", "false"}};
  ASSERT_OK_AND_ASSIGN(
      CommandResult r,
      RunMyvault({"drill", "--dir", empty, "--defaults-file", target_cnf_}, options));
  EXPECT_EQ(r.exit_code, kExitNotFound) << r.Describe();
  EXPECT_NE(r.err.find("no backup to drill in " + empty), std::string::npos) << r.err;
}

TEST_F(Drill, NotifiesSlackWithoutShowingTheWebhook) {
  testutil::HttpListener listener;
  const std::string secret = "/services/T0DRILL/B0DRILL/s3cretDrillToken";
  CommandOptions options;
  options.env = {{"NOTIFY_SLACK", "true"}, {"SLACK_WEBHOOK_URL", listener.Url(secret)}};
  ASSERT_OK_AND_ASSIGN(CommandResult r, RunDrill({}, options));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  ASSERT_TRUE(listener.WaitForRequests(1, std::chrono::seconds(5)));
  const auto requests = listener.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].request_line, "POST " + secret + " HTTP/1.1");
  EXPECT_NE(requests[0].body.find("restore drill succeeded"), std::string::npos)
      << requests[0].body;
  EXPECT_NE(requests[0].body.find(name_), std::string::npos) << requests[0].body;
  EXPECT_NE(requests[0].body.find("(RTO)"), std::string::npos) << requests[0].body;
  for (const std::string& text : {r.out, r.err}) {
    EXPECT_EQ(text.find("s3cretDrillToken"), std::string::npos) << text;
    EXPECT_EQ(text.find("T0DRILL"), std::string::npos) << text;
  }

  // A webhook that answers 500: logged without the URL, the drill still succeeds.
  testutil::HttpListener failing(500, "no");
  options.env = {{"NOTIFY_SLACK", "true"}, {"SLACK_WEBHOOK_URL", failing.Url(secret)}};
  ASSERT_OK_AND_ASSIGN(CommandResult f, RunDrill({}, options));
  EXPECT_EQ(f.exit_code, 0) << f.Describe();
  EXPECT_NE(f.err.find("warning: drill notification not sent"), std::string::npos) << f.err;
  EXPECT_EQ(f.err.find("s3cretDrillToken"), std::string::npos) << f.err;
}

// A drill the account may not run is refused before any database is made, and the failure says
// only that: before, it reported dropping (or failing to drop, "drop them by hand") scratch
// databases it had never created.
TEST_F(Drill, AccountWithoutThePrivilegesFailsWithoutTalkingOfDatabasesItNeverMade) {
  ASSERT_OK_AND_ASSIGN(
      std::string cnf,
      AccountOptionFile(*target_, "mvdrill_backup", "backup-pw",
                        "GRANT SELECT, SHOW VIEW, TRIGGER, EVENT, LOCK TABLES, RELOAD, PROCESS, "
                        "BINLOG MONITOR ON *.* TO 'mvdrill_backup'@'%'"));
  ASSERT_OK_AND_ASSIGN(CommandResult r, RunDrillWith(cnf, {}));
  EXPECT_OK(target_->Exec("DROP USER IF EXISTS 'mvdrill_backup'@'%'"));
  EXPECT_EQ(r.exit_code, kExitConnection) << r.Describe();
  EXPECT_EQ(r.out.rfind("drill FAILED: the account mvdrill_backup@% lacks privileges", 0), 0u)
      << r.out;
  for (const std::string& text : {r.out, r.err}) {
    EXPECT_EQ(text.find("dropp"), std::string::npos) << text;
    EXPECT_EQ(text.find("by hand"), std::string::npos) << text;
  }
  EXPECT_NE(r.out.find("nothing was changed on the target"), std::string::npos) << r.out;
  EXPECT_EQ(TargetDatabases(), std::vector<std::string>{"mvdrill_shop"});
  ExpectSentinelIntact();
}

// README "Privileges", drill on MariaDB: enough for a drill.
TEST_F(Drill, ReadmeGrantsAreEnough) {
  ASSERT_OK_AND_ASSIGN(
      std::string cnf,
      AccountOptionFile(*target_, "mvdrill_user", "drill-pw",
                        "GRANT SELECT, INSERT, CREATE, DROP, ALTER, CREATE VIEW, TRIGGER, CREATE "
                        "ROUTINE, ALTER ROUTINE, EVENT ON `%\\_drill`.* TO 'mvdrill_user'@'%'; "
                        "GRANT SELECT, INSERT, DELETE, CREATE, DROP ON `\\_myvault\\_restore`.* "
                        "TO 'mvdrill_user'@'%'; GRANT PROCESS, BINLOG ADMIN, SET USER ON *.* TO "
                        "'mvdrill_user'@'%'"));
  ASSERT_OK_AND_ASSIGN(CommandResult r, RunDrillWith(cnf, {}));
  EXPECT_OK(target_->Exec("DROP USER IF EXISTS 'mvdrill_user'@'%'"));
  EXPECT_EQ(r.exit_code, 0) << r.Describe() << r.out;
  EXPECT_EQ(TargetDatabases(), std::vector<std::string>{"mvdrill_shop"});
  ExpectSentinelIntact();
}

TEST_F(Drill, SigtermMidRestoreStillDropsTheCopies) {
  // A bigger table, so that the restore runs long enough to be interrupted.
  ASSERT_OK(source_->Exec(
      "USE mvdrill_shop; CREATE TABLE mvdrill_shop.big (id INT PRIMARY KEY, pad VARCHAR(200)); "
      "INSERT INTO mvdrill_shop.big SELECT seq, REPEAT('x', 200) FROM seq_1_to_400000"));
  ASSERT_OK_AND_ASSIGN(CommandResult d,
                       Dump(backups_ + "/" + name_, {"--databases", "mvdrill_shop", "mvdrill_crm",
                                                     "--chunk-size", "65536", "--quiet"}));
  ASSERT_EQ(d.exit_code, 0) << d.Describe();
  std::unique_ptr<ChildProcess> holder;
  CommandOptions options;
  options.env = {{"NOTIFY_SLACK", "false"}};
  ASSERT_OK_AND_ASSIGN(
      ChildProcess * child,
      StartMyvault({"drill", "--dir", backups_, "--defaults-file", target_cnf_, "--threads", "1"},
                   &holder, options));
  // Wait until the restore has committed a few chunks (journalled on the target), then interrupt.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  bool loading = false;
  while (!loading && child->Running() && std::chrono::steady_clock::now() < deadline) {
    auto chunks = CommittedChunks(*target_);
    loading = chunks.ok() && *chunks >= 3;
    if (!loading) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(loading) << "the restore was never seen loading chunks";
  double seconds = 0;
  ASSERT_OK_AND_ASSIGN(CommandResult r, SignalAndWait(*child, SIGTERM, &seconds));
  EXPECT_EQ(r.exit_code, kExitCancelled) << r.Describe();
  EXPECT_NE(r.err.find("the drill dropped the scratch databases"), std::string::npos) << r.err;
  EXPECT_EQ(TargetDatabases(), std::vector<std::string>{"mvdrill_shop"});
  ExpectSentinelIntact();
}

}  // namespace
}  // namespace myvault::it
