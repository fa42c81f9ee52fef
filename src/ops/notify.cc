#include "myvault/ops/notify.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "http_post.h"
#include "myvault/common/progress.h"
#include "myvault/ops/health.h"

namespace myvault::ops {
namespace {

bool IsContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// The length of the well-formed UTF-8 sequence starting at s[i] (RFC 3629: no overlong forms,
// no surrogates, nothing above U+10FFFF), or 0 when there is none.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  size_t len = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (b0 < 0x80) return 1;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  const auto b1 = static_cast<unsigned char>(s[i + 1]);
  if (b1 < lo || b1 > hi) return 0;
  for (size_t k = 2; k < len; ++k) {
    if (!IsContinuation(static_cast<unsigned char>(s[i + k]))) return 0;
  }
  return len;
}

}  // namespace

std::string JsonString(std::string_view s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
      ++i;
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
      ++i;
    } else if (const size_t len = Utf8SequenceLength(s, i); len > 0) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      out += "\\ufffd";
      ++i;
    }
  }
  out += '"';
  return out;
}

namespace {

std::optional<bool> ParseBool(std::string value) {
  std::transform(value.begin(), value.end(), value.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (value == "true" || value == "1" || value == "yes") return true;
  if (value == "false" || value == "0" || value == "no") return false;
  return std::nullopt;
}

// "myvault: WHAT on HOST: DETAIL", on one line.
std::string Line(std::string_view what, std::string_view host_label, std::string_view detail) {
  std::string out = "myvault: ";
  out += what;
  out += " on ";
  out += host_label.empty() ? std::string_view("localhost") : host_label;
  out += ": ";
  out += detail;
  std::replace_if(
      out.begin(), out.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  return out;
}

}  // namespace

Result<NotifyConfig> NotifyConfigFromEnvironment(const mysql::Environment& env) {
  NotifyConfig config;
  const std::string flag = env.Get("NOTIFY_SLACK").value_or("");
  if (!flag.empty()) {
    const std::optional<bool> on = ParseBool(flag);
    if (!on.has_value()) {
      // The value is echoed only when it cannot be a misplaced webhook URL.
      const bool echo = flag.size() <= 20 && flag.find('/') == std::string::npos;
      return InvalidArgument("NOTIFY_SLACK must be true or false (or 1/0, yes/no)" +
                             (echo ? ", not \"" + flag + "\"" : std::string()));
    }
    config.slack = *on;
  }
  config.slack_webhook_url = env.Get("SLACK_WEBHOOK_URL").value_or("");
  if (!config.slack) return config;
  if (config.slack_webhook_url.empty()) {
    return InvalidArgument("NOTIFY_SLACK is true but SLACK_WEBHOOK_URL is not set");
  }
  const std::string& url = config.slack_webhook_url;
  if (url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0) {
    return InvalidArgument("SLACK_WEBHOOK_URL must start with https:// or http://");
  }
  return config;
}

std::string SlackPayload(std::string_view text) { return "{\"text\":" + JsonString(text) + "}"; }

std::string DescribeWebhook(const std::string& url) {
  const std::string host = SchemeAndHost(url);
  return host.empty() ? "the Slack webhook" : "the Slack webhook (" + host + ")";
}

Notifier::Notifier(NotifyConfig config) : config_(std::move(config)) {}

Status Notifier::Send(std::string_view text, const ErrorCollector* signal) const {
  if (!config_.slack) return Status::Ok();
  if (config_.slack_webhook_url.empty()) {
    return InvalidArgument("NOTIFY_SLACK is true but SLACK_WEBHOOK_URL is not set");
  }
  const std::string payload = SlackPayload(text);
  const std::string target = DescribeWebhook(config_.slack_webhook_url);
  HttpPostRequest request;
  request.url = config_.slack_webhook_url;
  request.body = payload;
  request.content_type = "application/json";
  request.connect_timeout_s = config_.connect_timeout_s;
  request.timeout_s = config_.timeout_s;
  request.signal = signal;
  request.target = target;
  return HttpPost(request);
}

Status Notifier::SendWithRetry(std::string_view text, const ErrorCollector* signal,
                               const RetryPolicy& policy,
                               const std::function<void(const Status&)>& on_retry) const {
  int delay_s = policy.first_delay_s;
  for (int attempt = 1;; ++attempt) {
    Status st = Send(text, signal);
    const bool retryable = st.code() == StatusCode::kConnection || st.code() == StatusCode::kServer;
    if (st.ok() || !retryable || attempt >= policy.attempts) return st;
    if (on_retry) on_retry(st);
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(delay_s);
    while (std::chrono::steady_clock::now() < until) {
      if (signal != nullptr && signal->cancelled()) {
        return Cancelled("notification abandoned on signal: " + st.message());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    delay_s = std::min(delay_s * 2, policy.max_delay_s);
  }
}

std::string BackupSucceededText(std::string_view host_label, std::string_view file_name,
                                uint64_t size_bytes, double seconds,
                                const std::optional<RowCounts>& rows) {
  char took[32];
  std::snprintf(took, sizeof took, " in %.1f s", seconds);
  std::string detail(file_name);
  detail += ", " + ProgressReporter::HumanBytes(static_cast<double>(size_bytes)) + took;
  if (rows) {
    detail += ", " + ProgressReporter::GroupThousands(rows->rows) + " rows";
    if (!rows->previous) {
      detail += " (no previous backup)";
    } else {
      const bool less = rows->rows < *rows->previous;
      const uint64_t change = less ? *rows->previous - rows->rows : rows->rows - *rows->previous;
      detail += std::string(" (") + (less ? "-" : "+") + ProgressReporter::GroupThousands(change) +
                " since the previous backup)";
    }
  }
  return Line("backup succeeded", host_label, detail);
}

std::string BackupFailedText(std::string_view host_label, std::string_view cause) {
  return Line("backup FAILED", host_label, cause);
}

std::string BackupIncompleteText(std::string_view host_label, std::string_view cause) {
  return Line("backup INCOMPLETE", host_label, cause);
}

std::string VerifyFailedText(std::string_view host_label, std::string_view file,
                             std::string_view cause) {
  return Line("verification FAILED", host_label, std::string(file) + ": " + std::string(cause));
}

std::string StaleText(std::string_view host_label, std::string_view detail) {
  return Line("backups are STALE", host_label, detail);
}

std::string StillStaleText(std::string_view host_label, int64_t for_seconds,
                           std::string_view detail) {
  std::string label(host_label.empty() ? std::string_view("localhost") : host_label);
  label += " (unhealthy for " + FormatAge(for_seconds) + ")";
  return Line("backups are still STALE", label, detail);
}

std::string RecoveredText(std::string_view host_label, std::string_view detail) {
  return Line("backups recovered", host_label, detail);
}

std::string DrillText(std::string_view host_label, bool ok, std::string_view detail) {
  return Line(ok ? "restore drill succeeded" : "restore drill FAILED", host_label, detail);
}

}  // namespace myvault::ops
