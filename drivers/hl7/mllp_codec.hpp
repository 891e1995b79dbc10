#pragma once
// HL7 v2 monitors over the Minimal Lower Layer Protocol (the framing is
// mllp_framing.hpp's): the receiver answers each message with an ACK framed
// the same way (HL7 v2.6 appendix C; the same bytes in simple-hl7's TCP
// server and node-hl7-client). The session reads ORU^R01 (IHE PCD-01) messages into
// readings and puts the ACK in DecodeOutput::to_send, so it works over TCP or
// a serial line alike.
//
// Decisions (vigil's):
//  - Acknowledgement codes are AA / AE / AR (original mode, what PCD-01
//    gateways are seen to expect) whatever MSH-15/16 ask for, except that
//    nothing is sent when both are NE. AR: not HL7, not ORU^R01, or not a
//    production (MSH-11 P) message; AE: an ORU^R01 with rows vigil could not
//    use (the usable rows are still read); AA otherwise, including messages
//    whose rows all have codes vigil does not read. A message answered AE or
//    AR counts as a bad frame.
//  - The ACK's MSH-7 is the time of the last on_tick (the original's MSH-7
//    before the first tick); its MSH-10 is a per-session counter.
//  - Expected interval 5 s (protocol_table.cpp): gateways send PCD-01 at a
//    period their site configures; vigil asks for 5 s or less, since device
//    silence is judged against it.
//  - ORU^R01 carries no device technical conditions (those come with PCD-04
//    alerts, not read yet), so DecodeOutput::conditions stays empty.
#include <memory>

#include "drivers/device_session.hpp"
#include "drivers/hl7/mllp_framing.hpp"

namespace vigil::drivers {

std::unique_ptr<DeviceSession> make_hl7_session();
// The device as vigil-sim plays it (hl7_sim_device.cpp).
std::unique_ptr<SimulatedDevice> make_hl7_sim_device();

}  // namespace vigil::drivers
