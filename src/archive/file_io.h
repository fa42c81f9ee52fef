// Reads from descriptors, retrying EINTR and short reads (private to the archive module).
#pragma once

#include <cstddef>
#include <cstdint>

#include "myvault/status.h"

namespace myvault::archive {

// One read(2) of at most n bytes, retrying EINTR; 0 at the end of the stream. kIo on failure.
Result<size_t> ReadSome(int fd, char* buffer, size_t n);

}  // namespace myvault::archive
