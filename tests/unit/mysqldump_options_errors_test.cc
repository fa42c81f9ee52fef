// The mysqldump-mode command line: exact error messages, and coverage of every option that
// mariadb-dump 10.11 lists in its --help (recognised: implemented, noted or rejected).
#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "mysqldump/options_internal.h"
#include "mysqldump_options_test_helpers.h"

namespace myvault::mysqldump {
namespace {

using testutil::Args;
using testutil::Join;
using testutil::Parse;

struct ErrorCase {
  Args args;
  std::string message;
};

const std::string kUnsupported = "' is not supported by myvault's mysqldump mode: ";

const ErrorCase kErrors[] = {
    {{"--frobnicate", "db"}, "unknown option '--frobnicate'"},
    {{"--frobnicate=1", "db"}, "unknown option '--frobnicate'"},
    {{"--skip-frobnicate", "db"}, "unknown option '--skip-frobnicate'"},
    {{"--enable-keys", "db"}, "unknown option '--enable-keys'"},
    {{"-j", "db"}, "unknown option '-j'"},
    {{"-cj", "db"}, "unknown option '-j'"},
    {{"--lock", "db"}, "ambiguous option '--lock' (lock-all-tables, lock-tables)"},
    {{"--skip-lock", "db"}, "ambiguous option '--skip-lock' (lock-all-tables, lock-tables)"},
    {{"--all=1", "db"},
     "ambiguous option '--all' (all-databases, all-tablespaces, allow-keywords)"},
    {{},
     "no database given: name one (`db [table ...]`), or use --databases db ... or "
     "--all-databases"},
    {{"-B"},
     "no database given: name one (`db [table ...]`), or use --databases db ... or "
     "--all-databases"},
    {{"-A", "db"}, "--all-databases takes no database or table names (got 'db')"},
    {{"--ignore-table=t", "db"}, "Illegal use of option --ignore-table=<database>.<table>"},
    {{"--ignore-database=mysql", "db"},
     "--ignore-database can only be used together with --all-databases"},
    {{"--single-transaction", "-x", "db"},
     "--single-transaction and --lock-all-tables cannot be used together"},
    {{"--master-data", "--dump-slave", "db"},
     "--master-data=1 and --dump-slave=1 cannot be used together (two active CHANGE MASTER "
     "statements); make one of them 2, commented out"},
    {{"--dump-history", "--as-of=2020-01-01", "db"}, "--dump-history can't be used with --as-of"},
    {{"--order-by-size", "db", "t"}, "--order-by-size can't be used when dumping selected tables"},
    {{"--system=plugn", "db"},
     "--system=plugn: not one of all, users, plugins, udfs, servers, stats, timezones "
     "(or a prefix of one of them alone)"},
    {{"--system=users,s", "-A"},
     "--system=s: not one of all, users, plugins, udfs, servers, stats, timezones "
     "(or a prefix of one of them alone)"},
    // mariadb-dump's words for an unknown --compatible mode (or a prefix of several).
    {{"--compatible=foo", "db"}, "Invalid mode to --compatible: foo"},
    {{"--compatible=ANSI,oracle foo", "db"}, "Invalid mode to --compatible: oracle foo"},
    {{"--compatible=no", "db"}, "Invalid mode to --compatible: no"},
    // mariadb-dump's words for --tab's formatting options without --tab.
    {{"--header", "db"}, "You must use option --tab with --header"},
    {{"--fields-terminated-by=,", "db"}, "You must use option --tab with --fields-..."},
    {{"--lines-terminated-by=x", "--header", "db"}, "You must use option --tab with --fields-..."},
    {{"--delete-master-logs", "db"},
     "option '--delete-master-logs" + kUnsupported + "myvault never deletes binary logs"},
    {{"--quick=maybe", "db"},
     "option '--quick': 'maybe' is not a boolean (1, 0, ON, OFF, TRUE or FALSE)"},
    {{"--opt=1", "db"}, "option '--opt' cannot take an argument"},
    {{"--skip-tables", "db"}, "option '--tables' has no --skip-, --disable- or --enable- form"},
    {{"--skip-host", "db"}, "option '--host' takes a value and cannot be negated"},
    {{"--skip-master-data=1", "db"}, "option '--skip-master-data' cannot take an argument"},
    {{"db", "-u"}, "option '-u' requires an argument"},
    {{"db", "--where"}, "option '--where' requires an argument"},
    {{"--port=abc", "db"}, "option '--port': 'abc' is not a number from 0 to 65535"},
    {{"--port=70000", "db"}, "option '--port': '70000' is not a number from 0 to 65535"},
    {{"--master-data=x", "db"}, "option '--master-data': 'x' is not a number from 0 to 4294967295"},
    {{"--net-buffer-length=1X", "db"},
     "option '--net-buffer-length': '1X' is not a number (K, M, G, T, P and E suffixes allowed)"},
    {{"--max-statement-time=-1", "db"},
     "option '--max-statement-time': '-1' is not a number of seconds"},
    {{"--set-gtid-purged=maybe", "db"},
     "option '--set-gtid-purged': 'maybe' is not one of OFF, ON, AUTO, COMMENTED"},
    {{"--protocol=pipe", "db"}, "option '--protocol': PIPE is for Windows; use TCP or SOCKET"},
    {{"--ssl-mode=bogus", "db"},
     "ssl-mode 'bogus' is not one of DISABLED, PREFERRED, REQUIRED, VERIFY_CA, VERIFY_IDENTITY"},
    {{"--quick", "--no-defaults", "db"},
     "option '--no-defaults' must come before every other argument, as in mysqldump"},
    {{"db", "--defaults-file=/etc/my.cnf"},
     "option '--defaults-file' must come before every other argument, as in mysqldump"},
};

TEST(MysqldumpOptionsErrorsTest, ExactMessages) {
  for (const ErrorCase& c : kErrors) {
    SCOPED_TRACE(Join(c.args, " "));
    Result<MysqldumpOptions> o = Parse(c.args);
    ASSERT_FALSE(o.ok());
    EXPECT_EQ(o.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(o.status().message(), c.message);
  }
}

// Options that change nothing written are accepted without a note: a line on stderr would
// change what scripts (and MariaDB's own main.mysqldump-max) compare.
TEST(MysqldumpOptionsErrorsTest, OptionsWithoutEffectAreSilent) {
  for (const char* option : {"--allow-keywords", "--plugin-dir=/x", "--character-sets-dir=/y"}) {
    Result<MysqldumpOptions> o = Parse({option, "db"});
    ASSERT_TRUE(o.ok()) << option << ": " << o.status().message();
    EXPECT_TRUE(o->notes.empty()) << option << ": " << Join(o->notes, "; ");
  }
}

// The parts as a tuple, in the order of MysqldumpOptions::System.
std::vector<bool> Parts(const MysqldumpOptions::System& s) {
  return {s.plugins, s.users, s.udfs, s.servers, s.stats, s.timezones};
}

TEST(MysqldumpOptionsErrorsTest, SystemAloneDumpsOnlyTheSystemParts) {
  Result<MysqldumpOptions> alone = Parse({"--system=users"});
  ASSERT_TRUE(alone.ok()) << alone.status().message();
  EXPECT_EQ(Parts(alone->system), std::vector<bool>({false, true, false, false, false, false}));
  EXPECT_TRUE(alone->only_system);
  Result<MysqldumpOptions> stats = Parse({"--system=stats"});
  ASSERT_TRUE(stats.ok()) << stats.status().message();
  EXPECT_TRUE(stats->only_system);
  EXPECT_EQ(stats->mode, MysqldumpOptions::Mode::kAll);
  Result<MysqldumpOptions> all = Parse({"-A", "--system=all"});
  ASSERT_TRUE(all.ok()) << all.status().message();
  EXPECT_EQ(Parts(all->system), std::vector<bool>(6, true));
  EXPECT_FALSE(all->only_system);
  EXPECT_EQ(all->mode, MysqldumpOptions::Mode::kAll);
  EXPECT_TRUE(all->notes.empty());
  Result<MysqldumpOptions> none = Parse({"db"});
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->system.any());
}

TEST(MysqldumpOptionsErrorsTest, SystemTakesACommaSeparatedListAndRepeats) {
  Result<MysqldumpOptions> o = Parse({"--system=servers,udfs", "--system=timezones,plugins", "db"});
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_EQ(Parts(o->system), std::vector<bool>({true, false, true, true, false, true}));
  EXPECT_FALSE(o->only_system);
  EXPECT_EQ(o->mode, MysqldumpOptions::Mode::kTables);
}

// As mariadb-dump's option lists: a prefix that names one value alone, in any case
// (MariaDB's main.mysqldump-system-incomplete passes --system=user).
TEST(MysqldumpOptionsErrorsTest, SystemTakesAPrefixThatNamesOneValue) {
  Result<MysqldumpOptions> o = Parse({"--system=user,TIME,p", "db"});
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_EQ(Parts(o->system), std::vector<bool>({true, true, false, false, false, true}));
  Result<MysqldumpOptions> all = Parse({"--system=a", "db"});
  ASSERT_TRUE(all.ok()) << all.status().message();
  EXPECT_EQ(Parts(all->system), std::vector<bool>(6, true));
  EXPECT_FALSE(Parse({"--system=u", "db"}).ok()) << "u is users or udfs";
}

TEST(MysqldumpOptionsErrorsTest, LeadingDefaultsOptions) {
  const auto message = [](const Args& args) {
    return ParseMysqldumpArgs(args, {}, {}).status().message();
  };
  EXPECT_EQ(message({"--defaults-file", "db"}),
            "option '--defaults-file' needs a value: --defaults-file=VALUE");
  EXPECT_EQ(message({"--no-defaults", "--no-defaults", "db"}),
            "option '--no-defaults' given twice");
  EXPECT_EQ(message({"--no-defaults", "--defaults-file=/x.cnf", "db"}),
            "--no-defaults cannot be combined with --defaults-file or --defaults-extra-file");
}

// Every option in `mariadb-dump --help` (Ver 10.19 Distrib 10.11.19-MariaDB), with its short form.
const std::pair<std::string_view, char> kMariadbDumpHelp[] = {
    {"add-drop-database", 0},
    {"add-drop-table", 0},
    {"add-drop-trigger", 0},
    {"add-locks", 0},
    {"all-databases", 'A'},
    {"all-tablespaces", 'Y'},
    {"allow-keywords", 0},
    {"apply-slave-statements", 0},
    {"as-of", 0},
    {"character-sets-dir", 0},
    {"comments", 'i'},
    {"compact", 0},
    {"compatible", 0},
    {"complete-insert", 'c'},
    {"compress", 'C'},
    {"copy-s3-tables", 0},
    {"create-options", 'a'},
    {"databases", 'B'},
    {"debug", '#'},
    {"debug-check", 0},
    {"debug-info", 0},
    {"default-auth", 0},
    {"default-character-set", 0},
    {"delayed-insert", 0},
    {"delete-master-logs", 0},
    {"disable-keys", 'K'},
    {"dump-date", 0},
    {"dump-history", 'H'},
    {"dump-slave", 0},
    {"events", 'E'},
    {"extended-insert", 'e'},
    {"fields-enclosed-by", 0},
    {"fields-escaped-by", 0},
    {"fields-optionally-enclosed-by", 0},
    {"fields-terminated-by", 0},
    {"flush-logs", 'F'},
    {"flush-privileges", 0},
    {"force", 'f'},
    {"galera-info", 0},
    {"gtid", 0},
    {"header", 0},
    {"help", '?'},
    {"hex-blob", 0},
    {"host", 'h'},
    {"ignore-database", 0},
    {"ignore-table", 0},
    {"ignore-table-data", 0},
    {"include-master-host-port", 0},
    {"insert-ignore", 0},
    {"lines-terminated-by", 0},
    {"lock-all-tables", 'x'},
    {"lock-tables", 'l'},
    {"log-error", 0},
    {"log-queries", 0},
    {"master-data", 0},
    {"max-allowed-packet", 0},
    {"max-statement-time", 0},
    {"net-buffer-length", 0},
    {"no-autocommit", 0},
    {"no-create-db", 'n'},
    {"no-create-info", 't'},
    {"no-data", 'd'},
    {"no-data-med", 0},
    {"no-set-names", 'N'},
    {"no-tablespaces", 'y'},
    {"opt", 0},
    {"order-by-primary", 0},
    {"order-by-size", 0},
    {"password", 'p'},
    {"plugin-dir", 0},
    {"port", 'P'},
    {"protocol", 0},
    {"quick", 'q'},
    {"quote-names", 'Q'},
    {"replace", 0},
    {"result-file", 'r'},
    {"routines", 'R'},
    {"set-charset", 0},
    {"single-transaction", 0},
    {"skip-opt", 0},
    {"socket", 'S'},
    {"ssl", 0},
    {"ssl-ca", 0},
    {"ssl-capath", 0},
    {"ssl-cert", 0},
    {"ssl-cipher", 0},
    {"ssl-crl", 0},
    {"ssl-crlpath", 0},
    {"ssl-key", 0},
    {"ssl-verify-server-cert", 0},
    {"system", 0},
    {"tab", 'T'},
    {"tables", 0},
    {"tls-version", 0},
    {"triggers", 0},
    {"tz-utc", 0},
    {"user", 'u'},
    {"verbose", 'v'},
    {"version", 'V'},
    {"where", 'w'},
    {"xml", 'X'},
};

// MySQL 8 mysqldump names that mariadb-dump lacks.
const std::string_view kMysql8Only[] = {"apply-replica-statements",
                                        "column-statistics",
                                        "delete-source-logs",
                                        "dump-replica",
                                        "include-source-host-port",
                                        "network-timeout",
                                        "set-gtid-purged",
                                        "source-data",
                                        "ssl-mode",
                                        "compression-algorithms",
                                        "zstd-compression-level",
                                        "skip-generated-invisible-primary-key"};

const internal::OptionSpec* FindSpec(std::string_view name) {
  for (const internal::OptionSpec& s : internal::OptionTable()) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

TEST(MysqldumpOptionsErrorsTest, EveryMariadbDumpOptionIsRecognised) {
  for (const auto& [name, short_name] : kMariadbDumpHelp) {
    SCOPED_TRACE(name);
    const internal::OptionSpec* spec = FindSpec(name);
    ASSERT_NE(spec, nullptr);
    EXPECT_EQ(spec->short_name, short_name);
    // Through the parser too: whatever the value does, the name is known.
    const std::string message = Parse({"--" + std::string(name), "db"}).status().message();
    EXPECT_EQ(message.find("unknown option"), std::string::npos) << message;
    EXPECT_EQ(message.find("ambiguous"), std::string::npos) << message;
  }
  EXPECT_EQ(std::size(kMariadbDumpHelp), 101u);
  for (std::string_view name : kMysql8Only) EXPECT_NE(FindSpec(name), nullptr) << name;
}

TEST(MysqldumpOptionsErrorsTest, TableIsSortedUniqueAndDocumented) {
  std::set<char> shorts;
  std::string_view previous;
  for (const internal::OptionSpec& s : internal::OptionTable()) {
    EXPECT_LT(previous, s.name);
    previous = s.name;
    EXPECT_FALSE(s.help.empty()) << s.name;
    if (s.short_name != 0) {
      EXPECT_TRUE(shorts.insert(s.short_name).second) << s.short_name;
    }
    EXPECT_FALSE(!s.note.empty() && !s.reject.empty()) << s.name;
  }
}

TEST(MysqldumpOptionsErrorsTest, HelpHasUsageAndOneLinePerOption) {
  const std::string help = MysqldumpHelp("mariadb-dump");
  EXPECT_EQ(help.rfind("Usage: mariadb-dump [OPTIONS] database [tables]\n", 0), 0u);
  EXPECT_NE(help.find("\n  -A, --all-databases "), std::string::npos);
  EXPECT_NE(help.find("\n  -p, --password[=name] "), std::string::npos);
  EXPECT_NE(help.find("\n  -P, --port=# "), std::string::npos);
  EXPECT_NE(help.find("\n  -T, --tab=name "), std::string::npos);
  EXPECT_NE(help.find("(not supported)"), std::string::npos);
  for (const internal::OptionSpec& s : internal::OptionTable()) {
    EXPECT_NE(help.find("--" + std::string(s.name)), std::string::npos) << s.name;
  }
}

}  // namespace
}  // namespace myvault::mysqldump
