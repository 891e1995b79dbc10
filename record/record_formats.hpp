#pragma once
// The record's formats. JSON carries every value with its UCUM unit and MDC
// code (for an EHR upload); CSV is the vital-signs table with units in its
// header row; HTML is one self-contained, printable page with SVG plots;
// PDF is drawn by cairo with an embedded DejaVu Sans.
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "record/infusion_record.hpp"

namespace vigil::record {

enum class Format { json, csv, html, pdf };
std::optional<Format> format_from_name(std::string_view name);

std::string record_json(const InfusionRecord& r);
// What a signature covers: the JSON without when it was written and
// without its signatures and amendments (record/record_signing.hpp).
std::string record_content(const InfusionRecord& r);
std::string record_csv(const InfusionRecord& r);
std::string record_html(const InfusionRecord& r);
// The PDF document's bytes; an error when cairo fails or the font is missing.
core::Result<std::string> record_pdf(const InfusionRecord& r);

// Renders, then writes `path` whole or not at all: through a temporary file
// beside it, renamed over it when complete, so a failure changes nothing.
core::Result<std::size_t> write_record(const InfusionRecord& r, Format format, const std::string& path);
// The same for bytes already rendered (a signed record's content as stored).
core::Result<std::size_t> write_file(const std::string& path, const std::string& bytes);

}  // namespace vigil::record
