// The prepare phase: what the target holds now, the operator's confirmation, the journal.
#include <cstdio>

#include "myvault/sql/text.h"
#include "restore/confirm.h"
#include "restore/restore_run.h"

namespace myvault::restore {
namespace {

// A "-- key: value" line of the header member, or "".
std::string HeaderValue(const std::string& header_sql, const std::string& key) {
  for (const auto& [k, v] : HeaderMetadata(header_sql)) {
    if (k == key) return v;
  }
  return "";
}

constexpr size_t kNamesPerList = 12;  // the confirmation names this many objects per list

}  // namespace

std::vector<std::pair<std::string, std::string>> HeaderMetadata(std::string_view header_sql) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t pos = 0;
  while (pos < header_sql.size()) {
    size_t nl = header_sql.find('\n', pos);
    if (nl == std::string_view::npos) nl = header_sql.size();
    const std::string_view line = header_sql.substr(pos, nl - pos);
    pos = nl + 1;
    if (line.substr(0, 3) != "-- ") break;  // the comments end where the settings begin
    const size_t colon = line.find(": ", 3);
    if (colon == std::string_view::npos) continue;
    out.emplace_back(std::string(line.substr(3, colon - 3)),
                     sql::UnescapeComment(line.substr(colon + 2)));
  }
  return out;
}

Status RestoreRun::Prepare() {
  killer_ = std::make_unique<mysql::QueryKiller>(o_.connection, errors_);
  settings_.killer = killer_.get();
  ASSIGN_OR_RETURN(control_, ConnectControl());
  CountAccounts();
  RETURN_IF_ERROR(InspectTarget());
  RETURN_IF_ERROR(Guard());
  journal_ = std::make_unique<Journal>(restore_id_);
  ASSIGN_OR_RETURN(journal_state_, journal_->Load(*control_));
  if (o_.resume && !journal_state_.exists) {
    return NotFound(
        "--resume: no interrupted restore of this archive (with these --databases "
        "and --rename) is recorded on " +
        mysql::DescribeTarget(o_.connection));
  }
  // The values an interrupted --exclusive run changed, whether this run resumes it or not.
  recorded_tunings_ = journal_state_.tunings;
  if (!o_.resume && journal_state_.exists) {
    progress_.Warn("an interrupted restore of this archive (started " + journal_state_.started_at +
                   ") is recorded on the target; starting over (--resume would continue it)");
    journal_state_ = JournalState{};
  }
  PlanTargets();
  return PlanAccounts();
}

Status RestoreRun::InspectTarget() {
  std::string list;
  for (const auto& [from, to] : plan_.Databases(archive_databases_)) {
    databases_.emplace_back();
    databases_.back().source = from;
    databases_.back().target = to;
    list += (list.empty() ? "" : ", ") + sql::StringLiteral(to);
  }
  if (list.empty()) return Status::Ok();
  ASSIGN_OR_RETURN(auto rows,
                   control_->Query("SELECT s.SCHEMA_NAME AS name, COUNT(t.TABLE_NAME) AS tables, "
                                   "COALESCE(SUM(t.DATA_LENGTH + t.INDEX_LENGTH), 0) AS bytes "
                                   "FROM information_schema.SCHEMATA s LEFT JOIN "
                                   "information_schema.TABLES t ON t.TABLE_SCHEMA = s.SCHEMA_NAME "
                                   "WHERE s.SCHEMA_NAME IN (" +
                                   list + ") GROUP BY s.SCHEMA_NAME"));
  for (size_t r = 0; r < rows.rows.size(); ++r) {
    for (auto& d : databases_) {
      if (d.target != rows.Get(r, "name")) continue;
      d.exists = true;
      d.tables = std::stoull(rows.Get(r, "tables"));
      d.bytes = std::stoull(rows.Get(r, "bytes"));
    }
  }
  return ReadTargetObjects(list);
}

