// What the restore confirmation says it will do to a target database (restore/inventory.h): a
// database the archive holds completely is dropped and replaced, one it holds part of keeps every
// object the archive does not hold; the rendered lists name and size each object.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "restore/inventory.h"

namespace myvault::restore {
namespace {

std::vector<std::string> Names(const std::vector<DbObject>& objects) {
  std::vector<std::string> out;
  for (const DbObject& o : objects) out.push_back(o.kind + ":" + o.name);
  return out;
}

// sakila as a target holds it, and an archive taken with --tables sakila.actor.
PlanInputs SakilaActorOnly() {
  PlanInputs in;
  in.exists = true;
  in.target = {{"table", "actor", "", 16384, 200},
               {"table", "film", "", 1 << 20, 1000},
               {"view", "film_list", "", 0, 0},
               {"function", "inventory_in_stock", "", 0, 0},
               {"trigger", "actor_audit", "actor", 0, 0},
               {"trigger", "ins_film", "film", 0, 0},
               {"event", "nightly", "", 0, 0}};
  in.archive = {{"table", "actor", "", 12000, 200}};
  return in;
}

TEST(PlanDatabase, APartialArchiveReplacesOnlyWhatItHolds) {
  PlanInputs in = SakilaActorOnly();
  in.why_kept = "the archive holds only part of it";
  const DatabasePlan p = PlanDatabase(in);
  EXPECT_EQ(p.action, DatabaseAction::kReplaceObjects);
  EXPECT_EQ(p.why, "the archive holds only part of it");
  EXPECT_EQ(Names(p.replaced), std::vector<std::string>{"table:actor"});
  // A trigger of a replaced table goes with it: DROP TABLE drops its triggers.
  EXPECT_EQ(Names(p.dropped), std::vector<std::string>{"trigger:actor_audit"});
  EXPECT_TRUE(p.created.empty());
  EXPECT_EQ(Names(p.left_alone),
            (std::vector<std::string>{"table:film", "view:film_list", "function:inventory_in_stock",
                                      "trigger:ins_film", "event:nightly"}));
}

TEST(PlanDatabase, ACompleteArchiveDropsWhatItDoesNotHold) {
  PlanInputs in = SakilaActorOnly();
  in.drop = true;
  in.archive.push_back({"view", "film_list", "", 0, 0});
  in.archive.push_back({"procedure", "rewards_report", "", 0, 0});
  const DatabasePlan p = PlanDatabase(in);
  EXPECT_EQ(p.action, DatabaseAction::kDropAndReplace);
  EXPECT_EQ(Names(p.replaced), (std::vector<std::string>{"table:actor", "view:film_list"}));
  EXPECT_EQ(Names(p.dropped),
            (std::vector<std::string>{"table:film", "function:inventory_in_stock",
                                      "trigger:actor_audit", "trigger:ins_film", "event:nightly"}));
  EXPECT_EQ(Names(p.created), std::vector<std::string>{"procedure:rewards_report"});
  EXPECT_TRUE(p.left_alone.empty());
}

TEST(PlanDatabase, ANewDatabaseIsCreatedWithEverything) {
  PlanInputs in;
  in.archive = {{"table", "t", "", 10, 1}, {"view", "v", "", 0, 0}};
  const DatabasePlan p = PlanDatabase(in);
  EXPECT_EQ(p.action, DatabaseAction::kCreate);
  EXPECT_EQ(Names(p.created), (std::vector<std::string>{"table:t", "view:v"}));
  EXPECT_TRUE(p.dropped.empty() && p.replaced.empty() && p.left_alone.empty());
}

TEST(PlanDatabase, TablesAndViewsShareOneNamespaceRoutinesDoNot) {
  PlanInputs in;
  in.exists = true;
  in.target = {{"view", "x", "", 0, 0}, {"procedure", "p", "", 0, 0}};
  in.archive = {{"table", "x", "", 1, 1}, {"function", "p", "", 0, 0}};
  const DatabasePlan p = PlanDatabase(in);
  EXPECT_EQ(Names(p.replaced), std::vector<std::string>{"view:x"});
  EXPECT_EQ(Names(p.left_alone), std::vector<std::string>{"procedure:p"});
  EXPECT_EQ(Names(p.created), std::vector<std::string>{"function:p"});
}

TEST(RenderDatabasePlan, NamesSizesAndCountsEachList) {
  PlanInputs in = SakilaActorOnly();
  in.why_kept = "partial";
  const std::string text = RenderDatabasePlan(PlanDatabase(in), "  ", 12);
  EXPECT_NE(text.find("  replaced:   1 table (16.0 KiB): `actor` (16.0 KiB, ~200 rows)\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  DROPPED:    1 trigger: trigger `actor_audit` on `actor`\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  left alone: 1 table (1.0 MiB), 1 view, 1 trigger, 1 function, 1 event: "
                      "`film` (1.0 MiB, ~1000 rows), view `film_list`, function "
                      "`inventory_in_stock`, trigger `ins_film` on `film`, event `nightly`\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("created"), std::string::npos) << text;
}

TEST(RenderDatabasePlan, LongListsEndWithACount) {
  PlanInputs in;
  in.exists = true;
  for (int i = 0; i < 30; ++i) in.target.push_back({"table", "t" + std::to_string(i), "", 1, 1});
  in.why_kept = "partial";
  const std::string text = RenderDatabasePlan(PlanDatabase(in), "", 3);
  EXPECT_NE(text.find("left alone: 30 tables (30 B): `t0` (1 B, ~1 rows), `t1` (1 B, ~1 rows), "
                      "`t2` (1 B, ~1 rows), and 27 more\n"),
            std::string::npos)
      << text;
}

TEST(RenderDatabasePlan, AStreamSaysItsViewsAndRoutinesComeLater) {
  PlanInputs in = SakilaActorOnly();
  in.post_objects_unknown = true;
  const std::string text = RenderDatabasePlan(PlanDatabase(in), "", 12);
  EXPECT_NE(text.find("only after the data"), std::string::npos) << text;
}

}  // namespace
}  // namespace myvault::restore
