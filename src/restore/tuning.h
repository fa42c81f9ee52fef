// restore --exclusive: server settings that make a bulk load cheaper, applied when the operator
// says the target belongs to the restore, and always put back.
//
// The settings and their statements come from mysql::ServerInfo::BulkLoadSettings (one place
// per flavour). Apply reads each value, records it in the restore's journal (step "tuning")
// before changing it, prints the statements that undo it (what an operator runs after a kill
// -9, which nothing can clean up), then changes it. Undo puts back every recorded value, in
// reverse order, and forgets the journal rows. A resume finds the values an interrupted run
// recorded and treats them as the originals (the server then shows the tuned ones): with
// --exclusive it tunes again and restores those at the end; without, it restores them at once.
//
// Thread safety: used by the restore's main thread only.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "myvault/common/progress.h"
#include "myvault/mysql/session.h"
#include "restore/journal.h"

namespace myvault::restore {

class BulkLoadTuning {
 public:
  // `recorded`: JournalState::tunings of an interrupted run of this restore (may be empty).
  // `journal` and `progress` must outlive this object.
  BulkLoadTuning(const Journal* journal, ProgressReporter* progress,
                 std::map<uint32_t, std::string> recorded);

  // Applies the settings on `s` (recording each first). On failure the ones changed so far
  // stay recorded here: Undo puts them back.
  Status Apply(mysql::Session& s);
  // The values an interrupted run recorded, to be put back by Undo without tuning anything
  // (a resume without --exclusive).
  void AdoptRecorded(const mysql::ServerInfo& server);
  // Puts back every recorded value on `s`; nothing to do is Ok.
  Status Undo(mysql::Session& s);
  bool pending() const { return !changed_.empty(); }
  // The statements Undo runs, joined with "; " (for an error message).
  std::string UndoSql() const;

 private:
  struct Changed {
    mysql::ServerInfo::BulkLoadSetting setting;
    std::string original;
    std::string undo_sql;
  };
  static std::string JoinUndoSql(const std::vector<Changed>& changes);
  const Journal* journal_;
  ProgressReporter* progress_;
  std::map<std::string, std::string> recorded_;  // name -> value before any run tuned it
  std::vector<Changed> changed_;
};

}  // namespace myvault::restore
