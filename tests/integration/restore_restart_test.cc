// The target server crashes and restarts in the middle of `myvault restore`: the loaders, the
// index builders and the restore's main connection reconnect (0.5, 1, 2, 4, 8 s apart), the
// journal says what is done, and the restore finishes by itself with exactly the source's rows
// and indexes, without --resume. Before, the main connection was never reopened: exit 5 although
// every chunk had been reloaded.
#include <atomic>
#include <chrono>
#include <functional>
#include <thread>

#include "restore_fixture.h"
#include "throwaway_server.h"

namespace myvault::it {
namespace {

constexpr const char* kDb = "mv_rrestart";

class RestoreRestart : public RestoreTest {
 protected:
  void Prepare() override {
    // About 20 MB of SQL with a secondary index built after the data: a few seconds of loading.
    auto rows = source_->QueryValue(std::string("SELECT COUNT(*) FROM ") + kDb + ".t");
    if (!rows.ok() || *rows != "200000") {
      ASSERT_OK(source_->Exec(std::string("DROP DATABASE IF EXISTS ") + kDb + "; CREATE DATABASE " +
                              kDb + "; CREATE TABLE " + kDb +
                              ".t (id INT PRIMARY KEY, k INT, v VARCHAR(200), KEY k (k), "
                              "KEY kv (k, v)) ENGINE=InnoDB; INSERT INTO " +
                              kDb + ".t SELECT seq, seq % 1000, REPEAT(MD5(seq), 3) FROM " + kDb +
                              ".seq_1_to_200000"));
    }
    archive_ = dir_->Join("restart.sql.gz");
    ASSERT_OK(DumpArchive(archive_, {"--databases", kDb, "--chunk-size", "64KiB"}));
    ASSERT_OK_AND_ASSIGN(server_, ThrowawayServer::Start(dir_->Join("target")));
    ASSERT_OK_AND_ASSIGN(cnf_, WriteOptionFile(server_->config(), dir_->path(), "restart.cnf"));
  }

  // Starts the restore, waits until `moment` holds on the target (polled every 10 ms, at most
  // 120 s), crashes and restarts the target, and waits for the restore to end.
  void RestoreThroughARestart(const std::function<bool(TestServer&)>& moment) {
    std::unique_ptr<ChildProcess> holder;
    ASSERT_OK_AND_ASSIGN(ChildProcess * restore,
                         StartMyvault({"restore", archive_, "--defaults-file", cnf_, "--yes",
                                       "--threads", "2", "--retries", "8", "--progress", "lines"},
                                      &holder));
    ASSERT_OK_AND_ASSIGN(auto watcher, TestServer::Connect(server_->config()));
    bool reached = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (!reached && restore->Running() && std::chrono::steady_clock::now() < deadline) {
      reached = moment(*watcher);
      if (!reached) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_TRUE(reached) << "the restore never reached the moment to restart the target";
    watcher.reset();
    ASSERT_OK(server_->CrashAndRestart());
    result_ = restore->Wait();
  }

  void ExpectFinishedWithTheSourceState() {
    ASSERT_EQ(result_.exit_code, 0) << result_.Describe() << "\n" << result_.err;
    EXPECT_NE(result_.err.find("reconnecting in"), std::string::npos)
        << "the restore should have said it reconnected:\n"
        << result_.err;
    ASSERT_OK_AND_ASSIGN(Fingerprint want, TakeFingerprint(source_config_, {kDb}));
    ASSERT_OK_AND_ASSIGN(Fingerprint got, TakeFingerprint(server_->config(), {kDb}));
    EXPECT_EQ(Diff(want, got), "");
    ASSERT_OK_AND_ASSIGN(auto target, TestServer::Connect(server_->config()));
    EXPECT_EQ(*target->QueryValue("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE "
                                  "SCHEMA_NAME = '_myvault_restore'"),
              "0")
        << "the journal is left behind";
  }

  std::string archive_;
  std::unique_ptr<ThrowawayServer> server_;
  std::string cnf_;
  CommandResult result_;
};

TEST_F(RestoreRestart, TargetRestartedDuringTheDataFinishesWithoutResume) {
  ASSERT_NO_FATAL_FAILURE(RestoreThroughARestart([&](TestServer& s) {
    auto chunks = CommittedChunks(s);
    return chunks.ok() && *chunks >= 20;
  }));
  ExpectFinishedWithTheSourceState();
}

TEST_F(RestoreRestart, TargetRestartedDuringTheIndexBuildFinishesWithoutResume) {
  ASSERT_NO_FATAL_FAILURE(RestoreThroughARestart([&](TestServer& s) {
    auto n = s.QueryValue(std::string("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE "
                                      "INFO LIKE 'ALTER TABLE `") +
                          kDb + "`.`t` ADD%'");
    return n.ok() && *n != "0";
  }));
  ExpectFinishedWithTheSourceState();
}

}  // namespace
}  // namespace myvault::it
