#include "myvault/archive/writer.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <optional>

#include "myvault/archive/member.h"

namespace myvault::archive {
namespace {

constexpr size_t kBufferSize = size_t{1} << 20;

}  // namespace

namespace {

// A test's Sink writing `path`.partial, put in place like a file store's object.
class SinkObject : public storage::ObjectWriter {
 public:
  SinkObject(std::string path, std::unique_ptr<Sink> sink, bool fsync)
      : path_(std::move(path)),
        partial_(path_ + ".partial"),
        sink_(std::move(sink)),
        fsync_(fsync) {}
  ~SinkObject() override { Abort(); }
  Status Write(std::string_view bytes) override { return Named("write", sink_->Write(bytes)); }
  Status Commit() override {
    if (fsync_) RETURN_IF_ERROR(Named("fsync", sink_->Sync()));
    RETURN_IF_ERROR(Named("close", sink_->Close()));
    sink_.reset();
    if (::rename(partial_.c_str(), path_.c_str()) != 0) {
      return IoErrorFromErrno("rename " + partial_ + " to " + path_, errno);
    }
    committed_ = true;
    return fsync_ ? SyncDirectoryOf(path_) : Status::Ok();
  }
  void Abort() override {
    if (committed_) return;
    if (sink_ != nullptr) (void)sink_->Close();
    sink_.reset();
    ::unlink(partial_.c_str());
  }

 private:
  Status Named(std::string_view op, Status st) const {
    if (st.ok()) return st;
    return Status(st.code(), std::string(op) + " " + partial_ + ": " + st.message());
  }

