#pragma once
// The record's settings read from vigild's config file (the text format
// vigild reads, docs/config.md): the clinic's name and each alarm profile's
// `record` settings (checkpoints, their tolerance, the minimum monitored
// time, the discharge criteria, the vitals table's cadence). A profile
// without its own takes those of the profile it is `based_on`, then the
// defaults.
#include <string>

#include "core/result.hpp"
#include "record/record_options.hpp"
#include "vigil/v1/config.pb.h"

namespace vigil::record {

// Errors name the file and what is wrong ("profile 'esk': record.spo2_min: 120 is not a saturation").
core::Result<RecordConfig> read_record_config(const std::string& path);
core::Result<RecordConfig> record_config(const vigil::v1::config::DaemonConfig& config);

}  // namespace vigil::record
