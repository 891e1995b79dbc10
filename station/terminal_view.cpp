#include "station/terminal_view.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <boost/asio/read.hpp>
#include <cstdio>
#include <ctime>
#include <iostream>

namespace vigil::station {
namespace {

const char* kReset = "\x1b[0m";

std::string colour_of(v1::Priority p, bool acknowledged) {
  if (acknowledged) return "\x1b[2m";
  switch (p) {
    case v1::HIGH:
      return "\x1b[1;97;41;5m";  // white on red, blinking
    case v1::MEDIUM:
      return "\x1b[30;43m";  // black on yellow
    case v1::LOW:
      return "\x1b[30;46m";  // black on cyan
    default:
      return "";
  }
}

std::string short_priority(v1::Priority p) {
  switch (p) {
    case v1::HIGH:
      return "HIGH";
    case v1::MEDIUM:
      return "MED ";
    case v1::LOW:
      return "LOW ";
    default:
      return "    ";
  }
}

std::string clock_text(std::int64_t seconds) {
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::string age_text(std::int64_t seconds) {
  if (seconds < 60) return std::to_string(std::max<std::int64_t>(seconds, 0)) + "s";
  if (seconds < 3600) return std::to_string(seconds / 60) + "m";
  return std::to_string(seconds / 3600) + "h";
}

std::string pad(std::string s, std::size_t w) {
  if (s.size() > w) s = s.substr(0, w);
  return s + std::string(w - s.size(), ' ');
}

const v1::station::ValueView* value_of(const v1::station::BedView& b, const std::string& metric) {
  for (const auto& v : b.values())
    if (v.metric() == metric) return &v;
  return nullptr;
}

// "97", "97*" past a limit, "---" when not usable, "(97)" when its device is lost.
std::string value_text(const v1::station::ValueView* v, bool colour) {
  if (!v) return "-";
  if (!v->usable()) return "---";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v->value());
  std::string s = v->device_lost() ? "(" + std::string{buf} + ")" : std::string{buf};
  if (v->past_limit()) s = colour ? "\x1b[1;31m" + s + "*" + kReset : s + "*";
  return s;
}

std::string bed_line(const v1::station::BedView& b, std::int64_t now, bool colour) {
  std::string line = pad(b.bed(), 10) + pad(b.daemon(), 10);
  if (!b.online() || !b.in_step()) {
    std::string why = (b.online() ? "OUT OF STEP: " : "OFFLINE: ") + b.status();
    if (!b.online() && b.has_offline_since())
      why += " (since " + clock_text(b.offline_since().seconds()) + ")";
    return line + (colour ? "\x1b[1;97;41m" + why + kReset : why);
  }
  line += pad(b.patient_id().empty() ? "-" : b.patient_id(), 11);
  std::string infusion = "-";
  if (b.infusion_running() && b.has_infusion_paused_since())  // the word first: a narrow column cuts the drug
    infusion = "PAUSED " + clock_text(b.infusion_paused_since().seconds()).substr(0, 5) + " " +
               (b.infusion_drug().empty() ? "infusion" : b.infusion_drug());
  else if (b.infusion_running())
    infusion = (b.infusion_drug().empty() ? "infusion" : b.infusion_drug()) + " " +
               age_text(now - b.infusion_started().seconds());
  line += pad(infusion, 16);
  const auto* hr = value_of(b, "hr");
  if (!hr) hr = value_of(b, "pulse");
  const auto visible = [](const std::string& s) {  // width without the colour codes
    std::size_t n = 0;
    bool esc = false;
    for (char c : s) {
      if (c == '\x1b')
        esc = true;
      else if (esc && c == 'm')
        esc = false;
      else if (!esc)
        ++n;
    }
    return n;
  };
  auto cell = [&](const std::string& s, std::size_t w) {
    return s + std::string(w > visible(s) ? w - visible(s) : 1, ' ');
  };
  line += cell(value_text(hr, colour), 6) + cell(value_text(value_of(b, "spo2"), colour), 6);
  const auto* sys = value_of(b, "nibp_sys");
  const auto* dia = value_of(b, "nibp_dia");
  std::string nibp = "-";
  if (sys) {
    nibp = value_text(sys, colour) + "/" + value_text(dia, colour);
    const auto& when = sys->has_measured() ? sys->measured() : sys->received();
    nibp += " " + age_text(now - when.seconds());
  }
  line += cell(nibp, 16) + value_text(value_of(b, "resp"), colour);
  return line;
}

}  // namespace

std::string render_terminal(const v1::station::WardView& w, const std::string& note, bool colour,
                            std::size_t width) {
  const std::int64_t now = w.now().seconds();
  std::string s = "vigil station " + w.station() + "   " + clock_text(now);
  if (w.drill()) s += colour ? "   \x1b[1;97;45m DRILL: simulated data \x1b[0m" : "   DRILL: simulated data";
  s += "\n";
  for (const auto& d : w.daemons()) {
    if (d.online()) continue;
    const std::string text = "!! vigild " + d.name() + " LOST: " + d.detail();
    s += (colour ? "\x1b[1;97;41m" + pad(text, width) + kReset : text) + "\n";
  }
  // Staff read SpO₂; its ₂ is 3 bytes in UTF-8 but one column, so 8 bytes fill the column's 6.
  s += "\n" + pad("BED", 10) + pad("DAEMON", 10) + pad("PATIENT", 11) + pad("INFUSION", 16) + pad("HR", 6) +
       pad("SpO₂", 8) + pad("NIBP", 16) + "RESP\n";
  for (const auto& b : w.beds()) {
    s += bed_line(b, now, colour) + "\n";
    for (const auto& off : b.alarms_off()) s += "  " + (colour ? "\x1b[1;30;43m" + off + kReset : off) + "\n";
  }
  s += "\nALARMS" + std::string{w.alarms_size() ? " (1-9 acknowledges that row, q quits)" : ": none"} + "\n";
  int row = 0;
  for (const auto& av : w.alarms()) {
    const auto& a = av.alarm();
    std::string text = std::to_string(++row) + " " + short_priority(a.priority()) + " " + pad(a.bed(), 8) +
                       (a.kind() == v1::TECHNICAL ? "TECHNICAL " : "") + a.message();
    if (!a.active()) text += " (ended, latched)";
    if (a.acknowledged()) text += "  ack by " + a.actor();
    text = pad(text, width > 10 ? width - 10 : width) + clock_text(a.onset().seconds());
    s += (colour ? colour_of(a.priority(), a.acknowledged()) + text + kReset : text) + "\n";
  }
  if (!note.empty()) s += "\n" + note + "\n";
  return s;
}

TerminalView::TerminalView(boost::asio::io_context& io, StationService& service, std::string operator_name,
                           std::function<void()> quit)
    : service_{service}, operator_{std::move(operator_name)}, quit_{std::move(quit)}, in_{io}, timer_{io} {
  if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved_) == 0) {
    termios raw = saved_;
    raw.c_lflag &= static_cast<tcflag_t>(~(ICANON | ECHO));
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    raw_ = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
  }
  in_.assign(dup(STDIN_FILENO));
  std::cout << "\x1b[?25l" << std::flush;  // no cursor flickering over the screen
  if (operator_.empty()) note_ = "start with --operator NAME to acknowledge from here";
  service_.on_change([this](bool urgent) {
    if (urgent) draw();
  });
  draw();
  schedule();
  read_key();
}

