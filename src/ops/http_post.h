// One HTTP POST with libcurl, for webhooks (private to the ops module).
//
// The URL is treated as a credential: error messages name the target by the caller's `target`
// text only, and anything libcurl reports is scrubbed of the URL and of its path and query.
//
// A post waits for at most connect_timeout_s to connect and timeout_s in all, and `signal`, when
// given, is checked every 100 ms while it waits: a SIGTERM (ErrorCollector::interrupted()) ends
// it at once.
//
// Thread safety: HttpPost may be called from any thread at once; curl_global_init runs once.
#pragma once

#include <string>
#include <string_view>

#include "myvault/common/cancel.h"
#include "myvault/status.h"

namespace myvault::ops {

struct HttpPostRequest {
  std::string url;
  std::string_view body;
  std::string_view content_type;
  int connect_timeout_s = 5;  // to connect (> 0)
  int timeout_s = 10;         // the whole request, connecting included (> 0)
  std::string_view target;    // how errors name the URL: "the Slack webhook (https://host)"
  const ErrorCollector* signal = nullptr;  // aborts the post when interrupted(); nullptr: never
};

// Posts once; no redirects followed, no `Expect: 100-continue`. Ok on a 2xx status.
// kConnection for transport failures (connect, DNS, TLS, timeout), kServer for any other status
// ("... answered HTTP 500: <at most 200 bytes of body>"), kInvalidArgument for a bad request,
// kCancelled when `signal` interrupted it.
Status HttpPost(const HttpPostRequest& request);

// "https://hooks.slack.com": scheme and host of `url` (no user info, port, path or query);
// empty if libcurl cannot parse it.
std::string SchemeAndHost(const std::string& url);

// `text` with every occurrence of `url`, and of its path-and-query when longer than "/",
// replaced by "<redacted>".
std::string RedactUrl(std::string text, const std::string& url);

}  // namespace myvault::ops
