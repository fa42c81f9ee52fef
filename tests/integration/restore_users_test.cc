// Accounts in a whole-server backup (issue 14 point 9): a dump without --databases holds the
// source's users and roles; `restore --users` creates them on the target with identical
// SHOW CREATE USER and SHOW GRANTS (password hash, resource limits, lock and expiry options, a
// role with its grants and a default role, column, table and routine grants, a proxy grant), so
// the application logs in with its password; without --users no account is created; an account
// that exists and differs is reported and kept, and replaced with --users=replace; --rename
// rewrites the grants on the renamed database.
//
// The test servers are shared: every account here is named mvu_*, dropped before and after;
// accounts of other tests that the archive carries and the restore created are dropped too.
#include <algorithm>
#include <set>

#include "restore_fixture.h"

namespace myvault::it {
namespace {

constexpr char kDb[] = "mv_users";
constexpr char kCopyDb[] = "mv_users_copy";
constexpr char kAppPassword[] = "App-pw-9f2c";
const std::vector<std::string> kAccounts = {"`mvu_app`@`%`", "`mvu_reader`",
                                            "`mvu_locked`@`localhost`"};

constexpr char kDropAccounts[] = R"sql(
DROP USER IF EXISTS 'mvu_app'@'%'; DROP USER IF EXISTS 'mvu_locked'@'localhost';
DROP ROLE IF EXISTS mvu_reader;
)sql";

// `proxied`: an account the test's own account may grant PROXY on (itself).
std::string SourceSetup(const std::string& proxied) {
  return std::string(kDropAccounts) + R"sql(
DROP DATABASE IF EXISTS mv_users; CREATE DATABASE mv_users;
CREATE TABLE mv_users.t (a INT PRIMARY KEY, b INT); INSERT INTO mv_users.t VALUES (1, 10), (2, 20);
CREATE PROCEDURE mv_users.p() SELECT 1;
CREATE ROLE mvu_reader; GRANT SELECT ON mv_users.* TO mvu_reader;
CREATE USER 'mvu_app'@'%' IDENTIFIED BY 'App-pw-9f2c'
  WITH MAX_QUERIES_PER_HOUR 500 MAX_USER_CONNECTIONS 7 PASSWORD EXPIRE INTERVAL 90 DAY;
GRANT mvu_reader TO 'mvu_app'@'%'; SET DEFAULT ROLE mvu_reader FOR 'mvu_app'@'%';
GRANT SELECT (a), UPDATE (b) ON mv_users.t TO 'mvu_app'@'%';
GRANT EXECUTE ON PROCEDURE mv_users.p TO 'mvu_app'@'%';
GRANT PROXY ON )sql" +
         proxied +
         R"sql( TO 'mvu_app'@'%';
CREATE USER 'mvu_locked'@'localhost' IDENTIFIED BY 'Locked-pw-1' PASSWORD EXPIRE ACCOUNT LOCK;
GRANT INSERT ON mv_users.* TO 'mvu_locked'@'localhost';
)sql";
}

