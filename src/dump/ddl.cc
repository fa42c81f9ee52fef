#include "myvault/dump/ddl.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <optional>

#include "myvault/sql/text.h"

namespace myvault::dump {
namespace {

bool IsAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return c < 0x80; });
}

bool StartsWithNoCase(const std::string& s, size_t at, std::string_view word) {
  if (s.size() - std::min(at, s.size()) < word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(s[at + i])) != word[i]) return false;
  }
  return true;
}

// The end of one part of a DEFINER value starting at `j`: `a``b`, 'x' or a bare word.
size_t SkipDefinerPart(const std::string& s, size_t j) {
  // "user"@"host" under ANSI_QUOTES (an Oracle-mode package, say).
  if (j < s.size() && (s[j] == '`' || s[j] == '\'' || s[j] == '"')) {
    char q = s[j++];
    while (j < s.size()) {
      if (s[j] != q) {
        ++j;
      } else if (j + 1 < s.size() && s[j + 1] == q) {
        j += 2;
      } else {
        return j + 1;
      }
    }
    return j;
  }
  while (j < s.size() && s[j] != '@' && s[j] != ' ') ++j;
  return j;
}

// The end of the word starting at `j` (up to a space, a newline or the end).
size_t SkipWord(const std::string& s, size_t j) {
  while (j < s.size() && s[j] != ' ' && s[j] != '\n') ++j;
  return j;
}

size_t SkipSpaces(const std::string& s, size_t j) {
  while (j < s.size() && s[j] == ' ') ++j;
  return j;
}

std::string DropStatement(const Definition& d) {
  return "DROP " + ObjectKeyword(d) + " IF EXISTS " + sql::QuoteIdentifier(d.name) + ";\n";
}

bool IsWord(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) != 0 || c == '_';
  });
}

}  // namespace

std::string InvalidViewComment(const Definition& d, const std::string& create) {
  std::string out = "-- NOT CREATED: the server reported this view invalid when it was dumped: " +
                    sql::EscapeLikeComment(d.invalid) + "\n-- Its definition:\n";
  size_t from = 0;
  while (from <= create.size()) {
    size_t end = std::min(create.find('\n', from), create.size());
    out +=
        "--   " + sql::EscapeLikeComment(std::string_view(create).substr(from, end - from)) + "\n";
    from = end + 1;
  }
  return out;
}

std::string ObjectKeyword(const Definition& d) {
  std::string kind = d.kind;
  std::transform(kind.begin(), kind.end(), kind.begin(),
                 [](unsigned char c) { return std::toupper(c); });
  return kind;
}

bool CharsetKeepsAscii(std::string_view charset) {
  // Their multibyte characters can hold the bytes of ', \ or `; swe7 spells letters with them.
  for (std::string_view unsafe : {"big5", "cp932", "gbk", "gb18030", "sjis", "swe7"}) {
    if (charset == unsafe) return false;
  }
  return IsWord(charset);
}

std::string ClientCharsetFor(const Definition& d) {
  const std::string& cs = d.character_set_client;
  if (CharsetKeepsAscii(cs) || (IsWord(cs) && IsAscii(d.create_sql))) return cs;
  return "utf8mb4";
}

CollationSwitch DatabaseCollationSwitch(const Definition& d,
                                        const std::string& database_collation) {
  if (!IsWord(d.database_collation) || d.database_collation == database_collation) return {};
  return {"SET @saved_collation_database = @@collation_database;\nALTER DATABASE COLLATE " +
              d.database_collation + ";\n",
          "SET @saved_collation_sql = CONCAT('ALTER DATABASE COLLATE ', "
          "@saved_collation_database);\nPREPARE saved_collation_stmt FROM @saved_collation_sql;\n"
          "EXECUTE saved_collation_stmt;\nDEALLOCATE PREPARE saved_collation_stmt;\n"};
}

std::string ChooseDelimiter(const std::string& body) {
  for (std::string d : {";;", "$$", "//", "@@;;", "##"}) {
    if (body.find(d) == std::string::npos) return d;
  }
  std::string d = ";;";
  while (body.find(d) != std::string::npos) d += "#";
  return d;
}

