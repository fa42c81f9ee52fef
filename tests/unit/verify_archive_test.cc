// VerifyArchive: an intact archive passes with the right counts; flipped bytes, truncation,
// foreign files and bad .sha256 files fail with one precise line.
#include <gtest/gtest.h>

#include <filesystem>

#include "archive_test_helpers.h"
#include "myvault/archive/member.h"
#include "myvault/archive/reader.h"
#include "myvault/verify/verify.h"

namespace myvault::verify {
namespace {

using archive::Index;
using archive::MemberEntry;
using archive::MemberKind;
using archive::testutil::ReadFile;
using archive::testutil::TempDir;
using archive::testutil::WriteFile;

class VerifyArchiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sample_ = archive::testutil::ShopSample();
    path_ = dir_.File("shop.sql.gz");
    archive::testutil::WriteSample(path_, sample_, 6);
    bytes_ = ReadFile(path_);
    auto reader = archive::ArchiveReader::Open(path_);
    ASSERT_TRUE(reader.ok());
    index_ = (*reader)->index();
  }

  Status Verify(VerifyOptions options = {}) { return VerifyArchive(path_, options, &report_); }

  // Writes the archive with `bytes`, keeping the original .sha256, and verifies it.
  Status VerifyBytes(const std::string& bytes, VerifyOptions options = {}) {
    WriteFile(path_, bytes);
    return Verify(options);
  }

  Status VerifyFlipped(uint64_t offset) {
    std::string bad = bytes_;
    bad[offset] ^= 0x04;
    return VerifyBytes(bad);
  }

  // "archive P is damaged: " + what.
  std::string Damaged(const std::string& what) const {
    return "archive " + path_ + " is damaged: " + what;
  }

  // The n-th data member of table `orders` (object 2).
  const MemberEntry& OrdersChunk(uint32_t chunk) const {
    for (const MemberEntry& m : index_.members) {
      if (m.info.object_id == 2 && m.info.kind == MemberKind::kData && m.info.chunk == chunk) {
        return m;
      }
    }
    ADD_FAILURE() << "no chunk " << chunk;
    return index_.members[0];
  }

  uint64_t IndexOffset() const { return index_.members.back().offset + index_.members.back().size; }

  TempDir dir_;
  archive::testutil::Sample sample_;
  std::string path_;
  std::string bytes_;
  Index index_;
  VerifyReport report_;
};

TEST_F(VerifyArchiveTest, IntactArchivePassesWithTheRightCounts) {
  for (int threads : {1, 2, 4}) {
    Status s = Verify({.check_sha256_file = true, .threads = threads});
    ASSERT_TRUE(s.ok()) << s.message();
    EXPECT_EQ(report_.members, sample_.members.size() + 2);
    EXPECT_EQ(report_.data_members, 5u);
    EXPECT_EQ(report_.rows, 202u);
    uint64_t raw = archive::EncodeIndex(index_).size();
    for (const auto& m : sample_.members) raw += m.payload.size();
    EXPECT_EQ(report_.raw_bytes, raw);
    EXPECT_EQ(report_.compressed_bytes, bytes_.size());
    EXPECT_TRUE(report_.sha256_file_checked);
    using Rows = std::vector<std::pair<std::string, uint64_t>>;
    EXPECT_EQ(report_.table_rows, (Rows{{"shop.orders", 200}, {"shop.customers", 2}}));
    EXPECT_GT(report_.seconds, 0.0);
  }
}

TEST_F(VerifyArchiveTest, FlippedByteInADataMemberNamesTableAndChunk) {
  const MemberEntry& chunk2 = OrdersChunk(2);
  for (uint64_t at : {chunk2.offset + archive::kMemberHeaderSize + 10,  // body
                      chunk2.offset + chunk2.size - 6,                  // CRC32
                      chunk2.offset + 50}) {                            // sha256 in MV
    Status s = VerifyFlipped(at);
    EXPECT_EQ(s.code(), StatusCode::kCorrupt);
    const std::string prefix = Damaged("table `shop`.`orders` chunk 2 (member at offset " +
                                       std::to_string(chunk2.offset) + "): ");
    EXPECT_EQ(s.message().substr(0, prefix.size()), prefix) << s.message();
  }
  EXPECT_EQ(VerifyFlipped(chunk2.offset + 50).message(),
            Damaged("table `shop`.`orders` chunk 2 (member at offset " +
                    std::to_string(chunk2.offset) + "): sha256 mismatch"));
}

