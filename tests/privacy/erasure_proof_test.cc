// The proof of erasure, end to end: a real `clienteled` (every component in one process) gets
// generated omnichannel data; one person whose records span three channels, merged manually once,
// is exported (every part checked), then erased; every read path then answers NOT_FOUND, and
// after the server stops, scripts/privacy-scan finds none of the person's e-mail, phone (as
// sent and E.164), given + family name or street line in any byte of the data directory, while
// the same scan finds another person's e-mail and family name (it is not blind).
#include <signal.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/testing/child_process.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace clientele::testing {
namespace {

using ::testing::AnyOf;
using ::testing::HasSubstr;
using ::testing::Not;

std::string Cli() { return std::string(CLT_BIN_DIR) + "/clientele"; }

// The CLI's --json output: one document, or one per line (the last one is taken).
nlohmann::json Json(const std::string& out) {
  nlohmann::json whole = nlohmann::json::parse(out, nullptr, /*allow_exceptions=*/false);
  if (!whole.is_discarded()) return whole;
  std::istringstream in(out);
  std::string line, last;
  while (std::getline(in, line)) {
    if (!line.empty()) last = line;
  }
  return nlohmann::json::parse(last, nullptr, /*allow_exceptions=*/false);
}

std::string Lower(std::string s) { return absl::AsciiStrToLower(s); }

// The source key ("system/id") whose subject an event is: the record of a CustomerUpsert or
// ConsentChange, the customer of an order; empty for guest orders and products.
std::string SubjectOf(const nlohmann::json& event) {
  auto key = [](const nlohmann::json& k) {
    return k.value("system", "") + "/" + k.value("id", "");
  };
  if (event.contains("customerUpsert") || event.contains("consentChange")) {
    return key(event["source"]);
  }
  if (event.contains("order") && event["order"].contains("customer")) {
    return key(event["order"]["customer"]);
  }
  return "";
}

// One generated person as the events show them.
struct Person {
  std::string id;  // records.csv "person".
  std::string household;
  std::vector<std::string> source_keys;
  std::set<std::string> channels;  // Of its CustomerUpserts.
  std::set<std::string> emails, phones, names, street_lines;
  std::set<std::string> family_names;
  int orders = 0;
  int consent_changes = 0;
};

// The generated scenario: people by id, and every event's JSON (kept to check that a needle
// belongs to one person only).
struct Scenario {
  std::map<std::string, Person> people;
  std::map<std::string, std::string> person_of_key;
  std::map<std::string, int> household_size;
  std::vector<nlohmann::json> events;

