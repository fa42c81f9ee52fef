#include "restore/plan.h"

#include <fnmatch.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "myvault/sql/script.h"
#include "restore/journal.h"

namespace myvault::restore {
namespace {

bool StartsWithWord(std::string_view s, std::string_view word) {
  if (s.size() < word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(s[i])) != word[i]) return false;
  }
  return s.size() == word.size() || !std::isalnum(static_cast<unsigned char>(s[word.size()]));
}

std::string_view SkipSpace(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  return s;
}

// A backquoted identifier (`a``b` -> a`b) or a bare word at the start of `s`.
std::optional<std::string> Identifier(std::string_view s) {
  s = SkipSpace(s);
  if (s.empty()) return std::nullopt;
  std::string out;
  if (s.front() == '`') {
    for (size_t i = 1; i < s.size(); ++i) {
      if (s[i] != '`') {
        out += s[i];
      } else if (i + 1 < s.size() && s[i + 1] == '`') {
        out += '`';
        ++i;
      } else {
        return out;
      }
    }
    return std::nullopt;
  }
  size_t n = 0;
  while (n < s.size() && (std::isalnum(static_cast<unsigned char>(s[n])) || s[n] == '_' ||
                          s[n] == '$' || static_cast<unsigned char>(s[n]) >= 0x80)) {
    ++n;
  }
  if (n == 0) return std::nullopt;
  return std::string(s.substr(0, n));
}

// The statements of `sql` with leading comments skipped.
Result<std::vector<std::string_view>> Statements(std::string_view sql) {
  std::vector<std::string_view> statements;
  RETURN_IF_ERROR(sql::SplitStatements(sql, &statements));
  for (auto& s : statements) s = SkipLeadingComments(s);
  return statements;
}

// "--rename a=b: a is not in the archive"
Status RenameError(StatusCode code, const std::string& from, const std::string& to,
                   std::string_view what) {
  std::string m = "--rename ";
  m.append(from).append("=").append(to).append(": ").append(from).append(" is ").append(what);
  return {code, m};
}

struct Token {
  enum Kind { kWord, kQuoted, kString, kPunct } kind;
  std::string text;  // a word as written, a quoted identifier unquoted, a punctuation character
};

// The end of the quoted run opening at s[i] (a doubled quote stays inside; a backslash escapes
// in strings).
size_t QuotedEnd(std::string_view s, size_t i, std::string* text) {
  const char q = s[i];
  for (size_t j = i + 1; j < s.size(); ++j) {
    if (q != '`' && s[j] == '\\' && j + 1 < s.size()) {
      ++j;
    } else if (s[j] == q && j + 1 < s.size() && s[j + 1] == q) {
      *text += q;
      ++j;
    } else if (s[j] == q) {
      return j + 1;
    } else {
      *text += s[j];
    }
  }
  return s.size();
}

// The tokens of `sql` up to `limit` of them, without comments; the inside of a /*! ... */
// comment is code and is tokenized.
std::vector<Token> Tokenize(std::string_view s, size_t limit) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size() && out.size() < limit) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (std::isspace(c) || s.substr(i, 2) == "*/") {
      i += std::isspace(c) ? 1 : 2;
    } else if (s.substr(i, 3) == "/*!" || s.substr(i, 3) == "/*M") {
      i += 3;
      while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '!')) ++i;
    } else if (s.substr(i, 2) == "/*") {
      const size_t end = s.find("*/", i + 2);
      i = end == std::string_view::npos ? s.size() : end + 2;
    } else if (c == '#' ||
               (s.substr(i, 2) == "--" &&
                (i + 2 == s.size() || std::isspace(static_cast<unsigned char>(s[i + 2]))))) {
      const size_t nl = s.find('\n', i);
      i = nl == std::string_view::npos ? s.size() : nl + 1;
    } else if (c == '`' || c == '\'' || c == '"') {
      Token t{c == '`' ? Token::kQuoted : Token::kString, ""};
      i = QuotedEnd(s, i, &t.text);
      out.push_back(std::move(t));
    } else if (std::isalnum(c) || c == '_' || c == '$' || c >= 0x80) {
      size_t j = i;
      while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_' ||
                              s[j] == '$' || static_cast<unsigned char>(s[j]) >= 0x80)) {
        ++j;
      }
      out.push_back({Token::kWord, std::string(s.substr(i, j - i))});
      i = j;
    } else {
      out.push_back({Token::kPunct, std::string(1, s[i])});
      ++i;
    }
  }
  return out;
}

