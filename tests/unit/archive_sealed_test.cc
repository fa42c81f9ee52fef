// Encrypted archives (format version 2, docs/format.md 11) end to end in the archive module:
// writing and reading with a key, keyless and keyed verification, tampering with every header
// byte, members moved or taken from another archive, truncation, wrong and second recipients.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "archive/member_header.h"
#include "archive_test_helpers.h"
#include "myvault/archive/crypto.h"
#include "myvault/archive/reader.h"
#include "myvault/verify/verify.h"

namespace myvault::archive {
namespace {

using testutil::ReadFile;
using testutil::Sample;
using testutil::TempDir;
using testutil::WriteFile;

struct Recipient {
  KeyPair pair;
  Identity identity;
};

Recipient MakeRecipient() {
  Recipient r;
  auto pair = GenerateKeyPair();
  EXPECT_TRUE(pair.ok());
  r.pair = *pair;
  r.identity.secret_key = r.pair.secret;
  return r;
}

class ArchiveSealedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    alice_ = MakeRecipient();
    bob_ = MakeRecipient();
    sample_ = testutil::ShopSample();
    path_ = dir_.File("shop.sql.gz");
    Write(path_, {alice_.pair.public_key, bob_.pair.public_key});
    bytes_ = ReadFile(path_);
  }

  void Write(const std::string& path, const std::vector<PublicKey>& to) {
    auto key = NewArchiveKey(to, std::nullopt);
    ASSERT_TRUE(key.ok()) << key.status().message();
    WriterOptions options{.fsync = false};
    options.key = key->key.get();
    options.key_block = key->key_block;
    testutil::WriteSample(path, sample_, 6, options);
  }

  Status Verify(const std::string& path, const Identity* identity,
                verify::VerifyReport* report = nullptr) {
    verify::VerifyOptions options;
    options.identity = identity;
    verify::VerifyReport local;
    return verify::VerifyArchive(path, options, report != nullptr ? report : &local);
  }

  // The members of the archive as the index lists them (opened with alice's key).
  std::vector<MemberEntry> Members() {
    auto reader = ArchiveReader::Open(path_, &alice_.identity);
    EXPECT_TRUE(reader.ok()) << reader.status().message();
    return reader.ok() ? (*reader)->index().members : std::vector<MemberEntry>{};
  }

  TempDir dir_;
  Recipient alice_, bob_;
  Sample sample_;
  std::string path_;
  std::string bytes_;
};

TEST_F(ArchiveSealedTest, EachRecipientReadsEveryPayload) {
  for (const Recipient* r : {&alice_, &bob_}) {
    auto reader = ArchiveReader::Open(path_, &r->identity);
    ASSERT_TRUE(reader.ok()) << reader.status().message();
    EXPECT_TRUE((*reader)->encrypted());
    const Index& index = (*reader)->index();
    EXPECT_EQ(index.objects, sample_.index.objects);
    ASSERT_EQ(index.members.size(), sample_.members.size() + 1);
    EXPECT_EQ(index.members[0].info.kind, MemberKind::kKeys);
    for (size_t i = 0; i < sample_.members.size(); ++i) {
      std::string payload;
      ASSERT_TRUE((*reader)->ReadMember(index.members[i + 1], &payload).ok());
      EXPECT_EQ(payload, sample_.members[i].payload);
    }
  }
}

TEST_F(ArchiveSealedTest, NoNameOrSqlIsVisibleInTheFile) {
  for (const char* word : {"orders", "customers", "shop", "INSERT", "10.11.6", "big_orders"}) {
    EXPECT_EQ(bytes_.find(word), std::string::npos) << word;
  }
}

