// Micro-benchmarks of the dumper's SQL text hot path: formatting rows into INSERT statements and
// encoding values as literals. Throughput is reported as bytes of SQL produced (InsertFormatter)
// or bytes of input consumed (literals).
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "myvault/sql/row_format.h"
#include "myvault/sql/script.h"
#include "myvault/sql/text.h"
#include "myvault/sql/tsv.h"

namespace myvault::sql {
namespace {

constexpr size_t kChunkBytes = 4 << 20;  // the dumper hands over ~4 MiB chunks

// sysbench's c/pad columns: groups of 11 digits joined by '-'.
std::string SysbenchDigits(std::mt19937_64& rng, size_t groups) {
  std::string s;
  for (size_t g = 0; g < groups; ++g) {
    if (g > 0) s.push_back('-');
    for (int i = 0; i < 11; ++i) s.push_back(static_cast<char>('0' + rng() % 10));
  }
  return s;
}

struct SysbenchRows {
  std::vector<std::string> cells;  // 4 per row: id, k, c (CHAR(120)), pad (CHAR(60))
  size_t rows = 0;
};

SysbenchRows MakeSysbenchRows(size_t rows) {
  std::mt19937_64 rng(42);
  SysbenchRows r;
  r.rows = rows;
  for (size_t i = 0; i < rows; ++i) {
    r.cells.push_back(std::to_string(i + 1));
    r.cells.push_back(std::to_string(rng() % 1000000));
    r.cells.push_back(SysbenchDigits(rng, 10).substr(0, 119));
    r.cells.push_back(SysbenchDigits(rng, 5).substr(0, 59));
  }
  return r;
}

// The formatter the dumper makes for sysbench's table, with 1 MiB statements.
InsertFormatter SysbenchFormatter() {
  return InsertFormatter("sbtest", "sbtest1",
                         {{"id", ValueEncoding::kRaw, ""},
                          {"k", ValueEncoding::kRaw, ""},
                          {"c", ValueEncoding::kString, ""},
                          {"pad", ValueEncoding::kString, ""}},
                         1 << 20);
}

void BM_InsertFormatterSysbenchRows(benchmark::State& state) {
  const SysbenchRows data = MakeSysbenchRows(1024);
  std::vector<const char*> values;
  std::vector<unsigned long> lengths;
  for (const std::string& cell : data.cells) {
    values.push_back(cell.data());
    lengths.push_back(cell.size());
  }
  InsertFormatter formatter = SysbenchFormatter();
  std::string out;
  out.reserve(kChunkBytes + (64 << 10));
  size_t produced = 0;
  size_t row = 0;
  for (auto _ : state) {
    formatter.AppendRow(&out, &values[4 * row], &lengths[4 * row]);
    row = (row + 1) % data.rows;
    if (out.size() >= kChunkBytes) {
      produced += out.size();
      out.clear();
    }
  }
  produced += out.size();
  benchmark::DoNotOptimize(out.data());
  state.SetBytesProcessed(static_cast<int64_t>(produced));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_InsertFormatterSysbenchRows);

// Appends literals of `text` into a buffer recycled like a chunk; reports input bytes.
template <void (*Append)(std::string*, std::string_view)>
void RunLiteralBench(benchmark::State& state, const std::string& text) {
  std::string out;
  out.reserve(kChunkBytes + 4 * text.size());
  for (auto _ : state) {
    Append(&out, text);
    if (out.size() >= kChunkBytes) out.clear();
  }
  benchmark::DoNotOptimize(out.data());
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}

void BM_AppendStringLiteralPlain(benchmark::State& state) {
  std::mt19937_64 rng(7);
  const std::string text =
      SysbenchDigits(rng, static_cast<size_t>(state.range(0)) / 12 + 1).substr(0, state.range(0));
  RunLiteralBench<AppendStringLiteral>(state, text);
}
BENCHMARK(BM_AppendStringLiteralPlain)->Arg(16)->Arg(120)->Arg(4096);

// JSON-like text with quotes, backslashes and newlines: 7 bytes in 16 need escaping.
void BM_AppendStringLiteralEscapeHeavy(benchmark::State& state) {
  std::string text;
  while (text.size() < static_cast<size_t>(state.range(0))) text += "{\"k\":\"it's\\n\"}\n";
  text.resize(static_cast<size_t>(state.range(0)));
  RunLiteralBench<AppendStringLiteral>(state, text);
}
BENCHMARK(BM_AppendStringLiteralEscapeHeavy)->Arg(120)->Arg(4096);

void BM_AppendHexLiteral(benchmark::State& state) {
  std::mt19937_64 rng(9);
  std::string bytes(static_cast<size_t>(state.range(0)), '\0');
  for (char& c : bytes) c = static_cast<char>(rng());
  RunLiteralBench<AppendHexLiteral>(state, bytes);
}
BENCHMARK(BM_AppendHexLiteral)->Arg(16)->Arg(4096);

}  // namespace
}  // namespace myvault::sql

