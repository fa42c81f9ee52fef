#include "myvault/verify/verify.h"

#include <algorithm>
#include <chrono>
#include <memory>

#include "myvault/archive/member.h"
#include "myvault/archive/reader.h"
#include "myvault/storage/store.h"
#include "verify/checksum_file.h"
#include "verify/scan_pipeline.h"

namespace myvault::verify {
namespace {

using archive::Index;
using archive::MemberEntry;
using archive::MemberInfo;

std::string Damaged(const std::string& path) { return "archive " + path + " is damaged: "; }

// Names the member at `offset`: from the index when it lists that offset (the index is checked,
// the member's own header may be what is damaged), else from the member's own header.
std::string DescribeAt(const Index* index, uint64_t offset, const std::optional<MemberInfo>& own) {
  if (index != nullptr) {
    auto it =
        std::lower_bound(index->members.begin(), index->members.end(), offset,
                         [](const MemberEntry& m, uint64_t value) { return m.offset < value; });
    if (it != index->members.end() && it->offset == offset)
      return index->Describe(it->info, offset);
  }
  if (own.has_value()) return (index != nullptr ? *index : Index()).Describe(*own, offset);
  return "member at offset " + std::to_string(offset);
}

// The one-line error for a pass that stopped early.
Status ScanFailure(const std::string& path, const ScanResult& scan, const Index* index,
                   bool starts_like_gzip) {
  if (scan.error.code() != StatusCode::kCorrupt) return scan.error.WithContext(path);
  if (index == nullptr && scan.error_offset == 0 && !scan.error_info.has_value() &&
      (!starts_like_gzip || !scan.truncated)) {
    return Corrupt(path + " is not a myvault archive");
  }
  if (scan.truncated) return Corrupt(Damaged(path) + scan.error.message());
  return Corrupt(Damaged(path) + DescribeAt(index, scan.error_offset, scan.error_info) + ": " +
                 scan.error.message());
}

// "the index says chunk 3, the member says chunk 259" for the first field that differs.
std::string Difference(const MemberEntry& listed, const MemberEntry& found) {
  auto says = [](std::string_view field, const std::string& a, const std::string& b) {
    const std::string f(field);
    return "the index says " + f + " " + a + ", the member says " + f + " " + b;
  };
  const MemberInfo& l = listed.info;
  const MemberInfo& f = found.info;
  using std::to_string;
  if (listed.offset != found.offset)
    return says("offset", to_string(listed.offset), to_string(found.offset));
  if (listed.size != found.size) return says("size", to_string(listed.size), to_string(found.size));
  if (l.kind != f.kind) {
    return says("kind", std::string(MemberKindName(l.kind)), std::string(MemberKindName(f.kind)));
  }
  if (l.object_id != f.object_id)
    return says("object", to_string(l.object_id), to_string(f.object_id));
  if (l.chunk != f.chunk) return says("chunk", to_string(l.chunk), to_string(f.chunk));
  if (l.rows != f.rows) return says("rows", to_string(l.rows), to_string(f.rows));
  if (l.raw_size != f.raw_size)
    return says("raw size", to_string(l.raw_size), to_string(f.raw_size));
  return says("sha256", archive::Sha256Hex(l.sha256), archive::Sha256Hex(f.sha256));
}

// The members found before the index must be exactly those the index lists.
Status CompareWithIndex(const std::string& path, const std::vector<MemberEntry>& found,
                        const Index& index) {
  const size_t before_index = found.size() - 2;  // the scan ended after index and trailer
  const size_t listed = index.members.size();
  for (size_t i = 0; i < std::min(listed, before_index); ++i) {
    if (index.members[i] != found[i]) {
      return Corrupt(Damaged(path) + index.Describe(index.members[i].info, found[i].offset) + ": " +
                     Difference(index.members[i], found[i]));
    }
  }
  if (listed != before_index) {
    return Corrupt(Damaged(path) + "the index lists " + std::to_string(listed) +
                   " members before it, the file holds " + std::to_string(before_index));
  }
  return Status::Ok();
}

void FillTableRows(const Index& index, VerifyReport* report) {
  for (const archive::ObjectEntry& object : index.objects) {
    bool has_data = std::any_of(index.members.begin(), index.members.end(), [&](const auto& m) {
      return m.info.kind == archive::MemberKind::kData && m.info.object_id == object.id;
    });
    if (has_data) report->table_rows.emplace_back(object.schema + "." + object.name, object.rows);
  }
}

void CountMembers(const std::vector<MemberEntry>& members, VerifyReport* report) {
  for (const MemberEntry& m : members) {
    ++report->members;
    report->raw_bytes += m.info.raw_size;
    if (m.info.kind != archive::MemberKind::kData) continue;
    ++report->data_members;
    report->rows += m.info.rows;
  }
}

Status CheckChecksum(const std::string& path, const VerifyOptions& options, const ScanResult& scan,
                     VerifyReport* report) {
  if (!options.check_sha256_file) return Status::Ok();
  return CheckChecksumFile(path, archive::Sha256Hex(scan.file_sha256),
                           &report->sha256_file_checked);
}

Status Verify(const std::string& path, const VerifyOptions& options,
              const storage::ObjectReader& object, VerifyReport* report) {
  if (object.size() == 0) return Corrupt(path + " is not a myvault archive (empty file)");
  report->compressed_bytes = object.size();
  std::string first;
  const bool gzip =
      object.ReadAt(0, 2, &first).ok() && first.size() == 2 && archive::StartsLikeGzip(first);

  const Result<uint8_t> version = archive::FirstMemberVersion(object);
  report->encrypted = version.ok() && *version == archive::kSealedFormatVersion;
  report->keyless = report->encrypted && (options.identity == nullptr || options.identity->empty());
  Result<std::unique_ptr<archive::ArchiveReader>> reader =
      report->keyless ? Result<std::unique_ptr<archive::ArchiveReader>>(Corrupt("keyless"))
                      : archive::ArchiveReader::Open(path, options.identity);
  if (!reader.ok() && reader.status().code() != StatusCode::kCorrupt) return reader.status();
  const Index* index = reader.ok() ? &(*reader)->index() : nullptr;

  const ScanCodec codec{reader.ok() ? (*reader)->key() : nullptr, report->encrypted};
  storage::ReadAheadStream stream(&object);
  ScanResult scan =
      ScanArchive([&](char* buffer, size_t n) { return stream.Read(buffer, n); },
                  std::max(1, options.threads), options.cancel, options.checked_bytes, codec);
  CountMembers(scan.members, report);
  if (!scan.error.ok()) return ScanFailure(path, scan, index, gzip);
  if (report->keyless) return CheckChecksum(path, options, scan, report);
  if (index == nullptr) return reader.status();
  RETURN_IF_ERROR(CompareWithIndex(path, scan.members, *index));
  FillTableRows(*index, report);
  return CheckChecksum(path, options, scan, report);
}

}  // namespace

Status VerifyArchive(const std::string& path, const VerifyOptions& options, VerifyReport* report) {
  const auto start = std::chrono::steady_clock::now();
  *report = VerifyReport{};
  Result<std::unique_ptr<storage::ObjectReader>> object = storage::OpenObject(path);
  if (!object.ok() && object.status().code() == StatusCode::kNotFound) {
    return NotFound("archive " + object.status().message());
  }
  if (!object.ok()) return object.status();
  Status status = Verify(path, options, **object, report);
  report->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return status;
}

}  // namespace myvault::verify
