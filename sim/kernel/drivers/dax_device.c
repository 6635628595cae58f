// SPDX-License-Identifier: MIT
/* The DAX device and its holder (drivers/dax/super.c); see dax_device.h. */
#include <errno.h>
#include <glib.h>

#include "dax_device.h"

struct dax_device *alloc_dax(void)
{
	struct dax_device *d = g_new0(struct dax_device, 1);

	d->align = PMD_SIZE;
	return d;
}

void put_dax(struct dax_device *dax_dev)
{
	g_free(dax_dev);
}

int fs_dax_get(struct dax_device *dax_dev, void *holder,
	       const struct dax_holder_operations *ops)
{
	if (dax_dev->holder_data && dax_dev->holder_data != holder)
		return -EBUSY;
	dax_dev->holder_data = holder;
	dax_dev->holder_ops = ops;
	return 0;
}

void fs_put_dax(struct dax_device *dax_dev, void *holder)
{
	if (dax_dev && dax_dev->holder_data == holder) {
		dax_dev->holder_data = NULL;
		dax_dev->holder_ops = NULL;
	}
}

void *dax_holder(struct dax_device *dax_dev)
{
	return dax_dev->holder_data;
}

int dax_holder_notify_failure(struct dax_device *dax_dev, uint64_t offset,
			      uint64_t len, unsigned int mf_flags)
{
	if (!dax_dev || !dax_dev->holder_ops || !dax_dev->holder_ops->notify_failure)
		return -EOPNOTSUPP;
	return dax_dev->holder_ops->notify_failure(dax_dev, offset, len, mf_flags);
}
