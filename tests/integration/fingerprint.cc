// Object-by-object fingerprints of databases (see fingerprint.h for what each key holds).
#include "fingerprint.h"

#include <openssl/evp.h>

#include <algorithm>
#include <regex>
#include <set>

namespace myvault::it {
namespace {

std::string Sha256Raw(std::string_view bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(md), len);
}

std::string Hex(std::string_view bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

// An SQL string literal holding exactly `s` (hex, so no escaping question arises).
std::string Literal(std::string_view s) { return "CONVERT(" + HexLiteral(s) + " USING utf8mb4)"; }

std::string StripDefiner(const std::string& text) {
  static const std::regex kDefiner(
      R"(DEFINER=(`(?:[^`]|``)*`|'[^']*'|[^@\s]+)@(`(?:[^`]|``)*`|'[^']*'|\S+)\s*)");
  return std::regex_replace(text, kDefiner, "");
}

// The SELECT expression that renders one column exactly (see fingerprint.h).
std::string RenderColumn(const std::string& name, const std::string& data_type) {
  static const std::set<std::string> kFloat = {"float", "double"};
  static const std::set<std::string> kBytes = {
      "binary",       "varbinary",         "tinyblob",   "blob",
      "mediumblob",   "longblob",          "geometry",   "point",
      "linestring",   "polygon",           "multipoint", "multilinestring",
      "multipolygon", "geometrycollection"};
  static const std::set<std::string> kText = {
      "char", "varchar", "tinytext", "text", "mediumtext", "longtext", "enum", "set", "json"};
  const std::string col = QuoteIdent(name);
  if (kFloat.count(data_type)) return col + "+0e0";
  if (data_type == "bit") return col + "+0";
  if (kBytes.count(data_type)) return "HEX(" + col + ")";
  if (kText.count(data_type)) return "HEX(CAST(" + col + " AS BINARY))";
  return col;
}

class Fingerprinter {
 public:
  Fingerprinter(TestServer& server, const FingerprintOptions& options)
      : server_(server), options_(options) {}

  Status AddDatabase(const std::string& db) {
    ASSIGN_OR_RETURN(auto create, server_.Query("SHOW CREATE DATABASE " + QuoteIdent(db)));
    fp_["database " + QuoteIdent(db)] = create.at(0).at(1).value_or("");
    ASSIGN_OR_RETURN(
        auto tables,
        server_.Query(
            "SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = " +
            Literal(db) + " ORDER BY TABLE_NAME"));
    for (const Row& t : tables) {
      const std::string name = t[0].value_or(""), type = t[1].value_or("");
      if (type == "VIEW") {
        RETURN_IF_ERROR(
            AddShowCreate("view " + QualifiedName(db, name), "VIEW", db, name, {1, 2, 3}, 1));
      } else if (type == "SEQUENCE") {
        RETURN_IF_ERROR(AddSequence(db, name));
      } else {
        RETURN_IF_ERROR(AddTable(db, name, type == "SYSTEM VERSIONED"));
      }
    }
    return AddRoutinesTriggersEvents(db);
  }

  Fingerprint Take() { return std::move(fp_); }

 private:
  // fp_[key] = the listed columns of "SHOW CREATE <what> db.name", joined; the definer is
  // stripped from column `definer_col` when asked.
  Status AddShowCreate(const std::string& key, const std::string& what, const std::string& db,
                       const std::string& name, const std::vector<size_t>& columns,
                       size_t definer_col, const std::string& extra = "") {
    ASSIGN_OR_RETURN(auto rows,
                     server_.Query("SHOW CREATE " + what + " " + QualifiedName(db, name)));
    if (rows.size() != 1) return Internal("SHOW CREATE " + what + " " + name + ": no row");
    std::string value;
    for (size_t c : columns) {
      std::string field = rows[0].at(c).value_or("NULL");
      if (c == definer_col && options_.strip_definers) field = StripDefiner(field);
      value += (value.empty() ? "" : "\n-- ") + field;
    }
    fp_[key] = value + extra;
    return Status::Ok();
  }

  // A system-versioned table's rows are every version, with its ROW START and ROW END (the
  // implicit row_start/row_end, which information_schema does not list, included).
  Status AddTable(const std::string& db, const std::string& table, bool versioned) {
    const std::string key = "table " + QualifiedName(db, table);
    const std::string qname = QualifiedName(db, table);
    const std::string source = qname + (versioned ? " FOR SYSTEM_TIME ALL" : "");
    ASSIGN_OR_RETURN(auto create, server_.Query("SHOW CREATE TABLE " + qname));
    fp_[key + " create"] = create.at(0).at(1).value_or("");
    ASSIGN_OR_RETURN(auto checksum, server_.Query("CHECKSUM TABLE " + qname + " EXTENDED"));
    fp_[key + " checksum"] = checksum.at(0).at(1).value_or("NULL");
    ASSIGN_OR_RETURN(fp_[key + " rows"], server_.QueryValue("SELECT COUNT(*) FROM " + source));
    ASSIGN_OR_RETURN(auto columns,
                     server_.Query("SELECT COLUMN_NAME, DATA_TYPE, GENERATION_EXPRESSION FROM "
                                   "information_schema.COLUMNS WHERE TABLE_SCHEMA = " +
                                   Literal(db) + " AND TABLE_NAME = " + Literal(table) +
                                   " ORDER BY ORDINAL_POSITION"));
    std::string select;
    bool explicit_period = false;
    for (const Row& c : columns) {
      select += (select.empty() ? "" : ", ") + RenderColumn(*c[0], *c[1]);
      explicit_period |= c[2].value_or("") == "ROW START";
    }
    if (versioned && !explicit_period) select += ", row_start, row_end";
    std::vector<std::string> row_hashes;
    std::string buf;
    RETURN_IF_ERROR(server_.QueryEach("SELECT " + select + " FROM " + source, [&](const Row& r) {
      buf.clear();
      for (const auto& v : r) {
        if (!v) {
          buf += '\0';
          continue;
        }
        const uint64_t n = v->size();
        buf += '\1';
        buf.append(reinterpret_cast<const char*>(&n), sizeof n);
        buf += *v;
      }
      row_hashes.push_back(Sha256Raw(buf));
    }));
    std::sort(row_hashes.begin(), row_hashes.end());
    std::string all;
    for (const auto& h : row_hashes) all += h;
    fp_[key + " data"] = "sha256:" + Hex(Sha256Raw(all));
    return Status::Ok();
  }

  Status AddSequence(const std::string& db, const std::string& seq) {
    const std::string key = "sequence " + QualifiedName(db, seq);
    RETURN_IF_ERROR(AddShowCreate(key + " create", "SEQUENCE", db, seq, {1}, 99));
    ASSIGN_OR_RETURN(auto state, server_.Query("SELECT * FROM " + QualifiedName(db, seq)));
    std::string value;
    for (const auto& v : state.at(0)) value += v.value_or("NULL") + " ";
    fp_[key + " state"] = value;
    return Status::Ok();
  }

  Status AddRoutinesTriggersEvents(const std::string& db) {
    ASSIGN_OR_RETURN(
        auto triggers,
        server_.Query("SELECT TRIGGER_NAME, ACTION_ORDER FROM information_schema.TRIGGERS "
                      "WHERE TRIGGER_SCHEMA = " +
                      Literal(db)));
    for (const Row& t : triggers) {
      // Trigger, sql_mode, SQL Original Statement, charset, collation, db collation (not Created).
      RETURN_IF_ERROR(AddShowCreate("trigger " + QualifiedName(db, *t[0]), "TRIGGER", db, *t[0],
                                    {1, 2, 3, 4, 5}, 2,
                                    "\n-- action_order " + t[1].value_or("NULL")));
    }
    ASSIGN_OR_RETURN(
        auto routines,
        server_.Query("SELECT ROUTINE_TYPE, ROUTINE_NAME FROM information_schema.ROUTINES "
                      "WHERE ROUTINE_SCHEMA = " +
                      Literal(db)));
    for (const Row& r : routines) {
      std::string kind = *r[0];
      std::transform(kind.begin(), kind.end(), kind.begin(), ::tolower);
      RETURN_IF_ERROR(AddShowCreate(kind + " " + QualifiedName(db, *r[1]), *r[0], db, *r[1],
                                    {1, 2, 3, 4, 5}, 2));
    }
    ASSIGN_OR_RETURN(
        auto events,
        server_.Query("SELECT EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = " +
                      Literal(db)));
    for (const Row& e : events) {
      // Event, sql_mode, time_zone, Create Event, charset, collation, db collation.
      RETURN_IF_ERROR(AddShowCreate("event " + QualifiedName(db, *e[0]), "EVENT", db, *e[0],
                                    {1, 2, 3, 4, 5, 6}, 3));
    }
    return Status::Ok();
  }

  TestServer& server_;
  const FingerprintOptions& options_;
  Fingerprint fp_;
};

std::string ClipValue(const std::string& v) {
  std::string s = v.size() <= 400 ? v : v.substr(0, 400) + "...";
  std::replace(s.begin(), s.end(), '\n', ' ');
  return s;
}

}  // namespace

Result<Fingerprint> TakeFingerprint(const ServerConfig& server,
                                    const std::vector<std::string>& databases,
                                    const FingerprintOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<TestServer> conn, TestServer::Connect(server));
  RETURN_IF_ERROR(conn->Exec("SET SESSION time_zone = '+00:00'"));
  Fingerprinter fingerprinter(*conn, options);
  for (const std::string& db : databases) {
    ASSIGN_OR_RETURN(
        std::string exists,
        conn->QueryValue("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = " +
                         Literal(db)));
    if (exists == "0") return NotFound("fingerprint: no database " + QuoteIdent(db));
    Status st = fingerprinter.AddDatabase(db);
    if (!st.ok()) return st.WithContext("fingerprint " + QuoteIdent(db));
  }
  return fingerprinter.Take();
}

std::vector<std::string> DifferingKeys(const Fingerprint& a, const Fingerprint& b) {
  std::set<std::string> keys;
  for (const auto& [k, v] : a) {
    auto it = b.find(k);
    if (it == b.end() || it->second != v) keys.insert(k);
  }
  for (const auto& [k, v] : b) {
    if (!a.count(k)) keys.insert(k);
  }
  return {keys.begin(), keys.end()};
}

std::string Diff(const Fingerprint& a, const Fingerprint& b) {
  std::string out;
  for (const std::string& k : DifferingKeys(a, b)) {
    auto ia = a.find(k), ib = b.find(k);
    out += "  " + k + ":\n    first:  " + (ia == a.end() ? "(missing)" : ClipValue(ia->second)) +
           "\n    second: " + (ib == b.end() ? "(missing)" : ClipValue(ib->second)) + "\n";
  }
  return out;
}

std::string DigestOf(const Fingerprint& fingerprint) {
  std::string all;
  for (const auto& [k, v] : fingerprint) {
    all += k;
    all += '\0';
    all += v;
    all += '\0';
  }
  return Sha256Hex(all);
}

std::string Sha256Hex(std::string_view bytes) { return Hex(Sha256Raw(bytes)); }

}  // namespace myvault::it
