// Dumps by an account without RELOAD, BINLOG MONITOR or SUPER: what managed servers (RDS, Cloud
// SQL, Azure) give. It holds SELECT, LOCK TABLES, SHOW VIEW, EVENT and TRIGGER on the two banks.
// Such a dump used to fail at FLUSH TABLES WITH READ LOCK (access denied). Now it picks a method
// that needs no RELOAD by itself, says which in its log line and in the archive, and the bank
// invariant (bank.h) holds under concurrent transfers with each: the snapshot check (what auto
// picks on this server, MariaDB with the binary log), LOCK TABLES (forced; and what auto picks
// when a MyISAM table must be read under the lock), and through `myvault backup`. No transfer
// fails meanwhile: TransferWriter stops the test on any error, a deadlock victim included.
#include <filesystem>

#include "bank.h"
#include "myvault/ops/backup_dir.h"
#include "myvault_cli.h"

namespace myvault::it {
namespace {

constexpr char kUser[] = "mv_noreload";
constexpr char kPassword[] = "noreload-secret";

class NoReloadDump : public BankTest {
 protected:
  void Prepare() override {
    for (const char* host : {"localhost", "%"}) {
      const std::string account = std::string("'") + kUser + "'@'" + host + "'";
      ASSERT_OK(source_->Exec("DROP USER IF EXISTS " + account));
      ASSERT_OK(source_->Exec("CREATE USER " + account + " IDENTIFIED BY '" + kPassword + "'"));
      for (const char* db : {"bank_a", "bank_b"}) {
        ASSERT_OK(source_->Exec(std::string("GRANT SELECT, LOCK TABLES, SHOW VIEW, EVENT, ") +
                                "TRIGGER ON " + db + ".* TO " + account));
      }
    }
    ASSERT_OK_AND_ASSIGN(std::string global,
                         source_->QueryValue("SELECT COUNT(*) FROM information_schema."
                                             "USER_PRIVILEGES WHERE GRANTEE LIKE '''" +
                                             std::string(kUser) +
                                             "''@%' AND PRIVILEGE_TYPE <> "
                                             "'USAGE'"));
    ASSERT_EQ(global, "0") << "the account must hold no global privilege (RELOAD, SUPER, ...)";
    ServerConfig account = source_config_;
    account.user = kUser;
    account.password = kPassword;
    ASSERT_OK_AND_ASSIGN(cnf_, WriteOptionFile(account, dir_->path(), "noreload.cnf"));
  }
  void TearDown() override {
    for (const char* host : {"localhost", "%"}) {
      (void)source_->Exec(std::string("DROP USER IF EXISTS '") + kUser + "'@'" + host + "'");
    }
  }

  // `myvault dump` of both banks by the account, four threads, small chunks.
  Result<CommandResult> DumpAsAccount(const std::string& archive,
                                      const std::vector<std::string>& args = {}) {
    std::vector<std::string> argv = {"dump",       "--defaults-file",
                                     cnf_,         "--output",
                                     archive,      "--threads",
                                     "4",          "--chunk-size",
                                     "65536",      "--databases",
                                     "bank_a",     "bank_b",
                                     "--progress", "lines"};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunMyvault(argv);
  }

  // DumpAsAccount(args) while the transfers run (DumpDuringTransfers); it must succeed, and
  // *log gets its stderr.
  void AccountDumpDuringTransfers(const std::vector<std::string>& args, BankState* state,
                                  std::string* log, const std::string& extra_setup = "",
                                  TransferStyle style = TransferStyle::kLogged) {
    DumpDuringTransfers(
        [&](const std::string& archive, TransferWriter&) {
          ASSERT_OK_AND_ASSIGN(CommandResult r, DumpAsAccount(archive, args));
          ASSERT_EQ(r.exit_code, 0) << r.Describe();
          *log = r.err;
        },
        state, extra_setup, style);
  }

