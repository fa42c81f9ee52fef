// Point-in-time recovery against real servers: `myvault binlog` archives a throwaway source
// (its own, started with log-bin and binlog_format=ROW, so it may be purged and killed), and
// `myvault restore --until...` brings the shared target to exactly the rows before the target.
// The backups are taken mid-file (rows were written to the same binlog file before the
// snapshot): a replay that started at the file's start would apply those inserts again and fail
// on their primary keys, so every exact-rows check here also proves the start position.
#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <thread>

#include "../unit/http_listener.h"
#include "bank.h"
#include "env.h"
#include "myvault/binlog/files.h"
#include "myvault/ops/backup_dir.h"
#include "myvault_cli.h"
#include "s3_server.h"
#include "throwaway_server.h"

namespace myvault::it {
namespace {

constexpr char kSetup[] = R"sql(
DROP DATABASE IF EXISTS mv_pitr; CREATE DATABASE mv_pitr;
CREATE TABLE mv_pitr.t (id INT PRIMARY KEY, v VARCHAR(20)) ENGINE=InnoDB;
INSERT INTO mv_pitr.t VALUES (1, 'one'), (2, 'two'), (3, 'three');
)sql";

class Pitr : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(server_, ThrowawayServer::Start(dir_.Join("src")));
    ASSERT_OK_AND_ASSIGN(source_, TestServer::Connect(server_->config()));
    ASSERT_OK_AND_ASSIGN(ServerConfig target_config, TargetServerFromEnv());
    ASSERT_OK_AND_ASSIGN(target_, TestServer::Connect(target_config));
    ASSERT_OK_AND_ASSIGN(src_cnf_, WriteOptionFile(server_->config(), dir_.path(), "src.cnf"));
    ASSERT_OK_AND_ASSIGN(tgt_cnf_, WriteOptionFile(target_config, dir_.path(), "tgt.cnf"));
    if (!storage::IsObjectUrl(backups_)) ASSERT_EQ(::mkdir(backups_.c_str(), 0700), 0);
    ASSERT_OK(source_->Exec(kSetup));
    ASSERT_OK(target_->Exec("DROP DATABASE IF EXISTS mv_pitr"));
  }
  void TearDown() override {
    if (target_) {
      (void)target_->Exec(
          "DROP DATABASE IF EXISTS mv_pitr; DROP DATABASE IF EXISTS mv_pitr_r; "
          "DROP DATABASE IF EXISTS mv_pitr_drill; "
          "DROP DATABASE IF EXISTS bank_a; DROP DATABASE IF EXISTS bank_b");
    }
  }

  void Backup() {
    ASSERT_OK_AND_ASSIGN(CommandResult r, RunMyvault({"backup", "--dir", backups_, "--prefix", "p",
                                                      "--defaults-file", src_cnf_, "--databases",
                                                      "mv_pitr", "--progress", "none"}));
    ASSERT_EQ(r.exit_code, 0) << r.Describe();
  }
  Result<ChildProcess*> StartArchiver(CommandOptions options = {}) {
    return StartMyvault({"binlog", "--dir", backups_, "--prefix", "p", "--defaults-file", src_cnf_,
                         "--flush-every", "0.2"},
                        &archiver_, std::move(options));
  }
  // Waits (at most 60 s) until the archive holds the source's binlog up to its current end.
  bool WaitArchived() {
    for (int i = 0; i < 600; ++i) {
      auto status = source_->Query("SHOW MASTER STATUS");
      auto index = binlog::ReadIndex(*Archive(), "p");
      if (status.ok() && index.ok() && !status->empty() && !index->files.empty()) {
        const binlog::FileRecord& last = index->files.back();
        if (last.file == (*status)[0][0].value_or("") &&
            std::to_string(last.committed) == (*status)[0][1].value_or("")) {
          return true;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }
  // The source's current UTC time, one whole second after the last write (event times are
  // whole seconds: the target falls strictly between the writes around it).
  std::string TimeBetweenWrites() {
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    Result<std::string> now = source_->QueryValue("SELECT UTC_TIMESTAMP()");
    std::string t = now.ok() ? *now : "";
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    return t;
  }
  // A backup, then the archiver started and a first write archived.
  void ArchiveAfterABackup() {
    Backup();
    ASSERT_OK(StartArchiver().status());
    ASSERT_OK(source_->Exec("INSERT INTO mv_pitr.t VALUES (4, 'four')"));
    ASSERT_TRUE(WaitArchived());
  }
  // restore --until a time after the last write: the target then holds the source's rows.
  void RestoreUntilNowGivesTheSourcesRows() {
    const std::vector<Row> now = Rows(*source_);
    const std::string t = TimeBetweenWrites();
    ASSERT_TRUE(WaitArchived());
    CommandResult restored = Restore({"--until", t});
    ASSERT_EQ(restored.exit_code, 0) << restored.Describe();
    EXPECT_EQ(Rows(*target_), now) << restored.out;
  }
  // Kills the archiver (SIGKILL) after a write, writes while none runs, across a rotation, then
  // restarts it and waits until it has caught up.
  void KillWriteAcrossARotationAndRestart() {
    ASSERT_OK(source_->Exec("INSERT INTO mv_pitr.t VALUES (5, 'five')"));
    ASSERT_OK(archiver_->Signal(SIGKILL));
    archiver_->Wait();
    // Written while no archiver runs, across a rotation.
    ASSERT_OK(
        source_->Exec("INSERT INTO mv_pitr.t VALUES (6, 'six'); FLUSH BINARY LOGS; "
                      "INSERT INTO mv_pitr.t VALUES (7, 'seven')"));
    ASSERT_OK(StartArchiver().status());
    ASSERT_OK(source_->Exec("UPDATE mv_pitr.t SET v = 'sieben' WHERE id = 7"));
    ASSERT_TRUE(WaitArchived());
  }
  // Every archived file is the server's file byte for byte: nothing missing, nothing twice.
  void ExpectArchiveIsTheServersBinlog() {
    ASSERT_OK_AND_ASSIGN(binlog::BinlogIndex index, binlog::ReadIndex(*Archive(), "p"));
    ASSERT_GE(index.files.size(), 2u);
    for (const binlog::FileRecord& r : index.files) {
      EXPECT_TRUE(r.gap_before.empty()) << r.file << ": " << r.gap_before;
      std::string archived;
      ASSERT_OK(binlog::ReadArchived(*Archive(), "p", r.file, !r.complete, [&](std::string_view b) {
        archived.append(b);
        return Status::Ok();
      }));
      ASSERT_OK_AND_ASSIGN(std::string server_file, ReadFile(dir_.Join("src/data/" + r.file)));
      EXPECT_TRUE(SameBinlog(archived, server_file))
          << r.file << ": archived " << archived.size() << " bytes, the server's "
          << server_file.size();
    }
  }
  // The format description's LOG_EVENT_BINLOG_IN_USE_F (flags at offset 4 + 17) is set while
  // the server writes the file and cleared in place when it closes it; the stream sends it
  // cleared. Every other byte must agree.
  static bool SameBinlog(std::string a, std::string b) {
    for (std::string* f : {&a, &b}) {
      if (f->size() > 21) (*f)[21] = static_cast<char>((*f)[21] & ~1);
    }
    return a == b;
  }
  // The backup directory or bucket, as the tests read it.
  std::unique_ptr<storage::Store> Archive() const {
    auto store = storage::OpenStore(backups_);
    return store.ok() ? std::move(*store) : nullptr;
  }
  // The backups of prefix p (BackupsIn lists the default prefix).
  std::vector<ops::BackupFile> Backups() {
    auto files = ops::ListBackups(backups_, "p");
    return files.ok() ? *files : std::vector<ops::BackupFile>{};
  }
  std::vector<Row> Rows(TestServer& server, const std::string& db = "mv_pitr") {
    auto rows = server.Query("SELECT id, v FROM " + db + ".t ORDER BY id");
    return rows.ok() ? *rows : std::vector<Row>{};
  }
  CommandResult Restore(std::vector<std::string> until) {
    std::vector<std::string> args = {"restore",         "--dir",  backups_, "--prefix",   "p",
                                     "--defaults-file", tgt_cnf_, "--yes",  "--progress", "none"};
    args.insert(args.end(), until.begin(), until.end());
    auto r = RunMyvault(args);
    return r.ok() ? *r : CommandResult{};
  }

  TempDir dir_;
  std::string backups_ = dir_.Join("backups");
  std::unique_ptr<ThrowawayServer> server_;
  std::unique_ptr<TestServer> source_, target_;
  std::string src_cnf_, tgt_cnf_;
  std::unique_ptr<ChildProcess> archiver_;
};

TEST_F(Pitr, UntilTimeAndUntilGtidRestoreExactlyTheRowsBeforeTheTarget) {
  Backup();
  ASSERT_OK(StartArchiver().status());
  ASSERT_OK(
      source_->Exec("INSERT INTO mv_pitr.t VALUES (4, 'four'); "
                    "UPDATE mv_pitr.t SET v = 'uno' WHERE id = 1"));
  const std::string t = TimeBetweenWrites();
  const std::vector<Row> before = Rows(*source_);
  ASSERT_OK(source_->Exec("INSERT INTO mv_pitr.t VALUES (5, 'five')"));
  ASSERT_OK_AND_ASSIGN(std::string gtid_pos, source_->QueryValue("SELECT @@gtid_binlog_pos"));
  ASSERT_OK(source_->Exec("FLUSH BINARY LOGS"));  // the replay crosses a rotation
  ASSERT_OK(source_->Exec("DELETE FROM mv_pitr.t WHERE id = 2; DROP TABLE mv_pitr.t"));
  ASSERT_TRUE(WaitArchived()) << "the archiver never caught up";

  // list shows the window without scanning: from the backup to the archive's end.
  ASSERT_OK_AND_ASSIGN(CommandResult list,
                       RunMyvault({"list", "--dir", backups_, "--prefix", "p"}));
  ASSERT_EQ(list.exit_code, 0) << list.Describe();
  ASSERT_EQ(Backups().size(), 1u);
  EXPECT_NE(list.out.find("point in time: "), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("(from backup " + Backups()[0].backup.name + "; archived to "),
            std::string::npos)
      << list.out;

  CommandResult by_time = Restore({"--until", t});
  ASSERT_EQ(by_time.exit_code, 0) << by_time.Describe();
  EXPECT_EQ(Rows(*target_), before) << by_time.out;
  EXPECT_NE(by_time.out.find("replayed 2 transactions"), std::string::npos) << by_time.out;

  // --until-gtid: stop before the insert of row 5 (offset +00:00 written explicitly above is
  // the same time; here the GTID alone decides).
  ASSERT_OK(target_->Exec("DROP DATABASE IF EXISTS mv_pitr"));
  CommandResult by_gtid = Restore({"--until-gtid", gtid_pos});
  ASSERT_EQ(by_gtid.exit_code, 0) << by_gtid.Describe();
  EXPECT_EQ(Rows(*target_), before) << by_gtid.out;

  // --databases and --rename apply to the replayed events too: the backup and the binlog both
  // land in the new name, and nothing in the old one.
  ASSERT_OK(target_->Exec("DROP DATABASE IF EXISTS mv_pitr"));
  CommandResult renamed = Restore(
      {"--until-gtid", gtid_pos, "--databases", "mv_pitr", "--rename", "mv_pitr=mv_pitr_r"});
  ASSERT_EQ(renamed.exit_code, 0) << renamed.Describe();
  EXPECT_EQ(Rows(*target_, "mv_pitr_r"), before) << renamed.out;
  ASSERT_OK_AND_ASSIGN(std::string old_name,
                       target_->QueryValue("SELECT COUNT(*) FROM information_schema.SCHEMATA "
                                           "WHERE SCHEMA_NAME = 'mv_pitr'"));
  EXPECT_EQ(old_name, "0") << renamed.out;

  // status: healthy while the archiver keeps up; past --max-binlog-lag once it stops.
  const std::string metrics = dir_.Join("metrics.prom");
  ASSERT_OK_AND_ASSIGN(CommandResult fresh,
                       RunMyvault({"status", "--dir", backups_, "--prefix", "p", "--max-binlog-lag",
                                   "1m", "--metrics-file", metrics}));
  EXPECT_EQ(fresh.exit_code, 0) << fresh.Describe();
  ASSERT_OK_AND_ASSIGN(std::string prom, ReadFile(metrics));
  EXPECT_NE(prom.find("myvault_binlog_lag_seconds "), std::string::npos) << prom;
  EXPECT_NE(prom.find("myvault_binlog_gap 0"), std::string::npos) << prom;
  double seconds = 0;
  ASSERT_OK(SignalAndWait(*archiver_, SIGTERM, &seconds).status());
  std::this_thread::sleep_for(std::chrono::milliseconds(3100));
  ASSERT_OK_AND_ASSIGN(CommandResult stale, RunMyvault({"status", "--dir", backups_, "--prefix",
                                                        "p", "--max-binlog-lag", "2s"}));
  EXPECT_EQ(stale.exit_code, kExitUnhealthy) << stale.Describe();
  EXPECT_NE((stale.out + stale.err).find("the binlog archive is"), std::string::npos)
      << stale.Describe();

  // The same time with an explicit offset: two hours east is two hours earlier in UTC.
  CommandResult early = Restore({"--until", "2001-01-01 02:00:00+02:00"});
  EXPECT_EQ(early.exit_code, kExitNotFound) << early.Describe();
  EXPECT_NE(early.err.find("no backup before --until 2001-01-01 00:00:00 UTC"), std::string::npos)
      << early.err;
}

TEST_F(Pitr, ArchiverKilledAndRestartedLeavesNoGapAndNoDuplicate) {
  ASSERT_NO_FATAL_FAILURE(ArchiveAfterABackup());
  ASSERT_NO_FATAL_FAILURE(KillWriteAcrossARotationAndRestart());

  ExpectArchiveIsTheServersBinlog();
  ASSERT_OK_AND_ASSIGN(binlog::BinlogIndex index, binlog::ReadIndex(*Archive(), "p"));
  ASSERT_GE(index.files.size(), 2u);
  const std::vector<Row> now = Rows(*source_);
  const std::string t = TimeBetweenWrites();
  ASSERT_TRUE(WaitArchived());
  CommandResult all = Restore({"--until", t});
  ASSERT_EQ(all.exit_code, 0) << all.Describe();
  EXPECT_EQ(Rows(*target_), now) << all.out;

  // prune: a newer backup (in the newest file) alone is kept; the files before its snapshot's go.
  Backup();
  // ... unless the oldest kept backup cannot be read here (encrypted, damaged): then the binlog
  // it may need stays whole rather than being cut at the newer backup's snapshot.
  const std::string unreadable =
      backups_ + "/" +
      ops::BackupFileName("p", ops::BackupKind::kManual, std::time(nullptr) - 10 * 86400);
  ASSERT_OK(WriteFile(unreadable, "not an archive this host can read"));
  ASSERT_OK_AND_ASSIGN(CommandResult held,
                       RunMyvault({"prune", "--dir", backups_, "--prefix", "p", "--daily", "0",
                                   "--weekly", "0", "--monthly", "0", "--dry-run"}));
  ASSERT_EQ(held.exit_code, 0) << held.Describe();
  EXPECT_NE(held.out.find("keep   the archived binlog: "), std::string::npos) << held.out;
  EXPECT_EQ(held.out.find("p-binlog-"), std::string::npos) << held.out;
  ASSERT_EQ(::unlink(unreadable.c_str()), 0);
  ASSERT_OK_AND_ASSIGN(CommandResult pruned,
                       RunMyvault({"prune", "--dir", backups_, "--prefix", "p", "--daily", "0",
                                   "--weekly", "0", "--monthly", "0"}));
  ASSERT_EQ(pruned.exit_code, 0) << pruned.Describe();
  const std::string first = index.files.front().file;
  EXPECT_NE(pruned.out.find("remove p-binlog-" + first + ".gz"), std::string::npos) << pruned.out;
  EXPECT_FALSE(PathExists(backups_ + "/p-binlog-" + first + ".gz"));
  EXPECT_FALSE(PathExists(backups_ + "/p-binlog-" + first + ".gz.sha256"));
  ASSERT_OK_AND_ASSIGN(binlog::BinlogIndex after, binlog::ReadIndex(*Archive(), "p"));
  ASSERT_FALSE(after.files.empty());
  EXPECT_NE(after.files.front().file, first);
  EXPECT_TRUE(PathExists(backups_ + "/p-binlog-" + index.files.back().file + ".gz.partial"));
}

// Under a steady write load the archive stays within a flush or two of the server, and the lag
// `status` reports (the RPO) must say so. It grew with the length of the load before: the
// index's synced time moved only when no transaction was half received at a flush, which a busy
// server almost never allows, so a steady load past --max-binlog-lag read as a stalled archive.
TEST_F(Pitr, TheLagStaysSmallUnderASteadyWriteLoad) {
  Backup();
  ASSERT_OK(StartArchiver().status());
  ASSERT_TRUE(WaitArchived());
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<TestServer> writer, TestServer::Connect(server_->config()));
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(8);
  int64_t worst_lag = 0;
  int id = 1000;
  auto last_sample = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() < until) {
    ASSERT_OK(writer->Exec("INSERT INTO mv_pitr.t SELECT " + std::to_string(id) +
                           " + seq, REPEAT('x', 20) FROM mv_pitr.seq_1_to_50"));
    id += 50;
    if (std::chrono::steady_clock::now() - last_sample < std::chrono::seconds(1)) continue;
    last_sample = std::chrono::steady_clock::now();
    auto index = binlog::ReadIndex(*Archive(), "p");
    ASSERT_TRUE(index.ok()) << index.status().message();
    const int64_t lag = static_cast<int64_t>(std::time(nullptr)) - index->synced_at;
    // The first seconds are the archiver catching up with the load's start.
    if (std::chrono::steady_clock::now() > until - std::chrono::seconds(5)) {
      worst_lag = std::max(worst_lag, lag);
    }
  }
  EXPECT_GT(id, 1000 + 50 * 100) << "the load was too light to show anything";
  EXPECT_LE(worst_lag, 3) << "the archive's synced time fell behind a steady load";
  ASSERT_TRUE(WaitArchived());
}