bool IsWord(const std::vector<Token>& t, size_t i, std::string_view word) {
  return i < t.size() && t[i].kind == Token::kWord && StartsWithWord(t[i].text, word) &&
         t[i].text.size() == word.size();
}

bool IsName(const std::vector<Token>& t, size_t i) {
  return i < t.size() && (t[i].kind == Token::kWord || t[i].kind == Token::kQuoted);
}

// Past a name (`a` or `a`.`b`) at t[i], or 0 when there is none; *last is its last part.
size_t SkipName(const std::vector<Token>& t, size_t i, std::string* last) {
  if (!IsName(t, i)) return 0;
  *last = t[i].text;
  if (i + 2 < t.size() && t[i + 1].kind == Token::kPunct && t[i + 1].text == "." &&
      IsName(t, i + 2)) {
    *last = t[i + 2].text;
    return i + 3;
  }
  return i + 1;
}

}  // namespace

std::optional<std::string> TriggerTable(std::string_view sql) {
  // A trigger's head comes before its body; 4096 tokens reach past any member's preamble.
  const std::vector<Token> t = Tokenize(sql, 4096);
  for (size_t i = 0; i < t.size(); ++i) {
    if (!IsWord(t, i, "TRIGGER")) continue;
    size_t j = i + 1;
    if (IsWord(t, j, "IF") && IsWord(t, j + 1, "NOT") && IsWord(t, j + 2, "EXISTS")) j += 3;
    std::string name, table;
    j = SkipName(t, j, &name);
    if (j == 0 || !(IsWord(t, j, "BEFORE") || IsWord(t, j, "AFTER"))) continue;
    if (!(IsWord(t, j + 1, "INSERT") || IsWord(t, j + 1, "UPDATE") || IsWord(t, j + 1, "DELETE"))) {
      continue;
    }
    if (!IsWord(t, j + 2, "ON") || SkipName(t, j + 3, &table) == 0) continue;
    return table;
  }
  return std::nullopt;
}

std::string_view SkipLeadingComments(std::string_view s) {
  while (true) {
    s = SkipSpace(s);
    if (s.substr(0, 2) == "--" &&
        (s.size() == 2 || std::isspace(static_cast<unsigned char>(s[2])) ||
         std::iscntrl(static_cast<unsigned char>(s[2])))) {
      size_t nl = s.find('\n');
      s = nl == std::string_view::npos ? std::string_view() : s.substr(nl + 1);
    } else if (!s.empty() && s.front() == '#') {
      size_t nl = s.find('\n');
      s = nl == std::string_view::npos ? std::string_view() : s.substr(nl + 1);
    } else if (s.substr(0, 2) == "/*" && s.substr(0, 3) != "/*!" && s.substr(0, 3) != "/*M") {
      size_t end = s.find("*/", 2);
      s = end == std::string_view::npos ? std::string_view() : s.substr(end + 2);
    } else {
      return s;
    }
  }
}

std::optional<std::string> UseOperand(std::string_view statement) {
  statement = SkipLeadingComments(statement);
  if (!StartsWithWord(statement, "USE")) return std::nullopt;
  return Identifier(statement.substr(3));
}

