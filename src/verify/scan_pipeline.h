// One pass over an archive: read, hash, inflate and check every member (private to verify).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <optional>
#include <vector>

#include "myvault/archive/crypto.h"
#include "myvault/archive/format.h"
#include "myvault/archive/reader.h"
#include "myvault/common/cancel.h"
#include "myvault/status.h"

namespace myvault::verify {

struct ScanResult {
  // Every member read, checked and decoded before the first problem, in file order (the index
  // and the trailer included).
  std::vector<archive::MemberEntry> members;
  uint64_t raw_bytes = 0;
  std::array<uint8_t, 32> file_sha256{};  // of the whole file; valid when `error` is ok

  // The first problem in file order: its bare cause ("sha256 mismatch"), where it is, and the
  // damaged member's own header when that parsed.
  Status error;
  uint64_t error_offset = 0;
  std::optional<archive::MemberInfo> error_info;
  bool truncated = false;
};

// Reads the archive front to back through `read` with a MemberScanner on the calling thread's arena
// of `threads` threads, hashing every byte and decoding members in parallel. Stops at the first
// problem, or with error = cancel->first() (kCancelled for a signal) once `cancel` (may be null) is
// cancelled. How members are checked: `codec`.key opens and authenticates an encrypted archive's
// members; `codec`.sealed without a key checks them as far as that is possible
// (CheckSealedMember).
struct ScanCodec {
  const archive::ArchiveKey* key = nullptr;
  bool sealed = false;
};
ScanResult ScanArchive(archive::MemberScanner::ReadFn read, int threads,
                       const ErrorCollector* cancel, std::atomic<uint64_t>* checked_bytes = nullptr,
                       ScanCodec codec = {});

}  // namespace myvault::verify
