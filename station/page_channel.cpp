#include "station/page_channel.hpp"

#include <google/protobuf/util/json_util.h>

#include <boost/asio/post.hpp>

#include "station/login_gate.hpp"
#include "wire/timestamp.hpp"

namespace vigil::station {
namespace {
constexpr std::chrono::milliseconds kGather{250};
constexpr std::chrono::seconds kAtLeastEvery{1};
}  // namespace

std::string to_json(const google::protobuf::Message& m) {
  google::protobuf::util::JsonPrintOptions o;
  o.always_print_primitive_fields = true;  // a false or a zero is said, not left out
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(m, &out, o);
  return out;
}

PageChannel::PageChannel(boost::asio::io_context& io, StationService& service, const std::string& listen,
                         WebSecurity security, WebLimits limits)
    : io_{io}, service_{service}, login_{security.login}, timer_{io} {
  WebHandlers h;
  h.greeting = [this](const Viewer& viewer) { return greeting(viewer); };
  h.request = [this](const std::string& text, const Viewer& viewer, std::function<void(std::string)> reply) {
    on_request(text, viewer, reply);
  };
  server_ = std::make_unique<WebServer>(io, listen, std::move(h), std::move(security), limits);
  service_.on_change([this](bool urgent) { on_change(urgent); });
  schedule();
}

std::vector<std::string> PageChannel::greeting(const Viewer& viewer) {
  std::vector<std::string> out;
  if (login_) {
    v1::station::PageMessage session;
    auto& s = *session.mutable_session();
    s.set_login_required(true);
    if (auto logged_in = login_->use(viewer.token)) {
      s.set_user(logged_in->user);
      wire::set_time(s.mutable_expires(), login_->expires(*logged_in));
    }
    out.push_back(to_json(session));
  }
  v1::station::PageMessage ward, trend;
  *ward.mutable_ward() = service_.ward().view(service_.now());
  *trend.mutable_trend() = service_.ward().trends();
  out.push_back(to_json(ward));
  out.push_back(to_json(trend));
  return out;
}

void PageChannel::on_request(const std::string& text, const Viewer& viewer,
                             const std::function<void(std::string)>& reply) {
  v1::station::PageRequest r;
  google::protobuf::util::JsonParseOptions o;
  o.ignore_unknown_fields = false;
  const auto status = google::protobuf::util::JsonStringToMessage(text, &r, o);
  if (!status.ok()) {
    v1::station::PageMessage m;
    m.mutable_reply()->set_ok(false);
    m.mutable_reply()->set_message("not a request the station understands: " + std::string{status.message()});
    return reply(to_json(m));
  }
  if (login_) {
    // An open record view asking again every 30 s must not keep an
    // unattended station's login from idling out.
    const auto logged_in = login_->use(viewer.token, !r.refresh());
    if (!logged_in) {
      v1::station::PageMessage m;
      m.mutable_reply()->set_request_id(r.request_id());
      m.mutable_reply()->set_ok(false);
      m.mutable_reply()->set_login_needed(true);
      m.mutable_reply()->set_message("your login has ended: log in again (nothing was sent)");
      return reply(to_json(m));
    }
    r.set_operator_name(logged_in->user);
  }
  service_.request(r, [reply](const v1::station::PageReply& answer) {
    v1::station::PageMessage m;
    *m.mutable_reply() = answer;
    reply(to_json(m));
  });
}

void PageChannel::on_change(bool urgent) {
  dirty_ = true;
  if (!urgent || push_posted_) return;
  // Gathered with whatever else this turn of the loop changes, then sent at once.
  push_posted_ = true;
  boost::asio::post(io_, [this] {
    push_posted_ = false;
    push();
  });
}

void PageChannel::push() {
  dirty_ = false;
  last_push_ = std::chrono::steady_clock::now();
  auto points = service_.ward().take_new_trend_points();
  if (points.series_size() > 0) {
    v1::station::PageMessage t;
    *t.mutable_trend() = std::move(points);
    server_->broadcast(to_json(t));
  }
  v1::station::PageMessage m;
  *m.mutable_ward() = service_.ward().view(service_.now());
  server_->broadcast(to_json(m));
}

void PageChannel::schedule() {
  timer_.expires_after(kGather);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    if (dirty_ || std::chrono::steady_clock::now() - last_push_ >= kAtLeastEvery) push();
    schedule();
  });
}

}  // namespace vigil::station