TEST_F(Pitr, PurgedBinlogIsADetectedGapThatEndsTheWindow) {
  Backup();
  ASSERT_OK(StartArchiver().status());
  ASSERT_TRUE(WaitArchived());
  double seconds = 0;
  ASSERT_OK_AND_ASSIGN(CommandResult stopped, SignalAndWait(*archiver_, SIGTERM, &seconds));
  EXPECT_EQ(stopped.exit_code, 0) << stopped.Describe();
  // While it is down, the file it was reading is rotated away and purged.
  ASSERT_OK(
      source_->Exec("INSERT INTO mv_pitr.t VALUES (4, 'four'); FLUSH BINARY LOGS; "
                    "FLUSH BINARY LOGS"));
  auto status = source_->Query("SHOW MASTER STATUS");
  ASSERT_OK(status.status());
  // The server skips a file its dump thread for the stopped archiver still holds open (until
  // it notices the disconnect): purge again until the current file is the oldest (bounded).
  const std::string current = (*status)[0][0].value_or("");
  std::string oldest;
  for (int i = 0; i < 100 && oldest != current; ++i) {
    if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ASSERT_OK(source_->Exec("PURGE BINARY LOGS TO '" + current + "'"));
    auto logs = source_->Query("SHOW BINARY LOGS");
    ASSERT_OK(logs.status());
    oldest = logs->empty() ? "" : (*logs)[0][0].value_or("");
  }
  ASSERT_EQ(oldest, current) << "the server kept the older binlog files";
  ASSERT_OK(source_->Exec("INSERT INTO mv_pitr.t VALUES (5, 'five')"));
  testutil::HttpListener slack;
  CommandOptions notify;
  notify.env = {{"NOTIFY_SLACK", "true"}, {"SLACK_WEBHOOK_URL", slack.Url("/services/T0/B0/x")}};
  ASSERT_OK(StartArchiver(notify).status());
  const std::string t = TimeBetweenWrites();
  ASSERT_TRUE(WaitArchived());
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // heartbeats: synced past t
  ASSERT_OK_AND_ASSIGN(CommandResult second, SignalAndWait(*archiver_, SIGTERM, &seconds));
  EXPECT_NE(second.out.find("binlog GAP after "), std::string::npos) << second.out;
  ASSERT_TRUE(slack.WaitForRequests(1, std::chrono::seconds(5))) << "no Slack post for the gap";
  EXPECT_NE(slack.requests()[0].body.find("binlog GAP after "), std::string::npos)
      << slack.requests()[0].body;
  ASSERT_OK_AND_ASSIGN(binlog::BinlogIndex index, binlog::ReadIndex(*Archive(), "p"));
  ASSERT_FALSE(index.files.empty());
  EXPECT_NE(index.files.back().gap_before.find("gap after"), std::string::npos);

  ASSERT_OK_AND_ASSIGN(CommandResult health,
                       RunMyvault({"status", "--dir", backups_, "--prefix", "p"}));
  EXPECT_EQ(health.exit_code, kExitUnhealthy) << health.Describe();
  EXPECT_NE((health.out + health.err).find("binlog archive has a gap"), std::string::npos)
      << health.Describe();

  ASSERT_OK_AND_ASSIGN(CommandResult list,
                       RunMyvault({"list", "--dir", backups_, "--prefix", "p"}));
  EXPECT_NE(list.out.find("; then a gap after "), std::string::npos) << list.out;

  // The only backup is before the gap: no restore can reach past it.
  CommandResult refused = Restore({"--until", t});
  EXPECT_EQ(refused.exit_code, kExitNotFound) << refused.Describe();
  EXPECT_NE(refused.err.find("a gap in the archived binlog after it"), std::string::npos)
      << refused.err;
}

