// Offline verification of an archive file: `myvault verify FILE`.
//
// VerifyArchive reads the file once, front to back, hashing every byte for FILE.sha256 while
// inflating and checking members in parallel (oneTBB pipeline, memory bounded by a few batches
// per thread), then checks the index against what it found and the rules of docs/format.md
// section 7. It reports the first problem in file order, in one line that names the damaged
// table and chunk. An encrypted archive (docs/format.md 11.5) is checked without a key as far as
// its ciphertext allows (every member's SHA-256, CRC-32 and framing, the write order, the trailer,
// FILE.sha256); with an identity every member is also authenticated, inflated and compared with
// the sealed index, as for a plain archive.
//
// Thread safety: VerifyArchive may run concurrently on different files; it uses its own task
// arena of `threads` threads.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "myvault/archive/crypto.h"
#include "myvault/common/cancel.h"
#include "myvault/status.h"

namespace myvault::verify {

struct VerifyOptions {
  bool check_sha256_file = true;  // check FILE.sha256 when it exists
  int threads = 2;                // inflating threads (at least 1)
  // Polled between batches of members: once cancelled, VerifyArchive returns its first() error
  // (kCancelled for a signal). May be null.
  const ErrorCollector* cancel = nullptr;
  // When set, the bytes of the file checked so far (for a progress line); written by one thread.
  std::atomic<uint64_t>* checked_bytes = nullptr;
  // Opens an encrypted archive (may be null: then its ciphertext only is checked). Not kept.
  const archive::Identity* identity = nullptr;
};

struct VerifyReport {
  uint64_t members = 0;  // every member, index and trailer included
  uint64_t data_members = 0;
  uint64_t rows = 0;              // sum over data members
  uint64_t raw_bytes = 0;         // uncompressed payload bytes, all members
  uint64_t compressed_bytes = 0;  // the file's size
  bool sha256_file_checked = false;
  bool encrypted = false;  // format version 2
  bool keyless = false;    // encrypted, checked without a key: contents not authenticated
  // "db.t" -> rows, for every object that has data members, in index order.
  std::vector<std::pair<std::string, uint64_t>> table_rows;
  double seconds = 0;
};

// OK when the archive is intact; *report is filled as far as verification got. Errors:
// kNotFound (no such file), kIo (cannot read), kCorrupt with one line:
//   "archive /b/x.sql.gz is damaged: table `shop`.`orders` chunk 3 (member at offset 123456):
//    sha256 mismatch", "archive /b/x.sql.gz is damaged: truncated after member 12 at offset 4096",
//   "/b/x.sql.gz is not a myvault archive", "/b/x.sql.gz.sha256 names another file: y.sql.gz";
// a KeyError (crypto.h) when `identity` does not open an encrypted archive.
Status VerifyArchive(const std::string& path, const VerifyOptions& options, VerifyReport* report);

// The lighter check a restore makes before it changes a target: every byte of the file hashed
// once, in one sequential read without inflating anything, against FILE.sha256 (a restore then
// checks each member as it loads it). Sets *vouched when FILE.sha256 exists and matches; when
// there is none, *vouched stays false and nothing but that was read. Errors as VerifyArchive's
// for FILE.sha256 (kCorrupt "archive X is damaged: its SHA-256 ... differs from ... in
// X.sha256", a malformed or misnamed X.sha256), kNotFound, kIo, and options.cancel's first().
// Uses options.cancel and options.checked_bytes; threads and identity play no part.
Status CheckWholeFile(const std::string& path, const VerifyOptions& options, bool* vouched);

}  // namespace myvault::verify
