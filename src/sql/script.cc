// StatementSplitter and SplitStatements: a statement splitter that follows the mysql client's
// add_line() rules.
//
// The scanner jumps from one byte that may change its state to the next with FindFirstOf (16
// bytes per step with SSE2): in code, quotes, comment starts and the delimiter's first byte; in a
// string, its quote and the backslash. Data members are long INSERTs whose bytes are mostly inside
// string literals, so almost all of the text is crossed by the string scan.
#include "myvault/sql/script.h"

#include <algorithm>
#include <array>
#include <bit>
#include <string>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace myvault::sql {
namespace {

constexpr size_t kNpos = std::string_view::npos;
constexpr std::string_view kDelimiterKeyword = "delimiter";

// Returns the position of the first byte at or after `pos` that equals one of `bytes`, or
// text.size().
template <size_t N>
size_t FindFirstOf(std::string_view text, size_t pos, const std::array<char, N>& bytes) {
  const char* const p = text.data();
  const size_t n = text.size();
#if defined(__SSE2__)
  __m128i needles[N];  // NOLINT(*-avoid-c-arrays): std::array drops __m128i's alignment attribute
  for (size_t i = 0; i < N; ++i) needles[i] = _mm_set1_epi8(bytes[i]);
  for (; pos + 16 <= n; pos += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + pos));
    __m128i hits = _mm_cmpeq_epi8(v, needles[0]);
    for (size_t i = 1; i < N; ++i) hits = _mm_or_si128(hits, _mm_cmpeq_epi8(v, needles[i]));
    if (const auto mask = static_cast<unsigned>(_mm_movemask_epi8(hits)); mask != 0) {
      return pos + static_cast<size_t>(std::countr_zero(mask));
    }
  }
#endif
  for (; pos < n; ++pos) {
    for (const char b : bytes) {
      if (p[pos] == b) return pos;
    }
  }
  return n;
}

// Returns the position of the first `quote` at or after `pos` that no backslash escapes (a
// backslash escapes the byte after it), or kNpos. Escape-heavy text (JSON, Windows paths) has a
// backslash every few bytes, so each 16-byte block is cleared of all its hits before the next.
size_t FindUnescapedQuote(std::string_view text, size_t pos, char quote) {
  const char* const p = text.data();
  const size_t n = text.size();
#if defined(__SSE2__)
  const __m128i quotes = _mm_set1_epi8(quote);
  const __m128i backslashes = _mm_set1_epi8('\\');
  while (pos + 16 <= n) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + pos));
    auto mask = static_cast<unsigned>(
        _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, quotes), _mm_cmpeq_epi8(v, backslashes))));
    size_t next = pos + 16;
    while (mask != 0) {
      const int bit = std::countr_zero(mask);
      if (p[pos + bit] == quote) return pos + bit;
      if (bit == 15) {  // the escaped byte is the next block's first
        next = pos + bit + 2;
        break;
      }
      mask &= ~(3u << bit);  // the backslash and the byte it escapes
    }
    pos = next;
  }
#endif
  while (pos < n) {
    if (p[pos] == quote) return pos;
    pos += p[pos] == '\\' ? 2 : 1;
  }
  return kNpos;
}

// my_isspace() of the client's character sets: space, \t, \n, \v, \f, \r.
bool IsSpace(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// The server's and the client's rule: "--" starts a comment when a space or a control byte
// follows it, or when it ends the text.
bool DashDashStartsComment(std::string_view text, size_t pos) {
  if (pos + 1 >= text.size() || text[pos] != '-' || text[pos + 1] != '-') return false;
  if (pos + 2 == text.size()) return true;
  const auto next = static_cast<unsigned char>(text[pos + 2]);
  return next <= 0x20 || next == 0x7F;
}

Status Error(std::string_view what, size_t pos) {
  return Corrupt(std::string(what) + " in SQL at byte " + std::to_string(pos));
}

}  // namespace

bool StatementSplitter::Next(std::string_view* statement) {
  if (!status_.ok()) return false;
  status_ = SkipToStatement();
  if (!status_.ok() || pos_ == text_.size()) return false;
  const size_t begin = pos_;
  size_t end = 0;
  status_ = ScanStatement(&end);
  if (!status_.ok()) return false;
  while (end > begin && IsSpace(text_[end - 1])) --end;
  *statement = text_.substr(begin, end - begin);
  return true;
}

