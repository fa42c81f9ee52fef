// Plan: how each table's rows are selected, formatted and cut into units of work.
//
// Pure functions of catalog entries: which expression selects each column so its value
// round-trips exactly (FLOAT through DOUBLE, BIT as an integer, binary data and non-UTF-8
// text as hex), the ranges an integer key is split into, and the keyset predicate that pages
// through composite and string keys. Thread-safe (no state); unit-tested without a server.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "myvault/dump/catalog.h"
#include "myvault/sql/row_format.h"

namespace myvault::dump {

// "SELECT HIGH_PRIORITY " for a non-transactional table, else "SELECT ". Its rows are read under
// a table lock that stops writers (FTWRL, or LOCK TABLES ... READ without RELOAD); under LOCK
// TABLES a writer to a MyISAM/Aria table passes the metadata lock and queues for the table lock,
// and a plain SELECT would queue behind it until our lock, held until this very read ends, goes.
std::string SelectFor(const Table& table);

// How one table is read: the SELECT without WHERE, and how each selected value is written.
struct TableQuery {
  std::string verb = "SELECT ";                // SelectFor(table)
  std::string select;                          // "SELECT `a`,`f`+0e0 FROM `db`.`t`"
  std::vector<sql::ColumnFormat> formats;      // per selected column, in select order
  std::vector<size_t> key_positions;           // positions of the key values in the select list
  std::vector<sql::ColumnFormat> key_formats;  // how each key value is written as a literal
  std::vector<std::string> key_exprs;          // quoted key column names, for WHERE/ORDER BY
  std::string key_select;  // the key columns' select expressions, comma-separated
  std::string filter;      // a condition every selected row must meet (mysqldump --where); or ""
};

TableQuery BuildTableQuery(const Table& table);

// A unit of work: one query a worker streams. Bounds are key tuples, or prefixes of the key (a
// range on an integer first column is a 1-tuple), as SQL literals; empty means unbounded.
struct WorkUnit {
  size_t table = 0;                // index into Catalog::tables
  std::vector<std::string> lower;  // key >= lower
  std::vector<std::string> upper;  // key <  upper
  bool paginate = false;           // ORDER BY key LIMIT page_rows, continue after the last key
  uint64_t page_rows = 0;
  uint64_t seq = 0;  // position in the planner's output: tables in plan order, each in key order
};

// `(k1, k2, ...) op (v1, v2, ...)` over a prefix of the key, op one of > >= <, written as
// `(k1 > v1) OR (k1 = v1 AND k2 > v2) ...`: a form every optimizer turns into a range scan.
std::string KeyCompare(const std::vector<std::string>& key_exprs,
                       const std::vector<std::string>& values, std::string_view op);

// The query that finds where the next unit of a keyset-split table starts: the key of the row
// `step` rows after `lower` (or after the first row when `lower` is empty). `table_name` is what
// the rows are read from (TableSource: the name and any FOR SYSTEM_TIME clause).
std::string NextBoundarySql(const TableQuery& q, const std::string& table_name,
                            const std::vector<std::string>& lower, uint64_t step);

// Splits [min, max] of an integer key into at most `max_units` half-open ranges, as many as the
// table's size asks for (data_length / unit_bytes), never more than its rows or the key's span:
// a sparse key near 2^64 with three rows gives one range, not millions of empty ones.
// Returns the inner boundaries b1 < b2 < ... (ranges: (-inf,b1), [b1,b2), ..., [bn,+inf)).
std::vector<__int128> SplitIntegerRange(__int128 min, __int128 max, uint64_t rows_estimate,
                                        uint64_t data_length, uint64_t unit_bytes,
                                        size_t max_units);

std::string Int128ToString(__int128 v);
std::optional<__int128> ParseInt128(std::string_view s);

// "WHERE ..." text for a unit (the query's filter, range bounds and, after the first page, the
// keyset predicate
// `(k1 > v1) OR (k1 = v1 AND k2 > v2) ...` over `last_key`, the previous page's last row's key
// as SQL literals). Empty when the unit reads the whole table.
std::string UnitWhere(const TableQuery& q, const WorkUnit& unit,
                      const std::vector<std::string>& last_key);

// The full statement for a unit's page.
std::string UnitSql(const TableQuery& q, const WorkUnit& unit,
                    const std::vector<std::string>& last_key);

// A value as a SQL literal, encoded like the column it came from (for keyset predicates).
std::string ValueLiteral(const sql::ColumnFormat& format, const char* data, unsigned long length);

}  // namespace myvault::dump
