// The privilege check of a restore (guard.h): what the account holds, what the archive needs,
// and RestoreRun::CheckPrivileges, which runs before the confirmation.
#include <algorithm>
#include <cctype>

#include "myvault/sql/text.h"
#include "restore/guard.h"
#include "restore/restore_run.h"

namespace myvault::restore {
namespace {

// The account as information_schema writes a grantee: 'user'@'host'.
constexpr char kGrantee[] =
    "CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''', "
    "SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''')";

// One part of a DEFINER value at `i`: `a``b`, 'x' or a bare word; *i moves past it.
std::string DefinerPart(std::string_view s, size_t* i) {
  std::string out;
  if (*i < s.size() && (s[*i] == '`' || s[*i] == '\'')) {
    const char q = s[(*i)++];
    while (*i < s.size()) {
      if (s[*i] != q) {
        out += s[(*i)++];
      } else if (*i + 1 < s.size() && s[*i + 1] == q) {
        out += q;
        *i += 2;
      } else {
        ++*i;
        break;
      }
    }
    return out;
  }
  while (*i < s.size() && s[*i] != '@' && s[*i] != ' ' && s[*i] != '\n' && s[*i] != '*') {
    out += s[(*i)++];
  }
  return out;
}

std::string Join(const std::vector<std::string>& items, const std::string& separator) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

}  // namespace

Result<Grants> ReadGrants(mysql::Session& s) {
  Grants g;
  ASSIGN_OR_RETURN(auto me, s.Query("SELECT CURRENT_USER() AS u"));
  g.account = me.Get(0, "u");
  // MariaDB says NULL without a role, MySQL 8 'NONE'; older servers have no CURRENT_ROLE().
  auto role = s.Query("SELECT CURRENT_ROLE() AS r");
  if (role.ok()) {
    const std::string r = role->Get(0, "r");
    g.role_enabled = !r.empty() && r != "NONE";
  }
  ASSIGN_OR_RETURN(auto global,
                   s.Query(std::string("SELECT PRIVILEGE_TYPE AS p FROM "
                                       "information_schema.USER_PRIVILEGES WHERE GRANTEE = ") +
                           kGrantee));
  for (size_t i = 0; i < global.rows.size(); ++i) g.global.insert(global.Get(i, "p"));
  ASSIGN_OR_RETURN(auto databases, s.Query(std::string("SELECT TABLE_SCHEMA AS d, PRIVILEGE_TYPE "
                                                       "AS p FROM information_schema."
                                                       "SCHEMA_PRIVILEGES WHERE GRANTEE = ") +
                                           kGrantee));
  for (size_t i = 0; i < databases.rows.size(); ++i) {
    g.databases.emplace_back(databases.Get(i, "d"), databases.Get(i, "p"));
  }
  return g;
}

bool GrantPatternMatches(std::string_view pattern, std::string_view name) {
  // Iterative wildcard matching; `%` backtracks to the last one seen.
  size_t p = 0, n = 0, star = std::string_view::npos, mark = 0;
  while (n < name.size()) {
    if (p < pattern.size() && pattern[p] == '%') {
      star = p++;
      mark = n;
      continue;
    }
    if (p < pattern.size()) {
      const bool escaped = pattern[p] == '\\' && p + 1 < pattern.size();
      const char want = escaped ? pattern[p + 1] : pattern[p];
      if ((!escaped && want == '_') || want == name[n]) {
        p += escaped ? 2 : 1;
        ++n;
        continue;
      }
    }
    if (star == std::string_view::npos) return false;
    p = star + 1;
    n = ++mark;
  }
  while (p < pattern.size() && pattern[p] == '%') ++p;
  return p == pattern.size();
}

std::vector<std::string> MissingOn(const Grants& grants, const std::string& database,
                                   const std::vector<std::string>& needed) {
  std::vector<std::string> missing;
  for (const std::string& privilege : needed) {
    if (grants.global.count(privilege) > 0) continue;
    const bool granted =
        std::any_of(grants.databases.begin(), grants.databases.end(),
                    [&](const std::pair<std::string, std::string>& g) {
                      return g.second == privilege && GrantPatternMatches(g.first, database);
                    });
    if (!granted) missing.push_back(privilege);
  }
  return missing;
}

std::vector<std::string> PrivilegesFor(const std::set<std::string>& kinds, bool alter) {
  // DROP for the archive's DROP ... IF EXISTS before each CREATE and for replacing databases.
  std::vector<std::string> out = {"SELECT", "INSERT", "CREATE", "DROP"};
  if (alter) out.push_back("ALTER");
  if (kinds.count("view") > 0) out.push_back("CREATE VIEW");
  if (kinds.count("trigger") > 0) out.push_back("TRIGGER");
  if (kinds.count("procedure") > 0 || kinds.count("function") > 0) {
    out.push_back("CREATE ROUTINE");
    out.push_back("ALTER ROUTINE");  // DROP PROCEDURE/FUNCTION IF EXISTS
  }
  if (kinds.count("event") > 0) out.push_back("EVENT");
  return out;
}

std::vector<std::string> Definers(std::string_view sql) {
  static constexpr std::string_view kKey = "DEFINER=";
  std::vector<std::string> out;
  for (size_t at = 0; at + kKey.size() <= sql.size(); ++at) {
    bool hit = true;
    for (size_t k = 0; k < kKey.size() && hit; ++k) {
      hit = std::toupper(static_cast<unsigned char>(sql[at + k])) == kKey[k];
    }
    if (!hit) continue;
    size_t i = at + kKey.size();
    std::string user = DefinerPart(sql, &i);
    if (i >= sql.size() || sql[i] != '@') continue;  // DEFINER=CURRENT_USER and the like
    ++i;
    std::string definer = user + "@" + DefinerPart(sql, &i);
    if (std::find(out.begin(), out.end(), definer) == out.end()) out.push_back(std::move(definer));
    at = i - 1;
  }
  return out;
}

// The DEFINERs of the selected post objects other than `account` (a file's post members are
// read from the index; a stream's are not known before they arrive).
Result<std::vector<std::string>> RestoreRun::OtherDefiners(const std::string& account) {
  std::vector<std::string> others;
  const archive::Index* index = source_->index();
  if (index == nullptr) return others;
  for (const auto& e : index->members) {
    if (e.info.kind != archive::MemberKind::kPost) continue;
    const archive::ObjectEntry* entry_object = plan_.Object(e.info.object_id);
    if (entry_object != nullptr && (entry_object->kind == "user" || entry_object->kind == "role"))
      continue;  // an account: no DEFINER
    SourceMember m;
    m.info = e.info;
    m.entry = &e;
    RETURN_IF_ERROR(source_->Load(&m));
    const archive::ObjectEntry* object = plan_.Object(e.info.object_id);
    std::string schema;
    if (object != nullptr) {
      schema = object->schema;
    } else {
      ASSIGN_OR_RETURN(schema, PostMemberDatabase(m.payload));
    }
    if (!PostWanted(schema, m.payload)) continue;
    for (std::string& d : Definers(m.payload)) {
      if (d != account && std::find(others.begin(), others.end(), d) == others.end()) {
        others.push_back(std::move(d));
      }
    }
  }
  return others;
}

Status RestoreRun::CheckPrivileges(bool binlog_on, const std::string& known_gap) {
  ASSIGN_OR_RETURN(Grants grants, ReadGrants(*control_));
  std::set<std::string> kinds;
  bool alter = o_.defer_indexes == DeferIndexes::kAlways;
  for (const auto& [id, object] : plan_.objects()) {
    if (!plan_.Selected(object.schema)) continue;
    // --tables: the chosen tables (and the triggers that may fire on them) only.
    if (plan_.tables_only() && object.kind != "trigger" &&
        !plan_.TableSelected(object.schema, object.name)) {
      continue;
    }
    kinds.insert(object.kind);
    auto bytes = table_bytes_.find(id);
    alter |= o_.defer_indexes == DeferIndexes::kAuto && bytes != table_bytes_.end() &&
             bytes->second >= o_.defer_indexes_min_bytes;
  }
  const std::vector<std::string> needed = PrivilegesFor(kinds, alter);
  std::vector<std::string> gaps;
  for (const auto& d : databases_) {
    std::vector<std::string> missing = MissingOn(grants, d.target, needed);
    if (!missing.empty())
      gaps.push_back(Join(missing, ", ") + " on " + sql::QuoteIdentifier(d.target));
  }
  std::vector<std::string> journal =
      MissingOn(grants, kJournalDatabase, {"SELECT", "INSERT", "DELETE", "CREATE", "DROP"});
  if (!journal.empty()) {
    gaps.push_back(Join(journal, ", ") + " on " + sql::QuoteIdentifier(kJournalDatabase) +
                   " (the progress journal)");
  }
  ASSIGN_OR_RETURN(std::vector<std::string> others, OtherDefiners(grants.account));
  const std::vector<std::string> definer = control_->server().DefinerPrivileges();
  const bool may_set_definer = std::any_of(
      definer.begin(), definer.end(), [&](const auto& p) { return grants.global.count(p) > 0; });
  if (!others.empty() && !may_set_definer) {
    gaps.push_back(Join(definer, " or ") + " (objects of the archive are defined by " +
                   Join(others, ", ") + ")");
  }
  // With a binary log open the server guards triggers and stored functions, whatever
  // sql_log_bin says (measured: MariaDB 10.11 refuses DROP TRIGGER IF EXISTS without SUPER).
  if (binlog_on && (kinds.count("trigger") > 0 || kinds.count("function") > 0) &&
      grants.global.count("SUPER") == 0) {
    ASSIGN_OR_RETURN(auto trust,
                     control_->Query("SELECT @@global.log_bin_trust_function_creators AS t"));
    if (trust.Get(0, "t") != "1") {
      gaps.push_back(
          "SUPER, or log_bin_trust_function_creators=ON on the server (the archive has "
          "triggers or stored functions, and the server writes a binary log)");
    }
  }
  // --users: CREATE USER (also for DROP USER/ROLE). GRANT OPTION on what the accounts are
  // granted is found by their GRANT statements, which fail naming the account.
  if (o_.users != UsersMode::kSkip && archive_accounts_ != 0 &&
      grants.global.count("CREATE USER") == 0) {
    gaps.push_back("CREATE USER on *.* (--users)");
  }
  if (!known_gap.empty()) gaps.push_back(known_gap);
  if (gaps.empty()) return Status::Ok();
  const std::string text = "the account " + grants.account +
                           " lacks privileges this restore needs: " + Join(gaps, "; ") +
                           " (see Privileges in the README)";
  if (grants.role_enabled && known_gap.empty()) {
    progress_.Warn(text + "; a role is enabled, whose grants cannot be seen: going on");
    return Status::Ok();
  }
  return Status(StatusCode::kAuth, text);
}

}  // namespace myvault::restore
