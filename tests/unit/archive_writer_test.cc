// ArchiveWriter: file naming and modes, the .sha256 file, Abort, and injected write failures.
#include <errno.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstring>
#include <filesystem>

#include "archive_test_helpers.h"
#include "myvault/archive/reader.h"
#include "myvault/archive/writer.h"

namespace myvault::archive {
namespace {

using testutil::ReadFile;
using testutil::RunShell;
using testutil::Sample;
using testutil::TempDir;

bool Exists(const std::string& path) { return std::filesystem::exists(path); }

// A FileSink that fails with `err` once `fail_at` bytes have been written (the bytes before it
// reach the file), or on Sync/Close when asked to.
class FaultySink : public Sink {
 public:
  FaultySink(std::unique_ptr<Sink> inner, uint64_t fail_at, int err)
      : inner_(std::move(inner)), fail_at_(fail_at), err_(err) {}
  bool fail_sync = false;

  Status Write(std::string_view bytes) override {
    if (written_ + bytes.size() > fail_at_) {
      (void)inner_->Write(bytes.substr(0, fail_at_ - written_));
      written_ = fail_at_;
      return IoError(std::strerror(err_));
    }
    written_ += bytes.size();
    return inner_->Write(bytes);
  }
  Status Sync() override { return fail_sync ? IoError(std::strerror(err_)) : inner_->Sync(); }
  Status Close() override { return inner_->Close(); }

