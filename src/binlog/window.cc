// Planning a point-in-time restore (contract in myvault/binlog/window.h).
#include "myvault/binlog/window.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <ctime>

#include "myvault/archive/reader.h"
#include "myvault/binlog/events.h"
#include "myvault/mysql/server_info.h"
#include "myvault/ops/backup_dir.h"
#include "myvault/ops/health.h"

namespace myvault::binlog {
namespace {

std::string MetadataValue(const archive::Index& index, std::string_view key) {
  for (const auto& [k, v] : index.metadata) {
    if (k == key) return v;
  }
  return "";
}

bool ParseU64(std::string_view s, uint64_t* v) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *v);
  return ec == std::errc() && p == s.data() + s.size() && !s.empty();
}

// Scans the archived `file` from its start, calling `on_commit` for each transaction.
Status ScanFile(const storage::Store& store, const std::string& prefix, const FileRecord& r,
                const std::function<void(const Transaction&)>& on_commit) {
  EventScanner scanner(kFirstEventPosition);
  bool magic = false;
  return ReadArchived(store, prefix, r.file, !r.complete, [&](std::string_view m) {
    if (!magic) {
      if (m.substr(0, 4) != kBinlogMagic)
        return Corrupt("archived binlog " + r.file + ": no magic");
      m.remove_prefix(4);
      magic = true;
    }
    return scanner.Feed(m, on_commit);
  });
}

// Where the target is: the file and the offset of the first transaction not to apply.
struct Stop {
  size_t file_index = 0;
  uint64_t offset = 0;
};

Result<Stop> FindStop(const storage::Store& store, const std::string& prefix,
                      const BinlogIndex& index, const Target& t) {
  if (t.kind == Target::Kind::kPosition) {
    for (size_t i = 0; i < index.files.size(); ++i) {
      if (index.files[i].file != t.file) continue;
      if (t.position > index.files[i].committed) {
        return NotFound("the archived binlog " + t.file + " reaches only to offset " +
                        std::to_string(index.files[i].committed));
      }
      return Stop{i, t.position};
    }
    return NotFound("binlog " + t.file + " is not archived");
  }
  for (size_t i = 0; i < index.files.size(); ++i) {
    const FileRecord& r = index.files[i];
    // The index says which files cannot hold a time target: never scanned.
    if (t.kind == Target::Kind::kTime && r.complete && r.last_time < t.time) continue;
    std::optional<uint64_t> found;
    RETURN_IF_ERROR(ScanFile(store, prefix, r, [&](const Transaction& tx) {
      if (found) return;
      if ((t.kind == Target::Kind::kTime && tx.time >= t.time) ||
          (t.kind == Target::Kind::kGtid && tx.gtid == t.gtid)) {
        found = tx.start;
      }
    }));
    if (found) return Stop{i, *found};
  }
  const FileRecord& last = index.files.back();
  if (t.kind == Target::Kind::kTime && t.time <= index.synced_at) {
    return Stop{index.files.size() - 1, last.committed};  // every archived transaction is before it
  }
  const std::string reach =
      index.synced_at > 0 ? ops::FormatUtc(index.synced_at, false) + " UTC" : "its start";
  return NotFound(t.Describe() + " is beyond the archived binlog, which reaches " + reach + " (" +
                  last.file + ":" + std::to_string(last.committed) + ")");
}

}  // namespace

Result<std::vector<SnapshotPosition>> BackupSnapshots(const std::string& dir,
                                                      const std::string& prefix,
                                                      const archive::Identity* identity,
                                                      std::vector<std::string>* unreadable) {
  ASSIGN_OR_RETURN(std::vector<ops::BackupFile> backups, ops::ListBackups(dir, prefix));
  std::vector<SnapshotPosition> out;
  for (const ops::BackupFile& b : backups) {
    Result<std::unique_ptr<archive::ArchiveReader>> reader =
        archive::ArchiveReader::Open(b.path, identity);
    if (!reader.ok()) {  // verification reports it; it cannot anchor a replay
      if (unreadable != nullptr) unreadable->push_back(b.backup.name);
      continue;
    }
    const archive::Index& index = (*reader)->index();
    SnapshotPosition s;
    s.backup = b.backup.name;
    s.path = b.path;
    s.time = b.backup.time;
    s.file = MetadataValue(index, "binlog_file");
    s.gtid_position = MetadataValue(index, "gtid_position");
    if (s.file.empty() || !ParseU64(MetadataValue(index, "binlog_position"), &s.position)) continue;
    if (MetadataValue(index, "binlog_position_exact") == "no") continue;  // cannot anchor exactly
    out.push_back(std::move(s));
  }
  return out;
}

