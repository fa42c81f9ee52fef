// --databases, --exclude-databases and --tables select exactly what they name, and a default
// dump never contains the system databases.
#include <algorithm>
#include <set>

#include "fingerprint.h"
#include "fixture.h"

namespace myvault::it {
namespace {

constexpr char kSelectionSetup[] = R"sql(
DROP DATABASE IF EXISTS mv_sel_a; DROP DATABASE IF EXISTS mv_sel_b; DROP DATABASE IF EXISTS mv_sel_c;
CREATE DATABASE mv_sel_a; CREATE DATABASE mv_sel_b; CREATE DATABASE mv_sel_c;
CREATE TABLE mv_sel_a.t1 (id INT PRIMARY KEY, v VARCHAR(10));
CREATE TABLE mv_sel_a.t2 (id INT PRIMARY KEY);
CREATE TABLE mv_sel_b.t1 (id INT PRIMARY KEY);
CREATE TABLE mv_sel_c.t1 (id INT PRIMARY KEY, w DOUBLE);
CREATE TABLE mv_sel_c.t2 (id INT PRIMARY KEY);
INSERT INTO mv_sel_a.t1 VALUES (1, 'a'), (2, 'b');
INSERT INTO mv_sel_a.t2 VALUES (1);
INSERT INTO mv_sel_b.t1 VALUES (1);
INSERT INTO mv_sel_c.t1 VALUES (1, 0.5), (2, 1e300);
INSERT INTO mv_sel_c.t2 VALUES (7);
)sql";

const std::vector<std::string> kSelectionDbs = {"mv_sel_a", "mv_sel_b", "mv_sel_c"};
const std::set<std::string> kSystemDbs = {"mysql", "sys", "performance_schema",
                                          "information_schema"};

class DumpSelection : public ServerPairTest {
 protected:
  void Prepare() override {
    ASSERT_OK(source_->Exec(kSelectionSetup));
    archive_ = dir_->Join("sel.sql.gz");
  }

  // Dumps with `args`, replays into the target (mv_sel_* dropped first), and sets *created to
  // the CREATE DATABASE names found in the SQL.
  void DumpAndReplay(const std::vector<std::string>& args, std::set<std::string>* created) {
    ASSERT_OK_AND_ASSIGN(CommandResult r, Dump(archive_, args));
    ASSERT_EQ(r.exit_code, 0) << r.Describe();
    ASSERT_OK_AND_ASSIGN(std::string sql, DecompressArchive(archive_));
    const std::vector<std::string> names = CreatedDatabases(sql);
    created->insert(names.begin(), names.end());
    for (const std::string& db : names) {
      // Replaying a system database would wreck the target's accounts for later tests.
      ASSERT_FALSE(kSystemDbs.count(db)) << "system database " << db << " in the dump";
    }
    ASSERT_OK(ReplayIntoTarget(archive_, kSelectionDbs));
  }

  std::vector<std::string> TargetTables(const std::string& db) {
    Result<std::vector<Row>> rows =
        target_->Query("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = '" +
                       db + "' ORDER BY TABLE_NAME");
    EXPECT_TRUE(rows.ok()) << rows.status().message();
    std::vector<std::string> names;
    if (rows.ok()) {
      for (const Row& r : *rows) names.push_back(r[0].value_or(""));
    }
    return names;
  }

  // The replayed tables hold the same data as the source's.
  void ExpectSameTables(const std::vector<std::string>& dbs) {
    ASSERT_OK_AND_ASSIGN(Fingerprint source, TakeFingerprint(source_config_, dbs));
    ASSERT_OK_AND_ASSIGN(Fingerprint target, TakeFingerprint(target_config_, dbs));
    EXPECT_EQ(Diff(source, target), "");
  }

