#include "myvault/ops/offsite.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>

#include "archive_test_helpers.h"
#include "myvault/archive/format.h"
#include "myvault/archive/sha256.h"

namespace myvault::ops {
namespace {

using archive::testutil::ReadFile;
using archive::testutil::TempDir;
using archive::testutil::WriteFile;

bool Exists(const std::string& path) { return std::filesystem::exists(path); }

// A backup of a little over two 1 MiB blocks and its .sha256, in its own directory.
struct Backup {
  TempDir dir;
  std::string name = "myvault-auto-20261126_060000.sql.gz";
  std::string path = dir.File(name);
  std::string bytes;
  std::string sha256;

  explicit Backup(const std::string& file_name = "") {
    if (!file_name.empty()) path = dir.File(name = file_name);
    for (size_t i = 0; bytes.size() < (size_t{2} << 20) + 12345; ++i) {
      bytes += std::to_string(i * 7919) + ",";
    }
    WriteFile(path, bytes);
    sha256 = archive::Sha256Hex(archive::Sha256::Of(bytes));
    WriteFile(path + ".sha256", sha256 + "  " + path + "\n");
  }
};

TEST(OffsiteTest, NothingToDoIsOk) {
  Backup backup;
  EXPECT_TRUE(CopyOffsite({}, backup.path, backup.sha256, nullptr).ok());
}

TEST(OffsiteTest, CopiesFileAndChecksumToDirectory) {
  Backup backup;
  TempDir offsite;
  WriteFile(offsite.File(backup.name + ".partial"), "stale");
  OffsiteOptions options;
  options.copy_to = offsite.path();
  Status s = CopyOffsite(options, backup.path, backup.sha256, nullptr);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(ReadFile(offsite.File(backup.name)), backup.bytes);
  EXPECT_EQ(ReadFile(offsite.File(backup.name + ".sha256")), ReadFile(backup.path + ".sha256"));
  EXPECT_FALSE(Exists(offsite.File(backup.name + ".partial")));
  EXPECT_FALSE(Exists(offsite.File(backup.name + ".sha256.partial")));
  struct stat st {};
  ASSERT_EQ(::stat(offsite.File(backup.name).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600U);
}

TEST(OffsiteTest, UpperCaseChecksumIsAccepted) {
  Backup backup;
  TempDir offsite;
  std::string upper = backup.sha256;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  Status s = CopyOffsite({offsite.path(), ""}, backup.path, upper, nullptr);
  EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST(OffsiteTest, WrongChecksumLeavesNoCopyAndKeepsTheOldOne) {
  Backup backup;
  TempDir offsite;
  std::string wrong = backup.sha256;
  wrong[10] = wrong[10] == '0' ? '1' : '0';
  Status s = CopyOffsite({offsite.path(), ""}, backup.path, wrong, nullptr);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kCorrupt);
  const std::string partial = offsite.File(backup.name + ".partial");
  EXPECT_EQ(s.message(), "offsite copy " + partial + " does not match the backup: SHA-256 " +
                             backup.sha256 + ", expected " + wrong);
  EXPECT_FALSE(Exists(offsite.File(backup.name)));
  EXPECT_FALSE(Exists(partial));

  WriteFile(offsite.File(backup.name), "an earlier good copy");
  s = CopyOffsite({offsite.path(), ""}, backup.path, wrong, nullptr);
  EXPECT_EQ(s.code(), StatusCode::kCorrupt);
  EXPECT_EQ(ReadFile(offsite.File(backup.name)), "an earlier good copy");
  EXPECT_FALSE(Exists(partial));
}

TEST(OffsiteTest, MissingDirectoryIsNotFound) {
  Backup backup;
  TempDir offsite;
  const std::string missing = offsite.File("nope");
  Status s = CopyOffsite({missing, ""}, backup.path, backup.sha256, nullptr);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "offsite directory " + missing + " does not exist");
}

TEST(OffsiteTest, BackupDirectoryItselfIsRefused) {
  Backup backup;
  Status s = CopyOffsite({backup.dir.path() + "/.", ""}, backup.path, backup.sha256, nullptr);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  EXPECT_EQ(ReadFile(backup.path), backup.bytes);
}

TEST(OffsiteTest, CancelledCopyLeavesNoPartial) {
  Backup backup;
  TempDir offsite;
  ErrorCollector cancel;
  cancel.Report(Cancelled("interrupted"));
  Status s = CopyOffsite({offsite.path(), ""}, backup.path, backup.sha256, &cancel);
  EXPECT_EQ(s.code(), StatusCode::kCancelled) << s.ToString();
  EXPECT_TRUE(std::filesystem::is_empty(offsite.path()));
}

TEST(OffsiteTest, WriteFailureIsAnIoErrorNamingTheCopy) {
  Backup backup;
  TempDir offsite;
  // A file size limit stands in for a full disk: write(2) fails (EFBIG instead of ENOSPC) on the
  // same path. SIGXFSZ is ignored so that the failure comes back as an error.
  rlimit old{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old), 0);
  rlimit small = old;
  small.rlim_cur = 1 << 20;
  auto* old_handler = ::signal(SIGXFSZ, SIG_IGN);
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  Status s = CopyOffsite({offsite.path(), ""}, backup.path, backup.sha256, nullptr);
  ::setrlimit(RLIMIT_FSIZE, &old);
  ::signal(SIGXFSZ, old_handler);
  EXPECT_EQ(s.code(), StatusCode::kIo);
  const std::string partial = offsite.File(backup.name + ".partial");
  EXPECT_EQ(s.message(), "write " + partial + ": " + std::strerror(EFBIG));
  EXPECT_TRUE(std::filesystem::is_empty(offsite.path()));
}

TEST(OffsiteCommandTest, QuotesPathWithBlanksAndQuotes) {
  Backup backup("it's my backup.sql.gz");
  TempDir dest;
  OffsiteOptions options;
  options.copy_command = "cp {file} " + ShellQuote(dest.path()) + "/{name}.copied";
  Status s = CopyOffsite(options, backup.path, backup.sha256, nullptr);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(ReadFile(dest.File(backup.name + ".copied")), backup.bytes);
}

TEST(OffsiteCommandTest, SeesAbsolutePathWithoutStdin) {
  Backup backup;
  TempDir dest;
  const std::string relative =
      std::filesystem::relative(backup.path, std::filesystem::current_path()).string();
  OffsiteOptions options;
  options.copy_command = "printf '%s|%s|' {file} {name} > " + ShellQuote(dest.File("out")) +
                         "; cat >> " + ShellQuote(dest.File("out"));
  Status s = CopyOffsite(options, relative, backup.sha256, nullptr);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(ReadFile(dest.File("out")), backup.path + "|" + backup.name + "|");
}

TEST(OffsiteCommandTest, FailureGivesExitCodeButNotTheCommand) {
  Backup backup;
  OffsiteOptions options;
  options.copy_command = "exit 3";
  Status s = CopyOffsite(options, backup.path, backup.sha256, nullptr);
  EXPECT_EQ(s.code(), StatusCode::kIo);
  EXPECT_EQ(s.message(), "offsite copy command failed with exit code 3");

  options.copy_command = "false --password=FAKESECRET123 {file}; exit 4";
  s = CopyOffsite(options, backup.path, backup.sha256, nullptr);
  EXPECT_EQ(s.message(), "offsite copy command failed with exit code 4");
  EXPECT_EQ(s.message().find("FAKESECRET123"), std::string::npos);
}

TEST(OffsiteCommandTest, KilledBySignalSaysWhich) {
  Backup backup;
  Status s = CopyOffsite({"", "kill -KILL $$"}, backup.path, backup.sha256, nullptr);
  EXPECT_EQ(s.code(), StatusCode::kIo);
  EXPECT_EQ(s.message(), "offsite copy command was killed by signal 9 (SIGKILL)");
}

TEST(OffsiteCommandTest, CancelStopsTheCommandGroup) {
  Backup backup;
  TempDir dest;
  ErrorCollector cancel;
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    cancel.Report(Cancelled("SIGTERM"));
  });
  const auto start = std::chrono::steady_clock::now();
  // A pipeline: two processes besides the shell, all in the command's process group.
  Status s = CopyOffsite({"", "sleep 30 | sleep 30; touch " + ShellQuote(dest.File("after"))},
                         backup.path, backup.sha256, &cancel);
  canceller.join();
  const double took =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(s.code(), StatusCode::kCancelled) << s.ToString();
  EXPECT_LT(took, 5.0);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_FALSE(Exists(dest.File("after")));
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// What a copy command that outlives a 1 s --copy-timeout leaves: the result, how long it took,
// and whether its process group (the shell's pid, which `script` runs after recording it) is gone.
struct TimedOut {
  Status status;
  double seconds = 0;
  bool group_gone = false;
};

