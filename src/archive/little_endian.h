// Little-endian stores and loads for the archive's fixed-width fields.
#pragma once

#include <cstddef>
#include <cstdint>

namespace myvault::archive {

template <typename T>
inline void StoreLe(char* out, T value) {
  for (size_t i = 0; i < sizeof(T); ++i) out[i] = static_cast<char>((value >> (8 * i)) & 0xFF);
}

template <typename T>
inline T LoadLe(const char* in) {
  T value = 0;
  for (size_t i = 0; i < sizeof(T); ++i) {
    value |= static_cast<T>(static_cast<uint8_t>(in[i])) << (8 * i);
  }
  return value;
}

}  // namespace myvault::archive
