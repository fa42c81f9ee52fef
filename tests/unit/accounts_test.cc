#include "myvault/mysql/accounts.h"

#include <gtest/gtest.h>

#include "restore/accounts.h"

namespace myvault {
namespace {

mysql::Account App() {
  return {"app",
          "%",
          false,
          "`app`@`%`",
          "CREATE USER IF NOT EXISTS `app`@`%` IDENTIFIED BY PASSWORD '*2B60' WITH "
          "MAX_USER_CONNECTIONS 5",
          {"GRANT `reader` TO `app`@`%`", "GRANT SELECT (`a`) ON `shop`.`t` TO `app`@`%`",
           "GRANT EXECUTE ON PROCEDURE `shop`.`p` TO `app`@`%`",
           "SET DEFAULT ROLE `reader` FOR `app`@`%`"}};
}

TEST(AccountSqlTest, WritesOneStatementPerLineAndReadsThemBack) {
  const std::string sql = mysql::AccountSql(App());
  EXPECT_EQ(sql,
            "-- account `app`@`%`\n"
            "CREATE USER IF NOT EXISTS `app`@`%` IDENTIFIED BY PASSWORD '*2B60' WITH "
            "MAX_USER_CONNECTIONS 5;\n"
            "GRANT `reader` TO `app`@`%`;\n"
            "GRANT SELECT (`a`) ON `shop`.`t` TO `app`@`%`;\n"
            "GRANT EXECUTE ON PROCEDURE `shop`.`p` TO `app`@`%`;\n"
            "SET DEFAULT ROLE `reader` FOR `app`@`%`;\n");
  EXPECT_TRUE(mysql::IsAccountSql(sql));
  EXPECT_FALSE(mysql::IsAccountSql("USE `shop`;\n"));
  Result<mysql::Account> back = mysql::ParseAccountSql(sql);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->user, "app");
  EXPECT_EQ(back->host, "%");
  EXPECT_FALSE(back->is_role);
  EXPECT_EQ(back->name, "`app`@`%`");
  EXPECT_EQ(back->create, App().create);
  EXPECT_EQ(back->grants, App().grants);
}

TEST(AccountSqlTest, ReadsARoleAndQuotedNames) {
  mysql::Account role{"read`er",
                      "",
                      true,
                      "`read``er`",
                      "CREATE ROLE IF NOT EXISTS `read``er`",
                      {"GRANT SELECT ON `shop`.* TO `read``er`"}};
  Result<mysql::Account> back = mysql::ParseAccountSql(mysql::AccountSql(role));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_TRUE(back->is_role);
  EXPECT_EQ(back->user, "read`er");
  EXPECT_EQ(back->host, "");
  EXPECT_EQ(back->name, "`read``er`");
}

TEST(AccountSqlTest, RefusesTextThatCreatesNoAccount) {
  EXPECT_EQ(mysql::ParseAccountSql("-- account x\nGRANT SELECT ON *.* TO `x`;\n").status().code(),
            StatusCode::kCorrupt);
  EXPECT_EQ(mysql::ParseAccountSql("-- account x\n").status().code(), StatusCode::kCorrupt);
  EXPECT_EQ(mysql::ParseAccountSql("CREATE USER IF NOT EXISTS `x\n").status().code(),
            StatusCode::kCorrupt);
}

TEST(AccountSqlTest, RenameRewritesTheGrantsOfTheRenamedDatabaseOnly) {
  mysql::Account a = App();
  a.grants.push_back("GRANT SELECT ON `shop`.* TO `app`@`%`");
  a.grants.push_back("GRANT SELECT ON `other`.* TO `app`@`%`");
  Result<mysql::Account> r =
      restore::ArchivedAccount(mysql::AccountSql(a), {{"shop", "shop_copy"}});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->grants[1], "GRANT SELECT (`a`) ON `shop_copy`.`t` TO `app`@`%`");
  EXPECT_EQ(r->grants[2], "GRANT EXECUTE ON PROCEDURE `shop_copy`.`p` TO `app`@`%`");
  EXPECT_EQ(r->grants[4], "GRANT SELECT ON `shop_copy`.* TO `app`@`%`");
  EXPECT_EQ(r->grants[5], "GRANT SELECT ON `other`.* TO `app`@`%`");
  EXPECT_EQ(r->grants[0], "GRANT `reader` TO `app`@`%`");
}

TEST(AccountPlanTest, SaysWhatHappensToEachAccount) {
  using restore::AccountAction;
  using restore::UsersMode;
  EXPECT_EQ(restore::DescribeAccounts(0, {}, UsersMode::kSkip, false), "");
  EXPECT_EQ(restore::DescribeAccounts(3, {}, UsersMode::kSkip, false),
            "  accounts: 3 in the archive are not restored (--users creates the missing ones)\n");
  mysql::Account b = App();
  b.name = "`b`@`%`";
  const std::vector<restore::AccountStep> steps = {{App(), AccountAction::kCreate, false},
                                                   {b, AccountAction::kKeep, false}};
  EXPECT_EQ(restore::DescribeAccounts(2, steps, UsersMode::kCreate, true),
            "  accounts: 2 in the archive\n"
            "      created: `app`@`%`\n"
            "      exist and differ: kept as they are (--users=replace replaces them): `b`@`%`\n");
}

}  // namespace
}  // namespace myvault