Result<std::optional<ops::BinlogArchiveHealth>> InspectArchive(const std::string& dir,
                                                               const std::string& prefix) {
  ASSIGN_OR_RETURN(std::unique_ptr<storage::Store> store, storage::OpenStore(dir));
  ASSIGN_OR_RETURN(BinlogIndex index, ReadIndex(*store, prefix));
  if (index.files.empty()) return std::optional<ops::BinlogArchiveHealth>();
  ops::BinlogArchiveHealth h;
  h.synced_at = index.synced_at;
  size_t gap_at = index.files.size();
  for (size_t i = 0; i < index.files.size(); ++i) {
    if (!index.files[i].gap_before.empty()) gap_at = i;
  }
  if (gap_at < index.files.size()) {
    ASSIGN_OR_RETURN(std::vector<SnapshotPosition> snaps, BackupSnapshots(dir, prefix));
    bool backup_after = false;
    for (const SnapshotPosition& s : snaps) {
      for (size_t i = gap_at; i < index.files.size(); ++i) {
        backup_after = backup_after || index.files[i].file == s.file;
      }
    }
    if (!backup_after) h.gap = index.files[gap_at].gap_before;
  }
  return std::optional<ops::BinlogArchiveHealth>(h);
}

Result<std::vector<std::string>> PruneArchive(const std::string& dir, const std::string& prefix,
                                              const std::string& keep_from, bool dry_run) {
  ASSIGN_OR_RETURN(std::unique_ptr<storage::Store> store, storage::OpenStore(dir));
  ASSIGN_OR_RETURN(BinlogIndex index, ReadIndex(*store, prefix));
  std::vector<std::string> removed;
  if (keep_from.empty() || index.Find(keep_from) == nullptr) return removed;
  BinlogIndex kept = index;
  kept.files.clear();
  bool keeping = false;
  for (const FileRecord& r : index.files) {
    keeping = keeping || r.file == keep_from || !r.complete;
    if (keeping) {
      kept.files.push_back(r);
    } else {
      removed.push_back(r.file);
    }
  }
  if (dry_run || removed.empty()) return removed;
  // The index first: a file it no longer names is never used, even if its removal fails.
  RETURN_IF_ERROR(WriteIndex(*store, prefix, kept));
  for (const std::string& f : removed) RETURN_IF_ERROR(RemoveArchived(*store, prefix, f));
  return removed;
}

std::vector<Window> RecoverableWindows(const BinlogIndex& index,
                                       const std::vector<SnapshotPosition>& snapshots) {
  std::vector<Window> out;
  for (const SnapshotPosition& s : snapshots) {  // oldest first
    size_t first = index.files.size();
    for (size_t i = 0; i < index.files.size(); ++i) {
      if (index.files[i].file == s.file) first = i;
    }
    if (first == index.files.size()) continue;
    size_t last = first;
    while (last + 1 < index.files.size() && index.files[last + 1].gap_before.empty()) ++last;
    const FileRecord& end = index.files[last];
    if (!out.empty() && out.back().end_file == end.file) continue;  // an older backup opens it
    Window w;
    w.backup = s.backup;
    w.from = s.time;
    w.end_file = end.file;
    w.end_position = end.committed;
    if (last + 1 < index.files.size()) {
      w.to = end.last_time;
      w.gap_after = index.files[last + 1].gap_before;
    } else {
      w.to = std::max<int64_t>(index.synced_at, end.last_time);
    }
    out.push_back(std::move(w));
  }
  return out;
}

bool PositionBefore(const std::string& file_a, uint64_t pos_a, const std::string& file_b,
                    uint64_t pos_b) {
  if (file_a != file_b) {
    const std::optional<uint64_t> a = FileSequence(file_a), b = FileSequence(file_b);
    if (a && b && *a != *b) return *a < *b;
    return file_a < file_b;
  }
  return pos_a < pos_b;
}

std::string Target::Describe() const {
  switch (kind) {
    case Kind::kTime: return "--until " + ops::FormatUtc(time, false) + " UTC";
    case Kind::kGtid: return "--until-gtid " + gtid;
    case Kind::kPosition: return "--until-position " + file + ":" + std::to_string(position);
  }
  return "";
}

