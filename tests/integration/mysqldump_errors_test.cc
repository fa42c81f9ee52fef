// mysqldump mode's failures: the documented exit code, a message naming the cause, and no result
// file (neither FILE nor FILE.partial) when the dump did not complete; a stream to stdout that
// stops early lacks the final "-- Dump completed" line, so a script can tell.
#include <signal.h>
#include <sys/stat.h>

#include <regex>
#include <thread>

#include "mysqldump_fixture.h"

namespace myvault::it {
namespace {

long FileSize(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 ? static_cast<long>(st.st_size) : -1;
}

class MysqldumpErrors : public MysqldumpTest {
 protected:
  void Prepare() override { ASSERT_OK(LoadFormatDatabase(*source_)); }

  // Exit `code`, stderr matching `cause` (case-insensitive), nothing on stdout, and neither
  // `file` nor `file`.partial.
  static void ExpectFailure(const CommandResult& r, int code, const std::string& cause,
                            const std::string& file) {
    EXPECT_EQ(r.exit_code, code) << r.Describe();
    EXPECT_FALSE(r.timed_out) << r.Describe();
    EXPECT_TRUE(std::regex_search(r.err, std::regex(cause, std::regex::icase)))
        << "stderr should match /" << cause << "/i: " << r.Describe();
    EXPECT_EQ(r.out, "") << "nothing on stdout with --result-file";
    EXPECT_FALSE(PathExists(file)) << file << " left behind by a failed dump";
    EXPECT_FALSE(PathExists(file + ".partial")) << file << ".partial left behind";
  }

  // Starts `myvault mysqldump` of ARGS on the source, one connection, in one transaction.
  void StartBigDump(const std::vector<std::string>& args, std::unique_ptr<ChildProcess>* child) {
    ASSERT_OK(EnsureBigTables(*source_));
    std::vector<std::string> argv = {"mysqldump", "--defaults-file=" + source_cnf_,
                                     "--single-transaction", "--threads=1"};
    argv.insert(argv.end(), args.begin(), args.end());
    ASSERT_OK(StartMyvault(argv, child).status());
  }

