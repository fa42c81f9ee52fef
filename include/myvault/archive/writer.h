// Writing an archive file: members in, a complete FILE plus FILE.sha256 out, or nothing at all.
//
// The dumper encodes members (MemberEncoder, one per thread) and hands their bytes to one
// ArchiveWriter, which appends them, buffered, to an object of a storage::Store (a file written
// as FILE.partial and renamed, or an S3 multipart upload), hashes every byte for FILE.sha256 and
// remembers each member's offset for the index. Finish() writes the index and trailer members,
// then FILE.sha256, then commits the object (docs/format.md section 6): a new archive never
// appears without its checksum (one that replaces an older archive is committed first, and its
// FILE.sha256 follows). On any failure the writer removes what it wrote; a destroyed unfinished
// writer aborts. FILE may be a path or an s3:// URL (storage/store.h).
//
// Thread safety: none. One thread owns an ArchiveWriter (the dumper's serial writer stage).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "myvault/archive/crypto.h"
#include "myvault/archive/format.h"
#include "myvault/archive/sha256.h"
#include "myvault/status.h"
#include "myvault/storage/store.h"

namespace myvault::archive {

// Where the writer's bytes go. Each method returns kIo whose message is the bare cause
// ("No space left on device"); the writer adds the operation and the file name.
class Sink {
 public:
  virtual ~Sink() = default;
  virtual Status Write(std::string_view bytes) = 0;  // writes all of `bytes` or fails
  virtual Status Sync() = 0;                         // makes written bytes durable
  virtual Status Close() = 0;                        // further calls are errors
};

// A file created (or truncated) with O_CREAT|O_TRUNC|O_WRONLY|O_CLOEXEC and mode 0600, whatever
// the umask. Write retries short writes and EINTR.
class FileSink : public Sink {
 public:
  static Result<std::unique_ptr<FileSink>> Create(const std::string& path);
  // Writes to an open descriptor it does not own (standard output): Close() and the destructor
  // leave it open, Sync() does nothing (a pipe cannot be synced).
  static std::unique_ptr<FileSink> Borrow(int fd);
  ~FileSink() override;
  Status Write(std::string_view bytes) override;
  Status Sync() override;
  Status Close() override;

 private:
  FileSink(int fd, bool owned) : fd_(fd), owned_(owned) {}
  int fd_;
  bool owned_;
};

using storage::SyncDirectoryOf;

struct WriterOptions {
  bool fsync = true;    // fsync the archive, the .sha256 and the directory (off only in tests)
  int index_level = 6;  // libdeflate level of the index member, 0..12
  // FILE.sha256 names FILE by its base name, not as given: for a directory that is mounted under
  // other paths (a volume, an offsite copy), where `sha256sum -c` runs inside it. Always so for
  // an s3:// FILE.
  bool checksum_base_name = false;
  // Encryption (format version 2): the key every member is sealed with, which must outlive the
  // writer, and the key block the writer puts first, in the keys member. Null: version 1.
  const ArchiveKey* key = nullptr;
  std::string key_block{};
};

class ArchiveWriter {
 public:
  // Creates `path`.partial (or starts the object). Errors name the file: "open
  // /b/x.sql.gz.partial: Permission denied".
  static Result<std::unique_ptr<ArchiveWriter>> Create(const std::string& path,
                                                       WriterOptions options = {});
  // For tests: bytes go to `sink`, which must write `path`.partial (Finish renames that file).
  static Result<std::unique_ptr<ArchiveWriter>> Create(const std::string& path,
                                                       std::unique_ptr<Sink> sink,
                                                       WriterOptions options = {});
  ~ArchiveWriter();
  ArchiveWriter(const ArchiveWriter&) = delete;
  ArchiveWriter& operator=(const ArchiveWriter&) = delete;

  // Appends one member made by MemberEncoder; `info` must be what Encode reported for it, and the
  // encoder must have had the writer's key (or none, like the writer).
  // kInvalidArgument for bytes that are not that member or break the write order (header first,
  // kinds never decreasing, keys, index and trailer left to the writer). kIo ("write P: cause")
  // when the file cannot be written; the writer has then aborted and every later call fails the
  // same way.
  Status Append(std::string_view member_bytes, const MemberInfo& info);

  // Sets index.members to the members appended, checks the index (ValidateIndex; kInternal on a
  // violation, which is a dumper bug), appends the index and trailer, writes `path`.sha256
  // ("<hex>  <path>\n") and then commits the object (a file: sync, rename `path`.partial to
  // `path`, sync the directory; S3: CompleteMultipartUpload); over an existing `path`, the commit
  // comes first. On failure nothing is left, or, when the store is gone before the writer can
  // remove it, only `path`.sha256 (which Store::CleanupIncomplete removes).
  Status Finish(Index index);

  // Removes `path`.partial (and anything Finish had begun to put in place). Idempotent; does
  // nothing after a successful Finish.
  void Abort();

  uint64_t bytes_written() const { return bytes_written_; }
  const std::string& path() const { return path_; }

 private:
  // kChecksumWritten: FILE.sha256 put in place for a new name, the object not yet committed.
  // kCommitted: the object replaced an older one; its FILE.sha256 comes next.
  enum class State { kOpen, kChecksumWritten, kCommitted, kFinished, kAborted };

  ArchiveWriter(std::string path, storage::StoreAndName where,
                std::unique_ptr<storage::ObjectWriter> out, WriterOptions options);
  Status CheckOpen() const;
  static Result<std::unique_ptr<ArchiveWriter>> Start(std::unique_ptr<ArchiveWriter> writer);
  Status WriteKeysMember();
  uint8_t version() const {
    return options_.key != nullptr ? kSealedFormatVersion : kFormatVersion;
  }
  Status WriteMember(std::string_view bytes, const MemberInfo& info);
  Status Flush();
  Status Fail(Status status);
  Status AppendIndexAndTrailer(const Index& index);
  Status Commit();
  Status WriteChecksumFile(const std::string& hex);
  Status PutChecksumFile(const std::string& hex, State before);

  std::string path_;
  WriterOptions options_;
  storage::StoreAndName where_;
  std::unique_ptr<storage::ObjectWriter> out_;
  std::string buffer_;
  uint64_t bytes_written_ = 0;
  std::vector<MemberEntry> members_;
  OrderCheck order_;
  Sha256 file_hash_;
  State state_ = State::kOpen;
  bool name_was_free_ = false;  // no object under the name when the writer began
  Status error_;
};

}  // namespace myvault::archive