// The source crashes (SIGKILL) and restarts while the archiver streams from it: the archiver
// retries with backoff, resumes where it stopped, and follows the server into the binlog file the
// restart opened. The first start also begins at the backup's snapshot file, not at the
// current one: the row written before the rotation that precedes the archiver's start is
// replayed.
TEST_F(Pitr, ServerRestartMidArchiveResumesWithoutAGap) {
  Backup();
  ASSERT_OK(source_->Exec("INSERT INTO mv_pitr.t VALUES (4, 'four'); FLUSH BINARY LOGS"));
  ASSERT_OK(StartArchiver().status());
  ASSERT_OK(source_->Exec("INSERT INTO mv_pitr.t VALUES (5, 'five')"));
  ASSERT_TRUE(WaitArchived());
  ASSERT_OK(source_->Exec("INSERT INTO mv_pitr.t VALUES (6, 'six')"));
  ASSERT_OK(server_->CrashAndRestart());
  ASSERT_OK_AND_ASSIGN(source_, TestServer::Connect(server_->config()));
  ASSERT_OK(source_->Exec("INSERT INTO mv_pitr.t VALUES (7, 'seven')"));
  ASSERT_TRUE(WaitArchived()) << "the archiver did not follow the restarted server";
  const std::vector<Row> now = Rows(*source_);
  ASSERT_EQ(now.size(), 7u);
  const std::string t = TimeBetweenWrites();
  ASSERT_TRUE(WaitArchived());
  double seconds = 0;
  ASSERT_OK_AND_ASSIGN(CommandResult stopped, SignalAndWait(*archiver_, SIGTERM, &seconds));
  EXPECT_NE(stopped.out.find("first start: archiving from binlog"), std::string::npos)
      << stopped.out;
  EXPECT_NE(stopped.out.find("lost"), std::string::npos) << "no retry logged: " << stopped.out;
  EXPECT_EQ(stopped.out.find("GAP"), std::string::npos) << stopped.out;

  // Every file the server has is archived whole (the crashed one keeps its in-use flag on the
  // server's disk, so sizes, not bytes, are compared), and no gap is recorded.
  ASSERT_OK_AND_ASSIGN(binlog::BinlogIndex index, binlog::ReadIndex(*Archive(), "p"));
  ASSERT_GE(index.files.size(), 3u);
  for (const binlog::FileRecord& r : index.files) {
    EXPECT_TRUE(r.gap_before.empty()) << r.file << ": " << r.gap_before;
    size_t archived = 0;
    ASSERT_OK(binlog::ReadArchived(*Archive(), "p", r.file, !r.complete, [&](std::string_view b) {
      archived += b.size();
      return Status::Ok();
    }));
    ASSERT_OK_AND_ASSIGN(std::string server_file, ReadFile(dir_.Join("src/data/" + r.file)));
    EXPECT_EQ(archived, server_file.size()) << r.file;
  }
  CommandResult all = Restore({"--until", t});
  ASSERT_EQ(all.exit_code, 0) << all.Describe();
  EXPECT_EQ(Rows(*target_), now) << all.out;
}

