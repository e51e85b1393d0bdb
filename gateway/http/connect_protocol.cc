#include "gateway/http/connect_protocol.h"

#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "google/protobuf/any.pb.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/wire_format_lite.h"
#include "nlohmann/json.hpp"

namespace clientele::gateway {
namespace {

// Debian's abseil has its own string_view.
absl::string_view A(std::string_view v) { return absl::string_view(v.data(), v.size()); }

}  // namespace

std::string_view ConnectCodeName(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return "ok";
    case absl::StatusCode::kCancelled:
      return "canceled";
    case absl::StatusCode::kUnknown:
      return "unknown";
    case absl::StatusCode::kInvalidArgument:
      return "invalid_argument";
    case absl::StatusCode::kDeadlineExceeded:
      return "deadline_exceeded";
    case absl::StatusCode::kNotFound:
      return "not_found";
    case absl::StatusCode::kAlreadyExists:
      return "already_exists";
    case absl::StatusCode::kPermissionDenied:
      return "permission_denied";
    case absl::StatusCode::kResourceExhausted:
      return "resource_exhausted";
    case absl::StatusCode::kFailedPrecondition:
      return "failed_precondition";
    case absl::StatusCode::kAborted:
      return "aborted";
    case absl::StatusCode::kOutOfRange:
      return "out_of_range";
    case absl::StatusCode::kUnimplemented:
      return "unimplemented";
    case absl::StatusCode::kInternal:
      return "internal";
    case absl::StatusCode::kUnavailable:
      return "unavailable";
    case absl::StatusCode::kDataLoss:
      return "data_loss";
    case absl::StatusCode::kUnauthenticated:
      return "unauthenticated";
    default:
      return "unknown";
  }
}

int ConnectHttpStatus(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return 200;
    case absl::StatusCode::kCancelled:
      return 499;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
      return 400;
    case absl::StatusCode::kDeadlineExceeded:
      return 504;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted:
      return 409;
    case absl::StatusCode::kPermissionDenied:
      return 403;
    case absl::StatusCode::kResourceExhausted:
      return 429;
    case absl::StatusCode::kUnimplemented:
      return 501;
    case absl::StatusCode::kUnavailable:
      return 503;
    case absl::StatusCode::kUnauthenticated:
      return 401;
    default:  // unknown, internal, data_loss
      return 500;
  }
}

std::string ConnectErrorJson(absl::StatusCode code, std::string_view message,
                             const std::vector<ConnectErrorDetail>& details) {
  nlohmann::json body;
  body["code"] = std::string(ConnectCodeName(code));
  // Invalid UTF-8 in a message must not make the body unserializable.
  if (!message.empty()) body["message"] = std::string(message);
  if (!details.empty()) {
    nlohmann::json list = nlohmann::json::array();
    for (const ConnectErrorDetail& detail : details) {
      std::string value = absl::Base64Escape(detail.value);
      while (!value.empty() && value.back() == '=') value.pop_back();
      list.push_back({{"type", detail.type}, {"value", value}});
    }
    body["details"] = std::move(list);
  }
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<ConnectErrorDetail> DetailsOfRpcStatus(std::string_view serialized_status) {
  using google::protobuf::internal::WireFormatLite;
  std::vector<ConnectErrorDetail> details;
  google::protobuf::io::CodedInputStream in(
      reinterpret_cast<const uint8_t*>(serialized_status.data()),
      static_cast<int>(serialized_status.size()));
  // google.rpc.Status: int32 code = 1; string message = 2; repeated google.protobuf.Any
  // details = 3.
  while (uint32_t tag = in.ReadTag()) {
    if (WireFormatLite::GetTagFieldNumber(tag) == 3 &&
        WireFormatLite::GetTagWireType(tag) == WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
      std::string bytes;
      uint32_t length = 0;
      if (!in.ReadVarint32(&length) || !in.ReadString(&bytes, static_cast<int>(length))) {
        return {};
      }
      google::protobuf::Any any;
      if (!any.ParseFromString(bytes)) return {};
      std::string type = any.type_url();
      if (const size_t slash = type.rfind('/'); slash != std::string::npos) {
        type = type.substr(slash + 1);
      }
      details.push_back({std::move(type), any.value()});
    } else if (!WireFormatLite::SkipField(&in, tag)) {
      return {};
    }
  }
  return details;
}

absl::StatusOr<absl::Duration> ParseConnectTimeout(std::string_view value) {
  if (value.empty() || value.size() > 10 ||
      value.find_first_not_of("0123456789") != std::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Connect-Timeout-Ms: expected 1 to 10 digits (milliseconds), got '", A(value), "'"));
  }
  int64_t ms = 0;
  for (char c : value) ms = ms * 10 + (c - '0');
  return absl::Milliseconds(ms);
}

bool IsJsonContentType(std::string_view content_type) {
  absl::string_view media =
      absl::StripAsciiWhitespace(A(content_type.substr(0, content_type.find(';'))));
  return absl::EqualsIgnoreCase(media, "application/json");
}

absl::StatusOr<ConnectPath> ParseConnectPath(std::string_view path) {
  const std::string shape =
      absl::StrCat("path '", A(path), "': expected /<package>.<Service>/<Method>");
  absl::string_view rest = A(path);
  if (!absl::ConsumePrefix(&rest, "/")) return absl::InvalidArgumentError(shape);
  const size_t slash = rest.find('/');
  if (slash == absl::string_view::npos || slash == 0 || slash + 1 == rest.size() ||
      rest.find('/', slash + 1) != absl::string_view::npos ||
      rest.substr(0, slash).find('.') == absl::string_view::npos) {
    return absl::InvalidArgumentError(shape);
  }
  return ConnectPath{std::string(rest.substr(0, slash)), std::string(rest.substr(slash + 1))};
}

}  // namespace clientele::gateway
