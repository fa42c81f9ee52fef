#include "myvault/ops/health.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <ctime>
#include <vector>

#include "file_util.h"
#include "myvault/archive/format.h"
#include "myvault/archive/reader.h"
#include "myvault/archive/sha256.h"
#include "myvault/archive/writer.h"
#include "myvault/common/clock.h"
#include "myvault/ops/cron.h"
#include "myvault/storage/store.h"
#include "verify/checksum_file.h"

namespace myvault::ops {
namespace {

// Writes `content` to the new file `partial` and syncs it; the caller removes it on failure.
Status WritePartial(const std::string& partial, std::string_view content, mode_t mode) {
  Fd out(::open(partial.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
  if (out.get() < 0) return IoErrorFromErrno("create " + partial, errno);
  if (::fchmod(out.get(), mode) != 0) return IoErrorFromErrno("chmod " + partial, errno);
  RETURN_IF_ERROR(WriteAll(out.get(), content, partial));
  if (::fsync(out.get()) != 0) return IoErrorFromErrno("fsync " + partial, errno);
  if (out.Close() != 0) return IoErrorFromErrno("close " + partial, errno);
  return Status::Ok();
}

}  // namespace

std::vector<Decision> ApplyRetention(const std::vector<BackupFile>& backups,
                                     const RetentionPolicy& policy) {
  // The GFS classes are decided over the backups that are not partial automatic ones, so a
  // partial backup never takes the weekly or monthly place of a full one.
  std::vector<Backup> gfs;
  std::vector<size_t> where;
  int64_t newest_auto = INT64_MIN, newest_full_auto = INT64_MIN;
  for (size_t i = 0; i < backups.size(); ++i) {
    const Backup& b = backups[i].backup;
    const bool is_auto = b.kind == BackupKind::kAuto;
    if (is_auto) newest_auto = std::max(newest_auto, b.time);
    if (is_auto && backups[i].partial) continue;
    if (is_auto) newest_full_auto = std::max(newest_full_auto, b.time);
    gfs.push_back(b);
    where.push_back(i);
  }
  std::vector<Decision> out(backups.size());
  for (Decision d : ApplyRetention(gfs, policy)) {
    d.index = where[d.index];
    out[d.index] = std::move(d);
  }
  // A partial automatic backup is kept inside the daily window, and while it is newer than every
  // full one (it may hold the newest copy of what it holds).
  const int64_t window = int64_t{std::max(policy.daily, 0)} * 86400;
  for (size_t i = 0; i < backups.size(); ++i) {
    const Backup& b = backups[i].backup;
    if (b.kind != BackupKind::kAuto || !backups[i].partial) continue;
    Decision& d = out[i];
    d.index = i;
    if (b.time > newest_full_auto) d.reasons.push_back(Reason::kNewest);
    if (newest_auto - b.time < window) d.reasons.push_back(Reason::kDaily);
    std::sort(d.reasons.begin(), d.reasons.end());
    d.keep = !d.reasons.empty();
    if (!d.keep) d.reasons = {Reason::kExpired};
  }
  return out;
}

HealthReport EvaluateHealth(const std::vector<BackupFile>& backups,
                            const std::optional<std::string>& latest, int64_t now,
                            int64_t max_age_s, const RetentionPolicy& policy,
                            std::string_view dir) {
  HealthReport r;
  r.max_age_s = max_age_s;
  r.latest_target = latest;
  r.total = backups.size();
  // Partial backups count only in a directory that holds nothing else.
  const bool any_full =
      std::any_of(backups.begin(), backups.end(), [](const BackupFile& f) { return !f.partial; });
  for (const BackupFile& f : backups) {
    (f.backup.kind == BackupKind::kAuto ? r.auto_count : r.manual_count) += 1;
    r.total_bytes += f.size;
    r.partial_count += f.partial ? 1 : 0;
    r.plain_count += f.plain ? 1 : 0;
    if (f.partial && any_full) continue;
    const bool newer =
        !r.newest || f.backup.time > r.newest->backup.time ||
        (f.backup.time == r.newest->backup.time && f.backup.name > r.newest->backup.name);
    if (newer) r.newest = f;
  }
  for (const Decision& d : ApplyRetention(backups, policy)) {
    for (Reason reason : d.reasons) {
      if (reason == Reason::kDaily) ++r.daily;
      if (reason == Reason::kWeekly) ++r.weekly;
      if (reason == Reason::kMonthly) ++r.monthly;
    }
  }
  if (!r.newest) {
    r.problem = "no backup in " + std::string(dir);
    return r;
  }
  r.newest_age_s = std::max<int64_t>(0, now - r.newest->backup.time);
  r.latest_ok = latest && *latest == r.newest->backup.name;
  if (r.newest_age_s > max_age_s) {
    r.problem = "newest backup " + r.newest->backup.name + " is " + FormatAge(r.newest_age_s) +
                " old, more than --max-age " + FormatDuration(max_age_s);
    return r;
  }
  r.healthy = true;
  return r;
}

void EvaluateDrill(const std::optional<DrillState>& drill, int64_t now, int64_t max_drill_age_s,
                   HealthReport* report) {
  report->drill = drill;
  report->max_drill_age_s = max_drill_age_s;
  if (drill) report->drill_age_s = std::max<int64_t>(0, now - drill->finished);
  if (!report->healthy) return;
  std::string problem;
  if (drill && !drill->ok) {
    problem = "the last restore drill (" + FormatUtc(drill->finished, false) +
              ") FAILED: " + drill->problem;
  } else if (max_drill_age_s > 0 && !drill) {
    problem = "no restore drill recorded (--max-drill-age " + FormatDuration(max_drill_age_s) + ")";
  } else if (max_drill_age_s > 0 && report->drill_age_s > max_drill_age_s) {
    problem = "the last restore drill is " + FormatAge(report->drill_age_s) +
              " old, more than --max-drill-age " + FormatDuration(max_drill_age_s);
  }
  if (problem.empty()) return;
  report->healthy = false;
  report->problem = problem;
}

void EvaluateBinlog(const std::optional<BinlogArchiveHealth>& binlog, int64_t now,
                    int64_t max_lag_s, HealthReport* report) {
  report->binlog = binlog;
  report->max_binlog_lag_s = max_lag_s;
  if (!binlog) return;
  report->binlog_lag_s = std::max<int64_t>(0, now - binlog->synced_at);
  if (!report->healthy) return;
  if (!binlog->gap.empty()) {
    report->healthy = false;
    report->problem = "the binlog archive has a gap after the newest backup (" + binlog->gap +
                      "): no point-in-time restore past it until the next backup";
  } else if (report->binlog_lag_s > max_lag_s) {
    report->healthy = false;
    report->problem = "the binlog archive is " + FormatAge(report->binlog_lag_s) +
                      " behind, more than --max-binlog-lag " + FormatDuration(max_lag_s);
  }
}

Status HealthStatus(const HealthReport& report) {
  if (report.healthy) return Status::Ok();
  if (report.sha256_checked && !report.sha256_ok) return Corrupt(report.problem);
  return Unhealthy(report.problem);
}

Status CheckSha256(const std::string& path, const ErrorCollector* cancel) {
  ASSIGN_OR_RETURN(storage::StoreAndName where, storage::OpenStoreFor(path));
  ASSIGN_OR_RETURN(std::optional<uint64_t> size, where.store->Stat(where.name + ".sha256"));
  if (!size) return NotFound("no " + path + ".sha256");
  ASSIGN_OR_RETURN(const std::string hex, Sha256HexOfFile(path, "hashing " + path, cancel));
  bool present = false;
  RETURN_IF_ERROR(verify::CheckChecksumFile(path, hex, &present));
  if (!present) return NotFound("no " + path + ".sha256");
  return Status::Ok();
}

namespace {

// end_time - start_time from an archive's index (ISO 8601 UTC, written by the dumper); nullopt
// when the archive or its index cannot be read: the checksum check reports damage, not this.
std::optional<int64_t> DumpSeconds(const std::string& path) {
  Result<std::unique_ptr<archive::ArchiveReader>> reader = archive::ArchiveReader::Open(path);
  if (!reader.ok()) return std::nullopt;
  std::optional<int64_t> start, end;
  for (const auto& [key, value] : (*reader)->index().metadata) {
    if (key == "start_time") start = ParseIsoUtc(value);
    if (key == "end_time") end = ParseIsoUtc(value);
  }
  if (!start || !end || *end < *start) return std::nullopt;
  return *end - *start;
}

}  // namespace

Result<HealthReport> InspectBackupDir(const InspectOptions& options, int64_t now,
                                      const ErrorCollector* cancel) {
  ASSIGN_OR_RETURN(std::vector<BackupFile> backups, ListBackups(options.dir, options.prefix));
  ASSIGN_OR_RETURN(const std::optional<std::string> latest,
                   ReadLatest(options.dir, options.prefix));
  HealthReport report =
      EvaluateHealth(backups, latest, now, options.max_age_s, options.policy, options.dir);
  if (report.newest) report.newest_dump_seconds = DumpSeconds(report.newest->path);
  ASSIGN_OR_RETURN(const std::optional<DrillState> drill,
                   ReadDrillState(options.dir, options.prefix));
  EvaluateDrill(drill, now, options.max_drill_age_s, &report);
  if (!options.checksum || !report.healthy) return report;
  const Status st = CheckSha256(report.newest->path, cancel);
  if (st.code() == StatusCode::kIo || st.code() == StatusCode::kCancelled) return st;
  report.sha256_checked = true;
  report.sha256_ok = st.ok();
  if (!st.ok()) {
    report.healthy = false;
    report.problem = "newest backup fails its checksum: " + st.message();
  }
  return report;
}

Status WriteFileAtomically(const std::string& path, std::string_view content, mode_t mode) {
  const std::string partial = path + ".partial";
  if (::unlink(partial.c_str()) != 0 && errno != ENOENT) {
    return IoErrorFromErrno("remove stale " + partial, errno);
  }
  Status st = WritePartial(partial, content, mode);
  if (st.ok() && ::rename(partial.c_str(), path.c_str()) != 0) {
    st = IoErrorFromErrno("rename " + partial + " to " + path, errno);
  }
  if (!st.ok()) {
    ::unlink(partial.c_str());
    return st;
  }
  return archive::SyncDirectoryOf(path);
}

std::string FormatAge(int64_t seconds) {
  seconds = std::max<int64_t>(0, seconds);
  const int64_t h = seconds / 3600, m = seconds % 3600 / 60, s = seconds % 60;
  if (h > 0) return std::to_string(h) + "h" + std::to_string(m) + "m";
  if (m > 0) return std::to_string(m) + "m" + std::to_string(s) + "s";
  return std::to_string(s) + "s";
}

std::string FormatUtc(int64_t time, bool iso) {
  const time_t t = static_cast<time_t>(time);
  struct tm tm {};
  gmtime_r(&t, &tm);
  char buf[40];
  const size_t n =
      std::strftime(buf, sizeof buf, iso ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%d %H:%M:%S", &tm);
  return std::string(buf, n);
}

}  // namespace myvault::ops
