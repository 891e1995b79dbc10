#include "hl7out/hl7_outbound.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <stdexcept>

#include "hl7out/alarm_mapping.hpp"
#include "hl7out/destination_check.hpp"
#include "hl7out/mdc_codes.hpp"
#include "hl7out/pcd04_encoder.hpp"
#include "hl7out/tls_context.hpp"

namespace vigil::hl7out {
namespace {
core::TimePoint to_time(const google::protobuf::Timestamp& t) {
  return core::TimePoint{std::chrono::duration_cast<core::Duration>(std::chrono::seconds{t.seconds()} +
                                                                    std::chrono::nanoseconds{t.nanos()})};
}

bool episodic(std::uint32_t mdc) {
  return mdc == 150021 || mdc == 150022 || mdc == 150023;  // NIBP
}

std::chrono::milliseconds ms_or(std::uint32_t v, std::uint32_t fallback) {
  return std::chrono::milliseconds{v ? v : fallback};
}
}  // namespace

std::string Hl7Outbound::default_outbox_path(const std::string& journal_path) {
  const auto slash = journal_path.rfind('/');
  return (slash == std::string::npos ? std::string{} : journal_path.substr(0, slash + 1)) + "hl7-outbox.db";
}

Hl7Outbound::Hl7Outbound(boost::asio::io_context& io, const core::Clock& clock,
                         const vigil::v1::config::DaemonConfig& config, PatientOf patient_of,
                         std::unique_ptr<Hl7Outbound> previous)
    : io_{io},
      clock_{clock},
      eui64_{config.equipment_eui64()},
      patient_of_{std::move(patient_of)},
      retention_{std::chrono::days{config.hl7_retention_days() ? config.hl7_retention_days() : 7}} {
  const std::string path = config.hl7_outbox_path().empty() ? default_outbox_path(config.journal_path())
                                                            : config.hl7_outbox_path();
  if (previous) {
    previous->stop();
    outbox_ = std::move(previous->outbox_);
    writer_ = std::move(previous->writer_);
    self_ = std::move(previous->self_);
    *self_ = this;
  } else {
    auto box = Outbox::open(path, clock_);
    if (!box) throw std::runtime_error(box.error());
    outbox_ = std::move(box.value());
    outbox_->leave_checkpoints_to_others();
    auto writing = Outbox::open(path, clock_);
    if (!writing) throw std::runtime_error(writing.error());
    self_ = std::make_shared<Hl7Outbound*>(this);
    writer_ = std::make_unique<OutboxWriter>(std::move(writing.value()), OutboxWriterOptions{},
                                             [&io, self = self_] {
                                               boost::asio::post(io, [self] {
                                                 if (*self) (*self)->poke_all();
                                               });
                                             });
  }
  for (const auto& c : config.hl7_destination()) {
    Destination d;
    d.config = c;
    std::string host, port;
    split_address(c.address(), host, port);
    DeliveryPolicy p;
    p.ack_timeout = ms_or(c.ack_timeout_ms(), 10000);
    p.connect_timeout = ms_or(c.connect_timeout_ms(), 5000);
    p.backoff_initial = ms_or(c.backoff_initial_ms(), 1000);
    p.backoff_max = ms_or(c.backoff_max_ms(), 60000);
    p.max_ae = c.max_ae() ? c.max_ae() : 3;
    d.alarm = UnreachableAlarm{std::chrono::seconds{c.unreachable_alarm_s() ? c.unreachable_alarm_s() : 300}};
    TlsSetup tls;
    if (c.has_tls()) {
      tls.enabled = true;
      tls.server_name = c.tls().server_name();
      auto context = make_tls_context(c.tls());
      if (context)
        tls.context = std::move(context.value());
      else
        tls.problem = context.failure().text();
      if (!tls.problem.empty())
        spdlog::error("hl7 {}: {}; nothing is sent until it is fixed", c.name(), tls.problem);
    }
    d.sender = std::make_shared<MllpSender>(io_, clock_, *outbox_, c.name(), host, port, p, std::move(tls));
    destinations_.push_back(std::move(d));
  }
  if (previous) take_over(*previous);
  spdlog::info("hl7: {} destination(s), outbox {}", destinations_.size(), path);
}

// What a destination of the same name was gathering goes on: a period's
// values are sent at the end of the period, under the new settings.
void Hl7Outbound::take_over(Hl7Outbound& previous) {
  for (auto& d : destinations_) {
    const auto old = std::find_if(previous.destinations_.begin(), previous.destinations_.end(),
                                  [&](const Destination& x) { return x.config.name() == d.config.name(); });
    if (old == previous.destinations_.end()) continue;
    if (d.config.readings()) {
      d.window = std::move(old->window);
      d.window_drill = old->window_drill;
      if (d.config.reading_period_s() == old->config.reading_period_s()) d.next_flush = old->next_flush;
    }
    if (d.config.alarms() && d.config.alarm_keepalive_s()) d.held = std::move(old->held);
  }
  next_prune_ = previous.next_prune_;
  shed_reported_ = previous.shed_reported_;
}

Hl7Outbound::~Hl7Outbound() {
  stop();
  if (self_) *self_ = nullptr;
}

void Hl7Outbound::poke_all() {
  for (auto& d : destinations_) d.sender->poke();
}

void Hl7Outbound::start() {
  const auto now = clock_.now();
  for (auto& d : destinations_) {
    if (!d.config.reading_period_s() && !d.window.empty()) flush(d, now);  // now sends every reading
    if (d.config.reading_period_s() && d.next_flush == core::TimePoint{})
      d.next_flush = now + std::chrono::seconds{d.config.reading_period_s()};
    d.sender->start();
  }
}

void Hl7Outbound::stop() {
  for (auto& d : destinations_) d.sender->stop();
}

MessageHeader Hl7Outbound::header(const Destination& d, bool drill, core::TimePoint now) const {
  MessageHeader h;
  if (!d.config.sending_application().empty()) h.sending_application = d.config.sending_application();
  h.sending_facility = d.config.sending_facility();
  h.receiving_application = d.config.receiving_application();
  h.receiving_facility = d.config.receiving_facility();
  h.equipment_eui64 = eui64_;
  h.time = now;
  h.test = drill;
  return h;
}

// The MSH-10 is given here, so the order of the queue is the order of the
// bus; the writer thread puts the message on disk and then wakes the sender.
void Hl7Outbound::enqueue(Destination& d, const std::function<std::string(const MessageHeader&)>& encode,
                          bool drill, core::TimePoint now, bool reading) {
  MessageHeader h = header(d, drill, now);
  const auto id = outbox_->reserve_id();
  h.control_id = Outbox::control_id(id);
  writer_->submit({id, d.config.name(), encode(h), now, reading, std::nullopt});
}

// The same for one reading, as its parts: an eighth of the text's bytes on
// disk (bench/hl7_outbox_bench), and no text built until it is sent. Its
// value is stored once for every destination that takes it, each of which
// gets a copy with its own MSH-10 and context.
void Hl7Outbound::add_copy(SharedReading& reading, const Destination& d, const BedContext& bed, bool drill,
                           core::TimePoint now) {
  reading.copies.push_back(
      {outbox_->reserve_id(), d.config.name(), send_context(header(d, drill, now), bed)});
}

void Hl7Outbound::on_bus_message(const vigil::v1::BusMessage& m, const std::string& bed) {
  const auto now = clock_.now();
  if (m.has_observation()) {
    const auto& o = m.observation();
    const auto& q = o.quality();
    // A value the device says is no measurement is not reported.
    if (q.invalid() || q.sensor_off() || !placement(o.mdc_code())) return;
    ReportedValue v{o.mdc_code(), o.value(), to_time(o.has_device_time() ? o.device_time() : o.received())};
    SharedReading reading{v, {}};
    for (auto& d : destinations_) {
      if (!d.config.readings() || (o.drill() && d.config.drill() != vigil::v1::config::DRILL_AS_TEST))
        continue;
      const std::string patient = patient_of_(bed);
      if (patient.empty()) continue;  // no admitted patient: nothing for a chart
      if (d.config.reading_period_s() && !episodic(o.mdc_code())) {
        d.window[bed][o.mdc_code()].push_back(v);
        d.window_drill = d.window_drill || o.drill();
        continue;
      }
      add_copy(reading, d, {bed, patient}, o.drill(), now);
    }
    if (!reading.copies.empty()) writer_->submit({0, {}, {}, now, true, std::move(reading)});
  } else if (m.has_alarm()) {
    const auto& e = m.alarm();
    const AlertReport report = to_alert_report(e);
    for (auto& d : destinations_) {
      if (!d.config.alarms() || (e.drill() && d.config.drill() != vigil::v1::config::DRILL_AS_TEST)) continue;
      const BedContext ctx{bed, patient_of_(bed)};
      enqueue(
          d, [&](const MessageHeader& h) { return encode_oru_r40(h, ctx, report); }, e.drill(), now, false);
      if (!d.config.alarm_keepalive_s()) continue;
      if (report.phase == AlertPhase::end)
        d.held.erase(e.alarm_id());
      else
        d.held[e.alarm_id()] = {e, bed, now};
    }
  }
}

void Hl7Outbound::flush(Destination& d, core::TimePoint now) {
  for (auto& [bed, metrics] : d.window) {
    const std::string patient = patient_of_(bed);
    std::vector<ReportedValue> medians;
    for (auto& [mdc, values] : metrics) {
      if (values.empty()) continue;
      std::vector<double> xs;
      for (const auto& v : values) xs.push_back(v.value);
      std::nth_element(xs.begin(), xs.begin() + static_cast<std::ptrdiff_t>(xs.size() / 2), xs.end());
      // The upper median: a value the device really reported.
      medians.push_back({mdc, xs[xs.size() / 2], values.back().measured});
    }
    if (patient.empty() || medians.empty()) continue;
    const BedContext ctx{bed, patient};
    enqueue(
        d, [&](const MessageHeader& h) { return encode_oru_r01(h, ctx, medians); }, d.window_drill, now,
        true);
  }
  d.window.clear();
  d.window_drill = false;
}

void Hl7Outbound::keep_alive(Destination& d, core::TimePoint now) {
  const auto every = std::chrono::seconds{d.config.alarm_keepalive_s()};
  for (auto& [id, held] : d.held) {
    if (now - held.sent < every) continue;
    AlertReport report = to_alert_report(held.last);
    report.phase = AlertPhase::continue_;
    report.time = now;
    const BedContext ctx{held.bed, patient_of_(held.bed)};
    enqueue(
        d, [&](const MessageHeader& h) { return encode_oru_r40(h, ctx, report); }, held.last.drill(), now,
        false);
    held.sent = now;
  }
}

// A writer that cannot write makes every destination fail (its alarm after
// unreachable_alarm_s); readings it shed are said once per tick.
void Hl7Outbound::check_writer(core::TimePoint now) {
  const std::string problem = writer_->problem();
  for (auto& d : destinations_) {
    if (problem.empty()) {
      d.write_failing_since.reset();
      continue;
    }
    if (!d.write_failing_since) d.write_failing_since = now;
    d.write_error = problem;
  }
  const auto shed = writer_->shed();
  if (shed > shed_reported_)
    spdlog::error(
        "hl7 outbox: {} reading message(s) not queued for hospital systems ({} in all): the outbox "
        "writer is behind (alarms are never shed)",
        shed - shed_reported_, shed);
  shed_reported_ = shed;
}

std::vector<Hl7Outbound::AlarmChange> Hl7Outbound::tick(core::TimePoint now) {
  std::vector<AlarmChange> changes;
  check_writer(now);
  if (now >= next_prune_) {
    writer_->prune(now - retention_);
    next_prune_ = now + kPruneEvery;
  }
  for (auto& d : destinations_) {
    if (d.config.alarm_keepalive_s()) keep_alive(d, now);
    if (d.config.reading_period_s() && now >= d.next_flush) {
      flush(d, now);
      d.next_flush = now + std::chrono::seconds{d.config.reading_period_s()};
    }
    if (auto c = check_alarm(d, now)) changes.push_back(std::move(*c));
  }
  return changes;
}

std::optional<Hl7Outbound::AlarmChange> Hl7Outbound::check_alarm(Destination& d, core::TimePoint now) {
  auto failing = d.sender->failing_since();
  std::string why = d.sender->last_error();
  if (d.write_failing_since && (!failing || *d.write_failing_since < *failing)) {
    failing = d.write_failing_since;
    why = "the outbox cannot be written (" + d.write_error +
          "); alarms wait in memory, readings beyond the bound are shed";
  }
  const std::string& name = d.config.name();
  const bool was_known = d.alarm.known();
  if (!d.alarm.update(
          failing, [&] { return outbox_->depth(name) + writer_->waiting(name); }, now))
    return std::nullopt;
  AlarmChange c{name, d.alarm.raised(), {}};
  if (c.raised) {
    const auto s = std::chrono::duration_cast<std::chrono::seconds>(now - *failing).count();
    c.text = "HL7 to " + name + " failing for " + std::to_string(s) + " s: " + why;
    spdlog::error("hl7 {}: failing for {} s ({}); technical alarm raised", name, s, why);
  } else {
    c.text = "HL7 to " + name + " delivering again, queue drained";
    if (was_known) spdlog::info("hl7 {}: delivering again, queue drained", name);
  }
  return c;
}

namespace {
void set(google::protobuf::Timestamp* t, core::TimePoint p) {
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(p.time_since_epoch()).count();
  t->set_seconds(ns / 1000000000);
  t->set_nanos(static_cast<std::int32_t>(ns % 1000000000));
}

// MSH-9 of a message vigil wrote itself ("MSH|^~\&|" then fields 3 to 9).
std::string message_type(const std::string& text) {
  std::size_t at = 0;
  for (int bar = 0; bar < 8 && at != std::string::npos; ++bar) at = text.find('|', at == 0 ? 0 : at + 1);
  if (at == std::string::npos) return {};
  const auto end = text.find_first_of("|\r", at + 1);
  return text.substr(at + 1, end == std::string::npos ? std::string::npos : end - at - 1);
}
}  // namespace

vigil::v1::Hl7KeptMessage to_proto(const QueuedMessage& m) {
  vigil::v1::Hl7KeptMessage p;
  p.set_id(static_cast<std::uint64_t>(m.id));
  p.set_destination(m.destination);
  p.set_control_id(m.control_id);
  p.set_message_type(message_type(m.text));
  p.set_state(m.state);
  p.set_reason(m.reason);
  p.set_ae_count(m.ae_count);
  set(p.mutable_queued(), m.queued);
  return p;
}

vigil::v1::Hl7DestinationStatus to_proto(const SenderStatus& s) {
  vigil::v1::Hl7DestinationStatus p;
  p.set_name(s.destination);
  p.set_address(s.address);
  p.set_queued(s.depth);
  p.set_connected(s.connected);
  p.set_last_ack(s.last_ack);
  if (s.last_ack_time) set(p.mutable_last_ack_time(), *s.last_ack_time);
  if (s.unreachable_since) set(p.mutable_unreachable_since(), *s.unreachable_since);
  p.set_last_error(s.last_error);
  p.set_kept(s.kept);
  p.set_alarm(s.alarm);
  return p;
}

std::vector<QueuedMessage> Hl7Outbound::kept(const std::string& destination) {
  return outbox_->kept(destination);
}

core::Result<std::string> Hl7Outbound::resend(std::int64_t id) {
  const auto m = outbox_->find(id);
  if (!m)
    return core::Error::at("id", "no HL7 message " + std::to_string(id) + " in the outbox",
                           core::ErrorCode::not_found);
  if (m->state == "queued" || m->state == "delivered")
    return core::Error::at("id",
                           "HL7 message " + std::to_string(id) + " (" + m->control_id + ") is " +
                               (m->state == "queued" ? "still queued" : "delivered already"),
                           core::ErrorCode::conflict);
  const auto d = std::find_if(destinations_.begin(), destinations_.end(),
                              [&](const Destination& x) { return x.config.name() == m->destination; });
  if (d == destinations_.end())
    return core::Error::at("id",
                           "HL7 message " + std::to_string(id) + " was for destination '" + m->destination +
                               "', which is no longer configured",
                           core::ErrorCode::not_found);
  if (!outbox_->requeue(id))
    return core::Error{
        "the HL7 outbox could not be written; message " + std::to_string(id) + " is still kept",
        {},
        core::ErrorCode::unavailable};
  spdlog::info("hl7 {}: {} ({}) queued again after {}", m->destination, id, m->control_id, m->reason);
  d->sender->poke();
  return "HL7 message " + std::to_string(id) + " (" + m->control_id + ", " + m->state +
         ") queued again for " + m->destination;
}

std::vector<SenderStatus> Hl7Outbound::status() {
  std::vector<SenderStatus> out;
  for (auto& d : destinations_) {
    out.push_back(d.sender->status());
    out.back().depth += writer_->waiting(d.config.name());  // queued, if not yet on disk
    out.back().alarm = d.alarm.raised();
  }
  return out;
}

}  // namespace vigil::hl7out
