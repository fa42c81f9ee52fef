// A restore whose loader connections are killed under it retries the chunks they carried, on a
// new connection, and still ends with exactly the source's rows (no chunk lost, none twice).
#include <atomic>
#include <thread>

#include "fingerprint.h"
#include "fixture.h"

namespace myvault::it {
namespace {

constexpr const char* kDb = "mv_restore_retry";

class RestoreRetry : public ServerPairTest {
 protected:
  // Dumps kDb, restores it with --retries `retries` while killing up to `max_kills` loader
  // connections; *kills gets how many were killed.
  void RestoreUnderKills(const std::string& name, const std::string& retries, int max_kills,
                         int* kills, CommandResult* result);

  void Prepare() override {
    // Journals left by other tests' interrupted restores would keep the journal database alive.
    ASSERT_OK(target_->Exec("DROP DATABASE IF EXISTS _myvault_restore"));
    // About 20 MB of SQL: a two-thread restore of it runs for seconds.
    auto rows = source_->QueryValue(std::string("SELECT COUNT(*) FROM ") + kDb + ".t");
    if (rows.ok() && *rows == "200000") return;
    ASSERT_OK(source_->Exec(std::string("DROP DATABASE IF EXISTS ") + kDb + "; CREATE DATABASE " +
                            kDb + "; CREATE TABLE " + kDb +
                            ".t (id INT PRIMARY KEY, k INT, v VARCHAR(200), KEY k (k)) "
                            "ENGINE=InnoDB; INSERT INTO " +
                            kDb + ".t SELECT seq, seq % 1000, REPEAT(MD5(seq), 3) FROM " + kDb +
                            ".seq_1_to_200000"));
  }
};

// Kills (KILL CONNECTION) up to `max_kills` target connections loading a chunk while
// `running` holds; returns how many it killed.
int KillLoaders(const ServerConfig& target, const std::atomic<bool>& running, int max_kills) {
  auto killer = TestServer::Connect(target);
  if (!killer.ok()) return 0;
  int kills = 0;
  while (running && kills < max_kills) {
    auto ids = (*killer)->Query(
        std::string("SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE "
                    "'INSERT INTO `") +
        kDb + "`.`t`%' OR INFO LIKE 'LOAD DATA LOCAL INFILE % INTO TABLE `" + kDb + "`.`t`%'");
    if (ids.ok() && !ids->empty() && (*ids)[0][0]) {
      if ((*killer)->Exec("KILL CONNECTION " + *(*ids)[0][0]).ok()) ++kills;
      std::this_thread::sleep_for(std::chrono::milliseconds(150));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return kills;
}

void RestoreRetry::RestoreUnderKills(const std::string& name, const std::string& retries,
                                     int max_kills, int* kills, CommandResult* result) {
  const std::string archive = dir_->Join(name + ".sql.gz");
  ASSERT_OK_AND_ASSIGN(auto dump,
                       Dump(archive, {"--databases", kDb, "--chunk-size", "64KiB", "--quiet"}));
  ASSERT_EQ(dump.exit_code, 0) << dump.Describe();
  std::unique_ptr<ChildProcess> holder;
  ASSERT_OK_AND_ASSIGN(ChildProcess * restore,
                       StartMyvault({"restore", archive, "--defaults-file", target_cnf_, "--yes",
                                     "--threads", "2", "--retries", retries, "--progress", "lines"},
                                    &holder));
  std::atomic<bool> running{true};
  std::thread killer([&] { *kills = KillLoaders(target_config_, running, max_kills); });
  *result = restore->Wait();
  running = false;
  killer.join();
}

TEST_F(RestoreRetry, KilledLoaderConnectionsAreRetriedWithoutLossOrDuplicates) {
  int kills = 0;
  CommandResult result;
  ASSERT_NO_FATAL_FAILURE(RestoreUnderKills("retry", "5", 3, &kills, &result));
  ASSERT_EQ(result.exit_code, 0) << result.Describe() << result.err;
  ASSERT_GE(kills, 1) << "the restore finished before a loader could be killed; grow the table";
  EXPECT_NE(result.out.find("retried chunks: "), std::string::npos) << result.out;
  EXPECT_NE(result.err.find("retrying (1 of 5)"), std::string::npos) << result.err;
  ASSERT_OK_AND_ASSIGN(Fingerprint want, TakeFingerprint(source_config_, {kDb}));
  ASSERT_OK_AND_ASSIGN(Fingerprint got, TakeFingerprint(target_config_, {kDb}));
  EXPECT_EQ(Diff(want, got), "");
  EXPECT_EQ(
      *target_->QueryValue("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = "
                           "'_myvault_restore'"),
      "0");
}

// With no retries allowed, the first killed connection stops the restore: exit 5, the chunk and
// the cause named, and the state of the target said.
TEST_F(RestoreRetry, WithoutRetriesALostConnectionStopsAndSaysWhatIsLeft) {
  int kills = 0;
  CommandResult result;
  ASSERT_NO_FATAL_FAILURE(RestoreUnderKills("noretry", "0", 1, &kills, &result));
  ASSERT_GE(kills, 1) << result.Describe();
  EXPECT_EQ(result.exit_code, 5) << result.Describe();
  EXPECT_NE(result.err.find("table `mv_restore_retry`.`t` chunk "), std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find("--resume"), std::string::npos) << result.err;
  // Leave no interrupted journal behind for the tests that follow.
  EXPECT_OK(target_->Exec("DROP DATABASE IF EXISTS _myvault_restore"));
}

}  // namespace
}  // namespace myvault::it
