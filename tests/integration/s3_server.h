// The S3-compatible servers of the object-storage tests: the shared one tools/test starts
// (tools/s3server; its MYVAULT_TEST_S3_* lines in the environment), and a test's own, which it
// may stop and restart under a running backup (OwnS3Server). Both are s3rver on 127.0.0.1.
//
// Credentials reach myvault through its environment (S3Options), never its arguments.
// Thread safety: one owner per object.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "harness.h"
#include "myvault/status.h"

namespace myvault::it {

struct S3Endpoint {
  std::string endpoint;  // http://127.0.0.1:PORT
  std::string bucket;
  std::string access_key;
  std::string secret;
  std::string data_dir;  // s3rver's files (own servers only)
};

// The shared server from MYVAULT_TEST_S3_ENDPOINT, _BUCKET, _ACCESS_KEY_ID, _SECRET_FILE.
Result<S3Endpoint> SharedS3Server();

// Environment for myvault (or the AWS CLI) to reach `s3` with the given access key.
CommandOptions S3Options(const S3Endpoint& s3, CommandOptions base = {});

class OwnS3Server {
 public:
  // `tools/s3server start DIR` (a free port).
  static Result<std::unique_ptr<OwnS3Server>> Start(const std::string& dir);
  ~OwnS3Server();  // stops it by its pid
  OwnS3Server(const OwnS3Server&) = delete;
  OwnS3Server& operator=(const OwnS3Server&) = delete;

  const S3Endpoint& s3() const { return s3_; }
  Status Stop();
  Status Restart();  // on the same port and data
  // Arms a crash: the server answers the next request whose "METHOD /PATH?QUERY" matches
  // `request_regex` (an ECMAScript pattern) as s3rver does, then exits at once
  // (tools/s3server.js). Restart brings it back.
  Status ExitAfter(const std::string& request_regex);
  // Multipart uploads s3rver holds, begun and neither completed nor aborted.
  std::vector<std::string> IncompleteUploads() const;
  // s3rver's log since it was last (re)started: a line per request, "Stored part N of ID" and
  // "Stored object \"KEY\"" in the order the server stored them.
  std::string Log() const;

 private:
  OwnS3Server(std::string dir, std::string port) : dir_(std::move(dir)), port_(std::move(port)) {}
  Status Run(const std::vector<std::string>& args);
  std::string dir_;
  std::string port_;
  S3Endpoint s3_;
};

// Sets AWS_* in this process too (for a test's own storage::OpenStore, and inherited by every
// child it starts), restored at the end.
class ScopedS3Env {
 public:
  explicit ScopedS3Env(const S3Endpoint& s3);
  ~ScopedS3Env();
  ScopedS3Env(const ScopedS3Env&) = delete;
  ScopedS3Env& operator=(const ScopedS3Env&) = delete;

 private:
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

// `aws s3 ...` / `aws s3api ...` (Debian's awscli, /usr/bin/aws) against `s3`.
Result<CommandResult> RunAws(const S3Endpoint& s3, const std::vector<std::string>& args,
                             const std::string& cwd = "");

}  // namespace myvault::it
