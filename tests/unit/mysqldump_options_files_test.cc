// The mysqldump-mode command line with option files, the environment and passwords: which groups
// count, file order against the command line, unknown keys, and connection precedence
// (built-in < environment < option files < command line).
#include <gtest/gtest.h>

#include "archive_test_helpers.h"
#include "mysqldump_options_test_helpers.h"

namespace myvault::mysqldump {
namespace {

using archive::testutil::TempDir;
using archive::testutil::WriteFile;
using testutil::Args;
using testutil::Changed;
using testutil::Fields;

class MysqldumpOptionFilesTest : public ::testing::Test {
 protected:
  // Writes `text` as my.cnf and parses `--defaults-file=my.cnf args...`.
  Result<MysqldumpOptions> WithFile(const std::string& text, const Args& args,
                                    const mysql::Environment& env = {},
                                    const mysql::PasswordArg& password = {}) {
    WriteFile(cnf_, text);
    Args all = {"--defaults-file=" + cnf_};
    all.insert(all.end(), args.begin(), args.end());
    return ParseMysqldumpArgs(all, password, env);
  }

  Fields ChangedWithFile(const std::string& text, const Args& args) {
    Result<MysqldumpOptions> o = WithFile(text, args);
    EXPECT_TRUE(o.ok()) << o.status().ToString();
    return o.ok() ? Changed(*o) : Fields{{"error", o.status().message()}};
  }

  TempDir dir_;
  std::string cnf_ = dir_.File("my.cnf");
};

TEST_F(MysqldumpOptionFilesTest, ReadsTheMysqldumpGroupsAndIgnoresOthers) {
  const std::string cnf =
      "[client]\nuser = bob\nno-auto-rehash\n"
      "[mysql]\nhost = for-the-mysql-client\nfrobnicate\n"
      "[mysqldump]\nroutines\nmax_allowed_packet = 64M\n"
      "[mariadb-dump]\nwhere = id < 10\n"
      "[client-server]\nport = 3310\n"
      "[client-mariadb]\nsocket = /m.sock\n";
  EXPECT_EQ(ChangedWithFile(cnf, {"db"}), (Fields{{"user", "bob"},
                                                  {"routines", "1"},
                                                  {"max_allowed_packet", "67108864"},
                                                  {"where", "id < 10"},
                                                  {"port", "3310"},
                                                  {"socket", "/m.sock"}}));
}

TEST_F(MysqldumpOptionFilesTest, EntriesComeInFileOrderBeforeTheCommandLine) {
  // `skip-opt` then `quick` in a file: quick stays on, as with mysqldump.
  const Fields skip_opt_then_quick = {{"add_drop_table", "0"},  {"add_locks", "0"},
                                      {"create_options", "0"},  {"disable_keys", "0"},
                                      {"extended_insert", "0"}, {"lock_tables", "0"},
                                      {"set_charset", "0"}};
  EXPECT_EQ(ChangedWithFile("[mysqldump]\nskip-opt\nquick\n", {"db"}), skip_opt_then_quick);
  Fields quick_then_skip_opt = skip_opt_then_quick;
  quick_then_skip_opt["quick"] = "0";
  EXPECT_EQ(ChangedWithFile("[mysqldump]\nquick\nskip-opt\n", {"db"}), quick_then_skip_opt);
  // The command line comes after every file entry.
  EXPECT_EQ(ChangedWithFile("[mysqldump]\nroutines\nskip-add-drop-table\n",
                            {"--skip-routines", "--add-drop-table", "db"}),
            Fields{});
  EXPECT_EQ(ChangedWithFile("[client]\nuser=filebob\n[mysqldump]\nuser=dumpbob\n", {"db"}),
            (Fields{{"user", "dumpbob"}}));
  EXPECT_EQ(ChangedWithFile("[client]\nuser=filebob\n", {"-ucli", "db"}),
            (Fields{{"user", "cli"}}));
}

TEST_F(MysqldumpOptionFilesTest, UnknownKeysAreSkippedOnlyInSharedGroups) {
  // [client] holds other tools' options; a prefix of ours is not taken for ours there either.
  EXPECT_EQ(ChangedWithFile("[client]\nprompt=x\ndatabase=shop\nskip-ssl\n", {"db"}),
            (Fields{{"ssl_mode", "DISABLED"}}));
  Result<MysqldumpOptions> o = WithFile("[mysqldump]\nfrobnicate = 1\n", {"db"});
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().message(), "unknown option '--frobnicate' (in " + cnf_ + " [mysqldump])");
  o = WithFile("[mariadb-dump]\nlock\n", {"db"});
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().message(), "ambiguous option '--lock' (lock-all-tables, lock-tables) (in " +
                                      cnf_ + " [mariadb-dump])");
  // A known key with a bad value is an error in any group; a bare value option never takes the
  // command line's next word.
  o = WithFile("[client]\nport = abc\n", {"db"});
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().message(), "option '--port': 'abc' is not a number from 0 to 65535");
  o = WithFile("[client]\nhost\n", {"db"});
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().message(),
            "option '--host' requires an argument (in " + cnf_ + " [client])");
  // loose- on an unknown key in [mysqldump] is ignored with a note, as mysqldump ignores it.
  EXPECT_EQ(ChangedWithFile("[mysqldump]\nloose-no-such-option = 1\nloose_other = 2\n", {"db"}),
            (Fields{{"notes", "unknown option '--loose-no-such-option' ignored (in " + cnf_ +
                                  " [mysqldump])|unknown option '--loose-other' ignored (in " +
                                  cnf_ + " [mysqldump])"}}));
  // loose- on a known key works in files too.
  EXPECT_EQ(ChangedWithFile("[mysqldump]\nloose-quick = 0\n", {"db"}), (Fields{{"quick", "0"}}));
}

