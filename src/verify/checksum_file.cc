#include "verify/checksum_file.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <memory>

#include "myvault/storage/store.h"

namespace myvault::verify {
namespace {

constexpr size_t kMaxChecksumFileSize = size_t{64} << 10;

// The object's first kMaxChecksumFileSize + 1 bytes (a longer one is malformed), or kNotFound /
// kIo. A path or an s3:// URL.
Result<std::string> ReadSmallFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::unique_ptr<storage::ObjectReader> reader, storage::OpenObject(path));
  std::string content;
  RETURN_IF_ERROR(reader->ReadAt(0, kMaxChecksumFileSize + 1, &content));
  return content;
}

std::string BaseName(const std::string& path) {
  return std::filesystem::path(path).filename().string();
}

}  // namespace

Status CheckChecksumFile(const std::string& given, const std::string& hex, bool* present) {
  // A link (a backup directory's P-latest.sql.gz) is checked against its target's .sha256.
  std::string path = given;
  if (std::error_code ec; !storage::IsObjectUrl(given) && std::filesystem::is_symlink(given, ec)) {
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
