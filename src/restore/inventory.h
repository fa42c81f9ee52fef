// What a restore does to each target database, object by object (private to src/restore/).
//
// A database the archive holds completely may be dropped and replaced as a whole; one it holds
// only part of (a --tables backup), or one an older archive says nothing about, is never dropped:
// only the objects the archive holds are replaced, and every other object of the target database
// is left alone. PlanDatabase works that out from two inventories (the target's objects, the
// archive's) and RenderDatabasePlan prints it for the confirmation screen: what is dropped,
// replaced, created and left alone, with sizes. Both are pure.
//
// Thread safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace myvault::restore {

// A table, sequence, view, procedure, function, package, event or trigger.
struct DbObject {
  std::string kind;  // "table", "sequence", "view", "procedure", "function", "event", "trigger"
  std::string name;
  std::string table;   // triggers: the table they fire on (target inventories only)
  uint64_t bytes = 0;  // target: data + index length; archive: SQL bytes of its data
  uint64_t rows = 0;   // target: the server's estimate; archive: exact
};

enum class DatabaseAction {
  kCreate,          // not on the target: created
  kDropAndReplace,  // dropped as a whole, then loaded
  kReplaceObjects,  // kept; only the objects the archive holds are replaced
};

struct DatabasePlan {
  DatabaseAction action = DatabaseAction::kCreate;
  std::string why;  // kReplaceObjects: why the database is not dropped
  std::vector<DbObject> dropped, replaced, created, left_alone;
  // The archive's views, triggers, routines and events are not known before the load (a stream:
  // they come after the data); the render says so.
  bool post_objects_unknown = false;
};

struct PlanInputs {
  bool exists = false;            // the target database exists
  bool drop = false;              // may be dropped as a whole (complete in the archive, allowed)
  std::string why_kept;           // when it exists and may not be dropped
  std::vector<DbObject> target;   // its objects now
  std::vector<DbObject> archive;  // the archive's objects of this database
  bool post_objects_unknown = false;
};

DatabasePlan PlanDatabase(const PlanInputs& in);

// Lines (each starting with `indent`, ending with '\n') describing the plan's four lists; at
// most `max_names` names per list, then "and N more". Empty lists are left out.
std::string RenderDatabasePlan(const DatabasePlan& plan, const std::string& indent,
                               size_t max_names);

// The namespace an object's name lives in: tables, sequences and views share one.
std::string ObjectNamespace(const std::string& kind);

}  // namespace myvault::restore
