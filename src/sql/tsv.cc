#include "myvault/sql/tsv.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace myvault::sql {
namespace {

// Stores may run up to this many bytes past the output (whole 16-byte blocks are copied).
constexpr size_t kSlack = 16;

// kTsvEscape[b] is the character written after a backslash for a byte LOAD DATA must see escaped
// (ESCAPED BY '\\', FIELDS TERMINATED BY '\t', LINES TERMINATED BY '\n'), or 0.
constexpr std::array<char, 256> MakeTsvEscape() {
  std::array<char, 256> t{};
  t['\\'] = '\\';
  t['\t'] = 't';
  t['\n'] = 'n';
  t['\r'] = 'r';
  t[0] = '0';
  t[0x1A] = 'Z';
  return t;
}
constexpr std::array<char, 256> kTsvEscape = MakeTsvEscape();

// What follows a backslash inside a string literal (the escapes AppendStringLiteral writes):
// kKeep when the TSV escape is the same two bytes, kUnescape when the byte stands for itself.
enum SqlEscape : uint8_t { kBadEscape, kKeep, kUnescape };
constexpr std::array<uint8_t, 256> MakeSqlEscape() {
  std::array<uint8_t, 256> t{};
  for (const char c : {'0', 'n', 'r', '\\', 'Z'}) t[static_cast<unsigned char>(c)] = kKeep;
  t['\''] = kUnescape;
  t['"'] = kUnescape;
  return t;
}
constexpr std::array<uint8_t, 256> kSqlEscape = MakeSqlEscape();

// The byte a kKeep escape stands for (\0 is NUL, \n LF, \r CR, \\ a backslash, \Z 0x1A).
constexpr std::array<char, 256> MakeRawOfEscape() {
  std::array<char, 256> t{};
  t['0'] = '\0';
  t['n'] = '\n';
  t['r'] = '\r';
  t['\\'] = '\\';
  t['Z'] = '\x1A';
  return t;
}
constexpr std::array<char, 256> kRawOfEscape = MakeRawOfEscape();

// kHexValue[b] is the value of hex digit b, or 0xFF.
constexpr std::array<uint8_t, 256> MakeHexValue() {
  std::array<uint8_t, 256> t{};
  for (uint8_t& v : t) v = 0xFF;
  for (int i = 0; i < 10; ++i) t['0' + i] = static_cast<uint8_t>(i);
  for (int i = 0; i < 6; ++i) {
    t['a' + i] = static_cast<uint8_t>(10 + i);
    t['A' + i] = static_cast<uint8_t>(10 + i);
  }
  return t;
}
constexpr std::array<uint8_t, 256> kHexValue = MakeHexValue();

// Bytes of a raw number: integers, DECIMAL, floats such as -1.5e-7.
constexpr std::array<bool, 256> MakeNumberByte() {
  std::array<bool, 256> t{};
  for (const char c : {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '+', '-', '.', 'e', 'E'}) {
    t[static_cast<unsigned char>(c)] = true;
  }
  return t;
}
constexpr std::array<bool, 256> kNumberByte = MakeNumberByte();

bool IsSpace(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }

bool IsCharsetNameByte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Reads one statement and writes its rows as TSV at the end of *data. Parsing steps return false
// after recording the first error (what and where); the output stays within
// `limit_ - dst_ >= (end_ - p_) + kSlack` because every input byte yields at most one output byte,
// except raw control bytes inside strings, which reserve their extra byte first.
class Converter {
 public:
  // TSV into *data; or, with `values`, raw values into *data and their ends and NULL flags into
  // *values (RowBatch).
  Converter(std::string_view statement, std::string* data, RowBatch* values = nullptr)
      : begin_(statement.data()),
        p_(begin_),
        end_(begin_ + statement.size()),
        data_(data),
        base_(data->size()),
        raw_(values),
        raw_base_(values != nullptr ? values->ends.size() : 0) {
    data_->resize(base_ + statement.size() + kSlack);
    dst_ = data_->data() + base_;
    limit_ = data_->data() + data_->size();
  }

  // "INSERT INTO `db`.`t` (`a`,`b`) VALUES" and whitespace.
  bool Prefix(std::string_view* table, std::vector<std::string_view>* columns);
  // The tuples, and an optional ';' and whitespace up to the end.
  bool Rows(size_t column_count);

