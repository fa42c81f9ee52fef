// A dump interrupted in the middle, by Ctrl-C or by its server dying, stops with the documented
// exit code and leaves no FILE, FILE.partial or FILE.sha256.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "datasets.h"
#include "fixture.h"
#include "throwaway_server.h"

namespace myvault::it {
namespace {

// 32 MiB of random bytes: dumped single-threaded at compression level 12 it takes seconds.
const RandomTableSpec kBigTable{"mv_err_big", "blobs", 64, 16 << 10, 5};

long FileSize(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 ? static_cast<long>(st.st_size) : -1;
}

// Polls until `path` holds at least `min_size` bytes; false if the child exits first or a
// minute passes.
bool WaitForFile(ChildProcess& child, const std::string& path, long min_size) {
  for (int i = 0; i < 30000; ++i) {
    if (FileSize(path) >= min_size) return true;
    if (!child.Running()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return false;
}

class DumpInterrupted : public ServerPairTest {
 protected:
  // Starts a dump of kBigTable's database slow enough to interrupt: one worker, one compressor
  // at level 12.
  void StartSlowDump(const std::string& archive, std::unique_ptr<ChildProcess>* child) {
    ASSERT_OK(StartMyvault({"dump", "--defaults-file", source_cnf_, "--output", archive, "--quiet",
                            "--threads", "1", "--compress-level", "12", "--compress-threads", "1",
                            "--databases", kBigTable.db},
                           child)
                  .status());
  }
};

TEST_F(DumpInterrupted, SigintMidDumpCancelsAndLeavesNothing) {
  ASSERT_OK(EnsureRandomTable(*source_, kBigTable));
  const std::string archive = dir_->Join("int.sql.gz");
  std::unique_ptr<ChildProcess> child;
  StartSlowDump(archive, &child);
  ASSERT_NE(child, nullptr);
  const bool appeared = WaitForFile(*child, archive + ".partial", 0);
  ASSERT_TRUE(appeared) << "no " << archive
                        << ".partial while dumping: " << child->Wait().Describe();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ASSERT_TRUE(child->Running()) << "the dump finished before SIGINT; grow kBigTable: "
                                << child->Wait().Describe();
  double seconds = 0;
  ASSERT_OK_AND_ASSIGN(CommandResult r, SignalAndWait(*child, SIGINT, &seconds));
  EXPECT_EQ(r.term_signal, 0) << "myvault must handle SIGINT and exit, not die from it";
  ExpectCleanFailure(r, kExitCancelled, "cancel|interrupt", archive);
  EXPECT_LT(seconds, 10.0) << "cancellation should be prompt";
}

// A worker waiting inside the server (here for a table another session holds with LOCK TABLES
// WRITE, taken after the snapshot) does not see the cancel flag: Ctrl-C must kill its query
// rather than wait out the server's lock_wait_timeout.
TEST_F(DumpInterrupted, SigintWhileAWorkerWaitsForATableLockCancelsPromptly) {
  ASSERT_OK(EnsureRandomTable(*source_, kBigTable));
  ASSERT_OK(
      source_->Exec("CREATE TABLE IF NOT EXISTS mv_err_big.small (id INT PRIMARY KEY);"
                    "INSERT IGNORE INTO mv_err_big.small VALUES (1)"));
  const std::string archive = dir_->Join("mdl.sql.gz");
  std::unique_ptr<ChildProcess> child;
  StartSlowDump(archive, &child);
  ASSERT_NE(child, nullptr);
  // The big table goes first (largest first); lock the small one once the data is flowing.
  ASSERT_TRUE(WaitForFile(*child, archive + ".partial", 1))
      << "the dump wrote nothing: " << child->Wait().Describe();
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<TestServer> blocker, TestServer::Connect(source_config_));
  ASSERT_OK(blocker->Exec("LOCK TABLES mv_err_big.small WRITE"));
  std::string waiting = "0";
  for (int i = 0; i < 3000 && waiting == "0" && child->Running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    Result<std::string> n = source_->QueryValue(
        "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE STATE LIKE "
        "'Waiting for table metadata lock' AND INFO LIKE '%mv_err_big%small%'");
    if (n.ok()) waiting = *n;
  }
  ASSERT_EQ(waiting, "1") << "the worker never waited for the locked table: "
                          << (child->Running() ? "still running" : child->Wait().Describe());
  double seconds = 0;
  ASSERT_OK_AND_ASSIGN(CommandResult r, SignalAndWait(*child, SIGINT, &seconds));
  ExpectCleanFailure(r, kExitCancelled, "cancel|interrupt", archive);
  EXPECT_LT(seconds, 5.0) << "SIGINT must not wait for the worker's lock wait to end";
  EXPECT_OK(blocker->Exec("UNLOCK TABLES"));
}

TEST_F(DumpInterrupted, ServerKilledMidDumpIsALostConnection) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<ThrowawayServer> server,
                       ThrowawayServer::Start(dir_->Join("server")));
  {
    ASSERT_OK_AND_ASSIGN(auto conn, TestServer::Connect(server->config()));
    // ~200 MiB: 100 random 16 KiB rows doubled 7 times.
    ASSERT_OK(EnsureRandomTable(*conn, {"mv_kill", "blobs", 100, 16 << 10, 7}));
  }
  ASSERT_OK_AND_ASSIGN(std::string cnf,
                       WriteOptionFile(server->config(), dir_->path(), "kill.cnf"));
  const std::string archive = dir_->Join("kill.sql.gz");
  std::unique_ptr<ChildProcess> child;
  ASSERT_OK(StartMyvault({"dump", "--defaults-file", cnf, "--output", archive, "--quiet",
                          "--threads", "2", "--databases", "mv_kill"},
                         &child)
                .status());
  // 1 MiB written: connected and well into the table data.
  ASSERT_TRUE(WaitForFile(*child, archive + ".partial", 1 << 20))
      << "the dump wrote no data: " << child->Wait().Describe();
  ASSERT_OK_AND_ASSIGN(pid_t pid, server->Pid());
  ASSERT_TRUE(child->Running()) << "the dump finished before the kill: "
                                << child->Wait().Describe();
  ASSERT_EQ(kill(pid, SIGKILL), 0) << std::strerror(errno);
  const CommandResult r = child->Wait();
  ExpectCleanFailure(r, kExitServer, "lost connection|gone away", archive);
}

}  // namespace
}  // namespace myvault::it
