#include "drivers/intellivue/intellivue_messages.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace vigil::drivers {
namespace {

namespace iv = intellivue;
using Bytes = std::vector<std::uint8_t>;

// ---------------------------------------------------------------- byte access

class Writer {
 public:
  explicit Writer(Bytes& out) : out_(out) {}
  void u8(std::uint8_t v) { out_.push_back(v); }
  void u16(std::uint16_t v) {
    u8(static_cast<std::uint8_t>(v >> 8));
    u8(static_cast<std::uint8_t>(v & 0xFFu));
  }
  void u32(std::uint32_t v) {
    u16(static_cast<std::uint16_t>(v >> 16));
    u16(static_cast<std::uint16_t>(v & 0xFFFFu));
  }
  void bytes(std::span<const std::uint8_t> b) { out_.insert(out_.end(), b.begin(), b.end()); }
  // A 16-bit length to fill in once what follows it is written.
  std::size_t length_here() {
    u16(0);
    return out_.size();
  }
  void close_length(std::size_t after) {
    const auto n = static_cast<std::uint16_t>(out_.size() - after);
    out_[after - 2] = static_cast<std::uint8_t>(n >> 8);
    out_[after - 1] = static_cast<std::uint8_t>(n & 0xFFu);
  }

 private:
  Bytes& out_;
};

// Bounds-checked big-endian reads; a read past the end yields zeros and
// clears ok(), so a parser checks once at the end of a structure.
class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> d) : d_(d) {}
  std::uint8_t u8() { return have(1) ? d_[pos_++] : 0; }
  std::uint16_t u16() {
    const auto hi = u8();
    return static_cast<std::uint16_t>((hi << 8) | u8());
  }
  std::uint32_t u32() {
    const std::uint32_t hi = u16();
    return (hi << 16) | u16();
  }
  std::span<const std::uint8_t> take(std::size_t n) {
    if (!have(n)) return {};
    auto s = d_.subspan(pos_, n);
    pos_ += n;
    return s;
  }
  // A nested structure announced by a 16-bit length.
  Reader sized() { return Reader(take(u16())); }
  std::size_t remaining() const { return d_.size() - pos_; }
  bool ok() const { return ok_; }
  bool done() const { return ok_ && pos_ == d_.size(); }

 private:
  bool have(std::size_t n) {
    if (ok_ && n <= d_.size() - pos_) return true;
    ok_ = false;
    return false;
  }
  std::span<const std::uint8_t> d_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

// ------------------------------------------------------- association control

// ISO session parameters of association request and accept.
constexpr std::uint8_t kSessionData[] = {0x05, 0x08, 0x13, 0x01, 0x00, 0x16, 0x01,
                                         0x02, 0x80, 0x00, 0x14, 0x02, 0x00, 0x02};
// Fixed presentation header of the association request, up to the user data tag.
constexpr std::uint8_t kPresentationRequest[] = {
    0x31, 0x80, 0xA0, 0x80, 0x80, 0x01, 0x01, 0x00, 0x00, 0xA2, 0x80, 0xA0, 0x03, 0x00, 0x00, 0x01, 0xA4,
    0x80, 0x30, 0x80, 0x02, 0x01, 0x01, 0x06, 0x04, 0x52, 0x01, 0x00, 0x01, 0x30, 0x80, 0x06, 0x02, 0x51,
    0x01, 0x00, 0x00, 0x00, 0x00, 0x30, 0x80, 0x02, 0x01, 0x02, 0x06, 0x0C, 0x2A, 0x86, 0x48, 0xCE, 0x14,
    0x02, 0x01, 0x00, 0x00, 0x00, 0x01, 0x01, 0x30, 0x80, 0x06, 0x0C, 0x2A, 0x86, 0x48, 0xCE, 0x14, 0x02,
    0x01, 0x00, 0x00, 0x00, 0x02, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x61, 0x80, 0x30, 0x80, 0x02,
    0x01, 0x01, 0xA0, 0x80, 0x60, 0x80, 0xA1, 0x80, 0x06, 0x0C, 0x2A, 0x86, 0x48, 0xCE, 0x14, 0x02, 0x01,
    0x00, 0x00, 0x00, 0x03, 0x01, 0x00, 0x00, 0xBE, 0x80, 0x28, 0x80, 0x06, 0x0C, 0x2A, 0x86, 0x48, 0xCE,
    0x14, 0x02, 0x01, 0x00, 0x00, 0x00, 0x01, 0x01, 0x02, 0x01, 0x02, 0x81};
