// Issue 14, `myvault dump` + restore: each database of the fidelity corpus (fidelity_corpus.h)
// is dumped, restored with `myvault restore` and again with `zcat | mariadb`, and compared with
// the source object by object (SHOW CREATE of everything with its creation context) and row by
// row (history rows included).
#include <regex>

#include "fidelity_corpus.h"
#include "fingerprint.h"
#include "restore_fixture.h"
#include "throwaway_server.h"

namespace myvault::it {
namespace {

class FidelityDump : public RestoreTest {
 protected:
  // Loads `databases` on the source and returns their fingerprint there.
  Fingerprint LoadSource(const std::vector<std::string>& databases) {
    for (const std::string& db : databases) {
      Status st = LoadFidelityDatabase(*source_, db);
      EXPECT_TRUE(st.ok()) << st.message();
    }
    Result<Fingerprint> fp = TakeFingerprint(source_config_, databases);
    EXPECT_TRUE(fp.ok()) << fp.status().message();
    return fp.ok() ? *fp : Fingerprint{};
  }

  // Dumps `databases` (with `extra` options) and returns the dump's run; fails unless it exits 0.
  CommandResult DumpDatabases(const std::vector<std::string>& databases,
                              const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = extra;
    args.emplace_back("--databases");
    args.insert(args.end(), databases.begin(), databases.end());
    Result<CommandResult> r = Dump(archive_, args);
    EXPECT_TRUE(r.ok()) << r.status().message();
    if (!r.ok()) return {};
    EXPECT_EQ(r->exit_code, 0) << r->Describe();
    return *r;
  }

  // Restores the archive with `myvault restore` (into empty databases), then with
  // `zcat | mariadb`, and compares `databases` on the target with `want` after each.
  void ExpectBothRestoresGive(const Fingerprint& want, const std::vector<std::string>& databases) {
    for (const std::string& db : databases) {
      ASSERT_OK(target_->Exec("DROP DATABASE IF EXISTS " + QuoteIdent(db)));
    }
    ASSERT_OK_AND_ASSIGN(CommandResult r, Restore(archive_, {"--yes", "--quiet"}));
    ASSERT_EQ(r.exit_code, 0) << r.Describe();
    ASSERT_OK_AND_ASSIGN(Fingerprint restored, TakeFingerprint(target_config_, databases));
    EXPECT_EQ(Diff(want, restored), "") << "myvault restore: objects differ from the source";
    ASSERT_OK(ReplayIntoTarget(archive_, databases));
    ASSERT_OK_AND_ASSIGN(Fingerprint replayed, TakeFingerprint(target_config_, databases));
    EXPECT_EQ(Diff(want, replayed), "") << "zcat | mariadb: objects differ from the source";
  }

  void RoundTrip(const std::vector<std::string>& databases,
                 const std::vector<std::string>& extra = {}) {
    const Fingerprint source = LoadSource(databases);
    ASSERT_FALSE(source.empty());
    DumpDatabases(databases, extra);
    ExpectBothRestoresGive(source, databases);
  }

  void Prepare() override { archive_ = dir_->Join("fidelity.sql.gz"); }

  void TearDown() override {
    for (TestServer* server : {source_.get(), target_.get()}) {
      if (server != nullptr) EXPECT_OK(DropFidelityDatabases(*server));
    }
  }

