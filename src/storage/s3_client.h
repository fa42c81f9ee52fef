// S3 requests over libcurl, signed by libcurl's AWS SigV4 (CURLOPT_AWS_SIGV4), with retries
// (private to storage).
//
// Send() retries what is transient, per request, with exponential backoff: connection failures,
// timeouts, reset connections, HTTP 500/502/503/504, 429 and S3's SlowDown/RequestTimeout/
// InternalError. Other HTTP errors come back as responses for the caller to map with Error(),
// which gives one line per cause: refused credentials and permission (kAuth), a missing bucket or
// key (kNotFound), a wrong region (kInvalidArgument), the rest kIo. The secret key is handed to
// libcurl only, never put in a message, a URL or argv. Every transfer is bounded: 10 s to
// connect, and aborted when under 1 KiB/s for 30 s.
//
// Thread safety: Send() may be called from many threads at once (a curl handle per call).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "myvault/status.h"
#include "storage/s3_config.h"

namespace myvault::storage {

struct S3Request {
  explicit S3Request(std::string m, std::string k = "") : method(std::move(m)), key(std::move(k)) {}
  std::string method;
  std::string key;  // object key, unencoded; empty for the bucket itself
  std::vector<std::pair<std::string, std::string>> query;  // unencoded; sorted by Send
  std::vector<std::string> headers;                        // "Name: value"
  std::string_view body;
  std::optional<std::pair<uint64_t, uint64_t>> range;  // inclusive byte range
};

struct S3Response {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
};

struct RetryPolicy {
  int attempts = 6;              // in all, the first included
  double first_backoff_s = 0.5;  // doubled after each attempt: 0.5, 1, 2, 4, 8
};

class S3Client {
 public:
  // `warn` gets one line per retry ("S3 PUT KEY: 503 SlowDown; retrying in 1 s (attempt 2 of 6)").
  S3Client(S3Config config, std::string bucket, RetryPolicy retry,
           std::function<void(const std::string&)> warn);

  // The response once it is not transient (any HTTP status), or kConnection / kIo once the
  // attempts are spent on transport errors. `attempts` > 0 replaces the policy's count (clean-up
  // after a failure tries twice: it must not hold up the error or a signal).
  Result<S3Response> Send(const S3Request& request, int attempts = 0) const;

  // The one-line error for a response that is not 2xx; `what` names the operation and object
  // ("upload s3://b/p/x.sql.gz").
  Status Error(const S3Response& response, const std::string& what) const;

  const std::string& bucket() const { return bucket_; }
  const S3Config& config() const { return config_; }

 private:
  std::string Url(const S3Request& request) const;
  Result<S3Response> SendOnce(const S3Request& request, std::string* transport_error,
                              bool* transient) const;

  S3Config config_;
  std::string bucket_;
  RetryPolicy retry_;
  std::function<void(const std::string&)> warn_;
};

// XML helpers over pugixml. The text of the first element named `name` anywhere in `xml`
// ("" when absent or when `xml` does not parse).
std::string XmlText(const std::string& xml, const char* name);
// The text of `field` in every element named `element` ("Contents"/"Key").
std::vector<std::vector<std::string>> XmlRecords(const std::string& xml, const char* element,
                                                 const std::vector<const char*>& fields);

// "a%20b/c" for "a b/c": RFC 3986 unreserved characters kept, '/' kept when keep_slash.
std::string UriEncode(std::string_view s, bool keep_slash);

}  // namespace myvault::storage
