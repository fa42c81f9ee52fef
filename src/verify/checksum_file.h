// FILE.sha256 beside an archive (private to verify).
#pragma once

#include <string>

#include "myvault/status.h"

namespace myvault::verify {

// Checks `path`.sha256 against `hex`, the archive's SHA-256 in lowercase hex. A missing file is
// fine (*present = false). kCorrupt when it is malformed (not one "<64 hex>  <name>" line), names
// a file with another base name, or holds another hash; kIo when it cannot be read.
Status CheckChecksumFile(const std::string& path, const std::string& hex, bool* present);

}  // namespace myvault::verify
