// One damaged table back without restoring everything: `restore FILE --tables db.t` loads only the
// named tables (schema, data, the triggers that fire on them) from a whole-database archive,
// never drops the database around them, leaves every other table, view, routine and event of the
// target as it is, and reads only the members it needs (a damaged chunk of another table does
// not stop it).
#include <regex>

#include "archive_index.h"
#include "restore_fixture.h"

namespace myvault::it {
namespace {

constexpr char kDb[] = "mv_rtables";

constexpr char kSetup[] = R"sql(
DROP DATABASE IF EXISTS mv_rtables; CREATE DATABASE mv_rtables; USE mv_rtables;
CREATE TABLE actor (id INT PRIMARY KEY, name VARCHAR(40));
INSERT INTO actor SELECT seq, CONCAT('actor ', seq) FROM seq_1_to_200;
CREATE TABLE film (id INT PRIMARY KEY, title VARCHAR(200), actor_id INT);
INSERT INTO film SELECT seq, CONCAT('film ', seq, REPEAT('x', 150)), seq % 200 + 1
  FROM seq_1_to_20000;
CREATE TABLE film_log (id INT AUTO_INCREMENT PRIMARY KEY, film_id INT);
INSERT INTO film_log (film_id) SELECT seq FROM seq_1_to_30;
CREATE VIEW film_list AS SELECT f.title, a.name FROM film f JOIN actor a ON a.id = f.actor_id;
CREATE FUNCTION film_count() RETURNS INT READS SQL DATA RETURN (SELECT COUNT(*) FROM film);
CREATE TRIGGER film_ai AFTER INSERT ON film FOR EACH ROW INSERT INTO film_log (film_id) VALUES (NEW.id);
CREATE TRIGGER actor_bi BEFORE INSERT ON actor FOR EACH ROW SET NEW.name = UPPER(NEW.name);
CREATE EVENT nightly ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM film_log;
)sql";

class RestoreTables : public RestoreTest {
 protected:
  void Prepare() override {
    ASSERT_OK(source_->Exec(kSetup));
    ASSERT_OK(target_->Exec(kSetup));
    // The target since the backup: a risky UPDATE broke `film`; other work changed the rest.
    ASSERT_OK(target_->Exec(
        "USE mv_rtables; UPDATE film SET title = 'broken'; DROP TRIGGER film_ai;"
        "INSERT INTO actor (id, name) VALUES (201, 'new actor');"
        "CREATE TABLE only_on_target (id INT PRIMARY KEY); INSERT INTO only_on_target VALUES (7);"
        "DROP DATABASE IF EXISTS mv_rtables_copy;"));
    ASSERT_OK(target_->Exec(std::string("DROP DATABASE IF EXISTS ") + kJournalDb));
    archive_ = dir_->Join("whole.sql.gz");
    ASSERT_OK(DumpArchive(archive_, {"--chunk-size", "65536", "--databases", kDb}));
  }

  std::string TargetValue(const std::string& sql) {
    Result<std::string> v = target_->QueryValue(sql);
    return v.ok() ? *v : "error: " + v.status().message();
  }

  // A copy of the archive with one chunk of `film` damaged: the last one, or one in the middle;
  // *chunks is how many film has.
  void DamageFilmChunk(bool last, std::string* damaged, size_t* chunks) {
    ASSERT_OK_AND_ASSIGN(std::string bytes, ReadFile(archive_));
    ASSERT_OK_AND_ASSIGN(ArchiveIndex index, ReadArchiveIndex(bytes));
    const IndexObject* film = index.FindObject("table", kDb, "film");
    ASSERT_NE(film, nullptr);
    const std::vector<IndexMember> members = index.DataMembers(film->id);
    ASSERT_FALSE(members.empty());
    const IndexMember& m = last ? members.back() : members[members.size() / 2];
    bytes.at(m.offset + m.size / 2) ^= 0x10;
    *chunks = members.size();
    *damaged = dir_->Join(last ? "damaged-tail.sql.gz" : "damaged.sql.gz");
    ASSERT_OK(WriteFile(*damaged, bytes));
  }

