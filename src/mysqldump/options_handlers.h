// Private to src/mysqldump/options*.cc: the handlers named in the option table (one per option
// whose effect is more than setting one field), and the row builders of the two table files:
// options_table.cc (what myvault implements) and options_table_compat.cc (accepted with a note,
// or rejected).
//
// Thread safety: pure functions of their arguments.
#pragma once

#include "mysqldump/options_internal.h"

namespace myvault::mysqldump::internal {

Status OnAllDatabases(const OptionValue& v, ParseState* s);
Status OnDatabases(const OptionValue& v, ParseState* s);
Status OnTables(const OptionValue& v, ParseState* s);
Status OnOpt(const OptionValue& v, ParseState* s);
Status OnSkipOpt(const OptionValue& v, ParseState* s);
Status OnCompact(const OptionValue& v, ParseState* s);
Status OnNoSetNames(const OptionValue& v, ParseState* s);
Status OnIgnoreTable(const OptionValue& v, ParseState* s);
Status OnIgnoreTableData(const OptionValue& v, ParseState* s);
Status OnResetDefaultCharacterSet(const OptionValue& v, ParseState* s);
Status OnIgnoreDatabase(const OptionValue& v, ParseState* s);
Status OnSystem(const OptionValue& v, ParseState* s);
Status OnCompatible(const OptionValue& v, ParseState* s);
Status OnMasterData(const OptionValue& v, ParseState* s);
Status OnDumpSlave(const OptionValue& v, ParseState* s);
Status OnSetGtidPurged(const OptionValue& v, ParseState* s);
Status OnMaxAllowedPacket(const OptionValue& v, ParseState* s);
Status OnNetBufferLength(const OptionValue& v, ParseState* s);
Status OnMaxStatementTime(const OptionValue& v, ParseState* s);
Status OnThreads(const OptionValue& v, ParseState* s);
Status OnPort(const OptionValue& v, ParseState* s);
Status OnSocket(const OptionValue& v, ParseState* s);
Status OnPassword(const OptionValue& v, ParseState* s);
Status OnSsl(const OptionValue& v, ParseState* s);
Status OnSslVerifyServerCert(const OptionValue& v, ParseState* s);
Status OnCompress(const OptionValue& v, ParseState* s);
Status OnDefaultCharacterSet(const OptionValue& v, ParseState* s);
Status OnProtocol(const OptionValue& v, ParseState* s);
Status OnHelp(const OptionValue& v, ParseState* s);
Status OnVersion(const OptionValue& v, ParseState* s);

// The options accepted with a note or rejected (options_table_compat.cc), in any order.
std::span<const OptionSpec> CompatOptionTable();

// ---- Row builders -----------------------------------------------------------------------------

// A boolean that sets one field.
constexpr OptionSpec Flag(std::string_view name, char short_name, bool MysqldumpOptions::*flag,
                          std::string_view help) {
  return {.name = name, .short_name = short_name, .flag = flag, .help = help};
}

// A value that sets one string field.
constexpr OptionSpec Text(std::string_view name, char short_name,
                          std::string MysqldumpOptions::*text, std::string_view help) {
  return {.name = name,
          .short_name = short_name,
          .arg = ArgKind::kRequired,
          .text = text,
          .help = help};
}

// A value that sets one connection field, named like the option.
constexpr OptionSpec Conn(std::string_view name, char short_name,
                          std::string mysql::ConnectionOptions::*field, std::string_view help) {
  return {.name = name,
          .short_name = short_name,
          .arg = ArgKind::kRequired,
          .connection_text = field,
          .help = help};
}

// An option with a handler.
constexpr OptionSpec Run(std::string_view name, char short_name, ArgKind arg, Handler apply,
                         std::string_view help, std::string_view value_name = "name") {
  return {.name = name,
          .short_name = short_name,
          .arg = arg,
          .apply = apply,
          .value_name = value_name,
          .help = help};
}

// Accepted, with `note` recorded when given (for a boolean: when its value is `when`).
constexpr OptionSpec Note(std::string_view name, char short_name, ArgKind arg,
                          std::string_view note, std::string_view help, When when = When::kOn) {
  return {
      .name = name, .short_name = short_name, .arg = arg, .note = note, .when = when, .help = help};
}

// Rejected with `reason` when given (for a boolean: when turned on).
constexpr OptionSpec Reject(std::string_view name, char short_name, ArgKind arg,
                            std::string_view reason, std::string_view help) {
  return {.name = name, .short_name = short_name, .arg = arg, .reject = reason, .help = help};
}

}  // namespace myvault::mysqldump::internal
