#pragma once
// Nonin pulse oximeters, serial data formats 2, 7 and 8 (OEM III module, Xpod,
// Onyx II 9560, WristOx2 3150): decoder sessions for the daemon, encoders for
// the simulator.
//
// Sources (read in that order; the codec is written from them in our words):
//  - Nonin, "Onyx II Model 9560 Bluetooth Fingertip Oximeter - OEM Specification
//    and Technical Information", sections "Serial Data Format #2", "#7", "#8":
//    9600 baud 8N1; formats 2 and 7 send 5-byte frames 75 times a second, 25
//    frames make a packet (1/3 s); format 8 sends one 4-byte packet a second.
//    A copy of the PDF is in github.com/mattjlewis/NoninPulseOx.
//  - pez-globo/pufferfish-software, firmware Driver/Serial/Nonin (FrameReceiver,
//    PacketReceiver, tests "tested on Nonin OEM III hardware"): on the OEM III
//    status bit 6 is SNSD (sensor disconnect), frames start with 0x01, checksum
//    is the byte sum modulo 256; its test packet is used in our tests.
//  - drphrozen/javautilityclasses NoninAndroid/Format8.java: in format 8 byte 1
//    bit 6 is "sensor disconnected" on the devices it read (the 9560 document
//    calls it reserved).
//
// Frame layout, formats 2 and 7 (bytes of one frame):
//   format 2:  0x01    STATUS     PLETH      FLOAT  CHK     (pleth 8 bit, compressed)
//   format 7:  STATUS  PLETH-MSB  PLETH-LSB  FLOAT  CHK     (pleth 16 bit)
//   STATUS: bit 7 always 1, 6 SNSD, 5 ARTF, 4 OOT, 3 SNSA, 2 RPRF, 1 GPRF, 0 SYNC
//   (SYNC = 1 on frame 1 of the packet only). CHK = sum of bytes 1-4 mod 256.
//   FLOAT carries the packet values, one byte per frame, frame by frame:
//   1 HR MSB, 2 HR LSB, 3 SpO2, 4 SREV, 6/7 timer, 8 STAT2 (bit 0 low battery,
//   bit 5 SmartPoint), 9 SpO2-D, 10 SpO2 fast, 11 SpO2 beat-to-beat,
//   14/15 E-HR, 16 E-SpO2, 17 E-SpO2-D, 20/21 HR-D, 22/23 E-HR-D, others reserved.
//   HR is 9 bits: MSB bits 1-0 are HR8-HR7, LSB bits 6-0 are HR6-HR0.
//   Missing data: HR 511, SpO2 127.
// Packet layout, format 8 (4 bytes, no checksum, no waveform):
//   byte 1: bit 7 always 1, 6 SNSD, 5 OOT, 4 LPRF, 3 MPRF, 2 ARTF, 1-0 HR8-HR7
//   byte 2: HR-D bits 6-0;  byte 3: SpO2-D;  byte 4: bit 5 SPA, 3 SNSA, 0 LOW BAT
//
// Decisions (ours):
//  - The value vigil reports is the display value, SpO2-D and HR-D (4-beat
//    average "formatted for display", updated every 1.5 s): it is what the
//    device itself shows, it is the only value format 8 sends, so all three
//    formats report the same number, and it rides through short artifact.
//    The extended (8-beat, E-) and recording values are decoded into
//    NoninPacketValues for tests and the simulator but not reported.
//  - After the finger leaves, the device repeats the last display value for
//    10 s with SNSA set; those readings carry QualityFlag::sensor_off, so no
//    rule takes them for a measurement.
//  - Missing data (511 / 127) becomes a Reading with QualityFlag::invalid and
//    no value, so the daemon sees that the device is talking but has no number.
//  - A beat is the rising edge of the perfusion bits (RPRF/GPRF, set for 12
//    frames per pulse): one BeatMark per pulse, emitted with the frame.
//  - Perfusion (red/yellow) maps to low_perfusion; per-pulse flags hold until
//    the next pulse, so the condition does not flicker between pulses.
//  - Pleth is decoded (NoninFrameSample) but DecodeOutput has no waveform
//    channel, so the daemon does not receive it.
//  - Framing: out of step, formats 2 and 7 lock on a SYNC frame followed by a
//    good non-SYNC frame (one checksum alone passes in noise too often); in
//    step every frame is checked and a bad one drops its packet. Format 8 has
//    no checksum: the session reports only after two well-formed packets back
//    to back and loses the lock at the first byte out of place.
//  - vigil never sends anything to a Nonin device: the 9560/3150 can be told
//    to change data format, but that is stored in the device's non-volatile
//    memory, i.e. it changes device settings. The format is chosen in config.
// Not confirmed from a Nonin document we could read: the OEM III and Xpod
// specifications themselves (we rely on the 9560 document, which describes the
// same formats, and on Pufferfish for the OEM III status bit 6); the low
// battery bit in STAT2 on devices without batteries (the OEM III); the pulse
// rate upper bound 321 /min is the 9560's specified range.
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "drivers/device_session.hpp"

