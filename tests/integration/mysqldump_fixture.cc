// Running mysqldump mode and the stock tools, and reading dump text.
#include "mysqldump_fixture.h"

#include <charconv>

namespace myvault::it {

Result<CommandResult> RunMysqldumpMode(const std::vector<std::string>& args,
                                       CommandOptions options) {
  std::vector<std::string> argv = {"mysqldump"};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunMyvault(argv, std::move(options));
}

Status RestoreWithClient(const std::string& sql_file, const std::string& cnf,
                         const std::string& db) {
  std::vector<std::string> argv = {"mariadb", "--defaults-file=" + cnf, "--max-allowed-packet=1G"};
  if (!db.empty()) argv.push_back(db);
  CommandOptions options;
  options.stdin_file = sql_file;
  options.timeout = std::chrono::minutes(5);
  ASSIGN_OR_RETURN(CommandResult r, RunCommand(argv, options));
  if (r.exit_code != 0) return Internal("mariadb < " + sql_file + " failed: " + r.Describe());
  return Status::Ok();
}

Result<CommandResult> MysqldumpTest::Mysqldump(const std::vector<std::string>& args,
                                               const CommandOptions& options) {
  std::vector<std::string> argv = {"--defaults-file=" + source_cnf_};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunMysqldumpMode(argv, options);
}

Result<std::string> MysqldumpTest::MysqldumpText(const std::vector<std::string>& args) {
  ASSIGN_OR_RETURN(CommandResult r, Mysqldump(args));
  if (r.exit_code != 0) return Internal("myvault mysqldump failed: " + r.Describe());
  return std::move(r.out);
}

Result<CommandResult> MysqldumpTest::MariadbDump(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"mariadb-dump", "--defaults-file=" + source_cnf_};
  argv.insert(argv.end(), args.begin(), args.end());
  CommandOptions options;
  options.timeout = std::chrono::minutes(5);
  return RunCommand(argv, options);
}

Status MysqldumpTest::DropOnTarget(const std::vector<std::string>& databases) {
  for (const std::string& db : databases) {
    RETURN_IF_ERROR(target_->Exec("DROP DATABASE IF EXISTS " + QuoteIdent(db)));
  }
  return Status::Ok();
}

Status LoadFormatDatabase(TestServer& server) {
  const std::string db = QuoteIdent(kFormatDb);
  return server.Exec("DROP DATABASE IF EXISTS " + db + "; CREATE DATABASE " + db + "; USE " + db +
                     R"(;
CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(20), n INT);
INSERT INTO t VALUES (1, 'one', 10), (2, 'two', 20), (3, 'three', NULL), (4, 'fo''ur', 40),
  (5, 'five', 50);
CREATE TABLE u (id INT PRIMARY KEY, v VARCHAR(10));
INSERT INTO u VALUES (1, 'a'), (2, 'b'), (3, 'c');
CREATE TRIGGER t_bi BEFORE INSERT ON t FOR EACH ROW SET NEW.n = NEW.n + 1;
CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END;
CREATE VIEW v AS SELECT id, name FROM t)");
}

Status EnsureBigTables(TestServer& server) {
  const std::string db = QuoteIdent(kBigDb);
  const std::string rows = std::to_string(kBigRows);
  Result<std::string> have =
      server.QueryValue("SELECT (SELECT COUNT(*) FROM " + db +
                        ".int_key) + (SELECT COUNT(*) FROM " + db + ".str_key)");
  if (have.ok() && *have == std::to_string(2 * kBigRows)) return Status::Ok();
  const std::string pad = "CONCAT(REPEAT('x', 100), seq)";
  return server.Exec(
      "SET SESSION sql_log_bin = 0; DROP DATABASE IF EXISTS " + db + "; CREATE DATABASE " + db +
      "; CREATE TABLE " + db + ".int_key (id INT PRIMARY KEY, pad VARCHAR(120)); INSERT INTO " +
      db + ".int_key SELECT seq * 3, " + pad + " FROM " + db + ".seq_1_to_" + rows +
      "; CREATE TABLE " + db +
      ".str_key (id INT NOT NULL, k VARCHAR(16) PRIMARY KEY, pad VARCHAR(120)); INSERT INTO " + db +
      ".str_key SELECT seq * 3, LPAD(seq * 3, 12, '0'), " + pad + " FROM " + db + ".seq_1_to_" +
      rows + "; ANALYZE TABLE " + db + ".int_key, " + db + ".str_key; SET SESSION sql_log_bin = 1");
}

size_t CountOf(std::string_view text, std::string_view needle) {
  size_t n = 0;
  for (size_t pos = text.find(needle); pos != std::string_view::npos;
       pos = text.find(needle, pos + needle.size())) {
    ++n;
  }
  return n;
}

std::string LastNonEmptyLine(std::string_view text) {
  while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  const size_t start = text.rfind('\n');
  return std::string(start == std::string_view::npos ? text : text.substr(start + 1));
}

std::vector<std::string> LinesStartingWith(std::string_view text, std::string_view prefix) {
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(pos, end - pos);
    if (line.substr(0, prefix.size()) == prefix) lines.emplace_back(line);
    pos = end + 1;
  }
  return lines;
}

std::vector<long long> InsertedIds(std::string_view sql, std::string_view table) {
  std::vector<long long> ids;
  const std::string into = "INTO " + QuoteIdent(table) + " ";
  size_t pos = 0;
  while ((pos = sql.find(into, pos)) != std::string_view::npos) {
    const size_t line = sql.rfind('\n', pos);
    const size_t line_start = line == std::string_view::npos ? 0 : line + 1;
    const std::string_view verb = sql.substr(line_start, pos - line_start);
    const size_t values = sql.find("VALUES", pos);
    pos += into.size();
    if ((verb != "INSERT " && verb != "INSERT IGNORE " && verb != "REPLACE ") ||
        values == std::string_view::npos) {
      continue;
    }
    size_t end = sql.find(";\n", values);
    if (end == std::string_view::npos) end = sql.size();
    for (size_t i = values; i < end; ++i) {
      if (sql[i] != '(') continue;
      long long id = 0;
      const auto [next, ec] = std::from_chars(sql.data() + i + 1, sql.data() + end, id);
      if (ec == std::errc() && next < sql.data() + end && (*next == ',' || *next == ')')) {
        ids.push_back(id);
      }
    }
    pos = end;
  }
  return ids;
}

}  // namespace myvault::it
