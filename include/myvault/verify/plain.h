// Checking a plain `mysqldump | gzip` backup (archive/plain.h) offline.
//
// A plain file has no index and no per-member hashes: it is intact when FILE.sha256 (as the
// runbook's `sha256sum` wrote it, or any line naming the file's base name) matches the whole file
// and the gzip stream inflates cleanly to its end, every member's CRC-32 and ISIZE correct, as
// `gzip -t` checks it. VerifyPlainBackup reads the file once, with bounded memory.
//
// Thread safety: may run concurrently on different files.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "myvault/common/cancel.h"
#include "myvault/status.h"

namespace myvault::verify {

struct PlainVerifyReport {
  uint64_t compressed_bytes = 0;     // the file's size
  uint64_t sql_bytes = 0;            // inflated
  uint64_t members = 0;              // gzip members
  bool sha256_file_checked = false;  // FILE.sha256 existed and matched
  std::string sha256_hex;            // of the whole file
  double seconds = 0;
};

// OK when the stream inflates cleanly and FILE.sha256, when present, matches (a missing one is
// reported through sha256_file_checked = false). Errors: kNotFound, kIo, kCorrupt with one line
// ("plain backup F is truncated: ...", "... is damaged: CRC-32 mismatch (compressed byte N)",
// the checksum file's own errors); kCancelled once `cancel` is. `checked_bytes`, when set, gets
// the compressed bytes read so far; `on_sql`, when set, every block of inflated SQL in order.
Status VerifyPlainBackup(const std::string& path, const ErrorCollector* cancel,
                         std::atomic<uint64_t>* checked_bytes, PlainVerifyReport* report,
                         const std::function<void(std::string_view)>& on_sql = nullptr);

}  // namespace myvault::verify
