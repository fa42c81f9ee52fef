#include "restore/tuning.h"

namespace myvault::restore {

BulkLoadTuning::BulkLoadTuning(const Journal* journal, ProgressReporter* progress,
                               std::map<uint32_t, std::string> recorded)
    : journal_(journal), progress_(progress) {
  for (const auto& [order, detail] : recorded) {
    const size_t tab = detail.find('\t');
    if (tab != std::string::npos) recorded_[detail.substr(0, tab)] = detail.substr(tab + 1);
  }
}

Status BulkLoadTuning::Apply(mysql::Session& s) {
  const mysql::ServerInfo& server = s.server();
  const std::vector<mysql::ServerInfo::BulkLoadSetting> settings = server.BulkLoadSettings();
  // Read every value first, so the undo line printed before any change names all of them.
  std::vector<Changed> planned;
  std::vector<uint32_t> slots;  // each planned setting's place in `settings`: its journal key
  for (size_t i = 0; i < settings.size(); ++i) {
    const mysql::ServerInfo::BulkLoadSetting& setting = settings[i];
    ASSIGN_OR_RETURN(mysql::QueryResult now, s.Query(setting.current_sql));
    if (now.rows.empty() || now.rows[0].empty() || !now.rows[0][0]) {
      return Internal("--exclusive: " + setting.current_sql + " returned no value");
    }
    const std::string current = *now.rows[0][0];
    const auto earlier = recorded_.find(setting.name);
    const std::string original = earlier != recorded_.end() ? earlier->second : current;
    if (original == setting.tuned && current == setting.tuned) {
      progress_->Event("exclusive: " + setting.name + " is already " + setting.tuned);
      continue;
    }
    planned.push_back({setting, original, server.RestoreBulkLoadSettingSql(setting, original)});
    slots.push_back(static_cast<uint32_t>(i));
  }
  if (const std::string undo = JoinUndoSql(planned); !undo.empty()) {
    progress_->Warn(
        "--exclusive changes server settings for the load and puts them back at the end; if "
        "this process is killed (kill -9), run `myvault restore --resume` or by hand: " +
        undo);
  }
  for (size_t i = 0; i < planned.size(); ++i) {
    const Changed& c = planned[i];
    RETURN_IF_ERROR(
        journal_->Mark(s, "tuning", slots[i], 0, 0, c.setting.name + "\t" + c.original));
    if (Status st = s.Execute(c.setting.apply_sql); !st.ok()) {
      // Not changed (refused: no SUPER): nothing of it to put back. Its journal row names the
      // value it still has, and goes with the others.
      return Status(st.code(), "--exclusive: " + c.setting.apply_sql + ": " + st.message());
    }
    changed_.push_back(c);
    progress_->Event("exclusive: " + c.setting.name + " " + c.original + " -> " + c.setting.tuned);
  }
  return Status::Ok();
}

void BulkLoadTuning::AdoptRecorded(const mysql::ServerInfo& server) {
  for (const auto& setting : server.BulkLoadSettings()) {
    const auto earlier = recorded_.find(setting.name);
    if (earlier == recorded_.end()) continue;
    changed_.push_back(
        {setting, earlier->second, server.RestoreBulkLoadSettingSql(setting, earlier->second)});
  }
}

Status BulkLoadTuning::Undo(mysql::Session& s) {
  Status first = Status::Ok();
  while (!changed_.empty()) {
    const Changed c = changed_.back();
    if (!c.undo_sql.empty()) {
      if (Status st = s.Execute(c.undo_sql); !st.ok()) {
        if (first.ok()) first = Status(st.code(), c.undo_sql + ": " + st.message());
        break;  // the rest stays in changed_, for UndoSql
      }
    }
    progress_->Event("exclusive: " + c.setting.name + " put back to " + c.original);
    changed_.pop_back();
  }
  RETURN_IF_ERROR(first);
  recorded_.clear();
  return journal_->ForgetStep(s, "tuning");
}

std::string BulkLoadTuning::UndoSql() const { return JoinUndoSql(changed_); }

std::string BulkLoadTuning::JoinUndoSql(const std::vector<Changed>& changes) {
  std::string out;  // in the order Undo runs them: the last change first
  for (auto it = changes.rbegin(); it != changes.rend(); ++it) {
    if (!it->undo_sql.empty()) out += (out.empty() ? "" : "; ") + it->undo_sql;
  }
  return out;
}

}  // namespace myvault::restore
