// Catalog: what a dump contains, read from the server's information_schema and SHOW CREATE.
//
// LoadCatalog resolves the user's selection (databases, exclusions, tables) into the list of
// databases, tables with their columns and chosen chunking key, and the objects created after
// the data (views, triggers, routines, events). LoadDefinitions then fills in every CREATE
// statement with the sql_mode and character set it was created under; it runs inside the
// consistent snapshot. Plain data after loading: read-only, safe to share between threads.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "myvault/mysql/session.h"
#include "myvault/status.h"

namespace myvault::dump {

struct Selection {
  std::vector<std::string> databases;  // empty: every user database
  std::vector<std::string> exclude_databases;
  std::vector<std::string> tables;          // "db.table"; when set, only these tables
  std::vector<std::string> exclude_tables;  // "db.table": tables and views left out
  // "db.table" with shell wildcards (`*`, `?`, `[...]`, fnmatch) in either part: tables and
  // views whose "db.table" matches are left out (myvault dump --exclude-tables).
  std::vector<std::string> exclude_table_patterns;
  bool include_mysql = false;         // with every database: the `mysql` system database too
  bool routines_with_tables = false;  // with `tables`: the databases' routines and events too
  // myvault dump's safety rules (mysqldump mode keeps mysqldump's): with every database, leave
  // out drill copies (names ending in `_drill`); and never dump a database a restore is loading
  // or left half-loaded (myvault/restore/in_progress.h): left out of every database (recorded in
  // Catalog::excluded), refused when named.
  bool skip_drill_copies = false;
  bool skip_restoring = false;
  // A table named in `tables` that does not exist: an error (NotFound with the server's
  // ER_NO_SUCH_TABLE, 1146), or with this set, recorded in Catalog::missing_tables and passed
  // over (mysqldump --force).
  bool missing_tables_allowed = false;
  // Which rows of MariaDB's system-versioned tables are read: the current ones (mysqldump's
  // default), every row with its history and its ROW START/ROW END times (myvault dump;
  // mysqldump --dump-history), or the rows current at `as_of` (mysqldump --as-of, a TIMESTAMP in
  // the dump session's time zone). History is read only for timestamp-based versioning: a table
  // versioned by transaction id keeps its current rows (Catalog::history_lost names it).
  enum class SystemTime { kCurrent, kHistory, kAsOf };
  SystemTime system_time = SystemTime::kCurrent;
  std::string as_of;
};

struct Column {
  std::string name{};
  std::string data_type{};    // information_schema DATA_TYPE, lower case ("int", "varchar", ...)
  std::string column_type{};  // e.g. "bigint(20) unsigned"
  std::string charset{};      // "" for non-character columns
  bool generated = false;     // virtual or stored generated: left out of INSERTs
  bool invisible = false;     // INVISIBLE: not in the column list an INSERT without one implies
  bool nullable = true;
  // MariaDB system versioning: the column is the table's ROW START or ROW END (explicit, or the
  // implicit `row_start`/`row_end`, which SHOW CREATE TABLE and information_schema do not list:
  // `pseudo`). Generated unless the dump reads the history, which writes them as data.
  enum class Period : uint8_t { kNone, kRowStart, kRowEnd };
  Period period = Period::kNone;
  bool pseudo = false;
};

enum class KeyKind {
  kNone,     // no usable key: one streaming pass, cut by size
  kInteger,  // the first key column is an integer: ranges from MIN/MAX (paged if composite)
  kKeyset,   // any other key: key ranges found along the key, keyset pagination
};

struct Table {
  std::string schema, name, engine;
  bool transactional = true;
  bool is_sequence = false;
  uint64_t rows_estimate = 0;
  uint64_t data_length = 0;
  std::vector<Column> columns;
  std::vector<size_t> key;  // indexes into columns of the chunking key (PRIMARY or NOT NULL UNIQUE)
  KeyKind key_kind = KeyKind::kNone;
  std::string create_sql;     // SHOW CREATE TABLE / SEQUENCE
  std::string sequence_next;  // MariaDB sequence: next_not_cached_value
  bool dump_rows = true;      // false: the definition only (mysql.general_log, say)
  // The verb of this table's INSERTs ("REPLACE", "INSERT IGNORE"), or "" for the dump's
  // (PipelineConfig::insert_style); mysqldump --system=stats writes its rows as REPLACE.
  std::string insert_verb;
  bool versioned = false;  // MariaDB WITH SYSTEM VERSIONING
  // Rows are read with their history (Selection::SystemTime::kHistory): the INSERTs name the
  // ROW START/ROW END columns and need system_versioning_insert_history (MariaDB 10.11+).
  bool history = false;
  std::string system_time;  // "" or " FOR SYSTEM_TIME ALL" / " ... AS OF TIMESTAMP '...'"
};

// A view, trigger, routine or event: created after the data, with its own session settings.
struct Definition {
  // "view", "trigger", "procedure", "function", "package", "package body", "event"
  std::string kind{};
  std::string schema{}, name{};
  std::string create_sql{};
  std::string sql_mode{};
  std::string character_set_client{}, collation_connection{};
  std::string time_zone{};  // events only
  std::string table{};      // triggers only: the table it fires on
  // The default collation its database had when it was created (triggers, routines, events):
  // the collation of its string variables and parameters that declare none.
  std::string database_collation{};
  // Views only: why the server cannot use the view (a table, column or function it reads is
  // gone, say), or "" when it is valid. Restoring such a view would fail.
  std::string invalid{};
};

struct Database {
  std::string name, charset, collation;
  std::string create_sql;
};

struct Catalog {
  std::vector<Database> databases;
  std::vector<Table> tables;         // base tables and sequences
  std::vector<Definition> views;     // in an order that loads (dependencies first)
  std::vector<Definition> triggers;  // per table in firing order
  std::vector<Definition> routines;
  std::vector<Definition> events;
  std::string schema_stamp;  // SchemaStamp() when the catalog was read
  // Databases the selection took only part of (a table, view, routine or event left out), and
  // databases left out although the selection covered them, with the reason.
  std::set<std::string> partial;
  std::map<std::string, std::string> excluded;
  // System-versioned tables whose history the dump asked for but cannot keep (versioned by
  // transaction id), as `db`.`t`.
  std::vector<std::string> history_lost;
  std::vector<std::string> missing_tables;  // "db.table" (Selection::missing_tables_allowed)
  bool HasNonTransactional() const;
  bool HasHistory() const;  // some table is read with its history (Table::history)
};

// Whether information_schema.COLUMNS.EXTRA marks a column the server computes itself (virtual or
// stored generated, MariaDB system-versioning ROW START/END): such columns are left out of
// INSERTs. MySQL 8's DEFAULT_GENERATED (an expression default) is an ordinary column.
bool IsGeneratedColumn(std::string_view extra);

// Whether the column holds bytes rather than text: binary strings, blobs, spatial types, BIT, or
// any type in the binary character set. The dump writes these in hex (mysqldump --hex-blob too).
bool HoldsBytes(const Column& column);

// The column names of a SHOW CREATE TABLE text, in order (lines "  `name` type ...").
std::vector<std::string> ColumnNamesFromCreate(const std::string& create_sql);

// `db`.`t` followed by the table's FOR SYSTEM_TIME clause: what every SELECT of its rows reads.
std::string TableSource(const Table& table);

// Whether the table's rows live elsewhere or nowhere (sequences; BLACKHOLE, MRG_MYISAM, FEDERATED,
// SPIDER and CONNECT engines): its definition is dumped, its rows are not.
bool HasNoLocalData(const Table& table);

// Whether the table's INSERTs must name their columns: some are generated (left out of the
// rows) or invisible (left out of the list `INSERT INTO t VALUES` implies).
bool NeedsColumnList(const Table& table);

// Orders each database's tables smallest first: by data_length, then by name as
// information_schema orders names (NameLessIgnoringCase), as mariadb-dump --order-by-size lists
// them. A database's tables stay together, the databases in the order they first appear; tables
// equal on both keys keep their order.
void OrderTablesBySize(std::vector<Table>* tables);

// Whether `a` comes before `b` in information_schema's order of names (utf8mb3_general_ci):
// ASCII letters compared as upper case, so '_' sorts after them.
bool NameLessIgnoringCase(std::string_view a, std::string_view b);

// Whether a dump writes the table's rows: it has local data and its dump_rows is set.
inline bool DumpsRows(const Table& table) { return table.dump_rows && !HasNoLocalData(table); }

// Reads the rows of system-versioned tables as `selection` asks: sets Table::system_time,
// and for the history turns the ROW START/ROW END columns into data (adding MariaDB's implicit
// `row_start`/`row_end` when the table declares none). Tables versioned by transaction id keep
// their current rows and are named in history_lost. LoadCatalog runs it after reading the
// columns; choosing the key then appends ROW END to a history table's key (a row and its history
// share the primary key; MariaDB keeps (key, ROW END) unique).
void ApplySystemTime(const Selection& selection, Catalog* catalog);

// System databases never dumped by default (and restore's journal, _myvault_restore).
bool IsSystemDatabase(std::string_view name);

// Resolves the selection and reads tables, columns, keys and object names (no CREATE text).
Result<Catalog> LoadCatalog(mysql::Session& session, const Selection& selection);

// A cheap fingerprint of the selected databases' table list (names, types, engines), to tell
// whether the catalog read before the backup lock still holds once the lock is taken.
Result<std::string> SchemaStamp(mysql::Session& session, const Catalog& catalog);

// The tables whose contents a dump reads, as {schema, name}: rows (DumpsRows) or a sequence's
// value. What LOCK TABLES must cover when it lines up the snapshots.
std::vector<std::pair<std::string, std::string>> ContentTables(const Catalog& catalog);

// Runs under the backup lock: a table created, dropped or converted between the catalog read and
// the lock would otherwise be missing from (or wrong in) a dump whose binlog position is after
// it. DDL is blocked then, so when SchemaStamp changed, a fresh read replaces *cat and matches
// the snapshot. A non-transactional table that appeared is an error (the lock plan was chosen
// without it), and so is, when `only_catalog_locked` (LOCK TABLES on the ContentTables of *cat,
// not a global lock), any table the dump would read that the lock does not cover.
Status RecheckCatalog(mysql::Session& session, const Selection& selection, Catalog* cat,
                      bool only_catalog_locked = false);

// Reads every CREATE statement and sequence value. Run inside the snapshot. Fails if a table's
// columns no longer match the catalog (an ALTER between the catalog read and the snapshot).
Status LoadDefinitions(mysql::Session& session, Catalog* catalog);

// Reads every CREATE text of `catalog` again (databases, tables, sequences, views, triggers,
// routines, events) as the session now spells them; nothing else changes. mysqldump
// --skip-quote-names runs it under sql_quote_show_create=0 after LoadDefinitions, whose checks
// and view order need the quoted texts. Run inside the snapshot.
Status ReloadCreateTexts(mysql::Session& session, Catalog* catalog);

}  // namespace myvault::dump
