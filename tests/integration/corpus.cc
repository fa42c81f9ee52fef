// Loading the edge-case corpus, and reusing an already loaded, unchanged one.
#include "corpus.h"

namespace myvault::it {
namespace {

constexpr char kMetaDb[] = "mv_test_meta";

std::vector<std::string> CorpusScript() {
  std::vector<std::string> script;
  for (const std::string& db : CorpusDatabases()) {
    script.push_back("DROP DATABASE IF EXISTS " + QuoteIdent(db));
  }
  corpus_internal::AppendTypeTables(&script);
  corpus_internal::AppendKeyTables(&script);
  corpus_internal::AppendObjects(&script);
  corpus_internal::AppendOtherDatabases(&script);
  // The loader's session must look like any other afterwards.
  script.push_back(
      "SET SESSION sql_mode = DEFAULT, time_zone = DEFAULT, foreign_key_checks = 1; USE mysql");
  return script;
}

// Identifies this version of the corpus definition: any change to the script changes it.
std::string ScriptDigest(const std::vector<std::string>& script) {
  std::string all;
  for (const std::string& batch : script) {
    all += Sha256Hex(batch);
  }
  return Sha256Hex(all);
}

Status RunScript(TestServer& server, const std::vector<std::string>& script) {
  for (size_t i = 0; i < script.size(); ++i) {
    Status st = server.Exec(script[i]);
    if (!st.ok()) return st.WithContext("corpus batch " + std::to_string(i));
  }
  return Status::Ok();
}

std::string MetaValue(const std::string& script_digest, const Fingerprint& fp) {
  return script_digest + "/" + DigestOf(fp);
}

}  // namespace

Status LoadEdgeCaseCorpus(TestServer& server) { return RunScript(server, CorpusScript()); }

Result<Fingerprint> EnsureEdgeCaseCorpus(TestServer& server) {
  const std::vector<std::string> script = CorpusScript();
  const std::string script_digest = ScriptDigest(script);
  RETURN_IF_ERROR(server.Exec(std::string("CREATE DATABASE IF NOT EXISTS ") + kMetaDb +
                              "; CREATE TABLE IF NOT EXISTS " + kMetaDb +
                              ".corpus (id INT PRIMARY KEY, digest VARCHAR(200))"));
  ASSIGN_OR_RETURN(auto stored,
                   server.Query(std::string("SELECT digest FROM ") + kMetaDb + ".corpus"));
  Result<Fingerprint> current = TakeFingerprint(server.config(), CorpusDatabases());
  if (current.ok() && stored.size() == 1 &&
      stored[0][0].value_or("") == MetaValue(script_digest, *current)) {
    return current;
  }
  RETURN_IF_ERROR(server.Exec(std::string("DELETE FROM ") + kMetaDb + ".corpus"));
  RETURN_IF_ERROR(RunScript(server, script));
  ASSIGN_OR_RETURN(Fingerprint loaded, TakeFingerprint(server.config(), CorpusDatabases()));
  RETURN_IF_ERROR(server.Exec(std::string("INSERT INTO ") + kMetaDb + ".corpus VALUES (1, '" +
                              MetaValue(script_digest, loaded) + "')"));
  return loaded;
}

}  // namespace myvault::it
