// monitor's alerts are not lost: with no backup yet it waits for the first slot of --schedule, a
// STALE post the webhook refuses is tried again, a reminder follows every --remind-every while
// the directory stays unhealthy, and a signal ends the retries at once. The webhook is a loopback
// HTTP listener that fails the first posts; the directory is empty (no server needed).
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <string>

#include "../unit/http_listener.h"
#include "harness.h"
#include "myvault_cli.h"

namespace myvault::it {
namespace {

CommandOptions SlackTo(const testutil::HttpListener& slack) {
  CommandOptions options;
  options.env = {{"NOTIFY_SLACK", "true"},
                 {"SLACK_WEBHOOK_URL", slack.Url("/services/T0/B0/secret")},
                 {"BACKUP_LABEL", "shop-prod"}};
  return options;
}

TEST(MonitorAlerts, WaitsForTheFirstSlotRetriesAFailedPostAndReminds) {
  testutil::HttpListener slack;
  slack.FailFirst(1);
  TempDir dir;
  std::unique_ptr<ChildProcess> holder;
  ASSERT_OK_AND_ASSIGN(ChildProcess * child,
                       StartMyvault({"monitor", "--dir", dir.path(), "--every", "1s", "--schedule",
                                     "@every 2s", "--remind-every", "4s"},
                                    &holder, SlackTo(slack)));
  // The refused post, its retry (2 s later), then a reminder.
  ASSERT_TRUE(slack.WaitForRequests(3, std::chrono::seconds(60)));
  double seconds = 0;
  ASSERT_OK_AND_ASSIGN(CommandResult r, SignalAndWait(*child, SIGTERM, &seconds));
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  const auto requests = slack.requests();
  EXPECT_NE(requests[0].body.find("backups are STALE on shop-prod: no backup in"),
            std::string::npos)
      << requests[0].body;
  EXPECT_EQ(requests[1].body, requests[0].body) << "the retry posts the same alert";
  EXPECT_NE(requests[2].body.find("backups are still STALE on shop-prod (unhealthy for"),
            std::string::npos)
      << requests[2].body;
  // No alert before the first slot: the first check said so, and the first post came later.
  const size_t waiting = r.out.find("no backup yet: no alert before the first scheduled slot");
  const size_t retried = r.out.find("notification failed, trying again: ");
  ASSERT_NE(waiting, std::string::npos) << r.out;
  ASSERT_NE(retried, std::string::npos) << r.out;
  EXPECT_LT(waiting, retried) << r.out;
  EXPECT_NE(r.out.find("HTTP 500", retried), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("secret"), std::string::npos) << r.out;
}

// A webhook that keeps failing must not hold up SIGTERM: the wait between retries ends at once.
TEST(MonitorAlerts, ASignalEndsTheRetries) {
  testutil::HttpListener slack;
  slack.FailFirst(1000, 503);
  TempDir dir;
  std::unique_ptr<ChildProcess> holder;
  ASSERT_OK_AND_ASSIGN(
      ChildProcess * child,
      StartMyvault({"monitor", "--dir", dir.path(), "--every", "1s", "--schedule", "@every 1s"},
                   &holder, SlackTo(slack)));
  ASSERT_TRUE(slack.WaitForRequests(2, std::chrono::seconds(30)));  // a post and one retry
  double seconds = 0;
  ASSERT_OK_AND_ASSIGN(CommandResult r, SignalAndWait(*child, SIGTERM, &seconds));
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_LT(seconds, 5.0) << r.Describe();
  EXPECT_NE(r.out.find("notification failed: notification abandoned on signal"), std::string::npos)
      << r.out;
}

}  // namespace
}  // namespace myvault::it
