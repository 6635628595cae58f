// SPDX-License-Identifier: MIT
/*
 * The reverse-mapping btree, as two augmented AVL trees over one set of
 * records.
 *
 * Records may overlap physically (one per owner of a shared block), so a
 * plain "find the record containing bno" does not exist.  Every record is
 * linked into two indexes, each an AVL tree whose nodes also keep the
 * largest record end (startblock + blockcount) in their subtree:
 *
 *  - by_bno, ordered (startblock, owner, offset, flags): the tree order.
 *    A range query walks it in order, skipping every subtree whose largest
 *    end is at or below the query start and stopping at the first record
 *    starting at or after the query end.  A long record far to the left
 *    costs nothing extra: it is found through its ancestors' max end.
 *
 *  - by_owner, ordered (owner, flags, diagonal, startblock, offset), where
 *    the diagonal is startblock - offset for inode owners (constant along a
 *    logically contiguous mapping) and 0 for metadata owners, whose offsets
 *    are ignored.  The records that can cover a map/unmap request exactly
 *    (same owner, flags and offset correspondence) are one key range of this
 *    tree, sorted by startblock; the first one that starts at or before the
 *    request and ends at or after it is found in O(log n) with the max end.
 *
 * The key of neither index uses the block count, so a record can be resized
 * in place; its max ends are then refreshed along both root paths.  A record
 * whose start moves with its end fixed (the front unmapped, or a mapping
 * merged at the front) also stays in place when no other record's key lies
 * between the old and the new one in either index.
 */
#include <errno.h>
#include <stddef.h>
#include <glib.h>

#include "bug.h"
#include "xfs_rmap.h"

struct xfs_rmap_node {
	struct xfs_rmap_node	*left;
	struct xfs_rmap_node	*right;
	xfs_fsblock_t		max_end;	/* largest record end in subtree */
	int			height;		/* AVL height, leaf = 1 */
};

struct xfs_rmap_rec {
	struct xfs_rmap_irec	irec;
	struct xfs_rmap_node	by_bno;
	struct xfs_rmap_node	by_owner;
};

typedef int (*xfs_rmap_cmp_fn)(const struct xfs_rmap_irec *a,
			       const struct xfs_rmap_irec *b);

/* One index: a root, the node's place in a record, and the key order. */
struct xfs_rmap_index {
	struct xfs_rmap_node	*root;
	size_t			node_off;
	xfs_rmap_cmp_fn		cmp;
};

struct xfs_rmap_tree {
	struct xfs_rmap_index	rt_bno;
	struct xfs_rmap_index	rt_owner;
	uint64_t		rt_nrecs;
};

static inline int cmp_u64(uint64_t x, uint64_t y)
{
	return x < y ? -1 : x > y ? 1 : 0;
}

static inline xfs_fsblock_t rec_end(const struct xfs_rmap_irec *rec)
{
	return rec->rm_startblock + rec->rm_blockcount;
}

/* The block that file offset 0 would sit at; 0 for metadata owners. */
static inline uint64_t rec_diagonal(const struct xfs_rmap_irec *rec)
{
	if (XFS_RMAP_NON_INODE_OWNER(rec->rm_owner))
		return 0;
	return rec->rm_startblock - rec->rm_offset;	/* modulo 2^64 */
}

static int xfs_rmap_cmp_bno(const struct xfs_rmap_irec *x,
			    const struct xfs_rmap_irec *y)
{
	int c;

	c = cmp_u64(x->rm_startblock, y->rm_startblock);
	if (!c)
		c = cmp_u64(x->rm_owner, y->rm_owner);
	if (!c)
		c = cmp_u64(x->rm_offset, y->rm_offset);
	if (!c)
		c = cmp_u64(x->rm_flags, y->rm_flags);
	return c;
}

/* Compare only the (owner, flags, diagonal) group of the owner index. */
static int xfs_rmap_cmp_group(const struct xfs_rmap_irec *x, uint64_t owner,
			      unsigned int flags, uint64_t diagonal)
{
	int c;

	c = cmp_u64(x->rm_owner, owner);
	if (!c)
		c = cmp_u64(x->rm_flags, flags);
	if (!c)
		c = cmp_u64(rec_diagonal(x), diagonal);
	return c;
}