  // True when no event of anyone but `person` holds `needle` (ASCII case folded).
  bool OnlyIn(const Person& person, const std::string& needle) const {
    const std::string n = Lower(needle);
    for (const nlohmann::json& e : events) {
      auto it = person_of_key.find(SubjectOf(e));
      if (it != person_of_key.end() && it->second == person.id) continue;
      if (absl::StrContains(Lower(e.dump()), n)) return false;
    }
    return true;
  }
};

Scenario ReadScenario(const std::string& events_path, const std::string& records_path) {
  Scenario s;
  std::ifstream records(records_path);
  std::string line;
  std::getline(records, line);  // source_key,person,household,noise
  std::map<std::string, std::set<std::string>> household_people;
  while (std::getline(records, line)) {
    std::vector<std::string> f = absl::StrSplit(line, ',');
    if (f.size() < 3) continue;
    Person& p = s.people[f[1]];
    p.id = f[1];
    p.household = f[2];
    p.source_keys.push_back(f[0]);
    s.person_of_key[f[0]] = f[1];
    household_people[f[2]].insert(f[1]);
  }
  for (const auto& [household, people] : household_people) {
    s.household_size[household] = static_cast<int>(people.size());
  }
  std::ifstream events(events_path);
  while (std::getline(events, line)) {
    nlohmann::json e = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (e.is_discarded()) continue;
    s.events.push_back(e);
    auto it = s.person_of_key.find(SubjectOf(e));
    if (it == s.person_of_key.end()) continue;
    Person& p = s.people[it->second];
    if (e.contains("order")) ++p.orders;
    if (e.contains("consentChange")) ++p.consent_changes;
    if (!e.contains("customerUpsert")) continue;
    const nlohmann::json& c = e["customerUpsert"];
    p.channels.insert(e.value("channel", ""));
    if (c.contains("email")) p.emails.insert(c["email"].get<std::string>());
    if (c.contains("phone")) p.phones.insert(c["phone"].get<std::string>());
    if (c.contains("familyName")) p.family_names.insert(c["familyName"].get<std::string>());
    if (c.contains("givenName") && c.contains("familyName")) {
      p.names.insert(c["givenName"].get<std::string>() + " " + c["familyName"].get<std::string>());
    }
    if (c.contains("address") && c["address"].contains("lines")) {
      for (const auto& l : c["address"]["lines"]) p.street_lines.insert(l.get<std::string>());
    }
  }
  return s;
}

// The person's family names that no other event holds. Stores keep given and family name in
// fields of their own, so "given family" is found only where a full name is stored; a family
// name of this person alone finds the name wherever it is.
std::vector<std::string> OwnFamilyNames(const Scenario& s, const Person& p) {
  std::vector<std::string> own;
  for (const std::string& name : p.family_names) {
    if (name.size() >= 3 && s.OnlyIn(p, name)) own.push_back(name);
  }
  return own;
}

// A person of a household of one (households share names, addresses and contacts) whose
// records span three channels and who has an e-mail, a phone, a name, a family name, a street
// line, orders and consents, each of them theirs alone.
bool IsCandidate(const Scenario& s, const Person& p) {
  if (s.household_size.at(p.household) != 1 || p.channels.size() < 3) return false;
  if (p.orders == 0 || p.consent_changes == 0) return false;
  for (const std::set<std::string>* values : {&p.emails, &p.phones, &p.names, &p.street_lines}) {
    if (values->empty()) return false;
    for (const std::string& v : *values) {
      if (!s.OnlyIn(p, v)) return false;
    }
  }
  return !OwnFamilyNames(s, p).empty();
}

// Every string in `j` (recursively), to look for a value anywhere in a document.
void CollectStrings(const nlohmann::json& j, std::vector<std::string>& out) {
  if (j.is_string()) {
    out.push_back(j.get<std::string>());
  } else if (j.is_structured()) {
    for (const auto& item : j) CollectStrings(item, out);
  }
}

bool Holds(const nlohmann::json& j, const std::string& value) {
  std::vector<std::string> strings;
  CollectStrings(j, strings);
  return std::any_of(strings.begin(), strings.end(),
                     [&](const std::string& s) { return Lower(s) == Lower(value); });
}

// The request's state wherever the CLI's --json puts it (the request, or {"request": ...}).
std::string StateOf(const nlohmann::json& j) {
  if (j.is_object() && j.contains("request")) return StateOf(j["request"]);
  if (j.is_object() && j.contains("state") && j["state"].is_string()) return j["state"];
  return "";
}

class ErasureProofTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = dir_.Sub("data");  // Only the server's files: the scan reads all of it.
    events_ = dir_.Sub("events.jsonl");
    records_ = dir_.Sub("records.csv");
    CommandResult gen =
        RunCommand({Cli(), "gen", "--seed=42",
                    "--online-retail=" CLT_TEST_DATA_DIR "/online_retail_sample.csv",
                    "--out=" + events_, "--records=" + records_});
    ASSERT_EQ(gen.exit_code, 0) << gen.err;
    server_ = StartServer(CLT_BIN_DIR, data_);
    ASSERT_FALSE(server_.address.empty()) << "clienteled did not start";
  }

  CommandResult Run(std::vector<std::string> args) {
    args.insert(args.begin(), {Cli(), "--server=" + server_.address});
    return RunCommand(args);
  }
  void RunOk(const std::vector<std::string>& args) {
    CommandResult r = Run(args);
    ASSERT_EQ(r.exit_code, 0) << absl::StrJoin(args, " ") << ": " << r.err;
  }

  TempDir dir_;
  std::string data_, events_, records_;
  ServerProcess server_;
};

