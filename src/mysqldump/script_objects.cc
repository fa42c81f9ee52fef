// Triggers, events, routines and views in a mysqldump-format script.
//
// Each object is created under the sql_mode and character set it was defined with, saved and
// restored around it in mysqldump's /*!50003 SET ... */ lines. Triggers, events and views keep
// mysqldump's versioned-comment form (/*!50003 CREATE*/ /*!50017 DEFINER=...*/ /*!50003 TRIGGER
// ...*/), which scripts that rewrite or strip DEFINER clauses expect. Deviation: when the text
// holds "*/", which would end that comment early, the object is written as a plain statement.
// Every DELIMITER block uses a delimiter absent from the body (";;" unless the body holds it).
#include <algorithm>
#include <cctype>
#include <optional>

#include "myvault/dump/ddl.h"
#include "myvault/sql/text.h"
#include "script_parts.h"

namespace myvault::mysqldump::script {
namespace {

// Character set and collation names go in bare; anything unexpected is left out.
bool IsWord(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) != 0 || c == '_';
  });
}

// "/*!50003 SET character_set_client  = utf8mb3 */ ;\n": the variable padded to `width` as
// mysqldump pads it, `end` after the comment.
std::string SetLine(std::string_view version, size_t width, std::string_view var,
                    std::string_view value, std::string_view end) {
  std::string pad(width > var.size() ? width - var.size() : 0, ' ');
  return "/*!" + std::string(version) + " SET " + std::string(var) + pad + " = " +
         std::string(value) + " */" + std::string(end) + "\n";
}

// Saves and sets (or restores) the client character set and collation of a definition.
std::string CharsetSave(const dump::Definition& d, std::string_view v, size_t w,
                        std::string_view end) {
  std::string cs = dump::ClientCharsetFor(d);
  std::string s = SetLine(v, w, "@saved_cs_client", "@@character_set_client", end) +
                  SetLine(v, w, "@saved_cs_results", "@@character_set_results", end) +
                  SetLine(v, w, "@saved_col_connection", "@@collation_connection", end);
  if (!IsWord(cs)) return s;
  s += SetLine(v, w, "character_set_client", cs, end) +
       SetLine(v, w, "character_set_results", cs, end);
  if (IsWord(d.collation_connection)) {
    s += SetLine(v, w, "collation_connection", d.collation_connection, end);
  }
  return s;
}

std::string CharsetRestore(std::string_view v, size_t w, std::string_view end) {
  return SetLine(v, w, "character_set_client", "@saved_cs_client", end) +
         SetLine(v, w, "character_set_results", "@saved_cs_results", end) +
         SetLine(v, w, "collation_connection", "@saved_col_connection", end);
}

std::string SqlModeSave(const dump::Definition& d, std::string_view end) {
  return SetLine("50003", 21, "@saved_sql_mode", "@@sql_mode", end) +
         SetLine("50003", 21, "sql_mode", sql::StringLiteral(d.sql_mode), end);
}

std::string SqlModeRestore(std::string_view end) {
  return SetLine("50003", 21, "sql_mode", "@saved_sql_mode", end);
}

std::string Created(const dump::Definition& d, const MysqldumpOptions& o) {
  return o.skip_definer ? dump::StripDefiner(d.create_sql) : d.create_sql;
}

// A trigger or event as mysqldump writes it: "/*!V CREATE*/ /*!VD DEFINER=...*/ /*!V REST \n*/"
// (the newline ends a body that ends in a -- comment). nullopt when that form cannot hold it.
std::optional<std::string> Versioned(const dump::Definition& d, const MysqldumpOptions& o,
                                     std::string_view v, std::string_view vd) {
  std::optional<dump::CreateHead> head = dump::SplitCreateHead(d.create_sql);
  if (!head || d.create_sql.find("*/") != std::string::npos) return std::nullopt;
  std::string s = "/*!" + std::string(v) + " " + head->create + "*/ ";
  if (!head->definer.empty() && !o.skip_definer) {
    s += "/*!" + std::string(vd) + " " + head->definer + "*/ ";
  }
  return s + "/*!" + std::string(v) + " " + head->rest + " \n*/";
}
}  // namespace

