// FILE.sha256 beside an archive (private to verify).
#pragma once

#include <optional>
#include <string>

#include "myvault/status.h"

namespace myvault::verify {

// Checks `path`.sha256 against `hex`, the archive's SHA-256 in lowercase hex. A missing file is
// fine (*present = false). kCorrupt when it is malformed (not one "<64 hex>  <name>" line), names
// a file with another base name, or holds another hash; kIo when it cannot be read.
Status CheckChecksumFile(const std::string& path, const std::string& hex, bool* present);

// What `path`.sha256 says, after the same checks of its form and name: the archive's path (a
// link resolved), the .sha256 file's, and the hash in lowercase hex; nullopt when there is none.
struct ChecksumLine {
  std::string path, sha_path, hex;
};
Result<std::optional<ChecksumLine>> ReadChecksumFile(const std::string& path);

}  // namespace myvault::verify