// Money moves between two banks while the backup runs, and one transfer is open across the
// whole backup (begun before its snapshot, committed after it). A point-in-time restore to the
// end of the writes must apply every transfer exactly once: the total holds, every balance
// agrees with the transfer log, and target and source are the same, row for row.
TEST_F(Pitr, TransactionSpanningTheSnapshotIsAppliedExactlyOnce) {
  ASSERT_OK(CreateBanks(*source_));
  // The spanning transfer moves money between accounts the writer never touches (it picks from
  // 1..kBankAccounts), so neither waits for the other's row locks.
  ASSERT_OK(
      source_->Exec("INSERT INTO bank_a.accounts VALUES (50001, 1000, 'spanning'); "
                    "INSERT INTO bank_b.accounts VALUES (50001, 1000, 'spanning')"));
  ASSERT_OK(StartArchiver().status());
  TransferWriter writer(server_->config());
  writer.Start();
  writer.WaitForMore(50);
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<TestServer> spanning,
                       TestServer::Connect(server_->config()));
  ASSERT_OK(spanning->Exec(
      "START TRANSACTION; UPDATE bank_a.accounts SET balance = balance - 500 WHERE id = 50001; "
      "UPDATE bank_b.accounts SET balance = balance + 500 WHERE id = 50001; INSERT INTO "
      "bank_a.transfers (from_bank, from_id, to_bank, to_id, amount) "
      "VALUES ('a', 50001, 'b', 50001, 500)"));
  const long before_backup = writer.committed();
  ASSERT_OK_AND_ASSIGN(
      CommandResult backup,
      RunMyvault({"backup", "--dir", backups_, "--prefix", "p", "--defaults-file", src_cnf_,
                  "--databases", "bank_a", "bank_b", "--progress", "none"}));
  ASSERT_EQ(backup.exit_code, 0) << backup.Describe();
  const long after_backup = writer.committed();
  ASSERT_OK(spanning->Exec("COMMIT"));
  writer.WaitForMore(50);
  writer.Stop();
  ASSERT_OK(writer.status());
  EXPECT_GE(after_backup - before_backup, 5) << "too few transfers during the backup";
  ASSERT_OK_AND_ASSIGN(std::vector<Row> end, source_->Query("SHOW MASTER STATUS"));
  ASSERT_FALSE(end.empty());
  const std::string position = end[0][0].value_or("") + ":" + end[0][1].value_or("");
  ASSERT_TRUE(WaitArchived());

  CommandResult r = Restore({"--until-position", position});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  const std::string kTotal =
      "SELECT (SELECT SUM(balance) FROM bank_a.accounts) + "
      "(SELECT SUM(balance) FROM bank_b.accounts)";
  ASSERT_OK_AND_ASSIGN(std::string total, target_->QueryValue(kTotal));
  EXPECT_EQ(total, std::to_string(2 * (kBankAccounts + 1) * kInitialBalance)) << r.out;
  ASSERT_OK_AND_ASSIGN(std::string disagreeing, target_->QueryValue(BankDisagreementsQuery()));
  EXPECT_EQ(disagreeing, "0") << "balances disagree with the transfer log: " << r.out;
  ASSERT_OK_AND_ASSIGN(std::string spanned,
                       target_->QueryValue("SELECT COUNT(*) FROM bank_a.transfers WHERE amount "
                                           "= 500"));
  EXPECT_EQ(spanned, "1") << "the transfer open across the snapshot";
  for (const char* q :
       {"SELECT COUNT(*), COALESCE(MAX(id), 0), COALESCE(SUM(amount), 0) FROM bank_a.transfers",
        "SELECT COUNT(*), SUM(balance * id) FROM bank_a.accounts",
        "SELECT COUNT(*), SUM(balance * id) FROM bank_b.accounts"}) {
    ASSERT_OK_AND_ASSIGN(std::vector<Row> want, source_->Query(q));
    ASSERT_OK_AND_ASSIGN(std::vector<Row> got, target_->Query(q));
    EXPECT_EQ(got, want) << q;
  }
}