Result<int64_t> ParseUntilTime(const std::string& text) {
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%Y-%m-%d %H:%M:%S", &tm);
  if (end == nullptr) end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  const auto bad = [&] {
    return InvalidArgument(
        "--until takes 'YYYY-MM-DD HH:MM:SS' (UTC) with an optional Z or "
        "+HH:MM/-HH:MM offset, got '" +
        text + "'");
  };
  if (end == nullptr) return bad();
  int64_t offset = 0;
  std::string_view rest(end);
  if (rest == "Z" || rest.empty()) {
  } else if ((rest[0] == '+' || rest[0] == '-') && (rest.size() == 6 || rest.size() == 5)) {
    const std::string_view hh = rest.substr(1, 2);
    const std::string_view mm = rest.substr(rest.size() == 6 ? 4 : 3, 2);
    uint64_t h = 0, m = 0;
    if ((rest.size() == 6 && rest[3] != ':') || !ParseU64(hh, &h) || !ParseU64(mm, &m) || h > 14 ||
        m > 59) {
      return bad();
    }
    offset = static_cast<int64_t>(h * 3600 + m * 60) * (rest[0] == '+' ? 1 : -1);
  } else {
    return bad();
  }
  return static_cast<int64_t>(timegm(&tm)) - offset;
}

Result<Target> ParseUntilPosition(const std::string& text) {
  const size_t colon = text.rfind(':');
  Target t;
  t.kind = Target::Kind::kPosition;
  if (colon == std::string::npos ||
      !ParseU64(std::string_view(text).substr(colon + 1), &t.position) ||
      !ValidateServerFileName(text.substr(0, colon)).ok() || t.position < kFirstEventPosition) {
    return InvalidArgument("--until-position takes FILE:POSITION (binlog.000042:1234), got '" +
                           text + "'");
  }
  t.file = text.substr(0, colon);
  return t;
}

Result<Target> ParseTarget(const std::string& until, const std::string& until_gtid,
                           const std::string& until_position) {
  if ((!until.empty()) + (!until_gtid.empty()) + (!until_position.empty()) != 1) {
    return InvalidArgument("give one of --until, --until-gtid and --until-position");
  }
  Target t;
  if (!until.empty()) {
    ASSIGN_OR_RETURN(t.time, ParseUntilTime(until));
  } else if (!until_gtid.empty()) {
    t.kind = Target::Kind::kGtid;
    t.gtid = until_gtid;
  } else {
    ASSIGN_OR_RETURN(t, ParseUntilPosition(until_position));
  }
  return t;
}

namespace {

// The newest backup whose snapshot is before the stop, with its binlog archived without a gap
// from the snapshot to the stop and an archive that matches its .sha256; *why collects the
// reasons the newer ones were passed over.
Result<std::pair<SnapshotPosition, size_t>> ChooseBackup(const std::vector<SnapshotPosition>& snaps,
                                                         const BinlogIndex& index, const Stop& stop,
                                                         const Target& target,
                                                         const ErrorCollector* cancel,
                                                         std::string* why) {
  const std::string& stop_file = index.files[stop.file_index].file;
  for (auto it = snaps.rbegin(); it != snaps.rend(); ++it) {
    const SnapshotPosition& s = *it;
    if (PositionBefore(stop_file, stop.offset, s.file, s.position)) continue;  // after the target
    if (target.kind == Target::Kind::kGtid) {
      ASSIGN_OR_RETURN(bool holds, mysql::GtidPositionIncludes(s.gtid_position, target.gtid));
      if (holds) continue;
    }
    size_t first = index.files.size();
    for (size_t i = 0; i < index.files.size(); ++i) {
      if (index.files[i].file == s.file) first = i;
    }
    if (first > stop.file_index) {
      *why += "; " + s.backup + ": its binlog " + s.file + " is not archived";
      continue;
    }
    bool gap = false;
    for (size_t i = first + 1; i <= stop.file_index; ++i)
      gap = gap || !index.files[i].gap_before.empty();
    if (gap) {
      *why += "; " + s.backup + ": a gap in the archived binlog after it";
      continue;
    }
    if (Status st = ops::CheckSha256(s.path, cancel); !st.ok()) {
      if (st.code() == StatusCode::kCancelled) return st;
      *why += "; " + s.backup + ": " + st.message();
      continue;
    }
    return std::make_pair(s, first);
  }
  return NotFound("no backup before " + target.Describe() +
                  " has its binlog archived from its snapshot to the target" + *why);
}

}  // namespace

