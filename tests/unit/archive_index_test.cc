// The index text (docs/format.md section 5), its validation rules and member descriptions.
#include <gtest/gtest.h>

#include "myvault/archive/format.h"
#include "myvault/archive/sha256.h"

namespace myvault::archive {
namespace {

MemberEntry Entry(uint64_t offset, uint64_t size, MemberKind kind, uint32_t object = kNoObject,
                  uint32_t chunk = 0, uint64_t rows = 0) {
  MemberEntry m{offset, size, MemberInfo{kind, object, chunk, rows, size * 3, {}}};
  m.info.sha256 = Sha256::Of(std::to_string(offset));
  return m;
}

// header, schema, data x2 (object 2), footer: a valid index.
Index SmallIndex() {
  Index index;
  index.metadata = {{"server_version", "10.11.6"}, {"gtid_executed", ""}};
  index.objects = {{1, "database", "shop", "", 0}, {2, "table", "shop", "orders", 30}};
  index.members = {Entry(0, 100, MemberKind::kHeader), Entry(100, 50, MemberKind::kSchema, 2),
                   Entry(150, 70, MemberKind::kData, 2, 0, 10),
                   Entry(220, 80, MemberKind::kData, 2, 1, 20),
                   Entry(300, 40, MemberKind::kFooter)};
  return index;
}

TEST(ArchiveIndexTest, EncodesTheLinesOfTheSpec) {
  Index index;
  index.metadata = {{"binlog_file", "mysql-bin.000003"}, {"note", "a b%\\"}, {"empty", ""}};
  index.objects = {{7, "table", "shop", "order items", 12}};
  MemberEntry m{0, 95, MemberInfo{MemberKind::kData, 7, 4, 12, 300, {}}};
  m.info.sha256.fill(0xAB);
  index.members = {m, MemberEntry{95, 90, MemberInfo{MemberKind::kFooter, kNoObject, 0, 0, 5, {}}}};
  std::string hex;
  for (int i = 0; i < 32; ++i) hex += "ab";
  const std::string zero_hex(64, '0');
  EXPECT_EQ(EncodeIndex(index),
            "-- myvault-index 1\n"
            "-- meta binlog_file mysql-bin.000003\n"
            "-- meta note a%20b%25%5C\n"
            "-- meta empty %\n"
            "-- object 7 table shop order%20items 12\n"
            "-- member 0 95 data 7 4 12 300 " +
                hex +
                "\n"
                "-- member 95 90 footer none 0 0 5 " +
                zero_hex +
                "\n"
                "-- end\n");
}

TEST(ArchiveIndexTest, NastyStringsRoundTrip) {
  Index index = SmallIndex();
  std::string every_byte;
  for (int b = 0; b < 256; ++b) every_byte.push_back(static_cast<char>(b));
  const std::vector<std::string> nasty = {"",
                                          "tab\there",
                                          "new\nline\r\n",
                                          "100% sure %41 %",
                                          "back`tick``s",
                                          "back\\slash",
                                          "caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80",
                                          "-- end",
                                          " leading and trailing ",
                                          every_byte};
  for (const std::string& s : nasty) index.metadata.emplace_back(s, s + s);
  index.objects.push_back({3, "table", nasty[4], nasty[6], 0});
  index.objects.push_back({4, "", "", nasty[9], 0});
  const std::string text = EncodeIndex(index);
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    ASSERT_NE(end, std::string::npos);
    EXPECT_EQ(text.substr(start, 3), "-- ");
    start = end + 1;
  }
  EXPECT_EQ(text.find('\\'), std::string::npos);
  auto decoded = DecodeIndex(text);
  ASSERT_TRUE(decoded.ok()) << decoded.status().message();
  EXPECT_EQ(decoded->metadata, index.metadata);
  EXPECT_EQ(decoded->objects, index.objects);
  EXPECT_EQ(decoded->members, index.members);
}

TEST(ArchiveIndexTest, DecoderRejectsMalformedText) {
  const std::string good = EncodeIndex(SmallIndex());
  ASSERT_TRUE(DecodeIndex(good).ok());
  auto message = [](const std::string& text) { return DecodeIndex(text).status().message(); };
  auto replace = [&](std::string_view from, std::string_view to) {
    std::string text = good;
    text.replace(text.find(from), from.size(), to);
    return message(text);
  };
  EXPECT_EQ(message(good.substr(0, good.size() - 7)), "index: the end line is missing");
  EXPECT_EQ(message(good.substr(0, good.size() - 1)), "index line 11: no newline at the end");
  EXPECT_EQ(message(good + "-- meta a b\n"), "index line 12: text after the end");
  EXPECT_EQ(replace("-- myvault-index 1", "-- myvault-index 2"),
            "index line 1: not a myvault index version 1");
  EXPECT_EQ(replace("-- meta server_version", "-- flag server_version"),
            "index line 2: unknown line 'flag'");
  EXPECT_EQ(replace("10.11.6", "10.11.6%4"), "index line 2: bad percent escape");
  EXPECT_EQ(replace("10.11.6", "10.11.6%zz"), "index line 2: bad percent escape");
  EXPECT_EQ(replace("10.11.6", "10.11.6 extra"), "index line 2: unexpected extra fields");
  EXPECT_EQ(replace("10.11.6", "10.\xC3\xA9"), "index line 2: unescaped byte in a field");
  EXPECT_EQ(replace("orders 30", "orders 030"), "index line 5: bad number '030'");
  EXPECT_EQ(replace("orders 30", "orders -1"), "index line 5: bad number '-1'");
  EXPECT_EQ(replace("orders 30", "orders"), "index line 5: missing field");
  EXPECT_EQ(replace("-- object 1", "-- object none"), "index line 4: an object needs an id");
  EXPECT_EQ(replace("-- member 0 100 header", "-- member 0 100 headr"),
            "index line 6: unknown member kind 'headr'");
  EXPECT_EQ(replace("data 2 1 20", "data 2 4294967296 20"),
            "index line 9: bad number '4294967296'");
  EXPECT_EQ(replace("-- end", "-- end "), "index line 11: unknown line 'end'");
  EXPECT_EQ(message("-- myvault-index 1\n--  meta a b\n-- end\n"), "index line 2: empty field");
  EXPECT_EQ(message("-- myvault-index 1\n# meta a b\n-- end\n"),
            "index line 2: not a comment line");
  EXPECT_EQ(message(""), "index: the end line is missing");
  // Lowercase hex escapes are accepted.
  auto lower = DecodeIndex("-- myvault-index 1\n-- meta a%2fb %\n-- end\n");
  ASSERT_TRUE(lower.ok());
  EXPECT_EQ(lower->metadata[0].first, "a/b");
  EXPECT_EQ(lower->metadata[0].second, "");
}

TEST(ArchiveIndexTest, ValidateAcceptsAGoodIndexAndNamesEachViolation) {
  EXPECT_TRUE(ValidateIndex(SmallIndex()).ok());
  auto violation = [](void (*mutate)(Index*)) {
    Index index = SmallIndex();
    mutate(&index);
    Status s = ValidateIndex(index);
    EXPECT_EQ(s.code(), StatusCode::kCorrupt);
    return s.message();
  };
  EXPECT_EQ(violation([](Index* i) { i->objects[1].rows = 31; }),
            "index: table `shop`.`orders` has 31 rows but its data members hold 30");
  EXPECT_EQ(violation([](Index* i) { i->objects[1].id = 1; }),
            "index: object id 1 is listed twice");
  EXPECT_EQ(violation([](Index* i) { i->members[2].offset = 151; }),
            "index: table `shop`.`orders` chunk 0 (member at offset 151): expected offset 150");
  EXPECT_EQ(violation([](Index* i) { i->members[3].info.chunk = 0; }),
            "index: table `shop`.`orders` chunk 0 (member at offset 220): this chunk is listed "
            "twice");
  EXPECT_EQ(violation([](Index* i) { i->members[3].info.object_id = 9; }),
            "index: data member of object 9 chunk 1 (member at offset 220): the index lists no "
            "such object");
  EXPECT_EQ(violation([](Index* i) { i->members.pop_back(); }),
            "index: the footer member is missing");
  EXPECT_EQ(violation([](Index* i) { std::swap(i->members[1].info, i->members[2].info); }),
            "index: schema member 0 of table `shop`.`orders` (member at offset 150): schema "
            "member out of order: member kinds must follow the write order header, schema, "
            "data, post, footer, index, trailer");
  EXPECT_EQ(violation([](Index* i) { i->members[0].info.kind = MemberKind::kSchema; }),
            "index: schema member 0 (member at offset 0): schema member out of order: the first "
            "member must be the header");
}

TEST(ArchiveIndexTest, OrderCheckFollowsTheWriteOrder) {
  using K = MemberKind;
  auto accepts = [](std::vector<K> kinds) {
    OrderCheck order;
    for (K k : kinds) {
      if (!order.Add(k).ok()) return false;
    }
    return true;
  };
  EXPECT_TRUE(accepts({K::kHeader, K::kFooter, K::kIndex, K::kTrailer}));
  EXPECT_TRUE(accepts({K::kHeader, K::kSchema, K::kSchema, K::kData, K::kData, K::kPost, K::kPost,
                       K::kFooter, K::kIndex, K::kTrailer}));
  EXPECT_FALSE(accepts({K::kSchema}));
  EXPECT_FALSE(accepts({K::kHeader, K::kHeader}));
  EXPECT_FALSE(accepts({K::kHeader, K::kData, K::kSchema}));
  EXPECT_FALSE(accepts({K::kHeader, K::kFooter, K::kFooter}));
  EXPECT_FALSE(accepts({K::kHeader, K::kData, K::kIndex}));
  EXPECT_FALSE(accepts({K::kHeader, K::kFooter, K::kTrailer}));
  EXPECT_FALSE(accepts({K::kHeader, K::kFooter, K::kIndex, K::kTrailer, K::kTrailer}));
  OrderCheck order;
  EXPECT_TRUE(order.Add(K::kHeader).ok());
  EXPECT_FALSE(order.footer_seen());
  EXPECT_TRUE(order.Add(K::kFooter).ok());
  EXPECT_TRUE(order.footer_seen());
  EXPECT_TRUE(order.Add(K::kIndex).ok());
  EXPECT_FALSE(order.complete());
  EXPECT_TRUE(order.Add(K::kTrailer).ok());
  EXPECT_TRUE(order.complete());
}

TEST(ArchiveIndexTest, DescribeNamesTablesAndChunks) {
  Index index = SmallIndex();
  index.objects.push_back({5, "view", "we`ird", "v", 0});
  auto info = [](MemberKind kind, uint32_t object, uint32_t chunk) {
    return MemberInfo{kind, object, chunk, 0, 0, {}};
  };
  EXPECT_EQ(index.Describe(info(MemberKind::kData, 2, 17)), "table `shop`.`orders` chunk 17");
  EXPECT_EQ(index.Describe(info(MemberKind::kData, 2, 3), 123456),
            "table `shop`.`orders` chunk 3 (member at offset 123456)");
  EXPECT_EQ(index.Describe(info(MemberKind::kSchema, 2, 0)),
            "schema member 0 of table `shop`.`orders`");
  EXPECT_EQ(index.Describe(info(MemberKind::kSchema, 1, 0)), "schema member 0 of database `shop`");
  EXPECT_EQ(index.Describe(info(MemberKind::kPost, 5, 1)), "post member 1 of view `we``ird`.`v`");
  EXPECT_EQ(index.Describe(info(MemberKind::kHeader, kNoObject, 0)), "header member 0");
  EXPECT_EQ(index.Describe(info(MemberKind::kData, 9, 2)), "data member of object 9 chunk 2");
  EXPECT_EQ(index.Describe(info(MemberKind::kSchema, 9, 0)), "schema member 0 of object 9");
  EXPECT_EQ(index.FindObject(2)->name, "orders");
  EXPECT_EQ(index.FindObject(42), nullptr);
}

TEST(ArchiveIndexTest, Sha256HexIsLowercase) {
  std::array<uint8_t, 32> digest{};
  digest[0] = 0xAB;
  digest[31] = 0x0F;
  EXPECT_EQ(Sha256Hex(digest), "ab" + std::string(60, '0') + "0f");
}

}  // namespace
}  // namespace myvault::archive
