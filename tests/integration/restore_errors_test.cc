// `myvault restore` refusing to start: not an archive (random bytes, an empty file, a plain
// `.sql.gz` made by gzip on stdin; from a file it is restored as a plain backup) gives exit 7, a
// missing file 4, a wrong password or an unreachable server 3, an unknown database in --databases
// 4, bad option values 2. Each prints one line "myvault: error: <cause>" and changes nothing on the
// server: the same databases, the target's own copy of the database untouched, no journal.
//
// Not covered: the server running out of space mid-restore (no way to fill a throwaway server's
// disk quickly and safely here).
#include <random>

#include "restore_fixture.h"

namespace myvault::it {
namespace {

constexpr char kErrDb[] = "mv_rerr";

constexpr char kSourceSetup[] = R"sql(
DROP DATABASE IF EXISTS mv_rerr; CREATE DATABASE mv_rerr;
CREATE TABLE mv_rerr.t (id INT PRIMARY KEY, v VARCHAR(20));
INSERT INTO mv_rerr.t VALUES (1, 'source one'), (2, 'source two');
)sql";

// The target's own mv_rerr: a restore that went ahead would replace it.
constexpr char kTargetSetup[] = R"sql(
DROP DATABASE IF EXISTS mv_rerr; CREATE DATABASE mv_rerr;
CREATE TABLE mv_rerr.t (id INT PRIMARY KEY, v VARCHAR(20));
INSERT INTO mv_rerr.t VALUES (1, 'target one');
DROP DATABASE IF EXISTS mv_rerr_plain; DROP DATABASE IF EXISTS _myvault_restore;
)sql";

// A script a plain gzip'd dump would hold: executed, it would create mv_rerr_plain.
constexpr char kPlainSql[] =
    "CREATE DATABASE mv_rerr_plain;\nCREATE TABLE mv_rerr_plain.t (id INT);\n";

class RestoreErrors : public RestoreTest {
 protected:
  void Prepare() override {
    ASSERT_OK(source_->Exec(kSourceSetup));
    ASSERT_OK(target_->Exec(kTargetSetup));
    archive_ = dir_->Join("err.sql.gz");
    ASSERT_OK(DumpArchive(archive_, {"--databases", kErrDb}));
    ASSERT_OK_AND_ASSIGN(before_, TakeServerState(*target_, {kErrDb}));
  }

  void ExpectTargetUntouched() {
    ASSERT_OK_AND_ASSIGN(ServerState after, TakeServerState(*target_, {kErrDb}));
    EXPECT_EQ(DiffStates(before_, after), "") << "the failed restore changed the target";
  }

  // A gzip file (made by gzip itself) holding kPlainSql.
  std::string PlainGzip() {
    const std::string sql = dir_->Join("plain.sql");
    EXPECT_OK(WriteFile(sql, kPlainSql));
    Result<CommandResult> gz = RunCommand({"gzip", "-n", sql});
    EXPECT_TRUE(gz.ok() && gz->exit_code == 0)
        << (gz.ok() ? gz->Describe() : gz.status().message());
    return sql + ".gz";
  }

  std::string archive_;
  ServerState before_;
};

TEST_F(RestoreErrors, RandomBytesAreNotAnArchive) {
  std::mt19937_64 rng(7);
  std::string junk(64 << 10, '\0');
  for (char& c : junk) c = static_cast<char>(rng());
  const std::string path = dir_->Join("random.bin");
  ASSERT_OK(WriteFile(path, junk));
  ASSERT_OK_AND_ASSIGN(CommandResult r, Restore(path, {"--yes", "--quiet"}));
  ExpectRestoreFailure(r, kExitCorrupt, "archive");
  ExpectTargetUntouched();
}

TEST_F(RestoreErrors, EmptyFileIsNotAnArchive) {
  const std::string path = dir_->Join("empty.sql.gz");
  ASSERT_OK(WriteFile(path, ""));
  ASSERT_OK_AND_ASSIGN(CommandResult r, Restore(path, {"--yes", "--quiet"}));
  ExpectRestoreFailure(r, kExitCorrupt, "archive|empty|truncat");
  ExpectTargetUntouched();
}

// Since issue 16 a plain gzip file is restored as a plain mysqldump backup (restore_plain_test.cc
// covers it): its SQL runs, and the target's own mv_rerr stays as it was.
TEST_F(RestoreErrors, PlainGzipDumpFileIsRestoredAsAPlainBackup) {
  const std::string path = PlainGzip();
  ASSERT_FALSE(HasFailure());
  ASSERT_OK(target_->Exec("DROP DATABASE IF EXISTS mv_rerr_plain"));
  ASSERT_OK_AND_ASSIGN(CommandResult r, Restore(path, {"--yes", "--quiet"}));
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  ASSERT_OK_AND_ASSIGN(bool restored, TargetHasDatabase("mv_rerr_plain"));
  EXPECT_TRUE(restored);
  ASSERT_OK(target_->Exec("DROP DATABASE IF EXISTS mv_rerr_plain"));
  ExpectTargetUntouched();
}

// From stdin nothing can be verified first: the first member must still be recognised as not
// ours before any of its SQL runs.
TEST_F(RestoreErrors, PlainGzipDumpOnStdinIsNotAnArchiveAndNothingRuns) {
  CommandOptions options;
  options.stdin_file = PlainGzip();
  ASSERT_FALSE(HasFailure());
  ASSERT_OK_AND_ASSIGN(CommandResult r, Restore("-", {"--yes", "--quiet"}, options));
  ExpectRestoreFailure(r, kExitCorrupt, "archive");
  ExpectTargetUntouched();
}

