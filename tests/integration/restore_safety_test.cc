// A restore that must not start leaves the target exactly as it was: a damaged archive (found by
// the one-pass check against FILE.sha256, or without one by the full verify, before the first
// statement; exit 7 naming the table and chunk), a wrong FILE.sha256, a member written bad under
// a matching FILE.sha256 when a database would be replaced (the full verify then runs first), a
// truncated file, no --yes without a terminal (exit 2). A pre-existing database
// of the same name keeps its content. --list describes the archive without contacting a server.
// From stdin no verify-first is possible: a damaged member still stops the restore with exit 7,
// and --resume with the intact stream finishes it. By default the load stays out of the binlog.
#include <algorithm>
#include <regex>

#include "archive_index.h"
#include "restore_fixture.h"

namespace myvault::it {
namespace {

constexpr char kSafetyDb[] = "mv_rsafe";

constexpr char kSourceSetup[] = R"sql(
DROP DATABASE IF EXISTS mv_rsafe; CREATE DATABASE mv_rsafe; USE mv_rsafe;
CREATE TABLE payload (id INT PRIMARY KEY, v VARCHAR(200), h CHAR(64));
INSERT INTO payload SELECT seq, REPEAT(CHAR(97 + seq % 26), seq % 150), SHA2(seq, 256)
  FROM seq_1_to_20000;
CREATE TABLE small (id INT PRIMARY KEY, v VARCHAR(20));
INSERT INTO small SELECT seq, CONCAT('s', seq) FROM seq_1_to_7;
)sql";

// The target's own mv_rsafe, which a refused restore must leave as it is.
constexpr char kTargetSetup[] = R"sql(
DROP DATABASE IF EXISTS mv_rsafe; CREATE DATABASE mv_rsafe; USE mv_rsafe;
CREATE TABLE payload (id INT PRIMARY KEY, v VARCHAR(200), h CHAR(64));
INSERT INTO payload VALUES (1, 'precious', NULL), (2, 'also precious', 'x');
CREATE TABLE only_here (id INT PRIMARY KEY); INSERT INTO only_here VALUES (42);
)sql";

class RestoreSafety : public RestoreTest {
 protected:
  void Prepare() override {
    ASSERT_OK(source_->Exec(kSourceSetup));
    ASSERT_OK(target_->Exec(kTargetSetup));
    ASSERT_OK(target_->Exec(std::string("DROP DATABASE IF EXISTS ") + kJournalDb));
    archive_ = dir_->Join("safe.sql.gz");
    ASSERT_OK(DumpArchive(archive_, {"--chunk-size", "65536", "--databases", kSafetyDb}));
    ASSERT_OK_AND_ASSIGN(bytes_, ReadFile(archive_));
    ASSERT_OK_AND_ASSIGN(index_, ReadArchiveIndex(bytes_));
    ASSERT_OK_AND_ASSIGN(before_, TakeServerState(*target_, {kSafetyDb}));
  }

  // A data member of `payload` in the middle of its chunks.
  IndexMember MiddlePayloadMember() const {
    const IndexObject* table = index_.FindObject("table", kSafetyDb, "payload");
    EXPECT_NE(table, nullptr) << "no table mv_rsafe.payload in the index";
    if (table == nullptr) return {};
    const std::vector<IndexMember> chunks = index_.DataMembers(table->id);
    EXPECT_GE(chunks.size(), 10u) << "a 4 MB table in 64 KiB chunks should make many chunks";
    return chunks.empty() ? IndexMember{} : chunks[chunks.size() / 2];
  }

  // The archive with one byte flipped in the middle of `m`'s compressed body.
  std::string FlippedInside(const IndexMember& m) const {
    std::string damaged = bytes_;
    const size_t at = m.offset + m.size / 2;
    damaged.at(at) = static_cast<char>(damaged[at] ^ 0x10);
    return damaged;
  }

  // Records a failure unless the target is as Prepare left it, with no journal.
  void ExpectTargetUntouched() {
    ASSERT_OK_AND_ASSIGN(ServerState after, TakeServerState(*target_, {kSafetyDb}));
    EXPECT_EQ(DiffStates(before_, after), "") << "the refused restore changed the target";
  }

