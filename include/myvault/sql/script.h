// SQL scripts: the payload text of an archive member cut into statements, and databases renamed.
//
// `myvault restore` runs a member's payload one statement at a time on its own connection instead
// of piping it to the mysql client, so SplitStatements reproduces what the client does with the
// same text (client/mysql.cc, add_line): it finds statement ends outside quotes and comments,
// obeys DELIMITER lines, and drops what the client would not send. RenameDatabases and
// RenameInsertTarget implement `restore --rename OLD=NEW` on single statements: the first for
// schema and post members (DDL), the second for data members, which docs/format.md section 10
// restricts to `INSERT INTO `db`.`t` ...` statements.
//
// Every function assumes UTF-8 (or any ASCII-compatible encoding in which no multi-byte character
// contains a byte below 0x80). Quotes are read by default as in the session the header member sets
// up (no NO_BACKSLASH_ESCAPES, no ANSI_QUOTES): backslash escapes inside '...' and "...", and
// "..." is a string. QuoteRules describes the other sql_modes, which post members switch to for
// the objects created under them.
//
// Thread safety: the functions are pure; a StatementSplitter is a small mutable value used by one
// thread at a time.
#pragma once

#include <array>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "myvault/status.h"

namespace myvault::sql {

// How quotes read under the session's sql_mode. The mysql client follows it from the server's
// status flags after every statement: SERVER_STATUS_NO_BACKSLASH_ESCAPES (512) and, on MariaDB,
// SERVER_STATUS_ANSI_QUOTES (32768); on MySQL read @@sql_mode. Post members switch sql_mode to the
// one each routine, trigger or view was created under (docs/format.md section 10).
struct QuoteRules {
  bool backslash_escapes = true;  // false under NO_BACKSLASH_ESCAPES: "\" is an ordinary byte
  bool ansi_quotes = false;       // under ANSI_QUOTES "..." is an identifier, without escapes
};

// Returns the statements of an SQL text one at a time, split the way the mysql command-line client
// splits its input:
// - A statement ends at the current delimiter (initially ";", matched byte for byte) outside
//   '...', "..." (escapes as QuoteRules say; a doubled quote closes and reopens) and `...`, and
//   outside comments: "#" and "-- " to the end of the line ("--" followed by a space, a control
//   byte or the end of the text; "1--1" is code; at the start of a statement any "--", so that
//   lines of dashes are comments), and "/* ... */".
// - Executable comments "/*!..." and "/*M!..." are code, as the client treats them: quotes in them
//   count and a delimiter in them ends the statement.
// - "DELIMITER x" (keyword case-insensitive, then whitespace) at the start of a statement, i.e.
//   with only whitespace and comments since the last delimiter, sets the delimiter to its first
//   argument (a word, or '...', "..." or `...` quoted) and is not a statement; the rest of its line
//   is ignored, as by the client.
// - Each statement is a view into `text` without its delimiter, with leading whitespace and
//   comments and trailing whitespace removed. Pieces holding only whitespace and comments are
//   dropped; a last statement without a delimiter is kept (the client sends it at end of input).
// Errors (kCorrupt, with the 0-based byte offset of the opening quote, comment or keyword):
// "unterminated string in SQL at byte N" (also for `...`), "unterminated comment in SQL at byte N",
// "DELIMITER without an argument in SQL at byte N", "DELIMITER with a backslash in SQL at byte N".
//
// Differences from the client, none of which our dumper writes: a backslash outside quotes is an
// ordinary byte (the client runs "\g", "\d" ... as its own commands there), and a delimiter is
// never truncated (the client keeps its first 15 bytes).
//
// Runs at memory-scanning speed (16 bytes at a time with SSE2) and allocates nothing.
//
//   StatementSplitter splitter(payload);
//   for (std::string_view statement; splitter.Next(&statement);) {
//     RETURN_IF_ERROR(Run(statement));
//     splitter.set_quote_rules(RulesOfTheSession());  // as the client does
//   }
//   RETURN_IF_ERROR(splitter.status());
//
// Precondition: `text` outlives the splitter and the statements it returns.
class StatementSplitter {
 public:
  explicit StatementSplitter(std::string_view text) : text_(text) {}

  // Sets *statement to the next statement and returns true; returns false at the end of the text
  // and after an error (see status()).
  bool Next(std::string_view* statement);
  // Ok, or the error that stopped Next.
  const Status& status() const { return status_; }

