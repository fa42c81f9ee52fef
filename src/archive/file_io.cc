#include "archive/file_io.h"

#include <errno.h>
#include <unistd.h>

namespace myvault::archive {

Result<size_t> ReadSome(int fd, char* buffer, size_t n) {
  for (;;) {
    ssize_t got = ::read(fd, buffer, n);
    if (got >= 0) return static_cast<size_t>(got);
    if (errno != EINTR) return IoErrorFromErrno("read", errno);
  }
}

Result<size_t> PreadFull(int fd, char* buffer, size_t n, uint64_t offset) {
  size_t done = 0;
  while (done < n) {
    ssize_t got = ::pread(fd, buffer + done, n - done, static_cast<off_t>(offset + done));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return IoErrorFromErrno("read", errno);
    if (got == 0) break;
    done += static_cast<size_t>(got);
  }
  return done;
}

}  // namespace myvault::archive
