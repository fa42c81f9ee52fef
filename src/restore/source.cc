#include "restore/source.h"

#include <unistd.h>

namespace myvault::restore {
namespace {

using archive::MemberKind;

class FileSource : public MemberSource {
 public:
  explicit FileSource(std::unique_ptr<archive::ArchiveReader> reader)
      : reader_(std::move(reader)) {}

  Result<bool> Next(SourceMember* m) override {
    const auto& members = reader_->index().members;
    if (next_ < members.size() && members[next_].info.kind == MemberKind::kKeys) ++next_;
    if (next_ >= members.size()) return false;
    const archive::MemberEntry& e = members[next_++];
    m->info = e.info;
    m->offset = e.offset;
    m->entry = &e;
    m->loaded = false;
    m->payload.clear();
    if (e.info.kind != MemberKind::kData) RETURN_IF_ERROR(Load(m));
    return true;
  }

  Status Load(SourceMember* m) const override {
    if (m->loaded) return Status::Ok();
    RETURN_IF_ERROR(reader_->ReadMember(*m->entry, &m->payload));
    m->loaded = true;
    return Status::Ok();
  }

  const archive::Index* index() const override { return &reader_->index(); }
  std::string name() const override { return "archive " + reader_->path(); }

 private:
  std::unique_ptr<archive::ArchiveReader> reader_;
  size_t next_ = 0;
};

class StreamSource : public MemberSource {
 public:
  StreamSource(int fd, const archive::Identity* identity) : reader_(fd, identity) {
    reader_.DescribeWith(&learned_);
  }

  Result<bool> Next(SourceMember* m) override {
    while (true) {
      m->entry = nullptr;
      auto more = reader_.Next(&m->info, &m->payload, &m->offset);
      if (!more.ok()) {
        const Status& st = more.status();
        if (st.code() == StatusCode::kInvalidArgument) return st;  // a key problem
        if (st.code() != StatusCode::kCorrupt) return st.WithContext("reading stdin");
        if (members_ == 0) return Corrupt("stdin is not a myvault archive (" + st.message() + ")");
        return Corrupt("the archive on stdin is damaged: " + st.message());
      }
      if (!*more) return false;
      ++members_;
      m->loaded = true;
      if (m->info.kind == MemberKind::kIndex) {
        auto index = archive::DecodeIndex(m->payload);
        if (!index.ok()) {
          return Corrupt("the archive on stdin is damaged: index: " + index.status().message());
        }
        index_ = std::move(index).value();
        have_index_ = true;
        continue;
      }
      if (m->info.kind == MemberKind::kTrailer || m->info.kind == MemberKind::kKeys) continue;
      return true;
    }
  }

  Status Load(SourceMember*) const override { return Status::Ok(); }
  const archive::Index* index() const override { return have_index_ ? &index_ : nullptr; }
  std::string name() const override { return "the archive on stdin"; }
  void Learn(const archive::ObjectEntry& object) override { learned_.objects.push_back(object); }

 private:
  archive::Index learned_;  // objects named so far, for error messages
  archive::SequentialReader reader_;
  archive::Index index_;
  bool have_index_ = false;
  uint64_t members_ = 0;  // read so far
};

}  // namespace

Result<std::unique_ptr<MemberSource>> OpenSource(const std::string& path,
                                                 const archive::Identity* identity) {
  if (path == "-") {
    if (isatty(STDIN_FILENO)) {
      return InvalidArgument("restore -: stdin is a terminal; pipe an archive into it");
    }
    return std::unique_ptr<MemberSource>(new StreamSource(STDIN_FILENO, identity));
  }
  ASSIGN_OR_RETURN(auto reader, archive::ArchiveReader::Open(path, identity));
  return std::unique_ptr<MemberSource>(new FileSource(std::move(reader)));
}

}  // namespace myvault::restore
