#include "storage/s3_store.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <random>

#include "myvault/common/clock.h"
#include "storage/s3_client.h"
#include "storage/s3_upload.h"

namespace myvault::storage {
namespace {

bool Ok2xx(const S3Response& r) { return r.status >= 200 && r.status < 300; }

class S3Reader : public ObjectReader {
 public:
  S3Reader(std::shared_ptr<const S3Client> client, std::string key, std::string name, uint64_t size)
      : client_(std::move(client)), key_(std::move(key)), name_(std::move(name)), size_(size) {}
  uint64_t size() const override { return size_; }
  const std::string& name() const override { return name_; }
  bool remote() const override { return true; }
  Status ReadAt(uint64_t offset, size_t n, std::string* out) const override {
    out->clear();
    if (offset >= size_ || n == 0) return Status::Ok();
    const uint64_t last = std::min<uint64_t>(offset + n, size_) - 1;
    S3Request r("GET", key_);
    r.range = std::make_pair(offset, last);
    ASSIGN_OR_RETURN(S3Response got, client_->Send(r));
    if (!Ok2xx(got)) return client_->Error(got, "read " + name_);
    if (got.status == 200 && offset > 0) got.body.erase(0, offset);  // range ignored
    if (got.body.size() > last - offset + 1) got.body.resize(last - offset + 1);
    *out = std::move(got.body);
    return Status::Ok();
  }

 private:
  std::shared_ptr<const S3Client> client_;  // outlives the store that opened it
  std::string key_;
  std::string name_;
  uint64_t size_;
};

// Released by removing the lock object if it is still ours; tried twice only (a lock left behind
// by an unreachable server is taken over by the next run on this host).
class S3Lock : public StoreLock {
 public:
  S3Lock(std::shared_ptr<const S3Client> client, std::string key, std::string content)
      : client_(std::move(client)), key_(std::move(key)), content_(std::move(content)) {}
  ~S3Lock() override {
    Result<S3Response> now = client_->Send(S3Request("GET", key_), kReleaseAttempts);
    if (!now.ok() || now->status != 200 || now->body != content_) return;
    (void)client_->Send(S3Request("DELETE", key_), kReleaseAttempts);
  }

 private:
  static constexpr int kReleaseAttempts = 2;
  std::shared_ptr<const S3Client> client_;
  std::string key_;
  std::string content_;
};

std::string HostName() {
  char host[256] = {0};
  if (::gethostname(host, sizeof host - 1) != 0) return "unknown";
  return host;
}

// The pid and host a lock object names ("pid N on HOST, ..."); pid 0 when it does not parse.
std::pair<int, std::string> LockHolder(const std::string& content) {
  int pid = 0;
  char host[256] = {0};
  if (std::sscanf(content.c_str(), "pid %d on %255[^,]", &pid, host) != 2) return {0, ""};
  return {pid, host};
}

class S3Store : public Store {
 public:
  S3Store(std::string url, std::shared_ptr<const S3Client> client, std::string key_prefix)
      : url_(std::move(url)), client_(std::move(client)), key_prefix_(std::move(key_prefix)) {}

  const std::string& location() const override { return url_; }
  std::string Describe(std::string_view name) const override {
    return "s3://" + client_->bucket() + "/" + Key(name);
  }

  Result<std::vector<ObjectInfo>> List() const override {
    std::vector<ObjectInfo> out;
    std::string token;
    do {
      S3Request r("GET");
      r.query = {{"list-type", "2"}, {"prefix", key_prefix_}, {"delimiter", "/"}};
      if (!token.empty()) r.query.emplace_back("continuation-token", token);
      ASSIGN_OR_RETURN(S3Response got, client_->Send(r));
      if (!Ok2xx(got)) return client_->Error(got, "list " + url_);
      for (const auto& rec : XmlRecords(got.body, "Contents", {"Key", "Size"})) {
        if (rec[0].size() <= key_prefix_.size()) continue;
        out.push_back(
            {rec[0].substr(key_prefix_.size()), std::strtoull(rec[1].c_str(), nullptr, 10)});
      }
      token = XmlText(got.body, "IsTruncated") == "true"
                  ? XmlText(got.body, "NextContinuationToken")
                  : "";
    } while (!token.empty());
    return out;
  }

  Result<std::optional<uint64_t>> Stat(std::string_view name) const override {
    ASSIGN_OR_RETURN(S3Response got, client_->Send(S3Request("HEAD", Key(name))));
    if (got.status == 404) return std::optional<uint64_t>();
    if (!Ok2xx(got)) return client_->Error(got, "stat " + Describe(name));
    return std::optional<uint64_t>(
        std::strtoull(got.headers["content-length"].c_str(), nullptr, 10));
  }

  Result<std::unique_ptr<ObjectReader>> OpenRead(std::string_view name) const override {
    ASSIGN_OR_RETURN(std::optional<uint64_t> size, Stat(name));
    if (!size) return NotFound(Describe(name) + ": no such object");
    return std::unique_ptr<ObjectReader>(new S3Reader(client_, Key(name), Describe(name), *size));
  }

  Result<std::unique_ptr<ObjectWriter>> Create(std::string_view name, CreateOptions) override {
    return NewS3Writer(client_, Key(name), Describe(name));
  }

  Status Remove(std::string_view name) override {
    ASSIGN_OR_RETURN(S3Response got, client_->Send(S3Request("DELETE", Key(name))));
    if (!Ok2xx(got) && got.status != 404) return client_->Error(got, "remove " + Describe(name));
    return Status::Ok();
  }

