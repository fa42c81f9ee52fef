// The runbook's old backups (issue 16 point 4): a `mariadb-dump | gzip` file with a
// `sha256sum` file beside it, named as the runbook named them, in a backup directory. `list`,
// `status` and `prune` count it as a backup of format "plain"; `verify` checks it; `restore`
// streams it into the target on one connection after verifying it whole, and refuses a truncated
// file, a wrong .sha256 and options that need an index before the server is touched; a failing
// statement stops the restore with one line naming it.
#include <unistd.h>

#include <ctime>
#include <filesystem>

#include "myvault/archive/format.h"
#include "myvault/archive/sha256.h"
#include "myvault/ops/backup_dir.h"
#include "restore_fixture.h"
#include "s3_server.h"

namespace myvault::it {
namespace {

constexpr char kPlainDb[] = "mv_plain";

// Strings with the delimiter, quotes and newlines; a trigger and a procedure (DELIMITER ;;), a
// view; enough rows for many INSERT statements at --net-buffer-length=16384.
constexpr char kSourceSetup[] = R"sql(
DROP DATABASE IF EXISTS mv_plain; CREATE DATABASE mv_plain; USE mv_plain;
CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(200), note TEXT, price DECIMAL(10,2),
  KEY by_name (name));
INSERT INTO items SELECT seq, CONCAT('item; ', seq, ' ''quoted'' "dq"'),
  IF(seq % 7 = 0, CONCAT('line one\nline two; -- not a comment\n/* nor this */ ', seq), NULL),
  seq * 1.25 FROM seq_1_to_6000;
CREATE TABLE audit (id INT AUTO_INCREMENT PRIMARY KEY, item INT, at_insert VARCHAR(20));
INSERT INTO audit (item, at_insert) VALUES (1, 'seed');
CREATE TRIGGER items_ai AFTER INSERT ON items FOR EACH ROW
  INSERT INTO audit (item, at_insert) VALUES (NEW.id, 'trigger; fired');
CREATE PROCEDURE touch(IN n INT) BEGIN SELECT n; SELECT n + 1; END;
CREATE VIEW cheap AS SELECT id, name FROM items WHERE price < 10;
)sql";

// The target's own mv_plain, which a refused restore must leave as it is.
constexpr char kTargetSetup[] = R"sql(
DROP DATABASE IF EXISTS mv_plain; CREATE DATABASE mv_plain; USE mv_plain;
CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(200));
INSERT INTO items VALUES (1, 'precious');
CREATE TABLE only_here (id INT PRIMARY KEY); INSERT INTO only_here VALUES (42);
)sql";

class RestorePlain : public RestoreTest {
 protected:
  void Prepare() override {
    ASSERT_OK(source_->Exec(kSourceSetup));
    ASSERT_OK(target_->Exec(kTargetSetup));
    ASSERT_OK(target_->Exec(std::string("DROP DATABASE IF EXISTS ") + kJournalDb));
    backups_ = dir_->Join("backups");
    std::filesystem::create_directories(backups_);
    // An hour ago, as the runbook's cron would have named it.
    name_ = ops::BackupFileName("myvault", ops::BackupKind::kAuto, std::time(nullptr) - 3600);
    file_ = backups_ + "/" + name_;
    ASSERT_OK_AND_ASSIGN(
        CommandResult dumped,
        RunCommand({"bash", "-c",
                    "set -o pipefail; mariadb-dump --defaults-file=\"$1\" --single-transaction "
                    "--routines --events --triggers --net-buffer-length=16384 --databases "
                    "mv_plain | gzip > \"$2/$3\" && cd \"$2\" && sha256sum \"$3\" > \"$3.sha256\"",
                    "runbook", source_cnf_, backups_, name_}));
    ASSERT_EQ(dumped.exit_code, 0) << dumped.Describe();
    ASSERT_OK_AND_ASSIGN(bytes_, ReadFile(file_));
    ASSERT_OK_AND_ASSIGN(before_, TakeServerState(*target_, {kPlainDb}));
  }

