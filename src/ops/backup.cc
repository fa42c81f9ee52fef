#include "myvault/ops/backup.h"

#include <cstdio>
#include <ctime>

#include "myvault/archive/reader.h"
#include "myvault/common/clock.h"
#include "myvault/common/progress.h"
#include "myvault/ops/health.h"
#include "myvault/storage/store.h"
#include "myvault/verify/verify.h"

namespace myvault::ops {
namespace {

void Log(const LogFn& log, const std::string& line) {
  if (log) log(line);
}

// The hex digest NAME.sha256 records (its first 64 characters), or Corrupt.
Result<std::string> RecordedSha256(const storage::Store& store, const std::string& name) {
  Result<std::string> line = store.ReadSmall(name + ".sha256");
  if (!line.ok() || line->size() < 64) {
    return Corrupt("cannot read the checksum file " + store.Describe(name) + ".sha256");
  }
  return line->substr(0, 64);
}

// A name not taken yet: two backups started within one second get consecutive stamps.
std::string FreeName(const BackupOptions& o, const storage::Store& store, int64_t* time) {
  auto taken = [&](const std::string& name) {
    Result<std::optional<uint64_t>> size = store.Stat(name);
    return !size.ok() || size->has_value();
  };
  for (int i = 0; i < 60; ++i, ++*time) {
    std::string name = BackupFileName(o.prefix, o.kind, *time);
    if (!taken(name) && !taken(name + ".partial")) return name;
  }
  return BackupFileName(o.prefix, o.kind, *time);
}

// Step 2's failure: the archive keeps its bytes for a post-mortem, under a name nothing lists.
void SetAside(storage::Store& store, const std::string& name, const LogFn& log) {
  const std::string aside = name + ".corrupt";
  if (Status st = store.Rename(name, aside); st.ok()) {
    (void)store.Rename(name + ".sha256", aside + ".sha256");
    Log(log, "the archive that failed verification is kept as " + store.Describe(aside));
  } else {
    Log(log, "could not set the archive aside as " + store.Describe(aside) + ": " + st.message());
  }
}

// Retention over the backups of `dir` ("" for the backup directory, else the offsite one); the
// backup just made is never removed.
Status PruneDirectory(const BackupOptions& o, const std::string& dir, const std::string& where,
                      const std::string& made, size_t* removed, const LogFn& log) {
  ASSIGN_OR_RETURN(std::vector<BackupFile> files, ListBackups(dir, o.prefix));
  for (const Decision& d : ApplyRetention(files, o.retention)) {
    const std::string& name = files[d.index].backup.name;
    if (d.keep || name == made) continue;
    RETURN_IF_ERROR(RemoveBackup(dir, name));
    ++*removed;
    Log(log, "pruned " + where + name + " (expired under daily " +
                 std::to_string(o.retention.daily) + ", weekly " +
                 std::to_string(o.retention.weekly) + ", monthly " +
                 std::to_string(o.retention.monthly) + ")");
  }
  return Status::Ok();
}

// Step 5: the backup directory, then the --copy-to directory by the same policy (its copies
// would otherwise grow without bound). An offsite directory that cannot be pruned is logged: the
// backup itself is good.
Status Prune(const BackupOptions& o, const std::string& made, BackupReport* report,
             const LogFn& log) {
  RETURN_IF_ERROR(PruneDirectory(o, o.dir, "", made, &report->removed, log));
  if (o.offsite.copy_to.empty()) return Status::Ok();
  size_t offsite = 0;
  const Status st = PruneDirectory(o, o.offsite.copy_to, "offsite " + o.offsite.copy_to + "/", made,
                                   &offsite, log);
  if (!st.ok()) Log(log, "offsite copies not pruned: " + st.message());
  report->removed_offsite = offsite;
  return Status::Ok();
}

// Bounded by the notifier's timeouts, and abandoned at once on a signal.
void Notify(const BackupOptions& o, const std::string& text, const ErrorCollector* errors,
            BackupReport* report, const LogFn& log) {
  Notifier notifier(o.notify);
  if (!notifier.enabled()) return;
  Status st = notifier.Send(text, errors);
  if (!st.ok()) {
    report->notify_error = st.message();
    Log(log, "notification not sent: " + st.message());
  }
}

// Step 4: a partial backup (a --tables backup, a database left out) never replaces a full one as
// latest; in a directory of partial backups only, it does.
Status MoveLatest(const BackupOptions& o, const std::string& name, bool partial,
                  BackupReport* report, const LogFn& log) {
  if (partial) {
    ASSIGN_OR_RETURN(std::optional<std::string> latest, ReadLatest(o.dir, o.prefix));
    if (latest && !IsPartialArchive(o.dir + "/" + *latest)) {
      Log(log, name + " is a partial backup: kept, but " + LatestLinkName(o.prefix) +
                   " stays on the full backup " + *latest);
      return Status::Ok();
    }
  }
  RETURN_IF_ERROR(PointLatest(o.dir, o.prefix, name));
  report->latest = true;
  Log(log, LatestLinkName(o.prefix) + " -> " + name);
  return Status::Ok();
}

// Steps 1 to 5; the caller notifies. `latest` moves as soon as the archive is verified: an
// offsite copy that fails or hangs must not leave it on an older backup.
Status Cycle(const BackupOptions& o, ErrorCollector* errors, BackupReport* report,
             const LogFn& log) {
  const double start = MonotonicSeconds();
  ASSIGN_OR_RETURN(DirLock lock, DirLock::Acquire(o.dir, o.prefix, &report->took_over_lock));
  if (report->took_over_lock != 0) {
    Log(log, "took over the lock of pid " + std::to_string(report->took_over_lock) +
                 ", which died holding it");
  }
  storage::Store& store = lock.store();
  // What a killed backup left (an incomplete S3 upload, a .partial file, a checksum without its
  // archive): no other backup writes here now. Only backups' names: a binlog archiver
  // (P-binlog-*) writes beside them without this lock.
  int cleaned = 0;
  for (BackupKind kind : {BackupKind::kAuto, BackupKind::kManual}) {
    Result<int> n =
        store.CleanupIncomplete(o.prefix + "-" + std::string(BackupKindName(kind)) + "-");
    if (!n.ok()) Log(log, "incomplete backups not cleaned up: " + n.status().message());
    cleaned += n.ok() ? *n : 0;
  }
  if (cleaned > 0) {
    Log(log,
        storage::IsObjectUrl(o.dir)
            ? "aborted " + std::to_string(cleaned) + " incomplete upload(s) a killed backup left"
            : "removed " + std::to_string(cleaned) + " unfinished archive(s) (.partial) a " +
                  "killed backup left");
  }
  int64_t now = static_cast<int64_t>(std::time(nullptr));
  const std::string name = FreeName(o, store, &now);
  dump::DumpOptions d = o.dump;
  d.output = store.Describe(name);
  d.checksum_base_name = true;  // the directory is a volume: mounted elsewhere, copied offsite
  Log(log, "backup " + name + " started");
  dump::DumpReport dumped;
  RETURN_IF_ERROR(dump::RunDump(d, errors, &dumped));
  report->file = d.output;
  report->bytes = dumped.archive_bytes;
  report->partial = !dumped.contents.full();
  const Status excluded = dump::ExcludedDatabasesStatus(dumped);

  verify::VerifyOptions vo;
  vo.threads = o.verify_threads;
  vo.cancel = errors;
  verify::VerifyReport verified;
  if (Status st = verify::VerifyArchive(d.output, vo, &verified); !st.ok()) {
    if (st.code() == StatusCode::kCancelled) {
      // Abandoned, not damaged: an archive nobody verified must not stay under a backup name.
      (void)RemoveBackup(o.dir, name);
      Log(log, "removed " + name + ", whose verification the signal interrupted");
      return st;
    }
    SetAside(store, name, log);
    return st.WithContext("verification failed");
  }
  report->verified = true;
  Log(log, "verified " + name + ": " + std::to_string(verified.data_members) + " chunks, " +
               std::to_string(verified.rows) + " rows");

  RETURN_IF_ERROR(MoveLatest(o, name, report->partial, report, log));

  Status copied = Status::Ok();
  if (!o.offsite.copy_to.empty() || !o.offsite.copy_command.empty()) {
    Result<std::string> hex = RecordedSha256(store, name);
    copied = hex.ok() ? CopyOffsite(o.offsite, d.output, *hex, errors) : hex.status();
    if (copied.code() == StatusCode::kCancelled) return copied;
    Log(log, copied.ok() ? "copied offsite" : "offsite copy failed: " + copied.message());
  }
  if (o.prune) RETURN_IF_ERROR(Prune(o, name, report, log));
  report->seconds = MonotonicSeconds() - start;
  if (!excluded.ok()) return excluded.WithContext("backup " + name + " is verified and kept");
  return copied.WithContext("backup " + name +
                            " is verified and kept, but its offsite copy failed");
}

// Prometheus textfile metrics of this run and of the directory after it. A failure to write
// them is logged: it must not turn a good backup into a failed one.
void WriteMetrics(const BackupOptions& o, const Status& st, const BackupReport& report,
                  const LogFn& log) {
  LastRun run{.ok = st.ok(),
              .finished = static_cast<int64_t>(std::time(nullptr)),
              .seconds = report.seconds,
              .bytes = report.bytes,
              .file = report.file.substr(report.file.rfind('/') + 1)};
  WriteBackupMetrics(o, run, log);
}

}  // namespace

void WriteBackupMetrics(const BackupOptions& o, const std::optional<LastRun>& last_run,
                        const LogFn& log) {
  if (o.metrics_file.empty()) return;
  InspectOptions inspect;
  inspect.dir = o.dir;
  inspect.prefix = o.prefix;
  inspect.policy = o.retention;
  inspect.checksum = false;  // just verified
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  Result<HealthReport> health = InspectBackupDir(inspect, now, nullptr);
  Status written =
      health.ok() ? WriteFileAtomically(o.metrics_file, RenderPrometheus(*health, last_run), 0644)
                  : health.status();
  if (!written.ok()) Log(log, "metrics not written: " + written.message());
}

namespace {

// The rows the index of `path` records, tables only; nullopt when it cannot be read.
std::optional<uint64_t> ArchiveRows(const std::string& path) {
  auto reader = archive::ArchiveReader::Open(path);
  if (!reader.ok()) return std::nullopt;
  uint64_t rows = 0;
  for (const auto& object : (*reader)->index().objects) {
    if (object.kind == "table") rows += object.rows;
  }
  return rows;
}

// The rows of the new backup and of the one before it in the directory, for the message.
std::optional<RowCounts> Rows(const BackupOptions& o, const std::string& made) {
  const std::optional<uint64_t> rows = ArchiveRows(made);
  if (!rows) return std::nullopt;
  RowCounts counts{.rows = *rows};
  Result<std::vector<BackupFile>> files = ListBackups(o.dir, o.prefix);
  if (!files.ok()) return counts;
  const BackupFile* previous = nullptr;
  for (const BackupFile& f : *files) {  // oldest first
    if (f.path == made) break;
    previous = &f;
  }
  if (previous != nullptr) counts.previous = ArchiveRows(previous->path);
  return counts;
}

}  // namespace

Status BackupOptions::Validate() const {
  if (dir.empty()) return InvalidArgument("no backup directory: give --dir or set BACKUP_DIR");
  RETURN_IF_ERROR(ValidatePrefix(prefix));
  RETURN_IF_ERROR(retention.Validate());
  ASSIGN_OR_RETURN(std::unique_ptr<storage::Store> store, storage::OpenStore(dir));
  RETURN_IF_ERROR(store->List().status());  // the directory or bucket exists and can be read
  dump::DumpOptions d = dump;
  d.output = dir + "/x";
  return d.Validate();
}

Status RunBackup(const BackupOptions& options, ErrorCollector* errors, BackupReport* report,
                 const LogFn& log) {
  *report = BackupReport{};
  RETURN_IF_ERROR(options.Validate());
  const double start = MonotonicSeconds();
  Status st = Cycle(options, errors, report, log);
  report->seconds = MonotonicSeconds() - start;
  const std::string name = report->file.substr(report->file.rfind('/') + 1);
  if (st.ok()) {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.1f s", report->seconds);
    Log(log, "backup " + name +
                 " done: " + ProgressReporter::HumanBytes(static_cast<double>(report->bytes)) +
                 " in " + seconds +
                 (report->removed > 0
                      ? ", " + std::to_string(report->removed) + " expired backups removed"
                      : std::string()));
    Notify(options,
           BackupSucceededText(options.host_label, name, report->bytes, report->seconds,
                               Rows(options, report->file)),
           errors, report, log);
  } else if (st.code() == StatusCode::kCancelled) {
    Log(log, "backup cancelled: " + st.message());
  } else if (st.code() == StatusCode::kRestoreInProgress) {
    Notify(options, BackupIncompleteText(options.host_label, st.message()), errors, report, log);
  } else if (report->file.empty() || report->verified) {
    Notify(options, BackupFailedText(options.host_label, st.message()), errors, report, log);
  } else {
    Notify(options, VerifyFailedText(options.host_label, name, st.message()), errors, report, log);
  }
  if (st.code() != StatusCode::kCancelled) WriteMetrics(options, st, *report, log);
  return st;
}

}  // namespace myvault::ops
