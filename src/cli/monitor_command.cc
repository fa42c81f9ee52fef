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
  std::string detail;
};

Check RunCheck(const HealthFlags& flags, int64_t max_age_s, int64_t now,
               const ErrorCollector* errors) {
  auto report = ops::InspectBackupDir(flags.Options(max_age_s), now, errors);
  if (!report.ok()) return {false, report.status().message()};
  const Status written = flags.WriteMetrics(*report);
  if (!written.ok()) Log(now, "cannot write metrics: " + written.message());
  if (!report->healthy) return {false, report->problem};
  return {true, "newest " + report->newest->backup.name + " " +
                    ops::FormatAge(report->newest_age_s) + " old"};
}

// A signal abandons a post that waits for an answer: SIGTERM stops the monitor at once.
void Notify(const ops::Notifier& notifier, const std::string& text, const ErrorCollector* errors) {
  const Status sent = notifier.Send(text, errors);
  if (!sent.ok()) Log(std::time(nullptr), "notification failed: " + sent.message());
}

}  // namespace

void MonitorCommand::Register(CLI::App* parent) {
  app = parent->add_subcommand(
      "monitor", "Check the backup directory on a loop; notify when it turns unhealthy");
  app->set_help_flag("--help", "Show this help");
  health.Register(app);
  app->add_option("--every", every_text, "Time between checks (1h, 30m, 10s)")
      ->capture_default_str();
}

Status MonitorCommand::Run(ErrorCollector* errors) {
  int64_t max_age_s = 0;
  RETURN_IF_ERROR(health.Validate(&max_age_s));
  auto every = ops::ParseDuration(every_text);
  if (!every.ok()) return InvalidArgument("--every: " + every.status().message());
  ASSIGN_OR_RETURN(const ops::NotifyConfig config, NotifyConfigFromProcess());
  const ops::Notifier notifier(config);
  const std::string host = HostLabelFromEnvironment();
  Log(std::time(nullptr), "monitoring " + health.dir.dir + " every " + ops::FormatDuration(*every) +
                              ", max age " + ops::FormatDuration(max_age_s) +
                              (notifier.enabled() ? ", Slack on" : ", Slack off"));
  std::optional<bool> was_healthy;
  while (!errors->cancelled()) {
    const int64_t now = std::time(nullptr);
    const Check check = RunCheck(health, max_age_s, now, errors);
    if (errors->cancelled()) break;
    Log(now, (check.healthy ? "healthy: " : "UNHEALTHY: ") + check.detail);
    if (!check.healthy && was_healthy != false)
      Notify(notifier, ops::StaleText(host, check.detail), errors);
    if (check.healthy && was_healthy == false) {
      Notify(notifier, ops::RecoveredText(host, check.detail), errors);
    }
    was_healthy = check.healthy;
    if (SleepUnlessCancelled(*every, errors)) break;
  }
  Log(std::time(nullptr), "stopping on signal");
  return Status::Ok();
}

}  // namespace myvault::cli
