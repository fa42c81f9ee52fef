// Where a subcommand's connection comes from, as a table: environment, option file and flags (as
// typed, through ExtractPasswordArgs and CLI11 like main()) -> host, port, socket, user and
// password. The rules are those of myvault/mysql/options.h: flags, then option files, then the
// environment; a host, port or socket flag (or an option file's host or port) drops DB_HOST and
// DB_PORT together; a user other than DB_USERNAME drops DB_PASSWORD and DB_PASSWORD_FILE;
// MYSQL_PWD is the last resort for any user; --no-defaults drops only the option files.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "archive_test_helpers.h"
#include "cli/flags.h"

namespace myvault::cli {
namespace {

using archive::testutil::TempDir;
using archive::testutil::WriteFile;
using Vars = std::map<std::string, std::string>;

// An application container's environment: every DB_* variable, and the mysql client's MYSQL_PWD.
const Vars kApp = {{"DB_HOST", "envhost"},   {"DB_PORT", "3310"},     {"DB_USERNAME", "app"},
                   {"DB_PASSWORD", "envpw"}, {"DB_DATABASE", "shop"}, {"MYSQL_PWD", "mysqlpw"}};

Vars With(Vars vars, const Vars& changes) {
  for (const auto& [name, value] : changes) {
    if (value == "(unset)") {
      vars.erase(name);
    } else {
      vars[name] = value;
    }
  }
  return vars;
}

struct Row {
  const char* what;
  Vars env;
  std::string file;  // ~/.my.cnf (HOME is a temporary directory); read unless --no-defaults
  std::vector<std::string> flags;
  // "host|port|socket|user|password"; password "-" when none, "?" when it is to be asked for.
  std::string want;
};

const std::vector<Row>& Rows() {
  static const std::vector<Row> rows = {
      // The environment alone is enough.
      {"environment only", kApp, "", {}, "envhost|3310||app|envpw"},
      {"--no-defaults skips ~/.my.cnf but not the environment",
       kApp,
       "[client]\nhost=filehost\n",
       {"--no-defaults"},
       "envhost|3310||app|envpw"},
      // An endpoint flag drops DB_HOST and DB_PORT together.
      {"-S beats DB_HOST", kApp, "", {"-S", "/run/other.sock"}, "|0|/run/other.sock|app|envpw"},
      {"--socket= beats DB_HOST", kApp, "", {"--socket=/s"}, "|0|/s|app|envpw"},
      {"-h drops DB_PORT too", kApp, "", {"-h", "10.0.0.9"}, "10.0.0.9|0||app|envpw"},
      {"-P alone is TCP to 127.0.0.1, not DB_HOST",
       kApp,
       "",
       {"-P", "3307"},
       "127.0.0.1|3307||app|envpw"},
      {"-h localhost -P is TCP",
       kApp,
       "",
       {"-h", "localhost", "-P", "3307"},
       "127.0.0.1|3307||app|envpw"},
      {"-P with -S is the socket", kApp, "", {"-P", "3307", "-S", "/s"}, "|3307|/s|app|envpw"},
      {"a malformed DB_PORT that is not used is no error",
       With(kApp, {{"DB_PORT", "http"}}),
       "",
       {"-h", "db2"},
       "db2|0||app|envpw"},
      // So does an option file's host or port, but not its socket alone.
      {"file host drops DB_PORT", kApp, "[client]\nhost=filehost\n", {}, "filehost|0||app|envpw"},
      {"file port drops DB_HOST", kApp, "[client]\nport=3311\n", {}, "|3311||app|envpw"},
      {"file socket alone (Debian's [client-server]) keeps the environment's endpoint",
       kApp,
       "[client-server]\nsocket=/run/mysqld/mysqld.sock\n",
       {},
       "envhost|3310|/run/mysqld/mysqld.sock|app|envpw"},
      {"-P beats a file socket",
       kApp,
       "[client-server]\nsocket=/run/mysqld/mysqld.sock\n",
       {"-P", "3307"},
       "127.0.0.1|3307|/run/mysqld/mysqld.sock|app|envpw"},
      {"-P keeps a file host",
       kApp,
       "[client]\nhost=filehost\n",
       {"-P", "3307"},
       "filehost|3307||app|envpw"},
      {"-h beats a file host",
       kApp,
       "[client]\nhost=filehost\nport=3311\n",
       {"-h", "clihost"},
       "clihost|3311||app|envpw"},
      // DB_PASSWORD belongs to DB_USERNAME.
      {"-u root drops DB_PASSWORD; MYSQL_PWD remains",
       kApp,
       "",
       {"-u", "root"},
       "envhost|3310||root|mysqlpw"},
      {"-u root without MYSQL_PWD has no password",
       With(kApp, {{"MYSQL_PWD", "(unset)"}}),
       "",
       {"--user=root"},
       "envhost|3310||root|-"},
      {"-u naming DB_USERNAME keeps DB_PASSWORD",
       kApp,
       "",
       {"-u", "app"},
       "envhost|3310||app|envpw"},
      {"-u drops DB_PASSWORD_FILE unread",
       With(kApp, {{"DB_PASSWORD", "(unset)"}, {"DB_PASSWORD_FILE", "/nonexistent/pw"}}),
       "",
       {"-u", "root"},
       "envhost|3310||root|mysqlpw"},
      {"-u drops the DB_PASSWORD + DB_PASSWORD_FILE conflict",
       With(kApp, {{"DB_PASSWORD_FILE", "/nonexistent/pw"}}),
       "",
       {"-u", "root"},
       "envhost|3310||root|mysqlpw"},
      {"-u without DB_USERNAME drops DB_PASSWORD",
       With(kApp, {{"DB_USERNAME", "(unset)"}}),
       "",
       {"-u", "root"},
       "envhost|3310||root|mysqlpw"},
      {"no user anywhere: DB_PASSWORD is the default user's",
       With(kApp, {{"DB_USERNAME", "(unset)"}}),
       "",
       {},
       "envhost|3310|||envpw"},
      {"file user drops DB_PASSWORD",
       kApp,
       "[client]\nuser=backup\n",
       {},
       "envhost|3310||backup|mysqlpw"},
      {"file user and password",
       kApp,
       "[client]\nuser=backup\npassword=filepw\n",
       {},
       "envhost|3310||backup|filepw"},
      {"a file password beats the environment for the command line's user (mysql's merge)",
       kApp,
       "[client]\nuser=backup\npassword=filepw\n",
       {"-u", "app"},
       "envhost|3310||app|filepw"},
      {"DB_PASSWORD beats MYSQL_PWD for DB_USERNAME", kApp, "", {}, "envhost|3310||app|envpw"},
      // Passwords on the command line.
      {"-pX beats everything",
       kApp,
       "[client]\npassword=filepw\n",
       {"-u", "root", "-pclipw"},
       "envhost|3310||root|clipw"},
      {"--password=X", kApp, "", {"--password=clipw"}, "envhost|3310||app|clipw"},
      {"-p alone asks, even with DB_PASSWORD", kApp, "", {"-p"}, "envhost|3310||app|?"},
      // Everything named on the command line: nothing of the environment's connection is left.
      {"a cron line in an app container",
       kApp,
       "",
       {"-S", "/run/mysqld/mysqld.sock", "-u", "root"},
       "|0|/run/mysqld/mysqld.sock|root|mysqlpw"},
  };
  return rows;
}

// Runs `myvault FLAGS...` through ExtractPasswordArgs and CLI11 and merges it with `env`.
Result<mysql::ConnectionOptions> Merge(std::vector<std::string> args, const Vars& env) {
  args.insert(args.begin(), "myvault");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int argc = static_cast<int>(args.size());
  const mysql::PasswordArg password = mysql::ExtractPasswordArgs(&argc, argv.data());
  CLI::App app;
  app.set_help_flag("--help");  // -h is --host, as in main()
  ConnectionFlags flags;
  flags.Register(&app);
  try {
    app.parse(argc, argv.data());
  } catch (const CLI::ParseError& e) {
    return InvalidArgument(std::string("CLI11: ") + e.what());
  }
  return flags.Merge(password, mysql::Environment{env});
}

std::string Summary(const mysql::ConnectionOptions& o) {
  const std::string password = o.prompt_password ? "?" : o.password.value_or("-");
  return o.host + "|" + std::to_string(o.port) + "|" + o.socket + "|" + o.user + "|" + password;
}

TEST(ConnectionPrecedenceTest, Table) {
  for (const Row& row : Rows()) {
    SCOPED_TRACE(row.what);
    const TempDir home;
    WriteFile(home.File(".my.cnf"), row.file);
    std::vector<std::string> flags = row.flags;
    const bool no_defaults = !flags.empty() && flags.front() == "--no-defaults";
    // Only our file: /etc/my.cnf and /etc/mysql/my.cnf would add this machine's settings.
    if (!no_defaults) flags.push_back("--defaults-file=" + home.File(".my.cnf"));
    Vars env = row.env;
    env["HOME"] = home.path();
    Result<mysql::ConnectionOptions> o = Merge(flags, env);
    ASSERT_TRUE(o.ok()) << o.status().ToString();
    EXPECT_EQ(Summary(*o), row.want);
    EXPECT_EQ(o->database, env.count("DB_DATABASE") > 0 ? env["DB_DATABASE"] : "");
  }
}

// Variables in scope are still checked.
TEST(ConnectionPrecedenceTest, VariablesInUseAreValidated) {
  Result<mysql::ConnectionOptions> o = Merge({"--no-defaults"}, With(kApp, {{"DB_PORT", "http"}}));
  EXPECT_EQ(o.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(o.status().message().find("DB_PORT"), std::string::npos) << o.status().message();
  o = Merge({"--no-defaults", "-u", "app"}, With(kApp, {{"DB_PASSWORD_FILE", "/nonexistent"}}));
  EXPECT_EQ(o.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(o.status().message().find("DB_PASSWORD_FILE"), std::string::npos);
}

}  // namespace
}  // namespace myvault::cli
