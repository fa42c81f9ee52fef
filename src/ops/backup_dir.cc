#include "myvault/ops/backup_dir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>

#include "myvault/archive/contents.h"
#include "myvault/archive/plain.h"
#include "myvault/archive/reader.h"
#include "myvault/archive/writer.h"
#include "myvault/common/clock.h"

namespace myvault::ops {
namespace {

constexpr std::string_view kSuffix = ".sql.gz";

std::string Join(const std::string& dir, std::string_view name) {
  std::string out = dir;
  if (!out.empty() && out.back() != '/') out += '/';
  out += name;
  return out;
}

bool AllDigits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int Number(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

std::string LockPath(const std::string& dir, std::string_view prefix) {
  return Join(dir, "." + std::string(prefix) + ".lock");
}

}  // namespace

Status ValidatePrefix(std::string_view prefix) {
  const bool chars_ok = std::all_of(prefix.begin(), prefix.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == '-';
  });
  if (prefix.empty() || prefix.size() > 64 || !chars_ok || prefix[0] == '.' || prefix[0] == '-') {
    return InvalidArgument("--prefix '" + std::string(prefix) +
                           "': use 1 to 64 letters, digits, '.', '_' or '-', not starting with "
                           "'.' or '-'");
  }
  return Status::Ok();
}

std::string_view BackupKindName(BackupKind kind) {
  return kind == BackupKind::kManual ? "manual" : "auto";
}

Result<BackupKind> ParseBackupKind(std::string_view text) {
  if (text == "auto") return BackupKind::kAuto;
  if (text == "manual") return BackupKind::kManual;
  return InvalidArgument("--kind '" + std::string(text) + "': use auto or manual");
}

std::string BackupFileName(std::string_view prefix, BackupKind kind, int64_t time) {
  const time_t t = static_cast<time_t>(time);
  struct tm tm {};
  gmtime_r(&t, &tm);
  char stamp[32];
  std::snprintf(stamp, sizeof stamp, "%04d%02d%02d_%02d%02d%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return std::string(prefix) + "-" + std::string(BackupKindName(kind)) + "-" + stamp +
         std::string(kSuffix);
}

std::string LatestLinkName(std::string_view prefix) {
  return std::string(prefix) + "-latest" + std::string(kSuffix);
}

std::optional<Backup> ParseBackupFileName(std::string_view prefix, std::string_view name) {
  if (name.size() <= prefix.size() + 1 || name.substr(0, prefix.size()) != prefix ||
      name[prefix.size()] != '-') {
    return std::nullopt;
  }
  std::string_view rest = name.substr(prefix.size() + 1);
  Backup b;
  if (rest.substr(0, 5) == "auto-") {
    b.kind = BackupKind::kAuto;
    rest.remove_prefix(5);
  } else if (rest.substr(0, 7) == "manual-") {
    b.kind = BackupKind::kManual;
    rest.remove_prefix(7);
  } else {
    return std::nullopt;
  }
  // YYYYmmdd_HHMMSS.sql.gz
  if (rest.size() != 15 + kSuffix.size() || rest.substr(15) != kSuffix || rest[8] != '_' ||
      !AllDigits(rest.substr(0, 8)) || !AllDigits(rest.substr(9, 6))) {
    return std::nullopt;
  }
  struct tm tm {};
  tm.tm_year = Number(rest.substr(0, 4)) - 1900;
  tm.tm_mon = Number(rest.substr(4, 2)) - 1;
  tm.tm_mday = Number(rest.substr(6, 2));
  tm.tm_hour = Number(rest.substr(9, 2));
  tm.tm_min = Number(rest.substr(11, 2));
  tm.tm_sec = Number(rest.substr(13, 2));
  const int year = tm.tm_year, mon = tm.tm_mon, mday = tm.tm_mday, hour = tm.tm_hour;
  const int min = tm.tm_min, sec = tm.tm_sec;
  b.time = static_cast<int64_t>(timegm(&tm));
  // timegm normalises out-of-range fields (Feb 30 -> Mar 2): such a name is not ours.
  if (tm.tm_year != year || tm.tm_mon != mon || tm.tm_mday != mday || tm.tm_hour != hour ||
      tm.tm_min != min || tm.tm_sec != sec) {
    return std::nullopt;
  }
  b.name = std::string(name);
  return b;
}

Result<std::vector<BackupFile>> ListBackups(const std::string& dir, std::string_view prefix) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr && errno == ENOENT)
    return NotFound("backup directory " + dir + " does not exist");
  if (d == nullptr) return IoErrorFromErrno("open the backup directory " + dir, errno);
  std::vector<BackupFile> out;
  std::vector<std::string> names;
  errno = 0;
  while (const dirent* e = ::readdir(d)) names.emplace_back(e->d_name);
  const int read_errno = errno;
  ::closedir(d);
  if (read_errno != 0) return IoErrorFromErrno("read the backup directory " + dir, read_errno);
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    std::optional<Backup> b = ParseBackupFileName(prefix, name);
    if (!b) continue;
    BackupFile f;
    f.path = Join(dir, name);
    struct stat st {};
    if (::lstat(f.path.c_str(), &st) != 0) {
      if (errno == ENOENT) continue;  // removed while we listed
      return IoErrorFromErrno("stat " + f.path, errno);
    }
    if (!S_ISREG(st.st_mode)) continue;
    f.backup = std::move(*b);
    f.size = static_cast<uint64_t>(st.st_size);
    f.has_sha256 = ::access((f.path + ".sha256").c_str(), F_OK) == 0;
    const Result<archive::FileFormat> format = archive::DetectFormat(f.path);
    f.plain = format.ok() && *format == archive::FileFormat::kPlain;
    f.partial = !f.plain && IsPartialArchive(f.path);
    out.push_back(std::move(f));
  }
  std::stable_sort(out.begin(), out.end(), [](const BackupFile& a, const BackupFile& b) {
    return a.backup.time != b.backup.time ? a.backup.time < b.backup.time
                                          : a.backup.name < b.backup.name;
  });
  return out;
}