  void ExpectTargetUntouched() {
    ASSERT_OK_AND_ASSIGN(ServerState after, TakeServerState(*target_, {kPlainDb}));
    EXPECT_EQ(DiffStates(before_, after), "") << "the refused restore changed the target";
    ExpectNoJournal();
  }

  // Writes `bytes` as another runbook-style backup with a .sha256 that matches it.
  std::string WriteWithSha(const std::string& name, std::string_view bytes) {
    const std::string path = backups_ + "/" + name;
    EXPECT_OK(WriteFile(path, bytes));
    EXPECT_OK(WriteFile(path + ".sha256",
                        archive::Sha256Hex(archive::Sha256::Of(bytes)) + "  " + name + "\n"));
    return path;
  }

  // The dumped tables as on the source; the target's own only_here left alone.
  void ExpectRestoredAsSource() {
    ASSERT_OK_AND_ASSIGN(Fingerprint source, TakeFingerprint(source_config_, {kPlainDb}));
    ASSERT_OK_AND_ASSIGN(Fingerprint restored, TakeFingerprint(target_config_, {kPlainDb}));
    // mysqldump leaves a table the dump does not hold alone (only_here): compare the dumped ones.
    Fingerprint kept_out;
    for (auto it = restored.begin(); it != restored.end();) {
      if (it->first.find("only_here") != std::string::npos) {
        kept_out.insert(*it);
        it = restored.erase(it);
      } else {
        ++it;
      }
    }
    EXPECT_EQ(Diff(source, restored), "");
    EXPECT_FALSE(kept_out.empty()) << "the target's own table only_here should be left alone";
  }

  std::string backups_, name_, file_, bytes_;
  ServerState before_;
};

