// Encrypted backups in the operations layer (issue 13 point 3): `backup --dir` with the
// recipient from the environment (BACKUP_ENCRYPT_TO, as the daemon and compose set it) writes a
// version 2 archive that `list --check` and `status` prove intact with no key at all, that a
// drill without the key refuses with one line and exit code 2 before creating anything, and that
// a drill with the key restores and checks.
#include <filesystem>
#include <regex>

#include "myvault/ops/backup_dir.h"
#include "restore_fixture.h"

namespace myvault::it {
namespace {

constexpr char kSourceData[] = R"sql(
DROP DATABASE IF EXISTS mvenc_ops; CREATE DATABASE mvenc_ops; USE mvenc_ops;
CREATE TABLE mvenc_ops.orders (id INT PRIMARY KEY, note VARCHAR(40));
INSERT INTO mvenc_ops.orders SELECT seq, CONCAT('secret order ', seq) FROM seq_1_to_1500;
)sql";

class EncryptedOps : public RestoreTest {
 protected:
  void Prepare() override {
    ASSERT_OK(source_->Exec(kSourceData));
    ASSERT_OK(target_->Exec(
        "DROP DATABASE IF EXISTS mvenc_ops; DROP DATABASE IF EXISTS mvenc_ops_drill"));
    key_ = dir_->Join("ops.key");
    ASSERT_OK_AND_ASSIGN(CommandResult k, RunMyvault({"keygen", "--out", key_}));
    ASSERT_EQ(k.exit_code, 0) << k.Describe();
    backups_ = dir_->Join("backups");
    std::filesystem::create_directory(backups_);
    ASSERT_OK_AND_ASSIGN(
        CommandResult b,
        RunMyvault({"backup", "--dir", backups_, "--defaults-file", source_cnf_, "--databases",
                    "mvenc_ops", "--quiet"},
                   {.env = {{"BACKUP_ENCRYPT_TO", key_ + ".pub"}, {"NOTIFY_SLACK", "false"}}}));
    ASSERT_EQ(b.exit_code, 0) << b.Describe();
    std::vector<ops::BackupFile> files = BackupsIn(backups_);
    ASSERT_EQ(files.size(), 1u);
    archive_ = files[0].path;
  }

  Result<CommandResult> Drill(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"drill", "--dir", backups_, "--defaults-file", target_cnf_};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunMyvault(argv, {.env = {{"NOTIFY_SLACK", "false"}}});
  }

  std::string key_, backups_, archive_;
};

TEST_F(EncryptedOps, TheBackupIsSealedAndListAndStatusCheckItWithoutTheKey) {
  ASSERT_OK_AND_ASSIGN(std::string bytes, ReadFile(archive_));
  EXPECT_EQ(bytes.find("secret order"), std::string::npos);
  EXPECT_EQ(bytes.find("mvenc_ops"), std::string::npos) << "a database name in the clear";
  ASSERT_OK_AND_ASSIGN(CommandResult list, RunMyvault({"list", "--dir", backups_, "--check"}));
  ASSERT_EQ(list.exit_code, 0) << list.Describe();
  EXPECT_TRUE(std::regex_search(list.out, std::regex(R"( OK +myvault-auto-\d{8}_\d{6}\.sql\.gz)")))
      << list.out;
  ASSERT_OK_AND_ASSIGN(CommandResult status, RunMyvault({"status", "--dir", backups_}));
  ASSERT_EQ(status.exit_code, 0) << status.Describe();
  EXPECT_EQ(status.out.rfind("healthy: ", 0), 0u) << status.out;
  // A damaged byte in the middle is found the same way, still without the key.
  bytes[bytes.size() / 2] ^= 0x20;
  ASSERT_OK(WriteFile(archive_, bytes));
  ASSERT_OK_AND_ASSIGN(list, RunMyvault({"list", "--dir", backups_, "--check"}));
  EXPECT_NE(list.exit_code, 0) << list.Describe();
  EXPECT_EQ(list.out.find(" OK "), std::string::npos) << list.out;
}

TEST_F(EncryptedOps, ADrillNeedsTheKeyAndRestoresWithIt) {
  ASSERT_OK_AND_ASSIGN(CommandResult without, Drill({}));
  EXPECT_EQ(without.exit_code, 2) << without.Describe();
  EXPECT_NE(without.out.find("is encrypted: give its private key (--decrypt-with)"),
            std::string::npos)
      << without.Describe();
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> none, DatabasesLike(*target_, "mvenc_ops%"));
  EXPECT_TRUE(none.empty()) << "the refused drill created " << none.front();

  ASSERT_OK_AND_ASSIGN(CommandResult with, Drill({"--decrypt-with", key_}));
  ASSERT_EQ(with.exit_code, 0) << with.Describe();
  EXPECT_NE(with.out.find("restored into mvenc_ops_drill"), std::string::npos) << with.out;
  EXPECT_NE(with.out.find("1,500 rows checked"), std::string::npos) << with.out;
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> after, DatabasesLike(*target_, "mvenc_ops%"));
  EXPECT_TRUE(after.empty()) << "the drill left its scratch copy";
}

}  // namespace
}  // namespace myvault::it
