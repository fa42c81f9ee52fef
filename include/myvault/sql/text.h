// SQL text: quoting identifiers and encoding values as MySQL literals.
//
// These functions produce the SQL that myvault writes into archives: backtick-quoted identifiers,
// string literals escaped exactly like mysql_real_escape_string() does for a session with
// backslash escapes enabled, and hexadecimal literals for binary data. The SQL that carries these
// literals must therefore set a sql_mode without NO_BACKSLASH_ESCAPES before them, as mysqldump's
// header does, and a connection character set that matches the bytes (SET NAMES utf8mb4). String
// literals are only safe for character sets in which no multi-byte character contains a 0x5C/0x27
// byte (utf8mb4, utf8mb3, latin1, ascii, ...); columns in other character sets (big5, gbk, sjis,
// cp932, gb18030) must be written as hex.
//
// The Append* functions append to `out` and are the dumper's hot path: they grow `out` once per
// call and copy runs of plain bytes in bulk.
//
// Thread safety: every function is pure (it touches only its arguments); call them from any
// number of threads on distinct output strings.
#pragma once

#include <string>
#include <string_view>

namespace myvault::sql {

// Appends `name` in backticks, doubling every backtick inside: a`b -> `a``b`.
void AppendIdentifier(std::string* out, std::string_view name);
std::string QuoteIdentifier(std::string_view name);
// Appends `name` between two `quote` characters, doubling every `quote` inside: with '"' (the
// ANSI_QUOTES spelling, mariadb-dump --compatible=ansi) a"b -> "a""b".
void AppendIdentifierQuotedBy(std::string* out, std::string_view name, char quote);
// `name` bare when it holds only ASCII letters, digits, '_', '$' and bytes >= 0x80 (UTF-8
// characters), else in backticks as QuoteIdentifier: mariadb-dump's rule under
// --skip-quote-names. A reserved word (`order`) stays bare too, as there, and does not load back.
void AppendIdentifierIfNeeded(std::string* out, std::string_view name);
// Whether that rule quotes `name` (it is empty or holds another character).
bool IdentifierNeedsQuotes(std::string_view name);
std::string QuoteIdentifierIfNeeded(std::string_view name);
// "`db`.`table`".
std::string QualifiedName(std::string_view db, std::string_view table);

// Appends '...' with NUL, \n, \r, \, ', " and 0x1A (^Z) escaped as \0 \n \r \\ \' \" \Z; every
// other byte is copied unchanged.
void AppendStringLiteral(std::string* out, std::string_view bytes);
std::string StringLiteral(std::string_view bytes);

// Appends 0x followed by two uppercase hex digits per byte; an empty input gives '' (the bare
// literal 0x is not valid SQL).
void AppendHexLiteral(std::string* out, std::string_view bytes);

// Returns `text` made safe to follow "-- " on one comment line: backslash becomes \\, newline \n,
// carriage return \r, tab \t, and every other control byte (< 0x20 or 0x7F) \xHH. Bytes >= 0x80
// (UTF-8) are kept.
std::string EscapeLikeComment(std::string_view text);
// The inverse of EscapeLikeComment (an unknown or cut escape is kept as it is).
std::string UnescapeComment(std::string_view text);

}  // namespace myvault::sql
