#include "restore/dispatch.h"

namespace myvault::restore {

size_t ChunkQueue::Add(uint32_t table, uint64_t bytes) {
  Table& t = tables_[table];
  t.bytes.push_back(bytes);
  t.taken.push_back(false);
  t.left += bytes;
  ++t.untaken;
  return t.bytes.size() - 1;
}

int ChunkQueue::Busy(uint32_t table) const {
  auto it = tables_.find(table);
  return it == tables_.end() ? 0 : it->second.busy;
}

std::optional<ChunkQueue::Ticket> ChunkQueue::Next() {
  Table* best = nullptr;
  uint32_t best_id = 0;
  for (auto& [id, t] : tables_) {
    if (t.untaken == 0) continue;
    const bool idle = t.busy == 0;
    const bool best_idle = best != nullptr && best->busy == 0;
    if (best == nullptr || (idle && !best_idle) || (idle == best_idle && t.left > best->left)) {
      best = &t;
      best_id = id;
    }
  }
  if (best == nullptr) return std::nullopt;
  const size_t s = PickStream(best);
  Stream& stream = best->streams[s];
  const size_t index = stream.next;
  best->taken[index] = true;
  best->left -= best->bytes[index];
  --best->untaken;
  ++best->busy;
  stream.in_flight = true;
  ++stream.next;
  if (stream.next == best->taken.size() || best->taken[stream.next]) stream.ended = true;
  return Ticket{best_id, index, s};
}

void ChunkQueue::Done(const Ticket& ticket) {
  Table& t = tables_.at(ticket.table);
  --t.busy;
  t.streams.at(ticket.stream).in_flight = false;
}

size_t ChunkQueue::PickStream(Table* t) {
  for (size_t s = 0; s < t->streams.size(); ++s) {
    Stream& stream = t->streams[s];
    if (!stream.ended && !stream.in_flight && !t->taken[stream.next]) return s;
  }
  // The largest run of untaken chunks (by bytes).
  size_t run_begin = 0, run_end = 0, begin = 0;
  uint64_t run_bytes = 0, bytes = 0;
  bool found = false;
  for (size_t i = 0; i <= t->taken.size(); ++i) {
    if (i == t->taken.size() || t->taken[i]) {
      if (i > begin && (!found || bytes > run_bytes)) {
        run_begin = begin;
        run_end = i;
        run_bytes = bytes;
        found = true;
      }
      begin = i + 1;
      bytes = 0;
    } else {
      bytes += t->bytes[i];
    }
  }
  // A stream in flight continues into the run at its start: begin in the middle, far from it.
  size_t start = run_begin;
  for (const Stream& stream : t->streams) {
    if (!stream.ended && stream.next == run_begin) start = run_begin + (run_end - run_begin) / 2;
  }
  t->streams.push_back(Stream{start, false, false});
  return t->streams.size() - 1;
}

}  // namespace myvault::restore
