// The progress journal of a restore, kept on the target in `_myvault_restore`.`progress`.
//
// One row per completed step of one restore: "started", "target" (one per database the restore
// loads, detail = its name on the target: what a backup reads to leave those databases out, see
// myvault/restore/in_progress.h), "schema" (all schema members ran),
// "defer" (a table whose secondary indexes are built after the data; detail = the ADD clauses),
// "chunk" (a data chunk, written in the chunk's own transaction so a chunk and its journal row
// commit together), "table" (every chunk of a non-transactional table loaded), "indexes"
// (deferred indexes of a table built), "tuning" (restore --exclusive: a server setting changed
// for the load; detail = name, TAB, the value before, so that a resume after a kill puts back
// the operator's value, not the tuned one it finds; Start keeps these rows). Rows are keyed by a
// restore id derived from the archive and the selection, so two restores of different archives
// into one server keep apart. Finish removes the rows, and the database once no restore is left
// in it.
//
// Thread safety: a Journal is an immutable value; each call uses the Session it is given.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "myvault/mysql/session.h"
#include "myvault/restore/in_progress.h"
#include "myvault/status.h"

namespace myvault::restore {

struct JournalState {
  bool exists = false;  // a "started" row for this restore id
  bool schema_done = false;
  std::string started_at;
  std::set<std::pair<uint32_t, uint32_t>> chunks;  // (object id, chunk) committed
  std::map<uint32_t, std::string> deferred;        // object id -> ADD clauses
  std::set<uint32_t> tables_done;                  // non-transactional tables fully loaded
  std::set<uint32_t> indexes_done;
  std::map<uint32_t, std::string> tunings;  // order -> "name\toriginal" (--exclusive)
};

class Journal {
 public:
  explicit Journal(std::string restore_id) : id_(std::move(restore_id)) {}
  const std::string& id() const { return id_; }

  // Creates the database and table when missing.
  Status Ensure(mysql::Session& s) const;
  // What the journal holds for this restore id (exists=false when there is no journal at all).
  Result<JournalState> Load(mysql::Session& s) const;
  // Forgets any earlier run of this restore id and records a new start of a restore into the
  // target databases `targets`.
  Status Start(mysql::Session& s, const std::string& detail,
               const std::vector<std::string>& targets) const;
  // Records a step (REPLACE: recording it twice is harmless).
  Status Mark(mysql::Session& s, const std::string& step, uint32_t object, uint32_t chunk,
              uint64_t rows, const std::string& detail = "") const;
  // The statement that records a chunk; the loader runs it inside the chunk's transaction.
  std::string ChunkSql(uint32_t object, uint32_t chunk, uint64_t rows) const;
  // Whether a chunk's row exists (after a lost connection: did its COMMIT happen?).
  Result<bool> HasChunk(mysql::Session& s, uint32_t object, uint32_t chunk) const;
  // Forgets the chunks of one object (a non-transactional table reloaded from its start).
  Status ForgetChunks(mysql::Session& s, uint32_t object) const;
  // Forgets this restore's rows of one step (the tunings once they are undone).
  Status ForgetStep(mysql::Session& s, const std::string& step) const;
  // Removes this restore's rows, then the database when no other restore has rows in it; else
  // *others is the number of other (interrupted) restores still recorded.
  Status Finish(mysql::Session& s, uint64_t* others) const;

 private:
  std::string id_;
};

}  // namespace myvault::restore
