#include "common/metrics/registry.h"

#include <cmath>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele::metrics {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(RegistryTest, EmptyRegistryRendersNothing) {
  Registry registry;
  EXPECT_EQ(registry.RenderText(), "");
}

TEST(RegistryTest, RendersCounterWithHelpAndType) {
  Registry registry;
  registry.GetCounter("clt_events_total", "Events appended.")->Increment(3);
  EXPECT_EQ(registry.RenderText(),
            "# HELP clt_events_total Events appended.\n"
            "# TYPE clt_events_total counter\n"
            "clt_events_total 3\n");
}

TEST(RegistryTest, SameNameAndLabelsReturnSameObject) {
  Registry registry;
  Counter* a = registry.GetCounter("c_total", "Help.", {{"x", "1"}, {"y", "2"}});
  Counter* b = registry.GetCounter("c_total", "Help.", {{"y", "2"}, {"x", "1"}});
  Counter* other = registry.GetCounter("c_total", "Help.", {{"x", "2"}, {"y", "2"}});
  EXPECT_EQ(a, b);
  EXPECT_NE(a, other);
  EXPECT_EQ(registry.GetGauge("g", "Help."), registry.GetGauge("g", "Help."));
  EXPECT_EQ(registry.GetHistogram("h", "Help.", {1}), registry.GetHistogram("h", "Help.", {1}));
}

TEST(RegistryTest, RendersFamiliesByNameAndSeriesByLabelsWithHelpOnce) {
  Registry registry;
  registry.GetCounter("b_total", "B.", {{"method", "Put"}, {"code", "OK"}})->Increment(2);
  registry.GetCounter("b_total", "B.", {{"method", "Get"}, {"code", "OK"}})->Increment();
  registry.GetGauge("a_bytes", "A.")->Set(1.5);
  EXPECT_EQ(registry.RenderText(),
            "# HELP a_bytes A.\n"
            "# TYPE a_bytes gauge\n"
            "a_bytes 1.5\n"
            "# HELP b_total B.\n"
            "# TYPE b_total counter\n"
            "b_total{code=\"OK\",method=\"Get\"} 1\n"
            "b_total{code=\"OK\",method=\"Put\"} 2\n");
}

TEST(RegistryTest, RendersGaugeNumbersAndSpecialValues) {
  Registry registry;
  registry.GetGauge("g", "G.", {{"v", "a"}})->Set(-2);
  registry.GetGauge("g", "G.", {{"v", "b"}})->Set(std::numeric_limits<double>::infinity());
  registry.GetGauge("g", "G.", {{"v", "c"}})->Set(-std::numeric_limits<double>::infinity());
  registry.GetGauge("g", "G.", {{"v", "d"}})->Set(std::nan(""));
  registry.GetGauge("g", "G.", {{"v", "e"}})->Set(0.1);
  registry.GetGauge("g", "G.", {{"v", "f"}})->Set(1e21);
  registry.GetGauge("g", "G.", {{"v", "g"}})->Set(0.0001);
  registry.GetGauge("g", "G.", {{"v", "h"}})->Set(0.00001);
  registry.GetGauge("g", "G.", {{"v", "i"}})->Set(1234567);
  registry.GetGauge("g", "G.", {{"v", "j"}})->Set(0);
  EXPECT_EQ(registry.RenderText(),
            "# HELP g G.\n"
            "# TYPE g gauge\n"
            "g{v=\"a\"} -2\n"
            "g{v=\"b\"} +Inf\n"
            "g{v=\"c\"} -Inf\n"
            "g{v=\"d\"} NaN\n"
            "g{v=\"e\"} 0.1\n"
            "g{v=\"f\"} 1e+21\n"
            "g{v=\"g\"} 0.0001\n"
            "g{v=\"h\"} 1e-05\n"
            "g{v=\"i\"} 1234567\n"
            "g{v=\"j\"} 0\n");
}

TEST(RegistryTest, RendersHistogramWithCumulativeBucketsSumAndCount) {
  Registry registry;
  Histogram* h =
      registry.GetHistogram("rpc_seconds", "RPC latency.", {0.005, 0.1, 2.5}, {{"method", "Get"}});
  h->Observe(0.001);
  h->Observe(0.005);  // Bounds are inclusive.
  h->Observe(0.05);
  h->Observe(3);
  EXPECT_EQ(h->count(), 4u);
  EXPECT_EQ(registry.RenderText(),
            "# HELP rpc_seconds RPC latency.\n"
            "# TYPE rpc_seconds histogram\n"
            "rpc_seconds_bucket{method=\"Get\",le=\"0.005\"} 2\n"
            "rpc_seconds_bucket{method=\"Get\",le=\"0.1\"} 3\n"
            "rpc_seconds_bucket{method=\"Get\",le=\"2.5\"} 3\n"
            "rpc_seconds_bucket{method=\"Get\",le=\"+Inf\"} 4\n"
            "rpc_seconds_sum{method=\"Get\"} 3.056\n"
            "rpc_seconds_count{method=\"Get\"} 4\n");
}

