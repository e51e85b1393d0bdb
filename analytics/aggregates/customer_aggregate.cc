#include "analytics/aggregates/customer_aggregate.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/money/money.h"

namespace clientele::analytics {
namespace {

using Wide = __int128;

// This abseil's string_view is not std::string_view.
absl::string_view Sv(std::string_view s) { return absl::string_view(s.data(), s.size()); }

constexpr char kFormatVersion = 1;

Wide Pow10(uint32_t e) {
  static constexpr int64_t kPowers[] = {1, 10, 100, 1000, 10000, 100000, 1000000};
  return kPowers[e];  // e <= kMaxExtraDecimals
}

bool FitsInt64(Wide v) {
  return v >= std::numeric_limits<int64_t>::min() && v <= std::numeric_limits<int64_t>::max();
}

// Adds `delta` to `*sum`, or returns false if the result would not fit.
bool AddChecked(int64_t* sum, Wide delta) {
  const Wide r = static_cast<Wide>(*sum) + delta;
  if (!FitsInt64(r)) return false;
  *sum = static_cast<int64_t>(r);
  return true;
}

void Include(ConventionTotals& t, absl::Time at) {
  if (t.orders == 0) {
    t.first_purchase = at;
    t.last_purchase = at;
  } else {
    t.first_purchase = std::min(t.first_purchase, at);
    t.last_purchase = std::max(t.last_purchase, at);
  }
  ++t.orders;
}

// --- Encoding: a version byte, then varints (signed values zig-zagged), strings as
// length + bytes, times as (zig-zag unix seconds, nanoseconds) when the count is non-zero. ---

void PutVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}
void PutSigned(std::string& out, int64_t v) {
  PutVarint(out, (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
}
void PutString(std::string& out, std::string_view s) {
  PutVarint(out, s.size());
  out.append(s.data(), s.size());
}
void PutTime(std::string& out, absl::Time t) {
  const int64_t seconds = absl::ToUnixSeconds(t);  // Floors.
  PutSigned(out, seconds);
  PutVarint(out,
            static_cast<uint64_t>(absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(seconds))));
}
void PutTotals(std::string& out, const ConventionTotals& t) {
  PutSigned(out, t.orders);
  PutSigned(out, t.monetary);
  if (t.orders != 0) {
    PutTime(out, t.first_purchase);
    PutTime(out, t.last_purchase);
  }
}

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  bool done() const { return in_.empty(); }

  uint64_t Varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (in_.empty()) return Fail();
      const auto byte = static_cast<uint8_t>(in_.front());
      in_.remove_prefix(1);
      v |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return v;
    }
    return Fail();
  }
  int64_t Signed() {
    const uint64_t z = Varint();
    return static_cast<int64_t>((z >> 1) ^ (~(z & 1) + 1));
  }
  std::string String() {
    const uint64_t n = Varint();
    if (n > in_.size()) return Fail(), std::string();
    std::string s(in_.substr(0, n));
    in_.remove_prefix(n);
    return s;
  }
  absl::Time Time() {
    const int64_t seconds = Signed();
    const uint64_t nanos = Varint();
    if (nanos >= 1000000000) return Fail(), absl::InfinitePast();
    return absl::FromUnixSeconds(seconds) + absl::Nanoseconds(static_cast<int64_t>(nanos));
  }
  ConventionTotals Totals() {
    ConventionTotals t;
    t.orders = Signed();
    t.monetary = Signed();
    if (t.orders < 0) Fail();
    if (t.orders != 0) {
      t.first_purchase = Time();
      t.last_purchase = Time();
    }
    return t;
  }
  uint64_t Fail() {
    ok_ = false;
    in_ = {};
    return 0;
  }

 private:
  std::string_view in_;
  bool ok_ = true;
};

}  // namespace

// ISO 4217 codes are three letters: compared inline (a memcmp call per order line was a tenth
// of aggregation time).
inline bool SameCurrency(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.size() == 3) return a[0] == b[0] && a[1] == b[1] && a[2] == b[2];
  return a == b;
}

std::string_view RfmConventionName(RfmConvention convention) {
  return convention == RfmConvention::kNotebook ? "notebook" : "net";
}

