// The binlog archive's pure parts, against bytes built by hand from the event format
// (docs/format.md section 12; the v4 event header): the index round trip and its refusals, the
// scanner's transaction boundaries and GTIDs, the --until time and position parsers.
#include <gtest/gtest.h>

#include "myvault/binlog/events.h"
#include "myvault/binlog/files.h"
#include "myvault/binlog/replay.h"
#include "myvault/binlog/window.h"

namespace myvault::binlog {
namespace {

void PutLe(std::string* out, uint64_t v, int width) {
  for (int i = 0; i < width; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// One event at `position` with `body`; no checksum (the format description says so).
std::string Event(uint64_t position, uint8_t type, uint32_t time, std::string_view body) {
  std::string e;
  const uint32_t length = static_cast<uint32_t>(19 + body.size());
  PutLe(&e, time, 4);
  e.push_back(static_cast<char>(type));
  PutLe(&e, 1, 4);  // server id
  PutLe(&e, length, 4);
  PutLe(&e, position + length, 4);
  PutLe(&e, 0, 2);
  return e + std::string(body);
}

std::string MariaGtid(uint64_t seq, bool standalone) {
  std::string b;
  PutLe(&b, seq, 8);
  PutLe(&b, 0, 4);
  b.push_back(standalone ? 0x01 : 0x0c);
  return b;
}

std::string Query(std::string_view text) {
  std::string b(13, '\0');  // thread id, exec time, db len 0, error code, status vars len 0
  b.push_back('\0');        // the empty db name's terminator
  return b + std::string(text);
}

TEST(BinlogEvents, ScannerFindsTransactionsAndBoundaries) {
  std::string fd_body(57, '\0');
  fd_body += std::string(4, '\0') + std::string(1, '\0') + std::string(4, '\0');  // alg 0: none
  std::string bytes;
  uint64_t pos = 4;
  auto add = [&](uint8_t type, uint32_t time, std::string_view body) {
    bytes += Event(pos, type, time, body);
    pos = 4 + bytes.size();
  };
  add(15, 100, fd_body);
  add(162, 101, MariaGtid(7, false));  // a row transaction ended by XID
  const uint64_t second_start = pos;
  add(16, 101, std::string(8, '\0'));
  add(162, 105, MariaGtid(8, true));  // DDL: ended by its statement
  const uint64_t open_start = pos;
  add(2, 105, Query("CREATE TABLE t (a INT)"));
  add(162, 109, MariaGtid(9, false));  // left open

  EventScanner scanner(4);
  std::vector<Transaction> seen;
  ASSERT_TRUE(scanner.Feed(bytes, [&](const Transaction& t) { seen.push_back(t); }).ok());
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].gtid, "0-1-7");
  EXPECT_EQ(seen[0].start, 4u + Event(4, 15, 100, fd_body).size());
  EXPECT_EQ(seen[0].end, second_start + 19 + 8);
  EXPECT_EQ(seen[1].gtid, "0-1-8");
  EXPECT_EQ(seen[1].time, 105u);
  EXPECT_EQ(seen[1].end, open_start + 19 + Query("CREATE TABLE t (a INT)").size());
  EXPECT_EQ(seen[0].statement, "");
  EXPECT_EQ(seen[1].statement, "CREATE TABLE t (a INT)");
  EXPECT_FALSE(scanner.boundary());
  EXPECT_EQ(scanner.committed_position(), seen[1].end);
  EXPECT_EQ(scanner.position(), pos);
  EXPECT_EQ(scanner.first_gtid(), "0-1-7");
  EXPECT_EQ(scanner.first_time(), 100u);
  EXPECT_EQ(scanner.last_time(), 109u);
}

TEST(BinlogEvents, ScannerRefusesCutEventsAndWrongOffsets) {
  const std::string e = Event(4, 16, 1, std::string(8, '\0'));
  EventScanner cut(4);
  EXPECT_EQ(cut.Feed(e.substr(0, e.size() - 1)).code(), StatusCode::kCorrupt);
  EventScanner shifted(10);  // the event says it starts at 4
  EXPECT_EQ(shifted.Feed(e).code(), StatusCode::kCorrupt);
}

TEST(BinlogIndex, RoundTripsAndRefusesWhatItDoesNotWrite) {
  BinlogIndex index;
  index.synced_at = 1796423317;
  FileRecord a;
  a.file = "binlog.000004";
  a.complete = true;
  a.end = a.committed = 852;
  a.first_time = 1;
  a.last_time = 2;
  a.first_gtid = "0-1-11";
  a.last_gtid = "0-1-12";
  a.last_gtid_time = 2;
  FileRecord b;
  b.file = "binlog.000005";
  b.end = 587;
  b.committed = 500;
  b.gap_before = "gap after binlog.000004:852: purged\twith a tab";
  index.files = {a, b};
  Result<BinlogIndex> back = DecodeIndex(EncodeIndex(index));
  ASSERT_TRUE(back.ok()) << back.status().message();
  ASSERT_EQ(back->files.size(), 2u);
  EXPECT_EQ(back->synced_at, index.synced_at);
  EXPECT_EQ(back->files[0].last_gtid, "0-1-12");
  EXPECT_TRUE(back->files[0].complete);
  EXPECT_FALSE(back->files[1].complete);
  EXPECT_EQ(back->files[1].committed, 500u);
  EXPECT_EQ(back->files[1].first_gtid, "");
  EXPECT_EQ(back->files[1].gap_before, "gap after binlog.000004:852: purged with a tab");

  EXPECT_EQ(DecodeIndex("myvault-binlog-index 2\n").status().code(), StatusCode::kCorrupt);
  EXPECT_EQ(DecodeIndex("myvault-binlog-index 1\nfile\tbinlog.1\tdone\t1\t1\t0\t0\t-\t-\t0\t-\n")
                .status()
                .code(),
            StatusCode::kCorrupt);
  EXPECT_EQ(DecodeIndex("myvault-binlog-index 1\nfile\t../x\tpartial\t1\t1\t0\t0\t-\t-\t0\t-\n")
                .status()
                .code(),
            StatusCode::kCorrupt);
}

TEST(BinlogWindow, UntilTimeIsUtcUnlessAnOffsetSaysOtherwise) {
  EXPECT_EQ(*ParseUntilTime("2025-01-30 11:59:00"), 1738238340);
  EXPECT_EQ(*ParseUntilTime("2025-01-30T11:59:00Z"), 1738238340);
  EXPECT_EQ(*ParseUntilTime("2025-01-30 13:59:00+02:00"), 1738238340);
  EXPECT_EQ(*ParseUntilTime("2025-01-30 06:59:00-0500"), 1738238340);
  EXPECT_FALSE(ParseUntilTime("yesterday").ok());
  EXPECT_FALSE(ParseUntilTime("2025-01-30 11:59:00 CET").ok());
  EXPECT_FALSE(ParseUntilTime("2025-01-30 11:59:00+25:00").ok());
}

TEST(BinlogWindow, UntilPositionAndServerOrder) {
  Result<Target> t = ParseUntilPosition("binlog.000042:1234");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->file, "binlog.000042");
  EXPECT_EQ(t->position, 1234u);
  EXPECT_FALSE(ParseUntilPosition("binlog.000042").ok());
  EXPECT_FALSE(ParseUntilPosition("../etc:5").ok());
  EXPECT_FALSE(ParseUntilPosition("binlog.000042:3").ok());
  EXPECT_TRUE(PositionBefore("binlog.000009", 900, "binlog.000010", 4));
  EXPECT_TRUE(PositionBefore("binlog.000010", 4, "binlog.000010", 5));
  EXPECT_FALSE(PositionBefore("binlog.000010", 5, "binlog.000010", 5));
  EXPECT_EQ(ArchivedName("p", "binlog.000001"), "p-binlog-binlog.000001.gz");
  EXPECT_EQ(ServerFileOf("p", "p-binlog-binlog.000001.gz"), "binlog.000001");
  EXPECT_FALSE(ServerFileOf("p", "p-binlog-binlog.000001.gz.partial").has_value());
  EXPECT_EQ(FileSequence("binlog.000042"), 42u);
}

// `list`'s windows: each opens at the oldest backup whose snapshot file is archived and runs to the
// archive's synced end or to the last event before a gap; a backup whose file is not archived (or
// was pruned) opens none, and a newer backup in the same stretch adds none.
TEST(BinlogWindow, RecoverableWindowsEndAtGapsAndOpenAtTheOldestArchivedSnapshot) {
  BinlogIndex index;
  index.synced_at = 5000;
  const auto file = [&](const std::string& name, uint32_t last_time, const std::string& gap) {
    FileRecord r;
    r.file = name;
    r.complete = true;
    r.committed = 900;
    r.last_time = last_time;
    r.gap_before = gap;
    index.files.push_back(r);
  };
  file("binlog.000002", 1200, "");
  file("binlog.000003", 1900, "");
  file("binlog.000005", 3000, "gap after binlog.000003:900: purged");
  file("binlog.000006", 4000, "");
  index.files.back().complete = false;
  index.files.back().committed = 456;
  const auto snap = [](const std::string& name, int64_t time, const std::string& file) {
    SnapshotPosition s;
    s.backup = name;
    s.time = time;
    s.file = file;
    s.position = 300;
    return s;
  };
  const std::vector<SnapshotPosition> snaps = {
      snap("p-0", 500, "binlog.000001"),  // its file is not archived
      snap("p-1", 1000, "binlog.000002"), snap("p-2", 1500, "binlog.000003"),
      snap("p-3", 3500, "binlog.000006")};
  const std::vector<Window> w = RecoverableWindows(index, snaps);
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0].backup, "p-1");
  EXPECT_EQ(w[0].from, 1000);
  EXPECT_EQ(w[0].to, 1900);
  EXPECT_EQ(w[0].end_file, "binlog.000003");
  EXPECT_EQ(w[0].end_position, 900u);
  EXPECT_EQ(w[0].gap_after, "gap after binlog.000003:900: purged");
  EXPECT_EQ(w[1].backup, "p-3");
  EXPECT_EQ(w[1].to, 5000);
  EXPECT_EQ(w[1].end_file, "binlog.000006");
  EXPECT_EQ(w[1].end_position, 456u);
  EXPECT_EQ(w[1].gap_after, "");

  EXPECT_TRUE(RecoverableWindows(index, {snaps[0]}).empty());
}

