// A restore never removes what the archive cannot give back. An archive that holds only part of a
// database (`dump --tables db.t`, the habit before a risky UPDATE) replaces just those tables and
// leaves every other table, view, routine, trigger and event of the database as it was; the
// confirmation says so, object by object, with sizes. An archive that holds the whole database
// still drops and replaces it, and its confirmation names what the drop removes.
#include <regex>

#include "archive_index.h"
#include "restore_fixture.h"

namespace myvault::it {
namespace {

constexpr char kDb[] = "mv_rpartial";

// Two tables, a view, a function, a procedure, a trigger and an event: a small sakila.
constexpr char kSetup[] = R"sql(
DROP DATABASE IF EXISTS mv_rpartial; CREATE DATABASE mv_rpartial; USE mv_rpartial;
CREATE TABLE actor (id INT PRIMARY KEY, name VARCHAR(40));
INSERT INTO actor SELECT seq, CONCAT('actor ', seq) FROM seq_1_to_200;
CREATE TABLE film (id INT PRIMARY KEY, title VARCHAR(40), actor_id INT);
INSERT INTO film SELECT seq, CONCAT('film ', seq), seq % 200 + 1 FROM seq_1_to_1000;
CREATE TABLE film_log (id INT AUTO_INCREMENT PRIMARY KEY, film_id INT);
CREATE VIEW film_list AS SELECT f.title, a.name FROM film f JOIN actor a ON a.id = f.actor_id;
CREATE FUNCTION film_count() RETURNS INT READS SQL DATA RETURN (SELECT COUNT(*) FROM film);
CREATE PROCEDURE touch_film(IN i INT) UPDATE film SET title = title WHERE id = i;
CREATE TRIGGER film_ai AFTER INSERT ON film FOR EACH ROW INSERT INTO film_log (film_id) VALUES (NEW.id);
CREATE EVENT nightly ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM film_log;
)sql";

Result<ArchiveIndex> IndexOf(const std::string& archive) {
  ASSIGN_OR_RETURN(std::string bytes, ReadFile(archive));
  return ReadArchiveIndex(bytes);
}

class RestorePartial : public RestoreTest {
 protected:
  void Prepare() override {
    ASSERT_OK(source_->Exec(kSetup));
    ASSERT_OK(target_->Exec(kSetup));
    // The target's own changes since the backup: they must survive a restore of `actor` alone.
    ASSERT_OK(
        target_->Exec("USE mv_rpartial; UPDATE actor SET name = 'broken by a risky UPDATE';"
                      "INSERT INTO film (id, title, actor_id) VALUES (1001, 'new film', 1);"
                      "CREATE TABLE only_on_target (id INT PRIMARY KEY); INSERT INTO "
                      "only_on_target VALUES (7);"));
    ASSERT_OK(target_->Exec(std::string("DROP DATABASE IF EXISTS ") + kJournalDb));
  }

