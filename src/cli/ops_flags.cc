#include "ops_flags.h"

#include "myvault/mysql/options.h"
#include "myvault/ops/backup_dir.h"

namespace myvault::cli {

void BackupDirFlags::Register(CLI::App* app) {
  app->add_option("--dir", dir, "Backup directory (env BACKUP_DIR)")->envname("BACKUP_DIR");
  app->add_option("--prefix", prefix, "File name prefix of the backups (env BACKUP_PREFIX)")
      ->envname("BACKUP_PREFIX")
      ->capture_default_str();
}

Status BackupDirFlags::Validate() const {
  if (dir.empty()) return InvalidArgument("no backup directory: give --dir or set BACKUP_DIR");
  return ops::ValidatePrefix(prefix);
}

void RetentionFlags::Register(CLI::App* app) {
  app->add_option("--daily", policy.daily,
                  "Keep every backup of the last N days (env "
                  "DAILY_RETENTION)")
      ->envname("DAILY_RETENTION")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app->add_option("--weekly", policy.weekly,
                  "Keep the first backup of the last N weeks (env WEEKLY_RETENTION)")
      ->envname("WEEKLY_RETENTION")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app->add_option("--monthly", policy.monthly,
                  "Keep the first backup of the last N months (env MONTHLY_RETENTION)")
      ->envname("MONTHLY_RETENTION")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app->add_option("--manual-days", policy.manual_days,
                  "Remove manual backups older than N days (env MANUAL_RETENTION_DAYS; "
                  "default: keep them)")
      ->envname("MANUAL_RETENTION_DAYS")
      ->check(CLI::NonNegativeNumber);
}

Result<ops::NotifyConfig> NotifyConfigFromProcess() {
  return ops::NotifyConfigFromEnvironment(mysql::Environment::FromProcess());
}

std::string HostLabel(const std::string& host) { return host.empty() ? "localhost" : host; }

std::string HostLabelFromEnvironment() {
  return HostLabel(mysql::Environment::FromProcess().Get("DB_HOST").value_or(""));
}

}  // namespace myvault::cli