  std::string archive_;
  std::string bytes_;
  ArchiveIndex index_;
  ServerState before_;
};

TEST_F(RestoreSafety, DamagedDataMemberIsRefusedBeforeTheServerIsTouched) {
  const IndexMember m = MiddlePayloadMember();
  ASSERT_FALSE(HasFailure());
  const std::string damaged = dir_->Join("damaged.sql.gz");  // no .sha256 beside it
  ASSERT_OK(WriteFile(damaged, FlippedInside(m)));
  ASSERT_OK_AND_ASSIGN(CommandResult r, Restore(damaged, {"--yes", "--quiet"}));
  // "archive ... is damaged: table `mv_rsafe`.`payload` chunk N ..."
  ExpectRestoreFailure(r, kExitCorrupt,
                       "damaged.*mv_rsafe`?\\.`?payload.*chunk " + std::to_string(m.chunk) + "\\b");
  ExpectTargetUntouched();
}

// With FILE.sha256 beside it, a damaged archive is refused by the one-pass check of the whole
// file, before any connection.
TEST_F(RestoreSafety, DamagedArchiveBesideItsSha256IsRefusedBeforeTheServerIsTouched) {
  const IndexMember m = MiddlePayloadMember();
  ASSERT_FALSE(HasFailure());
  ASSERT_OK(WriteFile(archive_, FlippedInside(m)));  // safe.sql.gz.sha256 names the intact file
  ASSERT_OK_AND_ASSIGN(CommandResult r, Restore(archive_, {"--yes", "--quiet"}));
  ExpectRestoreFailure(r, kExitCorrupt, "damaged.*SHA-256.*safe\\.sql\\.gz\\.sha256");
  ExpectTargetUntouched();
}

// An archive whose member was bad when it was written, so that FILE.sha256 matches it (the
// one-pass check vouches for it; only inflating the member shows the damage).
class RestoreSafetyWrittenBad : public RestoreSafety {
 protected:
  void WriteBadArchive() {
    const IndexMember m = MiddlePayloadMember();
    ASSERT_FALSE(HasFailure());
    bad_chunk_ = m.chunk;
    const std::string damaged = FlippedInside(m);
    ASSERT_OK(WriteFile(archive_, damaged));
    ASSERT_OK(WriteFile(archive_ + ".sha256", Sha256Hex(damaged) + "  safe.sql.gz\n"));
  }
  uint32_t bad_chunk_ = 0;
};

// The target holds a database the restore would replace: every member is inflated and checked
// before anything is dropped, as without a .sha256.
TEST_F(RestoreSafetyWrittenBad, IsRefusedBeforeADatabaseItWouldReplaceIsDropped) {
  WriteBadArchive();
  ASSERT_FALSE(HasFailure());
  ASSERT_OK_AND_ASSIGN(CommandResult r, Restore(archive_, {"--yes", "--quiet"}));
  ExpectRestoreFailure(
      r, kExitCorrupt,
      "damaged.*mv_rsafe`?\\.`?payload.*chunk " + std::to_string(bad_chunk_) + "\\b");
  ExpectTargetUntouched();
}

// Into databases the target does not have (nothing to lose), the load starts after the one-pass
// check and stops at the bad chunk, naming it (exit 7); --full-verify refuses before anything.
TEST_F(RestoreSafetyWrittenBad, IntoANewDatabaseStopsAtTheBadChunkOrWithFullVerifyBefore) {
  WriteBadArchive();
  ASSERT_FALSE(HasFailure());
  const std::string fresh = "mv_rsafe_fresh";
  ASSERT_OK(target_->Exec("DROP DATABASE IF EXISTS " + fresh));
  const std::string rename = std::string(kSafetyDb) + "=" + fresh;
  ASSERT_OK_AND_ASSIGN(CommandResult r, Restore(archive_, {"--yes", "--quiet", "--full-verify",
                                                           "--rename", rename}));
  ExpectRestoreFailure(
      r, kExitCorrupt,
      "damaged.*mv_rsafe`?\\.`?payload.*chunk " + std::to_string(bad_chunk_) + "\\b");
  ASSERT_OK_AND_ASSIGN(bool created, TargetHasDatabase(fresh));
  EXPECT_FALSE(created) << "--full-verify created " << fresh << " before it found the damage";

  ASSERT_OK_AND_ASSIGN(r, Restore(archive_, {"--yes", "--quiet", "--rename", rename}));
  ExpectRestoreFailure(r, kExitCorrupt, "payload.*chunk " + std::to_string(bad_chunk_) + "\\b");
  ASSERT_OK_AND_ASSIGN(created, TargetHasDatabase(fresh));
  EXPECT_TRUE(created) << "the load never started: the one-pass check should have let it";
  // What the stopped load left (the new database, its journal) goes; mv_rsafe is as it was.
  ASSERT_OK(target_->Exec("DROP DATABASE IF EXISTS " + fresh));
  ASSERT_OK(target_->Exec(std::string("DROP DATABASE IF EXISTS ") + kJournalDb));
  ExpectTargetUntouched();
}

