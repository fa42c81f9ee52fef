// One member of an archive: encoding, decoding and header parsing (docs/format.md 2-4, 11). This
// codec is the one place where payloads are compressed and encrypted.
//
// MemberEncoder turns a payload into the bytes of one member: MV subfield, raw DEFLATE body
// (libdeflate), CRC32, ISIZE; it computes the payload's SHA-256 and size itself. Given an
// ArchiveKey it writes version 2 instead: the DEFLATE bytes sealed with AES-256-GCM, the member's
// identity bound as associated data (compress, then encrypt). MemberDecoder does the reverse and
// checks everything the format lets it check; with a key it authenticates before it inflates.
// CheckSealedMember checks a version 2 member without any key. The header functions read a
// member's description without inflating it, which is how readers step from member to member.
//
// Thread safety: an encoder or decoder owns a libdeflate object and is used by one thread at a
// time; create one per thread. Several may share one ArchiveKey (crypto.h), which must outlive
// them. The free functions are pure and safe anywhere.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "myvault/archive/crypto.h"
#include "myvault/archive/format.h"
#include "myvault/status.h"

struct libdeflate_compressor;
struct libdeflate_decompressor;

namespace myvault::archive {

struct MemberLayout;

class MemberEncoder {
 public:
  // `level` is libdeflate's, 0 (store) to 12; an invalid level makes Encode fail. With `key`,
  // members are sealed (format version 2).
  explicit MemberEncoder(int level, const ArchiveKey* key = nullptr);
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
  Status Seal(MemberInfo* made, std::string_view payload, std::string* out);

  int level_;
  const ArchiveKey* key_;
  libdeflate_compressor* compressor_;
  std::string deflate_;  // DEFLATE bytes of the member being sealed (kept: no allocation each time)
};

// The keys member (version 2, kind 8) holding `key_block` (docs/format.md 11.2).
Status EncodeKeysMember(std::string_view key_block, std::string* out, MemberInfo* info);

class MemberDecoder {
 public:
  // Without a key it reads version 1 members only (a version 2 member: kKey "the archive is
  // encrypted"); with one, version 2 members only (a version 1 member is kCorrupt: a plain member
  // in an encrypted archive). The keys member decodes to its key block either way.
  explicit MemberDecoder(const ArchiveKey* key = nullptr);
  ~MemberDecoder();
  MemberDecoder(const MemberDecoder&) = delete;
  MemberDecoder& operator=(const MemberDecoder&) = delete;

  // `member_bytes` must be exactly one member. Checks the header, inflates, checks sizes, CRC32,
  // ISIZE and SHA-256. kCorrupt with a short cause ("sha256 mismatch") on any failure; the caller
  // adds which member it was.
  Status Decode(std::string_view member_bytes, std::string* payload, MemberInfo* info);

 private:
  Status Inflate(std::string_view deflate, uint64_t raw_size, std::string* payload);
  Status Open(std::string_view member_bytes, const MemberLayout& layout, const MemberInfo& parsed,
              std::string* payload);

  const ArchiveKey* key_;
  libdeflate_decompressor* decompressor_;
  std::string sealed_;  // DEFLATE bytes of the member being opened
};

// A version 2 member checked without the key: header, body SHA-256, CRC32 and ISIZE, and the
// key block's syntax for the keys member. kCorrupt with a short cause, like Decode.
Status CheckSealedMember(std::string_view member_bytes, MemberInfo* info);

// Where the parts of a member are, from its header.
struct MemberLayout {
  uint8_t version = kFormatVersion;  // the MV version byte: 1, or 2 for an encrypted archive
  size_t header_size = 0;            // kMemberHeaderSize, or kTrailerHeaderSize for the trailer
  uint64_t body_size = 0;            // DEFLATE bytes (version 2: nonce, sealed DEFLATE bytes, tag)
  uint64_t total_size = 0;           // header + body + CRC32 + ISIZE
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
// of docs/format.md section 4 (not the location rule, which needs the file size), with the
// version byte of the archive (1, or 2 for an encrypted one: section 11.1).
std::string EncodeTrailer(const TrailerLocation& location, uint8_t version = kFormatVersion);
Result<TrailerLocation> DecodeTrailer(std::string_view trailer_bytes);

}  // namespace myvault::archive
