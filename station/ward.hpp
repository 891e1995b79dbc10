#pragma once
// What the nurse station knows of every bed it watches, built from each
// vigild's snapshots and updates (in order, through the clone client), and
// the view of it the dashboard, the terminal and the logs show. Pure: times
// come in as arguments.
//
// A value without a known age does not exist here: every value carries its
// receive time (and the device's measurement time when it sent one), and a
// bed whose daemon or stream is lost is shown offline, never as current.
#include <chrono>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "vigil/v1/bus.pb.h"
#include "vigil/v1/command.pb.h"
#include "vigil/v1/station.pb.h"

namespace vigil::station {

namespace v1 = vigil::v1;

class Ward {
 public:
  explicit Ward(std::string station_name, std::chrono::minutes trend_span = std::chrono::minutes{30});

  // A watched daemon; `beds` are those expected on it (shown offline until heard).
  void add_daemon(const std::string& name, const std::string& publish_endpoint,
                  const std::vector<std::string>& beds);

  void on_snapshot(const std::string& daemon, const v1::BedStatus& status);
  void on_update(const std::string& daemon, const v1::BusMessage& m);
  void set_daemon_online(const std::string& daemon, bool online, const std::string& detail,
                         core::TimePoint now);
  // `status` says why, for people, when the bed is not online or not in step.
  void set_bed_health(const std::string& daemon, const std::string& bed, bool online, bool in_step,
                      const std::string& status, core::TimePoint now);

  v1::station::WardView view(core::TimePoint now) const;
  // Every trend point kept (for a page that just connected).
  v1::station::TrendUpdate trends() const;
  // The points added since the last call (for pages already showing the rest).
  v1::station::TrendUpdate take_new_trend_points();

  // The alarm's daemon and bed, for an acknowledgement; empty when no bed has it.
  std::string daemon_of_alarm(const std::string& alarm_id) const;
  bool has_bed(const std::string& daemon, const std::string& bed) const;

  // One trend point per series per this interval: 30 minutes in 180 points.
  static constexpr std::chrono::seconds kTrendStep{10};
  static constexpr std::size_t kMaxNewPoints = 10000;

 private:
  struct TrendPoint {
    core::TimePoint time;
    double value;
  };
  struct Bed {
    std::string daemon;
    std::string id;
    bool online = false;
    bool in_step = false;
    std::string status = "waiting for its daemon";
    core::TimePoint offline_since{};
    std::string patient_id;
    bool infusion_running = false;
    google::protobuf::Timestamp infusion_started;
    std::string infusion_drug;
    // While the infusion is paused: since when (unset when running), why, by whom.
    google::protobuf::Timestamp infusion_paused_since;
    std::string infusion_pause_reason;
    std::string infusion_paused_by;
    double infusion_rate_mg_per_min = 0;  // the last rate set; 0 when none was set since the start
    bool drill = false;
    std::map<std::string, v1::Observation> latest;    // by metric
    std::map<std::string, v1::DeviceStatus> devices;  // by device
    std::map<std::string, v1::AlarmEvent> alarms;     // with a signal, by alarm id
    std::vector<v1::LimitView> limits;
    std::map<std::string, std::deque<TrendPoint>> trend;  // by metric
  };
  struct Daemon {
    std::string publish_endpoint;
    bool online = false;
    std::string detail = "not heard from yet";
    core::TimePoint offline_since{};
    v1::InfusionBounds infusion_bounds;  // from its snapshot: what it accepts
  };
  using Key = std::pair<std::string, std::string>;  // daemon, bed

  Bed& bed(const std::string& daemon, const std::string& id);
  void on_alarm(Bed& b, const v1::AlarmEvent& a);
  void on_context(Bed& b, const v1::ContextEvent& c);
  static void clear_infusion_course(Bed& b);
  void add_trend_point(Bed& b, const v1::Observation& o);
  v1::station::BedView bed_view(const Bed& b) const;
  v1::station::ValueView value_view(const Bed& b, const v1::Observation& o) const;

  std::string station_;
  std::chrono::minutes trend_span_;
  std::map<std::string, Daemon> daemons_;
  std::map<Key, Bed> beds_;
  std::deque<std::tuple<Key, std::string, TrendPoint>> new_points_;
};

}  // namespace vigil::station
