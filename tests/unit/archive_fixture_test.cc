// Old format versions stay readable: tests/data/format-v1/ holds a version 1 archive that must
// keep opening, streaming and verifying (docs/format.md "Compatibility").
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "archive_test_helpers.h"
#include "myvault/archive/crypto.h"
#include "myvault/archive/reader.h"
#include "myvault/verify/verify.h"

namespace myvault::archive {
namespace {

using testutil::ReadFile;
using testutil::Sample;

const std::string kFixture = std::string(MYVAULT_TEST_DATA_DIR) + "/format-v1/small.sql.gz";

// The generator of the fixture: what tests/data/format-v1/small.sql.gz holds. Written with level
// 0 (stored blocks) for every member and the index, so its bytes do not depend on the libdeflate
// version.
Sample FixtureSample() {
  Sample s;
  s.index.metadata = {{"server_version", "10.11.6-MariaDB-0+deb12u1"},
                      {"server_flavor", "mariadb"},
                      {"start_time", "2024-05-01T10:00:00Z"},
                      {"end_time", "2024-05-01T10:00:01Z"},
                      {"binlog_file", "mysql-bin.000003"},
                      {"binlog_position", "1234"},
                      {"gtid_executed", "0-1-42"},
                      {"note", "tab\there, 100% \"quoted\" `ticks` caf\xC3\xA9\nsecond line"}};
  s.index.objects = {{1, "database", "shop", "", 0},
                     {2, "table", "shop", "orders", 3},
                     {3, "table", "shop", "we`ird na\xC3\xAFve", 1},
                     {4, "database", "empty_db", "", 0},
                     {5, "trigger", "shop", "orders_ai", 0}};
  using K = MemberKind;
  s.members = {
      {K::kHeader, kNoObject, 0, 0,
       "-- myvault 0.1.0 dump of 10.11.6-MariaDB\n/*!40101 SET NAMES utf8mb4 */;\n"
       "SET FOREIGN_KEY_CHECKS=0;\nSET UNIQUE_CHECKS=0;\n"},
      {K::kSchema, 1, 0, 0, "CREATE DATABASE IF NOT EXISTS `shop`;\nUSE `shop`;\n"},
      {K::kSchema, 2, 0, 0,
       "CREATE TABLE `orders` (\n  `id` int NOT NULL,\n  `note` text,\n  PRIMARY KEY (`id`)\n"
       ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n"},
      {K::kSchema, 3, 0, 0, "CREATE TABLE `we``ird na\xC3\xAFve` (`x` varbinary(16));\n"},
      {K::kSchema, 4, 0, 0, "CREATE DATABASE IF NOT EXISTS `empty_db`;\n"},
      {K::kData, 2, 0, 2,
       "USE `shop`;\nINSERT INTO `orders` VALUES (1,'first\\nline'),(2,'O\\'Neil "
       "\xE6\x97\xA5');\n"},
      {K::kData, 3, 0, 1, "INSERT INTO `we``ird na\xC3\xAFve` VALUES (_binary 0x00FF7F25);\n"},
      {K::kData, 2, 1, 1, "INSERT INTO `orders` VALUES (3,NULL);\n"},
      {K::kPost, 5, 0, 0,
       "DELIMITER ;;\nCREATE TRIGGER `orders_ai` AFTER INSERT ON `orders` FOR EACH ROW "
       "SET @n = @n + 1 ;;\nDELIMITER ;\n"},
      {K::kFooter, kNoObject, 0, 0, "SET FOREIGN_KEY_CHECKS=1;\nSET UNIQUE_CHECKS=1;\n"},
  };
  return s;
}

TEST(ArchiveFixtureTest, Version1FixtureOpensAndReads) {
  const Sample expected = FixtureSample();
  auto reader = ArchiveReader::Open(kFixture);
  ASSERT_TRUE(reader.ok()) << reader.status().message();
  const Index& index = (*reader)->index();
  EXPECT_EQ(index.metadata, expected.index.metadata);
  EXPECT_EQ(index.objects, expected.index.objects);
  ASSERT_EQ(index.members.size(), expected.members.size());
  for (size_t i = 0; i < index.members.size(); ++i) {
    std::string payload;
    ASSERT_TRUE((*reader)->ReadMember(index.members[i], &payload).ok());
    EXPECT_EQ(payload, expected.members[i].payload) << "member " << i;
    EXPECT_EQ(index.members[i].info.kind, expected.members[i].kind);
    EXPECT_EQ(index.members[i].info.object_id, expected.members[i].object_id);
    EXPECT_EQ(index.members[i].info.chunk, expected.members[i].chunk);
    EXPECT_EQ(index.members[i].info.rows, expected.members[i].rows);
  }
  EXPECT_EQ(index.Describe(index.members[6].info), "table `shop`.`we``ird na\xC3\xAFve` chunk 0");
}

TEST(ArchiveFixtureTest, Version1FixtureVerifiesAndStreams) {
  verify::VerifyReport report;
  Status s = verify::VerifyArchive(kFixture, {}, &report);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_TRUE(report.sha256_file_checked);
  EXPECT_EQ(report.rows, 4u);
  EXPECT_EQ(report.members, FixtureSample().members.size() + 2);

  int fd = ::open(kFixture.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  SequentialReader sequential(fd);
  std::string sql;
  MemberInfo info;
  std::string payload;
  uint64_t offset = 0;
  for (;;) {
    auto next = sequential.Next(&info, &payload, &offset);
    ASSERT_TRUE(next.ok()) << next.status().message();
    if (!*next) break;
    if (info.kind <= MemberKind::kFooter) sql += payload;
  }
  ::close(fd);
  EXPECT_EQ(sql, testutil::SampleSql(FixtureSample()));
}

// The current writer still produces version 1 byte for byte. When the format changes on purpose,
// this fails and leaves the new archive in the test temp dir: keep format-v1/ as it is and add
// the new file as tests/data/format-vN/ (docs/format.md, "Compatibility").
TEST(ArchiveFixtureTest, CurrentWriterReproducesTheFixtureBytes) {
  const std::string regenerated = ::testing::TempDir() + "format-regenerated.sql.gz";
  testutil::WriteSample(regenerated, FixtureSample(), 0, {.fsync = false, .index_level = 0});
  const std::string fixture_bytes = ReadFile(kFixture);
  const std::string new_bytes = ReadFile(regenerated);
  EXPECT_EQ(new_bytes == fixture_bytes, true)
      << "the writer's output differs from " << kFixture << "; new archive: " << regenerated;
  EXPECT_EQ(ReadFile(regenerated + ".sha256").substr(0, 64),
            ReadFile(kFixture + ".sha256").substr(0, 64));
  EXPECT_EQ(ReadFile(kFixture + ".sha256").substr(64), "  small.sql.gz\n");
  if (new_bytes == fixture_bytes) {
    std::filesystem::remove(regenerated);
    std::filesystem::remove(regenerated + ".sha256");
  }
}

const std::string kFixtureV2Dir = std::string(MYVAULT_TEST_DATA_DIR) + "/format-v2/";
const std::string kFixtureV2 = kFixtureV2Dir + "small.sql.gz";

Identity FixtureKeyIdentity() {
  Identity id;
  std::string warning;
  auto secret = ReadSecretKeyFile(kFixtureV2Dir + "fixture.key", &warning);
  EXPECT_TRUE(secret.ok()) << secret.status().message();
  if (secret.ok()) id.secret_key = *secret;
  return id;
}

Identity FixturePassphraseIdentity() {
  Identity id;
  std::string warning;
  auto phrase = ReadPassphraseFile(kFixtureV2Dir + "fixture.passphrase", &warning);
  EXPECT_TRUE(phrase.ok()) << phrase.status().message();
  if (phrase.ok()) id.passphrase = *phrase;
  return id;
}

// The version 2 fixture's generator: FixtureSample sealed for fixture.key.pub and the passphrase,
// with fixed "random" choices (archive id 0xA0.., file key 0xB0.., ephemeral key 0xD0.., salt
// 0xF0.., scrypt 2^10) so that its bytes are reproducible.
void WriteVersion2Fixture(const std::string& path) {
  auto pub = ReadPublicKeyFile(kFixtureV2Dir + "fixture.key.pub");
  ASSERT_TRUE(pub.ok()) << pub.status().message();
  KeyBlockRandom random;
  std::array<uint8_t, 32> file_key{};
  for (size_t i = 0; i < 32; ++i) file_key[i] = static_cast<uint8_t>(0xB0 + i);
  for (size_t i = 0; i < 16; ++i) random.id[i] = static_cast<uint8_t>(0xA0 + i);
  for (size_t i = 0; i < 16; ++i) random.salt[i] = static_cast<uint8_t>(0xF0 + i);
  random.file_key = SecretBytes(std::string_view(reinterpret_cast<char*>(file_key.data()), 32));
  random.ephemeral.resize(1);
  for (size_t i = 0; i < 32; ++i) random.ephemeral[0][i] = static_cast<uint8_t>(0xD0 + i);
  random.log2_n = 10;
  auto block = EncodeKeyBlock({*pub}, FixturePassphraseIdentity().passphrase, random);
  ASSERT_TRUE(block.ok()) << block.status().message();
  auto key = ArchiveKey::Derive(random.id, random.file_key);
  ASSERT_TRUE(key.ok());
  WriterOptions options{.fsync = false, .index_level = 0, .checksum_base_name = true};
  options.key = key->get();
  options.key_block = *block;
  testutil::WriteSample(path, FixtureSample(), 0, options);
}

TEST(ArchiveFixtureTest, Version2FixtureOpensWithTheKeyOrThePassphrase) {
  const Sample expected = FixtureSample();
  for (const Identity& identity : {FixtureKeyIdentity(), FixturePassphraseIdentity()}) {
    verify::VerifyOptions options;
    options.identity = &identity;
    verify::VerifyReport report;
    Status s = verify::VerifyArchive(kFixtureV2, options, &report);
    ASSERT_TRUE(s.ok()) << s.message();
    EXPECT_TRUE(report.sha256_file_checked);
    EXPECT_EQ(report.rows, 4u);
    auto reader = ArchiveReader::Open(kFixtureV2, &identity);
    ASSERT_TRUE(reader.ok()) << reader.status().message();
    const Index& index = (*reader)->index();
    EXPECT_EQ(index.metadata, expected.index.metadata);
    ASSERT_EQ(index.members.size(), expected.members.size() + 1);  // and the keys member
    for (size_t i = 0; i < expected.members.size(); ++i) {
      std::string payload;
      ASSERT_TRUE((*reader)->ReadMember(index.members[i + 1], &payload).ok());
      EXPECT_EQ(payload, expected.members[i].payload) << "member " << i;
    }
  }
  verify::VerifyReport keyless;
  ASSERT_TRUE(verify::VerifyArchive(kFixtureV2, {}, &keyless).ok());
  EXPECT_TRUE(keyless.keyless);
}

// Version 2 byte for byte, like CurrentWriterReproducesTheFixtureBytes for version 1.
TEST(ArchiveFixtureTest, CurrentWriterReproducesTheVersion2FixtureBytes) {
  const std::string regenerated = ::testing::TempDir() + "format-v2-regenerated.sql.gz";
  WriteVersion2Fixture(regenerated);
  const std::string new_bytes = ReadFile(regenerated);
  EXPECT_EQ(new_bytes == ReadFile(kFixtureV2), true)
      << "the writer's output differs from " << kFixtureV2 << "; new archive: " << regenerated;
  if (new_bytes == ReadFile(kFixtureV2)) {
    std::filesystem::remove(regenerated);
    std::filesystem::remove(regenerated + ".sha256");
  }
}

}  // namespace
}  // namespace myvault::archive
