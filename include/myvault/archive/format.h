// The myvault archive format, versions 1 (plain) and 2 (encrypted): constants, member descriptions
// and the index.
//
// docs/format.md is the specification; every constant it names lives here, and only the archive
// module (src/archive/) turns these values into bytes. The archive knows nothing of MySQL: object
// kinds, schema names and metadata keys are strings chosen by the dumper and stored verbatim.
//
// Thread safety: plain values and pure functions; an Index may be read from many threads at once.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "myvault/status.h"

namespace myvault::archive {

inline constexpr uint8_t kFormatVersion = 1;        // plain archives: the default
inline constexpr uint8_t kSealedFormatVersion = 2;  // encrypted archives (docs/format.md 11)
inline constexpr uint32_t kNoObject = 0xFFFFFFFF;

// gzip framing (docs/format.md sections 2-4).
inline constexpr uint8_t kGzipId1 = 0x1F;
inline constexpr uint8_t kGzipId2 = 0x8B;
inline constexpr uint8_t kGzipCmDeflate = 8;
inline constexpr uint8_t kGzipFlagExtra = 0x04;
inline constexpr uint8_t kGzipOsUnknown = 0xFF;
inline constexpr size_t kGzipFixedHeaderSize = 12;  // ID1..XLEN
inline constexpr size_t kGzipTailSize = 8;          // CRC32 + ISIZE
inline constexpr size_t kSubfieldHeaderSize = 4;    // SI1 SI2 LEN
inline constexpr size_t kMvDataSize = 66;
inline constexpr size_t kMtDataSize = 24;
inline constexpr size_t kMemberXlen = kSubfieldHeaderSize + kMvDataSize;                 // 70
inline constexpr size_t kTrailerXlen = kMemberXlen + kSubfieldHeaderSize + kMtDataSize;  // 98
inline constexpr size_t kMemberHeaderSize = kGzipFixedHeaderSize + kMemberXlen;          // 82
inline constexpr size_t kTrailerHeaderSize = kGzipFixedHeaderSize + kTrailerXlen;        // 110
inline constexpr size_t kTrailerSize = kTrailerHeaderSize + 2 + kGzipTailSize;           // 120
inline constexpr char kTrailerMagic[8] = {'M', 'Y', 'V', 'A', 'U', 'L', 'T', '\0'};

// Largest payload a member may hold; the largest DEFLATE body accepted for a raw size; and the
// largest raw size a body can inflate to (DEFLATE expands at most 1032 times: a 258-byte match
// in two bits), so a damaged raw size cannot make a reader allocate more than the data allows.
inline constexpr uint64_t kMaxRawSize = uint64_t{1} << 32;
inline constexpr uint64_t kMaxDeflateRatio = 1032;
inline constexpr uint64_t MaxBodySize(uint64_t raw_size) { return raw_size + raw_size / 8 + 1024; }
// A sealed body (version 2) adds a 12-byte nonce before and a 16-byte tag after the DEFLATE bytes.
inline constexpr uint64_t kSealOverhead = 12 + 16;
// The keys member's payload is stored as it is, and is small.
inline constexpr uint64_t kMaxKeyBlockSize = 65536;

enum class MemberKind : uint8_t {
  kHeader = 1,   // session settings and metadata comments
  kSchema = 2,   // CREATE DATABASE / TABLE / SEQUENCE
  kData = 3,     // INSERTs of one chunk of one table
  kPost = 4,     // triggers, views, routines, events
  kFooter = 5,   // restores session settings
  kIndex = 6,    // the index text (written by ArchiveWriter::Finish)
  kTrailer = 7,  // locates the index (written by ArchiveWriter::Finish)
  kKeys = 8,     // version 2 only, first: the wrapped file key (written by ArchiveWriter)
};

// "header", "schema", "data", "post", "footer", "index", "trailer", "keys" (the index's spelling).
std::string_view MemberKindName(MemberKind kind);
bool IsValidMemberKind(uint8_t kind);

// What a member's MV subfield says about it.
struct MemberInfo {
  MemberKind kind = MemberKind::kHeader;
  uint32_t object_id = kNoObject;
  uint32_t chunk = 0;
  uint64_t rows = 0;
  uint64_t raw_size = 0;             // uncompressed payload size
  std::array<uint8_t, 32> sha256{};  // of the uncompressed payload (version 2: of the body)
  friend bool operator==(const MemberInfo&, const MemberInfo&) = default;
};

// A database object the archive holds something of.
struct ObjectEntry {
  uint32_t id;
  std::string kind;    // "database", "table", "view", ... (chosen by the dumper)
  std::string schema;  // database name
  std::string name;    // object name; empty for a database
  uint64_t rows = 0;   // sum of the rows of its data members
  friend bool operator==(const ObjectEntry&, const ObjectEntry&) = default;
};

// One member as the index lists it.
struct MemberEntry {
  uint64_t offset;  // of the member's first byte in the file
  uint64_t size;    // compressed, whole member (header + body + CRC32 + ISIZE)
  MemberInfo info;
  friend bool operator==(const MemberEntry&, const MemberEntry&) = default;
};

struct Index {
  std::vector<std::pair<std::string, std::string>> metadata;  // in the dumper's order
  std::vector<ObjectEntry> objects;
  std::vector<MemberEntry> members;  // every member before the index, in file order

  // The object with this id, or nullptr. Linear search: call it for messages, not in loops.
  const ObjectEntry* FindObject(uint32_t id) const;
  // Names a member for a human: "table `shop`.`orders` chunk 17", "schema member 3 of table
  // `shop`.`orders`", "header member 0", "data member of object 9 chunk 2" (unknown object).
  std::string Describe(const MemberInfo& info) const;
  // Describe(info) + " (member at offset 123456)": the form error messages use.
  std::string Describe(const MemberInfo& info, uint64_t offset) const;
};

// The index member's payload text (docs/format.md section 5), and back. DecodeIndex returns
// kCorrupt naming the offending line.
std::string EncodeIndex(const Index& index);
Result<Index> DecodeIndex(std::string_view payload);

// The rules an index must satisfy beyond its syntax (docs/format.md section 7): contiguous
// offsets from 0, write order, unique object ids, data members naming listed objects, unique
// (object, chunk) among data members, per-object row sums. kCorrupt naming the first violation.
Status ValidateIndex(const Index& index);

// Checks the write order of docs/format.md section 6 (and 11.4: a keys member may come first),
// one member kind at a time.
class OrderCheck {
 public:
  // kCorrupt when `kind` may not follow the kinds added so far.
  Status Add(MemberKind kind);
  bool footer_seen() const { return last_ >= static_cast<int>(MemberKind::kFooter); }
  bool complete() const { return last_ == static_cast<int>(MemberKind::kTrailer); }
  bool keys_seen() const { return keys_; }

 private:
  int last_ = 0;
  bool keys_ = false;
};

// 64 lowercase hex digits.
std::string Sha256Hex(const std::array<uint8_t, 32>& digest);

}  // namespace myvault::archive