absl::StatusOr<RfmConvention> ParseRfmConvention(std::string_view name) {
  if (name == "notebook") return RfmConvention::kNotebook;
  if (name == "net") return RfmConvention::kNet;
  return absl::InvalidArgumentError(
      absl::StrCat("convention: expected \"notebook\" or \"net\", got \"", Sv(name), "\""));
}

absl::Status CustomerOrderAggregate::Rescale(uint32_t new_scale) {
  if (new_scale <= scale_) return absl::OkStatus();
  const Wide factor = Pow10(new_scale - scale_);
  std::vector<int64_t*> amounts = {&notebook_.monetary, &net_.monetary, &cancelled_revenue_};
  for (auto& [category, spend] : spend_by_category_) amounts.push_back(&spend);
  for (int64_t* a : amounts) {
    if (!FitsInt64(static_cast<Wide>(*a) * factor)) {
      return absl::OutOfRangeError("order: an amount overflows at the finer price scale");
    }
  }
  for (int64_t* a : amounts) *a = static_cast<int64_t>(static_cast<Wide>(*a) * factor);
  scale_ = new_scale;
  return absl::OkStatus();
}

absl::Status CustomerOrderAggregate::AddOrder(const common::v1::Order& order,
                                              absl::Time occurred_at) {
  // One pass validates every line and sums amounts per extra_decimals (so the final scale need
  // not be known yet); nothing changes until every check has passed.
  std::string_view currency = currency_;
  int exponent = exponent_;
  uint32_t scale = scale_;
  Wide kept_by_decimals[money::kMaxExtraDecimals + 1] = {};
  Wide all_by_decimals[money::kMaxExtraDecimals + 1] = {};
  int64_t kept_lines = 0, return_lines = 0;
  Wide units_purchased = 0, units_returned = 0;
  bool has_category = false;
  const bool cancellation = order.cancellation();
  const int num_lines = order.lines_size();
  for (int i = 0; i < num_lines; ++i) {
    // Lines and their prices are separate heap objects: fetch the line two ahead and the price
    // one ahead while this line is summed (the loop is bound by those cache misses).
    if (i + 2 < num_lines) __builtin_prefetch(&order.lines(i + 2));
    if (i + 1 < num_lines && order.lines(i + 1).has_unit_price()) {
      __builtin_prefetch(&order.lines(i + 1).unit_price());
    }
    const common::v1::OrderLine& line = order.lines(i);
    const common::v1::Money& price = line.unit_price();
    const auto field = [i](std::string_view name) {
      return absl::StrCat("order.lines[", i, "].unit_price.", Sv(name));
    };
    const int64_t minor = price.minor_units();
    const uint32_t decimals = price.extra_decimals();
    if (minor < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(field("minor_units"), ": negative (", minor, ")"));
    }
    if (decimals > money::kMaxExtraDecimals) {
      return absl::InvalidArgumentError(absl::StrCat(field("extra_decimals"), ": at most ",
                                                     money::kMaxExtraDecimals, ", got ", decimals));
    }
    const std::string& code = price.currency_code();
    if (minor != 0 || !code.empty()) {
      if (currency.empty()) {
        std::optional<int> e = money::CurrencyExponent(code);
        if (!e.has_value()) {
          return absl::InvalidArgumentError(
              absl::StrCat(field("currency_code"), ": unknown currency \"", code, "\""));
        }
        currency = code;
        exponent = *e;
      } else if (!SameCurrency(code, currency)) {
        return absl::InvalidArgumentError(absl::StrCat(field("currency_code"), ": \"", code,
                                                       "\" differs from the customer's \"",
                                                       Sv(currency), "\""));
      }
      scale = std::max(scale, decimals);
    }
    const int64_t quantity = line.quantity();
    const Wide amount = static_cast<Wide>(quantity) * minor;
    all_by_decimals[decimals] += amount;
    if (quantity < 0) {
      ++return_lines;
      units_returned -= quantity;
    }
    if (!cancellation && quantity > 0 && minor > 0) {
      ++kept_lines;
      kept_by_decimals[decimals] += amount;
      units_purchased += quantity;
      has_category = has_category || !line.category().empty();
    }
  }
  Wide kept_amount = 0, all_amount = 0;
  for (uint32_t e = 0; e <= money::kMaxExtraDecimals; ++e) {
    if (e > scale) break;  // Only zero amounts can have more decimals than the scale.
    kept_amount += kept_by_decimals[e] * Pow10(scale - e);
    all_amount += all_by_decimals[e] * Pow10(scale - e);
  }
  std::vector<std::pair<const std::string*, Wide>> category_spend;
  if (has_category) {
    for (const common::v1::OrderLine& line : order.lines()) {
      const common::v1::Money& price = line.unit_price();
      if (cancellation || line.quantity() <= 0 || price.minor_units() <= 0 ||
          line.category().empty()) {
        continue;
      }
      category_spend.emplace_back(&line.category(), static_cast<Wide>(line.quantity()) *
                                                        price.minor_units() *
                                                        Pow10(scale - price.extra_decimals()));
    }
  }

  // One entry per category (an order may hold several lines of one category).
  if (category_spend.size() > 1) {
    std::sort(category_spend.begin(), category_spend.end(),
              [](const auto& a, const auto& b) { return *a.first < *b.first; });
    size_t out = 0;
    for (size_t i = 0; i < category_spend.size(); ++i) {
      if (out > 0 && *category_spend[out - 1].first == *category_spend[i].first) {
        category_spend[out - 1].second += category_spend[i].second;
      } else {
        category_spend[out++] = category_spend[i];
      }
    }
    category_spend.resize(out);
  }

  if (scale == scale_ && exponent == exponent_ && currency.size() == currency_.size()) {
    // The common case: check every sum, then apply in place.
    ConventionTotals net = net_, notebook = notebook_;
    int64_t cancelled = cancelled_revenue_, purchased = units_purchased_,
            returned = units_returned_;
    bool fits = AddChecked(&net.monetary, all_amount) &&
                AddChecked(&notebook.monetary, kept_amount) &&
                AddChecked(&purchased, units_purchased) && AddChecked(&returned, units_returned);
    if (order.cancellation()) fits = fits && AddChecked(&cancelled, -all_amount);
    for (const auto& [category, amount] : category_spend) {
      auto it = spend_by_category_.find(*category);
      int64_t total = it == spend_by_category_.end() ? 0 : it->second;
      fits = fits && AddChecked(&total, amount);
    }
    if (!fits) return absl::OutOfRangeError("order: a customer total overflows int64");
    for (const auto& [category, amount] : category_spend) {
      spend_by_category_[*category] += static_cast<int64_t>(amount);
    }
    net_ = net;
    notebook_ = notebook;
    cancelled_revenue_ = cancelled;
    units_purchased_ = purchased;
    units_returned_ = returned;
    kept_lines_ += kept_lines;
    return_lines_ += return_lines;
    ++orders_seen_;
    if (order.cancellation()) {
      ++cancellation_orders_;
    } else {
      Include(net_, occurred_at);
      if (kept_lines > 0) Include(notebook_, occurred_at);
    }
    return absl::OkStatus();
  }

  // A new currency or a finer scale: commit on a copy, then swap in, so that an overflow leaves
  // *this unchanged.
  CustomerOrderAggregate next = *this;
  if (absl::Status s = next.Rescale(scale); !s.ok()) return s;
  next.currency_ = std::string(currency);
  next.exponent_ = exponent;
  bool fits = AddChecked(&next.net_.monetary, all_amount) &&
              AddChecked(&next.notebook_.monetary, kept_amount) &&
              AddChecked(&next.units_purchased_, units_purchased) &&
              AddChecked(&next.units_returned_, units_returned);
  if (order.cancellation()) fits = fits && AddChecked(&next.cancelled_revenue_, -all_amount);
  for (const auto& [category, amount] : category_spend) {
    fits = fits && AddChecked(&next.spend_by_category_[*category], amount);
  }
  if (!fits) return absl::OutOfRangeError("order: a customer total overflows int64");

  next.kept_lines_ += kept_lines;
  next.return_lines_ += return_lines;
  ++next.orders_seen_;
  if (order.cancellation()) {
    ++next.cancellation_orders_;
  } else {
    Include(next.net_, occurred_at);
    if (kept_lines > 0) Include(next.notebook_, occurred_at);
  }
  *this = std::move(next);
  return absl::OkStatus();
}

