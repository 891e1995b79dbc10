#include <doctest/doctest.h>

#include "adt/adt_message.hpp"
#include "adt/adt_plan.hpp"

using namespace vigil::adt;
using vigil::drivers::AckCode;
namespace err = vigil::drivers::hl7_error;

namespace {

std::string adt(const std::string& trigger, const std::string& pid3, const std::string& pv1_3,
                const std::string& processing = "P", const std::string& pv1_6 = "") {
  return "MSH|^~\\&|EPIC|HOSP|VIGIL|ICU|20261205031500||ADT^" + trigger + "^ADT_A01|MSG" + trigger + "|" +
         processing + "|2.5.1\rEVN|" + trigger + "|20261205031500\rPID|1||" + pid3 +
         "^^^HOSP^MR||DOE^JANE||19700412|F\rPV1|1|I|" + pv1_3 + "|||" + pv1_6 + "\r";
}

std::variant<AdtMessage, AdtRefusal> read(const std::string& text) {
  auto parsed = vigil::drivers::parse_hl7(text);
  REQUIRE(parsed.message);
  return read_adt(*parsed.message);
}

AdtMessage read_ok(const std::string& text) {
  auto r = read(text);
  REQUIRE(std::holds_alternative<AdtMessage>(r));
  return std::get<AdtMessage>(r);
}

AdtRefusal refused(const std::string& text) {
  auto r = read(text);
  REQUIRE(std::holds_alternative<AdtRefusal>(r));
  return std::get<AdtRefusal>(r);
}

const std::vector<BedPlace> kPlaces{{{"ICU", "1", "A"}, "bed-1"}, {{"ICU", "1", "B"}, "bed-2"}};

std::variant<AdtPlan, AdtRefusal> plan(const std::string& text, const std::map<std::string, BedView>& beds) {
  return plan_adt(read_ok(text), kPlaces, beds);
}

AdtRefusal plan_refused(const std::string& text, const std::map<std::string, BedView>& beds) {
  auto r = plan(text, beds);
  REQUIRE(std::holds_alternative<AdtRefusal>(r));
  return std::get<AdtRefusal>(r);
}

AdtPlan plan_ok(const std::string& text, const std::map<std::string, BedView>& beds) {
  auto r = plan(text, beds);
  REQUIRE(std::holds_alternative<AdtPlan>(r));
  return std::get<AdtPlan>(r);
}

}  // namespace

TEST_CASE("ADT: an A01 is read into the patient, the location and the sender") {
  const auto a = read_ok(adt("A01", "PAT-7", "ICU^1^A"));
  CHECK(a.event == AdtEvent::admit);
  CHECK(a.trigger == "A01");
  CHECK(a.control_id == "MSGA01");
  CHECK(a.sender == "EPIC^HOSP");
  CHECK(a.patient_id == "PAT-7");
  CHECK(a.family_name == "DOE");
  CHECK(a.given_name == "JANE");
  CHECK(a.birth_date == "19700412");
  CHECK(a.location == Location{"ICU", "1", "A"});
  CHECK(read_ok(adt("A04", "PAT-7", "ICU^1^A")).event == AdtEvent::admit);
  CHECK(read_ok(adt("A02", "PAT-7", "ICU^1^B", "P", "ICU^1^A")).prior_location == Location{"ICU", "1", "A"});
  CHECK(read_ok(adt("A13", "PAT-7", "ICU^1^A")).event == AdtEvent::cancel_discharge);
}

