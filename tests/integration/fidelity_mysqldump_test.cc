// Issue 14, mysqldump mode: each database of the fidelity corpus (fidelity_corpus.h) dumped with
// `myvault mysqldump` and restored with the stock client (`mariadb < FILE`) must come back
// object by object (SHOW CREATE with creation context) and row by row (history rows with
// --dump-history).
#include <regex>

#include "fidelity_corpus.h"
#include "fingerprint.h"
#include "mysqldump_fixture.h"
#include "throwaway_server.h"

namespace myvault::it {
namespace {

class FidelityMysqldump : public MysqldumpTest {
 protected:
  void Prepare() override { file_ = dir_->Join("dump.sql"); }

  void TearDown() override {
    for (TestServer* server : {source_.get(), target_.get()}) {
      if (server != nullptr) EXPECT_OK(DropFidelityDatabases(*server));
    }
  }

  Fingerprint LoadSource(const std::vector<std::string>& databases) {
    for (const std::string& db : databases) {
      Status st = LoadFidelityDatabase(*source_, db);
      EXPECT_TRUE(st.ok()) << st.message();
    }
    Result<Fingerprint> fp = TakeFingerprint(source_config_, databases);
    EXPECT_TRUE(fp.ok()) << fp.status().message();
    return fp.ok() ? *fp : Fingerprint{};
  }

  // mysqldump's full-backup options, `extra`, then --databases `databases`, into file_.
  Result<CommandResult> DumpDatabases(const std::vector<std::string>& databases,
                                      const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"--single-transaction", "--routines", "--triggers", "--events",
                                     "--result-file=" + file_};
    args.insert(args.end(), extra.begin(), extra.end());
    args.emplace_back("--databases");
    args.insert(args.end(), databases.begin(), databases.end());
    return Mysqldump(args);
  }

  // Restores file_ into the target (the databases dropped first) and compares with `want`.
  void ExpectRestoreGives(const Fingerprint& want, const std::vector<std::string>& databases) {
    ASSERT_OK(DropOnTarget(databases));
    ASSERT_OK(RestoreIntoTarget(file_));
    ASSERT_OK_AND_ASSIGN(Fingerprint restored, TakeFingerprint(target_config_, databases));
    EXPECT_EQ(Diff(want, restored), "") << "objects differ between source and restored copy";
  }

  void RoundTrip(const std::vector<std::string>& databases,
                 const std::vector<std::string>& extra = {}) {
    const Fingerprint source = LoadSource(databases);
    ASSERT_FALSE(source.empty());
    ASSERT_OK_AND_ASSIGN(CommandResult r, DumpDatabases(databases, extra));
    ASSERT_EQ(r.exit_code, 0) << r.Describe();
    ExpectRestoreGives(source, databases);
  }

