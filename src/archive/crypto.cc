// Key pairs, key files and the key block of docs/format.md section 11.2.
#include "myvault/archive/crypto.h"

#include <openssl/crypto.h>

#include <cstring>

#include "archive/aead.h"
#include "archive/little_endian.h"

namespace myvault::archive {
namespace {

constexpr char kKeyBlockMagic[8] = {'M', 'V', 'K', 'E', 'Y', 'S', '2', '\0'};
constexpr size_t kBlockHeaderSize = 8 + 16 + 1;  // magic, archive id, stanza count
constexpr size_t kAadSize = 24;                  // magic and archive id
constexpr size_t kWrappedSize = 32 + kAeadTagSize;
constexpr uint8_t kX25519Stanza = 1, kPassphraseStanza = 2;
constexpr size_t kX25519StanzaSize = 1 + 32 + kWrappedSize;          // 81
constexpr size_t kPassphraseStanzaSize = 1 + 16 + 1 + kWrappedSize;  // 66
constexpr size_t kMaxStanzas = 64;
constexpr int kMinLog2N = 10, kMaxLog2N = 20;
constexpr std::string_view kX25519Info = "myvault-v2 x25519 wrap";
constexpr std::string_view kPayloadInfo = "myvault-v2 payload";
constexpr std::string_view kSecretPrefix = "myvault-secret-key-1 ";
constexpr std::string_view kPublicPrefix = "myvault-public-key-1 ";

std::string Hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (char c : bytes) {
    out += kHex[static_cast<uint8_t>(c) >> 4];
    out += kHex[static_cast<uint8_t>(c) & 0xF];
  }
  return out;
}

// 32 bytes from "<prefix><64 hex>[\n]"; false on any other text.
bool ParseKeyLine(std::string_view text, std::string_view prefix, std::array<uint8_t, 32>* out) {
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  if (text.size() != prefix.size() + 64 || text.substr(0, prefix.size()) != prefix) return false;
  text.remove_prefix(prefix.size());
  auto nibble = [](char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  for (size_t i = 0; i < 32; ++i) {
    const int hi = nibble(text[2 * i]), lo = nibble(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    (*out)[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  return true;
}

AeadKey ToKey(std::string_view bytes) {
  AeadKey key{};
  std::memcpy(key.data(), bytes.data(), std::min(bytes.size(), key.size()));
  return key;
}

Result<AeadKey> X25519WrapKey(const std::array<uint8_t, 32>& shared,
                              const std::array<uint8_t, 32>& ephemeral_public,
                              const PublicKey& recipient) {
  const std::string salt = std::string(AsBytes(ephemeral_public)) + std::string(AsBytes(recipient));
  return HkdfSha256(AsBytes(shared), salt, kX25519Info);
}

Status Wrap(const AeadKey& wrap_key, std::string_view aad, const SecretBytes& file_key,
            std::string* out) {
  return AeadSeal(wrap_key, AeadNonce{}, aad, file_key.view(), out);
}

// The file key from one stanza's wrapped bytes, or kKey when `wrap_key` is not the right one.
Result<SecretBytes> Unwrap(const AeadKey& wrap_key, std::string_view aad,
                           std::string_view wrapped) {
  std::string plain(32, '\0');
  Status s = AeadOpen(wrap_key, AeadNonce{}, aad, wrapped, plain.data());
  SecretBytes key(plain);
  OPENSSL_cleanse(plain.data(), plain.size());
  if (!s.ok()) return s.code() == StatusCode::kCorrupt ? KeyError("wrong key") : s;
  return key;
}

Result<SecretBytes> OpenX25519(std::string_view aad, std::string_view stanza,
                               const SecretBytes& secret) {
  std::array<uint8_t, 32> own{}, ephemeral{};
  std::memcpy(own.data(), secret.view().data(), own.size());
  std::memcpy(ephemeral.data(), stanza.data() + 1, ephemeral.size());
  Result<PublicKey> recipient = X25519Public(own);
  Result<std::array<uint8_t, 32>> shared = X25519Shared(own, ephemeral);
  OPENSSL_cleanse(own.data(), own.size());
  if (!recipient.ok()) return recipient.status();
  if (!shared.ok()) return KeyError("wrong key");
  Result<AeadKey> wrap_key = X25519WrapKey(*shared, ephemeral, *recipient);
  OPENSSL_cleanse(shared->data(), shared->size());
  if (!wrap_key.ok()) return wrap_key.status();
  Result<SecretBytes> key = Unwrap(*wrap_key, aad, stanza.substr(33, kWrappedSize));
  OPENSSL_cleanse(wrap_key->data(), wrap_key->size());
  return key;
}

Result<SecretBytes> OpenPassphrase(std::string_view aad, std::string_view stanza,
                                   const SecretBytes& passphrase) {
  Result<AeadKey> wrap_key =
      Scrypt(passphrase.view(), stanza.substr(1, 16), static_cast<uint8_t>(stanza[17]));
  if (!wrap_key.ok()) return wrap_key.status();
  Result<SecretBytes> key = Unwrap(*wrap_key, aad, stanza.substr(18, kWrappedSize));
  OPENSSL_cleanse(wrap_key->data(), wrap_key->size());
  return key;
}

Status AppendX25519Stanza(std::string_view aad, const PublicKey& recipient,
                          const std::array<uint8_t, 32>& ephemeral, const SecretBytes& file_key,
                          std::string* out) {
  ASSIGN_OR_RETURN(PublicKey ephemeral_public, X25519Public(ephemeral));
  Result<std::array<uint8_t, 32>> shared = X25519Shared(ephemeral, recipient);
  if (!shared.ok()) return shared.status().WithContext("--encrypt-to");
  Result<AeadKey> wrap_key = X25519WrapKey(*shared, ephemeral_public, recipient);
  OPENSSL_cleanse(shared->data(), shared->size());
  if (!wrap_key.ok()) return wrap_key.status();
  out->push_back(static_cast<char>(kX25519Stanza));
  out->append(AsBytes(ephemeral_public));
  Status s = Wrap(*wrap_key, aad, file_key, out);
  OPENSSL_cleanse(wrap_key->data(), wrap_key->size());
  return s;
}

Status AppendPassphraseStanza(std::string_view aad, const SecretBytes& passphrase,
                              const KeyBlockRandom& random, std::string* out) {
  ASSIGN_OR_RETURN(AeadKey wrap_key,
                   Scrypt(passphrase.view(), AsBytes(random.salt), random.log2_n));
  out->push_back(static_cast<char>(kPassphraseStanza));
  out->append(AsBytes(random.salt));
  out->push_back(static_cast<char>(random.log2_n));
  Status s = Wrap(wrap_key, aad, random.file_key, out);
  OPENSSL_cleanse(wrap_key.data(), wrap_key.size());
  return s;
}

// Where each stanza starts, after checking the syntax of the whole block.
Result<std::vector<std::string_view>> SplitStanzas(std::string_view block) {
  if (block.size() < kBlockHeaderSize || std::memcmp(block.data(), kKeyBlockMagic, 8) != 0) {
    return Corrupt("keys member: bad magic");
  }
  const size_t count = static_cast<uint8_t>(block[24]);
  if (count == 0 || count > kMaxStanzas) {
    return Corrupt("keys member: " + std::to_string(count) + " stanzas (1.." +
                   std::to_string(kMaxStanzas) + ")");
  }
  std::vector<std::string_view> stanzas;
  size_t at = kBlockHeaderSize;
  for (size_t i = 0; i < count; ++i) {
    if (at >= block.size()) return Corrupt("keys member: truncated stanza " + std::to_string(i));
    const uint8_t type = static_cast<uint8_t>(block[at]);
    size_t size = 0;
    if (type == kX25519Stanza) size = kX25519StanzaSize;
    if (type == kPassphraseStanza) size = kPassphraseStanzaSize;
    if (size == 0) {
      return Corrupt("keys member: stanza " + std::to_string(i) + " has unknown type " +
                     std::to_string(type));
    }
    if (block.size() - at < size) {
      return Corrupt("keys member: truncated stanza " + std::to_string(i));
    }
    const std::string_view stanza = block.substr(at, size);
    if (type == kPassphraseStanza) {
      const int log2_n = static_cast<uint8_t>(stanza[17]);
      if (log2_n < kMinLog2N || log2_n > kMaxLog2N) {
        return Corrupt("keys member: scrypt cost 2^" + std::to_string(log2_n) + " out of range");
      }
    }
    stanzas.push_back(stanza);
    at += size;
  }
  if (at != block.size()) return Corrupt("keys member: unexpected bytes after the stanzas");
  return stanzas;
}

}  // namespace

SecretBytes& SecretBytes::operator=(const SecretBytes& other) {
  if (this != &other) {
    OPENSSL_cleanse(bytes_.data(), bytes_.size());
    bytes_ = other.bytes_;
  }
  return *this;
}

SecretBytes::~SecretBytes() { OPENSSL_cleanse(bytes_.data(), bytes_.size()); }

Result<KeyPair> GenerateKeyPair() {
  std::array<uint8_t, 32> secret{};
  RETURN_IF_ERROR(RandomBytes(secret.data(), secret.size()));
  KeyPair pair;
  pair.secret = SecretBytes(AsBytes(secret));
  Result<PublicKey> pub = X25519Public(secret);
  OPENSSL_cleanse(secret.data(), secret.size());
  if (!pub.ok()) return pub.status();
  pair.public_key = *pub;
  return pair;
}

SecretBytes SecretKeyFileText(const KeyPair& pair) {
  std::string text = std::string(kSecretPrefix) + Hex(pair.secret.view()) + "\n";
  SecretBytes out(text);
  OPENSSL_cleanse(text.data(), text.size());
  return out;
}

std::string PublicKeyFileText(const PublicKey& key) {
  return std::string(kPublicPrefix) + Hex(AsBytes(key)) + "\n";
}

Result<PublicKey> ParsePublicKey(std::string_view text) {
  PublicKey key{};
  if (!ParseKeyLine(text, kPublicPrefix, &key)) {
    if (text.substr(0, kSecretPrefix.size()) == kSecretPrefix) {
      return KeyError("this is a private key, not a public key (give FILE.pub)");
    }
    return KeyError("not a myvault public key (one line \"myvault-public-key-1 <64 hex>\")");
  }
  return key;
}

Result<SecretBytes> ParseSecretKey(std::string_view text) {
  std::array<uint8_t, 32> key{};
  const bool ok = ParseKeyLine(text, kSecretPrefix, &key);
  SecretBytes out(AsBytes(key));
  OPENSSL_cleanse(key.data(), key.size());
  if (!ok) {
    if (text.substr(0, kPublicPrefix.size()) == kPublicPrefix) {
      return KeyError("this is a public key; decrypting needs the private key");
    }
    return KeyError("not a myvault private key (one line \"myvault-secret-key-1 <64 hex>\")");
  }
  return out;
}

ArchiveKey::~ArchiveKey() { OPENSSL_cleanse(payload_key_.data(), payload_key_.size()); }

Result<std::unique_ptr<ArchiveKey>> ArchiveKey::Derive(const ArchiveId& id,
                                                       const SecretBytes& file_key) {
  std::unique_ptr<ArchiveKey> key(new ArchiveKey());
  key->id_ = id;
  ASSIGN_OR_RETURN(key->payload_key_, HkdfSha256(file_key.view(), AsBytes(id), kPayloadInfo));
  return key;
}

std::array<uint8_t, 12> ArchiveKey::NextNonce() const {
  std::array<uint8_t, 12> nonce{};
  StoreLe<uint64_t>(reinterpret_cast<char*>(nonce.data()) + 4, ++nonces_);
  return nonce;
}

Result<std::string> EncodeKeyBlock(const std::vector<PublicKey>& recipients,
                                   const std::optional<SecretBytes>& passphrase,
                                   const KeyBlockRandom& random) {
  const size_t stanzas = recipients.size() + (passphrase ? 1 : 0);
  if (stanzas == 0) return InvalidArgument("encryption needs a recipient or a passphrase");
  if (stanzas > kMaxStanzas) {
    return InvalidArgument("at most " + std::to_string(kMaxStanzas) + " recipients");
  }
  if (random.ephemeral.size() < recipients.size() || random.file_key.size() != 32) {
    return Internal("key block: missing random input");
  }
  std::string block(kKeyBlockMagic, sizeof(kKeyBlockMagic));
  block.append(AsBytes(random.id));
  block.push_back(static_cast<char>(stanzas));
  const std::string aad = block.substr(0, kAadSize);
  for (size_t i = 0; i < recipients.size(); ++i) {
    RETURN_IF_ERROR(
        AppendX25519Stanza(aad, recipients[i], random.ephemeral[i], random.file_key, &block));
  }
  if (passphrase) RETURN_IF_ERROR(AppendPassphraseStanza(aad, *passphrase, random, &block));
  return block;
}

Result<NewKey> NewArchiveKey(const std::vector<PublicKey>& recipients,
                             const std::optional<SecretBytes>& passphrase) {
  KeyBlockRandom random;
  std::array<uint8_t, 32> file_key{};
  RETURN_IF_ERROR(RandomBytes(random.id.data(), random.id.size()));
  RETURN_IF_ERROR(RandomBytes(random.salt.data(), random.salt.size()));
  RETURN_IF_ERROR(RandomBytes(file_key.data(), file_key.size()));
  random.file_key = SecretBytes(AsBytes(file_key));
  OPENSSL_cleanse(file_key.data(), file_key.size());
  random.ephemeral.resize(recipients.size());
  for (auto& e : random.ephemeral) RETURN_IF_ERROR(RandomBytes(e.data(), e.size()));
  Result<std::string> block = EncodeKeyBlock(recipients, passphrase, random);
  for (auto& e : random.ephemeral) OPENSSL_cleanse(e.data(), e.size());
  if (!block.ok()) return block.status();
  NewKey out;
  out.key_block = std::move(block).value();
  ASSIGN_OR_RETURN(out.key, ArchiveKey::Derive(random.id, random.file_key));
  return out;
}

Status CheckKeyBlock(std::string_view key_block) { return SplitStanzas(key_block).status(); }

Result<std::unique_ptr<ArchiveKey>> OpenKeyBlock(std::string_view key_block,
                                                 const Identity& identity) {
  if (identity.empty()) return KeyError("no key given");
  ASSIGN_OR_RETURN(std::vector<std::string_view> stanzas, SplitStanzas(key_block));
  const std::string_view aad = key_block.substr(0, kAadSize);
  for (std::string_view stanza : stanzas) {
    const bool x25519 = stanza[0] == static_cast<char>(kX25519Stanza);
    if (x25519 ? !identity.secret_key : !identity.passphrase) continue;
    Result<SecretBytes> file_key = x25519 ? OpenX25519(aad, stanza, *identity.secret_key)
                                          : OpenPassphrase(aad, stanza, *identity.passphrase);
    if (file_key.ok()) {
      ArchiveId id{};
      std::memcpy(id.data(), key_block.data() + 8, id.size());
      return ArchiveKey::Derive(id, *file_key);
    }
    if (file_key.status().code() != StatusCode::kInvalidArgument) return file_key.status();
  }
  return KeyError(identity.secret_key ? "no recipient of this archive matches the key"
                                      : "the passphrase does not open this archive");
}

}  // namespace myvault::archive
