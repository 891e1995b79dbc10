# Links with LLVM's lld when the compiler can use it (Debian's 'lld', which
# scripts/setup installs): it links a program in a fraction of the CPU time
# of binutils' ld (docs/architecture.md has the numbers), and each build links
# some forty programs and test suites. Without it the default linker is used,
# so a machine without lld still builds; -DVIGIL_LLD=OFF asks for the default
# linker anyway.
include(CheckLinkerFlag)
check_linker_flag(CXX -fuse-ld=lld VIGIL_LLD_WORKS)
option(VIGIL_LLD "Link with lld (faster links) when the compiler can use it" ON)
if(VIGIL_LLD AND VIGIL_LLD_WORKS)
  add_link_options(-fuse-ld=lld)
  # A running program's code pages stay resident once touched, and the kernel
  # maps 64 kB around each fault: lld keeps code GCC marks cold
  # (.text.unlikely: throw and error paths) and start-up-only code
  # (.text.startup: static initialisers) apart from the rest only when asked,
  # as binutils' ld always does (docs/journal.md, "Memory at 128 beds", fifth
  # round).
  add_link_options(-Wl,-z,keep-text-section-prefix)
endif()

# Each function and object in its own section, and the linker drops those
# nothing refers to: code no program calls is neither in the file nor among
# the pages a running program maps. Not for the sanitized build, whose
# programs are tests, not what runs beside a bed.
if(NOT VIGIL_SANITIZE)
  add_compile_options(-ffunction-sections -fdata-sections)
  add_link_options(-Wl,--gc-sections)
endif()
