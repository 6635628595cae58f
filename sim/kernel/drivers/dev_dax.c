// SPDX-License-Identifier: MIT
/*
 * Device DAX: the character device /dev/dax0.0 over a devdax namespace
 * (drivers/dax/device.c behaviour, written for the simulator; see
 * dev_dax.h for the model).
 */
#include <glib.h>

#include "dax.h"
#include "dev_dax.h"
#include "lock.h"
#include "memmap.h"
#include "mm.h"
#include "sim.h"
#include "trace.h"

/*
 * check_vma(): the device is mapped shared only, and both ends of the vma
 * sit on the device alignment (so the offset and the length must be
 * multiples of it: dax_get_unmapped_area gives the address the offset's
 * colour).
 */
static int check_vma(struct dev_dax *dev_dax, struct vm_area_struct *vma, const char *func)
{
	uint64_t mask = dev_dax->align - 1;

	if (!(vma->vm_flags & VM_SHARED)) {
		printk("dax %s: %s: %s: fail, attempted private mapping\n", DEV_DAX_NAME,
		       vma->vm_mm->owner->name, func);
		return -EINVAL;
	}
	if ((vma->vm_start & mask) || (vma->vm_end & mask)) {
		printk("dax %s: %s: %s: fail, unaligned vma (%#llx - %#llx, %#llx)\n", DEV_DAX_NAME,
		       vma->vm_mm->owner->name, func, (unsigned long long)vma->vm_start,
		       (unsigned long long)vma->vm_end, (unsigned long long)mask);
		return -EINVAL;
	}
	return 0;
}

/* dax_pgoff_to_phys(): the device block at @pgoff for @size bytes, or false. */
static bool dax_pgoff_to_pfn(struct dev_dax *dev_dax, pgoff_t pgoff, uint64_t size, pfn_t *pfn)
{
	uint64_t off = pgoff << PAGE_SHIFT;

	if (pgoff >= dev_dax->size >> PAGE_SHIFT || off + size > dev_dax->size)
		return false;
	*pfn = PMEM_PFN_BASE + pgoff;	/* one range: pfn = device offset */
	return true;
}

/*
 * The leaves are inserted as the vma's protection allows: a shared
 * mapping of a file without ->page_mkwrite/->pfn_mkwrite gets no write
 * notification, so a read fault of a writable mapping maps it writable.
 */
static bool dev_dax_writable(struct vm_fault *vmf)
{
	return (vmf->vma->vm_flags & (VM_SHARED | VM_WRITE)) == (VM_SHARED | VM_WRITE);
}

static vm_fault_t __dev_dax_pte_fault(struct dev_dax *dev_dax, struct vm_fault *vmf, pfn_t *pfn)
{
	if (check_vma(dev_dax, vmf->vma, __func__))
		return VM_FAULT_SIGBUS;
	if (dev_dax->align > PAGE_SIZE)
		return VM_FAULT_SIGBUS;	/* alignment > fault size */
	if (!dax_pgoff_to_pfn(dev_dax, vmf->pgoff, PAGE_SIZE, pfn))
		return VM_FAULT_SIGBUS;
	vmf_insert_pfn(vmf, *pfn, dev_dax_writable(vmf), false);
	dev_dax->stats.pte_faults++;
	return VM_FAULT_NOPAGE;
}

