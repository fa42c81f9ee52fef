// mysqldump mode's command line: option files first, then one parse of everything, then
// mysqldump's rules between options, the connection merge, and the --help text.
#include "myvault/mysqldump/options.h"

#include "mysqldump/options_internal.h"

namespace myvault::mysqldump {
namespace {

using internal::ArgKind;
using internal::OptionSpec;
using internal::ParseState;

// The positionals as mysqldump reads them: `db [table ...]`, -B names, or none with -A.
// The formatting options of --tab's .txt files mean nothing without it: mariadb-dump refuses
// them (exit 1, MysqldumpExitCode), --header on its own and the --fields-*/--lines-* family with
// one message.
Status CheckTabOptions(const MysqldumpOptions& o) {
  if (!o.tab.empty()) return Status::Ok();
  for (const std::string* v :
       {&o.fields_terminated_by, &o.fields_enclosed_by, &o.fields_optionally_enclosed_by,
        &o.fields_escaped_by, &o.lines_terminated_by}) {
    if (!v->empty()) return InvalidArgument(std::string(kMustUseTab) + "--fields-...");
  }
  if (o.header) return InvalidArgument(std::string(kMustUseTab) + "--header");
  return Status::Ok();
}

Status SettleSelection(ParseState* s) {
  MysqldumpOptions& o = *s->out;
  if (s->all_databases) {
    if (!s->positionals.empty()) {
      return InvalidArgument("--all-databases takes no database or table names (got '" +
                             s->positionals.front() + "')");
    }
    o.mode = MysqldumpOptions::Mode::kAll;
  } else if (s->positionals.empty() && o.system.any()) {
    o.mode = MysqldumpOptions::Mode::kAll;  // the --system parts and nothing else
    o.only_system = true;
  } else if (s->positionals.empty()) {
    return InvalidArgument(
        "no database given: name one (`db [table ...]`), or use --databases db ... or "
        "--all-databases");
  } else if (s->databases) {
    o.mode = MysqldumpOptions::Mode::kDatabases;
    o.databases = s->positionals;
  } else {
    o.mode = MysqldumpOptions::Mode::kTables;
    o.databases = {s->positionals.front()};
    o.tables.assign(s->positionals.begin() + 1, s->positionals.end());
  }
  if (!o.ignore_databases.empty() && o.mode != MysqldumpOptions::Mode::kAll) {
    return InvalidArgument("--ignore-database can only be used together with --all-databases");
  }
  if (o.dump_history && !o.as_of.empty()) {
    return InvalidArgument("--dump-history can't be used with --as-of");
  }
  if (o.order_by_size && !o.tables.empty()) {
    return InvalidArgument("--order-by-size can't be used when dumping selected tables");
  }
  return CheckTabOptions(o);
}

// mysqldump's rules, in its order: replication coordinates need a global read lock unless the
// dump runs in one transaction, which cannot be combined with --lock-all-tables; either one
// turns the per-database --lock-tables off. --delayed-insert turns --add-locks off, whatever
// the order.
Status SettleLocking(MysqldumpOptions* o) {
  if (o->dump_slave != 0) o->lock_all_tables = !o->single_transaction;
  if (o->master_data == 1 && o->dump_slave == 1) {
    return InvalidArgument(
        "--master-data=1 and --dump-slave=1 cannot be used together (two active CHANGE MASTER "
        "statements); make one of them 2, commented out");
  }
  if (o->single_transaction && o->lock_all_tables) {
    return InvalidArgument("--single-transaction and --lock-all-tables cannot be used together");
  }
  if (o->master_data != 0) o->lock_all_tables = !o->single_transaction;
  if (o->single_transaction || o->lock_all_tables) o->lock_tables = false;
  // The server refuses INSERT DELAYED into a table held by LOCK TABLES (error 1165).
  if (o->delayed_insert) o->add_locks = false;
  return Status::Ok();
}

// --protocol=TCP reaches a local server over TCP; --protocol=SOCKET always uses the socket.
void ApplyProtocol(const std::string& protocol, mysql::ConnectionOptions* c) {
  const bool local = c->host.empty() || c->host == "localhost";
  if (protocol == "TCP" && local) c->host = "127.0.0.1";
  if (protocol == "SOCKET") c->host = "localhost";
}

std::string MaskPassword(const std::string& arg) {
  constexpr std::string_view kPassword = "--password=";
  return arg.rfind(kPassword, 0) == 0 ? std::string(kPassword) + "*****" : arg;
}

// "  -c, --complete-insert" padded to the help column, then the help, wrapped at 100 columns.
void AppendHelpLine(std::string_view option, std::string_view help, std::string* out) {
  constexpr size_t kColumn = 36;
  constexpr size_t kWidth = 100;
  *out += option;
  size_t used = option.size();
  if (used >= kColumn) {
    *out += '\n';
    used = 0;
  }
  out->append(kColumn - used, ' ');
  used = kColumn;
  while (!help.empty()) {
    const size_t end = help.find(' ');
    const std::string_view word = help.substr(0, end);
    if (used > kColumn && used + 1 + word.size() > kWidth) {
      *out += '\n';
      out->append(kColumn, ' ');
      used = kColumn;
    } else if (used > kColumn) {
      *out += ' ';
      ++used;
    }
    *out += word;
    used += word.size();
    help.remove_prefix(end == std::string_view::npos ? help.size() : end + 1);
  }
  *out += '\n';
}

std::string OptionColumn(const OptionSpec& spec) {
  std::string col = spec.short_name != 0 ? std::string("  -") + spec.short_name + ", " : "      ";
  col.append("--").append(spec.name);
  if (spec.arg == ArgKind::kRequired) col.append("=").append(spec.value_name);
  if (spec.arg == ArgKind::kOptional) col.append("[=").append(spec.value_name).append("]");
  return col;
}

}  // namespace

Result<MysqldumpOptions> ParseMysqldumpArgs(const std::vector<std::string>& args,
                                            const mysql::PasswordArg& password,
                                            const mysql::Environment& env) {
  ASSIGN_OR_RETURN(const internal::DefaultsArgs defaults, internal::TakeDefaultsArgs(args));
  ASSIGN_OR_RETURN(std::vector<internal::Arg> all, internal::OptionFileArgs(defaults.sources, env));
  MysqldumpOptions out;
  if (defaults.print_defaults) {
    out.print_defaults = true;
    for (const internal::Arg& a : all) out.print_defaults_args.push_back(MaskPassword(a.text));
    for (size_t i = defaults.consumed; i < args.size(); ++i) {
      out.print_defaults_args.push_back(args[i]);
    }
    return out;
  }
  for (size_t i = defaults.consumed; i < args.size(); ++i) all.push_back({args[i], "", false});

  ParseState state;
  state.out = &out;
  RETURN_IF_ERROR(internal::ParseArgs(all, &state));
  if (out.help || out.version) return out;
  if (password.given) {
    state.connection.password = password.value;
    state.connection.prompt_password = !password.value.has_value();
    state.connection_given.insert("password");
  }
  RETURN_IF_ERROR(SettleSelection(&state));
  RETURN_IF_ERROR(SettleLocking(&out));
  mysql::OptionSources no_files;  // the files were read above, in order
  no_files.no_defaults = true;
  no_files.db_variables = false;  // mysqldump reads MYSQL_PWD, never an application's DB_*
  ASSIGN_OR_RETURN(out.connection, mysql::ResolveConnectionOptions(
                                       state.connection, state.connection_given, no_files, env));
  ApplyProtocol(state.protocol, &out.connection);
  return out;
}

std::string MysqldumpHelp(const std::string& program) {
  std::string h = "Usage: " + program + " [OPTIONS] database [tables]\n";
  h += "OR     " + program + " [OPTIONS] --databases DB1 [DB2 DB3...]\n";
  h += "OR     " + program + " [OPTIONS] --all-databases\n\n";
  h += "myvault's mysqldump mode: one SQL stream on stdout or in --result-file, dumped by\n";
  h += "parallel connections on one snapshot (--threads).\n\n";
  h += "Option files read, in order: /etc/my.cnf /etc/mysql/my.cnf $MYSQL_HOME/my.cnf\n";
  h += "~/.my.cnf; groups [client] [client-server] [client-mariadb] [mysqldump] [mariadb-dump].\n";
  h += "These must come before all other arguments:\n";
  AppendHelpLine("  --print-defaults", "Print the option-file arguments and exit.", &h);
  AppendHelpLine("  --no-defaults", "Read no option file.", &h);
  AppendHelpLine("  --defaults-file=#", "Read only this option file.", &h);
  AppendHelpLine("  --defaults-extra-file=#", "Also read this file, before ~/.my.cnf.", &h);
  AppendHelpLine("  --defaults-group-suffix=#", "Also read the groups with this suffix.", &h);
  h += "\nEnvironment, as for mariadb-dump: MYSQL_PWD, MYSQL_TCP_PORT, MYSQL_UNIX_PORT (never\n";
  h += "an application's DB_* variables). -P on the command line means TCP, -S the socket.\n";
  h += "\nBooleans also take --skip-X, --disable-X, --enable-X and --X=0|1|ON|OFF|TRUE|FALSE;\n";
  h += "long options may be shortened to an unambiguous prefix.\n\n";
  for (const OptionSpec& spec : internal::OptionTable()) {
    std::string help(spec.help);
    if (!spec.note.empty()) help += " (ignored)";
    if (!spec.reject.empty()) help += " (not supported)";
    AppendHelpLine(OptionColumn(spec), help, &h);
  }
  return h;
}

bool AnsiQuotes(const MysqldumpOptions& options) {
  std::string_view list = options.compatible;
  while (!list.empty()) {
    const size_t comma = list.find(',');
    const std::string_view mode = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    for (std::string_view ansi : {"POSTGRESQL", "ORACLE", "MSSQL", "DB2", "MAXDB", "ANSI"}) {
      if (mode == ansi) return true;
    }
  }
  return false;
}

}  // namespace myvault::mysqldump
