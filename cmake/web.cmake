# The web UI (web/: Vue + TypeScript + Vite), built with npm and embedded in the planwatch binary
# by web/scripts/embed.mjs. pw_web_ui() defines the library pw_web_ui that provides
# EmbeddedWebAssets() (src/planwatch/http/web_assets.h): the built UI when PW_WEB is ON, an
# empty table (src/planwatch/http/web_assets_none.cc) when it is OFF. Only the planwatch
# executable links it (src/planwatch/cli), so libraries and test binaries build without Node.

option(PW_WEB "Build the web UI (needs Node.js 20 and npm) and embed it in planwatch" ON)

function(pw_web_ui)
  if(NOT PW_WEB)
    add_library(pw_web_ui STATIC ${PROJECT_SOURCE_DIR}/src/planwatch/http/web_assets_none.cc)
  else()
    find_program(PW_NPM npm)
    find_program(PW_NODE node)
    if(NOT PW_NPM OR NOT PW_NODE)
      message(FATAL_ERROR "PW_WEB is ON but npm or node was not found (npm: ${PW_NPM}, node: "
                          "${PW_NODE}). Install Node.js 20 with npm and run `npm ci` in web/, "
                          "or configure with -DPW_WEB=OFF to build without the web UI.")
    endif()
    set(web ${PROJECT_SOURCE_DIR}/web)
    set(out ${CMAKE_BINARY_DIR}/web)
    # Globs of literal names too: a file that appears later (tsconfig.json) reconfigures.
    file(GLOB_RECURSE inputs CONFIGURE_DEPENDS ${web}/src/* ${web}/public/*)
    file(GLOB top_inputs CONFIGURE_DEPENDS ${web}/index.html ${web}/package.json
         ${web}/package-lock.json ${web}/vite.config.* ${web}/tsconfig*.json ${web}/*.d.ts)
    add_custom_command(
      OUTPUT ${out}/assets.cc
      COMMAND ${PW_NPM} --prefix ${web} run build -- --outDir ${out}/dist --emptyOutDir
      COMMAND ${PW_NODE} ${web}/scripts/embed.mjs ${out}/dist ${out}/assets.cc
      DEPENDS ${inputs} ${top_inputs} ${web}/scripts/embed.mjs
      COMMENT "Building the web UI (npm run build) and embedding it"
      VERBATIM)
    add_library(pw_web_ui STATIC ${out}/assets.cc)
  endif()
  target_include_directories(pw_web_ui PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_compile_options(pw_web_ui PRIVATE ${PW_WARNINGS})
endfunction()
