// A test-only HTTP/1.1 server on 127.0.0.1 (an ephemeral port), run on its own thread. It records
// every request (request line, headers, body by Content-Length) and either answers with a fixed
// status and body, or never answers (holding the connection open until destroyed), for webhook
// tests. In kFullBacklog mode it accepts nothing and its accept queue is full, so that a client's
// connect hangs (Linux drops the SYN). Header-only because only *_test.cc files are compiled into
// unit_tests.
//
// Thread safety: requests() and WaitForRequests() may be called from the test thread while the
// server thread runs.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace myvault::testutil {

class HttpListener {
 public:
  enum class Mode { kAnswer, kNeverAnswer, kFullBacklog };
  struct Request {
    std::string request_line;                    // "POST /path HTTP/1.1"
    std::map<std::string, std::string> headers;  // lower-case name -> value
    std::string body;
  };

  explicit HttpListener(int status = 200, std::string body = "ok", Mode mode = Mode::kAnswer)
      : status_(status), body_(std::move(body)), mode_(mode) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        ::listen(listen_fd_, mode_ == Mode::kFullBacklog ? 0 : 8) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0 ||
        ::pipe2(wake_, O_CLOEXEC) != 0) {
      std::abort();  // the test cannot run without a socket
    }
    port_ = ntohs(addr.sin_port);
    if (mode_ == Mode::kFullBacklog) {
      // Backlog 0 queues one connection; the second one waits for its SYN to be answered.
      for (int& fd : filler_) {
        fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        (void)::connect(fd, reinterpret_cast<sockaddr*>(&addr), len);
      }
    }
    thread_ = std::thread([this] { Serve(); });
  }

  ~HttpListener() {
    (void)!::write(wake_[1], "x", 1);
    thread_.join();
    for (int fd : {listen_fd_, wake_[0], wake_[1], filler_[0], filler_[1]}) {
      if (fd >= 0) ::close(fd);
    }
  }
  HttpListener(const HttpListener&) = delete;
  HttpListener& operator=(const HttpListener&) = delete;

  int port() const { return port_; }
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  // Answers the first `n` requests with `status` instead (a webhook that fails, then recovers).
  void FailFirst(size_t n, int status = 500) {
    std::lock_guard<std::mutex> lock(mu_);
    fail_first_ = n;
    fail_status_ = status;
  }

  std::vector<Request> requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }
  // True once `n` requests have been read completely, false after `timeout`.
  bool WaitForRequests(size_t n, std::chrono::milliseconds timeout) const {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return requests_.size() >= n; });
  }

  // A loopback port nothing listens on: bound, then closed.
  static int UnusedPort() {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    (void)::bind(fd, reinterpret_cast<sockaddr*>(&addr), len);
    (void)::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
  }

 private:
  // Waits until `fd` is readable; false when the listener is being destroyed.
  bool WaitReadable(int fd) const {
    pollfd fds[2] = {{fd, POLLIN, 0}, {wake_[0], POLLIN, 0}};
    while (::poll(fds, 2, -1) < 0) {
    }
    return (fds[1].revents & POLLIN) == 0;
  }

  // Appends what `fd` has to `data`; false at the end of the stream or on stop.
  bool ReadMore(int fd, std::string* data) const {
    if (!WaitReadable(fd)) return false;
    char buf[4096];
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) return false;
    data->append(buf, static_cast<size_t>(n));
    return true;
  }

  static void WriteAll(int fd, const std::string& s) {
    size_t done = 0;
    while (done < s.size()) {
      ssize_t n = ::write(fd, s.data() + done, s.size() - done);
      if (n <= 0) return;
      done += static_cast<size_t>(n);
    }
  }

  // Reads one request from `fd`; false if the connection ended first.
  bool ReadRequest(int fd, Request* r) const {
    std::string data;
    size_t end;
    while ((end = data.find("\r\n\r\n")) == std::string::npos) {
      if (!ReadMore(fd, &data)) return false;
    }
    size_t line_end = data.find("\r\n");
    r->request_line = data.substr(0, line_end);
    for (size_t at = line_end + 2; at < end;) {
      size_t next = data.find("\r\n", at);
      std::string line = data.substr(at, next - at);
      size_t colon = line.find(':');
      std::string name = line.substr(0, colon);
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      size_t value = line.find_first_not_of(' ', colon + 1);
      r->headers[name] = value == std::string::npos ? "" : line.substr(value);
      at = next + 2;
    }
    const auto header = [&r](const std::string& name) {
      auto it = r->headers.find(name);
      return it == r->headers.end() ? std::string() : it->second;
    };
    if (header("expect") == "100-continue") WriteAll(fd, "HTTP/1.1 100 Continue\r\n\r\n");
    size_t length = std::strtoul(header("content-length").c_str(), nullptr, 10);
    r->body = data.substr(end + 4);
    while (r->body.size() < length) {
      if (!ReadMore(fd, &r->body)) return false;
    }
    return true;
  }

  void Serve() {
    std::vector<int> held;
    while (mode_ != Mode::kFullBacklog && WaitReadable(listen_fd_)) {
      int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      Request r;
      int status = status_;
      if (ReadRequest(fd, &r)) {
        std::lock_guard<std::mutex> lock(mu_);
        requests_.push_back(std::move(r));
        if (requests_.size() <= fail_first_) status = fail_status_;
        cv_.notify_all();
      }
      if (mode_ == Mode::kNeverAnswer) {
        held.push_back(fd);
        continue;
      }
      WriteAll(fd, "HTTP/1.1 " + std::to_string(status) + " Status\r\nContent-Type: text/plain" +
                       "\r\nContent-Length: " + std::to_string(body_.size()) +
                       "\r\nConnection: close\r\n\r\n" + body_);
      ::close(fd);
    }
    for (int fd : held) ::close(fd);
  }

  int status_;
  size_t fail_first_ = 0;  // guarded by mu_
  int fail_status_ = 500;  // guarded by mu_
  std::string body_;
  Mode mode_;
  int listen_fd_ = -1;
  int wake_[2] = {-1, -1};
  int filler_[2] = {-1, -1};  // kFullBacklog: the connections that fill the accept queue
  int port_ = 0;
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::vector<Request> requests_;
  std::thread thread_;
};

}  // namespace myvault::testutil
