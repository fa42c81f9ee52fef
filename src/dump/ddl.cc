#include "myvault/dump/ddl.h"

#include <algorithm>
#include <functional>
#include <map>

#include "myvault/sql/text.h"

namespace myvault::dump {
namespace {

bool IsAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return c < 0x80; });
}

// The definition text reaches us as utf8mb4. It can be sent under its original
// character_set_client only when that cannot change its bytes' meaning.
std::string ClientCharsetFor(const Definition& d) {
  const std::string& cs = d.character_set_client;
  if (cs.empty()) return "utf8mb4";
  if (cs.rfind("utf8", 0) == 0 || IsAscii(d.create_sql)) return cs;
  return "utf8mb4";
}

// A DELIMITER that does not occur in the body, so the mysql client cannot split it.
std::string ChooseDelimiter(const std::string& body) {
  for (std::string d : {";;", "$$", "//", "@@;;", "##"}) {
    if (body.find(d) == std::string::npos) return d;
  }
  std::string d = ";;";
  while (body.find(d) != std::string::npos) d += "#";
  return d;
}

std::string DropStatement(const Definition& d) {
  std::string kind = d.kind == "view"        ? "VIEW"
                     : d.kind == "trigger"   ? "TRIGGER"
                     : d.kind == "event"     ? "EVENT"
                     : d.kind == "procedure" ? "PROCEDURE"
                                             : "FUNCTION";
  return "DROP " + kind + " IF EXISTS " + sql::QuoteIdentifier(d.name) + ";\n";
}

}  // namespace

std::string HeaderSql(const std::vector<std::pair<std::string, std::string>>& comments) {
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
  return out;
}

std::string FooterSql() {
  return "/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;\n"
         "/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;\n"
         "/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;\n"
         "/*!40014 SET UNIQUE_CHECKS=@OLD_UNIQUE_CHECKS */;\n"
         "/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;\n"
         "/*!40101 SET CHARACTER_SET_RESULTS=@OLD_CHARACTER_SET_RESULTS */;\n"
         "/*!40101 SET COLLATION_CONNECTION=@OLD_COLLATION_CONNECTION */;\n"
         "/*!40111 SET SQL_NOTES=@OLD_SQL_NOTES */;\n"
         "-- myvault dump completed\n";
}

std::string DatabaseSql(const Database& db) {
  std::string create = db.create_sql;
  const std::string kPrefix = "CREATE DATABASE ";
  if (create.rfind(kPrefix, 0) == 0) create.insert(kPrefix.size(), "/*!32312 IF NOT EXISTS*/ ");
  return "\n--\n-- Database " + sql::EscapeLikeComment(db.name) + "\n--\n" + create + ";\nUSE " +
         sql::QuoteIdentifier(db.name) + ";\n";
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

std::string DefinitionSql(const Definition& d, const DdlOptions& options) {
  std::string create = options.skip_definer ? StripDefiner(d.create_sql) : d.create_sql;
  std::string out = "\n--\n-- " + d.kind + " " +
                    sql::EscapeLikeComment(sql::QualifiedName(d.schema, d.name)) + "\n--\n";
  out += "USE " + sql::QuoteIdentifier(d.schema) + ";\n";
  out += DropStatement(d);
  out += "SET @saved_sql_mode = @@sql_mode, sql_mode = " + sql::StringLiteral(d.sql_mode) + ";\n";
  out += "SET character_set_client = " + ClientCharsetFor(d) + ";\n";
  if (!d.collation_connection.empty()) {
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
  return out;
}

std::string StripDefiner(const std::string& create) {
  size_t pos = create.find("DEFINER=");
  // Only the clause before the object keyword: a body may say DEFINER= in a string.
  size_t body = create.find(" AS ");
  if (pos == std::string::npos || (body != std::string::npos && pos > body)) return create;
  size_t i = pos + 8;
  auto skip_part = [&](size_t j) {  // `a``b` or 'x' or bare word
    if (j < create.size() && (create[j] == '`' || create[j] == '\'')) {
      char q = create[j++];
      while (j < create.size()) {
        if (create[j] == q) {
          if (j + 1 < create.size() && create[j + 1] == q) {
            j += 2;
            continue;
          }
          return j + 1;
        }
        ++j;
      }
      return j;
    }
    while (j < create.size() && create[j] != '@' && create[j] != ' ') ++j;
    return j;
  };
  i = skip_part(i);
  if (i < create.size() && create[i] == '@') i = skip_part(i + 1);
  while (i < create.size() && create[i] == ' ') ++i;
  return create.substr(0, pos) + create.substr(i);
}

void OrderViewsByDependency(std::vector<Definition>* views) {
  std::vector<Definition>& v = *views;
  std::vector<std::string> names;
  for (const auto& d : v) names.push_back(sql::QualifiedName(d.schema, d.name));
  std::vector<int> state(v.size(), 0);  // 0 new, 1 visiting, 2 done
  std::vector<Definition> ordered;
  std::function<void(size_t)> visit = [&](size_t i) {
    if (state[i] != 0) return;
    state[i] = 1;
    for (size_t j = 0; j < v.size(); ++j) {
      if (j != i && state[j] == 0 && v[i].create_sql.find(names[j]) != std::string::npos) {
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