std::string HeaderSql(const std::vector<std::pair<std::string, std::string>>& comments,
                      bool insert_history) {
  std::string out;
  for (const auto& [k, v] : comments) out += "-- " + k + ": " + sql::EscapeLikeComment(v) + "\n";
  out +=
      "/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;\n"
      "/*!40101 SET @OLD_CHARACTER_SET_RESULTS=@@CHARACTER_SET_RESULTS */;\n"
      "/*!40101 SET @OLD_COLLATION_CONNECTION=@@COLLATION_CONNECTION */;\n"
      "/*!40101 SET NAMES utf8mb4 */;\n"
      "/*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;\n"
      "/*!40103 SET TIME_ZONE='+00:00' */;\n"
      "/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;\n"
      "/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;\n"
      "/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='" +
      std::string(kLoadSqlMode) +
      "' */;\n"
      "/*!40111 SET @OLD_SQL_NOTES=@@SQL_NOTES, SQL_NOTES=0 */;\n";
  if (insert_history) out += std::string(kInsertHistoryOn) + "\n";
  return out;
}

std::string FooterSql(bool insert_history) {
  return std::string(insert_history ? std::string(kInsertHistoryOff) + "\n" : "") +
         "/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;\n"
         "/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;\n"
         "/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;\n"
         "/*!40014 SET UNIQUE_CHECKS=@OLD_UNIQUE_CHECKS */;\n"
         "/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;\n"
         "/*!40101 SET CHARACTER_SET_RESULTS=@OLD_CHARACTER_SET_RESULTS */;\n"
         "/*!40101 SET COLLATION_CONNECTION=@OLD_COLLATION_CONNECTION */;\n"
         "/*!40111 SET SQL_NOTES=@OLD_SQL_NOTES */;\n"
         "-- myvault dump completed\n";
}

std::string CreateDatabaseIfNotExists(const Database& db) {
  static constexpr std::string_view kPrefix = "CREATE DATABASE ";
  if (db.create_sql.empty())
    return "CREATE DATABASE /*!32312 IF NOT EXISTS*/ " + sql::QuoteIdentifier(db.name);
  std::string create = db.create_sql;
  if (create.rfind(kPrefix, 0) == 0) create.insert(kPrefix.size(), "/*!32312 IF NOT EXISTS*/ ");
  return create;
}

std::string DatabaseSql(const Database& db) {
  return "\n--\n-- Database " + sql::EscapeLikeComment(db.name) + "\n--\n" +
         CreateDatabaseIfNotExists(db) + ";\nUSE " + sql::QuoteIdentifier(db.name) + ";\n";
}

std::string TableSql(const Table& t) {
  std::string out = "\n--\n-- " + std::string(t.is_sequence ? "Sequence " : "Table ") +
                    sql::EscapeLikeComment(sql::QualifiedName(t.schema, t.name)) + "\n--\n";
  out += "USE " + sql::QuoteIdentifier(t.schema) + ";\n";
  out += "DROP " + std::string(t.is_sequence ? "SEQUENCE" : "TABLE") + " IF EXISTS " +
         sql::QuoteIdentifier(t.name) + ";\n";
  out += t.create_sql + ";\n";
  if (t.is_sequence && !t.sequence_next.empty()) {
    out += "DO SETVAL(" + sql::QuoteIdentifier(t.name) + ", " + t.sequence_next + ", 0);\n";
  }
  return out;
}

