# Compiler settings shared by every OpenRad target.
find_program(OPENRAD_CCACHE ccache)
if(OPENRAD_CCACHE)
  set(CMAKE_C_COMPILER_LAUNCHER ${OPENRAD_CCACHE})
  set(CMAKE_CXX_COMPILER_LAUNCHER ${OPENRAD_CCACHE})
endif()

# Project code is warning-free under -Wall -Wextra; third-party headers are included as SYSTEM.
add_library(openrad_warnings INTERFACE)
target_compile_options(openrad_warnings INTERFACE -Wall -Wextra)
# Qt's keyword macros (slots, signals, emit) break LibTorch headers.
target_compile_definitions(openrad_warnings INTERFACE QT_NO_KEYWORDS)
# Debian's libtorch_cpu needs libopencv_highgui, which loads Qt 5 into every process that links LibTorch. At -O0 our
# objects emit Qt 6's inline functions out of line (e.g. QByteArray::append(const char*)) and export them; Qt 5's
# libraries then bind to those and crash at load (Debug test discovery aborted with bad_alloc in Qt5Widgets' static
# init). Hidden inlines stay ours. Optimised builds inline these and did not show it.
target_compile_options(openrad_warnings INTERFACE $<$<CONFIG:Debug>:-fvisibility-inlines-hidden>)

# Helper: declare an OpenRad library from a layer folder.
function(openrad_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_LIBS;PRIVATE_LIBS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  # Position-independent: the layers are also linked into openrad-cli's AI commands library (a dlopen'ed plugin).
  set_target_properties(${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/include)
  target_link_libraries(${name} PUBLIC ${ARG_PUBLIC_LIBS} PRIVATE openrad_warnings ${ARG_PRIVATE_LIBS})
endfunction()