TEST_F(RestorePlain, RestoresARunbookBackupFromTheDirectory) {
  ASSERT_OK_AND_ASSIGN(CommandResult v, RunMyvault({"verify", file_}));
  ASSERT_EQ(v.exit_code, 0) << v.Describe();
  EXPECT_NE(v.out.find("plain mysqldump backup: sha256 OK, gzip OK"), std::string::npos) << v.out;

  ASSERT_OK_AND_ASSIGN(CommandResult r, Restore(file_, {"--yes"}));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_NE(r.out.find("restored plain mysqldump backup"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("6000 rows"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("database `mv_plain`: exists (2 tables)"), std::string::npos) << r.err;
  ExpectRestoredAsSource();
  ExpectNoJournal();
}

// The runbook's offsite copy (`aws s3 sync` of the backup directory): verified and restored
// straight from the bucket, streamed, with no local copy.
TEST_F(RestorePlain, RestoresARunbookBackupStraightFromABucket) {
  ASSERT_OK_AND_ASSIGN(S3Endpoint s3, SharedS3Server());
  const std::string url = "s3://" + s3.bucket + "/plain-" + std::to_string(::getpid()) + "-" +
                          std::to_string(std::time(nullptr));
  for (const std::string& name : {name_, name_ + ".sha256"}) {
    ASSERT_OK_AND_ASSIGN(CommandResult cp,
                         RunAws(s3, {"s3", "cp", backups_ + "/" + name, url + "/" + name}));
    ASSERT_EQ(cp.exit_code, 0) << cp.Describe();
  }
  const std::string object = url + "/" + name_;
  const CommandOptions options = S3Options(s3);
  ASSERT_OK_AND_ASSIGN(CommandResult v, RunMyvault({"verify", object}, options));
  ASSERT_EQ(v.exit_code, 0) << v.Describe();
  EXPECT_NE(v.out.find("plain mysqldump backup: sha256 OK, gzip OK"), std::string::npos) << v.out;

  ASSERT_OK_AND_ASSIGN(CommandResult r, Restore(object, {"--yes"}, options));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_NE(r.out.find("6000 rows"), std::string::npos) << r.out;
  ExpectRestoredAsSource();
  ExpectNoJournal();
}

TEST_F(RestorePlain, ListStatusAndPruneCountItAsAPlainBackup) {
  // Two older copies: one automatic, eight days old (expired with --daily 2), one manual.
  const int64_t now = std::time(nullptr);
  const std::string old_auto =
      ops::BackupFileName("myvault", ops::BackupKind::kAuto, now - 8 * 86400);
  const std::string manual =
      ops::BackupFileName("myvault", ops::BackupKind::kManual, now - 9 * 86400);
  WriteWithSha(old_auto, bytes_);
  WriteWithSha(manual, bytes_);

  ASSERT_OK_AND_ASSIGN(CommandResult list, RunMyvault({"list", "--dir", backups_, "--check"}));
  ASSERT_EQ(list.exit_code, 0) << list.Describe();
  for (const std::string& n : {name_, old_auto, manual}) {
    const size_t at = list.out.find(n);
    ASSERT_NE(at, std::string::npos) << list.out;
    const std::string line =
        list.out.substr(list.out.rfind('\n', at) + 1, at - list.out.rfind('\n', at) - 1);
    EXPECT_NE(line.find("plain"), std::string::npos) << line;
    EXPECT_NE(line.find("OK"), std::string::npos) << line;
  }
  ASSERT_OK_AND_ASSIGN(CommandResult json, RunMyvault({"list", "--dir", backups_, "--json"}));
  ASSERT_EQ(json.exit_code, 0) << json.Describe();
  EXPECT_NE(json.out.find("\"format\":\"plain\""), std::string::npos) << json.out;

  ASSERT_OK_AND_ASSIGN(CommandResult status,
                       RunMyvault({"status", "--dir", backups_, "--max-age", "2h"}));
  ASSERT_EQ(status.exit_code, 0) << status.Describe();
  EXPECT_NE(status.out.find("healthy: newest " + name_ + " (plain mysqldump)"), std::string::npos)
      << status.out;
  EXPECT_NE(status.out.find(".sha256 OK"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("3 plain mysqldump"), std::string::npos) << status.out;

  ASSERT_OK_AND_ASSIGN(CommandResult prune, RunMyvault({"prune", "--dir", backups_, "--daily", "2",
                                                        "--weekly", "0", "--monthly", "0"}));
  ASSERT_EQ(prune.exit_code, 0) << prune.Describe();
  EXPECT_FALSE(std::filesystem::exists(backups_ + "/" + old_auto)) << prune.out;
  EXPECT_FALSE(std::filesystem::exists(backups_ + "/" + old_auto + ".sha256")) << prune.out;
  EXPECT_TRUE(std::filesystem::exists(file_)) << prune.out;
  EXPECT_TRUE(std::filesystem::exists(backups_ + "/" + manual)) << prune.out;

  // A drill loads under scratch names, which a plain file cannot be: with nothing else in the
  // directory it says so (and reads no file, connects to nothing).
  CommandOptions quiet_slack;
  quiet_slack.env = {{"NOTIFY_SLACK", "false"}};
  ASSERT_OK_AND_ASSIGN(
      CommandResult drill,
      RunMyvault({"drill", "--dir", backups_, "--defaults-file", target_cnf_}, quiet_slack));
  EXPECT_EQ(drill.exit_code, kExitNotFound) << drill.Describe();
  EXPECT_NE(drill.err.find("no myvault archive to drill"), std::string::npos) << drill.err;
}

TEST_F(RestorePlain, TruncatedFileIsRefusedBeforeTheServerIsTouched) {
  // Its .sha256 matches the cut bytes: the gzip stream itself must catch it.
  const std::string cut = WriteWithSha(
      ops::BackupFileName("myvault", ops::BackupKind::kManual, std::time(nullptr) - 7200),
      std::string_view(bytes_).substr(0, bytes_.size() * 2 / 3));
  ASSERT_OK_AND_ASSIGN(CommandResult v, RunMyvault({"verify", cut}));
  EXPECT_EQ(v.exit_code, kExitCorrupt) << v.Describe();
  ASSERT_OK_AND_ASSIGN(CommandResult r, Restore(cut, {"--yes", "--quiet"}));
  ExpectRestoreFailure(r, kExitCorrupt,
                       "plain backup .* is truncated: the gzip stream ends inside a member");
  ExpectTargetUntouched();
}

TEST_F(RestorePlain, WrongSha256IsRefusedBeforeTheServerIsTouched) {
  ASSERT_OK_AND_ASSIGN(std::string sum, ReadFile(file_ + ".sha256"));
  sum[10] = sum[10] == '0' ? '1' : '0';
  ASSERT_OK(WriteFile(file_ + ".sha256", sum));
  ASSERT_OK_AND_ASSIGN(CommandResult r, Restore(file_, {"--yes", "--quiet"}));
  ExpectRestoreFailure(r, kExitCorrupt, "sha-?256.*differs");
  ExpectTargetUntouched();
}

TEST_F(RestorePlain, OptionsThatNeedAnIndexAreRefused) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--tables", "mv_plain.items", "--"},
        std::vector<std::string>{"--rename", "mv_plain=other", "--"},
        std::vector<std::string>{"--databases", "mv_plain", "--"}}) {
    std::vector<std::string> all = args;
    all.insert(all.begin(), "--yes");
    ASSERT_OK_AND_ASSIGN(CommandResult r, Restore(file_, all));
    ExpectRestoreFailure(r, kExitUsage, args[0] + " cannot apply to the plain mysqldump backup");
  }
  ASSERT_OK_AND_ASSIGN(CommandResult list, Restore(file_, {"--list"}));
  ExpectRestoreFailure(list, kExitUsage, "plain mysqldump backup");
  // The test children have no terminal: without --yes nothing can be confirmed.
  ASSERT_OK_AND_ASSIGN(CommandResult unconfirmed, Restore(file_, {"--quiet"}));
  ExpectRestoreFailure(unconfirmed, kExitUsage, "--yes");
  ExpectTargetUntouched();
}

