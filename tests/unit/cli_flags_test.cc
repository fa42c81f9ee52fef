#include <gtest/gtest.h>

#include <algorithm>

#include "cli/commands.h"
#include "cli/flags.h"
#include "myvault/common/progress.h"

namespace myvault::cli {
namespace {

TEST(ParseSizeTest, UnitsAreBinary) {
  EXPECT_EQ(*ParseSize("4096"), 4096u);
  EXPECT_EQ(*ParseSize("64k"), 64u << 10);
  EXPECT_EQ(*ParseSize("4MiB"), 4u << 20);
  EXPECT_EQ(*ParseSize("4M"), 4u << 20);
  EXPECT_EQ(*ParseSize("1G"), 1u << 30);
  EXPECT_EQ(*ParseSize("2gb"), 2ull << 30);
}

TEST(ParseSizeTest, RejectsGarbageWithTheText) {
  Result<uint64_t> r = ParseSize("4 parsecs");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("4 parsecs"), std::string::npos);
  EXPECT_FALSE(ParseSize("").ok());
  EXPECT_FALSE(ParseSize("MiB").ok());
  EXPECT_FALSE(ParseSize("99999999999999999G").ok());
}

TEST(ProgressFormatTest, HumanUnits) {
  EXPECT_EQ(ProgressReporter::HumanBytes(512), "512 B");
  EXPECT_EQ(ProgressReporter::HumanBytes(1536), "1.5 KiB");
  EXPECT_EQ(ProgressReporter::HumanBytes(3.0 * (1 << 30)), "3.0 GiB");
  EXPECT_EQ(ProgressReporter::HumanDuration(59.6), "1:00");
  EXPECT_EQ(ProgressReporter::HumanDuration(3725), "1:02:05");
}

}  // namespace
}  // namespace myvault::cli

namespace myvault::cli {
namespace {

// --quiet must not hide a misspelt --progress (it used to win before the value was checked).
TEST(CliFlagsTest, ProgressModeIsCheckedEvenWhenQuiet) {
  EXPECT_EQ(ParseProgressMode("loud", true).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseProgressMode("loud", false).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(*ParseProgressMode("bar", true), ProgressMode::kQuiet);
  EXPECT_EQ(*ParseProgressMode("lines", false), ProgressMode::kLines);
  EXPECT_EQ(*ParseProgressMode("none", false), ProgressMode::kQuiet);
}

}  // namespace
}  // namespace myvault::cli

namespace myvault::cli {
namespace {

// Parses `args` (the subcommand's name first) with `command` registered on a bare app.
template <typename Command>
void Parse(Command* command, std::vector<std::string> args) {
  CLI::App app("myvault");
  command->Register(&app);
  std::reverse(args.begin(), args.end());  // CLI11 takes them last first
  app.parse(args);
}

using Names = std::vector<std::string>;

// `restore FILE --databases a b` used to be refused (only `--databases a,b` or the flag twice
// worked) although --help showed a list; every list option now takes all three forms.
TEST(CliListOptionsTest, RestoreListsTakeSeveralValuesAfterOneFlag) {
  RestoreCommand r;
  ASSERT_NO_THROW(Parse(
      &r, {"restore", "f.sql.gz", "--databases", "a", "b", "--rename", "a=x", "b=y", "--yes"}));
  EXPECT_EQ(r.options.input, "f.sql.gz");
  EXPECT_EQ(r.options.databases, (Names{"a", "b"}));
  EXPECT_EQ(r.renames, (Names{"a=x", "b=y"}));
  RestoreCommand mixed;
  ASSERT_NO_THROW(
      Parse(&mixed, {"restore", "--databases", "a,b", "--databases", "c", "d", "--", "f.sql.gz"}));
  EXPECT_EQ(mixed.options.databases, (Names{"a", "b", "c", "d"}));
  EXPECT_EQ(mixed.options.input, "f.sql.gz");
  RestoreCommand tables;
  ASSERT_NO_THROW(Parse(&tables, {"restore", "f.sql.gz", "--tables", "a.t1", "a.log_*,b.t2",
                                  "--tables", "c.t3", "-y"}));
  EXPECT_EQ(tables.options.tables, (Names{"a.t1", "a.log_*", "b.t2", "c.t3"}));
  EXPECT_TRUE(tables.options.assume_yes);
}

TEST(CliListOptionsTest, DumpListsTakeTheSameForms) {
  DumpCommand d;
  ASSERT_NO_THROW(
      Parse(&d, {"dump", "--output", "x.sql.gz", "--databases", "a", "b,c", "--exclude-databases",
                 "d", "--databases", "e", "--tables", "a.t1", "a.t2", "--exclude-tables",
                 "a.log_*,b.tmp", "--ignore-table", "c.x"}));
  const dump::Selection& s = d.flags.options.selection;
  EXPECT_EQ(s.databases, (Names{"a", "b", "c", "e"}));
  EXPECT_EQ(s.exclude_databases, (Names{"d"}));
  EXPECT_EQ(s.tables, (Names{"a.t1", "a.t2"}));
  EXPECT_EQ(s.exclude_table_patterns, (Names{"a.log_*", "b.tmp", "c.x"}));
}

}  // namespace
}  // namespace myvault::cli

namespace myvault::cli {
namespace {

// --users alone, --users=replace, nothing; --users leaves a following FILE alone (a flag, not an
// option taking the next word). RestoreCommand::Parse maps "true" to create.
TEST(CliUsersFlagTest, UsersTakesNoValueOrAValueAfterEquals) {
  const auto users = [](std::vector<std::string> args) {
    RestoreCommand r;
    Parse(&r, std::move(args));
    return std::make_pair(r.users, r.options.input);
  };
  EXPECT_EQ(users({"restore", "f.sql.gz"}), std::make_pair(std::string(), std::string("f.sql.gz")));
  EXPECT_EQ(users({"restore", "--users", "f.sql.gz"}),
            std::make_pair(std::string("true"), std::string("f.sql.gz")));
  EXPECT_EQ(users({"restore", "f.sql.gz", "--users=replace"}),
            std::make_pair(std::string("replace"), std::string("f.sql.gz")));
}

}  // namespace
}  // namespace myvault::cli
