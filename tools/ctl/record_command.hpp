#pragma once
// `vigil-ctl sessions` and `vigil-ctl record`: the infusion sessions in
// vigild's journal, and one session's record as PDF, HTML, JSON or CSV.
//   vigil-ctl sessions [--bed bed-1] [--journal PATH]
//   vigil-ctl record 12 --format pdf -o pat-0042.pdf [--journal PATH]
//   vigil-ctl record --bed bed-1 --last --format html -o bed-1.html [--config /etc/vigil/vigil.conf]
#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

namespace vigil::tools {

class RecordCommands {
 public:
  // Adds both subcommands to vigil-ctl's app.
  void add(CLI::App& app);
  bool parsed() const;
  // Exit code: 0 done, 1 the request, the journal or the output is wrong (message on stderr).
  int run() const;

 private:
  int sessions() const;
  int record() const;

  CLI::App* sessions_ = nullptr;
  CLI::App* record_ = nullptr;
  std::string journal_ = "/var/lib/vigil/journal.db";
  std::string bed_, format_, output_, config_;
  std::int64_t session_ = 0;
  bool last_ = false;
};

}  // namespace vigil::tools
