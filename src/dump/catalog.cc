#include "myvault/dump/catalog.h"

#include <fnmatch.h>
#include <mysqld_error.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "myvault/mysql/server_info.h"
#include "myvault/restore/in_progress.h"
#include "myvault/sql/text.h"

namespace myvault::dump {
namespace {

using mysql::QueryResult;
using mysql::Session;

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// "'a','b'" for an IN (...) list.
std::string InList(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += ',';
    sql::AppendStringLiteral(&out, n);
  }
  return out;
}

bool IsTransactionalEngine(const std::string& engine) {
  std::string e = Lower(engine);
  return e == "innodb" || e == "rocksdb" || e == "tokudb" || e == "sequence";
}

bool IsIntegerType(const std::string& data_type) {
  static const std::set<std::string> kInts = {"tinyint", "smallint", "mediumint",
                                              "int",     "integer",  "bigint"};
  return kInts.count(data_type) != 0;
}

bool MatchesAny(const std::vector<std::string>& patterns, const std::string& dotted) {
  return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& p) {
    return ::fnmatch(p.c_str(), dotted.c_str(), 0) == 0;
  });
}

bool IsDrillCopy(std::string_view name) {
  constexpr std::string_view kSuffix = "_drill";
  return name.size() > kSuffix.size() && name.substr(name.size() - kSuffix.size()) == kSuffix;
}

// Leaves out of *out the databases a restore is loading (Selection::skip_restoring), recording
// them in cat->excluded; a database the user named is refused instead.
Status SkipRestoring(Session& s, const std::vector<std::string>& named,
                     std::vector<std::string>* out, Catalog* cat) {
  ASSIGN_OR_RETURN(std::vector<restore::RestoreInProgress> restores,
                   restore::RestoresInProgress(s));
  for (const auto& r : restores) {
    const std::string which = "a restore of " + (r.archive.empty() ? "an archive" : r.archive) +
                              (r.started_at.empty() ? "" : " started " + r.started_at);
    if (r.databases.empty()) {
      return Status(StatusCode::kRestoreInProgress,
                    which + " is recorded in " + std::string(restore::kJournalDatabase) +
                        " without the databases it loads (an older myvault); finish it with "
                        "restore --resume, or drop that database if it is abandoned");
    }
    for (const auto& d : r.databases) {
      if (std::find(named.begin(), named.end(), d) != named.end()) {
        return Status(StatusCode::kRestoreInProgress,
                      "database " + d + " is being restored (" + which +
                          ", running or interrupted): a backup of it now would save a "
                          "half-loaded database; refusing");
      }
      if (std::erase(*out, d) > 0) cat->excluded[d] = which + " is loading it";
    }
  }
  return Status::Ok();
}

Result<std::vector<std::string>> ResolveDatabases(Session& s, const Selection& sel, Catalog* cat) {
  ASSIGN_OR_RETURN(QueryResult all, s.Query("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA "
                                            "ORDER BY SCHEMA_NAME"));
  std::set<std::string> existing;
  for (const auto& r : all.rows) existing.insert(r[0].value_or(""));
  std::vector<std::string> wanted = sel.databases;
  for (const auto& t : sel.tables) {
    auto dot = t.find('.');
    if (dot == std::string::npos)
      return InvalidArgument("--tables wants db.table, got '" + t + "'");
    wanted.push_back(t.substr(0, dot));
  }
  std::vector<std::string> out;
  if (wanted.empty()) {
    for (const auto& name : existing) {
      if (sel.skip_drill_copies && IsDrillCopy(name)) continue;
      if (!IsSystemDatabase(name) || (sel.include_mysql && name == "mysql")) out.push_back(name);
    }
  } else {
    for (const auto& name : wanted) {
      if (existing.count(name) == 0) return NotFound("unknown database '" + name + "'");
      if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
    }
  }
  std::erase_if(out, [&](const std::string& n) {
    return std::find(sel.exclude_databases.begin(), sel.exclude_databases.end(), n) !=
           sel.exclude_databases.end();
  });
  if (sel.skip_restoring) RETURN_IF_ERROR(SkipRestoring(s, wanted, &out, cat));
  return out;
}