TEST(RegistryTest, RendersLatencyBucketBoundsInPlainDecimal) {
  Registry registry;
  registry.GetHistogram("h", "H.", LatencyBucketsSeconds());
  const std::string text = registry.RenderText();
  EXPECT_THAT(text, HasSubstr("h_bucket{le=\"0.0001\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("h_bucket{le=\"0.00025\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("h_bucket{le=\"10\"} 0\n"));
  EXPECT_THAT(text, Not(HasSubstr("e-")));
}

TEST(RegistryTest, RendersUnlabelledHistogram) {
  Registry registry;
  registry.GetHistogram("h", "H.", {1})->Observe(0.5);
  EXPECT_EQ(registry.RenderText(),
            "# HELP h H.\n"
            "# TYPE h histogram\n"
            "h_bucket{le=\"1\"} 1\n"
            "h_bucket{le=\"+Inf\"} 1\n"
            "h_sum 0.5\n"
            "h_count 1\n");
}

TEST(RegistryTest, EscapesLabelValuesAndHelp) {
  Registry registry;
  registry.GetCounter("c_total", "Line one\nback\\slash \"quoted\"", {{"path", "C:\\dir\n\"x\""}})
      ->Increment();
  EXPECT_EQ(registry.RenderText(),
            "# HELP c_total Line one\\nback\\\\slash \"quoted\"\n"
            "# TYPE c_total counter\n"
            "c_total{path=\"C:\\\\dir\\n\\\"x\\\"\"} 1\n");
}

TEST(RegistryTest, GaugeCallbackIsEvaluatedAtEveryRender) {
  Registry registry;
  double sequence = 7;
  registry.AddGaugeCallback("last_sequence", "Last sequence.", {{"partition", "0"}},
                            [&sequence] { return sequence; });
  registry.GetGauge("last_sequence", "Last sequence.", {{"partition", "1"}})->Set(3);
  const std::string expected_header =
      "# HELP last_sequence Last sequence.\n"
      "# TYPE last_sequence gauge\n";
  EXPECT_EQ(registry.RenderText(), expected_header +
                                       "last_sequence{partition=\"0\"} 7\n"
                                       "last_sequence{partition=\"1\"} 3\n");
  sequence = 8;
  EXPECT_THAT(registry.RenderText(), HasSubstr("last_sequence{partition=\"0\"} 8\n"));
}

TEST(RegistryTest, AddingACallbackAgainReplacesItAndRemoveDropsIt) {
  Registry registry;
  registry.AddGaugeCallback("g", "G.", {}, [] { return 1.0; });
  registry.AddGaugeCallback("g", "G.", {}, [] { return 2.0; });
  EXPECT_EQ(registry.RenderText(), "# HELP g G.\n# TYPE g gauge\ng 2\n");
  EXPECT_TRUE(registry.RemoveGaugeCallback("g", {}));
  EXPECT_FALSE(registry.RemoveGaugeCallback("g", {}));
  EXPECT_EQ(registry.RenderText(), "");
}

TEST(RegistryTest, CounterCallbackRendersAsCounter) {
  Registry registry;
  uint64_t written = 41;
  registry.AddCounterCallback("dead_letters_total", "Dead letters.", {},
                              [&written] { return static_cast<double>(written); });
  written = 42;
  EXPECT_EQ(registry.RenderText(),
            "# HELP dead_letters_total Dead letters.\n"
            "# TYPE dead_letters_total counter\n"
            "dead_letters_total 42\n");
  EXPECT_FALSE(registry.RemoveGaugeCallback("dead_letters_total", {}));  // Not a gauge.
  EXPECT_TRUE(registry.RemoveCounterCallback("dead_letters_total", {}));
  EXPECT_EQ(registry.RenderText(), "");
}

TEST(RegistryTest, GaugeFamilyCallbackRendersItsSamplesInLabelOrder) {
  Registry registry;
  std::vector<Sample> samples = {{{{"partition", "1"}, {"consumer", "identity"}}, 5},
                                 {{{"consumer", "analytics"}, {"partition", "0"}}, 0},
                                 {{{"partition", "1"}, {"consumer", "identity"}}, 9}};
  registry.SetGaugeFamilyCallback("lag_events", "Lag.", [&samples] { return samples; });
  EXPECT_EQ(registry.RenderText(),
            "# HELP lag_events Lag.\n"
            "# TYPE lag_events gauge\n"
            "lag_events{consumer=\"analytics\",partition=\"0\"} 0\n"
            "lag_events{consumer=\"identity\",partition=\"1\"} 5\n");
  samples.clear();  // No series: the family is left out.
  EXPECT_EQ(registry.RenderText(), "");
  samples.push_back({{{"consumer", "x"}}, 2.5});
  EXPECT_EQ(registry.RenderText(),
            "# HELP lag_events Lag.\n# TYPE lag_events gauge\nlag_events{consumer=\"x\"} 2.5\n");
  EXPECT_TRUE(registry.RemoveGaugeFamilyCallback("lag_events"));
  EXPECT_FALSE(registry.RemoveGaugeFamilyCallback("lag_events"));
  EXPECT_EQ(registry.RenderText(), "");
}

TEST(RegistryTest, GaugeFamilySourcesMergeAndTheFirstSourceWinsOnTheSameLabels) {
  Registry registry;
  registry.SetGaugeFamilyCallback("lag_events", "Lag.", [] {
    return std::vector<Sample>{{{{"consumer", "identity"}, {"partition", "0"}}, 7}};
  });
  registry.SetGaugeFamilyCallback("lag_events", "Lag.", "consumer/identity", [] {
    return std::vector<Sample>{{{{"consumer", "identity"}, {"partition", "0"}}, 3},
                               {{{"consumer", "identity"}, {"partition", "1"}}, 4}};
  });
  EXPECT_EQ(registry.RenderText(),
            "# HELP lag_events Lag.\n"
            "# TYPE lag_events gauge\n"
            "lag_events{consumer=\"identity\",partition=\"0\"} 7\n"
            "lag_events{consumer=\"identity\",partition=\"1\"} 4\n");
  // Each source goes on its own.
  EXPECT_TRUE(registry.RemoveGaugeFamilyCallback("lag_events"));
  EXPECT_EQ(registry.RenderText(),
            "# HELP lag_events Lag.\n"
            "# TYPE lag_events gauge\n"
            "lag_events{consumer=\"identity\",partition=\"0\"} 3\n"
            "lag_events{consumer=\"identity\",partition=\"1\"} 4\n");
  EXPECT_FALSE(registry.RemoveGaugeFamilyCallback("lag_events", "consumer/analytics"));
  EXPECT_TRUE(registry.RemoveGaugeFamilyCallback("lag_events", "consumer/identity"));
  EXPECT_EQ(registry.RenderText(), "");
}

TEST(RegistryTest, ConcurrentGetAndIncrementAreConsistent) {
  Registry registry;
  constexpr int kThreads = 4;
  constexpr int kPerThread = 2000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&registry, t] {
      for (int i = 0; i < kPerThread; ++i) {
        registry.GetCounter("shared_total", "Shared.")->Increment();
        registry.GetCounter("own_total", "Own.", {{"thread", std::to_string(t)}})->Increment();
        if (i % 100 == 0) registry.RenderText();
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(registry.GetCounter("shared_total", "Shared.")->value(),
            static_cast<uint64_t>(kThreads * kPerThread));
  EXPECT_THAT(registry.RenderText(), HasSubstr("own_total{thread=\"3\"} 2000\n"));
}

using RegistryDeathTest = ::testing::Test;

TEST_F(RegistryDeathTest, NameReusedWithAnotherTypeAborts) {
  Registry registry;
  registry.GetCounter("x", "X.");
  EXPECT_DEATH(registry.GetGauge("x", "X."), "another type");
}

TEST_F(RegistryDeathTest, NameReusedWithAnotherHelpAborts) {
  Registry registry;
  registry.GetCounter("x", "X.");
  EXPECT_DEATH(registry.GetCounter("x", "Y."), "another help");
}

TEST_F(RegistryDeathTest, HistogramReusedWithOtherBucketsAborts) {
  Registry registry;
  registry.GetHistogram("h", "H.", {1, 2});
  EXPECT_DEATH(registry.GetHistogram("h", "H.", {1, 3}), "other buckets");
}

TEST_F(RegistryDeathTest, InvalidNamesAbort) {
  Registry registry;
  EXPECT_DEATH(registry.GetCounter("1abc", "X."), "invalid metric name");
  EXPECT_DEATH(registry.GetCounter("ok", "X.", {{"bad-label", "v"}}), "invalid label name");
  EXPECT_DEATH(registry.GetCounter("ok", "X.", {{"a", "1"}, {"a", "2"}}), "duplicate label");
  EXPECT_DEATH(registry.GetHistogram("h", "H.", {1}, {{"le", "1"}}), "label 'le'");
}

TEST_F(RegistryDeathTest, FamilyCallbackAndSeriesOfOneNameAbort) {
  Registry registry;
  registry.SetGaugeFamilyCallback("f", "F.", [] { return std::vector<Sample>{}; });
  EXPECT_DEATH(registry.GetGauge("f", "F."), "family callback");
  registry.GetGauge("g", "G.");
  EXPECT_DEATH(registry.SetGaugeFamilyCallback("g", "G.", [] { return std::vector<Sample>{}; }),
               "family callback over a family with series");
  registry.AddCounterCallback("c_total", "C.", {}, [] { return 1.0; });
  EXPECT_DEATH(registry.GetCounter("c_total", "C."), "registered as a callback");
}

}  // namespace
}  // namespace clientele::metrics
