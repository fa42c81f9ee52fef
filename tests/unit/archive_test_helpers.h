// Shared by the archive and verify unit tests: temporary directories, files, shell commands and
// a small sample archive with two tables.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "myvault/archive/format.h"
#include "myvault/archive/member.h"
#include "myvault/archive/writer.h"

namespace myvault::archive::testutil {

// A fresh directory under the test temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = ::testing::TempDir() + "myvault-XXXXXX";
    path_ = ::mkdtemp(pattern.data()) != nullptr ? pattern : "";
    EXPECT_FALSE(path_.empty());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string File(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

inline void WriteFile(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout
};

// Runs `command` with /bin/sh and collects its stdout.
inline CommandResult RunShell(const std::string& command) {
  CommandResult result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[65536];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) result.output.append(buffer, n);
  int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

// A member to put in a sample archive.
struct SampleMember {
  MemberKind kind;
  uint32_t object_id;
  uint32_t chunk;
  uint64_t rows;
  std::string payload;
};

// What WriteSample wrote: the members in file order and the index handed to Finish.
struct Sample {
  std::vector<SampleMember> members;
  Index index;  // objects and metadata (members are filled by the writer)
};

// Database `shop` (object 1) with tables `orders` (object 2, four chunks of rows) and
// `customers` (object 3, one chunk), plus a view (object 4) created by a post member.
inline Sample ShopSample() {
  Sample s;
  s.index.metadata = {{"server_version", "10.11.6-MariaDB"}, {"start_time", "2024-05-01 10:00:00"}};
  s.index.objects = {{1, "database", "shop", "", 0},
                     {2, "table", "shop", "orders", 0},
                     {3, "table", "shop", "customers", 0},
                     {4, "view", "shop", "big_orders", 0}};
  s.members.push_back({MemberKind::kHeader, kNoObject, 0, 0,
                       "-- myvault dump\nSET NAMES utf8mb4;\nSET FOREIGN_KEY_CHECKS=0;\n"});
  s.members.push_back({MemberKind::kSchema, 1, 0, 0, "CREATE DATABASE `shop`;\nUSE `shop`;\n"});
  s.members.push_back(
      {MemberKind::kSchema, 2, 0, 0, "CREATE TABLE `orders` (id INT PRIMARY KEY, total INT);\n"});
  s.members.push_back({MemberKind::kSchema, 3, 0, 0,
                       "CREATE TABLE `customers` (id INT PRIMARY KEY, name TEXT);\n"});
  for (uint32_t chunk = 0; chunk < 4; ++chunk) {
    std::string sql = "INSERT INTO `orders` VALUES ";
    for (int i = 0; i < 50; ++i) {
      int id = static_cast<int>(chunk) * 50 + i;
      sql += (i ? "," : "") + std::string("(") + std::to_string(id) + "," +
             std::to_string(id * 7 % 1000) + ")";
    }
    s.members.push_back({MemberKind::kData, 2, chunk, 50, sql + ";\n"});
    s.index.objects[1].rows += 50;
  }
  s.members.push_back({MemberKind::kData, 3, 0, 2,
                       "INSERT INTO `customers` VALUES (1,'Ann\\tO''Neil'),(2,'Bj\xC3\xB6rn');\n"});
  s.index.objects[2].rows = 2;
  s.members.push_back({MemberKind::kPost, 4, 0, 0,
                       "CREATE VIEW `big_orders` AS SELECT * FROM `orders` WHERE total > 500;\n"});
  s.members.push_back({MemberKind::kFooter, kNoObject, 0, 0, "SET FOREIGN_KEY_CHECKS=1;\n"});
  return s;
}

// Writes `sample` to `path` with members encoded at `level`; ASSERTs on failure.
inline void WriteSample(const std::string& path, const Sample& sample, int level,
                        WriterOptions options = {.fsync = false}) {
  auto writer = ArchiveWriter::Create(path, options);
  ASSERT_TRUE(writer.ok()) << writer.status().message();
  MemberEncoder encoder(level, options.key);
  for (const SampleMember& m : sample.members) {
    std::string bytes;
    MemberInfo info;
    ASSERT_TRUE(
        encoder.Encode(m.kind, m.object_id, m.chunk, m.rows, m.payload, &bytes, &info).ok());
    ASSERT_TRUE((*writer)->Append(bytes, info).ok());
  }
  Status finished = (*writer)->Finish(sample.index);
  ASSERT_TRUE(finished.ok()) << finished.message();
}

// The SQL text `zcat` should print for `sample`, index comments excluded.
inline std::string SampleSql(const Sample& sample) {
  std::string sql;
  for (const SampleMember& m : sample.members) sql += m.payload;
  return sql;
}

}  // namespace myvault::archive::testutil
