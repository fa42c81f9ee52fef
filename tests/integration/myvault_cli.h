// Running the myvault binary under test and checking what it leaves on disk, against the CLI
// contract: FILE (mode 0600) + FILE.sha256 on success; on failure one stderr line
// "myvault: error: <cause>", the documented exit code, and neither FILE, FILE.partial nor
// FILE.sha256 left behind.
//
// The Expect* helpers record gtest failures (they do not stop the test).
// Thread safety: no shared state; safe from any thread.
#pragma once

#include <string>
#include <vector>

#include "harness.h"
#include "myvault/ops/backup_dir.h"
#include "myvault/status.h"

namespace myvault::it {

// The binary under test: $MYVAULT_BINARY if set (to test an installed or another build's
// binary), else the one built beside these tests (the MYVAULT_BINARY compile definition).
std::string MyvaultBinary();

// Runs myvault with `args`. The DB_* and MYSQL_* variables that myvault (or libmysqlclient)
// would take as defaults are removed from its environment, so only the arguments count.
Result<CommandResult> RunMyvault(const std::vector<std::string>& args, CommandOptions options = {});
Result<ChildProcess*> StartMyvault(const std::vector<std::string>& args,
                                   std::unique_ptr<ChildProcess>* holder,
                                   CommandOptions options = {});

// A finished dump: gzip -t passes, FILE is mode 0600, FILE.sha256 passes `sha256sum -c` run in
// `sha256_cwd` (the directory the path in it is relative to; "" for an absolute path), no
// FILE.partial remains, and `myvault verify FILE` exits 0.
void ExpectCompleteArchive(const std::string& archive, const std::string& sha256_cwd = "");

// A failed run: exit code `exit_code`; stderr is exactly one line starting "myvault: error: " and
// matching `cause_regex` (ECMAScript, case-insensitive); no FILE, FILE.partial or FILE.sha256.
void ExpectCleanFailure(const CommandResult& result, int exit_code, const std::string& cause_regex,
                        const std::string& archive);

// The backups of prefix "myvault" in backup directory `dir`, oldest first (a listing error is
// recorded as a failure and gives none); and what its latest link names ("" for no link).
std::vector<ops::BackupFile> BackupsIn(const std::string& dir);
std::string LatestIn(const std::string& dir);

// Sends `signal` to `child` and waits for it; `seconds` gets the time from signal to exit.
Result<CommandResult> SignalAndWait(ChildProcess& child, int signal, double* seconds);

// The SQL text of an archive (gzip -dc).
Result<std::string> DecompressArchive(const std::string& archive);

// Database names from the CREATE DATABASE / CREATE SCHEMA statements of a dump, in order.
std::vector<std::string> CreatedDatabases(const std::string& sql);

}  // namespace myvault::it
