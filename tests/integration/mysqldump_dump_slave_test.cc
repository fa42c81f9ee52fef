// mysqldump --dump-slave on a replica (a throwaway server given a source with CHANGE MASTER; no
// source need answer): the CHANGE MASTER line names the source's host, port, file and position,
// and the replica's SQL thread is left as the dump found it. It stops the thread for the dump
// and starts it again only if it was running: before, a replica an operator had stopped was
// started again by a backup (MariaDB's own main.mysqldump-nl test stops on that).
#include "mysqldump_fixture.h"
#include "throwaway_server.h"

namespace myvault::it {
namespace {

class MysqldumpDumpSlave : public MysqldumpTest {};

TEST_F(MysqldumpDumpSlave, LeavesTheReplicaSqlThreadAsItFoundIt) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<ThrowawayServer> server,
                       ThrowawayServer::Start(dir_->Join("replica")));
  ASSERT_OK_AND_ASSIGN(std::string cnf,
                       WriteOptionFile(server->config(), dir_->path(), "replica.cnf"));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<TestServer> replica, TestServer::Connect(server->config()));
  ASSERT_OK(replica->Exec(
      "CREATE DATABASE app; CREATE TABLE app.t (id INT PRIMARY KEY); INSERT INTO app.t VALUES "
      "(1); CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=1, MASTER_USER='repl', "
      "MASTER_LOG_FILE='b''n.000001', MASTER_LOG_POS=4"));
  // SHOW SLAVE STATUS's Slave_SQL_Running (its 12th column on MariaDB), set before START SLAVE
  // returns; with the whole row after it, for a failure's message.
  auto running = [&]() -> std::pair<std::string, std::string> {
    Result<std::vector<Row>> rows = replica->Query("SHOW SLAVE STATUS");
    if (!rows.ok()) return {rows.status().message(), ""};
    if (rows->size() != 1 || (*rows)[0].size() < 12) return {"no replica status", ""};
    std::string text;
    for (const auto& v : (*rows)[0]) text += v.value_or("NULL") + "|";
    return {(*rows)[0][11].value_or("NULL"), text};
  };
  for (const bool started : {false, true}) {
    if (started) ASSERT_OK(replica->Exec("START SLAVE SQL_THREAD"));
    ASSERT_EQ(running().first, started ? "Yes" : "No") << running().second;
    ASSERT_OK_AND_ASSIGN(CommandResult r,
                         RunMysqldumpMode({"--defaults-file=" + cnf, "--dump-slave", "app"}));
    ASSERT_EQ(r.exit_code, 0) << r.Describe();
    EXPECT_NE(r.out.find("MASTER_LOG_FILE='b"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("MASTER_LOG_POS=4;"), std::string::npos) << r.out;
    EXPECT_EQ(running().first, started ? "Yes" : "No")
        << (started ? "the SQL thread was not started again: " : "a stopped replica was started: ")
        << running().second;
  }
  ASSERT_OK(replica->Exec("STOP SLAVE; RESET SLAVE ALL"));
}

}  // namespace
}  // namespace myvault::it
