#include "myvault/restore/restorer.h"

#include <oneapi/tbb/parallel_for.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <thread>

#include "myvault/archive/sha256.h"
#include "myvault/common/clock.h"
#include "myvault/verify/verify.h"
#include "restore/confirm.h"
#include "restore/plain_restore.h"
#include "restore/restore_run.h"

namespace myvault::restore {
Status RestoreOptions::Validate() const {
  if (input.empty()) return InvalidArgument("restore needs an archive file (or - for stdin)");
  if (threads < 1 || threads > 256) return InvalidArgument("--threads must be 1..256");
  if (retries < 0 || retries > 100) return InvalidArgument("--retries must be 0..100");
  if (lock_wait_timeout_s < 1 || lock_wait_timeout_s > 31536000) {
    return InvalidArgument("--lock-wait-timeout must be 1..31536000 seconds");
  }
  for (const auto& [from, to] : rename) {
    if (from.empty() || to.empty()) return InvalidArgument("--rename takes OLD=NEW");
  }
  if (!tables.empty() && !databases.empty()) {
    return InvalidArgument(
        "--tables and --databases exclude each other (a table names its database)");
  }
  for (const auto& t : tables) {
    if (t.find('.') == std::string::npos)
      return InvalidArgument("--tables takes db.table, got '" + t + "'");
  }
  if (sample_chunks > 0 && (tables.empty() || input == "-" || resume)) {
    return InvalidArgument("a sample restore needs --tables and an archive file, without --resume");
  }
  return Status::Ok();
}

RestoreRun::RestoreRun(const RestoreOptions& o, ErrorCollector* errors, RestoreReport* report)
    : o_(o),
      errors_(errors),
      report_(report),
      progress_(o.progress, &counters_),
      plan_(o.databases, o.tables, o.rename) {}

Status RestoreRun::Phase(const char* name, Status (RestoreRun::*fn)()) {
  const double start = MonotonicSeconds();
  Status st = (this->*fn)();
  report_->phases.push_back({name, MonotonicSeconds() - start});
  // A cancelled restore says so, not how the statement its cancellation killed failed.
  if (errors_->cancelled()) st = errors_->first();
  return st;
}

Status RestoreRun::Run() {
  double start = MonotonicSeconds();
  if (!o_.assume_yes) RETURN_IF_ERROR(CheckTerminal(o_.terminal));
  // The index and the selection first (cheap: a bad --databases fails at once), then the whole
  // file. An archive whose index cannot be read gets verify's more precise verdict.
  Status prologue = ReadPrologue();
  if (o_.input != "-" && prologue.ok())
    RETURN_IF_ERROR(Phase("verify", &RestoreRun::VerifyArchive));
  if (o_.input != "-" && prologue.code() == StatusCode::kCorrupt) {
    RETURN_IF_ERROR(Phase("verify", &RestoreRun::VerifyAllMembers));
  }
  RETURN_IF_ERROR(prologue);
  const double before_prepare = MonotonicSeconds();
  // The checks and the operator's confirmation: not part of the RTO; nothing changes before.
  Status prepared = Prepare();
  if (prepared.ok() && vouched_ && ReplacesExistingData()) {
    const double verify_start = MonotonicSeconds();
    prepared = VerifyAllMembers();
    report_->phases.front().seconds += MonotonicSeconds() - verify_start;
    start -= MonotonicSeconds() - verify_start;  // part of the RTO, unlike the rest of Prepare
  }
  if (prepared.ok()) prepared = Confirm();
  if (!prepared.ok()) {
    return Status(prepared.code(), prepared.message() + "; nothing was changed on the target");
  }
  start += MonotonicSeconds() - before_prepare;
  report_->phases.push_back({"prepare", 0});
  const double prepare_start = MonotonicSeconds();
  Status st = StartJournal();
  if (st.ok()) st = StartTuning();
  report_->phases.back().seconds = MonotonicSeconds() - prepare_start;
  if (st.ok()) st = Phase("schema", &RestoreRun::Schema);
  if (st.ok()) st = Phase("data", &RestoreRun::LoadData);
  if (st.ok()) st = Phase("indexes", &RestoreRun::Indexes);
  if (st.ok()) st = Phase("post", &RestoreRun::Post);
  if (st.ok() && o_.sample_chunks == 0) st = Phase("check", &RestoreRun::Check);
  // --exclusive: the settings go back whatever happened (an error, a signal), before the
  // journal that records them is removed.
  if (Status undone = UndoTuning(); !undone.ok()) {
    st = st.ok() ? undone : Status(st.code(), st.message() + "; " + undone.message());
  }
  uint64_t others = 0;
  if (st.ok()) st = OnControl([&](mysql::Session& s) { return journal_->Finish(s, &others); });
  if (st.ok() && others > 0) {
    progress_.Warn(std::to_string(others) +
                   " other restore(s) are recorded as running or "
                   "interrupted in " +
                   std::string(kJournalDatabase) +
                   "; drop that database once none is to be resumed");
  }
  progress_.Stop();
  report_->target_changed = targets_changed_ || journal_state_.exists;
  if (!st.ok()) {
    st = NameBlockers(st);
    const bool settings_changed = tuning_ != nullptr && tuning_->pending();
    if (touched_ && !report_->target_changed && control_ != nullptr && !settings_changed) {
      // Stopped before the first drop or create (a lock wait timeout, a cancellation): only
      // the journal's start row was written; take it back, best effort (the killer stopped
      // first, so that a cancellation does not end this too). Kept while --exclusive settings
      // could not be put back: it names their original values for the next run.
      killer_->Stop();
      (void)journal_->Finish(*control_, &others);
      touched_ = false;
    }
    if (!touched_) return Status(st.code(), st.message() + "; nothing was changed on the target");
    return Status(st.code(), st.message() + "; " + StateOfTarget());
  }
  report_->seconds = MonotonicSeconds() - start;
  return Status::Ok();
}

std::string RestoreRun::StateOfTarget() const {
  std::string names;
  for (const auto& d : databases_) names += (names.empty() ? "" : ", ") + d.target;
  return "the target holds a partial restore of " + names + " (" +
         std::to_string(counters_.chunks.load()) + " chunks loaded); run the same command with " +
         "--resume to continue it";
}

void RestoreRun::BeginPhaseProgress(const std::string& phase, uint64_t bytes, uint64_t tables) {
  phase_counters_.raw_bytes.store(0);
  phase_counters_.bytes_total.store(bytes);
  phase_counters_.tables_done.store(0);
  phase_counters_.tables_total.store(tables);
  progress_.Track(&phase_counters_, phase);
  progress_.Start();
}

void RestoreRun::EndPhaseProgress() {
  progress_.Stop();
  progress_.Track(&counters_, "");
}

// A sample restore: every chunk of a table after its first o_.sample_chunks (in chunk order).
void RestoreRun::ChooseSample() {
  std::map<uint32_t, std::vector<uint32_t>> chunks;
  for (const auto& e : source_->index()->members) {
    if (e.info.kind == archive::MemberKind::kData) chunks[e.info.object_id].push_back(e.info.chunk);
  }
  for (auto& [id, list] : chunks) {
    std::sort(list.begin(), list.end());
    for (size_t i = o_.sample_chunks; i < list.size(); ++i) unsampled_.insert({id, list[i]});
  }
}

Status RestoreRun::VerifyArchive() {
  if (plan_.tables_only() && source_ != nullptr && source_->index() != nullptr) {
    if (o_.sample_chunks > 0) ChooseSample();
    return VerifyChosenMembers();
  }
  if (o_.full_verify) return VerifyAllMembers();
  std::error_code ec;
  const uintmax_t size = std::filesystem::file_size(o_.input, ec);
  BeginPhaseProgress("verify", ec ? 0 : size, 0);
  const Status checked = verify::CheckWholeFile(o_.input, VerifyOptionsFor(), &vouched_);
  EndPhaseProgress();
  RETURN_IF_ERROR(checked);
  if (!vouched_) return VerifyAllMembers();
  progress_.Event("archive matches its .sha256");
  return Status::Ok();
}

// Without a database to replace, a restore into a target that lacks them loses nothing if a
// member the .sha256-vouched file holds turns out bad at load time: every member is checked as
// it loads, so the full pass waits for when something on the target would be dropped first.
bool RestoreRun::ReplacesExistingData() const {
  return std::any_of(databases_.begin(), databases_.end(),
                     [](const TargetDatabase& d) { return d.exists; });
}

verify::VerifyOptions RestoreRun::VerifyOptionsFor() {
  verify::VerifyOptions vo;
  vo.cancel = errors_;
  vo.threads = std::max(2, static_cast<int>(std::thread::hardware_concurrency()));
  vo.checked_bytes = &phase_counters_.raw_bytes;
  vo.identity = &o_.identity;
  return vo;
}

Status RestoreRun::VerifyAllMembers() {
  vouched_ = false;
  const verify::VerifyOptions vo = VerifyOptionsFor();
  std::error_code ec;
  const uintmax_t size = std::filesystem::file_size(o_.input, ec);
  progress_.Event("verifying " + o_.input);
  verify::VerifyReport vr;
  BeginPhaseProgress("verify", ec ? 0 : size, 0);
  const Status verified = verify::VerifyArchive(o_.input, vo, &vr);
  EndPhaseProgress();
  RETURN_IF_ERROR(verified);
  progress_.Event("archive verified: " + std::to_string(vr.rows) + " rows in " +
                  std::to_string(vr.data_members) + " chunks" +
                  (vr.sha256_file_checked ? ", .sha256 matches" : ", no .sha256 file"));
  return Status::Ok();
}

// --tables: only the members a restore of the chosen tables reads (their data; every schema and
// post member, which are small) are read and checked against their SHA-256, in parallel, before
// the target is touched; the rest of a big archive is not read at all.
Status RestoreRun::VerifyChosenMembers() {
  std::vector<const archive::MemberEntry*> wanted;
  uint64_t bytes = 0;
  for (const auto& e : source_->index()->members) {
    if (e.info.kind == archive::MemberKind::kData) {
      const archive::ObjectEntry* o = plan_.Object(e.info.object_id);
      if (o == nullptr || !plan_.TableSelected(o->schema, o->name)) continue;
      if (unsampled_.count({e.info.object_id, e.info.chunk}) > 0) continue;
    }
    wanted.push_back(&e);
    bytes += e.info.raw_size;
  }
  std::mutex mu;
  Status first = Status::Ok();
  BeginPhaseProgress("verify", bytes, 0);
  tbb::parallel_for(size_t{0}, wanted.size(), [&](size_t i) {
    if (errors_->cancelled()) return;
    {
      std::lock_guard<std::mutex> l(mu);
      if (!first.ok()) return;
    }
    SourceMember m;
    m.info = wanted[i]->info;
    m.offset = wanted[i]->offset;
    m.entry = wanted[i];
    Status st = source_->Load(&m);
    phase_counters_.raw_bytes.fetch_add(m.info.raw_size, std::memory_order_relaxed);
    std::lock_guard<std::mutex> l(mu);
    if (!st.ok() && first.ok()) first = st;
  });
  EndPhaseProgress();
  if (errors_->cancelled()) return errors_->first();
  RETURN_IF_ERROR(first);
  progress_.Event("checked the " + std::to_string(wanted.size()) +
                  " members the chosen tables need (" +
                  ProgressReporter::HumanBytes(static_cast<double>(bytes)) +
                  " of SQL); the rest of the archive is not read");
  return Status::Ok();
}

Result<bool> RestoreRun::NextMember(SourceMember* m) {
  if (!ahead_.empty()) {
    *m = std::move(ahead_.front());
    ahead_.pop_front();
    return true;
  }
  return source_->Next(m);
}

Status RestoreRun::ReadPrologue() {
  ASSIGN_OR_RETURN(source_, OpenSource(o_.input, &o_.identity));
  SourceMember header;
  ASSIGN_OR_RETURN(bool any, source_->Next(&header));
  if (!any || header.info.kind != archive::MemberKind::kHeader) {
    return Corrupt(source_->name() + " does not start with a header member");
  }
  header_sql_ = std::move(header.payload);
  contents_ = archive::ReadContentsMetadata(
      source_->index() != nullptr ? source_->index()->metadata : HeaderMetadata(header_sql_));
  if (const archive::Index* index = source_->index()) {
    for (const auto& object : index->objects) {
      plan_.AddObject(object);
      if (object.kind == "database") archive_databases_.push_back(object.schema);
    }
    for (const auto& m : index->members) {
      if (m.info.kind == archive::MemberKind::kData)
        table_bytes_[m.info.object_id] += m.info.raw_size;
    }
  } else {
    // A stream: the schema members come first; read them ahead (the databases and tables the
    // confirmation lists). They are small: CREATE statements.
    while (true) {
      SourceMember m;
      ASSIGN_OR_RETURN(bool more, source_->Next(&m));
      if (!more) break;
      const bool schema = m.info.kind == archive::MemberKind::kSchema;
      std::optional<archive::ObjectEntry> object;
      if (schema) {
        ASSIGN_OR_RETURN(object, DescribeSchemaSql(m.info.object_id, m.payload));
        plan_.AddObject(*object);
        source_->Learn(*object);
      }
      ahead_.push_back(std::move(m));
      if (!schema) break;
      if (object->kind == "database") archive_databases_.push_back(object->schema);
    }
  }
  RETURN_IF_ERROR(plan_.SelectTables());
  RETURN_IF_ERROR(plan_.Check(archive_databases_));
  std::string identity = archive::Sha256Hex(archive::Sha256::Of(header_sql_));
  for (const auto& [from, to] : plan_.Databases(archive_databases_)) {
    identity.append("\n").append(from).append("\n").append(to);
  }
  for (const auto& t : o_.tables) identity.append("\ntable ").append(t);
  restore_id_ = archive::Sha256Hex(archive::Sha256::Of(identity));
  settings_.connection = &o_.connection;
  settings_.header_sql = header_sql_;
  settings_.enable_binlog = o_.binlog == Binlog::kEnable;
  settings_.local_infile =
      o_.load_method == LoadMethodChoice::kAuto || o_.load_method == LoadMethodChoice::kLoadData;
  settings_.lock_wait_timeout_s = o_.lock_wait_timeout_s;
  return Status::Ok();
}

Status RestoreRun::LoadData() {
  if (!more_ || pending_.info.kind != archive::MemberKind::kData) return Status::Ok();
  RETURN_IF_ERROR(ReloadNontransactional());
  SessionPool pool;
  for (int i = 0; i < o_.threads; ++i) {
    ASSIGN_OR_RETURN(auto s, ConnectWithRetries(Policy("loader " + std::to_string(i))));
    pool.Add(std::move(s));
  }
  ASSIGN_OR_RETURN(auto packet, ControlQuery("SELECT @@global.max_allowed_packet AS p"));
  mysql::ServerInfo server;
  RETURN_IF_ERROR(OnControl([&](mysql::Session& s) {
    server = s.server();
    return Status::Ok();
  }));
  // innodb_autoinc_lock_mode=2 (MySQL 8's default): LOAD DATA takes no table-level AUTO-INC lock.
  auto lock_mode = ControlQuery("SELECT @@global.innodb_autoinc_lock_mode AS m");
  LoaderInputs in;
  in.source = source_.get();
  in.tables = &tables_;
  // A sample restore skips the chunks after the sample as if they were loaded.
  std::set<std::pair<uint32_t, uint32_t>> skipped = journal_state_.chunks;
  skipped.insert(unsampled_.begin(), unsampled_.end());
  in.committed = &skipped;
  in.journal = journal_.get();
  in.sessions = &pool;
  in.settings = &settings_;
  in.rename = &o_.rename;
  in.method = ChooseLoadMethod(o_.load_method, server);
  in.autoinc_lock_free = lock_mode.ok() && lock_mode->Get(0, "m") == "2";
  in.autoinc_serial = server.SerializesAutoIncrementInserts();
  in.threads = o_.threads;
  in.retries = o_.retries;
  in.max_statement = std::stoull(packet.Get(0, "p"));
  in.counters = &counters_;
  in.progress = &progress_;
  in.errors = errors_;
  progress_.Start();
  Status st = RunDataPhase(in, &pending_, &more_, &loaded_);
  progress_.Stop();
  report_->chunks = loaded_.chunks;
  report_->chunks_skipped = loaded_.skipped;
  report_->retries = loaded_.retries;
  report_->bulk_chunks = loaded_.bulk_chunks;
  report_->load_data_chunks = loaded_.load_data_chunks;
  report_->sql_bytes = loaded_.bytes;
  RETURN_IF_ERROR(st);
  for (const auto& [object_id, table] : tables_) {
    const uint32_t id = object_id;
    if (!table.transactional) {
      RETURN_IF_ERROR(
          OnControl([&](mysql::Session& s) { return journal_->Mark(s, "table", id, 0, 0); }));
    }
  }
  return Status::Ok();
}

Status RunRestore(const RestoreOptions& options, ErrorCollector* errors, RestoreReport* report) {
  if (IsPlainBackup(options.input)) return RunPlainRestore(options, errors, report);
  RETURN_IF_ERROR(options.Validate());
  *report = RestoreReport{};
  RestoreRun run(options, errors, report);
  return run.Run();
}

}  // namespace myvault::restore
