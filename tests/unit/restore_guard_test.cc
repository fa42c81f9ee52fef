// The decisions a restore makes before its confirmation (src/restore/guard.h) and the retry
// schedule (src/restore/reconnect.h), without a server.
#include <gtest/gtest.h>

#include "restore/guard.h"
#include "restore/reconnect.h"

namespace myvault::restore {
namespace {

TEST(RestoreLockName, ReadableWhenShortAndPlainHashedOtherwise) {
  EXPECT_EQ(RestoreLockName("shop"), "myvault-restore:shop");
  const std::string long_name(60, 'a');
  const std::string hashed = RestoreLockName(long_name);
  EXPECT_EQ(hashed.rfind("myvault-restore:", 0), 0u);
  EXPECT_LE(hashed.size(), 64u);
  EXPECT_NE(hashed, RestoreLockName(std::string(60, 'b')));
  EXPECT_LE(RestoreLockName("caf\xc3\xa9").size(), 64u);
  EXPECT_EQ(RestoreLockName("caf\xc3\xa9").find("caf"), std::string::npos)
      << "non-ASCII names are hashed, not cut in the middle of a character";
}

Replication Server(bool on, bool can_skip, int replicas) { return {on, can_skip, replicas}; }

TEST(DecideBinlog, OffOnTheServerNothingIsReplicatedWhateverTheChoice) {
  for (Binlog choice : {Binlog::kUnset, Binlog::kSkip, Binlog::kEnable}) {
    auto line = DecideBinlog(Server(false, false, -1), choice, "SUPER");
    ASSERT_TRUE(line.ok()) << line.status().message();
    EXPECT_EQ(*line, "binary log: off on this server; nothing is replicated");
  }
}

TEST(DecideBinlog, ConnectedReplicasWithoutAChoiceAreAUsageErrorNamingBothFlags) {
  auto refused = DecideBinlog(Server(true, true, 2), Binlog::kUnset, "SUPER");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("2 connected replicas"), std::string::npos);
  EXPECT_NE(refused.status().message().find("--enable-binlog"), std::string::npos);
  EXPECT_NE(refused.status().message().find("--skip-binlog"), std::string::npos);
  // Replicas that cannot be seen may be there: the operator chooses too.
  auto unseen = DecideBinlog(Server(true, true, -1), Binlog::kUnset, "SUPER");
  ASSERT_FALSE(unseen.ok());
  EXPECT_EQ(unseen.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(unseen.status().message().find("PROCESS"), std::string::npos);
}

TEST(DecideBinlog, ChoicesSayWhatReplicasWillSee) {
  auto enable = DecideBinlog(Server(true, true, 2), Binlog::kEnable, "SUPER");
  ASSERT_TRUE(enable.ok());
  EXPECT_EQ(*enable,
            "binary log: on; this load is written to it (--enable-binlog): 2 connected replicas "
            "will replay it");
  auto skip = DecideBinlog(Server(true, true, 1), Binlog::kSkip, "SUPER");
  ASSERT_TRUE(skip.ok());
  EXPECT_EQ(*skip,
            "binary log: on; this load is NOT written to it (--skip-binlog): replicas will not "
            "follow (1 connected replica)");
  auto quiet = DecideBinlog(Server(true, true, 0), Binlog::kUnset, "SUPER");
  ASSERT_TRUE(quiet.ok());
  EXPECT_NE(quiet->find("NOT written"), std::string::npos) << *quiet;
  auto logged = DecideBinlog(Server(true, false, 0), Binlog::kUnset, "BINLOG ADMIN or SUPER");
  ASSERT_TRUE(logged.ok());
  EXPECT_NE(logged->find("IS written"), std::string::npos) << *logged;
  EXPECT_NE(logged->find("BINLOG ADMIN or SUPER"), std::string::npos) << *logged;
}

TEST(DecideBinlog, SkipThatCannotBeHonouredIsAccessDenied) {
  auto refused = DecideBinlog(Server(true, false, 0), Binlog::kSkip, "BINLOG ADMIN or SUPER");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kAuth);
  EXPECT_NE(refused.status().message().find("BINLOG ADMIN or SUPER"), std::string::npos);
}

TEST(GrantPatternMatches, WildcardsAndEscapesAsTheServerReadsThem) {
  EXPECT_TRUE(GrantPatternMatches("shop", "shop"));
  EXPECT_FALSE(GrantPatternMatches("shop", "shop2"));
  EXPECT_TRUE(GrantPatternMatches("%", "anything"));
  EXPECT_TRUE(GrantPatternMatches("%\\_drill", "shop_drill"));
  EXPECT_FALSE(GrantPatternMatches("%\\_drill", "shopXdrill"));
  EXPECT_TRUE(GrantPatternMatches("%_drill", "shopXdrill")) << "an unescaped _ matches any one";
  EXPECT_TRUE(GrantPatternMatches("shop\\_%", "shop_a"));
  EXPECT_FALSE(GrantPatternMatches("shop\\_%", "shopa"));
  EXPECT_TRUE(GrantPatternMatches("s%p%", "shop_eu"));
  EXPECT_FALSE(GrantPatternMatches("s%x", "shop"));
  EXPECT_TRUE(GrantPatternMatches("", "") && !GrantPatternMatches("", "a"));
}

TEST(MissingOn, GlobalOrMatchingDatabaseGrantsCount) {
  Grants g;
  g.global = {"PROCESS", "SELECT"};
  g.databases = {{"shop\\_%", "INSERT"}, {"shop\\_%", "CREATE"}, {"other", "DROP"}};
  EXPECT_EQ(MissingOn(g, "shop_eu", {"SELECT", "INSERT", "CREATE", "DROP"}),
            std::vector<std::string>{"DROP"});
  EXPECT_EQ(MissingOn(g, "crm", {"SELECT", "INSERT"}), std::vector<std::string>{"INSERT"});
  EXPECT_TRUE(MissingOn(g, "other", {"DROP", "SELECT"}).empty());
}

TEST(PrivilegesFor, WhatTheArchiveHoldsDecides) {
  EXPECT_EQ(PrivilegesFor({"database", "table"}, false),
            (std::vector<std::string>{"SELECT", "INSERT", "CREATE", "DROP"}));
  EXPECT_EQ(PrivilegesFor({"table", "view", "trigger", "procedure", "event"}, true),
            (std::vector<std::string>{"SELECT", "INSERT", "CREATE", "DROP", "ALTER", "CREATE VIEW",
                                      "TRIGGER", "CREATE ROUTINE", "ALTER ROUTINE", "EVENT"}));
}

TEST(Definers, ReadsQuotedAndBareDefinersOnce) {
  EXPECT_EQ(Definers("CREATE ALGORITHM=UNDEFINED DEFINER=`root`@`localhost` SQL SECURITY DEFINER "
                     "VIEW v AS SELECT 1;\nCREATE DEFINER=`app``x`@`%` TRIGGER t ...;\n"
                     "/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER*/"),
            (std::vector<std::string>{"root@localhost", "app`x@%"}));
  EXPECT_EQ(Definers("CREATE DEFINER='u'@'h' PROCEDURE p() BEGIN END"),
            std::vector<std::string>{"u@h"});
  EXPECT_TRUE(Definers("CREATE DEFINER=CURRENT_USER VIEW v AS SELECT 1").empty());
  EXPECT_TRUE(Definers("SELECT 'no definer here'").empty());
}

TEST(RetryDelay, BacksOffFromHalfASecondToEight) {
  EXPECT_DOUBLE_EQ(RetryDelaySeconds(0), 0.5);
  EXPECT_DOUBLE_EQ(RetryDelaySeconds(1), 1.0);
  EXPECT_DOUBLE_EQ(RetryDelaySeconds(3), 4.0);
  EXPECT_DOUBLE_EQ(RetryDelaySeconds(4), 8.0);
  EXPECT_DOUBLE_EQ(RetryDelaySeconds(20), 8.0);
  double total = 0;
  for (int i = 0; i < 5; ++i) total += RetryDelaySeconds(i);
  EXPECT_DOUBLE_EQ(total, 15.5) << "the default 5 retries span a server restart";
}

}  // namespace
}  // namespace myvault::restore
