// Options of mariadb-dump that myvault's mysqldump mode accepted and ignored with a note before
// (issue 14 point 11) and now honours, each run through both tools on the same server and the
// statements that matter compared: --delayed-insert (INSERT DELAYED for a MyISAM table, plain
// INSERT for an InnoDB one), --order-by-size (each database's tables smallest first) and
// --skip-quote-names (names bare unless they need backticks). No note on stderr any more, and
// each dump restores with the stock client.
#include "fingerprint.h"
#include "mysqldump_fixture.h"

namespace myvault::it {
namespace {

constexpr char kDb[] = "mv_md_honoured";

// kDb: alpha (MyISAM, about 40 kB), beta (MyISAM, 3 rows), gamma (MyISAM, about 3 kB), delta
// (InnoDB, one page: 16 kB), `my table` (InnoDB, a column `the col`), a trigger, a view and a
// procedure. Alphabetical order and size order differ.
constexpr char kSchema[] = R"sql(
CREATE TABLE alpha (id INT PRIMARY KEY, pad VARCHAR(40)) ENGINE=MyISAM;
INSERT INTO alpha SELECT seq, REPEAT('a', 30) FROM seq_1_to_1000;
CREATE TABLE beta (id INT PRIMARY KEY, v VARCHAR(10)) ENGINE=MyISAM;
INSERT INTO beta VALUES (1, 'one'), (2, 'two'), (3, 'three');
CREATE TABLE gamma (id INT PRIMARY KEY, pad VARCHAR(40)) ENGINE=MyISAM;
INSERT INTO gamma SELECT seq, REPEAT('g', 30) FROM seq_1_to_80;
CREATE TABLE delta (id INT PRIMARY KEY, v VARCHAR(10)) ENGINE=InnoDB;
INSERT INTO delta VALUES (1, 'd');
CREATE TABLE `my table` (id INT PRIMARY KEY, `the col` VARCHAR(10)) ENGINE=InnoDB;
INSERT INTO `my table` VALUES (1, 'x'), (2, NULL);
CREATE TRIGGER beta_bi BEFORE INSERT ON beta FOR EACH ROW SET NEW.v = UPPER(NEW.v);
CREATE VIEW v_beta AS SELECT id, v FROM beta;
CREATE PROCEDURE p() SELECT COUNT(*) FROM beta
)sql";

// The tables in the order a dump writes their structure.
std::vector<std::string> TableOrder(const std::string& sql) {
  std::vector<std::string> names;
  for (const std::string& line : LinesStartingWith(sql, "-- Table structure for table `")) {
    names.push_back(line.substr(30, line.size() - 31));
  }
  return names;
}

// Every line of `sql` starting with one of `prefixes`, in order.
std::vector<std::string> Statements(const std::string& sql,
                                    const std::vector<std::string>& prefixes) {
  std::vector<std::string> out;
  for (const std::string& line : LinesStartingWith(sql, "")) {
    for (const std::string& p : prefixes) {
      if (line.rfind(p, 0) == 0) out.push_back(line);
    }
  }
  return out;
}

// The CREATE TABLE statement of `table` as `spelled` (`t` or t), up to its ';'.
std::string CreateOf(const std::string& sql, const std::string& spelled) {
  const size_t at = sql.find("CREATE TABLE " + spelled + " (");
  return at == std::string::npos ? "" : sql.substr(at, sql.find(";\n", at) - at);
}

class MysqldumpHonouredOptions : public MysqldumpTest {
 protected:
  void Prepare() override {
    ASSERT_OK(source_->Exec(std::string("DROP DATABASE IF EXISTS ") + kDb + "; CREATE DATABASE " +
                            kDb + "; USE " + kDb + ";" + kSchema));
  }

  // Runs both tools with `args`; both must succeed, myvault without a word on stderr.
  void DumpBoth(const std::vector<std::string>& args, CommandResult* stock, CommandResult* ours) {
    ASSERT_OK_AND_ASSIGN(*stock, MariadbDump(args));
    ASSERT_OK_AND_ASSIGN(*ours, Mysqldump(args));
    ASSERT_EQ(stock->exit_code, 0) << stock->Describe();
    ASSERT_EQ(ours->exit_code, 0) << ours->Describe();
    EXPECT_EQ(ours->err, "") << "the option is honoured, so there is no note";
  }