double CustomerOrderAggregate::MajorUnits(int64_t scaled) const {
  return static_cast<double>(scaled) / std::pow(10.0, exponent_ + static_cast<int>(scale_));
}

std::optional<CustomerAggregate> CustomerOrderAggregate::ToRfmInput(
    std::string_view key, RfmConvention convention) const {
  const ConventionTotals& t = totals(convention);
  if (t.orders == 0) return std::nullopt;
  CustomerAggregate out;
  out.key = std::string(key);
  out.first_purchase = t.first_purchase;
  out.last_purchase = t.last_purchase;
  out.frequency = t.orders;
  out.monetary = MajorUnits(t.monetary);
  return out;
}

std::string CustomerOrderAggregate::Encode() const {
  std::string out;
  out.push_back(kFormatVersion);
  PutString(out, currency_);
  PutSigned(out, exponent_);
  PutVarint(out, scale_);
  PutTotals(out, notebook_);
  PutTotals(out, net_);
  PutSigned(out, orders_seen_);
  PutSigned(out, cancellation_orders_);
  PutSigned(out, cancelled_revenue_);
  PutSigned(out, units_purchased_);
  PutSigned(out, units_returned_);
  PutSigned(out, kept_lines_);
  PutSigned(out, return_lines_);
  PutVarint(out, spend_by_category_.size());
  for (const auto& [category, spend] : spend_by_category_) {
    PutString(out, category);
    PutSigned(out, spend);
  }
  return out;
}