TerminalView::~TerminalView() {
  stopped_ = true;
  timer_.cancel();
  boost::system::error_code ignored;
  in_.close(ignored);
  if (raw_) tcsetattr(STDIN_FILENO, TCSANOW, &saved_);
  std::cout << "\x1b[?25h\n" << std::flush;
}

void TerminalView::draw() {
  if (stopped_) return;
  shown_ = service_.ward().view(service_.now());
  winsize ws{};
  const std::size_t width = ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 40 ? ws.ws_col : 100;
  std::cout << "\x1b[H\x1b[2J" << render_terminal(shown_, note_, true, width) << std::flush;
}

void TerminalView::schedule() {
  timer_.expires_after(std::chrono::milliseconds{500});
  timer_.async_wait([this](boost::system::error_code ec) {
    if (ec || stopped_) return;
    draw();
    schedule();
  });
}

void TerminalView::read_key() {
  boost::asio::async_read(in_, boost::asio::buffer(&key_, 1),
                          [this](boost::system::error_code ec, std::size_t n) {
                            if (ec || stopped_ || n == 0)
                              return;  // no terminal input (closed stdin): display only
                            on_key(key_);
                            read_key();
                          });
}

void TerminalView::on_key(char c) {
  if (c == 'q' || c == 'Q') return quit_();
  if (c < '1' || c > '9') return;
  const int row = c - '1';
  if (row >= shown_.alarms_size()) return;
  if (operator_.empty()) {
    note_ = "start with --operator NAME to acknowledge from here";
    return draw();
  }
  const auto& av = shown_.alarms(row);
  v1::station::PageRequest r;
  r.set_request_id("tui-" + std::to_string(row));
  r.set_operator_name(operator_);
  r.set_daemon(av.daemon());
  r.mutable_acknowledge()->set_bed(av.alarm().bed());
  r.mutable_acknowledge()->set_alarm_id(av.alarm().alarm_id());
  note_ = "acknowledging " + av.alarm().condition() + " on " + av.alarm().bed() + "...";
  draw();
  service_.request(r, [this](const v1::station::PageReply& reply) {
    note_ = (reply.ok() ? "done: " : "REFUSED: ") + reply.message();
    draw();
  });
}

}  // namespace vigil::station
