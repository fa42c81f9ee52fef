#include "drill_target.h"

#include <charconv>
#include <set>

namespace myvault::cli {
namespace {

// The drill's environment: DRILL_X as DB_X, and none of the backup connection's variables.
mysql::Environment DrillEnvironment(const mysql::Environment& env) {
  mysql::Environment out;
  for (const auto& [name, value] : env.vars) {
    if (name.starts_with("DB_") || name == "MYSQL_PWD") continue;
    if (name.starts_with("DRILL_")) {
      out.vars["DB_" + name.substr(6)] = value;
    } else {
      out.vars[name] = value;
    }
  }
  return out;
}

Result<unsigned> ParsePort(const std::string& text) {
  unsigned port = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (ec != std::errc() || p != text.data() + text.size() || port == 0 || port > 65535) {
    return InvalidArgument("--drill-port must be a number from 1 to 65535, got '" + text + "'");
  }
  return port;
}

}  // namespace

void DrillTargetFlags::Register(CLI::App* a) {
  app = a;
  a->add_option("--drill-schedule", schedule,
                "Run a restore drill at these times: cron (UTC), @monthly-style macro or "
                "'@every 7d' (env DRILL_SCHEDULE; default: no drill)")
      ->envname("DRILL_SCHEDULE");
  a->add_option("--drill-host", host, "Drill target host (env DRILL_HOST)");
  a->add_option("--drill-port", port_text, "Drill target TCP port (env DRILL_PORT)");
  a->add_option("--drill-socket", socket, "Drill target Unix socket");
  a->add_option("--drill-user", user,
                "Drill target user (env DRILL_USERNAME; its password from [myvault-drill], "
                "DRILL_PASSWORD or DRILL_PASSWORD_FILE)");
  a->add_flag("--drill-on-source", on_source,
              "Allow the drill into the server the backups come from (env DRILL_ON_SOURCE)")
      ->envname("DRILL_ON_SOURCE");
}

Status DrillTargetFlags::Build(const ConnectionFlags& backup, const mysql::Environment& env,
                               ops::DaemonOptions* o) const {
  o->drill_schedule = schedule;
  o->drill_on_source = on_source;
  if (schedule.empty()) return Status::Ok();
  mysql::ConnectionOptions cli;
  std::set<std::string> given;
  if (app->count("--drill-host") > 0) cli.host = host, given.insert("host");
  if (app->count("--drill-socket") > 0) cli.socket = socket, given.insert("socket");
  if (app->count("--drill-user") > 0) cli.user = user, given.insert("user");
  if (app->count("--drill-port") > 0) {
    ASSIGN_OR_RETURN(cli.port, ParsePort(port_text));
    given.insert("port");
  }
  mysql::OptionSources sources = backup.sources;
  sources.groups = {"myvault-drill"};
  const mysql::Environment drill_env = DrillEnvironment(env);
  ASSIGN_OR_RETURN(const mysql::OptionValues group, mysql::LoadOptionGroups(sources, drill_env));
  bool named = given.count("host") + given.count("port") + given.count("socket") > 0;
  for (const char* key : {"host", "port", "socket"}) named = named || group.count(key) > 0;
  for (const char* var : {"DB_HOST", "DB_PORT"}) named = named || drill_env.Get(var).has_value();
  if (!named) {
    if (!on_source) {
      return InvalidArgument(
          "--drill-schedule needs a drill target: --drill-host, --drill-port or --drill-socket, "
          "DRILL_HOST, or host/socket in the option file group [myvault-drill]; or "
          "--drill-on-source to drill into the server the backups come from");
    }
    o->drill.connection = o->backup.dump.connection;
    return Status::Ok();
  }
  ASSIGN_OR_RETURN(o->drill.connection,
                   mysql::ResolveConnectionOptions(cli, given, sources, drill_env));
  const bool local = o->drill.connection.host.empty() || o->drill.connection.host == "localhost";
  if (given.count("port") > 0 && given.count("socket") == 0 && local) {
    o->drill.connection.host = "127.0.0.1";
  }
  return Status::Ok();
}

}  // namespace myvault::cli