// Every table, view, sequence, routine, event and trigger of the target databases.
Status RestoreRun::ReadTargetObjects(const std::string& in_list) {
  const std::string in = " IN (" + in_list + ")";
  std::map<std::string, std::vector<DbObject>> found;
  ASSIGN_OR_RETURN(auto tables,
                   control_->Query("SELECT TABLE_SCHEMA AS s, TABLE_NAME AS n, TABLE_TYPE AS t, "
                                   "COALESCE(DATA_LENGTH + INDEX_LENGTH, 0) AS b, "
                                   "COALESCE(TABLE_ROWS, 0) AS r FROM information_schema.TABLES "
                                   "WHERE TABLE_SCHEMA" +
                                   in + " ORDER BY 1, 2"));
  for (size_t r = 0; r < tables.rows.size(); ++r) {
    const std::string type = tables.Get(r, "t");
    const std::string kind = type == "VIEW" ? "view" : type == "SEQUENCE" ? "sequence" : "table";
    found[tables.Get(r, "s")].push_back({kind, tables.Get(r, "n"), "",
                                         std::stoull(tables.Get(r, "b")),
                                         std::stoull(tables.Get(r, "r"))});
  }
  ASSIGN_OR_RETURN(auto others,
                   control_->Query("SELECT ROUTINE_SCHEMA AS s, LOWER(ROUTINE_TYPE) AS k, "
                                   "ROUTINE_NAME AS n, '' AS t FROM information_schema.ROUTINES "
                                   "WHERE ROUTINE_SCHEMA" +
                                   in +
                                   " UNION ALL SELECT EVENT_SCHEMA, 'event', EVENT_NAME, '' FROM "
                                   "information_schema.EVENTS WHERE EVENT_SCHEMA" +
                                   in +
                                   " UNION ALL SELECT TRIGGER_SCHEMA, 'trigger', TRIGGER_NAME, "
                                   "EVENT_OBJECT_TABLE FROM information_schema.TRIGGERS WHERE "
                                   "TRIGGER_SCHEMA" +
                                   in + " ORDER BY 1, 2, 3"));
  for (size_t r = 0; r < others.rows.size(); ++r) {
    found[others.Get(r, "s")].push_back(
        {others.Get(r, "k"), others.Get(r, "n"), others.Get(r, "t"), 0, 0});
  }
  for (auto& d : databases_) d.objects = std::move(found[d.target]);
  return Status::Ok();
}

// The archive's objects of database `source` (tables with their rows and SQL size).
std::vector<DbObject> RestoreRun::ArchiveObjects(const std::string& source) const {
  std::vector<DbObject> out;
  for (const auto& [id, object] : plan_.objects()) {
    if (object.schema != source || object.kind == "database") continue;
    // --tables: the chosen tables; their triggers are not known before the post phase.
    if (plan_.tables_only() && !plan_.TableSelected(object.schema, object.name)) continue;
    auto bytes = table_bytes_.find(id);
    out.push_back({object.kind, object.name, "", bytes == table_bytes_.end() ? 0 : bytes->second,
                   object.rows});
  }
  return out;
}

// What happens to each target database: dropped and replaced as a whole only when the archive
// holds all of it, the operator allows it and the schema phase has not run yet (a resume).
void RestoreRun::PlanTargets() {
  for (auto& d : databases_) {
    PlanInputs in;
    in.exists = d.exists;
    in.target = d.objects;
    in.archive = ArchiveObjects(d.source);
    in.post_objects_unknown = source_->index() == nullptr;
    const archive::DatabaseContents held = contents_.Of(d.source);
    if (journal_state_.schema_done) {
      in.why_kept = "resuming: the interrupted run already replaced it";
    } else if (plan_.tables_only()) {
      in.why_kept = "--tables: only the chosen tables and their triggers are replaced";
    } else if (!o_.drop_existing) {
      in.why_kept = "--no-drop-existing";
    } else if (held == archive::DatabaseContents::kPartial) {
      in.why_kept = "the archive holds only part of it";
    } else if (held != archive::DatabaseContents::kComplete) {
      in.why_kept = "the archive does not say whether it holds all of it (an older myvault)";
    } else {
      in.drop = true;
    }
    d.plan = PlanDatabase(in);
  }
}

