// `myvault prune`: GFS retention applied to the backup directory.
#include <cstdio>
#include <string>
#include <vector>

#include "myvault/binlog/window.h"
#include "myvault/common/progress.h"
#include "myvault/ops/backup_dir.h"
#include "myvault/ops/health.h"
#include "myvault/ops/notify.h"
#include "ops_commands.h"

namespace myvault::cli {
namespace {

struct Row {
  const ops::BackupFile* file;
  bool keep;
  std::vector<std::string> reasons;
};

std::string Join(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : ",") + w;
  return out;
}

std::string RowJson(const Row& row) {
  std::string reasons;
  for (const std::string& r : row.reasons)
    reasons += (reasons.empty() ? "" : ",") + ops::JsonString(r);
  const ops::Backup& b = row.file->backup;
  return "{\"name\":" + ops::JsonString(b.name) +
         ",\"time\":" + ops::JsonString(ops::FormatUtc(b.time, true)) +
         ",\"kind\":" + ops::JsonString(ops::BackupKindName(b.kind)) +
         ",\"size\":" + std::to_string(row.file->size) +
         ",\"keep\":" + (row.keep ? "true" : "false") + ",\"reasons\":[" + reasons + "]}";
}

// The decisions for `backups`, in their order; the latest link's target is always kept.
std::vector<Row> Decide(const std::vector<ops::BackupFile>& backups,
                        const std::optional<std::string>& latest,
                        const ops::RetentionPolicy& policy) {
  std::vector<Row> rows;
  for (const ops::Decision& d : ops::ApplyRetention(backups, policy)) {
    Row row{&backups[d.index], d.keep, {}};
    for (ops::Reason r : d.reasons) row.reasons.emplace_back(ops::ReasonName(r));
    if (!row.keep && latest && *latest == row.file->backup.name) row = {row.file, true, {"latest"}};
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace

void PruneCommand::Register(CLI::App* parent) {
  app = parent->add_subcommand("prune", "Remove the backups the retention policy no longer keeps");
  app->set_help_flag("--help", "Show this help");
  dir.Register(app);
  retention.Register(app);
  app->add_flag("--dry-run", dry_run, "Print the decisions, remove nothing");
  app->add_flag("--json", json, "Print the decisions as a JSON array");
}

Status PruneCommand::Run() {
  RETURN_IF_ERROR(dir.Validate());
  RETURN_IF_ERROR(retention.policy.Validate());
  ASSIGN_OR_RETURN(ops::DirLock lock, ops::DirLock::Acquire(dir.dir, dir.prefix));
  ASSIGN_OR_RETURN(const std::vector<ops::BackupFile> backups,
                   ops::ListBackups(dir.dir, dir.prefix));
  ASSIGN_OR_RETURN(const std::optional<std::string> latest, ops::ReadLatest(dir.dir, dir.prefix));
  const std::vector<Row> rows = Decide(backups, latest, retention.policy);
  size_t removed = 0;
  uint64_t freed = 0;
  std::string json_rows;
  for (const Row& row : rows) {
    const std::string& name = row.file->backup.name;
    if (!row.keep && !dry_run) {
      RETURN_IF_ERROR(ops::RemoveBackup(dir.dir, name));
    }
    if (!row.keep) {
      ++removed;
      freed += row.file->size;
    }
    if (json) {
      json_rows += (json_rows.empty() ? "" : ",") + RowJson(row);
    } else {
      const char* verb = row.keep ? "keep  " : (dry_run ? "would remove" : "remove");
      std::printf("%s %s  %s\n", verb, name.c_str(), Join(row.reasons).c_str());
    }
  }
  // The archived binlog from the oldest kept backup's snapshot on stays (point-in-time restores
  // start there); older complete files go.
  std::string keep_from;
  ASSIGN_OR_RETURN(const std::vector<binlog::SnapshotPosition> snaps,
                   binlog::BackupSnapshots(dir.dir, dir.prefix));
  for (const Row& row : rows) {
    if (!row.keep || !keep_from.empty()) continue;
    for (const binlog::SnapshotPosition& s : snaps) {
      if (s.backup == row.file->backup.name) keep_from = s.file;
    }
  }
  ASSIGN_OR_RETURN(const std::vector<std::string> binlogs,
                   binlog::PruneArchive(dir.dir, dir.prefix, keep_from, dry_run));
  if (json) {
    std::printf("[%s]\n", json_rows.c_str());
  } else {
    for (const std::string& f : binlogs) {
      std::printf("%s %s  binlog before %s (the oldest kept backup's snapshot)\n",
                  dry_run ? "would remove" : "remove", binlog::ArchivedName(dir.prefix, f).c_str(),
                  keep_from.c_str());
    }
    std::printf("%s %zu of %zu backups (%s), kept %zu\n", dry_run ? "would remove" : "removed",
                removed, rows.size(),
                ProgressReporter::HumanBytes(static_cast<double>(freed)).c_str(),
                rows.size() - removed);
  }
  return Status::Ok();
}

}  // namespace myvault::cli
