#pragma once
// Reads the acknowledgement a receiver sends back (ACK, or ORA^R41 for an
// alert): untrusted bytes, so nothing is assumed about them.
#include <optional>
#include <string>
#include <string_view>

namespace vigil::hl7out {

enum class AckCode { AA, AE, AR, CA, CE, CR };

struct Ack {
  AckCode code = AckCode::AA;
  std::string control_id;  // MSA-2: the MSH-10 of the message acknowledged
  std::string text;        // MSA-3 or ERR text, for the log
};

// The acknowledgement in `message`, or none when it has no MSH, no MSA, an
// unknown MSA-1 or an empty MSA-2 (then it is not an acknowledgement).
std::optional<Ack> parse_ack(std::string_view message);

}  // namespace vigil::hl7out