  std::string archive_;
};

TEST_F(RestoreTables, ReplacesTheNamedTableWithItsTriggerAndLeavesTheRest) {
  ASSERT_OK_AND_ASSIGN(CommandResult r, Restore(archive_, {"--yes", "--progress", "lines",
                                                           "--tables", "mv_rtables.film"}));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  // film is back as in the backup, with its trigger ...
  EXPECT_EQ(TargetValue("SELECT COUNT(*) FROM mv_rtables.film WHERE title LIKE 'film %'"), "20000");
  EXPECT_EQ(TargetValue("SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE "
                        "TRIGGER_SCHEMA = 'mv_rtables' AND TRIGGER_NAME = 'film_ai'"),
            "1");
  ASSERT_OK(target_->Exec("INSERT INTO mv_rtables.film VALUES (20001, 'fires', 1)"));
  EXPECT_EQ(TargetValue("SELECT COUNT(*) FROM mv_rtables.film_log WHERE film_id = 20001"), "1");
  // ... and the rest of the database is the target's own.
  EXPECT_EQ(TargetValue("SELECT name FROM mv_rtables.actor WHERE id = 201"), "NEW ACTOR");
  EXPECT_EQ(TargetValue("SELECT id FROM mv_rtables.only_on_target"), "7");
  EXPECT_EQ(TargetValue("SELECT COUNT(*) FROM mv_rtables.film_log"), "31");
  EXPECT_EQ(TargetValue("SELECT mv_rtables.film_count()"), "20001");
  EXPECT_EQ(TargetValue("SELECT COUNT(*) FROM information_schema.EVENTS WHERE EVENT_SCHEMA = "
                        "'mv_rtables'"),
            "1");
  const std::string said = r.out + r.err;
  EXPECT_TRUE(std::regex_search(said, std::regex("mv_rtables`?: kept[^\n]*--tables"))) << said;
  EXPECT_TRUE(std::regex_search(said, std::regex("replaced: +1 table[^\n]*`film` \\("))) << said;
  EXPECT_TRUE(
      std::regex_search(said, std::regex("left alone: [^\n]*`actor`[^\n]*`only_on_target`")))
      << said;
  EXPECT_EQ(said.find("DROPPED"), std::string::npos) << said;
  EXPECT_TRUE(std::regex_search(said, std::regex("restored 1 tables, 20000 rows"))) << said;
  ExpectNoJournal();
}

// Only the chosen table's members are read: a damaged chunk of another table does not matter,
// while a damaged chunk of the chosen one is refused before the target is touched.
TEST_F(RestoreTables, ReadsOnlyTheMembersOfTheChosenTables) {
  size_t chunks = 0;
  std::string damaged;
  ASSERT_NO_FATAL_FAILURE(DamageFilmChunk(false, &damaged, &chunks));
  ASSERT_GE(chunks, 5u);

  ASSERT_OK_AND_ASSIGN(CommandResult actor, Restore(damaged, {"--yes", "--progress", "lines",
                                                              "--tables", "mv_rtables.actor"}));
  ASSERT_EQ(actor.exit_code, 0) << actor.Describe();
  EXPECT_EQ(TargetValue("SELECT COUNT(*) FROM mv_rtables.actor"), "200");
  EXPECT_NE((actor.out + actor.err).find("the rest of the archive is not read"), std::string::npos)
      << actor.Describe();

  ASSERT_OK_AND_ASSIGN(CommandResult bad, Restore(damaged, {"--yes", "--progress", "lines",
                                                            "--tables", "mv_rtables.film"}));
  EXPECT_EQ(bad.exit_code, 7) << bad.Describe();  // corrupt archive
  EXPECT_NE(bad.err.find("`mv_rtables`.`film` chunk"), std::string::npos) << bad.Describe();
  EXPECT_EQ(TargetValue("SELECT COUNT(*) FROM mv_rtables.film WHERE title = 'broken'"), "20000");
}

// restore --list --estimate: a restore of the first chunks of the largest table into a scratch
// database times the load; the estimate scales it to the archive. Only the sample is read (a
// damaged chunk after it does not matter), the scratch database is dropped and nothing of the
// target changes.
TEST_F(RestoreTables, ListEstimateTimesASampleAndLeavesTheTargetAsItWas) {
  size_t chunks = 0;
  std::string damaged;
  ASSERT_NO_FATAL_FAILURE(DamageFilmChunk(true, &damaged, &chunks));
  ASSERT_GE(chunks, 8u);

  CommandOptions small;
  small.env.emplace_back("MYVAULT_RTO_SAMPLE_BYTES", "100000");
  ASSERT_OK_AND_ASSIGN(CommandResult r,
                       Restore(damaged, {"--list", "--estimate", "--threads", "2"}, small));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_NE(r.out.find("table      `mv_rtables`.`film`"), std::string::npos) << r.out;
  EXPECT_TRUE(
      std::regex_search(r.out, std::regex("RTO estimate at 2 thread\\(s\\): [0-9.]+ (s|min)")))
      << r.out;
  const std::regex sampled(
      "calibrated by restoring ([0-9]+) of the ([0-9]+) chunks of `mv_rtables`.`film`");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, sampled)) << r.out;
  EXPECT_GE(std::stoul(m[1]), 4u);  // two per loader at least
  EXPECT_LT(std::stoul(m[1]), std::stoul(m[2])) << "the sample was the whole table";
  EXPECT_EQ(std::stoul(m[2]), chunks);
  EXPECT_NE(r.out.find("objective: "), std::string::npos) << r.out;

  EXPECT_EQ(TargetValue("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE "
                        "'myvault\\_rto\\_%'"),
            "0");
  EXPECT_EQ(TargetValue("SELECT COUNT(*) FROM mv_rtables.film WHERE title = 'broken'"), "20000");
  EXPECT_EQ(TargetValue("SELECT COUNT(*) FROM mv_rtables.only_on_target"), "1");
  ExpectNoJournal();

  ASSERT_OK_AND_ASSIGN(CommandResult alone, Restore(damaged, {"--estimate"}));
  EXPECT_EQ(alone.exit_code, 2) << alone.Describe();
  EXPECT_NE(alone.err.find("--estimate goes with --list"), std::string::npos) << alone.err;
}

