// A one-line progress bar on stderr (rows, rows/s, ETA), drawn only on a terminal and at
// most every 100 ms. Not thread-safe: call from one thread.
#ifndef CLIENTELE_CMD_CLIENTELE_PROGRESS_BAR_H_
#define CLIENTELE_CMD_CLIENTELE_PROGRESS_BAR_H_

#include <cstdint>
#include <string>

#include "absl/time/time.h"

namespace clientele::cli {

class ProgressBar {
 public:
  // `total` may be 0 when unknown (no percentage or ETA then).
  ProgressBar(std::string label, int64_t total, std::string unit);
  // Draws if enabled and due.
  void Update(int64_t done);
  // Draws the final state and ends the line.
  void Finish(int64_t done);
  bool enabled() const { return enabled_; }

 private:
  void Draw(int64_t done);

  const std::string label_;
  const int64_t total_;
  const std::string unit_;
  const bool enabled_;
  const absl::Time start_;
  absl::Time last_draw_ = absl::InfinitePast();
};

}  // namespace clientele::cli

#endif  // CLIENTELE_CMD_CLIENTELE_PROGRESS_BAR_H_
