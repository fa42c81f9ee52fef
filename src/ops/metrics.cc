// RenderPrometheus and RenderHealthJson (contract in myvault/ops/health.h).
#include <cmath>
#include <cstdio>
#include <string>

#include "myvault/common/json.h"
#include "myvault/ops/health.h"
#include "myvault/ops/notify.h"

namespace myvault::ops {
namespace {

// Appends one metric family: HELP, TYPE gauge, then `samples` ("{labels} value" or " value").
void Family(std::string* out, std::string_view name, std::string_view help,
            std::initializer_list<std::pair<std::string_view, std::string>> samples) {
  const std::string full = "myvault_" + std::string(name);
  out->append("# HELP ").append(full).append(" ").append(help).append("\n");
  out->append("# TYPE ").append(full).append(" gauge\n");
  for (const auto& [labels, value] : samples) {
    out->append(full).append(labels).append(" ").append(value).append("\n");
  }
}

std::string Num(uint64_t v) { return std::to_string(v); }
std::string Num(int64_t v) { return std::to_string(v); }
std::string Seconds(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

}  // namespace

std::string RenderPrometheus(const HealthReport& r, const std::optional<LastRun>& last_run) {
  std::string out;
  if (r.newest) {
    Family(&out, "last_success_timestamp_seconds",
           "Time of the newest backup, from its name (Unix seconds).",
           {{"", Num(r.newest->backup.time)}});
    Family(&out, "newest_backup_age_seconds", "Age of the newest backup.",
           {{"", Num(r.newest_age_s)}});
    Family(&out, "newest_backup_size_bytes", "Size of the newest backup.",
           {{"", Num(r.newest->size)}});
    if (r.newest_dump_seconds) {
      Family(&out, "newest_backup_dump_duration_seconds",
             "How long the newest backup's dump took (from its index).",
             {{"", Num(*r.newest_dump_seconds)}});
    }
  }
  Family(&out, "backups_total", "Backups in the directory, by kind.",
         {{"{kind=\"auto\"}", Num(uint64_t{r.auto_count})},
          {"{kind=\"manual\"}", Num(uint64_t{r.manual_count})}});
  Family(&out, "backups_retained", "Backups kept by each retention class.",
         {{"{class=\"daily\"}", Num(uint64_t{r.daily})},
          {"{class=\"weekly\"}", Num(uint64_t{r.weekly})},
          {"{class=\"monthly\"}", Num(uint64_t{r.monthly})}});
  Family(&out, "backups_size_bytes", "Total size of the backups.", {{"", Num(r.total_bytes)}});
  if (r.binlog) {
    Family(&out, "binlog_lag_seconds",
           "Seconds since the binlog archive last held everything the server wrote (the RPO).",
           {{"", std::to_string(r.binlog_lag_s)}});
    Family(&out, "binlog_gap", "1 when the binlog archive has a gap after the newest backup.",
           {{"", r.binlog->gap.empty() ? "0" : "1"}});
  }
  Family(&out, "healthy", "1 when the newest backup is recent enough and intact.",
         {{"", r.healthy ? "1" : "0"}});
  if (r.drill) {
    Family(&out, "drill_last_success", "1 when the last restore drill passed.",
           {{"", r.drill->ok ? "1" : "0"}});
    Family(&out, "drill_last_timestamp_seconds", "When the last restore drill finished.",
           {{"", Num(r.drill->finished)}});
    Family(&out, "drill_rto_seconds", "Restore time of the last passed drill (RTO).",
           {{"", Seconds(r.drill->rto_seconds)}});
    Family(&out, "drill_rpo_seconds", "Age of the backup the last drill restored (RPO).",
           {{"", Seconds(r.drill->rpo_seconds)}});
  }
  if (last_run) {
    Family(&out, "last_run_success", "1 when the last backup run succeeded.",
           {{"", last_run->ok ? "1" : "0"}});
    Family(&out, "last_run_timestamp_seconds", "When the last backup run finished.",
           {{"", Num(last_run->finished)}});
    Family(&out, "last_run_duration_seconds", "Duration of the last backup run.",
           {{"", Seconds(last_run->seconds)}});
    Family(&out, "last_run_size_bytes", "Archive size of the last backup run.",
           {{"", Num(last_run->bytes)}});
  }
  return out;
}

namespace {

// Seconds to the millisecond, as a JSON number.
double Millis(double seconds) { return std::round(seconds * 1000) / 1000; }

Json NewestJson(const HealthReport& r) {
  if (!r.newest) return nullptr;
  return Json{{"name", r.newest->backup.name},
              {"time", FormatUtc(r.newest->backup.time, true)},
              {"kind", BackupKindName(r.newest->backup.kind)},
              {"format", r.newest->plain ? "plain" : "myvault"},
              {"size", r.newest->size},
              {"age_seconds", r.newest_age_s}};
}

Json DrillJson(const HealthReport& r) {
  if (!r.drill) return nullptr;
  return Json{{"ok", r.drill->ok},
              {"finished", FormatUtc(r.drill->finished, true)},
              {"age_seconds", r.drill_age_s},
              {"file", r.drill->file},
              {"rto_seconds", Millis(r.drill->rto_seconds)},
              {"rpo_seconds", Millis(r.drill->rpo_seconds)},
              {"problem", r.drill->ok ? Json(nullptr) : Json(r.drill->problem)}};
}

}  // namespace

std::string RenderHealthJson(const HealthReport& r) {
  Json out = {{"healthy", r.healthy},
              {"problem", r.healthy ? Json(nullptr) : Json(r.problem)},
              {"newest", NewestJson(r)},
              {"max_age_seconds", r.max_age_s},
              {"total", r.total},
              {"auto", r.auto_count},
              {"manual", r.manual_count},
              {"partial", r.partial_count},
              {"plain", r.plain_count},
              {"retained", {{"daily", r.daily}, {"weekly", r.weekly}, {"monthly", r.monthly}}},
              {"total_bytes", r.total_bytes},
              {"latest", r.latest_target ? Json(*r.latest_target) : Json(nullptr)},
              {"latest_ok", r.latest_ok},
              {"sha256_checked", r.sha256_checked},
              {"sha256_ok", r.sha256_ok},
              {"drill", DrillJson(r)}};
  return JsonText(out);
}

}  // namespace myvault::ops
