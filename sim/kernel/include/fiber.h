/* SPDX-License-Identifier: MIT */
/*
 * The stack switch (sched/fiber.c): behind the kernel scheduler's tasks, and
 * behind the background jobs of the fstests shell (scn/fstests_jobs.c).
 */
#ifndef DAXSIM_FIBER_H
#define DAXSIM_FIBER_H

#include <stdbool.h>
#include <stddef.h>

#define FIBER_STACK_SIZE	(1UL << 20)	/* touched lazily by the host */

struct fiber_stack;

/* The thread's own stack, to switch back to. */
struct fiber_stack *fiber_stack_main(void);
/* A new stack that runs entry() at its first switch; entry never returns. */
struct fiber_stack *fiber_stack_new(void (*entry)(void));
/* The same with a stack of @size bytes. */
struct fiber_stack *fiber_stack_new_sized(void (*entry)(void), size_t size);
void fiber_stack_free(struct fiber_stack *fs);
/* Switch from @from (the running stack) to @to; @from_ends: never resumed. */
void fiber_switch(struct fiber_stack *from, struct fiber_stack *to, bool from_ends);

#endif
