// A target server that runs out of space mid-restore: the restore stops with exit code 5, names
// the table, the chunk and the server's "table is full", and says what state the target is in.
// The "disk" is InnoDB's system tablespace capped at 40 MB (file-per-table off), which fills the
// same way a full data directory does without needing a small file system.
#include "fixture.h"
#include "throwaway_server.h"

namespace myvault::it {
namespace {

constexpr const char* kDb = "mv_rfull";

class RestoreFullDisk : public ServerPairTest {
 protected:
  void Prepare() override {
    auto rows = source_->QueryValue(std::string("SELECT COUNT(*) FROM ") + kDb + ".t");
    if (rows.ok() && *rows == "400000") return;
    ASSERT_OK(source_->Exec(std::string("DROP DATABASE IF EXISTS ") + kDb + "; CREATE DATABASE " +
                            kDb + "; CREATE TABLE " + kDb +
                            ".t (id INT PRIMARY KEY, v VARCHAR(200)) ENGINE=InnoDB; INSERT INTO " +
                            kDb + ".t SELECT seq, REPEAT(MD5(seq), 3) FROM " + kDb +
                            ".seq_1_to_400000"));
  }
};

TEST_F(RestoreFullDisk, ServerOutOfSpaceStopsWithTheCauseAndTheState) {
  const std::string archive = dir_->Join("full.sql.gz");
  ASSERT_OK_AND_ASSIGN(auto dump, Dump(archive, {"--databases", kDb, "--quiet"}));
  ASSERT_EQ(dump.exit_code, 0) << dump.Describe();

  ASSERT_OK_AND_ASSIGN(
      std::unique_ptr<ThrowawayServer> server,
      ThrowawayServer::Start(dir_->Join("server"),
                             "--innodb-file-per-table=0 "
                             "--innodb-data-file-path=ibdata1:12M:autoextend:max:40M"));
  ASSERT_OK_AND_ASSIGN(std::string cnf,
                       WriteOptionFile(server->config(), dir_->path(), "full.cnf"));
  ASSERT_OK_AND_ASSIGN(CommandResult r, RunMyvault({"restore", archive, "--defaults-file", cnf,
                                                    "--yes", "--quiet", "--threads", "2"}));
  ExpectCleanFailure(r, 5,
                     "table `mv_rfull`\\.`t` chunk [0-9]+: .*is full.*partial restore of "
                     "mv_rfull.*--resume",
                     dir_->Join("no-such-archive"));
}

}  // namespace
}  // namespace myvault::it
