// What a restore loads: the archive's objects, which of them are selected, and the database
// each goes to (--databases, --tables, --rename). With --tables only the named tables (and
// sequences) are loaded, with the triggers that fire on them; their databases are selected but
// never dropped, and their views, routines and events are left out. Objects come from the index
// (file) or are read off the schema and post members' SQL (stdin, where the index arrives last):
// the database of a member is the operand of its USE statement, the table the one it drops and
// creates (docs/format.md section 10 fixes that shape).
//
// Thread safety: a Plan is filled on the restore's main thread, then only read.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "myvault/archive/format.h"
#include "myvault/status.h"

namespace myvault::restore {

// The name in `USE `db`` / `USE db`, or nullopt when `statement` is not a USE.
std::optional<std::string> UseOperand(std::string_view statement);
// `statement` without leading whitespace and comments (-- , #, /* */ but not /*! */).
std::string_view SkipLeadingComments(std::string_view statement);

// What a schema member creates, from its SQL: kind "database" (schema = the name, name empty),
// or "table"/"sequence" with its database and name. kCorrupt when the SQL has neither shape.
Result<archive::ObjectEntry> DescribeSchemaSql(uint32_t id, std::string_view sql);
// The database a post member works in (its first USE), or kCorrupt.
Result<std::string> PostMemberDatabase(std::string_view sql);
// The table a post member's CREATE TRIGGER fires on (`... TRIGGER name BEFORE|AFTER
// INSERT|UPDATE|DELETE ON table`), or nullopt when the member creates no trigger.
std::optional<std::string> TriggerTable(std::string_view sql);

class Plan {
 public:
  // `tables`: "db.table" names or shell patterns (fnmatch) of the archive's tables; empty: all.
  Plan(std::vector<std::string> databases, std::vector<std::string> tables,
       std::map<std::string, std::string> rename)
      : selected_(std::move(databases)), patterns_(std::move(tables)), rename_(std::move(rename)) {}
  Plan(std::vector<std::string> databases, std::map<std::string, std::string> rename)
      : Plan(std::move(databases), {}, std::move(rename)) {}

  // --tables: resolves the patterns against the objects known so far (the index, or a stream's
  // schema members); kNotFound for a pattern that names no table of the archive. Call before
  // Check(); a no-op without --tables.
  Status SelectTables();
  bool tables_only() const { return !patterns_.empty(); }

  // Checks the selection against the archive's databases: every --databases name and every
  // --rename source must be in the archive (kNotFound), targets must be distinct, not a system
  // database, and not collide with another database restored under its own name.
  Status Check(const std::vector<std::string>& archive_databases) const;

  bool Selected(const std::string& schema) const;
  // A table or sequence of a selected database that --tables (if given) names.
  bool TableSelected(const std::string& schema, const std::string& name) const;
  std::string Target(const std::string& schema) const;
  const std::map<std::string, std::string>& rename() const { return rename_; }

  // Objects by id: all of the index's at once, or one at a time as schema members are read.
  void AddObject(const archive::ObjectEntry& object) { objects_[object.id] = object; }
  const archive::ObjectEntry* Object(uint32_t id) const;
  const std::map<uint32_t, archive::ObjectEntry>& objects() const { return objects_; }

  // The databases to restore, in archive order, with their target names.
  std::vector<std::pair<std::string, std::string>> Databases(
      const std::vector<std::string>& archive_databases) const;

 private:
  std::vector<std::string> selected_;
  std::vector<std::string> patterns_;                     // --tables
  std::set<std::pair<std::string, std::string>> tables_;  // what they matched
  std::map<std::string, std::string> rename_;
  std::map<uint32_t, archive::ObjectEntry> objects_;
};

}  // namespace myvault::restore