// `daemon --binlog`: the scheduled backups and the archiver in one process; a restore to a point
// after the daemon's first backup gets exactly the rows of that moment.
TEST_F(Pitr, DaemonWithBinlogBacksUpAndArchivesBesideIt) {
  ASSERT_OK(StartMyvault({"daemon", "--binlog", "--schedule", "0 0 1 1 *", "--dir", backups_,
                          "--prefix", "p", "--defaults-file", src_cnf_, "--databases", "mv_pitr",
                          "--flush-every", "0.2"},
                         &archiver_)
                .status());
  for (int i = 0; i < 600 && Backups().empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(Backups().size(), 1u) << "the daemon took no backup at its start";
  ASSERT_OK(
      source_->Exec("INSERT INTO mv_pitr.t VALUES (4, 'four'); FLUSH BINARY LOGS; "
                    "INSERT INTO mv_pitr.t VALUES (5, 'five')"));
  ASSERT_TRUE(WaitArchived()) << "the daemon's archiver never caught up";
  const std::vector<Row> now = Rows(*source_);
  const std::string t = TimeBetweenWrites();
  ASSERT_OK(source_->Exec("DELETE FROM mv_pitr.t"));
  ASSERT_TRUE(WaitArchived());
  double seconds = 0;
  ASSERT_OK_AND_ASSIGN(CommandResult stopped, SignalAndWait(*archiver_, SIGTERM, &seconds));
  EXPECT_EQ(stopped.exit_code, 0) << stopped.Describe();
  CommandResult r = Restore({"--until", t});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_EQ(Rows(*target_), now) << r.out;
}

// drill --until: the backup before the target and the binlog up to it, under the scratch name
// (kept here to look at), the original name untouched; a range holding DDL that names the
// database itself is refused before anything is restored.
TEST_F(Pitr, DrillUntilReplaysUnderTheScratchNameAndRefusesQualifiedDdl) {
  Backup();
  ASSERT_OK(StartArchiver().status());
  ASSERT_OK(
      source_->Exec("INSERT INTO mv_pitr.t VALUES (4, 'four'); "
                    "UPDATE mv_pitr.t SET v = 'uno' WHERE id = 1"));
  const std::string t = TimeBetweenWrites();
  const std::vector<Row> before = Rows(*source_);
  ASSERT_OK(source_->Exec("INSERT INTO mv_pitr.t VALUES (5, 'five')"));
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  ASSERT_OK(source_->Exec("CREATE TABLE mv_pitr.late (id INT PRIMARY KEY)"));  // no USE: named
  ASSERT_TRUE(WaitArchived());

  const std::vector<std::string> drill = {"drill", "--dir",           backups_, "--prefix",
                                          "p",     "--defaults-file", tgt_cnf_, "--keep"};
  std::vector<std::string> args = drill;
  args.insert(args.end(), {"--until", t});
  ASSERT_OK_AND_ASSIGN(CommandResult ok, RunMyvault(args));
  ASSERT_EQ(ok.exit_code, 0) << ok.Describe();
  EXPECT_NE(ok.out.find("drill OK: "), std::string::npos) << ok.out;
  EXPECT_NE(ok.out.find("then 2 transactions of binlog replayed to --until "), std::string::npos)
      << ok.out;
  EXPECT_EQ(Rows(*target_, "mv_pitr_drill"), before) << ok.out;
  ASSERT_OK_AND_ASSIGN(std::string original,
                       target_->QueryValue("SELECT COUNT(*) FROM information_schema.SCHEMATA "
                                           "WHERE SCHEMA_NAME = 'mv_pitr'"));
  EXPECT_EQ(original, "0") << "the drill touched the original name";

  // Past the CREATE TABLE mv_pitr.late: refused before any scratch copy is made.
  ASSERT_OK(target_->Exec("DROP DATABASE mv_pitr_drill"));
  ASSERT_OK_AND_ASSIGN(std::vector<Row> end, source_->Query("SHOW MASTER STATUS"));
  ASSERT_FALSE(end.empty());
  args = drill;
  args.insert(args.end(),
              {"--until-position", end[0][0].value_or("") + ":" + end[0][1].value_or("")});
  ASSERT_OK_AND_ASSIGN(CommandResult refused, RunMyvault(args));
  EXPECT_EQ(refused.exit_code, 2) << refused.Describe();
  EXPECT_NE((refused.out + refused.err).find("CREATE TABLE mv_pitr.late"), std::string::npos)
      << refused.Describe();
  ASSERT_OK_AND_ASSIGN(std::string scratch,
                       target_->QueryValue("SELECT COUNT(*) FROM information_schema.SCHEMATA "
                                           "WHERE SCHEMA_NAME = 'mv_pitr_drill'"));
  EXPECT_EQ(scratch, "0") << refused.Describe();

  // restore --until --rename refuses the same range (it replayed the CREATE TABLE into mv_pitr
  // itself before); without --rename the statement belongs where it runs, and it is replayed.
  const std::string end_position = end[0][0].value_or("") + ":" + end[0][1].value_or("");
  CommandResult renamed = Restore({"--until-position", end_position, "--databases", "mv_pitr",
                                   "--rename", "mv_pitr=mv_pitr_r"});
  EXPECT_EQ(renamed.exit_code, 2) << renamed.Describe();
  EXPECT_NE(renamed.err.find("CREATE TABLE mv_pitr.late"), std::string::npos) << renamed.Describe();
  ASSERT_OK_AND_ASSIGN(std::string touched,
                       target_->QueryValue("SELECT COUNT(*) FROM information_schema.SCHEMATA "
                                           "WHERE SCHEMA_NAME IN ('mv_pitr', 'mv_pitr_r')"));
  EXPECT_EQ(touched, "0") << renamed.Describe();
  CommandResult plain = Restore({"--until-position", end_position});
  ASSERT_EQ(plain.exit_code, 0) << plain.Describe();
  ASSERT_OK_AND_ASSIGN(std::string late,
                       target_->QueryValue("SELECT COUNT(*) FROM information_schema.TABLES WHERE "
                                           "TABLE_SCHEMA = 'mv_pitr' AND TABLE_NAME = 'late'"));
  EXPECT_EQ(late, "1") << plain.Describe();
}

// The binlog archive in a bucket: each sync of the open file is an object of its own (a kill -9
// loses nothing synced), a rotated file is sealed into one object with its .sha256 (which the AWS
// CLI downloads and sha256sum -c accepts), and restore --until, list, status and prune work on the
// bucket as on a directory.
class PitrS3 : public Pitr {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(s3_, SharedS3Server());
    env_ = std::make_unique<ScopedS3Env>(s3_);
    backups_ = "s3://" + s3_.bucket + "/pitr-" + std::to_string(::getpid()) + "-" +
               std::to_string(std::time(nullptr));
    Pitr::SetUp();
  }
  std::vector<std::string> Objects() const {
    std::vector<std::string> names;
    auto objects = Archive()->List();
    EXPECT_TRUE(objects.ok()) << objects.status().message();
    if (objects.ok()) {
      for (const auto& o : *objects) names.push_back(o.name);
    }
    return names;
  }
  static bool Has(const std::vector<std::string>& names, const std::string& name) {
    return std::find(names.begin(), names.end(), name) != names.end();
  }
  static size_t Starting(const std::vector<std::string>& names, const std::string& stem) {
    return static_cast<size_t>(std::count_if(
        names.begin(), names.end(), [&](const std::string& n) { return n.rfind(stem, 0) == 0; }));
  }

  S3Endpoint s3_;
  std::unique_ptr<ScopedS3Env> env_;
};

