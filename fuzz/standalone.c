// SPDX-License-Identifier: MIT
/*
 * A main() for the fuzz targets without libFuzzer (gcc builds, coverage):
 * runs LLVMFuzzerTestOneInput once per file or directory entry given, in
 * sorted order, and prints one line per input.  A crash is the target's
 * own abort().
 */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	gchar *buf;
	gsize len;

	if (!g_file_get_contents(path, &buf, &len, NULL)) {
		fprintf(stderr, "cannot read %s\n", path);
		return 1;
	}
	LLVMFuzzerTestOneInput((const uint8_t *)buf, len);
	g_free(buf);
	return 0;
}

static gint cmp_str(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	int n = 0, bad = 0;

	for (int i = 1; i < argc; i++) {
		GDir *d;

		if (argv[i][0] == '-')
			continue;	/* libFuzzer flags: ignored */
		if (!g_file_test(argv[i], G_FILE_TEST_EXISTS))
			continue;	/* an empty corpus directory is not in git */
		d = g_dir_open(argv[i], 0, NULL);
		if (!d) {
			bad |= run_file(argv[i]);
			n++;
			continue;
		}
		GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
		const char *e;

		while ((e = g_dir_read_name(d)))
			g_ptr_array_add(names, g_build_filename(argv[i], e, NULL));
		g_dir_close(d);
		g_ptr_array_sort(names, cmp_str);
		for (guint k = 0; k < names->len; k++) {
			if (g_file_test(names->pdata[k], G_FILE_TEST_IS_REGULAR)) {
				bad |= run_file(names->pdata[k]);
				n++;
			}
		}
		g_ptr_array_free(names, TRUE);
	}
	printf("replayed %d inputs\n", n);
	return bad;
}