  std::string file_;
};

// Point 1 (mysqldump mode writes views after every database's routines).
TEST_F(FidelityMysqldump, ViewsCallingFunctionsThatReadViewsRestore) {
  RoundTrip({kOrderDb, kOrderLibDb});
}

// Point 2: the MERGE table and its tables come back (mysqldump mode has no row check).
TEST_F(FidelityMysqldump, MergeTableOverNonEmptyTablesRestores) { RoundTrip({kMergeDb}); }

// Point 3.
TEST_F(FidelityMysqldump, CreationContextOfRoutinesTriggersEventsAndViewsIsKept) {
  RoundTrip({kContextDb});
}

// Point 4: --dump-history.
TEST_F(FidelityMysqldump, DumpHistoryKeepsTheHistoryExactly) {
  RoundTrip({kHistoryDb}, {"--dump-history", "--threads=3"});
}

// Point 4: --as-of gives each versioned table as it was at that time (as its current rows).
TEST_F(FidelityMysqldump, AsOfDumpsTheRowsOfThatTime) {
  LoadSource({kHistoryDb});
  ASSERT_OK_AND_ASSIGN(CommandResult r,
                       DumpDatabases({kHistoryDb}, {std::string("--as-of=") + kHistoryFirstTime}));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  ASSERT_OK(DropOnTarget({kHistoryDb}));
  ASSERT_OK(RestoreIntoTarget(file_));
  // Each table's visible columns, hashed in key order on either side.
  const std::vector<std::pair<std::string, std::string>> tables = {{"implicit_v", "id, v"},
                                                                   {"explicit_v", "id, k, n"},
                                                                   {"strkey_v", "k, n"},
                                                                   {"nokey_v", "x"},
                                                                   {"part_v", "id, v"}};
  for (const auto& [table, columns] : tables) {
    const std::string name = QualifiedName(kHistoryDb, table);
    const std::string digest = "SELECT COUNT(*), MD5(GROUP_CONCAT(JSON_ARRAY(" + columns +
                               ") ORDER BY " + columns + ")) FROM " + name;
    ASSERT_OK_AND_ASSIGN(auto then, source_->Query(digest + " FOR SYSTEM_TIME AS OF TIMESTAMP '" +
                                                   kHistoryFirstTime + "'"));
    ASSERT_OK_AND_ASSIGN(auto restored, target_->Query(digest));
    EXPECT_EQ(restored, then) << table << " is not as it was at " << kHistoryFirstTime;
    ASSERT_OK_AND_ASSIGN(std::string versions, target_->QueryValue("SELECT COUNT(*) FROM " + name +
                                                                   " FOR SYSTEM_TIME ALL"));
    EXPECT_EQ(versions, then.at(0).at(0).value_or("")) << table << ": --as-of writes no history";
  }
}

TEST_F(FidelityMysqldump, DumpHistoryAndAsOfTogetherAreRefused) {
  ASSERT_OK_AND_ASSIGN(CommandResult r,
                       Mysqldump({"--dump-history", "--as-of=2020-01-01", kHistoryDb}));
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  EXPECT_NE(r.err.find("--dump-history can't be used with --as-of"), std::string::npos) << r.err;
}

// A table versioned by transaction id: --dump-history stops, as mariadb-dump does; --force dumps
// its current rows with a note.
TEST_F(FidelityMysqldump, DumpHistoryOfATransactionVersionedTableNeedsForce) {
  LoadSource({kTrxHistoryDb});
  ASSERT_OK_AND_ASSIGN(CommandResult refused, DumpDatabases({kTrxHistoryDb}, {"--dump-history"}));
  EXPECT_EQ(refused.exit_code, 2) << refused.Describe();
  EXPECT_NE(refused.err.find("versioned by transaction id"), std::string::npos) << refused.err;
  EXPECT_FALSE(PathExists(file_)) << "a refused dump must leave no file";
  ASSERT_OK_AND_ASSIGN(CommandResult forced,
                       DumpDatabases({kTrxHistoryDb}, {"--dump-history", "--force"}));
  ASSERT_EQ(forced.exit_code, 0) << forced.Describe();
  EXPECT_NE(forced.err.find("its current rows are dumped"), std::string::npos) << forced.err;
  ASSERT_OK(DropOnTarget({kTrxHistoryDb}));
  ASSERT_OK(RestoreIntoTarget(file_));
  ASSERT_OK_AND_ASSIGN(std::string rows,
                       target_->QueryValue("SELECT GROUP_CONCAT(id, ':', v ORDER BY id) FROM "
                                           "mv_fid_trx.trx_v"));
  EXPECT_EQ(rows, "1:2,2:3,3:4,4:4,5:5,6:6,7:7,8:8,9:9,10:10");
}

// Point 5.
TEST_F(FidelityMysqldump, OraclePackagesAndBodiesRestore) {
  RoundTrip({kPackageDb});
  ASSERT_OK_AND_ASSIGN(std::string answer,
                       target_->QueryValue("SELECT mv_fid_package.pkg.f_answer()"));
  EXPECT_EQ(answer, "42");
}

// Point 7: as mariadb-dump, an invalid view stops the dump (exit 2, naming it); with --force
// its definition is written as a comment, the rest restores, and the run still ends with exit 2
// naming the view (mariadb-dump's first error; exit 0 before, which a script took for success).
TEST_F(FidelityMysqldump, InvalidViewStopsTheDumpAndForceKeepsTheRest) {
  Fingerprint source = LoadSource({kBrokenDb});
  ASSERT_OK_AND_ASSIGN(CommandResult refused, DumpDatabases({kBrokenDb}));
  EXPECT_EQ(refused.exit_code, 2) << refused.Describe();
  EXPECT_TRUE(std::regex_search(refused.err, std::regex("view `mv_fid_broken`.`v_(over_)?gone`")))
      << refused.err;
  EXPECT_FALSE(PathExists(file_)) << "a failed dump must leave no file";
  ASSERT_OK_AND_ASSIGN(CommandResult forced, DumpDatabases({kBrokenDb}, {"--force"}));
  ASSERT_EQ(forced.exit_code, 2) << forced.Describe();
  EXPECT_TRUE(std::regex_search(
      forced.err,
      std::regex("invalid view\\(s\\) `mv_fid_broken`.`v_gone`, `mv_fid_broken`.`v_over_gone` "
                 "were written as comments")))
      << forced.err;
  ASSERT_OK_AND_ASSIGN(std::string sql, ReadFile(file_));
  EXPECT_NE(sql.find("-- Dump completed"), std::string::npos) << "the forced dump is whole";
  EXPECT_NE(sql.find("\n-- failed on view `v_gone`\n"), std::string::npos);
  source.erase("view `mv_fid_broken`.`v_gone`");
  source.erase("view `mv_fid_broken`.`v_over_gone`");
  ExpectRestoreGives(source, {kBrokenDb});
}

// Point 6: on a server whose max_allowed_packet is 1 MiB, values of more than half of it.
TEST_F(FidelityMysqldump, ValuesOverHalfTheMaxAllowedPacketRestoreOnTheirOwnServer) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<ThrowawayServer> server,
                       ThrowawayServer::Start(dir_->Join("server"), "--max-allowed-packet=1M"));
  ASSERT_OK_AND_ASSIGN(std::string cnf,
                       WriteOptionFile(server->config(), dir_->path(), "small-packet.cnf"));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<TestServer> conn, TestServer::Connect(server->config()));
  ASSERT_OK(LoadLargeValues(*conn));
  ASSERT_OK_AND_ASSIGN(Fingerprint source, TakeFingerprint(server->config(), {kBlobDb}));
  ASSERT_OK_AND_ASSIGN(CommandResult dump,
                       RunMysqldumpMode({"--defaults-file=" + cnf, "--single-transaction",
                                         "--result-file=" + file_, "--databases", kBlobDb}));
  ASSERT_EQ(dump.exit_code, 0) << dump.Describe();
  ASSERT_OK(conn->Exec("DROP DATABASE mv_fid_blob"));
  ASSERT_OK(RestoreWithClient(file_, cnf));
  ASSERT_OK_AND_ASSIGN(Fingerprint restored, TakeFingerprint(server->config(), {kBlobDb}));
  EXPECT_EQ(Diff(source, restored), "");
}

}  // namespace
}  // namespace myvault::it
