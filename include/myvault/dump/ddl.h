// DDL text of a dump: the SQL of the header, schema, post-data and footer members.
//
// Pure functions from catalog entries to SQL text; no server access. Each member's text is
// self-contained (it sets the database and session variables it needs), so a parallel loader
// can run any member on any connection, and `zcat FILE | mysql` runs them all in file order.
// Thread-safe (no state).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "myvault/dump/catalog.h"

namespace myvault::dump {

struct DdlOptions {
  bool skip_definer = false;
};

// Session settings for the whole stream, preceded by `comments` as "-- key: value" lines. With
// `insert_history` (the archive holds the history of system-versioned tables) also
// kInsertHistoryOn, which lets its INSERTs give ROW START/ROW END values.
std::string HeaderSql(const std::vector<std::pair<std::string, std::string>>& comments,
                      bool insert_history = false);
// Restores what HeaderSql changed.
std::string FooterSql(bool insert_history = false);

// MariaDB 10.11+ (other servers skip the /*M!101100 */ comment): INSERT and LOAD DATA may then
// set the ROW START and ROW END of system-versioned tables, so history rows load as they were.
inline constexpr const char* kInsertHistoryOn =
    "/*M!101100 SET @OLD_SYSTEM_VERSIONING_INSERT_HISTORY=@@SYSTEM_VERSIONING_INSERT_HISTORY, "
    "SYSTEM_VERSIONING_INSERT_HISTORY=1 */;";
inline constexpr const char* kInsertHistoryOff =
    "/*M!101100 SET SYSTEM_VERSIONING_INSERT_HISTORY=@OLD_SYSTEM_VERSIONING_INSERT_HISTORY */;";

std::string DatabaseSql(const Database& db);
// The database's CREATE text with /*!32312 IF NOT EXISTS*/, as mysqldump writes it (no ";").
std::string CreateDatabaseIfNotExists(const Database& db);
std::string TableSql(const Table& table);
// CREATE VIEW/TRIGGER/PROCEDURE/FUNCTION/PACKAGE [BODY]/EVENT with its sql_mode, character set,
// database collation (DatabaseCollationSwitch; `database_collation` is the collation of its
// database in the dump) and DELIMITER. A view the server reported invalid (Definition::invalid)
// is written as comment lines after the reason, and only its USE runs.
std::string DefinitionSql(const Definition& def, const DdlOptions& options,
                          const std::string& database_collation = "");

// A view the server reported invalid (Definition::invalid): the reason and `create` (its
// definition, DEFINER stripped or not) as "-- " comment lines, so that the rest of a dump loads
// and someone can create the view once what it reads exists again.
std::string InvalidViewComment(const Definition& def, const std::string& create);

// "VIEW", "TRIGGER", "PROCEDURE", "PACKAGE BODY", ...: the kind as DROP and SHOW CREATE spell it.
std::string ObjectKeyword(const Definition& def);

// A trigger, routine or event keeps the default collation its database had when it was created
// (for its string variables and parameters that name none). When that is not
// `database_collation` (the database's now), `set` gives the current database that collation
// (ALTER DATABASE without a name) after saving the one it has, and `restore` puts the saved one
// back (through PREPARE: ALTER DATABASE takes no variable). Both "" otherwise.
struct CollationSwitch {
  std::string set, restore;
};
CollationSwitch DatabaseCollationSwitch(const Definition& def,
                                        const std::string& database_collation);

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

// Whether text in `charset` can go to a client that splits statements by ASCII bytes: no
// character of it holds the byte of an ASCII quote, backslash or backtick (every single-byte
// set but swe7; utf8, ujis, euckr, gb2312; not big5, cp932, gbk, gb18030, sjis).
bool CharsetKeepsAscii(std::string_view charset);

// The character set a definition's text is in, and is sent under: the character_set_client it
// was created under, so that the server records the same creation context and reads the same
// bytes (LoadDefinitions reads the text in that character set). When the text is not ASCII and
// that character set is not CharsetKeepsAscii, utf8mb4 (the text is then read as utf8mb4).
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
