// Flags beat the environment, with the real binary and server: an application container's DB_*
// variables, every one pointing somewhere wrong (a dead port, an unknown user, a wrong password),
// redirect neither a subcommand whose command line names the server or the user, nor a
// `mysqldump` symlink at all; and a port alone on the command line means TCP, never the default
// socket. Every run gets an empty HOME, and of the variables myvault or the client library read
// only those the test sets.
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "fixture.h"

namespace myvault::it {
namespace {

constexpr char kDb[] = "mv_precedence";

using Vars = std::vector<std::pair<std::string, std::string>>;

class ConnectionPrecedence : public ServerPairTest {
 protected:
  void Prepare() override {
    ASSERT_FALSE(source_config_.socket.empty()) << "these tests need MYVAULT_TEST_SOCKET";
    ASSERT_OK(source_->Exec(
        std::string("CREATE DATABASE IF NOT EXISTS ") + kDb + "; CREATE TABLE IF NOT EXISTS " +
        kDb + ".t (id INT PRIMARY KEY); INSERT IGNORE INTO " + kDb + ".t VALUES (1), (2)"));
    ASSERT_OK_AND_ASSIGN(dead_port_, FreeTcpPort());
    home_ = dir_->Join("home");
    ASSERT_EQ(mkdir(home_.c_str(), 0700), 0) << std::strerror(errno);
    archive_ = dir_->Join("precedence.sql.gz");
  }

  // An application container's environment, all of it wrong for this server.
  Vars AppEnvironment() const {
    return {{"DB_HOST", "127.0.0.1"},
            {"DB_PORT", std::to_string(dead_port_)},
            {"DB_USERNAME", "mv_no_such_user"},
            {"DB_PASSWORD", "wrong-" + source_config_.password},
            {"DB_DATABASE", kDb}};
  }

  // `argv` with exactly `vars` of the variables that give connection defaults, and HOME empty.
  Result<CommandResult> Run(const std::vector<std::string>& argv, const Vars& vars) const {
    CommandOptions options;
    for (const char* name : {"DB_HOST", "DB_PORT", "DB_DATABASE", "DB_USERNAME", "DB_PASSWORD",
                             "DB_PASSWORD_FILE", "MYSQL_HOST", "MYSQL_TCP_PORT", "MYSQL_UNIX_PORT",
                             "MARIADB_UNIX_PORT", "MYSQL_PWD", "MYSQL_HOME"}) {
      options.env.emplace_back(name, std::nullopt);
    }
    options.env.emplace_back("HOME", home_);
    for (const auto& [name, value] : vars) options.env.emplace_back(name, value);
    return RunCommand(argv, options);
  }

  Result<CommandResult> Dump(const std::vector<std::string>& args, const Vars& vars) const {
    std::vector<std::string> argv = {MyvaultBinary(), "dump",   "--no-defaults",
                                     "--output",      archive_, "--quiet"};
    argv.insert(argv.end(), args.begin(), args.end());
    return Run(argv, vars);
  }

  // A symlink named mysqldump to the binary, as a cron line runs it.
  std::string MysqldumpLink() const {
    const std::string link = dir_->Join("mysqldump");
    if (access(link.c_str(), F_OK) != 0) {
      EXPECT_EQ(symlink(MyvaultBinary().c_str(), link.c_str()), 0) << std::strerror(errno);
    }
    return link;
  }

  void ExpectDumpOfTheDatabase(const CommandResult& r) {
    ASSERT_EQ(r.exit_code, 0) << r.Describe();
    ExpectCompleteArchive(archive_);
    ASSERT_OK_AND_ASSIGN(std::string sql, DecompressArchive(archive_));
    EXPECT_EQ(CreatedDatabases(sql), std::vector<std::string>{kDb});
  }

  static void ExpectSqlDumpOfT(const CommandResult& r) {
    EXPECT_EQ(r.exit_code, 0) << r.Describe();
    EXPECT_NE(r.out.find("INSERT INTO `t` VALUES"), std::string::npos) << r.Describe();
    EXPECT_NE(r.out.find("-- Dump completed"), std::string::npos) << r.Describe();
  }

  unsigned dead_port_ = 0;
  std::string home_;
  std::string archive_;
};

// The cron line `myvault dump -S SOCKET -u USER` in an app container: -S drops DB_HOST and
// DB_PORT, -u drops DB_PASSWORD (DB_USERNAME's), and MYSQL_PWD gives the password.
TEST_F(ConnectionPrecedence, SocketAndUserFlagsIgnoreTheAppsEnvironment) {
  Vars vars = AppEnvironment();
  vars.emplace_back("MYSQL_PWD", source_config_.password);
  ASSERT_OK_AND_ASSIGN(CommandResult r,
                       Dump({"-S", source_config_.socket, "-u", source_config_.user}, vars));
  ExpectDumpOfTheDatabase(r);
}

// DB_PASSWORD is never sent for another user: with the right endpoint in DB_HOST/DB_PORT, `-u`
// names the account and MYSQL_PWD holds its password.
TEST_F(ConnectionPrecedence, UserFlagDropsDbPassword) {
  Vars vars = AppEnvironment();
  vars[0].second = source_config_.host;
  vars[1].second = std::to_string(source_config_.port);
  vars.emplace_back("MYSQL_PWD", source_config_.password);
  ASSERT_OK_AND_ASSIGN(CommandResult r, Dump({"-u", source_config_.user}, vars));
  ExpectDumpOfTheDatabase(r);
}

// -P alone is TCP to 127.0.0.1 (the source listens there), not the default socket, which
// MYSQL_UNIX_PORT points at a path where there is none.
TEST_F(ConnectionPrecedence, PortFlagAloneIsTcp) {
  ASSERT_EQ(source_config_.host, "127.0.0.1") << "this test reaches the source on 127.0.0.1";
  const Vars vars = {{"MYSQL_UNIX_PORT", dir_->Join("no-server.sock")},
                     {"MYSQL_PWD", source_config_.password}};
  const std::vector<std::string> args = {"-P", std::to_string(source_config_.port), "-u",
                                         source_config_.user};
  std::vector<std::string> dump_args = args;
  dump_args.insert(dump_args.end(), {"--databases", kDb});
  ASSERT_OK_AND_ASSIGN(CommandResult r, Dump(dump_args, vars));
  ExpectDumpOfTheDatabase(r);
  std::vector<std::string> argv = {MysqldumpLink(), "--no-defaults"};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.insert(argv.end(), {kDb, "t"});
  ASSERT_OK_AND_ASSIGN(r, Run(argv, vars));
  ExpectSqlDumpOfT(r);
}

// The mysqldump symlink reads what mariadb-dump reads (here MYSQL_UNIX_PORT and MYSQL_PWD,
// through the client library) and no DB_* variable.
TEST_F(ConnectionPrecedence, MysqldumpSymlinkReadsNoDbVariables) {
  Vars vars = AppEnvironment();
  vars.emplace_back("MYSQL_UNIX_PORT", source_config_.socket);
  vars.emplace_back("MYSQL_PWD", source_config_.password);
  ASSERT_OK_AND_ASSIGN(
      CommandResult r,
      Run({MysqldumpLink(), "--no-defaults", "-u", source_config_.user, kDb, "t"}, vars));
  ExpectSqlDumpOfT(r);
}

}  // namespace
}  // namespace myvault::it