 private:
  std::unique_ptr<Sink> inner_;
  uint64_t written_ = 0;
  uint64_t fail_at_;
  int err_;
};

std::unique_ptr<FaultySink> Faulty(const std::string& path, uint64_t fail_at, int err) {
  auto file = FileSink::Create(path + ".partial");
  EXPECT_TRUE(file.ok());
  return std::make_unique<FaultySink>(std::move(file).value(), fail_at, err);
}

// Appends every member of `sample` and finishes; returns the first failure.
Status WriteAll(ArchiveWriter* writer, const Sample& sample, int level = 1) {
  MemberEncoder encoder(level);
  for (const testutil::SampleMember& m : sample.members) {
    std::string bytes;
    MemberInfo info;
    RETURN_IF_ERROR(encoder.Encode(m.kind, m.object_id, m.chunk, m.rows, m.payload, &bytes, &info));
    RETURN_IF_ERROR(writer->Append(bytes, info));
  }
  return writer->Finish(sample.index);
}

TEST(ArchiveWriterTest, WritesPartialThenRenamesWithMode0600AndChecksumFile) {
  TempDir dir;
  const std::string path = dir.File("x.sql.gz");
  mode_t old_umask = ::umask(0);
  auto writer = ArchiveWriter::Create(path, WriterOptions{.fsync = true});
  ::umask(old_umask);
  ASSERT_TRUE(writer.ok());
  EXPECT_TRUE(Exists(path + ".partial"));
  EXPECT_FALSE(Exists(path));
  Sample sample = testutil::ShopSample();
  ASSERT_TRUE(WriteAll(writer->get(), sample).ok());
  EXPECT_FALSE(Exists(path + ".partial"));
  EXPECT_FALSE(Exists(path + ".sha256.partial"));
  ASSERT_TRUE(Exists(path));
  EXPECT_EQ((*writer)->bytes_written(), std::filesystem::file_size(path));
  EXPECT_EQ((*writer)->path(), path);
  for (const std::string& file : {path, path + ".sha256"}) {
    struct stat st {};
    ASSERT_EQ(::stat(file.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u) << file;
  }
  const std::string line = ReadFile(path + ".sha256");
  testutil::CommandResult sum = RunShell("sha256sum '" + path + "'");
  ASSERT_EQ(sum.exit_code, 0);
  EXPECT_EQ(line, sum.output);  // "<hex>  <path as given>\n"
  EXPECT_EQ(RunShell("cd '" + dir.path() + "' && sha256sum -c --status x.sql.gz.sha256").exit_code,
            0);
  writer->reset();  // destroying a finished writer leaves its files
  EXPECT_TRUE(Exists(path));
  EXPECT_TRUE(Exists(path + ".sha256"));
}

TEST(ArchiveWriterTest, ChecksumFileCanNameTheArchiveByItsBaseName) {
  TempDir dir;
  const std::string path = dir.File("b.sql.gz");
  auto writer =
      ArchiveWriter::Create(path, WriterOptions{.fsync = false, .checksum_base_name = true});
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE(WriteAll(writer->get(), testutil::ShopSample()).ok());
  const std::string line = ReadFile(path + ".sha256");
  ASSERT_EQ(line.size(), 64u + 2 + 8 + 1) << line;
  EXPECT_EQ(line.substr(64), "  b.sql.gz\n");
  // The directory moved (a volume mounted elsewhere): sha256sum -c still passes inside it.
  const std::string moved = dir.File("elsewhere");
  std::filesystem::create_directory(moved);
  std::filesystem::rename(path, moved + "/b.sql.gz");
  std::filesystem::rename(path + ".sha256", moved + "/b.sql.gz.sha256");
  EXPECT_EQ(RunShell("cd '" + moved + "' && sha256sum -c --status b.sql.gz.sha256").exit_code, 0);
}

TEST(ArchiveWriterTest, IndexListsEveryAppendedMemberAtItsOffset) {
  TempDir dir;
  const std::string path = dir.File("x.sql.gz");
  Sample sample = testutil::ShopSample();
  testutil::WriteSample(path, sample, 6);
  auto reader = ArchiveReader::Open(path);
  ASSERT_TRUE(reader.ok()) << reader.status().message();
  const Index& index = (*reader)->index();
  EXPECT_EQ(index.metadata, sample.index.metadata);
  EXPECT_EQ(index.objects, sample.index.objects);
  ASSERT_EQ(index.members.size(), sample.members.size());
  const std::string file = ReadFile(path);
  for (size_t i = 0; i < sample.members.size(); ++i) {
    const MemberEntry& entry = index.members[i];
    std::string payload;
    MemberInfo info;
    ASSERT_TRUE(
        MemberDecoder().Decode(file.substr(entry.offset, entry.size), &payload, &info).ok());
    EXPECT_EQ(payload, sample.members[i].payload);
    EXPECT_EQ(info, entry.info);
  }
}

TEST(ArchiveWriterTest, AbortLeavesNothingAndIsIdempotent) {
  TempDir dir;
  const std::string path = dir.File("x.sql.gz");
  auto writer = ArchiveWriter::Create(path);
  ASSERT_TRUE(writer.ok());
  std::string bytes;
  MemberInfo info;
  ASSERT_TRUE(MemberEncoder(1)
                  .Encode(MemberKind::kHeader, kNoObject, 0, 0, "SET a=1;\n", &bytes, &info)
                  .ok());
  ASSERT_TRUE((*writer)->Append(bytes, info).ok());
  (*writer)->Abort();
  (*writer)->Abort();
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
  EXPECT_EQ((*writer)->Append(bytes, info).code(), StatusCode::kInternal);
}

TEST(ArchiveWriterTest, DestroyingAnUnfinishedWriterAborts) {
  TempDir dir;
  {
    auto writer = ArchiveWriter::Create(dir.File("x.sql.gz"));
    ASSERT_TRUE(writer.ok());
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(ArchiveWriterTest, WriteFailureAtAnyByteNamesTheFileAndLeavesNothing) {
  Sample sample = testutil::ShopSample();
  sample.members[4].payload = std::string(3 << 20, 'x') + "\n";  // bigger than the 1 MiB buffer
  uint64_t size = 0;
  {
    TempDir dir;
    auto writer = ArchiveWriter::Create(dir.File("x"), {.fsync = false});
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE(WriteAll(writer->get(), sample, 0).ok());
    size = (*writer)->bytes_written();
  }
  // The first byte, inside the header member, inside the big data member, inside the trailer.
  for (uint64_t fail_at : {uint64_t{0}, uint64_t{40}, size / 2, size - 60, size - 1}) {
    TempDir dir;
    const std::string path = dir.File("x.sql.gz");
    auto writer = ArchiveWriter::Create(path, Faulty(path, fail_at, ENOSPC), {.fsync = false});
    ASSERT_TRUE(writer.ok());
    Status s = WriteAll(writer->get(), sample, 0);
    EXPECT_EQ(s.code(), StatusCode::kIo) << fail_at;
    EXPECT_EQ(s.message(), "write " + path + ".partial: No space left on device") << fail_at;
    EXPECT_TRUE(std::filesystem::is_empty(dir.path())) << fail_at;
    // The failure sticks.
    EXPECT_EQ((*writer)->Finish(sample.index).message(), s.message());
  }
}

TEST(ArchiveWriterTest, FsyncFailureIsReportedAndLeavesNothing) {
  TempDir dir;
  const std::string path = dir.File("x.sql.gz");
  auto sink = Faulty(path, UINT64_MAX, EIO);
  sink->fail_sync = true;
  auto writer = ArchiveWriter::Create(path, std::move(sink), {.fsync = true});
  ASSERT_TRUE(writer.ok());
  Status s = WriteAll(writer->get(), testutil::ShopSample());
  EXPECT_EQ(s.code(), StatusCode::kIo);
  EXPECT_EQ(s.message(), "fsync " + path + ".partial: Input/output error");
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

// The archive never appears without its checksum: FILE.sha256 is in place before the commit
// begins (a store that goes away between the two leaves a checksum, never a bare archive).
TEST(ArchiveWriterTest, TheChecksumFileIsInPlaceBeforeTheArchiveIsCommitted) {
  TempDir dir;
  const std::string path = dir.File("x.sql.gz");
  struct Watching : FaultySink {
    using FaultySink::FaultySink;
    Status Sync() override {
      checksum_at_sync = Exists(path + ".sha256");
      archive_at_sync = Exists(path);
      return FaultySink::Sync();
    }
    std::string path;
    bool checksum_at_sync = false;
    bool archive_at_sync = true;
  };
  auto file = FileSink::Create(path + ".partial");
  ASSERT_TRUE(file.ok());
  auto sink = std::make_unique<Watching>(std::move(file).value(), UINT64_MAX, EIO);
  sink->path = path;
  Watching* watching = sink.get();
  auto writer = ArchiveWriter::Create(path, std::move(sink), {.fsync = true});
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE(WriteAll(writer->get(), testutil::ShopSample()).ok());
  EXPECT_TRUE(watching->checksum_at_sync);
  EXPECT_FALSE(watching->archive_at_sync);
  EXPECT_EQ(RunShell("cd '" + dir.path() + "' && sha256sum -c --status x.sql.gz.sha256").exit_code,
            0);
}

// A failed commit over an archive that was already there leaves that archive in place: the
// writer removes only what it wrote.
TEST(ArchiveWriterTest, AFailedCommitNeverRemovesTheArchiveItWasToReplace) {
  TempDir dir;
  const std::string path = dir.File("x.sql.gz");
  testutil::WriteSample(path, testutil::ShopSample(), 6);
  const std::string before = ReadFile(path);
  const std::string checksum = ReadFile(path + ".sha256");
  auto sink = Faulty(path, UINT64_MAX, EIO);
  sink->fail_sync = true;
  auto writer = ArchiveWriter::Create(path, std::move(sink), {.fsync = true});
  ASSERT_TRUE(writer.ok());
  EXPECT_EQ(WriteAll(writer->get(), testutil::ShopSample()).code(), StatusCode::kIo);
  EXPECT_EQ(ReadFile(path), before);
  EXPECT_EQ(ReadFile(path + ".sha256"), checksum);
  EXPECT_FALSE(Exists(path + ".partial"));
}

TEST(ArchiveWriterTest, CreateNamesTheFileItCannotOpen) {
  TempDir dir;
  const std::string path = dir.File("missing/x.sql.gz");
  auto writer = ArchiveWriter::Create(path);
  EXPECT_EQ(writer.status().code(), StatusCode::kIo);
  EXPECT_EQ(writer.status().message(), "open " + path + ".partial: No such file or directory");
}

TEST(ArchiveWriterTest, RefusesABadIndexLevelUpFront) {
  TempDir dir;
  auto writer = ArchiveWriter::Create(dir.File("x.sql.gz"), {.fsync = false, .index_level = 13});
  EXPECT_EQ(writer.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(ArchiveWriterTest, RefusesMisuseThatWouldMakeABadArchive) {
  TempDir dir;
  auto writer = ArchiveWriter::Create(dir.File("x.sql.gz"), {.fsync = false});
  ASSERT_TRUE(writer.ok());
  MemberEncoder encoder(1);
  std::string header, data, footer;
  MemberInfo header_info, data_info, footer_info;
  ASSERT_TRUE(
      encoder.Encode(MemberKind::kHeader, kNoObject, 0, 0, "SET a=1;\n", &header, &header_info)
          .ok());
  ASSERT_TRUE(encoder.Encode(MemberKind::kData, 2, 0, 5, "INSERT;\n", &data, &data_info).ok());
  ASSERT_TRUE(encoder.Encode(MemberKind::kFooter, kNoObject, 0, 0, "", &footer, &footer_info).ok());
  ArchiveWriter& w = **writer;
  EXPECT_EQ(w.Append(data, data_info).code(), StatusCode::kInvalidArgument);  // header first
  MemberInfo wrong = header_info;
  wrong.chunk = 9;
  EXPECT_EQ(w.Append(header, wrong).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(w.Append(header.substr(1), header_info).code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(w.Append(header, header_info).ok());
  EXPECT_EQ(w.Finish(Index()).code(), StatusCode::kInvalidArgument);  // no footer yet
  ASSERT_TRUE(w.Append(data, data_info).ok());
  ASSERT_TRUE(w.Append(footer, footer_info).ok());
  EXPECT_EQ(w.Append(data, data_info).code(), StatusCode::kInvalidArgument);  // after footer
  Index index;
  index.objects = {{2, "table", "shop", "orders", 4}};  // the data member holds 5 rows
  Status s = w.Finish(index);
  EXPECT_EQ(s.code(), StatusCode::kInternal);
  EXPECT_NE(s.message().find("has 4 rows but its data members hold 5"), std::string::npos);
  index.objects[0].rows = 5;
  EXPECT_TRUE(w.Finish(index).ok());
}

}  // namespace
}  // namespace myvault::archive
