#include "storage/s3_upload.h"

#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace myvault::storage {
namespace {

constexpr size_t kDefaultPartSize = size_t{8} << 20;
constexpr size_t kMinPartSize = size_t{64} << 10;
constexpr int kUploadsInFlight = 4;
constexpr int kSmallPartsCount = 1000;
constexpr int kCleanupAttempts = 2;  // an abort after a failure: the next run retries it anyway

size_t BasePartSize() {
  const char* env = std::getenv("MYVAULT_S3_PART_SIZE");
  if (env == nullptr || *env == '\0') return kDefaultPartSize;
  const size_t v = std::strtoull(env, nullptr, 10);
  return v < kMinPartSize ? kMinPartSize : v;
}

struct Part {
  int number = 0;
  std::string bytes;
};

class S3Writer : public ObjectWriter {
 public:
  S3Writer(std::shared_ptr<const S3Client> client, std::string key, std::string name)
      : client_(std::move(client)),
        key_(std::move(key)),
        name_(std::move(name)),
        part_size_(BasePartSize()) {
    buffer_.reserve(part_size_);
  }
  ~S3Writer() override { Abort(); }

  Status Write(std::string_view bytes) override {
    RETURN_IF_ERROR(CheckOpen());
    buffer_.append(bytes);
    if (buffer_.size() < PartSize()) return Status::Ok();
    Status st = Submit();
    if (!st.ok()) Abort();
    return st;
  }

  Status Commit() override {
    RETURN_IF_ERROR(CheckOpen());
    Status st = upload_id_.empty() ? PutWhole() : Complete();
    if (!st.ok()) {
      Abort();
      return st;
    }
    done_ = true;
    return Status::Ok();
  }

  void Abort() override {
    if (done_) return;
    done_ = true;
    StopWorkers();
    if (upload_id_.empty()) return;
    S3Request r("DELETE", key_);
    r.query = {{"uploadId", upload_id_}};
    Result<S3Response> got = client_->Send(r, kCleanupAttempts);
    if (!got.ok() || got->status >= 300) {
      std::fprintf(stderr,
                   "myvault: warning: could not abort the upload of %s (%s): the next backup "
                   "into this location removes it\n",
                   name_.c_str(),
                   got.ok() ? client_->Error(*got, "abort").message().c_str()
                            : got.status().message().c_str());
    }
  }

 private:
  size_t PartSize() const { return next_part_ <= kSmallPartsCount ? part_size_ : 8 * part_size_; }

  Status CheckOpen() const {
    if (done_) return IoError("write " + name_ + ": the upload is finished or aborted");
    std::lock_guard<std::mutex> lock(mu_);
    return error_;
  }

  Status PutWhole() {
    S3Request r("PUT", key_);
    r.body = buffer_;
    ASSIGN_OR_RETURN(S3Response got, client_->Send(r));
    if (got.status >= 300) return client_->Error(got, "upload " + name_);
    return Status::Ok();
  }

  Status Initiate() {
    S3Request r("POST", key_);
    r.query = {{"uploads", ""}};
    ASSIGN_OR_RETURN(S3Response got, client_->Send(r));
    if (got.status >= 300) return client_->Error(got, "start the upload of " + name_);
    upload_id_ = XmlText(got.body, "UploadId");
    if (upload_id_.empty()) return IoError("start the upload of " + name_ + ": no UploadId");
    for (int i = 0; i < kUploadsInFlight; ++i) workers_.emplace_back([this] { Work(); });
    return Status::Ok();
  }

  // Hands the buffer to the workers, waiting while kUploadsInFlight parts are in the air.
  Status Submit() {
    if (upload_id_.empty()) RETURN_IF_ERROR(Initiate());
    Part part{next_part_++, std::move(buffer_)};
    std::unique_lock<std::mutex> lock(mu_);
    buffer_ = TakeSpareLocked();
    room_.wait(lock, [&] {
      return !error_.ok() || queue_.size() + static_cast<size_t>(busy_) < kUploadsInFlight;
    });
    RETURN_IF_ERROR(error_);
    queue_.push_back(std::move(part));
    work_.notify_one();
    return Status::Ok();
  }