  // The quote rules of the statements Next returns from now on (default: QuoteRules{}).
  void set_quote_rules(QuoteRules rules) { rules_ = rules; }

  // For a caller that feeds a long script in pieces (StatementStream, sql/statement_stream.h):
  // the bytes of the text consumed so far (after an error: up to the start of what failed);
  // whether the last statement Next returned ended with the delimiter (false: it ran to the end
  // of the text); the current delimiter (a view into the text, or into what set_delimiter was
  // given); and setting it (non-empty, no backslash; `delimiter` must outlive the splitter).
  size_t position() const { return pos_; }
  bool ended_by_delimiter() const { return ended_by_delimiter_; }
  std::string_view delimiter() const { return delimiter_; }
  void set_delimiter(std::string_view delimiter) {
    delimiter_ = delimiter;
    code_stops_.back() = delimiter.front();
  }

 private:
  Status SkipToStatement();              // to the next statement's first byte or the end
  Status ScanStatement(size_t* end);     // past the statement's delimiter; *end: its text end
  Status SkipQuoted(size_t* pos) const;  // from an opening quote to past its closing quote
  size_t CommentEnd(size_t pos) const;   // past a comment at pos; pos if none; npos if open
  bool StartsWithDelimiter(size_t pos) const;
  bool IsDelimiterCommand(size_t pos) const;
  Status ReadDelimiterCommand(size_t* pos);  // sets the delimiter; *pos to the end of the line

  std::string_view text_;
  size_t pos_ = 0;
  std::string_view delimiter_ = ";";
  // Bytes that may end a run of plain code: quotes, comment starts, the delimiter's first byte.
  std::array<char, 7> code_stops_ = {'\'', '"', '`', '#', '-', '/', ';'};
  QuoteRules rules_;
  Status status_;
  bool ended_by_delimiter_ = false;
};

// Replaces *statements with all the statements of `text` under the default QuoteRules, or returns
// the first error; on error *statements holds the statements before the faulty one.
Status SplitStatements(std::string_view text, std::vector<std::string_view>* statements);

// Returns `statement` with every reference to a database OLD of `renames` (OLD -> NEW) replaced by
// NEW in backquotes (QuoteIdentifier: `NEW`, backquotes doubled). A reference is an identifier,
// `OLD` in backquotes ("OLD" too under rules.ansi_quotes) or bare OLD (compared exactly,
// case-sensitively; never an all-digit word), that is
// - the operand of USE as the statement's first word;
// - the name in CREATE [OR REPLACE] | DROP | ALTER DATABASE | SCHEMA [IF [NOT] EXISTS] name;
// - the first part of a dotted name, immediately followed by "." (`OLD`.`t`, `OLD`.`t`.`c`,
//   OLD.t, `OLD`.*), and not preceded by "." or "@" (`x`.`OLD`.`c` names a table, @OLD.x and
//   @@OLD.x are variables).
// Nothing inside strings ('...', and "..." unless rules.ansi_quotes makes it an identifier) or
// comments changes; executable comments "/*!" and "/*M!" are read as code. Everything else is
// copied byte for byte.
//
// Limitation: a two-part name cannot be told apart from `table`.`column` without knowing the
// schema, so a table or alias named exactly like a renamed database and used as a column
// qualifier (`shop`.`col` where `shop` is a table) is renamed too: the server then rejects the
// view (unknown column) when it is created, a trigger or routine when it runs; neither reads
// another database. SHOW CREATE VIEW writes base-table columns as `db`.`table`.`col`, which is
// renamed correctly.
std::string RenameDatabases(std::string_view statement,
                            const std::map<std::string, std::string>& renames,
                            QuoteRules rules = {});

// The fast path of RenameDatabases for data statements. If *statement starts with
// "INSERT INTO `db`.`t`" (exactly these bytes around the identifiers, as InsertFormatter writes
// them), replaces `db` by `NEW` when renames holds db -> NEW and returns true; returns false and
// leaves *statement unchanged otherwise. Reads only the prefix; a rename to a name of another
// quoted length moves the rest of the string once (std::string::replace).
bool RenameInsertTarget(std::string* statement, const std::map<std::string, std::string>& renames);

}  // namespace myvault::sql