Status LoadTables(Session& s, const std::string& in, const Selection& sel, Catalog* cat) {
  ASSIGN_OR_RETURN(QueryResult r,
                   s.Query("SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE, ENGINE, TABLE_ROWS, "
                           "DATA_LENGTH FROM information_schema.TABLES WHERE "
                           "TABLE_SCHEMA IN (" +
                           in + ") ORDER BY TABLE_SCHEMA, TABLE_NAME"));
  std::set<std::string> wanted(sel.tables.begin(), sel.tables.end());
  std::set<std::string> excluded(sel.exclude_tables.begin(), sel.exclude_tables.end());
  std::set<std::string> found;
  for (const auto& row : r.rows) {
    std::string schema = row[0].value_or(""), name = row[1].value_or("");
    std::string type = row[2].value_or("");
    std::string dotted = schema;
    dotted.append(".").append(name);
    if (excluded.count(dotted) != 0 || MatchesAny(sel.exclude_table_patterns, dotted) ||
        (!wanted.empty() && wanted.count(dotted) == 0)) {
      cat->partial.insert(schema);
      continue;
    }
    if (!wanted.empty()) found.insert(dotted);
    if (type == "VIEW" || type == "SYSTEM VIEW") {
      cat->views.push_back(Definition{.kind = "view", .schema = schema, .name = name});
      continue;
    }
    Table t;
    t.schema = schema;
    t.name = name;
    t.engine = row[3].value_or("");
    t.is_sequence = type == "SEQUENCE";
    t.versioned = type == "SYSTEM VERSIONED";
    t.transactional = t.is_sequence || IsTransactionalEngine(t.engine);
    t.rows_estimate = std::strtoull(row[4].value_or("0").c_str(), nullptr, 10);
    t.data_length = std::strtoull(row[5].value_or("0").c_str(), nullptr, 10);
    cat->tables.push_back(std::move(t));
  }
  for (const auto& w : wanted) {
    if (found.count(w) != 0) continue;
    if (!sel.missing_tables_allowed) {
      return NotFound("unknown table '" + w + "'").SetServerError(ER_NO_SUCH_TABLE, "42S02", false);
    }
    cat->missing_tables.push_back(w);
  }
  return Status::Ok();
}

Status LoadColumns(Session& s, const std::string& in, Catalog* cat) {
  ASSIGN_OR_RETURN(QueryResult r,
                   s.Query("SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, "
                           "CHARACTER_SET_NAME, EXTRA, IS_NULLABLE, GENERATION_EXPRESSION FROM "
                           "information_schema.COLUMNS WHERE TABLE_SCHEMA IN (" +
                           in +
                           ") ORDER BY TABLE_SCHEMA, TABLE_NAME, "
                           "ORDINAL_POSITION"));
  std::map<std::pair<std::string, std::string>, Table*> by_name;
  for (auto& t : cat->tables) by_name[{t.schema, t.name}] = &t;
  for (const auto& row : r.rows) {
    auto it = by_name.find({row[0].value_or(""), row[1].value_or("")});
    if (it == by_name.end()) continue;
    Column c;
    c.name = row[2].value_or("");
    c.data_type = Lower(row[3].value_or(""));
    c.column_type = Lower(row[4].value_or(""));
    c.charset = Lower(row[5].value_or(""));
    std::string extra = Lower(row[6].value_or(""));
    c.generated = IsGeneratedColumn(extra);
    c.invisible = extra.find("invisible") != std::string::npos;
    c.nullable = row[7].value_or("YES") == "YES";
    // MariaDB names a system-versioning column's role in GENERATION_EXPRESSION.
    const std::string expression = row[8].value_or("");
    if (expression == "ROW START") c.period = Column::Period::kRowStart;
    if (expression == "ROW END") c.period = Column::Period::kRowEnd;
    it->second->columns.push_back(std::move(c));
  }
  return Status::Ok();
}

