// Private to src/sql: literal writers that fill a caller-sized buffer through a raw pointer.
//
// The public Append* functions and InsertFormatter size the destination once (an upper bound),
// write with these functions, and then trim the string to what was written. The writers may
// store up to kWriteSlack bytes past the end of what they produce (they copy whole 16-byte
// blocks), so every bound must add kWriteSlack once.
//
// Thread safety: pure functions.
#pragma once

#include <cassert>
#include <cstddef>
#include <string>

namespace myvault::sql::internal {

inline constexpr size_t kWriteSlack = 16;

// Upper bounds of the bytes written for `n` input bytes (excluding kWriteSlack).
constexpr size_t MaxStringLiteralSize(size_t n) { return 2 * n + 2; }
constexpr size_t MaxHexLiteralSize(size_t n) { return 2 * n + 2; }

// Writes '...' (see AppendStringLiteral) at dst and returns the end of what it wrote.
// Requires MaxStringLiteralSize(n) + kWriteSlack writable bytes at dst.
char* WriteStringLiteral(char* dst, const char* src, size_t n);

// Writes 0x... or '' (see AppendHexLiteral) at dst and returns the end of what it wrote.
// Requires MaxHexLiteralSize(n) + kWriteSlack writable bytes at dst.
char* WriteHexLiteral(char* dst, const char* src, size_t n);

// Grows *out by `max_bytes` (which must include kWriteSlack), lets `write(char* dst) -> char*`
// fill the new tail, and trims *out to the end `write` returned.
template <typename Write>
void AppendBounded(std::string* out, size_t max_bytes, Write write) {
  const size_t old_size = out->size();
  out->resize(old_size + max_bytes);
  char* begin = out->data();
  char* end = write(begin + old_size);
  assert(end >= begin + old_size && end + kWriteSlack <= begin + old_size + max_bytes);
  out->resize(static_cast<size_t>(end - begin));
}

}  // namespace myvault::sql::internal
