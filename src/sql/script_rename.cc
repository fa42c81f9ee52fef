// RenameDatabases and RenameInsertTarget (see script.h).
//
// RenameDatabases cuts a statement into tokens (words, quoted identifiers, strings, single
// punctuation bytes; whitespace, comments and the markers of executable comments are dropped),
// decides for each identifier naming a database to rename whether it stands where a database
// name stands, and copies the statement with those identifiers replaced. DDL statements are
// small, so clarity comes first here; data statements take RenameInsertTarget instead.
#include <algorithm>
#include <string>
#include <vector>

#include "myvault/sql/script.h"
#include "myvault/sql/text.h"

namespace myvault::sql {
namespace {

enum class TokenKind { kWord, kQuotedIdentifier, kString, kPunct };

struct Token {
  TokenKind kind;
  size_t begin = 0;  // the token is statement[begin, end)
  size_t end = 0;
};

bool IsSpace(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

bool IsWordByte(char c) {
  const auto b = static_cast<unsigned char>(c);
  return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '_' ||
         b == '$' || b >= 0x80;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Returns the position just past the quote that closes the one at `open`, or npos if none does. A
// doubled quote stands for itself; with `escapes` a backslash escapes the next byte.
size_t QuotedEnd(std::string_view s, size_t open, bool escapes) {
  const char quote = s[open];
  for (size_t i = open + 1; i < s.size(); ++i) {
    if (s[i] == '\\' && escapes) {
      ++i;
    } else if (s[i] == quote) {
      if (i + 1 < s.size() && s[i + 1] == quote) {
        ++i;
      } else {
        return i + 1;
      }
    }
  }
  return std::string_view::npos;
}

// The name in a complete quoted identifier: `a``b` -> a`b, "a""b" -> a"b.
std::string Unquote(std::string_view quoted) {
  std::string name;
  for (size_t k = 1; k + 1 < quoted.size(); ++k) {
    name.push_back(quoted[k]);
    if (quoted[k] == quoted[0]) ++k;  // a doubled quote is one
  }
  return name;
}

char AsciiUpper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

// If a non-executable comment starts at `pos`, returns the position after it; else `pos`.
size_t CommentEnd(std::string_view s, size_t pos) {
  const std::string_view rest = s.substr(pos);
  const bool dash_dash =
      rest.starts_with("--") &&
      (rest.size() == 2 || static_cast<unsigned char>(rest[2]) <= 0x20 || rest[2] == 0x7F);
  if (rest.starts_with('#') || dash_dash) {
    const size_t newline = s.find('\n', pos);
    return newline == std::string_view::npos ? s.size() : newline;
  }
  if (!rest.starts_with("/*") || rest.starts_with("/*!") || rest.starts_with("/*M!")) return pos;
  const size_t close = s.find("*/", pos + 2);
  return close == std::string_view::npos ? s.size() : close + 2;
}

std::vector<Token> Tokenize(std::string_view s, QuoteRules rules) {
  std::vector<Token> tokens;
  bool in_executable_comment = false;
  size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    const std::string_view rest = s.substr(i);
    if (IsSpace(c)) {
      ++i;
    } else if (const size_t after = CommentEnd(s, i); after != i) {
      i = after;
    } else if (rest.starts_with("/*!") || rest.starts_with("/*M!")) {
      i += rest[2] == '!' ? 3 : 4;  // "/*!" or "/*M!", then the version number
      while (i < s.size() && IsDigit(s[i])) ++i;
      in_executable_comment = true;
    } else if (in_executable_comment && rest.starts_with("*/")) {
      i += 2;
      in_executable_comment = false;
    } else if (c == '\'' || c == '"' || c == '`') {
      const bool identifier = c == '`' || (c == '"' && rules.ansi_quotes);
      const bool escapes = !identifier && rules.backslash_escapes;
      const size_t end = std::min(QuotedEnd(s, i, escapes), s.size());
      tokens.push_back({identifier ? TokenKind::kQuotedIdentifier : TokenKind::kString, i, end});
      i = end;
    } else if (IsWordByte(c)) {
      size_t end = i + 1;
      while (end < s.size() && IsWordByte(s[end])) ++end;
      tokens.push_back({TokenKind::kWord, i, end});
      i = end;
    } else {
      tokens.push_back({TokenKind::kPunct, i, i + 1});
      ++i;
    }
  }
  return tokens;
}

// Reads the statement's tokens and tells which identifiers name a database.
class References {
 public:
  References(std::string_view statement, std::vector<Token> tokens)
      : s_(statement), t_(std::move(tokens)) {}

  const std::vector<Token>& tokens() const { return t_; }

  // The identifier that token i names ("" for a token that is not an identifier; an all-digit
  // word is a number).
  std::string Name(size_t i) const {
    const Token& t = t_[i];
    const std::string_view text = s_.substr(t.begin, t.end - t.begin);
    if (t.kind == TokenKind::kWord) {
      const bool number = text.find_first_not_of("0123456789") == std::string_view::npos;
      return number ? std::string() : std::string(text);
    }
    const bool complete = QuotedEnd(text, 0, false) == text.size();
    return t.kind == TokenKind::kQuotedIdentifier && complete ? Unquote(text) : std::string();
  }

  bool IsDatabaseReference(size_t i) const {
    return IsQualifier(i) || IsUseOperand(i) || IsDatabaseStatementName(i);
  }

 private:
  bool IsPunct(size_t i, char c) const {
    return i < t_.size() && t_[i].kind == TokenKind::kPunct && s_[t_[i].begin] == c;
  }

  bool IsKeyword(size_t i, std::string_view keyword) const {
    if (i >= t_.size() || t_[i].kind != TokenKind::kWord) return false;
    const std::string_view text = s_.substr(t_[i].begin, t_[i].end - t_[i].begin);
    if (text.size() != keyword.size()) return false;
    for (size_t k = 0; k < text.size(); ++k) {
      if (AsciiUpper(text[k]) != keyword[k]) return false;
    }
    return true;
  }

  // `OLD`.x: the first part of a dotted name.
  bool IsQualifier(size_t i) const {
    if (!IsPunct(i + 1, '.') || t_[i + 1].begin != t_[i].end) return false;
    return i == 0 || !(IsPunct(i - 1, '.') || IsPunct(i - 1, '@'));
  }

  bool IsUseOperand(size_t i) const { return i == 1 && IsKeyword(0, "USE"); }

  // CREATE [OR REPLACE] | DROP | ALTER  DATABASE | SCHEMA  [IF [NOT] EXISTS]  name
  bool IsDatabaseStatementName(size_t i) const {
    size_t k = i;  // walks back over the tokens before the name; k - 1 is the one looked at
    if (k >= 2 && IsKeyword(k - 1, "EXISTS")) {
      --k;
      if (k >= 2 && IsKeyword(k - 1, "NOT")) --k;
      if (k < 2 || !IsKeyword(k - 1, "IF")) return false;
      --k;
    }
    if (k < 2 || !(IsKeyword(k - 1, "DATABASE") || IsKeyword(k - 1, "SCHEMA"))) return false;
    --k;
    if (IsKeyword(k - 1, "CREATE") || IsKeyword(k - 1, "DROP") || IsKeyword(k - 1, "ALTER")) {
      return true;
    }
    return k >= 3 && IsKeyword(k - 1, "REPLACE") && IsKeyword(k - 2, "OR") &&
           IsKeyword(k - 3, "CREATE");
  }

  std::string_view s_;
  std::vector<Token> t_;
};

}  // namespace

std::string RenameDatabases(std::string_view statement,
                            const std::map<std::string, std::string>& renames, QuoteRules rules) {
  const References refs(statement, Tokenize(statement, rules));
  std::string out;
  out.reserve(statement.size());
  size_t copied = 0;
  for (size_t i = 0; i < refs.tokens().size(); ++i) {
    const Token& token = refs.tokens()[i];
    if (token.kind != TokenKind::kWord && token.kind != TokenKind::kQuotedIdentifier) continue;
    const auto rename = renames.find(refs.Name(i));
    if (rename == renames.end() || !refs.IsDatabaseReference(i)) continue;
    out.append(statement.substr(copied, token.begin - copied));
    AppendIdentifier(&out, rename->second);
    copied = token.end;
  }
  out.append(statement.substr(copied));
  return out;
}

bool RenameInsertTarget(std::string* statement, const std::map<std::string, std::string>& renames) {
  constexpr std::string_view kPrefix = "INSERT INTO ";
  const std::string_view s = *statement;
  if (!s.starts_with(kPrefix) || s.size() <= kPrefix.size() || s[kPrefix.size()] != '`') {
    return false;
  }
  const size_t db_begin = kPrefix.size();
  const size_t db_end = QuotedEnd(s, db_begin, false);
  if (db_end == std::string_view::npos || s.substr(db_end, 2) != ".`" ||
      QuotedEnd(s, db_end + 1, false) == std::string_view::npos) {
    return false;
  }
  const auto rename = renames.find(Unquote(s.substr(db_begin, db_end - db_begin)));
  if (rename != renames.end()) {
    statement->replace(db_begin, db_end - db_begin, QuoteIdentifier(rename->second));
  }
  return true;
}

}  // namespace myvault::sql
