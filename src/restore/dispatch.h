// ChunkQueue: which chunk a free loader of the data phase takes next (pure logic: no server, no
// I/O; loader.cc holds the chunks themselves).
//
// Chunks are added table by table in archive order, which is key order. A loader asking for
// work gets:
//  1. a table no loader is on, the one with the most SQL left; else the table with the most SQL
//     left (so when one huge table is all that is left, every loader works on it);
//  2. in that table, the next chunk of a stream (a run of consecutive chunks one loader walks in
//     order) whose last chunk has finished; else a new stream, at the start of the largest run of
//     chunks nobody has taken, or at its middle when a stream in flight is about to continue
//     into that run. Loaders sharing a table so append at distant key ranges, each in key order,
//     instead of interleaving on the table's last pages.
//
// A stream ends where it meets a chunk already taken, or at the table's end.
//
// Thread safety: none; the caller serializes every call (loader.cc holds its mutex).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace myvault::restore {

class ChunkQueue {
 public:
  struct Ticket {
    uint32_t table = 0;
    size_t index = 0;   // the chunk's position among its table's chunks (order of Add)
    size_t stream = 0;  // for Done
  };

  // Appends a chunk of `bytes` SQL to `table`'s chunks; returns its index.
  size_t Add(uint32_t table, uint64_t bytes);
  // The chunk a free loader takes, or nullopt when every chunk has been handed out.
  std::optional<Ticket> Next();
  // The loader holding `t` has finished with it (loaded or failed).
  void Done(const Ticket& t);
  // Loaders holding a chunk of `table` now.
  int Busy(uint32_t table) const;

 private:
  struct Stream {
    size_t next = 0;         // the chunk it hands out next
    bool in_flight = false;  // its last chunk is still being loaded
    bool ended = false;
  };
  struct Table {
    std::vector<uint64_t> bytes;  // per chunk
    std::vector<bool> taken;
    uint64_t left = 0;  // bytes not handed out yet
    size_t untaken = 0;
    int busy = 0;
    std::vector<Stream> streams;
  };
  // The stream of `t` to take the next chunk from (an existing one, or a new one).
  static size_t PickStream(Table* t);

  std::map<uint32_t, Table> tables_;
};

}  // namespace myvault::restore
