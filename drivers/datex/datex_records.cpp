#include "drivers/datex/datex_records.hpp"

#include <algorithm>

namespace vigil::drivers {
namespace {

namespace dx = datex;
using Bytes = std::vector<std::uint8_t>;

void put16(Bytes& b, std::size_t at, std::uint16_t v) {
  b[at] = static_cast<std::uint8_t>(v & 0xFFu);
  b[at + 1] = static_cast<std::uint8_t>(v >> 8);
}
void put32(Bytes& b, std::size_t at, std::uint32_t v) {
  put16(b, at, static_cast<std::uint16_t>(v & 0xFFFFu));
  put16(b, at + 2, static_cast<std::uint16_t>(v >> 16));
}
void put_i16(Bytes& b, std::size_t at, std::int16_t v) {
  put16(b, at, static_cast<std::uint16_t>(v));
}
std::uint16_t get16(std::span<const std::uint8_t> b, std::size_t at) {
  return static_cast<std::uint16_t>(b[at] | (b[at + 1] << 8));
}
std::uint32_t get32(std::span<const std::uint8_t> b, std::size_t at) {
  return get16(b, at) | (std::uint32_t{get16(b, at + 2)} << 16);
}
std::int16_t get_i16(std::span<const std::uint8_t> b, std::size_t at) {
  return static_cast<std::int16_t>(get16(b, at));
}

// Header field offsets.
constexpr std::size_t kLen = 0, kNumber = 2, kLevel = 3, kTime = 6, kMainType = 14, kDescriptorAt = 16;
// Subrecord offsets.
constexpr std::size_t kSubTime = 0, kClassData = 4, kClassWord = 276;
// Basic class offsets, from the start of the class data.
constexpr std::size_t kEcg = 0, kNibp = 72, kSpo2 = 118;

struct GroupLayout {
  std::size_t offset;
  std::size_t size;
  bool has_header;
};
// ECG, P1-P4, NIBP, T1-T4, SpO2, CO2, O2, N2O, AA, flow/volume, CO/wedge,
// NMT, ECG extra (no header), SvO2, P5, P6; two reserved bytes follow.
constexpr GroupLayout kBasicGroups[] = {
    {0, 16, true},   {16, 14, true},  {30, 14, true},  {44, 14, true},  {58, 14, true},  {72, 14, true},
    {86, 8, true},   {94, 8, true},   {102, 8, true},  {110, 8, true},  {118, 14, true}, {132, 14, true},
    {146, 10, true}, {156, 10, true}, {166, 12, true}, {178, 22, true}, {200, 14, true}, {214, 12, true},
    {226, 6, false}, {232, 8, true},  {240, 14, true}, {254, 14, true},
};

void put_group(Bytes& b, std::size_t at, const DatexGroup& g) {
  put32(b, at, g.status);
  put16(b, at + 4, g.label);
}
DatexGroup get_group(std::span<const std::uint8_t> b, std::size_t at) {
  return DatexGroup{get32(b, at), get16(b, at + 4)};
}

Bytes header(std::size_t length, std::uint8_t number, std::uint8_t level, std::uint32_t time,
             std::uint8_t type) {
  Bytes b(length, 0);
  put16(b, kLen, static_cast<std::uint16_t>(length));
  b[kNumber] = number;
  b[kLevel] = level;
  put32(b, kTime, time);
  put_i16(b, kMainType, dx::kMainPhysiological);
  b[kDescriptorAt + 2] = type;  // subrecord 0 at offset 0
  b[kDescriptorAt + 5] = dx::kEndOfList;
  return b;
}

Bytes basic_class_data(const DatexBasic& v) {
  Bytes d(dx::kClassDataSize, 0);
  for (const auto& g : kBasicGroups) {
    for (std::size_t at = g.offset + (g.has_header ? 6 : 0); at < g.offset + g.size; at += 2)
      put_i16(d, at, dx::kDataInvalid);
  }
  put_group(d, kEcg, v.ecg);
  put_i16(d, kEcg + 6, v.hr);
  put_group(d, kNibp, v.nibp);
  put_i16(d, kNibp + 6, v.nibp_sys);
  put_i16(d, kNibp + 8, v.nibp_dia);
  put_i16(d, kNibp + 10, v.nibp_mean);
  put_i16(d, kNibp + 12, v.nibp_hr);
  put_group(d, kSpo2, v.spo2);
  put_i16(d, kSpo2 + 6, v.spo2_value);
  put_i16(d, kSpo2 + 8, v.spo2_pr);
  return d;
}

DatexBasic basic_of(std::span<const std::uint8_t> d) {
  DatexBasic v;
  v.ecg = get_group(d, kEcg);
  v.hr = get_i16(d, kEcg + 6);
  v.nibp = get_group(d, kNibp);
  v.nibp_sys = get_i16(d, kNibp + 6);
  v.nibp_dia = get_i16(d, kNibp + 8);
  v.nibp_mean = get_i16(d, kNibp + 10);
  v.nibp_hr = get_i16(d, kNibp + 12);
  v.spo2 = get_group(d, kSpo2);
  v.spo2_value = get_i16(d, kSpo2 + 6);
  v.spo2_pr = get_i16(d, kSpo2 + 8);
  return v;
}

struct Descriptor {
  std::size_t index;
  std::int16_t offset;
  std::uint8_t type;
};

std::vector<Descriptor> descriptors(std::span<const std::uint8_t> r) {
  std::vector<Descriptor> out;
  for (std::size_t i = 0; i < dx::kDescriptors; ++i) {
    const std::size_t at = kDescriptorAt + 3 * i;
    const auto type = r[at + 2];
    if (type == dx::kEndOfList) break;
    out.push_back({i, get_i16(r, at), type});
  }
  return out;
}

// The bytes of a subrecord, or an empty span when they do not fit the record.
std::span<const std::uint8_t> subrecord(std::span<const std::uint8_t> data, const Descriptor& d,
                                        std::size_t size) {
  if (d.offset < 0 || static_cast<std::size_t>(d.offset) + size > data.size()) return {};
  return data.subspan(static_cast<std::size_t>(d.offset), size);
}

std::string where(const Descriptor& d) {
  return "subrecord " + std::to_string(d.index) + " (type " + std::to_string(d.type) + ", offset " +
         std::to_string(d.offset) + ")";
}

bool read_physiological(std::span<const std::uint8_t> data, const Descriptor& d, DatexRecord& rec,
                        std::string& error) {
  if (d.type == dx::kPhTransmissionRequest) {
    const auto s = subrecord(data, d, dx::kRequestSize);
    if (s.empty()) {
      error = where(d) + " runs past the end of the record";
      return false;
    }
    rec.request = DatexPhdbRequest{rec.dri_level, s[0], get_i16(s, 1), get32(s, 3)};
    return true;
  }
  if (d.type != dx::kPhDisplayed) {
    rec.skipped.push_back(where(d) + ": vigil reads displayed values (type 1) only");
    return true;
  }
  const auto s = subrecord(data, d, dx::kPhdbSubrecordSize);
  if (s.empty()) {
    error = where(d) + " runs past the end of the record";
    return false;
  }
  const auto cls = (get16(s, kClassWord) >> 8) & 0x0Fu;
  if (cls != dx::kClassBasic) return true;  // extended classes: not read, not requested
  DatexDisplayed disp;
  disp.record_number = rec.number;
  disp.dri_level = rec.dri_level;
  disp.record_time = rec.time;
  disp.subrecord_time = get32(s, kSubTime);
  disp.basic = basic_of(s.subspan(kClassData, dx::kClassDataSize));
  rec.displayed.push_back(disp);
  return true;
}

}  // namespace

std::vector<std::uint8_t> encode_datex_phdb_request(const DatexPhdbRequest& q) {
  auto b = header(dx::kHeaderSize + dx::kRequestSize, 0, q.dri_level, 0, dx::kPhTransmissionRequest);
  b[dx::kHeaderSize] = q.record_type;
  put_i16(b, dx::kHeaderSize + 1, q.interval_s);
  put32(b, dx::kHeaderSize + 3, q.class_mask);
  return b;
}

std::vector<std::uint8_t> encode_datex_displayed(const DatexDisplayed& disp) {
  auto b = header(dx::kHeaderSize + dx::kPhdbSubrecordSize, disp.record_number, disp.dri_level,
                  disp.record_time, dx::kPhDisplayed);
  const std::size_t sub = dx::kHeaderSize;
  put32(b, sub + kSubTime, disp.subrecord_time);
  const auto data = basic_class_data(disp.basic);
  std::copy(data.begin(), data.end(), b.begin() + static_cast<std::ptrdiff_t>(sub + kClassData));
  put16(b, sub + kClassWord, static_cast<std::uint16_t>(dx::kClassBasic << 8));
  return b;
}

DatexRecordParse parse_datex_record(std::span<const std::uint8_t> r) {
  DatexRecordParse out;
  if (r.size() < dx::kHeaderSize) {
    out.error = "record of " + std::to_string(r.size()) + " bytes is shorter than its 40-byte header";
    return out;
  }
  const std::size_t declared = get16(r, kLen);
  if (declared != r.size()) {
    out.error = "record length field says " + std::to_string(declared) + " bytes but the frame holds " +
                std::to_string(r.size());
    return out;
  }
  DatexRecord rec;
  rec.main_type = get_i16(r, kMainType);
  rec.number = r[kNumber];
  rec.dri_level = r[kLevel];
  rec.time = get32(r, kTime);
  if (rec.main_type == dx::kMainPhysiological) {
    const auto data = r.subspan(dx::kHeaderSize);
    for (const auto& d : descriptors(r)) {
      if (!read_physiological(data, d, rec, out.error)) return out;
    }
  }
  out.record = std::move(rec);
  return out;
}

std::string_view datex_special_name(std::int16_t v) {
  switch (v) {
    case dx::kDataInvalid:
      return "no valid data";
    case dx::kDataNotUpdated:
      return "not updated";
    case dx::kDataDiscontinuity:
      return "discontinuity";
    case dx::kDataUnderRange:
      return "under range";
    case dx::kDataOverRange:
      return "over range";
    case dx::kDataNotCalibrated:
      return "not calibrated";
    default:
      return datex_is_special(v) ? "special value" : "";
  }
}

}  // namespace vigil::drivers
