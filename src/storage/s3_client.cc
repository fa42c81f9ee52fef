#include "storage/s3_client.h"

#include <curl/curl.h>
#include <openssl/sha.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <mutex>
#include <pugixml.hpp>
#include <thread>

namespace myvault::storage {
namespace {

constexpr long kConnectTimeoutS = 10;
constexpr long kLowSpeedBytes = 1024;
constexpr long kLowSpeedTimeS = 30;

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string Sha256Hex(std::string_view bytes) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : digest) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  static_cast<S3Response*>(user)->body.append(data, size * n);
  return size * n;
}

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  std::string_view line(data, size * n);
  const size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string name(line.substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
      value.remove_suffix(1);
    static_cast<S3Response*>(user)->headers[name] = std::string(value);
  }
  return size * n;
}

bool TransientCurl(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR: return true;
    default: return false;
  }
}

bool TransientHttp(const S3Response& r) {
  if (r.status == 500 || r.status == 502 || r.status == 503 || r.status == 504 || r.status == 429) {
    return true;
  }
  const std::string code = XmlText(r.body, "Code");
  return code == "SlowDown" || code == "RequestTimeout" || code == "InternalError";
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

}  // namespace

std::string UriEncode(std::string_view s, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~' ||
        (keep_slash && c == '/')) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string XmlText(const std::string& xml, const char* name) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) return "";
  const pugi::xpath_node node = doc.select_node((std::string("//") + name).c_str());
  return node ? node.node().child_value() : "";
}

std::vector<std::vector<std::string>> XmlRecords(const std::string& xml, const char* element,
                                                 const std::vector<const char*>& fields) {
  std::vector<std::vector<std::string>> out;
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) return out;
  for (const pugi::xpath_node& n : doc.select_nodes((std::string("//") + element).c_str())) {
    std::vector<std::string> record;
    for (const char* f : fields) record.emplace_back(n.node().child_value(f));
    out.push_back(std::move(record));
  }
  return out;
}

S3Client::S3Client(S3Config config, std::string bucket, RetryPolicy retry,
                   std::function<void(const std::string&)> warn)
    : config_(std::move(config)),
      bucket_(std::move(bucket)),
      retry_(retry),
      warn_(std::move(warn)) {
  GlobalInit();
}

std::string S3Client::Url(const S3Request& r) const {
  std::string url;
  const std::string key = UriEncode(r.key, true);
  if (config_.path_style) {
    url = config_.endpoint + "/" + bucket_ + (key.empty() ? "" : "/" + key);
  } else {
    const size_t scheme = config_.endpoint.find("://") + 3;
    url = config_.endpoint.substr(0, scheme) + bucket_ + "." + config_.endpoint.substr(scheme) +
          "/" + key;
  }
  // SigV4's canonical query: sorted, every name with '=', names and values encoded.
  std::vector<std::pair<std::string, std::string>> q = r.query;
  std::sort(q.begin(), q.end());
  for (size_t i = 0; i < q.size(); ++i) {
    url +=
        (i == 0 ? "?" : "&") + UriEncode(q[i].first, false) + "=" + UriEncode(q[i].second, false);
  }
  return url;
}

