// The schema, index, post-data and check phases of a restore (see restore_run.h).
#include <algorithm>
#include <cstdio>
#include <optional>
#include <set>

#include "myvault/common/clock.h"
#include "myvault/restore/restorer.h"
#include "myvault/sql/text.h"
#include "restore/indexes.h"
#include "restore/restore_run.h"

namespace myvault::restore {
namespace {

using archive::MemberKind;

std::string Unquote(const std::string& quoted) {
  std::string out;
  for (size_t i = 1; i + 1 < quoted.size(); ++i) {
    out += quoted[i];
    if (quoted[i] == '`') ++i;
  }
  return out;
}

// Of `keys`, those the table has now (after a lost connection, an ALTER may or may not have
// happened).
Result<std::vector<DeferredKey>> KeysPresent(mysql::Session& s, const std::string& schema,
                                             const std::string& table,
                                             const std::vector<DeferredKey>& keys) {
  ASSIGN_OR_RETURN(auto existing, s.Query("SELECT DISTINCT INDEX_NAME AS i FROM "
                                          "information_schema.STATISTICS WHERE TABLE_SCHEMA = " +
                                          sql::StringLiteral(schema) +
                                          " AND TABLE_NAME = " + sql::StringLiteral(table)));
  std::set<std::string> have;
  for (size_t r = 0; r < existing.rows.size(); ++r) have.insert(existing.Get(r, "i"));
  std::vector<DeferredKey> present;
  for (const DeferredKey& k : keys) {
    if (have.count(Unquote(k.name)) > 0) present.push_back(k);
  }
  return present;
}

}  // namespace

Status RestoreRun::Schema() {
  const bool execute = !(journal_state_.exists && journal_state_.schema_done);
  if (execute) {
    for (const auto& d : databases_) {
      if (d.plan.action == DatabaseAction::kDropAndReplace) {
        RETURN_IF_ERROR(OnControl([&](mysql::Session& s) {
          return s.Execute("DROP DATABASE IF EXISTS " + sql::QuoteIdentifier(d.target));
        }));
        targets_changed_ = true;
      }
    }
  }
  std::map<uint32_t, uint32_t> chunks;
  if (const archive::Index* index = source_->index()) {
    for (const auto& m : index->members) {
      if (m.info.kind == MemberKind::kData) ++chunks[m.info.object_id];
    }
  }
  uint64_t created = 0;
  while (true) {
    SourceMember m;
    ASSIGN_OR_RETURN(bool more, NextMember(&m));
    if (!more) break;
    if (m.info.kind != MemberKind::kSchema) {
      pending_ = std::move(m);
      more_ = true;
      break;
    }
    if (plan_.Object(m.info.object_id) == nullptr) {
      ASSIGN_OR_RETURN(auto object, DescribeSchemaSql(m.info.object_id, m.payload));
      plan_.AddObject(object);
      source_->Learn(object);
    }
    const archive::ObjectEntry& object = *plan_.Object(m.info.object_id);
    const bool wanted = object.kind == "database" ? plan_.Selected(object.schema)
                                                  : plan_.TableSelected(object.schema, object.name);
    if (!wanted) continue;
    const std::string target = plan_.Target(object.schema);
    if (object.kind == "table") {
      tables_[object.id] = LoadTable{.schema = target,
                                     .name = object.name,
                                     .transactional = true,
                                     .binary_exact = false,
                                     .chunks_left = chunks[object.id]};
    }
    if (!execute) continue;
    targets_changed_ = true;  // from the first statement on: a half-run member changes things
    Status st = OnControl([&](mysql::Session& s) { return RunScript(s, m.payload, o_.rename); });
    if (!st.ok()) {
      return st.WithContext("create " + object.kind + " " +
                            (object.name.empty() ? sql::QuoteIdentifier(target)
                                                 : sql::QualifiedName(target, object.name)));
    }
    ++created;
  }
  RETURN_IF_ERROR(ClassifyTables());
  counters_.tables_total = tables_.size();
  if (const archive::Index* index = source_->index()) {
    for (const auto& [id, t] : tables_) {
      if (const auto* object = index->FindObject(id)) counters_.rows_estimate += object->rows;
      counters_.bytes_total += table_bytes_[id];
    }
  }
  if (!execute) {
    deferred_ = journal_state_.deferred;
    progress_.Event("schema: created by the interrupted run; resuming");
    return Status::Ok();
  }
  RETURN_IF_ERROR(PlanDeferredIndexes());
  progress_.Event("schema: " + std::to_string(created) + " objects created; " +
                  std::to_string(deferred_.size()) +
                  " tables get their secondary indexes after "
                  "the data");
  return OnControl([&](mysql::Session& s) { return journal_->Mark(s, "schema", 0, 0, 0); });
}

// Which tables take transactions: the target's engine decides (an archive's MyISAM table may
// have become InnoDB, or the reverse, through the server's default engine).
Status RestoreRun::ClassifyTables() {
  std::string list;
  for (const auto& d : databases_)
    list += (list.empty() ? "" : ", ") + sql::StringLiteral(d.target);
  if (list.empty()) return Status::Ok();
  ASSIGN_OR_RETURN(auto rows, ControlQuery("SELECT t.TABLE_SCHEMA AS s, t.TABLE_NAME AS n, "
                                           "COALESCE(e.TRANSACTIONS, 'NO') AS tx FROM "
                                           "information_schema.TABLES t LEFT JOIN "
                                           "information_schema.ENGINES e ON e.ENGINE = t.ENGINE "
                                           "WHERE t.TABLE_SCHEMA IN (" +
                                           list + ")"));
  std::map<std::pair<std::string, std::string>, bool> transactional;
  for (size_t r = 0; r < rows.rows.size(); ++r) {
    transactional[{rows.Get(r, "s"), rows.Get(r, "n")}] = rows.Get(r, "tx") == "YES";
  }
  for (auto& [id, t] : tables_) {
    auto it = transactional.find({t.schema, t.name});
    if (it != transactional.end()) t.transactional = it->second;
  }
  if (o_.load_method == LoadMethodChoice::kInsert) return Status::Ok();
  // LOAD DATA ... CHARACTER SET binary stores a field's bytes as a string is stored. Checked
  // against the server type by type (sql/tsv.h): exact for the types listed here; not for BIT
  // (the dump writes a number), INET4/INET6/UUID (read as their packed form) or MySQL's JSON.
  // A table with any other column type loads with INSERTs.
  ASSIGN_OR_RETURN(
      auto excluded,
      ControlQuery("SELECT DISTINCT TABLE_SCHEMA AS s, TABLE_NAME AS n FROM "
                   "information_schema.COLUMNS WHERE TABLE_SCHEMA IN (" +
                   list +
                   ") AND DATA_TYPE NOT IN ('tinyint', 'smallint', 'mediumint', 'int', "
                   "'bigint', 'decimal', 'float', 'double', 'char', 'varchar', 'tinytext', "
                   "'text', 'mediumtext', 'longtext', 'binary', 'varbinary', 'tinyblob', "
                   "'blob', 'mediumblob', 'longblob', 'date', 'datetime', 'timestamp', "
                   "'time', 'year', 'enum', 'set', 'geometry', 'point', 'linestring', "
                   "'polygon', 'multipoint', 'multilinestring', 'multipolygon', "
                   "'geometrycollection')"));
  std::set<std::pair<std::string, std::string>> insert_only;
  for (size_t r = 0; r < excluded.rows.size(); ++r) {
    insert_only.insert({excluded.Get(r, "s"), excluded.Get(r, "n")});
  }
  for (auto& [id, t] : tables_) t.binary_exact = insert_only.count({t.schema, t.name}) == 0;
  ASSIGN_OR_RETURN(auto autoinc, ControlQuery("SELECT TABLE_SCHEMA AS s, TABLE_NAME AS n FROM "
                                              "information_schema.COLUMNS WHERE TABLE_SCHEMA "
                                              "IN (" +
                                              list +
                                              ") AND EXTRA LIKE "
                                              "'%auto_increment%'"));
  std::set<std::pair<std::string, std::string>> with_autoinc;
  for (size_t r = 0; r < autoinc.rows.size(); ++r) {
    with_autoinc.insert({autoinc.Get(r, "s"), autoinc.Get(r, "n")});
  }
  for (auto& [id, t] : tables_) t.auto_increment = with_autoinc.count({t.schema, t.name}) > 0;
  return Status::Ok();
}

Status RestoreRun::PlanDeferredIndexes() {
  if (o_.defer_indexes == DeferIndexes::kNever || tables_.empty()) return Status::Ok();
  std::string list;
  for (const auto& d : databases_)
    list += (list.empty() ? "" : ", ") + sql::StringLiteral(d.target);
  ASSIGN_OR_RETURN(auto fk,
                   ControlQuery("SELECT TABLE_SCHEMA AS s, TABLE_NAME AS n, "
                                "REFERENCED_TABLE_SCHEMA AS rs, REFERENCED_TABLE_NAME AS rn "
                                "FROM information_schema.KEY_COLUMN_USAGE WHERE "
                                "REFERENCED_TABLE_NAME IS NOT NULL AND (TABLE_SCHEMA IN (" +
                                list + ") OR REFERENCED_TABLE_SCHEMA IN (" + list + "))"));
  std::set<std::pair<std::string, std::string>> in_foreign_keys;
  for (size_t r = 0; r < fk.rows.size(); ++r) {
    in_foreign_keys.insert({fk.Get(r, "s"), fk.Get(r, "n")});
    in_foreign_keys.insert({fk.Get(r, "rs"), fk.Get(r, "rn")});
  }
  for (const auto& [object_id, load_table] : tables_) {
    const uint32_t id = object_id;
    const LoadTable& t = load_table;
    if (!t.transactional || in_foreign_keys.count({t.schema, t.name}) > 0) continue;
    if (o_.defer_indexes == DeferIndexes::kAuto && table_bytes_[id] < o_.defer_indexes_min_bytes) {
      continue;
    }
    const std::string table = sql::QualifiedName(t.schema, t.name);
    ASSIGN_OR_RETURN(auto create, ControlQuery("SHOW CREATE TABLE " + table));
    if (create.rows.empty() || create.rows[0].size() < 2 || !create.rows[0][1]) continue;
    std::vector<DeferredKey> keys = DeferrableKeys(*create.rows[0][1]);
    if (keys.empty()) continue;
    // Journal first: a restore killed between the two statements still knows what to add.
    RETURN_IF_ERROR(OnControl(
        [&](mysql::Session& s) { return journal_->Mark(s, "defer", id, 0, 0, EncodeKeys(keys)); }));
    // Repeated after a lost connection: drop only the keys the table still has.
    RETURN_IF_ERROR(OnControl([&](mysql::Session& s) -> Status {
      ASSIGN_OR_RETURN(std::vector<DeferredKey> left, KeysPresent(s, t.schema, t.name, keys));
      return left.empty() ? Status::Ok()
                          : s.Execute("ALTER TABLE " + table + " " + DropClause(left));
    }));
    deferred_[id] = EncodeKeys(keys);
  }
  return Status::Ok();
}

// --resume: a non-transactional table that was not finished may hold part of a chunk, even
// when the journal names none of its chunks (a kill inside the first one); it is emptied and
// loaded again from its first chunk. The schema phase created every archive table empty, so
// nothing but this restore's rows is lost.
Status RestoreRun::ReloadNontransactional() {
  if (!journal_state_.exists) return Status::Ok();
  for (const auto& [object_id, load_table] : tables_) {
    const uint32_t id = object_id;
    const LoadTable& t = load_table;
    if (t.transactional || journal_state_.tables_done.count(id) > 0) continue;
    RETURN_IF_ERROR(OnControl([&](mysql::Session& s) {
      return s.Execute("TRUNCATE TABLE " + sql::QualifiedName(t.schema, t.name));
    }));
    RETURN_IF_ERROR(OnControl([&](mysql::Session& s) { return journal_->ForgetChunks(s, id); }));
    auto first = journal_state_.chunks.lower_bound({id, 0});
    while (first != journal_state_.chunks.end() && first->first == id) {
      first = journal_state_.chunks.erase(first);
    }
    progress_.Event("reloading the non-transactional table " +
                    sql::QualifiedName(t.schema, t.name) + " from its start");
  }
  return Status::Ok();
}

Status RestoreRun::Indexes() {
  std::vector<std::pair<uint32_t, std::string>> work;
  for (const auto& [id, keys] : deferred_) {
    if (journal_state_.indexes_done.count(id) == 0 && tables_.count(id) > 0) {
      work.emplace_back(id, keys);
    }
  }
  if (work.empty()) return Status::Ok();
  SessionPool pool;
  for (size_t i = 0; i < std::min(work.size(), static_cast<size_t>(o_.threads)); ++i) {
    ASSIGN_OR_RETURN(auto s, ConnectWithRetries(Policy("indexer " + std::to_string(i))));
    pool.Add(std::move(s));
  }
  const ReconnectPolicy policy = Policy("indexer");
  BeginPhaseProgress("indexes", 0, work.size());
  Status st = ForEachWithSession(
      work, &pool,
      [&](const std::pair<uint32_t, std::string>& item, std::unique_ptr<mysql::Session>& session) {
        const double started = MonotonicSeconds();
        // Repeated after a lost connection: only the keys the table does not have yet.
        Status built = WithReconnect(policy, &session, [&](mysql::Session& s) -> Status {
          const LoadTable& t = tables_.at(item.first);
          const std::string table = sql::QualifiedName(t.schema, t.name);
          std::vector<DeferredKey> keys = DecodeKeys(item.second);
          ASSIGN_OR_RETURN(std::vector<DeferredKey> present,
                           KeysPresent(s, t.schema, t.name, keys));
          std::erase_if(keys, [&](const DeferredKey& k) {
            return std::any_of(present.begin(), present.end(),
                               [&](const DeferredKey& p) { return p.name == k.name; });
          });
          if (!keys.empty()) {
            Status add = s.Execute("ALTER TABLE " + table + " " + AddClause(keys));
            if (!add.ok()) return add.WithContext("build the secondary indexes of " + table);
          }
          return journal_->Mark(s, "indexes", item.first, 0, 0);
        });
        if (built.ok()) {
          const uint64_t done = phase_counters_.tables_done.fetch_add(1) + 1;
          const LoadTable& t = tables_.at(item.first);
          char took[32];
          std::snprintf(took, sizeof took, "%.1f s", MonotonicSeconds() - started);
          progress_.Event("indexes: built those of " + sql::QualifiedName(t.schema, t.name) +
                          " in " + took + " (" + std::to_string(done) + "/" +
                          std::to_string(work.size()) + " tables)");
        }
        return built;
      },
      [&] { return errors_->cancelled(); });
  EndPhaseProgress();
  RETURN_IF_ERROR(st);
  progress_.Event("indexes: built the secondary indexes of " + std::to_string(work.size()) +
                  " tables");
  return Status::Ok();
}

// A post member is created when its database is restored; with --tables only when it is a
// trigger on one of the chosen tables (their views, routines and events are left out).
bool RestoreRun::PostWanted(const std::string& schema, const std::string& sql) const {
  if (!plan_.Selected(schema)) return false;
  if (!plan_.tables_only()) return true;
  const std::optional<std::string> table = TriggerTable(sql);
  return table.has_value() && plan_.TableSelected(schema, *table);
}

Status RestoreRun::Post() {
  uint64_t created = 0;
  while (more_) {
    const SourceMember& m = pending_;
    if (IsAccountMember(m)) {
      RETURN_IF_ERROR(LoadAccount(m));
    } else if (m.info.kind == MemberKind::kPost) {
      std::string schema;
      const archive::ObjectEntry* object = plan_.Object(m.info.object_id);
      if (object != nullptr) {
        schema = object->schema;
      } else {
        ASSIGN_OR_RETURN(schema, PostMemberDatabase(m.payload));
      }
      if (PostWanted(schema, m.payload)) {
        Status st =
            OnControl([&](mysql::Session& s) { return RunScript(s, m.payload, o_.rename); });
        if (!st.ok()) {
          return object == nullptr
                     ? st
                     : st.WithContext("create " + object->kind + " " +
                                      sql::QualifiedName(plan_.Target(schema), object->name));
        }
        ++created;
      }
    } else if (m.info.kind == MemberKind::kData || m.info.kind == MemberKind::kSchema) {
      return Corrupt(source_->name() + ": a " + std::string(archive::MemberKindName(m.info.kind)) +
                     " member after the data");
    }
    ASSIGN_OR_RETURN(more_, NextMember(&pending_));
  }
  if (created > 0) {
    progress_.Event("post: " + std::to_string(created) +
                    " views, triggers, routines and events created");
  }
  return Status::Ok();
}

// Row counts on the target against the archive's, table by table, in parallel (history rows
// included; tables whose engine keeps no rows of their own are not counted).
Status RestoreRun::Check() {
  const archive::Index* index = source_->index();
  if (index == nullptr) return Corrupt(source_->name() + " ended without its index");
  std::vector<uint32_t> ids;
  for (const auto& [id, t] : tables_) ids.push_back(id);
  std::map<uint32_t, uint64_t> counted;
  std::mutex mu;
  if (!ids.empty()) {
    SessionPool pool;
    for (size_t i = 0; i < std::min(ids.size(), static_cast<size_t>(o_.threads)); ++i) {
      ASSIGN_OR_RETURN(auto s, ConnectWithRetries(Policy("check " + std::to_string(i))));
      pool.Add(std::move(s));
    }
    const ReconnectPolicy policy = Policy("check");
    BeginPhaseProgress("check", 0, ids.size());
    const Status checked = ForEachWithSession(
        ids, &pool,
        [&](uint32_t id, std::unique_ptr<mysql::Session>& session) -> Status {
          const LoadTable& t = tables_.at(id);
          const std::string table = sql::QualifiedName(t.schema, t.name);
          std::optional<uint64_t> rows;
          RETURN_IF_ERROR(WithReconnect(policy, &session, [&](mysql::Session& s) -> Status {
            ASSIGN_OR_RETURN(rows, CountRestoredRows(s, t.schema, t.name));
            return Status::Ok();
          }));
          if (!rows) {  // no rows of its own (a MERGE table, say)
            phase_counters_.tables_done.fetch_add(1);
            return Status::Ok();
          }
          const uint64_t n = *rows;
          const archive::ObjectEntry* object = index->FindObject(id);
          const uint64_t want = object != nullptr ? object->rows : 0;
          if (n != want) {
            return Status(StatusCode::kServer, "row count mismatch after loading: table " + table +
                                                   " holds " + std::to_string(n) +
                                                   " rows, the archive records " +
                                                   std::to_string(want));
          }
          phase_counters_.tables_done.fetch_add(1);
          std::lock_guard<std::mutex> l(mu);
          counted[id] = n;
          return Status::Ok();
        },
        [&] { return errors_->cancelled(); });
    EndPhaseProgress();
    RETURN_IF_ERROR(checked);
    progress_.Event("check: " + std::to_string(ids.size()) +
                    " tables hold the archive's row counts");
  }
  for (const auto& d : databases_) report_->databases.push_back(d.target);
  for (const auto& [id, t] : tables_) {
    report_->tables.push_back({t.schema, t.name, counted[id]});
    report_->rows += counted[id];
  }
  return Status::Ok();
}

}  // namespace myvault::restore
