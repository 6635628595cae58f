// SPDX-License-Identifier: MIT
/* The list of page-sharing designs: one registration line each. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "share.h"
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

const struct dax_share_ops *share_ops = &share_shadow_ops;

const struct dax_share_ops *const *share_designs(void)
{
	return designs;
}

void share_designs_init(void)
{
	for (int i = 0; designs[i]; i++)
		if (designs[i]->init)
			designs[i]->init();
}

void share_designs_destroy(void)
{
	for (int i = 0; designs[i]; i++)
		if (designs[i]->destroy)
			designs[i]->destroy();
}

const struct dax_share_ops *share_find(const char *name)
{
	for (int i = 0; designs[i]; i++)
		if (!strcmp(designs[i]->name, name))
			return designs[i];
	return NULL;
}

struct pending_warning {
	char id[24];
	char msg[200];
};
static struct pending_warning pending[32];
static int npending;

void share_warn(const char *id, const char *fmt, ...)
{
	struct pending_warning *w;
	va_list ap;

	if (npending >= (int)ARRAY_SIZE(pending))
		return;
	w = &pending[npending++];
	snprintf(w->id, sizeof(w->id), "%s", id);
	va_start(ap, fmt);
	vsnprintf(w->msg, sizeof(w->msg), fmt, ap);
	va_end(ap);
	printk("WARNING: %s\n", w->msg);
}

int share_drain_warnings(share_report_fn report, void *arg)
{
	int n = npending;

	for (int i = 0; i < npending; i++)
		report(pending[i].id, pending[i].msg, arg);
	npending = 0;
	return n;
}
