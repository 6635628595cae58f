// SPDX-License-Identifier: MIT
/*
 * The unit-test binary: one SRunner over every suite in unit_suites.h.
 * Fork mode, output verbosity etc. follow libcheck's environment variables
 * (CK_FORK, CK_VERBOSITY, CK_RUN_SUITE, CK_RUN_CASE ...).
 */
#include <stdlib.h>

#include "unit_suites.h"

int main(void)
{
	SRunner *sr = NULL;
	int failed;

#define UNIT_SUITE_ADD(name)				\
	do {						\
		if (!sr)				\
			sr = srunner_create(name());	\
		else					\
			srunner_add_suite(sr, name());	\
	} while (0);
	UNIT_SUITES(UNIT_SUITE_ADD)
#undef UNIT_SUITE_ADD

	srunner_run_all(sr, CK_ENV);	/* CK_VERBOSITY, default normal */
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