TEST_F(PitrS3, TheArchiveInABucketSurvivesAKillSealsRotatedFilesAndRestores) {
  ASSERT_NO_FATAL_FAILURE(ArchiveAfterABackup());
  ASSERT_OK_AND_ASSIGN(binlog::BinlogIndex first_index, binlog::ReadIndex(*Archive(), "p"));
  const std::string first = "p-binlog-" + first_index.files.back().file + ".gz";
  std::vector<std::string> names = Objects();
  EXPECT_GE(Starting(names, first + ".partial."), 1u) << "no batch object of the open file";
  EXPECT_FALSE(Has(names, first)) << "the open file already has its final name";
  EXPECT_TRUE(Has(names, "p-binlog.index"));

  ASSERT_NO_FATAL_FAILURE(KillWriteAcrossARotationAndRestart());
  ExpectArchiveIsTheServersBinlog();

  // The rotated file: one object and its checksum, its batches gone; readable with the AWS CLI.
  names = Objects();
  EXPECT_TRUE(Has(names, first));
  EXPECT_TRUE(Has(names, first + ".sha256"));
  EXPECT_EQ(Starting(names, first + ".partial"), 0u) << "batches left after sealing";
  for (const std::string& name : {first, first + ".sha256"}) {
    ASSERT_OK_AND_ASSIGN(CommandResult cp,
                         RunAws(s3_, {"s3", "cp", backups_ + "/" + name, dir_.Join(name)}));
    ASSERT_EQ(cp.exit_code, 0) << cp.Describe();
  }
  CommandOptions in_dir;
  in_dir.cwd = dir_.path();
  ASSERT_OK_AND_ASSIGN(CommandResult sum,
                       RunCommand({"sha256sum", "-c", first + ".sha256"}, in_dir));
  EXPECT_EQ(sum.exit_code, 0) << sum.Describe();
  ASSERT_OK_AND_ASSIGN(CommandResult zcat, RunCommand({"gzip", "-dc", dir_.Join(first)}));
  ASSERT_OK_AND_ASSIGN(std::string server_file,
                       ReadFile(dir_.Join("src/data/" + first_index.files.back().file)));
  EXPECT_TRUE(SameBinlog(zcat.out, server_file)) << "gzip -dc gave " << zcat.out.size() << " bytes";

  // restore --until straight from the bucket.
  ASSERT_NO_FATAL_FAILURE(RestoreUntilNowGivesTheSourcesRows());

  ASSERT_OK_AND_ASSIGN(CommandResult list,
                       RunMyvault({"list", "--dir", backups_, "--prefix", "p"}));
  ASSERT_EQ(list.exit_code, 0) << list.Describe();
  EXPECT_NE(list.out.find("point in time: "), std::string::npos) << list.out;
  ASSERT_OK_AND_ASSIGN(CommandResult status, RunMyvault({"status", "--dir", backups_, "--prefix",
                                                         "p", "--max-binlog-lag", "1m"}));
  EXPECT_EQ(status.exit_code, 0) << status.Describe();

  // prune: with a newer backup alone kept, the rotated file's objects go.
  Backup();
  ASSERT_OK_AND_ASSIGN(CommandResult pruned,
                       RunMyvault({"prune", "--dir", backups_, "--prefix", "p", "--daily", "0",
                                   "--weekly", "0", "--monthly", "0"}));
  ASSERT_EQ(pruned.exit_code, 0) << pruned.Describe();
  EXPECT_NE(pruned.out.find("remove " + first), std::string::npos) << pruned.out;
  names = Objects();
  EXPECT_FALSE(Has(names, first));
  EXPECT_FALSE(Has(names, first + ".sha256"));
}