TEST_F(RestoreSafety, WrongSha256BesideTheArchiveIsRefused) {
  ASSERT_OK_AND_ASSIGN(std::string sum, ReadFile(archive_ + ".sha256"));
  sum[10] = sum[10] == '0' ? '1' : '0';
  ASSERT_OK(WriteFile(archive_ + ".sha256", sum));
  ASSERT_OK_AND_ASSIGN(CommandResult r, Restore(archive_, {"--yes", "--quiet"}));
  ExpectRestoreFailure(r, kExitCorrupt, "sha-?256|checksum|hash|mismatch");
  ExpectTargetUntouched();
}

TEST_F(RestoreSafety, TruncatedArchiveIsRefused) {
  const std::string cut = dir_->Join("cut.sql.gz");
  ASSERT_OK(WriteFile(cut, std::string_view(bytes_).substr(0, bytes_.size() - 1000)));
  ASSERT_OK_AND_ASSIGN(CommandResult r, Restore(cut, {"--yes", "--quiet"}));
  ExpectRestoreFailure(r, kExitCorrupt, "truncat");
  ExpectTargetUntouched();
}

// The test children run without a controlling terminal (setsid), so no prompt is possible.
TEST_F(RestoreSafety, WithoutYesAndWithoutATerminalIsAUsageError) {
  ASSERT_OK_AND_ASSIGN(CommandResult r, Restore(archive_, {"--quiet"}));
  ExpectRestoreFailure(r, kExitUsage, "--yes");
  ExpectTargetUntouched();
}

TEST_F(RestoreSafety, WithoutYesFromStdinIsAUsageError) {
  CommandOptions options;
  options.stdin_file = archive_;
  ASSERT_OK_AND_ASSIGN(CommandResult r, Restore("-", {"--quiet"}, options));
  ExpectRestoreFailure(r, kExitUsage, "--yes");
  ExpectTargetUntouched();
}

// The option file names a port where nothing listens: any attempt to connect would fail (exit 3).
TEST_F(RestoreSafety, ListDescribesTheArchiveWithoutConnecting) {
  ASSERT_OK_AND_ASSIGN(std::string cnf, UnreachableOptionFile());
  ASSERT_OK_AND_ASSIGN(CommandResult r, RestoreWith(cnf, archive_, {"--list"}));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  std::string out = r.out;
  out.erase(std::remove(out.begin(), out.end(), ','), out.end());  // "20,000" reads as 20000
  EXPECT_NE(out.find(kSafetyDb), std::string::npos) << "no database in --list:\n" << r.out;
  for (const char* table : {"payload", "small"}) {
    const IndexObject* o = index_.FindObject("table", kSafetyDb, table);
    ASSERT_NE(o, nullptr) << table;
    const std::regex line(std::string("(^|\n)[^\n]*\\b") + table + "\\b[^\n]*\\b" +
                          std::to_string(o->rows) + "\\b");
    EXPECT_TRUE(std::regex_search(out, line))
        << "no line naming " << table << " with its " << o->rows << " rows:\n"
        << r.out;
  }
  for (const char* key : {"binlog_file", "binlog_position", "gtid_position"}) {
    const std::string value = index_.Meta(key);
    if (value.empty()) continue;
    EXPECT_NE(r.out.find(value), std::string::npos)
        << "--list does not show the snapshot's " << key << " " << value << ":\n"
        << r.out;
  }
  EXPECT_NE(index_.Meta("binlog_file"), "") << "the test servers log binlogs";
  ExpectTargetUntouched();
}

