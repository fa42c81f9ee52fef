#include "restore/inventory.h"

#include <map>
#include <set>
#include <utility>

#include "myvault/common/progress.h"
#include "myvault/sql/text.h"

namespace myvault::restore {
namespace {

using Key = std::pair<std::string, std::string>;  // (namespace, name)

Key KeyOf(const DbObject& o) { return {ObjectNamespace(o.kind), o.name}; }

bool IsRelation(const std::string& kind) {
  return kind == "table" || kind == "sequence" || kind == "view";
}

// "table" -> "tables" for counts other than one.
std::string Counted(size_t n, const std::string& kind) {
  return std::to_string(n) + " " + kind + (n == 1 ? "" : "s");
}

std::string Size(uint64_t bytes) {
  return ProgressReporter::HumanBytes(static_cast<double>(bytes));
}

// "3 tables (1.2 MiB), 1 view, 2 triggers"
std::string Counts(const std::vector<DbObject>& objects) {
  static const char* const kOrder[] = {"table",   "sequence",     "view",
                                       "trigger", "procedure",    "function",
                                       "package", "package body", "event"};
  std::map<std::string, size_t> count;
  uint64_t table_bytes = 0;
  for (const DbObject& o : objects) {
    ++count[o.kind];
    if (o.kind == "table") table_bytes += o.bytes;
  }
  std::string out;
  auto add = [&](const std::string& kind, size_t n) {
    out += (out.empty() ? "" : ", ") + Counted(n, kind);
    if (kind == "table") out += " (" + Size(table_bytes) + ")";
  };
  for (const char* kind : kOrder) {
    auto it = count.find(kind);
    if (it == count.end()) continue;
    add(kind, it->second);
    count.erase(it);
  }
  for (const auto& [kind, n] : count) add(kind, n);
  return out;
}

// "orders (1.0 MiB, 3,203 rows)", "view v_orders", "trigger t_audit on orders".
std::string Describe(const DbObject& o, bool sizes_are_archive) {
  std::string out = o.kind == "table" ? sql::QuoteIdentifier(o.name)
                                      : o.kind + " " + sql::QuoteIdentifier(o.name);
  if (o.kind == "table") {
    out += " (" + Size(o.bytes) + (sizes_are_archive ? " of SQL, " : ", ~") +
           std::to_string(o.rows) + " rows)";
  }
  if (o.kind == "trigger" && !o.table.empty()) out += " on " + sql::QuoteIdentifier(o.table);
  return out;
}

std::string RenderList(const std::string& indent, const std::string& label,
                       const std::vector<DbObject>& objects, bool sizes_are_archive,
                       size_t max_names) {
  if (objects.empty()) return "";
  std::string line = indent + label + Counts(objects) + ": ";
  for (size_t i = 0; i < objects.size() && i < max_names; ++i) {
    line += (i == 0 ? "" : ", ") + Describe(objects[i], sizes_are_archive);
  }
  if (objects.size() > max_names) {
    line += ", and " + std::to_string(objects.size() - max_names) + " more";
  }
  return line + "\n";
}

}  // namespace

std::string ObjectNamespace(const std::string& kind) {
  return IsRelation(kind) ? std::string("relation") : kind;
}

DatabasePlan PlanDatabase(const PlanInputs& in) {
  DatabasePlan p;
  p.post_objects_unknown = in.post_objects_unknown;
  if (!in.exists) {
    p.created = in.archive;
    return p;
  }
  std::set<Key> in_archive, in_target;
  for (const DbObject& o : in.archive) in_archive.insert(KeyOf(o));
  for (const DbObject& o : in.target) in_target.insert(KeyOf(o));
  p.action = in.drop ? DatabaseAction::kDropAndReplace : DatabaseAction::kReplaceObjects;
  if (!in.drop) p.why = in.why_kept;
  for (const DbObject& o : in.target) {
    if (in_archive.count(KeyOf(o)) > 0) {
      p.replaced.push_back(o);
    } else if (in.drop) {
      p.dropped.push_back(o);
    } else if (o.kind == "trigger" && in_archive.count({"relation", o.table}) > 0) {
      p.dropped.push_back(o);  // its table is dropped and created again without it
    } else {
      p.left_alone.push_back(o);
    }
  }
  for (const DbObject& o : in.archive) {
    if (in_target.count(KeyOf(o)) == 0) p.created.push_back(o);
  }
  return p;
}

std::string RenderDatabasePlan(const DatabasePlan& plan, const std::string& indent,
                               size_t max_names) {
  std::string out;
  out += RenderList(indent, "DROPPED:    ", plan.dropped, false, max_names);
  out += RenderList(indent, "replaced:   ", plan.replaced, false, max_names);
  out += RenderList(indent, "created:    ", plan.created, true, max_names);
  out += RenderList(indent, "left alone: ", plan.left_alone, false, max_names);
  if (plan.post_objects_unknown) {
    out += indent +
           "(a stream names its views, triggers, routines and events only after the data: "
           "those it holds replace the target's of the same names)\n";
  }
  return out;
}

}  // namespace myvault::restore