static vm_fault_t __dev_dax_pmd_fault(struct dev_dax *dev_dax, struct vm_fault *vmf, pfn_t *pfn)
{
	uint64_t pmd_addr = vmf->address & PMD_MASK;
	struct vm_fault hvmf = *vmf;

	if (check_vma(dev_dax, vmf->vma, __func__))
		return VM_FAULT_SIGBUS;
	if (dev_dax->align > PMD_SIZE)
		return VM_FAULT_SIGBUS;
	if (dev_dax->align < PMD_SIZE)
		return VM_FAULT_FALLBACK;	/* fault size > alignment */
	if (pmd_addr < vmf->vma->vm_start || pmd_addr + PMD_SIZE > vmf->vma->vm_end)
		return VM_FAULT_SIGBUS;
	if (!dax_pgoff_to_pfn(dev_dax, linear_page_index(vmf->vma, pmd_addr), PMD_SIZE, pfn))
		return VM_FAULT_SIGBUS;
	hvmf.address = pmd_addr;
	vmf_insert_pfn(&hvmf, *pfn, dev_dax_writable(vmf), true);
	dev_dax->stats.pmd_faults++;
	return VM_FAULT_NOPAGE;
}

static vm_fault_t __dev_dax_pud_fault(struct dev_dax *dev_dax, struct vm_fault *vmf, pfn_t *pfn)
{
	uint64_t pud_addr = vmf->address & PUD_MASK;
	struct vm_fault hvmf = *vmf;

	if (check_vma(dev_dax, vmf->vma, __func__))
		return VM_FAULT_SIGBUS;
	if (dev_dax->align < PUD_SIZE)
		return VM_FAULT_FALLBACK;	/* fault size > alignment */
	if (pud_addr < vmf->vma->vm_start || pud_addr + PUD_SIZE > vmf->vma->vm_end)
		return VM_FAULT_SIGBUS;
	if (!dax_pgoff_to_pfn(dev_dax, linear_page_index(vmf->vma, pud_addr), PUD_SIZE, pfn))
		return VM_FAULT_SIGBUS;
	hvmf.address = pud_addr;
	vmf_insert_pfn_pud(&hvmf, *pfn, dev_dax_writable(vmf));
	dev_dax->stats.pud_faults++;
	return VM_FAULT_NOPAGE;
}

/*
 * dax_set_mapping(): the first fault of a page names the device's
 * address_space and the page's offset in it; the association never
 * changes (one device, one offset per page).
 */
static void dax_set_mapping(struct vm_fault *vmf, pfn_t pfn, uint64_t fault_size)
{
	struct address_space *mapping = vmf->vma->vm_file->f_mapping;
	pgoff_t pgoff = linear_page_index(vmf->vma, vmf->address & ~(fault_size - 1));

	for (uint64_t i = 0; i < fault_size >> PAGE_SHIFT; i++) {
		struct page *page = pfn_to_page(&sim->memmap, pfn + i);

		if (page->mapping)
			continue;
		page->mapping = mapping;
		page->index = pgoff + i;
	}
}

static vm_fault_t dev_dax_huge_fault(struct vm_fault *vmf, unsigned int order)
{
	struct dev_dax *dev_dax = vmf->vma->vm_file->private_data;
	uint64_t fault_size;
	vm_fault_t rc;
	pfn_t pfn = 0;

	/* dax_read_lock(): SRCU against unbind; the simulator never unbinds mid-run */
	if (order == 0) {
		fault_size = PAGE_SIZE;
		rc = __dev_dax_pte_fault(dev_dax, vmf, &pfn);
	} else if (order == PMD_ORDER) {
		fault_size = PMD_SIZE;
		rc = __dev_dax_pmd_fault(dev_dax, vmf, &pfn);
	} else if (order == PUD_ORDER) {
		fault_size = PUD_SIZE;
		rc = __dev_dax_pud_fault(dev_dax, vmf, &pfn);
	} else {
		fault_size = PAGE_SIZE;
		rc = VM_FAULT_SIGBUS;
	}
	if (rc == VM_FAULT_NOPAGE)
		dax_set_mapping(vmf, pfn, fault_size);
	else if (rc & VM_FAULT_FALLBACK)
		dev_dax->stats.fallbacks++;
	else if (rc & VM_FAULT_SIGBUS)
		dev_dax->stats.sigbus++;
	trace("%s: %s fault order %u at pgoff %llu: %s", vmf->vma->vm_mm->owner->name,
	      (vmf->flags & FAULT_FLAG_WRITE) ? "write" : "read", order,
	      (unsigned long long)vmf->pgoff,
	      rc == VM_FAULT_NOPAGE ? "mapped" : (rc & VM_FAULT_FALLBACK) ? "fallback" : "SIGBUS");
	return rc;
}

