#include "ingest/import/importer.h"

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/money/money.h"
#include "ingest/import/internal/format_importers.h"
#include "ingest/import/internal/import_util.h"

namespace clientele::ingest {
namespace {

using import_internal::Settings;
using import_internal::ToAbsl;

constexpr std::string_view kOnlineRetail = "online-retail";
constexpr std::string_view kMarketingCampaign = "marketing-campaign";
constexpr std::string_view kEventsJsonl = "events-jsonl";
constexpr std::string_view kFebrl = "febrl";
constexpr std::string_view kBaskets = "baskets";
constexpr std::string_view kMovieLens = "movielens";

bool IsValidSourceSystem(std::string_view system) {
  if (system.empty() || system.size() > 64) return false;
  for (char c : system) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-')) {
      return false;
    }
  }
  return true;
}

absl::StatusOr<Settings> ResolveOptions(ImportFormat format, const ImportOptions& options,
                                        std::string_view default_source_name) {
  Settings settings;
  settings.source_system = options.source_system;
  if (settings.source_system.empty()) {
    if (format == ImportFormat::kOnlineRetail) settings.source_system = "online_retail";
    if (format == ImportFormat::kMarketingCampaign) settings.source_system = "marketing_campaign";
    if (format == ImportFormat::kFebrl) settings.source_system = "febrl";
    if (format == ImportFormat::kBaskets) settings.source_system = "baskets";
    if (format == ImportFormat::kMovieLens) settings.source_system = "movielens";
  }
  if (format != ImportFormat::kEventsJsonl && !IsValidSourceSystem(settings.source_system)) {
    return absl::InvalidArgumentError(absl::StrCat("source system ",
                                                   import_internal::Quoted(settings.source_system),
                                                   " must match [a-z0-9_.-]{1,64}"));
  }
  settings.source_name = import_internal::SanitizeUtf8(
      options.source_name.empty() ? default_source_name : options.source_name, 1024);
  if (!common::v1::Channel_IsValid(options.channel)) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown channel ", static_cast<int>(options.channel)));
  }
  settings.channel = options.channel;
  if (settings.channel == common::v1::CHANNEL_UNSPECIFIED) {
    if (format == ImportFormat::kOnlineRetail) settings.channel = common::v1::CHANNEL_ONLINE_SHOP;
    if (format == ImportFormat::kMarketingCampaign) settings.channel = common::v1::CHANNEL_OTHER;
    if (format == ImportFormat::kFebrl) settings.channel = common::v1::CHANNEL_OTHER;
    if (format == ImportFormat::kBaskets) settings.channel = common::v1::CHANNEL_STORE_POS;
    if (format == ImportFormat::kMovieLens) settings.channel = common::v1::CHANNEL_OTHER;
  }
  settings.snapshot_time = options.snapshot_time;
  if (options.snapshot_time < absl::UnixEpoch() ||
      options.snapshot_time == absl::InfiniteFuture()) {
    return absl::InvalidArgumentError("snapshot time must be a finite time after 1970-01-01");
  }
  settings.currency = options.currency;
  if ((format == ImportFormat::kOnlineRetail || format == ImportFormat::kBaskets) &&
      !money::CurrencyExponent(settings.currency)) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown ISO 4217 currency ", import_internal::Quoted(settings.currency)));
  }
  if (!absl::LoadTimeZone(options.time_zone, &settings.time_zone)) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown time zone ", import_internal::Quoted(options.time_zone)));
  }
  return settings;
}

absl::StatusOr<std::unique_ptr<Importer>> Open(ImportFormat format,
                                               std::unique_ptr<import_internal::Contents> contents,
                                               Settings settings) {
  switch (format) {
    case ImportFormat::kOnlineRetail:
      return import_internal::OpenOnlineRetailImporter(std::move(contents), std::move(settings));
    case ImportFormat::kMarketingCampaign:
      return import_internal::OpenMarketingCampaignImporter(std::move(contents),
                                                            std::move(settings));
    case ImportFormat::kEventsJsonl:
      return import_internal::OpenEventsJsonlImporter(std::move(contents), std::move(settings));
    case ImportFormat::kFebrl:
      return import_internal::OpenFebrlImporter(std::move(contents), std::move(settings));
    case ImportFormat::kBaskets:
      return import_internal::OpenBasketsImporter(std::move(contents), std::move(settings));
    case ImportFormat::kMovieLens:
      return import_internal::OpenMovieLensImporter(std::move(contents), std::move(settings));
  }
  return absl::InvalidArgumentError("unknown import format");
}

}  // namespace

absl::StatusOr<ImportFormat> ParseImportFormat(std::string_view name) {
  if (name == kOnlineRetail) return ImportFormat::kOnlineRetail;
  if (name == kMarketingCampaign) return ImportFormat::kMarketingCampaign;
  if (name == kEventsJsonl) return ImportFormat::kEventsJsonl;
  if (name == kFebrl) return ImportFormat::kFebrl;
  if (name == kBaskets) return ImportFormat::kBaskets;
  if (name == kMovieLens) return ImportFormat::kMovieLens;
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown import format ", import_internal::Quoted(name), "; valid formats: ",
      ToAbsl(kOnlineRetail), ", ", ToAbsl(kMarketingCampaign), ", ", ToAbsl(kEventsJsonl), ", ",
      ToAbsl(kFebrl), ", ", ToAbsl(kBaskets), ", ", ToAbsl(kMovieLens)));
}

std::string_view ImportFormatName(ImportFormat format) {
  switch (format) {
    case ImportFormat::kOnlineRetail:
      return kOnlineRetail;
    case ImportFormat::kMarketingCampaign:
      return kMarketingCampaign;
    case ImportFormat::kEventsJsonl:
      return kEventsJsonl;
    case ImportFormat::kFebrl:
      return kFebrl;
    case ImportFormat::kBaskets:
      return kBaskets;
    case ImportFormat::kMovieLens:
      return kMovieLens;
  }
  return "unknown";
}

absl::StatusOr<std::unique_ptr<Importer>> OpenImporter(ImportFormat format, const std::string& path,
                                                       const ImportOptions& options) {
  absl::StatusOr<Settings> settings =
      ResolveOptions(format, options, import_internal::BaseName(path));
  if (!settings.ok()) return settings.status();
  absl::StatusOr<std::unique_ptr<import_internal::Contents>> contents =
      import_internal::Contents::ReadFile(path);
  if (!contents.ok()) return contents.status();
  return Open(format, *std::move(contents), *std::move(settings));
}

absl::StatusOr<std::unique_ptr<Importer>> OpenImporterForContents(ImportFormat format,
                                                                  std::string contents,
                                                                  const ImportOptions& options) {
  absl::StatusOr<Settings> settings = ResolveOptions(format, options, "input");
  if (!settings.ok()) return settings.status();
  return Open(format, std::make_unique<import_internal::Contents>(std::move(contents)),
              *std::move(settings));
}

}  // namespace clientele::ingest
