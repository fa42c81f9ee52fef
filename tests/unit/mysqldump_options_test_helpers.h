// Shared by the mysqldump option tests: every parsed field as text, and the fields that differ
// from a plain `mysqldump db`.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "myvault/mysqldump/options.h"

namespace myvault::mysqldump::testutil {

using Args = std::vector<std::string>;
using Fields = std::map<std::string, std::string>;

inline std::string Join(const std::vector<std::string>& v, const char* sep = ",") {
  std::string out;
  for (const std::string& s : v) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

// Every field as text, so that a test can name the ones it expects to change.
inline Fields Summary(const MysqldumpOptions& o) {
  const char* modes[] = {"tables", "databases", "all"};
  Fields f = {{"mode", modes[static_cast<int>(o.mode)]},
              {"databases", Join(o.databases)},
              {"tables", Join(o.tables)},
              {"ignore_tables", Join(o.ignore_tables)},
              {"ignore_databases", Join(o.ignore_databases)},
              {"where", o.where},
              {"compatible", o.compatible},
              {"as_of", o.as_of},
              {"master_data", std::to_string(o.master_data)},
              {"dump_slave", std::to_string(o.dump_slave)},
              {"set_gtid_purged", o.set_gtid_purged},
              {"default_character_set", o.default_character_set},
              {"max_allowed_packet", std::to_string(o.max_allowed_packet)},
              {"net_buffer_length", std::to_string(o.net_buffer_length)},
              {"result_file", o.result_file},
              {"log_error", o.log_error},
              {"max_statement_time", std::to_string(o.max_statement_time)},
              {"threads", std::to_string(o.threads)},
              {"notes", Join(o.notes, "|")},
              {"host", o.connection.host},
              {"port", std::to_string(o.connection.port)},
              {"socket", o.connection.socket},
              {"user", o.connection.user},
              {"password", o.connection.password.value_or("(none)")},
              {"prompt_password", std::to_string(o.connection.prompt_password)},
              {"ssl_mode", o.connection.ssl_mode},
              {"ssl_ca", o.connection.ssl_ca},
              {"compress", std::to_string(o.connection.compress)},
              {"conn_charset", o.connection.default_character_set}};
  const std::pair<const char*, bool> flags[] = {
      {"no_data", o.no_data},
      {"no_create_info", o.no_create_info},
      {"no_create_db", o.no_create_db},
      {"add_drop_database", o.add_drop_database},
      {"add_drop_table", o.add_drop_table},
      {"add_drop_trigger", o.add_drop_trigger},
      {"add_locks", o.add_locks},
      {"disable_keys", o.disable_keys},
      {"create_options", o.create_options},
      {"extended_insert", o.extended_insert},
      {"complete_insert", o.complete_insert},
      {"insert_ignore", o.insert_ignore},
      {"replace", o.replace},
      {"hex_blob", o.hex_blob},
      {"xml", o.xml},
      {"dump_history", o.dump_history},
      {"routines", o.routines},
      {"triggers", o.triggers},
      {"events", o.events},
      {"skip_definer", o.skip_definer},
      {"no_tablespaces", o.no_tablespaces},
      {"order_by_primary", o.order_by_primary},
      {"order_by_size", o.order_by_size},
      {"delayed_insert", o.delayed_insert},
      {"quote_names", o.quote_names},
      {"single_transaction", o.single_transaction},
      {"lock_tables", o.lock_tables},
      {"lock_all_tables", o.lock_all_tables},
      {"flush_logs", o.flush_logs},
      {"flush_privileges", o.flush_privileges},
      {"quick", o.quick},
      {"gtid", o.gtid},
      {"include_master_host_port", o.include_master_host_port},
      {"apply_slave_statements", o.apply_slave_statements},
      {"tz_utc", o.tz_utc},
      {"set_charset", o.set_charset},
      {"compact", o.compact},
      {"comments", o.comments},
      {"dump_date", o.dump_date},
      {"force", o.force},
      {"verbose", o.verbose},
      {"help", o.help},
      {"version", o.version},
      {"print_defaults", o.print_defaults}};
  for (const auto& [name, value] : flags) f[name] = std::string(1, value ? '1' : '0');
  return f;
}

// The fields of `o` that differ from a plain `mysqldump db`.
inline Fields Changed(const MysqldumpOptions& o) {
  static const Fields kDefaults = [] {
    Result<MysqldumpOptions> d = ParseMysqldumpArgs({"--no-defaults", "db"}, {}, {});
    EXPECT_TRUE(d.ok()) << d.status().ToString();
    return Summary(*d);
  }();
  Fields changed;
  for (const auto& [name, value] : Summary(o)) {
    if (kDefaults.at(name) != value) changed[name] = value;
  }
  return changed;
}

// Parses `args` after --no-defaults: no option file is read.
inline Result<MysqldumpOptions> Parse(Args args, const mysql::Environment& env = {},
                                      const mysql::PasswordArg& password = {}) {
  args.insert(args.begin(), "--no-defaults");
  return ParseMysqldumpArgs(args, password, env);
}

}  // namespace myvault::mysqldump::testutil
