// `restore --list --estimate`: the expected RTO from a real restore of a sample (contract in
// myvault/restore/restorer.h, EstimateRto).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "myvault/archive/reader.h"
#include "myvault/archive/sha256.h"
#include "myvault/common/progress.h"
#include "myvault/restore/restorer.h"
#include "myvault/sql/text.h"

namespace myvault::restore {
namespace {

constexpr uint64_t kSampleBytes = uint64_t{64} << 20;

// MYVAULT_RTO_SAMPLE_BYTES (tests: a sample smaller than a table) or kSampleBytes.
uint64_t SampleBytes() {
  const char* v = std::getenv("MYVAULT_RTO_SAMPLE_BYTES");
  const uint64_t n = v == nullptr ? 0 : std::strtoull(v, nullptr, 10);
  return n > 0 ? n : kSampleBytes;
}

std::string Duration(double s) {
  const long long t = std::llround(s);
  char out[64];
  if (t >= 3600) {
    std::snprintf(out, sizeof out, "%lld h %02lld min", t / 3600, (t % 3600) / 60);
  } else if (t >= 60) {
    std::snprintf(out, sizeof out, "%lld min %02lld s", t / 60, t % 60);
  } else {
    std::snprintf(out, sizeof out, "%.1f s", s);
  }
  return out;
}

struct TableSize {
  uint64_t bytes = 0;
  std::vector<uint64_t> chunk_bytes;  // in chunk order
};

// The SQL bytes of every data chunk the restore would load, and the largest such table.
Status Measure(const RestoreOptions& o, RtoEstimate* e, std::string* schema, std::string* name,
               uint32_t* sample_chunks, std::set<std::string>* targets) {
  ASSIGN_OR_RETURN(auto reader, archive::ArchiveReader::Open(o.input, &o.identity));
  const archive::Index& index = reader->index();
  std::map<uint32_t, std::map<uint32_t, uint64_t>> chunks;  // object -> chunk -> bytes
  for (const auto& m : index.members) {
    if (m.info.kind != archive::MemberKind::kData) continue;
    chunks[m.info.object_id][m.info.chunk] = m.info.raw_size;
  }
  const archive::ObjectEntry* largest = nullptr;
  uint64_t largest_bytes = 0;
  for (const auto& object : index.objects) {
    if (!o.databases.empty() &&
        std::find(o.databases.begin(), o.databases.end(), object.schema) == o.databases.end()) {
      continue;
    }
    const auto renamed = o.rename.find(object.schema);
    targets->insert(renamed == o.rename.end() ? object.schema : renamed->second);
    const auto it = chunks.find(object.id);
    if (it == chunks.end()) continue;
    uint64_t bytes = 0;
    for (const auto& [chunk, size] : it->second) bytes += size;
    e->total_bytes += bytes;
    if (bytes > largest_bytes) largest = &object, largest_bytes = bytes;
  }
  if (largest == nullptr) return NotFound(o.input + " holds no table data to time a load with");
  *schema = largest->schema;
  *name = largest->name;
  e->table = sql::QualifiedName(largest->schema, largest->name);
  const auto& sizes = chunks[largest->id];
  e->table_chunks = static_cast<uint32_t>(sizes.size());
  // About kSampleBytes, at least two chunks per loader (all of them for a small table).
  uint32_t n = 0;
  for (const auto& [chunk, size] : sizes) {
    if (e->sample_bytes >= SampleBytes() && n >= 2 * static_cast<uint32_t>(o.threads)) break;
    e->sample_bytes += size;
    ++n;
  }
  *sample_chunks = n;
  e->sample_chunks = n;
  return Status::Ok();
}

// The seconds one SHA-256 pass over the whole file takes, from timing a prefix of it.
Result<double> TimeOnePass(const std::string& path) {
  constexpr size_t kPrefix = size_t{64} << 20;
  std::ifstream in(path, std::ios::binary);
  std::error_code ec;
  const uintmax_t size = std::filesystem::file_size(path, ec);
  if (!in || ec) return NotFound("cannot read " + path);
  std::string buffer(std::min<uintmax_t>(size, kPrefix), '\0');
  in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
  if (static_cast<size_t>(in.gcount()) != buffer.size()) return Corrupt(path + ": short read");
  const auto t0 = std::chrono::steady_clock::now();
  archive::Sha256::Of(buffer);
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - t0;
  return buffer.empty() ? 0.0 : took.count() * static_cast<double>(size) / buffer.size();
}

// Whether the target has one of `targets` (then the restore checks every member first).
Result<bool> HasADatabase(mysql::Session& s, const std::set<std::string>& targets) {
  ASSIGN_OR_RETURN(mysql::QueryResult r, s.Query("SHOW DATABASES"));
  for (const mysql::Row& row : r.rows) {
    if (targets.count(row[0].value_or("")) > 0) return true;
  }
  return false;
}

double PhaseSeconds(const std::vector<PhaseTime>& phases, const std::string& name) {
  double s = 0;
  for (const auto& p : phases) s += p.name == name ? p.seconds : 0;
  return s;
}

}  // namespace

RtoEstimate ScaleEstimate(RtoEstimate e) {
  const double factor =
      e.sample_bytes == 0 ? 0 : static_cast<double>(e.total_bytes) / e.sample_bytes;
  e.expected.clear();
  double other = 0;
  for (const auto& p : e.measured) {
    if (p.name != "verify" && p.name != "data" && p.name != "indexes") other += p.seconds;
  }
  for (const char* name : {"verify", "data", "indexes"}) {
    const bool one_pass = e.one_pass_seconds >= 0 && std::string_view(name) == "verify";
    e.expected.push_back(
        {name, one_pass ? e.one_pass_seconds : PhaseSeconds(e.measured, name) * factor});
  }
  e.expected.push_back({"other", other});
  e.seconds = 0;
  for (const auto& p : e.expected) e.seconds += p.seconds;
  return e;
}

Result<RtoEstimate> EstimateRto(const RestoreOptions& options, ErrorCollector* errors) {
  if (options.input == "-") return InvalidArgument("--estimate needs an archive file");
  RtoEstimate e;
  std::string schema, name;
  uint32_t chunks = 0;
  std::set<std::string> targets;  // the databases the restore would write, on the target
  RETURN_IF_ERROR(Measure(options, &e, &schema, &name, &chunks, &targets));
  const std::string scratch = "myvault_rto_" + std::to_string(::getpid());
  RestoreOptions sample = options;
  sample.databases.clear();
  // Glob characters in a name would widen --tables: match them literally.
  std::string pattern;
  for (char c : schema + "." + name) {
    if (c == '*' || c == '?' || c == '[' || c == '\\') pattern += '\\';
    pattern += c;
  }
  sample.tables = {pattern};
  sample.rename = {{schema, scratch}};
  sample.assume_yes = true;
  sample.progress = ProgressMode::kQuiet;
  sample.binlog = Binlog::kSkip;  // a calibration is not the replicas' business
  sample.users = UsersMode::kSkip;
  sample.resume = false;
  sample.sample_chunks = chunks;
  RestoreReport report;
  Status st = RunRestore(sample, errors, &report);
  // The scratch database goes whatever happened (created by this run only: the pid names it).
  Result<std::unique_ptr<mysql::Session>> session =
      mysql::Session::Connect(options.connection, "estimate");
  Status dropped =
      session.ok() ? (*session)->Execute("DROP DATABASE IF EXISTS " + sql::QuoteIdentifier(scratch))
                   : session.status();
  RETURN_IF_ERROR(st.WithContext("loading the calibration sample"));
  RETURN_IF_ERROR(dropped.WithContext("dropping the calibration database " + scratch));
  e.measured = report.phases;
  // The restore checks the file in one pass when FILE.sha256 vouches for it and nothing on the
  // target would be replaced (restorer.cc, VerifyArchive); the sample checked its members, as
  // a --tables restore does.
  if (!options.full_verify && options.tables.empty() &&
      std::filesystem::exists(options.input + ".sha256")) {
    ASSIGN_OR_RETURN(bool replaces, HasADatabase(**session, targets));
    if (!replaces) {
      ASSIGN_OR_RETURN(e.one_pass_seconds, TimeOnePass(options.input));
    }
  }
  return ScaleEstimate(e);
}

std::string DescribeEstimate(const RtoEstimate& e, int threads, double objective_s) {
  std::string out =
      "RTO estimate at " + std::to_string(threads) + " thread(s): " + Duration(e.seconds) + " (";
  for (size_t i = 0; i < e.expected.size(); ++i) {
    out += (i ? ", " : "") + e.expected[i].name + " " + Duration(e.expected[i].seconds);
  }
  out += ")\n";
  double data_s = 0;
  for (const auto& p : e.measured) data_s += p.name == "data" ? p.seconds : 0;
  char line[512];
  std::snprintf(line, sizeof line,
                "  calibrated by restoring %u of the %u chunks of %s (%s of SQL) into a scratch "
                "database: data at %.1f MB/s; the archive holds %s of SQL\n",
                e.sample_chunks, e.table_chunks, e.table.c_str(),
                ProgressReporter::HumanBytes(static_cast<double>(e.sample_bytes)).c_str(),
                data_s > 0 ? static_cast<double>(e.sample_bytes) / 1e6 / data_s : 0.0,
                ProgressReporter::HumanBytes(static_cast<double>(e.total_bytes)).c_str());
  out += line;
  out +=
      "  assumes every table loads as fast as this sample of the largest with all loaders on it, "
      "an index build growing in proportion to the data (it grows faster once a table outgrows "
      "the buffer pool: a lower bound), and a target as busy as now\n";
  out += e.one_pass_seconds >= 0
             ? "  verify: one SHA-256 pass over the file against its .sha256 (the restore would "
               "replace no database on this target)\n"
             : "  verify: every member inflated and checked, as for the sample (a database on "
               "this target would be replaced, or no .sha256, --tables or --full-verify)\n";
  out += "  the " + Duration(objective_s) +
         " objective: " + (e.seconds <= objective_s ? "holds" : "is not met at this rate") + "\n";
  return out;
}

}  // namespace myvault::restore