// Every row of `sql` as text, one line each, sorted ("" when the statement fails).
std::string Lines(TestServer& server, const std::string& sql) {
  auto rows = server.Query(sql);
  if (!rows.ok()) return "";
  std::vector<std::string> lines;
  for (const Row& r : *rows) lines.push_back(r.empty() ? "" : r[0].value_or("NULL"));
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

std::string Definition(TestServer& server, const std::string& account) {
  const bool role = account.find('@') == std::string::npos;
  return (role ? "" : Lines(server, "SHOW CREATE USER " + account)) +
         Lines(server, "SHOW GRANTS FOR " + account);
}

Result<std::set<std::string>> AccountList(TestServer& server) {
  ASSIGN_OR_RETURN(auto rows, server.Query("SELECT CONCAT(User, '@', Host) FROM mysql.user"));
  std::set<std::string> out;
  for (const Row& r : rows) out.insert(r[0].value_or(""));
  return out;
}

class RestoreUsers : public RestoreTest {
 protected:
  void Prepare() override {
    ASSERT_OK_AND_ASSIGN(std::string me, source_->QueryValue("SELECT CURRENT_USER()"));
    const size_t at = me.rfind('@');
    proxied_ = "'" + me.substr(0, at) + "'@'" + me.substr(at + 1) + "'";
    ASSERT_OK(source_->Exec(SourceSetup(proxied_)));
    ASSERT_OK(target_->Exec(std::string(kDropAccounts) +
                            "DROP DATABASE IF EXISTS mv_users; DROP DATABASE IF EXISTS "
                            "mv_users_copy; DROP DATABASE IF EXISTS _myvault_restore;"));
    ASSERT_OK_AND_ASSIGN(target_accounts_, AccountList(*target_));
    // A whole-server dump (no --databases) that leaves every other database out.
    ASSERT_OK_AND_ASSIGN(std::vector<std::string> others, DatabasesLike(*source_, "%"));
    std::erase_if(others, [](const std::string& d) {
      return d == kDb || d == "mysql" || d == "sys" || d == "information_schema" ||
             d == "performance_schema";
    });
    archive_ = dir_->Join("server.sql.gz");
    std::vector<std::string> args;
    if (!others.empty()) {
      args.push_back("--exclude-databases");
      args.insert(args.end(), others.begin(), others.end());
    }
    ASSERT_OK(DumpArchive(archive_, args));
  }

  void TearDown() override {
    if (source_ != nullptr) {
      EXPECT_OK(source_->Exec(std::string(kDropAccounts) + "DROP DATABASE IF EXISTS mv_users;"));
    }
    if (target_ == nullptr) return;
    EXPECT_OK(target_->Exec(std::string(kDropAccounts) +
                            "DROP DATABASE IF EXISTS mv_users; DROP DATABASE IF EXISTS "
                            "mv_users_copy;"));
    // Accounts of other tests that the archive carried: the target had none of them before.
    auto now = AccountList(*target_);
    if (!now.ok()) return;
    for (const std::string& account : *now) {
      if (target_accounts_.count(account) > 0) continue;
      const size_t at = account.rfind('@');
      const std::string user = account.substr(0, at), host = account.substr(at + 1);
      EXPECT_OK(target_->Exec(host.empty()
                                  ? "DROP ROLE " + QuoteIdent(user)
                                  : "DROP USER " + QuoteIdent(user) + "@" + QuoteIdent(host)));
    }
  }

  // Logs in on the target as mvu_app with `password` and reads its role and one row.
  Result<std::string> AppReads(const std::string& password) {
    ServerConfig app = target_config_;
    app.user = "mvu_app";
    app.password = password;
    app.socket.clear();
    if (app.host.empty() || app.host == "localhost") app.host = "127.0.0.1";
    ASSIGN_OR_RETURN(auto session, TestServer::Connect(app));
    ASSIGN_OR_RETURN(std::string role, session->QueryValue("SELECT CURRENT_ROLE()"));
    ASSIGN_OR_RETURN(std::string b, session->QueryValue("SELECT b FROM mv_users.t WHERE a = 2"));
    return role + " " + b;
  }

  void ExpectSameAccountsAsSource() {
    for (const std::string& account : kAccounts) {
      SCOPED_TRACE(account);
      const std::string source = Definition(*source_, account);
      ASSERT_NE(source, "");
      EXPECT_EQ(Definition(*target_, account), source);
    }
  }

  std::string archive_, proxied_;
  std::set<std::string> target_accounts_;
};

TEST_F(RestoreUsers, UsersCreatesEveryAccountAsTheSourceHasItAndTheAppLogsIn) {
  ASSERT_OK_AND_ASSIGN(CommandResult r,
                       Restore(archive_, {"--databases", kDb, "--users", "--yes", "--quiet"}));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  ExpectSameAccountsAsSource();
  ASSERT_OK_AND_ASSIGN(std::string reads, AppReads(kAppPassword));
  EXPECT_EQ(reads, "mvu_reader 20");
  EXPECT_FALSE(AppReads("wrong-password").ok());
}

TEST_F(RestoreUsers, WithoutUsersNoAccountIsCreatedAndThePlanSaysSo) {
  ASSERT_OK_AND_ASSIGN(CommandResult r,
                       Restore(archive_, {"--databases", kDb, "--yes", "--progress", "lines"}));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_NE(r.err.find(" in the archive are not restored (--users creates the missing ones)"),
            std::string::npos)
      << r.err;
  ASSERT_OK_AND_ASSIGN(std::set<std::string> after, AccountList(*target_));
  EXPECT_EQ(after, target_accounts_);
  // --list names them.
  ASSERT_OK_AND_ASSIGN(CommandResult list, RunMyvault({"restore", archive_, "--list"}));
  ASSERT_EQ(list.exit_code, 0) << list.Describe();
  EXPECT_NE(list.out.find("(restored only with --users): "), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("role mvu_reader"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("mvu_app@%"), std::string::npos) << list.out;
}

TEST_F(RestoreUsers, AnExistingAccountThatDiffersIsKeptThenReplacedWithUsersReplace) {
  ASSERT_OK(target_->Exec(
      "CREATE USER 'mvu_app'@'%' IDENTIFIED BY 'Target-pw-1'; GRANT SELECT ON mysql.db TO "
      "'mvu_app'@'%';"));
  const std::string before = Definition(*target_, "`mvu_app`@`%`");
  ASSERT_OK_AND_ASSIGN(CommandResult kept, Restore(archive_, {"--databases", kDb, "--users",
                                                              "--yes", "--progress", "lines"}));
  ASSERT_EQ(kept.exit_code, 0) << kept.Describe();
  EXPECT_NE(kept.err.find("user `mvu_app`@`%` exists on the target and differs from the "
                          "archive's: kept (--users=replace replaces it)"),
            std::string::npos)
      << kept.err;
  EXPECT_EQ(Definition(*target_, "`mvu_app`@`%`"), before);
  EXPECT_EQ(Definition(*target_, "`mvu_reader`"), Definition(*source_, "`mvu_reader`"));

  ASSERT_OK_AND_ASSIGN(
      CommandResult replaced,
      Restore(archive_, {"--databases", kDb, "--users=replace", "--yes", "--quiet"}));
  ASSERT_EQ(replaced.exit_code, 0) << replaced.Describe();
  ExpectSameAccountsAsSource();
  ASSERT_OK_AND_ASSIGN(std::string reads, AppReads(kAppPassword));
  EXPECT_EQ(reads, "mvu_reader 20");
}

TEST_F(RestoreUsers, RenameRewritesTheGrantsOnTheRenamedDatabase) {
  ASSERT_OK_AND_ASSIGN(CommandResult r, Restore(archive_, {"--databases", kDb, "--rename",
                                                           std::string(kDb) + "=" + kCopyDb,
                                                           "--users", "--yes", "--quiet"}));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_EQ(Lines(*target_, "SHOW GRANTS FOR mvu_reader"),
            "GRANT SELECT ON `mv_users_copy`.* TO `mvu_reader`\n"
            "GRANT USAGE ON *.* TO `mvu_reader`\n");
  const std::string app = Lines(*target_, "SHOW GRANTS FOR 'mvu_app'@'%'");
  EXPECT_NE(app.find("GRANT SELECT (`a`), UPDATE (`b`) ON `mv_users_copy`.`t` TO `mvu_app`@`%`"),
            std::string::npos)
      << app;
  EXPECT_NE(app.find("GRANT EXECUTE ON PROCEDURE `mv_users_copy`.`p` TO `mvu_app`@`%`"),
            std::string::npos)
      << app;
  EXPECT_EQ(app.find("`mv_users`."), std::string::npos) << app;
}

// An encrypted whole-server archive (format version 2) carries its accounts sealed like every
// other member: --users with the key creates them as from a plain archive.
TEST_F(RestoreUsers, AnEncryptedArchiveRestoresItsAccountsWithTheKey) {
  const std::string key = dir_->Join("users.key");
  ASSERT_OK_AND_ASSIGN(CommandResult keygen, RunMyvault({"keygen", "--out", key}));
  ASSERT_EQ(keygen.exit_code, 0) << keygen.Describe();
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> others, DatabasesLike(*source_, "%"));
  std::vector<std::string> args = {"--encrypt-to", key + ".pub", "--exclude-databases"};
  for (const std::string& d : others) {
    if (d != kDb && d != "mysql" && d != "sys" && d != "information_schema" &&
        d != "performance_schema")
      args.push_back(d);
  }
  if (args.size() == 3) args.pop_back();
  const std::string sealed = dir_->Join("server-sealed.sql.gz");
  ASSERT_OK(DumpArchive(sealed, args));
  ASSERT_OK_AND_ASSIGN(
      CommandResult r,
      Restore(sealed, {"--databases", kDb, "--users", "--decrypt-with", key, "--yes", "--quiet"}));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  ExpectSameAccountsAsSource();
  ASSERT_OK_AND_ASSIGN(std::string reads, AppReads(kAppPassword));
  EXPECT_EQ(reads, "mvu_reader 20");
}

// mysqldump mode: --system=users prints the accounts (hashes, never the password) as
// statements that recreate them on another server.
TEST_F(RestoreUsers, MysqldumpSystemUsersPrintsStatementsThatRecreateTheAccounts) {
  ASSERT_OK_AND_ASSIGN(CommandResult r, RunMyvault({"mysqldump", "--defaults-file=" + source_cnf_,
                                                    "--system=users", "--compact"}));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_NE(r.out.find("CREATE USER IF NOT EXISTS `mvu_app`@`%` IDENTIFIED BY PASSWORD '*"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("CREATE ROLE IF NOT EXISTS `mvu_reader`;"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(kAppPassword), std::string::npos) << "a plain password in the output";
  EXPECT_EQ(r.out.find("mariadb.sys"), std::string::npos) << "a system account in the output";
  EXPECT_EQ(r.out.find("CREATE TABLE"), std::string::npos) << "--system=users alone dumps tables";
  ASSERT_OK(
      target_->Exec("CREATE DATABASE mv_users; CREATE TABLE mv_users.t (a INT PRIMARY KEY, "
                    "b INT); CREATE PROCEDURE mv_users.p() SELECT 1;"));
  // Only the mvu_* accounts' statements: the other tests' accounts stay off the target.
  std::string mine;
  for (size_t at = r.out.find("-- account "); at != std::string::npos;) {
    const size_t next = r.out.find("-- account ", at + 1);
    const std::string block =
        r.out.substr(at, next == std::string::npos ? r.out.size() - at : next - at);
    if (block.rfind("-- account `mvu_", 0) == 0) mine += block;
    at = next;
  }
  ASSERT_OK(target_->Exec(mine));
  ExpectSameAccountsAsSource();
}

}  // namespace
}  // namespace myvault::it
