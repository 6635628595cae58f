// SPDX-License-Identifier: MIT
/*
 * The block-device side of pmem (drivers/nvdimm/pmem.c: pmem_submit_bio ->
 * pmem_do_read / pmem_do_write): what the page cache reads and writes
 * back.  I/O to a bad block fails with EIO (the driver would clear the
 * poison of a whole-block write; daxsim leaves that to the DAX recovery
 * write and `repair`, so the memory-failure state stays in one place).
 */
#include <errno.h>
#include <string.h>

#include "pmem.h"
#include "sim.h"

int pmem_submit_bio(uint64_t bno, void *buf, bool write)
{
	uint64_t bad;

	if (bno >= sim->pmem.nr_pages)
		return -EIO;
	if (badblocks_check(sim->pmem.bb, bno, 1, &bad))
		return -EIO;
	if (write)
		memcpy(pmem_block_kaddr(&sim->pmem, bno), buf, PAGE_SIZE);
	else
		memcpy(buf, pmem_block_kaddr(&sim->pmem, bno), PAGE_SIZE);
	return 0;
}
