// mysqldump mode exits as mariadb-dump does, because scripts test the code (issue 14 point 11):
// each case runs the stock mariadb-dump and `myvault mysqldump` with the same arguments against
// the same server and compares their exit codes. --force with a missing table dumps the tables
// it finds, completely, and still ends with mysqldump's code for the missing one.
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

}  // namespace
}  // namespace myvault::it