// A table read with its history holds a key's value once per version: (key, ROW END) is what
// MariaDB keeps unique.
void AppendRowEnd(const Table& t, std::vector<size_t>* key) {
  if (!t.history) return;
  for (size_t i = 0; i < t.columns.size(); ++i) {
    if (t.columns[i].period != Column::Period::kRowEnd) continue;
    if (std::find(key->begin(), key->end(), i) == key->end()) key->push_back(i);
  }
}

// Chooses the chunking key: PRIMARY, else the first UNIQUE index over NOT NULL, whole,
// non-generated columns.
Status LoadKeys(Session& s, const std::string& in, Catalog* cat) {
  ASSIGN_OR_RETURN(
      QueryResult r,
      s.Query("SELECT TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME, "
              "NULLABLE, SUB_PART, INDEX_TYPE FROM information_schema.STATISTICS WHERE "
              "TABLE_SCHEMA IN (" +
              in +
              ") ORDER BY TABLE_SCHEMA, TABLE_NAME, "
              "INDEX_NAME = 'PRIMARY' DESC, INDEX_NAME, SEQ_IN_INDEX"));
  struct Candidate {
    std::vector<std::string> cols;
    bool usable = true;
    bool primary = false;
  };
  std::map<std::pair<std::string, std::string>, std::vector<std::pair<std::string, Candidate>>> idx;
  for (const auto& row : r.rows) {
    if (row[3].value_or("1") != "0") continue;  // non-unique
    auto& list = idx[{row[0].value_or(""), row[1].value_or("")}];
    std::string index_name = row[2].value_or("");
    if (list.empty() || list.back().first != index_name) list.push_back({index_name, {}});
    Candidate& c = list.back().second;
    c.primary = index_name == "PRIMARY";
    c.cols.push_back(row[4].value_or(""));
    // Nullable or prefix columns, and HASH indexes (MEMORY, MariaDB's long UNIQUE on BLOBs),
    // cannot order rows uniquely by a range scan.
    const std::string type = row[7].value_or("");
    if (row[5].value_or("") == "YES" || row[6].has_value() || type == "HASH" ||
        type == "FULLTEXT" || type == "SPATIAL") {
      c.usable = false;
    }
  }
  for (auto& t : cat->tables) {
    auto it = idx.find({t.schema, t.name});
    if (it == idx.end() || t.is_sequence) continue;
    for (const auto& [name, cand] : it->second) {
      if (!cand.usable) continue;
      std::vector<size_t> key;
      for (const auto& col : cand.cols) {
        auto pos = std::find_if(t.columns.begin(), t.columns.end(),
                                [&](const Column& c) { return c.name == col; });
        // BLOB/TEXT values sort by their first max_sort_length bytes only: not a usable key.
        if (pos == t.columns.end() || pos->generated || pos->nullable ||
            pos->data_type.find("blob") != std::string::npos ||
            pos->data_type.find("text") != std::string::npos) {
          break;
        }
        key.push_back(static_cast<size_t>(pos - t.columns.begin()));
      }
      if (key.size() != cand.cols.size()) continue;
      AppendRowEnd(t, &key);
      t.key = key;
      const Column& first = t.columns[key[0]];
      t.key_kind = IsIntegerType(first.data_type) ? KeyKind::kInteger : KeyKind::kKeyset;
      break;
    }
  }
  return Status::Ok();
}

// --tables without routines: the databases that have routines or events the dump leaves out.
Status MarkRoutinesLeftOut(Session& s, const std::string& in, Catalog* cat) {
  ASSIGN_OR_RETURN(QueryResult r,
                   s.Query("SELECT ROUTINE_SCHEMA FROM information_schema.ROUTINES WHERE "
                           "ROUTINE_SCHEMA IN (" +
                           in +
                           ") UNION SELECT EVENT_SCHEMA FROM information_schema.EVENTS WHERE "
                           "EVENT_SCHEMA IN (" +
                           in + ")"));
  for (const auto& row : r.rows) cat->partial.insert(row[0].value_or(""));
  return Status::Ok();
}

