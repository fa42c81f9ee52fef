// MemberEncoder / MemberDecoder / header parsing, checked against docs/format.md sections 2-4.
#include <gtest/gtest.h>
#include <libdeflate.h>

#include <cstring>

#include "myvault/archive/member.h"
#include "myvault/archive/sha256.h"

namespace myvault::archive {
namespace {

std::string AllBytesPayload() {
  std::string payload;
  for (int round = 0; round < 3; ++round) {
    for (int b = 0; b < 256; ++b) payload.push_back(static_cast<char>(b));
  }
  return payload + "\n";
}

std::string Encode(int level, MemberKind kind, uint32_t object, uint32_t chunk, uint64_t rows,
                   std::string_view payload, MemberInfo* info = nullptr) {
  std::string out;
  Status s = MemberEncoder(level).Encode(kind, object, chunk, rows, payload, &out, info);
  EXPECT_TRUE(s.ok()) << s.message();
  return out;
}

Status Decode(std::string_view bytes, std::string* payload = nullptr, MemberInfo* info = nullptr) {
  std::string p;
  MemberInfo i;
  return MemberDecoder().Decode(bytes, payload ? payload : &p, info ? info : &i);
}

TEST(ArchiveMemberTest, RoundTripsAtSeveralLevels) {
  std::string sql;
  for (int i = 0; i < 2000; ++i) sql += "INSERT INTO t VALUES (" + std::to_string(i) + ",'x');\n";
  for (int level : {0, 1, 6, 9, 12}) {
    for (const std::string& payload : {sql, AllBytesPayload(), std::string()}) {
      MemberInfo made;
      std::string bytes = Encode(level, MemberKind::kData, 7, 3, 42, payload, &made);
      std::string decoded;
      MemberInfo info;
      ASSERT_TRUE(Decode(bytes, &decoded, &info).ok()) << "level " << level;
      EXPECT_EQ(decoded, payload);
      EXPECT_EQ(info, made);
      EXPECT_EQ(info.kind, MemberKind::kData);
      EXPECT_EQ(info.object_id, 7u);
      EXPECT_EQ(info.chunk, 3u);
      EXPECT_EQ(info.rows, 42u);
      EXPECT_EQ(info.raw_size, payload.size());
      EXPECT_EQ(info.sha256, Sha256::Of(payload));
    }
  }
}

TEST(ArchiveMemberTest, HigherLevelsCompressSqlSmaller) {
  std::string sql;
  for (int i = 0; i < 5000; ++i) sql += "INSERT INTO t VALUES (" + std::to_string(i) + ",'abc');\n";
  size_t stored = Encode(0, MemberKind::kData, 1, 0, 1, sql).size();
  size_t fast = Encode(1, MemberKind::kData, 1, 0, 1, sql).size();
  EXPECT_GT(stored, sql.size());
  EXPECT_LT(fast, sql.size() / 3);
}

TEST(ArchiveMemberTest, EncoderRefusesWhatTheFormatForbids) {
  std::string out;
  EXPECT_EQ(MemberEncoder(13).Encode(MemberKind::kHeader, kNoObject, 0, 0, "", &out).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(MemberEncoder(-1).Encode(MemberKind::kHeader, kNoObject, 0, 0, "", &out).code(),
            StatusCode::kInvalidArgument);
  MemberEncoder encoder(1);
  EXPECT_EQ(encoder.Encode(MemberKind::kTrailer, kNoObject, 0, 0, "", &out).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(encoder.Encode(MemberKind::kSchema, 1, 0, 5, "x\n", &out).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(encoder.Encode(MemberKind::kData, kNoObject, 0, 5, "x\n", &out).code(),
            StatusCode::kInvalidArgument);
  Status no_newline = encoder.Encode(MemberKind::kData, 1, 0, 1, "INSERT ...;", &out);
  EXPECT_EQ(no_newline.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(no_newline.message().find("newline"), std::string::npos);
  EXPECT_TRUE(encoder.Encode(MemberKind::kIndex, kNoObject, 0, 0, "-- x", &out).ok());
}

// Builds a member byte by byte from docs/format.md section 2-3, body from libdeflate directly.
std::string HandBuiltMember(std::string_view payload, int level) {
  libdeflate_compressor* c = libdeflate_alloc_compressor(level);
  std::string body(libdeflate_deflate_compress_bound(c, payload.size()), '\0');
  body.resize(
      libdeflate_deflate_compress(c, payload.data(), payload.size(), body.data(), body.size()));
  libdeflate_free_compressor(c);
  auto le = [](uint64_t v, int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
    return s;
  };
  std::string m("\x1F\x8B\x08\x04\x00\x00\x00\x00\x00\xFF", 10);
  m += le(70, 2);                      // XLEN
  m += std::string("MV") + le(66, 2);  // subfield MV, LEN 66
  m += le(1, 1) + le(3, 1);            // version 1, kind data
  m += le(0x01020304, 4) + le(17, 4);  // object id, chunk
  m += le(123456789012, 8);            // rows
  m += le(payload.size(), 8);          // raw size
  auto sha = Sha256::Of(payload);
  m.append(reinterpret_cast<const char*>(sha.data()), sha.size());
  m += le(body.size(), 8);  // body size
  EXPECT_EQ(m.size(), 82u);
  m += body;
  m += le(libdeflate_crc32(0, payload.data(), payload.size()), 4);
  m += le(payload.size(), 4);
  return m;
}

TEST(ArchiveMemberTest, HandBuiltMemberMatchesTheSpec) {
  const std::string payload = "INSERT INTO `t` VALUES (1),(2),(3);\n";
  const std::string hand = HandBuiltMember(payload, 6);
  MemberInfo info;
  auto header = ParseMemberHeader(hand, &info);
  ASSERT_TRUE(header.ok()) << header.status().message();
  EXPECT_EQ(*header, kMemberHeaderSize);
  EXPECT_EQ(info.kind, MemberKind::kData);
  EXPECT_EQ(info.object_id, 0x01020304u);
  EXPECT_EQ(info.chunk, 17u);
  EXPECT_EQ(info.rows, 123456789012u);
  EXPECT_EQ(info.raw_size, payload.size());
  auto layout = ParseMemberLayout(hand, &info);
  ASSERT_TRUE(layout.ok());
  EXPECT_EQ(layout->total_size, hand.size());
  std::string decoded;
  ASSERT_TRUE(Decode(hand, &decoded).ok());
  EXPECT_EQ(decoded, payload);
  // The encoder writes exactly these bytes.
  EXPECT_EQ(Encode(6, MemberKind::kData, 0x01020304, 17, 123456789012, payload), hand);
}

TEST(ArchiveMemberTest, TrailerIsTheFixedBytesOfTheSpec) {
  const std::string trailer = EncodeTrailer({0x0102030405060708, 0x1122});
  ASSERT_EQ(trailer.size(), 120u);
  const std::string head(
      "\x1F\x8B\x08\x04\x00\x00\x00\x00\x00\xFF\x62\x00MVB\x00\x01\x07"
      "\xFF\xFF\xFF\xFF",
      22);
  EXPECT_EQ(trailer.substr(0, 22), head);
  EXPECT_EQ(trailer.substr(22, 20), std::string(20, '\0'));  // chunk, rows, raw size
  EXPECT_EQ(Sha256Hex(Sha256::Of("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(trailer.substr(42, 32),
            std::string(reinterpret_cast<const char*>(Sha256::Of("").data()), 32));
  EXPECT_EQ(trailer.substr(74, 8), std::string("\x02\0\0\0\0\0\0\0", 8));
  EXPECT_EQ(trailer.substr(82, 12), std::string("MT\x18\x00MYVAULT\x00", 12));
  EXPECT_EQ(trailer.substr(94, 8), std::string("\x08\x07\x06\x05\x04\x03\x02\x01", 8));
  EXPECT_EQ(trailer.substr(102, 8), std::string("\x22\x11\0\0\0\0\0\0", 8));
  EXPECT_EQ(trailer.substr(110), std::string("\x03\x00\0\0\0\0\0\0\0\0", 10));

  auto location = DecodeTrailer(trailer);
  ASSERT_TRUE(location.ok());
  EXPECT_EQ(location->index_offset, 0x0102030405060708u);
  EXPECT_EQ(location->index_size, 0x1122u);
  std::string payload = "unchanged";
  MemberInfo info;
  ASSERT_TRUE(MemberDecoder().Decode(trailer, &payload, &info).ok());
  EXPECT_EQ(payload, "");
  EXPECT_EQ(info.kind, MemberKind::kTrailer);
  for (size_t i = 0; i < trailer.size(); ++i) {
    if (i >= 94 && i < 110) continue;  // the location itself
    std::string bad = trailer;
    bad[i] ^= 0x10;
    EXPECT_EQ(DecodeTrailer(bad).status().code(), StatusCode::kCorrupt) << "byte " << i;
  }
}

TEST(ArchiveMemberTest, DecoderNamesTheBrokenChecksum) {
  const std::string payload = "INSERT INTO t VALUES (1);\n";
  const std::string good = Encode(6, MemberKind::kData, 1, 0, 1, payload);
  const size_t tail = good.size() - 8;
  auto flipped = [&](size_t at) {
    std::string bad = good;
    bad[at] ^= 0x01;
    return Decode(bad);
  };
  EXPECT_EQ(flipped(tail).message(), "crc32 mismatch");
  EXPECT_EQ(flipped(tail + 4).message(), "isize mismatch");
  EXPECT_EQ(flipped(42).message(), "sha256 mismatch");
  EXPECT_EQ(flipped(0).message(), "bad gzip magic");
  EXPECT_EQ(flipped(16).message(), "unsupported format version 0");
  EXPECT_EQ(flipped(kMemberHeaderSize + 3).code(), StatusCode::kCorrupt);
}

// A flipped bit never changes the payload silently. The decoder rejects it everywhere except in
// the description fields only the index protects (kind, object, chunk, rows) and in the padding
// bits DEFLATE leaves unchecked after a block header or the last code, which change nothing
// (the whole-file SHA-256 catches those).
TEST(ArchiveMemberTest, DecoderRejectsAFlippedBitAnywhereItCanCheck) {
  std::string sql;
  for (int i = 0; i < 60; ++i) sql += "INSERT INTO t VALUES (" + std::to_string(i) + ");\n";
  MemberDecoder decoder;
  for (int level : {0, 6}) {
    const std::string good = Encode(level, MemberKind::kData, 1, 0, 60, sql);
    int harmless = 0;
    for (size_t i = 0; i < good.size(); ++i) {
      if (i >= 17 && i < 34) continue;  // kind, object id, chunk, rows
      for (int bit = 0; bit < 8; ++bit) {
        std::string bad = good;
        bad[i] ^= static_cast<char>(1 << bit);
        std::string payload;
        MemberInfo info;
        Status s = decoder.Decode(bad, &payload, &info);
        if (s.ok()) {
          ++harmless;
          EXPECT_EQ(payload, sql) << "level " << level << " byte " << i << " bit " << bit;
          EXPECT_TRUE(i >= kMemberHeaderSize && i < good.size() - 8) << "byte " << i;
        } else {
          EXPECT_EQ(s.code(), StatusCode::kCorrupt);
        }
      }
    }
    EXPECT_LE(harmless, 10) << "level " << level;
  }
}

TEST(ArchiveMemberTest, DecoderRejectsWrongLengthsAndAbsurdSizes) {
  const std::string good = Encode(1, MemberKind::kSchema, 1, 0, 0, "CREATE TABLE t (a INT);\n");
  EXPECT_EQ(Decode(good.substr(0, good.size() - 1)).message(), "truncated member");
  EXPECT_EQ(Decode(good.substr(0, 50)).message(), "truncated member header");
  EXPECT_EQ(Decode(good + "x").message(), "unexpected bytes after the member");
  std::string huge = good;
  huge[34 + 4] = 0x01;  // raw size += 2^32
  EXPECT_EQ(Decode(huge).message(),
            "raw size " + std::to_string((uint64_t{1} << 32) + 24) + " exceeds 4 GiB");
  std::string future = good;
  future[16] = 3;
  EXPECT_EQ(Decode(future).message(), "unsupported format version 3");
  std::string sealed = good;  // version 2 (encrypted) is known, but needs a key
  sealed[16] = 2;
  EXPECT_EQ(Decode(sealed).message(),
            "the archive is encrypted: give the private key (--decrypt-with)");
  std::string fname = good;
  fname[3] = 0x0C;  // FEXTRA | FNAME
  EXPECT_EQ(Decode(fname).code(), StatusCode::kCorrupt);
  EXPECT_FALSE(StartsLikeGzip("-- not gzip"));
  EXPECT_TRUE(StartsLikeGzip(good));
}

}  // namespace
}  // namespace myvault::archive
