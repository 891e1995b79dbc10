#pragma once
// The `vigil-ctl export` subcommand: options in, export_journal() out.
//   vigil-ctl export --bed bed-1 --from 2026-11-23T08:00 --to 2026-11-23T12:00 --format csv -o bed-1.csv
//   vigil-ctl export --session 12 --format json
//   vigil-ctl export --sessions [--bed bed-1]
//   vigil-ctl export --logins [--from 2026-11-23T07:00] [--format json]
#include <CLI/CLI.hpp>
#include <string>

#include "tools/ctl/export_journal.hpp"

namespace vigil::tools {

class ExportCommand {
 public:
  // Adds the subcommand to vigil-ctl's app; call run() when it was parsed.
  CLI::App* add(CLI::App& app);
  // Exit code: 0 done, 1 the request or the journal is wrong (message on stderr).
  int run() const;

 private:
  ExportRequest request_;
  std::string from_, to_, format_ = "csv", output_;
  std::int64_t session_ = 0;
  bool list_sessions_ = false;
  bool logins_ = false;
};

}  // namespace vigil::tools