Status LoadObjectNames(Session& s, const std::string& in, const Selection& sel, Catalog* cat) {
  // --tables: tables (and their triggers) only, unless mysqldump mode asks for more.
  if (!sel.tables.empty() && !sel.routines_with_tables) return MarkRoutinesLeftOut(s, in, cat);
  ASSIGN_OR_RETURN(QueryResult routines,
                   s.Query("SELECT ROUTINE_SCHEMA, ROUTINE_NAME, ROUTINE_TYPE FROM "
                           "information_schema.ROUTINES WHERE ROUTINE_SCHEMA IN (" +
                           in +
                           ") AND ROUTINE_TYPE IN ('PROCEDURE','FUNCTION','PACKAGE','PACKAGE "
                           "BODY') ORDER BY 1, 3, 2"));
  // By type, then name: FUNCTION, PACKAGE, PACKAGE BODY (after its package), PROCEDURE.
  for (const auto& row : routines.rows) {
    cat->routines.push_back(Definition{.kind = Lower(row[2].value_or("")),
                                       .schema = row[0].value_or(""),
                                       .name = row[1].value_or("")});
  }
  ASSIGN_OR_RETURN(QueryResult events,
                   s.Query("SELECT EVENT_SCHEMA, EVENT_NAME FROM information_schema.EVENTS WHERE "
                           "EVENT_SCHEMA IN (" +
                           in + ") ORDER BY 1, 2"));
  for (const auto& row : events.rows) {
    cat->events.push_back(
        Definition{.kind = "event", .schema = row[0].value_or(""), .name = row[1].value_or("")});
  }
  return Status::Ok();
}

Status LoadTriggerNames(Session& s, const std::string& in, Catalog* cat) {
  ASSIGN_OR_RETURN(QueryResult r,
                   s.Query("SELECT TRIGGER_SCHEMA, TRIGGER_NAME, EVENT_OBJECT_TABLE FROM "
                           "information_schema.TRIGGERS WHERE TRIGGER_SCHEMA IN (" +
                           in +
                           ") "
                           "ORDER BY TRIGGER_SCHEMA, EVENT_OBJECT_TABLE, EVENT_MANIPULATION, "
                           "ACTION_TIMING, ACTION_ORDER"));
  std::set<std::pair<std::string, std::string>> tables;
  for (const auto& t : cat->tables) tables.insert({t.schema, t.name});
  for (const auto& row : r.rows) {
    if (tables.count({row[0].value_or(""), row[2].value_or("")}) == 0) continue;
    cat->triggers.push_back(Definition{.kind = "trigger",
                                       .schema = row[0].value_or(""),
                                       .name = row[1].value_or(""),
                                       .table = row[2].value_or("")});
  }
  return Status::Ok();
}

}  // namespace

std::vector<std::string> ColumnNamesFromCreate(const std::string& create_sql) {
  std::vector<std::string> names;
  size_t pos = 0;
  while ((pos = create_sql.find("\n  `", pos)) != std::string::npos) {
    size_t i = pos + 3;  // the opening backtick
    std::string name;
    for (++i; i < create_sql.size(); ++i) {
      if (create_sql[i] != '`') {
        name += create_sql[i];
      } else if (i + 1 < create_sql.size() && create_sql[i + 1] == '`') {
        name += '`';
        ++i;
      } else {
        break;
      }
    }
    names.push_back(std::move(name));
    pos = i;
  }
  return names;
}

bool IsGeneratedColumn(std::string_view extra) {
  std::string e(extra);
  std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return std::tolower(c); });
  auto has = [&](std::string_view word) { return e.find(word) != std::string::npos; };
  if (has("default_generated")) return false;
  return has("virtual generated") || has("stored generated") || has("persistent") ||
         e == "virtual" || has("row start") || has("row end");
}

