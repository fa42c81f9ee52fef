// Golden tests of the mysqldump-mode command line: argv -> the fields that differ from the
// defaults, exact error messages, option files, the environment and password precedence.
#include <gtest/gtest.h>

#include "mysqldump_options_test_helpers.h"
#include "myvault/mysqldump/options.h"

namespace myvault::mysqldump {
namespace {

using testutil::Args;
using testutil::Changed;
using testutil::Fields;
using testutil::Join;
using testutil::Parse;
using testutil::Summary;

TEST(MysqldumpOptionsTest, DefaultsAreMysqldumps) {
  Result<MysqldumpOptions> o = Parse({"shop"});
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  const Fields f = Summary(*o);
  const Fields expected = {{"mode", "tables"},
                           {"databases", "shop"},
                           {"tables", ""},
                           {"add_drop_table", "1"},
                           {"add_locks", "1"},
                           {"disable_keys", "1"},
                           {"create_options", "1"},
                           {"extended_insert", "1"},
                           {"lock_tables", "1"},
                           {"quick", "1"},
                           {"set_charset", "1"},
                           {"triggers", "1"},
                           {"tz_utc", "1"},
                           {"comments", "1"},
                           {"dump_date", "1"},
                           {"quote_names", "1"},
                           {"routines", "0"},
                           {"events", "0"},
                           {"single_transaction", "0"},
                           {"lock_all_tables", "0"},
                           {"compact", "0"},
                           {"no_data", "0"},
                           {"complete_insert", "0"},
                           {"hex_blob", "0"},
                           {"master_data", "0"},
                           {"dump_slave", "0"},
                           {"set_gtid_purged", "AUTO"},
                           {"default_character_set", "utf8mb4"},
                           {"max_allowed_packet", "16777216"},
                           {"net_buffer_length", "1046528"},
                           {"threads", "0"},
                           {"notes", ""},
                           {"host", ""},
                           {"port", "0"},
                           {"user", ""},
                           {"password", "(none)"},
                           {"prompt_password", "0"}};
  for (const auto& [name, value] : expected) EXPECT_EQ(f.at(name), value) << name;
}

struct GoldenCase {
  Args args;
  Fields changed;  // exactly the fields that differ from `mysqldump db`
};

const Fields kSkipOpt = {{"add_drop_table", "0"}, {"add_locks", "0"},       {"create_options", "0"},
                         {"disable_keys", "0"},   {"extended_insert", "0"}, {"lock_tables", "0"},
                         {"quick", "0"},          {"set_charset", "0"}};
const Fields kCompact = {{"compact", "1"},  {"add_drop_table", "0"}, {"add_locks", "0"},
                         {"comments", "0"}, {"disable_keys", "0"},   {"set_charset", "0"}};

Fields Merge(Fields a, const Fields& b) {
  for (const auto& [k, v] : b) a[k] = v;
  return a;
}

Fields Without(Fields a, const std::string& key) {
  a.erase(key);
  return a;
}

const GoldenCase kGolden[] = {
    // What to dump.
    {{"db"}, {}},
    {{"db", "t1", "t2"}, {{"tables", "t1,t2"}}},
    {{"-B", "a", "b"}, {{"mode", "databases"}, {"databases", "a,b"}}},
    {{"--databases", "db"}, {{"mode", "databases"}}},
    {{"-A"}, {{"mode", "all"}, {"databases", ""}}},
    {{"--all-databases", "--ignore-database=mysql", "--ignore-database", "sys"},
     {{"mode", "all"}, {"databases", ""}, {"ignore_databases", "mysql,sys"}}},
    {{"-B", "--tables", "db", "t"}, {{"tables", "t"}}},
    {{"--tables", "-B", "a", "b"}, {{"mode", "databases"}, {"databases", "a,b"}}},
    {{"--", "-odd-"}, {{"databases", "-odd-"}}},
    {{"db", "--routines", "t"}, {{"routines", "1"}, {"tables", "t"}}},
    {{"--ignore-table=db.a", "--ignore-table", "db.b", "db"}, {{"ignore_tables", "db.a,db.b"}}},
    {{"--where=id > 1", "db"}, {{"where", "id > 1"}}},
    {{"-w", "id > 1", "db"}, {{"where", "id > 1"}}},
    {{"-wid>1", "db"}, {{"where", "id>1"}}},
    // Every boolean form, on a default-off option...
    {{"--routines", "db"}, {{"routines", "1"}}},
    {{"-R", "db"}, {{"routines", "1"}}},
    {{"--routines=1", "db"}, {{"routines", "1"}}},
    {{"--routines=ON", "db"}, {{"routines", "1"}}},
    {{"--routines=true", "db"}, {{"routines", "1"}}},
    {{"--enable-routines", "db"}, {{"routines", "1"}}},
    {{"--skip-routines=0", "db"}, {{"routines", "1"}}},
    {{"--routines", "--skip-routines", "db"}, {}},
    {{"--routines", "--routines=off", "db"}, {}},
    // ... and on a default-on one.
    {{"--skip-add-drop-table", "db"}, {{"add_drop_table", "0"}}},
    {{"--disable-add-drop-table", "db"}, {{"add_drop_table", "0"}}},
    {{"--add-drop-table=0", "db"}, {{"add_drop_table", "0"}}},
    {{"--add-drop-table=OFF", "db"}, {{"add_drop_table", "0"}}},
    {{"--add-drop-table=False", "db"}, {{"add_drop_table", "0"}}},
    {{"--enable-add-drop-table=0", "db"}, {{"add_drop_table", "0"}}},
    {{"--skip-triggers", "--skip-tz-utc", "--skip-comments", "--skip-dump-date", "db"},
     {{"triggers", "0"}, {"tz_utc", "0"}, {"comments", "0"}, {"dump_date", "0"}}},
    {{"--skip-quote-names", "db"}, {{"quote_names", "0"}}},
    {{"--quote-names=0", "db"}, {{"quote_names", "0"}}},
    {{"--delayed-insert", "db"}, {{"delayed_insert", "1"}, {"add_locks", "0"}}},
    {{"--delayed-insert", "--add-locks", "db"}, {{"delayed_insert", "1"}, {"add_locks", "0"}}},
    {{"--order-by-size", "db"}, {{"order_by_size", "1"}}},
    {{"--disable-keys", "db"}, {}},  // the option named disable-keys, not a negation
    {{"--skip-disable-keys", "db"}, {{"disable_keys", "0"}}},
    {{"--skip-extended-insert", "db"}, {{"extended_insert", "0"}}},
    // --opt, --skip-opt and --compact, in both orders.
    {{"--opt", "db"}, {}},
    {{"--skip-opt", "db"}, kSkipOpt},
    {{"--skip-opt", "--quick", "db"}, Without(kSkipOpt, "quick")},
    {{"--quick", "--skip-opt", "db"}, kSkipOpt},
    {{"--skip-opt", "--opt", "db"}, {}},
    {{"--compact", "db"}, kCompact},
    {{"--compact", "--opt", "db"}, {{"compact", "1"}, {"comments", "0"}}},
    {{"--opt", "--compact", "db"}, kCompact},
    {{"--skip-opt", "--compact", "db"}, Merge(kSkipOpt, kCompact)},
    {{"--compact", "--skip-compact", "db"}, Without(kCompact, "compact")},
    {{"--compact=0", "db"}, {}},
    {{"--compact", "--add-locks", "db"}, Without(kCompact, "add_locks")},
    {{"-N", "db"}, {{"set_charset", "0"}}},
    // Locking and replication rules.
    {{"--single-transaction", "db"}, {{"single_transaction", "1"}, {"lock_tables", "0"}}},
    {{"-x", "db"}, {{"lock_all_tables", "1"}, {"lock_tables", "0"}}},
    {{"--skip-lock-tables", "db"}, {{"lock_tables", "0"}}},
    {{"--master-data", "db"},
     {{"master_data", "1"}, {"lock_all_tables", "1"}, {"lock_tables", "0"}}},
    {{"--master-data=2", "--single-transaction", "db"},
     {{"master_data", "2"}, {"single_transaction", "1"}, {"lock_tables", "0"}}},
    {{"--source-data=2", "db"},
     {{"master_data", "2"}, {"lock_all_tables", "1"}, {"lock_tables", "0"}}},
    {{"--master-data=7", "db"},
     {{"master_data", "2"},
      {"lock_all_tables", "1"},
      {"lock_tables", "0"},
      {"notes", "--master-data: 7 adjusted to 2"}}},
    {{"--master-data", "--skip-master-data", "db"}, {}},
    {{"--dump-slave", "db"}, {{"dump_slave", "1"}, {"lock_all_tables", "1"}, {"lock_tables", "0"}}},
    {{"--dump-replica=2", "--single-transaction", "db"},
     {{"dump_slave", "2"}, {"single_transaction", "1"}, {"lock_tables", "0"}}},
    {{"--dump-slave=2", "--master-data=1", "--gtid", "db"},
     {{"dump_slave", "2"},
      {"master_data", "1"},
      {"gtid", "1"},
      {"lock_all_tables", "1"},
      {"lock_tables", "0"}}},
    {{"--include-source-host-port", "--apply-replica-statements", "db"},
     {{"include_master_host_port", "1"}, {"apply_slave_statements", "1"}}},
    {{"--set-gtid-purged=commented", "db"}, {{"set_gtid_purged", "COMMENTED"}}},
    // Short options: clusters, attached and separate values.
    {{"-cqeRE", "db"}, {{"complete_insert", "1"}, {"routines", "1"}, {"events", "1"}}},
    {{"-dtn", "db"}, {{"no_data", "1"}, {"no_create_info", "1"}, {"no_create_db", "1"}}},
    {{"-uroot", "-hdb.example", "-P3307", "-S", "/s.sock", "db"},
     {{"user", "root"}, {"host", "db.example"}, {"port", "3307"}, {"socket", "/s.sock"}}},
    {{"-u", "root", "-Fyfv", "db"},
     {{"user", "root"},
      {"flush_logs", "1"},
      {"no_tablespaces", "1"},
      {"force", "1"},
      {"verbose", "1"}}},
    {{"-croutines", "db"}, {{"complete_insert", "1"}, {"result_file", "outines"}}},  // -c -r...
    // Long options: prefixes, underscores, separate values.
    {{"--single", "db"}, {{"single_transaction", "1"}, {"lock_tables", "0"}}},
    {{"--single_transaction", "db"}, {{"single_transaction", "1"}, {"lock_tables", "0"}}},
    {{"--no-create-i", "--rout", "db"}, {{"no_create_info", "1"}, {"routines", "1"}}},
    {{"--skip-trig", "db"}, {{"triggers", "0"}}},
    {{"--user", "root", "--host=h", "--port", "3308", "db"},
     {{"user", "root"}, {"host", "h"}, {"port", "3308"}}},
    {{"--result-file=out.sql", "--log-error", "err.log", "db"},
     {{"result_file", "out.sql"}, {"log_error", "err.log"}}},
    {{"-r", "out.sql", "db"}, {{"result_file", "out.sql"}}},
    // Values and sizes.
    {{"--max-allowed-packet=1G", "--net-buffer-length=64k", "db"},
     {{"max_allowed_packet", "1073741824"}, {"net_buffer_length", "65536"}}},
    {{"--max-allowed-packet=1024", "db"},
     {{"max_allowed_packet", "4096"}, {"notes", "--max-allowed-packet: 1024 adjusted to 4096"}}},
    {{"--net-buffer-length=5000", "db"},
     {{"net_buffer_length", "4096"}, {"notes", "--net-buffer-length: 5000 adjusted to 4096"}}},
    {{"--max-statement-time=1.5", "--threads", "4", "db"},
     {{"max_statement_time", "1.500000"}, {"threads", "4"}}},
    {{"--default-character-set=latin1", "db"},
     {{"default_character_set", "latin1"}, {"conn_charset", "latin1"}}},
    {{"--skip-definer", "--hex-blob", "--replace", "--insert-ignore", "--add-drop-trigger", "db"},
     {{"skip_definer", "1"},
      {"hex_blob", "1"},
      {"replace", "1"},
      {"insert_ignore", "1"},
      {"add_drop_trigger", "1"}}},
    {{"--xml", "db"}, {{"xml", "1"}}},
    {{"-X", "--force", "db"}, {{"xml", "1"}, {"force", "1"}}},
    // System-versioned tables (MariaDB).
    {{"--dump-history", "db"}, {{"dump_history", "1"}}},
    {{"-H", "db"}, {{"dump_history", "1"}}},
    {{"--as-of=2020-01-01 00:00:00", "db"}, {{"as_of", "2020-01-01 00:00:00"}}},
    {{"--add-drop-database", "--flush-privileges", "--order-by-primary", "db"},
     {{"add_drop_database", "1"}, {"flush_privileges", "1"}, {"order_by_primary", "1"}}},
    // Connection and TLS.
    {{"--protocol=tcp", "db"}, {{"host", "127.0.0.1"}}},
    {{"-h", "db.example", "--protocol=SOCKET", "db"}, {{"host", "localhost"}}},
    // A port on the command line means TCP (MariaDB's clients), the last of -P/-S/--protocol
    // wins; a port in an option file does not (MysqldumpOptionFilesTest).
    {{"-P", "3307", "db"}, {{"port", "3307"}, {"host", "127.0.0.1"}}},
    {{"-P3307", "-S", "/s", "db"}, {{"port", "3307"}, {"socket", "/s"}}},
    {{"--socket=/s", "--port=3307", "db"},
     {{"port", "3307"}, {"socket", "/s"}, {"host", "127.0.0.1"}}},
    {{"-P", "3307", "--protocol=socket", "db"}, {{"port", "3307"}, {"host", "localhost"}}},
    {{"--protocol=tcp", "-S", "/s", "db"}, {{"socket", "/s"}}},
    {{"--skip-ssl", "db"}, {{"ssl_mode", "DISABLED"}}},
    {{"--ssl-mode=required", "--ssl-ca=/ca.pem", "db"},
     {{"ssl_mode", "REQUIRED"}, {"ssl_ca", "/ca.pem"}}},
    {{"--pass=pw", "db"}, {{"password", "pw"}}},
    // Accepted with a note, once each.
    {{"--column-statistics", "--column-statistics", "db"},
     {{"notes", "--column-statistics: MySQL 8 only; ignored"}}},
    {{"--skip-column-statistics", "db"}, {}},
    {{"-C", "--log-queries=0", "db"}, {{"compress", "1"}, {"notes", "--log-queries: ignored"}}},
    {{"--compress", "--skip-compress", "db"}, {}},
    {{"-#d:t", "db"}, {{"notes", "--debug: ignored"}}},
    {{"--loose-frobnicate=3", "db"}, {{"notes", "unknown option '--loose-frobnicate' ignored"}}},
    {{"--loose-quick=0", "--skip-loose-routines=0", "db"}, {{"quick", "0"}, {"routines", "1"}}},
    // --help and --version stop the parse: no database needed, later errors unseen.
    {{"--help", "--frobnicate"}, {{"help", "1"}, {"databases", ""}}},
    {{"-?"}, {{"help", "1"}, {"databases", ""}}},
    {{"-V"}, {{"version", "1"}, {"databases", ""}}},
};

TEST(MysqldumpOptionsTest, Golden) {
  for (const GoldenCase& c : kGolden) {
    SCOPED_TRACE(Join(c.args, " "));
    Result<MysqldumpOptions> o = Parse(c.args);
    ASSERT_TRUE(o.ok()) << o.status().ToString();
    EXPECT_EQ(Changed(*o), c.changed);
  }
}

// --compatible=LIST: mariadb-dump's modes in any case, by name or a prefix of one alone, kept
// each once, upper case, in mariadb-dump's order; it turns --quote-names on and --set-charset off.
TEST(MysqldumpOptionsTest, CompatibleNormalizesItsList) {
  const Fields off = {{"set_charset", "0"}};
  const std::pair<Args, std::string> cases[] = {
      {{"--compatible=ansi", "db"}, "ANSI"},
      {{"--compatible=Ansi,POSTGRESQL", "db"}, "POSTGRESQL,ANSI"},
      {{"--compatible=ans", "db"}, "ANSI"},
      {{"--compatible=ansi,,no_table_options,ANSI,", "db"}, "NO_TABLE_OPTIONS,ANSI"},
      {{"--compatible=mysql40,db2,NO_KEY_OPTIONS,no_field", "db"},
       "MYSQL40,DB2,NO_KEY_OPTIONS,NO_FIELD_OPTIONS"},
      {{"--compatible=oracle,mssql,maxdb,mysql323", "db"}, "MYSQL323,ORACLE,MSSQL,MAXDB"},
  };
  for (const auto& [args, list] : cases) {
    SCOPED_TRACE(Join(args, " "));
    Result<MysqldumpOptions> o = Parse(args);
    ASSERT_TRUE(o.ok()) << o.status().ToString();
    EXPECT_EQ(Changed(*o), Merge(off, {{"compatible", list}}));
  }
  Result<MysqldumpOptions> quoted = Parse({"--skip-quote-names", "--compatible=ansi", "db"});
  ASSERT_TRUE(quoted.ok()) << quoted.status().ToString();
  EXPECT_TRUE(quoted->quote_names);
  Result<MysqldumpOptions> bare = Parse({"--compatible=ansi", "--skip-quote-names", "db"});
  ASSERT_TRUE(bare.ok()) << bare.status().ToString();
  EXPECT_FALSE(bare->quote_names);
}

TEST(MysqldumpOptionsTest, CompatibleAnsiQuotesModes) {
  const std::pair<std::string, bool> cases[] = {{"ansi", true},
                                                {"postgresql", true},
                                                {"oracle", true},
                                                {"mssql", true},
                                                {"db2", true},
                                                {"maxdb", true},
                                                {"no_table_options", false},
                                                {"mysql40,no_key_options", false},
                                                {"no_field_options,db2", true}};
  for (const auto& [list, ansi] : cases) {
    SCOPED_TRACE(list);
    Result<MysqldumpOptions> o = Parse({"--compatible=" + list, "db"});
    ASSERT_TRUE(o.ok()) << o.status().ToString();
    EXPECT_EQ(AnsiQuotes(*o), ansi);
  }
  EXPECT_FALSE(AnsiQuotes(MysqldumpOptions()));
}

}  // namespace
}  // namespace myvault::mysqldump
