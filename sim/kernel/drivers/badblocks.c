// SPDX-License-Identifier: MIT
/* The pmem device's badblocks list: disjoint, merged ranges in blocks. */
#include <glib.h>

#include "pmem.h"

struct badblocks {
	GTree *ranges;		/* start -> end (exclusive), both as u64 keys */
	uint64_t count;
};

static gint u64_cmp(gconstpointer a, gconstpointer b, gpointer u)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

struct badblocks *badblocks_create(void)
{
	struct badblocks *bb = g_new0(struct badblocks, 1);

	bb->ranges = g_tree_new_full(u64_cmp, NULL, g_free, g_free);
	return bb;
}

void badblocks_destroy(struct badblocks *bb)
{
	if (!bb)
		return;
	g_tree_destroy(bb->ranges);
	g_free(bb);
}

/* The range with the greatest start <= bno, if any. */
static GTreeNode *floor_node(const struct badblocks *bb, uint64_t bno)
{
	GTreeNode *n = g_tree_upper_bound(bb->ranges, &bno);

	return n ? g_tree_node_previous(n) : g_tree_node_last(bb->ranges);
}

void badblocks_clear(struct badblocks *bb, uint64_t bno, uint64_t len)
{
	uint64_t end = bno + len;
	GTreeNode *n = floor_node(bb, bno);

	if (!n)
		n = g_tree_node_first(bb->ranges);
	while (n) {
		uint64_t s = *(uint64_t *)g_tree_node_key(n);
		uint64_t e = *(uint64_t *)g_tree_node_value(n);
		GTreeNode *next = g_tree_node_next(n);

		if (s >= end)
			break;
		if (e > bno) {
			uint64_t ks = s, ke = e;

			g_tree_remove(bb->ranges, &ks);
			bb->count -= ke - ks;
			if (ks < bno) {
				uint64_t *k = g_new(uint64_t, 1), *v = g_new(uint64_t, 1);

				*k = ks;
				*v = bno;
				g_tree_insert(bb->ranges, k, v);
				bb->count += bno - ks;
			}
			if (ke > end) {
				uint64_t *k = g_new(uint64_t, 1), *v = g_new(uint64_t, 1);

				*k = end;
				*v = ke;
				g_tree_insert(bb->ranges, k, v);
				bb->count += ke - end;
			}
			next = g_tree_upper_bound(bb->ranges, &ks);
		}
		n = next;
	}
}

void badblocks_set(struct badblocks *bb, uint64_t bno, uint64_t len)
{
	uint64_t s = bno, e = bno + len;
	GTreeNode *n;
	uint64_t *k, *v;

	/* Absorb overlapping or touching neighbours, then insert one range. */
	n = floor_node(bb, bno);
	if (n && *(uint64_t *)g_tree_node_value(n) >= bno)
		s = *(uint64_t *)g_tree_node_key(n);
	n = floor_node(bb, e);
	if (n && *(uint64_t *)g_tree_node_value(n) > e)
		e = *(uint64_t *)g_tree_node_value(n);
	badblocks_clear(bb, s, e - s);
	k = g_new(uint64_t, 1);
	v = g_new(uint64_t, 1);
	*k = s;
	*v = e;
	g_tree_insert(bb->ranges, k, v);
	bb->count += e - s;
}

bool badblocks_check(const struct badblocks *bb, uint64_t bno, uint64_t len,
		     uint64_t *first_bad)
{
	GTreeNode *n;

	if (!bb || !len)
		return false;
	n = floor_node(bb, bno);
	if (n && *(uint64_t *)g_tree_node_value(n) > bno) {
		*first_bad = bno;
		return true;
	}
	n = g_tree_lower_bound(bb->ranges, &bno);
	if (n && *(uint64_t *)g_tree_node_key(n) < bno + len) {
		*first_bad = *(uint64_t *)g_tree_node_key(n);
		return true;
	}
	return false;
}

uint64_t badblocks_count(const struct badblocks *bb)
{
	return bb ? bb->count : 0;
}