// The binary log position of the target (file and offset).
Result<std::string> BinlogPosition(TestServer& server) {
  ASSIGN_OR_RETURN(auto rows, server.Query("SHOW MASTER STATUS"));
  if (rows.size() != 1) return Internal("SHOW MASTER STATUS: the target logs no binlog");
  return rows[0].at(0).value_or("") + ":" + rows[0].at(1).value_or("");
}

// By default the load is kept out of the binary log (replicas of the target do not replay it);
// --enable-binlog writes it.
TEST_F(RestoreSafety, LoadStaysOutOfTheBinlogUnlessEnabled) {
  ASSERT_OK_AND_ASSIGN(std::string before, BinlogPosition(*target_));
  ASSERT_OK_AND_ASSIGN(CommandResult r, Restore(archive_, {"--yes", "--quiet"}));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  ASSERT_OK_AND_ASSIGN(std::string after, BinlogPosition(*target_));
  EXPECT_EQ(after, before) << "the default restore wrote to the target's binlog";
  ASSERT_OK_AND_ASSIGN(r, Restore(archive_, {"--yes", "--quiet", "--enable-binlog"}));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  ASSERT_OK_AND_ASSIGN(std::string logged, BinlogPosition(*target_));
  EXPECT_NE(logged, after) << "--enable-binlog wrote nothing to the binlog";
  ExpectNoJournal();
}

// --list of a stream: either it lists (reading to the index at the end) or it refuses as a usage
// error; "No such file" about a file named "-" is neither.
TEST_F(RestoreSafety, ListFromStdinListsOrIsAUsageError) {
  ASSERT_OK_AND_ASSIGN(std::string cnf, UnreachableOptionFile());
  CommandOptions options;
  options.stdin_file = archive_;
  ASSERT_OK_AND_ASSIGN(CommandResult r, RestoreWith(cnf, "-", {"--list"}, options));
  if (r.exit_code == 0) {
    EXPECT_NE(r.out.find("payload"), std::string::npos) << r.Describe();
  } else {
    ExpectRestoreFailure(r, kExitUsage, "--list|stdin");
  }
  ExpectTargetUntouched();
}

// From stdin the restore starts before the damage is seen; it must still stop at the damaged
// chunk, name it, and exit 7. The intact archive on stdin with --resume then finishes the job.
TEST_F(RestoreSafety, DamagedStreamOnStdinStopsAtTheDamagedChunkAndResumes) {
  const IndexMember m = MiddlePayloadMember();
  ASSERT_FALSE(HasFailure());
  const std::string damaged = dir_->Join("damaged-stream.sql.gz");
  ASSERT_OK(WriteFile(damaged, FlippedInside(m)));
  CommandOptions options;
  options.stdin_file = damaged;
  ASSERT_OK_AND_ASSIGN(CommandResult r, Restore("-", {"--yes", "--quiet"}, options));
  EXPECT_EQ(r.exit_code, kExitCorrupt) << r.Describe();
  EXPECT_TRUE(std::regex_search(r.err, std::regex("^myvault: error: "))) << r.Describe();
  EXPECT_TRUE(std::regex_search(r.err, std::regex("payload"))) << r.Describe();
  EXPECT_TRUE(std::regex_search(r.err, std::regex("chunk " + std::to_string(m.chunk) + "\\b")))
      << r.Describe();

  options.stdin_file = archive_;
  ASSERT_OK_AND_ASSIGN(CommandResult resumed,
                       Restore("-", {"--resume", "--yes", "--quiet"}, options));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.Describe();
  ExpectNoJournal();
  ASSERT_OK_AND_ASSIGN(Fingerprint source, TakeFingerprint(source_config_, {kSafetyDb}));
  ASSERT_OK_AND_ASSIGN(Fingerprint target, TakeFingerprint(target_config_, {kSafetyDb}));
  EXPECT_EQ(Diff(source, target), "") << "the resumed restore differs from the source";
}

}  // namespace
}  // namespace myvault::it
