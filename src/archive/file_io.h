// Reads from descriptors, retrying EINTR and short reads (private to the archive module).
#pragma once

#include <cstddef>
#include <cstdint>

#include "myvault/status.h"

namespace myvault::archive {

// One read(2) of at most n bytes, retrying EINTR; 0 at the end of the stream. kIo on failure.
Result<size_t> ReadSome(int fd, char* buffer, size_t n);

// Reads n bytes at a file offset; fewer only at the end of the file. kIo on failure.
Result<size_t> PreadFull(int fd, char* buffer, size_t n, uint64_t offset);

}  // namespace myvault::archive
