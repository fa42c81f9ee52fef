// Options of mariadb-dump that myvault's mysqldump mode refused before (issue 14 point 11), each
// run through both tools on the same server: --ignore-table-data writes the table's definition
// and no rows, --disable-default-character-set (--skip-) goes back to the default, and
// --compatible writes the CREATE texts and the names as mariadb-dump does.
#include "mysqldump_fixture.h"

namespace myvault::it {
namespace {

constexpr char kDb[] = "mv_md_compat";

bool HasRows(const std::string& sql) { return sql.find("(1,'one')") != std::string::npos; }

class MysqldumpCompatOptions : public MysqldumpTest {
 protected:
  void Prepare() override {
    ASSERT_OK(source_->Exec(std::string("DROP DATABASE IF EXISTS ") + kDb + "; CREATE DATABASE " +
                            kDb + "; CREATE TABLE " + kDb +
                            ".a (id INT PRIMARY KEY, v VARCHAR(10)); INSERT INTO " + kDb +
                            ".a VALUES (1, 'one'); CREATE TABLE " + kDb + ".b LIKE " + kDb +
                            ".a; INSERT INTO " + kDb + ".b VALUES (1, 'one')"));
  }
};

// In a database's dump the table comes without rows and the others with theirs; a table named
// on the command line is dumped whole, as mariadb-dump does.
TEST_F(MysqldumpCompatOptions, IgnoreTableDataKeepsTheDefinitionWithoutRows) {
  const std::string option = "--ignore-table-data=" + std::string(kDb) + ".a";
  for (const bool named : {false, true}) {
    std::vector<std::string> args = {option, kDb};
    if (named) args.push_back("a");
    ASSERT_OK_AND_ASSIGN(CommandResult stock, MariadbDump(args));
    ASSERT_OK_AND_ASSIGN(CommandResult ours, Mysqldump(args));
    ASSERT_EQ(stock.exit_code, 0) << stock.Describe();
    ASSERT_EQ(ours.exit_code, 0) << ours.Describe();
    for (const CommandResult* r : {&stock, &ours}) {
      const size_t a = r->out.find("CREATE TABLE `a`");
      ASSERT_NE(a, std::string::npos) << r->out;
      const size_t b = r->out.find("CREATE TABLE `b`");
      EXPECT_EQ(HasRows(r->out.substr(a, b == std::string::npos ? b : b - a)), named) << r->out;
      if (!named) EXPECT_TRUE(HasRows(r->out.substr(b))) << "b keeps its rows: " << r->out;
    }
  }
  ASSERT_OK_AND_ASSIGN(CommandResult bad, Mysqldump({"--ignore-table-data=a", kDb}));
  EXPECT_EQ(bad.exit_code, 2) << bad.Describe();
}

TEST_F(MysqldumpCompatOptions, DisableDefaultCharacterSetIsTheDefault) {
  for (const char* option : {"--disable-default-character-set", "--skip-default-character-set"}) {
    const std::vector<std::string> args = {"--default-character-set=latin1", option, kDb, "a"};
    ASSERT_OK_AND_ASSIGN(CommandResult stock, MariadbDump(args));
    ASSERT_OK_AND_ASSIGN(CommandResult ours, Mysqldump(args));
    ASSERT_EQ(stock.exit_code, 0) << stock.Describe();
    ASSERT_EQ(ours.exit_code, 0) << option << ": " << ours.Describe();
    EXPECT_NE(ours.out.find("SET NAMES utf8mb4"), std::string::npos) << ours.out;
    EXPECT_TRUE(HasRows(ours.out)) << ours.out;
  }
}

// --skip-create-options: CREATE TABLE without ENGINE=, DEFAULT CHARSET=, COMMENT=: the same text
// as mariadb-dump's (which reads it under sql_mode NO_TABLE_OPTIONS), also for a partitioned table.
TEST_F(MysqldumpCompatOptions, SkipCreateOptionsLeavesOutTheTableOptions) {
  ASSERT_OK(source_->Exec(std::string("CREATE TABLE ") + kDb +
                          ".p (id INT PRIMARY KEY, c VARCHAR(5) COMMENT 'x') ENGINE=MyISAM "
                          "COMMENT='t)' PARTITION BY HASH (id) PARTITIONS 2"));
  auto create_of = [](const std::string& sql, const std::string& table) {
    const size_t at = sql.find("CREATE TABLE `" + table + "`");
    return at == std::string::npos ? std::string() : sql.substr(at, sql.find(";\n", at) - at);
  };
  const std::vector<std::string> args = {"--skip-create-options", kDb};
  ASSERT_OK_AND_ASSIGN(CommandResult stock, MariadbDump(args));
  ASSERT_OK_AND_ASSIGN(CommandResult ours, Mysqldump(args));
  ASSERT_EQ(stock.exit_code, 0) << stock.Describe();
  ASSERT_EQ(ours.exit_code, 0) << ours.Describe();
  EXPECT_EQ(ours.err, "") << "honoured, so no note";
  for (const char* table : {"a", "p"}) {
    EXPECT_NE(create_of(stock.out, table), "") << stock.out;
    EXPECT_EQ(create_of(ours.out, table), create_of(stock.out, table)) << table;
  }
  EXPECT_EQ(create_of(ours.out, "a").find("ENGINE="), std::string::npos) << ours.out;
}

// --compress (-C) compresses the client/server protocol, as mariadb-dump's does: the server sends
// a fraction of the bytes for the same, very compressible rows (its Bytes_sent counter), and the
// dump is the same text. Before, myvault ignored it with a note.
TEST_F(MysqldumpCompatOptions, CompressShrinksWhatTheServerSends) {
  ASSERT_OK(source_->Exec(std::string("CREATE TABLE ") + kDb +
                          ".z (id INT PRIMARY KEY, pad VARCHAR(200)); INSERT INTO " + kDb +
                          ".z SELECT seq, REPEAT('abcd', 50) FROM mysql.seq_1_to_20000"));
  auto sent = [&](const std::vector<std::string>& args, std::string* out) -> Result<double> {
    ASSIGN_OR_RETURN(std::string before, source_->QueryValue("SELECT VARIABLE_VALUE FROM "
                                                             "information_schema.GLOBAL_STATUS "
                                                             "WHERE VARIABLE_NAME = 'BYTES_SENT'"));
    ASSIGN_OR_RETURN(CommandResult r, Mysqldump(args));
    if (r.exit_code != 0) return Internal(r.Describe());
    if (!r.err.empty()) return Internal("a note on stderr: " + r.err);
    *out = r.out;
    ASSIGN_OR_RETURN(std::string after, source_->QueryValue("SELECT VARIABLE_VALUE FROM "
                                                            "information_schema.GLOBAL_STATUS "
                                                            "WHERE VARIABLE_NAME = 'BYTES_SENT'"));
    return std::stod(after) - std::stod(before);
  };
  std::string plain_out, compressed_out;
  const std::vector<std::string> args = {"--skip-dump-date", "--threads=1", kDb, "z"};
  ASSERT_OK_AND_ASSIGN(double plain, sent(args, &plain_out));
  std::vector<std::string> with = args;
  with.insert(with.begin(), "-C");
  ASSERT_OK_AND_ASSIGN(double compressed, sent(with, &compressed_out));
  EXPECT_GT(plain, 4e6) << "20,000 rows of 200 bytes";
  EXPECT_LT(compressed, plain / 4) << "plain " << plain << " bytes, compressed " << compressed;
  EXPECT_EQ(compressed_out, plain_out);
}

// The statement of `sql` that starts with `head`, up to its ";\n"; "" when there is none.
std::string StatementOf(const std::string& sql, const std::string& head) {
  const size_t at = sql.find(head);
  return at == std::string::npos ? std::string() : sql.substr(at, sql.find(";\n", at) - at);
}

// --compatible=ansi: the CREATE texts as the server writes them under sql_mode ANSI ("double
// quotes", no table options, a view without ALGORITHM and DEFINER), the same as mariadb-dump's;
// every name the script writes in double quotes; no SET NAMES; the mode in the header's
// SQL_MODE. The dump (with a routine and a trigger) loads back with the stock client.
TEST_F(MysqldumpCompatOptions, CompatibleAnsiWritesWhatMariadbDumpWritesAndRestores) {
  const std::string db = kDb;
  ASSERT_OK(source_->Exec(
      "CREATE TABLE " + db +
      ".w (id INT PRIMARY KEY AUTO_INCREMENT, `we\"ird` VARCHAR(20), n INT, KEY kn (n)) "
      "ENGINE=InnoDB; INSERT INTO " +
      db + ".w VALUES (1, 'a\"b', 3), (2, NULL, 4); CREATE VIEW " + db + ".v AS SELECT id FROM " +
      db + ".w; CREATE PROCEDURE " + db + ".p() SELECT 1; CREATE TRIGGER " + db +
      ".tr BEFORE INSERT ON " + db + ".w FOR EACH ROW SET NEW.n = NEW.n + 1"));
  const std::vector<std::string> args = {"--skip-dump-date", "--compatible=ansi", "--routines",
                                         kDb};
  ASSERT_OK_AND_ASSIGN(CommandResult stock, MariadbDump(args));
  ASSERT_OK_AND_ASSIGN(CommandResult ours, Mysqldump(args));
  ASSERT_EQ(stock.exit_code, 0) << stock.Describe();
  ASSERT_EQ(ours.exit_code, 0) << ours.Describe();
  EXPECT_EQ(ours.err, "") << "honoured, so no note";
  const std::string create = StatementOf(stock.out, "CREATE TABLE \"w\"");
  EXPECT_NE(create.find("\"we\"\"ird\" varchar(20)"), std::string::npos) << stock.out;
  EXPECT_EQ(create.find("ENGINE="), std::string::npos) << stock.out;
  EXPECT_EQ(StatementOf(ours.out, "CREATE TABLE \"w\""), create) << ours.out;
  const std::string view = "CREATE VIEW \"v\" AS select \"w\".\"id\" AS \"id\" from \"w\"";
  EXPECT_NE(stock.out.find(view), std::string::npos) << stock.out;
  EXPECT_NE(ours.out.find("/*!50001 " + view + " */;\n"), std::string::npos) << ours.out;
  for (const char* line :
       {"-- Table structure for table \"w\"\n", "DROP TABLE IF EXISTS \"w\";\n",
        "LOCK TABLES \"w\" WRITE;\n", "/*!40000 ALTER TABLE \"w\" DISABLE KEYS */;\n",
        "INSERT INTO \"w\" VALUES", "-- Final view structure for view \"v\"\n",
        "/*!50001 DROP VIEW IF EXISTS \"v\"*/;\n",
        "/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO,ANSI' */;\n"}) {
    EXPECT_GT(CountOf(stock.out, line), 0u) << line << "\n" << stock.out;
    EXPECT_GT(CountOf(ours.out, line), 0u) << line << "\n" << ours.out;
  }
  EXPECT_EQ(CountOf(ours.out, "`w`"), 0u) << ours.out;
  EXPECT_EQ(CountOf(ours.out, "`a`"), 0u) << ours.out;
  for (const CommandResult* r : {&stock, &ours}) {
    EXPECT_EQ(CountOf(r->out, "SET NAMES"), 0u) << r->out;
    EXPECT_EQ(CountOf(r->out, "CHARACTER_SET_CLIENT"), 0u) << r->out;
  }

  const std::string file = dir_->Join("ansi.sql");
  ASSERT_OK_AND_ASSIGN(CommandResult to_file, Mysqldump({"--compatible=ansi", "--routines",
                                                         "--result-file=" + file, kDb}));
  ASSERT_EQ(to_file.exit_code, 0) << to_file.Describe();
  ASSERT_OK(DropOnTarget({kDb}));
  ASSERT_OK(target_->Exec("CREATE DATABASE " + db));
  ASSERT_OK(RestoreIntoTarget(file, kDb));
  for (const std::string query :
       {"SELECT id, `we\"ird`, n FROM " + db + ".w ORDER BY id",
        "SELECT id, v FROM " + db + ".a ORDER BY id", "SELECT id FROM " + db + ".v ORDER BY id",
        "SELECT ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = '" + db + "'",
        "SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = '" + db +
            "'"}) {
    ASSERT_OK_AND_ASSIGN(std::vector<Row> want, source_->Query(query));
    ASSERT_OK_AND_ASSIGN(std::vector<Row> got, target_->Query(query));
    EXPECT_FALSE(want.empty()) << query;
    EXPECT_EQ(got, want) << query;
  }
}

// --compatible=no_table_options: not an ANSI_QUOTES mode, so the names keep their backticks; the
// CREATE TABLE comes without ENGINE= as mariadb-dump's does.
TEST_F(MysqldumpCompatOptions, CompatibleNoTableOptionsKeepsBackticks) {
  const std::vector<std::string> args = {"--skip-dump-date", "--compatible=NO_table_options", kDb};
  ASSERT_OK_AND_ASSIGN(CommandResult stock, MariadbDump(args));
  ASSERT_OK_AND_ASSIGN(CommandResult ours, Mysqldump(args));
  ASSERT_EQ(stock.exit_code, 0) << stock.Describe();
  ASSERT_EQ(ours.exit_code, 0) << ours.Describe();
  const std::string create = StatementOf(stock.out, "CREATE TABLE `a`");
  EXPECT_NE(create, "") << stock.out;
  EXPECT_EQ(create.find("ENGINE="), std::string::npos) << stock.out;
  EXPECT_EQ(StatementOf(ours.out, "CREATE TABLE `a`"), create) << ours.out;
  EXPECT_EQ(CountOf(ours.out, "INSERT INTO `a` VALUES"), 1u) << ours.out;
  EXPECT_EQ(CountOf(ours.out, "\"a\""), 0u) << ours.out;
  EXPECT_EQ(CountOf(ours.out, "SET NAMES"), 0u) << ours.out;
  EXPECT_EQ(CountOf(ours.out, "SQL_MODE='NO_AUTO_VALUE_ON_ZERO,NO_TABLE_OPTIONS' */;\n"), 1u)
      << ours.out;
}

// An unknown mode: mariadb-dump's message and its exit code 1.
TEST_F(MysqldumpCompatOptions, CompatibleRefusesAnUnknownModeAsMariadbDump) {
  const std::vector<std::string> args = {"--compatible=ansi,foo", kDb};
  ASSERT_OK_AND_ASSIGN(CommandResult stock, MariadbDump(args));
  ASSERT_OK_AND_ASSIGN(CommandResult ours, Mysqldump(args));
  EXPECT_EQ(stock.exit_code, 1) << stock.Describe();
  EXPECT_EQ(ours.exit_code, stock.exit_code) << ours.Describe();
  EXPECT_NE(ours.err.find("Invalid mode to --compatible: foo"), std::string::npos) << ours.err;
  EXPECT_EQ(ours.out, "");
}

}  // namespace
}  // namespace myvault::it