static int xfs_rmap_cmp_owner(const struct xfs_rmap_irec *x,
			      const struct xfs_rmap_irec *y)
{
	int c;

	c = xfs_rmap_cmp_group(x, y->rm_owner, y->rm_flags, rec_diagonal(y));
	if (!c)
		c = cmp_u64(x->rm_startblock, y->rm_startblock);
	if (!c)
		c = cmp_u64(x->rm_offset, y->rm_offset);
	return c;
}

/* ---- the augmented AVL tree, shared by both indexes ---- */

static inline struct xfs_rmap_rec *node_rec(const struct xfs_rmap_index *idx,
					    const struct xfs_rmap_node *node)
{
	return (struct xfs_rmap_rec *)((char *)node - idx->node_off);
}

static inline struct xfs_rmap_node *rec_node(const struct xfs_rmap_index *idx,
					     struct xfs_rmap_rec *rec)
{
	return (struct xfs_rmap_node *)((char *)rec + idx->node_off);
}

static inline int node_height(const struct xfs_rmap_node *node)
{
	return node ? node->height : 0;
}

/* Recompute @node's height and max end from its record and children. */
static void node_fix(const struct xfs_rmap_index *idx,
		     struct xfs_rmap_node *node)
{
	int hl = node_height(node->left), hr = node_height(node->right);
	xfs_fsblock_t end = rec_end(&node_rec(idx, node)->irec);

	node->height = 1 + (hl > hr ? hl : hr);
	if (node->left && node->left->max_end > end)
		end = node->left->max_end;
	if (node->right && node->right->max_end > end)
		end = node->right->max_end;
	node->max_end = end;
}

static struct xfs_rmap_node *rotate_right(const struct xfs_rmap_index *idx,
					  struct xfs_rmap_node *node)
{
	struct xfs_rmap_node *l = node->left;

	node->left = l->right;
	l->right = node;
	node_fix(idx, node);
	node_fix(idx, l);
	return l;
}

static struct xfs_rmap_node *rotate_left(const struct xfs_rmap_index *idx,
					 struct xfs_rmap_node *node)
{
	struct xfs_rmap_node *r = node->right;

	node->right = r->left;
	r->left = node;
	node_fix(idx, node);
	node_fix(idx, r);
	return r;
}

/* Restore the AVL balance at @node (children balanced, |skew| <= 2). */
static struct xfs_rmap_node *node_balance(const struct xfs_rmap_index *idx,
					  struct xfs_rmap_node *node)
{
	int skew = node_height(node->left) - node_height(node->right);

	if (skew > 1) {
		if (node_height(node->left->left) <
		    node_height(node->left->right))
			node->left = rotate_left(idx, node->left);
		return rotate_right(idx, node);
	}
	if (skew < -1) {
		if (node_height(node->right->right) <
		    node_height(node->right->left))
			node->right = rotate_right(idx, node->right);
		return rotate_left(idx, node);
	}
	node_fix(idx, node);
	return node;
}

static struct xfs_rmap_node *node_insert(const struct xfs_rmap_index *idx,
					 struct xfs_rmap_node *node,
					 struct xfs_rmap_node *new)
{
	struct xfs_rmap_node *child;
	int c, h;

	if (!node) {
		new->left = new->right = NULL;
		node_fix(idx, new);
		return new;
	}
	c = idx->cmp(&node_rec(idx, new)->irec, &node_rec(idx, node)->irec);
	/* A duplicate key would be the same mapping recorded twice. */
	BUG_ON(c == 0);
	if (c < 0) {
		h = node_height(node->left);
		node->left = node_insert(idx, node->left, new);
		child = node->left;
	} else {
		h = node_height(node->right);
		node->right = node_insert(idx, node->right, new);
		child = node->right;
	}
	if (child->height == h) {
		/*
		 * The subtree kept its height (it grew nowhere, or a rotation
		 * took the growth back): so do this node and every ancestor,
		 * whose balance is unchanged; their max end can only have
		 * grown to the new record's.  The sibling is not read.
		 */
		if (child->max_end > node->max_end)
			node->max_end = child->max_end;
		return node;
	}
	return node_balance(idx, node);
}

