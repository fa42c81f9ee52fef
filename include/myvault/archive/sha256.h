// SHA-256 (OpenSSL EVP), incremental and one-shot, as the archive format uses it: per member
// payload and over the whole file.
//
// Thread safety: a Sha256 object is used by one thread at a time; Of() is safe anywhere.
// Allocation failure inside OpenSSL throws std::bad_alloc, like any other allocation.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

struct evp_md_ctx_st;

namespace myvault::archive {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(std::string_view bytes);
  // The digest of everything updated so far; the object then starts over, empty.
  std::array<uint8_t, 32> Final();

  static std::array<uint8_t, 32> Of(std::string_view bytes);

 private:
  evp_md_ctx_st* ctx_;
};

}  // namespace myvault::archive
