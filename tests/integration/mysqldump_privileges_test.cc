// mysqldump mode for the accounts people actually give mysqldump, and a whole database restored
// under another name.
//
// An application account with SELECT, LOCK TABLES, SHOW VIEW, TRIGGER and EVENT can run
// `mysqldump --single-transaction`: it needs neither RELOAD (for the global lock that lines up
// several connections) nor BINLOG MONITOR (for the binlog position). myvault lines its
// connections up without RELOAD (a snapshot check here, MariaDB with the binary log) and keeps
// its threads. An account that may not even LOCK TABLES, on a server without a binary log (so
// no snapshot check either), gets one connection in one transaction, with a note.
#include "mysqldump_fixture.h"
#include "throwaway_server.h"

namespace myvault::it {
namespace {

constexpr char kAppUser[] = "mv_md_app";
constexpr char kAppPassword[] = "app-secret";
constexpr char kCopyDb[] = "mv_mysqldump_copy";

class MysqldumpPrivileges : public MysqldumpTest {
 protected:
  void Prepare() override {
    ASSERT_OK(LoadFormatDatabase(*source_));
    ASSERT_OK_AND_ASSIGN(app_cnf_,
                         CreateAppAccount(*source_, source_config_,
                                          "SELECT, LOCK TABLES, SHOW VIEW, TRIGGER, EVENT"));
  }

  // Creates kAppUser on `server` with `privileges` on kFormatDb; returns its option file.
  Result<std::string> CreateAppAccount(TestServer& server, const ServerConfig& config,
                                       const std::string& privileges) {
    for (const char* host : {"localhost", "%"}) {
      const std::string account = std::string("'") + kAppUser + "'@'" + host + "'";
      RETURN_IF_ERROR(server.Exec("DROP USER IF EXISTS " + account));
      RETURN_IF_ERROR(
          server.Exec("CREATE USER " + account + " IDENTIFIED BY '" + kAppPassword + "'"));
      RETURN_IF_ERROR(
          server.Exec("GRANT " + privileges + " ON " + QuoteIdent(kFormatDb) + ".* TO " + account));
    }
    ServerConfig app = config;
    app.user = kAppUser;
    app.password = kAppPassword;
    return WriteOptionFile(app, dir_->path(), "app-" + std::to_string(config.port) + ".cnf");
  }
  void TearDown() override {
    for (const char* host : {"localhost", "%"}) {
      (void)source_->Exec(std::string("DROP USER IF EXISTS '") + kAppUser + "'@'" + host + "'");
    }
  }

  // The rows of `table` in kFormatDb on the source and in `db` on the target, by id.
  void ExpectSameRows(const std::string& db, const std::string& table) {
    const std::string order = " ORDER BY id";
    ASSERT_OK_AND_ASSIGN(
        std::vector<Row> want,
        source_->Query("SELECT * FROM " + QualifiedName(kFormatDb, table) + order));
    ASSERT_OK_AND_ASSIGN(std::vector<Row> got,
                         target_->Query("SELECT * FROM " + QualifiedName(db, table) + order));
    EXPECT_FALSE(want.empty()) << table;
    EXPECT_TRUE(got == want) << "rows of " << table << " differ after the restore";
  }

  // `mysqldump --single-transaction --threads=4 --verbose` of kFormatDb by the account of `cnf`
  // into `file`: it must succeed and the file end complete. *err gets its stderr.
  void DumpAsApp(const std::string& cnf, const std::string& file, std::string* err) {
    ASSERT_OK_AND_ASSIGN(
        CommandResult r,
        RunMysqldumpMode({"--defaults-file=" + cnf, "--single-transaction", "--threads=4",
                          "--verbose", "--result-file=" + file, kFormatDb}));
    ASSERT_EQ(r.exit_code, 0) << r.Describe();
    *err = r.err;
    ASSERT_OK_AND_ASSIGN(std::string sql, ReadFile(file));
    EXPECT_EQ(LastNonEmptyLine(sql).rfind("-- Dump completed", 0), 0u) << LastNonEmptyLine(sql);
  }

  std::string app_cnf_;
};

TEST_F(MysqldumpPrivileges, ApplicationAccountKeepsItsThreads) {
  const std::string file = dir_->Join("app.sql");
  std::string err;
  DumpAsApp(app_cnf_, file, &err);
  if (HasFatalFailure()) return;
  EXPECT_EQ(err.find("one connection reads the tables"), std::string::npos) << err;
  EXPECT_NE(err.find("(4 threads)"), std::string::npos) << err;
  ASSERT_OK(DropOnTarget({kCopyDb}));
  ASSERT_OK(target_->Exec(std::string("CREATE DATABASE ") + kCopyDb));
  ASSERT_OK(RestoreIntoTarget(file, kCopyDb));
  ExpectSameRows(kCopyDb, "t");
  ExpectSameRows(kCopyDb, "u");
}

TEST_F(MysqldumpPrivileges, AccountWithoutLockTablesOnAServerWithoutBinlogGetsOneConnection) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<ThrowawayServer> server,
                       ThrowawayServer::Start(dir_->Join("server"), "--skip-log-bin"));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<TestServer> admin, TestServer::Connect(server->config()));
  ASSERT_OK(LoadFormatDatabase(*admin));
  ASSERT_OK_AND_ASSIGN(std::string cnf, CreateAppAccount(*admin, server->config(),
                                                         "SELECT, SHOW VIEW, TRIGGER, EVENT"));
  std::string err;
  DumpAsApp(cnf, dir_->Join("select-only.sql"), &err);
  if (HasFatalFailure()) return;
  EXPECT_NE(err.find("one connection reads the tables"), std::string::npos) << err;
  EXPECT_NE(err.find("(1 threads)"), std::string::npos) << err;
}

// `mysqldump db | mysql other`: the view comes with the tables and reads the copy's table, not
// the original database's (a view's text names its own database's tables bare).
TEST_F(MysqldumpPrivileges, WholeDatabaseRestoresUnderAnotherNameWithItsView) {
  const std::string file = dir_->Join("whole.sql");
  ASSERT_OK_AND_ASSIGN(CommandResult r,
                       Mysqldump({"--single-transaction", "--routines", "-r", file, kFormatDb}));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  ASSERT_OK(DropOnTarget({kCopyDb, kFormatDb}));
  ASSERT_OK(target_->Exec(std::string("CREATE DATABASE ") + kCopyDb));
  ASSERT_OK(RestoreIntoTarget(file, kCopyDb));
  ASSERT_OK_AND_ASSIGN(std::string view,
                       target_->QueryValue("SELECT VIEW_DEFINITION FROM information_schema.VIEWS "
                                           "WHERE TABLE_SCHEMA = '" +
                                           std::string(kCopyDb) + "' AND TABLE_NAME = 'v'"));
  EXPECT_NE(view.find(std::string("`") + kCopyDb + "`.`t`"), std::string::npos) << view;
  EXPECT_EQ(view.find(kFormatDb), std::string::npos) << "the copy's view reads the original";
  ASSERT_OK_AND_ASSIGN(std::string views_rows,
                       target_->QueryValue("SELECT COUNT(*) FROM " + QualifiedName(kCopyDb, "v")));
  ASSERT_OK_AND_ASSIGN(std::string table_rows,
                       target_->QueryValue("SELECT COUNT(*) FROM " + QualifiedName(kCopyDb, "t")));
  EXPECT_EQ(views_rows, table_rows);
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> left, DatabasesLike(*target_, kFormatDb));
  EXPECT_TRUE(left.empty()) << "the restore created " << kFormatDb;
}

}  // namespace
}  // namespace myvault::it