/* Unlink the leftmost node of @node's subtree into *@min. */
static struct xfs_rmap_node *node_remove_min(const struct xfs_rmap_index *idx,
					     struct xfs_rmap_node *node,
					     struct xfs_rmap_node **min)
{
	if (!node->left) {
		*min = node;
		return node->right;
	}
	node->left = node_remove_min(idx, node->left, min);
	return node_balance(idx, node);
}

/* Unlink @victim (which must be in the subtree) from @node's subtree. */
static struct xfs_rmap_node *node_remove(const struct xfs_rmap_index *idx,
					 struct xfs_rmap_node *node,
					 struct xfs_rmap_node *victim)
{
	struct xfs_rmap_node *min;
	int c;

	BUG_ON(!node);
	if (node != victim) {
		struct xfs_rmap_node **child;
		int h;

		c = idx->cmp(&node_rec(idx, victim)->irec,
			     &node_rec(idx, node)->irec);
		child = c < 0 ? &node->left : &node->right;
		h = node_height(*child);
		*child = node_remove(idx, *child, victim);
		/*
		 * The subtree kept its height, and the record that went did
		 * not end at this node's max end: nothing here changes (nor
		 * above, where the same holds).
		 */
		if (node_height(*child) == h &&
		    rec_end(&node_rec(idx, victim)->irec) < node->max_end)
			return node;
		return node_balance(idx, node);
	}
	if (!node->left)
		return node->right;
	if (!node->right)
		return node->left;
	node->right = node_remove_min(idx, node->right, &min);
	min->left = node->left;
	min->right = node->right;
	return node_balance(idx, min);
}

/* @target's record end changed: refresh max ends on its root path. */
static void node_refresh(const struct xfs_rmap_index *idx,
			 struct xfs_rmap_node *node,
			 struct xfs_rmap_node *target)
{
	BUG_ON(!node);
	if (node != target) {
		int c = idx->cmp(&node_rec(idx, target)->irec,
				 &node_rec(idx, node)->irec);

		node_refresh(idx, c < 0 ? node->left : node->right, target);
	}
	node_fix(idx, node);
}

/*
 * The neighbour of @target in @idx's order: the next record if @next, else
 * the previous one; NULL at the end.  O(log n) compares, no writes.
 */
static struct xfs_rmap_node *node_neighbour(const struct xfs_rmap_index *idx,
					    struct xfs_rmap_node *target,
					    bool next)
{
	const struct xfs_rmap_irec *key = &node_rec(idx, target)->irec;
	struct xfs_rmap_node *node = idx->root, *found = NULL;

	while (node != target) {
		BUG_ON(!node);
		if ((idx->cmp(key, &node_rec(idx, node)->irec) < 0) == next) {
			found = node;	/* the last turn towards the neighbour */
			node = next ? node->left : node->right;
		} else {
			node = next ? node->right : node->left;
		}
	}
	node = next ? node->right : node->left;
	if (!node)
		return found;
	while (next ? node->left : node->right)
		node = next ? node->left : node->right;
	return node;
}

/*
 * @target's record end grew: raise the max ends on its root path to it.
 * Heights do not change, and no sibling is read.
 */
static void node_grow_end(const struct xfs_rmap_index *idx,
			  struct xfs_rmap_node *target)
{
	const struct xfs_rmap_irec *key = &node_rec(idx, target)->irec;
	xfs_fsblock_t end = rec_end(key);
	struct xfs_rmap_node *node = idx->root;

	for (;;) {
		BUG_ON(!node);
		if (node->max_end < end)
			node->max_end = end;
		if (node == target)
			return;
		node = idx->cmp(key, &node_rec(idx, node)->irec) < 0 ?
		       node->left : node->right;
	}
}

static void index_insert(struct xfs_rmap_index *idx, struct xfs_rmap_rec *rec)
{
	idx->root = node_insert(idx, idx->root, rec_node(idx, rec));
}

static void index_remove(struct xfs_rmap_index *idx, struct xfs_rmap_rec *rec)
{
	idx->root = node_remove(idx, idx->root, rec_node(idx, rec));
}

/* ---- records ---- */

struct xfs_rmap_tree *xfs_rmap_tree_alloc(void)
{
	struct xfs_rmap_tree *tree = g_new0(struct xfs_rmap_tree, 1);