TEST_F(ErasureProofTest, ErasedPersonLeavesNoByteInAnyStoreAndOthersStay) {
  ASSERT_NO_FATAL_FAILURE(RunOk({"import", "--format=events-jsonl", events_}));
  ASSERT_NO_FATAL_FAILURE(RunOk({"sync", "--timeout=60"}));

  const Scenario scenario = ReadScenario(events_, records_);
  std::vector<const Person*> candidates;
  for (const auto& [id, p] : scenario.people) {
    if (IsCandidate(scenario, p)) candidates.push_back(&p);
  }
  ASSERT_GE(candidates.size(), 2u) << "the scenario has no two people to erase and to keep";
  const Person& person = *candidates[0];
  const Person& other = *candidates[1];
  // A mailbox of the person's own rather than a marketplace's relay address.
  std::string email = *person.emails.begin();
  for (const std::string& e : person.emails) {
    if (!absl::StrContains(e, "relay.")) email = e;
  }

  // One profile for the person's records, merged manually once: profiles of its records are
  // merged into the first; when identity linked them all already, one record is split off and
  // merged back.
  std::set<std::string> profile_ids;
  for (const std::string& key : person.source_keys) {
    CommandResult get = Run({"profile", "get", "--source=" + key, "--json"});
    ASSERT_EQ(get.exit_code, 0) << key << ": " << get.err;
    profile_ids.insert(Json(get.out)["profile"]["profile_id"].get<std::string>());
  }
  std::string profile_id = *profile_ids.begin();
  std::set<std::string> every_profile_id = profile_ids;
  if (profile_ids.size() == 1) {
    CommandResult split =
        Run({"profile", "split", "--id=" + profile_id, "--records=" + person.source_keys.back(),
             "--reason=proof", "--json"});
    ASSERT_EQ(split.exit_code, 0) << split.err;
    const std::string split_id = Json(split.out)["new_profile_id"].get<std::string>();
    every_profile_id.insert(split_id);
    profile_ids.insert(split_id);
  }
  for (const std::string& id : profile_ids) {
    if (id == profile_id) continue;
    CommandResult merge = Run({"profile", "merge", "--into=" + profile_id, "--from=" + id,
                               "--reason=same person (proof)", "--json"});
    ASSERT_EQ(merge.exit_code, 0) << merge.err;
    profile_id = Json(merge.out)["surviving_profile_id"].get<std::string>();
  }
  CommandResult merged = Run({"profile", "get", "--email=" + email, "--json"});
  ASSERT_EQ(merged.exit_code, 0) << merged.err;
  const nlohmann::json profile = Json(merged.out)["profile"];
  ASSERT_EQ(profile["profile_id"], profile_id);
  ASSERT_EQ(profile["members"].size(), person.source_keys.size()) << profile.dump();
  // The forms identity keeps besides the raw ones: the golden record's (normalized) e-mail and
  // E.164 phone.
  const nlohmann::json golden = profile["golden"]["record"];
  const std::string e164 = golden.value("phone", "");
  ASSERT_EQ(e164.substr(0, 1), "+") << golden.dump();

  // Analytics and recommender state for everyone: RFM, clusters, a trained model.
  ASSERT_NO_FATAL_FAILURE(RunOk({"rfm", "--json"}));
  ASSERT_NO_FATAL_FAILURE(RunOk({"jobs", "start", "recluster", "--k=2..3", "--wait"}));
  ASSERT_NO_FATAL_FAILURE(RunOk({"jobs", "start", "train", "--max-itemset-size=3", "--wait"}));
  ASSERT_NO_FATAL_FAILURE(RunOk({"customer", "get", "--id=" + profile_id, "--json"}));
  ASSERT_NO_FATAL_FAILURE(RunOk({"recommend", "--profile=" + profile_id, "--json"}));

  // The access export holds every part, and the person's values in it.
  CommandResult exported = Run({"privacy", "export", "--email=" + email, "--json"});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  const nlohmann::json doc = Json(exported.out);
  ASSERT_TRUE(doc.is_object()) << exported.out.substr(0, 2000);
  for (const char* part :
       {"subject", "profile", "members", "consents", "identity_audit", "orders", "rfm", "segment",
        "cluster", "interactions", "recommendations", "pii_audit", "exported_at"}) {
    EXPECT_TRUE(doc.contains(part)) << "export lacks " << part;
  }
  EXPECT_TRUE(Holds(doc["subject"], profile_id)) << doc["subject"].dump();
  for (const std::string& key : person.source_keys) {
    EXPECT_THAT(doc["subject"].dump(), HasSubstr(key.substr(key.find('/') + 1))) << key;
  }
  EXPECT_EQ(doc["members"].size(), person.source_keys.size()) << doc["members"].dump();
  for (const std::string& v : person.emails) EXPECT_TRUE(Holds(doc["members"], v)) << v;
  for (const std::string& v : person.phones) EXPECT_TRUE(Holds(doc["members"], v)) << v;
  for (const std::string& v : person.street_lines) EXPECT_TRUE(Holds(doc["members"], v)) << v;
  EXPECT_FALSE(doc["profile"].empty()) << "golden record";
  EXPECT_THAT(doc["profile"].dump(), HasSubstr("lineage"));
  EXPECT_FALSE(doc["consents"].empty()) << "the person's consent changes";
  EXPECT_FALSE(doc["identity_audit"].empty()) << "the manual merge is audited";
  EXPECT_THAT(doc["identity_audit"].dump(), HasSubstr("proof"));
  EXPECT_FALSE(doc["orders"].empty());
  EXPECT_LE(doc["orders"].size(), static_cast<size_t>(person.orders)) << doc["orders"].dump();
  EXPECT_FALSE(doc["rfm"].empty());
  EXPECT_FALSE(doc["segment"].empty());
  EXPECT_FALSE(doc["cluster"].empty());
  EXPECT_TRUE(doc["interactions"].is_array() || doc["interactions"].is_object());
  EXPECT_FALSE(doc["recommendations"].empty());
  EXPECT_FALSE(doc["pii_audit"].empty()) << "the profile reads above are audited";
  EXPECT_FALSE(doc["exported_at"].empty());

  // Erase by e-mail and wait for every service's step.
  CommandResult erased =
      Run({"privacy", "erase", "--email=" + email, "--reason=test", "--wait", "--json"});
  ASSERT_EQ(erased.exit_code, 0) << erased.err << erased.out;
  const nlohmann::json request = Json(erased.out);
  EXPECT_EQ(Lower(StateOf(request)), "succeeded") << erased.out;
  ASSERT_TRUE(request.contains("steps")) << erased.out;
  std::set<std::string> steps;
  for (const nlohmann::json& step : request["steps"]) {
    steps.insert(step.value("service", ""));
    EXPECT_EQ(Lower(step.value("state", "")), "succeeded") << step.dump();
  }
  EXPECT_EQ(steps, (std::set<std::string>{"ingest", "identity", "analytics", "recommender"}));
  EXPECT_THAT(erased.out, Not(HasSubstr(email)));  // The request keeps hashes, not selectors.

  // Every read path knows nothing of them.
  auto expect_not_found = [&](const std::vector<std::string>& args) {
    CommandResult r = Run(args);
    EXPECT_EQ(r.exit_code, 1) << absl::StrJoin(args, " ") << ": " << r.out;
    EXPECT_THAT(r.err, AnyOf(HasSubstr("NOT_FOUND"), HasSubstr("not found")))
        << absl::StrJoin(args, " ");
  };
  expect_not_found({"privacy", "export", "--email=" + email, "--json"});
  expect_not_found({"profile", "get", "--email=" + email});
  expect_not_found({"profile", "get", "--phone=" + e164});
  for (const std::string& id : every_profile_id) {
    expect_not_found({"profile", "get", "--id=" + id});
    expect_not_found({"customer", "get", "--id=" + id});
    expect_not_found({"recommend", "--profile=" + id});
  }
  for (const std::string& key : person.source_keys) {
    expect_not_found({"profile", "get", "--source=" + key});
    expect_not_found({"customer", "get", "--source=" + key});
    expect_not_found({"recommend", "--source=" + key});
  }
  expect_not_found({"customer", "get", "--email=" + email});
  CommandResult rfm = Run({"rfm", "--json"});
  ASSERT_EQ(rfm.exit_code, 0) << rfm.err;
  EXPECT_THAT(rfm.out, Not(HasSubstr("\"" + profile_id + "\"")));
  for (const std::string& key : person.source_keys) EXPECT_THAT(rfm.out, Not(HasSubstr(key)));
  ASSERT_NO_FATAL_FAILURE(RunOk({"profile", "get", "--email=" + *other.emails.begin()}));

  // New events of the erased records are refused (and their dead letters hold no payload).
  const std::string again = dir_.Sub("again.jsonl");
  {
    std::ofstream out(again);
    for (const nlohmann::json& e : scenario.events) {
      if (e.contains("customerUpsert") &&
          std::count(person.source_keys.begin(), person.source_keys.end(), SubjectOf(e)) > 0) {
        nlohmann::json fresh = e;
        fresh["eventId"] = e["eventId"].get<std::string>() + "/again";
        out << fresh.dump() << "\n";
      }
    }
  }
  CommandResult reimport = Run({"import", "--format=events-jsonl", "--json", again});
  const nlohmann::json summary = Json(reimport.out);
  ASSERT_TRUE(summary.is_object()) << reimport.out << reimport.err;
  EXPECT_EQ(summary["accepted"], 0) << summary.dump();
  CommandResult rejected = Run({"rejected", "--json"});
  EXPECT_THAT(rejected.out, HasSubstr("erased_subject")) << rejected.err;
  EXPECT_THAT(Lower(rejected.out), Not(HasSubstr(Lower(email))));

  server_.process->Signal(SIGTERM);
  ASSERT_EQ(server_.process->Wait(), 0) << "clienteled did not stop cleanly";

  // One scan for the erased person's values and another person's e-mail and family name: it
  // must find the other person's (it is not blind) and nothing of the erased person's.
  std::vector<std::string> needles;
  for (const auto* values : {&person.emails, &person.phones, &person.names, &person.street_lines}) {
    needles.insert(needles.end(), values->begin(), values->end());
  }
  for (const std::string& name : OwnFamilyNames(scenario, person)) needles.push_back(name);
  needles.push_back(e164);
  if (golden.contains("email")) needles.push_back(golden["email"].get<std::string>());
  std::sort(needles.begin(), needles.end());
  needles.erase(std::unique(needles.begin(), needles.end()), needles.end());
  const std::string other_email = *other.emails.begin();
  const std::string other_family = OwnFamilyNames(scenario, other).front();
  std::vector<std::string> scan = {CLT_SOURCE_DIR "/scripts/privacy-scan", data_, other_email,
                                   other_family};
  scan.insert(scan.end(), needles.begin(), needles.end());
  CommandResult result = RunCommand(scan);
  EXPECT_EQ(result.exit_code, 1) << result.out << result.err;  // 1: something was found.
  std::istringstream lines(result.out);
  std::string line;
  std::set<std::string> found;
  while (std::getline(lines, line)) {
    const size_t start = line.find("needle=\"");
    if (start == std::string::npos) continue;
    const size_t end = line.find('"', start + 8);
    found.insert(line.substr(start + 8, end - start - 8));
  }
  for (const std::string& needle : needles) {
    EXPECT_EQ(found.count(needle), 0u)
        << "the erased person's '" << needle << "' is still in " << data_ << ":\n"
        << result.out;
  }
  for (const std::string& needle : {other_email, other_family}) {
    EXPECT_THAT(result.out, HasSubstr("store=identity cf=records (scan) needle=\"" + needle + "\""))
        << "the scan is blind to another person's values";
  }
  for (const char* store :
       {"ingest", "ingest-keys", "identity", "analytics", "recommender", "gateway"}) {
    EXPECT_THAT(result.err, HasSubstr(std::string("store ") + store + ":")) << "not scanned";
  }
}

}  // namespace
}  // namespace clientele::testing
