// Plain `mysqldump | gzip` files: detection against myvault archives, the streaming reader, and
// their verification (.sha256 and a full inflate).
#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

#include "archive_test_helpers.h"
#include "myvault/archive/format.h"
#include "myvault/archive/plain.h"
#include "myvault/archive/sha256.h"
#include "myvault/verify/plain.h"

namespace myvault::archive {
namespace {

using testutil::ReadFile;
using testutil::TempDir;
using testutil::WriteFile;

// One gzip member of `text`, as gzip(1) writes it (zlib's gzip framing, no extra field).
std::string GzipMember(std::string_view text) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&zs, text.size()) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  zs.avail_in = static_cast<uInt>(text.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::string Script(size_t rows) {
  std::string sql = "CREATE DATABASE /*!32312 IF NOT EXISTS*/ `shop`;\nUSE `shop`;\n";
  for (size_t i = 0; i < rows; ++i) {
    sql += "INSERT INTO `t` VALUES (" + std::to_string(i) + ",'row; " + std::to_string(i * 7) +
           "');\n";
  }
  return sql;
}

// Everything the reader inflates, `piece` bytes at a time.
Result<std::string> InflateAll(const std::string& path, size_t piece, std::string* sha = nullptr) {
  ASSIGN_OR_RETURN(auto reader, PlainGzipReader::Open(path));
  std::string out;
  while (true) {
    ASSIGN_OR_RETURN(const size_t got, reader->Read(&out, piece));
    if (got == 0) break;
  }
  if (sha != nullptr) *sha = reader->sha256_hex();
  return out;
}

TEST(PlainDetect, TellsPlainGzipFromMyvaultArchives) {
  const std::string plain = GzipMember("SELECT 1;\n");
  EXPECT_EQ(DetectFormatOf(plain), FileFormat::kPlain);
  EXPECT_EQ(DetectFormatOf(""), FileFormat::kNotGzip);
  EXPECT_EQ(DetectFormatOf("-- MySQL dump\n"), FileFormat::kNotGzip);
  EXPECT_EQ(DetectFormatOf(plain.substr(0, 3)), FileFormat::kNotGzip);
  // FEXTRA with another subfield ("AP", as some tools write) is still plain; MV anywhere is ours.
  std::string extra = plain.substr(0, 10);
  extra[3] = static_cast<char>(extra[3] | kGzipFlagExtra);
  const std::string ap = extra +
                         std::string(
                             "\x08\x00"
                             "AP\x04\x00"
                             "abcd",
                             10) +
                         plain.substr(10);
  EXPECT_EQ(DetectFormatOf(ap), FileFormat::kPlain);
  const std::string mv = extra +
                         std::string(
                             "\x0A\x00"
                             "AP\x00\x00"
                             "MV\x00\x00",
                             10) +
                         plain.substr(10);
  EXPECT_EQ(DetectFormatOf(mv), FileFormat::kMyvault);
  // The released fixtures of both format versions are myvault archives.
  for (const char* v : {"format-v1", "format-v2"}) {
    const auto format = DetectFormat(
        std::string(MYVAULT_TEST_DATA_DIR).append("/").append(v).append("/small.sql.gz"));
    ASSERT_TRUE(format.ok()) << format.status().message();
    EXPECT_EQ(*format, FileFormat::kMyvault) << v;
  }
  EXPECT_EQ(DetectFormat("/nonexistent/x.sql.gz").status().code(), StatusCode::kNotFound);
}

TEST(PlainReader, InflatesConcatenatedMembersInAnyPieceSize) {
  TempDir dir;
  const std::string a = Script(300), b = Script(5);
  const std::string bytes = GzipMember(a) + GzipMember(b);
  WriteFile(dir.File("x.sql.gz"), bytes);
  for (size_t piece : {size_t{1}, size_t{7}, size_t{4096}, size_t{1} << 20}) {
    std::string sha;
    const auto out = InflateAll(dir.File("x.sql.gz"), piece, &sha);
    ASSERT_TRUE(out.ok()) << out.status().message();
    EXPECT_EQ(*out, a + b) << piece;
    EXPECT_EQ(sha, Sha256Hex(Sha256::Of(bytes)));
  }
}

TEST(PlainReader, RefusesTruncatedDamagedAndTrailingBytes) {
  TempDir dir;
  const std::string good = GzipMember(Script(200));
  const auto fails = [&](const std::string& bytes, const std::string& expected) {
    WriteFile(dir.File("x.sql.gz"), bytes);
    const auto out = InflateAll(dir.File("x.sql.gz"), 1000);
    ASSERT_FALSE(out.ok()) << expected;
    EXPECT_EQ(out.status().code(), StatusCode::kCorrupt);
    EXPECT_NE(out.status().message().find(expected), std::string::npos) << out.status().message();
  };
  fails(good.substr(0, good.size() / 2), "is truncated");
  fails(good.substr(0, good.size() - 1), "is truncated");
  std::string crc = good;
  crc[crc.size() - 6] ^= 0x01;  // the CRC-32 field
  fails(crc, "CRC-32 mismatch");
  std::string size = good;
  size[size.size() - 2] ^= 0x01;  // ISIZE
  fails(size, "incorrect length check");
  fails(good + "garbage", "unexpected bytes after the last gzip member");
  fails("", "is empty");
  fails("plain text, not gzip\n", "not a gzip stream");
}

TEST(PlainVerify, ChecksTheSha256FileAndTheWholeStream) {
  TempDir dir;
  const std::string path = dir.File("myvault-auto-20240101_030000.sql.gz");
  const std::string bytes = GzipMember(Script(50));
  WriteFile(path, bytes);
  verify::PlainVerifyReport report;
  ASSERT_TRUE(verify::VerifyPlainBackup(path, nullptr, nullptr, &report).ok());
  EXPECT_FALSE(report.sha256_file_checked);
  EXPECT_EQ(report.sql_bytes, Script(50).size());
  // sha256sum's own line, with the directory the runbook ran it from.
  WriteFile(path + ".sha256",
            Sha256Hex(Sha256::Of(bytes)) + "  /backups/myvault-auto-20240101_030000.sql.gz\n");
  std::string seen;
  ASSERT_TRUE(verify::VerifyPlainBackup(path, nullptr, nullptr, &report, [&](std::string_view sql) {
                seen += sql;
              }).ok());
  EXPECT_TRUE(report.sha256_file_checked);
  EXPECT_EQ(seen, Script(50));
  WriteFile(path + ".sha256",
            std::string(64, 'a').append("  myvault-auto-20240101_030000.sql.gz\n"));
  const Status wrong = verify::VerifyPlainBackup(path, nullptr, nullptr, &report);
  EXPECT_EQ(wrong.code(), StatusCode::kCorrupt) << wrong.message();
}

}  // namespace
}  // namespace myvault::archive
