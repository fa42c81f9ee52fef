#include "restore/plain_scan.h"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace myvault::restore {
namespace {

bool StartsWithNoCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char c = text[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c != prefix[i]) return false;
  }
  return true;
}

}  // namespace

std::string ScriptDatabases::FirstQuotedName(std::string_view text) {
  size_t i = text.find('`');
  if (i == std::string_view::npos) return "";
  std::string out;
  for (++i; i < text.size(); ++i) {
    if (text[i] != '`') {
      out += text[i];
    } else if (i + 1 < text.size() && text[i + 1] == '`') {
      out += '`';
      ++i;
    } else {
      return out;
    }
  }
  return "";  // not closed within the line start: not a name we can read
}

namespace {

// The database name after `rest` ("IF [NOT] EXISTS" and /*...*/ comments skipped): `quoted`, or
// a bare word (a script written by hand); "" when none.
std::string NameAfter(std::string_view rest) {
  while (true) {
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
    if (rest.starts_with("/*")) {
      const size_t close = rest.find("*/");
      if (close == std::string_view::npos) return "";
      rest.remove_prefix(close + 2);
    } else if (StartsWithNoCase(rest, "IF NOT EXISTS ")) {
      rest.remove_prefix(14);
    } else if (StartsWithNoCase(rest, "IF EXISTS ")) {
      rest.remove_prefix(10);
    } else {
      break;
    }
  }
  if (rest.starts_with('`')) return ScriptDatabases::FirstQuotedName(rest);
  size_t n = 0;
  while (n < rest.size() && (std::isalnum(static_cast<unsigned char>(rest[n])) != 0 ||
                             rest[n] == '_' || rest[n] == '$')) {
    ++n;
  }
  return std::string(rest.substr(0, n));
}

}  // namespace

void ScriptDatabases::Line(std::string_view line) {
  const bool create = StartsWithNoCase(line, "CREATE DATABASE ");
  const bool use = StartsWithNoCase(line, "USE ");
  const bool drop = StartsWithNoCase(line, "DROP DATABASE ");
  if (!create && !use && !drop) return;
  const std::string name = NameAfter(line.substr(create ? 16 : use ? 4 : 14));
  if (name.empty()) return;
  if (drop) dropped_.insert(name);
  if (std::find(names_.begin(), names_.end(), name) == names_.end()) names_.push_back(name);
}

void ScriptDatabases::Feed(std::string_view bytes) {
  while (!bytes.empty()) {
    const void* found = std::memchr(bytes.data(), '\n', bytes.size());
    const size_t newline =
        found == nullptr ? bytes.size() : static_cast<const char*>(found) - bytes.data();
    if (collecting_) {
      line_.append(bytes.substr(0, std::min(newline, kLineStart - line_.size())));
      if (line_.size() >= kLineStart) collecting_ = false;
    }
    if (found == nullptr) return;  // the line goes on in the next bytes
    Line(line_);
    line_.clear();
    collecting_ = true;
    bytes.remove_prefix(newline + 1);
  }
}

}  // namespace myvault::restore
