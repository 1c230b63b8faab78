# KILN_SANITIZE=address,undefined builds everything with those sanitizers;
# UBSan findings abort so that a test run cannot pass over them.
if(KILN_SANITIZE)
  # vptr checks need RTTI on both sides, and libkiln is built without it:
  # objects it creates would be misreported when tests (with RTTI) use them.
  add_compile_options(-fsanitize=${KILN_SANITIZE} -fno-omit-frame-pointer
                      -fno-sanitize-recover=all -fno-sanitize=vptr)
  add_link_options(-fsanitize=${KILN_SANITIZE})
endif()
