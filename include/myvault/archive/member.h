// One gzip member of an archive: encoding, decoding and header parsing (docs/format.md 2-4).
//
// MemberEncoder turns a payload into the bytes of one member: MV subfield, raw DEFLATE body
// (libdeflate), CRC32, ISIZE; it computes the payload's SHA-256 and size itself. MemberDecoder
// does the reverse and checks everything the format lets it check. The header functions read a
// member's description without inflating it, which is how readers step from member to member.
//
// Thread safety: an encoder or decoder owns a libdeflate object and is used by one thread at a
// time; create one per thread. The free functions are pure and safe anywhere.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "myvault/archive/format.h"
#include "myvault/status.h"

struct libdeflate_compressor;
struct libdeflate_decompressor;

namespace myvault::archive {

class MemberEncoder {
 public:
  // `level` is libdeflate's, 0 (store) to 12; an invalid level makes Encode fail.
  explicit MemberEncoder(int level);
  ~MemberEncoder();
  MemberEncoder(const MemberEncoder&) = delete;
  MemberEncoder& operator=(const MemberEncoder&) = delete;

  // Replaces *out with the member holding `payload`, and fills *info when given. kinds 1..6 only
  // (the trailer comes from EncodeTrailer). kInvalidArgument when the input breaks a rule of
  // docs/format.md: payload over 4 GiB, rows on a non-data member, a data member without object,
  // a non-empty SQL payload (kinds 1..5) not ending in '\n'.
  Status Encode(MemberKind kind, uint32_t object_id, uint32_t chunk, uint64_t rows,
                std::string_view payload, std::string* out, MemberInfo* info = nullptr);

 private:
  int level_;
  libdeflate_compressor* compressor_;
};

class MemberDecoder {
 public:
  MemberDecoder();
  ~MemberDecoder();
  MemberDecoder(const MemberDecoder&) = delete;
  MemberDecoder& operator=(const MemberDecoder&) = delete;

  // `member_bytes` must be exactly one member. Checks the header, inflates, checks sizes, CRC32,
  // ISIZE and SHA-256. kCorrupt with a short cause ("sha256 mismatch") on any failure; the caller
  // adds which member it was.
  Status Decode(std::string_view member_bytes, std::string* payload, MemberInfo* info);

 private:
  libdeflate_decompressor* decompressor_;
};

// Where the parts of a member are, from its header.
struct MemberLayout {
  size_t header_size = 0;   // kMemberHeaderSize, or kTrailerHeaderSize for the trailer
  uint64_t body_size = 0;   // DEFLATE bytes
  uint64_t total_size = 0;  // header + body + CRC32 + ISIZE
};

// The header size announced by a member's first kGzipFixedHeaderSize bytes, after checking the
// fixed gzip fields and XLEN. kCorrupt when `first_bytes` is shorter or does not match.
Result<size_t> MemberHeaderSize(std::string_view first_bytes);

// Parses a whole member header (`bytes` may extend past it) into *info and the layout.
Result<MemberLayout> ParseMemberLayout(std::string_view bytes, MemberInfo* info);

// The same, returning only the header length.
Result<size_t> ParseMemberHeader(std::string_view bytes, MemberInfo* info);

// True when `bytes` starts like a gzip stream (ID1 ID2): tells "damaged" from "not gzip at all".
bool StartsLikeGzip(std::string_view bytes);

// What the trailer's MT subfield says.
struct TrailerLocation {
  uint64_t index_offset = 0;
  uint64_t index_size = 0;
  friend bool operator==(const TrailerLocation&, const TrailerLocation&) = default;
};

// The kTrailerSize bytes of the trailer member, and back: DecodeTrailer checks every fixed byte
// of docs/format.md section 4 (not the location rule, which needs the file size).
std::string EncodeTrailer(const TrailerLocation& location);
Result<TrailerLocation> DecodeTrailer(std::string_view trailer_bytes);

}  // namespace myvault::archive
