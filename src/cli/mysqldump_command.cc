#include <cstdio>

#include "commands.h"
#include "myvault/mysqldump/mysqldump.h"
#include "myvault/mysqldump/options.h"

namespace myvault::cli {
namespace {

// Prints a line on stderr and, with --log-error, appends it to that file too; an argument that
// may be a password (mysqldump reads `-p S3cret` as a prompt and a database name) is hidden.
class Messages {
 public:
  Messages(std::string program, std::string log_path, const mysql::PasswordArg& password)
      : program_(std::move(program)), log_path_(std::move(log_path)), password_(password) {}
  void Print(const char* kind, const std::string& text) const {
    const std::string shown = mysql::HideUnsafeArguments(text, password_);
    Write(kind, shown);
    if (shown != text && !hinted_) {
      hinted_ = true;
      Write("note", kPasswordSpaceHint);
    }
  }

 private:
  void Write(const char* kind, const std::string& text) const {
    std::fprintf(stderr, "%s: %s: %s\n", program_.c_str(), kind, text.c_str());
    if (log_path_.empty()) return;
    if (std::FILE* f = std::fopen(log_path_.c_str(), "a")) {
      std::fprintf(f, "%s: %s: %s\n", program_.c_str(), kind, text.c_str());
      std::fclose(f);
    }
  }

  std::string program_, log_path_;
  const mysql::PasswordArg& password_;
  mutable bool hinted_ = false;
};

Status RunParsed(mysqldump::MysqldumpOptions& o, const Messages& messages, ErrorCollector* errors) {
  if (o.connection.prompt_password) {
    ASSIGN_OR_RETURN(std::string p, mysql::PromptPassword("Enter password: "));
    o.connection.password = std::move(p);
    o.connection.prompt_password = false;
  }
  mysqldump::MysqldumpReport report;
  std::vector<std::string> notes;
  Status st = mysqldump::RunMysqldump(o, errors, &report, &notes);
  for (const auto& n : notes) messages.Print("note", n);
  if (st.ok() && o.verbose) {
    char line[200];
    std::snprintf(line, sizeof line,
                  "%llu tables, %llu rows, %llu bytes of SQL in %.2f s (%d threads)",
                  static_cast<unsigned long long>(report.tables),
                  static_cast<unsigned long long>(report.rows),
                  static_cast<unsigned long long>(report.bytes), report.seconds, report.threads);
    messages.Print("done", line);
  }
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
  Messages messages(program, parsed.ok() ? parsed->log_error : "", password);
  if (parsed.ok()) {
    mysqldump::MysqldumpOptions& o = *parsed;
    for (const auto& n : o.notes) messages.Print("note", n);
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
      for (const auto& a : o.print_defaults_args) {
        std::printf("%s ", mysql::HideUnsafeArguments(a, password).c_str());
      }
      std::printf("\n");
      return kExitOk;
    }
    st = RunParsed(o, messages, errors);
  }
  if (st.ok() && errors->cancelled()) st = errors->first();
  if (st.ok()) return kExitOk;
  messages.Print("error", st.message());
  return mysqldump::MysqldumpExitCode(st);
}

}  // namespace myvault::cli
