#include "myvault/ops/backup_dir.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "archive_test_helpers.h"

namespace myvault::ops {
namespace {

using archive::testutil::ReadFile;
using archive::testutil::TempDir;
using archive::testutil::WriteFile;

constexpr int64_t kNov26At6 = 1795672800;  // 2026-11-26 06:00:00 UTC

TEST(BackupDirNames, FormatAndParseRoundTrip) {
  // 2026-11-26 06:00:00 UTC.
  const int64_t t = 1795672800;
  EXPECT_EQ(BackupFileName("myvault", BackupKind::kAuto, t), "myvault-auto-20261126_060000.sql.gz");
  EXPECT_EQ(BackupFileName("shop.db", BackupKind::kManual, t + 59),
            "shop.db-manual-20261126_060059.sql.gz");
  EXPECT_EQ(LatestLinkName("shop"), "shop-latest.sql.gz");
  for (int64_t time : {int64_t{0}, t, t + 86399, kNov26At6, int64_t{4102444799}}) {
    for (BackupKind kind : {BackupKind::kAuto, BackupKind::kManual}) {
      const std::string name = BackupFileName("p-x", kind, time);
      std::optional<Backup> b = ParseBackupFileName("p-x", name);
      ASSERT_TRUE(b.has_value()) << name;
      EXPECT_EQ(b->time, time) << name;
      EXPECT_EQ(b->kind, kind) << name;
      EXPECT_EQ(b->name, name);
    }
  }
}

TEST(BackupDirNames, OtherNamesAreNotBackups) {
  for (const char* name :
       {"myvault-latest.sql.gz", "myvault-auto-20261126_060000.sql.gz.sha256",
        "myvault-auto-20261126_060000.sql.gz.partial", "other-auto-20261126_060000.sql.gz",
        "myvault-daily-20261126_060000.sql.gz", "myvault-auto-20261126-060000.sql.gz",
        "myvault-auto-20260230_060000.sql.gz", "myvault-auto-20261126_246000.sql.gz",
        "myvault-auto-2026112_0600000.sql.gz", "myvault-auto-20261126_06000a.sql.gz",
        "myvault-auto-20261126_060000.sql", "myvaultx-auto-20261126_060000.sql.gz", "myvault"}) {
    EXPECT_FALSE(ParseBackupFileName("myvault", name).has_value()) << name;
  }
  // A prefix that is itself a prefix of another: "my" does not claim "myvault-..." files.
  EXPECT_FALSE(ParseBackupFileName("my", "myvault-auto-20261126_060000.sql.gz").has_value());
}

TEST(BackupDirNames, PrefixAndKindValidation) {
  EXPECT_TRUE(ValidatePrefix("myvault").ok());
  EXPECT_TRUE(ValidatePrefix("shop_db-2.prod").ok());
  for (const char* bad : {"", ".hidden", "-dash", "a/b", "a b", "ä"}) {
    Status st = ValidatePrefix(bad);
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(ValidatePrefix(std::string(65, 'a')).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(*ParseBackupKind("manual"), BackupKind::kManual);
  EXPECT_EQ(*ParseBackupKind("auto"), BackupKind::kAuto);
  EXPECT_EQ(ParseBackupKind("daily").status().message(), "--kind 'daily': use auto or manual");
}

TEST(BackupDirListing, ListsOnlyThisPrefixOldestFirstWithSizes) {
  TempDir dir;
  const std::string newer = BackupFileName("myvault", BackupKind::kAuto, kNov26At6);
  const std::string older = BackupFileName("myvault", BackupKind::kManual, kNov26At6 - 3600);
  WriteFile(dir.File(newer), "12345");
  WriteFile(dir.File(newer + ".sha256"), "x");
  WriteFile(dir.File(older), "123");
  WriteFile(dir.File(BackupFileName("other", BackupKind::kAuto, kNov26At6)), "1");
  WriteFile(dir.File(BackupFileName("myvault", BackupKind::kAuto, kNov26At6 + 60) + ".partial"),
            "1");
  ASSERT_TRUE(PointLatest(dir.path(), "myvault", newer).ok());
  std::filesystem::create_directory(dir.File(BackupFileName("myvault", BackupKind::kAuto, 1)));
  Result<std::vector<BackupFile>> listed = ListBackups(dir.path(), "myvault");
  ASSERT_TRUE(listed.ok()) << listed.status().message();
  const std::vector<BackupFile>& files = *listed;
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0].backup.name, older);
  EXPECT_EQ(files[0].backup.kind, BackupKind::kManual);
  EXPECT_EQ(files[0].size, 3u);
  EXPECT_FALSE(files[0].has_sha256);
  EXPECT_EQ(files[1].backup.name, newer);
  EXPECT_EQ(files[1].size, 5u);
  EXPECT_TRUE(files[1].has_sha256);
  EXPECT_EQ(files[1].path, dir.File(newer));
  EXPECT_EQ(ListBackups(dir.File("missing"), "myvault").status().code(), StatusCode::kNotFound);
}

TEST(BackupDirListing, RemoveTakesTheChecksumAndNothingElse) {
  TempDir dir;
  const std::string a = BackupFileName("myvault", BackupKind::kAuto, kNov26At6);
  WriteFile(dir.File(a), "a");
  WriteFile(dir.File(a + ".sha256"), "s");
  WriteFile(dir.File(a + ".partial"), "p");
  ASSERT_TRUE(RemoveBackup(dir.path(), a).ok());
  EXPECT_FALSE(std::filesystem::exists(dir.File(a)));
  EXPECT_FALSE(std::filesystem::exists(dir.File(a + ".sha256")));
  EXPECT_TRUE(std::filesystem::exists(dir.File(a + ".partial")));
  EXPECT_TRUE(RemoveBackup(dir.path(), a).ok()) << "removing twice is not an error";
}

TEST(BackupDirLatest, PointsAndRepointsWithARelativeLink) {
  TempDir dir;
  Result<std::optional<std::string>> none = ReadLatest(dir.path(), "myvault");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  WriteFile(dir.File("myvault-auto-20261126_060000.sql.gz"), "first");
  WriteFile(dir.File("myvault-auto-20261126_120000.sql.gz"), "second");
  ASSERT_TRUE(PointLatest(dir.path(), "myvault", "myvault-auto-20261126_060000.sql.gz").ok());
  EXPECT_EQ(ReadFile(dir.File("myvault-latest.sql.gz")), "first");
  ASSERT_TRUE(PointLatest(dir.path(), "myvault", "myvault-auto-20261126_120000.sql.gz").ok());
  EXPECT_EQ(ReadFile(dir.File("myvault-latest.sql.gz")), "second");
  Result<std::optional<std::string>> target = ReadLatest(dir.path(), "myvault");
  ASSERT_TRUE(target.ok());
  EXPECT_EQ(target->value_or(""), "myvault-auto-20261126_120000.sql.gz");
  // Relative: the directory can move (a volume mounted elsewhere) and the link still resolves.
  const std::string moved = dir.path() + "/moved";
  std::filesystem::create_directory(moved);
  std::filesystem::rename(dir.File("myvault-latest.sql.gz"), moved + "/myvault-latest.sql.gz");
  std::filesystem::rename(dir.File("myvault-auto-20261126_120000.sql.gz"),
                          moved + "/myvault-auto-20261126_120000.sql.gz");
  EXPECT_EQ(ReadFile(moved + "/myvault-latest.sql.gz"), "second");
  // No temporary link left behind.
  size_t entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++entries;
  EXPECT_EQ(entries, 2u);  // the first archive and moved/
}

// A child process takes the lock and then does what `ready` says: wait for the parent (busy
// lock) or die by SIGKILL while holding it (stale lock).
pid_t ChildHoldingTheLock(const std::string& dir, bool die, int* to_child) {
  int ready[2], go[2];
  if (::pipe(ready) != 0 || ::pipe(go) != 0) return -1;
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(ready[0]);
    ::close(go[1]);  // or the read below never sees the parent's end close
    Result<DirLock> lock = DirLock::Acquire(dir, "myvault");
    char c = lock.ok() ? 'y' : 'n';
    (void)!::write(ready[1], &c, 1);
    if (die) ::raise(SIGKILL);
    (void)!::read(go[0], &c, 1);
    ::_exit(0);
  }
  char c = 0;
  (void)!::read(ready[0], &c, 1);
  ::close(ready[0]);
  ::close(ready[1]);
  ::close(go[0]);
  *to_child = go[1];
  EXPECT_EQ(c, 'y') << "the child could not take the lock";
  return pid;
}

TEST(BackupDirLock, ASecondHolderIsRefusedWithThePidOfTheFirst) {
  TempDir dir;
  int to_child = -1;
  const pid_t child = ChildHoldingTheLock(dir.path(), false, &to_child);
  ASSERT_GT(child, 0);
  Result<DirLock> second = DirLock::Acquire(dir.path(), "myvault");
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kLockTimeout);
  EXPECT_NE(second.status().message().find("pid " + std::to_string(child) + ", started "),
            std::string::npos)
      << second.status().message();
  EXPECT_TRUE(DirLock::Acquire(dir.path(), "other").ok()) << "another prefix has its own lock";
  ::close(to_child);  // the child exits and, with it, its lock
  int status = 0;
  ::waitpid(child, &status, 0);
  int took_over = -1;
  Result<DirLock> third = DirLock::Acquire(dir.path(), "myvault", &took_over);
  ASSERT_TRUE(third.ok()) << third.status().message();
  EXPECT_EQ(took_over, child) << "the child exited without releasing: its pid is still written";
}

TEST(BackupDirLock, AStaleLockOfAKilledProcessIsTakenOver) {
  TempDir dir;
  int to_child = -1;
  const pid_t child = ChildHoldingTheLock(dir.path(), true, &to_child);
  ASSERT_GT(child, 0);
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));
  ::close(to_child);
  int took_over = -1;
  Result<DirLock> lock = DirLock::Acquire(dir.path(), "myvault", &took_over);
  ASSERT_TRUE(lock.ok()) << lock.status().message();
  EXPECT_EQ(took_over, child);
  struct stat st {};
  ASSERT_EQ(::stat(dir.File(".myvault.lock").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // Released cleanly: the next holder finds no one to take over from.
  { DirLock released = std::move(*lock); }
  Result<DirLock> again = DirLock::Acquire(dir.path(), "myvault", &took_over);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(took_over, 0);
  // In one process, a second lock is refused too (its own file description).
  EXPECT_EQ(DirLock::Acquire(dir.path(), "myvault").status().code(), StatusCode::kLockTimeout);
}

}  // namespace
}  // namespace myvault::ops
