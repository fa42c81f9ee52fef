// Plain gzip backups: format detection and the streaming reader (zlib).
//
// zlib rather than libdeflate here: libdeflate inflates a whole member into a buffer sized in
// advance (the archive format records every member's size for that), while a `mysqldump | gzip`
// file is usually one member as large as the whole dump, with no size known before its end.
// zlib's inflate() is incremental, so a plain file of any size is read with bounded memory.
#include "myvault/archive/plain.h"

#include <zlib.h>

#include <algorithm>

#include "myvault/archive/format.h"
#include "myvault/archive/sha256.h"
#include "myvault/storage/store.h"

namespace myvault::archive {
namespace {

constexpr size_t kInputBlock = 256 * 1024;
constexpr size_t kMaxHead = 512;  // myvault's first subfield, MV, ends at byte 82

}  // namespace

FileFormat DetectFormatOf(std::string_view head) {
  const auto byte = [&](size_t i) { return static_cast<uint8_t>(head[i]); };
  if (head.size() < 10 || byte(0) != kGzipId1 || byte(1) != kGzipId2 || byte(2) != kGzipCmDeflate) {
    return FileFormat::kNotGzip;
  }
  if ((byte(3) & kGzipFlagExtra) == 0) return FileFormat::kPlain;
  // An extra field we cannot see whole: let the archive reader judge (and name the damage).
  if (head.size() < kGzipFixedHeaderSize) return FileFormat::kMyvault;
  const size_t xlen = byte(10) | (size_t{byte(11)} << 8);
  std::string_view extra = head.substr(kGzipFixedHeaderSize, xlen);
  if (extra.size() < xlen && extra.size() < kSubfieldHeaderSize) return FileFormat::kMyvault;
  while (extra.size() >= kSubfieldHeaderSize) {
    if (extra[0] == 'M' && extra[1] == 'V') return FileFormat::kMyvault;
    const size_t len =
        static_cast<uint8_t>(extra[2]) | (size_t{static_cast<uint8_t>(extra[3])} << 8);
    if (extra.size() < kSubfieldHeaderSize + len) break;
    extra.remove_prefix(kSubfieldHeaderSize + len);
  }
  return FileFormat::kPlain;
}

Result<FileFormat> DetectFormat(const std::string& path) {
  ASSIGN_OR_RETURN(std::unique_ptr<storage::ObjectReader> object, storage::OpenObject(path));
  std::string head;
  Status read = object->ReadAt(0, std::min<uint64_t>(kMaxHead, object->size()), &head);
  if (!read.ok()) return IoError("read " + path + ": " + read.message());
  return DetectFormatOf(head);
}

struct PlainGzipReader::State {
  z_stream zs{};
  bool initialised = false;
  bool in_member = false;
  std::string input;
  Sha256 sha;
  uint64_t read_total = 0;  // bytes read from the file
};

PlainGzipReader::PlainGzipReader(std::string path, std::unique_ptr<storage::ObjectReader> object)
    : path_(std::move(path)),
      object_(std::move(object)),
      stream_(std::make_unique<storage::ReadAheadStream>(object_.get())),
      state_(std::make_unique<State>()) {}

PlainGzipReader::~PlainGzipReader() {
  if (state_->initialised) inflateEnd(&state_->zs);
}

Result<std::unique_ptr<PlainGzipReader>> PlainGzipReader::Open(const std::string& path) {
  Result<std::unique_ptr<storage::ObjectReader>> object = storage::OpenObject(path);
  if (!object.ok() && object.status().code() == StatusCode::kNotFound) {
    return NotFound("no such file: " + path);
  }
  if (!object.ok()) return object.status();
  std::unique_ptr<PlainGzipReader> r(new PlainGzipReader(path, std::move(*object)));
  // 16 + MAX_WBITS: gzip framing only (header, CRC-32 and ISIZE checked), the largest window.
  if (inflateInit2(&r->state_->zs, 16 + MAX_WBITS) != Z_OK) {
    return Internal("zlib inflateInit2 failed for " + path);
  }
  r->state_->initialised = true;
  r->state_->input.resize(kInputBlock);
  return r;
}

Status PlainGzipReader::Fill() {
  State& s = *state_;
  ASSIGN_OR_RETURN(const size_t n, stream_->Read(s.input.data(), s.input.size()));
  if (n == 0) {
    eof_ = true;
    return Status::Ok();
  }
  s.sha.Update(std::string_view(s.input.data(), n));
  s.read_total += n;
  s.zs.next_in = reinterpret_cast<Bytef*>(s.input.data());
  s.zs.avail_in = static_cast<uInt>(n);
  return Status::Ok();
}

Status PlainGzipReader::Damaged(const std::string& what) const {
  return Corrupt("plain backup " + path_ + " is damaged: " + what + " (compressed byte " +
                 std::to_string(consumed_) + ")");
}

Result<size_t> PlainGzipReader::Read(std::string* out, size_t max) {
  if (done_ || max == 0) return size_t{0};
  State& s = *state_;
  const size_t old = out->size();
  out->resize(old + max);
  s.zs.next_out = reinterpret_cast<Bytef*>(out->data() + old);
  s.zs.avail_out = static_cast<uInt>(max);
  Status failed;
  while (s.zs.avail_out > 0 && failed.ok()) {
    if (s.zs.avail_in == 0 && !eof_) {
      failed = Fill();
      if (!failed.ok()) break;
    }
    consumed_ = s.read_total - s.zs.avail_in;
    if (s.zs.avail_in == 0) {  // the end of the file
      if (s.in_member || members_ == 0) {
        failed = members_ == 0 && !s.in_member
                     ? Corrupt(path_ + " is empty: not a gzip stream")
                     : Corrupt("plain backup " + path_ + " is truncated: the gzip stream ends " +
                               "inside a member after " + std::to_string(consumed_) + " bytes");
        break;
      }
      done_ = true;
      sha256_hex_ = Sha256Hex(s.sha.Final());
      break;
    }
    if (!s.in_member) {
      if (s.zs.next_in[0] != kGzipId1) {
        failed = members_ == 0 ? Damaged("not a gzip stream")
                               : Damaged("unexpected bytes after the last gzip member");
        break;
      }
      s.in_member = true;
    }
    const int rc = inflate(&s.zs, Z_NO_FLUSH);
    consumed_ = s.read_total - s.zs.avail_in;
    if (rc == Z_STREAM_END) {
      ++members_;
      s.in_member = false;
      inflateReset(&s.zs);
    } else if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT) {
      const std::string msg = s.zs.msg != nullptr ? s.zs.msg : "invalid compressed data";
      failed = Damaged(msg == "incorrect data check" ? "CRC-32 mismatch" : msg);
    } else if (rc == Z_MEM_ERROR) {
      failed = Internal("zlib: out of memory inflating " + path_);
    } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
      failed = Internal("zlib inflate returned " + std::to_string(rc) + " for " + path_);
    }
  }
  const size_t n = max - s.zs.avail_out;
  out->resize(old + n);
  inflated_ += n;
  if (!failed.ok()) return failed;
  return n;
}

}  // namespace myvault::archive