  Status Complete() {
    if (!buffer_.empty()) RETURN_IF_ERROR(Submit());
    {
      std::unique_lock<std::mutex> lock(mu_);
      room_.wait(lock, [&] { return !error_.ok() || (queue_.empty() && busy_ == 0); });
      RETURN_IF_ERROR(error_);
    }
    StopWorkers();
    std::string xml = "<CompleteMultipartUpload>";
    for (const auto& [number, etag] : etags_) {
      xml += "<Part><PartNumber>" + std::to_string(number) + "</PartNumber><ETag>" + etag +
             "</ETag></Part>";
    }
    xml += "</CompleteMultipartUpload>";
    S3Request r("POST", key_);
    r.body = xml;
    r.query = {{"uploadId", upload_id_}};
    ASSIGN_OR_RETURN(S3Response got, client_->Send(r));
    // S3 may answer 200 and put the error in the body.
    if (got.status >= 300 || !XmlText(got.body, "Code").empty()) {
      return client_->Error(got, "complete the upload of " + name_);
    }
    upload_id_.clear();  // nothing left to abort
    return Status::Ok();
  }

  // The part's bytes travel in the request and come back for reuse (no copy per part).
  Status UploadPart(Part* part, std::string* etag) const {
    S3Request r("PUT", key_);
    r.body = std::move(part->bytes);
    r.query = {{"partNumber", std::to_string(part->number)}, {"uploadId", upload_id_}};
    Result<S3Response> sent = client_->Send(r);
    part->bytes = std::move(r.body);
    ASSIGN_OR_RETURN(S3Response got, std::move(sent));
    if (got.status >= 300) {
      return client_->Error(got, "upload part " + std::to_string(part->number) + " of " + name_);
    }
    *etag = got.headers["etag"];
    if (etag->empty()) return IoError("upload part of " + name_ + ": no ETag in the answer");
    return Status::Ok();
  }

  void Work() {
    for (;;) {
      Part part;
      {
        std::unique_lock<std::mutex> lock(mu_);
        work_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (stopping_) return;
        part = std::move(queue_.front());
        queue_.pop_front();
        ++busy_;
      }
      std::string etag;
      Status st;
      try {
        st = UploadPart(&part, &etag);
      } catch (const std::exception& e) {
        st = Internal(std::string("uploading a part: ") + e.what());
      }
      std::lock_guard<std::mutex> lock(mu_);
      --busy_;
      part.bytes.clear();
      spare_.push_back(std::move(part.bytes));
      if (st.ok()) etags_[part.number] = etag;
      if (!st.ok() && error_.ok()) error_ = st;
      room_.notify_all();
    }
  }

  // A buffer for the next part: one a finished upload gave back, or a new one. Reusing them keeps
  // the allocator from moving part-sized blocks into per-thread heaps that keep what is freed
  // (docs/benchmarks.md, "the allocator finding"): at most kUploadsInFlight + 1 buffers live.
  std::string TakeSpareLocked() {
    std::string b;
    if (!spare_.empty()) {
      b = std::move(spare_.back());
      spare_.pop_back();
    }
    b.reserve(PartSize());
    return b;
  }

  void StopWorkers() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
      queue_.clear();
    }
    work_.notify_all();
    for (std::thread& t : workers_) t.join();
    workers_.clear();
  }

  std::shared_ptr<const S3Client> client_;
  std::string key_;
  std::string name_;
  size_t part_size_;
  std::string buffer_;
  std::string upload_id_;
  int next_part_ = 1;
  bool done_ = false;
  std::vector<std::thread> workers_;

  mutable std::mutex mu_;
  std::condition_variable work_;  // a part was queued, or stopping
  std::condition_variable room_;  // a part finished
  std::deque<Part> queue_;
  std::vector<std::string> spare_;  // emptied part buffers, for the next parts
  int busy_ = 0;
  bool stopping_ = false;
  Status error_;
  std::map<int, std::string> etags_;
};

}  // namespace

std::unique_ptr<ObjectWriter> NewS3Writer(std::shared_ptr<const S3Client> client, std::string key,
                                          std::string name) {
  return std::make_unique<S3Writer>(std::move(client), std::move(key), std::move(name));
}

}  // namespace myvault::storage
