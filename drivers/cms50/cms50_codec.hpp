#pragma once
// Contec CMS50D+ / CMS50E finger oximeters on their USB cable (a CP210x
// USB-serial bridge, VID 10c4 PID ea60): live stream decoder session for the
// daemon, encoders for the simulator.
//
// Sources (the codec is written from them in our words):
//  - Contec Medical Systems, "Communication protocol of pulse oximeter V7.0"
//    (2010-07-08); a copy is in gagistech/bedsidemon, doc/contec_cms50x.
//    115200 baud 8N1. Every packet: type byte (bit 7 = 0), a "high byte"
//    (bit 7 = 1) whose bits 0-6 are bit 7 of the following bytes in order,
//    then the data bytes, each sent with bit 7 = 1. Real-time packet type
//    0x01, 9 bytes, 60 a second; the data bytes (after restoring bit 7):
//      2: bits 0-3 signal strength, 4 searching too long, 5 low SpO2,
//         6 pulse beep (beat), 7 probe error (finger out)
//      3: bits 0-6 pleth, 7 searching pulse
//      4: bits 0-3 bar graph, 4 PI invalid
//      5: pulse rate 1-254, 0xFF invalid;  6: SpO2 1-100, 0x7F invalid
//      7, 8: perfusion index x100, low byte first, 0xFFFF invalid
//    Commands are 9-byte packets of type 0x7D, unused bytes 0x80: 0xA1 asks for
//    continuous real-time data, 0xA2 stops it, 0xAF "inform device being
//    connected", to be sent every 5 s.
//  - Open-source readers that confirm it on real devices: MarkMLl/Contec_cms50dplus
//    (firmware 4.6 at 115200; finger-out idle packet 01 e1 84 c0 90 80 80 ff ff;
//    live data stops after about 30 s unless asked again), tobac/cms50ew and
//    AndreasZachariae/cms50dplus-driver (start command 7d 81 a1 80 80 80 80 80 80,
//    re-sent every 5 s), titinho11/CMS50E-raw-ppg-data (a raw capture, used in
//    our tests), headrotor/contec_data (0xAF keep-alive during streaming).
//  - Older firmware streams without being asked, at 19200 baud, 8 data bits,
//    ODD parity, 60 five-byte packets a second (atbrask/CMS50Dplus, whose
//    unit tests give the bit layout; Yujia-Yan/CMS50SerialProtocolKit):
//      1: bit 7 sync = 1, 6 beep, 5 SpO2 dropping, 4 searching too long
//         (atbrask calls it "finger out"; Yujia-Yan and a translated Contec
//         manual say searching too long), 0-3 signal strength
//      2: pleth;  3: bit 6 pulse rate bit 7, 5 searching, 4 probe error, 0-3 bar graph
//      4: pulse rate bits 0-6;  5: SpO2
//    Bit 7 is 0 in bytes 2-5.
//
// Decisions (ours):
//  - One session reads both formats and tells them apart by their bit-7
//    patterns, which cannot be mistaken for each other. The daemon picks the
//    line settings: a `baud` in the device config, default 115200 8N1 (every
//    CMS50D+/CMS50E sold with the V7.0 protocol); 19200 with odd parity for
//    the old firmware. A device that stays silent at 115200 after the start
//    command is the cue to try 19200 8O1.
//  - The session sends only 0xA1 (start real-time data) and 0xAF (keep-alive),
//    neither of which changes a device setting: never storage download, delete,
//    clock or ID commands. 0xA1 goes out in on_open, again every 15 s (the
//    30-second limit of some firmware) and after 2 s without a real-time
//    packet; 0xAF every 5 s. Once the old format is seen, nothing is sent.
//  - A beat is the rising edge of the pulse-beep bit (set for a few packets
//    per pulse): one BeatMark per pulse.
//  - Packets come 60 a second; readings are reported when their value or
//    quality changes and otherwise once every 60 packets (about 1 s).
//  - Probe error maps to sensor_off, searching to searching, searching too
//    long to searching + low_signal_quality. The "low SpO2" bit is the
//    device's own alarm and is ignored (the protocol document says so too).
//  - Invalid SpO2 / pulse (0x7F / 0xFF, and 0, which finger-out packets carry)
//    is a Reading with QualityFlag::invalid and no value. PI is reported only
//    when valid, so a device without PI does not create an empty metric.
//  - The old format has no checksum and little structure: the session locks
//    on it only after three well-formed packets back to back, and drops the
//    lock at the first malformed one.
// Not confirmed: the PI upper bound (the document's range reads 0.00-22.0 %);
// the meaning of the old format's invalid values (treated like V7.0's); how
// old firmware reacts to the V7.0 commands (we stop sending once we see it).
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>

#include "drivers/device_session.hpp"

namespace vigil::drivers {

inline constexpr std::uint8_t kCms50InvalidSpo2 = 0x7F;
inline constexpr std::uint8_t kCms50InvalidPulse = 0xFF;
inline constexpr std::uint16_t kCms50InvalidPi = 0xFFFF;
inline constexpr std::uint16_t kCms50MaxPiX100 = 2200;

// One 1/60 s sample as the oximeter reports it.
struct Cms50Sample {
  std::uint8_t spo2 = kCms50InvalidSpo2;         // 1-100 %
  std::uint8_t pulse_rate = kCms50InvalidPulse;  // 1-254 /min (old format: 1-254 as well)
  std::uint8_t pleth = 64;                       // 0-127
  std::uint8_t signal_strength = 0;              // 0-8
  std::uint8_t bar_graph = 0;                    // 0-15
  bool beat = false;                             // pulse beep flag
  bool probe_error = false;                      // finger out
  bool searching = false;
  bool searching_too_long = false;
  bool low_spo2 = false;                 // the device's own alarm flag
  std::optional<std::uint16_t> pi_x100;  // V7.0 only; nullopt: PI invalid
  friend bool operator==(const Cms50Sample&, const Cms50Sample&) = default;
};

// The real-time data packet of the V7.0 protocol (newer firmware, 115200).
std::array<std::uint8_t, 9> encode_cms50_live(const Cms50Sample& sample);
// The 5-byte packet of the old firmware (19200 8O1); PI is not sent.
std::array<std::uint8_t, 5> encode_cms50_legacy(const Cms50Sample& sample);

enum class Cms50Command : std::uint8_t { start_live = 0xA1, stop_live = 0xA2, keep_alive = 0xAF };

// A host-to-device command packet: 7d 81 <code> 80 80 80 80 80 80.
std::array<std::uint8_t, 9> encode_cms50_command(Cms50Command command);
// The command code in a 9-byte command packet (for the simulator), or nullopt
// when the bytes are not one.
std::optional<std::uint8_t> decode_cms50_command(std::span<const std::uint8_t> packet);

std::unique_ptr<DeviceSession> make_cms50_session();
// The device as vigil-sim plays it (cms50_sim_device.cpp).
std::unique_ptr<SimulatedDevice> make_cms50_sim_device();

}  // namespace vigil::drivers
