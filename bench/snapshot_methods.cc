// snapshot_methods: how the ways of lining up a dump's snapshots without RELOAD behave while
// bank transfers commit (run by bench/snapshot_methods.sh against a throwaway server).
//
//   snapshot_methods SOCKET transfers METHOD WRITERS ROUNDS   one line: METHOD under WRITERS
//   snapshot_methods SOCKET tables N                          seconds LOCK TABLES takes on N tables
//
// METHOD is myvault's `lock-tables` or `snapshot-check` (dump::PlanSnapshot + Snapshot::Begin,
// eight sessions, as a dump with --threads 7 would) or `lock-tables-wait`, the plain waiting
// LOCK TABLES ... READ that myvault does not use. Each writer moves money between
// bank_a.accounts and bank_b.accounts, one transaction per transfer, in random order, and counts
// the transactions the server rolled back as deadlock victims. The setup (the banks, the N
// tables of `many`) is the script's. A measurement, not a test.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "myvault/dump/snapshot.h"
#include "myvault/mysql/session.h"

namespace myvault {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kSessions = 8;
constexpr int kTimeoutSeconds = 10;

struct Counters {
  std::atomic<bool> stop{false};
  std::atomic<long> commits{0}, deadlocks{0}, other_errors{0};
};

void Transfers(const mysql::ConnectionOptions& options, int seed, Counters* c) {
  auto s = mysql::Session::Connect(options, "writer");
  if (!s.ok()) {
    ++c->other_errors;
    return;
  }
  std::mt19937 rng(seed);
  while (!c->stop) {
    const bool a_to_b = rng() % 2 == 0;
    const std::string from = a_to_b ? "a" : "b", to = a_to_b ? "b" : "a";
    const std::string from_id = std::to_string(rng() % 50000 + 1);
    const std::string to_id = std::to_string(rng() % 50000 + 1);
    Status st = (*s)->Execute("START TRANSACTION");
    if (st.ok()) {
      st = (*s)->Execute("UPDATE bank_" + from +
                         ".accounts SET balance = balance - 1 WHERE id = " + from_id);
    }
    if (st.ok()) {
      st = (*s)->Execute("UPDATE bank_" + to +
                         ".accounts SET balance = balance + 1 WHERE id = " + to_id);
    }
    if (st.ok()) st = (*s)->Execute("COMMIT");
    if (st.ok()) {
      ++c->commits;
      continue;
    }
    (void)(*s)->Execute("ROLLBACK");
    ++(st.server_errno() == 1213 ? c->deadlocks : c->other_errors);
  }
}

// One round of a method; returns false when the sessions were not lined up within the timeout.
bool Round(const std::string& method, const mysql::ConnectionOptions& options, mysql::Session& lock,
           const std::vector<mysql::Session*>& sessions, int* attempts) {
  if (method == "lock-tables-wait") {
    *attempts = 1;
    if (!lock.Execute("SET SESSION lock_wait_timeout = " + std::to_string(kTimeoutSeconds)).ok() ||
        !lock.Execute("LOCK TABLES bank_a.accounts READ, bank_b.accounts READ").ok()) {
      return false;
    }
    for (mysql::Session* s : sessions)
      (void)s->Execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
    (void)lock.Execute("UNLOCK TABLES");
  } else {
    dump::SnapshotRequest request;
    request.method = method == "lock-tables" ? mysql::SnapshotMethod::kLockTables
                                             : mysql::SnapshotMethod::kSnapshotCheck;
    request.tables = {{"bank_a", "accounts"}, {"bank_b", "accounts"}};
    request.lock_wait_timeout_s = kTimeoutSeconds;
    auto plan = dump::PlanSnapshot(lock, request);
    if (!plan.ok()) return false;
    ErrorCollector errors;
    auto snap = dump::Snapshot::Begin(lock, sessions, *plan, options, &errors,
                                      [](const mysql::LockPlan&) { return Status::Ok(); });
    if (!snap.ok()) return false;
    *attempts = (*snap)->info().attempts;
  }
  for (mysql::Session* s : sessions) (void)s->Execute("COMMIT");
  return true;
}

int RunTransfers(const mysql::ConnectionOptions& options, const std::string& method, int writers,
                 int rounds) {
  Counters c;
  std::vector<std::thread> threads;
  for (int i = 0; i < writers; ++i) threads.emplace_back(Transfers, options, i + 1, &c);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  auto lock = mysql::Session::Connect(options, "lock connection");
  std::vector<std::unique_ptr<mysql::Session>> owned;
  std::vector<mysql::Session*> sessions;
  for (int i = 0; i < kSessions && lock.ok(); ++i) {
    auto s = mysql::Session::Connect(options, "session");
    if (!s.ok()) break;
    sessions.push_back(s->get());
    owned.push_back(std::move(*s));
  }
  std::vector<double> seconds;
  long attempts_total = 0;
  int failed = 0;
  const long commits_before = c.commits;
  const auto t0 = Clock::now();
  for (int r = 0; r < rounds && lock.ok() && sessions.size() == kSessions; ++r) {
    const auto start = Clock::now();
    int attempts = 0;
    if (Round(method, options, **lock, sessions, &attempts)) {
      seconds.push_back(std::chrono::duration<double>(Clock::now() - start).count());
    } else {
      ++failed;
    }
    attempts_total += attempts;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  c.stop = true;
  for (auto& t : threads) t.join();
  std::sort(seconds.begin(), seconds.end());
  std::printf("| %s | %d | %.0f | %zu/%d | %.1f | %.3f | %.3f | %ld | %ld |\n", method.c_str(),
              writers, static_cast<double>(c.commits - commits_before) / elapsed, seconds.size(),
              rounds, static_cast<double>(attempts_total) / rounds,
              seconds.empty() ? 0.0 : seconds[seconds.size() / 2],
              seconds.empty() ? 0.0 : seconds.back(), c.deadlocks.load(), c.other_errors.load());
  return c.other_errors == 0 ? 0 : 1;
}

int RunTables(const mysql::ConnectionOptions& options, int n) {
  auto lock = mysql::Session::Connect(options, "lock connection");
  if (!lock.ok()) return 1;
  std::string sql = "LOCK TABLES ";
  for (int i = 1; i <= n; ++i) sql += (i > 1 ? ", many.t" : "many.t") + std::to_string(i) + " READ";
  const auto start = Clock::now();
  if (!(*lock)->Execute(sql + " NOWAIT").ok()) return 1;
  const double s = std::chrono::duration<double>(Clock::now() - start).count();
  (void)(*lock)->Execute("UNLOCK TABLES");
  std::printf("| %d | %.3f |\n", n, s);
  return 0;
}

}  // namespace
}  // namespace myvault

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s SOCKET transfers METHOD WRITERS ROUNDS | tables N\n", argv[0]);
    return 2;
  }
  myvault::mysql::ConnectionOptions options;
  options.socket = argv[1];
  options.user = "root";
  const std::string mode = argv[2];
  if (mode == "tables") return myvault::RunTables(options, std::stoi(argv[3]));
  if (mode == "transfers" && argc == 6) {
    return myvault::RunTransfers(options, argv[3], std::stoi(argv[4]), std::stoi(argv[5]));
  }
  std::fprintf(stderr, "%s: bad arguments\n", argv[0]);
  return 2;
}
