// The drill state file and the server identity check (contract in myvault/ops/drill.h).
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <memory>
#include <sstream>

#include "myvault/common/progress.h"
#include "myvault/mysql/session.h"
#include "myvault/ops/drill.h"
#include "myvault/ops/health.h"
#include "myvault/storage/store.h"

namespace myvault::ops {
namespace {

constexpr char kStateHeader[] = "myvault-drill-state 1";

std::string OneLine(std::string s) {
  for (char& c : s) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return s;
}

// Fills one field of *state from a `key value` line; unknown keys are ignored.
bool ParseField(const std::string& key, const std::string& value, DrillState* state) {
  try {
    if (key == "ok") {
      state->ok = value == "1";
    } else if (key == "finished") {
      state->finished = std::stoll(value);
    } else if (key == "file") {
      state->file = value;
    } else if (key == "rto_seconds") {
      state->rto_seconds = std::stod(value);
    } else if (key == "rpo_seconds") {
      state->rpo_seconds = std::stod(value);
    } else if (key == "tables") {
      state->tables = std::stoull(value);
    } else if (key == "rows") {
      state->rows = std::stoull(value);
    } else if (key == "problem") {
      state->problem = value;
    }
  } catch (const std::exception&) {
    return false;
  }
  return true;
}

}  // namespace

std::string DrillStatePath(const std::string& dir, std::string_view prefix) {
  return dir + "/" + std::string(prefix) + "-drill.state";
}

DrillState DrillStateOf(const DrillReport& report, const Status& status, int64_t finished) {
  DrillState s;
  s.ok = status.ok();
  s.finished = finished;
  s.file = report.file.substr(report.file.rfind('/') + 1);
  s.rto_seconds = report.rto_seconds;
  s.rpo_seconds = report.rpo_seconds;
  s.tables = report.tables;
  s.rows = report.rows;
  if (!status.ok()) s.problem = OneLine(status.message());
  return s;
}

Status RecordDrill(const std::string& dir, std::string_view prefix, const DrillState& s) {
  char figures[160];
  std::snprintf(figures, sizeof figures,
                "rto_seconds %.3f\nrpo_seconds %.0f\ntables %" PRIu64 "\nrows %" PRIu64 "\n",
                s.rto_seconds, s.rpo_seconds, s.tables, s.rows);
  std::string text = std::string(kStateHeader) + "\nok " + (s.ok ? "1" : "0") + "\nfinished " +
                     std::to_string(s.finished) + "\nfile " + OneLine(s.file) + "\n" + figures;
  if (!s.ok) text += "problem " + OneLine(s.problem) + "\n";
  ASSIGN_OR_RETURN(std::unique_ptr<storage::Store> store, storage::OpenStore(dir));
  return store->WriteSmall(std::string(prefix) + "-drill.state", text);
}

Result<std::optional<DrillState>> ReadDrillState(const std::string& dir, std::string_view prefix) {
  const std::string path = DrillStatePath(dir, prefix);
  ASSIGN_OR_RETURN(std::unique_ptr<storage::Store> store, storage::OpenStore(dir));
  Result<std::string> content = store->ReadSmall(std::string(prefix) + "-drill.state");
  if (!content.ok() && content.status().code() == StatusCode::kNotFound) {
    return std::optional<DrillState>();
  }
  if (!content.ok()) return content.status();
  std::istringstream in(*content);
  std::string line;
  if (!std::getline(in, line) || line != kStateHeader) {
    return Corrupt(path + " is not a drill state file (first line: " + line.substr(0, 40) + ")");
  }
  DrillState state;
  while (std::getline(in, line)) {
    const size_t space = line.find(' ');
    const std::string key = line.substr(0, space);
    const std::string value = space == std::string::npos ? "" : line.substr(space + 1);
    if (!ParseField(key, value, &state)) {
      return Corrupt(path + ": bad value for " + key + ": '" + value.substr(0, 40) + "'");
    }
  }
  return std::optional<DrillState>(state);
}

std::string DrillDetail(const DrillState& s) {
  if (!s.ok) return (s.file.empty() ? "" : s.file + ": ") + s.problem;
  char rto[32];
  std::snprintf(rto, sizeof rto, "%.1f s", s.rto_seconds);
  return s.file + " restored in " + rto + " (RTO), backup age " +
         FormatAge(static_cast<int64_t>(s.rpo_seconds)) + " (RPO), " +
         ProgressReporter::GroupThousands(s.tables) + " tables, " +
         ProgressReporter::GroupThousands(s.rows) + " rows checked";
}

Result<bool> SameServer(const mysql::ConnectionOptions& a, const mysql::ConnectionOptions& b) {
  constexpr char kWho[] = "SELECT @@hostname AS h, @@port AS p, @@datadir AS d";
  std::string who[2];
  const mysql::ConnectionOptions* both[2] = {&a, &b};
  for (int i = 0; i < 2; ++i) {
    ASSIGN_OR_RETURN(auto session, mysql::Session::Connect(*both[i], "drill target check"));
    ASSIGN_OR_RETURN(auto r, session->Query(kWho));
    who[i] = r.Get(0, "h") + ":" + r.Get(0, "p") + ":" + r.Get(0, "d");
  }
  return who[0] == who[1];
}

}  // namespace myvault::ops
