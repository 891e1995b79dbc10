#include "journal/trend_query.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/metric.hpp"
#include "core/observation.hpp"
#include "journal/journal_reader.hpp"
#include "vigil/v1/bus.pb.h"
#include "wire/timestamp.hpp"
#include "wire/trend_event_kinds.hpp"

namespace vigil::journal {
namespace v1 = vigil::v1;
namespace {

void set_micros(google::protobuf::Timestamp* ts, std::int64_t us) {
  wire::set_time(ts, from_micros(us));
}

// One metric's readings on their way into a series.
struct Gathered {
  v1::TrendSeries series;
  std::optional<std::int64_t> bucket_index;  // of the series' last bucket
  std::deque<v1::TrendSample> samples;       // episodic: the newest kTrendSamplesMax
};

void add_to_bucket(Gathered& g, std::int64_t from_us, std::int64_t width_us, std::int64_t t_us, double v,
                   bool drill) {
  const std::int64_t index = (t_us - from_us) / width_us;
  if (g.bucket_index != index) {
    g.bucket_index = index;
    auto* b = g.series.add_buckets();
    set_micros(b->mutable_start(), from_us + index * width_us);
    b->set_min(v);
    b->set_max(v);
    set_micros(b->mutable_min_time(), t_us);
    set_micros(b->mutable_max_time(), t_us);
    b->set_count(1);
    b->set_drill(drill);
    return;
  }
  auto* b = g.series.mutable_buckets(g.series.buckets_size() - 1);
  if (drill) b->set_drill(true);
  // Strict comparisons: the first reading at a level marks its time, where a
  // desaturation reached its depth.
  if (v < b->min()) {
    b->set_min(v);
    set_micros(b->mutable_min_time(), t_us);
  }
  if (v > b->max()) {
    b->set_max(v);
    set_micros(b->mutable_max_time(), t_us);
  }
  b->set_count(b->count() + 1);
}

void add_sample(Gathered& g, v1::TrendSample s) {
  if (g.samples.size() == kTrendSamplesMax) {
    g.samples.pop_front();
    g.series.set_samples_cut(true);
  }
  g.samples.push_back(std::move(s));
}

// The context events a reviewer reads beside the readings, as an SQL list
// ("'note', 'intervention', ..."); the kinds are plain words, never quoted.
const std::string& event_kinds_sql() {
  static const std::string list = [] {
    std::string out;
    for (const auto& k : wire::kTrendEventKinds)
      out += (out.empty() ? "'" : ", '") + std::string{k.what} + "'";
    return out;
  }();
  return list;
}

// The newest kTrendEventsMax, oldest first.
void add_events(sqlite::Database& db, const std::string& bed, std::int64_t from_us, std::int64_t to_us,
                v1::TrendPage& page) {
  auto rows = db.prepare(std::string{"SELECT time_us, what, message, actor, station, event "
                                     "FROM context_events WHERE bed = ?1 AND time_us >= ?2 AND time_us < ?3 "
                                     "AND what IN ("} +
                         event_kinds_sql() + ") ORDER BY time_us DESC, seq DESC LIMIT ?4");
  rows.bind(1, bed).bind(2, from_us).bind(3, to_us).bind(4, static_cast<std::int64_t>(kTrendEventsMax + 1));
  std::vector<v1::TrendEvent> newest_first;
  while (rows.step()) {
    if (newest_first.size() == kTrendEventsMax) {
      page.set_events_cut(true);
      break;
    }
    v1::TrendEvent e;
    set_micros(e.mutable_time(), rows.integer(0));
    e.set_what(rows.text(1));
    e.set_text(rows.text(2));
    e.set_actor(rows.text(3));
    e.set_station(rows.text(4));
    // The drill flag lives only in the event as published.
    v1::BusMessage m;
    e.set_drill(m.ParseFromString(rows.blob(5)) && m.context().drill());
    newest_first.push_back(std::move(e));
  }
  for (auto it = newest_first.rbegin(); it != newest_first.rend(); ++it) *page.add_events() = std::move(*it);
}

core::Result<std::vector<std::uint32_t>> wanted_codes(const v1::TrendQuery& q) {
  std::vector<std::uint32_t> codes;
  for (int i = 0; i < q.metric_size(); ++i) {
    const auto m = core::metric_from_name(q.metric(i));
    if (!m)
      return core::Error::at("metric[" + std::to_string(i) + "]",
                             "'" + q.metric(i) + "' is not a metric name");
    codes.push_back(core::code(*m));
  }
  if (codes.empty())
    for (const auto& info : core::all_metrics()) codes.push_back(core::code(info.metric));
  return codes;
}

}  // namespace

core::Result<v1::TrendPage> trend(sqlite::Database& db, const v1::TrendQuery& q) {
  if (q.bed().empty()) return core::Error::at("bed", "is required");
  if (!q.has_from()) return core::Error::at("from", "is required");
  if (!q.has_to()) return core::Error::at("to", "is required");
  // In microseconds: a difference of two far-apart times (years 1678 and
  // 2262, say) overflows a nanosecond count but not a microsecond one.
  const std::int64_t from_us = to_micros(wire::from_proto(q.from())),
                     to_us = to_micros(wire::from_proto(q.to()));
  if (to_us <= from_us) return core::Error::at("to", "must be after from");
  if (to_us - from_us > std::chrono::duration_cast<std::chrono::microseconds>(kTrendRangeMax).count())
    return core::Error::at("to", "at most " + std::to_string(kTrendRangeMax.count()) +
                                     " hours after from: ask a longer time range by range");
  if (q.points() > kTrendPointsMax)
    return core::Error::at("points", "at most " + std::to_string(kTrendPointsMax) + " points a metric");
  auto codes = wanted_codes(q);
  if (!codes) return codes.failure();

  const auto points = static_cast<std::int64_t>(q.points() == 0 ? kTrendPointsDefault : q.points());
  // Whole milliseconds (the page says the width in them), rounded up so
  // that `points` buckets cover the range.
  const std::int64_t per_point_ms = (to_us - from_us + points * 1000 - 1) / (points * 1000);
  const std::int64_t width_us = std::max<std::int64_t>(per_point_ms, 1) * 1000;

  std::map<std::uint32_t, Gathered> gathered;
  for (const auto c : codes.value()) {
    const auto m = core::metric_from_code(c);
    auto& s = gathered[c].series;
    s.set_metric(std::string{core::name(*m)});
    s.set_mdc_code(c);
    s.set_unit(std::string{core::info(*m).ucum_unit});
    s.set_episodic(core::info(*m).episodic);
  }
  auto rows = db.prepare(
      "SELECT mdc_code, value, quality, received_us, drill FROM observations "
      "WHERE bed = ?1 AND received_us >= ?2 AND received_us < ?3 ORDER BY received_us, seq");
  rows.bind(1, q.bed()).bind(2, from_us).bind(3, to_us);
  std::uint64_t drill_readings = 0;
  while (rows.step()) {
    auto it = gathered.find(static_cast<std::uint32_t>(rows.integer(0)));
    if (it == gathered.end()) continue;
    Gathered& g = it->second;
    core::Quality quality;
    quality.bits = static_cast<std::uint16_t>(rows.integer(2));
    if (!quality.usable()) {
      g.series.set_excluded(g.series.excluded() + 1);
      continue;
    }
    const bool drill = rows.integer(4) != 0;
    drill_readings += drill ? 1 : 0;
    if (g.series.episodic()) {
      v1::TrendSample s;
      set_micros(s.mutable_time(), rows.integer(3));
      s.set_value(rows.real(1));
      s.set_drill(drill);
      add_sample(g, std::move(s));
    } else {
      add_to_bucket(g, from_us, width_us, rows.integer(3), rows.real(1), drill);
    }
  }

  v1::TrendPage page;
  page.set_bed(q.bed());
  *page.mutable_from() = q.from();
  *page.mutable_to() = q.to();
  page.set_bucket_ms(static_cast<std::uint64_t>(width_us / 1000));
  for (const auto& info : core::all_metrics()) {
    auto it = gathered.find(core::code(info.metric));
    if (it == gathered.end()) continue;
    Gathered& g = it->second;
    for (auto& s : g.samples) *g.series.add_samples() = std::move(s);
    if (g.series.buckets_size() + g.series.samples_size() + static_cast<int>(g.series.excluded()) > 0)
      *page.add_series() = std::move(g.series);
  }
  page.set_drill_readings(drill_readings);
  add_events(db, q.bed(), from_us, to_us, page);
  return page;
}

}  // namespace vigil::journal
