// File plumbing shared by the operations module (private to src/ops): a closing descriptor,
// whole writes, block reads that honour cancellation, and the SHA-256 of a file.
//
// Thread safety: plain functions; an Fd belongs to one thread.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "myvault/common/cancel.h"
#include "myvault/status.h"

namespace myvault::ops {

inline constexpr size_t kFileBlockSize = size_t{1} << 20;

// A file descriptor closed on destruction (errors of an explicit Close() are reported).
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd();
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int Close();  // close(2)'s result; the descriptor is released either way

 private:
  int fd_;
};

// Writes all of `bytes` to `fd`, retrying EINTR and short writes; kIo "write PATH: ...".
Status WriteAll(int fd, std::string_view bytes, const std::string& path);

// Reads `path` (a file or an s3:// object) in blocks of up to kFileBlockSize and hands each to
// `use`. Before each block a cancelled `cancel` (nullptr: never) ends it with Cancelled("<what>
// cancelled").
Status ForEachBlock(const std::string& path, std::string_view what, const ErrorCollector* cancel,
                    const std::function<Status(std::string_view)>& use);

// The lower-case hex SHA-256 of a file's bytes (ForEachBlock's errors).
Result<std::string> Sha256HexOfFile(const std::string& path, std::string_view what,
                                    const ErrorCollector* cancel);

}  // namespace myvault::ops
