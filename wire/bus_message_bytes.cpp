#include "wire/bus_message_bytes.hpp"

#include <bit>
#include <cstring>
#include <string>

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
std::size_t string_field_size(const std::string& s) {
  return s.empty() ? 0 : 1 + varint_size(s.size()) + s.size();
}

std::uint8_t* put_string_field(int field, const std::string& s, std::uint8_t* out) {
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

std::size_t timestamp_body_size(const google::protobuf::Timestamp& t) {
  return varint_field_size(as_varint(t.seconds())) + varint_field_size(as_varint(t.nanos()));
}

std::size_t quality_body_size(const vigil::v1::Quality& q) {
  return 2 *
         (std::size_t{q.invalid()} + q.artifact() + q.sensor_off() + q.low_perfusion() + q.questionable());
}

// A set submessage is written even when all its fields are defaults (a key
// and a zero length), as protobuf does: its presence is part of the message.
std::size_t submessage_size(std::size_t body) {
  return 1 + varint_size(body) + body;
}

std::size_t observation_size(const vigil::v1::Observation& o) {
  std::size_t n = string_field_size(o.bed()) + string_field_size(o.device()) +
                  varint_field_size(o.mdc_code()) + string_field_size(o.mdc_ref()) +
                  string_field_size(o.metric()) + (std::bit_cast<std::uint64_t>(o.value()) == 0 ? 0 : 9) +
                  string_field_size(o.unit()) + varint_field_size(o.seq()) + (o.drill() ? 2 : 0);
  if (o.has_quality()) n += submessage_size(quality_body_size(o.quality()));
  if (o.has_device_time()) n += submessage_size(timestamp_body_size(o.device_time()));
  if (o.has_received()) n += submessage_size(timestamp_body_size(o.received()));
  return n;
}

std::uint8_t* put_timestamp(int field, const google::protobuf::Timestamp& t, std::uint8_t* out) {
  *out++ = key(field, length_delimited);
  out = put_varint(timestamp_body_size(t), out);
  out = put_varint_field(1, as_varint(t.seconds()), out);
  return put_varint_field(2, as_varint(t.nanos()), out);
}

std::uint8_t* put_quality(int field, const vigil::v1::Quality& q, std::uint8_t* out) {
  *out++ = key(field, length_delimited);
  out = put_varint(quality_body_size(q), out);
  const bool flags[] = {q.invalid(), q.artifact(), q.sensor_off(), q.low_perfusion(), q.questionable()};
  for (int f = 0; f < 5; ++f) out = put_varint_field(f + 1, flags[f], out);
  return out;
}

std::uint8_t* put_observation(const vigil::v1::Observation& o, std::uint8_t* out) {
  out = put_string_field(1, o.bed(), out);
  out = put_string_field(2, o.device(), out);
  out = put_varint_field(3, o.mdc_code(), out);
  out = put_string_field(4, o.mdc_ref(), out);
  out = put_string_field(5, o.metric(), out);
  if (const auto bits = std::bit_cast<std::uint64_t>(o.value()); bits != 0) {
    *out++ = key(6, fixed64);
    for (int b = 0; b < 8; ++b) *out++ = static_cast<std::uint8_t>(bits >> (8 * b));  // little-endian
  }
  out = put_string_field(7, o.unit(), out);
  if (o.has_quality()) out = put_quality(8, o.quality(), out);
  if (o.has_device_time()) out = put_timestamp(9, o.device_time(), out);
  if (o.has_received()) out = put_timestamp(10, o.received(), out);
  out = put_varint_field(11, o.seq(), out);
  return put_varint_field(12, o.drill(), out);
}

// Unknown fields (a message parsed from a newer peer) are protobuf's to
// write. Each type's reflection is looked up once: looking it up per
// message (descriptors, a thread-local) cost more than the serializing.
template <class M>
bool has_unknown_fields(const M& m) {
  static const google::protobuf::Reflection* const reflection = M::GetReflection();
  return !reflection->GetUnknownFields(m).empty();
}

bool written_by_hand(const vigil::v1::BusMessage& m) {
  if (!m.has_observation() || has_unknown_fields(m)) return false;
  const auto& o = m.observation();
  return !has_unknown_fields(o) && !(o.has_quality() && has_unknown_fields(o.quality())) &&
         !(o.has_device_time() && has_unknown_fields(o.device_time())) &&
         !(o.has_received() && has_unknown_fields(o.received()));
}

}  // namespace

BusMessageBytes::BusMessageBytes(const vigil::v1::BusMessage& m) : m_{m}, by_hand_{written_by_hand(m)} {
  // protobuf's own path caches the sizes here that its writing reads.
  if (!by_hand_) {
    size_ = m.ByteSizeLong();
    return;
  }
  body_size_ = observation_size(m.observation());
  size_ = submessage_size(body_size_);
}

std::uint8_t* BusMessageBytes::write(std::uint8_t* out) const {
  if (!by_hand_) return m_.SerializeWithCachedSizesToArray(out);
  *out++ = key(1, length_delimited);  // BusMessage.observation
  out = put_varint(body_size_, out);
  return put_observation(m_.observation(), out);
}

}  // namespace vigil::wire