// Object, chunk and rows are outside the payload's checksums: the index catches them.
TEST_F(VerifyArchiveTest, FlippedChunkOrRowsFieldIsCaughtByTheIndex) {
  const MemberEntry& chunk2 = OrdersChunk(2);
  const std::string where =
      "table `shop`.`orders` chunk 2 (member at offset " + std::to_string(chunk2.offset) + "): ";
  EXPECT_EQ(VerifyFlipped(chunk2.offset + 22).message(),
            Damaged(where + "the index says chunk 2, the member says chunk 6"));
  EXPECT_EQ(VerifyFlipped(chunk2.offset + 26).message(),
            Damaged(where + "the index says rows 50, the member says rows 54"));
  EXPECT_EQ(VerifyFlipped(chunk2.offset + 18).message(),
            Damaged(where + "the index says object 2, the member says object 6"));
}

TEST_F(VerifyArchiveTest, FlippedByteInHeaderIndexOrTrailerIsNamed) {
  EXPECT_EQ(VerifyFlipped(0).message(),
            Damaged("header member 0 (member at offset 0): bad gzip magic"));
  const std::string header_body = VerifyFlipped(archive::kMemberHeaderSize + 5).message();
  EXPECT_EQ(header_body.rfind(Damaged("header member 0 (member at offset 0): "), 0), 0u)
      << header_body;
  const std::string index = VerifyFlipped(IndexOffset() + archive::kMemberHeaderSize + 7).message();
  const std::string index_where =
      Damaged("index member 0 (member at offset " + std::to_string(IndexOffset()) + "): ");
  EXPECT_EQ(index.rfind(index_where, 0), 0u) << index;
  const uint64_t trailer = bytes_.size() - archive::kTrailerSize;
  EXPECT_EQ(VerifyFlipped(trailer + 88).message(),
            Damaged("trailer member 0 (member at offset " + std::to_string(trailer) +
                    "): trailer byte 88 is wrong"));
  EXPECT_EQ(VerifyFlipped(trailer + 95).message(),
            Damaged("trailer member 0 (member at offset " + std::to_string(trailer) +
                    "): the trailer does not locate the index member"));
}

TEST_F(VerifyArchiveTest, TruncationIsReportedAsTruncated) {
  const MemberEntry& chunk1 = OrdersChunk(1);
  const uint64_t trailer = bytes_.size() - archive::kTrailerSize;
  const size_t members_before_chunk1 = 5;
  struct Cut {
    uint64_t size;
    std::string message;
  };
  const std::vector<Cut> cuts = {
      {chunk1.offset + 100, "truncated after member 5 at offset " + std::to_string(chunk1.offset)},
      {chunk1.offset, "truncated after member 5 at offset " + std::to_string(chunk1.offset)},
      {trailer, "truncated after member " + std::to_string(sample_.members.size() + 1) +
                    " at offset " + std::to_string(trailer)},
      {bytes_.size() - 1, "truncated after member " + std::to_string(sample_.members.size() + 1) +
                              " at offset " + std::to_string(trailer)},
      {5, "truncated after member 0 at offset 0"},
  };
  ASSERT_EQ(index_.members[members_before_chunk1].offset, chunk1.offset);
  for (const Cut& cut : cuts) {
    Status s = VerifyBytes(bytes_.substr(0, cut.size));
    EXPECT_EQ(s.code(), StatusCode::kCorrupt);
    EXPECT_EQ(s.message(), Damaged(cut.message)) << "cut at " << cut.size;
  }
}

TEST_F(VerifyArchiveTest, DataAfterTheTrailerIsDamage) {
  Status s = VerifyBytes(bytes_ + std::string(10, '\0'), {.check_sha256_file = false});
  EXPECT_EQ(s.message(), Damaged("member at offset " + std::to_string(bytes_.size()) +
                                 ": unexpected data after the trailer"));
}

TEST_F(VerifyArchiveTest, ChecksumFileMustMatchAndNameThisFile) {
  const std::string sha = path_ + ".sha256";
  const std::string good = ReadFile(sha);
  std::string wrong = good;
  wrong[0] = wrong[0] == '0' ? '1' : '0';
  WriteFile(sha, wrong);
  Status s = Verify();
  EXPECT_EQ(s.code(), StatusCode::kCorrupt);
  EXPECT_EQ(s.message().rfind(Damaged("its SHA-256 "), 0), 0u) << s.message();
  EXPECT_TRUE(Verify({.check_sha256_file = false}).ok());
  EXPECT_FALSE(report_.sha256_file_checked);

  WriteFile(sha, good.substr(0, 66) + "/elsewhere/other.sql.gz\n");
  EXPECT_EQ(Verify().message(), sha + " names another file: /elsewhere/other.sql.gz");
  for (const std::string& malformed : {std::string(), std::string("abc  shop.sql.gz\n"),
                                       good.substr(0, 64) + " shop.sql.gz\n", good + good}) {
    WriteFile(sha, malformed);
    s = Verify();
    EXPECT_EQ(s.code(), StatusCode::kCorrupt);
    EXPECT_NE(s.message().find(" is malformed"), std::string::npos) << s.message();
  }
  // Uppercase hex, binary-mode marker and another directory with the same name are fine.
  std::string upper = good.substr(0, 64);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  WriteFile(sha, upper + " */old/place/shop.sql.gz\n");
  EXPECT_TRUE(Verify().ok());
  EXPECT_TRUE(report_.sha256_file_checked);
  std::filesystem::remove(sha);
  EXPECT_TRUE(Verify().ok());
  EXPECT_FALSE(report_.sha256_file_checked);
}

