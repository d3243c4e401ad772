// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>
#include <stdint.h>

/* The libFuzzer entry points (docs/fuzzing.md). The same harness is linked with libFuzzer in
 * a clang build, and with pano-fuzz-replay.c, which feeds it files, everywhere else. */
int  LLVMFuzzerInitialize   (int            *argc,
                             char         ***argv);
int  LLVMFuzzerTestOneInput (const uint8_t  *data,
                             size_t          size);

void pano_fuzz_init_logging (void);
char *pano_fuzz_make_tmpdir (const char     *name);
