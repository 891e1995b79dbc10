#include "station/ward.hpp"

#include <algorithm>

#include "core/derived_device.hpp"
#include "core/infusion_dose.hpp"
#include "display/metric_names.hpp"
#include "wire/quality.hpp"
#include "wire/timestamp.hpp"
#include "wire/trend_event_kinds.hpp"

namespace vigil::station {
namespace {

double epoch_seconds(core::TimePoint t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

// The order values are listed in on a tile: heart, oxygen, pressure, the rest.
int metric_rank(const std::string& metric) {
  static const std::vector<std::string> order{"hr",       "pulse",     "spo2", "nibp_sys",
                                              "nibp_dia", "nibp_mean", "resp", "pi"};
  auto it = std::find(order.begin(), order.end(), metric);
  return it == order.end() ? static_cast<int>(order.size()) : static_cast<int>(it - order.begin());
}

bool past(const v1::LimitView& l, double value) {
  const auto& c = l.comparison();
  if (c == ">") return value > l.threshold();
  if (c == ">=") return value >= l.threshold();
  if (c == "<") return value < l.threshold();
  if (c == "<=") return value <= l.threshold();
  return false;  // baseline-relative: only the daemon knows the baseline it is relative to
}

bool alarm_gone(const v1::AlarmEvent& a) {
  return a.transition() == v1::RESET || (a.transition() == v1::CLEARED && !a.latched());
}

}  // namespace

Ward::Ward(std::string station_name, std::chrono::minutes trend_span)
    : station_{std::move(station_name)}, trend_span_{trend_span} {}

void Ward::add_daemon(const std::string& name, const std::string& publish_endpoint,
                      const std::vector<std::string>& beds) {
  daemons_[name].publish_endpoint = publish_endpoint;
  for (const auto& b : beds) bed(name, b);
}

Ward::Bed& Ward::bed(const std::string& daemon, const std::string& id) {
  auto [it, created] = beds_.try_emplace(Key{daemon, id});
  if (created) {
    it->second.daemon = daemon;
    it->second.id = id;
  }
  return it->second;
}

bool Ward::has_bed(const std::string& daemon, const std::string& id) const {
  return beds_.count(Key{daemon, id}) > 0;
}

void Ward::on_snapshot(const std::string& daemon, const v1::BedStatus& s) {
  if (s.has_infusion_bounds()) daemons_[daemon].infusion_bounds = s.infusion_bounds();
  Bed& b = bed(daemon, s.bed());
  b.patient_id = s.patient_id();
  b.infusion_running = s.infusion_running();
  b.infusion_started = s.infusion_started();
  // A vigild from before the snapshot carried the drug says nothing of it: what the bus said stays.
  if (!b.infusion_running || !s.infusion_drug().empty()) b.infusion_drug = s.infusion_drug();
  b.infusion_paused_since = s.infusion_paused_since();
  b.infusion_pause_reason = s.infusion_pause_reason();
  b.infusion_paused_by = s.infusion_paused_by();
  b.infusion_rate_mg_per_min = s.infusion_rate_mg_per_min();
  b.drill = s.drill();
  b.latest.clear();
  for (const auto& o : s.latest()) {
    b.latest[o.metric()] = o;
    add_trend_point(b, o);
  }
  b.alarms.clear();
  for (const auto& a : s.alarms()) b.alarms[a.alarm_id()] = a;
  b.devices.clear();
  for (const auto& d : s.devices()) b.devices[d.device()] = d;
  b.limits.assign(s.limits().begin(), s.limits().end());
}

void Ward::on_update(const std::string& daemon, const v1::BusMessage& m) {
  switch (m.body_case()) {
    case v1::BusMessage::kObservation: {
      Bed& b = bed(daemon, m.observation().bed());
      b.latest[m.observation().metric()] = m.observation();
      b.drill = b.drill || m.observation().drill();
      add_trend_point(b, m.observation());
      break;
    }
    case v1::BusMessage::kAlarm:
      on_alarm(bed(daemon, m.alarm().bed()), m.alarm());
      break;
    case v1::BusMessage::kLink:
      bed(daemon, m.link().bed()).devices[m.link().device()] = m.link();
      break;
    case v1::BusMessage::kContext:
      on_context(bed(daemon, m.context().bed()), m.context());
      break;
    default:
      break;
  }
}

void Ward::on_alarm(Bed& b, const v1::AlarmEvent& a) {
  b.drill = b.drill || a.drill();
  if (alarm_gone(a)) {
    b.alarms.erase(a.alarm_id());
    return;
  }
  b.alarms[a.alarm_id()] = a;
}

void Ward::on_context(Bed& b, const v1::ContextEvent& c) {
  b.drill = b.drill || c.drill();
  // An ADT merge (A40) renames the bed's patient: the tile must not keep
  // showing the id the hospital no longer uses.
  if (c.what() == "admitted" || c.what() == "patient_updated") {
    b.patient_id = c.patient_id();
  } else if (c.what() == "discharged") {
    b.patient_id.clear();
    b.infusion_running = false;
    b.infusion_drug.clear();
    clear_infusion_course(b);
  } else if (c.what() == "infusion_started") {
    b.infusion_running = true;
    b.infusion_started = c.time();
    b.infusion_drug = c.new_value();
    clear_infusion_course(b);
  } else if (c.what() == "infusion_stopped") {
    b.infusion_running = false;
    b.infusion_drug.clear();
    clear_infusion_course(b);
  } else if (c.what() == "infusion_paused") {
    // As vigild's InfusionCourse keeps it: the reason in new_value, the actor and station apart.
    b.infusion_paused_since = c.time();
    b.infusion_pause_reason = c.new_value();
    b.infusion_paused_by = c.actor().empty()     ? "(unnamed)"
                           : c.station().empty() ? c.actor()
                                                 : c.actor() + " at " + c.station();
  } else if (c.what() == "infusion_resumed") {
    b.infusion_paused_since.Clear();
    b.infusion_pause_reason.clear();
    b.infusion_paused_by.clear();
  } else if (c.what() == "infusion_rate_changed") {
    if (const auto rate = core::parse_infusion_rate(c.new_value())) b.infusion_rate_mg_per_min = *rate;
  }
}

void Ward::clear_infusion_course(Bed& b) {
  b.infusion_paused_since.Clear();
  b.infusion_pause_reason.clear();
  b.infusion_paused_by.clear();
  b.infusion_rate_mg_per_min = 0;
}

void Ward::add_trend_point(Bed& b, const v1::Observation& o) {
  if (!wire::unusable_reason(o.quality()).empty()) return;
  const auto t = wire::from_proto(o.has_device_time() ? o.device_time() : o.received());
  auto& series = b.trend[o.metric()];
  if (!series.empty() && t < series.back().time + kTrendStep) return;
  series.push_back({t, o.value()});
  while (!series.empty() && series.front().time < t - trend_span_) series.pop_front();
  new_points_.emplace_back(Key{b.daemon, b.id}, o.metric(), series.back());
  // With no page to take them (terminal or log only), the oldest go; a page
  // that connects gets every point kept anyway.
  if (new_points_.size() > kMaxNewPoints) new_points_.pop_front();
}

void Ward::set_daemon_online(const std::string& daemon, bool online, const std::string& detail,
                             core::TimePoint now) {
  Daemon& d = daemons_[daemon];
  if (d.online && !online) d.offline_since = now;
  if (!d.online && !online && d.offline_since == core::TimePoint{}) d.offline_since = now;
  d.online = online;
  d.detail = detail;
}

void Ward::set_bed_health(const std::string& daemon, const std::string& id, bool online, bool in_step,
                          const std::string& status, core::TimePoint now) {
  Bed& b = bed(daemon, id);
  if (!online && (b.online || b.offline_since == core::TimePoint{})) b.offline_since = now;
  b.online = online;
  b.in_step = in_step;
  b.status = status;
}

std::string Ward::daemon_of_alarm(const std::string& alarm_id) const {
  for (const auto& [key, b] : beds_)
    if (b.alarms.count(alarm_id)) return key.first;
  return "";
}

v1::station::ValueView Ward::value_view(const Bed& b, const v1::Observation& o) const {
  v1::station::ValueView v;
  v.set_metric(o.metric());
  v.set_value(o.value());
  v.set_unit(o.unit());
  v.set_device(o.device());
  *v.mutable_received() = o.received();
  if (o.has_device_time()) *v.mutable_measured() = o.device_time();
  const auto why = wire::unusable_reason(o.quality());
  v.set_usable(why.empty());
  v.set_quality(why.empty() && o.quality().low_perfusion() ? "low perfusion" : why);
  // A reading vigild derived from a device's signal is lost with that device.
  if (auto d = b.devices.find(std::string{core::source_device(o.device())}); d != b.devices.end())
    v.set_device_lost(d->second.state() == v1::DOWN || d->second.state() == v1::STALE);
  if (!v.usable()) return v;
  for (const auto& [id, a] : b.alarms) {
    if (a.metric() == o.metric() && a.active() && a.kind() == v1::PHYSIOLOGICAL) {
      v.set_past_limit(true);
      v.set_limit(a.message());
      return v;
    }
  }
  for (const auto& l : b.limits) {
    if (l.enabled() && l.metric() == o.metric() && past(l, o.value())) {
      v.set_past_limit(true);
      v.set_limit(l.rule());
      return v;
    }
  }
  return v;
}

v1::station::BedView Ward::bed_view(const Bed& b) const {
  v1::station::BedView v;
  v.set_bed(b.id);
  v.set_daemon(b.daemon);
  v.set_online(b.online);
  v.set_in_step(b.in_step);
  v.set_status(b.status);
  if (!b.online && b.offline_since != core::TimePoint{})
    wire::set_time(v.mutable_offline_since(), b.offline_since);
  v.set_patient_id(b.patient_id);
  v.set_infusion_running(b.infusion_running);
  if (b.infusion_running) *v.mutable_infusion_started() = b.infusion_started;
  v.set_infusion_drug(b.infusion_drug);
  if (b.infusion_running && b.infusion_paused_since.seconds() != 0) {
    *v.mutable_infusion_paused_since() = b.infusion_paused_since;
    v.set_infusion_pause_reason(b.infusion_pause_reason);
    v.set_infusion_paused_by(b.infusion_paused_by);
  }
  if (b.infusion_running) v.set_infusion_rate_mg_per_min(b.infusion_rate_mg_per_min);
  v.set_drill(b.drill);
  std::vector<const v1::Observation*> values;
  for (const auto& [metric, o] : b.latest) values.push_back(&o);
  std::stable_sort(values.begin(), values.end(),
                   [](auto* x, auto* y) { return metric_rank(x->metric()) < metric_rank(y->metric()); });
  for (const auto* o : values) *v.add_values() = value_view(b, *o);
  for (const auto& [id, d] : b.devices) *v.add_devices() = d;
  v1::Priority highest = v1::PRIORITY_UNSPECIFIED;
  for (const auto& [id, a] : b.alarms)
    if (!a.acknowledged() && a.priority() > highest) highest = a.priority();
  v.set_highest_alarm(highest);
  for (const auto& l : b.limits)
    if (!l.enabled())
      v.add_alarms_off("ALARM OFF " + l.condition() + " " + v1::Priority_Name(l.priority()) + " (" +
                       l.rule() + ") by " + (l.off_by().empty() ? "(unknown)" : l.off_by()) + ": " +
                       l.off_reason());
  return v;
}

v1::station::WardView Ward::view(core::TimePoint now) const {
  v1::station::WardView w;
  w.set_station(station_);
  wire::set_time(w.mutable_now(), now);
  w.set_trend_minutes(static_cast<std::uint32_t>(trend_span_.count()));
  for (const auto& n : display::shown_names()) {
    auto* mn = w.add_metric_names();
    mn->set_metric(n.metric);
    mn->set_label(n.label);
    mn->set_unit(n.unit);
  }
  for (const auto& k : wire::kTrendEventKinds) {
    auto* en = w.add_trend_event_names();
    en->set_what(std::string{k.what});
    en->set_label(std::string{k.label});
    en->set_mark(std::string{k.mark});
  }
  for (const auto& [name, d] : daemons_) {
    auto* dv = w.add_daemons();
    dv->set_name(name);
    dv->set_online(d.online);
    dv->set_detail(d.detail);
    dv->set_publish_endpoint(d.publish_endpoint);
    if (d.infusion_bounds.ByteSizeLong() != 0) *dv->mutable_infusion_bounds() = d.infusion_bounds;
    if (!d.online && d.offline_since != core::TimePoint{})
      wire::set_time(dv->mutable_offline_since(), d.offline_since);
  }
  std::vector<const v1::AlarmEvent*> alarms;
  std::map<const v1::AlarmEvent*, std::string> daemon_of;
  for (const auto& [key, b] : beds_) {
    *w.add_beds() = bed_view(b);
    w.set_drill(w.drill() || b.drill);
    for (const auto& [id, a] : b.alarms) {
      alarms.push_back(&a);
      daemon_of[&a] = key.first;
    }
  }
  std::stable_sort(alarms.begin(), alarms.end(), [](auto* x, auto* y) {
    if (x->priority() != y->priority()) return x->priority() > y->priority();
    return wire::from_proto(x->onset()) > wire::from_proto(y->onset());
  });
  for (const auto* a : alarms) {
    auto* av = w.add_alarms();
    av->set_daemon(daemon_of[a]);
    *av->mutable_alarm() = *a;
  }
  return w;
}

v1::station::TrendUpdate Ward::trends() const {
  v1::station::TrendUpdate u;
  u.set_full(true);
  for (const auto& [key, b] : beds_) {
    for (const auto& [metric, points] : b.trend) {
      auto* s = u.add_series();
      s->set_bed(key.first + "/" + key.second);
      s->set_metric(metric);
      for (const auto& p : points) {
        s->add_time(epoch_seconds(p.time));
        s->add_value(p.value);
      }
    }
  }
  return u;
}

v1::station::TrendUpdate Ward::take_new_trend_points() {
  v1::station::TrendUpdate u;
  for (const auto& [key, metric, p] : new_points_) {
    auto* s = u.add_series();
    s->set_bed(key.first + "/" + key.second);
    s->set_metric(metric);
    s->add_time(epoch_seconds(p.time));
    s->add_value(p.value);
  }
  new_points_.clear();
  return u;
}

}  // namespace vigil::station
