// Finding the gzip members of an archive without the project's archive reader: members are
// walked from offset 0 with libdeflate, each decompressed to learn exactly where it ends. Tests
// use the boundaries to count chunks and to damage bytes inside a chosen member.
//
// Thread safety: pure function; safe from any thread.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace myvault::it {

struct GzipMember {
  size_t offset = 0;  // of the 1f 8b 08 header
  size_t size = 0;    // compressed bytes, header and trailer included
  size_t uncompressed_size = 0;
};

// The consecutive gzip members at the start of `bytes`, in order. Stops at the first offset
// that does not begin a valid member; *end_offset (if given) is that offset (bytes.size() when
// the whole input is members).
std::vector<GzipMember> GzipMembers(std::string_view bytes, size_t* end_offset = nullptr);

}  // namespace myvault::it
