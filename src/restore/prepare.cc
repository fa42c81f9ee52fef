// The prepare phase: what the target holds now, the operator's confirmation, the journal.
#include <cstdio>

#include "myvault/sql/text.h"
#include "restore/confirm.h"
#include "restore/restore_run.h"

namespace myvault::restore {
namespace {

// A "-- key: value" line of the header member.
std::string HeaderValue(const std::string& header_sql, const std::string& key) {
  const std::string prefix = "-- " + key + ": ";
  size_t pos = 0;
  while (pos < header_sql.size()) {
    size_t nl = header_sql.find('\n', pos);
    if (nl == std::string::npos) nl = header_sql.size();
    if (header_sql.compare(pos, prefix.size(), prefix) == 0) {
      return header_sql.substr(pos + prefix.size(), nl - pos - prefix.size());
    }
    pos = nl + 1;
  }
  return "";
}

}  // namespace

Status RestoreRun::Prepare() {
  killer_ = std::make_unique<mysql::QueryKiller>(o_.connection, errors_);
  settings_.killer = killer_.get();
  ASSIGN_OR_RETURN(control_, ConnectControl());
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
  if (!o_.resume && journal_state_.exists) {
    progress_.Warn("an interrupted restore of this archive (started " + journal_state_.started_at +
                   ") is recorded on the target; starting over (--resume would continue it)");
    journal_state_ = JournalState{};
  }
  return Status::Ok();
}

Status RestoreRun::InspectTarget() {
  std::string list;
  for (const auto& [from, to] : plan_.Databases(archive_databases_)) {
    databases_.push_back({from, to});
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
  return Status::Ok();
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
    if (!d.exists) {
      what = "created (new)";
    } else if (o_.drop_existing && !journal_state_.schema_done) {
      what = "DROPPED and replaced (now " + std::to_string(d.tables) + " tables, " +
             ProgressReporter::HumanBytes(static_cast<double>(d.bytes)) + ")";
    } else {
      what = "kept; its tables of the same names replaced (now " + std::to_string(d.tables) +
             " tables, " + ProgressReporter::HumanBytes(static_cast<double>(d.bytes)) + ")";
    }
    out += "  " + sql::QuoteIdentifier(d.target) +
           (d.target != d.source ? " (from " + sql::QuoteIdentifier(d.source) + ")" : "") + ": " +
           what + "\n";
  }
  if (journal_state_.exists) {
    out += "  resuming the restore started " + journal_state_.started_at + " (" +
           std::to_string(journal_state_.chunks.size()) + " chunks already loaded)\n";
  }
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
  RETURN_IF_ERROR(OnControl([&](mysql::Session& s) { return journal_->Start(s, o_.input); }));
  touched_ = true;
  return Status::Ok();
}

}  // namespace myvault::restore
