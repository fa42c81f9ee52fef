// CountRestoredRows: a restored table's rows, counted the way its dump counted them.
#include "myvault/mysql/server_info.h"
#include "myvault/restore/restorer.h"
#include "myvault/sql/text.h"

namespace myvault::restore {

Result<std::optional<uint64_t>> CountRestoredRows(mysql::Session& session,
                                                  const std::string& schema,
                                                  const std::string& table) {
  ASSIGN_OR_RETURN(auto kind, session.Query("SELECT ENGINE AS e, TABLE_TYPE AS t FROM "
                                            "information_schema.TABLES WHERE TABLE_SCHEMA = " +
                                            sql::StringLiteral(schema) +
                                            " AND TABLE_NAME = " + sql::StringLiteral(table)));
  const std::string name = sql::QualifiedName(schema, table);
  if (kind.rows.empty()) return NotFound("table " + name + " is missing after the restore");
  if (mysql::EngineKeepsNoRows(kind.Get(0, "e"))) return std::optional<uint64_t>();
  const bool versioned = kind.Get(0, "t") == "SYSTEM VERSIONED";
  ASSIGN_OR_RETURN(auto r, session.Query("SELECT COUNT(*) AS n FROM " + name +
                                         (versioned ? " FOR SYSTEM_TIME ALL" : "")));
  return std::optional<uint64_t>(std::stoull(r.Get(0, "n")));
}

}  // namespace myvault::restore
