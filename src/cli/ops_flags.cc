#include "ops_flags.h"

#include <charconv>
#include <ctime>

#include "myvault/mysql/options.h"
#include "myvault/ops/backup_dir.h"

namespace myvault::cli {

void BackupDirFlags::Register(CLI::App* app) {
  app->add_option("--dir", dir, "Backup directory, or s3://BUCKET/PREFIX (env BACKUP_DIR)")
      ->envname("BACKUP_DIR");
  app->add_option("--prefix", prefix, "File name prefix of the backups (env BACKUP_PREFIX)")
      ->envname("BACKUP_PREFIX")
      ->capture_default_str();
}

Status BackupDirFlags::Validate() const {
  if (dir.empty()) return InvalidArgument("no backup directory: give --dir or set BACKUP_DIR");
  return ops::ValidatePrefix(prefix);
}

namespace {
constexpr int kMaxDays = 100000;  // retention counts: more is surely a typo
}  // namespace

CLI::Validator WholeNumber(int max, const std::string& flag, const std::string& env) {
  return CLI::Validator(
      [=](std::string& value) -> std::string {
        int n = -1;
        const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
        if (ec == std::errc() && end == value.data() + value.size() && n >= 0 && n <= max) {
          return "";
        }
        return "'" + value.substr(0, 40) + (value.size() > 40 ? "..." : "") +
               "' is not a whole number from 0 to " + std::to_string(max) + " (" + flag + " or " +
               env + ")";
      },
      "0.." + std::to_string(max));
}

Status DurationError(const std::string& flag, const std::string& env, const Status& parsed) {
  return InvalidArgument(flag + ": " + parsed.message() + " (" + flag + " or " + env +
                         ": a count and a unit, d, h, m or s, as in 30m, 6h or 1h30m)");
}

void RetentionFlags::Register(CLI::App* app) {
  app->add_option("--daily", policy.daily,
                  "Keep every backup of the last N days (env "
                  "DAILY_RETENTION)")
      ->envname("DAILY_RETENTION")
      ->check(WholeNumber(kMaxDays, "--daily", "DAILY_RETENTION"))
      ->capture_default_str();
  app->add_option("--weekly", policy.weekly,
                  "Keep the first backup of the last N weeks (env WEEKLY_RETENTION)")
      ->envname("WEEKLY_RETENTION")
      ->check(WholeNumber(kMaxDays, "--weekly", "WEEKLY_RETENTION"))
      ->capture_default_str();
  app->add_option("--monthly", policy.monthly,
                  "Keep the first backup of the last N months (env MONTHLY_RETENTION)")
      ->envname("MONTHLY_RETENTION")
      ->check(WholeNumber(kMaxDays, "--monthly", "MONTHLY_RETENTION"))
      ->capture_default_str();
  app->add_option("--manual-days", policy.manual_days,
                  "Remove manual backups older than N days (env MANUAL_RETENTION_DAYS; "
                  "default: keep them)")
      ->envname("MANUAL_RETENTION_DAYS")
      ->check(WholeNumber(kMaxDays, "--manual-days", "MANUAL_RETENTION_DAYS"));
}

Result<ops::NotifyConfig> NotifyConfigFromProcess() {
  return ops::NotifyConfigFromEnvironment(mysql::Environment::FromProcess());
}

std::string HostLabel(const std::string& host) { return host.empty() ? "localhost" : host; }

std::string HostLabelFromEnvironment() {
  return HostLabel(mysql::Environment::FromProcess().Get("DB_HOST").value_or(""));
}

std::string StackLabel(const mysql::Environment& env, const std::string& prefix,
                       const std::string& host_label) {
  const std::string label = env.Get("BACKUP_LABEL").value_or("");
  return label.empty() ? prefix + "@" + host_label : label;
}

std::string StackLabelFromEnvironment(const std::string& prefix) {
  return StackLabel(mysql::Environment::FromProcess(), prefix, HostLabelFromEnvironment());
}

void StampedLine(FILE* out, const std::string& line) {
  const time_t now = std::time(nullptr);
  struct tm tm {};
  gmtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
  std::fprintf(out, "%s %s\n", stamp, line.c_str());
  std::fflush(out);
}

}  // namespace myvault::cli
