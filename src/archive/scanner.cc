// MemberScanner and SequentialReader: an archive front to back, from a stream that cannot seek.
#include <algorithm>

#include "archive/file_io.h"
#include "myvault/archive/reader.h"

namespace myvault::archive {
namespace {

constexpr size_t kReadSize = size_t{1} << 20;

}  // namespace

MemberScanner::MemberScanner(int fd)
    : read_([fd](char* buffer, size_t n) { return ReadSome(fd, buffer, n); }) {}

Result<bool> MemberScanner::Fill(size_t n) {
  while (available() < n && !eof_) {
    if (pos_ > 0 && pos_ >= buffer_.size() / 2) {
      buffer_.erase(0, pos_);
      pos_ = 0;
    }
    const size_t old_size = buffer_.size();
    buffer_.resize(old_size + std::max(n - available(), kReadSize));
    auto got = read_(buffer_.data() + old_size, buffer_.size() - old_size);
    buffer_.resize(old_size + (got.ok() ? *got : 0));
    if (!got.ok()) return got.status();
    if (*got == 0) eof_ = true;
  }
  return available() >= n;
}

Status MemberScanner::Truncated(ScannedMember* member) const {
  member->truncated = true;
  return Corrupt("truncated after member " + std::to_string(members_) + " at offset " +
                 std::to_string(offset_));
}

// The index must sit just before the trailer, which must say so.
Status MemberScanner::CheckPlacement(const ScannedMember& member) {
  if (member.info.kind == MemberKind::kIndex) {
    last_index_ = TrailerLocation{member.offset, member.bytes.size()};
    return Status::Ok();
  }
  if (member.info.kind != MemberKind::kTrailer) return Status::Ok();
  ASSIGN_OR_RETURN(TrailerLocation location, DecodeTrailer(member.bytes));
  if (location != last_index_) return Corrupt("the trailer does not locate the index member");
  return Status::Ok();
}

// One version per archive; a version 2 archive starts with its keys member.
Status MemberScanner::CheckVersion(uint8_t version, MemberKind kind) {
  if (version_ == 0) {
    version_ = version;
    if (version == kSealedFormatVersion && kind != MemberKind::kKeys) {
      return Corrupt("an encrypted archive must start with its keys member");
    }
  }
  if (version != version_) {
    return Corrupt("member of format version " + std::to_string(version) + " in a version " +
                   std::to_string(version_) + " archive");
  }
  return Status::Ok();
}

Result<bool> MemberScanner::Next(ScannedMember* member) {
  *member = ScannedMember{};
  member->offset = offset_;
  if (ended_) return false;
  if (order_.complete()) {
    ASSIGN_OR_RETURN(bool more, Fill(1));
    if (more) return Corrupt("unexpected data after the trailer");
    ended_ = true;
    return false;
  }
  ASSIGN_OR_RETURN(bool have, Fill(kGzipFixedHeaderSize));
  if (!have) return Truncated(member);
  ASSIGN_OR_RETURN(size_t header_size,
                   MemberHeaderSize(std::string_view(buffer_).substr(pos_, available())));
  ASSIGN_OR_RETURN(have, Fill(header_size));
  if (!have) return Truncated(member);
  ASSIGN_OR_RETURN(MemberLayout layout,
                   ParseMemberLayout(std::string_view(buffer_).substr(pos_), &member->info));
  member->header_parsed = true;
  RETURN_IF_ERROR(CheckVersion(layout.version, member->info.kind));
  ASSIGN_OR_RETURN(have, Fill(layout.total_size));
  if (!have) return Truncated(member);
  RETURN_IF_ERROR(order_.Add(member->info.kind));
  member->bytes.assign(buffer_, pos_, layout.total_size);
  RETURN_IF_ERROR(CheckPlacement(*member));
  pos_ += layout.total_size;
  offset_ += layout.total_size;
  ++members_;
  return true;
}

Result<bool> SequentialReader::Next(MemberInfo* info, std::string* payload, uint64_t* offset) {
  auto next = scanner_.Next(&member_);
  Status status = next.status();
  uint64_t number = scanner_.members();  // of the member at fault, counting from 0
  if (status.ok() && *next) {
    status = Decode(info, payload);
    --number;
  }
  if (status.ok()) {
    *offset = member_.offset;
    return next;
  }
  if (status.code() != StatusCode::kCorrupt || member_.truncated) return status;
  std::string where =
      "member " + std::to_string(number) + " at offset " + std::to_string(member_.offset);
  if (member_.header_parsed) {
    where += " (" + (names_ != nullptr ? *names_ : Index()).Describe(member_.info) + ")";
  }
  return Corrupt(where + ": " + status.message());
}

}  // namespace myvault::archive

namespace myvault::archive {

// The keys member (checked without a key, then opened) gives the decoder of the members after it.
Status SequentialReader::Decode(MemberInfo* info, std::string* payload) {
  if (member_.info.kind != MemberKind::kKeys) return decoder_->Decode(member_.bytes, payload, info);
  RETURN_IF_ERROR(CheckSealedMember(member_.bytes, info));
  const size_t header = kMemberHeaderSize;
  payload->assign(member_.bytes, header, member_.bytes.size() - header - kGzipTailSize);
  if (identity_ == nullptr || identity_->empty()) {
    return KeyError(
        "the archive is encrypted: give its private key (--decrypt-with) or passphrase");
  }
  ASSIGN_OR_RETURN(key_, OpenKeyBlock(*payload, *identity_));
  decoder_ = std::make_unique<MemberDecoder>(key_.get());
  return Status::Ok();
}

}  // namespace myvault::archive
