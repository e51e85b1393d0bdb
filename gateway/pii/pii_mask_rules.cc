#include "gateway/pii/pii_mask_rules.h"

#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/match.h"

namespace clientele::gateway {
namespace {

// Phones shorter than this many code points are starred out whole: keeping two digits of
// them would show most of the number.
constexpr size_t kMinPhoneCodePointsToKeepDigits = 5;

// Byte length of the UTF-8 code point that starts at s[i]; 1 for a byte that does not start
// a valid sequence (invalid UTF-8 is then handled byte by byte).
size_t CodePointLength(std::string_view s, size_t i) {
  const auto lead = static_cast<unsigned char>(s[i]);
  size_t n = 1;
  if ((lead & 0xE0) == 0xC0) {
    n = 2;
  } else if ((lead & 0xF0) == 0xE0) {
    n = 3;
  } else if ((lead & 0xF8) == 0xF0) {
    n = 4;
  }
  if (i + n > s.size()) return 1;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 1;
  }
  return n;
}

std::vector<std::string_view> CodePoints(std::string_view s) {
  std::vector<std::string_view> out;
  for (size_t i = 0; i < s.size();) {
    const size_t n = CodePointLength(s, i);
    out.push_back(s.substr(i, n));
    i += n;
  }
  return out;
}

std::string_view FirstCodePoint(std::string_view s) {
  return s.empty() ? s : s.substr(0, CodePointLength(s, 0));
}

bool IsDigit(std::string_view code_point) {
  return code_point.size() == 1 && code_point[0] >= '0' && code_point[0] <= '9';
}

std::string MaskName(std::string_view value) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  const std::string_view first = FirstCodePoint(value);
  // A one-letter name is all there is: showing its letter would show it whole.
  if (first.size() == value.size()) return "*";
  return std::string(first) + "***";
}

std::string MaskEmail(std::string_view value) {
  const size_t at = value.rfind('@');
  if (at == std::string_view::npos || at == 0) return "***";
  std::string out(FirstCodePoint(value.substr(0, at)));
  out += "***@";
  out += value.substr(at + 1);
  return out;
}

std::string MaskPhone(std::string_view value) {
  const std::vector<std::string_view> code_points = CodePoints(value);
  size_t keep_from = code_points.size();  // Code points at or after this index that are digits.
  if (code_points.size() >= kMinPhoneCodePointsToKeepDigits) {
    int digits = 0;
    for (size_t i = code_points.size(); i-- > 0 && digits < 2;) {
      if (IsDigit(code_points[i])) {
        keep_from = i;
        ++digits;
      }
    }
  }
  std::string out;
  out.reserve(code_points.size());
  for (size_t i = 0; i < code_points.size(); ++i) {
    const bool keep = i >= keep_from && IsDigit(code_points[i]);
    out.append(keep ? code_points[i] : std::string_view("*"));
  }
  return out;
}

}  // namespace

PiiKind PiiKindOf(const google::protobuf::FieldDescriptor& field) {
  if (field.type() != google::protobuf::FieldDescriptor::TYPE_STRING) return PiiKind::kClear;
  const std::string& name = field.name();
  if (absl::StrContains(name, "email")) return PiiKind::kEmail;
  if (absl::StrContains(name, "phone") || absl::StrContains(name, "mobile")) {
    return PiiKind::kPhone;
  }
  if (name == "name" || absl::EndsWith(name, "_name")) return PiiKind::kName;
  return PiiKind::kClear;
}

std::string MaskPiiValue(PiiKind kind, std::string_view value) {
  switch (kind) {
    case PiiKind::kEmail:
      return MaskEmail(value);
    case PiiKind::kPhone:
      return MaskPhone(value);
    case PiiKind::kName:
      return MaskName(value);
    case PiiKind::kClear:
      break;
  }
  return "";
}

}  // namespace clientele::gateway