  // The value of the `-- key: value` line in the header of the archive DumpDuringTransfers
  // wrote (it stays after the replay), or "".
  std::string HeaderValue(const std::string& key) {
    Result<std::string> sql = DecompressArchive(dir_->Join("bank.sql.gz"));
    if (!sql.ok()) return "";
    const std::string prefix = "-- " + key + ": ";
    const size_t at = sql->find("\n" + prefix);
    if (at == std::string::npos) return "";
    const size_t begin = at + 1 + prefix.size();
    return sql->substr(begin, sql->find('\n', begin) - begin);
  }

  std::string cnf_;
};

TEST_F(NoReloadDump, AutoChecksTheSnapshotsWithoutALockAndKeepsTheInvariant) {
  BankState state;
  std::string log;
  AccountDumpDuringTransfers({}, &state, &log);
  if (HasFatalFailure()) return;
  ExpectConsistent(state);
  EXPECT_NE(log.find("snapshot taken with snapshot check"), std::string::npos) << log;
  EXPECT_NE(log.find("the account lacks RELOAD"), std::string::npos) << log;
  EXPECT_EQ(HeaderValue("snapshot_method").rfind("snapshot check", 0), 0u);
  // The position comes from inside the snapshot: exact, although the account may not run
  // SHOW MASTER STATUS.
  EXPECT_FALSE(HeaderValue("binlog_file").empty());
  EXPECT_EQ(HeaderValue("binlog_position_exact"), "yes");
}

TEST_F(NoReloadDump, LockTablesKeepsTheInvariantAndFailsNoTransfer) {
  BankState state;
  std::string log;
  AccountDumpDuringTransfers({"--snapshot-method", "lock-tables"}, &state, &log);
  if (HasFatalFailure()) return;
  ExpectConsistent(state);
  EXPECT_NE(log.find("snapshot taken with LOCK TABLES READ on the 3 dumped table(s)"),
            std::string::npos)
      << log;
  EXPECT_EQ(HeaderValue("snapshot_method").rfind("LOCK TABLES READ on the 3 dumped table(s)", 0),
            0u);
}

// A MyISAM table has no snapshot: auto takes LOCK TABLES and keeps it until that table is read.
// The transfers are single statements (a transaction spanning InnoDB and MyISAM shows its MyISAM
// half before it commits, under any lock), half of them across the banks, half inside the MyISAM
// bank: those writers pass LOCK TABLES' metadata lock and queue for the table lock, and the
// dump's own reads must not queue behind them (they did: the dump hung for --lock-wait-timeout).
TEST_F(NoReloadDump, AMyisamTableIsReadUnderTheTableLocks) {
  BankState state;
  std::string log;
  AccountDumpDuringTransfers({"--lock-wait-timeout", "20"}, &state, &log,
                             "ALTER TABLE bank_b.accounts ENGINE = MyISAM",
                             TransferStyle::kOneStatement);
  if (HasFatalFailure()) return;
  ExpectConsistent(state, TransferStyle::kOneStatement);
  EXPECT_NE(log.find("LOCK TABLES READ on the 3 dumped table(s), held while non-transactional "
                     "tables are read (the account lacks RELOAD)"),
            std::string::npos)
      << log;
}

TEST_F(NoReloadDump, BackupWorksWithTheAccount) {
  BankState state;
  const std::string backups = dir_->Join("backups");
  std::filesystem::create_directory(backups);
  DumpDuringTransfers(
      [&](const std::string& archive, TransferWriter&) {
        ASSERT_OK_AND_ASSIGN(
            CommandResult r,
            RunMyvault({"backup", "--dir", backups, "--defaults-file", cnf_, "--threads", "4",
                        "--chunk-size", "65536", "--databases", "bank_a", "bank_b"}));
        ASSERT_EQ(r.exit_code, 0) << r.Describe();
        Result<std::optional<std::string>> latest = ops::ReadLatest(backups, "myvault");
        ASSERT_TRUE(latest.ok() && latest->has_value()) << "no latest backup";
        std::filesystem::copy_file(backups + "/" + **latest, archive);
      },
      &state);
  if (HasFatalFailure()) return;
  ExpectConsistent(state);
}

}  // namespace
}  // namespace myvault::it
