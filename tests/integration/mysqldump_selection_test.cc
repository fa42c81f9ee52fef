// What mysqldump mode dumps and where it restores: the `db table...` form (no CREATE DATABASE or
// USE, so it restores into a database of another name), --databases, --where, --ignore-table,
// and the rows of large tables in key order when several connections read them.
#include "mysqldump_fixture.h"

namespace myvault::it {
namespace {

constexpr char kOtherDb[] = "mv_mysqldump_other";

class MysqldumpSelection : public MysqldumpTest {
 protected:
  void Prepare() override { ASSERT_OK(LoadFormatDatabase(*source_)); }

  static Result<std::vector<Row>> Rows(TestServer& server, const std::string& db,
                                       const std::string& table) {
    return server.Query("SELECT * FROM " + QualifiedName(db, table) + " ORDER BY id");
  }

  // The rows of kFormatDb.`table` on the source equal those of `db`.`table` on the target.
  void ExpectSameRows(const std::string& db, const std::string& table) {
    ASSERT_OK_AND_ASSIGN(std::vector<Row> want, Rows(*source_, kFormatDb, table));
    ASSERT_OK_AND_ASSIGN(std::vector<Row> got, Rows(*target_, db, table));
    EXPECT_EQ(got.size(), want.size()) << table;
    EXPECT_TRUE(got == want) << "rows of " << table << " differ after the restore";
  }
};

TEST_F(MysqldumpSelection, TablesFormRestoresIntoAnotherDatabase) {
  const std::string file = dir_->Join("tables.sql");
  ASSERT_OK_AND_ASSIGN(CommandResult r, Mysqldump({"--result-file=" + file, kFormatDb, "t", "u"}));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  ASSERT_OK_AND_ASSIGN(std::string sql, ReadFile(file));
  EXPECT_FALSE(sql.find("CREATE DATABASE") != std::string::npos);
  EXPECT_TRUE(LinesStartingWith(sql, "USE ").empty());
  EXPECT_FALSE(sql.find("VIEW") != std::string::npos) << "view v was not named";

  ASSERT_OK(DropOnTarget({kFormatDb, kOtherDb}));
  ASSERT_OK(target_->Exec(std::string("CREATE DATABASE ") + kOtherDb));
  ASSERT_OK(RestoreIntoTarget(file, kOtherDb));
  // Equal rows also show that t's BEFORE INSERT trigger (n + 1) did not fire during the load.
  ExpectSameRows(kOtherDb, "t");
  ExpectSameRows(kOtherDb, "u");
  ASSERT_OK_AND_ASSIGN(std::string triggers,
                       target_->QueryValue("SELECT COUNT(*) FROM information_schema.TRIGGERS "
                                           "WHERE TRIGGER_SCHEMA = '" +
                                           std::string(kOtherDb) + "' AND TRIGGER_NAME = 't_bi'"));
  EXPECT_EQ(triggers, "1") << "trigger t_bi not restored into " << kOtherDb;
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> left, DatabasesLike(*target_, kFormatDb));
  EXPECT_TRUE(left.empty()) << "the restore created " << kFormatDb;
}

TEST_F(MysqldumpSelection, DatabasesFormCreatesAndUsesTheDatabase) {
  const std::string file = dir_->Join("databases.sql");
  ASSERT_OK_AND_ASSIGN(CommandResult r, Mysqldump({"-r", file, "-B", kFormatDb}));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  ASSERT_OK_AND_ASSIGN(std::string sql, ReadFile(file));
  EXPECT_EQ(CreatedDatabases(sql), std::vector<std::string>{kFormatDb});
  EXPECT_FALSE(LinesStartingWith(sql, "USE `mv_mysqldump_fmt`;").empty());
  ASSERT_OK(DropOnTarget({kFormatDb}));
  ASSERT_OK(RestoreIntoTarget(file));
  ExpectSameRows(kFormatDb, "t");
  ExpectSameRows(kFormatDb, "u");
}

TEST_F(MysqldumpSelection, WhereFiltersEveryTablesRows) {
  ASSERT_OK_AND_ASSIGN(std::string sql, MysqldumpText({"--where=id > 3", kFormatDb}));
  EXPECT_EQ(InsertedIds(sql, "t"), (std::vector<long long>{4, 5}));
  EXPECT_EQ(InsertedIds(sql, "u"), std::vector<long long>{}) << "u has no id above 3";

  ASSERT_OK_AND_ASSIGN(std::string short_form, MysqldumpText({"-w", "id <= 2", kFormatDb, "u"}));
  EXPECT_EQ(InsertedIds(short_form, "u"), (std::vector<long long>{1, 2}));
}

TEST_F(MysqldumpSelection, IgnoreTableLeavesTheTableOut) {
  ASSERT_OK_AND_ASSIGN(
      std::string sql,
      MysqldumpText({"--ignore-table=" + std::string(kFormatDb) + ".u", kFormatDb}));
  EXPECT_EQ(sql.find("`u`"), std::string::npos) << "ignored table u is in the dump";
  EXPECT_EQ(InsertedIds(sql, "t").size(), 5u);
  EXPECT_NE(sql.find("CREATE TABLE `t`"), std::string::npos);
}

// The big tables are read by four connections in many ranges each; the rows must still come out
// in key order, every one once (ids 3, 6, 9, ...).
TEST_F(MysqldumpSelection, BigTablesComeOutInKeyOrderWithSeveralThreads) {
  ASSERT_OK(EnsureBigTables(*source_));
  ASSERT_OK_AND_ASSIGN(std::string sql,
                       MysqldumpText({"--single-transaction", "--threads=4", kBigDb}));
  for (const char* table : {"int_key", "str_key"}) {
    const std::vector<long long> ids = InsertedIds(sql, table);
    EXPECT_EQ(static_cast<long long>(ids.size()), kBigRows) << table;
    for (size_t i = 0; i < ids.size(); ++i) {
      if (ids[i] != 3 * static_cast<long long>(i + 1)) {
        ADD_FAILURE() << table << ": row " << i << " has id " << ids[i] << ", expected "
                      << 3 * (i + 1) << " (rows out of key order, lost or repeated)";
        break;
      }
    }
  }
  EXPECT_LT(sql.find("INSERT INTO `int_key`"), sql.find("INSERT INTO `str_key`"))
      << "tables in name order";
}

}  // namespace
}  // namespace myvault::it
