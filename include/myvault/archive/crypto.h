// Keys of encrypted archives (format version 2, docs/format.md section 11): X25519 key pairs and
// their files, the key block (the keys member's payload) that wraps a random per-archive file key
// for each recipient and optionally a passphrase, and the ArchiveKey that the member codec
// (member.h) seals and opens members with.
//
// Secrets live in SecretBytes, wiped with OPENSSL_cleanse when destroyed; nothing here prints or
// logs a secret, and error messages never contain one. Making an encrypted archive needs only
// public keys (or the passphrase): the private key is needed only to read one.
//
// Thread safety: plain values and pure functions, except ArchiveKey::NextNonce, which many
// encoding threads may call at once (an atomic counter); an ArchiveKey is otherwise immutable.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "myvault/status.h"

namespace myvault::archive {

// Key problems (no key, wrong key, unusable key file) are the user's input: kInvalidArgument,
// exit code 2, never kCorrupt (which means a damaged archive).
inline Status KeyError(std::string message) { return InvalidArgument(std::move(message)); }

using PublicKey = std::array<uint8_t, 32>;  // X25519
using ArchiveId = std::array<uint8_t, 16>;

// Bytes wiped from memory when the object dies.
class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(std::string_view bytes) : bytes_(bytes) {}
  SecretBytes(const SecretBytes& other) : bytes_(other.bytes_) {}
  SecretBytes& operator=(const SecretBytes& other);
  ~SecretBytes();
  std::string_view view() const { return bytes_; }
  size_t size() const { return bytes_.size(); }

 private:
  std::string bytes_;
};

// What may open an archive: a private key, a passphrase, or both.
struct Identity {
  std::optional<SecretBytes> secret_key;  // 32 bytes of X25519 private key
  std::optional<SecretBytes> passphrase;
  bool empty() const { return !secret_key && !passphrase; }
};

struct KeyPair {
  SecretBytes secret;  // 32 bytes
  PublicKey public_key{};
};
Result<KeyPair> GenerateKeyPair();

// Key files: one line each, "myvault-secret-key-1 <64 hex>\n" and "myvault-public-key-1 <64
// hex>\n". Parse* accept the text with or without the final newline; errors never quote it.
SecretBytes SecretKeyFileText(const KeyPair& pair);
std::string PublicKeyFileText(const PublicKey& key);
Result<PublicKey> ParsePublicKey(std::string_view text);
Result<SecretBytes> ParseSecretKey(std::string_view text);

// Reading the files the flags name. KeyError naming the file on a missing, unreadable or malformed
// file. A secret file (private key or passphrase) that group or others may read is still used,
// and *warning says so ("key file P is readable by group or others (mode 0644): chmod 600 P").
// A passphrase file holds the passphrase, with or without one final newline.
Result<PublicKey> ReadPublicKeyFile(const std::string& path);
Result<SecretBytes> ReadSecretKeyFile(const std::string& path, std::string* warning);
Result<SecretBytes> ReadPassphraseFile(const std::string& path, std::string* warning);

// The key that seals an archive's members: the payload key derived from the file key, the
// archive id bound into every member, and the writer's nonce counter.
class ArchiveKey {
 public:
  static Result<std::unique_ptr<ArchiveKey>> Derive(const ArchiveId& id,
                                                    const SecretBytes& file_key);
  ~ArchiveKey();
  ArchiveKey(const ArchiveKey&) = delete;
  ArchiveKey& operator=(const ArchiveKey&) = delete;

  const ArchiveId& id() const { return id_; }
  const std::array<uint8_t, 32>& payload_key() const { return payload_key_; }
  // 4 zero bytes, then a u64 counter from 1: unique for every call on this object.
  std::array<uint8_t, 12> NextNonce() const;

 private:
  ArchiveKey() = default;
  ArchiveId id_{};
  std::array<uint8_t, 32> payload_key_{};
  mutable std::atomic<uint64_t> nonces_{0};
};

// The random choices of a key block, given explicitly by known-answer tests.
struct KeyBlockRandom {
  ArchiveId id{};
  SecretBytes file_key;                            // 32 bytes
  std::vector<std::array<uint8_t, 32>> ephemeral;  // one X25519 secret per recipient
  std::array<uint8_t, 16> salt{};                  // for the passphrase stanza
  int log2_n = 16;                                 // scrypt cost
};

// A new archive's key and its key block, for `recipients` (and `passphrase` when given; at
// least one of them). kInvalidArgument when there is neither or more than 64 stanzas.
struct NewKey {
  std::unique_ptr<ArchiveKey> key;
  std::string key_block;
};
Result<NewKey> NewArchiveKey(const std::vector<PublicKey>& recipients,
                             const std::optional<SecretBytes>& passphrase);
Result<std::string> EncodeKeyBlock(const std::vector<PublicKey>& recipients,
                                   const std::optional<SecretBytes>& passphrase,
                                   const KeyBlockRandom& random);

// Checks the key block's syntax (docs/format.md 11.2): kCorrupt naming the problem.
Status CheckKeyBlock(std::string_view key_block);

// Opens a key block: the first stanza `identity` opens gives the file key. kCorrupt for a
// malformed block; KeyError "no recipient of this archive matches the key" (or "... the
// passphrase") when none opens; KeyError too for an empty identity.
Result<std::unique_ptr<ArchiveKey>> OpenKeyBlock(std::string_view key_block,
                                                 const Identity& identity);

}  // namespace myvault::archive
