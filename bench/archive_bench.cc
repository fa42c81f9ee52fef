// Archive hot paths on a realistic 4 MiB data chunk: encode (levels 1 and 6), SHA-256, decode,
// and a whole-file verify. Bytes/s are of uncompressed SQL.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "myvault/archive/member.h"
#include "myvault/archive/sha256.h"
#include "myvault/archive/writer.h"
#include "myvault/verify/verify.h"

namespace myvault::archive {
namespace {

constexpr size_t kChunkSize = size_t{4} << 20;

// Sysbench's sbtest rows as a dump writes them: extended INSERTs of 100 rows, `c` made of ten
// 11-digit groups, `pad` of five.
std::string SysbenchChunk(uint64_t seed = 42) {
  uint64_t state = seed;
  auto digits = [&](int groups) {
    std::string s;
    for (int g = 0; g < groups; ++g) {
      state = state * 6364136223846793005u + 1442695040888963407u;
      std::string n = std::to_string(state >> 8);
      if (g > 0) s += '-';
      s.append(n, 0, 11);
    }
    return s;
  };
  std::string sql;
  uint64_t id = 1;
  while (sql.size() < kChunkSize) {
    sql += "INSERT INTO `sbtest1` VALUES ";
    for (int row = 0; row < 100; ++row, ++id) {
      state = state * 6364136223846793005u + 1442695040888963407u;
      sql += row > 0 ? ",(" : "(";
      sql += std::to_string(id) + "," + std::to_string((state >> 33) % 100000) + ",'" + digits(10) +
             "','" + digits(5) + "')";
    }
    sql += ";\n";
  }
  return sql;
}

const std::string& Chunk() {
  static const std::string* chunk = new std::string(SysbenchChunk());
  return *chunk;
}

void BM_Encode(benchmark::State& state) {
  MemberEncoder encoder(static_cast<int>(state.range(0)));
  std::string out;
  for (auto _ : state) {
    Status s = encoder.Encode(MemberKind::kData, 1, 0, 1, Chunk(), &out);
    if (!s.ok()) state.SkipWithError(s.message().c_str());
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * Chunk().size()));
  state.counters["ratio"] = static_cast<double>(Chunk().size()) / static_cast<double>(out.size());
}
BENCHMARK(BM_Encode)->Arg(1)->Arg(6)->Unit(benchmark::kMillisecond);

void BM_Sha256(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(Sha256::Of(Chunk()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * Chunk().size()));
}
BENCHMARK(BM_Sha256)->Unit(benchmark::kMillisecond);

void BM_Decode(benchmark::State& state) {
  std::string member;
  (void)MemberEncoder(static_cast<int>(state.range(0)))
      .Encode(MemberKind::kData, 1, 0, 1, Chunk(), &member);
  MemberDecoder decoder;
  std::string payload;
  MemberInfo info;
  for (auto _ : state) {
    Status s = decoder.Decode(member, &payload, &info);
    if (!s.ok()) state.SkipWithError(s.message().c_str());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * Chunk().size()));
}
BENCHMARK(BM_Decode)->Arg(1)->Arg(6)->Unit(benchmark::kMillisecond);

// VerifyArchive over a 64 MiB (uncompressed) archive at level 1, threads = range(0).
void BM_VerifyArchive(benchmark::State& state) {
  const std::string dir = std::filesystem::temp_directory_path().string() + "/myvault-bench-" +
                          std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/bench.sql.gz";
  constexpr uint32_t kChunks = 16;
  {
    auto writer = ArchiveWriter::Create(path, {.fsync = false});
    MemberEncoder encoder(1);
    std::string bytes;
    MemberInfo info;
    Index index;
    index.objects = {{1, "table", "sbtest", "sbtest1", kChunks}};
    (void)encoder.Encode(MemberKind::kHeader, kNoObject, 0, 0, "SET a=1;\n", &bytes, &info);
    (void)(*writer)->Append(bytes, info);
    for (uint32_t c = 0; c < kChunks; ++c) {
      (void)encoder.Encode(MemberKind::kData, 1, c, 1, SysbenchChunk(c), &bytes, &info);
      (void)(*writer)->Append(bytes, info);
    }
    (void)encoder.Encode(MemberKind::kFooter, kNoObject, 0, 0, "", &bytes, &info);
    (void)(*writer)->Append(bytes, info);
    Status s = (*writer)->Finish(index);
    if (!s.ok()) state.SkipWithError(s.message().c_str());
  }
  verify::VerifyReport report;
  for (auto _ : state) {
    Status s = verify::VerifyArchive(
        path, {.check_sha256_file = true, .threads = static_cast<int>(state.range(0))}, &report);
    if (!s.ok()) state.SkipWithError(s.message().c_str());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * report.raw_bytes));
  state.counters["file_MiB"] = static_cast<double>(report.compressed_bytes) / (1 << 20);
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_VerifyArchive)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace myvault::archive