// A statement the server rejects stops the load there, naming its number, its byte offset in the
// SQL and the server's error; the statements before it stay applied (as with `zcat | mariadb`).
TEST_F(RestorePlain, AFailingStatementStopsTheRestoreWithOneLine) {
  const std::string sql =
      "CREATE DATABASE IF NOT EXISTS `mv_plain`;\nUSE `mv_plain`;\n"
      "INSERT INTO `items` VALUES (2, 'second');\n"
      "INSERT INTO `no_such_table` VALUES (1);\n"
      "INSERT INTO `items` VALUES (3, 'never');\n";
  ASSERT_OK_AND_ASSIGN(CommandResult gz,
                       RunCommand({"bash", "-c", "printf '%s' \"$1\" | gzip > \"$2\"", "gz", sql,
                                   backups_ + "/bad.sql.gz"}));
  ASSERT_EQ(gz.exit_code, 0) << gz.Describe();
  ASSERT_OK_AND_ASSIGN(CommandResult r, Restore(backups_ + "/bad.sql.gz", {"--yes", "--quiet"}));
  const size_t offset = sql.find("INSERT INTO `no_such_table`");
  ExpectRestoreFailure(r, kExitNotFound,
                       "statement 4 \\(byte " + std::to_string(offset) +
                           " of the SQL\\) failed: .*no_such_table.*partial restore of mv_plain");
  ASSERT_OK_AND_ASSIGN(
      std::string rows,
      target_->QueryValue("SELECT GROUP_CONCAT(id ORDER BY id) FROM mv_plain.items"));
  EXPECT_EQ(rows, "1,2");
  ASSERT_OK(target_->Exec(std::string("DROP DATABASE IF EXISTS ") + kJournalDb));
}

}  // namespace
}  // namespace myvault::it