TimedOut RunPastTheTimeout(const std::string& script) {
  Backup backup;
  TempDir dest;
  OffsiteOptions options;
  options.copy_command = "echo $$ > " + ShellQuote(dest.File("pgid")) + "; " + script;
  options.timeout_s = 1;
  const auto start = std::chrono::steady_clock::now();
  TimedOut out;
  out.status = CopyOffsite(options, backup.path, backup.sha256, nullptr);
  out.seconds = SecondsSince(start);
  const auto pgid = static_cast<pid_t>(std::stol(ReadFile(dest.File("pgid"))));
  out.group_gone = ::kill(-pgid, 0) != 0 && errno == ESRCH;
  return out;
}

TEST(OffsiteCommandTest, TimeoutStopsTheWholeProcessGroup) {
  const TimedOut r = RunPastTheTimeout("sleep 1000 | sleep 1000");
  EXPECT_EQ(r.status.code(), StatusCode::kIo);
  EXPECT_EQ(r.status.message(),
            "offsite copy command did not finish within 1s (--copy-timeout): its processes were "
            "stopped with SIGTERM");
  EXPECT_GE(r.seconds, 0.9);
  EXPECT_LT(r.seconds, 4.0);
  EXPECT_TRUE(r.group_gone);
}

// A background process that ignores SIGTERM outlives the shell: it gets SIGKILL after the grace.
TEST(OffsiteCommandTest, TimeoutKillsWhatIgnoresSigterm) {
  const TimedOut r = RunPastTheTimeout("(trap '' TERM; exec sleep 1000) & sleep 1000");
  EXPECT_EQ(r.status.code(), StatusCode::kIo);
  EXPECT_EQ(r.status.message(),
            "offsite copy command did not finish within 1s (--copy-timeout): its processes were "
            "killed with SIGKILL after ignoring SIGTERM for 5 s");
  EXPECT_LT(r.seconds, 12.0);
  EXPECT_TRUE(r.group_gone);
}

