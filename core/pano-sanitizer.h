// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#if defined(__SANITIZE_ADDRESS__)
#define PANO_SANITIZE_ADDRESS 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PANO_SANITIZE_ADDRESS 1
#endif
#endif

#ifdef PANO_SANITIZE_ADDRESS
void __lsan_ignore_object (const void *p);
#endif

/* Tells LeakSanitizer that @object is leaked by a system library, not by us, so that the
 * sanitizer run (tools/test.sh) can check every other allocation. For a leak a suppression
 * (tests/lsan.supp) cannot name: those match allocation stacks, which are cut short inside
 * system libraries built without frame pointers. A no-op in a normal build. */
static inline void
pano_sanitizer_ignore_leak (gconstpointer object)
{
#ifdef PANO_SANITIZE_ADDRESS
  if (object != NULL)
    __lsan_ignore_object (object);
#endif
}

G_END_DECLS
