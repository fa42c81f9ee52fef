// Writing the gzip header of a member (private to the archive module; see member.h to read one).
#pragma once

#include <cstddef>
#include <cstdint>

#include "myvault/archive/format.h"

namespace myvault::archive {

// Writes the 12 fixed gzip bytes (with XLEN = kMemberXlen or kTrailerXlen by kind) and the MV
// subfield: kMemberHeaderSize bytes at `out`. The trailer's MT subfield is the caller's.
void WriteMemberHeader(char* out, const MemberInfo& info, uint64_t body_size);

}  // namespace myvault::archive
