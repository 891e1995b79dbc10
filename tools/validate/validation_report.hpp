#pragma once
// The tables and JSON that vigil-validate prints. With records from several
// directories (databases), a subtotal per directory too (`groups` in JSON). Text for people (one row
// per record and a total row, percentages), JSON for scripts (one object;
// `total` holds sensitivity, specificity and ppv as fractions).
#include <ostream>
#include <string>
#include <vector>

#include "core/json_string.hpp"
#include "tools/validate/af_scoring.hpp"
#include "tools/validate/qrs_scoring.hpp"

namespace vigil::validate {

struct AfRecordRow {
  std::string record;
  AfScore score;
  std::string path;   // AnnotatedRecord::path: which path scored it
  std::string group;  // the record's directory (its database): subtotals when there are several
};

void print_af_table(std::ostream& out, const std::vector<AfRecordRow>& rows);
void print_af_json(std::ostream& out, const std::vector<AfRecordRow>& rows, const std::string& mode);

void print_qrs_table(std::ostream& out, const std::vector<QrsRecordResult>& rows);
void print_qrs_json(std::ostream& out, const std::vector<QrsRecordResult>& rows);

using core::json_string;

}  // namespace vigil::validate
