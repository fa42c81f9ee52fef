// The backup directory: names, listing, removal, the `latest` link and the directory lock.
//
// A backup directory holds, per prefix P (default "myvault"):
//   P-auto-YYYYmmdd_HHMMSS.sql.gz      an archive of a scheduled backup (UTC time it started)
//   P-manual-YYYYmmdd_HHMMSS.sql.gz    an archive taken by hand (`backup --kind manual`)
//   NAME.sha256                        its checksum file, written by the dump
//   P-latest.sql.gz                    a relative symlink to the newest verified archive
//   .P.lock                            the lock file of a running backup or prune
// Anything else (NAME.partial, other prefixes, files of the user) is never listed or removed.
// A name made by BackupFileName parses back to the same (time, kind) with ParseBackupFileName.
//
// A directory is any storage::Store location: a path, or s3://BUCKET/PREFIX (storage/store.h),
// and every function here works through that interface (on S3 the latest pointer is the object
// P-latest and the lock the object .P.lock; see src/storage/s3_store.h). In a directory the lock
// is an flock(2) on .P.lock, which the kernel releases when its process dies however it dies; the
// file also holds the pid and start time of its holder for the error message. A lock file left
// by a dead process is simply taken over. Two DirLocks of one process on one directory exclude
// each other too (each opens its own file description).
//
// Thread safety: free functions over locations; a DirLock is owned by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "myvault/ops/retention.h"
#include "myvault/status.h"
#include "myvault/storage/store.h"

namespace myvault::ops {

inline constexpr std::string_view kDefaultPrefix = "myvault";

// InvalidArgument unless prefix is 1..64 of [A-Za-z0-9._-], not starting with '.' or '-'.
Status ValidatePrefix(std::string_view prefix);

// "P-auto-20261126_060000.sql.gz" for time 2026-11-26 06:00:00 UTC.
std::string BackupFileName(std::string_view prefix, BackupKind kind, int64_t time);
// "P-latest.sql.gz".
std::string LatestLinkName(std::string_view prefix);
// The (time, kind) of a name BackupFileName makes for `prefix`; nullopt for any other name.
std::optional<Backup> ParseBackupFileName(std::string_view prefix, std::string_view name);
// "auto" or "manual"; ParseBackupKind is its inverse (InvalidArgument otherwise).
std::string_view BackupKindName(BackupKind kind);
Result<BackupKind> ParseBackupKind(std::string_view text);

struct BackupFile {
  Backup backup;  // backup.name is the file name, without the directory
  std::string path;
  uint64_t size = 0;
  bool has_sha256 = false;  // NAME.sha256 exists beside it
  // Its archive says it holds only part of what was asked (a --tables backup, a database left
  // out): never made latest over a full backup, never what makes `status` healthy when full
  // backups exist. Read from the archive's index (trailer and index only); false for archives
  // that do not say (made before myvault recorded it) or cannot be read (verification reports
  // those).
  bool partial = false;
  // A plain `mysqldump | gzip` file (archive/plain.h), as the runbook wrote them: listed, kept
  // and pruned like any backup, verified by its .sha256 and a full inflate, restored by
  // streaming its SQL. Never partial (nothing says it is).
  bool plain = false;
};

// The backups of `prefix` in `dir`, oldest first (by time, then name). Errors: NotFound when dir
// does not exist, IoError when it cannot be read.
Result<std::vector<BackupFile>> ListBackups(const std::string& dir, std::string_view prefix);

// Whether the archive at `path` says it is partial (false when it does not say or is unreadable).
bool IsPartialArchive(const std::string& path);

// Removes dir/NAME.sha256 then dir/NAME (a missing .sha256 is fine), then syncs the directory.
Status RemoveBackup(const std::string& dir, const std::string& name);

// Points dir/P-latest.sql.gz at `name` (relative link): a new link is made under a temporary
// name and renamed over the old one, so readers see the old or the new target, never none.
Status PointLatest(const std::string& dir, std::string_view prefix, const std::string& name);
// The name the latest link points at; nullopt when there is no link.
Result<std::optional<std::string>> ReadLatest(const std::string& dir, std::string_view prefix);

class DirLock {
 public:
  // Takes dir/.P.lock without waiting. Busy: kLockTimeout "another myvault (pid N, started
  // TIME) is running a backup in DIR". *took_over_pid is set to the pid a stale lock file named,
  // 0 when there was none.
  static Result<DirLock> Acquire(const std::string& dir, std::string_view prefix,
                                 int* took_over_pid = nullptr);

  DirLock(DirLock&& other) noexcept;
  DirLock& operator=(DirLock&& other) noexcept;
  DirLock(const DirLock&) = delete;
  DirLock& operator=(const DirLock&) = delete;
  ~DirLock();  // unlocks; a lock file stays (removing it would race with a new holder)

  // The store the lock is held on, for the holder's work under it.
  storage::Store& store() const { return *store_; }

 private:
  DirLock(std::unique_ptr<storage::Store> store, std::unique_ptr<storage::StoreLock> lock);
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<storage::StoreLock> lock_;
};

}  // namespace myvault::ops
