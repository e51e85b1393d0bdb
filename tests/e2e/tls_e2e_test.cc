// clienteled's TLS flags end to end, with certificates scripts/dev-certs makes for the test:
// the CLI over TLS and mTLS to one server, a split deployment whose consumer reaches ingest
// over mTLS, and the usage errors of bad TLS flags in clienteled, clientele and clientele-load.
#include <string>
#include <vector>

#include "common/testing/child_process.h"
#include "common/testing/poll.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace clientele::testing {
namespace {

using ::testing::HasSubstr;

const std::string kSample = std::string(CLT_TEST_DATA_DIR) + "/online_retail_sample.csv";

class TlsE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const CommandResult made = RunCommand({CLT_DEV_CERTS, certs_.path()});
    ASSERT_EQ(made.exit_code, 0) << made.err;
  }

  std::string Cert(const std::string& name) const { return certs_.Sub(name); }

  // The flags of a listener that requires client certificates of the dev CA.
  std::vector<std::string> MutualTlsListener() const {
    return {"--tls_cert=" + Cert("server.pem"), "--tls_key=" + Cert("server-key.pem"),
            "--tls_client_ca=" + Cert("ca.pem")};
  }

  // `clientele --server=<server> <tls> <args>`.
  static CommandResult Cli(const std::string& server, const std::vector<std::string>& tls,
                           const std::vector<std::string>& args) {
    std::vector<std::string> argv = {std::string(CLT_BIN_DIR) + "/clientele", "--server=" + server};
    argv.insert(argv.end(), tls.begin(), tls.end());
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv);
  }

  // The CLI's TLS flags with the dev CA and, if `with_certificate`, the client certificate.
  std::vector<std::string> CliTls(bool with_certificate) const {
    std::vector<std::string> tls = {"--tls-ca=" + Cert("ca.pem")};
    if (with_certificate) {
      tls.push_back("--tls-cert=" + Cert("client.pem"));
      tls.push_back("--tls-key=" + Cert("client-key.pem"));
    }
    return tls;
  }

  TempDir certs_;
  TempDir data_;
};

TEST_F(TlsE2eTest, TheCliReachesATlsServerWithTheCaAndOnlyWithIt) {
  ServerProcess server =
      StartServer(CLT_BIN_DIR, data_.Sub("server"),
                  {"--tls_cert=" + Cert("server.pem"), "--tls_key=" + Cert("server-key.pem")});
  ASSERT_FALSE(server.address.empty()) << "clienteled did not start with TLS";
  const CommandResult log = Cli(server.address, CliTls(false), {"--json", "log"});
  EXPECT_EQ(log.exit_code, 0) << log.err;
  EXPECT_TRUE(nlohmann::json::parse(log.out, nullptr, false).is_object()) << log.out;

  const CommandResult plaintext = Cli(server.address, {}, {"log"});
  EXPECT_EQ(plaintext.exit_code, 1);
  EXPECT_THAT(plaintext.err, HasSubstr("UNAVAILABLE"));
  const CommandResult other_ca = Cli(server.address, {"--tls-ca=" + Cert("other-ca.pem")}, {"log"});
  EXPECT_EQ(other_ca.exit_code, 1);
  EXPECT_THAT(other_ca.err, HasSubstr("UNAVAILABLE"));
}

TEST_F(TlsE2eTest, AMutualTlsServerServesOnlyClientsWithACertificateOfItsCa) {
  ServerProcess server = StartServer(CLT_BIN_DIR, data_.Sub("server"), MutualTlsListener());
  ASSERT_FALSE(server.address.empty()) << "clienteled did not start with mTLS";
  const CommandResult with = Cli(server.address, CliTls(true), {"log"});
  EXPECT_EQ(with.exit_code, 0) << with.err;
  const CommandResult without = Cli(server.address, CliTls(false), {"log"});
  EXPECT_EQ(without.exit_code, 1);
  EXPECT_THAT(without.err, HasSubstr("UNAVAILABLE"));
  const CommandResult foreign =
      Cli(server.address,
          {"--tls-ca=" + Cert("ca.pem"), "--tls-cert=" + Cert("other-client.pem"),
           "--tls-key=" + Cert("other-client-key.pem")},
          {"log"});
  EXPECT_EQ(foreign.exit_code, 1);
  EXPECT_THAT(foreign.err, HasSubstr("UNAVAILABLE"));
}

