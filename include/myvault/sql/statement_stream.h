// StatementStream: the statements of a script that arrives in pieces (a plain backup inflated
// block by block), cut exactly as StatementSplitter (sql/script.h) cuts the whole text.
//
// The stream hands the splitter only whole lines (every byte up to the last newline received;
// everything once Finish was called), so a "#" or "-- " comment, a DELIMITER command or a
// delimiter is never cut in two. A statement the splitter finds running to the end of those
// bytes (no delimiter yet, or an unterminated string or comment) is incomplete: it is kept and
// scanned again once at least as many bytes again have arrived, so a long statement costs a
// linear number of scans. Memory: the unconsumed bytes, at most `max_statement` plus one piece;
// a statement (or a line) longer than `max_statement` is an error.
//
//   StatementStream stream(max_statement);
//   while (true) {
//     std::string_view statement; uint64_t offset;
//     if (stream.Next(&statement, &offset)) { RETURN_IF_ERROR(Run(statement)); continue; }
//     RETURN_IF_ERROR(stream.status());
//     if (stream.at_end()) break;
//     stream.Append(NextPiece());   // or stream.Finish() when there is none
//   }
//
// Thread safety: one thread at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "myvault/sql/script.h"
#include "myvault/status.h"

namespace myvault::sql {

class StatementStream {
 public:
  explicit StatementStream(size_t max_statement) : max_statement_(max_statement) {}

  // Appends the next piece of the script. Invalidates the statement Next returned last.
  void Append(std::string_view bytes);
  // Says that no more input comes: the rest is cut as a whole (a last statement without a
  // delimiter is kept, as the mysql client sends it).
  void Finish();

  // Sets *statement to the next complete statement (as StatementSplitter::Next returns it) and
  // *offset to the byte offset of its first byte in the whole script, and returns true. False
  // when more input is needed, at the end (at_end()), or after an error (status(): kCorrupt,
  // with the offset in the whole script, "unterminated string in SQL at byte N", ...,
  // "statement at byte N is longer than M bytes").
  bool Next(std::string_view* statement, uint64_t* offset);
  const Status& status() const { return status_; }
  bool at_end() const { return at_end_; }

  // The quote rules of the statements Next returns from now on (see StatementSplitter).
  void set_quote_rules(QuoteRules rules);
  // Bytes held: received and not yet returned as statements.
  size_t buffered() const { return buffer_.size() - consumed_; }

 private:
  void Suspend();                            // drops the splitter, keeping its delimiter
  Status Rebase(const Status& error) const;  // splitter error -> offset in the whole script
  Status TooLong(size_t begin) const;

  size_t max_statement_;
  std::string buffer_;
  uint64_t base_ = 0;    // offset in the script of buffer_[0]
  size_t consumed_ = 0;  // buffer_ bytes already returned (or whitespace and comments)
  size_t want_ = 1;      // scan again once this many bytes past consumed_ are available
  size_t region_begin_ = 0, region_end_ = 0;  // what the live splitter reads
  std::optional<StatementSplitter> splitter_;
  std::string delimiter_ = ";";
  QuoteRules rules_;
  bool finished_ = false, at_end_ = false;
  Status status_;
};

}  // namespace myvault::sql