  Status Rename(std::string_view from, std::string_view to) override {
    S3Request r("PUT", Key(to));
    r.headers.push_back("x-amz-copy-source: " +
                        UriEncode("/" + client_->bucket() + "/" + Key(from), true));
    ASSIGN_OR_RETURN(S3Response got, client_->Send(r));
    if (!Ok2xx(got) || !XmlText(got.body, "Code").empty()) {
      return client_->Error(got, "copy " + Describe(from) + " to " + Describe(to));
    }
    return Remove(from);
  }

  Status PointLatest(std::string_view prefix, std::string_view name) override {
    return WriteSmall(std::string(prefix) + "-latest", std::string(name) + "\n");
  }

  Result<std::optional<std::string>> ReadLatest(std::string_view prefix) const override {
    Result<std::string> got = ReadSmall(std::string(prefix) + "-latest");
    if (!got.ok() && got.status().code() == StatusCode::kNotFound) {
      return std::optional<std::string>();
    }
    if (!got.ok()) return got.status();
    std::string name = *got;
    while (!name.empty() && (name.back() == '\n' || name.back() == '\r')) name.pop_back();
    return std::optional<std::string>(name);
  }

  Result<std::unique_ptr<StoreLock>> Lock(std::string_view prefix, int* took_over_pid) override;
  Result<int> CleanupIncomplete(std::string_view name_prefix) override;
  Status RemoveOrphanChecksum(const std::string& key);

 private:
  std::string Key(std::string_view name) const { return key_prefix_ + std::string(name); }

  std::string url_;
  std::shared_ptr<const S3Client> client_;
  std::string key_prefix_;  // "" or "db/shop/"
};

Result<std::unique_ptr<StoreLock>> S3Store::Lock(std::string_view prefix, int* took_over_pid) {
  if (took_over_pid != nullptr) *took_over_pid = 0;
  const std::string name = "." + std::string(prefix) + ".lock";
  Result<std::string> held = ReadSmall(name);
  if (!held.ok() && held.status().code() != StatusCode::kNotFound) return held.status();
  const std::string me_host = HostName();
  if (held.ok()) {
    auto [pid, host] = LockHolder(*held);
    const bool dead_here = pid > 0 && host == me_host && ::kill(pid, 0) != 0 && errno == ESRCH;
    if (!dead_here) {
      std::string holder = *held;
      const size_t token = holder.find(", token");
      if (token != std::string::npos) holder.resize(token);
      return Status(StatusCode::kLockTimeout, "another myvault (" + holder +
                                                  ") is running a backup in " + url_ +
                                                  "; its lock is " + Describe(name) +
                                                  " (remove that object if its process is gone)");
    }
    if (took_over_pid != nullptr) *took_over_pid = pid;
  }
  std::random_device random;
  const std::string content = "pid " + std::to_string(::getpid()) + " on " + me_host +
                              ", started " + WallClockText("%Y-%m-%d %H:%M:%S UTC", true) +
                              ", token " + std::to_string(random()) + "\n";
  RETURN_IF_ERROR(WriteSmall(name, content));
  ASSIGN_OR_RETURN(std::string back, ReadSmall(name));
  if (back != content) {
    return Status(StatusCode::kLockTimeout, "another myvault took the lock " + Describe(name) +
                                                " at the same time; try again");
  }
  return std::unique_ptr<StoreLock>(new S3Lock(client_, Key(name), content));
}

Result<int> S3Store::CleanupIncomplete(std::string_view name_prefix) {
  S3Request r("GET");
  r.query = {{"uploads", ""}, {"prefix", Key(name_prefix)}};
  ASSIGN_OR_RETURN(S3Response got, client_->Send(r));
  if (!Ok2xx(got)) return client_->Error(got, "list the incomplete uploads of " + url_);
  int aborted = 0;
  for (const auto& rec : XmlRecords(got.body, "Upload", {"Key", "UploadId"})) {
    S3Request abort("DELETE", rec[0]);
    abort.query = {{"uploadId", rec[1]}};
    ASSIGN_OR_RETURN(S3Response done, client_->Send(abort));
    if (!Ok2xx(done) && done.status != 404) {
      return client_->Error(
          done, "abort the incomplete upload of s3://" + client_->bucket() + "/" + rec[0]);
    }
    ++aborted;
    RETURN_IF_ERROR(RemoveOrphanChecksum(rec[0]));
  }
  return aborted;
}

// An archive's .sha256 goes in before its upload completes (archive/writer.h): the checksum of
// an upload that never completed, with no object of that name, is what the killed writer left.
Status S3Store::RemoveOrphanChecksum(const std::string& key) {
  if (key.compare(0, key_prefix_.size(), key_prefix_) != 0) return Status::Ok();
  const std::string name = key.substr(key_prefix_.size());
  ASSIGN_OR_RETURN(std::optional<uint64_t> object, Stat(name));
  if (object) return Status::Ok();
  return Remove(name + ".sha256");
}

void WarnToStderr(const std::string& line) {
  std::fprintf(stderr, "myvault: warning: %s\n", line.c_str());
}

}  // namespace

Result<std::unique_ptr<Store>> NewS3Store(const std::string& url) {
  std::string rest = url.substr(5);
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  const size_t slash = rest.find('/');
  const std::string bucket = rest.substr(0, slash);
  std::string prefix = slash == std::string::npos ? "" : rest.substr(slash + 1) + "/";
  if (bucket.empty()) return InvalidArgument(url + ": name a bucket, s3://BUCKET[/PREFIX]");
  ASSIGN_OR_RETURN(S3Config config, LoadS3Config([](const char* n) { return std::getenv(n); }));
  auto client =
      std::make_shared<const S3Client>(std::move(config), bucket, RetryPolicy{}, WarnToStderr);
  return std::unique_ptr<Store>(new S3Store(url, std::move(client), std::move(prefix)));
}

}  // namespace myvault::storage
