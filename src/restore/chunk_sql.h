// How the rows of one data chunk reach the server (the loader's three ways; loader.h decides
// which, and wraps them in the chunk's transaction with its journal row).
//
//  - kBulk: the chunk's INSERTs read into raw values (sql::InsertToRows) and sent as one
//    prepared `INSERT ... VALUES (?,...)` per batch with MariaDB's array binding: the server
//    neither parses the values as SQL nor splits them as LOAD DATA does, and, being an INSERT,
//    it takes only InnoDB's AUTO_INCREMENT mutex, never the table-level AUTO-INC lock that
//    innodb_autoinc_lock_mode=1 holds for a whole LOAD DATA, so several loaders fill one table
//    in parallel (docs/benchmarks.md, "One huge table").
//  - kLoadData: the rows as LOAD DATA LOCAL INFILE ... CHARACTER SET binary input (sql/tsv.h).
//  - kInsert: the archive's INSERT statements as they are.
//
// The first two store each value as the bytes the archive's literal denotes, which is exact for
// the column types ClassifyTables allows (LoadTable::binary_exact); other tables take kInsert.
//
// Thread safety: functions of their arguments; a session is used by one thread at a time.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "myvault/common/cancel.h"
#include "myvault/mysql/server_info.h"
#include "myvault/mysql/session.h"
#include "myvault/restore/restorer.h"
#include "myvault/sql/tsv.h"
#include "myvault/status.h"

namespace myvault::restore {

enum class LoadMethod { kBulk, kLoadData, kInsert };

// The method of a run: the one asked for; kAuto is kBulk where the server has array binding
// (MariaDB), else kLoadData.
LoadMethod ChooseLoadMethod(LoadMethodChoice choice, const mysql::ServerInfo& server);

// The server refused the way itself (LOCAL INFILE disabled, no array binding): the caller
// switches to INSERT statements for the rest of the run.
bool RefusesLoadDataLocal(const Status& st);
bool RefusesArrayBinding(const Status& st);

// Sends `rows` (all of the chunk's) to schema.table in batches of at most `max_packet` bytes of
// protocol (0: 16 MiB); adds the rows inserted to *inserted.
Status SendBulk(mysql::Session& s, const std::string& qualified_table, const sql::RowBatch& rows,
                uint64_t max_packet, uint64_t* inserted);

// One LOAD DATA LOCAL INFILE statement with the chunk's TSV.
Status SendLoadData(mysql::Session& s, const std::string& qualified_table, const sql::TsvBatch& tsv,
                    uint64_t* inserted);

// The archive's statements one by one, stopping when `cancel` is cancelled.
Status SendInserts(mysql::Session& s, const std::vector<std::string_view>& statements,
                   const ErrorCollector* cancel, uint64_t* inserted);

}  // namespace myvault::restore
