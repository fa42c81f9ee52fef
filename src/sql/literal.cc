#include "sql/literal.h"

#include <array>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace myvault::sql::internal {
namespace {

// kEscape[b] is the character written after a backslash for byte b, or 0 if b is copied as is.
// These are exactly the bytes mysql_real_escape_string() escapes.
constexpr std::array<char, 256> MakeEscapeTable() {
  std::array<char, 256> t{};
  t[0] = '0';
  t['\n'] = 'n';
  t['\r'] = 'r';
  t['\\'] = '\\';
  t['\''] = '\'';
  t['"'] = '"';
  t[0x1A] = 'Z';
  return t;
}
constexpr std::array<char, 256> kEscape = MakeEscapeTable();

// kHexPairs[2*b], kHexPairs[2*b+1] are the two uppercase hex digits of byte b.
constexpr std::array<char, 512> MakeHexPairs() {
  constexpr char kDigits[] = "0123456789ABCDEF";
  std::array<char, 512> t{};
  for (int b = 0; b < 256; ++b) {
    t[2 * b] = kDigits[b >> 4];
    t[2 * b + 1] = kDigits[b & 15];
  }
  return t;
}
constexpr std::array<char, 512> kHexPairs = MakeHexPairs();

// Escapes n bytes without branching on the data: every byte is stored, and a second byte is
// stored and kept only when the first was a backslash. Stores up to one byte past its output.
char* EscapeScalar(char* dst, const char* src, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    const char c = src[i];
    const char e = kEscape[static_cast<unsigned char>(c)];
    dst[0] = e != 0 ? '\\' : c;
    dst[1] = e;
    dst += 1 + (e != 0);
  }
  return dst;
}

char* WriteHexDigitsScalar(char* dst, const unsigned char* src, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    std::memcpy(dst, &kHexPairs[2 * src[i]], 2);
    dst += 2;
  }
  return dst;
}

#if defined(__SSE2__)

// Bit i is set when byte i of v must be escaped.
inline unsigned EscapeMask(__m128i v) {
  __m128i m = _mm_cmpeq_epi8(v, _mm_setzero_si128());
  m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8('\n')));
  m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8('\r')));
  m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8(0x1A)));
  m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8('"')));
  m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8('\'')));
  m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
  return static_cast<unsigned>(_mm_movemask_epi8(m));
}

// Copies 16-byte blocks that need no escaping with one store and escapes the others byte by byte.
// The last partial block is staged in a local buffer so that no byte past src + n is read; stores
// may run up to 16 bytes past the output (kWriteSlack).
char* WriteEscaped(char* dst, const char* src, size_t n) {
  const char* const end = src + n;
  while (src < end) {
    const size_t avail = static_cast<size_t>(end - src);
    __m128i v;
    size_t valid = 16;
    unsigned mask;
    if (avail >= 16) {
      v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src));
      mask = EscapeMask(v);
    } else {
      alignas(16) char staged[16] = {};
      std::memcpy(staged, src, avail);
      v = _mm_load_si128(reinterpret_cast<const __m128i*>(staged));
      valid = avail;
      mask = EscapeMask(v) & ((1u << avail) - 1);
    }
    if (mask == 0) {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(dst), v);
      dst += valid;
    } else {
      dst = EscapeScalar(dst, src, valid);
    }
    src += valid;
  }
  return dst;
}

inline __m128i NibblesToAscii(__m128i x) {
  const __m128i above9 = _mm_cmpgt_epi8(x, _mm_set1_epi8(9));
  x = _mm_add_epi8(x, _mm_set1_epi8('0'));
  return _mm_add_epi8(x, _mm_and_si128(above9, _mm_set1_epi8('A' - '0' - 10)));
}

char* WriteHexDigits(char* dst, const unsigned char* src, size_t n) {
  const __m128i low4 = _mm_set1_epi8(0x0F);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i));
    const __m128i hi = _mm_and_si128(_mm_srli_epi16(v, 4), low4);
    const __m128i lo = _mm_and_si128(v, low4);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst), NibblesToAscii(_mm_unpacklo_epi8(hi, lo)));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + 16),
                     NibblesToAscii(_mm_unpackhi_epi8(hi, lo)));
    dst += 32;
  }
  return WriteHexDigitsScalar(dst, src + i, n - i);
}

#else  // !__SSE2__: portable byte-at-a-time versions.

char* WriteEscaped(char* dst, const char* src, size_t n) { return EscapeScalar(dst, src, n); }

char* WriteHexDigits(char* dst, const unsigned char* src, size_t n) {
  return WriteHexDigitsScalar(dst, src, n);
}

#endif

}  // namespace

char* WriteStringLiteral(char* dst, const char* src, size_t n) {
  *dst++ = '\'';
  dst = WriteEscaped(dst, src, n);
  *dst++ = '\'';
  return dst;
}

char* WriteHexLiteral(char* dst, const char* src, size_t n) {
  if (n == 0) {
    dst[0] = '\'';
    dst[1] = '\'';
    return dst + 2;
  }
  dst[0] = '0';
  dst[1] = 'x';
  return WriteHexDigits(dst + 2, reinterpret_cast<const unsigned char*>(src), n);
}

}  // namespace myvault::sql::internal