  std::string archive_;
};

using Names = std::vector<std::string>;

TEST_F(DumpSelection, DatabasesSelectsExactlyThoseDatabases) {
  std::set<std::string> created;
  ASSERT_NO_FATAL_FAILURE(DumpAndReplay({"--databases", "mv_sel_a", "mv_sel_c"}, &created));
  EXPECT_EQ(created, (std::set<std::string>{"mv_sel_a", "mv_sel_c"}));
  ASSERT_OK_AND_ASSIGN(Names on_target, DatabasesLike(*target_, "mv\\_sel\\_%"));
  EXPECT_EQ(on_target, (Names{"mv_sel_a", "mv_sel_c"}));
  EXPECT_EQ(TargetTables("mv_sel_a"), (Names{"t1", "t2"}));
  EXPECT_EQ(TargetTables("mv_sel_c"), (Names{"t1", "t2"}));
  ExpectSameTables({"mv_sel_a", "mv_sel_c"});
}

TEST_F(DumpSelection, ExcludeDatabasesLeavesOutExactlyThoseDatabases) {
  // Exclude every user database but mv_sel_a and mv_sel_c (mv_sel_b among them), so the dump
  // stays small whatever else the source holds.
  ASSERT_OK_AND_ASSIGN(auto rows,
                       source_->Query("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA"));
  std::vector<std::string> args = {"--exclude-databases"};
  for (const Row& r : rows) {
    const std::string db = r[0].value_or("");
    if (db != "mv_sel_a" && db != "mv_sel_c" && !kSystemDbs.count(db)) args.push_back(db);
  }
  ASSERT_NE(std::find(args.begin(), args.end(), "mv_sel_b"), args.end());
  std::set<std::string> created;
  ASSERT_NO_FATAL_FAILURE(DumpAndReplay(args, &created));
  EXPECT_EQ(created, (std::set<std::string>{"mv_sel_a", "mv_sel_c"}));
  ASSERT_OK_AND_ASSIGN(Names on_target, DatabasesLike(*target_, "mv\\_sel\\_%"));
  EXPECT_EQ(on_target, (Names{"mv_sel_a", "mv_sel_c"}));
  ExpectSameTables({"mv_sel_a", "mv_sel_c"});
}

TEST_F(DumpSelection, TablesSelectsExactlyThoseTables) {
  std::set<std::string> created;
  ASSERT_NO_FATAL_FAILURE(DumpAndReplay({"--tables", "mv_sel_a.t1", "mv_sel_c.t2"}, &created));
  ASSERT_OK_AND_ASSIGN(Names on_target, DatabasesLike(*target_, "mv\\_sel\\_%"));
  EXPECT_EQ(on_target, (Names{"mv_sel_a", "mv_sel_c"}));
  EXPECT_EQ(TargetTables("mv_sel_a"), (Names{"t1"}));
  EXPECT_EQ(TargetTables("mv_sel_c"), (Names{"t2"}));
  ASSERT_OK_AND_ASSIGN(std::string w, target_->QueryValue("SELECT SUM(id) FROM mv_sel_c.t2"));
  EXPECT_EQ(w, "7");
  ASSERT_OK_AND_ASSIGN(std::string v, target_->QueryValue("SELECT GROUP_CONCAT(v ORDER BY id) "
                                                          "FROM mv_sel_a.t1"));
  EXPECT_EQ(v, "a,b");
}

TEST_F(DumpSelection, DefaultDumpHasEveryUserDatabaseAndNoSystemDatabase) {
  ASSERT_OK_AND_ASSIGN(CommandResult r, Dump(archive_, {}));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  ASSERT_OK_AND_ASSIGN(std::string sql, DecompressArchive(archive_));
  const std::vector<std::string> created = CreatedDatabases(sql);
  for (const std::string& db : created) {
    EXPECT_FALSE(kSystemDbs.count(db)) << "system database " << db << " in a default dump";
  }
  for (const std::string& db : kSelectionDbs) {
    EXPECT_NE(std::find(created.begin(), created.end(), db), created.end())
        << db << " missing from a default dump";
  }
}

}  // namespace
}  // namespace myvault::it
