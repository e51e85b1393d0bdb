// The component registry and the lifecycle of the selected components (common/server/
// component_set.h), with fake components that record every call: --services selection
// ("all", lists, unknown names), flags, the order of each step, and a failing start.
#include "common/server/component_set.h"

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "common/server/component_registry.h"
#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele::server {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Records "<name>.<step>" for every call.
class FakeComponent final : public Component {
 public:
  FakeComponent(std::string name, std::vector<std::string>* calls)
      : name_(std::move(name)), calls_(calls) {}
  ~FakeComponent() override { calls_->push_back(name_ + ".destroy"); }

  void AddFlags(CLI::App& app) override {
    app.add_option("--" + name_ + "_threads", threads_, "threads of " + name_);
  }
  absl::Status Open(const ComponentEnvironment& env) override {
    calls_->push_back(name_ + ".open");
    env_deployment_ = env.deployment;
    return open_status;
  }
  std::vector<grpc::Service*> services() override { return {}; }
  std::vector<std::string> health_names() const override { return {"fake." + name_}; }
  absl::Status Start(std::shared_ptr<const ComponentChannels> channels) override {
    calls_->push_back(name_ + ".start");
    channels_ = std::move(channels);
    return start_status;
  }
  absl::Status Health() const override { return health; }
  void Drain() override { calls_->push_back(name_ + ".drain"); }
  void Stop() override { calls_->push_back(name_ + ".stop"); }
  absl::Status Flush() override {
    calls_->push_back(name_ + ".flush");
    return flush_status;
  }
  std::vector<std::string> stores() const override { return {name_}; }

  int threads() const { return threads_; }
  const ComponentChannels* channels() const { return channels_.get(); }

  absl::Status open_status, start_status, flush_status, health;

 private:
  const std::string name_;
  std::vector<std::string>* const calls_;
  int threads_ = 1;
  Deployment env_deployment_;
  std::shared_ptr<const ComponentChannels> channels_;
};

// Registers "log" (with an address flag), "people", "jobs", in that order; `created` gets
// each instance so that a test can configure it.
class ComponentSetTest : public ::testing::Test {
 protected:
  ComponentSetTest() {
    for (const std::string name : {"log", "people", "jobs"}) {
      EXPECT_THAT(registry_.Register({name, "the " + name + " component",
                                      name == "log" ? "host:port of log" : "",
                                      [this, name] {
                                        auto c = std::make_unique<FakeComponent>(name, &calls_);
                                        created_[name] = c.get();
                                        return c;
                                      }}),
                  IsOk());
    }
  }

  // Parses `args` (after the program name) with the set's flags.
  void Parse(ComponentSet& set, std::vector<std::string> args) {
    CLI::App app;
    set.AddFlags(app);
    std::reverse(args.begin(), args.end());  // CLI11 takes them last first.
    app.parse(args);
  }

  ComponentRegistry registry_;
  std::vector<std::string> calls_;
  std::map<std::string, FakeComponent*> created_;
};

TEST_F(ComponentSetTest, RegistryRefusesADuplicateOrReservedName) {
  auto create = [] { return std::unique_ptr<Component>(); };
  EXPECT_THAT(registry_.Register({"log", "again", "", create}),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("'log'")));
  EXPECT_THAT(registry_.Register({"all", "", "", create}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("'all'")));
  EXPECT_THAT(registry_.Register({"a,b", "", "", create}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("comma")));
  EXPECT_THAT(registry_.Register({"x", "", "", nullptr}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("create")));
  EXPECT_EQ(registry_.components().size(), 3u);
}

TEST_F(ComponentSetTest, AnUnknownNameIsAnErrorListingTheRegisteredOnes) {
  ComponentSet set(registry_);
  EXPECT_THAT(set.Select("people,gateway"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("--services"), HasSubstr("'gateway'"),
                             HasSubstr("known: all, log, people, jobs"))));
  ComponentSet none(registry_);
  EXPECT_THAT(none.Select(" , "),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("no service named")));
}

TEST_F(ComponentSetTest, AllSelectsEveryComponentInRegistrationOrder) {
  ComponentSet set(registry_);
  ASSERT_THAT(set.Select("all"), IsOk());
  EXPECT_THAT(set.names(), ElementsAre("log", "people", "jobs"));
  EXPECT_THAT(set.stores(), ElementsAre("log", "people", "jobs"));
  EXPECT_THAT(set.health_names(), ElementsAre("fake.log", "fake.people", "fake.jobs"));
}

TEST_F(ComponentSetTest, AListSelectsItsComponentsInRegistrationOrderAndDropsTheOthers) {
  ComponentSet set(registry_);
  ASSERT_THAT(set.Select("jobs, log,jobs"), IsOk());
  EXPECT_THAT(set.names(), ElementsAre("log", "jobs"));
  EXPECT_THAT(calls_, ElementsAre("people.destroy"));
  const Deployment deployment = set.deployment();
  EXPECT_TRUE(deployment.RunsHere("jobs"));
  EXPECT_FALSE(deployment.RunsHere("people"));
  EXPECT_FALSE(deployment.Reachable("people"));
}

