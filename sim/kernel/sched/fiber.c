// SPDX-License-Identifier: MIT
/*
 * The stack switch, and nothing else.  A new stack is entered once with
 * makecontext/setcontext; every later switch is _setjmp/_longjmp between
 * stacks (swapcontext is avoided: ASan's interceptor of it warns on every
 * run).  Every switch is annotated for AddressSanitizer
 * (__sanitizer_start_switch_fiber before, __sanitizer_finish_switch_fiber
 * after), so ASan knows which stack is live; a stack that ends says so, and
 * ASan drops its fake frames.
 */
#include <glib.h>
#include <setjmp.h>
#include <ucontext.h>

#include "bug.h"
#include "fiber.h"

#if defined(__SANITIZE_ADDRESS__)
#define FIBER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FIBER_ASAN 1
#endif
#endif

#ifdef FIBER_ASAN
void __sanitizer_start_switch_fiber(void **fake_stack_save, const void *bottom, size_t size);
void __sanitizer_finish_switch_fiber(void *fake_stack_save, const void **bottom_old,
				     size_t *size_old);
#endif

struct fiber_stack {
	ucontext_t	uc;		/* the first entry */
	jmp_buf		jb;		/* where it was switched out */
	void		*stack;		/* NULL: the thread's own stack */
	size_t		size;
	void		(*entry)(void);
	bool		started;
	void		*fake_stack;	/* ASan's save slot */
	const void	*asan_bottom;	/* the thread stack, as ASan reports it */
	size_t		asan_size;
};

static struct fiber_stack *starting;		/* entered for the first time */
static struct fiber_stack *switching_from;	/* the stack that switched to us */

static void after_switch(struct fiber_stack *self)
{
#ifdef FIBER_ASAN
	const void *bottom;
	size_t size;

	__sanitizer_finish_switch_fiber(self->fake_stack, &bottom, &size);
	if (switching_from && !switching_from->stack) {
		switching_from->asan_bottom = bottom;
		switching_from->asan_size = size;
	}
#else
	(void)self;
#endif
}

static void fiber_trampoline(void)
{
	struct fiber_stack *self = starting;

	starting = NULL;		/* entered: later switches to it longjmp */
	after_switch(self);
	self->entry();
	panic("a fiber's entry returned");
}

struct fiber_stack *fiber_stack_main(void)
{
	return g_new0(struct fiber_stack, 1);
}

struct fiber_stack *fiber_stack_new(void (*entry)(void))
{
	return fiber_stack_new_sized(entry, FIBER_STACK_SIZE);
}

struct fiber_stack *fiber_stack_new_sized(void (*entry)(void), size_t size)
{
	struct fiber_stack *fs = g_new0(struct fiber_stack, 1);

	fs->size = size;
	fs->stack = g_malloc(fs->size);
	fs->entry = entry;
	if (getcontext(&fs->uc))
		panic("getcontext failed");
	fs->uc.uc_stack.ss_sp = fs->stack;
	fs->uc.uc_stack.ss_size = fs->size;
	fs->uc.uc_link = NULL;
	makecontext(&fs->uc, fiber_trampoline, 0);
	return fs;
}

void fiber_stack_free(struct fiber_stack *fs)
{
	if (!fs)
		return;
	g_free(fs->stack);
	g_free(fs);
}

void fiber_switch(struct fiber_stack *from, struct fiber_stack *to, bool from_ends)
{
	if (to->stack && !to->started) {
		to->started = true;
		starting = to;
	}
	switching_from = from_ends ? NULL : from;
#ifdef FIBER_ASAN
	__sanitizer_start_switch_fiber(from_ends ? NULL : &from->fake_stack,
				       to->stack ? to->stack : to->asan_bottom,
				       to->stack ? to->size : to->asan_size);
#endif
	if (!_setjmp(from->jb)) {
		if (to == starting) {
			setcontext(&to->uc);
			panic("setcontext failed");
		}
		_longjmp(to->jb, 1);
	}
	after_switch(from);
}