// Splitting restore payloads into statements (sql/script.h): one data statement of ~1 MiB, as the
// dumper writes them, split per iteration; throughput is bytes of SQL scanned.
namespace myvault::sql {
namespace {

// A ~1 MiB INSERT INTO `shop`.`orders` (`id`,`customer`,`note`) as InsertFormatter writes it, with
// sysbench-like digits as customer and note(rng) as note.
template <typename Note>
std::string MakeDataStatement(Note note) {
  InsertFormatter formatter("shop", "orders",
                            {{"id", ValueEncoding::kRaw, ""},
                             {"customer", ValueEncoding::kString, ""},
                             {"note", ValueEncoding::kString, ""}},
                            1 << 20);
  std::mt19937_64 rng(3);
  std::string out;
  for (size_t row = 1; out.size() < (1 << 20) - 1024; ++row) {
    const std::string id = std::to_string(row);
    const std::string customer = SysbenchDigits(rng, 2);
    const std::string text = note(rng);
    const char* values[] = {id.data(), customer.data(), text.data()};
    const unsigned long lengths[] = {id.size(), customer.size(), text.size()};
    formatter.AppendRow(&out, values, lengths);
  }
  formatter.Finish(&out);
  return out;
}

void RunSplitBench(benchmark::State& state, const std::string& sql) {
  std::vector<std::string_view> statements;
  for (auto _ : state) {
    if (!SplitStatements(sql, &statements).ok()) state.SkipWithError("split failed");
    benchmark::DoNotOptimize(statements.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * sql.size()));
  state.counters["statements"] = static_cast<double>(statements.size());
}

// Notes of 10 groups of digits (~130 bytes): strings with nothing to escape.
void BM_SplitStatements(benchmark::State& state) {
  RunSplitBench(state,
                MakeDataStatement([](std::mt19937_64& rng) { return SysbenchDigits(rng, 10); }));
}
BENCHMARK(BM_SplitStatements);

// JSON-like notes and Windows paths: a backslash every few bytes inside the strings.
void BM_SplitStatementsEscapeHeavy(benchmark::State& state) {
  RunSplitBench(state, MakeDataStatement([](std::mt19937_64& rng) {
                  return "{\"k\":\"it's\n\",\"v\":[" + std::to_string(rng() % 1000) +
                         "],\"s\":\"a;b -- c # d /* e\",\"p\":\"C:\\tmp\\x\"}";
                }));
}
BENCHMARK(BM_SplitStatementsEscapeHeavy);

}  // namespace
}  // namespace myvault::sql

// INSERT to LOAD DATA (sql/tsv.h): ~1 MiB of sysbench rows (int, int, char(120), char(60)) as the
// dumper writes them, converted per iteration into one reused batch; throughput is bytes of SQL
// consumed.
namespace myvault::sql {
namespace {

void BM_InsertToTsv(benchmark::State& state) {
  const SysbenchRows data = MakeSysbenchRows(4096);
  InsertFormatter formatter = SysbenchFormatter();
  std::string sql;
  for (size_t row = 0; sql.size() < (1 << 20) - 1024; row = (row + 1) % data.rows) {
    const char* values[4];
    unsigned long lengths[4];
    for (size_t i = 0; i < 4; ++i) {
      values[i] = data.cells[4 * row + i].data();
      lengths[i] = data.cells[4 * row + i].size();
    }
    formatter.AppendRow(&sql, values, lengths);
  }
  formatter.Finish(&sql);
  std::vector<std::string_view> statements;
  if (!SplitStatements(sql, &statements).ok()) state.SkipWithError("split failed");
  size_t statement_bytes = 0;
  for (std::string_view s : statements) statement_bytes += s.size();
  TsvBatch batch;
  for (auto _ : state) {
    batch.data.clear();
    batch.rows = 0;
    for (std::string_view s : statements) {
      if (!InsertToTsv(s, &batch).ok()) state.SkipWithError("conversion failed");
    }
    benchmark::DoNotOptimize(batch.data.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * statement_bytes));
  state.counters["rows"] = static_cast<double>(batch.rows);
  state.counters["tsv_bytes"] = static_cast<double>(batch.data.size());
}
BENCHMARK(BM_InsertToTsv);

}  // namespace
}  // namespace myvault::sql
