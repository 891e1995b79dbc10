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
endif()
