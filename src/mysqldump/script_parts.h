// The parts of a mysqldump-format script (see myvault/mysqldump/script.h), each a pure function
// from the options, the server facts and one catalog entry to its SQL text in mysqldump's layout.
// BuildScript (script.cc) puts them in order. Thread-safe (no state).
#pragma once

#include <string>
#include <string_view>

#include "myvault/dump/catalog.h"
#include "myvault/mysqldump/options.h"
#include "myvault/mysqldump/script.h"

namespace myvault::mysqldump::script {

// `name` as a statement of the script spells it: quoted (QuotedName), or with
// --skip-quote-names only where it needs it (sql::IdentifierNeedsQuotes), as mariadb-dump.
std::string Name(const MysqldumpOptions& options, std::string_view name);
// `name` always quoted, as comments naming a table spell it (--skip-quote-names or not): in
// backticks, or in "double quotes" when --compatible names an ANSI_QUOTES mode (AnsiQuotes).
std::string QuotedName(const MysqldumpOptions& options, std::string_view name);
// `name` in a statement that runs under the sql_mode of definition `d` (a routine's or trigger's
// DROP): as Name, but in backticks when Name would use '"' and d's sql_mode lacks ANSI_QUOTES
// (there "p" is a string: mariadb-dump's `DROP PROCEDURE IF EXISTS "p"` does not load; its
// DROP TRIGGER keeps backticks the same way).
std::string ObjectName(const MysqldumpOptions& options, const dump::Definition& d,
                       std::string_view name);

// "\n--\n-- LINE\n--\n", LINE made safe for a comment, and a blank line after it if asked; ""
// when comments are off.
std::string CommentBlock(const MysqldumpOptions& options, std::string_view line, bool blank_after);

// The version comment around a SET NAMES / SET character_set_client of `charset`: MySQL's
// mysqldump marks utf8mb4 as needing 5.5.3, MariaDB's keeps 4.1.
std::string NamesVersion(const ScriptFacts& facts, std::string_view charset);

// Header comments and the /*!40101 SET @OLD_... */ session saves; the footer restoring them and
// "-- Dump completed". Neither is written with --compact (the caller's business), except the
// header's first line, SandboxLine.
std::string Header(const MysqldumpOptions& options, const ScriptFacts& facts);
// The first line of every script from a MariaDB server, --compact or not (Header begins with
// it): the MariaDB client's sandbox mode. "" for a MySQL server.
std::string SandboxLine(const ScriptFacts& facts);
std::string Footer(const MysqldumpOptions& options, const ScriptFacts& facts);

// Replication coordinates after the header (--master-data, --dump-slave, MySQL's GTID_PURGED,
// --apply-slave-statements) and what comes at the end of the dump (MariaDB's deferred
// gtid_slave_pos, START SLAVE, SQL_LOG_BIN restored).
std::string ReplicationHead(const MysqldumpOptions& options, const ScriptFacts& facts);
std::string ReplicationTail(const MysqldumpOptions& options, const ScriptFacts& facts);

// DROP and CREATE TABLE under the dump's character set, or CREATE SEQUENCE and SETVAL.
std::string TableStructure(const dump::Table& table, const MysqldumpOptions& options,
                           const ScriptFacts& facts);
// The text before and after a table's rows: data comment, LOCK TABLES, DISABLE/ENABLE KEYS.
std::string DataPrologue(const dump::Table& table, const MysqldumpOptions& options);
std::string DataEpilogue(const dump::Table& table, const MysqldumpOptions& options);

// One trigger, event, routine or final view, each with its own sql_mode and character set; a
// trigger, event or routine also with the database collation it was created under
// (dump::DatabaseCollationSwitch against `database_collation`, its database's in the dump). A
// view the server reported invalid becomes comment lines ("-- failed on view", as mariadb-dump
// --force writes it).
std::string TriggerSql(const dump::Definition& trigger, const MysqldumpOptions& options,
                       const std::string& database_collation);
std::string EventSql(const dump::Definition& event, const MysqldumpOptions& options,
                     const std::string& database_collation);
std::string RoutineSql(const dump::Definition& routine, const MysqldumpOptions& options,
                       const std::string& database_collation);
std::string ViewSql(const dump::Definition& view, const MysqldumpOptions& options);

}  // namespace myvault::mysqldump::script
