#include "myvault/ops/notify.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "http_listener.h"

namespace myvault::ops {
namespace {

using testutil::HttpListener;
using Clock = std::chrono::steady_clock;

constexpr const char* kSecretPath = "/services/T000/B000/SECRETXYZ";

mysql::Environment Env(std::map<std::string, std::string> vars) { return {std::move(vars)}; }

Notifier SlackTo(const std::string& url, int timeout_s = 10, int connect_timeout_s = 5) {
  NotifyConfig config;
  config.slack = true;
  config.slack_webhook_url = url;
  config.timeout_s = timeout_s;
  config.connect_timeout_s = connect_timeout_s;
  return Notifier(config);
}

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

TEST(SlackPayloadTest, EscapesJsonStrings) {
  EXPECT_EQ(SlackPayload(""), R"({"text":""})");
  EXPECT_EQ(SlackPayload("plain text"), R"({"text":"plain text"})");
  EXPECT_EQ(SlackPayload(R"(say "hi" \ bye)"), R"({"text":"say \"hi\" \\ bye"})");
  EXPECT_EQ(SlackPayload("a\nb\tc\rd"), R"({"text":"a\u000ab\u0009c\u000dd"})");
  EXPECT_EQ(SlackPayload(std::string("nul\0x\x1f", 6)), R"({"text":"nul\u0000x\u001f"})");
  EXPECT_EQ(SlackPayload("/ and \x7f stay"), "{\"text\":\"/ and \x7f stay\"}");
}

TEST(SlackPayloadTest, PassesValidUtf8AndReplacesInvalidBytes) {
  EXPECT_EQ(SlackPayload("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
            "{\"text\":\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"}");
  EXPECT_EQ(SlackPayload("bad \xff end"), R"({"text":"bad \ufffd end"})");
  EXPECT_EQ(SlackPayload("cut \xc3"), R"({"text":"cut \ufffd"})");
  EXPECT_EQ(SlackPayload("overlong \xc0\xaf"), R"({"text":"overlong \ufffd\ufffd"})");
  EXPECT_EQ(SlackPayload("surrogate \xed\xa0\x80"), R"({"text":"surrogate \ufffd\ufffd\ufffd"})");
  EXPECT_EQ(SlackPayload("too big \xf4\x90\x80\x80"),
            R"({"text":"too big \ufffd\ufffd\ufffd\ufffd"})");
}

TEST(NotifyConfigTest, DefaultsToOffWithoutVariables) {
  auto config = NotifyConfigFromEnvironment(Env({}));
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_FALSE(config->slack);
  EXPECT_EQ(config->slack_webhook_url, "");
  EXPECT_EQ(config->timeout_s, 10);
  EXPECT_EQ(config->connect_timeout_s, 5);
  EXPECT_FALSE(Notifier(*config).enabled());
  EXPECT_TRUE(Notifier(*config).Send("nothing happens").ok());
  config = NotifyConfigFromEnvironment(Env({{"NOTIFY_SLACK", ""}}));
  ASSERT_TRUE(config.ok());
  EXPECT_FALSE(config->slack);
}

TEST(NotifyConfigTest, AcceptsBooleanSpellings) {
  const std::string url = "https://hooks.slack.com/services/T/B/X";
  for (const char* on : {"true", "TRUE", "True", "1", "yes", "YES"}) {
    auto config =
        NotifyConfigFromEnvironment(Env({{"NOTIFY_SLACK", on}, {"SLACK_WEBHOOK_URL", url}}));
    ASSERT_TRUE(config.ok()) << on << ": " << config.status().ToString();
    EXPECT_TRUE(config->slack) << on;
    EXPECT_EQ(config->slack_webhook_url, url);
    EXPECT_TRUE(Notifier(*config).enabled());
  }
  for (const char* off : {"false", "FALSE", "0", "no", "No"}) {
    auto config = NotifyConfigFromEnvironment(Env({{"NOTIFY_SLACK", off}}));
    ASSERT_TRUE(config.ok()) << off << ": " << config.status().ToString();
    EXPECT_FALSE(config->slack) << off;
  }
}

TEST(NotifyConfigTest, RejectsOtherValuesNamingTheVariable) {
  auto config = NotifyConfigFromEnvironment(Env({{"NOTIFY_SLACK", "maybe"}}));
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(config.status().message(),
            "NOTIFY_SLACK must be true or false (or 1/0, yes/no), not \"maybe\"");
  // A webhook URL put in the wrong variable is not echoed.
  config =
      NotifyConfigFromEnvironment(Env({{"NOTIFY_SLACK", std::string("https://x") + kSecretPath}}));
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().message(), "NOTIFY_SLACK must be true or false (or 1/0, yes/no)");
}

TEST(NotifyConfigTest, RequiresAnHttpUrlWhenOn) {
  auto config = NotifyConfigFromEnvironment(Env({{"NOTIFY_SLACK", "true"}}));
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(config.status().message(), "NOTIFY_SLACK is true but SLACK_WEBHOOK_URL is not set");
  config = NotifyConfigFromEnvironment(Env({{"NOTIFY_SLACK", "yes"}, {"SLACK_WEBHOOK_URL", ""}}));
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().message(), "NOTIFY_SLACK is true but SLACK_WEBHOOK_URL is not set");
  config = NotifyConfigFromEnvironment(
      Env({{"NOTIFY_SLACK", "1"}, {"SLACK_WEBHOOK_URL", std::string("file://") + kSecretPath}}));
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().message(), "SLACK_WEBHOOK_URL must start with https:// or http://");
  // Off: the URL is kept but not checked.
  config =
      NotifyConfigFromEnvironment(Env({{"NOTIFY_SLACK", "no"}, {"SLACK_WEBHOOK_URL", "whatever"}}));
  ASSERT_TRUE(config.ok());
  EXPECT_FALSE(config->slack);
}

