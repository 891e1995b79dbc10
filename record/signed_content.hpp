#pragma once
// A signed record read back from what was signed (docs/record.md,
// "Signing"). Once `retention_days` has pruned a signed session's readings
// the journal no longer gives its record, but the signature keeps the
// content itself (record_content's JSON); this turns that content back into
// the model, so every format shows the record as it was signed. The content
// holds the vital-signs table, not every reading: the plots are drawn from
// the table's rows.
#include <string_view>

#include "core/result.hpp"
#include "record/infusion_record.hpp"

namespace vigil::record {

// What record_content wrote gives a record whose record_content is the same
// text. Anything else is refused, saying which field is not as written;
// never a crash.
core::Result<InfusionRecord> record_from_content(std::string_view content);

}  // namespace vigil::record
