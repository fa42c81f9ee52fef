// mysqldump mode under test: running `myvault mysqldump` (and the stock mariadb-dump beside it),
// restoring a plain SQL dump the way a user does (`mariadb [db] < FILE`), and reading the text
// of a dump.
//
// MysqldumpTest extends ServerPairTest: every dump reads the source through its option file
// (`--defaults-file=...` first on the command line, as mysqldump requires), every restore
// writes to the target through the target's option file. Nothing here knows how myvault makes
// the dump: the tests see only its command line, exit code, output and what the stock client
// makes of it.
//
// Thread safety: as ServerPairTest (one test thread); the free functions are pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "fixture.h"

namespace myvault::it {

// `myvault mysqldump ARGS...`; stdout is captured in the result.
Result<CommandResult> RunMysqldumpMode(const std::vector<std::string>& args,
                                       CommandOptions options = {});

// `mariadb --defaults-file=CNF --max-allowed-packet=1G [DB] < SQL_FILE`: fails with the
// client's stderr unless it exits 0.
Status RestoreWithClient(const std::string& sql_file, const std::string& cnf,
                         const std::string& db = "");

class MysqldumpTest : public ServerPairTest {
 protected:
  // `myvault mysqldump --defaults-file=<source> ARGS...`.
  Result<CommandResult> Mysqldump(const std::vector<std::string>& args,
                                  const CommandOptions& options = {});
  // Runs Mysqldump(ARGS) to stdout and returns the text; fails unless it exits 0.
  Result<std::string> MysqldumpText(const std::vector<std::string>& args);
  // `mariadb-dump --defaults-file=<source> ARGS...`.
  Result<CommandResult> MariadbDump(const std::vector<std::string>& args);

  // Drops `databases` on the target.
  Status DropOnTarget(const std::vector<std::string>& databases);
  // RestoreWithClient into the target.
  Status RestoreIntoTarget(const std::string& sql_file, const std::string& db = "") {
    return RestoreWithClient(sql_file, target_cnf_, db);
  }
};

// A small database for the output-format tests, recreated on each call:
//   t (id INT PRIMARY KEY, name VARCHAR(20), n INT)  ids 1..5, one name with a quote, one NULL n
//   u (id INT PRIMARY KEY, v VARCHAR(10))            ids 1..3
//   trigger t_bi BEFORE INSERT ON t (adds 1 to n: restoring rows with it in place changes them)
//   procedure p (two statements, so it needs a DELIMITER), view v over t
inline constexpr char kFormatDb[] = "mv_mysqldump_fmt";
Status LoadFormatDatabase(TestServer& server);

// Two tables large enough to be read in many ranges by several connections (about 35 MB of SQL
// each), in database kBigDb, ids 3, 6, 9, ... (kBigRows rows):
//   int_key (id INT PRIMARY KEY, pad VARCHAR(120))              split on its integer key
//   str_key (id INT NOT NULL, k VARCHAR(16) PRIMARY KEY, pad)   k = id zero-padded: key order
//                                                               is id order; split along k
// Created unless already there with kBigRows rows each (binary logging off for the load).
inline constexpr char kBigDb[] = "mv_mysqldump_big";
inline constexpr long long kBigRows = 300000;
Status EnsureBigTables(TestServer& server);

// Text of a dump.
size_t CountOf(std::string_view text, std::string_view needle);
// The last line that is not empty, without its newline.
std::string LastNonEmptyLine(std::string_view text);
// Lines starting with `prefix`, in order.
std::vector<std::string> LinesStartingWith(std::string_view text, std::string_view prefix);
// The first column of every row of the INSERT / REPLACE statements into `table` (unqualified,
// as the dump writes it), in output order, when that column is an integer: extended and
// one-row statements, rows on one line or one per line. Other values of the rows must not hold
// '(' (the tests' tables use digits and letters only). Empty if there is no such statement.
std::vector<long long> InsertedIds(std::string_view sql, std::string_view table);

}  // namespace myvault::it