TEST(NotifyTextTest, OneLinePerEvent) {
  EXPECT_EQ(BackupSucceededText("db1", "myvault-auto-20261126_060000.sql.gz", uint64_t{1288490189},
                                83.44),
            "myvault: backup succeeded on db1: myvault-auto-20261126_060000.sql.gz, 1.2 GiB in "
            "83.4 s");
  EXPECT_EQ(BackupSucceededText("", "x.sql.gz", 512, 0.04),
            "myvault: backup succeeded on localhost: x.sql.gz, 512 B in 0.0 s");
  EXPECT_EQ(BackupFailedText("db1", "dump: connection lost\nretry"),
            "myvault: backup FAILED on db1: dump: connection lost retry");
  EXPECT_EQ(VerifyFailedText("db1", "a.sql.gz", "member 3: checksum mismatch"),
            "myvault: verification FAILED on db1: a.sql.gz: member 3: checksum mismatch");
  EXPECT_EQ(StaleText("db1", "newest backup is 9h old (max 7h)"),
            "myvault: backups are STALE on db1: newest backup is 9h old (max 7h)");
  EXPECT_EQ(RecoveredText("db1", "newest backup is 5 min old"),
            "myvault: backups recovered on db1: newest backup is 5 min old");
  EXPECT_EQ(DrillText("db1", true, "restored 12 tables in 40 s"),
            "myvault: restore drill succeeded on db1: restored 12 tables in 40 s");
  EXPECT_EQ(DrillText("db1", false, "restore: table t: error"),
            "myvault: restore drill FAILED on db1: restore: table t: error");
}

TEST(NotifyTextTest, DescribesTheWebhookBySchemeAndHostOnly) {
  EXPECT_EQ(DescribeWebhook("https://hooks.slack.com/services/T000/B000/SECRETXYZ"),
            "the Slack webhook (https://hooks.slack.com)");
  EXPECT_EQ(DescribeWebhook("https://user:SECRETXYZ@example.com:8443/x?token=SECRETXYZ"),
            "the Slack webhook (https://example.com)");
  EXPECT_EQ(DescribeWebhook("not a url"), "the Slack webhook");
}