Result<S3Response> S3Client::SendOnce(const S3Request& r, std::string* transport_error,
                                      bool* transient) const {
  std::unique_ptr<CURL, CurlDeleter> c(curl_easy_init());
  if (!c) return Internal("curl_easy_init failed");
  S3Response response;
  std::unique_ptr<curl_slist, SlistDeleter> headers;
  auto add = [&](const std::string& h) {
    headers.reset(curl_slist_append(headers.release(), h.c_str()));
  };
  for (const std::string& h : r.headers) add(h);
  add("x-amz-content-sha256: " + Sha256Hex(r.body));
  if (!config_.session_token.empty()) add("x-amz-security-token: " + config_.session_token);
  if (r.range) {
    add("Range: bytes=" + std::to_string(r.range->first) + "-" + std::to_string(r.range->second));
  }
  const std::string url = Url(r);
  const std::string sigv4 = "aws:amz:" + config_.region + ":s3";
  char error_buffer[CURL_ERROR_SIZE] = {0};
  CURL* h = c.get();
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, kConnectTimeoutS);
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, kLowSpeedBytes);
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, kLowSpeedTimeS);
  curl_easy_setopt(h, CURLOPT_AWS_SIGV4, sigv4.c_str());
  curl_easy_setopt(h, CURLOPT_USERNAME, config_.access_key.c_str());
  curl_easy_setopt(h, CURLOPT_PASSWORD, config_.secret_key.c_str());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &response);
  if (r.method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else if (r.method == "PUT" || r.method == "POST") {
    add("Content-Type: application/octet-stream");
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, r.body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, r.method.c_str());
  } else if (r.method != "GET") {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, r.method.c_str());
  }
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  const CURLcode code = curl_easy_perform(h);
  if (code != CURLE_OK) {
    *transport_error = error_buffer[0] != 0 ? error_buffer : curl_easy_strerror(code);
    *transient = TransientCurl(code);
    return Status(code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST ||
                          code == CURLE_OPERATION_TIMEDOUT
                      ? StatusCode::kConnection
                      : StatusCode::kIo,
                  *transport_error);
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
  *transient = TransientHttp(response);
  return response;
}

Result<S3Response> S3Client::Send(const S3Request& r, int attempts) const {
  const int max_attempts = attempts > 0 ? attempts : retry_.attempts;
  double backoff = retry_.first_backoff_s;
  const std::string what = "S3 " + r.method + " " + (r.key.empty() ? bucket_ : r.key);
  for (int attempt = 1;; ++attempt) {
    std::string transport_error;
    bool transient = false;
    Result<S3Response> got = SendOnce(r, &transport_error, &transient);
    if (!transient || attempt >= max_attempts) {
      if (got.ok()) return got;
      return Status(got.status().code(), what + ": cannot reach " + config_.endpoint + " after " +
                                             std::to_string(attempt) +
                                             " attempts: " + got.status().message());
    }
    std::string cause = transport_error;
    if (got.ok()) {
      const std::string code = XmlText(got->body, "Code");
      cause = std::to_string(got->status) + (code.empty() ? "" : " " + code);
    }
    if (warn_) {
      char wait[32];
      std::snprintf(wait, sizeof wait, "%g s", backoff);
      warn_(what + ": " + cause + "; retrying in " + wait + " (attempt " +
            std::to_string(attempt + 1) + " of " + std::to_string(max_attempts) + ")");
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(backoff));
    backoff *= 2;
  }
}

Status S3Client::Error(const S3Response& r, const std::string& what) const {
  const std::string code = XmlText(r.body, "Code");
  const std::string tail =
      " (HTTP " + std::to_string(r.status) + (code.empty() ? std::string() : ", " + code) + ")";
  if (code == "NoSuchBucket") {
    return NotFound(what + ": bucket " + bucket_ + " does not exist at " + config_.endpoint + tail);
  }
  if (code == "NoSuchKey" || (r.status == 404 && code.empty())) {
    return NotFound(what + ": no such object" + tail);
  }
  if (code == "InvalidAccessKeyId" || code == "SignatureDoesNotMatch" || code == "ExpiredToken" ||
      code == "InvalidToken" || code == "TokenRefreshRequired") {
    return Status(StatusCode::kAuth,
                  what + ": S3 refused the credentials from " + config_.credentials_source + tail);
  }
  if (code == "AccessDenied" || r.status == 403) {
    return Status(StatusCode::kAuth, what + ": access denied to bucket " + bucket_ + " for key " +
                                         config_.access_key + tail);
  }
  if (code == "AuthorizationHeaderMalformed" || code == "PermanentRedirect" ||
      code == "IllegalLocationConstraintException" || r.status == 301) {
    return InvalidArgument(what + ": bucket " + bucket_ + " is not in region " + config_.region +
                           " (set AWS_REGION)" + tail);
  }
  const std::string message = XmlText(r.body, "Message");
  return IoError(what + ": " + (message.empty() ? "S3 error" : message) + tail);
}

}  // namespace myvault::storage
