#include "myvault/ops/offsite.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "deadline.h"
#include "file_util.h"
#include "myvault/archive/format.h"
#include "myvault/archive/sha256.h"
#include "myvault/archive/writer.h"
#include "myvault/ops/cron.h"
#include "myvault/storage/store.h"
#include "offsite_command.h"

namespace myvault::ops {
namespace {

// Removes `path` on destruction unless Keep() was called.
class RemoveUnlessKept {
 public:
  explicit RemoveUnlessKept(std::string path) : path_(std::move(path)) {}
  ~RemoveUnlessKept() {
    if (!kept_) ::unlink(path_.c_str());
  }
  RemoveUnlessKept(const RemoveUnlessKept&) = delete;
  RemoveUnlessKept& operator=(const RemoveUnlessKept&) = delete;
  void Keep() { kept_ = true; }

 private:
  std::string path_;
  bool kept_ = false;
};

// Copies `from` into the new file `to_fd` (named `to` in errors), then fsyncs it.
Status CopyBlocks(const std::string& from, int to_fd, const std::string& to,
                  const ErrorCollector* cancel) {
  RETURN_IF_ERROR(ForEachBlock(from, "offsite copy to " + to, cancel,
                               [&](std::string_view block) { return WriteAll(to_fd, block, to); }));
  if (::fsync(to_fd) != 0) return IoErrorFromErrno("fsync " + to, errno);
  // Drop the cached pages so that the check below reads what the storage holds, where it can.
  (void)::posix_fadvise(to_fd, 0, 0, POSIX_FADV_DONTNEED);
  return Status::Ok();
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Copies `from` to `to` through `to`.partial; when `sha256_hex` is not empty, the copy must hash
// to it before it is renamed into place.
Status CopyFileChecked(const std::string& from, const std::string& to,
                       const std::string& sha256_hex, const ErrorCollector* cancel) {
  const std::string partial = to + ".partial";
  if (::unlink(partial.c_str()) != 0 && errno != ENOENT) {
    return IoErrorFromErrno("remove stale " + partial, errno);
  }
  Fd out(::open(partial.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (out.get() < 0) return IoErrorFromErrno("create " + partial, errno);
  RemoveUnlessKept remove(partial);
  if (::fchmod(out.get(), 0600) != 0) return IoErrorFromErrno("chmod " + partial, errno);
  RETURN_IF_ERROR(CopyBlocks(from, out.get(), partial, cancel));
  if (out.Close() != 0) return IoErrorFromErrno("close " + partial, errno);
  if (!sha256_hex.empty()) {
    ASSIGN_OR_RETURN(const std::string actual,
                     Sha256HexOfFile(partial, "offsite copy to " + partial, cancel));
    if (actual != Lower(sha256_hex)) {
      return Corrupt("offsite copy " + partial + " does not match the backup: SHA-256 " + actual +
                     ", expected " + Lower(sha256_hex));
    }
  }
  if (::rename(partial.c_str(), to.c_str()) != 0) {
    return IoErrorFromErrno("rename " + partial + " to " + to, errno);
  }
  remove.Keep();
  return Status::Ok();
}

Status CheckDirectory(const std::string& dir, const std::string& file) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) {
    if (errno == ENOENT) return NotFound("offsite directory " + dir + " does not exist");
    return IoErrorFromErrno("offsite directory " + dir, errno);
  }
  if (!S_ISDIR(st.st_mode)) return NotFound("offsite directory " + dir + " is not a directory");
  std::error_code ec;
  std::filesystem::path parent = std::filesystem::path(file).parent_path();
  if (parent.empty()) parent = ".";
  if (std::filesystem::equivalent(dir, parent, ec)) {
    return InvalidArgument("offsite directory " + dir + " is the backup's own directory");
  }
  return Status::Ok();
}

// FILE.sha256 exists (FILE a path or an s3:// object).
bool HasChecksumFile(const std::string& file) {
  if (storage::IsObjectUrl(file)) return storage::OpenObject(file + ".sha256").ok();
  struct stat st {};
  return ::stat((file + ".sha256").c_str(), &st) == 0;
}

Status CopyToDirectory(const std::string& dir, const std::string& file,
                       const std::string& sha256_hex, const ErrorCollector* cancel) {
  RETURN_IF_ERROR(CheckDirectory(dir, file));
  const std::string name = std::filesystem::path(file).filename().string();
  const std::string to = (std::filesystem::path(dir) / name).string();
  RETURN_IF_ERROR(CopyFileChecked(file, to, sha256_hex, cancel));
  if (HasChecksumFile(file)) {
    RETURN_IF_ERROR(CopyFileChecked(file + ".sha256", to + ".sha256", "", cancel));
  }
  return archive::SyncDirectoryOf(to);
}

// FILE.sha256's text (at most 64 KiB), or "" when FILE has none.
Result<std::string> ReadChecksumLine(const std::string& file, const std::string& to,
                                     const ErrorCollector* cancel) {
  std::string line;
  if (!HasChecksumFile(file)) return line;
  RETURN_IF_ERROR(ForEachBlock(file + ".sha256", "offsite copy to " + to + ".sha256", cancel,
                               [&](std::string_view block) {
                                 if (line.size() + block.size() > (size_t{64} << 10)) {
                                   return IoError(file + ".sha256 is larger than 64 KiB");
                                 }
                                 line.append(block);
                                 return Status::Ok();
                               }));
  return line;
}

// Streams FILE into the object NAME of `location` (s3://BUCKET/PREFIX): the bytes sent must hash
// to sha256_hex before the upload completes. FILE.sha256 becomes its own object, put in place
// before the upload completes (as the archive writer does), so the copy never stands there
// without it; over an existing object of that name, after.
Status CopyToStore(const std::string& location, const std::string& file,
                   const std::string& sha256_hex, const ErrorCollector* cancel) {
  ASSIGN_OR_RETURN(std::unique_ptr<storage::Store> store, storage::OpenStore(location));
  const std::string name = std::filesystem::path(file).filename().string();
  if (store->Describe(name) == file) {
    return InvalidArgument("offsite location " + location + " is the backup's own location");
  }
  const std::string to = store->Describe(name);
  ASSIGN_OR_RETURN(std::optional<uint64_t> existing, store->Stat(name));
  ASSIGN_OR_RETURN(std::string line, ReadChecksumLine(file, to, cancel));
  ASSIGN_OR_RETURN(std::unique_ptr<storage::ObjectWriter> out, store->Create(name));
  archive::Sha256 hash;
  RETURN_IF_ERROR(ForEachBlock(file, "offsite copy to " + to, cancel, [&](std::string_view block) {
    hash.Update(block);
    return out->Write(block);
  }));
  const std::string actual = archive::Sha256Hex(hash.Final());
  if (!sha256_hex.empty() && actual != Lower(sha256_hex)) {
    out->Abort();
    return Corrupt("offsite copy " + to + " does not match the backup: SHA-256 " + actual +
                   ", expected " + Lower(sha256_hex));
  }
  const bool checksum_first = !line.empty() && !existing;
  if (checksum_first) RETURN_IF_ERROR(store->WriteSmall(name + ".sha256", line));
  if (Status st = out->Commit(); !st.ok()) {
    if (checksum_first) {
      (void)store->Remove(name);  // the commit may have landed though it failed
      (void)store->Remove(name + ".sha256");
    }
    return st;
  }
  if (line.empty() || checksum_first) return Status::Ok();
  return store->WriteSmall(name + ".sha256", line);
}

}  // namespace

std::string ShellQuote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  out += '\'';
  return out;
}

Status CopyOffsite(const OffsiteOptions& options, const std::string& file,
                   const std::string& sha256_hex, const ErrorCollector* cancel) {
  if (options.timeout_s <= 0) {
    return InvalidArgument("the offsite copy timeout must be at least 1s");
  }
  const std::string within =
      " did not finish within " + FormatDuration(options.timeout_s) + " (--copy-timeout)";
  if (!options.copy_to.empty()) {
    const Deadline deadline(cancel, options.timeout_s,
                            IoError("offsite copy to " + options.copy_to + within));
    const Status copied =
        storage::IsObjectUrl(options.copy_to)
            ? CopyToStore(options.copy_to, file, sha256_hex, deadline.collector())
            : CopyToDirectory(options.copy_to, file, sha256_hex, deadline.collector());
    if (!copied.ok() && deadline.expired()) return deadline.status();
    RETURN_IF_ERROR(copied);
  }
  if (!options.copy_command.empty()) {
    const Deadline deadline(cancel, options.timeout_s, IoError("offsite copy command" + within));
    RETURN_IF_ERROR(RunCopyCommand(options.copy_command, file, deadline.collector()));
  }
  return Status::Ok();
}

}  // namespace myvault::ops
