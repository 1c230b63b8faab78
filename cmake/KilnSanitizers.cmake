# KILN_SANITIZE=address,undefined builds everything with those sanitizers;
# UBSan findings abort so that a test run cannot pass over them.
if(KILN_SANITIZE)
  add_compile_options(-fsanitize=${KILN_SANITIZE} -fno-omit-frame-pointer
                      -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${KILN_SANITIZE})
endif()
