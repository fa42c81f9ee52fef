#include "myvault/ops/health.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <vector>

#include "archive_test_helpers.h"
#include "myvault/archive/format.h"
#include "myvault/archive/sha256.h"

namespace myvault::ops {
namespace {

using archive::testutil::ReadFile;
using archive::testutil::TempDir;
using archive::testutil::WriteFile;

constexpr int64_t kNov26At6 = 1795672800;  // 2026-11-26 06:00:00 UTC, a Thursday
constexpr int64_t kHour = 3600;
constexpr int64_t kDay = 86400;

BackupFile File(BackupKind kind, int64_t time, uint64_t size) {
  BackupFile f;
  f.backup = {BackupFileName("myvault", kind, time), time, kind};
  f.path = "/b/" + f.backup.name;
  f.size = size;
  f.has_sha256 = true;
  return f;
}

TEST(EvaluateHealth, NoBackupIsUnhealthy) {
  const HealthReport r = EvaluateHealth({}, std::nullopt, kNov26At6, 7 * kHour, {}, "/b");
  EXPECT_FALSE(r.healthy);
  EXPECT_EQ(r.problem, "no backup in /b");
  EXPECT_FALSE(r.newest.has_value());
  EXPECT_EQ(r.total, 0U);
  EXPECT_EQ(HealthStatus(r).code(), StatusCode::kUnhealthy);
}

BackupFile Partial(BackupKind kind, int64_t time) {
  BackupFile f = File(kind, time, 10);
  f.partial = true;
  return f;
}

TEST(EvaluateHealth, APartialBackupDoesNotMakeADirectoryOfFullBackupsHealthy) {
  const std::vector<BackupFile> files = {File(BackupKind::kAuto, kNov26At6 - 10 * kHour, 100),
                                         Partial(BackupKind::kManual, kNov26At6)};
  const HealthReport r = EvaluateHealth(files, std::nullopt, kNov26At6, 7 * kHour, {}, "/b");
  EXPECT_FALSE(r.healthy);
  ASSERT_TRUE(r.newest.has_value());
  EXPECT_EQ(r.newest->backup.name, files[0].backup.name);
  EXPECT_EQ(r.partial_count, 1U);
  EXPECT_NE(r.problem.find("10h0m old"), std::string::npos) << r.problem;
}

TEST(EvaluateHealth, ADirectoryOfPartialBackupsOnlyIsJudgedByThem) {
  const std::vector<BackupFile> files = {Partial(BackupKind::kAuto, kNov26At6 - kDay),
                                         Partial(BackupKind::kAuto, kNov26At6 - kHour)};
  const HealthReport r = EvaluateHealth(files, std::nullopt, kNov26At6, 7 * kHour, {}, "/b");
  EXPECT_TRUE(r.healthy) << r.problem;
  EXPECT_EQ(r.newest->backup.name, files[1].backup.name);
}

TEST(ApplyRetentionOverFiles, APartialBackupTakesNoWeeklyOrMonthlyPlaceOfAFullOne) {
  // Nov 1 (a Sunday) 00:00: a partial auto backup, then full ones every day at 06:00 until
  // Nov 26. Under daily 7, the earliest of November's first week and of November itself is the
  // full backup of Nov 1 06:00, not the partial one before it, which expired.
  const int64_t nov1 = kNov26At6 - 25 * kDay - 6 * kHour;
  std::vector<BackupFile> files = {Partial(BackupKind::kAuto, nov1)};
  for (int64_t t = nov1 + 6 * kHour; t <= kNov26At6; t += kDay) {
    files.push_back(File(BackupKind::kAuto, t, 100));
  }
  const std::vector<Decision> d = ApplyRetention(files, RetentionPolicy{});
  ASSERT_EQ(d.size(), files.size());
  EXPECT_FALSE(d[0].keep);
  EXPECT_EQ(d[0].reasons, std::vector<Reason>{Reason::kExpired});
  EXPECT_TRUE(d[1].keep);
  EXPECT_EQ(d[1].reasons, (std::vector<Reason>{Reason::kWeekly, Reason::kMonthly}));
}

TEST(ApplyRetentionOverFiles, APartialBackupNewerThanEveryFullOneIsKept) {
  const std::vector<BackupFile> files = {File(BackupKind::kAuto, kNov26At6 - 30 * kDay, 100),
                                         Partial(BackupKind::kAuto, kNov26At6 - 20 * kDay)};
  const std::vector<Decision> d = ApplyRetention(files, RetentionPolicy{});
  EXPECT_TRUE(d[1].keep);
  EXPECT_EQ(d[1].reasons, (std::vector<Reason>{Reason::kDaily, Reason::kNewest}));
  EXPECT_TRUE(d[0].keep);  // the newest full automatic backup
}

TEST(EvaluateHealth, FreshBackupIsHealthyWithCountsAndLatest) {
  // Daily for 10 days at 06:00: 7 daily; weeks of Nov 15 and Nov 22 (Sundays): earliest of each
  // (Nov 17, Nov 22); month November: earliest (Nov 17). A manual one between counts in no class.
  std::vector<BackupFile> files;
  for (int i = 9; i >= 0; --i) files.push_back(File(BackupKind::kAuto, kNov26At6 - i * kDay, 100));
  files.push_back(File(BackupKind::kManual, kNov26At6 - kHour, 5));
  const std::string newest = files[9].backup.name;
  const HealthReport r = EvaluateHealth(files, newest, kNov26At6 + kHour, 7 * kHour, {}, "/b");
  EXPECT_TRUE(r.healthy) << r.problem;
  EXPECT_TRUE(r.problem.empty());
  ASSERT_TRUE(r.newest.has_value());
  EXPECT_EQ(r.newest->backup.name, newest);
  EXPECT_EQ(r.newest_age_s, kHour);
  EXPECT_EQ(r.total, 11U);
  EXPECT_EQ(r.auto_count, 10U);
  EXPECT_EQ(r.manual_count, 1U);
  EXPECT_EQ(r.daily, 7U);
  EXPECT_EQ(r.weekly, 2U);
  EXPECT_EQ(r.monthly, 1U);
  EXPECT_EQ(r.total_bytes, 1005U);
  EXPECT_TRUE(r.latest_ok);
  EXPECT_TRUE(HealthStatus(r).ok());
}

TEST(EvaluateHealth, LatestLinkNotAtNewest) {
  std::vector<BackupFile> files = {File(BackupKind::kAuto, kNov26At6 - kDay, 1),
                                   File(BackupKind::kAuto, kNov26At6, 1)};
  HealthReport r = EvaluateHealth(files, files[0].backup.name, kNov26At6, kHour, {}, "/b");
  EXPECT_TRUE(r.healthy);
  EXPECT_FALSE(r.latest_ok);
  r = EvaluateHealth(files, std::nullopt, kNov26At6, kHour, {}, "/b");
  EXPECT_FALSE(r.latest_ok);
  EXPECT_FALSE(r.latest_target.has_value());
}

// The boundary: exactly max_age old is healthy, one second more is stale.
TEST(EvaluateHealth, StaleBoundary) {
  std::vector<BackupFile> files = {File(BackupKind::kAuto, kNov26At6, 1)};
  const int64_t max_age = 7 * kHour;
  HealthReport r = EvaluateHealth(files, std::nullopt, kNov26At6 + max_age, max_age, {}, "/b");
  EXPECT_TRUE(r.healthy);
  EXPECT_EQ(r.newest_age_s, max_age);
  r = EvaluateHealth(files, std::nullopt, kNov26At6 + max_age + 1, max_age, {}, "/b");
  EXPECT_FALSE(r.healthy);
  EXPECT_EQ(r.problem,
            "newest backup myvault-auto-20261126_060000.sql.gz is 7h0m old, more than --max-age "
            "7h");
  EXPECT_EQ(HealthStatus(r).code(), StatusCode::kUnhealthy);
  r = EvaluateHealth(files, std::nullopt, kNov26At6 + 8 * kHour + 12 * 60, max_age, {}, "/b");
  EXPECT_EQ(r.problem,
            "newest backup myvault-auto-20261126_060000.sql.gz is 8h12m old, more than --max-age "
            "7h");
}

TEST(EvaluateHealth, BackupFromTheFutureHasAgeZero) {
  std::vector<BackupFile> files = {File(BackupKind::kManual, kNov26At6, 1)};
  const HealthReport r = EvaluateHealth(files, std::nullopt, kNov26At6 - kDay, kHour, {}, "/b");
  EXPECT_TRUE(r.healthy);
  EXPECT_EQ(r.newest_age_s, 0);
}

TEST(EvaluateHealth, ChecksumFailureIsCorrupt) {
  HealthReport r;
  r.problem = "bad";
  r.sha256_checked = true;
  EXPECT_EQ(HealthStatus(r).code(), StatusCode::kCorrupt);
}

TEST(RenderPrometheus, Golden) {
  std::vector<BackupFile> files = {File(BackupKind::kAuto, kNov26At6 - kDay, 1000),
                                   File(BackupKind::kAuto, kNov26At6, 2500),
                                   File(BackupKind::kManual, kNov26At6 - 2 * kDay, 7)};
  const HealthReport r =
      EvaluateHealth(files, files[1].backup.name, kNov26At6 + 90, 7 * kHour, {}, "/b");
  LastRun run{true, kNov26At6 + 80, 79.5, 2500, files[1].backup.name};
  EXPECT_EQ(RenderPrometheus(r, run),
            "# HELP myvault_last_success_timestamp_seconds Time of the newest backup, from its "
            "name (Unix seconds).\n"
            "# TYPE myvault_last_success_timestamp_seconds gauge\n"
            "myvault_last_success_timestamp_seconds 1795672800\n"
            "# HELP myvault_newest_backup_age_seconds Age of the newest backup.\n"
            "# TYPE myvault_newest_backup_age_seconds gauge\n"
            "myvault_newest_backup_age_seconds 90\n"
            "# HELP myvault_newest_backup_size_bytes Size of the newest backup.\n"
            "# TYPE myvault_newest_backup_size_bytes gauge\n"
            "myvault_newest_backup_size_bytes 2500\n"
            "# HELP myvault_backups_total Backups in the directory, by kind.\n"
            "# TYPE myvault_backups_total gauge\n"
            "myvault_backups_total{kind=\"auto\"} 2\n"
            "myvault_backups_total{kind=\"manual\"} 1\n"
            "# HELP myvault_backups_retained Backups kept by each retention class.\n"
            "# TYPE myvault_backups_retained gauge\n"
            "myvault_backups_retained{class=\"daily\"} 2\n"
            "myvault_backups_retained{class=\"weekly\"} 1\n"
            "myvault_backups_retained{class=\"monthly\"} 1\n"
            "# HELP myvault_backups_size_bytes Total size of the backups.\n"
            "# TYPE myvault_backups_size_bytes gauge\n"
            "myvault_backups_size_bytes 3507\n"
            "# HELP myvault_healthy 1 when the newest backup is recent enough and intact.\n"
            "# TYPE myvault_healthy gauge\n"
            "myvault_healthy 1\n"
            "# HELP myvault_last_run_success 1 when the last backup run succeeded.\n"
            "# TYPE myvault_last_run_success gauge\n"
            "myvault_last_run_success 1\n"
            "# HELP myvault_last_run_timestamp_seconds When the last backup run finished.\n"
            "# TYPE myvault_last_run_timestamp_seconds gauge\n"
            "myvault_last_run_timestamp_seconds 1795672880\n"
            "# HELP myvault_last_run_duration_seconds Duration of the last backup run.\n"
            "# TYPE myvault_last_run_duration_seconds gauge\n"
            "myvault_last_run_duration_seconds 79.500\n"
            "# HELP myvault_last_run_size_bytes Archive size of the last backup run.\n"
            "# TYPE myvault_last_run_size_bytes gauge\n"
            "myvault_last_run_size_bytes 2500\n");
}

TEST(RenderPrometheus, NoBackupLeavesOutNewestAndReportsUnhealthy) {
  const HealthReport r = EvaluateHealth({}, std::nullopt, kNov26At6, kHour, {}, "/b");
  const std::string text = RenderPrometheus(r, std::nullopt);
  EXPECT_EQ(text.find("last_success"), std::string::npos);
  EXPECT_EQ(text.find("last_run"), std::string::npos);
  EXPECT_NE(text.find("\nmyvault_healthy 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nmyvault_backups_total{kind=\"auto\"} 0\n"), std::string::npos);
}

TEST(FormatAge, Units) {
  EXPECT_EQ(FormatAge(0), "0s");
  EXPECT_EQ(FormatAge(59), "59s");
  EXPECT_EQ(FormatAge(61), "1m1s");
  EXPECT_EQ(FormatAge(3600), "1h0m");
  EXPECT_EQ(FormatAge(2 * kDay + 61), "48h1m");
  EXPECT_EQ(FormatUtc(kNov26At6, false), "2026-11-26 06:00:00");
  EXPECT_EQ(FormatUtc(kNov26At6, true), "2026-11-26T06:00:00Z");
}

TEST(WriteFileAtomically, WritesContentAndModeAndLeavesNoPartial) {
  TempDir dir;
  const std::string path = dir.path() + "/metrics.prom";
  WriteFile(path + ".partial", "stale half file");
  ASSERT_TRUE(WriteFileAtomically(path, "a 1\n", 0640).ok());
  EXPECT_EQ(ReadFile(path), "a 1\n");
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0640U);
  EXPECT_FALSE(std::filesystem::exists(path + ".partial"));
  // Replaces: a reader holding the old file keeps the old inode, the path gets the new content.
  ASSERT_TRUE(WriteFileAtomically(path, "a 2\n", 0644).ok());
  EXPECT_EQ(ReadFile(path), "a 2\n");
  struct stat st2 {};
  ASSERT_EQ(::stat(path.c_str(), &st2), 0);
  EXPECT_NE(st.st_ino, st2.st_ino);
  size_t entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++entries;
  EXPECT_EQ(entries, 1U);
}

TEST(WriteFileAtomically, FailureNamesTheFileAndLeavesNothing) {
  TempDir dir;
  const std::string path = dir.path() + "/missing/metrics.prom";
  const Status st = WriteFileAtomically(path, "x", 0644);
  EXPECT_EQ(st.code(), StatusCode::kIo);
  EXPECT_NE(st.message().find(path + ".partial"), std::string::npos) << st.message();
}

TEST(CheckSha256, OkMismatchMissing) {
  TempDir dir;
  const std::string name = "myvault-auto-20261126_060000.sql.gz";
  const std::string path = dir.path() + "/" + name;
  WriteFile(path, "archive bytes");
  EXPECT_EQ(CheckSha256(path, nullptr).code(), StatusCode::kNotFound);
  const std::string hex = archive::Sha256Hex(archive::Sha256::Of("archive bytes"));
  WriteFile(path + ".sha256", hex + "  " + name + "\n");
  EXPECT_TRUE(CheckSha256(path, nullptr).ok());
  WriteFile(path, "archive bytez");
  EXPECT_EQ(CheckSha256(path, nullptr).code(), StatusCode::kCorrupt);
}

}  // namespace
}  // namespace myvault::ops

