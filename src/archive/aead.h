// AES-256-GCM, HKDF-SHA256, X25519 and random bytes through OpenSSL EVP (private to the archive
// module): the primitives that crypto.cc (key wrapping) and member.cc (sealed members) share.
//
// Thread safety: pure functions; each call makes and frees its own OpenSSL context.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "myvault/status.h"

namespace myvault::archive {

inline constexpr size_t kAeadKeySize = 32;
inline constexpr size_t kAeadNonceSize = 12;
inline constexpr size_t kAeadTagSize = 16;

using AeadKey = std::array<uint8_t, kAeadKeySize>;
using AeadNonce = std::array<uint8_t, kAeadNonceSize>;

// Appends ciphertext || tag (plaintext.size() + 16 bytes) to *out.
Status AeadSeal(const AeadKey& key, const AeadNonce& nonce, std::string_view aad,
                std::string_view plaintext, std::string* out);

// Opens ciphertext || tag into out[0, sealed.size() - 16): `out` must have room for that many
// bytes. kCorrupt "authentication failed" when the tag does not match (nothing useful is left in
// `out` then).
Status AeadOpen(const AeadKey& key, const AeadNonce& nonce, std::string_view aad,
                std::string_view sealed, char* out);

// HKDF-SHA256 (RFC 5869), 32 bytes of output.
Result<AeadKey> HkdfSha256(std::string_view ikm, std::string_view salt, std::string_view info);

// X25519 (RFC 7748): the public key of `secret`, and the shared secret (kInvalidArgument when it
// is all zero: a low-order public key).
Result<std::array<uint8_t, 32>> X25519Public(const std::array<uint8_t, 32>& secret);
Result<std::array<uint8_t, 32>> X25519Shared(const std::array<uint8_t, 32>& secret,
                                             const std::array<uint8_t, 32>& peer_public);

// scrypt (RFC 7914) with r = 8, p = 1, 32 bytes of output.
Result<AeadKey> Scrypt(std::string_view passphrase, std::string_view salt, int log2_n);

// Cryptographically strong random bytes (RAND_bytes). kInternal when the generator fails.
Status RandomBytes(uint8_t* out, size_t n);

inline std::string_view AsBytes(const uint8_t* p, size_t n) {
  return {reinterpret_cast<const char*>(p), n};
}
template <size_t N>
std::string_view AsBytes(const std::array<uint8_t, N>& a) {
  return AsBytes(a.data(), N);
}

}  // namespace myvault::archive
