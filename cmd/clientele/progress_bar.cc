#include "cmd/clientele/progress_bar.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "absl/time/clock.h"

namespace clientele::cli {

ProgressBar::ProgressBar(std::string label, int64_t total, std::string unit)
    : label_(std::move(label)),
      total_(total),
      unit_(std::move(unit)),
      enabled_(isatty(STDERR_FILENO) == 1),
      start_(absl::Now()) {}

void ProgressBar::Update(int64_t done) {
  if (!enabled_) return;
  const absl::Time now = absl::Now();
  if (now - last_draw_ < absl::Milliseconds(100)) return;
  last_draw_ = now;
  Draw(done);
}

void ProgressBar::Finish(int64_t done) {
  if (!enabled_) return;
  Draw(done);
  std::fputc('\n', stderr);
}

void ProgressBar::Draw(int64_t done) {
  const double seconds = std::max(1e-6, absl::ToDoubleSeconds(absl::Now() - start_));
  const double rate = static_cast<double>(done) / seconds;
  constexpr int kWidth = 30;
  if (total_ > 0) {
    const double fraction = std::min(1.0, static_cast<double>(done) / static_cast<double>(total_));
    const int filled = static_cast<int>(fraction * kWidth);
    const double eta = rate > 0 ? static_cast<double>(total_ - done) / rate : 0;
    std::fprintf(stderr, "\r%s [%.*s%*s] %3.0f%% %lld/%lld %s  %.0f %s/s  ETA %.1fs ",
                 label_.c_str(), filled, "##############################", kWidth - filled, "",
                 fraction * 100, static_cast<long long>(done), static_cast<long long>(total_),
                 unit_.c_str(), rate, unit_.c_str(), std::max(0.0, eta));
  } else {
    std::fprintf(stderr, "\r%s %lld %s  %.0f %s/s ", label_.c_str(), static_cast<long long>(done),
                 unit_.c_str(), rate, unit_.c_str());
  }
  std::fflush(stderr);
}

}  // namespace clientele::cli
