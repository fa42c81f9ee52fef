#include "help.h"

#include <algorithm>

namespace myvault::cli {
namespace {

// Read by src/mysql/options.cc for every command that connects (ConnectionFlags).
const std::vector<std::string> kConnection = {"DB_HOST",     "DB_PORT",          "DB_USERNAME",
                                              "DB_PASSWORD", "DB_PASSWORD_FILE", "MYSQL_PWD"};
// Read by src/storage/s3_config.cc for every command that takes a backup
// location or an archive, which may be s3://BUCKET/PREFIX.
const std::vector<std::string> kS3 = {
    "AWS_ACCESS_KEY_ID",           "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",   "AWS_REGION",
    "AWS_DEFAULT_REGION",          "AWS_ENDPOINT_URL",      "AWS_ENDPOINT_URL_S3", "AWS_PROFILE",
    "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE"};
// Read by ops/notify.cc (NotifyConfigFromProcess).
const std::vector<std::string> kSlack = {"NOTIFY_SLACK", "SLACK_WEBHOOK_URL"};

bool Has(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

void Add(std::vector<std::string>* out, const std::vector<std::string>& names) {
  for (const std::string& n : names) {
    if (!Has(*out, n)) out->push_back(n);
  }
}

// "  A, B, C, ..." wrapped before column 96.
std::string Wrapped(const std::vector<std::string>& names) {
  std::string out, line = " ";
  for (size_t i = 0; i < names.size(); ++i) {
    const std::string word = " " + names[i] + (i + 1 < names.size() ? "," : "");
    if (line.size() + word.size() > 96) {
      out += line + "\n";
      line = " ";
    }
    line += word;
  }
  return out + line;
}

}  // namespace

std::vector<std::string> EnvironmentOf(CLI::App* app) {
  const std::string name = app->get_name();
  std::vector<std::string> out;
  if (app->get_option_no_throw("--defaults-file") != nullptr) {
    Add(&out, kConnection);
    if (name == "dump" || name == "backup" || name == "daemon") Add(&out, {"DB_DATABASE"});
  }
  for (const CLI::Option* o : app->get_options()) {
    if (!o->get_envname().empty()) Add(&out, {o->get_envname()});
  }
  if (name == "backup" || name == "daemon" || name == "drill" || name == "monitor" ||
      name == "status" || name == "binlog") {
    Add(&out, kSlack);
  }
  if (name == "status" || name == "monitor") Add(&out, {"DB_HOST"});  // the name alerts use
  if (name == "backup" || name == "daemon" || name == "status" || name == "monitor" ||
      name == "binlog") {
    Add(&out, {"BACKUP_LABEL"});
  }
  if (name != "mysqldump" && name != "keygen" && name != "binlog") Add(&out, kS3);
  if (name == "dump" || name == "backup" || name == "daemon") Add(&out, {"MYVAULT_S3_PART_SIZE"});
  if (name == "daemon") {  // the drill target (drill_target.cc)
    Add(&out,
        {"DRILL_HOST", "DRILL_PORT", "DRILL_USERNAME", "DRILL_PASSWORD", "DRILL_PASSWORD_FILE"});
  }
  return out;
}

void DescribeHelp(CLI::App* root) {
  root->footer(
      "mysqldump mode: `myvault mysqldump [mysqldump's options]`, or myvault run under the name\n"
      "mysqldump or mariadb-dump (a symlink), is a drop-in mysqldump: same options, output and\n"
      "exit codes, reading only what mysqldump reads (MYSQL_PWD, MYSQL_TCP_PORT,\n"
      "MYSQL_UNIX_PORT, option files). `myvault mysqldump --help` lists its options.\n\n"
      "A backup directory (--dir) or an archive (--output, FILE) may be s3://BUCKET/PREFIX:\n"
      "S3-compatible object storage, credentials as the AWS tools read them (README, \"Object\n"
      "storage\").\n\n"
      "Each command's --help ends with the environment variables it reads; a flag given wins\n"
      "over its variable. Exit codes: README, \"Exit codes\".");
  for (CLI::App* sub : root->get_subcommands([](CLI::App*) { return true; })) {
    const std::vector<std::string> env = EnvironmentOf(sub);
    std::string text = sub->get_footer();
    if (!text.empty()) text += "\n\n";
    text += env.empty() ? "Environment: none is read."
                        : "Environment (a flag given wins over its variable):\n" + Wrapped(env);
    sub->footer(text);
  }
}

CLI::App* FindSubcommand(CLI::App* root, const std::string& name) {
  for (CLI::App* sub : root->get_subcommands([](CLI::App*) { return true; })) {
    if (sub->get_name() == name) return sub;
  }
  return nullptr;
}

}  // namespace myvault::cli
