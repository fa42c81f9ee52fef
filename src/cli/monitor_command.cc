// `myvault monitor`: `status` on a loop, logging each check and posting state changes to Slack.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>
#include <thread>

#include "myvault/ops/cron.h"
#include "myvault/ops/health.h"
#include "myvault/ops/notify.h"
#include "ops_commands.h"

namespace myvault::cli {
namespace {

constexpr auto kSleepStep = std::chrono::milliseconds(200);

void Log(int64_t now, const std::string& text) {
  std::printf("%s %s\n", ops::FormatUtc(now, true).c_str(), text.c_str());
  std::fflush(stdout);
}

// Waits until `seconds` have passed or a signal arrived; true when cancelled.
bool SleepUnlessCancelled(int64_t seconds, const ErrorCollector* errors) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (!errors->cancelled()) {
    const auto left = deadline - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) return false;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(left, kSleepStep));
  }
  return true;
}

// One check: the state and the line that describes it ("newest NAME 1h0m old" or the problem).
struct Check {
  bool healthy = false;
  bool no_backup = false;  // the directory holds no backup at all (a fresh deployment)
  std::string detail;
};

Check RunCheck(const HealthFlags& flags, const ops::InspectOptions& options, int64_t now,
               const ErrorCollector* errors) {
  auto report = ops::InspectBackupDir(options, now, errors);
  if (!report.ok()) return {false, false, report.status().message()};
  if (Status st = flags.AddBinlog(now, &*report); !st.ok()) return {false, false, st.message()};
  const Status written = flags.WriteMetrics(*report);
  if (!written.ok()) Log(now, "cannot write metrics: " + written.message());
  if (!report->healthy) return {false, !report->newest.has_value(), report->problem};
  return {true, false,
          "newest " + report->newest->backup.name + " " + ops::FormatAge(report->newest_age_s) +
              " old"};
}

// Posts with retries (a failed post is logged and tried again with backoff); a signal abandons
// it at once. True when delivered (or when notifications are off).
bool Notify(const ops::Notifier& notifier, const std::string& text, const ErrorCollector* errors) {
  const Status sent = notifier.SendWithRetry(text, errors, {}, [](const Status& failed) {
    Log(std::time(nullptr), "notification failed, trying again: " + failed.message());
  });
  if (!sent.ok()) Log(std::time(nullptr), "notification failed: " + sent.message());
  return sent.ok();
}

// What the monitor has said about the current unhealthy spell.
struct Alerts {
  std::optional<bool> was_healthy;
  int64_t unhealthy_since = 0;
  int64_t last_alert = 0;  // when the last STALE alert or reminder was delivered; 0: none yet
};

// Sends what one check calls for: STALE (again at the next check while undelivered), a reminder
// every `remind_s`, recovered after a delivered alert.
void Alert(const ops::Notifier& notifier, const std::string& label, const Check& check, int64_t now,
           int64_t remind_s, const ErrorCollector* errors, Alerts* a) {
  if (check.healthy) {
    if (a->last_alert > 0) Notify(notifier, ops::RecoveredText(label, check.detail), errors);
    a->last_alert = 0;
    return;
  }
  if (a->was_healthy != false) a->unhealthy_since = now;
  if (a->last_alert == 0) {
    if (Notify(notifier, ops::StaleText(label, check.detail), errors)) a->last_alert = now;
  } else if (now - a->last_alert >= remind_s) {
    const std::string text = ops::StillStaleText(label, now - a->unhealthy_since, check.detail);
    if (Notify(notifier, text, errors)) a->last_alert = now;
  }
}

}  // namespace

void MonitorCommand::Register(CLI::App* parent) {
  app = parent->add_subcommand(
      "monitor", "Check the backup directory on a loop; notify when it turns unhealthy");
  app->set_help_flag("--help", "Show this help");
  health.Register(app);
  app->add_option("--every", every_text, "Time between checks (1h, 30m, 10s)")
      ->capture_default_str();
  app->add_option("--remind-every", remind_text,
                  "While unhealthy, post a reminder this often (env BACKUP_REMIND_EVERY)")
      ->envname("BACKUP_REMIND_EVERY")
      ->capture_default_str();
  app->add_option("--schedule", schedule,
                  "The daemon's schedule: with no backup yet, no alert before its first slot "
                  "(env BACKUP_SCHEDULE)")
      ->envname("BACKUP_SCHEDULE")
      ->capture_default_str();
}

Status MonitorCommand::Run(ErrorCollector* errors) {
  int64_t max_age_s = 0;
  int64_t max_drill_age_s = 0;
  RETURN_IF_ERROR(health.Validate(&max_age_s, &max_drill_age_s));
  auto every = ops::ParseDuration(every_text);
  if (!every.ok()) return InvalidArgument("--every: " + every.status().message());
  auto remind = ops::ParseDuration(remind_text);
  if (!remind.ok()) return DurationError("--remind-every", "BACKUP_REMIND_EVERY", remind.status());
  auto parsed = ops::ParseSchedule(schedule);
  if (!parsed.ok()) return InvalidArgument("--schedule: " + parsed.status().message());
  ASSIGN_OR_RETURN(const ops::NotifyConfig config, NotifyConfigFromProcess());
  const ops::Notifier notifier(config);
  const std::string label = StackLabelFromEnvironment(health.dir.prefix);
  const int64_t started = std::time(nullptr);
  const int64_t first_slot = ops::NextSlot(*parsed, started).value_or(started);
  Log(started, "monitoring " + health.dir.dir + " every " + ops::FormatDuration(*every) +
                   ", max age " + ops::FormatDuration(max_age_s) + ", reminders every " +
                   ops::FormatDuration(*remind) +
                   (notifier.enabled() ? ", Slack on" : ", Slack off"));
  const ops::InspectOptions options = health.Options(max_age_s, max_drill_age_s);
  Alerts alerts;
  while (!errors->cancelled()) {
    const int64_t now = std::time(nullptr);
    const Check check = RunCheck(health, options, now, errors);
    if (errors->cancelled()) break;
    Log(now, (check.healthy ? "healthy: " : "UNHEALTHY: ") + check.detail);
    if (check.no_backup && alerts.last_alert == 0 && now <= first_slot) {
      Log(now, "no backup yet: no alert before the first scheduled slot, " +
                   ops::FormatUtc(first_slot, false) + " UTC");
    } else {
      Alert(notifier, label, check, now, *remind, errors, &alerts);
      alerts.was_healthy = check.healthy;
    }
    if (SleepUnlessCancelled(*every, errors)) break;
  }
  Log(std::time(nullptr), "stopping on signal");
  return Status::Ok();
}

}  // namespace myvault::cli
