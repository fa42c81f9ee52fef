// `myvault binlog` and the archiver's flags (daemon --binlog shares them).
#include <memory>

#include "commands.h"
#include "myvault/ops/notify.h"

namespace myvault::cli {

void BinlogFlags::Register(CLI::App* app) {
  app->add_option("--flush-every", flush_every_s,
                  "Seconds between syncs of the archived binlog, at a transaction boundary: the "
                  "most a committed transaction waits to be on disk (env BINLOG_FLUSH_EVERY)")
      ->envname("BINLOG_FLUSH_EVERY")
      ->capture_default_str();
  app->add_option("--server-id", server_id,
                  "The replica server id the archiver connects with (default: one derived from "
                  "--dir and --prefix, 1000000000-1999999999); unique among the server's replicas")
      ->envname("BINLOG_SERVER_ID");
}

Result<binlog::ArchiverOptions> BinlogFlags::Build(
    const std::string& dir, const std::string& prefix,
    const mysql::ConnectionOptions& connection) const {
  if (!(flush_every_s > 0) || flush_every_s > 3600) {
    return InvalidArgument("--flush-every must be more than 0 and at most 3600 seconds");
  }
  binlog::ArchiverOptions o;
  o.connection = connection;
  o.dir = dir;
  o.prefix = prefix;
  o.flush_every_s = flush_every_s;
  o.replica_server_id = server_id;
  o.log = [](const std::string& line) { StampedLine(stdout, "binlog: " + line); };
  ASSIGN_OR_RETURN(ops::NotifyConfig notify, NotifyConfigFromProcess());
  if (notify.slack) {
    auto notifier = std::make_shared<ops::Notifier>(notify);
    const std::string label =
        StackLabel(mysql::Environment::FromProcess(), prefix, HostLabel(connection.host));
    o.alert = [notifier, label, log = o.log](const std::string& text) {
      const Status st = notifier->SendWithRetry("myvault: " + text + " (" + label + ")", nullptr);
      if (!st.ok()) log("Slack: " + st.message());
    };
  }
  return o;
}

void BinlogCommand::Register(CLI::App* parent) {
  app = parent->add_subcommand(
      "binlog",
      "Archive the server's binary log into --dir until SIGTERM (point-in-time recovery)");
  app->set_help_flag("--help", "Show this help");
  dir.Register(app);
  flags.Register(app);
  connection.Register(app);
}

Status BinlogCommand::Run(const mysql::PasswordArg& password, ErrorCollector* errors) {
  RETURN_IF_ERROR(dir.Validate());
  ASSIGN_OR_RETURN(mysql::ConnectionOptions connection_options, connection.Resolve(password));
  ASSIGN_OR_RETURN(binlog::ArchiverOptions o, flags.Build(dir.dir, dir.prefix, connection_options));
  return binlog::RunArchiver(o, errors);
}

}  // namespace myvault::cli