// Stored blocks (level 0) start with a 3-bit header padded to a byte; flipping a padding bit
// changes no payload, so only the whole-file SHA-256 in FILE.sha256 can notice it.
TEST_F(VerifyArchiveTest, PaddingBitFlipIsCaughtByTheChecksumFile) {
  archive::testutil::WriteSample(path_, sample_, 0);
  std::string stored = ReadFile(path_);
  stored[archive::kMemberHeaderSize] ^= static_cast<char>(0x80);  // header member's first block
  WriteFile(path_, stored);
  EXPECT_TRUE(Verify({.check_sha256_file = false}).ok());
  Status s = Verify();
  EXPECT_EQ(s.code(), StatusCode::kCorrupt);
  EXPECT_EQ(s.message().rfind(Damaged("its SHA-256 "), 0), 0u) << s.message();
}

TEST_F(VerifyArchiveTest, MovedBackupStillVerifies) {
  std::filesystem::create_directory(dir_.File("moved"));
  const std::string moved = dir_.File("moved/shop.sql.gz");
  std::filesystem::rename(path_, moved);
  std::filesystem::rename(path_ + ".sha256", moved + ".sha256");
  Status s = VerifyArchive(moved, {}, &report_);
  EXPECT_TRUE(s.ok()) << s.message();
  EXPECT_TRUE(report_.sha256_file_checked);
}

// A backup directory's P-latest.sql.gz link is checked against its target's .sha256, which
// names the target; a damaged target fails through the link too.
TEST_F(VerifyArchiveTest, ALinkIsCheckedAgainstItsTargetsChecksumFile) {
  const std::string link = dir_.File("shop-latest.sql.gz");
  std::filesystem::create_symlink("shop.sql.gz", link);
  Status s = VerifyArchive(link, {}, &report_);
  EXPECT_TRUE(s.ok()) << s.message();
  EXPECT_TRUE(report_.sha256_file_checked);
  std::string bad = bytes_;
  bad[bad.size() - 30] ^= 0x01;
  WriteFile(path_, bad);
  EXPECT_EQ(VerifyArchive(link, {}, &report_).code(), StatusCode::kCorrupt);
  std::filesystem::remove(path_);
  EXPECT_EQ(VerifyArchive(link, {}, &report_).code(), StatusCode::kNotFound);
}

// A signal stops a verification between batches: the caller gets the signal's error, not a
// verdict on the archive.
TEST_F(VerifyArchiveTest, ACancelledVerificationSaysSoAndJudgesNothing) {
  ErrorCollector cancel;
  VerifyOptions options;
  options.cancel = &cancel;
  ASSERT_TRUE(VerifyArchive(path_, options, &report_).ok()) << "not cancelled: a normal pass";
  cancel.Report(Cancelled("interrupted by SIGTERM"));
  Status s = VerifyArchive(path_, options, &report_);
  EXPECT_EQ(s.code(), StatusCode::kCancelled) << s.message();
  EXPECT_NE(s.message().find("interrupted by SIGTERM"), std::string::npos) << s.message();
  EXPECT_EQ(s.message().find("damaged"), std::string::npos) << s.message();
}

TEST_F(VerifyArchiveTest, ForeignEmptyAndMissingFiles) {
  const std::string text = dir_.File("notes.txt");
  WriteFile(text, "hello, this is not a backup\n");
  EXPECT_EQ(VerifyArchive(text, {}, &report_).message(), text + " is not a myvault archive");
  ASSERT_EQ(archive::testutil::RunShell("gzip -k '" + text + "'").exit_code, 0);
  EXPECT_EQ(VerifyArchive(text + ".gz", {}, &report_).message(),
            text + ".gz is not a myvault archive");
  const std::string empty = dir_.File("empty.sql.gz");
  WriteFile(empty, "");
  Status s = VerifyArchive(empty, {}, &report_);
  EXPECT_EQ(s.code(), StatusCode::kCorrupt);
  EXPECT_EQ(s.message(), empty + " is not a myvault archive (empty file)");
  s = VerifyArchive(dir_.File("missing.sql.gz"), {}, &report_);
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
}

