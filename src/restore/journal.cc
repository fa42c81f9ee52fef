#include "restore/journal.h"

#include <charconv>

#include "myvault/restore/in_progress.h"
#include "myvault/sql/text.h"

namespace myvault::restore {
namespace {

const std::string kTable = std::string("`") + kJournalDatabase + "`.`progress`";

uint64_t ToU64(const std::string& s) {
  uint64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

}  // namespace

Status Journal::Ensure(mysql::Session& s) const {
  RETURN_IF_ERROR(s.Execute(std::string("CREATE DATABASE IF NOT EXISTS `") + kJournalDatabase +
                            "` CHARACTER SET utf8mb4"));
  return s.Execute("CREATE TABLE IF NOT EXISTS " + kTable +
                   " (restore_id CHAR(64) NOT NULL, step VARCHAR(16) NOT NULL,"
                   " object_id INT UNSIGNED NOT NULL, chunk INT UNSIGNED NOT NULL,"
                   " row_count BIGINT UNSIGNED NOT NULL, detail LONGTEXT NOT NULL,"
                   " recorded_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,"
                   " PRIMARY KEY (restore_id, step, object_id, chunk)) ENGINE=InnoDB"
                   " COMMENT='myvault restore progress; removed when the restore completes'");
}

Result<JournalState> Journal::Load(mysql::Session& s) const {
  JournalState state;
  ASSIGN_OR_RETURN(auto exists, s.Query(std::string("SELECT 1 FROM information_schema.TABLES WHERE "
                                                    "TABLE_SCHEMA='") +
                                        kJournalDatabase + "' AND TABLE_NAME='progress'"));
  if (exists.rows.empty()) return state;
  ASSIGN_OR_RETURN(auto rows, s.Query("SELECT step, object_id, chunk, detail, recorded_at FROM " +
                                      kTable + " WHERE restore_id=" + sql::StringLiteral(id_)));
  for (size_t r = 0; r < rows.rows.size(); ++r) {
    const std::string step = rows.Get(r, "step");
    const auto object = static_cast<uint32_t>(ToU64(rows.Get(r, "object_id")));
    const auto chunk = static_cast<uint32_t>(ToU64(rows.Get(r, "chunk")));
    if (step == "started") {
      state.exists = true;
      state.started_at = rows.Get(r, "recorded_at");
    } else if (step == "schema") {
      state.schema_done = true;
    } else if (step == "chunk") {
      state.chunks.emplace(object, chunk);
    } else if (step == "defer") {
      state.deferred[object] = rows.Get(r, "detail");
    } else if (step == "table") {
      state.tables_done.insert(object);
    } else if (step == "indexes") {
      state.indexes_done.insert(object);
    } else if (step == "tuning") {
      state.tunings[object] = rows.Get(r, "detail");
    }
  }
  if (!state.exists) return JournalState{};  // rows without a start: not a run to resume
  return state;
}

Status Journal::Start(mysql::Session& s, const std::string& detail,
                      const std::vector<std::string>& targets) const {
  RETURN_IF_ERROR(Ensure(s));
  // The "tuning" rows stay: they name the operator's values, which only putting them back
  // (BulkLoadTuning::Undo) may forget.
  RETURN_IF_ERROR(s.Execute("DELETE FROM " + kTable + " WHERE restore_id=" +
                            sql::StringLiteral(id_) + " AND step <> 'tuning'"));
  // The targets first: a backup that sees the start also sees which databases it must leave out.
  for (size_t i = 0; i < targets.size(); ++i) {
    RETURN_IF_ERROR(Mark(s, "target", static_cast<uint32_t>(i), 0, 0, targets[i]));
  }
  return Mark(s, "started", 0, 0, 0, detail);
}

Status Journal::Mark(mysql::Session& s, const std::string& step, uint32_t object, uint32_t chunk,
                     uint64_t rows, const std::string& detail) const {
  return s.Execute("REPLACE INTO " + kTable +
                   " (restore_id, step, object_id, chunk, row_count, detail) VALUES (" +
                   sql::StringLiteral(id_) + ", " + sql::StringLiteral(step) + ", " +
                   std::to_string(object) + ", " + std::to_string(chunk) + ", " +
                   std::to_string(rows) + ", " + sql::StringLiteral(detail) + ")");
}

std::string Journal::ChunkSql(uint32_t object, uint32_t chunk, uint64_t rows) const {
  return "INSERT INTO " + kTable + " (restore_id, step, object_id, chunk, row_count, detail) " +
         "VALUES (" + sql::StringLiteral(id_) + ", 'chunk', " + std::to_string(object) + ", " +
         std::to_string(chunk) + ", " + std::to_string(rows) + ", '')";
}

Result<bool> Journal::HasChunk(mysql::Session& s, uint32_t object, uint32_t chunk) const {
  ASSIGN_OR_RETURN(
      auto r, s.Query("SELECT 1 FROM " + kTable + " WHERE restore_id=" + sql::StringLiteral(id_) +
                      " AND step='chunk' AND object_id=" + std::to_string(object) +
                      " AND chunk=" + std::to_string(chunk)));
  return !r.rows.empty();
}

Status Journal::ForgetChunks(mysql::Session& s, uint32_t object) const {
  return s.Execute("DELETE FROM " + kTable + " WHERE restore_id=" + sql::StringLiteral(id_) +
                   " AND step='chunk' AND object_id=" + std::to_string(object));
}

Status Journal::ForgetStep(mysql::Session& s, const std::string& step) const {
  return s.Execute("DELETE FROM " + kTable + " WHERE restore_id=" + sql::StringLiteral(id_) +
                   " AND step=" + sql::StringLiteral(step));
}

Status Journal::Finish(mysql::Session& s, uint64_t* others) const {
  RETURN_IF_ERROR(
      s.Execute("DELETE FROM " + kTable + " WHERE restore_id=" + sql::StringLiteral(id_)));
  ASSIGN_OR_RETURN(auto left, s.Query("SELECT COUNT(DISTINCT restore_id) AS n FROM " + kTable));
  *others = ToU64(left.Get(0, "n"));
  if (*others > 0) return Status::Ok();  // another restore is running or was interrupted
  return s.Execute(std::string("DROP DATABASE IF EXISTS `") + kJournalDatabase + "`");
}

Result<std::vector<RestoreInProgress>> RestoresInProgress(mysql::Session& s) {
  ASSIGN_OR_RETURN(auto exists, s.Query(std::string("SELECT 1 FROM information_schema.TABLES WHERE "
                                                    "TABLE_SCHEMA='") +
                                        kJournalDatabase + "' AND TABLE_NAME='progress'"));
  std::vector<RestoreInProgress> out;
  if (exists.rows.empty()) return out;
  ASSIGN_OR_RETURN(auto rows,
                   s.Query("SELECT restore_id, step, detail, recorded_at FROM " + kTable +
                           " WHERE step IN ('started', 'target') ORDER BY restore_id, "
                           "step, object_id"));
  for (size_t r = 0; r < rows.rows.size(); ++r) {
    const std::string id = rows.Get(r, "restore_id");
    if (out.empty() || out.back().restore_id != id)
      out.push_back(RestoreInProgress{id, "", "", {}});
    if (rows.Get(r, "step") == "target") {
      out.back().databases.push_back(rows.Get(r, "detail"));
    } else {
      out.back().archive = rows.Get(r, "detail");
      out.back().started_at = rows.Get(r, "recorded_at");
    }
  }
  return out;
}

}  // namespace myvault::restore
