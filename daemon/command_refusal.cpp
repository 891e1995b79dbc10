#include "daemon/command_refusal.hpp"

namespace vigil::daemon {

vigil::v1::CommandReply refused(const vigil::v1::CommandRequest& req, const core::Error& e,
                                std::string_view code) {
  vigil::v1::CommandReply r;
  r.set_request_id(req.request_id());
  r.set_ok(false);
  r.set_error_field(e.field);
  r.set_error(e.text());
  r.set_error_code(code.empty() ? std::string{core::error_code_name(e.code)} : std::string{code});
  return r;
}

}  // namespace vigil::daemon
