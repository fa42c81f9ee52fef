#include "myvault/ops/drill.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <memory>

#include "myvault/archive/reader.h"
#include "myvault/binlog/replay.h"
#include "myvault/binlog/window.h"
#include "myvault/common/clock.h"
#include "myvault/mysql/session.h"
#include "myvault/ops/backup_dir.h"
#include "myvault/restore/restorer.h"
#include "myvault/sql/text.h"
#include "myvault/verify/verify.h"

namespace myvault::ops {
namespace {

constexpr size_t kMaxNameChars = 64;  // MySQL/MariaDB identifier limit, in characters
constexpr size_t kMismatchesShown = 5;

// The archive the drill uses: the one given, else the latest link's target, else the newest.
Result<std::string> PickArchive(const DrillOptions& o) {
  if (!o.file.empty()) return o.file;
  ASSIGN_OR_RETURN(std::optional<std::string> latest, ReadLatest(o.dir, o.prefix));
  if (latest.has_value()) return latest->front() == '/' ? *latest : o.dir + "/" + *latest;
  ASSIGN_OR_RETURN(std::vector<BackupFile> backups, ListBackups(o.dir, o.prefix));
  if (backups.empty()) return NotFound("no backup to drill in " + o.dir);
  // A plain mysqldump file (the runbook's) cannot be loaded under scratch names: the newest
  // myvault archive is drilled.
  for (auto it = backups.rbegin(); it != backups.rend(); ++it) {
    if (!it->plain) return it->path;
  }
  return NotFound("no myvault archive to drill in " + o.dir +
                  " (its plain mysqldump backups cannot be restored under scratch names)");
}

std::string BaseName(const std::string& path) { return path.substr(path.rfind('/') + 1); }

// When the backup was taken: its file name, else the archive's start_time, else the mtime.
int64_t BackupTime(const DrillOptions& o, const std::string& path, const archive::Index& index) {
  if (auto b = ParseBackupFileName(o.prefix, BaseName(path))) return b->time;
  for (const auto& [key, value] : index.metadata) {
    if (key != "start_time") continue;
    if (auto t = ParseIsoUtc(value)) return *t;
  }
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_mtime) : 0;
}

// Every database the archive holds something of, in index order.
std::vector<std::string> ArchiveDatabases(const archive::Index& index) {
  std::vector<std::string> names;
  for (const auto& object : index.objects) {
    if (object.schema.empty()) continue;
    if (std::find(names.begin(), names.end(), object.schema) == names.end()) {
      names.push_back(object.schema);
    }
  }
  return names;
}

size_t Utf8Chars(std::string_view s) {
  return static_cast<size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// The rename map of the restore; refuses scratch names that are too long or that are themselves
// databases of the archive (the restore would then write into a name the archive owns).
Result<std::map<std::string, std::string>> ScratchNames(const std::vector<std::string>& databases,
                                                        const std::string& suffix) {
  std::map<std::string, std::string> rename;
  for (const std::string& db : databases) {
    const std::string scratch = db + suffix;
    if (Utf8Chars(scratch) > kMaxNameChars) {
      return InvalidArgument("drill: the scratch name for " + sql::QuoteIdentifier(db) +
                             " would be longer than 64 characters; use a shorter --suffix");
    }
    if (std::find(databases.begin(), databases.end(), scratch) != databases.end()) {
      return InvalidArgument("drill: the scratch name " + sql::QuoteIdentifier(scratch) +
                             " is a database of the archive; use another --suffix");
    }
    rename.emplace(db, scratch);
  }
  return rename;
}

// Counts the rows of every table of the copy and compares them with the archive's index.
Status CheckCopy(const DrillOptions& o, const archive::Index& index, ErrorCollector* errors,
                 DrillReport* report) {
  ASSIGN_OR_RETURN(auto session, mysql::Session::Connect(o.connection, "drill check"));
  std::vector<std::string> mismatches;
  for (const auto& object : index.objects) {
    if (object.kind != "table") continue;
    if (errors->cancelled()) return errors->first();
    const std::string table = sql::QualifiedName(object.schema + o.suffix, object.name);
    ASSIGN_OR_RETURN(std::optional<uint64_t> rows,
                     restore::CountRestoredRows(*session, object.schema + o.suffix, object.name));
    const uint64_t n = rows.value_or(object.rows);  // a MERGE table holds none of its own
    report->tables += 1;
    report->rows += n;
    if (n != object.rows) {
      mismatches.push_back(table + " holds " + std::to_string(n) + " rows, the archive records " +
                           std::to_string(object.rows));
    }
  }
  if (mismatches.empty()) return Status::Ok();
  std::string text;
  for (size_t i = 0; i < std::min(mismatches.size(), kMismatchesShown); ++i) {
    text += (i == 0 ? "" : "; ") + mismatches[i];
  }
  if (mismatches.size() > kMismatchesShown) {
    text += "; and " + std::to_string(mismatches.size() - kMismatchesShown) + " more";
  }
  return Status(StatusCode::kServer, "row count mismatch in the drill copy: " + text);
}

// After a point-in-time replay: counts the rows of every base table of the copies (the tables
// the replay created or dropped included); nothing to compare them with.
Status CountCopy(const DrillOptions& o, ErrorCollector* errors, DrillReport* report) {
  ASSIGN_OR_RETURN(auto session, mysql::Session::Connect(o.connection, "drill check"));
  for (const std::string& db : report->databases) {
    ASSIGN_OR_RETURN(auto tables,
                     session->Query("SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE "
                                    "TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA = " +
                                    sql::StringLiteral(db) + " ORDER BY TABLE_NAME"));
    for (size_t i = 0; i < tables.rows.size(); ++i) {
      if (errors->cancelled()) return errors->first();
      const std::string table = sql::QualifiedName(db, tables.Get(i, "t"));
      ASSIGN_OR_RETURN(auto r, session->Query("SELECT COUNT(*) AS n FROM " + table));
      report->tables += 1;
      report->rows += std::stoull(r.Get(0, "n"));
    }
  }
  return Status::Ok();
}

// Drops the scratch databases (each ends with the suffix: ScratchNames made them).
Status DropScratch(const DrillOptions& o, const std::vector<std::string>& names) {
  ASSIGN_OR_RETURN(auto session, mysql::Session::Connect(o.connection, "drill cleanup"));
  for (const std::string& name : names) {
    if (name.size() <= o.suffix.size() || !name.ends_with(o.suffix)) {
      return Internal("drill: refusing to drop " + sql::QuoteIdentifier(name) +
                      ", which does not end with " + o.suffix);
    }
    RETURN_IF_ERROR(session->Execute("DROP DATABASE IF EXISTS " + sql::QuoteIdentifier(name)));
  }
  return Status::Ok();
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + sql::QuoteIdentifier(n);
  return out;
}

// The drill's result once the restore has started: the cleanup's outcome joined to the check's.
Status Finish(const DrillOptions& o, Status st, ErrorCollector* errors, DrillReport* report) {
  const bool cancelled = errors->cancelled() || st.code() == StatusCode::kCancelled;
  if (st.ok() && cancelled) st = errors->first();
  const std::string names = JoinNames(report->databases);
  if (o.keep && !cancelled) {
    return st.ok() ? st
                   : Status(st.code(), st.message() + "; the scratch copies are kept: " + names);
  }
  const Status dropped = DropScratch(o, report->databases);
  report->dropped = dropped.ok();
  if (!dropped.ok()) report->drop_problem = dropped.message();
  if (st.ok() && dropped.ok()) return st;
  if (st.ok()) {
    return Status(StatusCode::kServer, "the drill passed, but dropping the scratch databases " +
                                           names + " failed: " + dropped.message() +
                                           "; drop them by hand");
  }
  if (dropped.ok()) {
    return Status(st.code(), st.message() + "; the drill dropped the scratch databases " + names +
                                 " (nothing to resume)");
  }
  return Status(st.code(), st.message() + "; dropping the scratch databases " + names +
                               " failed too (" + dropped.message() + "): drop them by hand");
}

}  // namespace

Status DrillOptions::Validate() const {
  const bool suffix_ok = std::all_of(suffix.begin(), suffix.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '$';
  });
  if (suffix.empty() || !suffix_ok) {
    return InvalidArgument("--suffix '" + suffix + "': use letters, digits, '_' or '$'");
  }
  if (threads < 1 || threads > 256) return InvalidArgument("--threads must be 1..256");
  if (file.empty() && dir.empty()) {
    return InvalidArgument("no backup directory: give --dir, set BACKUP_DIR, or give --file");
  }
  if (until && !file.empty()) {
    return InvalidArgument("drill --until picks the backup from --dir itself: give no --file");
  }
  return file.empty() ? ValidatePrefix(prefix) : Status::Ok();
}