  std::string path_;
  std::string partial_;
  std::unique_ptr<Sink> sink_;
  bool fsync_;
  bool committed_ = false;
};

Status CheckOptions(const std::string& path, const WriterOptions& options) {
  if (path.empty()) return InvalidArgument("archive path is empty");
  if (options.index_level < 0 || options.index_level > 12) {
    return InvalidArgument("index compression level " + std::to_string(options.index_level) +
                           " is not in 0..12");
  }
  return Status::Ok();
}

}  // namespace

ArchiveWriter::ArchiveWriter(std::string path, storage::StoreAndName where,
                             std::unique_ptr<storage::ObjectWriter> out, WriterOptions options)
    : path_(std::move(path)), options_(options), where_(std::move(where)), out_(std::move(out)) {
  buffer_.reserve(kBufferSize);
  // Unknown (an error) counts as taken: Abort then never removes an object under the name.
  Result<std::optional<uint64_t>> there = where_.store->Stat(where_.name);
  name_was_free_ = there.ok() && !there->has_value();
}

ArchiveWriter::~ArchiveWriter() { Abort(); }

Result<std::unique_ptr<ArchiveWriter>> ArchiveWriter::Create(const std::string& path,
                                                             WriterOptions options) {
  RETURN_IF_ERROR(CheckOptions(path, options));
  ASSIGN_OR_RETURN(storage::StoreAndName where, storage::OpenStoreFor(path));
  ASSIGN_OR_RETURN(std::unique_ptr<storage::ObjectWriter> out,
                   where.store->Create(where.name, {.fsync = options.fsync}));
  return Start(std::unique_ptr<ArchiveWriter>(
      new ArchiveWriter(path, std::move(where), std::move(out), options)));
}

Result<std::unique_ptr<ArchiveWriter>> ArchiveWriter::Create(const std::string& path,
                                                             std::unique_ptr<Sink> sink,
                                                             WriterOptions options) {
  RETURN_IF_ERROR(CheckOptions(path, options));
  ASSIGN_OR_RETURN(storage::StoreAndName where, storage::OpenStoreFor(path));
  auto out = std::make_unique<SinkObject>(path, std::move(sink), options.fsync);
  return Start(std::unique_ptr<ArchiveWriter>(
      new ArchiveWriter(path, std::move(where), std::move(out), options)));
}

// A new writer's first member: version 2 starts with the keys member (docs/format.md 11.2).
Result<std::unique_ptr<ArchiveWriter>> ArchiveWriter::Start(std::unique_ptr<ArchiveWriter> writer) {
  if (writer->options_.key != nullptr) RETURN_IF_ERROR(writer->WriteKeysMember());
  return writer;
}

Status ArchiveWriter::WriteKeysMember() {
  std::string bytes;
  MemberInfo info;
  RETURN_IF_ERROR(EncodeKeysMember(options_.key_block, &bytes, &info));
  RETURN_IF_ERROR(order_.Add(MemberKind::kKeys));
  return WriteMember(bytes, info);
}

Status ArchiveWriter::CheckOpen() const {
  if (state_ == State::kOpen) return Status::Ok();
  if (!error_.ok()) return error_;
  return Internal("archive " + path_ + " is already finished or aborted");
}

// Every failure to write passes here: the writer aborts, and the error sticks.
Status ArchiveWriter::Fail(Status status) {
  error_ = std::move(status);
  Abort();
  return error_;
}

Status ArchiveWriter::Append(std::string_view member_bytes, const MemberInfo& info) {
  RETURN_IF_ERROR(CheckOpen());
  MemberInfo parsed;
  auto layout = ParseMemberLayout(member_bytes, &parsed);
  if (!layout.ok()) return InvalidArgument("append: not a member: " + layout.status().message());
  if (parsed != info || layout->total_size != member_bytes.size()) {
    return InvalidArgument("append: the bytes are not the member " + Index().Describe(info));
  }
  if (layout->version != version()) {
    return InvalidArgument("append: a member of format version " + std::to_string(layout->version) +
                           " in a version " + std::to_string(version()) + " archive");
  }
  if (info.kind == MemberKind::kIndex || info.kind == MemberKind::kTrailer ||
      info.kind == MemberKind::kKeys) {
    return InvalidArgument("append: the writer writes the keys, index and trailer members");
  }
  Status order = order_.Add(info.kind);
  if (!order.ok()) return InvalidArgument("append: " + order.message());
  return WriteMember(member_bytes, info);
}

Status ArchiveWriter::WriteMember(std::string_view bytes, const MemberInfo& info) {
  members_.push_back(MemberEntry{bytes_written_, bytes.size(), info});
  file_hash_.Update(bytes);
  bytes_written_ += bytes.size();
  if (buffer_.size() + bytes.size() > kBufferSize) RETURN_IF_ERROR(Flush());
  if (bytes.size() >= kBufferSize) {
    Status st = out_->Write(bytes);
    return st.ok() ? st : Fail(st);
  }
  buffer_.append(bytes);
  return Status::Ok();
}

Status ArchiveWriter::Flush() {
  if (buffer_.empty()) return Status::Ok();
  Status s = out_->Write(buffer_);
  buffer_.clear();
  return s.ok() ? s : Fail(s);
}

Status ArchiveWriter::Finish(Index index) {
  RETURN_IF_ERROR(CheckOpen());
  if (!order_.footer_seen()) return InvalidArgument("finish: no footer member was appended");
  index.members = members_;
  Status valid = ValidateIndex(index);
  if (!valid.ok()) return Internal("finish " + path_ + ": " + valid.message());
  RETURN_IF_ERROR(AppendIndexAndTrailer(index));
  RETURN_IF_ERROR(Flush());
  const std::string hex = Sha256Hex(file_hash_.Final());
  // A new name: FILE.sha256 first, then the object, so that whenever the object is there, so is
  // its checksum. The store may go away between the two (an S3 server stopped); a checksum
  // without its archive is harmless and the next backup's cleanup removes it, where an archive
  // without its checksum would look like a backup. Replacing an archive: the old one keeps its
  // checksum until the new one is in place.
  if (name_was_free_) RETURN_IF_ERROR(PutChecksumFile(hex, State::kChecksumWritten));
  RETURN_IF_ERROR(Commit());
  if (!name_was_free_) RETURN_IF_ERROR(PutChecksumFile(hex, State::kCommitted));
  state_ = State::kFinished;
  return Status::Ok();
}

Status ArchiveWriter::PutChecksumFile(const std::string& hex, State before) {
  state_ = before;
  Status s = WriteChecksumFile(hex);
  return s.ok() ? s : Fail(s);
}

Status ArchiveWriter::AppendIndexAndTrailer(const Index& index) {
  MemberEncoder encoder(options_.index_level, options_.key);
  std::string bytes;
  MemberInfo info;
  RETURN_IF_ERROR(
      encoder.Encode(MemberKind::kIndex, kNoObject, 0, 0, EncodeIndex(index), &bytes, &info));
  const TrailerLocation location{bytes_written_, bytes.size()};
  RETURN_IF_ERROR(order_.Add(MemberKind::kIndex));
  RETURN_IF_ERROR(WriteMember(bytes, info));
  bytes = EncodeTrailer(location, version());
  RETURN_IF_ERROR(ParseMemberHeader(bytes, &info).status());
  RETURN_IF_ERROR(order_.Add(MemberKind::kTrailer));
  return WriteMember(bytes, info);
}

Status ArchiveWriter::Commit() {
  Status committed = out_->Commit();
  return committed.ok() ? committed : Fail(committed);
}

Status ArchiveWriter::WriteChecksumFile(const std::string& hex) {
  const bool base_name = options_.checksum_base_name || storage::IsObjectUrl(path_);
  const std::string named = base_name ? path_.substr(path_.rfind('/') + 1) : path_;
  return where_.store->WriteSmall(where_.name + ".sha256", hex + "  " + named + "\n",
                                  {.fsync = options_.fsync});
}

void ArchiveWriter::Abort() {
  if (state_ == State::kFinished || state_ == State::kAborted) return;
  if (out_ != nullptr) out_->Abort();
  if (state_ == State::kChecksumWritten || state_ == State::kCommitted) {
    // kChecksumWritten (a name that was free): a commit that failed may still have landed (the
    // rename made but not synced, or the S3 answer lost). The object goes first, so that it is
    // never left without its checksum; the writer never removes an archive it did not write.
    (void)where_.store->Remove(where_.name);
    (void)where_.store->Remove(where_.name + ".sha256");
  }
  state_ = State::kAborted;
}

}  // namespace myvault::archive
