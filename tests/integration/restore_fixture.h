// The base of the `myvault restore` integration tests: a ServerPairTest that dumps from the
// source and restores into the target through the CLI, plus the checks the restore contract
// needs: the progress journal (`_myvault_restore`.`progress`) on the target, "nothing changed on
// the server" (the database list and a fingerprint of chosen databases, before and after), a
// failure's one-line stderr, and a fingerprint seen under a renamed database.
//
// Thread safety: like ServerPairTest, one test thread; the free functions use only their
// arguments.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "fingerprint.h"
#include "fixture.h"

namespace myvault::it {

// The database in which a restore keeps its journal while it runs or after it was interrupted.
inline constexpr char kJournalDb[] = "_myvault_restore";

// What a refused or failed-before-start restore must leave exactly as it was.
struct ServerState {
  std::vector<std::string> databases;  // every database on the server, sorted
  Fingerprint watched;                 // the fingerprint of the databases asked for
};

// `databases` that do not exist are left out of the fingerprint (their absence is in the list).
Result<ServerState> TakeServerState(TestServer& server, const std::vector<std::string>& databases);
// "" when equal, else what differs.
std::string DiffStates(const ServerState& before, const ServerState& after);

// `fp` as it would read if database `from` were named `to`: keys and values (SHOW CREATE text,
// view definitions) have the quoted name `from` replaced by `to`.
Fingerprint RenameInFingerprint(const Fingerprint& fp, std::string_view from, std::string_view to);

// A failed restore: exit `exit_code`, stderr exactly one "myvault: error: ..." line matching
// `cause_regex` (ECMAScript, case-insensitive). Records gtest failures.
void ExpectRestoreFailure(const CommandResult& result, int exit_code,
                          const std::string& cause_regex);

class RestoreTest : public ServerPairTest {
 protected:
  // `myvault restore ARCHIVE --defaults-file <target> ARGS...` (ARCHIVE may be "-").
  Result<CommandResult> Restore(const std::string& archive, const std::vector<std::string>& args,
                                const CommandOptions& options = {});
  // The same with another option file (a wrong password, an unreachable server).
  Result<CommandResult> RestoreWith(const std::string& cnf, const std::string& archive,
                                    const std::vector<std::string>& args,
                                    const CommandOptions& options = {});
  // An option file for the target's account at a 127.0.0.1 port where nothing listens.
  Result<std::string> UnreachableOptionFile();
  // (Re)creates the account 'user'@'%' on `server` with `password`, runs `grants` (GRANT
  // statements for it) and returns an option file that logs in as it. The test drops the user.
  Result<std::string> AccountOptionFile(TestServer& server, const std::string& user,
                                        const std::string& password, const std::string& grants);
  // Dumps the source into `archive` with `args` (plus --quiet); fails unless the dump exits 0.
  Status DumpArchive(const std::string& archive, const std::vector<std::string>& args);

  Result<bool> TargetHasDatabase(const std::string& db);
  // Rows of `_myvault_restore`.`progress` with step = 'chunk' on the target; -1 while the
  // journal does not exist (yet).
  Result<long> CommittedChunks(TestServer& server);
  // Records a failure when the journal database is still on the target.
  void ExpectNoJournal();
};

}  // namespace myvault::it