bool HoldsBytes(const Column& c) {
  static const std::set<std::string> kBytes = {
      "binary",        "varbinary", "tinyblob",        "blob",         "mediumblob",
      "longblob",      "geometry",  "point",           "linestring",   "polygon",
      "multipoint",    "bit",       "multilinestring", "multipolygon", "geometrycollection",
      "geomcollection" /* MySQL 8's name */};
  return kBytes.count(c.data_type) != 0 || c.charset == "binary";
}

bool NeedsColumnList(const Table& t) {
  return std::any_of(t.columns.begin(), t.columns.end(),
                     [](const Column& c) { return c.generated || c.invisible; });
}

bool NameLessIgnoringCase(std::string_view a, std::string_view b) {
  return std::lexicographical_compare(
      a.begin(), a.end(), b.begin(), b.end(),
      [](unsigned char x, unsigned char y) { return std::toupper(x) < std::toupper(y); });
}

void OrderTablesBySize(std::vector<Table>* tables) {
  std::map<std::string, size_t> rank;  // database -> where it first appears
  for (const Table& t : *tables) rank.emplace(t.schema, rank.size());
  std::stable_sort(tables->begin(), tables->end(), [&](const Table& a, const Table& b) {
    if (a.schema != b.schema) return rank.at(a.schema) < rank.at(b.schema);
    if (a.data_length != b.data_length) return a.data_length < b.data_length;
    return NameLessIgnoringCase(a.name, b.name);
  });
}

bool HasNoLocalData(const Table& t) { return t.is_sequence || mysql::EngineKeepsNoRows(t.engine); }

std::string TableSource(const Table& t) {
  return sql::QualifiedName(t.schema, t.name) + t.system_time;
}

void ApplySystemTime(const Selection& sel, Catalog* cat) {
  using Period = Column::Period;
  for (Table& t : cat->tables) {
    if (!t.versioned) continue;
    if (sel.system_time == Selection::SystemTime::kAsOf) {
      t.system_time = " FOR SYSTEM_TIME AS OF TIMESTAMP " + sql::StringLiteral(sel.as_of);
      continue;
    }
    if (sel.system_time != Selection::SystemTime::kHistory) continue;
    auto start = std::find_if(t.columns.begin(), t.columns.end(),
                              [](const Column& c) { return c.period == Period::kRowStart; });
    if (start == t.columns.end()) {
      // WITH SYSTEM VERSIONING alone: the implicit, invisible TIMESTAMP(6) pair.
      for (auto [name, period] :
           {std::pair{"row_start", Period::kRowStart}, std::pair{"row_end", Period::kRowEnd}}) {
        Column c{.name = name, .data_type = "timestamp", .column_type = "timestamp(6)"};
        c.invisible = true;
        c.nullable = false;
        c.period = period;
        c.pseudo = true;
        t.columns.push_back(std::move(c));
      }
    } else if (start->data_type != "timestamp") {
      // Versioned by transaction id: the server takes no history rows for such a table.
      cat->history_lost.push_back(sql::QualifiedName(t.schema, t.name));
      continue;
    }
    for (Column& c : t.columns) {
      if (c.period != Period::kNone) c.generated = false;
    }
    t.history = true;
    t.system_time = " FOR SYSTEM_TIME ALL";
  }
}

bool IsSystemDatabase(std::string_view name) {
  // _myvault_restore: the journal of a restore running on (or interrupted on) this server.
  return name == "mysql" || name == "sys" || name == "information_schema" ||
         name == "performance_schema" || name == "_myvault_restore";
}

bool Catalog::HasNonTransactional() const {
  return std::any_of(tables.begin(), tables.end(), [](const Table& t) { return !t.transactional; });
}

bool Catalog::HasHistory() const {
  return std::any_of(tables.begin(), tables.end(), [](const Table& t) { return t.history; });
}

