// SPDX-License-Identifier: MIT
/* The list of page-sharing designs: one registration line each. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "pagemap.h"
#include "share_registry.h"
#include "sim.h"

extern const struct dax_share_ops share_shadow_ops;
extern const struct dax_share_ops share_mainline_ops;
extern const struct dax_share_ops share_maplist_ops;
extern const struct dax_share_ops share_rfc_ops;

static const struct dax_share_ops *const designs[] = {
	&share_shadow_ops,
	&share_mainline_ops,
	&share_maplist_ops,
	&share_rfc_ops,
	NULL,
};


const struct dax_share_ops *const *share_designs(void)
{
	return designs;
}

void share_designs_init(void)
{
	if (!share_ops)
		share_ops = share_find(SHARE_DEFAULT);
	for (int i = 0; designs[i]; i++)
		if (designs[i]->init)
			designs[i]->init();
}

void share_designs_destroy(void)
{
	for (int i = 0; designs[i]; i++) {
		if (designs[i]->destroy)
			designs[i]->destroy();
		if (designs[i]->pagecache && designs[i]->pagecache->destroy)
			designs[i]->pagecache->destroy();
	}
}

const struct dax_share_ops *share_find(const char *name)
{
	for (int i = 0; designs[i]; i++)
		if (!strcmp(designs[i]->name, name))
			return designs[i];
	return NULL;
}
