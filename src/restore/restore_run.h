// The state of one restore while it runs, shared by its phases (private to src/restore/).
//
// RestoreRun walks the archive's members once, in file order: header, schema members, data
// members (handed to the loader), post members, footer. `pending` holds the member the next
// phase starts with. Phases live in restorer.cc (sequencing), prepare.cc (target inspection and
// confirmation), guard.cc and privileges.cc (the restore lock, the binary log, the privileges
// and the sessions using the targets, checked before the confirmation; the main connection,
// reopened when lost) and phases.cc (schema, indexes, post, check).
//
// Thread safety: used by the restore's main thread; the loader threads see only what
// LoaderInputs hands them.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "myvault/archive/contents.h"
#include "myvault/mysql/activity.h"
#include "myvault/mysql/killer.h"
#include "myvault/restore/restorer.h"
#include "myvault/verify/verify.h"
#include "restore/accounts.h"
#include "restore/inventory.h"
#include "restore/journal.h"
#include "restore/loader.h"
#include "restore/plan.h"
#include "restore/reconnect.h"
#include "restore/source.h"
#include "restore/target.h"
#include "restore/tuning.h"

namespace myvault::restore {

struct TargetDatabase {
  std::string source, target;
  bool exists = false;
  uint64_t bytes = 0;  // data + index length on the target now
  uint64_t tables = 0;
  std::vector<DbObject> objects;  // on the target now
  DatabasePlan plan;              // what the restore does to it (PlanTargets)
};

// The "-- key: value" comment lines at the start of an archive's header member, unescaped: the
// metadata a stream's restore knows before the index arrives.
std::vector<std::pair<std::string, std::string>> HeaderMetadata(std::string_view header_sql);

class RestoreRun {
 public:
  RestoreRun(const RestoreOptions& o, ErrorCollector* errors, RestoreReport* report);
  Status Run();

 private:
  // restorer.cc
  Status Phase(const char* name, Status (RestoreRun::*fn)());
  Status VerifyArchive();
  Status VerifyAllMembers();  // as `myvault verify`
  verify::VerifyOptions VerifyOptionsFor();
  // After Prepare: whether an archive FILE.sha256 vouched for still gets VerifyAllMembers before
  // the target changes (a database of the target is to be replaced).
  bool ReplacesExistingData() const;
  Status VerifyChosenMembers();  // --tables
  void ChooseSample();           // RestoreOptions::sample_chunks: fills unsampled_
  // The progress line of a phase other than the data's (bytes when `bytes` > 0, else tables),
  // from phase_counters_, until EndPhaseProgress.
  void BeginPhaseProgress(const std::string& phase, uint64_t bytes, uint64_t tables);
  void EndPhaseProgress();
  Status ReadPrologue();
  Result<bool> NextMember(SourceMember* m);  // read-ahead queue first, then the source
  Status LoadData();
  std::string StateOfTarget() const;
  // prepare.cc
  Status Prepare();
  Status InspectTarget();
  Status ReadTargetObjects(const std::string& in_list);
  void PlanTargets();
  std::vector<DbObject> ArchiveObjects(const std::string& source) const;
  std::string Summary() const;
  Status Confirm();
  Status StartJournal();
  // --exclusive: tunes the server for the load (or, on a resume without it, puts back what an
  // interrupted run tuned); UndoTuning puts the values back on a connection of its own.
  Status StartTuning();
  Status UndoTuning();
  // guard.cc
  Result<std::unique_ptr<mysql::Session>> ConnectControl();  // with the restore locks
  ReconnectPolicy Policy(const std::string& role);           // for a load session
  // Runs fn on the main connection, reopening it (and re-taking the locks) when it is lost.
  Status OnControl(const std::function<Status(mysql::Session&)>& fn);
  Result<mysql::QueryResult> ControlQuery(const std::string& sql);
  Status Guard();                     // binary log, privileges, sessions: before the confirmation
  std::string SafetySummary() const;  // the lines Guard() adds to the confirmation
  Status NameBlockers(const Status& st);  // a lock wait timeout: who may hold the lock
  // privileges.cc
  // `known_gap`: a privilege found missing already (by trying it), reported with the others.
  Status CheckPrivileges(bool binlog_on, const std::string& known_gap);
  Result<std::vector<std::string>> OtherDefiners(const std::string& account);
  // users.cc (--users)
  bool IsAccountMember(const SourceMember& m) const;
  void CountAccounts();   // the archive's accounts, from its index or its header
  Status PlanAccounts();  // before the confirmation: how many, and (a file) what happens to each
  Status LoadAccount(const SourceMember& m);  // in the post phase
  // phases.cc
  Status Schema();
  Status ClassifyTables();
  Status PlanDeferredIndexes();
  Status ReloadNontransactional();
  Status Indexes();
  bool PostWanted(const std::string& schema, const std::string& sql) const;
  Status Post();
  Status Check();

  const RestoreOptions& o_;
  ErrorCollector* errors_;
  RestoreReport* report_;
  ProgressCounters counters_;
  ProgressCounters phase_counters_;  // verify, indexes, check (BeginPhaseProgress)
  ProgressReporter progress_;

  std::unique_ptr<MemberSource> source_;
  std::deque<SourceMember> ahead_;  // members read ahead (stdin: the database members)
  SourceMember pending_;
  bool more_ = false;
  std::string header_sql_;
  std::string restore_id_;
  std::vector<std::string> archive_databases_;
  archive::ArchiveContents contents_;  // what the archive holds of each database
  Plan plan_;

  LoadSessionSettings settings_;
  std::unique_ptr<mysql::QueryKiller> killer_;  // before control_: outlives every session
  std::unique_ptr<mysql::Session> control_;
  bool binlog_off_ = false;
  std::string replication_line_;  // "binary log: ..." for the confirmation
  mysql::Activity activity_;      // sessions using the databases to be replaced
  std::vector<TargetDatabase> databases_;
  std::unique_ptr<Journal> journal_;
  JournalState journal_state_;
  std::set<std::pair<uint32_t, uint32_t>> unsampled_;  // (object, chunk) a sample leaves out
  std::map<uint32_t, std::string> recorded_tunings_;   // by an interrupted run (the journal)
  std::unique_ptr<BulkLoadTuning> tuning_;
  bool touched_ = false;          // the target has been changed (the journal at least)
  bool vouched_ = false;          // FILE.sha256 matched; members not yet checked one by one
  bool targets_changed_ = false;  // a target database has been dropped or created into

  std::map<uint32_t, LoadTable> tables_;      // selected tables by object id
  std::map<uint32_t, uint64_t> table_bytes_;  // SQL bytes per table (file sources)
  std::map<uint32_t, std::string> deferred_;  // object id -> encoded ADD clauses
  std::map<uint32_t, uint64_t> loaded_rows_;  // from the loader
  LoaderResult loaded_;

  long long archive_accounts_ = 0;          // accounts in the archive (-1: not known)
  std::vector<AccountStep> account_steps_;  // planned (an archive file with --users)
  bool account_steps_known_ = false;
  bool role_replaced_ = false;  // a replaced role left its grantees: re-grant to the unchanged
  std::string current_user_;    // CURRENT_USER() on the target
};

}  // namespace myvault::restore
