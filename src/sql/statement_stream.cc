#include "myvault/sql/statement_stream.h"

#include <algorithm>

namespace myvault::sql {
namespace {

bool IsUnterminated(const Status& s) {
  return s.message().starts_with("unterminated string") ||
         s.message().starts_with("unterminated comment");
}

}  // namespace

void StatementStream::Append(std::string_view bytes) {
  if (splitter_) Suspend();
  if (consumed_ > 0) {
    buffer_.erase(0, consumed_);
    base_ += consumed_;
    consumed_ = 0;
  }
  buffer_.append(bytes);
}

void StatementStream::Finish() {
  if (splitter_) Suspend();
  finished_ = true;
}

void StatementStream::set_quote_rules(QuoteRules rules) {
  rules_ = rules;
  if (splitter_) splitter_->set_quote_rules(rules);
}

void StatementStream::Suspend() {
  delimiter_ = std::string(splitter_->delimiter());
  splitter_.reset();
}

Status StatementStream::Rebase(const Status& error) const {
  constexpr std::string_view kAt = " at byte ";
  const std::string& m = error.message();
  const size_t at = m.rfind(kAt);
  if (at == std::string::npos) return error;
  const uint64_t relative = std::stoull(m.substr(at + kAt.size()));
  return Status(error.code(),
                m.substr(0, at + kAt.size()) + std::to_string(base_ + region_begin_ + relative));
}

Status StatementStream::TooLong(size_t begin) const {
  return Corrupt("statement at byte " + std::to_string(base_ + begin) + " is longer than " +
                 std::to_string(max_statement_) + " bytes (an unterminated string or comment?)");
}

bool StatementStream::Next(std::string_view* statement, uint64_t* offset) {
  if (!status_.ok() || at_end_) return false;
  while (true) {
    if (!splitter_) {
      size_t end = buffer_.size();
      if (!finished_) {
        const size_t newline = buffer_.rfind('\n');
        end = newline == std::string::npos || newline < consumed_ ? consumed_ : newline + 1;
        if (buffer_.size() - consumed_ > max_statement_ + (size_t{1} << 20) ||
            end - consumed_ > max_statement_ + (size_t{1} << 20)) {
          status_ = TooLong(consumed_);
          return false;
        }
      }
      if (end == consumed_ || (!finished_ && end - consumed_ < want_)) {
        at_end_ = finished_ && end == consumed_;
        return false;  // more input needed, or the end
      }
      region_begin_ = consumed_;
      region_end_ = end;
      splitter_.emplace(std::string_view(buffer_).substr(region_begin_, end - region_begin_));
      splitter_->set_delimiter(delimiter_);
      splitter_->set_quote_rules(rules_);
    }
    std::string_view found;
    if (splitter_->Next(&found)) {
      const size_t begin = static_cast<size_t>(found.data() - buffer_.data());
      if (splitter_->ended_by_delimiter() || finished_) {
        consumed_ = region_begin_ + splitter_->position();
        want_ = 1;
        *statement = found;
        *offset = base_ + begin;
        return true;
      }
      // It runs to the end of what the splitter saw: wait for the rest of it.
      consumed_ = begin;
      want_ = std::max<size_t>(1, 2 * (region_end_ - consumed_));
      Suspend();
      if (region_end_ - consumed_ > max_statement_) {
        status_ = TooLong(consumed_);
        return false;
      }
      continue;  // re-checks whether enough has arrived
    }
    const Status error = splitter_->status();
    const size_t at = region_begin_ + splitter_->position();
    if (error.ok()) {  // only whitespace, comments, DELIMITER commands were left
      consumed_ = region_end_;
      want_ = 1;
      Suspend();
      continue;
    }
    if (!finished_ && IsUnterminated(error)) {
      consumed_ = at;
      want_ = std::max<size_t>(1, 2 * (region_end_ - consumed_));
      Suspend();
      if (region_end_ - consumed_ > max_statement_) {
        status_ = TooLong(consumed_);
        return false;
      }
      continue;
    }
    status_ = Rebase(error);
    splitter_.reset();
    return false;
  }
}

}  // namespace myvault::sql
