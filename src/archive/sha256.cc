#include "myvault/archive/sha256.h"

#include <openssl/evp.h>

#include <new>

namespace myvault::archive {
namespace {

void Check(int openssl_ok) {
  if (openssl_ok != 1) throw std::bad_alloc();
}

}  // namespace

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  if (ctx_ == nullptr) throw std::bad_alloc();
  if (EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr) != 1) {
    EVP_MD_CTX_free(ctx_);
    throw std::bad_alloc();
  }
}

Sha256::~Sha256() { EVP_MD_CTX_free(ctx_); }

void Sha256::Update(std::string_view bytes) {
  Check(EVP_DigestUpdate(ctx_, bytes.data(), bytes.size()));
}

std::array<uint8_t, 32> Sha256::Final() {
  std::array<uint8_t, 32> digest{};
  unsigned int len = 0;
  Check(EVP_DigestFinal_ex(ctx_, digest.data(), &len));
  Check(EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr));
  return digest;
}

std::array<uint8_t, 32> Sha256::Of(std::string_view bytes) {
  std::array<uint8_t, 32> digest{};
  unsigned int len = 0;
  Check(EVP_Digest(bytes.data(), bytes.size(), digest.data(), &len, EVP_sha256(), nullptr));
  return digest;
}

}  // namespace myvault::archive