namespace myvault::ops {
namespace {

HealthReport Healthy() {
  HealthReport r;
  r.healthy = true;
  return r;
}

TEST(DrillHealthTest, AFailedOrTooOldDrillIsUnhealthy) {
  const int64_t now = 1796410700;
  DrillState failed{.ok = false, .finished = now - 60, .problem = "row count mismatch"};
  HealthReport r = Healthy();
  EvaluateDrill(failed, now, 0, &r);
  EXPECT_FALSE(r.healthy);
  EXPECT_NE(r.problem.find(") FAILED: row count mismatch"), std::string::npos) << r.problem;
  EXPECT_EQ(HealthStatus(r).code(), StatusCode::kUnhealthy);

  DrillState passed{.ok = true, .finished = now - 40 * 86400};
  r = Healthy();
  EvaluateDrill(passed, now, 0, &r);
  EXPECT_TRUE(r.healthy) << "without --max-drill-age the age does not count";
  r = Healthy();
  EvaluateDrill(passed, now, 32 * 86400, &r);
  EXPECT_FALSE(r.healthy);
  EXPECT_NE(r.problem.find("more than --max-drill-age"), std::string::npos) << r.problem;
  r = Healthy();
  EvaluateDrill(std::nullopt, now, 32 * 86400, &r);
  EXPECT_FALSE(r.healthy);
  EXPECT_NE(r.problem.find("no restore drill recorded"), std::string::npos) << r.problem;
}

TEST(DrillHealthTest, TheStateFileRoundTrips) {
  const std::string dir = ::testing::TempDir() + "/drill_state_rt";
  std::filesystem::create_directories(dir);
  DrillState s{.ok = false,
               .finished = 1796410700,
               .file = "x.sql.gz",
               .rto_seconds = 1.5,
               .rpo_seconds = 3600,
               .tables = 3,
               .rows = 1434,
               .problem = "bad\nrows"};
  ASSERT_TRUE(RecordDrill(dir, "shop", s).ok());
  auto read = ReadDrillState(dir, "shop");
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_TRUE(read->has_value());
  EXPECT_EQ((*read)->ok, false);
  EXPECT_EQ((*read)->finished, 1796410700);
  EXPECT_EQ((*read)->rows, 1434U);
  EXPECT_EQ((*read)->problem, "bad rows");
  EXPECT_FALSE(std::filesystem::exists(DrillStatePath(dir, "shop") + ".partial"));
  auto none = ReadDrillState(dir, "other");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  archive::testutil::WriteFile(DrillStatePath(dir, "bad"), "garbage\n");
  EXPECT_EQ(ReadDrillState(dir, "bad").status().code(), StatusCode::kCorrupt);
}

}  // namespace
}  // namespace myvault::ops
