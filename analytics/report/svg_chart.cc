#include "analytics/report/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace clientele::analytics {
namespace {

// A colour-blind-friendly qualitative palette (Okabe-Ito), then a few more.
constexpr const char* kPalette[] = {"#0072B2", "#E69F00", "#009E73", "#D55E00",
                                    "#CC79A7", "#56B4E9", "#F0E442", "#000000",
                                    "#999999", "#882255", "#44AA99", "#117733"};
constexpr int kPaletteSize = sizeof(kPalette) / sizeof(kPalette[0]);

const char* Colour(int i) { return kPalette[((i % kPaletteSize) + kPaletteSize) % kPaletteSize]; }

std::string Number(double v) {
  if (v == 0) return "0";
  const double a = std::fabs(v);
  if (a >= 1e6 || a < 1e-3) return absl::StrFormat("%.3g", v);
  if (std::fabs(v - std::round(v)) < 1e-9) return absl::StrFormat("%.0f", v);
  std::string s = absl::StrFormat("%.3f", v);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

std::string Fmt(double v) { return absl::StrFormat("%.2f", v); }

// Plot area and the mapping of data to pixels.
struct Plot {
  double left, top, right, bottom;
  double x0, x1, y0, y1;
  double X(double x) const { return left + (x - x0) / (x1 - x0) * (right - left); }
  double Y(double y) const { return bottom - (y - y0) / (y1 - y0) * (bottom - top); }
};

std::string Header(const ChartFrame& f) {
  return absl::StrCat(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
      "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"", f.width, "\" height=\"",
      f.height, "\" viewBox=\"0 0 ", f.width, " ", f.height,
      "\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n", "<title>",
      XmlEscape(f.title), "</title>\n", "<rect x=\"0\" y=\"0\" width=\"", f.width, "\" height=\"",
      f.height, "\" fill=\"#ffffff\"/>\n", "<text class=\"title\" x=\"", f.width / 2,
      "\" y=\"24\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\">",
      XmlEscape(f.title), "</text>\n",
      f.subtitle.empty() ? std::string()
                         : absl::StrCat("<text class=\"subtitle\" x=\"", f.width / 2,
                                        "\" y=\"40\" text-anchor=\"middle\" fill=\"#555555\">",
                                        XmlEscape(f.subtitle), "</text>\n"));
}

void Expand(double* lo, double* hi) {
  if (!std::isfinite(*lo) || !std::isfinite(*hi)) {
    *lo = 0;
    *hi = 1;
  }
  if (*hi - *lo < 1e-12) {
    const double pad = std::max(1.0, std::fabs(*lo) * 0.1);
    *lo -= pad;
    *hi += pad;
  }
}

// Axes, grid, ticks and labels. Ticks widen the data range to the first/last tick.
std::string Axes(const ChartFrame& f, Plot& p, bool integer_x) {
  Expand(&p.x0, &p.x1);
  Expand(&p.y0, &p.y1);
  std::vector<double> xt = NiceTicks(p.x0, p.x1);
  if (integer_x) {
    xt.clear();
    const double step = std::max(1.0, std::ceil((p.x1 - p.x0) / 12));
    for (double x = std::floor(p.x0); x <= p.x1 + 1e-9; x += step) xt.push_back(x);
  }
  const std::vector<double> yt = NiceTicks(p.y0, p.y1);
  p.x0 = std::min(p.x0, xt.front());
  p.x1 = std::max(p.x1, xt.back());
  p.y0 = std::min(p.y0, yt.front());
  p.y1 = std::max(p.y1, yt.back());
  if (integer_x) {
    p.x0 -= 0.5;
    p.x1 += 0.5;
  }
  std::string out = "<g class=\"axes\" stroke=\"#333333\" stroke-width=\"1\">\n";
  absl::StrAppend(&out, "<line x1=\"", Fmt(p.left), "\" y1=\"", Fmt(p.bottom), "\" x2=\"",
                  Fmt(p.right), "\" y2=\"", Fmt(p.bottom), "\"/>\n");
  absl::StrAppend(&out, "<line x1=\"", Fmt(p.left), "\" y1=\"", Fmt(p.top), "\" x2=\"", Fmt(p.left),
                  "\" y2=\"", Fmt(p.bottom), "\"/>\n</g>\n");
  out += "<g class=\"ticks\" font-size=\"11\" fill=\"#333333\">\n";
  for (double x : xt) {
    absl::StrAppend(&out, "<line x1=\"", Fmt(p.X(x)), "\" y1=\"", Fmt(p.bottom), "\" x2=\"",
                    Fmt(p.X(x)), "\" y2=\"", Fmt(p.bottom + 5), "\" stroke=\"#333333\"/>",
                    "<text x=\"", Fmt(p.X(x)), "\" y=\"", Fmt(p.bottom + 18),
                    "\" text-anchor=\"middle\">", Number(x), "</text>\n");
  }
  for (double y : yt) {
    absl::StrAppend(&out, "<line x1=\"", Fmt(p.left), "\" y1=\"", Fmt(p.Y(y)), "\" x2=\"",
                    Fmt(p.right), "\" y2=\"", Fmt(p.Y(y)), "\" stroke=\"#e5e5e5\"/>", "<text x=\"",
                    Fmt(p.left - 8), "\" y=\"", Fmt(p.Y(y) + 4), "\" text-anchor=\"end\">",
                    Number(y), "</text>\n");
  }
  out += "</g>\n";
  absl::StrAppend(&out, "<text class=\"x-label\" x=\"", Fmt((p.left + p.right) / 2), "\" y=\"",
                  f.height - 12, "\" text-anchor=\"middle\" font-size=\"13\">",
                  XmlEscape(f.x_label), "</text>\n");
  absl::StrAppend(&out, "<text class=\"y-label\" x=\"16\" y=\"", Fmt((p.top + p.bottom) / 2),
                  "\" text-anchor=\"middle\" font-size=\"13\" transform=\"rotate(-90 16 ",
                  Fmt((p.top + p.bottom) / 2), ")\">", XmlEscape(f.y_label), "</text>\n");
  return out;
}

std::string Legend(const std::vector<std::string>& names, double x, double y, bool dots) {
  std::string out = "<g class=\"legend\" font-size=\"12\">\n";
  for (size_t i = 0; i < names.size(); ++i) {
    const double row = y + 18.0 * static_cast<double>(i);
    if (dots) {
      absl::StrAppend(&out, "<circle cx=\"", Fmt(x + 6), "\" cy=\"", Fmt(row - 4),
                      "\" r=\"5\" fill=\"", Colour(static_cast<int>(i)), "\"/>");
    } else {
      absl::StrAppend(&out, "<rect x=\"", Fmt(x), "\" y=\"", Fmt(row - 10),
                      "\" width=\"12\" height=\"12\" fill=\"", Colour(static_cast<int>(i)), "\"/>");
    }
    absl::StrAppend(&out, "<text x=\"", Fmt(x + 18), "\" y=\"", Fmt(row), "\">",
                    XmlEscape(names[i]), "</text>\n");
  }
  out += "</g>\n";
  return out;
}

}  // namespace

std::string XmlEscape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::vector<double> NiceTicks(double lo, double hi, int target) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) return {0, 1};
  if (hi < lo) std::swap(lo, hi);
  if (hi - lo < 1e-12) {
    lo -= 1;
    hi += 1;
  }
  const double raw = (hi - lo) / std::max(1, target - 1);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * magnitude;
    if (step >= raw) break;
  }
  std::vector<double> ticks;
  const double first = std::floor(lo / step) * step;
  for (int i = 0; i < 50; ++i) {
    const double t = first + step * i;
    ticks.push_back(std::fabs(t) < step * 1e-9 ? 0.0 : t);
    if (t >= hi - step * 1e-9) break;
  }
  return ticks;
}