static vm_fault_t dev_dax_fault(struct vm_fault *vmf)
{
	return dev_dax_huge_fault(vmf, 0);
}

static const struct vm_operations_struct dax_vm_ops = {
	.fault		= dev_dax_fault,
	.huge_fault	= dev_dax_huge_fault,
};

static int dax_mmap(struct file *filp, struct vm_area_struct *vma)
{
	int rc = check_vma(filp->private_data, vma, __func__);

	if (rc)
		return rc;
	vma->vm_ops = &dax_vm_ops;
	vma->vm_flags |= VM_HUGEPAGE;
	return 0;
}

/* An address whose colour at the device alignment is the offset's. */
static uint64_t dax_get_unmapped_area(struct file *filp, uint64_t addr, uint64_t len,
				      pgoff_t pgoff)
{
	struct dev_dax *dev_dax = filp->private_data;
	uint64_t align = dev_dax->align, off = pgoff << PAGE_SHIFT;
	uint64_t off_end = off + len, off_align = ALIGN_UP(off, align);

	if (off_end <= off_align || off_end - off_align < align)
		return ALIGN_UP(addr, PMD_SIZE) + (off & (PMD_SIZE - 1));	/* the default */
	return ALIGN_UP(addr, align) + (off & (align - 1));
}

const struct file_operations dax_fops = {
	.mmap			= dax_mmap,
	.mmap_supported_flags	= MAP_SYNC_,
	.get_unmapped_area	= dax_get_unmapped_area,
};

int dev_dax_probe(struct pmem_device *pd, uint64_t align, struct dev_dax **out)
{
	struct dev_dax *dev_dax;

	if (align != PAGE_SIZE && align != PMD_SIZE && align != PUD_SIZE)
		return -EINVAL;
	if (!pd->size || pd->size % align)
		return -EINVAL;
	dev_dax = g_new0(struct dev_dax, 1);
	dev_dax->region = pd;
	dev_dax->align = align;
	dev_dax->size = pd->size;
	/* the namespace's pages are device DAX's now: no fsdax ->memory_failure */
	pd->pgmap.type = MEMORY_DEVICE_GENERIC;
	pd->pgmap.ops = NULL;
	pd->pgmap.owner = dev_dax;
	/* the dax inode (dax_inode()): a character device, S_DAX, size = the device */
	dev_dax->inode.i_ino = DEV_DAX_INO;
	dev_dax->inode.i_mode = S_IFCHR;
	dev_dax->inode.i_flags = S_DAX;
	dev_dax->inode.i_nlink = 1;
	dev_dax->inode.i_size = pd->size;
	dev_dax->inode.i_fop = &dax_fops;
	dev_dax->inode.i_mapping = &dev_dax->inode.i_data;
	mapping_init(&dev_dax->inode.i_data, &dev_dax->inode, DEV_DAX_INO);
	printk("dax_pmem: %s: %llu bytes, align %llu\n", DEV_DAX_NAME,
	       (unsigned long long)pd->size, (unsigned long long)align);
	*out = dev_dax;
	return 0;
}

void dev_dax_remove(struct dev_dax *dev_dax)
{
	if (!dev_dax)
		return;
	BUG_ON(dev_dax->inode.i_count);
	mapping_destroy(&dev_dax->inode.i_data);
	g_free(dev_dax);
}

struct file *dax_open(struct dev_dax *dev_dax, const char *path, bool readonly)
{
	struct file *f = alloc_file(&dev_dax->inode, path, readonly);

	f->private_data = dev_dax;
	return f;
}
