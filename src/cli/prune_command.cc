// `myvault prune`: GFS retention applied to the backup directory.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "myvault/binlog/window.h"
#include "myvault/common/json.h"
#include "myvault/common/progress.h"
#include "myvault/ops/backup_dir.h"
#include "myvault/ops/health.h"
#include "myvault/ops/notify.h"
#include "myvault/storage/store.h"
#include "ops_commands.h"

namespace myvault::cli {
namespace {

struct PruneRow {
  const ops::BackupFile* file;
  bool keep;
  std::vector<std::string> reasons;
};

std::string Join(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : ",") + w;
  return out;
}

Json PruneRowJson(const PruneRow& row) {
  const ops::Backup& b = row.file->backup;
  return Json{{"name", b.name},
              {"time", ops::FormatUtc(b.time, true)},
              {"kind", ops::BackupKindName(b.kind)},
              {"size", row.file->size},
              {"keep", row.keep},
              {"reasons", row.reasons}};
}

// The decisions for `backups`, in their order; the latest link's target is always kept.
std::vector<PruneRow> Decide(const std::vector<ops::BackupFile>& backups,
                             const std::optional<std::string>& latest,
                             const ops::RetentionPolicy& policy) {
  std::vector<PruneRow> rows;
  for (const ops::Decision& d : ops::ApplyRetention(backups, policy)) {
    PruneRow row{&backups[d.index], d.keep, {}};
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

// The archived binlog from the oldest kept backup's snapshot on stays (point-in-time restores
// start there); older complete files go. When the oldest kept backup cannot be read here (an
// encrypted one: its snapshot position is sealed; or a damaged one), nothing of the binlog goes:
// "" keeps it all, rather than guessing from a newer backup and losing what the older one needs.
namespace {
Result<std::string> BinlogKeptFrom(const BackupDirFlags& dir, bool json,
                                   const std::vector<PruneRow>& rows) {
  std::vector<std::string> unreadable;
  ASSIGN_OR_RETURN(const std::vector<binlog::SnapshotPosition> snaps,
                   binlog::BackupSnapshots(dir.dir, dir.prefix, nullptr, &unreadable));
  for (const PruneRow& row : rows) {
    if (!row.keep) continue;
    const std::string& name = row.file->backup.name;
    if (std::find(unreadable.begin(), unreadable.end(), name) != unreadable.end()) {
      Result<std::unique_ptr<storage::Store>> store = storage::OpenStore(dir.dir);
      const Result<binlog::BinlogIndex> archived =
          store.ok() ? binlog::ReadIndex(**store, dir.prefix) : store.status();
      if (!json && archived.ok() && !archived->files.empty()) {
        std::printf("keep   the archived binlog: %s cannot be read here\n", name.c_str());
      }
      return std::string();
    }
    for (const binlog::SnapshotPosition& s : snaps) {
      if (s.backup == name) return s.file;
    }
  }
  return std::string();
}
}  // namespace

Status PruneCommand::Run() {
  RETURN_IF_ERROR(dir.Validate());
  RETURN_IF_ERROR(retention.policy.Validate());
  ASSIGN_OR_RETURN(ops::DirLock lock, ops::DirLock::Acquire(dir.dir, dir.prefix));
  ASSIGN_OR_RETURN(const std::vector<ops::BackupFile> backups,
                   ops::ListBackups(dir.dir, dir.prefix));
  ASSIGN_OR_RETURN(const std::optional<std::string> latest, ops::ReadLatest(dir.dir, dir.prefix));
  const std::vector<PruneRow> rows = Decide(backups, latest, retention.policy);
  size_t removed = 0;
  uint64_t freed = 0;
  Json json_rows = Json::array();
  for (const PruneRow& row : rows) {
    const std::string& name = row.file->backup.name;
    if (!row.keep && !dry_run) {
      RETURN_IF_ERROR(ops::RemoveBackup(dir.dir, name));
    }
    if (!row.keep) {
      ++removed;
      freed += row.file->size;
    }
    if (json) {
      json_rows.push_back(PruneRowJson(row));
    } else {
      const char* verb = row.keep ? "keep  " : (dry_run ? "would remove" : "remove");
      std::printf("%s %s  %s\n", verb, name.c_str(), Join(row.reasons).c_str());
    }
  }
  ASSIGN_OR_RETURN(const std::string keep_from, BinlogKeptFrom(dir, json, rows));
  ASSIGN_OR_RETURN(const std::vector<std::string> binlogs,
                   binlog::PruneArchive(dir.dir, dir.prefix, keep_from, dry_run));
  if (json) {
    std::printf("%s\n", JsonText(json_rows).c_str());
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
