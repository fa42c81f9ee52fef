#include "myvault/archive/reader.h"

namespace myvault::archive {
namespace {

// Reads exactly n bytes at `offset`; a short read means the object is shorter than it claims.
Status ReadExactly(const storage::ObjectReader& reader, uint64_t offset, size_t n,
                   std::string* out) {
  RETURN_IF_ERROR(reader.ReadAt(offset, n, out));
  if (out->size() != n) return Corrupt("truncated");
  return Status::Ok();
}

}  // namespace

Result<uint8_t> FirstMemberVersion(const storage::ObjectReader& object) {
  std::string bytes;
  RETURN_IF_ERROR(object.ReadAt(0, kMemberHeaderSize, &bytes));
  MemberInfo info;
  ASSIGN_OR_RETURN(MemberLayout layout, ParseMemberLayout(bytes, &info));
  return layout.version;
}

Result<std::unique_ptr<ArchiveReader>> ArchiveReader::Open(const std::string& path,
                                                           const Identity* identity) {
  Result<std::unique_ptr<storage::ObjectReader>> object = storage::OpenObject(path);
  if (!object.ok() && object.status().code() == StatusCode::kNotFound) {
    return NotFound("archive " + object.status().message());
  }
  if (!object.ok()) return object.status();
  return Open(path, std::move(object).value(), identity);
}

Result<std::unique_ptr<ArchiveReader>> ArchiveReader::Open(
    const std::string& path, std::unique_ptr<storage::ObjectReader> object,
    const Identity* identity) {
  const uint64_t size = object->size();
  std::unique_ptr<ArchiveReader> reader(new ArchiveReader(path, std::move(object), size));
  Status s = reader->LoadIndex(identity);
  if (!s.ok()) return s;
  return reader;
}

ArchiveReader::~ArchiveReader() = default;

// Version 2: the keys member at offset 0, checked, then opened with `identity`.
Status ArchiveReader::LoadKey(const Identity* identity) {
  const std::string damaged = "archive " + path_ + " is damaged: keys member: ";
  std::string bytes;
  RETURN_IF_ERROR(ReadExactly(*object_, 0, kMemberHeaderSize, &bytes));
  MemberInfo info;
  auto layout = ParseMemberLayout(bytes, &info);
  if (!layout.ok()) return Corrupt(damaged + layout.status().message());
  if (info.kind != MemberKind::kKeys) return Corrupt(damaged + "not the first member");
  if (layout->total_size > file_size_) return Corrupt(damaged + "truncated");
  RETURN_IF_ERROR(ReadExactly(*object_, 0, layout->total_size, &bytes));
  Status checked = CheckSealedMember(bytes, &info);
  if (!checked.ok()) return Corrupt(damaged + checked.message());
  if (identity == nullptr || identity->empty()) {
    return KeyError("archive " + path_ +
                    " is encrypted: give its private key (--decrypt-with) or passphrase");
  }
  auto key = OpenKeyBlock(std::string_view(bytes).substr(layout->header_size, layout->body_size),
                          *identity);
  if (!key.ok()) return key.status().WithContext("archive " + path_);
  key_ = std::move(key).value();
  return Status::Ok();
}

Status ArchiveReader::LoadIndex(const Identity* identity) {
  const std::string no_trailer =
      "archive " + path_ + ": no myvault trailer at the end: truncated or not a myvault archive";
  if (file_size_ < kTrailerSize) return Corrupt(no_trailer);
  const uint64_t trailer_offset = file_size_ - kTrailerSize;
  std::string bytes;
  Status read = ReadExactly(*object_, trailer_offset, kTrailerSize, &bytes);
  if (!read.ok())
    return read.code() == StatusCode::kIo ? read.WithContext(path_) : Corrupt(no_trailer);
  auto location = DecodeTrailer(bytes);
  if (!location.ok()) return Corrupt(no_trailer + " (" + location.status().message() + ")");
  const std::string damaged = "archive " + path_ + " is damaged: ";
  MemberInfo info;
  ASSIGN_OR_RETURN(MemberLayout trailer, ParseMemberLayout(bytes, &info));
  if (trailer.version == kSealedFormatVersion) RETURN_IF_ERROR(LoadKey(identity));
  if (location->index_offset > trailer_offset ||
      trailer_offset - location->index_offset != location->index_size) {
    return Corrupt(damaged + "the trailer does not locate an index member before it");
  }
  info = MemberInfo{};
  info.kind = MemberKind::kIndex;
  const std::string where = damaged + Index().Describe(info, location->index_offset) + ": ";
  RETURN_IF_ERROR(ReadExactly(*object_, location->index_offset, location->index_size, &bytes));
  std::string payload;
  Status decoded = MemberDecoder(key_.get()).Decode(bytes, &payload, &info);
  if (!decoded.ok()) return Corrupt(where + decoded.message());
  if (info.kind != MemberKind::kIndex) return Corrupt(where + "not an index member");
  auto index = DecodeIndex(payload);
  if (!index.ok()) return Corrupt(where + index.status().message());
  Status valid = ValidateIndex(*index);
  if (!valid.ok()) return Corrupt(damaged + valid.message());
  const std::vector<MemberEntry>& members = index->members;
  if (members.back().offset + members.back().size != location->index_offset) {
    return Corrupt(damaged + "the index does not end where the index member starts");
  }
  index_ = std::move(index).value();
  return Status::Ok();
}

Status ArchiveReader::ReadMember(const MemberEntry& entry, std::string* payload) const {
  const std::string where =
      "archive " + path_ + " is damaged: " + index_.Describe(entry.info, entry.offset) + ": ";
  std::string bytes;
  Status read = ReadExactly(*object_, entry.offset, entry.size, &bytes);
  if (!read.ok())
    return read.code() == StatusCode::kIo ? read.WithContext(path_) : Corrupt(where + "truncated");
  MemberInfo info;
  Status decoded = MemberDecoder(key_.get()).Decode(bytes, payload, &info);
  if (!decoded.ok()) return Corrupt(where + decoded.message());
  if (info != entry.info) return Corrupt(where + "the member does not match its index entry");
  return Status::Ok();
}

}  // namespace myvault::archive
