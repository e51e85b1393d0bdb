// Hand-written SVG charts (no library): line charts, scatter plots and grouped horizontal bar
// charts with a title, labelled axes with "nice" ticks, and a legend. Output is a complete,
// well-formed SVG 1.1 document (text is XML-escaped). Pure functions; thread-safe.
//
//   LineChart chart;
//   chart.title = "Elbow";  chart.x_label = "k";  chart.y_label = "inertia";
//   chart.series.push_back({"inertia", {{2, 410.5}, {3, 280.1}}});
//   std::string svg = RenderLineChart(chart);
#ifndef CLIENTELE_ANALYTICS_REPORT_SVG_CHART_H_
#define CLIENTELE_ANALYTICS_REPORT_SVG_CHART_H_

#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace clientele::analytics {

struct ChartFrame {
  std::string title;
  std::string subtitle;  // Optional second line under the title.
  std::string x_label;
  std::string y_label;
  int width = 900;
  int height = 500;
};

struct LineSeries {
  std::string name;
  std::vector<std::pair<double, double>> points;  // (x, y), drawn in the given order.
  // x of a point to highlight with a ring and a note (e.g. the suggested k); NaN: none.
  double marked_x = std::numeric_limits<double>::quiet_NaN();
  std::string marked_note;
};

struct LineChart : ChartFrame {
  std::vector<LineSeries> series;
  bool integer_x = false;  // Ticks at integers only (k).
};

struct ScatterPoint {
  double x = 0;
  double y = 0;
  int group = 0;  // Index into group_names (colour and legend entry).
};

struct ScatterChart : ChartFrame {
  std::vector<ScatterPoint> points;
  std::vector<std::string> group_names;
};

struct BarSeries {
  std::string name;
  std::vector<double> values;  // One per category.
};

// Horizontal bars: one row per category, one bar per series in each row.
struct BarChart : ChartFrame {
  std::vector<std::string> categories;
  std::vector<BarSeries> series;
  std::string value_suffix;  // Appended to value labels, e.g. "%".
};

std::string RenderLineChart(const LineChart& chart);
std::string RenderScatterChart(const ScatterChart& chart);
std::string RenderBarChart(const BarChart& chart);

// Tick positions covering [lo, hi] at a 1/2/5 x 10^n step, about `target` of them.
std::vector<double> NiceTicks(double lo, double hi, int target = 6);

// & < > " ' as entities.
std::string XmlEscape(const std::string& text);

}  // namespace clientele::analytics

#endif  // CLIENTELE_ANALYTICS_REPORT_SVG_CHART_H_