	tree->rt_bno.node_off = offsetof(struct xfs_rmap_rec, by_bno);
	tree->rt_bno.cmp = xfs_rmap_cmp_bno;
	tree->rt_owner.node_off = offsetof(struct xfs_rmap_rec, by_owner);
	tree->rt_owner.cmp = xfs_rmap_cmp_owner;
	return tree;
}

static void xfs_rmap_free_subtree(const struct xfs_rmap_index *idx,
				  struct xfs_rmap_node *node)
{
	if (!node)
		return;
	xfs_rmap_free_subtree(idx, node->left);
	xfs_rmap_free_subtree(idx, node->right);
	g_free(node_rec(idx, node));
}

void xfs_rmap_tree_free(struct xfs_rmap_tree *tree)
{
	if (!tree)
		return;
	xfs_rmap_free_subtree(&tree->rt_bno, tree->rt_bno.root);
	g_free(tree);
}

uint64_t xfs_rmap_nrecords(const struct xfs_rmap_tree *tree)
{
	return tree->rt_nrecs;
}

static void xfs_rmap_insert_rec(struct xfs_rmap_tree *tree,
				const struct xfs_rmap_irec *irec)
{
	struct xfs_rmap_rec *rec = g_new0(struct xfs_rmap_rec, 1);

	BUG_ON(irec->rm_blockcount == 0);
	rec->irec = *irec;
	index_insert(&tree->rt_bno, rec);
	index_insert(&tree->rt_owner, rec);
	tree->rt_nrecs++;
}

static void xfs_rmap_delete_rec(struct xfs_rmap_tree *tree,
				struct xfs_rmap_rec *rec)
{
	index_remove(&tree->rt_bno, rec);
	index_remove(&tree->rt_owner, rec);
	tree->rt_nrecs--;
	g_free(rec);
}

/* Change the length of a record in place (no key uses it). */
static void xfs_rmap_set_len(struct xfs_rmap_tree *tree,
			     struct xfs_rmap_rec *rec, xfs_filblks_t len)
{
	bool grows = len > rec->irec.rm_blockcount;

	rec->irec.rm_blockcount = len;
	if (grows) {
		node_grow_end(&tree->rt_bno, &rec->by_bno);
		node_grow_end(&tree->rt_owner, &rec->by_owner);
		return;
	}
	node_refresh(&tree->rt_bno, tree->rt_bno.root, &rec->by_bno);
	node_refresh(&tree->rt_owner, tree->rt_owner.root, &rec->by_owner);
}

/* Would @rec's key in @idx, changed to @key, keep its place in the order? */
static bool index_keeps_place(const struct xfs_rmap_index *idx,
			      struct xfs_rmap_rec *rec,
			      const struct xfs_rmap_irec *key)
{
	int dir = idx->cmp(key, &rec->irec), c;
	struct xfs_rmap_node *nb;

	if (dir == 0)
		return true;
	nb = node_neighbour(idx, rec_node(idx, rec), dir > 0);
	if (!nb)
		return true;
	c = idx->cmp(key, &node_rec(idx, nb)->irec);
	return dir > 0 ? c < 0 : c > 0;
}

/*
 * Move the start of @rec to @irec's (same owner and flags, same end): the
 * front of a record was unmapped, or a mapping just before it merges into
 * it.  Its end, so every max end, stays.  The record keeps its node in both
 * indexes when no other record's key lies between the old and the new one
 * (the usual case: only another owner's record of the same blocks can);
 * otherwise it is deleted and inserted again.
 */
static void xfs_rmap_move_start(struct xfs_rmap_tree *tree,
				struct xfs_rmap_rec *rec,
				const struct xfs_rmap_irec *irec)
{
	BUG_ON(rec_end(irec) != rec_end(&rec->irec) ||
	       irec->rm_owner != rec->irec.rm_owner ||
	       irec->rm_flags != rec->irec.rm_flags);
	if (index_keeps_place(&tree->rt_bno, rec, irec) &&
	    index_keeps_place(&tree->rt_owner, rec, irec)) {
		rec->irec = *irec;
		return;
	}
	xfs_rmap_delete_rec(tree, rec);
	xfs_rmap_insert_rec(tree, irec);
}

