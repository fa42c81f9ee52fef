#include "myvault/sql/text.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>

#include "sql/literal.h"

namespace myvault::sql {

void AppendIdentifier(std::string* out, std::string_view name) {
  AppendIdentifierQuotedBy(out, name, '`');
}

void AppendIdentifierQuotedBy(std::string* out, std::string_view name, char quote) {
  out->reserve(out->size() + name.size() + 2);
  out->push_back(quote);
  for (size_t pos = 0;;) {
    const size_t found = name.find(quote, pos);
    if (found == std::string_view::npos) {
      out->append(name.substr(pos));
      break;
    }
    out->append(name.substr(pos, found + 1 - pos));
    out->push_back(quote);
    pos = found + 1;
  }
  out->push_back(quote);
}

std::string QuoteIdentifier(std::string_view name) {
  std::string out;
  AppendIdentifier(&out, name);
  return out;
}

bool IdentifierNeedsQuotes(std::string_view name) {
  return name.empty() || !std::all_of(name.begin(), name.end(), [](unsigned char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '$' || c >= 0x80;
         });
}

void AppendIdentifierIfNeeded(std::string* out, std::string_view name) {
  if (IdentifierNeedsQuotes(name)) {
    AppendIdentifier(out, name);
  } else {
    out->append(name);
  }
}

std::string QuoteIdentifierIfNeeded(std::string_view name) {
  std::string out;
  AppendIdentifierIfNeeded(&out, name);
  return out;
}

std::string QualifiedName(std::string_view db, std::string_view table) {
  std::string out;
  AppendIdentifier(&out, db);
  out.push_back('.');
  AppendIdentifier(&out, table);
  return out;
}

std::string StringLiteral(std::string_view bytes) {
  std::string out;
  AppendStringLiteral(&out, bytes);
  return out;
}

void AppendStringLiteral(std::string* out, std::string_view bytes) {
  internal::AppendBounded(
      out, internal::MaxStringLiteralSize(bytes.size()) + internal::kWriteSlack,
      [&](char* dst) { return internal::WriteStringLiteral(dst, bytes.data(), bytes.size()); });
}

void AppendHexLiteral(std::string* out, std::string_view bytes) {
  internal::AppendBounded(
      out, internal::MaxHexLiteralSize(bytes.size()) + internal::kWriteSlack,
      [&](char* dst) { return internal::WriteHexLiteral(dst, bytes.data(), bytes.size()); });
}

std::string EscapeLikeComment(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto b = static_cast<unsigned char>(c);
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (b < 0x20 || b == 0x7F) {
          char hex[5];
          std::snprintf(hex, sizeof(hex), "\\x%02X", b);
          out += hex;
        } else {
          out.push_back(c);
        }
    }
  }
  return out;
}

std::string UnescapeComment(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\' || i + 1 == text.size()) {
      out.push_back(text[i]);
      continue;
    }
    const char next = text[i + 1];
    if (next == '\\' || next == 'n' || next == 'r' || next == 't') {
      out.push_back(next == 'n' ? '\n' : next == 'r' ? '\r' : next == 't' ? '\t' : '\\');
      ++i;
    } else if (next == 'x' && i + 3 < text.size() &&
               std::isxdigit(static_cast<unsigned char>(text[i + 2])) &&
               std::isxdigit(static_cast<unsigned char>(text[i + 3]))) {
      out.push_back(static_cast<char>(std::stoi(std::string(text.substr(i + 2, 2)), nullptr, 16)));
      i += 3;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

}  // namespace myvault::sql
