#include "identity/scenario/evidence.h"

#include <algorithm>
#include <numeric>

#include "identity/scenario/cat.h"

namespace clientele::identity::scenario {
namespace {

std::string EmailKey(const std::string& email) {
  std::string out;
  out.reserve(email.size());
  bool in_tag = false, domain = false;
  for (char c : email) {
    if (c == '@') domain = true, in_tag = false;
    if (!domain && c == '+') in_tag = true;
    if (in_tag) continue;
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return out;
}

std::string PhoneKey(const std::string& phone) {
  std::string digits;
  for (char c : phone) {
    if (c >= '0' && c <= '9') digits.push_back(c);
  }
  return digits.size() > 10 ? digits.substr(digits.size() - 10) : digits;
}

bool HasName(const common::v1::CustomerUpsert& r) {
  return !r.full_name().empty() || (!r.given_name().empty() && !r.family_name().empty());
}

int Find(std::vector<int>& parent, int x) {
  while (parent[x] != x) x = parent[x] = parent[parent[x]];
  return x;
}

enum class Kind { kPhone, kEmail, kLoyalty };

const std::string& Value(const common::v1::CustomerUpsert& r, Kind kind) {
  switch (kind) {
    case Kind::kPhone:
      return r.phone();
    case Kind::kEmail:
      return r.email();
    case Kind::kLoyalty:
      break;
  }
  return r.loyalty_id();
}

void SetValue(common::v1::CustomerUpsert* r, Kind kind, const std::string& v) {
  switch (kind) {
    case Kind::kPhone:
      r->set_phone(v);
      return;
    case Kind::kEmail:
      r->set_email(v);
      return;
    case Kind::kLoyalty:
      r->set_loyalty_id(v);
      return;
  }
}

// True for the person's own identifiers (not a household's shared value, not a relay).
bool Own(const Person& p, Kind kind, const std::string& v) {
  switch (kind) {
    case Kind::kPhone:
      return !p.mobile.empty() && PhoneKey(v) == PhoneKey(p.mobile);
    case Kind::kEmail:
      return !p.email.empty() && EmailKey(v) == p.email;
    case Kind::kLoyalty:
      return true;
  }
  return false;
}

}  // namespace

std::vector<std::string> EvidenceTokens(const Person& person, const common::v1::CustomerUpsert& r) {
  std::vector<std::string> tokens;
  if (!r.email().empty()) tokens.push_back(Cat("e:", EmailKey(r.email())));
  if (!r.phone().empty()) tokens.push_back(Cat("p:", PhoneKey(r.phone())));
  if (!r.loyalty_id().empty()) tokens.push_back(Cat("l:", r.loyalty_id()));
  if (HasName(r)) {
    if (r.has_birth_date()) {
      tokens.push_back(Cat("nb:", r.birth_date().year(), "-", r.birth_date().month(), "-",
                           r.birth_date().day()));
    }
    if (r.has_address() && r.address().lines_size() > 0) {
      tokens.push_back(Cat("na:", person.street_line));
    }
  }
  return tokens;
}

int ConnectRecords(const Person& person, const std::vector<common::v1::CustomerUpsert*>& records,
                   std::vector<std::string>* shared) {
  const int n = static_cast<int>(records.size());
  int changed = 0;
  // One record is fixed per round; a replaced value may cut another record loose, so the
  // groups are recomputed each round.
  for (int round = 0; round < 2 * n; ++round) {
    std::vector<std::vector<std::string>> tokens(n);
    for (int i = 0; i < n; ++i) tokens[i] = EvidenceTokens(person, *records[i]);
    std::vector<int> parent(n);
    std::iota(parent.begin(), parent.end(), 0);
    for (int i = 0; i < n; ++i) {
      for (int j = i + 1; j < n; ++j) {
        for (const std::string& t : tokens[i]) {
          if (std::find(tokens[j].begin(), tokens[j].end(), t) != tokens[j].end()) {
            parent[Find(parent, i)] = Find(parent, j);
            break;
          }
        }
      }
    }
    int r = 1;
    while (r < n && Find(parent, r) == Find(parent, 0)) ++r;
    if (r >= n) break;
    // Copies an identifier shown by a record of group `from` into record `to`. Preferences,
    // best first: own value into an empty field, own value replacing one, any value into an
    // empty field, any value replacing one; phone before e-mail before loyalty id.
    auto copy_into = [&](int from, int to) {
      for (int pass = 0; pass < 4; ++pass) {
        const bool own_only = pass < 2, empty_only = pass % 2 == 0;
        for (int s = 0; s < n; ++s) {
          if (s == to || Find(parent, s) != from) continue;
          for (Kind kind : {Kind::kPhone, Kind::kEmail, Kind::kLoyalty}) {
            const std::string& v = Value(*records[s], kind);
            // A marketplace relay address is unique to its record: nothing to copy.
            if (v.empty() || v.find("@relay.") != std::string::npos) continue;
            if (own_only && !Own(person, kind, v)) continue;
            const std::string& current = Value(*records[to], kind);
            if (empty_only && !current.empty()) continue;
            // A marketplace record's only e-mail is its relay address.
            if (current.find("@relay.") != std::string::npos) continue;
            const std::string copy = v;
            SetValue(records[to], kind, copy);
            if (!Own(person, kind, copy)) {
              shared->push_back(kind == Kind::kPhone ? person.landline : person.family_email);
            }
            return true;
          }
        }
      }
      return false;
    };
    const int group0 = Find(parent, 0), group_r = Find(parent, r);
    bool done = copy_into(group0, r);
    // records[0]'s group may show nothing to copy (marketplace relay addresses only): copy
    // the other way, into one of its records.
    for (int t = 0; t < n && !done; ++t) {
      if (Find(parent, t) == group0) done = copy_into(group_r, t);
    }
    // Neither group shows a copyable identifier: both get the person's mobile or e-mail.
    if (!done && (!person.mobile.empty() || !person.email.empty())) {
      const Kind kind = person.mobile.empty() ? Kind::kEmail : Kind::kPhone;
      const std::string& v = person.mobile.empty() ? person.email : person.mobile;
      SetValue(records[0], kind, v);
      SetValue(records[r], kind, v);
      done = true;
    }
    if (!done) break;  // Cannot happen (see above); never loop forever.
    ++changed;
  }
  return changed;
}

}  // namespace clientele::identity::scenario