/* The record with exactly @key's (startblock, owner, offset, flags). */
static struct xfs_rmap_rec *xfs_rmap_lookup(const struct xfs_rmap_tree *tree,
					    const struct xfs_rmap_irec *key)
{
	const struct xfs_rmap_index *idx = &tree->rt_bno;
	struct xfs_rmap_node *node = idx->root;

	while (node) {
		struct xfs_rmap_rec *rec = node_rec(idx, node);
		int c = xfs_rmap_cmp_bno(key, &rec->irec);

		if (!c)
			return rec;
		node = c < 0 ? node->left : node->right;
	}
	return NULL;
}

struct xfs_rmap_cover_key {
	uint64_t	owner;
	unsigned int	flags;
	uint64_t	diagonal;
	xfs_fsblock_t	bno;	/* candidates start at or before this */
	xfs_fsblock_t	end;	/* ... and end at or after this */
};

/*
 * The first (lowest startblock) record of @ck's group in @node's subtree
 * that starts at or before ck->bno and ends at or after ck->end.  Only the
 * two paths along the edges of the key range can descend without finding
 * one: inside the range, a subtree is entered only if its max end says it
 * holds a match.  O(log n).
 */
static struct xfs_rmap_rec *
xfs_rmap_first_cover(const struct xfs_rmap_index *idx,
		     const struct xfs_rmap_node *node,
		     const struct xfs_rmap_cover_key *ck)
{
	struct xfs_rmap_rec *rec, *found;
	int c;

	if (!node || node->max_end < ck->end)
		return NULL;
	rec = node_rec(idx, node);
	c = xfs_rmap_cmp_group(&rec->irec, ck->owner, ck->flags, ck->diagonal);
	if (c < 0)
		return xfs_rmap_first_cover(idx, node->right, ck);
	if (c > 0 || rec->irec.rm_startblock > ck->bno)
		return xfs_rmap_first_cover(idx, node->left, ck);
	found = xfs_rmap_first_cover(idx, node->left, ck);
	if (found)
		return found;
	if (rec_end(&rec->irec) >= ck->end)
		return rec;
	return xfs_rmap_first_cover(idx, node->right, ck);
}

/*
 * The record of (@owner, @flags) that covers [bno, end) with block @bno at
 * file offset @offset, or NULL.  Of several (only possible if a mapping was
 * recorded twice), the first in tree order.
 */
static struct xfs_rmap_rec *xfs_rmap_find_cover(struct xfs_rmap_tree *tree,
						xfs_fsblock_t bno,
						xfs_fsblock_t end,
						uint64_t owner,
						xfs_fileoff_t offset,
						unsigned int flags)
{
	struct xfs_rmap_cover_key ck = {
		.owner		= owner,
		.flags		= flags,
		.diagonal	= XFS_RMAP_NON_INODE_OWNER(owner) ? 0 :
				  bno - offset,
		.bno		= bno,
		.end		= end,
	};

	return xfs_rmap_first_cover(&tree->rt_owner, tree->rt_owner.root, &ck);
}

void xfs_rmap_map(struct xfs_rmap_tree *tree, xfs_fsblock_t bno,
		  xfs_filblks_t len, uint64_t owner, xfs_fileoff_t offset,
		  unsigned int flags)
{
	bool inode = !XFS_RMAP_NON_INODE_OWNER(owner);
	struct xfs_rmap_irec new = {
		.rm_startblock	= bno,
		.rm_blockcount	= len,
		.rm_owner	= owner,
		.rm_offset	= inode ? offset : 0,
		.rm_flags	= flags,
	};
	struct xfs_rmap_rec *left = NULL, *right;
	struct xfs_rmap_irec rkey;

	BUG_ON(len == 0 || bno + len <= bno);
	BUG_ON(owner == XFS_RMAP_OWN_NULL);

	/* Left neighbour: same owner/flags, ending at bno, offset-contiguous. */
	if (bno > 0 && (!inode || offset > 0)) {
		left = xfs_rmap_find_cover(tree, bno - 1, bno, owner,
					   inode ? offset - 1 : 0, flags);
		if (left && rec_end(&left->irec) != bno)
			left = NULL;	/* overlaps the new range: no merge */
	}

	/* Right neighbour: exactly keyed at bno + len. */
	rkey = new;
	rkey.rm_startblock = bno + len;
	rkey.rm_offset = inode ? offset + len : 0;
	right = xfs_rmap_lookup(tree, &rkey);

	if (left && right) {
		xfs_filblks_t rlen = right->irec.rm_blockcount;

		xfs_rmap_delete_rec(tree, right);
		xfs_rmap_set_len(tree, left,
				 left->irec.rm_blockcount + len + rlen);
	} else if (left) {
		xfs_rmap_set_len(tree, left, left->irec.rm_blockcount + len);
	} else if (right) {
		/* The right neighbour grows down to bno. */
		new.rm_blockcount += right->irec.rm_blockcount;
		xfs_rmap_move_start(tree, right, &new);
	} else {
		xfs_rmap_insert_rec(tree, &new);
	}
}

