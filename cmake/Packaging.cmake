# Installation layout and the Debian package (cpack -G DEB): the CLI, the desktop app, presets and
# hardware profiles, the explain texts, the trained demo model, and the desktop integration
# (entry, icon, AppStream).
# Executables find their data at <exe>/../share/archscope (engine/presets/preset_dir.hpp).
include(GNUInstallDirs)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/presets/ DESTINATION ${CMAKE_INSTALL_DATADIR}/archscope/presets
        FILES_MATCHING PATTERN "*.json")
install(DIRECTORY ${PROJECT_SOURCE_DIR}/assets/explain DESTINATION ${CMAKE_INSTALL_DATADIR}/archscope
        FILES_MATCHING PATTERN "*.md")
# The trained demo checkpoint(s): the studio's presets browser offers them ("Trained models").
install(DIRECTORY ${PROJECT_SOURCE_DIR}/assets/models DESTINATION ${CMAKE_INSTALL_DATADIR}/archscope)
if(ARCHSCOPE_HAVE_GUI)
  set(desktop ${PROJECT_SOURCE_DIR}/packaging/desktop)
  install(FILES ${desktop}/io.github.archscope.Studio.desktop DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
  install(FILES ${desktop}/io.github.archscope.Studio.metainfo.xml DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
  install(FILES ${desktop}/io.github.archscope.Studio.svg DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME archscope)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR archscope)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "LLM architecture explorer and profiler: CLI and desktop app")
string(CONCAT CPACK_DEBIAN_PACKAGE_DESCRIPTION
  "LLM architecture explorer and profiler: CLI and desktop app\n"
  "archscope builds or loads transformer configurations (presets of the 2025 open-weight\n"
  "families, Hugging Face config.json) and reports exactly what they cost: parameters, FLOPs,\n"
  "bytes, KV cache and roofline time per layer and op. It runs them on an embedded CPU engine,\n"
  "profiles runs into SQLite, and archscope-studio explores, explains and compares\n"
  "architectures in a desktop window.")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "archscope developers <archscope@localhost>")
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Library dependencies come from dpkg-shlibdeps on the installed binaries (Qt, Vulkan loader,
# SQLite, Highway, stb, libstdc++); a Vulkan driver and the font the views are laid out for are
# recommended: without a driver the ImGui views say so and the rest works. OpenBLAS is dlopened by
# `bench` and `hardware --measure` for an independent GEMM ceiling (absent: that figure is n/a).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS
    "mesa-vulkan-drivers | vulkan-icd, fonts-dejavu-core, libopenblas0-pthread | libopenblas0")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
include(CPack)
