// restore --users: the archive's accounts, planned before the confirmation and loaded in the post
// phase (after the objects their grants name).
#include "myvault/mysql/accounts.h"
#include "restore/restore_run.h"

namespace myvault::restore {
namespace {

bool IsAccountKind(const std::string& kind) { return kind == "user" || kind == "role"; }

}  // namespace

bool RestoreRun::IsAccountMember(const SourceMember& m) const {
  if (m.info.kind != archive::MemberKind::kPost) return false;
  if (const archive::ObjectEntry* object = plan_.Object(m.info.object_id)) {
    return IsAccountKind(object->kind);
  }
  return mysql::IsAccountSql(m.payload);  // a stream: the index has not arrived
}

void RestoreRun::CountAccounts() {
  const archive::Index* index = source_->index();
  archive_accounts_ = 0;
  if (index != nullptr) {
    for (const auto& object : index->objects) archive_accounts_ += IsAccountKind(object.kind);
  } else {
    for (const auto& [key, value] : HeaderMetadata(header_sql_)) {
      if (key == "accounts") archive_accounts_ = std::atoll(value.c_str());
    }
  }
}

Status RestoreRun::PlanAccounts() {
  const archive::Index* index = source_->index();
  if (o_.users == UsersMode::kSkip || archive_accounts_ == 0) return Status::Ok();
  ASSIGN_OR_RETURN(mysql::QueryResult who, ControlQuery("SELECT CURRENT_USER() AS u"));
  current_user_ = who.Get(0, "u");
  if (index == nullptr) return Status::Ok();
  for (const auto& e : index->members) {
    const archive::ObjectEntry* object = plan_.Object(e.info.object_id);
    if (e.info.kind != archive::MemberKind::kPost || object == nullptr ||
        !IsAccountKind(object->kind)) {
      continue;
    }
    SourceMember m;
    m.info = e.info;
    m.entry = &e;
    RETURN_IF_ERROR(source_->Load(&m));
    AccountStep step;
    ASSIGN_OR_RETURN(step.account, ArchivedAccount(m.payload, o_.rename));
    RETURN_IF_ERROR(OnControl([&](mysql::Session& s) -> Status {
      ASSIGN_OR_RETURN(step.action, DecideAccount(s, step.account, o_.users, current_user_));
      return Status::Ok();
    }));
    account_steps_.push_back(std::move(step));
  }
  account_steps_known_ = true;
  return Status::Ok();
}

Status RestoreRun::LoadAccount(const SourceMember& m) {
  if (o_.users == UsersMode::kSkip) return Status::Ok();
  AccountStep step;
  ASSIGN_OR_RETURN(step.account, ArchivedAccount(m.payload, o_.rename));
  // Decided again: the target may have changed since the confirmation.
  RETURN_IF_ERROR(OnControl([&](mysql::Session& s) -> Status {
    ASSIGN_OR_RETURN(step.action, DecideAccount(s, step.account, o_.users, current_user_));
    step.regrant = role_replaced_;
    return ApplyAccount(s, step);
  }));
  const mysql::Account& a = step.account;
  switch (step.action) {
    case AccountAction::kCreate: ++report_->accounts_created; break;
    case AccountAction::kReplace:
      ++report_->accounts_replaced;
      role_replaced_ |= a.is_role;
      break;
    case AccountAction::kSame: ++report_->accounts_same; break;
    case AccountAction::kKeep:
      report_->accounts_kept.push_back(a.name);
      progress_.Warn(a.Describe() + " exists on the target and differs from the archive's: kept " +
                     "(--users=replace replaces it)");
      break;
    case AccountAction::kSelf:
      report_->accounts_kept.push_back(a.name);
      progress_.Warn(a.Describe() + " is the account this restore is connected as and differs " +
                     "from the archive's: kept as it is");
      break;
  }
  return Status::Ok();
}

}  // namespace myvault::restore
