// The no-RELOAD methods at the seam itself: dump::Snapshot lines up eight real sessions, round
// after round, while transfers commit (bank.h); every session of a round must see the same
// newest transfer. The whole-dump tests (snapshot_noreload_test.cc) need a transfer to fall
// between two snapshots AND its rows to be read by two workers that saw it differently; here any
// difference between the sessions' snapshots shows, so a method that did not line them up
// (snapshots opened back to back with no lock and no check) fails within a few rounds.
#include "bank.h"
#include "myvault/dump/catalog.h"
#include "myvault/dump/snapshot.h"

namespace myvault::it {
namespace {

constexpr int kSessions = 8;
constexpr int kRounds = 8;

class SnapshotLineUp : public BankTest {
 protected:
  mysql::ConnectionOptions Options() const {
    mysql::ConnectionOptions o;
    o.host = source_config_.host;
    o.port = source_config_.port;
    o.socket = source_config_.socket;
    o.user = source_config_.user;
    o.password = source_config_.password;
    return o;
  }

  // One round: lines the sessions up with `method`, reads what each sees, lets them go.
  void Round(mysql::SnapshotMethod method, mysql::Session& lock,
             const std::vector<mysql::Session*>& sessions, std::string* describe) {
    dump::SnapshotRequest request;
    request.method = method;
    request.tables = {{"bank_a", "accounts"}, {"bank_a", "transfers"}, {"bank_b", "accounts"}};
    request.lock_wait_timeout_s = 30;
    ASSERT_OK_AND_ASSIGN(dump::SnapshotPlan plan, dump::PlanSnapshot(lock, request));
    ErrorCollector errors;
    ASSERT_OK_AND_ASSIGN(
        auto snapshot, dump::Snapshot::Begin(lock, sessions, plan, Options(), &errors,
                                             [](const mysql::LockPlan&) { return Status::Ok(); }));
    *describe = snapshot->info().method;
    std::vector<std::string> newest;
    for (mysql::Session* s : sessions) {
      ASSERT_OK_AND_ASSIGN(mysql::QueryResult r,
                           s->Query("SELECT COALESCE(MAX(id), 0) FROM bank_a.transfers"));
      newest.push_back(r.rows.at(0).at(0).value_or(""));
    }
    ASSERT_OK(snapshot->ReleaseLock());
    for (mysql::Session* s : sessions) ASSERT_OK(s->Execute("COMMIT"));
    for (const std::string& n : newest) {
      EXPECT_EQ(n, newest.front()) << "the sessions' snapshots differ (" << *describe << ")";
    }
  }

  void ExpectLinedUp(mysql::SnapshotMethod method, const std::string& describe_prefix) {
    SetUpBanks();
    if (HasFatalFailure()) return;
    TransferWriter writer(source_config_);
    writer.Start();
    writer.WaitForMore(100);
    ASSERT_OK_AND_ASSIGN(auto lock, mysql::Session::Connect(Options(), "lock connection"));
    std::vector<std::unique_ptr<mysql::Session>> owned;
    std::vector<mysql::Session*> sessions;
    for (int i = 0; i < kSessions; ++i) {
      ASSERT_OK_AND_ASSIGN(auto s, mysql::Session::Connect(Options(), "session"));
      sessions.push_back(s.get());
      owned.push_back(std::move(s));
    }
    for (int round = 0; round < kRounds && !HasFailure(); ++round) {
      std::string describe;
      Round(method, *lock, sessions, &describe);
      EXPECT_EQ(describe.rfind(describe_prefix, 0), 0u) << describe;
      writer.WaitForMore(20);
    }
    writer.Stop();
    EXPECT_OK(writer.status());  // no transfer was rolled back (a deadlock victim, say)
  }
};

TEST_F(SnapshotLineUp, SnapshotCheckGivesEverySessionTheSameSnapshot) {
  ExpectLinedUp(mysql::SnapshotMethod::kSnapshotCheck, "snapshot check");
}

TEST_F(SnapshotLineUp, LockTablesGivesEverySessionTheSameSnapshot) {
  ExpectLinedUp(mysql::SnapshotMethod::kLockTables, "LOCK TABLES READ on the 3 dumped table(s)");
}

// A table created after the catalog was read and before the lock is not among the tables LOCK
// TABLES names, so its rows could not be read consistently: the recheck under the lock refuses
// it (a global lock covers it, and then the fresh catalog is used). The lock is released at once.
TEST_F(SnapshotLineUp, LockTablesRefusesATableThatAppearedBeforeTheLock) {
  SetUpBanks();
  if (HasFatalFailure()) return;
  ASSERT_OK_AND_ASSIGN(auto lock, mysql::Session::Connect(Options(), "lock connection"));
  ASSERT_OK_AND_ASSIGN(auto planner, mysql::Session::Connect(Options(), "planner"));
  dump::Selection selection;
  selection.databases = {"bank_a", "bank_b"};
  ASSERT_OK_AND_ASSIGN(dump::Catalog cat, dump::LoadCatalog(*planner, selection));
  ASSERT_OK(source_->Exec("CREATE TABLE bank_b.late (id INT PRIMARY KEY) ENGINE = InnoDB"));
  ASSERT_OK(source_->Exec("SET SESSION lock_wait_timeout = 5"));  // a lock left held fails fast
  for (auto method :
       {mysql::SnapshotMethod::kLockTables, mysql::SnapshotMethod::kFlushTablesWithReadLock}) {
    dump::SnapshotRequest request;
    request.method = method;
    request.tables = dump::ContentTables(cat);
    request.lock_wait_timeout_s = 10;
    ASSERT_OK_AND_ASSIGN(dump::SnapshotPlan plan, dump::PlanSnapshot(*lock, request));
    ErrorCollector errors;
    dump::Catalog seen = cat;
    auto snapshot = dump::Snapshot::Begin(
        *lock, {planner.get()}, plan, Options(), &errors, [&](const mysql::LockPlan& p) {
          return dump::RecheckCatalog(*planner, selection, &seen,
                                      p.kind == mysql::LockPlan::Kind::kLockTables);
        });
    if (method == mysql::SnapshotMethod::kLockTables) {
      ASSERT_FALSE(snapshot.ok()) << "a table outside LOCK TABLES was accepted";
      EXPECT_NE(snapshot.status().message().find("`bank_b`.`late`"), std::string::npos)
          << snapshot.status().message();
    } else {
      ASSERT_TRUE(snapshot.ok()) << snapshot.status().message();
      EXPECT_EQ(seen.tables.size(), cat.tables.size() + 1);
      ASSERT_OK((*snapshot)->ReleaseLock());
    }
    ASSERT_OK(planner->Execute("ROLLBACK"));
    // Released: another session can write the banks.
    ASSERT_OK(source_->Exec("UPDATE bank_a.accounts SET balance = balance WHERE id = 1"));
  }
}

}  // namespace
}  // namespace myvault::it
