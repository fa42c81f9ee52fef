// Reading archives: random access through the index (ArchiveReader), and front to back from a
// stream that cannot seek, such as stdin (MemberScanner, SequentialReader).
//
// ArchiveReader opens a file by reading only its trailer and index (docs/format.md section 4),
// then reads any member by its index entry. MemberScanner steps from member to member using each
// header's body size, checking the write order, the trailer and the end of the stream, without
// inflating; SequentialReader adds decoding and checking of every member.
//
// Thread safety: ArchiveReader::ReadMember may be called from many threads at once (pread and a
// decoder per call); index() is immutable after Open. A MemberScanner or SequentialReader is used
// by one thread. None of them owns a descriptor it was given.
//
// An ArchiveReader reads through a storage::ObjectReader: a file (pread) or an S3 object (one
// ranged GET per member, so loader threads fetch members in parallel). A MemberScanner reads
// from a descriptor or from any function that reads the next bytes (a ReadAheadStream).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "myvault/archive/format.h"
#include "myvault/archive/member.h"
#include "myvault/status.h"
#include "myvault/storage/store.h"

namespace myvault::archive {

class ArchiveReader {
 public:
  // Reads the trailer and the index, and checks the index (ValidateIndex). kNotFound for a
  // missing file, kIo for other open/read failures, kCorrupt ("archive P is damaged: ..." or
  // "archive P: no myvault trailer at the end: truncated or not a myvault archive") otherwise.
  // `path` may be an s3:// URL (storage/store.h): then every read is a ranged GET.
  static Result<std::unique_ptr<ArchiveReader>> Open(const std::string& path);
  // Reads an object already opened; `path` names it in messages.
  static Result<std::unique_ptr<ArchiveReader>> Open(const std::string& path,
                                                     std::unique_ptr<storage::ObjectReader> object);
  ~ArchiveReader();
  ArchiveReader(const ArchiveReader&) = delete;
  ArchiveReader& operator=(const ArchiveReader&) = delete;

  const Index& index() const { return index_; }
  uint64_t file_size() const { return file_size_; }
  const std::string& path() const { return path_; }

  // Reads, inflates and checks one member, and checks it is the one `entry` describes.
  // kCorrupt "archive P is damaged: table `shop`.`orders` chunk 3 (member at offset X): cause".
  Status ReadMember(const MemberEntry& entry, std::string* payload) const;

 private:
  ArchiveReader(std::string path, std::unique_ptr<storage::ObjectReader> object, uint64_t size)
      : path_(std::move(path)), object_(std::move(object)), file_size_(size) {}
  Status LoadIndex();

  std::string path_;
  std::unique_ptr<storage::ObjectReader> object_;
  uint64_t file_size_;
  Index index_;
};

// One member as a MemberScanner found it.
struct ScannedMember {
  uint64_t offset = 0;         // of its first byte in the stream
  bool header_parsed = false;  // `info` is valid (also after an error, when the header parsed)
  bool truncated = false;      // set with the error when the stream ended inside this member
  MemberInfo info;
  std::string bytes;  // the whole member, when Next returned true
};

class MemberScanner {
 public:
  using ReadFn = std::function<Result<size_t>(char* buffer, size_t n)>;  // 0 at the end
  explicit MemberScanner(int fd);
  explicit MemberScanner(ReadFn read) : read_(std::move(read)) {}

  // Reads the next member's bytes and checks its header, the write order and, for the trailer,
  // that it locates the index member just before it. Returns false once the stream has ended
  // right after the trailer. Errors: kIo for read failures; kCorrupt whose message is the bare
  // cause ("bad gzip magic", "unexpected data after the trailer", or, with `truncated` set,
  // "truncated after member N at offset X"), with `member->offset` and, when it parsed,
  // `member->info` describing the member at fault. An error is final: stop calling Next.
  Result<bool> Next(ScannedMember* member);

  uint64_t members() const { return members_; }  // complete members returned so far

 private:
  Result<bool> Fill(size_t n);  // makes n bytes available; false when the stream ends first
  size_t available() const { return buffer_.size() - pos_; }
  Status Truncated(ScannedMember* member) const;
  Status CheckPlacement(const ScannedMember& member);

  ReadFn read_;
  std::string buffer_;
  size_t pos_ = 0;
  bool eof_ = false;
  bool ended_ = false;
  uint64_t offset_ = 0;  // stream offset of buffer_[pos_]
  uint64_t members_ = 0;
  OrderCheck order_;
  TrailerLocation last_index_;
};

class SequentialReader {
 public:
  explicit SequentialReader(int fd) : scanner_(fd) {}
  explicit SequentialReader(MemberScanner::ReadFn read) : scanner_(std::move(read)) {}

  // The next member's description, payload and offset, checked like MemberDecoder does; the
  // index and trailer members come too. Returns false at the clean end after the trailer.
  // kCorrupt: "truncated after member N at offset X" or "member N at offset X (data member of
  // object 3 chunk 2): sha256 mismatch" (members counted from 0). Errors are final.
  Result<bool> Next(MemberInfo* info, std::string* payload, uint64_t* offset);
  // Objects to name members by in errors ("table `db`.`t` chunk 2" instead of "data member of
  // object 3 chunk 2"), learned by the caller while reading; must outlive the reader's use.
  void DescribeWith(const Index* names) { names_ = names; }

 private:
  const Index* names_ = nullptr;
  MemberScanner scanner_;
  MemberDecoder decoder_;
  ScannedMember member_;
};

}  // namespace myvault::archive
