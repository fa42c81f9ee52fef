// The header and footer of a mysqldump-format script: the identifying comments and the session
// settings saved, changed for the load, and restored, in mysqldump's order and version comments.
#include <algorithm>
#include <cctype>

#include "myvault/sql/text.h"
#include "script_parts.h"

namespace myvault::mysqldump::script {
namespace {

// The "for OS (ARCH)" of the first line, describing the machine myvault was built for.
std::string Platform() {
#if defined(__linux__)
  std::string os = "Linux";
#elif defined(__APPLE__)
  std::string os = "macOS";
#else
  std::string os = "unknown";
#endif
#if defined(__x86_64__)
  return os + " (x86_64)";
#elif defined(__aarch64__)
  return os + " (aarch64)";
#else
  return os;
#endif
}

// A character set name goes into the script as a bare word: anything else falls back to utf8mb4
// rather than letting an odd option value become SQL.
std::string CharsetWord(const std::string& name) {
  bool word = !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) != 0 || c == '_';
  });
  return word ? name : "utf8mb4";
}

// The header's "Database:" names what the command line named: the database of `db [tables]`,
// the first of --databases, nothing for --all-databases.
std::string HeaderDatabase(const MysqldumpOptions& o) {
  if (o.mode == MysqldumpOptions::Mode::kAll || o.databases.empty()) return "";
  return o.databases.front();
}

}  // namespace

std::string Name(const MysqldumpOptions& o, std::string_view name) {
  if (!o.quote_names && !sql::IdentifierNeedsQuotes(name)) return std::string(name);
  return QuotedName(o, name);
}

std::string QuotedName(const MysqldumpOptions& o, std::string_view name) {
  std::string out;
  sql::AppendIdentifierQuotedBy(&out, name, AnsiQuotes(o) ? '"' : '`');
  return out;
}

std::string ObjectName(const MysqldumpOptions& o, const dump::Definition& d,
                       std::string_view name) {
  const bool ansi_quotes = ("," + d.sql_mode + ",").find(",ANSI_QUOTES,") != std::string::npos;
  if (AnsiQuotes(o) && !ansi_quotes) return sql::QuoteIdentifier(name);
  return Name(o, name);
}

std::string CommentBlock(const MysqldumpOptions& o, std::string_view line, bool blank_after) {
  if (!o.comments) return "";
  return "\n--\n-- " + sql::EscapeLikeComment(line) + (blank_after ? "\n--\n\n" : "\n--\n");
}

std::string NamesVersion(const ScriptFacts& facts, std::string_view charset) {
  bool mysql = facts.server.flavor == mysql::Flavor::kMySQL;
  return mysql && charset == "utf8mb4" ? "/*!50503 " : "/*!40101 ";
}

// mariadb-dump's first line (trailing space included), with --compact too: MariaDB's client
// turns on its sandbox mode (no shell or file commands from the rest of the script), older ones
// and the server read a versioned comment. MySQL's client rejects it, so a MySQL source's dump
// goes without.
std::string SandboxLine(const ScriptFacts& f) {
  if (f.server.flavor != mysql::Flavor::kMariaDB) return "";
  return "/*M!999999\\- enable the sandbox mode */ \n";
}

std::string Header(const MysqldumpOptions& o, const ScriptFacts& f) {
  std::string s = SandboxLine(f);
  if (o.comments) {
    // The tool's own version honestly, in the shape scripts look for in the first line. 10.19 and
    // 10.13 are the dump-format numbers mariadb-dump and mysqldump print there.
    bool maria = f.server.flavor == mysql::Flavor::kMariaDB;
    s += std::string(maria ? "-- MariaDB dump 10.19" : "-- MySQL dump 10.13") +
         "  Distrib myvault " MYVAULT_VERSION ", for " + Platform() + "\n--\n";
    s += "-- Host: " + sql::EscapeLikeComment(f.host) +
         "    Database: " + sql::EscapeLikeComment(HeaderDatabase(o)) + "\n";
    s += "-- ------------------------------------------------------\n";
    s += "-- Server version\t" + sql::EscapeLikeComment(f.server.version) + "\n";
  }
  if (o.set_charset) {
    std::string cs = CharsetWord(o.default_character_set);
    s += "\n/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;\n"
         "/*!40101 SET @OLD_CHARACTER_SET_RESULTS=@@CHARACTER_SET_RESULTS */;\n"
         "/*!40101 SET @OLD_COLLATION_CONNECTION=@@COLLATION_CONNECTION */;\n" +
         NamesVersion(f, cs) + "SET NAMES " + cs + " */;\n";
  }
  if (o.tz_utc) {
    s += "/*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;\n"
         "/*!40103 SET TIME_ZONE='+00:00' */;\n";
  }
  // A --tab .sql file holds no rows: no checks to turn off, and mariadb-dump's SQL_MODE ''.
  if (!o.tab.empty()) {
    return s +
           "/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='' */;\n"
           "/*!40111 SET @OLD_SQL_NOTES=@@SQL_NOTES, SQL_NOTES=0 */;\n";
  }
  // Without CREATE TABLE there is no unique index to build, and mysqldump leaves the checks on.
  if (!o.no_create_info)
    s += "/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;\n";
  s += "/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;\n"
       "/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO" +
       (o.compatible.empty() ? "" : "," + o.compatible) +
       "' */;\n"
       "/*!40111 SET @OLD_SQL_NOTES=@@SQL_NOTES, SQL_NOTES=0 */;\n";
  return s;
}

std::string Footer(const MysqldumpOptions& o, const ScriptFacts& f) {
  std::string s;
  if (o.tz_utc) s += "/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;\n";
  s += "\n/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;\n";
  if (o.tab.empty()) {
    s += "/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;\n";
    if (!o.no_create_info) s += "/*!40014 SET UNIQUE_CHECKS=@OLD_UNIQUE_CHECKS */;\n";
  }
  if (o.set_charset) {
    s += "/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;\n"
         "/*!40101 SET CHARACTER_SET_RESULTS=@OLD_CHARACTER_SET_RESULTS */;\n"
         "/*!40101 SET COLLATION_CONNECTION=@OLD_COLLATION_CONNECTION */;\n";
  }
  s += "/*!40111 SET SQL_NOTES=@OLD_SQL_NOTES */;\n\n";
  if (o.comments) {
    s += "-- Dump completed";
    if (o.dump_date) s += " on " + sql::EscapeLikeComment(f.dump_date);
    s += "\n";
  }
  return s;
}

}  // namespace myvault::mysqldump::script
