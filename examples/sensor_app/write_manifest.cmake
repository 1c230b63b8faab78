# cmake -DIN=app.toml.in -DOUT=app.toml -DDIR=<artifacts> -P write_manifest.cmake
# Fills in the sha256 of each artifact the manifest names, as the build made
# them, so that the manifest pins exactly these artifacts.
foreach(name filter sensor classifier)
  string(TOUPPER ${name} NAME)
  file(SHA256 ${DIR}/${name}.kiln ${NAME}_SHA256)
endforeach()
configure_file(${IN} ${OUT} @ONLY)
