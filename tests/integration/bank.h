// The bank: money moves between two databases (bank_a.accounts, bank_b.accounts) in one
// transaction per transfer, each logged in bank_a.transfers, while a dump runs. A replay of a
// consistent dump holds exactly the invariant total, every balance agrees with the log, and the
// log holds every transfer committed before the dump began and none committed after it ended.
// Four dump threads read different chunks of both banks at different moments, so a dump
// without one shared snapshot loses or duplicates transfers.
//
// BankTest is the fixture; TransferWriter runs the transfers on its own thread and connection,
// and fails (stopping) on any error, so a dump that makes the server roll back an application
// transaction (a deadlock victim) fails the test too.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "fixture.h"

namespace myvault::it {

inline constexpr int kBankAccounts = 50000;  // per bank
inline constexpr long kInitialBalance = 1000;

enum class TransferStyle {
  kLogged,        // a transaction: two UPDATEs (in random bank order) and the log row
  kOneStatement,  // one autocommit UPDATE, no log: the total holds even across engines
};

class TransferWriter {
 public:
  explicit TransferWriter(const ServerConfig& server, TransferStyle style = TransferStyle::kLogged)
      : server_(server), style_(style) {}
  ~TransferWriter() { Stop(); }

  void Start();
  void Stop();
  long committed() const { return committed_; }
  bool failed() const { return failed_; }
  const Status& status() const { return status_; }  // read after Stop()
  // Waits until `count` more transfers have committed (or the writer failed).
  void WaitForMore(long count);

 private:
  void Run();

  ServerConfig server_;
  TransferStyle style_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> failed_{false};
  std::atomic<long> committed_{0};
  Status status_;
};

// Creates the two banks afresh on `server` (kBankAccounts accounts each at kInitialBalance, an
// empty transfer log).
Status CreateBanks(TestServer& server);
// The query counting the accounts whose balance disagrees with the transfer log (0 when each
// logged transfer is applied exactly once).
const char* BankDisagreementsQuery();

// What a replayed bank dump looks like.
struct BankState {
  long committed_before = 0;  // transfers committed when the dump started
  long committed_after = 0;   // ... and when it ended
  std::string total;          // SUM(balance) over both banks
  std::string disagreeing;    // accounts whose balance disagrees with the log
  long logged = 0;            // transfers in the replayed log
};

class BankTest : public ServerPairTest {
 protected:
  using DumpFn = std::function<void(const std::string& archive, TransferWriter& writer)>;

  // Creates both banks afresh on the source, then runs `extra_setup` (e.g. to change an engine).
  void SetUpBanks(const std::string& extra_setup = "");
  // Sets up the banks (SetUpBanks), starts the transfers, runs `dump` (which writes `archive`)
  // while they run, stops them, replays the archive into the target and reads the replayed state.
  void DumpDuringTransfers(const DumpFn& dump, BankState* state,
                           const std::string& extra_setup = "",
                           TransferStyle style = TransferStyle::kLogged);
  // The checks of a consistent dump, for a run that was expected to succeed (the log checks
  // only with logged transfers).
  void ExpectConsistent(const BankState& state, TransferStyle style = TransferStyle::kLogged);
  // mariadb-dump of `dbs` appended to `archive` (gzip members concatenate).
  void MariadbDump(const std::string& archive, const std::vector<std::string>& dbs);

  const std::string kInvariant = std::to_string(2 * kBankAccounts * kInitialBalance);
};

}  // namespace myvault::it