  // Restores `sql` (a --databases dump of kDb) into the target and compares kDb there with the
  // source, object by object.
  void ExpectRestores(const std::string& sql) {
    const std::string file = dir_->Join("honoured.sql");
    ASSERT_OK(WriteFile(file, sql));
    ASSERT_OK(DropOnTarget({kDb}));
    ASSERT_OK(RestoreIntoTarget(file));
    ASSERT_OK_AND_ASSIGN(Fingerprint source, TakeFingerprint(source_config_, {kDb}));
    ASSERT_OK_AND_ASSIGN(Fingerprint restored, TakeFingerprint(target_config_, {kDb}));
    EXPECT_EQ(Diff(source, restored), "");
  }
};

// INSERT DELAYED into the MyISAM table, INSERT into the InnoDB one, as mariadb-dump writes them,
// also with --insert-ignore and --replace; without the option, no DELAYED.
TEST_F(MysqldumpHonouredOptions, DelayedInsertOnlyForEnginesThatTakeIt) {
  const std::vector<std::string> verbs = {"INSERT", "REPLACE"};
  for (const char* extra : {"--delayed-insert", "--insert-ignore", "--replace"}) {
    SCOPED_TRACE(extra);
    CommandResult stock, ours;
    DumpBoth({"--delayed-insert", extra, kDb, "beta", "delta"}, &stock, &ours);
    const std::vector<std::string> ours_rows = Statements(ours.out, verbs);
    EXPECT_EQ(ours_rows, Statements(stock.out, verbs));
    ASSERT_EQ(ours_rows.size(), 2u) << ours.out;
    EXPECT_NE(ours_rows[0].find(" DELAYED "), std::string::npos) << ours_rows[0];
    EXPECT_EQ(ours_rows[1].find("DELAYED"), std::string::npos) << ours_rows[1];
  }
  CommandResult plain_stock, plain;
  DumpBoth({kDb, "beta"}, &plain_stock, &plain);
  EXPECT_EQ(plain.out.find("DELAYED"), std::string::npos);
  CommandResult stock, ours;
  DumpBoth({"--delayed-insert", "--routines", "--databases", kDb}, &stock, &ours);
  EXPECT_NE(ours.out.find("INSERT DELAYED INTO `alpha` VALUES"), std::string::npos);
  EXPECT_NE(ours.out.find("INSERT INTO `my table` VALUES"), std::string::npos);
  ExpectRestores(ours.out);
}

// Smallest first (data_length, then name), as mariadb-dump orders them; in the SQL stream and
// in the XML document. Alphabetical without the option; refused with named tables.
TEST_F(MysqldumpHonouredOptions, OrderBySizeDumpsTheSmallestTablesFirst) {
  CommandResult stock, ours;
  DumpBoth({"--order-by-size", "--routines", "--databases", kDb}, &stock, &ours);
  const std::vector<std::string> by_size = {"beta", "gamma", "delta", "my table", "alpha"};
  EXPECT_EQ(TableOrder(stock.out), by_size) << "the fixture's sizes are not as planned";
  EXPECT_EQ(TableOrder(ours.out), TableOrder(stock.out));
  ExpectRestores(ours.out);

  CommandResult plain_stock, plain;
  DumpBoth({"--databases", kDb}, &plain_stock, &plain);
  EXPECT_EQ(TableOrder(plain.out),
            (std::vector<std::string>{"alpha", "beta", "delta", "gamma", "my table"}));

  // mariadb-dump refuses it with tables named on the command line, and so does myvault.
  const std::vector<std::string> named = {"--order-by-size", kDb, "alpha", "beta"};
  ASSERT_OK_AND_ASSIGN(CommandResult named_stock, MariadbDump(named));
  ASSERT_OK_AND_ASSIGN(CommandResult named_ours, Mysqldump(named));
  EXPECT_NE(named_stock.exit_code, 0) << named_stock.Describe();
  EXPECT_NE(named_ours.exit_code, 0) << named_ours.Describe();
  EXPECT_NE(named_ours.err.find("--order-by-size can't be used when dumping selected tables"),
            std::string::npos)
      << named_ours.err;
  EXPECT_EQ(named_ours.out, "");

  CommandResult xml_stock, xml;
  DumpBoth({"--xml", "--order-by-size", kDb}, &xml_stock, &xml);
  const std::string tag = "\t<table_structure name=\"";
  EXPECT_EQ(Statements(xml.out, {tag}), Statements(xml_stock.out, {tag}));
  EXPECT_EQ(Statements(xml.out, {tag}).size(), 6u) << "five tables, one view: " << xml.out;
}

// Names bare unless they need backticks in CREATE TABLE, DROP, LOCK, ALTER and INSERT, the same
// statements as mariadb-dump's; the table comments keep theirs. --quote-names=0 is the same.
TEST_F(MysqldumpHonouredOptions, SkipQuoteNamesWritesBareNames) {
  const std::vector<std::string> prefixes = {"DROP TABLE", "LOCK TABLES", "/*!40000 ALTER",
                                             "INSERT", "USE "};
  for (const char* option : {"--skip-quote-names", "--quote-names=0"}) {
    SCOPED_TRACE(option);
    CommandResult stock, ours;
    DumpBoth({option, kDb}, &stock, &ours);
    EXPECT_EQ(Statements(ours.out, prefixes), Statements(stock.out, prefixes));
    for (const char* table : {"alpha", "delta", "`my table`"}) {
      EXPECT_NE(CreateOf(ours.out, table), "") << table << " in " << ours.out;
      EXPECT_EQ(CreateOf(ours.out, table), CreateOf(stock.out, table)) << table;
    }
    EXPECT_NE(ours.out.find("LOCK TABLES beta WRITE;\n"), std::string::npos);
    EXPECT_NE(ours.out.find("INSERT INTO `my table` VALUES"), std::string::npos);
    EXPECT_NE(ours.out.find("-- Table structure for table `beta`\n"), std::string::npos);
  }
  CommandResult quoted_stock, quoted;
  DumpBoth({kDb}, &quoted_stock, &quoted);
  EXPECT_NE(quoted.out.find("LOCK TABLES `beta` WRITE;\n"), std::string::npos);
  EXPECT_NE(CreateOf(quoted.out, "`alpha`"), "");

  CommandResult complete_stock, complete;
  DumpBoth({"--skip-quote-names", "--complete-insert", kDb, "my table"}, &complete_stock,
           &complete);
  EXPECT_NE(complete.out.find("INSERT INTO `my table` (id,`the col`) VALUES"), std::string::npos)
      << complete.out;

  CommandResult stock, ours;
  DumpBoth({"--skip-quote-names", "--routines", "--databases", kDb}, &stock, &ours);
  EXPECT_EQ(Statements(ours.out, {"USE ", "CREATE TABLE"}),
            Statements(stock.out, {"USE ", "CREATE TABLE"}));
  ExpectRestores(ours.out);
}

}  // namespace
}  // namespace myvault::it
