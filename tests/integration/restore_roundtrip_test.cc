// `myvault restore` of the edge-case corpus into the target must reproduce the source exactly:
// every object, every row, AUTO_INCREMENT counters and sequence states (all in the fingerprint),
// with no trigger firing during the load and no journal left behind. Run at 1 and 4 loader
// threads, with secondary indexes built before and after the data, and from stdin. The target
// starts with a stale, different `mv_corpus`, which the restore must replace (--drop-existing is
// the default).
#include <regex>

#include "corpus.h"
#include "restore_fixture.h"

namespace myvault::it {
namespace {

// What a restore must replace: another character set, a table the source does not have and a
// trigger log with a row the source's does not hold.
constexpr char kStaleCorpus[] = R"sql(
DROP DATABASE IF EXISTS `mv_corpus`; CREATE DATABASE `mv_corpus` CHARACTER SET latin1;
CREATE TABLE `mv_corpus`.stale_only (id INT PRIMARY KEY); INSERT INTO `mv_corpus`.stale_only VALUES (1);
CREATE TABLE `mv_corpus`.trg_log (id INT PRIMARY KEY, src_id INT, note VARCHAR(40));
INSERT INTO `mv_corpus`.trg_log VALUES (99, 99, 'stale');
DROP DATABASE IF EXISTS `mv corpus2`; DROP DATABASE IF EXISTS `mv_ünï`;
DROP DATABASE IF EXISTS `_myvault_restore`;
)sql";

class RestoreRoundTrip : public RestoreTest {
 protected:
  void Prepare() override {
    ASSERT_OK_AND_ASSIGN(corpus_, EnsureEdgeCaseCorpus(*source_));
    archive_ = dir_->Join("corpus.sql.gz");
    std::vector<std::string> args = {"--threads", "4", "--chunk-size", "65536", "--databases"};
    args.insert(args.end(), CorpusDatabases().begin(), CorpusDatabases().end());
    ASSERT_OK(DumpArchive(archive_, args));
    ASSERT_OK(target_->Exec(kStaleCorpus));
  }

  // Restores `archive_arg` (the archive, or "-" with the archive on stdin) with `args` and
  // --yes, and checks the target against the source.
  CommandResult RestoreAndCompare(const std::string& archive_arg,
                                  const std::vector<std::string>& args) {
    CommandOptions options;
    if (archive_arg == "-") options.stdin_file = archive_;
    std::vector<std::string> all = args;
    all.push_back("--yes");
    Result<CommandResult> r = Restore(archive_arg, all, options);
    EXPECT_TRUE(r.ok()) << r.status().message();
    if (!r.ok()) return {};
    EXPECT_EQ(r->exit_code, 0) << r->Describe();
    if (r->exit_code != 0) return *r;
    ExpectNoJournal();
    Result<Fingerprint> restored = TakeFingerprint(target_config_, CorpusDatabases());
    EXPECT_TRUE(restored.ok()) << restored.status().message();
    if (restored.ok()) {
      EXPECT_EQ(Diff(corpus_, *restored), "") << "objects differ between source and restored copy";
    }
    ExpectTriggersDidNotFire();
    ExpectCountersContinue();
    Result<std::string> f = target_->QueryValue("SELECT `mv_corpus`.f_ansi(5)");
    EXPECT_TRUE(f.ok() && *f == "f;5;;")
        << "f_ansi must run under the ANSI_QUOTES it was created with: "
        << (f.ok() ? *f : f.status().message());
    return *r;
  }

  // The trigger log holds exactly the source's rows: a trigger that fired during the load would
  // have added rows (and changed trg_src.v, which the fingerprint covers).
  void ExpectTriggersDidNotFire() {
    const std::string sql = "SELECT id, src_id, note FROM " +
                            QualifiedName(kCorpusDb, kTriggerLogTable) + " ORDER BY id";
    ASSERT_OK_AND_ASSIGN(auto source_rows, source_->Query(sql));
    ASSERT_OK_AND_ASSIGN(auto target_rows, target_->Query(sql));
    EXPECT_EQ(source_rows.size(), 4u);
    EXPECT_EQ(target_rows, source_rows) << "a trigger fired while the archive was loaded";
  }

