// Which databases of a server a myvault restore is loading, or left half-loaded when it was
// interrupted. A restore records its target databases in its progress journal on the target
// (`_myvault_restore`.`progress`, see src/restore/journal.h) before it changes anything, and
// removes them when it completes; a backup reads them so that it never saves a half-loaded
// database as a good backup.
//
// Thread safety: a pure function of the session it is given.
#pragma once

#include <string>
#include <vector>

#include "myvault/mysql/session.h"
#include "myvault/status.h"

namespace myvault::restore {

// The database that holds the progress journals of restores on a server.
inline constexpr const char* kJournalDatabase = "_myvault_restore";

struct RestoreInProgress {
  std::string restore_id;
  std::string archive;     // the archive being restored, as its restore was given it
  std::string started_at;  // server time of its start; empty if it has not recorded one yet
  // Target databases; empty for a journal written before restores recorded them (then any
  // database may be affected).
  std::vector<std::string> databases;
};

// The restores recorded on the server behind `s`, running or interrupted; empty when there is no
// journal. Errors are the server's (a backup account that may not read the journal database
// gets an empty list: it cannot see the journal, and so cannot tell).
Result<std::vector<RestoreInProgress>> RestoresInProgress(mysql::Session& s);

}  // namespace myvault::restore
