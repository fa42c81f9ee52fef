#include "myvault/verify/plain.h"

#include "myvault/archive/plain.h"
#include "myvault/common/clock.h"
#include "verify/checksum_file.h"

namespace myvault::verify {

Status VerifyPlainBackup(const std::string& path, const ErrorCollector* cancel,
                         std::atomic<uint64_t>* checked_bytes, PlainVerifyReport* report,
                         const std::function<void(std::string_view)>& on_sql) {
  *report = PlainVerifyReport{};
  const double start = MonotonicSeconds();
  ASSIGN_OR_RETURN(auto reader, archive::PlainGzipReader::Open(path));
  std::string buffer;
  constexpr size_t kBlock = 1 << 20;
  while (true) {
    if (cancel != nullptr && cancel->cancelled()) return cancel->first();
    buffer.clear();
    Result<size_t> got = reader->Read(&buffer, kBlock);
    report->compressed_bytes = reader->compressed_bytes();
    report->sql_bytes = reader->inflated_bytes();
    report->members = reader->members();
    if (checked_bytes != nullptr) checked_bytes->store(reader->compressed_bytes());
    if (!got.ok()) return got.status();
    if (*got == 0) break;
    if (on_sql) on_sql(buffer);
  }
  report->sha256_hex = reader->sha256_hex();
  RETURN_IF_ERROR(CheckChecksumFile(path, reader->sha256_hex(), &report->sha256_file_checked));
  report->seconds = MonotonicSeconds() - start;
  return Status::Ok();
}

}  // namespace myvault::verify