  // The fingerprint compares AUTO_INCREMENT=N and the stored sequence state; this checks what
  // they mean on the restored copy: the next id and the next sequence value are the source's.
  void ExpectCountersContinue() {
    const std::string gap = QualifiedName(kCorpusDb, kAutoIncGapTable);
    ASSERT_OK_AND_ASSIGN(std::string source_next,
                         source_->QueryValue("SELECT AUTO_INCREMENT FROM information_schema.TABLES "
                                             "WHERE TABLE_SCHEMA = 'mv_corpus' AND TABLE_NAME = '" +
                                             std::string(kAutoIncGapTable) + "'"));
    ASSERT_OK(target_->Exec("INSERT INTO " + gap + " (v) VALUES (-1)"));
    ASSERT_OK_AND_ASSIGN(std::string target_id, target_->QueryValue("SELECT LAST_INSERT_ID()"));
    EXPECT_EQ(target_id, source_next) << "AUTO_INCREMENT of " << gap << " not restored";
    for (const char* seq : {"seq_nocache", "seq_cached"}) {
      const std::string name = QualifiedName(kCorpusDb, seq);
      ASSERT_OK_AND_ASSIGN(std::string stored,
                           source_->QueryValue("SELECT next_not_cached_value FROM " + name));
      ASSERT_OK_AND_ASSIGN(std::string next, target_->QueryValue("SELECT NEXT VALUE FOR " + name));
      EXPECT_EQ(next, stored) << "the restored sequence " << name << " hands out another value";
    }
  }

  Fingerprint corpus_;
  std::string archive_;
};

TEST_F(RestoreRoundTrip, OneThreadIndexesWithTheDataReproducesEveryObject) {
  RestoreAndCompare(archive_, {"--threads", "1", "--defer-indexes", "never", "--quiet"});
}

// Not quiet: the closing report on stdout names the tables and their rows, and the phases after
// the data say what they did, table by table for the index builds.
TEST_F(RestoreRoundTrip, FourThreadsDeferredIndexesReproducesEveryObjectAndReports) {
  const CommandResult r = RestoreAndCompare(
      archive_, {"--threads", "4", "--defer-indexes", "always", "--progress", "lines"});
  EXPECT_TRUE(
      std::regex_search(r.err, std::regex("indexes: built those of `mv_corpus`\\.`big_rows` in "
                                          "[0-9.]+ s \\([0-9]+/[0-9]+ tables\\)")))
      << r.err;
  EXPECT_TRUE(
      std::regex_search(r.err, std::regex("check: [0-9]+ tables hold the archive's row counts")))
      << r.err;
  EXPECT_NE(r.out.find("big_rows"), std::string::npos) << "no rows per table in the report:\n"
                                                       << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("40[,' ]?000"))) << "big_rows has 40000 rows:\n"
                                                                   << r.out;
}

// Quiet: nothing on stdout or stderr when all goes well.
TEST_F(RestoreRoundTrip, FromStdinReproducesEveryObject) {
  const CommandResult r = RestoreAndCompare("-", {"--quiet"});
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "");
}

// --no-drop-existing into a server without the corpus (nothing to replace) loads the same.
TEST_F(RestoreRoundTrip, NoDropExistingIntoAnEmptyServerReproducesEveryObject) {
  ASSERT_OK(target_->Exec("DROP DATABASE `mv_corpus`"));
  RestoreAndCompare(archive_, {"--no-drop-existing", "--threads", "2", "--quiet"});
}

// --no-drop-existing onto the stale copy: every table, view and sequence of the archive replaces
// its namesake, but the database itself is kept, with its latin1 default and the table the
// archive does not hold. So the fingerprints differ exactly there (and in the database collation
// that triggers, routines and events record), which also shows the comparison above can fail.
TEST_F(RestoreRoundTrip, NoDropExistingKeepsWhatTheArchiveDoesNotHold) {
  ASSERT_OK_AND_ASSIGN(CommandResult r,
                       Restore(archive_, {"--no-drop-existing", "--yes", "--quiet"}));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  ExpectNoJournal();
  ASSERT_OK_AND_ASSIGN(Fingerprint restored, TakeFingerprint(target_config_, CorpusDatabases()));
  const std::regex allowed(
      "database `mv_corpus`|table `mv_corpus`\\.`stale_only` .*|"
      "(trigger|procedure|function|event) `mv_corpus`\\..*");
  bool stale_seen = false;
  for (const std::string& key : DifferingKeys(corpus_, restored)) {
    EXPECT_TRUE(std::regex_match(key, allowed)) << "differs: " << key;
    stale_seen = stale_seen || key.find("stale_only") != std::string::npos;
  }
  EXPECT_TRUE(stale_seen) << "the table only the target had is gone";
  ASSERT_OK_AND_ASSIGN(std::string kept,
                       target_->QueryValue("SELECT COUNT(*) FROM `mv_corpus`.stale_only"));
  EXPECT_EQ(kept, "1");
  ExpectTriggersDidNotFire();
}

}  // namespace
}  // namespace myvault::it
