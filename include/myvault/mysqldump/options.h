// mysqldump-compatible command line: the options of `myvault mysqldump` (or myvault invoked as
// `mysqldump` / `mariadb-dump`), parsed with mysqldump's meaning and defaults.
//
// The parser follows my_getopt, the option parser of the MySQL/MariaDB client tools: long options
// may be abbreviated to any unambiguous prefix; a boolean takes `--X`, `--X=1|0|ON|OFF|TRUE|FALSE`,
// `--skip-X`, `--disable-X`, `--enable-X`; `--loose-X` is ignored if X is unknown; short options
// cluster (`-cq`) and take their value attached or as the next argument (`-uroot`, `-u root`);
// `--` ends the options. Option files are read like mariadb-dump reads them: groups [client],
// [client-server], [client-mariadb], [mysqldump], [mariadb-dump], in file order, before the
// command line (so the command line wins); within one file the groups count in that order.
// `--defaults-file`, `--defaults-extra-file`, `--no-defaults`, `--print-defaults` and
// `--defaults-group-suffix` must come first, as in mysqldump. An unknown option on the command
// line or in a [mysqldump]/[mariadb-dump] group is an error naming it; in the shared [client*]
// groups it is skipped, and only exact names count there (those groups hold other tools' options
// too). Options that only mean something on the other server flavour, or that change nothing in
// myvault, are accepted and recorded in `notes` (one line each, printed on stderr by the caller);
// options myvault cannot honour are errors.
//
// Passwords: main() takes `-p`/`--password` out of argv first (mysql::ExtractPasswordArgs) and
// passes the result in; option-file passwords are applied here. Nothing here prompts.
//
// Thread safety: pure functions of their arguments (option files are read from disk).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "myvault/mysql/options.h"
#include "myvault/status.h"

namespace myvault::mysqldump {

struct MysqldumpOptions {
  mysql::ConnectionOptions connection;  // resolved: command line > option files > environment

  // What to dump (mysqldump's three forms).
  enum class Mode {
    kTables,     // `db [table ...]`: no CREATE DATABASE / USE; tables empty means all of db
    kDatabases,  // `--databases db ...`
    kAll,        // `--all-databases`
  };
  Mode mode = Mode::kTables;
  std::vector<std::string> databases;          // kTables: exactly one; kDatabases: one or more
  std::vector<std::string> tables;             // kTables only: the tables named after the db
  std::vector<std::string> ignore_tables;      // "db.table", as given (--ignore-table, repeatable)
  std::vector<std::string> ignore_table_data;  // "db.table": definition only (repeatable)
  std::vector<std::string> ignore_databases;   // --ignore-database (MariaDB), repeatable
  std::string where;                           // --where/-w: added to every table's SELECT
  // MariaDB system-versioned tables: every row with its history (--dump-history/-H), or the rows
  // as they were at a time (--as-of); by default their current rows.
  bool dump_history = false;
  std::string as_of;

  // What each table gets.
  bool no_data = false;            // -d
  bool no_create_info = false;     // -t
  bool no_create_db = false;       // -n
  bool add_drop_database = false;  //
  bool add_drop_table = true;      // (--opt)
  bool add_drop_trigger = false;   // MariaDB
  bool add_locks = true;           // LOCK TABLES ... WRITE around each table's data (--opt)
  bool disable_keys = true;        // /*!40000 ALTER TABLE ... DISABLE KEYS */ (--opt, -K)
  bool create_options = true;      // table options in CREATE TABLE (--opt)
  bool extended_insert = true;     // -e, multi-row INSERTs (--opt)
  bool complete_insert = false;    // -c, column list in every INSERT
  bool insert_ignore = false;      // INSERT IGNORE
  bool replace = false;            // REPLACE instead of INSERT (wins over insert_ignore)
  // --delayed-insert: INSERT DELAYED (REPLACE DELAYED) for the tables whose engine takes it
  // (mysql::EngineTakesInsertDelayed), plain INSERT for the others, as mariadb-dump; turns
  // add_locks off (the server refuses INSERT DELAYED under LOCK TABLES), as there.
  bool delayed_insert = false;
  bool hex_blob = false;  // binary columns as 0x... (myvault always does; see docs)
  bool routines = false;  // -R
  bool triggers = true;   //
  bool events = false;    // -E
  // --system=LIST (mariadb-dump's): server-wide objects written after the databases, in this
  // order, each part's `mysql` tables left out of -A. Alone (no database, no -A) only these are
  // dumped. `all` sets every part.
  struct System {
    bool plugins = false;    // INSTALL PLUGIN for each active plugin loaded from a library
    bool users = false;      // accounts: CREATE USER / CREATE ROLE and GRANT statements
    bool udfs = false;       // CREATE FUNCTION ... SONAME for each row of mysql.func
    bool servers = false;    // CREATE SERVER for each row of mysql.servers
    bool stats = false;      // the statistics tables' rows (EITS, InnoDB), after USE mysql
    bool timezones = false;  // the mysql.time_zone* tables' rows, after USE mysql
    bool any() const { return plugins || users || udfs || servers || stats || timezones; }
  };
  System system;
  bool only_system = false;       // --system without databases or -A
  bool skip_definer = false;      // --skip-definer (MySQL Shell/MariaDB 11 style): no DEFINER=
  bool no_tablespaces = false;    // -y
  bool order_by_primary = false;  //
  // --order-by-size (MariaDB): the tables of each database dumped (sequences, then tables)
  // smallest first, by information_schema.TABLES.DATA_LENGTH and then name, as mariadb-dump
  // orders them; an error with tables named on the command line, as there.
  bool order_by_size = false;
  // -Q. Off (--skip-quote-names): a name gets backticks only where it needs them
  // (sql::QuoteIdentifierIfNeeded) in the statements myvault writes, and the CREATE texts are
  // read under sql_quote_show_create=0, as mariadb-dump does; table comments keep backticks.
  bool quote_names = true;
  // --compatible=LIST (mariadb-dump's): the modes it names, upper case, each once, in
  // mariadb-dump's order (kCompatibleModes), comma separated; "" without the option. The CREATE
  // texts are read under sql_mode = this list and the header's SQL_MODE ends with it, as there;
  // with a mode of AnsiQuotes the script's names are quoted with '"'. The option also turns
  // quote_names on and set_charset off, as in mariadb-dump.
  std::string compatible;