TEST_F(MysqldumpOptionFilesTest, DefaultsExtraFileAndHomeFile) {
  // These read /etc/my.cnf and /etc/mysql/my.cnf as well: assert only what the test files set.
  const std::string extra = dir_.File("extra.cnf");
  WriteFile(extra, "[mysqldump]\nevents\nuser = extra\n");
  WriteFile(dir_.File(".my.cnf"), "[mysqldump]\nuser = home\nflush-privileges\n");
  mysql::Environment env;
  env.vars["HOME"] = dir_.path();
  Result<MysqldumpOptions> o =
      ParseMysqldumpArgs({"--defaults-extra-file=" + extra, "db"}, {}, env);
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_TRUE(o->events);
  EXPECT_TRUE(o->flush_privileges);
  EXPECT_EQ(o->connection.user, "home");  // ~/.my.cnf is read after the extra file
  o = ParseMysqldumpArgs({"--defaults-extra-file=" + dir_.File("missing.cnf"), "db"}, {}, env);
  EXPECT_EQ(o.status().code(), StatusCode::kNotFound);
  o = ParseMysqldumpArgs({"--defaults-file=" + dir_.File("missing.cnf"), "db"}, {}, env);
  EXPECT_EQ(o.status().code(), StatusCode::kNotFound);
  // --no-defaults reads nothing, not even ~/.my.cnf.
  o = ParseMysqldumpArgs({"--no-defaults", "db"}, {}, env);
  ASSERT_TRUE(o.ok());
  EXPECT_FALSE(o->flush_privileges);
  EXPECT_EQ(o->connection.user, "");
}

TEST_F(MysqldumpOptionFilesTest, GroupSuffix) {
  WriteFile(cnf_,
            "[mysqldump]\nuser=plain\n[mysqldump_prod]\nuser=prod\n[client_prod]\nport=3311\n");
  Result<MysqldumpOptions> o = ParseMysqldumpArgs(
      {"--defaults-group-suffix=_prod", "--defaults-file=" + cnf_, "db"}, {}, {});
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->connection.user, "prod");
  EXPECT_EQ(o->connection.port, 3311u);
  EXPECT_EQ(o->connection.host, "") << "a port from a file does not mean TCP";
}