int xfs_rmap_unmap(struct xfs_rmap_tree *tree, xfs_fsblock_t bno,
		   xfs_filblks_t len, uint64_t owner, xfs_fileoff_t offset,
		   unsigned int flags)
{
	bool inode = !XFS_RMAP_NON_INODE_OWNER(owner);
	xfs_fsblock_t end = bno + len;
	struct xfs_rmap_irec old, part;
	struct xfs_rmap_rec *rec;

	BUG_ON(len == 0 || end <= bno);
	rec = xfs_rmap_find_cover(tree, bno, end, owner, inode ? offset : 0,
				  flags);
	if (!rec)
		return -ENOENT;

	old = rec->irec;
	if (rec_end(&old) > end) {
		part = old;
		part.rm_startblock = end;
		part.rm_blockcount = rec_end(&old) - end;
		if (inode)
			part.rm_offset = old.rm_offset +
					 (end - old.rm_startblock);
	}
	if (old.rm_startblock < bno) {
		/* Keep the left part in place: its key does not change. */
		xfs_rmap_set_len(tree, rec, bno - old.rm_startblock);
		if (rec_end(&old) > end)
			xfs_rmap_insert_rec(tree, &part);
	} else if (rec_end(&old) > end) {
		/* The front goes: the rest is the record, moved up. */
		xfs_rmap_move_start(tree, rec, &part);
	} else {
		xfs_rmap_delete_rec(tree, rec);
	}
	return 0;
}

struct xfs_rmap_query {
	xfs_fsblock_t		bno;
	xfs_fsblock_t		end;
	xfs_rmap_walk_fn	fn;
	void			*arg;
};

/*
 * In-order walk of @node's subtree reporting records overlapping
 * [q->bno, q->end).  Returns false once the walk is over: @fn said stop, or
 * a record starts at or after q->end (so every later one does too).
 */
static bool xfs_rmap_query_node(const struct xfs_rmap_index *idx,
				const struct xfs_rmap_node *node,
				const struct xfs_rmap_query *q)
{
	const struct xfs_rmap_irec *rec;

	if (!node || node->max_end <= q->bno)
		return true;	/* nothing here reaches the range */
	if (!xfs_rmap_query_node(idx, node->left, q))
		return false;
	rec = &node_rec(idx, node)->irec;
	if (rec->rm_startblock >= q->end)
		return false;
	if (rec_end(rec) > q->bno && !q->fn(rec, q->arg))
		return false;
	return xfs_rmap_query_node(idx, node->right, q);
}

void xfs_rmap_query_range(const struct xfs_rmap_tree *tree, xfs_fsblock_t bno,
			  xfs_filblks_t len, xfs_rmap_walk_fn fn, void *arg)
{
	struct xfs_rmap_query q = {
		.bno	= bno,
		.end	= len > UINT64_MAX - bno ? UINT64_MAX : bno + len,
		.fn	= fn,
		.arg	= arg,
	};

	if (len == 0)
		return;
	xfs_rmap_query_node(&tree->rt_bno, tree->rt_bno.root, &q);
}

static bool xfs_rmap_walk_node(const struct xfs_rmap_index *idx,
			       const struct xfs_rmap_node *node,
			       xfs_rmap_walk_fn fn, void *arg)
{
	if (!node)
		return true;
	return xfs_rmap_walk_node(idx, node->left, fn, arg) &&
	       fn(&node_rec(idx, node)->irec, arg) &&
	       xfs_rmap_walk_node(idx, node->right, fn, arg);
}

void xfs_rmap_walk(const struct xfs_rmap_tree *tree, xfs_rmap_walk_fn fn,
		   void *arg)
{
	xfs_rmap_walk_node(&tree->rt_bno, tree->rt_bno.root, fn, arg);
}
