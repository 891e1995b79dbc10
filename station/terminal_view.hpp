#pragma once
// The station for a console without a browser: the beds and the alarm list
// drawn on the terminal (ANSI colours after IEC 60601-1-8: high red and
// blinking, medium yellow, low cyan; technical alarms marked TECHNICAL),
// redrawn on every alarm or loss and every half second. Keys 1-9
// acknowledge that row of the alarm list as --operator; q quits.
#include <termios.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <string>

#include "station/station_service.hpp"

namespace vigil::station {

// One screen of text; `width` is the terminal's columns.
std::string render_terminal(const v1::station::WardView& ward, const std::string& note, bool colour,
                            std::size_t width = 100);

class TerminalView {
 public:
  TerminalView(boost::asio::io_context& io, StationService& service, std::string operator_name,
               std::function<void()> quit);
  ~TerminalView();
  TerminalView(const TerminalView&) = delete;
  TerminalView& operator=(const TerminalView&) = delete;

 private:
  void draw();
  void schedule();
  void read_key();
  void on_key(char c);

  StationService& service_;
  std::string operator_;
  std::function<void()> quit_;
  boost::asio::posix::stream_descriptor in_;
  boost::asio::steady_timer timer_;
  termios saved_{};
  bool raw_ = false;
  bool stopped_ = false;
  std::string note_;
  v1::station::WardView shown_;
  char key_ = 0;
};

}  // namespace vigil::station
