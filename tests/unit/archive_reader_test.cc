// ArchiveReader, SequentialReader and compatibility with gzip tools.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <thread>

#include "archive_test_helpers.h"
#include "myvault/archive/reader.h"

namespace myvault::archive {
namespace {

using testutil::ReadFile;
using testutil::RunShell;
using testutil::Sample;
using testutil::TempDir;
using testutil::WriteFile;

class ArchiveReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sample_ = testutil::ShopSample();
    path_ = dir_.File("shop.sql.gz");
    testutil::WriteSample(path_, sample_, 6);
    bytes_ = ReadFile(path_);
  }

  // Feeds `bytes` through a pipe to a SequentialReader and collects what it returns.
  static Status ReadSequentially(const std::string& bytes, std::vector<MemberInfo>* infos,
                                 std::vector<std::string>* payloads,
                                 std::vector<uint64_t>* offsets = nullptr) {
    int fds[2];
    EXPECT_EQ(::pipe(fds), 0);
    std::thread feeder([&] {
      for (size_t at = 0; at < bytes.size(); at += 1000) {  // small writes: many short reads
        std::string_view part = std::string_view(bytes).substr(at, 1000);
        if (::write(fds[1], part.data(), part.size()) != static_cast<ssize_t>(part.size())) break;
      }
      ::close(fds[1]);
    });
    SequentialReader reader(fds[0]);
    Status status;
    for (;;) {
      MemberInfo info;
      std::string payload;
      uint64_t offset = 0;
      auto next = reader.Next(&info, &payload, &offset);
      if (!next.ok()) {
        status = next.status();
        break;
      }
      if (!*next) break;
      infos->push_back(info);
      payloads->push_back(payload);
      if (offsets != nullptr) offsets->push_back(offset);
    }
    char drain[4096];  // let the feeder finish rather than die of SIGPIPE
    while (::read(fds[0], drain, sizeof(drain)) > 0) {
    }
    ::close(fds[0]);
    feeder.join();
    return status;
  }

  TempDir dir_;
  Sample sample_;
  std::string path_;
  std::string bytes_;
};

TEST_F(ArchiveReaderTest, OpensFromTrailerAndIndexAndReadsEveryMember) {
  auto reader = ArchiveReader::Open(path_);
  ASSERT_TRUE(reader.ok()) << reader.status().message();
  const Index& index = (*reader)->index();
  EXPECT_EQ((*reader)->file_size(), bytes_.size());
  ASSERT_EQ(index.members.size(), sample_.members.size());
  for (size_t i = 0; i < index.members.size(); ++i) {
    std::string payload;
    ASSERT_TRUE((*reader)->ReadMember(index.members[i], &payload).ok());
    EXPECT_EQ(payload, sample_.members[i].payload);
  }
  MemberEntry wrong = index.members[5];
  wrong.info.chunk = 99;
  std::string payload;
  EXPECT_EQ((*reader)->ReadMember(wrong, &payload).message(),
            "archive " + path_ + " is damaged: table `shop`.`orders` chunk 99 (member at offset " +
                std::to_string(wrong.offset) + "): the member does not match its index entry");
}

TEST_F(ArchiveReaderTest, ReadMemberIsSafeFromManyThreads) {
  auto reader = ArchiveReader::Open(path_);
  ASSERT_TRUE(reader.ok());
  const Index& index = (*reader)->index();
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 50; ++round) {
        for (size_t i = 0; i < index.members.size(); ++i) {
          std::string payload;
          Status s = (*reader)->ReadMember(index.members[i], &payload);
          if (!s.ok() || payload != sample_.members[i].payload) ++failures[t];
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures, std::vector<int>(4, 0));
}

