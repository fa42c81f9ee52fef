#include <cstdio>

#include "commands.h"
#include "myvault/mysqldump/mysqldump.h"
#include "myvault/mysqldump/options.h"

namespace myvault::cli {
namespace {

Status RunParsed(mysqldump::MysqldumpOptions& o, ErrorCollector* errors) {
  if (o.connection.prompt_password) {
    ASSIGN_OR_RETURN(std::string p, mysql::PromptPassword("Enter password: "));
    o.connection.password = std::move(p);
    o.connection.prompt_password = false;
  }
  mysqldump::MysqldumpReport report;
  std::vector<std::string> notes;
  Status st = mysqldump::RunMysqldump(o, errors, &report, &notes);
  for (const auto& n : notes) std::fprintf(stderr, "myvault: note: %s\n", n.c_str());
  return st;
}

}  // namespace

bool IsMysqldumpName(std::string_view program) {
  size_t slash = program.rfind('/');
  if (slash != std::string_view::npos) program.remove_prefix(slash + 1);
  return program == "mysqldump" || program == "mariadb-dump";
}

int RunMysqldumpCommand(const std::string& program, const std::vector<std::string>& args,
                        const mysql::PasswordArg& password, ErrorCollector* errors) {
  auto parsed = mysqldump::ParseMysqldumpArgs(args, password, mysql::Environment::FromProcess());
  Status st = parsed.status();
  if (parsed.ok()) {
    mysqldump::MysqldumpOptions& o = *parsed;
    for (const auto& n : o.notes) std::fprintf(stderr, "myvault: note: %s\n", n.c_str());
    if (o.help) {
      std::fputs(mysqldump::MysqldumpHelp(program).c_str(), stdout);
      return kExitOk;
    }
    if (o.version) {
      std::printf("%s from myvault %s (mysqldump-compatible mode)\n", program.c_str(),
                  MYVAULT_VERSION);
      return kExitOk;
    }
    if (o.print_defaults) {
      std::printf("%s would have been started with the following arguments:\n", program.c_str());
      for (const auto& a : o.print_defaults_args) std::printf("%s ", a.c_str());
      std::printf("\n");
      return kExitOk;
    }
    st = RunParsed(o, errors);
  }
  if (st.ok() && errors->cancelled()) st = errors->first();
  if (st.ok()) return kExitOk;
  std::fprintf(stderr, "%s: error: %s\n", program.c_str(), st.message().c_str());
  return ExitCodeFor(st);
}

}  // namespace myvault::cli