  // Waits until `path` holds at least 1 MiB, then stops the process, sends it SIGTERM and lets
  // it continue: the signal arrives mid-dump however fast the dump runs.
  void TerminateOnceWritten(ChildProcess& child, const std::string& path, CommandResult* result) {
    bool written = false;
    for (int i = 0; i < 30000 && !written && child.Running(); ++i) {
      written = FileSize(path) >= (1 << 20);
      if (!written) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ASSERT_TRUE(written) << "no 1 MiB in " << path << ": " << child.Wait().Describe();
    ASSERT_OK(child.Signal(SIGSTOP));
    ASSERT_TRUE(child.Running()) << "the dump finished before SIGTERM; grow the big tables: "
                                 << child.Wait().Describe();
    ASSERT_OK(child.Signal(SIGTERM));
    ASSERT_OK(child.Signal(SIGCONT));
    *result = child.Wait();
  }
};

TEST_F(MysqldumpErrors, UnknownOptionIsAUsageErrorNamingIt) {
  const std::string file = dir_->Join("unknown.sql");
  ASSERT_OK_AND_ASSIGN(CommandResult r,
                       Mysqldump({"--no-such-option", "--result-file=" + file, kFormatDb}));
  ExpectFailure(r, kExitUsage, "no-such-option", file);
  // Before any connection: no option file, no server.
  ASSERT_OK_AND_ASSIGN(r, RunMysqldumpMode({"--no-defaults", "--single-transaction",
                                            "--frobnicate=3", "--result-file=" + file, "db"}));
  ExpectFailure(r, kExitUsage, "frobnicate", file);
}

TEST_F(MysqldumpErrors, WrongPasswordIsAConnectionError) {
  ServerConfig wrong = source_config_;
  wrong.password = "certainly not the password";
  ASSERT_OK_AND_ASSIGN(std::string cnf, WriteOptionFile(wrong, dir_->path(), "wrong.cnf"));
  const std::string file = dir_->Join("denied.sql");
  ASSERT_OK_AND_ASSIGN(CommandResult r, RunMysqldumpMode({"--defaults-file=" + cnf,
                                                          "--result-file=" + file, kFormatDb}));
  ExpectFailure(r, 2, "denied", file);
}

TEST_F(MysqldumpErrors, UnknownDatabaseOrTableIsNotFound) {
  const std::string file = dir_->Join("missing.sql");
  ASSERT_OK_AND_ASSIGN(CommandResult r,
                       Mysqldump({"--result-file=" + file, "mv_mysqldump_no_such_db"}));
  ExpectFailure(r, 2, "mv_mysqldump_no_such_db", file);
  ASSERT_OK_AND_ASSIGN(
      r, Mysqldump({"--result-file=" + file, "--databases", kFormatDb, "mv_mysqldump_no_such_db"}));
  ExpectFailure(r, 2, "mv_mysqldump_no_such_db", file);
  ASSERT_OK_AND_ASSIGN(r, Mysqldump({"--result-file=" + file, kFormatDb, "t", "no_such_table"}));
  ExpectFailure(r, 6, "no_such_table", file);
}

TEST_F(MysqldumpErrors, SigtermMidDumpLeavesNoResultFile) {
  const std::string file = dir_->Join("big.sql");
  std::unique_ptr<ChildProcess> child;
  StartBigDump({"--result-file=" + file, kBigDb}, &child);
  ASSERT_NE(child, nullptr);
  CommandResult r;
  TerminateOnceWritten(*child, file + ".partial", &r);
  EXPECT_EQ(r.term_signal, 0) << "myvault must handle SIGTERM and exit, not die from it";
  ExpectFailure(r, kExitCancelled, "cancel|interrupt|terminat", file);
}

TEST_F(MysqldumpErrors, KilledStdoutDumpDoesNotEndWithDumpCompleted) {
  const std::string file = dir_->Join("stdout.sql");
  // The shell redirects stdout to FILE and execs myvault in its place, so the signal reaches it.
  ASSERT_OK(EnsureBigTables(*source_));
  CommandOptions options;
  options.env.emplace_back("OUT", file);
  ASSERT_OK_AND_ASSIGN(
      std::unique_ptr<ChildProcess> child,
      ChildProcess::Start(
          {"bash", "-c", "exec \"$0\" \"$@\" >\"$OUT\"", MyvaultBinary(), "mysqldump",
           "--defaults-file=" + source_cnf_, "--single-transaction", "--threads=1", kBigDb},
          options));
  CommandResult r;
  TerminateOnceWritten(*child, file, &r);
  EXPECT_EQ(r.exit_code, kExitCancelled) << r.Describe();
  ASSERT_OK_AND_ASSIGN(std::string sql, ReadFile(file));
  EXPECT_GE(sql.size(), 1u << 20);
  EXPECT_EQ(sql.find("-- Dump completed"), std::string::npos)
      << "a cancelled dump ends like a complete one: " << LastNonEmptyLine(sql).substr(0, 200);
}

// A file that exists is replaced only by a complete dump: a failed one leaves it as it was.
TEST_F(MysqldumpErrors, FailedDumpLeavesAnExistingResultFileAlone) {
  const std::string file = dir_->Join("old.sql");
  ASSERT_OK(WriteFile(file, "-- yesterday's dump\n"));
  ASSERT_OK_AND_ASSIGN(CommandResult r,
                       Mysqldump({"--result-file=" + file, "mv_mysqldump_no_such_db"}));
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  ASSERT_OK_AND_ASSIGN(std::string kept, ReadFile(file));
  EXPECT_EQ(kept, "-- yesterday's dump\n");
  EXPECT_FALSE(PathExists(file + ".partial"));
}

}  // namespace
}  // namespace myvault::it
