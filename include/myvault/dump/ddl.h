// DDL text of a dump: the SQL of the header, schema, post-data and footer members.
//
// Pure functions from catalog entries to SQL text; no server access. Each member's text is
// self-contained (it sets the database and session variables it needs), so a parallel loader
// can run any member on any connection, and `zcat FILE | mysql` runs them all in file order.
// Thread-safe (no state).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "myvault/dump/catalog.h"

namespace myvault::dump {

struct DdlOptions {
  bool skip_definer = false;
};

// Session settings for the whole stream, preceded by `comments` as "-- key: value" lines.
std::string HeaderSql(const std::vector<std::pair<std::string, std::string>>& comments);
// Restores what HeaderSql changed.
std::string FooterSql();

std::string DatabaseSql(const Database& db);
// The database's CREATE text with /*!32312 IF NOT EXISTS*/, as mysqldump writes it (no ";").
std::string CreateDatabaseIfNotExists(const Database& db);
std::string TableSql(const Table& table);
// CREATE VIEW/TRIGGER/PROCEDURE/FUNCTION/EVENT with its sql_mode, character set and DELIMITER.
std::string DefinitionSql(const Definition& def, const DdlOptions& options);

// Removes "DEFINER=`user`@`host` " from a CREATE statement (the SQL SECURITY clause stays).
std::string StripDefiner(const std::string& create_sql);

// The head of a SHOW CREATE text: "CREATE [ALGORITHM=x] [DEFINER=u@h] [SQL SECURITY y] REST".
// Only these leading clauses are recognised, so nothing inside the body is ever taken for one.
struct CreateHead {
  std::string create;    // "CREATE" or "CREATE ALGORITHM=UNDEFINED"
  std::string definer;   // "DEFINER=`u`@`h`", or "" when absent
  std::string security;  // "SQL SECURITY DEFINER", or "" when absent (routines keep theirs in REST)
  std::string rest;      // from the object keyword on: "VIEW `v` AS select ...", "TRIGGER ..."
};
// nullopt when the text does not start with "CREATE ".
std::optional<CreateHead> SplitCreateHead(const std::string& create_sql);

// The character set to send a definition's text under. The text reaches us as utf8mb4; it keeps
// its original character_set_client only when that cannot change its bytes' meaning (a utf8
// charset, or pure ASCII text), else utf8mb4.
std::string ClientCharsetFor(const Definition& def);

// A DELIMITER that does not occur in `body`, so the mysql client cannot split it: ";;" unless
// the body holds it.
std::string ChooseDelimiter(const std::string& body);

// Orders views so that each comes after the views it selects from (found by their qualified
// names in the definition). Views in a cycle, which the server cannot create, keep their order.
void OrderViewsByDependency(std::vector<Definition>* views);

// The sql_mode of the load session: no strict mode (zero dates load), and AUTO_INCREMENT
// columns holding 0 keep their 0.
inline constexpr const char* kLoadSqlMode = "NO_AUTO_VALUE_ON_ZERO";

}  // namespace myvault::dump
