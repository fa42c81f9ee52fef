#include "bank.h"

#include <random>

namespace myvault::it {
namespace {

constexpr char kBankSetup[] = R"sql(
DROP DATABASE IF EXISTS bank_a; DROP DATABASE IF EXISTS bank_b;
CREATE DATABASE bank_a; CREATE DATABASE bank_b; USE bank_a;
CREATE TABLE bank_a.accounts (id INT PRIMARY KEY, balance BIGINT NOT NULL,
  owner CHAR(100) NOT NULL) ENGINE = InnoDB;
CREATE TABLE bank_b.accounts LIKE bank_a.accounts;
CREATE TABLE bank_a.transfers (id BIGINT AUTO_INCREMENT PRIMARY KEY, from_bank CHAR(1) NOT NULL,
  from_id INT NOT NULL, to_bank CHAR(1) NOT NULL, to_id INT NOT NULL, amount INT NOT NULL)
  ENGINE = InnoDB;
INSERT INTO bank_a.accounts SELECT seq, 1000, CONCAT('owner a', seq) FROM seq_1_to_50000;
INSERT INTO bank_b.accounts SELECT seq, 1000, CONCAT('owner b', seq) FROM seq_1_to_50000;
)sql";

// Accounts whose balance is not 1000 plus what the log says flowed in, minus what flowed out.
constexpr char kLogDisagreements[] = R"sql(
SELECT COUNT(*) FROM
  (SELECT 'a' AS bank, id, balance FROM bank_a.accounts
   UNION ALL SELECT 'b', id, balance FROM bank_b.accounts) acc
  LEFT JOIN
  (SELECT bank, id, SUM(delta) AS net FROM
     (SELECT from_bank AS bank, from_id AS id, -amount AS delta FROM bank_a.transfers
      UNION ALL SELECT to_bank, to_id, amount FROM bank_a.transfers) d
   GROUP BY bank, id) flow
  ON flow.bank = acc.bank AND flow.id = acc.id
WHERE acc.balance <> 1000 + COALESCE(flow.net, 0)
)sql";

// Transfer `i` of the one-statement style: even ones move `n` from bank_a's account `a` to
// bank_b's `b` (a multi-table UPDATE), odd ones from `a` to `b` inside bank_b alone (a writer of
// that table only). Either keeps the total at every moment, whatever the engines.
std::string OneStatementTransfer(long i, const std::string& a, const std::string& b,
                                 const std::string& n) {
  if (i % 2 == 0) {
    return "UPDATE bank_a.accounts x JOIN bank_b.accounts y ON x.id = " + a + " AND y.id = " + b +
           " SET x.balance = x.balance - (" + n + "), y.balance = y.balance + (" + n + ")";
  }
  return "UPDATE bank_b.accounts SET balance = balance + IF(id = " + b + ", (" + n + "), -(" + n +
         ")) WHERE id IN (" + a + ", " + b + ") AND " + a + " <> " + b;
}

}  // namespace

Status CreateBanks(TestServer& server) { return server.Exec(kBankSetup); }

const char* BankDisagreementsQuery() { return kLogDisagreements; }

void TransferWriter::Start() {
  thread_ = std::thread([this] { Run(); });
}

