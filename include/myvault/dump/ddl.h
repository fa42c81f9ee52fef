// DDL text of a dump: the SQL of the header, schema, post-data and footer members.
//
// Pure functions from catalog entries to SQL text; no server access. Each member's text is
// self-contained (it sets the database and session variables it needs), so a parallel loader
// can run any member on any connection, and `zcat FILE | mysql` runs them all in file order.
// Thread-safe (no state).
#pragma once

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
std::string TableSql(const Table& table);
// CREATE VIEW/TRIGGER/PROCEDURE/FUNCTION/EVENT with its sql_mode, character set and DELIMITER.
std::string DefinitionSql(const Definition& def, const DdlOptions& options);

// Removes "DEFINER=`user`@`host` " from a CREATE statement (the SQL SECURITY clause stays).
std::string StripDefiner(const std::string& create_sql);

// Orders views so that each comes after the views it selects from (found by their qualified
// names in the definition). Views in a cycle, which the server cannot create, keep their order.
void OrderViewsByDependency(std::vector<Definition>* views);

// The sql_mode of the load session: no strict mode (zero dates load), and AUTO_INCREMENT
// columns holding 0 keep their 0.
inline constexpr const char* kLoadSqlMode = "NO_AUTO_VALUE_ON_ZERO";

}  // namespace myvault::dump