Status StatementSplitter::SkipToStatement() {
  size_t i = pos_;
  while (i < text_.size()) {
    if (IsSpace(text_[i])) {
      ++i;
    } else if (IsDelimiterCommand(i)) {
      RETURN_IF_ERROR(ReadDelimiterCommand(&i));
    } else if (StartsWithDelimiter(i)) {
      i += delimiter_.size();
    } else if (text_.compare(i, 2, "--") == 0) {  // the client's rule for "-----" lines
      i = std::min(text_.find('\n', i), text_.size());
    } else if (const size_t after = CommentEnd(i); after == kNpos) {
      return Error("unterminated comment", i);
    } else if (after != i) {
      i = after;
    } else {
      break;
    }
  }
  pos_ = i;
  return Status::Ok();
}

Status StatementSplitter::ScanStatement(size_t* end) {
  size_t i = pos_;
  while (true) {
    i = FindFirstOf(text_, i, code_stops_);
    if (i == text_.size()) {
      *end = pos_ = i;
      ended_by_delimiter_ = false;
      return Status::Ok();
    }
    if (StartsWithDelimiter(i)) {
      *end = i;
      pos_ = i + delimiter_.size();
      ended_by_delimiter_ = true;
      return Status::Ok();
    }
    const char c = text_[i];
    if (c == '\'' || c == '"' || c == '`') {
      RETURN_IF_ERROR(SkipQuoted(&i));
    } else if (const size_t after = CommentEnd(i); after == kNpos) {
      return Error("unterminated comment", i);
    } else {
      i = after == i ? i + 1 : after;
    }
  }
}

Status StatementSplitter::SkipQuoted(size_t* pos) const {
  const size_t open = *pos;
  const char quote = text_[open];
  // The client's rule: no escapes in `...`, nor in "..." under ANSI_QUOTES, nor at all under
  // NO_BACKSLASH_ESCAPES. A doubled quote stands for itself (close and reopen: the same thing).
  const bool escapes =
      rules_.backslash_escapes && quote != '`' && !(quote == '"' && rules_.ansi_quotes);
  size_t i = open;
  do {
    i = escapes ? FindUnescapedQuote(text_, i + 1, quote) : text_.find(quote, i + 1);
    if (i == kNpos) return Error("unterminated string", open);
  } while (++i < text_.size() && text_[i] == quote);
  *pos = i;
  return Status::Ok();
}

size_t StatementSplitter::CommentEnd(size_t pos) const {
  const char c = text_[pos];
  if (c == '#' || DashDashStartsComment(text_, pos)) {
    const size_t newline = text_.find('\n', pos);
    return newline == kNpos ? text_.size() : newline;
  }
  if (c != '/' || pos + 1 >= text_.size() || text_[pos + 1] != '*') return pos;
  const std::string_view rest = text_.substr(pos + 2);
  if (rest.starts_with('!') || rest.starts_with("M!")) return pos;
  const size_t close = rest.find("*/");
  return close == kNpos ? kNpos : pos + 2 + close + 2;
}

bool StatementSplitter::StartsWithDelimiter(size_t pos) const {
  return text_.compare(pos, delimiter_.size(), delimiter_) == 0;
}

bool StatementSplitter::IsDelimiterCommand(size_t pos) const {
  const size_t n = kDelimiterKeyword.size();
  if (text_.size() - pos < n) return false;
  for (size_t k = 0; k < n; ++k) {
    if (AsciiLower(text_[pos + k]) != kDelimiterKeyword[k]) return false;
  }
  return pos + n == text_.size() || IsSpace(text_[pos + n]);
}

Status StatementSplitter::ReadDelimiterCommand(size_t* pos) {
  const size_t command = *pos;
  size_t line_end = text_.find('\n', command);
  if (line_end == kNpos) line_end = text_.size();
  size_t i = command + kDelimiterKeyword.size();
  while (i < line_end && IsSpace(text_[i])) ++i;
  size_t end = i;
  if (i < line_end && (text_[i] == '\'' || text_[i] == '"' || text_[i] == '`')) {
    const char quote = text_[i++];
    end = text_.find(quote, i);
    if (end == kNpos || end > line_end) end = line_end;
  } else {
    while (end < line_end && !IsSpace(text_[end])) ++end;
  }
  const std::string_view delimiter = text_.substr(i, end - i);
  if (delimiter.empty()) return Error("DELIMITER without an argument", command);
  if (delimiter.find('\\') != kNpos) return Error("DELIMITER with a backslash", command);
  delimiter_ = delimiter;
  code_stops_.back() = delimiter.front();
  *pos = line_end;
  return Status::Ok();
}

Status SplitStatements(std::string_view text, std::vector<std::string_view>* statements) {
  statements->clear();
  StatementSplitter splitter(text);
  std::string_view statement;
  while (splitter.Next(&statement)) statements->push_back(statement);
  return splitter.status();
}

}  // namespace myvault::sql