void TransferWriter::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void TransferWriter::WaitForMore(long count) {
  const long target = committed_ + count;
  for (int i = 0; i < 6000 && committed_ < target && !failed_; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

// Moves random amounts between a random account of one bank and one of the other, one
// transaction per transfer (both updates and the log row), until stopped.
void TransferWriter::Run() {
  Result<std::unique_ptr<TestServer>> conn = TestServer::Connect(server_);
  if (!conn.ok()) {
    status_ = conn.status();
    failed_ = true;
    return;
  }
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> account(1, kBankAccounts), amount(1, 100);
  for (long i = 0; !stop_; ++i) {
    const bool a_to_b = rng() % 2 == 0;
    const std::string from = a_to_b ? "a" : "b", to = a_to_b ? "b" : "a";
    const std::string from_id = std::to_string(account(rng));
    const std::string to_id = std::to_string(account(rng));
    const std::string n = std::to_string(amount(rng));
    if (style_ == TransferStyle::kOneStatement) {
      status_ = (*conn)->Exec(OneStatementTransfer(i, from_id, to_id, a_to_b ? n : "-" + n));
    } else {
      status_ = (*conn)->Exec(
          "START TRANSACTION; UPDATE bank_" + from + ".accounts SET balance = balance - " + n +
          " WHERE id = " + from_id + "; UPDATE bank_" + to + ".accounts SET balance = balance + " +
          n + " WHERE id = " + to_id +
          "; INSERT INTO bank_a.transfers (from_bank, from_id, "
          "to_bank, to_id, amount) VALUES ('" +
          from + "', " + from_id + ", '" + to + "', " + to_id + ", " + n + "); COMMIT");
    }
    if (!status_.ok()) {
      failed_ = true;
      return;
    }
    ++committed_;
  }
}

void BankTest::SetUpBanks(const std::string& extra_setup) {
  ASSERT_OK(CreateBanks(*source_));
  if (!extra_setup.empty()) ASSERT_OK(source_->Exec(extra_setup));
}

void BankTest::DumpDuringTransfers(const DumpFn& dump, BankState* state,
                                   const std::string& extra_setup, TransferStyle style) {
  SetUpBanks(extra_setup);
  if (HasFatalFailure()) return;
  TransferWriter writer(source_config_, style);
  writer.Start();
  writer.WaitForMore(100);
  const std::string archive = dir_->Join("bank.sql.gz");
  state->committed_before = writer.committed();
  dump(archive, writer);
  state->committed_after = writer.committed();
  writer.Stop();
  ASSERT_OK(writer.status());
  if (HasFatalFailure()) return;
  ASSERT_GE(state->committed_before, 100) << "the transfer writer did not get going";
  ASSERT_OK(ReplayIntoTarget(archive, {"bank_a", "bank_b"}));
  ASSERT_OK_AND_ASSIGN(state->total,
                       target_->QueryValue("SELECT (SELECT SUM(balance) FROM bank_a.accounts) + "
                                           "(SELECT SUM(balance) FROM bank_b.accounts)"));
  ASSERT_OK_AND_ASSIGN(state->disagreeing, target_->QueryValue(kLogDisagreements));
  ASSERT_OK_AND_ASSIGN(std::string logged,
                       target_->QueryValue("SELECT COUNT(*) FROM bank_a.transfers"));
  state->logged = std::stol(logged);
}

void BankTest::ExpectConsistent(const BankState& state, TransferStyle style) {
  EXPECT_GE(state.committed_after - state.committed_before, 20)
      << "too few transfers committed during the dump for the test to mean anything";
  EXPECT_EQ(state.total, kInvariant);
  if (style == TransferStyle::kOneStatement) return;  // no transfer log
  EXPECT_EQ(state.disagreeing, "0") << "balances disagree with the transfer log";
  // One snapshot, taken while the dump ran: it holds every transfer committed before the dump
  // started and none committed after it ended.
  EXPECT_GE(state.logged, state.committed_before);
  EXPECT_LE(state.logged, state.committed_after);
}

void BankTest::MariadbDump(const std::string& archive, const std::vector<std::string>& dbs) {
  std::vector<std::string> argv = {
      "bash",
      "-c",
      "set -o pipefail; cnf=$1 out=$2; shift 2; mariadb-dump --defaults-file=\"$cnf\" "
      "--single-transaction --databases \"$@\" | gzip -1 >> \"$out\"",
      "dump",
      source_cnf_,
      archive};
  argv.insert(argv.end(), dbs.begin(), dbs.end());
  ASSERT_OK_AND_ASSIGN(CommandResult r, RunCommand(argv));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
}

}  // namespace myvault::it
