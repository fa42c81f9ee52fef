// Options of mariadb-dump that myvault's mysqldump mode refused before (issue 14 point 11), each
// run through both tools on the same server: --ignore-table-data writes the table's definition
// and no rows, and --disable-default-character-set (--skip-) goes back to the default.
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

}  // namespace
}  // namespace myvault::it