std::string RenderLineChart(const LineChart& chart) {
  Plot p{80, 55, chart.width - 250.0, chart.height - 55.0, 0, 0, 0, 0};
  double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, y0 = x0, y1 = -x0;
  for (const LineSeries& s : chart.series) {
    for (const auto& [x, y] : s.points) {
      x0 = std::min(x0, x);
      x1 = std::max(x1, x);
      y0 = std::min(y0, y);
      y1 = std::max(y1, y);
    }
  }
  p.x0 = x0;
  p.x1 = x1;
  p.y0 = y0;
  p.y1 = y1;
  std::string out = Header(chart);
  out += Axes(chart, p, chart.integer_x);
  std::vector<std::string> names;
  for (size_t i = 0; i < chart.series.size(); ++i) {
    const LineSeries& s = chart.series[i];
    names.push_back(s.name);
    const char* colour = Colour(static_cast<int>(i));
    std::string path;
    for (const auto& [x, y] : s.points) {
      absl::StrAppend(&path, path.empty() ? "" : " ", Fmt(p.X(x)), ",", Fmt(p.Y(y)));
    }
    absl::StrAppend(&out, "<g class=\"series\">\n<polyline fill=\"none\" stroke=\"", colour,
                    "\" stroke-width=\"2\" points=\"", path, "\"/>\n");
    for (const auto& [x, y] : s.points) {
      absl::StrAppend(&out, "<circle cx=\"", Fmt(p.X(x)), "\" cy=\"", Fmt(p.Y(y)),
                      "\" r=\"4\" fill=\"", colour, "\"><title>", XmlEscape(s.name), " at ",
                      Number(x), ": ", Number(y), "</title></circle>\n");
      if (x == s.marked_x) {
        absl::StrAppend(&out, "<circle class=\"marker\" cx=\"", Fmt(p.X(x)), "\" cy=\"",
                        Fmt(p.Y(y)), "\" r=\"9\" fill=\"none\" stroke=\"#D55E00\" ",
                        "stroke-width=\"2\"/><text x=\"", Fmt(p.X(x) + 12), "\" y=\"",
                        Fmt(p.Y(y) - 10), "\" fill=\"#D55E00\">", XmlEscape(s.marked_note),
                        "</text>\n");
      }
    }
    out += "</g>\n";
  }
  out += Legend(names, p.right + 20, p.top + 10, false);
  out += "</svg>\n";
  return out;
}

