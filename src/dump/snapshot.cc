#include "myvault/dump/snapshot.h"

#include "myvault/common/clock.h"
#include "snapshot_internal.h"

namespace myvault::dump {
namespace {

bool IsGlobalLock(mysql::LockPlan::Kind kind) {
  return kind == mysql::LockPlan::Kind::kBackupStage ||
         kind == mysql::LockPlan::Kind::kFlushTablesWithReadLock;
}

// What the account may do and how the server logs. A query that fails leaves the default that
// costs least if wrong: RELOAD assumed (a refused global lock falls back, see PlanSnapshot), no
// binary log (so no snapshot check).
mysql::SnapshotFacts ReadSnapshotFacts(mysql::Session& session) {
  mysql::SnapshotFacts facts;
  if (Result<mysql::QueryResult> grants = session.Query("SHOW GRANTS"); grants.ok()) {
    std::vector<std::string> lines;
    for (const auto& row : grants->rows) lines.push_back(row.empty() ? "" : row[0].value_or(""));
    facts.reload = mysql::GrantsInclude(lines, "RELOAD");
  }
  Result<mysql::QueryResult> binlog = session.Query(session.server().BinlogSettingsQuery());
  if (binlog.ok() && !binlog->rows.empty() && binlog->rows[0].size() >= 3) {
    const mysql::Row& row = binlog->rows[0];
    facts.binlog = row[0].value_or("0") == "1";
    facts.binlog_has_every_commit = row[1].value_or("0") == "1" || row[2].value_or("").empty();
  }
  return facts;
}

}  // namespace

Result<SnapshotPlan> PlanSnapshot(mysql::Session& lock_session, const SnapshotRequest& request) {
  mysql::LockPlanRequest r{request.method, request.has_nontransactional, request.tables,
                           ReadSnapshotFacts(lock_session)};
  SnapshotPlan out;
  out.lock_wait_timeout_s = request.lock_wait_timeout_s;
  ASSIGN_OR_RETURN(out.plan, mysql::ChooseLockPlan(lock_session.server(), r));
  if (request.method == mysql::SnapshotMethod::kAuto && IsGlobalLock(out.plan.kind)) {
    // Some managed servers refuse the global lock to an account whose grants name RELOAD.
    r.facts.reload = false;
    ASSIGN_OR_RETURN(out.if_denied, mysql::ChooseLockPlan(lock_session.server(), r));
  }
  return out;
}

Status Snapshot::LineUp(const std::vector<mysql::Session*>& sessions, const SnapshotPlan& setup,
                        const mysql::ConnectionOptions& options, const ErrorCollector* errors) {
  info_.attempts = 0;
  if (plan_.kind == mysql::LockPlan::Kind::kSnapshotCheck) {
    BinlogPosition pos;
    RETURN_IF_ERROR(
        OpenMatchingSnapshots(sessions, setup.lock_wait_timeout_s, errors, &pos, &info_.attempts));
    info_.binlog_file = pos.file;
    info_.binlog_position = pos.position;
    return Status::Ok();
  }
  RETURN_IF_ERROR(
      TakeLock(lock_session_, plan_, options, setup.lock_wait_timeout_s, errors, &info_.attempts));
  {
    std::lock_guard<std::mutex> l(mu_);
    held_ = !plan_.release.empty();
    acquired_at_ = MonotonicSeconds();
  }
  for (mysql::Session* s : sessions) {
    RETURN_IF_ERROR(s->Execute("START TRANSACTION /*!40108 WITH CONSISTENT SNAPSHOT */"));
  }
  return Status::Ok();
}

// The binlog file/position and GTID position that go with the snapshot.
Status Snapshot::ReadPosition(const std::vector<mysql::Session*>& sessions) {
  if (plan_.kind == mysql::LockPlan::Kind::kSnapshotCheck) return Status::Ok();  // LineUp did
  if (plan_.position_from_snapshot) {
    ASSIGN_OR_RETURN(BinlogPosition pos, SnapshotPosition(*sessions.front()));
    info_.binlog_file = pos.file;
    info_.binlog_position = pos.position;
    return Status::Ok();
  }
  // An account without BINLOG MONITOR / REPLICATION CLIENT gets no position rather than no dump.
  Result<mysql::QueryResult> binlog =
      lock_session_.Query(lock_session_.server().BinlogStatusQuery());
  if (!binlog.ok() && binlog.status().code() != StatusCode::kAuth) return binlog.status();
  if (binlog.ok() && !binlog->rows.empty()) {
    info_.binlog_file = binlog->Get(0, "File");
    info_.binlog_position = binlog->Get(0, "Position");
    std::string executed = binlog->Get(0, "Executed_Gtid_Set");
    if (!executed.empty()) info_.gtid_position = executed;
  }
  std::string gtid_query = lock_session_.server().GtidPositionQuery();
  if (!gtid_query.empty() && info_.gtid_position.empty()) {
    auto g = lock_session_.Query(gtid_query);
    if (g.ok() && !g->rows.empty()) info_.gtid_position = g->rows[0][0].value_or("");
  }
  return Status::Ok();
}

Result<std::unique_ptr<Snapshot>> Snapshot::Begin(mysql::Session& lock_session,
                                                  const std::vector<mysql::Session*>& sessions,
                                                  const SnapshotPlan& setup,
                                                  const mysql::ConnectionOptions& options,
                                                  const ErrorCollector* errors,
                                                  const UnderLock& under_lock) {
  std::unique_ptr<Snapshot> snap(new Snapshot(lock_session, setup.plan));
  const std::string wait =
      "SET SESSION lock_wait_timeout = " + std::to_string(std::max(1, setup.lock_wait_timeout_s));
  RETURN_IF_ERROR(lock_session.Execute(wait));
  for (mysql::Session* s : sessions) {
    RETURN_IF_ERROR(s->Execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ"));
    // A worker's read can wait for a table lock (LOCK TABLES ... WRITE elsewhere): bounded too.
    RETURN_IF_ERROR(s->Execute(wait));
  }
  Status lined_up = snap->LineUp(sessions, setup, options, errors);
  if (lined_up.code() == StatusCode::kAuth && setup.if_denied.has_value()) {
    // Refused before anything was locked: the method for an account without RELOAD instead.
    snap->plan_ = *setup.if_denied;
    snap->plan_.reason = "the server refused the global lock: " + lined_up.message();
    lined_up = snap->LineUp(sessions, setup, options, errors);
  }
  RETURN_IF_ERROR(lined_up);
  if (Status st = snap->Finish(sessions, under_lock); !st.ok()) {
    (void)snap->ReleaseLock();  // writes resume now, not when the connection closes
    return st;
  }
  return snap;
}

Status Snapshot::Finish(const std::vector<mysql::Session*>& sessions, const UnderLock& under_lock) {
  info_.method = plan_.Describe();
  info_.position_exact = plan_.PositionExact();
  RETURN_IF_ERROR(ReadPosition(sessions));
  RETURN_IF_ERROR(under_lock(plan_));
  for (const auto& stmt : plan_.after_snapshot) {
    // LOCK INSTANCE FOR BACKUP needs BACKUP_ADMIN; without it DDL is simply not blocked.
    (void)lock_session_.Execute(stmt);
  }
  if (lock_held()) {
    info_.lock_seconds = MonotonicSeconds() - acquired_at_;  // writes held
    if (!plan_.hold_until_nontransactional_done) RETURN_IF_ERROR(ReleaseLock());
  }
  const std::string gtid_sql =
      lock_session_.server().GtidAtBinlogPositionSql(info_.binlog_file, info_.binlog_position);
  if (plan_.position_from_snapshot && !info_.binlog_file.empty() && !gtid_sql.empty()) {
    // Reads the binlog up to the position: after the release, so writes do not wait for it.
    auto g = sessions.front()->Query(gtid_sql);
    if (g.ok() && !g->rows.empty()) info_.gtid_position = g->rows[0][0].value_or("");
  }
  return Status::Ok();
}

Status Snapshot::ReleaseLock() {
  std::lock_guard<std::mutex> l(mu_);
  if (!held_) return Status::Ok();
  for (const auto& stmt : plan_.release) {
    RETURN_IF_ERROR(lock_session_.Execute(stmt).WithContext("releasing the backup lock"));
  }
  held_ = false;
  held_seconds_ = MonotonicSeconds() - acquired_at_;
  return Status::Ok();
}

bool Snapshot::lock_held() const {
  std::lock_guard<std::mutex> l(mu_);
  return held_;
}

double Snapshot::held_seconds() const {
  std::lock_guard<std::mutex> l(mu_);
  return held_ ? MonotonicSeconds() - acquired_at_ : held_seconds_;
}

}  // namespace myvault::dump
