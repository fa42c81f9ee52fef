#include "myvault/archive/writer.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

#include "myvault/archive/member.h"

namespace myvault::archive {
namespace {

constexpr size_t kBufferSize = size_t{1} << 20;

}  // namespace

Status SyncDirectoryOf(const std::string& path) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  const std::string dir = parent.empty() ? std::string(".") : parent.string();
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return IoErrorFromErrno("open directory " + dir, errno);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  return rc == 0 ? Status::Ok() : IoErrorFromErrno("fsync directory " + dir, err);
}

namespace {

Status Rename(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) == 0) return Status::Ok();
  return IoErrorFromErrno("rename " + from + " to " + to, errno);
}

Status CheckOptions(const std::string& path, const WriterOptions& options) {
  if (path.empty()) return InvalidArgument("archive path is empty");
  if (options.index_level < 0 || options.index_level > 12) {
    return InvalidArgument("index compression level " + std::to_string(options.index_level) +
                           " is not in 0..12");
  }
  return Status::Ok();
}

}  // namespace

ArchiveWriter::ArchiveWriter(std::string path, std::unique_ptr<Sink> sink, WriterOptions options)
    : path_(std::move(path)),
      partial_path_(path_ + ".partial"),
      options_(options),
      sink_(std::move(sink)) {
  buffer_.reserve(kBufferSize);
}

ArchiveWriter::~ArchiveWriter() { Abort(); }

Result<std::unique_ptr<ArchiveWriter>> ArchiveWriter::Create(const std::string& path,
                                                             WriterOptions options) {
  RETURN_IF_ERROR(CheckOptions(path, options));
  const std::string partial = path + ".partial";
  auto sink = FileSink::Create(partial);
  if (!sink.ok()) {
    return Status(sink.status().code(), "open " + partial + ": " + sink.status().message());
  }
  return Create(path, std::move(sink).value(), options);
}

Result<std::unique_ptr<ArchiveWriter>> ArchiveWriter::Create(const std::string& path,
                                                             std::unique_ptr<Sink> sink,
                                                             WriterOptions options) {
  RETURN_IF_ERROR(CheckOptions(path, options));
  std::unique_ptr<ArchiveWriter> writer(new ArchiveWriter(path, std::move(sink), options));
  if (options.key != nullptr) RETURN_IF_ERROR(writer->WriteKeysMember());
  return writer;
}

// Version 2: the keys member comes first (docs/format.md 11.2).
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

// A sink's bare cause, with the operation and the file named.
Status ArchiveWriter::SinkResult(std::string_view op, const std::string& file, Status status) {
  if (status.ok()) return status;
  return Fail(Status(status.code(), std::string(op) + " " + file + ": " + status.message()));
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
  if (bytes.size() >= kBufferSize) return SinkResult("write", partial_path_, sink_->Write(bytes));
  buffer_.append(bytes);
  return Status::Ok();
}

Status ArchiveWriter::Flush() {
  if (buffer_.empty()) return Status::Ok();
  Status s = sink_->Write(buffer_);
  buffer_.clear();
  return SinkResult("write", partial_path_, s);
}

Status ArchiveWriter::Finish(Index index) {
  RETURN_IF_ERROR(CheckOpen());
  if (!order_.footer_seen()) return InvalidArgument("finish: no footer member was appended");
  index.members = members_;
  Status valid = ValidateIndex(index);
  if (!valid.ok()) return Internal("finish " + path_ + ": " + valid.message());
  RETURN_IF_ERROR(AppendIndexAndTrailer(index));
  RETURN_IF_ERROR(CloseAndRename());
  Status s = WriteChecksumFile(Sha256Hex(file_hash_.Final()));
  if (s.ok() && options_.fsync) s = SyncDirectoryOf(path_);
  if (!s.ok()) return Fail(s);
  state_ = State::kFinished;
  return Status::Ok();
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

Status ArchiveWriter::CloseAndRename() {
  RETURN_IF_ERROR(Flush());
  if (options_.fsync) RETURN_IF_ERROR(SinkResult("fsync", partial_path_, sink_->Sync()));
  RETURN_IF_ERROR(SinkResult("close", partial_path_, sink_->Close()));
  sink_.reset();
  Status renamed = Rename(partial_path_, path_);
  if (!renamed.ok()) return Fail(renamed);
  state_ = State::kRenamed;
  return Status::Ok();
}

Status ArchiveWriter::WriteChecksumFile(const std::string& hex) {
  const std::string final_path = path_ + ".sha256";
  const std::string partial = final_path + ".partial";
  auto sink = FileSink::Create(partial);
  if (!sink.ok()) {
    return Status(sink.status().code(), "open " + partial + ": " + sink.status().message());
  }
  const std::string named =
      options_.checksum_base_name ? path_.substr(path_.rfind('/') + 1) : path_;
  Status s = (*sink)->Write(hex + "  " + named + "\n");
  std::string_view op = "write";
  if (s.ok() && options_.fsync) {
    op = "fsync";
    s = (*sink)->Sync();
  }
  if (s.ok()) {
    op = "close";
    s = (*sink)->Close();
  }
  if (!s.ok()) return Status(s.code(), std::string(op) + " " + partial + ": " + s.message());
  return Rename(partial, final_path);
}

void ArchiveWriter::Abort() {
  if (state_ == State::kFinished || state_ == State::kAborted) return;
  if (sink_ != nullptr) (void)sink_->Close();
  sink_.reset();
  ::unlink(partial_path_.c_str());
  ::unlink((path_ + ".sha256.partial").c_str());
  if (state_ == State::kRenamed) {
    ::unlink((path_ + ".sha256").c_str());
    ::unlink(path_.c_str());
  }
  state_ = State::kAborted;
}

}  // namespace myvault::archive