Result<Catalog> LoadCatalog(Session& session, const Selection& selection) {
  Catalog cat;
  ASSIGN_OR_RETURN(std::vector<std::string> names, ResolveDatabases(session, selection, &cat));
  if (names.empty()) return NotFound("no database to dump (the selection matched none)");
  std::string in = InList(names);
  ASSIGN_OR_RETURN(QueryResult dbs,
                   session.Query("SELECT SCHEMA_NAME, DEFAULT_CHARACTER_SET_NAME, "
                                 "DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA WHERE "
                                 "SCHEMA_NAME IN (" +
                                 in + ") ORDER BY SCHEMA_NAME"));
  for (const auto& row : dbs.rows) {
    cat.databases.push_back(
        Database{row[0].value_or(""), row[1].value_or(""), row[2].value_or(""), ""});
  }
  RETURN_IF_ERROR(LoadTables(session, in, selection, &cat));
  RETURN_IF_ERROR(LoadColumns(session, in, &cat));
  ApplySystemTime(selection, &cat);
  RETURN_IF_ERROR(LoadKeys(session, in, &cat));
  RETURN_IF_ERROR(LoadTriggerNames(session, in, &cat));
  RETURN_IF_ERROR(LoadObjectNames(session, in, selection, &cat));
  ASSIGN_OR_RETURN(cat.schema_stamp, SchemaStamp(session, cat));
  return cat;
}

Result<std::string> SchemaStamp(Session& session, const Catalog& catalog) {
  std::vector<std::string> names;
  for (const auto& d : catalog.databases) names.push_back(d.name);
  if (names.empty()) return std::string();
  // TABLE_NAME, TABLE_TYPE and ENGINE need no table to be opened: cheap under the lock.
  ASSIGN_OR_RETURN(QueryResult r, session.Query("SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE, "
                                                "ENGINE FROM information_schema.TABLES WHERE "
                                                "TABLE_SCHEMA IN (" +
                                                InList(names) + ") ORDER BY 1, 2"));
  std::string stamp;
  for (const auto& row : r.rows) {
    for (const auto& v : row) stamp += v.value_or("NULL") + '\x1f';
    stamp += '\n';
  }
  return stamp;
}

std::vector<std::pair<std::string, std::string>> ContentTables(const Catalog& catalog) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& t : catalog.tables) {
    if (DumpsRows(t) || t.is_sequence) out.emplace_back(t.schema, t.name);
  }
  return out;
}

Status RecheckCatalog(mysql::Session& session, const Selection& selection, Catalog* cat,
                      bool only_catalog_locked) {
  ASSIGN_OR_RETURN(std::string stamp, SchemaStamp(session, *cat));
  if (stamp == cat->schema_stamp) return Status::Ok();
  ASSIGN_OR_RETURN(Catalog fresh, LoadCatalog(session, selection));
  if (fresh.HasNonTransactional() && !cat->HasNonTransactional()) {
    return Status(StatusCode::kServer,
                  "a non-transactional table appeared while the snapshot was being taken; "
                  "run the dump again");
  }
  if (only_catalog_locked) {
    // Tables the caller chose not to read (dump_rows off, e.g. by mysqldump's rules, which the
    // fresh read has not applied yet) need no lock.
    auto locked = ContentTables(*cat);
    for (const auto& t : cat->tables) {
      if (!t.dump_rows) locked.emplace_back(t.schema, t.name);
    }
    for (const auto& t : ContentTables(fresh)) {
      if (std::find(locked.begin(), locked.end(), t) != locked.end()) continue;
      return Status(StatusCode::kServer,
                    "table " + sql::QualifiedName(t.first, t.second) +
                        " appeared while the tables were being locked, so LOCK TABLES does not "
                        "cover it; run the dump again");
    }
  }
  *cat = std::move(fresh);
  return Status::Ok();
}

}  // namespace myvault::dump