Result<ReplayPlan> PlanReplay(const std::string& dir, const std::string& prefix,
                              const Target& target, const ErrorCollector* cancel,
                              const archive::Identity* identity) {
  if (target.kind == Target::Kind::kGtid) {
    RETURN_IF_ERROR(mysql::GtidPositionIncludes("", target.gtid).status());
  }
  ASSIGN_OR_RETURN(std::unique_ptr<storage::Store> store, storage::OpenStore(dir));
  ASSIGN_OR_RETURN(BinlogIndex index, ReadIndex(*store, prefix));
  if (index.files.empty()) {
    return NotFound("no archived binlog of prefix " + prefix + " in " + dir +
                    " (myvault binlog archives it)");
  }
  ASSIGN_OR_RETURN(Stop stop, FindStop(*store, prefix, index, target));
  ASSIGN_OR_RETURN(std::vector<SnapshotPosition> snaps, BackupSnapshots(dir, prefix, identity));
  std::string why;
  ASSIGN_OR_RETURN(auto chosen, ChooseBackup(snaps, index, stop, target, cancel, &why));
  ReplayPlan plan;
  plan.backup = chosen.first;
  plan.start = chosen.first.position;
  plan.stop = stop.offset;
  for (size_t i = chosen.second; i <= stop.file_index; ++i) {
    const FileRecord& r = index.files[i];
    plan.files.push_back(r.file);
    if (r.complete) RETURN_IF_ERROR(CheckArchivedSha256(*store, prefix, r.file));
    const bool first = i == chosen.second, last = i == stop.file_index;
    // Reading every member checks a partial too; the transactions counted are those replayed.
    RETURN_IF_ERROR(ScanFile(*store, prefix, r, [&](const Transaction& tx) {
      if ((first && tx.start < plan.start) || (last && tx.end > plan.stop)) return;
      ++plan.transactions;
      plan.last_gtid = tx.gtid;
      plan.last_time = tx.time;
    }));
    if (first && plan.start > r.end) {
      return Corrupt("the snapshot of " + plan.backup.backup + " is at " + r.file + ":" +
                     std::to_string(plan.start) + ", past the archived end of that file");
    }
  }
  return plan;
}

bool StatementNamesDatabase(std::string_view statement, std::string_view database) {
  if (database.empty()) return false;
  const auto ident = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '$' ||
           static_cast<unsigned char>(c) >= 0x80;
  };
  for (size_t at = statement.find(database); at != std::string_view::npos;
       at = statement.find(database, at + 1)) {
    const size_t end = at + database.size();
    const bool before_ok = at == 0 || !ident(statement[at - 1]);
    const bool after_ok = end == statement.size() || !ident(statement[end]);
    if (before_ok && after_ok) return true;
  }
  return false;
}

Result<std::string> DdlNamingDatabases(const std::string& dir, const std::string& prefix,
                                       const ReplayPlan& plan,
                                       const std::vector<std::string>& databases) {
  ASSIGN_OR_RETURN(std::unique_ptr<storage::Store> store, storage::OpenStore(dir));
  ASSIGN_OR_RETURN(BinlogIndex index, ReadIndex(*store, prefix));
  std::string found;
  for (size_t i = 0; i < plan.files.size() && found.empty(); ++i) {
    const FileRecord* r = index.Find(plan.files[i]);
    if (r == nullptr) return NotFound("binlog " + plan.files[i] + " is no longer archived");
    const bool first = i == 0, last = i + 1 == plan.files.size();
    RETURN_IF_ERROR(ScanFile(*store, prefix, *r, [&](const Transaction& tx) {
      if (!found.empty() || tx.statement.empty()) return;
      if ((first && tx.start < plan.start) || (last && tx.end > plan.stop)) return;
      for (const std::string& db : databases) {
        if (StatementNamesDatabase(tx.statement, db)) {
          found = tx.gtid + " (" + plan.files[i] + ":" + std::to_string(tx.start) +
                  "): " + tx.statement.substr(0, 200);
          return;
        }
      }
    }));
  }
  return found;
}

}  // namespace myvault::binlog
