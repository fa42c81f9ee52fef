#include "myvault/archive/member.h"

#include <libdeflate.h>

#include "archive/little_endian.h"
#include "archive/member_header.h"
#include "myvault/archive/sha256.h"

namespace myvault::archive {
namespace {

constexpr int kMaxLevel = 12;

bool IsSqlKind(MemberKind kind) {
  return kind >= MemberKind::kHeader && kind <= MemberKind::kFooter;
}

Status CheckEncodeInput(MemberKind kind, uint32_t object_id, uint64_t rows,
                        std::string_view payload) {
  const std::string what = std::string(MemberKindName(kind)) + " member: ";
  if (!IsValidMemberKind(static_cast<uint8_t>(kind)) || kind == MemberKind::kTrailer) {
    return InvalidArgument(what + "only kinds header..index are encoded here");
  }
  if (payload.size() > kMaxRawSize) return InvalidArgument(what + "payload exceeds 4 GiB");
  if (kind != MemberKind::kData && rows != 0) {
    return InvalidArgument(what + "only data members carry rows");
  }
  if (kind == MemberKind::kData && object_id == kNoObject) {
    return InvalidArgument(what + "a data member needs an object id");
  }
  if (IsSqlKind(kind) && !payload.empty() && payload.back() != '\n') {
    return InvalidArgument(what + "SQL payload must end with a newline");
  }
  return Status::Ok();
}

}  // namespace

MemberEncoder::MemberEncoder(int level)
    : level_(level),
      compressor_(level >= 0 && level <= kMaxLevel ? libdeflate_alloc_compressor(level) : nullptr) {
}

MemberEncoder::~MemberEncoder() { libdeflate_free_compressor(compressor_); }

Status MemberEncoder::Encode(MemberKind kind, uint32_t object_id, uint32_t chunk, uint64_t rows,
                             std::string_view payload, std::string* out, MemberInfo* info) {
  if (compressor_ == nullptr) {
    if (level_ < 0 || level_ > kMaxLevel) {
      return InvalidArgument("compression level " + std::to_string(level_) + " is not in 0..12");
    }
    return Internal("out of memory for a libdeflate compressor");
  }
  RETURN_IF_ERROR(CheckEncodeInput(kind, object_id, rows, payload));
  MemberInfo made{kind, object_id, chunk, rows, payload.size(), Sha256::Of(payload)};
  const size_t bound = libdeflate_deflate_compress_bound(compressor_, payload.size());
  out->resize(kMemberHeaderSize + bound + kGzipTailSize);
  char* body = out->data() + kMemberHeaderSize;
  const size_t body_size =
      libdeflate_deflate_compress(compressor_, payload.data(), payload.size(), body, bound);
  if (body_size == 0) return Internal("libdeflate_deflate_compress exceeded its own bound");
  WriteMemberHeader(out->data(), made, body_size);
  StoreLe<uint32_t>(body + body_size, libdeflate_crc32(0, payload.data(), payload.size()));
  StoreLe<uint32_t>(body + body_size + 4, static_cast<uint32_t>(payload.size()));
  out->resize(kMemberHeaderSize + body_size + kGzipTailSize);
  if (info != nullptr) *info = made;
  return Status::Ok();
}

MemberDecoder::MemberDecoder() : decompressor_(libdeflate_alloc_decompressor()) {}

MemberDecoder::~MemberDecoder() { libdeflate_free_decompressor(decompressor_); }

Status MemberDecoder::Decode(std::string_view member_bytes, std::string* payload,
                             MemberInfo* info) {
  if (decompressor_ == nullptr) return Internal("out of memory for a libdeflate decompressor");
  MemberInfo parsed;
  ASSIGN_OR_RETURN(MemberLayout layout, ParseMemberLayout(member_bytes, &parsed));
  if (member_bytes.size() < layout.total_size) return Corrupt("truncated member");
  if (member_bytes.size() > layout.total_size) return Corrupt("unexpected bytes after the member");
  const char* body = member_bytes.data() + layout.header_size;
  payload->resize(parsed.raw_size);
  size_t in_used = 0;
  size_t out_used = 0;
  libdeflate_result r = libdeflate_deflate_decompress_ex(
      decompressor_, body, layout.body_size, payload->data(), payload->size(), &in_used, &out_used);
  if (r == LIBDEFLATE_INSUFFICIENT_SPACE) return Corrupt("payload larger than its raw size");
  if (r != LIBDEFLATE_SUCCESS) return Corrupt("bad DEFLATE data");
  if (out_used != parsed.raw_size) return Corrupt("payload shorter than its raw size");
  if (in_used != layout.body_size) return Corrupt("DEFLATE stream shorter than its body size");
  const char* tail = body + layout.body_size;
  if (LoadLe<uint32_t>(tail) != libdeflate_crc32(0, payload->data(), payload->size())) {
    return Corrupt("crc32 mismatch");
  }
  if (LoadLe<uint32_t>(tail + 4) != static_cast<uint32_t>(payload->size())) {
    return Corrupt("isize mismatch");
  }
  if (Sha256::Of(*payload) != parsed.sha256) return Corrupt("sha256 mismatch");
  *info = parsed;
  return Status::Ok();
}

}  // namespace myvault::archive