TEST_F(ComponentSetTest, EachComponentGetsItsFlagsAndAddressFlagsFillTheDeployment) {
  ComponentSet set(registry_);
  Parse(set, {"--jobs_threads=4", "--log_addr=log-{partition}.log:50051"});
  ASSERT_THAT(set.Select("jobs"), IsOk());
  EXPECT_EQ(created_.at("jobs")->threads(), 4);
  const Deployment deployment = set.deployment();
  EXPECT_TRUE(deployment.Reachable("log"));
  EXPECT_FALSE(deployment.RunsHere("log"));
  EXPECT_EQ(deployment.addresses.at("log"), "log-{partition}.log:50051");
  EXPECT_EQ(AddressOfPartition(deployment.addresses.at("log"), 3), "log-3.log:50051");
  // "{ordinal}": the node owning the partition, partition mod the replicas.
  EXPECT_EQ(AddressOfPartition("log-{ordinal}.log:50051", 5, 2), "log-1.log:50051");
  EXPECT_EQ(AddressOfPartition("log-{ordinal}.log:50051", 5), "log-5.log:50051");
  EXPECT_EQ(AddressOfPartition("127.0.{ordinal}.1:7/{partition}", 4, 3), "127.0.1.1:7/4");
  // Only components that declare an address get the flag.
  CLI::App app;
  ComponentSet other(registry_);
  other.AddFlags(app);
  EXPECT_THROW(app.parse(std::vector<std::string>{"--people_addr=x:1"}), CLI::ParseError);
}

TEST_F(ComponentSetTest, LifecycleStepsRunInOrderAndShutdownStepsInReverse) {
  {
    ComponentSet set(registry_);
    ASSERT_THAT(set.Select("all"), IsOk());
    ComponentEnvironment env;
    env.deployment = set.deployment();
    ASSERT_THAT(set.Open(env), IsOk());
    ASSERT_THAT(set.Start(nullptr, 1 << 20), IsOk());
    set.Drain();
    set.Stop();
    ASSERT_THAT(set.Flush(), IsOk());
  }
  EXPECT_THAT(calls_, ElementsAre("log.open", "people.open", "jobs.open",     //
                                  "log.start", "people.start", "jobs.start",  //
                                  "jobs.drain", "people.drain", "log.drain",  //
                                  "jobs.stop", "people.stop", "log.stop",     //
                                  "jobs.flush", "people.flush", "log.flush",  //
                                  "jobs.destroy", "people.destroy", "log.destroy"));
}

TEST_F(ComponentSetTest, EachComponentGetsChannelsToTheDeployment) {
  ComponentSet set(registry_);
  Parse(set, {"--log_addr=127.0.0.1:1"});
  ASSERT_THAT(set.Select("jobs"), IsOk());
  ComponentEnvironment env;
  env.deployment = set.deployment();
  ASSERT_THAT(set.Open(env), IsOk());
  ASSERT_THAT(set.Start(nullptr, 1 << 20), IsOk());
  const ComponentChannels* channels = created_.at("jobs")->channels();
  ASSERT_NE(channels, nullptr);
  EXPECT_NE(channels->ChannelTo("log", 0), nullptr);
  // One channel per address, shared by later calls.
  EXPECT_EQ(channels->ChannelTo("log", 0), channels->ChannelTo("log", 5));
  EXPECT_EQ(channels->ChannelTo("people"), nullptr);  // Neither here nor addressed.
}

TEST_F(ComponentSetTest, AFailingOpenNamesTheComponentAndOpensNoMore) {
  ComponentSet set(registry_);
  ASSERT_THAT(set.Select("all"), IsOk());
  created_.at("people")->open_status = absl::DataLossError("store people: corrupt");
  ComponentEnvironment env;
  EXPECT_THAT(set.Open(env),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("people: store people: corrupt")));
  EXPECT_THAT(calls_, ElementsAre("log.open", "people.open"));
}

TEST_F(ComponentSetTest, AFailingStartDrainsAndStopsWhatStartedInReverse) {
  ComponentSet set(registry_);
  ASSERT_THAT(set.Select("all"), IsOk());
  created_.at("people")->start_status = absl::UnavailableError("no log");
  ComponentEnvironment env;
  ASSERT_THAT(set.Open(env), IsOk());
  calls_.clear();
  EXPECT_THAT(set.Start(nullptr, 1 << 20),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("people: no log")));
  EXPECT_THAT(calls_, ElementsAre("log.start", "people.start", "people.drain", "log.drain",
                                  "people.stop", "log.stop"));
}

TEST_F(ComponentSetTest, FlushFlushesEveryComponentAndReportsTheFirstFailure) {
  ComponentSet set(registry_);
  ASSERT_THAT(set.Select("all"), IsOk());
  created_.at("people")->flush_status = absl::InternalError("disk full");
  calls_.clear();
  EXPECT_THAT(set.Flush(), StatusIs(absl::StatusCode::kInternal, HasSubstr("people: disk full")));
  EXPECT_THAT(calls_, ElementsAre("jobs.flush", "people.flush", "log.flush"));
}

TEST_F(ComponentSetTest, HealthChecksCallTheirComponent) {
  ComponentSet set(registry_);
  ASSERT_THAT(set.Select("log,jobs"), IsOk());
  created_.at("jobs")->health = absl::DataLossError("damaged");
  std::vector<HealthMonitor::Check> checks = set.health_checks();
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_EQ(checks[0].service_name, "fake.log");
  EXPECT_THAT(checks[0].check(), IsOk());
  EXPECT_EQ(checks[1].service_name, "fake.jobs");
  EXPECT_THAT(checks[1].check(), StatusIs(absl::StatusCode::kDataLoss, HasSubstr("damaged")));
}

}  // namespace
}  // namespace clientele::server
