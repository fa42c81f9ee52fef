// Private to mysqldump mode: --tab=DIR, mysqldump's directory of files per table.
//
// For each table: DIR/t.sql, written here (the header, DROP and CREATE TABLE, the footer, then
// the table's triggers, as mariadb-dump lays it out), and DIR/t.txt, written by the server with
// SELECT ... INTO OUTFILE (so DIR is a directory on the server's host and the account needs the
// FILE privilege) in the format of --fields-terminated-by, --fields-enclosed-by,
// --fields-optionally-enclosed-by, --fields-escaped-by and --lines-terminated-by (the server's
// defaults when not given: tab, none, backslash, newline), with a line of column names first
// under --header. A view gets DIR/v.sql with its definition. What is left (events, routines)
// goes to `out`. An existing DIR/t.txt is removed first (the server refuses to overwrite).
#pragma once

#include <string>

#include "myvault/dump/catalog.h"
#include "myvault/mysql/session.h"
#include "myvault/mysqldump/options.h"
#include "myvault/mysqldump/script.h"
#include "output.h"

namespace myvault::mysqldump {

// The SELECT ... INTO OUTFILE statement for `table` into `path`.
std::string TabSelectSql(const dump::Table& table, const MysqldumpOptions& options,
                         const std::string& path);

Status WriteTabDump(mysql::Session& session, const dump::Catalog& catalog,
                    const MysqldumpOptions& options, const ScriptFacts& facts, SqlOutput* out,
                    uint64_t* tables_with_rows);

}  // namespace myvault::mysqldump