namespace vigil::drivers {

enum class NoninFormat : std::uint8_t { df2 = 2, df7 = 7, df8 = 8 };

inline constexpr std::uint16_t kNoninMissingHr = 511;
inline constexpr std::uint8_t kNoninMissingSpo2 = 127;
inline constexpr std::uint16_t kNoninMaxHr = 321;
inline constexpr std::uint8_t kNoninMaxSpo2 = 100;
inline constexpr std::size_t kNoninFramesPerPacket = 25;

// Amplitude class the oximeter reports for each pulse, during the pulse only.
enum class NoninPerfusion : std::uint8_t { none, green, yellow, red };

// The STATUS byte of a format 2 or 7 frame (SYNC is the encoder's business).
struct NoninFrameStatus {
  bool sensor_disconnect = false;  // SNSD: no sensor, or sensor inoperable
  bool artifact = false;           // ARTF: this pulse did not fit the pulse interval
  bool out_of_track = false;       // OOT: no consecutive good pulses
  bool sensor_alarm = false;       // SNSA: unusable data, e.g. finger removed
  NoninPerfusion perfusion = NoninPerfusion::none;
  friend bool operator==(const NoninFrameStatus&, const NoninFrameStatus&) = default;
};

// What one frame carries besides its share of the packet values.
struct NoninFrameSample {
  std::uint16_t pleth = 0;  // format 2 sends 0-255 (larger values saturate), format 7 0-65535
  NoninFrameStatus status;
  friend bool operator==(const NoninFrameSample&, const NoninFrameSample&) = default;
};

// The values a format 2 or 7 packet spreads over the FLOAT bytes of its frames.
struct NoninPacketValues {
  std::uint16_t hr = kNoninMissingHr;     // 4-beat average, formatted for recording
  std::uint8_t spo2 = kNoninMissingSpo2;  // 4-beat average, formatted for recording
  std::uint8_t firmware_revision = 0;
  std::uint16_t timer = 0;                  // 1/3 s counter, 14 bits
  bool low_battery = false;                 // STAT2 bit 0
  bool smartpoint = false;                  // STAT2 bit 5 (SPA)
  std::uint8_t spo2_d = kNoninMissingSpo2;  // reported by vigil
  std::uint8_t spo2_fast = kNoninMissingSpo2;
  std::uint8_t spo2_beat = kNoninMissingSpo2;  // beat to beat, no average
  std::uint16_t e_hr = kNoninMissingHr;        // 8-beat extended averages
  std::uint8_t e_spo2 = kNoninMissingSpo2;
  std::uint8_t e_spo2_d = kNoninMissingSpo2;
  std::uint16_t hr_d = kNoninMissingHr;  // reported by vigil
  std::uint16_t e_hr_d = kNoninMissingHr;
  friend bool operator==(const NoninPacketValues&, const NoninPacketValues&) = default;
};

// A whole format 2 or 7 packet: 25 frames, 1/3 s.
struct NoninPacket {
  NoninPacketValues values;
  std::array<NoninFrameSample, kNoninFramesPerPacket> frames{};
};

// One format 8 packet (once a second).
struct NoninDf8Packet {
  std::uint16_t hr_d = kNoninMissingHr;
  std::uint8_t spo2_d = kNoninMissingSpo2;
  bool sensor_disconnect = false;   // byte 1 bit 6
  bool out_of_track = false;        // byte 1 bit 5
  bool low_perfusion = false;       // byte 1 bit 4, LPRF
  bool marginal_perfusion = false;  // byte 1 bit 3, MPRF
  bool artifact = false;            // byte 1 bit 2
  bool smartpoint = false;          // byte 4 bit 5
  bool sensor_alarm = false;        // byte 4 bit 3, SNSA
  bool low_battery = false;         // byte 4 bit 0
  friend bool operator==(const NoninDf8Packet&, const NoninDf8Packet&) = default;
};

// ---- Encoding: the exact bytes a device sends (for the simulator) ----

// The FLOAT byte of frame `frame_index` (0-24) for the given packet values.
std::uint8_t nonin_float_byte(const NoninPacketValues& values, std::size_t frame_index);

// One 5-byte frame of format 2 or 7; SYNC is set when frame_index is 0.
std::array<std::uint8_t, 5> encode_nonin_frame(NoninFormat format, std::size_t frame_index,
                                               std::uint8_t float_byte, const NoninFrameSample& sample);

// Produces frames one after another at 75 a second, keeping the frame counter:
// the simulator can change values and waveform from frame to frame.
class NoninFrameEncoder {
 public:
  explicit NoninFrameEncoder(NoninFormat format);  // df2 or df7, else std::invalid_argument
  std::array<std::uint8_t, 5> next(const NoninPacketValues& values, const NoninFrameSample& sample);
  std::size_t frame_index() const { return index_; }  // of the frame next() produces

 private:
  NoninFormat format_;
  std::size_t index_ = 0;
};

// A whole packet, 125 bytes, starting with the SYNC frame.
std::vector<std::uint8_t> encode_nonin_packet(NoninFormat format, const NoninPacket& packet);

std::array<std::uint8_t, 4> encode_nonin_df8(const NoninDf8Packet& packet);

// ---- Decoding sessions (listen only, nothing is ever sent) ----

std::unique_ptr<DeviceSession> make_nonin_session(NoninFormat format);
std::unique_ptr<DeviceSession> make_nonin2_session();
std::unique_ptr<DeviceSession> make_nonin7_session();
std::unique_ptr<DeviceSession> make_nonin8_session();
// The device as vigil-sim plays it (nonin_sim_device.cpp).
std::unique_ptr<SimulatedDevice> make_nonin2_sim_device();
std::unique_ptr<SimulatedDevice> make_nonin7_sim_device();
std::unique_ptr<SimulatedDevice> make_nonin8_sim_device();

}  // namespace vigil::drivers