Result<archive::ObjectEntry> DescribeSchemaSql(uint32_t id, std::string_view sql) {
  ASSIGN_OR_RETURN(auto statements, Statements(sql));
  archive::ObjectEntry object{id, "", "", "", 0};
  bool database = false;
  for (std::string_view s : statements) {
    if (auto db = UseOperand(s)) object.schema = *db;
    if (StartsWithWord(s, "CREATE")) {
      std::string_view rest = SkipSpace(s.substr(6));
      if (StartsWithWord(rest, "DATABASE") || StartsWithWord(rest, "SCHEMA")) database = true;
    }
    for (const char* kind : {"TABLE", "SEQUENCE"}) {
      if (!StartsWithWord(s, "DROP")) continue;
      std::string_view rest = SkipSpace(s.substr(4));
      if (!StartsWithWord(rest, kind)) continue;
      rest = SkipSpace(rest.substr(std::string_view(kind).size()));
      if (StartsWithWord(rest, "IF")) rest = SkipSpace(SkipSpace(rest.substr(2)).substr(6));
      if (auto name = Identifier(rest)) {
        object.name = *name;
        object.kind = std::string_view(kind) == "TABLE" ? "table" : "sequence";
      }
    }
  }
  if (database && !object.schema.empty()) {
    object.kind = "database";
    object.name.clear();
    return object;
  }
  if (object.schema.empty() || object.name.empty()) {
    return Corrupt("schema member of object " + std::to_string(id) +
                   " is neither a database nor a table");
  }
  return object;
}

Result<std::string> PostMemberDatabase(std::string_view sql) {
  ASSIGN_OR_RETURN(auto statements, Statements(sql));
  for (std::string_view s : statements) {
    if (auto db = UseOperand(s)) return *db;
  }
  return Corrupt("a post-data member has no USE statement");
}

Status Plan::Check(const std::vector<std::string>& archive_databases) const {
  auto in_archive = [&](const std::string& d) {
    return std::find(archive_databases.begin(), archive_databases.end(), d) !=
           archive_databases.end();
  };
  for (const auto& d : selected_) {
    if (!in_archive(d)) return NotFound("database " + d + " is not in the archive");
  }
  std::set<std::string> targets;
  for (const auto& [from, to] : rename_) {
    if (!in_archive(from))
      return RenameError(StatusCode::kNotFound, from, to, "not in the archive");
    if (!Selected(from)) {
      return RenameError(StatusCode::kInvalidArgument, from, to, "not among --databases");
    }
  }
  for (const auto& d : archive_databases) {
    if (!Selected(d)) continue;
    std::string t = Target(d);
    if (t.empty()) return InvalidArgument("--rename " + d + "=: the new name is empty");
    std::string lower = t;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "mysql" || lower == "information_schema" || lower == "performance_schema" ||
        lower == "sys" || lower == kJournalDatabase) {
      return InvalidArgument("refusing to restore into the system database " + t);
    }
    if (!targets.insert(t).second) {
      return InvalidArgument("two databases of the archive would both be restored as " + t);
    }
  }
  return Status::Ok();
}

Status Plan::SelectTables() {
  if (patterns_.empty()) return Status::Ok();
  tables_.clear();
  for (const std::string& pattern : patterns_) {
    bool matched = false;
    for (const auto& [id, o] : objects_) {
      if (o.kind != "table" && o.kind != "sequence") continue;
      const std::string dotted = o.schema + "." + o.name;
      if (dotted == pattern || ::fnmatch(pattern.c_str(), dotted.c_str(), 0) == 0) {
        tables_.insert({o.schema, o.name});
        matched = true;
      }
    }
    if (!matched) return NotFound("--tables " + pattern + ": no such table in the archive");
  }
  return Status::Ok();
}

bool Plan::TableSelected(const std::string& schema, const std::string& name) const {
  return patterns_.empty() ? Selected(schema) : tables_.count({schema, name}) > 0;
}

bool Plan::Selected(const std::string& schema) const {
  if (!patterns_.empty()) {
    auto it = tables_.lower_bound({schema, ""});
    return it != tables_.end() && it->first == schema;
  }
  return selected_.empty() ||
         std::find(selected_.begin(), selected_.end(), schema) != selected_.end();
}

std::string Plan::Target(const std::string& schema) const {
  auto it = rename_.find(schema);
  return it == rename_.end() ? schema : it->second;
}

const archive::ObjectEntry* Plan::Object(uint32_t id) const {
  auto it = objects_.find(id);
  return it == objects_.end() ? nullptr : &it->second;
}

std::vector<std::pair<std::string, std::string>> Plan::Databases(
    const std::vector<std::string>& archive_databases) const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& d : archive_databases) {
    if (Selected(d)) out.emplace_back(d, Target(d));
  }
  return out;
}

}  // namespace myvault::restore
