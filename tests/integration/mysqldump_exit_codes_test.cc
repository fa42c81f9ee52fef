// mysqldump mode exits as mariadb-dump does, because scripts test the code (issue 14 point 11):
// each case runs the stock mariadb-dump and `myvault mysqldump` with the same arguments against
// the same server and compares their exit codes. --force with a missing table dumps the tables
// it finds, completely, and still ends with mysqldump's code for the missing one; --force with a
// --where that one table cannot run goes on with the next table and still exits 2.
#include "mysqldump_fixture.h"

namespace myvault::it {
namespace {

constexpr char kDb[] = "mv_md_exit";

class MysqldumpExitCodes : public MysqldumpTest {
 protected:
  void Prepare() override {
    ASSERT_OK(source_->Exec(std::string("DROP DATABASE IF EXISTS ") + kDb + "; CREATE DATABASE " +
                            kDb + "; CREATE TABLE " + kDb +
                            ".a (id INT PRIMARY KEY, v VARCHAR(10)); INSERT INTO " + kDb +
                            ".a VALUES (1, 'one'), (2, 'two')"));
  }

  // Both tools' results for `args`; the stock one must fail, or the case says nothing.
  void ExpectSameExitCode(const std::vector<std::string>& args, CommandResult* mine = nullptr) {
    std::string shown;
    for (const auto& a : args) shown += " " + a;
    ASSERT_OK_AND_ASSIGN(CommandResult stock, MariadbDump(args));
    ASSERT_OK_AND_ASSIGN(CommandResult ours, Mysqldump(args));
    EXPECT_NE(stock.exit_code, 0) << "mariadb-dump" << shown << " succeeded: " << stock.Describe();
    EXPECT_EQ(ours.exit_code, stock.exit_code)
        << shown << "\nmariadb-dump: " << stock.err << "\nmyvault: " << ours.Describe();
    if (mine != nullptr) *mine = ours;
  }
};

TEST_F(MysqldumpExitCodes, UnknownDatabase) { ExpectSameExitCode({"mv_md_exit_no_such_db"}); }

TEST_F(MysqldumpExitCodes, UnknownTable) {
  ExpectSameExitCode({kDb, "no_such_table"});
  ExpectSameExitCode({kDb, "no_such_table", "a"});
}

TEST_F(MysqldumpExitCodes, BadWhere) { ExpectSameExitCode({"--where=no_such_col > 1", kDb, "a"}); }

TEST_F(MysqldumpExitCodes, UnknownOption) { ExpectSameExitCode({"--no-such-option", kDb}); }

TEST_F(MysqldumpExitCodes, ForceDumpsTheTablesItFindsAndStillReportsTheMissingOne) {
  CommandResult ours;
  ExpectSameExitCode({"--force", kDb, "no_such_table", "a"}, &ours);
  EXPECT_NE(ours.out.find("(1,'one')"), std::string::npos) << ours.out;
  EXPECT_NE(ours.out.find("(2,'two')"), std::string::npos) << ours.out;
  EXPECT_NE(ours.out.find("-- Dump completed"), std::string::npos)
      << "the tables found are dumped completely";
  EXPECT_NE(ours.err.find("Couldn't find table: \"no_such_table\""), std::string::npos) << ours.err;
}

// mariadb-dump --force reports the failed SELECT on stderr, writes the table's structure without
// rows, dumps the next tables completely and exits 2; without --force it stops at the first.
TEST_F(MysqldumpExitCodes, ForceGoesOnPastATableTheWhereCannotSelect) {
  ASSERT_OK(source_->Exec(std::string("CREATE TABLE ") + kDb +
                          ".c (id INT PRIMARY KEY, no_such_col INT); INSERT INTO " + kDb +
                          ".c VALUES (7, 70), (8, 0)"));
  const std::vector<std::string> args = {"--force", "--where=no_such_col > 1", kDb};
  for (const bool threads : {false, true}) {
    std::vector<std::string> ours_args = args;
    if (threads) ours_args.insert(ours_args.begin(), {"--single-transaction", "--threads=3"});
    ASSERT_OK_AND_ASSIGN(CommandResult stock, MariadbDump(args));
    ASSERT_OK_AND_ASSIGN(CommandResult ours, Mysqldump(ours_args));
    EXPECT_EQ(stock.exit_code, 2) << stock.Describe();
    EXPECT_EQ(ours.exit_code, stock.exit_code) << ours.Describe();
    for (const CommandResult* r : {&stock, &ours}) {
      EXPECT_NE(r->out.find("CREATE TABLE `a`"), std::string::npos) << r->out;
      EXPECT_EQ(r->out.find("(1,'one')"), std::string::npos) << "a has no such column: " << r->out;
      EXPECT_NE(r->out.find("(7,70)"), std::string::npos) << "c is dumped after a: " << r->out;
      EXPECT_EQ(r->out.find("(8,0)"), std::string::npos) << "with the --where: " << r->out;
      EXPECT_NE(r->out.find("-- Dump completed"), std::string::npos) << r->out;
      EXPECT_NE(r->err.find("no_such_col"), std::string::npos) << r->err;
    }
    EXPECT_NE(ours.err.find("the rows of `mv_md_exit`.`a` could not be selected"),
              std::string::npos)
        << ours.err;
  }
  // Without --force both stop at table a: no rows of c.
  ASSERT_OK_AND_ASSIGN(CommandResult stock, MariadbDump({"--where=no_such_col > 1", kDb}));
  ASSERT_OK_AND_ASSIGN(CommandResult ours, Mysqldump({"--where=no_such_col > 1", kDb}));
  EXPECT_EQ(stock.exit_code, 2) << stock.Describe();
  EXPECT_EQ(ours.exit_code, 2) << ours.Describe();
  EXPECT_EQ(stock.out.find("(7,70)"), std::string::npos) << stock.out;
  EXPECT_EQ(ours.out.find("(7,70)"), std::string::npos) << ours.out;
}

}  // namespace
}  // namespace myvault::it
