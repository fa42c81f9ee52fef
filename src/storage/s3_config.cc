#include "storage/s3_config.h"

#include <fstream>
#include <map>
#include <optional>

namespace myvault::storage {
namespace {

using Section = std::map<std::string, std::string>;

std::string Trim(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t\r");
  if (a == std::string::npos) return "";
  const size_t b = s.find_last_not_of(" \t\r");
  return s.substr(a, b - a + 1);
}

// The keys of section `wanted` of an INI file ("[default]", "[profile x]"); nullopt when the
// file or the section is missing.
std::optional<Section> ReadSection(const std::string& path, const std::string& wanted) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::optional<Section> out;
  bool inside = false;
  std::string line;
  while (std::getline(in, line)) {
    line = Trim(line);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      inside = Trim(line.substr(1, line.size() - 2)) == wanted;
      if (inside && !out) out.emplace();
      continue;
    }
    const size_t eq = line.find('=');
    if (!inside || eq == std::string::npos) continue;
    (*out)[Trim(line.substr(0, eq))] = Trim(line.substr(eq + 1));
  }
  return out;
}

std::string Get(const std::optional<Section>& s, const std::string& key) {
  if (!s) return "";
  auto it = s->find(key);
  return it == s->end() ? "" : it->second;
}

}  // namespace

Result<S3Config> LoadS3Config(const std::function<const char*(const char*)>& getenv) {
  auto env = [&](const char* name) {
    const char* v = getenv(name);
    return v == nullptr ? std::string() : std::string(v);
  };
  const std::string home = env("HOME");
  const std::string profile = env("AWS_PROFILE").empty() ? "default" : env("AWS_PROFILE");
  std::string credentials_file = env("AWS_SHARED_CREDENTIALS_FILE");
  if (credentials_file.empty()) credentials_file = home + "/.aws/credentials";
  std::string config_file = env("AWS_CONFIG_FILE");
  if (config_file.empty()) config_file = home + "/.aws/config";
  const std::optional<Section> creds = ReadSection(credentials_file, profile);
  const std::optional<Section> config =
      ReadSection(config_file, profile == "default" ? "default" : "profile " + profile);

  S3Config c;
  c.access_key = env("AWS_ACCESS_KEY_ID");
  c.secret_key = env("AWS_SECRET_ACCESS_KEY");
  c.session_token = env("AWS_SESSION_TOKEN");
  c.credentials_source = "the environment (AWS_ACCESS_KEY_ID)";
  const std::pair<const std::optional<Section>*, const std::string*> files[] = {
      {&creds, &credentials_file}, {&config, &config_file}};
  for (const auto& [section, file] : files) {
    if (!c.access_key.empty() && !c.secret_key.empty()) break;
    c.access_key = Get(*section, "aws_access_key_id");
    c.secret_key = Get(*section, "aws_secret_access_key");
    c.session_token = Get(*section, "aws_session_token");
    c.credentials_source = "profile " + profile + " in " + *file;
  }
  if (c.access_key.empty() || c.secret_key.empty()) {
    return Status(StatusCode::kAuth,
                  "no S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or "
                  "AWS_PROFILE with a profile in " +
                      credentials_file);
  }
  c.region = env("AWS_REGION");
  if (c.region.empty()) c.region = env("AWS_DEFAULT_REGION");
  if (c.region.empty()) c.region = Get(config, "region");
  if (c.region.empty()) c.region = "us-east-1";
  c.endpoint = env("AWS_ENDPOINT_URL_S3");
  if (c.endpoint.empty()) c.endpoint = env("AWS_ENDPOINT_URL");
  if (c.endpoint.empty()) c.endpoint = Get(config, "endpoint_url");
  c.path_style = !c.endpoint.empty();
  if (c.endpoint.empty()) c.endpoint = "https://s3." + c.region + ".amazonaws.com";
  while (!c.endpoint.empty() && c.endpoint.back() == '/') c.endpoint.pop_back();
  if (c.endpoint.rfind("http://", 0) != 0 && c.endpoint.rfind("https://", 0) != 0) {
    return InvalidArgument("S3 endpoint '" + c.endpoint +
                           "': use http://HOST[:PORT] or https://...");
  }
  return c;
}

}  // namespace myvault::storage
