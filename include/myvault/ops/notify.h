// Notifications: one-line messages about backups, posted to a Slack incoming webhook.
//
// The configuration comes from the environment (NOTIFY_SLACK, SLACK_WEBHOOK_URL; there are no
// flags: the URL is a secret and must not appear in argv). A Notifier posts `{"text": ...}` with
// libcurl, synchronously, bounded by connect_timeout_s to connect and timeout_s for the whole
// request, and abandoned at once (within 100 ms) when a signal reaches the ErrorCollector passed
// to Send; no redirect is followed and any HTTP status other than 2xx is an error. Delivery
// failures come back as a Status for the caller to log: a notification never decides whether a
// backup succeeded.
//
// The webhook URL is a credential. No Status message produced here contains it or any part of its
// path; errors name "the Slack webhook" and at most the URL's scheme and host.
//
// The *Text() functions build the messages: one line each (newlines in causes become blanks),
// starting "myvault: ", with the host label the caller passes (the database host; empty is shown
// as "localhost", the Unix-socket default).
//
// Thread safety: everything is safe from any thread; Send() may run concurrently on one Notifier
// (each call uses its own libcurl handle; curl_global_init runs once, under std::call_once).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "myvault/common/cancel.h"
#include "myvault/mysql/options.h"
#include "myvault/status.h"

namespace myvault::ops {

struct NotifyConfig {
  bool slack = false;
  std::string slack_webhook_url;  // a secret: never print it
  int connect_timeout_s = 5;      // to connect, seconds (> 0)
  int timeout_s = 10;             // the whole request, connecting included, seconds (> 0)
};

// Reads NOTIFY_SLACK (true/false, 1/0, yes/no, any case; unset or empty = false) and
// SLACK_WEBHOOK_URL (empty = unset). InvalidArgument for another NOTIFY_SLACK value, for
// NOTIFY_SLACK true without a URL, and for a URL that is not http:// or https://.
Result<NotifyConfig> NotifyConfigFromEnvironment(const mysql::Environment& env);

// `s` as a JSON string literal, quotes included, escaped as SlackPayload describes.
std::string JsonString(std::string_view s);

// The Slack webhook body: {"text":"..."} with JSON string escaping (\" \\, control characters as
// \u00XX, valid UTF-8 kept as is, each byte of an invalid UTF-8 sequence as \ufffd).
std::string SlackPayload(std::string_view text);

// "the Slack webhook (https://hooks.slack.com)": the URL with everything but scheme and host cut
// (user info, port, path, query). Just "the Slack webhook" when the URL cannot be parsed.
std::string DescribeWebhook(const std::string& url);

// How SendWithRetry tries again: at most `attempts` posts in all, the first retry after
// first_delay_s, each further wait doubled up to max_delay_s.
struct RetryPolicy {
  int attempts = 5;
  int first_delay_s = 2;
  int max_delay_s = 60;
};

class Notifier {
 public:
  explicit Notifier(NotifyConfig config);

  bool enabled() const { return config_.slack; }
  // Posts SlackPayload(text). Ok without doing anything when disabled. Errors: kInvalidArgument
  // (no URL, a timeout <= 0), kConnection (cannot connect, timeout, TLS), kServer (HTTP status
  // outside 2xx; the message has the status and at most 200 bytes of the response body),
  // kCancelled (`signal`, when given, was interrupted(): a SIGTERM ends the wait at once).
  Status Send(std::string_view text, const ErrorCollector* signal = nullptr) const;
  // Send, tried again with backoff after kConnection or kServer (with the defaults: 5 posts over
  // about 30 s); `on_retry`, when given, hears each failure that is tried again. The last error
  // when every post failed; kCancelled at once when `signal` is interrupted during a post or a
  // wait. Other errors are not retried.
  Status SendWithRetry(std::string_view text, const ErrorCollector* signal,
                       const RetryPolicy& policy = {},
                       const std::function<void(const Status&)>& on_retry = nullptr) const;

 private:
  NotifyConfig config_;
};

// ---- Message texts -------------------------------------------------------------------------

// The rows a backup holds (its index's count, tables only) and those of the backup before it.
struct RowCounts {
  uint64_t rows = 0;
  std::optional<uint64_t> previous;  // nullopt: no previous backup (or it could not be read)
};

// "myvault: backup succeeded on LABEL: NAME, 1.2 GiB in 83.4 s", and with `rows` ", 1,434 rows
// (+12 since the previous backup)" or ", 1,434 rows (no previous backup)".
std::string BackupSucceededText(std::string_view host_label, std::string_view file_name,
                                uint64_t size_bytes, double seconds,
                                const std::optional<RowCounts>& rows = std::nullopt);
// "myvault: backup FAILED on HOST: CAUSE"
std::string BackupFailedText(std::string_view host_label, std::string_view cause);
// "myvault: backup INCOMPLETE on HOST: CAUSE" (kept, but it leaves out what it should hold)
std::string BackupIncompleteText(std::string_view host_label, std::string_view cause);
// "myvault: verification FAILED on HOST: FILE: CAUSE"
std::string VerifyFailedText(std::string_view host_label, std::string_view file,
                             std::string_view cause);
// "myvault: backups are STALE on HOST: DETAIL"
std::string StaleText(std::string_view host_label, std::string_view detail);
// "myvault: backups are still STALE on HOST (unhealthy for 6h0m): DETAIL"
std::string StillStaleText(std::string_view host_label, int64_t for_seconds,
                           std::string_view detail);
// "myvault: backups recovered on HOST: DETAIL"
std::string RecoveredText(std::string_view host_label, std::string_view detail);
// "myvault: restore drill succeeded on HOST: DETAIL" or "myvault: restore drill FAILED on ..."
std::string DrillText(std::string_view host_label, bool ok, std::string_view detail);

}  // namespace myvault::ops
