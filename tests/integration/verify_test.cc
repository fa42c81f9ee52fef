// `myvault verify` on damaged archives: a flipped byte in a data member, a damaged member trailer
// or index, truncation at several points and a wrong .sha256 all give exit 7 and a one-line
// error; damage inside table data names the table and the chunk.
//
// Offsets come from walking the gzip members (gzip_members.h), not from the project's reader.
// Damaged copies are written without a .sha256 beside them unless the test says otherwise, so
// that verify must find the damage from the archive's own structure and checksums.
#include <regex>
#include <set>

#include "fixture.h"
#include "gzip_members.h"

namespace myvault::it {
namespace {

constexpr char kVerifySetup[] = R"sql(
DROP DATABASE IF EXISTS mv_verify; CREATE DATABASE mv_verify; USE mv_verify;
CREATE TABLE payload (id INT PRIMARY KEY, v VARCHAR(200), h CHAR(64));
INSERT INTO payload SELECT seq, REPEAT(CHAR(97 + seq % 26), seq % 150), SHA2(seq, 256)
  FROM seq_1_to_20000;
)sql";

class VerifyDamage : public ServerPairTest {
 protected:
  void Prepare() override {
    ASSERT_OK(source_->Exec(kVerifySetup));
    archive_ = dir_->Join("v.sql.gz");
    ASSERT_OK_AND_ASSIGN(CommandResult r, Dump(archive_, {"--quiet", "--chunk-size", "65536",
                                                          "--databases", "mv_verify"}));
    ASSERT_EQ(r.exit_code, 0) << r.Describe();
    ASSERT_OK_AND_ASSIGN(bytes_, ReadFile(archive_));
    members_ = GzipMembers(bytes_);
    ASSERT_GE(members_.size(), 10u) << "a 4 MB table in 64 KiB chunks should make many members";
  }

  // Writes `bytes` to a fresh file NAME (no .sha256 beside it) and runs `myvault verify` on it.
  CommandResult VerifyCopy(const std::string& name, std::string_view bytes) {
    const std::string path = dir_->Join(name);
    EXPECT_OK(WriteFile(path, bytes));
    Result<CommandResult> r = RunMyvault({"verify", path});
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? *r : CommandResult{};
  }

  std::string Flipped(size_t offset) const {
    std::string damaged = bytes_;
    damaged.at(offset) = static_cast<char>(damaged[offset] ^ 0x10);
    return damaged;
  }

  // The member in the middle of the archive: table data, whatever surrounds it.
  const GzipMember& MiddleMember() const { return members_[members_.size() / 2]; }

  static void ExpectCorrupt(const CommandResult& r, const std::string& cause_regex) {
    EXPECT_EQ(r.exit_code, kExitCorrupt) << r.Describe();
    EXPECT_TRUE(std::regex_match(r.err, std::regex("myvault: error: [^\n]+\n")))
        << "stderr must be exactly one 'myvault: error: ...' line: " << r.Describe();
    EXPECT_TRUE(std::regex_search(r.err, std::regex(cause_regex, std::regex::icase)))
        << "stderr should match /" << cause_regex << "/i: " << r.Describe();
  }

  std::string archive_;
  std::string bytes_;
  std::vector<GzipMember> members_;
};

TEST_F(VerifyDamage, IntactArchiveVerifiesWithAndWithoutItsSha256) {
  ASSERT_OK_AND_ASSIGN(CommandResult with, RunMyvault({"verify", archive_}));
  EXPECT_EQ(with.exit_code, 0) << with.Describe();
  const CommandResult without = VerifyCopy("copy.sql.gz", bytes_);
  EXPECT_EQ(without.exit_code, 0) << without.Describe();
}

TEST_F(VerifyDamage, FlippedByteInsideADataMemberNamesTableAndChunk) {
  const GzipMember& m = MiddleMember();
  const CommandResult r = VerifyCopy("flip.sql.gz", Flipped(m.offset + m.size / 2));
  ExpectCorrupt(r, "payload");
  ExpectCorrupt(r, "chunk");
}

TEST_F(VerifyDamage, FlippedCrcInAMemberTrailerNamesTableAndChunk) {
  const GzipMember& m = MiddleMember();
  const CommandResult r = VerifyCopy("crc.sql.gz", Flipped(m.offset + m.size - 8));
  ExpectCorrupt(r, "payload");
  ExpectCorrupt(r, "chunk");
}

TEST_F(VerifyDamage, FlippedByteNearTheEndIsDetected) {
  // The last bytes hold the index / footer, in whatever form the format gives them.
  for (size_t back : {1, 8, 30}) {
    const CommandResult r = VerifyCopy("tail.sql.gz", Flipped(bytes_.size() - back));
    EXPECT_EQ(r.exit_code, kExitCorrupt) << "flip at size-" << back << ": " << r.Describe();
  }
}

TEST_F(VerifyDamage, FlippedByteIsDetectedWithTheSha256Present) {
  const std::string path = dir_->Join("with-sum.sql.gz");
  ASSERT_OK(WriteFile(path, Flipped(MiddleMember().offset + MiddleMember().size / 2)));
  ASSERT_OK_AND_ASSIGN(std::string sum, ReadFile(archive_ + ".sha256"));
  ASSERT_OK(WriteFile(path + ".sha256", sum.substr(0, 64) + "  " + path + "\n"));
  ASSERT_OK_AND_ASSIGN(CommandResult r, RunMyvault({"verify", path}));
  EXPECT_EQ(r.exit_code, kExitCorrupt) << r.Describe();
}

TEST_F(VerifyDamage, TruncationAtSeveralPointsIsReported) {
  const GzipMember& m = MiddleMember();
  std::set<size_t> cuts = {bytes_.size() - 1,     bytes_.size() / 2,      m.offset,
                           m.offset + m.size / 2, members_.back().offset, members_[1].offset};
  for (size_t cut : cuts) {
    const CommandResult r = VerifyCopy("cut.sql.gz", std::string_view(bytes_).substr(0, cut));
    SCOPED_TRACE("truncated to " + std::to_string(cut) + " of " + std::to_string(bytes_.size()));
    ExpectCorrupt(r, "truncat");
  }
}

TEST_F(VerifyDamage, WrongSha256IsDetected) {
  ASSERT_OK_AND_ASSIGN(std::string sum, ReadFile(archive_ + ".sha256"));
  sum[10] = sum[10] == '0' ? '1' : '0';
  ASSERT_OK(WriteFile(archive_ + ".sha256", sum));
  ASSERT_OK_AND_ASSIGN(CommandResult r, RunMyvault({"verify", archive_}));
  ExpectCorrupt(r, "sha-?256|checksum|hash|mismatch");
}

}  // namespace
}  // namespace myvault::it
