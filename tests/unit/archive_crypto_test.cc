// Key wrapping of format version 2 (docs/format.md 11.2-11.3): known answers computed outside
// myvault (Python's `cryptography` from the spec's formulas; X25519 from RFC 7748 section 6.1),
// opening with the right and wrong keys, and the key files.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "archive/aead.h"
#include "archive_test_helpers.h"
#include "myvault/archive/crypto.h"
#include "myvault/archive/member.h"

namespace myvault::archive {
namespace {

using testutil::TempDir;
using testutil::WriteFile;

std::string FromHex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

template <size_t N>
std::array<uint8_t, N> Array(std::string_view hex) {
  std::array<uint8_t, N> out{};
  const std::string bytes = FromHex(hex);
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return out;
}

template <size_t N>
std::array<uint8_t, N> Counting(uint8_t from) {
  std::array<uint8_t, N> out{};
  for (size_t i = 0; i < N; ++i) out[i] = static_cast<uint8_t>(from + i);
  return out;
}

// RFC 7748 section 6.1: Bob's key pair.
constexpr std::string_view kBobSecret =
    "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";
constexpr std::string_view kBobPublic =
    "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";

// Archive id 00..0f, file key 20..3f, ephemeral secret 40..5f, salt 60..6f, scrypt 2^10,
// passphrase "correct horse": the key block and the payload key, from the spec's formulas.
constexpr std::string_view kBlock =
    "4d564b4559533200000102030405060708090a0b0c0d0e0f020179a631eede1bf9c98f12032cdeadd0e7a079398f"
    "c786b88cc846ec89af85a51a68c816b93bf196af8ba4151aed7c821fc218e673b312a83e107728e12fc2a10a72e1"
    "c03c87725b7845cb68dc068f1fb102606162636465666768696a6b6c6d6e6f0aac938bf6b774a0b40c7a34c7d93e"
    "70f4d1198f996118b6aac3456013319feb2e445ceb62e15caba2625ca13470fa0075";
constexpr std::string_view kPayloadKey =
    "bcf072dde2eef3f4b834e85074241da76973a14be5f1425d5a589e5f1107d379";
// A data member (object 7, chunk 2, 1 row, "SELECT 1;\n" stored by DEFLATE level 0) sealed with
// that payload key and the first nonce.
constexpr std::string_view kSealedMember =
    "1f8b08040000000000ff46004d5642000203070000000200000001000000000000000a000000000000009092237f"
    "8dd6a4f5c9232a52254c4c26570618d581a9832d2c4907b47f6229bf2b00000000000000000000000100000000000"
    "000f2b88584c12fa410e58610074e97889b5d90b0f67839417c8112cc7980db24eb1e979f2b000000";

KeyBlockRandom KnownRandom() {
  KeyBlockRandom r;
  r.id = Counting<16>(0x00);
  const auto file_key = Counting<32>(0x20);
  r.file_key = SecretBytes(AsBytes(file_key));
  r.ephemeral = {Counting<32>(0x40)};
  r.salt = Counting<16>(0x60);
  r.log2_n = 10;
  return r;
}

Identity BobIdentity() {
  Identity id;
  id.secret_key = SecretBytes(FromHex(kBobSecret));
  return id;
}

TEST(ArchiveCryptoTest, X25519MatchesRfc7748) {
  auto pub = X25519Public(Array<32>(kBobSecret));
  ASSERT_TRUE(pub.ok());
  EXPECT_EQ(AsBytes(*pub), FromHex(kBobPublic));
}

TEST(ArchiveCryptoTest, KeyBlockKnownAnswer) {
  auto block = EncodeKeyBlock({Array<32>(kBobPublic)}, SecretBytes("correct horse"), KnownRandom());
  ASSERT_TRUE(block.ok()) << block.status().message();
  EXPECT_EQ(*block, FromHex(kBlock));
  EXPECT_TRUE(CheckKeyBlock(*block).ok());
}

TEST(ArchiveCryptoTest, PayloadKeyKnownAnswer) {
  auto key = ArchiveKey::Derive(Counting<16>(0), KnownRandom().file_key);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(AsBytes((*key)->payload_key()), FromHex(kPayloadKey));
}

TEST(ArchiveCryptoTest, SealedMemberKnownAnswer) {
  auto key = ArchiveKey::Derive(Counting<16>(0), KnownRandom().file_key);
  ASSERT_TRUE(key.ok());
  MemberEncoder encoder(0, key->get());
  std::string bytes;
  MemberInfo info;
  ASSERT_TRUE(encoder.Encode(MemberKind::kData, 7, 2, 1, "SELECT 1;\n", &bytes, &info).ok());
  EXPECT_EQ(bytes, FromHex(kSealedMember));
  std::string payload;
  MemberInfo decoded;
  ASSERT_TRUE(MemberDecoder(key->get()).Decode(bytes, &payload, &decoded).ok());
  EXPECT_EQ(payload, "SELECT 1;\n");
  EXPECT_EQ(decoded, info);
}

TEST(ArchiveCryptoTest, TheRecipientAndThePassphraseEachOpenTheKnownBlock) {
  const std::string block = FromHex(kBlock);
  auto by_key = OpenKeyBlock(block, BobIdentity());
  ASSERT_TRUE(by_key.ok()) << by_key.status().message();
  EXPECT_EQ(AsBytes((*by_key)->payload_key()), FromHex(kPayloadKey));
  Identity phrase;
  phrase.passphrase = SecretBytes("correct horse");
  auto by_phrase = OpenKeyBlock(block, phrase);
  ASSERT_TRUE(by_phrase.ok()) << by_phrase.status().message();
  EXPECT_EQ(AsBytes((*by_phrase)->payload_key()), FromHex(kPayloadKey));
}

TEST(ArchiveCryptoTest, WrongKeyWrongPassphraseAndNoKeyAreRefused) {
  const std::string block = FromHex(kBlock);
  auto other = GenerateKeyPair();
  ASSERT_TRUE(other.ok());
  Identity wrong;
  wrong.secret_key = other->secret;
  auto opened = OpenKeyBlock(block, wrong);
  EXPECT_EQ(opened.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(opened.status().message(), "no recipient of this archive matches the key");
  Identity phrase;
  phrase.passphrase = SecretBytes("correct horse!");
  EXPECT_EQ(OpenKeyBlock(block, phrase).status().message(),
            "the passphrase does not open this archive");
  EXPECT_EQ(OpenKeyBlock(block, Identity()).status().message(), "no key given");
}

TEST(ArchiveCryptoTest, EveryByteOfTheKeyBlockMatters) {
  const std::string block = FromHex(kBlock);
  for (size_t i = 0; i < block.size(); ++i) {
    std::string bad = block;
    bad[i] = static_cast<char>(bad[i] ^ 0x01);
    auto by_key = OpenKeyBlock(bad, BobIdentity());
    Identity phrase;
    phrase.passphrase = SecretBytes("correct horse");
    auto by_phrase = OpenKeyBlock(bad, phrase);
    // A flipped byte either breaks the syntax or the stanza it is in (and the id, in both).
    EXPECT_FALSE(by_key.ok() && by_phrase.ok()) << "byte " << i;
    if (i < 25) {
      EXPECT_FALSE(by_key.ok() || by_phrase.ok()) << "byte " << i;
    }
  }
  EXPECT_EQ(CheckKeyBlock(block.substr(0, block.size() - 1)).code(), StatusCode::kCorrupt);
  EXPECT_EQ(CheckKeyBlock(block + "x").message(),
            "keys member: unexpected bytes after the stanzas");
}

TEST(ArchiveCryptoTest, KeysAreWipedTypesAndFilesRoundTrip) {
  auto pair = GenerateKeyPair();
  ASSERT_TRUE(pair.ok());
  const SecretBytes secret_text = SecretKeyFileText(*pair);
  const std::string public_text = PublicKeyFileText(pair->public_key);
  auto secret = ParseSecretKey(secret_text.view());
  ASSERT_TRUE(secret.ok());
  EXPECT_EQ(secret->view(), pair->secret.view());
  auto pub = ParsePublicKey(public_text);
  ASSERT_TRUE(pub.ok());
  EXPECT_EQ(*pub, pair->public_key);
  // The wrong kind of file is named, and no message quotes a key.
  auto mixed = ParsePublicKey(secret_text.view());
  EXPECT_EQ(mixed.status().message(), "this is a private key, not a public key (give FILE.pub)");
  EXPECT_EQ(ParseSecretKey(public_text).status().message(),
            "this is a public key; decrypting needs the private key");
  EXPECT_EQ(mixed.status().message().find(secret_text.view().substr(21, 16)), std::string::npos);
}

TEST(ArchiveCryptoTest, KeyFilesReadableByOthersAreUsedWithAWarning) {
  TempDir dir;
  auto pair = GenerateKeyPair();
  ASSERT_TRUE(pair.ok());
  const std::string path = dir.File("k");
  WriteFile(path, SecretKeyFileText(*pair).view());
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  std::string warning;
  ASSERT_TRUE(ReadSecretKeyFile(path, &warning).ok());
  EXPECT_EQ(warning, "");
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  auto loose = ReadSecretKeyFile(path, &warning);
  ASSERT_TRUE(loose.ok());
  EXPECT_EQ(warning,
            "key file " + path + " is readable by group or others (mode 0644): chmod 600 " + path);
  auto missing = ReadSecretKeyFile(dir.File("none"), &warning);
  EXPECT_EQ(missing.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(missing.status().message(),
            "key file " + dir.File("none") + ": No such file or directory");
  WriteFile(dir.File("phrase"), "secret words\n");
  auto phrase = ReadPassphraseFile(dir.File("phrase"), &warning);
  ASSERT_TRUE(phrase.ok());
  EXPECT_EQ(phrase->view(), "secret words");
}

}  // namespace
}  // namespace myvault::archive
