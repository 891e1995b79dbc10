#include "drivers/intellivue/intellivue_monitor_sim.hpp"

#include <algorithm>

#include "drivers/intellivue/intellivue_session.hpp"
#include "drivers/pressure_units.hpp"

namespace vigil::drivers {
namespace {

namespace iv = intellivue;

// Remote error values the simulator answers with (CMIP error codes).
constexpr std::uint16_t kErrorNoSuchAction = 9;
constexpr std::uint16_t kErrorAccessDenied = 2;
constexpr double kKPaPerMmHg = 1.0 / kMmHgPerKPa;
// The monitor had been running this long before the first client spoke.
constexpr auto kUptimeAtStart = std::chrono::hours{1};

IntellivueNuObs value_of(std::uint16_t physio_id, std::uint16_t unit, const std::optional<double>& v,
                         int decimals, bool demo) {
  IntellivueNuObs o;
  o.physio_id = physio_id;
  o.unit = unit;
  o.value = v ? intellivue_float(*v, decimals) : kIntellivueFloatNaN;
  o.state = v ? 0 : iv::msmt::invalid;
  if (demo) o.state |= iv::msmt::demo_data;
  return o;
}

IntellivueNumeric single(std::uint16_t handle, IntellivueNuObs v) {
  IntellivueNumeric n;
  n.handle = handle;
  n.values.push_back(v);
  return n;
}

std::uint16_t highest_technical(const std::vector<IntellivueAlarm>& inops) {
  std::uint16_t max = 0;
  for (const auto& a : inops) max = std::max<std::uint16_t>(max, a.type & 0x00FFu);
  return max;
}

}  // namespace

std::vector<std::uint8_t> IntellivueMonitorSim::receive(std::span<const std::uint8_t> from_client,
                                                        const IntellivueMonitorState& s) {
  std::vector<std::uint8_t> out;
  std::vector<std::string> errors;  // the client's framing errors do not concern the monitor
  deframer_.feed(
      from_client,
      [&](std::span<const std::uint8_t> message) {
        const auto parsed = parse_intellivue_message(message);
        if (!parsed.message) return;
        last_heard_ = s.clock;
        handle(*parsed.message, s, out);
      },
      errors);
  return out;
}

void IntellivueMonitorSim::tick(core::TimePoint now) {
  if (state_ == State::idle || !last_heard_) return;
  if (now - *last_heard_ >= intellivue_timing::kMonitorTimeout) {
    state_ = State::idle;
    ++timeouts_;
  }
}

std::vector<std::uint8_t> IntellivueMonitorSim::abort() {
  state_ = State::idle;
  return intellivue_frame(encode_intellivue_abort());
}

void IntellivueMonitorSim::send(const std::vector<std::uint8_t>& message,
                                std::vector<std::uint8_t>& out) const {
  const auto framed = intellivue_frame(message);
  out.insert(out.end(), framed.begin(), framed.end());
}

std::uint32_t IntellivueMonitorSim::relative_time(core::TimePoint clock) {
  if (!booted_) booted_ = clock - kUptimeAtStart;
  const auto ticks = (clock - *booted_) / iv::kRelativeTick;
  return static_cast<std::uint32_t>(ticks);
}

void IntellivueMonitorSim::handle(const IntellivueMessage& m, const IntellivueMonitorState& s,
                                  std::vector<std::uint8_t>& out) {
  switch (m.kind) {
    case IntellivueMessageKind::association_request:
      send(encode_intellivue_association_accept(), out);
      send(encode_intellivue_mds_create_event(++invoke_id_, relative_time(s.clock),
                                              IntellivueAbsTime::from_naive(s.clock)),
           out);
      state_ = State::awaiting_create_result;
      break;
    case IntellivueMessageKind::mds_create_result:
      if (state_ == State::awaiting_create_result) {
        state_ = State::associated;
        ++associations_;
      }
      break;
    case IntellivueMessageKind::release_request:
      send(encode_intellivue_release_response(), out);
      state_ = State::idle;
      break;
    case IntellivueMessageKind::association_abort:
      state_ = State::idle;
      break;
    case IntellivueMessageKind::poll_request:
      if (state_ == State::associated) answer_poll(m, s, out);
      break;
    case IntellivueMessageKind::other:
      if (m.ro_type == iv::kRoInvoke && (m.command == iv::kCmdSet || m.command == iv::kCmdConfirmedSet ||
                                         m.command == iv::kCmdConfirmedAction)) {
        ++forbidden_;
        send(encode_intellivue_remote_error(
                 m.invoke_id, m.command == iv::kCmdConfirmedAction ? kErrorNoSuchAction : kErrorAccessDenied),
             out);
      }
      break;
    default:
      break;
  }
}

IntellivuePollResult IntellivueMonitorSim::result_header(const IntellivuePollRequest& req,
                                                         const IntellivueMonitorState& s) {
  IntellivuePollResult r;
  r.extended = req.extended;
  r.poll_number = req.poll_number;
  r.sequence = ++sequence_;
  r.rel_time = relative_time(s.clock);
  r.abs_time = IntellivueAbsTime::from_naive(s.clock);
  r.object_class = req.object_class;
  r.attribute_group = req.attribute_group;
  return r;
}

void IntellivueMonitorSim::answer_poll(const IntellivueMessage& m, const IntellivueMonitorState& s,
                                       std::vector<std::uint8_t>& out) {
  auto r = result_header(m.poll_request, s);
  if (r.object_class == iv::kClassNumeric) {
    r.numerics.push_back(
        single(1, value_of(iv::kPhysioEcgHeartRate, iv::kUnitBeatsPerMinute, s.heart_rate, 0, s.demo)));
    r.numerics.push_back(single(2, value_of(iv::kPhysioSpo2, iv::kUnitPercent, s.spo2, 0, s.demo)));
    r.numerics.push_back(
        single(3, value_of(iv::kPhysioPlethPulseRate, iv::kUnitBeatsPerMinute, s.pulse_rate, 0, s.demo)));
    r.numerics.push_back(
        single(4, value_of(iv::kPhysioRespRate, iv::kUnitBreathsPerMinute, s.resp_rate, 0, s.demo)));
    IntellivueNumeric nibp;
    nibp.handle = 5;
    nibp.compound = true;
    const auto unit = s.nibp_in_kpa ? iv::kUnitKiloPascal : iv::kUnitMmHg;
    const double scale = s.nibp_in_kpa ? kKPaPerMmHg : 1.0;
    const int decimals = s.nibp_in_kpa ? 1 : 0;
    auto pressure = [&](double IntellivueMonitorState::Nibp::*field) -> std::optional<double> {
      if (!s.nibp) return std::nullopt;
      return (*s.nibp).*field * scale;
    };
    using Nibp = IntellivueMonitorState::Nibp;
    nibp.values = {value_of(iv::kPhysioNibpSys, unit, pressure(&Nibp::systolic), decimals, s.demo),
                   value_of(iv::kPhysioNibpDia, unit, pressure(&Nibp::diastolic), decimals, s.demo),
                   value_of(iv::kPhysioNibpMean, unit, pressure(&Nibp::mean), decimals, s.demo)};
    if (s.nibp) {
      nibp.abs_stamp = IntellivueAbsTime::from_naive(s.nibp->measured);
      nibp.rel_stamp = relative_time(s.nibp->measured);
    }
    r.numerics.push_back(std::move(nibp));
  } else if (r.object_class == iv::kClassAlertMonitor) {
    IntellivueAlertMonitor am;
    std::vector<IntellivueAlarm> inops = s.inops;
    for (auto& a : inops)
      if (a.type == 0) a.type = iv::alert_type::technical_medium;
    am.device =
        IntellivueDeviceAlert{static_cast<std::uint16_t>(s.demo ? iv::alert_state::device_demo_mode : 0), 0,
                              0, highest_technical(inops), highest_technical(inops)};
    am.patient = std::vector<IntellivueAlarm>{};
    am.technical = std::move(inops);
    r.alert_monitor = std::move(am);
  }
  send(encode_intellivue_poll_result(m.invoke_id, r), out);
  ++polls_answered_;
}

}  // namespace vigil::drivers