TEST(NotifySendTest, PostsJsonToThePath) {
  HttpListener listener(200, "ok");
  // Over 1 MiB, where libcurl would otherwise send `Expect: 100-continue` and wait for an answer.
  const std::string filler((size_t{3} << 19), 'x');
  const std::string text = "backup \"done\"\n" + filler;
  Status s = SlackTo(listener.Url(kSecretPath)).Send(text);
  ASSERT_TRUE(s.ok()) << s.ToString();
  auto requests = listener.requests();
  ASSERT_EQ(requests.size(), 1U);
  const auto& r = requests[0];
  EXPECT_EQ(r.request_line, std::string("POST ") + kSecretPath + " HTTP/1.1");
  EXPECT_EQ(r.headers.at("content-type"), "application/json");
  EXPECT_EQ(r.headers.count("expect"), 0U);
  EXPECT_EQ(r.headers.at("content-length"), std::to_string(r.body.size()));
  EXPECT_EQ(r.body, "{\"text\":\"backup \\\"done\\\"\\u000a" + filler + "\"}");
}

TEST(NotifySendTest, ServerErrorNamesStatusButNotTheSecret) {
  HttpListener listener(
      500, std::string("internal trouble at ") + kSecretPath + "\n" + std::string(400, 'z'));
  Status s = SlackTo(listener.Url(kSecretPath)).Send("hello");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kServer);
  const std::string host = "http://127.0.0.1";
  EXPECT_EQ(s.message().rfind("post to the Slack webhook (" + host +
                                  "): answered HTTP 500: "
                                  "internal trouble at <redacted> zzz",
                              0),
            0U)
      << s.message();
  EXPECT_EQ(s.message().find("SECRETXYZ"), std::string::npos) << s.message();
  EXPECT_EQ(s.message().find(std::string(201, 'z')), std::string::npos) << "body not cut";
  EXPECT_EQ(listener.requests().size(), 1U);
}

TEST(NotifySendTest, EchoedUrlAcrossTheCutIsStillRemoved) {
  HttpListener listener(403, std::string(185, 'a') + kSecretPath);
  Status s = SlackTo(listener.Url(kSecretPath)).Send("hello");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("answered HTTP 403: " + std::string(185, 'a') + "<redacted>"),
            std::string::npos)
      << s.message();
  EXPECT_EQ(s.message().find("/services"), std::string::npos) << s.message();
}

TEST(NotifySendTest, RedirectIsNotFollowed) {
  HttpListener listener(302, "");
  Status s = SlackTo(listener.Url(kSecretPath)).Send("hello");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("answered HTTP 302"), std::string::npos) << s.message();
}

TEST(NotifySendTest, SilentServerTimesOutWithoutTheSecret) {
  HttpListener listener(200, "", HttpListener::Mode::kNeverAnswer);
  const auto start = Clock::now();
  Status s = SlackTo(listener.Url(kSecretPath), 1).Send("hello");
  const double took = std::chrono::duration<double>(Clock::now() - start).count();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kConnection);
  EXPECT_NE(s.message().find("no answer within 1 s"), std::string::npos) << s.message();
  EXPECT_EQ(s.message().find("SECRETXYZ"), std::string::npos) << s.message();
  EXPECT_GE(took, 0.9);
  EXPECT_LT(took, 4.0);
  EXPECT_TRUE(listener.WaitForRequests(1, std::chrono::seconds(1)));
}

TEST(NotifySendTest, ConnectingIsBoundedOnItsOwn) {
  HttpListener port(200, "", HttpListener::Mode::kFullBacklog);
  const auto start = Clock::now();
  Status s = SlackTo(port.Url(kSecretPath), 10, 1).Send("hello");
  const double took = SecondsSince(start);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kConnection);
  EXPECT_NE(s.message().find("could not connect within 1 s"), std::string::npos) << s.message();
  EXPECT_EQ(s.message().find("SECRETXYZ"), std::string::npos) << s.message();
  EXPECT_LT(took, 4.0);
}

// SIGTERM while the webhook keeps the post waiting: abandoned at once, not at the timeout.
TEST(NotifySendTest, ASignalAbandonsAWaitingPost) {
  HttpListener listener(200, "", HttpListener::Mode::kNeverAnswer);
  ErrorCollector signal;
  std::thread terminator([&] {
    if (listener.WaitForRequests(1, std::chrono::seconds(5))) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    signal.Report(Cancelled("interrupted by SIGTERM"));
  });
  const auto start = Clock::now();
  Status s = SlackTo(listener.Url(kSecretPath), 30).Send("hello", &signal);
  const double took = SecondsSince(start);
  terminator.join();
  EXPECT_EQ(s.code(), StatusCode::kCancelled) << s.ToString();
  EXPECT_EQ(s.message(), "post to the Slack webhook (http://127.0.0.1) abandoned on a signal");
  EXPECT_EQ(listener.requests().size(), 1U);
  EXPECT_LT(took, 6.0) << "the post waited for its timeout";
}

