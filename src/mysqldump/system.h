// --system's server-wide objects besides the accounts (myvault/mysql/accounts.h): plugins,
// user-defined functions and foreign servers as the statements that recreate them, and the
// `mysql` tables whose rows --system=stats and --system=timezones write after `USE mysql`.
//
// What mariadb-dump writes for each part, which these follow in meaning:
//   plugins    INSTALL PLUGIN name SONAME 'lib' per ACTIVE plugin of SHOW PLUGINS that came
//              from a library (built-in ones have none); --replace adds UNINSTALL PLUGIN IF
//              EXISTS before it, --insert-ignore makes it INSTALL PLUGIN IF NOT EXISTS.
//   udfs       CREATE [AGGREGATE] FUNCTION name RETURNS type SONAME 'lib' per row of mysql.func;
//              --replace: DROP FUNCTION IF EXISTS and CREATE OR REPLACE, --insert-ignore:
//              CREATE FUNCTION IF NOT EXISTS.
//   servers    CREATE SERVER name FOREIGN DATA WRAPPER w OPTIONS (...) per row of mysql.servers,
//              every option that is not empty; --replace: CREATE OR REPLACE SERVER,
//              --insert-ignore: CREATE SERVER IF NOT EXISTS.
//   stats      the rows of ServerInfo::StatisticsTables, timezones those of the five
//              mysql.time_zone* tables: no CREATE TABLE, rows as REPLACE (INSERT IGNORE under
//              --insert-ignore), so that they overwrite what the target has.
// With -A, each part's own `mysql` tables are left out of the `mysql` database (LeftOutTables):
// the part writes them instead.
//
// The *Sql functions are pure: one row as the server lists it and the options, to its text. The
// Read*Sql functions run one query on the session they are given. Thread-safe (no state).
#pragma once

#include <set>
#include <string>
#include <vector>

#include "myvault/mysql/server_info.h"
#include "myvault/mysql/session.h"
#include "myvault/mysqldump/options.h"
#include "myvault/status.h"

namespace myvault::mysqldump::system_parts {

// One row of SHOW PLUGINS (Name, Status, Library; Library "" for a built-in plugin).
struct Plugin {
  std::string name, status, library;
};

// One row of mysql.func: `ret` is the server's result type as a number (0 STRING, 1 REAL, 2 INT,
// 3 ROW, 4 DECIMAL, 5 TIME), `type` is "function" or "aggregate".
struct Udf {
  std::string name, ret, library, type;
};

// One row of mysql.servers; an empty field is an option not set (port "0" is set).
struct ForeignServer {
  std::string name, host, db, username, password, port, socket, wrapper, owner;
};

// The plugin's statements, or "" for a plugin that is not ACTIVE or is built in.
std::string PluginSql(const Plugin& plugin, const MysqldumpOptions& options);
// The function's statements; kInvalidArgument naming it when `ret` is not a known type.
Result<std::string> UdfSql(const Udf& udf, const MysqldumpOptions& options);
// The server's CREATE SERVER statement.
std::string ServerSql(const ForeignServer& server, const MysqldumpOptions& options);

// The statements of every plugin (in SHOW PLUGINS order), function or server (in name order) of
// the session's server. A function of an unknown return type is left out with a line in `notes`,
// as mariadb-dump leaves it out with a message.
Result<std::string> ReadPluginsSql(mysql::Session& session, const MysqldumpOptions& options);
Result<std::string> ReadUdfsSql(mysql::Session& session, const MysqldumpOptions& options,
                                std::vector<std::string>* notes);
Result<std::string> ReadServersSql(mysql::Session& session, const MysqldumpOptions& options);

// The `mysql` tables whose rows the stats and timezones parts of `system` write, in
// mariadb-dump's order (statistics first).
std::vector<std::string> StatsTables(const MysqldumpOptions::System& system,
                                     const mysql::ServerInfo& server);
std::vector<std::string> TimeZoneTables(const MysqldumpOptions::System& system);
// The `mysql` tables the parts of `system` stand for, which -A leaves out.
std::set<std::string> LeftOutTables(const MysqldumpOptions::System& system);
// The verb of the stats' and timezones' rows: REPLACE, or INSERT IGNORE under --insert-ignore
// without --replace.
std::string RowsVerb(const MysqldumpOptions& options);

}  // namespace myvault::mysqldump::system_parts