// Fixed presentation header of the association accept (OpenICE).
constexpr std::uint8_t kPresentationAccept[] = {
    0x31, 0x80, 0xA0, 0x80, 0x80, 0x01, 0x01, 0x00, 0x00, 0xA2, 0x80, 0xA0, 0x03, 0x00, 0x00, 0x01, 0xA5,
    0x80, 0x30, 0x80, 0x80, 0x01, 0x00, 0x81, 0x02, 0x51, 0x01, 0x00, 0x00, 0x30, 0x80, 0x80, 0x01, 0x00,
    0x81, 0x0C, 0x2A, 0x86, 0x48, 0xCE, 0x14, 0x02, 0x01, 0x00, 0x00, 0x00, 0x02, 0x01, 0x00, 0x00, 0x00,
    0x00, 0x61, 0x80, 0x30, 0x80, 0x02, 0x01, 0x01, 0xA0, 0x80, 0x61, 0x80, 0xA1, 0x80, 0x06, 0x0C, 0x2A,
    0x86, 0x48, 0xCE, 0x14, 0x02, 0x01, 0x00, 0x00, 0x00, 0x03, 0x01, 0x00, 0x00, 0xA2, 0x03, 0x02, 0x01,
    0x00, 0xA3, 0x05, 0xA1, 0x03, 0x02, 0x01, 0x00, 0xBE, 0x80, 0x28, 0x80, 0x02, 0x01, 0x02, 0x81};
constexpr std::size_t kAssociationTrailer = 16;

