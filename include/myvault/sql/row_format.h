// Row formatting: turns result rows into multi-row INSERT statements.
//
// An InsertFormatter is made once per table from the column list and how each column's values are
// to be encoded (the dumper decides this from the column types), then receives rows in the shape
// libmysqlclient returns them (MYSQL_ROW and mysql_fetch_lengths()) and appends SQL text:
//
//   INSERT INTO `db`.`t` (`a`,`b`) VALUES
//   (1,'x'),
//   (2,NULL);
//
// Statements are split so that none exceeds `statement_size` bytes (counting its closing ";\n"),
// which keeps each below the restoring server's max_allowed_packet; a single row larger than that
// still goes out alone in its own statement. The formatter remembers whether a statement is open;
// the caller may move the text it has appended elsewhere between calls (e.g. flush a chunk), but
// must call Finish() before a chunk boundary if each chunk must hold whole statements.
//
// Thread safety: an InsertFormatter is a small mutable value used by one thread at a time; use one
// per worker.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace myvault::sql {

enum class ValueEncoding : uint8_t {
  kRaw,             // numbers (integers, DECIMAL, `col+0e0` floats), emitted as is
  kString,          // text in a backslash-safe charset: AppendStringLiteral
  kHex,             // binary data: AppendHexLiteral
  kHexWithCharset,  // text in another charset: `_latin1 0x...` from the raw bytes
};

// From this many bytes on, a kHex or kHexWithCharset value of a column with quote_large is
// written as an escaped string after its introducer (`_binary '...'`, `_latin1 '...'`: the
// bytes plus a backslash before each NUL, LF, CR, \, ', " and ^Z) instead of hex, which doubles
// it: a row that fits the server's max_allowed_packet then loads back with one INSERT.
inline constexpr size_t kQuotedValueFrom = 1024;

struct ColumnFormat {
  std::string name;
  ValueEncoding encoding = ValueEncoding::kString;
  std::string charset;  // introducer for kHexWithCharset, e.g. "gbk"; ignored otherwise
  // Large values as escaped strings (kQuotedValueFrom). Only for binary data and charsets in
  // which no multibyte character holds the byte of an ASCII quote or backslash: the bytes are
  // then read back as they are by the server and by clients that split statements.
  bool quote_large = false;
};

// How the statements are spelled. The default is the archive's: `INSERT INTO \`db\`.\`t\`
// (\`a\`,...) VALUES` with many rows. mysqldump mode spells them as mysqldump does (unqualified
// table, column list only with --complete-insert, INSERT IGNORE or REPLACE, one row per
// statement with --skip-extended-insert: `INSERT INTO \`t\` VALUES (1,'a');`).
struct InsertStyle {
  std::string verb = "INSERT";  // "INSERT", "INSERT IGNORE" or "REPLACE"
  bool qualified = true;        // `db`.`t` rather than `t`
  bool column_list = true;
  bool one_row_per_statement = false;
  // DELAYED after the verb's first word: INSERT DELAYED, INSERT DELAYED IGNORE, REPLACE DELAYED
  // (mariadb-dump --delayed-insert; the caller sets it only for tables whose engine takes it).
  bool delayed = false;
  // false: names bare unless they need backticks (QuoteIdentifierIfNeeded; --skip-quote-names).
  bool quote_names = true;
  // The quote character of the names: '"' for mariadb-dump --compatible=ansi (ANSI_QUOTES).
  char quote = '`';
};

// The statement's first words as `style` spells them: "INSERT DELAYED IGNORE", say.
std::string InsertVerb(const InsertStyle& style);

class InsertFormatter {
 public:
  // Precondition: `columns` is not empty.
  InsertFormatter(std::string_view db, std::string_view table, std::vector<ColumnFormat> columns,
                  size_t statement_size, const InsertStyle& style = InsertStyle{});

  // Appends one row. values[i] == nullptr means NULL; otherwise values[i] points to lengths[i]
  // bytes (need not be NUL-terminated). Both arrays have one entry per column.
  void AppendRow(std::string* out, const char* const* values, const unsigned long* lengths);

  // Closes the open statement with ";\n", if any; calling it again appends nothing.
  void Finish(std::string* out);

  bool statement_open() const { return statement_open_; }
  size_t column_count() const { return columns_.size(); }

 private:
  struct Column {
    ValueEncoding encoding;
    std::string introducer;  // "_gbk " for kHexWithCharset, "_binary " for kHex, else empty
    bool quote_large = false;
  };

  char* WriteTuple(char* dst, const char* const* values, const unsigned long* lengths) const;

  std::vector<Column> columns_;
  std::string prefix_;            // "INSERT INTO `db`.`t` (`a`,`b`) VALUES\n"
  std::string close_and_prefix_;  // ";\n" + prefix_
  size_t fixed_row_bound_ = 0;    // bytes of a row's bound that do not scale with its values
  size_t statement_size_;
  size_t statement_bytes_ = 0;  // bytes of the open statement so far, without ";\n"
  bool statement_open_ = false;
  bool one_row_per_statement_ = false;
};

}  // namespace myvault::sql