// A failure (not a signal) in the collector must not stop the message that reports it.
TEST(NotifySendTest, AFailureIsNotASignal) {
  HttpListener listener(200, "ok");
  ErrorCollector errors;
  errors.Report(IoError("disk full"));
  Status s = SlackTo(listener.Url(kSecretPath)).Send("backup FAILED", &errors);
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(listener.requests().size(), 1U);
}

TEST(NotifySendTest, ClosedPortIsAConnectionErrorWithoutTheSecret) {
  const std::string url =
      "http://127.0.0.1:" + std::to_string(HttpListener::UnusedPort()) + kSecretPath;
  Status s = SlackTo(url, 2).Send("hello");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kConnection);
  EXPECT_EQ(s.message().rfind("post to the Slack webhook (http://127.0.0.1): ", 0), 0U)
      << s.message();
  EXPECT_EQ(s.message().find("SECRETXYZ"), std::string::npos) << s.message();
}

TEST(NotifySendTest, ConcurrentSendsAllArrive) {
  HttpListener listener(200, "ok");
  const Notifier notifier = SlackTo(listener.Url(kSecretPath));
  std::vector<std::thread> threads;
  std::vector<Status> results(4);
  for (size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([&, i] { results[i] = notifier.Send("n" + std::to_string(i)); });
  }
  for (auto& t : threads) t.join();
  for (const Status& s : results) EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(listener.requests().size(), 4U);
}

}  // namespace
}  // namespace myvault::ops

namespace myvault::ops {
namespace {

TEST(NotifyRetryTest, AFailedPostIsTriedAgainAndDelivered) {
  HttpListener listener(200, "ok");
  listener.FailFirst(2, 500);
  std::vector<std::string> retried;
  const Status s =
      SlackTo(listener.Url(kSecretPath))
          .SendWithRetry("stale", nullptr, {.attempts = 4, .first_delay_s = 1},
                         [&](const Status& failed) { retried.push_back(failed.message()); });
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(listener.requests().size(), 3U);
  ASSERT_EQ(retried.size(), 2U);
  EXPECT_NE(retried[0].find("HTTP 500"), std::string::npos) << retried[0];
  EXPECT_EQ(retried[0].find("SECRETXYZ"), std::string::npos) << retried[0];
}

TEST(NotifyRetryTest, GivesUpAfterTheLastAttempt) {
  HttpListener listener(503, "down");
  const Status s = SlackTo(listener.Url(kSecretPath))
                       .SendWithRetry("stale", nullptr, {.attempts = 2, .first_delay_s = 1});
  EXPECT_EQ(s.code(), StatusCode::kServer) << s.ToString();
  EXPECT_EQ(listener.requests().size(), 2U);
}

TEST(NotifyTextTest, BackupTextHasRowsAndTheirChange) {
  EXPECT_EQ(BackupSucceededText("shop-prod", "a.sql.gz", 2048, 1.25,
                                RowCounts{.rows = 3456789, .previous = 3455555}),
            "myvault: backup succeeded on shop-prod: a.sql.gz, 2.0 KiB in 1.2 s, 3,456,789 rows "
            "(+1,234 since the previous backup)");
  EXPECT_EQ(BackupSucceededText("db1", "a.sql.gz", 512, 0.5, RowCounts{.rows = 10, .previous = 12}),
            "myvault: backup succeeded on db1: a.sql.gz, 512 B in 0.5 s, 10 rows (-2 since the "
            "previous backup)");
  EXPECT_EQ(BackupSucceededText("db1", "a.sql.gz", 512, 0.5, RowCounts{.rows = 10}),
            "myvault: backup succeeded on db1: a.sql.gz, 512 B in 0.5 s, 10 rows (no previous "
            "backup)");
  EXPECT_EQ(StillStaleText("db1", 6 * 3600 + 60, "no backup in /b"),
            "myvault: backups are still STALE on db1 (unhealthy for 6h1m): no backup in /b");
}

}  // namespace
}  // namespace myvault::ops
