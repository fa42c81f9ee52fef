// Secondary indexes built after the data (--defer-indexes).
//
// Loading rows into a table that has its secondary indexes maintains each index row by row, in
// key order of the primary key: random insertions into every secondary B-tree. Building them
// after the data sorts each index once. DeferrableKeys decides from the server's own SHOW CREATE
// TABLE text which indexes can go and how to put them back; the table's final definition is the
// same as without deferral (same keys, same order).
//
// A table qualifies when it is InnoDB, neither has nor (per the caller) is the target of a
// foreign key (InnoDB refuses to drop an index a constraint uses), has no FULLTEXT or SPATIAL
// key (their position among the keys could change), and has at least one plain KEY.
//
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace myvault::restore {

struct DeferredKey {
  std::string name;    // "`a`" as quoted in SHOW CREATE TABLE
  std::string clause;  // "ADD KEY `a` (`x`) COMMENT 'c'"
};

// From SHOW CREATE TABLE output, in key order; empty when the table does not qualify.
std::vector<DeferredKey> DeferrableKeys(std::string_view create_table);

// "DROP INDEX `a`, DROP INDEX `b`" and "ADD KEY ..., ADD KEY ..." for one ALTER TABLE.
std::string DropClause(const std::vector<DeferredKey>& keys);
std::string AddClause(const std::vector<DeferredKey>& keys);

// The journal's form of a deferral: one ADD clause per line (SHOW CREATE TABLE escapes newlines
// in comments), and back; EncodeKeys(DecodeKeys(x)) == x.
std::string EncodeKeys(const std::vector<DeferredKey>& keys);
std::vector<DeferredKey> DecodeKeys(std::string_view text);

}  // namespace myvault::restore