  // Consistency and locking.
  bool single_transaction = false;
  bool lock_tables = true;       // -l (--opt); --single-transaction turns it off, as in mysqldump
  bool lock_all_tables = false;  // -x
  bool flush_logs = false;       // -F
  bool flush_privileges = false;
  bool quick = true;  // -q (--opt): rows are always streamed; accepted for compatibility

  // Replication coordinates: 0 off, 1 active statement, 2 commented out.
  int master_data = 0;                   // --master-data[=N], --source-data[=N]; bare means 1
  int dump_slave = 0;                    // --dump-slave[=N], --dump-replica[=N]; bare means 1
  bool gtid = false;                     // MariaDB --gtid: use GTID in the CHANGE MASTER statement
  std::string set_gtid_purged = "AUTO";  // MySQL: OFF, ON, AUTO, COMMENTED (upper case)
  bool include_master_host_port = false;
  bool apply_slave_statements = false;

  // Output format.
  bool tz_utc = true;                             // SET TIME_ZONE='+00:00', UTC dump sessions
  bool set_charset = true;                        // SET NAMES in the header
  std::string default_character_set = "utf8mb4";  // the SET NAMES charset
  uint64_t max_allowed_packet = 1ull << 24;       // 16 MiB (mysqldump's default for itself)
  uint64_t net_buffer_length = 1046528;           // largest extended INSERT, bytes (mysqldump)
  bool compact =
      false;  // implies skip add-drop-table, add-locks, comments, disable-keys, set-charset
  bool comments = true;  // -i
  bool dump_date = true;
  bool force = false;  // -f: continue after an SQL error (a view that fails, say)
  bool xml = false;    // -X: mariadb-dump's XML document instead of SQL
  // --tab=DIR (-T): DIR/t.sql per table (its CREATE TABLE and triggers) and DIR/t.txt, written
  // by the server (SELECT ... INTO OUTFILE) in the format of the --fields-*/--lines-* options
  // ("" means the server's default), with a line of column names first under --header.
  std::string tab;
  std::string fields_terminated_by, fields_enclosed_by, fields_optionally_enclosed_by;
  std::string fields_escaped_by, lines_terminated_by;
  bool header = false;
  std::string result_file;        // -r; empty: stdout
  std::string log_error;          // --log-error: also append warnings and errors to this file
  double max_statement_time = 0;  // --max-statement-time, seconds; 0: no limit (MariaDB)
  bool verbose = false;           // -v: progress lines on stderr
  int threads = 0;                // myvault extension: 0 means choose (see RunMysqldump)

  bool help = false, version = false;  // --help/-?, --version/-V: print and exit 0
  bool print_defaults = false;         // --print-defaults: print the option-file args, exit 0
  std::vector<std::string> print_defaults_args;  // what --print-defaults prints

  // One line per option accepted but ignored, e.g. "--column-statistics: MySQL 8 only; ignored".
  std::vector<std::string> notes;
};

// The modes --compatible takes, in the order mariadb-dump lists them in the normalized list.
inline constexpr std::string_view kCompatibleModes[] = {
    "MYSQL323", "MYSQL40",        "POSTGRESQL",       "ORACLE",           "MSSQL", "DB2",
    "MAXDB",    "NO_KEY_OPTIONS", "NO_TABLE_OPTIONS", "NO_FIELD_OPTIONS", "ANSI"};

// The start of the message of an unknown --compatible mode, mariadb-dump's words; the run
// exits 1 as mariadb-dump does (MysqldumpExitCode), where other option errors give 2.
inline constexpr std::string_view kInvalidCompatibleMode = "Invalid mode to --compatible: ";
// The start of the message of --header, --fields-* or --lines-* without --tab, mariadb-dump's
// words ("... --header", "... --fields-..."); the run exits 1 as there.
inline constexpr std::string_view kMustUseTab = "You must use option --tab with ";

// Whether `options.compatible` names a mode whose sql_mode has ANSI_QUOTES (POSTGRESQL, ORACLE,
// MSSQL, DB2, MAXDB, ANSI): mariadb-dump then quotes every name it writes with '"'.
bool AnsiQuotes(const MysqldumpOptions& options);

// Parses `args` (argv[1..], the program name and any "mysqldump" subcommand word removed, and
// -p/--password already taken out into `password`). Errors are kInvalidArgument naming the
// option, like mysqldump's "unknown option '--foo'" (with " (in FILE [group])" for an option-file
// entry), or a missing database name; kNotFound for a missing --defaults-file or
// --defaults-extra-file. With --help or --version nothing after it is parsed and no database is
// needed; with --print-defaults only print_defaults and print_defaults_args are set.
Result<MysqldumpOptions> ParseMysqldumpArgs(const std::vector<std::string>& args,
                                            const mysql::PasswordArg& password,
                                            const mysql::Environment& env);

// The --help text: usage lines and the options with one line each.
std::string MysqldumpHelp(const std::string& program);

}  // namespace myvault::mysqldump
