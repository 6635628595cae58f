/* SPDX-License-Identifier: MIT */
/*
 * The registry of page-sharing designs: one line per design in
 * share_registry.c.  The front end picks one by name and sets share_ops
 * (share.h); the kernel only ever calls through share_ops.
 */
#ifndef DAXSIM_SHARE_REGISTRY_H
#define DAXSIM_SHARE_REGISTRY_H

#include "share.h"

const struct dax_share_ops *share_find(const char *name);
/* Every registered design, NULL-terminated, in registration order. */
const struct dax_share_ops *const *share_designs(void);
#define SHARE_DEFAULT "shadow"

/*
 * Every design's ->init / ->destroy: around each simulated world.  Init
 * selects the default design when none is selected yet.
 */
void share_designs_init(void);
void share_designs_destroy(void);

#endif