Status RunDrill(const DrillOptions& o, ErrorCollector* errors, DrillReport* report) {
  RETURN_IF_ERROR(o.Validate());
  binlog::ReplayPlan plan;
  if (o.until) {
    report->point_in_time = true;
    report->until = o.until->Describe();
    ASSIGN_OR_RETURN(plan, binlog::PlanReplay(o.dir, o.prefix, *o.until, errors, &o.identity));
    report->file = plan.backup.path;
  } else {
    ASSIGN_OR_RETURN(report->file, PickArchive(o));
  }
  verify::VerifyReport verified;
  verify::VerifyOptions verify_options;
  verify_options.threads = std::min(o.threads, 4);
  verify_options.cancel = errors;
  verify_options.identity = &o.identity;
  RETURN_IF_ERROR(verify::VerifyArchive(report->file, verify_options, &verified)
                      .WithContext("drill: verification failed, no server was touched"));
  if (errors->cancelled()) return errors->first();
  ASSIGN_OR_RETURN(auto reader, archive::ArchiveReader::Open(report->file, &o.identity));
  const archive::Index& index = reader->index();
  report->file_size = reader->file_size();
  report->backup_time = BackupTime(o, report->file, index);
  const int64_t now = o.now != 0 ? o.now : static_cast<int64_t>(std::time(nullptr));
  report->rpo_seconds = static_cast<double>(now - report->backup_time);

  const std::vector<std::string> databases = ArchiveDatabases(index);
  if (o.until) {
    ASSIGN_OR_RETURN(std::string ddl, binlog::DdlNamingDatabases(o.dir, o.prefix, plan, databases));
    if (!ddl.empty()) {
      return InvalidArgument(
          "drill " + report->until +
          ": the binlog to replay holds DDL that names a drilled "
          "database itself, which a replay under scratch names would run against that "
          "database: " +
          ddl + "; nothing was touched (drill to a point before it)");
    }
  }
  restore::RestoreOptions ro;
  ASSIGN_OR_RETURN(ro.rename, ScratchNames(databases, o.suffix));
  for (const auto& db : databases) report->databases.push_back(ro.rename.at(db));
  ro.connection = o.connection;
  ro.input = report->file;
  ro.identity = o.identity;
  ro.threads = o.threads;
  ro.assume_yes = true;
  ro.drop_existing = true;             // only scratch names are restored into: ours by their suffix
  ro.binlog = restore::Binlog::kSkip;  // replicas must not copy (and then drop) the scratch copies
  ro.progress = o.progress;
  RETURN_IF_ERROR(ro.Validate());

  report->restore_started = true;
  const double start = MonotonicSeconds();
  restore::RestoreReport restored;
  Status st = restore::RunRestore(ro, errors, &restored);
  if (!st.ok() && !restored.target_changed) {
    // Refused or stopped before it created or dropped anything: nothing of ours to drop.
    report->restore_started = false;
    return st;
  }
  if (st.ok() && o.until) {
    // One database at a time: mariadb-binlog filters one (by its original name) and renames it.
    for (const std::string& db : databases) {
      binlog::ReplayOptions replay;
      replay.connection = o.connection;
      replay.dir = o.dir;
      replay.prefix = o.prefix;
      replay.plan = plan;
      replay.database = db;
      replay.rename = {{db, ro.rename.at(db)}};
      replay.skip_binlog = true;
      binlog::ReplayReport replayed;
      st = binlog::RunReplay(replay, errors, &replayed)
               .WithContext("drill: replaying the binlog into " + ro.rename.at(db));
      if (!st.ok()) break;
    }
    report->replayed = plan.transactions;
    if (!plan.last_gtid.empty()) {
      report->last_applied = plan.last_gtid + " at " + FormatUtc(plan.last_time, false) + " UTC";
    }
    if (st.ok()) st = CountCopy(o, errors, report);
  } else if (st.ok()) {
    st = CheckCopy(o, index, errors, report);
  }
  if (st.ok()) report->rto_seconds = MonotonicSeconds() - start;
  return Finish(o, st, errors, report);
}

}  // namespace myvault::ops