  uint64_t rows() const { return rows_; }
  Status status() const {
    std::string message = raw_ == nullptr ? "INSERT to TSV: " : "INSERT to values: ";
    message += error_at_ == end_ ? "statement ends early, " : "";
    message += error_;
    message += " at byte " + std::to_string(error_at_ - begin_);
    return Corrupt(std::move(message));
  }
  void Commit() { data_->resize(static_cast<size_t>(dst_ - data_->data())); }
  void Abort() {
    data_->resize(base_);
    if (raw_ != nullptr) {
      raw_->ends.resize(raw_base_);
      raw_->nulls.resize(raw_base_);
    }
  }

 private:
  bool Fail(const char* what, const char* at) {
    error_ = what;
    error_at_ = at;
    return false;
  }
  bool Expect(char c, const char* what) {
    if (p_ == end_ || *p_ != c) return Fail(what, p_);
    ++p_;
    return true;
  }
  void SkipSpace() {
    while (p_ != end_ && IsSpace(*p_)) ++p_;
  }
  bool Identifier(std::string_view* out);
  bool Value();
  bool Number();
  bool Hex();
  bool Introduced();
  bool String();
  enum class Stop : uint8_t { kContinue, kEnd, kError };
  Stop StringStop(const char* literal);
  void PutEscaped(unsigned char b) {
    if (raw_ != nullptr) {
      *dst_++ = static_cast<char>(b);
      return;
    }
    const char e = kTsvEscape[b];
    dst_[0] = e != 0 ? '\\' : static_cast<char>(b);
    dst_[1] = e;
    dst_ += 1 + (e != 0);
  }
  // Makes room for `extra` output bytes beyond one per remaining input byte.
  void Reserve(size_t extra) {
    const auto needed = static_cast<size_t>(end_ - p_) + kSlack + extra;
    if (static_cast<size_t>(limit_ - dst_) >= needed) return;
    const auto used = static_cast<size_t>(dst_ - data_->data());
    data_->resize(std::max(2 * data_->size(), used + needed));
    dst_ = data_->data() + used;
    limit_ = data_->data() + data_->size();
  }

