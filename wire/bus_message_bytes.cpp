#include "wire/bus_message_bytes.hpp"

#include <bit>
#include <cstring>
#include <string_view>

#include "wire/observation.hpp"

namespace vigil::wire {

namespace {

// Protobuf's wire format (protobuf.dev/programming-guides/encoding): a key
// is the field number shifted left by three, or'ed with the wire type; every
// field here is below 16, so its key is one byte.
enum WireType : std::uint8_t { varint = 0, fixed64 = 1, length_delimited = 2 };

constexpr std::uint8_t key(int field, WireType type) {
  return static_cast<std::uint8_t>(field << 3 | type);
}

std::size_t varint_size(std::uint64_t v) {
  // 7 bits a byte; 0 takes one byte.
  return (static_cast<std::size_t>(std::bit_width(v | 1)) + 6) / 7;
}

std::uint8_t* put_varint(std::uint64_t v, std::uint8_t* out) {
  while (v >= 0x80) {
    *out++ = static_cast<std::uint8_t>(v | 0x80);
    v >>= 7;
  }
  *out++ = static_cast<std::uint8_t>(v);
  return out;
}

// Signed fields (int64, int32) go as their two's complement in 64 bits, so a
// negative one takes ten bytes, as protobuf writes it.
std::uint64_t as_varint(std::int64_t v) {
  return static_cast<std::uint64_t>(v);
}

// proto3 leaves a field at its default out: an empty string, a zero number.
std::size_t string_field_size(std::string_view s) {
  return s.empty() ? 0 : 1 + varint_size(s.size()) + s.size();
}

std::uint8_t* put_string_field(int field, std::string_view s, std::uint8_t* out) {
  if (s.empty()) return out;
  *out++ = key(field, length_delimited);
  out = put_varint(s.size(), out);
  std::memcpy(out, s.data(), s.size());
  return out + s.size();
}

std::size_t varint_field_size(std::uint64_t v) {
  return v == 0 ? 0 : 1 + varint_size(v);
}

std::uint8_t* put_varint_field(int field, std::uint64_t v, std::uint8_t* out) {
  if (v == 0) return out;
  *out++ = key(field, varint);
  return put_varint(v, out);
}

std::size_t timestamp_body_size(WireTime t) {
  return varint_field_size(as_varint(t.seconds)) + varint_field_size(as_varint(t.nanos));
}

// Quality's five flags are fields 1 to 5, in core::QualityFlag's bit order.
constexpr unsigned kQualityFlags = 5;
constexpr std::uint16_t kQualityBits = (1u << kQualityFlags) - 1;

std::size_t quality_body_size(std::uint16_t bits) {
  return 2 * static_cast<std::size_t>(std::popcount(static_cast<unsigned>(bits & kQualityBits)));
}

// A set submessage is written even when all its fields are defaults (a key
// and a zero length), as protobuf does: its presence is part of the message.
std::size_t submessage_size(std::size_t body) {
  return 1 + varint_size(body) + body;
}

std::uint8_t* put_timestamp(int field, WireTime t, std::uint8_t* out) {
  *out++ = key(field, length_delimited);
  out = put_varint(timestamp_body_size(t), out);
  out = put_varint_field(1, as_varint(t.seconds), out);
  return put_varint_field(2, as_varint(t.nanos), out);
}

std::uint8_t* put_quality(int field, std::uint16_t bits, std::uint8_t* out) {
  *out++ = key(field, length_delimited);
  out = put_varint(quality_body_size(bits), out);
  for (unsigned f = 0; f < kQualityFlags; ++f)
    out = put_varint_field(static_cast<int>(f) + 1, bits >> f & 1u, out);
  return out;
}

}  // namespace

BusMessageBytes::BusMessageBytes(const vigil::v1::BusMessage& m) : m_{&m}, size_{m.ByteSizeLong()} {
  // ByteSizeLong() caches the sizes that SerializeWithCachedSizesToArray reads.
}

BusMessageBytes::BusMessageBytes(const core::Observation& o, bool drill)
    : r_{Reading{.o = o,
                 .info = core::info(o.reading.metric),
                 .value = value_on_wire(o.reading),
                 .quality = quality_on_wire(o.reading).bits,
                 .device_time =
                     o.reading.device_time ? std::optional{wire_time(*o.reading.device_time)} : std::nullopt,
                 .received = wire_time(o.received),
                 .drill = drill}},
      body_size_{reading_size()},
      size_{submessage_size(body_size_)} {}

std::size_t BusMessageBytes::reading_size() const {
  const Reading& r = *r_;
  std::size_t n = string_field_size(r.o.bed) + string_field_size(r.o.device) +
                  varint_field_size(core::code(r.o.reading.metric)) + string_field_size(r.info.mdc_ref) +
                  string_field_size(r.info.name) + (std::bit_cast<std::uint64_t>(r.value) == 0 ? 0 : 9) +
                  string_field_size(r.info.ucum_unit) + submessage_size(quality_body_size(r.quality)) +
                  submessage_size(timestamp_body_size(r.received)) + varint_field_size(r.o.seq) +
                  (r.drill ? 2 : 0);
  if (r.device_time) n += submessage_size(timestamp_body_size(*r.device_time));
  return n;
}

std::uint8_t* BusMessageBytes::write_reading(std::uint8_t* out) const {
  const Reading& r = *r_;
  *out++ = key(1, length_delimited);  // BusMessage.observation
  out = put_varint(body_size_, out);
  out = put_string_field(1, r.o.bed, out);
  out = put_string_field(2, r.o.device, out);
  out = put_varint_field(3, core::code(r.o.reading.metric), out);
  out = put_string_field(4, r.info.mdc_ref, out);
  out = put_string_field(5, r.info.name, out);
  if (const auto bits = std::bit_cast<std::uint64_t>(r.value); bits != 0) {
    *out++ = key(6, fixed64);
    for (int b = 0; b < 8; ++b) *out++ = static_cast<std::uint8_t>(bits >> (8 * b));  // little-endian
  }
  out = put_string_field(7, r.info.ucum_unit, out);
  out = put_quality(8, r.quality, out);
  if (r.device_time) out = put_timestamp(9, *r.device_time, out);
  out = put_timestamp(10, r.received, out);
  out = put_varint_field(11, r.o.seq, out);
  return put_varint_field(12, r.drill, out);
}

std::uint8_t* BusMessageBytes::write(std::uint8_t* out) const {
  return r_ ? write_reading(out) : m_->SerializeWithCachedSizesToArray(out);
}

}  // namespace vigil::wire
