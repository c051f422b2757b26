/* Runs a fuzz target over files named on the command line, without libFuzzer:
 * how `make test` replays the corpus and every crash reproducer as
 * regression tests.  Prints one TAP line per file. */
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int main(int argc, char **argv)
{
        for (int i = 1; i < argc; i++) {
                FILE *f = fopen(argv[i], "rb");
                if (!f) {
                        printf("not ok - %s: cannot open\n", argv[i]);
                        continue;
                }
                unsigned char *buf = malloc(1 << 20);
                size_t n = fread(buf, 1, 1 << 20, f);
                fclose(f);
                LLVMFuzzerTestOneInput(buf, n);
                free(buf);
                printf("ok - %s\n", argv[i]);
        }
        return 0;
}
