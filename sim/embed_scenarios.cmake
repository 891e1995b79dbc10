# Writes builtin_scenarios.cpp holding every sim/scenarios/*.scn, so the
# simulator needs no files beside it to run a shipped scenario.
file(GLOB files ${SRC_DIR}/scenarios/*.scn)
list(SORT files)
set(body "// Generated from sim/scenarios/*.scn by sim/embed_scenarios.cmake.\n#include \"sim/builtin_scenarios.hpp\"\n\nnamespace vigil::sim {\nconst std::vector<BuiltinScenario>& builtin_scenarios() {\n  static const std::vector<BuiltinScenario> k{\n")
foreach(f ${files})
  get_filename_component(name ${f} NAME_WE)
  file(READ ${f} text)
  string(APPEND body "      {\"${name}\", R\"vigil_scn(${text})vigil_scn\"},\n")
endforeach()
string(APPEND body "  };\n  return k;\n}\n}  // namespace vigil::sim\n")
file(WRITE ${OUT}.tmp "${body}")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
