/* jit/dispatch_tap.c - see dispatch_tap.h: the observer's slot. */
#include "jit/dispatch_tap.h"

jp_dispatch_tap_fn jp_dispatch_tap = NULL;
