#include "myvault/ops/backup_dir.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <set>

#include "myvault/archive/contents.h"
#include "myvault/archive/plain.h"
#include "myvault/archive/reader.h"
#include "myvault/storage/store.h"

namespace myvault::ops {
namespace {

constexpr std::string_view kSuffix = ".sql.gz";

bool AllDigits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int Number(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
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
  ASSIGN_OR_RETURN(std::unique_ptr<storage::Store> store, storage::OpenStore(dir));
  ASSIGN_OR_RETURN(std::vector<storage::ObjectInfo> objects, store->List());
  std::set<std::string> names;
  for (const storage::ObjectInfo& o : objects) names.insert(o.name);
  std::vector<BackupFile> out;
  for (const storage::ObjectInfo& o : objects) {
    std::optional<Backup> b = ParseBackupFileName(prefix, o.name);
    if (!b) continue;
    BackupFile f;
    f.path = store->Describe(o.name);
    f.backup = std::move(*b);
    f.size = o.size;
    f.has_sha256 = names.count(o.name + ".sha256") > 0;
    // A plain mysqldump | gzip file (issue 16), told by its first bytes.
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
  ASSIGN_OR_RETURN(std::unique_ptr<storage::Store> store, storage::OpenStore(dir));
  RETURN_IF_ERROR(store->Remove(name + ".sha256"));
  RETURN_IF_ERROR(store->Remove(name));
  return storage::IsObjectUrl(dir) ? Status::Ok() : storage::SyncDirectoryOf(store->Describe(name));
}

Status PointLatest(const std::string& dir, std::string_view prefix, const std::string& name) {
  ASSIGN_OR_RETURN(std::unique_ptr<storage::Store> store, storage::OpenStore(dir));
  return store->PointLatest(prefix, name);
}

Result<std::optional<std::string>> ReadLatest(const std::string& dir, std::string_view prefix) {
  ASSIGN_OR_RETURN(std::unique_ptr<storage::Store> store, storage::OpenStore(dir));
  return store->ReadLatest(prefix);
}

Result<DirLock> DirLock::Acquire(const std::string& dir, std::string_view prefix,
                                 int* took_over_pid) {
  ASSIGN_OR_RETURN(std::unique_ptr<storage::Store> store, storage::OpenStore(dir));
  ASSIGN_OR_RETURN(std::unique_ptr<storage::StoreLock> lock, store->Lock(prefix, took_over_pid));
  return DirLock(std::move(store), std::move(lock));
}

DirLock::DirLock(std::unique_ptr<storage::Store> store, std::unique_ptr<storage::StoreLock> lock)
    : store_(std::move(store)), lock_(std::move(lock)) {}
DirLock::DirLock(DirLock&& other) noexcept = default;
DirLock& DirLock::operator=(DirLock&& other) noexcept {
  lock_ = std::move(other.lock_);  // the old lock (and its store) first
  store_ = std::move(other.store_);
  return *this;
}
DirLock::~DirLock() { lock_.reset(); }

bool IsPartialArchive(const std::string& path) {
  Result<std::unique_ptr<archive::ArchiveReader>> reader = archive::ArchiveReader::Open(path);
  if (!reader.ok()) return false;
  const archive::ArchiveContents contents =
      archive::ReadContentsMetadata((*reader)->index().metadata);
  return contents.recorded && !contents.full();
}

}  // namespace myvault::ops