TEST_CASE("ADT: a message vigil cannot act on is refused with a reason") {
  auto r = refused(adt("A01", "", "ICU^1^A"));
  CHECK(r.code == AckCode::error);
  CHECK(r.error_code == err::required_field_missing);
  CHECK(r.text.find("PID-3") != std::string::npos);

  r = refused(adt("A01", "PAT-7", ""));
  CHECK(r.code == AckCode::error);
  CHECK(r.text.find("PV1-3") != std::string::npos);

  r = refused(adt("A31", "PAT-7", "ICU^1^A"));
  CHECK(r.code == AckCode::reject);
  CHECK(r.error_code == err::unsupported_message_type);
  CHECK(r.text.find("A31 is not handled") != std::string::npos);

  r = refused(adt("A01", "PAT-7", "ICU^1^A", "T"));
  CHECK(r.code == AckCode::reject);
  CHECK(r.error_code == err::unsupported_processing_id);

  r = refused("MSH|^~\\&|LAB|HOSP|VIGIL|ICU|2026||ORU^R01|X|P|2.5\rPID|||P1\r");
  CHECK(r.code == AckCode::reject);
  CHECK(r.text.find("not ADT") != std::string::npos);

  r = refused("MSH|^~\\&|EPIC|HOSP|VIGIL|ICU|2026||ADT^A01|X|P|2.5\rPV1|1|I|ICU^1^A\r");
  CHECK(r.text == "no PID segment");

  r = refused("MSH|^~\\&|EPIC|HOSP|VIGIL|ICU|2026||ADT^A01|X|P|2.5\rPID|1||P1||DOE||1970\rPV1|1|I|ICU^1^A\r");
  CHECK(r.error_code == err::data_type_error);
}

TEST_CASE("ADT: admit goes to the mapped bed; an occupied bed or unknown place is refused") {
  std::map<std::string, BedView> beds{{"bed-1", {}}, {"bed-2", {}}};
  auto p = plan_ok(adt("A01", "PAT-7", "ICU^1^A"), beds);
  REQUIRE(p.commands.size() == 1);
  CHECK(p.commands[0].admit().bed() == "bed-1");
  CHECK(p.commands[0].admit().patient_id() == "PAT-7");
  CHECK(p.commands[0].actor() == "ADT");
  CHECK(p.commands[0].station() == "HL7 ADT^A01 from EPIC^HOSP (MSH-10 MSGA01)");

  auto r = plan_refused(adt("A01", "PAT-7", "ICU^9^Z"), beds);
  CHECK(r.error_code == err::table_value_not_found);
  CHECK(r.text.find("location 'ICU' room '9' bed 'Z' is not a bed vigil monitors (mapped: 'ICU' room '1' bed "
                    "'A', 'ICU' room '1' bed 'B')") != std::string::npos);

  beds["bed-1"].patient_id = "PAT-1";
  r = plan_refused(adt("A01", "PAT-7", "ICU^1^A"), beds);
  CHECK(r.code == AckCode::error);
  CHECK(r.text.find("occupied by patient PAT-1") != std::string::npos);

  // The same patient again in the same bed (a resend): nothing to do.
  p = plan_ok(adt("A01", "PAT-1", "ICU^1^A"), beds);
  CHECK(p.commands.empty());
  CHECK(p.note == "patient PAT-1 is already in bed-1");

  // The patient already in another bed: that needs a transfer.
  r = plan_refused(adt("A01", "PAT-1", "ICU^1^B"), beds);
  CHECK(r.text.find("already in bed-1; send A02") != std::string::npos);
}

TEST_CASE("ADT: discharge and cancel of an admission are refused while an infusion runs") {
  std::map<std::string, BedView> beds{{"bed-1", {"PAT-7", true}}, {"bed-2", {}}};
  auto r = plan_refused(adt("A03", "PAT-7", "ICU^1^A"), beds);
  CHECK(r.code == AckCode::error);
  CHECK(r.text.find("an infusion runs on bed-1") != std::string::npos);
  // The bed whose staff must learn that the hospital record says the patient left.
  CHECK(r.infusion_bed == "bed-1");
  CHECK(plan_refused(adt("A11", "PAT-7", "ICU^1^A"), beds).text.find("cancel of the admission") !=
        std::string::npos);
  r = plan_refused(adt("A02", "PAT-7", "ICU^1^B"), beds);
  CHECK(r.text.find("transfer refused") != std::string::npos);
  CHECK(r.infusion_bed == "bed-1");
  // A refusal that has nothing to do with an infusion names no bed.
  CHECK(plan_refused(adt("A03", "PAT-8", "ICU^1^A"), beds).infusion_bed.empty());

  beds["bed-1"].infusion_running = false;
  auto p = plan_ok(adt("A03", "PAT-7", "ICU^1^A"), beds);
  REQUIRE(p.commands.size() == 1);
  CHECK(p.commands[0].discharge().bed() == "bed-1");
  CHECK(plan_ok(adt("A11", "PAT-7", "ICU^1^A"), beds).commands.at(0).has_discharge());

  // Someone else's discharge, or a bed that is empty.
  CHECK(plan_refused(adt("A03", "PAT-8", "ICU^1^A"), beds).text.find("patient PAT-7 is") !=
        std::string::npos);
  CHECK(plan_refused(adt("A03", "PAT-7", "ICU^1^B"), beds).text.find("it is empty") != std::string::npos);
}