  std::string archive_;
};

// Point 1: views call functions whose bodies read views; a view calls another database's
// function; a trigger calls a function. Views used to be created before every routine.
TEST_F(FidelityDump, ViewsCallingFunctionsThatReadViewsRestore) {
  RoundTrip({kOrderDb, kOrderLibDb});
  ASSERT_OK_AND_ASSIGN(std::string top, target_->QueryValue("SELECT CONCAT_WS(',', m, total, ext) "
                                                            "FROM mv_fid_order.a_top"));
  EXPECT_EQ(top, "400,2100,1001") << "the restored views and functions must work together";
}

// Point 2: a MERGE table's rows are its MyISAM tables'; the archive records none for it, and the
// restore's row check must not count them as if they were its own.
TEST_F(FidelityDump, MergeTableOverNonEmptyTablesPassesTheRowCheck) { RoundTrip({kMergeDb}); }

// Point 3: routines, triggers, events and views keep character_set_client, collation_connection
// and the database collation they were created under (koi8r text, a latin1 database since
// altered).
TEST_F(FidelityDump, CreationContextOfRoutinesTriggersEventsAndViewsIsKept) {
  RoundTrip({kContextDb});
}

// Point 4: the history of system-versioned tables, with its ROW START/ROW END times, across
// many chunks and keyset pages.
TEST_F(FidelityDump, SystemVersionedHistoryIsKeptExactly) {
  RoundTrip({kHistoryDb}, {"--threads", "3", "--chunk-size", "4096", "--keyset-page-rows", "7"});
}

// A table versioned by transaction id takes no history back: the dump says so and keeps its
// current rows.
TEST_F(FidelityDump, TransactionVersionedTableWarnsAndKeepsCurrentRows) {
  LoadSource({kTrxHistoryDb});
  const CommandResult r = DumpDatabases({kTrxHistoryDb});
  EXPECT_NE(r.err.find("trx_v` is versioned by transaction id"), std::string::npos) << r.err;
  ASSERT_OK(target_->Exec("DROP DATABASE IF EXISTS mv_fid_trx"));
  ASSERT_OK_AND_ASSIGN(CommandResult restore, Restore(archive_, {"--yes", "--quiet"}));
  ASSERT_EQ(restore.exit_code, 0) << restore.Describe();
  ASSERT_OK_AND_ASSIGN(std::string rows,
                       target_->QueryValue("SELECT GROUP_CONCAT(id, ':', v ORDER BY id) FROM "
                                           "mv_fid_trx.trx_v"));
  EXPECT_EQ(rows, "1:2,2:3,3:4,4:4,5:5,6:6,7:7,8:8,9:9,10:10");
}

// Point 5: Oracle-mode packages and their bodies.
TEST_F(FidelityDump, OraclePackagesAndBodiesRestore) {
  RoundTrip({kPackageDb});
  ASSERT_OK_AND_ASSIGN(std::string answer,
                       target_->QueryValue("SELECT mv_fid_package.pkg.f_answer()"));
  EXPECT_EQ(answer, "42");
}

// Point 7: a view whose base table was dropped (and a view over it) cannot be created again.
// The dump warns and keeps their definitions as comments; everything else restores.
TEST_F(FidelityDump, InvalidViewsAreReportedAndTheRestRestores) {
  Fingerprint source = LoadSource({kBrokenDb});
  const CommandResult r = DumpDatabases({kBrokenDb});
  for (const char* view : {"`mv_fid_broken`.`v_gone`", "`mv_fid_broken`.`v_over_gone`"}) {
    EXPECT_TRUE(std::regex_search(r.err, std::regex(std::string("view ") + view + " is invalid")))
        << "no warning for " << view << ": " << r.err;
  }
  ASSERT_OK_AND_ASSIGN(std::string sql, DecompressArchive(archive_));
  // The definer is whatever account the corpus was loaded with (root over TCP or the socket).
  EXPECT_TRUE(std::regex_search(sql, std::regex("\\n--   CREATE ALGORITHM=UNDEFINED DEFINER=\\S+ "
                                                "SQL SECURITY DEFINER VIEW `v_gone` AS select ")))
      << "the invalid view's definition must stay in the archive";
  source.erase("view `mv_fid_broken`.`v_gone`");
  source.erase("view `mv_fid_broken`.`v_over_gone`");
  ExpectBothRestoresGive(source, {kBrokenDb});
}

// Point 8: list options take several values after one flag on every subcommand.
TEST_F(FidelityDump, RestoreDatabasesTakesAListAfterOneFlag) {
  const Fingerprint source = LoadSource({kMergeDb, kPackageDb, kContextDb});
  DumpDatabases({kMergeDb, kPackageDb, kContextDb});
  for (const char* db : {kMergeDb, kPackageDb, kContextDb}) {
    ASSERT_OK(target_->Exec(std::string("DROP DATABASE IF EXISTS ") + db));
  }
  ASSERT_OK_AND_ASSIGN(CommandResult r, Restore(archive_, {"--databases", kMergeDb, kPackageDb,
                                                           "--yes", "--quiet"}));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  ASSERT_OK_AND_ASSIGN(bool context, TargetHasDatabase(kContextDb));
  EXPECT_FALSE(context) << "a database left out of --databases was restored";
  ASSERT_OK_AND_ASSIGN(Fingerprint restored,
                       TakeFingerprint(target_config_, {kMergeDb, kPackageDb}));
  Fingerprint want = source;
  std::erase_if(want,
                [](const auto& kv) { return kv.first.find(kContextDb) != std::string::npos; });
  EXPECT_EQ(Diff(want, restored), "");
}

// Point 6: a BLOB (and a latin1 text) larger than half of max_allowed_packet, on a server whose
// max_allowed_packet is 1 MiB, dumped and restored on that same server by both loaders.
TEST_F(FidelityDump, ValuesOverHalfTheMaxAllowedPacketRestoreOnTheirOwnServer) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<ThrowawayServer> server,
                       ThrowawayServer::Start(dir_->Join("server"), "--max-allowed-packet=1M"));
  ASSERT_OK_AND_ASSIGN(std::string cnf,
                       WriteOptionFile(server->config(), dir_->path(), "small-packet.cnf"));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<TestServer> conn, TestServer::Connect(server->config()));
  ASSERT_OK(LoadLargeValues(*conn));
  ASSERT_OK_AND_ASSIGN(Fingerprint source, TakeFingerprint(server->config(), {kBlobDb}));
  ASSERT_OK_AND_ASSIGN(CommandResult dump,
                       RunMyvault({"dump", "--defaults-file", cnf, "--output", archive_,
                                   "--databases", kBlobDb, "--quiet"}));
  ASSERT_EQ(dump.exit_code, 0) << dump.Describe();
  ASSERT_OK(conn->Exec("DROP DATABASE mv_fid_blob"));
  ASSERT_OK_AND_ASSIGN(CommandResult restore, RestoreWith(cnf, archive_, {"--yes", "--quiet"}));
  ASSERT_EQ(restore.exit_code, 0) << restore.Describe();
  ASSERT_OK_AND_ASSIGN(Fingerprint restored, TakeFingerprint(server->config(), {kBlobDb}));
  EXPECT_EQ(Diff(source, restored), "") << "myvault restore";
  ASSERT_OK(conn->Exec("DROP DATABASE mv_fid_blob"));
  ASSERT_OK(ReplayWithMariadbClient(archive_, cnf));
  ASSERT_OK_AND_ASSIGN(Fingerprint replayed, TakeFingerprint(server->config(), {kBlobDb}));
  EXPECT_EQ(Diff(source, replayed), "") << "zcat | mariadb";
}

}  // namespace
}  // namespace myvault::it
