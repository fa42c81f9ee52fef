// `myvault list`: the backups of a directory, newest first.
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

struct Row {
  const ops::BackupFile* file = nullptr;
  std::string classes;   // "daily,weekly", "manual", "expired"
  std::string verified;  // "sha256", "OK", "MISMATCH", "no .sha256"
  bool latest = false;
};

std::string Classes(const ops::Decision& d) {
  std::string out;
  for (ops::Reason r : d.reasons) out += (out.empty() ? "" : ",") + std::string(ops::ReasonName(r));
  return out;
}

// The checksum column: without --check only whether NAME.sha256 exists.
Result<std::string> Verified(const ops::BackupFile& f, bool check, const ErrorCollector* cancel) {
  if (!f.has_sha256) return std::string("no .sha256");
  if (!check) return std::string("sha256");
  const Status st = ops::CheckSha256(f.path, cancel);
  if (st.ok()) return std::string("OK");
  if (st.code() == StatusCode::kCorrupt) return std::string("MISMATCH");
  if (st.code() == StatusCode::kNotFound) return std::string("no .sha256");
  return st;
}

// "full", "partial", or "plain" for a plain mysqldump file (whose contents nothing records).
const char* Contents(const ops::BackupFile& f) {
  return f.plain ? "plain" : f.partial ? "partial" : "full";
}

Json RowJson(const Row& row) {
  const ops::Backup& b = row.file->backup;
  return Json{{"name", b.name},
              {"time", ops::FormatUtc(b.time, true)},
              {"kind", ops::BackupKindName(b.kind)},
              {"classes", row.classes},
              {"size", row.file->size},
              {"verified", row.verified},
              {"contents", Contents(*row.file)},
              {"format", row.file->plain ? "plain" : "myvault"},
              {"latest", row.latest}};
}

}  // namespace

void ListCommand::Register(CLI::App* parent) {
  app = parent->add_subcommand("list", "List the backups: time, kind, retention class, size");
  app->set_help_flag("--help", "Show this help");
  dir.Register(app);
  retention.Register(app);
  app->add_flag("--json", json, "Print a JSON array");
  app->add_flag("--check", check, "Recompute each backup's SHA-256 against its .sha256");
}

// The point-in-time windows, from the binlog index and the backups' metadata (nothing scanned);
// nothing when the directory has no archived binlog.
Status ListCommand::PrintWindows() const {
  ASSIGN_OR_RETURN(std::unique_ptr<storage::Store> store, storage::OpenStore(dir.dir));
  ASSIGN_OR_RETURN(binlog::BinlogIndex index, binlog::ReadIndex(*store, dir.prefix));
  if (index.files.empty()) return Status::Ok();
  ASSIGN_OR_RETURN(std::vector<binlog::SnapshotPosition> snaps,
                   binlog::BackupSnapshots(dir.dir, dir.prefix));
  const std::vector<binlog::Window> windows = binlog::RecoverableWindows(index, snaps);
  const binlog::FileRecord& last = index.files.back();
  std::printf("binlog archived from %s to %s:%llu\n", index.files.front().file.c_str(),
              last.file.c_str(), static_cast<unsigned long long>(last.committed));
  if (windows.empty()) {
    std::printf(
        "point in time: no window yet (no backup's snapshot lies in the archived binlog)\n");
  }
  for (const binlog::Window& w : windows) {
    std::printf("point in time: %s to %s UTC (from backup %s; archived to %s:%llu%s)\n",
                ops::FormatUtc(w.from, false).c_str(), ops::FormatUtc(w.to, false).c_str(),
                w.backup.c_str(), w.end_file.c_str(),
                static_cast<unsigned long long>(w.end_position),
                w.gap_after.empty() ? "" : ("; then a " + w.gap_after).c_str());
  }
  return Status::Ok();
}

Status ListCommand::Run(ErrorCollector* errors) {
  RETURN_IF_ERROR(dir.Validate());
  RETURN_IF_ERROR(retention.policy.Validate());
  ASSIGN_OR_RETURN(std::vector<ops::BackupFile> backups, ops::ListBackups(dir.dir, dir.prefix));
  ASSIGN_OR_RETURN(const std::optional<std::string> latest, ops::ReadLatest(dir.dir, dir.prefix));
  std::vector<Row> rows;
  size_t mismatches = 0;
  uint64_t bytes = 0;
  for (const ops::Decision& d : ops::ApplyRetention(backups, retention.policy)) {
    Row row;
    row.file = &backups[d.index];
    row.classes = Classes(d);
    ASSIGN_OR_RETURN(row.verified, Verified(*row.file, check, errors));
    row.latest = latest && *latest == row.file->backup.name;
    mismatches += row.verified == "MISMATCH" ? 1 : 0;
    bytes += row.file->size;
    rows.push_back(std::move(row));
  }
  std::reverse(rows.begin(), rows.end());  // ListBackups is oldest first
  if (json) {
    Json out = Json::array();
    for (const Row& row : rows) out.push_back(RowJson(row));
    std::printf("%s\n", JsonText(out).c_str());
  } else {
    for (const Row& row : rows) {
      const ops::Backup& b = row.file->backup;
      std::printf("%s  %-6s  %-7s  %-22s  %10s  %-10s  %s%s\n",
                  ops::FormatUtc(b.time, false).c_str(),
                  std::string(ops::BackupKindName(b.kind)).c_str(), Contents(*row.file),
                  row.classes.c_str(),
                  ProgressReporter::HumanBytes(static_cast<double>(row.file->size)).c_str(),
                  row.verified.c_str(), b.name.c_str(), row.latest ? "  <- latest" : "");
    }
    const std::string bad = mismatches > 0 ? ", " + std::to_string(mismatches) + " MISMATCH" : "";
    std::printf("%zu backups, %s%s\n", rows.size(),
                ProgressReporter::HumanBytes(static_cast<double>(bytes)).c_str(), bad.c_str());
    RETURN_IF_ERROR(PrintWindows());
  }
  if (mismatches > 0) return Corrupt(std::to_string(mismatches) + " backup(s) fail their .sha256");
  return Status::Ok();
}

}  // namespace myvault::cli
