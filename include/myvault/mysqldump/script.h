// The text of a mysqldump-format SQL stream, in mysqldump's order, with the table rows left as
// placeholders for the data pipeline to fill.
//
// BuildScript turns a loaded catalog (every CREATE text read inside the snapshot) and the
// options into a list of items: text to write as is, and "the rows of table i go here". The
// order and conventions are mysqldump's:
//   header comments and /*!40101 SET ... */ session saves; replication coordinates (--master-data,
//   --dump-slave, MySQL's GTID_PURGED); then per database (CREATE DATABASE and USE only with
//   --databases/--all-databases): its sequences, then its tables, each with its structure (DROP
//   TABLE IF EXISTS, CREATE TABLE under utf8mb4), its data (LOCK TABLES ... WRITE and DISABLE KEYS
//   around the rows when asked; none for sequences and engines without local rows, see
//   dump::HasNoLocalData), its triggers (DELIMITER ;;); then the database's events and routines
//   (DELIMITER ;;); after every database, the views in catalog order ("Final view structure",
//   with each database's USE again), so that a view may use any database's tables and views;
//   --system's parts (ScriptFacts); MariaDB's deferred SET GLOBAL gtid_slave_pos; the footer
//   restoring the session and "-- Dump completed on DATE".
// Expects: catalog.views ordered dependencies first (dump::OrderViewsByDependency); the options
// as the parser leaves them (--compact only drops the header and footer here: the options it
// implies are already off, so a later --add-drop-table keeps its drops, as in mysqldump); for a
// MySQL server, facts.gtid_position set when GTIDs are on and --set-gtid-purged is not OFF.
// Pure: no server access, no clock (the date comes in ScriptFacts). Thread-safe.
#pragma once

#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include "myvault/dump/catalog.h"
#include "myvault/mysql/server_info.h"
#include "myvault/mysqldump/options.h"

namespace myvault::mysqldump {

// What the server said when the snapshot was taken, for the header and coordinates.
struct ScriptFacts {
  mysql::ServerInfo server;
  std::string host;       // for "-- Host: HOST    Database: DB"
  std::string dump_date;  // "2026-11-26 14:36:39", local time, for "-- Dump completed on"
  // --master-data: this server's position.
  std::string binlog_file, binlog_position;
  std::string gtid_position;  // MariaDB gtid_binlog_pos, or MySQL gtid_executed
  // --dump-slave: the position of this replica's source (SHOW SLAVE STATUS).
  std::string source_host, source_port, source_log_file, source_log_position;
  std::string source_gtid;  // MariaDB gtid_slave_pos
  // --system (options.system): after the databases, in this order, the plugins' statements,
  // every account's (mysql::AccountSql), the functions' and the foreign servers'; then, each
  // after `USE mysql`, the rows of the statistics tables and of the time zone tables: indexes
  // into catalog.tables, which no database's section writes.
  std::string plugins_sql, accounts_sql, udfs_sql, servers_sql;
  std::vector<size_t> stats_tables, timezone_tables;
};

struct ScriptItem {
  static constexpr size_t kText = std::numeric_limits<size_t>::max();
  std::string text;
  size_t table_rows = kText;  // not kText: the INSERTs of catalog.tables[table_rows] go here
};

std::vector<ScriptItem> BuildScript(const dump::Catalog& catalog, const MysqldumpOptions& options,
                                    const ScriptFacts& facts);

}  // namespace myvault::mysqldump