// The estimate's verify is the check the restore would make: every member when a database on
// the target would be replaced, one pass against FILE.sha256 into a database it lacks.
TEST_F(RestoreTables, ListEstimateForeseesTheCheckTheRestoreWouldMake) {
  ASSERT_TRUE(PathExists(archive_ + ".sha256"));
  CommandOptions small;
  small.env.emplace_back("MYVAULT_RTO_SAMPLE_BYTES", "100000");
  ASSERT_OK_AND_ASSIGN(CommandResult replacing, Restore(archive_, {"--list", "--estimate"}, small));
  ASSERT_EQ(replacing.exit_code, 0) << replacing.Describe();
  EXPECT_NE(replacing.out.find("verify: every member inflated and checked"), std::string::npos)
      << replacing.out;
  ASSERT_OK_AND_ASSIGN(
      CommandResult elsewhere,
      Restore(archive_, {"--list", "--estimate", "--rename", "mv_rtables=mv_rtables_new"}, small));
  ASSERT_EQ(elsewhere.exit_code, 0) << elsewhere.Describe();
  EXPECT_NE(elsewhere.out.find("verify: one SHA-256 pass over the file"), std::string::npos)
      << elsewhere.out;
  EXPECT_EQ(TargetValue("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = "
                        "'mv_rtables_new'"),
            "0");
}

TEST_F(RestoreTables, PatternsAndRenameCreateOnlyTheseTablesElsewhere) {
  ASSERT_OK_AND_ASSIGN(CommandResult r,
                       Restore(archive_, {"--yes", "--quiet", "--tables", "mv_rtables.film*",
                                          "--rename", "mv_rtables=mv_rtables_copy"}));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_EQ(TargetValue("SELECT GROUP_CONCAT(TABLE_NAME ORDER BY TABLE_NAME) FROM "
                        "information_schema.TABLES WHERE TABLE_SCHEMA = 'mv_rtables_copy'"),
            "film,film_log");
  EXPECT_EQ(TargetValue("SELECT COUNT(*) FROM mv_rtables_copy.film"), "20000");
  EXPECT_EQ(TargetValue("SELECT COUNT(*) FROM mv_rtables_copy.film_log"), "30");
  // The trigger on film came along; the view, routine and event stayed out, and so did the
  // trigger on actor.
  EXPECT_EQ(TargetValue("SELECT GROUP_CONCAT(TRIGGER_NAME) FROM information_schema.TRIGGERS "
                        "WHERE TRIGGER_SCHEMA = 'mv_rtables_copy'"),
            "film_ai");
  EXPECT_EQ(TargetValue("SELECT COUNT(*) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA "
                        "= 'mv_rtables_copy'"),
            "0");
  // The original database is untouched.
  EXPECT_EQ(TargetValue("SELECT COUNT(*) FROM mv_rtables.film WHERE title = 'broken'"), "20000");
  ASSERT_OK(target_->Exec("DROP DATABASE mv_rtables_copy"));
}

TEST_F(RestoreTables, FromAStreamTooAndUnknownTablesAreRefused) {
  ASSERT_OK_AND_ASSIGN(CommandResult unknown,
                       Restore(archive_, {"--yes", "--tables", "mv_rtables.flim"}));
  EXPECT_EQ(unknown.exit_code, 4) << unknown.Describe();
  EXPECT_NE(unknown.err.find("--tables mv_rtables.flim: no such table in the archive"),
            std::string::npos)
      << unknown.Describe();
  ASSERT_OK_AND_ASSIGN(
      CommandResult both,
      Restore(archive_, {"--yes", "--tables", "mv_rtables.film", "--databases", kDb}));
  EXPECT_EQ(both.exit_code, 2) << both.Describe();
  EXPECT_EQ(TargetValue("SELECT COUNT(*) FROM mv_rtables.film WHERE title = 'broken'"), "20000");

  CommandOptions options;
  options.stdin_file = archive_;
  ASSERT_OK_AND_ASSIGN(CommandResult r,
                       Restore("-", {"--yes", "--quiet", "--tables", "mv_rtables.film"}, options));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_EQ(TargetValue("SELECT COUNT(*) FROM mv_rtables.film WHERE title LIKE 'film %'"), "20000");
  EXPECT_EQ(TargetValue("SELECT id FROM mv_rtables.only_on_target"), "7");
  EXPECT_EQ(TargetValue("SELECT name FROM mv_rtables.actor WHERE id = 201"), "NEW ACTOR");
}

}  // namespace
}  // namespace myvault::it
