// The option table, part one: the options myvault's mysqldump mode implements (the rest are in
// options_table_compat.cc), and how one occurrence of an option is applied.
#include <algorithm>
#include <iterator>

#include "mysqldump/options_handlers.h"

namespace myvault::mysqldump::internal {
namespace {

using O = MysqldumpOptions;
using C = mysql::ConnectionOptions;
constexpr ArgKind kNone = ArgKind::kNone;
constexpr ArgKind kBool = ArgKind::kBool;
constexpr ArgKind kRequired = ArgKind::kRequired;
constexpr ArgKind kOptional = ArgKind::kOptional;

constexpr OptionSpec kOptions[] = {
    Flag("add-drop-database", 0, &O::add_drop_database, "DROP DATABASE before CREATE DATABASE."),
    Flag("add-drop-table", 0, &O::add_drop_table, "DROP TABLE before CREATE TABLE (default on)."),
    Flag("add-drop-trigger", 0, &O::add_drop_trigger, "DROP TRIGGER before CREATE TRIGGER."),
    Flag("add-locks", 0, &O::add_locks, "LOCK TABLES WRITE around each table's rows (default on)."),
    Run("all-databases", 'A', kBool, OnAllDatabases, "Dump every database (no names given)."),
    Run("system", 0, kRequired, OnSystem,
        "Server-wide objects after the databases, comma separated (MariaDB): users (accounts, "
        "roles, grants), plugins (INSTALL PLUGIN), udfs (CREATE FUNCTION ... SONAME), servers "
        "(CREATE SERVER), stats (statistics tables' rows), timezones (time zone tables' rows), "
        "or all.",
        "list"),
    Text("as-of", 0, &O::as_of,
         "System-versioned tables as they were at this time (in the --tz-utc time zone)."),
    Flag("apply-replica-statements", 0, &O::apply_slave_statements,
         "MySQL name of --apply-slave-statements."),
    Flag("apply-slave-statements", 0, &O::apply_slave_statements,
         "STOP SLAVE before CHANGE MASTER, START SLAVE at the end."),
    Flag("comments", 'i', &O::comments, "Header and banner comments (default on)."),
    Run("compact", 0, kBool, OnCompact,
        "Same as --skip-add-drop-table --skip-add-locks --skip-comments --skip-disable-keys "
        "--skip-set-charset."),
    Flag("complete-insert", 'c', &O::complete_insert, "Name the columns in every INSERT."),
    Run("compress", 'C', kBool, OnCompress, "Compress the client/server protocol (zlib)."),
    Run("compatible", 0, kRequired, OnCompatible,
        "CREATE texts as the server writes them under these sql_modes, comma separated: "
        "mysql323, mysql40, postgresql, oracle, mssql, db2, maxdb, no_key_options, "
        "no_table_options, no_field_options, ansi; names in \"double quotes\" with postgresql, "
        "oracle, mssql, db2, maxdb or ansi; implies --quote-names --skip-set-charset.",
        "list"),
    Flag("create-options", 'a', &O::create_options, "Table options in CREATE TABLE (default on)."),
    Run("databases", 'B', kBool, OnDatabases, "Every name is a database: CREATE DATABASE, USE."),
    Flag("delayed-insert", 0, &O::delayed_insert,
         "INSERT DELAYED for MyISAM, ARCHIVE and MEMORY tables; plain INSERT for the others."),
    Run("default-character-set", 0, kRequired, OnDefaultCharacterSet,
        "Character set of SET NAMES (default utf8mb4)."),
    Run("disable-default-character-set", 0, kBool, OnResetDefaultCharacterSet,
        "Back to the default character set (as --skip-default-character-set)."),
    Run("skip-default-character-set", 0, kBool, OnResetDefaultCharacterSet,
        "Back to the default character set."),
    Flag("disable-keys", 'K', &O::disable_keys,
         "DISABLE KEYS / ENABLE KEYS around each table's rows (default on)."),
    Flag("dump-date", 0, &O::dump_date, "Date in the closing comment (default on)."),
    Flag("dump-history", 'H', &O::dump_history,
         "System-versioned tables with their history (timestamp-based versioning)."),
    Run("dump-replica", 0, kOptional, OnDumpSlave, "MySQL name of --dump-slave.", "#"),
    Run("dump-slave", 0, kOptional, OnDumpSlave,
        "CHANGE MASTER to this replica's source: 1, or 2 commented out.", "#"),
    Flag("events", 'E', &O::events, "Dump events."),
    Flag("extended-insert", 'e', &O::extended_insert, "Multi-row INSERTs (default on)."),
    Flag("flush-logs", 'F', &O::flush_logs, "FLUSH LOGS before the dump."),
    Flag("flush-privileges", 0, &O::flush_privileges, "FLUSH PRIVILEGES after the mysql database."),
    Flag("force", 'f', &O::force, "Continue after an SQL error."),
    Flag("gtid", 0, &O::gtid, "CHANGE MASTER by GTID position (MariaDB)."),
    Run("help", '?', kNone, OnHelp, "Print this help and exit."),
    Text("fields-enclosed-by", 0, &O::fields_enclosed_by, "With --tab: field quote."),
    Text("fields-escaped-by", 0, &O::fields_escaped_by, "With --tab: escape character."),
    Text("fields-optionally-enclosed-by", 0, &O::fields_optionally_enclosed_by,
         "With --tab: quote for string fields."),
    Text("fields-terminated-by", 0, &O::fields_terminated_by, "With --tab: field separator."),
    Flag("header", 0, &O::header, "With --tab: a first line of column names."),
    Flag("hex-blob", 0, &O::hex_blob, "Binary columns as 0x... literals."),
    Conn("host", 'h', &C::host, "Server host."),
    Run("ignore-database", 0, kRequired, OnIgnoreDatabase,
        "With --all-databases: leave this database out (repeatable)."),
    Run("ignore-table", 0, kRequired, OnIgnoreTable, "Leave this table out (repeatable).",
        "db.table"),
    Run("ignore-table-data", 0, kRequired, OnIgnoreTableData,
        "Dump this table's definition without its rows (repeatable).", "db.table"),
    Flag("include-master-host-port", 0, &O::include_master_host_port,
         "With --dump-slave: MASTER_HOST and MASTER_PORT too."),
    Flag("include-source-host-port", 0, &O::include_master_host_port,
         "MySQL name of --include-master-host-port."),
    Flag("insert-ignore", 0, &O::insert_ignore, "INSERT IGNORE."),
    Flag("lock-all-tables", 'x', &O::lock_all_tables, "Global read lock for the whole dump."),
    Flag("lock-tables", 'l', &O::lock_tables,
         "Lock each database's tables while it is dumped (default on)."),
    Text("lines-terminated-by", 0, &O::lines_terminated_by, "With --tab: line terminator."),
    Text("log-error", 0, &O::log_error, "Append warnings and errors to this file."),
    Run("master-data", 0, kOptional, OnMasterData,
        "CHANGE MASTER to this server's binlog position: 1, or 2 commented out.", "#"),
    Run("max-allowed-packet", 0, kRequired, OnMaxAllowedPacket, "Largest packet (default 16M).",
        "#"),
    Run("max-statement-time", 0, kRequired, OnMaxStatementTime,
        "Seconds a query may run; 0: no limit (MariaDB).", "#"),
    Run("net-buffer-length", 0, kRequired, OnNetBufferLength,
        "Largest multi-row INSERT in bytes (default 1046528).", "#"),
    Flag("no-create-db", 'n', &O::no_create_db, "No CREATE DATABASE."),
    Flag("no-create-info", 't', &O::no_create_info, "No CREATE TABLE."),
    Flag("no-data", 'd', &O::no_data, "No rows."),
    Run("no-set-names", 'N', kNone, OnNoSetNames, "Same as --skip-set-charset."),
    Flag("no-tablespaces", 'y', &O::no_tablespaces, "No tablespace information."),
    Run("opt", 0, kNone, OnOpt,
        "Same as --add-drop-table --add-locks --create-options --disable-keys --extended-insert "
        "--lock-tables --quick --set-charset (default)."),
    Flag("order-by-primary", 0, &O::order_by_primary, "Rows in primary key order."),
    Flag("order-by-size", 0, &O::order_by_size,
         "Each database's tables smallest first (by data_length, then name; MariaDB)."),
    Run("password", 'p', kOptional, OnPassword,
        "Password; without a value, asked on the terminal."),
    Run("port", 'P', kRequired, OnPort, "Server TCP port.", "#"),
    Run("protocol", 0, kRequired, OnProtocol, "TCP or SOCKET."),
    Flag("quick", 'q', &O::quick, "Stream rows (default on; myvault always streams)."),
    Flag("quote-names", 'Q', &O::quote_names,
         "Names in backticks (default on); --skip-quote-names: only names that need them."),
    Flag("replace", 0, &O::replace, "REPLACE instead of INSERT."),
    Text("result-file", 'r', &O::result_file, "Write to this file instead of stdout."),
    Flag("routines", 'R', &O::routines, "Dump stored procedures and functions."),
    Flag("set-charset", 0, &O::set_charset, "SET NAMES in the header (default on)."),
    Run("set-gtid-purged", 0, kRequired, OnSetGtidPurged,
        "OFF, ON, AUTO or COMMENTED: SET @@GLOBAL.GTID_PURGED (MySQL; default AUTO)."),
    Flag("single-transaction", 0, &O::single_transaction,
         "Consistent snapshot in one transaction; turns --lock-tables off."),
    Flag("skip-definer", 0, &O::skip_definer, "No DEFINER= in views, routines, triggers, events."),
    Run("skip-opt", 0, kNone, OnSkipOpt, "Turn off what --opt turns on."),
    Run("socket", 'S', kRequired, OnSocket, "Unix socket file."),
    Run("source-data", 0, kOptional, OnMasterData, "MySQL name of --master-data.", "#"),
    Run("ssl", 0, kBool, OnSsl, "--skip-ssl: no TLS; --ssl: as the --ssl-* options say."),
    Conn("ssl-ca", 0, &C::ssl_ca, "CA file (PEM)."),
    Conn("ssl-capath", 0, &C::ssl_capath, "CA directory."),
    Conn("ssl-cert", 0, &C::ssl_cert, "Client certificate (PEM)."),
    Conn("ssl-cipher", 0, &C::ssl_cipher, "TLS ciphers."),
    Conn("ssl-key", 0, &C::ssl_key, "Client key (PEM)."),
    Conn("ssl-mode", 0, &C::ssl_mode, "DISABLED, PREFERRED, REQUIRED, VERIFY_CA, VERIFY_IDENTITY."),
    Run("ssl-verify-server-cert", 0, kBool, OnSslVerifyServerCert,
        "Check the server certificate's host name."),
    Run("tables", 0, kNone, OnTables, "Undo --databases."),
    Run("threads", 0, kRequired, OnThreads, "Dump connections (myvault; 0: choose).", "#"),
    Flag("triggers", 0, &O::triggers, "Dump triggers (default on)."),
    Flag("tz-utc", 0, &O::tz_utc, "TIMESTAMPs in UTC, SET TIME_ZONE='+00:00' (default on)."),
    Conn("user", 'u', &C::user, "User to log in as."),
    Flag("verbose", 'v', &O::verbose, "Progress lines on stderr."),
    Run("version", 'V', kNone, OnVersion, "Print the version and exit."),
    Text("tab", 'T', &O::tab,
         "DIR.sql and DIR.txt per table: the server writes the rows (SELECT ... INTO OUTFILE), "
         "so DIR is on the server's host."),
    Text("where", 'w', &O::where, "Only rows matching this condition."),
    Flag("xml", 'X', &O::xml, "An XML document in mariadb-dump's layout instead of SQL."),
};

}  // namespace

std::span<const OptionSpec> OptionTable() {
  static const std::vector<OptionSpec> kTable = [] {
    std::vector<OptionSpec> t(std::begin(kOptions), std::end(kOptions));
    const std::span<const OptionSpec> compat = CompatOptionTable();
    t.insert(t.end(), compat.begin(), compat.end());
    std::sort(t.begin(), t.end(),
              [](const OptionSpec& a, const OptionSpec& b) { return a.name < b.name; });
    return t;
  }();
  return kTable;
}

void AddNote(ParseState* state, std::string note) {
  std::vector<std::string>& notes = state->out->notes;
  if (std::find(notes.begin(), notes.end(), note) == notes.end()) notes.push_back(std::move(note));
}

Status ApplyOption(const OptionSpec& spec, const OptionValue& value, ParseState* state) {
  const bool about_this_value = spec.arg != ArgKind::kBool || spec.when == When::kAlways ||
                                (spec.when == When::kOn) == value.on;
  const std::string dashed = "--" + std::string(spec.name);
  if (!spec.reject.empty()) {
    if (!about_this_value) return Status::Ok();
    return InvalidArgument(
        "option '" + dashed +
        "' is not supported by myvault's mysqldump mode: " + std::string(spec.reject));
  }
  if (!spec.note.empty()) {
    if (about_this_value) AddNote(state, dashed + ": " + std::string(spec.note));
    return Status::Ok();
  }
  if (spec.flag != nullptr) state->out->*spec.flag = value.on;
  if (spec.text != nullptr) state->out->*spec.text = value.text.value_or("");
  if (spec.connection_text != nullptr) {
    state->connection.*spec.connection_text = value.text.value_or("");
    state->connection_given.insert(std::string(spec.name));
  }
  if (spec.apply != nullptr) return spec.apply(value, state);
  return Status::Ok();
}

}  // namespace myvault::mysqldump::internal