// A copy to a directory that makes slow progress stops at the timeout between blocks, leaving no
// .partial. The source is a FIFO fed 64 KiB every 100 ms (a slow mount stands still the same
// way between blocks).
TEST(OffsiteTest, SlowCopyToDirectoryStopsAtTheTimeout) {
  TempDir src;
  TempDir offsite;
  const std::string fifo = src.File("myvault-auto-20261126_060000.sql.gz");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0) << std::strerror(errno);
  struct sigaction ignore {};
  struct sigaction old {};
  ignore.sa_handler = SIG_IGN;
  ASSERT_EQ(::sigaction(SIGPIPE, &ignore, &old), 0);  // the reader goes away mid-stream
  std::thread writer([&fifo] {
    // Non-blocking open (ENXIO until the copy opens the FIFO), so that the test cannot hang here.
    int fd = -1;
    for (int i = 0; fd < 0 && i < 100; ++i) {
      fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
      if (fd < 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (fd >= 0) ::fcntl(fd, F_SETFL, 0);
    const std::string chunk(64 << 10, 'x');
    for (int i = 0; fd >= 0 && i < 100; ++i) {
      if (::write(fd, chunk.data(), chunk.size()) < 0) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (fd >= 0) ::close(fd);
  });
  OffsiteOptions options;
  options.copy_to = offsite.path();
  options.timeout_s = 1;
  const auto start = std::chrono::steady_clock::now();
  Status s = CopyOffsite(options, fifo, std::string(64, '0'), nullptr);
  const double took = SecondsSince(start);
  writer.join();
  ::sigaction(SIGPIPE, &old, nullptr);
  EXPECT_EQ(s.code(), StatusCode::kIo) << s.ToString();
  EXPECT_EQ(s.message(),
            "offsite copy to " + offsite.path() + " did not finish within 1s (--copy-timeout)");
  EXPECT_LT(took, 4.0);
  EXPECT_TRUE(std::filesystem::is_empty(offsite.path()));
}

TEST(OffsiteTest, ZeroTimeoutIsRefused) {
  Backup backup;
  OffsiteOptions options;
  options.copy_command = "true";
  options.timeout_s = 0;
  EXPECT_EQ(CopyOffsite(options, backup.path, backup.sha256, nullptr).code(),
            StatusCode::kInvalidArgument);
}

TEST(OffsiteCommandTest, RunsAfterTheDirectoryCopyOnly) {
  Backup backup;
  TempDir dest;
  OffsiteOptions options;
  options.copy_to = dest.File("missing");
  options.copy_command = "touch " + ShellQuote(dest.File("ran"));
  EXPECT_EQ(CopyOffsite(options, backup.path, backup.sha256, nullptr).code(),
            StatusCode::kNotFound);
  EXPECT_FALSE(Exists(dest.File("ran")));
  options.copy_to = dest.path();
  Status s = CopyOffsite(options, backup.path, backup.sha256, nullptr);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(Exists(dest.File("ran")));
  EXPECT_EQ(ReadFile(dest.File(backup.name)), backup.bytes);
}

}  // namespace
}  // namespace myvault::ops
