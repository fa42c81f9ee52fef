// Plain gzip backups: `mysqldump | gzip` files, as the runbook's scripts wrote them.
//
// A backup directory migrated from the runbook holds PREFIX-KIND-YYYYmmdd_HHMMSS.sql.gz files
// that are one gzip stream of a mysqldump script, with no myvault description anywhere. They are
// told apart from myvault archives by their first gzip member (docs/format.md section 12): every
// myvault archive, encrypted or not, starts with a member whose extra field holds the `MV`
// subfield; a plain file's first member has no `MV` subfield (gzip writes no extra field at all).
//
// PlainGzipReader inflates such a file front to back with zlib's streaming inflate (libdeflate,
// which the archive members use, only inflates whole buffers): memory stays at a few hundred KiB
// whatever the file's size. It accepts what `gzip -t` accepts: one or more concatenated gzip
// members, each with a correct CRC-32 and ISIZE, and nothing after the last; it hashes every byte
// of the file on the way, for FILE.sha256.
//
// Thread safety: DetectFormat is a function of the file; a PlainGzipReader is used by one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "myvault/status.h"
#include "myvault/storage/store.h"

namespace myvault::archive {

enum class FileFormat {
  kMyvault,  // the first member carries an `MV` subfield: a myvault archive (any version)
  kPlain,    // a gzip stream whose first member has no `MV` subfield: mysqldump | gzip
  kNotGzip,  // empty, too short, or not starting with a gzip (DEFLATE) member header
};

// The format of a file whose first bytes are `head` (at least the first member's fixed header
// and extra field; 64 KiB is always enough). Pure.
FileFormat DetectFormatOf(std::string_view head);
// The same, reading the start of the file. kNotFound / kIo when it cannot be read.
Result<FileFormat> DetectFormat(const std::string& path);

class PlainGzipReader {
 public:
  // `path` is a file or an s3:// object (read ahead in parallel). kNotFound when it does not
  // exist, kIo (kAuth, kConnection) when it cannot be opened.
  static Result<std::unique_ptr<PlainGzipReader>> Open(const std::string& path);
  ~PlainGzipReader();
  PlainGzipReader(const PlainGzipReader&) = delete;
  PlainGzipReader& operator=(const PlainGzipReader&) = delete;

  // Appends up to `max` (> 0) inflated bytes to *out and returns how many; 0 only at the clean
  // end of the stream (every member complete, nothing after the last). kCorrupt, naming the
  // file and the compressed byte offset: "not a gzip stream", "invalid compressed data",
  // "CRC-32 mismatch", "truncated", "N bytes after the last gzip member". kIo on a read error.
  Result<size_t> Read(std::string* out, size_t max);

  uint64_t compressed_bytes() const { return consumed_; }  // of the file, read so far
  uint64_t inflated_bytes() const { return inflated_; }
  uint64_t members() const { return members_; }  // complete gzip members so far
  // SHA-256 of the whole file in lowercase hex; valid once Read has returned 0.
  const std::string& sha256_hex() const { return sha256_hex_; }

 private:
  struct State;
  PlainGzipReader(std::string path, std::unique_ptr<storage::ObjectReader> object);
  Status Fill();  // reads the next block of the file into the input buffer
  Status Damaged(const std::string& what) const;

  std::string path_;
  std::unique_ptr<storage::ObjectReader> object_;
  std::unique_ptr<storage::ReadAheadStream> stream_;  // reads object_
  std::unique_ptr<State> state_;
  uint64_t consumed_ = 0, inflated_ = 0, members_ = 0;
  bool eof_ = false, done_ = false;
  std::string sha256_hex_;
};

}  // namespace myvault::archive
