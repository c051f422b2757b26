/* measure: prints the EBU R128 integrated loudness, true peak, duration and
 * frame count of audio files, measured with the library's media_analyze
 * (libebur128).  Used by the tests to check what the station aired.
 * Usage: build/tools/measure [--rate R] FILE... */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "media/media.h"

int main(int argc, char **argv)
{
        int rate = 44100, failures = 0;
        for (int i = 1; i < argc; i++) {
                if (strcmp(argv[i], "--rate") == 0 && i + 1 < argc) {
                        rate = atoi(argv[++i]);
                        continue;
                }
                struct media_info info = {0};
                char err[256];
                if (media_analyze(argv[i], rate, &info, err, sizeof err) < 0) {
                        fprintf(stderr, "%s: %s\n", argv[i], err);
                        failures++;
                        continue;
                }
                printf("loudness=%.2f true_peak=%.2f duration=%.3f frames=%lld file=%s\n",
                       info.loudness, info.true_peak, info.duration,
                       (long long)info.frames, argv[i]);
                media_info_clear(&info);
        }
        return failures ? 1 : 0;
}
