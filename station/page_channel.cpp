#include "station/page_channel.hpp"

#include <google/protobuf/util/json_util.h>

#include <boost/asio/post.hpp>

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
                         WebLimits limits)
    : io_{io}, service_{service}, timer_{io} {
  WebHandlers h;
  h.greeting = [this] { return greeting(); };
  h.request = [this](const std::string& text, std::function<void(std::string)> reply) {
    on_request(text, reply);
  };
  server_ = std::make_unique<WebServer>(io, listen, std::move(h), limits);
  service_.on_change([this](bool urgent) { on_change(urgent); });
  schedule();
}

std::vector<std::string> PageChannel::greeting() {
  v1::station::PageMessage ward, trend;
  *ward.mutable_ward() = service_.ward().view(service_.now());
  *trend.mutable_trend() = service_.ward().trends();
  return {to_json(ward), to_json(trend)};
}

void PageChannel::on_request(const std::string& text, const std::function<void(std::string)>& reply) {
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
