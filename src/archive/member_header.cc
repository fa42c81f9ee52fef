// Member headers and the trailer, byte by byte as docs/format.md sections 2-4 lay them out.
#include "archive/member_header.h"

#include <cstring>

#include "archive/little_endian.h"
#include "myvault/archive/member.h"
#include "myvault/archive/sha256.h"

namespace myvault::archive {
namespace {

// Absolute offsets within a member.
constexpr size_t kCmAt = 2, kFlgAt = 3, kMtimeAt = 4, kXflAt = 8, kOsAt = 9, kXlenAt = 10;
constexpr size_t kMvAt = 12, kVersionAt = 16, kKindAt = 17, kObjectAt = 18, kChunkAt = 22;
constexpr size_t kRowsAt = 26, kRawSizeAt = 34, kShaAt = 42, kBodySizeAt = 74;
constexpr size_t kMtAt = 82, kMagicAt = 86, kIndexOffsetAt = 94, kIndexSizeAt = 102;
constexpr char kEmptyFixedBlock[2] = {0x03, 0x00};

uint8_t Byte(std::string_view bytes, size_t at) { return static_cast<uint8_t>(bytes[at]); }

bool HasSubfield(std::string_view bytes, size_t at, char si2, size_t len) {
  return bytes[at] == 'M' && bytes[at + 1] == si2 && LoadLe<uint16_t>(bytes.data() + at + 2) == len;
}

void WriteSubfieldHeader(char* out, char si2, size_t len) {
  out[0] = 'M';
  out[1] = si2;
  StoreLe<uint16_t>(out + 2, static_cast<uint16_t>(len));
}

// The bounds of docs/format.md sections 7 and 11.1-11.2 on raw size and body size.
Status CheckSizes(const MemberInfo& info, const MemberLayout& layout) {
  const std::string raw = "raw size " + std::to_string(info.raw_size);
  const std::string body = "body size " + std::to_string(layout.body_size);
  if (info.raw_size > kMaxRawSize) return Corrupt(raw + " exceeds 4 GiB");
  if (info.kind == MemberKind::kKeys) {
    if (info.raw_size != layout.body_size || info.raw_size > kMaxKeyBlockSize) {
      return Corrupt("keys member: " + raw + " and " + body + " must be equal, at most 64 KiB");
    }
    return Status::Ok();
  }
  // Version 2 seals every kind but the trailer, whose body is v1's.
  const bool sealed = layout.version == kSealedFormatVersion && info.kind != MemberKind::kTrailer;
  const uint64_t overhead = sealed ? kSealOverhead : 0;
  if (layout.body_size < overhead) return Corrupt(body + " is too small for a sealed member");
  const uint64_t deflate_size = layout.body_size - overhead;
  if (deflate_size > MaxBodySize(info.raw_size)) {
    return Corrupt(body + " is too large for " + raw);
  }
  if (info.raw_size > deflate_size * kMaxDeflateRatio) {
    return Corrupt(raw + " is too large for " + body);
  }
  return Status::Ok();
}

}  // namespace

void WriteMemberHeader(char* out, const MemberInfo& info, uint64_t body_size, uint8_t version) {
  const bool trailer = info.kind == MemberKind::kTrailer;
  out[0] = static_cast<char>(kGzipId1);
  out[1] = static_cast<char>(kGzipId2);
  out[kCmAt] = static_cast<char>(kGzipCmDeflate);
  out[kFlgAt] = static_cast<char>(kGzipFlagExtra);
  StoreLe<uint32_t>(out + kMtimeAt, 0);
  out[kXflAt] = 0;
  out[kOsAt] = static_cast<char>(kGzipOsUnknown);
  StoreLe<uint16_t>(out + kXlenAt, static_cast<uint16_t>(trailer ? kTrailerXlen : kMemberXlen));
  WriteSubfieldHeader(out + kMvAt, 'V', kMvDataSize);
  out[kVersionAt] = static_cast<char>(version);
  out[kKindAt] = static_cast<char>(info.kind);
  StoreLe<uint32_t>(out + kObjectAt, info.object_id);
  StoreLe<uint32_t>(out + kChunkAt, info.chunk);
  StoreLe<uint64_t>(out + kRowsAt, info.rows);
  StoreLe<uint64_t>(out + kRawSizeAt, info.raw_size);
  std::memcpy(out + kShaAt, info.sha256.data(), info.sha256.size());
  StoreLe<uint64_t>(out + kBodySizeAt, body_size);
}

bool StartsLikeGzip(std::string_view bytes) {
  return bytes.size() >= 2 && Byte(bytes, 0) == kGzipId1 && Byte(bytes, 1) == kGzipId2;
}

Result<size_t> MemberHeaderSize(std::string_view first_bytes) {
  std::string_view b = first_bytes;
  if (b.size() < kGzipFixedHeaderSize) return Corrupt("truncated member header");
  if (!StartsLikeGzip(b)) return Corrupt("bad gzip magic");
  if (Byte(b, kCmAt) != kGzipCmDeflate) {
    return Corrupt("unsupported compression method " + std::to_string(Byte(b, kCmAt)));
  }
  if (Byte(b, kFlgAt) != kGzipFlagExtra) {
    return Corrupt("unexpected gzip flags " + std::to_string(Byte(b, kFlgAt)));
  }
  if (LoadLe<uint32_t>(b.data() + kMtimeAt) != 0) return Corrupt("unexpected gzip MTIME");
  if (Byte(b, kXflAt) != 0 || Byte(b, kOsAt) != kGzipOsUnknown) {
    return Corrupt("unexpected gzip XFL or OS byte");
  }
  const uint16_t xlen = LoadLe<uint16_t>(b.data() + kXlenAt);
  if (xlen != kMemberXlen && xlen != kTrailerXlen) {
    return Corrupt("unexpected extra field length " + std::to_string(xlen));
  }
  return kGzipFixedHeaderSize + xlen;
}

Result<MemberLayout> ParseMemberLayout(std::string_view bytes, MemberInfo* info) {
  ASSIGN_OR_RETURN(size_t header_size, MemberHeaderSize(bytes));
  if (bytes.size() < header_size) return Corrupt("truncated member header");
  if (!HasSubfield(bytes, kMvAt, 'V', kMvDataSize)) return Corrupt("missing MV subfield");
  const uint8_t version = Byte(bytes, kVersionAt);
  if (version != kFormatVersion && version != kSealedFormatVersion) {
    return Corrupt("unsupported format version " + std::to_string(version));
  }
  const bool keys = Byte(bytes, kKindAt) == static_cast<uint8_t>(MemberKind::kKeys);
  if (!IsValidMemberKind(Byte(bytes, kKindAt)) || (keys && version != kSealedFormatVersion)) {
    return Corrupt("unknown member kind " + std::to_string(Byte(bytes, kKindAt)));
  }
  MemberInfo parsed;
  parsed.kind = static_cast<MemberKind>(Byte(bytes, kKindAt));
  const bool trailer = parsed.kind == MemberKind::kTrailer;
  if (trailer != (header_size == kTrailerHeaderSize)) {
    return Corrupt("extra field length does not fit a " + std::string(MemberKindName(parsed.kind)) +
                   " member");
  }
  if (trailer && !HasSubfield(bytes, kMtAt, 'T', kMtDataSize)) {
    return Corrupt("missing MT subfield");
  }
  parsed.object_id = LoadLe<uint32_t>(bytes.data() + kObjectAt);
  parsed.chunk = LoadLe<uint32_t>(bytes.data() + kChunkAt);
  parsed.rows = LoadLe<uint64_t>(bytes.data() + kRowsAt);
  parsed.raw_size = LoadLe<uint64_t>(bytes.data() + kRawSizeAt);
  std::memcpy(parsed.sha256.data(), bytes.data() + kShaAt, parsed.sha256.size());
  MemberLayout layout;
  layout.version = version;
  layout.header_size = header_size;
  layout.body_size = LoadLe<uint64_t>(bytes.data() + kBodySizeAt);
  RETURN_IF_ERROR(CheckSizes(parsed, layout));
  layout.total_size = header_size + layout.body_size + kGzipTailSize;
  *info = parsed;
  return layout;
}

Result<size_t> ParseMemberHeader(std::string_view bytes, MemberInfo* info) {
  ASSIGN_OR_RETURN(MemberLayout layout, ParseMemberLayout(bytes, info));
  return layout.header_size;
}

std::string EncodeTrailer(const TrailerLocation& location, uint8_t version) {
  MemberInfo info;
  info.kind = MemberKind::kTrailer;
  info.sha256 = Sha256::Of("");
  std::string out(kTrailerSize, '\0');
  WriteMemberHeader(out.data(), info, sizeof(kEmptyFixedBlock), version);
  WriteSubfieldHeader(out.data() + kMtAt, 'T', kMtDataSize);
  std::memcpy(out.data() + kMagicAt, kTrailerMagic, sizeof(kTrailerMagic));
  StoreLe<uint64_t>(out.data() + kIndexOffsetAt, location.index_offset);
  StoreLe<uint64_t>(out.data() + kIndexSizeAt, location.index_size);
  std::memcpy(out.data() + kTrailerHeaderSize, kEmptyFixedBlock, sizeof(kEmptyFixedBlock));
  return out;  // CRC32 and ISIZE of the empty payload are zero
}

Result<TrailerLocation> DecodeTrailer(std::string_view trailer_bytes) {
  if (trailer_bytes.size() != kTrailerSize) return Corrupt("the trailer must be 120 bytes");
  MemberInfo info;
  ASSIGN_OR_RETURN(MemberLayout layout, ParseMemberLayout(trailer_bytes, &info));
  if (info.kind != MemberKind::kTrailer) {
    return Corrupt("found a " + std::string(MemberKindName(info.kind)) +
                   " member where the trailer should be");
  }
  TrailerLocation location;
  location.index_offset = LoadLe<uint64_t>(trailer_bytes.data() + kIndexOffsetAt);
  location.index_size = LoadLe<uint64_t>(trailer_bytes.data() + kIndexSizeAt);
  const std::string expected = EncodeTrailer(location, layout.version);
  for (size_t i = 0; i < kTrailerSize; ++i) {
    if (expected[i] != trailer_bytes[i]) {
      return Corrupt("trailer byte " + std::to_string(i) + " is wrong");
    }
  }
  return location;
}

}  // namespace myvault::archive
