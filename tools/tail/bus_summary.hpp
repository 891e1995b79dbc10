#pragma once
// What a run of vigil-tail saw, per bed: how many readings, the last value
// of each metric, the alarms raised, and the links' last state. Printed at
// the end of a drill or demo.
#include <map>
#include <string>
#include <vector>

#include "vigil/v1/bus.pb.h"

namespace vigil::tools {

class BusSummary {
 public:
  void add(const vigil::v1::BusMessage& m);
  std::string text() const;

 private:
  struct Bed {
    std::size_t readings = 0;
    std::map<std::string, std::string> last;   // metric -> "SpO₂ 97 %"
    std::vector<std::string> raised;           // "HIGH hypertensive_crisis"
    std::map<std::string, std::string> links;  // device -> state
    bool drill = false;
  };
  std::map<std::string, Bed> beds_;
  std::size_t gaps_ = 0;
  std::map<std::string, std::uint64_t> seq_;
};

}  // namespace vigil::tools