// Sealing a rotated file in a bucket is three steps (join the batches into the file, write its
// .sha256, remove the batches, last first) before the index says complete. An archiver killed
// between them left the index saying partial beside a sealed file and some of its batches: the
// next run takes the sealed file as complete instead of reading what is left of the batches (it
// stopped with "lacks the binlog magic" before).
TEST_F(PitrS3, AFileSealedBeforeTheIndexSaidSoIsTakenAsComplete) {
  ASSERT_NO_FATAL_FAILURE(ArchiveAfterABackup());
  ASSERT_OK_AND_ASSIGN(binlog::BinlogIndex before, binlog::ReadIndex(*Archive(), "p"));
  ASSERT_OK(source_->Exec("FLUSH BINARY LOGS; INSERT INTO mv_pitr.t VALUES (5, 'five')"));
  ASSERT_TRUE(WaitArchived());
  ASSERT_OK(archiver_->Signal(SIGKILL));
  archiver_->Wait();
  // The state of a kill after the join and the removal of the last batches: the index of before
  // the rotation, the sealed file, and a first batch still there.
  const std::string sealed = "p-binlog-" + before.files.back().file + ".gz";
  ASSERT_TRUE(Has(Objects(), sealed));
  // A later batch: whole gzip members that do not start with the binlog magic.
  ASSERT_OK_AND_ASSIGN(CommandResult gz,
                       RunCommand({"bash", "-c", "printf 'later events' | gzip -c"}));
  ASSERT_EQ(gz.exit_code, 0) << gz.Describe();
  ASSERT_OK(Archive()->WriteSmall(sealed + ".partial.00000002", gz.out));
  ASSERT_OK(Archive()->Remove(sealed + ".sha256"));
  ASSERT_OK(binlog::WriteIndex(*Archive(), "p", before));

  ASSERT_OK(StartArchiver().status());
  ASSERT_OK(source_->Exec("INSERT INTO mv_pitr.t VALUES (6, 'six')"));
  ASSERT_TRUE(WaitArchived()) << "the archiver did not resume";
  ExpectArchiveIsTheServersBinlog();
  const std::vector<std::string> names = Objects();
  EXPECT_EQ(Starting(names, sealed + ".partial"), 0u) << "the sealed file's batches are left";
  EXPECT_TRUE(Has(names, sealed + ".sha256"));
  ASSERT_OK_AND_ASSIGN(binlog::BinlogIndex after, binlog::ReadIndex(*Archive(), "p"));
  const binlog::FileRecord* r = after.Find(before.files.back().file);
  ASSERT_NE(r, nullptr);
  EXPECT_TRUE(r->complete);
  ASSERT_OK_AND_ASSIGN(std::string server_file,
                       ReadFile(dir_.Join("src/data/" + before.files.back().file)));
  EXPECT_EQ(r->end, server_file.size());
  EXPECT_EQ(r->committed, server_file.size());
  ASSERT_NO_FATAL_FAILURE(RestoreUntilNowGivesTheSourcesRows());
}

}  // namespace
}  // namespace myvault::it
