// restore --users: what happens to each account of the archive on the target (private to
// src/restore/).
//
// An account missing on the target is created with its grants. One that exists is compared
// (its CREATE USER and SHOW GRANTS as the target prints them, against the archive's after
// --rename): identical ones are left alone, differing ones are reported and kept, or dropped and
// recreated with --users=replace. The account the restore is connected as is never replaced.
//
// Thread safety: functions of their arguments and the one session they are given.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "myvault/mysql/accounts.h"
#include "myvault/restore/restorer.h"

namespace myvault::restore {

enum class AccountAction {
  kCreate,   // missing on the target
  kSame,     // exists as the archive has it
  kKeep,     // exists and differs; kept (no --users=replace)
  kReplace,  // exists and differs; dropped and recreated (--users=replace)
  kSelf,     // the restore's own account: never replaced
};

struct AccountStep {
  mysql::Account account;  // as the archive has it, after --rename
  AccountAction action = AccountAction::kCreate;
  // kSame: run its grants again (a role it holds was dropped and recreated: --users=replace).
  bool regrant = false;
};

// An account member's account with --rename applied to its grants (`OLD`.* -> `NEW`.*,
// `OLD`.`t`, routines of OLD).
Result<mysql::Account> ArchivedAccount(std::string_view sql,
                                       const std::map<std::string, std::string>& rename);
// What to do with `archived` on the target; `current_user` is CURRENT_USER() there (user@host).
Result<AccountAction> DecideAccount(mysql::Session& target, const mysql::Account& archived,
                                    UsersMode mode, const std::string& current_user);
// Carries out a kCreate or kReplace (other actions change nothing).
Status ApplyAccount(mysql::Session& target, const AccountStep& step);
// The confirmation's lines about accounts: `archived` accounts in the archive (-1: unknown),
// the steps when they are known in advance (an archive file), else empty.
std::string DescribeAccounts(long long archived, const std::vector<AccountStep>& steps,
                             UsersMode mode, bool steps_known);

}  // namespace myvault::restore
