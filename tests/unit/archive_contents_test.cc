// The contents keys of an archive's metadata (archive/contents.h): written in a fixed order, read
// back exactly, and absent in archives made before they existed (contents unknown, never full).
#include <gtest/gtest.h>

#include "myvault/archive/contents.h"

namespace myvault::archive {
namespace {

using Metadata = std::vector<std::pair<std::string, std::string>>;

TEST(ArchiveContents, RoundTripsThroughMetadata) {
  ArchiveContents c;
  c.recorded = true;
  c.complete = {"shop", "blog"};
  c.partial = {"sakila"};
  c.excluded = {"crm"};
  Metadata meta = {{"tool", "myvault"}};
  AppendContentsMetadata(c, &meta);
  EXPECT_EQ(meta, (Metadata{{"tool", "myvault"},
                            {"contents", "partial"},
                            {"database_complete", "blog"},
                            {"database_complete", "shop"},
                            {"database_partial", "sakila"},
                            {"database_excluded", "crm"}}));
  const ArchiveContents back = ReadContentsMetadata(meta);
  EXPECT_TRUE(back.recorded);
  EXPECT_EQ(back.complete, c.complete);
  EXPECT_EQ(back.partial, c.partial);
  EXPECT_EQ(back.excluded, c.excluded);
  EXPECT_FALSE(back.full());
  EXPECT_EQ(back.Of("shop"), DatabaseContents::kComplete);
  EXPECT_EQ(back.Of("sakila"), DatabaseContents::kPartial);
  EXPECT_EQ(back.Of("crm"), DatabaseContents::kExcluded);
  EXPECT_EQ(back.Of("other"), DatabaseContents::kUnknown);
}

TEST(ArchiveContents, AllCompleteIsFull) {
  ArchiveContents c;
  c.recorded = true;
  c.complete = {"shop"};
  Metadata meta;
  AppendContentsMetadata(c, &meta);
  EXPECT_EQ(meta.front(), (std::pair<std::string, std::string>{"contents", "full"}));
  EXPECT_TRUE(ReadContentsMetadata(meta).full());
}

TEST(ArchiveContents, AnArchiveThatDoesNotSayIsUnknownNotFull) {
  // Stray database keys without `contents` are not trusted either.
  const ArchiveContents c =
      ReadContentsMetadata({{"tool", "myvault 0.1.0"}, {"database_complete", "shop"}});
  EXPECT_FALSE(c.recorded);
  EXPECT_FALSE(c.full());
  EXPECT_EQ(c.Of("shop"), DatabaseContents::kUnknown);
}

}  // namespace
}  // namespace myvault::archive
