#include "archive/aead.h"

#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include <algorithm>
#include <climits>
#include <memory>

namespace myvault::archive {
namespace {

constexpr size_t kStep = size_t{1} << 30;  // EVP lengths are int: feed at most 1 GiB at a time

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, CtxFree>;
using Pkey = std::unique_ptr<EVP_PKEY, CtxFree>;

const unsigned char* U(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// Runs `in` through an initialised GCM context into `out`, 1 GiB at a time.
bool Crypt(EVP_CIPHER_CTX* ctx, bool encrypt, std::string_view in, unsigned char* out) {
  for (size_t done = 0; done < in.size();) {
    const size_t n = std::min(kStep, in.size() - done);
    int len = 0;
    const int ok = encrypt ? EVP_EncryptUpdate(ctx, out + done, &len, U(in) + done, int(n))
                           : EVP_DecryptUpdate(ctx, out + done, &len, U(in) + done, int(n));
    if (ok != 1 || static_cast<size_t>(len) != n) return false;
    done += n;
  }
  return true;
}

}  // namespace

Status AeadSeal(const AeadKey& key, const AeadNonce& nonce, std::string_view aad,
                std::string_view plaintext, std::string* out) {
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  const size_t at = out->size();
  out->resize(at + plaintext.size() + kAeadTagSize);
  auto* dst = reinterpret_cast<unsigned char*>(out->data() + at);
  if (ctx == nullptr ||
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), nonce.data()) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, U(aad), int(aad.size())) != 1 ||
      !Crypt(ctx.get(), true, plaintext, dst) ||
      EVP_EncryptFinal_ex(ctx.get(), dst + plaintext.size(), &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, int(kAeadTagSize),
                          dst + plaintext.size()) != 1) {
    out->resize(at);
    return Internal("AES-256-GCM encryption failed in OpenSSL");
  }
  return Status::Ok();
}

Status AeadOpen(const AeadKey& key, const AeadNonce& nonce, std::string_view aad,
                std::string_view sealed, char* out) {
  if (sealed.size() < kAeadTagSize) return Corrupt("sealed data shorter than its tag");
  const std::string_view ciphertext = sealed.substr(0, sealed.size() - kAeadTagSize);
  unsigned char tag[kAeadTagSize];
  std::copy_n(U(sealed) + ciphertext.size(), kAeadTagSize, tag);
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  auto* dst = reinterpret_cast<unsigned char*>(out);
  if (ctx == nullptr ||
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), nonce.data()) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, U(aad), int(aad.size())) != 1 ||
      !Crypt(ctx.get(), false, ciphertext, dst) ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, int(kAeadTagSize), tag) != 1) {
    return Internal("AES-256-GCM decryption failed in OpenSSL");
  }
  if (EVP_DecryptFinal_ex(ctx.get(), dst + ciphertext.size(), &len) != 1) {
    return Corrupt("authentication failed");
  }
  return Status::Ok();
}

Result<AeadKey> HkdfSha256(std::string_view ikm, std::string_view salt, std::string_view info) {
  PkeyCtx ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nullptr));
  AeadKey key{};
  size_t len = key.size();
  if (ctx == nullptr || EVP_PKEY_derive_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_hkdf_md(ctx.get(), EVP_sha256()) != 1 ||
      EVP_PKEY_CTX_set1_hkdf_salt(ctx.get(), U(salt), int(salt.size())) != 1 ||
      EVP_PKEY_CTX_set1_hkdf_key(ctx.get(), U(ikm), int(ikm.size())) != 1 ||
      EVP_PKEY_CTX_add1_hkdf_info(ctx.get(), U(info), int(info.size())) != 1 ||
      EVP_PKEY_derive(ctx.get(), key.data(), &len) != 1 || len != key.size()) {
    return Internal("HKDF-SHA256 failed in OpenSSL");
  }
  return key;
}

Result<std::array<uint8_t, 32>> X25519Public(const std::array<uint8_t, 32>& secret) {
  Pkey pkey(EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, secret.data(), secret.size()));
  std::array<uint8_t, 32> out{};
  size_t len = out.size();
  if (pkey == nullptr || EVP_PKEY_get_raw_public_key(pkey.get(), out.data(), &len) != 1 ||
      len != out.size()) {
    return Internal("X25519 public key computation failed in OpenSSL");
  }
  return out;
}

Result<std::array<uint8_t, 32>> X25519Shared(const std::array<uint8_t, 32>& secret,
                                             const std::array<uint8_t, 32>& peer_public) {
  Pkey own(EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, secret.data(), secret.size()));
  Pkey peer(EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, nullptr, peer_public.data(),
                                        peer_public.size()));
  if (own == nullptr || peer == nullptr) return Internal("X25519 key setup failed in OpenSSL");
  PkeyCtx ctx(EVP_PKEY_CTX_new(own.get(), nullptr));
  std::array<uint8_t, 32> shared{};
  size_t len = shared.size();
  if (ctx == nullptr || EVP_PKEY_derive_init(ctx.get()) != 1 ||
      EVP_PKEY_derive_set_peer(ctx.get(), peer.get()) != 1 ||
      EVP_PKEY_derive(ctx.get(), shared.data(), &len) != 1 || len != shared.size()) {
    // OpenSSL refuses an all-zero result itself (a low-order public key).
    return InvalidArgument("X25519 key agreement failed: unusable public key");
  }
  if (std::all_of(shared.begin(), shared.end(), [](uint8_t b) { return b == 0; })) {
    return InvalidArgument("X25519 key agreement failed: unusable public key");
  }
  return shared;
}

Result<AeadKey> Scrypt(std::string_view passphrase, std::string_view salt, int log2_n) {
  const uint64_t n = uint64_t{1} << log2_n;
  const uint64_t max_mem = 129 * 8 * (n + 2) + (uint64_t{1} << 20);
  AeadKey key{};
  if (EVP_PBE_scrypt(passphrase.data(), passphrase.size(), U(salt), salt.size(), n, 8, 1, max_mem,
                     key.data(), key.size()) != 1) {
    return Internal("scrypt failed in OpenSSL (out of memory?)");
  }
  return key;
}

Status RandomBytes(uint8_t* out, size_t n) {
  if (n > INT_MAX || RAND_bytes(out, static_cast<int>(n)) != 1) {
    return Internal("the random number generator failed (OpenSSL RAND_bytes)");
  }
  return Status::Ok();
}

}  // namespace myvault::archive