std::string RenderScatterChart(const ScatterChart& chart) {
  Plot p{80, 55, chart.width - 250.0, chart.height - 55.0, 0, 0, 0, 0};
  double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, y0 = x0, y1 = -x0;
  for (const ScatterPoint& pt : chart.points) {
    x0 = std::min(x0, pt.x);
    x1 = std::max(x1, pt.x);
    y0 = std::min(y0, pt.y);
    y1 = std::max(y1, pt.y);
  }
  p.x0 = x0;
  p.x1 = x1;
  p.y0 = y0;
  p.y1 = y1;
  std::string out = Header(chart);
  out += Axes(chart, p, false);
  out += "<g class=\"points\" fill-opacity=\"0.7\">\n";
  for (const ScatterPoint& pt : chart.points) {
    absl::StrAppend(&out, "<circle cx=\"", Fmt(p.X(pt.x)), "\" cy=\"", Fmt(p.Y(pt.y)),
                    "\" r=\"3\" fill=\"", Colour(pt.group), "\"/>\n");
  }
  out += "</g>\n";
  out += Legend(chart.group_names, p.right + 20, p.top + 10, true);
  out += "</svg>\n";
  return out;
}

std::string RenderBarChart(const BarChart& chart) {
  const double label_width = 150;
  const double legend_height = 18.0 * static_cast<double>(chart.series.size()) + 10;
  Plot p{label_width + 10, 55 + legend_height, chart.width - 70.0, chart.height - 55.0, 0, 0, 0, 1};
  double hi = 0;
  for (const BarSeries& s : chart.series) {
    for (double v : s.values) hi = std::max(hi, v);
  }
  const std::vector<double> ticks = NiceTicks(0, hi > 0 ? hi : 1);
  p.x1 = ticks.back();
  std::string out = Header(chart);
  out += "<g class=\"ticks\" font-size=\"11\" fill=\"#333333\">\n";
  for (double t : ticks) {
    absl::StrAppend(&out, "<line x1=\"", Fmt(p.X(t)), "\" y1=\"", Fmt(p.top), "\" x2=\"",
                    Fmt(p.X(t)), "\" y2=\"", Fmt(p.bottom), "\" stroke=\"#e5e5e5\"/>", "<text x=\"",
                    Fmt(p.X(t)), "\" y=\"", Fmt(p.bottom + 18), "\" text-anchor=\"middle\">",
                    Number(t), XmlEscape(chart.value_suffix), "</text>\n");
  }
  out += "</g>\n";
  absl::StrAppend(&out, "<g class=\"axes\" stroke=\"#333333\"><line x1=\"", Fmt(p.left), "\" y1=\"",
                  Fmt(p.top), "\" x2=\"", Fmt(p.left), "\" y2=\"", Fmt(p.bottom), "\"/><line x1=\"",
                  Fmt(p.left), "\" y1=\"", Fmt(p.bottom), "\" x2=\"", Fmt(p.right), "\" y2=\"",
                  Fmt(p.bottom), "\"/></g>\n");
  absl::StrAppend(&out, "<text class=\"x-label\" x=\"", Fmt((p.left + p.right) / 2), "\" y=\"",
                  chart.height - 12, "\" text-anchor=\"middle\" font-size=\"13\">",
                  XmlEscape(chart.x_label), "</text>\n");
  absl::StrAppend(&out, "<text class=\"y-label\" x=\"10\" y=\"", Fmt(p.top - 8),
                  "\" font-size=\"13\">", XmlEscape(chart.y_label), "</text>\n");
  const size_t rows = std::max<size_t>(1, chart.categories.size());
  const double row_height = (p.bottom - p.top) / static_cast<double>(rows);
  const double bar_height =
      std::max(2.0, row_height * 0.8 / std::max<size_t>(1, chart.series.size()));
  out += "<g class=\"bars\">\n";
  for (size_t c = 0; c < chart.categories.size(); ++c) {
    const double row_top = p.top + row_height * static_cast<double>(c);
    absl::StrAppend(&out, "<text x=\"", Fmt(p.left - 8), "\" y=\"",
                    Fmt(row_top + row_height / 2 + 4), "\" text-anchor=\"end\">",
                    XmlEscape(chart.categories[c]), "</text>\n");
    for (size_t s = 0; s < chart.series.size(); ++s) {
      const double v = c < chart.series[s].values.size() ? chart.series[s].values[c] : 0;
      const double y = row_top + row_height * 0.1 + bar_height * static_cast<double>(s);
      absl::StrAppend(&out, "<rect x=\"", Fmt(p.left), "\" y=\"", Fmt(y), "\" width=\"",
                      Fmt(std::max(0.0, p.X(v) - p.left)), "\" height=\"", Fmt(bar_height - 1),
                      "\" fill=\"", Colour(static_cast<int>(s)), "\"><title>",
                      XmlEscape(chart.categories[c]), ", ", XmlEscape(chart.series[s].name), ": ",
                      Number(v), XmlEscape(chart.value_suffix), "</title></rect>");
      absl::StrAppend(&out, "<text x=\"", Fmt(p.X(v) + 4), "\" y=\"", Fmt(y + bar_height - 3),
                      "\" font-size=\"10\">", Number(std::round(v * 10) / 10),
                      XmlEscape(chart.value_suffix), "</text>\n");
    }
  }
  out += "</g>\n";
  std::vector<std::string> names;
  for (const BarSeries& s : chart.series) names.push_back(s.name);
  out += Legend(names, p.left, 66, false);
  out += "</svg>\n";
  return out;
}

}  // namespace clientele::analytics