TEST_CASE("ADT: transfer and its cancel move the patient; cancel of a discharge admits again") {
  std::map<std::string, BedView> beds{{"bed-1", {"PAT-7", false}}, {"bed-2", {}}};
  auto p = plan_ok(adt("A02", "PAT-7", "ICU^1^B", "P", "ICU^1^A"), beds);
  REQUIRE(p.commands.size() == 2);
  CHECK(p.commands[0].discharge().bed() == "bed-1");
  CHECK(p.commands[1].admit().bed() == "bed-2");
  CHECK(p.commands[1].admit().patient_id() == "PAT-7");
  CHECK(p.commands[0].request_id() != p.commands[1].request_id());

  // A12 names the bed before the transfer in PV1-3: back there.
  beds = {{"bed-1", {}}, {"bed-2", {"PAT-7", false}}};
  p = plan_ok(adt("A12", "PAT-7", "ICU^1^A", "P", "ICU^1^B"), beds);
  REQUIRE(p.commands.size() == 2);
  CHECK(p.commands[0].discharge().bed() == "bed-2");
  CHECK(p.commands[1].admit().bed() == "bed-1");

  CHECK(plan_ok(adt("A02", "PAT-7", "ICU^1^B"), beds).commands.empty());  // already there
  beds["bed-1"].patient_id = "PAT-1";
  CHECK(plan_refused(adt("A02", "PAT-7", "ICU^1^A"), beds).text.find("occupied by patient PAT-1") !=
        std::string::npos);
  CHECK(plan_refused(adt("A02", "PAT-9", "ICU^1^A"), beds).text.find("in no bed") != std::string::npos);

  beds = {{"bed-1", {}}, {"bed-2", {}}};
  p = plan_ok(adt("A13", "PAT-7", "ICU^1^A"), beds);
  REQUIRE(p.commands.size() == 1);
  CHECK(p.commands[0].admit().bed() == "bed-1");
}

TEST_CASE("ADT: a mapped location whose bed is not configured is not a bed") {
  std::map<std::string, BedView> beds{{"bed-2", {}}};
  CHECK(plan_refused(adt("A01", "PAT-7", "ICU^1^A"), beds).error_code == err::table_value_not_found);
}

namespace {
// ADT_A39 (A40): MSH, EVN, PID (the surviving id), MRG (the prior id); PV1 optional.
std::string a40(const std::string& pid3, const std::string& mrg1) {
  return "MSH|^~\\&|EPIC|HOSP|VIGIL|ICU|20261205031500||ADT^A40^ADT_A39|MSGA40|P|2.5.1\rEVN|A40|"
         "20261205031500\r"
         "PID|1||" +
         pid3 + "^^^HOSP^MR||DOE^JANE||19700412|F\rMRG|" + mrg1 + "^^^HOSP^MR\r";
}
}  // namespace