Status RemoveBackup(const std::string& dir, const std::string& name) {
  const std::string path = Join(dir, name);
  if (::unlink((path + ".sha256").c_str()) != 0 && errno != ENOENT) {
    return IoErrorFromErrno("remove " + path + ".sha256", errno);
  }
  if (::unlink(path.c_str()) != 0 && errno != ENOENT)
    return IoErrorFromErrno("remove " + path, errno);
  return archive::SyncDirectoryOf(path);
}

Status PointLatest(const std::string& dir, std::string_view prefix, const std::string& name) {
  const std::string link = Join(dir, LatestLinkName(prefix));
  const std::string temp = link + ".new." + std::to_string(::getpid());
  (void)::unlink(temp.c_str());
  if (::symlink(name.c_str(), temp.c_str()) != 0) return IoErrorFromErrno("create " + temp, errno);
  if (::rename(temp.c_str(), link.c_str()) != 0) {
    const int err = errno;
    (void)::unlink(temp.c_str());
    return IoErrorFromErrno("rename " + temp + " to " + link, err);
  }
  return archive::SyncDirectoryOf(link);
}

Result<std::optional<std::string>> ReadLatest(const std::string& dir, std::string_view prefix) {
  const std::string link = Join(dir, LatestLinkName(prefix));
  std::string target(4096, '\0');
  const ssize_t n = ::readlink(link.c_str(), target.data(), target.size());
  if (n < 0 && errno == ENOENT) return std::optional<std::string>();
  if (n < 0) return IoErrorFromErrno("read the link " + link, errno);
  target.resize(static_cast<size_t>(n));
  return std::optional<std::string>(target);
}

Result<DirLock> DirLock::Acquire(const std::string& dir, std::string_view prefix,
                                 int* took_over_pid) {
  if (took_over_pid != nullptr) *took_over_pid = 0;
  const std::string path = LockPath(dir, prefix);
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0 && errno == ENOENT) return NotFound("backup directory " + dir + " does not exist");
  if (fd < 0) return IoErrorFromErrno("open the lock file " + path, errno);
  std::string holder(256, '\0');
  const ssize_t got = ::pread(fd, holder.data(), holder.size() - 1, 0);
  holder.resize(got > 0 ? static_cast<size_t>(got) : 0);
  while (!holder.empty() && (holder.back() == '\n' || holder.back() == '\0')) holder.pop_back();
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd);
    if (err != EWOULDBLOCK) return IoErrorFromErrno("lock " + path, err);
    return Status(StatusCode::kLockTimeout,
                  "another myvault (" + (holder.empty() ? std::string("pid unknown") : holder) +
                      ") is running a backup in " + dir + "; its lock is " + path);
  }
  // We hold it: whoever wrote the file is gone (the kernel dropped their lock).
  if (took_over_pid != nullptr && holder.rfind("pid ", 0) == 0) {
    *took_over_pid = std::atoi(holder.c_str() + 4);
  }
  const std::string me = "pid " + std::to_string(::getpid()) + ", started " +
                         WallClockText("%Y-%m-%d %H:%M:%S UTC", true) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, me.data(), me.size(), 0) < 0) {
    const int err = errno;
    ::close(fd);
    return IoErrorFromErrno("write the lock file " + path, err);
  }
  return DirLock(fd);
}

DirLock::DirLock(DirLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

DirLock& DirLock::operator=(DirLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

DirLock::~DirLock() {
  if (fd_ < 0) return;
  // An empty file tells the next holder nobody died holding it.
  (void)::ftruncate(fd_, 0);
  ::close(fd_);
}

bool IsPartialArchive(const std::string& path) {
  Result<std::unique_ptr<archive::ArchiveReader>> reader = archive::ArchiveReader::Open(path);
  if (!reader.ok()) return false;
  const archive::ArchiveContents contents =
      archive::ReadContentsMetadata((*reader)->index().metadata);
  return contents.recorded && !contents.full();
}

}  // namespace myvault::ops
