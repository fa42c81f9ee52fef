#include "http_post.h"

#include <curl/curl.h>

#include <memory>
#include <mutex>
#include <string>

namespace myvault::ops {
namespace {

constexpr size_t kMaxBodyShown = 200;
constexpr int kSignalPollMs = 100;  // how often a waiting post checks for a signal
// Kept before redaction, so that an echo of the URL that straddles the cut is still removed.
constexpr size_t kMaxBodyKept = 8192;

void GlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct CurlDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};

// CURLM and CURL are the same type (void) unless libcurl is built CURL_STRICTER.
struct CurlMultiDeleter {
  void operator()(CURLM* multi) const { curl_multi_cleanup(multi); }
};

// Keeps the first kMaxBodyKept bytes of the response body, drops the rest.
size_t KeepBodyPrefix(char* data, size_t size, size_t count, void* user) {
  auto* body = static_cast<std::string*>(user);
  const size_t n = size * count;
  if (body->size() < kMaxBodyKept) body->append(data, std::min(n, kMaxBodyKept - body->size()));
  return n;
}

// A response body as printable ASCII on one line.
std::string Printable(std::string body) {
  for (char& c : body) {
    const auto u = static_cast<unsigned char>(c);
    if (u == '\n' || u == '\r' || u == '\t') {
      c = ' ';
    } else if (u < 0x20 || u >= 0x7f) {
      c = '?';
    }
  }
  while (!body.empty() && body.back() == ' ') body.pop_back();
  return body;
}

// The path, query and fragment of `url` (from the first '/', '?' or '#' after the authority).
std::string PathOf(const std::string& url) {
  const size_t scheme_end = url.find("://");
  const size_t from = scheme_end == std::string::npos ? 0 : scheme_end + 3;
  const size_t path = url.find_first_of("/?#", from);
  return path == std::string::npos ? std::string() : url.substr(path);
}

Status TransportError(const HttpPostRequest& r, CURL* c, CURLcode code, const char* error_buffer) {
  std::string what = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
  if (code == CURLE_OPERATION_TIMEDOUT) {
    curl_off_t connected_us = 0;
    curl_easy_getinfo(c, CURLINFO_CONNECT_TIME_T, &connected_us);
    what = (connected_us == 0 ? "could not connect within " + std::to_string(r.connect_timeout_s)
                              : "no answer within " + std::to_string(r.timeout_s)) +
           " s (" + what + ")";
  }
  return {StatusCode::kConnection,
          RedactUrl("post to " + std::string(r.target) + ": " + what, r.url)};
}

// Runs the transfer of `c` through a multi handle, so that the wait can be cut short: every
// kSignalPollMs `signal` (nullptr: never) is checked. Ok with *code set when the transfer ended,
// kCancelled when a signal ended it first.
Status Perform(CURL* c, const HttpPostRequest& r, CURLcode* code) {
  std::unique_ptr<CURLM, CurlMultiDeleter> multi(curl_multi_init());
  if (multi == nullptr) return Internal("curl_multi_init failed");
  CURLMcode mc = curl_multi_add_handle(multi.get(), c);
  for (int running = 1; mc == CURLM_OK && running > 0;) {
    if (r.signal != nullptr && r.signal->interrupted()) {
      (void)curl_multi_remove_handle(multi.get(), c);
      return Cancelled("post to " + std::string(r.target) + " abandoned on a signal");
    }
    mc = curl_multi_perform(multi.get(), &running);
    if (mc == CURLM_OK && running > 0) {
      mc = curl_multi_poll(multi.get(), nullptr, 0, kSignalPollMs, nullptr);
    }
  }
  if (mc != CURLM_OK) {
    (void)curl_multi_remove_handle(multi.get(), c);
    return Internal("post to " + std::string(r.target) + ": " + curl_multi_strerror(mc));
  }
  *code = CURLE_OK;
  int left = 0;
  while (CURLMsg* m = curl_multi_info_read(multi.get(), &left)) {
    if (m->msg == CURLMSG_DONE) *code = m->data.result;
  }
  (void)curl_multi_remove_handle(multi.get(), c);
  return Status::Ok();
}

}  // namespace

std::string RedactUrl(std::string text, const std::string& url) {
  const std::string path = PathOf(url);
  for (const std::string& secret : {url, path}) {
    if (secret.size() <= 1) continue;
    for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at)) {
      text.replace(at, secret.size(), "<redacted>");
    }
  }
  return text;
}

std::string SchemeAndHost(const std::string& url) {
  GlobalInitOnce();
  std::unique_ptr<CURLU, CurlDeleter> handle(curl_url());
  if (handle == nullptr || curl_url_set(handle.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    return "";
  }
  char* scheme = nullptr;
  char* host = nullptr;
  std::string out;
  if (curl_url_get(handle.get(), CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
      curl_url_get(handle.get(), CURLUPART_HOST, &host, 0) == CURLUE_OK) {
    out = std::string(scheme) + "://" + host;
  }
  curl_free(scheme);
  curl_free(host);
  return out;
}

Status HttpPost(const HttpPostRequest& r) {
  if (r.timeout_s <= 0 || r.connect_timeout_s <= 0) {
    return InvalidArgument("webhook timeout must be at least 1 s");
  }
  GlobalInitOnce();
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (curl == nullptr) return Internal("curl_easy_init failed");
  std::unique_ptr<curl_slist, CurlDeleter> headers;
  for (const std::string& h :
       {"Content-Type: " + std::string(r.content_type), std::string("Expect:")}) {
    curl_slist* grown = curl_slist_append(headers.get(), h.c_str());
    if (grown == nullptr) return Internal("curl_slist_append failed");
    (void)headers.release();
    headers.reset(grown);
  }
  char error_buffer[CURL_ERROR_SIZE] = {};
  std::string body;
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(c, CURLOPT_URL, r.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, static_cast<long>(r.connect_timeout_s));
  curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(r.timeout_s));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, r.body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &KeepBodyPrefix);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
  CURLcode code = CURLE_OK;
  RETURN_IF_ERROR(Perform(c, r, &code));
  if (code != CURLE_OK) return TransportError(r, c, code, error_buffer);
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (status >= 200 && status < 300) return Status::Ok();
  std::string message =
      "post to " + std::string(r.target) + ": answered HTTP " + std::to_string(status);
  if (status >= 300 && status < 400) message += " (a redirect; redirects are not followed)";
  body = RedactUrl(Printable(std::move(body)), r.url);
  if (body.size() > kMaxBodyShown) body.resize(kMaxBodyShown);
  if (!body.empty()) message += ": " + body;
  return {StatusCode::kServer, RedactUrl(std::move(message), r.url)};
}

}  // namespace myvault::ops
