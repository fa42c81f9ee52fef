// The restore of a plain `mysqldump | gzip` backup: see plain_restore.h for the steps.
#include "restore/plain_restore.h"

#include <filesystem>
#include <map>

#include "myvault/archive/format.h"
#include "myvault/archive/plain.h"
#include "myvault/archive/sha256.h"
#include "myvault/common/clock.h"
#include "myvault/mysql/killer.h"
#include "myvault/sql/statement_stream.h"
#include "myvault/sql/text.h"
#include "myvault/verify/plain.h"
#include "restore/confirm.h"
#include "restore/guard.h"
#include "restore/journal.h"
#include "restore/plain_scan.h"
#include "restore/target.h"

namespace myvault::restore {
namespace {

constexpr size_t kBlock = size_t{1} << 20;  // inflated bytes handed to the splitter at a time

bool StartsWithWord(std::string_view statement, std::string_view words) {
  if (statement.size() < words.size()) return false;
  for (size_t i = 0; i < words.size(); ++i) {
    char c = statement[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c != words[i]) return false;
  }
  return true;
}

Status RefuseOptions(const RestoreOptions& o) {
  const auto refuse = [&](const std::string& flag, const std::string& why) {
    return InvalidArgument(flag + " cannot apply to the plain mysqldump backup " + o.input + ": " +
                           why);
  };
  const std::string no_index = "it has no index to choose from; restore it whole";
  if (!o.databases.empty()) return refuse("--databases", no_index);
  if (!o.tables.empty()) return refuse("--tables", no_index);
  if (!o.rename.empty()) return refuse("--rename", "its SQL names its databases itself");
  if (o.resume) return refuse("--resume", "it is loaded from the start (run it again without)");
  if (o.exclusive) return refuse("--exclusive", "its statements run one by one as written");
  if (o.users != UsersMode::kSkip) {
    return refuse("--users", "its SQL creates whatever accounts it holds (mysql.* tables)");
  }
  return Status::Ok();
}

class PlainRestore {
 public:
  PlainRestore(const RestoreOptions& o, ErrorCollector* errors, RestoreReport* report)
      : o_(o), errors_(errors), report_(report), progress_(o.progress, &counters_) {}

  Status Run();

 private:
  Status Verify();
  Status Prepare();
  Status Confirm();
  Status Load();
  Status RunStatement(std::string_view statement, uint64_t offset);
  std::string Summary() const;
  std::string StateOfTarget() const;

