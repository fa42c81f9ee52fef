#include "s3_server.h"

#include <cstdlib>
#include <sstream>

namespace myvault::it {
namespace {

std::string Tool() { return std::string(MYVAULT_SOURCE_DIR) + "/tools/s3server"; }

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

// The value of NAME=... among tools/s3server's lines.
std::string Line(const std::string& out, const std::string& name) {
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(name + "=", 0) == 0) return line.substr(name.size() + 1);
  }
  return "";
}

Result<std::string> Trimmed(const std::string& path) {
  ASSIGN_OR_RETURN(std::string s, ReadFile(path));
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

Result<S3Endpoint> SharedS3Server() {
  S3Endpoint s3;
  s3.endpoint = Env("MYVAULT_TEST_S3_ENDPOINT");
  s3.bucket = Env("MYVAULT_TEST_S3_BUCKET");
  s3.access_key = Env("MYVAULT_TEST_S3_ACCESS_KEY_ID");
  if (s3.endpoint.empty() || s3.bucket.empty() || s3.access_key.empty()) {
    return NotFound(
        "no S3 test server: run `tools/s3server start DIR` and export its lines "
        "(tools/test does)");
  }
  ASSIGN_OR_RETURN(s3.secret, Trimmed(Env("MYVAULT_TEST_S3_SECRET_FILE")));
  return s3;
}

CommandOptions S3Options(const S3Endpoint& s3, CommandOptions base) {
  for (const char* unset :
       {"AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL_S3"}) {
    base.env.emplace_back(unset, std::nullopt);
  }
  base.env.emplace_back("AWS_ENDPOINT_URL", s3.endpoint);
  base.env.emplace_back("AWS_ACCESS_KEY_ID", s3.access_key);
  base.env.emplace_back("AWS_SECRET_ACCESS_KEY", s3.secret);
  base.env.emplace_back("AWS_REGION", "us-east-1");
  base.env.emplace_back("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent");
  base.env.emplace_back("AWS_CONFIG_FILE", "/nonexistent");
  return base;
}

Result<std::unique_ptr<OwnS3Server>> OwnS3Server::Start(const std::string& dir) {
  std::unique_ptr<OwnS3Server> server(new OwnS3Server(dir, ""));
  RETURN_IF_ERROR(server->Run({"start", dir}));
  ASSIGN_OR_RETURN(server->port_, Trimmed(dir + "/port"));
  return server;
}

Status OwnS3Server::Run(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {Tool()};
  argv.insert(argv.end(), args.begin(), args.end());
  ASSIGN_OR_RETURN(CommandResult r, RunCommand(argv));
  if (r.exit_code != 0) return Internal("tools/s3server " + args[0] + ": " + r.Describe());
  if (args[0] != "start") return Status::Ok();
  s3_.endpoint = Line(r.out, "MYVAULT_TEST_S3_ENDPOINT");
  s3_.bucket = Line(r.out, "MYVAULT_TEST_S3_BUCKET");
  s3_.access_key = Line(r.out, "MYVAULT_TEST_S3_ACCESS_KEY_ID");
  ASSIGN_OR_RETURN(s3_.secret, Trimmed(Line(r.out, "MYVAULT_TEST_S3_SECRET_FILE")));
  s3_.data_dir = dir_ + "/data";
  return Status::Ok();
}

OwnS3Server::~OwnS3Server() { (void)Stop(); }

Status OwnS3Server::Stop() { return Run({"stop", dir_}); }

Status OwnS3Server::Restart() { return Run({"start", dir_, port_}); }

Status OwnS3Server::ExitAfter(const std::string& request_regex) {
  return WriteFile(dir_ + "/exit-after", request_regex + "\n");
}

std::vector<std::string> OwnS3Server::IncompleteUploads() const {
  return ListDir(s3_.data_dir + "/" + s3_.bucket + "/._S3rver_uploads");
}

std::string OwnS3Server::Log() const {
  Result<std::string> log = ReadFile(dir_ + "/s3rver.log");
  return log.ok() ? *log : "";
}

Result<CommandResult> RunAws(const S3Endpoint& s3, const std::vector<std::string>& args,
                             const std::string& cwd) {
  std::vector<std::string> argv = {"/usr/bin/aws", "--endpoint-url", s3.endpoint};
  argv.insert(argv.end(), args.begin(), args.end());
  CommandOptions options = S3Options(s3);
  options.cwd = cwd;
  return RunCommand(argv, options);
}

ScopedS3Env::ScopedS3Env(const S3Endpoint& s3) {
  for (const auto& [name, value] : S3Options(s3).env) {
    const char* old = std::getenv(name.c_str());
    saved_.emplace_back(name, old == nullptr ? std::nullopt : std::optional<std::string>(old));
    if (value) {
      ::setenv(name.c_str(), value->c_str(), 1);
    } else {
      ::unsetenv(name.c_str());
    }
  }
}

ScopedS3Env::~ScopedS3Env() {
  for (const auto& [name, value] : saved_) {
    if (value) {
      ::setenv(name.c_str(), value->c_str(), 1);
    } else {
      ::unsetenv(name.c_str());
    }
  }
}

}  // namespace myvault::it