absl::StatusOr<CustomerOrderAggregate> CustomerOrderAggregate::Decode(std::string_view bytes) {
  if (bytes.empty() || bytes.front() != kFormatVersion) {
    return absl::DataLossError(
        bytes.empty() ? "customer aggregate: empty record"
                      : absl::StrCat("customer aggregate: unknown format version ",
                                     static_cast<int>(static_cast<uint8_t>(bytes.front()))));
  }
  Reader r(bytes.substr(1));
  CustomerOrderAggregate a;
  a.currency_ = r.String();
  a.exponent_ = static_cast<int>(r.Signed());
  const uint64_t scale = r.Varint();
  a.scale_ = static_cast<uint32_t>(std::min<uint64_t>(scale, 1000));
  a.notebook_ = r.Totals();
  a.net_ = r.Totals();
  a.orders_seen_ = r.Signed();
  a.cancellation_orders_ = r.Signed();
  a.cancelled_revenue_ = r.Signed();
  a.units_purchased_ = r.Signed();
  a.units_returned_ = r.Signed();
  a.kept_lines_ = r.Signed();
  a.return_lines_ = r.Signed();
  const uint64_t categories = r.Varint();
  for (uint64_t i = 0; i < categories && r.ok(); ++i) {
    std::string category = r.String();
    const int64_t spend = r.Signed();
    a.spend_by_category_.emplace(std::move(category), spend);
  }
  if (!r.ok()) return absl::DataLossError("customer aggregate: truncated or corrupt record");
  if (!r.done()) return absl::DataLossError("customer aggregate: trailing bytes after the record");
  if (scale > money::kMaxExtraDecimals || a.exponent_ < 0 || a.exponent_ > 4 ||
      a.spend_by_category_.size() != categories) {
    return absl::DataLossError("customer aggregate: field out of range");
  }
  return a;
}

bool operator==(const ConventionTotals& a, const ConventionTotals& b) {
  return a.orders == b.orders && a.first_purchase == b.first_purchase &&
         a.last_purchase == b.last_purchase && a.monetary == b.monetary;
}

bool operator==(const CustomerOrderAggregate& a, const CustomerOrderAggregate& b) {
  return a.currency_ == b.currency_ && a.exponent_ == b.exponent_ && a.scale_ == b.scale_ &&
         a.notebook_ == b.notebook_ && a.net_ == b.net_ && a.orders_seen_ == b.orders_seen_ &&
         a.cancellation_orders_ == b.cancellation_orders_ &&
         a.cancelled_revenue_ == b.cancelled_revenue_ && a.units_purchased_ == b.units_purchased_ &&
         a.units_returned_ == b.units_returned_ && a.kept_lines_ == b.kept_lines_ &&
         a.return_lines_ == b.return_lines_ && a.spend_by_category_ == b.spend_by_category_;
}

}  // namespace clientele::analytics
