#include "myvault/archive/member.h"

#include <libdeflate.h>

#include <cstring>

#include "archive/aead.h"
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

// Associated data of a sealed member: the archive id, then the MV fields it binds.
std::string BoundData(const ArchiveKey& key, const char* header) {
  std::string aad(AsBytes(key.id()));
  aad.append(header + kBoundFieldsAt, kBoundFieldsSize);
  return aad;
}

// CRC32 and ISIZE of `bytes` after them, and the MV sha256 of the body (version 2: 11.1).
void FinishVersion2(std::string* out, size_t body_size, MemberInfo* made) {
  const std::string_view body = std::string_view(*out).substr(kMemberHeaderSize, body_size);
  made->sha256 = Sha256::Of(body);
  WriteMemberHeader(out->data(), *made, body_size, kSealedFormatVersion);
  char tail[kGzipTailSize];
  StoreLe<uint32_t>(tail, libdeflate_crc32(0, body.data(), body.size()));
  StoreLe<uint32_t>(tail + 4, static_cast<uint32_t>(body.size()));
  out->append(tail, kGzipTailSize);
}

Status CheckBody(std::string_view member_bytes, const MemberLayout& layout,
                 const MemberInfo& info) {
  const std::string_view body = member_bytes.substr(layout.header_size, layout.body_size);
  const char* tail = body.data() + body.size();
  if (Sha256::Of(body) != info.sha256) return Corrupt("sha256 mismatch");
  if (LoadLe<uint32_t>(tail) != libdeflate_crc32(0, body.data(), body.size())) {
    return Corrupt("crc32 mismatch");
  }
  if (LoadLe<uint32_t>(tail + 4) != static_cast<uint32_t>(body.size())) {
    return Corrupt("isize mismatch");
  }
  return Status::Ok();
}

Status CheckWhole(std::string_view member_bytes, const MemberLayout& layout) {
  if (member_bytes.size() < layout.total_size) return Corrupt("truncated member");
  if (member_bytes.size() > layout.total_size) return Corrupt("unexpected bytes after the member");
  return Status::Ok();
}

}  // namespace

MemberEncoder::MemberEncoder(int level, const ArchiveKey* key)
    : level_(level),
      key_(key),
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
  if (key_ != nullptr) {
    MemberInfo made{kind, object_id, chunk, rows, payload.size(), {}};
    RETURN_IF_ERROR(Seal(&made, payload, out));
    if (info != nullptr) *info = made;
    return Status::Ok();
  }
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

// Version 2: nonce || AES-256-GCM(DEFLATE(payload)) || tag, the identity bound (11.1).
Status MemberEncoder::Seal(MemberInfo* made, std::string_view payload, std::string* out) {
  const size_t bound = libdeflate_deflate_compress_bound(compressor_, payload.size());
  deflate_.resize(bound);
  const size_t deflate_size = libdeflate_deflate_compress(compressor_, payload.data(),
                                                          payload.size(), deflate_.data(), bound);
  if (deflate_size == 0) return Internal("libdeflate_deflate_compress exceeded its own bound");
  const std::string_view deflate(deflate_.data(), deflate_size);
  out->reserve(kMemberHeaderSize + kSealOverhead + deflate_size + kGzipTailSize);
  out->assign(kMemberHeaderSize, '\0');
  WriteMemberHeader(out->data(), *made, 0, kSealedFormatVersion);  // the bound fields
  const AeadNonce nonce = key_->NextNonce();
  out->append(AsBytes(nonce));
  const AeadKey& k = key_->payload_key();
  RETURN_IF_ERROR(AeadSeal(k, nonce, BoundData(*key_, out->data()), deflate, out));
  FinishVersion2(out, out->size() - kMemberHeaderSize, made);
  return Status::Ok();
}

Status EncodeKeysMember(std::string_view key_block, std::string* out, MemberInfo* info) {
  if (key_block.size() > kMaxKeyBlockSize) return InvalidArgument("key block exceeds 64 KiB");
  MemberInfo made{MemberKind::kKeys, kNoObject, 0, 0, key_block.size(), {}};
  out->assign(kMemberHeaderSize, '\0');
  out->append(key_block);
  FinishVersion2(out, key_block.size(), &made);
  if (info != nullptr) *info = made;
  return Status::Ok();
}