constexpr std::uint8_t kReleaseRequest[] = {0x09, 0x18, 0xC1, 0x16, 0x61, 0x80, 0x30, 0x80, 0x02,
                                            0x01, 0x01, 0xA0, 0x80, 0x62, 0x80, 0x80, 0x01, 0x00,
                                            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
constexpr std::uint8_t kReleaseResponse[] = {0x0A, 0x18, 0xC1, 0x16, 0x61, 0x80, 0x30, 0x80, 0x02,
                                             0x01, 0x01, 0xA0, 0x80, 0x63, 0x80, 0x80, 0x01, 0x00,
                                             0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
constexpr std::uint8_t kAbort[] = {0x19, 0x2E, 0x11, 0x01, 0x03, 0xC1, 0x29, 0xA0, 0x80, 0xA0, 0x80, 0x30,
                                   0x80, 0x02, 0x01, 0x01, 0x06, 0x02, 0x51, 0x01, 0x00, 0x00, 0x00, 0x00,
                                   0x61, 0x80, 0x30, 0x80, 0x02, 0x01, 0x01, 0xA0, 0x80, 0x64, 0x80, 0x80,
                                   0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
constexpr std::uint8_t kRefuse[] = {0x0C, 0x03, 0x32, 0x01, 0x00};

constexpr std::uint32_t kProtocolVersion1 = 0x80000000;
constexpr std::uint32_t kNomenclatureVersion = 0x40000000;
constexpr std::uint32_t kSystemClient = 0x80000000;
constexpr std::uint32_t kSystemServer = 0x00800000;
constexpr std::uint32_t kColdStart = 0x20000000;
constexpr std::uint32_t kPollProfileRevision0 = 0x80000000;

// Session length indicator: one byte, or 0xFF and two bytes.
void put_li(Writer& w, std::size_t n) {
  if (n < 0xFF) {
    w.u8(static_cast<std::uint8_t>(n));
  } else {
    w.u8(0xFF);
    w.u16(static_cast<std::uint16_t>(n));
  }
}
std::size_t li_size(std::size_t n) {
  return n < 0xFF ? 1 : 3;
}

// ASN.1 BER definite length.
void put_asn_length(Bytes& out, std::size_t n) {
  Writer w(out);
  if (n < 0x80) {
    w.u8(static_cast<std::uint8_t>(n));
  } else if (n < 0x100) {
    w.u8(0x81);
    w.u8(static_cast<std::uint8_t>(n));
  } else {
    w.u8(0x82);
    w.u16(static_cast<std::uint16_t>(n));
  }
}

Bytes user_info(std::uint32_t system_type, const IntellivueAssociationParams& p) {
  Bytes out;
  Writer w(out);
  w.u32(kProtocolVersion1);
  w.u32(kNomenclatureVersion);
  w.u32(0);  // functional units
  w.u32(system_type);
  w.u32(kColdStart);
  w.u16(0);  // option list: empty
  w.u16(0);
  w.u16(1);  // supported application profiles: the poll profile
  const auto profiles = w.length_here();
  w.u16(iv::kAttrPollProfileSupport);
  const auto support = w.length_here();
  w.u32(kPollProfileRevision0);
  w.u32(p.min_poll_period);
  w.u32(p.max_mtu_rx);
  w.u32(p.max_mtu_tx);
  w.u32(p.max_bw_tx);
  w.u32(p.options);
  w.u16(1);  // optional packages: the extended poll profile
  const auto packages = w.length_here();
  w.u16(iv::kAttrPollProfileExt);
  const auto ext = w.length_here();
  w.u32(p.ext_options);
  w.u16(0);  // no extra attributes
  w.u16(0);
  w.close_length(ext);
  w.close_length(packages);
  w.close_length(support);
  w.close_length(profiles);
  return out;
}

Bytes association_message(std::uint8_t spdu, std::span<const std::uint8_t> presentation,
                          std::span<const std::uint8_t> info) {
  Bytes pres(presentation.begin(), presentation.end());
  put_asn_length(pres, info.size());
  pres.insert(pres.end(), info.begin(), info.end());
  pres.insert(pres.end(), kAssociationTrailer, 0x00);

  const std::size_t session_len = sizeof kSessionData + 1 + li_size(pres.size()) + pres.size();
  Bytes out;
  Writer w(out);
  w.u8(spdu);
  put_li(w, session_len);
  w.bytes(kSessionData);
  w.u8(0xC1);
  put_li(w, pres.size());
  w.bytes(pres);
  return out;
}

// ------------------------------------------------------------ data export

// Session/presentation header, remote operation header and operation header;
// the caller writes the operation body and then closes the lengths.
struct Envelope {
  Bytes out;
  Writer w{out};
  std::size_t ro_len = 0;
  std::size_t op_len = 0;

  Envelope(std::uint16_t ro_type, std::uint16_t invoke_id, std::uint16_t command,
           std::uint8_t linked_state = 0) {
    w.u16(0xE100);
    w.u16(2);  // presentation context
    w.u16(ro_type);
    ro_len = w.length_here();
    if (ro_type == iv::kRoLinkedResult) {
      w.u8(linked_state);
      w.u8(1);  // linked count
    }
    w.u16(invoke_id);
    w.u16(command);
    op_len = w.length_here();
  }
  Bytes finish() {
    w.close_length(op_len);
    w.close_length(ro_len);
    return std::move(out);
  }
};

void put_mds(Writer& w) {
  w.u16(iv::kClassMds);
  w.u16(0);  // context
  w.u16(0);  // handle
}

void put_nu_obs(Writer& w, const IntellivueNuObs& v) {
  w.u16(v.physio_id);
  w.u16(v.state);
  w.u16(v.unit);
  w.u32(v.value);
}

// A compound goes out as one compound attribute; otherwise each value is a
// numeric observed value attribute of its own.
void put_numeric(Writer& w, const IntellivueNumeric& n) {
  w.u16(n.handle);
  const std::size_t values = n.compound ? 1 : n.values.size();
  w.u16(static_cast<std::uint16_t>(values + (n.abs_stamp ? 1 : 0) + (n.rel_stamp ? 1 : 0)));
  const auto list = w.length_here();
  if (n.compound) {
    w.u16(iv::kAttrNumericCompound);
    const auto a = w.length_here();
    w.u16(static_cast<std::uint16_t>(n.values.size()));
    const auto l = w.length_here();
    for (const auto& v : n.values) put_nu_obs(w, v);
    w.close_length(l);
    w.close_length(a);
  } else {
    for (const auto& v : n.values) {
      w.u16(iv::kAttrNumeric);
      const auto a = w.length_here();
      put_nu_obs(w, v);
      w.close_length(a);
    }
  }
  if (n.abs_stamp) {
    w.u16(iv::kAttrTimeStampAbs);
    const auto a = w.length_here();
    w.bytes(n.abs_stamp->bcd);
    w.close_length(a);
  }
  if (n.rel_stamp) {
    w.u16(iv::kAttrTimeStampRel);
    const auto a = w.length_here();
    w.u32(*n.rel_stamp);
    w.close_length(a);
  }
  w.close_length(list);
}

void put_string(Writer& w, const std::string& text) {
  const auto s = w.length_here();
  for (char c : text) w.u16(static_cast<std::uint8_t>(c));
  w.close_length(s);
}

void put_alarm_list(Writer& w, std::uint16_t attribute, const std::vector<IntellivueAlarm>& alarms) {
  w.u16(attribute);
  const auto a = w.length_here();
  w.u16(static_cast<std::uint16_t>(alarms.size()));
  const auto list = w.length_here();
  std::uint16_t instance = 0;
  for (const auto& al : alarms) {
    w.u16(al.source);
    w.u16(al.code);
    w.u16(al.type);
    w.u16(al.state);
    w.u16(iv::kClassNumeric);  // the object the alarm belongs to
    w.u16(0);
    w.u16(0);
    w.u16(al.text.empty() ? iv::kAlertInfoGeneral : iv::kAlertInfoString);
    const auto info = w.length_here();
    w.u16(++instance);
    w.u32(0);  // text id
    w.u16(0);  // priority
    w.u16(0);  // flags
    if (!al.text.empty()) put_string(w, al.text);
    w.close_length(info);
  }
  w.close_length(list);
  w.close_length(a);
}

void put_alert_monitor(Writer& w, const IntellivueAlertMonitor& m) {
  w.u16(1);  // the alert monitor's handle
  const auto count = (m.device ? 1 : 0) + (m.patient ? 1 : 0) + (m.technical ? 1 : 0);
  w.u16(static_cast<std::uint16_t>(count));
  const auto list = w.length_here();
  if (m.device) {
    w.u16(iv::kAttrDeviceAlertCondition);
    const auto a = w.length_here();
    w.u16(m.device->state);
    w.u16(m.device->change_count);
    w.u16(m.device->max_patient);
    w.u16(m.device->max_technical);
    w.u16(m.device->max_audible);
    w.close_length(a);
  }
  if (m.patient) put_alarm_list(w, iv::kAttrAlarmListPatient, *m.patient);
  if (m.technical) put_alarm_list(w, iv::kAttrAlarmListTechnical, *m.technical);
  w.close_length(list);
}

// ------------------------------------------------------------- decoding

struct Fail {
  std::string what;
};

bool bcd_byte(std::uint8_t b, int& out) {
  if ((b >> 4) > 9 || (b & 0x0F) > 9) return false;
  out = (b >> 4) * 10 + (b & 0x0F);
  return true;
}

std::optional<std::string> parse_string(Reader& r) {
  Reader s = r.sized();
  std::string text;
  while (s.ok() && s.remaining() >= 2) {
    const auto c = s.u16();
    if (c == 0) continue;
    text += (c >= 0x20 && c < 0x7F) ? static_cast<char>(c) : '?';
  }
  if (!s.ok() || s.remaining() != 0 || !r.ok()) return std::nullopt;
  return text;
}

std::optional<IntellivueAlarm> parse_alarm(Reader& r) {
  IntellivueAlarm a;
  a.source = r.u16();
  a.code = r.u16();
  a.type = r.u16();
  a.state = r.u16();
  r.take(6);  // the object of the alarm
  const auto info_id = r.u16();
  Reader info = r.sized();
  if (!r.ok()) return std::nullopt;
  if (info_id == iv::kAlertInfoString || info_id == iv::kAlertInfoGeneral) {
    info.take(10);  // instance, text id, priority, flags
    if (info_id == iv::kAlertInfoString) {
      auto text = parse_string(info);
      if (!text) return std::nullopt;
      a.text = std::move(*text);
    }
    if (!info.done()) return std::nullopt;
  }
  return a;
}

std::optional<std::vector<IntellivueAlarm>> parse_alarm_list(Reader r) {
  const auto count = r.u16();
  Reader list = r.sized();
  std::vector<IntellivueAlarm> alarms;
  for (unsigned i = 0; i < count && list.ok(); ++i) {
    auto a = parse_alarm(list);
    if (!a) return std::nullopt;
    alarms.push_back(std::move(*a));
  }
  if (!list.done() || !r.done()) return std::nullopt;
  return alarms;
}

IntellivueNuObs parse_nu_obs(Reader& r) {
  IntellivueNuObs v;
  v.physio_id = r.u16();
  v.state = r.u16();
  v.unit = r.u16();
  v.value = r.u32();
  return v;
}

void numeric_attribute(std::uint16_t id, Reader v, IntellivueNumeric& n) {
  switch (id) {
    case iv::kAttrNumeric:
      n.values.push_back(parse_nu_obs(v));
      break;
    case iv::kAttrNumericCompound: {
      const auto count = v.u16();
      Reader list = v.sized();
      for (unsigned i = 0; i < count && list.ok(); ++i) n.values.push_back(parse_nu_obs(list));
      if (!list.done())
        throw Fail{"compound numeric of handle " + std::to_string(n.handle) + " is malformed"};
      n.compound = true;
      break;
    }
    case iv::kAttrTimeStampAbs: {
      IntellivueAbsTime t;
      const auto b = v.take(8);
      if (b.size() == 8) std::copy(b.begin(), b.end(), t.bcd.begin());
      n.abs_stamp = t;
      break;
    }
    case iv::kAttrTimeStampRel:
      n.rel_stamp = v.u32();
      break;
    default:
      return;  // attributes vigil does not use
  }
  if (!v.done())
    throw Fail{"attribute " + iv::hex4(id) + " of numeric handle " + std::to_string(n.handle) +
               " has the wrong size"};
}

void alert_attribute(std::uint16_t id, Reader v, IntellivueAlertMonitor& m) {
  switch (id) {
    case iv::kAttrDeviceAlertCondition: {
      IntellivueDeviceAlert d;
      d.state = v.u16();
      d.change_count = v.u16();
      d.max_patient = v.u16();
      d.max_technical = v.u16();
      d.max_audible = v.u16();
      if (!v.done()) throw Fail{"device alert condition has the wrong size"};
      m.device = d;
      return;
    }
    case iv::kAttrAlarmListPatient:
    case iv::kAttrAlarmListTechnical: {
      auto list = parse_alarm_list(v);
      if (!list)
        throw Fail{std::string(id == iv::kAttrAlarmListPatient ? "patient" : "technical") +
                   " alarm list is malformed"};
      (id == iv::kAttrAlarmListPatient ? m.patient : m.technical) = std::move(*list);
      return;
    }
    default:
      return;
  }
}

void parse_observation(Reader& r, IntellivuePollResult& res) {
  const auto handle = r.u16();
  const auto count = r.u16();
  Reader attrs = r.sized();
  IntellivueNumeric numeric;
  numeric.handle = handle;
  IntellivueAlertMonitor alerts;
  for (unsigned i = 0; i < count; ++i) {
    const auto id = attrs.u16();
    Reader value = attrs.sized();
    if (!attrs.ok()) throw Fail{"attribute list of object " + std::to_string(handle) + " is cut short"};
    if (res.object_class == iv::kClassNumeric) numeric_attribute(id, value, numeric);
    if (res.object_class == iv::kClassAlertMonitor) alert_attribute(id, value, alerts);
  }
  if (!attrs.done() || !r.ok())
    throw Fail{"attribute list of object " + std::to_string(handle) + " is malformed"};
  if (res.object_class == iv::kClassNumeric) res.numerics.push_back(std::move(numeric));
  if (res.object_class == iv::kClassAlertMonitor) res.alert_monitor = std::move(alerts);
}

void parse_poll_result(Reader& r, bool extended, IntellivuePollResult& res) {
  res.extended = extended;
  res.poll_number = r.u16();
  if (extended) res.sequence = r.u16();
  res.rel_time = r.u32();
  const auto abs = r.take(8);
  if (abs.size() == 8) std::copy(abs.begin(), abs.end(), res.abs_time.bcd.begin());
  r.u16();  // partition
  res.object_class = r.u16();
  res.attribute_group = r.u16();
  const auto contexts = r.u16();
  Reader list = r.sized();
  if (!r.ok()) throw Fail{"poll result header is cut short"};
  for (unsigned c = 0; c < contexts; ++c) {
    list.u16();  // context id
    const auto observations = list.u16();
    Reader polls = list.sized();
    if (!list.ok()) throw Fail{"poll info list is cut short"};
    for (unsigned o = 0; o < observations; ++o) parse_observation(polls, res);
    if (!polls.done()) throw Fail{"poll info list holds more than its count says"};
  }
  if (!list.done() || !r.done()) throw Fail{"poll result holds bytes after its poll info list"};
}

void parse_poll_request(Reader& r, bool extended, IntellivuePollRequest& req) {
  req.extended = extended;
  req.poll_number = r.u16();
  r.u16();  // partition
  req.object_class = r.u16();
  req.attribute_group = r.u16();
  if (extended) {
    const auto count = r.u16();
    Reader attrs = r.sized();
    for (unsigned i = 0; i < count; ++i) {
      const auto id = attrs.u16();
      Reader value = attrs.sized();
      if (id == 0xF13E) req.period = value.u32();  // NOM_ATTR_TIME_PD_POLL
    }
    if (!attrs.done()) throw Fail{"poll request attribute list is malformed"};
  }
  if (!r.done()) throw Fail{"poll request has the wrong size"};
}

bool is_poll(std::uint16_t action) {
  return action == iv::kActionPollMdibData || action == iv::kActionPollMdibDataExt;
}

void parse_invoke(Reader& op, IntellivueMessage& m) {
  if (m.command == iv::kCmdConfirmedEventReport || m.command == iv::kCmdEventReport) {
    op.take(6);
    m.event_time = op.u32();
    const auto event = op.u16();
    op.sized();  // the event info
    if (!op.done()) throw Fail{"event report has the wrong size"};
    // The association hangs on answering this report, and vigil reads
    // nothing from its attributes, so their layout is not checked.
    if (event == iv::kEventMdsCreate) m.kind = IntellivueMessageKind::mds_create_event;
    return;
  }
  if (m.command == iv::kCmdConfirmedAction) {
    op.take(6);
    op.u32();  // scope
    const auto action = op.u16();
    Reader body = op.sized();
    if (!op.done()) throw Fail{"action has the wrong size"};
    if (is_poll(action)) {
      parse_poll_request(body, action == iv::kActionPollMdibDataExt, m.poll_request);
      m.kind = IntellivueMessageKind::poll_request;
    }
  }
}

void parse_result(Reader& op, IntellivueMessage& m) {
  if (m.command == iv::kCmdConfirmedAction) {
    op.take(6);
    const auto action = op.u16();
    Reader body = op.sized();
    if (!op.done()) throw Fail{"action result has the wrong size"};
    if (is_poll(action)) {
      parse_poll_result(body, action == iv::kActionPollMdibDataExt, m.poll_result);
      m.kind = IntellivueMessageKind::poll_result;
    }
    return;
  }
  if (m.command == iv::kCmdConfirmedEventReport) {
    op.take(6);
    m.event_time = op.u32();
    const auto event = op.u16();
    op.sized();
    if (!op.done()) throw Fail{"event report result has the wrong size"};
    if (event == iv::kEventMdsCreate) m.kind = IntellivueMessageKind::mds_create_result;
  }
}

IntellivueMessage parse_data_export(Reader& r) {
  IntellivueMessage m;
  if (r.u8() != iv::kSpduDataExport || r.u8() != 0x00) throw Fail{"not a Data Export message"};
  r.u16();  // presentation context
  m.ro_type = r.u16();
  Reader ro = r.sized();
  if (!r.done()) throw Fail{"remote operation length does not match the message"};
  switch (m.ro_type) {
    case iv::kRoInvoke:
    case iv::kRoResult:
    case iv::kRoLinkedResult: {
      if (m.ro_type == iv::kRoLinkedResult) {
        m.linked_state = ro.u8();
        ro.u8();  // linked count
      }
      m.invoke_id = ro.u16();
      m.command = ro.u16();
      Reader op = ro.sized();
      if (!ro.done()) throw Fail{"operation length does not match the remote operation"};
      if (m.ro_type == iv::kRoInvoke)
        parse_invoke(op, m);
      else
        parse_result(op, m);
      return m;
    }
    case iv::kRoError:
      m.invoke_id = ro.u16();
      m.error_value = ro.u16();
      ro.sized();
      if (!ro.done()) throw Fail{"remote error has the wrong size"};
      m.kind = IntellivueMessageKind::remote_error;
      return m;
    default:
      throw Fail{"unknown remote operation type " + std::to_string(m.ro_type)};
  }
}

IntellivueMessage parse_association(Reader& r) {
  IntellivueMessage m;
  const auto spdu = r.u8();
  std::size_t length = r.u8();
  if (length == 0xFF) length = r.u16();
  // Bytes after the announced length are ignored: vigil reads only the type.
  if (!r.ok() || length > r.remaining()) throw Fail{"association message is shorter than its length says"};
  switch (spdu) {
    case iv::kSpduConnect:
      m.kind = IntellivueMessageKind::association_request;
      break;
    case iv::kSpduAccept:
      m.kind = IntellivueMessageKind::association_accept;
      break;
    case iv::kSpduRefuse:
      m.kind = IntellivueMessageKind::association_refuse;
      break;
    case iv::kSpduFinish:
      m.kind = IntellivueMessageKind::release_request;
      break;
    case iv::kSpduDisconnect:
      m.kind = IntellivueMessageKind::release_response;
      break;
    case iv::kSpduAbort:
      m.kind = IntellivueMessageKind::association_abort;
      break;
    default:
      throw Fail{"unknown session message type " + std::to_string(spdu)};
  }
  return m;
}

}  // namespace

// ------------------------------------------------------------ public API

std::string intellivue::hex4(std::uint16_t v) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out = "0x";
  for (int shift = 12; shift >= 0; shift -= 4) out += kDigits[(v >> shift) & 0xF];
  return out;
}

std::optional<core::TimePoint> IntellivueAbsTime::naive() const {
  std::array<int, 8> v{};
  for (std::size_t i = 0; i < 8; ++i) {
    if (!bcd_byte(bcd[i], v[i])) return std::nullopt;
  }
  using namespace std::chrono;
  const year_month_day ymd{year{v[0] * 100 + v[1]}, month{static_cast<unsigned>(v[2])},
                           day{static_cast<unsigned>(v[3])}};
  if (!ymd.ok() || v[4] > 23 || v[5] > 59 || v[6] > 59) return std::nullopt;
  return sys_days{ymd} + hours{v[4]} + minutes{v[5]} + seconds{v[6]} + milliseconds{v[7] * 10};
}

IntellivueAbsTime IntellivueAbsTime::from_naive(core::TimePoint t) {
  using namespace std::chrono;
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss tod{floor<milliseconds>(t - day)};
  auto bcd_of = [](int n) { return static_cast<std::uint8_t>(((n / 10) << 4) | (n % 10)); };
  const int y = std::clamp(static_cast<int>(ymd.year()), 0, 9999);
  IntellivueAbsTime out;
  out.bcd = {bcd_of(y / 100),
             bcd_of(y % 100),
             bcd_of(static_cast<int>(static_cast<unsigned>(ymd.month()))),
             bcd_of(static_cast<int>(static_cast<unsigned>(ymd.day()))),
             bcd_of(static_cast<int>(tod.hours().count())),
             bcd_of(static_cast<int>(tod.minutes().count())),
             bcd_of(static_cast<int>(tod.seconds().count())),
             bcd_of(static_cast<int>(tod.subseconds().count() / 10))};
  return out;
}

std::optional<double> intellivue_float_value(std::uint32_t raw) {
  const std::uint32_t mantissa_bits = raw & 0xFFFFFFu;
  switch (mantissa_bits) {
    case 0x7FFFFF:  // NaN
    case 0x800000:  // NRes
    case 0x7FFFFE:  // +infinity
    case 0x800002:  // -infinity
      return std::nullopt;
    default:
      break;
  }
  const auto mantissa =
      static_cast<std::int32_t>(mantissa_bits) - ((mantissa_bits & 0x800000u) != 0 ? 0x1000000 : 0);
  const auto exponent = static_cast<std::int8_t>(raw >> 24);
  // Dividing keeps one-decimal values such as 98.5 exact where multiplying
  // by 0.1 would not.
  if (exponent < 0) return mantissa / std::pow(10.0, -exponent);
  return mantissa * std::pow(10.0, exponent);
}

std::uint32_t intellivue_float(double v, int decimals) {
  decimals = std::clamp(decimals, 0, 6);
  constexpr double kMax = 0x7FFFFD;  // the largest mantissa that is not a special value
  double scaled = std::isfinite(v) ? std::round(v * std::pow(10.0, decimals)) : 0.0;
  scaled = std::clamp(scaled, -kMax, kMax);
  const auto mantissa = static_cast<std::int32_t>(scaled);
  const auto exponent = static_cast<std::uint8_t>(static_cast<std::int8_t>(-decimals));
  return (std::uint32_t{exponent} << 24) | (static_cast<std::uint32_t>(mantissa) & 0xFFFFFFu);
}

IntellivueParse parse_intellivue_message(std::span<const std::uint8_t> user_data) {
  IntellivueParse result;
  if (user_data.empty()) {
    result.error = "empty message";
    return result;
  }
  Reader r(user_data);
  try {
    result.message = user_data[0] == iv::kSpduDataExport ? parse_data_export(r) : parse_association(r);
  } catch (const Fail& f) {
    result.error = f.what;
  }
  return result;
}

std::vector<std::uint8_t> encode_intellivue_association_request(const IntellivueAssociationParams& params) {
  return association_message(iv::kSpduConnect, kPresentationRequest, user_info(kSystemClient, params));
}

std::vector<std::uint8_t> encode_intellivue_association_accept(const IntellivueAssociationParams& params) {
  return association_message(iv::kSpduAccept, kPresentationAccept, user_info(kSystemServer, params));
}

std::vector<std::uint8_t> encode_intellivue_association_refuse() {
  return {std::begin(kRefuse), std::end(kRefuse)};
}
std::vector<std::uint8_t> encode_intellivue_release_request() {
  return {std::begin(kReleaseRequest), std::end(kReleaseRequest)};
}
std::vector<std::uint8_t> encode_intellivue_release_response() {
  return {std::begin(kReleaseResponse), std::end(kReleaseResponse)};
}
std::vector<std::uint8_t> encode_intellivue_abort() {
  return {std::begin(kAbort), std::end(kAbort)};
}

std::vector<std::uint8_t> encode_intellivue_mds_create_result(std::uint16_t invoke_id,
                                                              std::uint32_t event_time) {
  Envelope e(iv::kRoResult, invoke_id, iv::kCmdConfirmedEventReport);
  put_mds(e.w);
  e.w.u32(event_time);
  e.w.u16(iv::kEventMdsCreate);
  e.w.u16(0);
  return e.finish();
}

std::vector<std::uint8_t> encode_intellivue_poll_request(std::uint16_t invoke_id,
                                                         const IntellivuePollRequest& req) {
  Envelope e(iv::kRoInvoke, invoke_id, iv::kCmdConfirmedAction);
  put_mds(e.w);
  e.w.u32(0);  // scope
  e.w.u16(req.extended ? iv::kActionPollMdibDataExt : iv::kActionPollMdibData);
  const auto body = e.w.length_here();
  e.w.u16(req.poll_number);
  e.w.u16(iv::kPartitionObject);
  e.w.u16(req.object_class);
  e.w.u16(req.attribute_group);
  if (req.extended) {
    e.w.u16(req.period ? 1 : 0);
    const auto attrs = e.w.length_here();
    if (req.period) {
      e.w.u16(0xF13E);
      e.w.u16(4);
      e.w.u32(*req.period);
    }
    e.w.close_length(attrs);
  }
  e.w.close_length(body);
  return e.finish();
}

std::vector<std::uint8_t> encode_intellivue_remote_error(std::uint16_t invoke_id, std::uint16_t error_value) {
  Bytes out;
  Writer w(out);
  w.u16(0xE100);
  w.u16(2);
  w.u16(iv::kRoError);
  const auto ro = w.length_here();
  w.u16(invoke_id);
  w.u16(error_value);
  w.u16(0);
  w.close_length(ro);
  return out;
}

std::vector<std::uint8_t> encode_intellivue_mds_create_event(std::uint16_t invoke_id, std::uint32_t rel_time,
                                                             const IntellivueAbsTime& abs_time) {
  Envelope e(iv::kRoInvoke, invoke_id, iv::kCmdConfirmedEventReport);
  put_mds(e.w);
  e.w.u32(rel_time);
  e.w.u16(iv::kEventMdsCreate);
  const auto body = e.w.length_here();
  put_mds(e.w);
  e.w.u16(2);  // attributes: the monitor's clock, absolute and relative
  const auto attrs = e.w.length_here();
  e.w.u16(iv::kAttrTimeAbs);
  e.w.u16(8);
  e.w.bytes(abs_time.bcd);
  e.w.u16(iv::kAttrTimeRel);
  e.w.u16(4);
  e.w.u32(rel_time);
  e.w.close_length(attrs);
  e.w.close_length(body);
  return e.finish();
}

std::vector<std::uint8_t> encode_intellivue_poll_result(std::uint16_t invoke_id,
                                                        const IntellivuePollResult& res,
                                                        std::uint8_t linked_state) {
  Envelope e(linked_state == 0 ? iv::kRoResult : iv::kRoLinkedResult, invoke_id, iv::kCmdConfirmedAction,
             linked_state);
  put_mds(e.w);
  e.w.u16(res.extended ? iv::kActionPollMdibDataExt : iv::kActionPollMdibData);
  const auto body = e.w.length_here();
  e.w.u16(res.poll_number);
  if (res.extended) e.w.u16(res.sequence);
  e.w.u32(res.rel_time);
  e.w.bytes(res.abs_time.bcd);
  e.w.u16(iv::kPartitionObject);
  e.w.u16(res.object_class);
  e.w.u16(res.attribute_group);
  const bool has_alerts = res.alert_monitor.has_value();
  const bool has_numerics = !res.numerics.empty();
  e.w.u16(has_alerts || has_numerics ? 1 : 0);  // one context
  const auto contexts = e.w.length_here();
  if (has_alerts || has_numerics) {
    e.w.u16(0);  // context id
    e.w.u16(static_cast<std::uint16_t>(has_alerts ? 1 : res.numerics.size()));
    const auto polls = e.w.length_here();
    if (has_alerts) {
      put_alert_monitor(e.w, *res.alert_monitor);
    } else {
      for (const auto& n : res.numerics) put_numeric(e.w, n);
    }
    e.w.close_length(polls);
  }
  e.w.close_length(contexts);
  e.w.close_length(body);
  return e.finish();
}

}  // namespace vigil::drivers
