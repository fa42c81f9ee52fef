// Writing the gzip header of a member (private to the archive module; see member.h to read one).
#pragma once

#include <cstddef>
#include <cstdint>

#include "myvault/archive/format.h"

namespace myvault::archive {

// Writes the 12 fixed gzip bytes (with XLEN = kMemberXlen or kTrailerXlen by kind) and the MV
// subfield: kMemberHeaderSize bytes at `out`. The trailer's MT subfield is the caller's.
void WriteMemberHeader(char* out, const MemberInfo& info, uint64_t body_size,
                       uint8_t version = kFormatVersion);

// Where the MV fields a sealed member binds as associated data start, and how many bytes they are
// (version, kind, object id, chunk, rows, raw size: docs/format.md 11.1).
inline constexpr size_t kBoundFieldsAt = 16;
inline constexpr size_t kBoundFieldsSize = 26;

}  // namespace myvault::archive
