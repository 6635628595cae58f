// SPDX-License-Identifier: MIT
/*
 * `lockdep inject NAME|off`: test-only switch that makes one kernel path of
 * the simulator take its locks in a broken order (scenarios/locking/), so
 * that each lock validator report can be shown through a real path.
 */
#include <string.h>

#include "interp.h"
#include "inject.h"

int do_lockdep(struct cmdctx *c)
{
	int tag;

	if (strcmp(c->pos[0], "inject") || c->npos != 2)
		return cmd_usage_error(c, c->poscol[0], "usage: lockdep inject NAME|off");
	tag = inject_lookup(c->pos[1], INJECT_KIND_LOCK);
	if (tag < 0)
		return cmd_usage_error(c, c->poscol[1], "lockdep inject: unknown path '%s' (%s)",
				       c->pos[1], inject_names(INJECT_KIND_LOCK));
	if (tag != INJECT_NONE && inject_active != INJECT_NONE &&
	    inject_table()[inject_active].kind == INJECT_KIND_MUTANT)
		return cmd_usage_error(c, c->poscol[1], "lockdep inject: the mutant '%s' is injected already (one at a time)",
				       inject_table()[inject_active].name);
	inject_active = (enum inject_tag)tag;
	return 0;
}
