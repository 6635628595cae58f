// SPDX-License-Identifier: MIT
/*
 * `daxstat [-r]`: the simulated kernel's fault counters (like the fault and
 * THP lines of /proc/vmstat) and what the sharing design holds now, one
 * "name value" per line.  -r resets the counters afterwards, so a scenario
 * can assert what one step did ("no second CoW").
 */
#include <string.h>

#include "interp.h"
#include "pagemap.h"
#include "share.h"
#include "sim.h"

int do_daxstat(struct cmdctx *c)
{
	struct sim_stats *s = &sim->stats;
	struct share_stats st = { 0 };
	struct pagecache_stats pc;

	if (sim->dev_dax) {
		/* device DAX: the driver's faults; no filesystem, so no sharing design */
		struct dev_dax_stats *d = &sim->dev_dax->stats;

		out("faults %llu\nsigbus %llu\n", (unsigned long long)s->faults,
		    (unsigned long long)s->sigbus);
		out("device %s align %llu\npte_faults %llu\npmd_faults %llu\npud_faults %llu\n"
		    "huge_fallbacks %llu\nfault_sigbus %llu\n", DEV_DAX_NAME,
		    (unsigned long long)sim->dev_dax->align, (unsigned long long)d->pte_faults,
		    (unsigned long long)d->pmd_faults, (unsigned long long)d->pud_faults,
		    (unsigned long long)d->fallbacks, (unsigned long long)d->sigbus);
		if (c->opt['r']) {
			memset(s, 0, sizeof(*s));
			memset(d, 0, sizeof(*d));
		}
		return 0;
	}
	out("faults %llu\npmd_faults %llu\npmd_fallbacks %llu\ncow_faults %llu\n"
	    "cow_copies %llu\nzero_faults %llu\nsigbus %llu\n",
	    (unsigned long long)s->faults, (unsigned long long)s->pmd_faults,
	    (unsigned long long)s->fallbacks, (unsigned long long)s->cow_faults,
	    (unsigned long long)s->cow_copies, (unsigned long long)s->zero_faults,
	    (unsigned long long)s->sigbus);
	if (share_ops->stats)
		share_ops->stats(&st);
	out("design %s\nmasters %llu\nshadows %llu\nlist_nodes %llu\nshared_pages %llu\n"
	    "share_refs %llu\nsharing_bytes %llu\n", share_ops->name,
	    (unsigned long long)st.masters, (unsigned long long)st.shadows,
	    (unsigned long long)st.list_nodes, (unsigned long long)st.shared_pages,
	    (unsigned long long)st.share_refs, (unsigned long long)st.bytes);
	/* the page cache, once the filesystem has had one (dax=never/inode files) */
	pagecache_get_stats(&pc);
	if (pc.peak_bytes)
		out("pagecache_faults %llu\npagecache_folios %llu\npagecache_shadows %llu\n"
		    "pagecache_sharing_bytes %llu\npagecache_bytes %llu\npagecache_peak_bytes %llu\n",
		    (unsigned long long)s->pagecache_faults, (unsigned long long)pc.folios,
		    (unsigned long long)pc.shadows,
		    (unsigned long long)(share_ops->pagecache && share_ops->pagecache->bytes ?
					 share_ops->pagecache->bytes() : 0),
		    (unsigned long long)pc.bytes, (unsigned long long)pc.peak_bytes);
	if (c->opt['r'])
		memset(s, 0, sizeof(*s));
	return 0;
}