TEST_F(RestoreErrors, RandomBytesOnStdinAreNotAnArchive) {
  const std::string path = dir_->Join("random-stdin.bin");
  ASSERT_OK(WriteFile(path, std::string(10000, 'x')));
  CommandOptions options;
  options.stdin_file = path;
  ASSERT_OK_AND_ASSIGN(CommandResult r, Restore("-", {"--yes", "--quiet"}, options));
  ExpectRestoreFailure(r, kExitCorrupt, "archive");
  ExpectTargetUntouched();
}

TEST_F(RestoreErrors, MissingFileIsNotFoundAndNamed) {
  const std::string path = dir_->Join("no-such-backup.sql.gz");
  ASSERT_OK_AND_ASSIGN(CommandResult r, Restore(path, {"--yes", "--quiet"}));
  ExpectRestoreFailure(r, kExitNotFound, "no-such-backup\\.sql\\.gz");
  ExpectTargetUntouched();
}

TEST_F(RestoreErrors, WrongPasswordIsAccessDenied) {
  ServerConfig bad = target_config_;
  bad.password = "not-" + bad.password;
  ASSERT_OK_AND_ASSIGN(std::string cnf, WriteOptionFile(bad, dir_->path(), "bad.cnf"));
  ASSERT_OK_AND_ASSIGN(CommandResult r, RestoreWith(cnf, archive_, {"--yes", "--quiet"}));
  ExpectRestoreFailure(r, kExitConnection, "access denied");
  ExpectTargetUntouched();
}

TEST_F(RestoreErrors, UnreachableServerIsAConnectionError) {
  ASSERT_OK_AND_ASSIGN(std::string cnf, UnreachableOptionFile());
  ASSERT_OK_AND_ASSIGN(CommandResult r, RestoreWith(cnf, archive_, {"--yes", "--quiet"}));
  ExpectRestoreFailure(r, kExitConnection, "connect|refused");
  EXPECT_LT(r.seconds, 30) << "a refused connection should fail fast";
  ExpectTargetUntouched();
}

TEST_F(RestoreErrors, UnknownDatabaseInDatabasesIsNotFoundAndNamed) {
  ASSERT_OK_AND_ASSIGN(CommandResult r,
                       Restore(archive_, {"--databases", "nosuchdb", "--yes", "--quiet"}));
  ExpectRestoreFailure(r, kExitNotFound, "nosuchdb");
  ExpectTargetUntouched();
}

// One name the archive holds and one it does not: nothing at all is restored.
TEST_F(RestoreErrors, OneUnknownDatabaseAmongKnownOnesRestoresNothing) {
  ASSERT_OK_AND_ASSIGN(
      CommandResult r,
      Restore(archive_, {"--databases", std::string(kErrDb) + ",nosuchdb", "--yes", "--quiet"}));
  ExpectRestoreFailure(r, kExitNotFound, "nosuchdb");
  ExpectTargetUntouched();
}

TEST_F(RestoreErrors, RenameOfADatabaseNotInTheArchiveIsNotFound) {
  ASSERT_OK_AND_ASSIGN(CommandResult r,
                       Restore(archive_, {"--rename", "nosuchdb=x", "--yes", "--quiet"}));
  ExpectRestoreFailure(r, kExitNotFound, "nosuchdb");
  ExpectTargetUntouched();
}

// Only names the server refuses to drop anyway, so a failing test cannot wreck the target.
TEST_F(RestoreErrors, RenameIntoASystemDatabaseIsRefused) {
  for (const std::string target : {"performance_schema", "information_schema", kJournalDb}) {
    ASSERT_OK_AND_ASSIGN(
        CommandResult r,
        Restore(archive_, {"--rename", std::string(kErrDb) + "=" + target, "--yes", "--quiet"}));
    ExpectRestoreFailure(r, kExitUsage, target);
  }
  ExpectTargetUntouched();
}

TEST_F(RestoreErrors, ResumeWithNothingToResumeIsNotFound) {
  ASSERT_OK_AND_ASSIGN(CommandResult r, Restore(archive_, {"--resume", "--yes", "--quiet"}));
  ExpectRestoreFailure(r, kExitNotFound, "--resume");
  ExpectTargetUntouched();
}

// Option values checked before anything else (exit 2); CLI11 may print its own usage text, so
// only the code and the server are checked.
TEST_F(RestoreErrors, BadOptionValuesAreUsageErrors) {
  const std::vector<std::vector<std::string>> cases = {
      {"--rename", "mv_rerr"},          {"--rename", "=mv_x"},  {"--threads", "0"},
      {"--defer-indexes", "sometimes"}, {"--progress", "loud"}, {"--retries", "-1"},
  };
  for (const auto& args : cases) {
    std::vector<std::string> all = args;
    all.insert(all.end(), {"--yes", "--quiet"});
    ASSERT_OK_AND_ASSIGN(CommandResult r, Restore(archive_, all));
    EXPECT_EQ(r.exit_code, kExitUsage) << args[0] << " " << args[1] << ": " << r.Describe();
  }
  ExpectTargetUntouched();
}

}  // namespace
}  // namespace myvault::it
