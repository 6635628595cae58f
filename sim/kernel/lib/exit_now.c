// SPDX-License-Identifier: MIT
/* _exit(), with gcov's counters written first in the coverage build (exit_now.h). */
#include <unistd.h>

#include "exit_now.h"

#ifdef DAXSIM_COVERAGE
void __gcov_dump(void);
#endif

void exit_now(int status)
{
#ifdef DAXSIM_COVERAGE
	__gcov_dump();
#endif
	_exit(status);
}
