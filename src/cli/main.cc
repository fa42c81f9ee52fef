// myvault: entry point. Parses the command line, runs one subcommand, and turns its final
// Status into the documented exit code (README "Exit codes"). Nothing else exits the process.
#include <cstdio>
#include <sstream>

#include "cli/commands.h"
#include "cli/drill_command.h"
#include "cli/help.h"
#include "cli/ops_commands.h"
#include "myvault/common/cancel.h"
#include "myvault/status.h"

int main(int argc, char** argv) {
  using namespace myvault;
  ErrorCollector errors;
  SignalWatcher signals(&errors);  // before any other thread starts
  mysql::PasswordArg password = mysql::ExtractPasswordArgs(&argc, argv);
  if (cli::IsMysqldumpName(argv[0]) || (argc > 1 && std::string_view(argv[1]) == "mysqldump")) {
    const bool by_name = cli::IsMysqldumpName(argv[0]);
    std::string program = by_name ? std::string(argv[0]) : "mysqldump";
    program = program.substr(program.rfind('/') + 1);
    return cli::RunMysqldumpCommand(program,
                                    std::vector<std::string>(argv + (by_name ? 1 : 2), argv + argc),
                                    password, &errors);
  }

  CLI::App app{"myvault: consistent parallel backups of MySQL and MariaDB"};
  app.set_help_flag("--help", "Show this help");
  app.set_version_flag("--version", std::string("myvault ") + MYVAULT_VERSION);
  app.require_subcommand(1);
  cli::DumpCommand dump;
  cli::VerifyCommand verify;
  cli::RestoreCommand restore;
  cli::BackupCommand backup;
  cli::DaemonCommand daemon;
  cli::BinlogCommand binlog;
  cli::DrillCommand drill;
  cli::PruneCommand prune;
  cli::ListCommand list;
  cli::StatusCommand status;
  cli::MonitorCommand monitor;
  cli::KeygenCommand keygen;
  dump.Register(&app);
  verify.Register(&app);
  restore.Register(&app);
  backup.Register(&app);
  daemon.Register(&app);
  binlog.Register(&app);
  prune.Register(&app);
  list.Register(&app);
  status.Register(&app);
  monitor.Register(&app);
  drill.Register(&app);
  keygen.Register(&app);
  cli::DescribeHelp(&app);
  if (argc > 1 && argv[1][0] != '-' && cli::FindSubcommand(&app, argv[1]) == nullptr) {
    const std::string word = mysql::HideUnsafeArguments(argv[1], password);
    std::fprintf(
        stderr,
        "myvault: error: unknown command '%s' (commands: dump, verify, restore, backup, "
        "daemon, binlog, prune, list, status, monitor, drill, keygen, mysqldump; see myvault "
        "--help)\n",
        word.c_str());
    return kExitUsage;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 quotes unexpected arguments: print its words only after hiding possible passwords.
    // Help and version go to stdout as CLI11 writes them; an error is one line in our format.
    if (e.get_exit_code() == 0) {
      std::ostringstream out, err;
      app.exit(e, out, err);
      std::fputs(mysql::HideUnsafeArguments(out.str(), password).c_str(), stdout);
      return kExitOk;
    }
    const std::string said = e.what();
    const std::string message = mysql::HideUnsafeArguments(said, password);
    std::fprintf(stderr, "myvault: error: %s (see --help)\n", message.c_str());
    if (message != said) std::fprintf(stderr, "myvault: note: %s\n", cli::kPasswordSpaceHint);
    return kExitUsage;
  }
  Status st;
  if (dump.app->parsed())
    st = dump.Run(password, &errors);
  else if (verify.app->parsed())
    st = verify.Run(&errors);
  else if (restore.app->parsed())
    st = restore.Run(password, &errors);
  else if (backup.app->parsed())
    st = backup.Run(password, &errors);
  else if (daemon.app->parsed())
    st = daemon.Run(password, &errors);
  else if (binlog.app->parsed())
    st = binlog.Run(password, &errors);
  else if (prune.app->parsed())
    st = prune.Run();
  else if (list.app->parsed())
    st = list.Run(&errors);
  else if (status.app->parsed())
    st = status.Run(&errors);
  else if (monitor.app->parsed())
    st = monitor.Run(&errors);
  else if (drill.app->parsed())
    st = drill.Run(password, &errors);
  else if (keygen.app->parsed())
    st = keygen.Run();
  // The long-running commands stop on SIGTERM by design: that is a clean exit 0 for them.
  const bool runs_until_signal =
      daemon.app->parsed() || monitor.app->parsed() || binlog.app->parsed();
  if (st.ok() && errors.cancelled() && !runs_until_signal) st = errors.first();
  if (!st.ok()) {
    const std::string message = mysql::HideUnsafeArguments(st.message(), password);
    std::fprintf(stderr, "myvault: error: %s\n", message.c_str());
    if (message != st.message())
      std::fprintf(stderr, "myvault: note: %s\n", cli::kPasswordSpaceHint);
    return ExitCodeFor(st);
  }
  return kExitOk;
}