// The replay's mariadb-binlog arguments: the snapshot and stop offsets, the one database by its
// original name (mariadb-binlog filters before it rewrites: --database=a --rewrite-db=a->b keeps
// a's events, renamed), one --rewrite-db per rename, then the files.
TEST(BinlogReplay, ArgumentsCarryPositionsDatabaseAndRenames) {
  ReplayOptions o;
  o.plan.start = 1234;
  o.plan.stop = 5678;
  EXPECT_EQ(ReplayArguments(o, {"/t/binlog.000001", "/t/binlog.000002"}),
            (std::vector<std::string>{"--start-position=1234", "--stop-position=5678",
                                      "/t/binlog.000001", "/t/binlog.000002"}));
  o.database = "shop";
  o.rename = {{"shop", "shop_pitr"}};
  EXPECT_EQ(
      ReplayArguments(o, {"/t/binlog.000001"}),
      (std::vector<std::string>{"--start-position=1234", "--stop-position=5678", "--database=shop",
                                "--rewrite-db=shop->shop_pitr", "/t/binlog.000001"}));
}

// What a drill --until refuses to replay under scratch names: DDL naming a drilled database as an
// identifier (plain, qualified or quoted), not a longer name that contains it.
TEST(BinlogWindow, StatementNamesDatabaseMatchesWholeIdentifiersOnly) {
  EXPECT_TRUE(StatementNamesDatabase("ALTER TABLE shop.orders ADD x INT", "shop"));
  EXPECT_TRUE(StatementNamesDatabase("DROP TABLE `shop`.`tmp`", "shop"));
  EXPECT_TRUE(StatementNamesDatabase("CREATE DATABASE shop", "shop"));
  EXPECT_FALSE(StatementNamesDatabase("ALTER TABLE shops.orders ADD x INT", "shop"));
  EXPECT_FALSE(StatementNamesDatabase("ALTER TABLE my_shop.orders ADD x INT", "shop"));
  EXPECT_FALSE(StatementNamesDatabase("ALTER TABLE orders ADD x INT", "shop"));
  EXPECT_FALSE(StatementNamesDatabase("ALTER TABLE orders ADD x INT", ""));
}

TEST(BinlogWindow, ParseTargetTakesExactlyOneOfTheThree) {
  ASSERT_TRUE(ParseTarget("2025-01-30 11:59:00", "", "").ok());
  EXPECT_EQ(ParseTarget("2025-01-30 11:59:00", "", "")->kind, Target::Kind::kTime);
  EXPECT_EQ(ParseTarget("", "0-1-5", "")->gtid, "0-1-5");
  EXPECT_EQ(ParseTarget("", "", "binlog.000002:300")->position, 300u);
  EXPECT_EQ(ParseTarget("", "", "").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseTarget("2025-01-30 11:59:00", "0-1-5", "").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseTarget("yesterday", "", "").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace myvault::binlog
