#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <utility>
#include <vector>

#include "myvault/mysql/server_info.h"
#include "restore/chunk_sql.h"
#include "restore/dispatch.h"

namespace myvault::restore {
namespace {

using Ticket = ChunkQueue::Ticket;

Ticket MustNext(ChunkQueue* q) {
  std::optional<Ticket> t = q->Next();
  EXPECT_TRUE(t.has_value());
  return t.value_or(Ticket{});
}

TEST(ChunkQueueTest, OneLoaderWalksATableInOrder) {
  ChunkQueue q;
  for (int i = 0; i < 5; ++i) q.Add(7, 100);
  for (size_t i = 0; i < 5; ++i) {
    Ticket t = MustNext(&q);
    EXPECT_EQ(t.table, 7u);
    EXPECT_EQ(t.index, i);
    q.Done(t);
  }
  EXPECT_FALSE(q.Next().has_value());
}

// Two loaders on one table: the second starts in the middle, and each then continues its own
// range in key order.
TEST(ChunkQueueTest, LoadersSharingATableTakeDistantRanges) {
  ChunkQueue q;
  for (int i = 0; i < 10; ++i) q.Add(1, 100);
  Ticket a = MustNext(&q);
  Ticket b = MustNext(&q);
  EXPECT_EQ(a.index, 0u);
  EXPECT_EQ(b.index, 5u);
  EXPECT_EQ(q.Busy(1), 2);
  q.Done(b);
  b = MustNext(&q);
  EXPECT_EQ(b.index, 6u);
  q.Done(a);
  a = MustNext(&q);
  EXPECT_EQ(a.index, 1u);
  EXPECT_EQ(q.Busy(1), 2);
}

// A table nobody is on comes first, the largest; once every table has a loader, the largest
// remaining one gets the next.
TEST(ChunkQueueTest, IdleTablesFirstThenTheLargest) {
  ChunkQueue q;
  for (int i = 0; i < 4; ++i) q.Add(1, 1000);  // the huge table
  for (int i = 0; i < 2; ++i) q.Add(2, 10);
  q.Add(3, 50);
  EXPECT_EQ(MustNext(&q).table, 1u);
  EXPECT_EQ(MustNext(&q).table, 3u);
  EXPECT_EQ(MustNext(&q).table, 2u);
  // Every table is busy now: the one with the most SQL left.
  Ticket t = MustNext(&q);
  EXPECT_EQ(t.table, 1u);
  EXPECT_EQ(t.index, 2u);  // the middle of chunks 1..3
}

TEST(ChunkQueueTest, EmptyQueueHasNothing) {
  ChunkQueue q;
  EXPECT_FALSE(q.Next().has_value());
  EXPECT_EQ(q.Busy(3), 0);
}

// Loaders finishing in random order: every chunk is handed out exactly once, and the chunks one
// stream hands out are consecutive.
TEST(ChunkQueueTest, RandomLoadersTakeEveryChunkOnceInRuns) {
  std::mt19937 rng(5);
  for (int trial = 0; trial < 50; ++trial) {
    ChunkQueue q;
    std::vector<size_t> sizes = {rng() % 40 + 1, rng() % 5 + 1, rng() % 200 + 1};
    size_t total = 0;
    for (uint32_t table = 0; table < sizes.size(); ++table) {
      for (size_t i = 0; i < sizes[table]; ++i) q.Add(table, rng() % 1000 + 1);
      total += sizes[table];
    }
    const size_t loaders = rng() % 5 + 1;
    std::vector<Ticket> holding;
    std::set<std::pair<uint32_t, size_t>> seen;
    std::map<std::pair<uint32_t, size_t>, size_t> last_of_stream;
    for (;;) {
      while (holding.size() < loaders) {
        std::optional<Ticket> t = q.Next();
        if (!t) break;
        EXPECT_TRUE(seen.insert({t->table, t->index}).second) << "chunk handed out twice";
        auto [it, fresh] = last_of_stream.try_emplace({t->table, t->stream}, t->index);
        if (!fresh) {
          EXPECT_EQ(t->index, it->second + 1) << "a stream skipped chunks";
          it->second = t->index;
        }
        holding.push_back(*t);
      }
      if (holding.empty()) break;
      const size_t pick = rng() % holding.size();
      q.Done(holding[pick]);
      holding.erase(holding.begin() + static_cast<std::ptrdiff_t>(pick));
    }
    EXPECT_EQ(seen.size(), total);
    for (uint32_t table = 0; table < sizes.size(); ++table) EXPECT_EQ(q.Busy(table), 0);
  }
}

// --load-method auto: array binding where the server has it (MariaDB), else LOAD DATA; an
// explicit choice is kept whatever the server.
TEST(ChooseLoadMethodTest, AutoFollowsTheServerExplicitChoicesStay) {
  const mysql::ServerInfo mariadb = mysql::ParseServerVersion("10.11.19-MariaDB");
  const mysql::ServerInfo mysql8 = mysql::ParseServerVersion("8.0.36");
  EXPECT_EQ(ChooseLoadMethod(LoadMethodChoice::kAuto, mariadb), LoadMethod::kBulk);
  EXPECT_EQ(ChooseLoadMethod(LoadMethodChoice::kAuto, mysql8), LoadMethod::kLoadData);
  for (const auto& server : {mariadb, mysql8}) {
    EXPECT_EQ(ChooseLoadMethod(LoadMethodChoice::kBulk, server), LoadMethod::kBulk);
    EXPECT_EQ(ChooseLoadMethod(LoadMethodChoice::kLoadData, server), LoadMethod::kLoadData);
    EXPECT_EQ(ChooseLoadMethod(LoadMethodChoice::kInsert, server), LoadMethod::kInsert);
  }
}

}  // namespace
}  // namespace myvault::restore
