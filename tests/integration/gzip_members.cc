// Walking gzip members with libdeflate.
#include "gzip_members.h"

#include <libdeflate.h>

#include <memory>
#include <string>

namespace myvault::it {

std::vector<GzipMember> GzipMembers(std::string_view bytes, size_t* end_offset) {
  std::unique_ptr<libdeflate_decompressor, decltype(&libdeflate_free_decompressor)> d(
      libdeflate_alloc_decompressor(), &libdeflate_free_decompressor);
  std::vector<GzipMember> members;
  std::string out(1 << 20, '\0');
  size_t pos = 0;
  while (pos < bytes.size()) {
    size_t in_used = 0, out_used = 0;
    const libdeflate_result r =
        libdeflate_gzip_decompress_ex(d.get(), bytes.data() + pos, bytes.size() - pos, out.data(),
                                      out.size(), &in_used, &out_used);
    if (r == LIBDEFLATE_INSUFFICIENT_SPACE && out.size() < (size_t{1} << 31)) {
      out.resize(out.size() * 2);
      continue;
    }
    if (r != LIBDEFLATE_SUCCESS) break;
    members.push_back({pos, in_used, out_used});
    pos += in_used;
  }
  if (end_offset != nullptr) *end_offset = pos;
  return members;
}

}  // namespace myvault::it
