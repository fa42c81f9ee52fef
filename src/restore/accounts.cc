#include "restore/accounts.h"

#include <algorithm>

#include "myvault/sql/script.h"
#include "restore/target.h"

namespace myvault::restore {
namespace {

// The account's statements as one comparable text: the CREATE and the grants in sorted order
// (the servers do not promise an order).
std::string Comparable(const mysql::Account& a) {
  std::vector<std::string> grants = a.grants;
  std::sort(grants.begin(), grants.end());
  std::string out = a.create + "\n";
  for (const std::string& g : grants) out += g + "\n";
  return out;
}

std::string Names(const std::vector<AccountStep>& steps, AccountAction action) {
  std::string out;
  for (const AccountStep& s : steps) {
    if (s.action == action) out += (out.empty() ? "" : ", ") + s.account.name;
  }
  return out;
}

}  // namespace

Result<mysql::Account> ArchivedAccount(std::string_view sql,
                                       const std::map<std::string, std::string>& rename) {
  ASSIGN_OR_RETURN(mysql::Account a, mysql::ParseAccountSql(sql));
  if (rename.empty()) return a;
  for (std::string& g : a.grants) g = sql::RenameDatabases(g, rename);
  return a;
}

Result<AccountAction> DecideAccount(mysql::Session& target, const mysql::Account& archived,
                                    UsersMode mode, const std::string& current_user) {
  ASSIGN_OR_RETURN(std::vector<mysql::Account> present, mysql::ListAccounts(target));
  const bool exists = std::any_of(present.begin(), present.end(), [&](const mysql::Account& p) {
    return p.user == archived.user && p.host == archived.host && p.is_role == archived.is_role;
  });
  if (!exists) return AccountAction::kCreate;
  const std::string setup = target.server().AccountSessionSql();
  if (!setup.empty()) RETURN_IF_ERROR(target.Execute(setup));
  ASSIGN_OR_RETURN(mysql::Account now,
                   mysql::ReadAccount(target, archived.user, archived.host, archived.is_role));
  if (Comparable(now) == Comparable(archived)) return AccountAction::kSame;
  if (!archived.is_role && archived.user + "@" + archived.host == current_user) {
    return AccountAction::kSelf;
  }
  return mode == UsersMode::kReplace ? AccountAction::kReplace : AccountAction::kKeep;
}

Status ApplyAccount(mysql::Session& target, const AccountStep& step) {
  const mysql::Account& a = step.account;
  if (step.action == AccountAction::kSame && step.regrant) {
    for (const std::string& g : a.grants) {
      RETURN_IF_ERROR(target.Execute(g).WithContext("grant again to " + a.Describe()));
    }
    return Status::Ok();
  }
  if (step.action != AccountAction::kCreate && step.action != AccountAction::kReplace) {
    return Status::Ok();
  }
  if (step.action == AccountAction::kReplace) {
    RETURN_IF_ERROR(target.Execute(target.server().DropAccountSql(a.user, a.host, a.is_role))
                        .WithContext("replace " + a.Describe()));
  }
  return RunScript(target, mysql::AccountSql(a), {})
      .WithContext((step.action == AccountAction::kCreate ? "create " : "recreate ") +
                   a.Describe());
}

std::string DescribeAccounts(long long archived, const std::vector<AccountStep>& steps,
                             UsersMode mode, bool steps_known) {
  if (archived == 0) return "";
  const std::string count = archived < 0 ? "the" : std::to_string(archived);
  if (mode == UsersMode::kSkip) {
    return "  accounts: " + count +
           " in the archive are not restored (--users creates the missing ones)\n";
  }
  if (!steps_known) {
    return "  accounts: " + count + " in the archive; each is created when missing" +
           (mode == UsersMode::kReplace ? ", replaced when it differs" : ", kept when it differs") +
           " (known as they arrive from the stream)\n";
  }
  std::string out = "  accounts: " + count + " in the archive\n";
  const std::pair<AccountAction, std::string> lines[] = {
      {AccountAction::kCreate, "created"},
      {AccountAction::kReplace, "exist and differ: DROPPED and recreated"},
      {AccountAction::kKeep, "exist and differ: kept as they are (--users=replace replaces them)"},
      {AccountAction::kSelf, "the restore's own account differs: kept as it is"},
      {AccountAction::kSame, "exist as the archive has them: left alone"},
  };
  for (const auto& [action, what] : lines) {
    const std::string names = Names(steps, action);
    if (!names.empty()) out += "      " + what + ": " + names + "\n";
  }
  return out;
}

}  // namespace myvault::restore