  const char* const begin_;
  const char* p_;
  const char* const end_;
  std::string* const data_;
  const size_t base_;
  RowBatch* const raw_;    // raw values rather than TSV
  const size_t raw_base_;  // raw_->ends.size() on entry
  char* dst_ = nullptr;
  char* limit_ = nullptr;
  uint64_t rows_ = 0;
  const char* error_ = "";
  const char* error_at_ = nullptr;
};

bool Converter::Identifier(std::string_view* out) {
  const char* start = p_;
  if (!Expect('`', "'`' expected")) return false;
  for (;;) {
    const auto* tick =
        static_cast<const char*>(std::memchr(p_, '`', static_cast<size_t>(end_ - p_)));
    if (tick == nullptr) return Fail("unterminated identifier", start);
    p_ = tick + 1;
    if (p_ == end_ || *p_ != '`') break;
    ++p_;  // a doubled backtick
  }
  *out = std::string_view(start, static_cast<size_t>(p_ - start));
  return true;
}

bool Converter::Prefix(std::string_view* table, std::vector<std::string_view>* columns) {
  constexpr std::string_view kInsert = "INSERT INTO ";
  if (std::string_view(p_, static_cast<size_t>(end_ - p_)).substr(0, kInsert.size()) != kInsert) {
    return Fail("\"INSERT INTO \" expected", p_);
  }
  p_ += kInsert.size();
  const char* start = p_;
  std::string_view part;
  if (!Identifier(&part) || !Expect('.', "'.' expected") || !Identifier(&part)) return false;
  *table = std::string_view(start, static_cast<size_t>(p_ - start));
  if (!Expect(' ', "' (' expected") || !Expect('(', "'(' expected")) return false;
  for (;;) {
    std::string_view column;
    if (!Identifier(&column)) return false;
    columns->push_back(column);
    if (p_ != end_ && *p_ == ')') break;
    if (!Expect(',', "',' or ')' expected in the column list")) return false;
  }
  ++p_;
  constexpr std::string_view kValues = " VALUES";
  if (std::string_view(p_, static_cast<size_t>(end_ - p_)).substr(0, kValues.size()) != kValues) {
    return Fail("\" VALUES\" expected", p_);
  }
  p_ += kValues.size();
  SkipSpace();
  return true;
}

bool Converter::Rows(size_t column_count) {
  for (;;) {
    if (!Expect('(', "'(' expected")) return false;
    for (size_t i = 0; i < column_count; ++i) {
      if (i > 0) {
        if (!Expect(',', "',' expected (fewer values than columns, or a bad value)")) return false;
        if (raw_ == nullptr) *dst_++ = '\t';
      }
      if (!Value()) return false;
      if (raw_ != nullptr) raw_->ends.push_back(static_cast<size_t>(dst_ - data_->data()));
    }
    if (!Expect(')', "')' expected (more values than columns, or a bad value)")) return false;
    if (raw_ == nullptr) *dst_++ = '\n';
    ++rows_;
    if (p_ == end_) return true;
    if (*p_ != ',') break;
    ++p_;
    SkipSpace();
  }
  if (*p_ == ';') ++p_;
  SkipSpace();
  return p_ == end_ || Fail("',' or the end of the statement expected", p_);
}

bool Converter::Value() {
  if (p_ == end_) return Fail("value expected", p_);
  if (raw_ != nullptr && *p_ != 'N') raw_->nulls.push_back(0);
  switch (*p_) {
    case '\'': return String();
    case '_': return Introduced();
    case 'N':
      if (end_ - p_ < 4 || std::memcmp(p_, "NULL", 4) != 0) return Fail("value expected", p_);
      p_ += 4;
      if (raw_ != nullptr) {
        raw_->nulls.push_back(1);
        return true;
      }
      dst_[0] = '\\';
      dst_[1] = 'N';
      dst_ += 2;
      return true;
    case '0':
      if (end_ - p_ >= 2 && p_[1] == 'x') return Hex();
      return Number();
    default: return Number();
  }
}

bool Converter::Number() {
  const char* q = p_;
  while (q != end_ && kNumberByte[static_cast<unsigned char>(*q)]) ++q;
  if (q == p_) return Fail("value expected", p_);
  const auto n = static_cast<size_t>(q - p_);
  std::memcpy(dst_, p_, n);
  dst_ += n;
  p_ = q;
  return true;
}

// 0x followed by an even, non-zero number of hex digits; each pair becomes one escaped byte.
bool Converter::Hex() {
  const char* start = p_;
  p_ += 2;
  while (end_ - p_ >= 2) {
    const uint8_t hi = kHexValue[static_cast<unsigned char>(p_[0])];
    const uint8_t lo = kHexValue[static_cast<unsigned char>(p_[1])];
    if ((hi | lo) > 15) break;
    PutEscaped(static_cast<unsigned char>(hi << 4 | lo));
    p_ += 2;
  }
  if (p_ != end_ && kHexValue[static_cast<unsigned char>(*p_)] <= 15) {
    return Fail("odd number of hex digits", start);
  }
  if (p_ == start + 2) return Fail("hex literal without digits", start);
  return true;
}

// `_charset ` then a hex or quoted literal: the bytes are loaded unconverted.
bool Converter::Introduced() {
  const char* start = p_;
  ++p_;
  while (p_ != end_ && IsCharsetNameByte(*p_)) ++p_;
  if (p_ == start + 1 || !Expect(' ', "' ' expected after a charset introducer")) {
    return Fail("bad charset introducer", start);
  }
  if (end_ - p_ >= 2 && p_[0] == '0' && p_[1] == 'x') return Hex();
  if (p_ != end_ && *p_ == '\'') return String();
  return Fail("hex or string literal expected after a charset introducer", p_);
}

// Handles the byte at p_ that stopped the bulk copy of a string body (a quote, a backslash or a
// control byte); kEnd leaves p_ past the closing quote.
Converter::Stop Converter::StringStop(const char* literal) {
  if (p_ == end_) {
    Fail("unterminated string", literal);
    return Stop::kError;
  }
  const auto c = static_cast<unsigned char>(*p_);
  if (c == '\'') {
    ++p_;
    return Stop::kEnd;
  }
  if (c == '\\') {
    if (end_ - p_ < 2) {
      Fail("unterminated string", literal);
      return Stop::kError;
    }
    switch (kSqlEscape[static_cast<unsigned char>(p_[1])]) {
      case kKeep:
        if (raw_ != nullptr) {
          *dst_++ = kRawOfEscape[static_cast<unsigned char>(p_[1])];
          break;
        }
        dst_[0] = '\\';
        dst_[1] = p_[1];
        dst_ += 2;
        break;
      case kUnescape: *dst_++ = p_[1]; break;
      default: Fail("unknown escape in string", p_); return Stop::kError;
    }
    p_ += 2;
    return Stop::kContinue;
  }
  // A raw control byte (the dumper escapes all but TAB) takes two bytes in TSV.
  if (kTsvEscape[c] != 0 && raw_ == nullptr) Reserve(1);
  PutEscaped(c);
  ++p_;
  return Stop::kContinue;
}

#if defined(__SSE2__)

// Bit i is set when byte i of v stops the bulk copy: a quote, a backslash or a byte below 0x20.
inline unsigned StringStops(__m128i v) {
  const __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1F)), v);
  const __m128i quote = _mm_cmpeq_epi8(v, _mm_set1_epi8('\''));
  const __m128i backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
  return static_cast<unsigned>(
      _mm_movemask_epi8(_mm_or_si128(control, _mm_or_si128(quote, backslash))));
}

