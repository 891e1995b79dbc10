#include "wire/bus_message_bytes.hpp"

#include <bit>
#include <cstring>
#include <string_view>

#include "wire/observation.hpp"
#include "wire/timestamp.hpp"

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
std::uint8_t* put_string_field(int field, std::string_view s, std::uint8_t* out) {
  if (s.empty()) return out;
  *out++ = key(field, length_delimited);
  out = put_varint(s.size(), out);
  std::memcpy(out, s.data(), s.size());
  return out + s.size();
}

std::uint8_t* put_varint_field(int field, std::uint64_t v, std::uint8_t* out) {
  if (v == 0) return out;
  *out++ = key(field, varint);
  return put_varint(v, out);
}

// Quality's five flags are fields 1 to 5, in core::QualityFlag's bit order.
constexpr unsigned kQualityFlags = 5;

// A nested message whose body is shorter than 128 bytes (a Timestamp's is 22
// at most, a Quality's 10) has a one-byte length: the key and a byte kept
// for it are written first, the length put there once the body is.
std::uint8_t* open_short_message(int field, std::uint8_t* out) {
  *out = key(field, length_delimited);
  return out + 2;
}
std::uint8_t* close_short_message(std::uint8_t* body, std::uint8_t* end) {
  body[-1] = static_cast<std::uint8_t>(end - body);
  return end;
}

// A set submessage is written even when all its fields are defaults (a key
// and a zero length), as protobuf does: its presence is part of the message.
std::uint8_t* put_timestamp(int field, core::TimePoint t, std::uint8_t* out) {
  const WireTime w = wire_time(t);
  std::uint8_t* body = open_short_message(field, out);
  std::uint8_t* end = put_varint_field(1, as_varint(w.seconds), body);
  end = put_varint_field(2, as_varint(w.nanos), end);
  return close_short_message(body, end);
}

std::uint8_t* put_quality(int field, std::uint16_t bits, std::uint8_t* out) {
  std::uint8_t* body = open_short_message(field, out);
  std::uint8_t* end = body;
  for (unsigned f = 0; f < kQualityFlags; ++f)
    end = put_varint_field(static_cast<int>(f) + 1, bits >> f & 1u, end);
  return close_short_message(body, end);
}

// Room for the outer key and length (a varint of up to ten bytes), before
// the body, which is written first.
constexpr std::size_t kOuterRoom = 11;
// Everything but the strings' bytes: each field's key and longest varint.
constexpr std::size_t kMostBesideStrings = 192;

}  // namespace

BusMessageBytes::BusMessageBytes(const vigil::v1::BusMessage& m) : m_{&m}, size_{m.ByteSizeLong()} {
  // ByteSizeLong() caches the sizes that SerializeWithCachedSizesToArray reads.
}

std::uint8_t* BusMessageBytes::write(std::uint8_t* out) const {
  return m_->SerializeWithCachedSizesToArray(out);
}

std::string_view ReadingBytes::write(const core::Observation& o, bool drill) {
  const core::MetricInfo& info = core::info(o.reading.metric);
  const std::size_t most = kOuterRoom + kMostBesideStrings + o.bed.size() + o.device.size() +
                           info.mdc_ref.size() + info.name.size() + info.ucum_unit.size();
  if (buffer_.size() < most) buffer_.resize(most);
  auto* const body = reinterpret_cast<std::uint8_t*>(buffer_.data()) + kOuterRoom;
  std::uint8_t* out = put_string_field(1, o.bed, body);
  out = put_string_field(2, o.device, out);
  out = put_varint_field(3, core::code(o.reading.metric), out);
  out = put_string_field(4, info.mdc_ref, out);
  out = put_string_field(5, info.name, out);
  if (const auto bits = std::bit_cast<std::uint64_t>(value_on_wire(o.reading)); bits != 0) {
    *out++ = key(6, fixed64);
    for (int b = 0; b < 8; ++b) *out++ = static_cast<std::uint8_t>(bits >> (8 * b));  // little-endian
  }
  out = put_string_field(7, info.ucum_unit, out);
  out = put_quality(8, quality_on_wire(o.reading).bits, out);
  if (o.reading.device_time) out = put_timestamp(9, *o.reading.device_time, out);
  out = put_timestamp(10, o.received, out);
  out = put_varint_field(11, o.seq, out);
  out = put_varint_field(12, drill, out);
  // BusMessage.observation's key and length, just before the body.
  const auto body_size = static_cast<std::size_t>(out - body);
  std::uint8_t* start = body - 1 - varint_size(body_size);
  *start = key(1, length_delimited);
  put_varint(body_size, start + 1);
  return {reinterpret_cast<const char*>(start), static_cast<std::size_t>(out - start)};
}

}  // namespace vigil::wire