TEST_F(ArchiveReaderTest, OpenReportsMissingTruncatedAndForeignFiles) {
  EXPECT_EQ(ArchiveReader::Open(dir_.File("nope")).status().code(), StatusCode::kNotFound);
  const std::string cut = dir_.File("cut.sql.gz");
  WriteFile(cut, bytes_.substr(0, bytes_.size() - 1));
  auto truncated = ArchiveReader::Open(cut);
  EXPECT_EQ(truncated.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(truncated.status().message().find("truncated or not a myvault archive"),
            std::string::npos);
  WriteFile(cut, "hello\n");
  EXPECT_EQ(ArchiveReader::Open(cut).status().code(), StatusCode::kCorrupt);
  std::string bad_index = bytes_;
  bad_index[bad_index.size() - kTrailerSize - 20] ^= 0x55;  // inside the index body or CRC
  WriteFile(cut, bad_index);
  auto damaged = ArchiveReader::Open(cut);
  EXPECT_EQ(damaged.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(damaged.status().message().find("is damaged: index member 0 (member at offset "),
            std::string::npos)
      << damaged.status().message();
}

TEST_F(ArchiveReaderTest, SequentialReaderReadsAPipeToTheEnd) {
  std::vector<MemberInfo> infos;
  std::vector<std::string> payloads;
  std::vector<uint64_t> offsets;
  ASSERT_TRUE(ReadSequentially(bytes_, &infos, &payloads, &offsets).ok());
  ASSERT_EQ(infos.size(), sample_.members.size() + 2);  // + index + trailer
  auto reader = ArchiveReader::Open(path_);
  ASSERT_TRUE(reader.ok());
  for (size_t i = 0; i < sample_.members.size(); ++i) {
    EXPECT_EQ(offsets[i], (*reader)->index().members[i].offset);
    EXPECT_EQ(payloads[i], sample_.members[i].payload);
    EXPECT_EQ(infos[i].kind, sample_.members[i].kind);
    EXPECT_EQ(infos[i].chunk, sample_.members[i].chunk);
  }
  EXPECT_EQ(infos[infos.size() - 2].kind, MemberKind::kIndex);
  EXPECT_EQ(infos.back().kind, MemberKind::kTrailer);
  EXPECT_EQ(offsets.back(), bytes_.size() - kTrailerSize);
  auto index = DecodeIndex(payloads[payloads.size() - 2]);
  ASSERT_TRUE(index.ok());
  EXPECT_EQ(index->objects, sample_.index.objects);
}

TEST_F(ArchiveReaderTest, SequentialReaderReportsTruncationAndTrailingData) {
  auto reader = ArchiveReader::Open(path_);
  ASSERT_TRUE(reader.ok());
  const MemberEntry& third = (*reader)->index().members[2];
  std::vector<MemberInfo> infos;
  std::vector<std::string> payloads;
  // Cut inside the third member: two members came through whole.
  Status s = ReadSequentially(bytes_.substr(0, third.offset + 30), &infos, &payloads);
  EXPECT_EQ(s.code(), StatusCode::kCorrupt);
  EXPECT_EQ(s.message(), "truncated after member 2 at offset " + std::to_string(third.offset));
  EXPECT_EQ(infos.size(), 2u);
  // Cut exactly at a member boundary, and just before the trailer.
  infos.clear();
  s = ReadSequentially(bytes_.substr(0, third.offset), &infos, &payloads);
  EXPECT_EQ(s.message(), "truncated after member 2 at offset " + std::to_string(third.offset));
  const uint64_t trailer_at = bytes_.size() - kTrailerSize;
  s = ReadSequentially(bytes_.substr(0, trailer_at), &infos, &payloads);
  EXPECT_EQ(s.message(), "truncated after member " + std::to_string(sample_.members.size() + 1) +
                             " at offset " + std::to_string(trailer_at));
  s = ReadSequentially(bytes_ + "garbage", &infos, &payloads);
  EXPECT_EQ(s.message(), "member " + std::to_string(sample_.members.size() + 2) + " at offset " +
                             std::to_string(bytes_.size()) + ": unexpected data after the trailer");
  std::string damaged = bytes_;
  damaged[third.offset + third.size - 5] ^= 1;  // its CRC32
  s = ReadSequentially(damaged, &infos, &payloads);
  EXPECT_EQ(s.message(), "member 2 at offset " + std::to_string(third.offset) +
                             " (schema member 0 of object 2): crc32 mismatch");
}

TEST_F(ArchiveReaderTest, GzipToolsAcceptTheArchiveAndZcatPrintsTheSql) {
  ASSERT_EQ(RunShell("gzip -t '" + path_ + "' 2>&1").exit_code, 0);
  testutil::CommandResult zcat = RunShell("zcat '" + path_ + "'");
  ASSERT_EQ(zcat.exit_code, 0);
  auto reader = ArchiveReader::Open(path_);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(zcat.output, testutil::SampleSql(sample_) + EncodeIndex((*reader)->index()));
  // Everything after the SQL is comment lines a SQL client skips.
  std::string tail = zcat.output.substr(testutil::SampleSql(sample_).size());
  EXPECT_EQ(tail.rfind("-- myvault-index 1\n", 0), 0u);
  EXPECT_EQ(tail.find("\n-- end\n"), tail.size() - 8);
}

}  // namespace
}  // namespace myvault::archive