  const RestoreOptions& o_;
  ErrorCollector* errors_;
  RestoreReport* report_;
  ProgressCounters counters_;
  ProgressReporter progress_;
  verify::PlainVerifyReport verified_;
  ScriptDatabases scan_;
  std::vector<std::string> targets_;          // the databases the script creates or uses
  std::string default_database_;              // the connection's, when the script names none
  std::map<std::string, uint64_t> existing_;  // target database -> tables it holds now
  std::unique_ptr<mysql::QueryKiller> killer_;
  std::unique_ptr<mysql::Session> session_;
  std::unique_ptr<Journal> journal_;
  std::string binlog_line_;
  size_t max_statement_ = 0;
  bool touched_ = false;
  // What ran: the database of the last USE, and rows inserted per table.
  std::string current_database_;
  std::vector<std::pair<std::string, std::string>> tables_;
  std::map<std::pair<std::string, std::string>, uint64_t> rows_;
};

Status PlainRestore::Run() {
  double start = MonotonicSeconds();
  report_->plain = true;
  if (!o_.assume_yes) RETURN_IF_ERROR(CheckTerminal(o_.terminal));
  RETURN_IF_ERROR(RefuseOptions(o_));
  if (o_.threads > 1) {
    progress_.Event(
        "a plain backup is one SQL script: it is loaded on one connection, in order "
        "(--threads does not apply)");
  }
  double t = MonotonicSeconds();
  RETURN_IF_ERROR(Verify());
  report_->phases.push_back({"verify", MonotonicSeconds() - t});
  const double before_prepare = MonotonicSeconds();
  Status prepared = Prepare();
  if (prepared.ok()) prepared = Confirm();
  if (!prepared.ok()) {
    return Status(prepared.code(), prepared.message() + "; nothing was changed on the target");
  }
  start += MonotonicSeconds() - before_prepare;  // the checks and the wait are not the RTO
  t = MonotonicSeconds();
  Status st = Load();
  progress_.Stop();
  report_->phases.push_back({"load", MonotonicSeconds() - t});
  report_->target_changed = touched_;
  if (killer_) killer_->Stop();
  if (!st.ok()) {
    if (errors_->cancelled()) st = errors_->first();
    return Status(st.code(), st.message() + "; " + StateOfTarget());
  }
  report_->seconds = MonotonicSeconds() - start;
  return Status::Ok();
}

Status PlainRestore::Verify() {
  progress_.Event("verifying plain backup " + o_.input);
  std::error_code ec;
  const uintmax_t size = std::filesystem::file_size(o_.input, ec);
  counters_.bytes_total.store(ec ? 0 : size);
  progress_.Track(&counters_, "verify");
  progress_.Start();
  const Status st = verify::VerifyPlainBackup(o_.input, errors_, &counters_.raw_bytes, &verified_,
                                              [this](std::string_view sql) { scan_.Feed(sql); });
  progress_.Stop();
  RETURN_IF_ERROR(st);
  progress_.Event(
      "plain mysqldump backup verified: " +
      std::string(verified_.sha256_file_checked ? "sha256 OK" : "no .sha256 file") + ", gzip OK (" +
      ProgressReporter::HumanBytes(static_cast<double>(verified_.sql_bytes)) + " of SQL)");
  targets_ = scan_.names();
  if (targets_.empty()) {
    if (o_.connection.database.empty()) {
      return InvalidArgument("the plain backup " + o_.input +
                             " names no database (dumped without --databases): give the "
                             "database to load it into with DB_DATABASE");
    }
    default_database_ = o_.connection.database;
    targets_.push_back(default_database_);
  }
  return Status::Ok();
}

Status PlainRestore::Prepare() {
  killer_ = std::make_unique<mysql::QueryKiller>(o_.connection, errors_);
  LoadSessionSettings settings;
  settings.connection = &o_.connection;
  settings.enable_binlog = o_.binlog == Binlog::kEnable;
  settings.lock_wait_timeout_s = o_.lock_wait_timeout_s;
  settings.killer = killer_.get();
  bool binlog_off = false;
  ASSIGN_OR_RETURN(session_, ConnectLoadSession(settings, "plain restore", &binlog_off));
  RETURN_IF_ERROR(TakeRestoreLocks(*session_, targets_));
  ASSIGN_OR_RETURN(const Replication replication, InspectReplication(*session_, binlog_off));
  ASSIGN_OR_RETURN(binlog_line_,
                   DecideBinlog(replication, o_.binlog, session_->server().SqlLogBinPrivilege()));
  std::string list;
  for (const auto& d : targets_) list += (list.empty() ? "" : ", ") + sql::StringLiteral(d);
  ASSIGN_OR_RETURN(auto rows,
                   session_->Query("SELECT s.SCHEMA_NAME AS name, COUNT(t.TABLE_NAME) AS tables "
                                   "FROM information_schema.SCHEMATA s LEFT JOIN "
                                   "information_schema.TABLES t ON t.TABLE_SCHEMA = s.SCHEMA_NAME "
                                   "WHERE s.SCHEMA_NAME IN (" +
                                   list + ") GROUP BY s.SCHEMA_NAME"));
  for (size_t r = 0; r < rows.rows.size(); ++r) {
    existing_[rows.Get(r, "name")] = std::stoull(rows.Get(r, "tables"));
  }
  ASSIGN_OR_RETURN(auto packet, session_->Query("SELECT @@global.max_allowed_packet AS p"));
  max_statement_ = std::stoull(packet.Get(0, "p"));
  std::string identity = "plain\n" + verified_.sha256_hex;
  for (const auto& d : targets_) identity.append("\n").append(d);
  journal_ = std::make_unique<Journal>(archive::Sha256Hex(archive::Sha256::Of(identity)));
  ASSIGN_OR_RETURN(const JournalState earlier, journal_->Load(*session_));
  if (earlier.exists) {
    progress_.Warn("an interrupted restore of this plain backup (started " + earlier.started_at +
                   ") is recorded on the target; starting over");
  }
  return Status::Ok();
}

std::string PlainRestore::Summary() const {
  std::string out = "Restore plain mysqldump backup " + o_.input + " (" +
                    ProgressReporter::HumanBytes(static_cast<double>(verified_.sql_bytes)) +
                    " of SQL; " +
                    (verified_.sha256_file_checked ? "sha256 OK" : "no .sha256 file") +
                    ", gzip OK) into " + mysql::DescribeTarget(o_.connection) + ":\n";
  out +=
      "  its SQL runs as it is, statement by statement, on one connection (as `zcat FILE | "
      "mariadb` would): mysqldump drops and re-creates each table it holds, and leaves the "
      "other objects of a database alone\n";
  for (const auto& d : targets_) {
    const auto found = existing_.find(d);
    std::string what = found == existing_.end()
                           ? "created"
                           : "exists (" + std::to_string(found->second) + " tables)";
    if (scan_.dropped().count(d) > 0) what += ": DROPPED and re-created by the script";
    if (d == default_database_) what += " (the connection's database: the script names none)";
    out += "  database " + sql::QuoteIdentifier(d) + ": " + what + "\n";
  }
  out += "  " + binlog_line_ + "\n";
  return out;
}

Status PlainRestore::Confirm() {
  const std::string summary = Summary();
  if (o_.assume_yes) {
    progress_.Event(summary.substr(0, summary.size() - 1));
    return Status::Ok();
  }
  ASSIGN_OR_RETURN(bool yes, restore::Confirm(o_.terminal, summary, errors_));
  if (!yes) return Cancelled("restore cancelled: the confirmation phrase was not typed");
  return Status::Ok();
}

Status PlainRestore::Load() {
  RETURN_IF_ERROR(journal_->Ensure(*session_));
  RETURN_IF_ERROR(journal_->Start(*session_, o_.input, targets_));
  touched_ = true;
  current_database_ = default_database_;
  ASSIGN_OR_RETURN(auto reader, archive::PlainGzipReader::Open(o_.input));
  sql::StatementStream stream(max_statement_);
  counters_.raw_bytes.store(0);
  counters_.bytes_total.store(verified_.sql_bytes);
  progress_.Track(&counters_, "load");
  progress_.Start();
  std::string block;
  while (true) {
    if (errors_->cancelled()) return errors_->first();
    std::string_view statement;
    uint64_t offset = 0;
    if (stream.Next(&statement, &offset)) {
      RETURN_IF_ERROR(RunStatement(statement, offset));
      stream.set_quote_rules(QuoteRulesOf(*session_));
      counters_.raw_bytes.store(reader->inflated_bytes() - stream.buffered());
      continue;
    }
    RETURN_IF_ERROR(stream.status().WithContext(o_.input));
    if (stream.at_end()) break;
    block.clear();
    ASSIGN_OR_RETURN(const size_t got, reader->Read(&block, kBlock));
    if (got == 0) {
      stream.Finish();
    } else {
      stream.Append(block);
    }
  }
  if (reader->sha256_hex() != verified_.sha256_hex) {
    return Corrupt(o_.input +
                   " changed while it was restored (its SHA-256 differs from the one "
                   "verified)");
  }
  uint64_t others = 0;
  RETURN_IF_ERROR(journal_->Finish(*session_, &others));
  touched_ = false;
  report_->target_changed = true;
  report_->sql_bytes = verified_.sql_bytes;
  report_->databases = targets_;
  for (const auto& t : tables_) report_->tables.push_back({t.first, t.second, rows_[t]});
  return Status::Ok();
}

Status PlainRestore::RunStatement(std::string_view statement, uint64_t offset) {
  uint64_t affected = 0;
  const Status st = session_->Execute(statement, &affected);
  if (!st.ok()) {
    return Status(st.code(), "statement " + std::to_string(report_->statements + 1) + " (byte " +
                                 std::to_string(offset) + " of the SQL) failed: " + st.message());
  }
  ++report_->statements;
  if (StartsWithWord(statement, "USE ")) {
    current_database_ = ScriptDatabases::FirstQuotedName(statement);
  } else if (StartsWithWord(statement, "CREATE TABLE ")) {
    tables_.emplace_back(current_database_, ScriptDatabases::FirstQuotedName(statement));
  } else if (StartsWithWord(statement, "INSERT INTO ")) {
    rows_[{current_database_, ScriptDatabases::FirstQuotedName(statement.substr(0, 300))}] +=
        affected;
    report_->rows += affected;
    counters_.rows.fetch_add(affected, std::memory_order_relaxed);
  }
  return Status::Ok();
}

std::string PlainRestore::StateOfTarget() const {
  if (!touched_) return "nothing was changed on the target";
  std::string names;
  for (const auto& d : targets_) names += (names.empty() ? "" : ", ") + d;
  return "the target holds a partial restore of " + names + " (" +
         std::to_string(report_->statements) +
         " statements ran; a backup leaves these databases out until a restore completes); restore "
         "the file again once the cause is fixed";
}

}  // namespace

bool IsPlainBackup(const std::string& input) {
  if (input == "-") return false;
  const Result<archive::FileFormat> format = archive::DetectFormat(input);
  return format.ok() && *format == archive::FileFormat::kPlain;
}

Status RunPlainRestore(const RestoreOptions& options, ErrorCollector* errors,
                       RestoreReport* report) {
  RETURN_IF_ERROR(options.Validate());
  *report = RestoreReport{};
  PlainRestore run(options, errors, report);
  return run.Run();
}

}  // namespace myvault::restore