// ingest alone behind mTLS; identity consumes its log over a channel with the client
// certificate (--tls_ca, --tls_client_cert, --tls_client_key) and serves mTLS itself.
TEST_F(TlsE2eTest, ASplitDeploymentsConsumerReachesIngestOverMutualTls) {
  std::vector<std::string> ingest_args = MutualTlsListener();
  ingest_args.push_back("--services=ingest");
  ServerProcess ingest = StartServer(CLT_BIN_DIR, data_.Sub("ingest"), ingest_args);
  ASSERT_FALSE(ingest.address.empty()) << "ingest did not start";
  std::vector<std::string> identity_args = MutualTlsListener();
  identity_args.insert(
      identity_args.end(),
      {"--services=identity", "--ingest_addr=" + ingest.address, "--tls_ca=" + Cert("ca.pem"),
       "--tls_client_cert=" + Cert("client.pem"), "--tls_client_key=" + Cert("client-key.pem")});
  ServerProcess identity = StartServer(CLT_BIN_DIR, data_.Sub("identity"), identity_args);
  ASSERT_FALSE(identity.address.empty()) << "identity did not start";

  const CommandResult import =
      Cli(ingest.address, CliTls(true), {"import", "--format=online-retail", kSample});
  ASSERT_EQ(import.exit_code, 0) << import.err;
  // identity's consumer registers with its first progress over the mTLS channel; then it has
  // applied the whole log.
  auto synced_consumers = [&] {
    const CommandResult sync =
        Cli(ingest.address, CliTls(true), {"--json", "sync", "--timeout=60"});
    if (sync.exit_code != 0) return -1;
    const nlohmann::json j = nlohmann::json::parse(sync.out, nullptr, false);
    return j.is_object() && j.contains("consumers") ? j["consumers"].get<int>() : -1;
  };
  ASSERT_TRUE(PollUntil([&] { return synced_consumers() == 1; }, absl::Seconds(60)))
      << synced_consumers();
  const CommandResult profiles =
      Cli(identity.address, CliTls(true), {"--json", "profile", "get", "--id=P0000000001"});
  EXPECT_EQ(profiles.exit_code, 0) << profiles.err;
  EXPECT_THAT(profiles.out, HasSubstr("P0000000001"));
}

TEST_F(TlsE2eTest, BadTlsFlagsOfClienteledAreUsageErrorsNamingTheFlag) {
  const std::string missing = certs_.Sub("missing.pem");
  const std::vector<std::string> base = {std::string(CLT_BIN_DIR) + "/clienteled",
                                         "--data_dir=" + data_.Sub("data"), "--listen=127.0.0.1:0",
                                         "--metrics_listen=off"};
  struct Case {
    std::vector<std::string> flags;
    std::string error;
  };
  const std::vector<Case> cases = {
      {{"--tls_cert=" + missing, "--tls_key=" + Cert("server-key.pem")}, "--tls_cert: '" + missing},
      {{"--tls_cert=" + Cert("server.pem")}, "--tls_cert: needs --tls_key"},
      {{"--tls_client_ca=" + Cert("ca.pem")}, "--tls_client_ca: needs --tls_cert"},
      {{"--tls_cert=" + Cert("server.pem"), "--tls_key=" + Cert("client-key.pem")},
       "--tls_key: '" + Cert("client-key.pem") + "' does not match"},
      {{"--tls_ca=" + missing}, "--tls_ca: '" + missing},
      {{"--tls_client_cert=" + Cert("client.pem")}, "--tls_client_cert: needs --tls_client_key"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> argv = base;
    argv.insert(argv.end(), c.flags.begin(), c.flags.end());
    const CommandResult start = RunCommand(argv);
    EXPECT_EQ(start.exit_code, 2) << c.error << "\n" << start.err;
    EXPECT_THAT(start.err, HasSubstr(c.error));
  }
}

TEST_F(TlsE2eTest, AMissingTlsFileOfTheCliOrTheLoadGeneratorIsAUsageErrorNamingTheFlag) {
  const std::string missing = certs_.Sub("missing.pem");
  const CommandResult cli = Cli("127.0.0.1:1", {"--tls-ca=" + missing}, {"log"});
  EXPECT_EQ(cli.exit_code, 2);
  EXPECT_THAT(cli.err, HasSubstr("--tls-ca: '" + missing));
  const CommandResult cert_only = Cli("127.0.0.1:1", {"--tls-cert=" + Cert("client.pem")}, {"log"});
  EXPECT_EQ(cert_only.exit_code, 2);
  EXPECT_THAT(cert_only.err, HasSubstr("--tls-cert: needs --tls-key"));
  const CommandResult load = RunCommand(
      {std::string(CLT_BIN_DIR) + "/clientele-load", "--server=127.0.0.1:1",
       "--tls-ca=" + Cert("ca.pem"), "--tls-cert=" + Cert("client.pem"), "--tls-key=" + missing});
  EXPECT_EQ(load.exit_code, 2);
  EXPECT_THAT(load.err, HasSubstr("--tls-key: '" + missing));
}

}  // namespace
}  // namespace clientele::testing