TEST_CASE("ADT: an A08 updates the name and date of birth of the patient where vigil has them") {
  std::map<std::string, BedView> beds{{"bed-1", {}}, {"bed-2", {"PAT-7", true}}};
  // PV1-3 says ICU^1^A, but the patient's id decides: the update goes to bed-2.
  auto p = plan_ok(adt("A08", "PAT-7", "ICU^1^A"), beds);
  REQUIRE(p.commands.size() == 1);
  const auto& u = p.commands[0].update_patient();
  CHECK(u.bed() == "bed-2");
  CHECK(u.patient_id() == "PAT-7");
  CHECK(u.new_patient_id().empty());
  CHECK(u.patient_name() == "DOE, JANE");
  CHECK(u.birth_date() == "1970-04-12");
  CHECK(p.commands[0].actor() == "ADT");
  CHECK(p.commands[0].station() == "HL7 ADT^A08 from EPIC^HOSP (MSH-10 MSGA08)");

  // No PV1 at all is fine for an update.
  CHECK(
      plan_ok("MSH|^~\\&|EPIC|HOSP|VIGIL|ICU|2026||ADT^A08|X|P|2.5\rPID|1||PAT-7||ROE^ANN||19700413\r", beds)
          .commands.at(0)
          .update_patient()
          .birth_date() == "1970-04-13");
  // Nothing to update.
  p = plan_ok("MSH|^~\\&|EPIC|HOSP|VIGIL|ICU|2026||ADT^A08|X|P|2.5\rPID|1||PAT-7\r", beds);
  CHECK(p.commands.empty());
  CHECK(p.note == "PID-5 and PID-7 are empty: nothing to update for patient PAT-7");
}

TEST_CASE(
    "ADT: an A08 for a patient in none of vigil's beds is rejected (AR 204), since resending cannot help") {
  std::map<std::string, BedView> beds{{"bed-1", {"PAT-1", false}}, {"bed-2", {}}};
  const auto r = plan_refused(adt("A08", "PAT-7", "ICU^1^A"), beds);
  CHECK(r.code == AckCode::reject);
  CHECK(r.error_code == err::unknown_key_identifier);
  CHECK(r.text == "patient PAT-7 is in no bed of this vigil; nothing changed");
}

TEST_CASE("ADT: an A40 gives the patient vigil has under MRG-1 the id in PID-3") {
  const auto m = read_ok(a40("PAT-NEW", "PAT-OLD"));
  CHECK(m.event == AdtEvent::merge);
  CHECK(m.prior_patient_id == "PAT-OLD");

  std::map<std::string, BedView> beds{{"bed-1", {"PAT-OLD", true}}, {"bed-2", {}}};
  auto p = plan_ok(a40("PAT-NEW", "PAT-OLD"), beds);
  REQUIRE(p.commands.size() == 1);
  const auto& u = p.commands[0].update_patient();
  CHECK(u.bed() == "bed-1");
  CHECK(u.patient_id() == "PAT-OLD");
  CHECK(u.new_patient_id() == "PAT-NEW");
  CHECK(u.patient_name() == "DOE, JANE");

  // Sent again after the merge took effect: nothing to do.
  beds["bed-1"].patient_id = "PAT-NEW";
  p = plan_ok(a40("PAT-NEW", "PAT-OLD"), beds);
  CHECK(p.commands.empty());
  CHECK(p.note == "patient PAT-NEW is already in bed-1");
}

TEST_CASE("ADT: an A40 is refused without MRG-1, for an unknown patient, and when both ids lie in beds") {
  auto r = refused("MSH|^~\\&|EPIC|HOSP|VIGIL|ICU|2026||ADT^A40|X|P|2.5\rPID|1||PAT-NEW\r");
  CHECK(r.code == AckCode::error);
  CHECK(r.error_code == err::required_field_missing);
  CHECK(r.text == "MRG-1 (the prior patient identifier to merge) is missing");

  std::map<std::string, BedView> beds{{"bed-1", {}}, {"bed-2", {}}};
  r = plan_refused(a40("PAT-NEW", "PAT-OLD"), beds);
  CHECK(r.code == AckCode::reject);
  CHECK(r.error_code == err::unknown_key_identifier);
  CHECK(r.text == "patient PAT-OLD is in no bed of this vigil; nothing changed");

  beds = {{"bed-1", {"PAT-OLD", false}}, {"bed-2", {"PAT-NEW", false}}};
  r = plan_refused(a40("PAT-NEW", "PAT-OLD"), beds);
  CHECK(r.code == AckCode::error);
  CHECK(r.error_code == err::application_internal_error);
  CHECK(r.text.find("patient PAT-OLD (bed-1) and patient PAT-NEW (bed-2) are both in beds") == 0);
}
