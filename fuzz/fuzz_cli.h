/* SPDX-License-Identifier: MIT */
/* The daxsim CLI's fuzzing subcommands (fuzz/). */
#ifndef DAXSIM_FUZZ_CLI_H
#define DAXSIM_FUZZ_CLI_H

int daxsim_fuzz_decode(int argc, char **argv);
int daxsim_fuzz_encode(int argc, char **argv);
int daxsim_shrink(int argc, char **argv);
int daxsim_fuzz_dict(int argc, char **argv);

#endif