  // The single value `sql` selects on the target, or the error's text.
  std::string TargetValue(const std::string& sql) {
    Result<std::string> v = target_->QueryValue(sql);
    return v.ok() ? *v : "error: " + v.status().message();
  }
};

TEST_F(RestorePartial, ATablesArchiveReplacesOnlyItsTablesAndLeavesTheRestOfTheDatabase) {
  const std::string archive = dir_->Join("actor.sql.gz");
  ASSERT_OK(DumpArchive(archive, {"--tables", std::string(kDb) + ".actor"}));
  ASSERT_OK_AND_ASSIGN(ArchiveIndex index, IndexOf(archive));
  EXPECT_EQ(index.Meta("contents"), "partial");
  EXPECT_EQ(index.Meta("database_partial"), kDb);

  ASSERT_OK_AND_ASSIGN(CommandResult r, Restore(archive, {"--yes", "--progress", "lines"}));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  // actor is back as it was in the backup ...
  EXPECT_EQ(TargetValue("SELECT COUNT(*) FROM mv_rpartial.actor WHERE name LIKE 'actor %'"), "200");
  // ... and nothing else of the database was touched.
  EXPECT_EQ(TargetValue("SELECT COUNT(*) FROM mv_rpartial.film"), "1001");
  EXPECT_EQ(TargetValue("SELECT id FROM mv_rpartial.only_on_target"), "7");
  EXPECT_EQ(TargetValue("SELECT COUNT(*) FROM mv_rpartial.film_list"), "1001");
  EXPECT_EQ(TargetValue("SELECT mv_rpartial.film_count()"), "1001");
  for (const char* what :
       {"ROUTINES WHERE ROUTINE_SCHEMA = 'mv_rpartial' AND ROUTINE_NAME = 'touch_film'",
        "TRIGGERS WHERE TRIGGER_SCHEMA = 'mv_rpartial' AND TRIGGER_NAME = 'film_ai'",
        "EVENTS WHERE EVENT_SCHEMA = 'mv_rpartial' AND EVENT_NAME = 'nightly'"}) {
    EXPECT_EQ(TargetValue(std::string("SELECT COUNT(*) FROM information_schema.") + what), "1")
        << what;
  }
  // The confirmation said what it would do, object by object.
  const std::string said = r.out + r.err;
  EXPECT_TRUE(std::regex_search(said, std::regex("mv_rpartial`?: kept.*only part of it"))) << said;
  EXPECT_TRUE(std::regex_search(said, std::regex("replaced: +1 table[^\n]*`actor` \\("))) << said;
  EXPECT_TRUE(std::regex_search(
      said, std::regex("left alone: +3 tables \\([^)]*\\), 1 view, 1 trigger, 1 procedure, 1 "
                       "function, 1 event: [^\n]*`film` \\([^\n]*`only_on_target`")))
      << said;
  EXPECT_EQ(said.find("DROPPED"), std::string::npos) << said;
  ExpectNoJournal();
}

TEST_F(RestorePartial, AWholeDatabaseArchiveDropsItAndSaysWhatGoes) {
  const std::string archive = dir_->Join("whole.sql.gz");
  ASSERT_OK(DumpArchive(archive, {"--databases", kDb}));
  ASSERT_OK_AND_ASSIGN(ArchiveIndex index, IndexOf(archive));
  EXPECT_EQ(index.Meta("contents"), "full");
  EXPECT_EQ(index.Meta("database_complete"), kDb);

  ASSERT_OK_AND_ASSIGN(CommandResult r, Restore(archive, {"--yes", "--progress", "lines"}));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  const std::string said = r.out + r.err;
  EXPECT_TRUE(std::regex_search(said, std::regex("mv_rpartial`?: DROPPED and replaced"))) << said;
  EXPECT_TRUE(std::regex_search(said, std::regex("DROPPED: +1 table[^\n]*`only_on_target`")))
      << said;
  EXPECT_EQ(TargetValue("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = "
                        "'mv_rpartial' AND TABLE_NAME = 'only_on_target'"),
            "0");
  ASSERT_OK_AND_ASSIGN(Fingerprint source, TakeFingerprint(source_config_, {kDb}));
  ASSERT_OK_AND_ASSIGN(Fingerprint target, TakeFingerprint(target_config_, {kDb}));
  EXPECT_EQ(Diff(source, target), "");
}

// --no-drop-existing on a whole archive: the database stays, the archive's objects replace
// their namesakes, the target's own table stays.
TEST_F(RestorePartial, NoDropExistingLeavesTheTargetsOwnObjects) {
  const std::string archive = dir_->Join("whole.sql.gz");
  ASSERT_OK(DumpArchive(archive, {"--databases", kDb}));
  ASSERT_OK_AND_ASSIGN(CommandResult r,
                       Restore(archive, {"--yes", "--progress", "lines", "--no-drop-existing"}));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  const std::string said = r.out + r.err;
  EXPECT_TRUE(std::regex_search(said, std::regex("left alone: +1 table[^\n]*`only_on_target`")))
      << said;
  EXPECT_EQ(TargetValue("SELECT id FROM mv_rpartial.only_on_target"), "7");
  EXPECT_EQ(TargetValue("SELECT COUNT(*) FROM mv_rpartial.film"), "1000");
}

// From a stream the decision is the same: the header says the archive is partial.
TEST_F(RestorePartial, APartialStreamOnStdinIsNotDroppedEither) {
  const std::string archive = dir_->Join("actor.sql.gz");
  ASSERT_OK(DumpArchive(archive, {"--tables", std::string(kDb) + ".actor"}));
  CommandOptions options;
  options.stdin_file = archive;
  ASSERT_OK_AND_ASSIGN(CommandResult r, Restore("-", {"--yes", "--quiet"}, options));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_EQ(TargetValue("SELECT id FROM mv_rpartial.only_on_target"), "7");
  EXPECT_EQ(TargetValue("SELECT COUNT(*) FROM mv_rpartial.actor WHERE name LIKE 'actor %'"), "200");
}

}  // namespace
}  // namespace myvault::it
