// The S3 client's retries and error lines against a loopback HTTP server that fails on purpose
// (s3rver, in the integration tests, cannot answer 503 or 429 or refuse a permission): transient
// answers are retried with backoff, one warning each, and succeed once the server recovers;
// refusals are not retried; each cause maps to one line and its status code; no request and no
// message carries the secret key.
#include "storage/s3_client.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "../status_assertions.h"
#include "http_listener.h"

namespace myvault::storage {
namespace {

using testutil::HttpListener;

constexpr char kSecret[] = "wJalrXUtnFEMIK7MDENGbPxRfiCYSECRETKEY";

S3Config ConfigFor(int port) {
  S3Config c;
  c.access_key = "AKIDTEST";
  c.secret_key = kSecret;
  c.region = "eu-west-1";
  c.endpoint = "http://127.0.0.1:" + std::to_string(port);
  c.path_style = true;
  c.credentials_source = "the environment";
  return c;
}

struct Client {
  explicit Client(int port, int attempts = 6)
      : s3(ConfigFor(port), "bucket", RetryPolicy{attempts, 0.01},
           [this](const std::string& line) { warnings.push_back(line); }) {}
  std::vector<std::string> warnings;
  S3Client s3;
};

void ExpectNoSecretIn(const std::vector<HttpListener::Request>& requests) {
  for (const auto& r : requests) {
    EXPECT_EQ(r.request_line.find(kSecret), std::string::npos) << r.request_line;
    for (const auto& [name, value] : r.headers) {
      EXPECT_EQ(value.find(kSecret), std::string::npos) << name << ": " << value;
    }
  }
}

TEST(S3Client, A503AndA429AreRetriedUntilTheServerRecovers) {
  HttpListener server(200, "payload");
  server.FailFirst(2, 503);
  Client c(server.port());
  ASSERT_OK_AND_ASSIGN(S3Response got, c.s3.Send(S3Request("GET", "db/x.sql.gz")));
  EXPECT_EQ(got.status, 200);
  EXPECT_EQ(got.body, "payload");
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 3u) << "two 503s, then the answer";
  EXPECT_EQ(requests[0].request_line, "GET /bucket/db/x.sql.gz HTTP/1.1") << "path-style";
  EXPECT_EQ(
      requests[0].headers.at("authorization").rfind("AWS4-HMAC-SHA256 Credential=AKIDTEST/", 0), 0u)
      << "signed by libcurl with SigV4: " << requests[0].headers.at("authorization");
  ExpectNoSecretIn(requests);
  ASSERT_EQ(c.warnings.size(), 2u);
  EXPECT_NE(c.warnings[0].find("S3 GET db/x.sql.gz: 503; retrying"), std::string::npos)
      << c.warnings[0];
  EXPECT_NE(c.warnings[0].find("retrying in 0.01 s (attempt 2 of 6)"), std::string::npos)
      << c.warnings[0];
  EXPECT_NE(c.warnings[1].find("(attempt 3 of 6)"), std::string::npos) << c.warnings[1];

  HttpListener throttled(200, "ok");
  throttled.FailFirst(1, 429);
  Client t(throttled.port());
  ASSERT_OK_AND_ASSIGN(got, t.s3.Send(S3Request("PUT", "k")));
  EXPECT_EQ(got.status, 200);
  EXPECT_EQ(throttled.requests().size(), 2u);
}

TEST(S3Client, TransientAnswersStopAtTheAttemptsAndRefusalsAreNotRetried) {
  HttpListener busy(503, "<Error><Code>SlowDown</Code><Message>Please reduce</Message></Error>");
  Client b(busy.port(), 3);
  ASSERT_OK_AND_ASSIGN(S3Response got, b.s3.Send(S3Request("GET", "k")));
  EXPECT_EQ(got.status, 503);
  EXPECT_EQ(busy.requests().size(), 3u);
  const Status busy_error = b.s3.Error(got, "read s3://bucket/k");
  EXPECT_EQ(busy_error.code(), StatusCode::kIo);
  EXPECT_EQ(busy_error.message(), "read s3://bucket/k: Please reduce (HTTP 503, SlowDown)");

  HttpListener denied(403,
                      "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>");
  Client d(denied.port());
  ASSERT_OK_AND_ASSIGN(got, d.s3.Send(S3Request("PUT", "k")));
  EXPECT_EQ(denied.requests().size(), 1u) << "a refusal is final";
  EXPECT_TRUE(d.warnings.empty());
  const Status st = d.s3.Error(got, "upload s3://bucket/k");
  EXPECT_EQ(st.code(), StatusCode::kAuth);
  EXPECT_EQ(st.message(),
            "upload s3://bucket/k: access denied to bucket bucket for key AKIDTEST (HTTP 403, "
            "AccessDenied)");
  ExpectNoSecretIn(denied.requests());
}

TEST(S3Client, AnEndpointThatCannotBeReachedIsOneLineAfterTheAttempts) {
  Client c(HttpListener::UnusedPort(), 3);
  Result<S3Response> got = c.s3.Send(S3Request("GET", "k"));
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kConnection);
  EXPECT_NE(got.status().message().find("S3 GET k: cannot reach http://127.0.0.1:"),
            std::string::npos)
      << got.status().message();
  EXPECT_NE(got.status().message().find(" after 3 attempts: "), std::string::npos)
      << got.status().message();
  EXPECT_EQ(got.status().message().find('\n'), std::string::npos);
  EXPECT_EQ(c.warnings.size(), 2u);
}

TEST(S3Client, EachCauseIsOneLineWithItsCode) {
  Client c(HttpListener::UnusedPort());
  struct Case {
    long status;
    std::string code;
    StatusCode want;
    std::string says;
  };
  const std::vector<Case> cases = {
      {404, "NoSuchBucket", StatusCode::kNotFound, "bucket bucket does not exist at http://"},
      {404, "NoSuchKey", StatusCode::kNotFound, "no such object"},
      {404, "", StatusCode::kNotFound, "no such object"},
      {403, "InvalidAccessKeyId", StatusCode::kAuth,
       "S3 refused the credentials from the environment"},
      {403, "SignatureDoesNotMatch", StatusCode::kAuth,
       "S3 refused the credentials from the environment"},
      {403, "ExpiredToken", StatusCode::kAuth, "S3 refused the credentials"},
      {403, "AccessDenied", StatusCode::kAuth, "access denied to bucket bucket for key AKIDTEST"},
      {400, "AuthorizationHeaderMalformed", StatusCode::kInvalidArgument,
       "bucket bucket is not in region eu-west-1 (set AWS_REGION)"},
      {301, "PermanentRedirect", StatusCode::kInvalidArgument, "is not in region eu-west-1"},
      {400, "InvalidPart", StatusCode::kIo, "S3 error (HTTP 400, InvalidPart)"},
  };
  for (const Case& k : cases) {
    S3Response r;
    r.status = k.status;
    if (!k.code.empty()) r.body = "<Error><Code>" + k.code + "</Code></Error>";
    const Status st = c.s3.Error(r, "list s3://bucket/p");
    EXPECT_EQ(st.code(), k.want) << k.code << ": " << st.message();
    EXPECT_NE(st.message().find(k.says), std::string::npos) << k.code << ": " << st.message();
    EXPECT_EQ(st.message().find('\n'), std::string::npos) << st.message();
    EXPECT_EQ(st.message().find(kSecret), std::string::npos) << st.message();
  }
}

}  // namespace
}  // namespace myvault::storage
