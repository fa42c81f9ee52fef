#include "verify/checksum_file.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

namespace myvault::verify {
namespace {

constexpr size_t kMaxChecksumFileSize = size_t{64} << 10;

// The whole file, or kNotFound / kIo.
Result<std::string> ReadSmallFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) return NotFound(path);
  if (fd < 0) return IoErrorFromErrno("open " + path, errno);
  std::string content(kMaxChecksumFileSize + 1, '\0');
  size_t size = 0;
  while (size < content.size()) {
    ssize_t got = ::read(fd, content.data() + size, content.size() - size);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      int err = errno;
      ::close(fd);
      return IoErrorFromErrno("read " + path, err);
    }
    if (got == 0) break;
    size += static_cast<size_t>(got);
  }
  ::close(fd);
  content.resize(size);
  return content;
}

std::string BaseName(const std::string& path) {
  return std::filesystem::path(path).filename().string();
}

}  // namespace

Status CheckChecksumFile(const std::string& given, const std::string& hex, bool* present) {
  // A link (a backup directory's P-latest.sql.gz) is checked against its target's .sha256.
  std::string path = given;
  if (std::error_code ec; std::filesystem::is_symlink(given, ec)) {
    path = std::filesystem::canonical(given, ec).string();
    if (ec) return NotFound(given + " is a dangling link");
  }
  const std::string sha_path = path + ".sha256";
  *present = false;
  auto content = ReadSmallFile(sha_path);
  if (!content.ok() && content.status().code() == StatusCode::kNotFound) return Status::Ok();
  if (!content.ok()) return content.status();
  *present = true;
  std::string line = *content;
  if (!line.empty() && line.back() == '\n') line.pop_back();
  const bool hex_ok = line.size() > 66 && std::all_of(line.begin(), line.begin() + 64, [](char c) {
                        return std::isxdigit(static_cast<unsigned char>(c)) != 0;
                      });
  const std::string_view separator = hex_ok ? std::string_view(line).substr(64, 2) : "";
  if (!hex_ok || (separator != "  " && separator != " *") || line.find('\n') != std::string::npos) {
    return Corrupt(sha_path + " is malformed: expected one line \"<sha256>  <file name>\"");
  }
  const std::string named = line.substr(66);
  if (BaseName(named) != BaseName(path)) {
    return Corrupt(sha_path + " names another file: " + named);
  }
  std::string stored = line.substr(0, 64);
  std::transform(stored.begin(), stored.end(), stored.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (stored != hex) {
    return Corrupt("archive " + path + " is damaged: its SHA-256 " + hex + " differs from " +
                   stored + " in " + sha_path);
  }
  return Status::Ok();
}

}  // namespace myvault::verify
