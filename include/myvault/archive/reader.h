// Reading archives: random access through the index (ArchiveReader), and front to back from a
// stream that cannot seek, such as stdin (MemberScanner, SequentialReader).
//
// ArchiveReader opens a file by reading only its trailer and index (docs/format.md section 4),
// then reads any member by its index entry. An encrypted archive (version 2) is opened with an
// Identity (crypto.h): its keys member is read first, and every member is authenticated.
// MemberScanner steps from member to member using each header's body size, checking the write
// order, the trailer and the end of the stream, without inflating; SequentialReader adds decoding
// and checking of every member.
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
  // An encrypted archive needs `identity`: without one, KeyError "archive P is encrypted: ...";
  // with one that opens none of its stanzas, KeyError naming the archive. `identity` is not kept.
  // A plain archive ignores it. `path` may be an s3:// URL (storage/store.h): then every read is
  // a ranged GET.
  static Result<std::unique_ptr<ArchiveReader>> Open(const std::string& path,
                                                     const Identity* identity = nullptr);
  // Reads an object already opened; `path` names it in messages.
  static Result<std::unique_ptr<ArchiveReader>> Open(const std::string& path,
                                                     std::unique_ptr<storage::ObjectReader> object,
                                                     const Identity* identity = nullptr);
  ~ArchiveReader();
  ArchiveReader(const ArchiveReader&) = delete;
  ArchiveReader& operator=(const ArchiveReader&) = delete;

  const Index& index() const { return index_; }
  bool encrypted() const { return key_ != nullptr; }
  const ArchiveKey* key() const { return key_.get(); }  // null for a plain archive
  uint64_t file_size() const { return file_size_; }
  const std::string& path() const { return path_; }

  // Reads, inflates and checks one member, and checks it is the one `entry` describes.
  // kCorrupt "archive P is damaged: table `shop`.`orders` chunk 3 (member at offset X): cause".
  Status ReadMember(const MemberEntry& entry, std::string* payload) const;

 private:
  ArchiveReader(std::string path, std::unique_ptr<storage::ObjectReader> object, uint64_t size)
      : path_(std::move(path)), object_(std::move(object)), file_size_(size) {}
  Status LoadIndex(const Identity* identity);
  Status LoadKey(const Identity* identity);

  std::string path_;
  std::unique_ptr<storage::ObjectReader> object_;
  uint64_t file_size_;
  std::unique_ptr<ArchiveKey> key_;  // encrypted archives only
  Index index_;
};

// The format version the member at offset 0 of `object` declares (1, or 2 for an encrypted
// archive), from its header alone. kCorrupt when there is no parsable member header there.
Result<uint8_t> FirstMemberVersion(const storage::ObjectReader& object);

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
  // Every member must have the version of the first (kCorrupt "member of format version 1 in a
  // version 2 archive"), and a version 2 archive must start with its keys member.
  Result<bool> Next(ScannedMember* member);

  uint64_t members() const { return members_; }  // complete members returned so far
  uint8_t version() const { return version_; }   // of the first member; 0 before it

 private:
  Result<bool> Fill(size_t n);  // makes n bytes available; false when the stream ends first
  size_t available() const { return buffer_.size() - pos_; }
  Status Truncated(ScannedMember* member) const;
  Status CheckPlacement(const ScannedMember& member);
  Status CheckVersion(uint8_t version, MemberKind kind);

  ReadFn read_;
  std::string buffer_;
  size_t pos_ = 0;
  bool eof_ = false;
  bool ended_ = false;
  uint64_t offset_ = 0;  // stream offset of buffer_[pos_]
  uint64_t members_ = 0;
  uint8_t version_ = 0;
  OrderCheck order_;
  TrailerLocation last_index_;
};

class SequentialReader {
 public:
  // `identity` (may be null; must outlive the reader) opens an encrypted stream's keys member.
  explicit SequentialReader(int fd, const Identity* identity = nullptr)
      : identity_(identity), scanner_(fd), decoder_(std::make_unique<MemberDecoder>()) {}
  explicit SequentialReader(MemberScanner::ReadFn read, const Identity* identity = nullptr)
      : identity_(identity),
        scanner_(std::move(read)),
        decoder_(std::make_unique<MemberDecoder>()) {}

  // The next member's description, payload and offset, checked like MemberDecoder does; the
  // keys, index and trailer members come too (the keys member's payload is its key block, from
  // which the reader takes the key for the members after it: KeyError when `identity` cannot
  // open it). Returns false at the clean end after the trailer.
  // kCorrupt: "truncated after member N at offset X" or "member N at offset X (data member of
  // object 3 chunk 2): sha256 mismatch" (members counted from 0). Errors are final.
  Result<bool> Next(MemberInfo* info, std::string* payload, uint64_t* offset);
  // Objects to name members by in errors ("table `db`.`t` chunk 2" instead of "data member of
  // object 3 chunk 2"), learned by the caller while reading; must outlive the reader's use.
  void DescribeWith(const Index* names) { names_ = names; }

 private:
  Status Decode(MemberInfo* info, std::string* payload);

  const Index* names_ = nullptr;
  const Identity* identity_;
  MemberScanner scanner_;
  std::unique_ptr<ArchiveKey> key_;
  std::unique_ptr<MemberDecoder> decoder_;
  ScannedMember member_;
};

}  // namespace myvault::archive
