// INSERT to LOAD DATA: turns the data statements of our dumps into the bytes of a
// `LOAD DATA LOCAL INFILE ... CHARACTER SET binary` with the default field and line format
// (FIELDS TERMINATED BY '\t' ESCAPED BY '\\', no ENCLOSED BY, LINES TERMINATED BY '\n'), which the
// server loads with less CPU than the multi-row INSERT itself.
//
// The input is one statement exactly as InsertFormatter writes it (docs/format.md section 10) and
// SplitStatements returns it (without the ';'; a trailing ';' and whitespace are accepted too):
//
//   INSERT INTO `db`.`t` (`a`,`b`,...) VALUES\n(v,v,...),\n(v,v,...)
//
// where each value is NULL, a raw number ([0-9+-.eE]+), a quoted string with the escapes
// AppendStringLiteral writes (\0 \n \r \\ \' \" \Z; any other escape is an error), 0x followed by
// an even number of hex digits, '' (empty), or `_charset ` followed by a hex or quoted literal.
// Each value becomes one field: NULL is \N; a number is copied; every other literal is reduced to
// its raw bytes (an introducer's charset is dropped: the load reads bytes unconverted) and
// TSV-escaped: \ -> \\, TAB -> \t, LF -> \n, NUL -> \0, CR -> \r, 0x1A -> \Z. The empty string is
// an empty field, which LOAD DATA keeps apart from \N. Fields are joined by TAB; each row ends in
// LF.
//
// The bytes are what the INSERT's literals denote; which columns load back exactly from them is
// the caller's business. Checked on MariaDB 10.11 (SET NAMES utf8mb4, time_zone '+00:00',
// sql_mode NO_AUTO_VALUE_ON_ZERO, LOAD DATA LOCAL ... CHARACTER SET binary, CHECKSUM TABLE equal):
// integers, DECIMAL, FLOAT, DOUBLE, text in any charset (utf8mb4/mb3, latin1, gbk, sjis, big5,
// utf16, ucs2, utf32), binary, BLOB, dates and times (zero dates, negative TIME), YEAR, ENUM, SET,
// JSON and spatial types (SRID kept) load directly. BIT needs `(@v) SET col = CAST(@v AS UNSIGNED)`
// (the number would be read as bytes); INET4, INET6 and UUID need `SET col = CONVERT(@v USING
// utf8mb4)` (binary text is read as the packed form). With any SET clause an AUTO_INCREMENT column
// must go through a variable too (`SET id = @id`), or MariaDB turns a 0 into the next value
// despite NO_AUTO_VALUE_ON_ZERO.
//
// InsertToRows reads the same grammar into raw values instead, for a prepared INSERT run once per
// row (MariaDB's array binding): each value's bytes exactly as InsertToTsv's field denotes them
// (unescaped), and a NULL flag. The server stores a value bound as a binary string as LOAD DATA
// ... CHARACTER SET binary stores the field, so the same column types load exactly.
//
// Thread safety: both are pure functions of their arguments; use one batch per thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "myvault/status.h"

namespace myvault::sql {

struct TsvBatch {
  std::string table;                 // "`db`.`t`" exactly as in the statement
  std::vector<std::string> columns;  // each "`c1`" exactly as in the statement (quoted)
  uint64_t rows = 0;
  std::string data;  // the LOAD DATA bytes: one line per row
};

// Appends the rows of `statement` to out->data and adds their count to out->rows. The first
// statement into an empty batch (no columns yet) sets out->table and out->columns; a later one for
// another table or column list is kInvalidArgument. Anything outside the grammar above is
// kCorrupt, "... at byte N" with N the 0-based offset in `statement`. On any error *out is left as
// it was. Grows out->data about once per call (the output is at most the input's size unless
// strings hold raw TABs or control bytes) and allocates nothing per value.
Status InsertToTsv(std::string_view statement, TsvBatch* out);

struct RowBatch {
  std::string table;                 // as TsvBatch
  std::vector<std::string> columns;  // as TsvBatch
  uint64_t rows = 0;
  // The values row by row, column by column (rows x columns.size() of them): value k's bytes are
  // data[k == 0 ? 0 : ends[k - 1], ends[k]); nulls[k] is 1 for NULL (then it has no bytes).
  std::string data;
  std::vector<size_t> ends;
  std::vector<char> nulls;
};

// Appends the rows of `statement` to *out, with the rules and errors of InsertToTsv (messages
// start "INSERT to values: "); on any error *out is left as it was.
Status InsertToRows(std::string_view statement, RowBatch* out);

}  // namespace myvault::sql
