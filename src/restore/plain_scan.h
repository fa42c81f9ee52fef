// What a mysqldump script says about the databases it touches, read from its text line by line
// (private to restore; used by the plain-backup restore, restore/plain_restore.h).
//
// mysqldump writes `CREATE DATABASE /*!32312 IF NOT EXISTS*/ `db` ...;`, `USE `db`;` and, with
// --add-drop-database, `DROP DATABASE IF EXISTS `db`;` each at the start of a line. The scanner
// looks only at the first bytes of every line, so it runs at the speed of finding newlines and
// keeps at most one line start in memory. A script dumped without --databases names no database
// (its tables go into the connection's default database).
//
// Thread safety: one thread at a time.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace myvault::restore {

class ScriptDatabases {
 public:
  // Feeds the next bytes of the script (any split, across lines or not).
  void Feed(std::string_view bytes);
  // The databases created or used, in the order the script first names them.
  const std::vector<std::string>& names() const { return names_; }
  // Those the script drops (DROP DATABASE).
  const std::set<std::string>& dropped() const { return dropped_; }

  // The identifier in the first `...` of `text` (doubled backquotes undone); "" when none.
  static std::string FirstQuotedName(std::string_view text);

 private:
  void Line(std::string_view line);

  static constexpr size_t kLineStart = 512;  // bytes of a line that are looked at
  std::string line_;                         // the start of the current line
  bool collecting_ = true;                   // still within its first kLineStart bytes
  std::vector<std::string> names_;
  std::set<std::string> dropped_;
};

}  // namespace myvault::restore
