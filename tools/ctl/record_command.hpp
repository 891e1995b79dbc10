#pragma once
// `vigil-ctl sessions` and `vigil-ctl record`: the infusion sessions in
// vigild's journal, and one session's record as PDF, HTML, JSON or CSV.
//   vigil-ctl sessions [--bed bed-1] [--journal PATH]
//   vigil-ctl record 12 --format pdf -o pat-0042.pdf [--journal PATH]
//   vigil-ctl record --bed bed-1 --last --format html -o bed-1.html [--config /etc/vigil/vigil.conf]
// and signing (docs/record.md, "Signing"): sign and amend go to vigild's
// command channel; verify reads the journal.
//   vigil-ctl record sign --session 12 --as "Dr A. Lee" [--amendment 3]
//   vigil-ctl record amend --session 12 --as "Dr A. Lee" --what "..." --why "..."
//   vigil-ctl record verify --session 12 [--config ...] [-o signed.json]
#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "vigil/v1/command.pb.h"

namespace vigil::tools {

class RecordCommands {
 public:
  // Adds both subcommands to vigil-ctl's app.
  void add(CLI::App& app);
  // Parsed and answered here, from the journal (sign and amend are not).
  bool parsed() const;
  // Exit code: 0 done, 1 the request, the journal or the output is wrong (message on stderr).
  int run() const;
  // `record sign` or `record amend`: a request for vigild, filled in by fill().
  bool sends_command() const;
  void fill(vigil::v1::CommandRequest& request) const;

 private:
  int sessions() const;
  int record() const;
  int verify() const;

  CLI::App* sessions_ = nullptr;
  CLI::App* record_ = nullptr;
  CLI::App* sign_ = nullptr;
  CLI::App* amend_ = nullptr;
  CLI::App* verify_ = nullptr;
  std::string signer_, what_, why_;
  std::int64_t amendment_ = 0;
  std::string journal_ = "/var/lib/vigil/journal.db";
  std::string bed_, format_, output_, config_;
  std::int64_t session_ = 0;
  bool last_ = false;
};

}  // namespace vigil::tools
