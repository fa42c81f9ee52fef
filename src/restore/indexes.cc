#include "restore/indexes.h"

#include <vector>

namespace myvault::restore {
namespace {

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// The quoted name right after `prefix` ("  KEY `a``b` (...)" -> "`a``b`"), or "".
std::string_view QuotedNameAfter(std::string_view line, std::string_view prefix) {
  std::string_view rest = line.substr(prefix.size());
  if (rest.empty() || rest.front() != '`') return {};
  for (size_t i = 1; i < rest.size(); ++i) {
    if (rest[i] != '`') continue;
    if (i + 1 < rest.size() && rest[i + 1] == '`') {
      ++i;
      continue;
    }
    return rest.substr(0, i + 1);
  }
  return {};
}

}  // namespace

std::vector<DeferredKey> DeferrableKeys(std::string_view create_table) {
  std::vector<std::string_view> lines = Lines(create_table);
  if (lines.empty() || !StartsWith(lines[0], "CREATE TABLE ")) return {};
  bool innodb = false;
  std::vector<DeferredKey> keys;
  for (std::string_view line : lines) {
    if (StartsWith(line, ") ") && line.find("ENGINE=InnoDB") != std::string_view::npos) {
      innodb = true;
    }
    if (!StartsWith(line, "  ")) continue;
    std::string_view body = line.substr(2);
    if (StartsWith(body, "FULLTEXT ") || StartsWith(body, "SPATIAL ") ||
        body.find("FOREIGN KEY") != std::string_view::npos) {
      return {};
    }
    if (!StartsWith(body, "KEY ")) continue;
    std::string_view name = QuotedNameAfter(body, "KEY ");
    if (name.empty()) return {};
    if (body.back() == ',') body.remove_suffix(1);
    keys.push_back({std::string(name), "ADD " + std::string(body)});
  }
  if (!innodb) return {};
  return keys;
}

std::string DropClause(const std::vector<DeferredKey>& keys) {
  std::string out;
  for (const auto& k : keys) out += (out.empty() ? "DROP INDEX " : ", DROP INDEX ") + k.name;
  return out;
}

std::string AddClause(const std::vector<DeferredKey>& keys) {
  std::string out;
  for (const auto& k : keys) out += (out.empty() ? "" : ", ") + k.clause;
  return out;
}

std::string EncodeKeys(const std::vector<DeferredKey>& keys) {
  std::string out;
  for (const auto& k : keys) out += k.clause + "\n";
  return out;
}

std::vector<DeferredKey> DecodeKeys(std::string_view text) {
  std::vector<DeferredKey> keys;
  for (std::string_view line : Lines(text)) {
    if (!StartsWith(line, "ADD KEY ")) continue;
    std::string_view name = QuotedNameAfter(line, "ADD KEY ");
    if (!name.empty()) keys.push_back({std::string(name), std::string(line)});
  }
  return keys;
}

}  // namespace myvault::restore
