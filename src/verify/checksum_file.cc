#include "verify/checksum_file.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <memory>

#include "myvault/archive/format.h"
#include "myvault/archive/sha256.h"
#include "myvault/storage/store.h"
#include "myvault/verify/verify.h"

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

Status SameHash(const ChecksumLine& line, const std::string& hex) {
  if (line.hex == hex) return Status::Ok();
  return Corrupt("archive " + line.path + " is damaged: its SHA-256 " + hex + " differs from " +
                 line.hex + " in " + line.sha_path);
}

}  // namespace

Result<std::optional<ChecksumLine>> ReadChecksumFile(const std::string& given) {
  // A link (a backup directory's P-latest.sql.gz) is checked against its target's .sha256.
  std::string path = given;
  if (std::error_code ec; !storage::IsObjectUrl(given) && std::filesystem::is_symlink(given, ec)) {
    path = std::filesystem::canonical(given, ec).string();
    if (ec) return NotFound(given + " is a dangling link");
  }
  const std::string sha_path = path + ".sha256";
  auto content = ReadSmallFile(sha_path);
  if (!content.ok() && content.status().code() == StatusCode::kNotFound) {
    return std::optional<ChecksumLine>();
  }
  if (!content.ok()) return content.status();
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
  return std::optional<ChecksumLine>(ChecksumLine{path, sha_path, stored});
}

Status CheckChecksumFile(const std::string& given, const std::string& hex, bool* present) {
  *present = false;
  ASSIGN_OR_RETURN(std::optional<ChecksumLine> line, ReadChecksumFile(given));
  if (!line) return Status::Ok();
  *present = true;
  return SameHash(*line, hex);
}

Status CheckWholeFile(const std::string& path, const VerifyOptions& options, bool* vouched) {
  *vouched = false;
  ASSIGN_OR_RETURN(std::optional<ChecksumLine> line, ReadChecksumFile(path));
  if (!line) return Status::Ok();
  ASSIGN_OR_RETURN(std::unique_ptr<storage::ObjectReader> object, storage::OpenObject(path));
  storage::ReadAheadStream stream(object.get());
  archive::Sha256 sha;
  std::string buffer(size_t{1} << 20, '\0');
  for (;;) {
    if (options.cancel != nullptr && options.cancel->cancelled()) return options.cancel->first();
    ASSIGN_OR_RETURN(size_t n, stream.Read(buffer.data(), buffer.size()));
    if (n == 0) break;
    sha.Update(std::string_view(buffer.data(), n));
    if (options.checked_bytes != nullptr) *options.checked_bytes += n;
  }
  RETURN_IF_ERROR(SameHash(*line, archive::Sha256Hex(sha.Final())));
  *vouched = true;
  return Status::Ok();
}

}  // namespace myvault::verify
