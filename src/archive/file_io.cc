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

}  // namespace myvault::archive
