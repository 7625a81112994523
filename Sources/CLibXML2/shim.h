#ifndef TWIN_CLIBXML2_SHIM_H
#define TWIN_CLIBXML2_SHIM_H
// Debian's libxml2 is built with ICU; its headers then pull in ICU headers that are not
// installed with libxml2-dev. Twin never uses the ICU encoding hooks.
#undef LIBXML_ICU_ENABLED
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

// `xmlFree` is a global function pointer, which Swift cannot call directly.
static inline void twin_xml_free(void *ptr) { xmlFree(ptr); }

// Silence libxml2's default error printing to stderr; parse errors are expected on real HTML.
static void twin_xml_silent_error(void *ctx, const char *msg, ...) { (void)ctx; (void)msg; }
static inline void twin_xml_silence_errors(void) {
  xmlSetGenericErrorFunc(NULL, twin_xml_silent_error);
}
#endif