std::string TriggerSql(const dump::Definition& d, const MysqldumpOptions& o,
                       const std::string& database_collation) {
  const dump::CollationSwitch collation = dump::DatabaseCollationSwitch(d, database_collation);
  std::string s = collation.set + CharsetSave(d, "50003", 21, " ;") + SqlModeSave(d, " ;");
  if (o.add_drop_trigger) {
    s += "/*!50032 DROP TRIGGER IF EXISTS " + ObjectName(o, d, d.name) + " */;\n";
  }
  std::string body = Versioned(d, o, "50003", "50017").value_or(Created(d, o) + "\n");
  std::string delim = dump::ChooseDelimiter(body);
  s += "DELIMITER " + delim + "\n" + body + delim + "\nDELIMITER ;\n";
  return s + SqlModeRestore(" ;") + CharsetRestore("50003", 21, " ;") + collation.restore;
}

std::string EventSql(const dump::Definition& d, const MysqldumpOptions& o,
                     const std::string& database_collation) {
  std::string s;
  if (o.add_drop_table) {
    s += "/*!50106 DROP EVENT IF EXISTS " + Name(o, d.name) + " */;\n";
  }
  // Outside the DELIMITER block: these statements end in ';'.
  const dump::CollationSwitch collation = dump::DatabaseCollationSwitch(d, database_collation);
  s += collation.set;
  std::optional<std::string> versioned = Versioned(d, o, "50106", "50117");
  std::string body = versioned ? *versioned + " " : Created(d, o) + "\n";
  std::string delim = dump::ChooseDelimiter(body);
  std::string end = " " + delim;  // the session lines run inside the DELIMITER block
  s += "DELIMITER " + delim + "\n" + CharsetSave(d, "50003", 21, end) + SqlModeSave(d, end);
  bool tz = !d.time_zone.empty();
  if (tz) {
    s += SetLine("50003", 21, "@saved_time_zone", "@@time_zone", end) +
         SetLine("50003", 21, "time_zone", sql::StringLiteral(d.time_zone), end);
  }
  s += body + delim + "\n";
  if (tz) s += SetLine("50003", 21, "time_zone", "@saved_time_zone", end);
  return s + SqlModeRestore(end) + CharsetRestore("50003", 21, end) + "DELIMITER ;\n" +
         collation.restore;
}

std::string RoutineSql(const dump::Definition& d, const MysqldumpOptions& o,
                       const std::string& database_collation) {
  std::string s = SqlModeSave(d, " ;");
  if (o.add_drop_table) {
    s += "/*!50003 DROP " + dump::ObjectKeyword(d) + " IF EXISTS " + ObjectName(o, d, d.name) +
         " */;\n";
  }
  const dump::CollationSwitch collation = dump::DatabaseCollationSwitch(d, database_collation);
  s += collation.set + CharsetSave(d, "50003", 21, " ;");
  std::string body = Created(d, o) + "\n";
  std::string delim = dump::ChooseDelimiter(body);
  s += "DELIMITER " + delim + "\n" + body + delim + "\nDELIMITER ;\n";
  return s + SqlModeRestore(" ;") + CharsetRestore("50003", 21, " ;") + collation.restore;
}

std::string ViewSql(const dump::Definition& d, const MysqldumpOptions& o) {
  std::string name = QuotedName(o, d.name);
  if (!d.invalid.empty()) {
    return "\n-- failed on view " + sql::EscapeLikeComment(name) + "\n" +
           dump::InvalidViewComment(d, Created(d, o)) + "\n";
  }
  std::string s = CommentBlock(o, "Final view structure for view " + name, true);
  // No placeholder table is written for views (they come after every table, dependencies
  // first), so the DROP TABLE of mysqldump's placeholder section is written here.
  if (o.add_drop_table) s += "DROP TABLE IF EXISTS " + Name(o, d.name) + ";\n";
  s += "/*!50001 DROP VIEW IF EXISTS " + Name(o, d.name) + "*/;\n";
  s += CharsetSave(d, "50001", 25, ";");
  std::optional<dump::CreateHead> head = dump::SplitCreateHead(d.create_sql);
  if (!head || d.create_sql.find("*/") != std::string::npos) {
    s += Created(d, o) + ";\n";
  } else if (head->create == "CREATE" && head->definer.empty() && head->security.empty()) {
    // Read under --compatible=ansi and the like: no ALGORITHM, DEFINER or SQL SECURITY to set
    // apart, and mariadb-dump writes the text in one comment.
    s += "/*!50001 " + d.create_sql + " */;\n";
  } else {
    s += "/*!50001 " + head->create + " */\n";
    std::string definer = o.skip_definer ? "" : head->definer;
    std::string middle = definer.empty() || head->security.empty() ? definer + head->security
                                                                   : definer + " " + head->security;
    if (!middle.empty()) s += "/*!50013 " + middle + " */\n";
    s += "/*!50001 " + head->rest + " */;\n";
  }
  return s + CharsetRestore("50001", 25, ";");
}

}  // namespace myvault::mysqldump::script
