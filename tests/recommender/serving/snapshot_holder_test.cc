// SnapshotHolder: readers see whole snapshots while a writer swaps them; the live consent
// overlay keeps the newest record per source key.
#include "recommender/serving/snapshot_holder.h"

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace clientele::recommender {
namespace {

// A snapshot whose catalog size equals its version: a reader can check it is whole.
std::shared_ptr<const ServingSnapshot> MakeSnapshot(uint64_t version) {
  v1::ModelManifest manifest;
  manifest.set_version(version);
  for (uint64_t i = 0; i < version % 50; ++i) {
    v1::CatalogItem* item = manifest.add_catalog();
    item->set_sku("sku" + std::to_string(i));
    item->set_name("name" + std::to_string(i));
  }
  v1::ServingProfile* profile = manifest.add_profiles();
  profile->set_profile_id("p" + std::to_string(version));
  profile->add_source_keys("web/" + std::to_string(version));
  return std::move(ServingSnapshot::Build(std::move(manifest), {}, nullptr, nullptr)).value();
}

// Manifests trained before the one spelling "system/id" hold "system:id": still found.
TEST(SnapshotHolderTest, MemberKeysOfOlderManifestsReadInTheOneSpelling) {
  v1::ModelManifest manifest;
  manifest.set_version(1);
  v1::ServingProfile* profile = manifest.add_profiles();
  profile->set_profile_id("P1");
  profile->add_source_keys("web:c:7");
  profile->add_source_keys("pos/a:b");
  auto snapshot = ServingSnapshot::Build(std::move(manifest), {}, nullptr, nullptr);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  ASSERT_NE((*snapshot)->FindBySourceKey("web/c:7"), nullptr);
  EXPECT_EQ((*snapshot)->FindBySourceKey("web/c:7")->profile_id, "P1");
  EXPECT_NE((*snapshot)->FindBySourceKey("pos/a:b"), nullptr);
  EXPECT_EQ((*snapshot)->FindBySourceKey("web:c:7"), nullptr);
}

TEST(SnapshotHolderTest, EmptyUntilPublished) {
  SnapshotHolder holder;
  EXPECT_EQ(holder.Get(), nullptr);
  holder.Publish(MakeSnapshot(3));
  ASSERT_NE(holder.Get(), nullptr);
  EXPECT_EQ(holder.Get()->version(), 3u);
  EXPECT_NE(holder.Get()->FindProfile("p3"), nullptr);
  EXPECT_NE(holder.Get()->FindBySourceKey("web/3"), nullptr);
  EXPECT_EQ(holder.Get()->FindItem("sku2"), 2);
  EXPECT_EQ(holder.Get()->FindItem("sku3"), std::nullopt);
}

TEST(SnapshotHolderTest, SwapsUnderConcurrentReadsWithoutTornSnapshots) {
  SnapshotHolder holder;
  holder.Publish(MakeSnapshot(1));
  constexpr uint64_t kLast = 400;
  std::atomic<bool> done{false};
  std::atomic<int64_t> reads{0};
  std::atomic<int> errors{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&] {
      uint64_t last_seen = 0;
      while (!done.load()) {
        std::shared_ptr<const ServingSnapshot> s = holder.Get();
        // Whole: the catalog and the profile belong to the version read.
        const uint64_t v = s->version();
        if (s->num_items() != static_cast<int32_t>(v % 50) ||
            s->FindProfile("p" + std::to_string(v)) == nullptr || v < last_seen) {
          errors.fetch_add(1);
        }
        last_seen = v;
        reads.fetch_add(1);
      }
      // After the last swap every reader sees the last version.
      if (holder.Get()->version() != kLast) errors.fetch_add(1);
    });
  }
  // Readers read before the swaps begin and again between them (on a loaded machine the
  // publisher could otherwise finish before any reader has run).
  auto wait_for_reads_beyond = [&](int64_t n) {
    while (reads.load() <= n) std::this_thread::yield();
  };
  wait_for_reads_beyond(4);
  for (uint64_t v = 2; v <= kLast; ++v) {
    holder.Publish(MakeSnapshot(v));
    if (v % 100 == 0) wait_for_reads_beyond(reads.load() + 4);
  }
  done.store(true);
  for (std::thread& t : readers) t.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_GT(reads.load(), 0);
  EXPECT_EQ(holder.Get()->version(), kLast);
}

TEST(SnapshotHolderTest, ReaderKeepsItsSnapshotAliveAcrossASwap) {
  SnapshotHolder holder;
  holder.Publish(MakeSnapshot(7));
  std::shared_ptr<const ServingSnapshot> held = holder.Get();
  holder.Publish(MakeSnapshot(8));
  EXPECT_EQ(held->version(), 7u);
  EXPECT_NE(held->FindProfile("p7"), nullptr);
  EXPECT_EQ(holder.Get()->version(), 8u);
}

TEST(SnapshotHolderTest, ConsentOverlayKeepsTheNewestRecord) {
  SnapshotHolder holder;
  EXPECT_TRUE(holder.consents()->empty());
  holder.UpdateConsents({{"web:1", {1, 100}}, {"web:2", {2, 100}}});
  holder.UpdateConsents({{"web:1", {2, 50}}});   // Older: ignored.
  holder.UpdateConsents({{"web:2", {1, 200}}});  // Newer: wins.
  std::shared_ptr<const ConsentMap> consents = holder.consents();
  EXPECT_EQ(consents->at("web:1").first, 1);
  EXPECT_EQ(consents->at("web:2").first, 1);
}

}  // namespace
}  // namespace clientele::recommender