std::string RestoreRun::Summary() const {
  const mysql::ServerInfo& server = control_->server();
  std::string out = "Restore " + o_.input + "\n  taken " + HeaderValue(header_sql_, "start_time") +
                    " from " + HeaderValue(header_sql_, "server") + " (" +
                    HeaderValue(header_sql_, "server_flavor") + " " +
                    HeaderValue(header_sql_, "server_version") + ")\ninto " +
                    mysql::DescribeTarget(o_.connection) + " (" + server.FlavorName() + " " +
                    server.version + "):\n";
  for (const auto& d : databases_) {
    std::string what;
    const std::string now = "now " + std::to_string(d.tables) + " tables and views, " +
                            ProgressReporter::HumanBytes(static_cast<double>(d.bytes));
    switch (d.plan.action) {
      case DatabaseAction::kCreate: what = "created (new)"; break;
      case DatabaseAction::kDropAndReplace: what = "DROPPED and replaced (" + now + ")"; break;
      case DatabaseAction::kReplaceObjects:
        what = "kept, only the objects the archive holds are replaced (" + d.plan.why + "; " + now +
               ")";
        break;
    }
    out += "  " + sql::QuoteIdentifier(d.target) +
           (d.target != d.source ? " (from " + sql::QuoteIdentifier(d.source) + ")" : "") + ": " +
           what + "\n" + RenderDatabasePlan(d.plan, "      ", kNamesPerList);
  }
  if (journal_state_.exists) {
    out += "  resuming the restore started " + journal_state_.started_at + " (" +
           std::to_string(journal_state_.chunks.size()) + " chunks already loaded)\n";
  }
  out += DescribeAccounts(archive_accounts_, account_steps_, o_.users, account_steps_known_);
  return out + SafetySummary();
}

Status RestoreRun::Confirm() {
  if (o_.assume_yes) {
    progress_.Event(Summary().substr(0, Summary().size() - 1));
    return Status::Ok();
  }
  ASSIGN_OR_RETURN(bool yes, restore::Confirm(o_.terminal, Summary(), errors_));
  if (!yes) return Cancelled("restore cancelled: the confirmation phrase was not typed");
  return Status::Ok();
}

Status RestoreRun::StartJournal() {
  if (journal_state_.exists && journal_state_.schema_done) {
    touched_ = true;  // a resumed target is partial from the start
    return Status::Ok();
  }
  std::vector<std::string> targets;
  for (const auto& d : databases_) targets.push_back(d.target);
  RETURN_IF_ERROR(
      OnControl([&](mysql::Session& s) { return journal_->Start(s, o_.input, targets); }));
  touched_ = true;
  return Status::Ok();
}

Status RestoreRun::StartTuning() {
  tuning_ = std::make_unique<BulkLoadTuning>(journal_.get(), &progress_, recorded_tunings_);
  if (o_.exclusive) return OnControl([&](mysql::Session& s) { return tuning_->Apply(s); });
  if (recorded_tunings_.empty()) return Status::Ok();
  progress_.Warn(
      "the interrupted restore ran with --exclusive and left server settings changed; putting "
      "them back (this run is not --exclusive)");
  RETURN_IF_ERROR(OnControl([&](mysql::Session& s) {
    tuning_->AdoptRecorded(s.server());
    return Status::Ok();
  }));
  return UndoTuning();
}

Status RestoreRun::UndoTuning() {
  if (tuning_ == nullptr || !tuning_->pending()) return Status::Ok();
  // A connection of its own: the control connection may be the one a cancellation killed.
  Status st = Status::Ok();
  auto session = mysql::Session::Connect(o_.connection, "settings");
  if (session.ok()) {
    st = tuning_->Undo(**session);
  } else {
    st = session.status();
  }
  if (st.ok()) return st;
  return Status(st.code(), "--exclusive: the server settings could not be put back (" +
                               st.message() + "); run: " + tuning_->UndoSql());
}

}  // namespace myvault::restore