TEST_F(ArchiveSealedTest, OpeningWithoutOrWithTheWrongKeyIsAKeyError) {
  auto none = ArchiveReader::Open(path_);
  EXPECT_EQ(none.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(
      none.status().message(),
      "archive " + path_ + " is encrypted: give its private key (--decrypt-with) or passphrase");
  Recipient carol = MakeRecipient();
  auto wrong = ArchiveReader::Open(path_, &carol.identity);
  EXPECT_EQ(wrong.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(wrong.status().message(),
            "archive " + path_ + ": no recipient of this archive matches the key");
  verify::VerifyReport report;
  EXPECT_EQ(Verify(path_, &carol.identity, &report).code(), StatusCode::kInvalidArgument);
}

TEST_F(ArchiveSealedTest, VerifiesWithoutTheKeyAndWithIt) {
  WriteFile(path_ + ".sha256",
            testutil::RunShell("cd " + dir_.path() + " && sha256sum shop.sql.gz").output);
  verify::VerifyReport keyless;
  const Status v = Verify(path_, nullptr, &keyless);
  ASSERT_TRUE(v.ok()) << v.message();
  EXPECT_TRUE(keyless.encrypted);
  EXPECT_TRUE(keyless.keyless);
  EXPECT_TRUE(keyless.sha256_file_checked);
  EXPECT_EQ(keyless.rows, 202u);
  EXPECT_TRUE(keyless.table_rows.empty());  // names are sealed
  verify::VerifyReport keyed;
  ASSERT_TRUE(Verify(path_, &bob_.identity, &keyed).ok());
  EXPECT_FALSE(keyed.keyless);
  EXPECT_EQ(keyed.rows, 202u);
  EXPECT_EQ(keyed.table_rows.size(), 2u);
}

TEST_F(ArchiveSealedTest, EveryHeaderByteOfEveryMemberIsChecked) {
  std::vector<std::pair<uint64_t, size_t>> headers;  // offset and header size of each member
  for (const MemberEntry& m : Members()) headers.emplace_back(m.offset, kMemberHeaderSize);
  ASSERT_EQ(headers.size(), sample_.members.size() + 1);
  const uint64_t index = Members().back().offset + Members().back().size;
  headers.emplace_back(index, kMemberHeaderSize);
  headers.emplace_back(bytes_.size() - kTrailerSize, kTrailerHeaderSize);
  for (const auto& [offset, size] : headers) {
    for (size_t at = 0; at < size; ++at) {
      std::string bad = bytes_;
      bad[offset + at] = static_cast<char>(bad[offset + at] ^ 0x01);
      WriteFile(path_, bad);
      const Status keyed = Verify(path_, &alice_.identity);
      EXPECT_EQ(keyed.code(), StatusCode::kCorrupt)
          << "member at " << offset << " byte " << at << ": " << keyed.message();
    }
  }
}

TEST_F(ArchiveSealedTest, AFlippedBodyByteFailsEvenWithoutTheKey) {
  const MemberEntry data = Members()[5];
  ASSERT_EQ(data.info.kind, MemberKind::kData);
  std::string bad = bytes_;
  bad[data.offset + kMemberHeaderSize + 20] ^= 0x10;
  WriteFile(path_, bad);
  const Status keyless = Verify(path_, nullptr);
  EXPECT_EQ(keyless.code(), StatusCode::kCorrupt);
  EXPECT_NE(keyless.message().find("sha256 mismatch"), std::string::npos) << keyless.message();
}

// An attacker who renumbers a member (its body, and so the header's body hash, unchanged) gets
// past the keyless check but not authentication.
TEST_F(ArchiveSealedTest, AMemberMovedToAnotherChunkFailsAuthentication) {
  const MemberEntry data = Members()[5];
  ASSERT_EQ(data.info.kind, MemberKind::kData);
  std::string member = bytes_.substr(data.offset, data.size);
  member[22] = static_cast<char>(member[22] + 1);  // chunk (docs/format.md 3.1: offset 22)
  MemberInfo info;
  EXPECT_TRUE(CheckSealedMember(member, &info).ok());
  auto reader = ArchiveReader::Open(path_, &alice_.identity);
  ASSERT_TRUE(reader.ok());
  std::string payload;
  const Status s = MemberDecoder((*reader)->key()).Decode(member, &payload, &info);
  EXPECT_EQ(s.message(), "authentication failed (wrong key, or the member was altered or moved)");
}

TEST_F(ArchiveSealedTest, SwappedDataMembersAreRefused) {
  const auto members = Members();
  const MemberEntry& a = members[5];  // orders chunk 0
  const MemberEntry& b = members[6];  // orders chunk 1, right after it
  ASSERT_EQ(a.offset + a.size, b.offset);
  std::string bad = bytes_.substr(0, a.offset) + bytes_.substr(b.offset, b.size) +
                    bytes_.substr(a.offset, a.size) + bytes_.substr(b.offset + b.size);
  WriteFile(path_, bad);
  // Without a key the whole-file hash catches it; without that, only the key does.
  EXPECT_NE(Verify(path_, nullptr).message().find("differs from"), std::string::npos);
  std::filesystem::remove(path_ + ".sha256");
  EXPECT_EQ(Verify(path_, nullptr).message(), "");  // every member is intact
  const Status s = Verify(path_, &alice_.identity);
  EXPECT_EQ(s.code(), StatusCode::kCorrupt);
  EXPECT_NE(s.message().find("orders` chunk 0 (member at offset " + std::to_string(a.offset) +
                             "): the index says size"),
            std::string::npos)
      << s.message();
}

TEST_F(ArchiveSealedTest, AMemberFromAnotherArchiveFailsAuthentication) {
  const std::string other = dir_.File("other.sql.gz");
  Write(other, {alice_.pair.public_key, bob_.pair.public_key});  // the same layout
  const std::string other_bytes = ReadFile(other);
  const MemberEntry data = Members()[5];
  std::string bad = bytes_;
  bad.replace(data.offset, data.size, other_bytes.substr(data.offset, data.size));
  WriteFile(path_, bad);
  EXPECT_NE(Verify(path_, nullptr).message().find("differs from"), std::string::npos);
  std::filesystem::remove(path_ + ".sha256");
  EXPECT_EQ(Verify(path_, nullptr).message(), "");  // each member is intact
  const Status s = Verify(path_, &alice_.identity);
  EXPECT_EQ(s.code(), StatusCode::kCorrupt);
  EXPECT_NE(s.message().find("authentication failed"), std::string::npos) << s.message();
}

TEST_F(ArchiveSealedTest, APlainMemberCannotBeSlippedIn) {
  const MemberEntry data = Members()[9];  // customers: replaced by a plain member of its own
  ASSERT_EQ(data.info.object_id, 3u);
  std::string plain;
  MemberInfo info;
  ASSERT_TRUE(
      MemberEncoder(6).Encode(MemberKind::kData, 3, 0, 2, "DROP TABLE x;\n", &plain, &info).ok());
  std::string bad = bytes_;
  bad.replace(data.offset, data.size, plain);
  WriteFile(path_, bad);
  const Status s = Verify(path_, nullptr);
  EXPECT_NE(s.message().find("member of format version 1 in a version 2 archive"),
            std::string::npos)
      << s.message();
}

TEST_F(ArchiveSealedTest, TruncationIsDetectedWithAndWithoutTheKey) {
  for (size_t cut : {size_t{1}, size_t{100}, bytes_.size() / 2, bytes_.size() - 1}) {
    WriteFile(path_, std::string_view(bytes_).substr(0, bytes_.size() - cut));
    EXPECT_EQ(Verify(path_, nullptr).code(), StatusCode::kCorrupt) << cut;
    EXPECT_EQ(Verify(path_, &alice_.identity).code(), StatusCode::kCorrupt) << cut;
    EXPECT_EQ(ArchiveReader::Open(path_, &alice_.identity).status().code(), StatusCode::kCorrupt);
  }
}

TEST_F(ArchiveSealedTest, StreamsWithTheKeyAndRefusesWithoutIt) {
  int fd = ::open(path_.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  SequentialReader reader(fd, &bob_.identity);
  std::vector<std::string> payloads;
  MemberInfo info;
  std::string payload;
  uint64_t offset = 0;
  for (;;) {
    auto next = reader.Next(&info, &payload, &offset);
    ASSERT_TRUE(next.ok()) << next.status().message();
    if (!*next) break;
    if (info.kind != MemberKind::kKeys) payloads.push_back(payload);
  }
  ::close(fd);
  ASSERT_EQ(payloads.size(), sample_.members.size() + 2);  // index and trailer too
  EXPECT_EQ(payloads[5], sample_.members[5].payload);
  fd = ::open(path_.c_str(), O_RDONLY);
  SequentialReader keyless(fd);
  auto first = keyless.Next(&info, &payload, &offset);
  ::close(fd);
  EXPECT_EQ(first.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(ArchiveSealedTest, APassphraseOpensAnArchiveMadeForIt) {
  auto key = NewArchiveKey({}, SecretBytes("open sesame"));
  ASSERT_TRUE(key.ok());
  WriterOptions options{.fsync = false};
  options.key = key->key.get();
  options.key_block = key->key_block;
  const std::string path = dir_.File("phrase.sql.gz");
  testutil::WriteSample(path, sample_, 1, options);
  Identity phrase;
  phrase.passphrase = SecretBytes("open sesame");
  EXPECT_EQ(Verify(path, &phrase).message(), "");
  phrase.passphrase = SecretBytes("open sesame ");
  EXPECT_EQ(Verify(path, &phrase).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace myvault::archive