TEST_F(MysqldumpOptionFilesTest, PrintDefaults) {
  WriteFile(cnf_,
            "[client]\nuser = bob\npassword = secret\n[mysql]\nhost = x\n[mysqldump]\nquick\n");
  Result<MysqldumpOptions> o =
      ParseMysqldumpArgs({"--print-defaults", "--defaults-file=" + cnf_, "--routines"}, {}, {});
  ASSERT_TRUE(o.ok()) << o.status().ToString();  // nothing is parsed: no database needed
  EXPECT_TRUE(o->print_defaults);
  EXPECT_EQ(o->print_defaults_args,
            (Args{"--user=bob", "--password=*****", "--quick", "--routines"}));
  EXPECT_FALSE(o->routines);
  o = ParseMysqldumpArgs({"--routines", "--print-defaults"}, {}, {});
  EXPECT_EQ(o.status().message(),
            "option '--print-defaults' must come before every other argument, as in mysqldump");
}

// An application container's DB_* variables must not redirect a cron line's mysqldump: like
// mariadb-dump, this mode reads MYSQL_PWD and nothing of DB_* (the client library reads
// MYSQL_TCP_PORT and MYSQL_UNIX_PORT for what stays unset).
TEST_F(MysqldumpOptionFilesTest, TheEnvironmentIsMysqldumpsNotTheApplications) {
  mysql::Environment env;
  env.vars = {{"DB_HOST", "envhost"},
              {"DB_PORT", "3307"},
              {"DB_USERNAME", "envuser"},
              {"DB_PASSWORD", "envpw"},
              {"DB_DATABASE", "envdb"},
              {"MYSQL_PWD", "mysqlpw"},
              {"DB_PASSWORD_FILE", "/nonexistent"}};
  Result<MysqldumpOptions> o = testutil::Parse({"db"}, env);
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->connection.host, "");
  EXPECT_EQ(o->connection.port, 0u);
  EXPECT_EQ(o->connection.user, "");
  EXPECT_EQ(o->connection.password, "mysqlpw");
  EXPECT_EQ(o->connection.database, "");
  o = WithFile("[client]\nhost = filehost\nuser = fileuser\n", {"-u", "cliuser", "db"}, env);
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->connection.host, "filehost");
  EXPECT_EQ(o->connection.port, 0u);
  EXPECT_EQ(o->connection.user, "cliuser");
  EXPECT_EQ(o->connection.password, "mysqlpw");
}

TEST_F(MysqldumpOptionFilesTest, PasswordPrecedence) {
  mysql::Environment env;
  env.vars = {{"MYSQL_PWD", "envpw"}};
  const mysql::PasswordArg none;
  const mysql::PasswordArg given{true, "clipw"};
  const mysql::PasswordArg prompt{true, std::nullopt};
  Result<MysqldumpOptions> o = WithFile("[client]\npassword = filepw\n", {"db"}, env, none);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->connection.password, "filepw");
  o = WithFile("[client]\npassword = filepw\n", {"db"}, env, given);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->connection.password, "clipw");
  EXPECT_FALSE(o->connection.prompt_password);
  o = WithFile("[client]\npassword = filepw\n", {"db"}, env, prompt);
  ASSERT_TRUE(o.ok());
  EXPECT_TRUE(o->connection.prompt_password);
  EXPECT_EQ(o->connection.password, std::nullopt);
  o = WithFile("[mysqldump]\npassword\n", {"db"}, env, none);  // bare: ask on the terminal
  ASSERT_TRUE(o.ok());
  EXPECT_TRUE(o->connection.prompt_password);
  o = WithFile("[client]\n", {"db"}, env, none);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->connection.password, "envpw");
}

}  // namespace
}  // namespace myvault::mysqldump