Status CheckSealedMember(std::string_view member_bytes, MemberInfo* info) {
  MemberInfo parsed;
  ASSIGN_OR_RETURN(MemberLayout layout, ParseMemberLayout(member_bytes, &parsed));
  RETURN_IF_ERROR(CheckWhole(member_bytes, layout));
  if (layout.version != kSealedFormatVersion) {
    return Corrupt("member of format version 1 in a version 2 archive");
  }
  if (parsed.kind == MemberKind::kTrailer) {
    RETURN_IF_ERROR(DecodeTrailer(member_bytes).status());  // v1's bytes but the version
  } else {
    RETURN_IF_ERROR(CheckBody(member_bytes, layout, parsed));
  }
  if (parsed.kind == MemberKind::kKeys) {
    RETURN_IF_ERROR(CheckKeyBlock(member_bytes.substr(layout.header_size, layout.body_size)));
  }
  *info = parsed;
  return Status::Ok();
}

MemberDecoder::MemberDecoder(const ArchiveKey* key)
    : key_(key), decompressor_(libdeflate_alloc_decompressor()) {}

MemberDecoder::~MemberDecoder() { libdeflate_free_decompressor(decompressor_); }

Status MemberDecoder::Decode(std::string_view member_bytes, std::string* payload,
                             MemberInfo* info) {
  if (decompressor_ == nullptr) return Internal("out of memory for a libdeflate decompressor");
  MemberInfo parsed;
  ASSIGN_OR_RETURN(MemberLayout layout, ParseMemberLayout(member_bytes, &parsed));
  RETURN_IF_ERROR(CheckWhole(member_bytes, layout));
  // The trailer of version 2 is version 1's but for the version byte (docs/format.md 11.1).
  const bool v2 = layout.version == kSealedFormatVersion;
  const bool sealed = v2 && parsed.kind != MemberKind::kTrailer;
  if (v2 && key_ == nullptr) {
    return KeyError("the archive is encrypted: give the private key (--decrypt-with)");
  }
  if (!v2 && key_ != nullptr) return Corrupt("member of format version 1 in a version 2 archive");
  if (sealed) {
    RETURN_IF_ERROR(Open(member_bytes, layout, parsed, payload));
  } else {
    const char* body = member_bytes.data() + layout.header_size;
    RETURN_IF_ERROR(Inflate({body, layout.body_size}, parsed.raw_size, payload));
    const char* tail = body + layout.body_size;
    if (LoadLe<uint32_t>(tail) != libdeflate_crc32(0, payload->data(), payload->size())) {
      return Corrupt("crc32 mismatch");
    }
    if (LoadLe<uint32_t>(tail + 4) != static_cast<uint32_t>(payload->size())) {
      return Corrupt("isize mismatch");
    }
    if (Sha256::Of(*payload) != parsed.sha256) return Corrupt("sha256 mismatch");
  }
  *info = parsed;
  return Status::Ok();
}

Status MemberDecoder::Inflate(std::string_view deflate, uint64_t raw_size, std::string* payload) {
  payload->resize(raw_size);
  size_t in_used = 0;
  size_t out_used = 0;
  libdeflate_result r =
      libdeflate_deflate_decompress_ex(decompressor_, deflate.data(), deflate.size(),
                                       payload->data(), payload->size(), &in_used, &out_used);
  if (r == LIBDEFLATE_INSUFFICIENT_SPACE) return Corrupt("payload larger than its raw size");
  if (r != LIBDEFLATE_SUCCESS) return Corrupt("bad DEFLATE data");
  if (out_used != raw_size) return Corrupt("payload shorter than its raw size");
  if (in_used != deflate.size()) return Corrupt("DEFLATE stream shorter than its body size");
  return Status::Ok();
}

// Version 2 with the key: the body hash (damage), then authentication, then inflation.
Status MemberDecoder::Open(std::string_view member_bytes, const MemberLayout& layout,
                           const MemberInfo& parsed, std::string* payload) {
  RETURN_IF_ERROR(CheckBody(member_bytes, layout, parsed));
  const std::string_view body = member_bytes.substr(layout.header_size, layout.body_size);
  if (parsed.kind == MemberKind::kKeys) {
    RETURN_IF_ERROR(CheckKeyBlock(body));
    payload->assign(body);
    return Status::Ok();
  }
  AeadNonce nonce{};
  std::memcpy(nonce.data(), body.data(), nonce.size());
  sealed_.resize(body.size() - kSealOverhead);
  Status opened = AeadOpen(key_->payload_key(), nonce, BoundData(*key_, member_bytes.data()),
                           body.substr(nonce.size()), sealed_.data());
  if (opened.code() == StatusCode::kCorrupt) {
    return Corrupt("authentication failed (wrong key, or the member was altered or moved)");
  }
  RETURN_IF_ERROR(opened);
  return Inflate(sealed_, parsed.raw_size, payload);
}

}  // namespace myvault::archive