// Copies 16 bytes at a time up to the next stop; the last partial block is staged so that no byte
// past end_ is read.
bool Converter::String() {
  const char* literal = p_++;
  for (;;) {
    const auto avail = static_cast<size_t>(end_ - p_);
    __m128i v;
    unsigned mask;
    if (avail >= 16) {
      v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p_));
      mask = StringStops(v);
    } else {
      alignas(16) char staged[16] = {};
      std::memcpy(staged, p_, avail);
      v = _mm_load_si128(reinterpret_cast<const __m128i*>(staged));
      mask = (StringStops(v) & ((1u << avail) - 1)) | (1u << avail);
    }
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst_), v);
    if (mask == 0) {
      p_ += 16;
      dst_ += 16;
      continue;
    }
    const auto n = static_cast<unsigned>(__builtin_ctz(mask));
    p_ += n;
    dst_ += n;
    if (const Stop stop = StringStop(literal); stop != Stop::kContinue) return stop == Stop::kEnd;
  }
}

#else  // !__SSE2__

bool Converter::String() {
  const char* literal = p_++;
  for (;;) {
    while (p_ != end_) {
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '\'' || c == '\\' || c < 0x20) break;
      *dst_++ = *p_++;
    }
    if (const Stop stop = StringStop(literal); stop != Stop::kContinue) return stop == Stop::kEnd;
  }
}

#endif

bool SameColumns(const std::vector<std::string>& batch, const std::vector<std::string_view>& stmt) {
  if (batch.size() != stmt.size()) return false;
  for (size_t i = 0; i < stmt.size(); ++i) {
    if (batch[i] != stmt[i]) return false;
  }
  return true;
}

// Shared by InsertToTsv and InsertToRows: `Batch` has table, columns, rows and data.
template <typename Batch>
Status Convert(std::string_view statement, Batch* out, RowBatch* values) {
  Converter converter(statement, &out->data, values);
  std::string_view table;
  std::vector<std::string_view> columns;
  if (!converter.Prefix(&table, &columns)) {
    converter.Abort();
    return converter.status();
  }
  const bool first = out->columns.empty();
  if (!first && (table != out->table || !SameColumns(out->columns, columns))) {
    converter.Abort();
    return InvalidArgument("INSERT conversion: a statement for " + std::string(table) +
                           " with other columns or table than the batch's " + out->table);
  }
  if (!converter.Rows(columns.size())) {
    converter.Abort();
    return converter.status();
  }
  converter.Commit();
  out->rows += converter.rows();
  if (first) {
    out->table = table;
    out->columns.assign(columns.begin(), columns.end());
  }
  return Status::Ok();
}

}  // namespace

Status InsertToTsv(std::string_view statement, TsvBatch* out) {
  return Convert(statement, out, nullptr);
}

Status InsertToRows(std::string_view statement, RowBatch* out) {
  return Convert(statement, out, out);
}

}  // namespace myvault::sql
