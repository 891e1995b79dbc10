#include "station/ward.hpp"

#include <doctest/doctest.h>

#include "wire/trend_event_kinds.hpp"

using namespace std::chrono_literals;
using vigil::core::TimePoint;
using vigil::station::Ward;
namespace v1 = vigil::v1;

namespace {

const TimePoint t0{std::chrono::seconds{1'800'000'000}};

void stamp(google::protobuf::Timestamp* ts, TimePoint t) {
  ts->set_seconds(std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count());
}

v1::BusMessage reading(const std::string& bed, const std::string& metric, double value, TimePoint at,
                       const std::string& device = "ox") {
  v1::BusMessage m;
  auto* o = m.mutable_observation();
  o->set_bed(bed);
  o->set_device(device);
  o->set_metric(metric);
  o->set_value(value);
  stamp(o->mutable_received(), at);
  return m;
}

v1::BusMessage alarm(const std::string& bed, const std::string& id, v1::Priority p, v1::AlarmTransition t,
                     TimePoint onset, bool active = true, bool latched = false) {
  v1::BusMessage m;
  auto* a = m.mutable_alarm();
  a->set_bed(bed);
  a->set_alarm_id(id);
  a->set_priority(p);
  a->set_transition(t);
  a->set_active(active);
  a->set_latched(latched);
  a->set_kind(v1::PHYSIOLOGICAL);
  stamp(a->mutable_onset(), onset);
  return m;
}

v1::BedStatus status(const std::string& bed) {
  v1::BedStatus s;
  s.set_bed(bed);
  s.set_patient_id("PAT-7");
  auto* l = s.add_limits();
  l->set_metric("spo2");
  l->set_comparison("<");
  l->set_threshold(90);
  l->set_enabled(true);
  l->set_rule("spo2 < 90 % for 15 s");
  return s;
}

const v1::station::BedView& bed_of(const v1::station::WardView& w, const std::string& bed) {
  for (const auto& b : w.beds())
    if (b.bed() == bed) return b;
  FAIL("no bed " << bed);
  return w.beds(0);
}

const v1::station::ValueView* value_of(const v1::station::BedView& b, const std::string& metric) {
  for (const auto& v : b.values())
    if (v.metric() == metric) return &v;
  return nullptr;
}

}  // namespace

TEST_CASE("a configured bed shows offline, waiting for its daemon, before anything is heard") {
  Ward ward{"station-1"};
  ward.add_daemon("room-1", "tcp://10.0.0.5:5560", {"bed-1"});
  ward.set_daemon_online("room-1", false, "never heard anything from tcp://10.0.0.5:5560 for 2.5 s", t0);
  const auto w = ward.view(t0);
  REQUIRE(w.beds_size() == 1);
  CHECK_FALSE(w.beds(0).online());
  CHECK(w.beds(0).status() == "waiting for its daemon");
  CHECK_FALSE(w.daemons(0).online());
  CHECK(w.daemons(0).offline_since().seconds() == 1'800'000'000);
}

TEST_CASE("SpO2 88 % under a '< 90' limit is highlighted with the limit, 95 % is not") {
  Ward ward{"station-1"};
  ward.add_daemon("room-1", "tcp://x:1", {});
  ward.on_snapshot("room-1", status("bed-1"));
  ward.on_update("room-1", reading("bed-1", "spo2", 88, t0));
  const auto low = ward.view(t0);
  const auto* v = value_of(bed_of(low, "bed-1"), "spo2");
  REQUIRE(v);
  CHECK(v->past_limit());
  CHECK(v->limit() == "spo2 < 90 % for 15 s");
  ward.on_update("room-1", reading("bed-1", "spo2", 95, t0 + 1s));
  const auto fine = ward.view(t0);
  CHECK_FALSE(value_of(bed_of(fine, "bed-1"), "spo2")->past_limit());
}

TEST_CASE("the view names every metric as staff read it, and the cuff's pair as NIBP in mmHg") {
  Ward ward{"station-1"};
  std::map<std::string, std::pair<std::string, std::string>> names;
  const auto view = ward.view(t0);
  for (const auto& n : view.metric_names()) names[n.metric()] = {n.label(), n.unit()};
  CHECK(names["spo2"] == std::pair<std::string, std::string>{"SpO\u2082", "%"});
  CHECK(names["pulse"] == std::pair<std::string, std::string>{"Pulse", "/min"});
  CHECK(names["hr"] == std::pair<std::string, std::string>{"HR", "/min"});
  CHECK(names["nibp_sys"].second == "mmHg");
  CHECK(names["nibp"] == std::pair<std::string, std::string>{"NIBP", "mmHg"});
}

TEST_CASE("the view names every kind of trend event vigild sends, with its mark, for the page to show") {
  Ward ward{"station-1"};
  const auto view = ward.view(t0);
  REQUIRE(view.trend_event_names_size() == static_cast<int>(vigil::wire::kTrendEventKinds.size()));
  std::map<std::string, std::pair<std::string, std::string>> names;
  for (const auto& n : view.trend_event_names()) names[n.what()] = {n.label(), n.mark()};
  CHECK(names["infusion_paused"] == std::pair<std::string, std::string>{"Infusion paused", "\u2016"});
  CHECK(names["intervention"] == std::pair<std::string, std::string>{"Intervention", "+"});
  for (const auto& k : vigil::wire::kTrendEventKinds) {
    CHECK(names[std::string{k.what}].first == k.label);
    CHECK_FALSE(names[std::string{k.what}].second.empty());
  }
}

TEST_CASE("a reading flagged sensor-off is shown as not usable, never as a number past a limit") {
  Ward ward{"station-1"};
  ward.add_daemon("room-1", "tcp://x:1", {});
  ward.on_snapshot("room-1", status("bed-1"));
  auto m = reading("bed-1", "spo2", 40, t0);
  m.mutable_observation()->mutable_quality()->set_sensor_off(true);
  ward.on_update("room-1", m);
  const auto w = ward.view(t0);
  const auto* v = value_of(bed_of(w, "bed-1"), "spo2");
  REQUIRE(v);
  CHECK_FALSE(v->usable());
  CHECK(v->quality() == "sensor off");
  CHECK_FALSE(v->past_limit());
  CHECK(ward.take_new_trend_points().series_size() == 0);  // not a point of the trend either
}

TEST_CASE("values of a device whose link is down are marked lost, with their age still known") {
  Ward ward{"station-1"};
  ward.add_daemon("room-1", "tcp://x:1", {});
  ward.on_update("room-1", reading("bed-1", "pulse", 72, t0));
  v1::BusMessage link;
  link.mutable_link()->set_bed("bed-1");
  link.mutable_link()->set_device("ox");
  link.mutable_link()->set_state(v1::DOWN);
  ward.on_update("room-1", link);
  const auto w = ward.view(t0 + 10s);
  const auto* v = value_of(bed_of(w, "bed-1"), "pulse");
  REQUIRE(v);
  CHECK(v->device_lost());
  CHECK(v->received().seconds() == 1'800'000'000);
}

TEST_CASE("the alarm list is ordered by priority, then the newest first, and tells each alarm's daemon") {
  Ward ward{"station-1"};
  ward.add_daemon("room-1", "tcp://x:1", {});
  ward.add_daemon("room-2", "tcp://y:1", {});
  ward.on_update("room-1", alarm("bed-1", "bed-1:tachycardia:1", v1::MEDIUM, v1::RAISED, t0));
  ward.on_update("room-1", alarm("bed-1", "bed-1:desaturation:2", v1::HIGH, v1::RAISED, t0 + 5s));
  ward.on_update("room-2", alarm("bed-2", "bed-2:hypertension:3", v1::HIGH, v1::RAISED, t0 + 9s));
  ward.on_update("room-2", alarm("bed-2", "bed-2:nibp_overdue:4", v1::LOW, v1::RAISED, t0 + 20s));
  const auto w = ward.view(t0 + 30s);
  REQUIRE(w.alarms_size() == 4);
  CHECK(w.alarms(0).alarm().alarm_id() == "bed-2:hypertension:3");
  CHECK(w.alarms(0).daemon() == "room-2");
  CHECK(w.alarms(1).alarm().alarm_id() == "bed-1:desaturation:2");
  CHECK(w.alarms(2).alarm().alarm_id() == "bed-1:tachycardia:1");
  CHECK(w.alarms(3).alarm().alarm_id() == "bed-2:nibp_overdue:4");
  CHECK(bed_of(w, "bed-1").highest_alarm() == v1::HIGH);
  CHECK(ward.daemon_of_alarm("bed-2:nibp_overdue:4") == "room-2");
}

TEST_CASE("a cleared alarm leaves the list unless it latched; a latched one goes on reset") {
  Ward ward{"station-1"};
  ward.add_daemon("room-1", "tcp://x:1", {});
  ward.on_update("room-1", alarm("bed-1", "a", v1::MEDIUM, v1::RAISED, t0));
  ward.on_update("room-1", alarm("bed-1", "b", v1::HIGH, v1::RAISED, t0));
  ward.on_update("room-1", alarm("bed-1", "a", v1::MEDIUM, v1::CLEARED, t0, false, false));
  ward.on_update("room-1", alarm("bed-1", "b", v1::HIGH, v1::CLEARED, t0, false, true));
  auto w = ward.view(t0);
  REQUIRE(w.alarms_size() == 1);
  CHECK(w.alarms(0).alarm().alarm_id() == "b");
  CHECK(w.alarms(0).alarm().latched());
  auto ack = alarm("bed-1", "b", v1::HIGH, v1::ACKNOWLEDGED, t0, false, true);
  ack.mutable_alarm()->set_acknowledged(true);
  ack.mutable_alarm()->set_actor("nurse A at station-1");
  ward.on_update("room-1", ack);
  CHECK(ward.view(t0).alarms(0).alarm().actor() == "nurse A at station-1");
  CHECK(bed_of(ward.view(t0), "bed-1").highest_alarm() == v1::PRIORITY_UNSPECIFIED);  // acknowledged: silent
  ward.on_update("room-1", alarm("bed-1", "b", v1::HIGH, v1::RESET, t0, false, false));
  CHECK(ward.view(t0).alarms_size() == 0);
}

TEST_CASE("a snapshot replaces the bed's state: alarms that ended while we were away are gone") {
  Ward ward{"station-1"};
  ward.add_daemon("room-1", "tcp://x:1", {});
  ward.on_update("room-1", alarm("bed-1", "old", v1::HIGH, v1::RAISED, t0));
  auto s = status("bed-1");
  *s.add_alarms() = alarm("bed-1", "new", v1::MEDIUM, v1::RAISED, t0 + 60s).alarm();
  ward.on_snapshot("room-1", s);
  const auto w = ward.view(t0 + 61s);
  REQUIRE(w.alarms_size() == 1);
  CHECK(w.alarms(0).alarm().alarm_id() == "new");
  CHECK(bed_of(w, "bed-1").patient_id() == "PAT-7");
}

TEST_CASE("admission, infusion start and discharge on the bus change the tile at once") {
  Ward ward{"station-1"};
  ward.add_daemon("room-1", "tcp://x:1", {});
  auto ctx = [&](const std::string& what, const std::string& value) {
    v1::BusMessage m;
    auto* c = m.mutable_context();
    c->set_bed("bed-3");
    c->set_what(what);
    c->set_patient_id("PAT-9");
    c->set_new_value(value);
    stamp(c->mutable_time(), t0);
    ward.on_update("room-1", m);
  };
  ctx("admitted", "");
  ctx("infusion_started", "ketamine");
  auto b = bed_of(ward.view(t0 + 12min), "bed-3");
  CHECK(b.patient_id() == "PAT-9");
  CHECK(b.infusion_running());
  CHECK(b.infusion_drug() == "ketamine");
  CHECK(b.infusion_started().seconds() == 1'800'000'000);
  // An ADT merge renames the patient the tile shows.
  v1::BusMessage merged;
  merged.mutable_context()->set_bed("bed-3");
  merged.mutable_context()->set_what("patient_updated");
  merged.mutable_context()->set_patient_id("PAT-9M");
  stamp(merged.mutable_context()->mutable_time(), t0);
  ward.on_update("room-1", merged);
  CHECK(bed_of(ward.view(t0 + 12min), "bed-3").patient_id() == "PAT-9M");
  ctx("discharged", "");
  b = bed_of(ward.view(t0 + 13min), "bed-3");
  CHECK(b.patient_id().empty());
  CHECK_FALSE(b.infusion_running());
}

TEST_CASE(
    "a pause on the bus shows on the tile with its time, reason and nurse; a resume ends it; a new infusion "
    "starts unpaused") {
  Ward ward{"station-1"};
  ward.add_daemon("room-1", "tcp://x:1", {});
  auto ctx = [&](const std::string& what, const std::string& value, TimePoint at) {
    v1::BusMessage m;
    auto* c = m.mutable_context();
    c->set_bed("bed-1");
    c->set_what(what);
    c->set_new_value(value);
    c->set_actor("A. Diaz");
    c->set_station("station-1");
    stamp(c->mutable_time(), at);
    ward.on_update("room-1", m);
  };
  ctx("infusion_started", "ketamine", t0);
  ctx("infusion_rate_changed", "0.6 mg/min", t0 + 5min);
  ctx("infusion_paused", "BP 220/120", t0 + 20min);
  auto b = bed_of(ward.view(t0 + 21min), "bed-1");
  CHECK(b.infusion_paused_since().seconds() == 1'800'000'000 + 20 * 60);
  CHECK(b.infusion_pause_reason() == "BP 220/120");
  CHECK(b.infusion_paused_by() == "A. Diaz at station-1");
  CHECK(b.infusion_rate_mg_per_min() == doctest::Approx(0.6));
  ctx("infusion_resumed", "", t0 + 30min);
  b = bed_of(ward.view(t0 + 31min), "bed-1");
  CHECK_FALSE(b.has_infusion_paused_since());
  CHECK(b.infusion_pause_reason().empty());
  CHECK(b.infusion_running());
  // Paused when stopped: the next infusion is not paused, and has no rate set yet.
  ctx("infusion_paused", "", t0 + 32min);
  ctx("infusion_stopped", "", t0 + 33min);
  ctx("infusion_started", "ketamine", t0 + 40min);
  b = bed_of(ward.view(t0 + 41min), "bed-1");
  CHECK_FALSE(b.has_infusion_paused_since());
  CHECK(b.infusion_rate_mg_per_min() == 0);
}

TEST_CASE(
    "a station that starts mid-pause shows the pause from vigild's snapshot; a snapshot without one ends "
    "it") {
  Ward ward{"station-1"};
  ward.add_daemon("room-1", "tcp://x:1", {});
  auto s = status("bed-1");
  s.set_infusion_running(true);
  stamp(s.mutable_infusion_started(), t0);
  stamp(s.mutable_infusion_paused_since(), t0 + 20min);
  s.set_infusion_pause_reason("nausea");
  s.set_infusion_paused_by("B. Okafor at station-2");
  s.set_infusion_rate_mg_per_min(0.9);
  ward.on_snapshot("room-1", s);
  auto b = bed_of(ward.view(t0 + 25min), "bed-1");
  CHECK(b.infusion_paused_since().seconds() == 1'800'000'000 + 20 * 60);
  CHECK(b.infusion_pause_reason() == "nausea");
  CHECK(b.infusion_paused_by() == "B. Okafor at station-2");
  CHECK(b.infusion_rate_mg_per_min() == doctest::Approx(0.9));
  // Resumed while the stream was lost: the next snapshot has no pause, and neither has the tile.
  s.clear_infusion_paused_since();
  s.clear_infusion_pause_reason();
  s.clear_infusion_paused_by();
  ward.on_snapshot("room-1", s);
  b = bed_of(ward.view(t0 + 30min), "bed-1");
  CHECK_FALSE(b.has_infusion_paused_since());
  CHECK(b.infusion_paused_by().empty());
}

TEST_CASE("the trend keeps one point per 10 s and only the last 30 minutes") {
  Ward ward{"station-1"};
  ward.add_daemon("room-1", "tcp://x:1", {});
  for (int s = 0; s < 40 * 60; ++s)
    ward.on_update("room-1", reading("bed-1", "hr", 60 + s % 7, t0 + std::chrono::seconds{s}));
  const auto t = ward.trends();
  REQUIRE(t.series_size() == 1);
  CHECK(t.series(0).bed() == "room-1/bed-1");
  CHECK(t.series(0).time_size() == 181);  // 30 min at one point per 10 s, both ends
  CHECK(t.series(0).time(1) - t.series(0).time(0) == doctest::Approx(10));
  CHECK(ward.take_new_trend_points().series_size() == 240);
  CHECK(ward.take_new_trend_points().series_size() == 0);
}

TEST_CASE("a bed going offline keeps the time it went, and says why") {
  Ward ward{"station-1"};
  ward.add_daemon("room-2", "tcp://y:1", {});
  ward.set_bed_health("room-2", "bed-2", true, true, "", t0);
  ward.set_bed_health("room-2", "bed-2", false, true, "vigild room-2 lost", t0 + 5s);
  ward.set_bed_health("room-2", "bed-2", false, true, "vigild room-2 lost", t0 + 9s);
  const auto b = bed_of(ward.view(t0 + 10s), "bed-2");
  CHECK_FALSE(b.online());
  CHECK(b.status() == "vigild room-2 lost");
  CHECK(b.offline_since().seconds() == 1'800'000'005);
}

TEST_CASE("drill data anywhere marks the ward as drill") {
  Ward ward{"station-1"};
  ward.add_daemon("room-1", "tcp://x:1", {});
  CHECK_FALSE(ward.view(t0).drill());
  auto m = reading("bed-1", "spo2", 97, t0);
  m.mutable_observation()->set_drill(true);
  ward.on_update("room-1", m);
  CHECK(ward.view(t0).drill());
  CHECK(bed_of(ward.view(t0), "bed-1").drill());
}

TEST_CASE("trend points nobody takes (no page open) are bounded") {
  Ward ward{"station-1"};
  ward.add_daemon("room-1", "tcp://x:1", {});
  for (int s = 0; s < 12000; ++s)
    ward.on_update("room-1",
                   reading("bed-" + std::to_string(s % 10), "hr", 70, t0 + std::chrono::seconds{s * 10}));
  CHECK(ward.take_new_trend_points().series_size() == Ward::kMaxNewPoints);
}

TEST_CASE(
    "a desaturation level turned off on purpose is shown as ALARM OFF with who and why until it is on "
    "again") {
  Ward ward{"station-1"};
  ward.add_daemon("room-1", "tcp://x:1", {});
  auto s = status("bed-1");
  auto* off = s.add_limits();
  off->set_condition("desaturation");
  off->set_priority(v1::HIGH);
  off->set_metric("spo2");
  off->set_rule("spo2 < 85 % for 5 s");
  off->set_enabled(false);
  off->set_off_by("Dr. Lee");
  off->set_off_reason("chronic lung disease");
  ward.on_snapshot("room-1", s);
  const auto view = ward.view(t0);
  const auto& b = bed_of(view, "bed-1");
  REQUIRE(b.alarms_off_size() == 1);
  CHECK(b.alarms_off(0) ==
        "ALARM OFF desaturation HIGH (spo2 < 85 % for 5 s) by Dr. Lee: chronic lung disease");
  off->set_enabled(true);
  ward.on_snapshot("room-1", s);
  const auto on_again = ward.view(t0);
  CHECK(bed_of(on_again, "bed-1").alarms_off_size() == 0);
}

TEST_CASE("the infusion panel gets what each vigild accepts from its snapshot, unset until it is heard") {
  Ward ward{"station-1"};
  ward.add_daemon("room-1", "tcp://x:1", {"bed-1"});
  CHECK_FALSE(ward.view(t0).daemons(0).has_infusion_bounds());
  auto s = status("bed-1");
  s.mutable_infusion_bounds()->set_dose_amount_max(5000);
  s.mutable_infusion_bounds()->set_rate_max_mg_per_min(1000);
  auto* spo2 = s.mutable_infusion_bounds()->add_baseline();
  spo2->set_field("spo2");
  spo2->set_lowest(50);
  spo2->set_highest(100);
  ward.on_snapshot("room-1", s);
  const auto w = ward.view(t0);
  REQUIRE(w.daemons(0).has_infusion_bounds());
  CHECK(w.daemons(0).infusion_bounds().SerializeAsString() == s.infusion_bounds().SerializeAsString());
}

TEST_CASE(
    "a station started while an infusion runs names its drug from the snapshot, as one that saw the start") {
  auto s = status("bed-1");
  s.set_infusion_running(true);
  stamp(s.mutable_infusion_started(), t0);
  s.set_infusion_drug("ketamine");
  s.set_infusion_regimen("0.5 mg/kg over 40 min");
  Ward restarted{"station-1"};
  restarted.add_daemon("room-1", "tcp://x:1", {"bed-1"});
  restarted.on_snapshot("room-1", s);
  const auto b = bed_of(restarted.view(t0 + 5min), "bed-1");
  CHECK(b.infusion_running());
  CHECK(b.infusion_drug() == "ketamine");
  // A vigild from before the snapshot carried the drug: what the bus said stays, and a stop clears it.
  v1::BusMessage started;
  started.mutable_context()->set_bed("bed-1");
  started.mutable_context()->set_what("infusion_started");
  started.mutable_context()->set_new_value("esketamine");
  stamp(started.mutable_context()->mutable_time(), t0);
  restarted.on_update("room-1", started);
  s.clear_infusion_drug();
  restarted.on_snapshot("room-1", s);
  CHECK(bed_of(restarted.view(t0 + 5min), "bed-1").infusion_drug() == "esketamine");
  s.set_infusion_running(false);
  restarted.on_snapshot("room-1", s);
  CHECK(bed_of(restarted.view(t0 + 5min), "bed-1").infusion_drug().empty());
}