std::string DefinitionSql(const Definition& d, const DdlOptions& options,
                          const std::string& database_collation) {
  std::string create = options.skip_definer ? StripDefiner(d.create_sql) : d.create_sql;
  std::string out = "\n--\n-- " + d.kind + " " +
                    sql::EscapeLikeComment(sql::QualifiedName(d.schema, d.name)) + "\n--\n";
  // Only the USE runs: the rest of the archive restores, and a loader still learns the database.
  if (!d.invalid.empty()) {
    return out + InvalidViewComment(d, create) + "USE " + sql::QuoteIdentifier(d.schema) + ";\n";
  }
  out += "USE " + sql::QuoteIdentifier(d.schema) + ";\n";
  const CollationSwitch collation = DatabaseCollationSwitch(d, database_collation);
  out += collation.set;
  out += "SET @saved_sql_mode = @@sql_mode, sql_mode = " + sql::StringLiteral(d.sql_mode) + ";\n";
  // After the sql_mode: MariaDB parses DROP PACKAGE only under sql_mode=ORACLE.
  out += DropStatement(d);
  out += "SET character_set_client = " + ClientCharsetFor(d) + ";\n";
  if (IsWord(d.collation_connection)) {
    out += "SET collation_connection = " + d.collation_connection + ";\n";
  }
  if (!d.time_zone.empty())
    out += "SET @saved_time_zone = @@time_zone, time_zone = " + sql::StringLiteral(d.time_zone) +
           ";\n";
  if (d.kind == "view") {
    out += create + ";\n";
  } else {
    std::string delim = ChooseDelimiter(create);
    // The delimiter on a line of its own: a body may end in a -- comment.
    out += "DELIMITER " + delim + "\n" + create + "\n" + delim + "\nDELIMITER ;\n";
  }
  if (!d.time_zone.empty()) out += "SET time_zone = @saved_time_zone;\n";
  out += "SET sql_mode = @saved_sql_mode;\n/*!40101 SET NAMES utf8mb4 */;\n";
  return out + collation.restore;
}

std::string StripDefiner(const std::string& create) {
  std::optional<CreateHead> head = SplitCreateHead(create);
  if (!head || head->definer.empty()) return create;
  std::string out = head->create + " ";
  if (!head->security.empty()) out += head->security + " ";
  return out + head->rest;
}

std::optional<CreateHead> SplitCreateHead(const std::string& create) {
  if (!StartsWithNoCase(create, 0, "CREATE ")) return std::nullopt;
  CreateHead head;
  head.create = create.substr(0, 6);
  size_t i = SkipSpaces(create, 7);
  if (StartsWithNoCase(create, i, "ALGORITHM=")) {
    size_t end = SkipWord(create, i);
    head.create.push_back(' ');
    head.create.append(create, i, end - i);
    i = SkipSpaces(create, end);
  }
  if (StartsWithNoCase(create, i, "DEFINER=")) {
    size_t end = SkipDefinerPart(create, i + 8);
    if (end < create.size() && create[end] == '@') end = SkipDefinerPart(create, end + 1);
    head.definer = create.substr(i, end - i);
    i = SkipSpaces(create, end);
  }
  if (StartsWithNoCase(create, i, "SQL SECURITY ")) {
    size_t end = SkipWord(create, SkipSpaces(create, i + 13));
    head.security = create.substr(i, end - i);
    i = SkipSpaces(create, end);
  }
  head.rest = create.substr(i);
  return head;
}

namespace {

// Whether `view`'s text names `other`: qualified, or bare when both are in one database (the
// text comes from inside its database). A column alias spelled like a view only moves the order.
bool SelectsFrom(const Definition& view, const Definition& other, const std::string& qualified) {
  if (view.create_sql.find(qualified) != std::string::npos) return true;
  return view.schema == other.schema &&
         view.create_sql.find(sql::QuoteIdentifier(other.name)) != std::string::npos;
}

}  // namespace

void OrderViewsByDependency(std::vector<Definition>* views) {
  std::vector<Definition>& v = *views;
  std::vector<std::string> names;
  names.reserve(v.size());
  for (const auto& d : v) names.push_back(sql::QualifiedName(d.schema, d.name));
  std::vector<int> state(v.size(), 0);  // 0 new, 1 visiting, 2 done
  std::vector<Definition> ordered;
  std::function<void(size_t)> visit = [&](size_t i) {
    if (state[i] != 0) return;
    state[i] = 1;
    for (size_t j = 0; j < v.size(); ++j) {
      if (j != i && state[j] == 0 && SelectsFrom(v[i], v[j], names[j])) {
        visit(j);
      }
    }
    state[i] = 2;
    ordered.push_back(v[i]);
  };
  for (size_t i = 0; i < v.size(); ++i) visit(i);
  *views = std::move(ordered);
}

}  // namespace myvault::dump