// Re-encodes the index (as a buggy or malicious writer might have) and rebuilds the trailer.
std::string WithIndex(const std::string& bytes, uint64_t index_offset, const Index& index) {
  std::string member;
  archive::MemberInfo info;
  EXPECT_TRUE(archive::MemberEncoder(6)
                  .Encode(MemberKind::kIndex, archive::kNoObject, 0, 0, archive::EncodeIndex(index),
                          &member, &info)
                  .ok());
  return bytes.substr(0, index_offset) + member +
         archive::EncodeTrailer({index_offset, member.size()});
}

TEST_F(VerifyArchiveTest, IndexThatDisagreesWithTheFileIsDamage) {
  const VerifyOptions no_sha{.check_sha256_file = false};
  Index rows = index_;
  rows.objects[1].rows = 201;
  EXPECT_EQ(VerifyBytes(WithIndex(bytes_, IndexOffset(), rows), no_sha).message(),
            Damaged("index: table `shop`.`orders` has 201 rows but its data members hold 200"));
  Index chunk = index_;
  const size_t i = 6;  // orders chunk 2
  chunk.members[i].info.chunk = 7;
  EXPECT_EQ(VerifyBytes(WithIndex(bytes_, IndexOffset(), chunk), no_sha).message(),
            Damaged("table `shop`.`orders` chunk 7 (member at offset " +
                    std::to_string(chunk.members[i].offset) +
                    "): the index says chunk 7, the member says chunk 2"));
  Index fewer = index_;
  fewer.members.pop_back();
  fewer.members.back().info = index_.members.back().info;  // still valid by itself
  EXPECT_EQ(VerifyBytes(WithIndex(bytes_, IndexOffset(), fewer), no_sha).message(),
            Damaged("the index does not end where the index member starts"));
  EXPECT_TRUE(VerifyBytes(WithIndex(bytes_, IndexOffset(), index_), no_sha).ok());
}

// Enough data for several pipeline batches; damage near the end is still named exactly.
TEST(VerifyLargeArchiveTest, ManyBatchesAndDamageFarIn) {
  TempDir dir;
  archive::testutil::Sample sample;
  sample.index.objects = {{1, "table", "big", "t", 0}};
  sample.members.push_back({MemberKind::kHeader, archive::kNoObject, 0, 0, "SET a=1;\n"});
  uint64_t state = 12345;
  for (uint32_t chunk = 0; chunk < 24; ++chunk) {
    std::string sql = "INSERT INTO t VALUES ";
    while (sql.size() < (1u << 20)) {
      state = state * 6364136223846793005u + 1442695040888963407u;
      sql += "(" + std::to_string(state >> 20) + "),";
    }
    sql.back() = ';';
    sample.members.push_back({MemberKind::kData, 1, chunk, 1000 + chunk, sql + "\n"});
    sample.index.objects[0].rows += 1000 + chunk;
  }
  sample.members.push_back({MemberKind::kFooter, archive::kNoObject, 0, 0, ""});
  const std::string path = dir.File("big.sql.gz");
  archive::testutil::WriteSample(path, sample, 1);
  VerifyReport report;
  for (int threads : {1, 2}) {
    Status s = VerifyArchive(path, {.check_sha256_file = true, .threads = threads}, &report);
    ASSERT_TRUE(s.ok()) << s.message();
    EXPECT_EQ(report.data_members, 24u);
    EXPECT_EQ(report.rows, sample.index.objects[0].rows);
  }
  auto reader = archive::ArchiveReader::Open(path);
  ASSERT_TRUE(reader.ok());
  const MemberEntry chunk21 = (*reader)->index().members[22];
  ASSERT_EQ(chunk21.info.chunk, 21u);
  reader->reset();
  std::string bytes = ReadFile(path);
  bytes[chunk21.offset + chunk21.size / 2] ^= 0x20;
  WriteFile(path, bytes);
  Status s = VerifyArchive(path, {.check_sha256_file = true, .threads = 2}, &report);
  const std::string prefix = "archive " + path + " is damaged: table `big`.`t` chunk 21 (member " +
                             "at offset " + std::to_string(chunk21.offset) + "): ";
  EXPECT_EQ(s.message().substr(0, prefix.size()), prefix) << s.message();
  EXPECT_EQ(report.data_members, 21u);  // the members before the damage were counted
}

}  // namespace
}  // namespace myvault::verify
