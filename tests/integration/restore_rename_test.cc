// `myvault restore --databases mv_corpus --rename mv_corpus=mv_corpus_drill` beside an existing
// `mv_corpus` on the target (a restore drill): the copy equals the source's `mv_corpus` under its
// new name, its views read the copy's tables (the dump writes view bodies with qualified names,
// `mv_corpus`.`t`), and the existing `mv_corpus` and the databases not selected are untouched.
#include <algorithm>

#include "corpus.h"
#include "restore_fixture.h"

namespace myvault::it {
namespace {

constexpr char kDrillDb[] = "mv_corpus_drill";

// The target's own `mv_corpus`: the tables the corpus views read, holding other rows, so a view
// in the copy that still read from `mv_corpus` would show them.
constexpr char kTargetCorpus[] = R"sql(
DROP DATABASE IF EXISTS `mv_corpus`; CREATE DATABASE `mv_corpus`;
CREATE TABLE `mv_corpus`.trg_src (id INT PRIMARY KEY, v VARCHAR(40));
INSERT INTO `mv_corpus`.trg_src VALUES (1, 'target original'), (2, 'target original');
CREATE TABLE `mv_corpus`.ints (id INT PRIMARY KEY, bi BIGINT);
INSERT INTO `mv_corpus`.ints VALUES (1, -42);
CREATE TABLE `mv_corpus`.floats (id INT PRIMARY KEY, d DOUBLE);
INSERT INTO `mv_corpus`.floats VALUES (1, -4.25);
CREATE TABLE `mv_corpus`.target_only (id INT PRIMARY KEY); INSERT INTO `mv_corpus`.target_only VALUES (7);
DROP DATABASE IF EXISTS `mv_corpus_drill`;
DROP DATABASE IF EXISTS `mv corpus2`; DROP DATABASE IF EXISTS `mv_ünï`;
DROP DATABASE IF EXISTS `_myvault_restore`;
)sql";

// Views of the corpus whose rows can be read on the target (definer_view's DEFINER account
// exists only on the source).
const std::vector<std::string>& ReadableViews() {
  static const std::vector<std::string> kViews = {"z_base_view", "a_top_view", "m_join_view"};
  return kViews;
}

class RestoreRename : public RestoreTest {
 protected:
  void Prepare() override {
    ASSERT_OK(EnsureEdgeCaseCorpus(*source_).status());
    archive_ = dir_->Join("corpus.sql.gz");
    std::vector<std::string> args = {"--chunk-size", "65536", "--databases"};
    args.insert(args.end(), CorpusDatabases().begin(), CorpusDatabases().end());
    ASSERT_OK(DumpArchive(archive_, args));
    ASSERT_OK(target_->Exec(kTargetCorpus));
  }

  std::string archive_;
};

TEST_F(RestoreRename, DrillCopyEqualsSourceAndLeavesTheOriginalAlone) {
  ASSERT_OK_AND_ASSIGN(ServerState before, TakeServerState(*target_, CorpusDatabases()));
  ASSERT_OK_AND_ASSIGN(CommandResult r, Restore(archive_, {"--databases", kCorpusDb, "--rename",
                                                           std::string(kCorpusDb) + "=" + kDrillDb,
                                                           "--yes", "--quiet"}));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  ExpectNoJournal();

  // The copy is the source's mv_corpus under the new name.
  ASSERT_OK_AND_ASSIGN(Fingerprint source, TakeFingerprint(source_config_, {kCorpusDb}));
  ASSERT_OK_AND_ASSIGN(Fingerprint drill, TakeFingerprint(target_config_, {kDrillDb}));
  EXPECT_EQ(Diff(RenameInFingerprint(source, kCorpusDb, kDrillDb), drill), "")
      << "the renamed copy differs from the source (names mapped)";

  // Only the drill database is new; mv_corpus and the unselected databases are as they were.
  ASSERT_OK_AND_ASSIGN(ServerState after, TakeServerState(*target_, CorpusDatabases()));
  before.databases.push_back(kDrillDb);
  std::sort(before.databases.begin(), before.databases.end());
  EXPECT_EQ(DiffStates(before, after), "") << "the restore changed more than " << kDrillDb;
}

TEST_F(RestoreRename, ViewsInTheCopyReadTheCopy) {
  ASSERT_OK_AND_ASSIGN(CommandResult r, Restore(archive_, {"--databases", kCorpusDb, "--rename",
                                                           std::string(kCorpusDb) + "=" + kDrillDb,
                                                           "--yes", "--quiet"}));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  ASSERT_OK_AND_ASSIGN(auto definitions,
                       target_->Query("SELECT TABLE_NAME, VIEW_DEFINITION FROM "
                                      "information_schema.VIEWS WHERE TABLE_SCHEMA = '" +
                                      std::string(kDrillDb) + "'"));
  EXPECT_EQ(definitions.size(), 4u) << "the corpus has four views";
  for (const Row& v : definitions) {
    EXPECT_EQ(v[1].value_or("").find(QuoteIdent(kCorpusDb) + "."), std::string::npos)
        << "view " << *v[0] << " of the copy reads from the original database: " << *v[1];
  }
  for (const std::string& view : ReadableViews()) {
    ASSERT_OK_AND_ASSIGN(
        auto source_rows,
        source_->Query("SELECT * FROM " + QualifiedName(kCorpusDb, view) + " ORDER BY 1"));
    ASSERT_OK_AND_ASSIGN(
        auto drill_rows,
        target_->Query("SELECT * FROM " + QualifiedName(kDrillDb, view) + " ORDER BY 1"));
    EXPECT_FALSE(source_rows.empty()) << view;
    EXPECT_EQ(drill_rows, source_rows) << "view " << view << " of the copy shows other rows";
  }
}

}  // namespace
}  // namespace myvault::it
